// SPDX-License-Identifier: MIT
/* The metadata fields a session's packets carry: the table that sessions and conditions share. */
#include <assert.h>
#include <endian.h>
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include "dbg/dbg_int.h"

/* How a field sits in struct cbpf_meta; parallel to fields[]. */
struct field_impl {
	const char *alias; /* bpf_asm's name for its ancillary load, or NULL */
	size_t off;
	uint8_t size; /* 1 (bool or u8), 2 or 4 bytes */
	bool be16;    /* kept in network byte order */
};

#define U16 0xffffu
#define U32 0xffffffffu
static const struct cbpf_dbg_field fields[] = {
	{ "protocol", "skb->protocol, the ethertype: ld #proto", U16, true },
	{ "pkttype",
	  "skb->pkt_type: ld #type (0 host, 1 broadcast, 2 multicast, 3 other host, "
	  "4 outgoing)",
	  7, true },
	{ "ifindex", "the device's index: ld #ifidx", U32, true },
	{ "hatype", "the device's ARPHRD_* type: ld #hatype", U16, true },
	{ "mark", "skb->mark: ld #mark", U32, false },
	{ "queue", "skb->queue_mapping: ld #queue", U16, false },
	{ "rxhash", "skb->hash: ld #rxhash", U32, false },
	{ "cpu", "the CPU running the filter: ld #cpu", U32, false },
	{ "random", "what ld #rand returns", U32, false },
	{ "vlan_present", "an offloaded VLAN tag is present: ld #vlan_avail", 1, true },
	{ "vlan_tci", "the offloaded VLAN tag: ld #vlan_tci", U16, true },
	{ "vlan_proto", "the VLAN tag's protocol: ld #vlan_tpid", U16, true },
	{ "pay_off", "the payload offset the flow dissector finds: ld #poff", U32, true },
	{ "net_off", "where the network header starts (SKF_NET_OFF loads)", U32, true },
	{ "no_dev", "no device (unix and netlink sockets): ld #ifidx and #hatype end the program",
	  1, false },
	{ "no_mac", "no link-layer header: SKF_LL_OFF loads fail", 1, false },
};

#define F(name, sz) offsetof(struct cbpf_meta, name), sz
static const struct field_impl impls[] = {
	{ "proto", F(protocol, 2), true }, { "type", F(pkttype, 1), false },
	{ "ifidx", F(ifindex, 4), false }, { NULL, F(hatype, 2), false },
	{ NULL, F(mark, 4), false },	   { NULL, F(queue, 2), false },
	{ NULL, F(rxhash, 4), false },	   { NULL, F(cpu, 4), false },
	{ "rand", F(random, 4), false },   { "vlan_avail", F(vlan_present, 1), false },
	{ NULL, F(vlan_tci, 2), false },   { "vlan_tpid", F(vlan_proto, 2), true },
	{ "poff", F(pay_off, 4), false },  { NULL, F(net_off, 4), false },
	{ NULL, F(no_dev, 1), false },	   { NULL, F(no_mac, 1), false },
};
#undef F
#define NFIELDS (sizeof(fields) / sizeof(fields[0]))
static_assert(sizeof(impls) / sizeof(impls[0]) == NFIELDS, "one impl per field");
static_assert(sizeof(bool) == 1, "bool fields are one byte");

const struct cbpf_dbg_field *cbpf_dbg_fields(size_t *count)
{
	*count = NFIELDS;
	return fields;
}

int dbg_field_lookup(const char *name, size_t len)
{
	for (size_t i = 0; i < NFIELDS; i++) {
		const char *a = impls[i].alias;

		if ((strlen(fields[i].name) == len && !memcmp(fields[i].name, name, len)) ||
		    (a && strlen(a) == len && !memcmp(a, name, len)))
			return (int)i;
	}
	return -1;
}

