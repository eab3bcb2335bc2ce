// SPDX-License-Identifier: MIT
/* A debugging session: its program (or the expression it came from), its input, stepping. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cbpf/check.h"
#include "cbpf/pcap.h"
#include "classic/insn_int.h"
#include "dbg/dbg_int.h"
#include "seccomp/arch.h"
#include "seccomp/seccomp_data.h"
#include "util/diag_int.h"

/* ---------------------------------------------------------------- session */

int cbpf_dbg_new(struct cbpf_dbg **out)
{
	struct cbpf_dbg *dbg = calloc(1, sizeof(*dbg));

	if (!dbg)
		return -ENOMEM;
	dbg->next_id = 1;
	dbg->linktype = CBPF_DLT_EN10MB;
	dbg->want_linktype = -1;
	/* A system call of this machine until told otherwise. */
	dbg->arch = cbpf_arch_native();
	if (dbg->arch == CBPF_ARCH_NONE)
		dbg->arch = CBPF_ARCH_X86_64;
	dbg->sd.arch = cbpf_arch_audit(dbg->arch);
	dbg_meta_update(dbg);
	cbpf_vm_state_init(&dbg->st);
	*out = dbg;
	return 0;
}

void cbpf_dbg_free(struct cbpf_dbg *dbg)
{
	if (!dbg)
		return;
	dbg_capture_close(dbg);
	cbpf_prog_free(dbg->prog);
	cbpf_vm_free(dbg->vm);
	free(dbg->expr);
	free(dbg->origin);
	free(dbg->pkt);
	free(dbg->hist);
	dbg_points_free(dbg);
	free(dbg);
}

void cbpf_dbg_set_interrupt(struct cbpf_dbg *dbg, const volatile sig_atomic_t *flag)
{
	dbg->intr = flag;
}

void cbpf_dbg_restart(struct cbpf_dbg *dbg)
{
	dbg_restart(dbg);
}

/* ---------------------------------------------------------------- the program */

/*
 * Whether a run can look at struct cbpf_meta: an ancillary load, a load at a negative constant
 * offset, or an indirect load [x + k] whose offset can be negative. The largest X can hold is
 * followed along the jumps (forward only, so one pass in order): a constant, ldxb's 60, or
 * anything after tax, ldx M[k] and ldx #len. tcpdump's [x + k] after ldxb never needs it.
 */
static bool prog_needs_meta(const struct cbpf_insn *insns, size_t len)
{
	uint64_t *xmax = malloc((len + 1) * sizeof(*xmax));
	const uint64_t unreached = UINT64_MAX, any = UINT32_MAX;
	bool needs = false;

	if (!xmax)
		return true;
	for (size_t pc = 0; pc <= len; pc++)
		xmax[pc] = unreached;
	xmax[0] = 0;
	for (size_t pc = 0; pc < len && !needs; pc++) {
		const struct cbpf_insn *in = &insns[pc];
		unsigned cls = CBPF_CLASS(in->code), mode = CBPF_MODE(in->code);
		uint64_t x = xmax[pc], next[2];

		if (x == unreached)
			continue;
		if (cls == CBPF_LD || cls == CBPF_LDX) {
			if ((mode == CBPF_ABS || mode == CBPF_MSH) && (int32_t)in->k < 0)
				needs = true;
			if (mode == CBPF_IND && x + in->k > INT32_MAX)
				needs = true;
		}
		if (cls == CBPF_LDX)
			x = mode == CBPF_IMM ? in->k : mode == CBPF_MSH ? 60 : any;
		else if (cls == CBPF_MISC && CBPF_MISCOP(in->code) == CBPF_TAX)
			x = any;
		for (unsigned i = insn_successors(in, pc, next); i-- > 0;)
			if (next[i] < len && (xmax[next[i]] == unreached || xmax[next[i]] < x))
				xmax[next[i]] = x;
	}
	free(xmax);
	return needs;
}

int cbpf_dbg_load(struct cbpf_dbg *dbg, const struct cbpf_prog *prog, enum cbpf_vm_mode mode,
		  struct cbpf_diags *diags)
{
	struct cbpf_dbg_hist *hist;
	struct cbpf_prog *copy;
	struct cbpf_vm *vm;
	size_t len = cbpf_prog_len(prog);
	int err;

