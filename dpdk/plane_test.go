//go:build dpdk

package dpdk

import (
	"fmt"
	"os"
	"path/filepath"
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
