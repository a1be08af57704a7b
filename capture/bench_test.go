package capture_test

import (
	"path/filepath"
	"testing"

	"scanguard/capture"
	"scanguard/record"
)

// The cost of reading and parsing a capture file per packet, pcap and
// pcapng, from the page cache. Compare two versions with:
//
//	go test -run '^$' -bench Records -count 10 ./capture > old.txt
//	go test -run '^$' -bench Records -count 10 ./capture > new.txt
//	benchstat old.txt new.txt
func BenchmarkRecords(b *testing.B) {
	pkts := manyPackets(b, 20000)
	for _, bc := range []struct {
		name string
		file []byte
	}{
		{"pcap", pcapBytes(b, record.LinkEthernet, pkts)},
		{"pcapng", pcapngBytes(b, pkts)},
	} {
		b.Run(bc.name, func(b *testing.B) {
			path := filepath.Join(b.TempDir(), "f")
			writeFileAt(b, path, bc.file)
			var p record.Parser
			b.ReportAllocs()
			b.ResetTimer()
			total := 0
			for b.Loop() {
				n, err := capture.Records(path, &p, func([]record.Record) error { return nil })
				if err != nil {
					b.Fatal(err)
				}
				total += n
			}
			ns := float64(b.Elapsed().Nanoseconds())
			b.ReportMetric(ns/float64(total), "ns/pkt")
			b.ReportMetric(float64(total)/ns*1e3, "Mpps")
		})
	}
}
