package fusion

import (
	"math"
	"slices"
	"strings"
	"testing"

	"scanguard/detector/fingerprint"
)

func entryIndex(t *testing.T, db *fingerprint.DB, name string) int {
	t.Helper()
	for i := 0; i < db.Len(); i++ {
		if db.Name(i) == name {
			return i
		}
	}
	t.Fatalf("no fingerprint entry %q", name)
	return -1
}

// base is evidence that triggers nothing: a quiet source.
func base() Evidence {
	return Evidence{FingerprintEntry: -1, InvariantEntry: -1, RateCV: -1, SeqAutocorr: math.NaN(),
		IPIDIncRatio: -1, SequentialShare: -1, OrderCorrelation: -1}
}

func TestDecide(t *testing.T) {
	db := fingerprint.Default()
	f := New(Default(), db)
	masscan := entryIndex(t, db, "masscan")
	nmap := entryIndex(t, db, "nmap-syn")

	tests := []struct {
		name     string
		ev       func() Evidence
		rule     string
		tool     string
		severity Severity
		methods  []string
	}{
		{"a source with few probes is ignored", base, "few_probes", "", SeverityLow, nil},
		{"masscan's first probe", func() Evidence {
			e := base()
			e.Probes, e.FingerprintAvg = 1, 100
			e.FingerprintEntry, e.FingerprintAgree = masscan, 1
			e.InvariantEntry, e.InvariantRun = masscan, 1
			return e
		}, "invariant_first_probe", "masscan", SeverityHigh,
			[]string{"TCP_FINGERPRINT", "IPID_RELATION"}},
		{"three probes with the relation", func() Evidence {
			e := base()
			e.Probes, e.InvariantEntry, e.InvariantRun = 3, masscan, 3
			return e
		}, "invariant", "masscan", SeverityCritical, []string{"IPID_RELATION"}},
		{"nmap's constant sequence", func() Evidence {
			e := base()
			e.Probes, e.InvariantEntry, e.InvariantRun = 3, nmap, 3
			return e
		}, "invariant", "nmap", SeverityCritical, []string{"SEQ_RELATION"}},
		{"fingerprint and unique targets at 10 probes", func() Evidence {
			e := base()
			e.Probes, e.FingerprintAvg, e.TargetUnique, e.DistinctTargets = 10, 90, 1, 10
			return e
		}, "fingerprint_unique", "", SeverityCritical,
			[]string{"TCP_FINGERPRINT", "TARGET_UNIQUENESS"}},
		{"connect scan: kernel SYNs, refusals, no data", func() Evidence {
			e := base()
			e.Probes, e.SYNs, e.DistinctTargets, e.TargetUnique = 40, 40, 40, 1
			e.SrcPortSamples, e.SrcPortEntropy, e.SrcPortUnique = 40, 5.3, 1
			e.DistinctDsts, e.DistinctPorts, e.HighPortShare = 1, 40, 0.2
			e.Refused = 39
			return e
		}, "connect_scan", "nmap", SeverityHigh, []string{"FAN_OUT", "REFUSALS"}},
		{"crawler: same shape but answered and used", func() Evidence {
			e := base()
			e.Probes, e.DistinctTargets, e.TargetUnique = 300, 300, 1
			e.SrcPortSamples, e.SrcPortEntropy, e.SrcPortUnique = 256, 8, 1
			e.Answered, e.PayloadPackets = 300, 300
			e.RateCV = 0.04
			return e
		}, "", "", SeverityNone, nil},
		{"traceroute: refused UDP probes are no connect scan", func() Evidence {
			e := base()
			e.Probes, e.DistinctTargets, e.TargetUnique = 30, 30, 1
			e.DistinctDsts, e.DistinctPorts, e.HighPortShare = 1, 30, 1
			e.Refused = 30
			return e
		}, "", "", SeverityNone, nil},
		{"resolver: fan-out with fresh ports, answered", func() Evidence {
			e := base()
			e.Probes, e.DistinctTargets, e.TargetUnique = 50, 50, 1
			e.DistinctDsts, e.DistinctPorts = 50, 1
			e.SrcPortSamples, e.SrcPortEntropy, e.SrcPortUnique = 50, 5.6, 1
			e.Answered = 45
			return e
		}, "", "", SeverityNone, nil},
		{"peer-to-peer client: dead peers, each on a port of its own", func() Evidence {
			e := base()
			e.Probes, e.SYNs, e.DistinctTargets, e.TargetUnique = 40, 40, 40, 1
			e.DistinctDsts, e.DistinctPorts, e.HighPortShare = 40, 40, 1
			e.SrcPortSamples, e.SrcPortEntropy, e.SrcPortUnique = 40, 5.3, 1
			return e
		}, "", "", SeverityNone, nil},
		{"busy NAT gateway: answers still on their way, nothing refused", func() Evidence {
			e := base()
			e.Probes, e.SYNs, e.DistinctTargets, e.TargetUnique = 19, 19, 19, 1
			e.DistinctDsts, e.DistinctPorts = 19, 1
			e.SrcPortSamples, e.SrcPortEntropy, e.SrcPortUnique = 19, 4.2, 1
			e.FingerprintAvg, e.Answered = 40, 1
			return e
		}, "", "", SeverityNone, nil},
		{"one busy client", func() Evidence {
			e := base()
			e.Probes, e.DistinctTargets, e.TargetUnique = 2000, 1, 0.0005
			e.SrcPortSamples, e.SrcPortEntropy, e.SrcPortUnique = 256, 8, 1
			e.Answered = 2000
			return e
		}, "", "", SeverityNone, nil},
		{"the exclusion row never vetoes a stronger rule", func() Evidence {
			e := base()
			e.Probes, e.InvariantEntry, e.InvariantRun = 100, masscan, 100
			e.SrcPortSamples, e.SrcPortEntropy, e.RateCV = 100, 0, 2.5
			return e
		}, "invariant", "masscan", SeverityCritical, nil},
		{"exclusion decides when nothing alerts", func() Evidence {
			e := base()
			e.Probes, e.SrcPortSamples, e.SrcPortEntropy, e.RateCV = 100, 100, 0, 2.5
			return e
		}, "low_entropy_jitter", "", SeverityLow, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ev := tt.ev()
			v := f.Decide(&ev)
			if v.Rule != tt.rule || v.Tool != tt.tool || v.Severity != tt.severity {
				t.Errorf("got rule %q tool %q severity %v, want %q %q %v",
					v.Rule, v.Tool, v.Severity, tt.rule, tt.tool, tt.severity)
			}
			names := v.Methods.Names()
			for _, m := range tt.methods {
				if !slices.Contains(names, m) {
					t.Errorf("methods %v lack %s", names, m)
				}
			}
		})
	}
}

