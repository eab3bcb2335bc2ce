// SPDX-License-Identifier: MIT
/*
 * Classic pcap files read in large blocks and their records handed out where they lie in the
 * block, uncopied, until one is anything but plain, where libpcap takes over.
 */
#include <errno.h>
#include <pcap/pcap.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "capture/capture_int.h"

/*
 * The block: what one pread brings in. Big enough that the system calls cost nothing beside
 * the copy, small enough to stay in the cache while its records are filtered (docs/capture.md
 * has the figures: a mapping of the file was measured too, and lost).
 */
#define RECORDS_BLOCK (128u << 10)

/* pcap's magic numbers, as read in this machine's order: microseconds, nanoseconds. */
#define PCAP_MAGIC_US 0xa1b2c3d4u
#define PCAP_MAGIC_NS 0xa1b23c4du

static uint32_t get32(const uint8_t *p, bool swapped)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return swapped ? __builtin_bswap32(v) : v;
}

/*
 * Link types whose records libpcap hands out as the file has them. For others it may rewrite
 * the data or the header after reading (pcap_post_process: USB and NFLOG pseudo-headers, SLL,
 * CAN, pflog in a file of the other byte order; USB's mmapped lengths): libpcap reads those.
 */
static bool plain_linktype(int linktype)
{
	switch (linktype) {
	case DLT_NULL:
	case DLT_EN10MB:
	case DLT_RAW:
	case DLT_PPP:
	case DLT_IEEE802_11:
	case DLT_IEEE802_11_RADIO:
	case DLT_LOOP:
	case DLT_IPV4:
	case DLT_IPV6:
		return true;
	default:
		return false;
	}
}

bool capture_records_open(struct capture_records *r, int fd, int linktype, uint32_t snaplen)
{
	uint8_t hdr[24];
	struct stat st;
	uint32_t magic;
	uint16_t major, minor;

	memset(r, 0, sizeof(*r));
	if (!plain_linktype(linktype) || fstat(fd, &st) || !S_ISREG(st.st_mode) ||
	    pread(fd, hdr, sizeof(hdr), 0) != sizeof(hdr))
		return false;
	memcpy(&magic, hdr, 4);
	if (magic == PCAP_MAGIC_US || magic == PCAP_MAGIC_NS) {
		r->swapped = false;
	} else if (__builtin_bswap32(magic) == PCAP_MAGIC_US ||
		   __builtin_bswap32(magic) == PCAP_MAGIC_NS) {
		r->swapped = true;
		magic = __builtin_bswap32(magic);
	} else {
		return false; /* Kuznetzov's records are longer; pcapng is another format */
	}
	memcpy(&major, hdr + 4, 2);
	memcpy(&minor, hdr + 6, 2);
	if (r->swapped) {
		major = __builtin_bswap16(major);
		minor = __builtin_bswap16(minor);
	}
	/* 2.4, what everything writes; before 2.3 the two lengths may be swapped. */
	if (major != 2 || minor != 4)
		return false;
	/* Room for a block and the largest record libpcap would not cut. */
	r->size = RECORDS_BLOCK + 16 + (size_t)snaplen;
	r->buf = malloc(r->size);
	if (!r->buf)
		return false;
	r->fd = fd;
	r->nano = magic == PCAP_MAGIC_NS;
	r->snaplen = snaplen;
	r->off = sizeof(hdr);
	r->active = true;
	return true;
}

/*
 * At least want bytes from r->off on in the buffer, if the file has them: what is left of the
 * block moves to the front (less than a record), and the rest is read behind it.
 */
static bool fill(struct capture_records *r, size_t want)
{
	size_t have = r->len - r->pos;

	if (r->pos)
		memmove(r->buf, r->buf + r->pos, have);
	r->pos = 0;
	r->len = have;
	while (r->len < want) {
		size_t room = r->size - r->len;
		ssize_t n =
			pread(r->fd, r->buf + r->len, room < RECORDS_BLOCK ? room : RECORDS_BLOCK,
			      (off_t)(r->off + r->len));

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return false;
		r->len += (size_t)n;
	}
	return true;
}

int capture_records_next(struct capture_records *r, struct cbpf_frame *frame)
{
	const uint8_t *rec;
	uint32_t caplen;

	if (!r->active)
		return 0;
	/*
	 * Anything but a whole plain record (the end of the file, which may have grown since it
	 * was opened; a record cut short; one longer than the snapshot length, which libpcap cuts
	 * and we warn of; a read that fails) is left to libpcap from this record on, so that it
	 * is read, cut and refused in libpcap's own words, as before.
	 */
	if (r->len - r->pos < 16 && !fill(r, 16))
		goto hand_over;
	rec = r->buf + r->pos;
	caplen = get32(rec + 8, r->swapped);
	if (caplen > r->snaplen)
		goto hand_over;
	if (r->len - r->pos < 16 + (size_t)caplen) {
		if (!fill(r, 16 + (size_t)caplen))
			goto hand_over;
		rec = r->buf;
	}
	frame->data = rec + 16;
	frame->caplen = caplen;
	frame->wirelen = get32(rec + 12, r->swapped);
	/*
	 * As libpcap 1.10 has the seconds: signed in a file of this machine's byte order (a
	 * bpf_int32), but unsigned in one of the other (its SWAPLONG gives an unsigned value).
	 * The unit test holds both to libpcap.
	 */
	frame->ts_sec = r->swapped ? get32(rec, true) : (int64_t)(int32_t)get32(rec, false);
	frame->ts_nsec = get32(rec + 4, r->swapped);
	/* As libpcap gives them at nanosecond precision: it checks no range either. */
	if (!r->nano)
		frame->ts_nsec *= 1000;
	r->pos += 16 + (size_t)caplen;
	r->off += 16 + (uint64_t)caplen;
	return 1;
hand_over:
	capture_records_close(r);
	return 0;
}

void capture_records_close(struct capture_records *r)
{
	free(r->buf);
	r->buf = NULL;
	r->pos = r->len = 0;
	r->active = false;
}
