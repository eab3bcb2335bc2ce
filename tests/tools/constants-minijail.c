// SPDX-License-Identifier: MIT
/*
 * Test tool: minijail's constants tables (crosvm's jail/seccomp/ARCH/constants.json, as
 * ../shared/corpus/seccomp/minijail-constants has them) against libcbpf/data/constants.csv:
 * every name theirs holds must be in ours for that architecture, with the same 64-bit value.
 * The differences cbpf keeps on purpose are listed here, each with its reason; any other fails.
 * Usage: constants-minijail ARCH.json...   (ARCH: a column name of the table, x86_64, aarch64...)
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "seccomp/consttab.h"

/* minijail's values come from libc's headers where libc defines a name too; cbpf's from the
 * kernel's, which is what the kernel compares an argument with. */
static const struct {
	const char *arch, *name, *why;
} known[] = {
	{ "x86_64", "NSIG",
	  "the kernel's asm/signal.h on x86 says 32 (its old sigset_t); glibc's NSIG is 65" },
};

static const char *known_why(const char *arch, const char *name)
{
	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (!strcmp(arch, known[i].arch) && !strcmp(name, known[i].name))
			return known[i].why;
	return NULL;
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf = NULL;
	size_t len = 0, cap = 0;

	if (!f)
		return NULL;
	for (;;) {
		if (cap - len < 4096) {
			char *b = realloc(buf, cap = cap ? 2 * cap : 65536);

			if (!b) {
				free(buf);
				fclose(f);
				return NULL;
			}
			buf = b;
		}
		size_t n = fread(buf + len, 1, cap - len - 1, f);

		if (!n)
			break;
		len += n;
	}
	fclose(f);
	buf[len] = '\0';
	return buf;
}

/* Checks one file; returns the number of unexplained problems, or -1 when unreadable. */
static long check(const char *path)
{
	const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	char arch[32];
	char *src = slurp(path), *p;
	long bad = 0;
	size_t names = 0, equal = 0, explained = 0;
	int col;

	snprintf(arch, sizeof(arch), "%.*s", (int)strcspn(base, "."), base);
	col = systab_col_parse(arch);
	if (!src || col < 0) {
		fprintf(stderr, "%s: %s\n", path, !src ? strerror(errno) : "no such column");
		free(src);
		return -1;
	}
	/* "constants": { "NAME": number, ... } -- the object holds nothing else. */
	p = strstr(src, "\"constants\"");
	p = p ? strchr(p, '{') : NULL;
	if (!p) {
		fprintf(stderr, "%s: no \"constants\" object\n", path);
		free(src);
		return -1;
	}
	for (p++; *p && *p != '}';) {
		char name[128], *end;
		const struct consttab_entry *e;
		long long theirs;
		uint64_t ours;
		size_t n;

		p += strspn(p, " \t\r\n,");
		if (*p != '"')
			break;
		n = strcspn(++p, "\"");
		snprintf(name, sizeof(name), "%.*s", (int)n, p);
		p += n + 1;
		p += strspn(p, " \t\r\n:");
		errno = 0;
		theirs = strtoll(p, &end, 10);
		if (end == p || errno) {
			fprintf(stderr, "%s: %s: not a number\n", path, name);
			free(src);
			return -1;
		}
		p = end;
		names++;
		e = consttab_find(name);
		if (!e || consttab_value(e, col, &ours)) {
			printf("  %-8s %-32s minijail %-20lld cbpf -   MISSING\n", arch, name,
			       theirs);
			bad++;
		} else if (ours == (uint64_t)theirs) {
			equal++;
		} else {
			const char *why = known_why(arch, name);

			printf("  %-8s %-32s minijail %-20lld cbpf %#llx   %s\n", arch, name,
			       theirs, (unsigned long long)ours, why ? why : "UNEXPLAINED");
			if (why)
				explained++;
			else
				bad++;
		}
	}
	printf("%s: %zu names: %zu equal, %zu differ for the reasons given, %ld unexplained\n",
	       arch, names, equal, explained, bad);
	free(src);
	return names ? bad : -1;
}

int main(int argc, char **argv)
{
	long bad = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: constants-minijail ARCH.json...\n");
		return 2;
	}
	for (int i = 1; i < argc; i++) {
		long r = check(argv[i]);

		if (r < 0)
			return 1;
		bad += r;
	}
	return bad ? 1 : 0;
}
