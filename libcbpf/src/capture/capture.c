// SPDX-License-Identifier: MIT
/* Captures: classic pcap read in place (records.c), the rest through libpcap; written whole. */
#include <errno.h>
#include <inttypes.h>
#include <pcap/pcap.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "capture/capture_int.h"
#include "capture/pcap_int.h"
#include "cbpf/capture.h"
#include "util/outfile.h"

struct cbpf_capture {
	pcap_t *pcap;
	char *path;
	uint64_t count;
	long pos; /* pcap files that can tell their position: where the next record starts; -1 */
	bpf_u_int32 snaplen;
	char *iobuf;		    /* stdio's buffer for the file */
	struct capture_records rec; /* classic pcap: records read where they lie, while plain */
};

/* Reads in 256 KiB blocks: a 64th of the system calls of stdio's 4 KiB, and as flat. */
#define CAPTURE_IOBUF (256 * 1024)

/* "-" means stdin; a name for messages, never NULL. */
static const char *capture_name(const char *path)
{
	return strcmp(path, "-") ? path : "<stdin>";
}

int capture_open_as(const char *path, const char *name, struct cbpf_capture **out,
		    struct cbpf_diags *diags)
{
	char errbuf[PCAP_ERRBUF_SIZE] = "";
	struct cbpf_capture *cap;
	FILE *f;
	int err;

	/* fopen first, so that a missing file is told apart from one that is not a capture. */
	f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
	if (!f) {
		err = errno;
		cbpf_diags_add(diags, CBPF_SEV_ERROR, name, 0, 0, 0, -1, "cannot open: %s",
			       strerror(err));
		return err == ENOENT ? -ENOENT : err == EACCES ? -EPERM : -EINVAL;
	}
	cap = calloc(1, sizeof(*cap));
	if (!cap || !(cap->path = strdup(name))) {
		free(cap);
		if (f != stdin)
			fclose(f);
		return -ENOMEM;
	}
	/* glibc ignores the size unless it is given the buffer too; stdin may be in use. */
	if (f != stdin && (cap->iobuf = malloc(CAPTURE_IOBUF)))
		setvbuf(f, cap->iobuf, _IOFBF, CAPTURE_IOBUF);
	/* Nanosecond precision keeps whatever the file holds; pcapng is read as well. */
	cap->pcap = pcap_fopen_offline_with_tstamp_precision(f, PCAP_TSTAMP_PRECISION_NANO, errbuf);
	if (!cap->pcap) {
		cbpf_diags_add(diags, CBPF_SEV_ERROR, cap->path, 0, 0, 0, -1,
			       "not a pcap or pcapng capture: %s", errbuf);
		if (f != stdin)
			fclose(f);
		free(cap->iobuf);
		free(cap->path);
		free(cap);
		return -EINVAL;
	}
	/* pcap (not pcapng: version 1) records are a 16-byte header and the captured bytes. */
	cap->pos = f != stdin && pcap_major_version(cap->pcap) == 2 ? ftell(f) : -1;
	cap->snaplen = (bpf_u_int32)pcap_snapshot(cap->pcap);
	if (cap->pos >= 0)
		capture_records_open(&cap->rec, fileno(f), pcap_datalink(cap->pcap), cap->snaplen);
	*out = cap;
	return 0;
}

int cbpf_capture_open(const char *path, struct cbpf_capture **out, struct cbpf_diags *diags)
{
	return capture_open_as(path, capture_name(path), out, diags);
}

int cbpf_capture_probe(const char *path)
{
	uint8_t head[4];
	struct stat st;
	FILE *fp;
	bool yes;

	/* Only what can be read again may be looked into. */
	if (!strcmp(path, "-") ||
	    (!stat(path, &st) && !S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode)))
		return -ESPIPE;
	fp = fopen(path, "rb");
	if (!fp)
		return 0;
	yes = fread(head, 1, sizeof(head), fp) == sizeof(head) && capture_magic(head);
	fclose(fp);
	return yes;
}

