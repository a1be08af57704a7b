//go:build dpdk

package dpdk

/*
#include <stdlib.h>
#include <rte_eal.h>
#include <rte_ethdev.h>
#include <rte_launch.h>
#include <rte_mempool.h>
#include "sg_plane.h"
#include "sg_port.h"

static void sg_set_stop(volatile uint32_t *p) { __atomic_store_n(p, 1, __ATOMIC_RELEASE); }
*/
import "C"

import (
	"errors"
	"fmt"
	"strings"
	"sync"
)

// Plane is a running data plane: the EAL, its ports and polling lcores, and
// the Rings that carry Records to the Go workers.
type Plane struct {
	mu      sync.Mutex
	ctl     *control
	args    *cArgs
	ports   []PortInfo
	pools   []*C.struct_rte_mempool
	lcores  []*C.struct_sg_lcore
	linfo   []LcoreInfo
	rings   []*Ring
	stop    *C.uint32_t
	stopped bool
	final   Stats
}

// running keeps the plane reachable while lcores write into its rings.
var running *Plane

// Start initialises the EAL, configures and starts every port, and launches
// one polling loop per worker lcore. RX queues are dealt to the lcores in
// turn; an lcore left without a queue stays idle. On error everything
// started so far is stopped again, but the EAL cannot be started twice.
func Start(cfg Config) (*Plane, error) {
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("start data plane: %w", err)
	}
	pcapPkts, err := pcapPackets(&cfg)
	if err != nil {
		return nil, fmt.Errorf("start data plane: %w", err)
	}

	p := &Plane{ctl: newControl()}
	p.ctl.do(func() { err = p.start(&cfg, pcapPkts) })
	if err != nil {
		p.ctl.close()
		return nil, err
	}
	running = p
	return p, nil
}

// pcapPackets counts, per port, the packets of the rx_pcap files its vdev
// replays.
func pcapPackets(cfg *Config) ([]int, error) {
	out := make([]int, len(cfg.Ports))
	for i, pc := range cfg.Ports {
		for _, v := range cfg.EAL.Vdevs {
			if vdevName(v) != pc.Name || !strings.HasPrefix(pc.Name, "net_pcap") {
				continue
			}
			for _, f := range vdevArgs(v, "rx_pcap") {
				n, err := countPcapPackets(f)
				if err != nil {
					return nil, err
				}
				out[i] += n
			}
		}
	}
	return out, nil
}

func (p *Plane) start(cfg *Config, pcapPkts []int) error {
	args, err := ealInit(&cfg.EAL)
	if err != nil {
		return err
	}
	p.args = args

	lcores := workerLcores()
	if len(lcores) == 0 {
		p.teardown()
		return ErrNoLcore
	}
	var queues []QueueRef
	for i := range cfg.Ports {
		info, err := p.startPort(i, &cfg.Ports[i], len(lcores), pcapPkts[i])
		if err != nil {
			p.teardown()
			return err
		}
		for q := 0; q < info.RxQueues; q++ {
			queues = append(queues, QueueRef{Port: info.ID, Queue: q})
		}
	}
	if err := p.launch(cfg, lcores, queues); err != nil {
		if p.stop != nil {
			C.sg_set_stop(p.stop)
			C.rte_eal_mp_wait_lcore()
		}
		p.teardown()
		return err
	}
	return nil
}

