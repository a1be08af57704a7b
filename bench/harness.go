package bench

import (
	"context"
	"fmt"
	"runtime"
	"sync"
	"time"

	"scanguard/detector"
	"scanguard/detector/fingerprint"
	"scanguard/fusion"
	"scanguard/record"
)

// Engine is the detection configuration a run measures.
type Engine struct {
	Detector     detector.Config
	Fusion       fusion.Config
	Fingerprints *fingerprint.DB
}

// DefaultEngine returns the shipped configuration.
func DefaultEngine() Engine {
	return Engine{Detector: detector.Default(), Fusion: fusion.Default(),
		Fingerprints: fingerprint.Default()}
}

// Run generates cfg's profile and runs it through one Detector per worker,
// each Record on the worker detector.Shard picks for its key. Packets are
// generated and sharded a chunk at a time while the workers wait; only the
// workers' phases are timed. ctx stops the run between chunks.
func Run(ctx context.Context, cfg Config, eng Engine) (*Result, error) {
	cfg, err := cfg.Resolve()
	if err != nil {
		return nil, err
	}
	gen, err := NewGenerator(cfg)
	if err != nil {
		return nil, err
	}
	res := &Result{Config: cfg, Engine: eng.Detector}

	// The detectors allocate both tiers in full up front: the heap they
	// add is the state's whole footprint.
	var ms runtime.MemStats
	heapInuse := func() uint64 {
		runtime.GC()
		runtime.ReadMemStats(&ms)
		return ms.HeapInuse
	}
	base := heapInuse()
	fuser := fusion.New(eng.Fusion, eng.Fingerprints)
	var wg sync.WaitGroup
	workers := make([]*worker, cfg.Workers)
	for i := range workers {
		det, err := detector.New(eng.Detector, eng.Fingerprints, fuser)
		if err != nil {
			return nil, err
		}
		workers[i] = newWorker(det, cfg.Burst, &wg)
		go workers[i].loop()
	}
	defer func() {
		// Wait for the goroutines to let go of their detectors, so the
		// next run's heap figures start clean.
		for _, w := range workers {
			close(w.start)
			<-w.exited
		}
	}()
	// Locking a thread may start one, which allocates: let that happen
	// before anything is counted.
	for _, w := range workers {
		<-w.ready
	}
	res.StateBytes = heapInuse() - base

	chunk := make([]record.Record, min(cfg.Chunk, cfg.Packets))
	shards := make([][]record.Record, cfg.Workers)
	for i := range shards {
		shards[i] = make([]record.Record, 0, len(chunk))
	}
	res.HeapBefore = heapInuse()
	mallocs := ms.Mallocs

	var wallNs int64
	for done := 0; done < cfg.Packets; {
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("run profile %s: %w", cfg.Profile, err)
		}
		n := min(len(chunk), cfg.Packets-done)
		gen.Fill(chunk[:n])
		for i := range shards {
			shards[i] = shards[i][:0]
		}
		for i := range chunk[:n] {
			k := detector.Shard(chunk[i].Key(), cfg.Workers)
			shards[k] = append(shards[k], chunk[i])
		}

		// Generation allocates nothing, so the mallocs counted across the
		// phases are the detectors' and the alert stage's.
		t0 := time.Now()
		wg.Add(len(workers))
		for i, w := range workers {
			w.in = shards[i]
			w.start <- struct{}{}
		}
		wg.Wait()
		wallNs += time.Since(t0).Nanoseconds()
		done += n
	}
	runtime.ReadMemStats(&ms)
	res.Allocs = ms.Mallocs - mallocs
	res.WallNs = wallNs
	for _, w := range workers {
		w.flush()
	}
	// The buffers count in HeapBefore; keep them for HeapAfter too, so the
	// two differ only by what the detectors grew.
	res.HeapAfter = heapInuse()
	runtime.KeepAlive(chunk)
	runtime.KeepAlive(shards)
	res.collect(workers, gen)
	return res, nil
}
