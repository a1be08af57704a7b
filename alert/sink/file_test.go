package sink

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// readLines returns the JSON seqs of the lines in path.
func readLines(t *testing.T, path string) []int {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var seqs []int
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		seqs = append(seqs, seqOf(t, sc.Text()))
	}
	return seqs
}

func TestFileSinkReopen(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "alerts.jsonl")
	cfg := Default()
	cfg.Type, cfg.Path = TypeFile, path
	s, err := Open(cfg)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	for i := range 5 {
		s.Send(testMessage(i))
	}
	waitSent(t, s, 5)

	// Log rotation: the file is moved away, then the sink is told.
	rotated := filepath.Join(dir, "alerts.jsonl.1")
	if err := os.Rename(path, rotated); err != nil {
		t.Fatal(err)
	}
	if err := s.Reopen(); err != nil {
		t.Fatalf("Reopen: %v", err)
	}
	for i := 5; i < 8; i++ {
		s.Send(testMessage(i))
	}
	if err := s.Close(context.Background()); err != nil {
		t.Fatalf("Close: %v", err)
	}

	if got, want := readLines(t, rotated), []int{0, 1, 2, 3, 4}; !slices.Equal(got, want) {
		t.Errorf("rotated file has %v, want %v", got, want)
	}
	if got, want := readLines(t, path), []int{5, 6, 7}; !slices.Equal(got, want) {
		t.Errorf("new file has %v, want %v", got, want)
	}
}

func TestFileSinkBadPath(t *testing.T) {
	cfg := Default()
	cfg.Type, cfg.Path = TypeFile, filepath.Join(t.TempDir(), "missing", "alerts.jsonl")
	if _, err := Open(cfg); err == nil {
		t.Error("Open succeeded on a file in a missing directory")
	}
}

func TestWriterSink(t *testing.T) {
	var buf bytes.Buffer
	s := NewWriter(&buf, Default())
	for i := range 100 {
		if !s.Send(testMessage(i)) {
			t.Fatalf("Send %d dropped", i)
		}
	}
	if err := s.Close(context.Background()); err != nil {
		t.Fatalf("Close: %v", err)
	}
	lines := strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n")
	if len(lines) != 100 {
		t.Fatalf("got %d lines, want 100", len(lines))
	}
	for i, l := range lines {
		if got := seqOf(t, l); got != i {
			t.Errorf("line %d has seq %d", i, got)
		}
	}
}

// stuckWriter blocks every Write until released.
type stuckWriter struct{ release chan struct{} }

func (w stuckWriter) Write(p []byte) (int, error) {
	<-w.release
	return len(p), nil
}

func TestSendNeverBlocks(t *testing.T) {
	w := stuckWriter{release: make(chan struct{})}
	defer close(w.release)
	cfg := Default()
	cfg.QueueSize = 4
	s := NewWriter(w, cfg)

	// The bufio layer takes 64 KiB before the writer blocks; push past it.
	start := time.Now()
	accepted := 0
	for i := range 2000 {
		if s.Send(testMessage(i)) {
			accepted++
		}
	}
	if took := time.Since(start); took > time.Second {
		t.Errorf("2000 Sends took %v against a stuck writer", took)
	}
	st := s.Stats()
	if st.Dropped == 0 || st.Dropped+uint64(accepted) != 2000 {
		t.Errorf("accepted %d, stats %+v: want drops counted for the rest", accepted, st)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	start = time.Now()
	err := s.Close(ctx)
	if took := time.Since(start); took > time.Second {
		t.Errorf("Close took %v against a stuck writer", took)
	}
	if !errors.Is(err, ErrLost) || !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Close = %v, want ErrLost and the deadline", err)
	}
}

func TestConfigValidate(t *testing.T) {
	good := []Config{
		Default(),
		syslogConfig("tcp", "127.0.0.1:514", FormatRFC3164, FramingNonTransparent),
	}
	for _, c := range good {
		if err := c.Validate(); err != nil {
			t.Errorf("Validate(%+v) = %v", c, err)
		}
	}
	bad := syslogConfig("sctp", "", "rfc1", "stuffed")
	bad.Facility = "local9"
	bad.AppName = ""
	bad.QueueSize = 0
	bad.BackoffMax = time.Nanosecond
	err := bad.ValidateAt("alert.sinks[2]")
	for _, p := range []string{
		"network", "address", "format", "framing", "facility", "app_name",
		"queue_size", "backoff_max",
	} {
		if err == nil || !strings.Contains(err.Error(), "alert.sinks[2]."+p+":") {
			t.Errorf("ValidateAt = %v, want a problem at alert.sinks[2].%s", err, p)
		}
	}
	file := Default()
	file.Type = TypeFile
	if err := file.Validate(); err == nil || !strings.Contains(err.Error(), "sink.path:") {
		t.Errorf("file sink without path: %v", err)
	}
}

func waitSent(t *testing.T, s *Sink, n uint64) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for s.Stats().Sent < n {
		if time.Now().After(deadline) {
			t.Fatalf("sink sent %d of %d", s.Stats().Sent, n)
		}
		time.Sleep(time.Millisecond)
	}
}
