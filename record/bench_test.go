package record_test

import (
	"path/filepath"
	"scanguard/internal/corpus"
	"testing"

	"scanguard/record"
)

// benchFrames returns every frame of the corpus captures (or of testdata
// when the corpus is absent), all of one link type.
func benchFrames(b *testing.B) ([][]byte, record.LinkType) {
	b.Helper()
	files, _ := filepath.Glob(filepath.Join("testdata", "*.pcap"))
	if d, err := corpus.Dir(); err == nil {
		files, _ = filepath.Glob(filepath.Join(d, "*.pcap"))
	}
	var frames [][]byte
	link := record.LinkEthernet
	for _, path := range files {
		c := readPcap(b, path)
		if c.link != link {
			b.Fatalf("%s: link type %v, want %v", path, c.link, link)
		}
		frames = append(frames, c.frames...)
	}
	if len(frames) == 0 {
		b.Fatal("no frames to parse")
	}
	return frames, link
}

// reportRate reports the cost of one packet and the packet rate of one core.
func reportRate(b *testing.B, packets int) {
	ns := float64(b.Elapsed().Nanoseconds())
	b.ReportMetric(ns/float64(packets), "ns/pkt")
	b.ReportMetric(float64(packets)/ns*1e3, "Mpps")
}

// The parser's cost per packet over the whole corpus, frame by frame and in
// bursts of 32 as a DPDK rx_burst delivers them. Compare two versions with:
//
//	go test -run '^$' -bench 'Parse' -count 10 ./record > old.txt
//	go test -run '^$' -bench 'Parse' -count 10 ./record > new.txt
//	benchstat old.txt new.txt
func BenchmarkParse(b *testing.B) {
	frames, link := benchFrames(b)
	var p record.Parser
	var r record.Record
	b.ReportAllocs()
	b.ResetTimer()
	n := 0
	for b.Loop() {
		p.Parse(frames[n%len(frames)], link, int64(n), &r)
		n++
	}
	reportRate(b, n)
}

// BenchmarkParseBurst: see BenchmarkParse for the comparison command.
func BenchmarkParseBurst(b *testing.B) {
	const burst = 32
	frames, link := benchFrames(b)
	frames = frames[:len(frames)/burst*burst]
	ts := make([]int64, burst)
	out := make([]record.Record, 0, burst)
	var p record.Parser
	b.ReportAllocs()
	b.ResetTimer()
	n := 0
	for b.Loop() {
		i := n % len(frames)
		out = p.ParseBurst(frames[i:i+burst], ts, link, out[:0])
		n += burst
	}
	reportRate(b, n)
}
