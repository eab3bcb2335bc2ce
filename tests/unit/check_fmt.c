// SPDX-License-Identifier: MIT
/* Bytecode forms: every writer's exact text, every reader and its located errors, detection. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cbpf.h"
#include "unit.h"

/* Every opcode of the table once (in table order), with awkward k values, then ret #0. */
static const struct cbpf_insn every[] = {
	{ 0x00, 0, 0, 0x2a },	    { 0x01, 0, 0, 0xffffffff }, { 0x02, 0, 0, 15 },
	{ 0x03, 0, 0, 0 },	    { 0x04, 0, 0, 0xfffffffe }, { 0x05, 0, 0, 1 },
	{ 0x06, 0, 0, 0xffffffff }, { 0x07, 0, 0, 0 },		{ 0x0c, 0, 0, 0 },
	{ 0x14, 0, 0, 7 },	    { 0x15, 0, 1, 0x800 },	{ 0x16, 0, 0, 0 },
	{ 0x1c, 0, 0, 0 },	    { 0x1d, 2, 0, 0 },		{ 0x20, 0, 0, 0xfffff000 },
	{ 0x24, 0, 0, 3 },	    { 0x25, 1, 0, 0x80000000 }, { 0x28, 0, 0, 12 },
	{ 0x2c, 0, 0, 0 },	    { 0x2d, 0, 0, 0 },		{ 0x30, 0, 0, 0xfffff02c },
	{ 0x34, 0, 0, 10 },	    { 0x35, 0, 2, 0 },		{ 0x3c, 0, 0, 0 },
	{ 0x3d, 1, 1, 0 },	    { 0x40, 0, 0, 0xfff00000 }, { 0x44, 0, 0, 0x10 },
	{ 0x45, 0, 0, 0x1fff },	    { 0x48, 0, 0, 14 },		{ 0x4c, 0, 0, 0 },
	{ 0x4d, 0, 0, 0 },	    { 0x50, 0, 0, 0xffe00000 }, { 0x54, 0, 0, 0xf0 },
	{ 0x5c, 0, 0, 0 },	    { 0x60, 0, 0, 15 },		{ 0x61, 0, 0, 1 },
	{ 0x64, 0, 0, 2 },	    { 0x6c, 0, 0, 0 },		{ 0x74, 0, 0, 31 },
	{ 0x7c, 0, 0, 0 },	    { 0x80, 0, 0, 0 },		{ 0x81, 0, 0, 0 },
	{ 0x84, 0, 0, 0 },	    { 0x87, 0, 0, 0 },		{ 0x94, 0, 0, 5 },
	{ 0x9c, 0, 0, 0 },	    { 0xa4, 0, 0, 0xffffffff }, { 0xac, 0, 0, 0 },
	{ 0xb1, 0, 0, 14 },	    { 0x20, 0, 0, 0xfffff028 }, { 0x06, 0, 0, 0 },
};
#define N_EVERY (sizeof(every) / sizeof(every[0]))

/* libpcap's bpf_image does not know ldx #len (0x81): tcpdump -d prints "unimp", so do we. */
static const char every_listing[] = "(000) ld       #0x2a\n"
				    "(001) ldx      #0xffffffff\n"
				    "(002) st       M[15]\n"
				    "(003) stx      M[0]\n"
				    "(004) add      #-2\n"
				    "(005) ja       7\n"
				    "(006) ret      #-1\n"
				    "(007) tax      \n"
				    "(008) add      x\n"
				    "(009) sub      #7\n"
				    "(010) jeq      #0x800           jt 11\tjf 12\n"
				    "(011) ret      \n"
				    "(012) sub      x\n"
				    "(013) jeq      x                jt 16\tjf 14\n"
				    "(014) ld       [proto]\n"
				    "(015) mul      #3\n"
				    "(016) jgt      #0x80000000      jt 18\tjf 17\n"
				    "(017) ldh      [12]\n"
				    "(018) mul      x\n"
				    "(019) jgt      x                jt 20\tjf 20\n"
				    "(020) ldb      [vlan_tci]\n"
				    "(021) div      #10\n"
				    "(022) jge      #0x0             jt 23\tjf 25\n"
				    "(023) div      x\n"
				    "(024) jge      x                jt 26\tjf 26\n"
				    "(025) ld       [x + -1048576]\n"
				    "(026) or       #0x10\n"
				    "(027) jset     #0x1fff          jt 28\tjf 28\n"
				    "(028) ldh      [x + 14]\n"
				    "(029) or       x\n"
				    "(030) jset     x                jt 31\tjf 31\n"
				    "(031) ldb      [x + -2097152]\n"
				    "(032) and      #0xf0\n"
				    "(033) and      x\n"
				    "(034) ld       M[15]\n"
				    "(035) ldx      M[1]\n"
				    "(036) lsh      #2\n"
				    "(037) lsh      x\n"
				    "(038) rsh      #31\n"
				    "(039) rsh      x\n"
				    "(040) ld       #pktlen\n"
				    "(041) unimp    0x81\n"
				    "(042) neg      \n"
				    "(043) txa      \n"
				    "(044) mod      #5\n"
				    "(045) mod      x\n"
				    "(046) xor      #0xffffffff\n"
				    "(047) xor      x\n"
				    "(048) ldxb     4*([14]&0xf)\n"
				    "(049) ld       [xor_x]\n"
				    "(050) ret      #0\n";

