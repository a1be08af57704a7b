package bench

import (
	"fmt"
	"io"
	"math/bits"
	"slices"
	"sort"
	"strings"

	"scanguard/detector"
)

// Line rates of minimum-size (64-byte) frames: 84 bytes on the wire each,
// preamble and inter-frame gap included.
const (
	mpps10GbE = 14.88
	mpps40GbE = 59.52
)

// Targets the detector stage is held to, per worker core.
const (
	floodTargetMpps   = 5.0
	masscanMaxProbes  = 3
	alertLatencyMaxNs = 1e6
	hotTargetBytes    = 32
)

// target is one row of the targets table.
type target struct {
	name, want, got string
	met             bool
	measured        bool // false when no run measured it
}

// WriteTargets writes the table of targets, each with what the runs in rs
// measured and by how much it was met or missed. Rows whose run is not in
// rs say so.
func WriteTargets(w io.Writer, rs []*Result) error {
	ew := &errWriter{w: w}
	ew.printf("| target | wanted | measured | met |\n|---|---|---|---|\n")
	for _, t := range targets(rs) {
		met := "no"
		switch {
		case !t.measured:
			met = "not measured"
		case t.met:
			met = "yes"
		}
		ew.printf("| %s | %s | %s | %s |\n", t.name, t.want, t.got, met)
	}
	return ew.err
}

func targets(rs []*Result) []target {
	var ts []target
	rate := func(name, profile string, want float64) {
		t := target{name: name, want: fmt.Sprintf(">= %.2f Mpps per core", want)}
		if r := find(rs, profile, 1); r != nil {
			got := r.MppsPerWorker()
			t.measured, t.met = true, got >= want
			t.got = fmt.Sprintf("%.2f Mpps per core (%+.0f%%), %.1f ns/pkt", got,
				(got/want-1)*100, r.NsPerPacket())
		}
		ts = append(ts, t)
	}
	rate("mixed traffic, 10 GbE of 64-byte frames", "mixed", mpps10GbE)
	ts = append(ts, scaling(rs))
	rate("spoofed flood (Linux-like SYNs)", "flood", floodTargetMpps)
	rate("spoofed flood (hping3 SYNs)", "flood-hping", floodTargetMpps)

	flood := target{name: "flood memory flat at the cap, masscan inside named",
		want: "heap grows < 1 MiB; tracked <= max_sources; masscan named"}
	if r := find(rs, "flood", 1); r != nil && len(r.Scanners) > 0 {
		s := &r.Scanners[0]
		flood.measured = true
		// The table rounds its capacity up to a power of two.
		capacity := uint64(1) << bits.Len(uint(r.Engine.MaxSources-1))
		// Flat: the heap grew by less than a MiB (the alerts' records)
		// however many sources the flood brought.
		grew := int64(r.HeapAfter) - int64(r.HeapBefore)
		flood.met = grew < mib && r.Stats.Sources <= capacity && s.Named()
		flood.got = fmt.Sprintf("heap %.1f → %.1f MiB (%+d KiB) over %d sources; %d tracked "+
			"(cap %d), %d evicted; %s at probe %s", float64(r.HeapBefore)/mib,
			float64(r.HeapAfter)/mib, grew>>10, r.Config.Sources, r.Stats.Sources, capacity,
			r.Stats.Evictions, named(s), alertProbes(s))
	}
	ts = append(ts, flood)

	ts = append(ts, target{name: "hot state per source", want: fmt.Sprintf("%d B",
		hotTargetBytes), got: fmt.Sprintf("%d B (detector.HotBytes; TestHotStateSize)",
		detector.HotBytes), met: detector.HotBytes == hotTargetBytes, measured: true})
	ts = append(ts, allocTarget(rs), masscanTarget(rs), latencyTarget(rs))
	return ts
}

// scaling is the 40 GbE row: four workers, or the scaling the machine's
// cores allow.
func scaling(rs []*Result) target {
	t := target{name: "40 GbE: four workers", want: fmt.Sprintf(">= %.2f Mpps", mpps40GbE)}
	one := find(rs, "mixed", 1)
	most := one
	for _, r := range rs {
		if r.Config.Profile == "mixed" && (most == nil || len(r.Workers) > len(most.Workers)) {
			most = r
		}
	}
	if one == nil || most == nil {
		return t
	}
	n := len(most.Workers)
	t.measured = true
	t.met = n >= 4 && most.Mpps() >= mpps40GbE
	t.got = fmt.Sprintf("%d workers: %.2f Mpps in all, %.2fx one worker's %.2f",
		n, most.Mpps(), most.Mpps()/one.Mpps(), one.Mpps())
	if n < 4 {
		t.got += fmt.Sprintf(" (only %d cores here)", n)
	}
	return t
}

// quietAllocs is how many allocations a run without alerts may count: the
// runtime parks and wakes the workers between phases, which may allocate a
// few times whatever the traffic.
const quietAllocs = 64

func allocTarget(rs []*Result) target {
	t := target{name: "allocations per packet in steady state", want: "0",
		measured: len(rs) > 0, met: true}
	worst, perAlert, quiet := 0.0, 0.0, uint64(0)
	for _, r := range rs {
		worst = max(worst, r.AllocsPerPacket())
		if r.Alerts > 0 {
			perAlert = max(perAlert, float64(r.Allocs)/float64(r.Alerts))
			continue
		}
		quiet = max(quiet, r.Allocs)
		t.met = t.met && r.Allocs <= quietAllocs
	}
	t.got = fmt.Sprintf("Process: 0 (TestProcessSteadyStateAllocs); the whole stage: at most "+
		"%.5f per packet, %.0f per alert built and encoded; runs without alerts: at most %d "+
		"in all", worst, perAlert, quiet)
	return t
}

func masscanTarget(rs []*Result) target {
	t := target{name: "masscan named", want: fmt.Sprintf("within %d SYNs", masscanMaxProbes)}
	var got []string
	t.met = true
	for _, r := range rs {
		for i := range r.Scanners {
			s := &r.Scanners[i]
			if s.Tool != "masscan" {
				continue
			}
			t.measured = true
			t.met = t.met && s.Named() && s.AlertProbes <= masscanMaxProbes
			got = append(got, fmt.Sprintf("%s/%d: %s at probe %s", r.Config.Profile,
				len(r.Workers), named(s), alertProbes(s)))
		}
	}
	t.got = strings.Join(got, "; ")
	return t
}

func latencyTarget(rs []*Result) target {
	t := target{name: "ring to alert encoded", want: "< 1 ms after the deciding packet"}
	var all []int64
	for _, r := range rs {
		all = append(all, r.Latencies...)
	}
	if len(all) == 0 {
		return t
	}
	slices.Sort(all)
	over := len(all) - sort.Search(len(all), func(i int) bool {
		return all[i] >= alertLatencyMaxNs
	})
	t.measured, t.met = true, over == 0
	t.got = fmt.Sprintf("median %.0f µs, max %.0f µs from the start of the burst of %d "+
		"holding it; %d of %d alerts over 1 ms", float64(all[len(all)/2])/1e3,
		float64(all[len(all)-1])/1e3, burstOf(rs), over, len(all))
	return t
}

func burstOf(rs []*Result) int {
	if len(rs) == 0 {
		return 0
	}
	return rs[0].Config.Burst
}

// find returns the run of profile on the given number of workers, or nil.
func find(rs []*Result, profile string, workers int) *Result {
	for _, r := range rs {
		if r.Config.Profile == profile && len(r.Workers) == workers {
			return r
		}
	}
	return nil
}
