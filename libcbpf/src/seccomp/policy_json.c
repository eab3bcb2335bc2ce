// SPDX-License-Identifier: MIT
/* Docker / OCI seccomp profiles: what a profile means, as Docker and runc read it. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/utsname.h>

#include "seccomp/policy_host.h"
#include "seccomp/policy_json.h"
#include "seccomp/systab.h"

/* runc's getAction: SCMP_ACT_* with errnoRet for ERRNO and TRACE (EPERM without). */
static bool get_action(struct profile *pr, const struct jval *v, const struct jval *errno_ret,
		       const char *errno_what, uint32_t *out)
{
	static const struct {
		const char *name;
		uint32_t action;
		bool data;
	} acts[] = {
		{ "SCMP_ACT_KILL", CBPF_SECCOMP_RET_KILL_THREAD, false },
		{ "SCMP_ACT_KILL_THREAD", CBPF_SECCOMP_RET_KILL_THREAD, false },
		{ "SCMP_ACT_KILL_PROCESS", CBPF_SECCOMP_RET_KILL_PROCESS, false },
		{ "SCMP_ACT_TRAP", CBPF_SECCOMP_RET_TRAP, false },
		{ "SCMP_ACT_ERRNO", CBPF_SECCOMP_RET_ERRNO, true },
		{ "SCMP_ACT_TRACE", CBPF_SECCOMP_RET_TRACE, true },
		{ "SCMP_ACT_ALLOW", CBPF_SECCOMP_RET_ALLOW, false },
		{ "SCMP_ACT_LOG", CBPF_SECCOMP_RET_LOG, false },
		{ "SCMP_ACT_NOTIFY", CBPF_SECCOMP_RET_USER_NOTIF, false },
	};
	uint64_t data = 1; /* EPERM */

	if (!prof_want(pr, v, J_STR, "an action"))
		return false;
	for (size_t i = 0; i < sizeof(acts) / sizeof(acts[0]); i++) {
		if (strcmp(v->str, acts[i].name))
			continue;
		if (errno_ret && errno_ret->type != J_NULL &&
		    !prof_uint(pr, errno_ret, 0xffff, errno_what, &data))
			return false;
		*out = acts[i].action | (acts[i].data ? (uint32_t)data : 0);
		return true;
	}
	prof_err(pr, v,
		 "unknown action " DIAG_QF " (SCMP_ACT_ALLOW, SCMP_ACT_ERRNO, SCMP_ACT_KILL, "
		 "SCMP_ACT_KILL_PROCESS, SCMP_ACT_KILL_THREAD, SCMP_ACT_TRAP, SCMP_ACT_TRACE, "
		 "SCMP_ACT_LOG, SCMP_ACT_NOTIFY)",
		 JQ(v));
	return false;
}

/*
 * containers/common's "errno" and "defaultErrno" (Podman, CRI-O): an errno name beside the
 * number. containers/common hands only errnoRet and defaultErrnoRet on to the runtime (pkg/seccomp
 * setupSeccomp, createSpecsSyscall), so runc never reads the name: a name that says otherwise
 * than the action's number is worth a warning.
 */
static void check_errno_name(struct profile *pr, const struct jval *name, uint32_t act,
			     const char *ret_what)
{
	int e;

	if (!name || name->type != J_STR || !name->n)
		return;
	if (cbpf_errno_parse(name->str, &e)) {
		prof_warn(pr, name, "unknown errno name " DIAG_QF ": runc reads only '%s'",
			  JQ(name), ret_what);
		return;
	}
	if ((act & CBPF_SECCOMP_RET_ACTION_FULL) != CBPF_SECCOMP_RET_ERRNO ||
	    (act & ~CBPF_SECCOMP_RET_ACTION_FULL) == (uint32_t)e)
		return;
	prof_warn(pr, name,
		  DIAG_QF " (%d) is not the errno runc returns, %u ('%s', EPERM without it): runc "
			  "reads only '%s'",
		  JQ(name), e, act & ~CBPF_SECCOMP_RET_ACTION_FULL, ret_what, ret_what);
}

