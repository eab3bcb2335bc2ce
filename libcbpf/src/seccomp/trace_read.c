// SPDX-License-Identifier: MIT
/* Logs of system calls read back: strace -f output and the kernel's seccomp audit records. */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "seccomp/record_int.h"

#define MAX_WARNINGS 20	 /* located warnings; the rest are counted */
#define MAX_PIDS     256 /* processes whose mode strace reported */

struct reader {
	const char *file;
	unsigned line;
	struct cbpf_diags *diags;
	unsigned warnings, events;
	bool cut; /* the line before was cut by strace's "Process N attached" */
	struct {
		int pid;
		enum cbpf_arch arch;
	} mode[MAX_PIDS];
	size_t n_mode;
};

static void warn(struct reader *r, const char *fmt, ...) CBPF_PRINTF(2, 3);
static void warn(struct reader *r, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	if (++r->warnings > MAX_WARNINGS)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	cbpf_diags_add(r->diags, CBPF_SEV_WARNING, r->file, r->line, 1, 0, -1, "%s", msg);
}

/* Whether s occurs in src[0..len). */
static bool contains(const char *src, size_t len, const char *s)
{
	size_t n = strlen(s);

	for (size_t i = 0; i + n <= len; i++)
		if (src[i] == *s && !memcmp(src + i, s, n))
			return true;
	return false;
}

/* Skips spaces and tabs. */
static const char *blank(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	return p;
}

static bool starts(const char *p, const char *end, const char *s)
{
	size_t n = strlen(s);

	return (size_t)(end - p) >= n && !memcmp(p, s, n);
}

/* A number at p (decimal, 0x hex, 0 octal, a sign); its end in *stop. */
static bool number(const char *p, const char *end, uint64_t *v, const char **stop)
{
	char buf[32];
	size_t n = (size_t)(end - p) < sizeof(buf) - 1 ? (size_t)(end - p) : sizeof(buf) - 1;
	char *e;

	memcpy(buf, p, n);
	buf[n] = '\0';
	if (!n ||
	    !(isdigit((unsigned char)buf[0]) || (buf[0] == '-' && isdigit((unsigned char)buf[1]))))
		return false;
	errno = 0;
	*v = buf[0] == '-' ? (uint64_t)strtoll(buf, &e, 0) : strtoull(buf, &e, 0);
	if (errno)
		return false;
	*stop = p + (e - buf);
	return true;
}

static enum cbpf_arch arch_of_pid(struct reader *r, int pid)
{
	for (size_t i = 0; i < r->n_mode; i++)
		if (r->mode[i].pid == pid)
			return r->mode[i].arch;
	return cbpf_arch_native();
}

/* "[ Process PID=1234 runs in 32 bit mode. ]": strace's word for a personality change. */
static void set_mode(struct reader *r, const char *p, const char *end)
{
	uint64_t pid;
	const char *q;
	enum cbpf_arch arch = cbpf_arch_native();
	size_t i;

	p += strlen("[ Process PID=");
	if (!number(p, end, &pid, &q))
		return;
	if (starts(q, end, " runs in 32 bit mode"))
		arch = arch == CBPF_ARCH_AARCH64 ? CBPF_ARCH_ARM : CBPF_ARCH_I386;
	else if (starts(q, end, " runs in x32 mode"))
		arch = CBPF_ARCH_X32;
	for (i = 0; i < r->n_mode && r->mode[i].pid != (int)pid; i++)
		;
	if (i == MAX_PIDS)
		return;
	r->mode[i].pid = (int)pid;
	r->mode[i].arch = arch;
	if (i == r->n_mode)
		r->n_mode++;
}

/* One argument as strace prints a constant: numbers and names joined by '|'. */
static bool arg_value(enum cbpf_arch arch, const char *p, const char *end, uint64_t *out)
{
	uint64_t v = 0;

	p = blank(p, end);
	while (end > p && (end[-1] == ' ' || end[-1] == '\t'))
		end--;
	if (p == end)
		return false;
	while (p < end) {
		const char *q = p, *stop;
		uint64_t t;

		while (q < end && *q != '|')
			q++;
		if (number(p, q, &t, &stop) && stop == q) {
			v |= t;
		} else {
			char name[64];
			size_t n = (size_t)(q - p);

			if (n >= sizeof(name))
				return false;
			memcpy(name, p, n);
			name[n] = '\0';
			if (!strcmp(name, "NULL"))
				t = 0;
			else if (cbpf_const_value(arch, name, &t))
				return false;
			v |= t;
		}
		p = q < end ? q + 1 : q;
	}
	*out = v;
	return true;
}

