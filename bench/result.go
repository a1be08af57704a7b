package bench

import (
	"cmp"
	"slices"
	"syscall"

	"scanguard/detector"
	"scanguard/fusion"
)

// Result is what one run measured.
type Result struct {
	Config Config          // the run's configuration, profile defaults filled in
	Engine detector.Config // the detector configuration it ran

	Workers []WorkerResult
	Records uint64 // Records processed by every worker together
	WallNs  int64  // wall time of the timed phases
	Allocs  uint64 // heap allocations during the timed phases

	Stats detector.Stats // every worker's counters, summed

	// StateBytes is the heap the detectors took when made: both tiers in
	// full. HeapBefore and HeapAfter are the heap in use before the first
	// packet and after the last, after a collection each.
	StateBytes, HeapBefore, HeapAfter uint64
	MaxRSSBytes                       uint64 // the process's peak resident set

	Alerts int // alerts raised, the end-of-input ones included
	// BenignAlerts counts alerts on hosts that do not scan, by the host's
	// role and the rule that fired: "P2P peer/raw_fan_out".
	BenignAlerts map[string]int
	// Latencies are the wall times from the start of the burst holding
	// each alert's deciding packet to the alert encoded, in alert order.
	// On a shared machine they include the time the worker waited for a
	// core (see CPUShare).
	Latencies    []int64
	LatencyMaxNs int64
	LatencyAvgNs int64

	Scanners []ScannerResult
}

// WorkerResult is one worker's share of a run.
type WorkerResult struct {
	Records uint64
	BusyNs  int64 // wall time of its phases
	CPUNs   int64 // its thread's CPU time in those phases
}

// Mpps returns the worker's rate per second of its thread's CPU time, in
// million packets per second: what one core dedicated to it would do.
func (w WorkerResult) Mpps() float64 { return rate(w.Records, w.CPUNs) }

// NsPerPacket returns the worker's CPU time per packet.
func (w WorkerResult) NsPerPacket() float64 { return perPacket(w.CPUNs, w.Records) }

// ScannerResult says when the detector named one scanner of the mix.
type ScannerResult struct {
	ScannerInfo
	Alerted     bool
	AlertProbes uint32  // probes the scanner had sent when its first alert fired
	AlertMs     float64 // capture time from its first probe to that alert
	AlertTool   string  // the tool the first alert named
	FinalTool   string  // the tool its most severe alert named
	Severity    fusion.Severity
}

// Named reports whether an alert named the scanner's tool.
func (s *ScannerResult) Named() bool {
	return s.Alerted && (s.AlertTool == s.Tool || s.FinalTool == s.Tool)
}

// Mpps returns the total rate: every worker's Records over the wall time.
func (r *Result) Mpps() float64 { return rate(r.Records, r.WallNs) }

// MppsPerWorker returns the rate per core: every worker's Records over
// their threads' CPU time.
func (r *Result) MppsPerWorker() float64 { return rate(r.Records, r.cpuNs()) }

// NsPerPacket returns the CPU time one packet costs a worker.
func (r *Result) NsPerPacket() float64 { return perPacket(r.cpuNs(), r.Records) }

// CPUShare returns the workers' CPU time over their wall time: near 1 when
// each had a core to itself, lower when the machine was shared.
func (r *Result) CPUShare() float64 {
	busy := int64(0)
	for _, w := range r.Workers {
		busy += w.BusyNs
	}
	if busy == 0 {
		return 0
	}
	return float64(r.cpuNs()) / float64(busy)
}

func (r *Result) cpuNs() int64 {
	ns := int64(0)
	for _, w := range r.Workers {
		ns += w.CPUNs
	}
	return ns
}

// AllocsPerPacket returns the heap allocations per packet.
func (r *Result) AllocsPerPacket() float64 {
	if r.Records == 0 {
		return 0
	}
	return float64(r.Allocs) / float64(r.Records)
}

func rate(n uint64, ns int64) float64 {
	if ns <= 0 {
		return 0
	}
	return float64(n) / float64(ns) * 1e3
}

func perPacket(ns int64, n uint64) float64 {
	if n == 0 {
		return 0
	}
	return float64(ns) / float64(n)
}

// collect sums the workers' counters and matches alerts to scanners.
func (r *Result) collect(workers []*worker, gen *Generator) {
	var events []alertEvent
	for _, w := range workers {
		r.Workers = append(r.Workers, WorkerResult{Records: w.records, BusyNs: w.busyNs,
			CPUNs: w.cpuNs})
		r.Records += w.records
		addStats(&r.Stats, w.det.Stats())
		events = append(events, w.events...)
	}
	slices.SortStableFunc(events, func(a, b alertEvent) int { return cmp.Compare(a.tsNs, b.tsNs) })
	r.Alerts = len(events)

	timed := int64(0)
	for _, e := range events {
		if e.latencyNs >= 0 {
			r.Latencies = append(r.Latencies, e.latencyNs)
			r.LatencyMaxNs = max(r.LatencyMaxNs, e.latencyNs)
			r.LatencyAvgNs += e.latencyNs
			timed++
		}
	}
	if timed > 0 {
		r.LatencyAvgNs /= timed
	}

	scanners := gen.Scanners()
	index := make(map[uint32]int, len(scanners))
	for i, s := range scanners {
		index[s.IP] = i
		r.Scanners = append(r.Scanners, ScannerResult{ScannerInfo: s})
	}
	r.BenignAlerts = map[string]int{}
	for _, e := range events {
		i, ok := index[e.ip]
		if !ok {
			r.BenignAlerts[gen.Role(e.ip)+"/"+e.rule]++
			continue
		}
		s := &r.Scanners[i]
		if !s.Alerted {
			s.Alerted, s.AlertProbes, s.AlertTool = true, e.probes, e.tool
			s.AlertMs = float64(e.tsNs-s.FirstNs) / 1e6
		}
		if e.severity >= s.Severity {
			s.Severity, s.FinalTool = e.severity, e.tool
		}
	}

	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) == nil {
		r.MaxRSSBytes = uint64(ru.Maxrss) * 1024
	}
}

// addStats adds o's counters to s.
func addStats(s *detector.Stats, o detector.Stats) {
	s.Records += o.Records
	s.Probes += o.Probes
	s.Replies += o.Replies
	s.Others += o.Others
	s.Skipped += o.Skipped
	s.Sources += o.Sources
	s.Evictions += o.Evictions
	s.Suspects += o.Suspects
	s.DetailEvictions += o.DetailEvictions
	s.Decisions += o.Decisions
	s.Verdicts += o.Verdicts
}
