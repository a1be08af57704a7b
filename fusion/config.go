package fusion

// Cond is a threshold-matrix condition. Every field that is set must hold;
// a nil pointer or zero count is not checked. Entropies are in bits of the
// 16-bit port space and are judged against the sample size (see
// detector.EntropyReaches).
type Cond struct {
	MinProbes         uint32   `yaml:"min_probes,omitempty"`
	MaxProbes         uint32   `yaml:"max_probes,omitempty"`
	MinSYNs           uint32   `yaml:"min_syns,omitempty"`
	MaxSYNShare       *float64 `yaml:"max_syn_share,omitempty"`
	MaxSequential     *float64 `yaml:"max_sequential_share,omitempty"`
	MinPorts          uint32   `yaml:"min_ports,omitempty"`
	MinFingerprint    *float64 `yaml:"min_fingerprint,omitempty"`
	MinFingerprintRun uint32   `yaml:"min_fingerprint_run,omitempty"`
	MinInvariantRun   uint32   `yaml:"min_invariant_run,omitempty"`
	// SameEntry asks that the exact relation and the header fingerprint
	// belong to one database entry: one tool's whole signature.
	SameEntry         bool     `yaml:"same_entry,omitempty"`
	MinSrcPortUnique  *float64 `yaml:"min_src_port_unique,omitempty"`
	MinTargetUnique   *float64 `yaml:"min_target_unique,omitempty"`
	MinPortEntropy    *float64 `yaml:"min_port_entropy,omitempty"`
	MaxPortEntropy    *float64 `yaml:"max_port_entropy,omitempty"`
	MaxRateCV         *float64 `yaml:"max_rate_cv,omitempty"`
	MinRateCV         *float64 `yaml:"min_rate_cv,omitempty"`
	MinTargets        uint32   `yaml:"min_targets,omitempty"`
	MinUnansweredRate *float64 `yaml:"min_unanswered_share,omitempty"`
	MinRefusedShare   *float64 `yaml:"min_refused_share,omitempty"`
	MaxPayloadShare   *float64 `yaml:"max_payload_share,omitempty"`
	NoFingerprint     bool     `yaml:"no_fingerprint,omitempty"`
	// NotDispersed excludes sources whose targets are spread like a
	// peer-to-peer client's (see Signals.DispersedHighPorts).
	NotDispersed bool `yaml:"not_dispersed,omitempty"`
}

// Row is one row of the threshold matrix.
type Row struct {
	Name       string `yaml:"name"`
	When       Cond   `yaml:"when"`
	Confidence int    `yaml:"confidence"`
	Severity   string `yaml:"severity"`
	// Action is alert_now, alert, ignore or exclude. Ignore and exclude
	// rows decide only when no alerting rule matched.
	Action string `yaml:"action"`
	// Tool names the tool when the row matches and no fingerprint does.
	Tool string `yaml:"tool,omitempty"`
}

// Vote is the weighted vote of the design document's core logic: each
// feature that holds adds its weight, and a total of Threshold detects.
type Vote struct {
	MinProbes          uint32  `yaml:"min_probes"`
	PortEntropyBits    float64 `yaml:"port_entropy_bits"`
	PortEntropyWeight  int     `yaml:"port_entropy_weight"`
	RateCVMax          float64 `yaml:"rate_cv_max"`
	RateCVWeight       int     `yaml:"rate_cv_weight"`
	FingerprintMin     float64 `yaml:"fingerprint_min"`
	FingerprintWeight  int     `yaml:"fingerprint_weight"`
	TargetUniqueMin    float64 `yaml:"target_unique_min"`
	TargetUniqueWeight int     `yaml:"target_unique_weight"`
	Threshold          int     `yaml:"threshold"`
	MinTargets         uint32  `yaml:"min_targets"`
	MaxPayloadShare    float64 `yaml:"max_payload_share"`
	// MinRefused is the share of probes refused (RST or unreachable) a
	// vote needs when the fingerprint did not vote: clients, resolvers and
	// health checkers fan out too, but are not refused. Refusals, not a
	// lack of answers, because answers lag the probes: a busy client's
	// newest connections are always still unanswered.
	MinRefused float64 `yaml:"min_refused_share"`
	// MinSYNShare is the share of probes that must be SYNs: the vote
	// weighs what the design document's engine counts, SYN packets.
	MinSYNShare float64 `yaml:"min_syn_share"`
	// ExcludeDispersed keeps peer-to-peer-like sources out of the vote.
	ExcludeDispersed bool   `yaml:"exclude_dispersed"`
	Severity         string `yaml:"severity"`
}

