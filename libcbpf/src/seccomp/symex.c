// SPDX-License-Identifier: MIT
/* Every path of a seccomp filter, followed symbolically: what each path knows of seccomp_data. */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "classic/prog.h"
#include "seccomp/symex.h"
#include "seccomp/systab.h"

#define SX_MAX_PATHS ((size_t)1 << 18)
#define SX_MAX_STEPS ((size_t)1 << 26)

/* ---------------------------------------------------------------- sets */

static int iset_reserve(struct iset *s, size_t n)
{
	uint32_t *v = realloc(s->v, (n ? n : 1) * 2 * sizeof(*v));

	if (!v)
		return -ENOMEM;
	s->v = v;
	return 0;
}

int iset_full(struct iset *s)
{
	s->v = NULL;
	s->n = 0;
	if (iset_reserve(s, 1))
		return -ENOMEM;
	s->v[0] = 0;
	s->v[1] = UINT32_MAX;
	s->n = 1;
	return 0;
}

void iset_fini(struct iset *s)
{
	free(s->v);
	s->v = NULL;
	s->n = 0;
}

int iset_copy(struct iset *d, const struct iset *s)
{
	d->v = malloc((s->n ? s->n : 1) * 2 * sizeof(*d->v));
	if (!d->v)
		return -ENOMEM;
	memcpy(d->v, s->v, s->n * 2 * sizeof(*d->v));
	d->n = s->n;
	return 0;
}

bool iset_is_full(const struct iset *s)
{
	return s->n == 1 && s->v[0] == 0 && s->v[1] == UINT32_MAX;
}

bool iset_has(const struct iset *s, uint32_t v)
{
	size_t lo = 0, hi = s->n;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (v < s->v[2 * mid])
			hi = mid;
		else if (v > s->v[2 * mid + 1])
			lo = mid + 1;
		else
			return true;
	}
	return false;
}

uint64_t iset_count(const struct iset *s)
{
	uint64_t c = 0;

	for (size_t i = 0; i < s->n; i++)
		c += (uint64_t)s->v[2 * i + 1] - s->v[2 * i] + 1;
	return c;
}

int iset_clip(struct iset *s, uint32_t lo, uint32_t hi, bool keep)
{
	struct iset r = { 0, NULL };
	size_t j = 0;

	if (iset_reserve(&r, s->n + 1))
		return -ENOMEM;
	for (size_t i = 0; i < s->n; i++) {
		uint32_t a = s->v[2 * i], b = s->v[2 * i + 1];

		if (keep) {
			uint32_t x = a > lo ? a : lo, y = b < hi ? b : hi;

			if (x <= y)
				r.v[2 * j] = x, r.v[2 * j + 1] = y, j++;
			continue;
		}
		if (b < lo || a > hi) {
			r.v[2 * j] = a, r.v[2 * j + 1] = b, j++;
			continue;
		}
		if (a < lo)
			r.v[2 * j] = a, r.v[2 * j + 1] = lo - 1, j++;
		if (b > hi)
			r.v[2 * j] = hi + 1, r.v[2 * j + 1] = b, j++;
	}
	r.n = j;
	free(s->v);
	*s = r;
	return 0;
}

int iset_and(struct iset *d, const struct iset *s)
{
	struct iset r = { 0, NULL };
	size_t i = 0, j = 0, k = 0;

	if (iset_reserve(&r, d->n + s->n))
		return -ENOMEM;
	while (i < d->n && j < s->n) {
		uint32_t a = d->v[2 * i] > s->v[2 * j] ? d->v[2 * i] : s->v[2 * j];
		uint32_t b = d->v[2 * i + 1] < s->v[2 * j + 1] ? d->v[2 * i + 1] : s->v[2 * j + 1];

		if (a <= b)
			r.v[2 * k] = a, r.v[2 * k + 1] = b, k++;
		if (d->v[2 * i + 1] < s->v[2 * j + 1])
			i++;
		else
			j++;
	}
	r.n = k;
	free(d->v);
	*d = r;
	return 0;
}

uint32_t sx_action_norm(uint32_t action)
{
	uint32_t full = action & CBPF_SECCOMP_RET_ACTION_FULL;

	switch (full) {
	case CBPF_SECCOMP_RET_ERRNO:
	case CBPF_SECCOMP_RET_TRACE:
	case CBPF_SECCOMP_RET_TRAP:
		return action;
	case CBPF_SECCOMP_RET_KILL_PROCESS:
	case CBPF_SECCOMP_RET_KILL_THREAD:
	case CBPF_SECCOMP_RET_USER_NOTIF:
	case CBPF_SECCOMP_RET_LOG:
	case CBPF_SECCOMP_RET_ALLOW:
		return full;
	default:
		/* kernel/seccomp.c: an action it does not know kills the process. */
		return CBPF_SECCOMP_RET_KILL_PROCESS;
	}
}

/* ---------------------------------------------------------------- the walk */

enum { SV_K, SV_W, SV_OPQ };

struct sval {
	uint8_t kind;
	uint8_t word;
	uint32_t k; /* SV_K: the value; SV_W: the mask applied to the word */
};

struct state {
	struct sval a, x, mem[16];
	struct sx_path p;
};

struct walk {
	const struct cbpf_prog *prog;
	struct cbpf_seccomp_model *m;
	struct cbpf_diags *diags;
	size_t steps;
	int err;
};

void sx_path_fini(struct sx_path *p)
{
	for (int w = 0; w < SX_WORDS; w++)
		iset_fini(&p->w[w]);
	for (size_t i = 0; i < p->nm; i++)
		iset_fini(&p->m[i].set);
	free(p->m);
	free(p->o);
	memset(p, 0, sizeof(*p));
}

