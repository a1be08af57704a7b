package detector

import (
	"cmp"
	"slices"

	"math/bits"

	"scanguard/detector/fingerprint"
	"scanguard/fusion"
	"scanguard/record"
)

// Stats are a Detector's counters. They are plain fields: read them from
// the worker's goroutine, or copy them out with Stats.
type Stats struct {
	Records         uint64 // records handed to Process
	Probes          uint64 // probes among them
	Replies         uint64 // SYN-ACKs, RSTs and ICMP answers
	Others          uint64 // other packets
	Skipped         uint64 // records that are not IPv4
	Sources         uint64 // sources in the hot tier now
	Evictions       uint64 // sources evicted from the hot tier
	Suspects        uint64 // sources in the detail tier now
	DetailEvictions uint64 // suspects whose details were reclaimed
	Decisions       uint64 // fusion decisions taken
	Verdicts        uint64 // verdicts emitted (escalations)
}

// Detector runs the three layers and fusion over one shard of the sources.
// It is not safe for concurrent use: each worker owns one.
type Detector struct {
	cfg    Config
	db     *fingerprint.DB
	fuser  *fusion.Fuser
	t      *table
	p      *pool
	stats  Stats
	epoch  int64
	epoch0 bool
	idleMs int32
	quiet  uint32 // see fusion.Fuser.QuietBelow
	checks []uint32
	sc     scratch
	fpc    fingerprint.Cache
	obs    observer
}

// New returns a Detector for a validated configuration.
func New(cfg Config, db *fingerprint.DB, f *fusion.Fuser) (*Detector, error) {
	if err := cfg.Validate("detector"); err != nil {
		return nil, err
	}
	return &Detector{
		cfg:    cfg,
		db:     db,
		fuser:  f,
		t:      newTable(cfg.MaxSources),
		p:      newPool(cfg.MaxSuspects),
		idleMs: int32(min(cfg.Idle.Milliseconds(), 1<<30)),
		checks: cfg.Checkpoints,
		quiet:  f.QuietBelow(),
	}, nil
}

// Stats returns a copy of the counters.
func (d *Detector) Stats() Stats {
	s := d.stats
	s.Sources = uint64(d.t.used)
	s.Evictions = d.t.evictions
	s.Suspects = uint64(len(d.p.d) - len(d.p.free))
	s.DetailEvictions = d.p.evictions
	return s
}

// ms converts a packet time into table time.
func (d *Detector) ms(tsNs int64) uint32 {
	if !d.epoch0 {
		d.epoch, d.epoch0 = tsNs, true
	}
	return uint32((tsNs - d.epoch) / 1e6)
}

// prefetchAhead is how many packets ahead Process prefetches table
// buckets: enough to cover a memory access at the per-packet cost.
const prefetchAhead = 6

// Process runs every record through the engines and appends to out the
// verdicts that escalated a source. It does not allocate unless out grows.
func (d *Detector) Process(recs []record.Record, out []fusion.Verdict) []fusion.Verdict {
	for i := range recs {
		// The table is far larger than the caches: start fetching the
		// bucket of a packet a few ahead while this one is processed.
		if j := i + prefetchAhead; j < len(recs) {
			d.t.prefetch(recs[j].Key())
		}
		r := &recs[i]
		d.stats.Records++
		if r.Family != 4 {
			d.stats.Skipped++
			continue
		}
		switch {
		case r.IsReply():
			d.stats.Replies++
			d.reply(r)
		case r.IsProbe():
			m := d.db.MatchCached(&d.fpc, r)
			if r.Flags&record.FlagACK != 0 && m.Entry < 0 && m.Exact < 0 {
				// A bare ACK is a probe only with a scanner's header:
				// Windows clients send optionless ACKs on every
				// connection.
				d.stats.Others++
				d.other(r)
				continue
			}
			d.stats.Probes++
			out = d.probe(r, m, d.ms(r.TsNs), out)
		default:
			d.stats.Others++
			d.other(r)
		}
	}
	return out
}

// suspect returns the detail of h, or nil.
func (d *Detector) suspect(h *hot) *detail {
	if h == nil || h.detail == 0 {
		return nil
	}
	return &d.p.d[h.detail-1]
}

