// SPDX-License-Identifier: MIT
/* minijail's policy language: "syscall: arg0 == 1 || arg1 & 2; return EPERM", @include. */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "seccomp/policy_ir.h"
#include "util/infile.h"

#define MAX_INCLUDE_DEPTH 10
#define MAX_CONDS 64

enum tok {
	T_END,
	T_IDENT,  /* a name, or an action word with '-' (kill-process) */
	T_NUMBER, /* text in [s, s + len) */
	T_DIRECTIVE, /* @include, @default, ... */
	T_COLON,
	T_SEMI,
	T_COMMA,
	T_LBRACE,
	T_RBRACE,
	T_LBRACKET,
	T_RBRACKET,
	T_LPAREN,
	T_RPAREN,
	T_OROR,
	T_ANDAND,
	T_OR,    /* | */
	T_TILDE, /* ~ */
	T_EQUAL, /* = (metadata) */
	T_OP,    /* == != < <= > >= & in */
	T_BAD,
};

struct token {
	enum tok type;
	const char *s;
	size_t len;
	unsigned line, col;
};

/* One statement: the tokens of a line and its continuations. */
struct stmt {
	struct token *v;
	size_t n, cap, i;
	unsigned line; /* of the first token */
};

struct tparser {
	struct policy_ctx *ctx;
	const char *file; /* owned by the policy */
	unsigned depth;
	uint32_t *default_action; /* shared by included files */
	bool *default_set;
};

static void terr(struct tparser *tp, const struct token *t, const char *fmt, ...) CBPF_PRINTF(3, 4);
static void twarn(struct tparser *tp, const struct token *t, const char *fmt, ...)
	CBPF_PRINTF(3, 4);

static void tdiag(struct tparser *tp, enum cbpf_severity sev, const struct token *t,
		  const char *fmt, va_list ap) CBPF_PRINTF(4, 0);

static void tdiag(struct tparser *tp, enum cbpf_severity sev, const struct token *t,
		  const char *fmt, va_list ap)
{
	policy_vdiag(tp->ctx, sev, tp->file, t ? t->line : 0, t ? t->col : 0,
		     t ? (unsigned)t->len : 0, fmt, ap);
}

static void terr(struct tparser *tp, const struct token *t, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	tdiag(tp, CBPF_SEV_ERROR, t, fmt, ap);
	va_end(ap);
}

static void twarn(struct tparser *tp, const struct token *t, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	tdiag(tp, CBPF_SEV_WARNING, t, fmt, ap);
	va_end(ap);
}

/* ---------------------------------------------------------------- tokens */

static bool push(struct tparser *tp, struct stmt *st, struct token t)
{
	if (st->n == st->cap) {
		size_t cap = st->cap ? 2 * st->cap : 32;
		struct token *v = realloc(st->v, cap * sizeof(*v));

		if (!v) {
			if (!tp->ctx->err)
				tp->ctx->err = -ENOMEM;
			return false;
		}
		st->v = v;
		st->cap = cap;
	}
	if (!st->n)
		st->line = t.line;
	st->v[st->n++] = t;
	return true;
}

static bool ident_char(char c, bool first)
{
	return isalpha((unsigned char)c) || c == '_' || (!first && (isdigit((unsigned char)c) ||
								   c == '-' || c == '@'));
}

/*
 * Tokenizes one physical line [p, end) into st. Returns true when the line ends with '\'
 * (the statement continues on the next line).
 */
