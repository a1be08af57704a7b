//go:build dpdk

/*
 * The poll-mode loop: each lcore reads bursts from its RX queues, turns each
 * frame into a record, and appends it to the lane of the worker that owns
 * the record's source. Nothing here blocks or allocates.
 */
#include <stdlib.h>
#include <time.h>

#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_launch.h>
#include <rte_mbuf.h>
#include <rte_mbuf_dyn.h>
#include <rte_pause.h>
#include <rte_prefetch.h>

#include "sg_plane.h"

static int64_t clock_base_ns;
static uint64_t clock_base_tsc;
static uint64_t clock_mult; /* ns per TSC tick, 32.32 fixed point */
static int ts_field = -1;
static uint64_t ts_flag;

void sg_clock_init(void)
{
	struct timespec now;

	clock_gettime(CLOCK_REALTIME, &now);
	clock_base_tsc = rte_rdtsc();
	clock_base_ns = (int64_t)now.tv_sec * 1000000000 + now.tv_nsec;
	clock_mult = (uint64_t)(((unsigned __int128)1000000000u << 32) / rte_get_tsc_hz());

	/* net_pcap registers the RX timestamp field when it probes. */
	ts_field = rte_mbuf_dynfield_lookup(RTE_MBUF_DYNFIELD_TIMESTAMP_NAME, NULL);
	int bit = rte_mbuf_dynflag_lookup(RTE_MBUF_DYNFLAG_RX_TIMESTAMP_NAME, NULL);
	ts_flag = bit >= 0 ? UINT64_C(1) << bit : 0;
}

static inline int64_t clock_now_ns(void)
{
	uint64_t d = rte_rdtsc() - clock_base_tsc;
	return clock_base_ns + (int64_t)(((unsigned __int128)d * clock_mult) >> 32);
}

struct sg_lane *sg_lane_new(uint64_t size)
{
	struct sg_lane *l = aligned_alloc(SG_LINE_PAIR,
					  sizeof(*l) + size * sizeof(struct sg_record));
	if (l == NULL)
		return NULL;
	memset(l, 0, sizeof(*l));
	l->size = size;
	l->mask = size - 1;
	return l;
}

void sg_lane_free(struct sg_lane *l) { free(l); }

struct sg_lcore *sg_lcore_new(void)
{
	struct sg_lcore *lc = aligned_alloc(SG_CACHE_LINE, sizeof(*lc));
	if (lc != NULL)
		memset(lc, 0, sizeof(*lc));
	return lc;
}

void sg_lcore_free(struct sg_lcore *lc) { free(lc); }

void sg_lcore_stats(const struct sg_lcore *lc, struct sg_lcore_stats *out)
{
	out->rx_packets = __atomic_load_n(&lc->rx_packets, __ATOMIC_ACQUIRE);
	out->bursts = __atomic_load_n(&lc->bursts, __ATOMIC_RELAXED);
	out->records = __atomic_load_n(&lc->records, __ATOMIC_RELAXED);
	for (int i = 0; i < SG_SKIP_MAX; i++)
		out->skip[i] = __atomic_load_n(&lc->skip[i], __ATOMIC_RELAXED);
}

void sg_lane_stats(const struct sg_lane *l, uint64_t *enqueued, uint64_t *drops)
{
	*enqueued = __atomic_load_n(&l->enqueued, __ATOMIC_RELAXED);
	*drops = __atomic_load_n(&l->drops, __ATOMIC_RELAXED);
}

static inline int64_t frame_ts(const struct rte_mbuf *m, uint32_t mode, int64_t now)
{
	if (mode == SG_TS_PCAP_USEC && ts_field >= 0 && (m->ol_flags & ts_flag))
		return (int64_t)*RTE_MBUF_DYNFIELD(m, ts_field, const rte_mbuf_timestamp_t *) * 1000;
	return now;
}

/* Adds to a counter the Go side reads with atomic loads. Only this lcore
 * writes it, so no read-modify-write is needed; the release store makes a
 * reader that sees the new count also see the lanes published before it. */
static inline void bump(uint64_t *c, uint64_t n)
{
	__atomic_store_n(c, *c + n, __ATOMIC_RELEASE);
}

/*
 * Copies the burst's records to their workers' lanes, dropping what a full
 * lane cannot take, and publishes each lane once. The records were parsed
 * into recs first and are copied only now, long after the parser's stores:
 * reading a record right after writing its fields one by one would stall
 * on store forwarding.
 */
static void deal(struct sg_lcore *lc, const struct sg_record *recs, const uint8_t *ws,
		 uint32_t k, uint64_t *heads)
{
	uint32_t nb_lanes = lc->nb_lanes;

	/* One worker: the burst goes to its lane as it is. */
	if (nb_lanes == 1) {
		struct sg_lane *l = lc->lanes[0];
		uint64_t room = sg_lane_room(l, heads[0], k);
		uint32_t put = k < room ? k : (uint32_t)room;
		if (put != 0)
			sg_lane_put_n(l, &heads[0], recs, put);
		sg_lane_publish(l, heads[0], k - put);
		return;
	}

	uint64_t room[SG_MAX_WORKERS];
	uint32_t staged[SG_MAX_WORKERS] = {0}, drops[SG_MAX_WORKERS] = {0};
	for (uint32_t w = 0; w < nb_lanes; w++)
		room[w] = sg_lane_room(lc->lanes[w], heads[w], k);
	for (uint32_t j = 0; j < k; j++) {
		uint32_t w = ws[j];
		if (staged[w] == room[w])
			drops[w]++; /* a full lane drops and counts: the lcore never waits */
		else
			lc->stage[w][staged[w]++] = recs[j];
	}
	for (uint32_t w = 0; w < nb_lanes; w++) {
		if (staged[w] != 0)
			sg_lane_put_n(lc->lanes[w], &heads[w], lc->stage[w], staged[w]);
		sg_lane_publish(lc->lanes[w], heads[w], drops[w]);
	}
}

