// SPDX-License-Identifier: MIT
/* Test tool: seccomp policies 10 to 10,000 times larger than real ones, compiled and timed. */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cbpf.h"
#include "policy-model.h"
#include "policy-util.h"

/*
 * Each shape writes a policy of n rules (or alternatives, or syscalls) in one dialect. Each
 * size is compiled in a child process, so that a crash (the C stack: run this under a small
 * ulimit -s) or a hang (an alarm) is reported as such, with the compile's own CPU time and
 * memory. The result must be a filter that validates and agrees with the rules' meaning on
 * sampled calls, or a refusal whose errors are located; and from one size to the next, ten
 * times larger, time and memory may grow by no more than a generous factor: n log n passes,
 * quadratic growth and worse (the exponential memo of issue 11) fail.
 */

#if defined(__SANITIZE_ADDRESS__)
#define SLOW 6 /* sanitizers: everything slower, memory larger */
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SLOW 6
#endif
#endif
#ifndef SLOW
#define SLOW 1
#endif

/* ten times the rules may cost this many times the time (n log n: about 13) ... */
#define GROWTH 40
/* ... plus this much, for the sizes where the process's own noise dominates */
#define SLACK_MS (50.0 * SLOW)
#define SLACK_KB (32768L * SLOW)

struct buf {
	char *p;
	size_t len, cap;
};

static void put(struct buf *b, const char *fmt, ...) CBPF_PRINTF(2, 3);

static void put(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (!b->p && !(b->p = malloc(b->cap = 256)))
		abort();
	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap);
		va_end(ap);
		if (n < 0)
			abort();
		if ((size_t)n < b->cap - b->len)
			break;
		b->cap = 2 * (b->cap + (size_t)n + 64);
		b->p = realloc(b->p, b->cap);
		if (!b->p)
			abort();
	}
	b->len += (size_t)n;
}

static uint64_t rng;

static uint64_t rnd(void)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return rng * 0x2545f4914f6cdd1dULL;
}

/* Values that make the comparisons interesting: small, 32-bit edges, 64-bit ones. */
static uint64_t value(void)
{
	static const uint64_t v[] = { 0,
				      1,
				      2,
				      0xff,
				      0x7fffffff,
				      0x80000000,
				      0xffffffff,
				      0x100000000ULL,
				      0xffffffff00000000ULL,
				      UINT64_MAX };

	switch (rnd() % 4) {
	case 0:
		return rnd();
	case 1:
		return rnd() % 4096;
	case 2:
		return (uint32_t)rnd();
	default:
		return v[rnd() % (sizeof(v) / sizeof(v[0]))];
	}
}

static const char *const text_ops[] = { "==", "!=", "<", "<=", ">", ">=", "&", "in" };
static const char *const json_ops[] = { "SCMP_CMP_EQ",	     "SCMP_CMP_NE", "SCMP_CMP_LT",
					"SCMP_CMP_LE",	     "SCMP_CMP_GT", "SCMP_CMP_GE",
					"SCMP_CMP_MASKED_EQ" };
static const char *const actions[] = { "SCMP_ACT_ALLOW", "SCMP_ACT_ERRNO", "SCMP_ACT_TRAP",
				       "SCMP_ACT_LOG", "SCMP_ACT_KILL_PROCESS" };

/* Syscalls every architecture has, for the shapes with many of them. */
static const char **names;
static size_t n_names;

static void names_init(void)
{
	names = calloc(cbpf_syscall_count(), sizeof(*names));
	if (!names)
		abort();
	for (size_t i = 0; i < cbpf_syscall_count(); i++) {
		const char *n = cbpf_syscall_at(i);
		uint32_t nr;
		bool everywhere = strcmp(n, "sync_file_range2") != 0; /* arm: one call, two names */

		for (int a = CBPF_ARCH_X86_64; a <= CBPF_ARCH_COUNT && everywhere; a++)
			everywhere = !cbpf_syscall_nr((enum cbpf_arch)a, n, &nr);
		if (everywhere)
			names[n_names++] = n;
	}
}

/* ---------------------------------------------------------------- shapes */

static void text_eq(struct buf *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		put(b, "read: arg0 == %zu\n", i);
}

/* issue 11's reproduction: 88 of these never finished */
static void text_ne_eq(struct buf *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		put(b, "read: arg0 != %zu && arg1 == %zu\n", i, i);
}

