// SPDX-License-Identifier: MIT
/* Dying of a signal without leaving temporary files behind: what every program sets up first. */
#include <signal.h>
#include <stddef.h>

#include "cli.h"

static const int fatal_signals[] = { SIGHUP, SIGINT, SIGPIPE, SIGTERM };

static void on_fatal_signal(int sig)
{
	cbpf_outfile_remove_temps();
	/* Then die of the signal itself, so that the exit status says so (128 + n in a shell):
	 * the default action, raised again, is delivered when the handler returns. */
	signal(sig, SIG_DFL);
	raise(sig);
}

void cli_signals_init(void)
{
	struct sigaction sa = { .sa_handler = on_fatal_signal }, old;
	size_t n = sizeof(fatal_signals) / sizeof(fatal_signals[0]);

	/* One at a time: a second signal waits until the first has removed the files. */
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < n; i++)
		sigaddset(&sa.sa_mask, fatal_signals[i]);
	for (size_t i = 0; i < n; i++) {
		/* Ignored when the program started (nohup, a shell's background job), it stays so,
		 * as POSIX asks of utilities. */
		if (!sigaction(fatal_signals[i], NULL, &old) && old.sa_handler == SIG_IGN)
			continue;
		sigaction(fatal_signals[i], &sa, NULL);
	}
}
