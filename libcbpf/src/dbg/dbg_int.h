/* SPDX-License-Identifier: MIT */
/* Inside the debugging engine: what the session and the expression evaluator share. */
#ifndef CBPF_DBG_INT_H
#define CBPF_DBG_INT_H

#include "cbpf/dbg.h"

/* What an expression is evaluated against: one state of the machine and its input. */
struct dbg_ctx {
	const struct cbpf_vm_state *st;
	const uint8_t *data;              /* the packet, or NULL */
	uint32_t caplen, wirelen;
	const struct cbpf_meta *meta;     /* NULL when the expression does not need it */
	const struct cbpf_seccomp_data *sd; /* NULL while debugging a socket filter */
};

/* The index of metadata field name (or one of its aliases), or -1. */
int dbg_field_lookup(const char *name, size_t len);
/* The value of field i in meta, in host byte order. */
uint64_t dbg_field_value(const struct cbpf_meta *meta, size_t i);

/* Whether the expression reads a metadata field (the caller then computes the metadata). */
bool dbg_expr_uses_meta(const struct cbpf_dbg_expr *expr);
/* Evaluates expr in ctx: 0, -ENOENT (a value that cannot be had), -EINVAL (division by 0). */
int dbg_expr_eval_ctx(const struct cbpf_dbg_expr *expr, const struct dbg_ctx *ctx,
		      uint64_t *value);

#endif
