// SPDX-License-Identifier: MIT
/* An eBPF program as a C array of the kernel's instruction macros (tools/include/linux/filter.h) */
#include <stdio.h>

#include "cbpf/ebpf.h"
#include "cbpf/fmt.h"
#include "ebpf/ebpf_prog.h"

/* Macro argument spellings of tools/include/linux/filter.h. */
static const char *const size_macro[] = { "BPF_W", "BPF_H", "BPF_B", "BPF_DW" };

static const char *alu_macro(uint8_t op)
{
	static const char *const names[16] = {
		"BPF_ADD",  "BPF_SUB", "BPF_MUL", "BPF_DIV", "BPF_OR",	"BPF_AND",
		"BPF_LSH",  "BPF_RSH", "BPF_NEG", "BPF_MOD", "BPF_XOR", "BPF_MOV",
		"BPF_ARSH", "BPF_END", "0xe0",	  "0xf0",
	};

	return names[op >> 4];
}

static const char *jmp_macro(uint8_t op)
{
	static const char *const names[16] = {
		"BPF_JA",   "BPF_JEQ",	"BPF_JGT",  "BPF_JGE",	"BPF_JSET", "BPF_JNE",
		"BPF_JSGT", "BPF_JSGE", "BPF_CALL", "BPF_EXIT", "BPF_JLT",  "BPF_JLE",
		"BPF_JSLT", "BPF_JSLE", "0xe0",	    "0xf0",
	};

	return names[op >> 4];
}

static const char *func_macro(int32_t id, char *buf, size_t size)
{
	const char *name = cbpf_ebpf_func_name(id);

	if (name)
		snprintf(buf, size, "BPF_FUNC_%s", name + 4);
	else
		snprintf(buf, size, "%d", id);
	return buf;
}

/*
 * One instruction as the macro of tools/include/linux/filter.h that builds it; what has no macro
 * of its own is a BPF_RAW_INSN. Returns the number of instruction slots it used (1 or 2).
 */