static int path_copy(struct sx_path *d, const struct sx_path *s)
{
	memset(d, 0, sizeof(*d));
	d->action = s->action;
	d->ret_pc = s->ret_pc;
	d->nr_before_arch = s->nr_before_arch;
	memcpy(d->wpc, s->wpc, sizeof(d->wpc));
	for (int w = 0; w < SX_WORDS; w++)
		if (iset_copy(&d->w[w], &s->w[w]))
			goto nomem;
	if (s->nm) {
		d->m = calloc(s->nm, sizeof(*d->m));
		if (!d->m)
			goto nomem;
		for (size_t i = 0; i < s->nm; i++) {
			d->m[i] = s->m[i];
			if (iset_copy(&d->m[i].set, &s->m[i].set)) {
				d->m[i].set.v = NULL;
				d->nm = i;
				goto nomem;
			}
		}
		d->nm = s->nm;
	}
	if (s->no) {
		d->o = malloc(s->no * sizeof(*d->o));
		if (!d->o)
			goto nomem;
		memcpy(d->o, s->o, s->no * sizeof(*d->o));
		d->no = s->no;
	}
	return 0;
nomem:
	sx_path_fini(d);
	return -ENOMEM;
}

bool sx_has_conds(const struct sx_path *p)
{
	for (int w = 2; w < SX_WORDS; w++)
		if (!iset_is_full(&p->w[w]))
			return true;
	for (size_t i = 0; i < p->nm; i++)
		if (p->m[i].word >= 2)
			return true;
	return p->no > 0;
}

/*
 * Whether the plain set and the masked sets of word w can hold at once. Exact where the plain
 * set is small (every value tried) or the masked sets fix bits; otherwise assumed.
 */
static bool word_feasible(const struct sx_path *p, int w)
{
	const struct iset *s = &p->w[w];
	uint32_t one = 0, zero = 0;

	if (!s->n)
		return false;
	for (size_t i = 0; i < p->nm; i++)
		if (p->m[i].word == w && !p->m[i].set.n)
			return false;
	if (iset_count(s) <= 256) {
		for (size_t r = 0; r < s->n; r++)
			for (uint64_t v = s->v[2 * r]; v <= s->v[2 * r + 1]; v++) {
				bool ok = true;

				for (size_t i = 0; i < p->nm && ok; i++)
					if (p->m[i].word == w &&
					    !iset_has(&p->m[i].set, (uint32_t)v & p->m[i].mask))
						ok = false;
				if (ok)
					return true;
			}
		return false;
	}
	/* Bits fixed by masked equalities (and single-bit tests) must agree. */
	for (size_t i = 0; i < p->nm; i++) {
		const struct mcon *c = &p->m[i];
		uint32_t v;

		if (c->word != w)
			continue;
		if (!(c->mask & (c->mask - 1))) {
			bool zero_ok = iset_has(&c->set, 0), one_ok = iset_has(&c->set, c->mask);

			if (!zero_ok && !one_ok)
				return false;
			if (zero_ok != one_ok)
				v = one_ok ? c->mask : 0;
			else
				continue;
		} else if (c->set.n == 1 && c->set.v[0] == c->set.v[1]) {
			v = c->set.v[0];
		} else {
			continue;
		}
		if ((one & c->mask & ~v) || (zero & c->mask & v))
			return false;
		one |= c->mask & v;
		zero |= c->mask & ~v;
	}
	/* What the known bits decide of the other masked tests. */
	for (size_t i = 0; i < p->nm; i++) {
		const struct mcon *c = &p->m[i];

		if (c->word == w && !iset_has(&c->set, 0) && c->set.n == 1 &&
		    c->set.v[1] == c->mask && (zero & c->mask) == c->mask)
			return false;
		/* Every bit of the mask known: the masked value is. */
		if (c->word == w && ((one | zero) & c->mask) == c->mask &&
		    !iset_has(&c->set, one & c->mask))
			return false;
	}
	return true;
}

