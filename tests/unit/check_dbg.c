// SPDX-License-Identifier: MIT
/* The debugging engine: exact backward steps, captures, points, runs, coverage, metadata. */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cbpf.h"
#include "util/suggest.h"
#include "randprog.h"
#include "unit.h"

#define I(code, k)	   ((struct cbpf_insn){ (code), 0, 0, (k) })
#define J(code, jt, jf, k) ((struct cbpf_insn){ (code), (jt), (jf), (k) })

static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint32_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)rng;
}

static struct cbpf_dbg *session(void)
{
	struct cbpf_dbg *dbg;

	ck_assert_int_eq(cbpf_dbg_new(&dbg), 0);
	return dbg;
}

static void load_insns(struct cbpf_dbg *dbg, const struct cbpf_insn *v, size_t n,
		       enum cbpf_vm_mode mode)
{
	struct cbpf_prog *p = cbpf_prog_new(v, n);
	struct cbpf_diags d = { 0 };

	ck_assert_ptr_nonnull(p);
	ck_assert_int_eq(cbpf_dbg_load(dbg, p, mode, &d), 0);
	cbpf_diags_free(&d);
	cbpf_prog_free(p);
}

static void load_expr(struct cbpf_dbg *dbg, const char *expr)
{
	struct cbpf_prog *p;
	struct cbpf_diags d = { 0 };

	ck_assert_int_eq(cbpf_pcap_compile(expr, NULL, &p, &d), 0);
	ck_assert_int_eq(cbpf_dbg_load(dbg, p, CBPF_VM_SOCKET, &d), 0);
	cbpf_diags_free(&d);
	cbpf_prog_free(p);
}

static void open_capture(struct cbpf_dbg *dbg, const char *path)
{
	struct cbpf_diags d = { 0 };

	ck_assert_int_eq(cbpf_dbg_open_capture(dbg, path, &d), 0);
	ck_assert_uint_eq(d.n, 0);
}

/* ---------------------------------------------------------------- backward steps */

/*
 * For random valid programs and packets: the state after k steps and then back k is the state
 * before them, byte for byte; back j lands on the state recorded after k - j steps; stepping
 * again from there repeats the same states.
 */
START_TEST(back_restores_exactly)
{
	uint8_t pkt[128];

	for (unsigned round = 0; round < 600; round++) {
		struct randprog_opts o = { .seed = round, .seccomp = round % 4 == 3 };
		struct cbpf_prog *p = randprog_new(&o, NULL);
		struct cbpf_vm_state states[CBPF_MAXINSNS + 1];
		struct cbpf_seccomp_data sd;
		struct cbpf_diags d = { 0 };
		struct cbpf_dbg *dbg = session();
		size_t k = 0, j;

		ck_assert_ptr_nonnull(p);
		for (size_t i = 0; i < sizeof(pkt); i++)
			pkt[i] = (uint8_t)rnd();
		memcpy(&sd, pkt, sizeof(sd));
		ck_assert_int_eq(cbpf_dbg_load(dbg, p, o.seccomp ? CBPF_VM_SECCOMP : CBPF_VM_SOCKET,
					       &d),
				 0);
		uint32_t len = rnd() % sizeof(pkt);

		ck_assert_int_eq(cbpf_dbg_set_packet(dbg, pkt, len, len + rnd() % 3, 1), 0);
		cbpf_dbg_set_seccomp(dbg, &sd);
		states[0] = *cbpf_dbg_state(dbg);
		while (cbpf_dbg_state(dbg)->exit == CBPF_VM_RUNNING) {
			ck_assert_int_eq(cbpf_dbg_step(dbg, NULL), 0);
			states[++k] = *cbpf_dbg_state(dbg);
		}
		ck_assert_int_eq(cbpf_dbg_step(dbg, NULL), -EINVAL);
		ck_assert_int_eq(cbpf_dbg_back(dbg, k + 1), -EINVAL);
		j = k ? rnd() % k + 1 : 0;
		ck_assert_int_eq(cbpf_dbg_back(dbg, j), 0);
		ck_assert_mem_eq(cbpf_dbg_state(dbg), &states[k - j], sizeof(states[0]));
		for (size_t i = k - j; i < k; i++) {
			ck_assert_int_eq(cbpf_dbg_step(dbg, NULL), 0);
			ck_assert_mem_eq(cbpf_dbg_state(dbg), &states[i + 1], sizeof(states[0]));
		}
		ck_assert_int_eq(cbpf_dbg_back(dbg, k), 0);
		ck_assert_mem_eq(cbpf_dbg_state(dbg), &states[0], sizeof(states[0]));
		cbpf_diags_free(&d);
		cbpf_prog_free(p);
		cbpf_dbg_free(dbg);
	}
}
END_TEST

START_TEST(history_holds_each_step)
{
	static const struct cbpf_insn v[] = {
		I(CBPF_LD | CBPF_H | CBPF_ABS, 12),
		I(CBPF_ST, 3),
		J(CBPF_JMP | CBPF_JEQ | CBPF_K, 0, 1, 0x800),
		I(CBPF_RET | CBPF_K, 1),
		I(CBPF_RET | CBPF_K, 0),
	};
	uint8_t pkt[20] = { [12] = 0x08, [13] = 0x00 };
	const struct cbpf_dbg_hist *h;
	struct cbpf_dbg *dbg = session();
	struct cbpf_vm_step rec;

	ck_assert_int_eq(cbpf_dbg_step(dbg, NULL), -EINVAL); /* no program */
	load_insns(dbg, v, 5, CBPF_VM_SOCKET);
	ck_assert_int_eq(cbpf_dbg_step(dbg, NULL), -EINVAL); /* no packet */
	ck_assert_int_eq(cbpf_dbg_set_packet(dbg, pkt, 20, 20, 1), 0);
	ck_assert_int_eq(cbpf_dbg_step(dbg, &rec), 0);
	ck_assert_uint_eq(rec.value, 0x800);
	while (cbpf_dbg_state(dbg)->exit == CBPF_VM_RUNNING)
		cbpf_dbg_step(dbg, NULL);
	ck_assert_uint_eq(cbpf_dbg_history(dbg, &h), 4);
	ck_assert_uint_eq(h[1].before.A, 0x800);
	ck_assert_uint_eq(h[2].before.M[3], 0x800);
	ck_assert(h[2].step.cond && h[2].step.taken);
	ck_assert_uint_eq(h[3].step.pc, 3);
	ck_assert_uint_eq(cbpf_dbg_state(dbg)->ret, 1);
	cbpf_dbg_restart(dbg);
	ck_assert_uint_eq(cbpf_dbg_history(dbg, &h), 0);
	ck_assert_uint_eq(cbpf_dbg_state(dbg)->pc, 0);
	cbpf_dbg_free(dbg);
}
END_TEST

/* ---------------------------------------------------------------- captures */

START_TEST(select_next_and_wrap)
{
	struct cbpf_dbg *dbg = session();
	struct cbpf_diags d = { 0 };
	struct cbpf_dbg_input in;

	open_capture(dbg, "pcaps/eth-arp.pcap");
	cbpf_dbg_input(dbg, &in);
	ck_assert_uint_eq(in.number, 1);
	ck_assert(in.have_next);
	ck_assert_uint_eq(in.caplen, 42);
	ck_assert_int_eq(cbpf_dbg_select(dbg, 8, &d), 0);
	cbpf_dbg_input(dbg, &in);
	ck_assert_uint_eq(in.number, 8);
	ck_assert(!in.have_next);
	ck_assert_uint_eq(in.count, 8);
	ck_assert_int_eq(cbpf_dbg_next(dbg, &d), 0); /* back to the first */
	cbpf_dbg_input(dbg, &in);
	ck_assert_uint_eq(in.number, 1);
	ck_assert_uint_eq(in.count, 8); /* still known */
	ck_assert_int_eq(cbpf_dbg_next(dbg, &d), 1);
	ck_assert_int_eq(cbpf_dbg_select(dbg, 9, &d), -ENOENT);
	ck_assert_str_eq(d.v[0].msg, "no packet 9: the capture holds 8 packets");
	cbpf_diags_free(&d);
	ck_assert_int_eq(cbpf_dbg_select(dbg, 0, &d), -ENOENT);
	cbpf_diags_free(&d);
	cbpf_dbg_input(dbg, &in);
	ck_assert_uint_eq(in.number, 2); /* a failed select stays */
	ck_assert_int_eq(cbpf_dbg_select(dbg, 3, &d), 0);
	ck_assert_int_eq(cbpf_dbg_select(dbg, 1, &d), 0); /* backwards: read again */
	cbpf_dbg_input(dbg, &in);
	ck_assert_uint_eq(in.number, 1);
	ck_assert_uint_eq(d.n, 0);
	cbpf_dbg_free(dbg);
}
END_TEST

