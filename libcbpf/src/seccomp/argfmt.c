// SPDX-License-Identifier: MIT
/* Syscall arguments by name: the constants a report prints and a recorded policy compares with. */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "seccomp/consttab.h"
#include "seccomp/record_int.h"

/* The arguments --args keeps: where one constant is the norm (docs/policy.md, "Recording"). */
static const struct rec_key keys[] = {
	{ "socket", REC_PAIR, 0, 1, "AF_", "SOCK_" },
	{ "ioctl", REC_ONE, 1, 0, "IOCTL", NULL },
	{ "prctl", REC_ONE, 0, 0, "PRCTL", NULL },
	{ "clone", REC_ONE, 0, 0, "CLONE_", NULL },
	{ "personality", REC_ONE, 0, 0, "PER_", NULL },
	{ "mmap", REC_NOEXEC, 2, 0, "PROT_", NULL },
	{ "mmap2", REC_NOEXEC, 2, 0, "PROT_", NULL },
	{ "mprotect", REC_NOEXEC, 2, 0, "PROT_", NULL },
	{ "pkey_mprotect", REC_NOEXEC, 2, 0, "PROT_", NULL },
};

const struct rec_key *rec_key_find(const char *name)
{
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (!strcmp(keys[i].name, name))
			return &keys[i];
	return NULL;
}

bool rec_arch_32(enum cbpf_arch arch)
{
	/* a 64-bit kernel truncates a compat task's arguments (syscall_get_arguments: mips'
	 * TIF_32BIT_REGS, powerpc's TIF_32BIT, s390's TIF_31BIT); x32's and n32's are 64-bit
	 * registers */
	return arch == CBPF_ARCH_I386 || arch == CBPF_ARCH_ARM || arch == CBPF_ARCH_MIPS ||
	       arch == CBPF_ARCH_MIPSEL || arch == CBPF_ARCH_PPC || arch == CBPF_ARCH_S390;
}

/* snprintf that appends at *at and never runs past size. */
static void put(char *buf, size_t size, size_t *at, const char *fmt, ...) CBPF_PRINTF(4, 5);
static void put(char *buf, size_t size, size_t *at, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(*at < size ? buf + *at : NULL, *at < size ? size - *at : 0, fmt, ap);
	va_end(ap);
	if (n > 0)
		*at += (size_t)n;
}

/* The first name of v in one of the families, NULL-terminated. */
static const char *first_name(enum cbpf_arch arch, const char *const *fams, uint64_t v)
{
	for (; *fams; fams++) {
		const char *n = cbpf_const_name(arch, *fams, v);

		if (n)
			return n;
	}
	return NULL;
}

/* rest as bit names of family after what is already in buf; false when a bit has none. */
static bool put_bits(enum cbpf_arch arch, const char *family, uint64_t rest, char *buf, size_t size,
		     size_t *at)
{
	for (unsigned b = 0; b < 64; b++) {
		const char *n;

		if (!(rest >> b & 1))
			continue;
		n = cbpf_const_name(arch, family, (uint64_t)1 << b);
		if (!n)
			return false;
		put(buf, size, at, "%s%s", *at ? "|" : "", n);
	}
	return true;
}

/*
 * A prctl option's name: the shortest PR_SET_ or PR_GET_ name of v (PR_SET_DUMPABLE, not
 * PR_SET_MM_START_DATA, an argument of PR_SET_MM with the same value), else the options that
 * have neither prefix.
 */
