package main

import (
	"context"
	"fmt"

	"scanguard/config"
	"scanguard/engine"
	"scanguard/record"
	"scanguard/source/netflow"
)

// netflowSource adapts the NetFlow/IPFIX collector.
type netflowSource struct {
	s *netflow.Source
}

// openNetFlow listens for flow exports and lets the collector mark the
// engine's alerts with their exporter.
func openNetFlow(cfg *config.Config, e *engine.Engine) (source, error) {
	db, err := cfg.FingerprintDB()
	if err != nil {
		return nil, err
	}
	s, err := netflow.Open(cfg.Source.NetFlow, db)
	if err != nil {
		return nil, err
	}
	e.Pipeline().SetAnnotator(s.Annotate)
	return &netflowSource{s: s}, nil
}

func (n *netflowSource) run(ctx context.Context, e *engine.Engine) error {
	if err := e.Start(); err != nil {
		return err
	}
	return n.s.Run(ctx, e)
}

// stats maps the collector's counters onto the packet sources' names:
// datagrams are frames, and each flow record is counted once by what it
// was, the way the parser counts frames.
func (n *netflowSource) stats() sourceStats {
	st := n.s.Stats()
	return sourceStats{
		RxFrames: st.Datagrams, RxBytes: st.Bytes,
		Parser: record.Counters{
			Frames: st.Synth.Flows + st.Decode.IPv6 + st.Decode.NoAddress,
			TCP:    st.Synth.TCP, UDP: st.Synth.UDP, ICMP: st.Synth.ICMP,
			OtherL4: st.Synth.Other, IPv6: st.Decode.IPv6, Malformed: st.Decode.NoAddress,
		},
	}
}

func (n *netflowSource) describe() string {
	return fmt.Sprintf("NetFlow v5/v9/IPFIX collector on udp %s", n.s.Addr())
}

func (n *netflowSource) close() error { return n.s.Close() }
