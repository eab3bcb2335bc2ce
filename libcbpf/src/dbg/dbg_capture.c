// SPDX-License-Identifier: MIT
/* The capture cursor: the current packet and the one ahead, read as a stream; select, next. */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "dbg/dbg_int.h"
#include "util/diag_int.h"

/* Makes a frame the current packet (copied); its run starts. */
static int take_frame(struct cbpf_dbg *dbg, const struct cbpf_frame *f, int linktype)
{
	if (f->caplen > dbg->pkt_size || !dbg->pkt) {
		size_t size = f->caplen > 64 ? f->caplen : 64;
		uint8_t *p = realloc(dbg->pkt, size);

		if (!p)
			return -ENOMEM;
		dbg->pkt = p;
		dbg->pkt_size = size;
	}
	if (f->caplen)
		memcpy(dbg->pkt, f->data, f->caplen);
	dbg->caplen = f->caplen;
	dbg->wirelen = f->wirelen;
	dbg->number = f->number;
	dbg->ts_sec = f->ts_sec;
	dbg->ts_nsec = f->ts_nsec;
	dbg->linktype = linktype;
	dbg->have_pkt = true;
	dbg->meta_ok = false;
	dbg_restart(dbg);
	return 0;
}

void dbg_capture_read_ahead(struct cbpf_dbg *dbg)
{
	int r;

	if (dbg->ahead_diags.n)
		cbpf_diags_free(&dbg->ahead_diags);
	r = cbpf_capture_next(dbg->cap, &dbg->ahead, &dbg->ahead_diags);
	dbg->have_ahead = r == 1;
	if (r == 1)
		dbg->last_read = dbg->ahead.number;
	else if (r == 0) {
		dbg->count = dbg->last_read;
		dbg->counted = true;
	}
}

int dbg_capture_report(uint64_t *reported, struct cbpf_diags *to, const struct cbpf_diags *from,
		       uint64_t number)
{
	for (size_t i = 0; i < from->n; i++) {
		const struct cbpf_diag *d = &from->v[i];

		if (d->severity != CBPF_SEV_ERROR && number <= *reported)
			continue;
		if (cbpf_diags_add(to, d->severity, d->file, d->line, d->col, d->len, d->insn, "%s",
				   d->msg))
			return -ENOMEM;
	}
	if (number > *reported)
		*reported = number;
	return 0;
}

int dbg_capture_forward(struct cbpf_dbg *dbg, struct cbpf_diags *diags)
{
	uint64_t number = dbg->ahead.number;
	int err = take_frame(dbg, &dbg->ahead, dbg->linktype);

	if (err)
		return err;
	if (dbg_capture_report(&dbg->reported, diags, &dbg->ahead_diags, number))
		return -ENOMEM;
	dbg_capture_read_ahead(dbg);
	return 0;
}

/*
 * A reader of file at its start and its first read: *r as cbpf_capture_next() returns it, the
 * frame in *f. Warnings are given as dbg_capture_report() gives them.
 */
static int open_reader(const struct cbpf_capture_file *file, uint64_t *reported,
		       struct cbpf_capture **out, struct cbpf_frame *f, int *r,
		       struct cbpf_diags *diags)
{
	struct cbpf_diags first = { 0 };
	struct cbpf_capture *cap;
	int err;

	err = cbpf_capture_file_read(file, &cap, diags);
	if (err)
		return err;
	*r = cbpf_capture_next(cap, f, &first);
	err = dbg_capture_report(reported, diags, &first, *r == 1 ? f->number : 0);
	cbpf_diags_free(&first);
	if (err || *r < 0) {
		cbpf_capture_close(cap);
		return err ? err : -EINVAL;
	}
	*out = cap;
	return 0;
}

