// SPDX-License-Identifier: MIT
/*
 * cbpf-pcapgen --large: a big Ethernet capture with a realistic mix, streamed to the file:
 * interleaved TCP connections over IPv4 and IPv6 (some on VLANs), DNS and other UDP, ARP,
 * ping, neighbour discovery, ICMP errors and IPv4 fragments. The same count gives the same
 * bytes: everything comes from one seeded generator.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gen.h"
#include "splitmix.h"

#define NFLOWS 64

static uint32_t below(struct rng *r, uint32_t n)
{
	return (uint32_t)(((rng_next(r) >> 32) * n) >> 32);
}

struct conn {
	int state; /* 0 idle, 1 SYN sent, 2 SYN-ACK sent, 3 open, 4 FIN sent, 5 both FINs */
	uint32_t left;
	uint16_t vlan;
	uint8_t cmac[6];
	struct flow f;
};

struct large {
	struct rng r;
	struct out o;
	struct conn conns[NFLOWS];
	uint8_t payload[2048]; /* random bytes that data segments are cut from */
};

static void client_mac(uint8_t mac[6], uint32_t host)
{
	memcpy(mac, (const uint8_t[]){ 0x00, 0x16, 0x3e, 0x01 }, 4);
	mac[4] = (uint8_t)(host >> 8);
	mac[5] = (uint8_t)host;
}

/* A client (10.0.0.0/22 or 2001:db8:1::/64) and a server (several public-looking nets). */
static void pick_hosts(struct large *g, struct ipsd *ip, bool v6, uint32_t *host)
{
	static const uint8_t nets4[4][3] = {
		{ 192, 168, 1 }, { 203, 0, 113 }, { 198, 51, 100 }, { 172, 16, 5 }
	};
	uint32_t c = 1 + below(&g->r, 1000), s = 1 + below(&g->r, 250);

	memset(ip, 0, sizeof(*ip));
	*host = c;
	if (!v6) {
		const uint8_t *n = nets4[below(&g->r, 4)];

		ip->v = 4;
		memcpy(ip->src, (const uint8_t[]){ 10, 0, (uint8_t)(c >> 8), (uint8_t)c }, 4);
		memcpy(ip->dst, (const uint8_t[]){ n[0], n[1], n[2], (uint8_t)s }, 4);
	} else {
		ip->v = 6;
		memcpy(ip->src, (const uint8_t[]){ 0x20, 0x01, 0x0d, 0xb8, 0, 1 }, 6);
		ip->src[14] = (uint8_t)(c >> 8);
		ip->src[15] = (uint8_t)c;
		memcpy(ip->dst, (const uint8_t[]){ 0x20, 0x01, 0x0d, 0xb8 }, 4);
		ip->dst[7] = (uint8_t)below(&g->r, 4);
		ip->dst[15] = (uint8_t)s;
	}
}

static void set_vlan(struct large *g, uint16_t vlan)
{
	g->o.nvlan = vlan ? 1 : 0;
	g->o.tpid[0] = ETH_8021Q;
	g->o.tci[0] = vlan;
}

