// SPDX-License-Identifier: MIT
/* The compiler: classic instructions to x86-64 code with the interpreter's (kernel's) semantics. */
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "jit/x86_64_int.h"

/* Passes before every jump is made long, which settles in two more. */
#define MAX_SHRINKING_PASSES 16
#define MAX_CODE	     ((size_t)1 << 30)

size_t x64_label(const struct ctx *c, uint32_t pc, int kind)
{
	(void)c; /* the same signature as the program's own labels */
	return (size_t)pc * L_PER_INSN + (size_t)kind;
}

void x64_mark(struct ctx *c, size_t id)
{
	c->label[id] = (uint32_t)c->b.len;
}

static bool fits8(int64_t v)
{
	return v >= -128 && v <= 127;
}

/* A jump to label id: short when the previous pass says it reaches. */
void x64_jump(struct ctx *c, enum x86_cc cc, size_t id)
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

void x64_epilogue(struct ctx *c)
{
	if (c->frame)
		x86_alu_ri(&c->b, true, ALU_ADD, RSP, FRAME_SIZE);
	x86_ret(&c->b);
}

/* Where M[k] is, from rsp. */
int32_t x64_mem_disp(const struct ctx *c, uint32_t k)
{
	return (int32_t)(4 * k) - (c->frame ? 0 : 4 * CBPF_MEMWORDS);
}

static void exit0(struct ctx *c, enum x86_cc cc)
{
	x64_jump(c, cc, L_EXIT0(c));
}

