/* SPDX-License-Identifier: MIT */
/* The debugging engine behind cbpf-dbg: a program stepped over packets or seccomp inputs. */
#ifndef LIBCBPF_DBG_H
#define LIBCBPF_DBG_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "common.h"
#include "diag.h"
#include "prog.h"
#include "pcap.h"
#include "seccomp.h"
#include "vm.h"

/*
 * A session holds one program, its input and the run of the program over that input:
 *   - the program runs as a socket filter over packets (from a capture, or one set by the
 *     caller) or as a seccomp filter over a struct cbpf_seccomp_data, as its mode says;
 *   - a capture is read as a stream: the session keeps the current packet and the one after it,
 *     so memory stays flat whatever the file's size; going back to an earlier packet reopens it;
 *   - every instruction executed on the current input is recorded with the state before it, so
 *     that stepping backwards restores earlier states exactly;
 *   - breakpoints (at an instruction, on a condition, or both) and watches on M[i] stop runs.
 * The session never prints; the caller formats what it reads from the accessors.
 */
struct cbpf_dbg;

/* A new, empty session: no program, no input. Returns 0, -ENOMEM. */
CBPF_API int cbpf_dbg_new(struct cbpf_dbg **out);
/* Frees the session and closes its capture; NULL is allowed. */
CBPF_API void cbpf_dbg_free(struct cbpf_dbg *dbg);

/*
 * Long runs (cbpf_dbg_run, cbpf_dbg_sweep) poll *flag between packets and stop when it is
 * non-zero (a SIGINT handler sets it). NULL turns polling off.
 */
CBPF_API void cbpf_dbg_set_interrupt(struct cbpf_dbg *dbg, const volatile sig_atomic_t *flag);

/*
 * Whether runs over a capture (cbpf_dbg_run without points, cbpf_dbg_sweep without hits) run
 * the program as native code (cbpf/jit.h), compiled once when such a run starts; on by default.
 * Stepping always interprets; where there is no JIT the interpreter runs, with the same
 * results.
 */
CBPF_API void cbpf_dbg_set_jit(struct cbpf_dbg *dbg, bool on);
CBPF_API bool cbpf_dbg_jit(const struct cbpf_dbg *dbg);

/*
 * Whether a stop (cbpf_dbg_write_stop) dumps the packet after the registers, as bpf_dbg does at
 * every step; off by default, as gdb shows no memory on a step (cbpf_dbg_write_packet and
 * cbpf_dbg_write_input still dump it). A seccomp input, a few fields, is always shown.
 */
CBPF_API void cbpf_dbg_set_hexdump(struct cbpf_dbg *dbg, bool on);
CBPF_API bool cbpf_dbg_hexdump(const struct cbpf_dbg *dbg);

/* ---------------------------------------------------------------- the program */

/*
 * Validates prog as the kernel would in mode (cbpf_check: socket or seccomp rules; its warnings
 * are added to diags too) and loads a copy. On success the breakpoints are deleted (they name
 * instructions of the old program; watches stay), the expression the previous program was
 * compiled from is forgotten, and the current input starts again; on failure the session keeps
 * its previous program. Returns 0, -EINVAL (refused; why in diags), -ENOMEM.
 */
CBPF_API int cbpf_dbg_load(struct cbpf_dbg *dbg, const struct cbpf_prog *prog,
			   enum cbpf_vm_mode mode, struct cbpf_diags *diags);
/* The loaded program (the session's copy), or NULL. */
CBPF_API const struct cbpf_prog *cbpf_dbg_prog(const struct cbpf_dbg *dbg);
CBPF_API enum cbpf_vm_mode cbpf_dbg_mode(const struct cbpf_dbg *dbg);

/* How cbpf_dbg_load_file reads a file. */
enum cbpf_dbg_file_kind {
	CBPF_DBG_FILE_AUTO,    /* a capture or a program, as the file says (load FILE) */
	CBPF_DBG_FILE_PROG,    /* a program in any form, or a seccomp policy (load prog) */
	CBPF_DBG_FILE_SECCOMP, /* a seccomp filter in any form, or a policy (load seccomp) */
};

/* What cbpf_dbg_load_file found. */
struct cbpf_dbg_file {
	bool capture; /* CBPF_DBG_FILE_AUTO: a capture, nothing loaded; cbpf_dbg_open_capture it */
	bool policy;  /* a seccomp policy, compiled */
	bool seccomp; /* the program is loaded as a seccomp filter */
	int read_err; /* the file could not be read: cbpf_infile_read's error */
	char *src;    /* the file's text, which diagnostics point into (caller frees); NULL for
		       * raw bytecode, which has no lines */
	size_t len;
};

/*
 * Loads a program from the file at path (at most max_input bytes, 0: CBPF_MAX_INPUT_SIZE) as kind
 * says: every form cbpf reads, through cbpf_source_read, and a seccomp policy compiled; a seccomp
 * filter read as bytecode gets comments naming what it tests (cbpf_seccomp_annotate on the
 * session's architecture); then cbpf_dbg_load. A failed load keeps the previous program.
 * Returns 0, -EINVAL (diags say why), -ENOMEM, -ESPIPE (CBPF_DBG_FILE_AUTO on a pipe or FIFO,
 * which cannot be looked into without reading it), or the negative errno of reading the file
 * (out->read_err set). out is set in every case.
 */
