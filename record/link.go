package record

import "strconv"

// LinkType is a pcap LINKTYPE_ value: it says what precedes the network
// header in a frame. Capture files store it in their header (pcap) or per
// interface (pcapng); live sources know it from the socket or port.
type LinkType uint16

// Link types the parser understands.
const (
	// LinkEthernet is Ethernet II, with any number of 802.1Q (0x8100) or
	// QinQ (0x88a8, 0x9100) tags before the EtherType.
	LinkEthernet LinkType = 1
	// LinkRawLegacy is DLT_RAW as some older writers put it in the file
	// header (12): the frame starts with an IPv4 or IPv6 header.
	LinkRawLegacy LinkType = 12
	// LinkRaw is raw IP (101): the frame starts with an IPv4 or IPv6 header.
	LinkRaw LinkType = 101
	// LinkLinuxSLL is the Linux cooked header (113) that `tcpdump -i any`
	// wrote before libpcap 1.10: 16 bytes, EtherType in bytes 14-15.
	LinkLinuxSLL LinkType = 113
	// LinkIPv4 is raw IPv4 only (228).
	LinkIPv4 LinkType = 228
	// LinkIPv6 is raw IPv6 only (229); its frames are counted as IPv6.
	LinkIPv6 LinkType = 229
	// LinkLinuxSLL2 is the Linux cooked header v2 (276) that `tcpdump -i any`
	// writes since libpcap 1.10: 20 bytes, EtherType in bytes 0-1.
	LinkLinuxSLL2 LinkType = 276
)

// Supported reports whether Parse understands frames of this link type.
// Frames of any other type are counted in Counters.UnknownLink.
func (l LinkType) Supported() bool {
	switch l {
	case LinkEthernet, LinkRawLegacy, LinkRaw, LinkLinuxSLL, LinkIPv4, LinkIPv6,
		LinkLinuxSLL2:
		return true
	}
	return false
}

// String returns the link type's usual name, or "linktype(N)" for a type
// the parser does not know.
func (l LinkType) String() string {
	switch l {
	case LinkEthernet:
		return "ethernet"
	case LinkRawLegacy, LinkRaw:
		return "raw"
	case LinkLinuxSLL:
		return "linux_sll"
	case LinkIPv4:
		return "ipv4"
	case LinkIPv6:
		return "ipv6"
	case LinkLinuxSLL2:
		return "linux_sll2"
	}
	return "linktype(" + strconv.Itoa(int(l)) + ")"
}
