// SPDX-License-Identifier: MIT
/* Docker / OCI seccomp profiles: a small JSON reader with line:col, and the profile's meaning. */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/utsname.h>

#include "seccomp/policy_ir.h"

/* ---------------------------------------------------------------- JSON values */

enum jtype { J_NULL, J_BOOL, J_NUM, J_STR, J_ARR, J_OBJ };

struct jval {
	enum jtype type;
	unsigned line, col, len; /* where the value starts; len: its first token's length */
	size_t n;                /* ARR, OBJ: members; STR: bytes */
	const char *str;         /* STR: decoded, NUL-terminated; NUM: the source text */
	bool b;
	struct jval *items; /* ARR, OBJ: n values */
	struct jval *keys;  /* OBJ: n keys (STR values) */
	/* ARR that go_decode made: items[n..hist) are what a longer earlier one left; cap: room */
	size_t hist, cap;
};

/* A string of the profile quoted in a message, cut when long (diag_int.h). */
#define JQ(v) DIAG_QA((v)->str, (v)->n)

/* Parse-time memory: one arena, freed at once. */
struct arena_block {
	struct arena_block *next;
	size_t used, size;
	max_align_t data[];
};

struct jparser {
	const char *src, *end, *p;
	unsigned line;
	const char *line_start;
	const char *file;
	struct policy_ctx *ctx;
	struct arena_block *arena;
	bool failed;
	unsigned depth;
};

#define JSON_MAX_DEPTH 64

static void *jalloc(struct jparser *jp, size_t size)
{
	struct arena_block *b = jp->arena;

	size = (size + sizeof(max_align_t) - 1) / sizeof(max_align_t) * sizeof(max_align_t);
	if (!b || b->size - b->used < size) {
		size_t bsize = size > 65536 ? size : 65536;

		b = malloc(sizeof(*b) + bsize);
		if (!b) {
			if (!jp->ctx->err)
				jp->ctx->err = -ENOMEM;
			jp->failed = true;
			return NULL;
		}
		b->next = jp->arena;
		b->used = 0;
		b->size = bsize;
		jp->arena = b;
	}
	b->used += size;
	return (char *)b->data + b->used - size;
}

static void arena_free(struct arena_block *b)
{
	while (b) {
		struct arena_block *next = b->next;

		free(b);
		b = next;
	}
}

static unsigned jcol(const struct jparser *jp, const char *at)
{
	return (unsigned)(at - jp->line_start) + 1;
}

static void jerror_at(struct jparser *jp, const char *at, unsigned len, const char *msg)
{
	if (jp->failed)
		return;
	jp->failed = true;
	policy_diag(jp->ctx, CBPF_SEV_ERROR, jp->file, jp->line, jcol(jp, at), len, "%s", msg);
}

static void skip_ws(struct jparser *jp)
{
	while (jp->p < jp->end) {
		char c = *jp->p;

		if (c == '\n') {
			jp->line++;
			jp->line_start = jp->p + 1;
		} else if (c != ' ' && c != '\t' && c != '\r') {
			break;
		}
		jp->p++;
	}
}

static const char *describe(const struct jparser *jp)
{
	if (jp->p >= jp->end)
		return "the end of the input";
	return NULL;
}

static void expected(struct jparser *jp, const char *what)
{
	char msg[128];
	const char *at = describe(jp);

	if (at)
		snprintf(msg, sizeof(msg), "expected %s, found %s", what, at);
	else if (isprint((unsigned char)*jp->p))
		snprintf(msg, sizeof(msg), "expected %s, found '%c'", what, *jp->p);
	else
		snprintf(msg, sizeof(msg), "expected %s, found byte 0x%02x", what,
			 (unsigned char)*jp->p);
	jerror_at(jp, jp->p, 1, msg);
}

static int hex4(const char *s)
{
	int v = 0;

	for (int i = 0; i < 4; i++) {
		int c = s[i], d;

		if (c >= '0' && c <= '9')
			d = c - '0';
		else if (c >= 'a' && c <= 'f')
			d = c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			d = c - 'A' + 10;
		else
			return -1;
		v = v * 16 + d;
	}
	return v;
}

static char *put_utf8(char *o, unsigned cp)
{
	if (cp < 0x80) {
		*o++ = (char)cp;
	} else if (cp < 0x800) {
		*o++ = (char)(0xc0 | cp >> 6);
		*o++ = (char)(0x80 | (cp & 0x3f));
	} else if (cp < 0x10000) {
		*o++ = (char)(0xe0 | cp >> 12);
		*o++ = (char)(0x80 | (cp >> 6 & 0x3f));
		*o++ = (char)(0x80 | (cp & 0x3f));
	} else {
		*o++ = (char)(0xf0 | cp >> 18);
		*o++ = (char)(0x80 | (cp >> 12 & 0x3f));
		*o++ = (char)(0x80 | (cp >> 6 & 0x3f));
		*o++ = (char)(0x80 | (cp & 0x3f));
	}
	return o;
}

/* A string; jp->p at the opening quote. The decoded text is never longer than the source. */
static void parse_string(struct jparser *jp, struct jval *v)
{
	const char *start = jp->p++;
	const char *q;
	char *out, *o;

	for (q = jp->p; q < jp->end && *q != '"'; q++)
		if (*q == '\\' && q + 1 < jp->end)
			q++;
	out = jalloc(jp, (size_t)(q - jp->p) + 1);
	if (!out)
		return;
	o = out;
	while (jp->p < jp->end && *jp->p != '"') {
		unsigned char c = (unsigned char)*jp->p;

		if (c < 0x20) {
			jerror_at(jp, jp->p, 1,
				  c == '\n' ? "unterminated string" : "control character in a string");
			return;
		}
		if (c != '\\') {
			*o++ = (char)c;
			jp->p++;
			continue;
		}
		if (jp->p + 1 >= jp->end)
			break;
		switch (jp->p[1]) {
		case '"': *o++ = '"'; break;
		case '\\': *o++ = '\\'; break;
		case '/': *o++ = '/'; break;
		case 'b': *o++ = '\b'; break;
		case 'f': *o++ = '\f'; break;
		case 'n': *o++ = '\n'; break;
		case 'r': *o++ = '\r'; break;
		case 't': *o++ = '\t'; break;
		case 'u': {
			int cp = jp->end - jp->p >= 6 ? hex4(jp->p + 2) : -1;

			if (cp < 0) {
				jerror_at(jp, jp->p, 2, "bad \\u escape: four hex digits expected");
				return;
			}
			if (cp >= 0xd800 && cp < 0xdc00) {
				int lo = jp->end - jp->p >= 12 && jp->p[6] == '\\' && jp->p[7] == 'u' ?
						 hex4(jp->p + 8) :
						 -1;

				if (lo < 0xdc00 || lo > 0xdfff) {
					jerror_at(jp, jp->p, 6, "lone UTF-16 surrogate in a \\u escape");
					return;
				}
				cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
				jp->p += 6;
			} else if (cp >= 0xdc00 && cp < 0xe000) {
				jerror_at(jp, jp->p, 6, "lone UTF-16 surrogate in a \\u escape");
				return;
			} else if (cp == 0) {
				jerror_at(jp, jp->p, 6, "\\u0000 in a string");
				return;
			}
			o = put_utf8(o, (unsigned)cp);
			jp->p += 4;
			break;
		}
		default:
			jerror_at(jp, jp->p, 2, "bad escape in a string");
			return;
		}
		jp->p += 2;
	}
	if (jp->p >= jp->end) {
		jerror_at(jp, start, 1, "unterminated string");
		return;
	}
	jp->p++;
	*o = '\0';
	v->type = J_STR;
	v->str = out;
	v->n = (size_t)(o - out);
	v->len = (unsigned)(jp->p - start);
}

