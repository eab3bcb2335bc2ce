/* SPDX-License-Identifier: MIT */
/* A small JSON reader (RFC 8259) that keeps where each value starts. Private to libcbpf. */
#ifndef CBPF_JSON_H
#define CBPF_JSON_H

#include <stdbool.h>
#include <stddef.h>

#include "util/arena.h"

enum jtype { J_NULL, J_BOOL, J_NUM, J_STR, J_ARR, J_OBJ };

struct jval {
	enum jtype type;
	unsigned line, col, len; /* where the value starts; len: its first token's length */
	size_t n;		 /* ARR, OBJ: members; STR: bytes */
	const char *str;	 /* STR: decoded, NUL-terminated; NUM: the source text */
	bool b;
	struct jval *items; /* ARR, OBJ: n values */
	struct jval *keys;  /* OBJ: n keys (STR values) */
	/* ARR that go_decode made: items[n..hist) are what a longer earlier one left; cap: room */
	size_t hist, cap;
};

/* Why the reader stopped: it stops at the first error. */
struct json_error {
	unsigned line, col, len;
	char msg[128];
};

/*
 * Reads src[0..len) as one JSON value (a UTF-8 byte order mark before it is skipped; after it,
 * only white space, else "expected the end of the input after <after>") into *top, whose
 * strings, arrays and objects are allocated in arena. Members keep their order, duplicates
 * included. Returns 0, -EINVAL (*err says where and why) or -ENOMEM.
 */
int json_parse(const char *src, size_t len, const char *after, struct arena *arena,
	       struct jval *top, struct json_error *err);

#endif
