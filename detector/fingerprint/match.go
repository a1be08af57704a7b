package fingerprint

import "scanguard/record"

// Match is the result of matching one probe against the database.
type Match struct {
	// Score is the best header score of any entry that applies to the
	// probe, 0..100 with the shipped weights.
	Score uint8
	// Entry is the best-scoring entry whose score reached the match level
	// and whose rules all hold, or -1.
	Entry int8
	// Exact is the first entry whose per-packet exact relation (an IP-ID or
	// sequence equation) holds on the probe, or -1.
	Exact int8
}

// probeClass returns the entry probe bit the record belongs to, or 0.
func probeClass(r *record.Record) uint8 {
	switch r.Proto {
	case record.ProtoUDP:
		return probeUDP
	case record.ProtoICMP:
		return probeICMP
	case record.ProtoTCP:
	default:
		return 0
	}
	f := r.Flags & (record.FlagSYN | record.FlagFIN | record.FlagPSH | record.FlagURG |
		record.FlagACK | record.FlagRST)
	switch f {
	case record.FlagSYN:
		return probeSYN
	case record.FlagFIN:
		return probeFIN
	case 0:
		return probeNull
	case record.FlagFIN | record.FlagPSH | record.FlagURG:
		return probeXmas
	case record.FlagACK, record.FlagFIN | record.FlagACK:
		return probeACK
	}
	return 0
}

// Match scores one probe. It does not allocate.
func (db *DB) Match(r *record.Record) Match {
	m := Match{Entry: -1, Exact: -1}
	class := probeClass(r)
	if class == 0 {
		return m
	}
	best := -1
	for i := range db.entries {
		e := &db.entries[i]
		if e.probes&class == 0 {
			continue
		}
		exact := e.hasExact && e.exactHolds(r)
		if exact && m.Exact < 0 {
			m.Exact = int8(i)
		}
		if r.Proto != record.ProtoTCP {
			// Header scores describe TCP headers; other probes are named
			// by exact relations only.
			continue
		}
		s, required := db.score(e, r)
		if !required {
			// An entry whose required field differs does not apply: it
			// neither matches nor lends the probe its score.
			continue
		}
		if s > int(m.Score) {
			m.Score = uint8(s)
		}
		if s < db.scoring.Match || s <= best || !e.rulesHold(r, exact) {
			continue
		}
		best, m.Entry = s, int8(i)
	}
	return m.preferEntry(db)
}

// preferEntry names the matched entry as the exact one when its own
// relation holds: masscan's versions share one IP-ID relation, and the
// header tells which version sent the probe.
func (m Match) preferEntry(db *DB) Match {
	if m.Entry >= 0 && db.entries[m.Entry].hasExact {
		m.Exact = m.Entry
	}
	return m
}

// score is the design document's header score of r against e, and
// whether every field e requires matched.
func (db *DB) score(e *entry, r *record.Record) (int, bool) {
	w := &db.scoring.Weights
	s := 0
	var hit uint8
	if e.windowOK(r.Window) {
		s += w.Window
		hit |= fieldWindow
	}
	if expectHolds(e.mssKind, int(e.mss), r.Meta&record.MetaHasMSS != 0, int(r.MSS)) {
		s += w.MSS
		hit |= fieldMSS
	}
	if expectHolds(e.wsKind, int(e.ws), r.Meta&record.MetaHasWScale != 0, int(r.WScale)) {
		s += w.WScale
		hit |= fieldWScale
	}
	if e.optsAny || (r.OptKinds == e.opts && r.Meta&record.MetaOptOverflow == 0) {
		s += w.Options
		hit |= fieldOptions
	}
	return s, hit&e.require == e.require
}

func (e *entry) windowOK(w uint16) bool {
	if e.nWindow == 0 {
		return true
	}
	for _, v := range e.windows[:e.nWindow] {
		if v == w {
			return true
		}
	}
	return false
}

func expectHolds(kind uint8, want int, present bool, got int) bool {
	switch kind {
	case expectNone:
		return !present
	case expectValue:
		return present && got == want
	}
	return true
}

// rulesHold checks the entry's rules other than the header score: the TTL
// band, the DF bit and, when the entry has one, its exact relation.
func (e *entry) rulesHold(r *record.Record, exact bool) bool {
	if r.TTL < e.ttlMin || r.TTL > e.ttlMax {
		return false
	}
	if e.dfKind == expectValue && (r.Meta&record.MetaDF != 0) != e.df {
		return false
	}
	return !e.hasExact || exact
}

// exactHolds checks the entry's per-packet exact relation.
func (e *entry) exactHolds(r *record.Record) bool {
	switch e.ipidRel {
	case ipidXor:
		// masscan derives the IP ID from the target and its SYN cookie:
		// (dst ip ^ dst port ^ seq) mod 2^16.
		return r.Proto == record.ProtoTCP &&
			uint16(r.DstIP^uint32(r.DstPort)^r.Seq) == r.IPID
	case ipidConst:
		return r.IPID == e.ipidVal
	}
	if e.seqRel == seqDstIP {
		return r.Proto == record.ProtoTCP && r.Seq == r.DstIP
	}
	return false
}

// PairHolds checks entry i's relation between two consecutive probes of one
// source (nmap's one sequence number for every target): it holds when the
// probes go to different targets and carry the same sequence number.
func (db *DB) PairHolds(i int, prev, cur *record.Record) bool {
	if i < 0 || i >= len(db.entries) || db.entries[i].seqRel != seqConstant {
		return false
	}
	differ := prev.DstIP != cur.DstIP || prev.DstPort != cur.DstPort
	return differ && prev.Seq == cur.Seq && cur.Proto == record.ProtoTCP
}
