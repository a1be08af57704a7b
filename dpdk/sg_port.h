/* Port set-up and statistics for the Go half. */
#ifndef SG_PORT_H
#define SG_PORT_H

#include <stdint.h>

struct rte_mempool;

/* RSS choices, as reported in dpdk.PortInfo.RSS. */
enum {
	SG_RSS_NONE = 0,
	SG_RSS_IPV4_SRC = 1, /* IPv4 flow types hashed on the source address only */
	SG_RSS_IPV4 = 2,     /* IPv4 flow types, both addresses (and ports) */
};

struct sg_port_info {
	uint16_t rx_queues;  /* queues configured */
	uint16_t max_rx_queues;
	uint32_t rss;        /* SG_RSS_* */
	uint64_t rss_hf;     /* hash functions given to the device */
	char driver[64];
	uint32_t link_up;
	uint32_t link_speed; /* Mbps */
};

struct sg_port_stats {
	uint64_t ipackets, ibytes, imissed, ierrors, rx_nombuf;
};

/* Configures and starts a port; returns 0 or a negative errno. */
int sg_port_setup(uint16_t port, uint16_t rx_queues, uint16_t rx_desc, struct rte_mempool *mp,
		  int promisc, struct sg_port_info *info);
/* The RSS hash functions for a device offering these; *kind gets SG_RSS_*. */
uint64_t sg_choose_rss(uint64_t offered, uint32_t *kind);
int sg_port_stats(uint16_t port, struct sg_port_stats *out);
int sg_port_stop(uint16_t port);
int sg_errno(void);
struct rte_mempool *sg_pool_create(const char *name, uint32_t n, int socket);

#endif
