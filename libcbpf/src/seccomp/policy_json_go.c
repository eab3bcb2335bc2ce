// SPDX-License-Identifier: MIT
/* Docker / OCI profiles decoded as Go's encoding/json decodes them into moby's types. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "seccomp/policy_json.h"

static void pdiag(struct profile *pr, enum cbpf_severity sev, const struct jval *at,
		  const char *fmt, va_list ap) CBPF_PRINTF(4, 0);

static void pdiag(struct profile *pr, enum cbpf_severity sev, const struct jval *at,
		  const char *fmt, va_list ap)
{
	policy_vdiag(pr->ctx, sev, pr->file, at ? at->line : 0, at ? at->col : 0, at ? at->len : 0,
		     fmt, ap);
}

void prof_err(struct profile *pr, const struct jval *at, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	pdiag(pr, CBPF_SEV_ERROR, at, fmt, ap);
	va_end(ap);
}

void prof_warn(struct profile *pr, const struct jval *at, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	pdiag(pr, CBPF_SEV_WARNING, at, fmt, ap);
	va_end(ap);
}

static const char *type_name(enum jtype t)
{
	static const char *const names[] = { "null",	 "a boolean", "a number",
					     "a string", "an array",  "an object" };
	return names[t];
}

const struct jval *prof_member(const struct jval *obj, const char *name)
{
	for (size_t i = 0; i < obj->n; i++)
		if (!strcmp(obj->keys[i].str, name))
			return &obj->items[i];
	return NULL;
}

bool prof_want(struct profile *pr, const struct jval *v, enum jtype type, const char *what)
{
	if (v->type == type)
		return true;
	prof_err(pr, v, "%s must be %s, not %s", what, type_name(type), type_name(v->type));
	return false;
}

bool prof_uint(struct profile *pr, const struct jval *v, uint64_t max, const char *what,
	       uint64_t *out)
{
	uint64_t x = 0;

	if (!prof_want(pr, v, J_NUM, what))
		return false;
	for (size_t i = 0; i < v->n; i++) {
		unsigned d = (unsigned)(v->str[i] - '0');

		if (d > 9) {
			prof_err(pr, v, "%s must be a non-negative integer, not %.*s%s", what,
				 DIAG_QA(v->str, v->n));
			return false;
		}
		if (x > (UINT64_MAX - d) / 10 || x * 10 + d > max) {
			prof_err(pr, v, "%s %.*s%s is out of range (at most %llu)", what,
				 DIAG_QA(v->str, v->n), (unsigned long long)max);
			return false;
		}
		x = x * 10 + d;
	}
	*out = x;
	return true;
}

static void *prof_alloc(struct profile *pr, size_t size)
{
	void *p = arena_alloc(pr->arena, size);

	if (!p && !pr->ctx->err)
		pr->ctx->err = -ENOMEM;
	return p;
}

/* ---------------------------------------------------------------- read as Go reads */

/*
 * Docker (moby profiles/seccomp LoadProfile) reads a profile with Go's encoding/json into moby's
 * Seccomp type, which embeds runtime-spec's LinuxSeccomp; runc reads LinuxSeccomp itself. A
 * profile means what that decoder makes of it, so it is first decoded here the same way
 * (encoding/json decode.go: object, array, literalStore; fold.go: foldName), into a tree that
 * holds, for each struct, the fields Go would have set, under their own names:
 * - a key names a field exactly, else by Unicode simple case folding (bytes.EqualFold): ASCII
 *   case, and U+017F 'ſ' is 's' and U+212A (the Kelvin sign) is 'k', the only runes outside
 *   ASCII that fold into it; invalid UTF-8 names nothing (Go reads it as U+FFFD);
 * - keys apply in document order: of two keys for one field the last counts, except that null
 *   leaves a string or a number as it was, and makes a pointer or a slice nil;
 * - an object is decoded over the struct already there (members it lacks keep their values),
 *   and an array over the slice already there, element i over element i, even over one that a
 *   shorter array cut off since (Go reuses the slice's backing array); [] and null start afresh;
 * - a value of the wrong type, a number no uint64 holds (negative, fractional, an exponent, too
 *   large) and a minKernel that moby's KernelVersion refuses fail the whole decoding even where
 *   a later key replaces them, and Docker refuses the profile.
 */
