// SPDX-License-Identifier: MIT
/* The bpf_asm reader: encodings, numbers, labels, diagnostics and far-jump relaxation. */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cbpf.h"
#include "unit.h"

#define AD(off) (0xfffff000u + (off))

static int assemble(const char *src, const struct cbpf_asm_opts *opts, struct cbpf_prog **prog,
		    struct cbpf_diags *d)
{
	*prog = NULL;
	return cbpf_asm_parse(src, strlen(src), opts, prog, d);
}

/* Assembles src, which must succeed, and returns the program. */
static struct cbpf_prog *ok(const char *src)
{
	struct cbpf_diags d = { 0 };
	struct cbpf_prog *prog;
	int err = assemble(src, NULL, &prog, &d);

	if (err)
		ck_abort_msg("'%s' failed (%d): %s", src, err, d.n ? d.v[0].msg : "no diagnostic");
	ck_assert_uint_eq(d.errors, 0);
	cbpf_diags_free(&d);
	return prog;
}

static void check_insn(const struct cbpf_insn *in, uint16_t code, uint8_t jt, uint8_t jf,
		       uint32_t k, const char *what)
{
	ck_assert_msg(in->code == code && in->jt == jt && in->jf == jf && in->k == k,
		      "%s: got {%#x, %u, %u, %#x}, want {%#x, %u, %u, %#x}", what, in->code, in->jt,
		      in->jf, in->k, code, jt, jf, k);
}

/* ---------------------------------------------------------------- encodings */

struct enc {
	const char *src;
	uint16_t code;
	uint32_t k;
};

/* Every mnemonic with every addressing mode bpf_exp.y gives it (net/core/filter.c codes). */
static const struct enc encodings[] = {
	{ "ld #42", 0x00, 42 },
	{ "ld #len", 0x80, 0 },
	{ "ld len", 0x80, 0 },
	{ "ld #proto", 0x20, AD(0) },
	{ "ld M[3]", 0x60, 3 },
	{ "ld [x + 14]", 0x40, 14 },
	{ "ld [%x + 14]", 0x40, 14 },
	{ "ld [x+14]", 0x40, 14 },
	{ "ld [12]", 0x20, 12 },
	{ "ldi #7", 0x00, 7 },
	{ "ldi 7", 0x00, 7 },
	{ "ldh [x + 2]", 0x48, 2 },
	{ "ldh [%x + 2]", 0x48, 2 },
	{ "ldh [12]", 0x28, 12 },
	{ "ldh #type", 0x28, AD(4) },
	{ "ldb [x + 1]", 0x50, 1 },
	{ "ldb [%x + 1]", 0x50, 1 },
	{ "ldb [23]", 0x30, 23 },
	{ "ldb #queue", 0x30, AD(24) },
	{ "ldx #9", 0x01, 9 },
	{ "ldx #len", 0x81, 0 },
	{ "ldx len", 0x81, 0 },
	{ "ldx M[15]", 0x61, 15 },
	{ "ldx 4*([14]&0xf)", 0xb1, 14 },
	{ "ldxi #9", 0x01, 9 },
	{ "ldxi 9", 0x01, 9 },
	{ "ldxb 4*([14]&0xf)", 0xb1, 14 },
	{ "ldxb 4 * ( [ 0xe ] & 15 )", 0xb1, 14 },
	{ "st M[0]", 0x02, 0 },
	{ "stx M[1]", 0x03, 1 },
	{ "add #1", 0x04, 1 },
	{ "add x", 0x0c, 0 },
	{ "add %x", 0x0c, 0 },
	{ "sub #1", 0x14, 1 },
	{ "sub x", 0x1c, 0 },
	{ "sub %x", 0x1c, 0 },
	{ "mul #3", 0x24, 3 },
	{ "mul x", 0x2c, 0 },
	{ "mul %x", 0x2c, 0 },
	{ "div #3", 0x34, 3 },
	{ "div x", 0x3c, 0 },
	{ "div %x", 0x3c, 0 },
	{ "mod #3", 0x94, 3 },
	{ "mod x", 0x9c, 0 },
	{ "mod %x", 0x9c, 0 },
	{ "neg", 0x84, 0 },
	{ "and #0xff", 0x54, 0xff },
	{ "and x", 0x5c, 0 },
	{ "and %x", 0x5c, 0 },
	{ "or #0x10", 0x44, 0x10 },
	{ "or x", 0x4c, 0 },
	{ "or %x", 0x4c, 0 },
	{ "xor #5", 0xa4, 5 },
	{ "xor x", 0xac, 0 },
	{ "xor %x", 0xac, 0 },
	{ "lsh #2", 0x64, 2 },
	{ "lsh x", 0x6c, 0 },
	{ "lsh %x", 0x6c, 0 },
	{ "rsh #2", 0x74, 2 },
	{ "rsh x", 0x7c, 0 },
	{ "rsh %x", 0x7c, 0 },
	{ "ret #65535", 0x06, 65535 },
	{ "ret a", 0x16, 0 },
	{ "ret %a", 0x16, 0 },
	/* BPF_RET|BPF_X: bpf_asm encodes it; the kernel refuses it (the validator says so). */
	{ "ret x", 0x0e, 0 },
	{ "ret %x", 0x0e, 0 },
	{ "tax", 0x07, 0 },
	{ "txa", 0x87, 0 },
	/* Keywords are caseless (flex %option caseless). */
	{ "LD #1", 0x00, 1 },
	{ "Ldh [1]", 0x28, 1 },
	{ "LDX m[2]", 0x61, 2 },
	{ "ld #LEN", 0x80, 0 },
	{ "ret A", 0x16, 0 },
	{ "ADD X", 0x0c, 0 },
	{ "ld [X + 1]", 0x40, 1 },
};

START_TEST(every_mnemonic_and_mode)
{
	const struct enc *e = &encodings[_i];
	struct cbpf_prog *prog = ok(e->src);

	ck_assert_uint_eq(cbpf_prog_len(prog), 1);
	check_insn(&cbpf_prog_insns(prog)[0], e->code, 0, 0, e->k, e->src);
	cbpf_prog_free(prog);
}
END_TEST

