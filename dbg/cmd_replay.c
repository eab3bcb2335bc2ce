// SPDX-License-Identifier: MIT
/* cbpf-dbg's replay of a trace through the seccomp filter, and load pid: a process's filter. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "util/infile.h"
#include "sh.h"

#define FROM_POLICY "seccomp policy " /* cbpf_dbg_origin's words for a policy */

/* The policy the filter was compiled from, read again for its rules; NULL when it is none or
 * no longer compiles to the program loaded. */
static struct cbpf_policy *loaded_policy(struct sh *sh)
{
	const char *path = cbpf_dbg_origin(sh->dbg);
	struct cbpf_policy_opts popts = { .max_file_size = sh->max_input };
	struct cbpf_diags quiet = { 0 };
	struct cbpf_policy *pol = NULL;
	struct cbpf_prog *prog = NULL;

	if (!path || strncmp(path, FROM_POLICY, strlen(FROM_POLICY)))
		return NULL;
	path += strlen(FROM_POLICY);
	popts.file = path;
	if (cbpf_policy_parse_file(path, &popts, &pol, &quiet) ||
	    cbpf_policy_gen(pol, &popts, &prog, &quiet) ||
	    !cbpf_prog_equal(prog, cbpf_dbg_prog(sh->dbg))) {
		sh_note(sh, "%s is no longer what was loaded: its rules are not named", path);
		cbpf_policy_free(pol);
		pol = NULL;
	}
	cbpf_prog_free(prog);
	cbpf_diags_free(&quiet);
	return pol;
}

int cmd_replay(struct sh *sh, char *args, size_t off)
{
	struct cbpf_replay_opts ro = { .file = args };
	struct cbpf_diags diags = { 0 };
	struct cbpf_replay *rep = NULL;
	struct cbpf_policy *pol;
	char *src = NULL, why[64];
	size_t len = 0;
	int err;

	(void)off;
	if (!*args) {
		sh_error(sh, "replay needs a trace: an strace -f log, audit records or a "
			     "recording");
		return 1;
	}
	if (!sh_ready(sh, CBPF_DBG_NEED_PROG, "replay") || sh_no_io(sh))
		return 1;
	if (cbpf_dbg_mode(sh->dbg) != CBPF_VM_SECCOMP) {
		sh_error(sh, "replay runs a trace through a seccomp filter: load one with 'load "
			     "seccomp FILE' or 'load pid PID'");
		return 1;
	}
	err = cbpf_infile_read(args, sh->max_input, &src, &len);
	if (err) {
		sh_error(sh, "%s: %s%s", args,
			 cbpf_infile_why(err, sh->max_input, why, sizeof(why)),
			 err == -EFBIG ? CLI_MAX_INPUT_HINT : "");
		return 1;
	}
	ro.policy = pol = loaded_policy(sh);
	err = cbpf_replay_run(cbpf_dbg_prog(sh->dbg), src, len, &ro, &rep, &diags);
	sh_diags(sh, &diags, 0, src, len);
	if (err == -ENOMEM)
		sh_error(sh, "out of memory");
	if (!err)
		cbpf_replay_write(sh->out, rep);
	cbpf_replay_free(rep);
	cbpf_policy_free(pol);
	free(src);
	return err ? 1 : 0;
}

/* load pid PID [FD | filter N]: a process's seccomp filter (the newest), or its socket's. */
int sh_load_pid(struct sh *sh, char *args)
{
	char *rest = args, *w = sh_word(&rest), *x = sh_word(&rest), *n = sh_word(&rest);
	uint64_t pid, fd = 0, pick = 0;
	bool sock = x && !sh_matches(x, "filter");
	struct cbpf_diags diags = { 0 };
	size_t nd = 0;
	int err;

	if (!w || cbpf_dbg_number(w, false, &pid) || pid > 0x7fffffff || *rest || (sock && n) ||
	    (sock && (cbpf_dbg_number(x, false, &fd) || fd > 0x7fffffff)) ||
	    (x && !sock && (!n || cbpf_dbg_number(n, false, &pick)))) {
		sh_error(sh, "load pid PID [FD | filter N]: PID a process, FD one of its sockets, "
			     "N a seccomp filter (0 the newest)");
		return 1;
	}
	if (sh_no_io(sh))
		return 1;
	err = cbpf_dbg_load_pid(sh->dbg, (int)pid, sock ? (int)fd : -1, (size_t)pick, &nd, &diags);
	if (sh_diags(sh, &diags, 0, NULL, 0) || err) {
		if (err && !sh->failed) /* what the diagnostics did not say */
			sh_error(sh, "process %d: %s", (int)pid, strerror(-err));
		return 1;
	}
	if (nd > 1 && !x)
		sh_note(sh,
			"process %d has %zu seccomp filters: this is the newest; 'load pid %d "
			"filter N' loads filter N (0 the newest)",
			(int)pid, nd, (int)pid);
	return 0;
}
