// SPDX-License-Identifier: MIT
/* The eBPF interpreter for what translations emit: where the kernel cannot run them (seccomp). */
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include <linux/bpf.h>

#include "cbpf/ebpf.h"
#include "cbpf/vm.h"
#include "ebpf/ebpf_prog.h"

/*
 * Pointers are plain 64-bit numbers in four regions far apart, so that compares and arithmetic
 * behave as on real addresses and every access can be checked against its region.
 */
#define CTX_BASE   0x100000000000ull
#define STACK_BASE 0x200000000000ull
#define PKT_BASE   0x300000000000ull
#define REGION	   0x10000000ull
#define STACK_SIZE 512
#define POISON	   0xdeadbeefdeadbeefull
#define MAX_STEPS  1000000

struct machine {
	const struct cbpf_ebpf_prog *prog;
	const struct cbpf_input *in;
	const struct cbpf_meta *meta;
	uint64_t r[11];
	uint16_t written; /* registers holding a value */
	uint8_t stack[STACK_SIZE];
	uint8_t stack_init[STACK_SIZE];
	struct cbpf_diags *diags;
	size_t pc;
};

static const struct cbpf_meta zero_meta;

static int fault(struct machine *m, const char *what)
{
	cbpf_diags_add(m->diags, CBPF_SEV_ERROR, NULL, 0, 0, 0, (long)m->pc, "eBPF insn %zu: %s",
		       m->pc, what);
	return -EINVAL;
}

static int rd(struct machine *m, unsigned reg, uint64_t *v)
{
	if (reg > 10 || !(m->written & (1u << reg)))
		return fault(m, "reads a register never written");
	*v = m->r[reg];
	return 0;
}

static void wr(struct machine *m, unsigned reg, uint64_t v)
{
	m->r[reg] = v;
	m->written |= (uint16_t)(1u << reg);
}

/* A call or LD_ABS: r1-r5 are gone. */
static void clobber(struct machine *m)
{
	for (unsigned r = 1; r <= 5; r++)
		m->r[r] = POISON;
	m->written &= (uint16_t)~0x3eu;
}

static uint64_t load_ne(const uint8_t *p, unsigned size)
{
	uint8_t b1;
	uint16_t b2;
	uint32_t b4;
	uint64_t b8;

	switch (size) {
	case 1:
		memcpy(&b1, p, 1);
		return b1;
	case 2:
		memcpy(&b2, p, 2);
		return b2;
	case 4:
		memcpy(&b4, p, 4);
		return b4;
	default:
		memcpy(&b8, p, 8);
		return b8;
	}
}

static uint64_t load_be(const uint8_t *p, unsigned size)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < size; i++)
		v = v << 8 | p[i];
	return v;
}

static unsigned size_bytes(uint8_t code)
{
	switch (CBPF_SIZE(code)) {
	case CBPF_B:
		return 1;
	case CBPF_H:
		return 2;
	case CBPF_W:
		return 4;
	default:
		return 8;
	}
}

/* What direct reads may see: the whole frame in XDP, the sk_buff's linear part in tc. */
static uint32_t linear_len(const struct machine *m)
{
	uint32_t head = m->meta->headlen;

	if (m->prog->target == CBPF_TARGET_TC && head && head < m->in->caplen)
		return head;
	return m->in->caplen;
}

/* A struct __sk_buff field the translations read (4 bytes at its offset). */
static int skb_field(struct machine *m, uint64_t off, unsigned size, uint64_t *v)
{
	const struct cbpf_meta *meta = m->meta;

	if (size != 4)
		return fault(m, "reads a struct __sk_buff field with a size other than 4");
	switch (off) {
	case offsetof(struct __sk_buff, len):
		*v = m->in->wirelen;
		return 0;
	case offsetof(struct __sk_buff, pkt_type):
		*v = meta->pkttype & 7;
		return 0;
	case offsetof(struct __sk_buff, mark):
		*v = meta->mark;
		return 0;
	case offsetof(struct __sk_buff, queue_mapping):
		*v = meta->queue;
		return 0;
	case offsetof(struct __sk_buff, protocol):
		*v = meta->protocol;
		return 0;
	case offsetof(struct __sk_buff, vlan_present):
		*v = meta->vlan_present;
		return 0;
	case offsetof(struct __sk_buff, vlan_tci):
		*v = meta->vlan_tci;
		return 0;
	case offsetof(struct __sk_buff, vlan_proto):
		*v = meta->vlan_proto;
		return 0;
	case offsetof(struct __sk_buff, ifindex):
		*v = meta->no_dev ? 0 : meta->ifindex;
		return 0;
	case offsetof(struct __sk_buff, hash):
		*v = meta->rxhash;
		return 0;
	case offsetof(struct __sk_buff, data):
	case offsetof(struct __sk_buff, data_end):
		/* A socket filter cannot read them (the verifier refuses); tc's data ends with the
		 * linear part. */
		if (m->prog->target != CBPF_TARGET_TC)
			return fault(m, "reads skb->data outside tc");
		*v = PKT_BASE + (off == offsetof(struct __sk_buff, data) ? 0 : linear_len(m));
		return 0;
	default:
		return fault(m, "reads a struct __sk_buff field outside the translations' set");
	}
}

