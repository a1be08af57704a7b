//go:build dpdk

package dpdk

import (
	"path/filepath"
	"testing"

	"scanguard/detector"
	"scanguard/record"
)

// goSkips maps record.Counters onto the C loop's reasons.
func goSkips(c *record.Counters) Skips {
	return Skips{
		IPv6: c.IPv6, ARP: c.ARP, OtherL3: c.OtherL3, OtherL4: c.OtherL4,
		Fragments: c.Fragments, Truncated: c.Truncated, Malformed: c.Malformed,
	}
}

// goParse runs record.Parser over Ethernet frames.
func goParse(frames [][]byte, ts []int64) ([]record.Record, Skips) {
	var p record.Parser
	recs := p.ParseBurst(frames, ts, record.LinkEthernet, nil)
	return recs, goSkips(&p.Counters)
}

// compareParsers fails t at the first Record where the C and Go parsers
// differ, and when they skip different frames.
func compareParsers(t *testing.T, frames [][]byte, ts []int64) []record.Record {
	t.Helper()
	want, wantSkip := goParse(frames, ts)
	got, gotSkip := parseFrames(frames, ts, nil)
	if gotSkip != wantSkip {
		t.Errorf("skips: C %+v, Go %+v", gotSkip, wantSkip)
	}
	if len(got) != len(want) {
		t.Fatalf("C parsed %d records, Go %d", len(got), len(want))
	}
	for i := range got {
		if got[i] != want[i] {
			t.Fatalf("record %d:\n C  %+v\n Go %+v", i, got[i], want[i])
		}
	}
	return got
}

func TestCParserMatchesGoOnCorpus(t *testing.T) {
	for _, f := range corpusFiles(t) {
		t.Run(filepath.Base(f), func(t *testing.T) {
			c := readCapture(t, f)
			if c.link != uint32(record.LinkEthernet) {
				t.Fatalf("link type %d, the C parser reads Ethernet", c.link)
			}
			recs := compareParsers(t, c.frames, c.ts)
			if len(recs) == 0 {
				t.Fatal("no record parsed")
			}

			// The lcores shard exactly as detector.Shard does.
			for _, n := range []int{1, 2, 3, 7, 16} {
				got := shardRecords(recs, n)
				for i := range recs {
					if want := detector.Shard(recs[i].Key(), n); got[i] != want {
						t.Fatalf("record %d, %d workers: C shard %d, Go %d", i, n, got[i], want)
					}
				}
			}
		})
	}
}

// FuzzCParserMatchesGo feeds both parsers the same bytes, as one Ethernet
// frame, and requires the same outcome.
func FuzzCParserMatchesGo(f *testing.F) {
	c := readCapture(f, filepath.Join(corpusDir(f), "nmap_sS_T4_fast_subnet.pcap"))
	for i, fr := range c.frames {
		if i%50 == 0 {
			f.Add(fr)
		}
	}
	f.Add([]byte{})
	f.Add(make([]byte, 14))
	f.Fuzz(func(t *testing.T, frame []byte) {
		compareParsers(t, [][]byte{frame}, []int64{1})
	})
}