/* bpf_exp.l's ancillary names and the SKF_AD_* offsets they stand for. */
static const struct {
	const char *name;
	uint32_t off;
} ancillaries[] = {
	{ "proto", 0 },	   { "type", 4 },	 { "poff", 52 },      { "ifidx", 8 },
	{ "nla", 12 },	   { "nlan", 16 },	 { "mark", 20 },      { "queue", 24 },
	{ "hatype", 28 },  { "rxhash", 32 },	 { "cpu", 36 },	      { "vlan_tci", 44 },
	{ "vlan_pr", 48 }, { "vlan_avail", 48 }, { "vlan_tpid", 60 }, { "rand", 56 },
};

START_TEST(every_ancillary_keyword)
{
	static const struct {
		const char *mnem;
		uint16_t code;
	} loads[] = { { "ld", 0x20 }, { "ldh", 0x28 }, { "ldb", 0x30 } };
	const char *name = ancillaries[_i].name;
	char src[64], upper[32];
	size_t i;

	for (i = 0; name[i]; i++)
		upper[i] = (char)(name[i] >= 'a' && name[i] <= 'z' ? name[i] - 32 : name[i]);
	upper[i] = 0;
	for (size_t l = 0; l < 3; l++) {
		/* #name, name, #NAME */
		for (int f = 0; f < 3; f++) {
			struct cbpf_prog *prog;

			snprintf(src, sizeof(src), "%s %s%s", loads[l].mnem, f == 1 ? "" : "#",
				 f == 2 ? upper : name);
			prog = ok(src);
			check_insn(&cbpf_prog_insns(prog)[0], loads[l].code, 0, 0,
				   AD(ancillaries[_i].off), src);
			cbpf_prog_free(prog);
		}
	}
}
END_TEST

/* ---------------------------------------------------------------- numbers */

static const struct {
	const char *text;
	uint32_t k;
} numbers[] = {
	{ "0", 0 },
	{ "42", 42 },
	{ "+42", 42 },
	{ "-1", 0xffffffff },
	{ "-2147483648", 0x80000000 },
	{ "4294967295", 0xffffffff },
	{ "0x0", 0 },
	{ "0xfF", 0xff },
	{ "0XFFFFFFFF", 0xffffffff },
	{ "0b101", 5 },
	{ "0B11111111", 255 },
	{ "017", 15 },
	{ "00", 0 },
	{ "0777", 511 },
	/* Beyond bpf_exp.l, which takes a sign only before decimals. */
	{ "-0x10", 0xfffffff0 },
	{ "-0b1", 0xffffffff },
	{ "-010", 0xfffffff8 },
};

START_TEST(numbers_in_every_base)
{
	char src[64];
	struct cbpf_prog *prog;

	snprintf(src, sizeof(src), "ld #%s", numbers[_i].text);
	prog = ok(src);
	check_insn(&cbpf_prog_insns(prog)[0], 0x00, 0, 0, numbers[_i].k, src);
	cbpf_prog_free(prog);
	snprintf(src, sizeof(src), "ret #%s", numbers[_i].text);
	prog = ok(src);
	check_insn(&cbpf_prog_insns(prog)[0], 0x06, 0, 0, numbers[_i].k, src);
	cbpf_prog_free(prog);
}
END_TEST

/* ---------------------------------------------------------------- jumps and labels */

START_TEST(two_target_jumps)
{
	struct cbpf_prog *prog = ok("  jeq #1, a1, b1\n"
				    "a1: jgt x, a2, b2\n"
				    "b1: jge %x, a2, b2\n"
				    "a2: jset #0x40, b2, end\n"
				    "b2: ld #0\n"
				    "end: ret #0\n");
	const struct cbpf_insn *in = cbpf_prog_insns(prog);

	ck_assert_uint_eq(cbpf_prog_len(prog), 6);
	check_insn(&in[0], 0x15, 0, 1, 1, "jeq");
	check_insn(&in[1], 0x2d, 1, 2, 0, "jgt x");
	check_insn(&in[2], 0x3d, 0, 1, 0, "jge %x");
	check_insn(&in[3], 0x45, 0, 1, 0x40, "jset");
	cbpf_prog_free(prog);
}
END_TEST

START_TEST(one_target_jumps)
{
	/* One target: jeq/jgt/jge/jset put it in jt; jneq/jne/jlt/jle test the opposite (jeq,
	 * jge, jgt) and put it in jf (bpf_exp.y). The other side falls through. */
	struct cbpf_prog *prog = ok("jeq #1, t\n"
				    "jgt x, t\n"
				    "jge #3, t\n"
				    "jset #4, t\n"
				    "jneq #5, t\n"
				    "jne x, t\n"
				    "jlt #7, t\n"
				    "jle %x, t\n"
				    "jlt x, t\n"
				    "jle #9, t\n"
				    "t: ret #0\n");
	const struct cbpf_insn *in = cbpf_prog_insns(prog);

	check_insn(&in[0], 0x15, 9, 0, 1, "jeq");
	check_insn(&in[1], 0x2d, 8, 0, 0, "jgt x");
	check_insn(&in[2], 0x35, 7, 0, 3, "jge");
	check_insn(&in[3], 0x45, 6, 0, 4, "jset");
	check_insn(&in[4], 0x15, 0, 5, 5, "jneq");
	check_insn(&in[5], 0x1d, 0, 4, 0, "jne x");
	check_insn(&in[6], 0x35, 0, 3, 7, "jlt");
	check_insn(&in[7], 0x2d, 0, 2, 0, "jle %x");
	check_insn(&in[8], 0x3d, 0, 1, 0, "jlt x");
	check_insn(&in[9], 0x25, 0, 0, 9, "jle");
	cbpf_prog_free(prog);
}
END_TEST

