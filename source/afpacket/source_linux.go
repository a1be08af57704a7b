//go:build linux && cgo

package afpacket

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/google/gopacket/afpacket"

	"scanguard/engine"
	"scanguard/record"
)

// flushEveryNs bounds how long a Record may wait in a partly filled batch
// while frames keep coming: the batch is sent once the newest frame is this
// much younger than the last send.
const flushEveryNs = int64(time.Millisecond)

// Source is a set of AF_PACKET sockets on one interface.
type Source struct {
	cfg   Config
	socks []*socket
}

// socket is one ring and the counters its reading goroutine keeps.
type socket struct {
	tp     *afpacket.TPacket
	frames atomic.Uint64
	bytes  atomic.Uint64

	mu     sync.Mutex // guards parsed and kstats
	parsed record.Counters
	kstats SocketStats
}

// Open opens n sockets on cfg.Interface (cfg.Sockets when it is set), each
// with its ring, the BPF program and the fanout group. cfg must validate.
// The sockets belong to the network namespace of the calling thread.
func Open(cfg Config, n int) (*Source, error) {
	if err := cfg.Validate("source.afpacket"); err != nil {
		return nil, err
	}
	if cfg.Sockets > 0 {
		n = cfg.Sockets
	}
	n = max(n, 1)
	prog, _ := ParseBPF(cfg.BPF)
	s := &Source{cfg: cfg}
	for i := range n {
		tp, err := afpacket.NewTPacket(
			afpacket.OptInterface(cfg.Interface),
			afpacket.TPacketVersion3,
			afpacket.OptFrameSize(cfg.FrameSize),
			afpacket.OptBlockSize(cfg.BlockSize),
			afpacket.OptNumBlocks(cfg.Blocks),
			afpacket.OptBlockTimeout(cfg.BlockTimeout),
			// The read loop wakes at least this often to send partly
			// filled batches and to notice the end of the run.
			afpacket.OptPollTimeout(cfg.BlockTimeout),
		)
		if err != nil {
			s.Close()
			return nil, fmt.Errorf("open AF_PACKET socket %d on %s: %w", i, cfg.Interface, err)
		}
		s.socks = append(s.socks, &socket{tp: tp})
		if prog != nil {
			if err := tp.SetBPF(prog); err != nil {
				s.Close()
				return nil, fmt.Errorf("attach BPF program on %s: %w", cfg.Interface, err)
			}
		}
		if err := tp.SetFanout(fanoutType(cfg.Fanout), cfg.FanoutGroup); err != nil {
			s.Close()
			return nil, fmt.Errorf("join fanout group %d on %s: %w", cfg.FanoutGroup,
				cfg.Interface, err)
		}
	}
	return s, nil
}

func fanoutType(mode string) afpacket.FanoutType {
	switch mode {
	case FanoutLB:
		return afpacket.FanoutLoadBalance
	case FanoutCPU:
		return afpacket.FanoutCPU
	case FanoutQM:
		return afpacket.FanoutQueueMapping
	}
	return afpacket.FanoutHash
}

// Sockets returns the number of open sockets.
func (s *Source) Sockets() int { return len(s.socks) }

// Run reads every socket on its own goroutine until ctx ends, parsing
// frames and dispatching Records to e, which must be started. Each reader
// flushes its Dispatcher before Run returns, so when Run returns every
// Record read has been handed to the engine and e.Stop may follow.
func (s *Source) Run(ctx context.Context, e *engine.Engine) error {
	errs := make([]error, len(s.socks))
	var wg sync.WaitGroup
	for i, sk := range s.socks {
		d, err := e.NewDispatcher()
		if err != nil {
			return err
		}
		wg.Go(func() { errs[i] = sk.read(ctx, d) })
	}
	wg.Wait()
	return errors.Join(errs...)
}

// read is one socket's loop.
func (sk *socket) read(ctx context.Context, d *engine.Dispatcher) error {
	var (
		p       record.Parser
		r       record.Record
		lastNs  int64
		pending uint64 // frames since the last publish
	)
	defer func() {
		d.Flush()
		sk.publish(&p)
	}()
	for ctx.Err() == nil {
		frame, ci, err := sk.tp.ZeroCopyReadPacketData()
		if err != nil {
			if errors.Is(err, afpacket.ErrTimeout) {
				// The link is quiet: send what waits and refresh the
				// counters.
				d.Flush()
				sk.publish(&p)
				continue
			}
			return fmt.Errorf("read AF_PACKET ring: %w", err)
		}
		tsNs := ci.Timestamp.UnixNano()
		sk.frames.Add(1)
		sk.bytes.Add(uint64(ci.Length))
		if p.Parse(frame, record.LinkEthernet, tsNs, &r) {
			d.Add(&r)
		}
		if tsNs-lastNs >= flushEveryNs {
			d.Flush()
			lastNs = tsNs
			pending++
			if pending%64 == 0 {
				sk.publish(&p)
			}
		}
	}
	return nil
}

// publish copies the parser's counters where Stats can read them.
func (sk *socket) publish(p *record.Parser) {
	sk.mu.Lock()
	sk.parsed = p.Counters
	sk.mu.Unlock()
}

// Stats reads the kernel's counters of every socket and returns them with
// the source's own. Safe to call while Run reads.
func (s *Source) Stats() Stats {
	var st Stats
	for _, sk := range s.socks {
		// The kernel resets its counters on every read; the TPacket adds
		// them up, so these are totals since Open.
		_, v3, err := sk.tp.SocketStats()
		ss := SocketStats{RxFrames: sk.frames.Load(), RxBytes: sk.bytes.Load()}
		if err == nil {
			ss.KernelPackets = uint64(v3.Packets())
			ss.KernelDrops = uint64(v3.Drops())
			ss.QueueFreezes = uint64(v3.QueueFreezes())
		}
		sk.mu.Lock()
		if err != nil {
			ss.KernelPackets, ss.KernelDrops = sk.kstats.KernelPackets, sk.kstats.KernelDrops
			ss.QueueFreezes = sk.kstats.QueueFreezes
		} else {
			sk.kstats = ss
		}
		st.Parser.Add(sk.parsed)
		sk.mu.Unlock()
		st.Sockets = append(st.Sockets, ss)
		st.Total.add(&ss)
	}
	return st
}

// Close closes every socket. Run must have returned.
func (s *Source) Close() error {
	for _, sk := range s.socks {
		sk.tp.Close()
	}
	s.socks = nil
	return nil
}
