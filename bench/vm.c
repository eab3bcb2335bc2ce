// SPDX-License-Identifier: MIT
/*
 * Benchmark: cbpf_vm_run and the JIT's code (cbpf_jit_run) against libpcap's bpf_filter, the
 * same pcap_compile'd programs over the same packets in memory, in the same run. Prints one line
 * per program, then what an empty program (one ret) takes on each side, the floor of the loop
 * and the call under every figure, and the ratios of the filters' time above it; last, the
 * ratios themselves: "interpreter: N.NNx libpcap's bpf_filter" and "jit: N.NNx libpcap's
 * bpf_filter" (or why there is no JIT here).
 *
 * Usage: vm [-b BLOCK] [-e EXPRESSION] [-n PACKETS] [-r ROUNDS] [-s SNAPLEN] [CAPTURE.pcap]
 *   -e benchmarks one filter expression instead of the built-in ten.
 *   With a capture, its packets are used (the filters are compiled for its link type);
 *   otherwise PACKETS (default 1000000) Ethernet frames are synthesized: a mix of IPv4/IPv6 TCP,
 *   UDP, ICMP, ARP and VLAN-tagged frames. SNAPLEN (default 128; 0 keeps everything) caps the
 *   bytes kept per packet, as tcpdump -s does: the filters read headers only, and a compact
 *   arena measures the interpreters rather than the memory.
 *   Each program runs ROUNDS (default 5) times over all packets on each side. A round takes the
 *   packets BLOCK (default 4096, about 400 KB) at a time, as a filter meets them in tcpdump or
 *   cbpf-dbg run: just read into a buffer, in the cache. Each block is read once untimed, then
 *   run through the three sides in turn; a side's time is the sum over the blocks of its best
 *   round on each (a block takes tens of microseconds: the best of five is one no other process
 *   interrupted). A block never runs twice in a row on one side: the branch predictor would
 *   learn its packets (the JIT's time on 4096 packets falls to a third by the fourth pass),
 *   which a filter never sees twice. -b 0 takes all the packets as one block, streamed from
 *   memory (two million packets of 100 bytes fit in no cache): that measures the memory as
 *   much as the filters, on both sides alike. The results of all three are compared packet by
 *   packet first.
 */
#include <errno.h>
#include <pcap.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cbpf.h"

struct pkt {
	uint32_t off, caplen, wirelen;
};

static struct {
	uint8_t *arena;
	size_t used, cap;
	struct pkt *v;
	size_t n, vcap;
} pk;

static int dlt = DLT_EN10MB;
static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint32_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)rng;
}

static void die(const char *msg)
{
	fprintf(stderr, "vm bench: %s\n", msg);
	exit(1);
}

static void add(const uint8_t *data, uint32_t caplen, uint32_t wirelen, uint32_t snap)
{
	if (caplen > snap)
		caplen = snap;
	if (pk.used + caplen > pk.cap) {
		pk.cap = pk.cap ? 2 * pk.cap : 1 << 24;
		pk.arena = realloc(pk.arena, pk.cap);
		if (!pk.arena)
			die("out of memory");
	}
	if (pk.n == pk.vcap) {
		pk.vcap = pk.vcap ? 2 * pk.vcap : 1 << 16;
		pk.v = realloc(pk.v, pk.vcap * sizeof(*pk.v));
		if (!pk.v)
			die("out of memory");
	}
	memcpy(pk.arena + pk.used, data, caplen);
	pk.v[pk.n++] = (struct pkt){ (uint32_t)pk.used, caplen, wirelen };
	pk.used += caplen;
}

