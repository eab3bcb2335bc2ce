// SPDX-License-Identifier: MIT
/*
 * cbpf-pcapgen: the manifest's filters, and which packets each one selects by what the builder
 * put into them. tests/suites/pcaps.sh runs every filter through tcpdump and compares counts.
 */
#include <assert.h>
#include <string.h>

#include "gen.h"

enum {
	T_IP,
	T_IP6,
	T_ARP,
	T_TCP,
	T_UDP,
	T_ICMP,
	T_ICMP6,
	T_VLAN,
	T_VLAN2,
	T_VLAN100,
	T_VLAN_IP,
	T_VLAN2_IP,
	T_MPLS,
	T_MPLS2,
	T_MPLS_IP,
	T_MPLS2_IP,
	T_SYN,
	T_SYN_ONLY,
	T_SYNACK,
	T_FIN,
	T_RST,
	T_PSH,
	T_URG,
	T_ACK,
	T_NOFLAGS,
	T_SYN6,
	T_FRAG,
	T_FRAG_FIRST,
	T_FRAG_MID,
	T_FRAG_LAST,
	T_DF,
	T_IPOPT,
	T_HBH6,
	T_FRAG6,
	T_DNS,
	T_DNS_RESP,
	T_PORT80,
	T_PORT443,
	T_SSH,
	T_HOST,
	T_NET,
	T_SRCNET,
	T_HOST6,
	T_NET6,
	T_MCAST6,
	T_ETH_BCAST,
	T_ETH_MCAST,
	T_ARP_REQ,
	T_ARP_REP,
	T_ECHO,
	T_ECHOREPLY,
	T_UNREACH,
	T_TIMXCEED,
	T_ECHO6,
	T_ECHOREPLY6,
	T_NS,
	T_NA,
	T_RA,
	T_GREATER,
	T_LESS,
	T_OUTBOUND,
	T_IFINDEX,
	T_COUNT
};

static_assert(T_COUNT <= NTAGS, "one bit per tag");

#define L2	  TAG_ETH
#define ARP_LINKS (TAG_ETH | TAG_SLL | TAG_SLL2)