/* libseccomp's architecture tokens; only some have tables in cbpf. */
static const char *const scmp_arches[] = {
	"SCMP_ARCH_NATIVE",
	"SCMP_ARCH_X86",
	"SCMP_ARCH_X86_64",
	"SCMP_ARCH_X32",
	"SCMP_ARCH_ARM",
	"SCMP_ARCH_AARCH64",
	"SCMP_ARCH_LOONGARCH64",
	"SCMP_ARCH_M68K",
	"SCMP_ARCH_MIPS",
	"SCMP_ARCH_MIPS64",
	"SCMP_ARCH_MIPS64N32",
	"SCMP_ARCH_MIPSEL",
	"SCMP_ARCH_MIPSEL64",
	"SCMP_ARCH_MIPSEL64N32",
	"SCMP_ARCH_PPC",
	"SCMP_ARCH_PPC64",
	"SCMP_ARCH_PPC64LE",
	"SCMP_ARCH_S390",
	"SCMP_ARCH_S390X",
	"SCMP_ARCH_PARISC",
	"SCMP_ARCH_PARISC64",
	"SCMP_ARCH_RISCV64",
	"SCMP_ARCH_SH",
	"SCMP_ARCH_SHEB",
	NULL,
};

/* An SCMP_ARCH_* token: 1 with *arch set, 0 known but without a table here, -1 unknown. */
static int scmp_arch(struct profile *pr, const char *name, enum cbpf_arch *arch)
{
	if (!strcmp(name, "SCMP_ARCH_NATIVE")) {
		*arch = pr->ctx->host;
		return 1;
	}
	for (size_t i = 0; scmp_arches[i]; i++)
		if (!strcmp(name, scmp_arches[i]))
			return cbpf_arch_parse(name, arch) ? 0 : 1;
	return -1;
}

static bool check_scmp_arch(struct profile *pr, const struct jval *v)
{
	enum cbpf_arch a;

	if (!prof_want(pr, v, J_STR, "an architecture"))
		return false;
	if (scmp_arch(pr, v->str, &a) < 0) {
		prof_err(pr, v,
			 "unknown architecture " DIAG_QF " (SCMP_ARCH_X86_64, SCMP_ARCH_X86, "
			 "SCMP_ARCH_X32, SCMP_ARCH_AARCH64, SCMP_ARCH_ARM, ...)",
			 JQ(v));
		return false;
	}
	return true;
}

/* Adds an SCMP_ARCH_* the filter will check; one without a table is an error (lenient: warning). */
static void use_scmp_arch(struct profile *pr, const struct jval *v)
{
	enum cbpf_arch a;
	int r;

	if (!check_scmp_arch(pr, v))
		return;
	r = scmp_arch(pr, v->str, &a);
	if (r == 0) {
		if (pr->ctx->opts->lenient)
			prof_warn(pr, v,
				  "architecture " DIAG_QF
				  " skipped: cbpf has no syscall table for it",
				  JQ(v));
		else {
			char names[160];

			cbpf_arch_names(names, sizeof(names), ", ", true);
			prof_err(pr, v, "architecture " DIAG_QF " is not supported (%s)", JQ(v),
				 names);
		}
		return;
	}
	if (!pr->ctx->have_arches)
		policy_add_arch(pr->ctx->pol, a);
}

static void do_architectures(struct profile *pr, const struct jval *v)
{
	if (v->type == J_NULL || !prof_want(pr, v, J_ARR, "architectures"))
		return;
	for (size_t i = 0; i < v->n; i++)
		use_scmp_arch(pr, &v->items[i]);
}

/* Docker: the archMap entry of the host's architecture, then its subArchitectures. */
static void do_arch_map(struct profile *pr, const struct jval *v)
{
	bool used = false;

	if (v->type == J_NULL || !prof_want(pr, v, J_ARR, "archMap"))
		return;
	for (size_t i = 0; i < v->n; i++) {
		const struct jval *e = &v->items[i], *arch, *subs;

		if (!prof_want(pr, e, J_OBJ, "an archMap entry"))
			continue;
		arch = prof_member(e, "architecture");
		subs = prof_member(e, "subArchitectures");
		if (!arch) {
			prof_err(pr, e, "archMap entry without 'architecture'");
			continue;
		}
		if (!check_scmp_arch(pr, arch))
			continue;
		if (subs && subs->type != J_NULL && prof_want(pr, subs, J_ARR, "subArchitectures"))
			for (size_t j = 0; j < subs->n; j++)
				check_scmp_arch(pr, &subs->items[j]);
		if (used || !pr->host_scmp || strcmp(arch->str, pr->host_scmp))
			continue;
		used = true;
		use_scmp_arch(pr, arch);
		if (subs && subs->type == J_ARR)
			for (size_t j = 0; j < subs->n; j++)
				if (subs->items[j].type == J_STR)
					use_scmp_arch(pr, &subs->items[j]);
	}
}

