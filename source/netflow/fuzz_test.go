package netflow

import (
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"testing"
)

// softflowdBytes returns the export packets softflowd 1.1.0 sent for
// masscan_short_20probes.pcap in NetFlow version v (testdata), in order.
func softflowdBytes(t testing.TB, v string) [][]byte {
	t.Helper()
	var out [][]byte
	for i := 0; ; i++ {
		b, err := os.ReadFile(filepath.Join("testdata", fmt.Sprintf("softflowd_v%s_%d.bin", v, i)))
		if os.IsNotExist(err) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, b)
	}
	if len(out) == 0 {
		t.Fatalf("no softflowd v%s packets in testdata", v)
	}
	return out
}

// TestDecodeSoftflowdPackets decodes a real exporter's packets kept in
// testdata: 20 probes of masscan and their 20 answers, 40 records in all.
func TestDecodeSoftflowdPackets(t *testing.T) {
	for _, v := range []string{"5", "9", "10"} {
		t.Run("v"+v, func(t *testing.T) {
			d := NewDecoder(Default())
			var flows []Flow
			for _, p := range softflowdBytes(t, v) {
				flows = d.Decode(p, exporterA, t0Ns, flows)
			}
			c := d.Counters()
			if len(flows) != 40 || c.Malformed != 0 || c.Held != 0 {
				t.Fatalf("%d flows, counters %+v; want 40 and nothing malformed or held",
					len(flows), c)
			}
			probes := 0
			for _, f := range flows {
				if f.SrcIP == ip(198, 18, 0, 1) && f.DstPort == 5900 &&
					f.TCPFlags == 0x06 && f.Sampling == 1 {
					probes++
				}
				// softflowd -a stamps flows with the capture's clock:
				// 2026-12-03 16:18:56 UTC, give or take a second.
				if f.StartNs < 1796314735e9 || f.EndNs > 1796314738e9 {
					t.Errorf("flow at %d, not when the capture was made", f.StartNs)
				}
			}
			if probes != 20 {
				t.Errorf("%d SYN+RST flows from the scanner to port 5900, want 20", probes)
			}
		})
	}
}

// FuzzDecode feeds the decoder arbitrary datagrams, after a real
// exporter's templates so data sets reach the field decoding: it must not
// panic, hang or grow without bound, and every flow it returns must name
// a known exporter.
func FuzzDecode(f *testing.F) {
	for _, v := range []string{"5", "9", "10"} {
		for _, p := range softflowdBytes(f, v) {
			f.Add(p)
		}
	}
	f.Add(v9Packet(10_000, t0Secs, 7, 1, templateSet(9, 256, flowFields),
		dataSet(256, probeRec.bytes4())))
	f.Add(ipfixPacket(t0Secs, 3, optionsTemplateSet(10, 300, []field{{149, 4}},
		[]field{{ieSysInitMillis, 8}, {ieSamplePktIntv, 4}, {ieSamplePktSpace, 4}}),
		dataSet(300, be(uint32(3), uint64(1), uint32(1), uint32(9)))))
	f.Add(v5Packet(10_000, t0Secs, 0, 0x4064, probeRec))
	templates9 := softflowdBytes(f, "9")[0]
	templates10 := softflowdBytes(f, "10")[0]
	f.Fuzz(func(t *testing.T, pkt []byte) {
		cfg := Default()
		cfg.MaxPendingBytes = 4096
		d := NewDecoder(cfg)
		from := netip.MustParseAddrPort("192.0.2.9:2055")
		d.Decode(append([]byte(nil), templates9...), from, t0Ns, nil)
		d.Decode(append([]byte(nil), templates10...), from, t0Ns, nil)
		flows := d.Decode(pkt, from, t0Ns, nil)
		flows = d.Decode(pkt, netip.MustParseAddrPort("192.0.2.10:2055"), t0Ns, flows)
		for _, fl := range flows {
			if d.Exporter(fl.Exporter) == nil || fl.EndNs < fl.StartNs || fl.Sampling == 0 {
				t.Fatalf("flow %+v", fl)
			}
		}
		s := NewSynth(DefaultSynth(), nil)
		for i := range flows {
			if recs := s.Records(&flows[i], nil); len(recs) > 2*DefaultSynth().MaxProbesPerFlow {
				t.Fatalf("flow %+v made %d records", flows[i], len(recs))
			}
		}
		for _, ex := range d.ex.list {
			if ex.pendSize > cfg.MaxPendingBytes || len(ex.tmpl.m) > cfg.MaxTemplates {
				t.Fatalf("exporter holds %d pending bytes, %d templates", ex.pendSize,
					len(ex.tmpl.m))
			}
		}
	})
}