/* Narrows the path by "value op k" being outcome, where value is word w & mask. */
static int narrow(struct sx_path *p, int w, uint32_t mask, uint16_t op, uint32_t k, bool outcome,
		  uint32_t pc, bool *feasible)
{
	struct iset *s = &p->w[w];
	int err = 0;

	if (op == CBPF_JSET) {
		/* (w & mask) & k != 0: a masked test of mask & k. */
		mask &= k;
		op = CBPF_JGT;
		k = 0;
	}
	if (mask == 0) {
		/* The value is 0 whatever the word holds. */
		bool r = op == CBPF_JEQ ? k == 0 : op == CBPF_JGT ? false : k == 0;

		*feasible = r == outcome;
		return 0;
	}
	if (mask != UINT32_MAX && !((~mask) & (~mask + 1))) {
		/*
		 * A mask of high bits (libseccomp's and cbpf's ranges cut into aligned blocks):
		 * the masked value is the word rounded down, so the test is one on the word.
		 */
		uint64_t low = ~mask, step = low + 1, t;

		switch (op) {
		case CBPF_JEQ:
			if (k & low) {
				*feasible = !outcome;
				return 0;
			}
			op = CBPF_JEQ;
			err = iset_clip(s, k, (uint32_t)(k | low), outcome);
			break;
		case CBPF_JGT:
		case CBPF_JGE:
			t = op == CBPF_JGT ? ((uint64_t)k & mask) + step
					   : ((uint64_t)k + low) & ~low;
			if (t > UINT32_MAX)
				err = iset_clip(s, 0, UINT32_MAX, !outcome);
			else if (t == 0)
				err = iset_clip(s, 0, UINT32_MAX, outcome);
			else if (outcome)
				err = iset_clip(s, (uint32_t)t, UINT32_MAX, true);
			else
				err = iset_clip(s, 0, (uint32_t)t - 1, true);
			break;
		default:
			break;
		}
		if (err)
			return err;
		op = 0xffff; /* done */
	} else if (mask != UINT32_MAX) {
		struct mcon *c = NULL;

		for (size_t i = 0; i < p->nm; i++)
			if (p->m[i].word == w && p->m[i].mask == mask)
				c = &p->m[i];
		if (!c) {
			struct mcon *nm = realloc(p->m, (p->nm + 1) * sizeof(*nm));

			if (!nm)
				return -ENOMEM;
			p->m = nm;
			c = &p->m[p->nm];
			c->word = (uint8_t)w;
			c->mask = mask;
			if (iset_full(&c->set))
				return -ENOMEM;
			p->nm++;
			if (iset_clip(&c->set, 0, mask, true))
				return -ENOMEM;
		}
		s = &c->set;
	}
	switch (op) {
	case CBPF_JEQ:
		err = iset_clip(s, k, k, outcome);
		break;
	case CBPF_JGT:
		if (outcome)
			err = k == UINT32_MAX ? iset_clip(s, 0, UINT32_MAX, false)
					      : iset_clip(s, k + 1, UINT32_MAX, true);
		else
			err = iset_clip(s, 0, k, true);
		break;
	case CBPF_JGE:
		if (outcome)
			err = iset_clip(s, k, UINT32_MAX, true);
		else
			err = k == 0 ? iset_clip(s, 0, UINT32_MAX, false)
				     : iset_clip(s, 0, k - 1, true);
		break;
	default:
		break;
	}
	if (err)
		return err;
	if (p->wpc[w] < 0)
		p->wpc[w] = (int32_t)pc;
	if (w == SX_NR && p->nr_before_arch < 0 && iset_is_full(&p->w[SX_ARCH]))
		p->nr_before_arch = (int32_t)pc;
	*feasible = word_feasible(p, w);
	return 0;
}

static int add_opaque(struct sx_path *p, uint32_t pc, bool taken)
{
	struct ocon *o = realloc(p->o, (p->no + 1) * sizeof(*o));

	if (!o)
		return -ENOMEM;
	p->o = o;
	p->o[p->no].pc = pc;
	p->o[p->no].taken = taken;
	p->no++;
	return 0;
}

static int fail(struct walk *wk, size_t pc, int err, const char *msg)
{
	if (!wk->err)
		cbpf_diags_add(wk->diags, CBPF_SEV_ERROR, cbpf_prog_file(wk->prog), 0, 0, 0,
			       (long)pc, "%s", msg);
	wk->err = err;
	return err;
}

static int save_path(struct walk *wk, const struct state *st, uint32_t action, size_t pc)
{
	struct cbpf_seccomp_model *m = wk->m;

	if (m->n == SX_MAX_PATHS)
		return fail(wk, pc, -E2BIG, "the filter has more than 262144 paths to a return");
	if (m->n == m->cap) {
		size_t cap = m->cap ? m->cap * 2 : 64;
		struct sx_path *np = realloc(m->paths, cap * sizeof(*np));

		if (!np)
			return -ENOMEM;
		m->paths = np;
		m->cap = cap;
	}
	if (path_copy(&m->paths[m->n], &st->p))
		return -ENOMEM;
	m->paths[m->n].action = action;
	m->paths[m->n].ret_pc = (uint32_t)pc;
	m->n++;
	return 0;
}

static int state_copy(struct state *d, const struct state *s)
{
	d->a = s->a;
	d->x = s->x;
	memcpy(d->mem, s->mem, sizeof(d->mem));
	return path_copy(&d->p, &s->p);
}

static uint32_t alu(uint16_t op, uint32_t a, uint32_t b)
{
	switch (op) {
	case CBPF_ADD:
		return a + b;
	case CBPF_SUB:
		return a - b;
	case CBPF_MUL:
		return a * b;
	case CBPF_DIV:
		return b ? a / b : 0;
	case CBPF_MOD:
		return b ? a % b : 0;
	case CBPF_OR:
		return a | b;
	case CBPF_AND:
		return a & b;
	case CBPF_XOR:
		return a ^ b;
	case CBPF_LSH:
		return a << (b & 31); /* the eBPF the kernel runs masks the count */
	case CBPF_RSH:
		return a >> (b & 31);
	case CBPF_NEG:
		return -a;
	default:
		return 0;
	}
}

static int walk(struct walk *wk, struct state *st, size_t pc);

