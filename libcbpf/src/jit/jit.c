// SPDX-License-Identifier: MIT
/* The JIT's API: compiling a vm's program, mapping its code, running it, cbpf_vm_run's use. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

#include "cbpf/jit.h"
#include "classic/vm_native.h"
#include "jit/jit_int.h"

struct cbpf_jit {
	struct vm_native native; /* first: cbpf_vm_set_jit hands it to the vm */
	struct jit_image img;	 /* the layout; img.code is freed once mapped */
	uint8_t *exec;		 /* the mapped code */
	struct cbpf_insn *insns; /* the program, for cbpf_jit_write */
	enum cbpf_vm_mode mode;
};

/*
 * Only x86-64 has a back end. CBPF_JIT_DISABLE (CFLAGS=-DCBPF_JIT_DISABLE) builds what every
 * other machine gets, to try the fallback where the JIT would run.
 */
#if !defined(__x86_64__) || defined(CBPF_JIT_DISABLE)
int cbpf_jit_new(const struct cbpf_vm *vm, struct cbpf_jit **out, struct cbpf_diags *diags)
{
	struct utsname u;

	(void)vm;
	(void)out;
#if defined(CBPF_JIT_DISABLE)
	(void)u;
	cbpf_diags_add(diags, CBPF_SEV_ERROR, NULL, 0, 0, 0, -1,
		       "this libcbpf was built without its JIT (CBPF_JIT_DISABLE)");
#else
	cbpf_diags_add(diags, CBPF_SEV_ERROR, NULL, 0, 0, 0, -1,
		       "no JIT for this machine (%s): classic programs are compiled for x86-64 "
		       "only",
		       uname(&u) ? "unknown" : u.machine);
#endif
	return -ENOTSUP;
}
#else
static void release(struct vm_native *native)
{
	cbpf_jit_free((struct cbpf_jit *)native);
}

int cbpf_jit_new(const struct cbpf_vm *vm, struct cbpf_jit **out, struct cbpf_diags *diags)
{
	static jit_helper_fn *const helpers[JIT_NHELPERS] = {
		[JIT_NLATTR] = vm_nlattr,
		[JIT_NLATTR_NEST] = vm_nlattr_nest,
	};
	uint32_t len;
	const struct cbpf_insn *insns = cbpf_vm_insns(vm, &len);
	struct cbpf_jit *jit;
	int err, sys_errno = 0;

	/* The compiler lays out forward jumps only; a loop stays with the interpreter's budget. */
	if (cbpf_vm_loop_budget(vm)) {
		cbpf_diags_add(diags, CBPF_SEV_ERROR, NULL, 0, 0, 0, -1,
			       "the JIT compiles forward jumps only: a program with backward jumps "
			       "(a loop) is interpreted");
		return -ENOTSUP;
	}
	jit = calloc(1, sizeof(*jit));
	if (!jit)
		return -ENOMEM;
	jit->mode = cbpf_vm_mode(vm);
	jit->native.release = release;
	jit->insns = malloc(len * sizeof(*insns));
	if (!jit->insns) {
		err = -ENOMEM;
		goto fail;
	}
	memcpy(jit->insns, insns, len * sizeof(*insns));
	err = jit_x86_64_compile(insns, len, jit->mode, helpers, &jit->img);
	if (err == -E2BIG)
		cbpf_diags_add(diags, CBPF_SEV_ERROR, NULL, 0, 0, 0, -1,
			       "the program's machine code would take more than 1 GiB");
	if (err)
		goto fail;
	jit->exec = jit_exec_map(jit->img.code, jit->img.size, &err, &sys_errno);
	if (!jit->exec) {
		if (err == -EPERM)
			cbpf_diags_add(diags, CBPF_SEV_ERROR, NULL, 0, 0, 0, -1,
				       "the system refuses executable memory (%s): an SELinux "
				       "execmem rule or a seccomp policy forbids PROT_EXEC",
				       strerror(sys_errno));
		goto fail;
	}
	free(jit->img.code);
	jit->img.code = NULL;
	/* An object pointer made a function pointer: what every JIT does (POSIX dlsym too). */
	memcpy(&jit->native.entry, &(void *){ jit->exec }, sizeof(jit->native.entry));
	*out = jit;
	return 0;
fail:
	cbpf_jit_free(jit);
	return err;
}
#endif

void cbpf_jit_free(struct cbpf_jit *jit)
{
	if (!jit)
		return;
	jit_exec_unmap(jit->exec, jit->img.size);
	jit_image_free(&jit->img);
	free(jit->insns);
	free(jit);
}

uint32_t cbpf_jit_run(const struct cbpf_jit *jit, const struct cbpf_input *in)
{
	return jit->native.entry(in);
}

const uint8_t *cbpf_jit_code(const struct cbpf_jit *jit, size_t *size)
{
	if (size)
		*size = jit->img.size;
	return jit->exec;
}

size_t cbpf_jit_insn_offset(const struct cbpf_jit *jit, uint32_t pc)
{
	return jit->img.insn_off[pc < jit->img.len ? pc : jit->img.len];
}

int cbpf_vm_set_jit(struct cbpf_vm *vm, bool on, struct cbpf_diags *diags)
{
	struct cbpf_jit *jit;
	int err;

	if (!on) {
		vm_set_native(vm, NULL);
		return 0;
	}
	/* A loop is interpreted, silently: same results, and its budget counted in one place. */
	if (vm_native(vm) || cbpf_vm_loop_budget(vm))
		return 0;
	err = cbpf_jit_new(vm, &jit, diags);
	if (err)
		return err;
	vm_set_native(vm, &jit->native);
	return 0;
}

bool cbpf_vm_jitted(const struct cbpf_vm *vm)
{
	return vm_native(vm) != NULL;
}

const struct jit_image *jit_image_of(const struct cbpf_jit *jit, const struct cbpf_insn **insns)
{
	*insns = jit->insns;
	return &jit->img;
}
