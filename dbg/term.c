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
#define HISTORY_MAX 1000

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

static const char *const *words;  /* what the generator offers before file names */
static bool with_files;
static size_t word_at;
static bool files_started;

static char *generate(const char *text, int state)
{
	size_t len = strlen(text);
	char *r;

	if (!state) {
		word_at = 0;
		files_started = false;
	}
	while (words && words[word_at]) {
		const char *w = words[word_at++];

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

/* The words a kind of argument completes to, NULL-terminated; built once. */
static const char **command_words, **arch_words, **syscall_words, **field_words;

static const char **word_list(enum sh_complete kind)
{
	const struct cbpf_dbg_field *f;
	const char ***list;
	size_t n = 0, nf;

	list = kind == SH_COMPLETE_COMMANDS ? &command_words
	       : kind == SH_COMPLETE_ARCH   ? &arch_words
	       : kind == SH_COMPLETE_SYSCALL ? &syscall_words
					     : &field_words;
	if (*list)
		return *list;
	f = cbpf_dbg_fields(&nf);
	n = kind == SH_COMPLETE_COMMANDS ? 64
	    : kind == SH_COMPLETE_ARCH	 ? CBPF_ARCH_COUNT
	    : kind == SH_COMPLETE_SYSCALL ? cbpf_syscall_count()
					  : nf + 1;
	*list = calloc(n + 1, sizeof(**list));
	for (size_t i = 0; *list && i < n; i++) {
		if (kind == SH_COMPLETE_COMMANDS)
			(*list)[i] = sh_cmd_name(i);
		else if (kind == SH_COMPLETE_ARCH)
			(*list)[i] = cbpf_arch_name((enum cbpf_arch)(CBPF_ARCH_X86_64 + (int)i));
		else if (kind == SH_COMPLETE_SYSCALL)
			(*list)[i] = cbpf_syscall_at(i);
		else
			(*list)[i] = i < nf ? f[i].name : "ip";
	}
	return *list;
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
	words = NULL;
	with_files = false;
	if (n == 0)
		words = word_list(SH_COMPLETE_COMMANDS);
	else if (kind == SH_COMPLETE_LOAD) {
		words = n == 1 ? sh_load_kinds : NULL;
		with_files = n == 1 || (strcmp(second, "bpf") && strcmp(second, "expr"));
	} else if (kind == SH_COMPLETE_FILES)
		with_files = true;
	else if (kind == SH_COMPLETE_COMMANDS || (kind != SH_COMPLETE_NONE && n == 1))
		words = word_list(kind);
	if (!words && !with_files)
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
	free(command_words);
	free(arch_words);
	free(syscall_words);
	free(field_words);
	command_words = arch_words = syscall_words = field_words = NULL;
}

