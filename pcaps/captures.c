// SPDX-License-Identifier: MIT
/* cbpf-pcapgen: what the small committed captures hold, conversation by conversation. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "gen.h"

/* Hosts on the client LAN 10.0.0.0/24 and 2001:db8:1::/64 (mac_gw is their router). */
static const uint8_t mac_a[6] = { 0x00, 0x16, 0x3e, 0x00, 0x00, 0x01 };	  /* 10.0.0.1 */
static const uint8_t mac_b[6] = { 0x00, 0x16, 0x3e, 0x00, 0x00, 0x02 };	  /* 10.0.0.2 */
static const uint8_t mac_c[6] = { 0x00, 0x16, 0x3e, 0x00, 0x00, 0x03 };	  /* 10.0.0.3 */
static const uint8_t mac_srv[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 }; /* 192.168.1.10 */
static const uint8_t mac_all_nodes[6] = { 0x33, 0x33, 0x00, 0x00, 0x00, 0x01 };
static const uint8_t mac_all_routers[6] = { 0x33, 0x33, 0x00, 0x00, 0x00, 0x02 };
static const uint8_t mac_mld2[6] = { 0x33, 0x33, 0x00, 0x00, 0x00, 0x16 };
static const uint8_t mac_igmp[6] = { 0x01, 0x00, 0x5e, 0x00, 0x00, 0xfb };

static const char http_get[] = "GET /index.html HTTP/1.1\r\nHost: www.example.com\r\n"
			       "User-Agent: curl/7.88.1\r\nAccept: */*\r\n\r\n";
static const char http_ok[] = "HTTP/1.1 200 OK\r\nServer: nginx\r\nContent-Type: text/html\r\n"
			      "Content-Length: 46\r\n\r\n"
			      "<html><body><h1>It works!</h1></body></html>\r\n";

/* ---------------------------------------------------------------- TCP over IPv4 */

/* An HTTP exchange: handshake, request, response, teardown (10 packets). */
static void http_session(struct out *o, const struct ipsd *up, uint16_t cport, const uint8_t *cmac,
			 const uint8_t *smac, uint32_t isn)
{
	struct flow f;

	flow_init(&f, up, cport, 80, cmac, smac, isn);
	handshake(o, &f, isn / 7);
	seg(o, &f, false, TH_PSH | TH_ACK, http_get, strlen(http_get));
	seg(o, &f, true, TH_ACK, NULL, 0);
	cap_wait(o->c, 4000);
	seg(o, &f, true, TH_PSH | TH_ACK, http_ok, strlen(http_ok));
	seg(o, &f, false, TH_ACK, NULL, 0);
	cap_wait(o->c, 20000);
	teardown(o, &f);
}

static void build_tcp4(struct out *o)
{
	struct ipsd ip;
	struct flow f;
	uint8_t opt[24];
	static const char banner_s[] = "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u2\r\n";
	static const char banner_c[] = "SSH-2.0-OpenSSH_9.2p1\r\n";
	static const uint8_t mss_only[4] = { 2, 4, 0x05, 0xb4 };
	static const uint8_t nop_eol[4] = { 1, 1, 1, 0 };

	ip4(&ip, "10.0.0.1", "192.168.1.10");
	http_session(o, &ip, 40000, mac_a, mac_gw, 1000001);

	/* a refused connection: SYN with only an MSS, RST-ACK */
	ip4(&ip, "10.0.0.2", "192.168.1.20");
	flow_init(&f, &ip, 40100, 22, mac_b, mac_gw, 2000003);
	seg_opt(o, &f, false, TH_SYN, NULL, 0, mss_only, sizeof(mss_only), 0);
	seg_opt(o, &f, true, TH_RST | TH_ACK, NULL, 0, no_opt, 0, 0);

	/* SSH: banners, a duplicate ACK with a SACK block, reset by the client */
	flow_init(&f, &ip, 40102, 22, mac_b, mac_gw, 3000017);
	handshake(o, &f, 77000);
	seg(o, &f, true, TH_PSH | TH_ACK, banner_s, strlen(banner_s));
	seg(o, &f, false, TH_PSH | TH_ACK, banner_c, strlen(banner_c));
	ts_opt(opt, f.cts, f.sts - 7);
	opt[12] = opt[13] = 1;
	opt[14] = 5; /* SACK, one block */
	opt[15] = 10;
	put32(opt + 16, f.sseq + 1000);
	put32(opt + 20, f.sseq + 2448);
	seg_opt(o, &f, false, TH_ACK, NULL, 0, opt, 24, 0);
	seg_opt(o, &f, false, TH_RST | TH_ACK, NULL, 0, no_opt, 0, 0);

	/* telnet: an interrupt sent as urgent data, in the middle of a connection */
	ip4(&ip, "10.0.0.3", "192.168.1.30");
	flow_init(&f, &ip, 40200, 23, mac_c, mac_gw, 4000037);
	seg_opt(o, &f, false, TH_URG | TH_PSH | TH_ACK, "\xff\xf4\xff\xfd\x06", 5, no_opt, 0, 5);
	seg_opt(o, &f, true, TH_ACK, NULL, 0, no_opt, 0, 0);

	/* probes from outside: NULL, FIN and Xmas scans, a SYN to a closed port */
	ip4(&ip, "172.16.5.5", "10.0.0.1");
	flow_init(&f, &ip, 61000, 8080, mac_gw, mac_a, 5000041);
	seg_opt(o, &f, false, 0, NULL, 0, no_opt, 0, 0);
	seg_opt(o, &f, false, TH_FIN, NULL, 0, no_opt, 0, 0);
	seg_opt(o, &f, false, TH_FIN | TH_PSH | TH_URG, NULL, 0, no_opt, 0, 0);
	flow_init(&f, &ip, 61001, 443, mac_gw, mac_a, 6000043);
	seg_opt(o, &f, false, TH_SYN, NULL, 0, nop_eol, sizeof(nop_eol), 0);
	seg_opt(o, &f, true, TH_RST | TH_ACK, NULL, 0, no_opt, 0, 0);

	/* HTTPS with ECN negotiated (ECE and CWR on the SYN, ECE on the SYN-ACK), then a reset */
	ip4(&ip, "10.0.0.1", "203.0.113.5");
	flow_init(&f, &ip, 51000, 443, mac_a, mac_gw, 7000057);
	f.cts = 900000;
	f.sts = 5000;
	seg_opt(o, &f, false, TH_SYN | 0xc0, NULL, 0, opt, syn_opts(opt, 1460, f.cts, 0), 0);
	seg_opt(o, &f, true, TH_SYN | TH_ACK | 0x40, NULL, 0, opt,
		syn_opts(opt, 1400, f.sts, f.cts), 0);
	seg(o, &f, false, TH_ACK, NULL, 0);
	{
		struct pkt hello;

		pkt_init(&hello);
		pkt_put_bytes(&hello, "\x16\x03\x01\x00\x7b\x01\x00\x00\x77\x03\x03", 11);
		pkt_put_fill(&hello, 117, 443);
		seg(o, &f, false, TH_PSH | TH_ACK, hello.buf + hello.head, pkt_len(&hello));
	}
	seg(o, &f, true, TH_ACK, NULL, 0);
	seg_opt(o, &f, true, TH_RST, NULL, 0, no_opt, 0, 0);
}