func (p *Plane) startPort(i int, pc *PortConfig, lcores, pcapPkts int) (PortInfo, error) {
	info := PortInfo{Name: pc.Name, PcapPackets: pcapPkts}
	name := C.CString(pc.Name)
	defer C.free(cptr(name))

	var id C.uint16_t
	if C.rte_eth_dev_get_port_by_name(name, &id) != 0 {
		return info, fmt.Errorf("start port %s: %w", pc.Name, ErrNoPort)
	}
	info.ID = int(id)
	info.Mbufs = mbufsFor(pc, pc.RxQueues, lcores, pcapPkts)

	poolName := C.CString(fmt.Sprintf("sg_pool_%d", i))
	defer C.free(cptr(poolName))
	pool := C.sg_pool_create(poolName, C.uint32_t(info.Mbufs), C.rte_eth_dev_socket_id(id))
	if pool == nil {
		return info, fmt.Errorf("create mbuf pool of %d for %s: %w", info.Mbufs, pc.Name, rteErr())
	}
	p.pools = append(p.pools, pool)

	var ci C.struct_sg_port_info
	promisc := C.int(0)
	if pc.Promiscuous {
		promisc = 1
	}
	ret := C.sg_port_setup(id, C.uint16_t(pc.RxQueues), C.uint16_t(pc.RxDescriptors), pool,
		promisc, &ci)
	if err := callErr("start port "+pc.Name, ret); err != nil {
		// Half set up, the port must release its queues before the pool
		// goes; its own error says nothing more than err.
		C.sg_port_stop(id)
		return info, err
	}
	info.Driver = C.GoString(&ci.driver[0])
	info.RxQueues = int(ci.rx_queues)
	info.RSS = RSS(ci.rss)
	info.RSSHashFns = uint64(ci.rss_hf)
	info.LinkUp = ci.link_up != 0
	info.LinkMbps = int(ci.link_speed)
	p.ports = append(p.ports, info)
	return info, nil
}

// launch deals the queues to the lcores, makes one lane per (lcore, worker)
// and starts the loops.
func (p *Plane) launch(cfg *Config, lcores []int, queues []QueueRef) error {
	nl := min(len(lcores), len(queues))
	if nl == 0 {
		return errors.New("launch lcores: no RX queue to poll")
	}
	if (len(queues)+nl-1)/nl > C.SG_MAX_RXQ {
		return fmt.Errorf("launch lcores: %d queues exceed %d per lcore", len(queues), C.SG_MAX_RXQ)
	}

	for w := 0; w < cfg.Workers; w++ {
		r, err := newRing(w, nl, cfg.RingSize)
		if err != nil {
			return fmt.Errorf("make ring %d: %w", w, err)
		}
		p.rings = append(p.rings, r)
	}
	p.stop = (*C.uint32_t)(C.calloc(1, 4))
	if p.stop == nil {
		return errNoMem("stop flag")
	}

	drivers := map[int]string{}
	for _, pi := range p.ports {
		drivers[pi.ID] = pi.Driver
	}
	for i := 0; i < nl; i++ {
		lc := C.sg_lcore_new()
		if lc == nil {
			return errNoMem("lcore state")
		}
		p.lcores = append(p.lcores, lc)
		lc.lcore_id = C.uint32_t(lcores[i])
		lc.stop = p.stop
		info := LcoreInfo{Lcore: lcores[i]}
		for q := i; q < len(queues); q += nl {
			rq := &lc.rxq[lc.nb_rxq]
			rq.port = C.uint16_t(queues[q].Port)
			rq.queue = C.uint16_t(queues[q].Queue)
			if strings.HasPrefix(drivers[queues[q].Port], "net_pcap") {
				rq.ts_mode = C.SG_TS_PCAP_USEC
			}
			lc.nb_rxq++
			info.Queues = append(info.Queues, queues[q])
		}
		lc.nb_lanes = C.uint32_t(cfg.Workers)
		for w, r := range p.rings {
			lc.lanes[w] = r.c[i]
		}
		p.linfo = append(p.linfo, info)
	}

	for i, lc := range p.lcores {
		if ret := C.sg_launch(lc); ret != 0 {
			// Only the launched ones run; teardown frees those after
			// the wait, the rest here.
			for _, idle := range p.lcores[i:] {
				defer C.sg_lcore_free(idle)
			}
			p.lcores = p.lcores[:i]
			return callErr(fmt.Sprintf("launch lcore %d", lc.lcore_id), ret)
		}
	}
	return nil
}

