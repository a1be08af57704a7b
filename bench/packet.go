package bench

import "scanguard/record"

// Header templates of the stacks the generator imitates. Values are those
// of the corpus captures (Debian 12 kernels and the real tools).
const (
	// linuxSYNOpts is a Linux SYN's option layout: MSS, SACK-permitted,
	// timestamps, NOP, window scale.
	linuxSYNOpts = record.OptMSS | record.OptSACKOK<<4 | record.OptTS<<8 |
		record.OptNOP<<12 | record.OptWScale<<16
	linuxSYNMeta = record.MetaDF | record.MetaHasMSS | record.MetaHasWScale |
		record.MetaHasTS
	// linuxDataOpts is the layout of an established connection's segments:
	// NOP, NOP, timestamps.
	linuxDataOpts = record.OptNOP | record.OptNOP<<4 | record.OptTS<<8
	linuxWindow   = 64240
	linuxTTL      = 64
)

// tcp fills r with a TCP segment without options.
func tcp(r *record.Record, src, dst uint32, sport, dport uint16, seq uint32, flags uint8,
	window uint16, ttl uint8, ipid uint16) {
	*r = record.Record{SrcIP: src, DstIP: dst, SrcPort: sport, DstPort: dport, Seq: seq,
		Flags: flags, Window: window, TTL: ttl, IPID: ipid, Proto: record.ProtoTCP, Family: 4}
}

// linuxSYN fills r with a Linux client's SYN: DF, window 64240, the full
// option layout with MSS 1460 and window scale 7; hops lowers the TTL.
func linuxSYN(r *record.Record, g *rng, src, dst uint32, sport, dport uint16, hops uint8) {
	tcp(r, src, dst, sport, dport, g.u32(), record.FlagSYN, linuxWindow, linuxTTL-hops, g.u16())
	r.OptKinds, r.MSS, r.WScale, r.Meta = linuxSYNOpts, 1460, 7, linuxSYNMeta
}

// linuxSYNACK fills r with a Linux server's answer to a SYN.
func linuxSYNACK(r *record.Record, g *rng, src, dst uint32, sport, dport uint16, hops uint8) {
	tcp(r, src, dst, sport, dport, g.u32(), record.FlagSYN|record.FlagACK, 65160,
		linuxTTL-hops, 0)
	r.OptKinds, r.MSS, r.WScale, r.Meta = linuxSYNOpts, 1460, 7, linuxSYNMeta
}

// linuxSegment fills r with a segment of an established connection; data
// says whether it carries payload.
func linuxSegment(r *record.Record, g *rng, src, dst uint32, sport, dport uint16, flags uint8,
	data bool, hops uint8) {
	tcp(r, src, dst, sport, dport, g.u32(), flags, 502, linuxTTL-hops, g.u16())
	r.OptKinds, r.Meta = linuxDataOpts, record.MetaDF|record.MetaHasTS
	if data {
		r.Meta |= record.MetaPayload
	}
}

// kernelRST fills r with the RST a kernel sends for a segment that fits no
// connection, such as a SYN-ACK to a raw-socket scanner's probe.
func kernelRST(r *record.Record, src, dst uint32, sport, dport uint16, seq uint32) {
	tcp(r, src, dst, sport, dport, seq, record.FlagRST, 0, linuxTTL, 0)
	r.Meta = record.MetaDF
}

// refusal fills r with a closed port's RST-ACK.
func refusal(r *record.Record, src, dst uint32, sport, dport uint16, hops uint8) {
	tcp(r, src, dst, sport, dport, 0, record.FlagRST|record.FlagACK, 0, linuxTTL-hops, 0)
	r.Meta = record.MetaDF
}

// udp fills r with a UDP datagram carrying payload.
func udp(r *record.Record, g *rng, src, dst uint32, sport, dport uint16, hops uint8) {
	*r = record.Record{SrcIP: src, DstIP: dst, SrcPort: sport, DstPort: dport,
		IPID: g.u16(), TTL: linuxTTL - hops, Proto: record.ProtoUDP,
		Meta: record.MetaDF | record.MetaPayload, Family: 4}
}

// ephemeral returns a source port from Linux's default ephemeral range.
func ephemeral(g *rng) uint16 {
	return uint16(g.between(32768, 60999))
}

// queue holds the packets a source owes: the replies its probes drew, the
// rest of a flow. Sources emit from it before starting anything new.
type queue struct {
	r    [4]record.Record
	head uint8
	n    uint8
}

// push appends r; a full queue drops it, as a congested link would.
func (q *queue) push(r *record.Record) {
	if int(q.n) == len(q.r) {
		return
	}
	q.r[(int(q.head)+int(q.n))%len(q.r)] = *r
	q.n++
}

// pop moves the oldest packet into r and reports whether there was one.
func (q *queue) pop(r *record.Record) bool {
	if q.n == 0 {
		return false
	}
	*r = q.r[q.head]
	q.head = uint8((int(q.head) + 1) % len(q.r))
	q.n--
	return true
}
