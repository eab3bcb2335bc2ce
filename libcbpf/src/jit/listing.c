// SPDX-License-Identifier: MIT
/* cbpf_jit_write: the code as bpf_jit_disasm -o showed it, disassembled by capstone. */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>

#include "cbpf/fmt.h"
#include "jit/jit_int.h"

#ifndef CBPF_HAVE_CAPSTONE
/* Built without capstone (the Makefile found no capstone.pc): nothing to disassemble with. */
int cbpf_jit_write(FILE *out, const struct cbpf_jit *jit)
{
	(void)out;
	(void)jit;
	return -ENOTSUP;
}

bool cbpf_jit_can_write(void)
{
	return false;
}
#else
#include <capstone/capstone.h>

bool cbpf_jit_can_write(void)
{
	return true;
}

/* What the helpers' addresses stand for, in the pool (their values change from run to run). */
static const char *const helper_name[JIT_NHELPERS] = {
	[JIT_NLATTR] = "ld #nla's helper",
	[JIT_NLATTR_NEST] = "ld #nlan's helper",
};

/*
 * Code from..to, one instruction a line as objdump prints it (tools/bpf/bpf_jit_disasm.c: the
 * offset, the instruction, and with -o its bytes on the next line).
 */
static void disassemble(FILE *out, csh cs, cs_insn *insn, const uint8_t *code, size_t from,
			size_t to)
{
	const uint8_t *p = code + from;
	size_t n = to - from;
	uint64_t addr = from;

	while (n > 0) {
		if (!cs_disasm_iter(cs, &p, &n, &addr, insn)) {
			/* Nothing the JIT emits, but say what is there rather than stop. */
			fprintf(out, "%4" PRIx64 ":\t(bad)\n\t%02x\n", addr, *p);
			p++;
			n--;
			addr++;
			continue;
		}
		if (insn->op_str[0])
			fprintf(out, "%4" PRIx64 ":\t%-6s %s\n\t", insn->address, insn->mnemonic,
				insn->op_str);
		else
			fprintf(out, "%4" PRIx64 ":\t%s\n\t", insn->address, insn->mnemonic);
		for (uint16_t i = 0; i < insn->size; i++)
			fprintf(out, "%s%02x", i ? " " : "", insn->bytes[i]);
		fputc('\n', out);
	}
}

int cbpf_jit_write(FILE *out, const struct cbpf_jit *jit)
{
	const struct cbpf_insn *insns;
	const struct jit_image *img = jit_image_of(jit, &insns);
	const uint8_t *code = cbpf_jit_code(jit, NULL);
	cs_insn *insn;
	csh cs;
	char text[128];

	if (cs_open(CS_ARCH_X86, CS_MODE_64, &cs) != CS_ERR_OK)
		return -ENOMEM;
	cs_option(cs, CS_OPT_SYNTAX, CS_OPT_SYNTAX_ATT);
	insn = cs_malloc(cs);
	if (!insn) {
		cs_close(&cs);
		return -ENOMEM;
	}
	fprintf(out, "%zu bytes emitted from JIT compiler (pass:%u, flen:%" PRIu32 ")\n", img->size,
		img->passes, img->len);
	fprintf(out, "prologue:\n");
	disassemble(out, cs, insn, code, 0, img->insn_off[0]);
	for (uint32_t pc = 0; pc < img->len; pc++) {
		cbpf_insn_format(&insns[pc], pc, text, sizeof(text));
		fprintf(out, "(%03" PRIu32 ") %s\n", pc, text);
		disassemble(out, cs, insn, code, img->insn_off[pc], img->insn_off[pc + 1]);
	}
	for (uint32_t pc = 0; pc < img->len; pc++) {
		if (img->ool_off[pc] == img->ool_off[pc + 1])
			continue;
		cbpf_insn_format(&insns[pc], pc, text, sizeof(text));
		fprintf(out, "out of line, (%03" PRIu32 ") %s:\n", pc, text);
		disassemble(out, cs, insn, code, img->ool_off[pc], img->ool_off[pc + 1]);
	}
	fprintf(out, "exits, returning 0 (out of bounds, division by zero) or A (no device):\n");
	disassemble(out, cs, insn, code, img->exits_off, img->pool_off);
	if (img->pool_off < img->size) {
		fprintf(out, "helpers:\n");
		for (int h = 0; h < JIT_NHELPERS; h++)
			fprintf(out, "%4zx:\t.quad  %s\n", img->pool_off + 8 * (size_t)h,
				helper_name[h]);
	}
	cs_free(insn, 1);
	cs_close(&cs);
	return ferror(out) ? -EIO : 0;
}
#endif
