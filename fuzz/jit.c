// SPDX-License-Identifier: MIT
/*
 * libFuzzer target for the JIT: bytes become a program, a packet and its metadata (or a
 * seccomp_data); the native code must return what the interpreter returns, on the packet and
 * on each of its shorter cuts. Every program cbpf_vm_new takes must compile: the validator's
 * rules are not asked for (a division by a constant 0 or a shift of 40 has a meaning too).
 *
 * Input, as fuzz/vm.c's: [flags][count, 2 bytes][count x 8 bytes of instructions][metadata]
 * [packet]. flags bit 0 chooses seccomp mode, bit 1 a wirelen longer than the packet; count
 * (little-endian, modulo 4096, plus one) is the number of instructions.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cbpf.h"

#define MAX_INSNS  CBPF_MAXINSNS
#define META_BYTES 32

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint32_t u32_at(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

/* Every field of the metadata from 32 bytes; net_off small enough to matter. */
static void meta_from(struct cbpf_meta *m, const uint8_t *p)
{
	m->net_off = p[0] & 0x80 ? u32_at(p + 28) : p[0] % 64u;
	m->protocol = (uint16_t)(p[1] | p[2] << 8);
	m->pkttype = p[3];
	m->no_dev = p[4] & 1;
	m->no_mac = p[4] & 2;
	m->vlan_present = p[4] & 4;
	m->hatype = (uint16_t)(p[5] | p[6] << 8);
	m->queue = (uint16_t)(p[7] | p[8] << 8);
	m->vlan_tci = (uint16_t)(p[9] | p[10] << 8);
	m->vlan_proto = (uint16_t)(p[11] | p[12] << 8);
	m->ifindex = u32_at(p + 12);
	m->mark = u32_at(p + 16);
	m->rxhash = u32_at(p + 20);
	m->cpu = u32_at(p + 24);
	m->random = m->pay_off = u32_at(p + 28);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct cbpf_insn insns[MAX_INSNS];
	struct cbpf_meta meta = { 0 };
	struct cbpf_seccomp_data sd = { 0 };
	struct cbpf_diags diags = { 0 };
	struct cbpf_prog *prog;
	struct cbpf_vm *vm = NULL;
	struct cbpf_jit *jit = NULL;
	struct cbpf_input in;
	enum cbpf_vm_mode mode;
	size_t n;
	uint8_t flags;
	int err;

	if (size < 3)
		return 0;
	flags = data[0];
	n = 1 + (size_t)(data[1] | data[2] << 8) % MAX_INSNS;
	data += 3;
	size -= 3;
	if (size < n * sizeof(insns[0]))
		return 0;
	memcpy(insns, data, n * sizeof(insns[0]));
	data += n * sizeof(insns[0]);
	size -= n * sizeof(insns[0]);
	mode = flags & 1 ? CBPF_VM_SECCOMP : CBPF_VM_SOCKET;

	prog = cbpf_prog_new(insns, n);
	if (!prog)
		return 0;
	if (cbpf_vm_new(prog, mode, &vm, &diags))
		goto out;
	err = cbpf_jit_new(vm, &jit, &diags);
	/* Not x86-64, or no executable memory: nothing to compare here. */
	if (err == -ENOTSUP || err == -EPERM || err == -ENOMEM)
		goto out;
	if (err)
		abort(); /* a program the interpreter runs and the JIT cannot compile */

	if (mode == CBPF_VM_SECCOMP) {
		memcpy(&sd, data, size < sizeof(sd) ? size : sizeof(sd));
		in = cbpf_input_seccomp(&sd);
	} else {
		if (size >= META_BYTES) {
			meta_from(&meta, data);
			data += META_BYTES;
			size -= META_BYTES;
		}
		in = cbpf_input_packet(size ? data : NULL, (uint32_t)size, (uint32_t)size,
				       flags & 4 ? NULL : &meta);
		if (flags & 2)
			in.wirelen = (uint32_t)size + (uint32_t)(flags >> 3) * 97u;
	}
	if (cbpf_jit_run(jit, &in) != cbpf_vm_run(vm, &in))
		abort();
	/* The bounds checks decide on the cuts: each one, for packets up to 256 bytes. */
	for (uint32_t cut = 0; mode == CBPF_VM_SOCKET && cut < in.caplen && cut < 256; cut++) {
		struct cbpf_input c = in;

		c.caplen = cut;
		if (cbpf_jit_run(jit, &c) != cbpf_vm_run(vm, &c))
			abort();
	}
out:
	cbpf_jit_free(jit);
	cbpf_vm_free(vm);
	cbpf_prog_free(prog);
	cbpf_diags_free(&diags);
	return 0;
}
