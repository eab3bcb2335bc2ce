// SPDX-License-Identifier: MIT
/*
 * Benchmark of the translator, as ratios measured in the same run:
 *   1. eBPF instructions per classic instruction, per target, over a set of tcpdump expressions
 *      and random classic programs;
 *   2. per packet, the translation under BPF_PROG_TEST_RUN (the kernel's own timing, repeated)
 *      beside libcbpf's classic interpreter (cbpf_vm_run) on the same packets of a capture;
 *   3. translation time per classic instruction for 1k- and 4k-instruction programs, to show it
 *      linear;
 *   4. libpcap's protochain (a loop: a bounded loop in eBPF): per expression, one line with the
 *      eBPF size and the net time per packet of each target, beside the classic interpreter's;
 *   5. socket, tc and xdp side by side over the tcpdump expressions: size ratio (1.) and mean
 *      time per packet under BPF_PROG_TEST_RUN (2.).
 *
 * Usage: xlate [-n PACKETS] [-r REPEAT] [CAPTURE.pcap]
 *   CAPTURE defaults to pcaps/mixed.pcap; for the large one: cbpf-pcapgen --large FILE.
 *   PACKETS (default 2000) are taken from the capture (14 to 3000 bytes long, what test runs
 *   take), each run REPEAT (default 1000) times; XDP programs 50 of them (see kernel_ns).
 *   Without the privilege for bpf(2), part 2 reports the interpreter alone.
 */
#include <errno.h>
#include <pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cbpf.h"
#include "randprog.h"

static const char *const loop_exprs[] = {
	"ip6 protochain 6",
	"ip6 protochain 17",
	"ip protochain 6",
	"ip6 protochain 58 and not ip6 protochain 44",
};

static const char *const exprs[] = {
	"ip",
	"tcp port 80",
	"udp port 53",
	"host 10.0.0.1",
	"net 192.168.0.0/16 and tcp",
	"ip6 and tcp",
	"icmp[icmptype] == icmp-echo",
	"tcp[tcpflags] & (tcp-syn|tcp-fin) != 0",
	"vlan 100 and ip",
	"arp or (ip and not port 22)",
	"ip[2:2] > 576",
	"portrange 1000-2000",
};

struct pkt {
	uint8_t *data;
	uint32_t len, wirelen;
};

static struct pkt *pk;
static size_t npk;

/* What section 5 puts side by side, per target (socket, tc, xdp), over the expressions. */
struct side {
	double size;		    /* eBPF instructions per classic instruction */
	double kernel, net, vs_cls; /* sums: ns per packet, net of the test run, net / classic */
	unsigned runs;		    /* expressions the kernel ran */
};
static struct side sides[3];

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void read_capture(const char *file, size_t max, int *dlt)
{
	char err[PCAP_ERRBUF_SIZE];
	pcap_t *p = pcap_open_offline(file, err);
	struct pcap_pkthdr *h;
	const u_char *data;

	if (!p) {
		fprintf(stderr, "xlate bench: %s\n", err);
		exit(1);
	}
	*dlt = pcap_datalink(p);
	pk = calloc(max, sizeof(*pk));
	while (npk < max && pcap_next_ex(p, &h, &data) == 1) {
		if (h->caplen < 14 || h->caplen > 3000)
			continue; /* what BPF_PROG_TEST_RUN takes */
		pk[npk].data = malloc(h->caplen);
		memcpy(pk[npk].data, data, h->caplen);
		pk[npk].len = h->caplen;
		pk[npk].wirelen = h->len;
		npk++;
	}
	pcap_close(p);
}

static struct cbpf_prog *compile(const char *expr, int dlt)
{
	struct cbpf_compile_opts co = { .linktype = dlt };
	struct cbpf_prog *prog;

	if (cbpf_pcap_compile(expr, &co, &prog, NULL))
		return NULL;
	return prog;
}

static void ratios(int dlt)
{
	printf("eBPF instructions per classic instruction:\n");
	printf("  %-38s %8s %8s %8s %8s\n", "", "socket", "tc", "xdp", "seccomp");
	for (int set = 0; set < 2; set++) {
		size_t classic[4] = { 0 }, ebpf[4] = { 0 },
		       nprog = set ? 1000 : sizeof(exprs) / sizeof(exprs[0]);

		for (size_t i = 0; i < nprog; i++) {
			struct randprog_opts ro = { .seed = i + 1, .seccomp = i % 4 == 3 };
			struct cbpf_prog *prog =
				set ? randprog_new(&ro, NULL) : compile(exprs[i], dlt);

			for (int t = 0; prog && t < 4; t++) {
				struct cbpf_xlate_opts o = { .target = (enum cbpf_target)t };
				struct cbpf_ebpf_prog *e;

				if ((t == CBPF_TARGET_SECCOMP) != (set && ro.seccomp) ||
				    cbpf_xlate(prog, &o, &e, NULL))
					continue;
				classic[t] += cbpf_prog_len(prog);
				ebpf[t] += cbpf_ebpf_prog_len(e);
				cbpf_ebpf_prog_free(e);
			}
			cbpf_prog_free(prog);
		}
		for (int t = 0; !set && t < 3; t++)
			sides[t].size = classic[t] ? (double)ebpf[t] / (double)classic[t] : -1;
		printf("  %-38s",
		       set ? "1000 random programs (1 in 4 seccomp)" : "12 tcpdump expressions");
		for (int t = 0; t < 4; t++)
			if (classic[t])
				printf(" %8.2f", (double)ebpf[t] / (double)classic[t]);
			else
				printf(" %8s", "-");
		printf("\n");
	}
}

