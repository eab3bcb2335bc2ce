/* SPDX-License-Identifier: MIT */
/* What the kernel's sk_buff holds besides a packet's bytes, and what a captured frame implies. */
#ifndef LIBCBPF_META_H
#define LIBCBPF_META_H

#include <stdbool.h>
#include <stdint.h>

#include "common.h"

/* skb->pkt_type (include/uapi/linux/if_packet.h: PACKET_HOST ...). */
#define CBPF_PKT_HOST	   0
#define CBPF_PKT_BROADCAST 1
#define CBPF_PKT_MULTICAST 2
#define CBPF_PKT_OTHERHOST 3
#define CBPF_PKT_OUTGOING  4

/*
 * What the kernel's sk_buff holds besides the bytes: every input of an ancillary load
 * (SKF_AD_*), and where the network header starts. A zeroed record is valid: device present,
 * ifindex 0, no VLAN tag, network header at offset 0, every field 0. Plain data; copy freely.
 */
struct cbpf_meta {
	uint32_t net_off;    /* network header offset in the data (SKF_NET_OFF loads) */
	uint16_t protocol;   /* skb->protocol, in network byte order like the kernel's __be16:
			      * 0x0800 is stored as htons(0x0800); ld #proto returns ntohs() */
	uint8_t pkttype;     /* skb->pkt_type, CBPF_PKT_*; ld #type returns it & 7 */
	bool no_dev;	     /* skb->dev is NULL (unix and netlink sockets): ld #ifidx and
			      * ld #hatype then end the program, returning A */
	bool no_mac;	     /* the link-layer header is unknown (skb_mac_header_was_set
			      * false): SKF_LL_OFF loads are out of bounds */
	uint32_t ifindex;    /* skb->dev->ifindex: ld #ifidx */
	uint16_t hatype;     /* skb->dev->type, ARPHRD_*: ld #hatype */
	uint16_t queue;	     /* skb->queue_mapping: ld #queue */
	uint32_t mark;	     /* skb->mark: ld #mark */
	uint32_t rxhash;     /* skb->hash: ld #rxhash */
	uint32_t cpu;	     /* the CPU running the filter: ld #cpu */
	uint32_t random;     /* what ld #rand returns (the kernel draws a new number each time) */
	bool vlan_present;   /* an offloaded VLAN tag: ld #vlan_avail returns 1 */
	uint16_t vlan_tci;   /* skb->vlan_tci: ld #vlan_tci */
	uint16_t vlan_proto; /* skb->vlan_proto, network byte order: ld #vlan_tpid returns
			      * ntohs() */
	uint32_t pay_off;    /* what skb_get_poff() returns (flow dissector), 0 when it fails:
			      * ld #poff */
	uint32_t headlen;    /* the bytes of the data in the sk_buff's linear part
			      * (skb_headlen), the rest being paged: what a tc program reads
			      * directly; 0 (or caplen and more) is all of them. Classic loads
			      * read paged bytes too, and translations must give the same */
};

/*
 * Fills the fields of meta that a captured frame of link type dlt (DLT_* number: EN10MB,
 * LINUX_SLL, LINUX_SLL2, RAW, IPV4, IPV6, NULL, LOOP, PPP, IEEE802_11_RADIO) determines the way
 * the kernel would: protocol (network byte order, as skb->protocol; eth_type_trans's rules for
 * Ethernet), pkttype (from the SLL header, or from the destination address for Ethernet: host,
 * broadcast or multicast), hatype, ifindex (LINUX_SLL2 only), the VLAN fields when the frame
 * carries an 802.1Q/802.1ad tag (treated as the offloaded tag; protocol is then the encapsulated
 * type and net_off points past the tag), net_off, and pay_off as the flow dissector computes it
 * (VLAN, IPv4 with options and fragments, IPv6 with extension headers, IP-in-IP, GRE, PPPoE,
 * MPLS, ARP; then TCP, UDP, UDP-Lite, ICMP, ICMPv6, IGMP, DCCP, SCTP headers; TIPC, FCoE, PTP,
 * HSR/PRP and batman-adv, which the kernel also dissects, give 0 here).
 * The data stays as captured: a tag the kernel would have moved to metadata is still in it.
 * Only the captured caplen bytes are looked at; wirelen stands for skb->len. The other fields
 * (mark, queue, rxhash, cpu, random, no_dev, no_mac, and ifindex but for LINUX_SLL2) keep the
 * values the caller set. Truncated frames are not an error: what cannot be read stays 0.
 * Returns 0, or -ENOTSUP for a link type it does not know (meta untouched).
 */
CBPF_API int cbpf_meta_from_frame(struct cbpf_meta *meta, int dlt, const uint8_t *frame,
				  uint32_t caplen, uint32_t wirelen);

#endif
