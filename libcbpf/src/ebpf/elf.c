// SPDX-License-Identifier: MIT
/* The ELF writer: a relocatable ELF64 object with one eBPF program, written by hand (no libelf). */
#include <elf.h>
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <linux/bpf.h>

#include "ebpf/btf_func.h"
#include "ebpf/ebpf_prog.h"

#ifndef EM_BPF
#define EM_BPF 247
#endif

/*
 * What libbpf 1.1 (bpf_object__open: bpf_object__elf_init, bpf_object__elf_collect and
 * bpf_object__add_programs), iproute2's tc and llvm-objdump need, and no more:
 *   - ELFCLASS64, the host's byte order (libbpf refuses the other), ET_REL, EM_BPF;
 *   - the program in an SHT_PROGBITS section with SHF_ALLOC | SHF_EXECINSTR, named so that
 *     libbpf knows its type ("socket", "tc", "xdp"), and a global STT_FUNC symbol covering it
 *     (libbpf refuses static programs outside .text, and takes the program's name from it);
 *   - a "license" section holding a NUL-terminated string;
 *   - a .symtab, whose sh_link names the string table and whose sh_info counts the local
 *     symbols (only the null one here); libbpf refuses an object without one.
 * BTF (.BTF, .BTF.ext) is optional for programs without maps, global data or CO-RE relocations:
 * libbpf 1.1 opens and loads such objects without it. A func translation is a subprogram in
 * .text instead, with BTF (btf_func.c): the verifier wants func info for every function of a
 * program whose main function has it, and so does libbpf's linker for an extern's definition.
 */
enum { NSECS_MAX = 7, NSYMS_MAX = 3 };

struct strtab {
	char buf[512];
	size_t len;
};

static Elf64_Word str_add(struct strtab *t, const char *s)
{
	size_t n = strlen(s) + 1;
	Elf64_Word at = (Elf64_Word)t->len;

	if (n > sizeof(t->buf) - t->len)
		return 0; /* the name is checked to fit: see ebpf_write_elf */
	memcpy(t->buf + t->len, s, n);
	t->len += n;
	return at;
}

static size_t align8(size_t x)
{
	return (x + 7) & ~(size_t)7;
}

/* The sections' contents, laid out one after the other after the ELF header. */
struct image {
	Elf64_Shdr sh[NSECS_MAX];
	const void *data[NSECS_MAX];
	unsigned n;
	size_t end;
};

static unsigned add_section(struct image *im, Elf64_Shdr sh, const void *data)
{
	size_t align = sh.sh_addralign ? sh.sh_addralign : 1;

	im->end = (im->end + align - 1) / align * align;
	sh.sh_offset = sh.sh_type == SHT_NULL ? 0 : im->end;
	im->end += sh.sh_type == SHT_NULL ? 0 : sh.sh_size;
	im->sh[im->n] = sh;
	im->data[im->n] = data;
	return im->n++;
}

