// SPDX-License-Identifier: MIT
/*
 * Test tool: cbpf's filter for a real policy against the filters its own compilers made (the
 * corpus's peer-filters: minijail's Python compiler, minijail's C runtime, libseccomp), for
 * every syscall number of every architecture either filter checks, beyond the tables, x32
 * numbers, foreign architectures, and argument values around every constant either filter
 * compares. Every filter runs through tests/tools/seccomp-sim.h, the tests' own evaluator, and
 * through libcbpf's interpreter: the two must return the same for every input, on cbpf's
 * filters and on the shapes only peers make (scratch memory, chains of ja).
 * A difference from a peer passes only when it is one of the documented ones below, each
 * counted by name; any other fails, with examples.
 * Usage: policy-corpus --cbpf RAW [--policy FILE --arch LIST] KIND:PEER.raw...
 *        (KIND: py, c or lsc; --policy names the minijail text cbpf compiled, for its rules)
 * Prints one line per peer: "agree", "known" (documented differences only) or "FAIL".
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cbpf.h"
#include "policy-libseccomp.h"
#include "policy-model.h"
#include "policy-sim.h"
#include "policy-util.h"
#include "seccomp-sim.h"

/* include/uapi/linux/audit.h: AUDIT_ARCH_* of architectures a filter may meet, most of them
 * foreign to the corpus's filters; 0 and ~0 as no architecture at all. */
static const uint32_t other_arches[] = {
	0xc000003e, /* x86_64 */
	0x40000003, /* i386 */
	0xc00000b7, /* aarch64 */
	0x40000028, /* arm */
	0xc00000f3, /* riscv64 */
	0xc0000015, /* ppc64le */
	0x80000015, /* ppc64 */
	0x80000016, /* s390x */
	0xc0000102, /* loongarch64 */
	0x00000008, /* mips */
	0x40000008, /* mipsel */
	0x80000008, /* mips64 */
	0xc0000008, /* mips64el */
	0xa0000008, /* mipsn32 */
	0xe0000008, /* mipsn32el */
	0x00000014, /* ppc */
	0x00000016, /* s390 */
	0x00000000, 0xffffffff,
};
#define AUDIT_ARCH_64BIT 0x80000000U /* __AUDIT_ARCH_64BIT: seccomp_data.args are 64 bits */

enum kind { PY, C, LSC };
static const char *const kind_names[] = { "py", "c", "lsc" };

/* The documented differences, each counted by name. */
enum known {
	K_BADARCH,
	K_X32,
	K_RETURN,
	K_SOCKETCALL,
	K_LSC_UNKNOWN,
	K_N,
};
static const struct {
	const char *name, *why;
} known_diffs[K_N] = {
	[K_BADARCH] = { "bad-arch",
			"a foreign architecture: minijail's compiler (--use-kill-process) kills the "
			"process, cbpf gives its bad-arch action, kill-thread (libseccomp's and "
			"runc's); issue 13: --bad-arch" },
	[K_X32] = { "x32",
		    "a number from 0x40000000 up under x86_64's AUDIT_ARCH but -1: minijail has no "
		    "notion of x32, its x86_64 table gives such a number its default action; cbpf "
		    "reads it as x32's, as libseccomp splits them, and x32 is foreign to the filter "
		    "(bad-arch action, kill-thread)" },
	[K_RETURN] = { "expr;return",
		       "'expr; return E': minijail's Python compiler reads 'if expr then E, else the "
		       "default', its C runtime and cbpf 'if expr then allow, else E'" },
	[K_SOCKETCALL] = { "socketcall",
			   "i386's socketcall(2) and ipc(2): libseccomp adds a socket or IPC "
			   "call's rule there too, keyed on arg0 alone; cbpf filters the direct "
			   "syscall the rule names and gives socketcall and ipc the default "
			   "(docs/policy.md)" },
	[K_LSC_UNKNOWN] = { "lsc-unknown",
			    "a syscall that libseccomp 2.5.4 does not know on that architecture "
			    "(this machine's 2.5.4 resolver says so, e.g. x32's map_shadow_stack): "
			    "runc leaves its rule out and it gets the default; cbpf's tables know "
			    "it" },
};

