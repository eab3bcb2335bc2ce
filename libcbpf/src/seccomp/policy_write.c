// SPDX-License-Identifier: MIT
/* A recording written as a policy: minijail text or an OCI profile, allowing what it holds. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "seccomp/recording_int.h"

#define BODY_MAX 8192

/* The architectures written: the caller's, else those seen with the host's first. */
static size_t arch_list(const struct cbpf_recording *rec, const struct cbpf_recording_write_opts *o,
			enum cbpf_arch *out)
{
	unsigned mask = cbpf_recording_arch_mask(rec);
	enum cbpf_arch host = cbpf_arch_native();
	size_t n = 0;

	if (o && o->n_arches) {
		for (size_t i = 0; i < o->n_arches && n < CBPF_ARCH_COUNT; i++)
			out[n++] = o->arches[i];
		return n;
	}
	if (!mask && host)
		mask = 1U << host;
	if (host && (mask & (1U << host)))
		out[n++] = host;
	for (int a = CBPF_ARCH_X86_64; a <= CBPF_ARCH_COUNT; a++)
		if ((mask & (1U << a)) && (enum cbpf_arch)a != host)
			out[n++] = (enum cbpf_arch)a;
	return n;
}

/* One statement's body: "1", or its alternatives; numeric (for grouping) or named. */
static void body(const struct rec_entry *e, bool named, char *buf, size_t size)
{
	size_t at = 0;
	char v0[128], v1[128];

	if (e->any) {
		snprintf(buf, size, "1");
		return;
	}
	if (e->key->kind == REC_NOEXEC) {
		snprintf(buf, size, "arg%u in ~%s", e->key->a0, named ? "PROT_EXEC" : "4");
		return;
	}
	buf[0] = '\0';
	for (size_t i = 0; i < e->n && at < size; i++) {
		if (named) {
			argfmt_value(e->arch, e->key->fam0, e->vals[i][0], v0, sizeof(v0));
			if (e->key->kind == REC_PAIR)
				argfmt_value(e->arch, e->key->fam1, e->vals[i][1], v1, sizeof(v1));
		} else {
			snprintf(v0, sizeof(v0), "%#" PRIx64, e->vals[i][0]);
			snprintf(v1, sizeof(v1), "%#" PRIx64, e->vals[i][1]);
		}
		if (e->key->kind == REC_PAIR)
			at += (size_t)snprintf(buf + at, size - at, "%sarg%u == %s && arg%u == %s",
					       i ? " || " : "", e->key->a0, v0, e->key->a1, v1);
		else
			at += (size_t)snprintf(buf + at, size - at, "%sarg%u == %s",
					       i ? " || " : "", e->key->a0, v0);
	}
}

struct item {
	const char *name;
	char *named, *numeric;
	unsigned mask;
};

static int item_cmp(const void *pa, const void *pb)
{
	const struct item *a = pa, *b = pb;
	int c = strcmp(a->name, b->name);

	if (!c)
		c = strcmp(a->numeric, b->numeric);
	if (!c)
		c = strcmp(a->named, b->named);
	return c;
}

static bool in_list(const enum cbpf_arch *arches, size_t n, enum cbpf_arch a)
{
	for (size_t i = 0; i < n; i++)
		if (arches[i] == a)
			return true;
	return false;
}

