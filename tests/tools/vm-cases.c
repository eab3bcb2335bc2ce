// SPDX-License-Identifier: MIT
/*
 * The semantics cases, tests/cases/vm/NAME.case (their README gives the format), through every
 * engine that can take them:
 *   run, step        cbpf_vm_run; cbpf_vm_step to the end, and how the program ended
 *   jit              the program compiled to native code (cbpf_jit_new), against the case and
 *                    against the interpreter on every shorter cut of the packet
 *   ebpf-TARGET      the translation for socket, tc (as class ids, to see the whole result), xdp
 *                    (its action) or seccomp, in libcbpf's eBPF interpreter; then, against the
 *                    classic interpreter, on every shorter cut of the packet and on the metadata
 *                    varied
 *   kernel-classic   the program attached with SO_ATTACH_FILTER to an AF_UNIX datagram socket
 *   kernel-TARGET    the translation for socket, tc or xdp loaded with bpf(2) and run with
 *                    BPF_PROG_TEST_RUN
 *   kernel-seccomp   the program installed with seccomp(2) in a child that then makes the
 *                    case's system call
 *
 * An engine sees its own input: XDP has no sk_buff, a test run's sk_buff is the loopback
 * device's, a unix socket's has no device. An engine takes a case when the classic interpreter,
 * run on what that engine would see, goes through the same instructions reading the same values
 * as on the case's input. A case an engine cannot take must say so in a "-- skip ENGINE"
 * section, and a skip that is not needed is an error too: the files stay true. The kernel's
 * engines see the result through the program rewritten so that every return says whether it
 * returns what the case expects.
 *
 * Exit status: 0 when every engine ran and agreed; 1 on a disagreement, a bad case file, a
 * missing or needless skip, or an opcode no case runs; 77 when nothing disagreed but an engine
 * could not run here (no privilege, no kernel support), saying which and why.
 *
 * Usage: vm-cases [-v] [-e ENGINE,...] DIR|FILE...
 */
#include <dirent.h>
#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <net/if.h>

#include "cbpf.h"

/* ---------------------------------------------------------------- engines */

enum engine {
	E_RUN,
	E_STEP,
	E_JIT,
	E_EBPF_SOCKET,
	E_EBPF_TC,
	E_EBPF_XDP,
	E_EBPF_SECCOMP,
	E_KERNEL_CLASSIC,
	E_KERNEL_SOCKET,
	E_KERNEL_TC,
	E_KERNEL_XDP,
	E_KERNEL_SECCOMP,
	N_ENGINES
};

static const char *const engine_name[N_ENGINES] = {
	"run",		 "step",      "jit",	      "ebpf-socket",
	"ebpf-tc",	 "ebpf-xdp",  "ebpf-seccomp", "kernel-classic",
	"kernel-socket", "kernel-tc", "kernel-xdp",   "kernel-seccomp",
};

#define BIT(e) (1u << (e))
#define SOCKET_ENGINES                                                                             \
	(BIT(E_RUN) | BIT(E_STEP) | BIT(E_JIT) | BIT(E_EBPF_SOCKET) | BIT(E_EBPF_TC) |             \
	 BIT(E_EBPF_XDP) | BIT(E_KERNEL_CLASSIC) | BIT(E_KERNEL_SOCKET) | BIT(E_KERNEL_TC) |       \
	 BIT(E_KERNEL_XDP))
#define SECCOMP_ENGINES                                                                            \
	(BIT(E_RUN) | BIT(E_STEP) | BIT(E_JIT) | BIT(E_EBPF_SECCOMP) | BIT(E_KERNEL_SECCOMP))

/* Names a skip section may use besides the engines' own: groups of engines. */
static const struct {
	const char *name;
	unsigned engines;
} groups[] = {
	{ "socket", BIT(E_EBPF_SOCKET) | BIT(E_KERNEL_SOCKET) },
	{ "tc", BIT(E_EBPF_TC) | BIT(E_KERNEL_TC) },
	{ "xdp", BIT(E_EBPF_XDP) | BIT(E_KERNEL_XDP) },
	{ "seccomp", BIT(E_EBPF_SECCOMP) | BIT(E_KERNEL_SECCOMP) },
	{ "ebpf", BIT(E_EBPF_SOCKET) | BIT(E_EBPF_TC) | BIT(E_EBPF_XDP) | BIT(E_EBPF_SECCOMP) },
	{ "xlate", BIT(E_EBPF_SOCKET) | BIT(E_EBPF_TC) | BIT(E_EBPF_XDP) | BIT(E_EBPF_SECCOMP) |
			   BIT(E_KERNEL_SOCKET) | BIT(E_KERNEL_TC) | BIT(E_KERNEL_XDP) },
	{ "kernel", BIT(E_KERNEL_CLASSIC) | BIT(E_KERNEL_SOCKET) | BIT(E_KERNEL_TC) |
			    BIT(E_KERNEL_XDP) | BIT(E_KERNEL_SECCOMP) },
};

static struct {
	unsigned pass, skipped, variants;
	const char *unavailable; /* why this engine cannot run here, or NULL */
} tally[N_ENGINES];

static unsigned failures, ncases;
static int verbose;
static unsigned selected = ~0u; /* -e */

/* ---------------------------------------------------------------- cases */

enum { HOW_RET, HOW_OOB, HOW_DIV0, HOW_NODEV };

static const char *const how_name[] = { "ret", "oob", "div0", "nodev" };
static const enum cbpf_vm_exit how_exit[] = { CBPF_VM_EXIT_RET, CBPF_VM_EXIT_OOB, CBPF_VM_EXIT_DIV0,
					      CBPF_VM_EXIT_NO_DEV };

struct vcase {
	const char *name; /* the file's name without its directory */
	const char *path;
	struct cbpf_prog *prog;
	bool seccomp;
	uint8_t *pkt;
	uint32_t pktlen, wirelen;
	bool has_meta;
	struct cbpf_meta meta;
	struct cbpf_seccomp_data sd;
	bool want_error;
	char *error;	 /* the diagnostic the program must be refused with */
	long error_insn; /* its instruction, or -2 when not given */
	uint32_t result;
	int how;	/* HOW_* */
	unsigned skips; /* engines the file says cannot express it */
	/* the engines each name in a skip section stands for */
	unsigned skip_names[16], nskip_names;
};

static void fail(const struct vcase *c, enum engine e, const char *fmt, ...) CBPF_PRINTF(3, 4);

static void fail(const struct vcase *c, enum engine e, const char *fmt, ...)
{
	va_list ap;

	failures++;
	fprintf(stderr, "FAIL %s: %s: ", c->name, engine_name[e]);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* A problem with the file itself. */
static int bad(const char *path, unsigned line, const char *fmt, ...) CBPF_PRINTF(3, 4);

static int bad(const char *path, unsigned line, const char *fmt, ...)
{
	va_list ap;

	failures++;
	if (line)
		fprintf(stderr, "%s:%u: error: ", path, line);
	else
		fprintf(stderr, "%s: error: ", path);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return -1;
}

static char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t cap = 0, n = 0;

	if (!f)
		return NULL;
	for (;;) {
		if (n + 4096 + 1 > cap) {
			char *p = realloc(buf, cap = cap * 2 + 8192);

			if (!p) {
				free(buf);
				fclose(f);
				return NULL;
			}
			buf = p;
		}
		size_t got = fread(buf + n, 1, 4096, f);

		n += got;
		if (got < 4096)
			break;
	}
	if (ferror(f)) {
		free(buf);
		fclose(f);
		return NULL;
	}
	fclose(f);
	buf[n] = 0;
	*len = n;
	return buf;
}

/* One "-- name args" section: its body runs from body to end, starting at line. */
struct section {
	char name[32];
	char args[128];
	const char *body;
	size_t len;
	unsigned line; /* of the header */
};

/* Splits text into "# ..." comment lines, then sections. Returns their number, or -1. */
static int split(const char *path, const char *text, struct section *s, int max)
{
	const char *p = text;
	unsigned line = 1;
	int n = -1;
	bool described = false;

	while (*p) {
		const char *eol = strchr(p, '\n');
		size_t l = eol ? (size_t)(eol - p) : strlen(p);

		if (l >= 3 && !strncmp(p, "-- ", 3)) {
			const char *h = p + 3;
			size_t hl = l - 3, nl = 0;

			if (++n >= max)
				return bad(path, line, "too many sections");
			while (nl < hl && h[nl] != ' ' && h[nl] != '\t')
				nl++;
			if (nl == 0 || nl >= sizeof(s[n].name))
				return bad(path, line, "a section header is '-- NAME'");
			memcpy(s[n].name, h, nl);
			s[n].name[nl] = 0;
			while (nl < hl && (h[nl] == ' ' || h[nl] == '\t'))
				nl++;
			if (hl - nl >= sizeof(s[n].args))
				return bad(path, line, "section header too long");
			memcpy(s[n].args, h + nl, hl - nl);
			s[n].args[hl - nl] = 0;
			s[n].body = eol ? eol + 1 : p + l;
			s[n].len = 0;
			s[n].line = line;
		} else if (n >= 0) {
			s[n].len = (size_t)((eol ? eol + 1 : p + l) - s[n].body);
		} else if (l && p[0] == '#') {
			described = true;
		} else if (l) {
			return bad(path, line, "before the first section only '#' comment lines");
		}
		if (!eol)
			break;
		p = eol + 1;
		line++;
	}
	if (!described)
		return bad(path, 1, "a case starts with '#' lines saying what it shows");
	if (n < 0)
		return bad(path, line, "no sections");
	return n + 1;
}

