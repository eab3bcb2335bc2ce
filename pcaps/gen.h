/* SPDX-License-Identifier: MIT */
/* cbpf-pcapgen: packet builder, capture files and manifest tags shared by its sources. */
#ifndef CBPF_PCAPGEN_H
#define CBPF_PCAPGEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "util/outfile.h"

#define PROG "cbpf-pcapgen"

/* cli/signals.c, as the programs link it: a signal removes the temporary files, then kills. */
void cli_signals_init(void);

/* Link types as pcap files spell them (LINKTYPE_*, www.tcpdump.org/linktypes.html). */
#define LT_NULL	      0
#define LT_EN10MB     1
#define LT_RAW	      101
#define LT_LINUX_SLL  113
#define LT_LINUX_SLL2 276

#define ETH_IP	   0x0800
#define ETH_ARP	   0x0806
#define ETH_8021Q  0x8100
#define ETH_IP6	   0x86dd
#define ETH_8021AD 0x88a8
#define ETH_MPLS   0x8847

#define P_HOPOPTS 0
#define P_ICMP	  1
#define P_TCP	  6
#define P_UDP	  17
#define P_FRAG	  44
#define P_ICMP6	  58

#define TH_FIN 0x01
#define TH_SYN 0x02
#define TH_RST 0x04
#define TH_PSH 0x08
#define TH_ACK 0x10
#define TH_URG 0x20

/* ---------------------------------------------------------------- packets (frames.c) */

#define PKT_HEADROOM 256
#define PKT_SIZE     (PKT_HEADROOM + 4096)

/* IP addresses of one packet: v is 4 or 6; IPv4 addresses use the first 4 bytes. */
struct ipsd {
	int v;
	uint8_t src[16], dst[16];
};

/*
 * What the builder put into a packet, recorded as it goes: the manifest derives its filter
 * counts from these facts, and tcpdump must agree with them. Positions are indexes into
 * pkt.buf (a frame offset is the position minus pkt.head).
 */
struct pkt_info {
	int nvlan; /* 802.1Q / 802.1ad tags, outermost first in vid[] */
	uint16_t vid[2];
	int nmpls;   /* MPLS labels */
	uint16_t l3; /* ETH_IP, ETH_IP6, ETH_ARP or 0 */
	size_t l3pos;
	uint8_t src[16], dst[16]; /* IP addresses, or ARP's sender and target protocol addresses */
	uint8_t ip_hl;		  /* IPv4 header length in bytes */
	uint16_t ip_frag;	  /* IPv4 flags and fragment offset */
	uint8_t ip6_nh;		  /* next header of the fixed IPv6 header */
	uint8_t ip6_nh2;	  /* next header named by the first extension header */
	uint8_t proto;		  /* upper-layer protocol: P_TCP, P_UDP, P_ICMP, P_ICMP6 */
	bool l4; /* the upper-layer header is in this packet (not a later fragment) */
	size_t l4pos;
	uint8_t tcp_flags;
	uint16_t sport, dport;
	uint8_t icmp_type;
	uint16_t arp_op;
	uint8_t eth_dst0; /* first byte of the Ethernet destination (multicast bit) */
	bool eth_bcast;
	uint8_t sll_pkttype;
	uint32_t sll2_ifindex;
};

/* A frame built from the inside out: payload first, then each header pushed in front. */
struct pkt {
	size_t head, tail;
	struct pkt_info info;
	uint8_t buf[PKT_SIZE];
};

struct tcp_args {
	uint16_t sport, dport;
	uint32_t seq, ack;
	uint8_t flags;
	uint16_t win, urp;
	const uint8_t *opt; /* options, a multiple of 4 bytes */
	size_t optlen;
};

struct ip4_args {
	uint8_t tos, ttl;
	uint16_t id, frag;
	const uint8_t *opt; /* options, a multiple of 4 bytes */
	size_t optlen;
};

void pkt_init(struct pkt *p);
size_t pkt_len(const struct pkt *p);
uint8_t *pkt_push(struct pkt *p, size_t n);
uint8_t *pkt_put(struct pkt *p, size_t n);
void pkt_put_bytes(struct pkt *p, const void *data, size_t n);
void pkt_put_str(struct pkt *p, const char *s);
void pkt_put_fill(struct pkt *p, size_t n, uint32_t seed);
void pkt_pad(struct pkt *p, size_t min);

void put16(uint8_t *p, uint16_t v);
void put32(uint8_t *p, uint32_t v);
uint32_t csum_add(uint32_t sum, const uint8_t *data, size_t len);
uint16_t csum_fold(uint32_t sum);