static bool tokenize_line(struct tparser *tp, struct stmt *st, const char *p, const char *end,
			  unsigned line)
{
	const char *start = p;

	while (p < end) {
		struct token t = { T_BAD, p, 1, line, (unsigned)(p - start) + 1 };
		char c = *p;

		if (c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v') {
			p++;
			continue;
		}
		if (c == '#')
			break;
		if (c == '\\') {
			const char *q = p + 1;

			while (q < end && (*q == ' ' || *q == '\t' || *q == '\r'))
				q++;
			if (q == end)
				return true;
			terr(tp, &t, "stray '\\' (a line continues only when '\\' ends it)");
			p++;
			continue;
		}
		if (c == '@' || ident_char(c, true)) {
			const char *q = p + 1;

			while (q < end && ident_char(*q, false))
				q++;
			t.type = c == '@' ? T_DIRECTIVE : T_IDENT;
			t.len = (size_t)(q - p);
			p = q;
			if (t.type == T_IDENT && t.len == 2 && !memcmp(t.s, "in", 2))
				t.type = T_OP;
			if (!push(tp, st, t))
				return false;
			if (t.type == T_DIRECTIVE &&
			    ((t.len == 8 && !memcmp(t.s, "@include", 8)) ||
			     (t.len == 10 && !memcmp(t.s, "@frequency", 10)))) {
				/* A path: the rest of the line up to a comment, trimmed. */
				while (p < end && (*p == ' ' || *p == '\t'))
					p++;
				q = p;
				while (q < end && *q != '#')
					q++;
				while (q > p && isspace((unsigned char)q[-1]))
					q--;
				if (q > p) {
					struct token path = { T_IDENT, p, (size_t)(q - p), line,
							      (unsigned)(p - start) + 1 };

					if (!push(tp, st, path))
						return false;
				}
				return false;
			}
			continue;
		}
		if (isdigit((unsigned char)c) || (c == '-' && p + 1 < end &&
						  isdigit((unsigned char)p[1]))) {
			const char *q = p + 1;

			while (q < end && isalnum((unsigned char)*q))
				q++;
			t.type = T_NUMBER;
			t.len = (size_t)(q - p);
			p = q;
			if (!push(tp, st, t))
				return false;
			continue;
		}
		t.len = 1;
		switch (c) {
		case ':': t.type = T_COLON; break;
		case ';': t.type = T_SEMI; break;
		case ',': t.type = T_COMMA; break;
		case '{': t.type = T_LBRACE; break;
		case '}': t.type = T_RBRACE; break;
		case '[': t.type = T_LBRACKET; break;
		case ']': t.type = T_RBRACKET; break;
		case '(': t.type = T_LPAREN; break;
		case ')': t.type = T_RPAREN; break;
		case '~': t.type = T_TILDE; break;
		case '|':
			t.type = p + 1 < end && p[1] == '|' ? T_OROR : T_OR;
			break;
		case '&':
			t.type = p + 1 < end && p[1] == '&' ? T_ANDAND : T_OP;
			break;
		case '=':
			t.type = p + 1 < end && p[1] == '=' ? T_OP : T_EQUAL;
			break;
		case '!':
			if (p + 1 < end && p[1] == '=')
				t.type = T_OP;
			break;
		case '<':
		case '>':
			t.type = T_OP;
			if (p + 1 < end && p[1] == '=')
				t.len = 2;
			break;
		default:
			break;
		}
		if (t.type == T_OROR || t.type == T_ANDAND || (t.type == T_OP && c != '&' &&
							      c != '<' && c != '>'))
			t.len = 2;
		if (t.type == T_BAD) {
			if (isprint((unsigned char)c))
				terr(tp, &t, "unexpected '%c'", c);
			else
				terr(tp, &t, "unexpected byte 0x%02x", (unsigned char)c);
			p++;
			continue;
		}
		p += t.len;
		if (!push(tp, st, t))
			return false;
	}
	return false;
}

/* ---------------------------------------------------------------- statements */

static const struct token *peek(struct stmt *st)
{
	static const struct token end = { T_END, "", 0, 0, 0 };

	return st->i < st->n ? &st->v[st->i] : &end;
}

/* The token after the last one, for "expected ... at the end of the line". */
static struct token end_token(const struct stmt *st)
{
	const struct token *last = &st->v[st->n - 1];

	return (struct token){ T_END, "", 1, last->line, last->col + (unsigned)last->len };
}

static void expected(struct tparser *tp, struct stmt *st, const char *what)
{
	const struct token *t = peek(st);

	if (t->type == T_END) {
		struct token e = end_token(st);

		terr(tp, &e, "expected %s at the end of the line", what);
	} else {
		terr(tp, t, "expected %s, found " DIAG_QF, what, DIAG_QA(t->s, t->len));
	}
}

static bool tok_is(const struct token *t, const char *word)
{
	return strlen(word) == t->len && !memcmp(t->s, word, t->len);
}

