// Package fusion turns the evidence the detection engines gathered about one
// source into a verdict: the seed's weighted vote, its threshold matrix and
// its early warning, each with weights and thresholds from configuration.
package fusion

// Method names one detection method that contributed to a verdict. The
// strings are the alert schema's detection_methods values.
type Method uint32

// Detection methods, one bit each so a verdict carries a set of them.
const (
	MethodTCPFingerprint   Method = 1 << iota // header fingerprint score (2.1)
	MethodIPIDRelation                        // exact IP-ID equation (masscan, zmap)
	MethodSeqRelation                         // exact sequence equation (mirai, nmap)
	MethodSYNCookie                           // sequence randomness (2.2)
	MethodIPIDPattern                         // IP-ID increment ratio (2.3)
	MethodPortUniqueness                      // source-port unique ratio (3.1)
	MethodPortEntropy                         // source-port entropy (3.1)
	MethodTargetUniqueness                    // no target probed twice
	MethodDstRandom                           // destination order and byte entropy (3.2)
	MethodFanOut                              // one source, many targets (4.1)
	MethodRateFixed                           // inter-arrival CV (4.2)
	MethodRefusals                            // most probes refused or unanswered
	MethodEarlyWarning                        // early detection score (8.1)
	MethodThresholdMatrix                     // a row of the threshold matrix (6)
	MethodWeightedVote                        // the weighted vote (5.6)
	MethodMLModel                             // the model's second opinion
	methodEnd
)

var methodNames = [...]string{
	"TCP_FINGERPRINT", "IPID_RELATION", "SEQ_RELATION", "SYN_COOKIE",
	"IPID_PATTERN", "PORT_UNIQUENESS", "PORT_ENTROPY", "TARGET_UNIQUENESS",
	"DST_RANDOM", "FAN_OUT", "RATE_FIXED", "REFUSALS", "EARLY_WARNING",
	"THRESHOLD_MATRIX", "WEIGHTED_VOTE", "ML_MODEL",
}

// Names returns the schema names of the methods in m, lowest bit first.
func (m Method) Names() []string {
	var out []string
	for i := 0; Method(1)<<i < methodEnd; i++ {
		if m&(1<<i) != 0 {
			out = append(out, methodNames[i])
		}
	}
	return out
}

// Severity orders verdicts; an alert is raised again only when it rises.
type Severity uint8

// Severities, lowest first.
const (
	SeverityNone Severity = iota
	SeverityLow
	SeverityMedium
	SeverityHigh
	SeverityCritical
)

var severityNames = [...]string{"none", "low", "medium", "high", "critical"}

// String returns the schema name of s.
func (s Severity) String() string {
	if int(s) < len(severityNames) {
		return severityNames[s]
	}
	return "unknown"
}

// ParseSeverity returns the severity named s.
func ParseSeverity(s string) (Severity, bool) {
	for i, n := range severityNames {
		if n == s {
			return Severity(i), true
		}
	}
	return SeverityNone, false
}

// Evidence is what the engines know about one source at a decision point.
// Ratios are in [0, 1]; entropies are in bits; a statistic that could not be
// computed (too few samples) is negative, except SeqAutocorr, which can be
// negative and is NaN instead.
type Evidence struct {
	SrcIP       uint32
	FirstSeenNs int64 // first probe
	LastSeenNs  int64 // the probe that triggered this decision
	Probes      uint32
	Sampled     uint32 // probes seen since the source's samples began
	SYNs        uint32

	// Packet layer.
	FingerprintAvg   float64 // mean seed-style score over TCP probes, 0..100
	FingerprintEntry int     // fingerprint database entry agreed on, -1 if none
	FingerprintAgree uint32  // consecutive probes matching that entry
	InvariantEntry   int     // entry whose exact relation holds, -1 if none
	InvariantRun     uint32  // consecutive probes the relation held on
	InvariantHits    uint32  // probes the relation held on, in all
	SeqAutocorr      float64 // lag-1 autocorrelation of sequence numbers
	SeqSamples       uint32  // TCP probes the sequence tests saw
	SeqConstant      bool    // one sequence number across distinct targets
	IPIDIncRatio     float64 // share of IP-ID steps that increase

	// Flow layer.
	SrcPortUnique    float64
	SrcPortEntropy   float64
	SrcPortSamples   uint32
	SrcPortMin       uint16
	SrcPortMax       uint16
	TargetUnique     float64 // distinct (dst ip, dst port) / probes
	DstIPEntropy     float64
	DstPortEntropy   float64
	DstByteEntropy   [4]float64
	DstSamples       uint32
	SequentialShare  float64 // share of steps to ip+1 or port+1
	OrderCorrelation float64 // |Spearman rho| of arrival order against target

	// Behaviour layer.
	DistinctDsts     uint32
	DistinctPorts    uint32
	DistinctTargets  uint32
	RateCV           float64
	InterArrivalMean float64 // ns
	InterArrivalStd  float64 // ns
	Answered         uint32  // SYN-ACKs and ICMP replies seen for this source
	Refused          uint32  // RSTs and unreachables seen for this source
	PayloadPackets   uint32  // packets with payload the source sent
	ScannerRSTs      uint32  // bare RSTs the source sent
	HighPortShare    float64 // share of probes to destination ports >= 1024
}

// Verdict is fusion's decision about one source.
type Verdict struct {
	Evidence
	Tool        string // "masscan", "zmap", … or "" for an unnamed scanner
	ToolVersion string // version range from the fingerprint entry, if any
	Confidence  int    // 0..100
	Severity    Severity
	Action      string // from the matrix row: alert_now, alert, ignore, exclude
	Rule        string // the matrix row, vote or early rule that decided
	Methods     Method
	VoteScore   int     // the weighted vote's score
	EarlyScore  int     // the early-detection score
	MLProb      float64 // the model's probability, negative when not used
}

// Alerting reports whether the verdict should reach the alert stage.
func (v *Verdict) Alerting() bool {
	return v.Severity > SeverityLow && (v.Action == "alert" || v.Action == "alert_now")
}
