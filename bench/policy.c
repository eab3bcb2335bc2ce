// SPDX-License-Identifier: MIT
/* Benchmark: cbpf's seccomp filters against libseccomp's: size, instructions per syscall, and
 * compile time per rule. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/wait.h>

#include "cbpf.h"
#include "../tests/tools/policy-libseccomp.h"
#include "../tests/tools/policy-sim.h"

/* Docker's default profile, when the shared corpus sits beside the repository (run from its top,
 * as make bench does); optional: a committed profile stands in. */
static const char *const corpus[] = { "../shared/corpus/docker-default.json", NULL };
#define FALLBACK "tests/cases/policy/docker-like.json"

struct stat_acc {
	uint64_t sum, worst, n;
};

static void acc(struct stat_acc *a, uint64_t v)
{
	a->sum += v;
	a->n++;
	if (v > a->worst)
		a->worst = v;
}

static double mean(const struct stat_acc *a)
{
	return a->n ? (double)a->sum / (double)a->n : 0;
}

/* ---------------------------------------------------------------- compile time per rule */

static double cpu_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* A policy of n rules for one syscall, in the shape `kind` names, into a malloc'd string. */
static char *many_rules(int kind, size_t n)
{
	static const char *const acts[] = { "SCMP_ACT_ALLOW", "SCMP_ACT_TRAP", "SCMP_ACT_LOG" };
	size_t cap = 64 + 160 * (n + 1), len = 0;
	char *s = malloc(cap);

	if (!s)
		return NULL;
	if (kind == 2)
		len += (size_t)snprintf(s, cap,
					"{\"defaultAction\": \"SCMP_ACT_ERRNO\", "
					"\"syscalls\": [\n");
	for (size_t i = 0; i < n; i++) {
		char *at = s + len;
		size_t left = cap - len;

		if (kind == 0)
			len += (size_t)snprintf(at, left, "ioctl: arg1 == %zu\n", 0x5400 + i);
		else if (kind == 1)
			len += (size_t)snprintf(at, left, "read: arg0 != %zu && arg1 == %zu\n", i,
						i);
		else
			len += (size_t)snprintf(at, left,
						"{\"names\": [\"ioctl\"], \"action\": \"%s\", "
						"\"args\": [{\"index\": 1, \"value\": %zu, "
						"\"op\": \"SCMP_CMP_EQ\"}]}%s\n",
						acts[i % 3], 0x5400 + i, i + 1 < n ? "," : "");
	}
	if (kind == 2)
		snprintf(s + len, cap - len, "]}\n");
	return s;
}

/*
 * libseccomp's CPU time to build pol's filter (binary tree), in a child given 10 seconds: ms,
 * -1 when it takes longer, 0 when it fails.
 */
static double lsc_time(const struct cbpf_policy *pol)
{
	double ms = 0;
	int fd[2], status;
	pid_t pid;

	if (pipe(fd))
		return 0;
	fflush(stdout);
	pid = fork();
	if (pid < 0)
		return 0;
	if (!pid) {
		struct lsc_result lsc;
		double t0 = cpu_ms();

		close(fd[0]);
		alarm(10);
		if (!lsc_build(pol, 2, &lsc))
			ms = cpu_ms() - t0;
		_exit(write(fd[1], &ms, sizeof(ms)) == sizeof(ms) ? 0 : 1);
	}
	close(fd[1]);
	if (read(fd[0], &ms, sizeof(ms)) != sizeof(ms))
		ms = 0;
	close(fd[0]);
	if (waitpid(pid, &status, 0) == pid && WIFSIGNALED(status) && WTERMSIG(status) == SIGALRM)
		ms = -1;
	return ms;
}

