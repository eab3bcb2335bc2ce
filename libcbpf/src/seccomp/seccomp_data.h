/* SPDX-License-Identifier: MIT */
/* struct seccomp_data's layout: which half of a 64-bit field a 32-bit load at an offset reads. */
#ifndef CBPF_SECCOMP_DATA_H
#define CBPF_SECCOMP_DATA_H

#include <stdbool.h>
#include <stdint.h>

/*
 * include/uapi/linux/seccomp.h: nr at 0, arch at 4, instruction_pointer at 8, args[i] at 16 +
 * 8 * i, in the byte order of the machine the filter runs on. Whether the 32-bit word at off
 * is the high half of its 64-bit field: the second word on a little-endian machine, the first
 * on a big-endian one.
 */
static inline bool seccomp_data_high(uint32_t off)
{
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	return (off / 4) % 2;
#else
	return !((off / 4) % 2);
#endif
}

/*
 * The same for a filter of an architecture of byte order le (arch_audit_layout), as the words lie
 * in the seccomp_data of a machine of that architecture: high first on a big-endian one.
 */
static inline bool seccomp_data_high_on(uint32_t off, bool le)
{
	return le ? (off / 4) % 2 : !((off / 4) % 2);
}

/*
 * A 64-bit field stored so that this machine's 32-bit loads read its halves where a machine of
 * byte order le has them: unchanged when the orders agree, the two words swapped when not.
 */
static inline uint64_t seccomp_data_field_on(uint64_t v, bool le)
{
	bool host_le = __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__;

	return le == host_le ? v : v >> 32 | v << 32;
}

#endif
