package engine

import (
	"errors"

	"scanguard/detector"
	"scanguard/record"
)

// ErrTooManyDispatchers is returned by NewDispatcher past the engine's limit
// of 64 Dispatchers.
var ErrTooManyDispatchers = errors.New("too many dispatchers")

// Dispatcher spreads the Records of one Go source over the workers, in
// batches. Each reading goroutine has its own: a Dispatcher is not safe for
// concurrent use. It never blocks: a batch for a worker whose queue is full
// is dropped and counted on that worker.
type Dispatcher struct {
	e       *Engine
	workers []*Worker
	cur     []*batch // the batch being filled, per worker
	pending int      // Records in cur, all workers
	block   bool     // wait for a full queue instead of dropping
}

// NewDispatcher returns a Dispatcher with an empty batch for every worker.
func (e *Engine) NewDispatcher() (*Dispatcher, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.dispatchers >= maxDispatchers {
		return nil, ErrTooManyDispatchers
	}
	e.dispatchers++
	d := &Dispatcher{e: e, workers: e.workers, cur: make([]*batch, len(e.workers))}
	for i := range d.cur {
		d.cur[i] = &batch{recs: make([]record.Record, e.cfg.BatchSize)}
	}
	return d, nil
}

// SetBlocking makes the Dispatcher wait while a worker's queue is full
// instead of dropping the batch. Only a source that can wait without losing
// anything, such as a capture file, should turn it on; a live source must
// not, or a slow worker would stall the capture for every worker.
func (d *Dispatcher) SetBlocking(on bool) { d.block = on }

// Add copies r into the batch of the worker that owns its source, and
// sends the batch when it is full.
func (d *Dispatcher) Add(r *record.Record) {
	w := detector.Shard(r.Key(), len(d.cur))
	b := d.cur[w]
	b.recs[b.n] = *r
	b.n++
	d.pending++
	if b.n == len(b.recs) {
		d.send(w)
	}
}

// AddBatch adds every Record of recs.
func (d *Dispatcher) AddBatch(recs []record.Record) {
	for i := range recs {
		d.Add(&recs[i])
	}
}

// Pending returns how many Records wait in partly filled batches.
func (d *Dispatcher) Pending() int { return d.pending }

// Flush sends every partly filled batch. A source calls it when its input
// pauses (a read timeout) and before it stops, so that no Record waits for
// a batch to fill.
func (d *Dispatcher) Flush() {
	if d.pending == 0 {
		return
	}
	for w, b := range d.cur {
		if b.n > 0 {
			d.send(w)
		}
	}
}

// send hands worker w its current batch and takes an empty one.
func (d *Dispatcher) send(w int) {
	b, wk := d.cur[w], d.workers[w]
	d.pending -= b.n
	if d.e.stopping.Load() {
		d.drop(wk, b)
		return
	}
	if d.block {
		select {
		case wk.queue <- b:
		case <-d.e.done:
			d.drop(wk, b)
			return
		}
	} else {
		select {
		case wk.queue <- b:
		default:
			d.drop(wk, b)
			return
		}
	}
	select {
	case nb := <-wk.free:
		d.cur[w] = nb
	default:
		// The free list is sized so this does not happen; if it ever
		// does, a new batch keeps the source going.
		d.cur[w] = &batch{recs: make([]record.Record, len(b.recs))}
	}
}

// drop counts b's Records as lost on worker wk and empties b for reuse.
func (d *Dispatcher) drop(wk *Worker, b *batch) {
	wk.c.drops.Add(uint64(b.n))
	wk.c.dropped.Add(1)
	b.n = 0
}
