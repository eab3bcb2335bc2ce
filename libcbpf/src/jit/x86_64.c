// SPDX-License-Identifier: MIT
/* The compiler: classic instructions to x86-64 code with the interpreter's (kernel's) semantics. */
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "jit/emit.h"
#include "jit/jit_int.h"

/*
 * Registers (System V AMD64 ABI: the entry's one argument, the struct cbpf_input, comes in rdi;
 * eax is returned; none of these is callee-saved, so nothing is saved):
 *   eax  A, and the result
 *   ecx  X: a shift by X is shl eax, cl, which takes the count & 31 as the kernel does
 *   rdi  the data, esi caplen (loaded from the input, rdi last)
 *   r8   the cbpf_meta record, or a zeroed one in the image for a NULL meta; r9d wirelen:
 *        loaded only when the program reads them
 *   edx  scratch, and div's high half; r10, r11 scratch
 * M[16] lives in the red zone below rsp (the 128 bytes a leaf function may use without moving
 * rsp), or, when the program calls a helper, in a frame.
 */
#define REG_A	    RAX
#define REG_X	    RCX
#define REG_DATA    RDI
#define REG_CAPLEN  RSI
#define REG_META    R8
#define REG_WIRELEN R9
#define REG_TMP	    RDX

/* The frame of a program that calls helpers: M, and 8 bytes that keep rsp 16-byte aligned. */
#define FRAME_SIZE (4 * CBPF_MEMWORDS + 8)

/* Labels, by instruction: where its code starts, its out-of-line code, the point that code comes
 * back to, and two points inside the out-of-line code. Then the program's own. */
enum {
	L_INSN,
	L_OOL,
	L_RESUME,
	L_OOL_LL,
	L_OOL_CHECK,
	L_PRED, /* its predicated copy */
	L_PER_INSN,
};
#define L_EXIT0(c)   ((size_t)(c)->len * L_PER_INSN + L_PER_INSN)
#define L_EXITA(c)   (L_EXIT0(c) + 1)
#define L_POOL(c)    (L_EXIT0(c) + 2)
#define L_ZEROS(c)   (L_EXIT0(c) + 3)
#define L_SLOW(c)    (L_EXIT0(c) + 4)
#define L_RESULTS(c) (L_EXIT0(c) + 5)
#define N_LABELS(c)  (L_EXIT0(c) + 6)

/* Passes before every jump is made long, which settles in two more. */
#define MAX_SHRINKING_PASSES 16
#define MAX_CODE	     ((size_t)1 << 30)

struct ctx {
	const struct cbpf_insn *insns;
	uint32_t len;
	enum cbpf_vm_mode mode;
	jit_helper_fn *const *helpers;

	struct x86_buf b;
	uint32_t *label, *prev; /* this pass's and the previous pass's labels */
	uint32_t *jsite, *prev_jsite;
	size_t njumps, jcap;
	bool first;    /* no previous pass: every jump long */
	bool all_long; /* shrinking did not settle */
	bool unstable; /* a short jump did not reach: lay out again */

	/* What the program needs, found before the first pass. */
	bool frame;	      /* calls helpers: M in a frame */
	bool uses_meta;	      /* reads the cbpf_meta record inline: r8 holds it */
	bool keeps_input;     /* reads it out of line only ([x + k] < 0): r8 holds the input */
	bool uses_wirelen;    /* ld #len, ldx #len */
	uint16_t zero_cells;  /* M[k] read where some path has not written it: zeroed first */
	bool pred;	      /* a predicated copy runs first (plan_predication) */
	uint32_t pred_caplen; /* ... when caplen is at least this */
	uint32_t *cross;      /* by instruction: live where the path may be instead */
	struct known *known;  /* by instruction: A's and X's value on entry, when known */
	uint8_t *remat;	      /* by instruction: LIVE_A, LIVE_X reloaded first */
	uint32_t live0;	      /* what the predicated copy reads before it writes */
	bool *wire;	      /* by instruction: its ld [k] left in network byte order */
};

static size_t label_id(const struct ctx *c, uint32_t pc, int kind)
{
	(void)c; /* the same signature as the program's own labels */
	return (size_t)pc * L_PER_INSN + (size_t)kind;
}

static void mark(struct ctx *c, size_t id)
{
	c->label[id] = (uint32_t)c->b.len;
}

static bool fits8(int64_t v)
{
	return v >= -128 && v <= 127;
}

/* A jump to label id: short when the previous pass says it reaches. */
static void jump(struct ctx *c, enum x86_cc cc, size_t id)
{
	size_t j = c->njumps++;
	size_t start = c->b.len;
	bool shrt = false;
	int64_t rel = 0;

	if (j == c->jcap) {
		size_t cap = c->jcap ? 2 * c->jcap : 256;
		uint32_t *a = realloc(c->jsite, cap * sizeof(*a));
		uint32_t *p = a ? realloc(c->prev_jsite, cap * sizeof(*p)) : NULL;

		if (a)
			c->jsite = a;
		if (!a || !p) {
			c->b.oom = true;
			c->njumps--;
			return;
		}
		c->prev_jsite = p;
		c->jcap = cap;
	}
	c->jsite[j] = (uint32_t)start;
	if (!c->first) {
		if (!c->all_long)
			shrt = fits8((int64_t)c->prev[id] - ((int64_t)c->prev_jsite[j] + 2));
		rel = (int64_t)c->prev[id] - (int64_t)(start + x86_jmp_size(cc, shrt));
		if (shrt && !fits8(rel)) {
			c->unstable = true;
			rel = 0;
		}
	}
	x86_jmp(&c->b, cc, shrt, (int32_t)rel);
}

static void epilogue(struct ctx *c)
{
	if (c->frame)
		x86_alu_ri(&c->b, true, ALU_ADD, RSP, FRAME_SIZE);
	x86_ret(&c->b);
}

/* Where M[k] is, from rsp. */
static int32_t mem_disp(const struct ctx *c, uint32_t k)
{
	return (int32_t)(4 * k) - (c->frame ? 0 : 4 * CBPF_MEMWORDS);
}

static void exit0(struct ctx *c, enum x86_cc cc)
{
	jump(c, cc, L_EXIT0(c));
}

/* size bytes at [rdi + index + disp] into dst, from network byte order. */
static void load_be(struct ctx *c, unsigned size, enum x86_reg dst, enum x86_reg index,
		    int32_t disp)
{
	x86_load(&c->b, size, dst, REG_DATA, index, disp);
	if (size == 4)
		x86_bswap(&c->b, dst);
	else if (size == 2)
		x86_rol16_8(&c->b, dst);
}

/* A field of the cbpf_meta record into A. */
static void load_meta(struct ctx *c, unsigned size, size_t off)
{
	x86_load(&c->b, size, REG_A, REG_META, NO_REG, (int32_t)off);
}

/*
 * size bytes at offset off of the data (0 <= off < 2^31) into dst: caplen < off + size is out of
 * bounds, compared in 32 bits, where off + size cannot wrap.
 */
static void load_const(struct ctx *c, unsigned size, enum x86_reg dst, uint32_t off)
{
	x86_alu_ri(&c->b, false, ALU_CMP, REG_CAPLEN, off + size);
	exit0(c, CC_B);
	load_be(c, size, dst, NO_REG, (int32_t)off);
}

/*
 * size bytes at the 64-bit offset in rdx into dst: rdx + size > caplen is out of bounds
 * (net/core/filter.c: bpf_skb_load_helper_*'s offsets are ints, made non-negative by then).
 */
static void load_rdx64(struct ctx *c, unsigned size, enum x86_reg dst)
{
	x86_lea(&c->b, true, R10, REG_TMP, NO_REG, (int32_t)size);
	x86_mov_rr(&c->b, false, R11, REG_CAPLEN);
	x86_alu_rr(&c->b, true, ALU_CMP, R10, R11);
	exit0(c, CC_A);
	load_be(c, size, dst, REG_TMP, 0);
}

