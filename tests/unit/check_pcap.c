// SPDX-License-Identifier: MIT
/* libpcap as the oracle: pcap_compile through libcbpf, link types, and the listing and -dd/-ddd
 * writers against libpcap's own bpf_image and bpf_dump. */
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cbpf.h"
#include "unit.h"

START_TEST(compile_like_tcpdump)
{
	static const struct cbpf_insn ip[] = {
		{ 0x28, 0, 0, 12 }, { 0x15, 0, 1, 0x800 }, { 0x06, 0, 0, 262144 }, { 0x06, 0, 0, 0 }
	};
	struct cbpf_diags diags = { 0 };
	struct cbpf_prog *p = NULL;

	ck_assert_int_eq(cbpf_pcap_compile("ip", NULL, &p, &diags), 0);
	ck_assert_uint_eq(diags.n, 0);
	ck_assert_uint_eq(cbpf_prog_len(p), 4);
	ck_assert(!memcmp(cbpf_prog_insns(p), ip, sizeof(ip)));
	ck_assert_int_eq(cbpf_prog_kind(p), CBPF_KIND_SOCKET);
	cbpf_prog_free(p);
}
END_TEST

START_TEST(compile_options)
{
	struct cbpf_compile_opts sll = { .linktype = 113, .snaplen = 96 };
	struct cbpf_compile_opts noopt = { .linktype = CBPF_DLT_EN10MB, .no_optimize = true };
	struct cbpf_prog *p = NULL;
	const struct cbpf_insn *in;
	size_t n;

	/* LINUX_SLL has its protocol at 14, and the accept value is the snapshot length. */
	ck_assert_int_eq(cbpf_pcap_compile("ip", &sll, &p, NULL), 0);
	in = cbpf_prog_insns(p);
	ck_assert_uint_eq(in[0].k, 14);
	ck_assert_uint_eq(in[2].k, 96);
	cbpf_prog_free(p);
	ck_assert_int_eq(cbpf_pcap_compile("tcp port 80", NULL, &p, NULL), 0);
	n = cbpf_prog_len(p);
	cbpf_prog_free(p);
	ck_assert_int_eq(cbpf_pcap_compile("tcp port 80", &noopt, &p, NULL), 0);
	ck_assert_uint_gt(cbpf_prog_len(p), n);
	cbpf_prog_free(p);
	/* The empty expression accepts everything. */
	ck_assert_int_eq(cbpf_pcap_compile("", NULL, &p, NULL), 0);
	ck_assert_uint_eq(cbpf_prog_len(p), 1);
	ck_assert_uint_eq(cbpf_prog_insns(p)[0].k, 262144);
	cbpf_prog_free(p);
}
END_TEST

START_TEST(compile_errors_carry_libpcap_text)
{
	static const struct {
		const char *expr;
		int linktype;
		const char *msg;
	} cases[] = {
		{ "ip and", 1, "can't parse filter expression: syntax error" },
		{ "port 99999", 1, "illegal port number 99999 > 65535" },
		{ "vlan 5000", 1, "VLAN tag 5000 greater than maximum 4095" },
		{ "vlan", 276, "no VLAN support for Linux cooked v2" },
	};
	static int sentinel;
	struct cbpf_prog *p = (struct cbpf_prog *)&sentinel; /* must stay untouched */

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct cbpf_compile_opts opts = { .linktype = cases[i].linktype };
		struct cbpf_diags diags = { 0 };

		ck_assert_int_eq(cbpf_pcap_compile(cases[i].expr, &opts, &p, &diags), -EINVAL);
		ck_assert_ptr_eq(p, (struct cbpf_prog *)&sentinel);
		ck_assert_uint_eq(diags.n, 1);
		ck_assert_str_eq(diags.v[0].msg, cases[i].msg);
		ck_assert_uint_eq(diags.v[0].line, 0);
		ck_assert_int_eq(diags.v[0].insn, -1);
		cbpf_diags_free(&diags);
	}
	struct cbpf_compile_opts neg = { .linktype = 1, .snaplen = -1 };
	struct cbpf_diags diags = { 0 };

	ck_assert_int_eq(cbpf_pcap_compile("ip", &neg, &p, &diags), -EINVAL);
	ck_assert_str_eq(diags.v[0].msg, "snapshot length -1 is negative");
	cbpf_diags_free(&diags);
}
END_TEST

START_TEST(linktypes)
{
	int dlt = -5;

	ck_assert_int_eq(cbpf_linktype_parse("EN10MB", &dlt), 0);
	ck_assert_int_eq(dlt, 1);
	ck_assert_int_eq(cbpf_linktype_parse("linux_sll", &dlt), 0);
	ck_assert_int_eq(dlt, 113);
	ck_assert_int_eq(cbpf_linktype_parse("LINUX_SLL2", &dlt), 0);
	ck_assert_int_eq(dlt, 276);
	ck_assert_int_eq(cbpf_linktype_parse("RAW", &dlt), 0);
	ck_assert_int_eq(dlt, pcap_datalink_name_to_val("RAW"));
	ck_assert_int_eq(cbpf_linktype_parse("127", &dlt), 0);
	ck_assert_int_eq(dlt, 127);
	ck_assert_int_eq(cbpf_linktype_parse("0x71", &dlt), 0);
	ck_assert_int_eq(dlt, 113);
	dlt = -5;
	ck_assert_int_eq(cbpf_linktype_parse("ETHERNET", &dlt), -ENOENT);
	ck_assert_int_eq(cbpf_linktype_parse("", &dlt), -ENOENT);
	ck_assert_int_eq(cbpf_linktype_parse("-1", &dlt), -ENOENT);
	ck_assert_int_eq(cbpf_linktype_parse("12x", &dlt), -ENOENT);
	ck_assert_int_eq(dlt, -5);
	ck_assert_str_eq(cbpf_linktype_name(1), "EN10MB");
	ck_assert_str_eq(cbpf_linktype_name(113), "LINUX_SLL");
	ck_assert_ptr_null(cbpf_linktype_name(99999));
}
END_TEST

