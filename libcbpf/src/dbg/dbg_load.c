// SPDX-License-Identifier: MIT
/* What load opens: a capture or a program, read by libcbpf's one loader; where it came from. */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cbpf/capture.h"
#include "cbpf/explain.h"
#include "cbpf/source.h"
#include "dbg/dbg_int.h"
#include "util/diag_int.h"
#include "util/infile.h"

void dbg_set_origin(struct cbpf_dbg *dbg, const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	s = diag_vformat(fmt, ap);
	va_end(ap);
	free(dbg->origin);
	dbg->origin = s;
}

const char *cbpf_dbg_origin(const struct cbpf_dbg *dbg)
{
	return dbg->origin;
}

int cbpf_dbg_load_text(struct cbpf_dbg *dbg, const char *text, struct cbpf_diags *diags)
{
	struct cbpf_read_opts ropts = { NULL, CBPF_FORM_COMMA, 0, false };
	struct cbpf_prog *prog = NULL;
	int err;

	/* bpf_dbg's load bpf takes no file; a file name given to it is not a program to parse. */
	if (!strchr(text, ',') && !access(text, F_OK)) {
		cbpf_diags_add(diags, CBPF_SEV_ERROR, NULL, 1, 1, (unsigned)strlen(text), -1,
			       "'%s' is a file: 'load %s' reads a program from a file, 'load bpf' "
			       "takes one inline (N,code jt jf k,...)",
			       text, text);
		return -EINVAL;
	}
	err = cbpf_prog_read(text, strlen(text), &ropts, &prog, diags);
	if (!err)
		err = cbpf_dbg_load(dbg, prog, CBPF_VM_SOCKET, diags);
	if (!err)
		dbg_set_origin(dbg, "bpf code");
	cbpf_prog_free(prog);
	return err;
}

int cbpf_dbg_load_pid(struct cbpf_dbg *dbg, int pid, int fd, size_t pick, size_t *n_filters,
		      struct cbpf_diags *diags)
{
	struct cbpf_seccomp_dump *d = NULL;
	struct cbpf_prog *prog = NULL;
	size_t nd = 0;
	int err;

	if (n_filters)
		*n_filters = 0;
	if (fd >= 0) {
		err = cbpf_socket_filter_dump(pid, fd, &prog, diags);
		if (!err)
			err = cbpf_dbg_load(dbg, prog, CBPF_VM_SOCKET, diags);
		if (!err)
			dbg_set_origin(dbg, "socket filter of process %d, descriptor %d", pid, fd);
		cbpf_prog_free(prog);
		return err;
	}
	err = cbpf_seccomp_dump_pid(pid, &d, &nd, diags);
	if (err)
		return err;
	if (n_filters)
		*n_filters = nd;
	if (pick >= nd) {
		cbpf_diags_add(diags, CBPF_SEV_ERROR, NULL, 0, 0, 0, -1,
			       "process %d has %zu seccomp filter%s: filter %zu is not one "
			       "(0 is the newest)",
			       pid, nd, nd == 1 ? "" : "s", pick);
		err = -ERANGE;
	} else {
		prog = d[pick].prog;
		d[pick].prog = NULL;
		err = cbpf_seccomp_annotate(prog, cbpf_dbg_arch(dbg)) ? -ENOMEM : 0;
		if (!err)
			err = cbpf_dbg_load(dbg, prog, CBPF_VM_SECCOMP, diags);
		if (!err)
			dbg_set_origin(dbg, "seccomp filter %zu of %zu of process %d", pick, nd,
				       pid);
	}
	cbpf_seccomp_dump_free(d, nd);
	cbpf_prog_free(prog);
	return err;
}

/*
 * A program file in any form; seccomp mode when asked or when the program says so. What the
 * file holds, a seccomp policy included, is the loader's to say (cbpf_source_read).
 */
static int load_prog_file(struct cbpf_dbg *dbg, const char *path, bool seccomp, size_t max_input,
			  struct cbpf_dbg_file *out, struct cbpf_diags *diags)
{
	struct cbpf_policy_opts popts = { .file = path, .max_file_size = max_input };
	struct cbpf_source_opts sopts = {
		.file = path,
		.kind = seccomp ? CBPF_SOURCE_SECCOMP : CBPF_SOURCE_AUTO,
		.policy = &popts,
	};
	struct cbpf_source_info info;
	struct cbpf_prog *prog = NULL;
	int err;

	err = cbpf_infile_read(path, max_input, &out->src, &out->len);
	if (err) {
		out->read_err = err;
		return err;
	}
	err = cbpf_source_read(out->src, out->len, &sopts, &prog, &info, diags);
	if (info.form == CBPF_FORM_RAW) {
		/* No lines to show in messages. */
		free(out->src);
		out->src = NULL;
		out->len = 0;
	}
	if (err)
		return err;
	out->policy = info.policy;
	out->seccomp = seccomp || info.policy || cbpf_prog_kind(prog) == CBPF_KIND_SECCOMP;
	/* Comments name the fields, syscalls and actions, as seccomp-tools does. */
	if (out->seccomp && !info.policy && cbpf_seccomp_annotate(prog, dbg->arch))
		err = -ENOMEM;
	if (!err)
		err = cbpf_dbg_load(dbg, prog, out->seccomp ? CBPF_VM_SECCOMP : CBPF_VM_SOCKET,
				    diags);
	if (!err)
		dbg_set_origin(dbg, "%s%s",
			       out->policy    ? "seccomp policy "
			       : out->seccomp ? "seccomp filter "
					      : "",
			       path);
	cbpf_prog_free(prog);
	return err;
}

int cbpf_dbg_load_file(struct cbpf_dbg *dbg, const char *path, enum cbpf_dbg_file_kind kind,
		       size_t max_input, struct cbpf_dbg_file *out, struct cbpf_diags *diags)
{
	int probe;

	*out = (struct cbpf_dbg_file){ 0 };
	if (kind != CBPF_DBG_FILE_AUTO)
		return load_prog_file(dbg, path, kind == CBPF_DBG_FILE_SECCOMP, max_input, out,
				      diags);
	/* Looking into a pipe would take the bytes away from whichever load follows. */
	probe = cbpf_capture_probe(path);
	if (probe < 0)
		return probe;
	if (probe == 1) {
		out->capture = true;
		return 0;
	}
	return load_prog_file(dbg, path, false, max_input, out, diags);
}
