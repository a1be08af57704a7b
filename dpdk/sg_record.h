/*
 * The Record as C sees it, and the frame parser of the lcore loops.
 *
 * struct sg_record mirrors record.Record byte for byte (40 bytes, same
 * field order); a Go test compares the offsets of both. The parser reads an
 * Ethernet frame and fills one record the way record.Parser does for
 * LinkEthernet, so a source's Records are the same whichever path they took.
 */
#ifndef SG_RECORD_H
#define SG_RECORD_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct sg_record {
	int64_t ts_ns;
	uint32_t src_ip;
	uint32_t dst_ip;
	uint16_t src_port;
	uint16_t dst_port;
	uint32_t seq;
	uint32_t opt_kinds;
	uint16_t ipid;
	uint16_t window;
	uint16_t mss;
	uint8_t ttl;
	uint8_t flags;
	uint8_t wscale;
	uint8_t proto;
	uint8_t meta;
	uint8_t family;
};

_Static_assert(sizeof(struct sg_record) == 40, "sg_record must match record.Record");
_Static_assert(offsetof(struct sg_record, opt_kinds) == 24, "sg_record layout");
_Static_assert(offsetof(struct sg_record, family) == 39, "sg_record layout");

/* record.Meta* bits. */
enum {
	SG_META_DF = 1 << 0,
	SG_META_IPOPTS = 1 << 1,
	SG_META_PAYLOAD = 1 << 2,
	SG_META_OPT_OVERFLOW = 1 << 3,
	SG_META_BAD_OPTS = 1 << 4,
	SG_META_HAS_MSS = 1 << 5,
	SG_META_HAS_WSCALE = 1 << 6,
	SG_META_HAS_TS = 1 << 7,
};

/* Reasons a frame gives no record, as record.Counters names them; the
 * order matches dpdk.Skips. */
enum sg_skip {
	SG_SKIP_IPV6,
	SG_SKIP_ARP,
	SG_SKIP_OTHER_L3,
	SG_SKIP_OTHER_L4,
	SG_SKIP_FRAGMENT,
	SG_SKIP_TRUNCATED,
	SG_SKIP_MALFORMED,
	SG_SKIP_MAX,
};

#define SG_TCP_FIN 0x01
#define SG_TCP_SYN 0x02
#define SG_TCP_RST 0x04
#define SG_TCP_ACK 0x10

static inline uint16_t sg_be16(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }

static inline uint32_t sg_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/*
 * Code and Meta bits of an option that has a length byte; v points at its
 * data (after kind and length), n bytes. A known kind whose length is not
 * the one it requires keeps its code, gives no value and marks the list bad.
 */
static inline uint32_t sg_opt_value(uint8_t kind, const uint8_t *v, uint32_t n,
				    struct sg_record *r, uint8_t *meta)
{
	switch (kind) {
	case 2:
		if (n != 2) {
			*meta |= SG_META_BAD_OPTS;
		} else {
			r->mss = sg_be16(v);
			*meta |= SG_META_HAS_MSS;
		}
		return 0x2;
	case 3:
		if (n != 1) {
			*meta |= SG_META_BAD_OPTS;
		} else {
			r->wscale = v[0];
			*meta |= SG_META_HAS_WSCALE;
		}
		return 0x3;
	case 4:
		if (n != 0)
			*meta |= SG_META_BAD_OPTS;
		return 0x4;
	case 5: /* one to four edge pairs of 8 bytes (RFC 2018) */
		if (n < 8 || n > 32 || n % 8 != 0)
			*meta |= SG_META_BAD_OPTS;
		return 0x5;
	case 8:
		if (n != 8)
			*meta |= SG_META_BAD_OPTS;
		else
			*meta |= SG_META_HAS_TS;
		return 0x8;
	}
	return 0xf;
}

/*
 * Walks the TCP option list o[0:n] into r->opt_kinds, first option in the
 * lowest nibble. It stops at end-of-list, or at an option whose length is
 * below 2 or runs past the list, which marks the list bad and gets no code.
 */
static inline uint8_t sg_parse_tcp_opts(const uint8_t *o, uint32_t n, struct sg_record *r)
{
	uint8_t meta = 0;
	uint32_t kinds = 0, count = 0;

	for (uint32_t i = 0; i < n;) {
		uint8_t kind = o[i];
		uint32_t size = 1, code;

		if (kind == 0) {
			code = 0xe;
		} else if (kind == 1) {
			code = 0x1;
		} else {
			if (i + 1 >= n || o[i + 1] < 2 || o[i + 1] > n - i) {
				meta |= SG_META_BAD_OPTS;
				break;
			}
			size = o[i + 1];
			code = sg_opt_value(kind, o + i + 2, size - 2, r, &meta);
		}

		if (count < 8)
			kinds |= code << (4 * count);
		else
			meta |= SG_META_OPT_OVERFLOW;
		count++;

		if (kind == 0)
			break; /* end of option list (RFC 9293 3.1) */
		i += size;
	}
	r->opt_kinds = kinds;
	return meta;
}

/* A transport header that is missing: malformed when the IP length leaves
 * no room for it, truncated when only the capture cut it. */
static inline int sg_short(uint32_t wire, uint32_t need, uint64_t *skip)
{
	skip[wire < need ? SG_SKIP_MALFORMED : SG_SKIP_TRUNCATED]++;
	return 0;
}

/*
 * Fills r from an IPv4 packet of which len bytes were captured. Returns 1,
 * or 0 after counting the reason in skip.
 */
