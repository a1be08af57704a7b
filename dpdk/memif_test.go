//go:build dpdk

package dpdk

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"scanguard/record"
)

// TestMemifFromTestpmd feeds the plane from another process, as the lab
// does: dpdk-testpmd generates UDP frames (its txonly mode) into a memif
// server, the plane is the memif client, and no hugepage is needed.
func TestMemifFromTestpmd(t *testing.T) {
	testpmd, err := exec.LookPath("dpdk-testpmd")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("dpdk-testpmd not installed (apt-get install dpdk)")
		}
		t.Skip("dpdk-testpmd not installed")
	}
	if os.Geteuid() != 0 {
		if os.Getenv("CI") == "true" {
			t.Fatal("DPDK tests need root")
		}
		t.Skip("DPDK tests need root (run as root or in CI)")
	}
	sock := filepath.Join(t.TempDir(), "memif.sock")

	// The plane is the memif server: it owns the socket, as the appliance
	// would, and its lcore polls CPU 0 while testpmd sends from CPU 1.
	cfg := Default()
	cfg.EAL.Lcores = "0@1,1@0"
	cfg.EAL.FilePrefix = fmt.Sprintf("sgtest%d", os.Getpid())
	cfg.EAL.LogLevel = "error"
	cfg.EAL.MemMB = 512
	cfg.EAL.Vdevs = []string{"net_memif0,role=server,socket-abstract=no,socket=" + sock}
	cfg.Ports = []PortConfig{DefaultPort("net_memif0")}
	cfg.Workers = 2
	const want = 100_000
	wait := startPlane(t, childSpec{Config: cfg, WantPackets: want, Timeout: 30 * time.Second})

	// A memif client does not retry: start it once the socket exists.
	for i := 0; i < 200; i++ {
		if _, err := os.Stat(sock); err == nil {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	cliPrefix := fmt.Sprintf("sgmemif%d", os.Getpid())
	t.Cleanup(func() { os.RemoveAll(filepath.Join("/var/run/dpdk", cliPrefix)) })
	cli := exec.Command(testpmd, "--no-huge", "-m", "512", "--no-pci", "-l", "0-1",
		"--file-prefix", cliPrefix, "--log-level", "error",
		"--vdev", "net_memif0,role=client,socket-abstract=no,socket="+sock, "--",
		"--forward-mode=txonly", "--total-num-mbufs=8191", "--stats-period", "1")
	var cliOut bytes.Buffer
	cli.Stdout, cli.Stderr = &cliOut, &cliOut
	if err := cli.Start(); err != nil {
		t.Fatal(err)
	}
	stopped := false
	stopCli := func() {
		if stopped {
			return
		}
		stopped = true
		cli.Process.Signal(syscall.SIGINT)
		done := make(chan struct{})
		go func() { cli.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			cli.Process.Kill()
			<-done
		}
	}
	defer stopCli()

	res := wait()
	stopCli()

	s := res.Stats
	if rx := rxPackets(s); rx < want {
		t.Fatalf("received %d frames, want >= %d\ntestpmd:\n%s", rx, want, cliOut.String())
	}
	// testpmd's txonly frames: UDP 198.18.0.1:9 -> 198.18.0.2:9.
	n := 0
	for _, recs := range res.Records {
		for _, r := range recs {
			if r.Proto != record.ProtoUDP || r.SrcIP != 0xc6120001 || r.DstIP != 0xc6120002 ||
				r.DstPort != 9 {
				t.Fatalf("unexpected record %+v", r)
			}
			n++
		}
	}
	var enq uint64
	for _, r := range s.Rings {
		enq += r.Enqueued
	}
	if uint64(n) != enq || n < want || enq+ringDrops(s) != s.Lcores[0].Records {
		t.Errorf("workers got %d records, rings took %d, lcore parsed %d, want >= %d", n, enq,
			s.Lcores[0].Records, want)
	}
	if !res.Ports[0].LinkUp && res.Ports[0].Driver == "" {
		t.Errorf("port info %+v", res.Ports[0])
	}
}

func ringDrops(s Stats) uint64 {
	var n uint64
	for _, r := range s.Rings {
		n += r.Drops
	}
	return n
}
