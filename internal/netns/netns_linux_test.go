//go:build linux

package netns

import (
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"testing"
)

// netnsID names the network namespace of the calling thread.
func netnsID(t *testing.T) string {
	t.Helper()
	id, err := os.Readlink("/proc/thread-self/ns/net")
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func TestDo(t *testing.T) {
	if os.Geteuid() != 0 {
		if os.Getenv("CI") == "true" {
			t.Fatal("CI must run this test as root")
		}
		t.Skip("needs root to make a network namespace")
	}
	name := fmt.Sprintf("sgns%d", os.Getpid()%100000)
	if out, err := exec.Command("ip", "netns", "add", name).CombinedOutput(); err != nil {
		t.Fatalf("ip netns add: %v\n%s", err, out)
	}
	t.Cleanup(func() { exec.Command("ip", "netns", "del", name).Run() })
	own := netnsID(t)

	// A listener opened inside is unreachable from outside: the new
	// namespace has a loopback of its own.
	var inside string
	var ln net.Listener
	err := Do(name, func() error {
		var err error
		if inside, err = os.Readlink("/proc/thread-self/ns/net"); err != nil {
			return err
		}
		if out, err := exec.Command("ip", "link", "set", "lo", "up").CombinedOutput(); err != nil {
			return fmt.Errorf("lo up: %v: %s", err, out)
		}
		ln, err = net.Listen("tcp", "127.0.0.1:0")
		return err
	})
	if err != nil {
		t.Fatalf("Do: %v", err)
	}
	defer ln.Close()
	if inside == own {
		t.Errorf("fn ran in the caller's namespace %s", own)
	}
	if got := netnsID(t); got != own {
		t.Errorf("caller's namespace = %s after Do, want %s", got, own)
	}
	if c, err := net.Dial("tcp", ln.Addr().String()); err == nil {
		c.Close()
		t.Errorf("listener in %s answered from the host namespace", name)
	}
	err = Do(name, func() error {
		c, err := net.Dial("tcp", ln.Addr().String())
		if err == nil {
			c.Close()
		}
		return err
	})
	if err != nil {
		t.Errorf("dial inside the namespace: %v", err)
	}

	wantErr := errors.New("from fn")
	if err := Do(name, func() error { return wantErr }); !errors.Is(err, wantErr) {
		t.Errorf("Do = %v, want fn's error", err)
	}
	if err := Do(name+"-missing", func() error { return nil }); err == nil {
		t.Error("Do in a missing namespace succeeded")
	}
}
