// SPDX-License-Identifier: MIT
/*
 * cbpf-pcapgen: capture files written by hand, little-endian whatever the host (so they are the
 * same bytes everywhere): pcap (www.tcpdump.org/manpages/pcap-savefile.5.html) and pcapng
 * (draft-ietf-opsawg-pcapng: SHB, IDB, EPB). Files are replaced through a temporary file.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "gen.h"

/* 2023-11-14 22:13:20 UTC: every capture starts here. */
#define TS_BASE_NS (1700000000ull * 1000000000ull)

void *xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n);

	if (!q) {
		fprintf(stderr, PROG ": out of memory\n");
		exit(1);
	}
	return q;
}

void buf_add(struct buf *b, const void *data, size_t n)
{
	if (n == 0)
		return;
	if (n > b->cap - b->len) {
		size_t cap = b->cap ? b->cap : 4096;

		while (n > cap - b->len)
			cap *= 2;
		b->p = xrealloc(b->p, cap);
		b->cap = cap;
	}
	memcpy(b->p + b->len, data, n);
	b->len += n;
}

void buf_free(struct buf *b)
{
	free(b->p);
	memset(b, 0, sizeof(*b));
}

void le16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

void le32(uint8_t *p, uint32_t v)
{
	le16(p, (uint16_t)v);
	le16(p + 2, (uint16_t)(v >> 16));
}

/* Magic (microseconds or nanoseconds), version 2.4, zone 0, sigfigs 0, snaplen, link type. */
void pcap_file_header(uint8_t out[24], int linktype, uint32_t snaplen, bool nsec)
{
	le32(out, nsec ? 0xa1b23c4d : 0xa1b2c3d4);
	le16(out + 4, 2);
	le16(out + 6, 4);
	le32(out + 8, 0);
	le32(out + 12, 0);
	le32(out + 16, snaplen);
	le32(out + 20, (uint32_t)linktype);
}

void pcap_rec_header(uint8_t out[16], uint64_t ts_ns, bool nsec, uint32_t caplen, uint32_t len)
{
	uint32_t frac = (uint32_t)(ts_ns % 1000000000u);

	le32(out, (uint32_t)(ts_ns / 1000000000u));
	le32(out + 4, nsec ? frac : frac / 1000);
	le32(out + 8, caplen);
	le32(out + 12, len);
}

FILE *output_open(const char *path, struct cbpf_outfile *o)
{
	int err = cbpf_outfile_open(o, path);

	if (err) {
		fprintf(stderr, PROG ": %s: %s\n", path, strerror(-err));
		return NULL;
	}
	return o->fp;
}

/* Closes the file and renames the temporary file into place; on any error removes it. */
int output_commit(struct cbpf_outfile *o, const char *path)
{
	int err = cbpf_outfile_commit(o);

	if (err)
		fprintf(stderr, PROG ": %s: %s\n", strcmp(path, "-") ? path : "stdout",
			strerror(-err));
	return err ? -1 : 0;
}

/* Leaves a file that already holds these bytes alone, so that make does not touch it. */
int write_if_changed(const char *path, const struct buf *b)
{
	FILE *f = fopen(path, "rb");
	struct cbpf_outfile out;

	if (f) {
		uint8_t *old = xrealloc(NULL, b->len + 1);
		size_t n = fread(old, 1, b->len + 1, f);
		bool same = n == b->len && (n == 0 || !memcmp(old, b->p, n));

		free(old);
		fclose(f);
		if (same)
			return 0;
	}
	f = output_open(path, &out);
	if (!f)
		return -1;
	errno = 0;
	if (b->len)
		fwrite(b->p, 1, b->len, f);
	return output_commit(&out, path);
}

/* ---------------------------------------------------------------- pcapng, by hand */

static void ng_opt(struct buf *b, uint16_t code, const void *val, size_t len)
{
	static const uint8_t zero[4];
	uint8_t h[4];

	le16(h, code);
	le16(h + 2, (uint16_t)len);
	buf_add(b, h, 4);
	buf_add(b, val, len);
	buf_add(b, zero, (4 - len % 4) % 4);
}

/* Closes the block that starts at offset start: total length at both ends. */
static void ng_end(struct buf *b, size_t start)
{
	uint8_t t[4];

	le32(t, (uint32_t)(b->len + 4 - start));
	buf_add(b, t, 4);
	memcpy(b->p + start + 4, t, 4);
}

static void ng_begin(struct buf *b, uint32_t type)
{
	uint8_t h[8];

	le32(h, type);
	le32(h + 4, 0);
	buf_add(b, h, 8);
}