static const char every_asm[] = "\tld #0x2a\n"
				"\tldx #0xffffffff\n"
				"\tst M[15]\n"
				"\tstx M[0]\n"
				"\tadd #0xfffffffe\n"
				"\tja l7\n"
				"\tret #0xffffffff\n"
				"l7:\ttax\n"
				"\tadd x\n"
				"\tsub #7\n"
				"\tjeq #0x800, l11, l12\n"
				"l11:\tret a\n"
				"l12:\tsub x\n"
				"\tjeq x, l16, l14\n"
				"l14:\tld #proto\n"
				"\tmul #3\n"
				"l16:\tjgt #0x80000000, l18, l17\n"
				"l17:\tldh [12]\n"
				"l18:\tmul x\n"
				"\tjgt x, l20, l20\n"
				"l20:\tldb #vlan_tci\n"
				"\tdiv #10\n"
				"\tjge #0x0, l23, l25\n"
				"l23:\tdiv x\n"
				"\tjge x, l26, l26\n"
				"l25:\tld [x + 0xfff00000]\n"
				"l26:\tor #0x10\n"
				"\tjset #0x1fff, l28, l28\n"
				"l28:\tldh [x + 14]\n"
				"\tor x\n"
				"\tjset x, l31, l31\n"
				"l31:\tldb [x + 0xffe00000]\n"
				"\tand #0xf0\n"
				"\tand x\n"
				"\tld M[15]\n"
				"\tldx M[1]\n"
				"\tlsh #2\n"
				"\tlsh x\n"
				"\trsh #31\n"
				"\trsh x\n"
				"\tld #len\n"
				"\tldx #len\n"
				"\tneg\n"
				"\ttxa\n"
				"\tmod #5\n"
				"\tmod x\n"
				"\txor #0xffffffff\n"
				"\txor x\n"
				"\tldxb 4*([14]&0xf)\n"
				"\tld [0xfffff028]\n"
				"\tret #0\n";

/* What a writer produces, as a string (caller frees); *err receives its return value. */
static char *written(const struct cbpf_prog *p, enum cbpf_form form,
		     const struct cbpf_write_opts *opts, int *err, size_t *len)
{
	char *buf = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&buf, &n);

	ck_assert_ptr_nonnull(f);
	*err = cbpf_prog_write(f, p, form, opts);
	fclose(f);
	if (len)
		*len = n;
	return buf;
}

static void assert_writes(const struct cbpf_prog *p, enum cbpf_form form,
			  const struct cbpf_write_opts *opts, const char *want)
{
	int err;
	char *got = written(p, form, opts, &err, NULL);

	ck_assert_int_eq(err, 0);
	ck_assert_str_eq(got, want);
	free(got);
}

START_TEST(every_opcode_is_covered)
{
	size_t n, found = 0;
	const struct cbpf_opcode_info *t = cbpf_opcode_table(&n);

	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < N_EVERY; j++)
			if (every[j].code == t[i].code) {
				found++;
				break;
			}
	ck_assert_uint_eq(found, n);
}
END_TEST

START_TEST(listing_every_opcode)
{
	struct cbpf_prog *p = cbpf_prog_new(every, N_EVERY);

	assert_writes(p, CBPF_FORM_LISTING, NULL, every_listing);
	cbpf_prog_free(p);
}
END_TEST

START_TEST(asm_every_opcode)
{
	struct cbpf_prog *p = cbpf_prog_new(every, N_EVERY);

	ck_assert(cbpf_form_can_write(p, CBPF_FORM_ASM, NULL, NULL));
	assert_writes(p, CBPF_FORM_ASM, NULL, every_asm);
	cbpf_prog_free(p);
}
END_TEST

/* bpf_asm's printf quirks: %#04x prints 0 as 0000 and %#010x as 0000000000. */
static const struct cbpf_insn edges[] = {
	{ 0x00, 0, 0, 0 },	 { 0x28, 0, 0, 12 },
	{ 0x15, 255, 1, 0x800 }, { 0xffff, 255, 255, 0xffffffff },
	{ 0x06, 0, 0, 0x40000 },
};

START_TEST(c_form)
{
	struct cbpf_prog *p = cbpf_prog_new(edges, 5);

	assert_writes(p, CBPF_FORM_C, NULL,
		      "{ 0000,  0,  0, 0000000000 },\n"
		      "{ 0x28,  0,  0, 0x0000000c },\n"
		      "{ 0x15, 255,  1, 0x00000800 },\n"
		      "{ 0xffff, 255, 255, 0xffffffff },\n"
		      "{ 0x06,  0,  0, 0x00040000 },\n");
	cbpf_prog_free(p);
}
END_TEST

START_TEST(dd_form)
{
	struct cbpf_prog *p = cbpf_prog_new(edges, 5);

	assert_writes(p, CBPF_FORM_DD, NULL,
		      "{ 0x0, 0, 0, 0x00000000 },\n"
		      "{ 0x28, 0, 0, 0x0000000c },\n"
		      "{ 0x15, 255, 1, 0x00000800 },\n"
		      "{ 0xffff, 255, 255, 0xffffffff },\n"
		      "{ 0x6, 0, 0, 0x00040000 },\n");
	cbpf_prog_free(p);
}
END_TEST

START_TEST(comma_and_ddd_forms)
{
	struct cbpf_prog *p = cbpf_prog_new(edges, 5), *empty = cbpf_prog_new(NULL, 0);

	assert_writes(p, CBPF_FORM_COMMA, NULL,
		      "5,0 0 0 0,40 0 0 12,21 255 1 2048,65535 255 255 4294967295,6 0 0 262144,\n");
	assert_writes(p, CBPF_FORM_DDD, NULL,
		      "5\n0 0 0 0\n40 0 0 12\n21 255 1 2048\n65535 255 255 4294967295\n"
		      "6 0 0 262144\n");
	assert_writes(empty, CBPF_FORM_COMMA, NULL, "0,\n");
	assert_writes(empty, CBPF_FORM_DDD, NULL, "0\n");
	assert_writes(empty, CBPF_FORM_C, NULL, "");
	assert_writes(empty, CBPF_FORM_LISTING, NULL, "");
	assert_writes(empty, CBPF_FORM_ASM, NULL, "");
	cbpf_prog_free(p);
	cbpf_prog_free(empty);
}
END_TEST

START_TEST(raw_form)
{
	struct cbpf_prog *p = cbpf_prog_new(edges, 5);
	size_t len;
	int err;
	char *got = written(p, CBPF_FORM_RAW, NULL, &err, &len);

	ck_assert_int_eq(err, 0);
	ck_assert_uint_eq(len, sizeof(edges));
	ck_assert(!memcmp(got, edges, sizeof(edges)));
	free(got);
	cbpf_prog_free(p);
}
END_TEST

