package fusion

import (
	"errors"
	"fmt"
	"math"
	"os"
	"slices"
	"strings"
	"testing"

	"scanguard/detector/fingerprint"
	"scanguard/ml"
)

// constModel returns a model over this build's features that gives every
// source probability p: all weights zero, the bias logit(p).
func constModel(t testing.TB, p float64) *ml.Model {
	t.Helper()
	n := NumFeatures
	zeros := strings.TrimSuffix(strings.Repeat("0,", n), ",")
	ones := strings.TrimSuffix(strings.Repeat("1,", n), ",")
	src := fmt.Sprintf(`{"format":%q,"version":"const","kind":"logistic_regression",
"features":["%s"],"center":[%s],"scale":[%s],"weights":[%s],"bias":%v,
"training":{"labels":[],"points":[],"captures":0,"sources":0,"scanner_sources":0,
"benign_sources":0,"sampled_sources":0,"sampled_benign":0,"samples":0,"scanner_samples":0,"benign_samples":0,"l2":1,
"cv":{"scheme":"","folds":0,"threshold":0.9,"tp":0,"fp":0,"tn":0,"fn":0,
"precision":0,"recall":0,"log_loss":0},"note":""}}`,
		ml.Format, strings.Join(FeatureNames[:], `","`), zeros, ones, zeros,
		math.Log(p/(1-p)))
	m, err := ml.Parse([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// withModel returns a Fuser whose second opinion is m.
func withModel(m *ml.Model) *Fuser {
	c := Default()
	c.Model.Model = m
	return New(c, fingerprint.Default())
}

func TestSecondOpinion(t *testing.T) {
	db := fingerprint.Default()
	masscan := entryIndex(t, db, "masscan")
	// connect is a behaviour-only verdict: the connect_scan row.
	connect := func(probes uint32) Evidence {
		e := base()
		e.Probes, e.SYNs, e.DistinctTargets, e.TargetUnique = probes, probes, probes, 1
		e.Refused = probes - 1
		return e
	}
	// relation is a packet-layer verdict: masscan's IP-ID relation.
	relation := func() Evidence {
		e := base()
		e.Probes, e.InvariantEntry, e.InvariantRun = 40, masscan, 40
		return e
	}
	tests := []struct {
		name       string
		p          float64 // the model's probability; 0 for no model
		ev         Evidence
		rule       string
		confidence int
		severity   Severity
		alerting   bool
		ml         bool    // ML_MODEL among the methods
		mlProb     float64 // -1 when the model was not consulted
	}{
		{"no model: rules alone", 0, connect(40), "connect_scan", 80, SeverityHigh,
			true, false, -1},
		{"too few probes to ask", 0.99, connect(9), "few_probes", 25, SeverityLow,
			false, false, -1},
		{"confirmed: confidence rises", 0.97, connect(40), "connect_scan", 97,
			SeverityHigh, true, true, 0.97},
		{"between the thresholds: kept, not credited", 0.5, connect(40), "connect_scan",
			80, SeverityHigh, true, false, 0.5},
		{"behaviour-only verdict withdrawn", 0.01, connect(40), "connect_scan", 1,
			SeverityLow, false, true, 0.01},
		{"packet-layer verdict never withdrawn", 0.01, relation(), "invariant", 95,
			SeverityCritical, true, false, 0.01},
		{"the model never alerts alone", 0.99, func() Evidence {
			e := base()
			e.Probes = 40
			return e
		}(), "", 0, SeverityNone, false, false, 0.99},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var m *ml.Model
			if tt.p > 0 {
				m = constModel(t, tt.p)
			}
			f := withModel(m)
			v := f.Decide(&tt.ev)
			gotML := v.Methods&MethodMLModel != 0
			if v.Rule != tt.rule || v.Confidence != tt.confidence ||
				v.Severity != tt.severity || v.Alerting() != tt.alerting || gotML != tt.ml {
				t.Errorf("got rule %q confidence %d severity %v alerting %v ML %v, "+
					"want %q %d %v %v %v", v.Rule, v.Confidence, v.Severity, v.Alerting(),
					gotML, tt.rule, tt.confidence, tt.severity, tt.alerting, tt.ml)
			}
			if math.Abs(v.MLProb-tt.mlProb) > 1e-9 {
				t.Errorf("MLProb = %v, want %v", v.MLProb, tt.mlProb)
			}
		})
	}
}

func TestModelConfigLoad(t *testing.T) {
	t.Run("shipped model by default", func(t *testing.T) {
		f := New(Default(), fingerprint.Default())
		if f.Model() == nil {
			t.Fatal("Default() runs on rules alone; want the shipped model")
		}
	})
	t.Run("disabled", func(t *testing.T) {
		c := Default()
		c.Model.Enabled = false
		if New(c, fingerprint.Default()).Model() != nil {
			t.Error("disabled model still consulted")
		}
		if err := c.Model.Load(); err != nil || c.Model.Model != nil {
			t.Errorf("Load when disabled = %v, model %v; want nil, nil", err, c.Model.Model)
		}
	})
	t.Run("a path set but not loaded is not served by the old model", func(t *testing.T) {
		c := Default()
		c.Model.Path = "elsewhere.json"
		if New(c, fingerprint.Default()).Model() != nil {
			t.Error("the built-in model answers for a path never loaded")
		}
	})
	t.Run("missing file", func(t *testing.T) {
		c := Default()
		c.Model.Path = t.TempDir() + "/none.json"
		if err := c.Model.Load(); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("Load = %v, want ErrNotExist", err)
		}
	})
	t.Run("a file trained on other features", func(t *testing.T) {
		m := constModel(t, 0.5)
		m.Features = slices.Clone(m.Features)
		m.Features[0] = "renamed"
		if err := m.CheckFeatures(FeatureNames[:]); !errors.Is(err, ml.ErrFeatures) {
			t.Errorf("CheckFeatures = %v, want ErrFeatures", err)
		}
	})
}

