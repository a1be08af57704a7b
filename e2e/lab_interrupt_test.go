package e2e

import (
	"bytes"
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

// TestLabCaptureInterrupted interrupts `lab.sh capture` as Ctrl-C would,
// once in its first scenario and once in its second: the running
// scenario's capture and log are removed, the finished one keeps its
// capture and its label, the script says so and the namespaces go away.
func TestLabCaptureInterrupted(t *testing.T) {
	if os.Geteuid() != 0 {
		skipOrFail(t, "the lab needs root for network namespaces and raw sockets")
	}
	if testing.Short() && !inCI() {
		t.Skip("two lab runs take about half a minute; skipped with -short")
	}
	tests := []struct {
		name     string
		runningN int // the scenario running when the signal comes, 0-based
		sig      syscall.Signal
	}{
		{"SIGINT in the first scenario", 0, syscall.SIGINT},
		{"SIGTERM in the second scenario", 1, syscall.SIGTERM},
	}
	scenarios := []string{"masscan_short_10probes", "masscan_default"}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out := t.TempDir()
			args := append([]string{filepath.Join(moduleRoot(t), "scripts", "lab.sh"),
				"capture", out}, scenarios...)
			cmd := exec.Command("bash", args...)
			var stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stderr, &stderr
			cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			done := make(chan error, 1)
			go func() { done <- cmd.Wait() }()
			defer func() {
				// Whatever happened, leave no lab behind.
				syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM)
				<-done
			}()

			// tcpdump creates the running scenario's capture as it starts.
			running := filepath.Join(out, scenarios[tc.runningN]+".pcap")
			deadline := time.Now().Add(3 * time.Minute)
			for {
				if _, err := os.Stat(running); err == nil {
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("%s never started:\n%s", scenarios[tc.runningN], stderr.String())
				}
				time.Sleep(50 * time.Millisecond)
			}
			time.Sleep(500 * time.Millisecond)

			// Ctrl-C signals the whole foreground process group.
			if err := syscall.Kill(-cmd.Process.Pid, tc.sig); err != nil {
				t.Fatal(err)
			}
			var err error
			select {
			case err = <-done:
				done <- err
			case <-time.After(30 * time.Second):
				t.Fatalf("lab.sh still running 30s after %v:\n%s", tc.sig, stderr.String())
			}
			var ee *exec.ExitError
			if !errors.As(err, &ee) || ee.ExitCode() != 130 {
				t.Errorf("lab.sh exit: %v, want status 130", err)
			}
			if !strings.Contains(stderr.String(), "lab: interrupted, removed partial outputs\n") {
				t.Errorf("no word of the interruption:\n%s", stderr.String())
			}
			for _, f := range []string{running, strings.TrimSuffix(running, ".pcap") + ".log"} {
				if _, err := os.Stat(f); !errors.Is(err, os.ErrNotExist) {
					t.Errorf("partial output %s left behind (%v)", filepath.Base(f), err)
				}
			}
			labels, lerr := readLabels(filepath.Join(out, "labels.jsonl"))
			switch {
			case tc.runningN == 0 && !errors.Is(lerr, os.ErrNotExist):
				t.Errorf("labels.jsonl left with no scenario finished: %v, %d labels", lerr,
					len(labels))
			case tc.runningN == 1:
				finished := scenarios[0] + ".pcap"
				if lerr != nil || len(labels) != 1 || labels[0].File != finished {
					t.Errorf("labels %+v (%v), want only %s's", labels, lerr, finished)
				}
				if _, err := os.Stat(filepath.Join(out, finished)); err != nil {
					t.Errorf("the finished capture is gone: %v", err)
				}
			}

			// lab.sh names its namespaces after its own process id.
			netns, err := exec.Command("ip", "netns", "list").Output()
			if err != nil {
				t.Errorf("ip netns list: %v", err)
			}
			if p := fmt.Sprintf("sg%d-", cmd.Process.Pid); bytes.Contains(netns, []byte(p)) {
				t.Errorf("lab namespaces %s* left behind:\n%s", p, netns)
			}
		})
	}
}
