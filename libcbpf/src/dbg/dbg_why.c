// SPDX-License-Identifier: MIT
/* Instructions in words: as bpf_dbg disassembles them, and what each executed one did (why). */
#include <inttypes.h>
#include <stdio.h>

#include "cbpf/policy.h"
#include "classic/insn_int.h"
#include "dbg/dbg_int.h"
#include "seccomp/arch.h"
#include "seccomp/seccomp_data.h"

/* bpf_asm's name of the ancillary load at k (classic/insn.c), or NULL (xor_x has none). */
static const char *anc_name(uint32_t k)
{
	const struct insn_anc *anc = insn_anc(k);

	return anc ? anc->bpf_asm : NULL;
}

/*
 * tools/bpf/bpf_dbg.c: bpf_disasm: mnemonic and operand, "l<target>" jump labels. Where bpf_dbg
 * has no spelling (ancillary loads, which it refuses to run, and ldx #len) bpf_asm's is used.
 */
int cbpf_dbg_disasm(const struct cbpf_insn *in, unsigned pc, char *buf, size_t size)
{
	const struct cbpf_opcode_info *info = cbpf_opcode_lookup(in->code);
	int k = (int)in->k;
	const char *op = info ? info->name : "nosup";
	char opnd[64];

	opnd[0] = '\0';
	if (!info) {
		snprintf(opnd, sizeof(opnd), "%#x", in->code);
	} else {
		switch (info->operand) {
		case CBPF_OPND_NONE:
			break; /* "tax " with its space, as bpf_dbg prints it */
		case CBPF_OPND_IMM:
			snprintf(opnd, sizeof(opnd), "#%#x", in->k);
			break;
		case CBPF_OPND_ABS:
			if (anc_name(in->k))
				snprintf(opnd, sizeof(opnd), "#%s", anc_name(in->k));
			else
				snprintf(opnd, sizeof(opnd), "[%d]", k);
			break;
		case CBPF_OPND_IND:
			snprintf(opnd, sizeof(opnd), "[x+%d]", k);
			break;
		case CBPF_OPND_MEM:
			snprintf(opnd, sizeof(opnd), "M[%d]", k);
			break;
		case CBPF_OPND_MSH:
			snprintf(opnd, sizeof(opnd), "4*([%d]&0xf)", k);
			break;
		case CBPF_OPND_LEN:
			snprintf(opnd, sizeof(opnd), "#len");
			break;
		case CBPF_OPND_ALU_K: {
			unsigned o = CBPF_OP(in->code);

			/* bpf_dbg: and, or, xor in hex; the others in signed decimal. */
			if (o == CBPF_AND || o == CBPF_OR || o == CBPF_XOR)
				snprintf(opnd, sizeof(opnd), "#%#x", in->k);
			else
				snprintf(opnd, sizeof(opnd), "#%d", k);
			break;
		}
		case CBPF_OPND_ALU_X:
		case CBPF_OPND_JMP_X:
			snprintf(opnd, sizeof(opnd), "x");
			break;
		case CBPF_OPND_JA:
			snprintf(opnd, sizeof(opnd), "%d", (int)(pc + 1 + in->k));
			break;
		case CBPF_OPND_JMP_K:
		case CBPF_OPND_RET_K:
			snprintf(opnd, sizeof(opnd), "#%#x", in->k);
			break;
		case CBPF_OPND_RET_A:
			snprintf(opnd, sizeof(opnd), "a");
			break;
		}
	}
	if (CBPF_CLASS(in->code) == CBPF_JMP && CBPF_OP(in->code) != CBPF_JA)
		return snprintf(buf, size, "l%u:\t%s %s, l%u, l%u", pc, op, opnd, pc + 1 + in->jt,
				pc + 1 + in->jf);
	return snprintf(buf, size, "l%u:\t%s %s", pc, op, opnd);
}

