// SPDX-License-Identifier: MIT
/*
 * Translations against the classic interpreter, without the kernel: for random classic programs
 * (socket and seccomp, valid, and also with the validator's rules broken where the interpreter
 * still gives them a meaning) and every target, libcbpf's eBPF interpreter running the
 * translation must return what the classic interpreter returns (mapped to the match and nomatch
 * actions for tc and xdp) on every input:
 *   socket, tc  every frame of the captures with the metadata a packet socket would see
 *               (cbpf_meta_from_frame: VLAN tags taken out, pkttype, protocol, payload offset),
 *               again with no device, no link-layer header, other marks, hashes, queues, CPUs
 *               and random numbers, and cut short;
 *   xdp         every frame as XDP sees it (whole, the network header 14 bytes in);
 *   seccomp     random struct seccomp_data records, near the values the program compares with.
 * Needs no privilege.
 *
 * Usage: xlate-vm [-v] [-n PROGRAMS] [-s SEED] PCAP...
 */
#include <errno.h>
#include <pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cbpf.h"
#include "randprog.h"

struct frame {
	uint8_t *data;
	uint32_t len, wirelen;
	int dlt;
};

static struct frame *frames;
static size_t nframes;
static int verbose;
static uint64_t rng_state = 1;

static struct {
	unsigned long programs, translations, refused, runs, failures;
} tally;

