// SPDX-License-Identifier: MIT
/*
 * The kernel's JIT image of a loaded translation, mapped back to the eBPF and classic
 * instructions each run of native code came from, through line info the load gives the kernel.
 */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/btf.h>

#include "cbpf/fmt.h"
#include "cbpf/kernel.h"
#include "ebpf/ebpf_prog.h"
#include "jit/disasm.h"
#include "kernel/kernel_int.h"

/* The first half of a 64-bit immediate load: the kernel refuses line info on its second half. */
#define LD_IMM64 0x18 /* BPF_LD | BPF_IMM | BPF_DW */

/* What each record's line says: the classic instruction, as tcpdump -d prints it. */
static int line_text(const struct cbpf_ebpf_prog *prog, size_t i, char *buf, size_t size)
{
	long pc = cbpf_ebpf_prog_origin(prog, i);
	char text[128];

	if (pc < 0 || !prog->classic || (size_t)pc >= cbpf_prog_len(prog->classic))
		return snprintf(buf, size, "(translation)");
	cbpf_insn_format(&cbpf_prog_insns(prog->classic)[pc], (size_t)pc, text, sizeof(text));
	return snprintf(buf, size, "(%03ld) %s", pc, text);
}

int kernel_lines_new(const struct cbpf_ebpf_prog *prog, const char *name, struct kernel_lines *out)
{
	struct bpf_line_info *v = calloc(prog->len ? prog->len : 1, sizeof(*v));
	libbpf_print_fn_t old;
	struct btf *btf = btf__new_empty();
	int file, err = -ENOMEM, prev_off = -1, type_int, type_ptr, proto, func;
	long prev_pc = -2;
	char buf[160], ident[CBPF_PROG_NAME_SIZE + 1];
	__u32 n = 0;

	/* BTF names functions as C does: no '.', no digit first. */
	snprintf(ident, sizeof(ident), "%s%s", isdigit((unsigned char)name[0]) ? "_" : "", name);
	for (char *p = ident; *p; p++)
		if (!isalnum((unsigned char)*p))
			*p = '_';

	/*
	 * int NAME(void *ctx): the one function, which bpftool wants named (it stops, or
	 * crashes, on line info without function info).
	 */
	if (!v || !btf || (type_int = btf__add_int(btf, "int", 4, BTF_INT_SIGNED)) < 0 ||
	    (type_ptr = btf__add_ptr(btf, 0)) < 0 ||
	    (proto = btf__add_func_proto(btf, type_int)) < 0 ||
	    btf__add_func_param(btf, "ctx", type_ptr) < 0 ||
	    (func = btf__add_func(btf, ident, BTF_FUNC_STATIC, proto)) < 0)
		goto fail;
	file = btf__add_str(btf, name);
	if (file < 0)
		goto fail;
	for (size_t i = 0; i < prog->len; i++) {
		long pc = cbpf_ebpf_prog_origin(prog, i);
		int off;

		if (i && prog->insns[i - 1].code == LD_IMM64)
			continue;
		/* One string per classic instruction: its eBPF instructions come in a row. */
		if (pc != prev_pc || prev_off < 0) {
			line_text(prog, i, buf, sizeof(buf));
			off = btf__add_str(btf, buf);
			if (off < 0)
				goto fail;
			prev_off = off;
			prev_pc = pc;
		}
		v[n].insn_off = (__u32)i;
		v[n].file_name_off = (__u32)file;
		v[n].line_off = (__u32)prev_off;
		/* The line number is the eBPF instruction's index + 1: the kernel keeps it. */
		v[n].line_col = (__u32)(i + 1) << 10;
		n++;
	}
	old = kernel_mute();
	err = btf__load_into_kernel(btf);
	kernel_unmute(old);
	if (err)
		goto fail;
	out->btf = btf;
	out->v = v;
	out->n = n;
	out->func.insn_off = 0;
	out->func.type_id = (__u32)func;
	return 0;
fail:
	btf__free(btf);
	free(v);
	return err < 0 ? kernel_err(err) : -ENOMEM;
}

int kernel_lines_fd(const struct kernel_lines *l)
{
	return btf__fd(l->btf);
}

