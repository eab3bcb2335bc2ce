/* SPDX-License-Identifier: MIT */
/* What arch.c's list of architectures knows beyond the public API. Private to libcbpf. */
#ifndef CBPF_ARCH_H
#define CBPF_ARCH_H

#include <stdbool.h>
#include <stdint.h>

#include "cbpf/seccomp.h"

/* Docker's name of an architecture (moby profiles/seccomp: "amd64", "mipsel64n32"), "" for none
 * (x32, CBPF_ARCH_NONE). */
const char *arch_docker_name(enum cbpf_arch arch);
/* Whether arch's arguments are compared on their low 32 bits (libseccomp's ARCH_SIZE_32: i386,
 * x32, arm, mips, mipsel, mipsn32, mipsn32el, ppc, s390). False for CBPF_ARCH_NONE. */
bool arch_args32(enum cbpf_arch arch);
/* Whether arch is big-endian: the low half of an argument is the word at offset + 4. */
bool arch_big_endian(enum cbpf_arch arch);
/*
 * How the arguments of the architecture whose AUDIT_ARCH value is audit lie in seccomp_data
 * (prefer as cbpf_arch_of_audit takes it: x32 for x86_64's value): *is64 when they are compared
 * on 64 bits, *le when the low half comes first. A value no architecture has is read from its
 * __AUDIT_ARCH_64BIT and __AUDIT_ARCH_LE bits.
 */
void arch_audit_layout(uint32_t audit, enum cbpf_arch prefer, bool *is64, bool *le);

#endif