// Early is the early-detection score at 10 to 20 probes.
type Early struct {
	MinProbes uint32 `yaml:"min_probes"`
	MaxProbes uint32 `yaml:"max_probes"`
	// FingerprintHigh and FingerprintLow are the average scores that earn
	// FingerprintHighPoints and FingerprintLowPoints.
	FingerprintHigh       float64 `yaml:"fingerprint_high"`
	FingerprintHighPoints int     `yaml:"fingerprint_high_points"`
	FingerprintLow        float64 `yaml:"fingerprint_low"`
	FingerprintLowPoints  int     `yaml:"fingerprint_low_points"`
	// Uniqueness is "targets" or "source_ports": what must be distinct.
	Uniqueness       string `yaml:"uniqueness"`
	UniqueHigh       uint32 `yaml:"unique_high"`
	UniqueHighPoints int    `yaml:"unique_high_points"`
	UniqueLow        uint32 `yaml:"unique_low"`
	UniqueLowPoints  int    `yaml:"unique_low_points"`
	Threshold        int    `yaml:"threshold"`
	// MinRefused is the share of probes refused the early score needs
	// when the fingerprint reached only the low tier: a macOS client's
	// window and MSS already score 50 against zmap 4.1's entry.
	MinRefused float64 `yaml:"min_refused_share"`
	Severity   string  `yaml:"severity"`
}

// Signals are the single-method thresholds that decide which methods an
// alert lists as supporting evidence.
type Signals struct {
	SeqMinSamples      uint32  `yaml:"seq_min_samples"`
	SeqMaxAutocorr     float64 `yaml:"seq_max_autocorr"`
	IPIDMinIncrement   float64 `yaml:"ipid_min_increment"`
	PortUniqueMin      float64 `yaml:"port_unique_min"`
	PortEntropyBits    float64 `yaml:"port_entropy_bits"`
	DstByteEntropyBits float64 `yaml:"dst_byte_entropy_bits"`
	DstMaxSeqShare     float64 `yaml:"dst_max_sequential_share"`
	DstMaxOrderCorr    float64 `yaml:"dst_max_order_correlation"`
	DstMinSamples      uint32  `yaml:"dst_min_samples"`
	FanOutTargets      uint32  `yaml:"fan_out_targets"`
	RateCVMax          float64 `yaml:"rate_cv_max"`
	UnansweredMin      float64 `yaml:"unanswered_min"`
	// A source is dispersed, as a peer-to-peer client is, when at least
	// DispersedHighPorts of its probes go to ports >= 1024 and both its
	// distinct addresses and distinct ports are at least DispersedSpread
	// of its distinct targets: every peer on a port of its own. Scanners
	// walk few ports over many addresses, or many ports on few.
	DispersedHighPorts float64 `yaml:"dispersed_high_ports"`
	DispersedSpread    float64 `yaml:"dispersed_spread"`
}

// Config holds every weight and threshold fusion uses.
type Config struct {
	// AttributeAfter is how many probes in a row must match one
	// fingerprint entry before its tool is named.
	AttributeAfter uint32      `yaml:"attribute_after"`
	Vote           Vote        `yaml:"vote"`
	Early          Early       `yaml:"early"`
	Matrix         []Row       `yaml:"matrix"`
	Signals        Signals     `yaml:"signals"`
	Model          ModelConfig `yaml:"model"`
}

func f64(v float64) *float64 { return &v }