/*
 * A capture from a pipe (here through its /proc name) is copied to a temporary file, with a
 * note, so that going back reads it again; the pipe may be gone by then.
 */
START_TEST(capture_from_a_pipe)
{
	struct cbpf_dbg *dbg = session();
	struct cbpf_diags d = { 0 };
	struct cbpf_dbg_input in;
	char buf[4096], path[64];
	FILE *f = fopen("pcaps/eth-arp.pcap", "rb");
	size_t n;
	int fds[2];

	ck_assert_ptr_nonnull(f);
	n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	ck_assert_uint_gt(n, 24);
	ck_assert_uint_lt(n, sizeof(buf)); /* less than a pipe holds: written before reading */
	ck_assert_int_eq(pipe(fds), 0);
	ck_assert_int_eq(write(fds[1], buf, n), (ssize_t)n);
	close(fds[1]);
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fds[0]);
	ck_assert_int_eq(cbpf_dbg_open_capture(dbg, path, &d), 0);
	close(fds[0]);
	ck_assert_uint_eq(d.n, 1);
	ck_assert_int_eq(d.v[0].severity, CBPF_SEV_NOTE);
	ck_assert_str_eq(d.v[0].file, path);
	ck_assert_pstr_eq(strstr(d.v[0].msg, "a pipe, which cannot be read twice"), d.v[0].msg);
	cbpf_diags_free(&d);
	ck_assert_int_eq(cbpf_dbg_select(dbg, 8, &d), 0);
	ck_assert_int_eq(cbpf_dbg_select(dbg, 2, &d), 0); /* backwards: read again */
	ck_assert_int_eq(cbpf_dbg_select(dbg, 9, &d), -ENOENT);
	cbpf_dbg_input(dbg, &in);
	ck_assert_uint_eq(in.number, 2);
	ck_assert(in.counted);
	ck_assert_uint_eq(in.count, 8);
	ck_assert_str_eq(in.capture, path);
	cbpf_diags_free(&d);
	cbpf_dbg_free(dbg);
}
END_TEST

START_TEST(bad_captures)
{
	struct cbpf_dbg *dbg = session();
	struct cbpf_diags d = { 0 };
	struct cbpf_dbg_input in;

	ck_assert_int_eq(cbpf_dbg_open_capture(dbg, "pcaps/no-such.pcap", &d), -ENOENT);
	cbpf_diags_free(&d);
	ck_assert_int_eq(cbpf_dbg_open_capture(dbg, "pcaps", &d), -EINVAL);
	cbpf_diags_free(&d);
	cbpf_dbg_input(dbg, &in);
	ck_assert_ptr_null(in.capture);

	/* A header and no packets: loaded, with no packet current, and 0 packets counted. */
	ck_assert_int_eq(cbpf_dbg_open_capture(dbg, "pcaps/bad/header-only.pcap", &d), 0);
	ck_assert_uint_eq(d.n, 0);
	cbpf_dbg_input(dbg, &in);
	ck_assert_ptr_nonnull(in.capture);
	ck_assert(!in.have_packet && !in.have_next && in.counted);
	ck_assert_uint_eq(in.count, 0);
	ck_assert_uint_eq(in.number, 0);
	load_expr(dbg, "tcp");
	ck_assert_int_eq(cbpf_dbg_step(dbg, NULL), -EINVAL);
	ck_assert_int_eq(cbpf_dbg_select(dbg, 1, &d), -ENOENT);
	ck_assert(strstr(d.v[0].msg, "holds 0 packets"));
	cbpf_diags_free(&d);
	{
		struct cbpf_dbg_sweep_opts so = { 0 };
		struct cbpf_dbg_stop stop;
		struct cbpf_dbg_tally t = { 0 };

		ck_assert_int_eq(cbpf_dbg_run(dbg, 0, &stop, &t, &d), 0);
		ck_assert_int_eq(stop.why, CBPF_DBG_END);
		ck_assert_uint_eq(t.pass + t.fail, 0);
		ck_assert_int_eq(cbpf_dbg_sweep(dbg, &so, &t, &d), 0);
		ck_assert_uint_eq(t.pass + t.fail, 0);
	}
	ck_assert_uint_eq(d.n, 0);

	/* Damaged after packet 3: packets 1 to 3 are there, then the error. */
	open_capture(dbg, "pcaps/bad/truncated-in-packet-data.pcap");
	ck_assert_int_eq(cbpf_dbg_select(dbg, 3, &d), 0);
	ck_assert_int_eq(cbpf_dbg_select(dbg, 4, &d), -EINVAL);
	ck_assert(strstr(d.v[0].msg, "packet 4: truncated dump file"));
	cbpf_diags_free(&d);
	cbpf_dbg_input(dbg, &in);
	ck_assert_uint_eq(in.number, 3);
	ck_assert_int_eq(cbpf_dbg_next(dbg, &d), 0); /* the error, and the first packet again */
	ck_assert_uint_eq(d.errors, 1);
	cbpf_diags_free(&d);

	/* A record longer than the snapshot length: read cut, and said. */
	open_capture(dbg, "pcaps/bad/caplen-over-snaplen.pcap");
	ck_assert_int_eq(cbpf_dbg_select(dbg, 4, &d), 0);
	ck_assert_uint_eq(d.n, 1);
	ck_assert_int_eq(d.v[0].severity, CBPF_SEV_WARNING);
	ck_assert(strstr(d.v[0].msg, "155 bytes captured, more than the snapshot length 128"));
	cbpf_diags_free(&d);
	cbpf_dbg_input(dbg, &in);
	ck_assert_uint_eq(in.caplen, 128);

	/* pcapng reads as its pcap. */
	open_capture(dbg, "pcaps/bad/eth-ipv4-tcp.pcapng");
	ck_assert_int_eq(cbpf_dbg_select(dbg, 32, &d), 0);
	ck_assert_int_eq(cbpf_dbg_select(dbg, 33, &d), -ENOENT);
	cbpf_diags_free(&d);
	cbpf_dbg_free(dbg);
}
END_TEST

/* ---------------------------------------------------------------- runs */

/* What libcbpf's interpreter says packet by packet, with the metadata of each frame. */
static void reference(const struct cbpf_prog *p, const char *path, uint64_t *pass, uint64_t *fail,
		      uint64_t *hits)
{
	struct cbpf_capture *cap;
	struct cbpf_frame f;
	struct cbpf_vm *vm;
	int lt;

	ck_assert_int_eq(cbpf_vm_new(p, CBPF_VM_SOCKET, &vm, NULL), 0);
	ck_assert_int_eq(cbpf_capture_open(path, &cap, NULL), 0);
	lt = cbpf_capture_linktype(cap);
	*pass = *fail = 0;
	while (cbpf_capture_next(cap, &f, NULL) == 1) {
		struct cbpf_meta m = { 0 };
		struct cbpf_input in;
		struct cbpf_vm_state st;
		struct cbpf_vm_step r;

		cbpf_meta_from_frame(&m, lt, f.data, f.caplen, f.wirelen);
		in = cbpf_input_packet(f.data, f.caplen, f.wirelen, &m);
		if (cbpf_vm_run(vm, &in))
			(*pass)++;
		else
			(*fail)++;
		cbpf_vm_state_init(&st);
		while (st.exit == CBPF_VM_RUNNING && !cbpf_vm_step(vm, &st, &in, &r))
			hits[r.pc]++;
	}
	cbpf_capture_close(cap);
	cbpf_vm_free(vm);
}