/* Names minijail policies use for flags and commands, the same on the five architectures. */
static const struct {
	const char *name;
	uint64_t value;
} constants[] = {
	{ "O_RDONLY", 0 }, { "O_WRONLY", 1 }, { "O_RDWR", 2 }, { "O_ACCMODE", 3 },
	{ "O_CREAT", 0100 }, { "O_EXCL", 0200 }, { "O_NOCTTY", 0400 }, { "O_TRUNC", 01000 },
	{ "O_APPEND", 02000 }, { "O_NONBLOCK", 04000 }, { "O_NDELAY", 04000 },
	{ "O_DSYNC", 010000 }, { "O_ASYNC", 020000 }, { "O_NOATIME", 01000000 },
	{ "O_CLOEXEC", 02000000 }, { "O_SYNC", 04010000 }, { "O_PATH", 010000000 },
	{ "PROT_NONE", 0 }, { "PROT_READ", 1 }, { "PROT_WRITE", 2 }, { "PROT_EXEC", 4 },
	{ "PROT_GROWSDOWN", 0x01000000 }, { "PROT_GROWSUP", 0x02000000 },
	{ "MAP_SHARED", 1 }, { "MAP_PRIVATE", 2 }, { "MAP_SHARED_VALIDATE", 3 },
	{ "MAP_FIXED", 0x10 }, { "MAP_ANONYMOUS", 0x20 }, { "MAP_ANON", 0x20 },
	{ "MAP_GROWSDOWN", 0x100 }, { "MAP_DENYWRITE", 0x800 }, { "MAP_EXECUTABLE", 0x1000 },
	{ "MAP_LOCKED", 0x2000 }, { "MAP_NORESERVE", 0x4000 }, { "MAP_POPULATE", 0x8000 },
	{ "MAP_NONBLOCK", 0x10000 }, { "MAP_STACK", 0x20000 }, { "MAP_HUGETLB", 0x40000 },
	{ "MAP_FIXED_NOREPLACE", 0x100000 },
	{ "AF_UNSPEC", 0 }, { "AF_UNIX", 1 }, { "AF_LOCAL", 1 }, { "AF_INET", 2 },
	{ "AF_INET6", 10 }, { "AF_KEY", 15 }, { "AF_NETLINK", 16 }, { "AF_PACKET", 17 },
	{ "AF_CAN", 29 }, { "AF_BLUETOOTH", 31 }, { "AF_ALG", 38 }, { "AF_VSOCK", 40 },
	{ "AF_XDP", 44 },
	{ "SOCK_STREAM", 1 }, { "SOCK_DGRAM", 2 }, { "SOCK_RAW", 3 }, { "SOCK_SEQPACKET", 5 },
	{ "SOCK_NONBLOCK", 04000 }, { "SOCK_CLOEXEC", 02000000 },
	{ "F_DUPFD", 0 }, { "F_GETFD", 1 }, { "F_SETFD", 2 }, { "F_GETFL", 3 }, { "F_SETFL", 4 },
	{ "F_GETLK", 5 }, { "F_SETLK", 6 }, { "F_SETLKW", 7 }, { "F_OFD_GETLK", 36 },
	{ "F_OFD_SETLK", 37 }, { "F_OFD_SETLKW", 38 }, { "F_DUPFD_CLOEXEC", 1030 },
	{ "F_ADD_SEALS", 1033 }, { "F_GET_SEALS", 1034 }, { "FD_CLOEXEC", 1 },
	{ "CLONE_VM", 0x100 }, { "CLONE_FS", 0x200 }, { "CLONE_FILES", 0x400 },
	{ "CLONE_SIGHAND", 0x800 }, { "CLONE_PIDFD", 0x1000 }, { "CLONE_PTRACE", 0x2000 },
	{ "CLONE_VFORK", 0x4000 }, { "CLONE_PARENT", 0x8000 }, { "CLONE_THREAD", 0x10000 },
	{ "CLONE_NEWNS", 0x20000 }, { "CLONE_SYSVSEM", 0x40000 }, { "CLONE_SETTLS", 0x80000 },
	{ "CLONE_PARENT_SETTID", 0x100000 }, { "CLONE_CHILD_CLEARTID", 0x200000 },
	{ "CLONE_DETACHED", 0x400000 }, { "CLONE_UNTRACED", 0x800000 },
	{ "CLONE_CHILD_SETTID", 0x1000000 }, { "CLONE_NEWCGROUP", 0x2000000 },
	{ "CLONE_NEWUTS", 0x4000000 }, { "CLONE_NEWIPC", 0x8000000 },
	{ "CLONE_NEWUSER", 0x10000000 }, { "CLONE_NEWPID", 0x20000000 },
	{ "CLONE_NEWNET", 0x40000000 }, { "CLONE_IO", 0x80000000 },
	{ "SIGHUP", 1 }, { "SIGINT", 2 }, { "SIGQUIT", 3 }, { "SIGILL", 4 }, { "SIGTRAP", 5 },
	{ "SIGABRT", 6 }, { "SIGBUS", 7 }, { "SIGFPE", 8 }, { "SIGKILL", 9 }, { "SIGUSR1", 10 },
	{ "SIGSEGV", 11 }, { "SIGUSR2", 12 }, { "SIGPIPE", 13 }, { "SIGALRM", 14 },
	{ "SIGTERM", 15 }, { "SIGCHLD", 17 }, { "SIGCONT", 18 }, { "SIGSTOP", 19 },
	{ "SIGTSTP", 20 }, { "SIGSYS", 31 },
	{ "SIG_BLOCK", 0 }, { "SIG_UNBLOCK", 1 }, { "SIG_SETMASK", 2 },
	{ "PR_SET_PDEATHSIG", 1 }, { "PR_GET_PDEATHSIG", 2 }, { "PR_GET_DUMPABLE", 3 },
	{ "PR_SET_DUMPABLE", 4 }, { "PR_GET_KEEPCAPS", 7 }, { "PR_SET_KEEPCAPS", 8 },
	{ "PR_SET_NAME", 15 }, { "PR_GET_NAME", 16 }, { "PR_GET_SECCOMP", 21 },
	{ "PR_SET_SECCOMP", 22 }, { "PR_CAPBSET_READ", 23 }, { "PR_CAPBSET_DROP", 24 },
	{ "PR_GET_SECUREBITS", 27 }, { "PR_SET_SECUREBITS", 28 }, { "PR_SET_TIMERSLACK", 29 },
	{ "PR_GET_TIMERSLACK", 30 }, { "PR_SET_MM", 35 }, { "PR_SET_CHILD_SUBREAPER", 36 },
	{ "PR_GET_CHILD_SUBREAPER", 37 }, { "PR_SET_NO_NEW_PRIVS", 38 },
	{ "PR_GET_NO_NEW_PRIVS", 39 }, { "PR_SET_VMA", 0x53564d41 },
	{ "FUTEX_WAIT", 0 }, { "FUTEX_WAKE", 1 }, { "FUTEX_REQUEUE", 3 },
	{ "FUTEX_CMP_REQUEUE", 4 }, { "FUTEX_WAKE_OP", 5 }, { "FUTEX_WAIT_BITSET", 9 },
	{ "FUTEX_WAKE_BITSET", 10 }, { "FUTEX_PRIVATE_FLAG", 128 },
	{ "FUTEX_CLOCK_REALTIME", 256 },
	{ "MADV_NORMAL", 0 }, { "MADV_RANDOM", 1 }, { "MADV_SEQUENTIAL", 2 },
	{ "MADV_WILLNEED", 3 }, { "MADV_DONTNEED", 4 }, { "MADV_FREE", 8 }, { "MADV_REMOVE", 9 },
	{ "MADV_DONTFORK", 10 }, { "MADV_DOFORK", 11 }, { "MADV_HUGEPAGE", 14 },
	{ "MADV_NOHUGEPAGE", 15 }, { "MADV_DONTDUMP", 16 },
	{ "TCGETS", 0x5401 }, { "TCSETS", 0x5402 }, { "TCSETSW", 0x5403 }, { "TCSETSF", 0x5404 },
	{ "TIOCGPGRP", 0x540f }, { "TIOCSPGRP", 0x5410 }, { "TIOCGWINSZ", 0x5413 },
	{ "TIOCSWINSZ", 0x5414 }, { "FIONREAD", 0x541b }, { "FIONBIO", 0x5421 },
	{ "FIONCLEX", 0x5450 }, { "FIOCLEX", 0x5451 },
	{ "AT_FDCWD", (uint64_t)-100 }, { "AT_SYMLINK_NOFOLLOW", 0x100 },
	{ "AT_REMOVEDIR", 0x200 }, { "AT_SYMLINK_FOLLOW", 0x400 }, { "AT_EMPTY_PATH", 0x1000 },
	{ "CLOCK_REALTIME", 0 }, { "CLOCK_MONOTONIC", 1 }, { "CLOCK_PROCESS_CPUTIME_ID", 2 },
	{ "CLOCK_THREAD_CPUTIME_ID", 3 }, { "CLOCK_MONOTONIC_RAW", 4 },
	{ "CLOCK_REALTIME_COARSE", 5 }, { "CLOCK_MONOTONIC_COARSE", 6 }, { "CLOCK_BOOTTIME", 7 },
	{ "ARCH_SET_GS", 0x1001 }, { "ARCH_SET_FS", 0x1002 }, { "ARCH_GET_FS", 0x1003 },
	{ "ARCH_GET_GS", 0x1004 },
	{ "GRND_NONBLOCK", 1 }, { "GRND_RANDOM", 2 }, { "MFD_CLOEXEC", 1 },
	{ "MFD_ALLOW_SEALING", 2 }, { "EFD_NONBLOCK", 04000 }, { "EFD_CLOEXEC", 02000000 },
	{ "SECCOMP_SET_MODE_STRICT", 0 }, { "SECCOMP_SET_MODE_FILTER", 1 },
	{ "SECCOMP_GET_ACTION_AVAIL", 2 }, { "SECCOMP_GET_NOTIF_SIZES", 3 },
};