static void put16(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/* A frame as a busy link might carry it. */
static void synthesize(size_t n, uint32_t snap)
{
	static const uint8_t nets[][4] = { { 10, 0, 0, 1 },    { 10, 0, 0, 2 },
					   { 192, 168, 1, 7 }, { 192, 168, 9, 9 },
					   { 172, 16, 0, 3 },  { 8, 8, 8, 8 } };
	static const uint16_t ports[] = { 80, 443, 53, 22, 8080, 123, 5353, 40000, 51234 };
	uint8_t f[1600];

	for (size_t i = 0; i < n; i++) {
		uint32_t r = rnd() % 100, off = 14, len;
		uint8_t proto;
		bool v6 = r >= 80 && r < 92;

		memset(f, 0, 96);
		memcpy(f, "\x02\x00\x00\x00\x00\x01\x02\x00\x00\x00\x00\x02", 12);
		if (r >= 92 && r < 95) { /* ARP */
			put16(f + 12, 0x0806);
			put16(f + 14, 1);
			put16(f + 16, 0x0800);
			add(f, 42, 60, snap);
			continue;
		}
		if (r >= 95) { /* VLAN */
			put16(f + 12, 0x8100);
			put16(f + 14, 100 + rnd() % 3);
			off = 18;
		}
		put16(f + off - 2, v6 ? 0x86dd : 0x0800);
		r = rnd() % 100;
		proto = r < 70 ? 6 : r < 95 ? 17 : v6 ? 58 : 1;
		len = rnd() % 3 == 0 ? 1514 : 60 + rnd() % 600;
		if (v6) {
			f[off] = 0x60;
			put16(f + off + 4, len - off - 40);
			f[off + 6] = proto;
			f[off + 7] = 64;
			f[off + 8] = 0x20;
			f[off + 9] = 0x01;
			f[off + 23] = (uint8_t)(rnd() % 4);
			f[off + 24] = 0x20;
			f[off + 25] = 0x01;
			f[off + 39] = (uint8_t)(rnd() % 4);
			off += 40;
		} else {
			f[off] = 0x45;
			put16(f + off + 2, len - off);
			f[off + 6] = 0x40;
			f[off + 8] = (uint8_t)(1 + rnd() % 128);
			f[off + 9] = proto;
			memcpy(f + off + 12, nets[rnd() % 6], 4);
			memcpy(f + off + 16, nets[rnd() % 6], 4);
			off += 20;
		}
		put16(f + off, ports[rnd() % 9]);
		put16(f + off + 2, ports[rnd() % 9]);
		if (proto == 6) {
			f[off + 12] = 0x50;
			f[off + 13] = (uint8_t)(rnd() % 4 == 0 ? 0x02 : 0x10);
			memcpy(f + off + 20, rnd() % 8 ? "\x17\x03\x03\x00" : "GET ", 4);
		}
		add(f, len < 96 ? len : 96, len, snap);
	}
}

static void read_capture(const char *file, uint32_t snap)
{
	char err[PCAP_ERRBUF_SIZE];
	pcap_t *p = pcap_open_offline(file, err);
	struct pcap_pkthdr *h;
	const u_char *data;

	if (!p) {
		fprintf(stderr, "vm bench: %s: %s\n", file, err);
		exit(1);
	}
	dlt = pcap_datalink(p);
	while (pcap_next_ex(p, &h, &data) == 1)
		add(data, h->caplen, h->len, snap);
	pcap_close(p);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static volatile uint64_t sink;

/* Reads the packets lo to hi once, so that every side finds them in the cache. */
static void touch(size_t lo, size_t hi)
{
	uint64_t acc = 0;

	for (size_t i = lo; i < hi; i++)
		for (uint32_t b = 0; b < pk.v[i].caplen; b += 64)
			acc += pk.arena[pk.v[i].off + b];
	sink += acc;
}

static double time_pcap(const struct bpf_insn *insns, size_t lo, size_t hi)
{
	double t = now();
	uint64_t acc = 0;

	for (size_t i = lo; i < hi; i++)
		acc += bpf_filter(insns, pk.arena + pk.v[i].off, pk.v[i].wirelen, pk.v[i].caplen);
	t = now() - t;
	sink += acc;
	return t;
}

static double time_cbpf(const struct cbpf_vm *vm, size_t lo, size_t hi)
{
	double t = now();
	uint64_t acc = 0;

	for (size_t i = lo; i < hi; i++) {
		struct cbpf_input in = { pk.arena + pk.v[i].off, pk.v[i].caplen, pk.v[i].wirelen,
					 NULL };

		acc += cbpf_vm_run(vm, &in);
	}
	t = now() - t;
	sink += acc;
	return t;
}

static double time_jit(const struct cbpf_jit *jit, size_t lo, size_t hi)
{
	double t = now();
	uint64_t acc = 0;

	for (size_t i = lo; i < hi; i++) {
		struct cbpf_input in = { pk.arena + pk.v[i].off, pk.v[i].caplen, pk.v[i].wirelen,
					 NULL };

		acc += cbpf_jit_run(jit, &in);
	}
	t = now() - t;
	sink += acc;
	return t;
}

static const char *filters[] = {
	"ip",
	"tcp port 80",
	"host 10.0.0.1 and (tcp port 80 or udp port 53)",
	"ip6 and tcp",
	"tcp[tcpflags] & (tcp-syn|tcp-ack) == tcp-syn",
	"vlan and ip and udp",
	"net 192.168.0.0/16 and not port 22",
	"icmp or (ip[2:2] > 576 and udp)",
	"arp or (ip and ip[8] < 5)",
	"tcp and tcp[((tcp[12:1] & 0xf0) >> 2):4] = 0x47455420",
};

/* How the sides are timed: set once from the command line. */
static size_t block = 4096;
static unsigned rounds = 5;
static int only;	 /* -o: one side only, for profilers: c(bpf) or p(cap) */
static char no_jit[256]; /* why there is no JIT here; empty when there is one */

/* One program's times on each side, summed over the blocks (best round of each). */
struct times {
	double pcap, cbpf, jit;
	size_t accepted;
	unsigned len;
};

static double ns(double seconds)
{
	return seconds * 1e9 / (double)pk.n;
}

/*
 * Compiles expr with pcap_compile, checks that the three sides agree on every packet, then
 * times them. False when expr is not for the capture's link type.
 */
static bool time_filter(pcap_t *dead, const char *expr, struct times *out)
{
	struct bpf_program fp;
	struct cbpf_prog *prog;
	struct cbpf_vm *vm = NULL;
	struct cbpf_jit *jit = NULL;
	struct cbpf_diags diags = { 0 };
	size_t nblocks = (pk.n + block - 1) / block;
	double(*best)[3] = malloc(nblocks * sizeof(*best));
	int err;

	if (!best)
		die("out of memory");
	memset(out, 0, sizeof(*out));
	if (pcap_compile(dead, &fp, expr, 1, PCAP_NETMASK_UNKNOWN)) {
		free(best);
		return false;
	}
	out->len = fp.bf_len;
	prog = cbpf_prog_new((const struct cbpf_insn *)fp.bf_insns, fp.bf_len);
	if (!prog || cbpf_vm_new(prog, CBPF_VM_SOCKET, &vm, &diags))
		die("cbpf_vm_new failed");
	err = cbpf_jit_new(vm, &jit, &diags);
	if (err == -ENOTSUP || err == -EPERM)
		snprintf(no_jit, sizeof(no_jit), "%s",
			 diags.n ? diags.v[diags.n - 1].msg : "no JIT");
	else if (err)
		die("cbpf_jit_new failed");
	/* Same answers first. */
	for (size_t i = 0; i < pk.n; i++) {
		struct cbpf_input in = { pk.arena + pk.v[i].off, pk.v[i].caplen, pk.v[i].wirelen,
					 NULL };
		uint32_t a = cbpf_vm_run(vm, &in);

		if (a != bpf_filter(fp.bf_insns, in.data, in.wirelen, in.caplen) ||
		    (jit && a != cbpf_jit_run(jit, &in))) {
			fprintf(stderr, "vm bench: '%s': results differ on packet %zu\n", expr, i);
			exit(1);
		}
		out->accepted += a != 0;
	}
	/* Interleaved rounds and blocks, so that all sides see the same machine. */
	for (unsigned r = 0; r < rounds; r++) {
		for (size_t bl = 0; bl < nblocks; bl++) {
			size_t lo = bl * block, hi = pk.n - lo < block ? pk.n : lo + block;
			double t[3];

			if (block < pk.n)
				touch(lo, hi);
			t[0] = only != 'c' ? time_pcap(fp.bf_insns, lo, hi) : 1;
			t[1] = only != 'p' ? time_cbpf(vm, lo, hi) : 1;
			t[2] = only != 'p' && jit ? time_jit(jit, lo, hi) : 1;
			for (int s = 0; s < 3; s++)
				if (!r || t[s] < best[bl][s])
					best[bl][s] = t[s];
		}
	}
	for (size_t bl = 0; bl < nblocks; bl++) {
		out->pcap += best[bl][0];
		out->cbpf += best[bl][1];
		out->jit += best[bl][2];
	}
	free(best);
	cbpf_jit_free(jit);
	pcap_freecode(&fp);
	cbpf_vm_free(vm);
	cbpf_prog_free(prog);
	cbpf_diags_free(&diags);
	return true;
}

int main(int argc, char **argv)
{
	size_t npkts = 1000000, nfilters = sizeof(filters) / sizeof(filters[0]), ran = 0;
	uint32_t snap = 128;
	struct times total = { 0 }, empty;
	pcap_t *dead;
	int opt;

	while ((opt = getopt(argc, argv, "b:e:n:o:r:s:")) != -1) {
		switch (opt) {
		case 'b':
			block = strtoul(optarg, NULL, 0);
			break;
		case 'o':
			only = optarg[0];
			break;
		case 'e':
			filters[0] = optarg;
			nfilters = 1;
			break;
		case 'n':
			npkts = strtoul(optarg, NULL, 0);
			break;
		case 'r':
			rounds = (unsigned)strtoul(optarg, NULL, 0);
			break;
		case 's':
			snap = (uint32_t)strtoul(optarg, NULL, 0);
			break;
		default:
			fprintf(stderr, "usage: vm [-b BLOCK] [-e EXPRESSION] [-n PACKETS] "
					"[-r ROUNDS] [-s SNAPLEN] [CAPTURE.pcap]\n");
			return 2;
		}
	}
	if (!rounds)
		die("ROUNDS must be positive");
	if (!snap)
		snap = UINT32_MAX;
	if (optind < argc)
		read_capture(argv[optind], snap);
	else
		synthesize(npkts, snap);
	if (!pk.n)
		die("no packets");
	dead = pcap_open_dead(dlt, 262144);
	if (!dead)
		die("pcap_open_dead failed");
	if (!block || block > pk.n)
		block = pk.n;
	printf("%zu packets (%s), %zu a block%s, %u rounds, best of each\n", pk.n,
	       optind < argc ? argv[optind] : "synthesized", block,
	       block == pk.n ? " (streamed from memory)" : " (in the cache)", rounds);

	for (size_t f = 0; f < nfilters; f++) {
		struct times t;

		if (!time_filter(dead, filters[f], &t)) {
			printf("  (not for this link type: %s)\n", filters[f]);
			continue;
		}
		total.pcap += t.pcap;
		total.cbpf += t.cbpf;
		total.jit += t.jit;
		ran++;
		printf("  %5.2fx %5.2fx  %6.1f, %6.1f vs %6.1f ns/packet  %3u insns  %5.1f%% accepted"
		       "  %s\n",
		       t.pcap / t.cbpf, no_jit[0] ? 0 : t.pcap / t.jit, ns(t.cbpf),
		       no_jit[0] ? 0 : ns(t.jit), ns(t.pcap), t.len,
		       100.0 * (double)t.accepted / (double)pk.n, filters[f]);
	}
	if (!ran)
		die("no filter compiles for this link type");
	printf("(per program: interpreter and jit as fast as libpcap's bpf_filter; their ns, then "
	       "libpcap's)\n");
	printf("%zu programs, %zu packets: %.1f ns per packet interpreted, %.1f as native code, %.1f "
	       "in libpcap's bpf_filter\n",
	       ran, pk.n, ns(total.cbpf) / (double)ran, no_jit[0] ? 0 : ns(total.jit) / (double)ran,
	       ns(total.pcap) / (double)ran);
	/*
	 * The floor under every figure: the loop and the call, timed with a program that only
	 * returns. Over the filters' time above it the sides compare their work alone.
	 */
	if (time_filter(dead, "", &empty)) {
		printf("an empty program (one ret), the call alone: %.1f ns interpreted, %.1f as native "
		       "code, %.1f in libpcap's bpf_filter\n",
		       ns(empty.cbpf), no_jit[0] ? 0 : ns(empty.jit), ns(empty.pcap));
		printf("above it, the filters' own work: interpreter %.2fx, jit %.2fx libpcap's\n",
		       (total.pcap - (double)ran * empty.pcap) /
			       (total.cbpf - (double)ran * empty.cbpf),
		       no_jit[0] ? 0
				 : (total.pcap - (double)ran * empty.pcap) /
					   (total.jit - (double)ran * empty.jit));
	}
	printf("interpreter: %.2fx libpcap's bpf_filter\n", total.pcap / total.cbpf);
	if (no_jit[0])
		printf("jit: none here (%s)\n", no_jit);
	else
		printf("jit: %.2fx libpcap's bpf_filter\n", total.pcap / total.jit);
	pcap_close(dead);
	free(pk.arena);
	free(pk.v);
	return 0;
}