/* The reader cap (just opened; r and f its first read) becomes the session's, at its start. */
static int take_reader(struct cbpf_dbg *dbg, struct cbpf_capture *cap, int r,
		       const struct cbpf_frame *f)
{
	int err;

	dbg->cap = cap;
	dbg->snaplen = cbpf_capture_snaplen(cap);
	if (r == 0) {
		/* A header and no packets, as tcpdump -w writes when nothing matched. */
		dbg->have_pkt = false;
		dbg->caplen = dbg->wirelen = 0;
		dbg->number = 0;
		dbg->ts_sec = 0;
		dbg->ts_nsec = 0;
		dbg->linktype = cbpf_capture_linktype(cap);
		dbg->meta_ok = false;
		dbg->last_read = 0;
		dbg->count = 0;
		dbg->counted = true;
		dbg_restart(dbg);
		return 0;
	}
	err = take_frame(dbg, f, cbpf_capture_linktype(cap));
	dbg->last_read = f->number;
	if (err)
		return err;
	dbg_capture_read_ahead(dbg);
	return 0;
}

/* Closes the reader and forgets what it read; the capture stays, to be read again. */
static void close_reader(struct cbpf_dbg *dbg)
{
	cbpf_capture_close(dbg->cap);
	dbg->cap = NULL;
	dbg->have_ahead = false;
	dbg->count = 0;
	dbg->counted = false;
	cbpf_diags_free(&dbg->ahead_diags);
}

void dbg_capture_close(struct cbpf_dbg *dbg)
{
	close_reader(dbg);
	cbpf_capture_file_close(dbg->file);
	dbg->file = NULL;
	dbg->path = NULL;
	dbg->reported = 0;
}

/*
 * A capture that cannot be read twice (a pipe, a FIFO, standard input) is kept where it can
 * first; the session's capture is replaced only when its first packet could be read.
 */
int dbg_capture_open(struct cbpf_dbg *dbg, const char *path, struct cbpf_diags *diags)
{
	struct cbpf_capture_file *file;
	struct cbpf_capture *cap;
	struct cbpf_frame f;
	uint64_t reported = 0, size;
	const char *copied;
	int err, r;

	err = cbpf_capture_file_open(path, &file, diags);
	if (err)
		return err;
	err = open_reader(file, &reported, &cap, &f, &r, diags);
	if (err) {
		cbpf_capture_file_close(file);
		return err;
	}
	copied = cbpf_capture_file_copied(file, &size);
	if (copied)
		cbpf_diags_add(diags, CBPF_SEV_NOTE, cbpf_capture_file_name(file), 0, 0, 0, -1,
			       "%s, which cannot be read twice: copied whole (%" PRIu64
			       " bytes) to an unnamed temporary file, gone at exit",
			       copied, size);
	dbg_capture_close(dbg);
	dbg->file = file;
	dbg->path = cbpf_capture_file_name(file);
	dbg->reported = reported;
	return take_reader(dbg, cap, r, &f);
}

int dbg_capture_reopen(struct cbpf_dbg *dbg, struct cbpf_diags *diags)
{
	uint64_t count = dbg->count;
	bool counted = dbg->counted;
	struct cbpf_capture *cap;
	struct cbpf_frame f;
	int err, r;

	err = open_reader(dbg->file, &dbg->reported, &cap, &f, &r, diags);
	if (err)
		return err;
	close_reader(dbg);
	err = take_reader(dbg, cap, r, &f);
	if (!err && !dbg->counted && counted) {
		dbg->count = count;
		dbg->counted = true;
	}
	return err;
}

/* Why there is no packet n: the file is damaged before it, or it has fewer packets. */
static int no_such_packet(struct cbpf_dbg *dbg, uint64_t n, struct cbpf_diags *diags)
{
	if (dbg->ahead_diags.errors) {
		diags_append(diags, &dbg->ahead_diags);
		return -EINVAL;
	}
	cbpf_diags_add(diags, CBPF_SEV_ERROR, dbg->path, 0, 0, 0, -1,
		       "no packet %" PRIu64 ": the capture holds %" PRIu64 " packet%s", n,
		       dbg->count, dbg->count == 1 ? "" : "s");
	return -ENOENT;
}