/* The next line of a section body, without its '#' comment and surrounding blanks. */
static bool next_line(const char **p, const char *end, char *buf, size_t size, unsigned *line)
{
	while (*p < end) {
		const char *eol = memchr(*p, '\n', (size_t)(end - *p));
		const char *stop = eol ? eol : end;
		const char *hash = memchr(*p, '#', (size_t)(stop - *p));
		const char *a = *p, *b = hash ? hash : stop;
		size_t l;

		*p = eol ? eol + 1 : end;
		(*line)++;
		while (a < b && (*a == ' ' || *a == '\t' || *a == '\r'))
			a++;
		while (b > a && (b[-1] == ' ' || b[-1] == '\t' || b[-1] == '\r'))
			b--;
		if (a == b)
			continue;
		l = (size_t)(b - a) < size - 1 ? (size_t)(b - a) : size - 1;
		memcpy(buf, a, l);
		buf[l] = 0;
		return true;
	}
	return false;
}

static bool parse_u64(const char *s, uint64_t max, uint64_t *out)
{
	char *end;
	unsigned long long v;

	if (!*s || *s == '-')
		return false;
	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || *end || v > max)
		return false;
	*out = v;
	return true;
}

/* "name = value": splits in place. */
static bool key_value(char *l, char **key, char **value)
{
	char *eq = strchr(l, '=');
	char *k = l, *v, *e;

	if (!eq)
		return false;
	*eq = 0;
	v = eq + 1;
	e = eq;
	while (e > k && (e[-1] == ' ' || e[-1] == '\t'))
		*--e = 0;
	while (*v == ' ' || *v == '\t')
		v++;
	*key = k;
	*value = v;
	return *k && *v;
}

static int parse_packet(struct vcase *c, const struct section *s)
{
	const char *p = s->body, *end = s->body + s->len;
	unsigned line = s->line;
	char l[4096];
	size_t cap = 0;

	while (next_line(&p, end, l, sizeof(l), &line)) {
		for (char *tok = strtok(l, " \t"); tok; tok = strtok(NULL, " \t")) {
			char *star = strchr(tok, '*');
			size_t hex = star ? (size_t)(star - tok) : strlen(tok);
			uint64_t times = 1;

			if (star && !parse_u64(star + 1, 1u << 24, &times))
				return bad(c->path, line, "'*' takes a count: '00*64'");
			if (!hex || hex % 2 || strspn(tok, "0123456789abcdefABCDEF") != hex)
				return bad(c->path, line, "'%s' is not hex bytes ('0800', 'ff*6')",
					   tok);
			if (c->pktlen + hex / 2 * times > 1u << 24)
				return bad(c->path, line, "packet too long");
			if (c->pktlen + hex / 2 * times > cap) {
				uint8_t *q;

				cap = (c->pktlen + hex / 2 * times) * 2;
				q = realloc(c->pkt, cap);
				if (!q)
					return bad(c->path, line, "out of memory");
				c->pkt = q;
			}
			for (uint64_t t = 0; t < times; t++) {
				for (size_t i = 0; i < hex; i += 2) {
					char b[3] = { tok[i], tok[i + 1], 0 };

					c->pkt[c->pktlen++] = (uint8_t)strtoul(b, NULL, 16);
				}
			}
		}
	}
	return 0;
}

