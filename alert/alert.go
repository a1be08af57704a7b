// Package alert turns fusion's verdicts into alerts: the JSON schema of the
// design document's section 7, suppression of repeats, enrichment with the
// source's AS and country, and delivery to the configured sinks.
package alert

import (
	"math"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"scanguard/fusion"
)

// TimeLayout is how every time in an alert is written: RFC 3339 in UTC with
// milliseconds, as in the schema's example ("2026-04-16T10:30:45.123Z").
const TimeLayout = "2006-01-02T15:04:05.000Z07:00"

// Alert is one alert as it is written to every sink. Its JSON encoding is
// the contract with the SOC: the field order below is the order on the wire,
// the schema's own fields first, then scanguard's additions. Optional fields
// are left out, never written as null or as a placeholder.
type Alert struct {
	AlertType        string   `json:"alert_type"`
	Confidence       int      `json:"confidence"`
	Timestamp        string   `json:"timestamp"`
	Source           Source   `json:"source"`
	Features         Features `json:"features"`
	DetectionMethods []string `json:"detection_methods"`
	Recommendation   string   `json:"recommendation"`

	Tool        string `json:"tool,omitempty"`
	ToolVersion string `json:"tool_version,omitempty"`
	Severity    string `json:"severity"`
	Rule        string `json:"rule,omitempty"`
	FirstSeen   string `json:"first_seen"`
	PacketsSeen uint32 `json:"packets_seen"`
	// MLProbability is the model's probability that the source scans; nil
	// when the model was not consulted.
	MLProbability *float64 `json:"ml_probability,omitempty"`
	// Attribution is "flow_features" when the verdict was decided on flow
	// records (see SetFlowOrigin); empty for packets.
	Attribution string `json:"attribution,omitempty"`
	// SamplingRate is the exporter's 1-in-N packet sampling when it
	// sampled; packets_seen and syn_count are then scaled by it.
	SamplingRate uint32 `json:"sampling_rate,omitempty"`

	// level is the verdict's severity, kept for suppression metrics and
	// syslog priorities without parsing Severity back.
	level fusion.Severity
	// srcIP is Source.IP as a number, for lookups.
	srcIP uint32
}

// Source describes the scanning address.
type Source struct {
	IP string `json:"ip"`
	// PortRange is "min-max" of the source ports seen, or the single port;
	// empty (left out) when the source sent nothing with ports.
	PortRange string `json:"port_range,omitempty"`
	// ASN is "AS" and the number of the AS announcing IP; left out when no
	// AS database is configured or the address is not in it.
	ASN string `json:"asn,omitempty"`
	// ASOrg is the organisation holding ASN, when the database names one.
	ASOrg string `json:"as_org,omitempty"`
	// Geo is the ISO 3166-1 alpha-2 country of IP; left out when unknown.
	Geo string `json:"geo,omitempty"`
	// Exporter is the NetFlow/IPFIX exporter, "addr:port", whose flows
	// showed the source; left out for packets.
	Exporter string `json:"exporter,omitempty"`
}

// Features are the statistics behind the verdict. A statistic the engines
// could not compute (too few samples) is nil and left out of the JSON.
// Entropies are in bits, ratios in [0, 1].
type Features struct {
	SYNCount            uint32   `json:"syn_count"`
	PortEntropy         *float64 `json:"port_entropy,omitempty"`
	RateCV              *float64 `json:"rate_cv,omitempty"`
	TCPFingerprintScore *int     `json:"tcp_fingerprint_score,omitempty"`
	IPIDIncremental     *bool    `json:"ipid_incremental,omitempty"`
	TargetUniqueRatio   *float64 `json:"target_unique_ratio,omitempty"`
	SrcPortUniqueRatio  *float64 `json:"src_port_unique_ratio,omitempty"`
	DistinctDsts        uint32   `json:"distinct_dsts"`
	DistinctPorts       uint32   `json:"distinct_ports"`
	DstIPEntropy        *float64 `json:"dst_ip_entropy,omitempty"`
	DstPortEntropy      *float64 `json:"dst_port_entropy,omitempty"`
	SeqAutocorr         *float64 `json:"seq_autocorr,omitempty"`
	OrderCorrelation    *float64 `json:"order_correlation,omitempty"`
	SequentialShare     *float64 `json:"sequential_share,omitempty"`
	InvariantHits       uint32   `json:"invariant_hits"`
	Answered            uint32   `json:"answered"`
	Refused             uint32   `json:"refused"`
}

// Level returns the severity of the verdict the alert was built from.
func (a *Alert) Level() fusion.Severity { return a.level }

// Addr returns the source address of the alert.
func (a *Alert) Addr() netip.Addr { return addrOf(a.srcIP) }