/* Moves forward with the current reader up to packet n. */
static int forward_to(struct cbpf_dbg *dbg, uint64_t n, struct cbpf_diags *diags)
{
	int err;

	while (dbg->number < n) {
		if (!dbg->have_ahead)
			return no_such_packet(dbg, n, diags);
		err = dbg_capture_forward(dbg, diags);
		if (err)
			return err;
	}
	return 0;
}

static int goto_packet(struct cbpf_dbg *dbg, uint64_t n, struct cbpf_diags *diags)
{
	if (n <= dbg->number) {
		int err = dbg_capture_reopen(dbg, diags);

		if (err)
			return err;
	}
	return forward_to(dbg, n, diags);
}

int cbpf_dbg_select(struct cbpf_dbg *dbg, uint64_t n, struct cbpf_diags *diags)
{
	uint64_t orig = dbg->number;
	struct cbpf_diags scratch = { 0 };
	int err;

	if (!dbg->cap) {
		cbpf_diags_add(diags, CBPF_SEV_ERROR, NULL, 0, 0, 0, -1, "no capture loaded");
		return -EINVAL;
	}
	if (n == 0) {
		cbpf_diags_add(diags, CBPF_SEV_ERROR, dbg->path, 0, 0, 0, -1,
			       "no packet 0: packets are numbered from 1");
		return -ENOENT;
	}
	if (n == dbg->number) {
		dbg_restart(dbg);
		dbg_tally_reset(dbg);
		return 0;
	}
	/* Packets past a known end need no reading. */
	if (dbg->counted && n > dbg->count && !dbg->ahead_diags.errors)
		return no_such_packet(dbg, n, diags);
	err = goto_packet(dbg, n, diags);
	if (err && err != -ENOMEM && dbg->cap)
		goto_packet(dbg, orig, &scratch); /* back where it was; it was read before */
	cbpf_diags_free(&scratch);
	if (!err)
		dbg_tally_reset(dbg);
	return err;
}

int cbpf_dbg_next(struct cbpf_dbg *dbg, struct cbpf_diags *diags)
{
	int err;

	if (!dbg->cap) {
		cbpf_diags_add(diags, CBPF_SEV_ERROR, NULL, 0, 0, 0, -1, "no capture loaded");
		return -EINVAL;
	}
	if (dbg->have_ahead) {
		err = dbg_capture_forward(dbg, diags);
		return err ? err : 1;
	}
	if (diags_append(diags, &dbg->ahead_diags))
		return -ENOMEM;
	err = goto_packet(dbg, 1, diags);
	if (!err)
		dbg_tally_reset(dbg); /* a new pass over the capture */
	return err ? err : 0;
}

int cbpf_dbg_set_packet(struct cbpf_dbg *dbg, const uint8_t *data, uint32_t caplen,
			uint32_t wirelen, int linktype)
{
	struct cbpf_frame f = { data, caplen, wirelen, 0, 0, 0 };

	if (caplen > wirelen || caplen > CBPF_DEFAULT_SNAPLEN)
		return -EINVAL;
	dbg_capture_close(dbg);
	dbg->snaplen = CBPF_DEFAULT_SNAPLEN;
	return take_frame(dbg, &f, linktype);
}

void cbpf_dbg_input(const struct cbpf_dbg *dbg, struct cbpf_dbg_input *out)
{
	memset(out, 0, sizeof(*out));
	out->have_packet = dbg->have_pkt;
	out->data = dbg->pkt;
	out->caplen = dbg->caplen;
	out->wirelen = dbg->wirelen;
	out->number = dbg->number;
	out->ts_sec = dbg->ts_sec;
	out->ts_nsec = dbg->ts_nsec;
	out->have_next = dbg->have_ahead;
	out->linktype = dbg->linktype;
	out->sd = &dbg->sd;
	out->capture = dbg->path;
	out->snaplen = dbg->snaplen;
	out->count = dbg->count;
	out->counted = dbg->counted;
}