static int parse_meta(struct vcase *c, const struct section *s, bool *has_wirelen)
{
	static const struct {
		const char *name;
		size_t off, size;
		uint64_t max;
	} fields[] = {
#define F(f, max) { #f, offsetof(struct cbpf_meta, f), sizeof(((struct cbpf_meta *)0)->f), max }
		F(net_off, UINT32_MAX),
		F(protocol, UINT16_MAX),
		F(pkttype, UINT8_MAX),
		F(no_dev, 1),
		F(no_mac, 1),
		F(ifindex, UINT32_MAX),
		F(hatype, UINT16_MAX),
		F(queue, UINT16_MAX),
		F(mark, UINT32_MAX),
		F(rxhash, UINT32_MAX),
		F(cpu, UINT32_MAX),
		F(random, UINT32_MAX),
		F(vlan_present, 1),
		F(vlan_tci, UINT16_MAX),
		F(vlan_proto, UINT16_MAX),
		F(pay_off, UINT32_MAX),
#undef F
	};
	const char *p = s->body, *end = s->body + s->len;
	unsigned line = s->line;
	char l[512], *key, *value;

	while (next_line(&p, end, l, sizeof(l), &line)) {
		uint64_t v;
		size_t i;

		if (!key_value(l, &key, &value))
			return bad(c->path, line, "meta lines are 'name = value'");
		if (!strcmp(value, "true"))
			strcpy(value, "1");
		else if (!strcmp(value, "false"))
			strcpy(value, "0");
		if (!strcmp(key, "wirelen")) {
			if (!parse_u64(value, UINT32_MAX, &v))
				return bad(c->path, line, "wirelen: '%s' is not a number", value);
			c->wirelen = (uint32_t)v;
			*has_wirelen = true;
			continue;
		}
		for (i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
			if (!strcmp(key, fields[i].name))
				break;
		if (i == sizeof(fields) / sizeof(fields[0]))
			return bad(c->path, line, "unknown meta field '%s'", key);
		if (!parse_u64(value, fields[i].max, &v))
			return bad(c->path, line, "%s: '%s' is not a number up to %#llx", key,
				   value, (unsigned long long)fields[i].max);
		/* The kernel's __be16 fields are written as numbers, as ld #proto returns them. */
		if (!strcmp(key, "protocol") || !strcmp(key, "vlan_proto"))
			v = htons((uint16_t)v);
		if (fields[i].size == 1) {
			uint8_t b = (uint8_t)v;

			memcpy((char *)&c->meta + fields[i].off, &b, 1);
		} else if (fields[i].size == 2) {
			uint16_t h = (uint16_t)v;

			memcpy((char *)&c->meta + fields[i].off, &h, 2);
		} else {
			uint32_t w = (uint32_t)v;

			memcpy((char *)&c->meta + fields[i].off, &w, 4);
		}
	}
	c->has_meta = true;
	return 0;
}

static int parse_seccomp(struct vcase *c, const struct section *s)
{
	const char *p = s->body, *end = s->body + s->len;
	unsigned line = s->line;
	char l[512], *key, *value;

	while (next_line(&p, end, l, sizeof(l), &line)) {
		uint64_t v;
		unsigned a;
		char *tok;

		if (!key_value(l, &key, &value))
			return bad(c->path, line, "seccomp lines are 'name = value'");
		if (!strcmp(key, "args")) {
			a = 0;
			for (tok = strtok(value, " \t"); tok; tok = strtok(NULL, " \t")) {
				if (a == 6 || !parse_u64(tok, UINT64_MAX, &v))
					return bad(c->path, line, "args: up to six 64-bit numbers");
				c->sd.args[a++] = v;
			}
			continue;
		}
		if (sscanf(key, "args[%u]", &a) == 1 && a < 6 && strchr(key, ']')[1] == 0) {
			if (!parse_u64(value, UINT64_MAX, &v))
				return bad(c->path, line, "%s: not a 64-bit number", key);
			c->sd.args[a] = v;
			continue;
		}
		if (!strcmp(key, "nr")) {
			char *e;
			long long n;

			errno = 0;
			n = strtoll(value, &e, 0);
			if (errno || *e || n < INT32_MIN || n > INT32_MAX)
				return bad(c->path, line, "nr: not a 32-bit signed number");
			c->sd.nr = (int32_t)n;
		} else if (!strcmp(key, "arch")) {
			if (!parse_u64(value, UINT32_MAX, &v))
				return bad(c->path, line, "arch: not a 32-bit number");
			c->sd.arch = (uint32_t)v;
		} else if (!strcmp(key, "instruction_pointer")) {
			if (!parse_u64(value, UINT64_MAX, &v))
				return bad(c->path, line,
					   "instruction_pointer: not a 64-bit number");
			c->sd.instruction_pointer = v;
		} else {
			return bad(c->path, line, "unknown seccomp_data field '%s'", key);
		}
	}
	c->seccomp = true;
	return 0;
}

static int parse_result(struct vcase *c, const struct section *s)
{
	const char *p = s->body, *end = s->body + s->len;
	unsigned line = s->line;
	char l[256], *how;
	uint64_t v;

	if (!next_line(&p, end, l, sizeof(l), &line))
		return bad(c->path, s->line, "-- result needs a value");
	how = strpbrk(l, " \t");
	if (how) {
		*how++ = 0;
		how += strspn(how, " \t");
	}
	if (!parse_u64(l, UINT32_MAX, &v))
		return bad(c->path, line, "'%s' is not a 32-bit result", l);
	c->result = (uint32_t)v;
	c->how = HOW_RET;
	if (how) {
		int h;

		for (h = 0; h < 4; h++)
			if (!strcmp(how, how_name[h]))
				break;
		if (h == 4)
			return bad(c->path, line, "how the program ends: ret, oob, div0 or nodev");
		c->how = h;
	}
	if (c->how != HOW_RET && c->how != HOW_NODEV && c->result)
		return bad(c->path, line, "a program ended by %s returns 0", how_name[c->how]);
	if (next_line(&p, end, l, sizeof(l), &line))
		return bad(c->path, line, "-- result holds one line");
	return 0;
}

static int parse_error(struct vcase *c, const struct section *s)
{
	const char *p = s->body, *end = s->body + s->len;
	unsigned line = s->line;
	char l[512], *text = l;
	long insn;
	int used;

	if (!next_line(&p, end, l, sizeof(l), &line))
		return bad(c->path, s->line, "-- error needs the message");
	c->error_insn = -2;
	if (sscanf(l, "insn %ld: %n", &insn, &used) == 1 && used > 0) {
		c->error_insn = insn;
		text = l + used;
	}
	c->error = strdup(text);
	c->want_error = true;
	return c->error ? 0 : bad(c->path, line, "out of memory");
}

static int parse_skip(struct vcase *c, const struct section *s)
{
	const char *p = s->body, *end = s->body + s->len;
	unsigned line = s->line;
	char l[512], names[128];
	unsigned got = 0;

	snprintf(names, sizeof(names), "%s", s->args);
	for (char *tok = strtok(names, " \t"); tok; tok = strtok(NULL, " \t")) {
		unsigned m = 0;

		for (int e = 0; e < N_ENGINES; e++)
			if (!strcmp(tok, engine_name[e]))
				m = BIT(e);
		for (size_t g = 0; g < sizeof(groups) / sizeof(groups[0]); g++)
			if (!strcmp(tok, groups[g].name))
				m = groups[g].engines;
		if (!m)
			return bad(c->path, s->line, "'%s' names no engine", tok);
		if (m & (BIT(E_RUN) | BIT(E_STEP) | BIT(E_JIT)))
			return bad(c->path, s->line, "the interpreter and the JIT run every case");
		if (c->nskip_names == 16)
			return bad(c->path, s->line, "too many names");
		c->skip_names[c->nskip_names++] = m;
		got |= m;
	}
	if (!got)
		return bad(c->path, s->line, "-- skip names the engines: '-- skip xdp'");
	if (!next_line(&p, end, l, sizeof(l), &line))
		return bad(c->path, s->line, "-- skip says why, in its body");
	c->skips |= got;
	return 0;
}

/* The program, assembled with the file's line numbers. */
static int parse_prog(struct vcase *c, const struct section *s, bool bytecode)
{
	size_t pad = s->line, len = pad + s->len;
	char *src = malloc(len + 1);
	struct cbpf_diags d = { 0 };
	int err;

	if (!src)
		return bad(c->path, s->line, "out of memory");
	memset(src, '\n', pad);
	memcpy(src + pad, s->body, s->len);
	src[len] = 0;
	if (bytecode) {
		struct cbpf_read_opts ro = { .file = c->path };
		enum cbpf_form f = cbpf_form_detect(src, len);

		if (f == CBPF_FORM_ASM || f == CBPF_FORM_LISTING) {
			free(src);
			return bad(c->path, s->line,
				   "-- bytecode takes a bytecode form ('{ 0x28, 0, 0, 0x0c },'); "
				   "bpf_asm source goes in -- asm");
		}
		err = cbpf_prog_read(src, len, &ro, &c->prog, &d);
	} else {
		struct cbpf_asm_opts ao = { .file = c->path };

		err = cbpf_asm_parse(src, len, &ao, &c->prog, &d);
	}
	if (err) {
		cbpf_diags_print(stderr, &d, src, len, NULL);
		failures++;
	}
	cbpf_diags_free(&d);
	free(src);
	return err ? -1 : 0;
}

static void case_free(struct vcase *c)
{
	cbpf_prog_free(c->prog);
	free(c->pkt);
	free(c->error);
	memset(c, 0, sizeof(*c));
}

static int case_load(struct vcase *c, const char *path)
{
	struct section s[32];
	size_t len;
	char *text = read_file(path, &len);
	bool has_wirelen = false;
	unsigned seen = 0;
	int n, err = 0;

	memset(c, 0, sizeof(*c));
	c->path = path;
	c->name = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	if (!text)
		return bad(path, 0, "cannot read: %s", strerror(errno));
	if (memchr(text, 0, len)) {
		free(text);
		return bad(path, 0, "not text");
	}
	n = split(path, text, s, 32);
	for (int i = 0; i < n && !err; i++) {
		static const char *const known[] = { "asm",	"bytecode", "packet", "meta",
						     "seccomp", "result",   "error",  "skip" };
		unsigned k;

		for (k = 0; k < sizeof(known) / sizeof(known[0]); k++)
			if (!strcmp(s[i].name, known[k]))
				break;
		if (k == sizeof(known) / sizeof(known[0])) {
			err = bad(path, s[i].line, "unknown section '-- %s'", s[i].name);
			break;
		}
		if (strcmp(s[i].name, "skip") && s[i].args[0]) {
			err = bad(path, s[i].line, "'-- %s' takes nothing after its name",
				  s[i].name);
			break;
		}
		if ((seen & (1u << k)) && strcmp(s[i].name, "skip")) {
			err = bad(path, s[i].line, "a second '-- %s'", s[i].name);
			break;
		}
		seen |= 1u << k;
		switch (k) {
		case 0:
		case 1:
			err = parse_prog(c, &s[i], k == 1);
			break;
		case 2:
			err = parse_packet(c, &s[i]);
			break;
		case 3:
			err = parse_meta(c, &s[i], &has_wirelen);
			break;
		case 4:
			err = parse_seccomp(c, &s[i]);
			break;
		case 5:
			err = parse_result(c, &s[i]);
			break;
		case 6:
			err = parse_error(c, &s[i]);
			break;
		default:
			err = parse_skip(c, &s[i]);
		}
	}
	free(text);
	if (n < 0 || err)
		return -1;
	if ((seen & 3) == 0 || (seen & 3) == 3)
		return bad(path, 0, "one program: '-- asm' or '-- bytecode'");
	if ((seen & 0x60) == 0 || (seen & 0x60) == 0x60)
		return bad(path, 0, "one outcome: '-- result' or '-- error'");
	if ((seen & 0x10) && (seen & 0xc))
		return bad(path, 0, "a seccomp case has no packet and no meta");
	if (c->want_error && c->skips)
		return bad(path, 0, "every engine must refuse what cannot run: no '-- skip'");
	/* A group may name engines of both kinds; each name must name one of this kind. */
	for (unsigned i = 0; i < c->nskip_names; i++)
		if (!(c->skip_names[i] & (c->seccomp ? SECCOMP_ENGINES : SOCKET_ENGINES)))
			return bad(path, 0, "'-- skip' names engines that do not run %s cases",
				   c->seccomp ? "seccomp" : "socket");
	c->skips &= c->seccomp ? SECCOMP_ENGINES : SOCKET_ENGINES;
	if (c->seccomp && c->how == HOW_NODEV)
		return bad(path, 0, "seccomp filters have no device");
	if (!has_wirelen)
		c->wirelen = c->pktlen;
	return 0;
}

/* The input the case describes. meta is the case's, or NULL when it has none. */
static struct cbpf_input case_input(const struct vcase *c)
{
	if (c->seccomp)
		return cbpf_input_seccomp(&c->sd);
	return cbpf_input_packet(c->pkt, c->pktlen, c->wirelen, c->has_meta ? &c->meta : NULL);
}

/* ---------------------------------------------------------------- traces */

struct trace {
	struct cbpf_vm_step *v;
	size_t n;
	uint32_t ret;
	enum cbpf_vm_exit exit;
};

/* Steps vm over in to the end, keeping every record. 0, or -1 when stepping failed. */
static int trace_run(const struct cbpf_vm *vm, const struct cbpf_input *in, struct trace *t)
{
	uint64_t len = cbpf_vm_max_steps(vm);
	struct cbpf_vm_state st;

	/* At most one step per instruction, or per instruction and pass of a loop. */
	t->v = calloc(len + 1, sizeof(*t->v));
	t->n = 0;
	if (!t->v)
		return -1;
	cbpf_vm_state_init(&st);
	while (st.exit == CBPF_VM_RUNNING) {
		if (t->n > len || cbpf_vm_step(vm, &st, in, &t->v[t->n]))
			return -1;
		t->n++;
	}
	t->ret = st.ret;
	t->exit = st.exit;
	return 0;
}

static bool same_step(const struct cbpf_vm_step *a, const struct cbpf_vm_step *b)
{
	/* Not req and off: the same value from another place reads the same. */
	return a->pc == b->pc && a->next_pc == b->next_pc && a->exit == b->exit &&
	       a->ret == b->ret && a->read == b->read && a->size == b->size && a->anc == b->anc &&
	       a->value == b->value && a->cond == b->cond && a->taken == b->taken &&
	       a->lhs == b->lhs && a->rhs == b->rhs;
}

static void describe_step(const struct cbpf_vm_step *r, char *buf, size_t size)
{
	if (r->exit != CBPF_VM_RUNNING)
		snprintf(buf, size, "ends the program with %#x (%s)", r->ret,
			 r->exit == CBPF_VM_EXIT_OOB	  ? "out of bounds"
			 : r->exit == CBPF_VM_EXIT_DIV0	  ? "division by zero"
			 : r->exit == CBPF_VM_EXIT_NO_DEV ? "no device"
							  : "ret");
	else if (r->read != CBPF_VM_READ_NONE)
		snprintf(buf, size, "reads %#x", r->value);
	else if (r->cond)
		snprintf(buf, size, "compares %#x with %#x", r->lhs, r->rhs);
	else
		snprintf(buf, size, "goes on to %u", r->next_pc);
}

/*
 * Whether the run over in goes exactly as the case's run does; when not, why into buf, with
 * what the engine's input assumes (note).
 */
static bool same_run(const struct cbpf_vm *vm, const struct trace *want,
		     const struct cbpf_input *in, enum engine e, const char *note, char *buf,
		     size_t size)
{
	const struct cbpf_insn *insns = cbpf_vm_insns(vm, NULL);
	struct trace t;
	size_t i;
	char here[96], there[96], text[96];

	if (trace_run(vm, in, &t)) {
		free(t.v);
		snprintf(buf, size, "stepping failed");
		return false;
	}
	for (i = 0; i < want->n && i < t.n; i++)
		if (!same_step(&want->v[i], &t.v[i]))
			break;
	if (i == want->n && i == t.n) {
		free(t.v);
		return true;
	}
	i = i < want->n ? i : want->n - 1;
	describe_step(&want->v[i], here, sizeof(here));
	describe_step(&t.v[i < t.n ? i : t.n - 1], there, sizeof(there));
	cbpf_insn_format(&insns[want->v[i].pc], want->v[i].pc, text, sizeof(text));
	/* "ldb      [x + 2]" as "ldb [x + 2]". */
	for (char *sp = strstr(text, "  "); sp; sp = strstr(sp, "  "))
		memmove(sp, sp + 1, strlen(sp));
	snprintf(buf, size, "insn %u (%s) %s here, but %s as %s sees the input (%s)", want->v[i].pc,
		 text, here, there, engine_name[e], note);
	free(t.v);
	return false;
}

/*
 * The first packet read of the run at an SKF_LL_OFF offset (ll), or else the first that
 * succeeded more than 0xffff bytes after its base (the header for negative offsets, the data's
 * start for others when any is true); NULL when there is none.
 */
static const struct cbpf_vm_step *far_or_ll_read(const struct trace *t, bool ll, bool any)
{
	for (size_t i = 0; i < t->n; i++) {
		const struct cbpf_vm_step *r = &t->v[i];
		int64_t base;

		if (r->read != CBPF_VM_READ_PACKET || (!ll && r->exit != CBPF_VM_RUNNING))
			continue;
		if (r->req >= CBPF_NET_OFF && r->req < 0)
			base = CBPF_NET_OFF;
		else if (r->req >= CBPF_LL_OFF && r->req < CBPF_NET_OFF)
			base = CBPF_LL_OFF;
		else if (r->req >= 0 && any)
			base = 0;
		else
			continue;
		if (ll ? base == CBPF_LL_OFF : r->req - base > 0xffff)
			return r;
	}
	return NULL;
}

/* Whether the program reads ld #k at the ancillary offset anc anywhere. */
static bool reads_anc(const struct cbpf_prog *prog, uint32_t anc)
{
	for (size_t i = 0; i < cbpf_prog_len(prog); i++) {
		const struct cbpf_insn *in = &cbpf_prog_insns(prog)[i];

		if (CBPF_CLASS(in->code) == CBPF_LD && CBPF_MODE(in->code) == CBPF_ABS &&
		    in->k == (uint32_t)CBPF_AD_OFF + anc)
			return true;
	}
	return false;
}

/* ---------------------------------------------------------------- the interpreter */

static void engine_run(const struct vcase *c, const struct cbpf_vm *vm)
{
	struct cbpf_input in = case_input(c);
	uint32_t got = cbpf_vm_run(vm, &in);

	if (got != c->result)
		return fail(c, E_RUN, "returns %#x, the case says %#x", got, c->result);
	tally[E_RUN].pass++;
}

static void engine_step(const struct vcase *c, const struct cbpf_vm *vm)
{
	struct cbpf_input in = case_input(c);
	struct trace t;
	struct cbpf_vm_state st;

	if (trace_run(vm, &in, &t)) {
		free(t.v);
		return fail(c, E_STEP, "cbpf_vm_step failed before the program ended");
	}
	if (t.ret != c->result || t.exit != how_exit[c->how]) {
		int h = 0;

		while (h < 3 && how_exit[h] != t.exit)
			h++;
		fail(c, E_STEP, "ends with %#x %s, the case says %#x %s", t.ret, how_name[h],
		     c->result, how_name[c->how]);
	} else if (t.v[t.n - 1].exit != t.exit || t.v[t.n - 1].ret != t.ret ||
		   t.v[t.n - 1].next_pc != t.v[t.n - 1].pc)
		fail(c, E_STEP, "the last record does not say how the program ended");
	else
		tally[E_STEP].pass++;
	/* An ended state takes no further step. */
	cbpf_vm_state_init(&st);
	while (st.exit == CBPF_VM_RUNNING && !cbpf_vm_step(vm, &st, &in, NULL))
		;
	if (cbpf_vm_step(vm, &st, &in, NULL) != -EINVAL)
		fail(c, E_STEP, "a state that has ended steps again");
	free(t.v);
}

/* ---------------------------------------------------------------- eBPF translations */

static const enum cbpf_target engine_target[N_ENGINES] = {
	[E_EBPF_SOCKET] = CBPF_TARGET_SOCKET,	[E_EBPF_TC] = CBPF_TARGET_TC,
	[E_EBPF_XDP] = CBPF_TARGET_XDP,		[E_EBPF_SECCOMP] = CBPF_TARGET_SECCOMP,
	[E_KERNEL_SOCKET] = CBPF_TARGET_SOCKET, [E_KERNEL_TC] = CBPF_TARGET_TC,
	[E_KERNEL_XDP] = CBPF_TARGET_XDP,
};

/*
 * The input as the translation for target sees it, in *in and *meta, from a packet input;
 * returns what that view assumes.
 */
static const char *ebpf_view(enum cbpf_target t, const struct cbpf_input *from,
			     struct cbpf_input *in, struct cbpf_meta *meta)
{
	const char *note = "the same input";

	*in = *from;
	if (from->meta)
		*meta = *from->meta;
	else
		memset(meta, 0, sizeof(*meta));
	in->meta = meta;
	switch (t) {
	case CBPF_TARGET_SOCKET:
		/* __sk_buff.ifindex is 0 without a device: a device of index 0 reads as none. */
		if (!meta->no_dev && !meta->ifindex) {
			meta->ifindex = 1;
			note = "a socket translation takes ifindex 0 for no device; here 1";
		}
		break;
	case CBPF_TARGET_TC:
		meta->no_dev = false;
		note = "tc runs on a device";
		break;
	case CBPF_TARGET_XDP:
		meta->net_off = 14;
		meta->no_mac = false;
		meta->no_dev = false;
		in->wirelen = in->caplen;
		note = "XDP sees the frame as it is: its length, the link-layer header at its "
		       "start, the network header 14 bytes in";
		break;
	default:
		break;
	}
	return note;
}

static int translate(const struct vcase *c, enum cbpf_target t, struct cbpf_ebpf_prog **out,
		     char *why, size_t size)
{
	/* tc as cls_bpf class ids returns the classic result itself, all 32 bits of it. */
	struct cbpf_xlate_opts o = { .target = t, .classid = t == CBPF_TARGET_TC };
	struct cbpf_diags d = { 0 };
	int err = cbpf_xlate(c->prog, &o, out, &d);

	snprintf(why, size, "%s", d.n ? d.v[0].msg : strerror(-err));
	cbpf_diags_free(&d);
	return err;
}

/* Runs e on in and compares with what the classic program gives there. */
static bool ebpf_agrees(const struct vcase *c, enum engine eng, const struct cbpf_ebpf_prog *e,
			const struct cbpf_input *in, uint32_t classic, const char *what)
{
	struct cbpf_diags d = { 0 };
	uint64_t got;
	uint32_t want = cbpf_xlate_result(e, classic);
	int err = cbpf_ebpf_run(e, in, &got, &d);

	if (err) {
		fail(c, eng, "%s: the eBPF interpreter refused the translation: %s", what,
		     d.n ? d.v[0].msg : strerror(-err));
		cbpf_diags_free(&d);
		return false;
	}
	cbpf_diags_free(&d);
	if ((uint32_t)got != want) {
		fail(c, eng, "%s: the translation returns %#x, expected %#x", what, (uint32_t)got,
		     want);
		return false;
	}
	return true;
}

/*
 * The translation against the classic interpreter on inputs near the case's: the packet cut at
 * every shorter length, and (sk_buff targets) a VLAN tag, the link-layer header's absence and
 * (socket) the device's flipped. Each input is one the translation takes faithfully.
 */
static void ebpf_variants(const struct vcase *c, enum engine eng, const struct cbpf_ebpf_prog *e,
			  const struct cbpf_vm *vm, const struct cbpf_input *view)
{
	enum cbpf_target t = engine_target[eng];
	uint32_t step = view->caplen > 512 ? view->caplen / 64 : 1;
	char what[64];

	for (uint32_t cut = 0; cut < view->caplen; cut += step) {
		struct cbpf_input from = *view, in;
		struct cbpf_meta meta;

		from.caplen = cut;
		ebpf_view(t, &from, &in, &meta);
		snprintf(what, sizeof(what), "the packet cut to %u bytes", cut);
		if (!ebpf_agrees(c, eng, e, &in, cbpf_vm_run(vm, &in), what))
			return;
		tally[eng].variants++;
	}
	if (t == CBPF_TARGET_XDP)
		return;
	for (int v = 0; v < 3; v++) {
		struct cbpf_input from = *view, in;
		struct cbpf_meta m = *view->meta, meta;

		if (v == 0) {
			m.vlan_present = !m.vlan_present;
			m.vlan_tci = 0x2064;
			m.vlan_proto = htons(0x8100);
			snprintf(what, sizeof(what), "a VLAN tag %s",
				 m.vlan_present ? "added" : "removed");
		} else if (v == 1) {
			m.no_mac = !m.no_mac;
			snprintf(what, sizeof(what), "no_mac flipped");
		} else if (t == CBPF_TARGET_SOCKET) {
			m.no_dev = !m.no_dev;
			snprintf(what, sizeof(what), "no_dev flipped");
		} else {
			break;
		}
		from.meta = &m;
		ebpf_view(t, &from, &in, &meta);
		if (!ebpf_agrees(c, eng, e, &in, cbpf_vm_run(vm, &in), what))
			return;
		tally[eng].variants++;
	}
}

/*
 * Each engine below returns false when it cannot express the case, saying why into why;
 * otherwise, unless dry, it runs the case and counts a pass or reports a failure.
 */

/* The translation in libcbpf's eBPF interpreter. */
static bool engine_ebpf(const struct vcase *c, enum engine eng, const struct cbpf_vm *vm,
			const struct trace *want, bool dry, char *why, size_t size)
{
	enum cbpf_target t = engine_target[eng];
	struct cbpf_input from = case_input(c), in = from;
	struct cbpf_meta meta;
	struct cbpf_ebpf_prog *e;
	const char *note = "the same input";
	bool expressed = true;
	int err = translate(c, t, &e, why, size);

	if (err == -ENOTSUP)
		return false;
	if (err) {
		if (!dry)
			fail(c, eng, "the translation failed: %s", why);
		return true;
	}
	if (!c->seccomp)
		note = ebpf_view(t, &from, &in, &meta);
	if (t != CBPF_TARGET_SOCKET && far_or_ll_read(want, false, t == CBPF_TARGET_XDP)) {
		/* bpf_skb_load_bytes_relative() and bpf_xdp_load_bytes() (net/core/filter.c). */
		snprintf(why, size,
			 "insn %u reads more than 0xffff bytes past %s, which the "
			 "translation's helpers do not reach",
			 far_or_ll_read(want, false, t == CBPF_TARGET_XDP)->pc,
			 t == CBPF_TARGET_XDP ? "the frame's start" : "a header");
		expressed = false;
	} else if (!same_run(vm, want, &in, eng, note, why, size))
		expressed = false;
	else if (!dry && ebpf_agrees(c, eng, e, &in, c->result, "the case's input")) {
		tally[eng].pass++;
		if (!c->seccomp)
			ebpf_variants(c, eng, e, vm, &in);
	}
	cbpf_ebpf_prog_free(e);
	return expressed;
}

/* ---------------------------------------------------------------- the kernel: test runs */

#define TEST_RUN_MAX 3400 /* below what the kernel's sk_buff and XDP test runs take whole */

/* Whether bpf(2) loads and test-runs a translation for target here; NULL or why not. */
static const char *probe_test_run(enum cbpf_target t)
{
	static const struct cbpf_insn ret1[] = { { CBPF_RET | CBPF_K, 0, 0, 1 } };
	static const uint8_t frame[64];
	struct cbpf_prog *p = cbpf_prog_new(ret1, 1);
	struct cbpf_xlate_opts o = { .target = t };
	struct cbpf_test_run run = { .data = frame, .size = sizeof(frame) };
	struct cbpf_diags d = { 0 };
	struct cbpf_ebpf_prog *e = NULL;
	const char *why = NULL;
	int fd = -1, err;

	if (!p || cbpf_xlate(p, &o, &e, &d)) {
		why = "cannot translate 'ret #1'";
		goto out;
	}
	/* A socket translation runs as SOCKET_FILTER and as SCHED_CLS: both must load. */
	for (int sched_cls = 0; sched_cls <= (t == CBPF_TARGET_SOCKET); sched_cls++) {
		struct cbpf_load_opts lo = { .sched_cls = sched_cls };

		err = cbpf_ebpf_load(e, &lo, &fd, &d);
		if (err) {
			why = err == -EPERM ? "bpf(2) refuses to load programs here (no CAP_BPF)"
					    : "the kernel does not load this program type";
			goto out;
		}
		err = cbpf_ebpf_test_run(fd, &run, &d);
		close(fd);
		fd = -1;
		if (err || run.retval != cbpf_xlate_result(e, 1)) {
			why = err == -EPERM ? "BPF_PROG_TEST_RUN is not allowed here"
					    : "BPF_PROG_TEST_RUN does not run this program type";
			goto out;
		}
	}
out:
	cbpf_ebpf_prog_free(e);
	cbpf_prog_free(p);
	cbpf_diags_free(&d);
	return why;
}

/* Loads e (a socket translation as SCHED_CLS when sched_cls) and runs frame; -1 on failure. */
static int test_run(const struct vcase *c, enum engine eng, const struct cbpf_ebpf_prog *e,
		    bool sched_cls, const uint8_t *frame, uint32_t size, uint32_t mark,
		    uint32_t *ret)
{
	static char log[65536];
	struct cbpf_load_opts lo = { .log_buf = log,
				     .log_size = sizeof(log),
				     .sched_cls = sched_cls };
	struct cbpf_test_run run = { .data = frame, .size = size, .mark = mark };
	struct cbpf_diags d = { 0 };
	int fd, err;

	log[0] = 0;
	err = cbpf_ebpf_load(e, &lo, &fd, &d);
	if (err) {
		fail(c, eng, "the kernel does not load the translation: %s%s%s",
		     d.n ? d.v[0].msg : strerror(-err), log[0] ? "\n" : "", log);
		cbpf_diags_free(&d);
		return -1;
	}
	err = cbpf_ebpf_test_run(fd, &run, &d);
	close(fd);
	if (err) {
		fail(c, eng, "BPF_PROG_TEST_RUN failed: %s", d.n ? d.v[0].msg : strerror(-err));
		cbpf_diags_free(&d);
		return -1;
	}
	*ret = run.retval;
	return 0;
}

/*
 * A translation in the kernel. The socket one runs as SOCKET_FILTER on the packet behind an
 * Ethernet header chosen to give the case's protocol and pkttype (its data starts after that
 * header, the network header there), or else as SCHED_CLS on the packet itself (the network
 * header 14 bytes in); tc as SCHED_CLS, xdp as XDP, both on the packet itself.
 */
static bool engine_kernel_xlate(const struct vcase *c, enum engine eng, const struct cbpf_vm *vm,
				const struct trace *want, bool dry, char *why, size_t size)
{
	enum cbpf_target t = engine_target[eng];
	const struct cbpf_meta *m = c->has_meta ? &c->meta : NULL;
	uint32_t mark = m ? m->mark : 0, ret;
	uint8_t *frame = NULL;
	const uint8_t *data = c->pkt;
	uint32_t size_run = c->pktlen;
	struct cbpf_ebpf_prog *e;
	struct cbpf_input in;
	struct cbpf_meta meta;
	bool sched_cls = t == CBPF_TARGET_TC, expressed = false;
	char first[512] = "";
	int err = translate(c, t, &e, why, size);

	if (err == -ENOTSUP)
		return false;
	if (err) {
		if (!dry)
			fail(c, eng, "the translation failed: %s", why);
		return true;
	}
	if (reads_anc(c->prog, CBPF_AD_CPU) || reads_anc(c->prog, CBPF_AD_RANDOM)) {
		snprintf(why, size, "the program reads #cpu or #rand, which the kernel chooses");
		goto out;
	}
	if (c->pktlen + 14 > TEST_RUN_MAX) {
		snprintf(why, size, "%u bytes are more than the kernel's test runs take",
			 c->pktlen);
		goto out;
	}
	if (t == CBPF_TARGET_SOCKET) {
		uint16_t proto = m ? ntohs(m->protocol) : 0;
		uint8_t pkttype = m ? m->pkttype : 0;

		frame = calloc(1, c->pktlen + 14);
		if (!frame) {
			snprintf(why, size, "out of memory");
			goto out;
		}
		/* eth_type_trans() on lo, whose address and broadcast address are zeros. */
		if (pkttype == CBPF_PKT_MULTICAST || pkttype == CBPF_PKT_BROADCAST)
			frame[0] = 0x01;
		else if (pkttype != CBPF_PKT_HOST)
			frame[0] = 0x02;
		frame[6] = 0x02;
		frame[12] = (uint8_t)(proto >= 0x600 ? proto >> 8 : 0);
		frame[13] = (uint8_t)(proto >= 0x600 ? proto : 0);
		if (c->pktlen)
			memcpy(frame + 14, c->pkt, c->pktlen);
		cbpf_ebpf_test_input(CBPF_TARGET_SOCKET, frame, c->pktlen + 14, mark, &in, &meta);
		/* The Ethernet header lies before the data, where the classic view cannot look. */
		if (far_or_ll_read(want, true, false))
			snprintf(first, sizeof(first),
				 "as SOCKET_FILTER insn %u reads the link-layer "
				 "header, which lies before the data there",
				 far_or_ll_read(want, true, false)->pc);
		else if (same_run(vm, want, &in, eng,
				  "SOCKET_FILTER on lo: the data after an Ethernet header, no "
				  "link-layer "
				  "header to read",
				  first, sizeof(first))) {
			expressed = true;
			data = frame;
			size_run = c->pktlen + 14;
			goto run;
		}
		sched_cls = true;
	}
	if (c->pktlen < 14) {
		snprintf(why, size, "%s%sthe kernel test-runs frames of 14 bytes or more", first,
			 first[0] ? "; " : "");
		goto out;
	}
	cbpf_ebpf_test_input(sched_cls ? CBPF_TARGET_TC : CBPF_TARGET_XDP, c->pkt, c->pktlen, mark,
			     &in, &meta);
	if (!same_run(vm, want, &in, eng,
		      sched_cls
			      ? "SCHED_CLS on lo: protocol and pkttype from the frame, the network "
				"header 14 bytes in"
			      : "XDP on lo: the frame's length, the network header 14 bytes in",
		      why, size)) {
		if (first[0]) {
			size_t l = strlen(first);

			snprintf(first + l, sizeof(first) - l, "; and %s", why);
			snprintf(why, size, "%s", first);
		}
		goto out;
	}
	expressed = true;
run:
	if (dry || test_run(c, eng, e, sched_cls, data, size_run, mark, &ret))
		goto out;
	if (ret != cbpf_xlate_result(e, c->result))
		fail(c, eng, "the kernel's run of the translation (%s) returns %#x, expected %#x",
		     t != CBPF_TARGET_SOCKET ? cbpf_target_name(t)
		     : sched_cls	     ? "as SCHED_CLS"
					     : "as SOCKET_FILTER",
		     ret, cbpf_xlate_result(e, c->result));
	else
		tally[eng].pass++;
out:
	free(frame);
	cbpf_ebpf_prog_free(e);
	return expressed;
}

/* ---------------------------------------------------------------- the kernel: classic filters */

/*
 * The program rewritten to say whether it returns what the case expects: each "ret #k" becomes
 * "ret #match" when k is the expected value and "ret #other" when not, and "ret a" jumps to
 * "jeq #expected, match, other" appended at the end. prologue goes first. Returns the new
 * length, or 0 when it does not fit.
 */
static size_t rewrite(const struct vcase *c, const struct cbpf_insn *prologue, size_t np,
		      uint32_t match, uint32_t other, struct cbpf_insn **out)
{
	size_t n = cbpf_prog_len(c->prog), len = np + n + 3;
	const struct cbpf_insn *v = cbpf_prog_insns(c->prog);
	struct cbpf_insn *w;

	if (len > CBPF_MAXINSNS || !(w = calloc(len, sizeof(*w))))
		return 0;
	if (np)
		memcpy(w, prologue, np * sizeof(*w));
	for (size_t i = 0; i < n; i++) {
		struct cbpf_insn in = v[i];

		if (in.code == (CBPF_RET | CBPF_K))
			in.k = in.k == c->result ? match : other;
		else if (in.code == (CBPF_RET | CBPF_A))
			in = (struct cbpf_insn){ CBPF_JMP | CBPF_JA, 0, 0, (uint32_t)(n - i - 1) };
		w[np + i] = in;
	}
	w[np + n] = (struct cbpf_insn){ CBPF_JMP | CBPF_JEQ | CBPF_K, 0, 1, c->result };
	w[np + n + 1] = (struct cbpf_insn){ CBPF_RET | CBPF_K, 0, 0, match };
	w[np + n + 2] = (struct cbpf_insn){ CBPF_RET | CBPF_K, 0, 0, other };
	*out = w;
	return len;
}

/* Whether the kernel's checker takes the program (cbpf_check); why not into why. */
static bool kernel_checks(const struct vcase *c, enum cbpf_check_mode mode, char *why, size_t size)
{
	struct cbpf_diags d = { 0 };
	int err = cbpf_check(c->prog, mode, &d);

	for (size_t i = 0; err && i < d.n; i++) {
		if (d.v[i].severity == CBPF_SEV_ERROR) {
			snprintf(why, size, "the kernel refuses the program: insn %ld: %s",
				 d.v[i].insn, d.v[i].msg);
			break;
		}
	}
	cbpf_diags_free(&d);
	return !err;
}

static int attach(int fd, const struct cbpf_insn *v, size_t n)
{
	struct sock_fprog fp = { (unsigned short)n, (struct sock_filter *)(uintptr_t)v };

	return setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &fp, sizeof(fp));
}

