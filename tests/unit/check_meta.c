// SPDX-License-Identifier: MIT
/* Metadata from captured frames: protocol, pkttype, VLAN, offsets, the flow dissector's payload
 * offset (the values tests/tools/vm-kernel checks against the running kernel). */
#include <arpa/inet.h>
#include <string.h>

#include "cbpf.h"
#include "unit.h"

#define DLT_NULL	     0
#define DLT_PPP		     9
#define DLT_RAW		     12
#define DLT_LOOP	     108
#define DLT_LINUX_SLL	     113
#define DLT_IEEE802_11_RADIO 127
#define DLT_IPV4	     228
#define DLT_IPV6	     229
#define DLT_LINUX_SLL2	     276

static const uint8_t us[6] = { 0x02, 0, 0, 0, 0, 1 };

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/* An IPv4 header (ihl words, protocol, fragment field) and l4 bytes; TCP gets doff. */
static uint32_t ipv4(uint8_t *p, unsigned ihl, uint8_t proto, uint16_t frag, uint32_t l4,
		     unsigned doff)
{
	memset(p, 0, ihl * 4 + l4);
	p[0] = (uint8_t)(0x40 | ihl);
	put16(p + 2, (uint16_t)(ihl * 4 + l4));
	put16(p + 6, frag);
	p[8] = 64;
	p[9] = proto;
	if (l4 > 12)
		p[ihl * 4 + 12] = (uint8_t)(doff << 4);
	return ihl * 4 + l4;
}

static uint32_t ipv6(uint8_t *p, uint8_t next, const uint8_t *ext, uint32_t extlen, uint32_t l4,
		     unsigned doff)
{
	memset(p, 0, 40 + extlen + l4);
	p[0] = 0x60;
	put16(p + 4, (uint16_t)(extlen + l4));
	p[6] = next;
	p[7] = 64;
	if (extlen)
		memcpy(p + 40, ext, extlen);
	if (l4 > 12)
		p[40 + extlen + 12] = (uint8_t)(doff << 4);
	return 40 + extlen + l4;
}

static uint32_t ether(uint8_t *f, const uint8_t *dst, uint16_t type)
{
	memcpy(f, dst, 6);
	memcpy(f + 6, us, 6);
	put16(f + 12, type);
	return 14;
}

static struct cbpf_meta from(int dlt, const uint8_t *f, uint32_t len)
{
	struct cbpf_meta m = { 0 };

	ck_assert_int_eq(cbpf_meta_from_frame(&m, dlt, f, len, len), 0);
	return m;
}

static uint32_t poff_of(uint16_t type, const uint8_t *l3, uint32_t n)
{
	uint8_t f[300];
	uint32_t off = ether(f, us, type);

	memcpy(f + off, l3, n);
	return from(1, f, off + n).pay_off;
}

START_TEST(ethernet)
{
	uint8_t f[200], p[150];
	uint32_t n = ipv4(p, 5, 6, 0, 40, 5), off;
	struct cbpf_meta m;

	off = ether(f, us, 0x0800);
	memcpy(f + off, p, n);
	m = from(1, f, off + n);
	ck_assert_uint_eq(m.protocol, htons(0x0800));
	ck_assert_uint_eq(m.pkttype, CBPF_PKT_HOST);
	ck_assert_uint_eq(m.hatype, 1);
	ck_assert_uint_eq(m.net_off, 14);
	ck_assert_uint_eq(m.pay_off, 54);
	ck_assert(!m.vlan_present);

	memset(f, 0xff, 6);
	ck_assert_uint_eq(from(1, f, off + n).pkttype, CBPF_PKT_BROADCAST);
	memcpy(f, "\x01\x00\x5e\x00\x00\x01", 6);
	ck_assert_uint_eq(from(1, f, off + n).pkttype, CBPF_PKT_MULTICAST);
	memcpy(f, "\x33\x33\x00\x00\x00\x01", 6);
	ck_assert_uint_eq(from(1, f, off + n).pkttype, CBPF_PKT_MULTICAST);

	/* 802.3 lengths: eth_type_trans calls it 802.2, or raw 802.3 (IPX) after 0xffff. */
	put16(f + 12, 46);
	memset(f + 14, 0xaa, 46);
	ck_assert_uint_eq(from(1, f, 60).protocol, htons(0x0004));
	ck_assert_uint_eq(from(1, f, 60).pay_off, 0);
	f[14] = f[15] = 0xff;
	ck_assert_uint_eq(from(1, f, 60).protocol, htons(0x0001));
	put16(f + 12, 0x05ff);
	ck_assert_uint_eq(from(1, f, 60).protocol, htons(0x0001));
	put16(f + 12, 0x0600);
	ck_assert_uint_eq(from(1, f, 60).protocol, htons(0x0600));
}
END_TEST