	/* Packet filters run as libpcap runs them: loops too, each with a warning. */
	err = cbpf_check(prog, mode == CBPF_VM_SECCOMP ? CBPF_CHECK_SECCOMP : CBPF_CHECK_PCAP,
			 diags);
	if (err)
		return err;
	err = cbpf_vm_new(prog, mode, &vm, diags);
	if (err)
		return err;
	copy = cbpf_prog_dup(prog);
	/* Room for a run without loops, each instruction once at most; a loop's run grows it. */
	hist = calloc(len + 1, sizeof(*hist));
	if (!copy || !hist) {
		cbpf_prog_free(copy);
		free(hist);
		cbpf_vm_free(vm);
		return -ENOMEM;
	}
	cbpf_prog_free(dbg->prog);
	cbpf_vm_free(dbg->vm);
	free(dbg->hist);
	dbg->prog = copy;
	dbg->vm = vm;
	dbg->mode = mode;
	dbg->len = (uint32_t)len;
	dbg->hist = hist;
	dbg->hist_cap = len + 1;
	dbg->needs_meta = prog_needs_meta(cbpf_prog_insns(copy), len);
	/* Whatever the program was compiled from, this one was not: a capture keeps it. */
	free(dbg->expr);
	dbg->expr = NULL;
	cbpf_dbg_delete_all(dbg, CBPF_DBG_BREAK);
	dbg_restart(dbg);
	dbg_tally_reset(dbg);
	return 0;
}

const struct cbpf_prog *cbpf_dbg_prog(const struct cbpf_dbg *dbg)
{
	return dbg->prog;
}

enum cbpf_vm_mode cbpf_dbg_mode(const struct cbpf_dbg *dbg)
{
	return dbg->mode;
}

/* ---------------------------------------------------------------- expressions */

void cbpf_dbg_set_linktype(struct cbpf_dbg *dbg, int linktype)
{
	dbg->want_linktype = linktype;
}

int cbpf_dbg_compile(struct cbpf_dbg *dbg, const char *expr, const struct cbpf_compile_opts *opts,
		     struct cbpf_prog **out, struct cbpf_diags *diags)
{
	if (dbg->cap)
		return cbpf_capture_compile(dbg->cap, expr, opts, out, diags);
	return cbpf_pcap_compile(expr, opts, out, diags);
}

/*
 * Compiles expr as tcpdump -r FILE EXPR does for the capture open (its link type, and its
 * snapshot length in the returns), as tcpdump -d does without one, unless another link type
 * was asked for. *linktype receives the one it was compiled for.
 */
static int compile_expr(struct cbpf_dbg *dbg, const char *expr, struct cbpf_prog **prog,
			int *linktype, struct cbpf_diags *diags)
{
	struct cbpf_compile_opts copts = { .linktype = CBPF_DLT_EN10MB };

	if (dbg->want_linktype >= 0 && (!dbg->path || dbg->want_linktype != dbg->linktype)) {
		copts.linktype = dbg->want_linktype;
		*linktype = copts.linktype;
		return cbpf_pcap_compile(expr, &copts, prog, diags);
	}
	if (dbg->path)
		copts.linktype = dbg->linktype;
	*linktype = copts.linktype;
	return cbpf_dbg_compile(dbg, expr, &copts, prog, diags);
}

int cbpf_dbg_load_expr(struct cbpf_dbg *dbg, const char *expr, struct cbpf_diags *diags)
{
	struct cbpf_diags said = { 0 };
	struct cbpf_prog *prog = NULL;
	char *copy = strdup(expr);
	int err, lt;

	if (!copy)
		return -ENOMEM;
	err = compile_expr(dbg, expr, &prog, &lt, &said);
	if (err) {
		/* libpcap's messages do not say what they are about. */
		for (size_t i = 0; i < said.n && err != -ENOMEM; i++)
			if (cbpf_diags_add(diags, CBPF_SEV_ERROR, NULL, 0, 0, 0, -1,
					   "expression " DIAG_QF ": %s",
					   DIAG_QA(expr, strlen(expr)), said.v[i].msg))
				err = -ENOMEM;
		cbpf_diags_free(&said);
		free(copy);
		return err;
	}
	err = cbpf_dbg_load(dbg, prog, CBPF_VM_SOCKET, diags);
	if (err == -EINVAL && cbpf_pcap_explain(expr, prog, diags))
		err = -ENOMEM;
	cbpf_prog_free(prog);
	if (err) {
		free(copy);
		return err;
	}
	dbg->expr = copy;
	dbg->expr_linktype = lt;
	dbg_set_origin(dbg, "expression '%s'", expr);
	return 0;
}

