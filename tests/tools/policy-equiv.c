// SPDX-License-Identifier: MIT
/*
 * Test tool: cbpf's seccomp filters against the policy's meaning and against libseccomp's filter
 * for the same rules, over every syscall number of every architecture (and beyond the tables,
 * and x32 numbers) and argument values at the edges of each comparison.
 */
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <sys/wait.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cbpf.h"
#include "policy-libseccomp.h"
#include "policy-random.h"
#include "policy-model.h"
#include "policy-sim.h"

#define FOREIGN_AUDIT_ARCH 0x8000002bU /* sparc64: an architecture no policy here lists */

struct totals {
	size_t policies, vectors, lsc_policies, lsc_vectors, lsc_skipped, failures, lsc_wrong;
	size_t refused, witnessed; /* random policies refused for overlapping rules */
	size_t lsc_refused;	   /* and for rules libseccomp refuses (EEXIST) or never adds */
	size_t lsc_contra; /* and where libseccomp's filter contradicts rules that do not overlap */
	size_t lsc_hung;   /* policies libseccomp did not finish building in time */
	size_t quirk_unknown, quirk_mux, quirk_table;
	size_t lsc_host_order; /* returns of its big-endian exports left in host order */
	size_t insns_ours, insns_lsc, size_policies;
};

static struct totals tot;
static bool verbose;
static const char *save_dir;

/* ---------------------------------------------------------------- argument values */

struct vec {
	uint64_t args[6];
};

struct vecs {
	struct vec *v;
	size_t n, cap;
};

static void vpush(struct vecs *vs, const struct vec *v)
{
	if (vs->n == vs->cap) {
		vs->cap = vs->cap ? 2 * vs->cap : 64;
		vs->v = realloc(vs->v, vs->cap * sizeof(*vs->v));
		if (!vs->v)
			abort();
	}
	vs->v[vs->n++] = *v;
}

/* A value that satisfies c (best effort). */
static uint64_t satisfy(const struct cbpf_policy_cond *c)
{
	switch (c->op) {
	case CBPF_CMP_EQ:
		return c->value;
	case CBPF_CMP_NE:
		return c->value + 1;
	case CBPF_CMP_LT:
		return c->value ? c->value - 1 : 0;
	case CBPF_CMP_LE:
		return c->value;
	case CBPF_CMP_GT:
		return c->value + 1;
	case CBPF_CMP_GE:
		return c->value;
	case CBPF_CMP_MASKED_EQ:
		return c->value;
	case CBPF_CMP_MASKED_NE:
		return c->mask ? c->mask : 1;
	}
	return 0;
}

/* Values around a comparison's edges, in both 32-bit halves. */
static size_t edges(const struct cbpf_policy_cond *c, uint64_t *out)
{
	uint64_t v = c->value, m = c->mask;
	size_t n = 0;
	const uint64_t hi = 1ULL << 32;

	out[n++] = v;
	out[n++] = v - 1;
	out[n++] = v + 1;
	out[n++] = v + hi;
	out[n++] = v - hi;
	out[n++] = v ^ hi;
	out[n++] = (uint32_t)v;
	out[n++] = v | 0xffffffff00000000ULL;
	out[n++] = (v & 0xffffffff00000000ULL) | 0xffffffffULL;
	out[n++] = v & 0xffffffff00000000ULL;
	out[n++] = 0;
	out[n++] = UINT64_MAX;
	out[n++] = m;
	out[n++] = ~m;
	out[n++] = v | ~m;
	out[n++] = v & m;
	out[n++] = (v & m) ^ (m & (0 - m));
	out[n++] = rnd();
	return n;
}

static void rule_vectors(const struct cbpf_policy_rule *r, struct vecs *vs)
{
	struct vec base = { { 0 } };
	uint64_t e[32];

	for (size_t c = 0; c < r->n_conds; c++)
		base.args[r->conds[c].arg] = satisfy(&r->conds[c]);
	vpush(vs, &base);
	for (size_t c = 0; c < r->n_conds; c++) {
		size_t n = edges(&r->conds[c], e);

		for (size_t i = 0; i < n; i++) {
			struct vec v = base;

			v.args[r->conds[c].arg] = e[i];
			vpush(vs, &v);
		}
	}
}

