// SPDX-License-Identifier: MIT
/* The translator: classic BPF to eBPF for socket filters, tc, XDP, seccomp and functions. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <linux/bpf.h>
#include <linux/pkt_cls.h>

#include "classic/insn_int.h"
#include "ebpf/xlate_int.h"

static void xl_free(struct xl *x)
{
	free(x->flags);
	free(x->live);
	free(x->in);
	free(x->need_hi);
	free(x->guard);
	free(x->check);
	free(x->dest);
	free(x->out);
	free(x->origin);
	free(x->lbl);
	free(x->fix);
	free(x->far);
}

int cbpf_xlate(const struct cbpf_prog *prog, const struct cbpf_xlate_opts *opts,
	       struct cbpf_ebpf_prog **out, struct cbpf_diags *diags)
{
	struct cbpf_xlate_opts defaults = { .target = CBPF_TARGET_SOCKET };
	struct xl x;
	struct cbpf_ebpf_prog *res;
	size_t n = cbpf_prog_len(prog);

	if (!opts)
		opts = &defaults;
	memset(&x, 0, sizeof(x));
	x.prog = prog;
	x.ci = cbpf_prog_insns(prog);
	x.n = n > CBPF_MAXINSNS ? CBPF_MAXINSNS + 1 : (uint32_t)n;
	x.target = opts->target;
	x.probe = opts->probe;
	x.diags = diags;
	x.pc = -1;
	if ((unsigned)x.target > CBPF_TARGET_FUNC) {
		xl_report(&x, -1, -EINVAL, "unknown target %d", (int)x.target);
		return x.err;
	}
	if (opts->classid && x.target != CBPF_TARGET_TC) {
		xl_report(&x, -1, -EINVAL, "class ids are for tc only");
		return x.err;
	}
	if (opts->probe && x.target != CBPF_TARGET_FUNC) {
		xl_report(&x, -1, -EINVAL, "probe reads are for func only");
		return x.err;
	}
	if ((opts->set_match || opts->set_nomatch) &&
	    (x.target == CBPF_TARGET_SOCKET || x.target == CBPF_TARGET_SECCOMP ||
	     x.target == CBPF_TARGET_FUNC || opts->classid)) {
		xl_report(&x, -1, -EINVAL, "match and nomatch actions are for tc and xdp only%s",
			  opts->classid ? ", without class ids" : "");
		return x.err;
	}
	x.actions = (x.target == CBPF_TARGET_TC && !opts->classid) || x.target == CBPF_TARGET_XDP;
	x.match = x.target == CBPF_TARGET_XDP ? XDP_PASS : TC_ACT_OK;
	x.nomatch = x.target == CBPF_TARGET_XDP ? XDP_DROP : TC_ACT_SHOT;
	if (opts->set_match)
		x.match = opts->match;
	if (opts->set_nomatch)
		x.nomatch = opts->nomatch;

	xl_check_structure(&x);
	if (x.err)
		return x.err;
	x.flags = calloc(x.n, sizeof(*x.flags));
	x.live = calloc(x.n, sizeof(*x.live));
	x.in = calloc(x.n, sizeof(*x.in));
	x.need_hi = calloc(x.n, sizeof(*x.need_hi));
	x.guard = calloc(x.n, sizeof(*x.guard));
	x.check = calloc(x.n, sizeof(*x.check));
	x.dest = calloc(x.n, sizeof(*x.dest));
	x.caplbl = x.n + NLBL_FIXED + 16;
	x.lbl = malloc(x.caplbl * sizeof(*x.lbl));
	if (!x.flags || !x.live || !x.in || !x.need_hi || !x.guard || !x.check || !x.dest ||
	    !x.lbl) {
		xl_free(&x);
		return -ENOMEM;
	}
	x.nlbl = x.n + NLBL_FIXED;
	for (size_t l = 0; l < x.nlbl; l++)
		x.lbl[l] = (size_t)-1;

	xl_mark_leaders(&x);
	xl_compute_dests(&x);
	xl_liveness(&x);
	xl_run_needs(&x);
	xl_guards(&x);
	xl_forward(&x);
	xl_scan_needs(&x);
	xl_choose_bufbase(&x);
	/* Emit; jumps too far for 16 bits become gotol, a program with too many conditional jumps
	 * turns its exits around, and it is emitted again. Both only grow: this ends. */
	do {
		x.len = x.nfix = x.njumps = 0;
		x.ret0_at = -1;
		x.nlbl = x.n + NLBL_FIXED;
		for (size_t l = 0; l < x.nlbl; l++)
			x.lbl[l] = (size_t)-1;
		x.pc = -1;
		xl_prologue(&x);
		for (uint32_t i = 0; i < x.n && x.err != -ENOMEM; i++) {
			xl_label_place(&x, i);
			if (!(x.flags[i] & F_REACHED))
				continue;
			x.pc = i;
			if (xl_doomed(&x, &x.ci[i]))
				xl_emit_jump(&x, E_JA(0), xl_zero_label(&x));
			else
				xl_emit_insn(&x, i);
		}
		xl_epilogue(&x);
	} while (!x.err && (!xl_resolve_fixups(&x) || xl_needs_calm(&x)));
	if (!x.err)
		xl_fuse_jumps(&x);
	/* Removing a goto may leave another going to the next instruction: again until none. */
	while (!x.err && xl_compact(&x))
		;
	if (x.err) {
		xl_free(&x);
		return x.err;
	}
	res = ebpf_prog_adopt(x.out, x.len, x.origin, x.target);
	if (res) {
		res->classic = cbpf_prog_dup(prog);
		res->actions = x.actions;
		res->match = x.match;
		res->nomatch = x.nomatch;
		res->name = opts->name ? strdup(opts->name) : NULL;
	}
	if (!res || !res->classic || (opts->name && !res->name)) {
		if (res) {
			res->insns = NULL;
			res->origin = NULL;
			cbpf_ebpf_prog_free(res);
		}
		xl_free(&x);
		return -ENOMEM;
	}
	x.out = NULL;
	x.origin = NULL;
	xl_free(&x);
	*out = res;
	return 0;
}

uint32_t cbpf_xlate_result(const struct cbpf_ebpf_prog *prog, uint32_t r)
{
	if (!prog->actions)
		return r;
	return (uint32_t)(r ? prog->match : prog->nomatch);
}