/*
 * Sends pkt through an AF_UNIX datagram socket pair with v on the receiving end. Returns the
 * length received, -1 when the datagram was dropped, -2 when the harness failed (*err: errno;
 * *attached: whether SO_ATTACH_FILTER took v).
 */
static long unix_pass(const struct cbpf_insn *v, size_t n, const uint8_t *pkt, uint32_t len,
		      bool *attached, int *err)
{
	static const uint8_t none[1];
	int sv[2];
	char buf[16];
	long got = -2;

	*attached = false;
	*err = 0;
	if (socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, sv)) {
		*err = errno;
		return -2;
	}
	if (attach(sv[1], v, n)) {
		*err = errno;
		goto out;
	}
	*attached = true;
	/* unix_dgram_sendmsg runs the receiver's filter (sk_filter) before it queues. */
	if (send(sv[0], len ? pkt : none, len, 0) != (ssize_t)len) {
		*err = errno;
		goto out;
	}
	got = recv(sv[1], buf, sizeof(buf), MSG_DONTWAIT | MSG_TRUNC);
	if (got < 0) {
		*err = errno;
		got = errno == EAGAIN ? -1 : -2;
	}
out:
	close(sv[0]);
	close(sv[1]);
	return got;
}

static const char *probe_unix(void)
{
	static const struct cbpf_insn all[] = { { CBPF_RET | CBPF_K, 0, 0, UINT32_MAX } };
	static const struct cbpf_insn three[] = { { CBPF_RET | CBPF_K, 0, 0, 3 } };
	static const struct cbpf_insn none[] = { { CBPF_RET | CBPF_K, 0, 0, 0 } };
	static const uint8_t pkt[5] = { 1, 2, 3, 4, 5 };
	bool attached;
	int err;

	if (unix_pass(all, 1, pkt, 5, &attached, &err) != 5 ||
	    unix_pass(three, 1, pkt, 5, &attached, &err) != 3 ||
	    unix_pass(none, 1, pkt, 5, &attached, &err) != -1)
		return !attached ? "SO_ATTACH_FILTER is refused"
				 : "AF_UNIX datagrams do not go through socket filters as expected";
	return NULL;
}

