// SPDX-License-Identifier: MIT
/* cbpf-dbg's commands that move the run: select, step, run, back, finish; and what it stands on. */
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "sh.h"

/* What bpf_dbg says when a program has ended: where the next step goes. */
static void said_end(struct sh *sh)
{
	struct cbpf_dbg_input in;
	char res[64];

	cbpf_dbg_input(sh->dbg, &in);
	if (cbpf_dbg_mode(sh->dbg) == CBPF_VM_SECCOMP) {
		cbpf_dbg_result(sh->dbg, cbpf_dbg_state(sh->dbg)->ret, res, sizeof(res));
		show_tag(sh, "(action: %s)", res);
	} else if (in.capture && !in.have_next) {
		show_tag(sh, "(going back to first packet)");
	} else {
		show_tag(sh, "(next packet)");
	}
}

/* The last instruction executed, with the state it saw, as bpf_dbg shows a stop. */
static void show_last(struct sh *sh, bool with_ret)
{
	const struct cbpf_dbg_hist *h;
	size_t n = cbpf_dbg_history(sh->dbg, &h);
	struct cbpf_vm_state st;

	if (!n)
		return;
	st = h[n - 1].before;
	if (with_ret) {
		st.exit = cbpf_dbg_state(sh->dbg)->exit;
		st.ret = cbpf_dbg_state(sh->dbg)->ret;
	}
	show_stop(sh, &st, with_ret);
}

static void stop_at_watch(struct sh *sh, const struct cbpf_dbg_stop *stop)
{
	show_last(sh, false);
	show_tag(sh, "(watch %u: M[%u] %#x -> %#x)", stop->id, stop->mem, stop->old, stop->now);
}

int cmd_select(struct sh *sh, char *args, size_t off)
{
	struct cbpf_diags diags = { 0 };
	uint64_t n;
	int err;

	(void)off;
	if (!sh_ready(sh, CBPF_DBG_NEED_CAPTURE, NULL))
		return 1;
	if (!*args) {
		sh_error(sh, "select needs a packet number");
		return 1;
	}
	if (cbpf_dbg_number(args, false, &n)) {
		sh_error(sh, "select needs a packet number, not " DIAG_QF, QUOTE(args));
		return 1;
	}
	if (n == 0) {
		fprintf(sh->out, "packet count starts with 1, clamping!\n");
		n = 1;
	}
	err = cbpf_dbg_select(sh->dbg, n, &diags);
	if (err == -ENOENT) {
		sh_error(sh, "no packet #%" PRIu64 " available!", n);
		for (size_t i = 0; i < diags.n; i++)
			sh_note(sh, "%s", diags.v[i].msg);
		cbpf_diags_free(&diags);
		return 1;
	}
	sh_capture_diags(sh, &diags);
	return err ? 1 : 0;
}

/* How far one step goes, either way: twice the longest run, as before it was said. */
#define STEP_MAX (CBPF_MAXINSNS * 2u)

/* back N: undoes n instructions of this input, into a run that has ended too. */
static int go_back(struct sh *sh, uint64_t n)
{
	const struct cbpf_dbg_hist *h;
	struct cbpf_dbg_input in;
	size_t k = cbpf_dbg_history(sh->dbg, &h);

	if (n > k) {
		sh_error(sh, "cannot go back %" PRIu64 " instruction%s: %zu %s executed on this "
			     "input",
			 n, n == 1 ? "" : "s", k, k == 1 ? "was" : "were");
		return 1;
	}
	cbpf_dbg_back(sh->dbg, (size_t)n);
	if (k > n) {
		show_last(sh, false);
		show_tag(sh, "(back)");
		return 0;
	}
	cbpf_dbg_input(sh->dbg, &in);
	if (cbpf_dbg_mode(sh->dbg) == CBPF_VM_SECCOMP)
		show_tag(sh, "(back at the start)");
	else
		show_tag(sh, "(back at the start of packet %" PRIu64 ")", in.number);
	return 0;
}

int cmd_step(struct sh *sh, char *args, size_t off)
{
	struct cbpf_diags diags = { 0 };
	bool neg = *args == '-';
	uint64_t v = 1;
	int err;

	(void)off;
	if (!sh_ready(sh, CBPF_DBG_NEED_INPUT, NULL))
		return 1;
	err = *args ? cbpf_dbg_number(args + (neg || *args == '+'), false, &v) : 0;
	if (err == -EINVAL) {
		sh_error(sh, "step takes a number of instructions (-N goes back), not " DIAG_QF,
			 QUOTE(args));
		return 1;
	}
	if (err || v > STEP_MAX) {
		sh_error(sh, "step %s at most %u instructions at a time (a packet's run is %u at "
			     "most), not " DIAG_QF,
			 neg ? "goes back" : "takes", STEP_MAX, CBPF_MAXINSNS, QUOTE(args));
		return 1;
	}
	/* step -N is back N (bpf_dbg's step -N went back N + 1 and stepped one). */
	if (neg && v)
		return go_back(sh, v);
	err = cbpf_dbg_step_n(sh->dbg, (size_t)v, &diags);
	sh_capture_diags(sh, &diags);
	if (err < 0)
		return 1;
	if (err == 1) {
		show_last(sh, false);
		show_tag(sh, "(breakpoint)");
	}
	if (sh_ended(sh))
		said_end(sh);
	return 0;
}

