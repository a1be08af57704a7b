package record_test

import (
	"encoding/binary"
	"net"
	"testing"

	"github.com/google/gopacket"
	"github.com/google/gopacket/layers"
)

// Addresses of the lab: the scanner and one victim address.
var (
	scannerIP = net.IPv4(198, 18, 0, 1).To4()
	victimIP  = net.IPv4(198, 19, 0, 7).To4()
)

const (
	scannerU32 = 0xc6120001
	victimU32  = 0xc6130007
)

// serialize writes layers with lengths and checksums fixed, as a sender
// would put them on the wire.
func serialize(t testing.TB, ls ...gopacket.SerializableLayer) []byte {
	t.Helper()
	type pseudoHeadered interface {
		SetNetworkLayerForChecksum(gopacket.NetworkLayer) error
	}
	for _, l := range ls {
		if tl, ok := l.(pseudoHeadered); ok {
			for _, n := range ls {
				if ip, ok := n.(*layers.IPv4); ok {
					if err := tl.SetNetworkLayerForChecksum(ip); err != nil {
						t.Fatalf("set network layer: %v", err)
					}
				}
			}
		}
	}
	buf := gopacket.NewSerializeBuffer()
	opts := gopacket.SerializeOptions{FixLengths: true, ComputeChecksums: true}
	if err := gopacket.SerializeLayers(buf, opts, ls...); err != nil {
		t.Fatalf("serialize: %v", err)
	}
	return append([]byte(nil), buf.Bytes()...)
}

// ip4 returns an IPv4 header from the scanner to the victim.
func ip4(proto layers.IPProtocol) *layers.IPv4 {
	return &layers.IPv4{
		Version: 4, TTL: 255, Id: 0xbeef, Protocol: proto,
		SrcIP: scannerIP, DstIP: victimIP,
	}
}

// syn returns a bare SYN like masscan's: window 1024, no options.
func syn() *layers.TCP {
	return &layers.TCP{SrcPort: 61000, DstPort: 80, Seq: 0x01020304, SYN: true, Window: 1024}
}

// linuxSYN returns a SYN like a Linux client's: MSS, SACK-permitted,
// timestamps, NOP, window scale 7.
func linuxSYN() *layers.TCP {
	t := syn()
	t.Window = 64240
	t.Options = []layers.TCPOption{
		{OptionType: layers.TCPOptionKindMSS, OptionLength: 4, OptionData: []byte{0x05, 0xb4}},
		{OptionType: layers.TCPOptionKindSACKPermitted, OptionLength: 2},
		{OptionType: layers.TCPOptionKindTimestamps, OptionLength: 10, OptionData: make([]byte, 8)},
		{OptionType: layers.TCPOptionKindNop, OptionLength: 1},
		{OptionType: layers.TCPOptionKindWindowScale, OptionLength: 3, OptionData: []byte{7}},
	}
	return t
}

// withRawOptions returns a SYN whose option bytes are exactly opts, padded
// with zeros (end of list) to a multiple of four.
func withRawOptions(t testing.TB, opts []byte) []byte {
	t.Helper()
	for len(opts)%4 != 0 {
		opts = append(opts, 0)
	}
	b := serialize(t, ip4(layers.IPProtocolTCP), syn())
	hdr := append([]byte(nil), b[20:40]...)
	hdr[12] = byte((20+len(opts))/4) << 4
	pkt := append(append(append([]byte(nil), b[:20]...), hdr...), opts...)
	binary.BigEndian.PutUint16(pkt[2:4], uint16(len(pkt)))
	return pkt
}

// ether prepends an Ethernet header whose EtherType is types[0]; every
// further type follows a 4-byte VLAN tag, as stacked tags do.
func ether(pkt []byte, types ...uint16) []byte {
	b := []byte{0x6e, 0x9d, 0xeb, 0x75, 0x29, 0x50, 0x02, 0, 0, 0, 0, 1}
	b = binary.BigEndian.AppendUint16(b, types[0])
	for i, tp := range types[1:] {
		b = binary.BigEndian.AppendUint16(b, uint16(100+i)) // TCI: VLAN 100, 101, ...
		b = binary.BigEndian.AppendUint16(b, tp)
	}
	return append(b, pkt...)
}

// sll prepends a Linux cooked (v1) header for an incoming packet.
func sll(pkt []byte, proto uint16) []byte {
	b := []byte{0, 0, 0, 1, 0, 6, 0x02, 0, 0, 0, 0, 1, 0, 0}
	b = binary.BigEndian.AppendUint16(b, proto)
	return append(b, pkt...)
}

// sll2 prepends a Linux cooked v2 header for an incoming packet on
// interface 3.
func sll2(pkt []byte, proto uint16) []byte {
	b := binary.BigEndian.AppendUint16(nil, proto)
	b = append(b, 0, 0, 0, 0, 0, 3, 0, 1, 0, 6, 0x02, 0, 0, 0, 0, 1, 0, 0)
	return append(b, pkt...)
}
