//go:build dpdk

package dpdk

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"scanguard/detector"
	"scanguard/record"
)

// pcapConfig replays one capture through net_pcap into workers rings.
func pcapConfig(file string, workers, ringSize int) Config {
	c := Default()
	c.EAL.FilePrefix = fmt.Sprintf("sgtest%d", os.Getpid())
	c.EAL.LogLevel = "error"
	c.EAL.Vdevs = []string{"net_pcap0,rx_pcap=" + file}
	c.Ports = []PortConfig{DefaultPort("net_pcap0")}
	c.Workers = workers
	c.RingSize = ringSize
	return c
}

// wantByWorker parses a capture with record.Parser and deals the Records
// to workers as detector.Shard does, keeping file order within a worker.
func wantByWorker(c capture, workers int) ([][]record.Record, Skips) {
	recs, skips := goParse(c.frames, c.ts)
	out := make([][]record.Record, workers)
	for _, r := range recs {
		w := detector.Shard(r.Key(), workers)
		out[w] = append(out[w], r)
	}
	return out, skips
}

// TestReplayCorpus replays every corpus capture through net_pcap, the C
// loop and the rings, and requires each worker to receive exactly the
// Records record.Parser makes of the file, in file order.
func TestReplayCorpus(t *testing.T) {
	const workers = 3
	for _, f := range corpusFiles(t) {
		t.Run(filepath.Base(f), func(t *testing.T) {
			c := readCapture(t, f)
			want, wantSkips := wantByWorker(c, workers)
			res := runPlane(t, childSpec{
				Config:      pcapConfig(f, workers, 1<<16),
				WantPackets: uint64(len(c.frames)),
			})

			for w := range want {
				if len(res.Records[w]) != len(want[w]) {
					t.Fatalf("worker %d: %d records, want %d", w, len(res.Records[w]), len(want[w]))
				}
				for i := range want[w] {
					if res.Records[w][i] != want[w][i] {
						t.Fatalf("worker %d record %d:\n got  %+v\n want %+v",
							w, i, res.Records[w][i], want[w][i])
					}
				}
			}

			checkReplayStats(t, res.Stats, len(c.frames), want, wantSkips)
		})
	}
}

func checkReplayStats(t *testing.T, s Stats, frames int, want [][]record.Record, skips Skips) {
	t.Helper()
	records := 0
	for _, w := range want {
		records += len(w)
	}
	if len(s.Ports) != 1 || s.Ports[0].RxPackets != uint64(frames) {
		t.Errorf("port stats %+v, want %d packets", s.Ports, frames)
	}
	if p := s.Ports[0]; p.Imissed != 0 || p.Ierrors != 0 || p.RxNombuf != 0 {
		t.Errorf("port lost frames: %+v", p)
	}
	var rx, bursts, recs uint64
	var sk Skips
	for _, l := range s.Lcores {
		rx, bursts, recs = rx+l.RxPackets, bursts+l.Bursts, recs+l.Records
		sk = addSkips(sk, l.Skipped)
	}
	if rx != uint64(frames) || recs != uint64(records) {
		t.Errorf("lcores received %d, parsed %d; want %d, %d", rx, recs, frames, records)
	}
	if bursts == 0 || bursts > rx {
		t.Errorf("lcores counted %d bursts for %d frames", bursts, rx)
	}
	if sk != skips {
		t.Errorf("lcores skipped %+v, want %+v", sk, skips)
	}
	for w, r := range s.Rings {
		if r.Worker != w || r.Enqueued != uint64(len(want[w])) || r.Drops != 0 {
			t.Errorf("ring %d stats %+v, want %d enqueued, no drop", w, r, len(want[w]))
		}
	}
}

func addSkips(a, b Skips) Skips {
	return Skips{
		IPv6: a.IPv6 + b.IPv6, ARP: a.ARP + b.ARP, OtherL3: a.OtherL3 + b.OtherL3,
		OtherL4: a.OtherL4 + b.OtherL4, Fragments: a.Fragments + b.Fragments,
		Truncated: a.Truncated + b.Truncated, Malformed: a.Malformed + b.Malformed,
	}
}

