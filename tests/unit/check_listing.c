// SPDX-License-Identifier: MIT
/* The tcpdump -d reader: every line libpcap's bpf_image() prints reads back to its instruction. */
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cbpf.h"
#include "unit.h"

static int parse(const char *src, const struct cbpf_asm_opts *opts, struct cbpf_prog **prog,
		 struct cbpf_diags *d)
{
	*prog = NULL;
	return cbpf_listing_parse(src, strlen(src), opts, prog, d);
}

/* Whether bpf_image() shows k for this opcode (it does not for x forms, tax, #pktlen ...). */
static bool shows_k(uint16_t code)
{
	const struct cbpf_opcode_info *info = cbpf_opcode_lookup(code);

	switch (info->operand) {
	case CBPF_OPND_NONE:
	case CBPF_OPND_LEN:
	case CBPF_OPND_ALU_X:
	case CBPF_OPND_JMP_X:
	case CBPF_OPND_RET_A:
		return false;
	default:
		return true;
	}
}

/*
 * The oracle: the installed libpcap's bpf_image() prints one instruction at pc 0 of a listing
 * long enough for its targets; the reader must give the same instruction back.
 */
static void round_trip(uint16_t code, uint8_t jt, uint8_t jf, uint32_t k)
{
	struct bpf_insn insn = { code, jt, jf, k }, ret = { 0x06, 0, 0, 0 };
	size_t last = 1 + (size_t)(jt > jf ? jt : jf) + (code == 0x05 ? k : 0);
	size_t cap = (last + 2) * 64, len = 0;
	char *text = malloc(cap);
	struct cbpf_diags d = { 0 };
	struct cbpf_prog *prog;
	const struct cbpf_insn *got;

	ck_assert_ptr_nonnull(text);
	len += (size_t)snprintf(text + len, cap - len, "%s\n", bpf_image(&insn, 0));
	for (size_t pc = 1; pc <= last; pc++)
		len += (size_t)snprintf(text + len, cap - len, "%s\n", bpf_image(&ret, (int)pc));
	if (parse(text, NULL, &prog, &d))
		ck_abort_msg("'%s' failed: %s", bpf_image(&insn, 0), d.n ? d.v[0].msg : "?");
	got = cbpf_prog_insns(prog);
	ck_assert_uint_eq(cbpf_prog_len(prog), last + 1);
	ck_assert_msg(got->code == code, "%s: code %#x", bpf_image(&insn, 0), got->code);
	if (cbpf_insn_is_cond_jump(got))
		ck_assert_msg(got->jt == jt && got->jf == jf, "%s: jt %u jf %u",
			      bpf_image(&insn, 0), got->jt, got->jf);
	if (shows_k(code))
		ck_assert_msg(got->k == k, "%s: k %#x", bpf_image(&insn, 0), got->k);
	cbpf_prog_free(prog);
	cbpf_diags_free(&d);
	free(text);
}

START_TEST(every_opcode_as_bpf_image_prints_it)
{
	static const uint32_t ks[] = { 0,	   1,	       12,	   255,
				       256,	   0x7fffffff, 0x80000000, 0xffffffff,
				       0xfffff000, 0xfffff004, 0xfffff028, 0xfffff030,
				       0xfffff038, 0xfffff03c, 0xfffff002, 0xfff00000 };
	size_t n;
	const struct cbpf_opcode_info *ops = cbpf_opcode_table(&n);
	const struct cbpf_opcode_info *op = &ops[_i];

	if (op->code == 0x05) {
		for (uint32_t k = 0; k < 300; k += 37)
			round_trip(op->code, 0, 0, k);
		return;
	}
	for (size_t i = 0; i < sizeof(ks) / sizeof(ks[0]); i++) {
		if (cbpf_insn_is_cond_jump(&(struct cbpf_insn){ op->code, 0, 0, 0 })) {
			round_trip(op->code, 0, 0, ks[i]);
			round_trip(op->code, 255, 3, ks[i]);
			round_trip(op->code, 7, 255, ks[i]);
		} else {
			round_trip(op->code, 0, 0, ks[i]);
		}
	}
	/* Every named ancillary offset, and the unnamed ones between them. */
	if (op->operand == CBPF_OPND_ABS)
		for (uint32_t off = 0; off < 64; off++)
			round_trip(op->code, 0, 0, 0xfffff000 + off);
}
END_TEST

