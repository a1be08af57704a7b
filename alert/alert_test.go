package alert

import (
	"bytes"
	"encoding/json"
	"flag"
	"math"
	"os"
	"path/filepath"
	"testing"
	"time"

	"scanguard/fusion"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// ip4 returns a host-order IPv4 address.
func ip4(a, b, c, d byte) uint32 {
	return uint32(a)<<24 | uint32(b)<<16 | uint32(c)<<8 | uint32(d)
}

var t0 = time.Date(2026, 4, 16, 10, 30, 0, 0, time.UTC).UnixNano()

// masscanVerdict is a verdict as fusion gives it for a masscan run.
func masscanVerdict() fusion.Verdict {
	return fusion.Verdict{
		Evidence: fusion.Evidence{
			SrcIP:       ip4(198, 18, 0, 1),
			FirstSeenNs: t0,
			LastSeenNs:  t0 + 45_123_456_789,
			Probes:      160, SYNs: 156,
			FingerprintAvg: 84.6, FingerprintEntry: 0, FingerprintAgree: 156,
			InvariantEntry: 0, InvariantRun: 156, InvariantHits: 156,
			SeqAutocorr: 0.01234, IPIDIncRatio: 0.51,
			SrcPortUnique: 0.00641, SrcPortEntropy: 0, SrcPortSamples: 156,
			SrcPortMin: 45123, SrcPortMax: 45123,
			TargetUnique: 1, DstIPEntropy: 7.1234, DstPortEntropy: 3.9,
			DstSamples: 156, SequentialShare: 0.0123, OrderCorrelation: 0.0456,
			DistinctDsts: 140, DistinctPorts: 16, DistinctTargets: 156,
			RateCV: 2.81234, Answered: 40, Refused: 90,
		},
		Tool: "masscan", ToolVersion: "1.0.4-1.3.2",
		Confidence: 95, Severity: fusion.SeverityCritical, Action: "alert_now",
		Rule:    "matrix.critical",
		Methods: fusion.MethodTCPFingerprint | fusion.MethodIPIDRelation | fusion.MethodThresholdMatrix,
		MLProb:  0.97312,
	}
}

// unnamedVerdict is a verdict for an unattributed scanner whose samples
// were too few for most statistics.
func unnamedVerdict() fusion.Verdict {
	return fusion.Verdict{
		Evidence: fusion.Evidence{
			SrcIP:       ip4(203, 0, 113, 7),
			FirstSeenNs: t0,
			LastSeenNs:  t0 + 999_999, // rounds down to .000
			Probes:      12, SYNs: 12,
			FingerprintAvg: -1, FingerprintEntry: -1, InvariantEntry: -1,
			SeqAutocorr: math.NaN(), IPIDIncRatio: -1,
			SrcPortUnique: 1, SrcPortEntropy: 3.58496, SrcPortSamples: 12,
			SrcPortMin: 60999, SrcPortMax: 32768,
			TargetUnique: 1, DstIPEntropy: -1, DstPortEntropy: -1,
			SequentialShare: -1, OrderCorrelation: -1,
			DistinctDsts: 12, DistinctPorts: 1, DistinctTargets: 12,
			RateCV: -1,
		},
		Confidence: 62, Severity: fusion.SeverityMedium, Action: "alert",
		Rule: "early", Methods: fusion.MethodEarlyWarning | fusion.MethodPortUniqueness,
		MLProb: -1,
	}
}

// icmpVerdict has no port samples and no methods.
func icmpVerdict() fusion.Verdict {
	return fusion.Verdict{
		Evidence: fusion.Evidence{
			SrcIP: ip4(192, 0, 2, 200), FirstSeenNs: t0, LastSeenNs: t0 + 1e9,
			Probes: 300, FingerprintAvg: -1, IPIDIncRatio: 0.99,
			SrcPortUnique: -1, SrcPortEntropy: -1, TargetUnique: 0.5,
			DstIPEntropy: 8, DstPortEntropy: 0, SeqAutocorr: math.NaN(),
			SequentialShare: 0.97, OrderCorrelation: 0.99, RateCV: 0.004,
			DistinctDsts: 300,
		},
		Tool: "hping3", Confidence: 80, Severity: fusion.SeverityHigh,
		Action: "alert", Rule: "vote", MLProb: -1,
	}
}

func TestFromVerdictGolden(t *testing.T) {
	tests := []struct {
		name string
		v    fusion.Verdict
	}{
		{"masscan", masscanVerdict()},
		{"unnamed", unnamedVerdict()},
		{"icmp", icmpVerdict()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := FromVerdict(&tt.v)
			got, err := json.MarshalIndent(&a, "", "  ")
			if err != nil {
				t.Fatalf("marshal: %v", err)
			}
			got = append(got, '\n')
			path := filepath.Join("testdata", tt.name+".golden.json")
			if *update {
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("read golden (run with -update to create): %v", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("alert JSON differs from %s\ngot:\n%s\nwant:\n%s", path, got, want)
			}

			// The same verdict always gives the same bytes.
			again := FromVerdict(&tt.v)
			b1, _ := json.Marshal(&a)
			b2, _ := json.Marshal(&again)
			if !bytes.Equal(b1, b2) {
				t.Errorf("two encodings differ:\n%s\n%s", b1, b2)
			}
		})
	}
}

func TestAlertType(t *testing.T) {
	tests := []struct{ tool, want string }{
		{"masscan", "MASSCAN_SCAN"}, {"zmap", "ZMAP_SCAN"}, {"nmap", "NMAP_SCAN"},
		{"hping3", "HPING3_SCAN"}, {"mirai", "MIRAI_SCAN"}, {"", "PORT_SCAN"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			if got := AlertType(tt.tool); got != tt.want {
				t.Errorf("AlertType(%q) = %q, want %q", tt.tool, got, tt.want)
			}
		})
	}
}