/* A conditional jump at pc: each feasible outcome followed. */
static int branch(struct walk *wk, struct state *st, size_t pc)
{
	const struct cbpf_insn *in = &wk->prog->insns[pc];
	uint16_t op = CBPF_OP(in->code);
	size_t tt = pc + 1 + in->jt, ff = pc + 1 + in->jf;
	struct sval a = st->a,
		    b = CBPF_SRC(in->code) == CBPF_X ? st->x : (struct sval){ SV_K, 0, in->k };
	bool outs[2] = { true, true }, kinds_ok = true;
	struct state alt;
	int err;

	if (a.kind == SV_K && b.kind == SV_K) {
		uint32_t x = a.k, y = b.k;
		bool r = op == CBPF_JEQ	  ? x == y
			 : op == CBPF_JGT ? x > y
			 : op == CBPF_JGE ? x >= y
					  : (x & y) != 0;
		return walk(wk, st, r ? tt : ff);
	}
	/* Constant on the left, a word on the right: the same test turned round. */
	if (a.kind == SV_K && b.kind == SV_W) {
		struct sval t = a;

		a = b;
		b = t;
		if (op == CBPF_JGT || op == CBPF_JGE) {
			/* c > w is w < c is !(w >= c); c >= w is !(w > c) */
			op = op == CBPF_JGT ? CBPF_JGE : CBPF_JGT;
			size_t sw = tt;
			tt = ff;
			ff = sw;
		}
	}
	if (a.kind != SV_W || b.kind != SV_K)
		kinds_ok = false;
	if (tt == ff) {
		return walk(wk, st, tt);
	}
	err = state_copy(&alt, st);
	if (err)
		return err;
	if (kinds_ok) {
		err = narrow(&alt.p, a.word, a.k, op, b.k, true, (uint32_t)pc, &outs[0]);
		if (!err)
			err = narrow(&st->p, a.word, a.k, op, b.k, false, (uint32_t)pc, &outs[1]);
	} else {
		wk->m->opaque = true;
		err = add_opaque(&alt.p, (uint32_t)pc, true);
		if (!err)
			err = add_opaque(&st->p, (uint32_t)pc, false);
	}
	if (!err && outs[0])
		err = walk(wk, &alt, tt);
	sx_path_fini(&alt.p);
	if (!err && outs[1])
		err = walk(wk, st, ff);
	return err;
}

static int walk(struct walk *wk, struct state *st, size_t pc)
{
	const struct cbpf_prog *prog = wk->prog;
	char msg[128];

	for (;;) {
		const struct cbpf_insn *in;
		struct sval *dst, v;

		if (pc >= prog->len)
			return fail(
				wk, prog->len ? prog->len - 1 : 0, -EINVAL,
				"a path runs past the last instruction: the filter never returns "
				"there");
		if (++wk->steps > SX_MAX_STEPS)
			return fail(wk, pc, -E2BIG, "the filter has too many paths to follow");
		in = &prog->insns[pc];
		wk->m->reached[pc] = true;
		switch (CBPF_CLASS(in->code)) {
		case CBPF_LD:
		case CBPF_LDX:
			dst = CBPF_CLASS(in->code) == CBPF_LD ? &st->a : &st->x;
			switch (CBPF_MODE(in->code)) {
			case CBPF_IMM:
				*dst = (struct sval){ SV_K, 0, in->k };
				break;
			case CBPF_LEN:
				*dst = (struct sval){ SV_K, 0, 64 };
				break;
			case CBPF_MEM:
				if (in->k >= 16)
					return fail(wk, pc, -EINVAL,
						    "scratch memory index out of range");
				*dst = st->mem[in->k];
				break;
			case CBPF_ABS:
				if (CBPF_SIZE(in->code) != CBPF_W || in->k >= 64 || (in->k & 3)) {
					snprintf(msg, sizeof(msg),
						 "loads offset %" PRIu32
						 ", outside the 32-bit words of "
						 "struct seccomp_data (64 bytes)",
						 in->k);
					return fail(wk, pc, -EINVAL, msg);
				}
				*dst = (struct sval){ SV_W, (uint8_t)(in->k / 4), UINT32_MAX };
				break;
			default:
				return fail(
					wk, pc, -EINVAL,
					"loads relative to X, which seccomp filters may not do");
			}
			pc++;
			continue;
		case CBPF_ST:
		case CBPF_STX:
			if (in->k >= 16)
				return fail(wk, pc, -EINVAL, "scratch memory index out of range");
			st->mem[in->k] = CBPF_CLASS(in->code) == CBPF_ST ? st->a : st->x;
			pc++;
			continue;
		case CBPF_ALU: {
			uint16_t op = CBPF_OP(in->code);

			v = CBPF_SRC(in->code) == CBPF_X ? st->x : (struct sval){ SV_K, 0, in->k };
			if (op == CBPF_NEG)
				v = (struct sval){ SV_K, 0, 0 };
			if ((op == CBPF_DIV || op == CBPF_MOD) && v.kind == SV_K && v.k == 0) {
				/* net/core/filter.c: a division by X == 0 returns 0. */
				return save_path(wk, st, 0, pc);
			}
			if ((op == CBPF_DIV || op == CBPF_MOD) && v.kind != SV_K) {
				/* X may be 0 there: that path returns 0, the other goes on. */
				struct state zero;
				bool feas[2] = { true, true };
				int err = state_copy(&zero, st);

				if (err)
					return err;
				if (v.kind == SV_W) {
					err = narrow(&zero.p, v.word, v.k, CBPF_JEQ, 0, true,
						     (uint32_t)pc, &feas[0]);
					if (!err)
						err = narrow(&st->p, v.word, v.k, CBPF_JEQ, 0,
							     false, (uint32_t)pc, &feas[1]);
				} else {
					wk->m->opaque = true;
					err = add_opaque(&zero.p, (uint32_t)pc, true);
					if (!err)
						err = add_opaque(&st->p, (uint32_t)pc, false);
				}
				if (!err && feas[0])
					err = save_path(wk, &zero, 0, pc);
				sx_path_fini(&zero.p);
				if (err)
					return err;
				if (!feas[1])
					return 0;
			}
			if (st->a.kind == SV_K && v.kind == SV_K)
				st->a.k = alu(op, st->a.k, v.k);
			else if (st->a.kind == SV_W && v.kind == SV_K && op == CBPF_AND)
				st->a.k &= v.k;
			else
				st->a = (struct sval){ SV_OPQ, 0, (uint32_t)pc };
			pc++;
			continue;
		}
		case CBPF_JMP:
			if (CBPF_OP(in->code) == CBPF_JA) {
				pc += 1 + (size_t)in->k;
				continue;
			}
			return branch(wk, st, pc);
		case CBPF_RET:
			v = CBPF_RVAL(in->code) == CBPF_K   ? (struct sval){ SV_K, 0, in->k }
			    : CBPF_RVAL(in->code) == CBPF_X ? st->x
							    : st->a;
			if (v.kind != SV_K)
				return fail(
					wk, pc, -EINVAL,
					"returns a value computed from seccomp_data, which cannot "
					"be explained as a table of actions");
			return save_path(wk, st, v.k, pc);
		case CBPF_MISC:
			if (CBPF_MISCOP(in->code) == CBPF_TAX)
				st->x = st->a;
			else
				st->a = st->x;
			pc++;
			continue;
		default:
			return fail(wk, pc, -EINVAL, "unknown instruction class");
		}
	}
}