struct filter {
	const char *path;
	enum kind kind;
	struct ssim_insn *insns;
	size_t len;
	uint8_t *taken; /* per conditional jump, the directions some input took */
	/* per peer: what it gave */
	size_t inputs, agree, known[K_N], differ;
	char examples[3][256];
};

#define MAX_FILTERS 8
#define MAX_INPUTS  4096 /* inputs explored per (architecture, number): past it, counted */
#define TRACE_CAP   4096

struct input_set {
	struct ssim_data *v;
	size_t n, cap;
	uint64_t *hash; /* open addressing, 0 empty */
	size_t hcap;
	size_t *slots; /* the slots in use, cleared one by one: a set holds few inputs mostly */
};

static uint64_t data_hash(const struct ssim_data *d)
{
	uint64_t h = 1469598103934665603ULL;
	const uint64_t w[] = { d->ip,	   d->args[0], d->args[1], d->args[2],
			       d->args[3], d->args[4], d->args[5] };

	for (size_t i = 0; i < sizeof(w) / sizeof(w[0]); i++)
		h = (h ^ w[i]) * 1099511628211ULL, h ^= h >> 29;
	return h | 1;
}

static void set_clear(struct input_set *s)
{
	for (size_t i = 0; i < s->n; i++)
		s->hash[s->slots[i]] = 0;
	s->n = 0;
}

/* Adds d unless it is there (by hash: a collision loses one input, never adds a wrong one). */
static bool set_add(struct input_set *s, const struct ssim_data *d)
{
	uint64_t h = data_hash(d);
	size_t i;

	if (!s->hash) {
		s->hcap = 4 * MAX_INPUTS * 4;
		s->hash = calloc(s->hcap, sizeof(*s->hash));
		s->cap = MAX_INPUTS;
		s->v = calloc(s->cap, sizeof(*s->v));
		s->slots = calloc(s->cap, sizeof(*s->slots));
		if (!s->hash || !s->v || !s->slots) {
			fprintf(stderr, "policy-corpus: out of memory\n");
			exit(2);
		}
	}
	for (i = h % s->hcap; s->hash[i]; i = (i + 1) % s->hcap)
		if (s->hash[i] == h)
			return false;
	if (s->n == s->cap)
		return false;
	s->hash[i] = h;
	s->slots[s->n] = i;
	s->v[s->n++] = *d;
	return true;
}

static int load_raw(struct filter *f)
{
	FILE *fp = fopen(f->path, "rb");
	long size;

	if (!fp || fseek(fp, 0, SEEK_END) || (size = ftell(fp)) < 0 || fseek(fp, 0, SEEK_SET)) {
		fprintf(stderr, "policy-corpus: %s: %s\n", f->path, strerror(errno));
		if (fp)
			fclose(fp);
		return -1;
	}
	if (size % 8 || size == 0) {
		fprintf(stderr, "policy-corpus: %s: %ld bytes, not a sock_filter array\n", f->path,
			size);
		fclose(fp);
		return -1;
	}
	f->len = (size_t)size / 8;
	f->insns = calloc(f->len, sizeof(*f->insns));
	for (size_t i = 0; f->insns && i < f->len; i++) {
		unsigned char b[8];

		if (fread(b, 1, 8, fp) != 8)
			break;
		memcpy(&f->insns[i].code, b, 2);
		f->insns[i].jt = b[2];
		f->insns[i].jf = b[3];
		memcpy(&f->insns[i].k, b + 4, 4);
	}
	fclose(fp);
	return f->insns ? 0 : -1;
}

