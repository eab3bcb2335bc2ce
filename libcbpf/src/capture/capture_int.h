/* SPDX-License-Identifier: MIT */
/* Inside the capture stage: readers named apart from their path, and what a capture starts with. */
#ifndef CBPF_CAPTURE_INT_H
#define CBPF_CAPTURE_INT_H

#include <stdbool.h>
#include <stdint.h>

#include "cbpf/capture.h"

/* cbpf_capture_open() of path, its messages naming the capture name instead. */
int capture_open_as(const char *path, const char *name, struct cbpf_capture **out,
		    struct cbpf_diags *diags);

/*
 * Whether the first four bytes of a file are a capture's magic number: pcap (microsecond,
 * nanosecond, and Alexey Kuznetzov's), in either byte order, or pcapng.
 */
bool capture_magic(const uint8_t b[4]);

/*
 * records.c: a classic pcap file's records handed out where they lie in the blocks read, until
 * one is anything but plain; libpcap then reads on from that record (off).
 */
struct capture_records {
	bool active; /* records are read here; false once libpcap has taken over */
	bool swapped, nano;
	int fd;
	uint32_t snaplen; /* libpcap's (pcap_snapshot): longer records are libpcap's to cut */
	uint64_t off;	  /* where the next record starts in the file: at buf[pos] */
	uint8_t *buf;	  /* the file from off on: buf[pos..len) */
	size_t size, pos, len;
};

/*
 * Whether fd, the file a libpcap reader of linktype and snaplen was opened on, can be read
 * here: a regular file in pcap 2.4 (either byte order, micro- or nanosecond), of a link type
 * whose records libpcap hands out untouched. *r is set up either way.
 */
bool capture_records_open(struct capture_records *r, int fd, int linktype, uint32_t snaplen);
/*
 * The next record, its data in r's buffer (valid until the next call): 1; or 0 when libpcap is
 * to read on from r->off (the end of the file, a record cut short or longer than snaplen, a
 * read that failed), after which r is inactive.
 */
int capture_records_next(struct capture_records *r, struct cbpf_frame *frame);
void capture_records_close(struct capture_records *r);

#endif
