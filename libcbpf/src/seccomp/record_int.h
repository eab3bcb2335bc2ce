/* SPDX-License-Identifier: MIT */
/* What the recording, its writers, the log readers and the report share inside libcbpf. */
#ifndef LIBCBPF_SECCOMP_RECORD_INT_H
#define LIBCBPF_SECCOMP_RECORD_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cbpf/record.h"

/* How a syscall's arguments are kept with --args (record_key). */
enum rec_kind {
	REC_ANY,    /* not kept: the syscall is allowed whatever its arguments */
	REC_ONE,    /* one argument, a set of values (ioctl's request) */
	REC_PAIR,   /* two arguments together (socket's family and type) */
	REC_NOEXEC, /* mmap's, mprotect's prot: without PROT_EXEC, or anything */
};

struct rec_key {
	const char *name;
	enum rec_kind kind;
	unsigned a0, a1;	 /* the arguments */
	const char *fam0, *fam1; /* the families their values are named from (argfmt_value) */
};

/* The key of a syscall by name; NULL: REC_ANY. */
const struct rec_key *rec_key_find(const char *name);

/* True for the architectures whose arguments are 32 bits: filters compare the low half. */
bool rec_arch_32(enum cbpf_arch arch);

/*
 * Writes v as a policy constant in family on arch into buf: a name ("AF_INET"), names joined with
 * '|' ("SOCK_STREAM|SOCK_CLOEXEC", clone flags with the exit signal), else hex. Families: a name
 * prefix, or "IOCTL" for ioctl requests, "PRCTL" for prctl options. Returns the length written.
 */
size_t argfmt_value(enum cbpf_arch arch, const char *family, uint64_t v, char *buf, size_t size);

/* Whether a log handed to cbpf_trace_read is a recording (trace_recording.c). */
bool trace_is_recording(const char *src, size_t len);
/* A recording's calls, as cbpf_trace_read reads a log's (trace_recording.c). */
int trace_read_recording(const char *src, size_t len, const char *file, cbpf_syscall_fn fn,
			 void *ctx, struct cbpf_diags *diags);

#endif