CBPF_API int cbpf_dbg_load_file(struct cbpf_dbg *dbg, const char *path,
				enum cbpf_dbg_file_kind kind, size_t max_input,
				struct cbpf_dbg_file *out, struct cbpf_diags *diags);
/*
 * bpf_dbg's load bpf: a socket filter in bpf_asm's comma form, "N,code jt jf k,...", as text
 * (errors located in it; text naming a file is refused, saying to load the file). Returns as
 * cbpf_dbg_load; a failed load keeps the previous program.
 */
CBPF_API int cbpf_dbg_load_text(struct cbpf_dbg *dbg, const char *text, struct cbpf_diags *diags);
/*
 * cbpf-dbg's load pid: seccomp filter pick (0 the newest) of process pid, or with fd >= 0 the
 * classic filter on that process's socket fd (cbpf_seccomp_dump_pid, cbpf_socket_filter_dump).
 * *n_filters (may be NULL) is set to how many seccomp filters the process has. Returns as
 * those, or -ERANGE (pick is not one of them: diags says how many there are), or as
 * cbpf_dbg_load; a failed load keeps the previous program.
 */
CBPF_API int cbpf_dbg_load_pid(struct cbpf_dbg *dbg, int pid, int fd, size_t pick,
			       size_t *n_filters, struct cbpf_diags *diags);
/*
 * What the program was loaded from, in words: "bpf code", "expression 'tcp'", "seccomp policy
 * FILE", "seccomp filter FILE", "FILE"; NULL when not known (cbpf_dbg_load alone).
 */
CBPF_API const char *cbpf_dbg_origin(const struct cbpf_dbg *dbg);

/*
 * Compiles a filter expression (see cbpf_dbg_compile) and loads it as a socket filter
 * (cbpf_dbg_load). The session keeps the expression: a capture opened later compiles it again
 * for itself, as tcpdump -r FILE EXPR would (cbpf_dbg_open_capture). Returns 0, -EINVAL (it
 * does not compile: an error "expression 'EXPR': libpcap's message" in diags; or it is refused:
 * cbpf_dbg_load's diagnostics, and a note when libpcap's protochain is why), -ENOMEM.
 */
CBPF_API int cbpf_dbg_load_expr(struct cbpf_dbg *dbg, const char *expr, struct cbpf_diags *diags);
/*
 * The link type expressions are compiled for from now on, whatever the capture's (tcpdump -y);
 * -1 (the default): the capture's, EN10MB without one.
 */
CBPF_API void cbpf_dbg_set_linktype(struct cbpf_dbg *dbg, int linktype);
/*
 * The expression the loaded program was compiled from, or NULL; *linktype (may be NULL)
 * receives the link type it was compiled for.
 */
CBPF_API const char *cbpf_dbg_expr(const struct cbpf_dbg *dbg, int *linktype);

/* ---------------------------------------------------------------- inputs */

/*
 * Opens a pcap or pcapng file and makes its first packet current. The file is read again from
 * the start when an earlier packet is wanted: what cannot be read twice (a pipe, a FIFO, a
 * device, "-" for standard input) is first read to its end into a temporary file whose name is
 * removed at once, with a note in diags saying so. Messages name the capture path ("<stdin>"
 * for "-"). Warnings about a packet (a record cut to the snapshot length) are given once per
 * capture, not again on each pass over it.
 * A capture without packets opens with no packet current (have_packet false, count 0 and
 * counted): runs over it count nothing. On failure the previous capture stays. What is said
 * about the capture names it (the diagnostic's file).
 * When the program was loaded from an expression (cbpf_dbg_load_expr), the expression is
 * compiled again for the capture; what that says names no file: a note when it gives another
 * program, which is loaded (its breakpoints deleted); a warning when it does not compile, or
 * cbpf_dbg_load's errors when it is refused, and then the program stays as it was.
 * Returns 0 (the capture is open), -ENOENT (no such file), -EINVAL (not a capture, or its
 * first packet is damaged, or it could not be copied: in diags), -ENOMEM.
 */
CBPF_API int cbpf_dbg_open_capture(struct cbpf_dbg *dbg, const char *path,
				   struct cbpf_diags *diags);

/*
 * Compiles a filter expression for the session's capture as tcpdump -r FILE EXPR does (see
 * cbpf_capture_compile); without a capture, as cbpf_pcap_compile does with opts. The program
 * is not loaded. Same returns as cbpf_pcap_compile.
 */
CBPF_API int cbpf_dbg_compile(struct cbpf_dbg *dbg, const char *expr,
			      const struct cbpf_compile_opts *opts, struct cbpf_prog **out,
			      struct cbpf_diags *diags);