/*
 * run, sweep and coverage agree with the interpreter given every frame's metadata, for
 * tcpdump's programs and random ones (which use ancillary and negative loads, and [x + k]
 * after any X: the engine must not skip the metadata they can see).
 */
START_TEST(runs_agree_with_the_interpreter)
{
	static const char *const files[] = { "pcaps/mixed.pcap", "pcaps/sll.pcap",
					     "pcaps/eth-vlan.pcap" };
	static const char *const exprs[] = { "tcp port 80", "ip", "vlan and udp",
					     "ip6 and tcp[tcpflags] & tcp-syn != 0 or icmp" };

	for (unsigned round = 0; round < 60; round++) {
		const char *file = files[round % 3];
		struct cbpf_prog *p;
		struct cbpf_dbg *dbg = session();
		struct cbpf_dbg_tally t = { 0 }, ts;
		struct cbpf_dbg_stop stop;
		struct cbpf_dbg_sweep_opts so = { 0 };
		struct cbpf_diags d = { 0 };
		uint64_t pass, fail, *h1, *h2;
		size_t len;

		if (round < 4) {
			ck_assert_int_eq(cbpf_pcap_compile(exprs[round], NULL, &p, &d), 0);
		} else {
			struct randprog_opts o = { .seed = 1000 + round,
						   .shape = round % 2 ? RANDPROG_SHAPE_FILTER
								      : RANDPROG_SHAPE_MIXED };

			p = randprog_new(&o, NULL);
		}
		len = cbpf_prog_len(p);
		h1 = calloc(len, sizeof(*h1));
		h2 = calloc(len, sizeof(*h2));
		ck_assert_int_eq(cbpf_dbg_load(dbg, p, CBPF_VM_SOCKET, &d), 0);
		cbpf_diags_free(&d);
		open_capture(dbg, file);
		reference(p, file, &pass, &fail, h1);

		ck_assert_int_eq(cbpf_dbg_run(dbg, 0, &stop, &t, &d), 0);
		ck_assert_int_eq(stop.why, CBPF_DBG_END);
		ck_assert_uint_eq(t.pass, pass);
		ck_assert_uint_eq(t.fail, fail);

		so.hits = h2;
		ck_assert_int_eq(cbpf_dbg_sweep(dbg, &so, &ts, &d), 0);
		ck_assert_uint_eq(ts.pass, pass);
		ck_assert_uint_eq(ts.fail, fail);
		/* Coverage is the sum of every packet's path. */
		ck_assert_mem_eq(h1, h2, len * sizeof(*h1));
		ck_assert_uint_eq(d.n, 0);
		free(h1);
		free(h2);
		cbpf_prog_free(p);
		cbpf_dbg_free(dbg);
	}
}
END_TEST

/* Coverage is also what the session's own traces of each packet add up to. */
START_TEST(coverage_is_the_sum_of_traces)
{
	struct cbpf_dbg *dbg = session();
	struct cbpf_dbg_sweep_opts so = { 0 };
	struct cbpf_dbg_tally t;
	struct cbpf_diags d = { 0 };
	struct cbpf_dbg_hist *steps;
	uint64_t *sum, *hits;
	size_t len, n, packets = 0;

	load_expr(dbg, "tcp port 80 or udp port 53 or arp");
	open_capture(dbg, "pcaps/mixed.pcap");
	len = cbpf_prog_len(cbpf_dbg_prog(dbg));
	sum = calloc(len, sizeof(*sum));
	hits = calloc(len, sizeof(*hits));
	steps = calloc(len, sizeof(*steps));
	do {
		ck_assert_int_eq(cbpf_dbg_trace(dbg, steps, &n, NULL), 0);
		for (size_t i = 0; i < n; i++)
			sum[steps[i].step.pc]++;
		packets++;
	} while (cbpf_dbg_next(dbg, &d) == 1);
	ck_assert_uint_eq(packets, 142);
	so.hits = hits;
	ck_assert_int_eq(cbpf_dbg_sweep(dbg, &so, &t, &d), 0);
	ck_assert_uint_eq(t.pass + t.fail, 142);
	ck_assert_mem_eq(sum, hits, len * sizeof(*sum));
	free(sum);
	free(hits);
	free(steps);
	cbpf_dbg_free(dbg);
}
END_TEST

START_TEST(breakpoints_and_watches_stop_runs)
{
	static const struct cbpf_insn v[] = {
		I(CBPF_LD | CBPF_H | CBPF_ABS, 12),	      /* 0 */
		I(CBPF_ST, 1),				      /* 1 */
		J(CBPF_JMP | CBPF_JEQ | CBPF_K, 0, 2, 0x806), /* 2 */
		I(CBPF_LD | CBPF_IMM, 7),		      /* 3 */
		I(CBPF_ST, 1),				      /* 4 */
		I(CBPF_RET | CBPF_A, 0),		      /* 5 */
	};
	struct cbpf_dbg *dbg = session();
	const struct cbpf_dbg_point *pts;
	struct cbpf_dbg_tally t = { 0 };
	struct cbpf_dbg_stop stop;
	struct cbpf_diags d = { 0 };
	struct cbpf_dbg_input in;
	unsigned b1, b2, w;

	load_insns(dbg, v, 6, CBPF_VM_SOCKET);
	open_capture(dbg, "pcaps/mixed.pcap");
	ck_assert_int_eq(cbpf_dbg_break(dbg, 3, NULL, &b1, &d), 0);
	/* The first ARP packet of mixed.pcap, at its first instruction. */
	ck_assert_int_eq(cbpf_dbg_run(dbg, 0, &stop, &t, &d), 0);
	ck_assert_int_eq(stop.why, CBPF_DBG_HIT_BREAK);
	ck_assert_uint_eq(stop.id, b1);
	ck_assert_uint_eq(cbpf_dbg_state(dbg)->pc, 3);
	ck_assert_uint_eq(cbpf_dbg_state(dbg)->A, 0x806);
	cbpf_dbg_input(dbg, &in);
	ck_assert_uint_eq(in.number, t.pass + 1);
	ck_assert_int_eq(cbpf_dbg_delete(dbg, b1), 0);
	ck_assert_int_eq(cbpf_dbg_delete(dbg, b1), -ENOENT);

	/* A watch sees M[1] change from 0x806 to 7. */
	ck_assert_int_eq(cbpf_dbg_watch(dbg, 1, &w), 0);
	ck_assert_int_eq(cbpf_dbg_continue(dbg, 0, &stop), 0);
	ck_assert_int_eq(stop.why, CBPF_DBG_HIT_WATCH);
	ck_assert_uint_eq(stop.old, 0x806);
	ck_assert_uint_eq(stop.now, 7);
	ck_assert_uint_eq(cbpf_dbg_state(dbg)->pc, 5);
	cbpf_dbg_delete_all(dbg, -1);

	/* A condition without a place stops where it starts to hold, not after. */
	cbpf_dbg_restart(dbg);
	ck_assert_int_eq(cbpf_dbg_break(dbg, -1, "A == 0x806", &b2, &d), 0);
	ck_assert_int_eq(cbpf_dbg_continue(dbg, 0, &stop), 0);
	ck_assert_int_eq(stop.why, CBPF_DBG_HIT_BREAK);
	ck_assert_uint_eq(cbpf_dbg_state(dbg)->pc, 1);
	ck_assert_int_eq(cbpf_dbg_step(dbg, NULL), 0);
	ck_assert_int_eq(cbpf_dbg_continue(dbg, 0, &stop), 0);
	ck_assert_int_eq(stop.why, CBPF_DBG_END);
	ck_assert_uint_eq(cbpf_dbg_points(dbg, &pts), 1);
	ck_assert_uint_eq(pts[0].hits, 1);

	/* A step limit; a bad condition; a place outside the program. */
	cbpf_dbg_restart(dbg);
	cbpf_dbg_delete_all(dbg, -1);
	ck_assert_int_eq(cbpf_dbg_continue(dbg, 2, &stop), 0);
	ck_assert_int_eq(stop.why, CBPF_DBG_LIMIT);
	ck_assert_uint_eq(cbpf_dbg_state(dbg)->pc, 2);
	ck_assert_int_eq(cbpf_dbg_break(dbg, 6, NULL, NULL, &d), -EINVAL);
	ck_assert_int_eq(cbpf_dbg_break(dbg, -1, NULL, NULL, &d), -EINVAL);
	ck_assert_int_eq(cbpf_dbg_break(dbg, 2, "A ==", NULL, &d), -EINVAL);
	cbpf_diags_free(&d);
	ck_assert_int_eq(cbpf_dbg_watch(dbg, 16, NULL), -EINVAL);

	/* Loading a program deletes the breakpoints, keeps the watches. */
	ck_assert_int_eq(cbpf_dbg_break(dbg, 2, NULL, NULL, &d), 0);
	ck_assert_int_eq(cbpf_dbg_watch(dbg, 2, NULL), 0);
	load_insns(dbg, v, 6, CBPF_VM_SOCKET);
	ck_assert_uint_eq(cbpf_dbg_points(dbg, &pts), 1);
	ck_assert_int_eq(pts[0].kind, CBPF_DBG_WATCH);
	cbpf_dbg_free(dbg);
}
END_TEST

