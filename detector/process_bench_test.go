package detector_test

import (
	"testing"

	"scanguard/bench"
	"scanguard/detector"
	"scanguard/detector/fingerprint"
	"scanguard/fusion"
	"scanguard/record"
)

// Compare two runs of these benchmarks with
//
//	go test -run '^$' -bench 'Process' -count 10 ./detector > new.txt
//	benchstat old.txt new.txt

// burst is how many Records a worker takes from its ring at once.
const burst = 256

// generate returns n Records of a bench profile.
func generate(tb testing.TB, profile string, n, sources int) []record.Record {
	tb.Helper()
	cfg := bench.Default()
	cfg.Profile, cfg.Sources = profile, sources
	g, err := bench.NewGenerator(cfg)
	if err != nil {
		tb.Fatal(err)
	}
	recs := make([]record.Record, n)
	g.Fill(recs)
	return recs
}

// newDetector returns a Detector with the shipped configuration.
func newDetector(tb testing.TB) *detector.Detector {
	tb.Helper()
	db := fingerprint.Default()
	d, err := detector.New(detector.Default(), db, fusion.New(fusion.Default(), db))
	if err != nil {
		tb.Fatal(err)
	}
	return d
}

// BenchmarkProcess runs the detector over bursts of a profile's Records,
// after a warm-up of a quarter of them, cycling when it runs out.
func BenchmarkProcess(b *testing.B) {
	cases := []struct {
		profile string
		packets int
		sources int
	}{
		{"masscan", 1 << 20, 0},
		{"benign", 2 << 20, 0},
		{"mixed", 2 << 20, 0},
		{"flood", 4 << 20, 0},
		{"flood-hping", 4 << 20, 0},
	}
	for _, tc := range cases {
		b.Run(tc.profile, func(b *testing.B) {
			recs := generate(b, tc.profile, tc.packets, tc.sources)
			d := newDetector(b)
			out := make([]fusion.Verdict, 0, burst)
			warm := len(recs) / 4 / burst * burst
			for off := 0; off < warm; off += burst {
				out = d.Process(recs[off:off+burst], out[:0])
			}
			b.ReportAllocs()
			off, n := warm, 0
			for b.Loop() {
				if off+burst > len(recs) {
					off = 0
				}
				out = d.Process(recs[off:off+burst], out[:0])
				off += burst
				n += burst
			}
			ns := float64(b.Elapsed().Nanoseconds())
			b.ReportMetric(ns/float64(n), "ns/pkt")
			b.ReportMetric(float64(n)/ns*1e3, "Mpps")
		})
	}
}

// In steady state Process allocates nothing, whatever the traffic: not
// for new sources, evictions, promotions, decisions or verdicts.
func TestProcessSteadyStateAllocs(t *testing.T) {
	for _, profile := range []string{"masscan", "nmap", "mixed", "p2p", "flood", "flood-hping"} {
		t.Run(profile, func(t *testing.T) {
			recs := generate(t, profile, 300_000, 0)
			d := newDetector(t)
			out := make([]fusion.Verdict, 0, burst)
			warm := 200_000 / burst * burst
			for off := 0; off < warm; off += burst {
				out = d.Process(recs[off:off+burst], out[:0])
			}
			off := warm
			got := testing.AllocsPerRun(300, func() {
				out = d.Process(recs[off:off+burst], out[:0])
				off += burst
			})
			if got != 0 {
				t.Errorf("got %v allocations per burst of %d, want 0", got, burst)
			}
		})
	}
}
