// SPDX-License-Identifier: MIT
/* cbpf-dbg at a terminal: readline's prompt, history, Ctrl-C, and completion from the table. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <readline/history.h>
#include <readline/readline.h>

#include "sh.h"

#define HISTORY_FILE ".cbpf_dbg_history"
#define HISTORY_MAX  1000

static volatile sig_atomic_t interrupt;

static void on_sigint(int sig)
{
	(void)sig;
	interrupt = 1;
}

/* Ctrl-C at the prompt: the line is dropped and a new prompt given, as in a shell. */
static int on_signal_event(void)
{
	if (interrupt) {
		interrupt = 0;
		rl_replace_line("", 0);
		rl_crlf();
		rl_on_new_line();
		rl_redisplay();
	}
	return 0;
}

/* ---------------------------------------------------------------- completion */

static enum sh_complete words; /* what the generator offers before file names */
static bool with_files;
static size_t word_at;
static bool files_started;

/* What set takes beside the metadata fields. */
static const char *const set_words[] = { "ip", "jit", "hexdump" };

/* The i-th word a kind of argument completes to; NULL past the last. */
static const char *word(enum sh_complete kind, size_t i)
{
	size_t nf;
	const struct cbpf_dbg_field *f = cbpf_dbg_fields(&nf);

	switch (kind) {
	case SH_COMPLETE_LOAD:
		return sh_load_kinds[i];
	case SH_COMPLETE_COMMANDS:
		return sh_cmd_name(i);
	case SH_COMPLETE_ARCH:
		return cbpf_arch_name((enum cbpf_arch)(CBPF_ARCH_X86_64 + (int)i));
	case SH_COMPLETE_SYSCALL:
		return i < cbpf_syscall_count() ? cbpf_syscall_at(i) : NULL;
	case SH_COMPLETE_FIELDS:
		return i < nf						   ? f[i].name
		       : i - nf < sizeof(set_words) / sizeof(set_words[0]) ? set_words[i - nf]
									   : NULL;
	default:
		return NULL;
	}
}

static char *generate(const char *text, int state)
{
	size_t len = strlen(text);
	const char *w;
	char *r;

	if (!state) {
		word_at = 0;
		files_started = false;
	}
	while ((w = word(words, word_at))) {
		word_at++;
		if (!strncmp(w, text, len))
			return strdup(w);
	}
	if (!with_files)
		return NULL;
	rl_filename_completion_desired = 1;
	/* The file name generator keeps its own state: started (0) once the words are done. */
	r = rl_filename_completion_function(text, files_started);
	files_started = true;
	return r;
}

/* Splits the line before start into words: how many, and the first two. */
static int words_before(int start, char *first, char *second, size_t size)
{
	int n = 0;
	int i = 0;

	first[0] = second[0] = '\0';
	while (i < start) {
		int b;

		while (i < start && (rl_line_buffer[i] == ' ' || rl_line_buffer[i] == '\t'))
			i++;
		if (i >= start)
			break;
		b = i;
		while (i < start && rl_line_buffer[i] != ' ' && rl_line_buffer[i] != '\t')
			i++;
		if (n < 2) {
			char *dst = n ? second : first;
			size_t l = (size_t)(i - b) < size - 1 ? (size_t)(i - b) : size - 1;

			memcpy(dst, rl_line_buffer + b, l);
			dst[l] = '\0';
		}
		n++;
	}
	return n;
}

/* What the command line before start completes to, as the command's table entry says. */
static char **complete(const char *text, int start, int end)
{
	char first[32], second[32];
	int n = words_before(start, first, second, sizeof(first));
	const struct sh_cmd *c = n ? sh_find_cmd(first) : NULL;
	enum sh_complete kind = c ? c->complete : SH_COMPLETE_NONE;

	(void)end;
	rl_attempted_completion_over = 1;
	words = SH_COMPLETE_NONE;
	with_files = false;
	if (n == 0) {
		words = SH_COMPLETE_COMMANDS;
	} else if (kind == SH_COMPLETE_LOAD) {
		words = n == 1 ? SH_COMPLETE_LOAD : SH_COMPLETE_NONE;
		with_files = n == 1 || (strcmp(second, "bpf") && strcmp(second, "expr"));
	} else if (kind == SH_COMPLETE_FILES) {
		with_files = true;
	} else if (kind == SH_COMPLETE_COMMANDS || n == 1) {
		words = kind;
	}
	if (words == SH_COMPLETE_NONE && !with_files)
		return NULL;
	return rl_completion_matches(text, generate);
}

void sh_terminal(struct sh *sh)
{
	struct sigaction sa;
	char path[4096] = "";
	const char *home = getenv("HOME");
	char *line;

	sh->where = NULL;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_sigint;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	cbpf_dbg_set_interrupt(sh->dbg, &interrupt);

	rl_readline_name = "cbpf-dbg";
	rl_attempted_completion_function = complete;
	rl_signal_event_hook = on_signal_event;
	rl_catch_signals = 0;
	using_history();
	stifle_history(HISTORY_MAX);
	if (home && *home) {
		snprintf(path, sizeof(path), "%s/" HISTORY_FILE, home);
		read_history(path);
	}
	while (!sh->quit && (line = readline("> "))) {
		interrupt = 0;
		if (line[strspn(line, " \t")])
			add_history(line);
		sh_exec(sh, line);
		free(line);
	}
	if (!sh->quit)
		fputc('\n', stdout); /* end of input: the next shell prompt on its own line */
	if (path[0])
		write_history(path);
	clear_history();
}
