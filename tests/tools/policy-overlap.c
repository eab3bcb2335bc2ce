// SPDX-License-Identifier: MIT
/*
 * Test tool: OCI profiles whose rules for one syscall overlap with different actions, compiled
 * by cbpf (which resolves them as libseccomp 2.5.4's filter does) and by libseccomp itself (the
 * same rules added in file order with seccomp_rule_add_array, as runc adds them): cbpf's filter
 * and libseccomp's (seccomp_export_bpf), both run by the tests' own evaluator (seccomp-sim.h),
 * must give the same action for every architecture and argument values around every constant
 * (k, k-1, k+1, masks, each 32-bit half). Counted apart, each with its reason: inputs where
 * libseccomp's BPF contradicts its own tree as seccomp_export_pfc prints it (its accumulator,
 * which cbpf follows); inputs on an architecture where the rules do not overlap, where cbpf
 * gives what the rules mean and libseccomp's filter not (failures: cbpf follows libseccomp's
 * filter there too); and inputs where cbpf
 * gives what libseccomp's filter gives with that architecture alone, and not with the others
 * (libseccomp shares identical blocks between architectures and loads a shared block's word
 * only where the first architecture to reach it needed that; cbpf follows it, and this says
 * where it would not). Listed shapes, then random ones, then random ones of several syscalls
 * whose rules begin alike (libseccomp shares identical blocks between syscalls' trees too).
 * A profile cbpf refuses must be one libseccomp refuses too (EEXIST), or one of the shapes
 * docs/policy.md lists; each is counted by its reason. One whose filter libseccomp never
 * finishes exporting is counted and left out.
 */
#include <getopt.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cbpf.h"
#include "policy-libseccomp.h"
#include "seccomp-sim.h"

#define MAX_RULES 8

struct cond {
	unsigned arg;
	enum scmp_compare op;
	uint64_t a, b; /* value (MASKED_EQ: the mask), valueTwo */
};

struct rule {
	const char *act; /* JSON action */
	unsigned ret;	 /* errnoRet for ERRNO and TRACE */
	struct cond c[3];
	size_t n;
};

/* The syscalls a shape's rules name: libseccomp shares identical blocks between their trees. */
static const char *const sys_names[] = { "read", "close", "write" };
#define N_SYS (sizeof(sys_names) / sizeof(sys_names[0]))

struct shape {
	struct rule r[MAX_RULES];
	size_t n;
	unsigned sys[MAX_RULES]; /* the syscall of each rule, in sys_names[] */
};

/* A listed shape: its rules are all for read. */
struct listed {
	struct rule r[MAX_RULES];
	size_t n;
};

static struct shape from_listed(const struct listed *l)
{
	struct shape s = { .n = l->n };

	memcpy(s.r, l->r, sizeof(s.r));
	return s;
}

static const char *const op_names[] = {
	[SCMP_CMP_NE] = "SCMP_CMP_NE",
	[SCMP_CMP_LT] = "SCMP_CMP_LT",
	[SCMP_CMP_LE] = "SCMP_CMP_LE",
	[SCMP_CMP_EQ] = "SCMP_CMP_EQ",
	[SCMP_CMP_GE] = "SCMP_CMP_GE",
	[SCMP_CMP_GT] = "SCMP_CMP_GT",
	[SCMP_CMP_MASKED_EQ] = "SCMP_CMP_MASKED_EQ",
};

/* Little-endian ones only: libseccomp takes one byte order per filter. */
static const enum cbpf_arch arches[] = {
	CBPF_ARCH_X86_64, CBPF_ARCH_I386,   CBPF_ARCH_X32,	CBPF_ARCH_AARCH64,
	CBPF_ARCH_ARM,	  CBPF_ARCH_MIPSEL, CBPF_ARCH_MIPS64EL,
};
static const char *const arch_json[] = {
	"SCMP_ARCH_X86_64", "SCMP_ARCH_X86",	"SCMP_ARCH_X32",      "SCMP_ARCH_AARCH64",
	"SCMP_ARCH_ARM",    "SCMP_ARCH_MIPSEL", "SCMP_ARCH_MIPSEL64",
};
#define N_ARCHES      (sizeof(arches) / sizeof(arches[0]))
#define DEFAULT_ERRNO 38u

static uint32_t lsc_action(const struct rule *r)
{
	if (!strcmp(r->act, "SCMP_ACT_ERRNO"))
		return SCMP_ACT_ERRNO(r->ret);
	if (!strcmp(r->act, "SCMP_ACT_TRACE"))
		return SCMP_ACT_TRACE(r->ret);
	if (!strcmp(r->act, "SCMP_ACT_LOG"))
		return SCMP_ACT_LOG;
	if (!strcmp(r->act, "SCMP_ACT_ALLOW"))
		return SCMP_ACT_ALLOW;
	if (!strcmp(r->act, "SCMP_ACT_KILL_PROCESS"))
		return SCMP_ACT_KILL_PROCESS;
	return SCMP_ACT_KILL;
}

