// Package ml holds the model scanguard consults as a second opinion on a
// source: a logistic regression over the flow feature vector, stored as a
// JSON file. This package only reads and evaluates models, so the fusion
// stage can use it without pulling in the trainer; package ml/train builds
// models from labelled captures.
package ml

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"slices"
	"sync"
)

// Format is the value of a model file's "format" key.
const Format = "scanguard-model/1"

// Clip bounds a standardised feature to [-Clip, Clip]. A feature far
// outside anything seen in training (a network much slower than the lab,
// say) then moves the score no further than a value at the edge of the
// training data would, instead of extrapolating a straight line forever.
const Clip = 5.0

// Errors returned when reading a model; callers test them with errors.Is.
var (
	// ErrFormat means the file is not a scanguard model of this format.
	ErrFormat = errors.New("not a " + Format + " model")
	// ErrInvalid means the file has the format but inconsistent content:
	// vectors of different lengths, a zero scale, a value that is not finite.
	ErrInvalid = errors.New("invalid model")
	// ErrFeatures means the model was trained on other features than the
	// ones this build computes; retrain it with `scanguard train`.
	ErrFeatures = errors.New("model features differ from this build's")
)

// Model is a binary logistic regression, scanner against benign, over a
// standardised feature vector, with an optional tool classifier and the
// summary of the data it was trained on. It is read-only after Parse and may
// be shared by every worker.
type Model struct {
	Format  string `json:"format"`
	Version string `json:"version"`
	Kind    string `json:"kind"`
	// Features names the vector's elements in order.
	Features []string `json:"features"`
	// Center and Scale standardise each feature: (x - center) / scale.
	Center  []float64 `json:"center"`
	Scale   []float64 `json:"scale"`
	Weights []float64 `json:"weights"`
	Bias    float64   `json:"bias"`
	// Tools, when present, names the most likely tool of a scanner.
	Tools    *Tools   `json:"tools,omitempty"`
	Training Training `json:"training"`

	inv []float64 // 1 / Scale, so scoring multiplies instead of dividing
}

// Tools is a one-against-the-rest classifier per class ("benign",
// "masscan", …) over the same standardised features as the Model.
type Tools struct {
	Classes []string    `json:"classes"`
	Weights [][]float64 `json:"weights"`
	Bias    []float64   `json:"bias"`
}

//go:embed model.json
var shippedJSON []byte

var shipped = sync.OnceValues(func() (*Model, error) { return Parse(shippedJSON) })

// Shipped returns the model built into the binary, parsed once.
func Shipped() (*Model, error) { return shipped() }

// Load reads and checks the model file at path.
func Load(path string) (*Model, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("load model: %w", err)
	}
	m, err := Parse(b)
	if err != nil {
		return nil, fmt.Errorf("load model %s: %w", path, err)
	}
	return m, nil
}

// Parse decodes a model file strictly (unknown keys are errors) and checks
// that its vectors agree.
func Parse(b []byte) (*Model, error) {
	var m Model
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&m); err != nil {
		return nil, fmt.Errorf("decode model: %w", err)
	}
	if m.Format != Format {
		return nil, fmt.Errorf("%w: format %q", ErrFormat, m.Format)
	}
	if err := m.Compile(); err != nil {
		return nil, err
	}
	return &m, nil
}

// Compile checks that m's vectors agree and prepares it for Prob. Parse
// calls it; a Model built in code must be compiled before it is used.
func (m *Model) Compile() error {
	if err := m.check(); err != nil {
		return err
	}
	m.inv = make([]float64, len(m.Scale))
	for i, s := range m.Scale {
		m.inv[i] = 1 / s
	}
	return nil
}

