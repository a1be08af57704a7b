package netflow

import (
	"net/netip"
	"sync/atomic"
)

// maxExporters is the most exporters a decoder can tell apart: an
// exporter's index travels in 16 bits.
const maxExporters = 4096

// exporter is the decoder's state for one exporter: its templates, the data
// sets waiting for a template, and what its options records said.
type exporter struct {
	info     *ExporterInfo
	tmpl     *templates
	pending  []pendingSet
	pendSize int
	domains  map[uint32]*domain
	lastNs   int64 // when it was last heard, for eviction
}

// domain is what an observation domain (IPFIX) or source ID (v9) of one
// exporter announced in options records.
type domain struct {
	sampling uint32 // 1-in-N packet sampling; 0 when not announced
	bootNs   int64  // systemInitTimeMilliseconds, in ns
	bootOK   bool
}

// pendingSet is a data set that arrived before its template.
type pendingSet struct {
	version   uint16
	obsDomain uint32
	id        uint16
	data      []byte
	tb        timeBase
	recvNs    int64
}

// ExporterInfo describes one exporter to the alert stage. Its address is
// fixed for the life of the value; the sampling rate is updated as flows
// arrive and may be read from any goroutine.
type ExporterInfo struct {
	Addr netip.AddrPort
	gen  uint16 // how many exporters held this index before
	// sampling is the rate of the exporter's last flow that yielded
	// probes: 1 in sampling packets was counted.
	sampling atomic.Uint32
}

// Sampling returns the sampling rate of the exporter's last flow that
// yielded probes, 1 when unsampled.
func (e *ExporterInfo) Sampling() uint32 { return max(e.sampling.Load(), 1) }

// exporters is the decoder's table of exporters, by address. Indices are
// reused when an exporter is evicted; the origin table tells the old and
// new occupant apart by their ExporterInfo pointers.
type exporters struct {
	byAddr map[netip.AddrPort]uint16
	list   []*exporter
	max    int
	infos  []atomic.Pointer[ExporterInfo] // by index, read by the alert stage
}

func newExporters(maxN int) *exporters {
	return &exporters{
		byAddr: make(map[netip.AddrPort]uint16),
		max:    maxN,
		infos:  make([]atomic.Pointer[ExporterInfo], maxN),
	}
}

// get returns the exporter at addr and its index, making it when new. When
// the table is full the exporter heard from least recently is forgotten,
// templates and all, and reports evicted.
func (t *exporters) get(addr netip.AddrPort, nowNs int64, maxTemplates int) (
	ex *exporter, idx uint16, created, evicted bool) {
	if i, ok := t.byAddr[addr]; ok {
		ex = t.list[i]
		ex.lastNs = nowNs
		return ex, i, false, false
	}
	ex = &exporter{
		info:    &ExporterInfo{Addr: addr},
		tmpl:    newTemplates(maxTemplates),
		domains: make(map[uint32]*domain),
		lastNs:  nowNs,
	}
	if len(t.list) < t.max {
		idx = uint16(len(t.list))
		t.list = append(t.list, ex)
	} else {
		idx = t.stalest()
		old := t.list[idx].info
		delete(t.byAddr, old.Addr)
		ex.info.gen = old.gen + 1
		t.list[idx] = ex
		evicted = true
	}
	t.byAddr[addr] = idx
	t.infos[idx].Store(ex.info)
	return ex, idx, true, evicted
}

// stalest returns the index of the exporter heard from least recently.
func (t *exporters) stalest() uint16 {
	best := 0
	for i, ex := range t.list {
		if ex.lastNs < t.list[best].lastNs {
			best = i
		}
	}
	return uint16(best)
}

// domain returns the state of one observation domain of ex.
func (ex *exporter) domain(id uint32) *domain {
	d, ok := ex.domains[id]
	if !ok {
		// An exporter has a handful of domains (line cards); a packet
		// naming thousands is hostile and shares one entry.
		if len(ex.domains) >= 64 {
			id = 0
			if d, ok = ex.domains[id]; ok {
				return d
			}
		}
		d = &domain{}
		ex.domains[id] = d
	}
	return d
}