/*
 * Makes packet n (from 1) current and starts its run again. Returns 0, -ENOENT (the capture has
 * fewer packets: a diagnostic says how many), -EINVAL (the file is damaged before packet n, or
 * there is no capture: in diags). On failure the current packet stays.
 */
CBPF_API int cbpf_dbg_select(struct cbpf_dbg *dbg, uint64_t n, struct cbpf_diags *diags);

/*
 * Moves to the packet after the current one, or back to the first after the last (a damaged
 * record ends the capture early: its error goes to diags, and the first packet comes next).
 * Returns 1 (the next packet), 0 (back to the first), or -EINVAL (no capture, or it cannot be
 * read again: in diags; the current packet stays).
 */
CBPF_API int cbpf_dbg_next(struct cbpf_dbg *dbg, struct cbpf_diags *diags);

/*
 * Makes a packet of link type linktype current (copied), in place of any capture; number 0.
 * Returns 0, -EINVAL (caplen over wirelen or over CBPF_DEFAULT_SNAPLEN), -ENOMEM.
 */
CBPF_API int cbpf_dbg_set_packet(struct cbpf_dbg *dbg, const uint8_t *data, uint32_t caplen,
				 uint32_t wirelen, int linktype);

/* Sets the seccomp input (copied) that seccomp programs run on; it starts their run again. */
CBPF_API void cbpf_dbg_set_seccomp(struct cbpf_dbg *dbg, const struct cbpf_seccomp_data *sd);

/* What the program runs on now. Pointers stay valid until the input changes. */
struct cbpf_dbg_input {
	bool have_packet;    /* a packet is current (socket programs need one) */
	const uint8_t *data; /* the packet */
	uint32_t caplen, wirelen;
	uint64_t number; /* its number in the capture, from 1; 0 when set directly */
	int64_t ts_sec;	 /* its timestamp */
	uint32_t ts_nsec;
	bool have_next;			    /* the capture holds a packet after this one */
	int linktype;			    /* DLT_* of the packet */
	const struct cbpf_seccomp_data *sd; /* the seccomp input (never NULL; zeroed at first) */
	const char *capture;		    /* the capture's path, or NULL */
	uint32_t snaplen;		    /* the capture's snapshot length */
	uint64_t count; /* the capture's packets, once it has been read to the end;
			 * 0 while unknown */
	bool counted;	/* count is known (0 for a capture without packets) */
};
CBPF_API void cbpf_dbg_input(const struct cbpf_dbg *dbg, struct cbpf_dbg_input *out);

/* What a command needs (cbpf_dbg_ready), or-ed. */
enum cbpf_dbg_need {
	CBPF_DBG_NEED_PROG = 1,	   /* a program */
	CBPF_DBG_NEED_INPUT = 2,   /* a program and what it runs on: a packet, or for a seccomp
				    * filter its input (always there) */
	CBPF_DBG_NEED_CAPTURE = 4, /* a capture */
	CBPF_DBG_NEED_SOCKET = 8,  /* the program, if any, is a socket filter: what runs over a
				    * capture */
	CBPF_DBG_NEED_PACKET = 16, /* a packet, program or not */
};
/*
 * Whether the session has what needs asks for; else false and one error in diags, in bpf_dbg's
 * words where it has them ("no bpf program loaded!", "no pcap file loaded!"); what names the
 * command for CBPF_DBG_NEED_SOCKET's ("coverage runs over a capture").
 */
CBPF_API bool cbpf_dbg_ready(const struct cbpf_dbg *dbg, unsigned needs, const char *what,
			     struct cbpf_diags *diags);

/* ---------------------------------------------------------------- the seccomp input in words */

/*
 * A whole word as a number: with c_syntax as C writes it (42, 0x2a, 052, and -N taken modulo
 * 2^64), else decimal or 0x hexadecimal without a sign. Returns 0, -ERANGE (a well-formed number,
 * signed or not, over 64 bits) or -EINVAL.
 */
CBPF_API int cbpf_dbg_number(const char *s, bool c_syntax, uint64_t *out);

/*
 * The architecture system call names and constants are read and named on: the host's at first
 * (x86_64 on a host cbpf has no tables for), then the last cbpf_dbg_set_arch named.
 */
CBPF_API enum cbpf_arch cbpf_dbg_arch(const struct cbpf_dbg *dbg);
/*
 * Sets the seccomp input from words: "NAME|NR [ARG...]", the system call by name on the session's
 * architecture or by number (any 32-bit one), up to six arguments (the others 0), each a number
 * in C's syntax or named constants and numbers joined by '|' (AF_INET6, O_RDONLY|O_CLOEXEC), as
 * minijail's policies write them. An unknown constant is located in text (line 1), with the
 * closest known names. Returns 0, -EINVAL (diags say why; the input is unchanged), -ENOMEM.
 */
CBPF_API int cbpf_dbg_set_syscall(struct cbpf_dbg *dbg, const char *text, struct cbpf_diags *diags);
/*
 * Sets the seccomp input's architecture from a name (cbpf_arch_parse's) or an AUDIT_ARCH_*
 * number; names are then read on it, when it is one of cbpf's. Returns 0 or -EINVAL (diags).
 */
