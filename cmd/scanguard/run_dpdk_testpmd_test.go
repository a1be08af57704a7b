//go:build dpdk

package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"syscall"
	"testing"
	"time"
)

// TestRunDPDKFromTestpmd drives `scanguard run` from another DPDK process,
// as a traffic generator would: dpdk-testpmd reads a corpus capture
// through net_pcap and forwards it (io mode, port 0 to port 1) over
// net_memif into scanguard. scanguard's port is the memif server, since a
// memif client does not retry its connection; testpmd is the client and
// starts once the socket exists, with --no-flush-rx: testpmd otherwise
// empties its RX queues before forwarding, which swallows the whole
// capture. The scanner of the capture must be alerted as masscan, and
// scanguard must receive every frame of the capture without a drop.
// testpmd's own counters are not compared: net_memif resets a port's
// counters when its peer disconnects, so the side that stops last reads
// zero.
func TestRunDPDKFromTestpmd(t *testing.T) {
	needDPDKRoot(t, "dpdk-testpmd")
	capPath := corpusFile(t, "mixed_bg_masscan.pcap")
	const scanner = "198.18.0.3"
	dir := t.TempDir()
	bin := dpdkBinary(t, dir)
	sock := filepath.Join(dir, "memif.sock")
	alerts := filepath.Join(dir, "alerts.json")

	// Two processes on two CPUs: scanguard polls CPU 0 and runs its
	// control thread and workers on CPU 1; testpmd forwards on CPU 1.
	prefix := fmt.Sprintf("sgpmdsrv%d", os.Getpid())
	cfg := writeConfig(t, dir, dpdkRunConfig(prefix, "0@1,1@0", "net_memif0", 8192, alerts,
		"net_memif0,role=server,socket-abstract=no,socket="+sock))
	r := startDPDKRun(t, bin, cfg, prefix)
	if !waitFor(20*time.Second, func() bool { return r.logs.find("started") != nil }) {
		t.Fatalf("scanguard run did not start:\n%s", r.logs.String())
	}
	if _, err := os.Stat(sock); err != nil {
		t.Fatalf("memif server socket: %v\n%s", err, r.logs.String())
	}

	cliPrefix := fmt.Sprintf("sgpmdcli%d", os.Getpid())
	t.Cleanup(func() { os.RemoveAll(filepath.Join("/var/run/dpdk", cliPrefix)) })
	pmd := exec.Command("dpdk-testpmd", "--no-huge", "-m", "1024", "--no-pci", "-l", "0-1",
		"--file-prefix", cliPrefix, "--log-level", "error",
		"--vdev", "net_pcap0,rx_pcap="+capPath,
		"--vdev", "net_memif0,role=client,socket-abstract=no,socket="+sock, "--",
		"--forward-mode=io", "--no-flush-rx", "--total-num-mbufs=65535", "--stats-period", "1")
	var pmdOut bytes.Buffer
	pmd.Stdout, pmd.Stderr = &pmdOut, &pmdOut
	pmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := pmd.Start(); err != nil {
		t.Fatal(err)
	}
	pmdDone := make(chan error, 1)
	go func() { pmdDone <- pmd.Wait() }()
	pmdStopped := false
	stopPmd := func() {
		if pmdStopped {
			return
		}
		pmdStopped = true
		pmd.Process.Signal(syscall.SIGINT)
		select {
		case <-pmdDone:
		case <-time.After(10 * time.Second):
			pmd.Process.Kill()
			<-pmdDone
		}
	}
	defer stopPmd()

	s := watchFile(alerts, 0, []string{scanner}, 30*time.Second)[scanner]
	if s.alert == nil {
		stopPmd()
		t.Fatalf("no MASSCAN alert for %s\nscanguard:\n%s\ntestpmd:\n%s", scanner,
			r.logs.String(), pmdOut.String())
	}
	if s.alert.Tool != "masscan" {
		t.Errorf("tool = %q, want masscan", s.alert.Tool)
	}

	// Let the whole file through, then stop the receiver while the
	// sender is still connected: net_memif resets a port's counters when
	// its peer disconnects, so the other order would read zero frames.
	waitFor(10*time.Second, func() bool {
		f := r.lastStat("frames")
		time.Sleep(300 * time.Millisecond)
		return f > 0 && r.lastStat("frames") == f
	})
	st := r.stop(t, syscall.SIGTERM)
	stopPmd()
	// What testpmd could not hand to the memif ring it counts as its
	// port 1's TX-dropped (a software counter, kept across the
	// disconnect); every other frame of the capture must have arrived.
	packets := countPackets(t, capPath)
	dropped := testpmdCount(pmdOut.String(), 1, "TX-dropped")
	t.Logf("capture of %d frames, testpmd dropped %d on the memif; scanguard received %v, "+
		"records %v, missed %v, ring drops %v, queue drops %v, alerts %v", packets, dropped,
		st["frames"], st["records"], st["missed"], st["ring_drops"], st["queue_drops"],
		st["alerts"])
	if dropped < 0 || st["frames"] != float64(int64(packets)-dropped) {
		t.Errorf("scanguard received %v frames of the capture's %d, testpmd dropped %d\n"+
			"testpmd:\n%s", st["frames"], packets, dropped, pmdOut.String())
	}
	for _, k := range []string{"missed", "imissed", "ierrors", "rx_nombuf", "ring_drops",
		"queue_drops"} {
		if st[k] != float64(0) {
			t.Errorf("%s = %v, want 0", k, st[k])
		}
	}
}

// testpmdCount reads a counter of a port from testpmd's closing forward
// statistics ("Forward statistics for port N" ... "NAME: M"), or -1.
func testpmdCount(out string, port int, name string) int64 {
	re := regexp.MustCompile(fmt.Sprintf(`(?s)Forward statistics for port %d .*?%s: +(\d+)`,
		port, name))
	m := re.FindStringSubmatch(out)
	if m == nil {
		return -1
	}
	n, _ := strconv.ParseInt(m[1], 10, 64)
	return n
}
