package testsyslog

import (
	"fmt"
	"net"
	"testing"
	"time"
)

// frame is one RFC 5424 message with octet counting.
func frame(msgID, body string) string {
	m := fmt.Sprintf("<134>1 2025-01-02T03:04:05.000Z sensor scanguard 42 %s - %s", msgID, body)
	return fmt.Sprintf("%d %s", len(m), m)
}

func send(t *testing.T, addr, data string) {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := c.Write([]byte(data)); err != nil {
		t.Fatal(err)
	}
}

func TestReceiverKillRestart(t *testing.T) {
	r := Start(t, Config{Network: "tcp", Address: "127.0.0.1:0"})
	addr := r.Addr()
	before := time.Now()
	send(t, addr, frame("A", `{"n":1}`)+frame("B", `{"n":2}`))
	msgs := r.WaitFor(5*time.Second, "two messages", func(m []Message) bool { return len(m) == 2 })
	for i, want := range []struct{ id, body string }{{"A", `{"n":1}`}, {"B", `{"n":2}`}} {
		got := msgs[i]
		if got.MsgID != want.id || got.Body != want.body || got.Facility != 16 ||
			got.Severity != 6 || got.Hostname != "sensor" || got.ProcID != "42" {
			t.Errorf("message %d = %+v, want MSGID %s body %s local0.info", i, got, want.id, want.body)
		}
		if got.Arrived.Before(before) {
			t.Errorf("message %d arrived %v, before it was sent", i, got.Arrived)
		}
	}

	r.Kill()
	if c, err := net.Dial("tcp", addr); err == nil {
		c.Close()
		t.Fatal("a killed receiver accepted a connection")
	}
	r.Restart()
	if got := r.Addr(); got != addr {
		t.Fatalf("restarted on %s, want %s", got, addr)
	}
	send(t, addr, frame("C", `{"n":3}`))
	msgs = r.WaitFor(5*time.Second, "the message after restart",
		func(m []Message) bool { return len(m) == 3 })
	if msgs[2].MsgID != "C" {
		t.Errorf("after restart got %+v, want MSGID C", msgs[2])
	}
	if _, perr := r.Messages(); len(perr) != 0 {
		t.Errorf("parse errors: %v", perr)
	}
}

func TestReceiverCountsParseErrors(t *testing.T) {
	r := Start(t, Config{Network: "udp", Address: "127.0.0.1:0"})
	c, err := net.Dial("udp", r.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.Write([]byte("not syslog"))
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		if _, perr := r.Messages(); len(perr) == 1 {
			return
		}
		time.Sleep(5 * time.Millisecond)
	}
	_, perr := r.Messages()
	t.Fatalf("parse errors = %v, want one", perr)
}