/* ---------------------------------------------------------------- ICMP and IP options */

/* A traceroute probe: UDP to port 33434 + n with the given TTL, 32 bytes of payload. */
static void probe(struct pkt *p, const struct ipsd *ip, int n, uint8_t ttl)
{
	pkt_init(p);
	pkt_put_fill(p, 32, (uint32_t)n);
	push_udp(p, ip, 53124, (uint16_t)(33434 + n));
	push_ip4(p, ip, P_UDP, &(struct ip4_args){ .ttl = ttl, .id = (uint16_t)(0x3c00 + n) });
}

static void build_icmp(struct out *o)
{
	struct ipsd ip;
	struct pkt p, q;
	uint8_t opt[20];

	ip4(&ip, "10.0.0.1", "192.168.1.10");
	for (uint16_t seq = 1; seq <= 3; seq++) {
		ping_pair(o, &ip, 0x1234, seq, mac_gw, mac_a);
		cap_wait(o->c, 1000000);
	}
	ip4(&ip, "10.0.0.2", "203.0.113.9");
	ping(o, &ip, false, 0x2345, 1, 56, mac_gw, mac_b);

	/* traceroute: time exceeded from two routers, then port unreachable from the target */
	ip4(&ip, "10.0.0.1", "203.0.113.9");
	for (int n = 0; n < 3; n++) {
		static const char *const from[3] = { "10.0.0.254", "198.51.100.1", "203.0.113.9" };

		probe(&p, &ip, n, (uint8_t)(n + 1));
		send_frame(o, &p, mac_gw, mac_a);
		probe(&q, &ip, n, 1); /* quoted as it arrived, with TTL 1 */
		icmp_error(o, from[n], &q, n == 0 ? 28 : pkt_len(&q), n < 2 ? 11 : 3, n < 2 ? 0 : 3,
			   0, mac_a, mac_gw);
	}

	/* host unreachable for a SYN; fragmentation needed (next-hop MTU 1400) for a segment */
	ip4(&ip, "10.0.0.1", "198.51.100.77");
	pkt_init(&p);
	{
		struct tcp_args t = { .sport = 41000,
				      .dport = 80,
				      .seq = 8000009,
				      .flags = TH_SYN,
				      .win = 64240,
				      .opt = opt };

		t.optlen = syn_opts(opt, 1460, 123456, 0);
		push_tcp(&p, &ip, &t);
	}
	ip_out(o, &p, &ip, P_TCP);
	q = p;
	send_frame(o, &p, mac_gw, mac_a);
	icmp_error(o, "10.0.0.254", &q, pkt_len(&q), 3, 1, 0, mac_a, mac_gw);

	ip4(&ip, "10.0.0.1", "192.168.1.10");
	pkt_init(&p);
	pkt_put_fill(&p, 1448, 1400);
	{
		struct tcp_args t = { .sport = 40000,
				      .dport = 80,
				      .seq = 1000500,
				      .ack = 99,
				      .flags = TH_ACK,
				      .win = 502 };

		push_tcp(&p, &ip, &t);
	}
	push_ip4(&p, &ip, P_TCP, NULL);
	icmp_error(o, "10.0.0.254", &p, 48, 3, 4, 1400, mac_a, mac_gw);
}

/* An IGMPv2 membership report (RFC 2236), with the Router Alert option as RFC 2113 asks. */
static void igmp_report(struct out *o, const struct ipsd *ip)
{
	static const uint8_t ra[4] = { 148, 4, 0, 0 };
	struct pkt p;
	uint8_t *h;

	pkt_init(&p);
	h = pkt_put(&p, 8);
	h[0] = 0x16;
	h[1] = 0;
	put16(h + 2, 0);
	memcpy(h + 4, ip->dst, 4);
	put16(h + 2, csum_fold(csum_add(0, h, 8)));
	push_ip4(&p, ip, 2, &(struct ip4_args){ .tos = 0xc0, .ttl = 1, .opt = ra, .optlen = 4 });
	send_frame(o, &p, mac_igmp, mac_a);
}

