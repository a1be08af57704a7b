package main

import (
	"context"
	"fmt"

	"github.com/rs/zerolog"

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
	// Imissed, Ierrors and RxNombuf are the DPDK ports' own drop
	// counters, summed over the ports and shown apart at exit; other
	// sources leave them zero.
	Imissed, Ierrors, RxNombuf uint64
	Parser                     record.Counters
}

// openSource opens the source cfg names; log is for what a source reports
// while it runs and goes on (a capture file that fails in a replay).
func openSource(cfg *config.Config, e *engine.Engine, log zerolog.Logger) (source, error) {
	switch cfg.Source.Type {
	case config.SourceAFPacket:
		s, err := afpacket.Open(cfg.Source.AFPacket, e.Workers())
		if err != nil {
			return nil, err
		}
		return &afpacketSource{s: s, iface: cfg.Source.AFPacket.Interface}, nil
	case config.SourcePcap:
		return &pcapSource{cfg: cfg.Source.Pcap, log: log}, nil
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