/*
 * lsc_build in a child, given 10 seconds: libseccomp 2.5.4 loops for ever on a few rule sets
 * (in _db_tree_add). -ETIME when it did not finish; the program comes back through a pipe.
 */
static int lsc_build_guarded(const struct cbpf_policy *pol, int optimize, struct lsc_result *res)
{
	int fd[2], status, err = -EIO;
	pid_t pid;
	struct pollfd pfd;
	size_t len = 0, got = 0;
	struct cbpf_insn *insns = NULL;

	memset(res, 0, sizeof(*res));
	if (pipe(fd))
		return -EIO;
	pid = fork();
	if (pid < 0) {
		close(fd[0]);
		close(fd[1]);
		return -EIO;
	}
	if (!pid) {
		struct lsc_result r;
		int e = lsc_build(pol, optimize, &r);
		size_t n = e ? 0 : cbpf_prog_len(r.prog);

		close(fd[0]);
		if (write(fd[1], &e, sizeof(e)) != sizeof(e) ||
		    write(fd[1], &r, sizeof(r)) != sizeof(r) ||
		    write(fd[1], &n, sizeof(n)) != sizeof(n) ||
		    (n && write(fd[1], cbpf_prog_insns(r.prog), n * sizeof(struct cbpf_insn)) !=
				  (ssize_t)(n * sizeof(struct cbpf_insn))))
			_exit(1);
		_exit(0);
	}
	close(fd[1]);
	pfd = (struct pollfd){ .fd = fd[0], .events = POLLIN };
	if (poll(&pfd, 1, 10000) <= 0) {
		kill(pid, SIGKILL);
		err = -ETIME;
		goto out;
	}
	{
		FILE *f = fdopen(dup(fd[0]), "r");
		int e;

		if (f && fread(&e, sizeof(e), 1, f) == 1 && fread(res, sizeof(*res), 1, f) == 1 &&
		    fread(&len, sizeof(len), 1, f) == 1) {
			res->prog = NULL;
			err = e;
			if (!e && (insns = malloc(len * sizeof(*insns) + 1)) &&
			    (got = fread(insns, sizeof(*insns), len, f)) == len)
				res->prog = cbpf_prog_new(insns, len);
			if (!e && !res->prog)
				err = -EIO;
		}
		if (f)
			fclose(f);
	}
out:
	close(fd[0]);
	waitpid(pid, &status, 0);
	free(insns);
	return err;
}

/* ---------------------------------------------------------------- one policy */

struct ctx {
	const struct cbpf_policy *pol;
	const char *name;
	struct sim ours, lsc;
	bool have_lsc;
	const struct cbpf_policy_rule *rules;
	size_t n_rules;
	bool mux;    /* a rule names a syscall libseccomp multiplexes on i386 */
	bool strict; /* every libseccomp difference that is not a known quirk fails */
};

static void fail(struct ctx *cx, const struct sim_data *d, const char *what, uint32_t got,
		 uint32_t want)
{
	char g[32], w[32];

	if (tot.failures++ < 20) {
		cbpf_seccomp_action_format(got, g, sizeof(g));
		cbpf_seccomp_action_format(want, w, sizeof(w));
		fprintf(stderr,
			"FAIL %s: arch %#x nr %#x args %#llx %#llx %#llx %#llx %#llx %#llx: %s gives "
			"%s, expected %s\n",
			cx->name, d->arch, (uint32_t)d->nr, (unsigned long long)d->args[0],
			(unsigned long long)d->args[1], (unsigned long long)d->args[2],
			(unsigned long long)d->args[3], (unsigned long long)d->args[4],
			(unsigned long long)d->args[5], what, g, w);
	}
}