/*
 * The classic program on a unix datagram socket, whose sk_buff has no device and no link-layer
 * header, the network header at the data and every other field 0. The kernel keeps
 * min(result, length) bytes, at least 1, and drops the datagram on 0.
 */
static bool engine_kernel_classic(const struct vcase *c, const struct cbpf_vm *vm,
				  const struct trace *want, bool dry, char *why, size_t size)
{
	enum engine eng = E_KERNEL_CLASSIC;
	struct cbpf_meta meta = { .no_dev = true, .no_mac = true };
	struct cbpf_input in = cbpf_input_packet(c->pkt, c->pktlen, c->pktlen, &meta);
	struct cbpf_insn *w;
	uint32_t match, other;
	long got, expect;
	bool attached;
	size_t n;
	int err;

	if (c->want_error) {
		if (dry)
			return true;
		got = unix_pass(cbpf_prog_insns(c->prog), cbpf_prog_len(c->prog), c->pkt, c->pktlen,
				&attached, &err);
		if (attached || err != EINVAL)
			fail(c, eng, "SO_ATTACH_FILTER does not refuse it with EINVAL (%s)",
			     attached ? "it takes it" : strerror(err));
		else
			tally[eng].pass++;
		return true;
	}
	if (!kernel_checks(c, CBPF_CHECK_SOCKET, why, size))
		return false;
	if (reads_anc(c->prog, CBPF_AD_CPU) || reads_anc(c->prog, CBPF_AD_RANDOM)) {
		snprintf(why, size, "the program reads #cpu or #rand, which the kernel chooses");
		return false;
	}
	if (c->pktlen > 65536) {
		snprintf(why, size, "%u bytes do not go in one datagram", c->pktlen);
		return false;
	}
	if (cbpf_prog_len(c->prog) + 3 > CBPF_MAXINSNS) {
		snprintf(why, size, "no room for the comparison with the expected result");
		return false;
	}
	if (!same_run(vm, want, &in, eng,
		      "a unix socket's sk_buff: no device, no link-layer header, fields 0", why,
		      size))
		return false;
	if (dry)
		return true;
	/*
	 * The expected return keeps the datagram, any other drops it. A program that ends
	 * otherwise returns 0, which drops it (every ret keeps it then), or, without a device, A,
	 * which keeps that many bytes (every ret drops it then).
	 */
	if (c->how == HOW_RET) {
		match = UINT32_MAX, other = 0;
		expect = c->pktlen;
	} else if (c->result) {
		match = other = 0;
		expect = c->result < c->pktlen ? c->result : c->pktlen;
	} else {
		match = other = UINT32_MAX;
		expect = -1;
	}
	n = rewrite(c, NULL, 0, match, other, &w);
	if (!n) {
		fail(c, eng, "out of memory");
		return true;
	}
	got = unix_pass(w, n, c->pkt, c->pktlen, &attached, &err);
	free(w);
	if (got == -2)
		fail(c, eng, "%s: %s", attached ? "the socket pair failed" : "SO_ATTACH_FILTER",
		     strerror(err));
	else if (got != expect)
		fail(c, eng, "the kernel %s (%ld bytes), expected it to %s (%ld)",
		     got < 0 ? "drops the datagram" : "keeps the datagram", got,
		     expect < 0 ? "drop it" : "keep it", expect);
	else
		tally[eng].pass++;
	return true;
}

