//go:build dpdk

package dpdk

/*
#include "sg_plane.h"
#include "sg_ringbench.h"
*/
import "C"

import (
	"errors"
	"runtime"
	"unsafe"

	"golang.org/x/sys/unix"

	"scanguard/record"
)

// Ways of handing Records from C to Go that ringChoice measures.
const (
	viaLane    = iota // an sg_lane read by Ring.Dequeue, without cgo
	viaLaneC          // an sg_lane read by C, one cgo call per burst
	viaRteRing        // an rte_ring of 40-byte elements, one cgo call per burst
)

// ringChoice moves n records from a C producer thread pinned to cpu into a
// Go consumer by way via, and returns the checksum of the sequence numbers
// received. It exists to measure the ways against each other.
func ringChoice(via int, n uint64, size, burst, cpu int) (uint64, error) {
	// The consumer keeps to the other CPUs, as a pinned worker would.
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	var saved, others unix.CPUSet
	if err := unix.SchedGetaffinity(0, &saved); err == nil {
		others = saved
		others.Clear(cpu)
		if others.Count() > 0 && unix.SchedSetaffinity(0, &others) == nil {
			defer unix.SchedSetaffinity(0, &saved)
		}
	}

	out := make([]record.Record, burst)
	var sum uint64
	if via == viaLaneC {
		r, err := newRing(0, 1, size)
		if err != nil {
			return 0, err
		}
		h := C.sg_bench_start(r.c[0], nil, C.uint64_t(n), C.int(cpu))
		if h == nil {
			return 0, errors.New("start producer")
		}
		for got := uint64(0); got < n; {
			k := uint64(C.sg_bench_lane_dequeue(r.c[0],
				(*C.struct_sg_record)(unsafe.Pointer(&out[0])), C.uint32_t(len(out))))
			for _, rec := range out[:k] {
				sum += uint64(rec.Seq)
			}
			got += k
		}
		C.sg_bench_join(h)
		return sum, nil
	}
	if via == viaLane {
		r, err := newRing(0, 1, size)
		if err != nil {
			return 0, err
		}
		h := C.sg_bench_start(r.c[0], nil, C.uint64_t(n), C.int(cpu))
		if h == nil {
			return 0, errors.New("start producer")
		}
		for got := uint64(0); got < n; {
			k := r.Dequeue(out)
			for _, rec := range out[:k] {
				sum += uint64(rec.Seq)
			}
			got += uint64(k)
		}
		C.sg_bench_join(h)
		return sum, nil
	}

	ring := C.sg_bench_ring_new(C.uint32_t(size))
	if ring == nil {
		return 0, errors.New("make rte_ring")
	}
	defer C.sg_bench_ring_free(ring)
	h := C.sg_bench_start(nil, ring, C.uint64_t(n), C.int(cpu))
	if h == nil {
		return 0, errors.New("start producer")
	}
	for got := uint64(0); got < n; {
		k := uint64(C.sg_bench_ring_dequeue(ring,
			(*C.struct_sg_record)(unsafe.Pointer(&out[0])), C.uint32_t(len(out))))
		for _, rec := range out[:k] {
			sum += uint64(rec.Seq)
		}
		got += k
	}
	C.sg_bench_join(h)
	return sum, nil
}
