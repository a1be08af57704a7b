package enrich

import (
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/maxmind/mmdbwriter"
	"github.com/maxmind/mmdbwriter/mmdbtype"
)

// writeDB writes a small MaxMind database of the given type with one record
// per network, the way the real GeoLite2 files lay them out.
func writeDB(t *testing.T, dbType string, records map[string]mmdbtype.Map) string {
	t.Helper()
	tree, err := mmdbwriter.New(mmdbwriter.Options{
		DatabaseType:            dbType,
		RecordSize:              24,
		IncludeReservedNetworks: true,
	})
	if err != nil {
		t.Fatal(err)
	}
	for cidr, rec := range records {
		_, network, err := net.ParseCIDR(cidr)
		if err != nil {
			t.Fatal(err)
		}
		if err := tree.Insert(network, rec); err != nil {
			t.Fatalf("insert %s: %v", cidr, err)
		}
	}
	path := filepath.Join(t.TempDir(), dbType+".mmdb")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := tree.WriteTo(f); err != nil {
		t.Fatal(err)
	}
	return path
}

func asnDB(t *testing.T) string {
	return writeDB(t, "GeoLite2-ASN", map[string]mmdbtype.Map{
		"198.18.0.0/15": {
			"autonomous_system_number":       mmdbtype.Uint32(64500),
			"autonomous_system_organization": mmdbtype.String("Example Scanning Ltd"),
		},
		"203.0.113.0/24": {"autonomous_system_number": mmdbtype.Uint32(64511)},
	})
}

func countryDB(t *testing.T) string {
	iso := func(code string) mmdbtype.Map { return mmdbtype.Map{"iso_code": mmdbtype.String(code)} }
	return writeDB(t, "GeoLite2-Country", map[string]mmdbtype.Map{
		"198.18.0.0/16":  {"country": iso("CN"), "registered_country": iso("CN")},
		"198.19.0.0/16":  {"registered_country": iso("NL")},
		"203.0.113.0/24": {"country": iso("DE")},
	})
}

func TestLookup(t *testing.T) {
	e, err := Open(Config{ASNDB: asnDB(t), CountryDB: countryDB(t)})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	defer e.Close()
	tests := []struct {
		addr   string
		want   Info
		asName string
	}{
		{"198.18.0.1", Info{ASN: 64500, ASOrg: "Example Scanning Ltd", Country: "CN"}, "AS64500"},
		{"198.19.4.4", Info{ASN: 64500, ASOrg: "Example Scanning Ltd", Country: "NL"}, "AS64500"},
		{"203.0.113.9", Info{ASN: 64511, Country: "DE"}, "AS64511"},
		{"192.0.2.1", Info{}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.addr, func(t *testing.T) {
			got := e.Lookup(netip.MustParseAddr(tt.addr))
			if got != tt.want {
				t.Errorf("Lookup = %+v, want %+v", got, tt.want)
			}
			if got.ASName() != tt.asName {
				t.Errorf("ASName = %q, want %q", got.ASName(), tt.asName)
			}
		})
	}
}

func TestNoDatabases(t *testing.T) {
	e, err := Open(Default())
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	if got := e.Lookup(netip.MustParseAddr("198.18.0.1")); got != (Info{}) {
		t.Errorf("Lookup without databases = %+v, want nothing", got)
	}
	var nilE *Enricher
	if got := nilE.Lookup(netip.MustParseAddr("198.18.0.1")); got != (Info{}) {
		t.Errorf("nil Enricher answered %+v", got)
	}
}

func TestReopenPicksUpNewFile(t *testing.T) {
	path := asnDB(t)
	e, err := Open(Config{ASNDB: path})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	replacement := writeDB(t, "GeoLite2-ASN", map[string]mmdbtype.Map{
		"198.18.0.0/15": {"autonomous_system_number": mmdbtype.Uint32(64999)},
	})
	if err := os.Rename(replacement, path); err != nil {
		t.Fatal(err)
	}
	if err := e.Reopen(); err != nil {
		t.Fatalf("Reopen: %v", err)
	}
	if got := e.Lookup(netip.MustParseAddr("198.18.0.1")).ASN; got != 64999 {
		t.Errorf("after Reopen ASN = %d, want 64999", got)
	}
}

func TestValidate(t *testing.T) {
	bad := filepath.Join(t.TempDir(), "junk.mmdb")
	os.WriteFile(bad, []byte("not a database"), 0o644)
	cfg := Config{ASNDB: filepath.Join(t.TempDir(), "absent.mmdb"), CountryDB: bad}
	err := cfg.ValidateAt("alert.enrich")
	for _, p := range []string{"alert.enrich.asn_db:", "alert.enrich.country_db:"} {
		if err == nil || !strings.Contains(err.Error(), p) {
			t.Errorf("Validate = %v, want a problem at %s", err, p)
		}
	}
	if _, err := Open(cfg); err == nil {
		t.Error("Open succeeded with a missing database")
	}
	good := Config{ASNDB: asnDB(t)}
	if err := good.Validate(); err != nil {
		t.Errorf("Validate(good) = %v", err)
	}
}