static void parse_number(struct jparser *jp, struct jval *v)
{
	const char *s = jp->p, *p = s;

	if (p < jp->end && *p == '-')
		p++;
	if (p < jp->end && *p == '0') {
		p++;
	} else if (p < jp->end && *p >= '1' && *p <= '9') {
		while (p < jp->end && isdigit((unsigned char)*p))
			p++;
	} else {
		jp->p = p;
		expected(jp, "a digit");
		return;
	}
	if (p < jp->end && *p == '.') {
		p++;
		if (p >= jp->end || !isdigit((unsigned char)*p)) {
			jp->p = p;
			expected(jp, "a digit after '.'");
			return;
		}
		while (p < jp->end && isdigit((unsigned char)*p))
			p++;
	}
	if (p < jp->end && (*p == 'e' || *p == 'E')) {
		p++;
		if (p < jp->end && (*p == '+' || *p == '-'))
			p++;
		if (p >= jp->end || !isdigit((unsigned char)*p)) {
			jp->p = p;
			expected(jp, "a digit in the exponent");
			return;
		}
		while (p < jp->end && isdigit((unsigned char)*p))
			p++;
	}
	v->type = J_NUM;
	v->str = s;
	v->n = (size_t)(p - s);
	v->len = (unsigned)v->n;
	jp->p = p;
}

static void parse_value(struct jparser *jp, struct jval *v);

static bool grow(struct jparser *jp, struct jval **items, struct jval **keys, size_t n,
		 size_t *cap)
{
	struct jval *ni, *nk = NULL;

	if (n < *cap)
		return true;
	*cap = *cap ? 2 * *cap : 8;
	ni = jalloc(jp, *cap * sizeof(*ni));
	if (keys)
		nk = jalloc(jp, *cap * sizeof(*nk));
	if (!ni || (keys && !nk))
		return false;
	if (n)
		memcpy(ni, *items, n * sizeof(*ni));
	*items = ni;
	if (keys) {
		if (n)
			memcpy(nk, *keys, n * sizeof(*nk));
		*keys = nk;
	}
	return true;
}

static void parse_container(struct jparser *jp, struct jval *v, bool object)
{
	size_t cap = 0;
	const char *open = jp->p++;

	v->type = object ? J_OBJ : J_ARR;
	if (++jp->depth > JSON_MAX_DEPTH) {
		jerror_at(jp, open, 1, "nested too deeply");
		return;
	}
	skip_ws(jp);
	if (jp->p < jp->end && *jp->p == (object ? '}' : ']')) {
		jp->p++;
		jp->depth--;
		return;
	}
	for (;;) {
		if (!grow(jp, &v->items, object ? &v->keys : NULL, v->n, &cap))
			return;
		skip_ws(jp);
		if (object) {
			struct jval *k = &v->keys[v->n];

			memset(k, 0, sizeof(*k));
			k->line = jp->line;
			k->col = jcol(jp, jp->p);
			if (jp->p >= jp->end || *jp->p != '"') {
				expected(jp, "a member name in double quotes");
				return;
			}
			parse_string(jp, k);
			if (jp->failed)
				return;
			skip_ws(jp);
			if (jp->p >= jp->end || *jp->p != ':') {
				expected(jp, "':' after a member name");
				return;
			}
			jp->p++;
			skip_ws(jp);
		}
		parse_value(jp, &v->items[v->n]);
		if (jp->failed)
			return;
		v->n++;
		skip_ws(jp);
		if (jp->p < jp->end && *jp->p == ',') {
			jp->p++;
			skip_ws(jp);
			if (jp->p < jp->end && *jp->p == (object ? '}' : ']')) {
				jerror_at(jp, jp->p, 1,
					  object ? "trailing ',' before '}'" : "trailing ',' before ']'");
				return;
			}
			continue;
		}
		if (jp->p < jp->end && *jp->p == (object ? '}' : ']')) {
			jp->p++;
			break;
		}
		expected(jp, object ? "',' or '}' after an object member" :
				      "',' or ']' after an array element");
		return;
	}
	jp->depth--;
}

static void parse_value(struct jparser *jp, struct jval *v)
{
	static const struct {
		const char *word;
		enum jtype type;
		bool b;
	} words[] = { { "null", J_NULL, false }, { "true", J_BOOL, true }, { "false", J_BOOL, false } };

	memset(v, 0, sizeof(*v));
	skip_ws(jp);
	v->line = jp->line;
	v->col = jcol(jp, jp->p);
	v->len = 1;
	if (jp->p >= jp->end) {
		expected(jp, "a value");
		return;
	}
	switch (*jp->p) {
	case '{':
		parse_container(jp, v, true);
		return;
	case '[':
		parse_container(jp, v, false);
		return;
	case '"':
		parse_string(jp, v);
		return;
	default:
		break;
	}
	if (*jp->p == '-' || isdigit((unsigned char)*jp->p)) {
		parse_number(jp, v);
		return;
	}
	for (size_t i = 0; i < 3; i++) {
		size_t n = strlen(words[i].word);

		if ((size_t)(jp->end - jp->p) >= n && !memcmp(jp->p, words[i].word, n) &&
		    (jp->p + n == jp->end || !isalnum((unsigned char)jp->p[n]))) {
			v->type = words[i].type;
			v->b = words[i].b;
			v->len = (unsigned)n;
			jp->p += n;
			return;
		}
	}
	expected(jp, "a value");
}

/* ---------------------------------------------------------------- the profile */

