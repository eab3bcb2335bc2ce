// SPDX-License-Identifier: MIT
/* cbpf_seccomp_audit: the holes a reviewer looks for in a seccomp filter. */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "classic/prog.h"
#include "seccomp/symex.h"

struct audit {
	const struct cbpf_prog *prog;
	struct cbpf_diags *diags;
	size_t found;
	bool *said; /* per instruction and kind of finding: said once */
	int err;
};

enum { F_ARCH, F_X32, F_LOW, F_ALLOW, F_UNREACH, F_LOAD, F_KINDS };

static void finding(struct audit *a, int kind, long pc, const char *fmt, ...) CBPF_PRINTF(4, 5);
static void finding(struct audit *a, int kind, long pc, const char *fmt, ...)
{
	char msg[320];
	va_list ap;

	if (pc >= 0 && a->said) {
		bool *s = &a->said[(size_t)pc * F_KINDS + kind];

		if (*s)
			return;
		*s = true;
	}
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	a->found++;
	/* Where the source has a line for the instruction, there. */
	const struct cbpf_srcloc *loc = pc >= 0 ? cbpf_prog_srcloc(a->prog, (size_t)pc) : NULL;

	if (cbpf_diags_add(a->diags, CBPF_SEV_WARNING, cbpf_prog_file(a->prog), loc ? loc->line : 0,
			   loc ? loc->col : 0, loc ? loc->len : 0, pc, "%s", msg))
		a->err = -ENOMEM;
}

static bool lets_through(uint32_t action)
{
	uint32_t n = sx_action_norm(action);

	return n == CBPF_SECCOMP_RET_ALLOW || n == CBPF_SECCOMP_RET_LOG ||
	       n == CBPF_SECCOMP_RET_TRACE || n == CBPF_SECCOMP_RET_USER_NOTIF;
}

static const char *arch_label(uint32_t audit, char *buf, size_t size)
{
	struct sx_arch ar;

	if (sx_arch_by_audit(audit, &ar))
		return ar.name;
	snprintf(buf, size, "arch 0x%08" PRIx32, audit);
	return buf;
}

/* The name of the single syscall nr on a path holds, or NULL. */
static const char *one_syscall(const struct sx_path *p, const struct sx_arch *ar)
{
	const struct iset *s = &p->w[SX_NR];

	if (!ar || s->n != 1 || s->v[0] != s->v[1])
		return NULL;
	return sx_sys_name(ar->x32col >= 0 && (s->v[0] & CBPF_X32_SYSCALL_BIT) ? ar->x32col
									       : ar->col,
			   s->v[0]);
}

static void paths(struct audit *a, const struct cbpf_seccomp_model *m)
{
	bool arch_tested = false;
	char buf[32];

	for (size_t i = 0; i < m->n; i++)
		if (!iset_is_full(&m->paths[i].w[SX_ARCH]))
			arch_tested = true;
	if (!arch_tested && m->n)
		finding(a, F_ARCH, 0,
			"no architecture check: the filter never tests arch, and a syscall number "
			"means a different syscall on each architecture (i386's 11 is execve)");
	for (size_t i = 0; i < m->n && !a->err; i++) {
		const struct sx_path *p = &m->paths[i];
		const struct iset *arch = &p->w[SX_ARCH];
		uint32_t audit = arch->n ? arch->v[0] : 0;
		bool one_arch = arch->n == 1 && arch->v[0] == arch->v[1];
		struct sx_arch arb;
		const struct sx_arch *ar = one_arch && sx_arch_by_audit(audit, &arb) ? &arb : NULL;

		if (arch_tested && p->nr_before_arch >= 0)
			finding(a, F_ARCH, p->nr_before_arch,
				"the syscall number is tested before the architecture: the same "
				"number is another syscall on each architecture");
		/* x32's numbers are x86_64's AUDIT_ARCH with bit 30 set; -1 is a skipped call. */
		if (iset_has(arch, CBPF_AUDIT_ARCH_X86_64) && lets_through(p->action)) {
			struct iset x;
			bool reach;

			if (iset_copy(&x, &p->w[SX_NR])) {
				a->err = -ENOMEM;
				break;
			}
			if (iset_clip(&x, CBPF_X32_SYSCALL_BIT, UINT32_MAX - 1, true)) {
				iset_fini(&x);
				a->err = -ENOMEM;
				break;
			}
			reach = x.n > 0;
			iset_fini(&x);
			if (reach) {
				cbpf_seccomp_action_format(p->action, buf, sizeof(buf));
				finding(a, F_X32, p->ret_pc,
					"x32 syscall numbers (0x40000000 and up under x86_64's "
					"AUDIT_ARCH) reach '%s' here",
					buf);
			}
		}
		/* A 64-bit argument (64-bit architecture, not an x32 number) tested on one half. */
		bool is64, le;

		arch_audit_layout(audit, CBPF_ARCH_NONE, &is64, &le);
		if (one_arch && is64 && lets_through(p->action)) {
			bool x32only = audit == CBPF_AUDIT_ARCH_X86_64 && p->w[SX_NR].n &&
				       p->w[SX_NR].v[0] >= CBPF_X32_SYSCALL_BIT;

			for (int arg = 0; arg < 6 && !x32only; arg++) {
				int lo = 4 + 2 * arg + !le, hi = 4 + 2 * arg + le;
				const char *name = one_syscall(p, ar);

				if (iset_is_full(&p->w[lo]) || !iset_is_full(&p->w[hi]))
					continue;
				finding(a, F_LOW, p->wpc[lo],
					"arg%d%s%s on %s is compared on its low 32 bits only: any "
					"value of the high half passes",
					arg, name ? " of " : "", name ? name : "",
					arch_label(audit, buf, sizeof(buf)));
			}
		}
	}
}

