// SPDX-License-Identifier: MIT
/*
 * libFuzzer target for cbpf-dbg's commands and the engine under them: the input is a script,
 * run line by line on a session with a fixed program and packet loaded. Commands that read or
 * write files are refused here (load pcap, load FILE, filter); everything else runs, its output
 * thrown away. Nothing may crash, leak or loop.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The command layer is the program's: its objects (but main.c and term.c) are linked in. */
#include "../dbg/sh.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Room for long scripts and for "load bpf" of a program of the kernel's 4096 instructions. */
#define MAX_LINES 4096
#define MAX_LINE  65536

/* TCP port 80 over IPv4, the header length in M[0] and the port in M[1] (ldxb, [x + k], st). */
static const struct cbpf_insn program[] = {
	{ 0x28, 0, 0, 12 }, { 0x15, 0, 10, 0x0800 }, { 0x30, 0, 0, 23 }, { 0x15, 0, 8, 6 },
	{ 0xb1, 0, 0, 14 }, { 0x03, 0, 0, 0 },	     { 0x48, 0, 0, 14 }, { 0x02, 0, 0, 1 },
	{ 0x15, 2, 0, 80 }, { 0x48, 0, 0, 16 },	     { 0x15, 0, 1, 80 }, { 0x06, 0, 0, 0xffffffff },
	{ 0x06, 0, 0, 0 },
};

/* An Ethernet, IPv4, TCP packet to port 80, cut short of its payload. */
static const uint8_t packet[] = {
	0x00, 0x00, 0x5e, 0x00, 0x01, 0x01, 0x00, 0x16, 0x3e, 0x00, 0x00, 0x01, 0x08, 0x00,
	0x45, 0x00, 0x00, 0x3c, 0x00, 0x00, 0x40, 0x00, 0x40, 0x06, 0x6f, 0x09, 0x0a, 0x00,
	0x00, 0x01, 0xc0, 0xa8, 0x01, 0x0a, 0x9c, 0x40, 0x00, 0x50, 0x00, 0x0f, 0x42, 0x41,
	0x00, 0x00, 0x00, 0x00, 0xa0, 0x02, 0xfa, 0xf0, 0x74, 0x70, 0x00, 0x00,
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static FILE *null;
	struct cbpf_prog *prog = cbpf_prog_new(program, sizeof(program) / sizeof(program[0]));
	struct cbpf_diags diags = { 0 };
	static char line[MAX_LINE + 1];
	struct sh sh;
	size_t at = 0;

	if (!null)
		null = fopen("/dev/null", "w");
	if (!prog || !null || sh_init(&sh, null, null)) {
		cbpf_prog_free(prog);
		return 0;
	}
	sh.no_io = true;
	sh.where = "<fuzz>";
	if (cbpf_dbg_load(sh.dbg, prog, CBPF_VM_SOCKET, &diags) ||
	    cbpf_dbg_set_packet(sh.dbg, packet, sizeof(packet), 74, 1))
		abort();
	cbpf_diags_free(&diags);
	cbpf_prog_free(prog);
	for (unsigned n = 0; n < MAX_LINES && at < size && !sh.quit; n++) {
		size_t len = 0;

		while (at < size && data[at] != '\n' && len < MAX_LINE) {
			/* A NUL would end the line early in C: the command sees a space. */
			line[len++] = data[at] ? (char)data[at] : ' ';
			at++;
		}
		while (at < size && data[at] != '\n')
			at++;
		at++;
		line[len] = '\0';
		sh.line = n + 1;
		sh_exec(&sh, line);
	}
	sh_fini(&sh);
	return 0;
}
