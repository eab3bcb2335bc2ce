// SPDX-License-Identifier: MIT
/* A replay's report: the denied calls by syscall, then what the trace never reached. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "cbpf/fmt.h"
#include "cbpf/replay.h"

/* An action as a policy writes it, errnos by name: errno(EPERM), as errno(1) EPERM names it. */
static void action_name(uint32_t action, char *buf, size_t size)
{
	const char *e = cbpf_errno_name((int)(action & CBPF_SECCOMP_RET_DATA));

	if ((action & CBPF_SECCOMP_RET_ACTION_FULL) == CBPF_SECCOMP_RET_ERRNO && e)
		snprintf(buf, size, "errno(%s)", e);
	else
		cbpf_seccomp_action_format(action, buf, size);
}

/* The syscall of a denial, its architecture first when the trace had several. */
static void call_name(const struct cbpf_replay_denial *d, bool arch, char *buf, size_t size)
{
	char nr[24];

	snprintf(nr, sizeof(nr), "syscall %" PRIu32, d->nr & ~CBPF_X32_SYSCALL_BIT);
	snprintf(buf, size, "%s%s%s", arch ? cbpf_arch_name(d->arch) : "", arch ? " " : "",
		 d->name ? d->name : nr);
}

static void where(const struct cbpf_policy_rule *rule, char *buf, size_t size)
{
	if (rule->file)
		snprintf(buf, size, "%s:%u", rule->file, rule->line);
	else
		snprintf(buf, size, "line %u", rule->line);
}

/* Whether rules a and b were written as one statement ("socket: arg0 == 1 || arg0 == 2" is two
 * rules of one line): the report counts statements, as the policy's reader sees them. */
static bool same_line(const struct cbpf_policy_rule *a, const struct cbpf_policy_rule *b)
{
	return a->line == b->line && !strcmp(a->syscall, b->syscall) &&
	       (a->file == b->file || (a->file && b->file && !strcmp(a->file, b->file)));
}

static bool first_of_line(const struct cbpf_policy_rule *rules, size_t i)
{
	for (size_t j = 0; j < i; j++)
		if (same_line(&rules[j], &rules[i]))
			return false;
	return true;
}

static bool line_reached(const struct cbpf_policy_rule *rules, const uint64_t *hits, size_t n,
			 size_t i)
{
	for (size_t j = i; j < n; j++)
		if (hits[j] && same_line(&rules[j], &rules[i]))
			return true;
	return false;
}

static void write_denials(FILE *fp, const struct cbpf_replay *r, bool policy)
{
	const struct cbpf_replay_denial *d;
	size_t n = cbpf_replay_denials(r, &d);
	unsigned mask = 0;
	int wn = 1, wa = 1;
	char name[96], act[48], rule[320];

	for (size_t i = 0; i < n; i++)
		mask |= 1U << d[i].arch;
	for (size_t i = 0; i < n; i++) {
		call_name(&d[i], mask & (mask - 1), name, sizeof(name));
		action_name(d[i].action, act, sizeof(act));
		if ((int)strlen(name) > wn)
			wn = (int)strlen(name);
		if ((int)strlen(act) > wa)
			wa = (int)strlen(act);
	}
	for (size_t i = 0; i < n; i++) {
		call_name(&d[i], mask & (mask - 1), name, sizeof(name));
		action_name(d[i].action, act, sizeof(act));
		fprintf(fp, "  %8" PRIu64 "  %-*s  %-*s", d[i].count, wn, name, wa, act);
		if (policy) {
			if (d[i].rule)
				where(d[i].rule, rule, sizeof(rule));
			else
				snprintf(rule, sizeof(rule), "%s action",
					 d[i].other_arch ? "bad-arch" : "default");
			fprintf(fp, "  %s", rule);
		}
		if (d[i].line)
			fprintf(fp, "  (first: line %u)", d[i].line);
		fputc('\n', fp);
	}
}

int cbpf_replay_write(FILE *fp, const struct cbpf_replay *r)
{
	uint64_t denied, calls = cbpf_replay_calls(r, &denied);
	size_t n_rules, len, unreached = 0;
	const struct cbpf_policy_rule *rules;
	const struct cbpf_insn *insns;
	const uint64_t *rule_hits = cbpf_replay_rule_hits(r, &rules, &n_rules);
	const uint64_t *hits = cbpf_replay_insn_hits(r, &insns, &len);
	char buf[320];

	fprintf(fp, "%" PRIu64 " call%s replayed: %" PRIu64 " allowed, %" PRIu64 " denied\n", calls,
		calls == 1 ? "" : "s", calls - denied, denied);
	if (denied) {
		fprintf(fp,
			"denied, by syscall (count, syscall, action%s, first line in the trace):\n",
			rule_hits ? ", deciding rule" : "");
		write_denials(fp, r, rule_hits);
	}
	if (rule_hits) {
		size_t lines = 0;

		for (size_t i = 0; i < n_rules; i++)
			if (first_of_line(rules, i)) {
				lines++;
				unreached += !line_reached(rules, rule_hits, n_rules, i);
			}
		if (!unreached)
			fprintf(fp, "every rule reached (%zu)\n", lines);
		else
			fprintf(fp, "rules never reached: %zu of %zu\n", unreached, lines);
		for (size_t i = 0; i < n_rules; i++)
			if (first_of_line(rules, i) &&
			    !line_reached(rules, rule_hits, n_rules, i)) {
				where(&rules[i], buf, sizeof(buf));
				fprintf(fp, "  %s: %s\n", buf, rules[i].syscall);
			}
	}
	unreached = 0;
	for (size_t pc = 0; pc < len; pc++)
		unreached += !hits[pc];
	if (!unreached)
		fprintf(fp, "every instruction reached (%zu)\n", len);
	else
		fprintf(fp, "instructions never reached: %zu of %zu\n", unreached, len);
	for (size_t pc = 0; pc < len; pc++)
		if (!hits[pc]) {
			cbpf_insn_format(&insns[pc], pc, buf, sizeof(buf));
			fprintf(fp, "  (%03zu) %s\n", pc, buf);
		}
	return ferror(fp) ? -EIO : 0;
}
