// SPDX-License-Identifier: MIT
/* The programs' output file: a regular file is replaced only once everything was written. */
#include <errno.h>

#include "cli.h"

int cli_output_open(struct cli_output *o, const char *path)
{
	int err = cbpf_outfile_open(&o->file, path ? path : "-");

	o->fp = o->file.fp;
	return err;
}

int cli_output_commit(struct cli_output *o)
{
	o->fp = NULL;
	return cbpf_outfile_commit(&o->file);
}

int cli_output_error(const struct cli_output *o, int err)
{
	int first = cbpf_outfile_error(&o->file);

	return err == -EIO && first ? first : err;
}

void cli_output_abort(struct cli_output *o)
{
	o->fp = NULL;
	cbpf_outfile_abort(&o->file);
}