const char *cbpf_dbg_expr(const struct cbpf_dbg *dbg, int *linktype)
{
	if (dbg->expr && linktype)
		*linktype = dbg->expr_linktype;
	return dbg->expr;
}

/*
 * The capture opened after an expression was loaded: the expression is compiled again for it,
 * as tcpdump -r FILE EXPR would, and loaded with a note when that gives another program
 * (another link type, another snapshot length). When it does not compile or load, the program
 * stays as it was: a warning, or the refusal, says why.
 */
static int recompile(struct cbpf_dbg *dbg, struct cbpf_diags *diags)
{
	struct cbpf_diags said = { 0 };
	struct cbpf_prog *prog = NULL;
	char *expr = dbg->expr;
	bool had = false;
	const char *name;
	int err, lt;

	if (compile_expr(dbg, expr, &prog, &lt, &said)) {
		err = cbpf_diags_add(diags, CBPF_SEV_WARNING, NULL, 0, 0, 0, -1,
				     "expression " DIAG_QF " does not compile for %s: %s; the "
				     "program stays as compiled before",
				     DIAG_QA(expr, strlen(expr)), dbg->path,
				     said.n ? said.v[0].msg : "out of memory");
		cbpf_diags_free(&said);
		return err;
	}
	cbpf_diags_free(&said);
	if (cbpf_prog_equal(prog, dbg->prog)) {
		dbg->expr_linktype = lt;
		cbpf_prog_free(prog);
		return 0;
	}
	for (size_t i = 0; i < dbg->npoints; i++)
		had |= dbg->points[i].kind == CBPF_DBG_BREAK;
	dbg->expr = NULL; /* not freed by the load: the program loaded, new or old, is expr's */
	err = cbpf_dbg_load(dbg, prog, CBPF_VM_SOCKET, diags);
	dbg->expr = expr;
	cbpf_prog_free(prog);
	if (err)
		return err == -ENOMEM ? err : 0;
	dbg->expr_linktype = lt;
	name = cbpf_linktype_name(lt);
	return cbpf_diags_add(diags, CBPF_SEV_NOTE, NULL, 0, 0, 0, -1,
			      "expression " DIAG_QF " compiled again for %s (link type %s, "
			      "snapshot length %u)%s",
			      DIAG_QA(expr, strlen(expr)), dbg->path, name ? name : "?",
			      dbg->snaplen, had ? ": its breakpoints are deleted" : "");
}

int cbpf_dbg_open_capture(struct cbpf_dbg *dbg, const char *path, struct cbpf_diags *diags)
{
	int err = dbg_capture_open(dbg, path, diags);

	if (!err)
		dbg_tally_reset(dbg);
	if (err || !dbg->expr || !dbg->prog)
		return err;
	return recompile(dbg, diags);
}

/* ---------------------------------------------------------------- inputs */

void cbpf_dbg_set_seccomp(struct cbpf_dbg *dbg, const struct cbpf_seccomp_data *sd)
{
	dbg->sd = *sd;
	dbg_restart(dbg);
}

/* ---------------------------------------------------------------- stepping */

