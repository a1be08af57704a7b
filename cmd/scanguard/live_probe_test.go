//go:build linux

package main

import (
	"context"
	"fmt"
	"math"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/maxmind/mmdbwriter"
	"github.com/maxmind/mmdbwriter/mmdbtype"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"scanguard/internal/netns"
)

// geoPlace is where the test's MaxMind databases put one address.
type geoPlace struct {
	addr    string
	asn     uint32
	asOrg   string
	country string
}

// writeGeoDBs writes a GeoLite2-ASN and a GeoLite2-Country database into
// dir, laid out like MaxMind's, that place each address, and returns their
// paths. The lab's addresses are reserved for benchmarking (RFC 2544),
// which the writer leaves out unless told otherwise.
func writeGeoDBs(t *testing.T, dir string, places []geoPlace) (asnDB, countryDB string) {
	t.Helper()
	write := func(dbType string, rec func(p geoPlace) mmdbtype.Map) string {
		tree, err := mmdbwriter.New(mmdbwriter.Options{
			DatabaseType: dbType, RecordSize: 24, IncludeReservedNetworks: true,
		})
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range places {
			_, network, err := net.ParseCIDR(p.addr + "/32")
			if err != nil {
				t.Fatal(err)
			}
			if err := tree.Insert(network, rec(p)); err != nil {
				t.Fatalf("insert %s into %s: %v", p.addr, dbType, err)
			}
		}
		path := filepath.Join(dir, dbType+".mmdb")
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
	asnDB = write("GeoLite2-ASN", func(p geoPlace) mmdbtype.Map {
		return mmdbtype.Map{
			"autonomous_system_number":       mmdbtype.Uint32(p.asn),
			"autonomous_system_organization": mmdbtype.String(p.asOrg),
		}
	})
	countryDB = write("GeoLite2-Country", func(p geoPlace) mmdbtype.Map {
		iso := mmdbtype.Map{"iso_code": mmdbtype.String(p.country)}
		return mmdbtype.Map{"country": iso, "registered_country": iso}
	})
	return asnDB, countryDB
}

// checkPlaced reports an alert whose source fields differ from where the
// databases put its address.
func checkPlaced(t *testing.T, where string, a *liveAlert, p geoPlace) {
	t.Helper()
	s := a.Source
	if s.ASN != fmt.Sprintf("AS%d", p.asn) || s.ASOrg != p.asOrg || s.Geo != p.country {
		t.Errorf("%s: source %s asn %q as_org %q geo %q, want AS%d %q %q", where, s.IP,
			s.ASN, s.ASOrg, s.Geo, p.asn, p.asOrg, p.country)
	}
}

// scraper reads the metrics endpoint of a process in a lab namespace, the
// way Prometheus would, over HTTP from a socket opened in that namespace.
type scraper struct {
	url    string
	client *http.Client
}

func newScraper(ns, addr string) *scraper {
	dial := func(ctx context.Context, network, address string) (net.Conn, error) {
		var c net.Conn
		err := netns.Do(ns, func() error {
			var err error
			c, err = (&net.Dialer{}).DialContext(ctx, network, address)
			return err
		})
		return c, err
	}
	return &scraper{
		url: "http://" + addr + "/metrics",
		client: &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{
			DialContext: dial, DisableKeepAlives: true,
		}},
	}
}

// metricSet is one scrape, by metric family name.
type metricSet map[string]*dto.MetricFamily

// scrape fetches and parses the endpoint.
func (s *scraper) scrape(t *testing.T) metricSet {
	t.Helper()
	resp, err := s.client.Get(s.url)
	if err != nil {
		t.Fatalf("scrape %s: %v", s.url, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("scrape %s: %s", s.url, resp.Status)
	}
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(resp.Body)
	if err != nil {
		t.Fatalf("parse metrics: %v", err)
	}
	return metricSet(fams)
}

// get sums the series of name whose labels include every "key=value" of
// match; a family that is absent sums to 0.
func (m metricSet) get(name string, match ...string) float64 {
	f := m[name]
	if f == nil {
		return 0
	}
	var sum float64
	for _, s := range f.GetMetric() {
		if hasLabels(s, match) {
			switch {
			case s.Counter != nil:
				sum += s.Counter.GetValue()
			case s.Gauge != nil:
				sum += s.Gauge.GetValue()
			case s.Untyped != nil:
				sum += s.Untyped.GetValue()
			}
		}
	}
	return sum
}

func hasLabels(s *dto.Metric, match []string) bool {
	for _, kv := range match {
		k, v, _ := strings.Cut(kv, "=")
		found := false
		for _, l := range s.GetLabel() {
			if l.GetName() == k && l.GetValue() == v {
				found = true
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// batchesSince compares the batch-time histogram of two scrapes: how many
// batches the workers ran in between, how many of them took longer than
// limit seconds, and the smallest bucket bound that held them all.
func batchesSince(before, after metricSet, limit float64) (n, slow uint64, bound float64) {
	const name = "scanguard_batch_duration_seconds"
	hist := func(m metricSet) (uint64, map[float64]uint64) {
		cum := map[float64]uint64{}
		var count uint64
		if f := m[name]; f != nil {
			for _, s := range f.GetMetric() {
				h := s.GetHistogram()
				count += h.GetSampleCount()
				for _, b := range h.GetBucket() {
					cum[b.GetUpperBound()] += b.GetCumulativeCount()
				}
			}
		}
		return count, cum
	}
	c0, b0 := hist(before)
	c1, b1 := hist(after)
	n = c1 - c0
	slow = n - (b1[limit] - b0[limit])
	bound = math.Inf(1)
	for le, cum := range b1 {
		if cum-b0[le] == n && le < bound {
			bound = le
		}
	}
	return n, slow, bound
}
