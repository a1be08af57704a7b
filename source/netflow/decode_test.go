package netflow

import (
	"net/netip"
	"testing"
	"time"
)

var (
	exporterA = netip.MustParseAddrPort("192.0.2.1:40001")
	exporterB = netip.MustParseAddrPort("192.0.2.2:40002")
)

const (
	t0Secs = 1_800_000_000 // an export time, in Unix seconds
	t0Ns   = int64(t0Secs) * 1e9
	ms     = int64(time.Millisecond)
)

// probeRec is a masscan-like SYN to 198.19.0.7:80, seen 9000-9010ms after
// the exporter booted.
var probeRec = flowRec{src: ip(198, 18, 0, 1), dst: ip(198, 19, 0, 7), first: 9000,
	last: 9010, bytes: 40, pkts: 1, sport: 61000, dport: 80, proto: 6, flags: 0x02}

// wantProbe is probeRec decoded from a packet whose exporter booted at
// bootNs.
func wantProbe(bootNs int64, sampling uint32) Flow {
	return Flow{StartNs: bootNs + 9000*ms, EndNs: bootNs + 9010*ms, Packets: 1, Bytes: 40,
		SrcIP: ip(198, 18, 0, 1), DstIP: ip(198, 19, 0, 7), SrcPort: 61000, DstPort: 80,
		Sampling: sampling, Proto: 6, TCPFlags: 0x02}
}