static char *profile_json(const struct shape *s)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		abort();
	fprintf(f, "{\n\"defaultAction\": \"SCMP_ACT_ERRNO\", \"defaultErrnoRet\": %u,\n",
		DEFAULT_ERRNO);
	fprintf(f, "\"architectures\": [");
	for (size_t i = 0; i < N_ARCHES; i++)
		fprintf(f, "%s\"%s\"", i ? ", " : "", arch_json[i]);
	fprintf(f, "],\n\"syscalls\": [\n");
	for (size_t i = 0; i < s->n; i++) {
		const struct rule *r = &s->r[i];

		fprintf(f, "%s{ \"names\": [\"%s\"], \"action\": \"%s\"", i ? ",\n" : "",
			sys_names[s->sys[i]], r->act);
		if (r->ret)
			fprintf(f, ", \"errnoRet\": %u", r->ret);
		fprintf(f, ", \"args\": [");
		for (size_t c = 0; c < r->n; c++)
			fprintf(f,
				"%s{ \"index\": %u, \"value\": %llu, \"valueTwo\": %llu, "
				"\"op\": \"%s\" }",
				c ? ", " : "", r->c[c].arg, (unsigned long long)r->c[c].a,
				(unsigned long long)r->c[c].b, op_names[r->c[c].op]);
		fprintf(f, "] }");
	}
	fprintf(f, "\n]\n}\n");
	fclose(f);
	return buf;
}

/* The shape's rules added to ctx in file order, as runc adds them; false: one was refused. */
static bool lsc_add(scmp_filter_ctx ctx, const struct shape *s)
{
	bool ok = true;

	for (size_t i = 0; i < s->n; i++) {
		struct scmp_arg_cmp c[3];

		for (size_t j = 0; j < s->r[i].n; j++)
			c[j] = (struct scmp_arg_cmp){ s->r[i].c[j].arg, s->r[i].c[j].op,
						      s->r[i].c[j].a, s->r[i].c[j].b };
		ok &= !seccomp_rule_add_array(ctx, lsc_action(&s->r[i]),
					      seccomp_syscall_resolve_name(sys_names[s->sys[i]]),
					      (unsigned)s->r[i].n, c);
	}
	return ok;
}

enum lsc_end { LSC_DONE, LSC_ADD_LOOPS, LSC_EXPORT_LOOPS };

/*
 * Whether libseccomp adds the shape's rules, and exports their filter, within 5 seconds of CPU
 * time (2.5.4 loops for ever on some rules, and in seccomp_export_bpf on some filters): CPU
 * time, not wall time, as the machine may be loaded.
 */
static enum lsc_end lsc_finishes(const struct shape *s)
{
	int status, fds[2];
	char added = 0;
	pid_t pid;

	if (pipe(fds))
		abort();
	pid = fork();
	if (pid < 0)
		abort();
	if (!pid) {
		struct itimerval limit = { .it_value = { .tv_sec = 5 } };
		scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ERRNO(DEFAULT_ERRNO));
		FILE *null = fopen("/dev/null", "w");

		close(fds[0]);
		setitimer(ITIMER_PROF, &limit, NULL);
		for (size_t i = 1; i < N_ARCHES; i++)
			seccomp_arch_add(ctx, lsc_arch(arches[i]));
		if (!lsc_add(ctx, s) || !null)
			_exit(0); /* refused: compare() tells */
		if (write(fds[1], "a", 1) != 1)
			_exit(1);
		seccomp_export_bpf(ctx, fileno(null));
		_exit(0);
	}
	close(fds[1]);
	if (read(fds[0], &added, 1) < 0)
		added = 0;
	close(fds[0]);
	if (waitpid(pid, &status, 0) == pid && WIFEXITED(status))
		return LSC_DONE;
	return added ? LSC_EXPORT_LOOPS : LSC_ADD_LOOPS;
}

/*
 * libseccomp's filter for the shape, rules in file order, for every architecture (only -1) or
 * for arches[only] alone; *refused: a rule it refused; *pfc (unless NULL): its tree's text.
 */
static struct cbpf_prog *lsc_filter(const struct shape *s, int only, bool *refused, char **pfc)
{
	FILE *ptmp = tmpfile();
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ERRNO(DEFAULT_ERRNO));
	struct cbpf_prog *prog = NULL;
	struct cbpf_insn *insns = NULL;
	FILE *tmp = tmpfile();
	off_t size;

	*refused = false;
	if (!ctx || !tmp)
		abort();
	for (size_t i = 1; i < N_ARCHES; i++)
		if ((only < 0 || (size_t)only == i) && seccomp_arch_add(ctx, lsc_arch(arches[i])))
			abort();
	if (only > 0 && seccomp_arch_remove(ctx, lsc_arch(arches[0])))
		abort();
	*refused = !lsc_add(ctx, s);
	if (!*refused) {
		if (seccomp_export_bpf(ctx, fileno(tmp)))
			abort();
		size = lseek(fileno(tmp), 0, SEEK_END);
		insns = malloc((size_t)size + 1);
		if (!insns || pread(fileno(tmp), insns, (size_t)size, 0) != size)
			abort();
		prog = cbpf_prog_new(insns, (size_t)size / sizeof(*insns));
	}
	if (!*refused && pfc) {
		if (!ptmp || seccomp_export_pfc(ctx, fileno(ptmp)))
			abort();
		size = lseek(fileno(ptmp), 0, SEEK_END);
		*pfc = calloc(1, (size_t)size + 1);
		if (!*pfc || pread(fileno(ptmp), *pfc, (size_t)size, 0) != size)
			abort();
	}
	if (ptmp)
		fclose(ptmp);
	free(insns);
	fclose(tmp);
	seccomp_release(ctx);
	return prog;
}

/* ---------------------------------------------------------------- libseccomp's own reading */

