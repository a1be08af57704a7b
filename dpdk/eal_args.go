package dpdk

import (
	"strconv"
	"strings"
)

// ealArgs turns the EAL configuration into rte_eal_init's argument vector,
// program name first.
func ealArgs(e *EALConfig) []string {
	args := []string{"scanguard"}

	switch {
	case strings.Contains(e.Lcores, "@"):
		args = append(args, "--lcores", e.Lcores)
	case strings.HasPrefix(e.Lcores, "0x") || strings.HasPrefix(e.Lcores, "0X"):
		args = append(args, "-c", e.Lcores)
	default:
		args = append(args, "-l", e.Lcores)
	}
	if e.MainLcore >= 0 {
		args = append(args, "--main-lcore", strconv.Itoa(e.MainLcore))
	}

	if e.NoHuge {
		args = append(args, "--no-huge")
	}
	if e.MemMB > 0 {
		args = append(args, "-m", strconv.Itoa(e.MemMB))
	}
	if e.FilePrefix != "" {
		args = append(args, "--file-prefix", e.FilePrefix)
	}

	if e.NoPCI {
		args = append(args, "--no-pci")
	}
	for _, a := range e.PCI {
		args = append(args, "-a", a)
	}
	for _, v := range e.Vdevs {
		args = append(args, "--vdev", v)
	}
	if e.LogLevel != "" {
		args = append(args, "--log-level", e.LogLevel)
	}
	return append(args, e.Args...)
}

// mbufsFor returns the size of a port's mbuf pool: the configured least
// value, raised to what the descriptors and lcore caches hold at once plus
// one burst per lcore, plus every packet of the port's rx_pcap files
// (net_pcap stops delivering when its pool runs short of the file's count),
// rounded up to 2^k - 1, the size a mempool's ring uses best.
func mbufsFor(p *PortConfig, queues, lcores int, pcapPackets int) int {
	const cache, burst = 256, 32
	n := queues*p.RxDescriptors + lcores*(cache+burst) + 1024 + pcapPackets
	if p.Mbufs > n {
		n = p.Mbufs
	}
	size := 1
	for size-1 < n {
		size <<= 1
	}
	return size - 1
}
