package netflow

import (
	"math/rand/v2"
	"strconv"
	"testing"

	"scanguard/detector/fingerprint"
	"scanguard/record"
)

// probeFlows returns n flows of every kind of probe, to random targets
// from random ports.
func probeFlows(n int) []Flow {
	rng := rand.New(rand.NewPCG(1, 2))
	kinds := []struct {
		proto, flags uint8
		dport        uint16
	}{
		{record.ProtoTCP, record.FlagSYN, 0},
		{record.ProtoTCP, record.FlagSYN | record.FlagRST, 0},
		{record.ProtoTCP, record.FlagFIN, 0},
		{record.ProtoTCP, 0, 0},
		{record.ProtoTCP, record.FlagFIN | record.FlagPSH | record.FlagURG, 0},
		{record.ProtoUDP, 0, 0},
		{record.ProtoICMP, 0, 8 << 8},
	}
	var out []Flow
	for i := range n {
		k := kinds[i%len(kinds)]
		f := Flow{StartNs: t0Ns + int64(i)*ms, EndNs: t0Ns + int64(i)*ms, Packets: 2,
			Bytes: 80, SrcIP: rng.Uint32(), DstIP: rng.Uint32(), SrcPort: uint16(rng.Uint32()),
			DstPort: uint16(rng.Uint32()), Sampling: 1, Proto: k.proto, TCPFlags: k.flags}
		if k.proto == record.ProtoICMP {
			f.SrcPort, f.DstPort = 0, k.dport
		}
		if k.proto == record.ProtoUDP && f.SrcPort < 1024 {
			f.SrcPort += 1024 // a datagram from a service port is an answer
		}
		out = append(out, f)
	}
	return out
}

// probesOf returns the probes Synth makes of flows.
func probesOf(s *Synth, flows []Flow) []record.Record {
	var recs, probes []record.Record
	for i := range flows {
		recs = s.Records(&flows[i], recs[:0])
		for _, r := range recs {
			if r.IsProbe() {
				probes = append(probes, r)
			}
		}
	}
	return probes
}

// TestPlaceholdersMatchNoFingerprint is the guarantee attribution from
// flows rests on: no probe made from a flow matches an entry of the
// shipped database, satisfies an exact relation, or scores more than the
// window points an entry that accepts any window gives every SYN.
func TestPlaceholdersMatchNoFingerprint(t *testing.T) {
	db := fingerprint.Default()
	window := db.Scoring().Weights.Window
	flows := probeFlows(140_000)

	t.Run("without the database check", func(t *testing.T) {
		probes := probesOf(NewSynth(DefaultSynth(), nil), flows)
		if len(probes) < 140_000 {
			t.Fatalf("only %d probes", len(probes))
		}
		for i := range probes {
			r := &probes[i]
			m := db.Match(r)
			if m.Entry >= 0 || int(m.Score) > window {
				t.Fatalf("probe %+v matches entry %d with score %d", r, m.Entry, m.Score)
			}
			if r.Proto == record.ProtoTCP && uint16(r.DstIP^uint32(r.DstPort)^r.Seq) == r.IPID {
				t.Fatalf("probe %+v satisfies the masscan IP-ID relation", r)
			}
			if r.Seq == r.DstIP {
				t.Fatalf("probe %+v satisfies the Mirai sequence relation", r)
			}
			if i > 0 {
				for e := range db.Len() {
					if db.PairHolds(e, &probes[i-1], r) {
						t.Fatalf("probes %d and %d satisfy %s's pair relation", i-1, i,
							db.Name(e))
					}
				}
			}
		}
	})

	t.Run("with the database check", func(t *testing.T) {
		s := NewSynth(DefaultSynth(), db)
		for _, r := range probesOf(s, flows) {
			if m := db.Match(&r); m.Entry >= 0 || m.Exact >= 0 {
				t.Fatalf("probe %+v matches entry %d, relation %d", r, m.Entry, m.Exact)
			}
		}
		// zmap's constant IP ID equals a placeholder once in 65,536
		// probes; the check moved those.
		if s.Counters().Altered == 0 {
			t.Errorf("no placeholder altered in %d probes", len(flows))
		}
	})
}

// TestPlaceholdersAgainstPermissiveEntries checks databases a user could
// write: an entry that accepts any header still fails on the TTL, and an
// entry whose constant IP ID is the placeholder's is dodged by the check.
func TestPlaceholdersAgainstPermissiveEntries(t *testing.T) {
	anyHeader, err := fingerprint.Parse([]byte(`
scoring: {weights: {window: 30, mss: 20, wscale: 25, options: 25}, match: 60}
entries:
  - {name: any, tool: any, probes: [syn, fin, null, xmas, udp, icmp], mss: any,
     wscale: any, options: any}
`))
	if err != nil {
		t.Fatal(err)
	}
	f := Flow{StartNs: t0Ns, EndNs: t0Ns, Packets: 1, Bytes: 40, SrcIP: ip(198, 18, 0, 1),
		DstIP: ip(198, 19, 0, 7), SrcPort: 61000, DstPort: 80, Proto: 6,
		TCPFlags: record.FlagSYN}
	r := NewSynth(DefaultSynth(), nil).Records(&f, nil)[0]
	if m := anyHeader.Match(&r); m.Entry >= 0 || m.Score != 100 {
		t.Errorf("any-header entry: entry %d, score %d; want none, 100", m.Entry, m.Score)
	}

	// An entry whose constant is the very IP ID the placeholder would be.
	constDB, err := fingerprint.Parse([]byte(`
scoring: {weights: {window: 30, mss: 20, wscale: 25, options: 25}, match: 60}
entries:
  - {name: c, tool: c, probes: [syn], ipid: "const:` + strconv.Itoa(int(r.IPID)) + `"}
`))
	if err != nil {
		t.Fatal(err)
	}
	s := NewSynth(DefaultSynth(), constDB)
	got := s.Records(&f, nil)[0]
	if m := constDB.Match(&got); m.Exact >= 0 || s.Counters().Altered != 1 {
		t.Errorf("relation %d, altered %d; want none, 1", m.Exact, s.Counters().Altered)
	}
}
