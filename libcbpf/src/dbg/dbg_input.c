// SPDX-License-Identifier: MIT
/* The seccomp input in words: numbers, syscall names and named constants, architectures. */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dbg/dbg_int.h"
#include "seccomp/systab.h"
#include "util/diag_int.h"
#include "util/suggest.h"

int cbpf_dbg_number(const char *s, bool c_syntax, uint64_t *out)
{
	const char *d = s + (*s == '-' || *s == '+');
	bool hex = d[0] == '0' && (d[1] == 'x' || d[1] == 'X');
	char *end;
	uint64_t v;

	if (!isdigit((unsigned char)*d))
		return -EINVAL;
	errno = 0;
	v = strtoull(d, &end, c_syntax ? 0 : hex ? 16 : 10);
	if (*end)
		return -EINVAL;
	if (errno)
		return errno == ERANGE ? -ERANGE : -EINVAL;
	/* A sign is C's (minus only, taken modulo 2^64); it only makes a plain number too large. */
	if (d != s && (!c_syntax || *s == '+'))
		return -EINVAL;
	*out = *s == '-' ? (uint64_t)0 - v : v;
	return 0;
}

enum cbpf_arch cbpf_dbg_arch(const struct cbpf_dbg *dbg)
{
	return dbg->arch;
}

