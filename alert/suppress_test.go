package alert

import (
	"errors"
	"strings"
	"testing"
	"time"

	"scanguard/fusion"
)

// verdictAt is a verdict from src at t0 plus sec seconds.
func verdictAt(src uint32, sec float64, sev fusion.Severity, conf int) *fusion.Verdict {
	v := masscanVerdict()
	v.SrcIP = src
	v.LastSeenNs = t0 + int64(sec*1e9)
	v.Severity = sev
	v.Confidence = conf
	return &v
}

func newSuppressor(t *testing.T, edit func(*SuppressConfig)) *Suppressor {
	t.Helper()
	cfg := Default().Suppression
	if edit != nil {
		edit(&cfg)
	}
	s, err := NewSuppressor(cfg)
	if err != nil {
		t.Fatalf("NewSuppressor: %v", err)
	}
	return s
}

func TestSuppressorWindowAndEscalation(t *testing.T) {
	a, b := ip4(198, 18, 0, 1), ip4(198, 18, 0, 3)
	high, crit := fusion.SeverityHigh, fusion.SeverityCritical
	steps := []struct {
		v    *fusion.Verdict
		want Decision
	}{
		{verdictAt(a, 0, high, 80), DecisionNew},
		{verdictAt(a, 1, high, 80), DecisionDuplicate},
		{verdictAt(a, 2, high, 85), DecisionDuplicate},   // +5 < step 10
		{verdictAt(a, 3, high, 90), DecisionEscalated},   // +10 from 80
		{verdictAt(a, 4, high, 95), DecisionDuplicate},   // +5 from 90
		{verdictAt(a, 5, crit, 95), DecisionEscalated},   // severity rose
		{verdictAt(a, 6, high, 99), DecisionDuplicate},   // lower severity
		{verdictAt(b, 6, high, 80), DecisionNew},         // other source
		{verdictAt(a, 604, crit, 95), DecisionDuplicate}, // 599 s after the last alert
		{verdictAt(a, 605, high, 80), DecisionRenewed},   // 600 s: a new window
		{verdictAt(a, 100, high, 80), DecisionDuplicate}, // older than the last alert
		{verdictAt(a, 606, high, 80), DecisionDuplicate},
	}
	s := newSuppressor(t, nil)
	for i, st := range steps {
		if got := s.Admit(st.v); got != st.want {
			t.Errorf("step %d: Admit = %v, want %v", i, got, st.want)
		}
	}
	stats := s.Stats()
	if stats.Tracked != 2 {
		t.Errorf("tracked = %d, want 2", stats.Tracked)
	}
	if got := stats.Decisions[DecisionDuplicate]; got != 7 {
		t.Errorf("duplicates = %d, want 7", got)
	}
}

// An unnamed port-scan alert is followed by the one that names the tool,
// even at the same severity and a lower confidence; only once.
func TestSuppressorNamingEscalates(t *testing.T) {
	s := newSuppressor(t, nil)
	src := ip4(198, 18, 0, 1)
	unnamed := verdictAt(src, 0, fusion.SeverityHigh, 92)
	unnamed.Tool = ""
	steps := []struct {
		v    *fusion.Verdict
		want Decision
	}{
		{unnamed, DecisionNew},
		{verdictAt(src, 1, fusion.SeverityHigh, 80), DecisionEscalated},
		{verdictAt(src, 2, fusion.SeverityHigh, 80), DecisionDuplicate},
	}
	for i, st := range steps {
		if got := s.Admit(st.v); got != st.want {
			t.Errorf("step %d: Admit = %v, want %v", i, got, st.want)
		}
	}
}

func TestSuppressorConfidenceStepOff(t *testing.T) {
	s := newSuppressor(t, func(c *SuppressConfig) { c.ConfidenceStep = 0 })
	src := ip4(10, 0, 0, 1)
	s.Admit(verdictAt(src, 0, fusion.SeverityHigh, 60))
	if got := s.Admit(verdictAt(src, 1, fusion.SeverityHigh, 100)); got != DecisionDuplicate {
		t.Errorf("confidence rise with step 0: got %v, want duplicate", got)
	}
}

func TestSuppressorBoundedMemory(t *testing.T) {
	s := newSuppressor(t, func(c *SuppressConfig) { c.MaxSources = 3 })
	for i := range 10 {
		v := verdictAt(ip4(10, 0, 0, byte(i)), float64(i), fusion.SeverityHigh, 80)
		if got := s.Admit(v); got != DecisionNew {
			t.Fatalf("source %d: got %v, want new", i, got)
		}
	}
	st := s.Stats()
	if st.Tracked != 3 || st.Evictions != 7 {
		t.Errorf("tracked %d evictions %d, want 3 and 7", st.Tracked, st.Evictions)
	}
	// The three most recent are still remembered; the oldest was forgotten
	// and alerts afresh.
	recent := verdictAt(ip4(10, 0, 0, 9), 11, fusion.SeverityHigh, 80)
	if got := s.Admit(recent); got != DecisionDuplicate {
		t.Errorf("recent source: got %v, want duplicate", got)
	}
	if got := s.Admit(verdictAt(ip4(10, 0, 0, 0), 11, fusion.SeverityHigh, 80)); got != DecisionNew {
		t.Errorf("evicted source: got %v, want new", got)
	}
}