START_TEST(run_limits_and_goes_back_to_the_first_packet)
{
	struct cbpf_dbg *dbg = session();
	struct cbpf_dbg_tally t = { 0 };
	struct cbpf_dbg_stop stop;
	struct cbpf_diags d = { 0 };
	struct cbpf_dbg_input in;
	static volatile sig_atomic_t flag;

	load_expr(dbg, "arp");
	open_capture(dbg, "pcaps/eth-arp.pcap");
	ck_assert_int_eq(cbpf_dbg_run(dbg, 3, &stop, &t, &d), 0);
	ck_assert_uint_eq(t.pass, 3);
	cbpf_dbg_input(dbg, &in);
	ck_assert_uint_eq(in.number, 1);
	/* From the middle of a packet, a run goes on from there. */
	cbpf_dbg_step(dbg, NULL);
	memset(&t, 0, sizeof(t));
	ck_assert_int_eq(cbpf_dbg_run(dbg, 0, &stop, &t, &d), 0);
	ck_assert_uint_eq(t.pass, 8);
	/* Interrupted before anything ran. */
	flag = 1;
	cbpf_dbg_set_interrupt(dbg, &flag);
	ck_assert_int_eq(cbpf_dbg_run(dbg, 0, &stop, &t, &d), 0);
	ck_assert_int_eq(stop.why, CBPF_DBG_INTERRUPT);
	cbpf_dbg_set_interrupt(dbg, NULL);
	/* A damaged capture: the packets before are counted, then the error. */
	open_capture(dbg, "pcaps/bad/truncated-in-record-header.pcap");
	memset(&t, 0, sizeof(t));
	ck_assert_int_eq(cbpf_dbg_run(dbg, 0, &stop, &t, &d), -EINVAL);
	ck_assert_uint_eq(t.pass + t.fail, 3);
	ck_assert_uint_eq(d.errors, 1);
	cbpf_diags_free(&d);
	cbpf_dbg_free(dbg);
}
END_TEST

START_TEST(sweep_writes_the_accepted_packets)
{
	char path[] = "/tmp/cbpf-dbg-unit-XXXXXX";
	struct cbpf_dbg_sweep_opts so = { 0 };
	struct cbpf_dbg *dbg = session();
	struct cbpf_capture *cap;
	struct cbpf_dbg_tally t;
	struct cbpf_diags d = { 0 };
	struct cbpf_frame f;
	uint64_t written = 0, n = 0;
	struct stat sb;
	int fd = mkstemp(path);

	ck_assert_int_ge(fd, 0);
	close(fd);
	unlink(path);
	load_expr(dbg, "udp port 53");
	open_capture(dbg, "pcaps/mixed.pcap");
	so.write = path;
	so.written = &written;
	ck_assert_int_eq(cbpf_dbg_sweep(dbg, &so, &t, &d), 0);
	ck_assert_uint_eq(written, t.pass);
	ck_assert_uint_gt(written, 0);
	ck_assert_int_eq(cbpf_capture_open(path, &cap, NULL), 0);
	while (cbpf_capture_next(cap, &f, NULL) == 1)
		n++;
	cbpf_capture_close(cap);
	ck_assert_uint_eq(n, written);
	unlink(path);

	/* A damaged capture writes nothing. */
	open_capture(dbg, "pcaps/bad/truncated-in-packet-data.pcap");
	load_expr(dbg, "tcp");
	ck_assert_int_eq(cbpf_dbg_sweep(dbg, &so, &t, &d), -EINVAL);
	ck_assert_int_eq(stat(path, &sb), -1);
	cbpf_diags_free(&d);
	cbpf_dbg_free(dbg);
}
END_TEST

/* ---------------------------------------------------------------- metadata */

START_TEST(metadata_from_frames_and_set)
{
	struct cbpf_dbg *dbg = session();
	struct cbpf_dbg_stop stop;
	struct cbpf_dbg_tally t = { 0 };
	struct cbpf_diags d = { 0 };
	static const struct cbpf_insn mark[] = {
		I(CBPF_LD | CBPF_W | CBPF_ABS, (uint32_t)(CBPF_AD_OFF + CBPF_AD_MARK)),
		I(CBPF_RET | CBPF_A, 0),
	};
	uint64_t v;
	bool set;
	size_t n;

	open_capture(dbg, "pcaps/sll.pcap");
	ck_assert_int_eq(cbpf_dbg_meta_get(dbg, "protocol", &v, &set), 0);
	ck_assert_uint_eq(v, 0x806); /* sll.pcap begins with ARP */
	ck_assert(!set);
	ck_assert_int_eq(cbpf_dbg_meta_get(dbg, "proto", &v, NULL), 0); /* bpf_asm's name */
	ck_assert_int_eq(cbpf_dbg_meta_set(dbg, "protocol", 0x86dd), 0);
	ck_assert_int_eq(cbpf_dbg_meta_get(dbg, "protocol", &v, &set), 0);
	ck_assert_uint_eq(v, 0x86dd);
	ck_assert(set);
	ck_assert_uint_eq(cbpf_dbg_meta(dbg)->protocol, htons(0x86dd));
	ck_assert_int_eq(cbpf_dbg_meta_reset(dbg, "protocol"), 0);
	ck_assert_int_eq(cbpf_dbg_meta_get(dbg, "protocol", &v, NULL), 0);
	ck_assert_uint_eq(v, 0x806);
	ck_assert_int_eq(cbpf_dbg_meta_set(dbg, "pkttype", 8), -EINVAL);
	ck_assert_int_eq(cbpf_dbg_meta_set(dbg, "nosuch", 1), -ENOENT);
	ck_assert_ptr_nonnull(cbpf_dbg_fields(&n));
	ck_assert_uint_eq(n, 16);

	/* A mark set reaches every packet's ld #mark. */
	load_insns(dbg, mark, 2, CBPF_VM_SOCKET);
	ck_assert_int_eq(cbpf_dbg_run(dbg, 0, &stop, &t, &d), 0);
	ck_assert_uint_eq(t.pass, 0);
	ck_assert_int_eq(cbpf_dbg_meta_set(dbg, "mark", 7), 0);
	memset(&t, 0, sizeof(t));
	ck_assert_int_eq(cbpf_dbg_run(dbg, 0, &stop, &t, &d), 0);
	ck_assert_uint_eq(t.pass, 22);
	ck_assert_int_eq(cbpf_dbg_continue(dbg, 0, &stop), 0);
	ck_assert_uint_eq(cbpf_dbg_state(dbg)->ret, 7);
	cbpf_dbg_free(dbg);
}
END_TEST