static bool lsc_knows(struct ctx *cx, enum cbpf_arch a, uint32_t nr, bool *table_differs)
{
	*table_differs = false;
	for (size_t i = 0; i < cx->n_rules; i++) {
		uint32_t ours;
		int theirs;

		if (cbpf_syscall_nr(a, cx->rules[i].syscall, &ours))
			continue;
		theirs = seccomp_syscall_resolve_name_arch(lsc_arch(a), cx->rules[i].syscall);
		if (ours != nr && theirs != (int)nr)
			continue;
		if (seccomp_syscall_resolve_name(cx->rules[i].syscall) == __NR_SCMP_ERROR)
			return false;
		if (theirs < 0 || (uint32_t)theirs != ours)
			*table_differs = true;
	}
	return true;
}

/*
 * A second action among the rules that match d, other than first: the policy would then mean
 * whatever order decides (libseccomp's tree order, cbpf's file order). Accepted policies have none.
 */
static bool other_action(const struct cbpf_policy *pol, const struct sim_data *d, uint32_t first,
			 uint32_t *other)
{
	const struct cbpf_policy_rule *rules;
	size_t n = cbpf_policy_rules(pol, &rules);
	uint32_t dummy;
	enum cbpf_arch a = model_arch(pol, d, &dummy);
	bool arch32 = model_arch32(a);

	for (size_t i = 0; a && i < n; i++) {
		bool all = true;

		if (rules[i].fallback || !model_applies(&rules[i], a, (uint32_t)d->nr))
			continue;
		for (size_t c = 0; c < rules[i].n_conds && all; c++)
			all = model_cond(&rules[i].conds[c], d, arch32);
		if (all && rules[i].action != first) {
			*other = rules[i].action;
			return true;
		}
	}
	return false;
}

static void check_one(struct ctx *cx, const struct sim_data *d)
{
	uint32_t want = model_eval(cx->pol, d), got = sim_run(&cx->ours, d, NULL);
	uint32_t nr = (uint32_t)d->nr;
	enum cbpf_arch a;
	uint32_t dummy, other;
	bool differs;

	tot.vectors++;
	if (got != want)
		fail(cx, d, "cbpf", got, want);
	if (want != cbpf_policy_default_action(cx->pol) && other_action(cx->pol, d, want, &other))
		fail(cx, d, "an accepted policy whose rules overlap", other, want);
	if (!cx->have_lsc)
		return;
	got = sim_run(&cx->lsc, d, NULL);
	if (got == want) {
		tot.lsc_vectors++;
		return;
	}
	a = model_arch(cx->pol, d, &dummy);
	if (a && !lsc_knows(cx, a, nr, &differs)) {
		tot.quirk_unknown++;
		return;
	}
	if (a && differs) {
		tot.quirk_table++;
		return;
	}
	/* lib's i386 rules for socket calls and SysV IPC also go to socketcall(2) and ipc(2) */
	if (a == CBPF_ARCH_I386 && (nr == 102 || nr == 117) && cx->mux) {
		tot.quirk_mux++;
		return;
	}
	if (!cx->strict) {
		/* cbpf agrees with the meaning and libseccomp does not: counted, shown once */
		if (!tot.lsc_wrong++) {
			char g[32], w[32];

			cbpf_seccomp_action_format(got, g, sizeof(g));
			cbpf_seccomp_action_format(want, w, sizeof(w));
			printf("libseccomp's filter is wrong first on %s: arch %#x nr %#x gives %s, "
			       "the rules say %s\n",
			       cx->name, d->arch, nr, g, w);
		}
		return;
	}
	fail(cx, d, "libseccomp", got, want);
}

static void sweep(struct ctx *cx, uint32_t audit, uint32_t lo, uint32_t hi)
{
	struct vecs vs = { 0 };

	for (uint64_t nr = lo; nr <= hi; nr++) {
		struct sim_data d = { .nr = (int32_t)(uint32_t)nr, .arch = audit };
		bool named = false;

		vs.n = 0;
		for (size_t i = 0; i < cx->n_rules; i++) {
			uint32_t r;

			for (enum cbpf_arch a = CBPF_ARCH_X86_64; a <= MODEL_ARCH_LAST; a++)
				if (cbpf_arch_audit(a) == audit &&
				    !cbpf_syscall_nr(a, cx->rules[i].syscall, &r) && r == nr) {
					rule_vectors(&cx->rules[i], &vs);
					named = true;
				}
		}
		if (!named) {
			struct vec z = { { 0 } },
				   r = { { rnd(), rnd(), rnd(), rnd(), rnd(), rnd() } };

			vpush(&vs, &z);
			vpush(&vs, &r);
		}
		for (size_t i = 0; i < vs.n; i++) {
			memcpy(d.args, vs.v[i].args, sizeof(d.args));
			check_one(cx, &d);
		}
	}
	free(vs.v);
}

