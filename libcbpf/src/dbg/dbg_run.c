// SPDX-License-Identifier: MIT
/* Runs: to a breakpoint or the end, over packets with bpf_dbg's tally, traced, swept whole. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cbpf/jit.h"
#include "dbg/dbg_int.h"
#include "util/diag_int.h"

static bool interrupted(const struct cbpf_dbg *dbg)
{
	return dbg->intr && *dbg->intr;
}

/* The breakpoint that stops the run before the current instruction, or NULL. */
static struct cbpf_dbg_point *break_here(struct cbpf_dbg *dbg)
{
	for (size_t i = 0; i < dbg->npoints; i++) {
		struct cbpf_dbg_point *p = &dbg->points[i];

		if (p->kind != CBPF_DBG_BREAK)
			continue;
		if (p->pc >= 0 && (uint32_t)p->pc != dbg->st.pc)
			continue;
		if (p->cond && !dbg_holds(dbg, p->cond, &dbg->st))
			continue;
		/* Anywhere: only where the condition starts to hold. */
		if (p->pc < 0 && dbg->nhist &&
		    dbg_holds(dbg, p->cond, &dbg->hist[dbg->nhist - 1].before))
			continue;
		return p;
	}
	return NULL;
}

/* The watch the last instruction triggered, or NULL. */
static struct cbpf_dbg_point *watch_hit(struct cbpf_dbg *dbg, struct cbpf_dbg_stop *stop)
{
	const struct cbpf_vm_state *before = &dbg->hist[dbg->nhist - 1].before;

	for (size_t i = 0; i < dbg->npoints; i++) {
		struct cbpf_dbg_point *p = &dbg->points[i];

		if (p->kind != CBPF_DBG_WATCH || before->M[p->mem] == dbg->st.M[p->mem])
			continue;
		stop->mem = p->mem;
		stop->old = before->M[p->mem];
		stop->now = dbg->st.M[p->mem];
		return p;
	}
	return NULL;
}

static int continue_in(struct cbpf_dbg *dbg, const struct cbpf_input *in, uint64_t max_steps,
		       struct cbpf_dbg_stop *stop)
{
	struct cbpf_dbg_point *p;
	uint64_t n = 0;
	int err;

	memset(stop, 0, sizeof(*stop));
	while (dbg->st.exit == CBPF_VM_RUNNING) {
		p = break_here(dbg);
		if (p) {
			p->hits++;
			stop->why = CBPF_DBG_HIT_BREAK;
			stop->id = p->id;
			return 0;
		}
		if (max_steps && n >= max_steps) {
			stop->why = CBPF_DBG_LIMIT;
			return 0;
		}
		err = dbg_step_in(dbg, in, NULL);
		if (err)
			return err;
		n++;
		p = watch_hit(dbg, stop);
		if (p) {
			p->hits++;
			stop->why = CBPF_DBG_HIT_WATCH;
			stop->id = p->id;
			return 0;
		}
	}
	stop->why = CBPF_DBG_END;
	return 0;
}

int cbpf_dbg_continue(struct cbpf_dbg *dbg, uint64_t max_steps, struct cbpf_dbg_stop *stop)
{
	struct cbpf_input in;

	if (!dbg->vm || !dbg_make_input(dbg, &in) || dbg->st.exit != CBPF_VM_RUNNING)
		return -EINVAL;
	dbg->pending = false;
	return continue_in(dbg, &in, max_steps, stop);
}

void cbpf_dbg_set_jit(struct cbpf_dbg *dbg, bool on)
{
	dbg->no_jit = !on;
	if (!on && dbg->vm)
		cbpf_vm_set_jit(dbg->vm, false, NULL);
}

bool cbpf_dbg_jit(const struct cbpf_dbg *dbg)
{
	return !dbg->no_jit;
}

/*
 * Before a run over many packets: the program as native code, compiled once per program
 * (cbpf_vm_run then calls it; stepping still interprets). Where there is no JIT the
 * interpreter runs, with the same results: the error is not the run's.
 */
static void jit_for_long_run(struct cbpf_dbg *dbg)
{
	if (!dbg->no_jit)
		cbpf_vm_set_jit(dbg->vm, true, NULL);
}

