/* SPDX-License-Identifier: MIT */
/*
 * Names gen-constants.sh cannot find in the headers it reads: newer than the newest kernel
 * source Debian ships, or minijail's own. Included after the kernel's headers; a name they
 * define wins over this file, so each entry here retires itself when the kernel source has it.
 */

/* Linux 6.13, include/uapi/asm-generic/mman-common.h (and alpha, mips, parisc, xtensa's
 * asm/mman.h): guard regions. */
#ifndef MADV_GUARD_INSTALL
#define MADV_GUARD_INSTALL 102
#define MADV_GUARD_REMOVE  103
#endif

/* Linux 6.12, include/linux/socket.h (the kernel's, for every architecture): glibc 2.36's
 * bits/socket.h, where the other MSG_* come from, predates it. */
#ifndef MSG_SOCK_DEVMEM
#define MSG_SOCK_DEVMEM 0x2000000
#endif

/* minijail's: the architecture a policy is compiled for, as its constants tables carry it
 * (seccomp_data.arch, and the width of an argument register). */
#if defined(__x86_64__)
#define MINIJAIL_ARCH_NR   AUDIT_ARCH_X86_64
#define MINIJAIL_ARCH_BITS 64
#elif defined(__i386__)
#define MINIJAIL_ARCH_NR   AUDIT_ARCH_I386
#define MINIJAIL_ARCH_BITS 32
#elif defined(__aarch64__)
#define MINIJAIL_ARCH_NR   AUDIT_ARCH_AARCH64
#define MINIJAIL_ARCH_BITS 64
#elif defined(__arm__)
#define MINIJAIL_ARCH_NR   AUDIT_ARCH_ARM
#define MINIJAIL_ARCH_BITS 32
#elif defined(__riscv) && __riscv_xlen == 64
#define MINIJAIL_ARCH_NR   AUDIT_ARCH_RISCV64
#define MINIJAIL_ARCH_BITS 64
#elif defined(__powerpc64__) && defined(__LITTLE_ENDIAN__)
#define MINIJAIL_ARCH_NR   AUDIT_ARCH_PPC64LE
#define MINIJAIL_ARCH_BITS 64
#elif defined(__s390x__)
#define MINIJAIL_ARCH_NR   AUDIT_ARCH_S390X
#define MINIJAIL_ARCH_BITS 64
#elif defined(__s390__)
#define MINIJAIL_ARCH_NR   AUDIT_ARCH_S390
#define MINIJAIL_ARCH_BITS 32
#elif defined(__powerpc__) && !defined(__powerpc64__)
#define MINIJAIL_ARCH_NR   AUDIT_ARCH_PPC
#define MINIJAIL_ARCH_BITS 32
#elif defined(__loongarch64)
#define MINIJAIL_ARCH_NR   AUDIT_ARCH_LOONGARCH64
#define MINIJAIL_ARCH_BITS 64
#elif defined(__mips__) && defined(_ABIN32) && _MIPS_SIM == _ABIN32 && defined(__MIPSEB__)
/* n32: not in minijail's arch.h; its AUDIT_ARCH, and 32 bits as libseccomp compares them */
#define MINIJAIL_ARCH_NR   AUDIT_ARCH_MIPS64N32
#define MINIJAIL_ARCH_BITS 32
#elif defined(__mips__) && defined(_ABIN32) && _MIPS_SIM == _ABIN32
#define MINIJAIL_ARCH_NR   AUDIT_ARCH_MIPSEL64N32
#define MINIJAIL_ARCH_BITS 32
#elif defined(__mips__) && __mips == 64 && defined(__MIPSEB__)
#define MINIJAIL_ARCH_NR   AUDIT_ARCH_MIPS64
#define MINIJAIL_ARCH_BITS 64
#elif defined(__mips__) && __mips == 64
#define MINIJAIL_ARCH_NR   AUDIT_ARCH_MIPSEL64
#define MINIJAIL_ARCH_BITS 64
#elif defined(__mips__) && defined(__MIPSEB__)
#define MINIJAIL_ARCH_NR   AUDIT_ARCH_MIPS
#define MINIJAIL_ARCH_BITS 32
#elif defined(__mips__)
#define MINIJAIL_ARCH_NR   AUDIT_ARCH_MIPSEL
#define MINIJAIL_ARCH_BITS 32
#endif