static const char *prctl_name(enum cbpf_arch arch, uint64_t v)
{
	static const char *const others[] = { "PR_CAPBSET_READ",
					      "PR_CAPBSET_DROP",
					      "PR_MCE_KILL",
					      "PR_CAP_AMBIENT",
					      "PR_TASK_PERF_EVENTS_DISABLE",
					      "PR_TASK_PERF_EVENTS_ENABLE",
					      "PR_MPX_ENABLE_MANAGEMENT",
					      "PR_MPX_DISABLE_MANAGEMENT",
					      "PR_SVE_SET_VL",
					      "PR_SVE_GET_VL",
					      "PR_SCHED_CORE",
					      "PR_PAC_RESET_KEYS",
					      NULL };
	int col = systab_col(arch);
	const char *best = NULL;

	if (col < 0)
		return NULL;
	for (size_t i = 0; i < consttab_count; i++) {
		const struct consttab_entry *e = &consttab_entries[i];
		const char *n = consttab_name(e);
		uint64_t x;

		if ((strncmp(n, "PR_SET_", 7) && strncmp(n, "PR_GET_", 7)) ||
		    consttab_value(e, col, &x) || x != v)
			continue;
		if (!best || strlen(n) < strlen(best))
			best = n;
	}
	for (size_t i = 0; !best && others[i]; i++) {
		uint64_t x;

		if (!cbpf_const_value(arch, others[i], &x) && x == v)
			best = others[i];
	}
	return best;
}

size_t argfmt_value(enum cbpf_arch arch, const char *family, uint64_t v, char *buf, size_t size)
{
	static const char *const ioctls[] = { "TC",  "TIOC",	      "FIO",	"SIOC", "FS_IOC",
					      "BLK", "SECCOMP_IOCTL", "NS_GET", "RND",	NULL };
	const char *n = NULL;
	uint64_t rest = v;
	size_t at = 0;
	bool ok = true;

	if (size)
		buf[0] = '\0';
	if (!strcmp(family, "IOCTL"))
		n = first_name(arch, ioctls, v);
	else if (!strcmp(family, "PRCTL"))
		n = prctl_name(arch, v);
	else if (strcmp(family, "CLONE_") && strcmp(family, "O_") && strcmp(family, "SOCK_") &&
		 strcmp(family, "MAP_")) /* SOCK_SNDBUF_LOCK is 1 too: a type first */
		n = cbpf_const_name(arch, family, v);
	if (n) {
		put(buf, size, &at, "%s", n);
		return at;
	}
	if (!strcmp(family, "CLONE_") || !strcmp(family, "SOCK_") || !strcmp(family, "PROT_") ||
	    !strcmp(family, "O_") || !strcmp(family, "MAP_")) {
		/* the low part is a value of its own: the exit signal (written last, as strace
		 * does), a socket type, an access mode, a mapping type */
		static const char *const types[] = { "SOCK_STREAM",
						     "SOCK_DGRAM",
						     "SOCK_RAW",
						     "SOCK_RDM",
						     "SOCK_SEQPACKET",
						     "SOCK_DCCP",
						     "SOCK_PACKET",
						     "O_RDONLY",
						     "O_WRONLY",
						     "O_RDWR",
						     "MAP_SHARED",
						     "MAP_PRIVATE",
						     "MAP_SHARED_VALIDATE",
						     NULL };
		bool clone = !strcmp(family, "CLONE_");
		uint64_t low = clone			  ? 0xff
			       : !strcmp(family, "SOCK_") ? 0xf
			       : !strcmp(family, "O_")	  ? 3
			       : !strcmp(family, "MAP_")  ? 0xf
							  : 0;
		const char *lname = NULL;

		if (clone && (v & low)) {
			lname = cbpf_const_name(arch, "SIG", v & low);
		} else if (low) {
			for (size_t i = 0; types[i] && !lname; i++) {
				uint64_t t;

				if (!strncmp(types[i], family, strlen(family)) &&
				    !cbpf_const_value(arch, types[i], &t) && t == (v & low))
					lname = types[i];
			}
		}
		if (low && (v & low) && !lname)
			ok = false;
		rest &= ~low;
		if (lname && !clone)
			put(buf, size, &at, "%s", lname);
		if (ok && rest)
			ok = put_bits(arch, family, rest, buf, size, &at);
		if (ok && lname && clone)
			put(buf, size, &at, "%s%s", at ? "|" : "", lname);
		if (ok && at)
			return at;
		if (ok && !v) {
			put(buf, size, &at, "0");
			return at;
		}
	}
	at = 0;
	if (rest >> 63 && (int64_t)v > -4096)
		put(buf, size, &at, "%" PRId64, (int64_t)v);
	else
		put(buf, size, &at, "%#" PRIx64, v);
	return at;
}

