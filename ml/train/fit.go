package train

import (
	"fmt"
	"slices"

	"scanguard/fusion"
	"scanguard/ml"
)

// unseenBias is the bias of a tool class with no sample in the training
// data: its probability is then about 1e-13, so it is never predicted.
const unseenBias = -30

// toolClasses lists the classes of the tool classifier: Benign first, then
// every tool the samples name, sorted.
func toolClasses(samples []Sample) []string {
	var tools []string
	for i := range samples {
		if t := samples[i].Tool; t != Benign && !slices.Contains(tools, t) {
			tools = append(tools, t)
		}
	}
	slices.Sort(tools)
	return append([]string{Benign}, tools...)
}

// fitModel fits the scanner-against-benign model, and the tool classifier
// when tools is set, on samples. The model's version and training summary
// are left for the caller.
func fitModel(samples []Sample, classes []string, l2 float64, tools bool) (*ml.Model, error) {
	rows := make([][]float64, len(samples))
	y := make([]float64, len(samples))
	scanners := 0
	for i := range samples {
		rows[i] = samples[i].X[:]
		if samples[i].Scan {
			y[i] = 1
			scanners++
		}
	}
	if scanners == 0 || scanners == len(samples) {
		return nil, fmt.Errorf("fit model: %w: %d scanner and %d benign samples",
			ErrNoData, scanners, len(samples)-scanners)
	}
	st := newStandardizer(rows)
	z := st.apply(rows)
	w, b, err := fitLogistic(z, y, sampleWeights(samples, y), l2)
	if err != nil {
		return nil, err
	}
	m := &ml.Model{
		Format:   ml.Format,
		Kind:     "logistic_regression",
		Features: slices.Clone(fusion.FeatureNames[:]),
		Center:   st.center,
		Scale:    st.scale,
		Weights:  roundAll(w),
		Bias:     round6(b),
	}
	if tools {
		if m.Tools, err = fitTools(z, samples, classes, l2); err != nil {
			return nil, err
		}
	}
	if err := m.Compile(); err != nil {
		return nil, fmt.Errorf("fit model: %w", err)
	}
	return m, nil
}

// fitTools fits one classifier per class against all the others.
func fitTools(z [][]float64, samples []Sample, classes []string, l2 float64) (*ml.Tools, error) {
	t := &ml.Tools{Classes: classes}
	y := make([]float64, len(samples))
	for _, class := range classes {
		pos := 0
		for i := range samples {
			y[i] = 0
			if samples[i].Tool == class {
				y[i] = 1
				pos++
			}
		}
		if pos == 0 || pos == len(samples) {
			t.Weights = append(t.Weights, make([]float64, len(z[0])))
			t.Bias = append(t.Bias, unseenBias)
			continue
		}
		w, b, err := fitLogistic(z, y, sampleWeights(samples, y), l2)
		if err != nil {
			return nil, fmt.Errorf("fit tool class %s: %w", class, err)
		}
		t.Weights = append(t.Weights, roundAll(w))
		t.Bias = append(t.Bias, round6(b))
	}
	return t, nil
}

func roundAll(vs []float64) []float64 {
	out := make([]float64, len(vs))
	for i, v := range vs {
		out[i] = round6(v)
	}
	return out
}
