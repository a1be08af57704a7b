//go:build dpdk

package dpdk

import (
	"runtime"
	"sync"
	"testing"

	"scanguard/record"
)

// TestRingSPSC runs C producers and a Go consumer at the same time and
// checks that every record arrives once, in its lane's order and intact, or
// was counted as a drop.
func TestRingSPSC(t *testing.T) {
	cases := []struct {
		name  string
		lanes int
		size  int
		n     uint64
		burst int
		wait  bool // producers wait for room: nothing may be lost
	}{
		{"lossless through a small ring", 1, 64, 1_000_000, 32, true},
		{"lossless, two lanes, odd burst across the wrap", 2, 128, 500_000, 7, true},
		{"dropping on a small ring", 1, 64, 1_000_000, 32, false},
		{"dropping, three lanes", 3, 256, 300_000, 64, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r, err := newRing(0, tc.lanes, tc.size)
			if err != nil {
				t.Fatal(err)
			}
			drops := make([]uint64, tc.lanes)
			var wg sync.WaitGroup
			for i := 0; i < tc.lanes; i++ {
				wg.Add(1)
				go func() {
					defer wg.Done()
					drops[i] = fillLane(r, i, tc.n, tc.wait)
				}()
			}
			done := make(chan struct{})
			go func() { wg.Wait(); close(done) }()

			got := consumeAll(t, r, tc.lanes, tc.burst, tc.wait, done)

			var totalDrops uint64
			for _, d := range drops {
				totalDrops += d
			}
			want := uint64(tc.lanes) * tc.n
			if uint64(got)+totalDrops != want {
				t.Errorf("received %d + dropped %d, want %d", got, totalDrops, want)
			}
			if tc.wait && totalDrops != 0 {
				t.Errorf("dropped %d while waiting for room", totalDrops)
			}
			if st := r.stats(); st.Enqueued != uint64(got) || st.Drops != totalDrops {
				t.Errorf("stats = %+v, want enqueued %d, drops %d", st, got, totalDrops)
			}
		})
	}
}

// consumeAll dequeues until the producers are done and the ring is empty.
// Each record must be intact and come after the previous one of its lane:
// right after it when nothing may be lost. It returns the records received.
func consumeAll(t *testing.T, r *Ring, lanes, burst int, lossless bool,
	done <-chan struct{}) int {
	t.Helper()
	buf := make([]record.Record, burst)
	last := make([]int64, lanes)
	for i := range last {
		last[i] = -1
	}
	got := 0
	for {
		n := r.Dequeue(buf)
		if n == 0 {
			select {
			case <-done:
				if r.Len() == 0 {
					return got
				}
			default:
				runtime.Gosched()
			}
			continue
		}
		for _, rec := range buf[:n] {
			i, lane := rec.TsNs, int(rec.OptKinds)
			if lane >= lanes || rec.Seq != uint32(i) ||
				rec.SrcIP != uint32(uint64(i)*2654435761) || rec.DstIP != ^rec.SrcIP {
				t.Fatalf("torn record %+v", rec)
			}
			if i <= last[lane] || lossless && i != last[lane]+1 {
				t.Fatalf("lane %d: record %d after %d", lane, i, last[lane])
			}
			last[lane] = i
		}
		got += n
	}
}

// BenchmarkRingChoice compares ways of handing Records from a C thread to
// Go: the package's lanes, which Go reads with atomic loads and no cgo call
// (and, to split the cost, the same lanes read by C through cgo), and
// DPDK's rte_ring of 40-byte elements, which needs a cgo call per burst.
//
// On the two-CPU lab VM rte_ring moved about 100 Mrec/s and the lanes
// about 50, read from Go or from C alike: the difference is on the
// producer's side, in a loop that does nothing but fill. One polling lcore
// parses 10-45 Mpps, well under either, so the lanes stay: they are read
// without cgo, never block the lcore and count drops per lane. The producer runs on the last CPU, the consumer where Go
// puts it; both are lossless here (the producer waits for room).
//
//	go test -tags dpdk -run '^$' -bench BenchmarkRingChoice -count 6 ./dpdk/ > new.txt
//	benchstat old.txt new.txt
func BenchmarkRingChoice(b *testing.B) {
	cpu := runtime.NumCPU() - 1
	for _, tc := range []struct {
		name  string
		via   int
		burst int
	}{
		{"lane/burst32", viaLane, 32},
		{"lane/burst256", viaLane, 256},
		{"lane-cgo/burst32", viaLaneC, 32},
		{"rte_ring/burst32", viaRteRing, 32},
		{"rte_ring/burst256", viaRteRing, 256},
	} {
		b.Run(tc.name, func(b *testing.B) {
			n := uint64(b.N)
			b.ReportAllocs()
			sum, err := ringChoice(tc.via, n, 4096, tc.burst, cpu)
			if err != nil {
				b.Fatal(err)
			}
			if want := seqSum(n); sum != want {
				b.Fatalf("checksum %d, want %d", sum, want)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(n), "ns/rec")
			b.ReportMetric(float64(n)/b.Elapsed().Seconds()/1e6, "Mrec/s")
		})
	}
}

// seqSum is the sum of uint32(i) for i in [0, n).
func seqSum(n uint64) uint64 {
	var s uint64
	for i := uint64(0); i < n; i++ {
		s += uint64(uint32(i))
	}
	return s
}
