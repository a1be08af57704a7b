package dpdk

import (
	"encoding/binary"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"
)

// corpusDir returns the shared lab captures: SCANGUARD_CORPUS, else
// ../shared/corpus beside the module root. Missing, it fails the test under
// CI and skips it elsewhere.
func corpusDir(t testing.TB) string {
	t.Helper()
	d := os.Getenv("SCANGUARD_CORPUS")
	if d == "" {
		d = filepath.Join("..", "..", "shared", "corpus")
	}
	if _, err := os.Stat(d); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("capture corpus missing: %v", err)
		}
		t.Skipf("capture corpus not found (%v); set SCANGUARD_CORPUS to run this test", err)
	}
	abs, err := filepath.Abs(d)
	if err != nil {
		t.Fatal(err)
	}
	return abs
}

// corpusFiles returns every pcap of the corpus.
func corpusFiles(t testing.TB) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(corpusDir(t), "*.pcap"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no pcap in the corpus (%v)", err)
	}
	return files
}

// capture is a classic pcap file read whole.
type capture struct {
	link   uint32
	frames [][]byte
	ts     []int64
}

// readCapture reads a microsecond or nanosecond pcap file of either byte
// order.
func readCapture(t testing.TB, path string) capture {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	c, err := parseCapture(b)
	if err != nil {
		t.Fatalf("read %s: %v", path, err)
	}
	return c
}

func parseCapture(b []byte) (capture, error) {
	var c capture
	if len(b) < 24 {
		return c, io.ErrUnexpectedEOF
	}
	var bo binary.ByteOrder = binary.LittleEndian
	nano := false
	switch binary.LittleEndian.Uint32(b) {
	case 0xa1b2c3d4:
	case 0xa1b23c4d:
		nano = true
	case 0xd4c3b2a1:
		bo = binary.BigEndian
	case 0x4d3cb2a1:
		bo, nano = binary.BigEndian, true
	default:
		return c, errors.New("not a classic pcap file")
	}
	c.link = bo.Uint32(b[20:24])
	for off := 24; off < len(b); {
		if len(b)-off < 16 {
			return c, io.ErrUnexpectedEOF
		}
		sec, frac := int64(bo.Uint32(b[off:])), int64(bo.Uint32(b[off+4:]))
		n := int(bo.Uint32(b[off+8:]))
		off += 16
		if len(b)-off < n {
			return c, io.ErrUnexpectedEOF
		}
		if !nano {
			frac *= 1000
		}
		c.frames = append(c.frames, b[off:off+n])
		c.ts = append(c.ts, sec*1e9+frac)
		off += n
	}
	return c, nil
}

func TestCountPcapPackets(t *testing.T) {
	for _, f := range corpusFiles(t) {
		t.Run(filepath.Base(f), func(t *testing.T) {
			got, err := countPcapPackets(f)
			if err != nil {
				t.Fatal(err)
			}
			if want := len(readCapture(t, f).frames); got != want {
				t.Errorf("countPcapPackets = %d, want %d", got, want)
			}
		})
	}
}

func TestCountPcapPacketsErrors(t *testing.T) {
	dir := t.TempDir()
	cases := []struct {
		name string
		data []byte
	}{
		{"empty", nil},
		{"text", []byte("hello, not a capture file")},
		{"cut record", append(pcapHeader(), 1, 2, 3)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := filepath.Join(dir, tc.name)
			if err := os.WriteFile(p, tc.data, 0o644); err != nil {
				t.Fatal(err)
			}
			if n, err := countPcapPackets(p); err == nil {
				t.Errorf("countPcapPackets = %d, nil; want an error", n)
			}
		})
	}
}

func pcapHeader() []byte {
	h := make([]byte, 24)
	binary.LittleEndian.PutUint32(h, 0xa1b2c3d4)
	binary.LittleEndian.PutUint16(h[4:], 2)
	binary.LittleEndian.PutUint16(h[6:], 4)
	binary.LittleEndian.PutUint32(h[16:], 65535)
	binary.LittleEndian.PutUint32(h[20:], 1)
	return h
}