/*
 * A load at a constant negative offset k (not ancillary): SKF_NET_OFF + n reads n bytes past
 * the network header, SKF_LL_OFF + n n bytes into the data unless the link-layer header is
 * unknown; anything lower is out of bounds (net/core/filter.c:
 * bpf_skb_load_helper_convert_offset, and the interpreter's map_offset).
 */
static void load_neg_const(struct ctx *c, unsigned size, enum x86_reg dst, int32_t k)
{
	if (k >= CBPF_NET_OFF) {
		x86_load(&c->b, 4, REG_TMP, REG_META, NO_REG,
			 (int32_t)offsetof(struct cbpf_meta, net_off));
		if (k != CBPF_NET_OFF)
			x86_alu_ri(&c->b, true, ALU_ADD, REG_TMP, (uint32_t)(k - CBPF_NET_OFF));
		load_rdx64(c, size, dst);
	} else if (k >= CBPF_LL_OFF) {
		x86_cmp_m8i(&c->b, REG_META, (int32_t)offsetof(struct cbpf_meta, no_mac), 0);
		exit0(c, CC_NE);
		load_const(c, size, dst, (uint32_t)(k - CBPF_LL_OFF));
	} else {
		exit0(c, CC_ALWAYS);
	}
}

/*
 * ld [x + k]: the offset is X + k in 32 bits, taken as signed (the kernel adds in 64 bits and
 * passes an int). The usual case, 0 <= offset, inline: offset + size cannot wrap in 32 bits.
 * Negative offsets go out of line (ind_out_of_line).
 */
static void load_ind(struct ctx *c, uint32_t pc, unsigned size, uint32_t k)
{
	x86_lea(&c->b, false, REG_TMP, REG_X, NO_REG, (int32_t)k);
	x86_test_rr(&c->b, REG_TMP, REG_TMP);
	jump(c, CC_S, label_id(c, pc, L_OOL));
	if (size == 1) {
		x86_alu_rr(&c->b, false, ALU_CMP, REG_TMP, REG_CAPLEN);
		exit0(c, CC_AE);
	} else {
		x86_lea(&c->b, false, R10, REG_TMP, NO_REG, (int32_t)size);
		x86_alu_rr(&c->b, false, ALU_CMP, R10, REG_CAPLEN);
		exit0(c, CC_A);
	}
	load_be(c, size, REG_A, REG_TMP, 0);
	mark(c, label_id(c, pc, L_RESUME));
}

/* rip-relative displacement to label id from an instruction of len bytes starting now. */
static int32_t rip_to(const struct ctx *c, size_t id, size_t len)
{
	return c->first ? 0 : (int32_t)((int64_t)c->prev[id] - (int64_t)(c->b.len + len));
}

/* dst = the input's meta, or the zeroed record in the image when it is NULL; r10 scratch. */
static void load_meta_ptr(struct ctx *c, enum x86_reg dst, enum x86_reg input)
{
	x86_load(&c->b, 8, dst, input, NO_REG, (int32_t)offsetof(struct cbpf_input, meta));
	x86_lea_rip(&c->b, R10, rip_to(c, L_ZEROS(c), 7));
	x86_test_rr64(&c->b, dst, dst);
	x86_cmov(&c->b, true, CC_E, dst, R10);
}

/*
 * Where out-of-line code finds the metadata record: r8 when the program reads it inline, else
 * r11, loaded here from the input r8 kept (only the rare negative [x + k] needs it).
 */
static enum x86_reg ool_meta(struct ctx *c)
{
	if (c->uses_meta)
		return REG_META;
	load_meta_ptr(c, R11, REG_META);
	return R11;
}

/* The negative offsets of ld [x + k], edx holding X + k with its sign bit set. */
static void ind_out_of_line(struct ctx *c, uint32_t pc, unsigned size)
{
	enum x86_reg meta = ool_meta(c);

	x86_alu_ri(&c->b, false, ALU_CMP, REG_TMP, (uint32_t)CBPF_NET_OFF);
	jump(c, CC_L, label_id(c, pc, L_OOL_LL));
	/* SKF_NET_OFF + n: n + net_off, in 64 bits. */
	x86_alu_ri(&c->b, false, ALU_SUB, REG_TMP, (uint32_t)CBPF_NET_OFF);
	x86_load(&c->b, 4, R10, meta, NO_REG, (int32_t)offsetof(struct cbpf_meta, net_off));
	x86_alu_rr(&c->b, true, ALU_ADD, REG_TMP, R10);
	jump(c, CC_ALWAYS, label_id(c, pc, L_OOL_CHECK));
	/* SKF_LL_OFF + n: n, when the link-layer header is known. */
	mark(c, label_id(c, pc, L_OOL_LL));
	x86_alu_ri(&c->b, false, ALU_CMP, REG_TMP, (uint32_t)CBPF_LL_OFF);
	exit0(c, CC_L);
	x86_cmp_m8i(&c->b, meta, (int32_t)offsetof(struct cbpf_meta, no_mac), 0);
	exit0(c, CC_NE);
	x86_alu_ri(&c->b, false, ALU_SUB, REG_TMP, (uint32_t)CBPF_LL_OFF);
	mark(c, label_id(c, pc, L_OOL_CHECK));
	load_rdx64(c, size, REG_A);
	jump(c, CC_ALWAYS, label_id(c, pc, L_RESUME));
}

/* The ancillary number of ld/ldh/ldb [k], or -1 (the interpreter's ancillary_of). */
static int ancillary_of(uint32_t k)
{
	int32_t off;

	if ((int32_t)k < CBPF_AD_OFF || (int32_t)k >= 0)
		return -1;
	off = (int32_t)k - CBPF_AD_OFF;
	if (off >= CBPF_AD_MAX || off % 4)
		return -1;
	return off;
}

static void call_helper(struct ctx *c, enum jit_helper h)
{
	static const enum x86_reg saved[] = { REG_DATA, REG_CAPLEN,  REG_X,
					      REG_META, REG_WIRELEN, REG_TMP };
	size_t start;
	int64_t rel;

	/* Six pushes keep rsp 16-byte aligned at the call (the frame already is). */
	for (size_t i = 0; i < 6; i++)
		x86_push(&c->b, saved[i]);
	/* helper(data, caplen, A, X): data, caplen and X are where the ABI wants them. */
	x86_mov_rr(&c->b, false, RDX, REG_A);
	start = c->b.len;
	rel = c->first ? 0 : (int64_t)c->prev[L_POOL(c)] + 8 * h - (int64_t)(start + 6);
	x86_call_rip(&c->b, (int32_t)rel);
	for (size_t i = 6; i-- > 0;)
		x86_pop(&c->b, saved[i]);
}

/* net/core/filter.c: convert_bpf_extensions, and the interpreter's ancillary(). */
static void load_ancillary(struct ctx *c, int anc)
{
#define META_OFF(f) offsetof(struct cbpf_meta, f)
	switch (anc) {
	case CBPF_AD_PROTOCOL:
		load_meta(c, 2, META_OFF(protocol));
		x86_rol16_8(&c->b, REG_A);
		break;
	case CBPF_AD_PKTTYPE:
		load_meta(c, 1, META_OFF(pkttype));
		x86_alu_ri(&c->b, false, ALU_AND, REG_A, 7); /* PKT_TYPE_MAX */
		break;
	case CBPF_AD_IFINDEX:
	case CBPF_AD_HATYPE:
		/* Without skb->dev the converted program exits, returning A as it is. */
		x86_cmp_m8i(&c->b, REG_META, (int32_t)META_OFF(no_dev), 0);
		jump(c, CC_NE, L_EXITA(c));
		if (anc == CBPF_AD_IFINDEX)
			load_meta(c, 4, META_OFF(ifindex));
		else
			load_meta(c, 2, META_OFF(hatype));
		break;
	case CBPF_AD_NLATTR:
		call_helper(c, JIT_NLATTR);
		break;
	case CBPF_AD_NLATTR_NEST:
		call_helper(c, JIT_NLATTR_NEST);
		break;
	case CBPF_AD_MARK:
		load_meta(c, 4, META_OFF(mark));
		break;
	case CBPF_AD_QUEUE:
		load_meta(c, 2, META_OFF(queue));
		break;
	case CBPF_AD_RXHASH:
		load_meta(c, 4, META_OFF(rxhash));
		break;
	case CBPF_AD_CPU:
		load_meta(c, 4, META_OFF(cpu));
		break;
	case CBPF_AD_ALU_XOR_X:
		x86_alu_rr(&c->b, false, ALU_XOR, REG_A, REG_X);
		break;
	case CBPF_AD_VLAN_TAG:
		load_meta(c, 2, META_OFF(vlan_tci));
		break;
	case CBPF_AD_VLAN_TAG_PRESENT:
		load_meta(c, 1, META_OFF(vlan_present));
		break;
	case CBPF_AD_PAY_OFFSET:
		load_meta(c, 4, META_OFF(pay_off));
		break;
	case CBPF_AD_RANDOM:
		load_meta(c, 4, META_OFF(random));
		break;
	case CBPF_AD_VLAN_TPID:
		load_meta(c, 2, META_OFF(vlan_proto));
		x86_rol16_8(&c->b, REG_A);
		break;
	}
#undef META_OFF
}