static void text_cond(struct buf *b, unsigned arg)
{
	unsigned op = (unsigned)(rnd() % 8);
	uint64_t v = op >= 6 ? (uint64_t)1 << rnd() % 64 : value();

	/* no comparison that always holds (>= 0): its rule would end the checks */
	v = op == 5 ? v | 1 : op == 3 ? v & ~(uint64_t)1 : v;
	put(b, "arg%u %s %#" PRIx64, arg, text_ops[op], v);
}

/* every operator, one to three alternatives of one to three comparisons */
static void text_ops_mix(struct buf *b, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned alts = 1 + (unsigned)(rnd() % 3);

		put(b, "read: ");
		for (unsigned a = 0; a < alts; a++) {
			unsigned conds = 1 + (unsigned)(rnd() % 3);

			for (unsigned c = 0; c < conds; c++) {
				text_cond(b, (unsigned)(rnd() % 6));
				put(b, c + 1 < conds ? " && " : "");
			}
			put(b, a + 1 < alts ? " || " : "\n");
		}
	}
}

/* one statement, n alternatives: a long line */
static void text_long_or(struct buf *b, size_t n)
{
	put(b, "ioctl: ");
	for (size_t i = 0; i < n; i++)
		put(b, "arg1 == %#zx%s", 0x5400 + 3 * i, i + 1 < n ? " || " : "\n");
}

/* one statement for n syscalls: a long list of names */
static void text_long_names(struct buf *b, size_t n)
{
	put(b, "{");
	for (size_t i = 0; i < n; i++)
		put(b, "%s%s", names[i % n_names], i + 1 < n ? ", " : "");
	put(b, "}: arg0 == 1 || arg1 != 2\n");
}

/* one statement, n comparisons joined: a long conjunction */
static void text_long_and(struct buf *b, size_t n)
{
	put(b, "ioctl: ");
	for (size_t i = 0; i < n; i++)
		put(b, "arg%zu != %zu%s", i % 3, i, i + 1 < n ? " && " : "\n");
}

/* many syscalls, a few comparisons each */
static void text_syscalls(struct buf *b, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		put(b, "%s: ", names[i % n_names]);
		text_cond(b, (unsigned)(i % 6));
		put(b, "\n");
	}
}

/* n_arches: the profile's "architectures", the first n of enum cbpf_arch (5: x86_64 .. arm;
 * CBPF_ARCH_COUNT: every one, of both byte orders); 0: none, the host's */
static void json_head(struct buf *b, int n_arches)
{
	put(b, "{\"defaultAction\": \"SCMP_ACT_ERRNO\",\n");
	if (n_arches) {
		put(b, "\"architectures\": [");
		for (int a = CBPF_ARCH_X86_64; a < CBPF_ARCH_X86_64 + n_arches; a++)
			put(b, "%s\"%s\"", a > CBPF_ARCH_X86_64 ? ", " : "",
			    cbpf_arch_scmp_name((enum cbpf_arch)a));
		put(b, "],\n");
	}
	put(b, "\"syscalls\": [\n");
}

static void json_tail(struct buf *b)
{
	put(b, "]}\n");
}

/* issue 11's reproduction: 90 of these never finished */
static void json_ne_eq(struct buf *b, size_t n)
{
	json_head(b, 0);
	for (size_t i = 0; i < n; i++)
		put(b,
		    "{\"names\": [\"read\"], \"action\": \"SCMP_ACT_ALLOW\", \"args\": ["
		    "{\"index\": 0, \"value\": %zu, \"op\": \"SCMP_CMP_NE\"}, "
		    "{\"index\": 1, \"value\": %zu, \"op\": \"SCMP_CMP_EQ\"}]}%s\n",
		    i, i, i + 1 < n ? "," : "");
	json_tail(b);
}

/* a rule per ioctl request, several actions: the contradiction check sees n^2 pairs */
static void json_actions(struct buf *b, size_t n)
{
	json_head(b, 0);
	for (size_t i = 0; i < n; i++)
		put(b,
		    "{\"names\": [\"ioctl\"], \"action\": \"%s\", \"errnoRet\": %zu, \"args\": ["
		    "{\"index\": 1, \"value\": %zu, \"op\": \"SCMP_CMP_EQ\"}]}%s\n",
		    actions[i % 5], i % 100 + 1, 0x5400 + i, i + 1 < n ? "," : "");
	json_tail(b);
}

