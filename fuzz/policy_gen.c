// SPDX-License-Identifier: MIT
/* Fuzz target: the policy compiler as a whole, its filters run against the rules' meaning. */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cbpf.h"
#include "../tests/tools/policy-model.h"

/*
 * The input is not a policy but a recipe for one, so that every input is a valid policy of
 * many rules on a few syscalls (where the generator's knowledge, memo and limits are at work):
 *
 *   byte 0      architectures (bit b of bits 0-4 asks for those of enum cbpf_arch whose
 *               index from 0 is b modulo 5: bit 0 x86_64 riscv64 mips64 ppc, bit 1 i386
 *               ppc64le mips64el s390, bit 2 x32 s390x mipsn32, bit 3 aarch64 loongarch64
 *               mipsn32el, bit 4 arm mips mipsel; none: x86_64), bit 5 the dialect (JSON),
 *               bits 6-7 the default action
 *   then rules: byte  syscall (low 4 bits), bit 4-6 action, bit 7 "or" (minijail: another
 *                     alternative of the statement before, when the syscall is the same)
 *               byte  conditions (low 3 bits)
 *               per condition: byte arg (low 3 bits, mod 6) and operator (bits 3-5), then a
 *               value: a byte under 0x80 is itself, up to 0xef one of values[], else 8 bytes
 *               follow; JSON's masked compare takes a second value
 *
 * Written as minijail text or a Docker profile, parsed and compiled; a refusal (contradicting
 * rules, too long) is fine; a filter must validate as seccomp and give, for calls built from the
 * rules' constants and their neighbours, the action the rules give (policy-model.h). Anything
 * else aborts.
 */

static const char *const syscalls[16] = {
	"read",	  "write", "close", "ioctl", "openat", "clone", "futex",     "personality",
	"socket", "prctl", "fcntl", "kill",  "dup3",   "pipe2", "getrandom", "madvise",
};

static const uint64_t values[] = {
	0,
	1,
	2,
	3,
	7,
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
	(uint64_t)-4096,
	0x5401,
};

static const char *const text_ops[8] = { "==", "!=", "<", "<=", ">", ">=", "&", "in" };
static const char *const json_ops[8] = { "SCMP_CMP_EQ",	       "SCMP_CMP_NE", "SCMP_CMP_LT",
					 "SCMP_CMP_LE",	       "SCMP_CMP_GT", "SCMP_CMP_GE",
					 "SCMP_CMP_MASKED_EQ", "SCMP_CMP_EQ" };
static const char *const json_actions[8] = {
	"SCMP_ACT_ALLOW", "SCMP_ACT_ALLOW", "SCMP_ACT_ALLOW", "SCMP_ACT_ERRNO",
	"SCMP_ACT_TRAP",  "SCMP_ACT_LOG",   "SCMP_ACT_KILL",  "SCMP_ACT_TRACE",
};
static const char *const defaults[4] = { "SCMP_ACT_ERRNO", "SCMP_ACT_KILL_PROCESS",
					 "SCMP_ACT_ALLOW", "SCMP_ACT_TRAP" };
static const char *const text_defaults[4] = { "return 1", "kill-process", "allow", "trap" };

struct reader {
	const uint8_t *p, *end;
};

static unsigned byte(struct reader *rd)
{
	return rd->p < rd->end ? *rd->p++ : 0;
}

static uint64_t value(struct reader *rd)
{
	unsigned b = byte(rd);
	uint64_t v = 0;

	if (b < 0x80)
		return b;
	if (b < 0xf0)
		return values[(b - 0x80) % (sizeof(values) / sizeof(values[0]))];
	for (int i = 0; i < 8; i++)
		v = v << 8 | byte(rd);
	return v;
}

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

/* One rule's conditions: "arg0 == 1 && arg2 & 0x4", or JSON's "args" members. */
static void conditions(struct reader *rd, struct buf *b, bool json)
{
	unsigned n = byte(rd) & 7;

	for (unsigned i = 0; i < n; i++) {
		unsigned c = byte(rd), arg = (c & 7) % 6, op = (c >> 3) & 7;
		uint64_t v = value(rd);

		if (!json) {
			put(b, "%sarg%u %s %#" PRIx64, i ? " && " : "", arg, text_ops[op], v);
			continue;
		}
		put(b, "%s{\"index\": %u, \"value\": %" PRIu64, i ? ", " : "", arg, v);
		if (op == 6)
			put(b, ", \"valueTwo\": %" PRIu64, value(rd));
		put(b, ", \"op\": \"%s\"}", json_ops[op]);
	}
}

