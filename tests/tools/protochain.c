// SPDX-License-Identifier: MIT
/*
 * libpcap's protochain, everywhere: IPv6 (and IPv4) frames with extension header chains built
 * here (hop-by-hop, routing, fragment, destination options, AH; up to 12 deep; ending in TCP,
 * UDP, ICMPv6 or no next header; whole and cut short), run by libpcap's bpf_filter, libcbpf's
 * interpreter (whole runs and steps), with its JIT asked for (loops stay interpreted), and each
 * socket, tc and XDP translation in libcbpf's eBPF interpreter and in the kernel
 * (BPF_PROG_TEST_RUN, after the verifier accepted it). Every verdict must be libpcap's. Frames
 * on which libpcap would loop for ever (an AH that libpcap's code reads again and again) are
 * not given to libpcap: the interpreter must stop them with the loop budget, and every
 * translation must drop them too.
 *
 * usage: protochain [--no-kernel] [--budget-pcap FILE] [EXPR...]; prints a summary, exits 1 on
 * any difference, 77 when the kernel cannot be used and --no-kernel was not given. FILE gets
 * the frames the budget stopped, for tcpdump to show that it loops on them.
 */
#include <errno.h>
#include <pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cbpf.h"
#include "splitmix.h"

#define MAX_FRAME 1600

static const char *const default_exprs[] = {
	"ip6 protochain 6",
	"ip6 protochain 17",
	"ip6 protochain 58",
	"ip6 protochain 44",
	"ip6 protochain 60",
	"ip6 protochain 51",
	"ip protochain 17",
	"ip protochain 6",
	"ip6 protochain 6 or ip6 protochain 17",
	"ip6 protochain 58 and not ip6 protochain 0",
	"ip6 and tcp port 80 and ip6 protochain 6",
};

/* An extension header: its next-header number and how its length is written. */
enum { HBH = 0, ROUTING = 43, FRAGMENT = 44, AH = 51, DSTOPTS = 60 };
static const uint8_t ext_types[] = { HBH, ROUTING, FRAGMENT, DSTOPTS, AH };
static const uint8_t ends[] = { 6, 17, 58, 59 };

struct frame {
	uint8_t b[MAX_FRAME];
	uint32_t len;
};

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/* The end header's bytes: TCP (20, port 80 both ways), UDP (8), ICMPv6 (8), none. */
static uint32_t put_end(uint8_t *p, uint8_t proto)
{
	memset(p, 0, 20);
	switch (proto) {
	case 6:
		put16(p, 80);
		put16(p + 2, 80);
		p[12] = 0x50;
		return 20;
	case 17:
	case 58:
		put16(p, 53);
		put16(p + 2, 53);
		return 8;
	default:
		return 0;
	}
}

/*
 * Ethernet, IPv6, the chain's headers (hlen[i] chooses their length), the end. An AH's length
 * is in 4-byte units less 2 (RFC 4302), the others' in 8-byte units less 1 (RFC 8200); a
 * fragment header is 8 bytes.
 */
static void build6(struct frame *f, const uint8_t *chain, const uint8_t *hlen, size_t n,
		   uint8_t end)
{
	uint8_t *p = f->b, *ip = p + 14, *h = ip + 40;

	memset(f->b, 0, sizeof(f->b));
	memcpy(p, "\x00\x16\x3e\x00\x00\x02\x00\x16\x3e\x00\x00\x01\x86\xdd", 14);
	ip[0] = 0x60;
	ip[6] = n ? chain[0] : end;
	ip[7] = 64;
	ip[23] = 1;
	ip[39] = 2;
	for (size_t i = 0; i < n; i++) {
		uint32_t size;

		h[0] = i + 1 < n ? chain[i + 1] : end;
		if (chain[i] == FRAGMENT) {
			size = 8;
		} else if (chain[i] == AH) {
			h[1] = (uint8_t)(hlen[i] + 1); /* 12 bytes and up */
			size = (uint32_t)(h[1] + 2) * 4;
		} else {
			h[1] = hlen[i];
			size = (uint32_t)(h[1] + 1) * 8;
		}
		h += size;
	}
	h += put_end(h, end);
	f->len = (uint32_t)(h - p);
	put16(ip + 4, (uint16_t)(f->len - 54));
}

