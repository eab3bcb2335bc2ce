/* SPDX-License-Identifier: MIT */
/* Random seccomp policies for the tests: Docker profiles and minijail text, from a fixed seed. */
#ifndef CBPF_TESTS_POLICY_RANDOM_H
#define CBPF_TESTS_POLICY_RANDOM_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "cbpf.h"

static uint64_t rng_state = 0x853c49e6748fea9bULL;

static inline uint64_t rnd(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dULL;
}

static inline unsigned below(unsigned n)
{
	return (unsigned)(rnd() % n);
}

static inline uint64_t interesting(void)
{
	static const uint64_t v[] = {
		0,
		1,
		2,
		3,
		7,
		0x26,
		0x28,
		0x7f,
		0x80,
		0xff,
		0x100,
		0x7fffffff,
		0x80000000,
		0xfffffffe,
		0xffffffff,
		0x100000000ULL,
		0x100000001ULL,
		0x1ffffffffULL,
		0xffffffff00000000ULL,
		0x8000000000000000ULL,
		UINT64_MAX,
		UINT64_MAX - 1,
	};

	switch (below(4)) {
	case 0:
		return rnd();
	case 1:
		return (uint32_t)rnd();
	default:
		return v[below(sizeof(v) / sizeof(v[0]))];
	}
}

static inline const char *random_name(const enum cbpf_arch *arches, size_t na)
{
	for (;;) {
		const char *n = cbpf_syscall_at(below((unsigned)cbpf_syscall_count()));
		uint32_t nr;

		if (!strcmp(n, "sync_file_range2")) /* arm's alias: two names, one syscall */
			continue;

		for (size_t i = 0; i < na; i++)
			if (!cbpf_syscall_nr(arches[i], n, &nr))
				return n;
	}
}

static inline const char *json_action(uint32_t *act, bool *with_errno)
{
	static const struct {
		const char *name;
		uint32_t act;
	} acts[] = {
		{ "SCMP_ACT_ALLOW", CBPF_SECCOMP_RET_ALLOW },
		{ "SCMP_ACT_ERRNO", CBPF_SECCOMP_RET_ERRNO },
		{ "SCMP_ACT_KILL_PROCESS", CBPF_SECCOMP_RET_KILL_PROCESS },
		{ "SCMP_ACT_KILL", CBPF_SECCOMP_RET_KILL_THREAD },
		{ "SCMP_ACT_TRAP", CBPF_SECCOMP_RET_TRAP },
		{ "SCMP_ACT_LOG", CBPF_SECCOMP_RET_LOG },
		{ "SCMP_ACT_TRACE", CBPF_SECCOMP_RET_TRACE },
	};
	unsigned i = below(10);

	if (i >= 7)
		i = i == 9 ? 1 : 0; /* allow and errno more often */
	*act = acts[i].act;
	*with_errno =
		acts[i].act == CBPF_SECCOMP_RET_ERRNO || acts[i].act == CBPF_SECCOMP_RET_TRACE;
	return acts[i].name;
}

/* A Docker profile; loose: several conditional rules a syscall; mixed: each with its own action
 * (they may overlap: a contradiction cbpf must refuse). */
