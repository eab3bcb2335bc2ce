// SPDX-License-Identifier: MIT
/* The ELF writer: a relocatable ELF64 object with one eBPF program, written by hand (no libelf). */
#include <elf.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <linux/bpf.h>

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
 * libbpf 1.1 opens and loads such objects without it.
 */
enum { SEC_NULL, SEC_PROG, SEC_LICENSE, SEC_SYMTAB, SEC_STRTAB, NSECS };

struct strtab {
	char buf[256];
	size_t len;
};

static Elf64_Word str_add(struct strtab *t, const char *s)
{
	size_t n = strlen(s) + 1;
	Elf64_Word at = (Elf64_Word)t->len;

	memcpy(t->buf + t->len, s, n); /* the few names used fit: see the callers */
	t->len += n;
	return at;
}

static size_t align8(size_t x)
{
	return (x + 7) & ~(size_t)7;
}

int ebpf_write_elf(FILE *out, const struct cbpf_ebpf_prog *prog)
{
	const char *license = cbpf_ebpf_prog_license(prog);
	size_t code_size = prog->len * sizeof(struct bpf_insn);
	size_t license_size = strlen(license) + 1;
	struct strtab st = {{0}, 1};
	Elf64_Sym syms[3];
	Elf64_Shdr sh[NSECS];
	Elf64_Ehdr eh;
	size_t off_code, off_license, off_symtab, off_strtab, off_sh, total;
	Elf64_Word name_prog, name_license, name_symtab, name_strtab, sym_license, sym_prog;
	unsigned char *img;
	int err = 0;

	name_prog = str_add(&st, ebpf_section_name(prog->target));
	name_license = str_add(&st, "license");
	name_symtab = str_add(&st, ".symtab");
	name_strtab = str_add(&st, ".strtab");
	sym_license = str_add(&st, "_license");
	sym_prog = str_add(&st, cbpf_ebpf_prog_name(prog));

	off_code = sizeof(eh);
	off_license = off_code + code_size;
	off_symtab = align8(off_license + license_size);
	off_strtab = off_symtab + sizeof(syms);
	off_sh = align8(off_strtab + st.len);
	total = off_sh + sizeof(sh);

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
	eh.e_shnum = NSECS;
	eh.e_shstrndx = SEC_STRTAB;

	memset(syms, 0, sizeof(syms));
	syms[1].st_name = sym_license;
	syms[1].st_info = ELF64_ST_INFO(STB_GLOBAL, STT_OBJECT);
	syms[1].st_shndx = SEC_LICENSE;
	syms[1].st_size = license_size;
	syms[2].st_name = sym_prog;
	syms[2].st_info = ELF64_ST_INFO(STB_GLOBAL, STT_FUNC);
	syms[2].st_shndx = SEC_PROG;
	syms[2].st_size = code_size;

	memset(sh, 0, sizeof(sh));
	sh[SEC_PROG] = (Elf64_Shdr){.sh_name = name_prog,
				    .sh_type = SHT_PROGBITS,
				    .sh_flags = SHF_ALLOC | SHF_EXECINSTR,
				    .sh_offset = off_code,
				    .sh_size = code_size,
				    .sh_addralign = 8};
	sh[SEC_LICENSE] = (Elf64_Shdr){.sh_name = name_license,
				       .sh_type = SHT_PROGBITS,
				       .sh_flags = SHF_ALLOC | SHF_WRITE,
				       .sh_offset = off_license,
				       .sh_size = license_size,
				       .sh_addralign = 1};
	sh[SEC_SYMTAB] = (Elf64_Shdr){.sh_name = name_symtab,
				      .sh_type = SHT_SYMTAB,
				      .sh_offset = off_symtab,
				      .sh_size = sizeof(syms),
				      .sh_link = SEC_STRTAB,
				      .sh_info = 1,
				      .sh_addralign = 8,
				      .sh_entsize = sizeof(Elf64_Sym)};
	sh[SEC_STRTAB] = (Elf64_Shdr){.sh_name = name_strtab,
				      .sh_type = SHT_STRTAB,
				      .sh_offset = off_strtab,
				      .sh_size = st.len,
				      .sh_addralign = 1};

	img = calloc(1, total);
	if (!img)
		return -ENOMEM;
	memcpy(img, &eh, sizeof(eh));
	if (code_size)
		memcpy(img + off_code, prog->insns, code_size);
	memcpy(img + off_license, license, license_size);
	memcpy(img + off_symtab, syms, sizeof(syms));
	memcpy(img + off_strtab, st.buf, st.len);
	memcpy(img + off_sh, sh, sizeof(sh));
	if (fwrite(img, 1, total, out) != total)
		err = -EIO;
	free(img);
	return err;
}