void kernel_lines_free(struct kernel_lines *l)
{
	btf__free(l->btf);
	free(l->v);
	l->btf = NULL;
	l->v = NULL;
	l->n = 0;
}

/*
 * Why the kernel runs programs interpreted, from net.core.bpf_jit_enable; NULL when it JITs
 * them or cannot be asked: the sysctl is in the initial network namespace only, and a kernel
 * without a JIT (no CONFIG_BPF_JIT) has none either.
 */
static const char *why_no_jit(void)
{
	FILE *f = fopen("/proc/sys/net/core/bpf_jit_enable", "r");
	int v = -1;

	if (!f)
		return NULL;
	if (fscanf(f, "%d", &v) != 1)
		v = -1;
	fclose(f);
	if (v == 0)
		return "net.core.bpf_jit_enable is 0: the kernel interprets programs (sysctl "
		       "net.core.bpf_jit_enable=1 turns its JIT on for programs loaded after)";
	return NULL;
}

int cbpf_kernel_jit_check(struct cbpf_diags *diags)
{
	const char *why = why_no_jit();

	return why ? kernel_fail(diags, -ENOTSUP, "no JIT image to show: %s", why) : 0;
}

/* Why a program loaded has no image, when the sysctl did not say beforehand. */
static const char *why_no_image(void)
{
	const char *why = why_no_jit();

	if (why)
		return why;
	if (access("/proc/sys/net/core/bpf_jit_enable", F_OK))
		return access("/proc/sys/net/core/somaxconn", F_OK)
			       ? "the kernel gave none: it has no BPF JIT, or its JIT failed on "
				 "this program"
			       : "the kernel gave none: it has no BPF JIT (no "
				 "net.core.bpf_jit_enable), or its JIT failed on this program";
	return "the kernel gave none (its JIT failed on this program and it runs interpreted, "
	       "or it withholds JIT images from this process: kernel.kptr_restrict, CAP_SYSLOG)";
}

/*
 * The kernel's functions by address, from /proc/kallsyms, read once when the first call out of
 * the image is named: the helpers the verifier calls for LD_ABS have no name in the eBPF.
 */
struct ksym {
	uint64_t addr;
	char *name;
};

struct ksyms {
	bool read;
	struct ksym *v;
	size_t n;
};

static int ksym_cmp(const void *a, const void *b)
{
	const struct ksym *x = a, *y = b;

	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

static void ksyms_read(struct ksyms *k)
{
	FILE *f = fopen("/proc/kallsyms", "r");
	char line[256], type, name[200];
	unsigned long long addr;
	size_t cap = 0;

	k->read = true;
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		struct ksym *v;

		/* Text symbols only; zero addresses are what an unprivileged reader sees. */
		if (sscanf(line, "%llx %c %199s", &addr, &type, name) != 3 || !addr ||
		    (type != 't' && type != 'T'))
			continue;
		if (k->n == cap) {
			cap = cap ? 2 * cap : 4096;
			v = realloc(k->v, cap * sizeof(*v));
			if (!v)
				break;
			k->v = v;
		}
		k->v[k->n].addr = addr;
		k->v[k->n].name = strdup(name);
		if (!k->v[k->n].name)
			break;
		k->n++;
	}
	fclose(f);
	qsort(k->v, k->n, sizeof(*k->v), ksym_cmp);
}

/* jit_disasm_namer: the function that starts at addr. */
static const char *ksym_name(void *ctx, uint64_t addr)
{
	struct ksyms *k = ctx;
	struct ksym key = { addr, NULL }, *hit;

	if (!k->read)
		ksyms_read(k);
	hit = k->n ? bsearch(&key, k->v, k->n, sizeof(*k->v), ksym_cmp) : NULL;
	return hit ? hit->name : NULL;
}

static void ksyms_free(struct ksyms *k)
{
	for (size_t i = 0; i < k->n; i++)
		free(k->v[i].name);
	free(k->v);
}

