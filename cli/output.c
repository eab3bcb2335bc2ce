// SPDX-License-Identifier: MIT
/* The programs' output file: a regular file is replaced only once everything was written. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

int cli_output_open(struct cli_output *o, const char *path)
{
	int err;

	o->fp = stdout;
	o->file.fd = -1;
	o->file.tmp = o->file.target = NULL;
	if (!path || !strcmp(path, "-"))
		return 0;
	err = cbpf_outfile_open(&o->file, path);
	if (err)
		return err;
	o->fp = fdopen(o->file.fd, "w");
	if (!o->fp) {
		err = -errno;
		close(o->file.fd);
		cbpf_outfile_abort(&o->file);
		return err;
	}
	return 0;
}

int cli_output_commit(struct cli_output *o)
{
	int err = 0;

	if (fflush(o->fp) || ferror(o->fp))
		err = -(errno ? errno : EIO);
	if (o->fp == stdout)
		return err;
	if (fclose(o->fp) && !err)
		err = -errno;
	o->fp = NULL;
	if (err) {
		cbpf_outfile_abort(&o->file);
		return err;
	}
	return cbpf_outfile_commit(&o->file);
}

void cli_output_abort(struct cli_output *o)
{
	if (!o->fp || o->fp == stdout)
		return;
	fclose(o->fp);
	o->fp = NULL;
	cbpf_outfile_abort(&o->file);
}
