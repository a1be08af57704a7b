//go:build linux

package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"syscall"
	"testing"
	"time"

	"scanguard/internal/testsyslog"
)

// liveAppliance is `scanguard run` started by a test inside the lab's
// victim namespace.
type liveAppliance struct {
	cmd  *exec.Cmd
	logs *logWatch
	done chan error // receives Wait's result once
	err  error
	exit bool
}

// startAppliance runs bin with the configuration cfg in the victim
// namespace and waits for its start line. The process is killed when the
// test ends, and with the test binary should that die first.
func startAppliance(t *testing.T, l *lab, bin, cfg string) *liveAppliance {
	t.Helper()
	a := &liveAppliance{logs: &logWatch{}, done: make(chan error, 1)}
	a.cmd = exec.Command("ip", "netns", "exec", l.env["LAB_VICTIM_NS"], bin, "run", "-c", cfg)
	a.cmd.Stderr = a.logs
	a.cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := a.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { a.done <- a.cmd.Wait() }()
	t.Cleanup(func() {
		if !a.exited(0) {
			a.cmd.Process.Kill()
			a.exited(5 * time.Second)
		}
	})
	if !waitFor(10*time.Second, func() bool { return a.logs.find("started") != nil }) {
		t.Fatalf("scanguard run did not start:\n%s", a.logs.String())
	}
	return a
}

// exited waits up to d for the process to end and reports whether it has.
func (a *liveAppliance) exited(d time.Duration) bool {
	if a.exit {
		return true
	}
	select {
	case a.err = <-a.done:
		a.exit = true
	case <-time.After(d):
	}
	return a.exit
}

// signal sends sig to the appliance.
func (a *liveAppliance) signal(t *testing.T, sig syscall.Signal) {
	t.Helper()
	if err := a.cmd.Process.Signal(sig); err != nil {
		t.Fatalf("signal %v: %v", sig, err)
	}
}

// stop ends the run with SIGTERM and returns its totals line.
func (a *liveAppliance) stop(t *testing.T) map[string]any {
	t.Helper()
	a.signal(t, syscall.SIGTERM)
	if !a.exited(15 * time.Second) {
		t.Fatalf("no exit 15s after SIGTERM:\n%s", a.logs.String())
	}
	if a.err != nil {
		t.Fatalf("exit: %v\n%s", a.err, a.logs.String())
	}
	st := a.logs.find("stopped")
	if st == nil {
		t.Fatalf("no totals at exit:\n%s", a.logs.String())
	}
	return st
}

// liveAlert is the part of an alert the live tests check.
type liveAlert struct {
	AlertType string `json:"alert_type"`
	Tool      string `json:"tool"`
	Severity  string `json:"severity"`
	Timestamp string `json:"timestamp"`
	FirstSeen string `json:"first_seen"`
	Source    struct {
		IP    string `json:"ip"`
		ASN   string `json:"asn"`
		ASOrg string `json:"as_org"`
		Geo   string `json:"geo"`
	} `json:"source"`
}

// firstSeen is the kernel time of the source's first probe.
func (a *liveAlert) firstSeen(t *testing.T) time.Time {
	t.Helper()
	ts, err := time.Parse(time.RFC3339Nano, a.FirstSeen)
	if err != nil {
		t.Fatalf("alert first_seen %q: %v", a.FirstSeen, err)
	}
	return ts
}

// fileAlerts reads the alerts of a JSON-lines file; a missing file has
// none and a line that is not an alert is left out.
func fileAlerts(path string) []liveAlert {
	b, _ := os.ReadFile(path)
	return parseLiveAlerts(b)
}

// parseLiveAlerts reads JSON-lines alerts.
func parseLiveAlerts(b []byte) []liveAlert {
	var out []liveAlert
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		var a liveAlert
		if json.Unmarshal(sc.Bytes(), &a) == nil && a.AlertType != "" {
			out = append(out, a)
		}
	}
	return out
}

// masscanAlert returns the first MASSCAN_SCAN alert of ip among as.
func masscanAlert(as []liveAlert, ip string) *liveAlert {
	for i := range as {
		if as[i].Source.IP == ip && as[i].AlertType == "MASSCAN_SCAN" {
			return &as[i]
		}
	}
	return nil
}

// syslogAlert returns the first syslog message after the first skip ones
// that carries a MASSCAN_SCAN alert of ip, with the alert it carries.
func syslogAlert(msgs []testsyslog.Message, skip int, ip string) (*testsyslog.Message, *liveAlert) {
	for i := skip; i < len(msgs); i++ {
		var a liveAlert
		if msgs[i].MsgID != "MASSCAN_SCAN" || json.Unmarshal([]byte(msgs[i].Body), &a) != nil {
			continue
		}
		if a.Source.IP == ip && a.AlertType == "MASSCAN_SCAN" {
			return &msgs[i], &a
		}
	}
	return nil, nil
}

// sighting is an alert and when the test first saw it in the file.
type sighting struct {
	alert *liveAlert
	at    time.Time
}

// watchFile polls path until, past its first skip alerts, it holds a
// MASSCAN_SCAN alert of every ip, or until d passes. It returns what it
// saw, by address.
func watchFile(path string, skip int, ips []string, d time.Duration) map[string]sighting {
	seen := map[string]sighting{}
	waitFor(d, func() bool {
		as := fileAlerts(path)
		now := time.Now()
		for _, ip := range ips {
			if _, ok := seen[ip]; !ok && len(as) > skip {
				if a := masscanAlert(as[skip:], ip); a != nil {
					seen[ip] = sighting{a, now}
				}
			}
		}
		return len(seen) == len(ips)
	})
	return seen
}