#if defined(__x86_64__)
#define NATIVE_ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define NATIVE_ARCH AUDIT_ARCH_AARCH64
#else
#define NATIVE_ARCH 0
#endif

#define CHILD_REFUSED 200 /* seccomp(2) refused the filter with EINVAL */
#define CHILD_FAILED  201
#define CHILD_RAN     199 /* the system call did not fail with an errno below 199 */

/* A child installs v and makes sd's system call: its wait status, or -1. */
static int seccomp_child(const struct cbpf_insn *v, size_t n, const struct cbpf_seccomp_data *sd)
{
	struct sock_fprog fp = { (unsigned short)n, (struct sock_filter *)(uintptr_t)v };
	int status;
	pid_t pid;

	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		long r;

		if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
			_exit(CHILD_FAILED);
		/* seccomp(2) itself, which no sanitizer intercepts. */
		if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &fp))
			_exit(errno == EINVAL ? CHILD_REFUSED : CHILD_FAILED);
		r = syscall((long)sd->nr, sd->args[0], sd->args[1], sd->args[2], sd->args[3],
			    sd->args[4], sd->args[5]);
		_exit(r == -1 && errno > 0 && errno < CHILD_RAN ? errno : CHILD_RAN);
	}
	if (waitpid(pid, &status, 0) != pid)
		return -1;
	return status;
}

