// SPDX-License-Identifier: MIT
/* cbpf-pcapgen: frames built from the inside out, with correct lengths and checksums. */
#include <arpa/inet.h>
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gen.h"

void pkt_init(struct pkt *p)
{
	memset(&p->info, 0, sizeof(p->info));
	p->head = p->tail = PKT_HEADROOM;
}

size_t pkt_len(const struct pkt *p)
{
	return p->tail - p->head;
}

uint8_t *pkt_push(struct pkt *p, size_t n)
{
	assert(n <= p->head);
	p->head -= n;
	return p->buf + p->head;
}

uint8_t *pkt_put(struct pkt *p, size_t n)
{
	uint8_t *at = p->buf + p->tail;

	assert(n <= PKT_SIZE - p->tail);
	p->tail += n;
	return at;
}

void pkt_put_bytes(struct pkt *p, const void *data, size_t n)
{
	memcpy(pkt_put(p, n), data, n);
}

void pkt_put_str(struct pkt *p, const char *s)
{
	pkt_put_bytes(p, s, strlen(s));
}

/* Filler that looks like data (no long runs) and depends only on seed. */
void pkt_put_fill(struct pkt *p, size_t n, uint32_t seed)
{
	uint8_t *d = pkt_put(p, n);
	uint32_t x = seed * 2654435761u + 1;

	for (size_t i = 0; i < n; i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		d[i] = (uint8_t)x;
	}
}

/* Ethernet frames shorter than 60 bytes (without FCS) are padded with zeros on the wire. */
void pkt_pad(struct pkt *p, size_t min)
{
	size_t len = pkt_len(p);

	if (len < min)
		memset(pkt_put(p, min - len), 0, min - len);
}

void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

void put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)(v >> 16));
	put16(p + 2, (uint16_t)v);
}

/* The Internet checksum (RFC 1071): a ones' complement sum of big-endian 16-bit words. */
uint32_t csum_add(uint32_t sum, const uint8_t *data, size_t len)
{
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)data[i] << 8 | data[i + 1];
	if (i < len)
		sum += (uint32_t)data[i] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return sum;
}

uint16_t csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static void parse_addr(int af, const char *s, uint8_t *out)
{
	if (inet_pton(af, s, out) != 1) {
		fprintf(stderr, PROG ": internal error: bad address '%s'\n", s);
		abort();
	}
}

void ip4(struct ipsd *ip, const char *src, const char *dst)
{
	memset(ip, 0, sizeof(*ip));
	ip->v = 4;
	parse_addr(AF_INET, src, ip->src);
	parse_addr(AF_INET, dst, ip->dst);
}

void ip6(struct ipsd *ip, const char *src, const char *dst)
{
	memset(ip, 0, sizeof(*ip));
	ip->v = 6;
	parse_addr(AF_INET6, src, ip->src);
	parse_addr(AF_INET6, dst, ip->dst);
}

void mac(uint8_t out[6], const char *s)
{
	unsigned v[6];

	if (sscanf(s, "%x:%x:%x:%x:%x:%x", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5]) != 6) {
		fprintf(stderr, PROG ": internal error: bad MAC address '%s'\n", s);
		abort();
	}
	for (int i = 0; i < 6; i++)
		out[i] = (uint8_t)v[i];
}

/* The pseudo-header of RFC 768/793 (IPv4) and RFC 8200 section 8.1 (IPv6). */
static uint32_t pseudo_sum(const struct ipsd *ip, uint8_t proto, size_t len)
{
	uint8_t w[8];
	uint32_t sum;
	size_t alen = ip->v == 4 ? 4 : 16;

	sum = csum_add(0, ip->src, alen);
	sum = csum_add(sum, ip->dst, alen);
	put32(w, (uint32_t)len);
	put32(w + 4, proto);
	return csum_add(sum, w, sizeof(w));
}