CBPF_API int cbpf_dbg_set_arch(struct cbpf_dbg *dbg, const char *text, struct cbpf_diags *diags);

/* The seccomp input named on the session's architecture. */
struct cbpf_dbg_names {
	const char *nr_name; /* "openat", or NULL when its architecture has no such call */
	char syscall[80];    /* "openat (257)", or "257" */
	char arch[32];	     /* "x86_64", or the AUDIT_ARCH_* number "0x40000028" */
};
CBPF_API void cbpf_dbg_names(const struct cbpf_dbg *dbg, struct cbpf_dbg_names *out);

/* ---------------------------------------------------------------- packet metadata */

/*
 * The ancillary fields (struct cbpf_meta) a socket program sees. By default each packet's come
 * from cbpf_meta_from_frame (protocol, pkttype, hatype, VLAN fields, net_off, pay_off; ifindex
 * for LINUX_SLL2) and the rest are 0. A field set by name keeps its value for every packet until
 * it is reset. Names are the struct's ("mark", "ifindex", "vlan_tci", ...), and bpf_asm's
 * ancillary names are accepted for them too ("proto", "type", "ifidx", "vlan_avail", "poff",
 * "rand", "vlan_tpid"). protocol and vlan_proto are given in host byte order (0x800).
 */
struct cbpf_dbg_field {
	const char *name;
	const char *help; /* one line */
	uint64_t max;	  /* the largest value it takes */
	bool derived;	  /* filled from the packet unless set */
};
/* The fields, in a fixed order; *count receives their number. */
CBPF_API const struct cbpf_dbg_field *cbpf_dbg_fields(size_t *count);
/* Sets field name to value for every packet; restarts the run. 0, -ENOENT, -EINVAL (range). */
CBPF_API int cbpf_dbg_meta_set(struct cbpf_dbg *dbg, const char *name, uint64_t value);
/* Forgets what was set for name (NULL: every field); restarts the run. 0, -ENOENT. */
CBPF_API int cbpf_dbg_meta_reset(struct cbpf_dbg *dbg, const char *name);
/* The value name has for the current packet, and whether it was set. 0, -ENOENT. */
CBPF_API int cbpf_dbg_meta_get(struct cbpf_dbg *dbg, const char *name, uint64_t *value,
			       bool *is_set);
/* The metadata of the current packet, as the program sees it. */
CBPF_API const struct cbpf_meta *cbpf_dbg_meta(struct cbpf_dbg *dbg);
/*
 * cbpf-dbg's set, from its words: "FIELD VALUE" (a metadata field, decimal or 0x), "FIELD auto"
 * (given back to the packet), "ip VALUE" (the seccomp input's instruction pointer, in C's
 * syntax), "jit on|off" (cbpf_dbg_set_jit), "hexdump on|off" (cbpf_dbg_set_hexdump). Returns 0,
 * -EINVAL (diags say why), -ENOMEM.
 */
CBPF_API int cbpf_dbg_set(struct cbpf_dbg *dbg, const char *text, struct cbpf_diags *diags);

/* ---------------------------------------------------------------- stepping */

/* One executed instruction: the state before it and what it did. */
struct cbpf_dbg_hist {
	struct cbpf_vm_state before;
	struct cbpf_vm_step step;
};

/* The state of the run on the current input: before the instruction at state->pc. */
CBPF_API const struct cbpf_vm_state *cbpf_dbg_state(const struct cbpf_dbg *dbg);
/* The instructions executed so far on the current input, oldest first; returns their number. */
CBPF_API size_t cbpf_dbg_history(const struct cbpf_dbg *dbg, const struct cbpf_dbg_hist **out);

/*
 * Executes one instruction on the current input and records it; rec (may be NULL) receives
 * what it did. Returns 0, -EINVAL (no program, no input, or the run has ended: restart it or
 * move to another packet).
 */
CBPF_API int cbpf_dbg_step(struct cbpf_dbg *dbg, struct cbpf_vm_step *rec);
/* Undoes the last n instructions, restoring the state before them exactly. 0, -EINVAL (fewer). */
CBPF_API int cbpf_dbg_back(struct cbpf_dbg *dbg, size_t n);
/* Starts the run on the current input again (A = X = 0, pc 0, no history). */
CBPF_API void cbpf_dbg_restart(struct cbpf_dbg *dbg);

/* ---------------------------------------------------------------- conditions */

/*
 * A condition or value over the machine and its input, for breakpoints and printing:
 *   numbers       42 0x2a
 *   registers     A X M[0]..M[15] pc (a, x, m[i] too)
 *   packet        pkt[OFF] pkt[OFF:SIZE] (SIZE 1, 2 or 4 bytes, big-endian; OFF an expression)
 *                 len (the wire length) caplen, and the metadata fields by name (mark, ...)
 *   seccomp       nr arch ip args[0]..args[5] (64 bits; arg0..arg5 too)
 *   operators     ( ) ! ~ - * / % + - << >> & ^ | == != < <= > >= && ||, with C's precedence
 * Arithmetic is unsigned 64-bit. A value that cannot be had (a packet byte not captured, a
 * seccomp field while debugging a socket filter, a division by zero) makes the whole
 * condition false.
 */
