// SPDX-License-Identifier: MIT
/* cbpf-dbg's command table: what dispatch, help, suggestions and completion all read. */
#include <string.h>

#include "sh.h"
#include "util/suggest.h"

static int cmd_quit(struct sh *sh, char *args, size_t off)
{
	(void)args;
	(void)off;
	sh->quit = true;
	return 0;
}

static int cmd_help(struct sh *sh, char *args, size_t off);

static const struct sh_cmd cmds[] = {
	{ "load", cmd_load, SH_COMPLETE_LOAD,
	  "load bpf CODE | pcap FILE | expr EXPR | seccomp FILE | prog FILE | pid PID [FD] | FILE",
	  "Loads a program or a capture.\n"
	  "  load bpf CODE      bpf_asm's comma form: 4,40 0 0 12,21 0 1 2048,6 0 0 -1,6 0 0 0\n"
	  "  load pcap FILE     a pcap or pcapng capture; its first packet is selected, and\n"
	  "                     a program loaded from an expression is compiled again for it\n"
	  "                     (a pipe, a FIFO or - is read whole into a temporary file)\n"
	  "  load expr EXPR     a tcpdump filter expression, compiled for the capture's link\n"
	  "                     type (EN10MB without one)\n"
	  "  load seccomp FILE  a seccomp filter, in any form\n"
	  "  load prog FILE     a socket filter in any form cbpf-asm reads (or a seccomp\n"
	  "                     policy, which loads as a seccomp filter)\n"
	  "  load pid PID [FD]  the seccomp filter of a running process (the newest; 'load\n"
	  "                     pid PID filter N' picks filter N), or with FD the socket\n"
	  "                     filter of its descriptor FD\n"
	  "  load FILE          a capture or a program, as the file says\n"
	  "A program is validated as the kernel would; a failed load keeps the previous one.\n"
	  "Loading a program deletes the breakpoints.",
	  "load a program or a capture", "load bpf|pcap|expr|seccomp|prog|pid" },
	{ "select", cmd_select, SH_COMPLETE_NONE, "select N",
	  "Makes packet N (from 1) of the capture current, and starts its run.",
	  "make packet N of the capture current", NULL },
	{ "step", cmd_step, SH_COMPLETE_NONE, "step [N | +N | -N]",
	  "Executes the next instruction, showing it and the registers it sees first; with N,\n"
	  "executes N and shows the last. step -N is back N. When the program ends the next\n"
	  "packet follows. N is 8192 at most. 'packet' shows the packet; 'set hexdump on'\n"
	  "dumps it at every stop, as bpf_dbg does.",
	  "execute instructions, showing the last and its registers", NULL },
	{ "run", cmd_run, SH_COMPLETE_NONE, "run [N]",
	  "Runs the program over the current packet and the rest of the capture (N packets at\n"
	  "most), stopping at breakpoints and watches; run again to go on. At the end it says\n"
	  "'bpf passes:P fails:F' and goes back to the first packet. For a seccomp filter it\n"
	  "runs the input and names the action.",
	  "run the capture, to its end or a breakpoint", NULL },
	{ "breakpoint", cmd_breakpoint, SH_COMPLETE_NONE, "breakpoint [N | reset]",
	  "bpf_dbg's breakpoints: set one at instruction N, list them, or delete them all.",
	  "set, list or reset breakpoints at instructions", NULL },
	{ "disassemble", cmd_disassemble, SH_COMPLETE_NONE, "disassemble [N]",
	  "The program (or instruction N) as bpf_dbg disassembles it.",
	  "the program, as bpf_dbg disassembles it", NULL },
	{ "dump", cmd_dump, SH_COMPLETE_NONE, "dump",
	  "The program as a C array of { op, jt, jf, k }.", "the program as a C array", NULL },
	{ "quit", cmd_quit, SH_COMPLETE_NONE, "quit", "Leaves the debugger (so does end of input).",
	  "leave the debugger", NULL },
	{ "back", cmd_back, SH_COMPLETE_NONE, "back [N]",
	  "Undoes the last N instructions (1), restoring the recorded state exactly; shows the\n"
	  "instruction executed before, as step does. It goes back into a packet whose run\n"
	  "has ended, until the next step, run or finish moves on.",
	  "undo instructions, restoring the states exactly", NULL },
	{ "finish", cmd_finish, SH_COMPLETE_NONE, "finish",
	  "Runs the current packet to its return, stopping at breakpoints and watches.",
	  "run the current packet to its return", NULL },
	{ "break", cmd_break, SH_COMPLETE_NONE, "break [[at] N] [if CONDITION]",
	  "Sets a breakpoint at instruction N, when CONDITION holds there, or (without N)\n"
	  "where CONDITION starts to hold; lists breakpoints and watches without arguments.\n"
	  "Conditions: A, X, M[i], pc, pkt[OFF:SIZE] (SIZE 1, 2 or 4), len, caplen, metadata\n"
	  "fields (mark, ifindex, ...), nr, arch, ip, args[i]; numbers; ( ) ! ~ - * / % + -\n"
	  "<< >> & ^ | == != < <= > >= && ||. Bitwise operators bind tighter than\n"
	  "comparisons: break if pkt[20:2] & 0x1fff == 0. Examples:\n"
	  "  break if A == 0x800\n  break at 5 if M[1] > 3\n  break if pkt[12:2] == 0x86dd",
	  "breakpoints at instructions, on conditions, or both", NULL },
	{ "watch", cmd_watch, SH_COMPLETE_NONE, "watch [M[i]]",
	  "Stops a run after any instruction that changes M[i]; lists watches without one.",
	  "stop when M[i] changes", NULL },
	{ "delete", cmd_delete, SH_COMPLETE_NONE, "delete [ID...]",
	  "Deletes breakpoints and watches by number, or all of them.",
	  "delete breakpoints and watches", NULL },
	{ "why", cmd_why, SH_COMPLETE_NONE, "why",
	  "The path the current input takes through the program: each instruction, the value\n"
	  "it loads or computes, each branch's comparison and decision, and the result.",
	  "the path of the current input, each decision explained", NULL },
	{ "coverage", cmd_coverage, SH_COMPLETE_NONE, "coverage",
	  "Runs every packet of the capture and counts how often each instruction runs;\n"
	  "instructions no packet reaches are marked.",
	  "how often each instruction runs over the capture", NULL },
	{ "replay", cmd_replay, SH_COMPLETE_FILES, "replay TRACE",
	  "Runs each call of TRACE (an strace -f log, audit records type=1326, or a recording\n"
	  "of cbpf-xlate --record) through the seccomp filter: the calls it would deny by\n"
	  "syscall, with their count, action and (for a policy) the deciding rule; then the\n"
	  "rules and instructions no call reached. Arguments the trace does not give are 0.",
	  "run a trace's calls through the seccomp filter", NULL },
	{ "packet", cmd_packet, SH_COMPLETE_NONE, "packet",
	  "The current packet in hex, the bytes the program reads marked.",
	  "the packet in hex, the bytes read marked", NULL },
	{ "regs", cmd_regs, SH_COMPLETE_NONE, "regs",
	  "The registers now, before the next instruction (after the last, once it ended).",
	  "the registers before the next instruction", NULL },
	{ "print", cmd_print, SH_COMPLETE_NONE, "print EXPR",
	  "The value of an expression (see 'help break').", "the value of an expression", NULL },
	{ "set", cmd_set, SH_COMPLETE_FIELDS,
	  "set [FIELD VALUE | FIELD auto | ip VALUE | jit on|off | hexdump on|off]",
	  "The packet metadata the program's ancillary loads see (mark, ifindex, ...): lists\n"
	  "them, sets one for every packet, or gives it back to the packet. 'set ip' sets the\n"
	  "seccomp input's instruction pointer. 'set jit off' interprets the runs over a\n"
	  "capture that run native code by default (run, filter): the same results, slower.\n"
	  "'set hexdump on' dumps the packet at every stop after the registers, as bpf_dbg\n"
	  "does (off: 'packet' shows it).",
	  "the packet metadata: mark, ifindex, ...", "set [FIELD VALUE|auto]" },
	{ "syscall", cmd_syscall, SH_COMPLETE_SYSCALL, "syscall [NAME | NR] [ARG...]",
	  "Sets (or shows) the seccomp input: the system call, by name on the input's\n"
	  "architecture or by number (any 32-bit one), and up to six arguments (the others\n"
	  "are 0); numbers in C's syntax (42, 0x2a, 052, -1), or the architecture's named\n"
	  "constants joined by | (syscall socket AF_INET6 SOCK_STREAM|SOCK_CLOEXEC 0). With a\n"
	  "seccomp filter loaded, names the action it reaches; 'step' and 'why' follow the way.",
	  "the seccomp input: system call and arguments", NULL },
	{ "arch", cmd_arch, SH_COMPLETE_ARCH, "arch [NAME | AUDIT_ARCH]",
	  "Sets (or shows) the seccomp input's architecture: a name below (or an alias of one)\n"
	  "or an AUDIT_ARCH_* number. The host's at first. System call names and constants are\n"
	  "read on it.",
	  "the seccomp input's architecture", NULL },
	{ "filter", cmd_filter, SH_COMPLETE_FILES, "filter FILE | -",
	  "Writes the packets of the capture the program accepts to a new pcap file; it\n"
	  "appears only once complete. 'filter -' writes them to standard output (not a\n"
	  "terminal), the count to standard error.",
	  "write the accepted packets to a new capture", NULL },
	{ "info", cmd_info, SH_COMPLETE_NONE, "info", "What is loaded, where the run stands.",
	  "what is loaded, where the run stands", NULL },
	{ "help", cmd_help, SH_COMPLETE_COMMANDS, "help [COMMAND]",
	  "Lists the commands, or tells about one.", "the commands, or more on one", NULL },
};
#define NCMDS (sizeof(cmds) / sizeof(cmds[0]))

