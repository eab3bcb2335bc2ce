// SPDX-License-Identifier: MIT
/* Whether a program can run at all (net/core/filter.c: bpf_check_basics_ok, bpf_check_classic). */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>

#include "classic/insn_int.h"
#include "classic/runnable.h"
#include "util/diag_int.h"

static int say(const struct runnable_report *r, enum runnable_problem what, long pc,
	       const char *fmt, ...) CBPF_PRINTF(4, 5);
static int say(const struct runnable_report *r, enum runnable_problem what, long pc,
	       const char *fmt, ...)
{
	va_list ap;
	char *msg;
	int err;

	va_start(ap, fmt);
	msg = diag_vformat(fmt, ap);
	va_end(ap);
	if (!msg)
		return -ENOMEM;
	err = r->report(r->ctx, what, pc, msg);
	free(msg);
	return err ? err : -EINVAL;
}

/* The worse of two results: an error of the callback over -EINVAL over 0. */
static int worse(int a, int b)
{
	if (a && a != -EINVAL)
		return a;
	if (b && b != -EINVAL)
		return b;
	return a ? a : b;
}

int runnable_len(size_t len, size_t max_len, const struct runnable_report *r)
{
	if (len == 0)
		return say(r, RUNNABLE_EMPTY, -1,
			   "program is empty; the kernel needs at least one instruction");
	if (max_len && len > max_len)
		return say(r, RUNNABLE_TOO_LONG, (long)max_len,
			   "program has %zu instructions; the kernel accepts at most %zu", len,
			   max_len);
	return 0;
}

static int jump_target(const struct runnable_report *r, size_t len, size_t pc, const char *which,
		       uint64_t target)
{
	/* A ja offset of 2^31 or more is how a backward jump looks in classic BPF's unsigned k. */
	if (target >= len && target - pc - 1 >= 0x80000000u)
		return say(r,
			   (int64_t)pc + 1 + (int32_t)(uint32_t)(target - pc - 1) >= 0
				   ? RUNNABLE_BACKWARD
				   : RUNNABLE_JUMP,
			   (long)pc,
			   "%s offset %" PRId64 " jumps backwards; the kernel accepts only forward "
			   "jumps",
			   which, (int64_t)(int32_t)(uint32_t)(target - pc - 1));
	if (target >= len)
		return say(r, RUNNABLE_JUMP, (long)pc,
			   "%s target %" PRIu64
			   " is past the end of the program (%zu instruction%s)",
			   which, target, len, len == 1 ? "" : "s");
	return 0;
}

int runnable_insn(const struct cbpf_insn *insns, size_t len, size_t pc,
		  const struct runnable_report *r)
{
	const struct cbpf_insn *insn = &insns[pc];
	const struct cbpf_opcode_info *info = cbpf_opcode_lookup(insn->code);
	uint64_t t[2];
	int res;

	if (!info)
		return say(r, RUNNABLE_OPCODE, (long)pc,
			   insn->code < 0x100 ? "unknown opcode 0x%02x" : "unknown opcode 0x%04x",
			   insn->code);
	switch (info->operand) {
	case CBPF_OPND_MEM:
		if (insn->k >= CBPF_MEMWORDS)
			return say(r, RUNNABLE_MEMORY, (long)pc,
				   "M[%" PRIu32
				   "] is out of range (scratch memory is M[0] to M[15])",
				   insn->k);
		return 0;
	case CBPF_OPND_JA:
		if (r->loops && insn_back_target(insn, pc, len) >= 0)
			return 0;
		insn_successors(insn, pc, t);
		return jump_target(r, len, pc, "jump", t[0]);
	case CBPF_OPND_JMP_K:
	case CBPF_OPND_JMP_X:
		insn_successors(insn, pc, t);
		/* jt first, then jf: in that order, whatever the compiler's order of arguments. */
		res = jump_target(r, len, pc, "jt", t[0]);
		return worse(res, jump_target(r, len, pc, "jf", t[1]));
	default:
		return 0;
	}
}

int runnable_last(const struct cbpf_insn *insns, size_t len, const struct runnable_report *r)
{
	if (len && !insn_is_ret(&insns[len - 1]))
		return say(r, RUNNABLE_NO_RET, (long)len - 1, "last instruction must be a return");
	return 0;
}

int prog_runnable(const struct cbpf_insn *insns, size_t len, size_t max_len,
		  const struct runnable_report *r)
{
	int res = runnable_len(len, max_len, r);

	if (len == 0 || (res && res != -EINVAL))
		return res;
	for (size_t pc = 0; pc < len; pc++) {
		res = worse(res, runnable_insn(insns, len, pc, r));
		if (res && res != -EINVAL)
			return res;
	}
	return worse(res, runnable_last(insns, len, r));
}
