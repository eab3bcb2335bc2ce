/* SPDX-License-Identifier: MIT */
/* Inside the validator: the state its passes share. Private to libcbpf. */
#ifndef CBPF_CHECK_IMPL_H
#define CBPF_CHECK_IMPL_H

#include <stdbool.h>
#include <stddef.h>

#include "cbpf/check.h"

/* Where each rule lives in the kernel; every message ends with one of these, in brackets. */
#define RULE_BASICS	 "net/core/filter.c: bpf_check_basics_ok"
#define RULE_SECCOMP_LEN "kernel/seccomp.c: seccomp_prepare_filter"
#define RULE_CLASSIC	 "net/core/filter.c: bpf_check_classic"
#define RULE_MEMORY	 "net/core/filter.c: check_load_and_stores"
#define RULE_SECCOMP	 "kernel/seccomp.c: seccomp_check_filter"
#define RULE_CONVERT	 "net/core/filter.c: bpf_convert_filter"
#define RULE_CHARGE	 "net/core/filter.c: __sk_filter_charge"

struct checker {
	const struct cbpf_prog *prog;
	const struct cbpf_insn *insns;
	size_t len;
	enum cbpf_check_mode mode;
	struct cbpf_diags *diags; /* may be NULL */
	size_t errors;		  /* counted even when diags is NULL */
	int err;		  /* -ENOMEM once reporting or an analysis ran out of memory */
};

/*
 * Reports one problem at instruction insn (-1 for the whole program), with its source position
 * when the program has one; the message is followed by " [rule]" when rule is not NULL
 * (check_report.c: every pass reports through it).
 */
void check_report(struct checker *c, enum cbpf_severity severity, long insn, const char *rule,
		  const char *fmt, ...) CBPF_PRINTF(5, 6);

/* net/core/filter.c: check_load_and_stores, with a path to each bad read (check_mem.c). */
void check_memory(struct checker *c);

/*
 * net/core/filter.c: bpf_convert_filter's jump offset limits on the eBPF translation, and in
 * socket mode a warning when the translation outgrows the default socket memory (check_xlate.c).
 * Only meaningful for a program that passed every other rule.
 */
void check_translation(struct checker *c);

#endif