START_TEST(seccomp_input)
{
	static const struct cbpf_insn v[] = {
		I(CBPF_LD | CBPF_W | CBPF_ABS, 0),
		J(CBPF_JMP | CBPF_JEQ | CBPF_K, 0, 1, 59),
		I(CBPF_RET | CBPF_K, 0x00050001),
		I(CBPF_RET | CBPF_K, 0x7fff0000),
	};
	struct cbpf_seccomp_data sd = { .nr = 59, .arch = 0xc000003e };
	struct cbpf_dbg *dbg = session();
	struct cbpf_dbg_tally t = { 0 };
	struct cbpf_dbg_stop stop;
	struct cbpf_diags d = { 0 };
	struct cbpf_dbg_expr *e;
	uint64_t val;

	load_insns(dbg, v, 4, CBPF_VM_SECCOMP);
	cbpf_dbg_set_seccomp(dbg, &sd);
	ck_assert_int_eq(cbpf_dbg_run(dbg, 0, &stop, &t, &d), 0);
	ck_assert_uint_eq(cbpf_dbg_state(dbg)->ret, 0x00050001);
	sd.nr = 60;
	sd.args[2] = 0x123456789ull;
	cbpf_dbg_set_seccomp(dbg, &sd);
	ck_assert_int_eq(cbpf_dbg_run(dbg, 0, &stop, &t, &d), 0);
	ck_assert_uint_eq(cbpf_dbg_state(dbg)->ret, 0x7fff0000);
	ck_assert_int_eq(cbpf_dbg_expr_parse("nr == 60 && args[2] >> 32 == 1", &e, &d), 0);
	ck_assert_int_eq(cbpf_dbg_expr_eval(dbg, e, &val), 0);
	ck_assert_uint_eq(val, 1);
	cbpf_dbg_expr_free(e);
	/* No packet fields for a seccomp filter. */
	ck_assert_int_eq(cbpf_dbg_expr_parse("pkt[0]", &e, &d), 0);
	ck_assert_int_eq(cbpf_dbg_expr_eval(dbg, e, &val), -ENOENT);
	cbpf_dbg_expr_free(e);
	/* A seccomp program over a capture is refused by the sweep. */
	ck_assert_int_eq(cbpf_dbg_sweep(dbg, &(struct cbpf_dbg_sweep_opts){ 0 }, &t, &d), -EINVAL);
	cbpf_diags_free(&d);
	cbpf_dbg_free(dbg);
}
END_TEST

START_TEST(load_refuses_and_keeps_the_old_program)
{
	static const struct cbpf_insn good[] = { I(CBPF_RET | CBPF_K, 1) };
	static const struct cbpf_insn bad[] = { I(CBPF_LD | CBPF_MEM, 2), I(CBPF_RET | CBPF_A, 0) };
	static const struct cbpf_insn ldh[] = { I(CBPF_LD | CBPF_H | CBPF_ABS, 0),
						I(CBPF_RET | CBPF_A, 0) };
	struct cbpf_dbg *dbg = session();
	struct cbpf_prog *p = cbpf_prog_new(bad, 2);
	struct cbpf_diags d = { 0 };

	load_insns(dbg, good, 1, CBPF_VM_SOCKET);
	ck_assert_int_eq(cbpf_dbg_load(dbg, p, CBPF_VM_SOCKET, &d), -EINVAL);
	ck_assert(strstr(d.v[0].msg, "check_load_and_stores"));
	cbpf_diags_free(&d);
	cbpf_prog_free(p);
	/* ldh is a socket filter's instruction, not a seccomp filter's. */
	p = cbpf_prog_new(ldh, 2);
	ck_assert_int_eq(cbpf_dbg_load(dbg, p, CBPF_VM_SECCOMP, &d), -EINVAL);
	cbpf_diags_free(&d);
	cbpf_prog_free(p);
	ck_assert_uint_eq(cbpf_prog_len(cbpf_dbg_prog(dbg)), 1);
	ck_assert_int_eq(cbpf_dbg_mode(dbg), CBPF_VM_SOCKET);
	cbpf_dbg_free(dbg);
}
END_TEST

/* Expressions compile as tcpdump -r compiles them for the file: DLT_NULL's IPv6 is 24, 28, 30. */
START_TEST(compiles_for_the_capture)
{
	struct cbpf_dbg *dbg = session();
	struct cbpf_compile_opts o = { .linktype = 0 };
	struct cbpf_prog *live, *file;
	struct cbpf_dbg_tally t = { 0 };
	struct cbpf_dbg_stop stop;
	struct cbpf_diags d = { 0 };

	ck_assert_int_eq(cbpf_pcap_compile("ip6", &o, &live, &d), 0);
	open_capture(dbg, "pcaps/null.pcap");
	ck_assert_int_eq(cbpf_dbg_compile(dbg, "ip6", &o, &file, &d), 0);
	ck_assert_uint_ne(cbpf_prog_len(live), cbpf_prog_len(file));
	ck_assert_int_eq(cbpf_dbg_load(dbg, file, CBPF_VM_SOCKET, &d), 0);
	ck_assert_int_eq(cbpf_dbg_run(dbg, 0, &stop, &t, &d), 0);
	ck_assert_uint_eq(t.pass, 5); /* as tcpdump -r pcaps/null.pcap ip6 */
	ck_assert_int_eq(cbpf_dbg_compile(dbg, "ip and", &o, &file, &d), -EINVAL);
	ck_assert_uint_eq(d.errors, 1);
	cbpf_diags_free(&d);
	cbpf_prog_free(live);
	cbpf_prog_free(file);
	cbpf_dbg_free(dbg);
}
END_TEST

/* Numbers as commands read them: C's syntax or plain, too large apart from malformed. */
START_TEST(numbers_in_words)
{
	uint64_t v = 7;

	ck_assert_int_eq(cbpf_dbg_number("052", true, &v), 0);
	ck_assert_uint_eq(v, 42);
	ck_assert_int_eq(cbpf_dbg_number("052", false, &v), 0);
	ck_assert_uint_eq(v, 52);
	ck_assert_int_eq(cbpf_dbg_number("-1", true, &v), 0);
	ck_assert_uint_eq(v, UINT64_MAX);
	ck_assert_int_eq(cbpf_dbg_number("-1", false, &v), -EINVAL);
	ck_assert_int_eq(cbpf_dbg_number("+1", true, &v), -EINVAL);
	ck_assert_int_eq(cbpf_dbg_number("0x10000000000000000", true, &v), -ERANGE);
	ck_assert_int_eq(cbpf_dbg_number("-99999999999999999999", false, &v), -ERANGE);
	ck_assert_int_eq(cbpf_dbg_number("09", true, &v), -EINVAL);
	ck_assert_int_eq(cbpf_dbg_number("0x", false, &v), -EINVAL);
	ck_assert_int_eq(cbpf_dbg_number("", false, &v), -EINVAL);
	ck_assert_uint_eq(v, UINT64_MAX); /* set only on success */
}
END_TEST

