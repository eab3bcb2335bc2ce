// SPDX-License-Identifier: MIT
/* Ancillary metadata from a captured frame: what the kernel's sk_buff would say about it. */
#include <endian.h>
#include <errno.h>
#include <string.h>

#include "cbpf/meta.h"

/* Link types (libpcap's DLT_* numbers; this file does not include pcap.h). */
enum {
	DLT_NULL_ = 0,
	DLT_EN10MB_ = 1,
	DLT_PPP_ = 9,
	DLT_RAW_ = 12,
	DLT_RAW_OPENBSD_ = 14,
	DLT_LINKTYPE_RAW_ = 101,
	DLT_LOOP_ = 108,
	DLT_LINUX_SLL_ = 113,
	DLT_IEEE802_11_RADIO_ = 127,
	DLT_IPV4_ = 228,
	DLT_IPV6_ = 229,
	DLT_LINUX_SLL2_ = 276,
};

/* Ethertypes and device types (include/uapi/linux/if_ether.h, if_arp.h). */
enum {
	ETH_P_802_3_ = 0x0001,
	ETH_P_802_2_ = 0x0004,
	ETH_P_IP_ = 0x0800,
	ETH_P_ARP_ = 0x0806,
	ETH_P_RARP_ = 0x8035,
	ETH_P_8021Q_ = 0x8100,
	ETH_P_IPV6_ = 0x86dd,
	ETH_P_8021AD_ = 0x88a8,
	ETH_P_802_3_MIN_ = 0x0600,
	ETH_P_TEB_ = 0x6558,
	ETH_P_MPLS_UC_ = 0x8847,
	ETH_P_MPLS_MC_ = 0x8848,
	ETH_P_PPP_SES_ = 0x8864,
	PPP_IP_ = 0x0021,
	PPP_IPV6_ = 0x0057,
	PPP_MPLS_UC_ = 0x0281,
	PPP_MPLS_MC_ = 0x0283,
	GRE_PROTO_PPP_ = 0x880b,
	GRE_CSUM_ = 0x8000, /* include/net/gre.h, as host-order flags */
	GRE_ROUTING_ = 0x4000,
	GRE_KEY_ = 0x2000,
	GRE_SEQ_ = 0x1000,
	GRE_ACK_ = 0x0080,
	GRE_VERSION_ = 0x0007,
	ARPHRD_ETHER_ = 1,
	ARPHRD_PPP_ = 512,
	ARPHRD_LOOPBACK_ = 772,
	ARPHRD_IEEE80211_RADIOTAP_ = 803,
	ARPHRD_NONE_ = 0xfffe,
};

/* The captured frame, and the length the kernel would have seen. */
struct frame {
	const uint8_t *d;
	uint32_t caplen;
	uint32_t wirelen;
};

static bool have(const struct frame *f, uint64_t off, uint32_t n)
{
	return off + n <= f->caplen;
}

static uint16_t be16_at(const struct frame *f, uint32_t off)
{
	uint16_t v;

	memcpy(&v, f->d + off, sizeof(v));
	return be16toh(v);
}

static bool is_vlan(uint16_t type)
{
	return type == ETH_P_8021Q_ || type == ETH_P_8021AD_; /* eth_type_vlan */
}

/* Dissection state: net/core/flow_dissector.c keeps the same in key_control and key_basic. */
struct dissect {
	uint32_t nhoff;
	uint8_t ip_proto;
	bool fragment, first_fragment;
};

enum { MAX_FLOW_DISSECT_HDRS = 15 };

/*
 * net/core/flow_dissector.c: __skb_flow_dissect_gre. 1: *proto and *nhoff now describe what
 * the GRE header carries; 0: stop here, good; -1: bad.
 */
static int gre(const struct frame *f, uint16_t *proto, uint32_t *nhoff)
{
	uint32_t off = 4;
	uint16_t flags, ver;

	if (!have(f, *nhoff, 4))
		return -1;
	flags = be16_at(f, *nhoff);
	ver = flags & GRE_VERSION_;
	if ((flags & GRE_ROUTING_) || ver > 1)
		return 0;
	*proto = be16_at(f, *nhoff + 2);
	if (ver == 1 && !(*proto == GRE_PROTO_PPP_ && (flags & GRE_KEY_)))
		return 0;
	if (flags & GRE_CSUM_)
		off += 4;
	if (flags & GRE_KEY_) {
		if (!have(f, (uint64_t)*nhoff + off, 4))
			return -1;
		off += 4;
	}
	if (flags & GRE_SEQ_)
		off += 4;
	if (ver == 0 && *proto == ETH_P_TEB_) {
		if (!have(f, (uint64_t)*nhoff + off, 14))
			return -1;
		*proto = be16_at(f, *nhoff + off + 12);
		off += 14;
	} else if (ver == 1) { /* PPTP */
		uint16_t ppp;

		if (flags & GRE_ACK_)
			off += 4;
		if (!have(f, (uint64_t)*nhoff + off, 4))
			return -1;
		ppp = be16_at(f, *nhoff + off + 2);
		if (ppp == PPP_IP_)
			*proto = ETH_P_IP_;
		else if (ppp == PPP_IPV6_)
			*proto = ETH_P_IPV6_;
		off += 4;
	}
	*nhoff += off;
	return 1;
}

