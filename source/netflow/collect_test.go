package netflow

import (
	"bufio"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"scanguard/internal/syncbuf"
	"strings"
	"testing"
	"time"

	"scanguard/alert"
	"scanguard/alert/sink"
	"scanguard/detector"
	"scanguard/detector/fingerprint"
	"scanguard/engine"
	"scanguard/fusion"
	"scanguard/internal/corpus"
)

// Helpers for tests that run the collector end to end: a Source feeding a
// real engine whose alerts land in a buffer.

// corpusDir returns the shared lab captures (internal/corpus), as an
// absolute path for the tools the tests start.
func corpusDir(t testing.TB) string {
	t.Helper()
	abs, err := filepath.Abs(corpus.Require(t))
	if err != nil {
		t.Fatal(err)
	}
	return abs
}

// needTool returns the path of a Debian tool the test runs. Missing, it
// fails the test under CI (scripts/install-deps.sh installs it) and skips
// it elsewhere.
func needTool(t testing.TB, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err == nil {
		return p
	}
	if os.Getenv("CI") == "true" {
		t.Fatalf("%s missing: scripts/install-deps.sh installs it", name)
	}
	t.Skipf("%s not installed (apt-get install %s)", name, map[string]string{
		"softflowd": "softflowd", "nfcapd": "nfdump", "nfdump": "nfdump"}[name])
	return ""
}

// label is one line of the corpus's labels.jsonl.
type label struct {
	File   string          `json:"file"`
	Tool   string          `json:"tool"`
	IsScan map[string]bool `json:"is_scan"`
}

func readLabels(t testing.TB, dir string) []label {
	t.Helper()
	f, err := os.Open(filepath.Join(dir, "labels.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []label
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var l label
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			t.Fatalf("labels.jsonl: %v", err)
		}
		out = append(out, l)
	}
	return out
}

type syncBuffer = syncbuf.Buffer

// collector is a Source running into an engine, for one test.
type collector struct {
	src    *Source
	eng    *engine.Engine
	out    syncBuffer
	cancel context.CancelFunc
	done   chan error
}

// testDetector is the shipped detector configuration with tables small
// enough to build once per capture.
func testDetector() detector.Config {
	dc := WithFlowPromotion(detector.Default())
	dc.MaxSources, dc.MaxSuspects = 1<<12, 256
	return dc
}

// startCollector opens a Source on a loopback port and runs it into an
// engine of two workers with the shipped fusion configuration and the
// flow rows, as `scanguard run` does for source: netflow.
func startCollector(t testing.TB, cfg Config) *collector {
	t.Helper()
	cfg.Listen = "127.0.0.1:0"
	src, err := Open(cfg, fingerprint.Default())
	if err != nil {
		t.Fatal(err)
	}
	return runCollector(t, src)
}

// runCollector runs an open Source into an engine as startCollector does.
func runCollector(t testing.TB, src *Source) *collector {
	t.Helper()
	db := fingerprint.Default()
	c := &collector{src: src, done: make(chan error, 1)}
	acfg := alert.Default()
	acfg.Sinks = nil
	pipe, err := alert.NewPipelineWith(acfg, sink.NewWriter(&c.out, sink.Default()))
	if err != nil {
		t.Fatal(err)
	}
	pipe.SetAnnotator(src.Annotate)
	fc := fusion.Default()
	fc.Matrix = WithFlowRows(fc.Matrix)
	ec := engine.Default()
	ec.Workers = 2
	if c.eng, err = engine.New(ec, testDetector(), db, fusion.New(fc, db), pipe); err != nil {
		t.Fatal(err)
	}
	if err := c.eng.Start(); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	c.cancel = cancel
	go func() { c.done <- src.Run(ctx, c.eng) }()
	return c
}

// waitDatagrams waits until the collector has read n datagrams.
func (c *collector) waitDatagrams(t testing.TB, n uint64) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for c.src.Stats().Datagrams < n {
		if time.Now().After(deadline) {
			t.Fatalf("read %d datagrams of %d", c.src.Stats().Datagrams, n)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// stop ends the run, drains the workers and returns the alerts by source
// address and the collector's counters.
func (c *collector) stop(t testing.TB) (map[string][]alert.Alert, Stats) {
	t.Helper()
	c.cancel()
	if err := <-c.done; err != nil {
		t.Errorf("Run: %v", err)
	}
	st := c.src.Stats()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := c.eng.Stop(ctx); err != nil {
		t.Errorf("engine stop: %v", err)
	}
	c.src.Close()
	alerts := map[string][]alert.Alert{}
	sc := bufio.NewScanner(strings.NewReader(c.out.String()))
	for sc.Scan() {
		var a alert.Alert
		if err := json.Unmarshal(sc.Bytes(), &a); err != nil {
			t.Fatalf("alert %q: %v", sc.Bytes(), err)
		}
		alerts[a.Source.IP] = append(alerts[a.Source.IP], a)
	}
	return alerts, st
}
