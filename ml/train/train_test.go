package train

import (
	"bytes"
	"errors"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"scanguard/ml"
)

func TestParseLabel(t *testing.T) {
	tests := []struct {
		name, line string
		want       []Source
		wantErr    error
	}{
		{"a tool's capture",
			`{"file":"a.pcap","tool":"zmap","is_scan":{"198.18.0.1":true}}`,
			[]Source{{IP: 0xc6120001, Scan: true, Tool: "zmap"}}, nil},
		{"benign",
			`{"file":"a.pcap","tool":"benign","is_scan":{"198.18.0.1":false}}`,
			[]Source{{IP: 0xc6120001, Tool: Benign}}, nil},
		{"mixed: the tool its command runs, sources in address order",
			`{"file":"a.pcap","tool":"mixed","command":"ab -k x & masscan 10.0.0.0/8 -p80",` +
				`"is_scan":{"198.18.0.3":true,"198.18.0.1":false}}`,
			[]Source{{IP: 0xc6120001, Tool: Benign},
				{IP: 0xc6120003, Scan: true, Tool: "masscan"}}, nil},
		{"per-source tools win",
			`{"file":"a.pcap","tool":"mixed","source_tools":{"198.18.0.3":"zmap"},` +
				`"is_scan":{"198.18.0.3":true}}`,
			[]Source{{IP: 0xc6120003, Scan: true, Tool: "zmap"}}, nil},
		{"no file", `{"tool":"zmap","is_scan":{"198.18.0.1":true}}`, nil, ErrLabels},
		{"IPv6 source", `{"file":"a","is_scan":{"::1":true}}`, nil, ErrLabels},
		{"not JSON", `{"file":`, nil, ErrLabels},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := parseLabel([]byte(tt.line), "/data")
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("err = %v, want %v", err, tt.wantErr)
			}
			if err != nil {
				return
			}
			if !slices.Equal(c.Sources, tt.want) || c.Path != "/data/a.pcap" {
				t.Errorf("got %+v at %s, want %+v at /data/a.pcap", c.Sources, c.Path, tt.want)
			}
		})
	}
}

func TestFolds(t *testing.T) {
	var samples []Sample
	for _, c := range []int{0, 0, 2, 3, 4, 5, 5} {
		samples = append(samples, Sample{Capture: c})
	}
	fold, n, scheme := foldsOf(samples, 6, 0, 1)
	if want := []int{0, -1, 1, 2, 3, 4}; !slices.Equal(fold, want) || n != 5 ||
		scheme != "leave-one-capture-out" {
		t.Errorf("leave-one-out: folds %v (%d, %s), want %v (5)", fold, n, scheme, want)
	}
	a, n, _ := foldsOf(samples, 6, 2, 7)
	b, _, _ := foldsOf(samples, 6, 2, 7)
	if n != 2 || !slices.Equal(a, b) || a[1] != -1 {
		t.Errorf("2-fold: %v then %v (%d folds)", a, b, n)
	}
}

// TestFitLogistic fits data drawn from a known model and checks that the
// gradient of the penalised objective vanishes and the weights come back.
func TestFitLogistic(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	truth := []float64{2, -1, 0}
	const bias = 0.5
	var z [][]float64
	var y []float64
	for i := 0; i < 4000; i++ {
		row := []float64{rng.NormFloat64(), rng.NormFloat64(), rng.NormFloat64()}
		if rng.Float64() < prob(append(slices.Clone(truth), bias), row) {
			y = append(y, 1)
		} else {
			y = append(y, 0)
		}
		z = append(z, row)
	}
	w := make([]float64, len(y))
	for i := range w {
		w[i] = 1
	}
	const l2 = 0.1
	coef, b, err := fitLogistic(z, y, w, l2)
	if err != nil {
		t.Fatal(err)
	}
	beta := append(slices.Clone(coef), b)
	for j := 0; j <= len(truth); j++ {
		g := 0.0
		for i, row := range z {
			g += (prob(beta, row) - y[i]) * at(row, j)
		}
		if j < len(truth) {
			g += l2 * beta[j]
		}
		if math.Abs(g) > 1e-6 {
			t.Errorf("gradient[%d] = %g at the fit, want 0", j, g)
		}
	}
	for j, want := range append(truth, bias) {
		if math.Abs(beta[j]-want) > 0.25 {
			t.Errorf("coefficient %d = %.3f, want about %.1f", j, beta[j], want)
		}
	}
}

func TestEncodeIsStable(t *testing.T) {
	m := &ml.Model{Format: ml.Format, Kind: "logistic_regression", Features: []string{"a"},
		Center: []float64{0.5}, Scale: []float64{2}, Weights: []float64{1.25}, Bias: -3}
	a, err := Encode(m)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := Encode(m)
	if !bytes.Equal(a, b) {
		t.Error("two encodings of one model differ")
	}
	back, err := ml.Parse(a)
	if err != nil || back.Version != m.Version || len(m.Version) != len("lr-")+12 {
		t.Fatalf("round trip: %v, version %q then %q", err, m.Version, back.Version)
	}
	m.Bias = -2
	if c, _ := Encode(m); bytes.Equal(a, c) || m.Version == back.Version {
		t.Error("a changed model kept its version")
	}
}

func TestReadLabelsNamesTheLine(t *testing.T) {
	p := filepath.Join(t.TempDir(), "labels.jsonl")
	data := `{"file":"a.pcap","tool":"zmap","is_scan":{"198.18.0.1":true}}` + "\n\n" +
		`{"file":"b.pcap","is_scan":{}}` + "\n"
	if err := os.WriteFile(p, []byte(data), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := ReadLabels(p)
	if !errors.Is(err, ErrLabels) || !bytes.Contains([]byte(err.Error()), []byte(":3:")) {
		t.Errorf("ReadLabels = %v, want ErrLabels at line 3", err)
	}
}