static bool str_in(const struct jval *arr, const char *s)
{
	for (size_t i = 0; arr && arr->type == J_ARR && i < arr->n; i++)
		if (arr->items[i].type == J_STR && !strcmp(arr->items[i].str, s))
			return true;
	return false;
}

/* -1: not a valid filter; 0: the rule is left out; 1: kept. */
static int check_filter(struct profile *pr, const struct jval *f, bool includes)
{
	const struct jval *caps, *arches, *mink;
	const char *what = includes ? "includes" : "excludes";
	int keep = 1;

	if (!f || f->type == J_NULL)
		return 1;
	if (!prof_want(pr, f, J_OBJ, what))
		return -1;
	caps = prof_member(f, "caps");
	arches = prof_member(f, "arches");
	mink = prof_member(f, "minKernel");
	if (caps && caps->type != J_NULL) {
		if (!prof_want(pr, caps, J_ARR, "caps"))
			return -1;
		for (size_t i = 0; i < caps->n; i++) {
			const struct jval *c = &caps->items[i];
			bool known_cap = policy_cap_known(c->str);
			int cap;

			if (!prof_want(pr, c, J_STR, "a capability"))
				return -1;
			if (!known_cap && !cbpf_cap_parse(c->str, &cap))
				prof_warn(pr, c,
					  "capability " DIAG_QF " matches none of the container's: "
					  "Docker compares '%s' exactly",
					  JQ(c), policy_cap_name(cap));
			else if (!known_cap)
				prof_warn(pr, c, "unknown capability " DIAG_QF, JQ(c));
			/* includes: all of them needed; excludes: any of them is enough. */
			if (includes && !policy_has_cap(pr->ctx->opts->caps, c->str))
				keep = 0;
			if (!includes && policy_has_cap(pr->ctx->opts->caps, c->str))
				keep = 0;
		}
	}
	if (arches && arches->type != J_NULL) {
		if (!prof_want(pr, arches, J_ARR, "arches"))
			return -1;
		for (size_t i = 0; i < arches->n; i++) {
			const struct jval *a = &arches->items[i];
			bool known_arch = policy_docker_arch_known(a->str);

			if (!prof_want(pr, a, J_STR, "an architecture"))
				return -1;
			if (!known_arch)
				prof_warn(pr, a,
					  "unknown architecture " DIAG_QF
					  " (Docker names: amd64, x86, arm64, arm, ...)",
					  JQ(a));
		}
		/*
		 * moby profiles/seccomp setupSeccomp: decided once, by the name of the machine the
		 * container runs on (goToNative[runtime.GOARCH]), for every architecture of the
		 * filter.
		 */
		if (arches->n && includes != str_in(arches, arch_docker_name(pr->ctx->host)))
			keep = 0;
	}
	if (mink && mink->type != J_NULL) {
		unsigned major, minor;
		bool ge;

		if (!prof_want(pr, mink, J_STR, "minKernel"))
			return -1;
		/* go_decode checked it; "" is a KernelVersion left 0.0, which every kernel meets */
		if (!mink->n)
			major = minor = 0;
		else if (!moby_kernel_version(mink->str, &major, &minor)) {
			prof_err(pr, mink, "bad kernel version " DIAG_QF, JQ(mink));
			return -1;
		}
		ge = pr->kmajor > major || (pr->kmajor == major && pr->kminor >= minor);
		if (includes != ge)
			keep = 0;
	}
	return keep;
}

static bool get_cmp(struct profile *pr, const struct jval *v, enum cbpf_cmp *op)
{
	static const struct {
		const char *name;
		enum cbpf_cmp op;
	} ops[] = {
		{ "SCMP_CMP_NE", CBPF_CMP_NE },
		{ "SCMP_CMP_LT", CBPF_CMP_LT },
		{ "SCMP_CMP_LE", CBPF_CMP_LE },
		{ "SCMP_CMP_EQ", CBPF_CMP_EQ },
		{ "SCMP_CMP_GE", CBPF_CMP_GE },
		{ "SCMP_CMP_GT", CBPF_CMP_GT },
		{ "SCMP_CMP_MASKED_EQ", CBPF_CMP_MASKED_EQ },
	};

	if (!prof_want(pr, v, J_STR, "op"))
		return false;
	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
		if (!strcmp(v->str, ops[i].name)) {
			*op = ops[i].op;
			return true;
		}
	prof_err(pr, v,
		 "unknown comparison " DIAG_QF " (SCMP_CMP_EQ, SCMP_CMP_NE, SCMP_CMP_LT, "
		 "SCMP_CMP_LE, SCMP_CMP_GT, SCMP_CMP_GE, SCMP_CMP_MASKED_EQ)",
		 JQ(v));
	return false;
}

