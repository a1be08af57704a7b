package netflow

import (
	"scanguard/detector/fingerprint"
	"scanguard/record"
)

// Synth turns flow records into the Records the detector reads, so that
// the flow and behaviour layers run on flows unchanged: a flow of probes
// becomes one probe Record per probe packet, a flow that answers probes
// becomes replies, and a flow that carried data becomes payload Records.
//
// A flow says nothing of the headers of its packets (TTL, IP ID, window,
// options, sequence numbers), so the header fields of every Record made
// here are placeholders chosen to match no fingerprint (see neutral.go):
// attribution from flows rests on flow features only. It is not safe for
// concurrent use.
type Synth struct {
	cfg SynthConfig
	db  *fingerprint.DB
	rng uint64
	ctr SynthCounters
}

// NewSynth returns a Synth for a validated configuration. When db is not
// nil every probe is checked against it, and its placeholder header is
// altered until no entry or exact relation of db matches.
func NewSynth(cfg SynthConfig, db *fingerprint.DB) *Synth {
	return &Synth{cfg: cfg, db: db, rng: 0x5ca9_9a2d}
}

// Counters returns the counters so far.
func (s *Synth) Counters() SynthCounters { return s.ctr }

// tcpHeader is the minimal IPv4 and TCP header, the bytes a packet without
// payload takes.
const tcpHeader = 40

// payloadMSS is the segment size used to estimate how many packets of a
// flow carried data.
const payloadMSS = 1448

// Records appends the Records flow f stands for to out, in time order.
func (s *Synth) Records(f *Flow, out []record.Record) []record.Record {
	s.ctr.Flows++
	n := len(out)
	switch f.Proto {
	case record.ProtoTCP:
		s.ctr.TCP++
		out = s.tcp(f, out)
	case record.ProtoUDP:
		s.ctr.UDP++
		out = s.datagrams(f, out)
	case record.ProtoICMP:
		s.ctr.ICMP++
		out = s.datagrams(f, out)
	default:
		s.ctr.Other++
	}
	if len(out) == n {
		s.ctr.Skipped++
	}
	return out
}

// tcp classifies a TCP flow by the union of its packets' flags.
func (s *Synth) tcp(f *Flow, out []record.Record) []record.Record {
	pkts := max(f.Packets, 1)
	fl := f.TCPFlags
	small := f.Bytes/pkts <= uint64(s.cfg.ProbeMaxBytes)
	switch {
	case fl&record.FlagACK == 0:
		// Nothing in the flow acknowledged anything: no handshake
		// completed from this side. Every packet is a probe (SYN, FIN,
		// NULL or Xmas) but the RST with which a prober tears down the
		// handshake a SYN-ACK started.
		rst := fl&record.FlagRST != 0
		if fl&^(record.FlagRST|record.FlagECE|record.FlagCWR) == 0 && rst {
			return s.spread(f, record.FlagRST, 0, int(min(pkts, uint64(s.cfg.MaxProbesPerFlow))),
				&s.ctr.RSTs, out)
		}
		// A SYN that drew a RST from its own side was answered, so it
		// was sent once: the other packets are RSTs (masscan sends its
		// own beside the kernel's).
		probes, rsts := pkts, uint64(0)
		if rst {
			probes, rsts = 1, max(pkts-1, 1)
		}
		n := int(min(probes, uint64(s.cfg.MaxProbesPerFlow)))
		end := f.EndNs
		if rst {
			end = f.StartNs
		}
		out = s.spreadUntil(f, fl&^record.FlagRST, 0, n, end, &s.ctr.Probes, out)
		if rst {
			n := int(min(rsts, uint64(s.cfg.MaxProbesPerFlow)))
			out = s.between(f, record.FlagRST, 0, n, f.EndNs, f.EndNs, &s.ctr.RSTs, out)
		}
		return out
	case fl&record.FlagSYN != 0:
		// A handshake, seen from one side. A lone SYN-ACK, or the side
		// on the lower port (the service), answers; the other side sent
		// the SYN, one probe, and whatever data it then sent.
		if pkts == 1 || f.SrcPort < f.DstPort {
			out = s.spread(f, record.FlagSYN|record.FlagACK, 0, 1, &s.ctr.Replies, out)
			return s.served(f, small, out)
		}
		out = s.spread(f, record.FlagSYN, 0, 1, &s.ctr.Probes, out)
		return s.payload(f, small, out)
	case fl&record.FlagRST != 0 && pkts <= 2 && small && fl&record.FlagPSH == 0:
		// A RST-ACK alone: a closed port refusing a probe.
		return s.spread(f, record.FlagRST|record.FlagACK, 0, 1, &s.ctr.Replies, out)
	}

	// Acknowledgements without a SYN: the middle of a connection whose
	// start the exporter reported in an earlier record. Only its data
	// counts.
	if f.SrcPort < f.DstPort {
		return s.served(f, small, out)
	}
	if f.Sampling > 1 && fl&record.FlagRST == 0 && pkts >= 2 {
		// Under sampling the data may have gone unsampled, but a client
		// acknowledging twice kept its connection past the handshake,
		// which a scanner that completes handshakes (nmap -sT) never
		// does: it answers the SYN-ACK once and resets.
		small = false
	}
	return s.payload(f, small, out)
}