static void count(struct cbpf_dbg_tally *tally, uint32_t ret)
{
	if (ret)
		tally->pass++;
	else
		tally->fail++;
}

/* A run that ended in st, on packet number: counted, and told apart when the budget ended it. */
static void count_state(struct cbpf_dbg_tally *tally, const struct cbpf_vm_state *st,
			uint64_t number)
{
	count(tally, st->ret);
	if (st->exit != CBPF_VM_EXIT_BUDGET)
		return;
	if (!tally->budget++) {
		tally->budget_packet = number;
		tally->budget_pc = st->pc;
	}
}

/*
 * A fast run's result: a drop by a program with loops is run again by steps, to tell the
 * budget's drop from the program's own (rare, and as libpcap's drop would be: no wrong count).
 */
static void count_run(const struct cbpf_dbg *dbg, struct cbpf_dbg_tally *tally,
		      const struct cbpf_input *in, uint32_t ret, uint64_t number)
{
	struct cbpf_vm_state st;

	if (ret || !cbpf_vm_loop_budget(dbg->vm)) {
		count(tally, ret);
		return;
	}
	cbpf_vm_state_init(&st);
	while (st.exit == CBPF_VM_RUNNING && !cbpf_vm_step(dbg->vm, &st, in, NULL))
		;
	count_state(tally, &st, number);
}

/* The current packet's run to its end, stopping at points; counted when it ends. */
static int run_current(struct cbpf_dbg *dbg, struct cbpf_dbg_stop *stop,
		       struct cbpf_dbg_tally *tally)
{
	struct cbpf_input in;
	int err;

	dbg_make_input(dbg, &in);
	if (!dbg->npoints && !dbg->nhist) {
		count_run(dbg, tally, &in, cbpf_vm_run(dbg->vm, &in), dbg->number);
		stop->why = CBPF_DBG_END;
		return 0;
	}
	err = continue_in(dbg, &in, 0, stop);
	if (!err && stop->why == CBPF_DBG_END)
		count_state(tally, &dbg->st, dbg->number);
	return err;
}

int cbpf_dbg_run(struct cbpf_dbg *dbg, uint64_t max_packets, struct cbpf_dbg_stop *stop,
		 struct cbpf_dbg_tally *tally, struct cbpf_diags *diags)
{
	struct cbpf_input in;
	struct cbpf_meta meta;
	uint64_t packets = 0;
	int err;

	memset(stop, 0, sizeof(*stop));
	dbg->pending = false;
	if (dbg->vm && dbg->mode != CBPF_VM_SECCOMP && dbg->cap && !dbg->have_pkt) {
		stop->why = CBPF_DBG_END; /* a capture without packets: nothing to count */
		return 0;
	}
	if (!dbg->vm || !dbg_make_input(dbg, &in))
		return -EINVAL;
	if (dbg->mode == CBPF_VM_SECCOMP || !dbg->cap) {
		/* One input, recorded: its run is what the session shows afterwards. */
		if (dbg->st.exit != CBPF_VM_RUNNING)
			dbg_restart(dbg);
		err = continue_in(dbg, &in, 0, stop);
		if (!err && stop->why == CBPF_DBG_END)
			count_state(tally, &dbg->st, dbg->number);
		return err;
	}
	if (dbg->st.exit != CBPF_VM_RUNNING) {
		err = cbpf_dbg_next(dbg, diags);
		if (err < 0)
			return err;
	}
	jit_for_long_run(dbg);
	for (;;) {
		if (interrupted(dbg)) {
			stop->why = CBPF_DBG_INTERRUPT;
			return 0;
		}
		err = run_current(dbg, stop, tally);
		if (err || stop->why != CBPF_DBG_END)
			return err;
		packets++;
		if (!dbg->have_ahead || (max_packets && packets >= max_packets))
			break;
		if (dbg->npoints) {
			err = dbg_capture_forward(dbg, diags);
			if (err)
				return err;
			continue;
		}
		/*
		 * Without points the packets ahead run where the reader left them, uncopied,
		 * until the capture or max_packets ends; the session then starts again anyway.
		 */
		while (dbg->have_ahead && !(max_packets && packets >= max_packets)) {
			const struct cbpf_frame *f = &dbg->ahead;

			if ((packets & 1023) == 0 && interrupted(dbg))
				break;
			if (dbg->ahead_diags.n &&
			    dbg_capture_report(&dbg->reported, diags, &dbg->ahead_diags, f->number))
				return -ENOMEM;
			in = cbpf_input_packet(f->data, f->caplen, f->wirelen, NULL);
			if (dbg->needs_meta) {
				dbg_meta_for(dbg, f->data, f->caplen, f->wirelen, dbg->linktype,
					     &meta);
				in.meta = &meta;
			}
			count_run(dbg, tally, &in, cbpf_vm_run(dbg->vm, &in), f->number);
			packets++;
			dbg_capture_read_ahead(dbg);
		}
		if (dbg->have_ahead && !(max_packets && packets >= max_packets)) {
			/* Interrupted: the packet ahead, not run yet, becomes current. */
			err = dbg_capture_forward(dbg, diags);
			if (err)
				return err;
			stop->why = CBPF_DBG_INTERRUPT;
			return 0;
		}
		break;
	}
	stop->why = CBPF_DBG_END;
	err = 0;
	if (!dbg->have_ahead && dbg->ahead_diags.errors &&
	    !(max_packets && packets >= max_packets)) {
		diags_append(diags, &dbg->ahead_diags);
		err = -EINVAL;
	}
	/* As bpf_dbg, back to the first packet. */
	{
		int e = dbg_capture_reopen(dbg, diags);

		if (e)
			return e;
	}
	return err;
}

