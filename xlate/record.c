// SPDX-License-Identifier: MIT
/* cbpf-xlate --record, --report and --learn: print and decide; the tracing is libcbpf's. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"
#include "record.h"

#define PROG "cbpf-xlate"

/* The command's pid for the signal handler, and the signal that interrupted us. */
static volatile sig_atomic_t child_pid, interrupted;

/*
 * A signal meant for the whole job (^C at a terminal) reaches the command by itself; one sent to
 * cbpf-xlate alone (kill PID) is passed on, as a shell's child would get it. Either way the run
 * is interrupted and its recording is not written.
 */
static void on_signal(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	interrupted = sig;
	if (child_pid > 0 && si->si_code != SI_KERNEL && si->si_pid != child_pid)
		kill(child_pid, sig);
}

static void catch_signals(void)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT };
	struct sigaction sa = { .sa_sigaction = on_signal, .sa_flags = SA_SIGINFO }, old;

	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		/* Ignored at the start (nohup, a background job), it is ignored by the command
		 * too, which inherits that: it interrupts nothing. */
		if (!sigaction(sigs[i], NULL, &old) && old.sa_handler == SIG_IGN)
			continue;
		sigaction(sigs[i], &sa, NULL);
	}
}

static void started(void *ctx, int pid)
{
	(void)ctx;
	child_pid = pid;
}

/* The shell's number for a wait status: the exit code, or 128 + the signal. */
static int shell_status(int st)
{
	return WIFEXITED(st) ? WEXITSTATUS(st) : WIFSIGNALED(st) ? 128 + WTERMSIG(st) : 1;
}

/* Prints and empties d; src is the text its diagnostics point into, or NULL. */
static void flush(struct cbpf_diags *d, const char *src, size_t len)
{
	struct cbpf_diag_print_opts po = { .color = cli_color(STDERR_FILENO), .fallback = PROG };

	cbpf_diags_print(stderr, d, src, len, &po);
	cbpf_diags_free(d);
	cbpf_diags_init(d);
}

static const char *sig_name(int sig)
{
	switch (sig) {
	case SIGINT:
		return "SIGINT";
	case SIGTERM:
		return "SIGTERM";
	case SIGHUP:
		return "SIGHUP";
	case SIGQUIT:
		return "SIGQUIT";
	case SIGKILL:
		return "SIGKILL";
	default:
		return "a signal";
	}
}

/* ---------------------------------------------------------------- --record */

#define MAX_UNNAMED 16

struct recorder {
	struct cbpf_recording *rec;
	size_t n_unnamed; /* calls no table names: said once each, after the run */
	struct {
		enum cbpf_arch arch;
		uint32_t nr;
	} unnamed[MAX_UNNAMED];
};

static int add_call(void *ctx, const struct cbpf_syscall_event *ev)
{
	struct recorder *r = ctx;
	int err = cbpf_recording_add(r->rec, ev);
	size_t i;

	if (err == -ENOMEM)
		return err;
	if (err) { /* a number no table names: no policy line can allow it */
		for (i = 0; i < r->n_unnamed; i++)
			if (r->unnamed[i].arch == ev->arch && r->unnamed[i].nr == ev->nr)
				break;
		if (i == r->n_unnamed && i < MAX_UNNAMED) {
			r->unnamed[i].arch = ev->arch;
			r->unnamed[i].nr = ev->nr;
			r->n_unnamed++;
		}
	}
	return 0;
}

static void warn_unnamed(const struct record_opts *o, const struct recorder *r)
{
	for (size_t i = 0; i < r->n_unnamed; i++)
		cli_warning("%s: syscall number %u on %s has no name in cbpf's tables: the policy "
			    "cannot allow it, and the filter will refuse it",
			    o->file, r->unnamed[i].nr & ~CBPF_X32_SYSCALL_BIT,
			    r->unnamed[i].arch ? cbpf_arch_name(r->unnamed[i].arch)
					       : "an architecture cbpf has no table for");
}

/* The format of FILE: --format, else what it holds, else its name. */
static enum cbpf_record_format file_format(const struct record_opts *o, const char *src, size_t len)
{
	size_t n = strlen(o->file);

	if (o->format_set)
		return o->format;
	for (size_t i = 0; src && i < len; i++) {
		if (src[i] == ' ' || src[i] == '\t' || src[i] == '\n' || src[i] == '\r')
			continue;
		if (src[i] == '{' || src[i] == '[')
			return CBPF_RECORD_OCI;
		return CBPF_RECORD_MINIJAIL;
	}
	return n > 5 && !strcmp(o->file + n - 5, ".json") ? CBPF_RECORD_OCI : CBPF_RECORD_MINIJAIL;
}

