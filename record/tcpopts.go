package record

import "encoding/binary"

// TCP option kinds on the wire (RFC 9293, RFC 7323, RFC 2018).
const (
	tcpOptEOL    = 0
	tcpOptNOP    = 1
	tcpOptMSS    = 2
	tcpOptWScale = 3
	tcpOptSACKOK = 4
	tcpOptSACK   = 5
	tcpOptTS     = 8
)

// parseTCPOptions walks the option list b, records each kind's code in
// r.OptKinds and the values of MSS and window scale in r, and returns the
// Meta bits it learned. It stops at end-of-list or at the first option
// whose length runs past b or is below 2, setting MetaBadOpts in the
// second case. A known kind with the wrong length keeps its code, gives no
// value, and sets MetaBadOpts.
func parseTCPOptions(b []byte, r *Record) uint8 {
	var meta uint8
	var kinds uint32
	n := 0

	for i := 0; i < len(b); {
		kind := b[i]
		size := 1
		var code uint32

		switch kind {
		case tcpOptEOL:
			code = OptEOL
		case tcpOptNOP:
			code = OptNOP
		default:
			if i+1 >= len(b) {
				meta |= MetaBadOpts
				r.OptKinds = kinds
				return meta
			}
			size = int(b[i+1])
			if size < 2 || size > len(b)-i {
				meta |= MetaBadOpts
				r.OptKinds = kinds
				return meta
			}
			var m uint8
			code, m = tcpOptionValue(kind, b[i+2:i+size], r)
			meta |= m
		}

		// Only the first MaxOpts kinds fit; values of later options are
		// still read.
		if n < MaxOpts {
			kinds |= code << (4 * uint(n))
		} else {
			meta |= MetaOptOverflow
		}
		n++

		if kind == tcpOptEOL {
			break
		}
		i += size
	}

	r.OptKinds = kinds
	return meta
}

// tcpOptionValue returns the 4-bit code of an option with a length byte
// and the Meta bits it sets: its Has bit when r now holds its value, or
// MetaBadOpts when its length is not the one its kind requires. v is the
// option's data after kind and length.
func tcpOptionValue(kind uint8, v []byte, r *Record) (uint32, uint8) {
	switch kind {
	case tcpOptMSS:
		if len(v) != 2 {
			return OptMSS, MetaBadOpts
		}
		r.MSS = binary.BigEndian.Uint16(v)
		return OptMSS, MetaHasMSS
	case tcpOptWScale:
		if len(v) != 1 {
			return OptWScale, MetaBadOpts
		}
		r.WScale = v[0]
		return OptWScale, MetaHasWScale
	case tcpOptSACKOK:
		if len(v) != 0 {
			return OptSACKOK, MetaBadOpts
		}
		return OptSACKOK, 0
	case tcpOptSACK:
		// One to four left/right edge pairs of 4 bytes each.
		if len(v) < 8 || len(v) > 32 || len(v)%8 != 0 {
			return OptSACK, MetaBadOpts
		}
		return OptSACK, 0
	case tcpOptTS:
		if len(v) != 8 {
			return OptTS, MetaBadOpts
		}
		return OptTS, MetaHasTS
	}
	return OptUnknown, 0
}
