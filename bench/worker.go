package bench

import (
	"bytes"
	"encoding/json"
	"runtime"
	"sync"
	"time"

	"golang.org/x/sys/unix"

	"scanguard/alert"
	"scanguard/detector"
	"scanguard/fusion"
	"scanguard/record"
)

// alertEvent is one alert a worker raised, kept for the report.
type alertEvent struct {
	ip        uint32
	probes    uint32 // probes from the source when the verdict fired
	tsNs      int64  // capture time of the deciding probe
	tool      string
	rule      string
	severity  fusion.Severity
	latencyNs int64 // wall time from the start of the burst to the alert encoded
}

// worker is one detector worker: a goroutine that owns one Detector and
// runs it over the Records of its shard, burst by burst, as it would
// drain its ring.
type worker struct {
	det   *detector.Detector
	burst int
	in    []record.Record // this phase's Records
	out   []fusion.Verdict
	enc   *json.Encoder
	buf   bytes.Buffer

	busyNs  int64 // wall time in phases
	cpuNs   int64 // the thread's CPU time in phases
	records uint64
	events  []alertEvent

	start  chan struct{}
	done   *sync.WaitGroup
	ready  chan struct{} // closed once the goroutine holds its thread
	exited chan struct{}
}

func newWorker(det *detector.Detector, burst int, done *sync.WaitGroup) *worker {
	w := &worker{det: det, burst: burst, out: make([]fusion.Verdict, 0, burst),
		events: make([]alertEvent, 0, 1024), start: make(chan struct{}), done: done,
		ready: make(chan struct{}), exited: make(chan struct{})}
	w.enc = json.NewEncoder(&w.buf)
	// The first encoding of a type builds its encoder; do it now so the
	// first alert's latency is the alert's own.
	_ = w.enc.Encode(&alert.Alert{})
	return w
}

// loop runs a phase each time start fires, until start is closed. The
// goroutine keeps one OS thread, as a pinned worker would, so the thread's
// CPU clock measures the worker alone: on a shared machine, time the
// thread spends waiting for a core shows in the wall clock only.
func (w *worker) loop() {
	runtime.LockOSThread()
	defer close(w.exited)
	close(w.ready)
	for range w.start {
		c0 := threadCPUNs()
		w.phase()
		w.cpuNs += threadCPUNs() - c0
		w.done.Done()
	}
}

// threadCPUNs returns the calling thread's CPU time.
func threadCPUNs() int64 {
	var ts unix.Timespec
	if unix.ClockGettime(unix.CLOCK_THREAD_CPUTIME_ID, &ts) != nil {
		return 0
	}
	return ts.Nano()
}

// phase runs the detector over w.in. It is the timed part of a run: the
// Records are in memory already, so the time is the detector's and the
// alert stage's alone.
func (w *worker) phase() {
	t0 := time.Now()
	in := w.in
	for len(in) > 0 {
		n := min(w.burst, len(in))
		bt := time.Now()
		w.out = w.det.Process(in[:n], w.out[:0])
		for i := range w.out {
			w.emit(&w.out[i], bt)
		}
		in = in[n:]
	}
	w.busyNs += time.Since(t0).Nanoseconds()
	w.records += uint64(len(w.in))
}

// emit turns a verdict into its alert and encodes it, as a sink would,
// then notes when that was done relative to the burst's start.
func (w *worker) emit(v *fusion.Verdict, burstStart time.Time) {
	a := alert.FromVerdict(v)
	w.buf.Reset()
	// Encoding a struct of plain fields cannot fail.
	_ = w.enc.Encode(&a)
	w.events = append(w.events, alertEvent{ip: v.SrcIP, probes: v.Probes, tsNs: v.LastSeenNs,
		tool: v.Tool, rule: v.Rule, severity: v.Severity,
		latencyNs: time.Since(burstStart).Nanoseconds()})
}

// flush takes the detector's end-of-input decisions; they are not timed.
func (w *worker) flush() {
	w.out = w.det.Flush(w.out[:0])
	for i := range w.out {
		v := &w.out[i]
		w.events = append(w.events, alertEvent{ip: v.SrcIP, probes: v.Probes,
			tsNs: v.LastSeenNs, tool: v.Tool, rule: v.Rule, severity: v.Severity, latencyNs: -1})
	}
}