static int xdp_field(struct machine *m, uint64_t off, unsigned size, uint64_t *v)
{
	if (size != 4)
		return fault(m, "reads a struct xdp_md field with a size other than 4");
	switch (off) {
	case offsetof(struct xdp_md, data):
	case offsetof(struct xdp_md, data_meta):
		*v = PKT_BASE;
		return 0;
	case offsetof(struct xdp_md, data_end):
		*v = PKT_BASE + m->in->caplen;
		return 0;
	case offsetof(struct xdp_md, ingress_ifindex):
		*v = m->meta->ifindex;
		return 0;
	case offsetof(struct xdp_md, rx_queue_index):
		*v = m->meta->queue;
		return 0;
	default:
		return fault(m, "reads a struct xdp_md field outside the translations' set");
	}
}

static int mem_load(struct machine *m, uint64_t addr, unsigned size, uint64_t *v)
{
	if (addr - STACK_BASE < STACK_SIZE) {
		uint64_t o = addr - STACK_BASE;

		if (o + size > STACK_SIZE)
			return fault(m, "reads past the top of the stack");
		if (o % size)
			return fault(m, "misaligned stack access (the verifier refuses it)");
		for (unsigned i = 0; i < size; i++)
			if (!m->stack_init[o + i])
				return fault(m, "reads stack bytes never written");
		*v = load_ne(m->stack + o, size);
		return 0;
	}
	if (addr - PKT_BASE < REGION) {
		uint64_t o = addr - PKT_BASE;

		if (m->prog->target != CBPF_TARGET_XDP && m->prog->target != CBPF_TARGET_TC)
			return fault(m, "reads the packet directly outside xdp and tc");
		if (o + size > linear_len(m))
			return fault(m,
				     "reads the packet out of bounds (the verifier would refuse)");
		*v = load_ne(m->in->data + o, size);
		return 0;
	}
	if (addr - CTX_BASE < REGION) {
		uint64_t o = addr - CTX_BASE;

		switch (m->prog->target) {
		case CBPF_TARGET_XDP:
			return xdp_field(m, o, size, v);
		case CBPF_TARGET_SECCOMP:
			if (o + size > CBPF_SECCOMP_DATA_SIZE || o % size)
				return fault(m, "reads struct seccomp_data out of bounds");
			*v = load_ne(m->in->data + o, size);
			return 0;
		default:
			return skb_field(m, o, size, v);
		}
	}
	return fault(m, "reads memory outside the stack, the packet and the context");
}

static int stack_span(struct machine *m, uint64_t addr, uint64_t size, uint8_t **p)
{
	uint64_t o = addr - STACK_BASE;

	if (o >= STACK_SIZE || size > STACK_SIZE - o)
		return fault(m, "writes outside the stack");
	memset(m->stack_init + o, 1, size);
	*p = m->stack + o;
	return 0;
}

/* The load-bytes helpers' (ctx, offset, stack buffer, length): the offset is a u32. */
static int copy_args(struct machine *m, uint64_t *off, uint8_t **to, uint64_t *len)
{
	uint64_t ctx, buf;
	int err;

	if ((err = rd(m, 1, &ctx)) || (err = rd(m, 2, off)) || (err = rd(m, 3, &buf)) ||
	    (err = rd(m, 4, len)))
		return err;
	if (ctx != CTX_BASE)
		return fault(m, "passes a helper something else than the context");
	if (!*len)
		return fault(m, "passes a helper a zero length");
	*off = (uint32_t)*off;
	return stack_span(m, buf, *len, to);
}

/*
 * Where the packet bytes [off, off + size) of a classic-style load are: net/core/filter.c:
 * bpf_skb_load_helper_* for off >= 0, bpf_internal_load_pointer_neg_helper below. -1: nowhere.
 */