static unsigned size_of(uint16_t code)
{
	return CBPF_SIZE(code) == CBPF_W ? 4 : CBPF_SIZE(code) == CBPF_H ? 2 : 1;
}

/* ld, ldh, ldb [k] and [x + k]. */
static void emit_ld_packet(struct ctx *c, uint32_t pc, const struct cbpf_insn *in)
{
	unsigned size = size_of(in->code);
	int anc;

	if (c->mode == CBPF_VM_SECCOMP) {
		/* kernel/seccomp.c: ld [k] only, aligned in struct seccomp_data, native order. */
		if (in->code == (CBPF_LD | CBPF_W | CBPF_ABS) && in->k < CBPF_SECCOMP_DATA_SIZE &&
		    in->k % 4 == 0) {
			x86_alu_ri(&c->b, false, ALU_CMP, REG_CAPLEN, in->k + 4);
			exit0(c, CC_B);
			x86_load(&c->b, 4, REG_A, REG_DATA, NO_REG, (int32_t)in->k);
		} else {
			exit0(c, CC_ALWAYS);
		}
		return;
	}
	if (CBPF_MODE(in->code) == CBPF_IND) {
		load_ind(c, pc, size, in->k);
		return;
	}
	anc = ancillary_of(in->k);
	if (anc >= 0)
		load_ancillary(c, anc);
	else if ((int32_t)in->k >= 0)
		load_const(c, size, REG_A, in->k);
	else
		load_neg_const(c, size, REG_A, (int32_t)in->k);
}

/* ldxb 4*([k]&0xf). */
static void emit_msh(struct ctx *c, const struct cbpf_insn *in)
{
	if (c->mode == CBPF_VM_SECCOMP) {
		exit0(c, CC_ALWAYS);
		return;
	}
	if ((int32_t)in->k >= 0)
		load_const(c, 1, REG_X, in->k);
	else
		load_neg_const(c, 1, REG_X, (int32_t)in->k);
	x86_alu_ri(&c->b, false, ALU_AND, REG_X, 0xf);
	x86_shift_ri(&c->b, SHIFT_SHL, REG_X, 2);
}

static void emit_ld(struct ctx *c, uint32_t pc, const struct cbpf_insn *in)
{
	bool x = CBPF_CLASS(in->code) == CBPF_LDX;
	enum x86_reg r = x ? REG_X : REG_A;

	switch (CBPF_MODE(in->code)) {
	case CBPF_IMM:
		x86_mov_ri(&c->b, r, in->k);
		break;
	case CBPF_MEM:
		x86_load(&c->b, 4, r, RSP, NO_REG, mem_disp(c, in->k));
		break;
	case CBPF_LEN:
		/* kernel/seccomp.c turns ld #len into ld #64. */
		if (c->mode == CBPF_VM_SECCOMP)
			x86_mov_ri(&c->b, r, CBPF_SECCOMP_DATA_SIZE);
		else
			x86_mov_rr(&c->b, false, r, REG_WIRELEN);
		break;
	case CBPF_MSH:
		if (x) {
			emit_msh(c, in);
			break;
		}
		/* ld with the msh mode is no opcode cbpf_vm_new takes. */
		exit0(c, CC_ALWAYS);
		break;
	default:
		if (x)
			exit0(c, CC_ALWAYS); /* ditto: ldx [k] */
		else
			emit_ld_packet(c, pc, in);
	}
}

static int log2_exact(uint32_t k)
{
	return k && !(k & (k - 1)) ? __builtin_ctz(k) : -1;
}

/* A op= k or X, A in register a (REG_A, or a copy in the predicated code). */
static void emit_alu(struct ctx *c, const struct cbpf_insn *in, enum x86_reg a)
{
	bool x = CBPF_SRC(in->code) == CBPF_X;
	uint32_t k = in->k;
	int sh;

	switch (CBPF_OP(in->code)) {
	case CBPF_ADD:
	case CBPF_SUB:
	case CBPF_AND:
	case CBPF_OR:
	case CBPF_XOR: {
		static const enum x86_alu ops[16] = {
			[CBPF_ADD >> 4] = ALU_ADD, [CBPF_SUB >> 4] = ALU_SUB,
			[CBPF_AND >> 4] = ALU_AND, [CBPF_OR >> 4] = ALU_OR,
			[CBPF_XOR >> 4] = ALU_XOR,
		};
		enum x86_alu op = ops[CBPF_OP(in->code) >> 4];

		if (x)
			x86_alu_rr(&c->b, false, op, a, REG_X);
		else
			x86_alu_ri(&c->b, false, op, a, k);
		break;
	}
	case CBPF_MUL:
		if (x)
			x86_imul_rr(&c->b, a, REG_X);
		else
			x86_imul_rri(&c->b, a, a, k);
		break;
	case CBPF_DIV:
	case CBPF_MOD: {
		bool mod = CBPF_OP(in->code) == CBPF_MOD;

		if (x) {
			/* A zero X ends the program with 0. */
			x86_test_rr(&c->b, REG_X, REG_X);
			exit0(c, CC_E);
			x86_alu_rr(&c->b, false, ALU_XOR, RDX, RDX);
			x86_div(&c->b, REG_X);
		} else if (k == 0) {
			/* The interpreter ends a constant division by zero like a zero X. */
			exit0(c, CC_ALWAYS);
			break;
		} else if ((sh = log2_exact(k)) >= 0) {
			if (mod)
				x86_alu_ri(&c->b, false, ALU_AND, a, k - 1);
			else if (sh)
				x86_shift_ri(&c->b, SHIFT_SHR, a, (uint8_t)sh);
			break;
		} else {
			x86_alu_rr(&c->b, false, ALU_XOR, RDX, RDX);
			x86_mov_ri(&c->b, R10, k);
			x86_div(&c->b, R10);
		}
		if (mod)
			x86_mov_rr(&c->b, false, REG_A, RDX);
		break;
	}
	case CBPF_LSH:
	case CBPF_RSH: {
		enum x86_shift op = CBPF_OP(in->code) == CBPF_LSH ? SHIFT_SHL : SHIFT_SHR;

		/* A count of 32 or more: the low 5 bits, as the interpreter (and eBPF) take it. */
		if (x)
			x86_shift_cl(&c->b, op, a);
		else if (k & 31)
			x86_shift_ri(&c->b, op, a, (uint8_t)(k & 31));
		break;
	}
	case CBPF_NEG:
		x86_neg(&c->b, a);
		break;
	}
}

static bool is_ret_k(const struct ctx *c, uint32_t pc)
{
	return c->insns[pc].code == (CBPF_RET | CBPF_K);
}

/*
 * The flags set for a conditional jump to two ret #k: the result chosen by cmov, without a
 * branch to mispredict (the last decision of most filters, as the interpreter's _RR ops).
 */
