package detector

import (
	"math"
	"math/rand/v2"
	"testing"

	"scanguard/fusion"
)

func near(a, b, eps float64) bool { return math.Abs(a-b) <= eps }

func TestEntropy(t *testing.T) {
	scratch := make([]uint16, 256)
	tests := []struct {
		name string
		vals []uint16
		want float64
	}{
		{"one port", []uint16{40000, 40000, 40000, 40000}, 0},
		{"two ports evenly", []uint16{1, 2, 1, 2}, 1},
		{"eight distinct", []uint16{1, 2, 3, 4, 5, 6, 7, 8}, 3},
		{"single sample", []uint16{9}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := entropy(tt.vals, scratch); !near(got, tt.want, 1e-9) {
				t.Errorf("entropy = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestEntropyReachesJudgesSampleSize(t *testing.T) {
	tests := []struct {
		name string
		h    float64
		n    uint32
		t    float64
		want bool
	}{
		// 256 unique ports give 8 bits, the most 256 samples can show:
		// the seed's 13-of-16-bit threshold scales to 6.5 bits.
		{"256 unique samples reach 13 of 16 bits", 8, 256, 13, true},
		{"half the possible entropy does not", 4, 256, 13, false},
		{"65536 samples need the full threshold", 12.9, 65536, 13, false},
		{"one sample never reaches", 0, 1, 13, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := fusion.EntropyReaches(tt.h, tt.n, tt.t, 16); got != tt.want {
				t.Errorf("EntropyReaches(%v, %d, %v) = %v, want %v", tt.h, tt.n, tt.t, got, tt.want)
			}
		})
	}
}

func TestIntervalCV(t *testing.T) {
	fixed := make([]int64, 50)
	jitter := make([]int64, 50)
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range fixed {
		fixed[i] = int64(i) * 1e6
		if i > 0 {
			jitter[i] = jitter[i-1] + int64(rng.ExpFloat64()*1e6) + 1
		}
	}
	cv, mean, _ := intervalCV(fixed, 1e9, 5)
	if !near(cv, 0, 1e-9) || !near(mean, 1e6, 1e-3) {
		t.Errorf("fixed rate: cv %v mean %v, want 0 and 1e6", cv, mean)
	}
	// Exponential gaps (a Poisson process) have a CV of about 1.
	if cv, _, _ := intervalCV(jitter, 1e9, 5); cv < 0.6 || cv > 1.4 {
		t.Errorf("poisson: cv %v, want about 1", cv)
	}
	if cv, _, _ := intervalCV(fixed[:3], 1e9, 5); cv != -1 {
		t.Errorf("too few gaps: cv %v, want -1", cv)
	}
	// Gaps longer than the window are pauses and are left out.
	paused := append([]int64{}, fixed...)
	for i := 25; i < len(paused); i++ {
		paused[i] += 5e9
	}
	if cv, _, _ := intervalCV(paused, 1e9, 5); !near(cv, 0, 1e-9) {
		t.Errorf("pause: cv %v, want 0", cv)
	}
}

func TestSequenceAndIPIDTests(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	random := make([]uint32, 64)
	counter := make([]uint32, 64)
	for i := range random {
		random[i] = rng.Uint32()
		counter[i] = uint32(i) * 64000
	}
	if a := lag1Autocorr(random); math.Abs(a) > 0.3 {
		t.Errorf("random sequence numbers: autocorrelation %v, want near 0", a)
	}
	if a := lag1Autocorr(counter); a < 0.9 {
		t.Errorf("time-driven sequence numbers: autocorrelation %v, want near 1", a)
	}
	if a := lag1Autocorr([]uint32{7}); !math.IsNaN(a) {
		t.Errorf("one value: %v, want NaN", a)
	}
	if a := lag1Autocorr([]uint32{7, 7, 7}); a != 1 {
		t.Errorf("constant: %v, want 1", a)
	}
	inc := []uint16{65534, 65535, 0, 1, 2}
	if r := incrementRatio(inc); r != 1 {
		t.Errorf("incrementing IP IDs across the wrap: ratio %v, want 1", r)
	}
	if r := incrementRatio([]uint16{5, 3, 9, 1}); !near(r, 1.0/3, 1e-9) {
		t.Errorf("ratio %v, want 1/3", r)
	}
}

func TestOrderStats(t *testing.T) {
	const n = 128
	keys := make([]uint64, n)
	ips := make([]uint32, n)
	ports := make([]uint16, n)
	base := uint32(198<<24 | 19<<16)

	// A sequential sweep of a /25 on one port.
	for i := range ips {
		ips[i], ports[i] = base+uint32(i), 80
	}
	share, rho := orderStats(ips, ports, keys)
	if share < 0.99 || rho < 0.99 {
		t.Errorf("sequential sweep: share %v rho %v, want both near 1", share, rho)
	}

	// The same /25 in a random permutation, as masscan and zmap send it:
	// the range is small but the order tells.
	perm := rand.New(rand.NewPCG(5, 6)).Perm(n)
	for i, p := range perm {
		ips[i] = base + uint32(p)
	}
	share, rho = orderStats(ips, ports, keys)
	if share > 0.05 || rho > 0.3 {
		t.Errorf("permuted sweep: share %v rho %v, want both near 0", share, rho)
	}

	// A vertical scan of one host, ports ascending.
	for i := range ips {
		ips[i], ports[i] = base, uint16(1+i)
	}
	if share, _ = orderStats(ips, ports, keys); share < 0.99 {
		t.Errorf("port sweep: share %v, want near 1", share)
	}
}

func TestLinearCount(t *testing.T) {
	var b [64]uint64
	for i := uint32(0); i < 3000; i++ {
		setBit(b[:], mix32(i))
	}
	if got := linearCount(b[:]); got < 2800 || got > 3200 {
		t.Errorf("linear count of 3000 values = %v, want within 7%%", got)
	}
}
