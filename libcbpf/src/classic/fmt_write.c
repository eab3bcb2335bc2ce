// SPDX-License-Identifier: MIT
/* Writers: bpf_asm's comma and C forms, tcpdump's -d/-dd/-ddd, raw, and a bpf_asm disassembly. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "classic/fmt_int.h"
#include "classic/insn_int.h"
#include "classic/prog.h"

/*
 * The opcode as tcpdump -d knows it: libpcap's bpf_image names every opcode of the table but
 * ldx #len (LDX|W|LEN), which it prints as "unimp 0x81".
 */
static const struct cbpf_opcode_info *listing_lookup(uint16_t code)
{
	if (code == (CBPF_LDX | CBPF_W | CBPF_LEN))
		return NULL;
	return cbpf_opcode_lookup(code);
}

/*
 * Whether libpcap's bpf_image prints jt and jf: for the conditional jumps, and for an opcode of
 * the jump class it does not know, but ja's, too ("unimp 0x55 jt 3 jf 4"): it tests
 * BPF_CLASS == BPF_JMP and BPF_OP != BPF_JA, not the opcode.
 */
static bool listing_shows_targets(const struct cbpf_insn *insn)
{
	return cbpf_insn_is_cond_jump(insn) ||
	       (!listing_lookup(insn->code) && CBPF_CLASS(insn->code) == CBPF_JMP &&
		CBPF_OP(insn->code) != CBPF_JA);
}

/*
 * The operand as libpcap's bpf_image prints it. Signed and hexadecimal renderings differ by
 * operation: add/sub/mul/div/mod/lsh/rsh and ret print k as a signed decimal, and/or/xor, jumps
 * and immediates in hex, offsets as signed decimals.
 */
static void format_operand(const struct cbpf_insn *insn, size_t pc, char *buf, size_t size)
{
	const struct cbpf_opcode_info *info = listing_lookup(insn->code);
	int32_t sk = (int32_t)insn->k;
	const struct insn_anc *anc;

	if (!info) {
		snprintf(buf, size, "0x%x", insn->code);
		return;
	}
	switch (info->operand) {
	case CBPF_OPND_NONE:
	case CBPF_OPND_RET_A:
		buf[0] = '\0';
		break;
	case CBPF_OPND_IMM:
	case CBPF_OPND_JMP_K:
		snprintf(buf, size, "#0x%x", insn->k);
		break;
	case CBPF_OPND_ABS:
		anc = insn_anc(insn->k);
		if (anc)
			snprintf(buf, size, "[%s]", anc->pcap);
		else
			snprintf(buf, size, "[%d]", sk);
		break;
	case CBPF_OPND_IND:
		snprintf(buf, size, "[x + %d]", sk);
		break;
	case CBPF_OPND_MEM:
		snprintf(buf, size, "M[%d]", sk);
		break;
	case CBPF_OPND_MSH:
		snprintf(buf, size, "4*([%d]&0xf)", sk);
		break;
	case CBPF_OPND_LEN:
		snprintf(buf, size, "#pktlen");
		break;
	case CBPF_OPND_ALU_K:
		switch (CBPF_OP(insn->code)) {
		case CBPF_AND:
		case CBPF_OR:
		case CBPF_XOR:
			snprintf(buf, size, "#0x%x", insn->k);
			break;
		default:
			snprintf(buf, size, "#%d", sk);
			break;
		}
		break;
	case CBPF_OPND_ALU_X:
	case CBPF_OPND_JMP_X:
		snprintf(buf, size, "x");
		break;
	case CBPF_OPND_JA:
		snprintf(buf, size, "%d", (int32_t)(uint32_t)fmt_target(pc, insn->k));
		break;
	case CBPF_OPND_RET_K:
		snprintf(buf, size, "#%d", sk);
		break;
	}
}