static const char *action_str(uint32_t ret, char *buf, size_t len)
{
	uint32_t data = ret & SSIM_RET_DATA;

	switch (ret & SSIM_RET_ACTION_FULL) {
	case SSIM_RET_KILL_PROCESS:
		return "kill_process";
	case SSIM_RET_KILL_THREAD:
		return "kill_thread";
	case SSIM_RET_ALLOW:
		return "allow";
	case SSIM_RET_LOG:
		return "log";
	case SSIM_RET_ERRNO:
		snprintf(buf, len, "errno(%u)", data);
		return buf;
	case SSIM_RET_TRAP:
		snprintf(buf, len, "trap(%u)", data);
		return buf;
	case SSIM_RET_TRACE:
		snprintf(buf, len, "trace(%u)", data);
		return buf;
	case SSIM_RET_USER_NOTIF:
		return "user_notif";
	}
	snprintf(buf, len, "0x%08x", ret);
	return buf;
}

/* The cbpf architecture whose AUDIT_ARCH is audit (x86_64 for its x32 numbers too). */
static enum cbpf_arch arch_of(uint32_t audit, uint32_t nr)
{
	for (int a = 1; a <= CBPF_ARCH_COUNT; a++)
		if (a != CBPF_ARCH_X32 && cbpf_arch_audit((enum cbpf_arch)a) == audit) {
			if (a == CBPF_ARCH_X86_64 && (nr & CBPF_X32_SYSCALL_BIT) &&
			    nr != UINT32_MAX)
				return CBPF_ARCH_X32;
			return (enum cbpf_arch)a;
		}
	return CBPF_ARCH_NONE;
}

/* The largest number cbpf's table has on arch (x32: without the bit), or 1023 for none. */
static uint32_t max_nr(enum cbpf_arch a)
{
	uint32_t max = 0, nr;

	if (a == CBPF_ARCH_NONE)
		return 1023;
	for (size_t i = 0; i < cbpf_syscall_count(); i++)
		if (!cbpf_syscall_nr(a, cbpf_syscall_at(i), &nr)) {
			nr &= ~(a == CBPF_ARCH_X32 ? CBPF_X32_SYSCALL_BIT : 0);
			if (nr > max && nr < 0x100000)
				max = nr;
		}
	return max;
}

struct ctx {
	struct filter f[MAX_FILTERS];
	int nf; /* f[0] is cbpf's */
	struct sim vm[MAX_FILTERS];
	struct cbpf_prog *prog[MAX_FILTERS];
	struct cbpf_policy *pol; /* minijail text, for its 'expr; return E' rules */
	struct ssim_trace tr;
	struct input_set set;
	bool little;
	size_t truncated, vm_mismatch, inputs;
	char vm_example[256];
	/* the architectures (AUDIT_ARCH) each filter compares with */
	uint32_t arches[MAX_FILTERS][32];
	int n_arches[MAX_FILTERS];
	uint32_t nr_consts[4096];
	size_t n_nr_consts;
};

static bool filter_has_arch(const struct ctx *c, int fi, uint32_t audit)
{
	for (int i = 0; i < c->n_arches[fi]; i++)
		if (c->arches[fi][i] == audit)
			return true;
	return false;
}

/* What peer fi gives a number no rule names on data's architecture: its default there. */
static uint32_t peer_default(const struct ctx *c, int fi, const struct ssim_data *d)
{
	struct ssim_data u = *d;

	u.nr = 0x3ffffff0; /* beyond every table, below the x32 bit */
	memset(u.args, 0, sizeof(u.args));
	return ssim_meaning(ssim_run(c->f[fi].insns, c->f[fi].len, &u, NULL));
}

/* For a minijail text policy: the action of the 'return E' rule on data's syscall, if any. */
static bool fallback_action(const struct ctx *c, const struct ssim_data *d, uint32_t *act)
{
	const struct cbpf_policy_rule *rules;
	enum cbpf_arch a = arch_of(d->arch, (uint32_t)d->nr);
	size_t n;

	if (!c->pol || a == CBPF_ARCH_NONE || !model_has(c->pol, a))
		return false;
	n = cbpf_policy_rules(c->pol, &rules);
	for (size_t i = 0; i < n; i++)
		if (rules[i].fallback && model_applies(&rules[i], a, (uint32_t)d->nr)) {
			*act = ssim_meaning(rules[i].action);
			return true;
		}
	return false;
}

