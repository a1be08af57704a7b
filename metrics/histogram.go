package metrics

import (
	"sync/atomic"
	"time"
)

// BatchBuckets are the upper bounds of the batch-time histogram: a batch of
// 32 records takes around a microsecond when all is well, and anything
// past a millisecond eats into the 100 ms detection budget.
var BatchBuckets = [...]time.Duration{
	time.Microsecond, 2 * time.Microsecond, 5 * time.Microsecond,
	10 * time.Microsecond, 20 * time.Microsecond, 50 * time.Microsecond,
	100 * time.Microsecond, 200 * time.Microsecond, 500 * time.Microsecond,
	time.Millisecond, 2 * time.Millisecond, 5 * time.Millisecond,
	10 * time.Millisecond, 50 * time.Millisecond, 100 * time.Millisecond,
}

// BatchTimer is a histogram of batch processing times kept by one worker.
// Observe costs a few nanoseconds and takes no lock: it must be called from
// one goroutine only, while Snapshot may be called from any. Its zero value
// is ready to use.
type BatchTimer struct {
	buckets [len(BatchBuckets) + 1]atomic.Uint64 // last: above every bound
	count   atomic.Uint64
	sumNs   atomic.Uint64
}

// Observe records one batch that took d.
func (b *BatchTimer) Observe(d time.Duration) {
	i := 0
	for i < len(BatchBuckets) && d > BatchBuckets[i] {
		i++
	}

	// One writer: a load and a store would do, but Add keeps the race
	// detector content at the same cost on an uncontended line.
	b.buckets[i].Add(1)
	b.count.Add(1)
	if d > 0 {
		b.sumNs.Add(uint64(d))
	}
}

// HistogramSnapshot is a histogram read at one moment.
type HistogramSnapshot struct {
	Count uint64
	Sum   time.Duration
	// Buckets holds the count of observations in each bucket (not
	// cumulative), BatchBuckets order, plus one above the last bound.
	Buckets [len(BatchBuckets) + 1]uint64
}

// Snapshot reads the histogram. Counts read while the worker observes may
// be one batch apart from each other, which a scrape tolerates.
func (b *BatchTimer) Snapshot() HistogramSnapshot {
	var s HistogramSnapshot
	for i := range b.buckets {
		s.Buckets[i] = b.buckets[i].Load()
	}
	s.Count = b.count.Load()
	s.Sum = time.Duration(b.sumNs.Load())
	return s
}

// Add merges o into s, to sum the workers' histograms.
func (s *HistogramSnapshot) Add(o HistogramSnapshot) {
	s.Count += o.Count
	s.Sum += o.Sum
	for i := range s.Buckets {
		s.Buckets[i] += o.Buckets[i]
	}
}

// MergeTimers returns the sum of the timers' snapshots.
func MergeTimers(timers []*BatchTimer) HistogramSnapshot {
	var s HistogramSnapshot
	for _, t := range timers {
		s.Add(t.Snapshot())
	}
	return s
}