static bool is_mux_name(const char *n)
{
	static const char *const names[] = {
		"socket",      "bind",	     "connect",	   "listen",  "accept",	 "getsockname",
		"getpeername", "socketpair", "send",	   "recv",    "sendto",	 "recvfrom",
		"shutdown",    "setsockopt", "getsockopt", "sendmsg", "recvmsg", "accept4",
		"recvmmsg",    "sendmmsg",   "semop",	   "semget",  "semctl",	 "semtimedop",
		"msgsnd",      "msgrcv",     "msgget",	   "msgctl",  "shmat",	 "shmdt",
		"shmget",      "shmctl",     NULL,
	};

	for (size_t i = 0; names[i]; i++)
		if (!strcmp(n, names[i]))
			return true;
	return false;
}

static void test_policy(const struct cbpf_policy *pol, const char *name, bool strict)
{
	static const uint32_t audits[] = {
		CBPF_AUDIT_ARCH_X86_64, CBPF_AUDIT_ARCH_I386,	     CBPF_AUDIT_ARCH_AARCH64,
		CBPF_AUDIT_ARCH_ARM,	CBPF_AUDIT_ARCH_RISCV64,     CBPF_AUDIT_ARCH_PPC64LE,
		CBPF_AUDIT_ARCH_S390X,	CBPF_AUDIT_ARCH_LOONGARCH64, CBPF_AUDIT_ARCH_MIPS,
		CBPF_AUDIT_ARCH_MIPSEL, CBPF_AUDIT_ARCH_MIPS64,	     CBPF_AUDIT_ARCH_MIPS64EL,
		FOREIGN_AUDIT_ARCH,
	};
	struct ctx cx = { .pol = pol, .name = name, .strict = strict };
	struct cbpf_prog *prog = NULL;
	struct cbpf_diags diags = { 0 };
	struct lsc_result lsc = { 0 };
	int err;

	tot.policies++;
	cx.n_rules = cbpf_policy_rules(pol, &cx.rules);
	for (size_t i = 0; i < cx.n_rules; i++)
		cx.mux |= is_mux_name(cx.rules[i].syscall);
	err = cbpf_policy_gen(pol, NULL, &prog, &diags);
	if (err) {
		fprintf(stderr, "FAIL %s: cbpf_policy_gen: %s\n", name, strerror(-err));
		cbpf_diags_print(stderr, &diags, NULL, 0, NULL);
		tot.failures++;
		cbpf_diags_free(&diags);
		return;
	}
	if (cbpf_check(prog, CBPF_CHECK_SECCOMP, &diags)) {
		fprintf(stderr, "FAIL %s: the validator refuses the filter\n", name);
		cbpf_diags_print(stderr, &diags, NULL, 0, NULL);
		tot.failures++;
	}
	cbpf_diags_free(&diags);
	if (sim_new(prog, &cx.ours))
		abort();
	err = lsc_build_guarded(pol, (int)(tot.policies % 3), &lsc);
	if (err == -ETIME && !tot.lsc_hung++)
		printf("libseccomp did not build its filter in 10 s first for %s: compared with the "
		       "rules only\n",
		       name);
	if (!err) {
		cx.have_lsc = true;
		tot.lsc_policies++;
		tot.lsc_host_order += lsc.host_order_rets;
		if (!lsc.unknown) { /* sizes compare when both filters have every rule */
			tot.size_policies++;
			tot.insns_ours += cbpf_prog_len(prog);
			tot.insns_lsc += cbpf_prog_len(lsc.prog);
		}
		if (sim_new(lsc.prog, &cx.lsc))
			abort();
	} else {
		tot.lsc_skipped++;
	}
	if (verbose)
		printf("%s: %zu instructions, libseccomp %zu\n", name, cbpf_prog_len(prog),
		       lsc.prog ? cbpf_prog_len(lsc.prog) : 0);
	for (size_t i = 0; i < sizeof(audits) / sizeof(audits[0]); i++) {
		/* arch/mips/include/uapi/asm/unistd.h: o32's numbers from 4000, n64's from 5000 */
		uint32_t au = audits[i];
		uint32_t base = au == CBPF_AUDIT_ARCH_MIPS || au == CBPF_AUDIT_ARCH_MIPSEL ? 4000
				: au == CBPF_AUDIT_ARCH_MIPS64 || au == CBPF_AUDIT_ARCH_MIPS64EL
					? 5000
					: 0;
		bool listed = false;

		for (enum cbpf_arch a = CBPF_ARCH_X86_64; a <= MODEL_ARCH_LAST; a++)
			listed |= cbpf_arch_audit(a) == audits[i] && model_has(pol, a);
		if (i >= 4 && audits[i] != FOREIGN_AUDIT_ARCH && !listed) {
			/* a newer architecture the policy lacks: a few numbers tell bad-arch */
			sweep(&cx, audits[i], base, base + 8);
			continue;
		}
		if (base)
			sweep(&cx, audits[i], 0, 8);
		sweep(&cx, audits[i], base, base + 600);
		if (audits[i] == CBPF_AUDIT_ARCH_ARM)
			sweep(&cx, audits[i], 0xf0000, 0xf0010);
		if (audits[i] == CBPF_AUDIT_ARCH_X86_64)
			sweep(&cx, audits[i], CBPF_X32_SYSCALL_BIT, CBPF_X32_SYSCALL_BIT + 600);
		sweep(&cx, audits[i], 0x3ffffffe, 0x3fffffff);
		sweep(&cx, audits[i], 0x7fffffff, 0x80000001);
		sweep(&cx, audits[i], 0xfffffffd, 0xffffffff);
	}
	sim_free(&cx.ours);
	if (cx.have_lsc)
		sim_free(&cx.lsc);
	cbpf_prog_free(prog);
	cbpf_prog_free(lsc.prog);
}

