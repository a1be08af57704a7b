// Package record defines the Record, the fixed-size value every packet source
// turns a frame into, and the parser that fills it.
//
// A Record holds no pointers, so slices of Records can live in rings shared
// with C and be copied without the garbage collector looking at them.
package record

import "unsafe"

// IP protocol numbers carried in Record.Proto.
const (
	ProtoICMP = 1
	ProtoTCP  = 6
	ProtoUDP  = 17
)

// TCP flag bits as they appear in byte 13 of the TCP header.
const (
	FlagFIN = 0x01
	FlagSYN = 0x02
	FlagRST = 0x04
	FlagPSH = 0x08
	FlagACK = 0x10
	FlagURG = 0x20
	FlagECE = 0x40
	FlagCWR = 0x80
)

// Bits of Record.Meta.
const (
	// MetaDF is the IPv4 Don't Fragment bit.
	MetaDF = 1 << iota
	// MetaIPOptions says the IPv4 header carried options.
	MetaIPOptions
	// MetaPayload says the transport segment carried payload bytes.
	MetaPayload
	// MetaOptOverflow says the TCP header had more options than OptKinds holds.
	MetaOptOverflow
	// MetaBadOpts says the TCP option list was malformed (a length running
	// past the header); the options parsed before the fault are kept.
	MetaBadOpts
	// MetaHasMSS says an MSS option was present; Record.MSS holds its value.
	MetaHasMSS
	// MetaHasWScale says a window-scale option was present.
	MetaHasWScale
	// MetaHasTS says a timestamp option was present.
	MetaHasTS
)

// Option codes packed four bits each into Record.OptKinds, first option in
// the lowest nibble. Zero means "no more options", so the end-of-list option
// gets its own code.
const (
	OptNone    = 0x0
	OptNOP     = 0x1
	OptMSS     = 0x2
	OptWScale  = 0x3
	OptSACKOK  = 0x4
	OptSACK    = 0x5
	OptTS      = 0x8
	OptEOL     = 0xe
	OptUnknown = 0xf
	// MaxOpts is how many option kinds OptKinds holds.
	MaxOpts = 8
)

// Record is one IPv4 packet reduced to the fields detection reads.
//
// For TCP every field has its header meaning. For UDP, Seq, Window, Flags
// and the option fields are zero. For ICMP, SrcPort holds the echo
// identifier and DstPort holds type<<8 | code.
type Record struct {
	TsNs     int64  // capture or receive time, ns since the Unix epoch
	SrcIP    uint32 // IPv4 source, host byte order
	DstIP    uint32 // IPv4 destination, host byte order
	SrcPort  uint16
	DstPort  uint16
	Seq      uint32 // TCP sequence number
	OptKinds uint32 // TCP option kinds in order, 4-bit codes, first lowest
	IPID     uint16 // IPv4 identification
	Window   uint16 // TCP window, unscaled
	MSS      uint16 // MSS option value when MetaHasMSS is set
	TTL      uint8
	Flags    uint8 // TCP flags
	WScale   uint8 // window-scale shift when MetaHasWScale is set
	Proto    uint8 // IP protocol
	Meta     uint8 // Meta* bits
	Family   uint8 // 4 for IPv4; other values are reserved for IPv6 keys
}

// Size is the size of a Record in bytes; tests assert it does not grow.
const Size = int(unsafe.Sizeof(Record{}))

// IsProbe reports whether the packet is something a scanner sends to learn
// about a target: TCP without ACK or RST (SYN, FIN, NULL and Xmas probes), a
// bare ACK or FIN-ACK with neither options nor data (nmap's ACK, window and
// Maimon probes: a Linux stack puts a timestamp option on every ACK), a UDP
// datagram, or an ICMP echo, timestamp or address-mask request.
func (r *Record) IsProbe() bool {
	switch r.Proto {
	case ProtoTCP:
		if r.Flags&(FlagACK|FlagRST) == 0 {
			return true
		}
		return r.Flags&(FlagSYN|FlagRST|FlagPSH|FlagURG) == 0 &&
			r.OptKinds == 0 && r.Meta&(MetaPayload|MetaOptOverflow) == 0
	case ProtoUDP:
		return !r.isUDPReply()
	case ProtoICMP:
		t := r.DstPort >> 8
		return t == 8 || t == 13 || t == 17
	}
	return false
}

// isUDPReply reports whether a UDP datagram goes from a well-known service
// port to an ephemeral one, as a DNS or NTP answer does. Without it, every
// resolver answering its clients would look like a UDP prober.
func (r *Record) isUDPReply() bool {
	return r.SrcPort < 1024 && r.DstPort >= 1024
}

// IsSYN reports whether the packet is a bare TCP SYN (no ACK, RST or FIN).
func (r *Record) IsSYN() bool {
	return r.Proto == ProtoTCP && r.Flags&(FlagSYN|FlagACK|FlagRST|FlagFIN) == FlagSYN
}

// IsReply reports whether the packet answers a probe: a SYN-ACK, a RST-ACK, a
// UDP datagram from a well-known port to an ephemeral one, or an ICMP echo
// reply, unreachable or time-exceeded. Replies are keyed by their destination,
// the prober, so that they reach the same shard as the probes.
func (r *Record) IsReply() bool {
	switch r.Proto {
	case ProtoTCP:
		// A RST with ACK refuses a probe; a bare RST is what a prober's
		// side sends to a SYN-ACK it did not expect (masscan's own, or a
		// raw-socket scanner's kernel), so it stays with its source.
		return r.Flags&(FlagRST|FlagACK) == FlagRST|FlagACK ||
			r.Flags&(FlagSYN|FlagACK) == FlagSYN|FlagACK
	case ProtoUDP:
		return r.isUDPReply()
	case ProtoICMP:
		t := r.DstPort >> 8
		return t == 0 || t == 3 || t == 11
	}
	return false
}

// Key returns the address whose state the packet updates: the prober's. For
// a reply that is the destination, for anything else the source.
func (r *Record) Key() uint32 {
	if r.IsReply() {
		return r.DstIP
	}
	return r.SrcIP
}

// Opt returns the i-th option code (0-based) of OptKinds, or OptNone.
func (r *Record) Opt(i int) uint8 {
	return uint8(r.OptKinds>>(4*uint(i))) & 0xf
}