// check reports the first inconsistency in m.
func (m *Model) check() error {
	n := len(m.Features)
	switch {
	case n == 0:
		return fmt.Errorf("%w: no features", ErrInvalid)
	case len(m.Center) != n || len(m.Scale) != n || len(m.Weights) != n:
		return fmt.Errorf("%w: %d features but %d centers, %d scales, %d weights",
			ErrInvalid, n, len(m.Center), len(m.Scale), len(m.Weights))
	case !finite(m.Bias) || !allFinite(m.Center) || !allFinite(m.Weights):
		return fmt.Errorf("%w: a value is not finite", ErrInvalid)
	}
	for i, s := range m.Scale {
		if !(s > 0) || math.IsInf(s, 0) {
			return fmt.Errorf("%w: scale of %s must be > 0", ErrInvalid, m.Features[i])
		}
	}
	if t := m.Tools; t != nil {
		if len(t.Classes) == 0 || len(t.Weights) != len(t.Classes) ||
			len(t.Bias) != len(t.Classes) || !allFinite(t.Bias) {
			return fmt.Errorf("%w: tool classifier has %d classes, %d weight rows, %d biases",
				ErrInvalid, len(t.Classes), len(t.Weights), len(t.Bias))
		}
		for i, w := range t.Weights {
			if len(w) != n || !allFinite(w) {
				return fmt.Errorf("%w: tool class %s needs %d finite weights",
					ErrInvalid, t.Classes[i], n)
			}
		}
	}
	return nil
}

// CheckFeatures reports ErrFeatures unless the model was trained on exactly
// the named features, in that order.
func (m *Model) CheckFeatures(names []string) error {
	if !slices.Equal(m.Features, names) {
		return fmt.Errorf("%w: model has %d features %v, this build computes %d %v",
			ErrFeatures, len(m.Features), m.Features, len(names), names)
	}
	return nil
}

// Standardize maps a raw feature value onto the scale the weights were fit
// on: (v - center) / scale, clipped to ±Clip. A NaN (a statistic that could
// not be computed) maps to 0, the training mean, so it moves the score
// neither way. Training uses it; Prob computes the same with the scale's
// reciprocal.
func Standardize(v, center, scale float64) float64 {
	if v != v {
		return 0
	}
	return max(-Clip, min(Clip, (v-center)/scale))
}

// Prob returns the model's probability that the source whose features are
// x is a scanner. x must hold len(m.Features) values (see CheckFeatures),
// and m must come from Parse or Compile. It does not allocate.
func (m *Model) Prob(x []float64) float64 {
	return sigmoid(m.Bias + m.dot(m.Weights, x))
}

// Tool returns the class the tool classifier rates most likely for x and
// that class's own probability, or "" and -1 when the model has none.
func (m *Model) Tool(x []float64) (string, float64) {
	t := m.Tools
	if t == nil {
		return "", -1
	}
	best, bestP := 0, -1.0
	for k := range t.Classes {
		if p := sigmoid(t.Bias[k] + m.dot(t.Weights[k], x)); p > bestP {
			best, bestP = k, p
		}
	}
	return t.Classes[best], bestP
}

// dot is the weighted sum of x's standardised values.
func (m *Model) dot(w, x []float64) float64 {
	z := 0.0
	c, inv := m.Center[:len(w)], m.inv[:len(w)]
	for i, v := range x[:len(w)] {
		if v != v {
			continue
		}
		z += w[i] * max(-Clip, min(Clip, (v-c[i])*inv[i]))
	}
	return z
}

// Summary is one line for the start-up log: version, size of the training
// data and cross-validated figures.
func (m *Model) Summary() string {
	t := &m.Training
	return fmt.Sprintf("%s: %d features; %d samples from %d of %d labelled sources "+
		"(%d of %d benign) in %d captures; %s: precision %.3f, recall %.3f at p >= %.2f",
		m.Version, len(m.Features), t.Samples, t.SampledSources, t.Sources, t.SampledBenign,
		t.BenignSources, t.Captures, t.CV.Scheme, t.CV.Precision, t.CV.Recall, t.CV.Threshold)
}

func sigmoid(z float64) float64 { return 1 / (1 + math.Exp(-z)) }

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

func allFinite(vs []float64) bool {
	for _, v := range vs {
		if !finite(v) {
			return false
		}
	}
	return true
}