/* Checksum of everything from the header just pushed to the tail, stored at offset at. */
static void l4_csum(struct pkt *p, const struct ipsd *ip, uint8_t proto, size_t at)
{
	uint8_t *h = p->buf + p->head;
	size_t len = pkt_len(p);
	uint32_t sum = ip ? pseudo_sum(ip, proto, len) : 0;
	uint16_t c;

	put16(h + at, 0);
	c = csum_fold(csum_add(sum, h, len));
	if (proto == P_UDP && c == 0)
		c = 0xffff; /* RFC 768: zero means no checksum */
	put16(h + at, c);
}

static void note_l4(struct pkt *p, uint8_t proto)
{
	p->info.proto = proto;
	p->info.l4 = true;
	p->info.l4pos = p->head;
}

void push_tcp(struct pkt *p, const struct ipsd *ip, const struct tcp_args *t)
{
	size_t hl = 20 + t->optlen;
	uint8_t *h;

	assert(t->optlen % 4 == 0 && hl <= 60);
	h = pkt_push(p, hl);
	put16(h, t->sport);
	put16(h + 2, t->dport);
	put32(h + 4, t->seq);
	put32(h + 8, t->ack);
	h[12] = (uint8_t)(hl / 4 << 4);
	h[13] = t->flags;
	put16(h + 14, t->win);
	put16(h + 18, t->urp);
	if (t->optlen)
		memcpy(h + 20, t->opt, t->optlen);
	l4_csum(p, ip, P_TCP, 16);
	note_l4(p, P_TCP);
	p->info.tcp_flags = t->flags;
	p->info.sport = t->sport;
	p->info.dport = t->dport;
}

void push_udp(struct pkt *p, const struct ipsd *ip, uint16_t sport, uint16_t dport)
{
	uint8_t *h = pkt_push(p, 8);

	put16(h, sport);
	put16(h + 2, dport);
	put16(h + 4, (uint16_t)pkt_len(p));
	l4_csum(p, ip, P_UDP, 6);
	note_l4(p, P_UDP);
	p->info.sport = sport;
	p->info.dport = dport;
}

/* rest is the second word: identifier and sequence number, or unused, or a next-hop MTU. */
void push_icmp(struct pkt *p, uint8_t type, uint8_t code, uint32_t rest)
{
	uint8_t *h = pkt_push(p, 8);

	h[0] = type;
	h[1] = code;
	put32(h + 4, rest);
	l4_csum(p, NULL, P_ICMP, 2);
	note_l4(p, P_ICMP);
	p->info.icmp_type = type;
}

void push_icmp6(struct pkt *p, const struct ipsd *ip, uint8_t type, uint8_t code, uint32_t rest)
{
	uint8_t *h = pkt_push(p, 8);

	h[0] = type;
	h[1] = code;
	put32(h + 4, rest);
	l4_csum(p, ip, P_ICMP6, 2);
	note_l4(p, P_ICMP6);
	p->info.icmp_type = type;
}

static void note_l3(struct pkt *p, uint16_t l3, const struct ipsd *ip)
{
	size_t alen = ip->v == 4 ? 4 : 16;

	p->info.l3 = l3;
	p->info.l3pos = p->head;
	memcpy(p->info.src, ip->src, alen);
	memcpy(p->info.dst, ip->dst, alen);
}

static void ip4_header(uint8_t *h, size_t hl, size_t total, uint16_t frag)
{
	h[0] = (uint8_t)(0x40 | hl / 4);
	put16(h + 2, (uint16_t)total);
	put16(h + 6, frag);
	put16(h + 10, 0);
	put16(h + 10, csum_fold(csum_add(0, h, hl)));
}

void push_ip4(struct pkt *p, const struct ipsd *ip, uint8_t proto, const struct ip4_args *a)
{
	static const struct ip4_args def = { .ttl = 64, .frag = 0x4000 };
	size_t hl;
	uint8_t *h;

	if (!a)
		a = &def;
	hl = 20 + a->optlen;
	assert(ip->v == 4 && a->optlen % 4 == 0 && hl <= 60);
	h = pkt_push(p, hl);
	h[1] = a->tos;
	put16(h + 4, a->id);
	h[8] = a->ttl ? a->ttl : 64;
	h[9] = proto;
	memcpy(h + 12, ip->src, 4);
	memcpy(h + 16, ip->dst, 4);
	if (a->optlen)
		memcpy(h + 20, a->opt, a->optlen);
	ip4_header(h, hl, pkt_len(p), a->frag);
	note_l3(p, ETH_IP, ip);
	p->info.ip_hl = (uint8_t)hl;
	p->info.ip_frag = a->frag;
}

