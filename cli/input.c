// SPDX-License-Identifier: MIT
/* The programs' input files: read whole by libcbpf's one reader, up to --max-input-size. */
#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

#include "cli.h"
#include "util/infile.h"

int cli_read(const char *path, const char *name, size_t max, char **buf, size_t *len)
{
	char why[64];
	int err = cbpf_infile_read(path, max, buf, len);

	if (!err)
		return 0;
	return cli_error("%s: %s%s", name, cbpf_infile_why(err, max, why, sizeof(why)),
			 err == -EFBIG ? CLI_MAX_INPUT_HINT : "");
}

int cli_size_parse(const char *s, size_t *out)
{
	unsigned long long v;
	unsigned shift = 0;
	char *end;

	if (!isdigit((unsigned char)*s))
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 10);
	switch (*end) {
	case 'k':
	case 'K':
		shift = 10;
		break;
	case 'm':
	case 'M':
		shift = 20;
		break;
	case 'g':
	case 'G':
		shift = 30;
		break;
	}
	if (shift)
		end++;
	/* Far above any input cbpf reads, and far from overflowing a buffer size. */
	if (errno || *end || !v || v > (SIZE_MAX >> 2 >> shift))
		return -EINVAL;
	*out = (size_t)v << shift;
	return 0;
}
