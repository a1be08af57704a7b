package bench

import (
	"math"
	"math/rand/v2"
)

// rng is the generator's source of randomness: a PCG seeded from the run's
// seed, so one seed gives the same traffic, packet for packet, on every
// machine and Go version.
type rng struct {
	pcg rand.PCG
}

// newRNG returns a generator for stream of seed; distinct streams of one
// seed are independent.
func newRNG(seed, stream uint64) *rng {
	g := &rng{}
	g.pcg.Seed(seed, stream)
	return g
}

func (g *rng) u64() uint64 { return g.pcg.Uint64() }

func (g *rng) u32() uint32 { return uint32(g.pcg.Uint64() >> 32) }

func (g *rng) u16() uint16 { return uint16(g.pcg.Uint64() >> 48) }

// n returns a number in [0, n) by the high half of a 32x32-bit product.
// Its bias is below n/2^32, far under what a traffic profile can show.
func (g *rng) n(n uint32) uint32 {
	return uint32(uint64(g.u32()) * uint64(n) >> 32)
}

// between returns a number in [lo, hi].
func (g *rng) between(lo, hi uint32) uint32 {
	return lo + g.n(hi-lo+1)
}

// float returns a number in [0, 1).
func (g *rng) float() float64 {
	return float64(g.pcg.Uint64()>>11) * 0x1p-53
}

// chance reports true with probability p.
func (g *rng) chance(p float64) bool {
	return g.float() < p
}

// zipf returns an index in [0, n) drawn log-uniformly: index i comes up
// with probability about 1/((i+1) ln n), so a few sources send most of the
// packets and most sources send a few, the locality seen on real links.
func (g *rng) zipf(n uint32) uint32 {
	if n <= 1 {
		return 0
	}
	i := uint32(math.Exp(g.float()*math.Log(float64(n)+1))) - 1
	return min(i, n-1)
}