/* One line of per_rule's table. */
static void per_rule_one(const struct cbpf_policy_opts *opts, int kind, size_t n, const char *title)
{
	char *src = many_rules(kind, n), outcome[32] = "";
	double best = 1e300, lsc_ms = 0;
	struct cbpf_policy *pol = NULL;

	if (!src)
		return;
	for (int rep = 0; rep < 3; rep++) {
		struct cbpf_prog *prog = NULL;
		double t0 = cpu_ms();
		int err = cbpf_policy_compile(src, strlen(src), opts, &prog, NULL);

		if (cpu_ms() - t0 < best)
			best = cpu_ms() - t0;
		if (err == -E2BIG)
			snprintf(outcome, sizeof(outcome), "too long: refused");
		else if (err)
			snprintf(outcome, sizeof(outcome), "error %d", err);
		else
			snprintf(outcome, sizeof(outcome), "%zu instructions", cbpf_prog_len(prog));
		cbpf_prog_free(prog);
	}
	if (!cbpf_policy_parse(src, strlen(src), opts, &pol, NULL)) {
		lsc_ms = lsc_time(pol);
		cbpf_policy_free(pol);
	}
	printf("%-38s %6zu %12.2f ", title, n, 1e3 * best / (double)n);
	if (lsc_ms > 0)
		printf("%12.2f %8.3f  %s\n", 1e3 * lsc_ms / (double)n, best / lsc_ms, outcome);
	else
		printf("%12s %8s  %s\n", lsc_ms < 0 ? "> 10 s" : "failed", "", outcome);
	free(src);
}

/*
 * Compile time per rule for 100, 1,000 and 10,000 rules of one syscall (best of three, CPU
 * time; parse and generate), and libseccomp's for the same rules (seccomp_rule_add for each,
 * then seccomp_export_bpf): issue 11's figures.
 */
static void per_rule(void)
{
	static const char *const kinds[] = { "ioctl: arg1 == N (minijail)",
					     "arg0 != i && arg1 == i (minijail)",
					     "ioctl numbers, three actions (JSON)" };
	struct cbpf_policy_opts opts = { .host = CBPF_ARCH_X86_64, .kernel = "6.1" };
	enum cbpf_arch x86_64 = CBPF_ARCH_X86_64;

	opts.arches = &x86_64;
	opts.n_arches = 1;
	printf("\ncompile time per rule, rules of one syscall, x86_64 (best of 3, CPU time)\n");
	printf("%-38s %6s %12s %12s %8s  %s\n", "", "rules", "cbpf us", "lsc us", "ratio",
	       "cbpf's outcome");
	for (int kind = 0; kind < 3; kind++) {
		opts.lang = kind == 2 ? CBPF_POLICY_JSON : CBPF_POLICY_TEXT;
		for (size_t n = 100; n <= 10000; n *= 10)
			per_rule_one(&opts, kind, n, n == 100 ? kinds[kind] : "");
	}
}