/* Ethernet, IPv4 (with ihl words of header), optionally an AH, then the end. */
static void build4(struct frame *f, unsigned ihl, bool ah, uint8_t ahlen, uint8_t end)
{
	uint8_t *p = f->b, *ip = p + 14, *h = ip + 4 * ihl;

	memset(f->b, 0, sizeof(f->b));
	memcpy(p, "\x00\x16\x3e\x00\x00\x02\x00\x16\x3e\x00\x00\x01\x08\x00", 14);
	ip[0] = (uint8_t)(0x40 | ihl);
	ip[8] = 64;
	ip[9] = ah ? AH : end;
	if (ah) {
		h[0] = end;
		h[1] = ahlen;
		h += (ahlen + 2) * 4;
	}
	h += put_end(h, end);
	f->len = (uint32_t)(h - p);
	put16(ip + 2, (uint16_t)(f->len - 14));
}

struct target_run {
	enum cbpf_target target;
	struct cbpf_ebpf_prog *ebpf;
	struct cbpf_proof *kernel, *interp;
};

struct tally {
	unsigned long frames, runs, budget, differ, kernel_runs, interp_runs;
};

static bool use_kernel = true;
static pcap_dumper_t *budget_out; /* --budget-pcap: the frames the budget stopped */

static int fail(const char *expr, const struct frame *f, uint32_t caplen, const char *what,
		unsigned long want, unsigned long got)
{
	fprintf(stderr,
		"protochain: '%s': frame of %u bytes (%u captured): %s gave %lu, want %lu\n", expr,
		f->len, caplen, what, got, want);
	fprintf(stderr, "  bytes:");
	for (uint32_t i = 0; i < caplen && i < 160; i++)
		fprintf(stderr, " %02x", f->b[i]);
	fputc('\n', stderr);
	return 1;
}

/* One frame, captured to caplen bytes, through every runner. Returns the differences. */
static int run_frame(const char *expr, const struct bpf_program *bp, struct cbpf_vm *vm,
		     struct cbpf_vm *jvm, struct target_run *t, const struct frame *f,
		     uint32_t caplen, struct tally *tl)
{
	struct cbpf_input in = cbpf_input_packet(f->b, caplen, caplen, NULL);
	struct cbpf_vm_state st;
	uint32_t mine = cbpf_vm_run(vm, &in), pcap_ret;
	int bad = 0;

	tl->runs++;
	cbpf_vm_state_init(&st);
	while (st.exit == CBPF_VM_RUNNING && !cbpf_vm_step(vm, &st, &in, NULL))
		;
	if (st.ret != mine)
		bad += fail(expr, f, caplen, "stepping", mine, st.ret);
	if (cbpf_vm_run(jvm, &in) != mine)
		bad += fail(expr, f, caplen, "the JIT's vm", mine, cbpf_vm_run(jvm, &in));
	if (st.exit == CBPF_VM_EXIT_BUDGET) {
		/* libpcap would never return: the budget's verdict is a drop. */
		tl->budget++;
		if (budget_out) {
			struct pcap_pkthdr h = { .caplen = caplen, .len = caplen };

			pcap_dump((u_char *)budget_out, &h, f->b);
		}
		if (mine)
			bad += fail(expr, f, caplen, "the budget's stop", 0, mine);
	} else {
		pcap_ret = bpf_filter(bp->bf_insns, f->b, caplen, caplen);
		if (pcap_ret != mine)
			bad += fail(expr, f, caplen, "cbpf's interpreter (libpcap's verdict)",
				    pcap_ret, mine);
	}
	for (size_t i = 0; i < 3; i++) {
		struct cbpf_proof *pr[2] = { t[i].interp, t[i].kernel };

		for (int k = 0; k < 2; k++) {
			struct cbpf_proof_result res;
			struct cbpf_diags d = { 0 };
			char what[64];

			if (!pr[k])
				continue;
			snprintf(what, sizeof(what), "%s in %s", cbpf_target_name(t[i].target),
				 k ? "the kernel" : "libcbpf's eBPF interpreter");
			if (cbpf_proof_frame(pr[k], f->b, caplen, &res, &d)) {
				cbpf_diags_print(stderr, &d, NULL, 0, NULL);
				bad += fail(expr, f, caplen, what, mine, ~0ul);
			} else if (!res.skipped) {
				if (k && !res.interpreted)
					tl->kernel_runs++;
				else
					tl->interp_runs++;
				if (!res.agree || res.classic != mine)
					bad += fail(expr, f, caplen, what, res.expected, res.got);
			}
			cbpf_diags_free(&d);
		}
	}
	tl->differ += (unsigned long)(bad != 0);
	return bad;
}

