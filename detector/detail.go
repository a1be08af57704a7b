package detector

import "scanguard/record"

// Sizes of the detail tier's sample rings. They bound what the statistics
// see: entropy and uniqueness over the last 256 source ports, timing over
// the last 128 probes, sequence and IP-ID tests over the last 64.
const (
	portRing = 256
	tsRing   = 128
	seqRing  = 64
	dstRing  = 128
)

// detail is the state kept for suspects only: the samples the flow and
// behaviour statistics need. It holds no pointers.
type detail struct {
	detailHead

	// The sample rings are read only up to the number of probes written
	// since promotion, so a reused detail needs no clearing of them.
	srcPorts [portRing]uint16
	ts       [tsRing]int64
	seq      [seqRing]uint32
	ipid     [seqRing]uint16
	dstIP    [dstRing]uint32
	dstPort  [dstRing]uint16

	// Linear counters of distinct destinations, ports and targets: 2048,
	// 2048 and 4096 bits. Exact below the ring sizes, estimates beyond.
	dstBits  [32]uint64
	portBits [32]uint64
	tgtBits  [64]uint64
}

// detailHead is the part of a detail that a promotion resets.
type detailHead struct {
	owner   uint32 // the source's address
	slot    uint32 // the source's hot-tier slot, stable while it lives
	inUse   bool
	lastMs  uint32
	firstNs int64
	lastNs  int64

	probes   uint32 // probes sampled since promotion
	seqN     uint32 // TCP probes sampled (the sequence ring)
	highPort uint32 // probes to a destination port of 1024 or more
	decided  uint32 // probes at the last decision
	syns     uint32
	fpSum    uint64
	fpCount  uint32
	exHits   uint32
	answered uint32
	refused  uint32
	payload  uint32
	srcRSTs  uint32 // bare RSTs the source sent
	portMin  uint16
	portMax  uint16
	prev     record.Record // the previous probe, for pair relations
}

// pool is the detail tier: a fixed array of details and a free list. When
// it is full, a clock hand samples a few entries and reclaims the stalest.
type pool struct {
	d         []detail
	free      []uint32
	hand      int
	evictions uint64
}

func newPool(n int) *pool {
	p := &pool{d: make([]detail, n), free: make([]uint32, n)}
	for i := range p.free {
		p.free[i] = uint32(n - 1 - i)
	}
	return p
}

// clockSample is how many entries the clock hand looks at to find a victim.
const clockSample = 8

// alloc returns a reset detail for owner, whose hot slot is slot, and its
// index. When the pool is full it evicts the stalest of clockSample entries
// and returns its former owner's slot so the caller can unlink it.
func (p *pool) alloc(owner, slot, nowMs uint32) (idx uint32, victimSlot uint32, evicted bool) {
	if n := len(p.free); n > 0 {
		idx = p.free[n-1]
		p.free = p.free[:n-1]
	} else {
		best, oldest := -1, uint32(0)
		for k := 0; k < clockSample; k++ {
			i := p.hand
			p.hand++
			if p.hand == len(p.d) {
				p.hand = 0
			}
			if age := nowMs - p.d[i].lastMs; best < 0 || age > oldest {
				best, oldest = i, age
			}
		}
		idx, victimSlot, evicted = uint32(best), p.d[best].slot, true
		p.evictions++
	}
	d := &p.d[idx]
	d.detailHead = detailHead{owner: owner, slot: slot, inUse: true, lastMs: nowMs,
		portMin: 0xffff}
	clear(d.dstBits[:])
	clear(d.portBits[:])
	clear(d.tgtBits[:])
	return idx, victimSlot, evicted
}

// release returns detail idx to the free list.
func (p *pool) release(idx uint32) {
	p.d[idx].inUse = false
	p.free = append(p.free, idx)
}

// setBit sets bit h of a linear counter.
func setBit(b []uint64, h uint32) {
	b[h>>6&uint32(len(b)-1)] |= 1 << (h & 63)
}

// observe records one probe in the sample rings and counters.
func (d *detail) observe(r *record.Record, score uint8, nowMs uint32) {
	i := d.probes
	d.probes++
	d.lastMs = nowMs
	d.lastNs = r.TsNs
	if r.IsSYN() {
		d.syns++
	}
	if r.Proto == record.ProtoTCP {
		d.fpSum += uint64(score)
		d.fpCount++
	}
	d.srcPorts[i%portRing] = r.SrcPort
	d.ts[i%tsRing] = r.TsNs
	if r.Proto == record.ProtoTCP {
		d.seq[d.seqN%seqRing] = r.Seq
		d.seqN++
	}
	if r.DstPort >= 1024 && r.Proto != record.ProtoICMP {
		d.highPort++
	}
	d.ipid[i%seqRing] = r.IPID
	d.dstIP[i%dstRing] = r.DstIP
	d.dstPort[i%dstRing] = r.DstPort
	d.portMin = min(d.portMin, r.SrcPort)
	d.portMax = max(d.portMax, r.SrcPort)
	setBit(d.dstBits[:], mix32(r.DstIP))
	setBit(d.portBits[:], mix32(uint32(r.DstPort)))
	setBit(d.tgtBits[:], mix32(r.DstIP^mix32(uint32(r.DstPort)+0x9e3779b9)))
	d.prev = *r
}
