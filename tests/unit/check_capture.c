// SPDX-License-Identifier: MIT
/* Captures: streaming reads (pcap, pcapng, bad files) and atomic writes, libpcap as the oracle. */
#include <inttypes.h>
#include <pcap/pcap.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cbpf.h"
#include "unit.h"

/* How many packets libpcap itself reads from path. */
static unsigned pcap_count(const char *path)
{
	char errbuf[PCAP_ERRBUF_SIZE];
	pcap_t *p = pcap_open_offline(path, errbuf);
	struct pcap_pkthdr *h;
	const u_char *d;
	unsigned n = 0;

	ck_assert_msg(p, "%s: %s", path, errbuf);
	while (pcap_next_ex(p, &h, &d) == 1)
		n++;
	pcap_close(p);
	return n;
}

/* Reads every frame of path; returns the count, or -1 on an error (diags filled). */
static long read_all(const char *path, struct cbpf_diags *diags)
{
	struct cbpf_capture *cap;
	struct cbpf_frame f;
	uint64_t last = 0;
	int r;

	if (cbpf_capture_open(path, &cap, diags))
		return -1;
	while ((r = cbpf_capture_next(cap, &f, diags)) == 1) {
		ck_assert_uint_eq(f.number, last + 1);
		ck_assert_uint_le(f.caplen, f.wirelen);
		last = f.number;
	}
	cbpf_capture_close(cap);
	return r < 0 ? -1 : (long)last;
}

START_TEST(reads_every_project_capture_like_libpcap)
{
	static const char *const files[] = { "pcaps/mixed.pcap", "pcaps/eth-snap64.pcap",
					     "pcaps/sll2.pcap", "pcaps/null.pcap",
					     "pcaps/bad/header-only.pcap" };

	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		struct cbpf_diags d = { 0 };

		ck_assert_int_eq(read_all(files[i], &d), pcap_count(files[i]));
		ck_assert_uint_eq(d.n, 0);
	}
}
END_TEST

START_TEST(link_type_and_snaplen)
{
	struct cbpf_capture *cap;

	ck_assert_int_eq(cbpf_capture_open("pcaps/eth-snap64.pcap", &cap, NULL), 0);
	ck_assert_int_eq(cbpf_capture_linktype(cap), DLT_EN10MB);
	ck_assert_uint_eq(cbpf_capture_snaplen(cap), 64);
	cbpf_capture_close(cap);
	ck_assert_int_eq(cbpf_capture_open("pcaps/sll.pcap", &cap, NULL), 0);
	ck_assert_int_eq(cbpf_capture_linktype(cap), DLT_LINUX_SLL);
	cbpf_capture_close(cap);
}
END_TEST

START_TEST(pcapng_reads_as_its_pcap)
{
	struct cbpf_capture *a, *b;
	struct cbpf_frame fa, fb;
	int ra, rb;

	ck_assert_int_eq(cbpf_capture_open("pcaps/eth-ipv4-tcp.pcap", &a, NULL), 0);
	ck_assert_int_eq(cbpf_capture_open("pcaps/bad/eth-ipv4-tcp.pcapng", &b, NULL), 0);
	do {
		ra = cbpf_capture_next(a, &fa, NULL);
		rb = cbpf_capture_next(b, &fb, NULL);
		ck_assert_int_eq(ra, rb);
		if (ra == 1) {
			ck_assert_uint_eq(fa.caplen, fb.caplen);
			ck_assert_uint_eq(fa.wirelen, fb.wirelen);
			ck_assert_int_eq(fa.ts_sec, fb.ts_sec);
			ck_assert_mem_eq(fa.data, fb.data, fa.caplen);
		}
	} while (ra == 1);
	cbpf_capture_close(a);
	cbpf_capture_close(b);
}
END_TEST

START_TEST(bad_files_are_located_errors)
{
	struct cbpf_diags d = { 0 };
	struct cbpf_capture *cap;

	ck_assert_int_eq(cbpf_capture_open("pcaps/no-such.pcap", &cap, &d), -ENOENT);
	ck_assert_str_eq(d.v[0].file, "pcaps/no-such.pcap");
	ck_assert_str_eq(d.v[0].msg, "cannot open: No such file or directory");
	cbpf_diags_free(&d);

	ck_assert_int_eq(cbpf_capture_open("pcaps/bad/bad-magic.pcap", &cap, &d), -EINVAL);
	ck_assert(strstr(d.v[0].msg, "not a pcap or pcapng capture") == d.v[0].msg);
	cbpf_diags_free(&d);

	ck_assert_int_eq(cbpf_capture_open("pcaps/bad/empty.pcap", &cap, &d), -EINVAL);
	cbpf_diags_free(&d);

	/* The frames before the damage are delivered, then the error names the packet. */
	ck_assert_int_eq(read_all("pcaps/bad/truncated-in-packet-data.pcap", &d), -1);
	ck_assert_uint_eq(d.n, 1);
	ck_assert_str_eq(d.v[0].file, "pcaps/bad/truncated-in-packet-data.pcap");
	ck_assert(strncmp(d.v[0].msg, "packet ", 7) == 0);
	cbpf_diags_free(&d);
}
END_TEST

