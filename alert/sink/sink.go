// Package sink delivers alerts, already encoded as JSON, to where the SOC
// reads them: JSON lines on a writer or in a file, and syslog (RFC 5424 or
// RFC 3164) over UDP, TCP or a Unix socket.
//
// Every sink has a bounded queue and a goroutine of its own. Send never
// blocks: when the queue is full the message is dropped and counted. When
// a collector goes away the goroutine reconnects with exponential back-off
// while the queue absorbs what it can.
package sink

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// Errors returned by this package; callers test them with errors.Is.
var (
	// ErrPeerClosed is returned when a stream collector hung up.
	ErrPeerClosed = errors.New("collector closed the connection")
	// ErrLost is returned by Close when messages could not be delivered
	// before its deadline.
	ErrLost = errors.New("messages lost at close")
)

// Message is one alert on its way to a sink.
type Message struct {
	// Time is when the alert happened: the syslog TIMESTAMP.
	Time time.Time
	// Severity is the syslog severity, SevEmergency … SevDebug.
	Severity uint8
	// MsgID is the RFC 5424 MSGID, such as the alert type.
	MsgID string
	// Body is the alert's JSON, one line without the newline. Sinks only
	// read it, so one Body may go to several sinks.
	Body []byte
}

// Stats are a sink's counters since it was opened.
type Stats struct {
	Name       string
	Depth      int    // messages waiting in the queue
	Capacity   int    // the queue's size
	Sent       uint64 // messages handed to the destination
	Dropped    uint64 // messages refused by Send because the queue was full
	Lost       uint64 // messages queued but not delivered by Close's deadline
	Errors     uint64 // failed opens and writes
	Reconnects uint64 // successful opens after a failure
	Connected  bool   // the destination is open now
}

// Sink is one destination behind a bounded queue. Its methods are safe for
// concurrent use.
type Sink struct {
	name       string
	t          transport
	q          chan Message
	backoffMin time.Duration
	backoffMax time.Duration

	mu     sync.RWMutex // guards closed against Send
	closed bool
	stop   chan struct{} // closed by Close: drain and exit
	abort  chan struct{} // closed when Close's deadline passed
	done   chan struct{} // closed by the worker on exit

	sent, dropped, lost, errs, reconnects atomic.Uint64
	connected                             atomic.Bool
}

// Open starts the sink cfg describes. It does not wait for a collector: a
// syslog sink whose collector is down queues and retries.
func Open(cfg Config) (*Sink, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	var t transport
	switch cfg.Type {
	case TypeStdout:
		t = &lineTransport{bw: bufio.NewWriterSize(os.Stdout, 64<<10)}
	case TypeFile:
		ft := &fileTransport{path: cfg.Path}
		if err := ft.open(); err != nil {
			return nil, err
		}
		t = ft
	case TypeSyslog:
		t = newNetTransport(&cfg)
	}
	return start(cfg, t), nil
}

// NewWriter starts a sink writing JSON lines to w, which it never closes.
// Only the queue and back-off settings of cfg are used.
func NewWriter(w io.Writer, cfg Config) *Sink {
	if cfg.Name == "" {
		cfg.Name = "writer"
	}
	return start(cfg, &lineTransport{bw: bufio.NewWriterSize(w, 64<<10)})
}

func newNetTransport(cfg *Config) *netTransport {
	host := cfg.Hostname
	if host == "" {
		host, _ = os.Hostname()
	}
	if host == "" || !printable(host) {
		host = "localhost"
	}
	return &netTransport{
		network:      cfg.Network,
		address:      cfg.Address,
		framing:      cfg.Framing,
		dialTimeout:  cfg.DialTimeout,
		writeTimeout: cfg.WriteTimeout,
		header: syslogHeader{
			rfc3164:  cfg.Format == FormatRFC3164,
			local:    cfg.Network == "unix" || cfg.Network == "unixgram",
			facility: facilities[cfg.Facility],
			hostname: host,
			appName:  cfg.AppName,
			procID:   strconv.Itoa(os.Getpid()),
		},
	}
}

func start(cfg Config, t transport) *Sink {
	s := &Sink{
		name:       cfg.label(),
		t:          t,
		q:          make(chan Message, max(cfg.QueueSize, 1)),
		backoffMin: max(cfg.BackoffMin, time.Millisecond),
		backoffMax: max(cfg.BackoffMax, cfg.BackoffMin, time.Millisecond),
		stop:       make(chan struct{}),
		abort:      make(chan struct{}),
		done:       make(chan struct{}),
	}
	go s.run()
	return s
}