/* ns per packet for the classic interpreter, best of three rounds. */
static double classic_ns(const struct cbpf_vm *vm, unsigned repeat, volatile uint32_t *sink)
{
	double best = 1e30;

	for (int round = 0; round < 3; round++) {
		double t0 = now();

		for (size_t i = 0; i < npk; i++) {
			struct cbpf_input in =
				cbpf_input_packet(pk[i].data, pk[i].len, pk[i].len, NULL);

			for (unsigned r = 0; r < repeat; r++)
				*sink += cbpf_vm_run(vm, &in);
		}
		double t = (now() - t0) * 1e9 / ((double)npk * repeat);

		best = t < best ? t : best;
	}
	return best;
}

/*
 * Mean ns per run of a loaded program over the packets, as the kernel measured it. An XDP test
 * run with repeat > 1 swaps the XDP dispatcher around the call and waits for RCU twice
 * (net/bpf/test_run.c: bpf_prog_change_xdp), milliseconds of wall time: XDP takes 50 packets
 * spread over the set. -1 when the kernel refuses.
 */
static double kernel_ns(int fd, bool xdp, unsigned repeat)
{
	size_t step = xdp && npk > 50 ? npk / 50 : 1;
	double best = 1e30;

	/* Best of three, as for the interpreter: the machine's other work only adds time, and the
	 * test run's own cost is subtracted from these (one noisy baseline made 'net' negative). */
	for (int round = 0; round < 3; round++) {
		double total = 0;
		size_t n = 0;

		for (size_t i = 0; i < npk; i += step, n++) {
			struct cbpf_test_run run = { pk[i].data, pk[i].len, 0, repeat, 0, 0 };

			if (cbpf_ebpf_test_run(fd, &run, NULL))
				return -1;
			total += run.duration;
		}
		best = total / (double)n < best ? total / (double)n : best;
	}
	return best;
}

/* The cost of the test run itself: a program that returns at once, per target. */
static double baseline_ns(enum cbpf_target t, unsigned repeat)
{
	static const struct cbpf_insn ret = { CBPF_RET | CBPF_K, 0, 0, 1 };
	struct cbpf_prog *prog = cbpf_prog_new(&ret, 1);
	struct cbpf_xlate_opts o = { .target = t };
	struct cbpf_load_opts lo = { .sched_cls = true };
	struct cbpf_ebpf_prog *e;
	double ns = -1;
	int fd;

	if (prog && !cbpf_xlate(prog, &o, &e, NULL)) {
		if (!cbpf_ebpf_load(e, &lo, &fd, NULL)) {
			ns = kernel_ns(fd, t == CBPF_TARGET_XDP, repeat);
			close(fd);
		}
		cbpf_ebpf_prog_free(e);
	}
	cbpf_prog_free(prog);
	return ns;
}

