package engine

import (
	"sync"
	"sync/atomic"
	"time"

	"scanguard/detector"
	"scanguard/fusion"
	"scanguard/record"
)

// Worker runs one detector over its shard of the sources. Its Process and
// Idle methods must be called from one goroutine at a time: the one Start
// launched, or a source's own loop.
type Worker struct {
	id       int
	e        *Engine
	det      *detector.Detector
	fuser    *fusion.Fuser
	verdicts []fusion.Verdict

	queue chan *batch // full batches from the Dispatchers
	free  chan *batch // empty batches back to the Dispatchers

	lastRecord time.Time // wall clock of the last Process, for Idle
	dirty      bool      // records processed since the last detector Flush

	c counters

	mu  sync.Mutex // guards pub
	pub detector.Stats
}

// counters are written by the worker's goroutine (and drops by the
// Dispatchers) and read by Stats from any goroutine.
type counters struct {
	records  atomic.Uint64
	batches  atomic.Uint64
	verdicts atomic.Uint64
	alerts   atomic.Uint64
	drops    atomic.Uint64
	dropped  atomic.Uint64 // batches
	flushes  atomic.Uint64
	busyNs   atomic.Uint64
	maxNs    atomic.Uint64
	_        [64]byte // keep the next worker's counters off this cache line
}

// WorkerStats are one worker's counters.
type WorkerStats struct {
	Worker   int
	Records  uint64 // Records processed
	Batches  uint64 // batches processed
	Verdicts uint64 // verdicts the detector escalated
	Alerts   uint64 // verdicts the pipeline sent to the sinks
	Drops    uint64 // Records dropped because the worker's queue was full
	// DroppedBatches is how many batches those Drops came in.
	DroppedBatches uint64
	IdleFlushes    uint64 // detector flushes after the input went quiet
	BusyNs         uint64 // time spent in Process
	MaxBatchNs     uint64 // the slowest batch
	QueueDepth     int    // batches waiting now
	QueueCap       int
	Detector       detector.Stats // as of the last batch
}

func (s *WorkerStats) add(o *WorkerStats) {
	s.Records += o.Records
	s.Batches += o.Batches
	s.Verdicts += o.Verdicts
	s.Alerts += o.Alerts
	s.Drops += o.Drops
	s.DroppedBatches += o.DroppedBatches
	s.IdleFlushes += o.IdleFlushes
	s.BusyNs += o.BusyNs
	s.MaxBatchNs = max(s.MaxBatchNs, o.MaxBatchNs)
	s.QueueDepth += o.QueueDepth
	s.QueueCap += o.QueueCap
	d, od := &s.Detector, &o.Detector
	d.Records += od.Records
	d.Probes += od.Probes
	d.Replies += od.Replies
	d.Others += od.Others
	d.Skipped += od.Skipped
	d.Sources += od.Sources
	d.Evictions += od.Evictions
	d.Suspects += od.Suspects
	d.DetailEvictions += od.DetailEvictions
	d.Decisions += od.Decisions
	d.Verdicts += od.Verdicts
}

// maxDispatchers bounds the Dispatchers per engine: each one holds a batch
// of every worker, and the free lists are sized to hold them all.
const maxDispatchers = 64

func newWorker(e *Engine, id int, det *detector.Detector) *Worker {
	w := &Worker{
		id: id, e: e, det: det, fuser: e.fuser.Load(),
		verdicts: make([]fusion.Verdict, 0, 16),
		queue:    make(chan *batch, e.cfg.QueueBatches),
		free:     make(chan *batch, e.cfg.QueueBatches+2+maxDispatchers),
	}

	// Enough batches that a Dispatcher whose send succeeded always finds
	// a free one: the queue's worth, the one being processed, and one
	// more. Each Dispatcher brings its own current batch.
	for range e.cfg.QueueBatches + 2 {
		w.free <- &batch{recs: make([]record.Record, e.cfg.BatchSize)}
	}
	return w
}

// ID returns the worker's index, its shard number.
func (w *Worker) ID() int { return w.id }

