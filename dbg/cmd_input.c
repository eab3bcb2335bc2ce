// SPDX-License-Identifier: MIT
/* cbpf-dbg's inputs beside the capture: packet metadata (set), seccomp input (syscall, arch). */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "sh.h"

int cmd_set(struct sh *sh, char *args, size_t off)
{
	size_t nf;
	const struct cbpf_dbg_field *f = cbpf_dbg_fields(&nf);
	char *rest = args, *name = sh_word(&rest), *val = sh_word(&rest);
	uint64_t v;
	int err;

	(void)off;
	if (!name) {
		for (size_t i = 0; i < nf; i++) {
			bool set;

			cbpf_dbg_meta_get(sh->dbg, f[i].name, &v, &set);
			const char *how = set ? "set" : f[i].derived ? "from the packet" : NULL;

			if (how)
				fprintf(sh->out, "%-13s%#-12" PRIx64 "%s\n", f[i].name, v, how);
			else
				fprintf(sh->out, "%-13s%#" PRIx64 "\n", f[i].name, v);
		}
		return 0;
	}
	if (!strcmp(name, "jit")) {
		/* Runs over captures as native code or interpreted: the same results. */
		if (!val || *rest || (strcmp(val, "on") && strcmp(val, "off"))) {
			sh_error(sh, "set jit takes on or off");
			return 1;
		}
		cbpf_dbg_set_jit(sh->dbg, !strcmp(val, "on"));
		return 0;
	}
	if (!strcmp(name, "ip")) {
		struct cbpf_dbg_input in;
		struct cbpf_seccomp_data sd;

		if (val && sh_too_large(val, true)) {
			sh_error(sh, DIAG_QF " is too large for the instruction pointer (64 bits: "
				     "at most 0xffffffffffffffff)",
				 QUOTE(val));
			return 1;
		}
		if (!val || !sh_parse_arg(val, &v)) {
			sh_error(sh, "set ip takes a number");
			return 1;
		}
		cbpf_dbg_input(sh->dbg, &in);
		sd = *in.sd;
		sd.instruction_pointer = v;
		cbpf_dbg_set_seccomp(sh->dbg, &sd);
		return 0;
	}
	if (!val || *rest) {
		sh_error(sh, "set takes a field and a value: set mark 7, set mark auto");
		return 1;
	}
	if (!strcmp(val, "auto")) {
		err = cbpf_dbg_meta_reset(sh->dbg, name);
	} else if (!sh_parse_u64(val, &v)) {
		if (sh_too_large(val, false) &&
		    cbpf_dbg_meta_get(sh->dbg, name, &v, NULL) == -ENOENT)
			sh_error(sh, "no field " DIAG_QF " ('set' lists them)", QUOTE(name));
		else if (sh_too_large(val, false))
			sh_error(sh, "%.*s%s is out of range for %s", QUOTE(val), name);
		else
			sh_error(sh, DIAG_QF " is not a number", QUOTE(val));
		return 1;
	} else {
		err = cbpf_dbg_meta_set(sh->dbg, name, v);
	}
	if (err == -ENOENT) {
		sh_error(sh, "no field " DIAG_QF " ('set' lists them)", QUOTE(name));
		return 1;
	}
	if (err) {
		sh_error(sh, "%s is out of range for %s", val, name);
		return 1;
	}
	return 0;
}

