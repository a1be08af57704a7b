package record_test

import (
	"encoding/binary"
	"testing"

	"github.com/google/gopacket"
	"github.com/google/gopacket/layers"

	"scanguard/record"
)

func ipCases(t *testing.T) []parseCase {
	withOpts := ip4(layers.IPProtocolTCP)
	withOpts.Options = []layers.IPv4Option{
		{OptionType: 0x94, OptionLength: 4, OptionData: []byte{0, 0}}, // router alert
	}
	optsRec := synRecord()
	optsRec.Meta = record.MetaIPOptions

	payload := gopacket.Payload(make([]byte, 100))
	payRec := synRecord()
	payRec.Meta = record.MetaPayload
	full := serialize(t, ip4(layers.IPProtocolTCP), syn(), payload)

	tso := append([]byte(nil), full...)
	tso[2], tso[3] = 0, 0

	df := ip4(layers.IPProtocolTCP)
	df.Flags = layers.IPv4DontFragment
	dfRec := synRecord()
	dfRec.Meta = record.MetaDF

	first := ip4(layers.IPProtocolTCP)
	first.Flags = layers.IPv4MoreFragments

	return []parseCase{
		{"IPv4 options", serialize(t, withOpts, syn()), record.LinkRaw, &optsRec, tcpCount},
		{"payload", full, record.LinkRaw, &payRec, tcpCount},
		{"payload beyond the snap length", full[:40], record.LinkRaw, &payRec, tcpCount},
		{"TSO zero total length", tso, record.LinkRaw, &payRec, tcpCount},
		{"DF", serialize(t, df, syn()), record.LinkRaw, &dfRec, tcpCount},
		{"first fragment", serialize(t, first, syn()), record.LinkRaw, ptr(synRecord()),
			tcpCount},
	}
}

func otherProtoCases(t *testing.T) []parseCase {
	base := record.Record{
		TsNs: testTs, SrcIP: scannerU32, DstIP: victimU32, IPID: 0xbeef, TTL: 255, Family: 4,
	}
	dns := base
	dns.Proto, dns.SrcPort, dns.DstPort, dns.Meta = record.ProtoUDP, 53, 40000, record.MetaPayload
	empty := base
	empty.Proto, empty.SrcPort, empty.DstPort = record.ProtoUDP, 40000, 161
	echo := base
	echo.Proto, echo.SrcPort, echo.DstPort, echo.Meta = record.ProtoICMP, 0x1234, 0x0800,
		record.MetaPayload
	unreach := base
	unreach.Proto, unreach.DstPort = record.ProtoICMP, 0x0303

	return []parseCase{
		{"UDP with payload", serialize(t, ip4(layers.IPProtocolUDP),
			&layers.UDP{SrcPort: 53, DstPort: 40000}, gopacket.Payload("answer")),
			record.LinkRaw, &dns, udpCount},
		{"UDP without payload", serialize(t, ip4(layers.IPProtocolUDP),
			&layers.UDP{SrcPort: 40000, DstPort: 161}),
			record.LinkRaw, &empty, udpCount},
		{"ICMP echo request", serialize(t, ip4(layers.IPProtocolICMPv4),
			&layers.ICMPv4{TypeCode: layers.CreateICMPv4TypeCode(8, 0), Id: 0x1234, Seq: 1},
			gopacket.Payload("ping")),
			record.LinkRaw, &echo, icmpCount},
		{"ICMP port unreachable has no identifier", serialize(t, ip4(layers.IPProtocolICMPv4),
			&layers.ICMPv4{TypeCode: layers.CreateICMPv4TypeCode(3, 3), Id: 0x1234}),
			record.LinkRaw, &unreach, icmpCount},
	}
}