START_TEST(listing_unknown_and_wide)
{
	/* Unknown opcodes print as libpcap's "unimp"; a conditional one keeps jt and jf. */
	static const struct cbpf_insn v[] = {
		{ 0x0e, 0, 0, 0 },
		{ 0x55, 1, 2, 5 },
		{ 0x128, 0, 0, 0 },
		{ 0x05, 0, 0, 0xfffffffd },
	};
	struct cbpf_prog *p = cbpf_prog_new(v, 4);

	assert_writes(p, CBPF_FORM_LISTING, NULL,
		      "(000) unimp    0xe\n"
		      "(001) unimp    0x55             jt 3\tjf 4\n"
		      "(002) unimp    0x128\n"
		      "(003) ja       1\n");
	cbpf_prog_free(p);
}
END_TEST

START_TEST(insn_format_is_snprintf)
{
	struct cbpf_insn jeq = { 0x15, 0, 1, 0x800 };
	char small[8], big[64];
	int need = cbpf_insn_format(&jeq, 1000, big, sizeof(big));

	ck_assert_str_eq(big, "jeq      #0x800           jt 1001\tjf 1002");
	ck_assert_int_eq(need, (int)strlen(big));
	ck_assert_int_eq(cbpf_insn_format(&jeq, 1000, small, sizeof(small)), need);
	ck_assert_str_eq(small, "jeq    ");
	ck_assert_int_eq(cbpf_insn_format(&jeq, 1000, NULL, 0), need);
}
END_TEST

START_TEST(comments_where_the_form_allows)
{
	static const struct cbpf_insn v[] = { { 0x28, 0, 0, 12 }, { 0x06, 0, 0, 0 } };
	struct cbpf_write_opts with = { .comments = true };
	struct cbpf_prog *p = cbpf_prog_new(v, 2);

	ck_assert_int_eq(cbpf_prog_set_comment(p, 0, "ethertype */ here\nnext"), 0);
	assert_writes(p, CBPF_FORM_C, &with,
		      "{ 0x28,  0,  0, 0x0000000c }, /* ethertype * / here next */\n"
		      "{ 0x06,  0,  0, 0000000000 },\n");
	assert_writes(p, CBPF_FORM_DD, &with,
		      "{ 0x28, 0, 0, 0x0000000c }, /* ethertype * / here next */\n"
		      "{ 0x6, 0, 0, 0x00000000 },\n");
	assert_writes(p, CBPF_FORM_LISTING, &with,
		      "(000) ldh      [12] ; ethertype */ here next\n"
		      "(001) ret      #0\n");
	assert_writes(p, CBPF_FORM_ASM, &with, "\tldh [12]\t; ethertype */ here next\n\tret #0\n");
	/* Forms without comments, and comments not asked for. */
	assert_writes(p, CBPF_FORM_COMMA, &with, "2,40 0 0 12,6 0 0 0,\n");
	assert_writes(p, CBPF_FORM_DDD, &with, "2\n40 0 0 12\n6 0 0 0\n");
	assert_writes(p, CBPF_FORM_LISTING, NULL, "(000) ldh      [12]\n(001) ret      #0\n");
	cbpf_prog_free(p);
}
END_TEST

START_TEST(dot_graph)
{
	static const struct cbpf_insn v[] = {
		{ 0x28, 0, 0, 12 }, { 0x15, 0, 1, 0x800 }, { 0x06, 0, 0, 0xffff },
		{ 0x05, 0, 0, 0 },  { 0x06, 0, 0, 0 },
	};
	static const struct cbpf_insn off[] = { { 0x15, 0, 5, 1 }, { 0x87, 0, 0, 0 } };
	struct cbpf_write_opts with = { .comments = true };
	struct cbpf_prog *p = cbpf_prog_new(v, 5), *q = cbpf_prog_new(off, 2);

	ck_assert_int_eq(cbpf_prog_set_comment(p, 2, "say \"yes\""), 0);
	assert_writes(p, CBPF_FORM_DOT, &with,
		      "digraph cbpf {\n"
		      "\tnode [shape=box, fontname=\"monospace\"];\n"
		      "\tb0 [label=\"(000) ldh      [12]\\l(001) jeq      #0x800           jt 2 jf "
		      "3\\l\"];\n"
		      "\tb0 -> b2 [label=\"true\", color=\"darkgreen\", fontcolor=\"darkgreen\"];\n"
		      "\tb0 -> b3 [label=\"false\", color=\"red\", fontcolor=\"red\"];\n"
		      "\tb2 [label=\"(002) ret      #65535 ; say \\\"yes\\\"\\l\"];\n"
		      "\tb3 [label=\"(003) ja       4\\l\"];\n"
		      "\tb3 -> b4;\n"
		      "\tb4 [label=\"(004) ret      #0\\l\"];\n"
		      "}\n");
	/* Jumps and falls past the end go to one "past the end" node. */
	assert_writes(q, CBPF_FORM_DOT, NULL,
		      "digraph cbpf {\n"
		      "\tnode [shape=box, fontname=\"monospace\"];\n"
		      "\tb0 [label=\"(000) jeq      #0x1             jt 1 jf 6\\l\"];\n"
		      "\tb0 -> b1 [label=\"true\", color=\"darkgreen\", fontcolor=\"darkgreen\"];\n"
		      "\tb0 -> out [label=\"false\", color=\"red\", fontcolor=\"red\"];\n"
		      "\tb1 [label=\"(001) txa      \\l\"];\n"
		      "\tb1 -> out;\n"
		      "\tout [label=\"past the end\", shape=octagon];\n"
		      "}\n");
	cbpf_prog_free(p);
	cbpf_prog_free(q);
}
END_TEST