static const char *probe_seccomp(void)
{
	static const struct cbpf_insn allow[] = { { CBPF_RET | CBPF_K, 0, 0, SECCOMP_RET_ALLOW } };
	static const struct cbpf_insn eperm[] = {
		{ CBPF_LD | CBPF_W | CBPF_ABS, 0, 0, 0 },
		{ CBPF_JMP | CBPF_JEQ | CBPF_K, 0, 1, SYS_exit_group },
		{ CBPF_RET | CBPF_K, 0, 0, SECCOMP_RET_ALLOW },
		{ CBPF_RET | CBPF_K, 0, 0, SECCOMP_RET_ERRNO | 1 },
	};
	struct cbpf_seccomp_data sd = { .nr = SYS_getppid };
	int status;

	/* The cases' seccomp_data say x86_64, whose system calls a child here makes. */
	if (NATIVE_ARCH != AUDIT_ARCH_X86_64)
		return "the seccomp cases are written for x86_64 and this machine is another";
	status = seccomp_child(allow, 1, &sd);
	if (status < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != CHILD_RAN)
		return "a child cannot install a seccomp filter";
	status = seccomp_child(eperm, 4, &sd);
	if (status < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 1)
		return "a seccomp filter's SECCOMP_RET_ERRNO does not reach the child";
	return NULL;
}

/*
 * The classic program as a seccomp filter: a child installs it behind a prologue that lets
 * exit_group through, and makes the case's system call with its arguments. Every return says
 * SECCOMP_RET_ERRNO, EPERM for the expected value and ENOENT for another, or the program ends
 * with 0, which kills the child with SIGSYS: the call itself never runs.
 */
static bool engine_kernel_seccomp(const struct vcase *c, const struct cbpf_vm *vm,
				  const struct trace *want, bool dry, char *why, size_t size)
{
	enum engine eng = E_KERNEL_SECCOMP;
	const struct cbpf_insn prologue[] = {
		{ CBPF_LD | CBPF_W | CBPF_ABS, 0, 0, 0 },
		{ CBPF_JMP | CBPF_JEQ | CBPF_K, 0, 1, SYS_exit_group },
		{ CBPF_RET | CBPF_K, 0, 0, SECCOMP_RET_ALLOW },
		{ CBPF_LD | CBPF_IMM, 0, 0, 0 },
	};
	struct cbpf_seccomp_data sd = c->sd;
	struct cbpf_input in = cbpf_input_seccomp(&sd);
	struct cbpf_insn *w;
	int status, expect;
	size_t n;

	if (c->want_error) {
		if (dry)
			return true;
		status = seccomp_child(cbpf_prog_insns(c->prog), cbpf_prog_len(c->prog), &sd);
		if (status < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != CHILD_REFUSED)
			fail(c, eng, "seccomp(2) does not refuse it with EINVAL");
		else
			tally[eng].pass++;
		return true;
	}
	if (!kernel_checks(c, CBPF_CHECK_SECCOMP, why, size))
		return false;
	for (size_t i = 0; i < want->n; i++) {
		if (want->v[i].read == CBPF_VM_READ_PACKET &&
		    (want->v[i].off == 8 || want->v[i].off == 12)) {
			snprintf(why, size,
				 "insn %u reads the instruction pointer, which is the "
				 "kernel's",
				 want->v[i].pc);
			return false;
		}
	}
	if (c->sd.nr == SYS_exit_group) {
		snprintf(why, size, "the harness lets exit_group through");
		return false;
	}
	if (cbpf_prog_len(c->prog) + 7 > CBPF_MAXINSNS) {
		snprintf(why, size, "no room for the prologue and the comparison");
		return false;
	}
	sd.arch = NATIVE_ARCH;
	if (!same_run(vm, want, &in, eng, "a system call on this machine: its own arch", why, size))
		return false;
	if (dry)
		return true;
	if (c->how == HOW_RET)
		n = rewrite(c, prologue, 4, SECCOMP_RET_ERRNO | 1, SECCOMP_RET_ERRNO | 2, &w);
	else
		n = rewrite(c, prologue, 4, SECCOMP_RET_ERRNO | 1, SECCOMP_RET_ERRNO | 1, &w);
	if (!n) {
		fail(c, eng, "out of memory");
		return true;
	}
	status = seccomp_child(w, n, &sd);
	free(w);
	expect = c->how == HOW_RET ? 1 : -SIGSYS;
	if (status < 0)
		fail(c, eng, "fork or wait failed");
	else if (WIFEXITED(status) && WEXITSTATUS(status) == CHILD_REFUSED)
		fail(c, eng, "seccomp(2) refuses the filter, which cbpf_check takes");
	else if (WIFSIGNALED(status) ? -WTERMSIG(status) != expect
				     : (int)WEXITSTATUS(status) != expect)
		fail(c, eng, "the child %s %d, expected %s",
		     WIFSIGNALED(status) ? "died of signal" : "exited with",
		     WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status),
		     expect == 1 ? "EPERM (the expected return)" : "SIGSYS (the program's end)");
	else
		tally[eng].pass++;
	return true;
}

/* ---------------------------------------------------------------- the JIT */

/* Why the JIT cannot run here (not x86-64, executable memory refused), or NULL. */
static const char *probe_jit(void)
{
	static char why[256];
	const struct cbpf_insn ret = { CBPF_RET | CBPF_K, 0, 0, 1 };
	struct cbpf_prog *prog = cbpf_prog_new(&ret, 1);
	struct cbpf_diags d = { 0 };
	struct cbpf_vm *vm = NULL;
	struct cbpf_jit *jit = NULL;
	int err = -ENOMEM;

	if (prog && !cbpf_vm_new(prog, CBPF_VM_SOCKET, &vm, &d))
		err = cbpf_jit_new(vm, &jit, &d);
	if (err)
		snprintf(why, sizeof(why), "%s", d.n ? d.v[0].msg : strerror(-err));
	cbpf_jit_free(jit);
	cbpf_vm_free(vm);
	cbpf_prog_free(prog);
	cbpf_diags_free(&d);
	return err ? why : NULL;
}

/*
 * The native code against the case, then against the interpreter on every shorter cut of the
 * packet (where the bounds checks decide), each cut a variant.
 */
static void engine_jit(const struct vcase *c, const struct cbpf_vm *vm)
{
	struct cbpf_input in = case_input(c);
	struct cbpf_diags d = { 0 };
	struct cbpf_jit *jit;
	uint32_t got;
	int err = cbpf_jit_new(vm, &jit, &d);

	if (err) {
		fail(c, E_JIT, "cbpf_jit_new: %s (%s)", strerror(-err), d.n ? d.v[0].msg : "");
		cbpf_diags_free(&d);
		return;
	}
	got = cbpf_jit_run(jit, &in);
	if (got != c->result)
		fail(c, E_JIT, "returns %#x, the case says %#x", got, c->result);
	else
		tally[E_JIT].pass++;
	for (uint32_t cut = 0; !c->seccomp && cut < c->pktlen; cut++) {
		struct cbpf_input short_in = in;
		uint32_t want;

		short_in.caplen = cut;
		want = cbpf_vm_run(vm, &short_in);
		got = cbpf_jit_run(jit, &short_in);
		if (got != want) {
			fail(c, E_JIT,
			     "the packet cut to %u bytes: returns %#x, the interpreter %#x", cut,
			     got, want);
			break;
		}
		tally[E_JIT].variants++;
	}
	cbpf_jit_free(jit);
}

/* ---------------------------------------------------------------- one case */

/* A program that cannot run: every engine refuses it, with the case's message. */
static void refused_everywhere(const struct vcase *c, unsigned engines)
{
	for (int e = 0; e < N_ENGINES; e++) {
		struct cbpf_diags d = { 0 };
		/* A refusal leaves *out alone: these must come back as they went. */
		struct cbpf_vm *vm = (struct cbpf_vm *)&d;
		struct cbpf_ebpf_prog *ep = (struct cbpf_ebpf_prog *)&d;
		bool found = false;
		int err;

		if (!(engines & BIT(e)) || !(selected & BIT(e)))
			continue;
		if (e == E_KERNEL_CLASSIC || e == E_KERNEL_SECCOMP) {
			char why[8];

			if (tally[e].unavailable)
				continue;
			if (e == E_KERNEL_CLASSIC)
				engine_kernel_classic(c, NULL, NULL, false, why, sizeof(why));
			else
				engine_kernel_seccomp(c, NULL, NULL, false, why, sizeof(why));
			continue;
		}
		if (e == E_RUN || e == E_STEP || e == E_JIT) {
			err = cbpf_vm_new(c->prog, c->seccomp ? CBPF_VM_SECCOMP : CBPF_VM_SOCKET,
					  &vm, &d);
		} else {
			struct cbpf_xlate_opts o = { .target = engine_target[e] };

			err = cbpf_xlate(c->prog, &o, &ep, &d);
		}
		for (size_t i = 0; i < d.n; i++)
			if (d.v[i].severity == CBPF_SEV_ERROR && strstr(d.v[i].msg, c->error) &&
			    (c->error_insn == -2 || d.v[i].insn == c->error_insn))
				found = true;
		if (err != -EINVAL)
			fail(c, (enum engine)e, "takes the program (%s)",
			     err ? strerror(-err) : "no error");
		else if (vm != (struct cbpf_vm *)&d || ep != (struct cbpf_ebpf_prog *)&d)
			fail(c, (enum engine)e, "refuses it, but sets its result");
		else if (!d.errors)
			fail(c, (enum engine)e, "refuses it without counting an error");
		else if (!found)
			fail(c, (enum engine)e,
			     "refuses it, but not with insn %ld: '%s' (it says insn %ld: '%s')",
			     c->error_insn, c->error, d.n ? d.v[0].insn : -1,
			     d.n ? d.v[0].msg : "");
		else
			tally[e].pass++;
		if (vm != (struct cbpf_vm *)&d)
			cbpf_vm_free(vm);
		if (ep != (struct cbpf_ebpf_prog *)&d)
			cbpf_ebpf_prog_free(ep);
		cbpf_diags_free(&d);
	}
}