static uint32_t i386_nr(const char *name)
{
	uint32_t nr;

	return cbpf_syscall_nr(CBPF_ARCH_I386, name, &nr) ? UINT32_MAX - 1 : nr;
}

/* Whether libseccomp 2.5.4 lacks data's syscall on its architecture: asked of this machine's
 * libseccomp when it is that version, else never (the difference then fails, as unexplained). */
static bool lsc254_unknown(const struct ssim_data *d)
{
	const struct scmp_version *v = seccomp_version();
	enum cbpf_arch a = arch_of(d->arch, (uint32_t)d->nr);
	const char *name = a ? cbpf_syscall_name(a, (uint32_t)d->nr) : NULL;

	if (!name || !v || v->major != 2 || v->minor != 5 || v->micro != 4)
		return false;
	/* __NR_SCMP_ERROR, or a negative pseudo-number for a call its table lacks there */
	return seccomp_syscall_resolve_name_arch(lsc_arch(a), name) < 0;
}

/* Which documented difference explains peer fi giving p where cbpf gives cb, or K_N. */
static enum known classify(const struct ctx *c, int fi, const struct ssim_data *d, uint32_t p,
			   uint32_t cb)
{
	enum kind k = c->f[fi].kind;
	uint32_t nr = (uint32_t)d->nr, e;

	if (k == PY && !filter_has_arch(c, 0, d->arch) && p == SSIM_RET_KILL_PROCESS &&
	    cb == SSIM_RET_KILL_THREAD)
		return K_BADARCH;
	if ((k == PY || k == C) && d->arch == CBPF_AUDIT_ARCH_X86_64 &&
	    nr >= CBPF_X32_SYSCALL_BIT && nr != UINT32_MAX && cb == SSIM_RET_KILL_THREAD &&
	    p == peer_default(c, fi, d))
		return K_X32;
	if (k == PY && fallback_action(c, d, &e) &&
	    ((cb == SSIM_RET_ALLOW && p == e) || (cb == e && p == peer_default(c, fi, d))))
		return K_RETURN;
	if (k == LSC && d->arch == CBPF_AUDIT_ARCH_I386 && cb == peer_default(c, fi, d) &&
	    (nr == i386_nr("socketcall") || nr == i386_nr("ipc")))
		return K_SOCKETCALL;
	if (k == LSC && strstr(c->f[fi].path, "lsc254") && filter_has_arch(c, 0, d->arch) &&
	    p == peer_default(c, fi, d) && lsc254_unknown(d))
		return K_LSC_UNKNOWN;
	return K_N;
}

static void describe(const struct ssim_data *d, uint32_t p, uint32_t cb, char *out, size_t len)
{
	enum cbpf_arch a = arch_of(d->arch, (uint32_t)d->nr);
	const char *name = a ? cbpf_syscall_name(a, (uint32_t)d->nr) : NULL;
	char b1[32], b2[32];
	int n;

	n = snprintf(out, len, "arch 0x%08x nr %u (%s)", d->arch, (uint32_t)d->nr,
		     name ? name : "-");
	for (int i = 0; i < 6 && n > 0 && (size_t)n < len; i++)
		if (d->args[i])
			n += snprintf(out + n, len - (size_t)n, " arg%d=0x%llx", i,
				      (unsigned long long)d->args[i]);
	if (n > 0 && (size_t)n < len)
		snprintf(out + n, len - (size_t)n, ": peer %s, cbpf %s",
			 action_str(p, b1, sizeof(b1)), action_str(cb, b2, sizeof(b2)));
}

