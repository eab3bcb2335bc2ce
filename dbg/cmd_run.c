// SPDX-License-Identifier: MIT
/* cbpf-dbg's commands that move the run: select, step, run, back, finish; and what it stands on. */
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "sh.h"

static void stop_at_watch(struct sh *sh, const struct cbpf_dbg_stop *stop)
{
	cbpf_dbg_write_last(sh->out, sh->dbg, false, sh->color);
	cbpf_dbg_write_stopped(sh->out, sh->dbg, stop, sh->color);
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
		sh_error(sh,
			 "cannot go back %" PRIu64 " instruction%s: %zu %s executed on this "
			 "input",
			 n, n == 1 ? "" : "s", k, k == 1 ? "was" : "were");
		return 1;
	}
	cbpf_dbg_back(sh->dbg, (size_t)n);
	if (k > n) {
		cbpf_dbg_write_last(sh->out, sh->dbg, false, sh->color);
		sh_tag(sh, "(back)");
		return 0;
	}
	cbpf_dbg_input(sh->dbg, &in);
	if (cbpf_dbg_mode(sh->dbg) == CBPF_VM_SECCOMP)
		sh_tag(sh, "(back at the start)");
	else
		sh_tag(sh, "(back at the start of packet %" PRIu64 ")", in.number);
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
		sh_error(sh,
			 "step %s at most %u instructions at a time (a packet's run is %u at "
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
		struct cbpf_dbg_stop stop = { .why = CBPF_DBG_LIMIT };

		cbpf_dbg_write_last(sh->out, sh->dbg, false, sh->color);
		cbpf_dbg_write_stopped(sh->out, sh->dbg, &stop, sh->color);
	}
	if (sh_ended(sh))
		cbpf_dbg_write_end(sh->out, sh->dbg, sh->color);
	return 0;
}

int cmd_run(struct sh *sh, char *args, size_t off)
{
	struct cbpf_diags diags = { 0 };
	struct cbpf_dbg_tally tally;
	struct cbpf_dbg_stop stop;
	struct cbpf_dbg_input in;
	uint64_t n = 0;
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
		cbpf_dbg_write_last(sh->out, sh->dbg, false, sh->color);
		cbpf_dbg_write_stopped(sh->out, sh->dbg, &stop, sh->color);
		return 0;
	case CBPF_DBG_HIT_WATCH:
		stop_at_watch(sh, &stop);
		return 0;
	case CBPF_DBG_INTERRUPT:
		cbpf_dbg_write_stopped(sh->out, sh->dbg, &stop, sh->color);
		return 1;
	default:
		break;
	}
	cbpf_dbg_write_run(sh->out, sh->dbg, &tally);
	return err && cbpf_dbg_mode(sh->dbg) != CBPF_VM_SECCOMP ? 1 : 0;
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
	cbpf_dbg_write_last(sh->out, sh->dbg, stop.why != CBPF_DBG_HIT_BREAK, sh->color);
	cbpf_dbg_write_stopped(sh->out, sh->dbg, &stop, sh->color);
	if (sh_ended(sh))
		cbpf_dbg_write_end(sh->out, sh->dbg, sh->color);
	return 0;
}

int cmd_regs(struct sh *sh, char *args, size_t off)
{
	(void)args;
	(void)off;
	if (!sh_ready(sh, CBPF_DBG_NEED_INPUT, NULL))
		return 1;
	if (sh_ended(sh)) {
		cbpf_dbg_write_last(sh->out, sh->dbg, true, sh->color);
		return 0;
	}
	cbpf_dbg_write_regs(sh->out, sh->dbg, cbpf_dbg_state(sh->dbg), false, sh->color);
	return 0;
}

int cmd_why(struct sh *sh, char *args, size_t off)
{
	(void)args;
	(void)off;
	if (!sh_ready(sh, CBPF_DBG_NEED_INPUT, NULL))
		return 1;
	if (cbpf_dbg_write_why(sh->out, sh->dbg, sh->color)) {
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
		cbpf_dbg_write_input(sh->out, sh->dbg);
		return 0;
	}
	if (!sh_ready(sh, CBPF_DBG_NEED_PACKET, NULL))
		return 1;
	if (cbpf_dbg_write_packet(sh->out, sh->dbg, sh->color)) {
		sh_error(sh, "out of memory");
		return 1;
	}
	return 0;
}
