package netflow

import (
	"net/netip"
	"sync/atomic"
)

// originSlots is the size of the origin table: a direct-mapped cache, one
// 8-byte slot per recent prober.
const originSlots = 1 << 16

// origins remembers which exporter reported each recent prober, for the
// alert stage: a verdict carries the source's address only. The reading
// goroutine writes a slot for every flow that yields probes; alerts read
// it from the workers' goroutines. Two probers whose addresses share a
// slot overwrite each other, and the loser's alert then names no exporter.
type origins struct {
	slots [originSlots]atomic.Uint64
	infos []atomic.Pointer[ExporterInfo]
}

// originSlot spreads an address over the table (Fibonacci hashing).
func originSlot(ip uint32) uint32 { return (ip * 0x9e3779b1) >> 16 }

// note records that exporter idx, in its generation gen, reported probes
// from ip. The generation tells an evicted exporter from the one that took
// its index.
func (o *origins) note(ip uint32, idx, gen uint16) {
	v := uint64(ip)<<32 | uint64(idx)<<16 | uint64(gen&0x7fff)<<1 | 1
	s := &o.slots[originSlot(ip)]
	if s.Load() != v {
		s.Store(v)
	}
}

// lookup returns the exporter that last reported probes from ip.
func (o *origins) lookup(ip uint32) (*ExporterInfo, bool) {
	v := o.slots[originSlot(ip)].Load()
	if v&1 == 0 || uint32(v>>32) != ip {
		return nil, false
	}
	idx := int(uint16(v >> 16))
	if idx >= len(o.infos) {
		return nil, false
	}
	info := o.infos[idx].Load()
	if info == nil || info.gen&0x7fff != uint16(v>>1)&0x7fff {
		return nil, false
	}
	return info, true
}

// addrBits turns an IPv4 address into the Record's host-order number.
func addrBits(a netip.Addr) (uint32, bool) {
	if !a.Is4() && !a.Is4In6() {
		return 0, false
	}
	b := a.Unmap().As4()
	return uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3]), true
}