START_TEST(writer_round_trip_and_atomicity)
{
	char dir[] = "/tmp/cbpf-capture-XXXXXX", path[64], junk[80];
	struct cbpf_capture_writer *w;
	struct cbpf_capture *cap;
	struct cbpf_frame f;
	struct stat st;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/out.pcap", dir);
	ck_assert_int_eq(cbpf_capture_writer_new(path, DLT_EN10MB, 262144, &w, NULL), 0);
	ck_assert_int_eq(cbpf_capture_open("pcaps/eth-arp.pcap", &cap, NULL), 0);
	while (cbpf_capture_next(cap, &f, NULL) == 1) {
		ck_assert_int_eq(cbpf_capture_writer_add(w, &f), 0);
		/* Nothing appears at the destination before the commit. */
		ck_assert_int_eq(stat(path, &st), -1);
	}
	cbpf_capture_close(cap);
	ck_assert_int_eq(cbpf_capture_writer_commit(w, NULL), 0);
	ck_assert_int_eq(read_all(path, NULL), pcap_count("pcaps/eth-arp.pcap"));

	/* An aborted writer leaves the earlier file as it was and no temporary file. */
	ck_assert_int_eq(cbpf_capture_writer_new(path, DLT_EN10MB, 262144, &w, NULL), 0);
	cbpf_capture_writer_abort(w);
	ck_assert_int_eq(read_all(path, NULL), pcap_count("pcaps/eth-arp.pcap"));
	snprintf(junk, sizeof(junk), "rmdir %s 2>/dev/null", dir);
	ck_assert_int_ne(system(junk), 0); /* out.pcap is the only file left: rmdir fails */
	ck_assert_int_eq(unlink(path), 0);
	ck_assert_int_eq(rmdir(dir), 0);
}
END_TEST

START_TEST(writer_into_missing_directory)
{
	struct cbpf_diags d = { 0 };
	struct cbpf_capture_writer *w;

	ck_assert_int_eq(cbpf_capture_writer_new("/nonexistent/dir/out.pcap", DLT_EN10MB, 65535, &w,
						 &d),
			 -ENOENT);
	ck_assert_str_eq(d.v[0].msg, "cannot create: No such file or directory");
	cbpf_diags_free(&d);
}
END_TEST

/* ---------------------------------------------------------------- records read where they lie */

/* A pcap 2.4 file of the byte order asked for (swapped: the other one), written by hand. */
struct gen {
	FILE *f;
	bool swapped;
};

static uint32_t gen32(const struct gen *g, uint32_t v)
{
	return g->swapped ? __builtin_bswap32(v) : v;
}

static void gen_header(struct gen *g, uint32_t magic, uint32_t snaplen, uint32_t linktype)
{
	uint16_t ver[2] = { 2, 4 };
	uint32_t w[4] = { 0, 0, gen32(g, snaplen), gen32(g, linktype) };
	uint32_t m = gen32(g, magic);

	if (g->swapped) {
		ver[0] = __builtin_bswap16(ver[0]);
		ver[1] = __builtin_bswap16(ver[1]);
	}
	fwrite(&m, 4, 1, g->f);
	fwrite(ver, 2, 2, g->f);
	fwrite(w, 4, 4, g->f);
}

static void gen_record(struct gen *g, uint32_t sec, uint32_t frac, uint32_t caplen, uint32_t len,
		       uint32_t seed)
{
	uint32_t h[4] = { gen32(g, sec), gen32(g, frac), gen32(g, caplen), gen32(g, len) };

	static uint8_t bytes[2 * 65536];

	if (!bytes[1])
		for (uint32_t i = 0; i < sizeof(bytes); i++)
			bytes[i] = (uint8_t)((i * 2654435761u) >> 13 | 1);
	fwrite(h, 4, 4, g->f);
	/* A length past any snapshot is refused from its header: 64 KiB of data are enough. */
	fwrite(bytes + (seed * 40503u) % 65536, 1, caplen < 65536 ? caplen : 65536, g->f);
}

/*
 * path read by cbpf_capture_next and by libpcap itself (at nanosecond precision), frame by
 * frame: the same records, bytes and times, and the same end, in libpcap's words.
 */
