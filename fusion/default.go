package fusion

// Default returns the shipped fusion configuration: the design document's
// weights and thresholds, corrected where captures of the real tools prove
// them wrong. `scanguard config default` prints it with the reasons.
func Default() Config {
	return Config{
		AttributeAfter: 3,
		Vote: Vote{
			MinProbes:         10,
			PortEntropyBits:   13,
			PortEntropyWeight: 30,
			RateCVMax:         0.05,
			RateCVWeight:      30,
			FingerprintMin:    60,
			FingerprintWeight: 40,
			// Not in the design document: masscan sends every probe from
			// one source port, so source-port entropy never votes for it;
			// targets that are never probed twice do.
			TargetUniqueMin:    0.95,
			TargetUniqueWeight: 30,
			Threshold:          60,
			MinTargets:         10,
			MaxPayloadShare:    0.2,
			MinRefused:         0.5,
			MinSYNShare:        0.5,
			ExcludeDispersed:   true,
			Severity:           "high",
		},
		Early: Early{
			MinProbes:             10,
			MaxProbes:             20,
			FingerprintHigh:       60,
			FingerprintHighPoints: 40,
			FingerprintLow:        40,
			FingerprintLowPoints:  20,
			Uniqueness:            "targets",
			UniqueHigh:            10,
			UniqueHighPoints:      30,
			UniqueLow:             8,
			UniqueLowPoints:       15,
			Threshold:             50,
			MinRefused:            0.5,
			Severity:              "medium",
		},
		Matrix:  defaultMatrix(),
		Signals: defaultSignals(),
		Model:   DefaultModel(),
	}
}

// defaultMatrix is the design document's seven-row threshold matrix plus
// the rows the captures call for. Where a row departs from the document:
//
//   - invariant_first_probe and invariant are new. masscan's IP ID equals
//     (dst ip ^ dst port ^ seq) mod 2^16 on every TCP probe it sent in the
//     captures, and on none of 93,000 probes of other tools and clients;
//     zmap before 4.1 sends IP ID 54321 and nmap one sequence number for a
//     whole scan. One probe that matches its tool's full header fingerprint
//     as well is enough for a high alert, three in a row for a critical one.
//   - fingerprint_unique (document row 1) asks that no target be probed
//     twice instead of every source port being new: masscan and nmap send
//     a whole scan from one source port, so the document's condition never
//     holds for them and holds for every ordinary client.
//   - the source-port entropy rows (document rows 2, 3, 5) count SYNs, as
//     the document's engine does, and also ask for
//     fan-out and for connections the source does not use (payload share):
//     unique ephemeral ports are what a Linux client has, so entropy alone
//     flags a busy web client.
//   - low_entropy_jitter (document row 7) excludes only when nothing else
//     holds: masscan as captured has one source port and a CV of 0.7 to 50,
//     exactly what the row describes.
//   - raw_fan_out and connect_scan are new: a raw-packet header without an
//     entry of its own, and kernel SYNs that are mostly refused and never
//     used (nmap -sT, whose packets are a normal client's). connect_scan
//     counts SYNs only (a traceroute's UDP probes are refused too) and
//     leaves out sources dispersed like a peer-to-peer client.
//   - udp_scan is new: UDP probes to many targets (ports of one host, as
//     nmap -sU, or hosts on a few ports, as masscan -pU), mostly unanswered,
//     in an order that is not a sweep (a traceroute walks its ports one by
//     one); a resolver's queries get answers.
func defaultMatrix() []Row {
	return []Row{
		{Name: "invariant_first_probe", Confidence: 85, Severity: "high", Action: "alert",
			When: Cond{MinInvariantRun: 1, MinFingerprintRun: 1, SameEntry: true}},
		{Name: "invariant", Confidence: 95, Severity: "critical", Action: "alert_now",
			When: Cond{MinInvariantRun: 3}},
		{Name: "fingerprint_unique", Confidence: 95, Severity: "critical", Action: "alert_now",
			When: Cond{MinProbes: 10, MinFingerprint: f64(80), MinTargetUnique: f64(1)}},
		{Name: "entropy_fixed_rate", Confidence: 90, Severity: "high", Action: "alert",
			When: Cond{MinProbes: 50, MinSYNs: 50, MinPortEntropy: f64(13), MaxRateCV: f64(0.05),
				MinTargets: 50, MaxPayloadShare: f64(0.2), NotDispersed: true}},
		{Name: "entropy", Confidence: 75, Severity: "medium", Action: "alert",
			When: Cond{MinProbes: 100, MinSYNs: 100, MinPortEntropy: f64(12), MinTargets: 100,
				MinUnansweredRate: f64(0.5), MaxPayloadShare: f64(0.2), NotDispersed: true}},
		{Name: "fingerprint_entropy", Confidence: 80, Severity: "high", Action: "alert",
			When: Cond{MinProbes: 20, MinFingerprint: f64(60), MinPortEntropy: f64(13),
				MinTargets: 20}},
		{Name: "fixed_rate_entropy", Confidence: 85, Severity: "high", Action: "alert",
			When: Cond{MinProbes: 20, MinSYNs: 20, MaxRateCV: f64(0.01), MinPortEntropy: f64(13),
				MinTargets: 20, MaxPayloadShare: f64(0.2), NotDispersed: true}},
		{Name: "few_probes", Confidence: 25, Severity: "low", Action: "ignore",
			When: Cond{MaxProbes: 9}},
		{Name: "low_entropy_jitter", Confidence: 15, Severity: "low", Action: "exclude",
			When: Cond{MaxPortEntropy: f64(10), MinRateCV: f64(0.1)}},
		{Name: "raw_fan_out", Confidence: 80, Severity: "high", Action: "alert",
			When: Cond{MinProbes: 20, MinFingerprint: f64(60), MinTargets: 20,
				MinUnansweredRate: f64(0.5)}},
		{Name: "udp_scan", Confidence: 75, Severity: "medium", Action: "alert",
			When: Cond{MinProbes: 30, MinTargets: 30, MaxSYNShare: f64(0.1),
				MinUnansweredRate: f64(0.8), MaxSequential: f64(0.3), NotDispersed: true}},
		{Name: "connect_scan", Confidence: 80, Severity: "high", Action: "alert",
			Tool: "nmap",
			When: Cond{MinProbes: 20, MinSYNs: 20, MinTargets: 20, MinRefusedShare: f64(0.6),
				MaxPayloadShare: f64(0.1), NoFingerprint: true, NotDispersed: true}},
	}
}

func defaultSignals() Signals {
	return Signals{
		SeqMinSamples:      50,
		SeqMaxAutocorr:     0.1,
		IPIDMinIncrement:   0.95,
		PortUniqueMin:      0.95,
		PortEntropyBits:    14,
		DstByteEntropyBits: 7.5,
		DstMaxSeqShare:     0.1,
		DstMaxOrderCorr:    0.3,
		DstMinSamples:      10,
		FanOutTargets:      500,
		RateCVMax:          0.05,
		UnansweredMin:      0.5,
		DispersedHighPorts: 0.8,
		DispersedSpread:    0.8,
	}
}
