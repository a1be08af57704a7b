// Package enrich looks up the autonomous system and the country of an
// address in MaxMind-format databases (GeoLite2-ASN, GeoLite2-Country or
// -City, or any database with the same record layout).
package enrich

import (
	"errors"
	"fmt"
	"net/netip"
	"strconv"
	"sync"

	"github.com/oschwald/maxminddb-golang/v2"
)

// Config names the databases. An empty path turns that lookup off, and the
// alert fields it would fill are left out.
type Config struct {
	// ASNDB is a database with autonomous_system_number and
	// autonomous_system_organization, such as GeoLite2-ASN.mmdb.
	ASNDB string `yaml:"asn_db"`
	// CountryDB is a database with country.iso_code, such as
	// GeoLite2-Country.mmdb or GeoLite2-City.mmdb.
	CountryDB string `yaml:"country_db"`
}

// Default returns a configuration with no databases.
func Default() Config { return Config{} }

// Validate reports every problem in c, with YAML paths under "enrich".
func (c *Config) Validate() error { return c.ValidateAt("enrich") }

// ValidateAt reports every problem in c, with YAML paths under at. A
// configured database must open and be readable.
func (c *Config) ValidateAt(at string) error {
	var errs []error
	for _, db := range []struct{ key, path string }{
		{"asn_db", c.ASNDB}, {"country_db", c.CountryDB},
	} {
		if db.path == "" {
			continue
		}
		r, err := maxminddb.Open(db.path)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s.%s: %w", at, db.key, err))
			continue
		}
		r.Close()
	}
	return errors.Join(errs...)
}

// Info is what the databases know of one address; zero values mean unknown.
type Info struct {
	ASN     uint32 // autonomous system number, 0 when unknown
	ASOrg   string // organisation holding ASN
	Country string // ISO 3166-1 alpha-2 code
}

// ASName returns "AS" and the number, or "" when the AS is unknown.
func (i Info) ASName() string {
	if i.ASN == 0 {
		return ""
	}
	return "AS" + strconv.FormatUint(uint64(i.ASN), 10)
}

// Enricher answers lookups from the configured databases. Its methods are
// safe for concurrent use; a nil *Enricher answers nothing.
type Enricher struct {
	cfg     Config
	mu      sync.RWMutex
	asn     *maxminddb.Reader
	country *maxminddb.Reader
}

// Open opens the databases cfg names.
func Open(cfg Config) (*Enricher, error) {
	e := &Enricher{cfg: cfg}
	if err := e.Reopen(); err != nil {
		return nil, err
	}
	return e, nil
}

// Reopen opens the databases again, so that files replaced by an updater
// are picked up. On error the databases already open are kept.
func (e *Enricher) Reopen() error {
	asn, err := openDB(e.cfg.ASNDB)
	if err != nil {
		return err
	}
	country, err := openDB(e.cfg.CountryDB)
	if err != nil {
		if asn != nil {
			asn.Close()
		}
		return err
	}
	e.mu.Lock()
	oldASN, oldCountry := e.asn, e.country
	e.asn, e.country = asn, country
	e.mu.Unlock()
	return closeDBs(oldASN, oldCountry)
}

func openDB(path string) (*maxminddb.Reader, error) {
	if path == "" {
		return nil, nil
	}
	r, err := maxminddb.Open(path)
	if err != nil {
		return nil, fmt.Errorf("open enrichment database: %w", err)
	}
	return r, nil
}

// asnRecord is the layout of GeoLite2-ASN records.
type asnRecord struct {
	Number uint32 `maxminddb:"autonomous_system_number"`
	Org    string `maxminddb:"autonomous_system_organization"`
}

// countryRecord is the part of GeoLite2-Country and -City records read
// here; the registered country stands in when the located one is missing.
type countryRecord struct {
	Country struct {
		ISOCode string `maxminddb:"iso_code"`
	} `maxminddb:"country"`
	Registered struct {
		ISOCode string `maxminddb:"iso_code"`
	} `maxminddb:"registered_country"`
}

// Lookup returns what the databases know of addr. A record that does not
// decode is treated as absent.
func (e *Enricher) Lookup(addr netip.Addr) Info {
	var info Info
	if e == nil {
		return info
	}
	e.mu.RLock()
	defer e.mu.RUnlock()
	if e.asn != nil {
		var r asnRecord
		if e.asn.Lookup(addr).Decode(&r) == nil {
			info.ASN, info.ASOrg = r.Number, r.Org
		}
	}
	if e.country != nil {
		var r countryRecord
		if e.country.Lookup(addr).Decode(&r) == nil {
			info.Country = r.Country.ISOCode
			if info.Country == "" {
				info.Country = r.Registered.ISOCode
			}
		}
	}
	return info
}

// Close releases the databases.
func (e *Enricher) Close() error {
	if e == nil {
		return nil
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	err := closeDBs(e.asn, e.country)
	e.asn, e.country = nil, nil
	return err
}

func closeDBs(rs ...*maxminddb.Reader) error {
	var errs []error
	for _, r := range rs {
		if r != nil {
			errs = append(errs, r.Close())
		}
	}
	return errors.Join(errs...)
}
