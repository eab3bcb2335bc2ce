// SPDX-License-Identifier: MIT
/*
 * Runs an object's tc program (one that calls a `cbpf-xlate -t func` function and returns
 * nonzero for a match) on each frame of a capture with BPF_PROG_TEST_RUN, printing
 * "NUMBER 0|1" as pcap-verdicts does; frames shorter than an Ethernet header, which the kernel
 * refuses to run tc programs on, print "NUMBER -".
 *
 * Usage: func-run OBJECT CAPTURE     Exits 77 when bpf(2) is not allowed.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "libbpf-warnings.h"

#include "cbpf.h"

int main(int argc, char **argv)
{
	struct cbpf_diags diags;
	struct cbpf_capture *cap = NULL;
	struct bpf_object *obj = NULL;
	struct bpf_program *prog;
	struct cbpf_frame f;
	int err, fd, rc = 1;

	cbpf_diags_init(&diags);
	if (argc != 3) {
		fprintf(stderr, "usage: func-run OBJECT CAPTURE\n");
		return 1;
	}
	libbpf_set_print(libbpf_warnings);
	obj = bpf_object__open_file(argv[1], NULL);
	if (!obj) {
		fprintf(stderr, "%s: cannot open: %s\n", argv[1], strerror(errno));
		goto out;
	}
	prog = bpf_object__next_program(obj, NULL);
	err = prog ? bpf_object__load(obj) : -ENOENT;
	if (err) {
		fprintf(stderr, "%s: cannot load: %s\n", argv[1], strerror(-err));
		rc = err == -EPERM ? 77 : 1;
		goto out;
	}
	fd = bpf_program__fd(prog);
	if (cbpf_capture_open(argv[2], &cap, &diags)) {
		fprintf(stderr, "%s: cannot open\n", argv[2]);
		goto out;
	}
	while ((err = cbpf_capture_next(cap, &f, &diags)) == 1) {
		LIBBPF_OPTS(bpf_test_run_opts, t, .data_in = f.data, .data_size_in = f.caplen,
			    .repeat = 1);

		if (f.caplen < 14) {
			printf("%llu -\n", (unsigned long long)f.number);
			continue;
		}
		err = bpf_prog_test_run_opts(fd, &t);
		if (err) {
			fprintf(stderr, "%s: frame %llu: test run: %s\n", argv[2],
				(unsigned long long)f.number, strerror(-err));
			goto out;
		}
		printf("%llu %d\n", (unsigned long long)f.number, t.retval != 0);
	}
	rc = err ? 1 : 0;
out:
	cbpf_capture_close(cap);
	bpf_object__close(obj);
	cbpf_diags_free(&diags);
	return rc;
}