static void per_packet(int dlt, unsigned repeat)
{
	static char logbuf[4096];
	volatile uint32_t sink = 0;
	double base[3];

	for (int t = 0; t < 3; t++)
		base[t] = baseline_ns((enum cbpf_target)t, repeat);
	printf("\nper packet, over %zu packets (xdp: 50 of them), each run %u times (the kernel's "
	       "own timing and the interpreter's, best of 3):\n",
	       npk, repeat);
	if (base[0] < 0) {
		printf("  (no kernel timings: bpf(2) is not allowed here)\n");
	} else {
		printf("  the test run itself (a program returning at once): socket %.1f ns, tc "
		       "%.1f "
		       "ns, xdp %.1f ns; subtracted below as 'net'\n",
		       base[0], base[1], base[2]);
	}
	printf("  %-40s %-7s %9s %9s %11s %9s\n", "expression", "target", "kernel", "net",
	       "classic", "net/cls");
	for (size_t x = 0; x < sizeof(exprs) / sizeof(exprs[0]); x++) {
		struct cbpf_prog *prog = compile(exprs[x], dlt);
		struct cbpf_vm *vm;
		double cns;

		if (!prog || cbpf_vm_new(prog, CBPF_VM_SOCKET, &vm, NULL))
			continue;
		cns = classic_ns(vm, repeat, &sink);
		for (int t = 0; t < 3 && base[0] >= 0; t++) {
			struct cbpf_xlate_opts o = { .target = (enum cbpf_target)t };
			/* Socket programs run as SCHED_CLS: see cbpf_ebpf_test_input. */
			struct cbpf_load_opts lo = { .log_buf = logbuf,
						     .log_size = sizeof(logbuf),
						     .sched_cls = true };
			struct cbpf_ebpf_prog *e;
			double kns;
			int fd;

			if (cbpf_xlate(prog, &o, &e, NULL))
				continue;
			if (!cbpf_ebpf_load(e, &lo, &fd, NULL)) {
				kns = kernel_ns(fd, t == CBPF_TARGET_XDP, repeat);
				close(fd);
				printf("  %-40s %-7s %9.1f %9.1f %11.1f %9.2f\n", exprs[x],
				       cbpf_target_name(o.target), kns, kns - base[t], cns,
				       (kns - base[t]) / cns);
				sides[t].kernel += kns;
				sides[t].net += kns - base[t];
				sides[t].vs_cls += (kns - base[t]) / cns;
				sides[t].runs++;
			}
			cbpf_ebpf_prog_free(e);
		}
		if (base[0] < 0)
			printf("  %-40s %-7s %9s %9s %11.1f\n", exprs[x], "-", "-", "-", cns);
		cbpf_vm_free(vm);
		cbpf_prog_free(prog);
	}
}

/* Section 5: the three packet targets side by side. */
static void side_by_side(void)
{
	static const char *const rows[] = { "eBPF/classic instructions", "ns per packet (test run)",
					    "  net of the test run",
					    "  net / classic interpreter" };

	printf("\nsocket, tc and xdp side by side, over the %zu tcpdump expressions (means; per "
	       "packet under BPF_PROG_TEST_RUN):\n",
	       sizeof(exprs) / sizeof(exprs[0]));
	printf("  %-30s %8s %8s %8s\n", "", "socket", "tc", "xdp");
	for (size_t r = 0; r < sizeof(rows) / sizeof(rows[0]); r++) {
		printf("  %-30s", rows[r]);
		for (int t = 0; t < 3; t++) {
			const struct side *sd = &sides[t];

			if (r == 0 ? sd->size < 0 : !sd->runs)
				printf(" %8s", "-");
			else if (r == 0)
				printf(" %8.2f", sd->size);
			else if (r == 3)
				printf(" %8.2f", sd->vs_cls / sd->runs);
			else
				printf(" %8.1f", (r == 1 ? sd->kernel : sd->net) / sd->runs);
		}
		printf("\n");
	}
}

/* Section 4: protochain's loops, one line per expression. */
static void loops(int dlt, unsigned repeat)
{
	volatile uint32_t sink = 0;
	double base[3];

	for (int t = 0; t < 3; t++)
		base[t] = baseline_ns((enum cbpf_target)t, repeat);
	printf("\nprotochain (bounded loops): eBPF instructions and net ns per packet, per target; "
	       "the classic interpreter's ns (the JIT leaves loops to it):\n");
	for (size_t x = 0; x < sizeof(loop_exprs) / sizeof(loop_exprs[0]); x++) {
		struct cbpf_prog *prog = compile(loop_exprs[x], dlt);
		struct cbpf_vm *vm;

		if (!prog || cbpf_vm_new(prog, CBPF_VM_SOCKET, &vm, NULL)) {
			cbpf_prog_free(prog);
			continue;
		}
		printf("  %-44s %3zu classic, budget %4u:", loop_exprs[x], cbpf_prog_len(prog),
		       cbpf_vm_loop_budget(vm));
		for (int t = 0; t < 3; t++) {
			struct cbpf_xlate_opts o = { .target = (enum cbpf_target)t };
			struct cbpf_load_opts lo = { .sched_cls = true };
			struct cbpf_ebpf_prog *e;
			double kns = -1;
			bool measured = false;
			int fd;

			if (cbpf_xlate(prog, &o, &e, NULL)) {
				printf(" %s refused", cbpf_target_name(o.target));
				continue;
			}
			if (base[0] >= 0 && !cbpf_ebpf_load(e, &lo, &fd, NULL)) {
				kns = kernel_ns(fd, t == CBPF_TARGET_XDP, repeat);
				measured = kns >= 0 && base[t] >= 0;
				kns = measured ? kns - base[t] : -1;
				close(fd);
			}
			/* A loop that leaves at once can cost less than the spread of the test
			 * run's own time (XDP measures 50 packets): net below 0 is printed as ~0.
			 */
			if (measured && kns < 0)
				printf(" %s %zu insns ~0 ns;", cbpf_target_name(o.target),
				       cbpf_ebpf_prog_len(e));
			else
				printf(" %s %zu insns %.1f ns;", cbpf_target_name(o.target),
				       cbpf_ebpf_prog_len(e), kns);
			cbpf_ebpf_prog_free(e);
		}
		printf(" classic %.1f ns\n", classic_ns(vm, repeat, &sink));
		cbpf_vm_free(vm);
		cbpf_prog_free(prog);
	}
}