// Rings returns one Ring per worker, in worker order.
func (p *Plane) Rings() []*Ring { return p.rings }

// Ports describes the started ports.
func (p *Plane) Ports() []PortInfo { return p.ports }

// Lcores describes which queues each polling lcore reads.
func (p *Plane) Lcores() []LcoreInfo { return p.linfo }

// Stats returns the plane's counters. After Stop it returns the last
// values read before the ports closed.
func (p *Plane) Stats() Stats {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.stopped {
		return p.final
	}
	return p.read()
}

func (p *Plane) read() Stats {
	var s Stats
	for _, pi := range p.ports {
		var cs C.struct_sg_port_stats
		ps := PortStats{Name: pi.Name}
		if C.sg_port_stats(C.uint16_t(pi.ID), &cs) == 0 {
			ps.RxPackets, ps.RxBytes = uint64(cs.ipackets), uint64(cs.ibytes)
			ps.Imissed, ps.Ierrors = uint64(cs.imissed), uint64(cs.ierrors)
			ps.RxNombuf = uint64(cs.rx_nombuf)
		}
		s.Ports = append(s.Ports, ps)
	}
	for _, r := range p.rings {
		s.Rings = append(s.Rings, r.stats())
	}
	for _, lc := range p.lcores {
		var cs C.struct_sg_lcore_stats
		C.sg_lcore_stats(lc, &cs)
		s.Lcores = append(s.Lcores, LcoreStats{
			Lcore:     int(lc.lcore_id),
			RxPackets: uint64(cs.rx_packets),
			Bursts:    uint64(cs.bursts),
			Records:   uint64(cs.records),
			Skipped:   skipsFrom(&cs.skip),
		})
	}
	return s
}

// Stop raises the stop flag, waits for every lcore to leave its loop,
// stops and closes the ports and cleans up the EAL. The Rings stay
// readable so that workers can drain them. Stop is idempotent.
func (p *Plane) Stop() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.stopped {
		return nil
	}
	var err error
	p.ctl.do(func() {
		if p.stop != nil {
			C.sg_set_stop(p.stop)
		}
		C.rte_eal_mp_wait_lcore()
		p.final = p.read()
		err = p.teardown()
	})
	p.ctl.close()
	p.stopped = true
	running = nil
	return err
}

// teardown closes ports and pools, frees lcore state and cleans up the EAL;
// it runs on the control thread after the lcores stopped.
func (p *Plane) teardown() error {
	var errs []error
	for _, pi := range p.ports {
		if ret := C.sg_port_stop(C.uint16_t(pi.ID)); ret != 0 {
			errs = append(errs, callErr("stop port "+pi.Name, ret))
		}
	}
	for _, mp := range p.pools {
		C.rte_mempool_free(mp)
	}
	p.pools = nil
	for _, lc := range p.lcores {
		C.sg_lcore_free(lc)
	}
	p.lcores = nil
	if p.stop != nil {
		C.free(cptr(p.stop))
		p.stop = nil
	}
	if p.args != nil {
		errs = append(errs, ealCleanup(p.args))
		p.args = nil
	}
	return errors.Join(errs...)
}

func skipsFrom(sk *[C.SG_SKIP_MAX]C.uint64_t) Skips {
	return Skips{
		IPv6: uint64(sk[C.SG_SKIP_IPV6]), ARP: uint64(sk[C.SG_SKIP_ARP]),
		OtherL3: uint64(sk[C.SG_SKIP_OTHER_L3]), OtherL4: uint64(sk[C.SG_SKIP_OTHER_L4]),
		Fragments: uint64(sk[C.SG_SKIP_FRAGMENT]), Truncated: uint64(sk[C.SG_SKIP_TRUNCATED]),
		Malformed: uint64(sk[C.SG_SKIP_MALFORMED]),
	}
}