/* A frame whole, then cut short at a few places: inside each header and past the IPv6 one. */
static int run_cuts(const char *expr, const struct bpf_program *bp, struct cbpf_vm *vm,
		    struct cbpf_vm *jvm, struct target_run *t, const struct frame *f, struct rng *r,
		    struct tally *tl)
{
	int bad = run_frame(expr, bp, vm, jvm, t, f, f->len, tl);

	tl->frames++;
	for (int i = 0; i < 2 && f->len > 15; i++)
		bad += run_frame(expr, bp, vm, jvm, t, f,
				 14 + (uint32_t)(rng_next(r) % (f->len - 14)), tl);
	return bad;
}

static int prepare(const char *expr, struct cbpf_prog *prog, struct target_run *t)
{
	static const enum cbpf_target targets[] = { CBPF_TARGET_SOCKET, CBPF_TARGET_TC,
						    CBPF_TARGET_XDP };
	static char log[1 << 16];

	for (size_t i = 0; i < 3; i++) {
		struct cbpf_xlate_opts xo = { .target = targets[i] };
		struct cbpf_proof_opts po = { .interpreter = true };
		struct cbpf_diags d = { 0 };
		const char *why = NULL;
		int err;

		t[i].target = targets[i];
		if (cbpf_xlate(prog, &xo, &t[i].ebpf, &d) ||
		    cbpf_proof_new(t[i].ebpf, &po, &t[i].interp, &why, &d)) {
			cbpf_diags_print(stderr, &d, NULL, 0, NULL);
			fprintf(stderr, "protochain: '%s': no %s translation\n", expr,
				cbpf_target_name(targets[i]));
			cbpf_diags_free(&d);
			return 1;
		}
		if (use_kernel) {
			po = (struct cbpf_proof_opts){ .log_buf = log, .log_size = sizeof(log) };
			err = cbpf_proof_new(t[i].ebpf, &po, &t[i].kernel, &why, &d);
			if (err || cbpf_proof_engine(t[i].kernel) != CBPF_PROOF_KERNEL) {
				cbpf_diags_print(stderr, &d, NULL, 0, NULL);
				fprintf(stderr,
					"protochain: '%s': the kernel does not run the %s "
					"translation: %s\n%s",
					expr, cbpf_target_name(targets[i]), why ? why : "refused",
					err == -EINVAL ? log : "");
				cbpf_diags_free(&d);
				return why ? 77 : 1;
			}
		}
		cbpf_diags_free(&d);
	}
	return 0;
}

