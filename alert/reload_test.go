package alert

import (
	"testing"
	"time"

	"scanguard/fusion"
)

func TestReconfigureKeepsMemory(t *testing.T) {
	cfg := Default().Suppression
	s, err := NewSuppressor(cfg)
	if err != nil {
		t.Fatal(err)
	}
	v := fusion.Verdict{Severity: fusion.SeverityHigh, Confidence: 90}
	v.SrcIP, v.LastSeenNs = 0xc6120001, int64(time.Second)
	if d := s.Admit(&v); d != DecisionNew {
		t.Fatalf("first verdict: %v, want new", d)
	}

	// Allowlist the source: its next verdict is allowed, not new.
	next := cfg
	next.Allow = []AllowRule{{CIDR: "198.18.0.1/32"}}
	if err := s.Reconfigure(next); err != nil {
		t.Fatal(err)
	}
	if d := s.Admit(&v); d != DecisionAllowed {
		t.Errorf("after allowlisting: %v, want allowlisted", d)
	}

	// Back to no allowlist: the source is still remembered, so a repeat
	// inside the window is a duplicate.
	if err := s.Reconfigure(cfg); err != nil {
		t.Fatal(err)
	}
	if d := s.Admit(&v); d != DecisionDuplicate {
		t.Errorf("after reload: %v, want duplicate (state kept)", d)
	}

	bad := cfg
	bad.Window = -1
	if err := s.Reconfigure(bad); err == nil {
		t.Error("Reconfigure accepted a negative window")
	}
}