START_TEST(negated_jumps_with_two_targets)
{
	/* Not in bpf_asm: "jne #k, a, b" goes to a when A != k, so a lands in jf. */
	struct cbpf_prog *prog = ok("jne #1, a1, b1\n"
				    "jlt x, a1, b1\n"
				    "a1: ret #1\n"
				    "b1: ret #2\n");
	const struct cbpf_insn *in = cbpf_prog_insns(prog);

	check_insn(&in[0], 0x15, 2, 1, 1, "jne two targets");
	check_insn(&in[1], 0x3d, 1, 0, 0, "jlt two targets");
	cbpf_prog_free(prog);
}
END_TEST

START_TEST(ja_and_jmp)
{
	struct cbpf_prog *prog = ok("ja over\njmp over\nld #1\nover: ret a\n");
	const struct cbpf_insn *in = cbpf_prog_insns(prog);

	check_insn(&in[0], 0x05, 0, 0, 2, "ja");
	check_insn(&in[1], 0x05, 0, 0, 1, "jmp");
	cbpf_prog_free(prog);
}
END_TEST

START_TEST(layout_is_free_form)
{
	/* bpf_exp.y ignores line ends: several instructions per line, one over several lines,
	 * a label alone on its line, several labels on one instruction (ours). Comments: ';',
	 * C comments over lines, and '#' lines (cpp output). CRLF ends and a BOM are fine. */
	struct cbpf_prog *prog = ok("\xef\xbb\xbf# 1 \"filter.bpf\"\r\n"
				    "ldh [12] jeq #0x800,\r\n"
				    "   ip, other ; trailing\n"
				    "/* a comment\n over lines */ ip:\n"
				    "ip2: ret\n"
				    "  #-1\n"
				    "other: ret #0");
	const struct cbpf_insn *in = cbpf_prog_insns(prog);
	const struct cbpf_srcloc *loc;

	ck_assert_uint_eq(cbpf_prog_len(prog), 4);
	check_insn(&in[1], 0x15, 0, 1, 0x800, "jeq over lines");
	check_insn(&in[2], 0x06, 0, 0, 0xffffffff, "ret over lines");
	loc = cbpf_prog_srcloc(prog, 1);
	ck_assert_ptr_nonnull(loc);
	ck_assert_uint_eq(loc->line, 2);
	ck_assert_uint_eq(loc->col, 10);
	ck_assert_uint_eq(loc->len, 3);
	loc = cbpf_prog_srcloc(prog, 2);
	ck_assert_uint_eq(loc->line, 6);
	ck_assert_uint_eq(loc->col, 6);
	cbpf_prog_free(prog);
}
END_TEST

START_TEST(comments_hold_any_byte_but_nul)
{
	/* bpf_exp.l reads 8-bit input: Latin-1 and control bytes in comments are fine. */
	struct cbpf_prog *prog = ok("; gr\xf6\xdf"
				    "er als \x01\n"
				    "# \xff\xfe\n"
				    "ld #1 /* \xe9t\xe9\n\x1b */ ret #0 ; \x80\n");

	ck_assert_uint_eq(cbpf_prog_len(prog), 2);
	cbpf_prog_free(prog);
}
END_TEST

START_TEST(labels_are_case_sensitive_tokens_free_spaced)
{
	/* Labels keep their case (ab and AB differ); '#', '%' and 'M' are tokens of their own,
	 * so spaces may separate them from what follows, as in bpf_exp.l. */
	struct cbpf_prog *prog = ok("jeq # 1, ab\n"
				    "AB: ld M [ 2 ]\n"
				    "ab: add % x\n"
				    "Ab_9: ldxb 4 * ( [ 14 ] & 0xf )\n"
				    "ret % a\n");
	const struct cbpf_insn *in = cbpf_prog_insns(prog);

	check_insn(&in[0], 0x15, 1, 0, 1, "jeq to ab");
	check_insn(&in[1], 0x60, 0, 0, 2, "ld M [ 2 ]");
	check_insn(&in[2], 0x0c, 0, 0, 0, "add % x");
	check_insn(&in[3], 0xb1, 0, 0, 14, "ldxb spaced");
	check_insn(&in[4], 0x16, 0, 0, 0, "ret % a");
	cbpf_prog_free(prog);
}
END_TEST

START_TEST(positions_and_file)
{
	struct cbpf_asm_opts opts = { .file = "f.bpf" };
	struct cbpf_diags d = { 0 };
	struct cbpf_prog *prog;
	const struct cbpf_srcloc *loc;

	ck_assert_int_eq(assemble("  ld #1\n\tret   a\n", &opts, &prog, &d), 0);
	ck_assert_str_eq(cbpf_prog_file(prog), "f.bpf");
	loc = cbpf_prog_srcloc(prog, 0);
	ck_assert_uint_eq(loc->line, 1);
	ck_assert_uint_eq(loc->col, 3);
	ck_assert_uint_eq(loc->len, 2);
	loc = cbpf_prog_srcloc(prog, 1);
	ck_assert_uint_eq(loc->line, 2);
	ck_assert_uint_eq(loc->col, 2);
	ck_assert_uint_eq(loc->len, 3);
	cbpf_prog_free(prog);
	cbpf_diags_free(&d);
}
END_TEST

/* ---------------------------------------------------------------- errors */

struct err_case {
	const char *src;
	unsigned line, col, len;
	const char *msg;
};