int cbpf_insn_format(const struct cbpf_insn *insn, size_t pc, char *buf, size_t size)
{
	const struct cbpf_opcode_info *info = listing_lookup(insn->code);
	const char *op = info ? info->name : "unimp";
	char operand[64];
	char dummy[1];

	if (!buf || !size) {
		buf = dummy;
		size = sizeof(dummy);
	}
	format_operand(insn, pc, operand, sizeof(operand));
	/* libpcap computes the targets in int arithmetic: pc + 1 + jt. */
	if (listing_shows_targets(insn))
		return snprintf(buf, size, "%-8s %-16s jt %d\tjf %d", op, operand,
				(int)(pc + 1 + insn->jt), (int)(pc + 1 + insn->jf));
	return snprintf(buf, size, "%-8s %s", op, operand);
}

int fmt_put_comment(FILE *out, const char *text, bool in_c)
{
	for (const char *p = text; *p; p++) {
		char c = *p;

		if (c == '\n' || c == '\r')
			c = ' ';
		if (in_c && c == '*' && p[1] == '/') {
			fputs("* ", out);
			continue;
		}
		fputc(c, out);
	}
	return 0;
}

/* The comment of pc when comments are wanted, else NULL. */
static const char *want_comment(const struct cbpf_prog *prog, size_t pc,
				const struct cbpf_write_opts *opts)
{
	return opts && opts->comments ? cbpf_prog_comment(prog, pc) : NULL;
}

/* bpf_exp.y: bpf_pretty_print, what tc bytecode "..." and iptables -m bpf --bytecode take. */
static void write_comma(FILE *out, const struct cbpf_prog *prog)
{
	fprintf(out, "%zu,", prog->len);
	for (size_t i = 0; i < prog->len; i++) {
		const struct cbpf_insn *in = &prog->insns[i];

		fprintf(out, "%u %u %u %u,", in->code, in->jt, in->jf, in->k);
	}
	fputc('\n', out);
}

/* bpf_exp.y: bpf_pretty_print_c (note that %#x prints 0 without the 0x). */
static void write_c(FILE *out, const struct cbpf_prog *prog, const struct cbpf_write_opts *opts)
{
	for (size_t i = 0; i < prog->len; i++) {
		const struct cbpf_insn *in = &prog->insns[i];
		const char *comment = want_comment(prog, i, opts);

		fprintf(out, "{ %#04x, %2u, %2u, %#010x },", in->code, in->jt, in->jf, in->k);
		if (comment) {
			fputs(" /* ", out);
			fmt_put_comment(out, comment, true);
			fputs(" */", out);
		}
		fputc('\n', out);
	}
}

/* tcpdump -dd: libpcap's bpf_dump with option 2. */
static void write_dd(FILE *out, const struct cbpf_prog *prog, const struct cbpf_write_opts *opts)
{
	for (size_t i = 0; i < prog->len; i++) {
		const struct cbpf_insn *in = &prog->insns[i];
		const char *comment = want_comment(prog, i, opts);

		fprintf(out, "{ 0x%x, %d, %d, 0x%08x },", in->code, in->jt, in->jf, in->k);
		if (comment) {
			fputs(" /* ", out);
			fmt_put_comment(out, comment, true);
			fputs(" */", out);
		}
		fputc('\n', out);
	}
}

/* tcpdump -ddd: the count, then each instruction in decimal. */
static void write_ddd(FILE *out, const struct cbpf_prog *prog)
{
	fprintf(out, "%d\n", (int)prog->len);
	for (size_t i = 0; i < prog->len; i++) {
		const struct cbpf_insn *in = &prog->insns[i];

		fprintf(out, "%u %u %u %u\n", in->code, in->jt, in->jf, in->k);
	}
}

