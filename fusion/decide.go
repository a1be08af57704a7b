package fusion

import "math"

// candidate is one rule's proposal for a verdict.
type candidate struct {
	rule       string
	confidence int
	severity   Severity
	action     string
	tool       string
	methods    Method
}

func (c *candidate) alerting() bool {
	return c.action == "alert" || c.action == "alert_now"
}

// Decide fuses the evidence about one source into a verdict. Every
// alerting rule that holds — matrix rows, the weighted vote, the early
// score — proposes a confidence; the highest wins. Ignore and exclude rows
// decide only when nothing alerting holds: the design document's exclusion
// row (low source-port entropy with jittery timing) describes masscan as
// captured, so it must never veto a stronger rule.
func (f *Fuser) Decide(ev *Evidence) Verdict {
	v := Verdict{Evidence: *ev, MLProb: -1}
	var best, passive candidate
	consider := func(c candidate) {
		if !c.alerting() {
			if passive.rule == "" {
				passive = c
			}
			return
		}
		if c.confidence > best.confidence {
			best = c
		}
	}

	for i := range f.cfg.Matrix {
		r := &f.cfg.Matrix[i]
		if !f.holds(&r.When, ev) {
			continue
		}
		sev, _ := ParseSeverity(r.Severity)
		consider(candidate{
			rule: r.Name, confidence: r.Confidence, severity: sev, action: r.Action,
			tool: r.Tool, methods: f.condMethods(&r.When, ev) | MethodThresholdMatrix,
		})
	}
	vote, voteMethods := f.vote(ev)
	v.VoteScore = vote
	if vote >= f.cfg.Vote.Threshold {
		sev, _ := ParseSeverity(f.cfg.Vote.Severity)
		consider(candidate{rule: "weighted_vote", confidence: min(vote, 100), severity: sev,
			action: "alert", methods: voteMethods | MethodWeightedVote})
	}
	early, earlyMethods := f.early(ev)
	v.EarlyScore = early
	if early >= f.cfg.Early.Threshold {
		sev, _ := ParseSeverity(f.cfg.Early.Severity)
		consider(candidate{rule: "early_warning", confidence: min(early, 100), severity: sev,
			action: "alert", methods: earlyMethods | MethodEarlyWarning})
	}

	c := best
	if c.rule == "" {
		c = passive
	}
	f.consult(ev, &v, &c)
	if c.rule == "" {
		return v
	}
	v.Rule, v.Confidence, v.Severity, v.Action = c.rule, c.confidence, c.severity, c.action
	v.Methods = c.methods | f.signals(ev)
	v.Tool, v.ToolVersion = f.attribute(ev, c.tool)
	return v
}

// attribute names the tool: an exact relation first, then a fingerprint
// entry that enough probes in a row agreed on, then the rule's own guess.
func (f *Fuser) attribute(ev *Evidence, ruleTool string) (tool, version string) {
	if ev.InvariantEntry >= 0 && ev.InvariantRun > 0 {
		return f.db.Tool(ev.InvariantEntry), f.db.Versions(ev.InvariantEntry)
	}
	if ev.FingerprintEntry >= 0 && ev.FingerprintAgree >= f.cfg.AttributeAfter {
		return f.db.Tool(ev.FingerprintEntry), f.db.Versions(ev.FingerprintEntry)
	}
	return ruleTool, ""
}

// vote is the weighted vote: source-port entropy, fixed rate and the
// fingerprint as the design document weighs them, plus target uniqueness.
func (f *Fuser) vote(ev *Evidence) (int, Method) {
	c := &f.cfg.Vote
	if ev.Probes < c.MinProbes || ev.DistinctTargets < c.MinTargets ||
		float64(ev.SYNs) < c.MinSYNShare*float64(ev.Probes) ||
		payloadShare(ev) > c.MaxPayloadShare || c.ExcludeDispersed && f.dispersed(ev) {
		return 0, 0
	}
	score := 0
	var m Method
	if EntropyReaches(ev.SrcPortEntropy, ev.SrcPortSamples, c.PortEntropyBits, 16) {
		score += c.PortEntropyWeight
		m |= MethodPortEntropy
	}
	if ev.RateCV >= 0 && ev.RateCV < c.RateCVMax {
		score += c.RateCVWeight
		m |= MethodRateFixed
	}
	if ev.FingerprintAvg >= c.FingerprintMin {
		score += c.FingerprintWeight
		m |= MethodTCPFingerprint
	}
	if ev.TargetUnique >= c.TargetUniqueMin {
		score += c.TargetUniqueWeight
		m |= MethodTargetUniqueness
	}
	if m&MethodTCPFingerprint == 0 && refused(ev) < c.MinRefused {
		// Without a scanner's header, fan-out and fresh source ports are
		// what every busy client shows; refusals tell.
		return 0, 0
	}
	return score, m
}