void cbpf_seccomp_model_free(struct cbpf_seccomp_model *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->n; i++)
		sx_path_fini(&m->paths[i]);
	free(m->paths);
	free(m->reached);
	free(m);
}

size_t cbpf_seccomp_model_paths(const struct cbpf_seccomp_model *m)
{
	return m->n;
}

int cbpf_seccomp_model_new(const struct cbpf_prog *prog, struct cbpf_seccomp_model **out,
			   struct cbpf_diags *diags)
{
	struct walk wk = { prog, NULL, diags, 0, 0 };
	struct state st;
	int err;

	wk.m = calloc(1, sizeof(*wk.m));
	if (!wk.m)
		return -ENOMEM;
	wk.m->len = prog->len;
	wk.m->reached = calloc(prog->len + 1, sizeof(bool));
	memset(&st, 0, sizeof(st));
	for (int i = 0; i < 16; i++)
		st.mem[i] = (struct sval){ SV_K, 0, 0 };
	st.a = st.x = (struct sval){ SV_K, 0, 0 };
	st.p.nr_before_arch = -1;
	err = wk.m->reached ? 0 : -ENOMEM;
	for (int w = 0; w < SX_WORDS && !err; w++) {
		st.p.wpc[w] = -1;
		err = iset_full(&st.p.w[w]);
	}
	if (!err && !prog->len)
		err = fail(&wk, 0, -EINVAL, "the filter is empty: it never returns");
	if (!err)
		err = walk(&wk, &st, 0);
	sx_path_fini(&st.p);
	if (!err && wk.err)
		err = wk.err;
	if (err) {
		cbpf_seccomp_model_free(wk.m);
		return err;
	}
	*out = wk.m;
	return 0;
}

uint32_t cbpf_seccomp_model_eval(const struct cbpf_seccomp_model *m, uint32_t nr, uint32_t arch,
				 uint64_t ip, const uint64_t args[6])
{
	uint32_t word[SX_WORDS];

	word[0] = nr;
	word[1] = arch;
	word[2] = (uint32_t)ip;
	word[3] = (uint32_t)(ip >> 32);
	for (int i = 0; i < 6; i++) {
		word[4 + 2 * i] = (uint32_t)args[i];
		word[5 + 2 * i] = (uint32_t)(args[i] >> 32);
	}
	for (size_t i = 0; i < m->n; i++) {
		const struct sx_path *p = &m->paths[i];
		bool ok = !p->no;

		for (int w = 0; w < SX_WORDS && ok; w++)
			ok = iset_has(&p->w[w], word[w]);
		for (size_t j = 0; j < p->nm && ok; j++)
			ok = iset_has(&p->m[j].set, word[p->m[j].word] & p->m[j].mask);
		if (ok)
			return p->action;
	}
	return CBPF_SECCOMP_RET_KILL_PROCESS;
}

/* ---------------------------------------------------------------- meeting paths */

int sx_meet(const struct sx_path *a, const struct sx_path *b, bool *meets, struct sx_path *out)
{
	struct sx_path t;
	int err = path_copy(&t, a);

	*meets = false;
	if (err)
		return err;
	for (int w = 2; w < SX_WORDS && !err; w++)
		err = iset_and(&t.w[w], &b->w[w]);
	for (size_t i = 0; i < b->nm && !err; i++) {
		const struct mcon *c = &b->m[i];
		struct mcon *d = NULL;

		if (c->word < 2)
			continue;
		for (size_t j = 0; j < t.nm; j++)
			if (t.m[j].word == c->word && t.m[j].mask == c->mask)
				d = &t.m[j];
		if (d) {
			err = iset_and(&d->set, &c->set);
			continue;
		}
		d = realloc(t.m, (t.nm + 1) * sizeof(*d));
		if (!d) {
			err = -ENOMEM;
			break;
		}
		t.m = d;
		t.m[t.nm].word = c->word;
		t.m[t.nm].mask = c->mask;
		err = iset_copy(&t.m[t.nm].set, &c->set);
		if (!err)
			t.nm++;
	}
	for (size_t i = 0; i < b->no && !err; i++) {
		bool dup = false;

		for (size_t j = 0; j < t.no; j++)
			if (t.o[j].pc == b->o[i].pc)
				dup = true;
		if (!dup)
			err = add_opaque(&t, b->o[i].pc, b->o[i].taken);
	}
	if (!err) {
		*meets = true;
		for (int w = 2; w < SX_WORDS && *meets; w++)
			*meets = word_feasible(&t, w);
	}
	if (!err && out && *meets)
		*out = t;
	else
		sx_path_fini(&t);
	return err;
}