/*
 * A random profile refused for contradicting rules: the two rules each error names (a line each)
 * are read on their own, and some call must meet both rules' conditions on one of the arches.
 */
static bool rule_line(const char *src, unsigned line, struct cbpf_policy **out)
{
	const char *p = src, *e;
	char buf[4096];
	struct cbpf_diags diags = { 0 };
	struct cbpf_policy_opts opts = { .host = CBPF_ARCH_X86_64, .kernel = "6.1" };
	int n, err;

	for (unsigned l = 1; l < line && p; l++)
		p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL;
	if (!p)
		return false;
	e = strchr(p, '\n');
	n = snprintf(
		buf, sizeof(buf),
		"{ \"defaultAction\": \"SCMP_ACT_NOTIFY\", \"architectures\": [\"SCMP_ARCH_X86_64\", "
		"\"SCMP_ARCH_X86\", \"SCMP_ARCH_X32\", \"SCMP_ARCH_AARCH64\", \"SCMP_ARCH_ARM\"], "
		"\"syscalls\": [ %.*s ] }",
		(int)(e ? e - p : (long)strlen(p)), p);
	if (n < 0 || (size_t)n >= sizeof(buf))
		return false;
	/* the line ends with the comma between entries */
	for (char *c = strstr(buf, "}, ] }"); c; c = NULL)
		memmove(c + 1, c + 2, strlen(c + 2) + 1);
	err = cbpf_policy_parse(buf, strlen(buf), &opts, out, &diags);
	cbpf_diags_free(&diags);
	return !err;
}

