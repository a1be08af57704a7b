package sink

import (
	"errors"
	"io"
	"net"
	"os"
	"sync"
	"testing"
	"time"

	syslog "github.com/leodido/go-syslog/v4"
	"github.com/leodido/go-syslog/v4/nontransparent"
	"github.com/leodido/go-syslog/v4/octetcounting"
	"github.com/leodido/go-syslog/v4/rfc3164"
	"github.com/leodido/go-syslog/v4/rfc5424"
)

// received is one message as the collector parsed it.
type received struct {
	Facility, Severity uint8
	Hostname, AppName  string
	ProcID, MsgID      string
	Time               time.Time
	Body               string
}

// receiver is a syslog collector for tests: it listens on loopback or a
// Unix socket, parses every message with a maintained syslog parser, and
// can be killed and started again on the same address.
type receiver struct {
	t                *testing.T
	network, address string
	rfc3164          bool
	framing          string

	mu       sync.Mutex
	msgs     []received
	parseErr []error
	arrived  chan struct{} // signalled on each message

	ln    net.Listener
	pc    net.PacketConn
	conns []net.Conn
	wg    sync.WaitGroup
}

// newReceiver starts a collector. For udp and tcp address may be
// "127.0.0.1:0"; the bound address is kept for restarts.
func newReceiver(t *testing.T, network, address, format, framing string) *receiver {
	t.Helper()
	r := &receiver{
		t: t, network: network, address: address,
		rfc3164: format == FormatRFC3164, framing: framing,
		arrived: make(chan struct{}, 1),
	}
	r.start()
	t.Cleanup(r.kill)
	return r
}

func (r *receiver) start() {
	r.t.Helper()
	var err error
	switch r.network {
	case "udp", "unixgram":
		r.pc, err = net.ListenPacket(r.network, r.address)
		if err == nil {
			r.address = r.pc.LocalAddr().String()
			r.wg.Add(1)
			go r.readPackets(r.pc)
		}
	default:
		r.ln, err = net.Listen(r.network, r.address)
		if err == nil {
			r.address = r.ln.Addr().String()
			r.wg.Add(1)
			go r.accept(r.ln)
		}
	}
	if err != nil {
		r.t.Fatalf("start receiver: %v", err)
	}
}

// kill stops the collector as a crash would: sockets closed, Unix socket
// files removed.
func (r *receiver) kill() {
	r.mu.Lock()
	if r.pc != nil {
		r.pc.Close()
		r.pc = nil
	}
	if r.ln != nil {
		r.ln.Close()
		r.ln = nil
	}
	for _, c := range r.conns {
		c.Close()
	}
	r.conns = nil
	r.mu.Unlock()
	r.wg.Wait()
	if r.network == "unix" || r.network == "unixgram" {
		os.Remove(r.address)
	}
}

func (r *receiver) readPackets(pc net.PacketConn) {
	defer r.wg.Done()
	buf := make([]byte, 65536)
	for {
		n, _, err := pc.ReadFrom(buf)
		if err != nil {
			return
		}
		r.parseOne(append([]byte(nil), buf[:n]...))
	}
}

func (r *receiver) parseOne(b []byte) {
	var m syslog.Message
	var err error
	if r.rfc3164 {
		m, err = rfc3164.NewParser(rfc3164.WithYear(rfc3164.CurrentYear{})).Parse(b)
	} else {
		m, err = rfc5424.NewParser().Parse(b)
	}
	r.add(m, err)
}

func (r *receiver) accept(ln net.Listener) {
	defer r.wg.Done()
	for {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		r.mu.Lock()
		r.conns = append(r.conns, c)
		r.mu.Unlock()
		r.wg.Add(1)
		go r.readStream(c)
	}
}

func (r *receiver) readStream(c net.Conn) {
	defer r.wg.Done()
	opts := []syslog.ParserOption{syslog.WithListener(func(res *syslog.Result) {
		r.add(res.Message, res.Error)
	})}
	var p syslog.Parser
	switch {
	case r.framing == FramingNonTransparent && r.rfc3164:
		p = nontransparent.NewParserRFC3164(opts...)
	case r.framing == FramingNonTransparent:
		p = nontransparent.NewParser(opts...)
	case r.rfc3164:
		p = octetcounting.NewParserRFC3164(opts...)
	default:
		p = octetcounting.NewParser(opts...)
	}
	p.Parse(c)
}

func (r *receiver) add(m syslog.Message, err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if err != nil && !errors.Is(err, io.EOF) {
		r.parseErr = append(r.parseErr, err)
		return
	}
	if m == nil {
		return
	}
	var base *syslog.Base
	switch mm := m.(type) {
	case *rfc5424.SyslogMessage:
		base = &mm.Base
	case *rfc3164.SyslogMessage:
		base = &mm.Base
	default:
		r.parseErr = append(r.parseErr, errors.New("unknown message type"))
		return
	}
	var got received
	str := func(p *string) string {
		if p == nil {
			return ""
		}
		return *p
	}
	if base.Facility != nil {
		got.Facility = *base.Facility
	}
	if base.Severity != nil {
		got.Severity = *base.Severity
	}
	if base.Timestamp != nil {
		got.Time = *base.Timestamp
	}
	got.Hostname, got.AppName = str(base.Hostname), str(base.Appname)
	got.ProcID, got.MsgID, got.Body = str(base.ProcID), str(base.MsgID), str(base.Message)
	r.msgs = append(r.msgs, got)
	select {
	case r.arrived <- struct{}{}:
	default:
	}
}

// messages returns a copy of what arrived so far and the parse errors.
func (r *receiver) messages() ([]received, []error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]received(nil), r.msgs...), append([]error(nil), r.parseErr...)
}

// waitFor waits until cond holds on the messages, or fails after timeout.
func (r *receiver) waitFor(
	timeout time.Duration, what string, cond func([]received) bool,
) []received {
	r.t.Helper()
	deadline := time.After(timeout)
	for {
		msgs, _ := r.messages()
		if cond(msgs) {
			return msgs
		}
		select {
		case <-r.arrived:
		case <-time.After(10 * time.Millisecond):
		case <-deadline:
			r.t.Fatalf("receiver: timed out waiting for %s; have %d messages", what, len(msgs))
		}
	}
}