static void return_select(struct ctx *c, enum x86_cc cc, uint32_t kt, uint32_t kf)
{
	/* mov r, imm32 keeps the flags (x86_mov_ri's xor for 0 would not). */
	x86_mov_ri_keep_flags(&c->b, REG_A, kf);
	if (kt != kf) {
		x86_mov_ri_keep_flags(&c->b, REG_TMP, kt);
		x86_cmov(&c->b, false, cc, REG_A, REG_TMP);
	}
	epilogue(c);
}

static void emit_jmp(struct ctx *c, uint32_t pc, const struct cbpf_insn *in)
{
	static const enum x86_cc taken[16] = {
		[CBPF_JEQ >> 4] = CC_E,
		[CBPF_JGT >> 4] = CC_A,
		[CBPF_JGE >> 4] = CC_AE,
		[CBPF_JSET >> 4] = CC_NE,
	};
	/* Each condition and its negation differ in the low bit. */
	uint32_t t = pc + 1 + in->jt, f = pc + 1 + in->jf, op = CBPF_OP(in->code);
	bool x = CBPF_SRC(in->code) == CBPF_X;
	enum x86_cc cc = taken[op >> 4];

	if (op == CBPF_JA)
		t = f = pc + 1 + in->k;
	if (t == f) {
		/* A jump to a return returns: its mov and ret are shorter than a jump. */
		if (is_ret_k(c, t) && t != pc + 1)
			return_select(c, CC_ALWAYS, c->insns[t].k, c->insns[t].k);
		else if (t != pc + 1)
			jump(c, CC_ALWAYS, label_id(c, t, L_INSN));
		return;
	}
	/* Conditions the constant decides: A >= 0 always holds, A & 0 never does. */
	if (!x && ((op == CBPF_JGE && in->k == 0) || (op == CBPF_JSET && in->k == 0))) {
		uint32_t to = op == CBPF_JGE ? t : f;

		if (to != pc + 1)
			jump(c, CC_ALWAYS, label_id(c, to, L_INSN));
		return;
	}
	if (op == CBPF_JSET)
		x ? x86_test_rr(&c->b, REG_A, REG_X) : x86_test_ri(&c->b, REG_A, in->k);
	else if (x)
		x86_alu_rr(&c->b, false, ALU_CMP, REG_A, REG_X);
	else if (in->k == 0)
		x86_test_rr(&c->b, REG_A, REG_A); /* A > 0 is A != 0: ja after test */
	else
		x86_alu_ri(&c->b, false, ALU_CMP, REG_A, in->k);
	if (is_ret_k(c, t) && is_ret_k(c, f)) {
		return_select(c, cc, c->insns[t].k, c->insns[f].k);
	} else if (f == pc + 1) {
		jump(c, cc, label_id(c, t, L_INSN));
	} else if (t == pc + 1) {
		jump(c, (enum x86_cc)(cc ^ 1), label_id(c, f, L_INSN));
	} else {
		jump(c, cc, label_id(c, t, L_INSN));
		jump(c, CC_ALWAYS, label_id(c, f, L_INSN));
	}
}

static void emit_insn(struct ctx *c, uint32_t pc)
{
	const struct cbpf_insn *in = &c->insns[pc];

	switch (CBPF_CLASS(in->code)) {
	case CBPF_LD:
	case CBPF_LDX:
		emit_ld(c, pc, in);
		break;
	case CBPF_ST:
		x86_store(&c->b, RSP, mem_disp(c, in->k), REG_A);
		break;
	case CBPF_STX:
		x86_store(&c->b, RSP, mem_disp(c, in->k), REG_X);
		break;
	case CBPF_ALU:
		emit_alu(c, in, REG_A);
		break;
	case CBPF_JMP:
		emit_jmp(c, pc, in);
		break;
	case CBPF_RET:
		if (CBPF_RVAL(in->code) != CBPF_A)
			x86_mov_ri(&c->b, REG_A, in->k);
		epilogue(c);
		break;
	case CBPF_MISC:
		if (CBPF_MISCOP(in->code) == CBPF_TXA)
			x86_mov_rr(&c->b, false, REG_A, REG_X);
		else
			x86_mov_rr(&c->b, false, REG_X, REG_A);
		break;
	}
}

static bool is_ind(const struct cbpf_insn *in)
{
	return CBPF_CLASS(in->code) == CBPF_LD && CBPF_MODE(in->code) == CBPF_IND;
}

/*
 * Predicated code: the branches of a short program taken out (if-conversion).
 *
 * A filter's jumps follow the packet, and on mixed traffic the processor mispredicts them (see
 * docs/jit.md). So a short program also gets a branch-free copy that runs every instruction in
 * order, each one's effect kept only where the program really is. That place is one register,
 * npc (r11d): where the path goes next, moved by the jumps on it. Since jumps go forward, the
 * path is at instruction pc exactly when npc <= pc; a jump there sets npc to its target with
 * cmov, and an instruction whose effect must not land when the path is elsewhere writes through
 * cmovbe after cmp npc, pc. A return, or a jump to one, sets npc to RET_BASE + 4 * pc, past
 * every instruction: the result is then read from a table of the returns' k in the image.
 *
 * The copy runs when caplen covers every [k] load of the program (one comparison on entry, met
 * by nearly every packet), so that none can be out of bounds. What it cannot do without a
 * branch it leaves to the branching code, which then runs from the start (a program has no
 * effect but its result): a [x + k] load past caplen or at a negative offset (SKF_*), on the
 * path or off it.
 */
#define PRED_MAX_LEN 64
/*
 * Past about 80 instructions (tcp port 80 takes 72) the copy costs more than the branches it
 * saves on the bench's traffic (docs/jit.md, Speed): host 10.0.0.1 and (tcp port 80 or udp
 * port 53) takes 97 and ran at the branching code's speed. Bytes stand for instructions.
 */
#define PRED_MAX_BYTES 330
#define REG_NPC	       R11
#define RET_BASE(c)    (4 * (c)->len)

/* Liveness bits: M[0..15], A, X. */
#define LIVE_A (1u << 16)
#define LIVE_X (1u << 17)

/* What instruction in reads and writes, as liveness bits. */
static void uses_defs(const struct cbpf_insn *in, uint32_t *use, uint32_t *def)
{
	uint16_t code = in->code;

	*use = *def = 0;
	switch (CBPF_CLASS(code)) {
	case CBPF_LD:
		*def = LIVE_A;
		if (CBPF_MODE(code) == CBPF_IND)
			*use = LIVE_X;
		else if (CBPF_MODE(code) == CBPF_MEM)
			*use = 1u << in->k;
		break;
	case CBPF_LDX:
		*def = LIVE_X;
		if (CBPF_MODE(code) == CBPF_MEM)
			*use = 1u << in->k;
		break;
	case CBPF_ST:
		*use = LIVE_A;
		*def = 1u << in->k;
		break;
	case CBPF_STX:
		*use = LIVE_X;
		*def = 1u << in->k;
		break;
	case CBPF_ALU:
		*use = LIVE_A |
		       (CBPF_OP(code) != CBPF_NEG && CBPF_SRC(code) == CBPF_X ? LIVE_X : 0);
		*def = LIVE_A;
		break;
	case CBPF_JMP:
		if (CBPF_OP(code) != CBPF_JA)
			*use = LIVE_A | (CBPF_SRC(code) == CBPF_X ? LIVE_X : 0);
		break;
	case CBPF_RET:
		*use = CBPF_RVAL(code) == CBPF_A ? LIVE_A : 0;
		break;
	case CBPF_MISC:
		*use = CBPF_MISCOP(code) == CBPF_TXA ? LIVE_X : LIVE_A;
		*def = CBPF_MISCOP(code) == CBPF_TXA ? LIVE_A : LIVE_X;
		break;
	}
}