const struct tag tags[] = {
	[T_IP] = { "ip", TAG_ANY },
	[T_IP6] = { "ip6", TAG_ANY },
	[T_ARP] = { "arp", ARP_LINKS },
	[T_TCP] = { "tcp", TAG_ANY },
	[T_UDP] = { "udp", TAG_ANY },
	[T_ICMP] = { "icmp", TAG_ANY },
	[T_ICMP6] = { "icmp6", TAG_ANY },
	[T_VLAN] = { "vlan", L2 },
	[T_VLAN2] = { "vlan and vlan", L2 },
	[T_VLAN100] = { "vlan 100", L2 },
	[T_VLAN_IP] = { "vlan and ip", L2 },
	[T_VLAN2_IP] = { "vlan and vlan and ip", L2 },
	[T_MPLS] = { "mpls", L2 },
	[T_MPLS2] = { "mpls and mpls", L2 },
	[T_MPLS_IP] = { "mpls and ip", L2 },
	[T_MPLS2_IP] = { "mpls and mpls and ip", L2 },
	[T_SYN] = { "tcp[tcpflags] & tcp-syn != 0", TAG_ANY },
	[T_SYN_ONLY] = { "tcp[tcpflags] == tcp-syn", TAG_ANY },
	[T_SYNACK] = { "tcp[tcpflags] & (tcp-syn|tcp-ack) == (tcp-syn|tcp-ack)", TAG_ANY },
	[T_FIN] = { "tcp[tcpflags] & tcp-fin != 0", TAG_ANY },
	[T_RST] = { "tcp[tcpflags] & tcp-rst != 0", TAG_ANY },
	[T_PSH] = { "tcp[tcpflags] & tcp-push != 0", TAG_ANY },
	[T_URG] = { "tcp[tcpflags] & tcp-urg != 0", TAG_ANY },
	[T_ACK] = { "tcp[tcpflags] & tcp-ack != 0", TAG_ANY },
	[T_NOFLAGS] = { "tcp[tcpflags] == 0", TAG_ANY },
	[T_SYN6] = { "ip6 and tcp and ip6[53] & 2 != 0", TAG_ANY },
	[T_FRAG] = { "ip[6:2] & 0x3fff != 0", TAG_ANY },
	[T_FRAG_FIRST] = { "ip[6:2] & 0x3fff == 0x2000", TAG_ANY },
	[T_FRAG_MID] = { "ip[6:2] & 0x2000 != 0 and ip[6:2] & 0x1fff != 0", TAG_ANY },
	[T_FRAG_LAST] = { "ip[6:2] & 0x2000 == 0 and ip[6:2] & 0x1fff != 0", TAG_ANY },
	[T_DF] = { "ip[6] & 0x40 != 0", TAG_ANY },
	[T_IPOPT] = { "ip[0] & 0xf > 5", TAG_ANY },
	[T_HBH6] = { "ip6[6] == 0", TAG_ANY },
	[T_FRAG6] = { "ip6[6] == 44", TAG_ANY },
	[T_DNS] = { "udp port 53", TAG_ANY },
	[T_DNS_RESP] = { "udp src port 53", TAG_ANY },
	[T_PORT80] = { "port 80", TAG_ANY },
	[T_PORT443] = { "port 443", TAG_ANY },
	[T_SSH] = { "tcp port 22", TAG_ANY },
	[T_HOST] = { "host 10.0.0.1", ARP_LINKS | TAG_RAW | TAG_NULL },
	[T_NET] = { "net 192.168.0.0/16", ARP_LINKS | TAG_RAW | TAG_NULL },
	[T_SRCNET] = { "src net 10.0.0.0/8", ARP_LINKS | TAG_RAW | TAG_NULL },
	[T_HOST6] = { "host 2001:db8::80", TAG_ANY },
	[T_NET6] = { "net 2001:db8:1::/48", TAG_ANY },
	[T_MCAST6] = { "ip6 multicast", TAG_ANY },
	[T_ETH_BCAST] = { "ether broadcast", L2 },
	[T_ETH_MCAST] = { "ether multicast", L2 },
	[T_ARP_REQ] = { "arp[6:2] == 1", ARP_LINKS },
	[T_ARP_REP] = { "arp[6:2] == 2", ARP_LINKS },
	[T_ECHO] = { "icmp[icmptype] == icmp-echo", TAG_ANY },
	[T_ECHOREPLY] = { "icmp[icmptype] == icmp-echoreply", TAG_ANY },
	[T_UNREACH] = { "icmp[icmptype] == icmp-unreach", TAG_ANY },
	[T_TIMXCEED] = { "icmp[icmptype] == icmp-timxceed", TAG_ANY },
	[T_ECHO6] = { "icmp6[icmp6type] == icmp6-echo", TAG_ANY },
	[T_ECHOREPLY6] = { "icmp6[icmp6type] == icmp6-echoreply", TAG_ANY },
	[T_NS] = { "icmp6[icmp6type] == icmp6-neighborsolicit", TAG_ANY },
	[T_NA] = { "icmp6[icmp6type] == icmp6-neighboradvert", TAG_ANY },
	[T_RA] = { "icmp6[icmp6type] == icmp6-routeradvert", TAG_ANY },
	[T_GREATER] = { "greater 200", TAG_ANY },
	[T_LESS] = { "less 100", TAG_ANY },
	[T_OUTBOUND] = { "outbound", TAG_SLL | TAG_SLL2 },
	[T_IFINDEX] = { "ifindex 2", TAG_SLL2 },
};

const unsigned ntags = T_COUNT;

unsigned tag_link_bit(int linktype)
{
	switch (linktype) {
	case LT_EN10MB:
		return TAG_ETH;
	case LT_LINUX_SLL:
		return TAG_SLL;
	case LT_LINUX_SLL2:
		return TAG_SLL2;
	case LT_RAW:
		return TAG_RAW;
	default:
		return TAG_NULL;
	}
}

/* tcpdump's names for the link types (its "link-type NAME (...)" line). */
const char *linktype_name(int linktype)
{
	switch (linktype) {
	case LT_EN10MB:
		return "EN10MB";
	case LT_LINUX_SLL:
		return "LINUX_SLL";
	case LT_LINUX_SLL2:
		return "LINUX_SLL2";
	case LT_RAW:
		return "RAW";
	default:
		return "NULL";
	}
}

