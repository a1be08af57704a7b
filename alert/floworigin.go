package alert

import (
	"math"
	"slices"

	"scanguard/fusion"
)

// AttributionFlowFeatures is Alert.Attribution for a verdict decided on
// flow records: fan-out, target uniqueness, source ports, timing and
// answers, without any packet header.
const AttributionFlowFeatures = "flow_features"

// FlowOrigin says which flow exporter reported an alert's source.
type FlowOrigin struct {
	// Exporter is the exporter's "addr:port"; empty when unknown.
	Exporter string
	// SamplingRate is the exporter's 1-in-N packet sampling; 0 or 1 when
	// it counted every packet.
	SamplingRate uint32
}

// headerMethods are the methods that read packet headers. Records made
// from flow records carry placeholder headers, so these say nothing there.
var headerMethods = (fusion.MethodTCPFingerprint | fusion.MethodIPIDRelation |
	fusion.MethodSeqRelation | fusion.MethodSYNCookie | fusion.MethodIPIDPattern).Names()

// SetFlowOrigin marks a as decided on flow records from o.Exporter. A flow
// carries no TTL, IP ID, window, options or sequence number, so the
// attribution is flow features only: the header features and the methods
// that read headers are left out, and so is a tool, which only a header
// fingerprint or exact relation can name (a matrix row's guess rests on
// the absence of a fingerprint, which flows cannot show). When the
// exporter sampled, packets_seen and syn_count are scaled by its rate and
// sampling_rate says so.
func (a *Alert) SetFlowOrigin(o FlowOrigin) {
	a.Source.Exporter = o.Exporter
	a.Attribution = AttributionFlowFeatures
	a.Tool, a.ToolVersion = "", ""
	a.AlertType = AlertType("")
	a.Features.TCPFingerprintScore = nil
	a.Features.IPIDIncremental = nil
	a.Features.SeqAutocorr = nil
	a.Features.InvariantHits = 0
	a.DetectionMethods = slices.DeleteFunc(a.DetectionMethods, func(m string) bool {
		return slices.Contains(headerMethods, m)
	})
	if o.SamplingRate > 1 {
		a.SamplingRate = o.SamplingRate
		a.PacketsSeen = scaleCount(a.PacketsSeen, o.SamplingRate)
		a.Features.SYNCount = scaleCount(a.Features.SYNCount, o.SamplingRate)
	}
}

// scaleCount multiplies a count by a sampling rate, saturating.
func scaleCount(n, rate uint32) uint32 {
	return uint32(min(uint64(n)*uint64(rate), math.MaxUint32))
}