/* Whether the predicated copy can run instruction in; *end: the bytes its [k] load needs. */
static bool predicable(const struct cbpf_insn *in, uint32_t *end)
{
	uint16_t code = in->code;

	*end = 0;
	switch (CBPF_CLASS(code)) {
	case CBPF_LD:
		if (CBPF_MODE(code) == CBPF_ABS) {
			if ((int32_t)in->k < 0)
				return false; /* ancillary and SKF_* loads read the record */
			*end = in->k + size_of(code);
		}
		return CBPF_MODE(code) != CBPF_MSH;
	case CBPF_LDX:
		if (CBPF_MODE(code) == CBPF_MSH) {
			if ((int32_t)in->k < 0)
				return false;
			*end = in->k + 1;
			return size_of(code) == 1;
		}
		return CBPF_MODE(code) == CBPF_IMM || CBPF_MODE(code) == CBPF_MEM ||
		       CBPF_MODE(code) == CBPF_LEN;
	case CBPF_ALU:
		/* Division: the powers of two only, which are a shift or an and. */
		if (CBPF_OP(code) == CBPF_DIV || CBPF_OP(code) == CBPF_MOD)
			return CBPF_SRC(code) == CBPF_K && log2_exact(in->k) >= 0;
		return true;
	case CBPF_RET:
		return CBPF_RVAL(code) == CBPF_K;
	default:
		return true;
	}
}

static uint32_t target_of(const struct ctx *c, uint32_t pc, bool taken)
{
	const struct cbpf_insn *in = &c->insns[pc];

	if (CBPF_OP(in->code) == CBPF_JA)
		return pc + 1 + in->k;
	return pc + 1 + (taken ? in->jt : in->jf);
}

/*
 * A register's value on entry to an instruction, when every path brings the same one that can
 * be made again: an immediate, a [k] load (in bounds in the predicated copy), ldxb 4*([k]&0xf).
 */
enum known_kind { K_NONE, K_IMM, K_ABS, K_MSH, K_MANY };
struct known_val {
	uint8_t kind, size;
	uint32_t k;
};
struct known {
	struct known_val a, x;
};

static struct known_val meet(struct known_val u, struct known_val v)
{
	if (u.kind == K_NONE)
		return v;
	if (v.kind == K_NONE || (u.kind == v.kind && u.size == v.size && u.k == v.k))
		return u;
	return (struct known_val){ .kind = K_MANY };
}

/* What instruction in leaves in A and X, from what they held before. */
static struct known transfer(const struct cbpf_insn *in, struct known v)
{
	uint16_t code = in->code;
	struct known_val many = { .kind = K_MANY };

	switch (CBPF_CLASS(code)) {
	case CBPF_LD:
		if (CBPF_MODE(code) == CBPF_IMM)
			v.a = (struct known_val){ K_IMM, 4, in->k };
		else if (CBPF_MODE(code) == CBPF_ABS)
			v.a = (struct known_val){ K_ABS, (uint8_t)size_of(code), in->k };
		else
			v.a = many;
		break;
	case CBPF_LDX:
		if (CBPF_MODE(code) == CBPF_IMM)
			v.x = (struct known_val){ K_IMM, 4, in->k };
		else if (CBPF_MODE(code) == CBPF_MSH)
			v.x = (struct known_val){ K_MSH, 1, in->k };
		else
			v.x = many;
		break;
	case CBPF_ALU:
		v.a = many;
		break;
	case CBPF_MISC:
		if (CBPF_MISCOP(code) == CBPF_TXA)
			v.a = v.x;
		else
			v.x = v.a;
		break;
	}
	return v;
}

static bool is_abs_load(const struct cbpf_insn *in)
{
	return CBPF_CLASS(in->code) == CBPF_LD && CBPF_MODE(in->code) == CBPF_ABS &&
	       CBPF_SIZE(in->code) != CBPF_B;
}

/* A use of A that a value in network byte order serves: jeq and jset #k, k swapped. */
static bool wire_use(const struct cbpf_insn *in)
{
	uint32_t op = CBPF_OP(in->code);

	return CBPF_CLASS(in->code) == CBPF_JMP && CBPF_SRC(in->code) == CBPF_K &&
	       (op == CBPF_JEQ || op == CBPF_JSET);
}

/*
 * Which ldh and ld [k] the predicated copy leaves unswapped (c->wire): those whose every reader
 * is a jeq or jset #k that knows A holds that load (c->known), which then compares with k
 * swapped. Decided by the load's offset and size, so that a register made again agrees.
 * Reaching definitions as bit sets: the copy's programs have at most 64 instructions.
 */
static int plan_wire(struct ctx *c)
{
	uint64_t *reach = calloc((size_t)c->len + 1, sizeof(*reach));
	bool *bad = calloc((size_t)c->len, sizeof(*bad));

	c->wire = calloc((size_t)c->len, sizeof(*c->wire));
	if (!reach || !bad || !c->wire) {
		free(reach);
		free(bad);
		return -ENOMEM;
	}
	for (uint32_t pc = 0; pc < c->len; pc++) {
		const struct cbpf_insn *in = &c->insns[pc];
		uint32_t use, def;
		uint64_t out;

		uses_defs(in, &use, &def);
		if (use & LIVE_A)
			for (uint32_t d = 0; d < pc; d++) {
				struct known_val v = c->known[pc].a;

				if (!(reach[pc] >> d & 1) || !is_abs_load(&c->insns[d]))
					continue;
				if (!wire_use(in) || v.kind != K_ABS || v.k != c->insns[d].k ||
				    v.size != size_of(c->insns[d].code))
					bad[d] = true;
			}
		out = def & LIVE_A ? (uint64_t)1 << pc : reach[pc];
		if (CBPF_CLASS(in->code) == CBPF_RET)
			continue;
		for (int way = 0; way < 2; way++)
			reach[CBPF_CLASS(in->code) == CBPF_JMP ? target_of(c, pc, way) : pc + 1] |=
				out;
	}
	for (uint32_t d = 0; d < c->len; d++) {
		c->wire[d] = is_abs_load(&c->insns[d]);
		for (uint32_t e = 0; e < c->len && c->wire[d]; e++)
			if (bad[e] && is_abs_load(&c->insns[e]) && c->insns[e].k == c->insns[d].k &&
			    c->insns[e].code == c->insns[d].code)
				c->wire[d] = false;
	}
	free(reach);
	free(bad);
	return 0;
}

/* Whether A, holding the known value v, is in network byte order in the predicated copy. */
static bool wire_value(const struct ctx *c, struct known_val v)
{
	if (v.kind != K_ABS)
		return false;
	for (uint32_t d = 0; d < c->len; d++)
		if (is_abs_load(&c->insns[d]) && c->insns[d].k == v.k &&
		    size_of(c->insns[d].code) == v.size)
			return c->wire[d];
	return false;
}

/*
 * Decides whether the program gets a predicated copy, and for each instruction what is live
 * where the path may be while it is elsewhere: the targets of the jumps that pass over it
 * (c->cross[pc], with CROSSED set when any jump or return does). A write of what none of those
 * reads needs no cmov.
 */
