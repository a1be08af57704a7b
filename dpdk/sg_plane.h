/*
 * Shared declarations of the C half of the data plane: the lanes that carry
 * Records to Go workers, the per-lcore work and counters, and the entry
 * points the Go half calls.
 */
#ifndef SG_PLANE_H
#define SG_PLANE_H

#include <stdint.h>

#include "sg_record.h"

#define SG_CACHE_LINE 64
/* CPUs fetch cache lines in aligned pairs (the adjacent-line prefetcher),
 * so fields written by different threads sit a pair apart, as rte_ring's
 * do. */
#define SG_LINE_PAIR (2 * SG_CACHE_LINE)
#define SG_BURST 32
#define SG_MAX_WORKERS 64
#define SG_MAX_RXQ 64

/*
 * A single-producer single-consumer queue of Records. Each side publishes
 * its index with a release store and reads the other's with an acquire
 * load, at most once per burst. The cache lines are split by who writes
 * them: the consumer polls head, which the producer only writes; the
 * producer keeps its own view of both indexes and its counters on a line
 * the consumer never touches, so a busy consumer does not pull that line
 * away from the producer between bursts. Each of the three sits in its own
 * pair of lines.
 */
struct sg_lane {
	uint64_t head; /* records published; the producer writes, the consumer polls */
	uint8_t pad0[SG_LINE_PAIR - 8];

	uint64_t tail; /* records consumed; the consumer writes */
	uint8_t pad1[SG_LINE_PAIR - 8];

	/* The producer's line. */
	uint64_t published;   /* the value last stored in head */
	uint64_t cached_tail; /* the producer's last look at tail */
	uint64_t enqueued;    /* records published, for stats */
	uint64_t drops;       /* records dropped on a full lane */
	uint64_t size;        /* power of two */
	uint64_t mask;
	uint8_t pad2[SG_LINE_PAIR - 48];

	struct sg_record slots[];
};

_Static_assert(sizeof(struct sg_lane) == 3 * SG_LINE_PAIR, "sg_lane header layout");

/*
 * Returns how many records the lane can take at the producer's private
 * index head. The consumer's index is read only when the producer's cached
 * view leaves less than want: at most one shared cache-line read per lane
 * per burst, even while the lane is full.
 */
static inline uint64_t sg_lane_room(struct sg_lane *l, uint64_t head, uint64_t want)
{
	uint64_t room = l->size - (head - l->cached_tail);
	if (room < want) {
		l->cached_tail = __atomic_load_n(&l->tail, __ATOMIC_ACQUIRE);
		room = l->size - (head - l->cached_tail);
	}
	return room;
}

/*
 * Writes n records at the private index *head in at most two copies. A
 * burst copied whole lets the CPU write full cache lines, which costs far
 * less than record-by-record stores into lines the consumer last read.
 */
static inline void sg_lane_put_n(struct sg_lane *l, uint64_t *head, const struct sg_record *recs,
				 uint32_t n)
{
	uint64_t s = *head & l->mask;
	uint64_t first = l->size - s < n ? l->size - s : n;

	memcpy(&l->slots[s], recs, first * sizeof(*recs));
	memcpy(&l->slots[0], recs + first, (n - first) * sizeof(*recs));
	*head += n;
}

/* Makes every record put up to head visible to the consumer, and adds
 * drops to the lane's count. Only the producer writes these fields, so a
 * relaxed load and store suffice for the counters. */
static inline void sg_lane_publish(struct sg_lane *l, uint64_t head, uint64_t drops)
{
	if (head != l->published) {
		__atomic_store_n(&l->enqueued, l->enqueued + (head - l->published), __ATOMIC_RELAXED);
		l->published = head;
		__atomic_store_n(&l->head, head, __ATOMIC_RELEASE);
	}
	if (drops != 0)
		__atomic_store_n(&l->drops, l->drops + drops, __ATOMIC_RELAXED);
}

static inline struct sg_record *sg_lane_slots(struct sg_lane *l) { return l->slots; }

struct sg_lane *sg_lane_new(uint64_t size);
void sg_lane_free(struct sg_lane *l);

/* Timestamp sources of an RX queue. */
enum {
	SG_TS_CLOCK = 0,     /* host clock, read once per burst */
	SG_TS_PCAP_USEC = 1, /* net_pcap: the file's time in µs in the mbuf */
};

struct sg_rxq {
	uint16_t port;
	uint16_t queue;
	uint32_t ts_mode;
};

/* What one polling lcore does, and what it counted. */
struct sg_lcore {
	uint32_t lcore_id;
	uint32_t nb_rxq;
	struct sg_rxq rxq[SG_MAX_RXQ];
	uint32_t nb_lanes;
	struct sg_lane *lanes[SG_MAX_WORKERS]; /* one per worker, this lcore produces */
	const volatile uint32_t *stop;
	/* Each worker's records of the current burst, copied to its lane in
	 * one piece. */
	struct sg_record stage[SG_MAX_WORKERS][SG_BURST] __attribute__((aligned(SG_CACHE_LINE)));

	/* Written by the lcore only, read with atomic loads. */
	uint64_t rx_packets __attribute__((aligned(SG_CACHE_LINE)));
	uint64_t bursts;
	uint64_t records;
	uint64_t skip[SG_SKIP_MAX];
} __attribute__((aligned(SG_CACHE_LINE)));

struct sg_lcore_stats {
	uint64_t rx_packets;
	uint64_t bursts;
	uint64_t records;
	uint64_t skip[SG_SKIP_MAX];
};

struct sg_lcore *sg_lcore_new(void);
void sg_lcore_free(struct sg_lcore *lc);
void sg_lcore_stats(const struct sg_lcore *lc, struct sg_lcore_stats *out);
void sg_lane_stats(const struct sg_lane *l, uint64_t *enqueued, uint64_t *drops);

/* The lcore function given to rte_eal_remote_launch. */
int sg_lcore_main(void *arg);
int sg_launch(struct sg_lcore *lc);

/* Calibrates the clock used for SG_TS_CLOCK; call before launching. */
void sg_clock_init(void);

/* Parses n frames laid end to end in buf (frame i at off[i], len[i] bytes)
 * into out; returns how many records were written. For tests and tools. */
uint32_t sg_parse_frames(const uint8_t *buf, const uint32_t *off, const uint32_t *len,
			 const int64_t *ts, uint32_t n, struct sg_record *out, uint64_t *skip);

/* Writes the worker of each of n records, for tests. */
void sg_shard_records(const struct sg_record *r, uint32_t n, uint32_t workers, uint32_t *out);

/* Pushes n numbered records tagged with tag onto l in bursts of 32 and
 * returns the drops; a full lane drops, or with wait set is retried. A
 * stand-in producer for ring tests. */
uint64_t sg_lane_fill(struct sg_lane *l, uint64_t n, uint32_t tag, int wait);

/* Offsets of struct sg_record's fields, in declaration order, for tests. */
void sg_record_offsets(uint32_t *out);

#endif