/* A program's info with its arrays, as bpf_obj_get_info_by_fd fills them. */
struct jited {
	struct bpf_prog_info info;
	uint8_t *code;
	uint64_t *ksyms, *jlines;
	uint32_t *func_lens;
	struct bpf_line_info *lines;
};

static void jited_free(struct jited *j)
{
	free(j->code);
	free(j->ksyms);
	free(j->jlines);
	free(j->func_lens);
	free(j->lines);
}

/* The counts first, then the arrays sized by them. 0, -ENOMEM, or what bpf(2) said. */
static int jited_get(int fd, struct jited *j)
{
	struct bpf_prog_info *in = &j->info, first;
	__u32 len = sizeof(first);
	int err;

	memset(&first, 0, sizeof(first));
	err = bpf_obj_get_info_by_fd(fd, &first, &len);
	if (err)
		return err;
	memset(in, 0, sizeof(*in));
	j->code = calloc(first.jited_prog_len + 1, 1);
	j->ksyms = calloc(first.nr_jited_ksyms + 1, sizeof(uint64_t));
	j->func_lens = calloc(first.nr_jited_func_lens + 1, sizeof(uint32_t));
	j->jlines = calloc(first.nr_jited_line_info + 1, sizeof(uint64_t));
	j->lines = calloc(first.nr_line_info + 1, sizeof(struct bpf_line_info));
	if (!j->code || !j->ksyms || !j->func_lens || !j->jlines || !j->lines)
		return -ENOMEM;
	in->jited_prog_len = first.jited_prog_len;
	in->jited_prog_insns = (uintptr_t)j->code;
	in->nr_jited_ksyms = first.nr_jited_ksyms;
	in->jited_ksyms = (uintptr_t)j->ksyms;
	in->nr_jited_func_lens = first.nr_jited_func_lens;
	in->jited_func_lens = (uintptr_t)j->func_lens;
	/* Line info whose record sizes are not ours is not asked for: it could not be read. */
	if (first.jited_line_info_rec_size == sizeof(uint64_t) &&
	    first.line_info_rec_size == sizeof(struct bpf_line_info)) {
		in->nr_jited_line_info = first.nr_jited_line_info;
		in->jited_line_info_rec_size = sizeof(uint64_t);
		in->jited_line_info = (uintptr_t)j->jlines;
		in->nr_line_info = first.nr_line_info;
		in->line_info_rec_size = sizeof(struct bpf_line_info);
		in->line_info = (uintptr_t)j->lines;
	}
	len = sizeof(*in);
	err = bpf_obj_get_info_by_fd(fd, in, &len);
	if (err)
		return err;
	/* The kernel zeroes the pointers it will not fill (bpf_dump_raw_ok). */
	if (!in->jited_prog_insns)
		in->jited_prog_len = 0;
	if (!in->jited_line_info || !in->line_info || !in->jited_ksyms ||
	    in->nr_line_info != in->nr_jited_line_info)
		in->nr_jited_line_info = 0;
	return 0;
}

/*
 * Where a kernel address falls in the image: the functions' code lies in jited_prog_insns one
 * after the other, in the order of jited_ksyms. SIZE_MAX when it is in none.
 */
static size_t image_off(const struct jited *j, uint64_t addr)
{
	size_t base = 0;

	for (uint32_t f = 0; f < j->info.nr_jited_ksyms; f++) {
		uint32_t flen =
			f < j->info.nr_jited_func_lens ? j->func_lens[f] : j->info.jited_prog_len;

		if (addr >= j->ksyms[f] && addr - j->ksyms[f] <= flen)
			return base + (size_t)(addr - j->ksyms[f]);
		base += flen;
	}
	return SIZE_MAX;
}

/* The classic instructions from *next_pc up to pc, each once, as tcpdump -d prints them. */
static void classic_upto(FILE *out, const struct cbpf_ebpf_prog *prog, long pc, long *next_pc)
{
	char text[128];

	if (!prog->classic)
		return;
	while (pc >= 0 && *next_pc <= pc && (size_t)*next_pc < cbpf_prog_len(prog->classic)) {
		cbpf_insn_format(&cbpf_prog_insns(prog->classic)[*next_pc], (size_t)*next_pc, text,
				 sizeof(text));
		fprintf(out, "(%03ld) %s\n", *next_pc, text);
		(*next_pc)++;
	}
}