#define CROSSED (1u << 31)
static int plan_predication(struct ctx *c)
{
	uint32_t *live, end, need = 0;
	bool branches = false, ind = false;

	if (c->mode != CBPF_VM_SOCKET || c->len > PRED_MAX_LEN)
		return 0;
	for (uint32_t pc = 0; pc < c->len; pc++) {
		const struct cbpf_insn *in = &c->insns[pc];

		if (!predicable(in, &end))
			return 0;
		if (end > need)
			need = end;
		if (is_ind(in))
			ind = true;
		/* Only a jump between two returns is branch-free already (return_select). */
		if (CBPF_CLASS(in->code) == CBPF_JMP && CBPF_OP(in->code) != CBPF_JA &&
		    !(is_ret_k(c, target_of(c, pc, true)) && is_ret_k(c, target_of(c, pc, false))))
			branches = true;
	}
	if (!branches)
		return 0;
	live = calloc((size_t)c->len + 1, sizeof(*live));
	c->cross = calloc((size_t)c->len, sizeof(*c->cross));
	c->known = calloc((size_t)c->len + 1, sizeof(*c->known));
	c->remat = calloc((size_t)c->len, sizeof(*c->remat));
	if (!live || !c->cross || !c->known || !c->remat) {
		free(live);
		return -ENOMEM;
	}
	/* Known values, forward (jumps go forward: program order is topological). */
	c->known[0].a = c->known[0].x = (struct known_val){ K_IMM, 4, 0 };
	for (uint32_t pc = 0; pc < c->len; pc++) {
		const struct cbpf_insn *in = &c->insns[pc];
		struct known out = transfer(in, c->known[pc]);

		if (CBPF_CLASS(in->code) == CBPF_RET)
			continue;
		for (int way = 0; way < 2; way++) {
			uint32_t t =
				CBPF_CLASS(in->code) == CBPF_JMP ? target_of(c, pc, way) : pc + 1;

			c->known[t].a = meet(c->known[t].a, out.a);
			c->known[t].x = meet(c->known[t].x, out.x);
		}
	}
	/*
	 * Where a jump lands past instructions that write a register it reads, the register is
	 * made again there (when its value is known) rather than each write guarded.
	 */
	for (uint32_t s = 0; s < c->len; s++) {
		if (CBPF_CLASS(c->insns[s].code) != CBPF_JMP)
			continue;
		for (int way = 0; way < 2; way++) {
			uint32_t t = target_of(c, s, way), use, def;

			for (uint32_t u = s + 1; u < t; u++) {
				uses_defs(&c->insns[u], &use, &def);
				/* (K_NONE: no path reaches t.) */
				if ((def & LIVE_A) && c->known[t].a.kind != K_MANY &&
				    c->known[t].a.kind != K_NONE)
					c->remat[t] |= LIVE_A >> 16;
				if ((def & LIVE_X) && c->known[t].x.kind != K_MANY &&
				    c->known[t].x.kind != K_NONE)
					c->remat[t] |= LIVE_X >> 16;
			}
		}
	}
	for (uint32_t pc = c->len; pc-- > 0;) {
		const struct cbpf_insn *in = &c->insns[pc];
		uint32_t use, def, out = 0;

		uses_defs(in, &use, &def);
		if (CBPF_CLASS(in->code) == CBPF_JMP)
			out = live[target_of(c, pc, true)] | live[target_of(c, pc, false)];
		else if (CBPF_CLASS(in->code) != CBPF_RET)
			out = live[pc + 1];
		live[pc] = use | (out & ~def);
		/* Made again only where read before written. */
		c->remat[pc] &= (uint8_t)(live[pc] >> 16);
		live[pc] &= ~((uint32_t)c->remat[pc] << 16);
	}
	for (uint32_t s = 0; s < c->len; s++) {
		const struct cbpf_insn *in = &c->insns[s];

		if (CBPF_CLASS(in->code) == CBPF_RET) {
			for (uint32_t pc = s + 1; pc < c->len; pc++)
				c->cross[pc] |= CROSSED;
		} else if (CBPF_CLASS(in->code) == CBPF_JMP) {
			for (int way = 0; way < 2; way++) {
				uint32_t t = target_of(c, s, way);

				for (uint32_t pc = s + 1; pc < t; pc++)
					c->cross[pc] |= CROSSED | live[t];
			}
		}
	}
	c->live0 = live[0];
	free(live);
	if (plan_wire(c))
		return -ENOMEM;
	c->pred = true;
	/* [x + k] compares X + k with caplen - size: caplen must cover a word. */
	c->pred_caplen = ind && need < 4 ? 4 : need;
	return 0;
}

/* Where the predicated copy's jumps send npc: a return's target is its slot in the table. */
static uint32_t npc_of(const struct ctx *c, uint32_t t)
{
	return is_ret_k(c, t) ? RET_BASE(c) + 4 * t : t;
}

/* The register to compute bit's new value in: its own, or edx when the write must be guarded. */
static enum x86_reg pred_dst(const struct ctx *c, uint32_t pc, uint32_t bit, enum x86_reg own)
{
	return c->cross[pc] & bit ? REG_TMP : own;
}

/* own = val where the path is at pc (val already is own when unguarded). */
static void pred_commit(struct ctx *c, uint32_t pc, enum x86_reg own, enum x86_reg val)
{
	if (own == val)
		return;
	x86_alu_ri(&c->b, false, ALU_CMP, REG_NPC, pc);
	x86_cmov(&c->b, false, CC_BE, own, val);
}

/* npc = npc_t when the condition cc holds (CC_ALWAYS: always), on the path; r10 scratch. */
static void pred_goto(struct ctx *c, uint32_t pc, enum x86_cc cc, uint32_t npc_t)
{
	bool guard = c->cross[pc] != 0;

	x86_mov_ri_keep_flags(&c->b, R10, npc_t);
	if (guard) {
		if (cc != CC_ALWAYS)
			x86_cmov(&c->b, false, (enum x86_cc)(cc ^ 1), R10, REG_NPC);
		pred_commit(c, pc, REG_NPC, R10);
	} else if (cc == CC_ALWAYS) {
		x86_mov_rr(&c->b, false, REG_NPC, R10);
	} else {
		x86_cmov(&c->b, false, cc, REG_NPC, R10);
	}
}

static void pred_jmp(struct ctx *c, uint32_t pc, const struct cbpf_insn *in)
{
	static const enum x86_cc taken[16] = {
		[CBPF_JEQ >> 4] = CC_E,
		[CBPF_JGT >> 4] = CC_A,
		[CBPF_JGE >> 4] = CC_AE,
		[CBPF_JSET >> 4] = CC_NE,
	};
	uint32_t op = CBPF_OP(in->code), t = npc_of(c, target_of(c, pc, true)),
		 f = npc_of(c, target_of(c, pc, false));
	bool x = CBPF_SRC(in->code) == CBPF_X;
	enum x86_cc cc = taken[op >> 4];
	uint32_t k = in->k;

	if (op != CBPF_JA && !x &&
	    ((op == CBPF_JGE && in->k == 0) || (op == CBPF_JSET && in->k == 0)))
		t = f = op == CBPF_JGE ? t : f; /* decided by the constant */
	if (op == CBPF_JA || t == f) {
		if (t != pc + 1)
			pred_goto(c, pc, CC_ALWAYS, t);
		return;
	}
	if (!x && wire_value(c, c->known[pc].a)) {
		/* A in network byte order: k swapped the same way (a jeq k past 16 bits fails). */
		if (c->known[pc].a.size == 4)
			k = __builtin_bswap32(k);
		else if (op == CBPF_JSET || k <= 0xffff)
			k = __builtin_bswap16((uint16_t)k);
	}
	if (op == CBPF_JSET)
		x ? x86_test_rr(&c->b, REG_A, REG_X) : x86_test_ri(&c->b, REG_A, k);
	else if (x)
		x86_alu_rr(&c->b, false, ALU_CMP, REG_A, REG_X);
	else if (k == 0)
		x86_test_rr(&c->b, REG_A, REG_A);
	else
		x86_alu_ri(&c->b, false, ALU_CMP, REG_A, k);
	if (f == pc + 1) {
		pred_goto(c, pc, cc, t);
	} else if (t == pc + 1) {
		pred_goto(c, pc, (enum x86_cc)(cc ^ 1), f);
	} else {
		/* r10 = cond ? t : f, then as a jump always. */
		x86_mov_ri_keep_flags(&c->b, R10, f);
		x86_mov_ri_keep_flags(&c->b, REG_TMP, t);
		x86_cmov(&c->b, false, cc, R10, REG_TMP);
		if (c->cross[pc])
			pred_commit(c, pc, REG_NPC, R10);
		else
			x86_mov_rr(&c->b, false, REG_NPC, R10);
	}
}

/*
 * ld [x + k] predicated: out of bounds, on the path or not, leaves for the branching code. For
 * k + size below 2^31, X + k + size is computed in 64 bits, where it cannot wrap: above caplen
 * (which includes X + k wrapping in 32 bits, left to the branching code) leaves.
 */