static void build_ipopts(struct out *o)
{
	struct ipsd ip, r;
	struct pkt p;
	uint8_t rr[40] = { 7, 39, 4 }, ts[12] = { 68, 12, 5, 0 };
	static const uint8_t lsrr[12] = { 131, 11, 4, 192, 168, 1, 2, 192, 168, 1, 53, 0 };

	/* ping -R: record route with room for nine addresses; the reply has two filled in */
	ip4(&ip, "10.0.0.1", "192.168.1.10");
	r = rev(&ip);
	build_echo(&p, &ip, false, 0x4321, 1, 56);
	push_ip4(&p, &ip, P_ICMP,
		 &(struct ip4_args){ .ttl = 64, .id = 0x100, .opt = rr, .optlen = 40 });
	send_frame(o, &p, mac_gw, mac_a);
	rr[2] = 12;
	memcpy(rr + 3, (const uint8_t[]){ 192, 168, 1, 1, 10, 0, 0, 254 }, 8);
	build_echo(&p, &r, true, 0x4321, 1, 56);
	push_ip4(&p, &r, P_ICMP,
		 &(struct ip4_args){ .ttl = 63, .id = 0x200, .opt = rr, .optlen = 40 });
	send_frame(o, &p, mac_a, mac_gw);

	/* ping -T tsonly: room for two timestamps */
	build_echo(&p, &ip, false, 0x4321, 2, 56);
	push_ip4(&p, &ip, P_ICMP,
		 &(struct ip4_args){ .ttl = 64, .id = 0x101, .opt = ts, .optlen = 12 });
	send_frame(o, &p, mac_gw, mac_a);

	/* loose source route via 192.168.1.1 and .2 to .53, carrying UDP */
	{
		struct ipsd fin;

		/* the UDP checksum covers the final destination, the last one in the route */
		ip4(&ip, "10.0.0.3", "192.168.1.1");
		ip4(&fin, "10.0.0.3", "192.168.1.53");
		pkt_init(&p);
		pkt_put_str(&p, "source routed");
		push_udp(&p, &fin, 5000, 5000);
		push_ip4(&p, &ip, P_UDP,
			 &(struct ip4_args){ .ttl = 64, .id = 0x300, .opt = lsrr, .optlen = 12 });
		send_frame(o, &p, mac_gw, mac_c);
	}

	ip4(&ip, "10.0.0.1", "224.0.0.251");
	igmp_report(o, &ip);

	/* padding only: three NOPs and an end of list, on a SYN */
	ip4(&ip, "10.0.0.2", "192.168.1.10");
	pkt_init(&p);
	{
		static const uint8_t nops[4] = { 1, 1, 1, 0 };
		struct tcp_args t = {
			.sport = 40400, .dport = 80, .seq = 424242, .flags = TH_SYN, .win = 64240
		};

		push_tcp(&p, &ip, &t);
		push_ip4(&p, &ip, P_TCP,
			 &(struct ip4_args){ .ttl = 64,
					     .id = 0x400,
					     .frag = 0x4000,
					     .opt = nops,
					     .optlen = 4 });
	}
	send_frame(o, &p, mac_gw, mac_b);
}

/* ---------------------------------------------------------------- IPv6 */

static void nd_out(struct out *o, const struct ipsd *ip, uint8_t type, uint32_t rest,
		   const void *body, size_t len, const uint8_t *dst, const uint8_t *src)
{
	struct pkt p;

	pkt_init(&p);
	pkt_put_bytes(&p, body, len);
	push_icmp6(&p, ip, type, 0, rest);
	push_ip6(&p, ip, P_ICMP6, 255);
	send_frame(o, &p, dst, src);
}

/* Neighbour discovery (RFC 4861): RS, RA, NS and NA with link-layer address options. */
static void neighbour_discovery(struct out *o)
{
	struct ipsd ip;
	uint8_t b[64];

	ip6(&ip, "fe80::216:3eff:fe00:1", "ff02::2");
	memcpy(b, (const uint8_t[]){ 1, 1 }, 2);
	memcpy(b + 2, mac_a, 6);
	nd_out(o, &ip, 133, 0, b, 8, mac_all_routers, mac_a);

	/* RA: hop limit 64, lifetime 1800 s; source link-layer address, MTU, prefix */
	ip6(&ip, "fe80::1", "ff02::1");
	memset(b, 0, sizeof(b));
	put32(b, 0);	 /* reachable time */
	put32(b + 4, 0); /* retransmission timer */
	b[8] = 1;
	b[9] = 1;
	memcpy(b + 10, mac_gw, 6);
	b[16] = 5;
	b[17] = 1;
	put32(b + 20, 1500);
	b[24] = 3;
	b[25] = 4;
	b[26] = 64;   /* prefix length */
	b[27] = 0xc0; /* on-link, autonomous */
	put32(b + 28, 2592000);
	put32(b + 32, 604800);
	memcpy(b + 40, (const uint8_t[]){ 0x20, 0x01, 0x0d, 0xb8, 0, 1 }, 6);
	nd_out(o, &ip, 134, 64u << 24 | 1800, b, 56, mac_all_nodes, mac_gw);

	/* duplicate address detection for 2001:db8:1::10: from ::, no link-layer option */
	ip6(&ip, "::", "ff02::1:ff00:10");
	memset(b, 0, 16);
	memcpy(b, (const uint8_t[]){ 0x20, 0x01, 0x0d, 0xb8, 0, 1 }, 6);
	b[15] = 0x10;
	nd_out(o, &ip, 135, 0, b, 16, (const uint8_t[]){ 0x33, 0x33, 0xff, 0, 0, 0x10 }, mac_a);

	/* who has fe80::1, and the router's answer (router, solicited, override) */
	ip6(&ip, "fe80::216:3eff:fe00:1", "ff02::1:ff00:1");
	memset(b, 0, 16);
	b[0] = 0xfe;
	b[1] = 0x80;
	b[15] = 1;
	b[16] = 1;
	b[17] = 1;
	memcpy(b + 18, mac_a, 6);
	nd_out(o, &ip, 135, 0, b, 24, (const uint8_t[]){ 0x33, 0x33, 0xff, 0, 0, 1 }, mac_a);
	ip6(&ip, "fe80::1", "fe80::216:3eff:fe00:1");
	b[16] = 2;
	memcpy(b + 18, mac_gw, 6);
	nd_out(o, &ip, 136, 0xe0000000, b, 24, mac_a, mac_gw);
}