struct cbpf_dbg_expr;

/*
 * Parses text (NUL-terminated). Errors are located at line 1 and the column in text. Returns 0
 * and sets *out, -EINVAL (in diags), -ENOMEM.
 */
CBPF_API int cbpf_dbg_expr_parse(const char *text, struct cbpf_dbg_expr **out,
				 struct cbpf_diags *diags);
CBPF_API void cbpf_dbg_expr_free(struct cbpf_dbg_expr *expr);
/* The text it was parsed from. */
CBPF_API const char *cbpf_dbg_expr_text(const struct cbpf_dbg_expr *expr);
/*
 * Evaluates expr on the current state and input. Returns 0 and sets *value, -ENOENT (a value
 * that cannot be had, see above), -EINVAL (division by zero).
 */
CBPF_API int cbpf_dbg_expr_eval(struct cbpf_dbg *dbg, const struct cbpf_dbg_expr *expr,
				uint64_t *value);

/* ---------------------------------------------------------------- breakpoints and watches */

enum cbpf_dbg_point_kind {
	CBPF_DBG_BREAK, /* stop before an instruction */
	CBPF_DBG_WATCH, /* stop after an instruction that changed M[mem] */
};

struct cbpf_dbg_point {
	unsigned id; /* from 1, never reused in a session */
	enum cbpf_dbg_point_kind kind;
	long pc;		    /* BREAK: the instruction, or -1 for any */
	struct cbpf_dbg_expr *cond; /* BREAK: NULL for none */
	unsigned mem;		    /* WATCH: the word */
	uint64_t hits;		    /* how many times it stopped a run */
};

/*
 * A breakpoint at instruction pc (-1: anywhere) with condition cond (NULL: none; parsed from
 * text, errors in diags). With a pc, it stops before that instruction whenever cond holds
 * there. Without one, it stops before the first instruction at which cond holds where it did
 * not before the previous instruction (a change, not every instruction after it). Returns 0
 * and sets *id (may be NULL), -EINVAL (pc outside the program, no program, both -1 and NULL, a
 * bad condition), -ENOMEM.
 */
CBPF_API int cbpf_dbg_break(struct cbpf_dbg *dbg, long pc, const char *cond, unsigned *id,
			    struct cbpf_diags *diags);
/* A watch on M[mem]. Returns 0 and sets *id (may be NULL), -EINVAL (mem > 15), -ENOMEM. */
CBPF_API int cbpf_dbg_watch(struct cbpf_dbg *dbg, unsigned mem, unsigned *id);
/* Deletes point id. 0, -ENOENT. */
CBPF_API int cbpf_dbg_delete(struct cbpf_dbg *dbg, unsigned id);
/* Deletes every point of kind (or every point when kind is -1). */
CBPF_API void cbpf_dbg_delete_all(struct cbpf_dbg *dbg, int kind);
/* The points, in the order they were made; returns their number. */
CBPF_API size_t cbpf_dbg_points(const struct cbpf_dbg *dbg, const struct cbpf_dbg_point **out);
/*
 * An instruction of the program as commands name it, "5" or "l5". Returns 0, -EINVAL (not one),
 * -ERANGE (past the program's end).
 */
CBPF_API int cbpf_dbg_pc(const struct cbpf_dbg *dbg, const char *s, uint32_t *pc);
/*
 * cbpf-dbg's break, from its words: "[at] N [if CONDITION]" or "if CONDITION" (cbpf_dbg_break).
 * The condition's errors point into text. Returns as cbpf_dbg_break; on success *pc (-1: any)
 * and *cond (where the condition starts in text, or NULL) say what was set.
 */
CBPF_API int cbpf_dbg_break_text(struct cbpf_dbg *dbg, const char *text, unsigned *id, long *pc,
				 const char **cond, struct cbpf_diags *diags);
/* cbpf-dbg's watch, from its words: "M[i]" or "i". Returns as cbpf_dbg_watch, *mem set. */
CBPF_API int cbpf_dbg_watch_text(struct cbpf_dbg *dbg, const char *text, unsigned *id,
				 unsigned *mem, struct cbpf_diags *diags);

/* ---------------------------------------------------------------- running */

enum cbpf_dbg_why {
	CBPF_DBG_END,	    /* the program ended (cbpf_dbg_continue), or the packets ran out */
	CBPF_DBG_HIT_BREAK, /* a breakpoint: the state is before its instruction */
	CBPF_DBG_HIT_WATCH, /* a watch: the state is after the instruction that changed M[mem] */
	CBPF_DBG_LIMIT,	    /* the step limit was reached */
	CBPF_DBG_INTERRUPT, /* the interrupt flag was set */
};

struct cbpf_dbg_stop {
	enum cbpf_dbg_why why;
	unsigned id;  /* HIT_BREAK, HIT_WATCH: the point */
	unsigned mem; /* HIT_WATCH: the word, its value before and after */
	uint32_t old, now;
};