int cbpf_dbg_result(const struct cbpf_dbg *dbg, uint32_t ret, char *buf, size_t size)
{
	if (dbg->mode == CBPF_VM_SECCOMP) {
		int n = cbpf_seccomp_action_format(ret, buf, size);
		const char *err =
			(ret & CBPF_SECCOMP_RET_ACTION_FULL) == CBPF_SECCOMP_RET_ERRNO
				? cbpf_const_name(dbg->arch, "E", ret & CBPF_SECCOMP_RET_DATA)
				: NULL;

		/* errno(97) EAFNOSUPPORT: the number as the kernel returns it, then its name. */
		if (err && n >= 0)
			n += snprintf(buf + ((size_t)n < size ? (size_t)n : size),
				      (size_t)n < size ? size - (size_t)n : 0, " %s", err);
		return n;
	}
	if (ret)
		return snprintf(buf, size, "accepted, %u bytes", ret);
	return snprintf(buf, size, "dropped");
}

/* What a seccomp_data word at offset off is, on a machine of the input's architecture. */
static void seccomp_field(const struct cbpf_dbg *dbg, uint32_t off, char *buf, size_t size)
{
	bool is64, le;
	const char *half;

	arch_audit_layout(dbg->sd.arch, dbg->arch, &is64, &le);
	half = seccomp_data_high_on(off, le) ? "high" : "low";

	if (off == 0)
		snprintf(buf, size, "nr");
	else if (off == 4)
		snprintf(buf, size, "arch");
	else if (off < 16)
		snprintf(buf, size, "ip %s half", half);
	else if (off < 64)
		snprintf(buf, size, "args[%u] %s half", (off - 16) / 8, half);
	else
		snprintf(buf, size, "[%u]", off);
}

static const char *const alu_sym[] = {
	[CBPF_ADD >> 4] = "+",	[CBPF_SUB >> 4] = "-",	[CBPF_MUL >> 4] = "*",
	[CBPF_DIV >> 4] = "/",	[CBPF_OR >> 4] = "|",	[CBPF_AND >> 4] = "&",
	[CBPF_LSH >> 4] = "<<", [CBPF_RSH >> 4] = ">>", [CBPF_NEG >> 4] = "-",
	[CBPF_MOD >> 4] = "%",	[CBPF_XOR >> 4] = "^",
};

/* A load: what it read, and into which register. */
static int why_load(const struct cbpf_dbg *dbg, const struct cbpf_insn *in,
		    const struct cbpf_vm_step *r, char *buf, size_t size)
{
	const char *reg = CBPF_CLASS(in->code) == CBPF_LDX ? "X" : "A";
	bool seccomp = dbg->mode == CBPF_VM_SECCOMP;
	char what[64];

	switch (r->read) {
	case CBPF_VM_READ_NONE:
		return snprintf(buf, size, "%s = %#x", reg, r->value);
	case CBPF_VM_READ_LEN:
		return snprintf(buf, size, "%s = len = %u", reg, r->value);
	case CBPF_VM_READ_MEM:
		return snprintf(buf, size, "%s = M[%u] = %#x", reg, in->k, r->value);
	case CBPF_VM_READ_ANC:
		if (r->exit == CBPF_VM_EXIT_NO_DEV)
			return snprintf(buf, size, "no device: the program ends, returning A = %#x",
					r->ret);
		return snprintf(buf, size, "%s = #%s = %#x", reg,
				anc_name(in->k) ? anc_name(in->k) : "xor_x", r->value);
	case CBPF_VM_READ_PACKET:
		break;
	}
	if (seccomp)
		seccomp_field(dbg, (uint32_t)r->off, what, sizeof(what));
	else if (r->off < 0)
		snprintf(what, sizeof(what), "pkt[%" PRId64 "] (nowhere)", r->req);
	else
		snprintf(what, sizeof(what), "pkt[%" PRId64 ":%u]", r->off, r->size);
	if (r->exit == CBPF_VM_EXIT_OOB && (seccomp || r->off < 0))
		return snprintf(buf, size, "%s cannot be read: the program ends, returning 0",
				what);
	if (r->exit == CBPF_VM_EXIT_OOB)
		return snprintf(buf, size,
				"%s is past the %u bytes captured: the program ends, returning 0",
				what, dbg->caplen);
	if (CBPF_MODE(in->code) == CBPF_MSH)
		return snprintf(buf, size, "X = 4*(%s & 0xf) = %u", what, (r->value & 0xf) << 2);
	return snprintf(buf, size, "%s = %s = %#x", reg, what, r->value);
}

