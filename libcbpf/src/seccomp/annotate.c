// SPDX-License-Identifier: MIT
/* Comments for any seccomp program: fields loaded, architectures and syscall names compared. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cbpf/seccomp.h"
#include "classic/insn_int.h"
#include "classic/prog.h"
#include "seccomp/arch.h"
#include "seccomp/seccomp_data.h"

/* What A holds on every path into an instruction (abstract interpretation over forward jumps). */
enum aval { A_UNSET, A_NR, A_ARCH, A_IP, A_ARG, A_OTHER };

struct astate {
	bool reached;
	uint8_t a;     /* enum aval */
	uint8_t arg;   /* A_ARG: seccomp_data offset */
	bool arch_set; /* the path compared arch with arch_audit and it held */
	uint32_t arch_audit;
};

static void merge(struct astate *into, const struct astate *s)
{
	if (!into->reached) {
		*into = *s;
		return;
	}
	if (into->a != s->a || (s->a == A_ARG && into->arg != s->arg))
		into->a = A_OTHER;
	if (!s->arch_set || !into->arch_set || into->arch_audit != s->arch_audit)
		into->arch_set = false;
}

/* The architecture of an AUDIT_ARCH value (x86_64 for x32's too), or CBPF_ARCH_NONE. */
static enum cbpf_arch arch_by_audit(uint32_t audit)
{
	return cbpf_arch_of_audit(audit, CBPF_ARCH_NONE);
}

static const char *arch_of(uint32_t audit)
{
	return cbpf_arch_name(arch_by_audit(audit));
}

/* The syscall named by nr under the architecture known on the path (or assumed); *x32 tells
 * that it is one of x32's (its number has __X32_SYSCALL_BIT). */
static const char *sys_name(const struct astate *s, enum cbpf_arch assume, uint32_t nr, bool *x32)
{
	enum cbpf_arch arch = assume;

	if (s->arch_set) {
		arch = arch_by_audit(s->arch_audit);
		if (arch == CBPF_ARCH_X86_64 && (nr & CBPF_X32_SYSCALL_BIT))
			arch = CBPF_ARCH_X32;
	} else if (assume == CBPF_ARCH_X86_64 && (nr & CBPF_X32_SYSCALL_BIT)) {
		arch = CBPF_ARCH_X32;
	}
	*x32 = arch == CBPF_ARCH_X32;
	return arch ? cbpf_syscall_name(arch, nr) : NULL;
}

static int comment(struct cbpf_prog *prog, size_t pc, const char *text)
{
	if (!text || cbpf_prog_comment(prog, pc))
		return 0;
	return cbpf_prog_set_comment(prog, pc, text);
}

int cbpf_seccomp_annotate(struct cbpf_prog *prog, enum cbpf_arch assume)
{
	struct astate *st = calloc(prog->len + 1, sizeof(*st));
	char buf[96];
	int err = 0;

	if (!st)
		return -ENOMEM;
	if (prog->len)
		st[0].reached = true;
	for (size_t pc = 0; pc < prog->len && !err; pc++) {
		const struct cbpf_insn *in = &prog->insns[pc];
		struct astate s = st[pc], t;
		const char *text = NULL;

		if (!s.reached)
			continue;
		switch (CBPF_CLASS(in->code)) {
		case CBPF_LD:
			s.a = A_OTHER;
			if (in->code == (CBPF_LD | CBPF_W | CBPF_ABS)) {
				if (in->k == 0)
					s.a = A_NR, text = "A = nr";
				else if (in->k == 4)
					s.a = A_ARCH, text = "A = arch";
				else if (in->k == 8 || in->k == 12)
					s.a = A_IP,
					text = seccomp_data_high(in->k)
						       ? "A = instruction_pointer (high word)"
						       : "A = instruction_pointer (low word)";
				else if (in->k >= 16 && in->k < 64 && !(in->k & 3)) {
					/* on a big-endian path the low half is at +4 */
					uint32_t au =
						s.arch_set ? s.arch_audit : cbpf_arch_audit(assume);
					bool is64, le, be;

					arch_audit_layout(au, assume, &is64, &le);
					be = au && !le;

					s.a = A_ARG, s.arg = (uint8_t)in->k;
					snprintf(buf, sizeof(buf), "A = arg%" PRIu32 " (%s word)",
						 (in->k - 16) / 8,
						 !(in->k & 4) != !be ? "high" : "low");
					text = buf;
				}
			}
			break;
		case CBPF_ALU:
		case CBPF_MISC:
			if (CBPF_CLASS(in->code) == CBPF_ALU || CBPF_MISCOP(in->code) == CBPF_TXA)
				s.a = A_OTHER;
			break;
		case CBPF_RET:
			if (CBPF_RVAL(in->code) == CBPF_K) {
				cbpf_seccomp_action_format(in->k, buf, sizeof(buf));
				text = buf;
			}
			break;
		case CBPF_JMP: {
			size_t tt = pc + 1 + in->jt, ff = pc + 1 + in->jf;
			const char *rel = CBPF_OP(in->code) == CBPF_JEQ	  ? "=="
					  : CBPF_OP(in->code) == CBPF_JGT ? ">"
					  : CBPF_OP(in->code) == CBPF_JGE ? ">="
									  : "&";
			uint64_t to[2];

			/* ja, or an opcode the kernel does not know: where it goes, uncommented. */
			if (!cbpf_insn_is_cond_jump(in)) {
				if (insn_successors(in, pc, to) && to[0] < prog->len)
					merge(&st[to[0]], &s);
				continue;
			}
			if (CBPF_SRC(in->code) == CBPF_K && s.a == A_ARCH) {
				const char *an = arch_of(in->k);

				if (an) {
					snprintf(buf, sizeof(buf), "arch %s %s", rel, an);
					text = buf;
				}
			} else if (CBPF_SRC(in->code) == CBPF_K && s.a == A_NR &&
				   CBPF_OP(in->code) != CBPF_JSET) {
				bool x32 = false;
				const char *n = sys_name(&s, assume, in->k, &x32);
				const char *pre = x32 ? "x32 " : "";

				if (in->k == CBPF_X32_SYSCALL_BIT &&
				    CBPF_OP(in->code) != CBPF_JEQ) {
					/* where x32's numbers start, not x32's read */
					snprintf(buf, sizeof(buf),
						 "nr %s 0x40000000 (__X32_SYSCALL_BIT)", rel);
					text = buf;
				} else if (n) {
					if (CBPF_OP(in->code) == CBPF_JEQ)
						snprintf(buf, sizeof(buf), "nr == %s%s", pre, n);
					else
						snprintf(buf, sizeof(buf),
							 "nr %s %" PRIu32 " (%s%s)", rel, in->k,
							 pre, n);
					text = buf;
				}
			}
			err = comment(prog, pc, text);
			t = s;
			if (s.a == A_ARCH && CBPF_OP(in->code) == CBPF_JEQ &&
			    CBPF_SRC(in->code) == CBPF_K)
				t.arch_set = true, t.arch_audit = in->k;
			if (tt < prog->len)
				merge(&st[tt], &t);
			if (ff < prog->len)
				merge(&st[ff], &s);
			continue;
		}
		default:
			break;
		}
		if (!err)
			err = comment(prog, pc, text);
		if (CBPF_CLASS(in->code) != CBPF_RET && pc + 1 < prog->len)
			merge(&st[pc + 1], &s);
	}
	free(st);
	return err;
}