enum gokind { GO_SKIP, GO_STRING, GO_UINT, GO_KERNEL, GO_SLICE, GO_STRUCT };

struct gofield;

struct gotype {
	enum gokind kind;
	bool ptr;	  /* a Go pointer (*uint, *Filter, []*Syscall): null makes it nil */
	const char *what; /* its value in messages */
	const char *in;	  /* GO_STRUCT: where its members are, in messages */
	const struct gotype *elem;    /* GO_SLICE */
	const struct gofield *fields; /* GO_STRUCT: up to a NULL name */
};

struct gofield {
	const char *name; /* the json tag */
	const struct gotype *type;
};

#define GO_MAX_FIELDS 10

#define GO_STR(w)                                                                                  \
	{                                                                                          \
		.kind = GO_STRING, .what = (w)                                                     \
	}
#define GO_SLICE_OF(w, e)                                                                          \
	{                                                                                          \
		.kind = GO_SLICE, .what = (w), .elem = (e)                                         \
	}

static const struct gotype go_action = GO_STR("an action"), go_op = GO_STR("op"),
			   go_name = GO_STR("name"), go_comment = GO_STR("comment"),
			   go_sysname = GO_STR("a syscall name"),
			   go_arch = GO_STR("an architecture"), go_flag = GO_STR("a flag"),
			   go_cap = GO_STR("a capability"), go_lpath = GO_STR("listenerPath"),
			   go_lmeta = GO_STR("listenerMetadata");
static const struct gotype go_index = { .kind = GO_UINT, .what = "index" },
			   go_value = { .kind = GO_UINT, .what = "value" },
			   go_value2 = { .kind = GO_UINT, .what = "valueTwo" },
			   go_errno = { .kind = GO_UINT, .ptr = true, .what = "errnoRet" },
			   go_derrno = { .kind = GO_UINT, .ptr = true, .what = "defaultErrnoRet" },
			   go_kernel = { .kind = GO_KERNEL, .ptr = true, .what = "minKernel" },
			   go_skip = { .kind = GO_SKIP };
static const struct gotype go_names = GO_SLICE_OF("names", &go_sysname),
			   go_arches = GO_SLICE_OF("architectures", &go_arch),
			   go_subarches = GO_SLICE_OF("subArchitectures", &go_arch),
			   go_flags = GO_SLICE_OF("flags", &go_flag),
			   go_caps = GO_SLICE_OF("caps", &go_cap),
			   go_docker_arches = GO_SLICE_OF("arches", &go_arch);

/* moby Filter */
static const struct gofield filter_fields[] = {
	{ "caps", &go_caps }, { "arches", &go_docker_arches }, { "minKernel", &go_kernel }, { 0 }
};
static const struct gotype go_includes = { GO_STRUCT,  true, "includes",
					   "includes", NULL, filter_fields },
			   go_excludes = { GO_STRUCT,  true, "excludes",
					   "excludes", NULL, filter_fields };

/* runtime-spec LinuxSeccompArg */
static const struct gofield arg_fields[] = {
	{ "index", &go_index },
	{ "value", &go_value },
	{ "valueTwo", &go_value2 },
	{ "op", &go_op },
	{ 0 },
};
static const struct gotype go_arg = { GO_STRUCT,
				      false,
				      "an argument condition",
				      "an argument condition",
				      NULL,
				      arg_fields },
			   go_args = GO_SLICE_OF("args", &go_arg);

/*
 * moby Syscall: runtime-spec LinuxSyscall and its own name, comment, includes, excludes; and
 * containers/common's errno (Podman, CRI-O), a name beside errnoRet that moby's types do not
 * have: skipped quietly, read from the profile as written by policy_json.c.
 */
