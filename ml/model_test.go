package ml_test

import (
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"scanguard/fusion"
	"scanguard/ml"
)

// tiny is a valid two-feature model: p = sigmoid(1 + 2*(a-1)/2 - (b-0)/1).
const tiny = `{"format":"scanguard-model/1","version":"t","kind":"logistic_regression",
"features":["a","b"],"center":[1,0],"scale":[2,1],"weights":[2,-1],"bias":1,
"training":{"labels":[],"points":[],"captures":0,"sources":0,"scanner_sources":0,
"benign_sources":0,"sampled_sources":0,"sampled_benign":0,"samples":0,"scanner_samples":0,"benign_samples":0,"l2":1,
"cv":{"scheme":"","folds":0,"threshold":0.9,"tp":0,"fp":0,"tn":0,"fn":0,
"precision":0,"recall":0,"log_loss":0},"note":""}}`

func TestParseRejects(t *testing.T) {
	tests := []struct {
		name, from, to string
		want           error
	}{
		{"format", `"scanguard-model/1"`, `"other/1"`, ml.ErrFormat},
		{"short center", `"center":[1,0]`, `"center":[1]`, ml.ErrInvalid},
		{"zero scale", `"scale":[2,1]`, `"scale":[2,0]`, ml.ErrInvalid},
		{"short weights", `"weights":[2,-1]`, `"weights":[2]`, ml.ErrInvalid},
		{"no features", `"features":["a","b"]`, `"features":[]`, ml.ErrInvalid},
		{"tool rows", `"training"`, `"tools":{"classes":["benign"],"weights":[],"bias":[0]},` +
			`"training"`, ml.ErrInvalid},
		{"tool width", `"training"`, `"tools":{"classes":["benign"],"weights":[[1]],` +
			`"bias":[0]},"training"`, ml.ErrInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := strings.Replace(tiny, tt.from, tt.to, 1)
			if src == tiny {
				t.Fatalf("test case does not change the model")
			}
			_, err := ml.Parse([]byte(src))
			if !errors.Is(err, tt.want) {
				t.Errorf("Parse: got %v, want %v", err, tt.want)
			}
		})
	}
	t.Run("unknown key", func(t *testing.T) {
		src := strings.Replace(tiny, `"bias":1`, `"bias":1,"extra":2`, 1)
		if _, err := ml.Parse([]byte(src)); err == nil {
			t.Errorf("Parse accepted an unknown key")
		}
	})
}

func TestProb(t *testing.T) {
	m, err := ml.Parse([]byte(tiny))
	if err != nil {
		t.Fatal(err)
	}
	sig := func(z float64) float64 { return 1 / (1 + math.Exp(-z)) }
	tests := []struct {
		name string
		x    []float64
		want float64
	}{
		{"at the centers", []float64{1, 0}, sig(1)},
		{"one scale up", []float64{3, 0}, sig(3)},
		{"second feature", []float64{1, 2}, sig(-1)},
		{"NaN reads as the center", []float64{math.NaN(), 2}, sig(-1)},
		{"clipped", []float64{1e9, 0}, sig(1 + 2*ml.Clip)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := m.Prob(tt.x); math.Abs(got-tt.want) > 1e-12 {
				t.Errorf("Prob(%v) = %v, want %v", tt.x, got, tt.want)
			}
		})
	}
	if tool, p := m.Tool([]float64{1, 0}); tool != "" || p != -1 {
		t.Errorf("Tool without a classifier = %q, %v; want \"\", -1", tool, p)
	}
}

func TestShippedMatchesThisBuild(t *testing.T) {
	m, err := ml.Shipped()
	if err != nil {
		t.Fatalf("Shipped: %v", err)
	}
	if err := m.CheckFeatures(fusion.FeatureNames[:]); err != nil {
		t.Fatalf("shipped model: %v; retrain it (see ml/README.md)", err)
	}
	if !strings.HasPrefix(m.Version, "lr-") || m.Training.Samples == 0 ||
		m.Training.CV.Folds < 2 || m.Tools == nil {
		t.Errorf("shipped model lacks version, training summary or tool classifier: %s",
			m.Summary())
	}
	if err := m.CheckFeatures(fusion.FeatureNames[1:]); !errors.Is(err, ml.ErrFeatures) {
		t.Errorf("CheckFeatures with a feature missing: got %v, want ErrFeatures", err)
	}
}

func TestLoad(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.json")
	if err := os.WriteFile(good, []byte(tiny), 0o600); err != nil {
		t.Fatal(err)
	}
	if m, err := ml.Load(good); err != nil || m.Version != "t" {
		t.Errorf("Load(good) = %v, %v", m, err)
	}
	_, err := ml.Load(filepath.Join(dir, "missing.json"))
	if !errors.Is(err, os.ErrNotExist) {
		t.Errorf("Load(missing): got %v, want ErrNotExist", err)
	}
}

func BenchmarkProb(b *testing.B) {
	// Inference runs once per source per decision point, not per packet.
	// Compare runs with: go test -run=^$ -bench=Prob -count=10 ./ml | benchstat
	m, err := ml.Shipped()
	if err != nil {
		b.Fatal(err)
	}
	var x [fusion.NumFeatures]float64
	for i := range x {
		x[i] = 0.5
	}
	b.ReportAllocs()
	sum := 0.0
	for b.Loop() {
		sum += m.Prob(x[:])
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N), "ns/decision")
	_ = sum
}