/* The arguments from just after '(' to the matching ')' or the end of the line. */
static void strace_args(struct cbpf_syscall_event *ev, const char *p, const char *end)
{
	bool clone = ev->name && !strcmp(ev->name, "clone");
	unsigned i = 0;

	while (p < end && i < 6) {
		const char *q = p;
		int depth = 0;
		bool quoted = false;

		for (; q < end; q++) {
			if (quoted) {
				if (*q == '\\')
					q++;
				else if (*q == '"')
					quoted = false;
			} else if (*q == '"') {
				quoted = true;
			} else if (*q == '(' || *q == '[' || *q == '{') {
				depth++;
			} else if (*q == ')' || *q == ']' || *q == '}') {
				if (!depth--)
					break;
			} else if (*q == ',' && !depth) {
				break;
			}
		}
		if (q > end)
			q = end;
		/* clone names its fields (flags=...), in an order of strace's own */
		if (clone && starts(blank(p, q), q, "flags=")) {
			if (arg_value(ev->arch, blank(p, q) + 6, q, &ev->args[0]))
				ev->known |= 1;
		} else if (!clone && arg_value(ev->arch, p, q, &ev->args[i])) {
			ev->known |= 1U << i;
		}
		i++;
		if (q >= end || *q == ')' || *q == ']' || *q == '}')
			break;
		p = q + 1;
	}
}

/* One line of strace -f: 1 a call in ev, 0 nothing to count, -1 unreadable. */
static int strace_line(struct reader *r, const char *p, const char *end,
		       struct cbpf_syscall_event *ev, char *name, size_t name_size)
{
	uint64_t v;
	const char *q;
	size_t n;
	int pid = 0;

	/* strace's own "strace: Process N attached", written into its output when that is
	 * stderr, cuts a line in two: the call before it, and a rest on the next line (", ...) = N"
	 * or " <unfinished ...>"), which says nothing new */
	if (r->cut) { /* the rest of the line before, whatever it starts with */
		r->cut = false;
		return 0;
	}
	for (const char *m = p + 1; m < end; m++)
		if (*m == 's' && starts(m, end, "strace: Process ")) {
			end = m;
			r->cut = true;
			break;
		}
	p = blank(p, end);
	if (p == end || *p == ',' || *p == ')' || starts(p, end, "<unfinished ...>"))
		return 0;
	if (starts(p, end, "[pid")) { /* strace -f to a terminal: "[pid  1234] " */
		if (!number(blank(p + 4, end), end, &v, &q) || q >= end || *q != ']')
			return -1;
		pid = (int)v;
		p = blank(q + 1, end);
	}
	/* "1234 " (strace -f -o), then "12:34:56.789 " or "1700000000.123 " (-t, -tt, -ttt, -r) */
	for (int k = 0; k < 2 && p < end && isdigit((unsigned char)*p); k++) {
		q = p;
		while (q < end && (isdigit((unsigned char)*q) || *q == ':' || *q == '.'))
			q++;
		if (q == end || (*q != ' ' && *q != '\t'))
			return -1;
		if (!pid && !memchr(p, ':', (size_t)(q - p)) && !memchr(p, '.', (size_t)(q - p)) &&
		    number(p, q, &v, &q))
			pid = (int)v;
		p = blank(q, end);
	}
	if (p == end || starts(p, end, "<...") || starts(p, end, "---") || starts(p, end, "+++") ||
	    starts(p, end, "strace: ") || starts(p, end, " > ") || starts(p, end, "> ") ||
	    starts(p, end, "???"))
		return 0;
	if (starts(p, end, "[ Process PID=")) {
		set_mode(r, p, end);
		return 0;
	}
	for (q = p; q < end && (isalnum((unsigned char)*q) || *q == '_'); q++)
		;
	if (q == p || q >= end || *q != '(' || isdigit((unsigned char)*p))
		return -1;
	n = (size_t)(q - p);
	if (n >= name_size)
		return -1;
	memcpy(name, p, n);
	name[n] = '\0';
	memset(ev, 0, sizeof(*ev));
	ev->pid = pid;
	ev->arch = arch_of_pid(r, pid);
	ev->file = r->file;
	ev->line = r->line;
	if (!strncmp(name, "syscall_0x", 10)) { /* a number strace has no name for */
		char *e;

		ev->nr = (uint32_t)strtoul(name + 10, &e, 16);
		if (*e)
			return -1;
		if (ev->arch == CBPF_ARCH_X32)
			ev->nr |= CBPF_X32_SYSCALL_BIT;
	} else {
		ev->name = name;
		if (cbpf_syscall_nr(ev->arch, name, &ev->nr)) {
			if (cbpf_syscall_exists(name))
				warn(r, "syscall '%s' does not exist on %s: left out", name,
				     cbpf_arch_name(ev->arch));
			else
				warn(r, "unknown syscall '%s': left out", name);
			return 0;
		}
	}
	/* "read(0,  <unfinished ...>": the arguments so far */
	for (const char *u = q; u < end; u++)
		if (*u == '<' && starts(u, end, "<unfinished ...>")) {
			end = u;
			break;
		}
	strace_args(ev, q + 1, end);
	return 1;
}