/*
 * net/core/flow_dissector.c: __skb_flow_dissect with the basic keys and no flags, as
 * skb_get_poff calls it. True when the dissection succeeds (out_good); ds->nhoff is then the
 * transport offset. Only the protocols listed in vm.h are followed.
 */
static bool flow_dissect(const struct frame *f, uint16_t proto, struct dissect *ds, unsigned hdrs)
{
	enum { AGAIN_PROTO, AGAIN_IPPROTO, GOOD } next;

proto_again:
	switch (proto) {
	case ETH_P_IP_: {
		uint32_t ihl;
		uint16_t frag;

		if (!have(f, ds->nhoff, 20))
			return false;
		ihl = f->d[ds->nhoff] & 0xf;
		if (ihl < 5)
			return false;
		ds->ip_proto = f->d[ds->nhoff + 9];
		frag = be16_at(f, ds->nhoff + 6);
		ds->nhoff += ihl * 4;
		if (frag & 0x3fff) { /* ip_is_fragment: MF or an offset */
			ds->fragment = true;
			/* Without FLOW_DISSECTOR_F_PARSE_1ST_FRAG it stops at every fragment. */
			ds->first_fragment = !(frag & 0x1fff);
			return true;
		}
		break;
	}
	case ETH_P_IPV6_:
		if (!have(f, ds->nhoff, 40))
			return false;
		ds->ip_proto = f->d[ds->nhoff + 6];
		ds->nhoff += 40;
		break;
	case ETH_P_8021Q_:
	case ETH_P_8021AD_:
		/* A tag still in the data. */
		if (!have(f, ds->nhoff, 4))
			return false;
		proto = be16_at(f, ds->nhoff + 2);
		ds->nhoff += 4;
		if (++hdrs > MAX_FLOW_DISSECT_HDRS)
			return true;
		goto proto_again;
	case ETH_P_ARP_:
	case ETH_P_RARP_:
		/* __skb_flow_dissect_arp: good, not moving, when the ARP key is not asked for. */
		return true;
	case ETH_P_MPLS_UC_:
	case ETH_P_MPLS_MC_:
		/* __skb_flow_dissect_mpls is good without the MPLS keys; one label is passed. */
		ds->nhoff += 4;
		return true;
	case ETH_P_PPP_SES_: {
		uint16_t ppp;

		/* A session header (version 1, type 1, code 0) and the PPP protocol. */
		if (!have(f, ds->nhoff, 8) || f->d[ds->nhoff] != 0x11 || f->d[ds->nhoff + 1])
			return false;
		/*
		 * A compressed (one-byte) protocol fails ppp_proto_is_valid: the kernel stopped
		 * following those in 2025 ("PFC frames are not processed").
		 */
		ppp = be16_at(f, ds->nhoff + 6);
		ds->nhoff += 8;
		if (ppp == PPP_IP_)
			proto = ETH_P_IP_;
		else if (ppp == PPP_IPV6_)
			proto = ETH_P_IPV6_;
		else if (ppp == PPP_MPLS_UC_)
			proto = ETH_P_MPLS_UC_;
		else if (ppp == PPP_MPLS_MC_)
			proto = ETH_P_MPLS_MC_;
		else
			return (ppp & 0x0101) == 0x0001; /* ppp_proto_is_valid */
		if (++hdrs > MAX_FLOW_DISSECT_HDRS)
			return true;
		goto proto_again;
	}
	default:
		return false;
	}

ip_proto_again:
	next = GOOD;
	switch (ds->ip_proto) {
	case 0:	 /* NEXTHDR_HOP */
	case 43: /* NEXTHDR_ROUTING */
	case 60: /* NEXTHDR_DEST */
		if (proto != ETH_P_IPV6_)
			break;
		if (!have(f, ds->nhoff, 2))
			return false;
		ds->ip_proto = f->d[ds->nhoff];
		ds->nhoff += (f->d[ds->nhoff + 1] + 1u) << 3;
		next = AGAIN_IPPROTO;
		break;
	case 44: /* NEXTHDR_FRAGMENT */
		if (proto != ETH_P_IPV6_)
			break;
		if (!have(f, ds->nhoff, 8))
			return false;
		ds->fragment = true;
		ds->ip_proto = f->d[ds->nhoff];
		ds->first_fragment = !(be16_at(f, ds->nhoff + 2) & 0xfff8); /* IP6_OFFSET */
		ds->nhoff += 8;
		return true;
	case 47: /* IPPROTO_GRE */
		switch (gre(f, &proto, &ds->nhoff)) {
		case 0:
			return true;
		case -1:
			return false;
		}
		next = AGAIN_PROTO;
		break;
	case 137: /* IPPROTO_MPLS */
		proto = ETH_P_MPLS_UC_;
		next = AGAIN_PROTO;
		break;
	case 4: /* IPPROTO_IPIP */
		proto = ETH_P_IP_;
		next = AGAIN_PROTO;
		break;
	case 41: /* IPPROTO_IPV6 */
		proto = ETH_P_IPV6_;
		next = AGAIN_PROTO;
		break;
	}
	if (next != GOOD && ++hdrs <= MAX_FLOW_DISSECT_HDRS) {
		if (next == AGAIN_PROTO)
			goto proto_again;
		goto ip_proto_again;
	}
	return true;
}

