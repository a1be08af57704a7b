package detector

import "math/bits"

// bucketSlots is the associativity of the hot table: a source can live in
// any of the 8 slots of its bucket (256 bytes, four cache lines).
const bucketSlots = 8

// noEntry marks an empty fingerprint or relation field of a hot entry.
const noEntry = 0xff

// Bits of hot.flags.
const (
	hotUsed = 1 << iota
)

// hot is the state kept for every source: exactly 32 bytes, no pointers.
// Times are in milliseconds since the table's epoch (the first packet), so
// they wrap after 49 days; every comparison is a wrap-safe difference.
type hot struct {
	ip        uint32
	lastMs    uint32
	firstMs   uint32
	probes    uint32
	detail    uint32 // index+1 into the detail pool, 0 when none
	fpSum     uint16 // header scores before promotion, saturating
	dstSketch uint16 // one bit per hashed target: a 16-bit linear counter
	earlySYNs uint16 // SYN probes before promotion, saturating
	fpEntry   uint8  // fingerprint entry of the current run, noEntry if none
	fpRun     uint8  // probes in a row matching fpEntry, saturating
	exEntry   uint8  // entry whose exact relation holds, noEntry if none
	exRun     uint8  // probes in a row the relation held on, saturating
	level     uint8  // highest severity emitted << 1 | whether it named the tool
	flags     uint8
}

// table is the hot tier: a set-associative hash table of fixed capacity.
type table struct {
	slots     []hot
	mask      uint32 // bucket count - 1
	used      int
	evictions uint64
}

func newTable(maxSources int) *table {
	buckets := (maxSources + bucketSlots - 1) / bucketSlots
	n := 1 << bits.Len(uint(buckets-1))
	return &table{slots: make([]hot, n*bucketSlots), mask: uint32(n - 1)}
}

// mix32 is a 32-bit finaliser (murmur3's). The worker shard comes from the
// high bits of a different multiplicative hash, so the bucket must not.
func mix32(x uint32) uint32 {
	x ^= x >> 16
	x *= 0x85ebca6b
	x ^= x >> 13
	x *= 0xc2b2ae35
	x ^= x >> 16
	return x
}

func (t *table) bucket(ip uint32) []hot {
	b := int(mix32(ip)&t.mask) * bucketSlots
	return t.slots[b : b+bucketSlots : b+bucketSlots]
}

// lookup returns the entry of ip, or nil.
func (t *table) lookup(ip uint32) *hot {
	b := t.bucket(ip)
	for i := range b {
		if b[i].ip == ip && b[i].flags&hotUsed != 0 {
			return &b[i]
		}
	}
	return nil
}

// insert returns ip's entry and its slot, creating it when absent. When
// the bucket is full the stalest entry gives way; evicted is its old
// content so the caller can release what it owned.
func (t *table) insert(ip, nowMs uint32) (h *hot, slot uint32, created bool, evicted hot) {
	base := mix32(ip) & t.mask * bucketSlots
	b := t.slots[base : base+bucketSlots : base+bucketSlots]
	var free, stalest *hot
	var oldest, freeSlot, stalestSlot uint32
	for i := range b {
		e := &b[i]
		if e.flags&hotUsed == 0 {
			if free == nil {
				free, freeSlot = e, base+uint32(i)
			}
			continue
		}
		if e.ip == ip {
			return e, base + uint32(i), false, hot{}
		}
		if age := nowMs - e.lastMs; stalest == nil || age > oldest ||
			age == oldest && e.probes < stalest.probes {
			stalest, oldest, stalestSlot = e, age, base+uint32(i)
		}
	}
	if free == nil {
		evicted = *stalest
		free, freeSlot = stalest, stalestSlot
		t.evictions++
		t.used--
	}
	*free = hot{ip: ip, lastMs: nowMs, firstMs: nowMs, flags: hotUsed,
		fpEntry: noEntry, exEntry: noEntry}
	t.used++
	return free, freeSlot, true, evicted
}

// sketchBit returns the bit of a 16-bit linear counter for value v.
func sketchBit(v uint32) uint16 {
	return 1 << (mix32(v) >> 28)
}

// prefetch starts loading ip's bucket into cache, so that a lookup or
// insert a few packets later finds it there instead of waiting on memory.
func (t *table) prefetch(ip uint32) {
	prefetchBucket(&t.slots[int(mix32(ip)&t.mask)*bucketSlots])
}