static void rx_queue(struct sg_lcore *lc, const struct sg_rxq *q, uint64_t *heads)
{
	struct rte_mbuf *bufs[SG_BURST];
	struct sg_record recs[SG_BURST];
	uint8_t ws[SG_BURST];
	uint64_t skip[SG_SKIP_MAX] = {0};
	uint32_t nb_lanes = lc->nb_lanes, k = 0;

	uint16_t n = rte_eth_rx_burst(q->port, q->queue, bufs, SG_BURST);
	if (n == 0)
		return;
	int64_t now = q->ts_mode == SG_TS_CLOCK ? clock_now_ns() : 0;

	/* Start loading every frame's headers before parsing the first: the
	 * misses overlap instead of following one another. */
	for (uint16_t i = 0; i < n; i++)
		rte_prefetch0(rte_pktmbuf_mtod(bufs[i], void *));

	for (uint16_t i = 0; i < n; i++) {
		const struct rte_mbuf *m = bufs[i];

		if (!sg_parse_eth(rte_pktmbuf_mtod(m, const uint8_t *), rte_pktmbuf_data_len(m),
				  frame_ts(m, q->ts_mode, now), &recs[k], skip))
			continue;
		ws[k] = (uint8_t)sg_shard(sg_key(&recs[k]), nb_lanes);
		k++;
	}
	rte_pktmbuf_free_bulk(bufs, n);

	deal(lc, recs, ws, k, heads);

	bump(&lc->rx_packets, n);
	bump(&lc->bursts, 1);
	bump(&lc->records, k);
	for (int i = 0; i < SG_SKIP_MAX; i++)
		if (skip[i] != 0)
			bump(&lc->skip[i], skip[i]);
}

int sg_lcore_main(void *arg)
{
	struct sg_lcore *lc = arg;
	uint64_t heads[SG_MAX_WORKERS];

	for (uint32_t w = 0; w < lc->nb_lanes; w++)
		heads[w] = lc->lanes[w]->published;

	while (!__atomic_load_n(lc->stop, __ATOMIC_RELAXED))
		for (uint32_t i = 0; i < lc->nb_rxq; i++)
			rx_queue(lc, &lc->rxq[i], heads);
	return 0;
}

int sg_launch(struct sg_lcore *lc)
{
	return rte_eal_remote_launch(sg_lcore_main, lc, lc->lcore_id);
}

uint32_t sg_parse_frames(const uint8_t *buf, const uint32_t *off, const uint32_t *len,
			 const int64_t *ts, uint32_t n, struct sg_record *out, uint64_t *skip)
{
	uint32_t k = 0;
	for (uint32_t i = 0; i < n; i++)
		k += (uint32_t)sg_parse_eth(buf + off[i], len[i], ts[i], &out[k], skip);
	return k;
}

void sg_shard_records(const struct sg_record *r, uint32_t n, uint32_t workers, uint32_t *out)
{
	for (uint32_t i = 0; i < n; i++)
		out[i] = sg_shard(sg_key(&r[i]), workers);
}

uint64_t sg_lane_fill(struct sg_lane *l, uint64_t n, uint32_t tag, int wait)
{
	struct sg_record rec;
	uint64_t head = l->published, drops = 0;

	memset(&rec, 0, sizeof(rec));
	rec.opt_kinds = tag;
	for (uint64_t i = 0; i < n;) {
		uint64_t k = n - i < SG_BURST ? n - i : SG_BURST;
		uint64_t room = sg_lane_room(l, head, k), burst_drops = 0;
		while (wait && room < k) {
			rte_pause();
			room = sg_lane_room(l, head, k);
		}
		struct sg_record stage[SG_BURST];
		uint32_t m = 0;
		for (uint64_t j = 0; j < k; j++, i++) {
			if (m == room) {
				burst_drops++;
				continue;
			}
			rec.ts_ns = (int64_t)i;
			rec.seq = (uint32_t)i;
			rec.src_ip = (uint32_t)(i * 2654435761u);
			rec.dst_ip = ~rec.src_ip;
			stage[m++] = rec;
		}
		sg_lane_put_n(l, &head, stage, m);
		sg_lane_publish(l, head, burst_drops);
		drops += burst_drops;
	}
	return drops;
}

void sg_record_offsets(uint32_t *out)
{
	static const uint32_t off[] = {
		offsetof(struct sg_record, ts_ns),     offsetof(struct sg_record, src_ip),
		offsetof(struct sg_record, dst_ip),    offsetof(struct sg_record, src_port),
		offsetof(struct sg_record, dst_port),  offsetof(struct sg_record, seq),
		offsetof(struct sg_record, opt_kinds), offsetof(struct sg_record, ipid),
		offsetof(struct sg_record, window),    offsetof(struct sg_record, mss),
		offsetof(struct sg_record, ttl),       offsetof(struct sg_record, flags),
		offsetof(struct sg_record, wscale),    offsetof(struct sg_record, proto),
		offsetof(struct sg_record, meta),      offsetof(struct sg_record, family),
		sizeof(struct sg_record),
	};
	memcpy(out, off, sizeof(off));
}
