// SPDX-License-Identifier: MIT
/* cbpf-dbg's views of the program whole: disassemble, dump, coverage, filter, info. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sh.h"

int cmd_disassemble(struct sh *sh, char *args, size_t off)
{
	size_t len;
	uint32_t pc;

	(void)off;
	if (!sh_ready(sh, CBPF_DBG_NEED_PROG, NULL))
		return 1;
	len = cbpf_prog_len(cbpf_dbg_prog(sh->dbg));
	if (*args) {
		if (cbpf_dbg_pc(sh->dbg, args, &pc)) {
			sh_error(sh, "no instruction " DIAG_QF ": the program has l0 to l%zu",
				 QUOTE(args), len - 1);
			return 1;
		}
		cbpf_dbg_write_insn(sh->out, sh->dbg, pc);
		return 0;
	}
	for (uint32_t i = 0; i < len; i++)
		cbpf_dbg_write_insn(sh->out, sh->dbg, i);
	return 0;
}

/* tools/bpf/bpf_dbg.c: bpf_dump_all. */
int cmd_dump(struct sh *sh, char *args, size_t off)
{
	(void)args;
	(void)off;
	if (!sh_ready(sh, CBPF_DBG_NEED_PROG, NULL))
		return 1;
	cbpf_dbg_write_dump(sh->out, sh->dbg);
	return 0;
}

int cmd_filter(struct sh *sh, char *args, size_t off)
{
	struct cbpf_dbg_sweep_opts opts = { 0 };
	struct cbpf_diags diags = { 0 };
	struct cbpf_dbg_tally t;
	uint64_t written = 0;
	bool to_stdout = !strcmp(args, "-");
	int err;

	(void)off;
	if (!*args) {
		sh_error(sh, "filter needs a file to write");
		return 1;
	}
	if (sh_no_io(sh) ||
	    !sh_ready(sh, CBPF_DBG_NEED_PROG | CBPF_DBG_NEED_SOCKET | CBPF_DBG_NEED_CAPTURE,
		      "filter"))
		return 1;
	if (to_stdout) {
		/* Standard output carries the capture alone: nothing else may go there. */
		if (!sh->where) {
			sh_error(sh, "filter - writes the capture to standard output, which this "
				     "session's prompt and results share: give a file");
			return 1;
		}
		if (isatty(fileno(sh->out))) {
			sh_error(sh, "filter - writes a binary capture to standard output, which "
				     "is a terminal: redirect it, or give a file");
			return 1;
		}
		/*
		 * What is written to standard output cannot be taken back: the capture is read
		 * through once first, so that a damaged one writes nothing there either.
		 */
		err = cbpf_dbg_sweep(sh->dbg, &opts, &t, &diags);
		sh_capture_diags(sh, &diags);
		if (err || t.interrupted)
			return 1;
	}
	opts.write = args;
	opts.written = &written;
	err = cbpf_dbg_sweep(sh->dbg, &opts, &t, &diags);
	sh_capture_diags(sh, &diags);
	if (t.interrupted) {
		sh_tag(sh, "(interrupted: nothing written)");
		return 1;
	}
	if (err)
		return 1;
	fprintf(to_stdout ? sh->err : sh->out,
		"%" PRIu64 " of %" PRIu64 " packets accepted, written to %s\n", written,
		t.pass + t.fail, to_stdout ? "standard output" : args);
	return 0;
}

int cmd_coverage(struct sh *sh, char *args, size_t off)
{
	struct cbpf_dbg_sweep_opts opts = { 0 };
	struct cbpf_diags diags = { 0 };
	struct cbpf_dbg_tally t;
	int err;

	(void)off;
	if (*args) {
		sh_error(sh, "coverage takes no arguments");
		return 1;
	}
	if (!sh_ready(sh, CBPF_DBG_NEED_PROG | CBPF_DBG_NEED_SOCKET | CBPF_DBG_NEED_CAPTURE,
		      "coverage"))
		return 1;
	opts.hits = calloc(cbpf_prog_len(cbpf_dbg_prog(sh->dbg)), sizeof(*opts.hits));
	if (!opts.hits) {
		sh_error(sh, "out of memory");
		return 1;
	}
	err = cbpf_dbg_sweep(sh->dbg, &opts, &t, &diags);
	sh_capture_diags(sh, &diags);
	if (t.interrupted)
		sh_tag(sh, "(interrupted: the counts cover the packets before)");
	cbpf_dbg_write_coverage(sh->out, sh->dbg, opts.hits, &t, sh->color);
	free(opts.hits);
	return err || t.interrupted ? 1 : 0;
}

int cmd_info(struct sh *sh, char *args, size_t off)
{
	(void)args;
	(void)off;
	cbpf_dbg_write_info(sh->out, sh->dbg);
	return 0;
}
