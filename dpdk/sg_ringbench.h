/* The ring-choice measurement aid of sg_ringbench.c. */
#ifndef SG_RINGBENCH_H
#define SG_RINGBENCH_H

#include <stdint.h>

struct rte_ring;
struct sg_lane;
struct sg_record;

struct rte_ring *sg_bench_ring_new(uint32_t count);
void sg_bench_ring_free(struct rte_ring *r);
uint32_t sg_bench_ring_dequeue(struct rte_ring *r, struct sg_record *out, uint32_t n);
/* Starts a producer thread on cpu (none if < 0) feeding n records to the
 * lane, or to the ring when lane is NULL; returns a handle for join. */
void *sg_bench_start(struct sg_lane *lane, struct rte_ring *ring, uint64_t n, int cpu);
void sg_bench_join(void *h);
/* The lane's consumer side in C, to compare with Ring.Dequeue. */
uint32_t sg_bench_lane_dequeue(struct sg_lane *l, struct sg_record *out, uint32_t n);

#endif
