package record_test

import (
	"testing"

	"scanguard/bench"
	"scanguard/record"
)

// BenchmarkParseProfile parses the frames of generated traffic profiles in
// bursts of 32, as rx_burst delivers them: minimum-size scanner SYNs, the
// mixed profile's blend of SYNs, data and answers, and a spoofed flood.
// Compare two versions with:
//
//	go test -run '^$' -bench 'ParseProfile' -count 10 ./record > old.txt
//	go test -run '^$' -bench 'ParseProfile' -count 10 ./record > new.txt
//	benchstat old.txt new.txt
func BenchmarkParseProfile(b *testing.B) {
	const burst, packets = 32, 1 << 16
	for _, profile := range []string{"masscan", "mixed", "flood"} {
		b.Run(profile, func(b *testing.B) {
			cfg := bench.Default()
			cfg.Profile = profile
			g, err := bench.NewGenerator(cfg)
			if err != nil {
				b.Fatal(err)
			}
			recs := make([]record.Record, packets)
			g.Fill(recs)
			frames := make([][]byte, packets)
			ts := make([]int64, packets)
			for i := range recs {
				frames[i] = bench.AppendFrame(nil, &recs[i])
				ts[i] = recs[i].TsNs
			}
			out := make([]record.Record, 0, burst)
			var p record.Parser
			b.ReportAllocs()
			n := 0
			for b.Loop() {
				i := n % packets
				out = p.ParseBurst(frames[i:i+burst], ts[i:i+burst], record.LinkEthernet,
					out[:0])
				n += burst
			}
			if p.Records() != p.Frames {
				b.Fatalf("parsed %d of %d frames", p.Records(), p.Frames)
			}
			ns := float64(b.Elapsed().Nanoseconds())
			b.ReportMetric(ns/float64(n), "ns/pkt")
			b.ReportMetric(float64(n)/ns*1e3, "Mpps")
		})
	}
}