int cmd_syscall(struct sh *sh, char *args, size_t off)
{
	struct cbpf_dbg_input in;
	struct cbpf_seccomp_data sd;
	char *rest = args, *w = sh_word(&rest), name[64], arch[32];
	uint32_t nr;
	uint64_t v;
	int i = 0;

	(void)off;
	cbpf_dbg_input(sh->dbg, &in);
	if (!w) {
		sh_syscall_name(sh, in.sd, name, sizeof(name));
		sh_arch_name(sh, in.sd->arch, arch, sizeof(arch));
		fprintf(sh->out, "syscall %s, arch %s, args", name, arch);
		for (int a = 0; a < 6; a++)
			fprintf(sh->out, " %#" PRIx64, in.sd->args[a]);
		fprintf(sh->out, ", ip %#" PRIx64 "\n", in.sd->instruction_pointer);
		return 0;
	}
	sd = *in.sd;
	if (sh_parse_arg(w, &v)) {
		/* seccomp_data.nr is an int: any 32-bit number, -1 and 0xffffffff alike. */
		if (v > UINT32_MAX && v < (uint64_t)INT32_MIN) {
			sh_error(sh, DIAG_QF " is not a system call number (32 bits)", QUOTE(w));
			return 1;
		}
		sd.nr = (int32_t)(uint32_t)v;
	} else if (sh_too_large(w, true)) {
		sh_error(sh, DIAG_QF " is not a system call number (32 bits)", QUOTE(w));
		return 1;
	} else if (isdigit((unsigned char)*w) || *w == '-') {
		sh_error(sh, DIAG_QF " is not a number (C's syntax: 42, 0x2a, 052, -1)", QUOTE(w));
		return 1;
	} else if (!cbpf_syscall_nr(sh->arch, w, &nr)) {
		sd.nr = (int32_t)nr;
	} else {
		sh_error(sh, "%s " DIAG_QF "%s%s", cbpf_syscall_exists(w) ? "no system call" :
			 "unknown system call", QUOTE(w), cbpf_syscall_exists(w) ? " on " : "",
			 cbpf_syscall_exists(w) ? cbpf_arch_name(sh->arch) : "");
		return 1;
	}
	memset(sd.args, 0, sizeof(sd.args));
	while ((w = sh_word(&rest))) {
		if (i == 6) {
			sh_error(sh, "a system call has 6 arguments at most");
			return 1;
		}
		if (sh_too_large(w, true)) {
			sh_error(sh,
				 "argument %d: " DIAG_QF " is too large: arguments have 64 bits "
				     "(at most 0xffffffffffffffff, or -1)",
				 i, QUOTE(w));
			return 1;
		}
		if (!sh_parse_arg(w, &sd.args[i])) {
			sh_error(sh,
				 "argument %d: " DIAG_QF " is not a number (C's syntax: 42, "
				 "0x2a, 052, -1)",
				 i, QUOTE(w));
			return 1;
		}
		i++;
	}
	cbpf_dbg_set_seccomp(sh->dbg, &sd);
	/* Name the action reached at once; 'step' and 'why' then follow the way there. */
	if (cbpf_dbg_prog(sh->dbg) && cbpf_dbg_mode(sh->dbg) == CBPF_VM_SECCOMP && show_reached(sh))
		return 1;
	return 0;
}

int cmd_arch(struct sh *sh, char *args, size_t off)
{
	struct cbpf_dbg_input in;
	struct cbpf_seccomp_data sd;
	enum cbpf_arch a;
	char name[32];
	uint64_t v;

	(void)off;
	cbpf_dbg_input(sh->dbg, &in);
	if (!*args) {
		sh_arch_name(sh, in.sd->arch, name, sizeof(name));
		fprintf(sh->out, "arch %s (%#x)\n", name, in.sd->arch);
		return 0;
	}
	sd = *in.sd;
	if (!cbpf_arch_parse(args, &a)) {
		sh->arch = a;
		sd.arch = cbpf_arch_audit(a);
	} else if (sh_parse_u64(args, &v) && v <= UINT32_MAX) {
		sd.arch = (uint32_t)v;
		a = sh_arch_of(sd.arch, sh->arch);
		if (a != CBPF_ARCH_NONE)
			sh->arch = a;
	} else {
		sh_error(sh,
			 "unknown architecture " DIAG_QF " (x86_64, i386, x32, aarch64, arm, riscv64, "
			 "ppc64le, s390x, loongarch64, mips, mipsel, mips64, mips64el, or an "
			 "AUDIT_ARCH_* number)",
			 QUOTE(args));
		return 1;
	}
	cbpf_dbg_set_seccomp(sh->dbg, &sd);
	/* Name the action reached at once; 'step' and 'why' then follow the way there. */
	if (cbpf_dbg_prog(sh->dbg) && cbpf_dbg_mode(sh->dbg) == CBPF_VM_SECCOMP && show_reached(sh))
		return 1;
	return 0;
}

