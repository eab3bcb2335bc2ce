// SPDX-License-Identifier: MIT
/*
 * libFuzzer target for the interpreter: bytes become a program, a packet and its metadata; the
 * fast path and the step API must agree, and a state copied halfway must finish the same way.
 *
 * Input: [flags][count, 2 bytes][count x 8 bytes of instructions][metadata][packet]. flags bit 0
 * chooses seccomp mode, bit 1 a shorter caplen than wirelen; count (little-endian, modulo 4096,
 * plus one) is the number of instructions: up to the kernel's limit, so that the longest paths
 * run too.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cbpf.h"

#define MAX_INSNS CBPF_MAXINSNS

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define META_BYTES 32

static uint32_t u32_at(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

/* Every field of the metadata from 32 bytes; net_off small enough to matter. */
static void meta_from(struct cbpf_meta *m, const uint8_t *p)
{
	m->net_off = p[0] % 64;
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

static void must(int cond)
{
	if (!cond)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cbpf_insn insns[MAX_INSNS];
	struct cbpf_meta meta = { 0 };
	struct cbpf_seccomp_data sd = { 0 };
	struct cbpf_diags diags = { 0 };
	struct cbpf_prog *prog;
	struct cbpf_vm *vm = NULL;
	struct cbpf_vm_state st, half = { 0 };
	struct cbpf_vm_step rec;
	struct cbpf_input in;
	enum cbpf_vm_mode mode;
	size_t n, cut;
	uint8_t flags;
	uint32_t fast;
	bool have_half = false;

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
	/* Only what the validator accepts (cbpf_check), and what the interpreter can run. */
	if (cbpf_check(prog, mode == CBPF_VM_SECCOMP ? CBPF_CHECK_SECCOMP : CBPF_CHECK_SOCKET,
		       &diags) ||
	    cbpf_vm_new(prog, mode, &vm, &diags)) {
		must(diags.errors > 0);
		goto out;
	}

	if (mode == CBPF_VM_SECCOMP) {
		memcpy(&sd, data, size < sizeof(sd) ? size : sizeof(sd));
		in = cbpf_input_seccomp(&sd);
	} else {
		if (size >= META_BYTES) {
			meta_from(&meta, data);
			data += META_BYTES;
			size -= META_BYTES;
		}
		in = cbpf_input_packet(data, (uint32_t)size, (uint32_t)size, &meta);
		if ((flags & 2) && size) {
			in.caplen = (uint32_t)(size - 1);
			in.wirelen = (uint32_t)size + flags;
		}
	}

	fast = cbpf_vm_run(vm, &in);
	cut = flags >> 2;
	cbpf_vm_state_init(&st);
	while (st.exit == CBPF_VM_RUNNING) {
		if (st.steps == cut) {
			half = st;
			have_half = true;
		}
		must(cbpf_vm_step(vm, &st, &in, &rec) == 0);
		must(rec.next_pc < n);
		if (rec.read == CBPF_VM_READ_PACKET && rec.exit != CBPF_VM_EXIT_OOB)
			must(rec.off >= 0 && (uint64_t)rec.off + rec.size <= in.caplen);
	}
	must(st.ret == fast);
	must(st.steps <= n);
	must(cbpf_vm_step(vm, &st, &in, NULL) == -EINVAL);
	if (have_half) {
		while (half.exit == CBPF_VM_RUNNING)
			must(cbpf_vm_step(vm, &half, &in, NULL) == 0);
		must(memcmp(&half, &st, sizeof(st)) == 0);
	}
out:
	cbpf_vm_free(vm);
	cbpf_prog_free(prog);
	cbpf_diags_free(&diags);
	return 0;
}