static void same_as_libpcap(const char *path)
{
	char errbuf[PCAP_ERRBUF_SIZE], want[PCAP_ERRBUF_SIZE + 32];
	pcap_t *p =
		pcap_open_offline_with_tstamp_precision(path, PCAP_TSTAMP_PRECISION_NANO, errbuf);
	struct cbpf_diags d = { 0 };
	struct cbpf_capture *cap;
	struct pcap_pkthdr *h;
	struct cbpf_frame f;
	const u_char *data;
	uint64_t n = 0;
	int rp, rc;

	ck_assert_msg(p, "%s: %s", path, errbuf);
	ck_assert_int_eq(cbpf_capture_open(path, &cap, &d), 0);
	for (;;) {
		rp = pcap_next_ex(p, &h, &data);
		rc = cbpf_capture_next(cap, &f, &d);
		if (rp != 1)
			break;
		n++;
		ck_assert_msg(rc == 1, "%s: packet %" PRIu64 ": %d", path, n, rc);
		ck_assert_uint_eq(f.number, n);
		ck_assert_uint_eq(f.caplen, h->caplen);
		ck_assert_uint_eq(f.wirelen, h->len);
		ck_assert_int_eq(f.ts_sec, h->ts.tv_sec);
		ck_assert_uint_eq(f.ts_nsec, (uint32_t)h->ts.tv_usec);
		ck_assert_mem_eq(f.data, data, f.caplen);
	}
	if (rp == PCAP_ERROR_BREAK) {
		ck_assert_int_eq(rc, 0);
	} else {
		ck_assert_int_eq(rc, -EINVAL);
		snprintf(want, sizeof(want), "packet %" PRIu64 ": %s", n + 1, pcap_geterr(p));
		ck_assert_str_eq(d.v[d.n - 1].msg, want);
	}
	cbpf_capture_close(cap);
	pcap_close(p);
	cbpf_diags_free(&d);
}

START_TEST(records_read_in_place_are_libpcaps)
{
	char dir[] = "/tmp/cbpf-records-XXXXXX", path[80];
	static const uint32_t magics[] = { 0xa1b2c3d4u, 0xa1b23c4du };

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/gen.pcap", dir);
	for (int swapped = 0; swapped < 2; swapped++) {
		for (int m = 0; m < 2; m++) {
			for (int end = 0; end < 5; end++) {
				struct gen g = { fopen(path, "wb"), swapped };
				uint32_t snaplen = end == 4 ? 1500 : 65535;

				ck_assert_ptr_nonnull(g.f);
				gen_header(&g, magics[m], snaplen, DLT_EN10MB);
				/* Past several blocks, records of every size, some across blocks.
				 */
				for (uint32_t i = 0; i < 2000; i++) {
					uint32_t caplen = (i * 7919u) % (i % 97 ? 1600 : 65536);

					if (caplen > snaplen)
						caplen = snaplen;
					gen_record(&g, i % 50 ? 1700000000u + i : 0x80000000u + i,
						   (i * 12345u) % 1000000u, caplen,
						   i % 3 ? caplen : caplen + 20, i);
				}
				if (end == 1) /* a header cut short */
					fwrite("\1\2\3\4\5\6\7", 7, 1, g.f);
				if (end == 2) { /* data cut short */
					uint32_t h[4] = { 0, 0, gen32(&g, 100), gen32(&g, 100) };

					fwrite(h, 4, 4, g.f);
					fwrite("short", 5, 1, g.f);
				}
				if (end == 3) /* a length past any snapshot */
					gen_record(&g, 1, 2, 0x7fffffffu, 0x7fffffffu, 0);
				if (end == 4) { /* longer than the snapshot, then more */
					gen_record(&g, 1, 2, 1600, 1600, 7);
					gen_record(&g, 3, 4, 60, 60, 8);
				}
				ck_assert_int_eq(fclose(g.f), 0);
				same_as_libpcap(path);
			}
		}
	}
	ck_assert_int_eq(unlink(path), 0);
	ck_assert_int_eq(rmdir(dir), 0);
	same_as_libpcap("pcaps/mixed.pcap");
	same_as_libpcap("pcaps/eth-snap64.pcap");
	same_as_libpcap("pcaps/bad/truncated-in-packet-data.pcap");
}
END_TEST

Suite *capture_suite(void)
{
	Suite *s = suite_create("capture");
	TCase *tc = tcase_create("capture");

	tcase_add_test(tc, reads_every_project_capture_like_libpcap);
	tcase_add_test(tc, link_type_and_snaplen);
	tcase_add_test(tc, pcapng_reads_as_its_pcap);
	tcase_add_test(tc, bad_files_are_located_errors);
	tcase_add_test(tc, writer_round_trip_and_atomicity);
	tcase_add_test(tc, writer_into_missing_directory);
	tcase_add_test(tc, records_read_in_place_are_libpcaps);
	suite_add_tcase(s, tc);
	return s;
}