/* syscall NAME ARGS: constants of the session's architecture, unions, located errors. */
START_TEST(syscall_words_name_constants)
{
	struct cbpf_dbg *dbg = session();
	struct cbpf_diags d = { 0 };
	struct cbpf_dbg_input in;
	struct cbpf_dbg_names nm;

	ck_assert_int_eq(cbpf_dbg_set_arch(dbg, "x86_64", &d), 0);
	ck_assert_int_eq(cbpf_dbg_set_syscall(dbg, "socket AF_INET6 SOCK_STREAM|SOCK_CLOEXEC 0",
					      &d),
			 0);
	cbpf_dbg_input(dbg, &in);
	ck_assert_int_eq(in.sd->nr, 41);
	ck_assert_uint_eq(in.sd->args[0], 10);
	ck_assert_uint_eq(in.sd->args[1], 0x80001);
	cbpf_dbg_names(dbg, &nm);
	ck_assert_str_eq(nm.syscall, "socket (41)");
	ck_assert_str_eq(nm.arch, "x86_64");
	/* mips numbers its calls and SOCK_STREAM its own way. */
	ck_assert_int_eq(cbpf_dbg_set_arch(dbg, "mips", &d), 0);
	ck_assert_int_eq(cbpf_dbg_set_syscall(dbg, "socket AF_INET SOCK_STREAM", &d), 0);
	cbpf_dbg_input(dbg, &in);
	ck_assert_int_eq(in.sd->nr, 4183);
	ck_assert_uint_eq(in.sd->args[1], 2);
	ck_assert_uint_eq(d.n, 0);
	/* An unknown name: located, the closest names offered, the input unchanged. */
	ck_assert_int_eq(cbpf_dbg_set_syscall(dbg, "socket AF_INET SOCK_STRAEM", &d), -EINVAL);
	ck_assert_uint_eq(d.n, 1);
	ck_assert_uint_eq(d.v[0].line, 1);
	ck_assert_uint_eq(d.v[0].col, 16);
	ck_assert_uint_eq(d.v[0].len, 11);
	ck_assert_ptr_nonnull(strstr(d.v[0].msg, "did you mean 'SOCK_STREAM'"));
	cbpf_diags_free(&d);
	/* a syscall's name too: those of the architecture (mips here) */
	ck_assert_int_eq(cbpf_dbg_set_syscall(dbg, "opnat 1", &d), -EINVAL);
	ck_assert_str_eq(d.v[0].msg, "unknown system call 'opnat' (did you mean 'openat'?)");
	cbpf_diags_free(&d);
	ck_assert_int_eq(cbpf_dbg_set_syscall(dbg, "socket ARCH_SET_FS", &d), -EINVAL);
	ck_assert_str_eq(d.v[0].msg, "constant 'ARCH_SET_FS' is not defined on mips");
	cbpf_diags_free(&d);
	ck_assert_int_eq(cbpf_dbg_set_syscall(dbg, "read 1 2 3 4 5 6 7", &d), -EINVAL);
	ck_assert_int_eq(cbpf_dbg_set_arch(dbg, "vax", &d), -EINVAL);
	ck_assert_uint_eq(d.n, 2);
	cbpf_diags_free(&d);
	cbpf_dbg_input(dbg, &in);
	ck_assert_uint_eq(in.sd->args[1], 2);
	/* An AUDIT_ARCH number names x86_64 before x32, which shares it. */
	ck_assert_int_eq(cbpf_dbg_set_arch(dbg, "0xc000003e", &d), 0);
	ck_assert_int_eq(cbpf_dbg_arch(dbg), CBPF_ARCH_X86_64);
	cbpf_dbg_free(dbg);
}
END_TEST

/* An errno action is named on the session's architecture: 97 on x86_64, 124 on mips. */
START_TEST(results_name_errors)
{
	struct cbpf_dbg *dbg = session();
	struct cbpf_insn ret = I(CBPF_RET | CBPF_K, CBPF_SECCOMP_RET_ERRNO | 97);
	struct cbpf_diags d = { 0 };
	char buf[64];

	load_insns(dbg, &ret, 1, CBPF_VM_SECCOMP);
	cbpf_dbg_result(dbg, ret.k, buf, sizeof(buf));
	ck_assert_str_eq(buf, "errno(97) EAFNOSUPPORT");
	ck_assert_int_eq(cbpf_dbg_set_arch(dbg, "mips", &d), 0);
	cbpf_dbg_result(dbg, CBPF_SECCOMP_RET_ERRNO | 124, buf, sizeof(buf));
	ck_assert_str_eq(buf, "errno(124) EAFNOSUPPORT");
	cbpf_dbg_free(dbg);
}
END_TEST

/* The one list of architecture names, and the one edit distance. */
START_TEST(arch_names_and_distance)
{
	char buf[160], small[8];

	ck_assert_uint_eq(cbpf_arch_names(buf, sizeof(buf), " ", false), strlen(buf));
	ck_assert_ptr_null(strstr(buf, "x32"));
	ck_assert_ptr_nonnull(strstr(buf, "x86_64 i386 aarch64"));
	ck_assert_uint_gt(cbpf_arch_names(small, sizeof(small), ", ", true), sizeof(small));
	ck_assert_str_eq(small, "x86_64,");
	ck_assert_int_eq(cbpf_arch_of_audit(CBPF_AUDIT_ARCH_X86_64, CBPF_ARCH_X32), CBPF_ARCH_X32);
	ck_assert_int_eq(cbpf_arch_of_audit(CBPF_AUDIT_ARCH_X86_64, CBPF_ARCH_MIPS),
			 CBPF_ARCH_X86_64);
	ck_assert_int_eq(cbpf_arch_of_audit(0x1234, CBPF_ARCH_MIPS), CBPF_ARCH_NONE);
	ck_assert_uint_eq(suggest_distance("setp", 4, "step", 4, 2), 1);
	ck_assert_uint_eq(suggest_distance("STEP", 4, "step", 4, 2), 0);
	ck_assert_uint_eq(suggest_distance("quit", 4, "step", 4, 2), 3); /* past the limit */
}
END_TEST

/* bpf_dbg's tally covers one pass: after stops, a select starts it again (issue 15 §4). */
START_TEST(tally_never_exceeds_the_capture)
{
	static const struct cbpf_insn ip4[] = {
		I(CBPF_LD | CBPF_H | CBPF_ABS, 12),
		J(CBPF_JMP | CBPF_JEQ | CBPF_K, 0, 1, 0x800),
		I(CBPF_RET | CBPF_K, 0x40000),
		I(CBPF_RET | CBPF_K, 0),
	};
	struct cbpf_dbg *dbg = session();
	struct cbpf_diags d = { 0 };
	struct cbpf_dbg_tally t;
	struct cbpf_dbg_stop stop;
	uint64_t total;

	load_insns(dbg, ip4, 4, CBPF_VM_SOCKET);
	open_capture(dbg, "pcaps/eth-dns.pcap");
	ck_assert_int_eq(cbpf_dbg_run_tally(dbg, 0, &stop, &t, &d), 0);
	total = t.pass + t.fail;
	ck_assert_int_eq(cbpf_dbg_break(dbg, 3, NULL, NULL, &d), 0);
	ck_assert_int_eq(cbpf_dbg_run_tally(dbg, 0, &stop, &t, &d), 0);
	ck_assert_int_eq(stop.why, CBPF_DBG_HIT_BREAK);
	ck_assert_int_eq(cbpf_dbg_run_tally(dbg, 0, &stop, &t, &d), 0);
	ck_assert_int_eq(stop.why, CBPF_DBG_HIT_BREAK);
	ck_assert_int_eq(cbpf_dbg_select(dbg, 1, &d), 0);
	cbpf_dbg_delete_all(dbg, -1);
	ck_assert_int_eq(cbpf_dbg_run_tally(dbg, 0, &stop, &t, &d), 0);
	ck_assert_uint_eq(t.pass + t.fail, total);
	ck_assert_uint_eq(d.n, 0);
	cbpf_dbg_free(dbg);
}
END_TEST

/* ---------------------------------------------------------------- writers */

/* A memory stream for a writer; closed by written(), which gives what went to it. */
struct written {
	FILE *f;
	char *buf;
	size_t len;
};