/* tcpdump -d: "(NNN) " and the instruction, one per line. */
static void write_listing(FILE *out, const struct cbpf_prog *prog,
			  const struct cbpf_write_opts *opts)
{
	char line[128];

	for (size_t i = 0; i < prog->len; i++) {
		const char *comment = want_comment(prog, i, opts);

		cbpf_insn_format(&prog->insns[i], i, line, sizeof(line));
		fprintf(out, "(%03d) %s", (int)i, line);
		if (comment) {
			fputs(" ; ", out);
			fmt_put_comment(out, comment, false);
		}
		fputc('\n', out);
	}
}

/* ------------------------------------------------------------------ bpf_asm disassembly */

bool cbpf_form_can_write(const struct cbpf_prog *prog, enum cbpf_form form, size_t *pc,
			 const char **why)
{
	const char *reason = NULL;
	size_t i;

	if (form == CBPF_FORM_DOT) {
		reason = "the dot form is not read back";
		i = 0;
		goto out;
	}
	if (form != CBPF_FORM_ASM && form != CBPF_FORM_LISTING)
		return true;
	for (i = 0; i < prog->len && !reason; i++) {
		const struct cbpf_insn *in = &prog->insns[i];
		const struct cbpf_opcode_info *info = cbpf_opcode_lookup(in->code);

		if (!info)
			reason = "unknown opcode";
		else if (form == CBPF_FORM_LISTING && !listing_lookup(in->code))
			reason = "tcpdump's listing has no spelling for this opcode";
		else if (info->operand == CBPF_OPND_JA && fmt_target(i, in->k) >= prog->len)
			reason = "jump target outside the program";
		else if (cbpf_insn_is_cond_jump(in) &&
			 (i + 1 + in->jt >= prog->len || i + 1 + in->jf >= prog->len))
			reason = "jump target outside the program";
		else
			continue;
		break;
	}
out:
	if (!reason)
		return true;
	if (pc)
		*pc = i;
	if (why)
		*why = reason;
	return false;
}

/* A number the way the disassembly writes k where libpcap prints decimals. */
static void asm_dec(char *buf, size_t size, uint32_t k)
{
	if (k < 0x80000000u)
		snprintf(buf, size, "%u", k);
	else
		snprintf(buf, size, "0x%x", k);
}

/*
 * One instruction in bpf_asm syntax (bpf_exp.y), jump targets as labels l<pc>. Fields the opcode
 * does not use have no spelling (libpcap leaves a register number in tax's k); they read back
 * as 0, which the kernel treats the same.
 */
static void asm_insn(const struct cbpf_insn *in, size_t pc, char *buf, size_t size)
{
	const struct cbpf_opcode_info *info = cbpf_opcode_lookup(in->code);
	char num[16];
	const struct insn_anc *anc;

	switch (info->operand) {
	case CBPF_OPND_NONE:
		snprintf(buf, size, "%s", info->name);
		break;
	case CBPF_OPND_IMM:
		snprintf(buf, size, "%s #0x%x", info->name, in->k);
		break;
	case CBPF_OPND_ABS:
		/* xor_x has no bpf_asm keyword: a plain offset. */
		anc = insn_anc(in->k);
		if (anc && anc->bpf_asm) {
			snprintf(buf, size, "%s #%s", info->name, anc->bpf_asm);
			break;
		}
		asm_dec(num, sizeof(num), in->k);
		snprintf(buf, size, "%s [%s]", info->name, num);
		break;
	case CBPF_OPND_IND:
		asm_dec(num, sizeof(num), in->k);
		snprintf(buf, size, "%s [x + %s]", info->name, num);
		break;
	case CBPF_OPND_MEM:
		asm_dec(num, sizeof(num), in->k);
		snprintf(buf, size, "%s M[%s]", info->name, num);
		break;
	case CBPF_OPND_MSH:
		asm_dec(num, sizeof(num), in->k);
		snprintf(buf, size, "%s 4*([%s]&0xf)", info->name, num);
		break;
	case CBPF_OPND_LEN:
		snprintf(buf, size, "%s #len", info->name);
		break;
	case CBPF_OPND_ALU_K:
		switch (CBPF_OP(in->code)) {
		case CBPF_AND:
		case CBPF_OR:
		case CBPF_XOR:
			snprintf(buf, size, "%s #0x%x", info->name, in->k);
			break;
		default:
			asm_dec(num, sizeof(num), in->k);
			snprintf(buf, size, "%s #%s", info->name, num);
			break;
		}
		break;
	case CBPF_OPND_ALU_X:
		snprintf(buf, size, "%s x", info->name);
		break;
	case CBPF_OPND_JA:
		snprintf(buf, size, "%s l%llu", info->name, fmt_target(pc, in->k));
		break;
	case CBPF_OPND_JMP_K:
		snprintf(buf, size, "%s #0x%x, l%zu, l%zu", info->name, in->k, pc + 1 + in->jt,
			 pc + 1 + in->jf);
		break;
	case CBPF_OPND_JMP_X:
		snprintf(buf, size, "%s x, l%zu, l%zu", info->name, pc + 1 + in->jt,
			 pc + 1 + in->jf);
		break;
	case CBPF_OPND_RET_K:
		asm_dec(num, sizeof(num), in->k);
		snprintf(buf, size, "%s #%s", info->name, num);
		break;
	case CBPF_OPND_RET_A:
		snprintf(buf, size, "%s a", info->name);
		break;
	}
}