void ip4(struct ipsd *ip, const char *src, const char *dst);
void ip6(struct ipsd *ip, const char *src, const char *dst);
void mac(uint8_t out[6], const char *s);

void push_tcp(struct pkt *p, const struct ipsd *ip, const struct tcp_args *t);
void push_udp(struct pkt *p, const struct ipsd *ip, uint16_t sport, uint16_t dport);
void push_icmp(struct pkt *p, uint8_t type, uint8_t code, uint32_t rest);
void push_icmp6(struct pkt *p, const struct ipsd *ip, uint8_t type, uint8_t code, uint32_t rest);
void push_ip4(struct pkt *p, const struct ipsd *ip, uint8_t proto, const struct ip4_args *a);
void push_ip6(struct pkt *p, const struct ipsd *ip, uint8_t nh, uint8_t hlim);
void push_ip6_opts(struct pkt *p, uint8_t nh, const uint8_t *opt, size_t len);
void push_ip(struct pkt *p, const struct ipsd *ip, uint8_t proto);
void put_arp(struct pkt *p, uint16_t op, const uint8_t sha[6], const char *spa,
	     const uint8_t tha[6], const char *tpa);
void push_vlan(struct pkt *p, uint16_t tci, uint16_t type);
void push_mpls(struct pkt *p, uint32_t label, bool bottom, uint8_t ttl);
void push_eth(struct pkt *p, const uint8_t dst[6], const uint8_t src[6], uint16_t type);
void push_sll(struct pkt *p, uint16_t pkttype, const uint8_t addr[6], uint16_t proto);
void push_sll2(struct pkt *p, uint16_t proto, uint32_t ifindex, uint8_t pkttype,
	       const uint8_t addr[6]);
void push_null(struct pkt *p, uint32_t af);
int ip4_fragment(const struct pkt *whole, size_t size, struct pkt *out, int max);
int ip6_fragment(const struct pkt *whole, size_t size, uint32_t id, struct pkt *out, int max);

/* ---------------------------------------------------------------- DNS messages (dns.c) */

struct dns {
	size_t len;
	uint8_t b[512];
};

void dns_begin(struct dns *d, uint16_t id, uint16_t flags, uint16_t qd, uint16_t an, uint16_t ns);
size_t dns_question(struct dns *d, const char *name, uint16_t type);
size_t dns_name(struct dns *d, const char *name, size_t tail);
void dns_rr(struct dns *d, size_t owner, uint16_t type, uint32_t ttl, const void *rdata,
	    size_t rdlen);
void dns_rr_name(struct dns *d, size_t owner, uint16_t type, uint32_t ttl, uint16_t pref,
		 const char *name, size_t tail);

/* ---------------------------------------------------------------- manifest tags (tags.c) */

/* Each tag is a tcpdump filter; the manifest says how many packets of a file it selects. */
#define NTAGS 64

struct tag {
	const char *filter;
	unsigned links; /* bit per link type the filter applies to (TAG_*) */
};

#define TAG_ETH	 1u
#define TAG_SLL	 2u
#define TAG_SLL2 4u
#define TAG_RAW	 8u
#define TAG_NULL 16u
#define TAG_ANY	 31u

extern const struct tag tags[];
extern const unsigned ntags;

unsigned tag_link_bit(int linktype);
uint64_t pkt_tags(const struct pkt *p, int linktype, size_t caplen);
const char *linktype_name(int linktype);

/* ---------------------------------------------------------------- files (files.c) */

struct buf {
	uint8_t *p;
	size_t len, cap;
};

void buf_add(struct buf *b, const void *data, size_t n);
void buf_free(struct buf *b);
void le16(uint8_t *p, uint16_t v);
void le32(uint8_t *p, uint32_t v);
void pcap_file_header(uint8_t out[24], int linktype, uint32_t snaplen, bool nsec);
void pcap_rec_header(uint8_t out[16], uint64_t ts_ns, bool nsec, uint32_t caplen, uint32_t len);
int write_if_changed(const char *path, const struct buf *b);
/* A regular file written under a temporary name and renamed into place (outfile.h). */
FILE *output_open(const char *path, struct cbpf_outfile *o);
int output_commit(struct cbpf_outfile *o, const char *path);

/* A capture being built in memory, with what the manifest says about it. */
struct cap {
	const char *name;
	int linktype;
	uint32_t snaplen;
	bool nsec;
	const char *desc;
	struct buf out;
	struct buf pcapng; /* the same packets as pcapng, when wanted */
	bool want_pcapng;
	unsigned count, truncated;
	unsigned tagcount[NTAGS];
	uint64_t ts_ns;
	uint64_t gap_ns;    /* time between packets, plus up to as much again */
	FILE *stream;	    /* records go straight here instead of into out (large captures) */
	uint64_t limit;	    /* when not 0, packets past this many are dropped */
	struct cap *mirror; /* also receives each packet (mixed.pcap) */
};