START_TEST(asm_refuses_what_it_cannot_spell)
{
	static const struct cbpf_insn unknown[] = { { 0x0e, 0, 0, 0 } };
	static const struct cbpf_insn far[] = { { 0x15, 0, 1, 0 }, { 0x06, 0, 0, 0 } };
	static const struct cbpf_insn far_ja[] = { { 0x05, 0, 0, 1 }, { 0x06, 0, 0, 0 } };
	static const struct cbpf_insn back_ja[] = { { 0x06, 0, 0, 0 }, { 0x05, 0, 0, 0xfffffffe } };
	struct {
		const struct cbpf_insn *v;
		size_t n, pc;
		const char *why;
	} cases[] = {
		{ unknown, 1, 0, "unknown opcode" },
		{ far, 2, 0, "jump target outside the program" },
		{ far_ja, 2, 0, "jump target outside the program" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct cbpf_prog *p = cbpf_prog_new(cases[i].v, cases[i].n);
		const char *why = NULL;
		size_t pc = 99;
		int err;
		char *got;

		ck_assert(!cbpf_form_can_write(p, CBPF_FORM_ASM, &pc, &why));
		ck_assert(!cbpf_form_can_write(p, CBPF_FORM_LISTING, NULL, NULL));
		ck_assert(cbpf_form_can_write(p, CBPF_FORM_COMMA, NULL, NULL));
		ck_assert(cbpf_form_can_write(p, CBPF_FORM_RAW, NULL, NULL));
		ck_assert_uint_eq(pc, cases[i].pc);
		ck_assert_str_eq(why, cases[i].why);
		got = written(p, CBPF_FORM_ASM, NULL, &err, NULL);
		ck_assert_int_eq(err, -ENOTSUP);
		ck_assert_str_eq(got, "");
		free(got);
		cbpf_prog_free(p);
	}
	/* Fields an opcode does not use have no spelling: they are left out (and read back 0). */
	static const struct cbpf_insn unused[] = {
		{ 0x07, 0, 0, 3 },
		{ 0x28, 1, 2, 12 },
		{ 0x0c, 0, 0, 9 },
		{ 0x16, 0, 0, 1 },
	};
	struct cbpf_prog *u = cbpf_prog_new(unused, 4);

	ck_assert(cbpf_form_can_write(u, CBPF_FORM_ASM, NULL, NULL));
	ck_assert(cbpf_form_can_write(u, CBPF_FORM_LISTING, NULL, NULL));
	assert_writes(u, CBPF_FORM_ASM, NULL, "\ttax\n\tldh [12]\n\tadd x\n\tret a\n");
	cbpf_prog_free(u);

	/* tcpdump's listing has no name for ldx #len; bpf_asm has. */
	static const struct cbpf_insn ldxlen[] = { { 0x81, 0, 0, 0 }, { 0x16, 0, 0, 0 } };
	struct cbpf_prog *l = cbpf_prog_new(ldxlen, 2);
	const char *why;
	size_t pc;

	ck_assert(!cbpf_form_can_write(l, CBPF_FORM_LISTING, &pc, &why));
	ck_assert_uint_eq(pc, 0);
	ck_assert_str_eq(why, "tcpdump's listing has no spelling for this opcode");
	assert_writes(l, CBPF_FORM_ASM, NULL, "\tldx #len\n\tret a\n");
	cbpf_prog_free(l);

	/* A backward ja has a label to go to: bpf_asm encodes it (the kernel refuses it). */
	struct cbpf_prog *p = cbpf_prog_new(back_ja, 2);

	assert_writes(p, CBPF_FORM_ASM, NULL, "l0:\tret #0\n\tja l0\n");
	ck_assert(!cbpf_form_can_write(p, CBPF_FORM_DOT, NULL, NULL));
	ck_assert_int_eq(cbpf_prog_write(stdout, p, CBPF_FORM_AUTO, NULL), -EINVAL);
	cbpf_prog_free(p);
}
END_TEST

START_TEST(form_names)
{
	static const enum cbpf_form all[] = {
		CBPF_FORM_AUTO, CBPF_FORM_ASM, CBPF_FORM_LISTING, CBPF_FORM_COMMA, CBPF_FORM_C,
		CBPF_FORM_DD,	CBPF_FORM_DDD, CBPF_FORM_RAW,	  CBPF_FORM_DOT,
	};
	enum cbpf_form f;

	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
		ck_assert_int_eq(cbpf_form_parse(cbpf_form_name(all[i]), &f), 0);
		ck_assert_int_eq(f, all[i]);
	}
	ck_assert_int_eq(cbpf_form_parse("DDD", &f), 0);
	ck_assert_int_eq(f, CBPF_FORM_DDD);
	ck_assert_int_eq(cbpf_form_parse("d", &f), 0);
	ck_assert_int_eq(f, CBPF_FORM_LISTING);
	ck_assert_int_eq(cbpf_form_parse("hex", &f), -ENOENT);
	ck_assert_str_eq(cbpf_form_name((enum cbpf_form)99), "unknown");
}
END_TEST

