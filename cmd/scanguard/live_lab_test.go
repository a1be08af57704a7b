//go:build linux

package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// lab is a running scripts/lab.sh lab: two namespaces, a veth pair, and
// the victim owning 198.19.0.0/16. Scanners target only that range.
type lab struct {
	script string
	env    map[string]string
}

// needLab skips when not root, except in CI, where the test must run.
func needLab(t *testing.T) {
	t.Helper()
	if os.Geteuid() == 0 {
		return
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("CI must run the live lab test as root")
	}
	t.Skip("needs root for the lab's network namespaces")
}

// startLab brings a lab up under a prefix of this process and tears it
// down when the test ends.
func startLab(t *testing.T) *lab {
	t.Helper()
	script, _ := filepath.Abs(filepath.Join("..", "..", "scripts", "lab.sh"))
	l := &lab{script: script, env: map[string]string{}}
	prefix := fmt.Sprintf("sgrun%d", os.Getpid()%100000)
	t.Cleanup(func() {
		cmd := exec.Command("bash", script, "down")
		cmd.Env = append(os.Environ(), "LAB_PREFIX="+prefix)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("lab down: %v\n%s", err, out)
		}
		// Whatever lab.sh left, this run's own namespaces go.
		for _, ns := range []string{prefix + "-scan", prefix + "-vic"} {
			if _, err := os.Stat("/run/netns/" + ns); err == nil {
				exec.Command("ip", "netns", "del", ns).Run()
			}
		}
	})
	cmd := exec.Command("bash", script, "up")
	cmd.Env = append(os.Environ(), "LAB_PREFIX="+prefix)
	out, err := cmd.Output()
	if err != nil {
		var stderr []byte
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = ee.Stderr
		}
		t.Fatalf("lab up: %v\n%s", err, stderr)
	}
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		if k, v, ok := strings.Cut(sc.Text(), "="); ok {
			l.env[k] = v
		}
	}
	return l
}

// masscan runs masscan in the scanner namespace from srcIP against dst,
// which must lie in the lab's 198.19.0.0/16.
func (l *lab) masscan(t *testing.T, srcIP, dst, ports string, rate int) {
	t.Helper()
	if !strings.HasPrefix(dst, "198.19.") {
		t.Fatalf("masscan target %s is outside the lab range", dst)
	}
	cmd := exec.Command("ip", "netns", "exec", l.env["LAB_SCAN_NS"], "masscan", dst,
		"-p"+ports, "--rate", fmt.Sprint(rate), "--wait", "1",
		"--adapter", l.env["LAB_SCAN_IF"], "--adapter-ip", srcIP,
		"--router-mac", l.env["LAB_VICTIM_MAC"])
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("masscan: %v\n%s", err, out)
	}
}

type timedAlert struct {
	AlertType string `json:"alert_type"`
	Tool      string `json:"tool"`
	Timestamp string `json:"timestamp"`
	FirstSeen string `json:"first_seen"`
	Source    struct {
		IP string `json:"ip"`
	} `json:"source"`
}

// firstAlertFrom returns the first MASSCAN_SCAN alert of ip in the file.
func firstAlertFrom(path, ip string) *timedAlert {
	b, _ := os.ReadFile(path)
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		var a timedAlert
		if json.Unmarshal(sc.Bytes(), &a) == nil && a.Source.IP == ip &&
			a.AlertType == "MASSCAN_SCAN" {
			return &a
		}
	}
	return nil
}