static int64_t skb_offset(const struct machine *m, int32_t off, unsigned size)
{
	int64_t at;

	if (off >= 0)
		at = off;
	else if (off >= CBPF_NET_OFF)
		at = (int64_t)m->meta->net_off + (off - CBPF_NET_OFF);
	else if (off >= CBPF_LL_OFF && !m->meta->no_mac)
		at = off - CBPF_LL_OFF;
	else
		return -1;
	if (at + size > m->in->caplen)
		return -1;
	return at;
}

static int helper(struct machine *m, int32_t id)
{
	uint64_t a1, a2, a4, a5 = 0, ret = 0;
	uint8_t *to;
	int64_t at = -1;
	int err;

	switch (id) {
	case BPF_FUNC_get_prandom_u32:
		ret = m->meta->random;
		break;
	case BPF_FUNC_get_smp_processor_id:
		ret = m->meta->cpu;
		break;
	case BPF_FUNC_skb_load_bytes:
	case BPF_FUNC_skb_load_bytes_relative:
		if (m->prog->target != CBPF_TARGET_SOCKET && m->prog->target != CBPF_TARGET_TC)
			return fault(m, "calls an sk_buff helper outside socket and tc");
		if ((err = copy_args(m, &a2, &to, &a4)))
			return err;
		if (id == BPF_FUNC_skb_load_bytes_relative && (err = rd(m, 5, &a5)))
			return err;
		if (id == BPF_FUNC_skb_load_bytes) {
			/* skb_header_pointer() from skb->data; offsets past INT_MAX are refused. */
			if (a2 <= INT32_MAX && a2 + a4 <= m->in->caplen)
				at = (int64_t)a2;
		} else if (a2 <= 0xffff) {
			/* From the MAC (if set) or network header; at most 0xffff past it. */
			if (a5 == BPF_HDR_START_MAC && !m->meta->no_mac)
				at = (int64_t)a2;
			else if (a5 == BPF_HDR_START_NET)
				at = (int64_t)m->meta->net_off + (int64_t)a2;
			if (at >= 0 && (uint64_t)at + a4 > m->in->caplen)
				at = -1;
		}
		if (at >= 0) {
			memcpy(to, m->in->data + at, a4);
		} else {
			memset(to, 0, a4);
			ret = (uint64_t)(int64_t)-EFAULT;
		}
		break;
	case BPF_FUNC_xdp_get_buff_len:
		if (m->prog->target != CBPF_TARGET_XDP)
			return fault(m, "calls an XDP helper outside xdp");
		if ((err = rd(m, 1, &a1)))
			return err;
		if (a1 != CTX_BASE)
			return fault(m, "passes a helper something else than the context");
		ret = m->in->caplen; /* data_end - data: a linear frame */
		break;
	case BPF_FUNC_xdp_load_bytes:
		if (m->prog->target != CBPF_TARGET_XDP)
			return fault(m, "calls an XDP helper outside xdp");
		if ((err = copy_args(m, &a2, &to, &a4)))
			return err;
		/* net/core/filter.c: bpf_xdp_pointer() refuses offsets past 0xffff (-EFAULT) and
		 * bytes past the frame (-EINVAL); the buffer is left as it was. */
		if (a2 > 0xffff || a4 > 0xffff)
			ret = (uint64_t)(int64_t)-EFAULT;
		else if (a2 + a4 > m->in->caplen)
			ret = (uint64_t)(int64_t)-EINVAL;
		else
			memcpy(to, m->in->data + a2, a4);
		break;
	default:
		return fault(m, "calls a helper outside the translations' set");
	}
	clobber(m);
	wr(m, 0, ret);
	return 0;
}

static uint64_t alu(uint8_t op, uint64_t d, uint64_t s, bool is64, bool *bad)
{
	switch (op) {
	case CBPF_ADD:
		return d + s;
	case CBPF_SUB:
		return d - s;
	case CBPF_MUL:
		return d * s;
	case CBPF_DIV:
		/* eBPF: a division by zero gives 0, a modulo by zero leaves dst. */
		if (!is64)
			return (uint32_t)s ? (uint32_t)d / (uint32_t)s : 0;
		return s ? d / s : 0;
	case CBPF_MOD:
		if (!is64)
			return (uint32_t)s ? (uint32_t)d % (uint32_t)s : (uint32_t)d;
		return s ? d % s : d;
	case CBPF_OR:
		return d | s;
	case CBPF_AND:
		return d & s;
	case CBPF_XOR:
		return d ^ s;
	case CBPF_LSH:
		return is64 ? d << (s & 63) : (uint32_t)d << (s & 31);
	case CBPF_RSH:
		return is64 ? d >> (s & 63) : (uint32_t)d >> (s & 31);
	case CBPF_EBPF_ARSH:
		return is64 ? (uint64_t)((int64_t)d >> (s & 63))
			    : (uint32_t)((int32_t)(uint32_t)d >> (s & 31));
	case CBPF_NEG:
		return -d;
	case CBPF_EBPF_MOV:
		return s;
	default:
		*bad = true;
		return 0;
	}
}

