package train

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
)

// foldsOf assigns every capture that gave samples to a fold and returns
// the fold of each capture (-1 for one without samples), the number of
// folds and the scheme's name. With k = 0, or k no smaller than the number
// of captures, each capture is its own fold (leave one capture out);
// otherwise the captures are shuffled with seed and dealt into k folds.
func foldsOf(samples []Sample, captures, k int, seed uint64) ([]int, int, string) {
	fold := make([]int, captures)
	var used []int
	for c := range fold {
		fold[c] = -1
	}
	for i := range samples {
		if c := samples[i].Capture; !slices.Contains(used, c) {
			used = append(used, c)
		}
	}
	slices.Sort(used)
	if k <= 0 || k >= len(used) {
		for f, c := range used {
			fold[c] = f
		}
		return fold, len(used), "leave-one-capture-out"
	}
	rng := rand.New(rand.NewPCG(seed, 0x5ca9))
	rng.Shuffle(len(used), func(i, j int) { used[i], used[j] = used[j], used[i] })
	for i, c := range used {
		fold[c] = i % k
	}
	return fold, k, fmt.Sprintf("%d-fold by capture, seed %d", k, seed)
}

// heldOut is what cross-validation found for each sample, from a model
// that never saw the sample's capture.
type heldOut struct {
	prob []float64 // probability of scanner
	tool []string  // the tool classifier's class, "" without one
}

// crossValidate fits a model per fold on the other folds' samples and
// scores the fold's own samples with it.
func crossValidate(samples []Sample, classes []string, fold []int, folds int,
	l2 float64, tools bool) (heldOut, error) {
	h := heldOut{prob: make([]float64, len(samples)), tool: make([]string, len(samples))}
	for f := 0; f < folds; f++ {
		var train []Sample
		var test []int
		for i := range samples {
			if fold[samples[i].Capture] == f {
				test = append(test, i)
			} else {
				train = append(train, samples[i])
			}
		}
		m, err := fitModel(train, classes, l2, tools)
		if err != nil {
			return heldOut{}, err
		}
		for _, i := range test {
			h.prob[i] = m.Prob(samples[i].X[:])
			h.tool[i], _ = m.Tool(samples[i].X[:])
		}
	}
	return h, nil
}

// binary counts the scanner class's confusion at a threshold.
type binary struct {
	tp, fp, tn, fn int
}

func countBinary(samples []Sample, prob []float64, threshold float64) binary {
	var b binary
	for i := range samples {
		pos := prob[i] >= threshold
		switch {
		case pos && samples[i].Scan:
			b.tp++
		case pos:
			b.fp++
		case samples[i].Scan:
			b.fn++
		default:
			b.tn++
		}
	}
	return b
}

// ratio is a/b, or 0 when b is 0 (no prediction, no instance).
func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

// logLoss is the mean cross-entropy of the probabilities.
func logLoss(samples []Sample, prob []float64) float64 {
	sum := 0.0
	for i := range samples {
		p := min(max(prob[i], 1e-15), 1-1e-15)
		if samples[i].Scan {
			sum -= math.Log(p)
		} else {
			sum -= math.Log(1 - p)
		}
	}
	return sum / float64(len(samples))
}
