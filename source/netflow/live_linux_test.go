package netflow

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"scanguard/detector/fingerprint"
	"scanguard/internal/netns"
)

// TestSoftflowdLive runs softflowd on a live interface, the loopback of a
// network namespace of its own, while tcpreplay plays a slow masscan scan
// onto it. Unlike a file, which softflowd exports at its end, live
// traffic is exported as flows time out: with one-second timeouts the
// collector receives the scan in many exports while it runs, Records
// spread over them arrive out of order, and the scanner is alerted before
// the exporter stops. Nothing leaves the namespace's loopback.
func TestSoftflowdLive(t *testing.T) {
	if os.Geteuid() != 0 {
		if os.Getenv("CI") == "true" {
			t.Fatal("CI must run this test as root")
		}
		t.Skip("needs root for a network namespace and a live capture")
	}
	softflowd, tcpreplay := needTool(t, "softflowd"), needTool(t, "tcpreplay")
	capture := filepath.Join(corpusDir(t), "masscan_rate100_slow.pcap")

	ns := fmt.Sprintf("sgnf%d-flow", os.Getpid())
	sh(t, "ip", "netns", "add", ns)
	t.Cleanup(func() { exec.Command("ip", "netns", "del", ns).Run() })
	sh(t, "ip", "-n", ns, "link", "set", "lo", "up")

	var src *Source
	cfg := Default()
	cfg.Listen = "127.0.0.1:0"
	if err := netns.Do(ns, func() (err error) {
		src, err = Open(cfg, fingerprint.Default())
		return err
	}); err != nil {
		t.Fatal(err)
	}
	c := runCollector(t, src)
	port := src.Addr().Port()

	// Every timeout at one second, checked every second, so flows leave
	// softflowd while the scan runs; its own exports are not flows.
	dir := t.TempDir()
	exp := exec.Command("ip", "netns", "exec", ns, softflowd, "-d", "-i", "lo", "-v", "9",
		"-n", fmt.Sprintf("127.0.0.1:%d", port), "-t", "maxlife=1", "-t", "expint=1",
		"-t", "general=1", "-t", "tcp=1", "-t", "tcp.rst=1", "-t", "tcp.fin=1",
		"-p", filepath.Join(dir, "pid"), "-c", filepath.Join(dir, "ctl"),
		fmt.Sprintf("not udp port %d", port))
	var log strings.Builder
	exp.Stdout, exp.Stderr = &log, &log
	if err := exp.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { exp.Process.Kill(); exp.Wait() })
	time.Sleep(time.Second) // softflowd opens its capture

	// The scan lasts about 5 s; played twice as fast it still spans
	// several timeouts.
	sh(t, "ip", "netns", "exec", ns, tcpreplay, "-q", "-i", "lo", "-x", "2", capture)
	during := c.src.Stats().Datagrams
	alerted := waitUntil(10*time.Second, func() bool {
		return strings.Contains(c.out.String(), `"ip":"198.18.0.1"`)
	})
	exp.Process.Signal(syscall.SIGTERM)
	exp.Wait()
	alerts, st := c.stop(t)

	if during < 2 {
		t.Errorf("%d exports arrived while the scan ran, want several", during)
	}
	if !alerted {
		t.Errorf("masscan not alerted while softflowd ran; %d exports, %d flows, "+
			"%d Records:\n%s", st.Datagrams, st.Decode.Flows, st.Records, log.String())
	}
	for _, a := range alerts["198.18.0.1"] {
		if a.Attribution != "flow_features" || a.Source.Exporter == "" {
			t.Errorf("alert %+v lacks attribution or exporter", a)
		}
	}
	t.Logf("%d exports (%d during the scan), %d flows, %d Records", st.Datagrams, during,
		st.Decode.Flows, st.Records)
}

// sh runs a command and fails the test when it fails.
func sh(t *testing.T, args ...string) {
	t.Helper()
	if out, err := exec.Command(args[0], args[1:]...).CombinedOutput(); err != nil {
		t.Fatalf("%v: %v\n%s", args, err, out)
	}
}

// waitUntil polls cond until it holds or d passes.
func waitUntil(d time.Duration, cond func() bool) bool {
	for end := time.Now().Add(d); time.Now().Before(end); time.Sleep(20 * time.Millisecond) {
		if cond() {
			return true
		}
	}
	return cond()
}
