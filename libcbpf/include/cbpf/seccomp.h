/* SPDX-License-Identifier: MIT */
/* Seccomp itself: architectures, syscall and constant tables, actions, any seccomp program. */
#ifndef LIBCBPF_SECCOMP_H
#define LIBCBPF_SECCOMP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common.h"
#include "prog.h"

/* ---------------------------------------------------------------- architectures */

/* The architectures cbpf generates filters for. */
enum cbpf_arch {
	CBPF_ARCH_NONE,
	CBPF_ARCH_X86_64,
	CBPF_ARCH_I386,
	CBPF_ARCH_X32,
	CBPF_ARCH_AARCH64,
	CBPF_ARCH_ARM,
	CBPF_ARCH_RISCV64,
	CBPF_ARCH_PPC64LE,
	CBPF_ARCH_S390X, /* big-endian */
	CBPF_ARCH_LOONGARCH64,
	CBPF_ARCH_MIPS,	     /* o32, big-endian */
	CBPF_ARCH_MIPSEL,    /* o32 */
	CBPF_ARCH_MIPS64,    /* n64, big-endian */
	CBPF_ARCH_MIPS64EL,  /* n64 */
	CBPF_ARCH_MIPSN32,   /* n32, big-endian: libseccomp's SCMP_ARCH_MIPS64N32 */
	CBPF_ARCH_MIPSN32EL, /* n32: SCMP_ARCH_MIPSEL64N32 */
	CBPF_ARCH_PPC,	     /* 32-bit powerpc, big-endian */
	CBPF_ARCH_S390,	     /* 31-bit s390 (s390x's compat ABI), big-endian */
};
#define CBPF_ARCH_COUNT 17 /* CBPF_ARCH_X86_64 .. CBPF_ARCH_S390 */

/* include/uapi/linux/audit.h: what seccomp_data.arch holds. x32 shares x86_64's. */
#define CBPF_AUDIT_ARCH_X86_64	    0xc000003eU
#define CBPF_AUDIT_ARCH_I386	    0x40000003U
#define CBPF_AUDIT_ARCH_AARCH64	    0xc00000b7U
#define CBPF_AUDIT_ARCH_ARM	    0x40000028U
#define CBPF_AUDIT_ARCH_RISCV64	    0xc00000f3U
#define CBPF_AUDIT_ARCH_PPC64LE	    0xc0000015U
#define CBPF_AUDIT_ARCH_S390X	    0x80000016U
#define CBPF_AUDIT_ARCH_LOONGARCH64 0xc0000102U
#define CBPF_AUDIT_ARCH_MIPS	    0x00000008U
#define CBPF_AUDIT_ARCH_MIPSEL	    0x40000008U
#define CBPF_AUDIT_ARCH_MIPS64	    0x80000008U
#define CBPF_AUDIT_ARCH_MIPS64EL    0xc0000008U
/* n32: __AUDIT_ARCH_64BIT with __AUDIT_ARCH_CONVENTION_MIPS64_N32 (0x20000000) */
#define CBPF_AUDIT_ARCH_MIPS64N32   0xa0000008U
#define CBPF_AUDIT_ARCH_MIPSEL64N32 0xe0000008U
#define CBPF_AUDIT_ARCH_PPC	    0x00000014U
#define CBPF_AUDIT_ARCH_S390	    0x00000016U
/* arch/x86/include/uapi/asm/unistd.h: __X32_SYSCALL_BIT, set in every x32 syscall number. */
#define CBPF_X32_SYSCALL_BIT 0x40000000U

/* "x86_64", "i386", "x32", "aarch64", "arm", "riscv64", "ppc64le", "s390x", "loongarch64", "mips",
 * "mipsel", "mips64", "mips64el", "mipsn32", "mipsn32el", "ppc", "s390"; NULL for CBPF_ARCH_NONE or
 * a bad value. */