static bool parse_kernel(const char *s, unsigned *major, unsigned *minor);

struct profile {
	struct jparser *jp;
	struct policy_ctx *ctx;
	const char *file;
	const char *host_scmp;  /* its SCMP_ARCH_* token */
	unsigned kmajor, kminor; /* the kernel for minKernel */
	bool kernel_ok;
	uint32_t default_action;
};

static void perr(struct profile *pr, const struct jval *at, const char *fmt, ...)
	CBPF_PRINTF(3, 4);
static void pwarn(struct profile *pr, const struct jval *at, const char *fmt, ...)
	CBPF_PRINTF(3, 4);

static void pdiag(struct profile *pr, enum cbpf_severity sev, const struct jval *at,
		  const char *fmt, va_list ap) CBPF_PRINTF(4, 0);

static void pdiag(struct profile *pr, enum cbpf_severity sev, const struct jval *at,
		  const char *fmt, va_list ap)
{
	policy_vdiag(pr->ctx, sev, pr->file, at ? at->line : 0, at ? at->col : 0, at ? at->len : 0,
		     fmt, ap);
}

static void perr(struct profile *pr, const struct jval *at, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	pdiag(pr, CBPF_SEV_ERROR, at, fmt, ap);
	va_end(ap);
}

static void pwarn(struct profile *pr, const struct jval *at, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	pdiag(pr, CBPF_SEV_WARNING, at, fmt, ap);
	va_end(ap);
}

static const char *type_name(enum jtype t)
{
	static const char *const names[] = { "null", "a boolean", "a number", "a string",
					     "an array", "an object" };
	return names[t];
}

/* A member of an object that go_decode made: the names are the Go fields' own. */
static const struct jval *member(const struct jval *obj, const char *name)
{
	for (size_t i = 0; i < obj->n; i++)
		if (!strcmp(obj->keys[i].str, name))
			return &obj->items[i];
	return NULL;
}

static bool want(struct profile *pr, const struct jval *v, enum jtype type, const char *what)
{
	if (v->type == type)
		return true;
	perr(pr, v, "%s must be %s, not %s", what, type_name(type), type_name(v->type));
	return false;
}

/* A JSON number that is an integer in [0, max]. */
static bool get_uint(struct profile *pr, const struct jval *v, uint64_t max, const char *what,
		     uint64_t *out)
{
	uint64_t x = 0;

	if (!want(pr, v, J_NUM, what))
		return false;
	for (size_t i = 0; i < v->n; i++) {
		unsigned d = (unsigned)(v->str[i] - '0');

		if (d > 9) {
			perr(pr, v, "%s must be a non-negative integer, not %.*s%s", what,
			     DIAG_QA(v->str, v->n));
			return false;
		}
		if (x > (UINT64_MAX - d) / 10 || x * 10 + d > max) {
			perr(pr, v, "%s %.*s%s is out of range (at most %llu)", what,
			     DIAG_QA(v->str, v->n),
			     (unsigned long long)max);
			return false;
		}
		x = x * 10 + d;
	}
	*out = x;
	return true;
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
	bool ptr;		      /* a Go pointer (*uint, *Filter, []*Syscall): null makes it nil */
	const char *what;	      /* its value in messages */
	const char *in;		      /* GO_STRUCT: where its members are, in messages */
	const struct gotype *elem;    /* GO_SLICE */
	const struct gofield *fields; /* GO_STRUCT: up to a NULL name */
};

struct gofield {
	const char *name; /* the json tag */
	const struct gotype *type;
};

#define GO_MAX_FIELDS 10

#define GO_STR(w) { .kind = GO_STRING, .what = (w) }
#define GO_SLICE_OF(w, e) { .kind = GO_SLICE, .what = (w), .elem = (e) }

static const struct gotype go_action = GO_STR("an action"), go_op = GO_STR("op"),
			   go_name = GO_STR("name"), go_comment = GO_STR("comment"),
			   go_sysname = GO_STR("a syscall name"), go_arch = GO_STR("an architecture"),
			   go_flag = GO_STR("a flag"), go_cap = GO_STR("a capability"),
			   go_lpath = GO_STR("listenerPath"), go_lmeta = GO_STR("listenerMetadata");
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
static const struct gotype go_includes = { GO_STRUCT, true, "includes", "includes", NULL,
					   filter_fields },
			   go_excludes = { GO_STRUCT, true, "excludes", "excludes", NULL,
					   filter_fields };

/* runtime-spec LinuxSeccompArg */
static const struct gofield arg_fields[] = {
	{ "index", &go_index }, { "value", &go_value }, { "valueTwo", &go_value2 },
	{ "op", &go_op },	{ 0 },
};
static const struct gotype go_arg = { GO_STRUCT, false, "an argument condition",
				      "an argument condition", NULL, arg_fields },
			   go_args = GO_SLICE_OF("args", &go_arg);

/* moby Syscall: runtime-spec LinuxSyscall and its own name, comment, includes, excludes */
static const struct gofield syscall_fields[] = {
	{ "names", &go_names },	    { "action", &go_action },	  { "errnoRet", &go_errno },
	{ "args", &go_args },	    { "name", &go_name },	  { "comment", &go_comment },
	{ "includes", &go_includes }, { "excludes", &go_excludes }, { 0 },
};
static const struct gotype go_syscall = { GO_STRUCT, true, "a syscalls entry", "a syscalls entry",
					  NULL, syscall_fields },
			   go_syscalls = GO_SLICE_OF("syscalls", &go_syscall);

/* moby Architecture */
static const struct gofield arch_fields[] = {
	{ "architecture", &go_arch }, { "subArchitectures", &go_subarches }, { 0 }
};
static const struct gotype go_arch_entry = { GO_STRUCT, false, "an archMap entry",
					     "an archMap entry", NULL, arch_fields },
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
	{ 0 },
};
static const struct gotype go_profile = { GO_STRUCT, false, "a seccomp profile", "the profile",
					  NULL, profile_fields };

static unsigned char ascii_upper(unsigned char c)
{
	return c >= 'a' && c <= 'z' ? (unsigned char)(c - 'a' + 'A') : c;
}