bool dbg_make_input(struct cbpf_dbg *dbg, struct cbpf_input *in)
{
	if (dbg->mode == CBPF_VM_SECCOMP) {
		bool is64, le;

		/* a big-endian architecture's filter reads an argument's low half at +4 */
		arch_audit_layout(dbg->sd.arch, dbg->arch, &is64, &le);
		dbg->sd_run = dbg->sd;
		dbg->sd_run.instruction_pointer =
			seccomp_data_field_on(dbg->sd.instruction_pointer, le);
		for (int i = 0; i < 6; i++)
			dbg->sd_run.args[i] = seccomp_data_field_on(dbg->sd.args[i], le);
		*in = cbpf_input_seccomp(&dbg->sd_run);
		return true;
	}
	if (!dbg->have_pkt)
		return false;
	if (dbg->needs_meta)
		dbg_meta_ensure(dbg);
	*in = cbpf_input_packet(dbg->pkt, dbg->caplen, dbg->wirelen,
				dbg->needs_meta ? &dbg->meta : NULL);
	return true;
}

const struct cbpf_vm_state *cbpf_dbg_state(const struct cbpf_dbg *dbg)
{
	return &dbg->st;
}

size_t cbpf_dbg_history(const struct cbpf_dbg *dbg, const struct cbpf_dbg_hist **out)
{
	*out = dbg->hist;
	return dbg->nhist;
}

int dbg_step_in(struct cbpf_dbg *dbg, const struct cbpf_input *in, struct cbpf_vm_step *rec)
{
	struct cbpf_dbg_hist *h;
	int err;

	if (dbg->nhist == dbg->hist_cap) {
		/* Not reached by a validated program; grow all the same rather than lose it. */
		size_t cap = dbg->hist_cap ? 2 * dbg->hist_cap : 16;
		struct cbpf_dbg_hist *nh = realloc(dbg->hist, cap * sizeof(*nh));

		if (!nh)
			return -ENOMEM;
		dbg->hist = nh;
		dbg->hist_cap = cap;
	}
	h = &dbg->hist[dbg->nhist];
	h->before = dbg->st;
	err = cbpf_vm_step(dbg->vm, &dbg->st, in, &h->step);
	if (err)
		return err;
	dbg->nhist++;
	if (rec)
		*rec = h->step;
	return 0;
}

int cbpf_dbg_step(struct cbpf_dbg *dbg, struct cbpf_vm_step *rec)
{
	struct cbpf_input in;

	if (!dbg->vm || !dbg_make_input(dbg, &in) || dbg->st.exit != CBPF_VM_RUNNING)
		return -EINVAL;
	dbg->pending = false;
	return dbg_step_in(dbg, &in, rec);
}

int cbpf_dbg_back(struct cbpf_dbg *dbg, size_t n)
{
	if (n > dbg->nhist)
		return -EINVAL;
	if (n == 0)
		return 0;
	dbg->nhist -= n;
	dbg->st = dbg->hist[dbg->nhist].before;
	dbg->pending = false;
	return 0;
}

/* ---------------------------------------------------------------- conditions */

static void make_ctx(struct cbpf_dbg *dbg, const struct cbpf_vm_state *st,
		     const struct cbpf_dbg_expr *expr, struct dbg_ctx *ctx)
{
	memset(ctx, 0, sizeof(*ctx));
	ctx->st = st;
	if (dbg->mode == CBPF_VM_SECCOMP && dbg->vm) {
		ctx->sd = &dbg->sd;
		return;
	}
	if (dbg->have_pkt) {
		ctx->data = dbg->pkt;
		ctx->caplen = dbg->caplen;
		ctx->wirelen = dbg->wirelen;
	}
	if (dbg_expr_uses_meta(expr)) {
		dbg_meta_ensure(dbg);
		ctx->meta = &dbg->meta;
	}
}

int cbpf_dbg_expr_eval(struct cbpf_dbg *dbg, const struct cbpf_dbg_expr *expr, uint64_t *value)
{
	struct dbg_ctx ctx;

	make_ctx(dbg, &dbg->st, expr, &ctx);
	return dbg_expr_eval_ctx(expr, &ctx, value);
}

bool dbg_holds(struct cbpf_dbg *dbg, const struct cbpf_dbg_expr *cond,
	       const struct cbpf_vm_state *st)
{
	struct dbg_ctx ctx;
	uint64_t v;

	make_ctx(dbg, st, cond, &ctx);
	return !dbg_expr_eval_ctx(cond, &ctx, &v) && v;
}