/* What a number beyond every table, and an architecture no one tests, get. */
static void defaults(struct audit *a, const struct cbpf_seccomp_model *m)
{
	uint32_t *cuts = NULL;
	size_t ncuts = 0;
	char buf[32], act[32];

	if (sx_cuts(m, NULL, m->n, SX_ARCH, &cuts, &ncuts)) {
		a->err = -ENOMEM;
		return;
	}
	for (size_t c = 0; c < ncuts && !a->err; c++) {
		uint32_t lo = cuts[c], hi = c + 1 < ncuts ? cuts[c + 1] - 1 : UINT32_MAX;
		struct sx_arch arb;
		const struct sx_arch *ar = lo == hi && sx_arch_by_audit(lo, &arb) ? &arb : NULL;
		uint32_t probe = ar && ar->x32col >= 0 ? CBPF_X32_SYSCALL_BIT - 2 : 0x7ffffffeU;
		size_t *sel = NULL, nsel = 0, *idx = NULL, n = 0;

		if (sx_select(m, NULL, 0, SX_ARCH, lo, &sel, &nsel) ||
		    sx_select(m, sel, nsel, SX_NR, probe, &idx, &n)) {
			free(sel);
			a->err = -ENOMEM;
			break;
		}
		for (size_t i = 0; i < n; i++) {
			const struct sx_path *p = &m->paths[idx[i]];

			if (!lets_through(p->action))
				continue;
			cbpf_seccomp_action_format(p->action, act, sizeof(act));
			if (lo == hi && ar)
				finding(a, F_ALLOW, p->ret_pc,
					"a default of %s: numbers no rule names on %s (0x%" PRIx32
					", beyond the syscall table) get it",
					act, ar->name, probe);
			else if (ncuts == 1)
				finding(a, F_ALLOW, p->ret_pc,
					"a default of %s: numbers no rule names (0x%" PRIx32
					", beyond every syscall table) get it",
					act, probe);
			else
				finding(a, F_ALLOW, p->ret_pc,
					"a default of %s for architectures the filter does not "
					"name "
					"(%s%s)",
					act,
					lo == hi ? arch_label(lo, buf, sizeof(buf))
						 : "arch values from ",
					lo == hi ? "" : arch_label(lo, buf, sizeof(buf)));
			break;
		}
		free(sel);
		free(idx);
	}
	free(cuts);
}

int cbpf_seccomp_audit(const struct cbpf_prog *prog, const struct cbpf_seccomp_model *m,
		       size_t *found, struct cbpf_diags *diags)
{
	struct audit a = { prog, diags, 0, NULL, 0 };

	a.said = calloc((prog->len + 1) * F_KINDS, sizeof(bool));
	if (!a.said)
		return -ENOMEM;
	/* kernel/seccomp.c: seccomp_check_filter admits 32-bit loads of seccomp_data only. */
	for (size_t pc = 0; pc < prog->len; pc++) {
		const struct cbpf_insn *in = &prog->insns[pc];
		uint16_t cls = CBPF_CLASS(in->code), mode = CBPF_MODE(in->code);

		if ((cls != CBPF_LD && cls != CBPF_LDX) || (mode != CBPF_ABS && mode != CBPF_IND))
			continue;
		if (mode == CBPF_IND || CBPF_SIZE(in->code) != CBPF_W || in->k >= 64 || (in->k & 3))
			finding(&a, F_LOAD, (long)pc,
				"loads outside the 32-bit words of struct seccomp_data (offset "
				"%" PRIu32 "%s): the kernel refuses the filter",
				in->k, mode == CBPF_IND ? " + X" : "");
	}
	if (m) {
		paths(&a, m);
		if (!a.err)
			defaults(&a, m);
		for (size_t pc = 0; pc < prog->len && !a.err; pc++) {
			size_t end = pc;

			if (m->reached[pc])
				continue;
			while (end + 1 < prog->len && !m->reached[end + 1])
				end++;
			if (end == pc)
				finding(&a, F_UNREACH, (long)pc,
					"unreachable: no input leads here");
			else
				finding(&a, F_UNREACH, (long)pc,
					"unreachable: no input leads to instructions %zu to %zu",
					pc, end);
			pc = end;
		}
	}
	free(a.said);
	if (a.err)
		return a.err;
	*found = a.found;
	return 0;
}