// TestRingOverflowDrops holds the workers back while a capture arrives
// through rings too small for it: the lcore must drop and count, never
// wait, and each worker then gets the first records of its share.
func TestRingOverflowDrops(t *testing.T) {
	const workers, ringSize = 2, 64
	f := filepath.Join(corpusDir(t), "masscan_r1000_p80_443.pcap")
	c := readCapture(t, f)
	want, _ := wantByWorker(c, workers)
	res := runPlane(t, childSpec{
		Config:      pcapConfig(f, workers, ringSize),
		WantPackets: uint64(len(c.frames)),
		HoldRings:   true,
	})
	for w := range want {
		kept := min(len(want[w]), ringSize)
		if len(res.Records[w]) != kept {
			t.Fatalf("worker %d got %d records, want the first %d", w, len(res.Records[w]), kept)
		}
		for i := 0; i < kept; i++ {
			if res.Records[w][i] != want[w][i] {
				t.Fatalf("worker %d record %d:\n got  %+v\n want %+v", w, i,
					res.Records[w][i], want[w][i])
			}
		}
		r := res.Stats.Rings[w]
		if r.Enqueued != uint64(kept) || r.Drops != uint64(len(want[w])-kept) {
			t.Errorf("ring %d stats %+v, want %d enqueued, %d dropped", w, r, kept,
				len(want[w])-kept)
		}
	}
}

// TestTwoQueuesTwoLcores replays two captures as two RX queues of one
// port, each polled by its own lcore: every worker's ring has a lane per
// lcore, and the records of each capture keep their order.
func TestTwoQueuesTwoLcores(t *testing.T) {
	const workers = 2
	fa := filepath.Join(corpusDir(t), "masscan_seed42.pcap")
	fb := filepath.Join(corpusDir(t), "zmap_r5000_p8080.pcap")
	ca, cb := readCapture(t, fa), readCapture(t, fb)
	wantA, _ := wantByWorker(ca, workers)
	wantB, _ := wantByWorker(cb, workers)

	cfg := pcapConfig(fa, workers, 1<<16)
	cfg.EAL.Lcores = "0@0,1@1,2@1" // two polling lcores sharing the second CPU
	cfg.EAL.Vdevs = []string{"net_pcap0,rx_pcap=" + fa + ",rx_pcap=" + fb}
	cfg.Ports[0].RxQueues = 2
	res := runPlane(t, childSpec{Config: cfg, WantPackets: uint64(len(ca.frames) + len(cb.frames))})

	if p := res.Ports[0]; p.RxQueues != 2 || p.RSS != RSSNone ||
		p.PcapPackets != len(ca.frames)+len(cb.frames) {
		t.Errorf("port %+v, want 2 queues, no RSS, %d pcap packets", p,
			len(ca.frames)+len(cb.frames))
	}
	if len(res.Lcores) != 2 || len(res.Lcores[0].Queues) != 1 || len(res.Lcores[1].Queues) != 1 {
		t.Fatalf("lcores %+v, want two with one queue each", res.Lcores)
	}
	for w := 0; w < workers; w++ {
		// Split the worker's records by capture: the two files have
		// disjoint timestamps, so the one that holds a record is known.
		gotA, gotB := splitByTime(res.Records[w], ca.ts)
		if !equalRecords(gotA, wantA[w]) || !equalRecords(gotB, wantB[w]) {
			t.Errorf("worker %d: got %d+%d records, want %d+%d in file order", w,
				len(gotA), len(gotB), len(wantA[w]), len(wantB[w]))
		}
	}
	for _, l := range res.Stats.Lcores {
		if l.RxPackets == 0 || l.Bursts == 0 {
			t.Errorf("lcore %d idle: %+v", l.Lcore, l)
		}
	}
}

// splitByTime splits recs into those whose timestamp lies within ts's span
// and the others.
func splitByTime(recs []record.Record, ts []int64) (in, out []record.Record) {
	lo, hi := ts[0], ts[len(ts)-1]
	for _, r := range recs {
		if r.TsNs >= lo && r.TsNs <= hi {
			in = append(in, r)
		} else {
			out = append(out, r)
		}
	}
	return in, out
}