/* An MLDv2 report (RFC 3810) joining ff02::fb, behind a hop-by-hop Router Alert. */
static void mld_report(struct out *o)
{
	static const uint8_t hbh[6] = { 5, 2, 0, 0, 1, 0 }; /* router alert (MLD), PadN */
	struct ipsd ip;
	struct pkt p;
	uint8_t *r;

	ip6(&ip, "fe80::216:3eff:fe00:1", "ff02::16");
	pkt_init(&p);
	r = pkt_put(&p, 20);
	memset(r, 0, 20);
	r[0] = 4; /* CHANGE_TO_EXCLUDE_MODE */
	r[4] = 0xff;
	r[5] = 0x02;
	r[19] = 0xfb;
	push_icmp6(&p, &ip, 143, 0, 1);
	push_ip6_opts(&p, P_ICMP6, hbh, sizeof(hbh));
	push_ip6(&p, &ip, P_HOPOPTS, 1);
	send_frame(o, &p, mac_mld2, mac_a);
}

static void build_ipv6(struct out *o)
{
	static const uint8_t padn[6] = { 1, 4, 0, 0, 0, 0 };
	struct ipsd ip, r;
	struct pkt p, frags[4];
	struct flow f;
	uint8_t ntp[48] = { 0x23 }; /* NTPv4 client */
	int n;

	neighbour_discovery(o);
	mld_report(o);

	ip6(&ip, "2001:db8:1::10", "2001:db8::80");
	r = rev(&ip);
	for (uint16_t seq = 1; seq <= 2; seq++)
		ping_pair(o, &ip, 0x6666, seq, mac_gw, mac_a);

	/* an echo request behind an (empty) hop-by-hop header, and its plain reply */
	build_echo(&p, &ip, false, 0x6666, 3, 56);
	push_ip6_opts(&p, P_ICMP6, padn, sizeof(padn));
	push_ip6(&p, &ip, P_HOPOPTS, 64);
	send_frame(o, &p, mac_gw, mac_a);
	ping(o, &r, true, 0x6666, 3, 56, mac_a, mac_gw);

	/* ping -s 1300 over a 1280 path: request and reply each in two fragments */
	build_echo(&p, &ip, false, 0x6666, 4, 1300);
	push_ip6(&p, &ip, P_ICMP6, 64);
	n = ip6_fragment(&p, 1232, 0xa1b2c3d4, frags, 4);
	for (int i = 0; i < n; i++)
		send_frame(o, &frags[i], mac_gw, mac_a);
	build_echo(&p, &r, true, 0x6666, 4, 1300);
	push_ip6(&p, &r, P_ICMP6, 64);
	n = ip6_fragment(&p, 1232, 0x5eed, frags, 4);
	for (int i = 0; i < n; i++)
		send_frame(o, &frags[i], mac_a, mac_gw);

	/* HTTPS over IPv6: handshake, a request, teardown */
	flow_init(&f, &ip, 52000, 443, mac_a, mac_gw, 9000011);
	handshake(o, &f, 31337);
	{
		uint8_t rec[96];

		memcpy(rec, "\x17\x03\x03\x00\x5b", 5);
		memset(rec + 5, 0x5a, sizeof(rec) - 5);
		seg(o, &f, false, TH_PSH | TH_ACK, rec, sizeof(rec));
	}
	seg(o, &f, true, TH_ACK, NULL, 0);
	teardown(o, &f);

	/* NTP over IPv6 */
	ip6(&ip, "2001:db8:1::10", "2001:db8::123");
	udp_out(o, &ip, 123, 123, ntp, sizeof(ntp), mac_gw, mac_a);
	r = rev(&ip);
	ntp[0] = 0x24; /* server */
	ntp[1] = 2;
	udp_out(o, &r, 123, 123, ntp, sizeof(ntp), mac_a, mac_gw);
}

/* ---------------------------------------------------------------- DNS */

