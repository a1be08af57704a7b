package bench

import (
	"encoding/binary"

	"scanguard/record"
)

// Frames for capture files: Ethernet II, IPv4 without options, and the
// transport header the Record describes, checksums included, so a replay
// through DPDK's net_pcap or a kernel stack sees well-formed packets.

// frameMin is the shortest Ethernet frame without its FCS.
const frameMin = 60

// payloadLen is how much payload a packet with MetaPayload carries. The
// detector only asks whether there is payload, never how much.
const payloadLen = 32

// MaxFrame bounds the length of a frame AppendFrame writes.
const MaxFrame = 14 + 20 + 60 + payloadLen

// Locally administered MAC addresses for the two ends of the link.
var (
	macA = [6]byte{0x02, 0, 0, 0, 0, 0x01}
	macB = [6]byte{0x02, 0, 0, 0, 0, 0x02}
)

// AppendFrame appends the Ethernet frame of r to dst. It writes the TCP
// options r.OptKinds lists, with r.MSS and r.WScale where they apply and
// zeros elsewhere; a layout whose length is not a multiple of four is
// padded with end-of-list bytes, which a parser reads back as one more
// option. Frames shorter than 60 bytes are padded as Ethernet requires.
func AppendFrame(dst []byte, r *record.Record) []byte {
	start := len(dst)
	dst = append(dst, macB[:]...)
	dst = append(dst, macA[:]...)
	dst = append(dst, 0x08, 0x00)

	ip := len(dst)
	dst = append(dst, 0x45, 0, 0, 0, 0, 0, 0, 0, r.TTL, r.Proto, 0, 0)
	dst = binary.BigEndian.AppendUint32(dst, r.SrcIP)
	dst = binary.BigEndian.AppendUint32(dst, r.DstIP)
	binary.BigEndian.PutUint16(dst[ip+4:], r.IPID)
	if r.Meta&record.MetaDF != 0 {
		dst[ip+6] = 0x40
	}

	l4 := len(dst)
	switch r.Proto {
	case record.ProtoTCP:
		dst = appendTCP(dst, r)
	case record.ProtoUDP:
		dst = binary.BigEndian.AppendUint16(dst, r.SrcPort)
		dst = binary.BigEndian.AppendUint16(dst, r.DstPort)
		dst = append(dst, 0, 0, 0, 0)
	case record.ProtoICMP:
		dst = append(dst, byte(r.DstPort>>8), byte(r.DstPort), 0, 0)
		dst = binary.BigEndian.AppendUint16(dst, r.SrcPort)
		dst = append(dst, 0, 1)
	}
	if r.Meta&record.MetaPayload != 0 {
		for i := 0; i < payloadLen; i++ {
			dst = append(dst, byte('a'+i%26))
		}
	}

	// Lengths and checksums now that the packet is complete.
	binary.BigEndian.PutUint16(dst[ip+2:], uint16(len(dst)-ip))
	binary.BigEndian.PutUint16(dst[ip+10:], ^fold(sum(dst[ip:l4], 0)))
	seg := dst[l4:]
	switch r.Proto {
	case record.ProtoTCP:
		binary.BigEndian.PutUint16(seg[16:], ^fold(sum(seg, pseudo(r, len(seg)))))
	case record.ProtoUDP:
		binary.BigEndian.PutUint16(seg[4:], uint16(len(seg)))
		c := ^fold(sum(seg, pseudo(r, len(seg))))
		if c == 0 {
			c = 0xffff // RFC 768: a computed zero is sent as all ones
		}
		binary.BigEndian.PutUint16(seg[6:], c)
	case record.ProtoICMP:
		binary.BigEndian.PutUint16(seg[2:], ^fold(sum(seg, 0)))
	}

	for len(dst)-start < frameMin {
		dst = append(dst, 0)
	}
	return dst
}

// appendTCP appends r's TCP header and options.
func appendTCP(dst []byte, r *record.Record) []byte {
	h := len(dst)
	dst = binary.BigEndian.AppendUint16(dst, r.SrcPort)
	dst = binary.BigEndian.AppendUint16(dst, r.DstPort)
	dst = binary.BigEndian.AppendUint32(dst, r.Seq)
	ack := uint32(0)
	if r.Flags&record.FlagACK != 0 {
		ack = ^r.Seq
	}
	dst = binary.BigEndian.AppendUint32(dst, ack)
	dst = append(dst, 0, r.Flags)
	dst = binary.BigEndian.AppendUint16(dst, r.Window)
	dst = append(dst, 0, 0, 0, 0)

	for i := 0; i < record.MaxOpts; i++ {
		switch r.Opt(i) {
		case record.OptNone:
			i = record.MaxOpts
		case record.OptNOP:
			dst = append(dst, 1)
		case record.OptMSS:
			dst = append(dst, 2, 4, byte(r.MSS>>8), byte(r.MSS))
		case record.OptWScale:
			dst = append(dst, 3, 3, r.WScale)
		case record.OptSACKOK:
			dst = append(dst, 4, 2)
		case record.OptSACK:
			dst = append(dst, 5, 10, 0, 0, 0, 1, 0, 0, 0, 2)
		case record.OptTS:
			dst = append(dst, 8, 10)
			dst = binary.BigEndian.AppendUint32(dst, r.Seq>>8)
			dst = append(dst, 0, 0, 0, 0)
		case record.OptEOL:
			dst = append(dst, 0)
		default:
			// An option kind no parser names: 253 is reserved for
			// experiments (RFC 4727).
			dst = append(dst, 253, 2)
		}
	}
	for (len(dst)-h)%4 != 0 {
		dst = append(dst, 0)
	}
	dst[h+12] = byte((len(dst)-h)/4) << 4
	return dst
}

// pseudo returns the one's-complement sum of r's IPv4 pseudo-header for a
// segment of n bytes (RFC 9293 section 3.1, RFC 768).
func pseudo(r *record.Record, n int) uint32 {
	return r.SrcIP>>16 + r.SrcIP&0xffff + r.DstIP>>16 + r.DstIP&0xffff +
		uint32(r.Proto) + uint32(n)
}

// sum adds b as big-endian 16-bit words to acc (RFC 1071).
func sum(b []byte, acc uint32) uint32 {
	for len(b) >= 2 {
		acc += uint32(b[0])<<8 | uint32(b[1])
		b = b[2:]
	}
	if len(b) == 1 {
		acc += uint32(b[0]) << 8
	}
	return acc
}

// fold folds a 32-bit one's-complement sum into 16 bits.
func fold(acc uint32) uint16 {
	for acc>>16 != 0 {
		acc = acc&0xffff + acc>>16
	}
	return uint16(acc)
}
