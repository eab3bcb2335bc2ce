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

#endif