static void build_dns(struct out *o)
{
	static const uint8_t a80[4] = { 203, 0, 113, 80 }, a81[4] = { 203, 0, 113, 81 };
	static const uint8_t aaaa[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 0x80 };
	static const char spf[] = "\x0bv=spf1 -all";
	struct ipsd v4, v6;
	struct dns q, a;
	size_t at;

	ip4(&v4, "10.0.0.1", "192.168.1.53");
	ip6(&v6, "2001:db8:1::10", "2001:db8::53");

	dns_begin(&q, 0x1001, 0x0100, 1, 0, 0);
	dns_question(&q, "www.example.com", 1);
	dns_begin(&a, 0x1001, 0x8180, 1, 1, 0);
	at = dns_question(&a, "www.example.com", 1);
	dns_rr(&a, at, 1, 300, a80, 4);
	dns_pair(o, &v4, 53001, &q, &a, mac_a, mac_gw);

	dns_begin(&q, 0x1002, 0x0100, 1, 0, 0);
	dns_question(&q, "www.example.com", 28);
	dns_begin(&a, 0x1002, 0x8180, 1, 1, 0);
	at = dns_question(&a, "www.example.com", 28);
	dns_rr(&a, at, 28, 300, aaaa, 16);
	dns_pair(o, &v4, 53002, &q, &a, mac_a, mac_gw);

	/* a CNAME chain over IPv6 */
	dns_begin(&q, 0x2001, 0x0100, 1, 0, 0);
	dns_question(&q, "www.example.org", 1);
	dns_begin(&a, 0x2001, 0x8180, 1, 2, 0);
	at = dns_question(&a, "www.example.org", 1);
	dns_rr_name(&a, at, 5, 3600, 0, "", at + 4);
	dns_rr(&a, at + 4, 1, 300, a81, 4);
	dns_pair(o, &v6, 53003, &q, &a, mac_a, mac_gw);

	ip4(&v4, "10.0.0.2", "192.168.1.53");
	dns_begin(&q, 0x3001, 0x0100, 1, 0, 0);
	dns_question(&q, "example.com", 15);
	dns_begin(&a, 0x3001, 0x8180, 1, 1, 0);
	at = dns_question(&a, "example.com", 15);
	dns_rr_name(&a, at, 15, 3600, 10, "mail", at);
	dns_pair(o, &v4, 53004, &q, &a, mac_b, mac_gw);

	dns_begin(&q, 0x3002, 0x0100, 1, 0, 0);
	dns_question(&q, "80.113.0.203.in-addr.arpa", 12);
	dns_begin(&a, 0x3002, 0x8180, 1, 1, 0);
	at = dns_question(&a, "80.113.0.203.in-addr.arpa", 12);
	dns_rr_name(&a, at, 12, 86400, 0, "www.example.com", 0);
	dns_pair(o, &v4, 53005, &q, &a, mac_b, mac_gw);

	ip4(&v4, "10.0.0.3", "192.168.1.53");
	dns_begin(&q, 0x4001, 0x0100, 1, 0, 0);
	dns_question(&q, "nosuch.example.com", 1);
	dns_begin(&a, 0x4001, 0x8183, 1, 0, 0); /* NXDOMAIN */
	dns_question(&a, "nosuch.example.com", 1);
	dns_pair(o, &v4, 53006, &q, &a, mac_c, mac_gw);

	dns_begin(&q, 0x2002, 0x0100, 1, 0, 0);
	dns_question(&q, "example.com", 16);
	dns_begin(&a, 0x2002, 0x8180, 1, 1, 0);
	at = dns_question(&a, "example.com", 16);
	dns_rr(&a, at, 16, 3600, spf, sizeof(spf) - 1);
	dns_pair(o, &v6, 53007, &q, &a, mac_a, mac_gw);
}

/* ---------------------------------------------------------------- ARP */

static void build_arp(struct out *o)
{
	/* as the sender captures them (42 bytes) or as a receiver does (padded to 60) */
	arp_out(o, 1, mac_a, "10.0.0.1", mac_zero, "10.0.0.254", mac_bcast);
	o->pad = true;
	arp_out(o, 2, mac_gw, "10.0.0.254", mac_a, "10.0.0.1", mac_a);
	arp_out(o, 1, mac_b, "10.0.0.2", mac_zero, "10.0.0.1", mac_bcast);
	o->pad = false;
	arp_out(o, 2, mac_a, "10.0.0.1", mac_b, "10.0.0.2", mac_b);
	o->pad = true;
	/* gratuitous ARP (an announcement) and a probe before using 10.0.0.9 */
	arp_out(o, 1, mac_c, "10.0.0.3", mac_zero, "10.0.0.3", mac_bcast);
	arp_out(o, 1, mac_c, "0.0.0.0", mac_zero, "10.0.0.9", mac_bcast);
	/* a unicast refresh on the server LAN */
	arp_out(o, 1, mac_srv, "192.168.1.10", mac_gw, "192.168.1.1", mac_gw);
	arp_out(o, 2, mac_gw, "192.168.1.1", mac_srv, "192.168.1.10", mac_srv);
	o->pad = false;
}

/* ---------------------------------------------------------------- VLAN and MPLS */

static void tag1(struct out *o, uint16_t tci)
{
	o->nvlan = 1;
	o->tpid[0] = ETH_8021Q;
	o->tci[0] = tci;
}

static void tag2(struct out *o, uint16_t outer, uint16_t inner)
{
	o->nvlan = 2;
	o->tpid[0] = ETH_8021AD;
	o->tci[0] = outer;
	o->tpid[1] = ETH_8021Q;
	o->tci[1] = inner;
}

static void build_vlan(struct out *o)
{
	struct ipsd ip;
	struct flow f;
	uint8_t opt[20];
	struct dns q;

	tag1(o, 100);
	o->pad = true;
	arp_out(o, 1, mac_b, "10.0.100.5", mac_zero, "10.0.100.1", mac_bcast);
	arp_out(o, 2, mac_gw, "10.0.100.1", mac_b, "10.0.100.5", mac_b);
	o->pad = false;
	ip4(&ip, "10.0.100.5", "10.0.100.1");
	ping_pair(o, &ip, 0x0100, 1, mac_gw, mac_b);
	ip4(&ip, "10.0.100.5", "192.168.1.10");
	flow_init(&f, &ip, 42000, 80, mac_b, mac_gw, 10000019);
	handshake(o, &f, 4242);

	tag1(o, 5 << 13 | 200); /* priority 5 */
	ip4(&ip, "10.0.200.7", "192.168.1.53");
	dns_begin(&q, 0x5001, 0x0100, 1, 0, 0);
	dns_question(&q, "printer.example.com", 1);
	udp_out(o, &ip, 53100, 53, q.b, q.len, mac_gw, mac_c);
	ip6(&ip, "2001:db8:200::7", "2001:db8::80");
	ping_pair(o, &ip, 0x0200, 1, mac_gw, mac_c);

	/* QinQ: service tag 10 around customer VLAN 100, then service tag 100 around VLAN 300 */
	tag2(o, 10, 100);
	ip4(&ip, "10.0.100.5", "10.0.100.1");
	ping_pair(o, &ip, 0x0100, 2, mac_gw, mac_b);
	ip4(&ip, "10.0.100.5", "192.168.1.10");
	flow_init(&f, &ip, 42001, 80, mac_b, mac_gw, 11000027);
	seg_opt(o, &f, false, TH_SYN, NULL, 0, opt, syn_opts(opt, 1460, 777, 0), 0);
	tag2(o, 3 << 13 | 100, 300);
	ip4(&ip, "10.0.44.4", "10.0.0.1");
	udp_out(o, &ip, 5060, 5060, "OPTIONS sip:10.0.0.1 SIP/2.0\r\n\r\n", 33, mac_a, mac_c);

	o->nvlan = 0; /* untagged, on the same trunk */
	ip4(&ip, "10.0.0.1", "192.168.1.10");
	ping_pair(o, &ip, 0x0300, 1, mac_gw, mac_a);
}