/* The value after " key=" in a NUL-terminated audit record. */
static bool field(const char *line, const char *key, int base, uint64_t *v)
{
	const char *p = line;
	size_t n = strlen(key);
	char *e;

	while ((p = strstr(p, key))) {
		if (p == line || p[-1] == ' ') {
			errno = 0;
			*v = strtoull(p + n, &e, base);
			return !errno && e != p + n;
		}
		p += n;
	}
	return false;
}

/* One audit line: 1 a seccomp record in ev, 0 another record, -1 unreadable. */
static int audit_line(struct reader *r, const char *line, struct cbpf_syscall_event *ev)
{
	uint64_t arch, nr, pid = 0;

	if (!*line)
		return 0;
	if (!strstr(line, "type=1326") && !strstr(line, "type=SECCOMP"))
		return strstr(line, "type=") ? 0 : -1;
	if (!field(line, "arch=", 16, &arch) || !field(line, "syscall=", 10, &nr))
		return -1;
	field(line, "pid=", 10, &pid);
	memset(ev, 0, sizeof(*ev));
	ev->pid = (int)pid;
	ev->nr = (uint32_t)nr;
	ev->file = r->file;
	ev->line = r->line;
	switch ((uint32_t)arch) {
	case CBPF_AUDIT_ARCH_X86_64:
		ev->arch = (nr & CBPF_X32_SYSCALL_BIT) ? CBPF_ARCH_X32 : CBPF_ARCH_X86_64;
		break;
	case CBPF_AUDIT_ARCH_I386:
		ev->arch = CBPF_ARCH_I386;
		break;
	case CBPF_AUDIT_ARCH_AARCH64:
		ev->arch = CBPF_ARCH_AARCH64;
		break;
	case CBPF_AUDIT_ARCH_ARM:
		ev->arch = CBPF_ARCH_ARM;
		break;
	default:
		warn(r, "architecture %s has no syscall table in cbpf: left out",
		     strstr(line, "arch=") + 5);
		return 0;
	}
	if (!cbpf_syscall_name(ev->arch, ev->nr)) {
		char what[48];

		snprintf(what, sizeof(what), "%u on %s", ev->nr & ~CBPF_X32_SYSCALL_BIT,
			 cbpf_arch_name(ev->arch));
		warn(r, "no syscall has number %s: left out", what);
		return 0;
	}
	return 1;
}

int cbpf_trace_read(const char *src, size_t len, const char *file, enum cbpf_trace_form form,
		    cbpf_syscall_fn fn, void *ctx, struct cbpf_diags *diags)
{
	struct reader *r;
	const char *p = src, *end = src + len;
	char *line = NULL, name[64];
	size_t cap = 0;
	unsigned bad = 0;
	int ret = 0;

	if (form == CBPF_TRACE_RECORDING ||
	    (form == CBPF_TRACE_AUTO && trace_is_recording(src, len)))
		return trace_read_recording(src, len, file, fn, ctx, diags);
	r = calloc(1, sizeof(*r));
	if (!r)
		return -ENOMEM;
	r->file = file;
	r->diags = diags;
	if (form == CBPF_TRACE_AUTO)
		form = contains(src, len, "type=1326") || contains(src, len, "type=SECCOMP")
			       ? CBPF_TRACE_AUDIT
			       : CBPF_TRACE_STRACE;
	while (p < end && !ret) {
		const char *eol = memchr(p, '\n', (size_t)(end - p)), *le;
		struct cbpf_syscall_event ev;
		int k;

		if (!eol)
			eol = end;
		le = eol;
		if (le > p && le[-1] == '\r')
			le--;
		r->line++;
		if ((size_t)(le - p) + 1 > cap) {
			char *nl = realloc(line, (size_t)(le - p) + 1);

			if (!nl) {
				ret = -ENOMEM;
				break;
			}
			line = nl;
			cap = (size_t)(le - p) + 1;
		}
		memcpy(line, p, (size_t)(le - p));
		line[le - p] = '\0';
		if (form == CBPF_TRACE_AUDIT)
			k = audit_line(r, line, &ev);
		else
			k = strace_line(r, line, line + (le - p), &ev, name, sizeof(name));
		if (k < 0) {
			bad++;
			warn(r, "cannot read this line as %s: left out",
			     form == CBPF_TRACE_AUDIT ? "an audit record" : "strace output");
		} else if (k > 0) {
			r->events++;
			ret = fn(ctx, &ev);
		}
		p = eol + 1;
	}
	if (!ret && r->warnings > MAX_WARNINGS)
		cbpf_diags_add(diags, CBPF_SEV_WARNING, file, 0, 0, 0, -1,
			       "%u more lines left out (the first %d are named above)",
			       r->warnings - MAX_WARNINGS, MAX_WARNINGS);
	if (!ret && !r->events) {
		cbpf_diags_add(diags, CBPF_SEV_ERROR, file, 0, 0, 0, -1,
			       "no system call could be read from this %s%s",
			       form == CBPF_TRACE_AUDIT ? "log (no type=1326 SECCOMP records)"
							: "strace log",
			       bad ? "" : ": it holds none");
		ret = -EINVAL;
	}
	free(line);
	free(r);
	return ret;
}