void push_ip6(struct pkt *p, const struct ipsd *ip, uint8_t nh, uint8_t hlim)
{
	uint8_t *h;
	size_t plen = pkt_len(p);

	assert(ip->v == 6);
	h = pkt_push(p, 40);
	put32(h, 0x60000000);
	put16(h + 4, (uint16_t)plen);
	h[6] = nh;
	h[7] = hlim;
	memcpy(h + 8, ip->src, 16);
	memcpy(h + 24, ip->dst, 16);
	note_l3(p, ETH_IP6, ip);
	p->info.ip6_nh = nh;
}

/* A hop-by-hop or destination options header (RFC 8200 4.3, 4.6); 2 + len is a multiple of 8. */
void push_ip6_opts(struct pkt *p, uint8_t nh, const uint8_t *opt, size_t len)
{
	uint8_t *h;

	assert((2 + len) % 8 == 0);
	h = pkt_push(p, 2 + len);
	h[0] = nh;
	h[1] = (uint8_t)((2 + len) / 8 - 1);
	memcpy(h + 2, opt, len);
	/* Pushed from the inside out: the last one pushed is the first after the fixed header. */
	p->info.ip6_nh2 = nh;
}

/* The usual IP header for ip's version: IPv4 with DF and TTL 64, or IPv6 hop limit 64. */
void push_ip(struct pkt *p, const struct ipsd *ip, uint8_t proto)
{
	if (ip->v == 4)
		push_ip4(p, ip, proto, NULL);
	else
		push_ip6(p, ip, proto, 64);
}

void put_arp(struct pkt *p, uint16_t op, const uint8_t sha[6], const char *spa,
	     const uint8_t tha[6], const char *tpa)
{
	uint8_t *h = pkt_put(p, 28);

	put16(h, 1); /* Ethernet */
	put16(h + 2, ETH_IP);
	h[4] = 6;
	h[5] = 4;
	put16(h + 6, op);
	memcpy(h + 8, sha, 6);
	parse_addr(AF_INET, spa, h + 14);
	memcpy(h + 18, tha, 6);
	parse_addr(AF_INET, tpa, h + 24);
	p->info.l3 = ETH_ARP;
	p->info.l3pos = p->head;
	p->info.arp_op = op;
	memcpy(p->info.src, h + 14, 4);
	memcpy(p->info.dst, h + 24, 4);
}

/* The tag's TCI and the type that follows it; the TPID is the type of the header pushed next. */
void push_vlan(struct pkt *p, uint16_t tci, uint16_t type)
{
	uint8_t *h = pkt_push(p, 4);

	put16(h, tci);
	put16(h + 2, type);
	p->info.vid[1] = p->info.vid[0];
	p->info.vid[0] = tci & 0xfff;
	p->info.nvlan++;
}

void push_mpls(struct pkt *p, uint32_t label, bool bottom, uint8_t ttl)
{
	put32(pkt_push(p, 4), label << 12 | (uint32_t)bottom << 8 | ttl);
	p->info.nmpls++;
}

void push_eth(struct pkt *p, const uint8_t dst[6], const uint8_t src[6], uint16_t type)
{
	uint8_t *h = pkt_push(p, 14);
	static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

	memcpy(h, dst, 6);
	memcpy(h + 6, src, 6);
	put16(h + 12, type);
	p->info.eth_dst0 = dst[0];
	p->info.eth_bcast = !memcmp(dst, bcast, 6);
}

