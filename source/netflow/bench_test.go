package netflow

import (
	"cmp"
	"math/rand/v2"
	"slices"
	"testing"

	"scanguard/detector"
	"scanguard/detector/fingerprint"
	"scanguard/fusion"
	"scanguard/record"
)

// The benchmarks below measure flow records per second: decoded alone,
// and decoded, turned into Records and run through one worker's detector,
// the whole of the collector's work but the socket. Compare two builds
// with:
//
//	go test -run '^$' -bench . -count 10 ./source/netflow > new.txt
//	benchstat old.txt new.txt

// recordsPerPacket is how many flow records an export packet carries, as
// softflowd and routers fill a 1500-byte datagram.
const recordsPerPacket = 30

// benchFlows is a mix of what a collector at a border sees: a scanner's
// SYNs to random targets (each torn down with a RST), the targets'
// answers, and clients' connections with their servers' side.
func benchFlows(n int) []flowRec {
	rng := rand.New(rand.NewPCG(7, 8))
	scanner := ip(198, 18, 0, 1)
	out := make([]flowRec, 0, n)
	for i := 0; len(out) < n; i++ {
		up := uint32(1000 + i)
		tgt := ip(198, 19, byte(rng.Uint32()), byte(rng.Uint32()))
		port := uint16(rng.IntN(1024))
		switch i % 4 {
		case 0, 1:
			out = append(out,
				flowRec{scanner, tgt, up, up + 1, 86, 2, 61000, port, 6, 0x06},
				flowRec{tgt, scanner, up, up, 40, 1, port, 61000, 6, 0x14})
		case 2:
			client := ip(10, 0, byte(rng.IntN(4)), byte(rng.IntN(256)))
			sport := uint16(32768 + rng.IntN(28000))
			out = append(out,
				flowRec{client, tgt, up, up + 40, 1500, 10, sport, 443, 6, 0x1b},
				flowRec{tgt, client, up, up + 40, 9000, 10, 443, sport, 6, 0x1b})
		case 3:
			out = append(out, flowRec{scanner, tgt, up, up, 60, 1, 40000, 53, 17, 0})
		}
	}
	return out[:n]
}

// exportStream encodes flows as export packets of one version, templates
// in the first.
func exportStream(version string, flows []flowRec) [][]byte {
	var pkts [][]byte
	for i := 0; i < len(flows); i += recordsPerPacket {
		chunk := flows[i:min(i+recordsPerPacket, len(flows))]
		var recs [][]byte
		for _, f := range chunk {
			recs = append(recs, f.bytes4())
		}
		var sets [][]byte
		switch version {
		case "v5":
			pkts = append(pkts, v5Packet(100_000, t0Secs, 0, 0, chunk...))
			continue
		case "v9":
			if i == 0 {
				sets = append(sets, templateSet(9, 256, flowFields))
			}
			sets = append(sets, dataSet(256, recs...))
			pkts = append(pkts, v9Packet(100_000, t0Secs, 0, uint16(len(chunk)), sets...))
		case "ipfix":
			if i == 0 {
				sets = append(sets, templateSet(10, 256, flowFields))
			}
			sets = append(sets, dataSet(256, recs...))
			pkts = append(pkts, ipfixPacket(t0Secs, 0, sets...))
		}
	}
	return pkts
}

// reportRecords reports flow records per second and the time per record.
func reportRecords(b *testing.B, records int) {
	s := b.Elapsed().Seconds()
	b.ReportMetric(float64(records)/s, "records/s")
	b.ReportMetric(s*1e9/float64(records), "ns/record")
}

func BenchmarkDecode(b *testing.B) {
	for _, v := range []string{"v5", "v9", "ipfix"} {
		b.Run(v, func(b *testing.B) {
			pkts := exportStream(v, benchFlows(64*recordsPerPacket))
			d := NewDecoder(Default())
			flows := d.Decode(pkts[0], exporterA, t0Ns, nil) // the templates
			b.ReportAllocs()
			b.ResetTimer()
			records := 0
			for i := 0; b.Loop(); i++ {
				flows = d.Decode(pkts[1+i%(len(pkts)-1)], exporterA, t0Ns, flows[:0])
				records += len(flows)
			}
			reportRecords(b, records)
		})
	}
}

// BenchmarkCollect is the collector's whole path per export packet:
// decode, turn flows into Records with the database check, sort them by
// time, and run them through a detector with the shipped configuration
// and the flow rows.
func BenchmarkCollect(b *testing.B) {
	for _, v := range []string{"v5", "v9", "ipfix"} {
		b.Run(v, func(b *testing.B) {
			pkts := exportStream(v, benchFlows(256*recordsPerPacket))
			db := fingerprint.Default()
			fc := fusion.Default()
			fc.Matrix = WithFlowRows(fc.Matrix)
			det, err := detector.New(WithFlowPromotion(detector.Default()), db,
				fusion.New(fc, db))
			if err != nil {
				b.Fatal(err)
			}
			d := NewDecoder(Default())
			s := NewSynth(DefaultSynth(), db)
			flows := d.Decode(pkts[0], exporterA, t0Ns, nil)
			var recs []record.Record
			var verdicts []fusion.Verdict
			b.ReportAllocs()
			b.ResetTimer()
			records := 0
			for i := 0; b.Loop(); i++ {
				flows = d.Decode(pkts[1+i%(len(pkts)-1)], exporterA, t0Ns, flows[:0])
				recs = recs[:0]
				for j := range flows {
					recs = s.Records(&flows[j], recs)
				}
				slices.SortStableFunc(recs, func(a, b record.Record) int {
					return cmp.Compare(a.TsNs, b.TsNs)
				})
				verdicts = det.Process(recs, verdicts[:0])
				records += len(flows)
			}
			reportRecords(b, records)
		})
	}
}