START_TEST(vlan_tags)
{
	uint8_t f[200], p[150];
	uint32_t n = ipv4(p, 5, 17, 0, 20, 0);
	struct cbpf_meta m;

	ether(f, us, 0x8100);
	put16(f + 14, 0x2064);
	put16(f + 16, 0x0800);
	memcpy(f + 18, p, n);
	m = from(1, f, 18 + n);
	ck_assert(m.vlan_present);
	ck_assert_uint_eq(m.vlan_tci, 0x2064);
	ck_assert_uint_eq(m.vlan_proto, htons(0x8100));
	ck_assert_uint_eq(m.protocol, htons(0x0800));
	ck_assert_uint_eq(m.net_off, 18);
	ck_assert_uint_eq(m.pay_off, 18 + 20 + 8);

	/* 802.1ad outside 802.1Q: the outer tag is the offloaded one, the inner stays data. */
	ether(f, us, 0x88a8);
	put16(f + 14, 0x0005);
	put16(f + 16, 0x8100);
	put16(f + 18, 0x0006);
	put16(f + 20, 0x86dd);
	n = ipv6(p, 6, NULL, 0, 40, 8);
	memcpy(f + 22, p, n);
	m = from(1, f, 22 + n);
	ck_assert_uint_eq(m.vlan_proto, htons(0x88a8));
	ck_assert_uint_eq(m.vlan_tci, 5);
	ck_assert_uint_eq(m.protocol, htons(0x8100));
	ck_assert_uint_eq(m.net_off, 18);
	ck_assert_uint_eq(m.pay_off, 22 + 40 + 32);

	/* A tag cut short. */
	m = from(1, f, 15);
	ck_assert(m.vlan_present);
	ck_assert_uint_eq(m.vlan_tci, 0);
	ck_assert_uint_eq(m.protocol, 0);
	ck_assert_uint_eq(m.pay_off, 0);
}
END_TEST

