package engine

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"scanguard/alert"
	"scanguard/detector"
	"scanguard/detector/fingerprint"
	"scanguard/fusion"
	"scanguard/record"
)

// Errors returned by the Engine; callers test them with errors.Is.
var (
	// ErrStarted is returned by Start when the workers already run.
	ErrStarted = errors.New("engine already started")
	// ErrStopped is returned by Start and Stop after Stop.
	ErrStopped = errors.New("engine stopped")
)

// Engine runs the workers and owns the alert pipeline.
type Engine struct {
	cfg     Config
	pipe    *alert.Pipeline
	fuser   atomic.Pointer[fusion.Fuser]
	workers []*Worker

	started  bool
	stopping atomic.Bool
	done     chan struct{}
	wg       sync.WaitGroup

	mu          sync.Mutex
	stopped     bool
	dispatchers int

	observe func(worker int, d time.Duration)
}

// New makes cfg.Workers workers, each with its own detector built from dc,
// db and f, all sending verdicts to p. The Engine owns p from now on: Stop
// closes it.
func New(cfg Config, dc detector.Config, db *fingerprint.DB, f *fusion.Fuser,
	p *alert.Pipeline) (*Engine, error) {
	if err := cfg.Validate("engine"); err != nil {
		return nil, err
	}
	if f == nil || p == nil {
		return nil, errors.New("new engine: fuser and pipeline are required")
	}
	e := &Engine{cfg: cfg, pipe: p, done: make(chan struct{})}
	e.fuser.Store(f)
	for i := range cfg.Workers {
		det, err := detector.New(dc, db, f)
		if err != nil {
			return nil, fmt.Errorf("new engine: worker %d: %w", i, err)
		}
		e.workers = append(e.workers, newWorker(e, i, det))
	}
	return e, nil
}

// Workers returns the number of workers.
func (e *Engine) Workers() int { return len(e.workers) }

// Worker returns worker i, for a source that drives it from its own loop.
func (e *Engine) Worker(i int) *Worker { return e.workers[i] }

// Pipeline returns the alert pipeline the workers send to.
func (e *Engine) Pipeline() *alert.Pipeline { return e.pipe }

// SetFuser makes every worker decide with f from its next batch on. The
// detectors keep their state; f must have been built with the same
// fingerprint database.
func (e *Engine) SetFuser(f *fusion.Fuser) {
	if f != nil {
		e.fuser.Store(f)
	}
}

// ObserveBatches makes every worker call fn with the time each batch took,
// for a histogram. fn is called from worker w's goroutine only, so a
// per-worker histogram needs no lock. Set it before Start or before an
// external loop drives the workers.
func (e *Engine) ObserveBatches(fn func(worker int, d time.Duration)) { e.observe = fn }

// Fuser returns the fuser the workers are switching to or use.
func (e *Engine) Fuser() *fusion.Fuser { return e.fuser.Load() }

// Start launches one goroutine per worker, each taking batches from its
// queue; Dispatchers feed them. A source that drives the workers itself
// (see Worker.Process) does not call Start.
//
// With Config.CPUs set, Start returns once every worker is bound to its
// CPU. A worker that cannot be bound makes Start return its *PinError: the
// workers run all the same, unpinned, and the caller decides whether to go
// on or to Stop.
func (e *Engine) Start() error {
	e.mu.Lock()
	defer e.mu.Unlock()
	switch {
	case e.stopped:
		return ErrStopped
	case e.started:
		return ErrStarted
	}
	e.started = true
	pinned := make(chan error, len(e.workers))
	for _, w := range e.workers {
		e.wg.Add(1)
		go func() {
			defer e.wg.Done()
			w.run(e.done, pinned)
		}()
	}
	var errs []error
	for range e.workers {
		errs = append(errs, <-pinned)
	}
	return errors.Join(errs...)
}

// Stop ends the run. The sources must have stopped, and their Dispatchers
// flushed, before: Records dispatched after Stop began are dropped and
// counted. Stop lets every worker drain its queue, takes a last decision on
// every suspect (detector Flush), hands those verdicts to the pipeline and
// closes it, which delivers what the sinks hold within ctx. It returns
// the errors from closing the sinks.
func (e *Engine) Stop(ctx context.Context) error {
	e.mu.Lock()
	if e.stopped {
		e.mu.Unlock()
		return ErrStopped
	}
	e.stopped = true
	e.mu.Unlock()

	e.stopping.Store(true)
	close(e.done)
	e.wg.Wait()

	// The worker goroutines have ended, so their detectors may be used
	// from this goroutine now.
	for _, w := range e.workers {
		w.flush()
	}
	return e.pipe.Close(ctx)
}

// Stats is a snapshot of the engine's counters.
type Stats struct {
	Workers []WorkerStats
	Total   WorkerStats // sums; Worker is -1
}

// Stats returns the counters of every worker and their sum.
func (e *Engine) Stats() Stats {
	st := Stats{Workers: make([]WorkerStats, len(e.workers))}
	st.Total.Worker = -1
	for i, w := range e.workers {
		ws := w.Stats()
		st.Workers[i] = ws
		st.Total.add(&ws)
	}
	return st
}

// batch is a fixed buffer of Records on its way to one worker.
type batch struct {
	recs []record.Record // len is the capacity; n are filled
	n    int
}
