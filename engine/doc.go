// Package engine supervises the detection workers that every live packet
// source feeds: AF_PACKET sockets, capture replays, and DPDK rings.
//
// An Engine owns W workers. Worker w owns one detector.Detector, the shard
// of sources with detector.Shard(r.Key(), W) == w, so a source's state is
// only ever touched by one goroutine and needs no lock. Verdicts go to one
// alert.Pipeline, which suppresses repeats, enriches and hands alerts to
// sinks without blocking.
//
// # Go sources
//
// A Go source makes one Dispatcher per reading goroutine. The Dispatcher
// copies each Record into the batch of the worker that owns its source
// and, when a batch is full or the source calls Flush, hands the batch to
// the worker over a bounded channel. Batches are fixed arrays recycled
// through a free list: nothing is allocated per packet. When a worker's
// queue is full the batch is dropped and counted; the source never waits.
//
//	e, _ := engine.New(cfg, detCfg, db, fuser, pipeline)
//	e.Start()
//	d := e.NewDispatcher()
//	for each frame { if parser.Parse(frame, link, ts, &r) { d.Add(&r) } }
//	d.Flush()            // on a read timeout and at the end
//	e.Stop(ctx)          // after every source stopped
//
// # External loops (DPDK)
//
// A source that brings its own per-worker queues, such as the DPDK plane
// whose lcores already shard Records into one ring per worker, does not
// call Start and makes no Dispatcher. Instead it runs one goroutine per
// worker, pins it as the source requires (dpdk.PinThread), and drives the
// worker directly:
//
//	w := e.Worker(i)
//	buf := make([]record.Record, 256)
//	for !stopping {
//		if n := ring.Dequeue(buf); n > 0 {
//			w.Process(buf[:n])
//		} else {
//			w.Idle()
//		}
//	}
//	// drain the ring the same way, then return
//
// When every such loop has returned, Stop flushes the detectors and closes
// the pipeline exactly as for Go sources. Worker.Process is the whole hot
// path: it picks up a reloaded fusion configuration, runs the detector,
// hands verdicts to the pipeline and updates the counters.
//
// # Reloading thresholds
//
// SetFuser publishes a new *fusion.Fuser through an atomic pointer. Each
// worker compares it with its own at the start of every batch and swaps at
// that boundary, so a batch is always decided with one configuration and
// no source state is lost.
package engine