func TestPortRange(t *testing.T) {
	tests := []struct {
		lo, hi uint16
		want   string
	}{
		{40000, 40000, "40000"}, {32768, 60999, "32768-60999"}, {9, 1, "1-9"}, {0, 0, "0"},
	}
	for _, tt := range tests {
		if got := PortRange(tt.lo, tt.hi); got != tt.want {
			t.Errorf("PortRange(%d, %d) = %q, want %q", tt.lo, tt.hi, got, tt.want)
		}
	}
}

func TestRecommendationMapping(t *testing.T) {
	cfg := Default()
	cfg.Recommendation.High = "rate_limit"
	tests := []struct {
		sev  fusion.Severity
		want string
	}{
		{fusion.SeverityCritical, "block_source_ip"},
		{fusion.SeverityHigh, "rate_limit"},
		{fusion.SeverityMedium, "rate_limit"},
		{fusion.SeverityLow, "monitor"},
		{fusion.SeverityNone, "monitor"},
	}
	for _, tt := range tests {
		t.Run(tt.sev.String(), func(t *testing.T) {
			v := masscanVerdict()
			v.Severity = tt.sev
			if got := Build(&v, &cfg).Recommendation; got != tt.want {
				t.Errorf("recommendation = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestTimestampFromCaptureTime(t *testing.T) {
	v := masscanVerdict()
	a := FromVerdict(&v)
	if want := "2026-04-16T10:30:45.123Z"; a.Timestamp != want {
		t.Errorf("timestamp = %q, want %q", a.Timestamp, want)
	}
	if want := "2026-04-16T10:30:00.000Z"; a.FirstSeen != want {
		t.Errorf("first_seen = %q, want %q", a.FirstSeen, want)
	}
	if _, err := time.Parse(time.RFC3339Nano, a.Timestamp); err != nil {
		t.Errorf("timestamp is not RFC 3339: %v", err)
	}
}