// TestLiveMasscanAFPacket is the appliance end to end: scanguard run reads
// the lab's victim-side veth with AF_PACKET while real masscan scans
// through it; the alert must reach the JSON file quickly, SIGHUP must
// reopen the file, and SIGTERM must end the run cleanly.
func TestLiveMasscanAFPacket(t *testing.T) {
	needLab(t)
	l := startLab(t)
	dir := t.TempDir()
	bin := scanguardBinary(t, dir)
	alerts := filepath.Join(dir, "alerts.json")
	syslog := listenSyslog(t, l.env["LAB_VICTIM_NS"])
	cfg := writeConfig(t, dir, fmt.Sprintf(`workers: 2
source:
  type: afpacket
  afpacket:
    interface: %s
alert:
  sinks:
    - type: file
      path: %q
    - type: syslog
      network: tcp
      address: %s
      format: rfc5424
      framing: octet_counting
metrics:
  listen: "127.0.0.1:19108"
log:
  format: json
  stats_interval: 500ms
`, l.env["LAB_VICTIM_IF"], alerts, syslog.addr))

	var logs logWatch
	cmd := exec.Command("ip", "netns", "exec", l.env["LAB_VICTIM_NS"], bin, "run", "-c", cfg)
	cmd.Stderr = &logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	if !waitFor(10*time.Second, func() bool { return logs.find("started") != nil }) {
		t.Fatalf("no start:\n%s", logs.String())
	}

	// Scan while watching the file; the time the alert line appears is
	// compared with the kernel timestamp of the scanner's first probe.
	scanned := make(chan struct{})
	go func() {
		defer close(scanned)
		l.masscan(t, l.env["LAB_SCAN_IP"], "198.19.16.0/22", "80,443", 5000)
	}()
	var seenAt time.Time
	var first *timedAlert
	waitFor(20*time.Second, func() bool {
		first = firstAlertFrom(alerts, l.env["LAB_SCAN_IP"])
		seenAt = time.Now()
		return first != nil
	})
	<-scanned
	if first == nil {
		t.Fatalf("no MASSCAN alert for %s:\n%s", l.env["LAB_SCAN_IP"], logs.String())
	}
	if first.Tool != "masscan" {
		t.Errorf("tool = %q, want masscan", first.Tool)
	}
	probe0, err1 := time.Parse(time.RFC3339Nano, first.FirstSeen)
	decided, err2 := time.Parse(time.RFC3339Nano, first.Timestamp)
	if err1 != nil || err2 != nil {
		t.Fatalf("alert times %q, %q: %v %v", first.FirstSeen, first.Timestamp, err1, err2)
	}
	latency := seenAt.Sub(probe0)
	t.Logf("first probe %s, deciding probe +%s, alert line in the file +%s",
		first.FirstSeen, decided.Sub(probe0), latency)
	if latency > time.Second {
		t.Errorf("alert written %s after the first probe, want well under a second", latency)
	}

	// The same alert reached the syslog collector.
	if !waitFor(5*time.Second, func() bool {
		return strings.Contains(syslog.String(), `"alert_type":"MASSCAN_SCAN"`)
	}) {
		t.Errorf("no MASSCAN alert over syslog TCP; received:\n%s", syslog.String())
	}

	// The metrics endpoint, inside the victim namespace, counts the alert.
	out, err := exec.Command("ip", "netns", "exec", l.env["LAB_VICTIM_NS"], "curl", "-sf",
		"http://127.0.0.1:19108/metrics").Output()
	if err != nil || !strings.Contains(string(out), `scanguard_alerts_total{severity=`) ||
		!strings.Contains(string(out), `type="MASSCAN_SCAN"`) {
		t.Errorf("metrics lack the alert (err %v):\n%s", err, out)
	}

	// Rotate and reopen, then a second scanner alerts into the new file.
	if err := os.Rename(alerts, alerts+".1"); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Process.Signal(syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	if !waitFor(5*time.Second, func() bool {
		return logs.find("reload: thresholds and allowlist swapped") != nil
	}) {
		t.Fatalf("no reload:\n%s", logs.String())
	}
	l.masscan(t, l.env["LAB_SCAN_IP2"], "198.19.40.0/24", "22", 2000)
	if !waitFor(10*time.Second, func() bool {
		return firstAlertFrom(alerts, l.env["LAB_SCAN_IP2"]) != nil
	}) {
		t.Fatalf("no alert for %s in the reopened file:\n%s", l.env["LAB_SCAN_IP2"],
			logs.String())
	}

	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("exit: %v\n%s", err, logs.String())
		}
	case <-time.After(15 * time.Second):
		t.Fatalf("no exit 15s after SIGTERM:\n%s", logs.String())
	}
	st := logs.find("stopped")
	if st == nil {
		t.Fatalf("no totals at exit:\n%s", logs.String())
	}
	t.Logf("totals: frames %v, records %v, kernel drops %v, queue drops %v, alerts %v",
		st["frames"], st["records"], st["missed"], st["queue_drops"], st["alerts"])
	if st["missed"] != float64(0) || st["queue_drops"] != float64(0) {
		t.Errorf("drops during a 5000 pps scan: %v", st)
	}
}