static int write_minijail(FILE *fp, const struct cbpf_recording *rec, const enum cbpf_arch *arches,
			  size_t na, bool rules_only)
{
	struct item *it = calloc(rec->n ? rec->n : 1, sizeof(*it));
	unsigned all = 0;
	size_t n = 0;
	int err = 0;

	if (!it)
		return -ENOMEM;
	for (size_t a = 0; a < na; a++)
		all |= 1U << arches[a];
	for (size_t i = 0; i < rec->n; i++) {
		const struct rec_entry *e = &rec->e[i];

		if (!in_list(arches, na, e->arch))
			continue;
		it[n].name = e->name;
		it[n].mask = 1U << e->arch;
		it[n].named = malloc(BODY_MAX);
		it[n].numeric = malloc(BODY_MAX);
		n++;
		if (!it[n - 1].named || !it[n - 1].numeric) {
			err = -ENOMEM;
			goto out;
		}
		body(e, true, it[n - 1].named, BODY_MAX);
		body(e, false, it[n - 1].numeric, BODY_MAX);
	}
	qsort(it, n, sizeof(*it), item_cmp);
	if (!rules_only) {
		fprintf(fp,
			"# Recorded by cbpf-xlate --record: the system calls the runs made, and no "
			"other (docs/policy.md).\n# architectures:");
		for (size_t a = 0; a < na; a++)
			fprintf(fp, " %s", cbpf_arch_name(arches[a]));
		fprintf(fp, "\n");
		if (na > 1 || arches[0] != cbpf_arch_native()) {
			fprintf(fp, "# compile with --arch ");
			for (size_t a = 0; a < na; a++)
				fprintf(fp, "%s%s", a ? "," : "", cbpf_arch_name(arches[a]));
			fprintf(fp, "\n");
		}
	}
	for (size_t i = 0; i < n;) {
		unsigned mask = 0;
		size_t j = i;

		for (; j < n && !item_cmp(&it[i], &it[j]); j++)
			mask |= it[j].mask;
		fprintf(fp, "%s", it[i].name);
		if (mask != all) {
			const char *sep = "[arch=";

			for (size_t a = 0; a < na; a++)
				if (mask & (1U << arches[a])) {
					fprintf(fp, "%s%s", sep, cbpf_arch_name(arches[a]));
					sep = ",";
				}
			fprintf(fp, "]");
		}
		fprintf(fp, ": %s\n", it[i].named);
		i = j;
	}
out:
	for (size_t i = 0; i < n; i++) {
		free(it[i].named);
		free(it[i].numeric);
	}
	free(it);
	return err;
}

/* The entries of one name over the architectures, as one: the union. */
static void merge(struct rec_entry *m, const struct rec_entry *e)
{
	if (!m->name) {
		*m = *e;
		return;
	}
	if (m->any || e->any) {
		m->any = true;
		return;
	}
	for (size_t i = 0; i < e->n && !m->any; i++) {
		bool have = false;

		for (size_t k = 0; k < m->n; k++)
			have |= m->vals[k][0] == e->vals[i][0] && m->vals[k][1] == e->vals[i][1];
		if (have)
			continue;
		if (m->n == REC_MAX_VALUES)
			m->any = true;
		else
			memcpy(m->vals[m->n++], e->vals[i], sizeof(e->vals[i]));
	}
}

static int name_cmp(const void *pa, const void *pb)
{
	const struct rec_entry *a = pa, *b = pb;

	return strcmp(a->name, b->name);
}

static void json_arg(FILE *fp, unsigned index, uint64_t value, uint64_t two, const char *op)
{
	fprintf(fp,
		"{\"index\": %u, \"value\": %" PRIu64 ", \"valueTwo\": %" PRIu64
		", \"op\": \"%s\"}",
		index, value, two, op);
}