func equalRecords(a, b []record.Record) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestNullStatsAndRestart polls net_null, whose frames are all zeros:
// everything is received and counted as another EtherType, nothing is
// enqueued, and the EAL refuses to start twice in one process.
func TestNullStatsAndRestart(t *testing.T) {
	cfg := Default()
	cfg.EAL.FilePrefix = fmt.Sprintf("sgtest%d", os.Getpid())
	cfg.EAL.LogLevel = "error"
	cfg.EAL.Vdevs = []string{"net_null0"}
	cfg.Ports = []PortConfig{DefaultPort("net_null0")}
	cfg.Workers = 2
	const want = 2_000_000
	res := runPlane(t, childSpec{Config: cfg, WantPackets: want, StartAgain: true})

	s := res.Stats
	if p := s.Ports[0]; p.RxPackets < want {
		t.Errorf("port received %d, want >= %d", p.RxPackets, want)
	}
	l := s.Lcores[0]
	if l.RxPackets < want || l.Bursts == 0 || l.Records != 0 ||
		l.Skipped.OtherL3 != l.RxPackets || l.Skipped.Total() != l.RxPackets {
		t.Errorf("lcore stats %+v, want >= %d frames all skipped as OtherL3", l, want)
	}
	if res.Running.Lcores[0].RxPackets == 0 || res.Running.Ports[0].RxPackets == 0 {
		t.Errorf("stats while running %+v, want packets counted", res.Running)
	}
	for _, r := range s.Rings {
		if r.Enqueued != 0 || r.Drops != 0 {
			t.Errorf("ring %+v, want nothing enqueued", r)
		}
	}
	if res.AgainErr != ErrEALUsed.Error() {
		t.Errorf("second Start: %q, want %q", res.AgainErr, ErrEALUsed)
	}
	if res.ControlCPUs != res.ProcessCPUs {
		t.Errorf("control thread on %d CPUs after init, process had %d", res.ControlCPUs,
			res.ProcessCPUs)
	}
}

// TestStartErrors: configuration problems come back before the EAL starts;
// DPDK's own as Go errors carrying rte_strerror's message.
func TestStartErrors(t *testing.T) {
	t.Run("invalid config", func(t *testing.T) {
		cfg := Default()
		_, err := Start(cfg) // no ports: rejected before the EAL starts
		if err == nil || !strings.Contains(err.Error(), "dpdk.ports") {
			t.Errorf("Start = %v, want a dpdk.ports error", err)
		}
	})
	t.Run("unknown port", func(t *testing.T) {
		cfg := Default()
		cfg.EAL.FilePrefix = fmt.Sprintf("sgtest%d", os.Getpid())
		cfg.EAL.LogLevel = "error"
		cfg.EAL.Vdevs = []string{"net_null0"}
		cfg.Ports = []PortConfig{DefaultPort("net_null9")}
		res := runPlane(t, childSpec{Config: cfg, WantErr: true})
		t.Logf("port error: %s", res.Err)
		if !strings.Contains(res.Err, "net_null9") || !strings.Contains(res.Err, ErrNoPort.Error()) {
			t.Errorf("Start error %q, want it to name net_null9 and %q", res.Err, ErrNoPort)
		}
		if res.AgainErr != ErrEALUsed.Error() {
			t.Errorf("Start after a failed one: %q, want %q", res.AgainErr, ErrEALUsed)
		}
	})
	t.Run("EAL refuses", func(t *testing.T) {
		cfg := Default()
		cfg.EAL.FilePrefix = fmt.Sprintf("sgtest%d", os.Getpid())
		cfg.EAL.Vdevs = []string{"net_nosuchdriver0"}
		cfg.Ports = []PortConfig{DefaultPort("net_nosuchdriver0")}
		res := runPlane(t, childSpec{Config: cfg, WantErr: true})
		t.Logf("EAL error: %s", res.Err)
		if !strings.HasPrefix(res.Err, "init EAL") {
			t.Errorf("Start error %q, want an EAL init error", res.Err)
		}
	})
}