static uint64_t bswap(uint64_t v, int32_t bits)
{
	uint64_t r = 0;

	for (int i = 0; i < bits / 8; i++)
		r = r << 8 | ((v >> (8 * i)) & 0xff);
	return r;
}

static bool little_endian(void)
{
	const uint16_t one = 1;

	return *(const uint8_t *)&one == 1;
}

static bool jump_taken(uint8_t op, uint64_t d, uint64_t s, bool is64)
{
	int64_t sd = is64 ? (int64_t)d : (int32_t)(uint32_t)d;
	int64_t ss = is64 ? (int64_t)s : (int32_t)(uint32_t)s;

	if (!is64) {
		d = (uint32_t)d;
		s = (uint32_t)s;
	}
	switch (op) {
	case CBPF_JEQ:
		return d == s;
	case CBPF_EBPF_JNE:
		return d != s;
	case CBPF_JGT:
		return d > s;
	case CBPF_JGE:
		return d >= s;
	case CBPF_EBPF_JLT:
		return d < s;
	case CBPF_EBPF_JLE:
		return d <= s;
	case CBPF_JSET:
		return d & s;
	case CBPF_EBPF_JSGT:
		return sd > ss;
	case CBPF_EBPF_JSGE:
		return sd >= ss;
	case CBPF_EBPF_JSLT:
		return sd < ss;
	default: /* JSLE */
		return sd <= ss;
	}
}

