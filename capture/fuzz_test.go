package capture_test

import (
	"encoding/binary"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"scanguard/capture"
	"scanguard/record"
)

// FuzzOpen feeds arbitrary bytes to Open and Next as a file. Nothing may
// panic; Open fails with an error naming the file, and Next ends with
// io.EOF or a *ReadError naming the packet after the last one delivered.
func FuzzOpen(f *testing.F) {
	pkts := shortCapture(f)[:6]
	f.Add(pcapBytes(f, record.LinkEthernet, pkts))
	f.Add(pcapBytes(f, record.LinkLinuxSLL2, recook(pkts, record.LinkLinuxSLL2)))
	f.Add(pcapngBytes(f, pkts))
	f.Add(gzipped(f, pcapngBytes(f, pkts[:2])))
	be := &ngBuilder{order: binary.BigEndian}
	be.shb(be.option(4, 'x')...).idb(record.LinkLinuxSLL, 0, be.option(9, 0x89)...).
		epb(0, pkts[0]).block(5, make([]byte, 12)).block(3, append([]byte{0, 0, 0, 4}, 1, 2, 3, 4))
	f.Add(be.buf)
	f.Add([]byte("not a capture"))
	f.Add([]byte{})

	path := filepath.Join(f.TempDir(), "fuzz.cap")
	f.Fuzz(func(t *testing.T, data []byte) {
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatalf("write: %v", err)
		}
		r, err := capture.Open(path)
		if err != nil {
			if r != nil || !strings.HasPrefix(err.Error(), "open capture "+path+": ") {
				t.Fatalf("Open = %v, %q", r, err)
			}
			return
		}
		defer r.Close()

		var p record.Parser
		var rec record.Record
		for i := 0; i < 1<<14; i++ {
			frame, ts, err := r.Next()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				var re *capture.ReadError
				if !errors.As(err, &re) || re.Packet != r.Packets()+1 || re.File != path {
					t.Fatalf("Next after %d packets = %v", r.Packets(), err)
				}
				break
			}
			if len(frame) > 262144 {
				t.Fatalf("frame of %d bytes", len(frame))
			}
			p.Parse(frame, r.LinkType(), ts, &rec)
		}
		if p.Frames != uint64(r.Packets()) {
			t.Fatalf("parsed %d frames of %d", p.Frames, r.Packets())
		}
	})
}
