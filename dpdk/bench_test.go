//go:build dpdk

package dpdk

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"scanguard/record"
)

// benchResult is what a benchmark child measured between the end of its
// warm-up and the moment the lcores had received the frames asked for.
type benchResult struct {
	Elapsed  time.Duration
	Frames   uint64 // frames the lcores received
	Records  uint64 // Records the workers dequeued
	Enqueued uint64
	Drops    uint64 // Records dropped on full rings
}

// childBench runs a plane, drains its rings with one pinned worker per
// ring, and times spec.BenchFrames frames.
func childBench(spec *childSpec) (res childResult) {
	p, err := Start(spec.Config)
	if err != nil {
		res.Err = err.Error()
		return res
	}
	defer func() {
		if err := p.Stop(); err != nil && res.Err == "" {
			res.Err = err.Error()
		}
	}()

	var quit atomic.Bool
	var consumed atomic.Uint64
	var wg sync.WaitGroup
	for _, r := range p.Rings() {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// The lcores poll the last CPU; workers take the first.
			release, err := PinThread(0)
			if err == nil {
				defer release()
			}
			buf := make([]record.Record, 256)
			var n uint64
			idle := 0
			for !quit.Load() {
				// A locked thread that yields hands its P to another
				// thread and back, which costs futex wake-ups and
				// interrupts on the lcore's CPU: the worker spins, and
				// sleeps only when the rings stay empty, leaving the CPU
				// to others on a small machine.
				k := r.Dequeue(buf)
				if k == 0 {
					if idle++; idle > 4096 {
						time.Sleep(50 * time.Microsecond)
						idle = 0
					}
					continue
				}
				idle = 0
				n += uint64(k)
				if n&0xfff < uint64(k) {
					consumed.Store(n)
				}
			}
			consumed.Store(n)
		}()
	}

	time.Sleep(300 * time.Millisecond) // warm-up: caches, pools, rings
	s0, c0, t0 := p.Stats(), consumed.Load(), time.Now()
	target := rxPackets(s0) + spec.BenchFrames
	for rxPackets(p.Stats()) < target {
		time.Sleep(time.Millisecond)
	}
	s1, c1, elapsed := p.Stats(), consumed.Load(), time.Since(t0)
	quit.Store(true)
	wg.Wait()

	res.Bench = benchResult{
		Elapsed: elapsed,
		Frames:  rxPackets(s1) - rxPackets(s0),
		Records: c1 - c0,
	}
	for i := range s1.Rings {
		res.Bench.Enqueued += s1.Rings[i].Enqueued - s0.Rings[i].Enqueued
		res.Bench.Drops += s1.Rings[i].Drops - s0.Rings[i].Drops
	}
	return res
}

// BenchmarkPlane measures the whole receive path: the PMD, the C parse,
// the rings and one Go worker draining them, on the lab's two CPUs (one
// polling lcore, one worker). Mpps is frames received per second by the
// lcore, as testpmd's rxonly mode counts them; rec-Mpps is Records the
// worker dequeued per second; drop-% the share of Records lost on a full
// ring. net_null's frames are zeros, so they stop at the EtherType; the
// pcap cases replay a capture for ever (infinite_rx) and parse every frame.
// scripts/dpdk/testpmd_vs.sh runs testpmd on the same devices.
//
// Compare runs with:
//
//	go test -tags dpdk -run '^$' -bench BenchmarkPlane -count 6 ./dpdk/ > new.txt
//	benchstat old.txt new.txt
func BenchmarkPlane(b *testing.B) {
	dir := corpusDir(b)
	cases := []struct {
		name string
		vdev string
	}{
		{"null", "net_null0"},
		{"pcap-masscan", "net_pcap0,infinite_rx=1,rx_pcap=" +
			filepath.Join(dir, "masscan_r10000_top100.pcap")},
		{"pcap-mixed", "net_pcap0,infinite_rx=1,rx_pcap=" +
			filepath.Join(dir, "mixed_bg_masscan.pcap")},
	}
	if v := os.Getenv("SCANGUARD_BENCH_VDEV"); v != "" {
		cases = append(cases[:0], struct{ name, vdev string }{"env", v})
	}
	for _, tc := range cases {
		b.Run(tc.name, func(b *testing.B) {
			benchPlane(b, tc.vdev)
		})
	}
}

func benchPlane(b *testing.B, vdev string) {
	if os.Geteuid() != 0 {
		b.Skip("DPDK benchmarks need root")
	}
	cfg := Default()
	cfg.EAL.FilePrefix = fmt.Sprintf("sgbench%d", os.Getpid())
	cfg.EAL.LogLevel = "error"
	cfg.EAL.Vdevs = []string{vdev}
	cfg.Ports = []PortConfig{DefaultPort(vdevName(vdev))}
	cfg.RingSize = 1 << 16
	if v, err := strconv.Atoi(os.Getenv("SCANGUARD_BENCH_RING")); err == nil {
		cfg.RingSize = v
	}

	// Every iteration is one frame; a child process receives b.N of them.
	frames := uint64(max(b.N, 1_000_000))
	b.ReportAllocs()
	res := runPlaneB(b, childSpec{Config: cfg, BenchFrames: frames, Timeout: time.Minute})
	r := res.Bench
	sec := r.Elapsed.Seconds()
	b.ReportMetric(float64(r.Elapsed.Nanoseconds())/float64(r.Frames), "ns/op")
	b.ReportMetric(float64(r.Frames)/sec/1e6, "Mpps")
	b.ReportMetric(float64(r.Records)/sec/1e6, "rec-Mpps")
	if r.Enqueued+r.Drops > 0 {
		b.ReportMetric(100*float64(r.Drops)/float64(r.Enqueued+r.Drops), "drop-%")
	}
}
