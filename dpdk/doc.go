// Package dpdk is the data plane for bare-metal appliances: it starts DPDK's
// EAL, configures ports with RSS on the IPv4 source address, and runs one C
// poll-mode loop per lcore that reads bursts of 32 frames, turns each into a
// record.Record in C and pushes it onto the ring of the worker that owns the
// record's source (detector.Shard of record.Key, computed in C the same way).
//
// Go workers take Records from their Ring in bursts without a cgo call: the
// rings are single-producer single-consumer queues of fixed-size Records in
// C memory, read with sync/atomic. Each worker's Ring holds one lane per RX
// lcore, so every lane has exactly one producer and one consumer.
//
// All cgo code is built only with the build tag "dpdk" and pkg-config's
// libdpdk. Without the tag the same API compiles and every entry point
// returns ErrNoDPDK, so the rest of scanguard builds and tests anywhere.
//
// DPDK allows its EAL to be initialised once per process. Start initialises
// it and Plane.Stop cleans it up, so a process runs at most one Plane in its
// life; a second Start returns ErrEALUsed.
//
// Timestamps: Records from net_pcap carry the capture's own times (the
// driver's microseconds); from any other device, the host clock read once
// per burst, so the Records of one burst share a time.
//
// Limits. With more than one polling lcore, a worker's Ring has one lane
// per lcore and Dequeue takes from them in turn: a source whose packets
// arrive on two queues (its replies hash elsewhere, or the device offers
// no source-only RSS) reaches its worker in order per lane but not
// strictly in time order across lanes. Only IPv4 TCP, UDP and ICMP become
// Records; the rest is counted in LcoreStats.Skipped. Jumbo frames split
// over several mbufs are parsed from their first segment, which holds the
// headers.
//
// A typical lab start, without hugepages or PCI devices:
//
//	cfg := dpdk.Default()
//	cfg.EAL.NoHuge, cfg.EAL.MemMB, cfg.EAL.NoPCI = true, 1024, true
//	cfg.EAL.Vdevs = []string{"net_pcap0,rx_pcap=scan.pcap"}
//	cfg.Ports = []dpdk.PortConfig{{Name: "net_pcap0", RxQueues: 1}}
//	p, err := dpdk.Start(cfg)
//	...
//	for w, r := range p.Rings() {
//		go worker(w, r) // r.Dequeue(buf) in a loop
//	}
//	...
//	err = p.Stop()
package dpdk