START_TEST(tcpdump_lines)
{
	struct cbpf_diags d = { 0 };
	struct cbpf_prog *prog;
	const struct cbpf_insn *in;
	const struct cbpf_srcloc *loc;

	ck_assert_int_eq(parse("(000) ldh      [12]\n"
			       "(001) jeq      #0x800           jt 2\tjf 9\n"
			       "(002) ldb      [x + -4032]\n"
			       "(003) ld       #pktlen\n"
			       "(004) ldxb     4*([14]&0xf)\n"
			       "(005) ld       [proto]\n"
			       "(006) ldh      [vlan_tpid]\n"
			       "(007) ja       9\n"
			       "(008) ret      \n"
			       "(009) ret      #-1\n",
			       NULL, &prog, &d),
			 0);
	in = cbpf_prog_insns(prog);
	ck_assert_uint_eq(cbpf_prog_len(prog), 10);
	ck_assert_uint_eq(in[1].code, 0x15);
	ck_assert_uint_eq(in[1].jt, 0);
	ck_assert_uint_eq(in[1].jf, 7);
	ck_assert_uint_eq(in[2].k, (uint32_t)-4032);
	ck_assert_uint_eq(in[3].code, 0x80);
	ck_assert_uint_eq(in[4].code, 0xb1);
	ck_assert_uint_eq(in[5].k, 0xfffff000);
	ck_assert_uint_eq(in[6].k, 0xfffff03c);
	ck_assert_uint_eq(in[7].k, 1);
	ck_assert_uint_eq(in[8].code, 0x16);
	ck_assert_uint_eq(in[9].k, 0xffffffff);
	loc = cbpf_prog_srcloc(prog, 1);
	ck_assert_uint_eq(loc->line, 2);
	ck_assert_uint_eq(loc->col, 7);
	ck_assert_uint_eq(loc->len, 3);
	cbpf_prog_free(prog);
	ck_assert_uint_eq(d.n, 0);
}
END_TEST

START_TEST(unimp_keeps_the_opcode)
{
	struct cbpf_diags d = { 0 };
	struct cbpf_prog *prog;

	/* bpf_image prints ldx #len (0x81) as unimp: nothing is lost, no warning. */
	ck_assert_int_eq(parse("(000) unimp    0x81\n(001) ret      #0\n", NULL, &prog, &d), 0);
	ck_assert_uint_eq(cbpf_prog_insns(prog)[0].code, 0x81);
	ck_assert_uint_eq(d.n, 0);
	cbpf_prog_free(prog);
	/* Opcodes whose k or targets the line does not show: a warning. */
	ck_assert_int_eq(parse("(000) unimp    0xe\n(001) unimp    0xff\n", NULL, &prog, &d), 0);
	ck_assert_uint_eq(cbpf_prog_insns(prog)[0].code, 0x0e);
	ck_assert_uint_eq(cbpf_prog_insns(prog)[1].code, 0xff);
	ck_assert_uint_eq(d.n, 2);
	ck_assert_uint_eq(d.errors, 0);
	ck_assert_int_eq(d.v[1].severity, CBPF_SEV_WARNING);
	ck_assert_str_eq(d.v[1].msg,
			 "the listing does not show k, jt and jf of opcode 0xff; they read as 0");
	cbpf_prog_free(prog);
	cbpf_diags_free(&d);
}
END_TEST

START_TEST(numbers_are_optional_and_decimal)
{
	struct cbpf_diags d = { 0 };
	struct cbpf_prog *prog;

	/* "(008)" is eight, not a bad octal number; the "(NNN)" prefix may be left out. */
	ck_assert_int_eq(parse("(000) ld #0\n(001) ld #1\n(002) ld #2\n(003) ld #3\n(004) ld #4\n"
			       "(005) ld #5\n(006) ld #6\n(007) jeq #7 jt 8 jf 009\n"
			       "ld #8\n(009) ret #010\n",
			       NULL, &prog, &d),
			 0);
	ck_assert_uint_eq(cbpf_prog_insns(prog)[7].jf, 1);
	ck_assert_uint_eq(cbpf_prog_insns(prog)[9].k, 10);
	cbpf_prog_free(prog);
}
END_TEST

START_TEST(far_targets_are_relaxed)
{
	struct cbpf_asm_opts opts = { .no_relax = true };
	struct cbpf_diags d = { 0 };
	struct cbpf_prog *prog;
	char *text = malloc(400 * 32);
	size_t len = 0;

	/* A hand-edited listing: jt 301 cannot be encoded in 8 bits, so a ja carries it. */
	len += (size_t)sprintf(text, "(000) jeq #0x1 jt 301 jf 1\n");
	for (int i = 1; i <= 301; i++)
		len += (size_t)sprintf(text + len, "(%03d) ret #%d\n", i, i);
	ck_assert_int_eq(parse(text, NULL, &prog, &d), 0);
	ck_assert_uint_eq(cbpf_prog_len(prog), 303);
	ck_assert_uint_eq(cbpf_prog_insns(prog)[0].jt, 0);
	ck_assert_uint_eq(cbpf_prog_insns(prog)[0].jf, 1);
	ck_assert_uint_eq(cbpf_prog_insns(prog)[1].code, 0x05);
	ck_assert_uint_eq(cbpf_prog_insns(prog)[1].k, 300);
	ck_assert_uint_eq(cbpf_prog_insns(prog)[302].k, 301);
	cbpf_prog_free(prog);
	ck_assert_int_eq(parse(text, &opts, &prog, &d), -EINVAL);
	ck_assert_str_eq(
		d.v[0].msg,
		"jump to '301' is 300 instructions away; a conditional jump reaches at most "
		"255");
	ck_assert_uint_eq(d.v[0].col, 19);
	cbpf_diags_free(&d);
	free(text);
}
END_TEST

