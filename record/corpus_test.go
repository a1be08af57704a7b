package record_test

import (
	"encoding/binary"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/gopacket/pcapgo"

	"scanguard/record"
)

// corpusDir returns the folder of the shared lab captures: the one named by
// SCANGUARD_CORPUS, else ../shared/corpus beside the module root. A missing
// corpus fails the test under CI and skips it elsewhere.
func corpusDir(t testing.TB) string {
	t.Helper()
	d, err := findCorpus()
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("capture corpus missing: %v", err)
		}
		t.Skipf("capture corpus not found (%v); set SCANGUARD_CORPUS to run this test", err)
	}
	return d
}

// findCorpus locates the corpus folder without failing the test.
func findCorpus() (string, error) {
	if d := os.Getenv("SCANGUARD_CORPUS"); d != "" {
		return d, nil
	}
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no go.mod above the test's folder")
		}
		dir = parent
	}
	d := filepath.Join(dir, "..", "shared", "corpus")
	if _, err := os.Stat(d); err != nil {
		return "", err
	}
	return d, nil
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
