//go:build linux

package main

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"

	"golang.org/x/sys/unix"
)

// syslogCollector is a TCP syslog receiver (RFC 6587 octet counting) that
// listens inside a lab namespace and keeps every message.
type syslogCollector struct {
	addr string
	mu   sync.Mutex
	msgs []string
}

func (c *syslogCollector) String() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return strings.Join(c.msgs, "\n")
}

// listenSyslog opens the collector's socket in namespace ns, so that a
// process running there reaches it on that namespace's loopback.
func listenSyslog(t *testing.T, ns string) *syslogCollector {
	t.Helper()
	var ln net.Listener
	func() {
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
		ln, err = net.Listen("tcp", "127.0.0.1:0")
		if err := unix.Setns(orig, unix.CLONE_NEWNET); err != nil {
			panic(fmt.Sprintf("return to own network namespace: %v", err))
		}
		if err != nil {
			t.Fatal(err)
		}
	}()
	t.Cleanup(func() { ln.Close() })
	c := &syslogCollector{addr: ln.Addr().String()}
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			go c.read(conn)
		}
	}()
	return c
}

// read takes "LEN SP MSG" frames off one connection.
func (c *syslogCollector) read(conn net.Conn) {
	defer conn.Close()
	r := bufio.NewReader(conn)
	for {
		lenText, err := r.ReadString(' ')
		if err != nil {
			return
		}
		n, err := strconv.Atoi(strings.TrimSpace(lenText))
		if err != nil || n <= 0 || n > 1<<20 {
			return
		}
		msg := make([]byte, n)
		if _, err := io.ReadFull(r, msg); err != nil {
			return
		}
		c.mu.Lock()
		c.msgs = append(c.msgs, string(msg))
		c.mu.Unlock()
	}
}