func TestModelConfigValidate(t *testing.T) {
	c := Default()
	c.Model.Threshold, c.Model.RejectBelow = 1.5, -0.1
	err := c.Validate("fusion")
	for _, want := range []string{"fusion.model.threshold", "fusion.model.reject_below"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Validate = %v, want a problem at %s", err, want)
		}
	}
}

func TestFeatures(t *testing.T) {
	idx := func(name string) int { return slices.Index(FeatureNames[:], name) }
	ev := base()
	ev.Probes, ev.SYNs = 64, 64
	ev.SrcPortSamples, ev.SrcPortEntropy, ev.SrcPortUnique = 64, 6, 1
	ev.DstSamples, ev.DstIPEntropy, ev.DstPortEntropy = 64, 3, 0
	ev.Refused, ev.Answered, ev.PayloadPackets = 32, 80, 0
	ev.InvariantRun, ev.InvariantHits = 64, 64
	ev.InterArrivalMean, ev.InterArrivalStd = 999_000, -1 // 999 µs, std not computed
	x := Features(&ev)
	tests := []struct {
		name string
		want float64
	}{
		// 64 samples show at most 6 bits: 6 bits is all of it.
		{"src_port_entropy", 1},
		{"dst_ip_entropy", 0.5},
		{"dst_port_entropy", 0},
		{"inter_arrival_mean", 3},
		{"syn_count", math.Log2(65)},
		{"refused_share", 0.5},
		{"answered_share", 1}, // capped
		{"invariant_run_share", 1},
		{"syn_share", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := x[idx(tt.name)]; math.Abs(got-tt.want) > 1e-12 {
				t.Errorf("%s = %v, want %v", tt.name, got, tt.want)
			}
		})
	}
	for _, name := range []string{"inter_arrival_std", "rate_cv", "sequential_share",
		"order_correlation"} {
		if v := x[idx(name)]; !math.IsNaN(v) {
			t.Errorf("%s = %v, want NaN for a statistic not computed", name, v)
		}
	}
	if a := testing.AllocsPerRun(100, func() { x = Features(&ev) }); a != 0 {
		t.Errorf("Features allocates %v times", a)
	}
}

// BenchmarkDecide measures a whole fusion decision, rules and model, and
// the model's share of it: it runs once per source per decision point.
// Compare runs with: go test -run=^$ -bench=Decide -count=10 ./fusion | benchstat
func BenchmarkDecide(b *testing.B) {
	shipped, err := ml.Shipped()
	if err != nil {
		b.Fatal(err)
	}
	ev := base()
	ev.Probes, ev.DistinctTargets, ev.TargetUnique, ev.Refused = 40, 40, 1, 39
	ev.SrcPortSamples, ev.SrcPortEntropy, ev.SrcPortUnique = 40, 5.3, 1
	for _, bc := range []struct {
		name string
		m    *ml.Model
	}{{"rules", nil}, {"rules+model", shipped}} {
		b.Run(bc.name, func(b *testing.B) {
			f := withModel(bc.m)
			b.ReportAllocs()
			for b.Loop() {
				v := f.Decide(&ev)
				ev.LastSeenNs += int64(v.Confidence)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N), "ns/decision")
		})
	}
}