/*
 * Every operator, one action, the first five architectures or every one; two or three arguments an
 * entry (one named twice becomes two rules, as runc makes them, and a few hundred such rules allow
 * everything).
 */
static void json_ops_arches(struct buf *b, size_t n, int n_arches)
{
	json_head(b, n_arches);
	for (size_t i = 0; i < n; i++) {
		unsigned conds = 2 + (unsigned)(rnd() % 2), first = (unsigned)(rnd() % 6);

		put(b, "{\"names\": [\"read\", \"write\"], \"action\": \"SCMP_ACT_ALLOW\", "
		       "\"args\": [");
		for (unsigned c = 0; c < conds; c++) {
			unsigned op = (unsigned)(rnd() % 8);
			uint64_t v = value();

			/* no comparison that always holds (>= 0): its rule would end the checks */
			v = op == 5 ? v | 1 : op == 3 ? v & ~(uint64_t)1 : v;

			op = op == 7 ? 0 : op; /* more == */
			put(b, "{\"index\": %u, \"value\": %" PRIu64 ", ", (first + 2 * c) % 6,
			    op == 6 ? (uint64_t)rnd() | 1 : v);
			if (op == 6)
				put(b, "\"valueTwo\": %" PRIu64 ", ", v);
			put(b, "\"op\": \"%s\"}%s", json_ops[op], c + 1 < conds ? ", " : "");
		}
		put(b, "]}%s\n", i + 1 < n ? "," : "");
	}
	json_tail(b);
}

/* masked compares with several actions: ranges that all meet, patterns that do not */
static void json_masked(struct buf *b, size_t n)
{
	json_head(b, 0);
	for (size_t i = 0; i < n; i++)
		put(b,
		    "{\"names\": [\"clone\"], \"action\": \"%s\", \"args\": ["
		    "{\"index\": 0, \"value\": 65535, \"valueTwo\": %zu, "
		    "\"op\": \"SCMP_CMP_MASKED_EQ\"}]}%s\n",
		    actions[i % 2], i % 65536, i + 1 < n ? "," : "");
	json_tail(b);
}

static void json_ops_mix(struct buf *b, size_t n)
{
	json_ops_arches(b, n, 5);
}

static void json_ops_all(struct buf *b, size_t n)
{
	json_ops_arches(b, n, CBPF_ARCH_COUNT);
}

/* many syscalls per entry, many entries, the first five architectures or every one */
static void json_syscalls_arches(struct buf *b, size_t n, int n_arches)
{
	json_head(b, n_arches);
	for (size_t i = 0; i < n; i++) {
		put(b,
		    "{\"names\": [\"%s\", \"%s\"], \"action\": \"SCMP_ACT_ALLOW\", \"args\": ["
		    "{\"index\": %zu, \"value\": %zu, \"op\": \"SCMP_CMP_EQ\"}]}%s\n",
		    names[i % n_names], names[(7 * i + 3) % n_names], i % 6, i / n_names,
		    i + 1 < n ? "," : "");
	}
	json_tail(b);
}

static void json_syscalls(struct buf *b, size_t n)
{
	json_syscalls_arches(b, n, 5);
}

static void json_syscalls_all(struct buf *b, size_t n)
{
	json_syscalls_arches(b, n, CBPF_ARCH_COUNT);
}

struct shape {
	const char *name;
	void (*gen)(struct buf *b, size_t n);
	bool text;
	const char *arches; /* for the text shapes */
	size_t max;	    /* the largest size: 10000, or 20000 for the limits of issue 11 */
	/* The first size whose growth from the one before is judged. With a syscall a rule, the
	 * first steps add syscalls, and the search over their numbers is cubic in them up to 600
	 * ranges (the exact plan; a balanced tree past that): bounded, but not n log n there. */
	size_t judged;
};

/* every architecture, both byte orders */
#define ALL_ARCHES                                                                                 \
	"x86_64,i386,x32,aarch64,arm,riscv64,ppc64le,s390x,loongarch64,mips,mipsel,mips64,"        \
	"mips64el,"                                                                                \
	"mipsn32,mipsn32el,ppc,s390"