/* Linux cooked capture v1: packet type, ARPHRD_ETHER, address length, address, protocol. */
void push_sll(struct pkt *p, uint16_t pkttype, const uint8_t addr[6], uint16_t proto)
{
	uint8_t *h = pkt_push(p, 16);

	put16(h, pkttype);
	put16(h + 2, 1);
	put16(h + 4, 6);
	memcpy(h + 6, addr, 6);
	put16(h + 12, 0);
	put16(h + 14, proto);
	p->info.sll_pkttype = (uint8_t)pkttype;
}

/* Linux cooked capture v2: protocol, reserved, ifindex, ARPHRD_ETHER, type, address. */
void push_sll2(struct pkt *p, uint16_t proto, uint32_t ifindex, uint8_t pkttype,
	       const uint8_t addr[6])
{
	uint8_t *h = pkt_push(p, 20);

	put16(h, proto);
	put16(h + 2, 0);
	put32(h + 4, ifindex);
	put16(h + 8, 1);
	h[10] = pkttype;
	h[11] = 6;
	memcpy(h + 12, addr, 6);
	put16(h + 18, 0);
	p->info.sll_pkttype = pkttype;
	p->info.sll2_ifindex = ifindex;
}

/* BSD loopback: the address family in the byte order of the file (ours are little-endian). */
void push_null(struct pkt *p, uint32_t af)
{
	le32(pkt_push(p, 4), af);
}

/*
 * Splits an IPv4 datagram (whole holds just the IP packet, without options) into fragments
 * carrying size bytes of payload each (a multiple of 8), the last one the rest. Returns the
 * number of fragments written to out.
 */
int ip4_fragment(const struct pkt *whole, size_t size, struct pkt *out, int max)
{
	const uint8_t *ih = whole->buf + whole->head;
	size_t hl = (size_t)(ih[0] & 0xf) * 4, plen = pkt_len(whole) - hl;
	int n = 0;

	assert(size % 8 == 0 && hl == 20 && whole->info.l3 == ETH_IP);
	for (size_t off = 0; off < plen; off += size, n++) {
		size_t chunk = plen - off < size ? plen - off : size;
		bool more = off + chunk < plen;
		struct pkt *f = &out[n];
		uint16_t frag = (uint16_t)((more ? 0x2000 : 0) | off / 8);
		uint8_t *h;

		assert(n < max);
		pkt_init(f);
		pkt_put_bytes(f, ih + hl + off, chunk);
		h = pkt_push(f, hl);
		memcpy(h, ih, hl);
		ip4_header(h, hl, hl + chunk, frag);
		f->info = whole->info;
		f->info.l3pos = f->head;
		f->info.ip_frag = frag;
		f->info.l4 = off == 0;
		f->info.l4pos = f->head + hl;
	}
	return n;
}

/* The same for IPv6 (RFC 8200 section 4.5): a fragment header after the fixed header. */
int ip6_fragment(const struct pkt *whole, size_t size, uint32_t id, struct pkt *out, int max)
{
	const uint8_t *ih = whole->buf + whole->head;
	size_t plen = pkt_len(whole) - 40;
	int n = 0;

	assert(size % 8 == 0 && whole->info.l3 == ETH_IP6);
	for (size_t off = 0; off < plen; off += size, n++) {
		size_t chunk = plen - off < size ? plen - off : size;
		bool more = off + chunk < plen;
		struct pkt *f = &out[n];
		uint8_t *h;

		assert(n < max);
		pkt_init(f);
		pkt_put_bytes(f, ih + 40 + off, chunk);
		h = pkt_push(f, 8);
		h[0] = ih[6];
		h[1] = 0;
		put16(h + 2, (uint16_t)(off | more));
		put32(h + 4, id);
		h = pkt_push(f, 40);
		memcpy(h, ih, 40);
		put16(h + 4, (uint16_t)(chunk + 8));
		h[6] = P_FRAG;
		f->info = whole->info;
		f->info.l3pos = f->head;
		f->info.ip6_nh = P_FRAG;
		f->info.ip6_nh2 = ih[6];
		f->info.l4 = off == 0;
		f->info.l4pos = f->head + 48;
	}
	return n;
}
