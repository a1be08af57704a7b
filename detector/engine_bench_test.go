package detector

import (
	"slices"
	"testing"

	"scanguard/detector/fingerprint"
	"scanguard/fusion"
	"scanguard/record"
)

// Benchmarks of the detector's stages, one packet per operation. Compare
// two runs with
//
//	go test -run '^$' -bench 'Table|Decision|Match' -count 10 ./detector > new.txt
//	benchstat old.txt new.txt

// reportRate adds the per-packet metrics every stage benchmark reports.
func reportRate(b *testing.B, packets int) {
	ns := float64(b.Elapsed().Nanoseconds())
	b.ReportMetric(ns/float64(packets), "ns/pkt")
	b.ReportMetric(float64(packets)/ns*1e3, "Mpps")
}

// keys returns n distinct pseudo-random IPv4 addresses.
func keys(n int) []uint32 {
	k := make([]uint32, n)
	for i := range k {
		k[i] = mix32(uint32(i)*0x9e3779b9 + 1)
	}
	return k
}

// BenchmarkTableLookup finds sources that are in the table: a few thousand
// (the table's used part fits in L2) or 700,000 spread over the default
// 32 MiB table, where every lookup is a cache miss.
func BenchmarkTableLookup(b *testing.B) {
	for _, tc := range []struct {
		name    string
		sources int
	}{{"4k", 4 << 10}, {"700k", 700_000}} {
		b.Run(tc.name, func(b *testing.B) {
			t := newTable(Default().MaxSources)
			ks := keys(tc.sources)
			for _, k := range ks {
				t.insert(k, 1)
			}
			// A full bucket evicts; look up only the sources that stayed.
			ks = slices.DeleteFunc(ks, func(k uint32) bool { return t.lookup(k) == nil })
			b.ReportAllocs()
			i, found := 0, 0
			for b.Loop() {
				if t.lookup(ks[i%len(ks)]) != nil {
					found++
				}
				i++
			}
			if found != i {
				b.Fatalf("found %d of %d", found, i)
			}
			reportRate(b, i)
		})
	}
}

// BenchmarkTableInsert inserts sources into a full table: known sources
// (a hit), and new ones that evict the stalest of their bucket, as a
// spoofed flood does.
func BenchmarkTableInsert(b *testing.B) {
	for _, tc := range []struct {
		name  string
		fresh bool
	}{{"known", false}, {"new-evicting", true}} {
		b.Run(tc.name, func(b *testing.B) {
			t := newTable(Default().MaxSources)
			ks := keys(len(t.slots) * 2)
			for _, k := range ks[:len(t.slots)] {
				t.insert(k, 1)
			}
			pool := ks[:len(t.slots)/2]
			if tc.fresh {
				pool = ks
			}
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				t.insert(pool[i%len(pool)], uint32(2+i>>10))
				i++
			}
			reportRate(b, i)
		})
	}
}

// masscanProbe fills r with probe i of a masscan 1.3.2 scan from src.
func masscanProbe(r *record.Record, src uint32, i int) {
	dst, port := mix32(uint32(i)), uint16(mix32(uint32(i)+7))
	seq := mix32(dst ^ uint32(port))
	*r = record.Record{TsNs: int64(i) * 10_000, SrcIP: src, DstIP: dst, SrcPort: 41234,
		DstPort: port, Seq: seq, IPID: uint16(dst ^ uint32(port) ^ seq), Window: 1024,
		TTL: 255, Flags: record.FlagSYN, Proto: record.ProtoTCP, Family: 4}
}

// BenchmarkMatch scores one probe against the shipped fingerprint
// database, the packet layer's per-probe cost: in full, and through the
// per-worker header cache Process uses.
func BenchmarkMatch(b *testing.B) {
	db := fingerprint.Default()
	var masscan, linux record.Record
	masscanProbe(&masscan, 1, 1)
	linux = record.Record{SrcIP: 2, DstIP: 3, SrcPort: 40000, DstPort: 443, Window: 64240,
		TTL: 64, Flags: record.FlagSYN, Proto: record.ProtoTCP, Family: 4, MSS: 1460,
		WScale: 7, OptKinds: 0x31842,
		Meta: record.MetaDF | record.MetaHasMSS | record.MetaHasWScale | record.MetaHasTS}
	for _, tc := range []struct {
		name string
		r    *record.Record
	}{{"masscan", &masscan}, {"linux", &linux}} {
		b.Run(tc.name, func(b *testing.B) {
			b.ReportAllocs()
			n := 0
			for b.Loop() {
				_ = db.Match(tc.r)
				n++
			}
			reportRate(b, n)
		})
		b.Run(tc.name+"-cached", func(b *testing.B) {
			var c fingerprint.Cache
			b.ReportAllocs()
			n := 0
			for b.Loop() {
				_ = db.MatchCached(&c, tc.r)
				n++
			}
			reportRate(b, n)
		})
	}
}

// BenchmarkDecision measures one decision on a suspect whose sample rings
// are full: the three layers' statistics and fusion. Decisions run on
// every probe of a suspect's first DecideEveryUntil, then at checkpoints.
func BenchmarkDecision(b *testing.B) {
	db := fingerprint.Default()
	d, err := New(Default(), db, fusion.New(fusion.Default(), db))
	if err != nil {
		b.Fatal(err)
	}
	recs := make([]record.Record, 1000)
	for i := range recs {
		masscanProbe(&recs[i], 0x0a000001, i)
	}
	d.Process(recs, nil)
	h := d.t.lookup(0x0a000001)
	dt := d.suspect(h)
	if dt == nil {
		b.Fatal("the scanner was not promoted")
	}
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		ev := d.evidence(h, dt, recs[len(recs)-1].TsNs)
		_ = d.fuser.Decide(&ev)
		n++
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(n), "ns/decision")
}
