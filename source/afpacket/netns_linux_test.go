//go:build linux && cgo

package afpacket_test

import (
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"testing"

	"golang.org/x/sys/unix"
)

// needRoot skips a test that needs root, except in CI, where every test
// must run.
func needRoot(t *testing.T) {
	t.Helper()
	if os.Geteuid() == 0 {
		return
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("CI must run this test as root")
	}
	t.Skip("needs root for network namespaces and AF_PACKET sockets")
}

// vethPair is two namespaces joined by a veth pair, made by the test and
// deleted when it ends. Nothing in them routes anywhere else.
type vethPair struct {
	nsA, nsB string // namespace names
	ifA, ifB string // interface names
}

func run(t *testing.T, args ...string) {
	t.Helper()
	if out, err := exec.Command(args[0], args[1:]...).CombinedOutput(); err != nil {
		t.Fatalf("%v: %v\n%s", args, err, out)
	}
}

// newVethPair builds the namespaces under a prefix unique to this process.
func newVethPair(t *testing.T) *vethPair {
	t.Helper()
	p := fmt.Sprintf("sgaf%d", os.Getpid()%100000)
	v := &vethPair{nsA: p + "-a", nsB: p + "-b", ifA: p + "a", ifB: p + "b"}
	t.Cleanup(func() {
		exec.Command("ip", "netns", "del", v.nsA).Run()
		exec.Command("ip", "netns", "del", v.nsB).Run()
	})
	run(t, "ip", "netns", "add", v.nsA)
	run(t, "ip", "netns", "add", v.nsB)
	run(t, "ip", "link", "add", v.ifA, "netns", v.nsA, "type", "veth",
		"peer", "name", v.ifB, "netns", v.nsB)
	for _, x := range [][2]string{{v.nsA, v.ifA}, {v.nsB, v.ifB}} {
		// IPv6 would add router solicitations to what the test counts.
		run(t, "ip", "netns", "exec", x[0], "sysctl", "-qw",
			"net.ipv6.conf.all.disable_ipv6=1", "net.ipv6.conf.default.disable_ipv6=1")
		run(t, "ip", "-n", x[0], "link", "set", x[1], "up")
	}
	return v
}

// inNetns runs fn on a thread moved into namespace ns; sockets fn opens
// stay in ns after the thread returns to its own namespace.
func inNetns(t *testing.T, ns string, fn func()) {
	t.Helper()
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	orig, err := unix.Open("/proc/thread-self/ns/net", unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Close(orig)
	target, err := unix.Open("/run/netns/"+ns, unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Close(target)
	if err := unix.Setns(target, unix.CLONE_NEWNET); err != nil {
		t.Fatal(err)
	}
	defer func() {
		if err := unix.Setns(orig, unix.CLONE_NEWNET); err != nil {
			panic(fmt.Sprintf("return to own network namespace: %v", err))
		}
	}()
	fn()
}
