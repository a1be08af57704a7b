package detector

import (
	"math/rand/v2"
	"runtime"
	"testing"
	"unsafe"

	"scanguard/detector/fingerprint"
	"scanguard/fusion"
	"scanguard/record"
)

func TestHotStateIs32Bytes(t *testing.T) {
	if got := unsafe.Sizeof(hot{}); got != 32 {
		t.Fatalf("hot state is %d bytes, want 32", got)
	}
}

func TestTableEvictsStalest(t *testing.T) {
	tb := newTable(bucketSlots) // one bucket
	for i := uint32(0); i < bucketSlots; i++ {
		h, _, created, _ := tb.insert(100+i, i*10)
		if !created {
			t.Fatalf("source %d: not created", i)
		}
		h.probes = 1
	}
	// Touch the oldest so the second oldest becomes the stalest.
	tb.lookup(100).lastMs = 1000
	_, _, created, ev := tb.insert(999, 1001)
	if !created || ev.ip != 101 {
		t.Fatalf("evicted %d (created %v), want 101", ev.ip, created)
	}
	if tb.lookup(101) != nil || tb.lookup(999) == nil || tb.lookup(100) == nil {
		t.Error("table content after eviction is wrong")
	}
	if tb.evictions != 1 || tb.used != bucketSlots {
		t.Errorf("evictions %d used %d, want 1 and %d", tb.evictions, tb.used, bucketSlots)
	}
}

// masscanRecord returns masscan's probe to one target of the test range.
func masscanRecord(src uint32, rng *rand.Rand, tsNs int64) record.Record {
	r := record.Record{TsNs: tsNs, Family: 4, Proto: record.ProtoTCP, Flags: record.FlagSYN,
		SrcIP: src, DstIP: 198<<24 | 19<<16 | rng.Uint32N(1<<16), SrcPort: 54652,
		DstPort: uint16(1 + rng.IntN(1024)), Seq: rng.Uint32(), Window: 1024, TTL: 255}
	r.IPID = uint16(r.DstIP ^ uint32(r.DstPort) ^ r.Seq)
	return r
}

// floodRecord returns a SYN from a spoofed random source.
func floodRecord(rng *rand.Rand, tsNs int64) record.Record {
	return record.Record{TsNs: tsNs, Family: 4, Proto: record.ProtoTCP, Flags: record.FlagSYN,
		SrcIP: rng.Uint32(), DstIP: 198<<24 | 19<<16 | 7, SrcPort: uint16(rng.Uint32()),
		DstPort: 80, Seq: rng.Uint32(), IPID: uint16(rng.Uint32()),
		Window: uint16(rng.Uint32()), TTL: 64}
}

func newTestDetector(t testing.TB, cfg Config) *Detector {
	t.Helper()
	db := fingerprint.Default()
	d, err := New(cfg, db, fusion.New(fusion.Default(), db))
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// A million spoofed sources must neither grow memory past the caps nor
// hide a masscan that scans in the middle of them.
func TestSpoofedFloodStaysBoundedAndMasscanIsFound(t *testing.T) {
	cfg := Default()
	cfg.MaxSources = 1 << 16
	cfg.MaxSuspects = 1 << 10
	d := newTestDetector(t, cfg)
	capBytes := uint64(len(d.t.slots))*32 + uint64(len(d.p.d))*uint64(unsafe.Sizeof(detail{}))

	rng := rand.New(rand.NewPCG(7, 8))
	const total = 1_000_000
	const scanner = 0x0a0b0c0d
	batch := make([]record.Record, 0, 256)
	var verdicts []fusion.Verdict
	var found *fusion.Verdict
	var before runtime.MemStats
	ts := int64(1_700_000_000e9)
	for i := 0; i < total; i++ {
		ts += 1000
		// The scanner sends one probe in every 500 packets, starting in
		// the middle of the flood.
		if i > total/2 && i%500 == 0 {
			batch = append(batch, masscanRecord(scanner, rng, ts))
		} else {
			batch = append(batch, floodRecord(rng, ts))
		}
		if len(batch) == cap(batch) {
			verdicts = d.Process(batch, verdicts[:0])
			for j := range verdicts {
				if verdicts[j].SrcIP == scanner && found == nil {
					v := verdicts[j]
					found = &v
				}
			}
			batch = batch[:0]
		}
		if i == total/4 {
			runtime.GC()
			runtime.ReadMemStats(&before)
		}
	}
	var after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&after)

	st := d.Stats()
	if st.Sources > uint64(len(d.t.slots)) {
		t.Errorf("tracked %d sources, above the table's %d slots", st.Sources, len(d.t.slots))
	}
	if st.Evictions == 0 {
		t.Error("a million sources in a 65536-source table evicted none")
	}
	if grew := int64(after.HeapAlloc) - int64(before.HeapAlloc); grew > 1<<20 {
		t.Errorf("heap grew %d bytes during the flood, want it flat (caps total %d bytes)",
			grew, capBytes)
	}
	if found == nil {
		t.Fatal("masscan inside the flood was not detected")
	}
	if found.Tool != "masscan" || found.Probes > 3 {
		t.Errorf("verdict tool %q after %d probes, want masscan within 3", found.Tool, found.Probes)
	}
	t.Logf("sources %d evictions %d suspects %d; caps %d bytes; masscan named after %d probes",
		st.Sources, st.Evictions, st.Suspects, capBytes, found.Probes)
}
