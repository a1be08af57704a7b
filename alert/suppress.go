package alert

import (
	"container/list"
	"fmt"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"sync"

	"scanguard/fusion"
)

// Decision is what the Suppressor made of one verdict.
type Decision uint8

// Decisions. The first three let the alert through.
const (
	// DecisionNew: the source has not alerted in the window.
	DecisionNew Decision = iota
	// DecisionEscalated: the source alerted in the window, but its
	// severity or confidence rose since, or it is now named.
	DecisionEscalated
	// DecisionRenewed: the source's last alert is older than the window.
	DecisionRenewed
	// DecisionDuplicate: the source alerted in the window already.
	DecisionDuplicate
	// DecisionAllowed: the source is on the allowlist.
	DecisionAllowed
	// DecisionBelowSeverity: the verdict is below the minimum severity for
	// the source's network.
	DecisionBelowSeverity
)

var decisionNames = [...]string{
	"new", "escalated", "renewed", "duplicate", "allowlisted", "below_severity",
}

// String returns the metric label of d.
func (d Decision) String() string {
	if int(d) < len(decisionNames) {
		return decisionNames[d]
	}
	return "unknown"
}

// Emit reports whether the alert should be sent.
func (d Decision) Emit() bool { return d <= DecisionRenewed }

// SuppressStats counts the Suppressor's decisions since it was made.
type SuppressStats struct {
	Decisions [DecisionBelowSeverity + 1]uint64 // indexed by Decision
	Evictions uint64                            // sources forgotten to stay under the cap
	Tracked   int                               // sources remembered now
}

// Suppressor lets one alert per source through per window of capture time,
// and another when the verdict escalates. It remembers at most MaxSources
// sources. It is safe for concurrent use.
type Suppressor struct {
	mu       sync.Mutex
	windowNs int64
	step     int
	min      fusion.Severity
	allow    []allowRule
	sens     []sensRule // longest prefix first
	max      int
	bySrc    map[uint32]*list.Element
	order    *list.List // of *suppressEntry, least recently alerted first
	stats    SuppressStats
}

type suppressEntry struct {
	ip     uint32
	lastNs int64
	sev    fusion.Severity
	conf   int
	named  bool // an alert named the tool
}

type allowRule struct {
	prefix netip.Prefix // invalid: any address
	ports  []portRange  // nil: any port
}

type sensRule struct {
	prefix netip.Prefix
	min    fusion.Severity
}

type portRange struct{ lo, hi uint16 }

// NewSuppressor builds a Suppressor from cfg, which must validate.
func NewSuppressor(cfg SuppressConfig) (*Suppressor, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	s := &Suppressor{
		windowNs: cfg.Window.Nanoseconds(),
		step:     cfg.ConfidenceStep,
		max:      cfg.MaxSources,
		bySrc:    make(map[uint32]*list.Element),
		order:    list.New(),
	}
	s.min, _ = fusion.ParseSeverity(cfg.MinSeverity)
	for _, r := range cfg.Allow {
		var ar allowRule
		if r.CIDR != "" {
			ar.prefix, _ = parsePrefix(r.CIDR)
		}
		if r.Ports != "" {
			ar.ports, _ = parsePorts(r.Ports)
		}
		s.allow = append(s.allow, ar)
	}
	for _, r := range cfg.Sensitivity {
		p, _ := parsePrefix(r.CIDR)
		sev, _ := fusion.ParseSeverity(r.MinSeverity)
		s.sens = append(s.sens, sensRule{prefix: p, min: sev})
	}
	slices.SortStableFunc(s.sens, func(a, b sensRule) int { return b.prefix.Bits() - a.prefix.Bits() })
	return s, nil
}

// Admit decides whether the verdict v becomes an alert, and remembers the
// alert when it does. Time is v.LastSeenNs, so replaying a capture gives
// the same decisions; a verdict older than the source's last alert counts
// as inside the window.
func (s *Suppressor) Admit(v *fusion.Verdict) Decision {
	s.mu.Lock()
	defer s.mu.Unlock()
	d := s.decide(v)
	s.stats.Decisions[d]++
	return d
}

func (s *Suppressor) decide(v *fusion.Verdict) Decision {
	addr := addrOf(v.SrcIP)
	if s.allowed(addr, &v.Evidence) {
		return DecisionAllowed
	}
	if v.Severity < s.minFor(addr) {
		return DecisionBelowSeverity
	}

	el, ok := s.bySrc[v.SrcIP]
	if !ok {
		if s.order.Len() >= s.max {
			oldest := s.order.Front()
			delete(s.bySrc, oldest.Value.(*suppressEntry).ip)
			s.order.Remove(oldest)
			s.stats.Evictions++
		}
		s.bySrc[v.SrcIP] = s.order.PushBack(&suppressEntry{
			ip: v.SrcIP, lastNs: v.LastSeenNs, sev: v.Severity, conf: v.Confidence,
			named: v.Tool != "",
		})
		return DecisionNew
	}

	e := el.Value.(*suppressEntry)
	var d Decision
	switch {
	case v.LastSeenNs-e.lastNs >= s.windowNs:
		d = DecisionRenewed
	case v.Severity > e.sev:
		d = DecisionEscalated
	case v.Tool != "" && !e.named && v.Severity >= e.sev:
		// The first alert said a port scan; this one says whose.
		d = DecisionEscalated
	case s.step > 0 && v.Confidence >= e.conf+s.step:
		d = DecisionEscalated
	default:
		return DecisionDuplicate
	}
	e.lastNs = max(e.lastNs, v.LastSeenNs)
	e.sev, e.conf = v.Severity, v.Confidence
	e.named = e.named || v.Tool != ""
	s.order.MoveToBack(el)
	return d
}

// allowed reports whether an allow rule covers the source.
func (s *Suppressor) allowed(addr netip.Addr, e *fusion.Evidence) bool {
	for _, r := range s.allow {
		if r.prefix.IsValid() && !r.prefix.Contains(addr) {
			continue
		}
		if r.ports == nil {
			return true
		}
		if e.SrcPortSamples == 0 {
			continue
		}
		lo, hi := min(e.SrcPortMin, e.SrcPortMax), max(e.SrcPortMin, e.SrcPortMax)
		for _, pr := range r.ports {
			if lo >= pr.lo && hi <= pr.hi {
				return true
			}
		}
	}
	return false
}

// minFor returns the lowest severity that alerts for addr.
func (s *Suppressor) minFor(addr netip.Addr) fusion.Severity {
	for _, r := range s.sens {
		if r.prefix.Contains(addr) {
			return r.min
		}
	}
	return s.min
}

// Stats returns the counters so far.
func (s *Suppressor) Stats() SuppressStats {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.stats
	st.Tracked = s.order.Len()
	return st
}

// parsePorts parses "53,40000-40100" into ranges.
func parsePorts(s string) ([]portRange, error) {
	var out []portRange
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		loS, hiS, isRange := strings.Cut(part, "-")
		lo, err := strconv.ParseUint(strings.TrimSpace(loS), 10, 16)
		if err != nil {
			return nil, fmt.Errorf("parse ports %q: %w", s, ErrBadPorts)
		}
		hi := lo
		if isRange {
			hi, err = strconv.ParseUint(strings.TrimSpace(hiS), 10, 16)
			if err != nil || hi < lo {
				return nil, fmt.Errorf("parse ports %q: %w", s, ErrBadPorts)
			}
		}
		out = append(out, portRange{uint16(lo), uint16(hi)})
	}
	return out, nil
}
