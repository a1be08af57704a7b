package fusion

import (
	"math"

	"scanguard/detector/fingerprint"
)

// Fuser decides verdicts. It is read-only after New and may be shared by
// every worker.
type Fuser struct {
	cfg Config
	db  *fingerprint.DB
}

// New returns a Fuser for a validated configuration.
func New(cfg Config, db *fingerprint.DB) *Fuser {
	return &Fuser{cfg: cfg, db: db}
}

// Config returns the configuration the Fuser runs with.
func (f *Fuser) Config() Config { return f.cfg }

// EntropyReaches reports whether an entropy of h bits measured over n
// samples reaches a threshold of t bits stated for a space of maxBits bits.
// n samples can show at most log2(n) bits, so the threshold is scaled by
// the share of the space the sample can reveal: a 13-of-16-bit threshold
// becomes 13/16 of log2(n) when n < 2^16.
func EntropyReaches(h float64, n uint32, t, maxBits float64) bool {
	if n < 2 || maxBits <= 0 || h < 0 {
		return false
	}
	reach := math.Min(math.Log2(float64(n)), maxBits)
	return h >= t*reach/maxBits
}

// unanswered is the share of probes that drew neither a SYN-ACK nor an
// ICMP answer: refused, filtered or sent into dark address space. Answers
// are counted from when the source's samples began, so they are compared
// with the probes sampled since, not with its lifetime total.
func unanswered(ev *Evidence) float64 {
	n := sampled(ev)
	if n == 0 {
		return 0
	}
	return 1 - math.Min(1, float64(ev.Answered)/n)
}

// payloadShare is the share of probes matched by a packet carrying data:
// near 1 for clients that use their connections, near 0 for scanners.
func payloadShare(ev *Evidence) float64 {
	n := sampled(ev)
	if n == 0 {
		return 0
	}
	return math.Min(1, float64(ev.PayloadPackets)/n)
}

// refused is the share of probes refused with a RST or an ICMP
// unreachable, over the probes the counters cover.
func refused(ev *Evidence) float64 {
	n := sampled(ev)
	if n == 0 {
		return 0
	}
	return math.Min(1, float64(ev.Refused)/n)
}

// sampled is the number of probes the answer and data counters cover.
func sampled(ev *Evidence) float64 {
	if ev.Sampled > 0 {
		return float64(ev.Sampled)
	}
	return float64(ev.Probes)
}

// holds reports whether every condition set in c holds for ev.
func (f *Fuser) holds(c *Cond, ev *Evidence) bool {
	switch {
	case c.MinProbes > 0 && ev.Probes < c.MinProbes,
		c.MaxProbes > 0 && ev.Probes > c.MaxProbes,
		c.MinSYNs > 0 && ev.SYNs < c.MinSYNs,
		c.SameEntry && ev.InvariantEntry != ev.FingerprintEntry,
		c.MaxSYNShare != nil && float64(ev.SYNs) > *c.MaxSYNShare*float64(ev.Probes),
		c.MaxSequential != nil && (ev.SequentialShare < 0 ||
			ev.SequentialShare > *c.MaxSequential),
		c.MinPorts > 0 && ev.DistinctPorts < c.MinPorts,
		c.NotDispersed && f.dispersed(ev),
		c.MinFingerprint != nil && ev.FingerprintAvg < *c.MinFingerprint,
		c.MinFingerprintRun > 0 && (ev.FingerprintEntry < 0 ||
			ev.FingerprintAgree < c.MinFingerprintRun),
		c.MinInvariantRun > 0 && (ev.InvariantEntry < 0 ||
			ev.InvariantRun < c.MinInvariantRun),
		c.MinSrcPortUnique != nil && ev.SrcPortUnique < *c.MinSrcPortUnique,
		c.MinTargetUnique != nil && ev.TargetUnique < *c.MinTargetUnique,
		c.MinPortEntropy != nil &&
			!EntropyReaches(ev.SrcPortEntropy, ev.SrcPortSamples, *c.MinPortEntropy, 16),
		c.MaxPortEntropy != nil &&
			EntropyReaches(ev.SrcPortEntropy, ev.SrcPortSamples, *c.MaxPortEntropy, 16),
		c.MaxRateCV != nil && (ev.RateCV < 0 || ev.RateCV >= *c.MaxRateCV),
		c.MinRateCV != nil && ev.RateCV <= *c.MinRateCV,
		c.MinTargets > 0 && ev.DistinctTargets < c.MinTargets,
		c.MinUnansweredRate != nil && unanswered(ev) < *c.MinUnansweredRate,
		c.MinRefusedShare != nil && refused(ev) < *c.MinRefusedShare,
		c.MaxPayloadShare != nil && payloadShare(ev) > *c.MaxPayloadShare,
		c.NoFingerprint && ev.FingerprintEntry >= 0:
		return false
	}
	return true
}

// condMethods names the methods a matrix condition relies on.
func (f *Fuser) condMethods(c *Cond, ev *Evidence) Method {
	var m Method
	if c.MinFingerprint != nil || c.MinFingerprintRun > 0 {
		m |= MethodTCPFingerprint
	}
	if c.MinInvariantRun > 0 {
		if f.db.RelationOnSeq(ev.InvariantEntry) {
			m |= MethodSeqRelation
		} else {
			m |= MethodIPIDRelation
		}
	}
	if c.MinSrcPortUnique != nil {
		m |= MethodPortUniqueness
	}
	if c.MinPortEntropy != nil || c.MaxPortEntropy != nil {
		m |= MethodPortEntropy
	}
	if c.MaxRateCV != nil || c.MinRateCV != nil {
		m |= MethodRateFixed
	}
	if c.MinTargetUnique != nil {
		m |= MethodTargetUniqueness
	}
	if c.MinTargets > 0 || c.MinPorts > 0 {
		m |= MethodFanOut
	}
	if c.MaxSequential != nil {
		m |= MethodDstRandom
	}
	if c.MinRefusedShare != nil {
		m |= MethodRefusals
	}
	return m
}

// dispersed reports whether a source's targets are spread as a
// peer-to-peer client's are: mostly high ports, each address on a port of
// its own.
func (f *Fuser) dispersed(ev *Evidence) bool {
	s := &f.cfg.Signals
	t := float64(ev.DistinctTargets)
	return ev.DistinctTargets >= 10 && ev.HighPortShare >= s.DispersedHighPorts &&
		float64(ev.DistinctDsts) >= s.DispersedSpread*t &&
		float64(ev.DistinctPorts) >= s.DispersedSpread*t
}

// QuietBelow is the probe count below which no rule can alert on a source
// that has neither a fingerprint run nor an exact-relation run: the
// detector skips those decisions. Rows that need a run are left out; a
// row that needs nothing makes it 0.
func (f *Fuser) QuietBelow() uint32 {
	q := min(f.cfg.Vote.MinProbes, f.cfg.Early.MinProbes)
	for i := range f.cfg.Matrix {
		r := &f.cfg.Matrix[i]
		if r.Action != "alert" && r.Action != "alert_now" ||
			r.When.MinInvariantRun > 0 || r.When.MinFingerprintRun > 0 {
			continue
		}
		q = min(q, r.When.MinProbes)
	}
	return q
}
