/* SPDX-License-Identifier: MIT */
/* Inside the debugging engine: the session's state, and what its files share. */
#ifndef CBPF_DBG_INT_H
#define CBPF_DBG_INT_H

#include <string.h>

#include "cbpf/capture.h"
#include "cbpf/dbg.h"

/*
 * A session. Its files, each on one idea, import one way: dbg_fields.c (the metadata fields) is
 * used by all; dbg_expr.c (conditions), dbg_capture.c (the capture cursor) and dbg_points.c
 * (breakpoints and watches) by dbg.c (the program, expressions, stepping); dbg_run.c (runs,
 * traces, sweeps, bpf_dbg's tally) and dbg_why.c (instructions in words) lean on all of them;
 * the writers, dbg_write_*.c (cbpf-dbg's output formats), on the rest.
 */
struct cbpf_dbg {
	/* The program. */
	struct cbpf_prog *prog;
	struct cbpf_vm *vm;
	enum cbpf_vm_mode mode;
	uint32_t len;
	bool needs_meta;   /* ancillary loads, or loads that can reach negative offsets */
	bool no_jit;	   /* cbpf_dbg_set_jit(false): long runs interpret */
	bool hexdump;	   /* cbpf_dbg_set_hexdump(true): stops dump the packet too */
	char *expr;	   /* the filter expression the program was compiled from, or NULL */
	int expr_linktype; /* the link type it was compiled for */
	int want_linktype; /* cbpf_dbg_set_linktype's, or -1 */
	char *origin;	   /* what the program was loaded from, in words (dbg_load.c) */

	/* The capture cursor (dbg_capture.c): a reader positioned after the packet ahead. */
	struct cbpf_capture_file *file;
	const char *path; /* its name, "<stdin>" for "-"; NULL without a capture */
	struct cbpf_capture *cap;
	uint32_t snaplen;
	uint64_t count;	    /* packets in the file, once seen to the end */
	bool counted;	    /* count is known */
	uint64_t last_read; /* the number of the last packet the reader gave */
	bool have_ahead;    /* ahead holds the next packet (until the next read) */
	struct cbpf_frame ahead;
	struct cbpf_diags ahead_diags; /* why there is no packet ahead, when the file is damaged */
	uint64_t reported;	       /* packets whose warnings were given (once per capture) */

	/* The current packet (a copy). */
	bool have_pkt;
	uint8_t *pkt;
	size_t pkt_size;
	uint32_t caplen, wirelen;
	uint64_t number;
	int64_t ts_sec;
	uint32_t ts_nsec;
	int linktype;

	/* Metadata (dbg_fields.c): what the user set (set_mask says which), the packet's. */
	struct cbpf_meta user;
	uint32_t set_mask;
	struct cbpf_meta base; /* user with the derived fields zeroed: where each frame starts */
	uint32_t derived_mask;
	struct cbpf_meta meta;
	bool meta_ok;

	struct cbpf_seccomp_data sd;
	/* sd as the filter reads it on a machine of sd.arch: its 64-bit fields' words where that
	 * machine's byte order puts them (dbg_make_input) */
	struct cbpf_seccomp_data sd_run;
	enum cbpf_arch arch; /* what syscall names and constants are read on (dbg_input.c) */

	/* The run on the current input. */
	struct cbpf_vm_state st;
	struct cbpf_dbg_hist *hist;
	size_t nhist, hist_cap;
	/* bpf_dbg's tally (dbg_run.c): counts kept over stops; a packet that ended at a stop. */
	struct cbpf_dbg_tally tally;
	bool pending;

	struct cbpf_dbg_point *points;
	size_t npoints, points_cap;
	unsigned next_id;

	const volatile sig_atomic_t *intr;
};

/*
 * An error in a command's words: printed as it is (col 0), or located in the text (line 1, col
 * from 1). Returns -EINVAL (dbg_input.c).
 */
int dbg_refuse(struct cbpf_diags *diags, unsigned col, unsigned len, const char *fmt, ...)
	CBPF_PRINTF(4, 5);

/* What the program was loaded from, printf-style (NULL when out of memory: unknown). */
void dbg_set_origin(struct cbpf_dbg *dbg, const char *fmt, ...) CBPF_PRINTF(2, 3);

/* The next blank-separated word of *s, cut in place, *s moved past the blanks after; NULL at the
 * end (dbg_input.c). */
char *dbg_word(char **s);

/*
 * bpf_dbg's tally starts again: a pass over the capture from where the user put it (select, a
 * new capture or program, the wrap to the first packet), so that it never counts a packet twice.
 */
