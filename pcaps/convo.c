// SPDX-License-Identifier: MIT
/*
 * cbpf-pcapgen: conversations as hosts hold them (TCP with sequence numbers and options, ping,
 * ARP, DNS, ICMP errors), and the link layer each capture puts around them.
 */
#include <string.h>

#include "gen.h"

const uint8_t mac_gw[6] = { 0x00, 0x00, 0x5e, 0x00, 0x01, 0x01 }; /* 10.0.0.254, the router */
const uint8_t mac_bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
const uint8_t mac_zero[6];

static uint8_t sll_pkttype(const struct out *o, const uint8_t dst[6], const uint8_t src[6])
{
	if (o->me && !memcmp(src, o->me, 6))
		return 4; /* PACKET_OUTGOING */
	if (!memcmp(dst, mac_bcast, 6))
		return 1; /* PACKET_BROADCAST */
	if (dst[0] & 1)
		return 2; /* PACKET_MULTICAST */
	return 0;	  /* PACKET_HOST */
}

/* Adds the link layer (and any VLAN tags and MPLS labels) and writes the frame. */
void send_frame(struct out *o, struct pkt *p, const uint8_t dst[6], const uint8_t src[6])
{
	/* the BSDs disagree on AF_INET6: NetBSD and OpenBSD 24, FreeBSD 28, macOS 30 */
	static const uint32_t af_inet6[3] = { 24, 28, 30 };
	uint16_t type = p->info.l3;

	switch (o->c->linktype) {
	case LT_EN10MB:
		for (int i = o->nmpls; i-- > 0;)
			push_mpls(p, o->label[i], i == o->nmpls - 1, 64);
		if (o->nmpls)
			type = ETH_MPLS;
		for (int i = o->nvlan; i-- > 0;) {
			push_vlan(p, o->tci[i], type);
			type = o->tpid[i];
		}
		push_eth(p, dst, src, type);
		if (o->pad)
			pkt_pad(p, 60);
		break;
	case LT_LINUX_SLL:
		push_sll(p, sll_pkttype(o, dst, src), src, type);
		break;
	case LT_LINUX_SLL2:
		push_sll2(p, type, o->ifindex, sll_pkttype(o, dst, src), src);
		break;
	case LT_NULL:
		push_null(p, type == ETH_IP ? 2 : af_inet6[o->c->count % 3]);
		break;
	default: /* LT_RAW: the IP header comes first */
		break;
	}
	cap_add(o->c, p);
}

/* The IP header as a Linux host writes it: IPv4 with DF, TTL 64 and counting IDs. */
void ip_out(struct out *o, struct pkt *p, const struct ipsd *ip, uint8_t proto)
{
	struct ip4_args a = { .ttl = 64, .id = o->ipid, .frag = 0x4000 };

	o->ipid += 7;
	if (ip->v == 4)
		push_ip4(p, ip, proto, &a);
	else
		push_ip6(p, ip, proto, 64);
}

struct ipsd rev(const struct ipsd *ip)
{
	struct ipsd r = *ip;

	memcpy(r.src, ip->dst, sizeof(r.src));
	memcpy(r.dst, ip->src, sizeof(r.dst));
	return r;
}

void udp_out(struct out *o, const struct ipsd *ip, uint16_t sport, uint16_t dport, const void *data,
	     size_t len, const uint8_t dst[6], const uint8_t src[6])
{
	struct pkt p;

	pkt_init(&p);
	pkt_put_bytes(&p, data, len);
	push_udp(&p, ip, sport, dport);
	ip_out(o, &p, ip, P_UDP);
	send_frame(o, &p, dst, src);
}

/* An echo request or reply with a payload like Linux ping's: a timestamp, then 0x10, 0x11... */
void build_echo(struct pkt *p, const struct ipsd *ip, bool reply, uint16_t id, uint16_t seq,
		size_t len)
{
	uint8_t *d;

	pkt_init(p);
	d = pkt_put(p, len);
	for (size_t i = 0; i < len; i++)
		d[i] = (uint8_t)(i < 8 ? (i == 4 ? seq : 0x65 + i) : 0x10 + (i - 8));
	if (ip->v == 4)
		push_icmp(p, reply ? 0 : 8, 0, (uint32_t)id << 16 | seq);
	else
		push_icmp6(p, ip, reply ? 129 : 128, 0, (uint32_t)id << 16 | seq);
}

void ping(struct out *o, const struct ipsd *ip, bool reply, uint16_t id, uint16_t seq, size_t len,
	  const uint8_t dst[6], const uint8_t src[6])
{
	struct pkt p;

	build_echo(&p, ip, reply, id, seq, len);
	ip_out(o, &p, ip, ip->v == 4 ? P_ICMP : P_ICMP6);
	send_frame(o, &p, dst, src);
}

/* A request and its reply between two hosts. */
void ping_pair(struct out *o, const struct ipsd *ip, uint16_t id, uint16_t seq,
	       const uint8_t dst[6], const uint8_t src[6])
{
	struct ipsd r = rev(ip);

	ping(o, ip, false, id, seq, 56, dst, src);
	cap_wait(o->c, 300 + seq * 41u);
	ping(o, &r, true, id, seq, 56, src, dst);
}

void arp_out(struct out *o, uint16_t op, const uint8_t sha[6], const char *spa,
	     const uint8_t tha[6], const char *tpa, const uint8_t dst[6])
{
	struct pkt p;

	pkt_init(&p);
	put_arp(&p, op, sha, spa, tha, tpa);
	send_frame(o, &p, dst, sha);
}

const uint8_t no_opt[1];

