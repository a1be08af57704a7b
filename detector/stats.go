package detector

import (
	"cmp"
	"math"
	"slices"
)

// The statistics below run at decision points, not per packet. They take
// caller-owned scratch slices so a decision does not allocate.

// entropy returns the Shannon entropy in bits of vals. scratch must hold
// len(vals) elements.
func entropy[T cmp.Ordered](vals, scratch []T) float64 {
	n := len(vals)
	if n < 2 {
		return 0
	}
	s := scratch[:n]
	copy(s, vals)
	slices.Sort(s)
	h := 0.0
	run := 1
	for i := 1; i <= n; i++ {
		if i < n && s[i] == s[i-1] {
			run++
			continue
		}
		h += clog2c(run)
		run = 1
	}
	return entropyOf(h, n)
}

// distinct counts the distinct values in vals, using scratch (which may
// be vals itself when its order does not matter).
func distinct[T cmp.Ordered](vals, scratch []T) int {
	if len(vals) == 0 {
		return 0
	}
	s := scratch[:len(vals)]
	copy(s, vals)
	slices.Sort(s)
	d := 1
	for i := 1; i < len(s); i++ {
		if s[i] != s[i-1] {
			d++
		}
	}
	return d
}

// byteEntropy returns the entropy of byte b (0 = most significant) of each
// address in ips.
func byteEntropy(ips []uint32, b int) float64 {
	n := len(ips)
	if n < 2 {
		return 0
	}
	var counts [256]uint16
	shift := uint(24 - 8*b)
	for _, ip := range ips {
		counts[uint8(ip>>shift)]++
	}
	h := 0.0
	for _, c := range counts {
		if c > 0 {
			h += clog2c(int(c))
		}
	}
	return entropyOf(h, n)
}

// intervalCV returns the coefficient of variation of the gaps between
// consecutive timestamps, ignoring gaps of zero and gaps of maxGapNs or more
// (pauses, not pacing), and the gaps' mean and standard deviation in ns. It
// returns -1 when fewer than minGaps gaps remain.
func intervalCV(ts []int64, maxGapNs int64, minGaps int) (cv, mean, std float64) {
	var sum, sq float64
	n := 0
	for i := 1; i < len(ts); i++ {
		g := ts[i] - ts[i-1]
		if g <= 0 || g >= maxGapNs {
			continue
		}
		f := float64(g)
		sum += f
		sq += f * f
		n++
	}
	if n < minGaps || n == 0 {
		return -1, -1, -1
	}
	mean = sum / float64(n)
	v := sq/float64(n) - mean*mean
	if v < 0 {
		v = 0
	}
	std = math.Sqrt(v)
	return std / mean, mean, std
}

// lag1Autocorr returns the lag-1 autocorrelation of xs, NaN when it cannot
// be computed (fewer than two values; -1 is a real autocorrelation) and 1
// when xs is constant (a constant series is perfectly predictable).
func lag1Autocorr(xs []uint32) float64 {
	n := len(xs)
	if n < 2 {
		return math.NaN()
	}
	mean := 0.0
	for _, x := range xs {
		mean += float64(x)
	}
	mean /= float64(n)
	var num, den float64
	for i, x := range xs {
		d := float64(x) - mean
		den += d * d
		if i > 0 {
			num += d * (float64(xs[i-1]) - mean)
		}
	}
	if den == 0 {
		return 1
	}
	return num / den
}

// incrementRatio is the design document's IP-ID test: the share of
// consecutive values that increase (mod 2^16 wrap counted as an increase
// when the step is small).
func incrementRatio(xs []uint16) float64 {
	if len(xs) < 2 {
		return -1
	}
	inc := 0
	for i := 1; i < len(xs); i++ {
		if d := xs[i] - xs[i-1]; d != 0 && d < 0x8000 {
			inc++
		}
	}
	return float64(inc) / float64(len(xs)-1)
}

// orderStats measures how a source walks its targets, in arrival order. It
// returns the share of steps that go to the next address on the same port
// or the next port on the same address, and the absolute Spearman rank
// correlation between arrival order and target (address, port). A
// sequential sweep scores near 1 on either; a permuted one (masscan's
// BlackRock, zmap's cyclic group) near 0 on both, however small the range.
// keys must hold len(ips) elements.
func orderStats(ips []uint32, ports []uint16, keys []uint64) (seqShare, rho float64) {
	n := len(ips)
	if n < 3 {
		return -1, -1
	}
	steps := 0
	for i := 1; i < n; i++ {
		nextIP := ips[i] == ips[i-1]+1 && ports[i] == ports[i-1]
		nextPort := ips[i] == ips[i-1] && ports[i] == ports[i-1]+1
		if nextIP || nextPort {
			steps++
		}
	}
	seqShare = float64(steps) / float64(n-1)

	// Rank targets by sorting (target, arrival index) packed in one word:
	// 48 bits of target above the index.
	k := keys[:n]
	for i := range k {
		k[i] = (uint64(ips[i])<<16|uint64(ports[i]))<<16 | uint64(i)
	}
	slices.Sort(k)
	var d2 float64
	for rank, v := range k {
		d := float64(rank) - float64(v&0xffff)
		d2 += d * d
	}
	fn := float64(n)
	rho = 1 - 6*d2/(fn*(fn*fn-1))
	return seqShare, math.Abs(rho)
}

// clog2cTable holds c*log2(c) for every count a sample ring can hold, so
// an entropy costs one logarithm instead of one per distinct value.
var clog2cTable = func() (t [portRing + 1]float64) {
	for c := 1; c < len(t); c++ {
		t[c] = float64(c) * math.Log2(float64(c))
	}
	return t
}()

func clog2c(c int) float64 {
	if c < len(clog2cTable) {
		return clog2cTable[c]
	}
	return float64(c) * math.Log2(float64(c))
}

// entropyOf turns the sum of c*log2(c) over the counts of n samples into
// their entropy: H = log2(n) - sum(c log2 c)/n.
func entropyOf(sum float64, n int) float64 {
	return max(0, math.Log2(float64(n))-sum/float64(n))
}