static const struct err_case errors[] = {
	{ "lx #1\n", 1, 1, 2, "unknown mnemonic 'lx'; did you mean 'ld'?" },
	{ "foo\n", 1, 1, 3, "unknown mnemonic 'foo'" },
	{ "ld #0\njeq #1, drop\nret #0\n", 2, 9, 4, "undefined label 'drop'" },
	{ "jeq #1, dorp\ndrop: ret #0\n", 1, 9, 4, "undefined label 'dorp'; did you mean 'drop'?" },
	{ "ld #1\n\nok: ret #0\nok: ret #1\n", 4, 1, 2,
	  "duplicate label 'ok' (first defined at line 3)" },
	{ "ld M[16]\n", 1, 6, 2, "scratch memory index 16 out of range (M[0] to M[15])" },
	{ "st M[-1]\n", 1, 6, 2, "scratch memory index -1 out of range (M[0] to M[15])" },
	{ "ldx M[0x10]\n", 1, 7, 4, "scratch memory index 0x10 out of range (M[0] to M[15])" },
	{ "ld #0x100000000\n", 1, 5, 11, "constant '0x100000000' does not fit in 32 bits" },
	{ "ld #4294967296\n", 1, 5, 10, "constant '4294967296' does not fit in 32 bits" },
	{ "ld #-2147483649\n", 1, 5, 11, "constant '-2147483649' does not fit in 32 bits" },
	{ "ret #99999999999999999999999\n", 1, 6, 23,
	  "constant '99999999999999999999999' does not fit in 32 bits" },
	{ "top: ld #1\n  ja top\n", 2, 6, 3,
	  "backward jump to label 'top': the kernel accepts only forward jumps" },
	{ "top: jeq #1, top, next\nnext: ret #0\n", 1, 14, 3,
	  "backward jump to label 'top': the kernel accepts only forward jumps" },
	{ "ld #09\n", 1, 5, 2, "invalid digit '9' in octal constant '09'" },
	{ "ld #0x\n", 1, 5, 2, "constant '0x' has no digits" },
	{ "ld #0b12\n", 1, 5, 4, "invalid digit '2' in binary constant '0b12'" },
	{ "ld #12ab\n", 1, 5, 4, "invalid digit 'a' in decimal constant '12ab'" },
	{ "ld #0x1g\n", 1, 5, 4, "invalid digit 'g' in hexadecimal constant '0x1g'" },
	{ "ld 5\n", 1, 4, 1,
	  "invalid operand '5' for 'ld': expected #k, #len, M[k], [k], [x + k] or an ancillary "
	  "field such as #proto (immediates are written #k)" },
	{ "ldh M[1]\n", 1, 5, 4,
	  "invalid operand 'M[1]' for 'ldh': expected [k], [x + k] or an ancillary field such as "
	  "#proto" },
	{ "ldx #proto\n", 1, 5, 6,
	  "invalid operand '#proto' for 'ldx': expected #k, #len, M[k] or 4*([k]&0xf)" },
	{ "ret [1]\n", 1, 5, 3, "invalid operand '[1]' for 'ret': expected #k, a or x" },
	{ "add a\n", 1, 5, 1, "invalid operand 'a' for 'add': expected #k or x" },
	{ "st #1\n", 1, 4, 2, "invalid operand '#1' for 'st': expected M[k]" },
	{ "add y\n", 1, 5, 1, "invalid operand 'y' for 'add': expected #k or x" },
	{ "ret\n", 1, 1, 3, "missing operand for 'ret': expected #k, a or x" },
	{ "ret\nld #1\n", 1, 1, 3, "missing operand for 'ret': expected #k, a or x" },
	{ "ld #proto5\n", 1, 4, 7, "unknown ancillary field '#proto5'; did you mean '#proto'?" },
	{ "ld #pktlen\n", 1, 4, 7, "unknown ancillary field '#pktlen'; bpf_asm calls it '#len'" },
	{ "ld #zzzzzz\n", 1, 4, 7, "unknown ancillary field '#zzzzzz'" },
	{ "ld [x - 4]\n", 1, 7, 1,
	  "unexpected character '-' (a negative number is written with no space: -4)" },
	{ "ld [1\n", 1, 6, 1, "expected ']' after '1'" },
	{ "ld [1 + 2]\n", 1, 7, 1, "expected ']', found '+'" },
	{ "ld #\n", 1, 5, 1, "expected a number after '#'" },
	{ "jeq #1 a, b\n", 1, 8, 1, "expected ',', found 'a'" },
	{ "jeq #1, 5\n", 1, 9, 1, "expected a label, found '5'; jump targets are labels" },
	{ "jeq #1, len\n", 1, 9, 3, "expected a label, found keyword 'len'" },
	{ "ja\n", 1, 3, 1, "expected a label after 'ja'" },
	{ "ldxb 3*([1]&0xf)\n", 1, 6, 1,
	  "only 4*([k]&0xf) can be encoded; found '3' instead of 4" },
	{ "ldx 4*([1]&0x7)\n", 1, 12, 3,
	  "only 4*([k]&0xf) can be encoded; found '0x7' instead of 0xf" },
	{ "ret #0 @\n", 1, 8, 1, "unexpected character '@'" },
	{ "ret #0 \xc3\xa9\n", 1, 8, 2, "unexpected character '\xc3\xa9'" },
	{ "// c++ comment\nret #0\n", 1, 1, 1,
	  "unexpected character '/' (comments start with ';' or '/*')" },
	{ "ret #0 /* open\n\n", 1, 8, 2, "unterminated comment" },
	{ "ret: ret #0\n", 1, 1, 3, "keyword 'ret' cannot be a label" },
	{ "len: ret #0\n", 1, 1, 3, "keyword 'len' cannot be a label" },
	{ "ret #0\nend:\n", 2, 1, 3, "label 'end' is not followed by an instruction" },
	{ " #5\n", 1, 2, 1, "expected a mnemonic or a label, found '#'" },
	{ "#5\n", 1, 1, 0, "no instructions: the input is empty or only comments" },
	{ "ld %y\n", 1, 5, 1, "expected 'x' or 'a' after '%', found 'y'" },
	{ "", 1, 1, 0, "no instructions: the input is empty or only comments" },
	{ "; nothing\n/* at all */\n\n", 1, 1, 0,
	  "no instructions: the input is empty or only comments" },
	{ "ld #1\nret\x00#0\n", 2, 4, 1, "a NUL byte in the text (is this a binary file?)" },
	{ "ret #0 \xff\xfe\n", 1, 8, 1,
	  "not text: invalid UTF-8 byte 0xff (is this a binary file?)" },
	{ "; \x01 is fine in a comment\nret #0 \x01\n", 2, 8, 1,
	  "not text: control byte 0x01 (is this a binary file?)" },
	{ "\x1b[31mret\n", 1, 1, 1, "not text: control byte 0x1b (is this a binary file?)" },
};