/* Other names for commands; those listed are offered with the commands' names too. */
static const struct {
	const char *alias, *name;
	bool listed;
} aliases[] = {
	{ "s", "step", false },	   { "r", "run", false },
	{ "c", "run", false },	   { "continue", "run", true },
	{ "b", "break", false },   { "q", "quit", false },
	{ "exit", "quit", false }, { "p", "print", false },
	{ "?", "help", false },	   { "disas", "disassemble", false },
	{ "x", "packet", false },
};
#define NALIASES (sizeof(aliases) / sizeof(aliases[0]))

const char *sh_cmd_name(size_t i)
{
	if (i < NCMDS)
		return cmds[i].name;
	for (size_t a = 0; a < NALIASES; a++)
		if (aliases[a].listed && i-- == NCMDS)
			return aliases[a].alias;
	return NULL;
}

const char *const sh_load_kinds[] = {
	"bpf", "pcap", "expr", "seccomp", "prog", "pid", "file", NULL
};

const struct sh_cmd *sh_find_cmd(const char *name)
{
	for (size_t i = 0; i < NALIASES; i++)
		if (!strcmp(aliases[i].alias, name))
			name = aliases[i].name;
	for (size_t i = 0; i < NCMDS; i++)
		if (!strcmp(cmds[i].name, name))
			return &cmds[i];
	return NULL;
}

