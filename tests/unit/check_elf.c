// SPDX-License-Identifier: MIT
/*
 * The ELF writer: the object read back field by field, and opened by libbpf (which needs no
 * privilege for that); loading through libbpf, bpftool and tc is in tests/suites/xlate-elf.sh.
 */
#include <elf.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/libbpf.h>

#include "cbpf.h"
#include "unit.h"

#ifndef EM_BPF
#define EM_BPF 247
#endif

static struct cbpf_ebpf_prog *translation(enum cbpf_target t)
{
	static const struct cbpf_insn v[] = {
		{ CBPF_LD | CBPF_H | CBPF_ABS, 0, 0, 12 },
		{ CBPF_JMP | CBPF_JEQ | CBPF_K, 0, 1, 0x0800 },
		{ CBPF_RET | CBPF_K, 0, 0, 0xffff },
		{ CBPF_RET | CBPF_K, 0, 0, 0 },
	};
	static const struct cbpf_insn sc[] = {
		{ CBPF_LD | CBPF_W | CBPF_ABS, 0, 0, 0 },
		{ CBPF_RET | CBPF_A, 0, 0, 0 },
	};
	struct cbpf_prog *p = t == CBPF_TARGET_SECCOMP ? cbpf_prog_new(sc, 2) : cbpf_prog_new(v, 4);
	struct cbpf_xlate_opts o = { .target = t };
	struct cbpf_ebpf_prog *e;

	ck_assert_int_eq(cbpf_xlate(p, &o, &e, NULL), 0);
	cbpf_prog_free(p);
	return e;
}

static unsigned char *elf_of(const struct cbpf_ebpf_prog *e, size_t *len)
{
	char *buf = NULL;
	FILE *f = open_memstream(&buf, len);

	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(cbpf_ebpf_write(f, e, CBPF_EBPF_FORM_ELF, NULL), 0);
	fclose(f);
	return (unsigned char *)buf;
}

static const Elf64_Shdr *section(const unsigned char *img, const char *name, unsigned *idx)
{
	const Elf64_Ehdr *eh = (const Elf64_Ehdr *)img;
	const Elf64_Shdr *sh = (const Elf64_Shdr *)(img + eh->e_shoff);
	const char *names = (const char *)img + sh[eh->e_shstrndx].sh_offset;

	for (unsigned i = 1; i < eh->e_shnum; i++)
		if (!strcmp(names + sh[i].sh_name, name)) {
			if (idx)
				*idx = i;
			return &sh[i];
		}
	return NULL;
}

START_TEST(object_layout)
{
	for (int t = 0; t < 4; t++) {
		struct cbpf_ebpf_prog *e = translation((enum cbpf_target)t);
		size_t len, n = cbpf_ebpf_prog_len(e);
		unsigned char *img = elf_of(e, &len);
		const Elf64_Ehdr *eh = (const Elf64_Ehdr *)img;
		const Elf64_Shdr *code, *lic, *sym, *str;
		const Elf64_Sym *syms;
		unsigned code_idx, lic_idx;
		bool found_prog = false, found_license = false;

		ck_assert_uint_ge(len, sizeof(*eh));
		ck_assert_int_eq(memcmp(eh->e_ident, ELFMAG, SELFMAG), 0);
		ck_assert_int_eq(eh->e_ident[EI_CLASS], ELFCLASS64);
		ck_assert_int_eq(eh->e_type, ET_REL);
		ck_assert_int_eq(eh->e_machine, EM_BPF);
		ck_assert_uint_le(eh->e_shoff + (size_t)eh->e_shnum * sizeof(Elf64_Shdr), len);
		code = section(img, cbpf_target_name((enum cbpf_target)t), &code_idx);
		ck_assert_ptr_nonnull(code);
		ck_assert_int_eq(code->sh_type, SHT_PROGBITS);
		ck_assert_uint_eq(code->sh_flags, SHF_ALLOC | SHF_EXECINSTR);
		ck_assert_uint_eq(code->sh_size, n * 8);
		ck_assert_int_eq(memcmp(img + code->sh_offset, cbpf_ebpf_prog_insns(e), n * 8), 0);
		lic = section(img, "license", &lic_idx);
		ck_assert_ptr_nonnull(lic);
		ck_assert_str_eq((const char *)img + lic->sh_offset, cbpf_ebpf_prog_license(e));
		sym = section(img, ".symtab", NULL);
		str = section(img, ".strtab", NULL);
		ck_assert_ptr_nonnull(sym);
		ck_assert_ptr_nonnull(str);
		ck_assert_int_eq(sym->sh_type, SHT_SYMTAB);
		ck_assert_uint_eq(sym->sh_entsize, sizeof(Elf64_Sym));
		syms = (const Elf64_Sym *)(img + sym->sh_offset);
		for (size_t i = sym->sh_info; i < sym->sh_size / sizeof(*syms); i++) {
			const char *name = (const char *)img + str->sh_offset + syms[i].st_name;

			ck_assert_int_eq(ELF64_ST_BIND(syms[i].st_info), STB_GLOBAL);
			if (!strcmp(name, cbpf_ebpf_prog_name(e))) {
				ck_assert_int_eq(ELF64_ST_TYPE(syms[i].st_info), STT_FUNC);
				ck_assert_uint_eq(syms[i].st_shndx, code_idx);
				ck_assert_uint_eq(syms[i].st_size, n * 8);
				found_prog = true;
			}
			if (!strcmp(name, "_license")) {
				ck_assert_uint_eq(syms[i].st_shndx, lic_idx);
				found_license = true;
			}
		}
		ck_assert(found_prog && found_license);
		free(img);
		cbpf_ebpf_prog_free(e);
	}
}
END_TEST

static int quiet(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	(void)level, (void)fmt, (void)ap;
	return 0;
}

START_TEST(libbpf_opens_it)
{
	static const enum bpf_prog_type types[] = { BPF_PROG_TYPE_SOCKET_FILTER,
						    BPF_PROG_TYPE_SCHED_CLS, BPF_PROG_TYPE_XDP };

	libbpf_set_print(quiet);
	for (int t = 0; t < 3; t++) {
		struct cbpf_ebpf_prog *e = translation((enum cbpf_target)t);
		size_t len;
		unsigned char *img = elf_of(e, &len);
		struct bpf_object *obj = bpf_object__open_mem(img, len, NULL);
		struct bpf_program *prog;

		ck_assert_ptr_nonnull(obj);
		ck_assert_int_eq(libbpf_get_error(obj), 0);
		prog = bpf_object__find_program_by_name(obj, cbpf_ebpf_prog_name(e));
		ck_assert_ptr_nonnull(prog);
		ck_assert_str_eq(bpf_program__section_name(prog),
				 cbpf_target_name((enum cbpf_target)t));
		ck_assert_int_eq(bpf_program__type(prog), types[t]);
		ck_assert_uint_eq(bpf_program__insn_cnt(prog), cbpf_ebpf_prog_len(e));
		ck_assert_int_eq(memcmp(bpf_program__insns(prog), cbpf_ebpf_prog_insns(e),
					cbpf_ebpf_prog_len(e) * 8),
				 0);
		bpf_object__close(obj);
		free(img);
		cbpf_ebpf_prog_free(e);
	}
	libbpf_set_print(NULL);
}
END_TEST

Suite *elf_suite(void)
{
	Suite *s = suite_create("elf");
	TCase *tc = tcase_create("object");

	tcase_add_test(tc, object_layout);
	tcase_add_test(tc, libbpf_opens_it);
	suite_add_tcase(s, tc);
	return s;
}