static void build_mpls(struct out *o)
{
	struct ipsd ip;
	struct flow f;
	uint8_t opt[20];
	struct dns q;

	o->nmpls = 1;
	o->label[0] = 16000;
	ip4(&ip, "10.1.1.1", "10.2.2.2");
	ping_pair(o, &ip, 0x0a0a, 1, mac_srv, mac_gw);
	flow_init(&f, &ip, 43000, 179, mac_gw, mac_srv, 12000007); /* BGP */
	seg_opt(o, &f, false, TH_SYN, NULL, 0, opt, syn_opts(opt, 1460, 1, 0), 0);
	seg_opt(o, &f, true, TH_SYN | TH_ACK, NULL, 0, opt, syn_opts(opt, 1460, 2, 1), 0);
	dns_begin(&q, 0x6001, 0x0100, 1, 0, 0);
	dns_question(&q, "pe1.example.net", 1);
	udp_out(o, &ip, 53200, 53, q.b, q.len, mac_srv, mac_gw);

	/* an L3VPN: transport label 17000 outside, service label 16001 at the bottom */
	o->nmpls = 2;
	o->label[0] = 17000;
	o->label[1] = 16001;
	ip4(&ip, "172.16.1.1", "172.16.2.2");
	udp_out(o, &ip, 4000, 4001, "vpn payload", 11, mac_srv, mac_gw);
	flow_init(&f, &ip, 44000, 22, mac_srv, mac_gw, 13000003);
	seg_opt(o, &f, false, TH_SYN, NULL, 0, opt, syn_opts(opt, 1400, 5, 0), 0);
	ping_pair(o, &ip, 0x0b0b, 1, mac_srv, mac_gw);

	o->nmpls = 0;
	ip4(&ip, "10.0.0.1", "192.168.1.10");
	ping(o, &ip, false, 0x0c0c, 1, 56, mac_gw, mac_a);
}

/* ---------------------------------------------------------------- fragments */

static void send_frags(struct out *o, const struct pkt *whole, size_t size, bool reverse,
		       const uint8_t *dst, const uint8_t *src)
{
	struct pkt frags[4];
	int n = ip4_fragment(whole, size, frags, 4);

	for (int i = 0; i < n; i++)
		send_frame(o, &frags[reverse ? n - 1 - i : i], dst, src);
}

static void build_frag(struct out *o)
{
	struct ipsd ip, r;
	struct pkt p;
	struct dns a;
	size_t at;

	/* a 400-byte UDP datagram in three fragments: first, middle, last */
	ip4(&ip, "10.0.0.1", "192.168.1.10");
	pkt_init(&p);
	pkt_put_fill(&p, 400, 9000);
	push_udp(&p, &ip, 40000, 9000);
	push_ip4(&p, &ip, P_UDP, &(struct ip4_args){ .ttl = 64, .id = 0xf001 });
	send_frags(o, &p, 136, false, mac_gw, mac_a);

	/* ping -s 1000 over a 576 path: request and reply in two fragments each */
	r = rev(&ip);
	build_echo(&p, &ip, false, 0x7777, 1, 1000);
	push_ip4(&p, &ip, P_ICMP, &(struct ip4_args){ .ttl = 64, .id = 0xf002 });
	send_frags(o, &p, 552, false, mac_gw, mac_a);
	build_echo(&p, &r, true, 0x7777, 1, 1000);
	push_ip4(&p, &r, P_ICMP, &(struct ip4_args){ .ttl = 63, .id = 0x0a0b });
	send_frags(o, &p, 552, false, mac_a, mac_gw);

	/* a DNS answer with eight addresses, in two fragments: only the first has the port */
	ip4(&ip, "192.168.1.53", "10.0.0.2");
	dns_begin(&a, 0x8001, 0x8180, 1, 8, 0);
	at = dns_question(&a, "pool.example.com", 1);
	for (uint8_t i = 0; i < 8; i++)
		dns_rr(&a, at, 1, 60, (const uint8_t[]){ 203, 0, 113, (uint8_t)(100 + i) }, 4);
	pkt_init(&p);
	pkt_put_bytes(&p, a.b, a.len);
	push_udp(&p, &ip, 53, 53008);
	push_ip4(&p, &ip, P_UDP, &(struct ip4_args){ .ttl = 61, .id = 0xf003 });
	send_frags(o, &p, 128, false, mac_b, mac_gw);

	/* three fragments arriving last first */
	ip4(&ip, "172.16.5.5", "10.0.0.3");
	pkt_init(&p);
	pkt_put_fill(&p, 300, 7);
	push_udp(&p, &ip, 7000, 7001);
	push_ip4(&p, &ip, P_UDP, &(struct ip4_args){ .ttl = 50, .id = 0xf004 });
	send_frags(o, &p, 104, true, mac_c, mac_gw);

	/* not fragments: DF set, and a small datagram without DF */
	ip4(&ip, "10.0.0.1", "192.168.1.10");
	udp_out(o, &ip, 40001, 9000, "small", 5, mac_gw, mac_a);
	pkt_init(&p);
	pkt_put_str(&p, "no DF");
	push_udp(&p, &ip, 40002, 9000);
	push_ip4(&p, &ip, P_UDP, &(struct ip4_args){ .ttl = 64, .id = 0xf005 });
	send_frame(o, &p, mac_gw, mac_a);
}

/* ---------------------------------------------------------------- other link types */