static FILE *writing(struct written *w)
{
	w->f = open_memstream(&w->buf, &w->len);
	ck_assert_ptr_nonnull(w->f);
	return w->f;
}

static const char *written(struct written *w)
{
	ck_assert_int_eq(fclose(w->f), 0);
	return w->buf;
}

/* ldh [12]; jeq #0x800: an IPv4 frame is accepted, after st M[1] on the way. */
static const struct cbpf_insn ipv4_only[] = {
	I(CBPF_LD | CBPF_H | CBPF_ABS, 12),
	I(CBPF_ST, 1),
	J(CBPF_JMP | CBPF_JEQ | CBPF_K, 0, 1, 0x800),
	I(CBPF_RET | CBPF_K, 0xffff),
	I(CBPF_RET | CBPF_K, 0),
};

static struct cbpf_dbg *ipv4_session(void)
{
	struct cbpf_dbg *dbg = session();
	uint8_t frame[20] = { [12] = 0x08, [13] = 0x00, [19] = 0xaa };

	load_insns(dbg, ipv4_only, 5, CBPF_VM_SOCKET);
	ck_assert_int_eq(cbpf_dbg_set_packet(dbg, frame, 20, 60, 1), 0);
	return dbg;
}

START_TEST(writers_show_registers_and_input)
{
	struct cbpf_dbg *dbg = ipv4_session();
	struct cbpf_diags d = { 0 };
	struct written w;

	ck_assert_int_eq(cbpf_dbg_step_n(dbg, 2, &d), 1);
	cbpf_dbg_write_regs(writing(&w), dbg, cbpf_dbg_state(dbg), false, false);
	ck_assert_str_eq(written(&w), "pc:       [2]\n"
				      "code:     [21] jt[0] jf[1] k[2048]\n"
				      "curr:     l2:\tjeq #0x800, l3, l4\n"
				      "jt:       l3:\tret #0xffff\n"
				      "jf:       l4:\tret #0\n"
				      "A:        [0x000800][2048]\n"
				      "X:        [00000000][0]\n"
				      "M[1]: [0x000800][2048]\n");
	free(w.buf);
	/* In colour the instructions are cyan. */
	cbpf_dbg_write_regs(writing(&w), dbg, cbpf_dbg_state(dbg), false, true);
	ck_assert_ptr_nonnull(strstr(written(&w), "curr:     \033[36ml2:\tjeq #0x800, l3, l4"
						  "\033[0m\n"));
	free(w.buf);
	/* The stop at the last instruction executed: the st, with the state it saw; no packet. */
	cbpf_dbg_write_last(writing(&w), dbg, false, false);
	ck_assert_str_eq(written(&w), "-- register dump --\n"
				      "pc:       [1]\n"
				      "code:     [2] jt[0] jf[0] k[1]\n"
				      "curr:     l1:\tst M[1]\n"
				      "A:        [0x000800][2048]\n"
				      "X:        [00000000][0]\n"
				      "M[0,15]:  [00000000][0]\n");
	free(w.buf);
	/* set hexdump on: bpf_dbg's packet dump after the registers. */
	ck_assert(!cbpf_dbg_hexdump(dbg));
	ck_assert_int_eq(cbpf_dbg_set(dbg, "hexdump maybe", &d), -EINVAL);
	cbpf_diags_free(&d);
	ck_assert_int_eq(cbpf_dbg_set(dbg, "hexdump on", &d), 0);
	ck_assert(cbpf_dbg_hexdump(dbg));
	cbpf_dbg_write_last(writing(&w), dbg, false, false);
	ck_assert_str_eq(written(&w), "-- register dump --\n"
				      "pc:       [1]\n"
				      "code:     [2] jt[0] jf[0] k[1]\n"
				      "curr:     l1:\tst M[1]\n"
				      "A:        [0x000800][2048]\n"
				      "X:        [00000000][0]\n"
				      "M[0,15]:  [00000000][0]\n"
				      "-- packet dump --\n"
				      "cap: 20, len: 60\n"
				      "  0: 00 00 00 00 00 00 00 00 00 00 00 00 08 00 00 00 \n"
				      " 16: 00 00 00 aa \n");
	free(w.buf);
	/* A stop names itself; a packet set directly has no number to name. */
	struct cbpf_dbg_stop stop = { .why = CBPF_DBG_HIT_WATCH, .id = 2, .mem = 3, .now = 2 };

	cbpf_dbg_write_stopped(writing(&w), dbg, &stop, false);
	ck_assert_str_eq(written(&w), "(watch 2: M[3] 0 -> 0x2)\n");
	free(w.buf);
	cbpf_dbg_free(dbg);
}
END_TEST

START_TEST(writers_mark_the_bytes_read)
{
	struct cbpf_dbg *dbg = ipv4_session();
	struct written w;

	ck_assert_int_eq(cbpf_dbg_write_packet(writing(&w), dbg, false), 0);
	ck_assert_str_eq(written(&w), "packet 0: cap: 20, len: 60\n"
				      "  0: 00 00 00 00 00 00 00 00 00 00 00 00 08 00 00 00 \n"
				      "                                         ^^ ^^\n"
				      " 16: 00 00 00 aa \n"
				      "^^: the 2 bytes the program reads\n");
	free(w.buf);
	ck_assert_int_eq(cbpf_dbg_write_packet(writing(&w), dbg, true), 0);
	ck_assert_ptr_nonnull(strstr(written(&w), "00 \033[1;7m08\033[0m \033[1;7m00\033[0m 00"));
	ck_assert_ptr_nonnull(strstr(w.buf, "highlighted: the 2 bytes"));
	free(w.buf);
	cbpf_dbg_free(dbg);
}
END_TEST

START_TEST(writers_explain_the_path)
{
	struct cbpf_dbg *dbg = ipv4_session();
	struct cbpf_diags d = { 0 };
	struct written w;

	ck_assert_int_eq(cbpf_dbg_step_n(dbg, 1, &d), 1);
	ck_assert_int_eq(cbpf_dbg_write_outcome(writing(&w), dbg), 0);
	ck_assert_str_eq(written(&w),
			 "packet 0 (truncated, 60 bytes): accepted, 65535 bytes after 4 "
			 "instructions\n");
	free(w.buf);
	ck_assert_int_eq(cbpf_dbg_write_why(writing(&w), dbg, false), 0);
	ck_assert_str_eq(written(&w),
			 "packet 0 (truncated, 60 bytes): accepted, 65535 bytes after 4 "
			 "instructions\n"
			 "l0:\tldh [12]                    A = pkt[12:2] = 0x800\n"
			 "l1:\tst M[1]                     M[1] = A = 0x800  <- next\n"
			 "l2:\tjeq #0x800, l3, l4          0x800 == 0x800? yes -> l3\n"
			 "l3:\tret #0xffff                 returns 0xffff: accepted, 65535 "
			 "bytes\n");
	free(w.buf);
	/* Without a program there is nothing to explain, and nothing written. */
	cbpf_dbg_free(dbg);
	dbg = session();
	ck_assert_int_eq(cbpf_dbg_write_why(writing(&w), dbg, false), -EINVAL);
	ck_assert_str_eq(written(&w), "");
	free(w.buf);
	cbpf_dbg_free(dbg);
}
END_TEST