START_TEST(located_errors)
{
	const struct err_case *e = &errors[_i];
	struct cbpf_asm_opts opts = { .file = "t.bpf" };
	struct cbpf_diags d = { 0 };
	struct cbpf_prog *prog = NULL;
	size_t len = strlen(e->src);
	int err;

	/* The case with a NUL: count up to the end of its literal. */
	if (strstr(e->msg, "NUL byte"))
		len = 13;
	err = cbpf_asm_parse(e->src, len, &opts, &prog, &d);
	ck_assert_int_eq(err, -EINVAL);
	ck_assert_ptr_null(prog);
	ck_assert_msg(d.n >= 1 && d.errors >= 1, "%s: no diagnostic", e->src);
	ck_assert_str_eq(d.v[0].msg, e->msg);
	ck_assert_str_eq(d.v[0].file, "t.bpf");
	ck_assert_msg(d.v[0].line == e->line && d.v[0].col == e->col && d.v[0].len == e->len,
		      "%s: at %u:%u+%u, want %u:%u+%u", e->msg, d.v[0].line, d.v[0].col, d.v[0].len,
		      e->line, e->col, e->len);
	cbpf_diags_free(&d);
}
END_TEST

START_TEST(one_error_per_line_and_recovery)
{
	struct cbpf_diags d = { 0 };
	struct cbpf_prog *prog;

	/* Each bad line gives one error, good lines between them parse, label errors are
	 * reported in line order with the others. */
	ck_assert_int_eq(assemble("lx #1 @ @ @\n"
				  "ld #1\n"
				  "jeq #1, nowhere\n"
				  "ld M[99] ] ] ]\n"
				  "ret #0\n",
				  NULL, &prog, &d),
			 -EINVAL);
	ck_assert_uint_eq(d.errors, 3);
	ck_assert_uint_eq(d.v[0].line, 1);
	ck_assert_uint_eq(d.v[1].line, 3);
	ck_assert_str_eq(d.v[1].msg, "undefined label 'nowhere'");
	ck_assert_uint_eq(d.v[2].line, 4);
	cbpf_diags_free(&d);
}
END_TEST

START_TEST(binary_input_gets_one_error)
{
	char junk[4096];
	struct cbpf_diags d = { 0 };
	struct cbpf_prog *prog = NULL;
	uint32_t x = 12345;

	for (size_t i = 0; i < sizeof(junk); i++) {
		x = x * 1103515245 + 12345;
		junk[i] = (char)(x >> 16);
	}
	ck_assert_int_eq(cbpf_asm_parse(junk, sizeof(junk), NULL, &prog, &d), -EINVAL);
	ck_assert_uint_eq(d.n, 1);
	ck_assert_ptr_null(prog);
	cbpf_diags_free(&d);
	ck_assert_int_eq(cbpf_listing_parse(junk, sizeof(junk), NULL, &prog, &d), -EINVAL);
	ck_assert_uint_eq(d.n, 1);
	cbpf_diags_free(&d);
}
END_TEST

START_TEST(stops_after_max_errors)
{
	struct cbpf_asm_opts opts = { 0 };
	struct cbpf_diags d = { 0 };
	struct cbpf_prog *prog;
	char src[4000] = "";

	for (int i = 0; i < 100; i++)
		strcat(src, "bogus #1\n");
	ck_assert_int_eq(assemble(src, &opts, &prog, &d), -EINVAL);
	ck_assert_uint_eq(d.errors, 20);
	ck_assert_uint_eq(d.n, 21);
	ck_assert_int_eq(d.v[20].severity, CBPF_SEV_NOTE);
	ck_assert_str_eq(d.v[20].msg, "too many errors (20); stopping");
	cbpf_diags_free(&d);
	opts.max_errors = 3;
	ck_assert_int_eq(assemble(src, &opts, &prog, &d), -EINVAL);
	ck_assert_uint_eq(d.errors, 3);
	ck_assert_uint_eq(d.v[2].line, 3);
	cbpf_diags_free(&d);
}
END_TEST

START_TEST(diags_may_be_null_and_list_is_appended)
{
	struct cbpf_diags d = { 0 };
	struct cbpf_prog *prog = (struct cbpf_prog *)&d; /* must stay untouched on failure */

	ck_assert_int_eq(cbpf_asm_parse("lx", 2, NULL, &prog, NULL), -EINVAL);
	ck_assert_ptr_eq(prog, (struct cbpf_prog *)&d);
	cbpf_diags_add(&d, CBPF_SEV_WARNING, NULL, 0, 0, 0, -1, "earlier");
	ck_assert_int_eq(cbpf_asm_parse("ja x1\nlx", 8, NULL, &prog, &d), -EINVAL);
	ck_assert_str_eq(d.v[0].msg, "earlier");
	ck_assert_uint_eq(d.v[1].line, 1);
	ck_assert_uint_eq(d.v[2].line, 2);
	cbpf_diags_free(&d);
}
END_TEST

/* ---------------------------------------------------------------- relaxation */

/*
 * Follows one side of the conditional jump at pc, through the ja instructions inserted for it
 * (they carry the jump's source line), to the instruction it really reaches.
 */
static size_t follow(const struct cbpf_prog *prog, size_t pc, int side)
{
	const struct cbpf_insn *in = cbpf_prog_insns(prog);
	unsigned line = cbpf_prog_srcloc(prog, pc)->line;
	size_t to = pc + 1 + (side ? in[pc].jf : in[pc].jt);

	while (to < cbpf_prog_len(prog) && in[to].code == (CBPF_JMP | CBPF_JA) &&
	       cbpf_prog_srcloc(prog, to)->line == line)
		to = to + 1 + in[to].k;
	return to;
}