static const struct shape shapes[] = {
	{ "text-eq", text_eq, true, "x86_64", 20000, 0 },
	{ "text-ne-eq", text_ne_eq, true, "x86_64", 20000, 0 },
	{ "text-ne-eq-32", text_ne_eq, true, "i386,arm", 10000, 0 },
	{ "text-ops", text_ops_mix, true, "x86_64,i386", 10000, 0 },
	{ "text-ops-5arch", text_ops_mix, true, "x86_64,i386,x32,aarch64,arm", 10000, 0 },
	{ "text-ops-all", text_ops_mix, true, ALL_ARCHES, 10000, 0 },
	{ "text-long-or", text_long_or, true, "x86_64", 10000, 0 },
	{ "text-long-and", text_long_and, true, "x86_64,i386", 10000, 0 },
	{ "text-long-names", text_long_names, true, "x86_64,i386,arm", 10000, 0 },
	{ "text-syscalls", text_syscalls, true, "x86_64,i386,x32,aarch64,arm", 10000, 1000 },
	{ "text-syscalls-all", text_syscalls, true, ALL_ARCHES, 10000, 1000 },
	{ "json-ne-eq", json_ne_eq, false, NULL, 20000, 0 },
	{ "json-actions", json_actions, false, NULL, 10000, 0 },
	{ "json-ops", json_ops_mix, false, NULL, 10000, 0 },
	{ "json-ops-all", json_ops_all, false, NULL, 10000, 0 },
	{ "json-masked", json_masked, false, NULL, 10000, 0 },
	{ "json-syscalls", json_syscalls, false, NULL, 10000, 1000 },
	{ "json-syscalls-all", json_syscalls_all, false, NULL, 10000, 1000 },
};

/* ---------------------------------------------------------------- one compile */

struct result {
	int rc;		/* cbpf_policy_parse or _gen */
	double ms;	/* CPU time of parse and generate */
	long kb;	/* memory they added to the process (peak RSS) */
	size_t insns;	/* the filter's length */
	size_t checked; /* calls simulated */
	char error[96]; /* the first error of a refusal */
	char why[256];	/* a failure, empty when the outcome is as it should be */
};

static double cpu_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static long peak_kb(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_maxrss;
}

/* Calls that meet and miss a condition: its value and the values around it. */
static uint64_t edge(const struct cbpf_policy_cond *c, unsigned k)
{
	switch (k % 6) {
	case 0:
		return c->value;
	case 1:
		return c->value + 1;
	case 2:
		return c->value - 1;
	case 3:
		return c->value | ~c->mask;
	case 4:
		return (uint32_t)c->value;
	default:
		return rnd();
	}
}

/* The filter against the rules' meaning, on calls built from sampled rules' conditions. */
static void simulate(const struct cbpf_policy *pol, const struct cbpf_prog *prog,
		     struct result *res)
{
	const struct cbpf_policy_rule *rules;
	size_t n = cbpf_policy_rules(pol, &rules), step = n / 200 + 1;
	const enum cbpf_arch *arches;
	size_t na = cbpf_policy_arches(pol, &arches);
	struct sim sim;

	if (sim_new(prog, &sim)) {
		snprintf(res->why, sizeof(res->why), "the interpreter refuses the filter");
		return;
	}
	for (size_t r = 0; r < n && !res->why[0]; r += step) {
		for (size_t a = 0; a < na && !res->why[0]; a++) {
			struct sim_data d = { .arch = cbpf_arch_audit(arches[a]) };
			uint32_t nr;

			if (cbpf_syscall_nr(arches[a], rules[r].syscall, &nr))
				continue;
			d.nr = (int32_t)nr;
			for (unsigned k = 0; k < 6 && !res->why[0]; k++) {
				uint32_t want, got;

				for (unsigned i = 0; i < 6; i++)
					d.args[i] = rnd() % 3 ? rnd() % 8 : rnd();
				for (size_t c = 0; c < rules[r].n_conds; c++)
					d.args[rules[r].conds[c].arg] = edge(&rules[r].conds[c], k);
				want = model_eval(pol, &d);
				got = sim_run(&sim, &d, NULL);
				res->checked++;
				if (want == got)
					continue;
				snprintf(res->why, sizeof(res->why),
					 "%s (%s) args %#" PRIx64 " %#" PRIx64
					 ": filter %#x, rules %#x",
					 rules[r].syscall, cbpf_arch_name(arches[a]), d.args[0],
					 d.args[1], got, want);
			}
		}
	}
	sim_free(&sim);
}