int main(int argc, char **argv)
{
	/* tools/bench.sh hands every benchmark its large capture: only a policy file counts here */
	const char *path = argc > 1 && (strstr(argv[1], ".json") || strstr(argv[1], ".policy"))
				   ? argv[1]
				   : NULL;
	struct cbpf_policy_opts opts = { .host = CBPF_ARCH_X86_64, .kernel = "6.1" };
	struct cbpf_diags diags = { 0 };
	struct cbpf_policy *pol;
	struct cbpf_prog *ours;
	struct lsc_result lsc[2];
	struct sim s_ours, s_lsc[2];
	const enum cbpf_arch *arches;
	size_t na;
	struct stat_acc all[3] = { { 0 } };
	size_t disagree = 0;
	bool ok = true;

	if (!path) {
		path = getenv("CBPF_DOCKER_PROFILE");
		for (size_t i = 0; !path && corpus[i]; i++)
			if (!access(corpus[i], R_OK))
				path = corpus[i];
		printf("profile: %s (%s)\n", path ? path : FALLBACK,
		       path ? "Docker's default profile"
			    : "Docker's default profile is absent: a committed profile of similar "
			      "size stands in");
		if (!path)
			path = FALLBACK;
	} else {
		printf("profile: %s\n", path);
	}
	if (cbpf_policy_parse_file(path, &opts, &pol, &diags)) {
		cbpf_diags_print(stderr, &diags, NULL, 0, NULL);
		return 1;
	}
	cbpf_diags_free(&diags);
	if (cbpf_policy_gen(pol, &opts, &ours, NULL) || lsc_build(pol, 0, &lsc[0]) ||
	    lsc_build(pol, 2, &lsc[1])) {
		fprintf(stderr, "policy: cannot build the filters\n");
		return 1;
	}
	if (sim_new(ours, &s_ours) || sim_new(lsc[0].prog, &s_lsc[0]) ||
	    sim_new(lsc[1].prog, &s_lsc[1]))
		return 1;
	printf("engine: %s; host x86_64, Docker's default capabilities, kernel 6.1 for minKernel\n",
	       SIM_ENGINE);
	if (lsc[0].unknown)
		printf("libseccomp %u.%u.%u does not know %zu syscall names of the profile (first: "
		       "%s): their rules are left out of its filters\n",
		       seccomp_version()->major, seccomp_version()->minor, seccomp_version()->micro,
		       lsc[0].unknown, lsc[0].first_unknown);
	printf("\n%-22s %10s %12s %12s\n", "", "cbpf", "libseccomp", "lsc tree");
	printf("%-22s %10zu %12zu %12zu   ratios %.2f %.2f\n", "size (instructions)",
	       cbpf_prog_len(ours), cbpf_prog_len(lsc[0].prog), cbpf_prog_len(lsc[1].prog),
	       (double)cbpf_prog_len(ours) / (double)cbpf_prog_len(lsc[0].prog),
	       (double)cbpf_prog_len(ours) / (double)cbpf_prog_len(lsc[1].prog));
	ok &= cbpf_prog_len(ours) <= cbpf_prog_len(lsc[1].prog);
	na = cbpf_policy_arches(pol, &arches);
	for (size_t a = 0; a < na; a++) {
		struct stat_acc st[3] = { { 0 } };
		char title[48];

		for (size_t i = 0; i < cbpf_syscall_count(); i++) {
			struct sim_data d = { .arch = cbpf_arch_audit(arches[a]) };
			uint32_t nr, r0, r1, r2;
			uint64_t n0, n1, n2;

			if (cbpf_syscall_nr(arches[a], cbpf_syscall_at(i), &nr))
				continue;
			d.nr = (int32_t)nr;
			r0 = sim_run(&s_ours, &d, &n0);
			if (r0 != CBPF_SECCOMP_RET_ALLOW)
				continue;
			r1 = sim_run(&s_lsc[0], &d, &n1);
			r2 = sim_run(&s_lsc[1], &d, &n2);
			if (r1 != r0 || r2 != r0) {
				disagree++; /* a syscall libseccomp does not know */
				continue;
			}
			acc(&st[0], n0), acc(&st[1], n1), acc(&st[2], n2);
			acc(&all[0], n0), acc(&all[1], n1), acc(&all[2], n2);
		}
		snprintf(title, sizeof(title), "%s: %zu allowed", cbpf_arch_name(arches[a]),
			 (size_t)st[0].n);
		printf("%-22s\n", title);
		printf("%-22s %10.2f %12.2f %12.2f   ratios %.2f %.2f\n", "  mean insns/syscall",
		       mean(&st[0]), mean(&st[1]), mean(&st[2]), mean(&st[0]) / mean(&st[1]),
		       mean(&st[0]) / mean(&st[2]));
		printf("%-22s %10llu %12llu %12llu   ratios %.2f %.2f\n", "  worst insns/syscall",
		       (unsigned long long)st[0].worst, (unsigned long long)st[1].worst,
		       (unsigned long long)st[2].worst, (double)st[0].worst / (double)st[1].worst,
		       (double)st[0].worst / (double)st[2].worst);
		ok &= mean(&st[0]) <= mean(&st[2]) && st[0].worst <= st[2].worst;
	}
	printf("%-22s\n", "all arches");
	printf("%-22s %10.2f %12.2f %12.2f   ratios %.2f %.2f\n", "  mean insns/syscall",
	       mean(&all[0]), mean(&all[1]), mean(&all[2]), mean(&all[0]) / mean(&all[1]),
	       mean(&all[0]) / mean(&all[2]));
	printf("%-22s %10llu %12llu %12llu   ratios %.2f %.2f\n", "  worst insns/syscall",
	       (unsigned long long)all[0].worst, (unsigned long long)all[1].worst,
	       (unsigned long long)all[2].worst, (double)all[0].worst / (double)all[1].worst,
	       (double)all[0].worst / (double)all[2].worst);
	if (disagree)
		printf("(%zu allowed syscalls left out: libseccomp gives them another action, as it "
		       "does not know them)\n",
		       disagree);
	printf("%s\n", ok ? "cbpf is at most libseccomp's binary tree in size, mean and worst"
			  : "cbpf is LARGER or SLOWER than libseccomp's binary tree somewhere");
	sim_free(&s_ours);
	sim_free(&s_lsc[0]);
	sim_free(&s_lsc[1]);
	cbpf_prog_free(ours);
	cbpf_prog_free(lsc[0].prog);
	cbpf_prog_free(lsc[1].prog);
	cbpf_policy_free(pol);
	per_rule();
	return ok ? 0 : 1;
}