static void pred_load_ind(struct ctx *c, uint32_t pc, unsigned size, uint32_t k)
{
	enum x86_reg dst = c->cross[pc] & LIVE_A ? R10 : REG_A;

	if (k <= 0x7fffffffu - size) {
		x86_lea(&c->b, true, REG_TMP, REG_X, NO_REG, (int32_t)(k + size));
		x86_alu_rr(&c->b, true, ALU_CMP, REG_TMP, REG_CAPLEN);
		jump(c, CC_A, L_SLOW(c));
		x86_load(&c->b, size, dst, REG_DATA, REG_X, (int32_t)k);
		if (size == 4)
			x86_bswap(&c->b, dst);
		else if (size == 2)
			x86_rol16_8(&c->b, dst);
	} else {
		/* caplen - size: caplen is at least 4 here (pred_caplen). */
		x86_lea(&c->b, false, REG_TMP, REG_X, NO_REG, (int32_t)k);
		x86_lea(&c->b, false, R10, REG_CAPLEN, NO_REG, -(int32_t)size);
		x86_alu_rr(&c->b, false, ALU_CMP, REG_TMP, R10);
		jump(c, CC_A, L_SLOW(c));
		load_be(c, size, dst, REG_TMP, 0);
	}
	pred_commit(c, pc, REG_A, dst);
}

/* A register made again from its known value (plan_predication), written as a load would be. */
static void pred_remat(struct ctx *c, uint32_t pc, uint32_t bit)
{
	enum x86_reg own = bit == LIVE_A ? REG_A : REG_X, r = pred_dst(c, pc, bit, own);
	struct known_val v = bit == LIVE_A ? c->known[pc].a : c->known[pc].x;

	if (v.kind == K_IMM) {
		x86_mov_ri(&c->b, r, v.k);
	} else if (bit == LIVE_A && wire_value(c, v)) {
		x86_load(&c->b, v.size, r, REG_DATA, NO_REG, (int32_t)v.k);
	} else {
		load_be(c, v.size, r, NO_REG, (int32_t)v.k);
		if (v.kind == K_MSH) {
			x86_alu_ri(&c->b, false, ALU_AND, r, 0xf);
			x86_shift_ri(&c->b, SHIFT_SHL, r, 2);
		}
	}
	pred_commit(c, pc, own, r);
}

static void pred_insn(struct ctx *c, uint32_t pc)
{
	const struct cbpf_insn *in = &c->insns[pc];
	uint16_t code = in->code;
	enum x86_reg r;

	if (c->remat[pc] & (LIVE_A >> 16))
		pred_remat(c, pc, LIVE_A);
	if (c->remat[pc] & (LIVE_X >> 16))
		pred_remat(c, pc, LIVE_X);
	switch (CBPF_CLASS(code)) {
	case CBPF_LD:
	case CBPF_LDX: {
		bool x = CBPF_CLASS(code) == CBPF_LDX;
		enum x86_reg own = x ? REG_X : REG_A;

		if (is_ind(in)) {
			pred_load_ind(c, pc, size_of(code), in->k);
			break;
		}
		r = pred_dst(c, pc, x ? LIVE_X : LIVE_A, own);
		switch (CBPF_MODE(code)) {
		case CBPF_IMM:
			x86_mov_ri(&c->b, r, in->k);
			break;
		case CBPF_MEM:
			x86_load(&c->b, 4, r, RSP, NO_REG, mem_disp(c, in->k));
			break;
		case CBPF_LEN:
			x86_mov_rr(&c->b, false, r, REG_WIRELEN);
			break;
		case CBPF_MSH:
			load_be(c, 1, r, NO_REG, (int32_t)in->k);
			x86_alu_ri(&c->b, false, ALU_AND, r, 0xf);
			x86_shift_ri(&c->b, SHIFT_SHL, r, 2);
			break;
		default: /* [k], in bounds: caplen was checked on entry */
			if (c->wire[pc])
				x86_load(&c->b, size_of(code), r, REG_DATA, NO_REG, (int32_t)in->k);
			else
				load_be(c, size_of(code), r, NO_REG, (int32_t)in->k);
		}
		pred_commit(c, pc, own, r);
		break;
	}
	case CBPF_ST:
	case CBPF_STX:
		r = CBPF_CLASS(code) == CBPF_ST ? REG_A : REG_X;
		if (c->cross[pc] & (1u << in->k)) {
			x86_load(&c->b, 4, REG_TMP, RSP, NO_REG, mem_disp(c, in->k));
			pred_commit(c, pc, REG_TMP, r);
			r = REG_TMP;
		}
		x86_store(&c->b, RSP, mem_disp(c, in->k), r);
		break;
	case CBPF_ALU:
		r = pred_dst(c, pc, LIVE_A, REG_A);
		if (r != REG_A)
			x86_mov_rr(&c->b, false, r, REG_A);
		emit_alu(c, in, r);
		pred_commit(c, pc, REG_A, r);
		break;
	case CBPF_JMP:
		pred_jmp(c, pc, in);
		break;
	case CBPF_RET:
		/* Reached by falling through only: a jump to a return goes to its slot. */
		if (pc == 0 || (CBPF_CLASS(c->insns[pc - 1].code) != CBPF_JMP &&
				CBPF_CLASS(c->insns[pc - 1].code) != CBPF_RET))
			pred_goto(c, pc, CC_ALWAYS, RET_BASE(c) + 4 * pc);
		break;
	case CBPF_MISC:
		if (CBPF_MISCOP(code) == CBPF_TXA) {
			r = pred_dst(c, pc, LIVE_A, REG_A);
			x86_mov_rr(&c->b, false, r, REG_X);
			pred_commit(c, pc, REG_A, r);
		} else {
			r = pred_dst(c, pc, LIVE_X, REG_X);
			x86_mov_rr(&c->b, false, r, REG_A);
			pred_commit(c, pc, REG_X, r);
		}
		break;
	}
}

/* The predicated copy, after the prologue's loads; short packets go to the branching code. */
static void emit_predicated(struct ctx *c)
{
	if (c->pred_caplen) {
		x86_alu_ri(&c->b, false, ALU_CMP, REG_CAPLEN, c->pred_caplen);
		jump(c, CC_B, L_SLOW(c));
	}
	x86_mov_ri(&c->b, REG_NPC, 0);
	/* Only what the copy reads before writing it: what it computes off the path is unused. */
	if (c->live0 & LIVE_A)
		x86_mov_ri(&c->b, REG_A, 0);
	if (c->live0 & LIVE_X)
		x86_mov_ri(&c->b, REG_X, 0);
	for (uint32_t k = 0; k < CBPF_MEMWORDS; k++)
		if (c->zero_cells & c->live0 & (1u << k))
			x86_store_i(&c->b, RSP, mem_disp(c, k), 0);
	for (uint32_t pc = 0; pc < c->len; pc++) {
		mark(c, label_id(c, pc, L_PRED));
		pred_insn(c, pc);
	}
	mark(c, label_id(c, c->len, L_PRED));
	/* The result: the k of the return the path ended at. */
	x86_lea_rip(&c->b, R10, rip_to(c, L_RESULTS(c), 7));
	x86_load(&c->b, 4, REG_A, R10, REG_NPC, -(int32_t)RET_BASE(c));
	epilogue(c);
}

