//go:build dpdk

package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"syscall"
	"testing"
	"time"

	"scanguard/capture"
)

// needDPDKRoot skips a DPDK lab test when not root, except in CI, where
// the test must run; and fails in CI when a tool it names is missing.
func needDPDKRoot(t *testing.T, tools ...string) {
	t.Helper()
	ci := os.Getenv("CI") == "true"
	if os.Geteuid() != 0 {
		if ci {
			t.Fatal("CI must run the DPDK lab tests as root")
		}
		t.Skip("the EAL needs root")
	}
	for _, tool := range tools {
		if _, err := exec.LookPath(tool); err != nil {
			if ci {
				t.Fatalf("%s not installed (make deps)", tool)
			}
			t.Skipf("%s not installed (make deps)", tool)
		}
	}
}

// dpdkBinary builds the command with the dpdk tag into dir.
func dpdkBinary(t *testing.T, dir string) string {
	t.Helper()
	bin := filepath.Join(dir, "scanguard-dpdk")
	if out, err := exec.Command("go", "build", "-tags", "dpdk", "-o", bin, ".").
		CombinedOutput(); err != nil {
		t.Fatalf("go build -tags dpdk: %v\n%s", err, out)
	}
	return bin
}

// dpdkRunConfig is a scanguard.yaml with the DPDK source on one port, the
// given vdevs and EAL lcores, and a JSON-lines file sink. The stats line
// comes every 100ms so that a test sees the counters move.
func dpdkRunConfig(prefix, lcores, port string, mbufs int, alerts string,
	vdevs ...string) string {
	return fmt.Sprintf(`workers: 2
source:
  type: dpdk
dpdk:
  eal:
    lcores: %q
    no_huge: true
    mem_mb: 512
    file_prefix: %s
    no_pci: true
    log_level: error
    vdevs: %q
  ports: [{name: %s, rx_queues: 1, rx_descriptors: 1024, mbufs: %d}]
alert:
  sinks:
    - type: file
      path: %q
metrics:
  listen: ""
log:
  format: json
  stats_interval: 100ms
`, lcores, prefix, vdevs, port, mbufs, alerts)
}

// dpdkRun is one `scanguard run` process with the DPDK source.
type dpdkRun struct {
	cmd    *exec.Cmd
	logs   *logWatch
	done   chan error
	prefix string
}

// startDPDKRun starts bin with cfg, prefixed by wrap (e.g. ip netns exec),
// and kills it and removes its EAL runtime folder when the test ends.
func startDPDKRun(t *testing.T, bin, cfg, prefix string, wrap ...string) *dpdkRun {
	t.Helper()
	args := append(slices.Clone(wrap), bin, "run", "-c", cfg)
	r := &dpdkRun{cmd: exec.Command(args[0], args[1:]...), logs: &logWatch{},
		done: make(chan error, 1), prefix: prefix}
	r.cmd.Stderr = r.logs
	r.cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := r.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { r.done <- r.cmd.Wait() }()
	t.Cleanup(func() {
		r.cmd.Process.Kill()
		<-r.done
		r.done <- nil
		os.RemoveAll(filepath.Join("/var/run/dpdk", prefix))
	})
	return r
}

// lastStat returns the latest value of a counter of the stats lines.
func (r *dpdkRun) lastStat(key string) float64 {
	r.logs.mu.Lock()
	defer r.logs.mu.Unlock()
	for i := len(r.logs.lines) - 1; i >= 0; i-- {
		if m := r.logs.lines[i]; m["message"] == "stats" {
			v, _ := m[key].(float64)
			return v
		}
	}
	return 0
}

// stop sends sig, waits for the exit and returns the totals line.
func (r *dpdkRun) stop(t *testing.T, sig syscall.Signal) map[string]any {
	t.Helper()
	if err := r.cmd.Process.Signal(sig); err != nil {
		t.Fatalf("signal %v: %v", sig, err)
	}
	select {
	case err := <-r.done:
		r.done <- err
		if err != nil {
			t.Fatalf("exit: %v\n%s", err, r.logs.String())
		}
	case <-time.After(20 * time.Second):
		t.Fatalf("no exit 20s after %v:\n%s", sig, r.logs.String())
	}
	st := r.logs.find("stopped")
	if st == nil {
		t.Fatalf("no totals at exit:\n%s", r.logs.String())
	}
	return st
}

// countPackets returns how many frames a capture holds.
func countPackets(t *testing.T, path string) int {
	t.Helper()
	rd, err := capture.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer rd.Close()
	for {
		if _, _, err := rd.Next(); err != nil {
			if !errors.Is(err, io.EOF) {
				t.Fatal(err)
			}
			return rd.Packets()
		}
	}
}