/* What each argument is, for the calls worth decoding: a family of constants, or d (signed
 * decimal), x (hex), p (pointer: NULL or hex), AT (a directory descriptor). */
static const struct sig {
	const char *name;
	const char *args[6];
} sigs[] = {
	{ "accept4", { "d", "p", "p", "SOCK_" } },
	{ "bind", { "d", "p", "d" } },
	{ "clone", { "CLONE_", "p", "p", "p", "x" } },
	{ "close", { "d" } },
	{ "connect", { "d", "p", "d" } },
	{ "dup3", { "d", "d", "O_" } },
	{ "execve", { "p", "p", "p" } },
	{ "exit_group", { "d" } },
	{ "fcntl", { "d", "F_", "x" } },
	{ "getpid", { NULL } },
	{ "ioctl", { "d", "IOCTL", "x" } },
	{ "kill", { "d", "SIG" } },
	{ "listen", { "d", "d" } },
	{ "mkdir", { "p", "x" } },
	{ "mkdirat", { "AT", "p", "x" } },
	{ "mmap", { "p", "x", "PROT_", "MAP_", "d", "x" } },
	{ "mmap2", { "p", "x", "PROT_", "MAP_", "d", "x" } },
	{ "mprotect", { "p", "x", "PROT_" } },
	{ "open", { "p", "O_", "x" } },
	{ "openat", { "AT", "p", "O_", "x" } },
	{ "personality", { "PER_" } },
	{ "pkey_mprotect", { "p", "x", "PROT_", "d" } },
	{ "prctl", { "PRCTL", "x", "x", "x", "x" } },
	{ "read", { "d", "p", "d" } },
	{ "setsockopt", { "d", "SOL_", "d", "p", "d" } },
	{ "socket", { "AF_", "SOCK_", "d" } },
	{ "socketpair", { "AF_", "SOCK_", "d", "p" } },
	{ "swapoff", { "p" } },
	{ "tgkill", { "d", "d", "SIG" } },
	{ "unshare", { "CLONE_" } },
	{ "write", { "d", "p", "d" } },
};

int cbpf_syscall_args_format(const struct cbpf_syscall_event *ev, char *buf, size_t size)
{
	const char *name = ev->name ? ev->name : cbpf_syscall_name(ev->arch, ev->nr);
	const struct sig *sig = NULL;
	size_t at = 0;
	char val[256];

	if (size)
		buf[0] = '\0';
	if (name) {
		put(buf, size, &at, "%s(", name);
		for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
			if (!strcmp(sigs[i].name, name))
				sig = &sigs[i];
	} else {
		put(buf, size, &at, "syscall_%#x(", ev->nr);
	}
	for (unsigned i = 0; i < 6; i++) {
		const char *t = sig ? sig->args[i] : "x";
		uint64_t v = ev->args[i];

		if (!t)
			break;
		if (rec_arch_32(ev->arch))
			v = (uint32_t)v;
		put(buf, size, &at, "%s", i ? ", " : "");
		if (!(ev->known >> i & 1))
			put(buf, size, &at, "?");
		else if (!strcmp(t, "d"))
			put(buf, size, &at, "%" PRId32, (int32_t)v); /* ints, in a register */
		else if (!strcmp(t, "p") && !v)
			put(buf, size, &at, "NULL");
		else if (!strcmp(t, "p") || !strcmp(t, "x"))
			put(buf, size, &at, "%#" PRIx64, v);
		else if (!strcmp(t, "AT") && (int32_t)v == -100)
			put(buf, size, &at, "AT_FDCWD");
		else if (!strcmp(t, "AT"))
			put(buf, size, &at, "%" PRId32, (int32_t)v);
		else if (argfmt_value(ev->arch, t, v, val, sizeof(val)) < sizeof(val))
			put(buf, size, &at, "%s", val);
		else
			put(buf, size, &at, "%#" PRIx64, v);
	}
	put(buf, size, &at, ")");
	return (int)at;
}