static inline char *random_json(enum cbpf_arch *arches, size_t *na, bool loose, bool mixed)
{
	static const char *const ops[] = { "SCMP_CMP_EQ",	"SCMP_CMP_NE", "SCMP_CMP_LT",
					   "SCMP_CMP_LE",	"SCMP_CMP_GT", "SCMP_CMP_GE",
					   "SCMP_CMP_MASKED_EQ" };
	static const char *const scmp[] = {
		NULL,
		"SCMP_ARCH_X86_64",
		"SCMP_ARCH_X86",
		"SCMP_ARCH_X32",
		"SCMP_ARCH_AARCH64",
		"SCMP_ARCH_ARM",
		"SCMP_ARCH_RISCV64",
		"SCMP_ARCH_PPC64LE",
		"SCMP_ARCH_S390X",
		"SCMP_ARCH_LOONGARCH64",
		"SCMP_ARCH_MIPS",
		"SCMP_ARCH_MIPSEL",
		"SCMP_ARCH_MIPS64",
		"SCMP_ARCH_MIPSEL64",
		"SCMP_ARCH_MIPS64N32",
		"SCMP_ARCH_MIPSEL64N32",
		"SCMP_ARCH_PPC",
		"SCMP_ARCH_S390",
	};
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	uint32_t dflt, act;
	bool we;
	const char *dname = json_action(&dflt, &we);
	unsigned nsys = 1 + below(30);

	*na = 0;
	/* One endianness a policy, as libseccomp builds only those (and runc's profiles are so):
	 * one in six big-endian (s390x, mips, mips64, mipsn32, ppc, s390); the little-endian
	 * first five at even odds, the newer ones rarer, since every one costs the sweeps. */
	bool be = below(6) == 0;

	for (enum cbpf_arch a = CBPF_ARCH_X86_64; a <= CBPF_ARCH_S390; a++)
		if (!(cbpf_arch_audit(a) & 0x40000000U) == be &&
		    below(be || a <= CBPF_ARCH_ARM ? 2 : 8) == 0)
			arches[(*na)++] = a;
	if (!*na)
		arches[(*na)++] = be ? CBPF_ARCH_S390X : (enum cbpf_arch)(1 + below(5));
	fprintf(f, "{\n\t\"defaultAction\": \"%s\",\n", dname);
	if (we)
		fprintf(f, "\t\"defaultErrnoRet\": %u,\n", below(200));
	fprintf(f, "\t\"architectures\": [");
	for (size_t i = 0; i < *na; i++)
		fprintf(f, "%s\"%s\"", i ? ", " : "", scmp[arches[i]]);
	fprintf(f, "],\n\t\"syscalls\": [\n");
	const char *used[64];
	unsigned nused = 0;

	for (unsigned s = 0; s < nsys; s++) {
		const char *name = random_name(arches, *na);
		unsigned nrules = loose ? below(4) : below(2);
		bool dup = !strcmp(name, "getpid");

		for (unsigned i = 0; i < nused; i++)
			dup |= used[i] == name;
		if (dup)
			continue;
		used[nused++] = name;
		const char *aname;
		unsigned errno_ret = below(4096);

		do
			aname = json_action(&act, &we);
		while ((act | (we ? errno_ret : 0)) == dflt || (we && errno_ret == 0 && below(2)));
		if (nrules == 0) {
			fprintf(f, "\t\t{ \"names\": [\"%s\"], \"action\": \"%s\"", name, aname);
			if (we)
				fprintf(f, ", \"errnoRet\": %u", errno_ret);
			fprintf(f, " },\n");
			continue;
		}
		for (unsigned r = 0; r < nrules; r++) {
			unsigned nconds = 1 + below(3), args_used = 0;

			if (mixed && r)
				do
					aname = json_action(&act, &we);
				while ((act | (we ? errno_ret : 0)) == dflt);

			fprintf(f, "\t\t{ \"names\": [\"%s\"], \"action\": \"%s\"", name, aname);
			if (we)
				fprintf(f, ", \"errnoRet\": %u", errno_ret);
			fprintf(f, ", \"args\": [");
			for (unsigned c = 0; c < nconds; c++) {
				unsigned arg, op = below(7);
				uint64_t v = interesting(), m = interesting();

				do
					arg = mixed ? below(3)
						    : below(6); /* mixed: overlaps likelier */
				while (args_used & (1U << arg));
				args_used |= 1U << arg;
				if (op == 6) {
					if (below(4))
						v &= m;
					fprintf(f,
						"%s{ \"index\": %u, \"value\": %llu, \"valueTwo\": %llu, "
						"\"op\": \"%s\" }",
						c ? ", " : "", arg, (unsigned long long)m,
						(unsigned long long)v, ops[op]);
				} else {
					fprintf(f,
						"%s{ \"index\": %u, \"value\": %llu, \"op\": \"%s\" }",
						c ? ", " : "", arg, (unsigned long long)v, ops[op]);
				}
			}
			fprintf(f, "] },\n");
		}
	}
	fprintf(f, "\t\t{ \"names\": [\"getpid\"], \"action\": \"SCMP_ACT_ALLOW\" }\n\t]\n}\n");
	fclose(f);
	return buf;
}

/* A minijail policy: actions, DNF expressions with all operators, "; return" fallbacks. */
static inline char *random_text(void)
{
	static const char *const ops[] = { "==", "!=", "<", "<=", ">", ">=", "&", "in" };
	static const char *const acts[] = { "allow", "1",     "kill-process", "kill-thread", "trap",
					    "log",   "trace", "return 13",    "return EPERM" };
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	unsigned nsys = 1 + below(20);
	const char *seen[32];

	if (below(2))
		fprintf(f, "@default %s\n", below(2) ? "kill-thread" : "trap");
	for (unsigned s = 0; s < nsys; s++) {
		enum cbpf_arch host = CBPF_ARCH_X86_64;
		const char *name = random_name(&host, 1);
		bool dup = false;

		for (unsigned i = 0; i < s; i++)
			dup |= seen[i] == name;
		seen[s] = name;
		if (dup)
			continue;
		if (below(3) == 0) {
			fprintf(f, "%s: %s\n", name, acts[below(9)]);
			continue;
		}
		fprintf(f, "%s: ", name);
		for (unsigned c = 0, n = 1 + below(3); c < n; c++) {
			for (unsigned a = 0, na = 1 + below(2); a < na; a++) {
				uint64_t v = interesting();

				if (below(3) == 0)
					v &= 0xffff;
				fprintf(f, "%sarg%u %s %s%#llx", a ? " && " : "", below(6),
					ops[below(8)], below(8) == 0 ? "~" : "",
					(unsigned long long)v);
			}
			if (c + 1 < n)
				fprintf(f, " || ");
		}
		if (below(2))
			fprintf(f, "; return %u", below(100));
		fprintf(f, "\n");
	}
	fclose(f);
	return buf;
}

#endif