/*
 * libseccomp's tree as seccomp_export_pfc prints it, one syscall of one architecture: nested
 * "if (COND)" / "else" / "action A;" by indentation, tried in order, an if whose branch returns
 * nothing going on with the next statement. Its BPF should mean the same; where it does not
 * (its accumulator bug), this is what cbpf must give.
 */
struct pfc_stmt {
	int indent;
	bool is_if, is_else;
	unsigned arg;
	int half; /* 0 whole (32-bit), 1 hi32, 2 lo32 */
	uint32_t mask, k;
	char op[3];
	uint32_t action;
};

struct pfc {
	struct pfc_stmt *v;
	size_t n;
	uint32_t dflt;
};

static uint32_t pfc_action(const char *a)
{
	unsigned n = 0;

	if (sscanf(a, "ERRNO(%u)", &n) == 1)
		return SCMP_ACT_ERRNO(n);
	if (sscanf(a, "TRACE(%u)", &n) == 1)
		return SCMP_ACT_TRACE(n);
	if (!strncmp(a, "ALLOW", 5))
		return SCMP_ACT_ALLOW;
	if (!strncmp(a, "LOG", 3))
		return SCMP_ACT_LOG;
	if (!strncmp(a, "KILL_PROCESS", 12))
		return SCMP_ACT_KILL_PROCESS;
	if (!strncmp(a, "KILL", 4))
		return SCMP_ACT_KILL;
	abort();
}

/* The statements of syscall nr on arch (audit value) in text; false when it has none. */
static bool pfc_parse(const char *text, uint32_t audit, uint32_t nr, struct pfc *p)
{
	char want_arch[64], want_nr[64], line[256];
	FILE *f = fmemopen((void *)(uintptr_t)text, strlen(text), "r");
	bool in_arch = false, in_sys = false;

	memset(p, 0, sizeof(*p));
	snprintf(want_arch, sizeof(want_arch), "if ($arch == %u)", audit);
	snprintf(want_nr, sizeof(want_nr), "if ($syscall == %u)", nr);
	while (f && fgets(line, sizeof(line), f)) {
		int indent = (int)strspn(line, " ");
		char *t = line + indent;
		struct pfc_stmt st = { .indent = indent };
		char var[32];

		t[strcspn(t, "\n")] = 0;
		if (*t == '#')
			continue;
		if (indent == 0) {
			in_arch = !strcmp(t, want_arch);
			in_sys = false;
			continue;
		}
		if (!in_arch)
			continue;
		if (indent == 2 && !strncmp(t, "if ($syscall", 12)) {
			in_sys = !strcmp(t, want_nr);
			continue;
		}
		if (indent == 2 && !strncmp(t, "action ", 7)) {
			p->dflt = pfc_action(t + 7);
			in_sys = false;
			continue;
		}
		if (!in_sys)
			continue;
		if (!strncmp(t, "action ", 7)) {
			st.action = pfc_action(t + 7);
		} else if (!strcmp(t, "else")) {
			st.is_else = true;
		} else {
			unsigned long long k;
			unsigned m;

			st.is_if = true;
			st.mask = UINT32_MAX;
			if (sscanf(t, "if ($%31s & 0x%x %2s %llu)", var, &m, st.op, &k) == 4)
				st.mask = m;
			else if (sscanf(t, "if ($%31s %2s %llu)", var, st.op, &k) != 3)
				abort();
			st.k = (uint32_t)k;
			st.arg = (unsigned)(var[1] - '0');
			st.half = strstr(var, "hi32") ? 1 : strstr(var, "lo32") ? 2 : 0;
		}
		p->v = realloc(p->v, (p->n + 1) * sizeof(*p->v));
		if (!p->v)
			abort();
		p->v[p->n++] = st;
	}
	if (f)
		fclose(f);
	return p->n > 0;
}

/* Runs the statements from *i at indent; *i ends past them. 1 and *act when one returned. */
static int pfc_block(const struct pfc *p, size_t *i, int indent, const uint64_t *args, bool le32,
		     uint32_t *act)
{
	int got = 0;

	while (*i < p->n && p->v[*i].indent >= indent) {
		const struct pfc_stmt *st = &p->v[(*i)++];
		uint32_t w, x;
		bool c;

		if (got) { /* skip the rest of the block */
			continue;
		}
		if (!st->is_if) {
			*act = st->action;
			got = 1;
			continue;
		}
		w = st->half == 1 ? (uint32_t)(args[st->arg] >> 32) : (uint32_t)args[st->arg];
		(void)le32;
		x = w & st->mask;
		c = !strcmp(st->op, "==")  ? x == st->k
		    : !strcmp(st->op, ">") ? x > st->k
					   : x >= st->k;
		if (c) {
			got = pfc_block(p, i, st->indent + 2, args, le32, act);
			if (*i < p->n && p->v[*i].indent == st->indent && p->v[*i].is_else) {
				uint32_t dummy;

				(*i)++;
				pfc_block(p, i, st->indent + 2, args, le32, &dummy);
			}
		} else {
			uint32_t dummy;

			pfc_block(p, i, st->indent + 2, args, le32, &dummy);
			if (*i < p->n && p->v[*i].indent == st->indent && p->v[*i].is_else) {
				(*i)++;
				got = pfc_block(p, i, st->indent + 2, args, le32, act);
			}
		}
	}
	return got;
}