/* size bytes at [rdi + index + disp] into dst, from network byte order. */
void x64_load_be(struct ctx *c, unsigned size, enum x86_reg dst, enum x86_reg index, int32_t disp)
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
 * bounds, compared in 32 bits, where off + size cannot wrap. In network byte order with wire
 * (x64_wire_load: only jeq and jset #k read it, k swapped).
 */
static void load_const(struct ctx *c, unsigned size, enum x86_reg dst, uint32_t off, bool wire)
{
	x86_alu_ri(&c->b, false, ALU_CMP, REG_CAPLEN, off + size);
	exit0(c, CC_B);
	if (wire)
		x86_load(&c->b, size, dst, REG_DATA, NO_REG, (int32_t)off);
	else
		x64_load_be(c, size, dst, NO_REG, (int32_t)off);
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
	x64_load_be(c, size, dst, REG_TMP, 0);
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
		load_const(c, size, dst, (uint32_t)(k - CBPF_LL_OFF), false);
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
	x64_jump(c, CC_S, x64_label(c, pc, L_OOL));
	if (size == 1) {
		x86_alu_rr(&c->b, false, ALU_CMP, REG_TMP, REG_CAPLEN);
		exit0(c, CC_AE);
	} else {
		x86_lea(&c->b, false, R10, REG_TMP, NO_REG, (int32_t)size);
		x86_alu_rr(&c->b, false, ALU_CMP, R10, REG_CAPLEN);
		exit0(c, CC_A);
	}
	x64_load_be(c, size, REG_A, REG_TMP, 0);
	x64_mark(c, x64_label(c, pc, L_RESUME));
}

/* rip-relative displacement to label id from an instruction of len bytes starting now. */
int32_t x64_rip_to(const struct ctx *c, size_t id, size_t len)
{
	return c->first ? 0 : (int32_t)((int64_t)c->prev[id] - (int64_t)(c->b.len + len));
}

/* dst = the input's meta, or the zeroed record in the image when it is NULL; r10 scratch. */
static void load_meta_ptr(struct ctx *c, enum x86_reg dst, enum x86_reg input)
{
	x86_load(&c->b, 8, dst, input, NO_REG, (int32_t)offsetof(struct cbpf_input, meta));
	x86_lea_rip(&c->b, R10, x64_rip_to(c, L_ZEROS(c), 7));
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
	x64_jump(c, CC_L, x64_label(c, pc, L_OOL_LL));
	/* SKF_NET_OFF + n: n + net_off, in 64 bits. */
	x86_alu_ri(&c->b, false, ALU_SUB, REG_TMP, (uint32_t)CBPF_NET_OFF);
	x86_load(&c->b, 4, R10, meta, NO_REG, (int32_t)offsetof(struct cbpf_meta, net_off));
	x86_alu_rr(&c->b, true, ALU_ADD, REG_TMP, R10);
	x64_jump(c, CC_ALWAYS, x64_label(c, pc, L_OOL_CHECK));
	/* SKF_LL_OFF + n: n, when the link-layer header is known. */
	x64_mark(c, x64_label(c, pc, L_OOL_LL));
	x86_alu_ri(&c->b, false, ALU_CMP, REG_TMP, (uint32_t)CBPF_LL_OFF);
	exit0(c, CC_L);
	x86_cmp_m8i(&c->b, meta, (int32_t)offsetof(struct cbpf_meta, no_mac), 0);
	exit0(c, CC_NE);
	x86_alu_ri(&c->b, false, ALU_SUB, REG_TMP, (uint32_t)CBPF_LL_OFF);
	x64_mark(c, x64_label(c, pc, L_OOL_CHECK));
	load_rdx64(c, size, REG_A);
	x64_jump(c, CC_ALWAYS, x64_label(c, pc, L_RESUME));
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
		x64_jump(c, CC_NE, L_EXITA(c));
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

unsigned x64_size_of(uint16_t code)
{
	return CBPF_SIZE(code) == CBPF_W ? 4 : CBPF_SIZE(code) == CBPF_H ? 2 : 1;
}

/* ld, ldh, ldb [k] and [x + k]. */
static void emit_ld_packet(struct ctx *c, uint32_t pc, const struct cbpf_insn *in)
{
	unsigned size = x64_size_of(in->code);
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
		load_const(c, size, REG_A, in->k, x64_wire_load(c, pc));
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
		load_const(c, 1, REG_X, in->k, false);
	else
		load_neg_const(c, 1, REG_X, (int32_t)in->k);
	x86_alu_ri(&c->b, false, ALU_AND, REG_X, 0xf);
	x86_shift_ri(&c->b, SHIFT_SHL, REG_X, 2);
}

bool x64_emit_ld_reg(struct ctx *c, const struct cbpf_insn *in, enum x86_reg r)
{
	switch (CBPF_MODE(in->code)) {
	case CBPF_IMM:
		x86_mov_ri(&c->b, r, in->k);
		return true;
	case CBPF_MEM:
		x86_load(&c->b, 4, r, RSP, NO_REG, x64_mem_disp(c, in->k));
		return true;
	case CBPF_LEN:
		/* kernel/seccomp.c turns ld #len into ld #64. */
		if (c->mode == CBPF_VM_SECCOMP)
			x86_mov_ri(&c->b, r, CBPF_SECCOMP_DATA_SIZE);
		else
			x86_mov_rr(&c->b, false, r, REG_WIRELEN);
		return true;
	default:
		return false;
	}
}

static void emit_ld(struct ctx *c, uint32_t pc, const struct cbpf_insn *in)
{
	bool x = CBPF_CLASS(in->code) == CBPF_LDX;
	enum x86_reg r = x ? REG_X : REG_A;

	if (x64_emit_ld_reg(c, in, r))
		return;
	switch (CBPF_MODE(in->code)) {
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

int x64_log2_exact(uint32_t k)
{
	return k && !(k & (k - 1)) ? __builtin_ctz(k) : -1;
}

/* A op= k or X, A in register a (REG_A, or a copy in the predicated code). */
void x64_emit_alu(struct ctx *c, const struct cbpf_insn *in, enum x86_reg a)
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
		} else if ((sh = x64_log2_exact(k)) >= 0) {
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

bool x64_is_ret_k(const struct ctx *c, uint32_t pc)
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
	x64_epilogue(c);
}

enum x86_cc x64_jmp_flags(struct ctx *c, const struct cbpf_insn *in, uint32_t k)
{
	static const enum x86_cc taken[16] = {
		[CBPF_JEQ >> 4] = CC_E,
		[CBPF_JGT >> 4] = CC_A,
		[CBPF_JGE >> 4] = CC_AE,
		[CBPF_JSET >> 4] = CC_NE,
	};
	uint32_t op = CBPF_OP(in->code);
	bool x = CBPF_SRC(in->code) == CBPF_X;

	if (op == CBPF_JSET)
		x ? x86_test_rr(&c->b, REG_A, REG_X) : x86_test_ri(&c->b, REG_A, k);
	else if (x)
		x86_alu_rr(&c->b, false, ALU_CMP, REG_A, REG_X);
	else if (k == 0)
		x86_test_rr(&c->b, REG_A, REG_A); /* A > 0 is A != 0: ja after test */
	else
		x86_alu_ri(&c->b, false, ALU_CMP, REG_A, k);
	return taken[op >> 4];
}

bool x64_jmp_targets(uint32_t pc, const struct cbpf_insn *in, uint32_t *t, uint32_t *f)
{
	uint32_t op = CBPF_OP(in->code);

	*t = pc + 1 + (op == CBPF_JA ? in->k : in->jt);
	*f = pc + 1 + (op == CBPF_JA ? in->k : in->jf);
	/* Conditions the constant decides: A >= 0 always holds, A & 0 never does. */
	if (CBPF_SRC(in->code) == CBPF_K && in->k == 0 && (op == CBPF_JGE || op == CBPF_JSET)) {
		if (op == CBPF_JGE)
			*f = *t;
		else
			*t = *f;
	}
	return *t == *f;
}

static void emit_jmp(struct ctx *c, uint32_t pc, const struct cbpf_insn *in)
{
	uint32_t t, f;
	enum x86_cc cc;

	if (x64_jmp_targets(pc, in, &t, &f)) {
		/* A jump to a return returns: its mov and ret are shorter than a jump. */
		if (x64_is_ret_k(c, t) && t != pc + 1)
			return_select(c, CC_ALWAYS, c->insns[t].k, c->insns[t].k);
		else if (t != pc + 1)
			x64_jump(c, CC_ALWAYS, x64_label(c, t, L_INSN));
		return;
	}
	cc = x64_jmp_flags(c, in, x64_jmp_k(c, pc, in));
	/* Each condition and its negation differ in the low bit. */
	if (x64_is_ret_k(c, t) && x64_is_ret_k(c, f)) {
		return_select(c, cc, c->insns[t].k, c->insns[f].k);
	} else if (f == pc + 1) {
		x64_jump(c, cc, x64_label(c, t, L_INSN));
	} else if (t == pc + 1) {
		x64_jump(c, (enum x86_cc)(cc ^ 1), x64_label(c, f, L_INSN));
	} else {
		x64_jump(c, cc, x64_label(c, t, L_INSN));
		x64_jump(c, CC_ALWAYS, x64_label(c, f, L_INSN));
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
		x86_store(&c->b, RSP, x64_mem_disp(c, in->k), REG_A);
		break;
	case CBPF_STX:
		x86_store(&c->b, RSP, x64_mem_disp(c, in->k), REG_X);
		break;
	case CBPF_ALU:
		x64_emit_alu(c, in, REG_A);
		break;
	case CBPF_JMP:
		emit_jmp(c, pc, in);
		break;
	case CBPF_RET:
		if (CBPF_RVAL(in->code) != CBPF_A)
			x86_mov_ri(&c->b, REG_A, in->k);
		x64_epilogue(c);
		break;
	case CBPF_MISC:
		if (CBPF_MISCOP(in->code) == CBPF_TXA)
			x86_mov_rr(&c->b, false, REG_A, REG_X);
		else
			x86_mov_rr(&c->b, false, REG_X, REG_A);
		break;
	}
}

bool x64_is_ind(const struct cbpf_insn *in)
{
	return CBPF_CLASS(in->code) == CBPF_LD && CBPF_MODE(in->code) == CBPF_IND;
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
		x64_pred_emit(c);
	x64_mark(c, L_SLOW(c));
	if (x64_reads_first(c, LIVE_A))
		x86_mov_ri(&c->b, REG_A, 0);
	if (x64_reads_first(c, LIVE_X))
		x86_mov_ri(&c->b, REG_X, 0);
	for (uint32_t k = 0; k < CBPF_MEMWORDS; k++)
		if (c->zero_cells & (1u << k))
			x86_store_i(&c->b, RSP, x64_mem_disp(c, k), 0);
	for (uint32_t pc = 0; pc < c->len; pc++) {
		x64_mark(c, x64_label(c, pc, L_INSN));
		emit_insn(c, pc);
	}
	x64_mark(c, x64_label(c, c->len, L_INSN));
	for (uint32_t pc = 0; pc < c->len; pc++) {
		x64_mark(c, x64_label(c, pc, L_OOL));
		if (c->mode == CBPF_VM_SOCKET && x64_is_ind(&c->insns[pc]))
			ind_out_of_line(c, pc, x64_size_of(c->insns[pc].code));
	}
	x64_mark(c, x64_label(c, c->len, L_OOL));
	x64_mark(c, L_EXIT0(c));
	x86_mov_ri(&c->b, REG_A, 0);
	x64_mark(c, L_EXITA(c));
	x64_epilogue(c);
	/*
	 * The helpers' addresses, then the record a NULL meta reads, 8-byte aligned after int3
	 * padding nothing jumps to.
	 */
	if (c->frame || c->uses_meta || c->keeps_input || c->pred) {
		while (c->b.len % 8)
			x86_u8(&c->b, 0xcc);
	}
	x64_mark(c, L_POOL(c));
	if (c->frame)
		for (int h = 0; h < JIT_NHELPERS; h++)
			x86_u64(&c->b, (uint64_t)(uintptr_t)c->helpers[h]);
	x64_mark(c, L_ZEROS(c));
	if (c->uses_meta || c->keeps_input)
		for (size_t i = 0; i < sizeof(struct cbpf_meta); i++)
			x86_u8(&c->b, 0);
	/* The predicated copy's results, by the return's instruction (a multiple of 8 so far). */
	x64_mark(c, L_RESULTS(c));
	if (c->pred)
		for (uint32_t pc = 0; pc < c->len; pc++)
			x86_u32(&c->b, x64_is_ret_k(c, pc) ? c->insns[pc].k : 0);
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
	if (!c.label || !c.prev || survey(&c) || x64_pred_plan(&c))
		goto out;
	c.first = true;
	for (pass = 1;; pass++) {
		uint32_t *t;

		emit_all(&c);
		if (c.b.oom)
			goto out;
		if (c.pred && c.first && x64_pred_too_long(&c)) {
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
		img->insn_off[pc] = c.label[x64_label(&c, pc, L_INSN)];
		img->ool_off[pc] = c.label[x64_label(&c, pc, L_OOL)];
		img->pred_off[pc] = c.label[x64_label(&c, pc, L_PRED)];
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
	x64_pred_free(&c);
	return err;
}