int cbpf_capture_next(struct cbpf_capture *cap, struct cbpf_frame *frame, struct cbpf_diags *diags)
{
	struct pcap_pkthdr *hdr;
	const u_char *data;

	if (cap->rec.active) {
		if (capture_records_next(&cap->rec, frame)) {
			frame->number = ++cap->count;
			return 1;
		}
		/* libpcap reads on from the record left, and says what is wrong with it. */
		cap->pos = (long)cap->rec.off;
		if (fseek(pcap_file(cap->pcap), cap->pos, SEEK_SET)) {
			cbpf_diags_add(diags, CBPF_SEV_ERROR, cap->path, 0, 0, 0, -1,
				       "packet %" PRIu64 ": cannot seek: %s", cap->count + 1,
				       strerror(errno));
			return -EINVAL;
		}
	}
	switch (pcap_next_ex(cap->pcap, &hdr, &data)) {
	case 1:
		break;
	case PCAP_ERROR_BREAK: /* end of file */
		return 0;
	default:
		cbpf_diags_add(diags, CBPF_SEV_ERROR, cap->path, 0, 0, 0, -1,
			       "packet %" PRIu64 ": %s", cap->count + 1, pcap_geterr(cap->pcap));
		return -EINVAL;
	}
	cap->count++;
	/*
	 * libpcap cuts a record longer than the file's snapshot length to that length and says
	 * nothing; the file position tells (looked at only when caplen is the snapshot length).
	 */
	if (cap->pos >= 0) {
		long at = cap->pos + 16 + (long)hdr->caplen;

		if (hdr->caplen == cap->snaplen) {
			long real = ftell(pcap_file(cap->pcap));

			if (real > at)
				cbpf_diags_add(diags, CBPF_SEV_WARNING, cap->path, 0, 0, 0, -1,
					       "packet %" PRIu64
					       ": %ld bytes captured, more than the "
					       "snapshot length %u: only the first %u are read",
					       cap->count, real - cap->pos - 16, hdr->caplen,
					       hdr->caplen);
			at = real;
		}
		cap->pos = at;
	}
	frame->data = data;
	frame->caplen = hdr->caplen;
	frame->wirelen = hdr->len;
	frame->ts_sec = hdr->ts.tv_sec;
	frame->ts_nsec = (uint32_t)hdr->ts.tv_usec; /* nanoseconds at this precision */
	frame->number = cap->count;
	return 1;
}

int cbpf_capture_linktype(const struct cbpf_capture *cap)
{
	return pcap_datalink(cap->pcap);
}

uint32_t cbpf_capture_linktype_ext(const struct cbpf_capture *cap)
{
	return (uint32_t)pcap_datalink_ext(cap->pcap);
}

uint32_t cbpf_capture_snaplen(const struct cbpf_capture *cap)
{
	int snaplen = pcap_snapshot(cap->pcap);

	return snaplen > 0 ? (uint32_t)snaplen : 0;
}

int cbpf_capture_compile(struct cbpf_capture *cap, const char *expr,
			 const struct cbpf_compile_opts *opts, struct cbpf_prog **out,
			 struct cbpf_diags *diags)
{
	/* tcpdump -r FILE EXPR: compiled on the reader itself. */
	return capture_compile_on(cap->pcap, expr, opts, out, diags);
}

void cbpf_capture_close(struct cbpf_capture *cap)
{
	if (!cap)
		return;
	capture_records_close(&cap->rec);
	pcap_close(cap->pcap); /* closes the FILE, stdin included, as libpcap always does */
	free(cap->iobuf);
	free(cap->path);
	free(cap);
}

struct cbpf_capture_writer {
	char *path; /* what the caller named, for messages */
	struct cbpf_outfile file;
};

/* The upper six bits of a file's link-type field (libpcap's LT_FCS_DATALINK_EXT & co). */
#define LINKTYPE_EXT_MASK 0xfc000000u