/*
 * Runs the current input on from its state, checking breakpoints before every instruction
 * (the first one too: step past a breakpoint before continuing from it) and watches after
 * each, for at most max_steps instructions (0: no limit). Returns 0 with *stop filled, -EINVAL
 * (no program or input, or the run has ended already).
 */
CBPF_API int cbpf_dbg_continue(struct cbpf_dbg *dbg, uint64_t max_steps,
			       struct cbpf_dbg_stop *stop);

/* What runs over many packets counted. */
struct cbpf_dbg_tally {
	uint64_t pass;	 /* the program returned non-zero */
	uint64_t fail;	 /* it returned 0 */
	uint64_t budget; /* of fail: runs the loop budget stopped (cbpf_vm_loop_budget), where
			  * libpcap would loop for ever */
	uint64_t budget_packet; /* the first of those: its packet number, and the instruction */
	uint32_t budget_pc;	/* (a backward jump) where it stopped */
	bool interrupted;	/* a sweep stopped early on the interrupt flag */
};

/*
 * Runs the program over the current packet (from where its run stands; a run that has ended
 * moves on to the next packet first) and the packets after it, up to max_packets packets in all
 * (0: to the end of the capture), stopping at breakpoints and watches; each packet that ends is
 * counted in *tally (not zeroed: counts go on over calls). A stop leaves the session at that
 * packet and state. When the packets ran out or max_packets were run, the session goes back to
 * the first packet, as bpf_dbg does. Without a capture (a packet set directly, or a seccomp
 * program) only the current input runs. Returns 0 with *stop filled (CBPF_DBG_END when the
 * packets ran out or max_packets were run), -EINVAL (no program or input; a damaged record,
 * after the packets before it were counted: in diags).
 */
CBPF_API int cbpf_dbg_run(struct cbpf_dbg *dbg, uint64_t max_packets, struct cbpf_dbg_stop *stop,
			  struct cbpf_dbg_tally *tally, struct cbpf_diags *diags);

/*
 * bpf_dbg's run: cbpf_dbg_run counting into the session's own tally, which goes on over stops at
 * breakpoints and watches and interrupts, and is handed to *tally (then zeroed in the session)
 * once the run is over: stop->why CBPF_DBG_END, when the packets ran out or max_packets were
 * run, or at once for a capture without packets (0 and 0). At a breakpoint the instruction
 * stopped before is executed, as bpf_dbg does, so that going on does not stop there again: the
 * state at the stop is the last one in cbpf_dbg_history. When that instruction was the
 * packet's return, the packet is pending (cbpf_dbg_pending): the next call counts it as one of
 * its max_packets. Returns as cbpf_dbg_run.
 */
CBPF_API int cbpf_dbg_run_tally(struct cbpf_dbg *dbg, uint64_t max_packets,
				struct cbpf_dbg_stop *stop, struct cbpf_dbg_tally *tally,
				struct cbpf_diags *diags);
/*
 * Whether the current packet's run ended at a breakpoint of cbpf_dbg_run_tally (its return was
 * the instruction executed there) and has not been counted yet. Anything else that moves the
 * run (a step, back, continue, a run, a new input) ends that.
 */
CBPF_API bool cbpf_dbg_pending(const struct cbpf_dbg *dbg);
/*
 * Makes ready to execute what comes next after a run that has ended, as bpf_dbg does when
 * stepping on: the next packet becomes current (after the last, the first), or without a
 * capture the input starts again. A pending packet (cbpf_dbg_pending) is finished instead,
 * uncounted, and nothing moves. Returns 1 (a run is under way), 0 (the pending packet was
 * finished), -EINVAL (the capture cannot be read on: in diags; the session stays).
 */
CBPF_API int cbpf_dbg_resume(struct cbpf_dbg *dbg, struct cbpf_diags *diags);
/*
 * bpf_dbg's step N: n instructions (0 is 1) from where the run stands, after cbpf_dbg_resume
 * when it has ended. Returns 1 when the last of them was executed (the history's last entry
 * holds it, with the state it saw: what bpf_dbg shows), 0 when the run ended before it (or a
 * pending packet was finished: nothing executed), -EINVAL (the capture cannot be read on: in
 * diags). Going back is cbpf_dbg_back.
 */
CBPF_API int cbpf_dbg_step_n(struct cbpf_dbg *dbg, size_t n, struct cbpf_diags *diags);
/*
 * cbpf-dbg's finish: the current input's run to its return (cbpf_dbg_continue), after
 * cbpf_dbg_resume when it has ended; a pending packet is only finished (CBPF_DBG_END). At a
 * breakpoint its instruction is executed, as bpf_dbg does, so that going on does not stop there
 * again: the history's last entry holds it. Returns 0, -EINVAL (no program, or the capture
 * cannot be read on: in diags).
 */
CBPF_API int cbpf_dbg_finish(struct cbpf_dbg *dbg, struct cbpf_dbg_stop *stop,
			     struct cbpf_diags *diags);

