//go:build dpdk

#include <string.h>

#include <rte_errno.h>
#include <rte_ethdev.h>
#include <rte_mbuf.h>

#include "sg_port.h"

int sg_errno(void) { return rte_errno; }

struct rte_mempool *sg_pool_create(const char *name, uint32_t n, int socket)
{
	return rte_pktmbuf_pool_create(name, n, 256, 0, RTE_MBUF_DEFAULT_BUF_SIZE, socket);
}

/*
 * Picks the RSS hash functions: the IPv4 flow types the device offers, on
 * the source address only when it can, so that all of a prober's packets
 * meet on one queue. Returns 0 when the device offers no IPv4 hashing.
 */
uint64_t sg_choose_rss(uint64_t offered, uint32_t *kind)
{
	const uint64_t v4 = RTE_ETH_RSS_IPV4 | RTE_ETH_RSS_FRAG_IPV4 |
			    RTE_ETH_RSS_NONFRAG_IPV4_TCP | RTE_ETH_RSS_NONFRAG_IPV4_UDP |
			    RTE_ETH_RSS_NONFRAG_IPV4_OTHER;
	uint64_t hf = offered & v4;

	if (hf == 0) {
		*kind = SG_RSS_NONE;
		return 0;
	}
	if (offered & RTE_ETH_RSS_L3_SRC_ONLY) {
		*kind = SG_RSS_IPV4_SRC;
		return hf | RTE_ETH_RSS_L3_SRC_ONLY;
	}
	*kind = SG_RSS_IPV4;
	return hf;
}

int sg_port_setup(uint16_t port, uint16_t rx_queues, uint16_t rx_desc, struct rte_mempool *mp,
		  int promisc, struct sg_port_info *info)
{
	struct rte_eth_dev_info dev;
	struct rte_eth_conf conf;
	struct rte_eth_link link;
	int ret;

	memset(info, 0, sizeof(*info));
	ret = rte_eth_dev_info_get(port, &dev);
	if (ret != 0)
		return ret;
	if (dev.driver_name != NULL)
		strncpy(info->driver, dev.driver_name, sizeof(info->driver) - 1);
	info->max_rx_queues = dev.max_rx_queues;
	if (dev.max_rx_queues > 0 && rx_queues > dev.max_rx_queues)
		rx_queues = dev.max_rx_queues;
	info->rx_queues = rx_queues;

	memset(&conf, 0, sizeof(conf));
	if (rx_queues > 1) {
		uint64_t hf = sg_choose_rss(dev.flow_type_rss_offloads, &info->rss);
		if (hf != 0) {
			conf.rxmode.mq_mode = RTE_ETH_MQ_RX_RSS;
			conf.rx_adv_conf.rss_conf.rss_hf = hf;
			info->rss_hf = hf;
		}
	}

	/* scanguard only receives, but some drivers refuse to start without a
	 * TX queue; one small queue is set up where the device has any. */
	uint16_t tx_queues = dev.max_tx_queues > 0 ? 1 : 0;
	ret = rte_eth_dev_configure(port, rx_queues, tx_queues, &conf);
	if (ret != 0)
		return ret;
	uint16_t nb_rxd = rx_desc, nb_txd = 64;
	ret = rte_eth_dev_adjust_nb_rx_tx_desc(port, &nb_rxd, &nb_txd);
	if (ret != 0)
		return ret;
	int socket = rte_eth_dev_socket_id(port);
	unsigned sock = socket < 0 ? 0 : (unsigned)socket;
	for (uint16_t q = 0; q < rx_queues; q++) {
		ret = rte_eth_rx_queue_setup(port, q, nb_rxd, sock, NULL, mp);
		if (ret != 0)
			return ret;
	}
	if (tx_queues > 0) {
		ret = rte_eth_tx_queue_setup(port, 0, nb_txd, sock, NULL);
		if (ret != 0)
			return ret;
	}
	ret = rte_eth_dev_start(port);
	if (ret != 0)
		return ret;

	/* Some virtual devices cannot change the mode and say so; they see
	 * every frame anyway. */
	if (promisc)
		(void)rte_eth_promiscuous_enable(port);

	if (rte_eth_link_get_nowait(port, &link) == 0) {
		info->link_up = link.link_status;
		info->link_speed = link.link_speed;
	}
	return 0;
}

int sg_port_stats(uint16_t port, struct sg_port_stats *out)
{
	struct rte_eth_stats s;
	int ret = rte_eth_stats_get(port, &s);
	if (ret != 0)
		return ret;
	out->ipackets = s.ipackets;
	out->ibytes = s.ibytes;
	out->imissed = s.imissed;
	out->ierrors = s.ierrors;
	out->rx_nombuf = s.rx_nombuf;
	return 0;
}

int sg_port_stop(uint16_t port)
{
	int ret = rte_eth_dev_stop(port);
	int cret = rte_eth_dev_close(port);
	return ret != 0 ? ret : cret;
}