/*
 * The mean time of translating prog to target, per classic instruction, over enough runs to
 * translate two million instructions; -1 if refused.
 */
static double xlate_ns(const struct cbpf_prog *prog, enum cbpf_target target)
{
	struct cbpf_xlate_opts o = { .target = target };
	size_t rounds = 2000000 / cbpf_prog_len(prog) + 1;
	double t0 = now();

	for (size_t r = 0; r < rounds; r++) {
		struct cbpf_ebpf_prog *e;

		if (cbpf_xlate(prog, &o, &e, NULL))
			return -1;
		cbpf_ebpf_prog_free(e);
	}
	return (now() - t0) * 1e9 / (double)(rounds * cbpf_prog_len(prog));
}

/*
 * A program of len instructions that are all reachable and all translated: blocks of a
 * packet load, a branch over an add, a store and a load of scratch memory; then ret a.
 */
static struct cbpf_prog *ladder(size_t len)
{
	struct cbpf_insn *v = calloc(len, sizeof(*v));
	struct cbpf_prog *prog;
	size_t n = 0;

	if (!v)
		exit(1);
	for (uint32_t i = 0; n + 5 < len; i++) {
		uint32_t cell = i % 16;

		v[n++] = (struct cbpf_insn){ CBPF_LD | CBPF_H | CBPF_ABS, 0, 0, 2 * (i % 32) };
		v[n++] = (struct cbpf_insn){ CBPF_JMP | CBPF_JGT | CBPF_K, 0, 1, i };
		v[n++] = (struct cbpf_insn){ CBPF_ALU | CBPF_ADD | CBPF_K, 0, 0, 1 };
		v[n++] = (struct cbpf_insn){ CBPF_ST, 0, 0, cell };
		v[n++] = (struct cbpf_insn){ CBPF_LDX | CBPF_W | CBPF_MEM, 0, 0, cell };
	}
	v[n++] = (struct cbpf_insn){ CBPF_RET | CBPF_A, 0, 0, 0 };
	prog = cbpf_prog_new(v, n);
	free(v);
	if (!prog)
		exit(1);
	return prog;
}

/*
 * Linear in size means a flat time per instruction: one program shape at three sizes, each
 * translated two million instructions' worth of times.
 */
static void linear(void)
{
	double first[3] = { 0 };

	printf("\ntranslation time per classic instruction (every instruction reachable, mean over "
	       "2M instructions):\n");
	for (size_t len = 256; len <= 4096; len *= 4) {
		struct cbpf_prog *prog = ladder(len);

		printf("  %4zu instructions:", len);
		for (int t = 0; t < 3; t++) {
			double ns = xlate_ns(prog, (enum cbpf_target)t);

			if (ns < 0) {
				printf("  %s refused", cbpf_target_name((enum cbpf_target)t));
				continue;
			}
			if (len == 256)
				first[t] = ns;
			printf("  %s %5.1f ns", cbpf_target_name((enum cbpf_target)t), ns);
			if (len > 256)
				printf(" (x%.2f)", ns / first[t]);
		}
		printf("\n");
		cbpf_prog_free(prog);
	}
	printf("  (xN: the time per instruction against 256 instructions; 1 is linear)\n");
}

int main(int argc, char **argv)
{
	const char *capture = "pcaps/mixed.pcap";
	unsigned long npackets = 2000, repeat = 1000;
	int opt, dlt;

	while ((opt = getopt(argc, argv, "n:r:")) != -1) {
		switch (opt) {
		case 'n':
			npackets = strtoul(optarg, NULL, 0);
			break;
		case 'r':
			repeat = strtoul(optarg, NULL, 0);
			break;
		default:
			fprintf(stderr, "usage: xlate [-n PACKETS] [-r REPEAT] [CAPTURE.pcap]\n");
			return 2;
		}
	}
	if (optind < argc)
		capture = argv[optind];
	linear();
	read_capture(capture, npackets, &dlt);
	printf("capture %s: %zu packets\n\n", capture, npk);
	ratios(dlt);
	per_packet(dlt, repeat ? (unsigned)repeat : 1);
	loops(dlt, repeat ? (unsigned)repeat : 1);
	side_by_side();
	return 0;
}
