package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// writeConfig writes a scanguard.yaml into dir and returns its path.
func writeConfig(t *testing.T, dir, text string) string {
	t.Helper()
	p := filepath.Join(dir, "scanguard.yaml")
	if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// readAlerts reads a JSON-lines alert file; a missing file has none.
func readAlerts(t *testing.T, path string) []alertLine {
	t.Helper()
	b, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	return parseAlerts(t, b)
}

func TestRunReplayMatchesAnalyze(t *testing.T) {
	path := corpusFile(t, "mixed_bg_masscan.pcap")
	want, _, err := analyze("-q", path)
	if err != nil {
		t.Fatal(err)
	}
	for _, workers := range []int{1, 2} {
		t.Run(fmt.Sprint("workers=", workers), func(t *testing.T) {
			dir := t.TempDir()
			alerts := filepath.Join(dir, "alerts.json")
			cfg := writeConfig(t, dir, fmt.Sprintf(`workers: %d
source:
  type: pcap
  pcap:
    files: [%q]
alert:
  sinks:
    - type: file
      path: %q
metrics:
  listen: ""
log:
  format: json
`, workers, path, alerts))
			var out, errOut bytes.Buffer
			if err := run(context.Background(), []string{"run", "-c", cfg}, &out, &errOut); err != nil {
				t.Fatalf("run: %v\n%s", err, errOut.String())
			}
			got, exp := alertKeys(readAlerts(t, alerts)), alertKeys(parseAlerts(t, want))
			if len(exp) == 0 || !slices.Equal(got, exp) {
				t.Errorf("run alerts %q, analyze alerts %q", got, exp)
			}
			logs := errOut.String()
			for _, w := range []string{`"message":"started"`, `"message":"stopped"`,
				`"queue_drops":0`} {
				if !strings.Contains(logs, w) {
					t.Errorf("log lacks %s:\n%s", w, logs)
				}
			}
		})
	}
}

// scanguardBinary builds the command into dir.
func scanguardBinary(t *testing.T, dir string) string {
	t.Helper()
	bin := filepath.Join(dir, "scanguard")
	cmd := exec.Command("go", "build", "-o", bin, ".")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// logWatch collects a process's JSON log lines and lets a test wait for
// one.
type logWatch struct {
	mu    sync.Mutex
	lines []map[string]any
	raw   bytes.Buffer
}

func (l *logWatch) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.raw.Write(p)
	sc := bufio.NewScanner(bytes.NewReader(p))
	for sc.Scan() {
		var m map[string]any
		if json.Unmarshal(sc.Bytes(), &m) == nil {
			l.lines = append(l.lines, m)
		}
	}
	return len(p), nil
}

// find returns the first line whose message is msg.
func (l *logWatch) find(msg string) map[string]any {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, m := range l.lines {
		if m["message"] == msg {
			return m
		}
	}
	return nil
}

func (l *logWatch) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.raw.String()
}

// waitFor polls cond until it holds or d passes.
func waitFor(d time.Duration, cond func() bool) bool {
	deadline := time.Now().Add(d)
	for time.Now().Before(deadline) {
		if cond() {
			return true
		}
		time.Sleep(2 * time.Millisecond)
	}
	return cond()
}

// alertKeys is the sorted (source, type, tool, severity) of each alert.
func alertKeys(as []alertLine) []string {
	var ks []string
	for _, a := range as {
		ks = append(ks, a.Source.IP+" "+a.AlertType+" "+a.Tool+" "+a.Severity)
	}
	slices.Sort(ks)
	return ks
}