static uint32_t pfc_run(const struct pfc *p, const uint64_t *args)
{
	size_t i = 0;
	uint32_t act = p->dflt;

	if (p->n)
		pfc_block(p, &i, p->v[0].indent, args, true, &act);
	return act;
}

/* ---------------------------------------------------------------- argument values */

struct vals {
	uint64_t v[96];
	size_t n;
};

static void vadd(struct vals *vs, uint64_t x)
{
	for (size_t i = 0; i < vs->n; i++)
		if (vs->v[i] == x)
			return;
	if (vs->n < sizeof(vs->v) / sizeof(vs->v[0]))
		vs->v[vs->n++] = x;
}

/* Around k: k, k-1, k+1, each half alone, the other half changed. */
static void around(struct vals *vs, uint64_t k)
{
	vadd(vs, k);
	vadd(vs, k - 1);
	vadd(vs, k + 1);
	vadd(vs, k & 0xffffffffULL);
	vadd(vs, k & ~0xffffffffULL);
	vadd(vs, k ^ (1ULL << 32));
	vadd(vs, k | 0xffffffff00000000ULL);
	vadd(vs, (k & 0xffffffffULL) - 1);
	vadd(vs, (k & 0xffffffffULL) + 1);
}

static uint64_t rnd_state = 1;