static const struct gofield syscall_fields[] = {
	{ "names", &go_names },	      { "action", &go_action },
	{ "errnoRet", &go_errno },    { "args", &go_args },
	{ "name", &go_name },	      { "comment", &go_comment },
	{ "includes", &go_includes }, { "excludes", &go_excludes },
	{ "errno", &go_skip },	      { 0 },
};
static const struct gotype go_syscall = { GO_STRUCT,	      true, "a syscalls entry",
					  "a syscalls entry", NULL, syscall_fields },
			   go_syscalls = GO_SLICE_OF("syscalls", &go_syscall);

/* moby Architecture */
static const struct gofield arch_fields[] = { { "architecture", &go_arch },
					      { "subArchitectures", &go_subarches },
					      { 0 } };
static const struct gotype go_arch_entry = { GO_STRUCT,		 false, "an archMap entry",
					     "an archMap entry", NULL,	arch_fields },
			   go_arch_map = GO_SLICE_OF("archMap", &go_arch_entry);

/*
 * moby Seccomp: runtime-spec LinuxSeccomp, whose syscalls its own []*Syscall hides, and archMap.
 * A comment is no field of it; Go skips it unread, quietly here too (profiles carry one).
 */
static const struct gofield profile_fields[] = {
	{ "defaultAction", &go_action },
	{ "defaultErrnoRet", &go_derrno },
	{ "architectures", &go_arches },
	{ "flags", &go_flags },
	{ "listenerPath", &go_lpath },
	{ "listenerMetadata", &go_lmeta },
	{ "archMap", &go_arch_map },
	{ "syscalls", &go_syscalls },
	{ "comment", &go_skip },
	{ "defaultErrno", &go_skip }, /* containers/common's, as errno above */
	{ 0 },
};
static const struct gotype go_profile = { GO_STRUCT,	 false, "a seccomp profile",
					  "the profile", NULL,	profile_fields };

static unsigned char ascii_upper(unsigned char c)
{
	return c >= 'a' && c <= 'z' ? (unsigned char)(c - 'a' + 'A') : c;
}

/* Whether key folds to name (ASCII) as bytes.EqualFold has it; *wide |= 1: through U+017F, 2:
 * U+212A. */
static bool go_fold_eq(const struct jval *key, const char *name, unsigned *wide)
{
	const unsigned char *k = (const unsigned char *)key->str, *end = k + key->n;

	for (; *name; name++) {
		unsigned char c = ascii_upper((unsigned char)*name);

		if (k < end && *k < 0x80 && ascii_upper(*k) == c) {
			k++;
		} else if (c == 'S' && end - k >= 2 && k[0] == 0xc5 && k[1] == 0xbf) {
			k += 2, *wide |= 1;
		} else if (c == 'K' && end - k >= 3 && k[0] == 0xe2 && k[1] == 0x84 &&
			   k[2] == 0xaa) {
			k += 3, *wide |= 2;
		} else {
			return false;
		}
	}
	return k == end;
}

/* The field a key names: an exact match first, then a folded one (encoding/json object). */
static int go_field(const struct gotype *t, const struct jval *key, unsigned *wide)
{
	*wide = 0;
	for (int f = 0; t->fields[f].name; f++)
		if (strlen(t->fields[f].name) == key->n &&
		    !memcmp(t->fields[f].name, key->str, key->n))
			return f;
	for (int f = 0; t->fields[f].name; f++) {
		if (go_fold_eq(key, t->fields[f].name, wide))
			return f;
		*wide = 0;
	}
	return -1;
}

bool moby_kernel_version(const char *s, unsigned *major, unsigned *minor)
{
	unsigned v[2] = { 0, 0 };

	for (int i = 0; i < 2; i++) {
		if (*s < '0' || *s > '9')
			return false;
		for (; *s >= '0' && *s <= '9'; s++)
			if ((v[i] = v[i] * 10 + (unsigned)(*s - '0')) > 255)
				return false;
		if (*s != (i ? '\0' : '.'))
			return false;
		s++;
	}
	if (!v[0] && !v[1])
		return false;
	*major = v[0];
	*minor = v[1];
	return true;
}