void cap_init(struct cap *c, const char *name, int linktype, uint32_t snaplen, const char *desc);
void cap_set_nsec(struct cap *c);
void cap_set_pcapng(struct cap *c);
void cap_add(struct cap *c, const struct pkt *p);
void cap_wait(struct cap *c, uint64_t usec);
void cap_free(struct cap *c);
void cap_manifest(const struct cap *c, FILE *f);

/* ---------------------------------------------------------------- conversations (convo.c) */

extern const uint8_t mac_gw[6], mac_bcast[6], mac_zero[6];
extern const uint8_t no_opt[1]; /* seg_opt: no TCP options at all */

/* Where frames go: the capture, its link layer and the encapsulation of Ethernet frames. */
struct out {
	struct cap *c;
	const uint8_t *me; /* the capturing host (Linux cooked packet types) */
	uint32_t ifindex;  /* LINUX_SLL2 */
	int nvlan;	   /* tags, outermost first */
	uint16_t tpid[2], tci[2];
	int nmpls; /* labels, outermost first */
	uint32_t label[2];
	bool pad; /* pad Ethernet frames to 60 bytes, as a receiver sees them */
	uint16_t ipid;
};

/* A TCP connection: each side's addresses, ports, sequence numbers and timestamps. */
struct flow {
	struct ipsd up, down;	    /* client to server, server to client */
	const uint8_t *cmac, *smac; /* the frames' addresses on each side */
	uint16_t cport, sport;
	uint32_t cseq, sseq; /* the next sequence number each side sends */
	uint32_t cts, sts;   /* TSval each side sends; 0 when not negotiated */
};

void send_frame(struct out *o, struct pkt *p, const uint8_t dst[6], const uint8_t src[6]);
void ip_out(struct out *o, struct pkt *p, const struct ipsd *ip, uint8_t proto);
struct ipsd rev(const struct ipsd *ip);
void udp_out(struct out *o, const struct ipsd *ip, uint16_t sport, uint16_t dport, const void *data,
	     size_t len, const uint8_t dst[6], const uint8_t src[6]);
void build_echo(struct pkt *p, const struct ipsd *ip, bool reply, uint16_t id, uint16_t seq,
		size_t len);
void ping(struct out *o, const struct ipsd *ip, bool reply, uint16_t id, uint16_t seq, size_t len,
	  const uint8_t dst[6], const uint8_t src[6]);
void ping_pair(struct out *o, const struct ipsd *ip, uint16_t id, uint16_t seq,
	       const uint8_t dst[6], const uint8_t src[6]);
void arp_out(struct out *o, uint16_t op, const uint8_t sha[6], const char *spa,
	     const uint8_t tha[6], const char *tpa, const uint8_t dst[6]);
void flow_init(struct flow *f, const struct ipsd *up, uint16_t cport, uint16_t sport,
	       const uint8_t *cmac, const uint8_t *smac, uint32_t isn);
size_t syn_opts(uint8_t o[20], uint16_t mss, uint32_t tsval, uint32_t tsecr);
size_t ts_opt(uint8_t o[12], uint32_t tsval, uint32_t tsecr);
void seg_opt(struct out *o, struct flow *f, bool srv, uint8_t flags, const void *data, size_t len,
	     const uint8_t *opt, size_t optlen, uint16_t urp);
void seg(struct out *o, struct flow *f, bool srv, uint8_t flags, const void *data, size_t len);
void handshake(struct out *o, struct flow *f, uint32_t ts);
void teardown(struct out *o, struct flow *f);
void icmp_error(struct out *o, const char *from, const struct pkt *inner, size_t quote,
		uint8_t type, uint8_t code, uint32_t rest, const uint8_t *dst, const uint8_t *src);
void dns_pair(struct out *o, const struct ipsd *ip, uint16_t cport, const struct dns *q,
	      const struct dns *a, const uint8_t *cmac, const uint8_t *smac);

/* ---------------------------------------------------------------- the captures */

int write_small(const char *dir, bool manifest);			/* captures.c */
int write_bad(const char *dir, const struct cap *like, FILE *manifest); /* bad.c */
int write_large(const char *path, uint64_t count, bool manifest);	/* large.c */

void *xrealloc(void *p, size_t n);

#endif