static uint64_t rnd(void)
{
	uint64_t z = (rnd_state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* ---------------------------------------------------------------- what the rules mean */

static bool cond_holds(const struct cond *c, uint64_t x, bool arch32)
{
	uint64_t a = c->a, b = c->b;

	if (arch32)
		x = (uint32_t)x, a = (uint32_t)a, b = (uint32_t)b;
	switch (c->op) {
	case SCMP_CMP_NE:
		return x != a;
	case SCMP_CMP_LT:
		return x < a;
	case SCMP_CMP_LE:
		return x <= a;
	case SCMP_CMP_EQ:
		return x == a;
	case SCMP_CMP_GE:
		return x >= a;
	case SCMP_CMP_GT:
		return x > a;
	default:
		return (x & a) == (b & a);
	}
}

/* The action of sys's rules that hold, or the default; *ambiguous when two actions hold. */
static uint32_t meaning(const struct shape *s, unsigned sys, const uint64_t *args, bool arch32,
			bool *ambiguous)
{
	uint32_t act = SCMP_ACT_ERRNO(DEFAULT_ERRNO);
	bool any = false;

	*ambiguous = false;
	for (size_t i = 0; i < s->n; i++) {
		bool all = s->sys[i] == sys;

		for (size_t c = 0; c < s->r[i].n && all; c++)
			all = cond_holds(&s->r[i].c[c], args[s->r[i].c[c].arg], arch32);
		if (!all)
			continue;
		if (any && act != lsc_action(&s->r[i]))
			*ambiguous = true;
		act = lsc_action(&s->r[i]);
		any = true;
	}
	return act;
}

/* ---------------------------------------------------------------- one shape */

static size_t n_shapes, n_agree, n_eexist, n_vectors, n_fail, n_notsup, n_bpf_not_tree, n_hang,
	n_export_hang, n_rules_kept, n_diff, n_stale_warned, n_shared, n_contra_warned;
static bool verbose;

/*
 * Whether cbpf finds rules for sys with different actions that overlap on arch alone (its
 * warning).
 */
static bool overlaps(const char *json, enum cbpf_arch arch, unsigned sys)
{
	char want[64];
	struct cbpf_policy_opts opts = { .file = "one-arch.json",
					 .arches = &arch,
					 .n_arches = 1,
					 .host = arch,
					 .kernel = "6.1" };
	struct cbpf_policy *pol = NULL;
	struct cbpf_diags diags = { 0 };
	bool found = false;

	snprintf(want, sizeof(want), "rules for '%s' overlap:", sys_names[sys]);
	if (cbpf_policy_parse(json, strlen(json), &opts, &pol, &diags))
		abort();
	for (size_t i = 0; i < diags.n; i++)
		found |= strstr(diags.v[i].msg, want) != NULL;
	cbpf_policy_free(pol);
	cbpf_diags_free(&diags);
	return found;
}

/*
 * Syscall sys of the shape on arches[ai]: cbpf's filter (ours) against libseccomp's (theirs;
 * alone: with that architecture only) on argument values from vs. The inputs that differ, the
 * first printed unless failed_before says one was.
 */
static size_t compare_one(const struct shape *s, const char *name, const char *json,
			  const char *pfc_text, const struct cbpf_prog *ours,
			  const struct cbpf_prog *theirs, const struct cbpf_prog *alone, size_t ai,
			  unsigned sys, const struct vals *vs, const bool *used,
			  size_t failed_before)
{
	size_t failed = failed_before;
	struct ssim_data d = { .arch = cbpf_arch_audit(arches[ai]) };
	uint32_t nr;
	size_t total = 1, idx[6] = { 0 };
	struct pfc tree;
	bool overlap = overlaps(json, arches[ai], sys);

	if (cbpf_syscall_nr(arches[ai], sys_names[sys], &nr))
		abort();
	pfc_parse(pfc_text, d.arch, nr, &tree);
	d.nr = (int32_t)nr;
	for (unsigned a = 0; a < 6; a++)
		if (used[a])
			total *= vs[a].n;
	/* every combination when few, else as many chosen at random */
	for (size_t t = 0; t < (total < 3000 ? total : 3000); t++) {
		uint32_t got, want, tree_act;
		size_t rest = t;

		for (unsigned a = 0; a < 6; a++) {
			if (!used[a]) {
				d.args[a] = a == 5 ? rnd() : 0;
				continue;
			}
			idx[a] = total < 3000 ? rest % vs[a].n : rnd() % vs[a].n;
			rest /= vs[a].n;
			d.args[a] = vs[a].v[idx[a]];
		}
		got = ssim_run((const struct ssim_insn *)cbpf_prog_insns(ours), cbpf_prog_len(ours),
			       &d, NULL);
		want = ssim_run((const struct ssim_insn *)cbpf_prog_insns(theirs),
				cbpf_prog_len(theirs), &d, NULL);
		n_vectors++;
		tree_act = pfc_run(&tree, d.args);
		if (tree_act != want)
			n_bpf_not_tree++;
		if (got != want) {
			bool amb;
			uint32_t m = meaning(s, sys, d.args,
					     arches[ai] == CBPF_ARCH_I386 ||
						     arches[ai] == CBPF_ARCH_X32 ||
						     arches[ai] == CBPF_ARCH_ARM ||
						     arches[ai] == CBPF_ARCH_MIPSEL,
					     &amb);

			/* where the rules do not overlap on this architecture, cbpf must
			 * still give what libseccomp's filter gives: a failure, counted */
			if (!overlap && !amb && got == m)
				n_rules_kept++;
			/* libseccomp shares identical blocks between architectures and
			 * lays one out, with a load or without, where it first meets it */
			if (alone &&
			    got == ssim_run((const struct ssim_insn *)cbpf_prog_insns(alone),
					    cbpf_prog_len(alone), &d, NULL)) {
				n_shared++;
				continue;
			}
			n_diff++;
			if (failed++)
				continue;
			char g[32], w[32];

			cbpf_seccomp_action_format(got, g, sizeof(g));
			cbpf_seccomp_action_format(want, w, sizeof(w));
			printf("FAIL %s: %s %s args %#llx %#llx %#llx %#llx: cbpf %s, "
			       "libseccomp's filter %s\n%s",
			       name, cbpf_arch_name(arches[ai]), sys_names[sys],
			       (unsigned long long)d.args[0], (unsigned long long)d.args[1],
			       (unsigned long long)d.args[2], (unsigned long long)d.args[3], g, w,
			       json);
		}
	}
	free(tree.v);
	return failed - failed_before;
}

static int compare(const struct shape *s, const char *name)
{
	char *json = profile_json(s);
	struct cbpf_policy_opts opts = { .file = name, .host = CBPF_ARCH_X86_64, .kernel = "6.1" };
	struct cbpf_policy *pol = NULL;
	struct cbpf_diags diags = { 0 };
	struct cbpf_prog *ours = NULL, *theirs;
	char *pfc_text = NULL;
	bool refused;
	struct vals vs[6] = { 0 };
	bool used[6] = { 0 };
	int err, rc = 0;
	size_t failed = 0;
	unsigned syscalls = 0;
	enum lsc_end end = lsc_finishes(s);

	n_shapes++;
	if (end == LSC_EXPORT_LOOPS) {
		/* runc never loads such a profile either; nothing to compare */
		n_export_hang++;
		if (verbose)
			printf("libseccomp does not finish exporting: %s\n%s", name, json);
		theirs = NULL;
		goto out;
	}
	if (end == LSC_ADD_LOOPS) {
		/* runc never loads such a profile: cbpf must refuse it, and not hang */
		err = cbpf_policy_parse(json, strlen(json), &opts, &pol, &diags);
		if (err) {
			n_hang++;
			if (verbose)
				printf("libseccomp does not finish: %s\n%s", name, json);
		} else {
			printf("FAIL %s: libseccomp does not finish, cbpf compiles it\n%s", name,
			       json);
			n_fail++;
			rc = 1;
		}
		theirs = NULL;
		goto out;
	}
	theirs = lsc_filter(s, -1, &refused, &pfc_text);
	err = cbpf_policy_parse(json, strlen(json), &opts, &pol, &diags);
	if (!err)
		err = cbpf_policy_gen(pol, NULL, &ours, &diags);
	if (refused || err) {
		bool eexist = false, notsup = false;

		for (size_t i = 0; i < diags.n; i++) {
			eexist |= strstr(diags.v[i].msg, "(EEXIST)") != NULL;
			notsup |= strstr(diags.v[i].msg, "cannot reproduce") != NULL;
		}
		if (refused && err && eexist) {
			n_eexist++;
		} else if (!refused && err && notsup) {
			n_notsup++;
			if (verbose)
				printf("not reproduced: %s\n%s", name, json);
		} else {
			printf("FAIL %s: libseccomp %s, cbpf %s\n%s", name,
			       refused ? "refuses a rule" : "takes every rule",
			       err ? "refuses the profile" : "compiles it", json);
			cbpf_diags_print(stdout, &diags, json, strlen(json), NULL);
			n_fail++;
			rc = 1;
		}
		goto out;
	}
	for (size_t i = 0; i < diags.n; i++)
		if (strstr(diags.v[i].msg, "runc's filter does not do what the profile says")) {
			n_contra_warned++;
			if (verbose)
				printf("warned of a contradiction: %s\n%s", name, json);
			break;
		}
	for (size_t i = 0; i < diags.n; i++)
		if (strstr(diags.v[i].msg, "libseccomp 2.5.4's filter compares")) {
			n_stale_warned++;
			if (verbose)
				printf("warned of the accumulator: %s\n%s", name, json);
			break;
		}
	for (size_t i = 0; i < s->n; i++)
		syscalls |= 1U << s->sys[i];
	for (size_t i = 0; i < s->n; i++)
		for (size_t c = 0; c < s->r[i].n; c++) {
			const struct cond *k = &s->r[i].c[c];

			used[k->arg] = true;
			around(&vs[k->arg], k->op == SCMP_CMP_MASKED_EQ ? k->b & k->a : k->a);
			if (k->op == SCMP_CMP_MASKED_EQ) {
				around(&vs[k->arg], k->a);
				around(&vs[k->arg], ~k->a & ~k->b);
				vadd(&vs[k->arg], k->b);
			}
		}
	for (unsigned a = 0; a < 6; a++) {
		vadd(&vs[a], 0);
		vadd(&vs[a], UINT64_MAX);
	}
	for (size_t ai = 0; ai < N_ARCHES; ai++) {
		bool alone_refused;
		/* the same rules with this architecture alone: no block shared with another's */
		struct cbpf_prog *alone = lsc_filter(s, (int)ai, &alone_refused, NULL);

		for (unsigned sys = 0; sys < N_SYS; sys++)
			if (syscalls & (1U << sys))
				failed += compare_one(s, name, json, pfc_text, ours, theirs, alone,
						      ai, sys, vs, used, failed);
		cbpf_prog_free(alone);
	}
	if (failed) {
		n_fail++;
		rc = 1;
	} else {
		n_agree++;
	}
out:
	cbpf_prog_free(ours);
	cbpf_prog_free(theirs);
	cbpf_policy_free(pol);
	cbpf_diags_free(&diags);
	free(json);
	free(pfc_text);
	return rc;
}

/* ---------------------------------------------------------------- the shapes */

#define C(arg, op, a)                                                                              \
	{                                                                                          \
		arg, SCMP_CMP_##op, a, 0                                                           \
	}
#define M(arg, mask, v)                                                                            \
	{                                                                                          \
		arg, SCMP_CMP_MASKED_EQ, mask, v                                                   \
	}
#define ERRNO(e) "SCMP_ACT_ERRNO", e
#define TRACE(e) "SCMP_ACT_TRACE", e
#define LOG	 "SCMP_ACT_LOG", 0
#define ALLOW	 "SCMP_ACT_ALLOW", 0
#define KILL	 "SCMP_ACT_KILL_PROCESS", 0

static const struct listed listed[] = {
	/* different arguments: the higher argument's test comes first, in either order */
	{ { { ALLOW, { C(0, EQ, 1) }, 1 }, { LOG, { C(1, EQ, 2) }, 1 } }, 2 },
	{ { { LOG, { C(1, EQ, 2) }, 1 }, { ALLOW, { C(0, EQ, 1) }, 1 } }, 2 },
	{ { { ERRNO(1), { C(0, EQ, 1) }, 1 }, { TRACE(5), { C(2, NE, 7) }, 1 } }, 2 },
	/* one argument, different operators */
	{ { { ERRNO(1), { C(0, GE, 0x100000000ULL) }, 1 }, { TRACE(3), { C(0, LE, 3) }, 1 } }, 2 },
	{ { { ALLOW, { C(0, GT, 5) }, 1 }, { LOG, { C(0, LT, 10) }, 1 } }, 2 },
	{ { { ALLOW, { C(0, LT, 10) }, 1 }, { LOG, { C(0, GT, 5) }, 1 } }, 2 },
	{ { { ALLOW, { C(0, GE, 5) }, 1 }, { KILL, { C(0, LE, 10) }, 1 } }, 2 },
	{ { { ALLOW, { C(0, NE, 5) }, 1 }, { ERRNO(2), { C(0, EQ, 6) }, 1 } }, 2 },
	{ { { ALLOW, { C(0, EQ, 6) }, 1 }, { ERRNO(2), { C(0, NE, 5) }, 1 } }, 2 },
	{ { { ALLOW, { C(0, GT, 0x100000005ULL) }, 1 }, { LOG, { C(0, GT, 5) }, 1 } }, 2 },
	{ { { ALLOW, { C(0, GT, 5) }, 1 }, { LOG, { C(0, GT, 0x100000005ULL) }, 1 } }, 2 },
	{ { { ALLOW, { C(0, LT, 0x100000005ULL) }, 1 }, { LOG, { C(0, LT, 5) }, 1 } }, 2 },
	{ { { ALLOW, { C(0, LE, 5) }, 1 }, { LOG, { C(0, LE, 0x100000005ULL) }, 1 } }, 2 },
	{ { { ALLOW, { C(0, GE, 0x200000000ULL) }, 1 },
	    { ERRNO(9), { C(0, GT, 0x1ffffffffULL) }, 1 } },
	  2 },
	/* masked compares */
	{ { { ALLOW, { M(0, 0xff, 0x12) }, 1 }, { LOG, { M(0, 0xf0, 0x10) }, 1 } }, 2 },
	{ { { ALLOW, { M(0, 0xffffffff00000000ULL, 0x100000000ULL) }, 1 },
	    { ERRNO(3), { C(0, EQ, 0x100000001ULL) }, 1 } },
	  2 },
	{ { { ALLOW, { M(1, 0x8, 0x8) }, 1 }, { TRACE(1), { C(1, EQ, 0x1f) }, 1 } }, 2 },
	/* three rules and more */
	{ { { ALLOW, { C(0, EQ, 1) }, 1 },
	    { LOG, { C(1, EQ, 2) }, 1 },
	    { ERRNO(4), { C(2, EQ, 3) }, 1 } },
	  3 },
	{ { { ERRNO(4), { C(0, GE, 10) }, 1 },
	    { LOG, { C(0, GE, 20) }, 1 },
	    { ALLOW, { C(0, GE, 30) }, 1 } },
	  3 },
	{ { { ALLOW, { C(0, LE, 10) }, 1 },
	    { LOG, { C(0, EQ, 5) }, 1 },
	    { TRACE(2), { C(1, NE, 0) }, 1 },
	    { KILL, { C(0, GT, 7) }, 1 } },
	  4 },
	/* several conditions per rule */
	{ { { ALLOW, { C(0, EQ, 1), C(1, EQ, 2) }, 2 }, { LOG, { C(1, EQ, 2), C(2, EQ, 3) }, 2 } },
	  2 },
	{ { { ALLOW, { C(0, EQ, 1), C(1, GT, 2) }, 2 }, { ERRNO(7), { C(0, NE, 2) }, 1 } }, 2 },
	{ { { LOG, { C(0, LT, 100), C(2, MASKED_EQ, 0) }, 2 },
	    { ALLOW, { C(0, GE, 50), C(1, EQ, 1) }, 2 } },
	  2 },
	/* libseccomp's BPF compares another word than its tree: the low word where the second
	 * rule's high word is meant; a masked word's order; a low word's order alone */
	{ { { TRACE(3), { C(0, LE, 0x100000003ULL) }, 1 }, { ERRNO(1), { C(0, GT, 5) }, 1 } }, 2 },
	{ { { KILL, { C(0, GT, UINT64_MAX), C(2, NE, 2) }, 2 },
	    { KILL, { C(0, LT, 256), M(2, 255, 0) }, 2 },
	    { ERRNO(2), { C(2, EQ, 256) }, 1 },
	    { KILL, { C(0, NE, 256) }, 1 } },
	  4 },
	{ { { ERRNO(1), { C(0, NE, 0) }, 1 },
	    { ERRNO(3), { C(0, LE, 5), C(1, LT, 0xffffffffULL) }, 2 },
	    { KILL, { C(2, NE, 1), C(1, LT, 1), C(0, GT, UINT64_MAX) }, 3 },
	    { ERRNO(1), { C(1, GT, 2) }, 1 } },
	  4 },
	/* same conditions: libseccomp refuses the second (EEXIST), and runc the profile */
	{ { { ALLOW, { C(0, EQ, 1) }, 1 }, { LOG, { C(0, EQ, 1) }, 1 } }, 2 },
};

/*
 * Rules that do not overlap, which libseccomp's filter still contradicts, tried after the random
 * shapes (so that they leave the shapes a seed gives as they were): a node reached by falling
 * through another argument's test compares that argument's word; a 64-bit '>'.
 */
static const struct listed listed_apart[] = {
	/* libseccomp 2.5.4 gets this one right: the node after the sub-level loads its word */
	{ { { ALLOW, { C(0, EQ, 1), C(1, EQ, 2) }, 2 }, { ALLOW, { C(0, EQ, 3) }, 1 } }, 2 },
	/* a 64-bit '>': the '<' rule's low word test is reached with the high word's result */
	{ { { ALLOW, { C(0, GT, 0x100000005ULL) }, 1 }, { LOG, { C(0, LT, 5) }, 1 } }, 2 },
	{ { { ERRNO(3), { C(1, GE, 0x100000000ULL) }, 1 }, { ERRNO(2), { C(1, LT, 2) }, 1 } }, 2 },
	/* the same action: a '<' on the low word, reached with the '<=' one's word in A */
	{ { { ERRNO(1), { C(1, LT, 5), M(2, 0x7fffffff, 2) }, 2 },
	    { ERRNO(1), { C(1, LE, 0x100000002ULL) }, 1 } },
	  2 },
	/* another argument's word: on i386 arg2's test falls through to arg0's */
	{ { { ERRNO(1), { C(0, LT, 2) }, 1 },
	    { ERRNO(1), { C(2, NE, 0x300000001ULL), C(1, NE, 1), C(0, NE, 0xffffffffULL) }, 3 } },
	  2 },
	{ { { KILL, { C(1, EQ, 1), M(2, 0x300000001ULL, 256) }, 2 },
	    { ERRNO(2), { C(1, NE, 0xffffffffULL), C(2, LT, 0x100000000ULL) }, 2 } },
	  2 },
};

static enum scmp_compare rnd_op(void)
{
	static const enum scmp_compare ops[] = { SCMP_CMP_EQ,	    SCMP_CMP_NE, SCMP_CMP_LT,
						 SCMP_CMP_LE,	    SCMP_CMP_GT, SCMP_CMP_GE,
						 SCMP_CMP_MASKED_EQ };

	return ops[rnd() % 7];
}

static uint64_t rnd_value(void)
{
	static const uint64_t pool[] = { 0,
					 1,
					 2,
					 3,
					 5,
					 0xff,
					 0x100,
					 0x7fffffff,
					 0xffffffff,
					 1ULL << 32,
					 (1ULL << 32) + 2,
					 0x300000001ULL,
					 UINT64_MAX };

	return pool[rnd() % (sizeof(pool) / sizeof(pool[0]))];
}

static void rnd_shape(struct shape *s)
{
	static const struct {
		const char *act;
		unsigned ret;
	} acts[] = { { ERRNO(1) }, { ERRNO(2) }, { TRACE(4) }, { LOG }, { ALLOW }, { KILL } };

	memset(s, 0, sizeof(*s));
	s->n = 2 + rnd() % 3;
	for (size_t i = 0; i < s->n; i++) {
		struct rule *r = &s->r[i];
		unsigned args = 0;

		r->act = acts[rnd() % 6].act;
		r->ret = acts[rnd() % 6].ret;
		if (!strcmp(r->act, "SCMP_ACT_ERRNO") || !strcmp(r->act, "SCMP_ACT_TRACE"))
			r->ret = 1 + (unsigned)(rnd() % 3);
		else
			r->ret = 0;
		r->n = 1 + rnd() % 3;
		for (size_t c = 0; c < r->n; c++) {
			struct cond *k = &r->c[c];

			do
				k->arg = (unsigned)(rnd() % 3);
			while (args & (1U << k->arg));
			args |= 1U << k->arg;
			k->op = rnd_op();
			k->a = rnd_value();
			k->b = k->op == SCMP_CMP_MASKED_EQ ? rnd_value() : 0;
		}
	}
}

/*
 * Rules for read, then some of them again for close (and write): the first rules copied, some
 * with another action or another value in their last condition. Such trees begin alike, and
 * libseccomp's hash table shares their identical blocks: one syscall's tree then decides
 * whether a block that another's shares loads its word. Tried after the shapes above, so that
 * a seed gives those as it did.
 */
static void rnd_shape_multi(struct shape *s)
{
	static const struct {
		const char *act;
		unsigned ret;
	} acts[] = { { ERRNO(1) }, { ERRNO(2) }, { TRACE(4) }, { LOG }, { ALLOW }, { KILL } };
	struct shape base;
	unsigned others;

	rnd_shape(&base);
	*s = base;
	others = 1 + (unsigned)(rnd() % 2);
	for (unsigned o = 1; o <= others; o++) {
		size_t k = 1 + rnd() % base.n;

		for (size_t i = 0; i < k && s->n < MAX_RULES; i++) {
			struct rule r = base.r[i];

			if (rnd() % 3 == 0) {
				size_t a = rnd() % 6;

				r.act = acts[a].act, r.ret = acts[a].ret;
			}
			if (rnd() % 4 == 0)
				r.c[r.n - 1].a = rnd_value();
			s->sys[s->n] = o;
			s->r[s->n++] = r;
		}
	}
}

/* The n listed profiles v, each compared as PREFIX-I.json. */
static int compare_listed(const struct listed *v, size_t n, const char *prefix)
{
	int rc = 0;

	for (size_t i = 0; i < n; i++) {
		struct shape s = from_listed(&v[i]);
		char name[48];

		snprintf(name, sizeof(name), "%s-%zu.json", prefix, i);
		rc |= compare(&s, name);
	}
	return rc;
}

/* n random profiles of make's shape, each compared as PREFIX-I.json. */
static int compare_random(void (*make)(struct shape *), unsigned long n, const char *prefix)
{
	int rc = 0;

	for (unsigned long i = 0; i < n; i++) {
		struct shape s;
		char name[48];

		make(&s);
		snprintf(name, sizeof(name), "%s-%lu.json", prefix, i);
		rc |= compare(&s, name);
	}
	return rc;
}

int main(int argc, char **argv)
{
	unsigned long random = 300;
	int o, rc = 0;

	while ((o = getopt(argc, argv, "n:s:v")) != -1) {
		if (o == 'n')
			random = strtoul(optarg, NULL, 0);
		else if (o == 's')
			rnd_state = strtoull(optarg, NULL, 0);
		else if (o == 'v')
			verbose = true;
		else {
			fprintf(stderr, "usage: policy-overlap [-n RANDOM] [-s SEED] [-v]\n");
			return 2;
		}
	}
	/* In this order: a seed makes the same random profiles as before the later shapes. */
	rc |= compare_listed(listed, sizeof(listed) / sizeof(listed[0]), "listed");
	rc |= compare_random(rnd_shape, random, "random");
	rc |= compare_listed(listed_apart, sizeof(listed_apart) / sizeof(listed_apart[0]),
			     "listed-apart");
	rc |= compare_random(rnd_shape_multi, random, "random-multi");
	printf("%zu overlapping profiles: %zu agree with libseccomp's filter on %zu inputs, %zu "
	       "inputs differ (libseccomp's BPF departs from its own tree on %zu of them, and cbpf "
	       "warns of that on %zu profiles; on an architecture where the rules do not overlap "
	       "cbpf gives what they mean, and libseccomp's filter not, on %zu, and it warns that "
	       "libseccomp's filter contradicts such rules on %zu profiles; cbpf gives what libseccomp "
	       "gives with that architecture alone, and not with the others, which share blocks, "
	       "on %zu), %zu refused by both (EEXIST), %zu refused by cbpf where libseccomp never "
	       "finishes, %zu not compared (libseccomp never finishes exporting its filter), %zu "
	       "refused by cbpf only (not reproduced), %zu failures\n",
	       n_shapes, n_agree, n_vectors, n_diff, n_bpf_not_tree, n_stale_warned, n_rules_kept,
	       n_contra_warned, n_shared, n_eexist, n_hang, n_export_hang, n_notsup, n_fail);
	return rc || n_fail;
}