/* Values of a word around a comparison: k, k-1, k+1 through the mask, and bits set or clear. */
static int candidates(const struct ssim_cmp *cmp, uint32_t cur, uint32_t *out)
{
	uint32_t m = cmp->mask, k = cmp->k, t = (cur & ~m) | (k & m), low = m & -m;
	int n = 0;

	if (cmp->op == SSIM_JSET) {
		out[n++] = cur | (k & m);
		out[n++] = cur & ~(k & m);
		out[n++] = (cur & ~(k & m)) | ((k & m) & -(k & m)); /* its lowest bit alone */
		out[n++] = k;
		return n;
	}
	out[n++] = t;
	out[n++] = m == 0xffffffffU ? t + 1 : t ^ low;
	out[n++] = m == 0xffffffffU ? t - 1 : (cur & ~m) | ((k - low) & m);
	if (m != 0xffffffffU)
		out[n++] = k, out[n++] = k + 1, out[n++] = k - 1;
	return n;
}

/* Runs every filter over d, tallies, and queues the inputs its comparisons suggest. */
static void one_input(struct ctx *c, const struct ssim_data *d, bool explore, bool arch32)
{
	uint32_t mean_ours = 0;
	struct sim_data sd;

	c->inputs++;
	memcpy(&sd, d, sizeof(sd));
	for (int fi = 0; fi < c->nf; fi++) {
		struct filter *f = &c->f[fi];
		uint32_t r, m, vm;

		c->tr.taken = f->taken;
		r = ssim_run(f->insns, f->len, d, &c->tr), m = ssim_meaning(r);
		vm = sim_run(&c->vm[fi], &sd, NULL);

		/* the two evaluators, on every filter: cbpf's and the shapes only peers make */
		if (vm != r && c->vm_mismatch++ == 0) {
			char b[32];

			describe(d, r, r, c->vm_example, sizeof(c->vm_example));
			snprintf(c->vm_example + strlen(c->vm_example),
				 sizeof(c->vm_example) - strlen(c->vm_example),
				 "; %s: libcbpf's interpreter %s", f->path,
				 action_str(vm, b, sizeof(b)));
		}
		if (fi == 0) {
			mean_ours = m;
		} else {
			f->inputs++;
			if (m == mean_ours) {
				f->agree++;
			} else {
				enum known k = classify(c, fi, d, m, mean_ours);

				if (k < K_N) {
					f->known[k]++;
				} else if (f->differ++ < 3) {
					describe(d, m, mean_ours, f->examples[f->differ - 1],
						 sizeof(f->examples[0]));
				}
			}
		}
		if (!explore)
			continue;
		for (size_t i = 0; i < c->tr.n && i < c->tr.cap; i++) {
			const struct ssim_cmp *cmp = &c->tr.cmps[i];
			uint32_t cand[8], cur;
			int nc;

			if (cmp->word < 8) /* nr and arch are enumerated, not explored */
				continue;
			/* a 32-bit task's arguments are zero-extended: no high word to vary */
			if (arch32 && ((cmp->word - 8) % 8 == (c->little ? 4 : 0)))
				continue;
			cur = ssim_word(d, (unsigned)cmp->word);
			nc = candidates(cmp, cur, cand);
			for (int j = 0; j < nc; j++) {
				struct ssim_data e = *d;

				ssim_set_word(&e, (unsigned)cmp->word, cand[j]);
				if (!set_add(&c->set, &e) && c->set.n == c->set.cap)
					c->truncated++;
			}
		}
	}
}

/* Every input for one (architecture, number): from all-zero arguments, what comparisons
 * suggest, until none is new. */
