package netflow

import (
	"net/netip"
	"testing"
	"time"
)

func TestDecodeBadPackets(t *testing.T) {
	zeroLen := []field{{ieSrcIPv4, 0}, {ieDstIPv4, 0}}
	tests := []struct {
		name    string
		pkts    [][]byte
		wantCtr DecodeCounters
	}{
		{"empty", [][]byte{nil}, DecodeCounters{Packets: 1, Malformed: 1}},
		{"sflow", [][]byte{be(uint32(5), uint32(1))}, DecodeCounters{Packets: 1, BadVersion: 1}},
		{"v5 count beyond the packet", [][]byte{be(uint16(5), uint16(30), make([]byte, 60))},
			DecodeCounters{Packets: 1, V5: 1, Malformed: 1, Exporters: 1}},
		{"v9 header cut", [][]byte{be(uint16(9), uint16(1), uint32(0))},
			DecodeCounters{Packets: 1, V9: 1, Malformed: 1, Exporters: 1}},
		{"v9 set longer than the packet", [][]byte{v9Packet(0, t0Secs, 0, 1,
			be(uint16(256), uint16(400), make([]byte, 8)))},
			DecodeCounters{Packets: 1, V9: 1, Malformed: 1, Exporters: 1}},
		// A template whose records take no bytes would loop forever in
		// the data-set decoder: it is refused.
		{"v9 template of zero-length fields", [][]byte{v9Packet(0, t0Secs, 0, 2,
			templateSet(9, 256, zeroLen), dataSet(256, make([]byte, 8)))},
			DecodeCounters{Packets: 1, V9: 1, TemplatesRefused: 1, Exporters: 1}},
		// Nor one of many zero-length fields and one of variable length:
		// each byte of data would cost a record of a thousand fields.
		{"ipfix template of zero-length fields and a variable one", [][]byte{ipfixPacket(
			t0Secs, 0, templateSet(10, 256, append(make([]field, 1000), field{ieSrcIPv4,
				0xffff})), dataSet(256, make([]byte, 1000)))},
			DecodeCounters{Packets: 1, IPFIX: 1, TemplatesRefused: 1, Exporters: 1}},
		{"ipfix options template of zero-length fields", [][]byte{ipfixPacket(t0Secs, 0,
			optionsTemplateSet(10, 300, zeroLen[:1], zeroLen[1:]), dataSet(300, make([]byte, 8)))},
			DecodeCounters{Packets: 1, IPFIX: 1, TemplatesRefused: 1, Exporters: 1}},
		// A template record without fields withdraws the template (RFC
		// 7011, section 8.1): later data waits for a new one.
		{"ipfix withdrawal", [][]byte{
			ipfixPacket(t0Secs, 0, templateSet(10, 256, flowFields)),
			ipfixPacket(t0Secs, 0, templateSet(10, 256, nil)),
			ipfixPacket(t0Secs, 0, dataSet(256, probeRec.bytes4()))},
			DecodeCounters{Packets: 3, IPFIX: 3, Held: 1, Waiting: 1, Exporters: 1}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := NewDecoder(Default())
			done := make(chan []Flow)
			go func() {
				var got []Flow
				for _, p := range tc.pkts {
					got = d.Decode(p, exporterA, t0Ns, got)
				}
				done <- got
			}()
			select {
			case got := <-done:
				if len(got) != 0 {
					t.Errorf("got %d flows from a bad packet", len(got))
				}
			case <-time.After(5 * time.Second):
				t.Fatal("Decode did not return")
			}
			if c := d.Counters(); c != tc.wantCtr {
				t.Errorf("counters:\n got %+v\nwant %+v", c, tc.wantCtr)
			}
		})
	}
}

func TestMaxTemplates(t *testing.T) {
	cfg := Default()
	cfg.MaxTemplates = 2
	d := NewDecoder(cfg)
	for id := uint16(256); id < 259; id++ {
		d.Decode(v9Packet(0, t0Secs, 0, 0, templateSet(9, id, flowFields)), exporterA, t0Ns,
			nil)
	}
	if c := d.Counters(); c.TemplatesRefused != 1 {
		t.Errorf("refused = %d, want 1", c.TemplatesRefused)
	}
	// Redefining a known template is no new template.
	d.Decode(v9Packet(0, t0Secs, 0, 0, templateSet(9, 256, flowFields)), exporterA, t0Ns, nil)
	if c := d.Counters(); c.TemplatesRefused != 1 {
		t.Errorf("refused after a redefinition = %d, want 1", c.TemplatesRefused)
	}
}

func TestExporterEviction(t *testing.T) {
	cfg := Default()
	cfg.MaxExporters = 2
	d := NewDecoder(cfg)
	o := &origins{infos: d.ex.infos}
	pkt := func() []byte {
		return v5Packet(10_000, t0Secs, 0, 0, probeRec)
	}
	exporterC := netip.MustParseAddrPort("192.0.2.3:40003")
	for i, from := range []netip.AddrPort{exporterA, exporterB, exporterC} {
		fl := d.Decode(pkt(), from, t0Ns+int64(i), nil)
		info := d.Exporter(fl[0].Exporter)
		o.note(ip(10, 0, 0, byte(i)), fl[0].Exporter, info.gen)
	}
	// C took A's index, the one heard from least recently.
	if c := d.Counters(); c.Exporters != 3 || c.ExporterEvictions != 1 {
		t.Errorf("exporters, evictions = %d, %d; want 3, 1", c.Exporters, c.ExporterEvictions)
	}
	if info, ok := o.lookup(ip(10, 0, 0, 0)); ok {
		t.Errorf("a prober of the evicted exporter is credited to %v", info.Addr)
	}
	for i, want := range map[byte]netip.AddrPort{1: exporterB, 2: exporterC} {
		if info, ok := o.lookup(ip(10, 0, 0, i)); !ok || info.Addr != want {
			t.Errorf("prober %d: exporter %v, %v; want %v", i, info, ok, want)
		}
	}
}
