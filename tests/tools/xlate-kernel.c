// SPDX-License-Identifier: MIT
/*
 * Translations against the running kernel. For every program (the expressions of a file compiled
 * for each capture's link type, and random valid classic programs) and every target (socket, tc,
 * xdp): the kernel's verifier must accept the translation, and on every frame of every capture
 * the translation under BPF_PROG_TEST_RUN, libcbpf's eBPF interpreter on the same input and the
 * classic interpreter on the input that shows what the kernel showed (cbpf_ebpf_test_input)
 * must agree.
 *
 * socket programs run twice: as SOCKET_FILTER, which starts at the network header (frames whose
 * classic run reads the link-layer header are counted apart: that header lies before the data,
 * where the classic interpreter cannot look), and, the same instructions, as SCHED_CLS, which
 * sees the whole frame as a packet socket does.
 *
 * Usage: xlate-kernel [-v] [-n RANDOM] [-s SEED] [-e EXPRFILE] [-t socket,tc,xdp] PCAP...
 * Exits 0 when all agree, 1 on a difference or a refusal, 77 when bpf(2) is not allowed.
 */
#include <errno.h>
#include <pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cbpf.h"
#include "randprog.h"

#define MAX_FRAME 3000 /* test runs of longer frames go through fragments: left out */

struct frame {
	uint8_t *data;
	uint32_t len;
};

struct capture {
	const char *file;
	int dlt;
	struct frame *f;
	size_t n;
};

static struct capture *caps;
static size_t ncaps;
static int verbose;
static char logbuf[1 << 20];

static struct {
	unsigned long invalid, programs, translations, refused, loads, runs, ll_skipped,
		rand_skipped;
	unsigned long failures;
} tally;

static void read_capture(const char *file)
{
	char err[PCAP_ERRBUF_SIZE];
	pcap_t *p = pcap_open_offline(file, err);
	struct pcap_pkthdr *h;
	const u_char *data;
	struct capture *c;

	if (!p) {
		fprintf(stderr, "xlate-kernel: %s\n", err);
		exit(1);
	}
	caps = realloc(caps, (ncaps + 1) * sizeof(*caps));
	c = &caps[ncaps++];
	memset(c, 0, sizeof(*c));
	c->file = file;
	c->dlt = pcap_datalink(p);
	while (pcap_next_ex(p, &h, &data) == 1) {
		c->f = realloc(c->f, (c->n + 1) * sizeof(*c->f));
		c->f[c->n].data = malloc(h->caplen ? h->caplen : 1);
		memcpy(c->f[c->n].data, data, h->caplen);
		c->f[c->n].len = h->caplen;
		c->n++;
	}
	pcap_close(p);
}

static void show_prog(const struct cbpf_prog *prog)
{
	cbpf_prog_write(stderr, prog, CBPF_FORM_LISTING, NULL);
}

static bool uses_rand(const struct cbpf_prog *prog)
{
	for (size_t i = 0; i < cbpf_prog_len(prog); i++) {
		const struct cbpf_insn *in = &cbpf_prog_insns(prog)[i];

		if (CBPF_CLASS(in->code) == CBPF_LD && CBPF_MODE(in->code) == CBPF_ABS &&
		    in->k == (uint32_t)(CBPF_AD_OFF + CBPF_AD_RANDOM))
			return true;
	}
	return false;
}

/* The classic result and whether the run read the link-layer header (SKF_LL_OFF). */
static uint32_t classic_run(const struct cbpf_vm *vm, const struct cbpf_input *in, bool *ll)
{
	struct cbpf_vm_state st;
	struct cbpf_vm_step rec;

	*ll = false;
	cbpf_vm_state_init(&st);
	while (st.exit == CBPF_VM_RUNNING && !cbpf_vm_step(vm, &st, in, &rec))
		if (rec.read == CBPF_VM_READ_PACKET && rec.req >= CBPF_LL_OFF &&
		    rec.req < CBPF_NET_OFF)
			*ll = true;
	return st.ret;
}