/* eBPF instructions from..to of the translation, as bpftool prints them. */
static void ebpf_range(FILE *out, const struct cbpf_ebpf_prog *prog, size_t from, size_t to)
{
	char text[160];

	for (size_t i = from; i < to && i < prog->len; i++) {
		const struct cbpf_ebpf_insn *next = i + 1 < prog->len ? &prog->insns[i + 1] : NULL;

		if (i && prog->insns[i - 1].code == LD_IMM64)
			continue;
		cbpf_ebpf_insn_format(&prog->insns[i], next, text, sizeof(text));
		fprintf(out, "  ; %4zu: %s\n", i, text);
	}
}

/* The image run by run, each after the eBPF and classic instructions it came from. */
static void write_mapped(FILE *out, const struct jited *j, const struct cbpf_ebpf_prog *prog,
			 struct jit_disasm *d)
{
	uint32_t n = j->info.nr_jited_line_info;
	long next_pc = 0;

	for (uint32_t k = 0; k < n; k++) {
		size_t e = (j->lines[k].line_col >> 10) - 1;
		size_t e_next = k + 1 < n ? (j->lines[k + 1].line_col >> 10) - 1 : prog->len;
		size_t from = image_off(j, j->jlines[k]);
		size_t to = k + 1 < n ? image_off(j, j->jlines[k + 1]) : j->info.jited_prog_len;

		if (from > j->info.jited_prog_len)
			from = j->info.jited_prog_len;
		if (to > j->info.jited_prog_len || to < from)
			to = from;
		if (e >= prog->len)
			continue; /* not a line this library gave: nothing to name */
		if (e_next <= e || e_next > prog->len)
			e_next = e + 1;
		classic_upto(out, prog, cbpf_ebpf_prog_origin(prog, e), &next_pc);
		ebpf_range(out, prog, e, e_next);
		jit_disasm_range(d, out, j->code, from, to);
	}
}

int cbpf_ebpf_jited_write(FILE *out, int fd, const struct cbpf_ebpf_prog *prog,
			  struct cbpf_diags *diags)
{
	struct jited j = { 0 };
	struct jit_disasm *d = NULL;
	struct ksyms ks = { 0 };
	int err;

	err = jited_get(fd, &j);
	if (err == -ENOMEM)
		goto out;
	if (err) {
		err = kernel_fail(diags, kernel_err(err),
				  "reading the loaded program's JIT image: %s", strerror(-err));
		goto out;
	}
	if (!j.info.jited_prog_len) {
		err = kernel_fail(diags, -ENOTSUP, "no JIT image to show: %s", why_no_image());
		goto out;
	}
	err = jit_disasm_new(&d);
	if (err) {
		if (err == -ENOTSUP)
			kernel_fail(diags, err,
				    "no JIT image to show: cbpf was built without "
				    "capstone, which disassembles it");
		goto out;
	}
	/* One function (a translation has no calls): its calls out show the kernel's addresses. */
	if (j.info.nr_jited_ksyms == 1)
		jit_disasm_place(d, j.ksyms[0], j.info.jited_prog_len, ksym_name, &ks);
	fprintf(out,
		"%" PRIu32 " bytes jited by the kernel for program %" PRIu32 " (%.*s): %zu eBPF "
		"instructions loaded, %" PRIu32 " after the verifier\n",
		j.info.jited_prog_len, j.info.id, (int)sizeof(j.info.name), j.info.name, prog->len,
		j.info.xlated_prog_len / 8);
	if (j.info.nr_jited_line_info) {
		write_mapped(out, &j, prog, d);
	} else {
		/* Loaded without the line info (the kernel refused its BTF): nothing to map by. */
		fprintf(out, "(the kernel gave no line info: the image whole, unmapped)\n");
		jit_disasm_range(d, out, j.code, 0, j.info.jited_prog_len);
	}
	err = ferror(out) ? -EIO : 0;
out:
	jit_disasm_free(d);
	ksyms_free(&ks);
	jited_free(&j);
	return err;
}
