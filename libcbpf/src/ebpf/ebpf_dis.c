// SPDX-License-Identifier: MIT
/* The eBPF disassembler, in the syntax of `bpftool prog dump xlated` (kernel/bpf/disasm.c). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>

#include "cbpf/ebpf.h"
#include "ebpf/ebpf_prog.h"

static const char *const alu_ops[16] = {
	"+=",  "-=", "*=", "/=", "|=",	 "&=",	   "<<=", ">>=",
	"neg", "%=", "^=", "=",	 "s>>=", "endian", "?e0", "?f0",
};

static const char *const jmp_ops[16] = {
	"jmp",	"==",	">", ">=", "&",	 "!=",	"s>",  "s>=",
	"call", "exit", "<", "<=", "s<", "s<=", "?e0", "?f0",
};

static const char *const ldst_sizes[4] = { "u32", "u16", "u8", "u64" };
static const char *const class_names[8] = {
	"ld", "ldx", "st", "stx", "alu", "jmp", "jmp32", "alu64"
};

struct sbuf {
	char *buf;
	size_t size;
	int n;
};

static void put(struct sbuf *s, const char *fmt, ...) CBPF_PRINTF(2, 3);
static void put(struct sbuf *s, const char *fmt, ...)
{
	size_t at = (size_t)s->n < s->size ? (size_t)s->n : s->size;
	va_list ap;
	int k;

	va_start(ap, fmt);
	k = vsnprintf(s->buf ? s->buf + at : NULL, s->buf ? s->size - at : 0, fmt, ap);
	va_end(ap);
	if (k > 0)
		s->n += k;
}

int cbpf_ebpf_insn_format(const struct cbpf_ebpf_insn *in, const struct cbpf_ebpf_insn *next,
			  char *buf, size_t size)
{
	struct sbuf s = { buf, size, 0 };
	uint8_t code = in->code, cls = CBPF_CLASS(code), op = CBPF_OP(code);
	unsigned d = in->dst_reg, r = in->src_reg;
	const char *sz = ldst_sizes[CBPF_SIZE(code) >> 3];

	if (buf && size)
		buf[0] = '\0';
	put(&s, "(%02x) ", code);
	switch (cls) {
	case CBPF_ALU:
	case CBPF_EBPF_ALU64: {
		char w = cls == CBPF_ALU ? 'w' : 'r';

		if (op == CBPF_EBPF_END) {
			if (cls == CBPF_EBPF_ALU64)
				put(&s, "r%u = bswap%d r%u", d, in->imm, d);
			else
				put(&s, "r%u = %s%d r%u", d,
				    CBPF_SRC(code) == CBPF_EBPF_TO_BE ? "be" : "le", in->imm, d);
		} else if (op == CBPF_NEG) {
			put(&s, "%c%u = -%c%u", w, d, w, d);
		} else if (op == CBPF_EBPF_MOV && CBPF_SRC(code) == CBPF_X && in->off) {
			put(&s, "%c%u = (s%d)%c%u", w, d, in->off, w, r);
		} else {
			const char *name = alu_ops[op >> 4];

			if ((op == CBPF_DIV || op == CBPF_MOD) && in->off == 1)
				name = op == CBPF_DIV ? "s/=" : "s%=";
			if (CBPF_SRC(code) == CBPF_X)
				put(&s, "%c%u %s %c%u", w, d, name, w, r);
			else
				put(&s, "%c%u %s %d", w, d, name, in->imm);
		}
		break;
	}
	case CBPF_STX:
		if (CBPF_MODE(code) == CBPF_EBPF_MEM)
			put(&s, "*(%s *)(r%u %+d) = r%u", sz, d, in->off, r);
		else
			put(&s, "BUG_%02x", code);
		break;
	case CBPF_ST:
		if (CBPF_MODE(code) == CBPF_EBPF_MEM)
			put(&s, "*(%s *)(r%u %+d) = %d", sz, d, in->off, in->imm);
		else
			put(&s, "BUG_st_%02x", code);
		break;
	case CBPF_LDX:
		if (CBPF_MODE(code) == CBPF_EBPF_MEM)
			put(&s, "r%u = *(%s *)(r%u %+d)", d, sz, r, in->off);
		else
			put(&s, "BUG_ldx_%02x", code);
		break;
	case CBPF_LD:
		if (CBPF_MODE(code) == CBPF_ABS) {
			put(&s, "r0 = *(%s *)skb[%d]", sz, in->imm);
		} else if (CBPF_MODE(code) == CBPF_IND) {
			put(&s, "r0 = *(%s *)skb[r%u + %d]", sz, r, in->imm);
		} else if (code == CBPF_EBPF_LD_IMM64) {
			uint64_t imm = (uint32_t)in->imm;

			if (next)
				imm |= (uint64_t)(uint32_t)next->imm << 32;
			put(&s, "r%u = 0x%llx", d, (unsigned long long)imm);
		} else {
			put(&s, "BUG_ld_%02x", code);
		}
		break;
	case CBPF_JMP:
	case CBPF_EBPF_JMP32: {
		char w = cls == CBPF_EBPF_JMP32 ? 'w' : 'r';

		if (op == CBPF_EBPF_CALL) {
			const char *name = cbpf_ebpf_func_name(in->imm);

			if (r == 1) /* BPF_PSEUDO_CALL */
				put(&s, "call pc%+d", in->imm);
			else
				put(&s, "call %s#%d", name ? name : "unknown", in->imm);
		} else if (code == (CBPF_JMP | CBPF_JA)) {
			put(&s, "goto pc%+d", in->off);
		} else if (code == (CBPF_EBPF_JMP32 | CBPF_JA)) {
			put(&s, "gotol pc%+d", in->imm);
		} else if (code == (CBPF_JMP | CBPF_EBPF_EXIT)) {
			put(&s, "exit");
		} else if (CBPF_SRC(code) == CBPF_X) {
			put(&s, "if %c%u %s %c%u goto pc%+d", w, d, jmp_ops[op >> 4], w, r,
			    in->off);
		} else {
			put(&s, "if %c%u %s 0x%x goto pc%+d", w, d, jmp_ops[op >> 4],
			    (unsigned)in->imm, in->off);
		}
		break;
	}
	default:
		put(&s, "%s", class_names[cls]);
		break;
	}
	return s.n;
}

int ebpf_write_asm(FILE *out, const struct cbpf_ebpf_prog *prog,
		   const struct cbpf_ebpf_write_opts *opts)
{
	bool annotate = opts && opts->annotate && prog->classic;
	long next_pc = 0;
	char line[160];

	for (size_t i = 0; i < prog->len; i++) {
		const struct cbpf_ebpf_insn *in = &prog->insns[i];
		const struct cbpf_ebpf_insn *next = i + 1 < prog->len ? in + 1 : NULL;

		if (annotate)
			ebpf_annotate(out, prog, i, &next_pc, "; ", "");
		cbpf_ebpf_insn_format(in, next, line, sizeof(line));
		if (fprintf(out, "%4zu: %s\n", i, line) < 0)
			return -EIO;
		/* bpftool shows a 64-bit immediate load once, and counts both halves. */
		if (in->code == CBPF_EBPF_LD_IMM64 && next)
			i++;
	}
	return 0;
}
