// SPDX-License-Identifier: MIT
/* The bpf_asm disassembly: bpf_exp.y's syntax, labels only where jumps land. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

#include "classic/fmt_int.h"
#include "classic/insn_int.h"
#include "classic/prog.h"

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
		const char *comment = fmt_want_comment(prog, i, opts);

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