/* FILE's rules into rec: recording into an existing file merges. 0 or an exit status. */
static int merge_file(const struct record_opts *o, struct cbpf_recording *rec, char **src,
		      size_t *len, struct cbpf_diags *d)
{
	enum cbpf_arch arches[CBPF_ARCH_COUNT];
	struct cbpf_policy_opts po = { .file = o->file, .lenient = true };
	struct cbpf_policy *pol;
	struct stat sb;
	int err;

	if (stat(o->file, &sb) && errno == ENOENT)
		return 0;
	if (cli_read(o->file, o->file, 0, src, len))
		return CLI_EXIT_INVALID;
	/* A minijail recording names its architectures; a profile has its own list. */
	po.n_arches = cbpf_recording_read_arches(*src, *len, arches);
	po.arches = arches;
	err = cbpf_policy_parse(*src, *len, &po, &pol, d);
	if (!err) {
		err = cbpf_recording_add_policy(rec, pol);
		cbpf_policy_free(pol);
	}
	if (err) {
		flush(d, *src, *len);
		return cli_error(
			"%s: %s; it is left as it was (recording into a policy adds to it)",
			o->file, err == -ENOMEM ? "out of memory" : "cannot be read as a policy");
	}
	flush(d, *src, *len); /* the warnings */
	return 0;
}

static int read_log(const char *path, enum cbpf_trace_form form, struct recorder *r,
		    struct cbpf_diags *d)
{
	char *src;
	size_t len;
	int err;

	if (cli_read(strcmp(path, "-") ? path : NULL, path, 0, &src, &len))
		return CLI_EXIT_INVALID;
	err = cbpf_trace_read(src, len, path, form, add_call, r, d);
	flush(d, src, len);
	free(src);
	if (err == -ENOMEM)
		return cli_error("out of memory");
	return err ? CLI_EXIT_INVALID : 0;
}

/* The calls of architectures the policy is not for are left out: say which. */
static void warn_left_out(const struct record_opts *o, const struct cbpf_recording *rec)
{
	unsigned mask = cbpf_recording_arch_mask(rec);

	if (!o->n_arches)
		return;
	for (size_t i = 0; i < o->n_arches; i++)
		mask &= ~(1U << o->arches[i]);
	for (int a = CBPF_ARCH_X86_64; a <= CBPF_ARCH_COUNT; a++)
		if (mask & (1U << a))
			cli_warning("%s: the %s calls are left out: --arch does not name %s",
				    o->file, cbpf_arch_name((enum cbpf_arch)a),
				    cbpf_arch_name((enum cbpf_arch)a));
}

static int write_policy(const struct record_opts *o, const struct cbpf_recording *rec,
			enum cbpf_record_format format)
{
	struct cbpf_recording_write_opts wo = { .arches = o->arches, .n_arches = o->n_arches };
	struct cli_output out;
	int err = cli_output_open(&out, o->file);

	if (err)
		return cli_error("%s: %s", o->file, strerror(-err));
	err = cbpf_recording_write(out.fp, rec, format, &wo);
	if (err) {
		err = cli_output_error(&out, err);
		cli_output_abort(&out);
		return cli_error("%s: %s", o->file, strerror(-err));
	}
	if ((err = cli_output_commit(&out)))
		return cli_error("%s: %s", o->file, strerror(-err));
	return 0;
}

int record_run(const struct record_opts *o)
{
	struct cbpf_recording_opts ro = { .args = o->args };
	struct cbpf_diags d = { 0 };
	struct recorder r = { 0 };
	size_t before, len = 0;
	char *src = NULL;
	int rc = 0, st = 0, err;
	enum cbpf_record_format format;

	if (cbpf_recording_new(&ro, &r.rec))
		return cli_error("out of memory");
	rc = merge_file(o, r.rec, &src, &len, &d);
	format = file_format(o, src, len);
	free(src);
	before = cbpf_recording_count(r.rec);
	if (!rc && o->from_strace)
		rc = read_log(o->from_strace, CBPF_TRACE_STRACE, &r, &d);
	if (!rc && o->from_audit)
		rc = read_log(o->from_audit, CBPF_TRACE_AUDIT, &r, &d);
	if (!rc && o->argv) {
		struct cbpf_trace_opts to = { .on_syscall = add_call,
					      .ctx = &r,
					      .started = started };

		catch_signals();
		err = cbpf_trace_run(o->argv, &to, &st, &d);
		flush(&d, NULL, 0);
		if (err == -ENOENT || err == -EACCES)
			rc = err == -ENOENT ? 127 : 126;
		else if (err)
			rc = cli_error("the command could not be recorded: %s", strerror(-err));
		else if (interrupted ||
			 (WIFSIGNALED(st) && (WTERMSIG(st) == SIGKILL || WTERMSIG(st) == SIGINT ||
					      WTERMSIG(st) == SIGTERM || WTERMSIG(st) == SIGHUP)))
			rc = -1;
		cli_signals_init();
		if (rc == -1) {
			int sig = interrupted ? interrupted : WTERMSIG(st);

			cli_error("the recording was interrupted by %s: %s is left as it was",
				  sig_name(sig), o->file);
			rc = WIFSIGNALED(st) || WIFEXITED(st) ? shell_status(st) : 128 + sig;
			if (!rc)
				rc = 128 + sig;
			cbpf_recording_free(r.rec);
			return rc;
		}
	}
	if (!rc) {
		warn_unnamed(o, &r);
		warn_left_out(o, r.rec);
		rc = write_policy(o, r.rec, format);
		if (!rc && o->verbose)
			fprintf(stderr, PROG ": %s: %zu syscalls (%zu new)\n", o->file,
				cbpf_recording_count(r.rec), cbpf_recording_count(r.rec) - before);
		if (!rc && o->argv)
			rc = shell_status(st);
	}
	cbpf_recording_free(r.rec);
	cbpf_diags_free(&d);
	return rc;
}

