package train

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"path/filepath"
	"slices"

	"scanguard/fusion"
	"scanguard/ml"
)

// Options steer a training run. The zero value is not useful: start from
// DefaultOptions.
type Options struct {
	// Points are the probe counts at which each source's vector is taken.
	Points []uint32
	// L2 is the ridge penalty on the standardised weights.
	L2 float64
	// Folds is the number of cross-validation folds, each a set of whole
	// captures; 0 leaves one capture out at a time.
	Folds int
	// Seed shuffles captures into folds when Folds > 0.
	Seed uint64
	// Threshold is the probability from which a sample counts as a scanner
	// in the figures: fusion's confirmation threshold.
	Threshold float64
	// RejectBelow is fusion's withdrawal threshold, for the comparison of
	// the model with the rules.
	RejectBelow float64
	// Tools fits the tool classifier too.
	Tools bool
}

// DefaultOptions returns the options the shipped model was trained with.
func DefaultOptions() Options {
	m := fusion.DefaultModel()
	return Options{
		Points: []uint32{10, 20, 50, 100, 200, 500, 1000}, L2: 1, Threshold: m.Threshold,
		RejectBelow: m.RejectBelow, Tools: true,
	}
}

// Validate reports every problem in o.
func (o *Options) Validate() error {
	var errs []error
	if len(o.Points) == 0 {
		errs = append(errs, errors.New("points: must not be empty"))
	}
	for i, p := range o.Points {
		if p < 2 || i > 0 && p <= o.Points[i-1] {
			errs = append(errs, errors.New("points: must be increasing and >= 2"))
			break
		}
	}
	if !(o.L2 > 0) || math.IsInf(o.L2, 0) {
		errs = append(errs, errors.New("l2: must be > 0"))
	}
	if o.Folds < 0 || o.Folds == 1 {
		errs = append(errs, errors.New("folds: must be 0 (one capture out) or >= 2"))
	}
	if !(o.Threshold > 0 && o.Threshold <= 1) {
		errs = append(errs, errors.New("threshold: must be within (0, 1]"))
	}
	if !(o.RejectBelow >= 0 && o.RejectBelow < o.Threshold) {
		errs = append(errs, errors.New("reject_below: must be within [0, threshold)"))
	}
	return errors.Join(errs...)
}

// Result is a trained model with the data and held-out figures behind it.
type Result struct {
	Model    *ml.Model
	Captures []Capture
	Samples  []Sample
	// Classes are the tool classifier's classes, Benign first.
	Classes []string
	Held    heldOut
	Folds   int
	Scheme  string
	Options Options
}

// Run reads the label files, extracts samples from every capture they
// name, cross-validates, and fits the final model on all samples. It is
// deterministic: the same labels, captures and options give the same model
// file byte for byte.
func Run(labelPaths []string, opt Options) (*Result, error) {
	if err := opt.Validate(); err != nil {
		return nil, fmt.Errorf("train: %w", err)
	}
	r := &Result{Options: opt}
	var names []string
	for _, p := range labelPaths {
		cs, err := ReadLabels(p)
		if err != nil {
			return nil, err
		}
		r.Captures = append(r.Captures, cs...)
		names = append(names, filepath.ToSlash(filepath.Join(filepath.Base(filepath.Dir(p)),
			filepath.Base(p))))
	}

	x := newExtractor(opt.Points)
	for i := range r.Captures {
		s, err := x.extract(&r.Captures[i], i)
		if err != nil {
			return nil, err
		}
		r.Samples = append(r.Samples, s...)
	}
	r.Classes = toolClasses(r.Samples)

	fold, folds, scheme := foldsOf(r.Samples, len(r.Captures), opt.Folds, opt.Seed)
	if folds < 2 {
		return nil, fmt.Errorf("train: %w: samples from %d capture(s), need 2", ErrNoData, folds)
	}
	r.Folds, r.Scheme = folds, scheme
	var err error
	if r.Held, err = crossValidate(r.Samples, r.Classes, fold, folds, opt.L2,
		opt.Tools); err != nil {
		return nil, err
	}
	if r.Model, err = fitModel(r.Samples, r.Classes, opt.L2, opt.Tools); err != nil {
		return nil, err
	}
	r.Model.Training = r.summary(names)
	return r, nil
}

// summary describes the training data and the held-out figures.
func (r *Result) summary(labels []string) ml.Training {
	t := ml.Training{Labels: labels, Points: slices.Clone(r.Options.Points), L2: r.Options.L2}
	type key struct {
		capture int
		ip      uint32
	}
	seen := map[key]bool{}
	for i := range r.Captures {
		for _, s := range r.Captures[i].Sources {
			t.Sources++
			if s.Scan {
				t.ScannerSources++
			} else {
				t.BenignSources++
			}
		}
	}
	for i := range r.Samples {
		s := &r.Samples[i]
		seen[key{s.Capture, s.Source}] = true
		t.Samples++
		if s.Scan {
			t.ScannerSamples++
		} else {
			t.BenignSamples++
		}
	}
	t.Captures = len(r.Captures)
	b := countBinary(r.Samples, r.Held.prob, r.Options.Threshold)
	t.CV = ml.CV{
		Scheme: r.Scheme, Folds: r.Folds, Threshold: r.Options.Threshold,
		TP: b.tp, FP: b.fp, TN: b.tn, FN: b.fn,
		Precision: round4(ratio(b.tp, b.tp+b.fp)), Recall: round4(ratio(b.tp, b.tp+b.fn)),
		LogLoss: round4(logLoss(r.Samples, r.Held.prob)),
	}
	t.SampledSources = len(seen)
	for k := range seen {
		if !r.isScan(k.capture, k.ip) {
			t.SampledBenign++
		}
	}
	t.Note = fmt.Sprintf("small data: %d of %d labelled sources (%d of %d benign) reached "+
		"a decision point, all from captures of one lab; a second opinion only: fusion lets "+
		"it confirm rule verdicts or withdraw behaviour-only ones, never alert alone",
		t.SampledSources, t.Sources, t.SampledBenign, t.BenignSources)
	return t
}

// Encode writes m as indented JSON with its version set to "lr-" and the
// first 12 hex digits of the SHA-256 of the file written with an empty
// version: the same model always gets the same version, a changed one a
// new one.
func Encode(m *ml.Model) ([]byte, error) {
	c := *m
	c.Version = ""
	b, err := json.MarshalIndent(&c, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("encode model: %w", err)
	}
	sum := sha256.Sum256(b)
	c.Version = "lr-" + hex.EncodeToString(sum[:6])
	if b, err = json.MarshalIndent(&c, "", "  "); err != nil {
		return nil, fmt.Errorf("encode model: %w", err)
	}
	m.Version = c.Version
	return append(b, '\n'), nil
}

// isScan reports the label of source ip in capture c.
func (r *Result) isScan(c int, ip uint32) bool {
	for _, s := range r.Captures[c].Sources {
		if s.IP == ip {
			return s.Scan
		}
	}
	return false
}

func round4(v float64) float64 { return math.Round(v*1e4) / 1e4 }