static const struct jval *go_decode(struct profile *pr, const struct gotype *t,
				    const struct jval *old, const struct jval *src);

/* Whether decoding v over a value of type t merges with that value rather than replacing it. */
static bool go_merges(const struct gotype *t, const struct jval *v)
{
	if (t->kind == GO_STRUCT)
		return v->type == J_OBJ;
	if (t->kind != GO_SLICE || v->type != J_ARR)
		return false;
	for (size_t i = 0; i < v->n; i++)
		if (t->elem->kind == GO_STRUCT || v->items[i].type == J_NULL)
			return true;
	return false;
}

/* A second key k for one field, after was: a warning saying which value Go keeps. */
static void go_duplicate(struct profile *pr, const struct gotype *t, const struct gotype *ft,
			 const struct jval *was, const struct jval *k, const struct jval *cur,
			 const struct jval *v)
{
	char also[128];
	const char *how = "the last one counts";

	if (strcmp(was->str, k->str))
		snprintf(also, sizeof(also), "also '%.64s' at %u:%u", was->str, was->line,
			 was->col);
	else
		snprintf(also, sizeof(also), "also at %u:%u", was->line, was->col);
	if (v->type == J_NULL && !ft->ptr && ft->kind != GO_SLICE)
		how = "its null leaves the value before it, which counts";
	else if (v->type == J_NULL && cur)
		how = "its null clears the value before it";
	else if (cur && go_merges(ft, v))
		how = "it is decoded over the one before, which keeps what it leaves out";
	prof_warn(pr, k, "duplicate member " DIAG_QF " in %s (%s): %s, as Docker reads it", JQ(k),
		  t->in, also, how);
}

static const struct jval *go_struct(struct profile *pr, const struct gotype *t,
				    const struct jval *old, const struct jval *src)
{
	const struct jval *val[GO_MAX_FIELDS] = { 0 }, *key[GO_MAX_FIELDS] = { 0 };
	const struct jval *seen[GO_MAX_FIELDS] = { 0 };
	struct jval *d, *keys, *items;
	size_t nf = 0, n = 0;

	if (!prof_want(pr, src, J_OBJ, t->what))
		return old;
	while (t->fields[nf].name)
		nf++;
	for (size_t i = 0; old && i < old->n; i++)
		for (size_t f = 0; f < nf; f++)
			if (!strcmp(old->keys[i].str, t->fields[f].name)) {
				val[f] = &old->items[i];
				key[f] = &old->keys[i];
			}
	for (size_t i = 0; i < src->n; i++) {
		const struct jval *k = &src->keys[i];
		unsigned wide;
		int f = go_field(t, k, &wide);

		if (f < 0) {
			prof_warn(pr, k, "unknown member " DIAG_QF " in %s ignored", JQ(k), t->in);
			continue;
		}
		if (t->fields[f].type->kind == GO_SKIP)
			continue;
		if (wide)
			prof_warn(pr, k,
				  "member '%s' in %s is read as '%s': Go's encoding/json folds %s",
				  k->str, t->in, t->fields[f].name,
				  wide == 1   ? "U+017F (long s) to 's'"
				  : wide == 2 ? "U+212A (Kelvin sign) to 'k'"
					      : "U+017F (long s) to 's' and U+212A (Kelvin sign) "
						"to 'k'");
		if (seen[f])
			go_duplicate(pr, t, t->fields[f].type, seen[f], k, val[f], &src->items[i]);
		seen[f] = key[f] = k;
		val[f] = go_decode(pr, t->fields[f].type, val[f], &src->items[i]);
	}
	for (size_t f = 0; f < nf; f++)
		n += val[f] != NULL;
	d = prof_alloc(pr, sizeof(*d));
	keys = prof_alloc(pr, (n ? n : 1) * sizeof(*keys));
	items = prof_alloc(pr, (n ? n : 1) * sizeof(*items));
	if (!d || !keys || !items)
		return old;
	*d = *src;
	d->keys = keys;
	d->items = items;
	d->n = 0;
	for (size_t f = 0; f < nf; f++) {
		if (!val[f])
			continue;
		keys[d->n] = (struct jval){ .type = J_STR,
					    .line = key[f]->line,
					    .col = key[f]->col,
					    .len = key[f]->len,
					    .str = t->fields[f].name,
					    .n = strlen(t->fields[f].name) };
		items[d->n++] = *val[f];
	}
	return d;
}