static void failure(const char *what, const struct cbpf_prog *prog, const struct cbpf_ebpf_prog *ep,
		    const char *origin)
{
	tally.failures++;
	fprintf(stderr, "FAIL %s: %s\n", origin, what);
	if (tally.failures <= 3) {
		show_prog(prog);
		if (ep) {
			struct cbpf_ebpf_write_opts wo = { .annotate = true };

			cbpf_ebpf_write(stderr, ep, CBPF_EBPF_FORM_ASM, &wo);
		}
	}
}

/* Runs every frame of c through a loaded program of type run_as and compares. */
static void run_frames(int fd, enum cbpf_target target, enum cbpf_target run_as,
		       const struct cbpf_prog *prog, const struct cbpf_ebpf_prog *ep,
		       const struct cbpf_vm *vm, const struct capture *c, const char *origin,
		       bool kernel)
{
	for (size_t i = 0; i < c->n; i++) {
		const struct frame *f = &c->f[i];
		struct cbpf_diags d = { 0 };
		struct cbpf_meta meta;
		struct cbpf_input in;
		uint32_t mark = (uint32_t)i * 0x01010101u, want, r;
		struct cbpf_test_run run = { f->data, f->len, mark, 1, 0, 0 };
		uint64_t got = 0;
		bool ll;
		char what[256];

		if (f->len > MAX_FRAME ||
		    cbpf_ebpf_test_input(run_as, f->data, f->len, mark, &in, &meta))
			continue;
		r = classic_run(vm, &in, &ll);
		want = cbpf_xlate_result(ep, r);
		/* The eBPF interpreter on the classic interpreter's input. */
		if (run_as == target) {
			if (cbpf_ebpf_run(ep, &in, &got, &d)) {
				snprintf(what, sizeof(what), "%s frame %zu: eBPF interpreter: %s",
					 c->file, i + 1, d.n ? d.v[0].msg : "?");
				failure(what, prog, ep, origin);
			} else if ((uint32_t)got != want) {
				snprintf(what, sizeof(what),
					 "%s frame %zu: classic %u, eBPF interpreter %u (%s view)",
					 c->file, i + 1, want, (uint32_t)got,
					 cbpf_target_name(run_as));
				failure(what, prog, ep, origin);
			}
		}
		cbpf_diags_free(&d);
		if (!kernel)
			continue;
		if (run_as == CBPF_TARGET_SOCKET && ll) {
			tally.ll_skipped++;
			continue;
		}
		if (cbpf_ebpf_test_run(fd, &run, &d)) {
			snprintf(what, sizeof(what), "%s frame %zu: %s", c->file, i + 1,
				 d.n ? d.v[0].msg : "test run failed");
			failure(what, prog, ep, origin);
		} else if (run.retval != want) {
			snprintf(what, sizeof(what),
				 "%s frame %zu: classic %u, kernel %u (run as %s)", c->file, i + 1,
				 want, run.retval,
				 run_as == CBPF_TARGET_TC ? "SCHED_CLS" : cbpf_target_name(run_as));
			failure(what, prog, ep, origin);
		}
		tally.runs++;
		cbpf_diags_free(&d);
	}
}

static int load(const struct cbpf_ebpf_prog *ep, bool sched_cls, const struct cbpf_prog *prog,
		const char *origin)
{
	struct cbpf_load_opts lo = { .log_buf = logbuf,
				     .log_size = sizeof(logbuf),
				     .sched_cls = sched_cls };
	struct cbpf_diags d = { 0 };
	int fd = -1, err = cbpf_ebpf_load(ep, &lo, &fd, &d);

	if (err == -EPERM) {
		printf("skipped: bpf(2) is not allowed here (run as root)\n");
		exit(77);
	}
	if (err) {
		char what[256];

		snprintf(what, sizeof(what), "the verifier refused the %s translation%s",
			 cbpf_ebpf_prog_name(ep), sched_cls ? " (as SCHED_CLS)" : "");
		failure(what, prog, ep, origin);
		/* The end of the log says why. */
		fprintf(stderr, "...\n%s\n",
			logbuf + (strlen(logbuf) > 2000 ? strlen(logbuf) - 2000 : 0));
		fd = -1;
	}
	tally.loads++;
	cbpf_diags_free(&d);
	return fd;
}