static inline void dbg_tally_reset(struct cbpf_dbg *dbg)
{
	memset(&dbg->tally, 0, sizeof(dbg->tally));
}

/* The run on the current input starts again: A = X = 0, pc 0, no history. */
static inline void dbg_restart(struct cbpf_dbg *dbg)
{
	cbpf_vm_state_init(&dbg->st);
	dbg->nhist = 0;
	dbg->pending = false;
}

/* ---------------------------------------------------------------- dbg_fields.c */

/* The index of metadata field name (or one of its aliases), or -1. */
int dbg_field_lookup(const char *name, size_t len);
/* The value of field i in meta, in host byte order. */
uint64_t dbg_field_value(const struct cbpf_meta *meta, size_t i);
/* What every frame's metadata starts from: the fields set, the derived ones zeroed. */
void dbg_meta_update(struct cbpf_dbg *dbg);
/* The metadata a frame gets: derived fields from the frame, set ones from the user. */
void dbg_meta_for(const struct cbpf_dbg *dbg, const uint8_t *data, uint32_t caplen,
		  uint32_t wirelen, int linktype, struct cbpf_meta *out);
/* dbg->meta made the current packet's. */
void dbg_meta_ensure(struct cbpf_dbg *dbg);

/* ---------------------------------------------------------------- dbg_expr.c */

/* What an expression is evaluated against: one state of the machine and its input. */
struct dbg_ctx {
	const struct cbpf_vm_state *st;
	const uint8_t *data; /* the packet, or NULL */
	uint32_t caplen, wirelen;
	const struct cbpf_meta *meta;	    /* NULL when the expression does not need it */
	const struct cbpf_seccomp_data *sd; /* NULL while debugging a socket filter */
};

/* Whether the expression reads a metadata field (the caller then computes the metadata). */
bool dbg_expr_uses_meta(const struct cbpf_dbg_expr *expr);
/* Evaluates expr in ctx: 0, -ENOENT (a value that cannot be had), -EINVAL (division by 0). */
int dbg_expr_eval_ctx(const struct cbpf_dbg_expr *expr, const struct dbg_ctx *ctx, uint64_t *value);

/* ---------------------------------------------------------------- dbg_capture.c */

/* Opens path at its first packet, which becomes current (see cbpf_dbg_open_capture). */
int dbg_capture_open(struct cbpf_dbg *dbg, const char *path, struct cbpf_diags *diags);
/* Closes the capture; the session has none after. */
void dbg_capture_close(struct cbpf_dbg *dbg);
/* The same capture from its first packet; what is known of its length is kept. */
int dbg_capture_reopen(struct cbpf_dbg *dbg, struct cbpf_diags *diags);
/* The packet ahead becomes current; what reading it said (warnings) goes to diags. */
int dbg_capture_forward(struct cbpf_dbg *dbg, struct cbpf_diags *diags);
/* Reads the packet after the current one into ahead. */
void dbg_capture_read_ahead(struct cbpf_dbg *dbg);
/*
 * What reading packet number said, into to: errors always, warnings (a record cut to the
 * snapshot length) only the first time the packet is read since the capture was opened.
 */
int dbg_capture_report(uint64_t *reported, struct cbpf_diags *to, const struct cbpf_diags *from,
		       uint64_t number);

/* ---------------------------------------------------------------- dbg_points.c */

/* Deletes every point and frees the list. */
void dbg_points_free(struct cbpf_dbg *dbg);

/* ---------------------------------------------------------------- dbg_write_*.c */

/* The writers' ANSI colours, used when the caller asks for colour. */
#define DBG_RED		  "\033[31m"
#define DBG_GREEN	  "\033[32m"
#define DBG_YELLOW	  "\033[33m"
#define DBG_CYAN	  "\033[36m"
#define DBG_HILITE	  "\033[1;7m" /* bold, reversed: the bytes a program reads */
#define DBG_RESET	  "\033[0m"
#define DBG_COL(color, c) ((color) ? (c) : "")

/* ---------------------------------------------------------------- dbg.c */

/* The input the program runs on; false when there is none. */
bool dbg_make_input(struct cbpf_dbg *dbg, struct cbpf_input *in);
/* One instruction of the current run on in, recorded; rec (may be NULL) receives what it did. */
int dbg_step_in(struct cbpf_dbg *dbg, const struct cbpf_input *in, struct cbpf_vm_step *rec);
/* Whether condition cond holds in state st of the current input: it evaluates, to non-zero. */
bool dbg_holds(struct cbpf_dbg *dbg, const struct cbpf_dbg_expr *cond,
	       const struct cbpf_vm_state *st);

#endif
