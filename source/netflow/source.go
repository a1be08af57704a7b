package netflow

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"scanguard/alert"
	"scanguard/detector/fingerprint"
	"scanguard/engine"
	"scanguard/record"
)

// Source is a NetFlow v5, v9 and IPFIX collector feeding the engine: one
// UDP socket, whose export packets are decoded, turned into Records
// (Synth) and dispatched to the workers. Any number of exporters may send
// to it at once.
type Source struct {
	cfg  Config
	conn *net.UDPConn
	dec  *Decoder
	syn  *Synth
	orig *origins

	datagrams  atomic.Uint64
	bytes      atomic.Uint64
	readErrors atomic.Uint64

	mu      sync.Mutex // guards the copies below
	dc      DecodeCounters
	sc      SynthCounters
	records uint64
}

// maxHeld bounds the Records held for reordering between two flushes.
const maxHeld = 1 << 16

// readTick is how often a quiet socket's read returns, to send held
// Records and notice the end of the run.
const readTick = 10 * time.Millisecond

// Open validates cfg and listens on cfg.Listen. When db is not nil, every
// probe made from a flow is checked against it (see NewSynth); pass the
// database the detector uses.
func Open(cfg Config, db *fingerprint.DB) (*Source, error) {
	if err := cfg.Validate("source.netflow"); err != nil {
		return nil, err
	}
	ap := netip.MustParseAddrPort(cfg.Listen)
	conn, err := net.ListenUDP("udp", net.UDPAddrFromAddrPort(ap))
	if err != nil {
		return nil, fmt.Errorf("listen for flow exports on %s: %w", cfg.Listen, err)
	}
	if cfg.ReadBuffer > 0 {
		if err := setReadBuffer(conn, cfg.ReadBuffer); err != nil {
			conn.Close()
			return nil, fmt.Errorf("set read buffer on %s: %w", cfg.Listen, err)
		}
	}
	dec := NewDecoder(cfg)
	return &Source{
		cfg: cfg, conn: conn, dec: dec, syn: NewSynth(cfg.Flows, db),
		orig: &origins{infos: dec.ex.infos},
	}, nil
}

// Addr returns the address the socket is bound to, with the port the
// kernel chose when cfg.Listen asked for port 0.
func (s *Source) Addr() netip.AddrPort {
	return s.conn.LocalAddr().(*net.UDPAddr).AddrPort()
}

// Run reads export packets until ctx ends, dispatching Records to e, which
// must be started. It waits for the workers rather than drop Records: the
// socket's buffer absorbs bursts, and what overflows it the kernel counts
// as UDP receive-buffer errors. Before Run returns every Record read has
// been handed to e, so e.Stop may follow.
func (s *Source) Run(ctx context.Context, e *engine.Engine) error {
	d, err := e.NewDispatcher()
	if err != nil {
		return err
	}
	d.SetBlocking(true)
	r := reader{s: s, d: d, buf: make([]byte, 65535)}
	defer func() {
		r.flush()
		s.publish(r.records)
	}()
	for ctx.Err() == nil {
		if err := r.next(); err != nil {
			return err
		}
	}
	return nil
}

// reader is the state of Run's loop.
type reader struct {
	s       *Source
	d       *engine.Dispatcher
	buf     []byte
	flows   []Flow
	held    []record.Record
	since   time.Time // when the oldest held Record was read
	records uint64
	reads   uint64
}

// next reads one datagram, or waits a tick for one, and sends the held
// Records once they have waited cfg.Reorder.
func (r *reader) next() error {
	s := r.s
	if err := s.conn.SetReadDeadline(time.Now().Add(readTick)); err != nil {
		return fmt.Errorf("read flow exports: %w", err)
	}
	n, from, err := s.conn.ReadFromUDPAddrPort(r.buf)
	now := time.Now()
	var ne net.Error
	switch {
	case err == nil:
		r.datagram(r.buf[:n], from, now)
	case errors.As(err, &ne) && ne.Timeout():
		s.publish(r.records)
	case errors.Is(err, net.ErrClosed):
		return fmt.Errorf("read flow exports: %w", err)
	default:
		// A transient fault (an ICMP error queued on the socket): count
		// it and read on.
		s.readErrors.Add(1)
	}
	if len(r.held) > 0 && (now.Sub(r.since) >= s.cfg.Reorder || len(r.held) >= maxHeld) {
		r.flush()
	}
	return nil
}

// datagram decodes one export packet and holds its Records.
func (r *reader) datagram(pkt []byte, from netip.AddrPort, now time.Time) {
	s := r.s
	s.datagrams.Add(1)
	s.bytes.Add(uint64(len(pkt)))
	r.flows = s.dec.Decode(pkt, from, now.UnixNano(), r.flows[:0])
	if len(r.held) == 0 {
		r.since = now
	}
	for i := range r.flows {
		f := &r.flows[i]
		probes := s.syn.ctr.Probes
		r.held = s.syn.Records(f, r.held)
		if s.syn.ctr.Probes != probes {
			r.noteOrigin(f)
		}
	}
	if r.reads++; r.reads%256 == 0 {
		s.publish(r.records)
	}
}

// noteOrigin remembers which exporter reported the prober of f, and at
// what sampling rate, for its alert.
func (r *reader) noteOrigin(f *Flow) {
	info := r.s.dec.Exporter(f.Exporter)
	if info == nil {
		return
	}
	r.s.orig.note(f.SrcIP, f.Exporter, info.gen)
	if info.sampling.Load() != f.Sampling {
		info.sampling.Store(f.Sampling)
	}
}

// flush sends the held Records to the workers in time order.
func (r *reader) flush() {
	if len(r.held) > 0 {
		slices.SortStableFunc(r.held, func(a, b record.Record) int {
			return cmp.Compare(a.TsNs, b.TsNs)
		})
		r.d.AddBatch(r.held)
		r.records += uint64(len(r.held))
		r.held = r.held[:0]
	}
	r.d.Flush()
}

// publish copies the reading goroutine's counters where Stats reads them.
func (s *Source) publish(records uint64) {
	s.mu.Lock()
	s.dc, s.sc, s.records = s.dec.Counters(), s.syn.Counters(), records
	s.mu.Unlock()
}

// Stats returns the counters; safe while Run runs, trailing it by at most
// a read tick.
func (s *Source) Stats() Stats {
	st := Stats{
		Datagrams: s.datagrams.Load(), Bytes: s.bytes.Load(),
		ReadErrors: s.readErrors.Load(),
	}
	s.mu.Lock()
	st.Decode, st.Synth, st.Records = s.dc, s.sc, s.records
	s.mu.Unlock()
	return st
}

// Annotate marks an alert as decided on flow records and names the
// exporter that reported its source (alert.Alert.SetFlowOrigin). Give it
// to the engine's pipeline with SetAnnotator before the engine starts.
// Safe for concurrent use.
func (s *Source) Annotate(a *alert.Alert) {
	var o alert.FlowOrigin
	if ip, ok := addrBits(a.Addr()); ok {
		if info, ok := s.orig.lookup(ip); ok {
			o.Exporter, o.SamplingRate = info.Addr.String(), info.Sampling()
		}
	}
	a.SetFlowOrigin(o)
}

// Close closes the socket. Run must have returned.
func (s *Source) Close() error { return s.conn.Close() }
