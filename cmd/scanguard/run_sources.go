package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"scanguard/capture"
	"scanguard/config"
	"scanguard/engine"
	"scanguard/record"
	"scanguard/source/afpacket"
)

// source is a packet source of `scanguard run`.
type source interface {
	// run feeds e until ctx ends or the input does. When it returns,
	// every Record read has been handed to e and e.Stop may follow.
	run(ctx context.Context, e *engine.Engine) error
	// stats returns the source's counters; safe while run runs.
	stats() sourceStats
	// describe says what the source reads, for the start-up log line.
	describe() string
	close() error
}

// sourceStats are the counters every source reports, named after the
// DPDK port's: what arrived, what the capture layer dropped before
// scanguard saw it, and what the parser made of it.
type sourceStats struct {
	RxFrames uint64
	RxBytes  uint64
	// Missed is what was lost before parsing: kernel ring drops for
	// AF_PACKET, imissed + rx_nombuf for DPDK.
	Missed uint64
	// RingDrops is what the DPDK lcores dropped because a worker's ring
	// was full (the engine's own queue drops are counted by the engine).
	RingDrops uint64
	Parser    record.Counters
}

// openSource opens the source cfg names.
func openSource(cfg *config.Config, e *engine.Engine) (source, error) {
	switch cfg.Source.Type {
	case config.SourceAFPacket:
		s, err := afpacket.Open(cfg.Source.AFPacket, e.Workers())
		if err != nil {
			return nil, err
		}
		return &afpacketSource{s: s, iface: cfg.Source.AFPacket.Interface}, nil
	case config.SourcePcap:
		return &pcapSource{cfg: cfg.Source.Pcap}, nil
	case config.SourceDPDK:
		return openDPDK(cfg, e)
	case config.SourceNetFlow:
		return openNetFlow(cfg, e)
	}
	return nil, fmt.Errorf("open source: unknown type %q", cfg.Source.Type)
}

// afpacketSource adapts the AF_PACKET source.
type afpacketSource struct {
	s     *afpacket.Source
	iface string
}

func (a *afpacketSource) run(ctx context.Context, e *engine.Engine) error {
	if err := e.Start(); err != nil {
		return err
	}
	return a.s.Run(ctx, e)
}

func (a *afpacketSource) stats() sourceStats {
	st := a.s.Stats()
	return sourceStats{RxFrames: st.Total.RxFrames, RxBytes: st.Total.RxBytes,
		Missed: st.Total.KernelDrops, Parser: st.Parser}
}

func (a *afpacketSource) describe() string {
	return fmt.Sprintf("AF_PACKET on %s, %d sockets", a.iface, a.s.Sockets())
}

func (a *afpacketSource) close() error { return a.s.Close() }

// pcapSource replays capture files through the live engine.
type pcapSource struct {
	cfg pcapConfig

	mu sync.Mutex
	st sourceStats
}

type pcapConfig = config.PcapConfig

func (p *pcapSource) describe() string {
	speed := "as fast as possible"
	if p.cfg.Speed > 0 {
		speed = fmt.Sprintf("at %gx real time", p.cfg.Speed)
	}
	return fmt.Sprintf("replay of %s %s", strings.Join(p.cfg.Files, ", "), speed)
}

func (p *pcapSource) run(ctx context.Context, e *engine.Engine) error {
	if err := e.Start(); err != nil {
		return err
	}
	d, err := e.NewDispatcher()
	if err != nil {
		return err
	}
	// A file can wait: pace the reader by the workers rather than drop.
	d.SetBlocking(true)
	defer d.Flush()
	var parser record.Parser
	for _, path := range p.cfg.Files {
		if err := p.file(ctx, path, d, &parser); err != nil {
			return err
		}
	}
	return nil
}

// file replays one capture, paced by its timestamps when Speed is set.
func (p *pcapSource) file(ctx context.Context, path string, d *engine.Dispatcher,
	parser *record.Parser) error {
	rd, err := capture.Open(path)
	if err != nil {
		return err
	}
	defer rd.Close()
	var (
		r       record.Record
		firstNs int64
		start   = time.Now()
	)
	for n := 0; ; n++ {
		frame, tsNs, err := rd.Next()
		if errors.Is(err, io.EOF) {
			p.publish(parser)
			return nil
		}
		if err != nil {
			return err
		}
		if n == 0 {
			firstNs = tsNs
		}
		if p.cfg.Speed > 0 {
			due := time.Duration(float64(tsNs-firstNs) / p.cfg.Speed)
			if wait := due - time.Since(start); wait > time.Millisecond {
				d.Flush()
				p.publish(parser)
				select {
				case <-ctx.Done():
					return nil
				case <-time.After(wait):
				}
			}
		}
		p.mu.Lock()
		p.st.RxFrames++
		p.st.RxBytes += uint64(len(frame))
		p.mu.Unlock()
		if parser.Parse(frame, rd.LinkType(), tsNs, &r) {
			d.Add(&r)
		}
		if n%4096 == 0 {
			p.publish(parser)
			if ctx.Err() != nil {
				return nil
			}
		}
	}
}

func (p *pcapSource) publish(parser *record.Parser) {
	p.mu.Lock()
	p.st.Parser = parser.Counters
	p.mu.Unlock()
}

func (p *pcapSource) stats() sourceStats {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.st
}

func (p *pcapSource) close() error { return nil }
