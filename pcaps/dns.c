// SPDX-License-Identifier: MIT
/* cbpf-pcapgen: DNS messages (RFC 1035) with compressed names, for the UDP payloads. */
#include <assert.h>
#include <string.h>

#include "gen.h"

#define DNS_MX 15

static uint8_t *dns_put(struct dns *d, size_t n)
{
	uint8_t *at = d->b + d->len;

	assert(n <= sizeof(d->b) - d->len);
	d->len += n;
	return at;
}

void dns_begin(struct dns *d, uint16_t id, uint16_t flags, uint16_t qd, uint16_t an, uint16_t ns)
{
	uint8_t *h;

	d->len = 0;
	h = dns_put(d, 12);
	put16(h, id);
	put16(h + 2, flags);
	put16(h + 4, qd);
	put16(h + 6, an);
	put16(h + 8, ns);
	put16(h + 10, 0);
}

/*
 * Writes name as labels ("" is the root), ending with a pointer to the name at offset tail
 * when tail is not 0, else with the root label. Returns the offset where the name starts.
 */
size_t dns_name(struct dns *d, const char *name, size_t tail)
{
	size_t start = d->len;

	while (*name) {
		size_t n = strcspn(name, ".");

		assert(n > 0 && n < 64);
		*dns_put(d, 1) = (uint8_t)n;
		memcpy(dns_put(d, n), name, n);
		name += n;
		if (*name == '.')
			name++;
	}
	if (tail)
		put16(dns_put(d, 2), (uint16_t)(0xc000 | tail));
	else
		*dns_put(d, 1) = 0;
	return start;
}

/* A question for name, class IN; returns the offset of the name for later pointers. */
size_t dns_question(struct dns *d, const char *name, uint16_t type)
{
	size_t at = dns_name(d, name, 0);
	uint8_t *h = dns_put(d, 4);

	put16(h, type);
	put16(h + 2, 1);
	return at;
}

static uint8_t *rr_head(struct dns *d, size_t owner, uint16_t type, uint32_t ttl)
{
	uint8_t *h = dns_put(d, 12);

	put16(h, (uint16_t)(0xc000 | owner));
	put16(h + 2, type);
	put16(h + 4, 1);
	put32(h + 6, ttl);
	return h + 10; /* RDLENGTH, filled in by the caller */
}

/* A resource record of class IN whose owner is the name at offset owner. */
void dns_rr(struct dns *d, size_t owner, uint16_t type, uint32_t ttl, const void *rdata,
	    size_t rdlen)
{
	put16(rr_head(d, owner, type, ttl), (uint16_t)rdlen);
	memcpy(dns_put(d, rdlen), rdata, rdlen);
}

/* A record whose data is a name (CNAME, PTR, NS), or a preference and a name (MX). */
void dns_rr_name(struct dns *d, size_t owner, uint16_t type, uint32_t ttl, uint16_t pref,
		 const char *name, size_t tail)
{
	size_t rdlen_at = (size_t)(rr_head(d, owner, type, ttl) - d->b), start = d->len;

	if (type == DNS_MX)
		put16(dns_put(d, 2), pref);
	dns_name(d, name, tail);
	put16(d->b + rdlen_at, (uint16_t)(d->len - start));
}
