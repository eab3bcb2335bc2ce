/* SPDX-License-Identifier: MIT */
/* The recording's insides: what recording.c fills and policy_write.c writes. */
#ifndef LIBCBPF_SECCOMP_RECORDING_INT_H
#define LIBCBPF_SECCOMP_RECORDING_INT_H

#include "seccomp/record_int.h"

#define REC_MAX_VALUES 16   /* more values than this: the syscall is allowed with any */
#define REC_INDEX      1024 /* numbers below this are found by index, the rest by a scan */

/* One (architecture, syscall) and what its arguments were. */
struct rec_entry {
	enum cbpf_arch arch;
	const char *name;	   /* the syscall table's string */
	const struct rec_key *key; /* NULL: arguments not kept */
	bool any;		   /* allowed whatever the arguments */
	size_t n;		   /* REC_ONE, REC_PAIR: the values seen */
	uint64_t vals[REC_MAX_VALUES][2];
};

struct cbpf_recording {
	bool args;
	struct rec_entry *e;
	size_t n, cap;
	int32_t index[CBPF_ARCH_COUNT + 1][REC_INDEX]; /* per arch and number: entry + 1 */
};

#endif