func TestVoteAndEarlyScores(t *testing.T) {
	f := New(Default(), fingerprint.Default())
	e := base()
	e.Probes, e.SYNs, e.FingerprintAvg, e.DistinctTargets, e.TargetUnique = 12, 12, 100, 12, 1
	v := f.Decide(&e)
	// Seed weights: fingerprint 40, plus target uniqueness 30.
	if v.VoteScore != 70 {
		t.Errorf("vote = %d, want 70", v.VoteScore)
	}
	// Early: fingerprint >= 60 earns 40, ten distinct targets earn 30.
	if v.EarlyScore != 70 {
		t.Errorf("early = %d, want 70", v.EarlyScore)
	}
	e.Probes = 21
	if v := f.Decide(&e); v.EarlyScore != 0 {
		t.Errorf("early past its window = %d, want 0", v.EarlyScore)
	}
}

func TestValidateReportsEveryProblem(t *testing.T) {
	c := Default()
	c.AttributeAfter = 0
	c.Vote.Severity = "loud"
	c.Early.Uniqueness = "colours"
	c.Matrix[2].Action = "panic"
	c.Matrix[3].Confidence = 120
	err := c.Validate("fusion")
	if err == nil {
		t.Fatal("want errors")
	}
	for _, want := range []string{"fusion.attribute_after", "fusion.vote.severity",
		"fusion.early.uniqueness", "fusion.matrix[2].action", "fusion.matrix[3].confidence"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks %s", err, want)
		}
	}
	d := Default()
	if err := d.Validate("fusion"); err != nil {
		t.Errorf("default config: %v", err)
	}
}

func TestMethodNames(t *testing.T) {
	got := (MethodTCPFingerprint | MethodRateFixed | MethodMLModel).Names()
	want := []string{"TCP_FINGERPRINT", "RATE_FIXED", "ML_MODEL"}
	if !slices.Equal(got, want) {
		t.Errorf("Names() = %v, want %v", got, want)
	}
}

func TestQuietBelow(t *testing.T) {
	c := Default()
	if got := New(c, fingerprint.Default()).QuietBelow(); got != 10 {
		t.Errorf("shipped rules: QuietBelow = %d, want 10", got)
	}
	c.Matrix = append(c.Matrix, Row{Name: "eager", Confidence: 50, Severity: "medium",
		Action: "alert", When: Cond{MinProbes: 4}})
	if got := New(c, fingerprint.Default()).QuietBelow(); got != 4 {
		t.Errorf("with a 4-probe row: QuietBelow = %d, want 4", got)
	}
}

func TestValidateRanges(t *testing.T) {
	c := Default()
	c.Vote.FingerprintWeight = -40
	c.Vote.MaxPayloadShare = 7
	c.Early.FingerprintLow = 90
	bad := 1.5
	c.Matrix[3].When.MaxPayloadShare = &bad
	c.Signals.DispersedSpread = -0.1
	err := c.Validate("fusion")
	for _, want := range []string{"fusion.vote.fingerprint_weight", "fusion.vote.max_payload_share",
		"fusion.early.fingerprint_low", "fusion.matrix[3].when.max_payload_share",
		"fusion.signals.dispersed_spread"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error %v lacks %s", err, want)
		}
	}
}