static void writer_free(struct cbpf_capture_writer *w)
{
	free(w->path);
	free(w);
}

/*
 * The file header libpcap writes for linktype, then the extension bits a capture read carried
 * (the FCS length): libpcap maps DLT values to LINKTYPE ones itself, but its dumpers cannot be
 * given those bits, which tcpdump -w keeps by dumping through the reader.
 */
static int file_header(int linktype, uint32_t snaplen, uint8_t out[24])
{
	pcap_t *dead =
		pcap_open_dead_with_tstamp_precision((int)((uint32_t)linktype & ~LINKTYPE_EXT_MASK),
						     (int)snaplen, PCAP_TSTAMP_PRECISION_MICRO);
	pcap_dumper_t *d = NULL;
	char *buf = NULL;
	size_t len = 0;
	uint32_t field;
	FILE *mem;
	int err = -EINVAL;

	if (!dead)
		return -ENOMEM;
	mem = open_memstream(&buf, &len);
	if (mem)
		d = pcap_dump_fopen(dead, mem);
	else
		err = -ENOMEM;
	if (d) {
		pcap_dump_close(d); /* closes mem, which fills buf */
		mem = NULL;
		if (len == 24) {
			memcpy(out, buf, 24);
			memcpy(&field, out + 20, 4); /* host order, as libpcap writes it */
			field |= (uint32_t)linktype & LINKTYPE_EXT_MASK;
			memcpy(out + 20, &field, 4);
			err = 0;
		}
	}
	if (mem)
		fclose(mem);
	free(buf);
	pcap_close(dead);
	return err;
}

int cbpf_capture_writer_new(const char *path, int linktype, uint32_t snaplen,
			    struct cbpf_capture_writer **out, struct cbpf_diags *diags)
{
	struct cbpf_capture_writer *w = calloc(1, sizeof(*w));
	uint8_t header[24];
	int err = -ENOMEM;

	if (!w || !(w->path = strdup(path)))
		goto fail;
	err = file_header(linktype, snaplen, header);
	if (err) {
		if (err == -EINVAL)
			cbpf_diags_add(diags, CBPF_SEV_ERROR, path, 0, 0, 0, -1,
				       "cannot write: link type %d has no place in a pcap file",
				       linktype);
		goto fail;
	}
	err = cbpf_outfile_open(&w->file, path);
	if (err) {
		cbpf_diags_add(diags, CBPF_SEV_ERROR, path, 0, 0, 0, -1, "cannot create: %s",
			       strerror(-err));
		err = err == -ENOENT ? -ENOENT : err == -EACCES ? -EPERM : -EINVAL;
		goto fail;
	}
	fwrite(header, 1, sizeof(header), w->file.fp);
	*out = w;
	return 0;
fail:
	if (w)
		writer_free(w);
	return err;
}

int cbpf_capture_writer_add(struct cbpf_capture_writer *w, const struct cbpf_frame *frame)
{
	/* A record as libpcap's pcap_dump writes it: four 32-bit words in host order. */
	uint32_t rec[4] = {
		(uint32_t)frame->ts_sec,
		frame->ts_nsec / 1000,
		frame->caplen,
		frame->wirelen,
	};

	fwrite(rec, 1, sizeof(rec), w->file.fp);
	fwrite(frame->data, 1, frame->caplen, w->file.fp);
	return 0;
}

int cbpf_capture_writer_commit(struct cbpf_capture_writer *w, struct cbpf_diags *diags)
{
	int err = cbpf_outfile_commit(&w->file);

	if (err)
		cbpf_diags_add(diags, CBPF_SEV_ERROR, w->path, 0, 0, 0, -1, "cannot write: %s",
			       strerror(-err));
	writer_free(w);
	return err ? -EIO : 0;
}

void cbpf_capture_writer_abort(struct cbpf_capture_writer *w)
{
	if (!w)
		return;
	cbpf_outfile_abort(&w->file);
	writer_free(w);
}
