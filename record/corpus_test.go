package record_test

import (
	"encoding/binary"
	"errors"
	"io"
	"os"
	"path/filepath"
	"scanguard/internal/corpus"
	"testing"

	"github.com/google/gopacket/pcapgo"

	"scanguard/record"
)

// corpusDir returns the folder of the shared lab captures.
func corpusDir(t testing.TB) string {
	t.Helper()
	return corpus.Require(t)
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

// capFile is a capture file read whole into memory.
type capFile struct {
	link   record.LinkType
	frames [][]byte
	ts     []int64
}

// readPcap reads every frame of a classic pcap file. The link type comes
// from the header itself, since gopacket keeps only its low byte.
func readPcap(t testing.TB, path string) capFile {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	defer f.Close()
	hdr := make([]byte, 24)
	if _, err := io.ReadFull(f, hdr); err != nil {
		t.Fatalf("read header of %s: %v", path, err)
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		t.Fatalf("seek: %v", err)
	}
	order := binary.ByteOrder(binary.LittleEndian)
	if hdr[0] == 0xa1 {
		order = binary.BigEndian
	}
	c := capFile{link: record.LinkType(order.Uint32(hdr[20:24]))}

	r, err := pcapgo.NewReader(f)
	if err != nil {
		t.Fatalf("read %s: %v", path, err)
	}
	for {
		data, ci, err := r.ReadPacketData()
		if errors.Is(err, io.EOF) {
			return c
		}
		if err != nil {
			t.Fatalf("read %s: packet %d: %v", path, len(c.frames)+1, err)
		}
		c.frames = append(c.frames, data)
		c.ts = append(c.ts, ci.Timestamp.UnixNano())
	}
}