START_TEST(detection)
{
	static const struct {
		const char *text;
		size_t len; /* 0: strlen */
		enum cbpf_form form;
	} cases[] = {
		{ "(000) ldh      [12]\n", 0, CBPF_FORM_LISTING },
		{ "\n  (12) ret #0\n", 0, CBPF_FORM_LISTING },
		{ "4,40 0 0 12,21 0 1 2048,6 0 0 262144,6 0 0 0,\n", 0, CBPF_FORM_COMMA },
		{ "  4 ,40 0 0 12", 0, CBPF_FORM_COMMA },
		{ "'4,40 0 0 12,6 0 0 0'\n", 0, CBPF_FORM_COMMA },
		{ "\"4,40 0 0 12,6 0 0 0\"", 0, CBPF_FORM_COMMA },
		{ "40 0 0 12,6 0 0 0\n", 0, CBPF_FORM_COMMA },
		{ "40\t0 0 12 ,6 0 0 0", 0, CBPF_FORM_COMMA },
		{ "'40 0 0 12'", 0, CBPF_FORM_COMMA },
		{ "6 0 0 0\n", 0, CBPF_FORM_COMMA },
		{ "6 0 0\n", 0, CBPF_FORM_ASM },
		{ "6 0 0 0 0,", 0, CBPF_FORM_ASM },
		{ "'ret #0'", 0, CBPF_FORM_ASM },
		{ "{ 0x28, 0, 0, 0x0000000c },\n", 0, CBPF_FORM_C },
		{ "/* { op, jt, jf, k }, */\n{ 0x28,  0,  0, 0x0000000c },\n", 0, CBPF_FORM_C },
		{ "// tcpdump -dd\n{ 0x28, 0, 0, 0x0000000c },\n", 0, CBPF_FORM_C },
		{ "struct sock_filter f[] = {\n", 0, CBPF_FORM_C },
		{ "static const struct sock_filter f[] = {", 0, CBPF_FORM_C },
		{ "4\n40 0 0 12\n", 0, CBPF_FORM_DDD },
		{ "4\r\n40 0 0 12\r\n", 0, CBPF_FORM_DDD },
		{ "4", 0, CBPF_FORM_DDD },
		{ "ldh [12]\nret #0\n", 0, CBPF_FORM_ASM },
		{ "; a comment\n# another\nl0: ret #0\n", 0, CBPF_FORM_ASM },
		{ "\xef\xbb\xbf"
		  "4,6 0 0 0",
		  0, CBPF_FORM_COMMA },
		{ "   \n\n", 0, CBPF_FORM_ASM },
		{ "", 0, CBPF_FORM_ASM },
		{ "(x) ret", 0, CBPF_FORM_ASM },
		{ "\x28\0\0\0\x0c\0\0\0", 8, CBPF_FORM_RAW },
		{ "ret #0\x01", 0, CBPF_FORM_RAW },
		{ "ret #0 \xd4\xd7", 0, CBPF_FORM_RAW },
		{ "ret #0 ; caf\xc3\xa9", 0, CBPF_FORM_ASM },
		{ "ret #0 \xe2\x82", 0, CBPF_FORM_RAW },
		/* Text with a stray NUL is text; NULs where opcodes' high bytes are: raw. */
		{ "ld #1\nret a\0\n", 13, CBPF_FORM_ASM },
		{ "ld #1\nret #0\n\0\0\0", 16, CBPF_FORM_ASM },
		{ "(000) ret #0\0\n", 14, CBPF_FORM_LISTING },
		{ "1,6 0 0 0\0\n", 11, CBPF_FORM_COMMA },
		{ "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0", 16, CBPF_FORM_RAW },
		{ "\x28\0\0\0\x0c\0\0\0\x30\0\0\0\x17\0\0\0", 16, CBPF_FORM_RAW },
		{ "\0\x28\0\0\0\0\0\x0c", 8, CBPF_FORM_RAW },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		size_t len = cases[i].len ? cases[i].len : strlen(cases[i].text);

		ck_assert_msg(cbpf_form_detect(cases[i].text, len) == cases[i].form,
			      "case %zu: detected %s", i,
			      cbpf_form_name(cbpf_form_detect(cases[i].text, len)));
	}
}
END_TEST

/* Reads text in form; asserts success and returns the program. */
static struct cbpf_prog *read_ok(const char *text, size_t len, enum cbpf_form form)
{
	struct cbpf_read_opts opts = { .file = "in", .form = form };
	struct cbpf_diags diags = { 0 };
	struct cbpf_prog *p = NULL;
	int err = cbpf_prog_read(text, len ? len : strlen(text), &opts, &p, &diags);

	if (err)
		cbpf_diags_print(stderr, &diags, text, len ? len : strlen(text), NULL);
	ck_assert_int_eq(err, 0);
	ck_assert_uint_eq(diags.n, 0);
	ck_assert_ptr_nonnull(p);
	ck_assert_str_eq(cbpf_prog_file(p), "in");
	cbpf_diags_free(&diags);
	return p;
}

static void assert_insns(const struct cbpf_prog *p, const struct cbpf_insn *v, size_t n)
{
	ck_assert_uint_eq(cbpf_prog_len(p), n);
	ck_assert(!n || !memcmp(cbpf_prog_insns(p), v, n * sizeof(*v)));
}

static const struct cbpf_insn ip4[] = {
	{ 0x28, 0, 0, 12 }, { 0x15, 0, 1, 0x800 }, { 0x06, 0, 0, 262144 }, { 0x06, 0, 0, 0 }
};

