//go:build dpdk

package main

import (
	"fmt"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// TestRunDPDKLiveAFPacket runs `scanguard run` with the DPDK source on the
// lab's victim-side veth through the net_af_packet virtual device, inside
// the victim namespace, while real masscan scans the lab's 198.19.0.0/16
// through it. The MASSCAN alert must be in the JSON file within 100 ms of
// the first probe: first_seen is the time the lcore stamped the first
// probe, and the test times the alert's line appearing in the file. The
// lab is torn down on every path (startLab registers it).
func TestRunDPDKLiveAFPacket(t *testing.T) {
	needLab(t)
	needDPDKRoot(t, "masscan")
	l := startLab(t)
	scanner, ns, iface := l.env["LAB_SCAN_IP"], l.env["LAB_VICTIM_NS"], l.env["LAB_VICTIM_IF"]
	if scanner == "" || ns == "" || iface == "" {
		t.Fatalf("lab variables missing: %v", l.env)
	}
	dir := t.TempDir()
	bin := dpdkBinary(t, dir)
	alerts := filepath.Join(dir, "alerts.json")
	prefix := fmt.Sprintf("sglive%d", os.Getpid())
	cfg := writeConfig(t, dir, dpdkRunConfig(prefix, "0-1", "net_af_packet0", 8192, alerts,
		"net_af_packet0,iface="+iface))
	r := startDPDKRun(t, bin, cfg, prefix, "ip", "netns", "exec", ns)
	if !waitFor(20*time.Second, func() bool { return r.logs.find("started") != nil }) {
		t.Fatalf("scanguard run did not start:\n%s", r.logs.String())
	}

	done := make(chan error, 1)
	go func() { done <- l.masscan(scanner, "198.19.16.0/22", "80,443", 5000) }()
	s := watchFile(alerts, 0, []string{scanner}, 20*time.Second)[scanner]
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if s.alert == nil {
		t.Fatalf("no MASSCAN alert for %s in the JSON file:\n%s", scanner, r.logs.String())
	}
	if s.alert.Tool != "masscan" {
		t.Errorf("tool = %q, want masscan", s.alert.Tool)
	}
	probe0 := s.alert.firstSeen(t)
	decided := mustTime(t, s.alert.Timestamp).Sub(probe0)
	written := s.at.Sub(probe0)
	if written < 0 || written >= 100*time.Millisecond {
		t.Errorf("alert in the file %s after the first probe, want under 100ms", written)
	}

	st := r.stop(t, syscall.SIGTERM)
	t.Logf("first probe %s; alert decided +%s, in the JSON file +%s; totals: frames %v, "+
		"records %v, missed %v, ring drops %v, queue drops %v, alerts %v", s.alert.FirstSeen,
		decided, written, st["frames"], st["records"], st["missed"], st["ring_drops"],
		st["queue_drops"], st["alerts"])
	if n, _ := st["records"].(float64); n < 1000 {
		t.Errorf("%v records from a 2048-probe scan", st["records"])
	}
	for _, k := range []string{"missed", "imissed", "ierrors", "rx_nombuf", "ring_drops",
		"queue_drops"} {
		if st[k] != float64(0) {
			t.Errorf("%s = %v during a modest scan, want 0", k, st[k])
		}
	}
}