struct err_case {
	const char *src;
	unsigned line, col, len;
	const char *msg;
};

static const struct err_case errors[] = {
	{ "(000) jeq #0x1 jt 1 jf 0\n(001) ret #0\n", 1, 24, 1,
	  "jump target '0' is not after instruction 0: the kernel accepts only forward jumps" },
	{ "(000) ld #1\n(001) ja 1\n(002) ret #0\n", 2, 10, 1,
	  "jump target '1' is not after instruction 1: the kernel accepts only forward jumps" },
	{ "(000) ja -5\n(001) ret #0\n", 1, 10, 2,
	  "jump target '-5' is not after instruction 0: the kernel accepts only forward jumps" },
	{ "(000) jeq #0x1 jt 1 jf 7\n(001) ret #0\n", 1, 24, 1,
	  "jump target '7' is past the last instruction (1)" },
	{ "(000) ld #1\n(002) ret #0\n(005) ret #1\n", 2, 2, 3,
	  "instruction number '002' out of sequence: expected 1" },
	{ "(000) lx #1\n", 1, 7, 2, "unknown mnemonic 'lx'; did you mean 'ld'?" },
	{ "(000) ret #0 jt 1\n", 1, 14, 2, "unexpected 'jt' after the instruction" },
	{ "(000) jeq #0x1 jt 1\n(001) ret #0\n", 1, 20, 1, "expected 'jf' at the end of the line" },
	{ "(000) jeq #0x1 jf 1 jt 1\n", 1, 16, 2, "expected 'jt', found 'jf'" },
	{ "(000) ld [bogus]\n", 1, 11, 5, "unknown ancillary field 'bogus'" },
	{ "(000) ld #0x100000000\n", 1, 11, 11, "constant '0x100000000' does not fit in 32 bits" },
	{ "(000) ldxb 4*([14]&0x7)\n", 1, 20, 3, "expected 4*([k]&0xf), found &'0x7'" },
	{ "(000) unimp 0x10000\n", 1, 13, 7, "opcode '0x10000' does not fit in 16 bits" },
	{ "(000) st #1\n", 1, 10, 1, "expected 'M', found '#'" },
	{ "", 1, 1, 0, "no instructions: the input is empty or only comments" },
	{ "(000)\n", 1, 6, 1, "expected a mnemonic at the end of the line" },
};

START_TEST(located_errors)
{
	const struct err_case *e = &errors[_i];
	struct cbpf_asm_opts opts = { .file = "l.txt" };
	struct cbpf_diags d = { 0 };
	struct cbpf_prog *prog;

	ck_assert_int_eq(parse(e->src, &opts, &prog, &d), -EINVAL);
	ck_assert_ptr_null(prog);
	ck_assert_uint_ge(d.errors, 1);
	ck_assert_str_eq(d.v[0].msg, e->msg);
	ck_assert_str_eq(d.v[0].file, "l.txt");
	ck_assert_msg(d.v[0].line == e->line && d.v[0].col == e->col && d.v[0].len == e->len,
		      "%s: at %u:%u+%u, want %u:%u+%u", e->msg, d.v[0].line, d.v[0].col, d.v[0].len,
		      e->line, e->col, e->len);
	cbpf_diags_free(&d);
}
END_TEST

Suite *listing_suite(void)
{
	Suite *s = suite_create("listing");
	TCase *tc = tcase_create("read");
	size_t n;

	cbpf_opcode_table(&n);
	tcase_add_loop_test(tc, every_opcode_as_bpf_image_prints_it, 0, (int)n);
	tcase_add_test(tc, tcpdump_lines);
	tcase_add_test(tc, unimp_keeps_the_opcode);
	tcase_add_test(tc, numbers_are_optional_and_decimal);
	tcase_add_test(tc, far_targets_are_relaxed);
	suite_add_tcase(s, tc);
	tc = tcase_create("errors");
	tcase_add_loop_test(tc, located_errors, 0, sizeof(errors) / sizeof(errors[0]));
	suite_add_tcase(s, tc);
	return s;
}
