package fusion

import (
	"errors"
	"fmt"
)

// checker collects every problem of a configuration with its YAML path.
type checker struct {
	prefix string
	errs   []error
}

func (k *checker) bad(path, msg string) {
	k.errs = append(k.errs, fmt.Errorf("%s.%s: %s", k.prefix, path, msg))
}

// within checks lo <= v <= hi.
func (k *checker) within(path string, v, lo, hi float64) {
	if v < lo || v > hi {
		k.bad(path, fmt.Sprintf("must be within %g..%g", lo, hi))
	}
}

// withinPtr checks an optional value.
func (k *checker) withinPtr(path string, v *float64, lo, hi float64) {
	if v != nil {
		k.within(path, *v, lo, hi)
	}
}

func (k *checker) nonNegative(path string, v int) {
	if v < 0 {
		k.bad(path, "must be >= 0")
	}
}

// severity checks a severity name; an alerting rule cannot be "none".
func (k *checker) severity(path, s string, noneOK bool) {
	if v, ok := ParseSeverity(s); !ok || v == SeverityNone && !noneOK {
		if noneOK {
			k.bad(path, "must be none, low, medium, high or critical")
		} else {
			k.bad(path, "must be low, medium, high or critical")
		}
	}
}

// Validate reports every problem in c, each with its YAML path under
// prefix (for example "fusion").
func (c *Config) Validate(prefix string) error {
	k := &checker{prefix: prefix}
	if c.AttributeAfter == 0 {
		k.bad("attribute_after", "must be > 0")
	}
	c.Vote.validate(k)
	c.Early.validate(k)
	if len(c.Matrix) == 0 {
		k.bad("matrix", "must have at least one row")
	}
	for i := range c.Matrix {
		c.Matrix[i].validate(k, fmt.Sprintf("matrix[%d]", i))
	}
	c.Signals.validate(k)
	k.errs = append(k.errs, c.Model.Validate(prefix+".model"))
	return errors.Join(k.errs...)
}

func (v *Vote) validate(k *checker) {
	k.nonNegative("vote.port_entropy_weight", v.PortEntropyWeight)
	k.nonNegative("vote.rate_cv_weight", v.RateCVWeight)
	k.nonNegative("vote.fingerprint_weight", v.FingerprintWeight)
	k.nonNegative("vote.target_unique_weight", v.TargetUniqueWeight)
	most := v.PortEntropyWeight + v.RateCVWeight + v.FingerprintWeight + v.TargetUniqueWeight
	if v.Threshold <= 0 || v.Threshold > most {
		k.bad("vote.threshold", fmt.Sprintf("must be within 1..%d, the sum of the weights", most))
	}
	if v.MinProbes == 0 {
		k.bad("vote.min_probes", "must be > 0")
	}
	k.within("vote.port_entropy_bits", v.PortEntropyBits, 0, 16)
	k.within("vote.rate_cv_max", v.RateCVMax, 0, 1e6)
	k.within("vote.fingerprint_min", v.FingerprintMin, 0, 100)
	k.within("vote.target_unique_min", v.TargetUniqueMin, 0, 1)
	k.within("vote.max_payload_share", v.MaxPayloadShare, 0, 1)
	k.within("vote.min_refused_share", v.MinRefused, 0, 1)
	k.within("vote.min_syn_share", v.MinSYNShare, 0, 1)
	k.severity("vote.severity", v.Severity, false)
}