/* Whether x meets every condition on arg of the rules r[0..n). */
static bool arg_meets(const struct cbpf_policy_rule *const *r, size_t n, unsigned arg, uint64_t x,
		      bool arch32)
{
	struct sim_data d = { 0 };

	d.args[arg] = x;
	for (size_t i = 0; i < n; i++)
		for (size_t c = 0; c < r[i]->n_conds; c++)
			if (r[i]->conds[c].arg == arg && !model_cond(&r[i]->conds[c], &d, arch32))
				return false;
	return true;
}

/*
 * Some value of each argument meets both rules: searched among the edges of every comparison,
 * each also forced to the bits the masked comparisons fix, and the few values after it that keep
 * those bits (the arguments are independent: a condition names one).
 */
static bool rules_met(const struct cbpf_policy_rule *x, const struct cbpf_policy_rule *y,
		      bool arch32)
{
	const struct cbpf_policy_rule *r[2] = { x, y };

	for (unsigned arg = 0; arg < 6; arg++) {
		uint64_t e[32], fixed = 0, bits = 0;
		bool met = arg_meets(r, 2, arg, 0, arch32);

		for (int i = 0; i < 2; i++)
			for (size_t c = 0; c < r[i]->n_conds; c++)
				if (r[i]->conds[c].arg == arg &&
				    r[i]->conds[c].op == CBPF_CMP_MASKED_EQ)
					fixed |= r[i]->conds[c].mask, bits |= r[i]->conds[c].value;
		if (arch32)
			fixed |= 0xffffffff00000000ULL; /* high words: any, keep them 0 */
		for (int i = 0; i < 2 && !met; i++)
			for (size_t c = 0; c < r[i]->n_conds && !met; c++) {
				size_t n;

				if (r[i]->conds[c].arg != arg)
					continue;
				n = edges(&r[i]->conds[c], e);
				for (size_t k = 0; k < n && !met; k++) {
					uint64_t v = (e[k] & ~fixed) | bits;

					met = arg_meets(r, 2, arg, e[k], arch32);
					for (int step = 0; step < 8 && !met; step++) {
						met = arg_meets(r, 2, arg, v, arch32);
						v = (((v | fixed) + 1) & ~fixed) | bits;
					}
				}
			}
		if (!met)
			return false;
	}
	return true;
}

static bool find_witness(const char *src, unsigned la, unsigned lb)
{
	struct cbpf_policy *x = NULL, *y = NULL;
	const struct cbpf_policy_rule *rx, *ry;
	size_t nx, ny;
	bool found = false;

	uint64_t rng = rng_state; /* edges() draws one: the random policies stay the same */

	if (!rule_line(src, la, &x) || !rule_line(src, lb, &y))
		goto out;
	nx = cbpf_policy_rules(x, &rx);
	ny = cbpf_policy_rules(y, &ry);
	/* a split entry (an argument named twice) matches when any of its rules does */
	for (size_t i = 0; i < nx && !found; i++)
		for (size_t j = 0; j < ny && !found; j++)
			found = rules_met(&rx[i], &ry[j], false) || rules_met(&rx[i], &ry[j], true);
out:
	rng_state = rng;
	cbpf_policy_free(x);
	cbpf_policy_free(y);
	return found;
}

/* Whether every error is --strict's refusal of rules libseccomp's filter contradicts. */
static bool lsc_contradicts(const struct cbpf_diags *diags)
{
	bool any = false;

	for (size_t i = 0; i < diags->n; i++) {
		if (diags->v[i].severity != CBPF_SEV_ERROR)
			continue;
		if (!strstr(diags->v[i].msg, "runc's filter does not do what the profile says"))
			return false;
		any = true;
	}
	return any;
}

