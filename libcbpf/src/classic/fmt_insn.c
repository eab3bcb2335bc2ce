// SPDX-License-Identifier: MIT
/*
 * One instruction as tcpdump -d prints it, and what every writer shares: which forms can hold a
 * program, comments.
 */
#include <stdint.h>
#include <stdio.h>

#include "classic/fmt_int.h"
#include "classic/insn_int.h"
#include "classic/prog.h"

const struct cbpf_opcode_info *fmt_listing_lookup(uint16_t code)
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
	       (!fmt_listing_lookup(insn->code) && CBPF_CLASS(insn->code) == CBPF_JMP &&
		CBPF_OP(insn->code) != CBPF_JA);
}

/*
 * The operand as libpcap's bpf_image prints it. Signed and hexadecimal renderings differ by
 * operation: add/sub/mul/div/mod/lsh/rsh and ret print k as a signed decimal, and/or/xor, jumps
 * and immediates in hex, offsets as signed decimals.
 */
static void format_operand(const struct cbpf_insn *insn, size_t pc, char *buf, size_t size)
{
	const struct cbpf_opcode_info *info = fmt_listing_lookup(insn->code);
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
	const struct cbpf_opcode_info *info = fmt_listing_lookup(insn->code);
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
		else if (form == CBPF_FORM_LISTING && !fmt_listing_lookup(in->code))
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

const char *fmt_want_comment(const struct cbpf_prog *prog, size_t pc,
			     const struct cbpf_write_opts *opts)
{
	return opts && opts->comments ? cbpf_prog_comment(prog, pc) : NULL;
}
