package netflow

import (
	"fmt"
	"slices"
	"testing"

	"scanguard/record"
)

// kind names what the detector makes of a Record: its class and the
// address whose state it updates.
func kind(r *record.Record) string {
	class := "other"
	switch {
	case r.IsReply():
		class = "reply"
	case r.IsProbe():
		class = "probe"
	case r.Meta&record.MetaPayload != 0:
		class = "payload"
	case r.Proto == record.ProtoTCP && r.Flags&record.FlagRST != 0:
		class = "rst"
	}
	return fmt.Sprintf("%s:%#02x@%d", class, r.Flags, r.Key()&0xff)
}

func TestSynthRecords(t *testing.T) {
	// Keys end in 1 for the scanner, 198.18.0.1, and 7 for the target,
	// 198.19.0.7.
	out := Flow{StartNs: t0Ns, EndNs: t0Ns + 100*ms, SrcIP: ip(198, 18, 0, 1),
		DstIP: ip(198, 19, 0, 7), SrcPort: 40000, DstPort: 80, Sampling: 1, Proto: 6}
	back := out
	back.SrcIP, back.DstIP, back.SrcPort, back.DstPort = out.DstIP, out.SrcIP, 80, 40000
	with := func(f Flow, pkts, bytes uint64, flags uint8) Flow {
		f.Packets, f.Bytes, f.TCPFlags = pkts, bytes, flags
		return f
	}
	sampled := func(f Flow) Flow { f.Sampling = 4; return f }
	udp := func(f Flow, sport, dport uint16) Flow {
		f.Proto, f.SrcPort, f.DstPort = record.ProtoUDP, sport, dport
		return f
	}
	icmp := func(f Flow, typ uint16) Flow {
		f.Proto, f.SrcPort, f.DstPort = record.ProtoICMP, 0, typ<<8
		return f
	}
	const S, A, R, P, F, U = record.FlagSYN, record.FlagACK, record.FlagRST, record.FlagPSH,
		record.FlagFIN, record.FlagURG
	gre := out
	gre.Proto = 47
	tests := []struct {
		name string
		f    Flow
		want []string
	}{
		{"masscan SYN, kernel RST and its own", with(out, 3, 126, S|R),
			[]string{"probe:0x02@1", "rst:0x04@1", "rst:0x04@1"}},
		{"zmap SYN", with(out, 1, 40, S), []string{"probe:0x02@1"}},
		{"nmap SYN sent twice", with(out, 2, 88, S), []string{"probe:0x02@1", "probe:0x02@1"}},
		{"FIN probe", with(out, 1, 40, F), []string{"probe:0x01@1"}},
		{"Xmas probe", with(out, 1, 40, F|P|U), []string{"probe:0x29@1"}},
		{"NULL probe", with(out, 1, 40, 0), []string{"probe:0x00@1"}},
		{"bare RSTs", with(out, 2, 80, R), []string{"rst:0x04@1", "rst:0x04@1"}},
		{"SYN-ACK answers", with(back, 1, 44, S|A), []string{"reply:0x12@1"}},
		{"RST-ACK refuses", with(back, 1, 40, R|A), []string{"reply:0x14@1"}},
		{"client connection", with(out, 10, 1500, S|A|P|F),
			[]string{"probe:0x02@1", "payload:0x18@1"}},
		{"service side of it: its own data", with(back, 10, 1500, S|A|P|F),
			[]string{"reply:0x12@1", "payload:0x18@7"}},
		{"service side, sampled: data credited to the client",
			sampled(with(back, 3, 1500, S|A|P)), []string{"reply:0x12@1", "payload:0x18@1"}},
		{"client acks", with(out, 2, 104, A), nil},
		{"client acks, sampled", sampled(with(out, 2, 104, A)), []string{"payload:0x18@1"}},
		{"bulk data, capped", with(out, 100, 145_000, A|P), slices.Repeat(
			[]string{"payload:0x18@1"}, 8)},
		{"SYN flood, capped", with(out, 100, 4000, S), slices.Repeat(
			[]string{"probe:0x02@1"}, 8)},
		{"DNS query", with(udp(out, 40000, 53), 1, 60, 0), []string{"probe:0x00@1"}},
		{"DNS answer", with(udp(back, 53, 40000), 1, 90, 0), []string{"reply:0x00@1"}},
		{"echo requests", with(icmp(out, 8), 3, 84*3, 0),
			[]string{"probe:0x00@1", "probe:0x00@1", "probe:0x00@1"}},
		{"echo reply", with(icmp(back, 0), 1, 84, 0), []string{"reply:0x00@1"}},
		{"redirect", with(icmp(back, 5), 1, 56, 0), nil},
		{"GRE", with(gre, 10, 1000, 0), nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := NewSynth(DefaultSynth(), nil)
			recs := s.Records(&tc.f, nil)
			var got []string
			for i := range recs {
				got = append(got, kind(&recs[i]))
				if recs[i].TsNs < tc.f.StartNs || recs[i].TsNs > tc.f.EndNs {
					t.Errorf("record %d at %d, outside the flow", i, recs[i].TsNs-tc.f.StartNs)
				}
				if i > 0 && recs[i].TsNs < recs[i-1].TsNs {
					t.Errorf("record %d out of time order", i)
				}
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("got %v\nwant %v", got, tc.want)
			}
		})
	}
}

// TestSynthSpread checks that the probes of one flow are spread over it,
// first at the start and last at the end.
func TestSynthSpread(t *testing.T) {
	f := Flow{StartNs: t0Ns, EndNs: t0Ns + 30*ms, SrcIP: ip(198, 18, 0, 1),
		DstIP: ip(198, 19, 0, 7), DstPort: 80, Packets: 4, Bytes: 160, Proto: 6,
		TCPFlags: record.FlagSYN}
	recs := NewSynth(DefaultSynth(), nil).Records(&f, nil)
	var got []int64
	for _, r := range recs {
		got = append(got, (r.TsNs-t0Ns)/ms)
	}
	if want := []int64{0, 10, 20, 30}; !slices.Equal(got, want) {
		t.Errorf("probes at %v ms, want %v", got, want)
	}
}
