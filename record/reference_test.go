package record_test

import (
	"encoding/binary"

	"github.com/google/gopacket"
	"github.com/google/gopacket/layers"

	"scanguard/record"
)

// refDecoder decodes frames with gopacket's own layers, stopping at the
// transport header, and derives the Record the parser should produce. It
// is the independent reading the parser is checked against.
type refDecoder struct {
	eth     layers.Ethernet
	dot1q   layers.Dot1Q
	sll     layers.LinuxSLL
	ip      layers.IPv4
	tcp     layers.TCP
	udp     layers.UDP
	icmp    layers.ICMPv4
	payload gopacket.Payload
	parsers map[gopacket.LayerType]*gopacket.DecodingLayerParser
	decoded []gopacket.LayerType
}

func newRefDecoder() *refDecoder {
	d := &refDecoder{parsers: map[gopacket.LayerType]*gopacket.DecodingLayerParser{}}
	for _, first := range []gopacket.LayerType{
		layers.LayerTypeEthernet, layers.LayerTypeLinuxSLL, layers.LayerTypeDot1Q,
		layers.LayerTypeIPv4,
	} {
		p := gopacket.NewDecodingLayerParser(first, &d.eth, &d.dot1q, &d.sll, &d.ip,
			&d.tcp, &d.udp, &d.icmp, &d.payload)
		p.IgnoreUnsupported = true
		d.parsers[first] = p
	}
	return d
}

// decode returns the Record gopacket's reading implies and whether gopacket
// decoded an IPv4 TCP, UDP or ICMP header without error.
func (d *refDecoder) decode(frame []byte, link record.LinkType, tsNs int64) (record.Record, bool) {
	first, data, ok := firstLayer(frame, link)
	if !ok {
		return record.Record{}, false
	}
	if err := d.parsers[first].DecodeLayers(data, &d.decoded); err != nil {
		return record.Record{}, false
	}
	var haveIP bool
	var transport gopacket.LayerType
	for _, lt := range d.decoded {
		switch lt {
		case layers.LayerTypeIPv4:
			haveIP = true
		case layers.LayerTypeTCP, layers.LayerTypeUDP, layers.LayerTypeICMPv4:
			transport = lt
		}
	}
	if !haveIP || transport == 0 || d.ip.Version != 4 || d.ip.FragOffset != 0 {
		return record.Record{}, false
	}

	ip := &d.ip
	r := record.Record{
		TsNs: tsNs, SrcIP: binary.BigEndian.Uint32(ip.SrcIP.To4()),
		DstIP: binary.BigEndian.Uint32(ip.DstIP.To4()), IPID: ip.Id, TTL: ip.TTL,
		Proto: uint8(ip.Protocol), Family: 4,
	}
	if ip.Flags&layers.IPv4DontFragment != 0 {
		r.Meta |= record.MetaDF
	}
	if ip.IHL > 5 {
		r.Meta |= record.MetaIPOptions
	}
	segLen := int(ip.Length) - int(ip.IHL)*4

	switch transport {
	case layers.LayerTypeTCP:
		d.fillTCP(&r, segLen)
	case layers.LayerTypeUDP:
		r.SrcPort, r.DstPort = uint16(d.udp.SrcPort), uint16(d.udp.DstPort)
		if segLen > 8 {
			r.Meta |= record.MetaPayload
		}
	case layers.LayerTypeICMPv4:
		r.DstPort = uint16(d.icmp.TypeCode)
		switch d.icmp.TypeCode.Type() {
		case 0, 8, 13, 14, 15, 16, 17, 18:
			r.SrcPort = d.icmp.Id
		}
		if segLen > 8 {
			r.Meta |= record.MetaPayload
		}
	}
	return r, true
}

// firstLayer says where gopacket starts decoding a frame of this link type.
func firstLayer(frame []byte, link record.LinkType) (gopacket.LayerType, []byte, bool) {
	switch link {
	case record.LinkEthernet:
		return layers.LayerTypeEthernet, frame, true
	case record.LinkLinuxSLL:
		return layers.LayerTypeLinuxSLL, frame, true
	case record.LinkLinuxSLL2:
		// gopacket has no cooked-v2 layer: start after the header by its
		// protocol field.
		if len(frame) < 20 {
			return 0, nil, false
		}
		switch binary.BigEndian.Uint16(frame[0:2]) {
		case 0x0800:
			return layers.LayerTypeIPv4, frame[20:], true
		case 0x8100, 0x88a8:
			return layers.LayerTypeDot1Q, frame[20:], true
		}
	case record.LinkRaw, record.LinkRawLegacy, record.LinkIPv4:
		if len(frame) > 0 && frame[0]>>4 == 4 {
			return layers.LayerTypeIPv4, frame, true
		}
	}
	return 0, nil, false
}

func (d *refDecoder) fillTCP(r *record.Record, segLen int) {
	t := &d.tcp
	r.SrcPort, r.DstPort, r.Seq, r.Window = uint16(t.SrcPort), uint16(t.DstPort), t.Seq, t.Window
	for i, set := range []bool{t.FIN, t.SYN, t.RST, t.PSH, t.ACK, t.URG, t.ECE, t.CWR} {
		if set {
			r.Flags |= 1 << i
		}
	}
	if segLen > int(t.DataOffset)*4 {
		r.Meta |= record.MetaPayload
	}
	for i, o := range t.Options {
		code, meta := refOption(o, r)
		r.Meta |= meta
		if i < record.MaxOpts {
			r.OptKinds |= uint32(code) << (4 * i)
		} else {
			r.Meta |= record.MetaOptOverflow
		}
	}
}

// refOption maps one gopacket TCP option to its code, storing its value
// in r and returning the Meta bits it implies.
func refOption(o layers.TCPOption, r *record.Record) (uint8, uint8) {
	n := len(o.OptionData)
	switch o.OptionType {
	case layers.TCPOptionKindEndList:
		return record.OptEOL, 0
	case layers.TCPOptionKindNop:
		return record.OptNOP, 0
	case layers.TCPOptionKindMSS:
		if n != 2 {
			return record.OptMSS, record.MetaBadOpts
		}
		r.MSS = binary.BigEndian.Uint16(o.OptionData)
		return record.OptMSS, record.MetaHasMSS
	case layers.TCPOptionKindWindowScale:
		if n != 1 {
			return record.OptWScale, record.MetaBadOpts
		}
		r.WScale = o.OptionData[0]
		return record.OptWScale, record.MetaHasWScale
	case layers.TCPOptionKindSACKPermitted:
		if n != 0 {
			return record.OptSACKOK, record.MetaBadOpts
		}
		return record.OptSACKOK, 0
	case layers.TCPOptionKindSACK:
		if n == 0 || n > 32 || n%8 != 0 {
			return record.OptSACK, record.MetaBadOpts
		}
		return record.OptSACK, 0
	case layers.TCPOptionKindTimestamps:
		if n != 8 {
			return record.OptTS, record.MetaBadOpts
		}
		return record.OptTS, record.MetaHasTS
	}
	return record.OptUnknown, 0
}