/*
 * An array over a slice: the slice's backing array is old->items, its elements past old->n still
 * there (up to old->hist) for the next array to be decoded over, as Go's are. A value replaced is
 * never read again, so the backing array is written in place.
 */
static const struct jval *go_slice(struct profile *pr, const struct gotype *t,
				   const struct jval *old, const struct jval *src)
{
	struct jval *d, *items = old ? old->items : NULL;
	size_t hist = old ? old->hist : 0, cap = old ? old->cap : 0;

	if (!prof_want(pr, src, J_ARR, t->what))
		return old;
	if (!src->n)
		return src; /* Go makes a new empty slice: nothing of the old one stays */
	if (src->n > cap) {
		size_t ncap = src->n > 2 * cap ? src->n : 2 * cap;
		struct jval *grown = prof_alloc(pr, ncap * sizeof(*grown));

		if (!grown)
			return old;
		if (hist)
			memcpy(grown, items, hist * sizeof(*grown));
		items = grown;
		cap = ncap;
	}
	d = prof_alloc(pr, sizeof(*d));
	if (!d)
		return old;
	for (size_t i = 0; i < src->n; i++) {
		const struct jval *e =
			go_decode(pr, t->elem, i < hist ? &items[i] : NULL, &src->items[i]);

		/* nil, or null over nothing: kept as null, which the reader refuses */
		items[i] = e ? *e : src->items[i];
	}
	*d = *src;
	d->items = items;
	d->hist = hist > src->n ? hist : src->n;
	d->cap = cap;
	return d;
}

/* The value a field of type t holding old (NULL: zero or nil) holds once src is decoded over it. */
static const struct jval *go_decode(struct profile *pr, const struct gotype *t,
				    const struct jval *old, const struct jval *src)
{
	unsigned major, minor;
	uint64_t x;

	/*
	 * A value of the wrong type was refused where it stood (it may have been kept as it was
	 * read): a later value decoded over it starts from nothing, as after a null.
	 */
	if (old && (old->type == J_NULL || (t->kind == GO_STRUCT && old->type != J_OBJ) ||
		    (t->kind == GO_SLICE && old->type != J_ARR)))
		old = NULL;
	if (src->type == J_NULL)
		return t->ptr || t->kind == GO_SLICE ? NULL : old;
	switch (t->kind) {
	case GO_SKIP:
		break;
	case GO_STRING:
		return prof_want(pr, src, J_STR, t->what) ? src : old;
	case GO_UINT:
		return prof_uint(pr, src, UINT64_MAX, t->what, &x) ? src : old;
	case GO_KERNEL:
		if (!prof_want(pr, src, J_STR, t->what))
			break;
		if (!src->n) /* moby: "" leaves the version; a new one is 0.0 */
			return old ? old : src;
		if (moby_kernel_version(src->str, &major, &minor))
			return src;
		prof_err(pr, src,
			 "bad kernel version " DIAG_QF " (Docker reads major.minor, each 0 to "
			 "255, not 0.0)",
			 JQ(src));
		break;
	case GO_SLICE:
		return go_slice(pr, t, old, src);
	case GO_STRUCT:
		return go_struct(pr, t, old, src);
	}
	return old;
}

const struct jval *go_decode_profile(struct profile *pr, const struct jval *top)
{
	return go_decode(pr, &go_profile, NULL, top);
}
