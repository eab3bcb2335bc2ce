/* SPDX-License-Identifier: MIT */
/* The Docker / OCI front end's parts: a profile being read, and its values read as Go reads. */
#ifndef CBPF_POLICY_JSON_H
#define CBPF_POLICY_JSON_H

#include <stdbool.h>
#include <stdint.h>

#include "seccomp/json.h"
#include "seccomp/policy_ir.h"

/* A string of the profile quoted in a message, cut when long (diag_int.h). */
#define JQ(v) DIAG_QA((v)->str, (v)->n)

/* A profile being read (policy_json.c). */
struct profile {
	struct arena *arena; /* the JSON values', and what go_decode makes */
	struct policy_ctx *ctx;
	const char *file;
	const char *host_scmp;	 /* its SCMP_ARCH_* token */
	unsigned kmajor, kminor; /* the kernel for minKernel */
	uint32_t default_action;
};

/* policy_json_go.c: diagnostics at a value of the profile. */
void prof_err(struct profile *pr, const struct jval *at, const char *fmt, ...) CBPF_PRINTF(3, 4);
void prof_warn(struct profile *pr, const struct jval *at, const char *fmt, ...) CBPF_PRINTF(3, 4);
/* Whether v is of type; an error saying what (a name in the message) must be otherwise. */
bool prof_want(struct profile *pr, const struct jval *v, enum jtype type, const char *what);
/* A JSON number that is an integer in [0, max], as Go decodes a uint64; an error otherwise. */
bool prof_uint(struct profile *pr, const struct jval *v, uint64_t max, const char *what,
	       uint64_t *out);
/* A member of an object that go_decode_profile made, or NULL: the Go fields' own names. */
const struct jval *prof_member(const struct jval *obj, const char *name);
/* moby KernelVersion.UnmarshalJSON: "<kernel>.<major>", each decimal up to 255, not 0.0. */
bool moby_kernel_version(const char *s, unsigned *major, unsigned *minor);
/*
 * The profile top as Docker's Go decoder makes it of moby's Seccomp type (see policy_json_go.c):
 * members renamed to their fields', duplicates and nulls resolved; errors and warnings reported.
 * NULL when out of memory.
 */
const struct jval *go_decode_profile(struct profile *pr, const struct jval *top);

#endif