/* The instruction a source line became (the first one with that line). */
static size_t pc_of_line(const struct cbpf_prog *prog, unsigned line)
{
	for (size_t pc = 0; pc < cbpf_prog_len(prog); pc++)
		if (cbpf_prog_srcloc(prog, pc)->line == line)
			return pc;
	ck_abort_msg("line %u not found", line);
	return 0;
}

/* Source builder: one instruction per line, so lines name instructions. */
struct src {
	char *text;
	size_t len, cap;
	unsigned lines;
};

static void emit(struct src *s, const char *fmt, ...) CBPF_PRINTF(2, 3);

static void emit(struct src *s, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (s->cap - s->len < 128) {
		s->cap = s->cap ? 2 * s->cap : 4096;
		s->text = realloc(s->text, s->cap);
		ck_assert_ptr_nonnull(s->text);
	}
	va_start(ap, fmt);
	n = vsnprintf(s->text + s->len, s->cap - s->len, fmt, ap);
	va_end(ap);
	s->len += (size_t)n;
	s->text[s->len++] = '\n';
	s->text[s->len] = 0;
	s->lines++;
}

static void fill(struct src *s, int n)
{
	for (int i = 0; i < n; i++)
		emit(s, "ld #%d", i);
}

/* Every conditional jump in prog reaches, on each side, what the source named. */
struct expect_jump {
	unsigned line;	/* the jump */
	unsigned to[2]; /* lines of the jt and jf targets */
};

static void check_jumps(const struct cbpf_prog *prog, const struct expect_jump *j, size_t n)
{
	const struct cbpf_insn *in = cbpf_prog_insns(prog);

	for (size_t i = 0; i < n; i++) {
		size_t pc = pc_of_line(prog, j[i].line);

		ck_assert_msg(cbpf_insn_is_cond_jump(&in[pc]), "line %u is not a jump", j[i].line);
		for (int s = 0; s < 2; s++) {
			size_t got = follow(prog, pc, s);
			size_t want = pc_of_line(prog, j[i].to[s]);

			ck_assert_msg(got == want,
				      "line %u side %d reaches pc %zu, want %zu (line %u)",
				      j[i].line, s, got, want, j[i].to[s]);
		}
	}
	/* Every jump is forward and every target exists. */
	for (size_t pc = 0; pc < cbpf_prog_len(prog); pc++) {
		if (in[pc].code == (CBPF_JMP | CBPF_JA))
			ck_assert_uint_lt(pc + 1 + in[pc].k, cbpf_prog_len(prog));
		else if (cbpf_insn_is_cond_jump(&in[pc]))
			ck_assert_uint_lt(pc + 1 + (in[pc].jt > in[pc].jf ? in[pc].jt : in[pc].jf),
					  cbpf_prog_len(prog));
	}
}

START_TEST(relax_one_far_side)
{
	struct src s = { 0 };
	struct cbpf_prog *prog;
	const struct cbpf_insn *in;
	const struct cbpf_srcloc *a, *b;

	emit(&s, "jeq #1, far"); /* line 1 */
	fill(&s, 300);		 /* lines 2..301 */
	emit(&s, "far: ret #1"); /* line 302 */
	prog = ok(s.text);
	in = cbpf_prog_insns(prog);
	ck_assert_uint_eq(cbpf_prog_len(prog), 303);
	check_insn(&in[0], 0x15, 0, 1, 1, "relaxed jeq");
	check_insn(&in[1], 0x05, 0, 0, 300, "inserted ja");
	/* The inserted ja has the jump's position. */
	a = cbpf_prog_srcloc(prog, 0);
	b = cbpf_prog_srcloc(prog, 1);
	ck_assert_uint_eq(a->line, b->line);
	ck_assert_uint_eq(a->col, b->col);
	ck_assert_uint_eq(a->len, b->len);
	check_jumps(prog, &(struct expect_jump){ 1, { 302, 2 } }, 1);
	cbpf_prog_free(prog);
	free(s.text);
}
END_TEST

START_TEST(relax_exactly_at_the_limit)
{
	struct src s = { 0 };
	struct cbpf_prog *prog;

	/* 255 instructions between: jt = 255 fits, nothing is inserted; 256 does not. */
	emit(&s, "jeq #1, far");
	fill(&s, 255);
	emit(&s, "far: ret #1");
	prog = ok(s.text);
	ck_assert_uint_eq(cbpf_prog_len(prog), 257);
	ck_assert_uint_eq(cbpf_prog_insns(prog)[0].jt, 255);
	cbpf_prog_free(prog);
	free(s.text);
	memset(&s, 0, sizeof(s));
	emit(&s, "jeq #1, far");
	fill(&s, 256);
	emit(&s, "far: ret #1");
	prog = ok(s.text);
	ck_assert_uint_eq(cbpf_prog_len(prog), 259);
	check_jumps(prog, &(struct expect_jump){ 1, { 258, 2 } }, 1);
	cbpf_prog_free(prog);
	free(s.text);
}
END_TEST

START_TEST(relax_both_sides)
{
	struct src s = { 0 };
	struct cbpf_prog *prog;
	const struct cbpf_insn *in;
	static const struct expect_jump j[] = {
		{ 2, { 605, 304 } },   /* both far, different targets */
		{ 3, { 605, 605 } },   /* both far, one target: one shared ja */
		{ 4, { 4 + 1, 605 } }, /* jne: fall-through in jt, far side in jf */
	};

	emit(&s, "ld #0");	     /* 1 */
	emit(&s, "jgt #1, t2, t1");  /* 2 */
	emit(&s, "jset #1, t2, t2"); /* 3 */
	emit(&s, "jne #1, t2");	     /* 4 */
	fill(&s, 299);		     /* 5..303 */
	emit(&s, "t1: ret #1");	     /* 304 */
	fill(&s, 300);		     /* 305..604 */
	emit(&s, "t2: ret #2");	     /* 605 */
	prog = ok(s.text);
	in = cbpf_prog_insns(prog);
	check_jumps(prog, j, 3);
	/* jgt: two ja follow it; jset: one; jne: one. */
	check_insn(&in[1], 0x25, 0, 1, 1, "jgt both far");
	check_insn(&in[4], 0x45, 0, 0, 1, "jset shared");
	check_insn(&in[6], 0x15, 1, 0, 1, "jne far jf");
	ck_assert_uint_eq(cbpf_prog_len(prog), 605 + 4);
	cbpf_prog_free(prog);
	free(s.text);
}
END_TEST