static bool in_net(const uint8_t *a, const uint8_t *net, unsigned bits)
{
	for (unsigned i = 0; i < bits; i++) {
		unsigned m = 0x80u >> (i % 8);

		if ((a[i / 8] & m) != (net[i / 8] & m))
			return false;
	}
	return true;
}

#define SET(t, cond)                                                                               \
	do {                                                                                       \
		if (cond)                                                                          \
			bits |= (uint64_t)1 << (t);                                                \
	} while (0)

/*
 * The tags of one packet as captured (caplen bytes of it). A BPF filter rejects a packet as
 * soon as it loads past the captured bytes, so a tag also needs the bytes its filter reads.
 */
uint64_t pkt_tags(const struct pkt *p, int linktype, size_t caplen)
{
	const struct pkt_info *in = &p->info;
	uint64_t bits = 0;
	bool top = in->nvlan == 0 && in->nmpls == 0, eth = linktype == LT_EN10MB;
	bool v4 = top && in->l3 == ETH_IP, v6 = top && in->l3 == ETH_IP6;
	bool arp = top && in->l3 == ETH_ARP;
	size_t l3 = in->l3pos - p->head, l4 = in->l4 ? in->l4pos - p->head : 0;
	bool first = !(in->ip_frag & 0x1fff);
	uint8_t fl = in->tcp_flags;
	/* libpcap's ip6 protocol test also looks past one fragment header (gencode.c) */
	bool frag_nh = in->ip6_nh == P_FRAG && caplen >= l3 + 41;
	bool tcp4 = v4 && in->proto == P_TCP && first && caplen >= l4 + 14;
	bool icmp4 = v4 && in->proto == P_ICMP && first && caplen >= l4 + 1;
	bool icmp6 = v6 && in->ip6_nh == P_ICMP6 && caplen >= l3 + 41;
	bool ports =
		in->l4 && caplen >= l4 + 4 && ((v4 && first) || (v6 && in->ip6_nh == in->proto));
	bool host4 = (v4 && caplen >= l3 + 20) || (arp && caplen >= l3 + 28);
	static const uint8_t net192[4] = { 192, 168, 0, 0 }, net10[4] = { 10, 0, 0, 0 };
	static const uint8_t net6[16] = { 0x20, 0x01, 0x0d, 0xb8, 0x00, 0x01 };
	static const uint8_t host10[4] = { 10, 0, 0, 1 };
	static const uint8_t host6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 0x80 };

	SET(T_IP, v4);
	SET(T_IP6, v6);
	SET(T_ARP, arp);
	for (int i = 0; i < 4; i++) {
		static const uint8_t proto[4] = { P_TCP, P_UDP, P_ICMP, P_ICMP6 };
		static const int tag[4] = { T_TCP, T_UDP, T_ICMP, T_ICMP6 };
		uint8_t pr = proto[i];

		SET(tag[i], (v4 && pr != P_ICMP6 && in->proto == pr && caplen >= l3 + 10) ||
				    (v6 && pr != P_ICMP &&
				     (in->ip6_nh == pr || (frag_nh && in->ip6_nh2 == pr))));
	}

	SET(T_VLAN, in->nvlan >= 1);
	SET(T_VLAN2, in->nvlan >= 2);
	SET(T_VLAN100, in->nvlan >= 1 && in->vid[0] == 100);
	SET(T_VLAN_IP, in->nvlan == 1 && in->l3 == ETH_IP);
	SET(T_VLAN2_IP, in->nvlan == 2 && in->l3 == ETH_IP);
	SET(T_MPLS, in->nmpls >= 1);
	SET(T_MPLS2, in->nmpls >= 2);
	SET(T_MPLS_IP, in->nmpls == 1 && in->l3 == ETH_IP);
	SET(T_MPLS2_IP, in->nmpls == 2 && in->l3 == ETH_IP);

	SET(T_SYN, tcp4 && (fl & TH_SYN));
	SET(T_SYN_ONLY, tcp4 && fl == TH_SYN);
	SET(T_SYNACK, tcp4 && (fl & (TH_SYN | TH_ACK)) == (TH_SYN | TH_ACK));
	SET(T_FIN, tcp4 && (fl & TH_FIN));
	SET(T_RST, tcp4 && (fl & TH_RST));
	SET(T_PSH, tcp4 && (fl & TH_PSH));
	SET(T_URG, tcp4 && (fl & TH_URG));
	SET(T_ACK, tcp4 && (fl & TH_ACK));
	SET(T_NOFLAGS, tcp4 && fl == 0);
	SET(T_SYN6, v6 && in->ip6_nh == P_TCP && (fl & TH_SYN) && caplen >= l3 + 54);

	SET(T_FRAG, v4 && (in->ip_frag & 0x3fff));
	SET(T_FRAG_FIRST, v4 && (in->ip_frag & 0x3fff) == 0x2000);
	SET(T_FRAG_MID, v4 && (in->ip_frag & 0x2000) && (in->ip_frag & 0x1fff));
	SET(T_FRAG_LAST, v4 && !(in->ip_frag & 0x2000) && (in->ip_frag & 0x1fff));
	SET(T_DF, v4 && (in->ip_frag & 0x4000));
	SET(T_IPOPT, v4 && in->ip_hl > 20);
	SET(T_HBH6, v6 && in->ip6_nh == P_HOPOPTS);
	SET(T_FRAG6, v6 && in->ip6_nh == P_FRAG);

	SET(T_DNS, ports && in->proto == P_UDP && (in->sport == 53 || in->dport == 53));
	SET(T_DNS_RESP, ports && in->proto == P_UDP && in->sport == 53);
	SET(T_PORT80, ports && (in->proto == P_TCP || in->proto == P_UDP) &&
			      (in->sport == 80 || in->dport == 80));
	SET(T_PORT443, ports && (in->proto == P_TCP || in->proto == P_UDP) &&
			       (in->sport == 443 || in->dport == 443));
	SET(T_SSH, ports && in->proto == P_TCP && (in->sport == 22 || in->dport == 22));

	SET(T_HOST, host4 && (!memcmp(in->src, host10, 4) || !memcmp(in->dst, host10, 4)));
	SET(T_NET, host4 && (in_net(in->src, net192, 16) || in_net(in->dst, net192, 16)));
	SET(T_SRCNET, host4 && in_net(in->src, net10, 8));
	SET(T_HOST6, v6 && caplen >= l3 + 40 &&
			     (!memcmp(in->src, host6, 16) || !memcmp(in->dst, host6, 16)));
	SET(T_NET6,
	    v6 && caplen >= l3 + 40 && (in_net(in->src, net6, 48) || in_net(in->dst, net6, 48)));
	SET(T_MCAST6, v6 && caplen >= l3 + 25 && in->dst[0] == 0xff);

	SET(T_ETH_BCAST, eth && in->eth_bcast);
	SET(T_ETH_MCAST, eth && (in->eth_dst0 & 1));
	SET(T_ARP_REQ, arp && caplen >= l3 + 8 && in->arp_op == 1);
	SET(T_ARP_REP, arp && caplen >= l3 + 8 && in->arp_op == 2);

	SET(T_ECHO, icmp4 && in->icmp_type == 8);
	SET(T_ECHOREPLY, icmp4 && in->icmp_type == 0);
	SET(T_UNREACH, icmp4 && in->icmp_type == 3);
	SET(T_TIMXCEED, icmp4 && in->icmp_type == 11);
	SET(T_ECHO6, icmp6 && in->icmp_type == 128);
	SET(T_ECHOREPLY6, icmp6 && in->icmp_type == 129);
	SET(T_NS, icmp6 && in->icmp_type == 135);
	SET(T_NA, icmp6 && in->icmp_type == 136);
	SET(T_RA, icmp6 && in->icmp_type == 134);

	SET(T_GREATER, pkt_len(p) >= 200);
	SET(T_LESS, pkt_len(p) <= 100);
	SET(T_OUTBOUND,
	    (linktype == LT_LINUX_SLL || linktype == LT_LINUX_SLL2) && in->sll_pkttype == 4);
	SET(T_IFINDEX, linktype == LT_LINUX_SLL2 && in->sll2_ifindex == 2);
	return bits;
}
