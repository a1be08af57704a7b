//go:build dpdk

package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"syscall"
	"testing"
	"time"
)

// TestRunDPDKReplay runs `scanguard run` with the DPDK source on a net_pcap
// virtual device replaying a capture: the workers, driven from the rings
// without the engine's queues, must raise the alerts analyze raises.
func TestRunDPDKReplay(t *testing.T) {
	if os.Geteuid() != 0 {
		if os.Getenv("CI") == "true" {
			t.Fatal("CI must run the DPDK test as root")
		}
		t.Skip("the EAL needs root")
	}
	capPath := corpusPath("mixed_bg_masscan.pcap")
	corpusFile(t, "mixed_bg_masscan.pcap")
	want, _, err := analyze("-q", capPath)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "scanguard-dpdk")
	if out, err := exec.Command("go", "build", "-tags", "dpdk", "-o", bin, ".").
		CombinedOutput(); err != nil {
		t.Fatalf("go build -tags dpdk: %v\n%s", err, out)
	}
	alerts := filepath.Join(dir, "alerts.json")
	cfg := writeConfig(t, dir, fmt.Sprintf(`workers: 2
source:
  type: dpdk
dpdk:
  eal:
    lcores: "0-1"
    no_huge: true
    mem_mb: 512
    file_prefix: sgrun%d
    no_pci: true
    vdevs: ["net_pcap0,rx_pcap=%s"]
  ports: [{name: net_pcap0, rx_queues: 1, rx_descriptors: 1024, mbufs: 4096}]
alert:
  sinks:
    - type: file
      path: %q
metrics:
  listen: ""
log:
  format: json
  stats_interval: 200ms
`, os.Getpid(), capPath, alerts))

	var logs logWatch
	cmd := exec.Command(bin, "run", "-c", cfg)
	cmd.Stderr = &logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()

	// net_pcap delivers the file once; wait until every frame became a
	// Record that a worker processed.
	if !waitFor(30*time.Second, func() bool {
		logs.mu.Lock()
		defer logs.mu.Unlock()
		for _, m := range logs.lines {
			if m["message"] == "stats" && m["records"] == float64(25969) {
				return true
			}
		}
		return false
	}) {
		t.Fatalf("the replay did not complete:\n%s", logs.String())
	}
	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("exit: %v\n%s", err, logs.String())
		}
	case <-time.After(20 * time.Second):
		t.Fatalf("no exit after SIGINT:\n%s", logs.String())
	}
	st := logs.find("stopped")
	if st == nil || st["missed"] != float64(0) || st["ring_drops"] != float64(0) {
		t.Errorf("totals %v, want no drops", st)
	}
	got, exp := alertKeys(readAlerts(t, alerts)), alertKeys(parseAlerts(t, want))
	if len(exp) == 0 || !slices.Equal(got, exp) {
		t.Errorf("dpdk run alerts %q, analyze alerts %q", got, exp)
	}
}
