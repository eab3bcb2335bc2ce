// SPDX-License-Identifier: MIT
/*
 * cbpf-pcapgen: pcaps/bad/, inputs a capture reader must refuse or survive, cut from the bytes
 * of eth-ipv4-tcp.pcap: truncated files, a bad magic, impossible record lengths, an empty
 * file, a header without packets, and the same packets as pcapng.
 */
#include <stdlib.h>
#include <string.h>

#include "gen.h"

/* Offsets of the first n record headers of a pcap file in memory (n at most the records). */
static size_t record_at(const struct buf *b, unsigned n)
{
	size_t off = 24;

	for (unsigned i = 0; i < n; i++) {
		uint32_t caplen = (uint32_t)b->p[off + 8] | (uint32_t)b->p[off + 9] << 8 |
				  (uint32_t)b->p[off + 10] << 16 | (uint32_t)b->p[off + 11] << 24;

		off += 16 + caplen;
	}
	return off;
}

struct bad_file {
	const char *name;
	const char *kind; /* what is wrong, for the manifest */
	unsigned packets; /* complete, valid records before the defect */
	struct buf b;
};

static int emit(const char *dir, struct bad_file *f, FILE *manifest)
{
	int err = 0;

	if (dir) {
		size_t n = strlen(dir) + strlen(f->name) + sizeof("/bad/");
		char *path = xrealloc(NULL, n);

		snprintf(path, n, "%s/bad/%s", dir, f->name);
		err = write_if_changed(path, &f->b);
		free(path);
	}
	if (!err && manifest)
		fprintf(manifest, "bad bad/%s %s %u\n", f->name, f->kind, f->packets);
	buf_free(&f->b);
	return err;
}

int write_bad(const char *dir, const struct cap *like, FILE *manifest)
{
	const struct buf *src = &like->out;
	struct bad_file f;
	uint8_t h[24];
	size_t at;
	int err = 0;

	/* cut in the middle of the fourth record header, then in the middle of its data */
	at = record_at(src, 3);
	f = (struct bad_file){ "truncated-in-record-header.pcap", "truncated", 3, { 0 } };
	buf_add(&f.b, src->p, at + 8);
	err |= emit(dir, &f, manifest);
	f = (struct bad_file){ "truncated-in-packet-data.pcap", "truncated", 3, { 0 } };
	buf_add(&f.b, src->p, at + 16 + (record_at(src, 4) - at - 16) / 2);
	err |= emit(dir, &f, manifest);

	f = (struct bad_file){ "bad-magic.pcap", "bad-magic", 0, { 0 } };
	buf_add(&f.b, src->p, src->len);
	le32(f.b.p, 0xdeadbeef);
	err |= emit(dir, &f, manifest);

	/* the third record claims 1 MiB, more than any link type allows (262144) */
	at = record_at(src, 2);
	f = (struct bad_file){ "caplen-over-262144.pcap", "caplen-too-big", 2, { 0 } };
	buf_add(&f.b, src->p, at);
	pcap_rec_header(h, 1700000000ull * 1000000000u, false, 1u << 20, 1u << 20);
	buf_add(&f.b, h, 16);
	buf_add(&f.b, src->p + at + 16, 64);
	err |= emit(dir, &f, manifest);

	/*
	 * A file that says snaplen 128 whose fourth record (the HTTP request) has all of its
	 * bytes anyway; the other five are cut at 128 as they should be.
	 */
	f = (struct bad_file){ "caplen-over-snaplen.pcap", "caplen-over-snaplen", 6, { 0 } };
	pcap_file_header(h, like->linktype, 128, false);
	buf_add(&f.b, h, 24);
	for (unsigned i = 0; i < 6; i++) {
		const uint8_t *r = src->p + record_at(src, i);
		uint32_t len = (uint32_t)r[12] | (uint32_t)r[13] << 8 | (uint32_t)r[14] << 16;
		uint32_t caplen = i == 3 || len < 128 ? len : 128;

		buf_add(&f.b, r, 8);
		le32(h, caplen);
		le32(h + 4, len);
		buf_add(&f.b, h, 8);
		buf_add(&f.b, r + 16, caplen);
	}
	err |= emit(dir, &f, manifest);

	f = (struct bad_file){ "empty.pcap", "empty", 0, { 0 } };
	err |= emit(dir, &f, manifest);

	f = (struct bad_file){ "header-only.pcap", "ok", 0, { 0 } };
	buf_add(&f.b, src->p, 24);
	err |= emit(dir, &f, manifest);

	f = (struct bad_file){ "eth-ipv4-tcp.pcapng", "ok", like->count, { 0 } };
	buf_add(&f.b, like->pcapng.p, like->pcapng.len);
	err |= emit(dir, &f, manifest);
	return err ? -1 : 0;
}
