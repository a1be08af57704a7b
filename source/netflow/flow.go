package netflow

import (
	"encoding/binary"

	"github.com/netsampler/goflow2/v2/decoders/netflow"
)

// Flow is one IPv4 flow record as an exporter described it, reduced to what
// detection reads. It holds no pointers.
type Flow struct {
	StartNs  int64  // first packet, ns since the Unix epoch
	EndNs    int64  // last packet
	Packets  uint64 // packets the exporter counted (sampled ones only)
	Bytes    uint64 // their IP bytes
	SrcIP    uint32 // host byte order
	DstIP    uint32
	SrcPort  uint16
	DstPort  uint16 // for ICMP, type<<8 | code, as in record.Record
	Sampling uint32 // the exporter counted 1 in Sampling packets; 1 if unsampled
	Exporter uint16 // the exporter's index in the decoder's table
	Proto    uint8
	TCPFlags uint8 // every flag seen on the flow's packets
}

// Information element numbers of the fields read (IANA IPFIX registry; the
// numbers below 128 are NetFlow v9's as well).
const (
	ieOctetDelta      = 1
	iePacketDelta     = 2
	ieProtocol        = 4
	ieTCPFlags        = 6
	ieSrcPort         = 7
	ieSrcIPv4         = 8
	ieDstPort         = 11
	ieDstIPv4         = 12
	ieLastSwitched    = 21 // flowEndSysUpTime, ms
	ieFirstSwitched   = 22 // flowStartSysUpTime, ms
	ieSrcIPv6         = 27
	ieDstIPv6         = 28
	ieICMPTypeCode    = 32
	ieSamplingIntv    = 34
	ieSamplerRandom   = 50
	ieOctetTotal      = 85
	iePacketTotal     = 86
	ieICMPTypeCode6   = 139
	ieStartSeconds    = 150
	ieEndSeconds      = 151
	ieStartMillis     = 152
	ieEndMillis       = 153
	ieStartMicros     = 154
	ieEndMicros       = 155
	ieStartNanos      = 156
	ieEndNanos        = 157
	ieStartDeltaMicro = 158
	ieEndDeltaMicro   = 159
	ieSysInitMillis   = 160
	ieICMPType        = 176
	ieICMPCode        = 177
	ieSamplePktIntv   = 305 // samplingPacketInterval: packets taken in a row
	ieSamplePktSpace  = 306 // samplingPacketSpace: packets skipped after them
	ieSampleSize      = 309 // samplingSize
	ieSamplePop       = 310 // samplingPopulation
)

// timeBase turns the times of one export packet's records into Unix ns.
type timeBase struct {
	exportNs int64 // the export packet's time
	bootNs   int64 // when the exporter's uptime clock was 0
	bootOK   bool  // bootNs is known: relative times can be placed
}

// atUptime places an uptime in ms on the Unix clock.
func (tb *timeBase) atUptime(ms uint64) int64 { return tb.bootNs + int64(ms)*1e6 }

// uintOf reads a big-endian unsigned field of 1 to 8 bytes; longer fields
// keep their last 8 bytes, as for the low bits of a wide counter.
func uintOf(b []byte) uint64 {
	if len(b) > 8 {
		b = b[len(b)-8:]
	}
	var v uint64
	for _, c := range b {
		v = v<<8 | uint64(c)
	}
	return v
}

// ntpNs converts a 64-bit NTP timestamp (RFC 5905: seconds since 1900,
// then a binary fraction) into Unix ns.
func ntpNs(v uint64) int64 {
	const unixFrom1900 = 2208988800
	sec := int64(v>>32) - unixFrom1900
	frac := int64((v & 0xffffffff) * 1e9 >> 32)
	return sec*1e9 + frac
}

// fieldTimes collects the time fields of one record before they are
// resolved, since a record may carry several kinds.
type fieldTimes struct {
	startNs, endNs       int64
	upStart, upEnd       uint64
	hasAbs, hasUp        bool
	hasStartAbs          bool
	deltaStart, deltaEnd uint64
	hasDelta             bool
}

// What flowFromFields made of a data record.
const (
	recordIPv4   = iota // an IPv4 flow: f is filled
	recordIPv6          // an IPv6 flow, which the detector has no key for yet
	recordNoAddr        // no addresses at all (a template of other fields)
)