static void compile(const struct shape *sh, const struct buf *src, struct result *res)
{
	enum cbpf_arch arches[CBPF_ARCH_COUNT];
	int na = sh->arches ? parse_arch_list(sh->arches, arches, CBPF_ARCH_COUNT) : 0;
	struct cbpf_policy_opts opts = {
		.file = sh->text ? "scale.policy" : "scale.json",
		.lang = sh->text ? CBPF_POLICY_TEXT : CBPF_POLICY_JSON,
		.host = CBPF_ARCH_X86_64,
		.kernel = "6.1",
		.arches = na > 0 ? arches : NULL,
		.n_arches = na > 0 ? (size_t)na : 0,
		.lenient = true,
	};
	struct cbpf_diags diags = { 0 };
	struct cbpf_policy *pol = NULL;
	struct cbpf_prog *prog = NULL;
	long kb0 = peak_kb();
	double t0 = cpu_ms();

	res->rc = cbpf_policy_parse(src->p, src->len, &opts, &pol, &diags);
	if (!res->rc)
		res->rc = cbpf_policy_gen(pol, &opts, &prog, &diags);
	res->ms = cpu_ms() - t0;
	res->kb = peak_kb() - kb0;
	if (res->rc) {
		for (size_t i = 0; i < diags.n && !res->error[0]; i++)
			if (diags.v[i].severity == CBPF_SEV_ERROR)
				snprintf(res->error, sizeof(res->error), "%s", diags.v[i].msg);
		if (res->rc != -E2BIG && res->rc != -EINVAL)
			snprintf(res->why, sizeof(res->why), "refused with %s", strerror(-res->rc));
		else if (!diags.errors)
			snprintf(res->why, sizeof(res->why), "refused without an error");
		for (size_t i = 0; i < diags.n && !res->why[0]; i++)
			if (diags.v[i].severity == CBPF_SEV_ERROR &&
			    (!diags.v[i].file || !diags.v[i].line))
				snprintf(res->why, sizeof(res->why), "an error without a place: %s",
					 diags.v[i].msg);
	} else {
		res->insns = cbpf_prog_len(prog);
		if (cbpf_check(prog, CBPF_CHECK_SECCOMP, NULL))
			snprintf(res->why, sizeof(res->why), "the filter does not validate");
		else
			simulate(pol, prog, res);
	}
	cbpf_prog_free(prog);
	cbpf_policy_free(pol);
	cbpf_diags_free(&diags);
}

/* Compiles in a child: a crash or a hang is an outcome too. */
static void run_child(const struct shape *sh, const struct buf *src, unsigned timeout,
		      struct result *res)
{
	int fd[2], status;
	pid_t pid;
	ssize_t got;

	memset(res, 0, sizeof(*res));
	if (pipe(fd))
		abort();
	fflush(stdout);
	pid = fork();
	if (pid < 0)
		abort();
	if (!pid) {
		close(fd[0]);
		alarm(timeout);
		compile(sh, src, res);
		if (write(fd[1], res, sizeof(*res)) != (ssize_t)sizeof(*res))
			_exit(3);
		_exit(0);
	}
	close(fd[1]);
	got = read(fd[0], res, sizeof(*res));
	close(fd[0]);
	if (waitpid(pid, &status, 0) < 0)
		abort();
	if (WIFSIGNALED(status))
		snprintf(res->why, sizeof(res->why), "%s",
			 WTERMSIG(status) == SIGALRM ? "no result in time (a hang)"
						     : strsignal(WTERMSIG(status)));
	else if (got != (ssize_t)sizeof(*res) || WEXITSTATUS(status))
		snprintf(res->why, sizeof(res->why), "the child failed (exit %d)",
			 WEXITSTATUS(status));
}

struct run_opts {
	size_t max;	  /* the largest size to try */
	unsigned timeout; /* seconds a compile may take before it counts as a hang */
	double limit_ms;  /* the CPU time 20,000 rules may take */
};