/* ---------------------------------------------------------------- bpf_dbg's run */

int cbpf_dbg_run_tally(struct cbpf_dbg *dbg, uint64_t max_packets, struct cbpf_dbg_stop *stop,
		       struct cbpf_dbg_tally *tally, struct cbpf_diags *diags)
{
	bool pending = cbpf_dbg_pending(dbg);
	int err = 0;

	memset(stop, 0, sizeof(*stop));
	memset(tally, 0, sizeof(*tally));
	if (dbg->vm && dbg->mode != CBPF_VM_SECCOMP && dbg->cap && !dbg->have_pkt) {
		/* A capture without packets: a run over none. */
		memset(&dbg->tally, 0, sizeof(dbg->tally));
		return 0;
	}
	if (!dbg->vm)
		return -EINVAL;
	if (pending) {
		/*
		 * The packet whose breakpoint was its return is counted now, as one of the N, as
		 * bpf_dbg does; when it was the last one, that is the end of the run.
		 */
		dbg->pending = false;
		count(&dbg->tally, dbg->st.ret);
		if (max_packets == 1 || (dbg->cap && !dbg->have_ahead)) {
			struct cbpf_dbg_tally t = dbg->tally;

			/* As after any run, back to the first packet (which starts a new tally). */
			if (dbg->cap)
				err = cbpf_dbg_select(dbg, 1, diags);
			dbg->tally = t;
			goto over;
		}
		if (max_packets)
			max_packets--;
	}
	err = cbpf_dbg_run(dbg, max_packets, stop, &dbg->tally, diags);
	if (err && stop->why != CBPF_DBG_END)
		return err;
	if (stop->why == CBPF_DBG_HIT_BREAK) {
		/*
		 * bpf_dbg executes the instruction it stopped before, so that going on does not
		 * stop there again. When that was the return, the packet is counted next time.
		 */
		struct cbpf_input in;

		dbg_make_input(dbg, &in);
		err = dbg_step_in(dbg, &in, NULL);
		dbg->pending = dbg->st.exit != CBPF_VM_RUNNING;
		return err;
	}
	if (stop->why != CBPF_DBG_END)
		return 0;
over:
	stop->why = CBPF_DBG_END;
	*tally = dbg->tally;
	memset(&dbg->tally, 0, sizeof(dbg->tally));
	return err;
}

bool cbpf_dbg_pending(const struct cbpf_dbg *dbg)
{
	return dbg->pending && dbg->st.exit != CBPF_VM_RUNNING;
}