int cbpf_dbg_why(const struct cbpf_dbg *dbg, const struct cbpf_dbg_hist *h,
		 const struct cbpf_vm_state *after, const struct cbpf_dbg_why_opts *opts, char *buf,
		 size_t size)
{
	static const char *const cmp[] = { "?", "==", ">", ">=", "&" };
	static const struct cbpf_dbg_why_opts plain = { "", "", "" };
	const struct cbpf_insn *in = &cbpf_prog_insns(dbg->prog)[h->step.pc];
	const struct cbpf_vm_state *b = &h->before;
	const struct cbpf_vm_step *r = &h->step;
	unsigned cls = CBPF_CLASS(in->code), o = CBPF_OP(in->code) >> 4;
	char res[64];

	if (!opts)
		opts = &plain;
	switch (cls) {
	case CBPF_LD:
	case CBPF_LDX:
		return why_load(dbg, in, r, buf, size);
	case CBPF_ST:
	case CBPF_STX:
		return snprintf(buf, size, "M[%u] = %s = %#x", in->k, cls == CBPF_ST ? "A" : "X",
				cls == CBPF_ST ? b->A : b->X);
	case CBPF_ALU: {
		uint32_t v = CBPF_SRC(in->code) == CBPF_X ? b->X : in->k;
		const char *sym;

		if (r->exit == CBPF_VM_EXIT_DIV0)
			return snprintf(buf, size,
					"division by zero: the program ends, returning 0");
		if (CBPF_OP(in->code) == CBPF_NEG)
			return snprintf(buf, size, "A = -%#x = %#x", b->A, after->A);
		sym = o < sizeof(alu_sym) / sizeof(alu_sym[0]) ? alu_sym[o] : NULL;
		return snprintf(buf, size, "A = %#x %s %#x = %#x", b->A, sym ? sym : "?", v,
				after->A);
	}
	case CBPF_MISC:
		if (CBPF_MISCOP(in->code) == CBPF_TAX)
			return snprintf(buf, size, "X = A = %#x", b->A);
		return snprintf(buf, size, "A = X = %#x", b->X);
	case CBPF_RET:
		cbpf_dbg_result(dbg, r->ret, res, sizeof(res));
		return snprintf(buf, size, "returns %#x: %s", r->ret, res);
	default:
		break;
	}
	/* Jumps. */
	if (r->exit == CBPF_VM_EXIT_BUDGET)
		return snprintf(
			buf, size,
			"loop budget spent: %u backward jumps to l%u taken, the program ends "
			"here, returning 0 (libpcap would loop on)",
			b->back_jumps, (unsigned)(b->loop ? b->loop - 1 : r->pc));
	if (!r->cond && after->back_jumps != b->back_jumps)
		return snprintf(buf, size, "jump back to l%u (%u of %u)", r->next_pc,
				after->back_jumps, cbpf_vm_loop_budget(dbg->vm));
	if (!r->cond)
		return snprintf(buf, size, "jump to l%u", r->next_pc);
	return snprintf(buf, size, "%#x %s %#x? %s%s%s -> l%u", r->lhs, o < 5 ? cmp[o] : "?",
			r->rhs, r->taken ? opts->yes : opts->no, r->taken ? "yes" : "no", opts->end,
			r->next_pc);
}