int fmt_write_asm(FILE *out, const struct cbpf_prog *prog, const struct cbpf_write_opts *opts)
{
	bool *target;
	char text[96];

	if (!cbpf_form_can_write(prog, CBPF_FORM_ASM, NULL, NULL))
		return -ENOTSUP;
	target = calloc(prog->len ? prog->len : 1, sizeof(*target));
	if (!target)
		return -ENOMEM;
	/* Only jump targets get a label, so the text reads like hand-written source. */
	for (size_t i = 0; i < prog->len; i++) {
		uint64_t t[2];

		if (!insn_is_jump(&prog->insns[i]))
			continue;
		/* Inside the program (cbpf_form_can_write), a ja's as libpcap wraps it. */
		for (unsigned j = insn_successors(&prog->insns[i], i, t); j-- > 0;)
			target[fmt_target(i, t[j] - i - 1)] = true;
	}
	for (size_t i = 0; i < prog->len; i++) {
		const char *comment = want_comment(prog, i, opts);

		asm_insn(&prog->insns[i], i, text, sizeof(text));
		if (target[i])
			fprintf(out, "l%zu:", i);
		fprintf(out, "\t%s", text);
		if (comment) {
			fputs("\t; ", out);
			fmt_put_comment(out, comment, false);
		}
		fputc('\n', out);
	}
	free(target);
	return 0;
}

int cbpf_prog_write(FILE *out, const struct cbpf_prog *prog, enum cbpf_form form,
		    const struct cbpf_write_opts *opts)
{
	int err = 0;

	switch (form) {
	case CBPF_FORM_COMMA:
		write_comma(out, prog);
		break;
	case CBPF_FORM_C:
		write_c(out, prog, opts);
		break;
	case CBPF_FORM_LISTING:
		write_listing(out, prog, opts);
		break;
	case CBPF_FORM_DD:
		write_dd(out, prog, opts);
		break;
	case CBPF_FORM_DDD:
		write_ddd(out, prog);
		break;
	case CBPF_FORM_RAW:
		if (prog->len && fwrite(prog->insns, sizeof(*prog->insns), prog->len, out) !=
					 prog->len)
			return -EIO;
		break;
	case CBPF_FORM_DOT:
		err = fmt_write_dot(out, prog, opts);
		break;
	case CBPF_FORM_ASM:
		err = fmt_write_asm(out, prog, opts);
		break;
	default:
		return -EINVAL;
	}
	if (err)
		return err;
	return ferror(out) ? -EIO : 0;
}
