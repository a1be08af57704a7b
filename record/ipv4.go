package record

import "encoding/binary"

// Minimal header sizes (RFC 791, RFC 9293, RFC 768, RFC 792).
const (
	ipv4MinLen = 20
	tcpMinLen  = 20
	udpLen     = 8
	icmpLen    = 8
)

// IPv4 flag and fragment-offset bits of bytes 6-7.
const (
	ipv4DF         = 0x4000
	ipv4FragOffset = 0x1fff
)

// ipv4 parses an IPv4 header and its transport header; b starts at the IP
// header and may run past the packet (Ethernet padding) or stop short of it
// (snap length).
func (p *Parser) ipv4(b []byte, tsNs int64, r *Record) bool {
	p.IPv4++
	if len(b) < ipv4MinLen {
		p.Truncated++
		return false
	}

	vihl := b[0]
	hlen := int(vihl&0x0f) * 4
	total := int(binary.BigEndian.Uint16(b[2:4]))
	if total == 0 {
		// A sender capturing its own TSO/GSO super-packets sees a zero
		// total length; the capture is then the packet.
		total = len(b)
	}
	if vihl>>4 != 4 || hlen < ipv4MinLen || total < hlen {
		p.Malformed++
		return false
	}
	if hlen > len(b) {
		p.Truncated++
		return false
	}

	// Fragments past the first carry no transport header. The first one
	// does, and is parsed like a whole packet.
	ff := binary.BigEndian.Uint16(b[6:8])
	if ff&ipv4FragOffset != 0 {
		p.Fragments++
		return false
	}

	var meta uint8
	if ff&ipv4DF != 0 {
		meta |= MetaDF
	}
	if hlen > ipv4MinLen {
		meta |= MetaIPOptions
	}

	// seg is the captured part of the transport segment, without link
	// padding; segLen is its length according to the IP header.
	segLen := total - hlen
	seg := b[hlen:]
	if len(seg) > segLen {
		seg = seg[:segLen]
	}

	*r = Record{
		TsNs:   tsNs,
		SrcIP:  binary.BigEndian.Uint32(b[12:16]),
		DstIP:  binary.BigEndian.Uint32(b[16:20]),
		IPID:   binary.BigEndian.Uint16(b[4:6]),
		TTL:    b[8],
		Proto:  b[9],
		Family: 4,
	}

	switch b[9] {
	case ProtoTCP:
		return p.tcp(seg, segLen, meta, r)
	case ProtoUDP:
		return p.udp(seg, segLen, meta, r)
	case ProtoICMP:
		return p.icmp(seg, segLen, meta, r)
	}
	p.OtherL4++
	return false
}

// short counts a transport header that is missing: Malformed when the IP
// length leaves no room for it, Truncated when only the capture cut it.
func (p *Parser) short(segLen, need int) bool {
	if segLen < need {
		p.Malformed++
	} else {
		p.Truncated++
	}
	return false
}

// tcp fills the TCP fields of r from seg.
func (p *Parser) tcp(seg []byte, segLen int, meta uint8, r *Record) bool {
	if len(seg) < tcpMinLen {
		return p.short(segLen, tcpMinLen)
	}
	doff := int(seg[12]>>4) * 4
	if doff < tcpMinLen || doff > segLen {
		p.Malformed++
		return false
	}

	r.SrcPort = binary.BigEndian.Uint16(seg[0:2])
	r.DstPort = binary.BigEndian.Uint16(seg[2:4])
	r.Seq = binary.BigEndian.Uint32(seg[4:8])
	r.Flags = seg[13]
	r.Window = binary.BigEndian.Uint16(seg[14:16])
	if segLen > doff {
		meta |= MetaPayload
	}

	// Options cut off by the snap length are parsed as far as they go and
	// flagged like a malformed list: the detector sees the SYN either way.
	opts := seg[tcpMinLen:]
	if doff <= len(seg) {
		opts = seg[tcpMinLen:doff]
	} else {
		meta |= MetaBadOpts
	}
	if len(opts) > 0 {
		meta |= parseTCPOptions(opts, r)
	}

	r.Meta = meta
	p.TCP++
	return true
}

// udp fills the UDP fields of r from seg.
func (p *Parser) udp(seg []byte, segLen int, meta uint8, r *Record) bool {
	if len(seg) < udpLen {
		return p.short(segLen, udpLen)
	}
	r.SrcPort = binary.BigEndian.Uint16(seg[0:2])
	r.DstPort = binary.BigEndian.Uint16(seg[2:4])
	if segLen > udpLen {
		meta |= MetaPayload
	}
	r.Meta = meta
	p.UDP++
	return true
}

// icmp fills the ICMP fields of r from seg: DstPort is type<<8 | code and
// SrcPort the identifier of the message types that carry one.
func (p *Parser) icmp(seg []byte, segLen int, meta uint8, r *Record) bool {
	if len(seg) < icmpLen {
		return p.short(segLen, icmpLen)
	}
	typ := seg[0]
	r.DstPort = uint16(typ)<<8 | uint16(seg[1])
	if icmpHasID(typ) {
		r.SrcPort = binary.BigEndian.Uint16(seg[4:6])
	}
	if segLen > icmpLen {
		meta |= MetaPayload
	}
	r.Meta = meta
	p.ICMP++
	return true
}

// icmpHasID reports whether an ICMP type carries an identifier in bytes
// 4-5: echo (0, 8), timestamp (13, 14), information (15, 16) and address
// mask (17, 18) requests and replies.
func icmpHasID(typ uint8) bool {
	switch typ {
	case 0, 8, 13, 14, 15, 16, 17, 18:
		return true
	}
	return false
}