int cbpf_dbg_resume(struct cbpf_dbg *dbg, struct cbpf_diags *diags)
{
	int err;

	if (dbg->st.exit == CBPF_VM_RUNNING)
		return 1;
	if (cbpf_dbg_pending(dbg)) {
		dbg->pending = false;
		return 0;
	}
	if (dbg->mode == CBPF_VM_SECCOMP || !dbg->cap) {
		dbg_restart(dbg);
		return 1;
	}
	err = cbpf_dbg_next(dbg, diags);
	return err < 0 ? err : 1;
}

int cbpf_dbg_finish(struct cbpf_dbg *dbg, struct cbpf_dbg_stop *stop, struct cbpf_diags *diags)
{
	int r = cbpf_dbg_resume(dbg, diags);

	*stop = (struct cbpf_dbg_stop){ .why = CBPF_DBG_END };
	if (r <= 0)
		return r;
	r = cbpf_dbg_continue(dbg, 0, stop);
	/* bpf_dbg executes the instruction it stopped at: going on does not stop there again. */
	if (!r && stop->why == CBPF_DBG_HIT_BREAK)
		cbpf_dbg_step(dbg, NULL);
	return r;
}

int cbpf_dbg_step_n(struct cbpf_dbg *dbg, size_t n, struct cbpf_diags *diags)
{
	/* A packet stopped at its return: this step finishes it, no further. */
	int r = cbpf_dbg_resume(dbg, diags);

	if (r <= 0)
		return r;
	while (n-- > 1 && dbg->st.exit == CBPF_VM_RUNNING)
		cbpf_dbg_step(dbg, NULL);
	if (dbg->st.exit != CBPF_VM_RUNNING)
		return 0;
	/* bpf_dbg shows the last instruction with what it sees, then executes it. */
	cbpf_dbg_step(dbg, NULL);
	return 1;
}

uint32_t cbpf_dbg_loop_budget(const struct cbpf_dbg *dbg)
{
	return dbg->vm ? cbpf_vm_loop_budget(dbg->vm) : 0;
}

size_t cbpf_dbg_trace_room(const struct cbpf_dbg *dbg)
{
	return dbg->vm ? (size_t)cbpf_vm_max_steps(dbg->vm) : 0;
}

int cbpf_dbg_trace(struct cbpf_dbg *dbg, struct cbpf_dbg_hist *steps, size_t *n,
		   struct cbpf_vm_state *final)
{
	struct cbpf_vm_state st;
	struct cbpf_input in;
	size_t i = 0;

	if (!dbg->vm || !dbg_make_input(dbg, &in))
		return -EINVAL;
	cbpf_vm_state_init(&st);
	while (st.exit == CBPF_VM_RUNNING && i < cbpf_dbg_trace_room(dbg)) {
		steps[i].before = st;
		if (cbpf_vm_step(dbg->vm, &st, &in, &steps[i].step))
			break;
		i++;
	}
	*n = i;
	if (final)
		*final = st;
	return 0;
}

int cbpf_dbg_trace_new(struct cbpf_dbg *dbg, struct cbpf_dbg_hist **steps, size_t *n,
		       struct cbpf_vm_state *final)
{
	size_t room = cbpf_dbg_trace_room(dbg); /* a loop runs past the program's length */
	struct cbpf_dbg_hist *v = calloc(room ? room : 1, sizeof(*v));
	int err;

	if (!v)
		return -ENOMEM;
	err = cbpf_dbg_trace(dbg, v, n, final);
	if (err) {
		free(v);
		return err;
	}
	*steps = v;
	return 0;
}

int cbpf_dbg_reads(struct cbpf_dbg *dbg, uint8_t *marks, size_t *nread)
{
	struct cbpf_dbg_hist *steps = NULL;
	size_t n = 0;
	int err;

	*nread = 0;
	if (!dbg->prog || !dbg->have_pkt)
		return 0;
	err = cbpf_dbg_trace_new(dbg, &steps, &n, NULL);
	if (err)
		return err == -ENOMEM ? err : 0;
	for (size_t i = 0; i < n; i++) {
		const struct cbpf_vm_step *r = &steps[i].step;

		/* A load past the bytes captured read none of them. */
		if (r->read != CBPF_VM_READ_PACKET || r->exit == CBPF_VM_EXIT_OOB || r->off < 0)
			continue;
		for (uint32_t b = 0; b < r->size && (uint64_t)r->off + b < dbg->caplen; b++)
			if (!marks[r->off + b]++)
				(*nread)++;
	}
	free(steps);
	return 0;
}