// reply credits an answer to the prober it answers.
func (d *Detector) reply(r *record.Record) {
	dt := d.suspect(d.t.lookup(r.DstIP))
	if dt == nil {
		return
	}
	switch {
	case r.Proto == record.ProtoTCP && r.Flags&record.FlagRST != 0,
		r.Proto == record.ProtoICMP && r.DstPort>>8 != 0:
		dt.refused++
	default:
		dt.answered++
	}
}

// other notes what else a suspect sends: data (clients use their
// connections, scanners do not) and bare RSTs (a prober tearing down the
// handshakes its probes started).
func (d *Detector) other(r *record.Record) {
	rst := r.Proto == record.ProtoTCP && r.Flags&record.FlagRST != 0
	if r.Meta&record.MetaPayload == 0 && !rst {
		return
	}
	dt := d.suspect(d.t.lookup(r.SrcIP))
	if dt == nil {
		return
	}
	if rst {
		dt.srcRSTs++
	} else {
		dt.payload++
	}
}

// probe is the per-probe step of the packet layer, and the decision when
// one is due.
func (d *Detector) probe(r *record.Record, m fingerprint.Match, nowMs uint32,
	out []fusion.Verdict) []fusion.Verdict {
	h, slot, created, old := d.t.insert(r.SrcIP, nowMs)
	if old.detail != 0 {
		d.p.release(old.detail - 1)
	}
	if !created {
		if age := int32(nowMs - h.lastMs); age > d.idleMs {
			// A new episode: the source was silent longer than Idle.
			if h.detail != 0 {
				d.p.release(h.detail - 1)
			}
			*h = hot{ip: h.ip, firstMs: nowMs, flags: hotUsed, fpEntry: noEntry,
				exEntry: noEntry}
		}
		if int32(nowMs-h.lastMs) > 0 {
			h.lastMs = nowMs
		}
	}
	h.probes++
	h.dstSketch |= sketchBit(r.DstIP ^ uint32(r.DstPort)<<16)

	dt := d.suspect(h)
	exact := int(m.Exact)
	if exact < 0 && m.Entry >= 0 && dt != nil && dt.probes > 0 &&
		d.db.PairHolds(int(m.Entry), &dt.prev, r) {
		exact = int(m.Entry)
	}
	d.track(h, r, m, exact, dt != nil)

	if dt == nil && d.promotable(h, m, exact) {
		dt = d.promote(h, slot, r, nowMs)
	}
	if dt == nil {
		// Not sampled: count its SYNs so the evidence has them all.
		if r.IsSYN() && h.earlySYNs < 0xffff {
			h.earlySYNs++
		}
		return out
	}
	dt.observe(r, m.Score, nowMs)
	if exact >= 0 {
		dt.exHits++
	}
	if !d.due(h.probes) || h.probes < d.quiet && h.fpRun == 0 && h.exRun == 0 {
		return out
	}
	return d.decide(h, dt, r.TsNs, out)
}

// track updates the runs of fingerprint matches and exact relations.
func (d *Detector) track(h *hot, r *record.Record, m fingerprint.Match, exact int, promoted bool) {
	isTCP := r.Proto == record.ProtoTCP
	if !promoted && isTCP {
		h.fpSum = uint16(min(uint32(h.fpSum)+uint32(m.Score), 0xffff))
	}
	switch {
	case m.Entry >= 0 && h.fpEntry == uint8(m.Entry):
		h.fpRun = uint8(min(uint32(h.fpRun)+1, 255))
	case m.Entry >= 0:
		h.fpEntry, h.fpRun = uint8(m.Entry), 1
	case isTCP:
		h.fpEntry, h.fpRun = noEntry, 0
	}
	switch {
	case exact >= 0 && h.exEntry == uint8(exact):
		h.exRun = uint8(min(uint32(h.exRun)+1, 255))
	case exact >= 0 && d.db.HasPairRelation(exact):
		// A pair relation held between this probe and the previous one:
		// both count.
		h.exEntry, h.exRun = uint8(exact), 2
	case exact >= 0:
		h.exEntry, h.exRun = uint8(exact), 1
	case h.exEntry == noEntry || d.db.Applies(int(h.exEntry), r):
		// A probe of a kind the relation covers breaks the run; masscan's
		// relation says nothing of its UDP probes, so those do not.
		h.exEntry, h.exRun = noEntry, 0
	}
}

