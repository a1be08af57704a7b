// Package afpacket reads live traffic from a Linux interface through
// AF_PACKET sockets with memory-mapped TPACKET_V3 rings, for machines
// without DPDK. Several sockets join one fanout group so the kernel spreads
// the interface's frames over them by flow hash; each socket has a reading
// goroutine that parses frames into Records and dispatches them to the
// engine's workers by source. An optional classic BPF program runs in the
// kernel before a frame is copied to the ring.
//
// The counters mirror the DPDK plane's: what the kernel delivered and what
// it dropped because a ring was full (the analogue of a port's imissed),
// and what the parser made of the frames.
package afpacket

import (
	"errors"

	"scanguard/record"
)

// ErrUnsupported is returned by Open on a build without AF_PACKET support
// (not Linux, or built without cgo).
var ErrUnsupported = errors.New("AF_PACKET source needs Linux and a cgo build")

// SocketStats are one socket's counters.
type SocketStats struct {
	// KernelPackets is what the kernel passed the socket's filter, the
	// dropped frames included (tp_packets).
	KernelPackets uint64
	// KernelDrops is what the kernel dropped because the ring was full
	// (tp_drops): frames scanguard never saw.
	KernelDrops uint64
	// QueueFreezes is how often the ring filled up (tp_freeze_q_cnt).
	QueueFreezes uint64
	RxFrames     uint64 // frames read from the ring
	RxBytes      uint64 // their length on the wire
}

// Stats is a snapshot of the source's counters.
type Stats struct {
	Sockets []SocketStats
	Total   SocketStats
	// Parser counts what became of the frames read: Records, and skips by
	// kind. It trails the socket counters by at most a few milliseconds.
	Parser record.Counters
}

func (s *SocketStats) add(o *SocketStats) {
	s.KernelPackets += o.KernelPackets
	s.KernelDrops += o.KernelDrops
	s.QueueFreezes += o.QueueFreezes
	s.RxFrames += o.RxFrames
	s.RxBytes += o.RxBytes
}
