/* SPDX-License-Identifier: MIT */
/* cbpf-dbg's command layer: the session the commands act on, and how it prints. */
#ifndef CBPF_DBG_SH_H
#define CBPF_DBG_SH_H

#include <stdbool.h>
#include <stdio.h>

#include "cbpf.h"

#define PROG "cbpf-dbg"

struct sh {
	struct cbpf_dbg *dbg;
	FILE *out;            /* results */
	FILE *err;            /* errors */
	bool color;           /* ANSI colours on out */
	bool ecolor;          /* on err */
	const char *where;    /* where commands come from ("<stdin>", a script): errors are located
			       * there; NULL on a terminal */
	unsigned line;        /* the command's line in it */
	const char *cmdline;  /* the command being run */
	bool no_io;           /* refuse commands that read or write files (the fuzzer) */
	bool stdin_commands;  /* commands come from standard input, which cannot be a capture too */
	bool quit;
	unsigned errors;      /* commands that failed */
	struct cbpf_dbg_tally tally; /* run's counts, kept over breakpoint stops as bpf_dbg does */
	bool uncounted;       /* the packet run stopped on ended at its breakpoint: count it next */
	bool failed;          /* the command being run has reported an error */
	const char *diag_name; /* names a program without a file in messages; NULL: "program" */
	int linktype;         /* -y: the link type expressions are compiled for, or -1 */
	int expr_linktype;    /* the link type the loaded expression was compiled for, or -1 */
	char *expr;           /* the expression the loaded program was compiled from, or NULL */
	char *prog_from;      /* what the program was loaded from, for info */
	enum cbpf_arch arch;  /* the architecture syscall names are looked up on */
	size_t max_input;     /* --max-input-size: the most a file or command line may hold;
			       * 0: CBPF_MAX_INPUT_SIZE */
};

/* Sets up a session with a new engine; 0 or -ENOMEM. */
int sh_init(struct sh *sh, FILE *out, FILE *err);
void sh_fini(struct sh *sh);

/* Whether path is standard input ("-", /dev/stdin or another name for it). */
bool sh_is_stdin(const char *path);

/* Runs one command line. Returns 0, or 1 when the command failed (its errors printed). */
int sh_exec(struct sh *sh, const char *line);
/*
 * load expr EXPR, for -e: EXPR may be empty (matching every packet, as tcpdump takes no
 * expression), which the command line cannot say. Returns as sh_exec.
 */
int sh_load_expr(struct sh *sh, const char *expr);

/* Errors: counted, printed on sh->err with the command's location in scripts. */
void sh_error(struct sh *sh, const char *fmt, ...) CBPF_PRINTF(2, 3);
/* A warning: printed like an error, but the command does not fail for it. */
void sh_warning(struct sh *sh, const char *fmt, ...) CBPF_PRINTF(2, 3);
void sh_note(struct sh *sh, const char *fmt, ...) CBPF_PRINTF(2, 3);
/*
 * Prints diagnostics. Those without a file whose line is set point into the command line at
 * column offset + col (inline text: a program, an expression). Returns true when one is an
 * error (and counts it).
 */
bool sh_diags(struct sh *sh, struct cbpf_diags *diags, size_t offset, const char *src,
	      size_t srclen);

/* The seccomp input's syscall ("openat (257)") and architecture ("x86_64"), into buf. */
void sh_syscall_name(struct sh *sh, const struct cbpf_seccomp_data *sd, char *buf, size_t size);
void sh_arch_name(struct sh *sh, uint32_t audit, char *buf, size_t size);

/* The command names, for completion; NULL-terminated. */
extern const char *const sh_command_names[];

/* ---------------------------------------------------------------- show.c: formats */

/* An instruction as bpf_dbg prints it, "l0:\tldh [12]" without the newline, into buf. */
void show_disasm(const struct cbpf_insn *insn, unsigned pc, char *buf, size_t size);
/* bpf_dbg's register dump of state st (the instruction at st->pc); with_ret adds the result. */
void show_regs(struct sh *sh, const struct cbpf_vm_state *st, bool with_ret);
/* bpf_dbg's packet dump, or the seccomp input. */
void show_input(struct sh *sh);
/* bpf_dbg's "-- register dump --" ... "-- packet dump --" ... block for state st. */
void show_stop(struct sh *sh, const struct cbpf_vm_state *st, bool with_ret);
/* A tag line such as "(breakpoint)", coloured on a terminal. */
void show_tag(struct sh *sh, const char *fmt, ...) CBPF_PRINTF(2, 3);
/* The program's result: "accepted (262144)", "allow", ... into buf. */
void show_result(struct sh *sh, uint32_t ret, char *buf, size_t size);
/* The path of the current input through the program, each decision explained. */
int show_why(struct sh *sh);
/* The one-line outcome of the current input: what the program returned, in how many steps. */
void show_outcome(struct sh *sh, uint32_t ret, size_t n);
/* Runs the current input in a scratch state (the session stays where it is), shows its outcome. */
int show_reached(struct sh *sh);
/* The packet with the bytes the program reads marked. */
int show_packet(struct sh *sh);
/* Hit counts per instruction. */
void show_coverage(struct sh *sh, const uint64_t *hits, const struct cbpf_dbg_tally *t);

#endif