static int step(struct machine *m, bool *done, uint64_t *ret)
{
	const struct cbpf_ebpf_insn *in = &m->prog->insns[m->pc];
	uint8_t code = in->code, cls = CBPF_CLASS(code), op = CBPF_OP(code);
	uint64_t d = 0, s = 0, v;
	uint8_t *p;
	int err;

	switch (cls) {
	case CBPF_ALU:
	case CBPF_EBPF_ALU64: {
		bool is64 = cls == CBPF_EBPF_ALU64, bad = false;

		if (op == CBPF_EBPF_END) {
			if ((err = rd(m, in->dst_reg, &d)))
				return err;
			if (in->imm != 16 && in->imm != 32 && in->imm != 64)
				return fault(m, "byte swap of a width other than 16, 32, 64");
			if (is64 || (CBPF_SRC(code) == CBPF_EBPF_TO_BE) == little_endian())
				d = bswap(d, in->imm);
			else if (in->imm < 64)
				d &= (1ull << in->imm) - 1;
			wr(m, in->dst_reg, d);
			break;
		}
		if (in->off)
			return fault(m, "signed division or sign-extending move");
		if (op != CBPF_EBPF_MOV && (err = rd(m, in->dst_reg, &d)))
			return err;
		if (CBPF_SRC(code) == CBPF_X && op != CBPF_NEG) {
			if ((err = rd(m, in->src_reg, &s)))
				return err;
		} else {
			s = (uint64_t)(int64_t)in->imm;
		}
		v = alu(op, d, s, is64, &bad);
		if (bad)
			return fault(m, "unknown ALU operation");
		wr(m, in->dst_reg, is64 ? v : (uint32_t)v);
		break;
	}
	case CBPF_LDX:
		if (CBPF_MODE(code) != CBPF_EBPF_MEM)
			return fault(m, "unknown LDX mode");
		if ((err = rd(m, in->src_reg, &s)) ||
		    (err = mem_load(m, s + (uint64_t)(int64_t)in->off, size_bytes(code), &v)))
			return err;
		/* The context's pointer fields give pointers whatever the load's size. */
		wr(m, in->dst_reg, v);
		break;
	case CBPF_STX:
	case CBPF_ST:
		if (CBPF_MODE(code) != CBPF_EBPF_MEM)
			return fault(m, "atomic or unknown store");
		if ((err = rd(m, in->dst_reg, &d)))
			return err;
		if (cls == CBPF_STX) {
			if ((err = rd(m, in->src_reg, &s)))
				return err;
		} else {
			s = (uint64_t)(int64_t)in->imm;
		}
		if ((err = stack_span(m, d + (uint64_t)(int64_t)in->off, size_bytes(code), &p)))
			return err;
		if ((d + (uint64_t)(int64_t)in->off - STACK_BASE) % size_bytes(code))
			return fault(m, "misaligned stack access (the verifier refuses it)");
		memcpy(p, (const uint8_t *)&s + (little_endian() ? 0 : 8 - size_bytes(code)),
		       size_bytes(code));
		break;
	case CBPF_LD:
		if (code == CBPF_EBPF_LD_IMM64) {
			if (m->pc + 1 >= m->prog->len || in->src_reg)
				return fault(
					m, "64-bit immediate load cut short or of a pseudo value");
			wr(m, in->dst_reg, (uint32_t)in->imm | (uint64_t)(uint32_t)in[1].imm << 32);
			m->pc++;
			break;
		}
		if (CBPF_MODE(code) == CBPF_ABS || CBPF_MODE(code) == CBPF_IND) {
			int32_t off = in->imm;
			int64_t at;

			if (m->prog->target != CBPF_TARGET_SOCKET &&
			    m->prog->target != CBPF_TARGET_TC)
				return fault(m, "LD_ABS/LD_IND outside socket and tc");
			if (CBPF_SIZE(code) == CBPF_EBPF_DW)
				return fault(m, "LD_ABS/LD_IND of 8 bytes");
			if (m->r[6] != CTX_BASE || !(m->written & (1u << 6)))
				return fault(m, "LD_ABS/LD_IND without the context in r6");
			if (CBPF_MODE(code) == CBPF_IND) {
				if ((err = rd(m, in->src_reg, &s)))
					return err;
				off = (int32_t)(uint32_t)(s + (uint64_t)(int64_t)in->imm);
			}
			at = skb_offset(m, off, size_bytes(code));
			clobber(m);
			if (at < 0) {
				/* The kernel's rewrite ends the program with 0. */
				*ret = 0;
				*done = true;
				return 0;
			}
			wr(m, 0, load_be(m->in->data + at, size_bytes(code)));
			break;
		}
		return fault(m, "unknown LD mode");
	case CBPF_JMP:
	case CBPF_EBPF_JMP32:
		if (op == CBPF_EBPF_EXIT) {
			if ((err = rd(m, 0, ret)))
				return err;
			*done = true;
			return 0;
		}
		if (op == CBPF_EBPF_CALL) {
			if (in->src_reg)
				return fault(m, "calls a function, not a helper");
			if ((err = helper(m, in->imm)))
				return err;
			break;
		}
		if (op == CBPF_JA) {
			if (cls == CBPF_EBPF_JMP32)
				m->pc += (size_t)(int64_t)in->imm;
			else
				m->pc += (size_t)(int64_t)in->off;
			break;
		}
		if (op > CBPF_EBPF_JSLE || (err = rd(m, in->dst_reg, &d)))
			return op > CBPF_EBPF_JSLE ? fault(m, "unknown jump") : err;
		if (CBPF_SRC(code) == CBPF_X) {
			if ((err = rd(m, in->src_reg, &s)))
				return err;
		} else {
			s = (uint64_t)(int64_t)in->imm;
		}
		if (jump_taken(op, d, s, cls == CBPF_JMP))
			m->pc += (size_t)(int64_t)in->off;
		break;
	}
	m->pc++;
	return 0;
}

int cbpf_ebpf_run(const struct cbpf_ebpf_prog *prog, const struct cbpf_input *in, uint64_t *ret,
		  struct cbpf_diags *diags)
{
	struct machine m;
	bool done = false;
	uint64_t r = 0;

	m.prog = prog;
	m.in = in;
	m.meta = in->meta ? in->meta : &zero_meta;
	m.diags = diags;
	m.pc = 0;
	for (unsigned i = 0; i < 11; i++)
		m.r[i] = POISON;
	m.written = 0;
	memset(m.stack_init, 0, sizeof(m.stack_init));
	wr(&m, 1, CTX_BASE);
	wr(&m, 10, STACK_BASE + STACK_SIZE);
	for (unsigned long steps = 0; !done; steps++) {
		int err;

		if (m.pc >= prog->len)
			return fault(&m, "runs off the end of the program");
		if (steps == MAX_STEPS)
			return fault(&m, "runs more than 1,000,000 instructions");
		err = step(&m, &done, &r);
		if (err)
			return err;
	}
	*ret = r;
	return 0;
}