// promotable reports whether a source has earned a detail entry: an exact
// relation on this probe, a fingerprint whose relation compares probes
// (so the next probe can be checked), two probes in a row matching one
// fingerprint sent to two targets, or enough probes to enough targets. A
// spoofed flood with a tool's header, a packet or two per source at one
// victim, earns none.
func (d *Detector) promotable(h *hot, m fingerprint.Match, exact int) bool {
	switch {
	case exact >= 0:
		return true
	case m.Entry >= 0 && d.db.HasPairRelation(int(m.Entry)):
		return true
	case m.Entry >= 0 && h.fpRun >= 2 && bits.OnesCount16(h.dstSketch) >= 2:
		return true
	}
	return h.probes >= d.cfg.PromoteProbes &&
		uint32(bits.OnesCount16(h.dstSketch)) >= d.cfg.PromoteTargets
}

// promote gives h (in hot slot slot) a detail entry, reclaiming the
// stalest one when the tier is full.
func (d *Detector) promote(h *hot, slot uint32, r *record.Record, nowMs uint32) *detail {
	idx, victimSlot, evicted := d.p.alloc(h.ip, slot, nowMs)
	if evicted {
		if vh := &d.t.slots[victimSlot]; vh.detail == idx+1 {
			vh.detail = 0
		}
	}
	h.detail = idx + 1
	dt := &d.p.d[idx]
	dt.firstNs = r.TsNs
	if h.probes > 1 {
		dt.firstNs = d.epoch + int64(h.firstMs)*1e6
	}
	return dt
}

// due reports whether a decision is taken at this probe count.
func (d *Detector) due(n uint32) bool {
	if n <= d.cfg.DecideEveryUntil {
		return true
	}
	for _, c := range d.checks {
		if c == n {
			return true
		}
	}
	last := uint32(0)
	if len(d.checks) > 0 {
		last = d.checks[len(d.checks)-1]
	}
	return n > last && n%d.cfg.DecideEvery == 0
}

// decide fuses the evidence of one suspect and emits an escalation.
func (d *Detector) decide(h *hot, dt *detail, nowNs int64, out []fusion.Verdict) []fusion.Verdict {
	d.stats.Decisions++
	dt.decided = dt.probes
	ev := d.evidence(h, dt, nowNs)
	v := d.fuser.Decide(&ev)
	d.obs.see(&v)
	// A verdict escalates when its severity rises, or when it names the
	// tool at the same severity: a connect scan first alerted as a port
	// scan by the vote is alerted again once its rule names nmap.
	level := uint8(v.Severity) << 1
	if v.Tool != "" {
		level |= 1
	}
	if !v.Alerting() || level <= h.level {
		return out
	}
	h.level = level
	d.stats.Verdicts++
	return append(out, v)
}

// Flush takes a last decision for every suspect that sent probes since its
// last one, as at the end of a capture, and appends the escalations.
func (d *Detector) Flush(out []fusion.Verdict) []fusion.Verdict {
	for i := range d.p.d {
		dt := &d.p.d[i]
		if !dt.inUse || dt.decided == dt.probes {
			continue
		}
		h := d.t.lookup(dt.owner)
		if h == nil || h.detail != uint32(i)+1 {
			continue
		}
		out = d.decide(h, dt, dt.lastNs, out)
	}
	return out
}

// SourceSummary describes one tracked source for reports.
type SourceSummary struct {
	IP          uint32
	Probes      uint32
	FirstSeenNs int64
	LastSeenNs  int64
	Severity    fusion.Severity // highest severity emitted
}

// Top returns up to n tracked sources with the most probes, most first;
// none when n <= 0.
func (d *Detector) Top(n int) []SourceSummary {
	if n <= 0 {
		return nil
	}
	var all []SourceSummary
	for i := range d.t.slots {
		h := &d.t.slots[i]
		if h.flags&hotUsed == 0 || h.probes == 0 {
			continue
		}
		s := SourceSummary{IP: h.ip, Probes: h.probes, Severity: fusion.Severity(h.level >> 1),
			FirstSeenNs: d.epoch + int64(h.firstMs)*1e6, LastSeenNs: d.epoch + int64(h.lastMs)*1e6}
		if dt := d.suspect(h); dt != nil {
			s.FirstSeenNs, s.LastSeenNs = dt.firstNs, dt.lastNs
		}
		all = append(all, s)
	}
	slices.SortFunc(all, func(a, b SourceSummary) int {
		if a.Probes != b.Probes {
			return cmp.Compare(b.Probes, a.Probes)
		}
		return cmp.Compare(a.IP, b.IP)
	})
	return all[:min(n, len(all))]
}