// Name returns the sink's label in metrics.
func (s *Sink) Name() string { return s.name }

// Send queues m and returns at once. It returns false, and counts a drop,
// when the queue is full or the sink is closed.
func (s *Sink) Send(m Message) bool {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if !s.closed {
		select {
		case s.q <- m:
			return true
		default:
		}
	}
	s.dropped.Add(1)
	return false
}

// Reopen closes and reopens a file sink's file, so that a file moved away
// by log rotation is let go; other sinks ignore it. Safe to call from a
// signal handler's goroutine while alerts flow.
func (s *Sink) Reopen() error { return s.t.reopen() }

// Close stops accepting messages, delivers what is queued and flushes. If
// ctx ends first, the rest is counted as lost and Close returns an error
// wrapping ErrLost and ctx's error.
func (s *Sink) Close(ctx context.Context) error {
	s.mu.Lock()
	already := s.closed
	s.closed = true
	s.mu.Unlock()
	if !already {
		close(s.stop)
	}
	select {
	case <-s.done:
		return nil
	case <-ctx.Done():
	}

	// Past the deadline: abandon what is queued. A write stuck on a
	// destination that cannot be interrupted (a pipe nobody reads) gets a
	// short grace, then Close returns without it.
	s.abortOnce()
	t := time.NewTimer(abortGrace)
	defer t.Stop()
	pending := 0
	select {
	case <-s.done:
	case <-t.C:
		pending = len(s.q) + 1
	}
	n := s.lost.Load() + uint64(pending)
	if n == 0 {
		return nil
	}
	return fmt.Errorf("close sink %s: %d %w: %w", s.name, n, ErrLost, context.Cause(ctx))
}

// abortGrace is how long Close waits for the worker once its deadline has
// passed.
const abortGrace = 100 * time.Millisecond

func (s *Sink) abortOnce() {
	select {
	case <-s.abort:
	default:
		close(s.abort)
		s.t.interrupt()
	}
}

// Stats returns the sink's counters.
func (s *Sink) Stats() Stats {
	return Stats{
		Name:       s.name,
		Depth:      len(s.q),
		Capacity:   cap(s.q),
		Sent:       s.sent.Load(),
		Dropped:    s.dropped.Load(),
		Lost:       s.lost.Load(),
		Errors:     s.errs.Load(),
		Reconnects: s.reconnects.Load(),
		Connected:  s.connected.Load(),
	}
}

// run is the sink's worker: it delivers queued messages until Close, then
// drains the queue.
func (s *Sink) run() {
	defer close(s.done)
	defer s.t.close()
	w := worker{s: s, backoff: s.backoffMin}
	for {
		select {
		case m := <-s.q:
			w.deliver(&m)
		case <-s.stop:
			for {
				select {
				case m := <-s.q:
					w.deliver(&m)
				default:
					w.flush()
					return
				}
			}
		}
	}
}

// worker holds the state of a sink's goroutine.
type worker struct {
	s       *Sink
	failed  bool // the last open or write failed
	backoff time.Duration
}

// deliver sends m, reopening the destination and backing off as long as it
// takes, unless Close's deadline passes.
func (w *worker) deliver(m *Message) {
	s := w.s
	for {
		select {
		case <-s.abort:
			s.lost.Add(1)
			return
		default:
		}
		if err := w.attempt(m); err == nil {
			s.sent.Add(1)
			if len(s.q) == 0 {
				w.flush()
			}
			return
		}
		s.errs.Add(1)
		s.connected.Store(false)
		w.failed = true
		if !w.sleep() {
			s.lost.Add(1)
			return
		}
	}
}

func (w *worker) attempt(m *Message) error {
	s := w.s
	if !s.connected.Load() {
		if err := s.t.open(); err != nil {
			return err
		}
		s.connected.Store(true)
		if w.failed {
			s.reconnects.Add(1)
		}
	}
	if err := s.t.write(m); err != nil {
		return err
	}
	w.failed = false
	w.backoff = s.backoffMin
	return nil
}

func (w *worker) flush() {
	if err := w.s.t.flush(); err != nil {
		w.s.errs.Add(1)
		w.s.connected.Store(false)
		w.failed = true
	}
}

// sleep waits the current back-off, with up to a quarter of jitter so that
// many sinks do not reconnect in step, then doubles it. It returns false
// when Close's deadline passed meanwhile.
func (w *worker) sleep() bool {
	d := w.backoff + rand.N(w.backoff/4+1)
	w.backoff = min(w.backoff*2, w.s.backoffMax)
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-w.s.abort:
		return false
	}
}