/* The next segment of one of the connections, whichever state it is in. */
static void tcp_step(struct large *g)
{
	static const uint16_t ports[] = { 443, 443, 443, 443, 80, 80, 22, 8080, 993, 25 };
	struct conn *c = &g->conns[below(&g->r, NFLOWS)];
	struct flow *f = &c->f;
	uint8_t opt[20];
	uint32_t host, n;

	set_vlan(g, c->vlan);
	switch (c->state) {
	case 0: {
		struct ipsd ip;
		uint32_t isn = (uint32_t)rng_next(&g->r);

		pick_hosts(g, &ip, below(&g->r, 100) < 25, &host);
		client_mac(c->cmac, host);
		c->vlan = below(&g->r, 100) < 8 ? (uint16_t)(100 * (1 + below(&g->r, 3))) : 0;
		set_vlan(g, c->vlan);
		flow_init(f, &ip, (uint16_t)(32768 + below(&g->r, 28000)),
			  ports[below(&g->r, sizeof(ports) / sizeof(ports[0]))], c->cmac, mac_gw,
			  isn);
		f->cts = (uint32_t)rng_next(&g->r) | 1;
		f->sts = (uint32_t)rng_next(&g->r) | 1;
		seg_opt(&g->o, f, false, TH_SYN, NULL, 0, opt, syn_opts(opt, 1460, f->cts, 0), 0);
		c->state = 1;
		break;
	}
	case 1:
		if (below(&g->r, 100) < 4) { /* refused */
			seg_opt(&g->o, f, true, TH_RST | TH_ACK, NULL, 0, no_opt, 0, 0);
			c->state = 0;
			break;
		}
		seg_opt(&g->o, f, true, TH_SYN | TH_ACK, NULL, 0, opt,
			syn_opts(opt, 1460, f->sts, f->cts - 13), 0);
		c->state = 2;
		break;
	case 2:
		seg(&g->o, f, false, TH_ACK, NULL, 0);
		c->left = 1 + below(&g->r, 40);
		c->state = 3;
		break;
	case 3:
		if (c->left == 0) {
			if (below(&g->r, 100) < 3) {
				seg_opt(&g->o, f, false, TH_RST | TH_ACK, NULL, 0, no_opt, 0, 0);
				c->state = 0;
			} else {
				seg(&g->o, f, false, TH_FIN | TH_ACK, NULL, 0);
				c->state = 4;
			}
			break;
		}
		c->left--;
		if (c->left % 3 == 0) { /* the client acknowledges, or asks for more */
			n = below(&g->r, 4) ? 0 : 20 + below(&g->r, 400);
			seg(&g->o, f, false, n ? TH_PSH | TH_ACK : TH_ACK,
			    g->payload + below(&g->r, 1024), n);
		} else { /* the server sends data: full segments mostly */
			n = below(&g->r, 100) < 55 ? 1448 - (f->up.v == 6 ? 20 : 0)
						   : 1 + below(&g->r, 1400);
			seg(&g->o, f, true, c->left % 3 == 1 ? TH_PSH | TH_ACK : TH_ACK,
			    g->payload + below(&g->r, 2048 - 1448), n);
		}
		break;
	case 4:
		seg(&g->o, f, true, TH_FIN | TH_ACK, NULL, 0);
		c->state = 5;
		break;
	default:
		seg(&g->o, f, false, TH_ACK, NULL, 0);
		c->state = 0;
		break;
	}
	set_vlan(g, 0);
}

static void dns_step(struct large *g)
{
	static const char *const names[] = {
		"www.example.com",  "api.example.net",	"cdn.example.org",
		"mail.example.com", "time.example.net",
	};
	const char *name = names[below(&g->r, 5)];
	bool v6 = below(&g->r, 100) < 20;
	uint16_t id = (uint16_t)rng_next(&g->r), type = v6 && below(&g->r, 2) ? 28 : 1;
	uint32_t host, n = 1 + below(&g->r, 4);
	struct ipsd ip;
	struct dns q, a;
	uint8_t cmac[6], rd[16];
	size_t at;

	pick_hosts(g, &ip, v6, &host);
	client_mac(cmac, host);
	ip.dst[ip.v == 4 ? 3 : 15] = 53;
	dns_begin(&q, id, 0x0100, 1, 0, 0);
	dns_question(&q, name, type);
	dns_begin(&a, id, 0x8180, 1, (uint16_t)n, 0);
	at = dns_question(&a, name, type);
	for (uint32_t i = 0; i < n; i++) {
		for (size_t k = 0; k < sizeof(rd); k++)
			rd[k] = (uint8_t)rng_next(&g->r);
		dns_rr(&a, at, type, 60 + below(&g->r, 3600), rd, type == 1 ? 4 : 16);
	}
	set_vlan(g, below(&g->r, 100) < 5 ? 100 : 0);
	dns_pair(&g->o, &ip, (uint16_t)(1024 + below(&g->r, 60000)), &q, &a, cmac, mac_gw);
	set_vlan(g, 0);
}

static void udp_step(struct large *g)
{
	static const uint16_t ports[] = { 443, 443, 443, 123, 514, 161 };
	uint16_t port = ports[below(&g->r, 6)];
	size_t len = port == 443 ? (below(&g->r, 2) ? 1200 : 40 + below(&g->r, 200)) : 48;
	struct ipsd ip, r;
	uint32_t host;
	uint8_t cmac[6];
	uint16_t cport = (uint16_t)(32768 + below(&g->r, 28000));

	pick_hosts(g, &ip, below(&g->r, 100) < 30, &host);
	client_mac(cmac, host);
	udp_out(&g->o, &ip, cport, port, g->payload + below(&g->r, 512), len, mac_gw, cmac);
	if (port != 514) {
		r = rev(&ip);
		udp_out(&g->o, &r, port, cport, g->payload + below(&g->r, 512), len, cmac, mac_gw);
	}
}

static void arp_step(struct large *g)
{
	uint32_t host = 1 + below(&g->r, 1000);
	uint8_t cmac[6];
	char ip[16];

	client_mac(cmac, host);
	snprintf(ip, sizeof(ip), "10.0.%u.%u", host >> 8, host & 0xff);
	arp_out(&g->o, 1, cmac, ip, mac_zero, "10.0.0.254", mac_bcast);
	g->o.pad = true;
	arp_out(&g->o, 2, mac_gw, "10.0.0.254", cmac, ip, cmac);
	g->o.pad = false;
}

