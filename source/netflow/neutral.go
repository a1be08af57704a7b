package netflow

import "scanguard/record"

// Placeholder header fields. A flow record carries no TTL, IP ID, window,
// options or sequence number, yet the detector's packet layer reads them
// from every probe. Each placeholder below is a value no fingerprint entry
// can accept, so that a Record made from a flow never earns a header match
// or an exact relation by accident:
//
//   - TTL 0: no IPv4 packet is delivered with TTL 0 (RFC 791), and every
//     entry's TTL band starts at 1 or above;
//   - window 0 with an MSS option of 0 and a window scale of 15 (beyond the
//     14 RFC 7323 allows): an entry that expects a value or expects the
//     option absent disagrees on each;
//   - an option list marked as overflowing, which equals no entry's layout;
//   - a sequence number that is never the destination address (the Mirai
//     relation), and an IP ID that is the complement of the masscan
//     relation's value, (dst ip ^ dst port ^ seq) mod 2^16, so it never
//     holds.
//
// Only an entry that accepts any window, MSS, scale and layout still scores
// its window points, as it does on any SYN at all. The sequence numbers are
// pseudo-random, so the sequence and IP-ID statistics read them as noise;
// alerts decided on flows leave out every method and feature that reads a
// header (see alert.FlowOrigin).
const (
	placeholderTTL    = 0
	placeholderWindow = 0
	placeholderMSS    = 0
	placeholderWScale = 15
)

// header returns a Record of flow f with the given TCP flags and meta bits,
// at the flow's start, with placeholder header fields.
func (s *Synth) header(f *Flow, flags, meta uint8) record.Record {
	r := record.Record{
		TsNs: f.StartNs, SrcIP: f.SrcIP, DstIP: f.DstIP, SrcPort: f.SrcPort,
		DstPort: f.DstPort, Proto: f.Proto, Flags: flags, Meta: meta, Family: 4,
		TTL: placeholderTTL,
	}
	if f.Proto == record.ProtoTCP {
		r.Window, r.MSS, r.WScale = placeholderWindow, placeholderMSS, placeholderWScale
		r.OptKinds = record.OptUnknown
		r.Meta |= record.MetaOptOverflow | record.MetaHasMSS | record.MetaHasWScale
	}
	r.Seq = uint32(s.next())
	if r.Seq == r.DstIP {
		r.Seq++
	}
	r.IPID = ^uint16(r.DstIP ^ uint32(r.DstPort) ^ r.Seq)
	if s.db != nil && r.IsProbe() {
		s.check(&r)
	}
	return r
}

// check matches a probe against the database and changes its IP ID until
// no exact relation holds: a constant-IP-ID entry (zmap's 54321) could
// otherwise equal the placeholder by chance, once in 65,536 probes.
func (s *Synth) check(r *record.Record) {
	for i := range 4 {
		m := s.db.Match(r)
		if m.Entry < 0 && m.Exact < 0 {
			return
		}
		s.ctr.Altered++
		r.IPID ^= 1 << i
	}
}

// next is splitmix64: cheap, deterministic placeholder sequence numbers.
func (s *Synth) next() uint64 {
	s.rng += 0x9e3779b97f4a7c15
	z := s.rng
	z = (z ^ z>>30) * 0xbf58476d1ce4e5b9
	z = (z ^ z>>27) * 0x94d049bb133111eb
	return z ^ z>>31
}