/* Every 16-bit code with k values that exercise signs, ancillary names and wrapping jumps. */
START_TEST(insn_format_matches_bpf_image)
{
	static const uint32_t ks[] = { 0,	   5,	       0x7fffffff, 0x80000000,
				       0xfffff000, 0xfffff001, 0xfffff028, 0xfffff03c,
				       0xfffff040, 0xfff00000, 0xffffffff };
	char mine[128], want[160];

	for (uint32_t code = 0; code <= 0xffff; code++) {
		for (size_t i = 0; i < sizeof(ks) / sizeof(ks[0]); i++) {
			struct bpf_insn pin = { (u_short)code, 7, 255, ks[i] };
			struct cbpf_insn in = { (uint16_t)code, 7, 255, ks[i] };
			int pc = (int)(code % 1200);

			/* bpf_image includes the "(NNN) " prefix that cbpf_insn_format leaves out.
			 */
			snprintf(want, sizeof(want), "%s", bpf_image(&pin, pc));
			snprintf(mine, sizeof(mine), "(%03d) ", pc);
			cbpf_insn_format(&in, (size_t)pc, mine + strlen(mine),
					 sizeof(mine) - strlen(mine));
			if (strcmp(mine, want))
				ck_abort_msg("code 0x%x k 0x%x: '%s', libpcap '%s'", code, ks[i],
					     mine, want);
		}
	}
}
END_TEST

/* What libpcap's bpf_dump prints for option (1 = -d, 2 = -dd, 3 = -ddd), captured. */
static char *pcap_dump_text(const struct cbpf_prog *p, int option)
{
	size_t len = cbpf_prog_len(p);
	struct bpf_insn *copy = calloc(len, sizeof(*copy));
	struct bpf_program fp = { (u_int)len, copy };
	FILE *tmp = tmpfile();
	int saved = dup(STDOUT_FILENO);
	char *buf;
	long n;

	ck_assert_ptr_nonnull(tmp);
	ck_assert_ptr_nonnull(copy);
	for (size_t i = 0; i < len; i++) {
		const struct cbpf_insn *in = &cbpf_prog_insns(p)[i];

		copy[i] = (struct bpf_insn){ in->code, in->jt, in->jf, in->k };
	}
	fflush(stdout);
	dup2(fileno(tmp), STDOUT_FILENO);
	bpf_dump(&fp, option);
	fflush(stdout);
	dup2(saved, STDOUT_FILENO);
	close(saved);
	free(copy);
	n = lseek(fileno(tmp), 0, SEEK_END);
	buf = calloc(1, (size_t)n + 1);
	ck_assert_int_eq(pread(fileno(tmp), buf, (size_t)n, 0), n);
	fclose(tmp);
	return buf;
}

static char *cbpf_text(const struct cbpf_prog *p, enum cbpf_form form)
{
	char *buf = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&buf, &n);

	ck_assert_int_eq(cbpf_prog_write(f, p, form, NULL), 0);
	fclose(f);
	return buf;
}

START_TEST(writers_match_bpf_dump)
{
	static const enum cbpf_form forms[] = { CBPF_FORM_LISTING, CBPF_FORM_DD, CBPF_FORM_DDD };
	size_t n;
	const struct cbpf_opcode_info *t = cbpf_opcode_table(&n);
	struct cbpf_insn v[1100];
	unsigned seed = 1;

	/* Every opcode, then pseudo-random instructions (unknown codes too), past (999). */
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		seed = seed * 1103515245 + 12345;
		v[i].code = i < n ? t[i].code : (uint16_t)(seed >> 8);
		v[i].jt = (uint8_t)(seed >> 3);
		v[i].jf = (uint8_t)(seed >> 11);
		v[i].k = seed ^ (seed << 7);
	}
	struct cbpf_prog *p = cbpf_prog_new(v, sizeof(v) / sizeof(v[0]));

	for (int option = 1; option <= 3; option++) {
		char *want = pcap_dump_text(p, option), *got = cbpf_text(p, forms[option - 1]);

		/* Report the first line that differs: whole texts are too long for a message. */
		if (strcmp(got, want)) {
			size_t i = 0, line = 1;

			while (got[i] && got[i] == want[i])
				line += got[i++] == '\n';
			ck_abort_msg("-d%.*s: line %zu differs: '%.60s' vs libpcap '%.60s'",
				     option - 1, "dd", line, got + i, want + i);
		}
		free(want);
		free(got);
	}
	cbpf_prog_free(p);
}
END_TEST

Suite *pcap_suite(void)
{
	Suite *s = suite_create("pcap");
	TCase *c = tcase_create("compile"), *o = tcase_create("oracle");

	tcase_add_test(c, compile_like_tcpdump);
	tcase_add_test(c, compile_options);
	tcase_add_test(c, compile_errors_carry_libpcap_text);
	tcase_add_test(c, linktypes);
	suite_add_tcase(s, c);
	tcase_set_timeout(o, 60);
	tcase_add_test(o, insn_format_matches_bpf_image);
	tcase_add_test(o, writers_match_bpf_dump);
	suite_add_tcase(s, o);
	return s;
}