func TestSuppressorAllowAndSensitivity(t *testing.T) {
	s := newSuppressor(t, func(c *SuppressConfig) {
		c.MinSeverity = "medium"
		c.Allow = []AllowRule{
			{CIDR: "192.0.2.0/28"},                          // the SOC's scanner
			{CIDR: "198.51.100.0/24", Ports: "40000-40100"}, // only its fixed ports
			{Ports: "61000"},                                // any address, this port
		}
		c.Sensitivity = []SensitivityRule{
			{CIDR: "10.0.0.0/8", MinSeverity: "critical"},
			{CIDR: "10.1.0.0/16", MinSeverity: "low"}, // more specific wins
		}
	})
	withPorts := func(v *fusion.Verdict, lo, hi uint16) *fusion.Verdict {
		v.SrcPortMin, v.SrcPortMax, v.SrcPortSamples = lo, hi, 5
		return v
	}
	high, low := fusion.SeverityHigh, fusion.SeverityLow
	at := func(ip uint32) *fusion.Verdict { return verdictAt(ip, 0, high, 90) }
	tests := []struct {
		name string
		v    *fusion.Verdict
		want Decision
	}{
		{"allowed cidr", verdictAt(ip4(192, 0, 2, 5), 0, high, 90), DecisionAllowed},
		{"outside cidr", verdictAt(ip4(192, 0, 2, 16), 0, high, 90), DecisionNew},
		{"allowed ports", withPorts(at(ip4(198, 51, 100, 9)), 40000, 40016), DecisionAllowed},
		{"ports outside", withPorts(at(ip4(198, 51, 100, 10)), 40000, 50000), DecisionNew},
		{"port anywhere", withPorts(at(ip4(203, 0, 113, 1)), 61000, 61000), DecisionAllowed},
		{"below global", verdictAt(ip4(203, 0, 113, 2), 0, low, 90), DecisionBelowSeverity},
		{"below cidr", verdictAt(ip4(10, 9, 0, 1), 0, high, 90), DecisionBelowSeverity},
		{"critical in cidr", verdictAt(ip4(10, 9, 0, 2), 0, fusion.SeverityCritical, 95), DecisionNew},
		{"specific cidr", verdictAt(ip4(10, 1, 2, 3), 0, low, 40), DecisionNew},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := s.Admit(tt.v); got != tt.want {
				t.Errorf("Admit = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestConfigValidate(t *testing.T) {
	cfg := Default()
	if err := cfg.Validate(); err != nil {
		t.Fatalf("default config: %v", err)
	}
	cfg.Recommendation.High = ""
	cfg.IPIDIncrementalRatio = 2
	cfg.Suppression.Window = 0
	cfg.Suppression.MaxSources = -1
	cfg.Suppression.MinSeverity = "urgent"
	cfg.Suppression.Allow = []AllowRule{{}, {CIDR: "2001:db8::/32"}, {Ports: "70000"}}
	cfg.Suppression.Sensitivity = []SensitivityRule{{CIDR: "10.0.0.0/33", MinSeverity: "high"}}
	cfg.Sinks[0].QueueSize = 0
	err := cfg.Validate()
	wantPaths := []string{
		"alert.recommendation.high:",
		"alert.ipid_incremental_ratio:",
		"alert.suppression.window:",
		"alert.suppression.max_sources:",
		"alert.suppression.min_severity:",
		"alert.suppression.allow[0]:",
		"alert.suppression.allow[1].cidr:",
		"alert.suppression.allow[2].ports:",
		"alert.suppression.sensitivity[0].cidr:",
		"alert.sinks[0].queue_size:",
	}
	for _, p := range wantPaths {
		if err == nil || !strings.Contains(err.Error(), p) {
			t.Errorf("Validate() = %v, want a problem at %s", err, p)
		}
	}
	if !errors.Is(err, ErrNotIPv4) || !errors.Is(err, ErrBadPorts) {
		t.Errorf("Validate() does not wrap ErrNotIPv4 and ErrBadPorts: %v", err)
	}
	if _, err := NewSuppressor(cfg.Suppression); err == nil {
		t.Error("NewSuppressor accepted a bad config")
	}
}

func TestSuppressWindowIsCaptureTime(t *testing.T) {
	s := newSuppressor(t, func(c *SuppressConfig) { c.Window = time.Second })
	src := ip4(10, 0, 0, 1)
	s.Admit(verdictAt(src, 0, fusion.SeverityHigh, 80))
	if got := s.Admit(verdictAt(src, 0.999, fusion.SeverityHigh, 80)); got != DecisionDuplicate {
		t.Errorf("inside window: %v", got)
	}
	if got := s.Admit(verdictAt(src, 1, fusion.SeverityHigh, 80)); got != DecisionRenewed {
		t.Errorf("at window end: %v", got)
	}
}

// FuzzParsePorts checks that any port list either fails with ErrBadPorts or
// gives ordered ranges.
func FuzzParsePorts(f *testing.F) {
	for _, s := range []string{"53", "40000-40100", "1,2-3, 4 - 5", "", "-", "9-1", "70000"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		ranges, err := parsePorts(s)
		if err != nil {
			if !errors.Is(err, ErrBadPorts) {
				t.Errorf("parsePorts(%q) error %v does not wrap ErrBadPorts", s, err)
			}
			return
		}
		for _, r := range ranges {
			if r.lo > r.hi {
				t.Errorf("parsePorts(%q) gave %d-%d", s, r.lo, r.hi)
			}
		}
	})
}