/* The policy the recipe describes, and the architectures to ask for. */
static void write_policy(struct reader *rd, struct buf *b, bool json, unsigned dflt)
{
	int prev = -1;

	if (json)
		put(b, "{\"defaultAction\": \"%s\", \"syscalls\": [", defaults[dflt]);
	else
		put(b, "@default %s\n", text_defaults[dflt]);
	for (unsigned i = 0; rd->p < rd->end; i++) {
		unsigned r = byte(rd), act = (r >> 4) & 7;
		const char *name = syscalls[r & 15];

		if (json) {
			put(b, "%s\n{\"names\": [\"%s\"], \"action\": \"%s\", ", i ? "," : "", name,
			    json_actions[act]);
			if (act == 3 || act == 7) /* ERRNO, TRACE */
				put(b, "\"errnoRet\": %u, ", 1 + (r & 3));
			put(b, "\"args\": [");
			conditions(rd, b, true);
			put(b, "]}");
			continue;
		}
		if ((r & 0x80) && prev == (int)(r & 15)) {
			put(b, " || ");
		} else {
			put(b, "%s%s: ", prev >= 0 ? "\n" : "", name);
			if (act == 7) { /* unconditional */
				put(b, "return %u", 1 + (r & 3));
				(void)byte(rd);
				prev = -1;
				continue;
			}
		}
		prev = (int)(r & 15);
		{
			size_t at = b->len;

			conditions(rd, b, false);
			if (b->len == at)
				put(b, "arg0 >= 0"); /* no conditions: always */
		}
	}
	put(b, json ? "\n]}\n" : "\n");
}

/* Calls near a condition's constants: the value, its neighbours, the mask's other bits. */
static uint64_t edge(const struct cbpf_policy_cond *c, unsigned k, uint64_t salt)
{
	switch (k % 8) {
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
	case 5:
		return c->value ^ ((uint64_t)1 << 32);
	case 6:
		return (uint32_t)c->value + 1;
	default:
		return salt;
	}
}

static void check_filter(const struct cbpf_policy *pol, const struct cbpf_prog *prog, uint64_t salt)
{
	const struct cbpf_policy_rule *rules;
	size_t n = cbpf_policy_rules(pol, &rules), step = n / 64 + 1;
	const enum cbpf_arch *arches;
	size_t na = cbpf_policy_arches(pol, &arches);
	struct sim sim;

	if (cbpf_check(prog, CBPF_CHECK_SECCOMP, NULL) || sim_new(prog, &sim))
		abort();
	for (size_t r = 0; r < n; r += step) {
		for (size_t a = 0; a < na; a++) {
			struct sim_data d = { .arch = cbpf_arch_audit(arches[a]) };
			uint32_t nr;

			if (cbpf_syscall_nr(arches[a], rules[r].syscall, &nr))
				continue;
			d.nr = (int32_t)nr;
			for (unsigned k = 0; k < 8; k++) {
				for (unsigned i = 0; i < 6; i++)
					d.args[i] = salt >> (8 * i) & 3;
				/* this rule's constants, and another's, on the same call */
				for (size_t c = 0; c < rules[r].n_conds; c++)
					d.args[rules[r].conds[c].arg] =
						edge(&rules[r].conds[c], k, salt);
				for (size_t c = 0; k & 1 && c < rules[(r + k) % n].n_conds; c++)
					d.args[rules[(r + k) % n].conds[c].arg] =
						edge(&rules[(r + k) % n].conds[c], k >> 1, salt);
				if (sim_run(&sim, &d, NULL) != model_eval(pol, &d)) {
					fprintf(stderr,
						"policy_gen: %s on %s, args %#" PRIx64 " %#" PRIx64
						" %#" PRIx64
						": the filter gives %#x, the rules %#x\n",
						rules[r].syscall, cbpf_arch_name(arches[a]),
						d.args[0], d.args[1], d.args[2],
						sim_run(&sim, &d, NULL), model_eval(pol, &d));
					abort();
				}
			}
		}
	}
	sim_free(&sim);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct reader rd = { data, data + size };
	unsigned head = byte(&rd);
	bool json = head & 0x20;
	enum cbpf_arch arches[CBPF_ARCH_COUNT];
	struct cbpf_policy_opts opts = {
		.file = json ? "fuzz.json" : "fuzz.policy",
		.lang = json ? CBPF_POLICY_JSON : CBPF_POLICY_TEXT,
		.host = CBPF_ARCH_X86_64,
		.kernel = "6.1",
		.arches = arches,
		.lenient = true,
		.no_includes = true,
	};
	struct cbpf_diags diags = { 0 };
	struct cbpf_policy *pol = NULL;
	struct cbpf_prog *prog = NULL;
	struct buf b = { 0 };
	uint64_t salt = 0;
	int err;

	for (int i = 0; i < CBPF_ARCH_COUNT; i++)
		if (head & (1U << (i % 5)))
			arches[opts.n_arches++] = (enum cbpf_arch)(CBPF_ARCH_X86_64 + i);
	if (!opts.n_arches)
		arches[opts.n_arches++] = CBPF_ARCH_X86_64;
	for (size_t i = 0; i < size && i < 8; i++)
		salt = salt << 8 | data[size - 1 - i];
	write_policy(&rd, &b, json, head >> 6);
	err = cbpf_policy_parse(b.p, b.len, &opts, &pol, &diags);
	if (!err) {
		err = cbpf_policy_gen(pol, &opts, &prog, &diags);
		if (!err)
			check_filter(pol, prog, salt);
		else if (err != -E2BIG || !diags.errors)
			abort(); /* only "too long" may refuse a parsed policy, and says so */
	} else if (err != -EINVAL || !diags.errors) {
		abort(); /* a refusal says why */
	}
	cbpf_prog_free(prog);
	cbpf_policy_free(pol);
	cbpf_diags_free(&diags);
	free(b.p);
	return 0;
}