START_TEST(read_every_spelling)
{
	static const struct {
		const char *text;
		enum cbpf_form form;
	} cases[] = {
		{ "4,40 0 0 12,21 0 1 2048,6 0 0 262144,6 0 0 0,\n", CBPF_FORM_AUTO },
		{ "4,40 0 0 12,21 0 1 2048,6 0 0 262144,6 0 0 0", CBPF_FORM_AUTO },
		{ " 4 ,\n 40 0 0 12 ,\n\t21 0 1 2048,6\t0 0 262144 , 6 0 0 0 , \n",
		  CBPF_FORM_AUTO },
		{ "4,0x28 0 0 0xc,21 0 1 0x800,6 0 0 262144,6 0 0 0,", CBPF_FORM_COMMA },
		/* As tc filter show, iptables -S and iptables -L print it, and on many lines. */
		{ "4,40 0 0 12,21 0 1 2048,6 0 0 262144,6 0 0 0\n", CBPF_FORM_AUTO },
		{ "'4,40 0 0 12,21 0 1 2048,6 0 0 262144,6 0 0 0'\n", CBPF_FORM_AUTO },
		{ "\"4,40 0 0 12,21 0 1 2048,6 0 0 262144,6 0 0 0\"", CBPF_FORM_AUTO },
		{ "40 0 0 12,21 0 1 2048,6 0 0 262144,6 0 0 0\n", CBPF_FORM_AUTO },
		{ "'40 0 0 12,21 0 1 2048,6 0 0 262144,6 0 0 0,'", CBPF_FORM_AUTO },
		{ "4,\n40\n0\n0\n12\n,21 0\n1 2048,\n6 0 0 262144,6 0 0\n0\n\n", CBPF_FORM_COMMA },
		{ " ' 4 ,40 0 0 12,\n21 0 1 2048,6 0 0 262144,6 0 0 0\n' \n", CBPF_FORM_AUTO },
		{ "{ 0x28,  0,  0, 0x0000000c },\n{ 0x15,  0,  1, 0x00000800 },\n"
		  "{ 0x06,  0,  0, 0x00040000 },\n{ 0x06,  0,  0, 0000000000 },\n",
		  CBPF_FORM_AUTO },
		{ "{ 0x28, 0, 0, 0x0000000c },\n{ 0x15, 0, 1, 0x00000800 },\n"
		  "{ 0x6, 0, 0, 0x00040000 },\n{ 0x6, 0, 0, 0x00000000 },\n",
		  CBPF_FORM_DD },
		{ "/* { op, jt, jf, k }, */\n{0x28,0,0,12},{0x15,0,1,2048},// ethertype\n"
		  "{ 06, 0, 0, 01000000U, }, { 0x6, 0, 0, 0UL }",
		  CBPF_FORM_AUTO },
		{ "static const struct sock_filter code[4] = {\n\t{ 0x28, 0, 0, 0x0000000c },\n"
		  "\t{ 0x15, 0, 1, 0x00000800 },\n\t{ 0x06, 0, 0, 0x00040000 },\n"
		  "\t{ 0x06, 0, 0, 0x00000000 },\n};\n",
		  CBPF_FORM_AUTO },
		{ "{ { 0x28, 0, 0, 12 }, { 0x15, 0, 1, 2048 }, { 6, 0, 0, 262144 }, { 6, 0, 0, 0 } }",
		  CBPF_FORM_C },
		{ "4\n40 0 0 12\n21 0 1 2048\n6 0 0 262144\n6 0 0 0\n", CBPF_FORM_AUTO },
		{ "\n4\r\n\r\n40 0 0 12\r\n21\t0 1 2048  \n6 0 0 262144\n6 0 0 0", CBPF_FORM_DDD },
		{ "\xef\xbb\xbf"
		  "4,40 0 0 12,21 0 1 2048,6 0 0 262144,6 0 0 0,\n",
		  CBPF_FORM_AUTO },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct cbpf_prog *p = read_ok(cases[i].text, 0, cases[i].form);

		assert_insns(p, ip4, 4);
		cbpf_prog_free(p);
	}
	struct cbpf_prog *p = read_ok((const char *)ip4, sizeof(ip4), CBPF_FORM_AUTO);

	assert_insns(p, ip4, 4);
	ck_assert_ptr_null(cbpf_prog_srcloc(p, 0));
	cbpf_prog_free(p);
}
END_TEST

START_TEST(read_records_positions)
{
	const char *c = "/* x */\n{ 0x28, 0, 0, 12 },\n  { 0x15, 0, 1, 2048 },\n";
	const char *comma = "2,40 0 0 12,\n 21 0 1 2048";
	struct cbpf_prog *p = read_ok(c, 0, CBPF_FORM_AUTO);
	const struct cbpf_srcloc *loc = cbpf_prog_srcloc(p, 1);

	ck_assert_ptr_nonnull(loc);
	ck_assert_uint_eq(loc->line, 3);
	ck_assert_uint_eq(loc->col, 3);
	ck_assert_uint_eq(loc->len, strlen("{ 0x15, 0, 1, 2048 }"));
	cbpf_prog_free(p);
	p = read_ok(comma, 0, CBPF_FORM_AUTO);
	loc = cbpf_prog_srcloc(p, 1);
	ck_assert_uint_eq(loc->line, 2);
	ck_assert_uint_eq(loc->col, 2);
	ck_assert_uint_eq(loc->len, strlen("21 0 1 2048"));
	cbpf_prog_free(p);
}
END_TEST

