// SPDX-License-Identifier: MIT
/* x86-64 code disassembled by capstone (docs/jit.md says why capstone): the one place. */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cbpf/jit.h"
#include "jit/disasm.h"

#ifndef CBPF_HAVE_CAPSTONE
/* Built without capstone (the Makefile found no capstone.pc): nothing to disassemble with. */
int jit_disasm_new(struct jit_disasm **out)
{
	(void)out;
	return -ENOTSUP;
}

void jit_disasm_range(struct jit_disasm *d, FILE *out, const uint8_t *code, size_t from, size_t to)
{
	(void)d, (void)out, (void)code, (void)from, (void)to;
}

void jit_disasm_place(struct jit_disasm *d, uint64_t base, size_t size, jit_disasm_namer *name,
		      void *ctx)
{
	(void)d, (void)base, (void)size, (void)name, (void)ctx;
}

void jit_disasm_free(struct jit_disasm *d)
{
	(void)d;
}

bool cbpf_jit_can_write(void)
{
	return false;
}
#else
#include <capstone/capstone.h>

struct jit_disasm {
	csh cs;
	cs_insn *insn;
	uint64_t base; /* where the code runs */
	size_t size;
	jit_disasm_namer *name;
	void *ctx;
};

bool cbpf_jit_can_write(void)
{
	return true;
}

int jit_disasm_new(struct jit_disasm **out)
{
	struct jit_disasm *d = calloc(1, sizeof(*d));

	if (!d)
		return -ENOMEM;
	if (cs_open(CS_ARCH_X86, CS_MODE_64, &d->cs) != CS_ERR_OK) {
		free(d);
		return -ENOMEM;
	}
	cs_option(d->cs, CS_OPT_SYNTAX, CS_OPT_SYNTAX_ATT);
	d->insn = cs_malloc(d->cs);
	if (!d->insn) {
		cs_close(&d->cs);
		free(d);
		return -ENOMEM;
	}
	*out = d;
	return 0;
}

void jit_disasm_place(struct jit_disasm *d, uint64_t base, size_t size, jit_disasm_namer *name,
		      void *ctx)
{
	d->base = base;
	d->size = size;
	d->name = name;
	d->ctx = ctx;
}

/*
 * The operands, a branch target inside the code as its offset: capstone computes targets from
 * the address it is given, which for placed code is where it runs.
 */
static const char *operands(const struct jit_disasm *d, const cs_insn *insn, char *buf, size_t size)
{
	char *end;
	unsigned long long target;

	if (!d->base || strncmp(insn->op_str, "0x", 2))
		return insn->op_str;
	target = strtoull(insn->op_str, &end, 16);
	if (*end)
		return insn->op_str;
	if (target < d->base || target - d->base >= d->size) {
		const char *name = d->name ? d->name(d->ctx, target) : NULL;

		if (!name)
			return insn->op_str;
		snprintf(buf, size, "%s <%s>", insn->op_str, name);
		return buf;
	}
	snprintf(buf, size, "0x%llx", target - d->base);
	return buf;
}

void jit_disasm_range(struct jit_disasm *d, FILE *out, const uint8_t *code, size_t from, size_t to)
{
	const uint8_t *p = code + from;
	size_t n = to - from;
	uint64_t base = d->base, addr = base + from;
	cs_insn *insn = d->insn;
	char buf[192];

	while (n > 0) {
		if (!cs_disasm_iter(d->cs, &p, &n, &addr, insn)) {
			/* Nothing a JIT emits, but say what is there rather than stop. */
			fprintf(out, "%4" PRIx64 ":\t(bad)\n\t%02x\n", addr - base, *p);
			p++;
			n--;
			addr++;
			continue;
		}
		if (insn->op_str[0])
			fprintf(out, "%4" PRIx64 ":\t%-6s %s\n\t", insn->address - base,
				insn->mnemonic, operands(d, insn, buf, sizeof(buf)));
		else
			fprintf(out, "%4" PRIx64 ":\t%s\n\t", insn->address - base, insn->mnemonic);
		for (uint16_t i = 0; i < insn->size; i++)
			fprintf(out, "%s%02x", i ? " " : "", insn->bytes[i]);
		fputc('\n', out);
	}
}

void jit_disasm_free(struct jit_disasm *d)
{
	if (!d)
		return;
	cs_free(d->insn, 1);
	cs_close(&d->cs);
	free(d);
}
#endif
