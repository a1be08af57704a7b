//go:build dpdk

package dpdk

/*
#include "sg_plane.h"
*/
import "C"

import (
	"runtime"
	"sync/atomic"
	"unsafe"

	"scanguard/record"
)

// Ring is the queue of Records of one worker. It has one lane per polling
// lcore, each a single-producer single-consumer queue in C memory; Dequeue
// reads the lanes with atomic loads and stores and makes no cgo call.
//
// A Ring has one consumer: Dequeue must not run on two goroutines at once.
// It stays readable after Plane.Stop, so a worker can drain what is left;
// its memory is released when the Ring is no longer reachable.
type Ring struct {
	worker int
	next   int
	lanes  []laneView
	c      []*C.struct_sg_lane
}

// laneView is the Go side's window on one C lane.
type laneView struct {
	head  *uint64 // written by the lcore
	tail  *uint64 // written here
	slots []record.Record
	mask  uint64
	taken uint64 // our own copy of *tail
}

func newRing(worker, lanes, size int) (*Ring, error) {
	r := &Ring{worker: worker}
	for i := 0; i < lanes; i++ {
		l := C.sg_lane_new(C.uint64_t(size))
		if l == nil {
			freeLanes(r.c)
			return nil, errNoMem("ring lane")
		}
		r.c = append(r.c, l)
		r.lanes = append(r.lanes, laneView{
			head:  (*uint64)(unsafe.Pointer(&l.head)),
			tail:  (*uint64)(unsafe.Pointer(&l.tail)),
			slots: unsafe.Slice((*record.Record)(unsafe.Pointer(C.sg_lane_slots(l))), size),
			mask:  uint64(size - 1),
		})
	}
	runtime.AddCleanup(r, freeLanes, r.c)
	return r, nil
}

func freeLanes(ls []*C.struct_sg_lane) {
	for _, l := range ls {
		C.sg_lane_free(l)
	}
}

// Worker returns the index of the worker the Ring feeds.
func (r *Ring) Worker() int { return r.worker }

// Dequeue moves up to len(out) Records into out and returns how many. It
// never blocks: 0 means every lane was empty. Lanes are visited starting
// from a different one on each call so that none is starved.
func (r *Ring) Dequeue(out []record.Record) int {
	n := 0
	nl := len(r.lanes)
	for i := 0; i < nl && n < len(out); i++ {
		l := &r.lanes[(r.next+i)%nl]

		// The acquire load of head makes the producer's slot writes
		// before it visible.
		avail := atomic.LoadUint64(l.head) - l.taken
		if avail == 0 {
			continue
		}
		want := uint64(len(out) - n)
		if avail < want {
			want = avail
		}

		// Copy in at most two pieces: up to the end of the slots, then
		// from the start.
		s := l.taken & l.mask
		first := uint64(len(l.slots)) - s
		if first > want {
			first = want
		}
		copy(out[n:], l.slots[s:s+first])
		copy(out[n+int(first):], l.slots[:want-first])

		// Releasing the slots only after the copy lets the producer
		// reuse them.
		l.taken += want
		atomic.StoreUint64(l.tail, l.taken)
		n += int(want)
	}
	r.next++
	if r.next >= nl {
		r.next = 0
	}
	return n
}

// Len returns how many Records wait in the Ring; with the lcores running
// it is a lower bound by the time it returns.
func (r *Ring) Len() int {
	n := 0
	for i := range r.lanes {
		n += int(atomic.LoadUint64(r.lanes[i].head) - r.lanes[i].taken)
	}
	return n
}

// stats returns the Ring's counters summed over its lanes.
func (r *Ring) stats() RingStats {
	s := RingStats{Worker: r.worker}
	for _, l := range r.c {
		var enq, drops C.uint64_t
		C.sg_lane_stats(l, &enq, &drops)
		s.Enqueued += uint64(enq)
		s.Drops += uint64(drops)
	}
	return s
}

// fillLane runs the stand-in C producer on lane i of r: n numbered records
// tagged i in bursts of 32, dropping on a full lane unless wait is set. It
// returns the drops.
func fillLane(r *Ring, i int, n uint64, wait bool) uint64 {
	w := C.int(0)
	if wait {
		w = 1
	}
	return uint64(C.sg_lane_fill(r.c[i], C.uint64_t(n), C.uint32_t(i), w))
}
