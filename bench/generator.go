package bench

import (
	"fmt"
	"math"

	"scanguard/record"
)

// startNs is the capture time of the first generated packet:
// 2026-01-01T00:00:00Z. A fixed epoch keeps runs identical.
const startNs int64 = 1767225600 * 1e9

// source is one kind of host in a mix. next fills r with its next packet;
// the generator sets the timestamp.
type source interface {
	next(g *Generator, r *record.Record)
}

// Generator produces the Records of a profile: deterministic for a seed,
// spaced evenly in capture time at the configured link rate, each packet
// drawn from a component with probability equal to its share.
type Generator struct {
	rng      *rng
	comps    []component
	cut      []uint32 // cumulative shares scaled to 2^32
	acc      float64  // the share of the components added so far
	gapNs    float64
	n        uint64
	nowNs    int64
	scanners []*scanner
}

// NewGenerator returns the generator of cfg's profile. cfg's zero fields
// take the profile's defaults (see Config.Resolve).
func NewGenerator(cfg Config) (*Generator, error) {
	cfg, err := cfg.Resolve()
	if err != nil {
		return nil, err
	}
	p, _ := LookupProfile(cfg.Profile)
	g := &Generator{rng: newRNG(cfg.Seed, 0x5ca9), gapNs: 1e9 / cfg.LinkPps}
	b := &builder{rng: g.rng, startNs: startNs}
	p.build(b, uint32(cfg.Sources))

	share := cfg.ScanShare
	switch {
	case len(b.scans) == 0:
		share = 0
	case len(b.benign) == 0:
		share = 1
	}
	g.addShares(b.benign, 1-share)
	g.addShares(b.scans, share)
	for _, c := range b.scans {
		g.scanners = append(g.scanners, c.scan)
	}
	if len(g.comps) == 0 {
		return nil, fmt.Errorf("build profile %s: %w", cfg.Profile, ErrEmptyMix)
	}
	g.cut[len(g.cut)-1] = math.MaxUint32
	return g, nil
}

// addShares adds components whose weights share total of the packets.
func (g *Generator) addShares(cs []component, total float64) {
	sum := 0.0
	for _, c := range cs {
		sum += c.weight
	}
	for _, c := range cs {
		if c.weight <= 0 || total <= 0 {
			continue
		}
		c.weight = c.weight / sum * total
		g.acc += c.weight
		g.comps = append(g.comps, c)
		g.cut = append(g.cut, uint32(min(g.acc, 1)*math.MaxUint32))
	}
}

// Fill overwrites out with the next len(out) packets.
func (g *Generator) Fill(out []record.Record) {
	for i := range out {
		g.nowNs = startNs + int64(float64(g.n)*g.gapNs)
		g.n++
		g.pick().next(g, &out[i])
		out[i].TsNs = g.nowNs
	}
}

// pick draws the component of the next packet.
func (g *Generator) pick() source {
	u := g.rng.u32()
	for i, c := range g.cut {
		if u < c {
			return g.comps[i].src
		}
	}
	return g.comps[len(g.comps)-1].src
}

// Generated returns how many packets the generator produced.
func (g *Generator) Generated() uint64 { return g.n }

// ScannerInfo describes one scanner of the mix and what it sent so far.
type ScannerInfo struct {
	Label   string  // tool and version, as in "masscan 1.3.2"
	Tool    string  // the tool the detector should name
	IP      uint32  // its address
	Share   float64 // its share of the packets, replies to it included
	Probes  uint64  // probes it sent
	FirstNs int64   // capture time of its first probe
}

// Scanners returns the scanners of the mix.
func (g *Generator) Scanners() []ScannerInfo {
	out := make([]ScannerInfo, 0, len(g.scanners))
	for _, c := range g.comps {
		if s := c.scan; s != nil {
			out = append(out, ScannerInfo{Label: s.label, Tool: s.tool, IP: s.ip,
				Share: c.weight, Probes: s.probes, FirstNs: s.firstNs})
		}
	}
	return out
}

// Role names the kind of host an address belongs to in the generated
// traffic: a scanner's label, a fixed role, or the population it was drawn
// from; "unknown" for an address the generator never uses.
func (g *Generator) Role(ip uint32) string {
	for _, s := range g.scanners {
		if s.ip == ip {
			return s.label
		}
	}
	switch ip &^ 0xff {
	case netResolvers:
		return "DNS resolver"
	case netEdges:
		return "CDN edge"
	case netPeers:
		return "P2P peer"
	case netVictims:
		return "flood victim"
	}
	if pop, _ := popOf(ip); int(pop) < len(popNames) && popNames[pop] != "" {
		return popNames[pop]
	}
	return "unknown"
}
