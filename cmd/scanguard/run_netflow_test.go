package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// softflowd returns the path of softflowd, the exporter the flow tests run.
// Missing, it fails the test under CI and skips it elsewhere.
func softflowd(t *testing.T) string {
	t.Helper()
	p, err := exec.LookPath("softflowd")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("softflowd missing: scripts/install-deps.sh installs it")
		}
		t.Skip("softflowd not installed (apt-get install softflowd)")
	}
	return p
}

// TestRunNetFlow runs `scanguard run` as a NetFlow/IPFIX collector and has
// softflowd, a real exporter, replay the mixed capture to it in IPFIX: the
// masscan source is alerted, with the exporter and flow-feature
// attribution in its alert, and the benign one is not.
func TestRunNetFlow(t *testing.T) {
	bin := softflowd(t)
	capture := corpusFile(t, "mixed_bg_masscan.pcap")
	l, err := net.ListenUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		t.Fatal(err)
	}
	addr := l.LocalAddr().String()
	l.Close()

	dir := t.TempDir()
	alerts := filepath.Join(dir, "alerts.json")
	cfg := writeConfig(t, dir, fmt.Sprintf(`workers: 2
source:
  type: netflow
  netflow:
    listen: %q
alert:
  sinks:
    - type: file
      path: %q
metrics:
  listen: ""
log:
  format: json
  stats_interval: 0s
`, addr, alerts))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	logs := &logWatch{}
	done := make(chan error, 1)
	go func() { done <- run(ctx, []string{"run", "-c", cfg}, os.Stdout, logs) }()
	if !waitFor(10*time.Second, func() bool { return logs.find("started") != nil }) {
		t.Fatalf("no start-up line:\n%s", logs)
	}
	if m := logs.find("started"); m["source"] != "netflow" {
		t.Errorf("started line %v", m)
	}

	out, err := exec.Command(bin, "-a", "-r", capture, "-n", addr, "-v", "10").CombinedOutput()
	if err != nil {
		t.Fatalf("softflowd: %v\n%s", err, out)
	}
	waitFor(10*time.Second, func() bool { return strings.Contains(readFile(alerts), "198.18.0.3") })
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("run: %v\n%s", err, logs)
	}

	var masscan map[string]any
	for _, line := range strings.Split(strings.TrimSpace(readFile(alerts)), "\n") {
		var a map[string]any
		if err := json.Unmarshal([]byte(line), &a); err != nil {
			t.Fatalf("alert %q: %v", line, err)
		}
		src := a["source"].(map[string]any)
		switch src["ip"] {
		case "198.18.0.3":
			masscan = a
		default:
			t.Errorf("alert for %v, not the scanner", src["ip"])
		}
	}
	if masscan == nil {
		t.Fatalf("masscan 198.18.0.3 not alerted:\n%s", logs)
	}
	src := masscan["source"].(map[string]any)
	if exp, _ := src["exporter"].(string); !strings.HasPrefix(exp, "127.0.0.1:") ||
		masscan["attribution"] != "flow_features" || masscan["tool"] != nil {
		t.Errorf("alert %v: want source.exporter 127.0.0.1:port, attribution "+
			"flow_features and no tool", masscan)
	}
}

func readFile(path string) string {
	b, _ := os.ReadFile(path)
	return string(b)
}