/* One layout of the whole program into c->b, recording every label. */
static void emit_all(struct ctx *c)
{
	c->b.len = 0;
	c->njumps = 0;
	c->unstable = false;
	if (c->frame)
		x86_alu_ri(&c->b, true, ALU_SUB, RSP, FRAME_SIZE);
	/* The input's fields, each only where the program reads it; rdi, the input, last. */
	if (c->uses_meta)
		load_meta_ptr(c, REG_META, RDI);
	else if (c->keeps_input)
		x86_mov_rr(&c->b, true, REG_META, RDI);
	if (c->uses_wirelen)
		x86_load(&c->b, 4, REG_WIRELEN, RDI, NO_REG,
			 (int32_t)offsetof(struct cbpf_input, wirelen));
	x86_load(&c->b, 4, REG_CAPLEN, RDI, NO_REG, (int32_t)offsetof(struct cbpf_input, caplen));
	x86_load(&c->b, 8, REG_DATA, RDI, NO_REG, (int32_t)offsetof(struct cbpf_input, data));
	if (c->pred)
		emit_predicated(c);
	mark(c, L_SLOW(c));
	x86_mov_ri(&c->b, REG_A, 0);
	x86_mov_ri(&c->b, REG_X, 0);
	for (uint32_t k = 0; k < CBPF_MEMWORDS; k++)
		if (c->zero_cells & (1u << k))
			x86_store_i(&c->b, RSP, mem_disp(c, k), 0);
	for (uint32_t pc = 0; pc < c->len; pc++) {
		mark(c, label_id(c, pc, L_INSN));
		emit_insn(c, pc);
	}
	mark(c, label_id(c, c->len, L_INSN));
	for (uint32_t pc = 0; pc < c->len; pc++) {
		mark(c, label_id(c, pc, L_OOL));
		if (c->mode == CBPF_VM_SOCKET && is_ind(&c->insns[pc]))
			ind_out_of_line(c, pc, size_of(c->insns[pc].code));
	}
	mark(c, label_id(c, c->len, L_OOL));
	mark(c, L_EXIT0(c));
	x86_mov_ri(&c->b, REG_A, 0);
	mark(c, L_EXITA(c));
	epilogue(c);
	/*
	 * The helpers' addresses, then the record a NULL meta reads, 8-byte aligned after int3
	 * padding nothing jumps to.
	 */
	if (c->frame || c->uses_meta || c->keeps_input || c->pred) {
		while (c->b.len % 8)
			x86_u8(&c->b, 0xcc);
	}
	mark(c, L_POOL(c));
	if (c->frame)
		for (int h = 0; h < JIT_NHELPERS; h++)
			x86_u64(&c->b, (uint64_t)(uintptr_t)c->helpers[h]);
	mark(c, L_ZEROS(c));
	if (c->uses_meta || c->keeps_input)
		for (size_t i = 0; i < sizeof(struct cbpf_meta); i++)
			x86_u8(&c->b, 0);
	/* The predicated copy's results, by the return's instruction (a multiple of 8 so far). */
	mark(c, L_RESULTS(c));
	if (c->pred)
		for (uint32_t pc = 0; pc < c->len; pc++)
			x86_u32(&c->b, is_ret_k(c, pc) ? c->insns[pc].k : 0);
}

/* What the program needs: a frame, the metadata, wirelen, which M cells to zero. */
static int survey(struct ctx *c)
{
	uint16_t *in_mask = malloc((size_t)c->len * sizeof(*in_mask));

	if (!in_mask)
		return -ENOMEM;
	/* Written cells on entry to each instruction, over every path (jumps go forward only). */
	for (uint32_t pc = 0; pc < c->len; pc++)
		in_mask[pc] = 0xffff;
	in_mask[0] = 0;
	for (uint32_t pc = 0; pc < c->len; pc++) {
		const struct cbpf_insn *in = &c->insns[pc];
		uint16_t code = in->code, w = in_mask[pc];
		bool socket = c->mode == CBPF_VM_SOCKET;

		switch (CBPF_CLASS(code)) {
		case CBPF_LD:
		case CBPF_LDX:
			if (CBPF_MODE(code) == CBPF_MEM && !(w & (1u << in->k)))
				c->zero_cells |= (uint16_t)(1u << in->k);
			if (CBPF_MODE(code) == CBPF_LEN && socket)
				c->uses_wirelen = true;
			/*
			 * Negative offsets and ancillary loads read the record; [x + k] only when
			 * X + k is negative, out of line.
			 */
			if (socket && ((CBPF_MODE(code) == CBPF_ABS && (int32_t)in->k < 0) ||
				       (CBPF_MODE(code) == CBPF_MSH && (int32_t)in->k < 0)))
				c->uses_meta = true;
			if (socket && CBPF_MODE(code) == CBPF_IND)
				c->keeps_input = true;
			if (socket && CBPF_CLASS(code) == CBPF_LD && CBPF_MODE(code) == CBPF_ABS &&
			    (ancillary_of(in->k) == CBPF_AD_NLATTR ||
			     ancillary_of(in->k) == CBPF_AD_NLATTR_NEST))
				c->frame = true;
			break;
		case CBPF_ST:
		case CBPF_STX:
			w |= (uint16_t)(1u << in->k);
			break;
		}
		if (CBPF_CLASS(code) == CBPF_RET)
			continue;
		if (code == (CBPF_JMP | CBPF_JA)) {
			in_mask[pc + 1 + in->k] &= w;
		} else if (CBPF_CLASS(code) == CBPF_JMP) {
			in_mask[pc + 1 + in->jt] &= w;
			in_mask[pc + 1 + in->jf] &= w;
		} else {
			in_mask[pc + 1] &= w;
		}
	}
	free(in_mask);
	return 0;
}

void jit_image_free(struct jit_image *img)
{
	free(img->code);
	free(img->insn_off);
	free(img->ool_off);
	free(img->pred_off);
	memset(img, 0, sizeof(*img));
}

int jit_x86_64_compile(const struct cbpf_insn *insns, uint32_t len, enum cbpf_vm_mode mode,
		       jit_helper_fn *const helpers[JIT_NHELPERS], struct jit_image *img)
{
	struct ctx c = { .insns = insns, .len = len, .mode = mode, .helpers = helpers };
	size_t nlabels = N_LABELS(&c);
	unsigned pass;
	int err = -ENOMEM;

	memset(img, 0, sizeof(*img));
	/* Zeroed: labels an instruction does not use compare equal from pass to pass. */
	c.label = calloc(nlabels, sizeof(*c.label));
	c.prev = calloc(nlabels, sizeof(*c.prev));
	if (!c.label || !c.prev || survey(&c) || plan_predication(&c))
		goto out;
	c.first = true;
	for (pass = 1;; pass++) {
		uint32_t *t;

		emit_all(&c);
		if (c.b.oom)
			goto out;
		if (c.pred && c.first &&
		    c.label[label_id(&c, len, L_PRED)] - c.label[label_id(&c, 0, L_PRED)] >
			    PRED_MAX_BYTES) {
			/* Too long to pay: the branching code alone, its labels from scratch. */
			c.pred = false;
			memset(c.label, 0, nlabels * sizeof(*c.label));
			continue;
		}
		if (c.b.len > MAX_CODE) {
			err = -E2BIG;
			goto out;
		}
		if (!c.first && !c.unstable && !memcmp(c.label, c.prev, nlabels * sizeof(*c.label)))
			break;
		t = c.prev;
		c.prev = c.label;
		c.label = t;
		t = c.prev_jsite;
		c.prev_jsite = c.jsite;
		c.jsite = t;
		c.first = false;
		if (pass == MAX_SHRINKING_PASSES)
			c.all_long = true;
		if (pass > MAX_SHRINKING_PASSES + 4)
			goto out; /* cannot happen: two long passes agree */
	}
	img->insn_off = malloc(((size_t)len + 1) * sizeof(*img->insn_off));
	img->ool_off = malloc(((size_t)len + 1) * sizeof(*img->ool_off));
	img->pred_off = malloc(((size_t)len + 1) * sizeof(*img->pred_off));
	if (!img->insn_off || !img->ool_off || !img->pred_off) {
		jit_image_free(img);
		goto out;
	}
	for (uint32_t pc = 0; pc <= len; pc++) {
		img->insn_off[pc] = c.label[label_id(&c, pc, L_INSN)];
		img->ool_off[pc] = c.label[label_id(&c, pc, L_OOL)];
		img->pred_off[pc] = c.label[label_id(&c, pc, L_PRED)];
	}
	img->code = c.b.p;
	c.b.p = NULL;
	img->size = c.b.len;
	img->len = len;
	img->exits_off = c.label[L_EXIT0(&c)];
	img->exit_a_off = c.label[L_EXITA(&c)];
	img->pool_off = c.label[L_POOL(&c)];
	img->zeros_off = c.label[L_ZEROS(&c)];
	img->slow_off = c.label[L_SLOW(&c)];
	img->results_off = c.label[L_RESULTS(&c)];
	img->pred = c.pred;
	img->passes = pass;
	err = 0;
out:
	free(c.b.p);
	free(c.label);
	free(c.prev);
	free(c.jsite);
	free(c.prev_jsite);
	free(c.cross);
	free(c.known);
	free(c.remat);
	free(c.wire);
	return err;
}