/* Flags whose values differ: x86 (x86_64, i386, x32) against the generic ones (aarch64, arm). */
static const struct {
	const char *name;
	uint64_t x86, generic;
} arch_constants[] = {
	{ "O_DIRECT", 040000, 0200000 },
	{ "O_DIRECTORY", 0200000, 040000 },
	{ "O_NOFOLLOW", 0400000, 0100000 },
};

static bool lookup_constant(struct tparser *tp, const struct token *t, uint64_t *out)
{
	char name[64];
	int err;

	if (t->len >= sizeof(name))
		return false;
	memcpy(name, t->s, t->len);
	name[t->len] = '\0';
	for (size_t i = 0; i < sizeof(constants) / sizeof(constants[0]); i++)
		if (!strcmp(name, constants[i].name)) {
			*out = constants[i].value;
			return true;
		}
	for (size_t i = 0; i < sizeof(arch_constants) / sizeof(arch_constants[0]); i++) {
		const struct cbpf_policy *pol = tp->ctx->pol;
		bool x86 = false, generic = false;

		if (strcmp(name, arch_constants[i].name))
			continue;
		for (size_t a = 0; a < pol->n_arches; a++) {
			if (pol->arches[a] == CBPF_ARCH_AARCH64 || pol->arches[a] == CBPF_ARCH_ARM)
				generic = true;
			else
				x86 = true;
		}
		if (x86 && generic) {
			terr(tp, t, "'%s' differs between x86 and arm architectures: write the number",
			     name);
			*out = 0;
			return true;
		}
		*out = generic ? arch_constants[i].generic : arch_constants[i].x86;
		return true;
	}
	if (!cbpf_errno_parse(name, &err)) {
		*out = (uint64_t)err;
		return true;
	}
	return false;
}