START_TEST(payload_offsets)
{
	uint8_t p[200], ext[16] = { 0 };
	uint32_t n;

	/* TCP: the data offset, at least 20; cut before the offset byte: the header start. */
	n = ipv4(p, 5, 6, 0, 40, 5);
	ck_assert_uint_eq(poff_of(0x0800, p, n), 14 + 20 + 20);
	n = ipv4(p, 5, 6, 0, 40, 8);
	ck_assert_uint_eq(poff_of(0x0800, p, n), 14 + 20 + 32);
	n = ipv4(p, 5, 6, 0, 40, 2);
	ck_assert_uint_eq(poff_of(0x0800, p, n), 14 + 20 + 20);
	n = ipv4(p, 5, 6, 0, 12, 0);
	ck_assert_uint_eq(poff_of(0x0800, p, n), 14 + 20);
	/* The headers of fixed size. */
	static const struct {
		uint8_t proto;
		uint32_t size;
	} l4[] = { { 17, 8 }, { 136, 8 }, { 1, 8 }, { 2, 8 }, { 33, 12 }, { 132, 12 }, { 253, 0 } };
	for (size_t i = 0; i < sizeof(l4) / sizeof(l4[0]); i++) {
		n = ipv4(p, 5, l4[i].proto, 0, 16, 0);
		ck_assert_uint_eq(poff_of(0x0800, p, n), 14 + 20 + l4[i].size);
	}
	/* Options; a header longer than the packet (thoff is capped at skb->len); ihl < 5. */
	n = ipv4(p, 7, 17, 0, 16, 0);
	ck_assert_uint_eq(poff_of(0x0800, p, n), 14 + 28 + 8);
	ipv4(p, 15, 17, 0, 0, 0);
	ck_assert_uint_eq(poff_of(0x0800, p, 24), 14 + 24 + 8);
	n = ipv4(p, 4, 17, 0, 16, 0);
	ck_assert_uint_eq(poff_of(0x0800, p, n), 0);
	ck_assert_uint_eq(poff_of(0x0800, p, 19), 0);
	/* Fragments: the first has its L4 header counted, the later ones do not. */
	n = ipv4(p, 5, 6, 0x2000, 40, 8);
	ck_assert_uint_eq(poff_of(0x0800, p, n), 14 + 20 + 32);
	n = ipv4(p, 5, 6, 0x0010, 40, 8);
	ck_assert_uint_eq(poff_of(0x0800, p, n), 14 + 20);
	n = ipv4(p, 5, 6, 0x4000, 40, 6); /* DF alone is no fragment */
	ck_assert_uint_eq(poff_of(0x0800, p, n), 14 + 20 + 24);
	/* IP in IP. */
	n = ipv4(p, 5, 4, 0, 60, 0);
	ipv4(p + 20, 5, 6, 0, 40, 7);
	ck_assert_uint_eq(poff_of(0x0800, p, n), 14 + 40 + 28);
	/* IPv6, extension headers, fragments. */
	n = ipv6(p, 6, NULL, 0, 40, 9);
	ck_assert_uint_eq(poff_of(0x86dd, p, n), 14 + 40 + 36);
	n = ipv6(p, 58, NULL, 0, 16, 0);
	ck_assert_uint_eq(poff_of(0x86dd, p, n), 14 + 40 + 8);
	ext[0] = 17;
	ext[1] = 1;
	n = ipv6(p, 0, ext, 16, 16, 0);
	ck_assert_uint_eq(poff_of(0x86dd, p, n), 14 + 40 + 16 + 8);
	memset(ext, 0, sizeof(ext));
	ext[0] = 6;
	n = ipv6(p, 44, ext, 8, 40, 6);
	ck_assert_uint_eq(poff_of(0x86dd, p, n), 14 + 48 + 24);
	ext[2] = 1;
	n = ipv6(p, 44, ext, 8, 40, 6);
	ck_assert_uint_eq(poff_of(0x86dd, p, n), 14 + 48);
	ck_assert_uint_eq(poff_of(0x86dd, p, 39), 0);
	/* ARP stops where it starts; unknown types fail. */
	memset(p, 0, 28);
	ck_assert_uint_eq(poff_of(0x0806, p, 28), 14);
	ck_assert_uint_eq(poff_of(0x1234, p, 28), 0);
	/* MPLS: one label; GRE carrying IP; PPPoE sessions. */
	ck_assert_uint_eq(poff_of(0x8847, p, 28), 18);
	n = ipv4(p, 5, 47, 0, 4 + 28, 0);
	memcpy(p + 20, "\x00\x00\x08\x00", 4);
	ipv4(p + 24, 5, 17, 0, 8, 0);
	ck_assert_uint_eq(poff_of(0x0800, p, n), 14 + 20 + 4 + 20 + 8);
	memcpy(p + 20, "\x40\x00\x08\x00", 4); /* routing present: stop at GRE */
	ck_assert_uint_eq(poff_of(0x0800, p, n), 14 + 20);
	memcpy(p, "\x11\x00\x00\x01\x00\x30\x00\x21", 8);
	n = 8 + ipv4(p + 8, 5, 17, 0, 20, 0);
	ck_assert_uint_eq(poff_of(0x8864, p, n), 14 + 8 + 20 + 8);
	p[7] = 0x20; /* not a PPP protocol number */
	ck_assert_uint_eq(poff_of(0x8864, p, n), 0);
	memcpy(p, "\x11\x00\x00\x01\x00\x30\xc0\x21", 8); /* LCP: good, no further */
	ck_assert_uint_eq(poff_of(0x8864, p, 30), 14 + 8);
	memcpy(p, "\x11\x00\x00\x01\x00\x30\x21\x45", 8); /* a compressed protocol: refused */
	ck_assert_uint_eq(poff_of(0x8864, p, 30), 0);
}
END_TEST

