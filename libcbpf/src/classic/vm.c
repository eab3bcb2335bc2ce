// SPDX-License-Identifier: MIT
/* The classic BPF interpreter: the kernel's semantics, a fast whole-run path and a step API. */
#include <assert.h>
#include <endian.h>
#include <errno.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "cbpf/vm.h"
#include "classic/insn_int.h"
#include "classic/runnable.h"
#include "classic/vm_native.h"

static_assert(sizeof(struct cbpf_seccomp_data) == sizeof(struct seccomp_data), "seccomp_data");
static_assert(CBPF_SECCOMP_DATA_SIZE == sizeof(struct seccomp_data), "seccomp_data size");
static_assert(offsetof(struct cbpf_seccomp_data, nr) == offsetof(struct seccomp_data, nr), "nr");
static_assert(offsetof(struct cbpf_seccomp_data, arch) == offsetof(struct seccomp_data, arch),
	      "arch");
static_assert(offsetof(struct cbpf_seccomp_data, instruction_pointer) ==
		      offsetof(struct seccomp_data, instruction_pointer),
	      "instruction_pointer");
static_assert(offsetof(struct cbpf_seccomp_data, args) == offsetof(struct seccomp_data, args),
	      "args");

/* The eight ops a load becomes when fused with a jump: cond * 2 + both targets return. */
#define FUSED_OPS(X, load)                                                                         \
	X(load##_JEQ)                                                                              \
	X(load##_JEQ_RR)                                                                           \
	X(load##_JGT)                                                                              \
	X(load##_JGT_RR)                                                                           \
	X(load##_JGE)                                                                              \
	X(load##_JGE_RR)                                                                           \
	X(load##_JSET)                                                                             \
	X(load##_JSET_RR)

#define PAIR_OPS(X, load)                                                                          \
	X(load##_PAIR)                                                                             \
	X(load##_PAIR_RR)

#define MASKED_PAIR_OPS(X, load)                                                                   \
	X(load##_MPAIR)                                                                            \
	X(load##_MPAIR_RR)

/*
 * The eight ops of a conditional jump (fused with a load or not) one of whose targets is the
 * next instruction (_T0: when true, _F0: when false): that target is then known from the op,
 * not read from jt or jf, so that the next op's operands do not wait for that read.
 */
#define NEXT_OPS(X, jump)                                                                          \
	X(jump##_JEQ_T0)                                                                           \
	X(jump##_JGT_T0)                                                                           \
	X(jump##_JGE_T0)                                                                           \
	X(jump##_JSET_T0)                                                                          \
	X(jump##_JEQ_F0)                                                                           \
	X(jump##_JGT_F0)                                                                           \
	X(jump##_JGE_F0)                                                                           \
	X(jump##_JSET_F0)

/*
 * The prepared form that cbpf_vm_run executes: one dense opcode per instruction, with the
 * decisions the kernel takes when it converts the program (net/core/filter.c:
 * bpf_convert_filter) taken once here: which loads are ancillary, which offsets are negative,
 * what seccomp makes of a load. A load followed by a conditional jump on k is also fused into
 * one op (the jump keeps its own op, for jumps that land on it), and a jump whose two targets
 * are returns computes the result without a branch: the last decision of most filters.
 */

#define VM_OPS(X)                                                                                  \
	X(OP_RET_K)                                                                                \
	X(OP_RET_A)                                                                                \
	X(OP_LD_IMM)                                                                               \
	X(OP_LDX_IMM)                                                                              \
	X(OP_LD_MEM)                                                                               \
	X(OP_LDX_MEM)                                                                              \
	X(OP_ST)                                                                                   \
	X(OP_STX)                                                                                  \
	X(OP_LD_LEN)                                                                               \
	X(OP_LDX_LEN)                                                                              \
	X(OP_LD_W) /* [k], 0 <= k < 2^31 */                                                        \
	X(OP_LD_H)                                                                                 \
	X(OP_LD_B)                                                                                 \
	X(OP_LD_W_NEG) /* [k], k negative and not ancillary */                                     \
	X(OP_LD_H_NEG)                                                                             \
	X(OP_LD_B_NEG)                                                                             \
	X(OP_LD_W_IND) /* [x + k] */                                                               \
	X(OP_LD_H_IND)                                                                             \
	X(OP_LD_B_IND)                                                                             \
	X(OP_LDX_MSH)	  /* ldxb 4*([k]&0xf), 0 <= k < 2^31 */                                    \
	X(OP_LDX_MSH_NEG) /* ldxb 4*([k]&0xf), k negative */                                       \
	X(OP_LD_SECCOMP)  /* seccomp: the native word at k, k aligned and inside seccomp_data */   \
	X(OP_OOB)	  /* a load that can never be in bounds: ends with 0 */                    \
	X(OP_AD_PROTOCOL)                                                                          \
	X(OP_AD_PKTTYPE)                                                                           \
	X(OP_AD_IFINDEX)                                                                           \
	X(OP_AD_NLATTR)                                                                            \
	X(OP_AD_NLATTR_NEST)                                                                       \
	X(OP_AD_MARK)                                                                              \
	X(OP_AD_QUEUE)                                                                             \
	X(OP_AD_HATYPE)                                                                            \
	X(OP_AD_RXHASH)                                                                            \
	X(OP_AD_CPU)                                                                               \
	X(OP_AD_ALU_XOR_X)                                                                         \
	X(OP_AD_VLAN_TAG)                                                                          \
	X(OP_AD_VLAN_TAG_PRESENT)                                                                  \
	X(OP_AD_PAY_OFFSET)                                                                        \
	X(OP_AD_RANDOM)                                                                            \
	X(OP_AD_VLAN_TPID)                                                                         \
	X(OP_ADD_K)                                                                                \
	X(OP_ADD_X)                                                                                \
	X(OP_SUB_K)                                                                                \
	X(OP_SUB_X)                                                                                \
	X(OP_MUL_K)                                                                                \
	X(OP_MUL_X)                                                                                \
	X(OP_DIV_K)                                                                                \
	X(OP_DIV_X)                                                                                \
	X(OP_MOD_K)                                                                                \
	X(OP_MOD_X)                                                                                \
	X(OP_AND_K)                                                                                \
	X(OP_AND_X)                                                                                \
	X(OP_OR_K)                                                                                 \
	X(OP_OR_X)                                                                                 \
	X(OP_XOR_K)                                                                                \
	X(OP_XOR_X)                                                                                \
	X(OP_LSH_K)                                                                                \
	X(OP_LSH_X)                                                                                \
	X(OP_RSH_K)                                                                                \
	X(OP_RSH_X)                                                                                \
	X(OP_NEG)                                                                                  \
	X(OP_DIV0) /* div or mod by a constant 0: ends with 0 like a zero X */                     \
	X(OP_TAX)                                                                                  \
	X(OP_TXA)                                                                                  \
	X(OP_JA)                                                                                   \
	X(OP_JA_BACK) /* ja backwards: k is the target's index; counts against the loop budget */  \
	X(OP_JEQ_K)                                                                                \
	X(OP_JEQ_X)                                                                                \
	X(OP_JGT_K)                                                                                \
	X(OP_JGT_X)                                                                                \
	X(OP_JGE_K)                                                                                \
	X(OP_JGE_X)                                                                                \
	X(OP_JSET_K)                                                                               \
	X(OP_JSET_X)                                                                               \
	/* A conditional jump on k whose two targets are ret #k: the result, without a branch. */  \
	X(OP_JEQ_K_RR)                                                                             \
	X(OP_JGT_K_RR)                                                                             \
	X(OP_JGE_K_RR)                                                                             \
	X(OP_JSET_K_RR)                                                                            \
	/* jeq #k on A at pc and the 1 to 3 after it, each falling to the next when A */           \
	/* differs and all jumping to one target when equal (`ip proto tcp or udp`): one */        \
	/* branch on whether A is any of the 2 to 4 k. */                                          \
	X(OP_JIN2)                                                                                 \
	X(OP_JIN3)                                                                                 \
	X(OP_JIN4)                                                                                 \
	/* A load fused with the conditional jump on k after it, plain or to two returns (_RR), */ \
	/* for [k] with 0 <= k < 2^31 and for [x + k]. */                                          \
	FUSED_OPS(X, OP_LD_W)                                                                      \
	FUSED_OPS(X, OP_LD_H)                                                                      \
	FUSED_OPS(X, OP_LD_B)                                                                      \
	FUSED_OPS(X, OP_LD_W_IND)                                                                  \
	FUSED_OPS(X, OP_LD_H_IND)                                                                  \
	FUSED_OPS(X, OP_LD_B_IND)                                                                  \
	NEXT_OPS(X, OP_K)                                                                          \
	NEXT_OPS(X, OP_LD_W)                                                                       \
	NEXT_OPS(X, OP_LD_H)                                                                       \
	NEXT_OPS(X, OP_LD_B)                                                                       \
	NEXT_OPS(X, OP_LD_W_IND)                                                                   \
	NEXT_OPS(X, OP_LD_H_IND)                                                                   \
	NEXT_OPS(X, OP_LD_B_IND)                                                                   \
	/* and #k fused with the conditional jump on k after it: pcap_compile's masks. */          \
	FUSED_OPS(X, OP_AND_K)                                                                     \
	/* ldxb 4*([k]&0xf), 0 <= k < 2^31, fused with the [x + k] load after it (the */           \
	/* transport headers of pcap_compile), and with the conditional jump on k after that. */   \
	X(OP_MSH_LD_W_IND)                                                                         \
	X(OP_MSH_LD_H_IND)                                                                         \
	X(OP_MSH_LD_B_IND)                                                                         \
	FUSED_OPS(X, OP_MSH_LD_W_IND)                                                              \
	FUSED_OPS(X, OP_MSH_LD_H_IND)                                                              \
	FUSED_OPS(X, OP_MSH_LD_B_IND)                                                              \
	/* Two loads alike, each followed by jeq #k, the first falling to the second load and */   \
	/* both jumping to one target when equal (pcap_compile's `host`, `port`: source or */      \
	/* destination): both compared, one branch; _RR when both targets return. */               \
	PAIR_OPS(X, OP_LD_W)                                                                       \
	PAIR_OPS(X, OP_LD_H)                                                                       \
	PAIR_OPS(X, OP_LD_B)                                                                       \
	PAIR_OPS(X, OP_LD_W_IND)                                                                   \
	PAIR_OPS(X, OP_LD_H_IND)                                                                   \
	PAIR_OPS(X, OP_LD_B_IND)                                                                   \
	/* A pair of [k] loads with and #m after each (pcap_compile's `net`): both masked and */   \
	/* compared, one branch; _RR when both targets return. */                                  \
	MASKED_PAIR_OPS(X, OP_LD_W)                                                                \
	MASKED_PAIR_OPS(X, OP_LD_H)                                                                \
	MASKED_PAIR_OPS(X, OP_LD_B)                                                                \
	/* ld and ldh [k] whose value only jeq and jset #k read, with k in network byte order */   \
	/* (plan_wire): loaded as they lie in the packet, without a byte swap (of their fused */   \
	/* forms only those with jeq and jset occur). */                                           \
	X(OP_LD_W_WIRE)                                                                            \
	X(OP_LD_H_WIRE)                                                                            \
	FUSED_OPS(X, OP_LD_W_WIRE)                                                                 \
	FUSED_OPS(X, OP_LD_H_WIRE)                                                                 \
	NEXT_OPS(X, OP_LD_W_WIRE)                                                                  \
	NEXT_OPS(X, OP_LD_H_WIRE)                                                                  \
	PAIR_OPS(X, OP_LD_W_WIRE)                                                                  \
	PAIR_OPS(X, OP_LD_H_WIRE)

#define OP_ENUM(op) op,
enum op { VM_OPS(OP_ENUM) N_OPS };
#undef OP_ENUM

/*
 * One prepared instruction; a fused op reads its jump's jt, jf and k from the op after it.
 * label is the address of the op's code in cbpf_vm_run (threaded dispatch: set by it, see
 * label_ops), so that a dispatch reads one pointer rather than the op and then
 * its entry in a table: one load fewer on the chain from a jump to the next op.
 */
struct fop {
	const void *label;
	uint32_t k;
	uint16_t op;
	uint8_t jt, jf;
};

static_assert(N_OPS <= UINT16_MAX, "ops fit in op");
static_assert(sizeof(struct fop) == 16, "an op in 16 bytes");
/* States are compared and copied as bytes by debuggers and tests: no padding in them. */
static_assert(sizeof(struct cbpf_vm_state) == 104, "no padding in struct cbpf_vm_state");

struct cbpf_vm {
	enum cbpf_vm_mode mode;
	uint32_t len;
	bool reads_mem;	 /* some ld/ldx M[k]: cbpf_vm_run zeroes M first */
	bool stateful;	 /* reads_mem or a budget: cbpf_vm_run sets its record up first */
	uint32_t budget; /* backward jumps a run may take; 0: the program has none */
	uint32_t loops;	 /* counts kept: the loops when apart (insn_loops_apart), else 1 */
	struct cbpf_insn *insns;
	struct vm_native *native; /* run in place of ops when set (the JIT: jit/) */
	/* In the vm itself: a run finds its first op without reading a pointer first. */
	struct fop ops[];
};

static const struct cbpf_meta zero_meta;

/* ---------------------------------------------------------------- semantics of both paths */

static inline uint32_t get32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return be32toh(v);
}

static inline uint32_t get16(const uint8_t *p)
{
	uint16_t v;

	memcpy(&v, p, sizeof(v));
	return be16toh(v);
}

/* A word and a half-word as they lie in the packet (OP_LD_W_WIRE). */
static inline uint32_t raw32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static inline uint32_t raw16(const uint8_t *p)
{
	uint16_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static inline uint32_t get8(const uint8_t *p)
{
	return p[0];
}

static inline uint32_t get_be(const uint8_t *p, uint32_t size)
{
	return size == 4 ? get32(p) : size == 2 ? get16(p) : p[0];
}

/*
 * A classic load offset as an offset into the data, or -1 where it maps nowhere
 * (net/core/filter.c: bpf_skb_load_helper_convert_offset).
 */
static inline int64_t map_offset(const struct cbpf_input *in, int32_t k)
{
	const struct cbpf_meta *meta = in->meta ? in->meta : &zero_meta;

	if (k >= 0)
		return k;
	if (k >= CBPF_NET_OFF)
		return (int64_t)k - CBPF_NET_OFF + meta->net_off;
	if (k >= CBPF_LL_OFF && !meta->no_mac)
		return (int64_t)k - CBPF_LL_OFF;
	return -1;
}

/* True when size bytes at off are inside the captured data. */
static inline bool fits(const struct cbpf_input *in, int64_t off, uint32_t size)
{
	return off >= 0 && (uint64_t)off + size <= in->caplen;
}

/*
 * A load at a classic offset that may be negative (negative [k], every [x + k], ldxb):
 * bpf_skb_load_helper_{8,16,32}. False when out of bounds.
 */
static inline bool load_any(const struct cbpf_input *in, int32_t k, uint32_t size, uint32_t *v)
{
	int64_t off = map_offset(in, k);

	if (!fits(in, off, size))
		return false;
	*v = get_be(in->data + off, size);
	return true;
}

/*
 * The attribute of type x in the netlink attribute stream of rem bytes at pos, as the offset
 * of its header, or 0 (lib/nlattr.c: nla_find; include/net/netlink.h: nla_ok, nla_next).
 * pos + rem never exceeds the data the caller checked.
 */
static uint32_t nla_find_off(const uint8_t *data, uint32_t pos, int64_t rem, uint32_t x)
{
	while (rem >= 4) {
		uint16_t nla_len, nla_type;
		uint32_t step;

		memcpy(&nla_len, data + pos, sizeof(nla_len));
		memcpy(&nla_type, data + pos + 2, sizeof(nla_type));
		if (nla_len < 4 || nla_len > rem)
			break;
		/* NLA_TYPE_MASK drops NLA_F_NESTED and NLA_F_NET_BYTEORDER. */
		if ((uint32_t)(nla_type & 0x3fff) == x)
			return pos;
		step = (nla_len + 3u) & ~3u;
		rem -= step;
		pos += step;
	}
	return 0;
}

/* net/core/filter.c: bpf_skb_get_nlattr. The packet is the captured bytes. */
static uint32_t anc_nlattr(const struct cbpf_input *in, uint32_t a, uint32_t x)
{
	uint32_t len = in->caplen;

	if (len < 4 || a > len - 4)
		return 0;
	return nla_find_off(in->data, a, (int64_t)len - a, x);
}

/* net/core/filter.c: bpf_skb_get_nlattr_nest: look inside the attribute at a. */
static uint32_t anc_nlattr_nest(const struct cbpf_input *in, uint32_t a, uint32_t x)
{
	uint32_t len = in->caplen;
	uint16_t nla_len;

	if (len < 4 || a > len - 4)
		return 0;
	memcpy(&nla_len, in->data + a, sizeof(nla_len));
	if (nla_len > len - a)
		return 0;
	return nla_find_off(in->data, a + 4, (int64_t)nla_len - 4, x);
}

uint32_t vm_nlattr(const uint8_t *data, uint32_t caplen, uint32_t a, uint32_t x)
{
	struct cbpf_input in = { data, caplen, caplen, NULL };

	return anc_nlattr(&in, a, x);
}

uint32_t vm_nlattr_nest(const uint8_t *data, uint32_t caplen, uint32_t a, uint32_t x)
{
	struct cbpf_input in = { data, caplen, caplen, NULL };

	return anc_nlattr_nest(&in, a, x);
}

/* ancillary()'s result when the load ends the program, returning A. */
#define ANC_NO_DEV (1ull << 32)

/*
 * The value of ancillary load anc (CBPF_AD_*) given A and X; ALU_XOR_X gives the new A.
 * net/core/filter.c: convert_bpf_extensions. ANC_NO_DEV when the load ends the program
 * (ifindex and hatype without a device).
 */
static inline uint64_t ancillary(const struct cbpf_input *in, uint32_t anc, uint32_t A, uint32_t X)
{
	const struct cbpf_meta *m = in->meta ? in->meta : &zero_meta;

	switch (anc) {
	case CBPF_AD_PROTOCOL:
		return be16toh(m->protocol);
	case CBPF_AD_PKTTYPE:
		return m->pkttype & 7; /* PKT_TYPE_MAX */
	case CBPF_AD_IFINDEX:
		return m->no_dev ? ANC_NO_DEV : m->ifindex;
	case CBPF_AD_NLATTR:
		return anc_nlattr(in, A, X);
	case CBPF_AD_NLATTR_NEST:
		return anc_nlattr_nest(in, A, X);
	case CBPF_AD_MARK:
		return m->mark;
	case CBPF_AD_QUEUE:
		return m->queue;
	case CBPF_AD_HATYPE:
		return m->no_dev ? ANC_NO_DEV : m->hatype;
	case CBPF_AD_RXHASH:
		return m->rxhash;
	case CBPF_AD_CPU:
		return m->cpu;
	case CBPF_AD_ALU_XOR_X:
		return A ^ X;
	case CBPF_AD_VLAN_TAG:
		return m->vlan_tci;
	case CBPF_AD_VLAN_TAG_PRESENT:
		return m->vlan_present;
	case CBPF_AD_PAY_OFFSET:
		return m->pay_off;
	case CBPF_AD_RANDOM:
		return m->random;
	case CBPF_AD_VLAN_TPID:
		return be16toh(m->vlan_proto);
	}
	return 0;
}

/* The ancillary number of an absolute load at k, or -1 when it is not one the kernel knows. */
static inline int ancillary_of(uint32_t k)
{
	return insn_anc(k) ? (int)(k - (uint32_t)CBPF_AD_OFF) : -1;
}

/* The seccomp word at k (kernel/seccomp.c: seccomp_check_filter allows aligned k < 64). */
static inline bool seccomp_word(const struct cbpf_input *in, uint32_t k, uint32_t *v)
{
	if (k >= CBPF_SECCOMP_DATA_SIZE || k % 4 || k + 4 > in->caplen)
		return false;
	memcpy(v, in->data + k, sizeof(*v));
	return true;
}

/* ---------------------------------------------------------------- preparing */

struct refusal {
	const struct cbpf_prog *prog;
	struct cbpf_diags *diags;
};

static int refuse(void *ctx, enum runnable_problem what, long pc, const char *msg)
{
	const struct refusal *r = ctx;
	const struct cbpf_srcloc *loc = pc >= 0 ? cbpf_prog_srcloc(r->prog, (size_t)pc) : NULL;

	(void)what;
	return cbpf_diags_add(r->diags, CBPF_SEV_ERROR, cbpf_prog_file(r->prog),
			      loc ? loc->line : 0, loc ? loc->col : 0, loc ? loc->len : 0, pc, "%s",
			      msg);
}

/*
 * Refuses what cannot run safely (classic/runnable.c, the validator's words, with no length
 * limit but the interpreter's own); the kernel's other rules are cbpf_check's business.
 */
static int vm_refuse(const struct cbpf_prog *prog, struct cbpf_diags *diags)
{
	struct refusal r = { prog, diags };
	struct runnable_report report = { refuse, &r, true };
	size_t len = cbpf_prog_len(prog);

	if (len > UINT32_MAX / 2) {
		if (cbpf_diags_add(diags, CBPF_SEV_ERROR, cbpf_prog_file(prog), 0, 0, 0, -1,
				   "program of %zu instructions is too long to run", len))
			return -ENOMEM;
		return -EINVAL;
	}
	return prog_runnable(cbpf_prog_insns(prog), len, 0, &report);
}

static uint8_t alu_op(uint16_t code)
{
	static const uint8_t k_ops[16] = {
		[CBPF_ADD >> 4] = OP_ADD_K, [CBPF_SUB >> 4] = OP_SUB_K, [CBPF_MUL >> 4] = OP_MUL_K,
		[CBPF_DIV >> 4] = OP_DIV_K, [CBPF_OR >> 4] = OP_OR_K,	[CBPF_AND >> 4] = OP_AND_K,
		[CBPF_LSH >> 4] = OP_LSH_K, [CBPF_RSH >> 4] = OP_RSH_K, [CBPF_NEG >> 4] = OP_NEG,
		[CBPF_MOD >> 4] = OP_MOD_K, [CBPF_XOR >> 4] = OP_XOR_K,
	};
	uint8_t op = k_ops[CBPF_OP(code) >> 4];

	/* Each X op follows its K op in enum op. */
	if (op != OP_NEG && CBPF_SRC(code) == CBPF_X)
		op++;
	return op;
}

static uint8_t jmp_op(uint16_t code)
{
	switch (CBPF_OP(code)) {
	case CBPF_JEQ:
		return CBPF_SRC(code) == CBPF_X ? OP_JEQ_X : OP_JEQ_K;
	case CBPF_JGT:
		return CBPF_SRC(code) == CBPF_X ? OP_JGT_X : OP_JGT_K;
	case CBPF_JGE:
		return CBPF_SRC(code) == CBPF_X ? OP_JGE_X : OP_JGE_K;
	case CBPF_JSET:
		return CBPF_SRC(code) == CBPF_X ? OP_JSET_X : OP_JSET_K;
	}
	return OP_JA;
}

/* Index of a size in the W, H, B op triples. */
static unsigned size_index(uint16_t code)
{
	return CBPF_SIZE(code) == CBPF_W ? 0 : CBPF_SIZE(code) == CBPF_H ? 1 : 2;
}

/* The prepared op of a load of class LD (mode ABS, IND), for mode. */
static uint8_t load_op(const struct cbpf_insn *in, enum cbpf_vm_mode mode)
{
	unsigned s = size_index(in->code);
	int anc;

	if (mode == CBPF_VM_SECCOMP) {
		/* kernel/seccomp.c: only ld [k], aligned and inside struct seccomp_data. */
		if (in->code == (CBPF_LD | CBPF_W | CBPF_ABS) && in->k < CBPF_SECCOMP_DATA_SIZE &&
		    in->k % 4 == 0)
			return OP_LD_SECCOMP;
		return OP_OOB;
	}
	if (CBPF_MODE(in->code) == CBPF_IND)
		return OP_LD_W_IND + s;
	anc = ancillary_of(in->k);
	if (anc >= 0)
		return OP_AD_PROTOCOL + anc / 4;
	if ((int32_t)in->k >= 0)
		return OP_LD_W + s;
	if ((int32_t)in->k < CBPF_LL_OFF)
		return OP_OOB;
	return OP_LD_W_NEG + s;
}

static struct fop prepare_one(const struct cbpf_insn *in, enum cbpf_vm_mode mode)
{
	struct fop f = { .jt = in->jt, .jf = in->jf, .k = in->k };
	uint16_t code = in->code;

	switch (CBPF_CLASS(code)) {
	case CBPF_LD:
		switch (CBPF_MODE(code)) {
		case CBPF_IMM:
			f.op = OP_LD_IMM;
			break;
		case CBPF_MEM:
			f.op = OP_LD_MEM;
			break;
		case CBPF_LEN:
			/* kernel/seccomp.c turns ld #len into ld #64. */
			f.op = mode == CBPF_VM_SECCOMP ? OP_LD_IMM : OP_LD_LEN;
			f.k = CBPF_SECCOMP_DATA_SIZE;
			break;
		default:
			f.op = load_op(in, mode);
		}
		break;
	case CBPF_LDX:
		switch (CBPF_MODE(code)) {
		case CBPF_IMM:
			f.op = OP_LDX_IMM;
			break;
		case CBPF_MEM:
			f.op = OP_LDX_MEM;
			break;
		case CBPF_LEN:
			f.op = mode == CBPF_VM_SECCOMP ? OP_LDX_IMM : OP_LDX_LEN;
			f.k = CBPF_SECCOMP_DATA_SIZE;
			break;
		default:
			f.op = mode == CBPF_VM_SECCOMP ? OP_OOB
			       : (int32_t)in->k < 0    ? OP_LDX_MSH_NEG
						       : OP_LDX_MSH;
		}
		break;
	case CBPF_ST:
		f.op = OP_ST;
		break;
	case CBPF_STX:
		f.op = OP_STX;
		break;
	case CBPF_ALU:
		f.op = alu_op(code);
		if ((f.op == OP_DIV_K || f.op == OP_MOD_K) && in->k == 0)
			f.op = OP_DIV0;
		if (f.op == OP_LSH_K || f.op == OP_RSH_K)
			f.k &= 31;
		break;
	case CBPF_JMP:
		f.op = jmp_op(code);
		break;
	case CBPF_RET:
		f.op = CBPF_RVAL(code) == CBPF_A ? OP_RET_A : OP_RET_K;
		break;
	case CBPF_MISC:
		f.op = CBPF_MISCOP(code) == CBPF_TXA ? OP_TXA : OP_TAX;
		break;
	}
	return f;
}

/* Index of a conditional jump on k among JEQ, JGT, JGE, JSET; -1 for any other op. */
static int cond_k(uint16_t op)
{
	switch (op) {
	case OP_JEQ_K:
		return 0;
	case OP_JGT_K:
		return 1;
	case OP_JGE_K:
		return 2;
	case OP_JSET_K:
		return 3;
	}
	return -1;
}

/* True when the jump at ops[pc] has ret #k at both targets. */
static bool both_return(const struct fop *ops, uint32_t pc)
{
	return ops[pc + 1 + ops[pc].jt].op == OP_RET_K && ops[pc + 1 + ops[pc].jf].op == OP_RET_K;
}

/*
 * How many jeq on k, from ops[pc] on (at most 4), each falling to the next when A differs and
 * all jumping to one target when equal: 1 when ops[pc] starts no such chain, 0 when it is no
 * jeq on k. The ops are the plain ones (prepare_one's).
 */
static uint32_t jeq_chain(const struct fop *ops, uint32_t pc, uint32_t len)
{
	uint32_t n = 1, target = pc + 1 + ops[pc].jt;

	if (ops[pc].op != OP_JEQ_K)
		return 0;
	while (n < 4 && pc + n < len && ops[pc + n - 1].jf == 0 && ops[pc + n].op == OP_JEQ_K &&
	       pc + n + 1 + ops[pc + n].jt == target)
		n++;
	return n;
}

/*
 * True when ops[pc] is a load ([k] with 0 <= k < 2^31, or [x + k]) starting a pair (PAIR_OPS):
 * jeq #k falling to the same load again, then jeq on the same k to the first's target when
 * equal. With one k, A (the first value when equal, else the second) alone decides.
 */
static bool pair_at(const struct fop *ops, uint32_t pc, uint32_t len)
{
	uint16_t op = ops[pc].op;

	return pc + 3 < len &&
	       ((op >= OP_LD_W && op <= OP_LD_B) || (op >= OP_LD_W_IND && op <= OP_LD_B_IND) ||
		op == OP_LD_W_WIRE || op == OP_LD_H_WIRE) &&
	       ops[pc + 1].op == OP_JEQ_K && ops[pc + 1].jf == 0 && ops[pc + 2].op == op &&
	       ops[pc + 3].op == OP_JEQ_K && ops[pc + 1].jt == 2 + ops[pc + 3].jt &&
	       ops[pc + 1].k == ops[pc + 3].k;
}

/*
 * True when ops[pc] is a [k] load (0 <= k < 2^31) starting a masked pair (MASKED_PAIR_OPS): a
 * pair (pair_at) with the same and #m after each load, as pcap_compile writes `net`.
 */
static bool masked_pair_at(const struct fop *ops, uint32_t pc, uint32_t len)
{
	uint16_t op = ops[pc].op;

	return pc + 5 < len && op >= OP_LD_W && op <= OP_LD_B && ops[pc + 1].op == OP_AND_K &&
	       ops[pc + 2].op == OP_JEQ_K && ops[pc + 2].jf == 0 && ops[pc + 3].op == op &&
	       ops[pc + 4].op == OP_AND_K && ops[pc + 4].k == ops[pc + 1].k &&
	       ops[pc + 5].op == OP_JEQ_K && ops[pc + 2].jt == 3 + ops[pc + 5].jt &&
	       ops[pc + 2].k == ops[pc + 5].k;
}

/*
 * Fuses the load, and #k or ldxb at ops[pc] with the conditional jump after it (in its _RR
 * form when both targets return, _T0 or _F0 when one is the next instruction), or a pair of
 * loads (pair_at, masked_pair_at) into one op. ops[pc + 1] keeps its own op, for jumps that land on
 * it. A chain of jeq (jeq_chain) becomes one op, and the op before it is then not fused with its
 * first jeq: the chain's one branch is worth more than the dispatch the fusion saves.
 */
static void fuse(struct fop *ops, uint32_t pc, uint32_t len)
{
	static const uint16_t family[] = {
		[OP_LD_W] = OP_LD_W_JEQ,	   [OP_LD_H] = OP_LD_H_JEQ,
		[OP_LD_B] = OP_LD_B_JEQ,	   [OP_LD_W_IND] = OP_LD_W_IND_JEQ,
		[OP_LD_H_IND] = OP_LD_H_IND_JEQ,   [OP_LD_B_IND] = OP_LD_B_IND_JEQ,
		[OP_AND_K] = OP_AND_K_JEQ,	   [OP_LD_W_WIRE] = OP_LD_W_WIRE_JEQ,
		[OP_LD_H_WIRE] = OP_LD_H_WIRE_JEQ,
	};
	static const uint16_t next_family[] = {
		[OP_LD_W] = OP_LD_W_JEQ_T0,	      [OP_LD_H] = OP_LD_H_JEQ_T0,
		[OP_LD_B] = OP_LD_B_JEQ_T0,	      [OP_LD_W_IND] = OP_LD_W_IND_JEQ_T0,
		[OP_LD_H_IND] = OP_LD_H_IND_JEQ_T0,   [OP_LD_B_IND] = OP_LD_B_IND_JEQ_T0,
		[OP_LD_W_WIRE] = OP_LD_W_WIRE_JEQ_T0, [OP_LD_H_WIRE] = OP_LD_H_WIRE_JEQ_T0,
	};
	static const uint16_t pair_family[] = {
		[OP_LD_W] = OP_LD_W_PAIR,	    [OP_LD_H] = OP_LD_H_PAIR,
		[OP_LD_B] = OP_LD_B_PAIR,	    [OP_LD_W_IND] = OP_LD_W_IND_PAIR,
		[OP_LD_H_IND] = OP_LD_H_IND_PAIR,   [OP_LD_B_IND] = OP_LD_B_IND_PAIR,
		[OP_LD_W_WIRE] = OP_LD_W_WIRE_PAIR, [OP_LD_H_WIRE] = OP_LD_H_WIRE_PAIR,
	};
	static const uint16_t masked_pair_family[] = {
		[OP_LD_W] = OP_LD_W_MPAIR,
		[OP_LD_H] = OP_LD_H_MPAIR,
		[OP_LD_B] = OP_LD_B_MPAIR,
	};
	static const uint16_t msh_family[] = {
		[OP_LD_W_IND] = OP_MSH_LD_W_IND_JEQ,
		[OP_LD_H_IND] = OP_MSH_LD_H_IND_JEQ,
		[OP_LD_B_IND] = OP_MSH_LD_B_IND_JEQ,
	};
	struct fop *f = &ops[pc];
	uint32_t chain = jeq_chain(ops, pc, len);
	int cond;

	if (chain >= 2)
		f->op = (uint16_t)(OP_JIN2 + chain - 2);
	else if (masked_pair_at(ops, pc, len))
		f->op = (uint16_t)(masked_pair_family[f->op] + both_return(ops, pc + 5));
	else if (pair_at(ops, pc, len))
		f->op = (uint16_t)(pair_family[f->op] + both_return(ops, pc + 3));
	else if (f->op == OP_LDX_MSH && pc + 1 < len && ops[pc + 1].op >= OP_LD_W_IND &&
		 ops[pc + 1].op <= OP_LD_B_IND && !pair_at(ops, pc + 1, len)) {
		if (pc + 2 < len && (cond = cond_k(ops[pc + 2].op)) >= 0 &&
		    jeq_chain(ops, pc + 2, len) < 2)
			f->op = (uint16_t)(msh_family[ops[pc + 1].op] + 2 * cond +
					   both_return(ops, pc + 2));
		else
			f->op = (uint16_t)(OP_MSH_LD_W_IND + ops[pc + 1].op - OP_LD_W_IND);
	} else if (pc + 1 < len && (size_t)f->op < sizeof(family) && family[f->op] &&
		   (cond = cond_k(ops[pc + 1].op)) >= 0 && jeq_chain(ops, pc + 1, len) < 2) {
		if (both_return(ops, pc + 1))
			f->op = (uint16_t)(family[f->op] + 2 * cond + 1);
		else if ((size_t)f->op < sizeof(next_family) && next_family[f->op] &&
			 (ops[pc + 1].jt == 0 || ops[pc + 1].jf == 0))
			f->op = (uint16_t)(next_family[f->op] + 4 * (ops[pc + 1].jt != 0) + cond);
		else
			f->op = (uint16_t)(family[f->op] + 2 * cond);
	}
}

/*
 * After fusing: jumps on k to two returns become their _RR form, and those to the next
 * instruction their _T0 or _F0 form.
 */
static void jumps_to_returns(struct fop *ops, uint32_t len)
{
	for (uint32_t pc = 0; pc < len; pc++) {
		int cond = cond_k(ops[pc].op);

		if (cond >= 0 && both_return(ops, pc))
			ops[pc].op = (uint16_t)(OP_JEQ_K_RR + cond);
		else if (cond >= 0 && (ops[pc].jt == 0 || ops[pc].jf == 0))
			ops[pc].op = (uint16_t)(OP_K_JEQ_T0 + 4 * (ops[pc].jt != 0) + cond);
	}
}

/*
 * How instruction in reads and writes A: *use when it reads it (ancillary loads may: ALU_XOR_X,
 * the netlink walks, and ifindex or hatype return A without a device), *def when it sets it.
 */
static void a_use_def(const struct cbpf_insn *in, bool *use, bool *def)
{
	uint16_t code = in->code;

	*use = *def = false;
	switch (CBPF_CLASS(code)) {
	case CBPF_LD:
		*def = true;
		*use = CBPF_MODE(code) == CBPF_ABS && insn_anc(in->k);
		break;
	case CBPF_ST:
	case CBPF_JMP:
		*use = CBPF_CLASS(code) == CBPF_ST || CBPF_OP(code) != CBPF_JA;
		break;
	case CBPF_ALU:
		*use = *def = true;
		break;
	case CBPF_RET:
		*use = CBPF_RVAL(code) == CBPF_A;
		break;
	case CBPF_MISC:
		*use = CBPF_MISCOP(code) == CBPF_TAX;
		*def = !*use;
		break;
	}
}

/* A use of A that a value in network byte order serves: jeq and jset #k, k swapped. */
static bool wire_use(const struct cbpf_insn *in)
{
	return CBPF_CLASS(in->code) == CBPF_JMP && CBPF_SRC(in->code) == CBPF_K &&
	       (CBPF_OP(in->code) == CBPF_JEQ || CBPF_OP(in->code) == CBPF_JSET);
}

/* k of jeq or jset #k on a value of size bytes in network byte order. */
static uint32_t wire_k(const struct cbpf_insn *in, uint32_t size)
{
	if (size == 4)
		return htobe32(in->k);
	/* A half-word never equals a k above 0xffff, whichever its order. */
	if (CBPF_OP(in->code) == CBPF_JEQ && in->k > 0xffff)
		return in->k;
	return htobe16((uint16_t)in->k);
}

#define WIRE_MAX 63 /* instructions: reaching definitions as bits, bit 63 the entry's A */

/*
 * Turns the ld and ldh [k] of a socket program without backward jumps into OP_LD_W_WIRE and
 * OP_LD_H_WIRE where every instruction that reads their value is a jeq or jset #k that reads
 * no other value of A (nor A of another size, nor the entry's), and swaps those k: the loads
 * then skip the byte swap, one step less between the packet and the branch.
 */
static void plan_wire(struct cbpf_vm *vm)
{
	const uint64_t entry = 1ull << WIRE_MAX;
	uint64_t in[WIRE_MAX + 1] = { entry }, wire = 0;
	const struct cbpf_insn *insns = vm->insns;
	uint32_t len = vm->len;
	bool changed = true;

	if (vm->mode != CBPF_VM_SOCKET || vm->budget || len > WIRE_MAX)
		return;
	for (uint32_t pc = 0; pc < len; pc++) {
		const struct cbpf_insn *i = &insns[pc];
		bool use, def;
		uint64_t out;

		a_use_def(i, &use, &def);
		out = def ? 1ull << pc : in[pc];
		if (vm->ops[pc].op == OP_LD_W || vm->ops[pc].op == OP_LD_H)
			wire |= 1ull << pc;
		if (CBPF_CLASS(i->code) == CBPF_RET)
			continue;
		if (CBPF_CLASS(i->code) != CBPF_JMP)
			in[pc + 1] |= out;
		else if (CBPF_OP(i->code) == CBPF_JA)
			in[pc + 1 + i->k] |= out;
		else {
			in[pc + 1 + i->jt] |= out;
			in[pc + 1 + i->jf] |= out;
		}
	}
	/* A use that is not a jeq or jset on wire loads of one size spoils every load it reads. */
	while (changed) {
		changed = false;
		for (uint32_t pc = 0; pc < len; pc++) {
			uint64_t w = in[pc] & wire;
			bool use, def, one_size = true;

			a_use_def(&insns[pc], &use, &def);
			if (!use || !w)
				continue;
			for (uint32_t d = 0; d < len; d++)
				if (w >> d & 1 && vm->ops[d].op != vm->ops[__builtin_ctzll(w)].op)
					one_size = false;
			if (!wire_use(&insns[pc]) || w != in[pc] || !one_size) {
				wire &= ~in[pc];
				changed = true;
			}
		}
	}
	for (uint32_t pc = 0; pc < len; pc++) {
		bool use, def;
		uint64_t w = in[pc] & wire;

		a_use_def(&insns[pc], &use, &def);
		if (use && w) {
			uint32_t d = (uint32_t)__builtin_ctzll(w);

			vm->ops[pc].k = wire_k(&insns[pc], vm->ops[d].op == OP_LD_W ? 4 : 2);
		}
	}
	for (uint32_t pc = 0; pc < len; pc++)
		if (wire >> pc & 1)
			vm->ops[pc].op = vm->ops[pc].op == OP_LD_W ? OP_LD_W_WIRE : OP_LD_H_WIRE;
}

/* Gives each op of vm the address of its code in cbpf_vm_run (labels: its table). */
static void label_ops(struct cbpf_vm *vm, const void *const *labels)
{
	for (uint32_t pc = 0; pc < vm->len; pc++)
		vm->ops[pc].label = labels ? labels[vm->ops[pc].op] : NULL;
}

/* How many instructions backward jumps go to (at most INSN_MAX_LOOPS when loops lie apart). */
static uint32_t loop_starts(const struct cbpf_insn *insns, uint32_t len)
{
	long last = -1;
	uint32_t n = 0;

	/* Loops apart end before the next starts: their starts increase with their jumps. */
	for (uint32_t i = 0; i < len; i++) {
		long t = insn_back_target(&insns[i], i, len);

		if (t > last) {
			n++;
			last = t;
		}
	}
	return n;
}

int cbpf_vm_new(const struct cbpf_prog *prog, enum cbpf_vm_mode mode, struct cbpf_vm **out,
		struct cbpf_diags *diags)
{
	struct cbpf_vm *vm;
	uint32_t len;
	int err = vm_refuse(prog, diags);

	if (err)
		return err;
	len = (uint32_t)cbpf_prog_len(prog);
	vm = calloc(1, sizeof(*vm) + (size_t)len * sizeof(vm->ops[0]));
	if (!vm)
		return -ENOMEM;
	vm->mode = mode;
	vm->len = len;
	vm->insns = malloc(len * sizeof(*vm->insns));
	if (!vm->insns) {
		cbpf_vm_free(vm);
		return -ENOMEM;
	}
	memcpy(vm->insns, cbpf_prog_insns(prog), len * sizeof(*vm->insns));
	for (uint32_t pc = 0; pc < len; pc++) {
		long back = insn_back_target(&vm->insns[pc], pc, len);

		vm->ops[pc] = prepare_one(&vm->insns[pc], mode);
		if (vm->ops[pc].op == OP_LD_MEM || vm->ops[pc].op == OP_LDX_MEM)
			vm->reads_mem = true;
		if (back >= 0) {
			vm->ops[pc].op = OP_JA_BACK;
			vm->ops[pc].k = (uint32_t)back;
			vm->budget = 1;
		}
	}
	if (vm->budget) {
		vm->budget = insn_loop_budget(vm->insns, len);
		vm->loops = insn_loops_apart(vm->insns, len) ? loop_starts(vm->insns, len) : 1;
	}
	vm->stateful = vm->reads_mem || vm->budget;
	plan_wire(vm);
	/* Each load is fused with its successor's plain form. */
	for (uint32_t pc = 0; pc < len; pc++)
		fuse(vm->ops, pc, len);
	jumps_to_returns(vm->ops, len);
	/* With no input, cbpf_vm_run only labels the ops of the vm it is given, this one. */
	cbpf_vm_run(vm, NULL);
	*out = vm;
	return 0;
}

void cbpf_vm_free(struct cbpf_vm *vm)
{
	if (!vm)
		return;
	vm_set_native(vm, NULL);
	free(vm->insns);
	free(vm);
}

void vm_set_native(struct cbpf_vm *vm, struct vm_native *native)
{
	if (vm->native)
		vm->native->release(vm->native);
	vm->native = native;
}

const struct vm_native *vm_native(const struct cbpf_vm *vm)
{
	return vm->native;
}

enum cbpf_vm_mode cbpf_vm_mode(const struct cbpf_vm *vm)
{
	return vm->mode;
}

uint32_t cbpf_vm_loop_budget(const struct cbpf_vm *vm)
{
	return vm->budget;
}

uint64_t cbpf_vm_max_steps(const struct cbpf_vm *vm)
{
	return (uint64_t)vm->len * (1 + (uint64_t)vm->budget * vm->loops);
}

const struct cbpf_insn *cbpf_vm_insns(const struct cbpf_vm *vm, uint32_t *len)
{
	if (len)
		*len = vm->len;
	return vm->insns;
}

/* ---------------------------------------------------------------- the fast path */

/*
 * test ? t : f without a branch, as a mask that the compiler cannot see through: it would turn
 * a select on loaded data back into a branch, mispredicted as often as the packets differ.
 */
static inline uint32_t select_u32(bool test, uint32_t t, uint32_t f)
{
	uint32_t m = 0u - (uint32_t)test;

#if defined(__GNUC__)
	__asm__("" : "+r"(m));
#endif
	return f ^ ((t ^ f) & m);
}

/*
 * Dispatch. With GNU C (gcc, clang) every op ends in its own indirect jump to the next op's
 * code through a table of label addresses ("threaded code"): the processor predicts each
 * jump from where it is, which a single switch jump cannot, and no bounds check on the op is
 * made. Labels as values are an extension that -std=c11 accepts without -pedantic; any other
 * compiler gets the same cases as a plain switch. clang-format would take CASE(op) for an
 * expression and run each case into one line: it is kept off the cases.
 */
/* clang-format off */
#if defined(__GNUC__)
#define VM_THREADED 1
#define CASE(op)    case op: L_##op
#define DISPATCH    goto *pc->label
#else
#define VM_THREADED 0
#define CASE(op)    case op
#define DISPATCH    goto dispatch
#endif
#define NEXT                                                                                       \
	do {                                                                                       \
		pc++;                                                                              \
		DISPATCH;                                                                          \
	} while (0)

/*
 * Loads for the fast path. [k] with 0 <= k < 2^31: k + size cannot wrap. [x + k]: the kernel
 * adds in 64 bits and passes an int, so the sum is taken modulo 2^32 and read as signed; the
 * rare negative ones (SKF_NET_OFF, SKF_LL_OFF) are left to the step API.
 */
#define LOAD_ABS(size, get)                                                                        \
	do {                                                                                       \
		if (pc->k + (size) > caplen)                                                       \
			return 0;                                                                  \
		A = get(data + pc->k);                                                             \
	} while (0)
#define LOAD_IND(size, get)                                                                        \
	do {                                                                                       \
		v = X + pc->k;                                                                     \
		if ((int32_t)v < 0)                                                                \
			goto slow;                                                                 \
		if (v + (size) > caplen)                                                           \
			return 0;                                                                  \
		A = get(data + v);                                                                 \
	} while (0)
/*
 * A conditional jump: j is the jump (pc itself, or pc + 1 after a fused load). It must stay a
 * branch, which the processor predicts, rather than a select on the loaded data, which would
 * make every next dispatch wait for the packet: __builtin_expect keeps clang from turning it
 * into one. Each way has its own dispatch, predicted apart (the op after a jump taken differs
 * from the op after one not taken). Landing on a return returns at once: every run ends with
 * one, and this spares its dispatch.
 */
#define JUMP_TO(test, t, f)                                                                        \
	do {                                                                                       \
		if (__builtin_expect(!!(test), 1)) {                                               \
			pc = (t);                                                                  \
			if (pc->op == OP_RET_K)                                                    \
				return pc->k;                                                      \
			DISPATCH;                                                                  \
		}                                                                                  \
		pc = (f);                                                                          \
		if (pc->op == OP_RET_K)                                                            \
			return pc->k;                                                              \
	} while (0)
#define JUMP(j, test) JUMP_TO(test, (j) + 1 + (j)->jt, (j) + 1 + (j)->jf)
/*
 * A conditional jump to two returns: the result of the one taken, with no branch (as a mask:
 * gcc makes a branch of the plain ?:, mispredicted as often as the packets differ).
 */
#define RETURN(j, test) return SELECT(test, (j)[1 + (j)->jt].k, (j)[1 + (j)->jf].k)
#define SELECT(test, t, f) select_u32(!!(test), t, f)
/* ldxb 4*([k]&0xf) at pc, then LOAD from the op after it, which pc then is. */
#define MSH_THEN(LOAD)                                                                             \
	do {                                                                                       \
		if (pc->k + 1 > caplen)                                                            \
			return 0;                                                                  \
		X = (data[pc->k] & 0xfu) << 2;                                                     \
		pc++;                                                                              \
		LOAD;                                                                              \
	} while (0)
/*
 * A pair (PAIR_OPS) at pc: the loads at pc and pc + 2 (at base + k: base is 0 for [k], X for
 * [x + k]), the jeq at pc + 1 and pc + 3; masked (MASKED_PAIR_OPS, [k] loads only), an and #m
 * after each load, which moves the jeq to pc + 2 and pc + 5 and the second load to pc + 3. The
 * second load is read before the first compare is known; when it would end the run (out of
 * bounds, or a negative [x + k] left to the step API) the first compare decides at once. A is
 * the second value only when the first compare failed, as in the program, and is then compared
 * with the one k (THEN, given both jeq; A matters only when it jumps).
 */
#define PAIR(size, get, ind, masked, THEN)                                                         \
	do {                                                                                       \
		const struct fop *j1 = pc + 1 + (masked), *j2 = j1 + 2 + (masked);                 \
		uint32_t m = (masked) ? pc[1].k : UINT32_MAX;                                      \
                                                                                                   \
		v = ((ind) ? X : 0) + pc->k;                                                       \
		if ((ind) && (int32_t)v < 0)                                                       \
			goto slow;                                                                 \
		if (v + (size) > caplen)                                                           \
			return 0;                                                                  \
		A = get(data + v) & m;                                                             \
		v = ((ind) ? X : 0) + j1[1].k;                                                     \
		if (__builtin_expect(((ind) && (int32_t)v < 0) || v + (size) > caplen, 0)) {       \
			if (A == j1->k) {                                                          \
				pc = j1 + 1 + j1->jt;                                              \
				if (pc->op == OP_RET_K)                                            \
					return pc->k;                                              \
				DISPATCH;                                                          \
			}                                                                          \
			pc = j1 + 1;                                                               \
			if ((int32_t)v < 0)                                                        \
				goto slow;                                                         \
			return 0;                                                                  \
		}                                                                                  \
		v = get(data + v) & m;                                                             \
		THEN(j1, j2);                                                                      \
	} while (0)
#define PAIR_JUMP(j1, j2)                                                                          \
	do {                                                                                       \
		A = SELECT(A == (j1)->k, A, v);                                                    \
		JUMP_TO(A == (j1)->k, (j1) + 1 + (j1)->jt, (j2) + 1 + (j2)->jf);                   \
		DISPATCH;                                                                          \
	} while (0)
#define PAIR_RETURN(j1, j2)                                                                        \
	return SELECT((A == (j1)->k) | (v == (j1)->k), (j1)[1 + (j1)->jt].k, (j2)[1 + (j2)->jf].k)
#define PAIR_CASES(load, size, get, ind)                                                           \
	CASE(load##_PAIR):                                                                          \
		PAIR(size, get, ind, 0, PAIR_JUMP);                                                \
	CASE(load##_PAIR_RR):                                                                       \
		PAIR(size, get, ind, 0, PAIR_RETURN)
#define MASKED_PAIR_CASES(load, size, get)                                                         \
	CASE(load##_MPAIR):                                                                         \
		PAIR(size, get, 0, 1, PAIR_JUMP);                                                  \
	CASE(load##_MPAIR_RR):                                                                      \
		PAIR(size, get, 0, 1, PAIR_RETURN)
/* The eight cases of NEXT_OPS: j is the jump, LOAD what comes before it. */
#define NEXT_CASES(jump, j, LOAD)                                                                  \
	CASE(jump##_JEQ_T0):                                                                        \
		LOAD;                                                                              \
		JUMP_TO(A == (j)->k, (j) + 1, (j) + 1 + (j)->jf);                                  \
		DISPATCH;                                                                          \
	CASE(jump##_JGT_T0):                                                                        \
		LOAD;                                                                              \
		JUMP_TO(A > (j)->k, (j) + 1, (j) + 1 + (j)->jf);                                   \
		DISPATCH;                                                                          \
	CASE(jump##_JGE_T0):                                                                        \
		LOAD;                                                                              \
		JUMP_TO(A >= (j)->k, (j) + 1, (j) + 1 + (j)->jf);                                  \
		DISPATCH;                                                                          \
	CASE(jump##_JSET_T0):                                                                       \
		LOAD;                                                                              \
		JUMP_TO(A & (j)->k, (j) + 1, (j) + 1 + (j)->jf);                                   \
		DISPATCH;                                                                          \
	CASE(jump##_JEQ_F0):                                                                        \
		LOAD;                                                                              \
		JUMP_TO(A == (j)->k, (j) + 1 + (j)->jt, (j) + 1);                                  \
		DISPATCH;                                                                          \
	CASE(jump##_JGT_F0):                                                                        \
		LOAD;                                                                              \
		JUMP_TO(A > (j)->k, (j) + 1 + (j)->jt, (j) + 1);                                   \
		DISPATCH;                                                                          \
	CASE(jump##_JGE_F0):                                                                        \
		LOAD;                                                                              \
		JUMP_TO(A >= (j)->k, (j) + 1 + (j)->jt, (j) + 1);                                  \
		DISPATCH;                                                                          \
	CASE(jump##_JSET_F0):                                                                       \
		LOAD;                                                                              \
		JUMP_TO(A & (j)->k, (j) + 1 + (j)->jt, (j) + 1);                                   \
		DISPATCH
/* The eight cases of a load fused with the jump after it. */
#define FUSED_CASES(load, LOAD)                                                                    \
	CASE(load##_JEQ):                                                                           \
		LOAD;                                                                              \
		JUMP(pc + 1, A == pc[1].k);                                                        \
		DISPATCH;                                                                          \
	CASE(load##_JEQ_RR):                                                                        \
		LOAD;                                                                              \
		RETURN(pc + 1, A == pc[1].k);                                                      \
	CASE(load##_JGT):                                                                           \
		LOAD;                                                                              \
		JUMP(pc + 1, A > pc[1].k);                                                         \
		DISPATCH;                                                                          \
	CASE(load##_JGT_RR):                                                                        \
		LOAD;                                                                              \
		RETURN(pc + 1, A > pc[1].k);                                                       \
	CASE(load##_JGE):                                                                           \
		LOAD;                                                                              \
		JUMP(pc + 1, A >= pc[1].k);                                                        \
		DISPATCH;                                                                          \
	CASE(load##_JGE_RR):                                                                        \
		LOAD;                                                                              \
		RETURN(pc + 1, A >= pc[1].k);                                                      \
	CASE(load##_JSET):                                                                          \
		LOAD;                                                                              \
		JUMP(pc + 1, A & pc[1].k);                                                         \
		DISPATCH;                                                                          \
	CASE(load##_JSET_RR):                                                                       \
		LOAD;                                                                              \
		RETURN(pc + 1, A & pc[1].k)

/* clang-format on */

#define META (r->in->meta ? r->in->meta : &zero_meta)

/*
 * What only the rare ops need (M, the loop budget, the vm and the input's other fields), kept
 * in memory: cbpf_vm_run reads them through a pointer the compiler cannot see through, so that
 * they take no registers and the hot ops' values (pc, A, X, the data and its length) fit in
 * those a call may clobber, with none to save at the entry.
 */
struct run {
	const struct cbpf_vm *volatile vm;
	const struct cbpf_input *volatile in;
	volatile uint32_t budget, loop; /* backward jumps left, and for which loop */
	uint32_t M[CBPF_MEMWORDS];
};

static uint32_t finish_by_steps(const struct run *r, uint32_t pc, uint32_t A, uint32_t X);

/*
 * The interpreter proper, entered straight from the caller: a separate function behind
 * cbpf_vm_run cost each run a jump more (0.35 ns of an empty program's 3.8). Native code is
 * chosen first, before the interpreter's frame (gcc shrink-wraps it), so that a jitted vm's
 * call pays none of it. Without an input it only labels vm's ops (label_ops: the labels'
 * addresses are known only inside this function); cbpf_vm_new does that to its new vm.
 */
uint32_t cbpf_vm_run(const struct cbpf_vm *vm, const struct cbpf_input *in)
{
	const struct fop *pc = vm->ops;
	const uint8_t *data;
	uint32_t caplen;
	uint32_t A = 0, X = 0, v;
	struct run run, *const r = &run;
#if VM_THREADED
#define OP_LABEL(op) &&L_##op,
	static const void *const next_of[N_OPS] = { VM_OPS(OP_LABEL) };
#undef OP_LABEL
#endif

	if (vm->native)
		return vm->native->entry(in);
	if (__builtin_expect(in == NULL, 0)) {
		/* cbpf_vm_new's own vm, still in the making: the const is this function's API. */
		struct cbpf_vm *unfinished = (struct cbpf_vm *)(uintptr_t)vm;

#if VM_THREADED
		label_ops(unfinished, next_of);
#else
		label_ops(unfinished, NULL);
#endif
		return 0;
	}
	data = in->data;
	caplen = in->caplen;
	run.vm = vm;
	run.in = in;
	if (vm->stateful) {
		run.budget = vm->budget;
		run.loop = 0;
		/* A validated program never reads a cell it did not write; others read 0. */
		if (vm->reads_mem)
			memset(run.M, 0, sizeof(run.M));
	}
	DISPATCH;
	/* clang-format off */
	for (;;) {
#if !VM_THREADED
dispatch:
#endif
		switch ((enum op)pc->op) {
		CASE(OP_RET_K):
			return pc->k;
		CASE(OP_RET_A):
			return A;
		CASE(OP_LD_IMM):
			A = pc->k;
			NEXT;
		CASE(OP_LDX_IMM):
			X = pc->k;
			NEXT;
		CASE(OP_LD_MEM):
			A = r->M[pc->k];
			NEXT;
		CASE(OP_LDX_MEM):
			X = r->M[pc->k];
			NEXT;
		CASE(OP_ST):
			r->M[pc->k] = A;
			NEXT;
		CASE(OP_STX):
			r->M[pc->k] = X;
			NEXT;
		CASE(OP_LD_LEN):
			A = r->in->wirelen;
			NEXT;
		CASE(OP_LDX_LEN):
			X = r->in->wirelen;
			NEXT;
		CASE(OP_LD_W):
			LOAD_ABS(4, get32);
			NEXT;
		CASE(OP_LD_H):
			LOAD_ABS(2, get16);
			NEXT;
		CASE(OP_LD_B):
			LOAD_ABS(1, get8);
			NEXT;
		CASE(OP_LD_W_NEG):
			if (!load_any(in, (int32_t)pc->k, 4, &A))
				return 0;
			NEXT;
		CASE(OP_LD_H_NEG):
			if (!load_any(in, (int32_t)pc->k, 2, &A))
				return 0;
			NEXT;
		CASE(OP_LD_B_NEG):
			if (!load_any(in, (int32_t)pc->k, 1, &A))
				return 0;
			NEXT;
		CASE(OP_LD_W_IND):
			LOAD_IND(4, get32);
			NEXT;
		CASE(OP_LD_H_IND):
			LOAD_IND(2, get16);
			NEXT;
		CASE(OP_LD_B_IND):
			LOAD_IND(1, get8);
			NEXT;
		CASE(OP_LDX_MSH):
			if (pc->k + 1 > caplen)
				return 0;
			X = (data[pc->k] & 0xfu) << 2;
			NEXT;
		CASE(OP_LDX_MSH_NEG):
			if (!load_any(in, (int32_t)pc->k, 1, &v))
				return 0;
			X = (v & 0xf) << 2;
			NEXT;
		CASE(OP_LD_SECCOMP):
			if (!seccomp_word(in, pc->k, &A))
				return 0;
			NEXT;
		CASE(OP_OOB):
			return 0;
		/* net/core/filter.c: convert_bpf_extensions */
		CASE(OP_AD_PROTOCOL):
			A = be16toh(META->protocol);
			NEXT;
		CASE(OP_AD_PKTTYPE):
			A = META->pkttype & 7u; /* PKT_TYPE_MAX */
			NEXT;
		CASE(OP_AD_IFINDEX):
			/* Without skb->dev the converted program exits with A as it is. */
			if (META->no_dev)
				return A;
			A = META->ifindex;
			NEXT;
		CASE(OP_AD_NLATTR):
		CASE(OP_AD_NLATTR_NEST):
			goto slow;
		CASE(OP_AD_MARK):
			A = META->mark;
			NEXT;
		CASE(OP_AD_QUEUE):
			A = META->queue;
			NEXT;
		CASE(OP_AD_HATYPE):
			if (META->no_dev)
				return A;
			A = META->hatype;
			NEXT;
		CASE(OP_AD_RXHASH):
			A = META->rxhash;
			NEXT;
		CASE(OP_AD_CPU):
			A = META->cpu;
			NEXT;
		CASE(OP_AD_ALU_XOR_X):
			A ^= X;
			NEXT;
		CASE(OP_AD_VLAN_TAG):
			A = META->vlan_tci;
			NEXT;
		CASE(OP_AD_VLAN_TAG_PRESENT):
			A = META->vlan_present;
			NEXT;
		CASE(OP_AD_PAY_OFFSET):
			A = META->pay_off;
			NEXT;
		CASE(OP_AD_RANDOM):
			A = META->random;
			NEXT;
		CASE(OP_AD_VLAN_TPID):
			A = be16toh(META->vlan_proto);
			NEXT;
		CASE(OP_ADD_K):
			A += pc->k;
			NEXT;
		CASE(OP_ADD_X):
			A += X;
			NEXT;
		CASE(OP_SUB_K):
			A -= pc->k;
			NEXT;
		CASE(OP_SUB_X):
			A -= X;
			NEXT;
		CASE(OP_MUL_K):
			A *= pc->k;
			NEXT;
		CASE(OP_MUL_X):
			A *= X;
			NEXT;
		CASE(OP_DIV_K):
			A /= pc->k;
			NEXT;
		CASE(OP_DIV_X):
			if (X == 0)
				return 0;
			A /= X;
			NEXT;
		CASE(OP_MOD_K):
			A %= pc->k;
			NEXT;
		CASE(OP_MOD_X):
			if (X == 0)
				return 0;
			A %= X;
			NEXT;
		CASE(OP_AND_K):
			A &= pc->k;
			NEXT;
		CASE(OP_AND_X):
			A &= X;
			NEXT;
		CASE(OP_OR_K):
			A |= pc->k;
			NEXT;
		CASE(OP_OR_X):
			A |= X;
			NEXT;
		CASE(OP_XOR_K):
			A ^= pc->k;
			NEXT;
		CASE(OP_XOR_X):
			A ^= X;
			NEXT;
		CASE(OP_LSH_K):
			A <<= pc->k;
			NEXT;
		/* eBPF's 32-bit shifts use the low 5 bits of the count (kernel/bpf/core.c). */
		CASE(OP_LSH_X):
			A <<= X & 31;
			NEXT;
		CASE(OP_RSH_K):
			A >>= pc->k;
			NEXT;
		CASE(OP_RSH_X):
			A >>= X & 31;
			NEXT;
		CASE(OP_NEG):
			A = 0u - A;
			NEXT;
		CASE(OP_DIV0):
			return 0;
		CASE(OP_TAX):
			X = A;
			NEXT;
		CASE(OP_TXA):
			A = X;
			NEXT;
		CASE(OP_JA):
			pc += 1 + pc->k;
			DISPATCH;
		CASE(OP_JA_BACK):
			if ((r->vm->loops > 1) && r->loop != pc->k + 1) {
				r->loop = pc->k + 1;
				r->budget = r->vm->budget;
			}
			if (r->budget-- == 0)
				return 0;
			pc = r->vm->ops + pc->k;
			DISPATCH;
		CASE(OP_JEQ_K):
			JUMP(pc, A == pc->k);
			DISPATCH;
		CASE(OP_JEQ_X):
			JUMP(pc, A == X);
			DISPATCH;
		CASE(OP_JGT_K):
			JUMP(pc, A > pc->k);
			DISPATCH;
		CASE(OP_JGT_X):
			JUMP(pc, A > X);
			DISPATCH;
		CASE(OP_JGE_K):
			JUMP(pc, A >= pc->k);
			DISPATCH;
		CASE(OP_JGE_X):
			JUMP(pc, A >= X);
			DISPATCH;
		CASE(OP_JSET_K):
			JUMP(pc, A & pc->k);
			DISPATCH;
		CASE(OP_JSET_X):
			JUMP(pc, A & X);
			DISPATCH;
		CASE(OP_JEQ_K_RR):
			RETURN(pc, A == pc->k);
		CASE(OP_JGT_K_RR):
			RETURN(pc, A > pc->k);
		CASE(OP_JGE_K_RR):
			RETURN(pc, A >= pc->k);
		CASE(OP_JSET_K_RR):
			RETURN(pc, A & pc->k);
		CASE(OP_JIN2):
			JUMP_TO((A == pc[0].k) | (A == pc[1].k), pc + 1 + pc->jt, pc + 2 + pc[1].jf);
			DISPATCH;
		CASE(OP_JIN3):
			JUMP_TO((A == pc[0].k) | (A == pc[1].k) | (A == pc[2].k), pc + 1 + pc->jt,
				pc + 3 + pc[2].jf);
			DISPATCH;
		CASE(OP_JIN4):
			JUMP_TO((A == pc[0].k) | (A == pc[1].k) | (A == pc[2].k) | (A == pc[3].k),
				pc + 1 + pc->jt, pc + 4 + pc[3].jf);
			DISPATCH;
			FUSED_CASES(OP_LD_W, LOAD_ABS(4, get32));
			FUSED_CASES(OP_LD_H, LOAD_ABS(2, get16));
			FUSED_CASES(OP_LD_B, LOAD_ABS(1, get8));
			FUSED_CASES(OP_LD_W_IND, LOAD_IND(4, get32));
			FUSED_CASES(OP_LD_H_IND, LOAD_IND(2, get16));
			FUSED_CASES(OP_LD_B_IND, LOAD_IND(1, get8));
			FUSED_CASES(OP_AND_K, A &= pc->k);
			NEXT_CASES(OP_K, pc, (void)0);
			NEXT_CASES(OP_LD_W, pc + 1, LOAD_ABS(4, get32));
			NEXT_CASES(OP_LD_H, pc + 1, LOAD_ABS(2, get16));
			NEXT_CASES(OP_LD_B, pc + 1, LOAD_ABS(1, get8));
			NEXT_CASES(OP_LD_W_IND, pc + 1, LOAD_IND(4, get32));
			NEXT_CASES(OP_LD_H_IND, pc + 1, LOAD_IND(2, get16));
			NEXT_CASES(OP_LD_B_IND, pc + 1, LOAD_IND(1, get8));
		CASE(OP_MSH_LD_W_IND):
			MSH_THEN(LOAD_IND(4, get32));
			NEXT;
		CASE(OP_MSH_LD_H_IND):
			MSH_THEN(LOAD_IND(2, get16));
			NEXT;
		CASE(OP_MSH_LD_B_IND):
			MSH_THEN(LOAD_IND(1, get8));
			NEXT;
			FUSED_CASES(OP_MSH_LD_W_IND, MSH_THEN(LOAD_IND(4, get32)));
			FUSED_CASES(OP_MSH_LD_H_IND, MSH_THEN(LOAD_IND(2, get16)));
			FUSED_CASES(OP_MSH_LD_B_IND, MSH_THEN(LOAD_IND(1, get8)));
			PAIR_CASES(OP_LD_W, 4, get32, 0);
			PAIR_CASES(OP_LD_H, 2, get16, 0);
			PAIR_CASES(OP_LD_B, 1, get8, 0);
			PAIR_CASES(OP_LD_W_IND, 4, get32, 1);
			PAIR_CASES(OP_LD_H_IND, 2, get16, 1);
			PAIR_CASES(OP_LD_B_IND, 1, get8, 1);
			MASKED_PAIR_CASES(OP_LD_W, 4, get32);
			MASKED_PAIR_CASES(OP_LD_H, 2, get16);
			MASKED_PAIR_CASES(OP_LD_B, 1, get8);
		CASE(OP_LD_W_WIRE):
			LOAD_ABS(4, raw32);
			NEXT;
		CASE(OP_LD_H_WIRE):
			LOAD_ABS(2, raw16);
			NEXT;
			FUSED_CASES(OP_LD_W_WIRE, LOAD_ABS(4, raw32));
			FUSED_CASES(OP_LD_H_WIRE, LOAD_ABS(2, raw16));
			NEXT_CASES(OP_LD_W_WIRE, pc + 1, LOAD_ABS(4, raw32));
			NEXT_CASES(OP_LD_H_WIRE, pc + 1, LOAD_ABS(2, raw16));
			PAIR_CASES(OP_LD_W_WIRE, 4, raw32, 0);
			PAIR_CASES(OP_LD_H_WIRE, 2, raw16, 0);
		default:
			/* Every op is one of the above: cbpf_vm_new made them. */
			__builtin_unreachable();
		}
	}
	/* clang-format on */
slow:
	/*
	 * What needs a function call (netlink attribute walks) or much code (negative [x + k]) is
	 * left to the step API, which finishes the run from the instruction at pc: the loop above
	 * then keeps its values in registers that calls would clobber, and stays small.
	 */
	return finish_by_steps(r, (uint32_t)(pc - r->vm->ops), A, X);
}
#undef META
#undef LOAD_ABS
#undef LOAD_IND
#undef JUMP
#undef NEXT_CASES
#undef SELECT
#undef PAIR
#undef PAIR_JUMP
#undef PAIR_RETURN
#undef PAIR_CASES
#undef MASKED_PAIR_CASES
#undef MSH_THEN
#undef JUMP_TO
#undef RETURN
#undef FUSED_CASES
#undef CASE
#undef NEXT
#undef DISPATCH

/* ---------------------------------------------------------------- the step API */

void cbpf_vm_state_init(struct cbpf_vm_state *st)
{
	memset(st, 0, sizeof(*st));
}

/* Ends the run in st (and rec) with how and what. */
static void finish(struct cbpf_vm_state *st, struct cbpf_vm_step *rec, enum cbpf_vm_exit how,
		   uint32_t ret)
{
	st->exit = how;
	st->ret = ret;
	rec->exit = how;
	rec->ret = ret;
	rec->next_pc = st->pc;
}

/* A packet load in socket mode at classic offset k (negative allowed). False: out of bounds. */
static bool step_load(const struct cbpf_input *in, int32_t k, uint32_t size,
		      struct cbpf_vm_step *rec)
{
	rec->read = CBPF_VM_READ_PACKET;
	rec->req = k;
	rec->size = size;
	rec->off = map_offset(in, k);
	if (!fits(in, rec->off, size))
		return false;
	rec->value = get_be(in->data + rec->off, size);
	return true;
}

/* ALU op of code on A with operand v; false for a division by zero. */
static bool step_alu(uint16_t code, uint32_t *A, uint32_t v)
{
	switch (CBPF_OP(code)) {
	case CBPF_ADD:
		*A += v;
		break;
	case CBPF_SUB:
		*A -= v;
		break;
	case CBPF_MUL:
		*A *= v;
		break;
	case CBPF_DIV:
		if (v == 0)
			return false;
		*A /= v;
		break;
	case CBPF_MOD:
		if (v == 0)
			return false;
		*A %= v;
		break;
	case CBPF_OR:
		*A |= v;
		break;
	case CBPF_AND:
		*A &= v;
		break;
	case CBPF_XOR:
		*A ^= v;
		break;
	case CBPF_LSH:
		*A <<= v & 31;
		break;
	case CBPF_RSH:
		*A >>= v & 31;
		break;
	case CBPF_NEG:
		*A = 0u - *A;
		break;
	}
	return true;
}

static bool step_cond(uint16_t code, uint32_t a, uint32_t b)
{
	switch (CBPF_OP(code)) {
	case CBPF_JEQ:
		return a == b;
	case CBPF_JGT:
		return a > b;
	case CBPF_JGE:
		return a >= b;
	default:
		return (a & b) != 0;
	}
}

/* Class LD with mode ABS or IND. False when the program ended (rec says how). */
static bool step_ld_packet(const struct cbpf_vm *vm, struct cbpf_vm_state *st,
			   const struct cbpf_input *in, const struct cbpf_insn *insn,
			   struct cbpf_vm_step *rec)
{
	uint32_t size = 4 >> size_index(insn->code);
	int anc;

	if (vm->mode == CBPF_VM_SECCOMP) {
		rec->read = CBPF_VM_READ_PACKET;
		rec->req = insn->k;
		rec->off = insn->k;
		rec->size = size;
		if (load_op(insn, vm->mode) != OP_LD_SECCOMP || !seccomp_word(in, insn->k, &st->A))
			return false;
		rec->value = st->A;
		return true;
	}
	if (CBPF_MODE(insn->code) == CBPF_IND) {
		if (!step_load(in, (int32_t)(st->X + insn->k), size, rec))
			return false;
		st->A = rec->value;
		return true;
	}
	anc = ancillary_of(insn->k);
	if (anc >= 0) {
		uint64_t v = ancillary(in, anc, st->A, st->X);

		rec->read = CBPF_VM_READ_ANC;
		rec->anc = anc;
		if (v == ANC_NO_DEV) {
			finish(st, rec, CBPF_VM_EXIT_NO_DEV, st->A);
			return false;
		}
		st->A = rec->value = (uint32_t)v;
		return true;
	}
	if (!step_load(in, (int32_t)insn->k, size, rec))
		return false;
	st->A = rec->value;
	return true;
}

/*
 * Finishes a run of cbpf_vm_run from pc by steps (M_written and steps do not matter here).
 * Kept out of cbpf_vm_run, whose entry would otherwise save registers for it.
 */
static __attribute__((noinline)) uint32_t finish_by_steps(const struct run *r, uint32_t pc,
							  uint32_t A, uint32_t X)
{
	const struct cbpf_vm *vm = r->vm;
	struct cbpf_vm_state st = { .A = A,
				    .X = X,
				    .pc = pc,
				    /* Without a budget, cbpf_vm_run set neither. */
				    .back_jumps = vm->budget ? vm->budget - r->budget : 0,
				    .loop = vm->budget ? r->loop : 0 };

	/* cbpf_vm_run leaves M as it was on the stack when the program never reads it. */
	if (vm->reads_mem)
		memcpy(st.M, r->M, sizeof(st.M));
	while (st.exit == CBPF_VM_RUNNING)
		if (cbpf_vm_step(vm, &st, r->in, NULL))
			return 0; /* cannot happen: cbpf_vm_new checked every jump */
	return st.ret;
}

int cbpf_vm_step(const struct cbpf_vm *vm, struct cbpf_vm_state *st, const struct cbpf_input *in,
		 struct cbpf_vm_step *rec)
{
	struct cbpf_vm_step scratch;
	const struct cbpf_insn *insn;
	uint16_t code;
	uint32_t v;

	if (st->exit != CBPF_VM_RUNNING || st->pc >= vm->len)
		return -EINVAL;
	if (!rec)
		rec = &scratch;
	memset(rec, 0, sizeof(*rec));
	rec->pc = st->pc;
	rec->off = -1;
	insn = &vm->insns[st->pc];
	code = insn->code;
	st->steps++;

	switch (CBPF_CLASS(code)) {
	case CBPF_LD:
	case CBPF_LDX:
		switch (CBPF_MODE(code)) {
		case CBPF_IMM:
			v = insn->k;
			break;
		case CBPF_MEM:
			rec->read = CBPF_VM_READ_MEM;
			v = st->M[insn->k];
			break;
		case CBPF_LEN:
			rec->read = CBPF_VM_READ_LEN;
			v = vm->mode == CBPF_VM_SECCOMP ? CBPF_SECCOMP_DATA_SIZE : in->wirelen;
			break;
		case CBPF_MSH:
			if (vm->mode == CBPF_VM_SECCOMP) {
				rec->read = CBPF_VM_READ_PACKET;
				rec->req = rec->off = insn->k;
				rec->size = 1;
				finish(st, rec, CBPF_VM_EXIT_OOB, 0);
				return 0;
			}
			if (!step_load(in, (int32_t)insn->k, 1, rec)) {
				finish(st, rec, CBPF_VM_EXIT_OOB, 0);
				return 0;
			}
			st->X = (rec->value & 0xf) << 2;
			st->pc++;
			rec->next_pc = st->pc;
			return 0;
		default:
			if (!step_ld_packet(vm, st, in, insn, rec)) {
				if (st->exit == CBPF_VM_RUNNING)
					finish(st, rec, CBPF_VM_EXIT_OOB, 0);
				return 0;
			}
			st->pc++;
			rec->next_pc = st->pc;
			return 0;
		}
		if (CBPF_CLASS(code) == CBPF_LD)
			st->A = v;
		else
			st->X = v;
		rec->value = v;
		break;
	case CBPF_ST:
		st->M[insn->k] = st->A;
		st->M_written |= 1u << insn->k;
		break;
	case CBPF_STX:
		st->M[insn->k] = st->X;
		st->M_written |= 1u << insn->k;
		break;
	case CBPF_ALU:
		v = CBPF_SRC(code) == CBPF_X ? st->X : insn->k;
		/* Constant counts above 31 (refused by the kernel) are taken like X's. */
		if (CBPF_OP(code) == CBPF_LSH || CBPF_OP(code) == CBPF_RSH)
			v &= 31;
		if (!step_alu(code, &st->A, v)) {
			finish(st, rec, CBPF_VM_EXIT_DIV0, 0);
			return 0;
		}
		break;
	case CBPF_JMP:
		if (vm->ops[st->pc].op == OP_JA_BACK) {
			if ((vm->loops > 1) && st->loop != vm->ops[st->pc].k + 1) {
				st->loop = vm->ops[st->pc].k + 1;
				st->back_jumps = 0;
			}
			if (st->back_jumps == vm->budget) {
				finish(st, rec, CBPF_VM_EXIT_BUDGET, 0);
				return 0;
			}
			st->back_jumps++;
			st->pc = vm->ops[st->pc].k;
			rec->next_pc = st->pc;
			return 0;
		}
		if (!cbpf_insn_is_cond_jump(insn)) {
			st->pc += 1 + insn->k;
			rec->next_pc = st->pc;
			return 0;
		}
		rec->cond = true;
		rec->lhs = st->A;
		rec->rhs = CBPF_SRC(code) == CBPF_X ? st->X : insn->k;
		rec->taken = step_cond(code, rec->lhs, rec->rhs);
		st->pc += 1 + (rec->taken ? insn->jt : insn->jf);
		rec->next_pc = st->pc;
		return 0;
	case CBPF_RET:
		finish(st, rec, CBPF_VM_EXIT_RET, CBPF_RVAL(code) == CBPF_A ? st->A : insn->k);
		return 0;
	case CBPF_MISC:
		if (CBPF_MISCOP(code) == CBPF_TXA)
			st->A = st->X;
		else
			st->X = st->A;
		break;
	}
	st->pc++;
	rec->next_pc = st->pc;
	return 0;
}
