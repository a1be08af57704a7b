package main

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// replayConfig replays two captures at three times real speed: masscan from
// 198.18.0.1 first, then a capture where 198.18.0.3 runs masscan.
func replayConfig(alerts string, allow string) string {
	return fmt.Sprintf(`workers: 2
source:
  type: pcap
  pcap:
    files: [%q, %q]
    speed: 3
alert:
  suppression:
    allow: [%s]
  sinks:
    - type: file
      path: %q
metrics:
  listen: ""
log:
  format: json
  stats_interval: 250ms
`, corpusPath("masscan_default_p80.pcap"), corpusPath("mixed_bg_masscan.pcap"), allow, alerts)
}

func corpusPath(name string) string {
	dir := os.Getenv("SCANGUARD_CORPUS")
	if dir == "" {
		dir = filepath.Join("..", "..", "..", "shared", "corpus")
	}
	p, _ := filepath.Abs(filepath.Join(dir, name))
	return p
}

func hasAlertFrom(as []alertLine, ip string) bool {
	for _, a := range as {
		if a.Source.IP == ip && a.AlertType == "MASSCAN_SCAN" {
			return true
		}
	}
	return false
}

// TestSignals runs the binary: SIGHUP reopens the rotated alert file and
// swaps the allowlist without losing state; SIGTERM drains, and exits 1
// because the replay it cut short did not read its files to the end.
func TestSignals(t *testing.T) {
	corpusFile(t, "mixed_bg_masscan.pcap")
	dir := t.TempDir()
	bin := scanguardBinary(t, dir)
	alerts := filepath.Join(dir, "alerts.json")
	cfg := writeConfig(t, dir, replayConfig(alerts, ""))

	var logs logWatch
	cmd := exec.Command(bin, "run", "-c", cfg)
	cmd.Stderr = &logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	if !waitFor(10*time.Second, func() bool { return logs.find("started") != nil }) {
		t.Fatalf("no start:\n%s", logs.String())
	}
	if !waitFor(10*time.Second, func() bool {
		return hasAlertFrom(readAlerts(t, alerts), "198.18.0.1")
	}) {
		t.Fatalf("no alert for 198.18.0.1:\n%s", logs.String())
	}

	// Rotate the file as logrotate would, allowlist an unrelated host,
	// and ask for a reload.
	if err := os.Rename(alerts, alerts+".1"); err != nil {
		t.Fatal(err)
	}
	writeConfig(t, dir, replayConfig(alerts, "{cidr: 203.0.113.7/32}"))
	if err := cmd.Process.Signal(syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	if !waitFor(5*time.Second, func() bool {
		m := logs.find("reload: thresholds and allowlist swapped")
		return m != nil && m["allow_rules"] == float64(1)
	}) {
		t.Fatalf("no reload:\n%s", logs.String())
	}

	// The second capture's scanner alerts into the reopened file.
	if !waitFor(15*time.Second, func() bool {
		return hasAlertFrom(readAlerts(t, alerts), "198.18.0.3")
	}) {
		t.Fatalf("no alert for 198.18.0.3 in the reopened file:\n%s", logs.String())
	}
	if old := readAlerts(t, alerts+".1"); hasAlertFrom(old, "198.18.0.3") {
		t.Errorf("an alert written after the reopen went to the rotated file: %+v", old)
	}

	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		var ee *exec.ExitError
		if !errors.As(err, &ee) || ee.ExitCode() != 1 {
			t.Fatalf("exit: %v, want status 1 for a replay cut short\n%s", err, logs.String())
		}
		if !strings.Contains(logs.String(), "scanguard: replay interrupted: ") {
			t.Errorf("no message that the replay was interrupted:\n%s", logs.String())
		}
	case <-time.After(15 * time.Second):
		t.Fatalf("no exit 15s after SIGTERM:\n%s", logs.String())
	}
	st := logs.find("stopped")
	if logs.find("stopping: signal received") == nil || st == nil {
		t.Fatalf("no clean stop in the log:\n%s", logs.String())
	}
	if m := logs.find("stopping: input cut short"); m == nil || m["level"] != "warn" {
		t.Errorf("no warning that the input was cut short:\n%s", logs.String())
	}
	if st["queue_drops"] != float64(0) || st["sink_lost"] != float64(0) {
		t.Errorf("drops at exit: %v", st)
	}
	if logs.find("stats") == nil {
		t.Error("no periodic stats line")
	}
	if strings.Contains(logs.String(), `"level":"error"`) {
		t.Errorf("errors logged:\n%s", logs.String())
	}
}