/* ---------------------------------------------------------------- printing conditions */

static void put_num(FILE *out, uint64_t v)
{
	if (v < 1024)
		fprintf(out, "%" PRIu64, v);
	else
		fprintf(out, "0x%" PRIx64, v);
}

/* A set of values of name (0 .. max), in the fewest words: == != >= <= a..b, in {...}. */
static void set_print(FILE *out, const char *name, const uint64_t *v, size_t n, uint64_t max)
{
	if (n == 1 && v[0] == v[1]) {
		fprintf(out, "%s == ", name);
		put_num(out, v[0]);
	} else if (n == 2 && v[0] == 0 && v[3] == max && v[2] == v[1] + 2) {
		fprintf(out, "%s != ", name);
		put_num(out, v[1] + 1);
	} else if (n == 1 && v[1] == max) {
		fprintf(out, "%s >= ", name);
		put_num(out, v[0]);
	} else if (n == 1 && v[0] == 0) {
		fprintf(out, "%s <= ", name);
		put_num(out, v[1]);
	} else if (n == 0) {
		fprintf(out, "never");
	} else {
		fprintf(out, "%s in {", name);
		for (size_t i = 0; i < n; i++) {
			fprintf(out, i ? ", " : "");
			put_num(out, v[2 * i]);
			if (v[2 * i + 1] != v[2 * i]) {
				fprintf(out, "..");
				put_num(out, v[2 * i + 1]);
			}
		}
		fprintf(out, "}");
	}
}

static void iset_print(FILE *out, const char *name, const struct iset *s, uint64_t hi_part,
		       uint64_t max)
{
	uint64_t buf[16] = { 0 }, *v = s->n <= 8 ? buf : calloc(s->n * 2, sizeof(*v));

	if (!v) {
		fprintf(out, "%s in (%zu ranges)", name, s->n);
		return;
	}
	for (size_t i = 0; i < 2 * s->n; i++)
		v[i] = hi_part | s->v[i];
	set_print(out, name, v, s->n, max);
	if (v != buf)
		free(v);
}

void sx_conds_print(FILE *out, const struct sx_path *p, bool is64, bool le)
{
	const char *sep = "";

	sx_conds_print_some(out, p, is64, le, true, true, &sep);
}

void sx_conds_print_some(FILE *out, const struct sx_path *p, bool is64, bool le, bool words,
			 bool masks, const char **sepp)
{
	const char *sep = *sepp;
	char name[48];

	for (int w = 2; w < SX_WORDS && words; w += 2) {
		/* The words of a 64-bit field: low, high in memory order on little-endian. */
		const struct iset *lo = &p->w[le ? w : w + 1], *hi = &p->w[le ? w + 1 : w];
		const char *field = w == 2 ? "ip" : NULL;
		char fb[8];

		if (!field) {
			snprintf(fb, sizeof(fb), "arg%d", (w - 4) / 2);
			field = fb;
		}
		if (iset_is_full(lo) && iset_is_full(hi))
			continue;
		fputs(sep, out);
		sep = " && ";
		if (!is64 && iset_is_full(hi)) {
			iset_print(out, field, lo, 0, UINT32_MAX);
		} else if (hi->n == 1 && hi->v[0] == hi->v[1]) {
			/* One high word: the ranges of the low word are ranges of the whole. */
			iset_print(out, field, lo, (uint64_t)hi->v[0] << 32, UINT64_MAX);
		} else if (iset_is_full(lo)) {
			uint64_t buf[16] = { 0 },
				 *v = hi->n <= 8 ? buf : calloc(hi->n * 2, sizeof(*v));

			if (!v)
				continue;
			for (size_t i = 0; i < hi->n; i++)
				v[2 * i] = (uint64_t)hi->v[2 * i] << 32,
				      v[2 * i + 1] = (uint64_t)hi->v[2 * i + 1] << 32 | UINT32_MAX;
			set_print(out, field, v, hi->n, UINT64_MAX);
			if (v != buf)
				free(v);
		} else {
			snprintf(name, sizeof(name), "%s.hi", field);
			if (!iset_is_full(hi)) {
				iset_print(out, name, hi, 0, UINT32_MAX);
				fputs(" && ", out);
			}
			snprintf(name, sizeof(name), "%s.lo", field);
			iset_print(out, name, lo, 0, UINT32_MAX);
		}
	}
	for (size_t i = 0; i < p->nm && masks; i++) {
		const struct mcon *c = &p->m[i];
		int w = c->word;
		bool high = le ? (w & 1) : !(w & 1);

		if (w < 2)
			continue;
		if (w < 4)
			snprintf(name, sizeof(name), "(ip%s & 0x%" PRIx32 ")", high ? ".hi" : "",
				 c->mask);
		else
			snprintf(name, sizeof(name), "(arg%d%s & 0x%" PRIx32 ")", (w - 4) / 2,
				 high	? ".hi"
				 : is64 ? ".lo"
					: "",
				 c->mask);
		fputs(sep, out);
		sep = " && ";
		if (c->set.n == 1 && c->set.v[0] == 1 && c->set.v[1] == c->mask) {
			fputs(name, out);
			fputs(" != 0", out);
		} else {
			iset_print(out, name, &c->set, 0, c->mask);
		}
	}
	for (size_t i = 0; i < p->no && masks; i++) {
		fprintf(out, "%sthe test at insn %" PRIu32 " %s", sep, p->o[i].pc,
			p->o[i].taken ? "holds" : "fails");
		sep = " && ";
	}
	*sepp = sep;
}