/* A host's view (10.0.0.1, 2001:db8:1::10) for the Linux cooked captures. */
static void build_host(struct out *o, bool sll2)
{
	struct ipsd ip;
	struct dns q, a;
	size_t at;

	o->me = mac_a;
	o->ifindex = 2;
	arp_out(o, 1, mac_a, "10.0.0.1", mac_zero, "10.0.0.254", mac_bcast);
	arp_out(o, 2, mac_gw, "10.0.0.254", mac_a, "10.0.0.1", mac_a);
	ip4(&ip, "10.0.0.1", "192.168.1.10");
	http_session(o, &ip, 40500, mac_a, mac_gw, 14000029);
	arp_out(o, 1, mac_b, "10.0.0.2", mac_zero, "10.0.0.3", mac_bcast);

	if (sll2)
		o->ifindex = 3; /* the IPv6 side on another interface */
	ip6(&ip, "2001:db8:1::10", "2001:db8::53");
	dns_begin(&q, 0x9001, 0x0100, 1, 0, 0);
	dns_question(&q, "www.example.com", 28);
	dns_begin(&a, 0x9001, 0x8180, 1, 1, 0);
	at = dns_question(&a, "www.example.com", 28);
	dns_rr(&a, at, 28, 300, (const uint8_t[16]){ 0x20, 0x01, 0x0d, 0xb8, [15] = 0x80 }, 16);
	dns_pair(o, &ip, 53009, &q, &a, mac_a, mac_gw);
	ip6(&ip, "2001:db8:1::10", "2001:db8::80");
	ping_pair(o, &ip, 0x1111, 1, mac_gw, mac_a);
	neighbour_discovery(o);
}

/* IP without a link layer (RAW) or behind a BSD loopback header (NULL). */
static void build_ip_only(struct out *o, bool loopback)
{
	struct ipsd ip;
	struct flow f;
	struct dns q;
	uint8_t opt[20];

	if (loopback) {
		ip4(&ip, "127.0.0.1", "127.0.0.1");
		flow_init(&f, &ip, 50000, 6379, mac_zero, mac_zero, 15000017);
		handshake(o, &f, 1);
		seg(o, &f, false, TH_PSH | TH_ACK, "PING\r\n", 6);
		seg(o, &f, true, TH_PSH | TH_ACK, "+PONG\r\n", 7);
		teardown(o, &f);
		ip6(&ip, "::1", "::1");
		udp_out(o, &ip, 50001, 8125, "requests:1|c", 12, mac_zero, mac_zero);
	} else {
		ip4(&ip, "10.0.0.1", "192.168.1.10");
		http_session(o, &ip, 40600, mac_zero, mac_zero, 16000057);
		ip6(&ip, "2001:db8:1::10", "2001:db8::53");
		dns_begin(&q, 0x9002, 0x0100, 1, 0, 0);
		dns_question(&q, "www.example.com", 28);
		udp_out(o, &ip, 53010, 53, q.b, q.len, mac_zero, mac_zero);
	}
	ip4(&ip, loopback ? "10.8.0.2" : "10.0.0.1", "192.168.1.10");
	ping_pair(o, &ip, 0x2222, 1, mac_zero, mac_zero);
	ip6(&ip, "2001:db8:1::10", "2001:db8::80");
	ping_pair(o, &ip, 0x2222, 2, mac_zero, mac_zero);
	flow_init(&f, &ip, 52100, 443, mac_zero, mac_zero, 17000023);
	seg_opt(o, &f, false, TH_SYN, NULL, 0, opt, syn_opts(opt, 1440, 99, 0), 0);
	seg_opt(o, &f, true, TH_SYN | TH_ACK, NULL, 0, opt, syn_opts(opt, 1440, 100, 99), 0);
}

/* ---------------------------------------------------------------- the files */

enum {
	C_TCP4,
	C_ICMP,
	C_IPOPTS,
	C_IPV6,
	C_DNS,
	C_ARP,
	C_VLAN,
	C_MPLS,
	C_FRAG,
	C_SNAP64,
	C_SNAP96,
	C_SLL,
	C_SLL2,
	C_RAW,
	C_NULL,
	C_MIXED,
	NCAPS
};