int dbg_refuse(struct cbpf_diags *diags, unsigned col, unsigned len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	diags_vadd(diags, CBPF_SEV_ERROR, NULL, col ? 1 : 0, col, len, -1, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

char *dbg_word(char **s)
{
	char *w = *s + strspn(*s, " \t");
	size_t len = strcspn(w, " \t");

	*s = w + len + (w[len] != '\0');
	*s += strspn(*s, " \t");
	w[len] = '\0';
	return len ? w : NULL;
}

int cbpf_dbg_pc(const struct cbpf_dbg *dbg, const char *s, uint32_t *pc)
{
	uint64_t v;

	if (cbpf_dbg_number(s + (*s == 'l' || *s == 'L'), false, &v))
		return -EINVAL;
	if (v >= dbg->len)
		return -ERANGE;
	*pc = (uint32_t)v;
	return 0;
}

/*
 * A named constant of the session's architecture (libcbpf/data/constants.csv), as minijail's
 * policies name them; an unknown one is located in text with the closest known names.
 */
static int constant(struct cbpf_dbg *dbg, const char *text, const char *w, size_t len,
		    uint64_t *out, struct cbpf_diags *diags)
{
	unsigned col = (unsigned)(w - text) + 1;
	const char *near[3];
	char name[64], hint[3 * 72] = "";
	size_t k = 0;

	if (len < sizeof(name)) {
		memcpy(name, w, len);
		name[len] = '\0';
		if (!cbpf_const_value(dbg->arch, name, out))
			return 0;
		if (cbpf_const_exists(name))
			return dbg_refuse(diags, col, (unsigned)len,
					  "constant '%s' is not defined on %s", name,
					  cbpf_arch_name(dbg->arch));
		k = cbpf_const_suggest(dbg->arch, name, near, 3);
	}
	suggest_list(hint, sizeof(hint), near, k);
	if (k)
		return dbg_refuse(diags, col, (unsigned)len,
				  "unknown constant " DIAG_QF " (did you mean %s?)",
				  DIAG_QA(w, len), hint);
	return dbg_refuse(diags, col, (unsigned)len,
			  "unknown constant " DIAG_QF " (write its value)", DIAG_QA(w, len));
}

/* Argument i: a number in C's syntax, or constants and numbers joined by '|' (minijail's). */
static int argument(struct cbpf_dbg *dbg, const char *text, int i, const char *w, uint64_t *out,
		    struct cbpf_diags *diags)
{
	const char *end = w + strlen(w);
	char num[32];
	int err;

	*out = 0;
	if ((isdigit((unsigned char)*w) || *w == '-' || *w == '+') && !strchr(w, '|')) {
		err = cbpf_dbg_number(w, true, out);
		if (err == -ERANGE)
			return dbg_refuse(diags, 0, 0,
					  "argument %d: " DIAG_QF " is too large: arguments "
					  "have 64 bits (at most 0xffffffffffffffff, or -1)",
					  i, DIAG_QA(w, strlen(w)));
		if (err)
			return dbg_refuse(diags, 0, 0,
					  "argument %d: " DIAG_QF " is not a number (C's "
					  "syntax: 42, 0x2a, 052, -1)",
					  i, DIAG_QA(w, strlen(w)));
		return 0;
	}
	for (const char *p = w; p <= end; p++) {
		const char *bar = memchr(p, '|', (size_t)(end - p));
		size_t plen = (size_t)((bar ? bar : end) - p);
		uint64_t v;

		if (!plen || isdigit((unsigned char)*p)) {
			/* A number among constants: O_RDONLY|0x80000. */
			bool fits = plen && plen < sizeof(num);

			if (fits) {
				memcpy(num, p, plen);
				num[plen] = '\0';
			}
			if (!fits || cbpf_dbg_number(num, true, &v))
				return dbg_refuse(
					diags, (unsigned)(p - text) + 1, plen ? (unsigned)plen : 1,
					"argument %d: expected a number or a constant in " DIAG_QF,
					i, DIAG_QA(w, strlen(w)));
		} else if (constant(dbg, text, p, plen, &v, diags)) {
			return -EINVAL;
		}
		*out |= v;
		p += plen;
	}
	return 0;
}

/* The system call: a number (any 32-bit one: seccomp_data.nr is an int) or a name. */
static int syscall_nr(struct cbpf_dbg *dbg, const char *w, int32_t *nr, struct cbpf_diags *diags)
{
	bool numeric = isdigit((unsigned char)*w) || *w == '-';
	uint64_t v = 0;
	int err = cbpf_dbg_number(w, true, &v);
	uint32_t n;
	char hint[SYSTAB_HINT_SIZE];

	if (!err && (v <= UINT32_MAX || v >= (uint64_t)INT32_MIN)) {
		*nr = (int32_t)(uint32_t)v;
		return 0;
	}
	if (!err || err == -ERANGE)
		return dbg_refuse(diags, 0, 0, DIAG_QF " is not a system call number (32 bits)",
				  DIAG_QA(w, strlen(w)));
	if (numeric)
		return dbg_refuse(diags, 0, 0,
				  DIAG_QF " is not a number (C's syntax: 42, 0x2a, 052, -1)",
				  DIAG_QA(w, strlen(w)));
	if (!cbpf_syscall_nr(dbg->arch, w, &n)) {
		*nr = (int32_t)n;
		return 0;
	}
	if (cbpf_syscall_exists(w))
		return dbg_refuse(diags, 0, 0, "no system call " DIAG_QF " on %s",
				  DIAG_QA(w, strlen(w)), cbpf_arch_name(dbg->arch));
	systab_hint(dbg->arch, w, hint, sizeof(hint));
	return dbg_refuse(diags, 0, 0, "unknown system call " DIAG_QF "%s", DIAG_QA(w, strlen(w)),
			  hint);
}

int cbpf_dbg_set_syscall(struct cbpf_dbg *dbg, const char *text, struct cbpf_diags *diags)
{
	struct cbpf_seccomp_data sd = dbg->sd;
	char *copy = strdup(text), *s = copy, *w;
	int i = 0, err = 0;

	/* Words are cut in a copy, whose offsets are text's: messages point into text. */
	if (!copy)
		return -ENOMEM;
	w = dbg_word(&s);
	if (!w)
		err = dbg_refuse(diags, 0, 0, "syscall needs a system call, by name or number");
	else
		err = syscall_nr(dbg, w, &sd.nr, diags);
	memset(sd.args, 0, sizeof(sd.args));
	while (!err && (w = dbg_word(&s))) {
		if (i == 6)
			err = dbg_refuse(diags, 0, 0, "a system call has 6 arguments at most");
		else
			err = argument(dbg, copy, i, w, &sd.args[i], diags);
		i++;
	}
	free(copy);
	if (!err)
		cbpf_dbg_set_seccomp(dbg, &sd);
	return err;
}

int cbpf_dbg_set_arch(struct cbpf_dbg *dbg, const char *text, struct cbpf_diags *diags)
{
	struct cbpf_seccomp_data sd = dbg->sd;
	enum cbpf_arch a;
	char names[160];
	uint64_t v;

	if (!cbpf_arch_parse(text, &a)) {
		dbg->arch = a;
		sd.arch = cbpf_arch_audit(a);
	} else if (!cbpf_dbg_number(text, false, &v) && v <= UINT32_MAX) {
		/* Names follow a number that is one of cbpf's architectures (x86_64 before x32). */
		sd.arch = (uint32_t)v;
		a = cbpf_arch_of_audit(sd.arch, dbg->arch);
		if (a != CBPF_ARCH_NONE)
			dbg->arch = a;
	} else {
		cbpf_arch_names(names, sizeof(names), ", ", true);
		return dbg_refuse(diags, 0, 0,
				  "unknown architecture " DIAG_QF " (%s, or an AUDIT_ARCH_* "
				  "number)",
				  DIAG_QA(text, strlen(text)), names);
	}
	cbpf_dbg_set_seccomp(dbg, &sd);
	return 0;
}

void cbpf_dbg_names(const struct cbpf_dbg *dbg, struct cbpf_dbg_names *out)
{
	enum cbpf_arch a = cbpf_arch_of_audit(dbg->sd.arch, dbg->arch);

	out->nr_name = NULL;
	if (cbpf_arch_audit(dbg->arch) == dbg->sd.arch)
		out->nr_name = cbpf_syscall_name(dbg->arch, (uint32_t)dbg->sd.nr);
	if (out->nr_name)
		snprintf(out->syscall, sizeof(out->syscall), "%s (%d)", out->nr_name, dbg->sd.nr);
	else
		snprintf(out->syscall, sizeof(out->syscall), "%d", dbg->sd.nr);
	if (a != CBPF_ARCH_NONE)
		snprintf(out->arch, sizeof(out->arch), "%s", cbpf_arch_name(a));
	else
		snprintf(out->arch, sizeof(out->arch), "%#x", dbg->sd.arch);
}

/* set FIELD VALUE | FIELD auto | ip VALUE | jit on|off | hexdump on|off, on a copy's words. */
static int set_words(struct cbpf_dbg *dbg, char *s, struct cbpf_diags *diags)
{
	char *name = dbg_word(&s), *val = dbg_word(&s);
	uint64_t v;
	int err;

	if (name && !strcmp(name, "jit")) {
		/* Runs over captures as native code or interpreted: the same results. */
		if (!val || *s || (strcmp(val, "on") && strcmp(val, "off")))
			return dbg_refuse(diags, 0, 0, "set jit takes on or off");
		cbpf_dbg_set_jit(dbg, !strcmp(val, "on"));
		return 0;
	}
	if (name && !strcmp(name, "hexdump")) {
		if (!val || *s || (strcmp(val, "on") && strcmp(val, "off")))
			return dbg_refuse(diags, 0, 0, "set hexdump takes on or off");
		cbpf_dbg_set_hexdump(dbg, !strcmp(val, "on"));
		return 0;
	}
	if (name && !strcmp(name, "ip")) {
		struct cbpf_seccomp_data sd = dbg->sd;

		err = val ? cbpf_dbg_number(val, true, &v) : -EINVAL;
		if (err == -ERANGE)
			return dbg_refuse(diags, 0, 0,
					  DIAG_QF " is too large for the instruction pointer (64 "
						  "bits: at most 0xffffffffffffffff)",
					  DIAG_QA(val, strlen(val)));
		if (err)
			return dbg_refuse(diags, 0, 0, "set ip takes a number");
		sd.instruction_pointer = v;
		cbpf_dbg_set_seccomp(dbg, &sd);
		return 0;
	}
	if (!name || !val || *s)
		return dbg_refuse(diags, 0, 0,
				  "set takes a field and a value: set mark 7, set mark auto");
	if (!strcmp(val, "auto")) {
		err = cbpf_dbg_meta_reset(dbg, name);
	} else {
		err = cbpf_dbg_number(val, false, &v);
		if (err == -ERANGE && cbpf_dbg_meta_get(dbg, name, &v, NULL) != -ENOENT)
			return dbg_refuse(diags, 0, 0, "%.*s%s is out of range for %s",
					  DIAG_QA(val, strlen(val)), name);
		if (err == -EINVAL)
			return dbg_refuse(diags, 0, 0, DIAG_QF " is not a number",
					  DIAG_QA(val, strlen(val)));
		if (!err)
			err = cbpf_dbg_meta_set(dbg, name, v);
		else
			err = -ENOENT;
	}
	if (err == -ENOENT)
		return dbg_refuse(diags, 0, 0, "no field " DIAG_QF " ('set' lists them)",
				  DIAG_QA(name, strlen(name)));
	if (err)
		return dbg_refuse(diags, 0, 0, "%s is out of range for %s", val, name);
	return 0;
}

int cbpf_dbg_set(struct cbpf_dbg *dbg, const char *text, struct cbpf_diags *diags)
{
	char *copy = strdup(text);
	int err;

	if (!copy)
		return -ENOMEM;
	err = set_words(dbg, copy, diags);
	free(copy);
	return err;
}