CBPF_API const char *cbpf_arch_name(enum cbpf_arch arch);
/*
 * Parses an architecture name: the names above, the kernel's, Debian's and Docker's aliases
 * (amd64, x86, 386, arm64, loong64, mipsle, mipsel64, mips64le, mips64n32, powerpc...) and
 * libseccomp's SCMP_ARCH_* tokens (SCMP_ARCH_MIPSEL64 is mips64el, SCMP_ARCH_MIPS64N32 mipsn32), in
 * any case. Returns 0 or -ENOENT.
 */
CBPF_API int cbpf_arch_parse(const char *name, enum cbpf_arch *out);
/* The AUDIT_ARCH_* value a filter compares seccomp_data.arch with; 0 for a bad arch. */
CBPF_API uint32_t cbpf_arch_audit(enum cbpf_arch arch);
/* libseccomp's and the OCI runtime spec's name ("SCMP_ARCH_MIPSEL64"); NULL for a bad arch. */
CBPF_API const char *cbpf_arch_scmp_name(enum cbpf_arch arch);
/* The architecture libcbpf was built for, or CBPF_ARCH_NONE when it is none of the above. */
CBPF_API enum cbpf_arch cbpf_arch_native(void);
/*
 * The architecture whose AUDIT_ARCH_* value is audit: prefer when it is prefer's (x32 and x86_64
 * share one), else the first in the list above; CBPF_ARCH_NONE when none has it.
 */
CBPF_API enum cbpf_arch cbpf_arch_of_audit(uint32_t audit, enum cbpf_arch prefer);
/*
 * The names above, in that order, each followed by sep but the last, into buf (always
 * terminated when size > 0): what messages and help list. x32 only when with_x32 (it names an
 * ABI, not a machine: --host). Returns the length of the whole list, as snprintf does.
 */
CBPF_API size_t cbpf_arch_names(char *buf, size_t size, const char *sep, bool with_x32);

/* ---------------------------------------------------------------- system call tables */

/*
 * The number of system call name on arch, as seccomp_data.nr carries it (an x32 number includes
 * CBPF_X32_SYSCALL_BIT). Returns 0, -ENOENT (no such system call on arch; see
 * cbpf_syscall_exists) or -EINVAL (bad arch).
 */
CBPF_API int cbpf_syscall_nr(enum cbpf_arch arch, const char *name, uint32_t *nr);
/* The name of system call nr on arch, or NULL. Static storage, never freed. */
CBPF_API const char *cbpf_syscall_name(enum cbpf_arch arch, uint32_t nr);
/* True when name is a Linux system call on some architecture, including ones cbpf has no
 * table for (riscv_hwprobe, s390_runtime_instr, ...). */
CBPF_API bool cbpf_syscall_exists(const char *name);
/* The names in the table, sorted (strcmp): cbpf_syscall_at(0 .. cbpf_syscall_count() - 1). */
CBPF_API size_t cbpf_syscall_count(void);
CBPF_API const char *cbpf_syscall_at(size_t i);

/* ---------------------------------------------------------------- named constants */

/*
 * The constants policies compare arguments with (O_CLOEXEC, MADV_MERGEABLE, TCGETS2, AF_INET,
 * EPERM...), each with its value on each architecture, generated from the kernel's and libc's
 * headers (libcbpf/data/constants.csv).
 */

/*
 * The value of constant name (case matters) on arch, as a 64-bit number: a negative value of a
 * signed type is sign-extended (AT_FDCWD is 0xffffffffffffff9c), an unsigned one is not (~0UL is
 * 0xffffffff on a 32-bit architecture). Returns 0, -ENOENT (not defined on arch; see
 * cbpf_const_exists) or -EINVAL (bad arch).
 */
CBPF_API int cbpf_const_value(enum cbpf_arch arch, const char *name, uint64_t *value);
/* True when name is a constant on some architecture of the table. */
CBPF_API bool cbpf_const_exists(const char *name);
/*
 * The known names closest to name (edit distance ignoring case, at most a third of its length,
 * and at most one more than the best's): up to n (at most 8) of them into out[], best first,
 * only names defined on arch (any architecture for CBPF_ARCH_NONE). Returns how many it wrote.
 * The strings are static, never freed.
 */
