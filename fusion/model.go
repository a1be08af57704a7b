package fusion

import (
	"errors"
	"fmt"
	"math"

	"scanguard/ml"
)

// ModelConfig sets the model's second opinion (fusion.model in YAML).
//
// The rules decide first, as the design document orders it (3.3): the
// model never raises an alert on its own, since it was trained on tens of
// sources from one lab. Once a source has sent MinProbes probes it is
// consulted on every decision and its probability is kept in the verdict:
//
//   - an alerting verdict with probability >= Threshold is confirmed:
//     ML_MODEL joins its methods and its confidence rises to the
//     probability (in percent) when that is higher;
//   - an alerting verdict that rests on behaviour alone (no header
//     fingerprint, IP-ID or sequence relation: the vote, early and
//     connect-scan rows) with probability < RejectBelow is withdrawn: its
//     action becomes ignore and its severity low, with ML_MODEL among its
//     methods to say why. Verdicts backed by a packet-layer rule are never
//     withdrawn.
type ModelConfig struct {
	// Enabled turns the second opinion on; off, fusion runs on rules alone.
	Enabled bool `yaml:"enabled"`
	// Path is a model file written by `scanguard train`; empty uses the
	// model built into the binary.
	Path        string  `yaml:"path"`
	Threshold   float64 `yaml:"threshold"`
	RejectBelow float64 `yaml:"reject_below"`
	// MinProbes is the fewest probes a source must have sent before the
	// model is consulted: below it the statistics mean nothing.
	MinProbes uint32 `yaml:"min_probes"`

	// Model is the model Load found; nil means rules alone.
	Model *ml.Model `yaml:"-"`
	// loadedFrom is the Path that Model came from, so a Path changed after
	// loading is never served by the old model.
	loadedFrom string
}

// DefaultModel returns the shipped second-opinion settings with the model
// built into the binary loaded. Should that model fail to load, which the
// package's tests rule out, fusion runs on rules alone.
func DefaultModel() ModelConfig {
	c := ModelConfig{Enabled: true, Threshold: 0.9, RejectBelow: 0.02, MinProbes: 10}
	_ = c.Load()
	return c
}

// Load loads the configured model into c.Model: the file at Path, or the
// built-in model when Path is empty. When the second opinion is disabled it
// clears c.Model. Call it once at start and on every reload.
func (c *ModelConfig) Load() error {
	c.Model, c.loadedFrom = nil, c.Path
	if !c.Enabled {
		return nil
	}
	var m *ml.Model
	var err error
	if c.Path == "" {
		m, err = ml.Shipped()
	} else {
		m, err = ml.Load(c.Path)
	}
	if err == nil {
		err = m.CheckFeatures(FeatureNames[:])
	}
	if err != nil {
		return fmt.Errorf("load fusion model: %w", err)
	}
	c.Model = m
	return nil
}

// Validate reports every problem in c, each with its YAML path under
// prefix (for example "fusion.model").
func (c *ModelConfig) Validate(prefix string) error {
	var errs []error
	if !(c.Threshold > 0 && c.Threshold <= 1) {
		errs = append(errs, fmt.Errorf("%s.threshold: must be within (0, 1]", prefix))
	}
	if !(c.RejectBelow >= 0 && c.RejectBelow < c.Threshold) {
		errs = append(errs, fmt.Errorf("%s.reject_below: must be within [0, threshold)", prefix))
	}
	return errors.Join(errs...)
}

// active returns the model to consult, or nil for rules alone.
func (c *ModelConfig) active() *ml.Model {
	if !c.Enabled || c.loadedFrom != c.Path {
		return nil
	}
	return c.Model
}

// Model returns the model f consults, or nil when it decides on rules
// alone. The run command uses it to say so once at start.
func (f *Fuser) Model() *ml.Model { return f.cfg.Model.active() }

// packetLayer are the methods that rest on a probe's own headers.
const packetLayer = MethodTCPFingerprint | MethodIPIDRelation | MethodSeqRelation

// consult asks the model for its opinion on the rules' decision c and
// records its probability in v. See ModelConfig for what it may change.
func (f *Fuser) consult(ev *Evidence, v *Verdict, c *candidate) {
	mc := &f.cfg.Model
	m := mc.active()
	if m == nil || ev.Probes < mc.MinProbes {
		return
	}
	x := Features(ev)
	p := m.Prob(x[:])
	v.MLProb = p
	if !c.alerting() {
		return
	}
	switch {
	case p >= mc.Threshold:
		c.methods |= MethodMLModel
		c.confidence = max(c.confidence, percent(p))
	case p < mc.RejectBelow && c.methods&packetLayer == 0:
		c.methods |= MethodMLModel
		c.action, c.severity = "ignore", SeverityLow
		c.confidence = min(c.confidence, percent(p))
	}
}

// percent is p in whole percent, rounded down; the epsilon keeps 0.97 from
// becoming 96 through its binary representation.
func percent(p float64) int { return int(math.Floor(100*p + 1e-9)) }