static void icmp_step(struct large *g)
{
	struct ipsd ip;
	uint32_t host, kind = below(&g->r, 10);
	uint8_t cmac[6];

	pick_hosts(g, &ip, kind >= 6, &host);
	client_mac(cmac, host);
	if (kind < 8) {
		ping_pair(&g->o, &ip, (uint16_t)rng_next(&g->r), (uint16_t)(1 + below(&g->r, 100)),
			  mac_gw, cmac);
	} else if (kind == 8) { /* who has the router (v6) */
		struct pkt p;
		struct ipsd ns = ip;
		uint8_t *b;

		memset(ns.dst, 0, 16);
		memcpy(ns.dst, (const uint8_t[]){ 0xff, 0x02, [11] = 1, 0xff, 0, 0, 1 }, 16);
		pkt_init(&p);
		b = pkt_put(&p, 24);
		memset(b, 0, 24);
		memcpy(b, (const uint8_t[]){ 0x20, 0x01, 0x0d, 0xb8, 0, 1, [15] = 1 }, 16);
		b[16] = 1;
		b[17] = 1;
		memcpy(b + 18, cmac, 6);
		push_icmp6(&p, &ns, 135, 0, 0);
		push_ip6(&p, &ns, P_ICMP6, 255);
		send_frame(&g->o, &p, (const uint8_t[]){ 0x33, 0x33, 0xff, 0, 0, 1 }, cmac);
	} else { /* a UDP probe to a closed port, and the port unreachable */
		struct pkt p, q;
		char from[16];

		pkt_init(&p);
		memcpy(pkt_put(&p, 32), g->payload, 32);
		push_udp(&p, &ip, (uint16_t)(32768 + below(&g->r, 28000)), 33434);
		ip_out(&g->o, &p, &ip, P_UDP);
		q = p;
		send_frame(&g->o, &p, mac_gw, cmac);
		snprintf(from, sizeof(from), "%u.%u.%u.%u", ip.dst[0], ip.dst[1], ip.dst[2],
			 ip.dst[3]);
		icmp_error(&g->o, from, &q, pkt_len(&q), 3, 3, 0, cmac, mac_gw);
	}
}

static void frag_step(struct large *g)
{
	struct ipsd ip;
	struct pkt p, frags[4];
	uint32_t host;
	uint8_t cmac[6];
	size_t len = 1500 + below(&g->r, 2000);
	int n;

	pick_hosts(g, &ip, false, &host);
	client_mac(cmac, host);
	pkt_init(&p);
	memcpy(pkt_put(&p, len), g->payload, len < 2048 ? len : 2048);
	if (len > 2048)
		memcpy(p.buf + p.tail - (len - 2048), g->payload, len - 2048);
	push_udp(&p, &ip, (uint16_t)(32768 + below(&g->r, 28000)), 5001); /* iperf */
	push_ip4(&p, &ip, P_UDP, &(struct ip4_args){ .ttl = 64, .id = (uint16_t)rng_next(&g->r) });
	n = ip4_fragment(&p, 1480, frags, 4);
	for (int i = 0; i < n; i++)
		send_frame(&g->o, &frags[i], cmac, mac_gw);
}

int write_large(const char *path, uint64_t count, bool manifest)
{
	struct large *g = xrealloc(NULL, sizeof(*g));
	struct cap c;
	struct cbpf_outfile out;
	FILE *f = output_open(path, &out);
	int err;

	if (!f) {
		free(g);
		return -1;
	}
	memset(g, 0, sizeof(*g));
	g->r.s = 0x63627066; /* "cbpf" */
	for (size_t i = 0; i < sizeof(g->payload); i++)
		g->payload[i] = (uint8_t)rng_next(&g->r);
	cap_init(&c, "large.pcap", LT_EN10MB, 262144,
		 "realistic mix: TCP/UDP over IPv4/IPv6, some VLAN, ARP, ICMP, fragments");
	c.gap_ns = 20000;
	c.stream = f;
	setvbuf(f, NULL, _IOFBF, 1 << 20);
	fwrite(c.out.p, 1, c.out.len, f);
	g->o.c = &c;
	g->o.ipid = 1;
	/* a step may write several packets: cap_add drops those past the limit */
	c.limit = count;
	while (c.count < count) {
		uint32_t r = below(&g->r, 1000);

		if (r < 740)
			tcp_step(g);
		else if (r < 860)
			dns_step(g);
		else if (r < 900)
			udp_step(g);
		else if (r < 920)
			arp_step(g);
		else if (r < 975)
			icmp_step(g);
		else
			frag_step(g);
	}
	err = output_commit(&out, path);
	if (!err && manifest)
		cap_manifest(&c, stdout);
	cap_free(&c);
	free(g);
	return err;
}