/*
 * Runs the whole current input in a scratch state (the session is not changed) and records
 * every instruction: steps (room for cbpf_dbg_trace_room entries) receives them in order and *n
 * their number; final (may be NULL) the state at the end. Returns 0, -EINVAL (no program or
 * input).
 */
/* The program's loop budget (cbpf_vm_loop_budget): 0 without loops or program. */
CBPF_API uint32_t cbpf_dbg_loop_budget(const struct cbpf_dbg *dbg);
/* The most instructions a run of the program executes (cbpf_vm_max_steps); 0 with no program. */
CBPF_API size_t cbpf_dbg_trace_room(const struct cbpf_dbg *dbg);
CBPF_API int cbpf_dbg_trace(struct cbpf_dbg *dbg, struct cbpf_dbg_hist *steps, size_t *n,
			    struct cbpf_vm_state *final);
/* cbpf_dbg_trace into a new array, *steps (the caller frees it). Returns as it, or -ENOMEM. */
CBPF_API int cbpf_dbg_trace_new(struct cbpf_dbg *dbg, struct cbpf_dbg_hist **steps, size_t *n,
				struct cbpf_vm_state *final);
/*
 * The bytes of the current packet the program reads on its way (cbpf_dbg_trace): marks (of the
 * packet's caplen bytes, zeroed by the caller) counts the reads of each byte, *nread how many
 * were read. Without a program or packet none. Returns 0 or -ENOMEM.
 */
CBPF_API int cbpf_dbg_reads(struct cbpf_dbg *dbg, uint8_t *marks, size_t *nread);

/* What a sweep over a whole capture does besides counting. */
struct cbpf_dbg_sweep_opts {
	uint64_t *hits;	   /* when not NULL, room for the program's length: each instruction's
			    * executions are added to it */
	const char *write; /* when not NULL, the accepted packets are written to this new pcap
			    * file (whole, as tcpdump -w does), which appears only when the
			    * sweep succeeded */
	uint64_t *written; /* when not NULL, receives how many packets were written */
};

/*
 * Runs the program over every packet of the capture from the first, reading the file anew (the
 * session's packet and state are not changed; breakpoints do not apply). Returns 0, -EINVAL (no
 * program or capture, a damaged record after the packets before it were counted, a file that
 * cannot be written, or opts->write naming the capture itself: in diags; nothing is written
 * then), -ENOMEM; *tally is filled either way.
 */
CBPF_API int cbpf_dbg_sweep(struct cbpf_dbg *dbg, const struct cbpf_dbg_sweep_opts *opts,
			    struct cbpf_dbg_tally *tally, struct cbpf_diags *diags);

/* ---------------------------------------------------------------- instructions in words */

/*
 * An instruction at pc as bpf_dbg disassembles it (tools/bpf/bpf_dbg.c: bpf_disasm), "l0:\tldh
 * [12]", with "l<target>" jump labels and bpf_asm's names where bpf_dbg has none (ancillary
 * loads, ldx #len), into buf (always terminated). Returns the length it needed, like snprintf.
 */
CBPF_API int cbpf_dbg_disasm(const struct cbpf_insn *insn, unsigned pc, char *buf, size_t size);
/*
 * What a return value means for the session's program: "accepted, 262144 bytes", "dropped", or
 * a seccomp action ("allow", "errno(97) EAFNOSUPPORT": an errno named on the session's
 * architecture), into buf. Returns the length it needed.
 */
CBPF_API int cbpf_dbg_result(const struct cbpf_dbg *dbg, uint32_t ret, char *buf, size_t size);

/* Markup around the answer of a conditional jump in cbpf_dbg_why's words: a caller's colours. */
struct cbpf_dbg_why_opts {
	const char *yes; /* before "yes" */
	const char *no;	 /* before "no" */
	const char *end; /* after either */
};

/*
 * What the executed instruction h (an entry of cbpf_dbg_trace or cbpf_dbg_history) did, in
 * words, given the state after it: "A = pkt[12:2] = 0x800", "M[1] = X = 0x2", "0x800 ==
 * 0x86dd? no -> l8", "returns 0x40000: accepted, 262144 bytes", and why a run ended early
 * (a load past the bytes captured, a division by zero). A seccomp filter's loads name the
 * field of struct seccomp_data ("args[1] low half"). opts may be NULL. Into buf (always
 * terminated); returns the length it needed.
 */
CBPF_API int cbpf_dbg_why(const struct cbpf_dbg *dbg, const struct cbpf_dbg_hist *h,
			  const struct cbpf_vm_state *after, const struct cbpf_dbg_why_opts *opts,
			  char *buf, size_t size);

/* ---------------------------------------------------------------- writers: cbpf-dbg's output */

/*
 * The session written to out in cbpf-dbg's formats (bpf_dbg's where it has them). color adds
 * ANSI colours: the caller decides (a terminal, NO_COLOR). Those that need a program write
 * nothing without one.
 */