CBPF_API size_t cbpf_const_suggest(enum cbpf_arch arch, const char *name, const char **out,
				   size_t n);
/*
 * The name of value within a family of constants on arch, for printing: family is a name
 * prefix ("AF_", "SOCK_", "MADV_", "SIG"), or "E" for errno numbers (the errno headers' names
 * only, not EPOLLIN or ECHO). Where several names share the value, the kernel's spelling wins
 * over libc's, then the first in strcmp order (EAGAIN, not EWOULDBLOCK), except AF_UNIX and
 * PF_UNIX. Returns NULL when none; static storage.
 */
CBPF_API const char *cbpf_const_name(enum cbpf_arch arch, const char *family, uint64_t value);

/* ---------------------------------------------------------------- actions */

/* include/uapi/linux/seccomp.h: a filter's return value is an action and 16 bits of data. */
#define CBPF_SECCOMP_RET_KILL_PROCESS 0x80000000U
#define CBPF_SECCOMP_RET_KILL_THREAD  0x00000000U
#define CBPF_SECCOMP_RET_TRAP	      0x00030000U
#define CBPF_SECCOMP_RET_ERRNO	      0x00050000U
#define CBPF_SECCOMP_RET_USER_NOTIF   0x7fc00000U
#define CBPF_SECCOMP_RET_TRACE	      0x7ff00000U
#define CBPF_SECCOMP_RET_LOG	      0x7ffc0000U
#define CBPF_SECCOMP_RET_ALLOW	      0x7fff0000U
#define CBPF_SECCOMP_RET_ACTION_FULL  0xffff0000U
#define CBPF_SECCOMP_RET_DATA	      0x0000ffffU

/*
 * Parses an action: allow, log, trap, kill_process, kill_thread (kill), user_notif, errno(N),
 * trace(N) (N a number or an errno name such as EPERM; "errno" alone is errno(EPERM), "trace"
 * alone trace(0)); '-' may stand for '_' (kill-process); libseccomp's SCMP_ACT_* names are
 * accepted too (SCMP_ACT_ERRNO(1)). Returns 0 or -EINVAL.
 */
CBPF_API int cbpf_seccomp_action_parse(const char *text, uint32_t *out);
/*
 * Writes the action's name into buf (always terminated): "allow", "errno(1)", "trace(3)",
 * "kill_process"...; a value no action has is printed in hex. Returns the length it needed,
 * like snprintf.
 */
CBPF_API int cbpf_seccomp_action_format(uint32_t action, char *buf, size_t size);
/* The errno number of a name such as "EPERM" (Linux's generic values). 0 or -ENOENT. */
CBPF_API int cbpf_errno_parse(const char *name, int *out);
/* The name of an errno number ("EPERM"), or NULL. */
CBPF_API const char *cbpf_errno_name(int err);

/* ---------------------------------------------------------------- any seccomp program */

/*
 * Adds comments to a seccomp program the way seccomp-tools' disassembler explains it: loads
 * name the field (arch, nr, args[1] high word...), a comparison of the architecture names it,
 * and after a load of nr the compared constants become syscall names of the architecture the
 * program has checked on that path (assume when it has not: CBPF_ARCH_NONE names none), returns
 * name their action. Existing comments are kept. Returns 0 or -ENOMEM.
 */
CBPF_API int cbpf_seccomp_annotate(struct cbpf_prog *prog, enum cbpf_arch assume);

/* include/uapi/linux/seccomp.h: SECCOMP_FILTER_FLAG_*. */
#define CBPF_SECCOMP_FLAG_TSYNC		     0x1U
#define CBPF_SECCOMP_FLAG_LOG		     0x2U
#define CBPF_SECCOMP_FLAG_SPEC_ALLOW	     0x4U
#define CBPF_SECCOMP_FLAG_NEW_LISTENER	     0x8U
#define CBPF_SECCOMP_FLAG_WAIT_KILLABLE_RECV 0x20U
/* Ours: do not set no_new_privs first (the caller has CAP_SYS_ADMIN). */
#define CBPF_SECCOMP_KEEP_PRIVS 0x80000000U

#endif