static bool get_arg(struct profile *pr, const struct jval *v, struct cbpf_policy_cond *c)
{
	const struct jval *index, *value, *two, *op;
	uint64_t idx = 0, val = 0, val2 = 0;

	if (!prof_want(pr, v, J_OBJ, "an argument condition"))
		return false;
	index = prof_member(v, "index");
	value = prof_member(v, "value");
	two = prof_member(v, "valueTwo");
	op = prof_member(v, "op");
	if (!op) {
		prof_err(pr, v, "argument condition without 'op'");
		return false;
	}
	if (index && !prof_uint(pr, index, UINT64_MAX, "index", &idx))
		return false;
	if (idx > 5) {
		prof_err(pr, index,
			 "argument index %llu is over 5 (a syscall has six arguments, 0 to 5)",
			 (unsigned long long)idx);
		return false;
	}
	if (value && !prof_uint(pr, value, UINT64_MAX, "value", &val))
		return false;
	if (two && !prof_uint(pr, two, UINT64_MAX, "valueTwo", &val2))
		return false;
	if (!get_cmp(pr, op, &c->op))
		return false;
	c->arg = (unsigned)idx;
	c->mask = UINT64_MAX;
	c->value = val;
	/*
	 * libseccomp-golang MakeCondition: for MASKED_EQ the first value is the mask. libseccomp
	 * compares the masked argument with the masked datum (seccomp_rule_add(3)).
	 */
	if (c->op == CBPF_CMP_MASKED_EQ) {
		c->mask = val;
		c->value = val2 & val;
	}
	return true;
}

static void add_rules(struct profile *pr, const struct jval *names, const struct jval *name,
		      uint32_t act, const struct cbpf_policy_cond *conds, size_t n_conds,
		      bool same_arg);

/* s decoded, raw as written (NULL: not known), for what the decoding skips */
static void do_syscall(struct profile *pr, const struct jval *s, const struct jval *raw)
{
	const struct jval *names, *name, *action, *errno_ret, *args, *incl, *excl;
	struct cbpf_policy_cond *conds = NULL;
	size_t n_conds = 0, argcount[6] = { 0 };
	bool same_arg = false, ok = true;
	uint32_t act = 0;
	int keep;

	if (!prof_want(pr, s, J_OBJ, "a syscalls entry"))
		return;
	names = prof_member(s, "names");
	name = prof_member(s, "name");
	action = prof_member(s, "action");
	errno_ret = prof_member(s, "errnoRet");
	args = prof_member(s, "args");
	incl = prof_member(s, "includes");
	excl = prof_member(s, "excludes");
	if (names && names->type == J_NULL)
		names = NULL;
	if (name && name->type == J_STR && !name->n)
		name = NULL;
	/* moby setupSeccomp: a name with no names (or an empty list) is the list */
	if (names && name && names->type == J_ARR && !names->n)
		names = NULL;
	if (names && name) {
		prof_err(pr, name, "a syscalls entry has both 'name' and 'names': use one");
		return;
	}
	if (!names && !name) {
		prof_err(pr, s, "a syscalls entry without 'names'");
		return;
	}
	if (names && !prof_want(pr, names, J_ARR, "names"))
		return;
	if (name && !prof_want(pr, name, J_STR, "name"))
		return;
	if (!action) {
		prof_err(pr, s, "a syscalls entry without 'action'");
		return;
	}
	ok = get_action(pr, action, errno_ret, "errnoRet", &act);
	if (ok && raw && raw->type == J_OBJ)
		check_errno_name(pr, prof_member(raw, "errno"), act, "errnoRet");
	if (args && args->type != J_NULL && prof_want(pr, args, J_ARR, "args")) {
		/* No limit but memory: runc makes a rule of each condition on a repeated argument.
		 */
		conds = args->n ? calloc(args->n, sizeof(*conds)) : NULL;
		if (args->n && !conds) {
			if (!pr->ctx->err)
				pr->ctx->err = -ENOMEM;
			return;
		}
		for (size_t i = 0; i < args->n; i++) {
			if (!get_arg(pr, &args->items[i], &conds[n_conds])) {
				ok = false;
				continue;
			}
			if (++argcount[conds[n_conds].arg] > 1)
				same_arg = true;
			n_conds++;
		}
	} else if (args && args->type != J_NULL) {
		ok = false;
	}
	/* Every name is checked, even in an entry left out for this host: typos show. */
	for (size_t i = 0; i < (names ? names->n : 1); i++) {
		const struct jval *nv = names ? &names->items[i] : name;

		if (!prof_want(pr, nv, J_STR, "a syscall name")) {
			ok = false;
			continue;
		}
		/* a name no architecture has is a typo: an error, or (lenient) left out as runc
		 * leaves out every name libseccomp does not know */
		if (!cbpf_syscall_exists(nv->str)) {
			char hint[SYSTAB_HINT_SIZE];

			systab_hint(CBPF_ARCH_NONE, nv->str, hint, sizeof(hint));
			if (pr->ctx->opts->lenient) {
				prof_warn(pr, nv,
					  "unknown syscall " DIAG_QF "%s left out, as runc "
					  "leaves it out",
					  JQ(nv), hint);
				continue;
			}
			prof_err(pr, nv,
				 "unknown syscall " DIAG_QF "%s; runc leaves out the names "
				 "libseccomp does not know, and --lenient does too",
				 JQ(nv), hint);
			ok = false;
		}
	}
	keep = check_filter(pr, excl, false);
	if (keep > 0)
		keep = check_filter(pr, incl, true);
	/* runc matchCall: a rule with the default action is redundant and left out. */
	if (ok && keep > 0 && act != pr->default_action)
		add_rules(pr, names, name, act, conds, n_conds, same_arg);
	free(conds);
}