/* One program on the captures (all of them, or those of link type dlt). */
static void check_prog(const struct cbpf_prog *prog, int dlt, const char *origin,
		       const bool targets[3])
{
	struct cbpf_diags d = { 0 };
	struct cbpf_vm *vm;
	bool kernel = !uses_rand(prog);

	if (cbpf_check(prog, CBPF_CHECK_SOCKET, &d)) {
		if (verbose)
			cbpf_diags_print(stderr, &d, NULL, 0, NULL);
		tally.invalid++; /* the kernel would not take it either (protochain loops back) */
		cbpf_diags_free(&d);
		return;
	}
	tally.programs++;
	if (cbpf_vm_new(prog, CBPF_VM_SOCKET, &vm, &d)) {
		failure("the classic interpreter refused the program", prog, NULL, origin);
		cbpf_diags_free(&d);
		return;
	}
	if (!kernel)
		tally.rand_skipped++;
	for (int t = 0; t < 3; t++) {
		struct cbpf_xlate_opts o = { .target = (enum cbpf_target)t };
		struct cbpf_ebpf_prog *ep;
		int fd, fd2 = -1, err;

		if (!targets[t])
			continue;
		err = cbpf_xlate(prog, &o, &ep, &d);
		cbpf_diags_free(&d);
		if (err == -ENOTSUP) {
			tally.refused++;
			continue;
		}
		if (err) {
			failure("the translation failed", prog, NULL, origin);
			continue;
		}
		tally.translations++;
		fd = load(ep, false, prog, origin);
		if (t == CBPF_TARGET_SOCKET && fd >= 0)
			fd2 = load(ep, true, prog, origin);
		for (size_t c = 0; fd >= 0 && c < ncaps; c++) {
			if (dlt >= 0 && caps[c].dlt != dlt)
				continue;
			run_frames(fd, o.target, o.target, prog, ep, vm, &caps[c], origin, kernel);
			if (fd2 >= 0)
				run_frames(fd2, o.target, CBPF_TARGET_TC, prog, ep, vm, &caps[c],
					   origin, kernel);
		}
		if (fd >= 0)
			close(fd);
		if (fd2 >= 0)
			close(fd2);
		cbpf_ebpf_prog_free(ep);
	}
	cbpf_vm_free(vm);
}

static void check_exprs(const char *file, const bool targets[3])
{
	FILE *f = fopen(file, "r");
	char line[1024];

	if (!f) {
		fprintf(stderr, "xlate-kernel: %s: %s\n", file, strerror(errno));
		exit(1);
	}
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		if (line[0] == '#')
			continue;
		/* Each expression for each link type among the captures. */
		for (size_t c = 0; c < ncaps; c++) {
			struct cbpf_compile_opts co = { .linktype = caps[c].dlt };
			struct cbpf_diags d = { 0 };
			struct cbpf_prog *prog;
			bool seen = false;
			char origin[1200];

			for (size_t e = 0; e < c; e++)
				seen |= caps[e].dlt == caps[c].dlt;
			if (seen)
				continue;
			if (cbpf_pcap_compile(line, &co, &prog, &d)) {
				cbpf_diags_free(&d);
				continue;
			}
			snprintf(origin, sizeof(origin), "'%s' (%s)", line,
				 cbpf_linktype_name(caps[c].dlt));
			if (verbose)
				fprintf(stderr, "%s\n", origin);
			check_prog(prog, caps[c].dlt, origin, targets);
			cbpf_prog_free(prog);
		}
	}
	fclose(f);
}