/* net/core/flow_dissector.c: skb_get_poff and __skb_get_poff. */
static uint32_t payload_offset(const struct frame *f, uint16_t proto, uint32_t nhoff,
			       bool vlan_offloaded)
{
	struct dissect ds = { .nhoff = nhoff };
	uint32_t poff;
	uint16_t a, b;

	/*
	 * With an offloaded tag the dissector starts from vlan_proto and spends a round getting
	 * to skb->protocol (in which it also reads a tag in the data, if protocol says so).
	 */
	if (!flow_dissect(f, proto, &ds, vlan_offloaded && !is_vlan(proto) ? 1 : 0))
		return 0;
	/* thoff = min_t(u16, nhoff, skb->len) */
	a = (uint16_t)ds.nhoff;
	b = (uint16_t)f->wirelen;
	poff = a < b ? a : b;
	if (ds.fragment && !ds.first_fragment)
		return poff;
	switch (ds.ip_proto) {
	case 6: { /* TCP: the data offset, at least a bare header */
		uint32_t doff;

		if (!have(f, (uint64_t)poff + 12, 1))
			return poff;
		doff = (f->d[poff + 12] & 0xf0u) >> 2;
		poff += doff > 20 ? doff : 20;
		break;
	}
	case 17:  /* UDP */
	case 136: /* UDP-Lite */
		poff += 8;
		break;
	case 1:	 /* ICMP */
	case 58: /* ICMPv6 */
	case 2:	 /* IGMP */
		poff += 8;
		break;
	case 33: /* DCCP */
		poff += 12;
		break;
	case 132: /* SCTP */
		poff += 12;
		break;
	}
	return poff;
}

/*
 * A tag in the data treated as offloaded (skb_vlan_untag): metadata from it, the protocol
 * behind it. *off is where the tag starts, and moves past it.
 */
static void take_vlan(struct cbpf_meta *m, const struct frame *f, uint16_t tpid, uint32_t *off)
{
	m->vlan_present = true;
	m->vlan_proto = htobe16(tpid);
	m->vlan_tci = have(f, *off, 2) ? be16_at(f, *off) : 0;
	m->protocol = have(f, *off + 2, 2) ? htobe16(be16_at(f, *off + 2)) : 0;
	*off += 4;
}

/* net/ethernet/eth.c: eth_type_trans, without a device address (unicast is taken as ours). */
static void ethernet(struct cbpf_meta *m, const struct frame *f)
{
	uint32_t off = 14;
	uint16_t type;

	m->hatype = ARPHRD_ETHER_;
	if (have(f, 0, 6) && (f->d[0] & 1)) {
		static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

		m->pkttype = memcmp(f->d, bcast, 6) ? CBPF_PKT_MULTICAST : CBPF_PKT_BROADCAST;
	}
	m->net_off = off;
	if (!have(f, 12, 2))
		return;
	type = be16_at(f, 12);
	if (is_vlan(type)) {
		take_vlan(m, f, type, &off);
		m->net_off = off;
		return;
	}
	if (type >= ETH_P_802_3_MIN_)
		m->protocol = htobe16(type);
	else if (have(f, 14, 2) && be16_at(f, 14) == 0xffff)
		m->protocol = htobe16(ETH_P_802_3_); /* raw IPX */
	else
		m->protocol = htobe16(ETH_P_802_2_);
}