static int one_expr(const char *expr, struct tally *tl)
{
	pcap_t *pd = pcap_open_dead(DLT_EN10MB, 262144);
	struct target_run t[3] = { 0 };
	struct cbpf_vm *vm = NULL, *jvm = NULL;
	struct cbpf_prog *prog = NULL;
	struct bpf_program bp;
	struct frame f;
	struct rng r = { 15 };
	int bad = 0, err;

	if (!pd || pcap_compile(pd, &bp, expr, 1, PCAP_NETMASK_UNKNOWN)) {
		fprintf(stderr, "protochain: '%s': %s\n", expr, pd ? pcap_geterr(pd) : "no pcap");
		if (pd)
			pcap_close(pd);
		return 1;
	}
	prog = cbpf_prog_new((const struct cbpf_insn *)bp.bf_insns, bp.bf_len);
	if (!prog || cbpf_vm_new(prog, CBPF_VM_SOCKET, &vm, NULL) ||
	    cbpf_vm_new(prog, CBPF_VM_SOCKET, &jvm, NULL) || cbpf_vm_set_jit(jvm, true, NULL) ||
	    cbpf_check(prog, CBPF_CHECK_PCAP, NULL)) {
		fprintf(stderr, "protochain: '%s': the interpreter or the validator refuses it\n",
			expr);
		bad = 1;
		goto out;
	}
	err = prepare(expr, prog, t);
	if (err) {
		bad = err;
		goto out;
	}
	/* Every chain of up to three headers, each length small and larger, every end. */
	for (size_t n = 0; n <= 3; n++) {
		size_t combos = 1;

		for (size_t i = 0; i < n; i++)
			combos *= sizeof(ext_types);
		for (size_t c = 0; c < combos; c++) {
			for (size_t e = 0; e < sizeof(ends); e++) {
				uint8_t chain[3], hlen[3] = { 0 };
				size_t v = c;

				for (size_t i = 0; i < n; i++, v /= sizeof(ext_types)) {
					chain[i] = ext_types[v % sizeof(ext_types)];
					hlen[i] = (uint8_t)(rng_next(&r) % 3);
				}
				build6(&f, chain, hlen, n, ends[e]);
				bad += run_cuts(expr, &bp, vm, jvm, t, &f, &r, tl);
			}
		}
	}
	/* Deeper chains, 4 to 12 headers, at random. */
	for (int k = 0; k < 300; k++) {
		uint8_t chain[12], hlen[12];
		size_t n = 4 + rng_next(&r) % 9;

		for (size_t i = 0; i < n; i++) {
			chain[i] = ext_types[rng_next(&r) % sizeof(ext_types)];
			hlen[i] = (uint8_t)(rng_next(&r) % 4);
		}
		build6(&f, chain, hlen, n, ends[rng_next(&r) % sizeof(ends)]);
		bad += run_cuts(expr, &bp, vm, jvm, t, &f, &r, tl);
	}
	/* IPv4, with and without options and an AH. */
	for (unsigned ihl = 5; ihl <= 7; ihl++)
		for (int ah = 0; ah < 2; ah++)
			for (size_t e = 0; e < sizeof(ends); e++) {
				build4(&f, ihl, ah, 1 + (uint8_t)ihl, ends[e]);
				bad += run_cuts(expr, &bp, vm, jvm, t, &f, &r, tl);
			}
	/*
	 * An AH that libpcap's code takes for the start of the next one again (after an AH it
	 * sets X to the AH's length, not X plus it): 40 bytes in, its length byte 8, next header
	 * AH. libpcap loops for ever; the budget stops it.
	 */
	{
		uint8_t chain[1] = { AH }, hlen[1] = { 7 };

		build6(&f, chain, hlen, 1, 6);
		f.b[54] = AH;
		bad += run_frame(expr, &bp, vm, jvm, t, &f, f.len, tl);
		tl->frames++;
	}
out:
	for (size_t i = 0; i < 3; i++) {
		cbpf_proof_free(t[i].kernel);
		cbpf_proof_free(t[i].interp);
		cbpf_ebpf_prog_free(t[i].ebpf);
	}
	cbpf_vm_free(vm);
	cbpf_vm_free(jvm);
	cbpf_prog_free(prog);
	pcap_freecode(&bp);
	pcap_close(pd);
	return bad;
}

int main(int argc, char **argv)
{
	const char *const *exprs = default_exprs;
	int n = (int)(sizeof(default_exprs) / sizeof(*default_exprs)), bad = 0;
	struct tally tl = { 0 };

	pcap_t *dead = pcap_open_dead(DLT_EN10MB, 262144);

	if (argc > 1 && !strcmp(argv[1], "--no-kernel")) {
		use_kernel = false;
		argc--;
		argv++;
	}
	if (argc > 2 && !strcmp(argv[1], "--budget-pcap")) {
		budget_out = dead ? pcap_dump_open(dead, argv[2]) : NULL;
		if (!budget_out) {
			fprintf(stderr, "protochain: cannot write %s\n", argv[2]);
			return 1;
		}
		argc -= 2;
		argv += 2;
	}
	if (argc > 1) {
		exprs = (const char *const *)argv + 1;
		n = argc - 1;
	}
	for (int i = 0; i < n; i++) {
		int r = one_expr(exprs[i], &tl);

		if (r == 77)
			return 77;
		bad += r;
	}
	printf("protochain: %d expressions, %lu frames (%lu runs, whole and cut short): %lu "
	       "stopped "
	       "by the loop budget where libpcap loops for ever; translations ran %lu times in the "
	       "kernel and %lu in libcbpf's eBPF interpreter; %lu runs differ\n",
	       n, tl.frames, tl.runs, tl.budget, tl.kernel_runs, tl.interp_runs, tl.differ);
	if (budget_out)
		pcap_dump_close(budget_out);
	if (dead)
		pcap_close(dead);
	return bad ? 1 : 0;
}