func skipCases(t *testing.T) []parseCase {
	synIP := serialize(t, ip4(layers.IPProtocolTCP), syn())
	udpIP := serialize(t, ip4(layers.IPProtocolUDP), &layers.UDP{SrcPort: 1, DstPort: 2})
	patch := func(b []byte, at int, v ...byte) []byte {
		b = append([]byte(nil), b...)
		copy(b[at:], v)
		return b
	}
	frag := ip4(layers.IPProtocolTCP)
	frag.FragOffset = 185
	gre := serialize(t, ip4(layers.IPProtocolGRE), gopacket.Payload(make([]byte, 8)))
	v6 := make([]byte, 40)
	v6[0] = 0x60

	shortTCPLen := patch(synIP, 2, 0, 30) // total length leaves 10 bytes for TCP
	shortUDPLen := patch(udpIP, 2, 0, 24)
	binary.BigEndian.PutUint16(shortUDPLen[10:], 0)

	skip := func(c record.Counters) record.Counters {
		c.Frames = 1
		return c
	}
	return []parseCase{
		{"IPv6", ether(v6, 0x86dd), record.LinkEthernet, nil, skip(record.Counters{IPv6: 1})},
		{"raw IPv6", v6, record.LinkRaw, nil, skip(record.Counters{IPv6: 1})},
		{"ARP", ether(make([]byte, 28), 0x0806), record.LinkEthernet, nil,
			skip(record.Counters{ARP: 1})},
		{"LLDP", ether(make([]byte, 28), 0x88cc), record.LinkEthernet, nil,
			skip(record.Counters{OtherL3: 1})},
		{"802.3 length field", ether(make([]byte, 46), 46), record.LinkEthernet, nil,
			skip(record.Counters{OtherL3: 1})},
		{"GRE", gre, record.LinkRaw, nil, skip(record.Counters{IPv4: 1, OtherL4: 1})},
		{"fragment past the first", serialize(t, frag, gopacket.Payload(make([]byte, 8))),
			record.LinkRaw, nil, skip(record.Counters{IPv4: 1, Fragments: 1})},
		{"short Ethernet", make([]byte, 13), record.LinkEthernet, nil,
			skip(record.Counters{Truncated: 1})},
		{"VLAN tag cut", ether([]byte{0, 100}, 0x8100), record.LinkEthernet, nil,
			skip(record.Counters{Truncated: 1})},
		{"short SLL", make([]byte, 15), record.LinkLinuxSLL, nil,
			skip(record.Counters{Truncated: 1})},
		{"short SLL2", make([]byte, 19), record.LinkLinuxSLL2, nil,
			skip(record.Counters{Truncated: 1})},
		{"empty raw frame", nil, record.LinkRaw, nil, skip(record.Counters{Truncated: 1})},
		{"raw IP version 5", patch(synIP, 0, 0x55), record.LinkRaw, nil,
			skip(record.Counters{Malformed: 1})},
		{"IPv4 EtherType, version 6", ether(patch(synIP, 0, 0x65), 0x0800),
			record.LinkEthernet, nil, skip(record.Counters{IPv4: 1, Malformed: 1})},
		{"short IPv4", synIP[:19], record.LinkIPv4, nil,
			skip(record.Counters{IPv4: 1, Truncated: 1})},
		{"IHL 4", patch(synIP, 0, 0x44), record.LinkRaw, nil,
			skip(record.Counters{IPv4: 1, Malformed: 1})},
		{"total length below IHL", patch(synIP, 2, 0, 16), record.LinkRaw, nil,
			skip(record.Counters{IPv4: 1, Malformed: 1})},
		{"IP options cut", patch(synIP[:22], 0, 0x4f, 0, 0, 80), record.LinkRaw, nil,
			skip(record.Counters{IPv4: 1, Truncated: 1})},
		{"TCP data offset 4", patch(synIP, 32, 0x40), record.LinkRaw, nil,
			skip(record.Counters{IPv4: 1, Malformed: 1})},
		{"TCP data offset past the IP length", patch(synIP, 32, 0x60), record.LinkRaw, nil,
			skip(record.Counters{IPv4: 1, Malformed: 1})},
		{"TCP header cut", synIP[:30], record.LinkRaw, nil,
			skip(record.Counters{IPv4: 1, Truncated: 1})},
		{"IP length too short for TCP", shortTCPLen, record.LinkRaw, nil,
			skip(record.Counters{IPv4: 1, Malformed: 1})},
		{"IP length too short for UDP", shortUDPLen, record.LinkRaw, nil,
			skip(record.Counters{IPv4: 1, Malformed: 1})},
		{"unknown link type", synIP, record.LinkType(105), nil,
			skip(record.Counters{UnknownLink: 1})},
	}
}

func ptr(r record.Record) *record.Record { return &r }
