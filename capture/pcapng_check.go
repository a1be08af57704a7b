package capture

import "scanguard/record"

// Fixed-part sizes of the blocks the guard looks into, header (type and
// length) and trailing length included.
const (
	shbMin = 28 // + byte-order magic, version, section length
	idbMin = 20 // + link type, reserved, snap length
	epbMin = 32 // + interface, timestamp, captured and original length
	pbMin  = 32 // + interface, drops, timestamp, captured and original length
	spbMin = 16 // + original length
	isbMin = 24 // + interface, timestamp
)

// checkBlock checks the body of one whole block b of type typ and updates
// the guard's view of the section's interfaces.
func (g *ngGuard) checkBlock(typ uint32, b []byte) error {
	length := uint32(len(b))
	switch typ {
	case blockSHB:
		if length < shbMin {
			return corrupt("section header of %d bytes", length)
		}
		return g.checkOptions(b, shbMin-4, false)

	case blockIDB:
		if length < idbMin {
			return corrupt("interface block of %d bytes", length)
		}
		if err := g.checkOptions(b, idbMin-4, true); err != nil {
			return err
		}
		snaplen := g.order.Uint32(b[12:16])
		if snaplen > maxCaplen {
			// gopacket sizes its packet buffer from this value; zero means
			// "no limit" and leaves the sizing to each packet's length,
			// which the guard bounds.
			snaplen = 0
			g.order.PutUint32(b[12:16], 0)
		}
		link := record.LinkType(g.order.Uint16(b[8:10]))
		g.ifaces = append(g.ifaces, ngIface{link: link, snaplen: snaplen})
		if !g.seenIface {
			g.seenIface, g.firstLink = true, link
		}
		return nil

	case blockEPB, blockPB:
		if length < epbMin {
			return corrupt("packet block of %d bytes", length)
		}
		id := g.order.Uint32(b[8:12])
		if typ == blockPB {
			id = uint32(g.order.Uint16(b[8:10]))
		}
		if id >= uint32(len(g.ifaces)) {
			return corrupt("packet on interface %d of %d", id, len(g.ifaces))
		}
		if caplen := g.order.Uint32(b[20:24]); caplen > length-epbMin || caplen > maxCaplen {
			return corrupt("captured length %d in a block of %d bytes", caplen, length)
		}
		g.links = append(g.links, g.ifaces[id].link)
		return nil

	case blockSPB:
		if length < spbMin {
			return corrupt("simple packet block of %d bytes", length)
		}
		if len(g.ifaces) == 0 {
			return corrupt("simple packet before any interface")
		}
		// gopacket takes the captured length from the original length,
		// cut to the first interface's snap length.
		caplen := g.order.Uint32(b[8:12])
		if s := g.ifaces[0].snaplen; s != 0 && caplen > s {
			caplen = s
		}
		if caplen > length-spbMin || caplen > maxCaplen {
			return corrupt("simple packet of %d bytes in a block of %d", caplen, length)
		}
		g.links = append(g.links, g.ifaces[0].link)
		return nil

	case blockISB:
		if length < isbMin {
			return corrupt("statistics block of %d bytes", length)
		}
		return g.checkOptions(b, isbMin-4, false)
	}
	return nil
}

// checkOptions checks that the options from offset at tile the block up to
// its trailing length, as gopacket walks them without bounds. For an
// interface block it also checks if_tsresol: gopacket divides by the
// resolution, which overflows to zero past 10^19 or 2^63.
func (g *ngGuard) checkOptions(b []byte, at int, iface bool) error {
	end := len(b) - 4
	for at+4 <= end {
		code := g.order.Uint16(b[at : at+2])
		n := int(g.order.Uint16(b[at+2 : at+4]))
		if code == 0 {
			return nil // end of options; gopacket skips the rest
		}
		next := at + 4 + (n+3)&^3
		if next > end {
			return corrupt("option %d of %d bytes runs past its block", code, n)
		}
		if iface && code == optTsResol {
			if n < 1 {
				return corrupt("empty timestamp resolution")
			}
			v := b[at+4]
			if (v&0x80 != 0 && v&0x7f > 63) || (v&0x80 == 0 && v > 19) {
				return corrupt("timestamp resolution %#x", v)
			}
		}
		at = next
	}
	return nil
}
