package fusion_test

import (
	"math"
	"testing"

	"scanguard/detector/fingerprint"
	"scanguard/fusion"
)

// BenchmarkDecideBySource fuses the evidence of three kinds of source into
// a verdict, the last step of every decision: masscan at its third probe,
// a busy NAT client, a large scan. Compare two runs with
//
//	go test -run '^$' -bench DecideBySource -count 10 ./fusion > new.txt
//	benchstat old.txt new.txt
func BenchmarkDecideBySource(b *testing.B) {
	db := fingerprint.Default()
	f := fusion.New(fusion.Default(), db)
	cases := []struct {
		name string
		ev   fusion.Evidence
	}{
		{"masscan-3-probes", fusion.Evidence{Probes: 3, SYNs: 3, FingerprintAvg: 100,
			FingerprintEntry: 0, FingerprintAgree: 3, InvariantEntry: 0, InvariantRun: 3,
			InvariantHits: 3, SeqAutocorr: math.NaN(), RateCV: -1, SrcPortUnique: 1.0 / 3,
			SrcPortSamples: 3, TargetUnique: 1, DistinctTargets: 3, DistinctDsts: 3}},
		{"client-20-probes", fusion.Evidence{Probes: 20, SYNs: 20, FingerprintAvg: 0,
			FingerprintEntry: -1, InvariantEntry: -1, SeqAutocorr: 0.02, RateCV: 2.1,
			SrcPortUnique: 1, SrcPortEntropy: 4.3, SrcPortSamples: 20, TargetUnique: 0.4,
			DistinctTargets: 8, DistinctDsts: 6, Answered: 20, PayloadPackets: 60}},
		{"scanner-1000-probes", fusion.Evidence{Probes: 1000, SYNs: 1000, FingerprintAvg: 30,
			FingerprintEntry: -1, InvariantEntry: -1, SeqAutocorr: 0.01, RateCV: 0.9,
			SrcPortUnique: 0.97, SrcPortEntropy: 7.9, SrcPortSamples: 256, TargetUnique: 1,
			DistinctTargets: 1000, DistinctDsts: 990, DstSamples: 128, Refused: 200}},
	}
	for _, tc := range cases {
		b.Run(tc.name, func(b *testing.B) {
			b.ReportAllocs()
			n := 0
			for b.Loop() {
				v := f.Decide(&tc.ev)
				if n == 0 && !v.Alerting() && tc.name != "client-20-probes" {
					b.Fatalf("%s: verdict %+v does not alert", tc.name, v)
				}
				n++
			}
			ns := float64(b.Elapsed().Nanoseconds())
			b.ReportMetric(ns/float64(n), "ns/decision")
			b.ReportMetric(float64(n)/ns*1e3, "Mdecisions/s")
		})
	}
}