START_TEST(relax_cascades_to_a_fixed_point)
{
	struct src s = { 0 };
	struct cbpf_prog *prog;
	struct expect_jump j[20];

	/*
	 * A ladder of jumps whose false sides reach with nothing to spare (255), and whose true
	 * sides go far: the ja inserted for each true side pushes the false sides of the jumps
	 * before it out of reach, which only a later pass can see.
	 */
	for (unsigned i = 0; i < 20; i++) {
		emit(&s, "jeq #%u, far, l%u", i, i); /* line i + 1 */
		j[i] = (struct expect_jump){ i + 1, { 577, 257 + i } };
	}
	fill(&s, 236); /* 21..256 */
	for (unsigned i = 0; i < 20; i++)
		emit(&s, "l%u: ld #%u", i, i); /* 257 + i */
	fill(&s, 300);			       /* 277..576 */
	emit(&s, "far: ret #0");	       /* 577 */
	prog = ok(s.text);
	check_jumps(prog, j, 20);
	/* Both sides of every jump go through a ja. */
	ck_assert_uint_eq(cbpf_prog_len(prog), 577 + 40);
	cbpf_prog_free(prog);
	free(s.text);
}
END_TEST

START_TEST(near_jumps_across_inserted_ja)
{
	struct src s = { 0 };
	struct cbpf_prog *prog;
	static const struct expect_jump j[] = {
		{ 1, { 203, 2 } },     /* near, but crosses three inserted ja */
		{ 2, { 257, 3 } },     /* 254 apart: pushed out of reach by the two below */
		{ 3, { 259, 4 } },     /* 255 apart: pushed out of reach by the one below */
		{ 100, { 501, 101 } }, /* far */
	};

	emit(&s, "jeq #1, a1");	 /* 1 */
	emit(&s, "jeq #2, a2");	 /* 2 */
	emit(&s, "jeq #3, a3");	 /* 3 */
	fill(&s, 96);		 /* 4..99 */
	emit(&s, "jeq #9, far"); /* 100 */
	fill(&s, 102);		 /* 101..202 */
	emit(&s, "a1: ld #1");	 /* 203 */
	fill(&s, 53);		 /* 204..256 */
	emit(&s, "a2: ld #2");	 /* 257 */
	emit(&s, "ld #0");	 /* 258 */
	emit(&s, "a3: ld #3");	 /* 259 */
	fill(&s, 241);		 /* 260..500 */
	emit(&s, "far: ret #0"); /* 501 */
	prog = ok(s.text);
	check_jumps(prog, j, 4);
	/* Lines 100, 3 and 2 are relaxed, each pushing the next out; line 1 still reaches. */
	ck_assert_uint_eq(cbpf_prog_len(prog), 504);
	ck_assert_uint_eq(cbpf_prog_insns(prog)[0].jt, 204);
	cbpf_prog_free(prog);
	free(s.text);
}
END_TEST

/*
 * A cascade as long as the input allows: jump k sits 150 k lines before the last one and reaches
 * its target with nothing to spare until the ja of jump k - 1, which it spans, is inserted; the
 * last one is out of reach from the start. Each jump is relaxed, all because of the last one (the
 * scaling suite times 4,000 of them; found fixed point by fixed point, one pass each, they took
 * seconds).
 */
START_TEST(relax_long_cascade)
{
	enum { JUMPS = 200, LAST = 150 * JUMPS + 10, LEN = LAST + 259 };
	struct expect_jump *j = calloc(JUMPS, sizeof(*j));
	struct src s = { 0 };
	struct cbpf_prog *prog;
	unsigned nj = 0;

	ck_assert_ptr_nonnull(j);
	for (unsigned at = 0; at < LEN; at++) {
		unsigned back = LAST + 256 - at, line = s.lines + 1;

		/* A label shares the line of its instruction. */
		if (at == LAST + 257)
			emit(&s, "t0: ld #0");
		else if (at <= LAST + 256 && back % 150 == 0 && back / 150 >= 1 &&
			 back / 150 < JUMPS)
			emit(&s, "t%u: ld #%u", back / 150, at);
		else if (at <= LAST && (LAST - at) % 150 == 0 && (LAST - at) / 150 < JUMPS)
			emit(&s, "jeq #%u, t%u", at, (LAST - at) / 150);
		else
			emit(&s, "ld #%u", at);
		if (at <= LAST && (LAST - at) % 150 == 0 && (LAST - at) / 150 < JUMPS) {
			unsigned to = line + (at == LAST ? 257 : 256);

			j[nj++] = (struct expect_jump){ line, { to, line + 1 } };
		}
	}
	emit(&s, "ret #0");
	ck_assert_uint_eq(nj, JUMPS);
	prog = ok(s.text);
	check_jumps(prog, j, nj);
	ck_assert_uint_eq(cbpf_prog_len(prog), LEN + 1 + JUMPS);
	cbpf_prog_free(prog);
	free(s.text);
	free(j);
}
END_TEST