static const struct {
	const char *name;
	int linktype;
	uint32_t snaplen;
	const char *desc;
} files[NCAPS] = {
	[C_TCP4] = { "eth-ipv4-tcp.pcap", LT_EN10MB, 262144,
		     "TCP over IPv4: handshakes with MSS, SACK-permitted, timestamps, NOP and "
		     "window-scale options; HTTP; SSH with a SACK block; a refused and two reset "
		     "connections; urgent data (telnet); NULL, FIN and Xmas scans; ECN on SYN and "
		     "SYN-ACK" },
	[C_ICMP] = { "eth-ipv4-icmp.pcap", LT_EN10MB, 262144,
		     "ICMP: echo requests and replies; traceroute (UDP) answered by time exceeded and "
		     "port unreachable; host unreachable quoting a whole SYN; fragmentation needed "
		     "(MTU 1400) quoting a segment's headers" },
	[C_IPOPTS] = { "eth-ipv4-opts.pcap", LT_EN10MB, 262144,
		       "IPv4 options: record route (request and filled-in reply), timestamp, loose "
		       "source route, router alert on IGMPv2, NOP/EOL padding" },
	[C_IPV6] = { "eth-ipv6.pcap", LT_EN10MB, 262144,
		     "IPv6: router solicitation and advertisement, neighbour solicitation (also DAD "
		     "from ::) and advertisement, MLDv2 behind a hop-by-hop router alert, echo (one "
		     "request behind a hop-by-hop header; one request and one reply in two fragments "
		     "each), TCP, NTP over UDP" },
	[C_DNS] = { "eth-dns.pcap", LT_EN10MB, 262144,
		    "DNS over UDP, IPv4 and IPv6: A, AAAA, a CNAME chain, MX, PTR, TXT and NXDOMAIN, "
		    "questions and compressed answers" },
	[C_ARP] = { "eth-arp.pcap", LT_EN10MB, 262144,
		    "ARP requests and replies, gratuitous ARP, an ARP probe, a unicast refresh; some "
		    "padded to 60 bytes as a receiver sees them" },
	[C_VLAN] = { "eth-vlan.pcap", LT_EN10MB, 262144,
		     "802.1Q VLAN 100 (ARP, ICMP, TCP) and VLAN 200 priority 5 (DNS, ICMPv6); QinQ "
		     "802.1ad 10 around 802.1Q 100, and 100 around 300; two untagged packets" },
	[C_MPLS] = { "eth-mpls.pcap", LT_EN10MB, 262144,
		     "MPLS with one label (ICMP, TCP, DNS) and two labels (UDP, TCP, ICMP), IPv4 "
		     "inside; one unlabelled packet" },
	[C_FRAG] = { "eth-frag.pcap", LT_EN10MB, 262144,
		     "IPv4 fragments: a UDP datagram in three (first, middle, last), an echo request "
		     "and reply in two each, a DNS answer in two (only the first has ports), three "
		     "arriving last first; unfragmented packets with and without DF" },
	[C_SNAP64] = { "eth-snap64.pcap", LT_EN10MB, 64,
		       "snaplen 64: the eth-ipv4-tcp, eth-dns and eth-ipv4-opts conversations; 39 "
		       "packets truncated (caplen < len)" },
	[C_SNAP96] = { "eth-snap96.pcap", LT_EN10MB, 96,
		       "snaplen 96: the eth-ipv4-icmp and eth-ipv6 conversations; 24 packets truncated" },
	[C_SLL] = { "sll.pcap", LT_LINUX_SLL, 262144,
		    "Linux cooked v1, host 10.0.0.1's view: ARP, HTTP, DNS and echo over IPv6, "
		    "neighbour discovery; packet types outgoing, host, broadcast, multicast" },
	[C_SLL2] = { "sll2.pcap", LT_LINUX_SLL2, 262144,
		     "Linux cooked v2 with nanosecond timestamps (magic a1b23c4d): as sll.pcap, IPv4 "
		     "on ifindex 2, IPv6 on ifindex 3" },
	[C_RAW] = { "raw.pcap", LT_RAW, 262144,
		    "raw IP, IPv4 and IPv6: HTTP, a DNS query, echo both ways, a TCP handshake over "
		    "IPv6" },
	[C_NULL] = { "null.pcap", LT_NULL, 262144,
		     "BSD loopback: TCP on 127.0.0.1, UDP on ::1, echo and TCP through a tunnel; "
		     "AF_INET 2, AF_INET6 as 24, 28 and 30 (the BSDs differ)" },
	[C_MIXED] = { "mixed.pcap", LT_EN10MB, 262144,
		      "every packet of the nine eth-*.pcap files above the snaplen ones, file after "
		      "file, timestamps renumbered" },
};

static int make_dir(const char *path)
{
	if (mkdir(path, 0777) < 0 && errno != EEXIST) {
		fprintf(stderr, PROG ": %s: %s\n", path, strerror(errno));
		return -1;
	}
	return 0;
}

static int write_cap(const char *dir, const char *name, const struct buf *b)
{
	size_t n = strlen(dir) + strlen(name) + 2;
	char *path = xrealloc(NULL, n);
	int err;

	snprintf(path, n, "%s/%s", dir, name);
	err = write_if_changed(path, b);
	free(path);
	return err;
}

/* Builds every small capture; writes them into dir (when not NULL); prints the manifest. */
int write_small(const char *dir, bool manifest)
{
	struct cap caps[NCAPS];
	struct out o;
	int err = 0;

	for (int i = 0; i < NCAPS; i++)
		cap_init(&caps[i], files[i].name, files[i].linktype, files[i].snaplen,
			 files[i].desc);
	cap_set_nsec(&caps[C_SLL2]);
	cap_set_pcapng(&caps[C_TCP4]);
	for (int i = C_TCP4; i <= C_FRAG; i++)
		caps[i].mirror = &caps[C_MIXED];

#define RUN(cap, fn, ...)                                                                          \
	do {                                                                                       \
		memset(&o, 0, sizeof(o));                                                          \
		o.c = &caps[cap];                                                                  \
		fn(&o, ##__VA_ARGS__);                                                             \
	} while (0)

	RUN(C_TCP4, build_tcp4);
	RUN(C_ICMP, build_icmp);
	RUN(C_IPOPTS, build_ipopts);
	RUN(C_IPV6, build_ipv6);
	RUN(C_DNS, build_dns);
	RUN(C_ARP, build_arp);
	RUN(C_VLAN, build_vlan);
	RUN(C_MPLS, build_mpls);
	RUN(C_FRAG, build_frag);
	RUN(C_SNAP64, build_tcp4);
	RUN(C_SNAP64, build_dns);
	RUN(C_SNAP64, build_ipopts);
	RUN(C_SNAP96, build_icmp);
	RUN(C_SNAP96, build_ipv6);
	RUN(C_SLL, build_host, false);
	RUN(C_SLL2, build_host, true);
	RUN(C_RAW, build_ip_only, false);
	RUN(C_NULL, build_ip_only, true);
#undef RUN

	if (dir) {
		size_t n = strlen(dir) + sizeof("/bad");
		char *bad = xrealloc(NULL, n);

		snprintf(bad, n, "%s/bad", dir);
		err = make_dir(dir) || make_dir(bad) ? -1 : 0;
		free(bad);
	}
	for (int i = 0; i < NCAPS && !err; i++) {
		if (dir)
			err = write_cap(dir, caps[i].name, &caps[i].out);
		if (manifest)
			cap_manifest(&caps[i], stdout);
	}
	if (!err)
		err = write_bad(dir, &caps[C_TCP4], manifest ? stdout : NULL);
	for (int i = 0; i < NCAPS; i++)
		cap_free(&caps[i]);
	return err;
}