static void ng_header(struct cap *c)
{
	struct buf *b = &c->pcapng;
	uint8_t h[16], tsresol = c->nsec ? 9 : 6;
	size_t start = b->len;
	static const char app[] = PROG;
	static const char ifname[] = "eth0";

	ng_begin(b, 0x0a0d0d0a); /* section header */
	le32(h, 0x1a2b3c4d);
	le16(h + 4, 1);
	le16(h + 6, 0);
	memset(h + 8, 0xff, 8); /* section length unknown */
	buf_add(b, h, 16);
	ng_opt(b, 4, app, strlen(app)); /* shb_userappl */
	ng_opt(b, 0, NULL, 0);
	ng_end(b, start);

	start = b->len;
	ng_begin(b, 1); /* interface description */
	le16(h, (uint16_t)c->linktype);
	le16(h + 2, 0);
	le32(h + 4, c->snaplen);
	buf_add(b, h, 8);
	ng_opt(b, 2, ifname, strlen(ifname)); /* if_name */
	ng_opt(b, 9, &tsresol, 1);	      /* if_tsresol: 10^-6 or 10^-9 */
	ng_opt(b, 0, NULL, 0);
	ng_end(b, start);
}

static void ng_packet(struct buf *b, uint64_t ts, const uint8_t *data, uint32_t caplen,
		      uint32_t len)
{
	static const uint8_t zero[4];
	size_t start = b->len;
	uint8_t h[20];

	ng_begin(b, 6); /* enhanced packet */
	le32(h, 0);	/* interface 0 */
	le32(h + 4, (uint32_t)(ts >> 32));
	le32(h + 8, (uint32_t)ts);
	le32(h + 12, caplen);
	le32(h + 16, len);
	buf_add(b, h, 20);
	buf_add(b, data, caplen);
	buf_add(b, zero, (4 - caplen % 4) % 4);
	ng_end(b, start);
}

/* ---------------------------------------------------------------- captures in memory */

void cap_init(struct cap *c, const char *name, int linktype, uint32_t snaplen, const char *desc)
{
	uint8_t h[24];

	memset(c, 0, sizeof(*c));
	c->name = name;
	c->linktype = linktype;
	c->snaplen = snaplen;
	c->desc = desc;
	c->ts_ns = TS_BASE_NS;
	c->gap_ns = 1000000;
	pcap_file_header(h, linktype, snaplen, false);
	buf_add(&c->out, h, sizeof(h));
}

/* Nanosecond timestamps (the other pcap magic); call before adding packets. */
void cap_set_nsec(struct cap *c)
{
	c->nsec = true;
	pcap_file_header(c->out.p, c->linktype, c->snaplen, true);
}

/* Also write the packets as pcapng; call before adding packets. */
void cap_set_pcapng(struct cap *c)
{
	c->want_pcapng = true;
	ng_header(c);
}

void cap_add(struct cap *c, const struct pkt *p)
{
	uint32_t len = (uint32_t)pkt_len(p);
	uint32_t caplen = len < c->snaplen ? len : c->snaplen;
	uint64_t bits;
	uint8_t h[16];

	if (c->limit && c->count >= c->limit)
		return;
	bits = pkt_tags(p, c->linktype, caplen);
	pcap_rec_header(h, c->ts_ns, c->nsec, caplen, len);
	if (c->stream) {
		fwrite(h, 1, sizeof(h), c->stream);
		fwrite(p->buf + p->head, 1, caplen, c->stream);
	} else {
		buf_add(&c->out, h, sizeof(h));
		buf_add(&c->out, p->buf + p->head, caplen);
	}
	if (c->want_pcapng)
		ng_packet(&c->pcapng, c->ts_ns / (c->nsec ? 1 : 1000), p->buf + p->head, caplen,
			  len);
	for (unsigned t = 0; t < ntags; t++)
		c->tagcount[t] += (unsigned)(bits >> t & 1);
	c->truncated += caplen < len;
	c->count++;
	/* gap_ns apart (a millisecond unless said otherwise), plus up to as much again */
	c->ts_ns += c->gap_ns + c->gap_ns * (c->count * 7919u % 997u) / 997u / 1000u * 1000u;
	if (c->nsec)
		c->ts_ns += c->count * 137u % 1000u;
	if (c->mirror)
		cap_add(c->mirror, p);
}

void cap_wait(struct cap *c, uint64_t usec)
{
	c->ts_ns += usec * 1000;
}

void cap_free(struct cap *c)
{
	buf_free(&c->out);
	buf_free(&c->pcapng);
}

/*
 * The manifest, one fact per line, fields separated by single spaces, the free text last:
 *   file NAME LINKTYPE SNAPLEN PACKETS DESCRIPTION
 *   truncated NAME PACKETS          (captured length below the original length)
 *   count NAME PACKETS FILTER       (packets that the tcpdump filter selects)
 */
void cap_manifest(const struct cap *c, FILE *f)
{
	unsigned link = tag_link_bit(c->linktype);

	fprintf(f, "file %s %s %u %u %s\n", c->name, linktype_name(c->linktype), c->snaplen,
		c->count, c->desc);
	fprintf(f, "truncated %s %u\n", c->name, c->truncated);
	for (unsigned t = 0; t < ntags; t++)
		if (tags[t].links & link)
			fprintf(f, "count %s %u %s\n", c->name, c->tagcount[t], tags[t].filter);
}