/* The rules of one syscalls entry, for each of its names this machine's tables know. */
static void add_rules(struct profile *pr, const struct jval *names, const struct jval *name,
		      uint32_t act, const struct cbpf_policy_cond *conds, size_t n_conds,
		      bool same_arg)
{
	for (size_t i = 0; i < (names ? names->n : 1); i++) {
		const struct jval *nv = names ? &names->items[i] : name;
		const char *sys;

		if (!cbpf_syscall_exists(nv->str))
			continue;
		sys = policy_strdup(pr->ctx, nv->str, nv->n);
		if (!sys)
			return;

		if (!same_arg) {
			policy_add_rule(pr->ctx, sys, act, false, conds, n_conds, 0, pr->file,
					nv->line, nv->col);
			continue;
		}
		/* runc: conditions sharing an argument become one rule each (any of them). */
		for (size_t c = 0; c < n_conds; c++)
			policy_add_rule(pr->ctx, sys, act, false, &conds[c], 1, 0, pr->file,
					nv->line, nv->col);
	}
}

/* runtime-spec LinuxSeccompFlag: what runc passes to seccomp(2) (NEW_LISTENER is its own). */
static void do_flags(struct profile *pr, const struct jval *v)
{
	static const struct {
		const char *name;
		unsigned flag;
	} known[] = {
		{ "SECCOMP_FILTER_FLAG_TSYNC", CBPF_SECCOMP_FLAG_TSYNC },
		{ "SECCOMP_FILTER_FLAG_LOG", CBPF_SECCOMP_FLAG_LOG },
		{ "SECCOMP_FILTER_FLAG_SPEC_ALLOW", CBPF_SECCOMP_FLAG_SPEC_ALLOW },
		{ "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV", CBPF_SECCOMP_FLAG_WAIT_KILLABLE_RECV },
	};

	for (size_t i = 0; i < v->n; i++) {
		const struct jval *f = &v->items[i];
		size_t k;

		if (!prof_want(pr, f, J_STR, "a flag"))
			continue;
		for (k = 0; k < sizeof(known) / sizeof(known[0]); k++)
			if (!strcmp(f->str, known[k].name))
				break;
		if (k == sizeof(known) / sizeof(known[0]))
			prof_err(pr, f,
				 "unknown flag " DIAG_QF " (SECCOMP_FILTER_FLAG_TSYNC, _LOG, "
				 "_SPEC_ALLOW, _WAIT_KILLABLE_RECV)",
				 JQ(f));
		else
			pr->ctx->pol->flags |= known[k].flag;
	}
}