// flowFromFields fills f from the values of one data record and says what
// kind of record it was.
//
// A biflow record (RFC 5103) also fills rev with the reverse direction; rev
// is left with zero packets when the record has none.
func flowFromFields(vals []netflow.DataField, tb *timeBase, f, rev *Flow) int {
	*f, *rev = Flow{}, Flow{}
	var (
		rv        reverseFields
		ft        fieldTimes
		hasSrc    bool
		hasDst    bool
		v6        bool
		icmp      uint16
		hasICMP   bool
		icmpType  uint8
		icmpCode  uint8
		hasTypeIE bool
		intv      uint64
		space     uint64
	)
	for i := range vals {
		dv := &vals[i]
		b, ok := dv.Value.([]byte)
		if !ok || len(b) == 0 {
			continue
		}
		v := uintOf(b)
		if dv.PenProvided {
			if dv.Pen == penReverse {
				rv.add(dv.Type, v)
			}
			continue
		}
		switch dv.Type {
		case ieSrcIPv4:
			if len(b) == 4 {
				f.SrcIP, hasSrc = binary.BigEndian.Uint32(b), true
			}
		case ieDstIPv4:
			if len(b) == 4 {
				f.DstIP, hasDst = binary.BigEndian.Uint32(b), true
			}
		case ieSrcIPv6, ieDstIPv6:
			v6 = true
		case ieSrcPort:
			f.SrcPort = uint16(v)
		case ieDstPort:
			f.DstPort = uint16(v)
		case ieProtocol:
			f.Proto = uint8(v)
		case ieTCPFlags:
			// IPFIX carries two bytes (RFC 7125), NetFlow v9 one; the
			// classic flags are the low byte either way.
			f.TCPFlags = uint8(v)
		case ieOctetDelta, ieOctetTotal:
			f.Bytes = v
		case iePacketDelta, iePacketTotal:
			f.Packets = v
		case ieICMPTypeCode, ieICMPTypeCode6:
			icmp, hasICMP = uint16(v), true
		case ieICMPType:
			icmpType, hasTypeIE = uint8(v), true
		case ieICMPCode:
			icmpCode = uint8(v)
		case ieSamplingIntv, ieSamplerRandom:
			f.Sampling = uint32(min(v, 1<<31))
		case ieSamplePktIntv:
			intv = v
		case ieSamplePktSpace:
			space = v
		default:
			ft.add(dv.Type, v)
		}
	}
	switch {
	case hasSrc && hasDst:
	case v6:
		return recordIPv6
	default:
		return recordNoAddr
	}
	if f.Sampling == 0 && intv > 0 {
		f.Sampling = intervalRate(intv, space)
	}
	if f.Proto == 1 {
		switch {
		case hasICMP:
			f.DstPort = icmp
		case hasTypeIE:
			f.DstPort = uint16(icmpType)<<8 | uint16(icmpCode)
		}
		// ICMP has no ports: exporters that fold type and code into the
		// destination port (v5, softflowd) leave the source port 0.
		f.SrcPort = 0
	}
	f.StartNs, f.EndNs = ft.resolve(tb)
	rv.fill(f, rev)
	return recordIPv4
}

// add notes one time field.
func (ft *fieldTimes) add(ie uint16, v uint64) {
	switch ie {
	case ieFirstSwitched:
		ft.upStart, ft.hasUp = v, true
	case ieLastSwitched:
		ft.upEnd, ft.hasUp = v, true
	case ieStartSeconds:
		ft.startNs, ft.hasAbs, ft.hasStartAbs = int64(v)*1e9, true, true
	case ieEndSeconds:
		ft.endNs, ft.hasAbs = int64(v)*1e9, true
	case ieStartMillis:
		ft.startNs, ft.hasAbs, ft.hasStartAbs = int64(v)*1e6, true, true
	case ieEndMillis:
		ft.endNs, ft.hasAbs = int64(v)*1e6, true
	case ieStartMicros, ieStartNanos:
		ft.startNs, ft.hasAbs, ft.hasStartAbs = ntpNs(v), true, true
	case ieEndMicros, ieEndNanos:
		ft.endNs, ft.hasAbs = ntpNs(v), true
	case ieStartDeltaMicro:
		ft.deltaStart, ft.hasDelta = v, true
	case ieEndDeltaMicro:
		ft.deltaEnd, ft.hasDelta = v, true
	}
}

// resolve returns the flow's start and end in Unix ns: absolute times
// first, then times relative to the exporter's boot, then to the export
// time; a record without times is placed at the export time.
func (ft *fieldTimes) resolve(tb *timeBase) (start, end int64) {
	switch {
	case ft.hasAbs:
		start, end = ft.startNs, ft.endNs
		if !ft.hasStartAbs {
			start = end
		}
		if end == 0 {
			end = start
		}
	case ft.hasUp && tb.bootOK:
		start, end = tb.atUptime(ft.upStart), tb.atUptime(ft.upEnd)
	case ft.hasUp:
		// Uptimes without the exporter's boot time (an IPFIX exporter
		// whose options record has not arrived): the flow ended about
		// when it was exported, and lasted what the uptimes say.
		end = tb.exportNs
		start = end - int64(ft.upEnd-min(ft.upStart, ft.upEnd))*1e6
	case ft.hasDelta:
		start = tb.exportNs - int64(ft.deltaStart)*1e3
		end = tb.exportNs - int64(ft.deltaEnd)*1e3
	default:
		start, end = tb.exportNs, tb.exportNs
	}
	if end < start {
		end = start
	}
	return start, end
}

// intervalRate is the sampling rate of RFC 5476 systematic count-based
// sampling: interval packets taken, then space packets skipped.
func intervalRate(interval, space uint64) uint32 {
	if interval == 0 {
		return 0
	}
	return uint32(min((interval+space)/interval, 1<<31))
}