func TestDecode(t *testing.T) {
	sysInitMs := uint64(t0Secs)*1000 - 60_000
	timeFields := []field{{ieSrcIPv4, 4}, {ieDstIPv4, 4}, {ieStartMillis, 8},
		{ieEndMillis, 8}, {iePacketDelta, 8}, {ieProtocol, 1}, {ieICMPTypeCode, 2}}
	tests := []struct {
		name    string
		pkts    [][]byte
		want    []Flow
		wantCtr DecodeCounters
	}{{
		name: "v5 with header sampling",
		// Mode 01 in the top two bits, interval 100 in the other 14.
		pkts:    [][]byte{v5Packet(10_000, t0Secs, 500_000_000, 0x4064, probeRec)},
		want:    []Flow{wantProbe(t0Ns+500*ms-10_000*ms, 100)},
		wantCtr: DecodeCounters{Packets: 1, V5: 1, Flows: 1, Exporters: 1},
	}, {
		name: "v9 whose count is of data records only",
		pkts: [][]byte{v9Packet(10_000, t0Secs, 7, 1, templateSet(9, 256, flowFields),
			dataSet(256, probeRec.bytes4()))},
		want:    []Flow{wantProbe(t0Ns-10_000*ms, 1)},
		wantCtr: DecodeCounters{Packets: 1, V9: 1, Flows: 1, Exporters: 1},
	}, {
		name: "ipfix boot time and sampling from options",
		pkts: [][]byte{ipfixPacket(t0Secs, 3,
			optionsTemplateSet(10, 300, []field{{149, 4}},
				[]field{{ieSysInitMillis, 8}, {ieSamplePktIntv, 4}, {ieSamplePktSpace, 4}}),
			templateSet(10, 256, flowFields),
			dataSet(300, be(uint32(3), sysInitMs, uint32(1), uint32(9))),
			dataSet(256, probeRec.bytes4()))},
		want: []Flow{wantProbe(int64(sysInitMs)*ms, 10)},
		wantCtr: DecodeCounters{Packets: 1, IPFIX: 1, Flows: 1, OptionRecords: 1,
			Exporters: 1},
	}, {
		name: "ipfix absolute times and icmp type",
		pkts: [][]byte{ipfixPacket(t0Secs, 0, templateSet(10, 256, timeFields),
			dataSet(256, be(ip(198, 18, 0, 1), ip(198, 19, 0, 9), uint64(t0Ns/ms),
				uint64(t0Ns/ms+5), uint64(2), uint8(1), uint16(8<<8))))},
		want: []Flow{{StartNs: t0Ns, EndNs: t0Ns + 5*ms, Packets: 2, SrcIP: ip(198, 18, 0, 1),
			DstIP: ip(198, 19, 0, 9), DstPort: 8 << 8, Sampling: 1, Proto: 1}},
		wantCtr: DecodeCounters{Packets: 1, IPFIX: 1, Flows: 1, Exporters: 1},
	}, {
		name: "ipfix uptimes before the boot time is known",
		pkts: [][]byte{ipfixPacket(t0Secs, 0, templateSet(10, 256, flowFields),
			dataSet(256, probeRec.bytes4()))},
		want:    []Flow{{StartNs: t0Ns - 10*ms, EndNs: t0Ns, Packets: 1, Bytes: 40, SrcIP: probeRec.src, DstIP: probeRec.dst, SrcPort: 61000, DstPort: 80, Sampling: 1, Proto: 6, TCPFlags: 2}},
		wantCtr: DecodeCounters{Packets: 1, IPFIX: 1, Flows: 1, Exporters: 1},
	}, {
		name: "ipfix biflow: the reverse direction is a flow of its own",
		pkts: [][]byte{ipfixPacket(t0Secs, 0, templateSet(10, 256, append(flowFields[:10:10],
			field{0x8000 | iePacketDelta, 4}, field{0x8000 | ieOctetDelta, 4},
			field{0x8000 | ieTCPFlags, 1})),
			dataSet(256, append(probeRec.bytes4(), be(uint32(1), uint32(44), uint8(0x12))...)))},
		want: []Flow{
			{StartNs: t0Ns - 10*ms, EndNs: t0Ns, Packets: 1, Bytes: 40, SrcIP: probeRec.src,
				DstIP: probeRec.dst, SrcPort: 61000, DstPort: 80, Sampling: 1, Proto: 6,
				TCPFlags: 0x02},
			{StartNs: t0Ns - 10*ms, EndNs: t0Ns, Packets: 1, Bytes: 44, SrcIP: probeRec.dst,
				DstIP: probeRec.src, SrcPort: 80, DstPort: 61000, Sampling: 1, Proto: 6,
				TCPFlags: 0x12}},
		wantCtr: DecodeCounters{Packets: 1, IPFIX: 1, Flows: 2, Reverse: 1, Exporters: 1},
	}, {
		name: "ipv6 records are counted, not decoded",
		pkts: [][]byte{v9Packet(0, t0Secs, 0, 1,
			templateSet(9, 256, []field{{ieSrcIPv6, 16}, {ieDstIPv6, 16}, {ieProtocol, 1}}),
			dataSet(256, make([]byte, 33)))},
		wantCtr: DecodeCounters{Packets: 1, V9: 1, IPv6: 1, Exporters: 1},
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := NewDecoder(Default())
			var got []Flow
			for _, p := range tc.pkts {
				got = d.Decode(p, exporterA, t0Ns, got)
			}
			if len(got) != len(tc.want) {
				t.Fatalf("got %d flows %+v, want %d", len(got), got, len(tc.want))
			}
			for i := range got {
				if got[i] != tc.want[i] {
					t.Errorf("flow %d:\n got %+v\nwant %+v", i, got[i], tc.want[i])
				}
			}
			if c := d.Counters(); c != tc.wantCtr {
				t.Errorf("counters:\n got %+v\nwant %+v", c, tc.wantCtr)
			}
		})
	}
}

