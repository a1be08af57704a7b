package netflow

// penReverse is the enterprise number under which RFC 5103 defines the
// reverse-direction counterparts of the IANA elements: a biflow record
// (softflowd -b, many IPFIX meters) carries both directions of a flow, the
// reverse one's counters under this number.
const penReverse = 29305

// reverseFields collects the reverse direction of a biflow record.
type reverseFields struct {
	packets, bytes uint64
	flags          uint8
	icmp           uint16
	hasICMP        bool
}

// add notes one reverse element.
func (rv *reverseFields) add(ie uint16, v uint64) {
	switch ie {
	case iePacketDelta, iePacketTotal:
		rv.packets = v
	case ieOctetDelta, ieOctetTotal:
		rv.bytes = v
	case ieTCPFlags:
		rv.flags = uint8(v)
	case ieICMPTypeCode, ieICMPTypeCode6:
		rv.icmp, rv.hasICMP = uint16(v), true
	}
}

// fill makes rev the reverse direction of f when the record counted
// packets that way: addresses and ports swapped, the biflow's times, and
// the reverse counters. A record without them leaves rev with no packets.
func (rv *reverseFields) fill(f, rev *Flow) {
	if rv.packets == 0 {
		return
	}
	*rev = Flow{
		StartNs: f.StartNs, EndNs: f.EndNs, Packets: rv.packets, Bytes: rv.bytes,
		SrcIP: f.DstIP, DstIP: f.SrcIP, SrcPort: f.DstPort, DstPort: f.SrcPort,
		Sampling: f.Sampling, Proto: f.Proto, TCPFlags: rv.flags,
	}
	if f.Proto == 1 {
		// The forward ICMP type says nothing of the answer's.
		rev.SrcPort, rev.DstPort = 0, 0
		if rv.hasICMP {
			rev.DstPort = rv.icmp
		}
	}
}
