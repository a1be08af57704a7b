package fingerprint

import (
	"strings"
	"testing"

	"scanguard/record"
)

// syn builds a TCP probe with the given header fields.
func syn(win uint16, ttl uint8, opts uint32, meta uint8) record.Record {
	return record.Record{Proto: record.ProtoTCP, Family: 4, Flags: record.FlagSYN,
		Window: win, TTL: ttl, OptKinds: opts, Meta: meta,
		SrcIP: 0xc6120001, DstIP: 0xc6130a07, SrcPort: 54652, DstPort: 80, Seq: 0xc62603c7}
}

// masscanProbe returns a probe as masscan 1.3.2 sends it: IP ID derived from
// target and cookie.
func masscanProbe() record.Record {
	r := syn(1024, 255, 0, 0)
	r.IPID = uint16(r.DstIP ^ uint32(r.DstPort) ^ r.Seq)
	return r
}

func TestMatch(t *testing.T) {
	db := Default()
	linux := syn(64240, 64, 0x31842, record.MetaDF|record.MetaHasMSS|record.MetaHasWScale|
		record.MetaHasTS)
	linux.MSS, linux.WScale = 1460, 7
	nmap := syn(1024, 44, record.OptMSS, record.MetaHasMSS)
	nmap.MSS = 1460
	zmap := syn(65535, 255, 0, 0)
	zmap.IPID = 54321
	zmapICMP := record.Record{Proto: record.ProtoICMP, Family: 4, DstPort: 8 << 8, IPID: 54321,
		TTL: 255}
	mirai := syn(14000, 64, 0, 0)
	mirai.Seq = mirai.DstIP
	hping := syn(512, 64, 0, 0)
	tests := []struct {
		name     string
		r        record.Record
		entry    string
		exact    string
		scoreMin uint8
		scoreMax uint8
	}{
		{"masscan", masscanProbe(), "masscan", "masscan", 100, 100},
		{"masscan without the relation", syn(1024, 255, 0, 0), "", "", 100, 100},
		{"current masscan", masscanCurrent(), "masscan-current", "masscan-current", 100, 100},
		{"zmap", zmap, "zmap", "zmap", 100, 100},
		{"zmap icmp", zmapICMP, "", "zmap", 0, 0},
		{"nmap syn", nmap, "nmap-syn", "", 100, 100},
		{"hping3", hping, "hping3", "", 100, 100},
		{"mirai", mirai, "mirai", "mirai", 100, 100},
		{"linux client", linux, "", "", 0, 30},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := db.Match(&tt.r)
			if got := db.Name(int(m.Entry)); got != tt.entry {
				t.Errorf("entry = %q, want %q", got, tt.entry)
			}
			if got := db.Name(int(m.Exact)); got != tt.exact {
				t.Errorf("exact = %q, want %q", got, tt.exact)
			}
			if m.Score < tt.scoreMin || m.Score > tt.scoreMax {
				t.Errorf("score = %d, want %d..%d", m.Score, tt.scoreMin, tt.scoreMax)
			}
		})
	}
}

func TestPairHolds(t *testing.T) {
	db := Default()
	nmapIdx := -1
	for i := 0; i < db.Len(); i++ {
		if db.Name(i) == "nmap-syn" {
			nmapIdx = i
		}
	}
	a := syn(1024, 44, record.OptMSS, record.MetaHasMSS)
	b := a
	b.DstPort = 443
	if !db.PairHolds(nmapIdx, &a, &b) {
		t.Error("same sequence to a new target: want the pair relation to hold")
	}
	c := b
	c.Seq++
	if db.PairHolds(nmapIdx, &b, &c) {
		t.Error("a new sequence number: want no relation")
	}
	if db.PairHolds(nmapIdx, &a, &a) {
		t.Error("a retransmission to the same target: want no relation")
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name string
		yaml string
		want []string
	}{
		{"unknown key", "scoring: {match: 60, weights: {window: 30}}\nentries: []\nextra: 1\n",
			[]string{"extra"}},
		{"every problem at once", `
scoring: {match: 0, weights: {window: 30, mss: 20, wscale: 25, options: 25}}
entries:
  - {name: a, tool: x, probes: [syn, bogus], window: [70000], options: "MSS,FOO"}
  - {name: b, tool: y, probes: [syn], ipid: "const:x"}
`, []string{"scoring.match", `unknown probe "bogus"`, "70000", `unknown option "FOO"`,
			"entries[1] (b)"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse([]byte(tt.yaml))
			if err == nil {
				t.Fatal("want an error")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
		})
	}
}

func FuzzParse(f *testing.F) {
	f.Add(defaultYAML)
	f.Add([]byte("entries: [{name: a, tool: b, probes: [syn], ttl: [9, 1]}]"))
	f.Fuzz(func(t *testing.T, b []byte) {
		db, err := Parse(b)
		if err != nil {
			return
		}
		r := masscanProbe()
		db.Match(&r)
	})
}

func BenchmarkMatch(b *testing.B) {
	db := Default()
	r := masscanProbe()
	b.ReportAllocs()
	for b.Loop() {
		db.Match(&r)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N), "ns/pkt")
}

// MatchCached must agree with Match on every probe, whatever the cache
// holds: random headers drawn from a small set so slots are reused.
func TestMatchCachedAgrees(t *testing.T) {
	db := Default()
	var c Cache
	windows := []uint16{1024, 1025, 65535, 512, 64240, 2048}
	ttls := []uint8{255, 250, 64, 44, 37, 128}
	opts := []uint32{0, record.OptMSS, 0x31842, 0x411312}
	for i := 0; i < 200000; i++ {
		x := uint32(i) * 2654435761
		r := masscanProbe()
		r.Window = windows[x%6]
		r.TTL = ttls[(x>>3)%6]
		r.OptKinds = opts[(x>>6)%4]
		if r.OptKinds != 0 {
			r.Meta |= record.MetaHasMSS
			r.MSS = 1460
		}
		if x&(1<<10) != 0 {
			r.Seq = x // breaks masscan's relation
		}
		if x&(1<<11) != 0 {
			r.Flags = record.FlagFIN
		}
		if got, want := db.MatchCached(&c, &r), db.Match(&r); got != want {
			t.Fatalf("probe %d %+v: cached %+v, want %+v", i, r, got, want)
		}
	}
}

func BenchmarkMatchCached(b *testing.B) {
	db := Default()
	var c Cache
	r := masscanProbe()
	b.ReportAllocs()
	for b.Loop() {
		db.MatchCached(&c, &r)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N), "ns/pkt")
}

// masscanCurrent returns a probe as masscan's source since late 2023 sends
// it: window 1025 and an MSS option, the same IP-ID relation.
func masscanCurrent() record.Record {
	r := masscanProbe()
	r.Window, r.OptKinds, r.Meta, r.MSS = 1025, record.OptMSS, record.MetaHasMSS, 1460
	return r
}