func TestTemplateAfterData(t *testing.T) {
	d := NewDecoder(Default())
	data := v9Packet(10_000, t0Secs, 0, 1, dataSet(256, probeRec.bytes4()))
	if got := d.Decode(data, exporterA, t0Ns, nil); len(got) != 0 {
		t.Fatalf("data without a template gave %d flows", len(got))
	}
	if c := d.Counters(); c.Held != 1 || c.Waiting != 1 {
		t.Fatalf("held, waiting = %d, %d; want 1, 1", c.Held, c.Waiting)
	}

	// The template comes in a later packet, with a later header: the data
	// keeps the times of the packet it came in.
	tmpl := v9Packet(70_000, t0Secs+60, 0, 0, templateSet(9, 256, flowFields))
	got := d.Decode(tmpl, exporterA, t0Ns+60e9, nil)
	want := wantProbe(t0Ns-10_000*ms, 1)
	if len(got) != 1 || got[0] != want {
		t.Fatalf("replayed %+v, want %+v", got, want)
	}
	if c := d.Counters(); c.Replayed != 1 || c.Waiting != 0 || c.Flows != 1 {
		t.Errorf("replayed, waiting, flows = %d, %d, %d; want 1, 0, 1", c.Replayed,
			c.Waiting, c.Flows)
	}

	// Data whose template never comes is dropped once it has waited
	// template_wait, when the next template arrives.
	d.Decode(v9Packet(0, t0Secs, 0, 1, dataSet(257, probeRec.bytes4())), exporterA, t0Ns, nil)
	late := t0Ns + Default().TemplateWait.Nanoseconds() + 1
	d.Decode(v9Packet(0, t0Secs, 0, 0, templateSet(9, 258, flowFields)), exporterA, late, nil)
	if c := d.Counters(); c.PendingDropped != 1 || c.Waiting != 0 {
		t.Errorf("dropped, waiting = %d, %d; want 1, 0", c.PendingDropped, c.Waiting)
	}
}

func TestPendingBytesBound(t *testing.T) {
	cfg := Default()
	cfg.MaxPendingBytes = 70
	d := NewDecoder(cfg)
	for range 5 {
		d.Decode(v9Packet(0, t0Secs, 0, 1, dataSet(256, probeRec.bytes4())), exporterA, t0Ns,
			nil)
	}
	// Each waiting set holds 32 bytes (a 30-byte record and padding): two
	// fit in 70.
	if c := d.Counters(); c.Held != 5 || c.Waiting != 2 || c.PendingDropped != 3 {
		t.Errorf("held, waiting, dropped = %d, %d, %d; want 5, 2, 3", c.Held, c.Waiting,
			c.PendingDropped)
	}
}

func TestExportersKeepTemplatesApart(t *testing.T) {
	// Two exporters define template 256 with different layouts, as two
	// routers of different makes do.
	swapped := []field{{ieDstIPv4, 4}, {ieSrcIPv4, 4}, {ieFirstSwitched, 4},
		{ieLastSwitched, 4}, {ieOctetDelta, 4}, {iePacketDelta, 4}, {ieDstPort, 2},
		{ieSrcPort, 2}, {ieProtocol, 1}, {ieTCPFlags, 1}}
	r := probeRec
	rb := be(r.dst, r.src, r.first, r.last, r.bytes, r.pkts, r.dport, r.sport, r.proto,
		r.flags)
	d := NewDecoder(Default())
	var got []Flow
	got = d.Decode(v9Packet(10_000, t0Secs, 0, 1, templateSet(9, 256, flowFields)),
		exporterA, t0Ns, got)
	got = d.Decode(v9Packet(10_000, t0Secs, 0, 1, templateSet(9, 256, swapped)),
		exporterB, t0Ns, got)
	got = d.Decode(v9Packet(10_000, t0Secs, 0, 1, dataSet(256, r.bytes4())), exporterA,
		t0Ns, got)
	got = d.Decode(v9Packet(10_000, t0Secs, 0, 1, dataSet(256, rb)), exporterB, t0Ns, got)
	if len(got) != 2 {
		t.Fatalf("got %d flows, want 2", len(got))
	}
	for i, f := range got {
		want := wantProbe(t0Ns-10_000*ms, 1)
		want.Exporter = uint16(i)
		if f != want {
			t.Errorf("exporter %d: got %+v, want %+v", i, f, want)
		}
		if info := d.Exporter(uint16(i)); info == nil ||
			info.Addr != []netip.AddrPort{exporterA, exporterB}[i] {
			t.Errorf("exporter %d is %v", i, info)
		}
	}
}