static int c_macro(FILE *out, const struct cbpf_ebpf_insn *in, const struct cbpf_ebpf_insn *next)
{
	uint8_t cls = CBPF_CLASS(in->code), op = CBPF_OP(in->code), src = CBPF_SRC(in->code);
	unsigned d = in->dst_reg, s = in->src_reg;
	bool is64 = cls == CBPF_EBPF_ALU64;
	char fn[64];

	switch (cls) {
	case CBPF_ALU:
	case CBPF_EBPF_ALU64:
		if (op == CBPF_EBPF_END && cls == CBPF_ALU) {
			fprintf(out, "BPF_ENDIAN(%s, BPF_REG_%u, %d)",
				src == CBPF_EBPF_TO_BE ? "BPF_TO_BE" : "BPF_TO_LE", d, in->imm);
			return 1;
		}
		if (in->off)
			break;
		if (op == CBPF_EBPF_MOV && src == CBPF_X) {
			fprintf(out, "BPF_MOV%s_REG(BPF_REG_%u, BPF_REG_%u)", is64 ? "64" : "32", d,
				s);
			return 1;
		}
		if (op == CBPF_EBPF_MOV) {
			fprintf(out, "BPF_MOV%s_IMM(BPF_REG_%u, %d)", is64 ? "64" : "32", d,
				in->imm);
			return 1;
		}
		if (op == CBPF_NEG) {
			fprintf(out, "BPF_ALU%s_IMM(BPF_NEG, BPF_REG_%u, 0)", is64 ? "64" : "32",
				d);
			return 1;
		}
		if (src == CBPF_X)
			fprintf(out, "BPF_ALU%s_REG(%s, BPF_REG_%u, BPF_REG_%u)",
				is64 ? "64" : "32", alu_macro(op), d, s);
		else
			fprintf(out, "BPF_ALU%s_IMM(%s, BPF_REG_%u, %d)", is64 ? "64" : "32",
				alu_macro(op), d, in->imm);
		return 1;
	case CBPF_LD:
		if (CBPF_MODE(in->code) == CBPF_ABS) {
			fprintf(out, "BPF_LD_ABS(%s, %d)", size_macro[CBPF_SIZE(in->code) >> 3],
				in->imm);
			return 1;
		}
		if (CBPF_MODE(in->code) == CBPF_IND) {
			fprintf(out, "BPF_LD_IND(%s, BPF_REG_%u, %d)",
				size_macro[CBPF_SIZE(in->code) >> 3], s, in->imm);
			return 1;
		}
		if (in->code == CBPF_EBPF_LD_IMM64 && next && s == 0) {
			fprintf(out, "BPF_LD_IMM64(BPF_REG_%u, 0x%llxULL)", d,
				(unsigned long long)(((uint64_t)(uint32_t)next->imm << 32) |
						     (uint32_t)in->imm));
			return 2;
		}
		break;
	case CBPF_LDX:
		if (CBPF_MODE(in->code) == CBPF_EBPF_MEM) {
			fprintf(out, "BPF_LDX_MEM(%s, BPF_REG_%u, BPF_REG_%u, %d)",
				size_macro[CBPF_SIZE(in->code) >> 3], d, s, in->off);
			return 1;
		}
		break;
	case CBPF_STX:
		if (CBPF_MODE(in->code) == CBPF_EBPF_MEM) {
			fprintf(out, "BPF_STX_MEM(%s, BPF_REG_%u, BPF_REG_%u, %d)",
				size_macro[CBPF_SIZE(in->code) >> 3], d, s, in->off);
			return 1;
		}
		break;
	case CBPF_ST:
		if (CBPF_MODE(in->code) == CBPF_EBPF_MEM) {
			fprintf(out, "BPF_ST_MEM(%s, BPF_REG_%u, %d, %d)",
				size_macro[CBPF_SIZE(in->code) >> 3], d, in->off, in->imm);
			return 1;
		}
		break;
	case CBPF_JMP:
	case CBPF_EBPF_JMP32:
		if (in->code == (CBPF_JMP | CBPF_JA)) {
			fprintf(out, "BPF_JMP_A(%d)", in->off);
			return 1;
		}
		if (in->code == (CBPF_JMP | CBPF_EBPF_EXIT)) {
			fprintf(out, "BPF_EXIT_INSN()");
			return 1;
		}
		if (in->code == (CBPF_JMP | CBPF_EBPF_CALL) && s == 0) {
			fprintf(out, "BPF_EMIT_CALL(%s)", func_macro(in->imm, fn, sizeof(fn)));
			return 1;
		}
		if (op == CBPF_JA || op == CBPF_EBPF_CALL || op == CBPF_EBPF_EXIT)
			break;
		if (src == CBPF_X)
			fprintf(out, "BPF_JMP%s_REG(%s, BPF_REG_%u, BPF_REG_%u, %d)",
				cls == CBPF_JMP ? "" : "32", jmp_macro(op), d, s, in->off);
		else if (in->imm >= 0) /* compared constants read best in hex, as in the asm */
			fprintf(out, "BPF_JMP%s_IMM(%s, BPF_REG_%u, 0x%x, %d)",
				cls == CBPF_JMP ? "" : "32", jmp_macro(op), d, (unsigned)in->imm,
				in->off);
		else
			fprintf(out, "BPF_JMP%s_IMM(%s, BPF_REG_%u, %d, %d)",
				cls == CBPF_JMP ? "" : "32", jmp_macro(op), d, in->imm, in->off);
		return 1;
	default:
		break;
	}
	fprintf(out, "BPF_RAW_INSN(0x%02x, %u, %u, %d, %d)", in->code, d, s, in->off, in->imm);
	return 1;
}

int ebpf_write_c(FILE *out, const struct cbpf_ebpf_prog *prog,
		 const struct cbpf_ebpf_write_opts *opts)
{
	bool annotate = opts && opts->annotate && prog->classic;
	long next_pc = 0;

	fprintf(out, "/* %s: %zu eBPF instructions", cbpf_ebpf_prog_name(prog), prog->len);
	if (prog->classic)
		fprintf(out, " from %zu classic", cbpf_prog_len(prog->classic));
	fprintf(out, " */\n");
	/* The macros are not in an installed header: say where to get them. */
	fputs("/* The instruction macros are those of tools/include/linux/filter.h in the kernel's "
	      "source\n * tree; struct bpf_insn and BPF_FUNC_* come from <linux/bpf.h>. */\n",
	      out);
	fprintf(out, "struct bpf_insn %s[] = {\n", cbpf_ebpf_prog_name(prog));
	for (size_t i = 0; i < prog->len;) {
		const struct cbpf_ebpf_insn *next = i + 1 < prog->len ? &prog->insns[i + 1] : NULL;

		if (annotate)
			ebpf_annotate(out, prog, i, &next_pc, "\t/* ", " */");
		fputc('\t', out);
		i += (size_t)c_macro(out, &prog->insns[i], next);
		fputs(",\n", out);
	}
	fputs("};\n", out);
	return 0;
}
