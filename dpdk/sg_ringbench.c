//go:build dpdk

/*
 * A measurement aid for the choice of ring: a C producer thread feeds either
 * an sg_lane (read by Go without cgo) or an rte_ring of 40-byte elements
 * (read by Go with one cgo call per burst), losslessly, so that the cost per
 * record of both can be compared on the same machine.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>

#include <rte_pause.h>
#include <rte_ring.h>
#include <rte_ring_elem.h>

#include "sg_plane.h"
#include "sg_ringbench.h"

struct producer {
	struct sg_lane *lane;
	struct rte_ring *ring;
	uint64_t n;
	int cpu;
};

static void *produce(void *arg)
{
	struct producer *p = arg;
	struct sg_record burst[SG_BURST];

	if (p->cpu >= 0) {
		cpu_set_t set;
		CPU_ZERO(&set);
		CPU_SET(p->cpu, &set);
		pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
	}
	memset(burst, 0, sizeof(burst));
	if (p->lane != NULL) {
		sg_lane_fill(p->lane, p->n, 0, 1);
		return NULL;
	}
	for (uint64_t i = 0; i < p->n;) {
		uint32_t k = 0;
		/* The same records as sg_lane_fill makes. */
		for (; k < SG_BURST && i + k < p->n; k++) {
			uint64_t j = i + k;
			burst[k].ts_ns = (int64_t)j;
			burst[k].seq = (uint32_t)j;
			burst[k].src_ip = (uint32_t)(j * 2654435761u);
			burst[k].dst_ip = ~burst[k].src_ip;
		}
		/* Like sg_lane_fill, wait for room for the whole burst. */
		while (rte_ring_free_count(p->ring) < k)
			rte_pause();
		uint32_t done = 0;
		while (done < k) {
			done += rte_ring_sp_enqueue_burst_elem(p->ring, &burst[done],
							       sizeof(struct sg_record), k - done, NULL);
			if (done < k)
				rte_pause();
		}
		i += k;
	}
	return NULL;
}

struct rte_ring *sg_bench_ring_new(uint32_t count)
{
	ssize_t size = rte_ring_get_memsize_elem(sizeof(struct sg_record), count);
	if (size < 0)
		return NULL;
	struct rte_ring *r = aligned_alloc(SG_CACHE_LINE, (size_t)size);
	if (r == NULL)
		return NULL;
	if (rte_ring_init(r, "sg_bench", count, RING_F_SP_ENQ | RING_F_SC_DEQ) != 0) {
		free(r);
		return NULL;
	}
	return r;
}

void sg_bench_ring_free(struct rte_ring *r) { free(r); }

uint32_t sg_bench_ring_dequeue(struct rte_ring *r, struct sg_record *out, uint32_t n)
{
	return rte_ring_sc_dequeue_burst_elem(r, out, sizeof(struct sg_record), n, NULL);
}

void *sg_bench_start(struct sg_lane *lane, struct rte_ring *ring, uint64_t n, int cpu)
{
	struct producer *p = calloc(1, sizeof(*p));
	pthread_t *t = calloc(1, sizeof(*t) + sizeof(p));
	if (p == NULL || t == NULL) {
		free(p);
		free(t);
		return NULL;
	}
	p->lane = lane;
	p->ring = ring;
	p->n = n;
	p->cpu = cpu;
	memcpy((char *)t + sizeof(*t), &p, sizeof(p));
	if (pthread_create(t, NULL, produce, p) != 0) {
		free(p);
		free(t);
		return NULL;
	}
	return t;
}

void sg_bench_join(void *h)
{
	pthread_t *t = h;
	struct producer *p;

	memcpy(&p, (char *)t + sizeof(*t), sizeof(p));
	pthread_join(*t, NULL);
	free(p);
	free(t);
}

uint32_t sg_bench_lane_dequeue(struct sg_lane *l, struct sg_record *out, uint32_t n)
{
	uint64_t t = l->tail;
	uint64_t avail = __atomic_load_n(&l->head, __ATOMIC_ACQUIRE) - t;
	if (avail < n)
		n = (uint32_t)avail;
	for (uint32_t i = 0; i < n; i++)
		out[i] = l->slots[(t + i) & l->mask];
	__atomic_store_n(&l->tail, t + n, __ATOMIC_RELEASE);
	return n;
}