// early is the early-detection score, computed only between MinProbes and
// MaxProbes probes.
func (f *Fuser) early(ev *Evidence) (int, Method) {
	c := &f.cfg.Early
	if ev.Probes < c.MinProbes || ev.Probes > c.MaxProbes {
		return 0, 0
	}
	score := 0
	var m Method
	switch {
	case ev.FingerprintAvg >= c.FingerprintHigh:
		score += c.FingerprintHighPoints
		m |= MethodTCPFingerprint
	case ev.FingerprintAvg >= c.FingerprintLow:
		if refused(ev) < c.MinRefused {
			return 0, 0
		}
		score += c.FingerprintLowPoints
		m |= MethodTCPFingerprint
	}
	unique, um := ev.DistinctTargets, MethodTargetUniqueness
	if c.Uniqueness == "source_ports" {
		unique = uint32(ev.SrcPortUnique*float64(ev.SrcPortSamples) + 0.5)
		um = MethodPortUniqueness
	}
	switch {
	case unique >= c.UniqueHigh:
		score += c.UniqueHighPoints
		m |= um
	case unique >= c.UniqueLow:
		score += c.UniqueLowPoints
		m |= um
	}
	return score, m
}

// signals lists the single methods whose own thresholds hold, as
// supporting evidence in the alert.
func (f *Fuser) signals(ev *Evidence) Method {
	s := &f.cfg.Signals
	var m Method
	// Every modern stack picks random initial sequence numbers, so low
	// autocorrelation is listed only for a source whose header is a
	// scanner's; one sequence number for every target is listed always.
	header := ev.FingerprintEntry >= 0 || ev.InvariantEntry >= 0
	if ev.SeqConstant || header && !math.IsNaN(ev.SeqAutocorr) &&
		ev.SeqSamples >= s.SeqMinSamples && ev.SeqAutocorr < s.SeqMaxAutocorr {
		m |= MethodSYNCookie
	}
	if ev.IPIDIncRatio >= s.IPIDMinIncrement {
		m |= MethodIPIDPattern
	}
	if ev.SrcPortSamples >= 10 && ev.SrcPortUnique >= s.PortUniqueMin {
		m |= MethodPortUniqueness
	}
	if EntropyReaches(ev.SrcPortEntropy, ev.SrcPortSamples, s.PortEntropyBits, 16) {
		m |= MethodPortEntropy
	}
	if f.dstRandom(ev) {
		m |= MethodDstRandom
	}
	if ev.DistinctTargets >= s.FanOutTargets {
		m |= MethodFanOut
	}
	if ev.RateCV >= 0 && ev.RateCV < s.RateCVMax {
		m |= MethodRateFixed
	}
	if ev.Probes >= 10 && refused(ev) >= s.UnansweredMin {
		m |= MethodRefusals
	}
	return m
}

// dstRandom is the destination-randomness test: the order of targets is
// neither a sweep nor correlated with time, and every address byte that
// varies at all is close to as random as the sample can show. The design
// document asks all four bytes for 7.5 bits; a scan of any range smaller
// than the Internet holds its leading bytes constant, so only the bytes
// that vary are judged, each against the sample size.
func (f *Fuser) dstRandom(ev *Evidence) bool {
	s := &f.cfg.Signals
	if ev.DstSamples < s.DstMinSamples || ev.SequentialShare < 0 ||
		ev.SequentialShare > s.DstMaxSeqShare || ev.OrderCorrelation > s.DstMaxOrderCorr {
		return false
	}
	for _, h := range ev.DstByteEntropy {
		if h > 0 && !EntropyReaches(h, ev.DstSamples, s.DstByteEntropyBits, 8) {
			return false
		}
	}
	return true
}

// Shape names the fan-out of a source (section 4.1): "horizontal" for
// many addresses on few ports, "vertical" for many ports on few
// addresses, "block" for both, or "" below minTargets either way.
func (ev *Evidence) Shape(minTargets uint32) string {
	manyDsts, manyPorts := ev.DistinctDsts >= minTargets, ev.DistinctPorts >= minTargets
	switch {
	case manyDsts && manyPorts:
		return "block"
	case manyDsts:
		return "horizontal"
	case manyPorts:
		return "vertical"
	}
	return ""
}