START_TEST(writers_list_the_program_and_its_coverage)
{
	static const uint64_t hits[] = { 3, 3, 3, 1, 0 };
	struct cbpf_dbg_tally t = { .pass = 3 };
	struct cbpf_dbg *dbg = ipv4_session();
	struct written w;

	cbpf_dbg_write_insn(writing(&w), dbg, 2);
	ck_assert_str_eq(written(&w), "l2:\tjeq #0x800, l3, l4\n");
	free(w.buf);
	cbpf_dbg_write_dump(writing(&w), dbg);
	ck_assert_str_eq(written(&w), "/* { op, jt, jf, k }, */\n"
				      "{ 0x28,  0,  0, 0x0000000c },\n"
				      "{ 0x02,  0,  0, 0x00000001 },\n"
				      "{ 0x15,  0,  1, 0x00000800 },\n"
				      "{ 0x06,  0,  0, 0x0000ffff },\n"
				      "{ 0x06,  0,  0, 0000000000 },\n");
	free(w.buf);
	cbpf_dbg_write_coverage(writing(&w), dbg, hits, &t, false);
	ck_assert_str_eq(written(&w), "coverage over 3 packets (3 accepted, 0 dropped):\n"
				      "3  l0:\tldh [12]\n"
				      "3  l1:\tst M[1]\n"
				      "3  l2:\tjeq #0x800, l3, l4\n"
				      "1  l3:\tret #0xffff\n"
				      "0  l4:\tret #0                      <- never reached\n"
				      "4 of 5 instructions reached; never reached: l4\n");
	free(w.buf);
	cbpf_dbg_write_coverage(writing(&w), dbg, hits, &t, true);
	ck_assert_ptr_nonnull(strstr(written(&w), "\033[31m0  l4:\tret #0"));
	free(w.buf);
	cbpf_dbg_free(dbg);
}
END_TEST

START_TEST(writers_show_the_session)
{
	struct cbpf_dbg *dbg = ipv4_session();
	struct cbpf_dbg_tally t = { 0 };
	struct cbpf_dbg_stop stop;
	struct cbpf_diags d = { 0 };
	struct written w;
	unsigned id;

	cbpf_dbg_write_points(writing(&w), dbg);
	ck_assert_str_eq(written(&w), "no breakpoints or watches\n");
	free(w.buf);
	ck_assert_int_eq(cbpf_dbg_break(dbg, 2, NULL, &id, &d), 0);
	ck_assert_int_eq(cbpf_dbg_break(dbg, 2, "A == 1", &id, &d), 0);
	ck_assert_int_eq(cbpf_dbg_watch(dbg, 1, &id), 0);
	ck_assert_int_eq(cbpf_dbg_run_tally(dbg, 0, &stop, &t, &d), 0);
	ck_assert_int_eq(stop.why, CBPF_DBG_HIT_WATCH);
	cbpf_dbg_write_points(writing(&w), dbg);
	ck_assert_str_eq(written(&w), "1\tbreak at l2\n"
				      "2\tbreak at l2 if A == 1\n"
				      "3\twatch M[1]\t(1 hit)\n");
	free(w.buf);
	cbpf_dbg_write_breakpoints(writing(&w), dbg);
	ck_assert_str_eq(written(&w), "breakpoints: 2 \n");
	free(w.buf);
	cbpf_dbg_write_info(writing(&w), dbg);
	ck_assert_str_eq(written(&w), "program: ?, 5 instructions, socket filter\n"
				      "capture: none\n"
				      "run:     at l2 after 2 instructions\n"
				      "points:  3\n");
	free(w.buf);
	ck_assert_int_eq(cbpf_dbg_meta_set(dbg, "mark", 7), 0);
	cbpf_dbg_write_meta(writing(&w), dbg);
	ck_assert_ptr_nonnull(strstr(written(&w), "\nmark         0x7         set\n"));
	free(w.buf);
	cbpf_dbg_delete_all(dbg, -1);
	ck_assert_int_eq(cbpf_dbg_finish(dbg, &stop, &d), 0);
	cbpf_dbg_write_end(writing(&w), dbg, false);
	ck_assert_str_eq(written(&w), "(next packet)\n");
	free(w.buf);
	cbpf_dbg_write_end(writing(&w), dbg, true);
	ck_assert_str_eq(written(&w), "\033[33m(next packet)\033[0m\n");
	free(w.buf);
	t.pass = 2;
	t.fail = 1;
	cbpf_dbg_write_run(writing(&w), dbg, &t);
	ck_assert_str_eq(written(&w), "bpf passes:2 fails:1\n");
	free(w.buf);
	cbpf_diags_free(&d);
	cbpf_dbg_free(dbg);
}
END_TEST

START_TEST(writers_show_the_seccomp_input)
{
	static const struct cbpf_insn v[] = {
		I(CBPF_LD | CBPF_W | CBPF_ABS, 0),
		J(CBPF_JMP | CBPF_JEQ | CBPF_K, 0, 1, 59),
		I(CBPF_RET | CBPF_K, 0x00050001),
		I(CBPF_RET | CBPF_K, 0x7fff0000),
	};
	struct cbpf_seccomp_data sd = { .nr = 59, .arch = 0xc000003e, .args = { 1, 2 } };
	struct cbpf_dbg *dbg = session();
	struct cbpf_dbg_tally t = { 0 };
	struct cbpf_dbg_stop stop;
	struct cbpf_diags d = { 0 };
	struct written w;

	load_insns(dbg, v, 4, CBPF_VM_SECCOMP);
	cbpf_dbg_set_seccomp(dbg, &sd);
	cbpf_dbg_write_input(writing(&w), dbg);
	ck_assert_str_eq(written(&w), "-- seccomp data --\n"
				      "nr:       [59] execve\n"
				      "arch:     [0xc000003e] x86_64\n"
				      "ip:       [0]\n"
				      "args:     [0x1][0x2][0][0][0][0]\n");
	free(w.buf);
	ck_assert_int_eq(cbpf_dbg_run_tally(dbg, 0, &stop, &t, &d), 0);
	cbpf_dbg_write_run(writing(&w), dbg, &t);
	ck_assert_str_eq(written(&w), "syscall execve (59), arch x86_64: errno(1) EPERM "
				      "(ret 0x50001)\n");
	free(w.buf);
	cbpf_dbg_write_end(writing(&w), dbg, false);
	ck_assert_str_eq(written(&w), "(action: errno(1) EPERM)\n");
	free(w.buf);
	cbpf_dbg_free(dbg);
}
END_TEST

Suite *dbg_suite(void)
{
	Suite *s = suite_create("dbg");
	TCase *step = tcase_create("step");
	TCase *cap = tcase_create("capture");
	TCase *words = tcase_create("words");
	TCase *writers = tcase_create("writers");

	tcase_add_test(step, back_restores_exactly);
	tcase_add_test(step, history_holds_each_step);
	tcase_add_test(step, breakpoints_and_watches_stop_runs);
	tcase_add_test(step, seccomp_input);
	tcase_add_test(step, load_refuses_and_keeps_the_old_program);
	tcase_set_timeout(step, 60);
	suite_add_tcase(s, step);
	tcase_add_test(cap, select_next_and_wrap);
	tcase_add_test(cap, capture_from_a_pipe);
	tcase_add_test(cap, bad_captures);
	tcase_add_test(cap, runs_agree_with_the_interpreter);
	tcase_add_test(cap, coverage_is_the_sum_of_traces);
	tcase_add_test(cap, run_limits_and_goes_back_to_the_first_packet);
	tcase_add_test(cap, sweep_writes_the_accepted_packets);
	tcase_add_test(cap, metadata_from_frames_and_set);
	tcase_add_test(cap, compiles_for_the_capture);
	tcase_add_test(cap, tally_never_exceeds_the_capture);
	tcase_set_timeout(cap, 120);
	suite_add_tcase(s, cap);
	tcase_add_test(words, numbers_in_words);
	tcase_add_test(words, syscall_words_name_constants);
	tcase_add_test(words, results_name_errors);
	tcase_add_test(words, arch_names_and_distance);
	suite_add_tcase(s, words);
	tcase_add_test(writers, writers_show_registers_and_input);
	tcase_add_test(writers, writers_mark_the_bytes_read);
	tcase_add_test(writers, writers_explain_the_path);
	tcase_add_test(writers, writers_list_the_program_and_its_coverage);
	tcase_add_test(writers, writers_show_the_session);
	tcase_add_test(writers, writers_show_the_seccomp_input);
	suite_add_tcase(s, writers);
	return s;
}
