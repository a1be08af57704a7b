package train

import (
	"errors"
	"fmt"
	"math"
	"strconv"

	"gonum.org/v1/gonum/mat"

	"scanguard/ml"
)

// Newton's method stops when no coefficient moves by more than newtonTol,
// or after newtonIters steps; L2 > 0 makes the objective strictly convex,
// so it converges in a handful.
const (
	newtonTol   = 1e-10
	newtonIters = 100
)

// errNotPosDef means a Newton step's Hessian could not be factorised.
var errNotPosDef = errors.New("hessian is not positive definite")

// standardizer holds each feature's center and scale.
type standardizer struct {
	center, scale []float64
}

// newStandardizer takes the mean and standard deviation of every feature
// over rows, skipping NaNs. A feature that never varies gets scale 1. Both
// are rounded to six significant digits, as they are written to the model
// file, before anything is fit on them.
func newStandardizer(rows [][]float64) standardizer {
	d := len(rows[0])
	s := standardizer{center: make([]float64, d), scale: make([]float64, d)}
	for j := 0; j < d; j++ {
		var sum, sq float64
		n := 0
		for _, r := range rows {
			if v := r[j]; !math.IsNaN(v) {
				sum += v
				sq += v * v
				n++
			}
		}
		s.center[j], s.scale[j] = 0, 1
		if n == 0 {
			continue
		}
		mean := sum / float64(n)
		std := math.Sqrt(max(0, sq/float64(n)-mean*mean))
		s.center[j] = round6(mean)
		if std > 1e-9 {
			s.scale[j] = round6(std)
		}
	}
	return s
}

// apply returns the standardised copy of rows, as ml.Standardize does it.
func (s standardizer) apply(rows [][]float64) [][]float64 {
	out := make([][]float64, len(rows))
	for i, r := range rows {
		z := make([]float64, len(r))
		for j, v := range r {
			z[j] = ml.Standardize(v, s.center[j], s.scale[j])
		}
		out[i] = z
	}
	return out
}

// fitLogistic fits an L2-penalised logistic regression with sample weights
// w to standardised rows z and labels y (0 or 1) by Newton's method. The
// bias is not penalised. It returns the weights and the bias.
func fitLogistic(z [][]float64, y, w []float64, l2 float64) ([]float64, float64, error) {
	d := len(z[0])
	beta := make([]float64, d+1) // the bias is the last element
	grad := make([]float64, d+1)
	step := mat.NewVecDense(d+1, nil)
	hess := mat.NewSymDense(d+1, nil)
	var chol mat.Cholesky
	for it := 0; it < newtonIters; it++ {
		for j := range grad {
			grad[j] = 0
		}
		hess.Zero()
		for i, row := range z {
			p := prob(beta, row)
			g := w[i] * (p - y[i])
			h := w[i] * max(p*(1-p), 1e-12)
			for j := 0; j <= d; j++ {
				xj := at(row, j)
				grad[j] += g * xj
				for k := j; k <= d; k++ {
					hess.SetSym(j, k, hess.At(j, k)+h*xj*at(row, k))
				}
			}
		}
		for j := 0; j < d; j++ {
			grad[j] += l2 * beta[j]
			hess.SetSym(j, j, hess.At(j, j)+l2)
		}
		hess.SetSym(d, d, hess.At(d, d)+1e-9)
		if !chol.Factorize(hess) {
			return nil, 0, fmt.Errorf("fit model: %w", errNotPosDef)
		}
		if err := chol.SolveVecTo(step, mat.NewVecDense(d+1, grad)); err != nil {
			return nil, 0, fmt.Errorf("fit model: %w", err)
		}
		moved := 0.0
		for j := range beta {
			beta[j] -= step.AtVec(j)
			moved = max(moved, math.Abs(step.AtVec(j)))
		}
		if moved < newtonTol {
			break
		}
	}
	return beta[:d], beta[d], nil
}

// at returns element j of a row extended with a constant 1 for the bias.
func at(row []float64, j int) float64 {
	if j == len(row) {
		return 1
	}
	return row[j]
}

// prob is the logistic model's probability for a standardised row.
func prob(beta, row []float64) float64 {
	z := beta[len(row)]
	for j, v := range row {
		z += beta[j] * v
	}
	return 1 / (1 + math.Exp(-z))
}

// sampleWeights weighs the samples so that every source counts the same
// however many decision points it reached (a long scan gives many, nearly
// alike), and both classes count the same however few sources one has:
// each sample gets 1 / (samples of its source), then each class is scaled
// to half the total.
func sampleWeights(samples []Sample, y []float64) []float64 {
	type key struct {
		capture int
		ip      uint32
	}
	per := map[key]int{}
	for i := range samples {
		per[key{samples[i].Capture, samples[i].Source}]++
	}
	w := make([]float64, len(samples))
	var class [2]float64
	for i := range samples {
		w[i] = 1 / float64(per[key{samples[i].Capture, samples[i].Source}])
		class[int(y[i])] += w[i]
	}
	for i := range w {
		w[i] *= float64(len(w)) / (2 * class[int(y[i])])
	}
	return w
}

// round6 rounds to six significant digits, so a model file is written the
// same on every platform even when the last bits of a sum differ.
func round6(v float64) float64 {
	r, _ := strconv.ParseFloat(strconv.FormatFloat(v, 'g', 6, 64), 64)
	return r
}