/* Why res, at n rules, is not as it should be after prev at prev_n; "" when it is. */
static void judge(const struct shape *sh, size_t n, const struct result *res, size_t prev_n,
		  const struct result *prev, const struct run_opts *ro, char *why, size_t size)
{
	bool step = prev_n && n == 10 * prev_n && n >= sh->judged;

	why[0] = '\0';
	if (res->why[0])
		snprintf(why, size, "%s", res->why);
	else if (step && res->ms > GROWTH * prev->ms + SLACK_MS)
		snprintf(why, size, "time grew from %.1f ms to %.1f ms for 10 times the rules",
			 prev->ms, res->ms);
	else if (step && res->kb > GROWTH * prev->kb + SLACK_KB)
		snprintf(why, size, "memory grew from %ld KB to %ld KB for 10 times the rules",
			 prev->kb, res->kb);
	else if (n == 20000 && res->ms > ro->limit_ms)
		snprintf(why, size, "%.0f ms for 20000 rules, more than %.0f", res->ms,
			 ro->limit_ms);
}

/* The sizes of one shape, from 10 up; the failures. */
static unsigned run_shape(const struct shape *sh, size_t index, const struct run_opts *ro,
			  unsigned *runs)
{
	struct result prev = { 0 };
	size_t prev_n = 0;

	for (size_t n = 10; n <= sh->max && n <= ro->max; n = n == 10000 ? 20000 : n * 10) {
		struct buf src = { 0 };
		struct result res;
		char why[300];

		rng = 0x853c49e6748fea9bULL + index;
		sh->gen(&src, n);
		run_child(sh, &src, ro->timeout, &res);
		++*runs;
		/* CPU time is noisy on a busy machine: a step that looks too slow is measured
		 * twice more, and the least of the three counts */
		for (int again = 0; again < 2; again++) {
			struct result r2;

			judge(sh, n, &res, prev_n, &prev, ro, why, sizeof(why));
			if (!why[0] || res.why[0] || !strstr(why, "time grew"))
				break;
			run_child(sh, &src, ro->timeout, &r2);
			if (!r2.why[0] && r2.ms < res.ms)
				res.ms = r2.ms;
		}
		judge(sh, n, &res, prev_n, &prev, ro, why, sizeof(why));
		free(src.p);
		printf("%-4s %-15s %6zu: %9.1f ms %8ld KB  %s%.60s", why[0] ? "FAIL" : "ok",
		       sh->name, n, res.ms, res.kb, res.rc ? "refused: " : "", res.error);
		if (!res.rc && !res.why[0])
			printf("%zu instructions, %zu calls agree", res.insns, res.checked);
		printf("%s%s\n", why[0] ? ": " : "", why);
		if (why[0])
			return 1;
		prev = res;
		prev_n = n;
	}
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "max", required_argument, NULL, 'm' },
		{ "shape", required_argument, NULL, 's' },
		{ "timeout", required_argument, NULL, 't' },
		{ "limit-ms", required_argument, NULL, 'l' },
		{ "write", required_argument, NULL, 'w' },
		{ NULL, 0, NULL, 0 },
	};
	const size_t n_shapes = sizeof(shapes) / sizeof(shapes[0]);
	struct run_opts ro = { .max = SIZE_MAX, .timeout = 60, .limit_ms = 1000.0 * SLOW };
	const char *only = NULL;
	unsigned fails = 0, runs = 0;
	size_t write_n = 0;
	int c;

	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 'm':
			ro.max = strtoul(optarg, NULL, 0);
			break;
		case 's':
			only = optarg;
			break;
		case 't':
			ro.timeout = (unsigned)strtoul(optarg, NULL, 0);
			break;
		case 'l':
			ro.limit_ms = strtod(optarg, NULL);
			break;
		case 'w':
			write_n = strtoul(optarg, NULL, 0);
			break;
		default:
			fprintf(stderr, "usage: policy-scale [--max N] [--shape NAME] "
					"[--timeout S] [--limit-ms MS] [--write N]\n");
			return 2;
		}
	}
	names_init();
	for (size_t s = 0; s < n_shapes; s++) {
		if (only && strcmp(only, shapes[s].name))
			continue;
		if (write_n) { /* the policy of that size on stdout, to look at */
			struct buf src = { 0 };

			rng = 0x853c49e6748fea9bULL + s;
			shapes[s].gen(&src, write_n);
			fwrite(src.p, 1, src.len, stdout);
			free(src.p);
			return 0;
		}
		fails += run_shape(&shapes[s], s, &ro, &runs);
	}
	if (fails) {
		printf("%u of %u compiles failed\n", fails, runs);
		return 1;
	}
	printf("%u policies of 10 to 20000 rules in %zu shapes: filters that agree with the rules, "
	       "or located refusals; time and memory grow no faster than n log n allows\n",
	       runs, n_shapes);
	free(names);
	return 0;
}
