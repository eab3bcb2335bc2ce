// SPDX-License-Identifier: MIT
/* cbpf-pcapgen: writes the project's test captures (pcaps/) or a large one; see --help. */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "gen.h"

#define MAX_COUNT 1000000000ull

static void usage(FILE *f)
{
	fputs("usage: " PROG " [-m] DIR\n"
	      "       " PROG " -m\n"
	      "       " PROG " --large FILE [--count N] [-m]\n"
	      "Writes the project's small test captures into DIR and DIR/bad (the same bytes on\n"
	      "every run), or one large capture with a realistic mix of traffic.\n"
	      "  -m, --manifest    print what the captures hold: for each file its link type and\n"
	      "                    packets, and how many packets each tcpdump filter selects\n"
	      "  -l, --large FILE  write the large capture to FILE (- for stdout)\n"
	      "  -n, --count N     packets in the large capture (default 1000000)\n"
	      "  -h, --help        show this help\n"
	      "Exit status: 0 written, 1 a file could not be written, 2 usage.\n",
	      f);
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "manifest", no_argument, NULL, 'm' },
		{ "large", required_argument, NULL, 'l' },
		{ "count", required_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *large = NULL;
	unsigned long long count = 1000000;
	bool manifest = false, have_count = false;
	char *end;
	int c;

	cli_signals_init();
	while ((c = getopt_long(argc, argv, "ml:n:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'm':
			manifest = true;
			break;
		case 'l':
			large = optarg;
			break;
		case 'n':
			errno = 0;
			count = strtoull(optarg, &end, 10);
			if (errno || end == optarg || *end || optarg[0] == '-' ||
			    count > MAX_COUNT) {
				fprintf(stderr,
					PROG ": --count: '%s' is not a number from 0 to %llu\n",
					optarg, MAX_COUNT);
				return 2;
			}
			have_count = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (large) {
		if (optind != argc) {
			fprintf(stderr, PROG ": --large takes no directory\n");
			return 2;
		}
		return write_large(large, count, manifest) ? 1 : 0;
	}
	if (have_count) {
		fprintf(stderr, PROG ": --count goes with --large\n");
		return 2;
	}
	if (argc - optind > 1 || (argc == optind && !manifest)) {
		usage(stderr);
		return 2;
	}
	return write_small(optind < argc ? argv[optind] : NULL, manifest) ? 1 : 0;
}