static void check_refused(const char *name, const char *src, const struct cbpf_diags *diags)
{
	size_t n = diags->n;

	for (size_t i = 0; i < n; i++) {
		const struct cbpf_diag *d = &diags->v[i];

		if (d->severity != CBPF_SEV_ERROR)
			continue;
		/* rules that do not overlap but that libseccomp refuses, and runc with it */
		if (strstr(d->msg, "(EEXIST)") || strstr(d->msg, "does not finish")) {
			tot.lsc_refused++;
			continue;
		}
		/* rules that do not overlap, which libseccomp's filter contradicts (--strict) */
		if (strstr(d->msg, "runc's filter does not do what the profile says")) {
			tot.lsc_contra++;
			continue;
		}
		if (!strstr(d->msg, "contradicting rules") || i + 1 >= n) {
			fprintf(stderr, "FAIL %s: does not parse:\n%s", name, src);
			cbpf_diags_print(stderr, diags, src, strlen(src), NULL);
			tot.failures++;
			return;
		}
		tot.refused++;
		if (find_witness(src, d->line, diags->v[i + 1].line)) {
			tot.witnessed++;
		} else {
			fprintf(stderr,
				"FAIL %s: refused, but no call found that meets lines %u and %u:\n%s",
				name, d->line, diags->v[i + 1].line, src);
			tot.failures++;
		}
	}
}

/* ---------------------------------------------------------------- main */