/* ---------------------------------------------------------------- --report, --learn */

struct reporter {
	const struct record_opts *o;
	const struct cbpf_prog *filter;
	const struct cbpf_policy *policy;
	struct cbpf_vm *vm;
	struct cbpf_recording *learned;
	unsigned flags;
	unsigned long denied;
};

static int install(void *ctx)
{
	struct reporter *r = ctx;
	int err = cbpf_seccomp_install(r->filter, r->flags, NULL, NULL);

	return err ? -err : 0;
}

static int check_call(void *ctx, const struct cbpf_syscall_event *ev)
{
	struct reporter *r = ctx;
	struct cbpf_seccomp_data sd = { .nr = (int32_t)ev->nr,
					.arch = cbpf_arch_audit(ev->arch),
					.instruction_pointer = ev->ip };
	struct cbpf_input in = cbpf_input_seccomp(&sd);
	const struct cbpf_policy_rule *rule = NULL;
	uint32_t ret, act, decided;
	char call[512], action[48], where[300];
	const char *ename;

	memcpy(sd.args, ev->args, sizeof(sd.args));
	ret = cbpf_vm_run(r->vm, &in);
	act = ret & CBPF_SECCOMP_RET_ACTION_FULL;
	if (act == CBPF_SECCOMP_RET_ALLOW || act == CBPF_SECCOMP_RET_LOG)
		return 0;
	r->denied++;
	cbpf_syscall_args_format(ev, call, sizeof(call));
	cbpf_seccomp_action_format(ret, action, sizeof(action));
	ename = act == CBPF_SECCOMP_RET_ERRNO ? cbpf_errno_name((int)(ret & CBPF_SECCOMP_RET_DATA))
					      : NULL;
	where[0] = '\0';
	if (r->policy && !cbpf_policy_decide(r->policy, ev, &decided, &rule) && decided == ret) {
		if (rule)
			snprintf(where, sizeof(where), ", by the rule at %s:%u", rule->file,
				 rule->line);
		else
			snprintf(where, sizeof(where), ", by the default action");
	} else if (r->policy) {
		snprintf(where, sizeof(where), ", by the filter");
	}
	fprintf(stderr, PROG ": pid %d: %s on %s: %s%s%s%s%s\n", ev->pid, call,
		cbpf_arch_name(ev->arch), action, ename ? " (" : "", ename ? ename : "",
		ename ? ")" : "", where);
	if (r->learned)
		return cbpf_recording_add(r->learned, ev) == -ENOMEM ? -ENOMEM : 0;
	return 0;
}

int report_run(const struct record_opts *o, const struct cbpf_prog *filter, unsigned flags,
	       const struct cbpf_policy *policy, bool policy_json)
{
	struct reporter r = { .o = o, .filter = filter, .policy = policy, .flags = flags };
	struct cbpf_recording_opts ro = { .args = o->args };
	struct cbpf_trace_opts to = { .on_syscall = check_call,
				      .ctx = &r,
				      .started = started,
				      .child_setup = o->learn ? NULL : install };
	struct cbpf_diags d = { 0 };
	int st = 0, err, rc;

	if (cbpf_vm_new(filter, CBPF_VM_SECCOMP, &r.vm, NULL) ||
	    (o->learn && cbpf_recording_new(&ro, &r.learned)))
		return cli_error("out of memory");
	catch_signals();
	err = cbpf_trace_run(o->argv, &to, &st, &d);
	cli_signals_init();
	flush(&d, NULL, 0);
	cbpf_diags_free(&d);
	if (err == -ENOENT || err == -EACCES)
		rc = err == -ENOENT ? 127 : 126;
	else if (err)
		rc = cli_error("the command could not be traced: %s", strerror(-err));
	else
		rc = shell_status(st);
	if (!err && r.learned) {
		enum cbpf_record_format f = o->format_set ? o->format
					    : policy_json ? CBPF_RECORD_OCI
							  : CBPF_RECORD_MINIJAIL;
		struct cbpf_recording_write_opts wo = { .rules_only = true };

		if (!cbpf_recording_count(r.learned)) {
			fprintf(stderr, PROG ": --learn: the policy allowed every call\n");
		} else {
			fprintf(stderr,
				PROG ": --learn: %lu call%s let through; the policy lacks:\n",
				r.denied, r.denied == 1 ? " was" : "s were");
			cbpf_recording_write(stderr, r.learned, f, &wo);
		}
	}
	cbpf_recording_free(r.learned);
	cbpf_vm_free(r.vm);
	return rc;
}