/* A number as strtoull with base 0 reads it (and 0o octal, minijail's other spelling). */
static bool parse_number(const struct token *t, uint64_t *out)
{
	const char *s = t->s, *end = t->s + t->len;
	bool neg = false;
	unsigned base = 10;
	uint64_t v = 0;

	if (*s == '-')
		neg = true, s++;
	if (end - s > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		base = 16, s += 2;
	else if (end - s > 2 && s[0] == '0' && (s[1] == 'o' || s[1] == 'O'))
		base = 8, s += 2;
	else if (end - s > 1 && s[0] == '0')
		base = 8, s++;
	if (s == end)
		return false;
	for (; s < end; s++) {
		unsigned d;

		if (isdigit((unsigned char)*s))
			d = (unsigned)(*s - '0');
		else if (isxdigit((unsigned char)*s))
			d = (unsigned)(tolower((unsigned char)*s) - 'a' + 10);
		else
			return false;
		if (d >= base || v > (UINT64_MAX - d) / base)
			return false;
		v = v * base + d;
	}
	if (neg && v > (uint64_t)INT64_MAX + 1)
		return false;
	*out = neg ? (uint64_t)0 - v : v;
	return true;
}

static bool parse_value(struct tparser *tp, struct stmt *st, uint64_t *out, unsigned depth);

/* constant = [ '~' ] ( number | name | '(' value ')' ) */
static bool parse_constant(struct tparser *tp, struct stmt *st, uint64_t *out, unsigned depth)
{
	const struct token *t = peek(st);
	bool neg = false;

	if (t->type == T_TILDE) {
		neg = true;
		st->i++;
		t = peek(st);
	}
	if (t->type == T_LPAREN) {
		const struct token *open = t;

		st->i++;
		if (depth > 16) {
			terr(tp, open, "parentheses nested too deeply");
			return false;
		}
		if (!parse_value(tp, st, out, depth + 1))
			return false;
		if (peek(st)->type != T_RPAREN) {
			expected(tp, st, "')'");
			return false;
		}
		st->i++;
	} else if (t->type == T_NUMBER) {
		if (!parse_number(t, out)) {
			terr(tp, t, "bad number " DIAG_QF, DIAG_QA(t->s, t->len));
			return false;
		}
		st->i++;
	} else if (t->type == T_IDENT) {
		if (!lookup_constant(tp, t, out)) {
			terr(tp, t, "unknown constant " DIAG_QF " (write its value)",
			     DIAG_QA(t->s, t->len));
			return false;
		}
		st->i++;
	} else {
		expected(tp, st, "a number or a constant");
		return false;
	}
	if (neg)
		*out = ~*out;
	return true;
}

/* value = constant { '|' constant } */
static bool parse_value(struct tparser *tp, struct stmt *st, uint64_t *out, unsigned depth)
{
	uint64_t v = 0, c;

	do {
		if (!parse_constant(tp, st, &c, depth))
			return false;
		v |= c;
	} while (peek(st)->type == T_OR && ++st->i);
	*out = v;
	return true;
}

/* action = allow | 1 | kill | kill-process | kill-thread | trap | trace | log | user-notify
 *        | return value */
static bool parse_action(struct tparser *tp, struct stmt *st, uint32_t *out)
{
	const struct token *t = peek(st);
	char word[32];

	if (t->type == T_NUMBER && tok_is(t, "1")) {
		st->i++;
		*out = CBPF_SECCOMP_RET_ALLOW;
		return true;
	}
	if (t->type == T_IDENT && tok_is(t, "return")) {
		uint64_t v;

		st->i++;
		if (!parse_value(tp, st, &v, 0))
			return false;
		if (v > 0xffff) {
			terr(tp, t, "errno %llu is out of range (0 to 65535)", (unsigned long long)v);
			return false;
		}
		*out = CBPF_SECCOMP_RET_ERRNO | (uint32_t)v;
		return true;
	}
	if (t->type == T_IDENT && t->len < sizeof(word)) {
		static const char *const words[] = { "allow", "kill", "kill-process", "kill-thread",
						     "trap", "trace", "log", "user-notify", NULL };

		memcpy(word, t->s, t->len);
		word[t->len] = '\0';
		for (size_t i = 0; words[i]; i++)
			if (!strcmp(word, words[i]) && !cbpf_seccomp_action_parse(word, out)) {
				st->i++;
				return true;
			}
	}
	expected(tp, st,
		 "an action (allow, 1, kill, kill-process, kill-thread, trap, trace, log, "
		 "user-notify, return ERRNO)");
	return false;
}

/* atom = 'arg' N op value */
static bool parse_atom(struct tparser *tp, struct stmt *st, struct cbpf_policy_cond *c)
{
	const struct token *arg = peek(st), *op;
	uint64_t v;
	unsigned idx = 0;

	if (arg->type != T_IDENT || arg->len < 4 || memcmp(arg->s, "arg", 3)) {
		expected(tp, st, "an argument (arg0 to arg5)");
		return false;
	}
	for (size_t i = 3; i < arg->len; i++) {
		if (!isdigit((unsigned char)arg->s[i]) || idx > 1000) {
			terr(tp, arg, "bad argument " DIAG_QF " (arg0 to arg5)",
			     DIAG_QA(arg->s, arg->len));
			return false;
		}
		idx = idx * 10 + (unsigned)(arg->s[i] - '0');
	}
	if (idx > 5) {
		terr(tp, arg, "argument index %u is over 5 (a syscall has six arguments, arg0 to arg5)",
		     idx);
		return false;
	}
	st->i++;
	op = peek(st);
	if (op->type != T_OP) {
		expected(tp, st, "a comparison (==, !=, <, <=, >, >=, &, in)");
		return false;
	}
	st->i++;
	if (!parse_value(tp, st, &v, 0))
		return false;
	c->arg = idx;
	c->mask = UINT64_MAX;
	c->value = v;
	if (tok_is(op, "=="))
		c->op = CBPF_CMP_EQ;
	else if (tok_is(op, "!="))
		c->op = CBPF_CMP_NE;
	else if (tok_is(op, "<"))
		c->op = CBPF_CMP_LT;
	else if (tok_is(op, "<="))
		c->op = CBPF_CMP_LE;
	else if (tok_is(op, ">"))
		c->op = CBPF_CMP_GT;
	else if (tok_is(op, ">="))
		c->op = CBPF_CMP_GE;
	else if (tok_is(op, "&")) /* any of the bits set */
		c->op = CBPF_CMP_MASKED_NE, c->mask = v, c->value = 0;
	else /* in: no bit outside the set */
		c->op = CBPF_CMP_MASKED_EQ, c->mask = ~v, c->value = 0;
	return true;
}

struct descriptor {
	const struct token *name;
	unsigned arch_mask;
	bool skip; /* for architectures the filter does not check */
};

/* Architectures a policy may name that cbpf has no table for: their rules are left out. */
static bool other_arch(const char *name)
{
	static const char *const names[] = {
		"armv7",   "arm64",  "mips",    "mipsel", "mips64", "mips64el", "ppc",  "ppc64",
		"ppc64le", "powerpc", "powerpc64", "s390", "s390x",  "riscv64",  "riscv", "loongarch64",
		"sparc",   "sparc64", "parisc", "m68k",   "sh",     "alpha",    "microblaze", NULL,
	};

	for (size_t i = 0; names[i]; i++)
		if (!strcmp(name, names[i]))
			return true;
	return false;
}

/* descriptor = name [ '[' 'arch' '=' name { ',' name } ']' ] */
static bool parse_descriptor(struct tparser *tp, struct stmt *st, struct descriptor *d)
{
	const struct token *t = peek(st);

	d->name = t;
	d->arch_mask = 0;
	d->skip = false;
	if (t->type != T_IDENT) {
		expected(tp, st, "a syscall name");
		return false;
	}
	if (memchr(t->s, '@', t->len)) {
		terr(tp, t, "syscall groups (" DIAG_QF ") are not supported: list the syscalls",
		     DIAG_QA(t->s, t->len));
		return false;
	}
	st->i++;
	if (peek(st)->type != T_LBRACKET)
		return true;
	st->i++;
	if (!tok_is(peek(st), "arch")) {
		expected(tp, st, "'arch' (the only metadata key)");
		return false;
	}
	st->i++;
	if (peek(st)->type != T_EQUAL) {
		expected(tp, st, "'='");
		return false;
	}
	st->i++;
	do {
		const struct token *a = peek(st);
		char name[32];
		enum cbpf_arch arch;

		if (a->type != T_IDENT || a->len >= sizeof(name)) {
			expected(tp, st, "an architecture name");
			return false;
		}
		memcpy(name, a->s, a->len);
		name[a->len] = '\0';
		if (!cbpf_arch_parse(name, &arch)) {
			d->arch_mask |= 1U << arch;
		} else if (!other_arch(name)) {
			terr(tp, a, "unknown architecture '%s' (x86_64, i386, x32, aarch64, arm, ...)",
			     name);
			return false;
		}
		st->i++;
	} while (peek(st)->type == T_COMMA && ++st->i);
	if (peek(st)->type != T_RBRACKET) {
		expected(tp, st, "']'");
		return false;
	}
	st->i++;
	if (!d->arch_mask) {
		d->skip = true;
		return true;
	}
	d->skip = true;
	for (size_t a = 0; a < tp->ctx->pol->n_arches; a++)
		if (d->arch_mask & (1U << tp->ctx->pol->arches[a]))
			d->skip = false;
	return true;
}

/* Checks a syscall name: known, and on every architecture its rule applies to. */
static const char *check_name(struct tparser *tp, const struct descriptor *d)
{
	const struct token *t = d->name;
	const struct cbpf_policy *pol = tp->ctx->pol;
	bool lenient = tp->ctx->opts->lenient;
	char name[64];
	uint32_t nr;

	if (t->len >= sizeof(name) || (memcpy(name, t->s, t->len), name[t->len] = '\0',
				       !cbpf_syscall_exists(name))) {
		/* a name no architecture has is a typo: an error even when lenient */
		terr(tp, t, "unknown syscall " DIAG_QF, DIAG_QA(t->s, t->len));
		return NULL;
	}
	for (size_t a = 0; a < pol->n_arches; a++) {
		enum cbpf_arch arch = pol->arches[a];

		if (d->arch_mask && !(d->arch_mask & (1U << arch)))
			continue;
		if (!cbpf_syscall_nr(arch, name, &nr))
			continue;
		if (lenient)
			twarn(tp, t, "syscall '%s' does not exist on %s: no rule there", name,
			      cbpf_arch_name(arch));
		else
			terr(tp, t, "syscall '%s' does not exist on %s", name, cbpf_arch_name(arch));
	}
	return policy_strdup(tp->ctx, name, strlen(name));
}

static void parse_file(struct tparser *tp, const char *src, size_t len);

static void do_include(struct tparser *tp, struct stmt *st)
{
	const struct token *dir = &st->v[0], *path = st->n > 1 ? &st->v[1] : NULL;
	char *full = NULL, *buf = NULL;
	const char *base = tp->file ? strrchr(tp->file, '/') : NULL;
	struct tparser sub = *tp;
	size_t blen;
	int err;

	if (!path) {
		struct token e = end_token(st);

		terr(tp, &e, "expected a file name after @include");
		return;
	}
	if (tp->ctx->opts->no_includes) {
		terr(tp, dir, "@include is not allowed here");
		return;
	}
	if (tp->depth >= MAX_INCLUDE_DEPTH) {
		terr(tp, dir, "@include nested more than %d deep", MAX_INCLUDE_DEPTH);
		return;
	}
	/* Relative to the including file's directory, as minijail does. */
	blen = path->s[0] != '/' && base ? (size_t)(base - tp->file) + 1 : 0;
	full = malloc(blen + path->len + 1);
	if (!full) {
		tp->ctx->err = -ENOMEM;
		return;
	}
	memcpy(full, tp->file, blen);
	memcpy(full + blen, path->s, path->len);
	full[blen + path->len] = '\0';
	err = cbpf_infile_read(full, tp->ctx->opts->max_file_size, &buf, &blen);
	if (err) {
		char why[64];

		terr(tp, path, "cannot @include " DIAG_QF ": %s", DIAG_QA(full, strlen(full)),
		     cbpf_infile_why(err, tp->ctx->opts->max_file_size, why, sizeof(why)));
		/* Out of memory, or over the limit, is the call's answer (common.h's set). */
		if ((err == -ENOMEM || err == -EFBIG) && !tp->ctx->err)
			tp->ctx->err = err == -EFBIG ? -E2BIG : err;
		free(full);
		return;
	}
	sub.file = policy_strdup(tp->ctx, full, strlen(full));
	sub.depth = tp->depth + 1;
	if (sub.file)
		parse_file(&sub, buf, blen);
	free(buf);
	free(full);
}

static void do_statement(struct tparser *tp, struct stmt *st)
{
	struct descriptor ds[64];
	struct cbpf_policy_cond conds[MAX_CONDS];
	size_t nds = 0, start[MAX_CONDS + 1], nclauses = 0, nconds = 0;
	const struct token *first = &st->v[0], *colon;
	uint32_t action = CBPF_SECCOMP_RET_ALLOW, fallback = 0;
	bool has_expr = false, has_fallback = false;

	if (first->type == T_DIRECTIVE) {
		if (tok_is(first, "@include")) {
			do_include(tp, st);
			return;
		}
		if (tok_is(first, "@frequency"))
			return; /* ordering hints: the binary search makes them moot */
		if (tok_is(first, "@default")) {
			st->i = 1;
			if (!parse_action(tp, st, tp->default_action))
				return;
			*tp->default_set = true;
			goto end;
		}
		terr(tp, first, "unknown directive " DIAG_QF " (@include, @default, @frequency)",
		     DIAG_QA(first->s, first->len));
		return;
	}
	/* descriptors ':' */
	if (first->type == T_LBRACE) {
		st->i++;
		do {
			if (nds == sizeof(ds) / sizeof(ds[0])) {
				terr(tp, peek(st), "too many syscalls in one statement (at most 64)");
				return;
			}
			if (!parse_descriptor(tp, st, &ds[nds++]))
				return;
		} while (peek(st)->type == T_COMMA && ++st->i);
		if (peek(st)->type != T_RBRACE) {
			expected(tp, st, "',' or '}'");
			return;
		}
		st->i++;
	} else if (!parse_descriptor(tp, st, &ds[nds++])) {
		return;
	}
	colon = peek(st);
	if (colon->type != T_COLON) {
		expected(tp, st, "':' after the syscall name");
		return;
	}
	st->i++;
	/* filter = action | expr [ ';' action ] */
	if (peek(st)->type == T_LBRACE) {
		terr(tp, peek(st), "filter lists in braces are not supported: one filter per syscall");
		return;
	}
	if (peek(st)->type == T_IDENT && peek(st)->len > 3 && !memcmp(peek(st)->s, "arg", 3) &&
	    isdigit((unsigned char)peek(st)->s[3])) {
		has_expr = true;
		start[0] = 0;
		for (;;) {
			if (nconds == MAX_CONDS) {
				terr(tp, peek(st), "too many comparisons (at most %d)", MAX_CONDS);
				return;
			}
			if (!parse_atom(tp, st, &conds[nconds++]))
				return;
			if (peek(st)->type == T_ANDAND) {
				st->i++;
				continue;
			}
			start[++nclauses] = nconds;
			if (peek(st)->type != T_OROR)
				break;
			st->i++;
		}
		if (peek(st)->type == T_SEMI) {
			st->i++;
			if (!parse_action(tp, st, &fallback))
				return;
			has_fallback = true;
		}
	} else if (!parse_action(tp, st, &action)) {
		return;
	}
end:
	if (st->i < st->n) {
		const struct token *t = peek(st);

		terr(tp, t, "unexpected " DIAG_QF " after the statement", DIAG_QA(t->s, t->len));
		return;
	}
	for (size_t d = 0; d < nds; d++) {
		const char *name;

		if (ds[d].skip)
			continue;
		name = check_name(tp, &ds[d]);
		if (!name)
			continue;
		if (!has_expr) {
			policy_add_rule(tp->ctx, name, action, false, NULL, 0, ds[d].arch_mask, tp->file,
					ds[d].name->line, ds[d].name->col);
			continue;
		}
		for (size_t c = 0; c < nclauses; c++)
			policy_add_rule(tp->ctx, name, CBPF_SECCOMP_RET_ALLOW, false, &conds[start[c]],
					start[c + 1] - start[c], ds[d].arch_mask, tp->file,
					ds[d].name->line, ds[d].name->col);
		if (has_fallback)
			policy_add_rule(tp->ctx, name, fallback, true, NULL, 0, ds[d].arch_mask,
					tp->file, ds[d].name->line, ds[d].name->col);
	}
}

static void parse_file(struct tparser *tp, const char *src, size_t len)
{
	const char *p = src, *end = src + len;
	struct stmt st = { 0 };
	unsigned line = 0;

	while (p < end && !tp->ctx->err && tp->ctx->errors <= tp->ctx->max_errors) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		bool more;

		if (!eol)
			eol = end;
		line++;
		if (memchr(p, '\0', (size_t)(eol - p))) {
			struct token t = { T_BAD, p, 1, line, 1 };

			terr(tp, &t, "NUL byte in the policy");
			break;
		}
		more = tokenize_line(tp, &st, p, eol, line);
		p = eol < end ? eol + 1 : end;
		if (more && p < end)
			continue;
		if (st.n)
			do_statement(tp, &st);
		st.n = st.i = 0;
	}
	free(st.v);
}

void policy_text_parse(struct policy_ctx *ctx, const char *src, size_t len, const char *file)
{
	uint32_t dflt = CBPF_SECCOMP_RET_KILL_PROCESS;
	bool dflt_set = false;
	struct tparser tp = { .ctx = ctx, .default_action = &dflt, .default_set = &dflt_set };

	if (file && !(tp.file = policy_strdup(ctx, file, strlen(file))))
		return;
	/* The filter's architectures are fixed before the rules: names are checked on each. */
	if (!ctx->pol->n_arches)
		policy_add_arch(ctx->pol, ctx->host);
	if (len >= 3 && !memcmp(src, "\xef\xbb\xbf", 3))
		src += 3, len -= 3;
	parse_file(&tp, src, len);
	/* minijail: a syscall nothing allows kills the process, unless @default says otherwise. */
	ctx->pol->default_action = dflt;
	ctx->have_default = dflt_set;
}
