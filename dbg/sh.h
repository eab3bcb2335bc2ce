/* SPDX-License-Identifier: MIT */
/* cbpf-dbg's command layer: the session the commands act on, its table, and how it prints. */
#ifndef CBPF_DBG_SH_H
#define CBPF_DBG_SH_H

#include <stdbool.h>
#include <stdio.h>

#include "cbpf.h"
#include "util/diag_int.h"

#define PROG "cbpf-dbg"

/* What the user wrote, quoted in a message: cut when long (a 10 MB word), as diag_int.h cuts. */
#define QUOTE(s) DIAG_QA((s), strlen(s))

struct sh {
	struct cbpf_dbg *dbg; /* the session: program, input, run, points, tally */
	FILE *out;	      /* results */
	FILE *err;	      /* errors */
	bool color;	      /* ANSI colours on out */
	bool ecolor;	      /* on err */
	const char *where;    /* where commands come from ("<stdin>", a script): errors are located
			       * there; NULL on a terminal */
	unsigned line;	      /* the command's line in it */
	const char *cmdline;  /* the command being run */
	bool no_io;	      /* refuse commands that read or write files (the fuzzer) */
	bool stdin_commands;  /* commands come from standard input, which cannot be a capture too */
	bool quit;
	bool said_no_filter;   /* syscall or arch without a seccomp filter has said so */
	unsigned errors;       /* commands that failed */
	bool failed;	       /* the command being run has reported an error */
	const char *diag_name; /* names a program without a file in messages; NULL: "program" */
	bool linktype_given;   /* -y: expressions are compiled for a link type of their own */
	size_t max_input;      /* --max-input-size: the most a file or command line may hold;
				* 0: CBPF_MAX_INPUT_SIZE */
};

/* Sets up a session with a new engine; 0 or -ENOMEM. */
int sh_init(struct sh *sh, FILE *out, FILE *err);
void sh_fini(struct sh *sh);

/* Whether path is standard input ("-", /dev/stdin or another name for it). */
bool sh_is_stdin(const char *path);

/* Reads commands at a terminal, with line editing, history and completion, until quit or EOF. */
void sh_terminal(struct sh *sh);

/* Runs one command line. Returns 0, or 1 when the command failed (its errors printed). */
int sh_exec(struct sh *sh, const char *line);
/*
 * "load KIND ARG" for a command-line option: -p, -b, -e (whose expression may be empty, matching
 * every packet as tcpdump takes no expression). Returns as sh_exec.
 */
int sh_load(struct sh *sh, const char *kind, const char *arg);

/* ---------------------------------------------------------------- sh.c: messages */

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
/*
 * What a library call said: its diagnostics (pointing into the command line from offset), and
 * "out of memory" for an -ENOMEM it gave no words. Returns 1 when the call failed, else 0.
 */
int sh_said(struct sh *sh, int err, struct cbpf_diags *diags, size_t offset);
/* One diagnostic as sh_diags prints it; true when it is an error. */
bool sh_diag(struct sh *sh, const struct cbpf_diag *d, size_t offset, const char *src,
	     size_t srclen);
/*
 * What reading a capture said, each message naming the file (and the packet). A warning
 * leaves the command's success alone; an error fails it. Returns whether there was an error.
 */
bool sh_capture_diags(struct sh *sh, struct cbpf_diags *diags);
bool sh_capture_diag(struct sh *sh, const struct cbpf_diag *d);

/* ---------------------------------------------------------------- sh.c: words and checks */

/* The next word of *s (NUL-terminated in place), or NULL; *s moves past it and blanks. */
char *sh_word(char **s);
/* bpf_dbg's matches(): a word is a prefix of the keyword. */
bool sh_matches(const char *w, const char *keyword);

/* The session has what the command needs (cbpf_dbg_ready); else says what is missing. */
bool sh_ready(struct sh *sh, unsigned needs, const char *what);
/* Files may not be read or written here (the fuzzer): says so. */
bool sh_no_io(struct sh *sh);
/* The run on the current input has ended. */
bool sh_ended(const struct sh *sh);

/* ---------------------------------------------------------------- cmds.c: the command table */

/* What a command's arguments complete to at the terminal. */
enum sh_complete {
	SH_COMPLETE_NONE,
	SH_COMPLETE_LOAD, /* load's kinds, then file names (not after bpf or expr) */
	SH_COMPLETE_FILES,
	SH_COMPLETE_COMMANDS,
	SH_COMPLETE_ARCH,    /* first argument */
	SH_COMPLETE_SYSCALL, /* first argument */
	SH_COMPLETE_FIELDS,  /* first argument: metadata fields and ip */
};

struct sh_cmd {
	const char *name;
	int (*fn)(struct sh *sh, char *args, size_t off);
	enum sh_complete complete;
	const char *usage;
	const char *help;
	const char *summary;	 /* for the list */
	const char *short_usage; /* for the list, when usage is too long; NULL: usage */
};

/* The command called name (or an alias of it), or NULL. */
const struct sh_cmd *sh_find_cmd(const char *name);
/* The names offered for completion and suggestions: the commands and some aliases. */
const char *sh_cmd_name(size_t i); /* NULL past the last */
/* "unknown command", with the closest name when there is one. */
void sh_unknown(struct sh *sh, const char *name);
/* load's kinds, NULL-terminated. */
extern const char *const sh_load_kinds[];

/* The commands, by group. */
int cmd_load(struct sh *sh, char *args, size_t off);   /* cmd_load.c */
int cmd_select(struct sh *sh, char *args, size_t off); /* cmd_run.c */
int cmd_step(struct sh *sh, char *args, size_t off);
int cmd_run(struct sh *sh, char *args, size_t off);
int cmd_back(struct sh *sh, char *args, size_t off);
int cmd_finish(struct sh *sh, char *args, size_t off);
int cmd_regs(struct sh *sh, char *args, size_t off);
int cmd_why(struct sh *sh, char *args, size_t off);
int cmd_packet(struct sh *sh, char *args, size_t off);
int cmd_breakpoint(struct sh *sh, char *args, size_t off); /* cmd_points.c */
int cmd_break(struct sh *sh, char *args, size_t off);
int cmd_watch(struct sh *sh, char *args, size_t off);
int cmd_delete(struct sh *sh, char *args, size_t off);
int cmd_print(struct sh *sh, char *args, size_t off);
int cmd_set(struct sh *sh, char *args, size_t off); /* cmd_input.c */
int cmd_syscall(struct sh *sh, char *args, size_t off);
int cmd_arch(struct sh *sh, char *args, size_t off);
int cmd_disassemble(struct sh *sh, char *args, size_t off); /* cmd_prog.c */
int cmd_dump(struct sh *sh, char *args, size_t off);
int cmd_filter(struct sh *sh, char *args, size_t off);
int cmd_coverage(struct sh *sh, char *args, size_t off);
int cmd_info(struct sh *sh, char *args, size_t off);
int cmd_replay(struct sh *sh, char *args, size_t off); /* cmd_replay.c */
/* load pid PID [FD | filter N]. Returns as the commands. */
int sh_load_pid(struct sh *sh, char *args);
/* load expr, also for -e. Returns as the commands. */
int sh_do_load_expr(struct sh *sh, const char *expr);

/* ---------------------------------------------------------------- sh.c: output */

/*
 * The output formats are libcbpf's writers (cbpf_dbg_write_*, cbpf/dbg.h), called with sh->out
 * and sh->color.
 */

/* A tag line such as "(breakpoint)" on sh->out, coloured on a terminal. */
void sh_tag(struct sh *sh, const char *fmt, ...) CBPF_PRINTF(2, 3);

#endif
