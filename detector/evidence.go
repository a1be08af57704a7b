package detector

import (
	"math"
	"math/bits"

	"scanguard/fusion"
)

// scratch holds the buffers a decision sorts and unrolls samples into, so
// decisions do not allocate.
type scratch struct {
	ports   [portRing]uint16
	ports2  [portRing]uint16
	ts      [tsRing]int64
	seq     [seqRing]uint32
	ipid    [seqRing]uint16
	dstIP   [dstRing]uint32
	dstIP2  [dstRing]uint32
	dstPort [dstRing]uint16
	keys    [dstRing]uint64
}

// ring copies the last n samples of a ring in arrival order into dst.
func ring[T any](dst []T, src []T, written uint32) []T {
	size := uint32(len(src))
	n := min(written, size)
	out := dst[:n]
	start := written - n
	for i := uint32(0); i < n; i++ {
		out[i] = src[(start+i)%size]
	}
	return out
}

// linearCount estimates the distinct values a bitmap of len(b)*64 bits has
// seen (Whang et al.'s linear counting).
func linearCount(b []uint64) float64 {
	m := float64(len(b) * 64)
	set := 0
	for _, w := range b {
		set += bits.OnesCount64(w)
	}
	zeros := m - float64(set)
	if zeros < 1 {
		zeros = 1
	}
	return m * math.Log(m/zeros)
}

// evidence computes what the three layers know about one suspect.
func (d *Detector) evidence(h *hot, dt *detail, nowNs int64) fusion.Evidence {
	sc := &d.sc
	ev := fusion.Evidence{
		SrcIP:            h.ip,
		FirstSeenNs:      dt.firstNs,
		LastSeenNs:       nowNs,
		Probes:           h.probes,
		Sampled:          dt.probes,
		SYNs:             dt.syns,
		FingerprintEntry: -1,
		InvariantEntry:   -1,
		InvariantHits:    dt.exHits,
		FingerprintAgree: uint32(h.fpRun),
		InvariantRun:     uint32(h.exRun),
		SrcPortMin:       dt.portMin,
		SrcPortMax:       dt.portMax,
		Answered:         dt.answered,
		Refused:          dt.refused,
		PayloadPackets:   dt.payload,
		ScannerRSTs:      dt.srcRSTs,
		HighPortShare:    float64(dt.highPort) / float64(max(dt.probes, 1)),
	}
	if h.fpEntry != noEntry {
		ev.FingerprintEntry = int(h.fpEntry)
	}
	if h.exEntry != noEntry {
		ev.InvariantEntry = int(h.exEntry)
	}

	// Packet layer: the header score over every TCP probe, including
	// those seen before promotion.
	early := h.probes - dt.probes
	ev.SYNs += uint32(h.earlySYNs)
	if n := dt.fpCount + early; n > 0 {
		ev.FingerprintAvg = float64(dt.fpSum+uint64(h.fpSum)) / float64(n)
	}
	seq := ring(sc.seq[:], dt.seq[:], dt.seqN)
	ev.SeqSamples = uint32(len(seq))
	ev.SeqAutocorr = lag1Autocorr(seq)
	ev.IPIDIncRatio = incrementRatio(ring(sc.ipid[:], dt.ipid[:], dt.probes))

	// Flow layer: source ports, targets and their order.
	ports := ring(sc.ports[:], dt.srcPorts[:], dt.probes)
	ev.SrcPortSamples = uint32(len(ports))
	ev.SrcPortEntropy = entropy(ports, sc.ports2[:])
	if len(ports) > 0 {
		ev.SrcPortUnique = float64(distinct(ports, sc.ports2[:])) / float64(len(ports))
	}
	ips := ring(sc.dstIP[:], dt.dstIP[:], dt.probes)
	dports := ring(sc.dstPort[:], dt.dstPort[:], dt.probes)
	ev.DstSamples = uint32(len(ips))
	ev.DstIPEntropy = entropy(ips, sc.dstIP2[:])
	ev.DstPortEntropy = entropy(dports, sc.ports2[:])
	for b := range ev.DstByteEntropy {
		ev.DstByteEntropy[b] = byteEntropy(ips, b)
	}
	d.fanOut(&ev, dt, ips, dports)
	ev.SeqConstant = len(seq) > 1 && ev.SeqAutocorr == 1 && ev.DistinctTargets > 1
	ev.SequentialShare, ev.OrderCorrelation = orderStats(ips, dports, sc.keys[:])

	// Behaviour layer: timing over the sliding window.
	ts := ring(sc.ts[:], dt.ts[:], dt.probes)
	ev.RateCV, ev.InterArrivalMean, ev.InterArrivalStd =
		intervalCV(ts, d.cfg.RateWindow.Nanoseconds(), d.cfg.RateMinGaps)
	return ev
}

// fanOut counts distinct destinations, ports and targets: exactly while
// every probe is still in the rings, by linear counting after.
func (d *Detector) fanOut(ev *fusion.Evidence, dt *detail, ips []uint32, dports []uint16) {
	sc := &d.sc
	if dt.probes <= dstRing {
		k := sc.keys[:len(ips)]
		for i := range ips {
			k[i] = uint64(ips[i])
		}
		ev.DistinctDsts = uint32(distinct(k, k))
		ev.DistinctPorts = uint32(distinct(dports, sc.ports2[:]))
		for i := range ips {
			k[i] = uint64(ips[i])<<16 | uint64(dports[i])
		}
		ev.DistinctTargets = uint32(distinct(k, k))
	} else {
		ev.DistinctDsts = uint32(linearCount(dt.dstBits[:]) + 0.5)
		ev.DistinctPorts = uint32(linearCount(dt.portBits[:]) + 0.5)
		ev.DistinctTargets = uint32(linearCount(dt.tgtBits[:]) + 0.5)
	}
	if dt.probes > 0 {
		ev.TargetUnique = math.Min(1, float64(ev.DistinctTargets)/float64(dt.probes))
	}
}
