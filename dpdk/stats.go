package dpdk

// Stats is a snapshot of the plane's counters. Counters only grow while the
// plane runs.
type Stats struct {
	Ports  []PortStats
	Rings  []RingStats
	Lcores []LcoreStats
}

// PortStats are a port's counters from rte_eth_stats_get.
type PortStats struct {
	Name      string
	RxPackets uint64 // frames the device delivered
	RxBytes   uint64
	Imissed   uint64 // frames the device dropped because no descriptor was free
	Ierrors   uint64 // erroneous frames
	RxNombuf  uint64 // receive failures for want of an mbuf
}

// RingStats are the counters of one worker's Ring, summed over its lanes.
type RingStats struct {
	Worker   int
	Enqueued uint64 // Records the lcores put on the ring
	Drops    uint64 // Records dropped because a lane was full
}

// LcoreStats are the counters of one polling lcore.
type LcoreStats struct {
	Lcore     int
	RxPackets uint64 // frames received
	Bursts    uint64 // rx_burst calls that returned at least one frame
	Records   uint64 // frames turned into Records
	Skipped   Skips  // frames that were not IPv4 TCP, UDP or ICMP, by reason
}

// Skips counts frames the C parser did not turn into a Record, by reason;
// the reasons are those of record.Counters.
type Skips struct {
	IPv6      uint64 // IPv6, not keyed yet
	ARP       uint64
	OtherL3   uint64 // another EtherType (LLDP, LLC, …)
	OtherL4   uint64 // IPv4 carrying another protocol (GRE, ESP, …)
	Fragments uint64 // IPv4 fragments past the first, without a transport header
	Truncated uint64 // the frame ended before a header the parser needs
	Malformed uint64 // a header field that cannot be right
}

// Total returns the sum of all reasons.
func (s Skips) Total() uint64 {
	return s.IPv6 + s.ARP + s.OtherL3 + s.OtherL4 + s.Fragments + s.Truncated + s.Malformed
}