static inline int sg_parse_ipv4(const uint8_t *ip, uint32_t len, int64_t ts_ns,
				struct sg_record *r, uint64_t *skip)
{
	if (len < 20) {
		skip[SG_SKIP_TRUNCATED]++;
		return 0;
	}
	uint32_t ihl = (uint32_t)(ip[0] & 0xf) * 4;
	uint32_t total = sg_be16(ip + 2);
	if (total == 0)
		total = len; /* a TSO super-packet seen by its sender */
	if (ip[0] >> 4 != 4 || ihl < 20 || total < ihl) {
		skip[SG_SKIP_MALFORMED]++;
		return 0;
	}
	if (ihl > len) {
		skip[SG_SKIP_TRUNCATED]++;
		return 0;
	}
	/* Fragments past the first carry no transport header. */
	uint16_t frag = sg_be16(ip + 6);
	if (frag & 0x1fff) {
		skip[SG_SKIP_FRAGMENT]++;
		return 0;
	}
	uint8_t proto = ip[9];
	if (proto != 6 && proto != 17 && proto != 1) {
		skip[SG_SKIP_OTHER_L4]++;
		return 0;
	}

	/* cap: captured transport bytes, without Ethernet padding past the IP
	 * total length; wire: the segment's length per the IP header. */
	uint32_t wire = total - ihl;
	uint32_t cap = len - ihl < wire ? len - ihl : wire;
	const uint8_t *l4 = ip + ihl;
	uint8_t meta = 0;

	memset(r, 0, sizeof(*r));
	r->ts_ns = ts_ns;
	r->src_ip = sg_be32(ip + 12);
	r->dst_ip = sg_be32(ip + 16);
	r->ipid = sg_be16(ip + 4);
	r->ttl = ip[8];
	r->proto = proto;
	r->family = 4;
	if (frag & 0x4000)
		meta |= SG_META_DF;
	if (ihl > 20)
		meta |= SG_META_IPOPTS;

	switch (proto) {
	case 6: {
		if (cap < 20)
			return sg_short(wire, 20, skip);
		uint32_t doff = (uint32_t)(l4[12] >> 4) * 4;
		if (doff < 20 || doff > wire) {
			skip[SG_SKIP_MALFORMED]++;
			return 0;
		}
		r->src_port = sg_be16(l4);
		r->dst_port = sg_be16(l4 + 2);
		r->seq = sg_be32(l4 + 4);
		r->flags = l4[13];
		r->window = sg_be16(l4 + 14);
		if (wire > doff)
			meta |= SG_META_PAYLOAD;
		/* Options cut by the snap length are read as far as they go and
		 * flagged like a malformed list. */
		uint32_t end = doff;
		if (doff > cap) {
			end = cap;
			meta |= SG_META_BAD_OPTS;
		}
		if (end > 20)
			meta |= sg_parse_tcp_opts(l4 + 20, end - 20, r);
		break;
	}
	case 17:
		if (cap < 8)
			return sg_short(wire, 8, skip);
		r->src_port = sg_be16(l4);
		r->dst_port = sg_be16(l4 + 2);
		if (wire > 8)
			meta |= SG_META_PAYLOAD;
		break;
	default: { /* ICMP */
		if (cap < 8)
			return sg_short(wire, 8, skip);
		uint8_t type = l4[0];
		r->dst_port = (uint16_t)(type << 8 | l4[1]);
		/* Echo, timestamp, information and address-mask messages carry
		 * an identifier (RFC 792, RFC 950). */
		if (type == 0 || type == 8 || (type >= 13 && type <= 18))
			r->src_port = sg_be16(l4 + 4);
		if (wire > 8)
			meta |= SG_META_PAYLOAD;
		break;
	}
	}
	r->meta = meta;
	return 1;
}

/* Fills r from an Ethernet frame, peeling any number of VLAN tags. */
static inline int sg_parse_eth(const uint8_t *p, uint32_t len, int64_t ts_ns,
			       struct sg_record *r, uint64_t *skip)
{
	if (len < 14) {
		skip[SG_SKIP_TRUNCATED]++;
		return 0;
	}
	uint16_t type = sg_be16(p + 12);
	uint32_t off = 14;
	while (type == 0x8100 || type == 0x88a8 || type == 0x9100) {
		if (len - off < 4) {
			skip[SG_SKIP_TRUNCATED]++;
			return 0;
		}
		type = sg_be16(p + off + 2);
		off += 4;
	}
	switch (type) {
	case 0x0800:
		return sg_parse_ipv4(p + off, len - off, ts_ns, r, skip);
	case 0x86dd:
		skip[SG_SKIP_IPV6]++;
		break;
	case 0x0806:
		skip[SG_SKIP_ARP]++;
		break;
	default:
		skip[SG_SKIP_OTHER_L3]++;
	}
	return 0;
}

/* record.Record.Key: the prober's address, the destination of a reply
 * (record.Record.IsReply). */
static inline uint32_t sg_key(const struct sg_record *r)
{
	int reply = 0;
	if (r->proto == 6)
		reply = (r->flags & (SG_TCP_RST | SG_TCP_ACK)) == (SG_TCP_RST | SG_TCP_ACK) ||
			(r->flags & (SG_TCP_SYN | SG_TCP_ACK)) == (SG_TCP_SYN | SG_TCP_ACK);
	else if (r->proto == 17)
		reply = r->src_port < 1024 && r->dst_port >= 1024; /* DNS, NTP answers */
	else if (r->proto == 1)
		reply = (r->dst_port >> 8) == 0 || (r->dst_port >> 8) == 3 ||
			(r->dst_port >> 8) == 11;
	return reply ? r->dst_ip : r->src_ip;
}

/* detector.Shard: worker in [0, n) for a key. */
static inline uint32_t sg_shard(uint32_t key, uint32_t n)
{
	return (uint32_t)(((uint64_t)(uint32_t)(key * 0x9E3779B1u) * n) >> 32);
}

#endif
