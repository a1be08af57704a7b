package fingerprint

import "scanguard/record"

// cacheSlots is the size of a Cache: a power of two. A scanner's probes
// share one header, and even nmap's random TTLs take only a few dozen.
const cacheSlots = 1024

// maxCached is the most candidate entries a cache slot remembers; a probe
// matching more is matched without the cache.
const maxCached = 6

// cacheSlot remembers, for one header, the best score and the entries
// whose header score and rules (all but exact relations) hold, best first.
type cacheSlot struct {
	k1, k2 uint64
	score  uint8
	n      uint8
	cand   [maxCached]int8
}

// Cache remembers header match results so a stream of probes with the same
// header costs one lookup and the exact relations. It belongs to one
// worker and is not safe for concurrent use. The zero value is ready.
type Cache struct {
	db    *DB
	slots [cacheSlots]cacheSlot
}

// headerKey packs what Match reads of a probe, except the fields of exact
// relations (addresses, ports, sequence, IP ID), into two words.
func headerKey(r *record.Record, class uint8) (k1, k2 uint64) {
	const metaBits = record.MetaDF | record.MetaHasMSS | record.MetaHasWScale |
		record.MetaOptOverflow
	k1 = uint64(r.OptKinds)<<32 | uint64(r.Window)<<16 | uint64(r.MSS)
	k2 = uint64(r.WScale) | uint64(r.TTL)<<8 | uint64(class)<<16 |
		uint64(r.Meta&metaBits)<<24 | 1<<63
	return k1, k2
}

// MatchCached is Match with a per-worker cache of header results. It gives
// the same result as Match.
func (db *DB) MatchCached(c *Cache, r *record.Record) Match {
	class := probeClass(r)
	if class == 0 || r.Proto != record.ProtoTCP || len(db.entries) > 127 {
		return db.Match(r)
	}
	if c.db != db {
		*c = Cache{db: db}
	}
	k1, k2 := headerKey(r, class)
	s := &c.slots[(k1*0x9E3779B97F4A7C15^k2)>>54&(cacheSlots-1)]
	if s.k1 != k1 || s.k2 != k2 {
		if !db.fill(s, r, class) {
			return db.Match(r)
		}
		s.k1, s.k2 = k1, k2
	}

	m := Match{Score: s.score, Entry: -1, Exact: -1}
	for i := range db.entries {
		e := &db.entries[i]
		if e.hasExact && e.probes&class != 0 && e.exactHolds(r) {
			m.Exact = int8(i)
			break
		}
	}
	for _, ci := range s.cand[:s.n] {
		e := &db.entries[ci]
		if !e.hasExact || e.exactHolds(r) {
			m.Entry = ci
			break
		}
	}
	return m.preferEntry(db)
}

// fill computes a slot for r's header. It reports false when more entries
// qualify than a slot holds.
func (db *DB) fill(s *cacheSlot, r *record.Record, class uint8) bool {
	*s = cacheSlot{}
	var scores [maxCached]int
	for i := range db.entries {
		e := &db.entries[i]
		if e.probes&class == 0 {
			continue
		}
		sc, required := db.score(e, r)
		if !required {
			continue
		}
		if sc > int(s.score) {
			s.score = uint8(sc)
		}
		// Exact relations are checked per probe; here only the rest.
		if sc < db.scoring.Match || !e.rulesHold(r, true) {
			continue
		}
		if int(s.n) == maxCached {
			return false
		}
		// Insert by score, highest first, keeping index order on ties as
		// Match does.
		j := int(s.n)
		for j > 0 && scores[j-1] < sc {
			scores[j], s.cand[j] = scores[j-1], s.cand[j-1]
			j--
		}
		scores[j], s.cand[j] = sc, int8(i)
		s.n++
	}
	return true
}
