// SPDX-License-Identifier: MIT
/*
 * A `cbpf-xlate -t func --probe` function seen firing: loads an object whose tracing programs
 * call it on each frame a device receives and hand the frame and its verdict over a ring
 * buffer (maps "cfg", the ifindex, and "frames", struct frame below), attaches the first that
 * the kernel lets attach through libbpf (a kprobe's is a perf event: bpf_program__attach_kprobe;
 * then, say, a raw tracepoint), and runs COMMAND to make traffic. The frames seen
 * go to CAPTURE (pcap, EN10MB), their verdicts to standard output as pcap-verdicts prints
 * libpcap's for that capture, "NUMBER 0|1": what the suite compares. (No <pcap/pcap.h> here:
 * it cannot live beside <linux/bpf.h>.)
 *
 * Usage: func-kprobe OBJECT IFINDEX CAPTURE COMMAND [ARG...]
 * Exits 0 when frames were seen, 77 when the kernel refuses to load or attach (saying why),
 * 1 otherwise.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "libbpf-warnings.h"

/* What the tracing programs submit for each frame: the BPF side's struct, byte for byte. */
struct frame {
	uint32_t len;	 /* the frame's bytes from its link-layer header */
	uint32_t caplen; /* of them copied into data */
	int32_t verdict; /* what the function returned */
	uint8_t data[256];
};

struct tally {
	FILE *cap;
	unsigned long frames, long_frames;
};

/* pcap's file header: magic, version 2.4, no time zone, snapshot length, DLT_EN10MB. */
static const uint32_t pcap_header[6] = { 0xa1b2c3d4, 0x00040002, 0, 0, 262144, 1 };

static int on_frame(void *ctx, void *data, size_t size)
{
	struct tally *t = ctx;
	const struct frame *f = data;
	uint32_t rec[4];

	if (size < sizeof(*f))
		return 0;
	/* A frame cut to 255 bytes would not be the one the function saw. */
	if (f->caplen < f->len) {
		t->long_frames++;
		return 0;
	}
	t->frames++;
	rec[0] = (uint32_t)t->frames; /* seconds: any increasing time will do */
	rec[1] = 0;
	rec[2] = rec[3] = f->len;
	fwrite(rec, sizeof(rec), 1, t->cap);
	fwrite(f->data, 1, f->len, t->cap);
	printf("%lu %d\n", t->frames, f->verdict != 0);
	return 0;
}

int main(int argc, char **argv)
{
	struct tally t = { 0 };
	struct bpf_object *obj = NULL;
	struct bpf_program *prog;
	struct bpf_link *link = NULL;
	struct ring_buffer *rb = NULL;
	uint32_t key = 0, ifindex;
	int err, status, rc = 1;
	pid_t pid;

	if (argc < 5) {
		fprintf(stderr, "usage: func-kprobe OBJECT IFINDEX CAPTURE COMMAND [ARG...]\n");
		return 1;
	}
	ifindex = (uint32_t)strtoul(argv[2], NULL, 10);
	t.cap = fopen(argv[3], "wb");
	if (!t.cap || fwrite(pcap_header, sizeof(pcap_header), 1, t.cap) != 1) {
		fprintf(stderr, "%s: %s\n", argv[3], strerror(errno));
		goto out;
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
		fprintf(stderr, "the kernel refuses to load %s: %s\n", argv[1], strerror(-err));
		rc = 77;
		goto out;
	}
	err = bpf_map_update_elem(bpf_object__find_map_fd_by_name(obj, "cfg"), &key, &ifindex,
				  BPF_ANY);
	rb = ring_buffer__new(bpf_object__find_map_fd_by_name(obj, "frames"), on_frame, &t, NULL);
	if (err || !rb) {
		fprintf(stderr, "%s: maps cfg and frames: %s\n", argv[1], strerror(errno));
		goto out;
	}
	/* The programs in order, the kprobe first: the first that attaches. */
	bpf_object__for_each_program(prog, obj)
	{
		link = bpf_program__attach(prog);
		if (link)
			break;
		fprintf(stderr, "the kernel refuses to attach %s: %s\n",
			bpf_program__section_name(prog), strerror(errno));
	}
	if (!link) {
		rc = 77;
		goto out;
	}
	fprintf(stderr, "attached %s\n", bpf_program__section_name(prog));
	pid = fork();
	if (pid == 0) {
		dup2(STDERR_FILENO, STDOUT_FILENO); /* standard output is for the verdicts */
		execvp(argv[4], argv + 4);
		fprintf(stderr, "%s: %s\n", argv[4], strerror(errno));
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
	    WEXITSTATUS(status)) {
		fprintf(stderr, "%s failed\n", argv[4]);
		goto out;
	}
	bpf_link__destroy(link);
	link = NULL;
	if (ring_buffer__consume(rb) < 0) {
		fprintf(stderr, "reading the ring buffer: %s\n", strerror(errno));
		goto out;
	}
	if (t.long_frames)
		fprintf(stderr, "%lu frames longer than 255 bytes left out\n", t.long_frames);
	rc = t.frames ? 0 : 1;
out:
	bpf_link__destroy(link);
	ring_buffer__free(rb);
	bpf_object__close(obj);
	if (t.cap && fclose(t.cap) && !rc) {
		fprintf(stderr, "%s: %s\n", argv[3], strerror(errno));
		rc = 1;
	}
	return rc;
}
