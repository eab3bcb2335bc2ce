// SPDX-License-Identifier: MIT
/* The limits of the kernel's translation to eBPF: 16-bit jump offsets, socket memory. */
#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdlib.h>

#include "classic/check_impl.h"

/*
 * net/core/filter.c: bpf_convert_filter rewrites each classic instruction into a few eBPF ones
 * and refuses (EINVAL) a jump whose eBPF offset does not fit in 16 bits. It translates twice:
 * the first pass fills in the instruction addresses as it goes, so a forward jump is measured
 * against address 0 and fails once the jump itself sits past eBPF instruction 32767; the second
 * pass measures the real distance. The sizes below are what it emits on the 64-bit
 * architectures with efficient unaligned access (x86-64, arm64), checked against Linux 6.18.
 */

#define OFF_MAX 32767
#define OFF_MIN (-32768)
/* Three instructions clear A and X and keep the context; four more cache the packet. */
#define PROLOGUE	3
#define PROLOGUE_LD_ABS 4

/* include/linux/filter.h: bpf_prog_size: the program header, then 8 bytes per instruction. */
#define PROG_HEADER 96
#define PROG_INSN   8
/* net.core.optmem_max by default (Linux 6.9 and later). */
#define OPTMEM_MAX 131072

/* The ancillary loads, by (k - SKF_AD_OFF) / 4: net/core/filter.c: convert_bpf_extensions. */
static const uint8_t ancillary_size[CBPF_AD_MAX / 4] = {
	2, /* protocol: load, byte swap */
	2, /* pkttype: load, mask */
	4, /* ifindex: load dev, test, exit, load */
	4, /* nlattr: three moves, call */
	4, /* nlattr_nest */
	1, /* mark */
	1, /* queue */
	4, /* hatype */
	1, /* rxhash */
	4, /* cpu */
	1, /* alu_xor_x */
	1, /* vlan_tag */
	3, /* vlan_tag_present: load, test, set */
	4, /* pay_offset */
	4, /* random */
	2, /* vlan_tpid */
};

/* net/core/filter.c: convert_bpf_ld_abs for a packet load (mode ABS or IND). */
static unsigned ld_packet_size(uint16_t code, uint32_t k)
{
	int32_t off = (int32_t)k;
	unsigned n = 0;

	/* The direct path, for a non-negative constant offset. */
	if (CBPF_MODE(code) == CBPF_ABS && off >= 0)
		n += 1 + (off != 0) + 1 + (off <= OFF_MAX ? 1 : 3) + (CBPF_SIZE(code) != CBPF_B) +
		     1;
	/* The helper call: three argument moves, the offset, call, test, clear, exit. */
	n += 3 + 1 + (CBPF_MODE(code) == CBPF_IND && k != 0) + 1 + 3;
	return n;
}

/* An absolute load: ancillary (convert_bpf_extensions) or from the packet. */
static unsigned ld_abs_size(uint16_t code, uint32_t k, bool *ld_abs)
{
	if (k >= (uint32_t)CBPF_AD_OFF) {
		uint32_t anc = (k - (uint32_t)CBPF_AD_OFF) / 4;

		/* Only known ones get here: bpf_check_classic refused the others. */
		return anc < sizeof(ancillary_size) ? ancillary_size[anc] : 1;
	}
	*ld_abs = true;
	return ld_packet_size(code, k);
}

struct xjump {
	unsigned idx;	 /* position inside the instruction's translation */
	uint64_t target; /* classic instruction */
};

/*
 * How many eBPF instructions pc becomes; its jumps go to j[] (*nj of them). *ld_abs is set
 * when it needs the packet prologue.
 */