int cbpf_dbg_sweep(struct cbpf_dbg *dbg, const struct cbpf_dbg_sweep_opts *opts,
		   struct cbpf_dbg_tally *tally, struct cbpf_diags *diags)
{
	struct cbpf_capture_writer *w = NULL;
	struct cbpf_capture *cap = NULL;
	uint64_t written = 0;
	struct cbpf_frame f;
	struct cbpf_meta meta;
	int linktype, err, r, e;

	memset(tally, 0, sizeof(*tally));
	if (!dbg->vm || !dbg->path || dbg->mode == CBPF_VM_SECCOMP) {
		cbpf_diags_add(diags, CBPF_SEV_ERROR, NULL, 0, 0, 0, -1,
			       !dbg->vm ? "no program loaded"
			       : dbg->mode == CBPF_VM_SECCOMP
				       ? "a seccomp filter does not run over a capture"
				       : "no capture loaded");
		return -EINVAL;
	}
	if (opts->write && cbpf_capture_file_is(dbg->file, opts->write)) {
		/* It would be replaced under the reader, and the session's packets with it. */
		if (strcmp(opts->write, dbg->path))
			cbpf_diags_add(diags, CBPF_SEV_ERROR, opts->write, 0, 0, 0, -1,
				       "the same file as %s, the capture being read: write to "
				       "another one",
				       dbg->path);
		else
			cbpf_diags_add(diags, CBPF_SEV_ERROR, opts->write, 0, 0, 0, -1,
				       "the capture being read: write to another file");
		return -EINVAL;
	}
	err = cbpf_capture_file_read(dbg->file, &cap, diags);
	if (err)
		return err;
	linktype = cbpf_capture_linktype(cap);
	if (!opts->hits)
		jit_for_long_run(dbg);
	if (opts->write) {
		err = cbpf_capture_writer_new(opts->write,
					      linktype | (int)cbpf_capture_linktype_ext(cap),
					      cbpf_capture_snaplen(cap), &w, diags);
		if (err)
			goto out;
	}
	for (;;) {
		struct cbpf_diags said = { 0 };
		struct cbpf_input in;
		uint32_t ret;

		r = cbpf_capture_next(cap, &f, &said);
		e = dbg_capture_report(&dbg->reported, diags, &said, r == 1 ? f.number : 0);
		cbpf_diags_free(&said);
		if (e) {
			err = e;
			goto out;
		}
		if (r != 1)
			break;
		in = cbpf_input_packet(f.data, f.caplen, f.wirelen, NULL);
		if ((f.number & 1023) == 0 && interrupted(dbg)) {
			tally->interrupted = true;
			break;
		}
		if (dbg->needs_meta) {
			dbg_meta_for(dbg, f.data, f.caplen, f.wirelen, linktype, &meta);
			in.meta = &meta;
		}
		if (opts->hits) {
			struct cbpf_vm_state st;
			struct cbpf_vm_step rec;

			cbpf_vm_state_init(&st);
			while (st.exit == CBPF_VM_RUNNING && !cbpf_vm_step(dbg->vm, &st, &in, &rec))
				opts->hits[rec.pc]++;
			ret = st.ret;
			count_state(tally, &st, f.number);
		} else {
			ret = cbpf_vm_run(dbg->vm, &in);
			count_run(dbg, tally, &in, ret, f.number);
		}
		if (w && ret) {
			cbpf_capture_writer_add(w, &f);
			written++;
		}
	}
	if (r < 0 || tally->interrupted)
		err = r < 0 ? r : 0;
	if (w) {
		if (err || tally->interrupted) {
			cbpf_capture_writer_abort(w);
		} else {
			err = cbpf_capture_writer_commit(w, diags);
			if (err)
				err = -EINVAL;
		}
		w = NULL;
	}
	if (!err && opts->written)
		*opts->written = written;
out:
	cbpf_capture_writer_abort(w);
	cbpf_capture_close(cap);
	return err;
}