/* ---------------------------------------------------------------- rows */

bool rset_is_full(const struct rset *s)
{
	return s->n == 1 && s->v[0] == 0 && s->v[1] == UINT64_MAX;
}

static int rset_make(struct rset *d, size_t n)
{
	d->v = calloc(n ? 2 * n : 2, sizeof(*d->v));
	d->n = n;
	return d->v ? 0 : -ENOMEM;
}

/* A field's two words as ranges of the whole; false when they are no union of ranges. */
static int field_set(const struct iset *lo, const struct iset *hi, bool is64, struct rset *d,
		     bool *plain)
{
	int err;

	*plain = true;
	if (iset_is_full(lo) && iset_is_full(hi)) {
		err = rset_make(d, 1);
		if (!err)
			d->v[0] = 0, d->v[1] = UINT64_MAX;
		return err;
	}
	if (!is64 && iset_is_full(hi)) {
		/* A 32-bit argument: up to 0xffffffff is up to anything. */
		err = rset_make(d, lo->n);
		for (size_t i = 0; !err && i < 2 * lo->n; i++)
			d->v[i] = (i & 1) && lo->v[i] == UINT32_MAX ? UINT64_MAX : lo->v[i];
		return err;
	}
	if (hi->n == 1 && hi->v[0] == hi->v[1]) {
		err = rset_make(d, lo->n);
		for (size_t i = 0; !err && i < 2 * lo->n; i++)
			d->v[i] = (uint64_t)hi->v[0] << 32 | lo->v[i];
		return err;
	}
	if (iset_is_full(lo)) {
		err = rset_make(d, hi->n);
		for (size_t i = 0; !err && i < hi->n; i++) {
			d->v[2 * i] = (uint64_t)hi->v[2 * i] << 32;
			d->v[2 * i + 1] = (uint64_t)hi->v[2 * i + 1] << 32 | UINT32_MAX;
		}
		return err;
	}
	*plain = false;
	err = rset_make(d, 1);
	if (!err)
		d->v[0] = 0, d->v[1] = UINT64_MAX;
	return err;
}

static bool rset_eq(const struct rset *a, const struct rset *b)
{
	return a->n == b->n && !memcmp(a->v, b->v, 2 * a->n * sizeof(*a->v));
}

/* a |= b, merging touching ranges. */
static int rset_union(struct rset *a, const struct rset *b)
{
	uint64_t *v = malloc(2 * (a->n + b->n) * sizeof(*v));
	size_t i = 0, j = 0, k = 0;

	if (!v)
		return -ENOMEM;
	while (i < a->n || j < b->n) {
		const uint64_t *r = j >= b->n || (i < a->n && a->v[2 * i] <= b->v[2 * j])
					    ? &a->v[2 * i++]
					    : &b->v[2 * j++];

		if (k && (r[0] <= v[2 * k - 1] || r[0] - 1 == v[2 * k - 1])) {
			if (r[1] > v[2 * k - 1])
				v[2 * k - 1] = r[1];
		} else {
			v[2 * k] = r[0];
			v[2 * k + 1] = r[1];
			k++;
		}
	}
	free(a->v);
	a->v = v;
	a->n = k;
	return 0;
}

static bool same_masks(const struct sx_path *a, const struct sx_path *b)
{
	if (a == b)
		return true;
	if (a->nm != b->nm || a->no != b->no)
		return false;
	for (size_t i = 0; i < a->nm; i++) {
		bool found = false;

		for (size_t j = 0; j < b->nm && !found; j++)
			found = a->m[i].word == b->m[j].word && a->m[i].mask == b->m[j].mask &&
				a->m[i].set.n == b->m[j].set.n &&
				!memcmp(a->m[i].set.v, b->m[j].set.v,
					2 * a->m[i].set.n * sizeof(uint32_t));
		if (!found)
			return false;
	}
	for (size_t i = 0; i < a->no; i++)
		if (a->o[i].pc != b->o[i].pc || a->o[i].taken != b->o[i].taken)
			return false;
	return true;
}

void sx_rows_free(struct sx_row *rows, size_t n)
{
	for (size_t i = 0; rows && i < n; i++)
		for (int f = 0; f < SX_FIELDS; f++)
			free(rows[i].f[f].v);
	free(rows);
}

int sx_rows(const struct cbpf_seccomp_model *m, const size_t *idx, size_t n, bool is64, bool le,
	    struct sx_row **out, size_t *nrows)
{
	struct sx_row *r = calloc(n ? n : 1, sizeof(*r));
	size_t k = 0;
	bool merged;
	int err = 0;

	if (!r)
		return -ENOMEM;
	for (size_t i = 0; i < n && !err; i++, k++) {
		const struct sx_path *p = &m->paths[idx[i]];

		r[k].action = p->action;
		r[k].p = p;
		r[k].plain = true;
		for (int f = 0; f < SX_FIELDS && !err; f++) {
			int w = 2 + 2 * f;
			bool plain;

			err = field_set(&p->w[le ? w : w + 1], &p->w[le ? w + 1 : w], is64,
					&r[k].f[f], &plain);
			r[k].plain &= plain;
		}
	}
	/* Merge rows of one action, plain, with the same masks, differing in one field. */
	do {
		merged = false;
		for (size_t i = 0; i < k && !err; i++)
			for (size_t j = i + 1; j < k && !err; j++) {
				int diff = -1, ndiff = 0;

				if (r[i].action != r[j].action || !r[i].plain || !r[j].plain ||
				    !same_masks(r[i].p, r[j].p))
					continue;
				for (int f = 0; f < SX_FIELDS; f++)
					if (!rset_eq(&r[i].f[f], &r[j].f[f]))
						diff = f, ndiff++;
				if (ndiff > 1)
					continue;
				if (ndiff == 1)
					err = rset_union(&r[i].f[diff], &r[j].f[diff]);
				for (int f = 0; f < SX_FIELDS; f++)
					free(r[j].f[f].v);
				memmove(&r[j], &r[j + 1], (k - j - 1) * sizeof(*r));
				k--;
				j--;
				merged = true;
			}
	} while (merged && !err);
	if (err) {
		sx_rows_free(r, k);
		return err;
	}
	*out = r;
	*nrows = k;
	return 0;
}