/* Whether key folds to name (ASCII) as bytes.EqualFold has it; *wide |= 1: through U+017F, 2: U+212A. */
static bool go_fold_eq(const struct jval *key, const char *name, unsigned *wide)
{
	const unsigned char *k = (const unsigned char *)key->str, *end = k + key->n;

	for (; *name; name++) {
		unsigned char c = ascii_upper((unsigned char)*name);

		if (k < end && *k < 0x80 && ascii_upper(*k) == c) {
			k++;
		} else if (c == 'S' && end - k >= 2 && k[0] == 0xc5 && k[1] == 0xbf) {
			k += 2, *wide |= 1;
		} else if (c == 'K' && end - k >= 3 && k[0] == 0xe2 && k[1] == 0x84 && k[2] == 0xaa) {
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
		if (strlen(t->fields[f].name) == key->n && !memcmp(t->fields[f].name, key->str, key->n))
			return f;
	for (int f = 0; t->fields[f].name; f++) {
		if (go_fold_eq(key, t->fields[f].name, wide))
			return f;
		*wide = 0;
	}
	return -1;
}

/* moby KernelVersion.UnmarshalJSON: "<kernel>.<major>", each decimal up to 255, not 0.0. */
static bool moby_kernel(const char *s, unsigned *major, unsigned *minor)
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
		snprintf(also, sizeof(also), "also '%.64s' at %u:%u", was->str, was->line, was->col);
	else
		snprintf(also, sizeof(also), "also at %u:%u", was->line, was->col);
	if (v->type == J_NULL && !ft->ptr && ft->kind != GO_SLICE)
		how = "its null leaves the value before it, which counts";
	else if (v->type == J_NULL && cur)
		how = "its null clears the value before it";
	else if (cur && go_merges(ft, v))
		how = "it is decoded over the one before, which keeps what it leaves out";
	pwarn(pr, k, "duplicate member " DIAG_QF " in %s (%s): %s, as Docker reads it", JQ(k), t->in,
	      also, how);
}

static const struct jval *go_struct(struct profile *pr, const struct gotype *t,
				    const struct jval *old, const struct jval *src)
{
	const struct jval *val[GO_MAX_FIELDS] = { 0 }, *key[GO_MAX_FIELDS] = { 0 };
	const struct jval *seen[GO_MAX_FIELDS] = { 0 };
	struct jval *d, *keys, *items;
	size_t nf = 0, n = 0;

	if (!want(pr, src, J_OBJ, t->what))
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
			pwarn(pr, k, "unknown member " DIAG_QF " in %s ignored", JQ(k), t->in);
			continue;
		}
		if (t->fields[f].type->kind == GO_SKIP)
			continue;
		if (wide)
			pwarn(pr, k, "member '%s' in %s is read as '%s': Go's encoding/json folds %s",
			      k->str, t->in, t->fields[f].name,
			      wide == 1 ? "U+017F (long s) to 's'" :
			      wide == 2 ? "U+212A (Kelvin sign) to 'k'" :
					  "U+017F (long s) to 's' and U+212A (Kelvin sign) to 'k'");
		if (seen[f])
			go_duplicate(pr, t, t->fields[f].type, seen[f], k, val[f], &src->items[i]);
		seen[f] = key[f] = k;
		val[f] = go_decode(pr, t->fields[f].type, val[f], &src->items[i]);
	}
	for (size_t f = 0; f < nf; f++)
		n += val[f] != NULL;
	d = jalloc(pr->jp, sizeof(*d));
	keys = jalloc(pr->jp, (n ? n : 1) * sizeof(*keys));
	items = jalloc(pr->jp, (n ? n : 1) * sizeof(*items));
	if (!d || !keys || !items)
		return old;
	*d = *src;
	d->keys = keys;
	d->items = items;
	d->n = 0;
	for (size_t f = 0; f < nf; f++) {
		if (!val[f])
			continue;
		keys[d->n] = (struct jval){ .type = J_STR, .line = key[f]->line, .col = key[f]->col,
					    .len = key[f]->len, .str = t->fields[f].name,
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

	if (!want(pr, src, J_ARR, t->what))
		return old;
	if (!src->n)
		return src; /* Go makes a new empty slice: nothing of the old one stays */
	if (src->n > cap) {
		size_t ncap = src->n > 2 * cap ? src->n : 2 * cap;
		struct jval *grown = jalloc(pr->jp, ncap * sizeof(*grown));

		if (!grown)
			return old;
		if (hist)
			memcpy(grown, items, hist * sizeof(*grown));
		items = grown;
		cap = ncap;
	}
	d = jalloc(pr->jp, sizeof(*d));
	if (!d)
		return old;
	for (size_t i = 0; i < src->n; i++) {
		const struct jval *e = go_decode(pr, t->elem, i < hist ? &items[i] : NULL,
						 &src->items[i]);

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
		return want(pr, src, J_STR, t->what) ? src : old;
	case GO_UINT:
		return get_uint(pr, src, UINT64_MAX, t->what, &x) ? src : old;
	case GO_KERNEL:
		if (!want(pr, src, J_STR, t->what))
			break;
		if (!src->n) /* moby: "" leaves the version; a new one is 0.0 */
			return old ? old : src;
		if (moby_kernel(src->str, &major, &minor))
			return src;
		perr(pr, src, "bad kernel version " DIAG_QF " (Docker reads major.minor, each 0 to "
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

/* runc's getAction: SCMP_ACT_* with errnoRet for ERRNO and TRACE (EPERM without). */
static bool get_action(struct profile *pr, const struct jval *v, const struct jval *errno_ret,
		       const char *errno_what, uint32_t *out)
{
	static const struct {
		const char *name;
		uint32_t action;
		bool data;
	} acts[] = {
		{ "SCMP_ACT_KILL", CBPF_SECCOMP_RET_KILL_THREAD, false },
		{ "SCMP_ACT_KILL_THREAD", CBPF_SECCOMP_RET_KILL_THREAD, false },
		{ "SCMP_ACT_KILL_PROCESS", CBPF_SECCOMP_RET_KILL_PROCESS, false },
		{ "SCMP_ACT_TRAP", CBPF_SECCOMP_RET_TRAP, false },
		{ "SCMP_ACT_ERRNO", CBPF_SECCOMP_RET_ERRNO, true },
		{ "SCMP_ACT_TRACE", CBPF_SECCOMP_RET_TRACE, true },
		{ "SCMP_ACT_ALLOW", CBPF_SECCOMP_RET_ALLOW, false },
		{ "SCMP_ACT_LOG", CBPF_SECCOMP_RET_LOG, false },
		{ "SCMP_ACT_NOTIFY", CBPF_SECCOMP_RET_USER_NOTIF, false },
	};
	uint64_t data = 1; /* EPERM */

	if (!want(pr, v, J_STR, "an action"))
		return false;
	for (size_t i = 0; i < sizeof(acts) / sizeof(acts[0]); i++) {
		if (strcmp(v->str, acts[i].name))
			continue;
		if (errno_ret && errno_ret->type != J_NULL &&
		    !get_uint(pr, errno_ret, 0xffff, errno_what, &data))
			return false;
		*out = acts[i].action | (acts[i].data ? (uint32_t)data : 0);
		return true;
	}
	perr(pr, v, "unknown action " DIAG_QF " (SCMP_ACT_ALLOW, SCMP_ACT_ERRNO, SCMP_ACT_KILL, "
		    "SCMP_ACT_KILL_PROCESS, SCMP_ACT_KILL_THREAD, SCMP_ACT_TRAP, SCMP_ACT_TRACE, "
		    "SCMP_ACT_LOG, SCMP_ACT_NOTIFY)",
	     JQ(v));
	return false;
}

/* libseccomp's architecture tokens; only some have tables in cbpf. */
static const char *const scmp_arches[] = {
	"SCMP_ARCH_NATIVE",  "SCMP_ARCH_X86",	    "SCMP_ARCH_X86_64",	  "SCMP_ARCH_X32",
	"SCMP_ARCH_ARM",     "SCMP_ARCH_AARCH64",   "SCMP_ARCH_LOONGARCH64", "SCMP_ARCH_M68K",
	"SCMP_ARCH_MIPS",    "SCMP_ARCH_MIPS64",    "SCMP_ARCH_MIPS64N32", "SCMP_ARCH_MIPSEL",
	"SCMP_ARCH_MIPSEL64", "SCMP_ARCH_MIPSEL64N32", "SCMP_ARCH_PPC",	  "SCMP_ARCH_PPC64",
	"SCMP_ARCH_PPC64LE", "SCMP_ARCH_S390",	    "SCMP_ARCH_S390X",	  "SCMP_ARCH_PARISC",
	"SCMP_ARCH_PARISC64", "SCMP_ARCH_RISCV64",  "SCMP_ARCH_SH",	  "SCMP_ARCH_SHEB",
	NULL,
};

/* An SCMP_ARCH_* token: 1 with *arch set, 0 known but without a table here, -1 unknown. */
static int scmp_arch(struct profile *pr, const char *name, enum cbpf_arch *arch)
{
	if (!strcmp(name, "SCMP_ARCH_NATIVE")) {
		*arch = pr->ctx->host;
		return 1;
	}
	for (size_t i = 0; scmp_arches[i]; i++)
		if (!strcmp(name, scmp_arches[i]))
			return cbpf_arch_parse(name, arch) ? 0 : 1;
	return -1;
}

static bool check_scmp_arch(struct profile *pr, const struct jval *v)
{
	enum cbpf_arch a;

	if (!want(pr, v, J_STR, "an architecture"))
		return false;
	if (scmp_arch(pr, v->str, &a) < 0) {
		perr(pr, v, "unknown architecture " DIAG_QF " (SCMP_ARCH_X86_64, SCMP_ARCH_X86, "
			    "SCMP_ARCH_X32, SCMP_ARCH_AARCH64, SCMP_ARCH_ARM, ...)",
		     JQ(v));
		return false;
	}
	return true;
}

/* Adds an SCMP_ARCH_* the filter will check; one without a table is an error (lenient: warning). */
static void use_scmp_arch(struct profile *pr, const struct jval *v)
{
	enum cbpf_arch a;
	int r;

	if (!check_scmp_arch(pr, v))
		return;
	r = scmp_arch(pr, v->str, &a);
	if (r == 0) {
		if (pr->ctx->opts->lenient)
			pwarn(pr, v,
			      "architecture " DIAG_QF " skipped: cbpf has no syscall table for it",
			      JQ(v));
		else
			perr(pr, v,
			     "architecture " DIAG_QF
			     " is not supported (x86_64, i386, x32, aarch64, arm)",
			     JQ(v));
		return;
	}
	if (!pr->ctx->have_arches)
		policy_add_arch(pr->ctx->pol, a);
}

static void do_architectures(struct profile *pr, const struct jval *v)
{
	if (v->type == J_NULL || !want(pr, v, J_ARR, "architectures"))
		return;
	for (size_t i = 0; i < v->n; i++)
		use_scmp_arch(pr, &v->items[i]);
}

/* Docker: the archMap entry of the host's architecture, then its subArchitectures. */
static void do_arch_map(struct profile *pr, const struct jval *v)
{
	bool used = false;

	if (v->type == J_NULL || !want(pr, v, J_ARR, "archMap"))
		return;
	for (size_t i = 0; i < v->n; i++) {
		const struct jval *e = &v->items[i], *arch, *subs;

		if (!want(pr, e, J_OBJ, "an archMap entry"))
			continue;
		arch = member(e, "architecture");
		subs = member(e, "subArchitectures");
		if (!arch) {
			perr(pr, e, "archMap entry without 'architecture'");
			continue;
		}
		if (!check_scmp_arch(pr, arch))
			continue;
		if (subs && subs->type != J_NULL && want(pr, subs, J_ARR, "subArchitectures"))
			for (size_t j = 0; j < subs->n; j++)
				check_scmp_arch(pr, &subs->items[j]);
		if (used || !pr->host_scmp || strcmp(arch->str, pr->host_scmp))
			continue;
		used = true;
		use_scmp_arch(pr, arch);
		if (subs && subs->type == J_ARR)
			for (size_t j = 0; j < subs->n; j++)
				if (subs->items[j].type == J_STR)
					use_scmp_arch(pr, &subs->items[j]);
	}
}

static bool str_in(const struct jval *arr, const char *s)
{
	for (size_t i = 0; arr && arr->type == J_ARR && i < arr->n; i++)
		if (arr->items[i].type == J_STR && !strcmp(arr->items[i].str, s))
			return true;
	return false;
}

/* include/uapi/linux/capability.h */
static const char *const cap_names[] = {
	"CAP_CHOWN",		"CAP_DAC_OVERRIDE",   "CAP_DAC_READ_SEARCH", "CAP_FOWNER",
	"CAP_FSETID",		"CAP_KILL",	      "CAP_SETGID",	     "CAP_SETUID",
	"CAP_SETPCAP",		"CAP_LINUX_IMMUTABLE", "CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST",
	"CAP_NET_ADMIN",	"CAP_NET_RAW",	      "CAP_IPC_LOCK",	     "CAP_IPC_OWNER",
	"CAP_SYS_MODULE",	"CAP_SYS_RAWIO",      "CAP_SYS_CHROOT",	     "CAP_SYS_PTRACE",
	"CAP_SYS_PACCT",	"CAP_SYS_ADMIN",      "CAP_SYS_BOOT",	     "CAP_SYS_NICE",
	"CAP_SYS_RESOURCE",	"CAP_SYS_TIME",	      "CAP_SYS_TTY_CONFIG",  "CAP_MKNOD",
	"CAP_LEASE",		"CAP_AUDIT_WRITE",    "CAP_AUDIT_CONTROL",   "CAP_SETFCAP",
	"CAP_MAC_OVERRIDE",	"CAP_MAC_ADMIN",      "CAP_SYSLOG",	     "CAP_WAKE_ALARM",
	"CAP_BLOCK_SUSPEND",	"CAP_AUDIT_READ",     "CAP_PERFMON",	     "CAP_BPF",
	"CAP_CHECKPOINT_RESTORE", NULL,
};

/* moby oci/caps/defaults.go: DefaultCapabilities, what a container gets without --cap-add. */
static const char *const docker_default_caps[] = {
	"CAP_CHOWN",	   "CAP_DAC_OVERRIDE", "CAP_FSETID",	       "CAP_FOWNER",
	"CAP_MKNOD",	   "CAP_NET_RAW",      "CAP_SETGID",	       "CAP_SETUID",
	"CAP_SETFCAP",	   "CAP_SETPCAP",      "CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT",
	"CAP_KILL",	   "CAP_AUDIT_WRITE",  NULL,
};

int cbpf_cap_parse(const char *name, int *cap)
{
	if (!strncasecmp(name, "CAP_", 4))
		name += 4;
	for (int i = 0; cap_names[i]; i++)
		if (!strcasecmp(name, cap_names[i] + 4)) {
			if (cap)
				*cap = i;
			return 0;
		}
	return -ENOENT;
}

/*
 * Whether the container has the profile's capability cap. moby setupSeccomp looks it up in the
 * container's bounding set with slices.Contains, and Docker's capability lists hold only names
 * such as "CAP_SYS_ADMIN": another spelling ("SYS_ADMIN", "cap_sys_admin") or an unknown name
 * is never in it, not even with --cap-add ALL.
 */
static bool has_cap(struct profile *pr, const char *cap)
{
	const char *const *set = pr->ctx->opts->caps ? pr->ctx->opts->caps : docker_default_caps;
	int want, have;

	if (cbpf_cap_parse(cap, &want) || strcmp(cap, cap_names[want]))
		return false;
	for (size_t i = 0; set[i]; i++)
		if (!strcasecmp(set[i], "ALL") || (!cbpf_cap_parse(set[i], &have) && have == want))
			return true;
	return false;
}

/* Docker's names for the machine: Go's GOARCH mapped as profiles/seccomp does. */
static const char *const docker_arch_names[] = {
	"amd64", "x86",	   "x32",	 "arm",	  "arm64",   "mips",	"mipsle",  "mipsel",
	"mips64", "mips64n32", "mipsel64", "mips3l64n32", "mipsel64n32", "ppc", "ppc64",
	"ppc64le", "s390", "s390x", "riscv64", "loong64", "loongarch64", NULL,
};

int cbpf_kernel_version_parse(const char *text, unsigned *major, unsigned *minor)
{
	unsigned a, b;

	if (!parse_kernel(text, &a, &b))
		return -EINVAL;
	if (major)
		*major = a;
	if (minor)
		*minor = b;
	return 0;
}

/* "major.minor[.patch][-extra]" into major and minor. */
static bool parse_kernel(const char *s, unsigned *major, unsigned *minor)
{
	char *end;
	unsigned long a, b;

	if (!isdigit((unsigned char)*s))
		return false;
	a = strtoul(s, &end, 10);
	if (*end != '.' || !isdigit((unsigned char)end[1]))
		return false;
	b = strtoul(end + 1, &end, 10);
	if (*end && *end != '.' && *end != '-' && *end != '+' && *end != '_')
		return false;
	if (a > 0xffff || b > 0xffff)
		return false;
	*major = (unsigned)a;
	*minor = (unsigned)b;
	return true;
}

/* Docker's name of an architecture, as runtime.GOARCH maps to it in moby profiles/seccomp. */
static const char *docker_arch(enum cbpf_arch arch)
{
	switch (arch) {
	case CBPF_ARCH_X86_64: return "amd64";
	case CBPF_ARCH_I386: return "x86";
	case CBPF_ARCH_X32: return "x32";
	case CBPF_ARCH_AARCH64: return "arm64";
	case CBPF_ARCH_ARM: return "arm";
	default: return "";
	}
}

/* -1: not a valid filter; 0: the rule is left out; 1: kept. */
static int check_filter(struct profile *pr, const struct jval *f, bool includes)
{
	const struct jval *caps, *arches, *mink;
	const char *what = includes ? "includes" : "excludes";
	int keep = 1;

	if (!f || f->type == J_NULL)
		return 1;
	if (!want(pr, f, J_OBJ, what))
		return -1;
	caps = member(f, "caps");
	arches = member(f, "arches");
	mink = member(f, "minKernel");
	if (caps && caps->type != J_NULL) {
		if (!want(pr, caps, J_ARR, "caps"))
			return -1;
		for (size_t i = 0; i < caps->n; i++) {
			const struct jval *c = &caps->items[i];
			bool known_cap = false;
			int cap;

			if (!want(pr, c, J_STR, "a capability"))
				return -1;
			for (size_t k = 0; cap_names[k] && !known_cap; k++)
				known_cap = !strcmp(c->str, cap_names[k]);
			if (!known_cap && !cbpf_cap_parse(c->str, &cap))
				pwarn(pr, c, "capability " DIAG_QF " matches none of the container's: "
					     "Docker compares '%s' exactly",
				      JQ(c), cap_names[cap]);
			else if (!known_cap)
				pwarn(pr, c, "unknown capability " DIAG_QF, JQ(c));
			/* includes: all of them needed; excludes: any of them is enough. */
			if (includes && !has_cap(pr, c->str))
				keep = 0;
			if (!includes && has_cap(pr, c->str))
				keep = 0;
		}
	}
	if (arches && arches->type != J_NULL) {
		if (!want(pr, arches, J_ARR, "arches"))
			return -1;
		for (size_t i = 0; i < arches->n; i++) {
			const struct jval *a = &arches->items[i];
			bool known_arch = false;

			if (!want(pr, a, J_STR, "an architecture"))
				return -1;
			for (size_t k = 0; docker_arch_names[k] && !known_arch; k++)
				known_arch = !strcmp(a->str, docker_arch_names[k]);
			if (!known_arch)
				pwarn(pr, a,
				      "unknown architecture " DIAG_QF " (Docker names: amd64, x86, "
				      "arm64, arm, ...)",
				      JQ(a));
		}
		/*
		 * moby profiles/seccomp setupSeccomp: decided once, by the name of the machine the
		 * container runs on (goToNative[runtime.GOARCH]), for every architecture of the
		 * filter.
		 */
		if (arches->n && includes != str_in(arches, docker_arch(pr->ctx->host)))
			keep = 0;
	}
	if (mink && mink->type != J_NULL) {
		unsigned major, minor;
		bool ge;

		if (!want(pr, mink, J_STR, "minKernel"))
			return -1;
		/* go_decode checked it; "" is a KernelVersion left 0.0, which every kernel meets */
		if (!mink->n)
			major = minor = 0;
		else if (!moby_kernel(mink->str, &major, &minor)) {
			perr(pr, mink, "bad kernel version " DIAG_QF, JQ(mink));
			return -1;
		}
		ge = pr->kmajor > major || (pr->kmajor == major && pr->kminor >= minor);
		if (includes != ge)
			keep = 0;
	}
	return keep;
}

static bool get_cmp(struct profile *pr, const struct jval *v, enum cbpf_cmp *op)
{
	static const struct {
		const char *name;
		enum cbpf_cmp op;
	} ops[] = {
		{ "SCMP_CMP_NE", CBPF_CMP_NE },	  { "SCMP_CMP_LT", CBPF_CMP_LT },
		{ "SCMP_CMP_LE", CBPF_CMP_LE },	  { "SCMP_CMP_EQ", CBPF_CMP_EQ },
		{ "SCMP_CMP_GE", CBPF_CMP_GE },	  { "SCMP_CMP_GT", CBPF_CMP_GT },
		{ "SCMP_CMP_MASKED_EQ", CBPF_CMP_MASKED_EQ },
	};

	if (!want(pr, v, J_STR, "op"))
		return false;
	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
		if (!strcmp(v->str, ops[i].name)) {
			*op = ops[i].op;
			return true;
		}
	perr(pr, v, "unknown comparison " DIAG_QF " (SCMP_CMP_EQ, SCMP_CMP_NE, SCMP_CMP_LT, "
		    "SCMP_CMP_LE, SCMP_CMP_GT, SCMP_CMP_GE, SCMP_CMP_MASKED_EQ)",
	     JQ(v));
	return false;
}

static bool get_arg(struct profile *pr, const struct jval *v, struct cbpf_policy_cond *c)
{
	const struct jval *index, *value, *two, *op;
	uint64_t idx = 0, val = 0, val2 = 0;

	if (!want(pr, v, J_OBJ, "an argument condition"))
		return false;
	index = member(v, "index");
	value = member(v, "value");
	two = member(v, "valueTwo");
	op = member(v, "op");
	if (!op) {
		perr(pr, v, "argument condition without 'op'");
		return false;
	}
	if (index && !get_uint(pr, index, UINT64_MAX, "index", &idx))
		return false;
	if (idx > 5) {
		perr(pr, index, "argument index %llu is over 5 (a syscall has six arguments, 0 to 5)",
		     (unsigned long long)idx);
		return false;
	}
	if (value && !get_uint(pr, value, UINT64_MAX, "value", &val))
		return false;
	if (two && !get_uint(pr, two, UINT64_MAX, "valueTwo", &val2))
		return false;
	if (!get_cmp(pr, op, &c->op))
		return false;
	c->arg = (unsigned)idx;
	c->mask = UINT64_MAX;
	c->value = val;
	/*
	 * libseccomp-golang MakeCondition: for MASKED_EQ the first value is the mask. libseccomp
	 * compares the masked argument with the masked datum (seccomp_rule_add(3)).
	 */
	if (c->op == CBPF_CMP_MASKED_EQ) {
		c->mask = val;
		c->value = val2 & val;
	}
	return true;
}

static void do_syscall(struct profile *pr, const struct jval *s)
{
	const struct jval *names, *name, *action, *errno_ret, *args, *incl, *excl;
	struct cbpf_policy_cond conds[64];
	size_t n_conds = 0, argcount[6] = { 0 };
	bool same_arg = false, ok = true;
	uint32_t act = 0;
	int keep;

	if (!want(pr, s, J_OBJ, "a syscalls entry"))
		return;
	names = member(s, "names");
	name = member(s, "name");
	action = member(s, "action");
	errno_ret = member(s, "errnoRet");
	args = member(s, "args");
	incl = member(s, "includes");
	excl = member(s, "excludes");
	if (names && names->type == J_NULL)
		names = NULL;
	if (name && name->type == J_STR && !name->n)
		name = NULL;
	/* moby setupSeccomp: a name with no names (or an empty list) is the list */
	if (names && name && names->type == J_ARR && !names->n)
		names = NULL;
	if (names && name) {
		perr(pr, name, "a syscalls entry has both 'name' and 'names': use one");
		return;
	}
	if (!names && !name) {
		perr(pr, s, "a syscalls entry without 'names'");
		return;
	}
	if (names && !want(pr, names, J_ARR, "names"))
		return;
	if (name && !want(pr, name, J_STR, "name"))
		return;
	if (!action) {
		perr(pr, s, "a syscalls entry without 'action'");
		return;
	}
	ok = get_action(pr, action, errno_ret, "errnoRet", &act);
	if (args && args->type != J_NULL && want(pr, args, J_ARR, "args")) {
		for (size_t i = 0; i < args->n; i++) {
			if (n_conds == sizeof(conds) / sizeof(conds[0])) {
				perr(pr, &args->items[i], "too many argument conditions (at most 64)");
				ok = false;
				break;
			}
			if (!get_arg(pr, &args->items[i], &conds[n_conds])) {
				ok = false;
				continue;
			}
			if (++argcount[conds[n_conds].arg] > 1)
				same_arg = true;
			n_conds++;
		}
	} else if (args && args->type != J_NULL) {
		ok = false;
	}
	/* Every name is checked, even in an entry left out for this host: typos show. */
	for (size_t i = 0; i < (names ? names->n : 1); i++) {
		const struct jval *nv = names ? &names->items[i] : name;

		if (!want(pr, nv, J_STR, "a syscall name")) {
			ok = false;
			continue;
		}
		/* a name no architecture has is a typo: an error even when lenient */
		if (!cbpf_syscall_exists(nv->str)) {
			perr(pr, nv, "unknown syscall " DIAG_QF, JQ(nv));
			ok = false;
		}
	}
	keep = check_filter(pr, excl, false);
	if (keep > 0)
		keep = check_filter(pr, incl, true);
	if (!ok || keep <= 0)
		return;
	/* runc matchCall: a rule with the default action is redundant and left out. */
	if (act == pr->default_action)
		return;
	for (size_t i = 0; i < (names ? names->n : 1); i++) {
		const struct jval *nv = names ? &names->items[i] : name;
		const char *sys;

		if (!cbpf_syscall_exists(nv->str))
			continue;
		sys = policy_strdup(pr->ctx, nv->str, nv->n);
		if (!sys)
			return;

		if (!same_arg) {
			policy_add_rule(pr->ctx, sys, act, false, conds, n_conds, 0, pr->file,
					nv->line, nv->col);
			continue;
		}
		/* runc: conditions sharing an argument become one rule each (any of them). */
		for (size_t c = 0; c < n_conds; c++)
			policy_add_rule(pr->ctx, sys, act, false, &conds[c], 1, 0, pr->file,
					nv->line, nv->col);
	}
}

/* runtime-spec LinuxSeccompFlag: what runc passes to seccomp(2) (NEW_LISTENER is its own). */
static void do_flags(struct profile *pr, const struct jval *v)
{
	static const struct {
		const char *name;
		unsigned flag;
	} known[] = {
		{ "SECCOMP_FILTER_FLAG_TSYNC", CBPF_SECCOMP_FLAG_TSYNC },
		{ "SECCOMP_FILTER_FLAG_LOG", CBPF_SECCOMP_FLAG_LOG },
		{ "SECCOMP_FILTER_FLAG_SPEC_ALLOW", CBPF_SECCOMP_FLAG_SPEC_ALLOW },
		{ "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV", CBPF_SECCOMP_FLAG_WAIT_KILLABLE_RECV },
	};

	for (size_t i = 0; i < v->n; i++) {
		const struct jval *f = &v->items[i];
		size_t k;

		if (!want(pr, f, J_STR, "a flag"))
			continue;
		for (k = 0; k < sizeof(known) / sizeof(known[0]); k++)
			if (!strcmp(f->str, known[k].name))
				break;
		if (k == sizeof(known) / sizeof(known[0]))
			perr(pr, f, "unknown flag " DIAG_QF " (SECCOMP_FILTER_FLAG_TSYNC, _LOG, "
				    "_SPEC_ALLOW, _WAIT_KILLABLE_RECV)",
			     JQ(f));
		else
			pr->ctx->pol->flags |= known[k].flag;
	}
}

static void do_profile(struct profile *pr, const struct jval *top)
{
	const struct jval *dflt, *dflt_errno, *arches, *archmap, *syscalls, *flags;
	unsigned errors = pr->ctx->errors;

	if (!want(pr, top, J_OBJ, "a seccomp profile"))
		return;
	/* Go's json.Unmarshal fails as a whole on any of go_decode's errors: Docker stops there */
	top = go_decode(pr, &go_profile, NULL, top);
	if (!top || pr->ctx->err || pr->ctx->errors > errors)
		return;
	dflt = member(top, "defaultAction");
	dflt_errno = member(top, "defaultErrnoRet");
	arches = member(top, "architectures");
	archmap = member(top, "archMap");
	syscalls = member(top, "syscalls");
	flags = member(top, "flags");
	if (!dflt) {
		perr(pr, top, "the profile has no 'defaultAction'");
		return;
	}
	if (!get_action(pr, dflt, dflt_errno, "defaultErrnoRet", &pr->default_action))
		return;
	pr->ctx->have_default = true;
	if (!pr->ctx->opts->has_default_action)
		pr->ctx->pol->default_action = pr->default_action;
	else
		pr->default_action = pr->ctx->opts->default_action;
	if (arches && arches->type == J_ARR && arches->n && archmap && archmap->type == J_ARR &&
	    archmap->n) {
		perr(pr, archmap, "both 'architectures' and 'archMap' are given: use one");
		return;
	}
	if (arches)
		do_architectures(pr, arches);
	if (archmap)
		do_arch_map(pr, archmap);
	if (flags && flags->type != J_NULL && want(pr, flags, J_ARR, "flags"))
		do_flags(pr, flags);
	if (!syscalls || syscalls->type == J_NULL)
		return;
	if (!want(pr, syscalls, J_ARR, "syscalls"))
		return;
	for (size_t i = 0; i < syscalls->n && pr->ctx->errors <= pr->ctx->max_errors; i++)
		do_syscall(pr, &syscalls->items[i]);
}

void policy_json_parse(struct policy_ctx *ctx, const char *src, size_t len, const char *file)
{
	struct jparser jp = {
		.src = src,
		.end = src + len,
		.p = src,
		.line = 1,
		.line_start = src,
		.file = file,
		.ctx = ctx,
	};
	struct profile pr = { .jp = &jp, .ctx = ctx, .file = file };
	struct jval top;
	struct utsname uts;
	const char *kernel = ctx->opts->kernel;

	if (file && !(jp.file = pr.file = policy_strdup(ctx, file, strlen(file))))
		return;
	if (len >= 3 && !memcmp(src, "\xef\xbb\xbf", 3))
		jp.p += 3, jp.line_start += 3;
	parse_value(&jp, &top);
	if (!jp.failed) {
		skip_ws(&jp);
		if (jp.p < jp.end)
			expected(&jp, "the end of the input after the profile");
	}
	if (jp.failed)
		goto out;
	switch (ctx->host) {
	case CBPF_ARCH_X86_64:
		pr.host_scmp = "SCMP_ARCH_X86_64";
		break;
	case CBPF_ARCH_I386:
		pr.host_scmp = "SCMP_ARCH_X86";
		break;
	case CBPF_ARCH_AARCH64:
		pr.host_scmp = "SCMP_ARCH_AARCH64";
		break;
	case CBPF_ARCH_ARM:
		pr.host_scmp = "SCMP_ARCH_ARM";
		break;
	default:
		break; /* x32 is not a Go architecture: Docker's archMap has no entry */
	}
	for (size_t i = 0; ctx->opts->caps && ctx->opts->caps[i]; i++)
		if (strcasecmp(ctx->opts->caps[i], "ALL") && cbpf_cap_parse(ctx->opts->caps[i], NULL))
			policy_diag(ctx, CBPF_SEV_ERROR, NULL, 0, 0, 0,
				    "unknown capability '%s' among the container's", ctx->opts->caps[i]);
	if (!kernel && !uname(&uts))
		kernel = uts.release;
	if (!kernel || !parse_kernel(kernel, &pr.kmajor, &pr.kminor)) {
		if (ctx->opts->kernel)
			policy_diag(ctx, CBPF_SEV_ERROR, NULL, 0, 0, 0,
				    "bad kernel version '%s' (expected major.minor)", kernel);
		pr.kmajor = pr.kminor = 0;
	}
	do_profile(&pr, &top);
out:
	arena_free(jp.arena);
}