// defaultConfig is what FromVerdict builds with.
var defaultConfig = Default()

// FromVerdict builds the alert for v with the default recommendations and
// thresholds. The same verdict always gives the same alert: every time in it
// comes from the capture, none from the clock.
func FromVerdict(v *fusion.Verdict) Alert {
	return Build(v, &defaultConfig)
}

// Build builds the alert for v with the recommendations and thresholds of
// cfg. Source.ASN, ASOrg and Geo are left for an enricher to fill.
func Build(v *fusion.Verdict, cfg *Config) Alert {
	e := &v.Evidence
	a := Alert{
		AlertType:        AlertType(v.Tool),
		Confidence:       min(max(v.Confidence, 0), 100),
		Timestamp:        FormatTime(e.LastSeenNs),
		DetectionMethods: v.Methods.Names(),
		Recommendation:   cfg.Recommendation.For(v.Severity),
		Tool:             v.Tool,
		ToolVersion:      v.ToolVersion,
		Severity:         v.Severity.String(),
		Rule:             v.Rule,
		FirstSeen:        FormatTime(e.FirstSeenNs),
		PacketsSeen:      e.Probes,
		level:            v.Severity,
		srcIP:            e.SrcIP,
	}
	if a.DetectionMethods == nil {
		a.DetectionMethods = []string{}
	}
	if v.MLProb >= 0 {
		a.MLProbability = round(v.MLProb, 3)
	}

	a.Source.IP = addrOf(e.SrcIP).String()
	if e.SrcPortSamples > 0 {
		a.Source.PortRange = PortRange(e.SrcPortMin, e.SrcPortMax)
	}

	f := &a.Features
	f.SYNCount = e.SYNs
	f.PortEntropy = round(e.SrcPortEntropy, 2)
	f.RateCV = round(e.RateCV, 4)
	if e.FingerprintAvg >= 0 {
		s := int(math.Round(min(e.FingerprintAvg, 100)))
		f.TCPFingerprintScore = &s
	}
	if e.IPIDIncRatio >= 0 {
		inc := e.IPIDIncRatio > cfg.IPIDIncrementalRatio
		f.IPIDIncremental = &inc
	}
	f.TargetUniqueRatio = round(e.TargetUnique, 3)
	f.SrcPortUniqueRatio = round(e.SrcPortUnique, 3)
	f.DistinctDsts = e.DistinctDsts
	f.DistinctPorts = e.DistinctPorts
	f.DstIPEntropy = round(e.DstIPEntropy, 2)
	f.DstPortEntropy = round(e.DstPortEntropy, 2)
	f.SeqAutocorr = roundSigned(e.SeqAutocorr, 3)
	f.OrderCorrelation = round(e.OrderCorrelation, 3)
	f.SequentialShare = round(e.SequentialShare, 3)
	f.InvariantHits = e.InvariantHits
	f.Answered = e.Answered
	f.Refused = e.Refused
	return a
}

// AlertType returns the schema's alert_type for a tool name: "MASSCAN_SCAN"
// for "masscan", and "PORT_SCAN" when the tool is unknown ("").
func AlertType(tool string) string {
	if tool == "" {
		return "PORT_SCAN"
	}
	return strings.ToUpper(tool) + "_SCAN"
}

// FormatTime writes a Unix time in ns the way alerts carry times.
func FormatTime(ns int64) string {
	return time.Unix(0, ns).UTC().Format(TimeLayout)
}

// PortRange writes a source-port range: "lo-hi", or "lo" when they agree.
func PortRange(lo, hi uint16) string {
	if lo > hi {
		lo, hi = hi, lo
	}
	if lo == hi {
		return strconv.Itoa(int(lo))
	}
	return strconv.Itoa(int(lo)) + "-" + strconv.Itoa(int(hi))
}

// round returns x rounded to the given decimals, or nil when x is negative
// (not computed) or not a number.
// roundSigned is round for a statistic that can be negative, such as an
// autocorrelation; only NaN and infinities mean "not computed".
func roundSigned(x float64, decimals int) *float64 {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return nil
	}
	p := math.Pow10(decimals)
	r := math.Round(x*p) / p
	return &r
}

func round(x float64, decimals int) *float64 {
	if x < 0 || math.IsNaN(x) || math.IsInf(x, 0) {
		return nil
	}
	p := math.Pow10(decimals)
	r := math.Round(x*p) / p
	return &r
}

// addrOf turns a host-order IPv4 address into a netip.Addr.
func addrOf(ip uint32) netip.Addr {
	return netip.AddrFrom4([4]byte{byte(ip >> 24), byte(ip >> 16), byte(ip >> 8), byte(ip)})
}
