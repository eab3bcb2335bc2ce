// SPDX-License-Identifier: MIT
/*
 * The translator's hoisting: one XDP or tc bounds check for a straight run of loads, and none
 * where every path to it checked enough already.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <linux/bpf.h>
#include <linux/pkt_cls.h>

#include "classic/insn_int.h"
#include "ebpf/xlate_int.h"

/*
 * xdp and tc: the loads whose bytes one check per straight run provides, and where their bytes
 * end. Both keep bytes [0, end): xdp checks the frame is that long, tc that its linear part is,
 * or else copies them to the stack (checking from 0 rather than from the run's first byte lets
 * later runs find theirs checked).
 */
static bool run_load(const struct xl *x, const struct cbpf_insn *in, uint32_t *end)
{
	uint32_t size = xl_is_msh(in->code) ? 1 : xl_load_size(in->code), off;

	if (!xl_is_packet_abs(in))
		return false;
	if (xl_direct(x) && xl_xdp_rel(in->k, size, &off)) {
		*end = off + size;
		return true;
	}
	if (x->target == CBPF_TARGET_TC && xl_tc_buffered(in->k, size)) {
		*end = in->k + size;
		return true;
	}
	return false;
}

/*
 * xdp and tc, backward: guard[i] is a packet length below which the program from instruction i
 * returns 0, whatever A, X and M[] are: a load of bytes [0, end) fails below end and otherwise
 * goes on, a conditional jump guards what both its sides do, ret #0 and a doomed instruction
 * every length, another return none. A bounds check (xdp; tc's, whose fallback
 * bpf_skb_load_bytes() fails exactly when a load would) may then ask for guard[i] bytes instead
 * of its run's own: where it fails the program would have returned 0 anyway, and later runs
 * need no check of their own (cbpfc's "guaranteed guards": a bounds check rises above
 * the branches whose other side returns no match).
 */
void xl_guards(struct xl *x)
{
	if (!xl_direct(x) && x->target != CBPF_TARGET_TC)
		return;
	for (uint32_t i = x->n; i-- > 0;) {
		const struct cbpf_insn *in = &x->ci[i];
		uint32_t g, end, s[2];
		int ns;

		if (xl_doomed(x, in)) {
			g = GUARD_ALL;
		} else if (insn_is_ret(in)) {
			g = in->code == (CBPF_RET | CBPF_K) && !in->k ? GUARD_ALL : 0;
		} else {
			ns = xl_successors(x, i, s);
			g = x->guard[s[0]];
			if (ns == 2 && x->guard[s[1]] < g)
				g = x->guard[s[1]];
			if (run_load(x, in, &end) && end > g)
				g = end;
		}
		x->guard[i] = g;
	}
}

/* Per straight run: the extent of its loads, kept at the first of them (F_FIRST). */
void xl_run_needs(struct xl *x)
{
	if (!xl_direct(x) && x->target != CBPF_TARGET_TC)
		return;
	for (uint32_t i = 0; i < x->n;) {
		uint32_t j = i, hi = 0, end;
		long first = -1;
		bool stop = false;

		do {
			if (xl_doomed(x, &x->ci[j])) {
				stop = true; /* nothing after it in the run ever runs */
			} else if (!stop && run_load(x, &x->ci[j], &end)) {
				hi = end > hi ? end : hi;
				if (first < 0)
					first = j;
			}
			j++;
		} while (j < x->n && !(x->flags[j] & F_LEADER));
		if (first >= 0) {
			x->flags[first] |= F_FIRST;
			x->need_hi[first] = hi;
		}
		i = j;
	}
}