static void explore(struct ctx *c, uint32_t audit, uint32_t nr)
{
	struct ssim_data d = { .nr = (int32_t)nr, .arch = audit };
	bool arch32 = !(audit & AUDIT_ARCH_64BIT);

	set_clear(&c->set);
	set_add(&c->set, &d);
	for (size_t i = 0; i < c->set.n; i++) {
		d = c->set.v[i];
		one_input(c, &d, true, arch32);
		/* the numbers comparisons name, for the pass beyond the tables */
		for (size_t t = 0; t < c->tr.n && t < c->tr.cap; t++)
			if (c->tr.cmps[t].word == 0 && c->n_nr_consts < 4096) {
				uint32_t k = c->tr.cmps[t].k;
				size_t j;

				for (j = 0; j < c->n_nr_consts && c->nr_consts[j] != k; j++)
					;
				if (j == c->n_nr_consts)
					c->nr_consts[c->n_nr_consts++] = k;
			}
	}
}

/* The architectures filter fi compares seccomp_data.arch with, from a run over arch 0. */
static void find_arches(struct ctx *c, int fi)
{
	struct ssim_data d = { 0 };

	/* an arch check that fails moves on to the next one, so arch 0 meets them all; a filter
	 * could also check a range, so every constant compared is kept */
	ssim_run(c->f[fi].insns, c->f[fi].len, &d, &c->tr);
	for (size_t i = 0; i < c->tr.n && i < c->tr.cap; i++)
		if (c->tr.cmps[i].word == 4 && c->n_arches[fi] < 32)
			c->arches[fi][c->n_arches[fi]++] = c->tr.cmps[i].k;
}

static bool in_list(const uint32_t *v, size_t n, uint32_t x)
{
	for (size_t i = 0; i < n; i++)
		if (v[i] == x)
			return true;
	return false;
}

/*
 * How thorough the inputs were: of the directions of the conditional jumps that can be reached
 * from the start, how many some input took. Some cannot be taken by any input (a compiler's
 * redundant test, a high word that a 32-bit architecture's calls leave zero): a figure, not a
 * verdict.
 */
static bool verbose; /* --verbose: the jump directions no input took */

static void coverage(const struct filter *f, const char *label)
{
	bool *reach = calloc(f->len, sizeof(*reach));
	size_t total = 0, taken = 0;

	if (!reach)
		return;
	reach[0] = true;
	for (size_t pc = 0; pc < f->len; pc++) {
		const struct ssim_insn *i = &f->insns[pc];

		if (!reach[pc] || SSIM_CLASS(i->code) == SSIM_RET)
			continue;
		if (i->code == (SSIM_JMP | SSIM_JA)) {
			reach[pc + 1 + i->k] = true;
		} else if (SSIM_CLASS(i->code) == SSIM_JMP) {
			reach[pc + 1 + i->jt] = reach[pc + 1 + i->jf] = true;
			total += 2;
			taken += (f->taken[pc] & 1) + (f->taken[pc] >> 1);
			if (verbose && f->taken[pc] != 3)
				printf("  never %s: %s insn %zu\n",
				       f->taken[pc] & 1 ? "false" : "true", f->path, pc);
		} else {
			reach[pc + 1] = true;
		}
	}
	free(reach);
	printf("coverage %s %s: %zu of %zu jump directions taken\n", label, f->path, taken, total);
}

