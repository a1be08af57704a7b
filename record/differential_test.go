package record_test

import (
	"path/filepath"
	"testing"

	"scanguard/record"
)

// TestAgainstGopacket parses every frame of every corpus capture and checks
// each Record field against gopacket's decoding of the same frame, and
// that the parser skips exactly the frames gopacket finds no IPv4
// transport header in.
func TestAgainstGopacket(t *testing.T) {
	ref := newRefDecoder()
	var total record.Counters
	for _, path := range corpusFiles(t) {
		t.Run(filepath.Base(path), func(t *testing.T) {
			c := readPcap(t, path)
			var p record.Parser
			mismatches := 0
			for i, frame := range c.frames {
				var got record.Record
				ok := p.Parse(frame, c.link, c.ts[i], &got)
				want, wantOK := ref.decode(frame, c.link, c.ts[i])
				if ok == wantOK && got == want {
					continue
				}
				mismatches++
				if mismatches <= 5 {
					t.Errorf("packet %d: Parse = %v, gopacket = %v\n got %+v\nwant %+v",
						i+1, ok, wantOK, got, want)
				}
			}
			if mismatches > 0 {
				t.Errorf("%d of %d packets disagree", mismatches, len(c.frames))
			}
			if p.Frames != uint64(len(c.frames)) || p.Frames != p.Records()+p.Skipped() {
				t.Errorf("counters do not add up over %d frames: %+v", len(c.frames), p.Counters)
			}
			total.Add(p.Counters)
		})
	}
	t.Logf("corpus: %+v", total)
}