bool sx_row_has_conds(const struct sx_row *r)
{
	if (!r->plain)
		return sx_has_conds(r->p);
	for (int f = 0; f < SX_FIELDS; f++)
		if (!rset_is_full(&r->f[f]))
			return true;
	for (size_t i = 0; i < r->p->nm; i++)
		if (r->p->m[i].word >= 2)
			return true;
	return r->p->no > 0;
}

void sx_row_print(FILE *out, const struct sx_row *r, bool is64, bool le)
{
	const char *sep = "";
	char name[8];

	if (!r->plain) {
		sx_conds_print(out, r->p, is64, le);
		return;
	}
	for (int f = 0; f < SX_FIELDS; f++) {
		if (rset_is_full(&r->f[f]))
			continue;
		if (f == 0)
			snprintf(name, sizeof(name), "ip");
		else
			snprintf(name, sizeof(name), "arg%d", f - 1);
		fputs(sep, out);
		sep = " && ";
		set_print(out, name, r->f[f].v, r->f[f].n, UINT64_MAX);
	}
	sx_conds_print_some(out, r->p, is64, le, false, true, &sep);
}

/* ---------------------------------------------------------------- architectures */

bool sx_arch_by_audit(uint32_t audit, struct sx_arch *out)
{
	/* x86_64's value names x86_64, its x32 numbers in a column of their own */
	enum cbpf_arch a = cbpf_arch_of_audit(audit, CBPF_ARCH_NONE);

	if (a == CBPF_ARCH_NONE)
		return false;
	*out = (struct sx_arch){ cbpf_arch_name(a), audit, systab_col(a),
				 a == CBPF_ARCH_X86_64 ? SYSTAB_X32 : -1, a };
	return true;
}

const char *sx_sys_name(int col, uint32_t nr)
{
	uint32_t bit = col == SYSTAB_X32 ? CBPF_X32_SYSCALL_BIT : 0;

	if (bit) {
		if (!(nr & bit))
			return NULL;
		nr &= ~bit;
	}
	for (size_t i = 0; i < systab_count; i++)
		if (systab_entries[i].nr[col] >= 0 && (uint32_t)systab_entries[i].nr[col] == nr)
			return systab_entries[i].name;
	return NULL;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

int sx_sys_numbers(int col, uint32_t **out, size_t *n)
{
	uint32_t bit = col == SYSTAB_X32 ? CBPF_X32_SYSCALL_BIT : 0;
	uint32_t *v = malloc((systab_count + 1) * sizeof(*v));
	size_t k = 0;

	if (!v)
		return -ENOMEM;
	for (size_t i = 0; i < systab_count; i++)
		if (systab_entries[i].nr[col] >= 0)
			v[k++] = (uint32_t)systab_entries[i].nr[col] | bit;
	qsort(v, k, sizeof(*v), cmp_u32);
	/* Two names for one number (aliases) count once. */
	size_t j = 0;
	for (size_t i = 0; i < k; i++)
		if (!j || v[j - 1] != v[i])
			v[j++] = v[i];
	*out = v;
	*n = j;
	return 0;
}

/* ---------------------------------------------------------------- partitions */

int sx_cuts(const struct cbpf_seccomp_model *m, const size_t *sel, size_t nsel, int w,
	    uint32_t **cuts, size_t *n)
{
	size_t total = 1, k = 0;
	uint32_t *v;

	for (size_t i = 0; i < nsel; i++)
		total += 2 * m->paths[sel ? sel[i] : i].w[w].n;
	v = malloc(total * sizeof(*v));
	if (!v)
		return -ENOMEM;
	v[k++] = 0;
	for (size_t i = 0; i < nsel; i++) {
		const struct iset *s = &m->paths[sel ? sel[i] : i].w[w];

		for (size_t r = 0; r < s->n; r++) {
			v[k++] = s->v[2 * r];
			if (s->v[2 * r + 1] != UINT32_MAX)
				v[k++] = s->v[2 * r + 1] + 1;
		}
	}
	qsort(v, k, sizeof(*v), cmp_u32);
	size_t j = 0;
	for (size_t i = 0; i < k; i++)
		if (!j || v[j - 1] != v[i])
			v[j++] = v[i];
	*cuts = v;
	*n = j;
	return 0;
}

int sx_select(const struct cbpf_seccomp_model *m, const size_t *sel, size_t nsel, int w, uint32_t v,
	      size_t **out, size_t *n)
{
	size_t *r, k = 0;

	if (!sel)
		nsel = m->n;
	r = malloc((nsel ? nsel : 1) * sizeof(*r));
	if (!r)
		return -ENOMEM;
	for (size_t i = 0; i < nsel; i++) {
		size_t idx = sel ? sel[i] : i;

		if (iset_has(&m->paths[idx].w[w], v))
			r[k++] = idx;
	}
	*out = r;
	*n = k;
	return 0;
}