START_TEST(relax_random_programs)
{
	uint32_t seed = 2024;

	for (int round = 0; round < 40; round++) {
		struct src s = { 0 };
		struct expect_jump *j = calloc(400, sizeof(*j));
		unsigned n = 300 + (seed % 700), nj = 0;
		unsigned char *is_label = calloc(n + 2, 1);
		unsigned *tgt = calloc(n + 2, 2 * sizeof(unsigned));
		struct cbpf_prog *prog;

		/* Decide the jumps first (forward targets anywhere), then write the source. */
		for (unsigned line = 1; line < n; line++) {
			seed = seed * 1103515245 + 12345;
			if ((seed >> 16) % 4 || nj == 400)
				continue;
			for (int sd = 0; sd < 2; sd++) {
				seed = seed * 1103515245 + 12345;
				tgt[2 * line + sd] = line + 1 + (seed >> 8) % (n - line);
				is_label[tgt[2 * line + sd]] = 1;
			}
			j[nj++] =
				(struct expect_jump){ line, { tgt[2 * line], tgt[2 * line + 1] } };
		}
		for (unsigned line = 1; line <= n; line++) {
			char lab[16] = "";

			if (is_label[line])
				snprintf(lab, sizeof(lab), "L%u: ", line);
			if (tgt[2 * line])
				emit(&s, "%sjgt #%u, L%u, L%u", lab, line, tgt[2 * line],
				     tgt[2 * line + 1]);
			else if (line == n)
				emit(&s, "%sret #0", lab);
			else
				emit(&s, "%sld #%u", lab, line);
		}
		prog = ok(s.text);
		check_jumps(prog, j, nj);
		cbpf_prog_free(prog);
		free(s.text);
		free(j);
		free(is_label);
		free(tgt);
	}
}
END_TEST

START_TEST(no_relax_refuses_far_jumps)
{
	struct cbpf_asm_opts opts = { .file = "far.bpf", .no_relax = true };
	struct cbpf_diags d = { 0 };
	struct cbpf_prog *prog = NULL;
	struct src s = { 0 };

	emit(&s, "ld #0");
	emit(&s, "  jeq #1, near, far");
	fill(&s, 2);
	emit(&s, "near: ld #1");
	fill(&s, 300);
	emit(&s, "far: ret #0");
	ck_assert_int_eq(assemble(s.text, &opts, &prog, &d), -EINVAL);
	ck_assert_ptr_null(prog);
	ck_assert_uint_eq(d.errors, 1);
	ck_assert_str_eq(d.v[0].msg, "jump to label 'far' is 303 instructions away; a conditional "
				     "jump reaches at most 255");
	ck_assert_uint_eq(d.v[0].line, 2);
	ck_assert_uint_eq(d.v[0].col, 17);
	ck_assert_uint_eq(d.v[0].len, 3);
	cbpf_diags_free(&d);
	free(s.text);
}
END_TEST

/* Within the limit as written, over it once relaxed: said at the first far jump, with counts. */
START_TEST(relaxed_past_the_limit)
{
	struct cbpf_asm_opts opts = { .file = "far.bpf" };
	struct cbpf_diags d = { 0 };
	struct cbpf_prog *prog = NULL;
	struct src s = { 0 };

	emit(&s, "ld #0");
	emit(&s, "  jeq #1, far");
	emit(&s, "jeq #2, far");
	fill(&s, CBPF_MAXINSNS - 4);
	emit(&s, "far: ret #0");
	ck_assert_uint_eq(s.lines, CBPF_MAXINSNS);
	ck_assert_int_eq(assemble(s.text, &opts, &prog, &d), -EINVAL);
	ck_assert_ptr_null(prog);
	ck_assert_uint_eq(d.errors, 1);
	ck_assert_str_eq(d.v[0].msg,
			 "2 conditional jumps reach farther than 255 instructions; the 2 "
			 "'ja' inserted for them make 4098 instructions, and the kernel "
			 "accepts at most 4096 (--no-relax lists each far jump)");
	ck_assert_uint_eq(d.v[0].line, 2);
	ck_assert_uint_eq(d.v[0].col, 3);
	cbpf_diags_free(&d);
	free(s.text);
}
END_TEST

Suite *asm_suite(void)
{
	Suite *s = suite_create("asm");
	TCase *tc = tcase_create("encodings");

	tcase_add_loop_test(tc, every_mnemonic_and_mode, 0,
			    sizeof(encodings) / sizeof(encodings[0]));
	tcase_add_loop_test(tc, every_ancillary_keyword, 0,
			    sizeof(ancillaries) / sizeof(ancillaries[0]));
	tcase_add_loop_test(tc, numbers_in_every_base, 0, sizeof(numbers) / sizeof(numbers[0]));
	suite_add_tcase(s, tc);

	tc = tcase_create("jumps");
	tcase_add_test(tc, two_target_jumps);
	tcase_add_test(tc, one_target_jumps);
	tcase_add_test(tc, negated_jumps_with_two_targets);
	tcase_add_test(tc, ja_and_jmp);
	tcase_add_test(tc, layout_is_free_form);
	tcase_add_test(tc, labels_are_case_sensitive_tokens_free_spaced);
	tcase_add_test(tc, comments_hold_any_byte_but_nul);
	tcase_add_test(tc, positions_and_file);
	suite_add_tcase(s, tc);

	tc = tcase_create("errors");
	tcase_add_loop_test(tc, located_errors, 0, sizeof(errors) / sizeof(errors[0]));
	tcase_add_test(tc, one_error_per_line_and_recovery);
	tcase_add_test(tc, binary_input_gets_one_error);
	tcase_add_test(tc, stops_after_max_errors);
	tcase_add_test(tc, diags_may_be_null_and_list_is_appended);
	suite_add_tcase(s, tc);

	tc = tcase_create("relax");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, relax_one_far_side);
	tcase_add_test(tc, relax_exactly_at_the_limit);
	tcase_add_test(tc, relax_both_sides);
	tcase_add_test(tc, relax_cascades_to_a_fixed_point);
	tcase_add_test(tc, near_jumps_across_inserted_ja);
	tcase_add_test(tc, relax_random_programs);
	tcase_add_test(tc, relax_long_cascade);
	tcase_add_test(tc, no_relax_refuses_far_jumps);
	tcase_add_test(tc, relaxed_past_the_limit);
	suite_add_tcase(s, tc);
	return s;
}
