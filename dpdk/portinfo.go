package dpdk

// RSS names how a port spreads frames over its RX queues.
type RSS uint8

// RSS modes, from the best for scanguard to none.
const (
	// RSSNone: one queue, or a device without IPv4 hashing (a vdev's
	// queues each have their own source then).
	RSSNone RSS = iota
	// RSSIPv4Src hashes IPv4 on the source address only: every packet of a
	// prober reaches the same queue.
	RSSIPv4Src
	// RSSIPv4 hashes IPv4 on both addresses (and ports for TCP and UDP);
	// a source's packets may be spread over queues, which the rings make
	// harmless as every lcore shards by source.
	RSSIPv4
)

// String returns the mode's name.
func (r RSS) String() string {
	switch r {
	case RSSIPv4Src:
		return "ipv4-src"
	case RSSIPv4:
		return "ipv4"
	}
	return "none"
}

// PortInfo describes a started port.
type PortInfo struct {
	Name        string
	ID          int
	Driver      string
	RxQueues    int    // queues configured, after the device's maximum
	RSS         RSS    // how frames are spread over the queues
	RSSHashFns  uint64 // the rss_hf bits given to the device
	Mbufs       int    // size of the port's mbuf pool
	PcapPackets int    // packets in the port's rx_pcap files (net_pcap)
	LinkUp      bool
	LinkMbps    int
}

// LcoreInfo describes what one polling lcore does.
type LcoreInfo struct {
	Lcore  int
	Queues []QueueRef
}

// QueueRef names one RX queue of one port.
type QueueRef struct {
	Port  int
	Queue int
}