// Process runs recs through the worker's detector and hands the verdicts
// to the alert pipeline. It switches to a fuser set with SetFuser first,
// so one batch is decided with one configuration. It does not allocate.
func (w *Worker) Process(recs []record.Record) {
	if len(recs) == 0 {
		return
	}
	if f := w.e.fuser.Load(); f != w.fuser {
		w.det.SetFuser(f)
		w.fuser = f
	}
	t0 := time.Now()

	w.verdicts = w.det.Process(recs, w.verdicts[:0])
	w.emit(w.verdicts)

	w.lastRecord = time.Now()
	ns := uint64(w.lastRecord.Sub(t0))
	w.dirty = true
	w.c.records.Add(uint64(len(recs)))
	w.c.batches.Add(1)
	w.c.busyNs.Add(ns)
	if w.e.observe != nil {
		w.e.observe(w.id, time.Duration(ns))
	}
	if ns > w.c.maxNs.Load() {
		w.c.maxNs.Store(ns)
	}
	w.publish()
}

// Idle tells the worker that its input is empty for now. After the
// engine's IdleFlush without Records it takes a last decision on the
// suspects that sent probes since their previous decision, once per quiet
// spell. A source's own loop calls it whenever a poll finds nothing.
func (w *Worker) Idle() {
	if !w.dirty || w.e.cfg.IdleFlush <= 0 || time.Since(w.lastRecord) < w.e.cfg.IdleFlush {
		return
	}
	w.flush()
	w.c.flushes.Add(1)
}

// flush runs the detector's Flush and emits what it escalates.
func (w *Worker) flush() {
	w.dirty = false
	if f := w.e.fuser.Load(); f != w.fuser {
		w.det.SetFuser(f)
		w.fuser = f
	}
	w.verdicts = w.det.Flush(w.verdicts[:0])
	w.emit(w.verdicts)
	w.publish()
}

// emit hands each verdict to the pipeline, which suppresses repeats.
func (w *Worker) emit(vs []fusion.Verdict) {
	for i := range vs {
		w.c.verdicts.Add(1)
		if _, d := w.e.pipe.Handle(&vs[i]); d.Emit() {
			w.c.alerts.Add(1)
		}
	}
}

// publish copies the detector's counters where Stats can read them.
func (w *Worker) publish() {
	st := w.det.Stats()
	w.mu.Lock()
	w.pub = st
	w.mu.Unlock()
}

// Stats returns the worker's counters; safe from any goroutine.
func (w *Worker) Stats() WorkerStats {
	w.mu.Lock()
	det := w.pub
	w.mu.Unlock()
	return WorkerStats{
		Worker:         w.id,
		Records:        w.c.records.Load(),
		Batches:        w.c.batches.Load(),
		Verdicts:       w.c.verdicts.Load(),
		Alerts:         w.c.alerts.Load(),
		Drops:          w.c.drops.Load(),
		DroppedBatches: w.c.dropped.Load(),
		IdleFlushes:    w.c.flushes.Load(),
		BusyNs:         w.c.busyNs.Load(),
		MaxBatchNs:     w.c.maxNs.Load(),
		QueueDepth:     len(w.queue),
		QueueCap:       cap(w.queue),
		Detector:       det,
	}
}

// run is the loop of a worker Start launched: bind to the worker's CPU and
// send the outcome on pinned, then take batches until done is closed and
// drain what is queued.
func (w *Worker) run(done <-chan struct{}, pinned chan<- error) {
	release, err := pin(w.e.cfg.cpuFor(w.id))
	if err != nil {
		// An unpinned worker still detects; Start reports it.
		pinned <- &PinError{Worker: w.id, Err: err}
	} else {
		pinned <- nil
	}
	defer release()

	var tick <-chan time.Time
	if w.e.cfg.IdleFlush > 0 {
		t := time.NewTicker(max(w.e.cfg.IdleFlush/4, time.Millisecond))
		defer t.Stop()
		tick = t.C
	}
	for {
		select {
		case b := <-w.queue:
			w.take(b)
		case <-tick:
			w.Idle()
		case <-done:
			for {
				select {
				case b := <-w.queue:
					w.take(b)
				default:
					return
				}
			}
		}
	}
}

// take processes one batch and gives it back to the free list.
func (w *Worker) take(b *batch) {
	w.Process(b.recs[:b.n])
	b.n = 0
	select {
	case w.free <- b:
	default:
		// More batches than the list holds can only come from a
		// Dispatcher that had to allocate; let this one go.
	}
}