static int cmd_help(struct sh *sh, char *args, size_t off)
{
	const struct sh_cmd *c;

	(void)off;
	if (*args) {
		c = sh_find_cmd(args);
		if (!c) {
			sh_error(sh, "no command " DIAG_QF, QUOTE(args));
			return 1;
		}
		fprintf(sh->out, "%s\n%s\n", c->usage, c->help);
		if (c->complete == SH_COMPLETE_ARCH) {
			char names[160];

			cbpf_arch_names(names, sizeof(names), ", ", true);
			fprintf(sh->out, "Names: %s.\n", names);
		}
		return 0;
	}
	fprintf(sh->out, "bpf_dbg's commands:\n");
	for (size_t i = 0; i < NCMDS; i++) {
		if (i == 8)
			fprintf(sh->out, "and more:\n");
		fprintf(sh->out, "  %-36s %s\n",
			cmds[i].short_usage ? cmds[i].short_usage : cmds[i].usage, cmds[i].summary);
	}
	fprintf(sh->out, "'help COMMAND' tells more. Short names: s step, r c continue run, "
			 "b break, p print, x packet, q exit quit.\n");
	return 0;
}

void sh_unknown(struct sh *sh, const char *name)
{
	const char *best = NULL;
	size_t bd = 99, len = strlen(name);
	char size[32] = "";

	for (size_t i = 0; sh_cmd_name(i); i++) {
		const char *c = sh_cmd_name(i);
		size_t d = suggest_distance(name, len, c, strlen(c), 2);

		if (d < bd) {
			bd = d;
			best = sh_cmd_name(i);
		}
	}
	/* A long word is cut in the message; how long it was says it was not mistyped. */
	if (len > DIAG_QUOTE_MAX)
		snprintf(size, sizeof(size), " (%zu bytes)", len);
	if (best && bd <= 2 && bd < len)
		sh_error(sh, "unknown command " DIAG_QF "%s; did you mean '%s'?", QUOTE(name), size,
			 best);
	else
		sh_error(sh, "unknown command " DIAG_QF "%s; 'help' lists the commands",
			 QUOTE(name), size);
}