/*
 * Programs at the limits: 4096 instructions whose translations pass eBPF's 16-bit jump offsets
 * (gotol) and the verifier's 8192 pending branches, on every target.
 */
static void extremes(const bool targets[3])
{
	static struct cbpf_insn v[CBPF_MAXINSNS];
	struct cbpf_prog *prog;
	uint32_t n = 0;

	/* X from the packet, then one far ja over [x + k] loads whose offsets may go negative. */
	v[n++] = (struct cbpf_insn){ CBPF_LD | CBPF_B | CBPF_ABS, 0, 0, 23 };
	v[n++] = (struct cbpf_insn){ CBPF_MISC | CBPF_TAX, 0, 0, 0 };
	v[n++] = (struct cbpf_insn){ CBPF_JMP | CBPF_JEQ | CBPF_K, 0, 1, 6 };
	v[n++] = (struct cbpf_insn){ CBPF_JMP | CBPF_JA, 0, 0, CBPF_MAXINSNS - 5 };
	while (n < CBPF_MAXINSNS - 1) {
		/* As many loads as the kernel's own translation takes (it must accept it too). */
		if (n < 3400)
			v[n] = (struct cbpf_insn){ CBPF_LD | CBPF_B | CBPF_IND, 0, 0, n % 40 };
		else
			v[n] = (struct cbpf_insn){ CBPF_ALU | CBPF_ADD | CBPF_X, 0, 0, 0 };
		n++;
	}
	v[n++] = (struct cbpf_insn){ CBPF_RET | CBPF_A, 0, 0, 0 };
	prog = cbpf_prog_new(v, n);
	check_prog(prog, -1, "3400 loads of [x + k] under a far ja", targets);
	cbpf_prog_free(prog);
	/* A ladder of compares, each branch to the end, with checked loads between. */
	n = 0;
	while (n < CBPF_MAXINSNS - 2) {
		v[n] = (struct cbpf_insn){ CBPF_LD | CBPF_H | CBPF_ABS, 0, 0, (n * 2) % 60 };
		v[n + 1] = (struct cbpf_insn){ CBPF_JMP | CBPF_JEQ | CBPF_K, 0, 0, n };
		if (n + 1 + 1 + 255 < CBPF_MAXINSNS - 1)
			v[n + 1].jt = 255;
		n += 2;
	}
	v[n++] = (struct cbpf_insn){ CBPF_RET | CBPF_K, 0, 0, 1 };
	v[n++] = (struct cbpf_insn){ CBPF_RET | CBPF_A, 0, 0, 0 };
	prog = cbpf_prog_new(v, n);
	check_prog(prog, -1, "4096 instructions of loads and compares", targets);
	cbpf_prog_free(prog);
}

/*
 * Loads below SKF_LL_OFF always fail and end the program with 0: what follows them is never run,
 * and every target must translate the program even when that is something it cannot express.
 */
