package record

import "encoding/binary"

// EtherTypes the parser tells apart.
const (
	etherIPv4  = 0x0800
	etherARP   = 0x0806
	etherVLAN  = 0x8100 // 802.1Q customer tag
	etherQinQ  = 0x88a8 // 802.1ad service tag
	etherQinQ1 = 0x9100 // pre-standard service tag still sent by some switches
	etherIPv6  = 0x86dd
)

// Header sizes of the link layers.
const (
	ethernetLen = 14
	vlanTagLen  = 4
	sllLen      = 16
	sll2Len     = 20
)

// Parser turns frames into Records and counts what it skipped.
//
// The zero value is ready to use. A Parser is not safe for concurrent use:
// give each worker its own and merge their Counters with Counters.Add.
type Parser struct {
	Counters
}

// Parse fills r from one frame of the given link type captured at tsNs
// (ns since the Unix epoch) and reports whether it did. It fills r only for
// IPv4 TCP, UDP and ICMP; any other frame is counted by kind in p.Counters
// and r is left in an unspecified state.
//
// Parse reads the frame in place, never allocates, and never panics,
// whatever the bytes: a frame cut short or with impossible header fields
// is counted as Truncated or Malformed. The transport payload is judged
// from the IPv4 total length, not from the captured length, so frames cut
// by a small snap length still report MetaPayload.
func (p *Parser) Parse(frame []byte, link LinkType, tsNs int64, r *Record) bool {
	p.Frames++

	switch link {
	case LinkEthernet:
		if len(frame) < ethernetLen {
			p.Truncated++
			return false
		}
		return p.network(binary.BigEndian.Uint16(frame[12:14]), frame[ethernetLen:], tsNs, r)

	case LinkLinuxSLL:
		// Packet type, ARPHRD type, address length and an 8-byte address
		// come first; the protocol is an EtherType for every device that
		// carries IP.
		if len(frame) < sllLen {
			p.Truncated++
			return false
		}
		return p.network(binary.BigEndian.Uint16(frame[14:16]), frame[sllLen:], tsNs, r)

	case LinkLinuxSLL2:
		// Version 2 moves the protocol to the front and adds the
		// interface index.
		if len(frame) < sll2Len {
			p.Truncated++
			return false
		}
		return p.network(binary.BigEndian.Uint16(frame[0:2]), frame[sll2Len:], tsNs, r)

	case LinkRaw, LinkRawLegacy:
		// Raw IP has no link header: the IP version nibble says which.
		if len(frame) == 0 {
			p.Truncated++
			return false
		}
		switch frame[0] >> 4 {
		case 4:
			return p.ipv4(frame, tsNs, r)
		case 6:
			p.IPv6++
		default:
			p.Malformed++
		}
		return false

	case LinkIPv4:
		return p.ipv4(frame, tsNs, r)

	case LinkIPv6:
		p.IPv6++
		return false
	}

	p.UnknownLink++
	return false
}

// network dispatches on the EtherType after stripping any VLAN tags; b
// starts right after the EtherType field.
func (p *Parser) network(etype uint16, b []byte, tsNs int64, r *Record) bool {
	// Stacked tags (QinQ) are peeled one at a time; each costs four bytes,
	// so the loop ends with the frame.
	for etype == etherVLAN || etype == etherQinQ || etype == etherQinQ1 {
		if len(b) < vlanTagLen {
			p.Truncated++
			return false
		}
		etype = binary.BigEndian.Uint16(b[2:4])
		b = b[vlanTagLen:]
	}

	switch etype {
	case etherIPv4:
		return p.ipv4(b, tsNs, r)
	case etherIPv6:
		p.IPv6++
	case etherARP:
		p.ARP++
	default:
		p.OtherL3++
	}
	return false
}

// ParseBurst parses frames[i], captured at ts[i], and appends a Record to
// out for each frame that Parse fills, in frame order; skipped frames leave
// no gap. A missing ts entry counts as time 0. It allocates only when out
// has no room left, so a caller that keeps one slice of capacity
// len(frames) and passes out[:0] allocates nothing.
func (p *Parser) ParseBurst(frames [][]byte, ts []int64, link LinkType, out []Record) []Record {
	for i, f := range frames {
		var tsNs int64
		if i < len(ts) {
			tsNs = ts[i]
		}

		n := len(out)
		if n < cap(out) {
			out = out[:n+1]
		} else {
			out = append(out, Record{})
		}
		if !p.Parse(f, link, tsNs, &out[n]) {
			out = out[:n]
		}
	}
	return out
}