static void run_case(const struct vcase *c)
{
	unsigned engines = c->seccomp ? SECCOMP_ENGINES : SOCKET_ENGINES;
	struct cbpf_input in = case_input(c);
	struct cbpf_diags d = { 0 };
	struct cbpf_vm *vm = NULL;
	struct trace want = { 0 };

	ncases++;
	if (verbose)
		printf("%s\n", c->name);
	if (c->want_error)
		return refused_everywhere(c, engines);
	if (cbpf_vm_new(c->prog, c->seccomp ? CBPF_VM_SECCOMP : CBPF_VM_SOCKET, &vm, &d)) {
		fail(c, E_RUN, "cbpf_vm_new refuses the program: %s", d.n ? d.v[0].msg : "?");
		cbpf_diags_free(&d);
		return;
	}
	if (trace_run(vm, &in, &want)) {
		fail(c, E_STEP, "cbpf_vm_step failed");
		goto out;
	}
	for (int e = 0; e < N_ENGINES; e++) {
		char why[1024] = "";
		bool skip = c->skips & BIT(e), dry = skip || tally[e].unavailable, expressed;
		unsigned passed = tally[e].pass, failed = failures;

		if (!(engines & BIT(e)) || !(selected & BIT(e)))
			continue;
		switch (e) {
		case E_RUN:
			engine_run(c, vm);
			expressed = true;
			break;
		case E_STEP:
			engine_step(c, vm);
			expressed = true;
			break;
		case E_JIT:
			if (!tally[E_JIT].unavailable)
				engine_jit(c, vm);
			expressed = true;
			break;
		case E_EBPF_SOCKET:
		case E_EBPF_TC:
		case E_EBPF_XDP:
		case E_EBPF_SECCOMP:
			expressed =
				engine_ebpf(c, (enum engine)e, vm, &want, dry, why, sizeof(why));
			break;
		case E_KERNEL_CLASSIC:
			expressed = engine_kernel_classic(c, vm, &want, dry, why, sizeof(why));
			break;
		case E_KERNEL_SECCOMP:
			expressed = engine_kernel_seccomp(c, vm, &want, dry, why, sizeof(why));
			break;
		default:
			expressed = engine_kernel_xlate(c, (enum engine)e, vm, &want, dry, why,
							sizeof(why));
		}
		if (skip && expressed)
			fail(c, (enum engine)e,
			     "'-- skip' is not needed: the engine takes the case");
		else if (skip)
			tally[e].skipped++;
		else if (!expressed)
			fail(c, (enum engine)e,
			     "cannot take the case: %s; a '-- skip %s' section must say why", why,
			     engine_name[e]);
		if (verbose)
			printf("  %-15s %s%s\n", engine_name[e],
			       failures > failed	? "FAILS"
			       : tally[e].pass > passed ? "agrees"
			       : !expressed		? "cannot take it: "
			       : skip			? "skipped, though it could take it"
							: "not run here",
			       failures == failed && tally[e].pass == passed && !expressed ? why
											   : "");
	}
out:
	free(want.v);
	cbpf_vm_free(vm);
	cbpf_diags_free(&d);
}

/* ---------------------------------------------------------------- coverage */

/* Opcodes the result cases run, per mode, and the ancillary fields socket cases load. */
static bool used[2][0x10000];
static bool anc_used[CBPF_AD_MAX / 4];

static void note_coverage(const struct vcase *c)
{
	const struct cbpf_insn *v = cbpf_prog_insns(c->prog);

	if (c->want_error)
		return;
	for (size_t i = 0; i < cbpf_prog_len(c->prog); i++) {
		used[c->seccomp][v[i].code] = true;
		if (!c->seccomp && CBPF_CLASS(v[i].code) == CBPF_LD &&
		    CBPF_MODE(v[i].code) == CBPF_ABS && v[i].k >= (uint32_t)CBPF_AD_OFF &&
		    v[i].k < (uint32_t)CBPF_AD_OFF + CBPF_AD_MAX && v[i].k % 4 == 0)
			anc_used[(v[i].k - (uint32_t)CBPF_AD_OFF) / 4] = true;
	}
}

/* Every opcode in a case of each kind of filter that allows it, every ancillary field. */
static void check_coverage(void)
{
	size_t n;
	const struct cbpf_opcode_info *t = cbpf_opcode_table(&n);

	for (size_t i = 0; i < n; i++) {
		for (int sc = 0; sc < 2; sc++) {
			if (!(t[i].flags & (sc ? CBPF_OPF_SECCOMP : CBPF_OPF_SOCKET)) ||
			    used[sc][t[i].code])
				continue;
			failures++;
			fprintf(stderr, "coverage: no %s case runs opcode 0x%02x ('%s')\n",
				sc ? "seccomp" : "socket", t[i].code, t[i].name);
		}
	}
	for (int a = 0; a < CBPF_AD_MAX / 4; a++) {
		if (anc_used[a])
			continue;
		failures++;
		fprintf(stderr, "coverage: no case loads the ancillary field SKF_AD_OFF + %d\n",
			a * 4);
	}
}

/* ---------------------------------------------------------------- main */

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Adds path, or the *.case files of the directory path, sorted, to the list. */
static int collect(const char *path, char ***list, size_t *n)
{
	struct stat st;
	DIR *dir;
	struct dirent *de;
	size_t first = *n;

	if (stat(path, &st))
		return bad(path, 0, "%s", strerror(errno));
	if (!S_ISDIR(st.st_mode)) {
		*list = realloc(*list, (*n + 1) * sizeof(**list));
		(*list)[(*n)++] = strdup(path);
		return 0;
	}
	dir = opendir(path);
	if (!dir)
		return bad(path, 0, "%s", strerror(errno));
	while ((de = readdir(dir))) {
		size_t l = strlen(de->d_name);
		char *full;

		if (l < 6 || strcmp(de->d_name + l - 5, ".case"))
			continue;
		full = malloc(strlen(path) + l + 2);
		sprintf(full, "%s/%s", path, de->d_name);
		*list = realloc(*list, (*n + 1) * sizeof(**list));
		(*list)[(*n)++] = full;
	}
	closedir(dir);
	qsort(*list + first, *n - first, sizeof(**list), by_name);
	return 0;
}

static void usage(void)
{
	fprintf(stderr, "usage: vm-cases [-v] [-e ENGINE,...] DIR|FILE...\n");
	exit(2);
}

int main(int argc, char **argv)
{
	char **files = NULL;
	size_t nfiles = 0;
	unsigned runs = 0, skipped = 0, variants = 0;
	bool unrun = false, whole = true;
	int opt;

	setvbuf(stdout, NULL, _IOLBF, 0);
	while ((opt = getopt(argc, argv, "ve:")) != -1) {
		switch (opt) {
		case 'v':
			verbose++;
			break;
		case 'e':
			selected = BIT(E_RUN) | BIT(E_STEP);
			for (char *tok = strtok(optarg, ","); tok; tok = strtok(NULL, ",")) {
				int e;

				for (e = 0; e < N_ENGINES; e++)
					if (!strcmp(tok, engine_name[e]))
						break;
				if (e == N_ENGINES)
					usage();
				selected |= BIT(e);
			}
			break;
		default:
			usage();
		}
	}
	if (optind == argc)
		usage();
	for (int i = optind; i < argc; i++) {
		struct stat st;

		/* Coverage is asked of whole directories of cases, not of single files. */
		whole = whole && !stat(argv[i], &st) && S_ISDIR(st.st_mode);
		collect(argv[i], &files, &nfiles);
	}

	tally[E_JIT].unavailable = probe_jit();
	tally[E_KERNEL_CLASSIC].unavailable = probe_unix();
	tally[E_KERNEL_SECCOMP].unavailable = probe_seccomp();
	tally[E_KERNEL_SOCKET].unavailable = probe_test_run(CBPF_TARGET_SOCKET);
	tally[E_KERNEL_TC].unavailable = probe_test_run(CBPF_TARGET_TC);
	tally[E_KERNEL_XDP].unavailable = probe_test_run(CBPF_TARGET_XDP);

	for (size_t i = 0; i < nfiles; i++) {
		struct vcase c;

		if (!case_load(&c, files[i])) {
			note_coverage(&c);
			run_case(&c);
		}
		case_free(&c);
		free(files[i]);
	}
	free(files);
	if (whole)
		check_coverage();

	for (int e = 0; e < N_ENGINES; e++) {
		if (!(selected & BIT(e)))
			continue;
		if (tally[e].unavailable) {
			printf("%-15s not run: %s\n", engine_name[e], tally[e].unavailable);
			unrun = true;
			continue;
		}
		printf("%-15s %4u agree, %3u skipped as their cases say", engine_name[e],
		       tally[e].pass, tally[e].skipped);
		if (tally[e].variants)
			printf(", %u variants agree", tally[e].variants);
		putchar('\n');
		runs += tally[e].pass;
		skipped += tally[e].skipped;
		variants += tally[e].variants;
	}
	if (failures) {
		printf("%u cases: %u failures\n", ncases, failures);
		return 1;
	}
	if (unrun) {
		printf("skipped: %u cases agree on every engine that ran, but", ncases);
		for (int e = 0; e < N_ENGINES; e++)
			if ((selected & BIT(e)) && tally[e].unavailable)
				printf(" %s", engine_name[e]);
		printf(" could not run (see above)\n");
		return 77;
	}
	printf("%u cases, %u runs agree (and %u variants), %u skipped as their cases say\n", ncases,
	       runs, variants, skipped);
	return 0;
}