static void run_file(const char *path, const struct cbpf_policy_opts *opts, const char *tag)
{
	struct cbpf_diags diags = { 0 };
	struct cbpf_policy *pol;
	char name[512];

	if (cbpf_policy_parse_file(path, opts, &pol, &diags)) {
		fprintf(stderr, "FAIL %s: does not parse\n", path);
		cbpf_diags_print(stderr, &diags, NULL, 0, NULL);
		tot.failures++;
		cbpf_diags_free(&diags);
		return;
	}
	cbpf_diags_free(&diags);
	snprintf(name, sizeof(name), "%s%s", path, tag);
	test_policy(pol, name, true);
	cbpf_policy_free(pol);
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "random", required_argument, NULL, 'r' },
		{ "seed", required_argument, NULL, 's' },
		{ "docker", required_argument, NULL, 'd' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "save", required_argument, NULL, 'S' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned random = 0;
	const char *docker = NULL;
	int c;

	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 'r':
			random = (unsigned)strtoul(optarg, NULL, 0);
			break;
		case 's':
			rng_state = strtoull(optarg, NULL, 0) * 0x9e3779b97f4a7c15ULL + 1;
			break;
		case 'd':
			docker = optarg;
			break;
		case 'v':
			verbose = true;
			break;
		case 'S':
			save_dir = optarg;
			break;
		default:
			fprintf(stderr,
				"usage: policy-equiv [--random N] [--seed S] [--docker FILE] "
				"[--verbose] [POLICY...]\n");
			return 2;
		}
	}
	for (int i = optind; i < argc; i++) {
		struct cbpf_policy_opts opts = { .host = CBPF_ARCH_X86_64, .kernel = "6.1" };

		run_file(argv[i], &opts, "");
	}
	if (docker) {
		/* Docker's default profile on the hosts and capability sets it meets */
		static const char *const all[] = { "ALL", NULL }, *const none[] = { NULL };
		/* every architecture but x32 (not a machine: Docker has no name for it); mips64's,
		 * mips64el's and s390x's archMap entries name n32 and s390 */
		for (enum cbpf_arch h = CBPF_ARCH_X86_64; h <= MODEL_ARCH_LAST; h++) {
			struct cbpf_policy_opts opts = { .host = h, .kernel = "6.1" };
			char tag[64];

			if (h == CBPF_ARCH_X32)
				continue;

			snprintf(tag, sizeof(tag), " (host %s)", cbpf_arch_name(h));
			run_file(docker, &opts, tag);
			opts.caps = all;
			snprintf(tag, sizeof(tag), " (host %s, all caps)", cbpf_arch_name(h));
			run_file(docker, &opts, tag);
			opts.caps = none;
			opts.kernel = "4.4";
			snprintf(tag, sizeof(tag), " (host %s, no caps, 4.4)", cbpf_arch_name(h));
			run_file(docker, &opts, tag);
		}
	}
	for (unsigned i = 0; i < random; i++) {
		enum cbpf_arch arches[CBPF_ARCH_COUNT];
		size_t na;
		bool text = i % 3 == 2;
		char *src;

		bool loose = i % 3 == 1, mixed = loose && i % 2;

		src = text ? random_text() : random_json(arches, &na, loose, mixed);
		/* strict: overlapping rules are refused, not resolved as libseccomp's tree does
		 * (tests/suites/policy-overlap.sh checks that), so that every accepted policy means
		 * its rules */
		struct cbpf_policy_opts opts = { .host = CBPF_ARCH_X86_64,
						 .kernel = "6.1",
						 .strict = !text };
		struct cbpf_diags diags = { 0 };
		struct cbpf_policy *pol;
		char name[96];

		if (text) {
			na = 0;
			for (enum cbpf_arch a = CBPF_ARCH_X86_64; a <= MODEL_ARCH_LAST; a++)
				if (below(a <= CBPF_ARCH_ARM ? 3 : 8) == 0)
					arches[na++] = a;
			opts.arches = arches;
			opts.n_arches = na;
			opts.lenient = true; /* names missing on one of the arches are expected */
		}
		size_t before = tot.failures;

		snprintf(name, sizeof(name), "random %s policy #%u",
			 text	 ? "text"
			 : mixed ? "json (several rules a syscall, several actions)"
			 : loose ? "json (several rules a syscall)"
				 : "json",
			 i);
		if (cbpf_policy_parse(src, strlen(src), &opts, &pol, &diags)) {
			if (mixed || lsc_contradicts(&diags)) {
				check_refused(name, src, &diags);
			} else {
				fprintf(stderr, "FAIL %s: does not parse:\n%s", name, src);
				cbpf_diags_print(stderr, &diags, src, strlen(src), NULL);
				tot.failures++;
			}
		} else {
			/* libseccomp 2.5 errs on some random policies (its accumulator tracking):
			 * there its differences are counted, not failures */
			test_policy(pol, name, false);
			if (tot.failures && verbose)
				fprintf(stderr, "%s", src);
			cbpf_policy_free(pol);
		}
		cbpf_diags_free(&diags);
		if ((tot.failures > before || verbose) && save_dir) {
			char path[512];
			FILE *f;

			snprintf(path, sizeof(path), "%s/random-%u.%s", save_dir, i,
				 text ? "policy" : "json");
			f = fopen(path, "w");
			if (f) {
				fputs(src, f);
				fclose(f);
			}
		}
		free(src);
	}
	printf("libseccomp %u.%u.%u differences counted as its quirks: %zu on syscalls it does not "
	       "know, %zu on its own syscall numbers, %zu on i386 socketcall/ipc multiplexing; "
	       "%zu where its filter contradicts the rules (random policies); %zu returns of its "
	       "big-endian exports left in host order, turned back\n",
	       seccomp_version()->major, seccomp_version()->minor, seccomp_version()->micro,
	       tot.quirk_unknown, tot.quirk_table, tot.quirk_mux, tot.lsc_wrong,
	       tot.lsc_host_order);
	if (tot.size_policies)
		printf("size: cbpf %zu instructions, libseccomp %zu over the %zu policies where "
		       "libseccomp knows every syscall\n",
		       tot.insns_ours, tot.insns_lsc, tot.size_policies);
	printf("overlapping rules with different actions: %zu refused, a call meeting both found "
	       "for %zu; %zu refused as libseccomp refuses them; %zu where libseccomp's filter "
	       "contradicts rules that do not overlap (--strict); accepted policies: no input met "
	       "rules of two actions\n",
	       tot.refused, tot.witnessed, tot.lsc_refused, tot.lsc_contra);
	if (tot.lsc_hung)
		printf("libseccomp hung on %zu policies (stopped after 10 s)\n", tot.lsc_hung);
	printf("engine: %s\n", SIM_ENGINE);
	if (tot.failures) {
		printf("%zu failures\n", tot.failures);
		return 1;
	}
	printf("%zu policies, %zu inputs: cbpf equals the policy's meaning on all; libseccomp "
	       "agrees on %zu inputs of %zu policies (%zu not expressible in libseccomp)\n",
	       tot.policies, tot.vectors, tot.lsc_vectors, tot.lsc_policies, tot.lsc_skipped);
	return 0;
}
