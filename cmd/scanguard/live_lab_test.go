//go:build linux

package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/netip"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// labRange is the victim's address space: the only addresses a scanner in
// the lab may target.
var labRange = netip.MustParsePrefix("198.19.0.0/16")

// lab is a running scripts/lab.sh lab: two namespaces, a veth pair, and
// the victim owning 198.19.0.0/16. Scanners target only that range.
type lab struct {
	script string
	prefix string
	env    map[string]string
	down   sync.Once
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
// down when the test ends, when the test binary is interrupted, and a
// little before the test's deadline, since a test that times out runs no
// cleanup.
func startLab(t *testing.T) *lab {
	t.Helper()
	script, _ := filepath.Abs(filepath.Join("..", "..", "scripts", "lab.sh"))
	l := &lab{script: script, env: map[string]string{},
		prefix: fmt.Sprintf("sgrun%d", os.Getpid()%100000)}

	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	stopWatch := make(chan struct{})
	go func() {
		select {
		case sig := <-sigs:
			l.teardown()
			fmt.Fprintf(os.Stderr, "lab %s deleted on %v\n", l.prefix, sig)
			os.Exit(1)
		case <-stopWatch:
		}
	}()
	var deadline *time.Timer
	if dl, ok := t.Deadline(); ok {
		if d := time.Until(dl) - 10*time.Second; d > 0 {
			deadline = time.AfterFunc(d, func() { l.teardown() })
		}
	}
	t.Cleanup(func() {
		signal.Stop(sigs)
		close(stopWatch)
		if deadline != nil {
			deadline.Stop()
		}
		if err := l.teardown(); err != nil {
			t.Error(err)
		}
	})

	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "bash", script, "up")
	cmd.Env = append(os.Environ(), "LAB_PREFIX="+l.prefix)
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

// teardown runs lab.sh down once, then deletes whatever of this lab's
// namespaces it left.
func (l *lab) teardown() error {
	var err error
	l.down.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		cmd := exec.CommandContext(ctx, "bash", l.script, "down")
		cmd.Env = append(os.Environ(), "LAB_PREFIX="+l.prefix)
		if out, derr := cmd.CombinedOutput(); derr != nil {
			err = fmt.Errorf("lab down: %v\n%s", derr, out)
		}
		for _, ns := range []string{l.prefix + "-scan", l.prefix + "-vic"} {
			if _, serr := os.Stat("/run/netns/" + ns); serr == nil {
				exec.Command("ip", "netns", "del", ns).Run()
			}
		}
	})
	return err
}

// errOutsideLab is returned for a scan target outside the lab's range.
var errOutsideLab = errors.New("scan target outside the lab range 198.19.0.0/16")

// masscan runs masscan in the scanner namespace from srcIP against dst, an
// address or a network that must lie inside the lab's 198.19.0.0/16. It
// returns when masscan has sent every probe; it does not wait for replies.
func (l *lab) masscan(srcIP, dst, ports string, rate int) error {
	p, err := netip.ParsePrefix(dst)
	if err != nil {
		a, aerr := netip.ParseAddr(dst)
		if aerr != nil {
			return fmt.Errorf("masscan target %q: %w", dst, err)
		}
		p = netip.PrefixFrom(a, a.BitLen())
	}
	if p.Bits() < labRange.Bits() || !labRange.Contains(p.Addr()) {
		return fmt.Errorf("masscan target %s: %w", dst, errOutsideLab)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "ip", "netns", "exec", l.env["LAB_SCAN_NS"], "masscan",
		p.String(), "-p"+ports, "--rate", fmt.Sprint(rate), "--wait", "0",
		"--adapter", l.env["LAB_SCAN_IF"], "--adapter-ip", srcIP,
		"--router-mac", l.env["LAB_VICTIM_MAC"])
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("masscan: %w\n%s", err, out)
	}
	return nil
}
