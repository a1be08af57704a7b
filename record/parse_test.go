package record_test

import (
	"testing"

	"github.com/google/gopacket/layers"

	"scanguard/record"
)

const testTs = 1_700_000_000_123_456_789

// synRecord is the Record of syn() inside ip4().
func synRecord() record.Record {
	return record.Record{
		TsNs: testTs, SrcIP: scannerU32, DstIP: victimU32, SrcPort: 61000, DstPort: 80,
		Seq: 0x01020304, IPID: 0xbeef, Window: 1024, TTL: 255, Flags: record.FlagSYN,
		Proto: record.ProtoTCP, Family: 4,
	}
}

type parseCase struct {
	name  string
	frame []byte
	link  record.LinkType
	want  *record.Record // nil when the frame must be skipped
	count record.Counters
}

func TestParse(t *testing.T) {
	for _, tc := range parseCases(t) {
		t.Run(tc.name, func(t *testing.T) {
			var p record.Parser
			var got record.Record
			ok := p.Parse(tc.frame, tc.link, testTs, &got)
			if ok != (tc.want != nil) {
				t.Fatalf("Parse = %v, want %v (counters %+v)", ok, tc.want != nil, p.Counters)
			}
			if ok && got != *tc.want {
				t.Errorf("record\n got %+v\nwant %+v", got, *tc.want)
			}
			if p.Counters != tc.count {
				t.Errorf("counters\n got %+v\nwant %+v", p.Counters, tc.count)
			}
		})
	}
}

// tcpCount, udpCount... are the counters after one frame of that outcome.
var (
	tcpCount  = record.Counters{Frames: 1, IPv4: 1, TCP: 1}
	udpCount  = record.Counters{Frames: 1, IPv4: 1, UDP: 1}
	icmpCount = record.Counters{Frames: 1, IPv4: 1, ICMP: 1}
)

func parseCases(t *testing.T) []parseCase {
	synIP := serialize(t, ip4(layers.IPProtocolTCP), syn())
	eth := &layers.Ethernet{
		SrcMAC: []byte{2, 0, 0, 0, 0, 1}, DstMAC: []byte{2, 0, 0, 0, 0, 2},
		EthernetType: layers.EthernetTypeIPv4,
	}
	want := synRecord()

	cases := []parseCase{
		{"masscan SYN, padded to 60 bytes",
			serialize(t, eth, ip4(layers.IPProtocolTCP), syn()), record.LinkEthernet,
			&want, tcpCount},
		{"802.1Q", ether(synIP, 0x8100, 0x0800), record.LinkEthernet, &want, tcpCount},
		{"QinQ 88a8 over 8100", ether(synIP, 0x88a8, 0x8100, 0x0800), record.LinkEthernet,
			&want, tcpCount},
		{"QinQ 9100 over 8100", ether(synIP, 0x9100, 0x8100, 0x0800), record.LinkEthernet,
			&want, tcpCount},
		{"Linux cooked", sll(synIP, 0x0800), record.LinkLinuxSLL, &want, tcpCount},
		{"Linux cooked v2", sll2(synIP, 0x0800), record.LinkLinuxSLL2, &want, tcpCount},
		{"Linux cooked with a VLAN tag", sll(append([]byte{0, 100, 8, 0}, synIP...), 0x8100),
			record.LinkLinuxSLL, &want, tcpCount},
		{"raw 101", synIP, record.LinkRaw, &want, tcpCount},
		{"raw 12", synIP, record.LinkRawLegacy, &want, tcpCount},
		{"raw IPv4 228", synIP, record.LinkIPv4, &want, tcpCount},
	}
	cases = append(cases, optionCases(t)...)
	cases = append(cases, ipCases(t)...)
	cases = append(cases, otherProtoCases(t)...)
	return append(cases, skipCases(t)...)
}

func optionCases(t *testing.T) []parseCase {
	linux := synRecord()
	linux.Window = 64240
	linux.OptKinds = 0x31842 // MSS, SACKOK, TS, NOP, WS
	linux.MSS = 1460
	linux.WScale = 7
	linux.Meta = record.MetaHasMSS | record.MetaHasWScale | record.MetaHasTS

	eol := synRecord()
	eol.OptKinds = 0xe2 // MSS then end of list
	eol.MSS = 1460
	eol.Meta = record.MetaHasMSS

	overflow := synRecord()
	overflow.OptKinds = 0x11111111
	overflow.MSS = 536
	overflow.Meta = record.MetaOptOverflow | record.MetaHasMSS

	unknown := synRecord()
	unknown.OptKinds = 0x11f4 // SACKOK, kind 30, NOP, NOP
	badLen := synRecord()
	badLen.OptKinds = 0xe32 // MSS of length 3, WS, end of list
	badLen.WScale = 14
	badLen.Meta = record.MetaBadOpts | record.MetaHasWScale
	pastEnd := synRecord()
	pastEnd.OptKinds = 0x11 // NOP NOP, then a TS whose length runs past the header
	pastEnd.Meta = record.MetaBadOpts
	zeroLen := synRecord()
	zeroLen.OptKinds = 0x1
	zeroLen.Meta = record.MetaBadOpts
	sack := synRecord()
	sack.OptKinds = 0x511
	cut := synRecord()
	cut.OptKinds = 0x2
	cut.MSS = 1460
	cut.Meta = record.MetaHasMSS | record.MetaBadOpts

	cutFrame := withRawOptions(t, []byte{2, 4, 5, 180, 1, 1, 1, 1, 1, 1, 1, 1})
	cutFrame = cutFrame[:20+24]

	return []parseCase{
		{"Linux client SYN options", serialize(t, ip4(layers.IPProtocolTCP), linuxSYN()),
			record.LinkRaw, &linux, tcpCount},
		{"end of list stops the walk",
			withRawOptions(t, []byte{2, 4, 5, 180, 0, 2, 4, 1, 0x90, 0, 0, 0}),
			record.LinkRaw, &eol, tcpCount},
		{"more than eight options",
			withRawOptions(t, []byte{1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 4, 2, 24}),
			record.LinkRaw, &overflow, tcpCount},
		{"unknown kind", withRawOptions(t, []byte{4, 2, 30, 4, 0, 0, 1, 1}),
			record.LinkRaw, &unknown, tcpCount},
		{"MSS with a wrong length", withRawOptions(t, []byte{2, 3, 5, 3, 3, 14, 0, 0}),
			record.LinkRaw, &badLen, tcpCount},
		{"length past the header", withRawOptions(t, []byte{1, 1, 8, 10, 0, 0, 0, 0}),
			record.LinkRaw, &pastEnd, tcpCount},
		{"length below two", withRawOptions(t, []byte{1, 5, 0, 0}),
			record.LinkRaw, &zeroLen, tcpCount},
		{"SACK blocks", withRawOptions(t, []byte{1, 1, 5, 10, 0, 0, 0, 1, 0, 0, 0, 2}),
			record.LinkRaw, &sack, tcpCount},
		{"options cut by the snap length", cutFrame, record.LinkRaw, &cut, tcpCount},
	}
}