static unsigned insn_size(const struct checker *c, size_t pc, struct xjump j[2], int *nj,
			  bool *ld_abs)
{
	const struct cbpf_insn *insn = &c->insns[pc];
	bool seccomp = c->mode == CBPF_CHECK_SECCOMP;
	uint32_t k = insn->k;
	unsigned neg;

	*nj = 0;
	switch (insn->code) {
	case CBPF_ALU | CBPF_DIV | CBPF_X:
	case CBPF_ALU | CBPF_MOD | CBPF_X:
		return 5; /* zero-extend X, test, clear A, exit, divide */
	case CBPF_LD | CBPF_W | CBPF_ABS:
		/* kernel/seccomp.c: seccomp_check_filter turns it into one load of seccomp_data. */
		if (seccomp)
			return 1;
		return ld_abs_size(insn->code, k, ld_abs);
	case CBPF_LD | CBPF_H | CBPF_ABS:
	case CBPF_LD | CBPF_B | CBPF_ABS:
		return ld_abs_size(insn->code, k, ld_abs);
	case CBPF_LD | CBPF_W | CBPF_IND:
	case CBPF_LD | CBPF_H | CBPF_IND:
	case CBPF_LD | CBPF_B | CBPF_IND:
		*ld_abs = true;
		return ld_packet_size(insn->code, k);
	case CBPF_LDX | CBPF_B | CBPF_MSH:
		/* Save A, load the byte, mask, shift, and three moves to swap A and X back. */
		*ld_abs = true;
		return 1 + ld_packet_size(CBPF_LD | CBPF_B | CBPF_ABS, k) + 5;
	case CBPF_RET | CBPF_K:
		return 2;
	case CBPF_JMP | CBPF_JA:
		j[(*nj)++] = (struct xjump){ 0, (uint64_t)pc + 1 + k };
		return 1;
	default:
		break;
	}
	if (!cbpf_insn_is_cond_jump(insn))
		return 1;
	/* A negative constant goes through a register first. */
	neg = CBPF_SRC(insn->code) == CBPF_K && (int32_t)k < 0;
	if (insn->jf == 0) {
		j[(*nj)++] = (struct xjump){ neg, (uint64_t)pc + 1 + insn->jt };
		return neg + 1;
	}
	if (insn->jt == 0 && CBPF_OP(insn->code) != CBPF_JSET) {
		/* Inverted (jne, jle, jlt) to the jf target. */
		j[(*nj)++] = (struct xjump){ neg, (uint64_t)pc + 1 + insn->jf };
		return neg + 1;
	}
	j[(*nj)++] = (struct xjump){ neg, (uint64_t)pc + 1 + insn->jt };
	j[(*nj)++] = (struct xjump){ neg + 1, (uint64_t)pc + 1 + insn->jf };
	return neg + 2;
}

void check_translation(struct checker *c)
{
	size_t n = c->len, pc;
	uint64_t *addr = malloc((n + 1) * sizeof(*addr));
	bool ld_abs = false;
	struct xjump j[2];
	int nj;

	if (!addr) {
		c->err = -ENOMEM;
		return;
	}
	addr[0] = 0;
	for (pc = 0; pc < n; pc++)
		addr[pc + 1] = addr[pc] + insn_size(c, pc, j, &nj, &ld_abs);
	for (pc = 0; pc <= n; pc++)
		addr[pc] += PROLOGUE + (ld_abs ? PROLOGUE_LD_ABS : 0);

	for (pc = 0; pc < n; pc++) {
		insn_size(c, pc, j, &nj, &ld_abs);
		for (int i = 0; i < nj; i++) {
			uint64_t at = addr[pc] + j[i].idx;
			int64_t off = (int64_t)addr[j[i].target] - (int64_t)at - 1;

			if (-(int64_t)at - 1 < OFF_MIN) {
				check_report(
					c, CBPF_SEV_ERROR, (long)pc, RULE_CONVERT,
					"jump lands at instruction %" PRIu64 " of the kernel's "
					"eBPF translation; its first pass refuses any jump past "
					"instruction %d",
					at, OFF_MAX);
				break;
			}
			if (off > OFF_MAX) {
				check_report(c, CBPF_SEV_ERROR, (long)pc, RULE_CONVERT,
					     "jump to insn %" PRIu64 " spans %" PRId64
					     " instructions "
					     "of the kernel's eBPF translation; at most %d fit",
					     j[i].target, off, OFF_MAX);
				break;
			}
		}
	}
	if (c->mode == CBPF_CHECK_SOCKET && !c->errors &&
	    addr[n] * PROG_INSN + PROG_HEADER >= OPTMEM_MAX)
		check_report(c, CBPF_SEV_WARNING, -1, RULE_CHARGE,
			     "the kernel translates this program into %" PRIu64
			     " eBPF instructions "
			     "(about %" PRIu64 " bytes); SO_ATTACH_FILTER fails with ENOMEM when "
			     "that reaches net.core.optmem_max (%d bytes by default)",
			     addr[n], addr[n] * PROG_INSN + PROG_HEADER, OPTMEM_MAX);
	free(addr);
}