START_TEST(cooked_headers)
{
	uint8_t f[200], p[100];
	uint32_t n = ipv4(p, 5, 17, 0, 8, 0);
	struct cbpf_meta m;

	memset(f, 0, 20);
	put16(f, 4);	   /* outgoing */
	put16(f + 2, 772); /* loopback */
	put16(f + 14, 0x0800);
	memcpy(f + 16, p, n);
	m = from(DLT_LINUX_SLL, f, 16 + n);
	ck_assert_uint_eq(m.pkttype, CBPF_PKT_OUTGOING);
	ck_assert_uint_eq(m.hatype, 772);
	ck_assert_uint_eq(m.protocol, htons(0x0800));
	ck_assert_uint_eq(m.net_off, 16);
	ck_assert_uint_eq(m.pay_off, 16 + 28);

	/* A tag libpcap put back. */
	put16(f + 14, 0x8100);
	put16(f + 16, 0x0003);
	put16(f + 18, 0x0800);
	memcpy(f + 20, p, n);
	m = from(DLT_LINUX_SLL, f, 20 + n);
	ck_assert(m.vlan_present);
	ck_assert_uint_eq(m.vlan_tci, 3);
	ck_assert_uint_eq(m.protocol, htons(0x0800));
	ck_assert_uint_eq(m.net_off, 20);
	ck_assert_uint_eq(m.pay_off, 20 + 28);

	memset(f, 0, 20);
	put16(f, 0x86dd);
	f[7] = 9; /* ifindex 9 */
	put16(f + 8, 1);
	f[10] = CBPF_PKT_MULTICAST;
	n = ipv6(p, 17, NULL, 0, 8, 0);
	memcpy(f + 20, p, n);
	m = from(DLT_LINUX_SLL2, f, 20 + n);
	ck_assert_uint_eq(m.ifindex, 9);
	ck_assert_uint_eq(m.hatype, 1);
	ck_assert_uint_eq(m.pkttype, CBPF_PKT_MULTICAST);
	ck_assert_uint_eq(m.protocol, htons(0x86dd));
	ck_assert_uint_eq(m.net_off, 20);
	ck_assert_uint_eq(m.pay_off, 20 + 48);
}
END_TEST