static int write_oci(FILE *fp, const struct cbpf_recording *rec, const enum cbpf_arch *arches,
		     size_t na, bool rules_only)
{
	struct rec_entry *m = calloc(rec->n ? rec->n : 1, sizeof(*m));
	size_t n = 0, col = 0;
	const char *sep = rules_only ? "" : "\t\t";
	bool first = true;

	if (!m)
		return -ENOMEM;
	/* One entry per name: OCI rules hold for every architecture of the profile. */
	for (size_t i = 0; i < rec->n; i++) {
		const struct rec_entry *e = &rec->e[i];
		size_t k = 0;

		if (!in_list(arches, na, e->arch))
			continue;
		while (k < n && strcmp(m[k].name, e->name))
			k++;
		if (k == n)
			n++;
		merge(&m[k], e);
	}
	qsort(m, n, sizeof(*m), name_cmp);
	if (!rules_only) {
		fprintf(fp,
			"{\n\t\"defaultAction\": \"SCMP_ACT_ERRNO\",\n\t\"defaultErrnoRet\": 1,\n"
			"\t\"architectures\": [");
		for (size_t a = 0; a < na; a++)
			fprintf(fp, "%s\"%s\"", a ? ", " : "", cbpf_arch_scmp_name(arches[a]));
		fprintf(fp, "],\n\t\"syscalls\": [\n");
	}
	/* The unconditional ones together, a few names a line. */
	for (size_t i = 0; i < n; i++) {
		if (!m[i].any)
			continue;
		if (first) {
			fprintf(fp, "%s{\n%s\t\"names\": [\n%s\t\t", sep, sep, sep);
			col = 0;
		} else if (col > 72) {
			fprintf(fp, ",\n%s\t\t", sep);
			col = 0;
		} else {
			fprintf(fp, ", ");
			col += 2;
		}
		fprintf(fp, "\"%s\"", m[i].name);
		col += strlen(m[i].name) + 2;
		first = false;
	}
	if (!first)
		fprintf(fp, "\n%s\t],\n%s\t\"action\": \"SCMP_ACT_ALLOW\"\n%s}", sep, sep, sep);
	for (size_t i = 0; i < n; i++) {
		size_t alts = m[i].any ? 0 : m[i].key->kind == REC_NOEXEC ? 1 : m[i].n;

		for (size_t k = 0; k < alts; k++) {
			fprintf(fp,
				"%s\n%s{\"names\": [\"%s\"], \"action\": \"SCMP_ACT_ALLOW\", "
				"\"args\": [",
				first ? "" : ",", sep, m[i].name);
			first = false;
			if (m[i].key->kind == REC_NOEXEC) {
				json_arg(fp, m[i].key->a0, 4, 0, "SCMP_CMP_MASKED_EQ");
			} else {
				json_arg(fp, m[i].key->a0, m[i].vals[k][0], 0, "SCMP_CMP_EQ");
				if (m[i].key->kind == REC_PAIR) {
					fprintf(fp, ", ");
					json_arg(fp, m[i].key->a1, m[i].vals[k][1], 0,
						 "SCMP_CMP_EQ");
				}
			}
			fprintf(fp, "]}");
		}
	}
	if (!rules_only)
		fprintf(fp, "\n\t]\n}\n");
	else if (!first)
		fprintf(fp, "\n");
	free(m);
	return 0;
}

int cbpf_recording_write(FILE *fp, const struct cbpf_recording *rec, enum cbpf_record_format format,
			 const struct cbpf_recording_write_opts *opts)
{
	enum cbpf_arch arches[CBPF_ARCH_COUNT];
	size_t na = arch_list(rec, opts, arches);
	bool rules_only = opts && opts->rules_only;
	int err;

	if (!na)
		arches[na++] = CBPF_ARCH_X86_64; /* a host of none of ours, nothing seen */
	if (format == CBPF_RECORD_OCI)
		err = write_oci(fp, rec, arches, na, rules_only);
	else
		err = write_minijail(fp, rec, arches, na, rules_only);
	if (!err && (fflush(fp) || ferror(fp)))
		err = -EIO;
	return err;
}

size_t cbpf_recording_read_arches(const char *src, size_t len, enum cbpf_arch *out)
{
	static const char tag[] = "# architectures:";
	const char *p = src, *end = src + len;
	size_t n = 0;

	/* the tag on a line of the first few, as the writer puts it */
	for (int line = 0; line < 8 && p < end; line++) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));

		if (!eol)
			eol = end;
		if ((size_t)(eol - p) > sizeof(tag) - 1 && !memcmp(p, tag, sizeof(tag) - 1)) {
			const char *q = p + sizeof(tag) - 1;

			while (q < eol && n < CBPF_ARCH_COUNT) {
				char name[16];
				size_t k = 0;
				enum cbpf_arch a;

				while (q < eol && *q == ' ')
					q++;
				while (q < eol && *q != ' ' && k < sizeof(name) - 1)
					name[k++] = *q++;
				name[k] = '\0';
				if (k && !cbpf_arch_parse(name, &a) && !in_list(out, n, a))
					out[n++] = a;
			}
			return n;
		}
		p = eol + 1;
	}
	return 0;
}