int cmd_run(struct sh *sh, char *args, size_t off)
{
	struct cbpf_diags diags = { 0 };
	struct cbpf_dbg_tally tally;
	struct cbpf_dbg_stop stop;
	struct cbpf_dbg_input in;
	uint64_t n = 0;
	char res[64];
	int err;

	(void)off;
	cbpf_dbg_input(sh->dbg, &in);
	/* A capture without packets runs over none; anything else needs something to run on. */
	if (!(in.capture && !in.have_packet && cbpf_dbg_prog(sh->dbg) &&
	      cbpf_dbg_mode(sh->dbg) == CBPF_VM_SOCKET) &&
	    !sh_ready(sh, CBPF_DBG_NEED_INPUT, NULL))
		return 1;
	if (*args && cbpf_dbg_number(args, false, &n)) {
		sh_error(sh, "run takes a number of packets, not " DIAG_QF, QUOTE(args));
		return 1;
	}
	err = cbpf_dbg_run_tally(sh->dbg, n, &stop, &tally, &diags);
	sh_capture_diags(sh, &diags);
	if (err && stop.why != CBPF_DBG_END)
		return 1;
	switch (stop.why) {
	case CBPF_DBG_HIT_BREAK:
		/* bpf_dbg's stop: the instruction and what it saw, which the session executed. */
		show_last(sh, false);
		show_tag(sh, "(breakpoint)");
		return 0;
	case CBPF_DBG_HIT_WATCH:
		stop_at_watch(sh, &stop);
		return 0;
	case CBPF_DBG_INTERRUPT:
		cbpf_dbg_input(sh->dbg, &in);
		show_tag(sh, "(interrupted at packet %" PRIu64 ")", in.number);
		return 1;
	default:
		break;
	}
	if (cbpf_dbg_mode(sh->dbg) == CBPF_VM_SECCOMP) {
		struct cbpf_dbg_names nm;

		cbpf_dbg_names(sh->dbg, &nm);
		cbpf_dbg_result(sh->dbg, cbpf_dbg_state(sh->dbg)->ret, res, sizeof(res));
		fprintf(sh->out, "syscall %s, arch %s: %s (ret %#x)\n", nm.syscall, nm.arch, res,
			cbpf_dbg_state(sh->dbg)->ret);
		return 0;
	}
	fprintf(sh->out, "bpf passes:%" PRIu64 " fails:%" PRIu64 "\n", tally.pass, tally.fail);
	if (tally.budget)
		fprintf(sh->out,
			"%" PRIu64
			" of the fails spent the loop budget (%u backward jumps per loop), "
			"where libpcap would loop for ever; the first: packet %" PRIu64
			", at l%u\n",
			tally.budget, cbpf_dbg_loop_budget(sh->dbg), tally.budget_packet,
			tally.budget_pc);
	return err ? 1 : 0;
}

int cmd_back(struct sh *sh, char *args, size_t off)
{
	uint64_t n = 1;

	(void)off;
	if (!sh_ready(sh, CBPF_DBG_NEED_INPUT, NULL))
		return 1;
	if (*args && (cbpf_dbg_number(args, false, &n) || n == 0)) {
		sh_error(sh, "back takes a number of instructions, not " DIAG_QF, QUOTE(args));
		return 1;
	}
	return go_back(sh, n);
}

int cmd_finish(struct sh *sh, char *args, size_t off)
{
	struct cbpf_diags diags = { 0 };
	struct cbpf_dbg_stop stop;
	int err;

	(void)off;
	if (*args) {
		sh_error(sh, "finish takes no arguments");
		return 1;
	}
	if (!sh_ready(sh, CBPF_DBG_NEED_INPUT, NULL))
		return 1;
	err = cbpf_dbg_finish(sh->dbg, &stop, &diags);
	sh_capture_diags(sh, &diags);
	if (err)
		return 1;
	if (stop.why == CBPF_DBG_HIT_WATCH) {
		stop_at_watch(sh, &stop);
		return 0;
	}
	/* The packet stopped at its return (at a breakpoint there, which ran) is at its end. */
	show_last(sh, stop.why != CBPF_DBG_HIT_BREAK);
	show_tag(sh, stop.why == CBPF_DBG_HIT_BREAK ? "(breakpoint)" : "(finish)");
	if (sh_ended(sh))
		said_end(sh);
	return 0;
}

int cmd_regs(struct sh *sh, char *args, size_t off)
{
	(void)args;
	(void)off;
	if (!sh_ready(sh, CBPF_DBG_NEED_INPUT, NULL))
		return 1;
	if (sh_ended(sh)) {
		show_last(sh, true);
		return 0;
	}
	show_regs(sh, cbpf_dbg_state(sh->dbg), false);
	return 0;
}

int cmd_why(struct sh *sh, char *args, size_t off)
{
	(void)args;
	(void)off;
	if (!sh_ready(sh, CBPF_DBG_NEED_INPUT, NULL))
		return 1;
	if (show_why(sh)) {
		sh_error(sh, "out of memory");
		return 1;
	}
	return 0;
}

int cmd_packet(struct sh *sh, char *args, size_t off)
{
	(void)args;
	(void)off;
	if (cbpf_dbg_prog(sh->dbg) && cbpf_dbg_mode(sh->dbg) == CBPF_VM_SECCOMP) {
		show_input(sh);
		return 0;
	}
	if (!sh_ready(sh, CBPF_DBG_NEED_PACKET, NULL))
		return 1;
	if (show_packet(sh)) {
		sh_error(sh, "out of memory");
		return 1;
	}
	return 0;
}