START_TEST(other_link_types)
{
	uint8_t f[200], p[100];
	uint32_t n4 = ipv4(p, 5, 17, 0, 8, 0);
	struct cbpf_meta m;

	m = from(DLT_RAW, p, n4);
	ck_assert_uint_eq(m.protocol, htons(0x0800));
	ck_assert_uint_eq(m.net_off, 0);
	ck_assert_uint_eq(m.hatype, 0xfffe);
	ck_assert_uint_eq(m.pay_off, 28);
	ck_assert_uint_eq(from(101, p, n4).protocol, htons(0x0800)); /* LINKTYPE_RAW */
	ck_assert_uint_eq(from(DLT_IPV4, p, n4).protocol, htons(0x0800));
	ck_assert_uint_eq(from(DLT_IPV6, p, n4).protocol, htons(0x86dd));

	/* DLT_NULL: the family in the writer's byte order; DLT_LOOP: network order. */
	memcpy(f, "\x02\x00\x00\x00", 4);
	memcpy(f + 4, p, n4);
	m = from(DLT_NULL, f, 4 + n4);
	ck_assert_uint_eq(m.protocol, htons(0x0800));
	ck_assert_uint_eq(m.net_off, 4);
	ck_assert_uint_eq(m.pay_off, 4 + 28);
	memcpy(f, "\x00\x00\x00\x1e", 4); /* 30, Darwin's AF_INET6, big-endian writer */
	ck_assert_uint_eq(from(DLT_NULL, f, 4 + n4).protocol, htons(0x86dd));
	memcpy(f, "\x00\x00\x00\x18", 4);
	ck_assert_uint_eq(from(DLT_LOOP, f, 4 + n4).protocol, htons(0x86dd));
	memcpy(f, "\x18\x00\x00\x00", 4);
	ck_assert_uint_eq(from(DLT_LOOP, f, 4 + n4).protocol, 0);

	/* PPP with and without the address and control bytes. */
	memcpy(f, "\xff\x03\x00\x21", 4);
	m = from(DLT_PPP, f, 4 + n4);
	ck_assert_uint_eq(m.protocol, htons(0x0800));
	ck_assert_uint_eq(m.net_off, 4);
	ck_assert_uint_eq(m.hatype, 512);
	memcpy(f, "\x00\x57", 2);
	ck_assert_uint_eq(from(DLT_PPP, f, 2 + n4).protocol, htons(0x86dd));
	ck_assert_uint_eq(from(DLT_PPP, f, 2 + n4).net_off, 2);
	f[0] = 0x21; /* a compressed protocol field */
	ck_assert_uint_eq(from(DLT_PPP, f, 1 + n4).net_off, 1);

	m = from(DLT_IEEE802_11_RADIO, p, 30);
	ck_assert_uint_eq(m.hatype, 803);
	ck_assert_uint_eq(m.pkttype, CBPF_PKT_OTHERHOST);
	ck_assert_uint_eq(m.pay_off, 0);
}
END_TEST

START_TEST(callers_fields_kept_and_unknown_link_types)
{
	struct cbpf_meta m = { .mark = 7,
			       .queue = 2,
			       .rxhash = 9,
			       .cpu = 3,
			       .random = 4,
			       .ifindex = 5,
			       .no_dev = true,
			       .no_mac = true,
			       .pay_off = 99,
			       .vlan_present = true };
	struct cbpf_meta before;
	uint8_t f[64] = { 0 };

	ck_assert_int_eq(cbpf_meta_from_frame(&m, 1, f, sizeof(f), 1000), 0);
	ck_assert_uint_eq(m.mark, 7);
	ck_assert_uint_eq(m.queue, 2);
	ck_assert_uint_eq(m.rxhash, 9);
	ck_assert_uint_eq(m.cpu, 3);
	ck_assert_uint_eq(m.random, 4);
	ck_assert_uint_eq(m.ifindex, 5);
	ck_assert(m.no_dev && m.no_mac);
	ck_assert(!m.vlan_present); /* derived: reset */
	ck_assert_uint_eq(m.pay_off, 0);
	before = m;
	ck_assert_int_eq(cbpf_meta_from_frame(&m, 147, f, sizeof(f), 64), -ENOTSUP);
	ck_assert_int_eq(memcmp(&m, &before, sizeof(m)), 0);
	/* Nothing captured is no error. */
	for (int dlt = 0; dlt < 300; dlt++) {
		struct cbpf_meta z = { 0 };
		int err = cbpf_meta_from_frame(&z, dlt, NULL, 0, 0);

		ck_assert(err == 0 || err == -ENOTSUP);
		ck_assert_uint_eq(z.pay_off, 0);
	}
}
END_TEST

Suite *meta_suite(void)
{
	Suite *s = suite_create("meta");
	TCase *tc = tcase_create("frames");

	tcase_add_test(tc, ethernet);
	tcase_add_test(tc, vlan_tags);
	tcase_add_test(tc, payload_offsets);
	tcase_add_test(tc, cooked_headers);
	tcase_add_test(tc, other_link_types);
	tcase_add_test(tc, callers_fields_kept_and_unknown_link_types);
	suite_add_tcase(s, tc);
	return s;
}
