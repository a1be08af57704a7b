package engine_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"scanguard/engine"
)

// BenchmarkDispatchProcess measures the Go-source path: a Dispatcher
// spreading masscan's Records over two workers that detect them.
//
// Compare runs with:
//
//	go test -run - -bench DispatchProcess -count 10 ./engine > new.txt
//	benchstat old.txt new.txt
func BenchmarkDispatchProcess(b *testing.B) {
	recs := readRecords(b, filepath.Join(corpusDir, "masscan_r10000_top100.pcap"))
	var buf lockedBuffer
	cfg := engine.Default()
	cfg.Workers, cfg.IdleFlush = 2, 0
	e := newEngineCfg(b, cfg, &buf)
	if err := e.Start(); err != nil {
		b.Fatal(err)
	}
	d, err := e.NewDispatcher()
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	start := time.Now()
	for b.Loop() {
		d.AddBatch(recs)
	}
	d.Flush()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := e.Stop(ctx); err != nil {
		b.Fatal(err)
	}
	b.StopTimer()
	st := e.Stats().Total
	n := float64(st.Records + st.Drops)
	b.ReportMetric(n/time.Since(start).Seconds()/1e6, "Mpps")
	b.ReportMetric(float64(time.Since(start).Nanoseconds())/n, "ns/pkt")
	b.ReportMetric(float64(st.Drops)/n, "drop-share")
}

// BenchmarkWorkerProcess measures the external-loop path a DPDK ring
// consumer takes: Worker.Process on batches of 256 Records, no channel.
//
//	go test -run - -bench WorkerProcess -count 10 ./engine > new.txt
//	benchstat old.txt new.txt
func BenchmarkWorkerProcess(b *testing.B) {
	recs := readRecords(b, filepath.Join(corpusDir, "masscan_r10000_top100.pcap"))
	var buf lockedBuffer
	cfg := engine.Default()
	cfg.IdleFlush = 0
	e := newEngineCfg(b, cfg, &buf)
	w := e.Worker(0)
	b.ReportAllocs()
	n := 0
	start := time.Now()
	for b.Loop() {
		for i := 0; i < len(recs); i += 256 {
			w.Process(recs[i:min(i+256, len(recs))])
		}
		n += len(recs)
	}
	el := time.Since(start)
	b.ReportMetric(float64(n)/el.Seconds()/1e6, "Mpps")
	b.ReportMetric(float64(el.Nanoseconds())/float64(n), "ns/pkt")
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := e.Stop(ctx); err != nil {
		b.Fatal(err)
	}
}