static void do_profile(struct profile *pr, const struct jval *top)
{
	const struct jval *dflt, *dflt_errno, *arches, *archmap, *syscalls, *flags;
	const struct jval *raw = top, *raw_calls = NULL;
	unsigned errors = pr->ctx->errors;

	if (!prof_want(pr, top, J_OBJ, "a seccomp profile"))
		return;
	/* Go's json.Unmarshal fails as a whole on any of go_decode's errors: Docker stops there */
	top = go_decode_profile(pr, top);
	if (!top || pr->ctx->err || pr->ctx->errors > errors)
		return;
	dflt = prof_member(top, "defaultAction");
	dflt_errno = prof_member(top, "defaultErrnoRet");
	arches = prof_member(top, "architectures");
	archmap = prof_member(top, "archMap");
	syscalls = prof_member(top, "syscalls");
	flags = prof_member(top, "flags");
	if (!dflt) {
		prof_err(pr, top, "the profile has no 'defaultAction'");
		return;
	}
	if (!get_action(pr, dflt, dflt_errno, "defaultErrnoRet", &pr->default_action))
		return;
	check_errno_name(pr, prof_member(raw, "defaultErrno"), pr->default_action,
			 "defaultErrnoRet");
	pr->ctx->have_default = true;
	if (!pr->ctx->opts->has_default_action)
		pr->ctx->pol->default_action = pr->default_action;
	else
		pr->default_action = pr->ctx->opts->default_action;
	if (arches && arches->type == J_ARR && arches->n && archmap && archmap->type == J_ARR &&
	    archmap->n) {
		prof_err(pr, archmap, "both 'architectures' and 'archMap' are given: use one");
		return;
	}
	if (arches)
		do_architectures(pr, arches);
	if (archmap)
		do_arch_map(pr, archmap);
	/*
	 * runc's filter starts as libseccomp's seccomp_init, which holds the native architecture,
	 * and the profile's are added to it: the machine's own is always in (an x86_64-only profile
	 * on an arm64 host filters aarch64 too).
	 */
	if (!pr->ctx->have_arches)
		policy_add_arch(pr->ctx->pol, pr->ctx->host);
	if (flags && flags->type != J_NULL && prof_want(pr, flags, J_ARR, "flags"))
		do_flags(pr, flags);
	if (!syscalls || syscalls->type == J_NULL)
		return;
	if (!prof_want(pr, syscalls, J_ARR, "syscalls"))
		return;
	/* the entries as written, when the decoded ones are theirs (Go keeps the last member) */
	for (size_t i = 0; i < raw->n; i++)
		if (!strcmp(raw->keys[i].str, "syscalls"))
			raw_calls = &raw->items[i];
	if (raw_calls && (raw_calls->type != J_ARR || raw_calls->n != syscalls->n))
		raw_calls = NULL;
	for (size_t i = 0; i < syscalls->n && pr->ctx->errors <= pr->ctx->max_errors; i++)
		do_syscall(pr, &syscalls->items[i], raw_calls ? &raw_calls->items[i] : NULL);
}

void policy_json_parse(struct policy_ctx *ctx, const char *src, size_t len, const char *file)
{
	struct arena arena = { 0 };
	struct profile pr = { .arena = &arena, .ctx = ctx, .file = file };
	struct json_error jerr;
	struct jval top;
	struct utsname uts;
	const char *kernel = ctx->opts->kernel;
	int err;

	if (file && !(pr.file = policy_strdup(ctx, file, strlen(file))))
		return;
	err = json_parse(src, len, "the profile", &arena, &top, &jerr);
	if (err == -ENOMEM && !ctx->err)
		ctx->err = err;
	else if (err == -EINVAL)
		policy_diag(ctx, CBPF_SEV_ERROR, pr.file, jerr.line, jerr.col, jerr.len, "%s",
			    jerr.msg);
	if (err)
		goto out;
	/* x32 is not a Go architecture: Docker's archMap has no entry */
	if (*arch_docker_name(ctx->host))
		pr.host_scmp = cbpf_arch_scmp_name(ctx->host);
	for (size_t i = 0; ctx->opts->caps && ctx->opts->caps[i]; i++)
		if (strcasecmp(ctx->opts->caps[i], "ALL") &&
		    cbpf_cap_parse(ctx->opts->caps[i], NULL))
			policy_diag(ctx, CBPF_SEV_ERROR, NULL, 0, 0, 0,
				    "unknown capability '%s' among the container's",
				    ctx->opts->caps[i]);
	if (!kernel && !uname(&uts))
		kernel = uts.release;
	if (!kernel || cbpf_kernel_version_parse(kernel, &pr.kmajor, &pr.kminor)) {
		if (ctx->opts->kernel)
			policy_diag(ctx, CBPF_SEV_ERROR, NULL, 0, 0, 0,
				    "bad kernel version '%s' (expected major.minor)", kernel);
		pr.kmajor = pr.kminor = 0;
	}
	do_profile(&pr, &top);
out:
	arena_free(&arena);
}
