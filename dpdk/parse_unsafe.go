//go:build dpdk

package dpdk

/*
#include "sg_plane.h"
#include "sg_port.h"
*/
import "C"

import (
	"unsafe"

	"scanguard/record"
)

// parseFrames runs the lcores' C parser over Ethernet frames captured at
// ts, appending a Record per parsed frame to out[:0] and counting the rest.
// It makes one cgo call for all frames; tests use it to check the
// C parser against record.Parser.
func parseFrames(frames [][]byte, ts []int64, out []record.Record) ([]record.Record, Skips) {
	var sk [C.SG_SKIP_MAX]C.uint64_t
	if len(frames) == 0 {
		return out[:0], Skips{}
	}
	size := 0
	for _, f := range frames {
		size += len(f)
	}
	buf := make([]byte, 0, size+1)
	off := make([]uint32, len(frames))
	lens := make([]uint32, len(frames))
	tss := make([]int64, len(frames))
	for i, f := range frames {
		off[i], lens[i] = uint32(len(buf)), uint32(len(f))
		buf = append(buf, f...)
		if i < len(ts) {
			tss[i] = ts[i]
		}
	}
	buf = append(buf, 0) // a valid pointer even when every frame is empty
	if cap(out) < len(frames) {
		out = make([]record.Record, len(frames))
	}
	out = out[:len(frames)]

	n := C.sg_parse_frames((*C.uint8_t)(&buf[0]), (*C.uint32_t)(&off[0]),
		(*C.uint32_t)(&lens[0]), (*C.int64_t)(&tss[0]), C.uint32_t(len(frames)),
		(*C.struct_sg_record)(unsafe.Pointer(&out[0])), &sk[0])
	return out[:n], skipsFrom(&sk)
}

// shardRecords returns the worker the C loop gives each Record.
func shardRecords(recs []record.Record, workers int) []int {
	if len(recs) == 0 {
		return nil
	}
	w := make([]uint32, len(recs))
	C.sg_shard_records((*C.struct_sg_record)(unsafe.Pointer(&recs[0])), C.uint32_t(len(recs)),
		C.uint32_t(workers), (*C.uint32_t)(&w[0]))
	out := make([]int, len(w))
	for i, v := range w {
		out[i] = int(v)
	}
	return out
}

// cRecordOffsets returns the C offsets of struct sg_record's fields in
// declaration order, then its size.
func cRecordOffsets() []uintptr {
	var off [17]C.uint32_t
	C.sg_record_offsets(&off[0])
	out := make([]uintptr, len(off))
	for i, o := range off {
		out[i] = uintptr(o)
	}
	return out
}

// chooseRSS returns the rss_hf a port gets when its device offers the
// offered hash functions, and the mode that gives.
func chooseRSS(offered uint64) (uint64, RSS) {
	var kind C.uint32_t
	hf := C.sg_choose_rss(C.uint64_t(offered), &kind)
	return uint64(hf), RSS(kind)
}