/* The cooked headers: LINUX_SLL (16 bytes) and LINUX_SLL2 (20 bytes). */
static void cooked(struct cbpf_meta *m, const struct frame *f, bool v2)
{
	uint32_t off = v2 ? 20 : 16;
	uint16_t type = 0;

	if (v2 && have(f, 0, 20)) {
		uint32_t ifindex;

		memcpy(&ifindex, f->d + 4, sizeof(ifindex));
		type = be16_at(f, 0);
		m->ifindex = be32toh(ifindex);
		m->hatype = be16_at(f, 8);
		m->pkttype = f->d[10];
	} else if (!v2 && have(f, 0, 16)) {
		m->pkttype = (uint8_t)be16_at(f, 0);
		m->hatype = be16_at(f, 2);
		type = be16_at(f, 14);
	}
	m->net_off = off;
	/* libpcap puts an offloaded tag back into the data, with the tag's type. */
	if (is_vlan(type)) {
		take_vlan(m, f, type, &off);
		m->net_off = off;
		return;
	}
	m->protocol = htobe16(type);
}

/* DLT_NULL (host byte order) and DLT_LOOP (network byte order) carry an address family. */
static void loopback(struct cbpf_meta *m, const struct frame *f, bool network_order)
{
	uint32_t family;

	m->hatype = ARPHRD_LOOPBACK_;
	m->net_off = 4;
	if (!have(f, 0, 4))
		return;
	memcpy(&family, f->d, sizeof(family));
	if (network_order)
		family = be32toh(family);
	else if (family > 0xffff) /* written by a host of the other byte order */
		family = __builtin_bswap32(family);
	if (family == 2)
		m->protocol = htobe16(ETH_P_IP_);
	else if (family == 10 || family == 24 || family == 28 || family == 30) /* AF_INET6s */
		m->protocol = htobe16(ETH_P_IPV6_);
}

/* An IP packet without a link header: the version says which. */
static void raw_ip(struct cbpf_meta *m, const struct frame *f, uint16_t fixed)
{
	m->hatype = ARPHRD_NONE_;
	m->net_off = 0;
	if (fixed)
		m->protocol = htobe16(fixed);
	else if (have(f, 0, 1) && f->d[0] >> 4 == 4)
		m->protocol = htobe16(ETH_P_IP_);
	else if (have(f, 0, 1) && f->d[0] >> 4 == 6)
		m->protocol = htobe16(ETH_P_IPV6_);
}

/* PPP in HDLC-like framing: ff 03 (optional), then the protocol (1 or 2 bytes). */
static void ppp(struct cbpf_meta *m, const struct frame *f)
{
	uint32_t off = 0;
	uint16_t type = 0;

	m->hatype = ARPHRD_PPP_;
	if (have(f, 0, 2) && f->d[0] == 0xff && f->d[1] == 0x03)
		off = 2;
	if (have(f, off, 1) && (f->d[off] & 1)) {
		type = f->d[off]; /* protocol field compression */
		off += 1;
	} else if (have(f, off, 2)) {
		type = be16_at(f, off);
		off += 2;
	}
	m->net_off = off;
	if (type == 0x0021)
		m->protocol = htobe16(ETH_P_IP_);
	else if (type == 0x0057)
		m->protocol = htobe16(ETH_P_IPV6_);
}

int cbpf_meta_from_frame(struct cbpf_meta *meta, int dlt, const uint8_t *frame, uint32_t caplen,
			 uint32_t wirelen)
{
	struct frame f = { frame, frame ? caplen : 0, wirelen };
	struct cbpf_meta m = *meta;

	m.protocol = 0;
	m.pkttype = CBPF_PKT_HOST;
	m.hatype = 0;
	m.vlan_present = false;
	m.vlan_tci = 0;
	m.vlan_proto = 0;
	m.net_off = 0;
	m.pay_off = 0;
	switch (dlt) {
	case DLT_EN10MB_:
		ethernet(&m, &f);
		break;
	case DLT_LINUX_SLL_:
		cooked(&m, &f, false);
		break;
	case DLT_LINUX_SLL2_:
		cooked(&m, &f, true);
		break;
	case DLT_RAW_:
	case DLT_RAW_OPENBSD_:
	case DLT_LINKTYPE_RAW_:
		raw_ip(&m, &f, 0);
		break;
	case DLT_IPV4_:
		raw_ip(&m, &f, ETH_P_IP_);
		break;
	case DLT_IPV6_:
		raw_ip(&m, &f, ETH_P_IPV6_);
		break;
	case DLT_NULL_:
		loopback(&m, &f, false);
		break;
	case DLT_LOOP_:
		loopback(&m, &f, true);
		break;
	case DLT_PPP_:
		ppp(&m, &f);
		break;
	case DLT_IEEE802_11_RADIO_:
		/* net/mac80211/rx.c hands monitor frames over as 802.2, to no one in particular. */
		m.hatype = ARPHRD_IEEE80211_RADIOTAP_;
		m.pkttype = CBPF_PKT_OTHERHOST;
		m.protocol = htobe16(ETH_P_802_2_);
		break;
	default:
		return -ENOTSUP;
	}
	m.pay_off = payload_offset(&f, be16toh(m.protocol), m.net_off, m.vlan_present);
	*meta = m;
	return 0;
}