int ebpf_write_elf(FILE *out, const struct cbpf_ebpf_prog *prog)
{
	bool func = prog->target == CBPF_TARGET_FUNC;
	const char *license = cbpf_ebpf_prog_license(prog);
	const char *name = cbpf_ebpf_prog_name(prog), *section = ebpf_section_name(prog->target);
	size_t code_size = prog->len * sizeof(struct bpf_insn);
	struct strtab st = { { 0 }, 1 };
	struct btf_blobs btf = { 0 };
	Elf64_Sym syms[NSYMS_MAX];
	Elf64_Ehdr eh;
	struct image im = { .end = sizeof(eh) };
	unsigned sec_prog, sec_license = 0, sec_strtab, nsyms = 1;
	Elf64_Word name_sec, name_license = 0, name_btf = 0, name_ext = 0, name_symtab, name_strtab;
	Elf64_Word sym_license = 0, sym_name;
	size_t off_sh, total;
	unsigned char *img;
	int err = 0;

	if (strlen(name) > 200)
		return -EINVAL;
	if (func) {
		err = ebpf_btf_func(prog, name, section, &btf);
		if (err)
			return err;
	}
	/* The names in the order earlier versions wrote them: their objects stay byte-identical. */
	name_sec = str_add(&st, section);
	if (!func)
		name_license = str_add(&st, "license");
	name_symtab = str_add(&st, ".symtab");
	name_strtab = str_add(&st, ".strtab");
	if (!func)
		sym_license = str_add(&st, "_license");
	sym_name = str_add(&st, name);
	if (func) {
		name_btf = str_add(&st, ".BTF");
		name_ext = str_add(&st, ".BTF.ext");
	}
	memset(syms, 0, sizeof(syms));
	add_section(&im, (Elf64_Shdr){ .sh_type = SHT_NULL }, NULL);
	sec_prog = add_section(&im,
			       (Elf64_Shdr){ .sh_name = name_sec,
					     .sh_type = SHT_PROGBITS,
					     .sh_flags = SHF_ALLOC | SHF_EXECINSTR,
					     .sh_size = code_size,
					     .sh_addralign = 8 },
			       prog->insns);
	if (!func)
		sec_license = add_section(&im,
					  (Elf64_Shdr){ .sh_name = name_license,
							.sh_type = SHT_PROGBITS,
							.sh_flags = SHF_ALLOC | SHF_WRITE,
							.sh_size = strlen(license) + 1,
							.sh_addralign = 1 },
					  license);
	if (func) {
		add_section(&im,
			    (Elf64_Shdr){ .sh_name = name_btf,
					  .sh_type = SHT_PROGBITS,
					  .sh_size = btf.btf_len,
					  .sh_addralign = 4 },
			    btf.btf);
		add_section(&im,
			    (Elf64_Shdr){ .sh_name = name_ext,
					  .sh_type = SHT_PROGBITS,
					  .sh_size = btf.ext_len,
					  .sh_addralign = 4 },
			    btf.ext);
	}
	if (!func) {
		syms[nsyms].st_name = sym_license;
		syms[nsyms].st_info = ELF64_ST_INFO(STB_GLOBAL, STT_OBJECT);
		syms[nsyms].st_shndx = (Elf64_Section)sec_license;
		syms[nsyms].st_size = strlen(license) + 1;
		nsyms++;
	}
	syms[nsyms].st_name = sym_name;
	syms[nsyms].st_info = ELF64_ST_INFO(STB_GLOBAL, STT_FUNC);
	/* Hidden: libbpf's linker resolves the caller's extern to it, and libbpf then marks it
	 * static in BTF, so the verifier checks it with its caller's packet pointers; a global
	 * one is checked alone, and "void *" arguments cannot be packet pointers there. */
	syms[nsyms].st_other = func ? STV_HIDDEN : STV_DEFAULT;
	syms[nsyms].st_shndx = (Elf64_Section)sec_prog;
	syms[nsyms].st_size = code_size;
	nsyms++;
	add_section(&im,
		    (Elf64_Shdr){ .sh_name = name_symtab,
				  .sh_type = SHT_SYMTAB,
				  .sh_size = nsyms * sizeof(Elf64_Sym),
				  .sh_link = im.n + 1, /* the string table, next */
				  .sh_info = 1,	       /* the local symbols: the null one */
				  .sh_addralign = 8,
				  .sh_entsize = sizeof(Elf64_Sym) },
		    syms);
	sec_strtab = add_section(&im,
				 (Elf64_Shdr){ .sh_name = name_strtab,
					       .sh_type = SHT_STRTAB,
					       .sh_size = st.len,
					       .sh_addralign = 1 },
				 st.buf);
	off_sh = align8(im.end);
	total = off_sh + im.n * sizeof(Elf64_Shdr);

	memset(&eh, 0, sizeof(eh));
	memcpy(eh.e_ident, ELFMAG, SELFMAG);
	eh.e_ident[EI_CLASS] = ELFCLASS64;
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	eh.e_ident[EI_DATA] = ELFDATA2MSB;
#else
	eh.e_ident[EI_DATA] = ELFDATA2LSB;
#endif
	eh.e_ident[EI_VERSION] = EV_CURRENT;
	eh.e_ident[EI_OSABI] = ELFOSABI_NONE;
	eh.e_type = ET_REL;
	eh.e_machine = EM_BPF;
	eh.e_version = EV_CURRENT;
	eh.e_shoff = off_sh;
	eh.e_ehsize = sizeof(eh);
	eh.e_shentsize = sizeof(Elf64_Shdr);
	eh.e_shnum = (Elf64_Half)im.n;
	eh.e_shstrndx = (Elf64_Half)sec_strtab;

	img = calloc(1, total);
	if (!img) {
		err = -ENOMEM;
		goto out;
	}
	memcpy(img, &eh, sizeof(eh));
	for (unsigned i = 0; i < im.n; i++)
		if (im.data[i] && im.sh[i].sh_size)
			memcpy(img + im.sh[i].sh_offset, im.data[i], im.sh[i].sh_size);
	memcpy(img + off_sh, im.sh, im.n * sizeof(Elf64_Shdr));
	if (fwrite(img, 1, total, out) != total)
		err = -EIO;
	free(img);
out:
	free(btf.btf);
	free(btf.ext);
	return err;
}