void flow_init(struct flow *f, const struct ipsd *up, uint16_t cport, uint16_t sport,
	       const uint8_t *cmac, const uint8_t *smac, uint32_t isn)
{
	memset(f, 0, sizeof(*f));
	f->up = *up;
	f->down = rev(up);
	f->cmac = cmac;
	f->smac = smac;
	f->cport = cport;
	f->sport = sport;
	f->cseq = isn;
	f->sseq = isn * 2654435761u + 12345;
}

/* Linux's SYN options: MSS, SACK permitted, timestamps, NOP, window scale 7. */
size_t syn_opts(uint8_t o[20], uint16_t mss, uint32_t tsval, uint32_t tsecr)
{
	static const uint8_t tmpl[20] = {
		2, 4,  0, 0,		       /* MSS */
		4, 2,			       /* SACK permitted */
		8, 10, 0, 0, 0, 0, 0, 0, 0, 0, /* timestamps */
		1, 3,  3, 7,		       /* NOP, window scale 7 */
	};

	memcpy(o, tmpl, sizeof(tmpl));
	put16(o + 2, mss);
	put32(o + 8, tsval);
	put32(o + 12, tsecr);
	return sizeof(tmpl);
}

size_t ts_opt(uint8_t o[12], uint32_t tsval, uint32_t tsecr)
{
	o[0] = o[1] = 1;
	o[2] = 8;
	o[3] = 10;
	put32(o + 4, tsval);
	put32(o + 8, tsecr);
	return 12;
}

/*
 * One segment from the client or the server (srv), with the timestamps option when the flow
 * has it, unless opt is given (no_opt: none). Sequence numbers advance as TCP's do.
 */
void seg_opt(struct out *o, struct flow *f, bool srv, uint8_t flags, const void *data, size_t len,
	     const uint8_t *opt, size_t optlen, uint16_t urp)
{
	struct pkt p;
	uint8_t tso[12];
	uint32_t *seq = srv ? &f->sseq : &f->cseq;
	const struct ipsd *ip = srv ? &f->down : &f->up;
	struct tcp_args t = {
		.sport = srv ? f->sport : f->cport,
		.dport = srv ? f->cport : f->sport,
		.seq = *seq,
		.ack = flags & TH_ACK ? (srv ? f->cseq : f->sseq) : 0,
		.flags = flags,
		.win = flags & TH_SYN ? (srv ? 65160 : 64240) : (srv ? 509 : 502),
		.urp = urp,
	};

	if (!opt && f->cts) {
		optlen = ts_opt(tso, srv ? f->sts : f->cts, srv ? f->cts - 13 : f->sts - 7);
		opt = tso;
	}
	t.opt = opt;
	t.optlen = opt ? optlen : 0;
	pkt_init(&p);
	if (len)
		pkt_put_bytes(&p, data, len);
	push_tcp(&p, ip, &t);
	ip_out(o, &p, ip, P_TCP);
	*seq += (uint32_t)len + !!(flags & TH_SYN) + !!(flags & TH_FIN);
	if (srv)
		f->sts += 7;
	else
		f->cts += 13;
	send_frame(o, &p, srv ? f->cmac : f->smac, srv ? f->smac : f->cmac);
}

void seg(struct out *o, struct flow *f, bool srv, uint8_t flags, const void *data, size_t len)
{
	seg_opt(o, f, srv, flags, data, len, NULL, 0, 0);
}

/* SYN, SYN-ACK, ACK with the options Linux sends (timestamps from then on). */
void handshake(struct out *o, struct flow *f, uint32_t ts)
{
	uint8_t opt[20];

	f->cts = ts;
	f->sts = ts * 3 + 1000;
	seg_opt(o, f, false, TH_SYN, NULL, 0, opt, syn_opts(opt, 1460, f->cts, 0), 0);
	f->cts += 13;
	cap_wait(o->c, 2000);
	seg_opt(o, f, true, TH_SYN | TH_ACK, NULL, 0, opt, syn_opts(opt, 1460, f->sts, f->cts - 13),
		0);
	f->sts += 7;
	seg(o, f, false, TH_ACK, NULL, 0);
}

/* FIN from the client, FIN from the server, last ACK. */
void teardown(struct out *o, struct flow *f)
{
	seg(o, f, false, TH_FIN | TH_ACK, NULL, 0);
	seg(o, f, true, TH_FIN | TH_ACK, NULL, 0);
	seg(o, f, false, TH_ACK, NULL, 0);
}

/* An ICMP error from src to the sender of inner, quoting quote bytes of it. */
void icmp_error(struct out *o, const char *from, const struct pkt *inner, size_t quote,
		uint8_t type, uint8_t code, uint32_t rest, const uint8_t *dst, const uint8_t *src)
{
	struct pkt p;
	struct ipsd ip;
	char to[16];
	const uint8_t *a = inner->info.src;

	snprintf(to, sizeof(to), "%u.%u.%u.%u", a[0], a[1], a[2], a[3]);
	ip4(&ip, from, to);
	pkt_init(&p);
	pkt_put_bytes(&p, inner->buf + inner->head, quote);
	push_icmp(&p, type, code, rest);
	push_ip4(&p, &ip, P_ICMP, &(struct ip4_args){ .tos = 0xc0, .ttl = 64, .id = o->ipid++ });
	send_frame(o, &p, dst, src);
}

void dns_pair(struct out *o, const struct ipsd *ip, uint16_t cport, const struct dns *q,
	      const struct dns *a, const uint8_t *cmac, const uint8_t *smac)
{
	struct ipsd r = rev(ip);

	udp_out(o, ip, cport, 53, q->b, q->len, smac, cmac);
	cap_wait(o->c, 12000);
	udp_out(o, &r, 53, cport, a->b, a->len, cmac, smac);
}
