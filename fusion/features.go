package fusion

import "math"

// NumFeatures is the length of the flow feature vector.
const NumFeatures = 23

// FeatureNames names each element of the vector Features returns, in order.
// A model file lists the names it was trained on, and one whose list differs
// is refused: the names are the vector's format.
var FeatureNames = [NumFeatures]string{
	// The design document's flow feature vector (3.3).
	"src_port_unique", "src_port_entropy", "dst_ip_entropy", "dst_port_entropy",
	"inter_arrival_mean", "inter_arrival_std", "syn_count", "refused_share",
	// What the captures show to be telling.
	"probes", "syn_share", "fingerprint_score", "invariant_hit_share",
	"invariant_run_share", "dst_fan_out", "port_fan_out", "target_unique",
	"sequential_share", "order_correlation", "answered_share", "payload_share",
	"rate_cv", "scanner_rst_share", "seq_autocorr",
}

// Features returns the flow feature vector of one source: the design
// document's eight statistics (3.3) extended with the packet, flow and
// behaviour evidence the captures show to be telling. Training and the
// running detector both call it, so a model sees the same numbers in both.
//
// Every element is scale-free so that one model serves every decision
// point: counts become shares of the probes sent, entropies are divided by
// the most the sample could show (log2 of the sample size, capped by the
// width of the field), and the two timing figures and the counts of probes
// and SYNs are logarithms. An element that could not be computed (too few
// samples, no timing yet) is NaN; a model reads it as the training mean.
// It does not allocate.
func Features(ev *Evidence) [NumFeatures]float64 {
	n := float64(ev.Probes)
	nan := math.NaN()
	var x [NumFeatures]float64

	x[0] = nan
	if ev.SrcPortSamples >= 2 {
		x[0] = ev.SrcPortUnique
	}
	x[1] = normEntropy(ev.SrcPortEntropy, ev.SrcPortSamples, 16)
	x[2] = normEntropy(ev.DstIPEntropy, ev.DstSamples, 32)
	x[3] = normEntropy(ev.DstPortEntropy, ev.DstSamples, 16)
	x[4] = logMicros(ev.InterArrivalMean)
	x[5] = logMicros(ev.InterArrivalStd)
	x[6] = math.Log2(1 + float64(ev.SYNs))
	x[7] = share(ev.Refused, n)

	x[8] = math.Log2(1 + n)
	x[9] = share(ev.SYNs, n)
	x[10] = ev.FingerprintAvg / 100
	x[11] = share(ev.InvariantHits, n)
	// The run counter saturates at 255 probes; compare it with as many.
	x[12] = share(ev.InvariantRun, min(n, 255))
	x[13] = share(ev.DistinctDsts, n)
	x[14] = share(ev.DistinctPorts, n)
	x[15] = ev.TargetUnique
	x[16] = orNaN(ev.SequentialShare)
	x[17] = orNaN(ev.OrderCorrelation)
	x[18] = share(ev.Answered, n)
	x[19] = share(ev.PayloadPackets, n)
	x[20] = nan
	if ev.RateCV >= 0 {
		// CVs run from 0.01 (paced) to 50 (bursty): a log spreads them.
		x[20] = math.Log10(0.01 + ev.RateCV)
	}
	x[21] = share(ev.ScannerRSTs, n)
	x[22] = math.Abs(ev.SeqAutocorr) // NaN when not computed
	return x
}

// normEntropy divides an entropy of h bits over n samples by the most
// such a sample can show: log2(n), or the field's width when smaller. See
// EntropyReaches for the same reasoning applied to a threshold.
func normEntropy(h float64, n uint32, maxBits float64) float64 {
	if n < 2 || h < 0 {
		return math.NaN()
	}
	return min(1, h/min(math.Log2(float64(n)), maxBits))
}

// share is count/n capped at 1, or 0 when n is 0.
func share(count uint32, n float64) float64 {
	if n <= 0 {
		return 0
	}
	return min(1, float64(count)/n)
}

// logMicros turns a duration in ns into log10 of microseconds, NaN for the
// negative "not computed" value.
func logMicros(ns float64) float64 {
	if ns < 0 {
		return math.NaN()
	}
	return math.Log10(1 + ns/1e3)
}

// orNaN maps the negative "not computed" value to NaN.
func orNaN(v float64) float64 {
	if v < 0 {
		return math.NaN()
	}
	return v
}
