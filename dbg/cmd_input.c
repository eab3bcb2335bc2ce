// SPDX-License-Identifier: MIT
/* cbpf-dbg's inputs beside the capture: packet metadata (set), seccomp input (syscall, arch). */
#include <inttypes.h>
#include <string.h>

#include "sh.h"

int cmd_set(struct sh *sh, char *args, size_t off)
{
	struct cbpf_diags diags = { 0 };

	if (*args)
		return sh_said(sh, cbpf_dbg_set(sh->dbg, args, &diags), &diags, off);
	cbpf_dbg_write_meta(sh->out, sh->dbg);
	return 0;
}

/* With a seccomp filter loaded, the action the new input reaches; 'step' and 'why' follow. */
static int input_set(struct sh *sh, int err, struct cbpf_diags *diags, size_t off)
{
	if (sh_said(sh, err, diags, off))
		return 1;
	if (!sh->said_no_filter && cbpf_dbg_mode(sh->dbg) != CBPF_VM_SECCOMP) {
		/* Said once: scripts set inputs before loading the filter they test. */
		sh->said_no_filter = true;
		sh_note(sh, "%s: the seccomp input is kept for the seccomp filter 'load' brings",
			cbpf_dbg_prog(sh->dbg) ? "the program is a socket filter"
					       : "no program is loaded");
	}
	if (cbpf_dbg_prog(sh->dbg) && cbpf_dbg_mode(sh->dbg) == CBPF_VM_SECCOMP &&
	    cbpf_dbg_write_outcome(sh->out, sh->dbg))
		return 1;
	return 0;
}

int cmd_syscall(struct sh *sh, char *args, size_t off)
{
	struct cbpf_diags diags = { 0 };
	struct cbpf_dbg_names nm;
	struct cbpf_dbg_input in;

	if (*args)
		return input_set(sh, cbpf_dbg_set_syscall(sh->dbg, args, &diags), &diags, off);
	cbpf_dbg_input(sh->dbg, &in);
	cbpf_dbg_names(sh->dbg, &nm);
	fprintf(sh->out, "syscall %s, arch %s, args", nm.syscall, nm.arch);
	for (int a = 0; a < 6; a++)
		fprintf(sh->out, " %#" PRIx64, in.sd->args[a]);
	fprintf(sh->out, ", ip %#" PRIx64 "\n", in.sd->instruction_pointer);
	return 0;
}

int cmd_arch(struct sh *sh, char *args, size_t off)
{
	struct cbpf_diags diags = { 0 };
	struct cbpf_dbg_names nm;
	struct cbpf_dbg_input in;

	if (*args)
		return input_set(sh, cbpf_dbg_set_arch(sh->dbg, args, &diags), &diags, off);
	cbpf_dbg_input(sh->dbg, &in);
	cbpf_dbg_names(sh->dbg, &nm);
	fprintf(sh->out, "arch %s (%#x)\n", nm.arch, in.sd->arch);
	return 0;
}