/* Each reader error: the form, the input, and the one diagnostic it must give. */
static const struct {
	enum cbpf_form form;
	const char *text;
	size_t len; /* 0: strlen */
	unsigned line, col, tlen;
	long insn;
	const char *msg;
} bad[] = {
	/* comma */
	{ CBPF_FORM_COMMA, "3,40 0 0 12,6 0 0 0,", 0, 1, 1, 1, -1,
	  "count mismatch: the count says 3 instructions but 2 follow" },
	{ CBPF_FORM_COMMA, "1,40 0 0 12,6 0 0 0", 0, 1, 1, 1, -1,
	  "count mismatch: the count says 1 instruction but 2 follow" },
	{ CBPF_FORM_COMMA, "2,40 0 0 12x,6 0 0 0", 0, 1, 12, 1, 0,
	  "unexpected 'x' after the value '12'" },
	{ CBPF_FORM_COMMA, "2,40 0 0 12;6 0 0 0", 0, 1, 12, 1, 0,
	  "unexpected ';' after the value '12'" },
	{ CBPF_FORM_COMMA, "2,40 0 0 12,6 0 0 1z2", 0, 1, 20, 2, 1,
	  "unexpected 'z2' after the value '1'" },
	{ CBPF_FORM_COMMA, "1,65536 0 0 0", 0, 1, 3, 5, 0,
	  "code '65536' is out of range (at most 65535)" },
	{ CBPF_FORM_COMMA, "1,21 256 0 0", 0, 1, 6, 3, 0,
	  "jt '256' is out of range (at most 255)" },
	{ CBPF_FORM_COMMA, "1,21 0 999 0", 0, 1, 8, 3, 0,
	  "jf '999' is out of range (at most 255)" },
	{ CBPF_FORM_COMMA, "1,6 0 0 4294967296", 0, 1, 9, 10, 0,
	  "k '4294967296' does not fit in 32 bits" },
	{ CBPF_FORM_COMMA, "1,6 0 0 99999999999999999999999", 0, 1, 9, 23, 0,
	  "k '99999999999999999999999' does not fit in 32 bits" },
	{ CBPF_FORM_COMMA, "2,40 0 0,6 0 0 0", 0, 1, 9, 1, 0,
	  "insn 0 has 3 values; expected 4 (code jt jf k)" },
	{ CBPF_FORM_COMMA, "1,40 0", 0, 1, 7, 0, 0,
	  "insn 0 has 2 values; expected 4 (code jt jf k)" },
	{ CBPF_FORM_COMMA, "1,40 0 0 12 7", 0, 1, 13, 1, 0,
	  "expected ',' after insn 0, found '7'" },
	{ CBPF_FORM_COMMA, "1;40 0 0 12", 0, 1, 2, 1, -1,
	  "expected ',' after the count, found ';'" },
	{ CBPF_FORM_COMMA, ",40 0 0 12", 0, 1, 1, 1, -1,
	  "expected the instruction count, found ','" },
	{ CBPF_FORM_COMMA, "99999999999,", 0, 1, 1, 11, -1, "count '99999999999' is out of range" },
	{ CBPF_FORM_COMMA, "1,0x 0 0 0", 0, 1, 3, 2, 0, "code '0x' has no digits" },
	{ CBPF_FORM_COMMA, "1,\n\n  40 0 zero 12", 0, 3, 8, 4, 0,
	  "expected jf of insn 0, found 'zero'" },
	{ CBPF_FORM_COMMA, "1,6 0 0 \x01", 0, 1, 9, 1, 0, "expected k of insn 0, found '\\x01'" },
	{ CBPF_FORM_COMMA, "'1,6 0 0 0\n", 0, 1, 1, 1, -1,
	  "the quote ' that opens the program is not closed" },
	{ CBPF_FORM_COMMA, "\"1,6 0 0 0'", 0, 1, 11, 1, 0, "unexpected ''' after the value '0'" },
	{ CBPF_FORM_COMMA, "'1,6 0 0 0' 7", 0, 1, 13, 1, -1,
	  "unexpected '7' after the closing quote" },
	{ CBPF_FORM_COMMA, "'1,6 0 0'", 0, 1, 9, 1, 0,
	  "insn 0 has 3 values; expected 4 (code jt jf k)" },
	{ CBPF_FORM_COMMA, "40 0 0 12,6 0 0", 0, 1, 16, 0, 1,
	  "insn 1 has 3 values; expected 4 (code jt jf k)" },
	{ CBPF_FORM_COMMA, "40 0 0 12 6 0 0 0", 0, 1, 11, 1, 0,
	  "expected ',' after insn 0, found '6'" },
	/* C */
	{ CBPF_FORM_C, "{ 0x28, 0, 0, 0xc },\n{ 0x15, 0, 1 },", 0, 2, 14, 1, 1,
	  "insn 1 has 3 values; expected 4 (code, jt, jf, k)" },
	{ CBPF_FORM_C, "{ 0x28, 0, 0, 0xc }\n{ 0x15, 0, 1, 0 }", 0, 2, 1, 1, -1,
	  "unexpected '{' after the last instruction" },
	{ CBPF_FORM_C, "{ 0x28 0, 0, 0xc }", 0, 1, 8, 1, 0, "expected ',' after code, found '0'" },
	{ CBPF_FORM_C, "{ 0x28, 0, 0, 0xcg }", 0, 1, 18, 1, 0,
	  "unexpected 'g' after the value '0xc'" },
	{ CBPF_FORM_C, "{ 0x28, 0, 0, 019 }", 0, 1, 17, 1, 0,
	  "invalid digit '9' in the octal constant '019'" },
	{ CBPF_FORM_C, "{ 0x10000, 0, 0, 0 }", 0, 1, 3, 7, 0,
	  "code '0x10000' is out of range (at most 65535)" },
	{ CBPF_FORM_C, "{ 0x28, 0, 0x100, 0 }", 0, 1, 12, 5, 0,
	  "jf '0x100' is out of range (at most 255)" },
	{ CBPF_FORM_C, "{ 0x28, 0, 0, 0x100000000 }", 0, 1, 15, 11, 0,
	  "k '0x100000000' does not fit in 32 bits" },
	{ CBPF_FORM_C, "{ 0x28, 0, 0, 12 ", 0, 1, 18, 0, 0,
	  "expected '}' to close the instruction, found end of input" },
	{ CBPF_FORM_C, "/* open { 0x28, 0, 0, 12 }", 0, 1, 1, 2, -1, "unterminated comment" },
	{ CBPF_FORM_C, "{ 0x28, 0, 0, x }", 0, 1, 15, 1, 0, "expected k of insn 0, found 'x'" },
	{ CBPF_FORM_C, "hello", 0, 1, 6, 0, -1,
	  "expected '=' in the declaration, found end of input" },
	{ CBPF_FORM_C, "struct sock_filter f[] = { { 1, 0, 0, 0 }", 0, 1, 42, 0, -1,
	  "expected '}' to close the array, found end of input" },
	{ CBPF_FORM_C, "ret #0", 0, 1, 5, 1, -1, "expected '=' and the instructions, found '#'" },
	{ CBPF_FORM_C, "4,6 0 0 0", 0, 1, 1, 1, -1,
	  "expected '{' to open an instruction, found '4'" },
	/* -ddd */
	{ CBPF_FORM_DDD, "3\n6 0 0 0\n6 0 0 0\n", 0, 1, 1, 1, -1,
	  "count mismatch: the count says 3 instructions but 2 follow" },
	{ CBPF_FORM_DDD, "1\n6 0 0\n", 0, 2, 6, 0, 0,
	  "insn 0 has 3 values; expected 4 (code jt jf k)" },
	{ CBPF_FORM_DDD, "1\n6 0 0 0 7\n", 0, 2, 9, 1, 0,
	  "unexpected '7' after the 4 values of insn 0 (one per line)" },
	{ CBPF_FORM_DDD, "1 2\n6 0 0 0 7\n", 0, 1, 3, 1, -1,
	  "unexpected '2' after the count (it stands alone on its line)" },
	{ CBPF_FORM_DDD, "1\n6 0 0 0,\n", 0, 2, 8, 1, 0, "unexpected ',' after the value '0'" },
	{ CBPF_FORM_DDD, "1\n6 0 0 -1\n", 0, 2, 7, 1, 0, "expected k of insn 0, found '-'" },
	{ CBPF_FORM_DDD, "1\n6 0 0 4294967296\n", 0, 2, 7, 10, 0,
	  "k '4294967296' does not fit in 32 bits" },
	/* raw */
	{ CBPF_FORM_RAW, "\x06\0\0\0\0\0\0\0\x06\0\0", 11, 0, 0, 0, 1,
	  "truncated raw input: 11 bytes is not a multiple of 8 (one instruction); the last 3 "
	  "bytes are left over" },
	{ CBPF_FORM_RAW, "\x06", 1, 0, 0, 0, 0,
	  "truncated raw input: 1 bytes is not a multiple of 8 (one instruction); the last 1 "
	  "bytes are left over" },
	/* any form */
	{ CBPF_FORM_COMMA, "", 0, 0, 0, 0, -1, "empty input: no instructions" },
	{ CBPF_FORM_RAW, "", 0, 0, 0, 0, -1, "empty input: no instructions" },
	{ CBPF_FORM_DOT, "x", 0, 0, 0, 0, -1, "the dot form cannot be read" },
};