static void doomed_loads(const bool targets[3])
{
	static const struct cbpf_insn progs[][3] = {
		{ { CBPF_LD | CBPF_W | CBPF_ABS, 0, 0, 0x90000000 },
		  { CBPF_LD | CBPF_W | CBPF_ABS, 0, 0, (uint32_t)CBPF_AD_OFF + CBPF_AD_NLATTR },
		  { CBPF_RET | CBPF_A, 0, 0, 0 } },
		{ { CBPF_LDX | CBPF_B | CBPF_MSH, 0, 0, (uint32_t)CBPF_LL_OFF - 1 },
		  { CBPF_LD | CBPF_W | CBPF_ABS, 0, 0, (uint32_t)CBPF_AD_OFF + CBPF_AD_HATYPE },
		  { CBPF_RET | CBPF_K, 0, 0, 1 } },
		{ { CBPF_LD | CBPF_H | CBPF_ABS, 0, 0, 0x80000000 },
		  { CBPF_LD | CBPF_W | CBPF_ABS, 0, 0, (uint32_t)CBPF_AD_OFF + CBPF_AD_PAY_OFFSET },
		  { CBPF_RET | CBPF_A, 0, 0, 0 } },
	};

	for (size_t i = 0; i < sizeof(progs) / sizeof(progs[0]); i++) {
		struct cbpf_prog *prog = cbpf_prog_new(progs[i], 3);
		char origin[64];

		snprintf(origin, sizeof(origin),
			 "a load below SKF_LL_OFF, then a refused one (%zu)", i + 1);
		for (int t = 0; t < 3; t++) {
			struct cbpf_xlate_opts o = { .target = (enum cbpf_target)t };
			struct cbpf_diags d = { 0 };
			struct cbpf_ebpf_prog *ep;

			if (!targets[t])
				continue;
			if (cbpf_xlate(prog, &o, &ep, &d))
				failure("the translation was refused", prog, NULL, origin);
			else
				cbpf_ebpf_prog_free(ep);
			cbpf_diags_free(&d);
		}
		check_prog(prog, -1, origin, targets);
		cbpf_prog_free(prog);
	}
}

static void pin_cpu0(void)
{
	unsigned long mask = 1;

	/* sched_setaffinity() wants _GNU_SOURCE; the system call does not. */
	syscall(SYS_sched_setaffinity, 0, sizeof(mask), &mask);
}

int main(int argc, char **argv)
{
	unsigned long nrandom = 0, seed = 1;
	const char *exprs = NULL;
	bool targets[3] = { true, true, true };
	int opt;

	while ((opt = getopt(argc, argv, "vn:s:e:t:")) != -1) {
		switch (opt) {
		case 'v':
			verbose++;
			break;
		case 'n':
			nrandom = strtoul(optarg, NULL, 0);
			break;
		case 's':
			seed = strtoul(optarg, NULL, 0);
			break;
		case 'e':
			exprs = optarg;
			break;
		case 't':
			for (int t = 0; t < 3; t++)
				targets[t] = strstr(optarg, cbpf_target_name((enum cbpf_target)t));
			break;
		default:
			fprintf(stderr,
				"usage: xlate-kernel [-v] [-n RANDOM] [-s SEED] [-e EXPRFILE] "
				"[-t TARGETS] PCAP...\n");
			return 2;
		}
	}
	for (int i = optind; i < argc; i++)
		read_capture(argv[i]);
	pin_cpu0();
	extremes(targets);
	doomed_loads(targets);
	if (exprs)
		check_exprs(exprs, targets);
	for (unsigned long i = 0; i < nrandom; i++) {
		struct randprog_opts ro = { .seed = seed + i, .mutation = RANDPROG_VALID };
		struct cbpf_prog *prog = randprog_new(&ro, NULL);
		char origin[64];

		if (!prog) {
			fprintf(stderr, "xlate-kernel: out of memory\n");
			return 1;
		}
		snprintf(origin, sizeof(origin), "random program, seed %lu", seed + i);
		if (verbose)
			fprintf(stderr, "%s (%zu instructions)\n", origin, cbpf_prog_len(prog));
		check_prog(prog, -1, origin, targets);
		cbpf_prog_free(prog);
	}
	printf("%lu programs (%lu invalid left out), %lu translations (%lu refused), %lu loads, "
	       "%lu test runs: %lu "
	       "differences (%lu socket runs reading the link-layer header and %lu programs "
	       "reading #rand left to the other comparisons)\n",
	       tally.programs, tally.invalid, tally.translations, tally.refused, tally.loads,
	       tally.runs, tally.failures, tally.ll_skipped, tally.rand_skipped);
	return tally.failures ? 1 : 0;
}
