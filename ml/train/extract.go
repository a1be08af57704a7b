package train

import (
	"fmt"
	"math"
	"slices"

	"scanguard/capture"
	"scanguard/detector"
	"scanguard/detector/fingerprint"
	"scanguard/fusion"
	"scanguard/record"
)

// Sample is one labelled source's feature vector at one decision point,
// with what the rules alone decided there.
type Sample struct {
	// Capture indexes the capture in the training set: the group that
	// cross-validation keeps whole.
	Capture int
	Source  uint32
	Scan    bool
	Tool    string
	Probes  uint32
	X       [fusion.NumFeatures]float64
	// Rule is the rule that decided with the model switched off, or "".
	Rule string
	// RuleAlert says that rule raises an alert.
	RuleAlert bool
	// RulePacket says it rests on a probe's own headers (a fingerprint or
	// an exact relation), so the model may confirm it but never withdraw it.
	RulePacket bool
}

// packetMethods are the methods fusion never lets the model overrule.
const packetMethods = fusion.MethodTCPFingerprint | fusion.MethodIPIDRelation |
	fusion.MethodSeqRelation

// Table sizes of the extracting detector: far more than any lab capture
// holds, so that no source is evicted and every decision sees the state a
// production detector would.
const (
	extractSources  = 1 << 16
	extractSuspects = 1 << 10
)

// extractor runs captures through a detector that decides exactly at the
// sampling points, with the fingerprint database and fusion rules
// scanguard ships, and the model switched off.
type extractor struct {
	db     *fingerprint.DB
	fuser  *fusion.Fuser
	dcfg   detector.Config
	points []uint32
}

func newExtractor(points []uint32) *extractor {
	db := fingerprint.Default()
	fcfg := fusion.Default()
	fcfg.Model.Enabled = false
	dcfg := detector.Default()
	dcfg.MaxSources, dcfg.MaxSuspects = extractSources, extractSuspects
	dcfg.DecideEveryUntil, dcfg.Checkpoints, dcfg.DecideEvery = 0, points, math.MaxUint32
	return &extractor{db: db, fuser: fusion.New(fcfg, db), dcfg: dcfg, points: points}
}

// extract returns a sample per labelled source and sampling point that the
// source reached in capture c, in decision order.
func (x *extractor) extract(c *Capture, group int) ([]Sample, error) {
	det, err := detector.New(x.dcfg, x.db, x.fuser)
	if err != nil {
		return nil, fmt.Errorf("extract %s: %w", c.Name, err)
	}
	var out []Sample
	det.OnDecision(func(v *fusion.Verdict) {
		if !slices.Contains(x.points, v.Probes) {
			return
		}
		i := slices.IndexFunc(c.Sources, func(s Source) bool { return s.IP == v.SrcIP })
		if i < 0 {
			return
		}
		s := &c.Sources[i]
		out = append(out, Sample{
			Capture: group, Source: s.IP, Scan: s.Scan, Tool: s.Tool, Probes: v.Probes,
			X: fusion.Features(&v.Evidence), Rule: v.Rule, RuleAlert: v.Alerting(),
			RulePacket: v.Methods&packetMethods != 0,
		})
	})

	var p record.Parser
	var verdicts []fusion.Verdict
	_, err = capture.Records(c.Path, &p, func(batch []record.Record) error {
		verdicts = det.Process(batch, verdicts[:0])
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("extract %s: %w", c.Name, err)
	}
	det.Flush(verdicts[:0])
	if st := det.Stats(); st.Evictions+st.DetailEvictions > 0 {
		return nil, fmt.Errorf("extract %s: %d sources evicted: too many for the training table",
			c.Name, st.Evictions+st.DetailEvictions)
	}
	return out, nil
}