static void usage(FILE *f)
{
	fprintf(f, "usage: policy-corpus [--verbose] --cbpf RAW [--policy FILE --arch LIST] "
		   "KIND:PEER.raw...\n"
		   "       KIND: py (minijail's compiler), c (minijail's runtime), lsc "
		   "(libseccomp)\n");
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "cbpf", required_argument, NULL, 'c' },
		{ "policy", required_argument, NULL, 'p' },
		{ "arch", required_argument, NULL, 'a' },
		{ "help", no_argument, NULL, 'h' },
		{ "verbose", no_argument, NULL, 'v' },
		{ NULL, 0, NULL, 0 },
	};
	static struct ctx c;
	struct cbpf_policy_opts opts = { 0 };
	enum cbpf_arch arches[8];
	const char *policy = NULL;
	uint32_t all_arches[64];
	size_t n_all = 0;
	struct ssim_data probe = { 0 };
	int opt, status = 0;
	char err[128];

	while ((opt = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (opt) {
		case 'c':
			c.f[0].path = optarg;
			break;
		case 'p':
			policy = optarg;
			break;
		case 'a': {
			int n = parse_arch_list(optarg, arches, 8);

			if (n < 0) {
				fprintf(stderr, "policy-corpus: bad architecture list '%s'\n",
					optarg);
				return 2;
			}
			opts.arches = arches, opts.n_arches = (size_t)n, opts.host = arches[0];
			break;
		}
		case 'v':
			verbose = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (!c.f[0].path || optind == argc || argc - optind >= MAX_FILTERS) {
		usage(stderr);
		return 2;
	}
	c.nf = 1;
	for (int i = optind; i < argc; i++) {
		const char *colon = strchr(argv[i], ':');
		int k;

		for (k = 0; k < 3; k++)
			if (colon && (size_t)(colon - argv[i]) == strlen(kind_names[k]) &&
			    !strncmp(argv[i], kind_names[k], strlen(kind_names[k])))
				break;
		if (k == 3) {
			usage(stderr);
			return 2;
		}
		c.f[c.nf].kind = (enum kind)k;
		c.f[c.nf++].path = colon + 1;
	}
	for (int fi = 0; fi < c.nf; fi++) {
		if (load_raw(&c.f[fi]))
			return 1;
		c.f[fi].taken = calloc(c.f[fi].len, 1);
		if (!c.f[fi].taken)
			return 2;
		if (ssim_check(c.f[fi].insns, c.f[fi].len, err, sizeof(err))) {
			printf("FAIL %s: seccomp(2) would refuse it: %s\n", c.f[fi].path, err);
			return 1;
		}
	}
	for (int fi = 0; fi < c.nf; fi++) {
		c.prog[fi] = cbpf_prog_new((const struct cbpf_insn *)c.f[fi].insns, c.f[fi].len);
		if (!c.prog[fi] || sim_new(c.prog[fi], &c.vm[fi])) {
			printf("FAIL %s: libcbpf's interpreter refuses it\n", c.f[fi].path);
			return 1;
		}
	}
	if (policy) {
		struct cbpf_diags diags = { 0 };

		opts.lang = CBPF_POLICY_TEXT;
		if (cbpf_policy_parse_file(policy, &opts, &c.pol, &diags)) {
			cbpf_diags_print(stderr, &diags, NULL, 0, NULL);
			cbpf_diags_free(&diags);
			return 1;
		}
		cbpf_diags_free(&diags);
	}
	probe.args[0] = 1;
	c.little = ssim_word(&probe, 16) == 1;
	c.tr.cap = TRACE_CAP;
	c.tr.cmps = calloc(TRACE_CAP, sizeof(*c.tr.cmps));
	if (!c.tr.cmps)
		return 2;

	for (int fi = 0; fi < c.nf; fi++) {
		find_arches(&c, fi);
		for (int i = 0; i < c.n_arches[fi]; i++)
			if (!in_list(all_arches, n_all, c.arches[fi][i]) && n_all < 64)
				all_arches[n_all++] = c.arches[fi][i];
	}
	for (size_t i = 0; i < sizeof(other_arches) / sizeof(other_arches[0]); i++)
		if (!in_list(all_arches, n_all, other_arches[i]) && n_all < 64)
			all_arches[n_all++] = other_arches[i];

	for (size_t ai = 0; ai < n_all; ai++) {
		uint32_t audit = all_arches[ai], top;
		bool checked = false;
		enum cbpf_arch a = arch_of(audit, 0);
		static const uint32_t special[] = {
			0xffffffff, 0xfffffffe, 0x7fffffff, 0x80000000,
			0x3fffffff, 0x40000000, 0x000f0000, 0x000f0005
		};

		for (int fi = 0; fi < c.nf; fi++)
			checked |= filter_has_arch(&c, fi, audit);
		c.n_nr_consts = 0;
		if (!checked) { /* foreign to every filter: a few numbers */
			for (uint32_t nr = 0; nr < 8; nr++)
				explore(&c, audit, nr);
			for (size_t i = 0; i < sizeof(special) / sizeof(special[0]); i++)
				explore(&c, audit, special[i]);
			continue;
		}
		top = max_nr(a) + 64;
		for (uint32_t nr = 0; nr <= top; nr++)
			explore(&c, audit, nr);
		if (audit == CBPF_AUDIT_ARCH_X86_64) {
			top = max_nr(CBPF_ARCH_X32) + 64;
			for (uint32_t nr = 0; nr <= top; nr++)
				explore(&c, audit, nr | CBPF_X32_SYSCALL_BIT);
		}
		for (size_t i = 0; i < sizeof(special) / sizeof(special[0]); i++)
			explore(&c, audit, special[i]);
		/* every number a comparison named, and its neighbours, beyond the range done */
		top = max_nr(a) > max_nr(CBPF_ARCH_X32) ? max_nr(a) : max_nr(CBPF_ARCH_X32);
		for (size_t i = 0; i < c.n_nr_consts; i++)
			for (uint32_t d = 0; d < 3; d++) {
				uint32_t nr = c.nr_consts[i] + d - 1;

				if ((nr & ~CBPF_X32_SYSCALL_BIT) > top + 64)
					explore(&c, audit, nr);
			}
	}

	if (c.vm_mismatch) {
		printf("FAIL the two evaluators disagree on %zu runs (%zu inputs, %d filters); first: "
		       "%s\n",
		       c.vm_mismatch, c.inputs, c.nf, c.vm_example);
		status = 1;
	}
	for (int fi = 1; fi < c.nf; fi++) {
		struct filter *f = &c.f[fi];
		size_t nknown = 0;
		char known_list[256] = "";

		for (int k = 0; k < K_N; k++)
			if (f->known[k]) {
				nknown += f->known[k];
				snprintf(known_list + strlen(known_list),
					 sizeof(known_list) - strlen(known_list), "%s%s %zu",
					 *known_list ? ", " : "", known_diffs[k].name, f->known[k]);
			}
		if (f->differ) {
			printf("FAIL %s %s: %zu of %zu inputs differ (%zu more as documented%s%s%s)\n",
			       kind_names[f->kind], f->path, f->differ, f->inputs, nknown,
			       nknown ? ": " : "", known_list, "");
			for (int e = 0; e < 3 && e < (int)f->differ; e++)
				printf("    %s\n", f->examples[e]);
			status = 1;
		} else if (nknown) {
			printf("known %s %s: %zu inputs agree, %zu differ as documented: %s\n",
			       kind_names[f->kind], f->path, f->agree, nknown, known_list);
		} else {
			printf("agree %s %s: %zu inputs\n", kind_names[f->kind], f->path, f->agree);
		}
	}
	for (int fi = 0; fi < c.nf; fi++)
		coverage(&c.f[fi], fi ? kind_names[c.f[fi].kind] : "cbpf");
	if (c.truncated)
		printf("note: %zu argument values left unexplored past %d per syscall\n",
		       c.truncated, MAX_INPUTS);
	for (int k = 0; k < K_N; k++) {
		bool used = false;

		for (int fi = 1; fi < c.nf; fi++)
			used |= c.f[fi].known[k] != 0;
		if (used)
			printf("  documented %s: %s\n", known_diffs[k].name, known_diffs[k].why);
	}
	for (int fi = 0; fi < c.nf; fi++) {
		sim_free(&c.vm[fi]);
		cbpf_prog_free(c.prog[fi]);
	}
	cbpf_policy_free(c.pol);
	for (int fi = 0; fi < c.nf; fi++)
		free(c.f[fi].insns), free(c.f[fi].taken);
	free(c.tr.cmps);
	free(c.set.v);
	free(c.set.hash);
	free(c.set.slots);
	return status;
}
