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

/*
 * A run that has ended stays on its input (for back and why) until the next command that
 * executes: that one moves on to the next packet first, as bpf_dbg already had. Returns 1 (a
 * run is under way), 0 (the packet run stopped on at its return is finished instead), -1.
 */
static int move_on(struct sh *sh)
{
	struct cbpf_diags diags = { 0 };
	int r = cbpf_dbg_resume(sh->dbg, &diags);

	sh_capture_diags(sh, &diags);
	return r < 0 ? -1 : r;
}

/*
 * bpf_dbg's breakpoint stop: the instruction and the registers it sees, then the instruction
 * is executed, so that going on does not stop there again.
 */
static void stop_at_break(struct sh *sh)
{
	show_stop(sh, cbpf_dbg_state(sh->dbg), false);
	show_tag(sh, "(breakpoint)");
	cbpf_dbg_step(sh->dbg, NULL);
	if (sh_ended(sh))
		said_end(sh);
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
	if (!sh_need_capture(sh))
		return 1;
	if (!*args) {
		sh_error(sh, "select needs a packet number");
		return 1;
	}
	if (!sh_parse_u64(args, &n)) {
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

int cmd_step(struct sh *sh, char *args, size_t off)
{
	const struct cbpf_dbg_hist *h;
	long n = 1;

	(void)off;
	if (!sh_runnable(sh))
		return 1;
	if (*args) {
		uint64_t v;
		bool neg = *args == '-';

		if (!sh_parse_u64(args + (neg || *args == '+'), &v) && !sh_too_large(args, false)) {
			sh_error(sh,
				 "step takes a number of instructions (-N goes back), not " DIAG_QF,
				 QUOTE(args));
			return 1;
		}
		if (sh_too_large(args, false) || v > STEP_MAX) {
			sh_error(sh, "step %s at most %u instructions at a time (a packet's run is "
				     "%u at most), not " DIAG_QF,
				 neg ? "goes back" : "takes", STEP_MAX, CBPF_MAXINSNS, QUOTE(args));
			return 1;
		}
		n = neg ? -(long)v : (long)v;
	}
	if (n == 0)
		n = 1;
	if (n < 0) {
		/*
		 * bpf_dbg: back to the state before the instruction shown -n steps ago. Once the
		 * end of a packet was said ("(next packet)"), bpf_dbg has moved on and its
		 * history is gone: only back goes into a finished run. A run stopped at a
		 * breakpoint on a return has not said so yet, and keeps it.
		 */
		size_t k = cbpf_dbg_history(sh->dbg, &h);

		if ((sh_ended(sh) && !cbpf_dbg_pending(sh->dbg)) || (size_t)-n + 1 > k) {
			sh_error(sh, "reached bottom of register history stack!");
			return 1;
		}
		cbpf_dbg_back(sh->dbg, (size_t)-n + 1);
		n = 1;
	} else {
		switch (move_on(sh)) {
		case 0:
			/* The packet stopped at its return: this step finishes it, no further. */
			said_end(sh);
			return 0;
		case 1:
			break;
		default:
			return 1;
		}
	}
	while (--n > 0 && !sh_ended(sh))
		cbpf_dbg_step(sh->dbg, NULL);
	if (!sh_ended(sh)) {
		show_stop(sh, cbpf_dbg_state(sh->dbg), false);
		show_tag(sh, "(breakpoint)");
		cbpf_dbg_step(sh->dbg, NULL);
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
	    !sh_runnable(sh))
		return 1;
	if (*args && !sh_parse_u64(args, &n)) {
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
		char name[64], arch[32];

		cbpf_dbg_input(sh->dbg, &in);
		sh_syscall_name(sh, in.sd, name, sizeof(name));
		sh_arch_name(sh, in.sd->arch, arch, sizeof(arch));
		cbpf_dbg_result(sh->dbg, cbpf_dbg_state(sh->dbg)->ret, res, sizeof(res));
		fprintf(sh->out, "syscall %s, arch %s: %s (ret %#x)\n", name, arch, res,
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
	const struct cbpf_dbg_hist *h;
	struct cbpf_dbg_input in;
	uint64_t n = 1;
	size_t k;

	(void)off;
	if (!sh_runnable(sh))
		return 1;
	if (*args && (!sh_parse_u64(args, &n) || n == 0)) {
		sh_error(sh, "back takes a number of instructions, not " DIAG_QF, QUOTE(args));
		return 1;
	}
	k = cbpf_dbg_history(sh->dbg, &h);
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

int cmd_finish(struct sh *sh, char *args, size_t off)
{
	struct cbpf_dbg_stop stop;

	(void)off;
	if (*args) {
		sh_error(sh, "finish takes no arguments");
		return 1;
	}
	if (!sh_runnable(sh))
		return 1;
	switch (move_on(sh)) {
	case 0:
		/* Stopped at a breakpoint on the return, which ran: the packet is at its end. */
		show_last(sh, true);
		show_tag(sh, "(finish)");
		said_end(sh);
		return 0;
	case 1:
		break;
	default:
		return 1;
	}
	if (cbpf_dbg_continue(sh->dbg, 0, &stop))
		return 1;
	switch (stop.why) {
	case CBPF_DBG_HIT_BREAK:
		stop_at_break(sh);
		return 0;
	case CBPF_DBG_HIT_WATCH:
		stop_at_watch(sh, &stop);
		return 0;
	default:
		show_last(sh, true);
		show_tag(sh, "(finish)");
		said_end(sh);
		return 0;
	}
}

int cmd_regs(struct sh *sh, char *args, size_t off)
{
	(void)args;
	(void)off;
	if (!sh_runnable(sh))
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
	if (!sh_runnable(sh))
		return 1;
	if (show_why(sh)) {
		sh_error(sh, "out of memory");
		return 1;
	}
	return 0;
}

int cmd_packet(struct sh *sh, char *args, size_t off)
{
	struct cbpf_dbg_input in;

	(void)args;
	(void)off;
	if (cbpf_dbg_prog(sh->dbg) && cbpf_dbg_mode(sh->dbg) == CBPF_VM_SECCOMP) {
		show_input(sh);
		return 0;
	}
	cbpf_dbg_input(sh->dbg, &in);
	if (!in.have_packet) {
		if (in.capture)
			sh_error(sh, "%s holds no packets", in.capture);
		else
			sh_error(sh, "no pcap file loaded!");
		return 1;
	}
	if (show_packet(sh)) {
		sh_error(sh, "out of memory");
		return 1;
	}
	return 0;
}