START_TEST(read_errors_are_located)
{
	struct cbpf_read_opts opts = { .file = "f.bpf", .form = bad[_i].form };
	struct cbpf_diags diags = { 0 };
	struct cbpf_prog *p = (struct cbpf_prog *)&opts; /* must stay untouched */
	size_t len = bad[_i].len ? bad[_i].len : strlen(bad[_i].text);
	int err = cbpf_prog_read(bad[_i].text, len, &opts, &p, &diags);

	ck_assert_int_eq(err, -EINVAL);
	ck_assert_ptr_eq(p, (struct cbpf_prog *)&opts);
	ck_assert_uint_eq(diags.n, 1);
	ck_assert_uint_eq(diags.errors, 1);
	ck_assert_str_eq(diags.v[0].msg, bad[_i].msg);
	ck_assert_str_eq(diags.v[0].file, "f.bpf");
	ck_assert_uint_eq(diags.v[0].line, bad[_i].line);
	ck_assert_uint_eq(diags.v[0].col, bad[_i].col);
	ck_assert_uint_eq(diags.v[0].len, bad[_i].tlen);
	ck_assert_int_eq(diags.v[0].insn, bad[_i].insn);
	cbpf_diags_free(&diags);
}
END_TEST

START_TEST(read_stops_after_max_errors)
{
	char text[4096];
	size_t o = (size_t)snprintf(text, sizeof(text), "30,");
	struct cbpf_read_opts opts = { .form = CBPF_FORM_AUTO };
	struct cbpf_diags diags = { 0 };
	struct cbpf_prog *p = NULL;

	for (int i = 0; i < 30; i++)
		o += (size_t)snprintf(text + o, sizeof(text) - o, "70000 0 0 0,");
	ck_assert_int_eq(cbpf_prog_read(text, o, &opts, &p, &diags), -EINVAL);
	ck_assert_uint_eq(diags.errors, 20);
	ck_assert_uint_eq(diags.n, 21);
	ck_assert_str_eq(diags.v[20].msg, "too many errors (20); stopping");
	ck_assert_ptr_null(diags.v[0].file);
	cbpf_diags_free(&diags);
	opts.max_errors = 2;
	ck_assert_int_eq(cbpf_prog_read(text, o, &opts, &p, &diags), -EINVAL);
	ck_assert_uint_eq(diags.errors, 2);
	cbpf_diags_free(&diags);
}
END_TEST

/* Every bytecode form gives back exactly what was written. */
START_TEST(round_trips)
{
	static const enum cbpf_form forms[] = {
		CBPF_FORM_COMMA, CBPF_FORM_C, CBPF_FORM_DD, CBPF_FORM_DDD, CBPF_FORM_RAW,
	};
	static const struct cbpf_insn odd[] = { { 0xffff, 255, 255, 0xffffffff }, { 0, 0, 0, 0 } };
	struct cbpf_prog *progs[] = { cbpf_prog_new(every, N_EVERY), cbpf_prog_new(edges, 5),
				      cbpf_prog_new(odd, 2) };

	for (size_t i = 0; i < sizeof(progs) / sizeof(progs[0]); i++) {
		for (size_t f = 0; f < sizeof(forms) / sizeof(forms[0]); f++) {
			size_t len;
			int err;
			char *text = written(progs[i], forms[f], NULL, &err, &len);
			struct cbpf_prog *back;

			ck_assert_int_eq(err, 0);
			back = read_ok(text, len, CBPF_FORM_AUTO);
			assert_insns(back, cbpf_prog_insns(progs[i]), cbpf_prog_len(progs[i]));
			cbpf_prog_free(back);
			back = read_ok(text, len, forms[f]);
			assert_insns(back, cbpf_prog_insns(progs[i]), cbpf_prog_len(progs[i]));
			cbpf_prog_free(back);
			free(text);
		}
		cbpf_prog_free(progs[i]);
	}
}
END_TEST

Suite *fmt_suite(void)
{
	Suite *s = suite_create("fmt");
	TCase *w = tcase_create("write"), *r = tcase_create("read");

	tcase_add_test(w, every_opcode_is_covered);
	tcase_add_test(w, listing_every_opcode);
	tcase_add_test(w, asm_every_opcode);
	tcase_add_test(w, c_form);
	tcase_add_test(w, dd_form);
	tcase_add_test(w, comma_and_ddd_forms);
	tcase_add_test(w, raw_form);
	tcase_add_test(w, listing_unknown_and_wide);
	tcase_add_test(w, insn_format_is_snprintf);
	tcase_add_test(w, comments_where_the_form_allows);
	tcase_add_test(w, dot_graph);
	tcase_add_test(w, asm_refuses_what_it_cannot_spell);
	tcase_add_test(w, form_names);
	suite_add_tcase(s, w);
	tcase_add_test(r, detection);
	tcase_add_test(r, read_every_spelling);
	tcase_add_test(r, read_records_positions);
	tcase_add_loop_test(r, read_errors_are_located, 0, sizeof(bad) / sizeof(bad[0]));
	tcase_add_test(r, read_stops_after_max_errors);
	tcase_add_test(r, round_trips);
	suite_add_tcase(s, r);
	return s;
}
