package capture_test

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"

	"scanguard/capture"
	"scanguard/record"
)

// onlyReader hides every method of a reader but Read, as a pipe would.
type onlyReader struct{ r io.Reader }

func (o onlyReader) Read(p []byte) (int, error) { return o.r.Read(p) }

// TestOpenReader reads captures from a stream: the same frames and times
// as Open, gzip included, and errors that name the stream.
func TestOpenReader(t *testing.T) {
	path := filepath.Join("testdata", "masscan_short_10probes.pcap")
	_, want := readAll(t, path)
	plain, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		bytes []byte
	}{
		{"pcap", plain},
		{"gzip", gzipped(t, plain)},
		{"pcapng", pcapngBytes(t, want)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r, err := capture.OpenReader("stdin", onlyReader{bytes.NewReader(tc.bytes)})
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			var got []packet
			for {
				frame, ts, err := r.Next()
				if errors.Is(err, io.EOF) {
					break
				}
				if err != nil {
					t.Fatal(err)
				}
				got = append(got, packet{append([]byte(nil), frame...), ts})
			}
			if len(got) != len(want) {
				t.Fatalf("%d frames, want %d", len(got), len(want))
			}
			for i := range got {
				if !bytes.Equal(got[i].frame, want[i].frame) || got[i].tsNs != want[i].tsNs {
					t.Fatalf("frame %d differs", i)
				}
			}
		})
	}

	t.Run("errors name the stream", func(t *testing.T) {
		_, err := capture.OpenReader("stdin", bytes.NewReader([]byte("not a capture")))
		if !errors.Is(err, capture.ErrNotCapture) || err.Error()[:20] != "open capture stdin: " {
			t.Errorf("OpenReader = %v, want ErrNotCapture naming stdin", err)
		}
		r, err := capture.OpenReader("stdin", bytes.NewReader(plain[:len(plain)-5]))
		if err != nil {
			t.Fatal(err)
		}
		var p record.Parser
		n, err := r.Records(&p, func([]record.Record) error { return nil })
		var re *capture.ReadError
		if !errors.As(err, &re) || re.File != "stdin" || re.Packet != n+1 {
			t.Errorf("Records = %d, %v; want a ReadError of stdin at packet %d", n, err, n+1)
		}
	})

	t.Run("Close leaves the stream open", func(t *testing.T) {
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		r, err := capture.OpenReader("stdin", f)
		if err != nil {
			t.Fatal(err)
		}
		if err := r.Close(); err != nil {
			t.Fatal(err)
		}
		if _, err := f.Seek(0, io.SeekStart); err != nil {
			t.Errorf("the stream was closed: %v", err)
		}
	})
}
