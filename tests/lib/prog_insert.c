// SPDX-License-Identifier: MIT
/* Test scaffolding: an instruction inserted into a program; the library only ever appends. */
#include <errno.h>
#include <string.h>

#include "prog_insert.h"

int prog_insert(struct cbpf_prog *prog, size_t at, struct cbpf_insn insn,
		const struct cbpf_srcloc *loc)
{
	size_t tail = prog->len - at;
	int err = prog_reserve(prog, loc);

	if (err)
		return err;
	memmove(&prog->insns[at + 1], &prog->insns[at], tail * sizeof(*prog->insns));
	prog->insns[at] = insn;
	if (prog->locs) {
		memmove(&prog->locs[at + 1], &prog->locs[at], tail * sizeof(*prog->locs));
		prog->locs[at] = loc ? *loc : (struct cbpf_srcloc){ 0 };
	}
	if (prog->comments) {
		memmove(&prog->comments[at + 1], &prog->comments[at],
			tail * sizeof(*prog->comments));
		prog->comments[at] = NULL;
	}
	prog->len++;
	return 0;
}
