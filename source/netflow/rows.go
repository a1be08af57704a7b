package netflow

import (
	"scanguard/detector"
	"scanguard/fusion"
)

// flowPromote caps the detector's promotion thresholds for flow sources.
const flowPromote = 3

// WithFlowPromotion returns dc with its promotion thresholds capped at
// three probes to three targets. No fingerprint promotes a flow source
// early, and a sampled export shows few probes per source: the flow rows
// need samples from the third probe on.
func WithFlowPromotion(dc detector.Config) detector.Config {
	dc.PromoteProbes = min(dc.PromoteProbes, flowPromote)
	dc.PromoteTargets = min(dc.PromoteTargets, flowPromote)
	return dc
}

// FlowRows returns the threshold-matrix rows for sources seen through flow
// records. The shipped rows lean on header fingerprints, or on refusals
// for nmap -sT; a flow shows neither headers nor, for a scan of open
// ports, refusals. What a flow does show is how a source treats its
// targets: a scanner probes many, never the same one twice, and never uses
// the connections it opens, while a client returns to its servers and
// sends them data. Both rows ask for all three; the early one at 10
// probes, every target new and no data at all.
//
// Detail state begins at the detector's promotion (three probes to three
// targets for flow sources, see WithFlowPromotion), so distinct targets
// trail probes by two: the early row asks for 8 targets at 10 probes.
func FlowRows() []fusion.Row {
	return []fusion.Row{
		{Name: "flow_fan_out", Confidence: 80, Severity: "high", Action: "alert",
			When: fusion.Cond{MinProbes: 20, MinTargets: 20, MinTargetUnique: f64(0.9),
				MaxPayloadShare: f64(0.1), NoFingerprint: true}},
		{Name: "flow_early", Confidence: 60, Severity: "medium", Action: "alert",
			When: fusion.Cond{MinProbes: 10, MinTargets: 8, MinTargetUnique: f64(1),
				MaxPayloadShare: f64(0), NoFingerprint: true}},
	}
}

// WithFlowRows returns matrix with the rows of FlowRows appended, but for
// those whose name matrix already has: a configuration that defines a row
// of the same name (with action ignore, say) overrides it.
func WithFlowRows(matrix []fusion.Row) []fusion.Row {
	out := append([]fusion.Row(nil), matrix...)
	for _, r := range FlowRows() {
		found := false
		for i := range matrix {
			found = found || matrix[i].Name == r.Name
		}
		if !found {
			out = append(out, r)
		}
	}
	return out
}

func f64(v float64) *float64 { return &v }