/* bpf_dbg's register dump of state st (the instruction at st->pc); with_ret adds the result. */
CBPF_API void cbpf_dbg_write_regs(FILE *out, const struct cbpf_dbg *dbg,
				  const struct cbpf_vm_state *st, bool with_ret, bool color);
/* bpf_dbg's "-- packet dump --" of the current packet, or the seccomp input field by field. */
CBPF_API void cbpf_dbg_write_input(FILE *out, const struct cbpf_dbg *dbg);
/*
 * bpf_dbg's stop: "-- register dump --" (cbpf_dbg_write_regs), then a seccomp input, or the
 * packet dump when cbpf_dbg_hexdump is on.
 */
CBPF_API void cbpf_dbg_write_stop(FILE *out, const struct cbpf_dbg *dbg,
				  const struct cbpf_vm_state *st, bool with_ret, bool color);
/*
 * The stop at the last instruction executed (the history's last entry), with the state it
 * saw; with_ret adds what the run returned. Nothing when nothing was executed.
 */
CBPF_API void cbpf_dbg_write_last(FILE *out, const struct cbpf_dbg *dbg, bool with_ret, bool color);
/*
 * The line after a stop, naming it and the packet it stopped on: "(breakpoint at packet 17)"
 * (CBPF_DBG_HIT_BREAK), "(watch 1 at packet 17: M[3] 0 -> 0x2)" (CBPF_DBG_HIT_WATCH), "(step at
 * packet 17)" (CBPF_DBG_LIMIT: a step's last instruction), "(finish at packet 17)"
 * (CBPF_DBG_END: the run reached its return), "(interrupted at packet 17)"; without a packet
 * of a capture (a seccomp input, a packet set directly) only the word, "(breakpoint)".
 */
CBPF_API void cbpf_dbg_write_stopped(FILE *out, const struct cbpf_dbg *dbg,
				     const struct cbpf_dbg_stop *stop, bool color);
/*
 * The current packet in hex with the bytes the program reads (cbpf_dbg_reads) marked:
 * highlighted in colour, else a line of carets under them. Returns 0 or -ENOMEM.
 */
CBPF_API int cbpf_dbg_write_packet(FILE *out, struct cbpf_dbg *dbg, bool color);
/*
 * bpf_dbg's tag when the current input's run has ended, saying where the next step goes:
 * "(next packet)", "(going back to first packet)", or for a seccomp filter "(action: allow)".
 */
CBPF_API void cbpf_dbg_write_end(FILE *out, const struct cbpf_dbg *dbg, bool color);
/*
 * What a run (cbpf_dbg_run_tally) that ended came to: bpf_dbg's "bpf passes:3 fails:1" over
 * tally (and the fails the loop budget stopped), or a seccomp filter's action on its input.
 */
CBPF_API void cbpf_dbg_write_run(FILE *out, const struct cbpf_dbg *dbg,
				 const struct cbpf_dbg_tally *tally);
/* What the session holds: program, capture and packet, seccomp input, the run, points. */
CBPF_API void cbpf_dbg_write_info(FILE *out, const struct cbpf_dbg *dbg);
/* bpf_dbg's "breakpoints: 1 4 " list: the instructions with a breakpoint. */
CBPF_API void cbpf_dbg_write_breakpoints(FILE *out, const struct cbpf_dbg *dbg);
/* Every breakpoint and watch, a line each with its id, condition and hits. */
CBPF_API void cbpf_dbg_write_points(FILE *out, const struct cbpf_dbg *dbg);
/* The packet metadata fields, a line each: value, and whether set or from the packet. */
CBPF_API void cbpf_dbg_write_meta(FILE *out, struct cbpf_dbg *dbg);
/* The instruction at pc (cbpf_dbg_disasm) and its comment, on a line. */
CBPF_API void cbpf_dbg_write_insn(FILE *out, const struct cbpf_dbg *dbg, uint32_t pc);
/* bpf_dbg's dump: the program as C initialisers "{ 0x28,  0,  0, 0x0000000c },". */
CBPF_API void cbpf_dbg_write_dump(FILE *out, const struct cbpf_dbg *dbg);
/*
 * The outcome of the current input, run in a scratch state (cbpf_dbg_trace): "packet 1 (60
 * bytes): dropped after 4 instructions". Returns 0, -EINVAL (no program or input), -ENOMEM.
 */
CBPF_API int cbpf_dbg_write_outcome(FILE *out, struct cbpf_dbg *dbg);
/*
 * The outcome, then the path of the current input through the program, an instruction a line
 * with what it did (cbpf_dbg_why), "<- next" where a run under way stands. Returns as
 * cbpf_dbg_write_outcome.
 */
CBPF_API int cbpf_dbg_write_why(FILE *out, struct cbpf_dbg *dbg, bool color);
/*
 * Hit counts per instruction (hits, one per instruction, from cbpf_dbg_sweep over tally's
 * packets), those never reached marked and listed.
 */
CBPF_API void cbpf_dbg_write_coverage(FILE *out, const struct cbpf_dbg *dbg, const uint64_t *hits,
				      const struct cbpf_dbg_tally *t, bool color);

#endif
