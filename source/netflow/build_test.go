package netflow

import "encoding/binary"

// Export packets built field by field, so tests control every byte: the
// layouts follow RFC 3954 (NetFlow v9), RFC 7011 (IPFIX) and Cisco's NetFlow
// v5 record.

// field is one template field: an information element and its length.
type field struct{ ie, length uint16 }

// flowFields is the layout softflowd exports for IPv4 TCP and UDP flows,
// less its interface and direction fields.
var flowFields = []field{
	{ieSrcIPv4, 4}, {ieDstIPv4, 4}, {ieFirstSwitched, 4}, {ieLastSwitched, 4},
	{ieOctetDelta, 4}, {iePacketDelta, 4}, {ieSrcPort, 2}, {ieDstPort, 2},
	{ieProtocol, 1}, {ieTCPFlags, 1},
}

// flowRec is one record of the flowFields layout.
type flowRec struct {
	src, dst     uint32
	first, last  uint32 // uptime, ms
	bytes, pkts  uint32
	sport, dport uint16
	proto, flags uint8
}

func (r flowRec) bytes4() []byte {
	return be(r.src, r.dst, r.first, r.last, r.bytes, r.pkts, r.sport, r.dport, r.proto,
		r.flags)
}

// be writes values big-endian: uint8, uint16, uint32 and uint64.
func be(vals ...any) []byte {
	var b []byte
	for _, v := range vals {
		switch x := v.(type) {
		case uint8:
			b = append(b, x)
		case uint16:
			b = binary.BigEndian.AppendUint16(b, x)
		case uint32:
			b = binary.BigEndian.AppendUint32(b, x)
		case uint64:
			b = binary.BigEndian.AppendUint64(b, x)
		case int:
			b = binary.BigEndian.AppendUint32(b, uint32(x))
		case []byte:
			b = append(b, x...)
		default:
			panic("be: unsupported value")
		}
	}
	return b
}

// set wraps a body in a flow set header with id, padded to 4 bytes.
func set(id uint16, body []byte) []byte {
	for len(body)%4 != 0 {
		body = append(body, 0)
	}
	return append(be(id, uint16(4+len(body))), body...)
}

// templateSet is a template set (v9 id 0, IPFIX id 2) of one template.
func templateSet(version, id uint16, fields []field) []byte {
	body := be(id, uint16(len(fields)))
	for _, f := range fields {
		body = append(body, be(f.ie, f.length)...)
		if f.ie&0x8000 != 0 {
			// An enterprise element: RFC 5103's reverse ones here.
			body = append(body, be(uint32(penReverse))...)
		}
	}
	return set(map[uint16]uint16{9: 0, 10: 2}[version], body)
}

// optionsTemplateSet is an options template set of one template.
func optionsTemplateSet(version, id uint16, scope, opts []field) []byte {
	var body []byte
	if version == 9 {
		body = be(id, uint16(4*len(scope)), uint16(4*len(opts)))
	} else {
		body = be(id, uint16(len(scope)+len(opts)), uint16(len(scope)))
	}
	for _, f := range append(append([]field{}, scope...), opts...) {
		body = append(body, be(f.ie, f.length)...)
	}
	return set(map[uint16]uint16{9: 1, 10: 3}[version], body)
}

// dataSet is a data set of records for template id.
func dataSet(id uint16, recs ...[]byte) []byte {
	var body []byte
	for _, r := range recs {
		body = append(body, r...)
	}
	return set(id, body)
}

// v9Packet is a NetFlow v9 packet. Its count is the number of data
// records given in count, as softflowd writes it.
func v9Packet(uptimeMs, unixSecs, sourceID uint32, count uint16, sets ...[]byte) []byte {
	b := be(uint16(9), count, uptimeMs, unixSecs, uint32(1), sourceID)
	for _, s := range sets {
		b = append(b, s...)
	}
	return b
}

// ipfixPacket is an IPFIX message.
func ipfixPacket(exportSecs, domain uint32, sets ...[]byte) []byte {
	var body []byte
	for _, s := range sets {
		body = append(body, s...)
	}
	return append(be(uint16(10), uint16(16+len(body)), exportSecs, uint32(1), domain),
		body...)
}

// v5Packet is a NetFlow v5 packet of the records, with the header's
// sampling field.
func v5Packet(uptimeMs, unixSecs, unixNsecs uint32, sampling uint16, recs ...flowRec) []byte {
	b := be(uint16(5), uint16(len(recs)), uptimeMs, unixSecs, unixNsecs, uint32(1),
		uint8(0), uint8(0), sampling)
	for _, r := range recs {
		b = append(b, be(r.src, r.dst, uint32(0), uint16(1), uint16(2), r.pkts, r.bytes,
			r.first, r.last, r.sport, r.dport, uint8(0), r.flags, r.proto, uint8(0),
			uint16(0), uint16(0), uint8(24), uint8(24), uint16(0))...)
	}
	return b
}

// ip returns a host-order IPv4 address.
func ip(a, b, c, d byte) uint32 {
	return uint32(a)<<24 | uint32(b)<<16 | uint32(c)<<8 | uint32(d)
}
