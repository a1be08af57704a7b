// Package testsyslog is a syslog collector for tests: it listens on UDP,
// TCP or a Unix socket, optionally inside a named network namespace,
// parses every message with a maintained syslog parser (RFC 5424 or RFC
// 3164, octet-counted or newline-framed on streams), and can be killed and
// started again on the same address to play a collector that goes away.
package testsyslog

import (
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

	"scanguard/internal/netns"
)

// Config says where a Receiver listens and what it expects.
type Config struct {
	// Network is udp, tcp, unix (stream) or unixgram.
	Network string
	// Address is host:port for udp and tcp ("127.0.0.1:0" picks a port,
	// which restarts keep) or a socket path.
	Address string
	// RFC3164 parses the old BSD format instead of RFC 5424.
	RFC3164 bool
	// NonTransparent expects newline-framed messages on streams (RFC 6587
	// section 3.4.2) instead of octet counting.
	NonTransparent bool
	// Netns, when set, opens the sockets in that named network namespace.
	Netns string
}

// Message is one message as the receiver parsed it.
type Message struct {
	Facility, Severity uint8
	Hostname, AppName  string
	ProcID, MsgID      string
	Time               time.Time // the message's TIMESTAMP
	Body               string
	Arrived            time.Time // when the receiver parsed it
}

// Receiver is a running collector. Its methods are safe for concurrent
// use.
type Receiver struct {
	t   testing.TB
	cfg Config

	mu       sync.Mutex
	msgs     []Message
	parseErr []error
	arrived  chan struct{} // signalled on each message

	ln    net.Listener
	pc    net.PacketConn
	conns []net.Conn
	wg    sync.WaitGroup
}

// Start starts a collector; it is killed when the test ends.
func Start(t testing.TB, cfg Config) *Receiver {
	t.Helper()
	r := &Receiver{t: t, cfg: cfg, arrived: make(chan struct{}, 1)}
	r.Restart()
	t.Cleanup(r.Kill)
	return r
}

// Addr returns the address the collector listens on.
func (r *Receiver) Addr() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.cfg.Address
}

// Restart starts the collector again on the same address after Kill. The
// messages received before are kept.
func (r *Receiver) Restart() {
	r.t.Helper()
	if err := r.listen(); err != nil {
		r.t.Fatalf("start syslog receiver: %v", err)
	}
}

func (r *Receiver) listen() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	open := func() error {
		switch r.cfg.Network {
		case "udp", "unixgram":
			pc, err := net.ListenPacket(r.cfg.Network, r.cfg.Address)
			if err != nil {
				return err
			}
			r.pc, r.cfg.Address = pc, pc.LocalAddr().String()
			r.wg.Add(1)
			go r.readPackets(pc)
		default:
			ln, err := net.Listen(r.cfg.Network, r.cfg.Address)
			if err != nil {
				return err
			}
			r.ln, r.cfg.Address = ln, ln.Addr().String()
			r.wg.Add(1)
			go r.accept(ln)
		}
		return nil
	}
	if r.cfg.Netns != "" {
		return netns.Do(r.cfg.Netns, open)
	}
	return open()
}

// Kill stops the collector as a crash would: sockets closed, connections
// reset or ended, a Unix socket file removed.
func (r *Receiver) Kill() {
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
	if r.cfg.Network == "unix" || r.cfg.Network == "unixgram" {
		os.Remove(r.cfg.Address)
	}
}

func (r *Receiver) readPackets(pc net.PacketConn) {
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

func (r *Receiver) parseOne(b []byte) {
	var m syslog.Message
	var err error
	if r.cfg.RFC3164 {
		m, err = rfc3164.NewParser(rfc3164.WithYear(rfc3164.CurrentYear{})).Parse(b)
	} else {
		m, err = rfc5424.NewParser().Parse(b)
	}
	r.add(m, err)
}

func (r *Receiver) accept(ln net.Listener) {
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

func (r *Receiver) readStream(c net.Conn) {
	defer r.wg.Done()
	opts := []syslog.ParserOption{syslog.WithListener(func(res *syslog.Result) {
		r.add(res.Message, res.Error)
	})}
	var p syslog.Parser
	switch {
	case r.cfg.NonTransparent && r.cfg.RFC3164:
		p = nontransparent.NewParserRFC3164(opts...)
	case r.cfg.NonTransparent:
		p = nontransparent.NewParser(opts...)
	case r.cfg.RFC3164:
		p = octetcounting.NewParserRFC3164(opts...)
	default:
		p = octetcounting.NewParser(opts...)
	}
	p.Parse(c)
}