func (e *Early) validate(k *checker) {
	if e.MinProbes == 0 {
		k.bad("early.min_probes", "must be > 0")
	}
	if e.MaxProbes < e.MinProbes {
		k.bad("early.max_probes", "must be >= early.min_probes")
	}
	k.within("early.fingerprint_high", e.FingerprintHigh, 0, 100)
	k.within("early.fingerprint_low", e.FingerprintLow, 0, e.FingerprintHigh)
	k.nonNegative("early.fingerprint_high_points", e.FingerprintHighPoints)
	k.nonNegative("early.fingerprint_low_points", e.FingerprintLowPoints)
	k.nonNegative("early.unique_high_points", e.UniqueHighPoints)
	k.nonNegative("early.unique_low_points", e.UniqueLowPoints)
	if e.UniqueLow > e.UniqueHigh {
		k.bad("early.unique_low", "must be <= early.unique_high")
	}
	most := max(e.FingerprintHighPoints, e.FingerprintLowPoints) +
		max(e.UniqueHighPoints, e.UniqueLowPoints)
	if e.Threshold <= 0 || e.Threshold > most {
		k.bad("early.threshold", fmt.Sprintf("must be within 1..%d, the most points", most))
	}
	if e.Uniqueness != "targets" && e.Uniqueness != "source_ports" {
		k.bad("early.uniqueness", `must be "targets" or "source_ports"`)
	}
	k.within("early.min_refused_share", e.MinRefused, 0, 1)
	k.severity("early.severity", e.Severity, false)
}

func (r *Row) validate(k *checker, p string) {
	if r.Name == "" {
		k.bad(p+".name", "must be set")
	}
	k.within(p+".confidence", float64(r.Confidence), 0, 100)
	k.severity(p+".severity", r.Severity, true)
	switch r.Action {
	case "alert_now", "alert", "ignore", "exclude":
	default:
		k.bad(p+".action", "must be alert_now, alert, ignore or exclude")
	}
	w := &r.When
	k.withinPtr(p+".when.max_syn_share", w.MaxSYNShare, 0, 1)
	k.withinPtr(p+".when.max_sequential_share", w.MaxSequential, 0, 1)
	k.withinPtr(p+".when.min_src_port_unique", w.MinSrcPortUnique, 0, 1)
	k.withinPtr(p+".when.min_target_unique", w.MinTargetUnique, 0, 1)
	k.withinPtr(p+".when.min_unanswered_share", w.MinUnansweredRate, 0, 1)
	k.withinPtr(p+".when.min_refused_share", w.MinRefusedShare, 0, 1)
	k.withinPtr(p+".when.max_payload_share", w.MaxPayloadShare, 0, 1)
	k.withinPtr(p+".when.min_fingerprint", w.MinFingerprint, 0, 100)
	k.withinPtr(p+".when.min_port_entropy", w.MinPortEntropy, 0, 16)
	k.withinPtr(p+".when.max_port_entropy", w.MaxPortEntropy, 0, 16)
	k.withinPtr(p+".when.min_rate_cv", w.MinRateCV, 0, 1e6)
	k.withinPtr(p+".when.max_rate_cv", w.MaxRateCV, 0, 1e6)
	if w.MaxProbes > 0 && w.MinProbes > w.MaxProbes {
		k.bad(p+".when.min_probes", "must be <= max_probes")
	}
}

func (s *Signals) validate(k *checker) {
	k.within("signals.seq_max_autocorr", s.SeqMaxAutocorr, -1, 1)
	k.within("signals.dst_max_order_correlation", s.DstMaxOrderCorr, 0, 1)
	k.within("signals.ipid_min_increment", s.IPIDMinIncrement, 0, 1)
	k.within("signals.port_unique_min", s.PortUniqueMin, 0, 1)
	k.within("signals.dst_max_sequential_share", s.DstMaxSeqShare, 0, 1)
	k.within("signals.unanswered_min", s.UnansweredMin, 0, 1)
	k.within("signals.dispersed_high_ports", s.DispersedHighPorts, 0, 1)
	k.within("signals.dispersed_spread", s.DispersedSpread, 0, 1)
	k.within("signals.port_entropy_bits", s.PortEntropyBits, 0, 16)
	k.within("signals.dst_byte_entropy_bits", s.DstByteEntropyBits, 0, 8)
	k.within("signals.rate_cv_max", s.RateCVMax, 0, 1e6)
}
