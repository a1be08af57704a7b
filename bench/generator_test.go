package bench

import (
	"errors"
	"strings"
	"testing"

	"scanguard/detector/fingerprint"
	"scanguard/record"
)

func generate(t *testing.T, cfg Config, n int) ([]record.Record, *Generator) {
	t.Helper()
	g, err := NewGenerator(cfg)
	if err != nil {
		t.Fatal(err)
	}
	recs := make([]record.Record, n)
	g.Fill(recs)
	return recs, g
}

func TestGeneratorDeterministic(t *testing.T) {
	for _, name := range ProfileNames() {
		t.Run(name, func(t *testing.T) {
			cfg := Default()
			cfg.Profile = name
			a, _ := generate(t, cfg, 5000)
			b, _ := generate(t, cfg, 5000)
			for i := range a {
				if a[i] != b[i] {
					t.Fatalf("record %d: got %+v, then %+v from the same seed", i, a[i], b[i])
				}
			}
			cfg.Seed++
			c, _ := generate(t, cfg, 5000)
			same := 0
			for i := range a {
				if a[i] == c[i] {
					same++
				}
			}
			if same == len(a) {
				t.Errorf("seeds %d and %d gave the same traffic", cfg.Seed-1, cfg.Seed)
			}
		})
	}
}

// Each scanner's probes must carry its tool's header fingerprint: the
// shipped database is the judge, since it was built from the captures.
func TestScannerFingerprints(t *testing.T) {
	db := fingerprint.Default()
	tests := []struct {
		profile string
		entry   string
		exact   bool // the entry's exact relation holds on every probe
	}{
		{"masscan", "masscan", true},
		{"masscan-current", "masscan-current", true},
		{"zmap", "zmap", true},
		{"nmap", "nmap-syn", false},
	}
	for _, tc := range tests {
		t.Run(tc.profile, func(t *testing.T) {
			cfg := Default()
			cfg.Profile = tc.profile
			recs, g := generate(t, cfg, 20000)
			scanner := g.Scanners()[0].IP
			probes, seqs := 0, map[uint32]bool{}
			for i := range recs {
				r := &recs[i]
				if r.SrcIP != scanner || !r.IsProbe() {
					continue
				}
				probes++
				seqs[r.Seq] = true
				m := db.Match(r)
				if got := db.Name(int(m.Entry)); got != tc.entry {
					t.Fatalf("probe %+v: got entry %q, want %q", *r, got, tc.entry)
				}
				if got := m.Exact >= 0; got != tc.exact {
					t.Fatalf("probe %+v: exact relation holds = %v, want %v", *r, got, tc.exact)
				}
			}
			if got := g.Scanners()[0].Probes; got != uint64(probes) || probes < 10000 {
				t.Errorf("got %d probes counted, %d in the records", got, probes)
			}
			// nmap -sS keeps one sequence number; the others vary it.
			if wantOne := tc.profile == "nmap"; (len(seqs) == 1) != wantOne {
				t.Errorf("got %d distinct sequence numbers over %d probes", len(seqs), probes)
			}
		})
	}
}

func TestBenignHostsMatchNoScanner(t *testing.T) {
	db := fingerprint.Default()
	for _, name := range []string{"benign", "dns", "cdn", "p2p", "flood"} {
		t.Run(name, func(t *testing.T) {
			cfg := Default()
			cfg.Profile = name
			recs, g := generate(t, cfg, 20000)
			scanners := map[uint32]bool{}
			for _, s := range g.Scanners() {
				scanners[s.IP] = true
			}
			for i := range recs {
				r := &recs[i]
				if !r.IsProbe() || scanners[r.SrcIP] {
					continue
				}
				if m := db.Match(r); m.Entry >= 0 || m.Exact >= 0 {
					t.Fatalf("%s probe %+v matches entry %q", g.Role(r.SrcIP), *r,
						db.Name(int(max(m.Entry, m.Exact))))
				}
			}
		})
	}
}

func TestScanShare(t *testing.T) {
	tests := []struct {
		share float64
	}{{0.02}, {0.2}, {0.5}}
	for _, tc := range tests {
		cfg := Default()
		cfg.ScanShare = tc.share
		recs, g := generate(t, cfg, 200000)
		scanners := map[uint32]bool{}
		for _, s := range g.Scanners() {
			scanners[s.IP] = true
		}
		n := 0
		for i := range recs {
			if scanners[recs[i].Key()] {
				n++
			}
		}
		if got := float64(n) / float64(len(recs)); got < tc.share*0.9 || got > tc.share*1.1 {
			t.Errorf("scan share %g: got %.4f of the packets from or to scanners", tc.share, got)
		}
	}
}

func TestTimestampsAtLinkRate(t *testing.T) {
	cfg := Default()
	cfg.LinkPps = 1e6
	recs, _ := generate(t, cfg, 1001)
	if got, want := recs[1000].TsNs-recs[0].TsNs, int64(1e6); got != want {
		t.Errorf("1000 packets at 1 Mpps span %d ns, want %d", got, want)
	}
	for i := 1; i < len(recs); i++ {
		if recs[i].TsNs < recs[i-1].TsNs {
			t.Fatalf("record %d goes back in time", i)
		}
	}
}

func TestPopulationAddresses(t *testing.T) {
	for _, x := range []uint32{0, 1, 0x7fffffff, 0xdeadbeef, 0xffffffff} {
		if got := unmix32(mix32(x)); got != x {
			t.Errorf("unmix32(mix32(%#x)) = %#x", x, got)
		}
	}
	g := &Generator{}
	for pop := popWebClients; pop <= popTargets; pop++ {
		for _, idx := range []uint32{0, 7, 1<<popBits - 1} {
			if gotPop, gotIdx := popOf(popAddr(pop, idx)); gotPop != pop || gotIdx != idx {
				t.Errorf("popOf(popAddr(%d, %d)) = %d, %d", pop, idx, gotPop, gotIdx)
			}
			if got := g.Role(popAddr(pop, idx)); got != popNames[pop] {
				t.Errorf("role of member %d of %d: got %q, want %q", idx, pop, got, popNames[pop])
			}
		}
	}
}

func TestConfigValidate(t *testing.T) {
	tests := []struct {
		name  string
		edit  func(c *Config)
		paths []string
	}{
		{"default", func(c *Config) {}, nil},
		{"profile", func(c *Config) { c.Profile = "nope" }, []string{"bench.profile"}},
		{"several", func(c *Config) { c.Workers, c.Burst, c.ScanShare = 0, 0, 2 },
			[]string{"bench.workers", "bench.burst", "bench.scan_share"}},
		{"sources", func(c *Config) { c.Sources = 1 << 30 }, []string{"bench.sources"}},
		{"rate", func(c *Config) { c.LinkPps = 0 }, []string{"bench.link_pps"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := Default()
			tc.edit(&c)
			err := c.Validate()
			if (err != nil) != (len(tc.paths) > 0) {
				t.Fatalf("got error %v, want one naming %v", err, tc.paths)
			}
			for _, p := range tc.paths {
				if !strings.Contains(err.Error(), p+":") {
					t.Errorf("got %q, want it to name %s", err, p)
				}
			}
		})
	}
	c := Default()
	c.Profile = "nope"
	if _, err := NewGenerator(c); !errors.Is(err, ErrUnknownProfile) {
		t.Errorf("got %v, want ErrUnknownProfile", err)
	}
}