// served handles the data a service sent on a connection. Unsampled, it is
// the service's own payload, as a packet probe would see it. Under
// sampling the client's data packets may all have gone unsampled, leaving
// only its SYN, which looks like a probe; the service answering with data
// shows that the connection was used, so the data is credited to the
// client instead. A scanner rarely draws data: only from services that
// speak first, on the few ports it completes a handshake with.
func (s *Synth) served(f *Flow, small bool, out []record.Record) []record.Record {
	if f.Sampling <= 1 {
		return s.payload(f, small, out)
	}
	rev := *f
	rev.SrcIP, rev.DstIP = f.DstIP, f.SrcIP
	rev.SrcPort, rev.DstPort = f.DstPort, f.SrcPort
	return s.payload(&rev, small, out)
}

// payload appends the payload Records of a flow that carried data: data
// the source sent on a connection, which clients do and scanners do not.
func (s *Synth) payload(f *Flow, small bool, out []record.Record) []record.Record {
	pkts := max(f.Packets, 1)
	if small && f.TCPFlags&record.FlagPSH == 0 {
		return out
	}
	var n uint64 = 1
	if hdr := tcpHeader * pkts; f.Bytes > hdr {
		n = (f.Bytes - hdr + payloadMSS - 1) / payloadMSS
	}
	n = min(max(n, 1), pkts, uint64(s.cfg.MaxPayloadPerFlow))
	return s.spread(f, record.FlagACK|record.FlagPSH, record.MetaPayload, int(n),
		&s.ctr.Payload, out)
}

// datagrams turns a UDP or ICMP flow into one Record per packet, up to the
// cap: probes, or answers when the ports (UDP) or the type (ICMP) say so,
// which record.Record's own tests decide.
func (s *Synth) datagrams(f *Flow, out []record.Record) []record.Record {
	pkts := max(f.Packets, 1)
	var meta uint8
	if f.Proto == record.ProtoUDP && f.Bytes/pkts > 28 {
		meta = record.MetaPayload
	}
	r := s.header(f, 0, meta)
	ctr := &s.ctr.Probes
	switch {
	case r.IsReply():
		ctr = &s.ctr.Replies
	case !r.IsProbe():
		return out
	}
	return s.spread(f, 0, meta, int(min(pkts, uint64(s.cfg.MaxProbesPerFlow))), ctr, out)
}

// spread appends n Records of the flow spread evenly over its duration.
func (s *Synth) spread(f *Flow, flags, meta uint8, n int, ctr *uint64,
	out []record.Record) []record.Record {
	return s.spreadUntil(f, flags, meta, n, f.EndNs, ctr, out)
}

// spreadUntil appends n Records spread evenly from the flow's start to end.
func (s *Synth) spreadUntil(f *Flow, flags, meta uint8, n int, end int64, ctr *uint64,
	out []record.Record) []record.Record {
	return s.between(f, flags, meta, n, f.StartNs, end, ctr, out)
}

// between appends n Records spread evenly from start to end; a single one
// goes at start.
func (s *Synth) between(f *Flow, flags, meta uint8, n int, start, end int64, ctr *uint64,
	out []record.Record) []record.Record {
	for i := range n {
		r := s.header(f, flags, meta)
		r.TsNs = start
		if n > 1 {
			r.TsNs = start + (end-start)*int64(i)/int64(n-1)
		}
		out = append(out, r)
	}
	*ctr += uint64(n)
	return out
}