uint64_t dbg_field_value(const struct cbpf_meta *meta, size_t i)
{
	const uint8_t *p = (const uint8_t *)meta + impls[i].off;
	uint32_t v32;
	uint16_t v16;

	switch (impls[i].size) {
	case 1:
		return p[0];
	case 2:
		memcpy(&v16, p, 2);
		return impls[i].be16 ? be16toh(v16) : v16;
	default:
		memcpy(&v32, p, 4);
		return v32;
	}
}

static void field_store(struct cbpf_meta *meta, size_t i, uint64_t v)
{
	uint8_t *p = (uint8_t *)meta + impls[i].off;
	uint32_t v32 = (uint32_t)v;
	uint16_t v16 = (uint16_t)v;

	switch (impls[i].size) {
	case 1:
		p[0] = (uint8_t)v;
		break;
	case 2:
		if (impls[i].be16)
			v16 = htobe16(v16);
		memcpy(p, &v16, 2);
		break;
	default:
		memcpy(p, &v32, 4);
		break;
	}
}

void dbg_meta_for(const struct cbpf_dbg *dbg, const uint8_t *data, uint32_t caplen,
		  uint32_t wirelen, int linktype, struct cbpf_meta *out)
{
	struct cbpf_meta m = dbg->base;

	/* A link type it does not know leaves the derived fields 0: nothing else to say. */
	(void)cbpf_meta_from_frame(&m, linktype, data, caplen, wirelen);
	if (dbg->set_mask & dbg->derived_mask)
		for (size_t i = 0; i < NFIELDS; i++)
			if (dbg->set_mask & dbg->derived_mask & (1u << i))
				field_store(&m, i, dbg_field_value(&dbg->user, i));
	*out = m;
}

void dbg_meta_update(struct cbpf_dbg *dbg)
{
	dbg->base = dbg->user;
	dbg->derived_mask = 0;
	for (size_t i = 0; i < NFIELDS; i++) {
		if (!fields[i].derived)
			continue;
		field_store(&dbg->base, i, 0);
		dbg->derived_mask |= 1u << i;
	}
	dbg->meta_ok = false;
}

void dbg_meta_ensure(struct cbpf_dbg *dbg)
{
	if (dbg->meta_ok)
		return;
	if (dbg->have_pkt)
		dbg_meta_for(dbg, dbg->pkt, dbg->caplen, dbg->wirelen, dbg->linktype, &dbg->meta);
	else
		dbg_meta_for(dbg, NULL, 0, 0, -1, &dbg->meta);
	dbg->meta_ok = true;
}

const struct cbpf_meta *cbpf_dbg_meta(struct cbpf_dbg *dbg)
{
	dbg_meta_ensure(dbg);
	return &dbg->meta;
}

static int field_find(const char *name)
{
	return name ? dbg_field_lookup(name, strlen(name)) : -1;
}

int cbpf_dbg_meta_set(struct cbpf_dbg *dbg, const char *name, uint64_t value)
{
	int i = field_find(name);

	if (i < 0)
		return -ENOENT;
	if (value > fields[i].max)
		return -EINVAL;
	field_store(&dbg->user, (size_t)i, value);
	dbg->set_mask |= 1u << i;
	dbg_meta_update(dbg);
	dbg_restart(dbg);
	return 0;
}

int cbpf_dbg_meta_reset(struct cbpf_dbg *dbg, const char *name)
{
	if (!name) {
		memset(&dbg->user, 0, sizeof(dbg->user));
		dbg->set_mask = 0;
	} else {
		int i = field_find(name);

		if (i < 0)
			return -ENOENT;
		field_store(&dbg->user, (size_t)i, 0);
		dbg->set_mask &= ~(1u << i);
	}
	dbg_meta_update(dbg);
	dbg_restart(dbg);
	return 0;
}

int cbpf_dbg_meta_get(struct cbpf_dbg *dbg, const char *name, uint64_t *value, bool *is_set)
{
	int i = field_find(name);

	if (i < 0)
		return -ENOENT;
	dbg_meta_ensure(dbg);
	*value = dbg_field_value(&dbg->meta, (size_t)i);
	if (is_set)
		*is_set = dbg->set_mask & (1u << i);
	return 0;
}
