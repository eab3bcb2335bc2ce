/* SPDX-License-Identifier: MIT */
/* Inside struct cbpf_prog: what the readers fill in. Private to libcbpf. */
#ifndef CBPF_PROG_H
#define CBPF_PROG_H

#include "cbpf/prog.h"

struct cbpf_prog {
	struct cbpf_insn *insns;
	size_t len, cap;
	struct cbpf_srcloc *locs; /* NULL, or cap entries parallel to insns */
	char **comments;	  /* NULL, or cap entries, each NULL or owned */
	char *file;		  /* owned, or NULL */
	enum cbpf_prog_kind kind;
};

/* Appends one instruction with its source position (loc may be NULL). 0 or -ENOMEM. */
int prog_append(struct cbpf_prog *prog, struct cbpf_insn insn, const struct cbpf_srcloc *loc);
/*
 * Makes room for one more instruction (and source positions from now on when loc is not NULL),
 * keeping the parallel arrays the same capacity. 0 or -ENOMEM.
 */
int prog_reserve(struct cbpf_prog *prog, const struct cbpf_srcloc *loc);
/* Replaces the file name with a copy of file (NULL clears it). 0 or -ENOMEM. */
int prog_set_file(struct cbpf_prog *prog, const char *file);

#endif