static uint64_t rnd(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static void read_capture(const char *file)
{
	char err[PCAP_ERRBUF_SIZE];
	pcap_t *p = pcap_open_offline(file, err);
	struct pcap_pkthdr *h;
	const u_char *data;

	if (!p) {
		fprintf(stderr, "xlate-vm: %s\n", err);
		exit(1);
	}
	while (pcap_next_ex(p, &h, &data) == 1) {
		frames = realloc(frames, (nframes + 1) * sizeof(*frames));
		frames[nframes].data = malloc(h->caplen ? h->caplen : 1);
		memcpy(frames[nframes].data, data, h->caplen);
		frames[nframes].len = h->caplen;
		frames[nframes].wirelen = h->len;
		frames[nframes].dlt = pcap_datalink(p);
		nframes++;
	}
	pcap_close(p);
}

static void fail(const struct cbpf_prog *prog, const struct cbpf_ebpf_prog *ep, const char *what)
{
	tally.failures++;
	fprintf(stderr, "FAIL %s\n", what);
	if (tally.failures <= 3) {
		struct cbpf_ebpf_write_opts wo = { .annotate = true };

		cbpf_prog_write(stderr, prog, CBPF_FORM_LISTING, NULL);
		if (ep)
			cbpf_ebpf_write(stderr, ep, CBPF_EBPF_FORM_ASM, &wo);
	}
}

static void compare(const struct cbpf_prog *prog, const struct cbpf_ebpf_prog *ep,
		    const struct cbpf_vm *vm, const struct cbpf_input *in, const char *origin,
		    const char *input)
{
	struct cbpf_diags d = { 0 };
	uint32_t want = cbpf_xlate_result(ep, cbpf_vm_run(vm, in));
	uint64_t got;
	char what[512];

	tally.runs++;
	if (cbpf_ebpf_run(ep, in, &got, &d)) {
		snprintf(what, sizeof(what), "%s, %s, %s: the eBPF interpreter: %s", origin,
			 cbpf_target_name(cbpf_ebpf_prog_target(ep)), input,
			 d.n ? d.v[0].msg : "?");
		fail(prog, ep, what);
	} else if ((uint32_t)got != want) {
		snprintf(what, sizeof(what), "%s, %s, %s: classic gives %u, eBPF %u", origin,
			 cbpf_target_name(cbpf_ebpf_prog_target(ep)), input, want, (uint32_t)got);
		fail(prog, ep, what);
	}
	cbpf_diags_free(&d);
}

static void packets(const struct cbpf_prog *prog, const struct cbpf_ebpf_prog *ep,
		    const struct cbpf_vm *vm, const char *origin)
{
	enum cbpf_target t = cbpf_ebpf_prog_target(ep);
	char input[64];

	for (size_t i = 0; i < nframes; i++) {
		const struct frame *f = &frames[i];
		struct cbpf_meta meta;
		struct cbpf_input in;
		uint32_t cut;

		snprintf(input, sizeof(input), "frame %zu", i + 1);
		memset(&meta, 0, sizeof(meta));
		if (t == CBPF_TARGET_XDP) {
			/* XDP: the frame as it is, no sk_buff, the network header after Ethernet.
			 */
			meta.net_off = 14;
			meta.ifindex = (uint32_t)rnd() | 1;
			meta.queue = (uint16_t)rnd();
			meta.cpu = (uint32_t)rnd() % 64;
			meta.random = (uint32_t)rnd();
			in = cbpf_input_packet(f->data, f->len, f->len, &meta);
			compare(prog, ep, vm, &in, origin, input);
			/* A frame cut short, where bounds checks (hoisted ones too) fail. */
			cut = f->len ? (uint32_t)(rnd() % (f->len + 1)) : 0;
			in = cbpf_input_packet(f->data, cut, cut, &meta);
			snprintf(input, sizeof(input), "frame %zu, its first %u bytes", i + 1, cut);
			compare(prog, ep, vm, &in, origin, input);
			continue;
		}
		meta.ifindex = 2;
		cbpf_meta_from_frame(&meta, f->dlt, f->data, f->len, f->wirelen);
		in = cbpf_input_packet(f->data, f->len, f->wirelen, &meta);
		compare(prog, ep, vm, &in, origin, input);
		/* The other fields, and what other sockets see. */
		meta.mark = (uint32_t)rnd();
		meta.rxhash = (uint32_t)rnd();
		meta.queue = (uint16_t)rnd();
		meta.cpu = (uint32_t)rnd() % 64;
		meta.random = (uint32_t)rnd();
		/* Only sockets see packets without a device (tc runs on one). */
		meta.no_dev = t == CBPF_TARGET_SOCKET && rnd() % 4 == 0;
		meta.no_mac = rnd() % 4 == 0;
		in.caplen = f->len ? (uint32_t)(rnd() % (f->len + 1)) : 0;
		snprintf(input, sizeof(input), "frame %zu, varied", i + 1);
		compare(prog, ep, vm, &in, origin, input);
	}
}

/* Values near what the program compares with, else anything. */
static uint32_t pick(const struct cbpf_prog *prog)
{
	size_t n = cbpf_prog_len(prog);
	const struct cbpf_insn *in = &cbpf_prog_insns(prog)[rnd() % n];

	if (rnd() % 3 == 0 || !cbpf_insn_is_cond_jump(in))
		return (uint32_t)rnd();
	return in->k + (uint32_t)(rnd() % 3) - 1;
}

static void syscalls(const struct cbpf_prog *prog, const struct cbpf_ebpf_prog *ep,
		     const struct cbpf_vm *vm, const char *origin)
{
	for (int i = 0; i < 64; i++) {
		struct cbpf_seccomp_data sd;
		struct cbpf_input in;
		char input[64];

		sd.nr = (int32_t)pick(prog);
		sd.arch = pick(prog);
		sd.instruction_pointer = (uint64_t)pick(prog) << 32 | pick(prog);
		for (int a = 0; a < 6; a++)
			sd.args[a] = (uint64_t)pick(prog) << 32 | pick(prog);
		in = cbpf_input_seccomp(&sd);
		snprintf(input, sizeof(input), "seccomp_data %d", i);
		compare(prog, ep, vm, &in, origin, input);
	}
}

static void check(const struct cbpf_prog *prog, bool seccomp, const char *origin)
{
	struct cbpf_diags d = { 0 };
	struct cbpf_vm *vm;

	if (cbpf_vm_new(prog, seccomp ? CBPF_VM_SECCOMP : CBPF_VM_SOCKET, &vm, &d)) {
		cbpf_diags_free(&d);
		return; /* it cannot run at all: the translator refuses it too (unit tests) */
	}
	tally.programs++;
	for (int t = 0; t < 4; t++) {
		struct cbpf_xlate_opts o = { .target = (enum cbpf_target)t };
		struct cbpf_ebpf_prog *ep;
		int err;

		if ((t == CBPF_TARGET_SECCOMP) != seccomp)
			continue;
		if (t != CBPF_TARGET_SOCKET && t != CBPF_TARGET_SECCOMP && rnd() % 2) {
			/* Other actions now and then. */
			o.set_match = o.set_nomatch = true;
			o.match = (int32_t)(rnd() % 4);
			o.nomatch = (int32_t)(rnd() % 4);
		}
		err = cbpf_xlate(prog, &o, &ep, &d);
		cbpf_diags_free(&d);
		if (err == -ENOTSUP) {
			tally.refused++;
			continue;
		}
		if (err) {
			char what[256];

			snprintf(what, sizeof(what), "%s, %s: the translation failed (%s)", origin,
				 cbpf_target_name(o.target), strerror(-err));
			fail(prog, NULL, what);
			continue;
		}
		tally.translations++;
		if (seccomp)
			syscalls(prog, ep, vm, origin);
		else
			packets(prog, ep, vm, origin);
		cbpf_ebpf_prog_free(ep);
	}
	cbpf_vm_free(vm);
}

int main(int argc, char **argv)
{
	unsigned long n = 1000, seed = 1;
	int opt;

	while ((opt = getopt(argc, argv, "vn:s:")) != -1) {
		switch (opt) {
		case 'v':
			verbose++;
			break;
		case 'n':
			n = strtoul(optarg, NULL, 0);
			break;
		case 's':
			seed = strtoul(optarg, NULL, 0);
			break;
		default:
			fprintf(stderr, "usage: xlate-vm [-v] [-n PROGRAMS] [-s SEED] PCAP...\n");
			return 2;
		}
	}
	for (int i = optind; i < argc; i++)
		read_capture(argv[i]);
	rng_state = seed;
	for (unsigned long i = 0; i < n; i++) {
		/* Valid programs mostly; the rest break one rule the interpreter still runs. */
		static const enum randprog_mutation runnable[] = {
			RANDPROG_DIV_ZERO,	RANDPROG_SHIFT_RANGE,  RANDPROG_MEM_UNINIT,
			RANDPROG_BAD_ANCILLARY, RANDPROG_SECCOMP_LOAD,
		};
		struct randprog_opts ro = { .seed = seed + i, .seccomp = i % 3 == 2 };
		struct cbpf_prog *prog;
		char origin[96];

		if (i % 5 == 4)
			ro.mutation = runnable[(i / 5) % (sizeof(runnable) / sizeof(runnable[0]))];
		prog = randprog_new(&ro, NULL);
		if (!prog)
			return 1;
		snprintf(origin, sizeof(origin), "random %s program, seed %lu (%s)",
			 ro.seccomp ? "seccomp" : "socket", seed + i,
			 randprog_mutation_name(ro.mutation));
		if (verbose)
			fprintf(stderr, "%s\n", origin);
		check(prog, ro.seccomp, origin);
		cbpf_prog_free(prog);
	}
	for (size_t i = 0; i < nframes; i++)
		free(frames[i].data);
	free(frames);
	printf("%lu programs, %lu translations (%lu refused), %lu runs: %lu differences between "
	       "the classic and the eBPF interpreter\n",
	       tally.programs, tally.translations, tally.refused, tally.runs, tally.failures);
	return tally.failures ? 1 : 0;
}
