package alert

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"scanguard/alert/sink"
)

// TestReopenOnSIGHUP rotates a file sink's file the way logrotate does:
// move it away, send SIGHUP, and expect new alerts in a new file.
func TestReopenOnSIGHUP(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "alerts.jsonl")
	cfg := Default()
	sc := sink.Default()
	sc.Type, sc.Path = sink.TypeFile, path
	cfg.Sinks = []sink.Config{sc}
	p, err := NewPipeline(cfg)
	if err != nil {
		t.Fatalf("NewPipeline: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	reopened := make(chan error, 1)
	ReopenOnSignal(ctx, p, func(err error) { reopened <- err })

	first := masscanVerdict()
	p.Handle(&first)
	waitFor(t, func() bool { return p.Stats().Sinks[0].Sent == 1 })
	if err := os.Rename(path, path+".1"); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Kill(os.Getpid(), syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-reopened:
		if err != nil {
			t.Fatalf("Reopen: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("SIGHUP did not reopen the pipeline")
	}
	second := unnamedVerdict()
	p.Handle(&second)
	if err := p.Close(context.Background()); err != nil {
		t.Fatalf("Close: %v", err)
	}

	for file, want := range map[string]string{path + ".1": "MASSCAN_SCAN", path: "PORT_SCAN"} {
		b, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(strings.TrimSpace(string(b)), "\n")
		if len(lines) != 1 || !strings.Contains(lines[0], `"alert_type":"`+want+`"`) {
			t.Errorf("%s holds %q, want one %s alert", filepath.Base(file), b, want)
		}
	}
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not met in 5s")
		}
		time.Sleep(time.Millisecond)
	}
}
