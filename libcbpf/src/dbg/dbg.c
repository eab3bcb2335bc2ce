// SPDX-License-Identifier: MIT
/* The debugging engine: a session's program, streamed input, recorded run, points and runs. */
#include <assert.h>
#include <endian.h>
#include <errno.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "capture/capture_int.h"
#include "cbpf/capture.h"
#include "cbpf/check.h"
#include "cbpf/dbg.h"
#include "cbpf/jit.h"
#include "cbpf/pcap.h"
#include "classic/insn_int.h"
#include "dbg/dbg_int.h"

struct cbpf_dbg {
	/* The program. */
	struct cbpf_prog *prog;
	struct cbpf_vm *vm;
	enum cbpf_vm_mode mode;
	uint32_t len;
	bool needs_meta; /* ancillary loads, or loads that can reach negative offsets */
	bool no_jit;     /* cbpf_dbg_set_jit(false): long runs interpret */

	/* The capture: a reader positioned after the packet ahead of the current one. */
	char *path;                     /* its name, "<stdin>" for "-" */
	struct capture_kept kept;       /* where a pipe or stdin is read again from, or fd -1 */
	struct cbpf_capture *cap;
	uint32_t snaplen;
	uint64_t count;                 /* packets in the file, once seen to the end */
	bool counted;                   /* count is known */
	uint64_t last_read;             /* the number of the last packet the reader gave */
	bool have_ahead;                /* ahead holds the next packet (until the next read) */
	struct cbpf_frame ahead;
	struct cbpf_diags ahead_diags;  /* why there is no packet ahead, when the file is damaged */
	uint64_t reported;              /* packets whose warnings were given (once per capture) */

	/* The current packet (a copy). */
	bool have_pkt;
	uint8_t *pkt;
	size_t pkt_size;
	uint32_t caplen, wirelen;
	uint64_t number;
	int64_t ts_sec;
	uint32_t ts_nsec;
	int linktype;

	/* Metadata: what the user set (set_mask says which), and the current packet's. */
	struct cbpf_meta user;
	uint32_t set_mask;
	struct cbpf_meta base;  /* user with the derived fields zeroed: where each frame starts */
	uint32_t derived_mask;
	struct cbpf_meta meta;
	bool meta_ok;

	struct cbpf_seccomp_data sd;

	/* The run on the current input. */
	struct cbpf_vm_state st;
	struct cbpf_dbg_hist *hist;
	size_t nhist, hist_cap;

	struct cbpf_dbg_point *points;
	size_t npoints, points_cap;
	unsigned next_id;

	const volatile sig_atomic_t *intr;
};

/* ---------------------------------------------------------------- metadata fields */

/* How a field sits in struct cbpf_meta; parallel to fields[]. */
struct field_impl {
	const char *alias; /* bpf_asm's name for its ancillary load, or NULL */
	size_t off;
	uint8_t size;      /* 1 (bool or u8), 2 or 4 bytes */
	bool be16;         /* kept in network byte order */
};

#define U16 0xffffu
#define U32 0xffffffffu
static const struct cbpf_dbg_field fields[] = {
	{ "protocol", "skb->protocol, the ethertype: ld #proto", U16, true },
	{ "pkttype", "skb->pkt_type: ld #type (0 host, 1 broadcast, 2 multicast, 3 other host, "
		     "4 outgoing)", 7, true },
	{ "ifindex", "the device's index: ld #ifidx", U32, true },
	{ "hatype", "the device's ARPHRD_* type: ld #hatype", U16, true },
	{ "mark", "skb->mark: ld #mark", U32, false },
	{ "queue", "skb->queue_mapping: ld #queue", U16, false },
	{ "rxhash", "skb->hash: ld #rxhash", U32, false },
	{ "cpu", "the CPU running the filter: ld #cpu", U32, false },
	{ "random", "what ld #rand returns", U32, false },
	{ "vlan_present", "an offloaded VLAN tag is present: ld #vlan_avail", 1, true },
	{ "vlan_tci", "the offloaded VLAN tag: ld #vlan_tci", U16, true },
	{ "vlan_proto", "the VLAN tag's protocol: ld #vlan_tpid", U16, true },
	{ "pay_off", "the payload offset the flow dissector finds: ld #poff", U32, true },
	{ "net_off", "where the network header starts (SKF_NET_OFF loads)", U32, true },
	{ "no_dev", "no device (unix and netlink sockets): ld #ifidx and #hatype end the program",
	  1, false },
	{ "no_mac", "no link-layer header: SKF_LL_OFF loads fail", 1, false },
};

#define F(name, sz) offsetof(struct cbpf_meta, name), sz
static const struct field_impl impls[] = {
	{ "proto", F(protocol, 2), true },  { "type", F(pkttype, 1), false },
	{ "ifidx", F(ifindex, 4), false },  { NULL, F(hatype, 2), false },
	{ NULL, F(mark, 4), false },        { NULL, F(queue, 2), false },
	{ NULL, F(rxhash, 4), false },      { NULL, F(cpu, 4), false },
	{ "rand", F(random, 4), false },    { "vlan_avail", F(vlan_present, 1), false },
	{ NULL, F(vlan_tci, 2), false },    { "vlan_tpid", F(vlan_proto, 2), true },
	{ "poff", F(pay_off, 4), false },   { NULL, F(net_off, 4), false },
	{ NULL, F(no_dev, 1), false },      { NULL, F(no_mac, 1), false },
};
#undef F
#define NFIELDS (sizeof(fields) / sizeof(fields[0]))
static_assert(sizeof(impls) / sizeof(impls[0]) == NFIELDS, "one impl per field");
static_assert(sizeof(bool) == 1, "bool fields are one byte");

const struct cbpf_dbg_field *cbpf_dbg_fields(size_t *count)
{
	*count = NFIELDS;
	return fields;
}

int dbg_field_lookup(const char *name, size_t len)
{
	for (size_t i = 0; i < NFIELDS; i++) {
		const char *a = impls[i].alias;

		if ((strlen(fields[i].name) == len && !memcmp(fields[i].name, name, len)) ||
		    (a && strlen(a) == len && !memcmp(a, name, len)))
			return (int)i;
	}
	return -1;
}

uint64_t dbg_field_value(const struct cbpf_meta *meta, size_t i)
{
	const uint8_t *p = (const uint8_t *)meta + impls[i].off;
	uint32_t v32;
	uint16_t v16;

	switch (impls[i].size) {
	case 1:
		return p[0];
	case 2:
		memcpy(&v16, p, 2);
		return impls[i].be16 ? be16toh(v16) : v16;
	default:
		memcpy(&v32, p, 4);
		return v32;
	}
}

static void field_store(struct cbpf_meta *meta, size_t i, uint64_t v)
{
	uint8_t *p = (uint8_t *)meta + impls[i].off;
	uint32_t v32 = (uint32_t)v;
	uint16_t v16 = (uint16_t)v;

	switch (impls[i].size) {
	case 1:
		p[0] = (uint8_t)v;
		break;
	case 2:
		if (impls[i].be16)
			v16 = htobe16(v16);
		memcpy(p, &v16, 2);
		break;
	default:
		memcpy(p, &v32, 4);
		break;
	}
}

/* The metadata a frame gets: derived fields from the frame, set ones from the user. */
static void meta_for(const struct cbpf_dbg *dbg, const uint8_t *data, uint32_t caplen,
		     uint32_t wirelen, int linktype, struct cbpf_meta *out)
{
	struct cbpf_meta m = dbg->base;

	/* A link type it does not know leaves the derived fields 0: nothing else to say. */
	(void)cbpf_meta_from_frame(&m, linktype, data, caplen, wirelen);
	if (dbg->set_mask & dbg->derived_mask)
		for (size_t i = 0; i < NFIELDS; i++)
			if (dbg->set_mask & dbg->derived_mask & (1u << i))
				field_store(&m, i, dbg_field_value(&dbg->user, i));
	*out = m;
}

/* What every frame starts from: the fields set, the derived ones zeroed. */
static void update_base(struct cbpf_dbg *dbg)
{
	dbg->base = dbg->user;
	dbg->derived_mask = 0;
	for (size_t i = 0; i < NFIELDS; i++) {
		if (!fields[i].derived)
			continue;
		field_store(&dbg->base, i, 0);
		dbg->derived_mask |= 1u << i;
	}
	dbg->meta_ok = false;
}

static void ensure_meta(struct cbpf_dbg *dbg)
{
	if (dbg->meta_ok)
		return;
	if (dbg->have_pkt)
		meta_for(dbg, dbg->pkt, dbg->caplen, dbg->wirelen, dbg->linktype, &dbg->meta);
	else
		meta_for(dbg, NULL, 0, 0, -1, &dbg->meta);
	dbg->meta_ok = true;
}

const struct cbpf_meta *cbpf_dbg_meta(struct cbpf_dbg *dbg)
{
	ensure_meta(dbg);
	return &dbg->meta;
}

static int field_find(const char *name)
{
	return name ? dbg_field_lookup(name, strlen(name)) : -1;
}

int cbpf_dbg_meta_set(struct cbpf_dbg *dbg, const char *name, uint64_t value)
{
	int i = field_find(name);

	if (i < 0)
		return -ENOENT;
	if (value > fields[i].max)
		return -EINVAL;
	field_store(&dbg->user, (size_t)i, value);
	dbg->set_mask |= 1u << i;
	update_base(dbg);
	cbpf_dbg_restart(dbg);
	return 0;
}

int cbpf_dbg_meta_reset(struct cbpf_dbg *dbg, const char *name)
{
	if (!name) {
		memset(&dbg->user, 0, sizeof(dbg->user));
		dbg->set_mask = 0;
	} else {
		int i = field_find(name);

		if (i < 0)
			return -ENOENT;
		field_store(&dbg->user, (size_t)i, 0);
		dbg->set_mask &= ~(1u << i);
	}
	update_base(dbg);
	cbpf_dbg_restart(dbg);
	return 0;
}

int cbpf_dbg_meta_get(struct cbpf_dbg *dbg, const char *name, uint64_t *value, bool *is_set)
{
	int i = field_find(name);

	if (i < 0)
		return -ENOENT;
	ensure_meta(dbg);
	*value = dbg_field_value(&dbg->meta, (size_t)i);
	if (is_set)
		*is_set = dbg->set_mask & (1u << i);
	return 0;
}

/* ---------------------------------------------------------------- session */

int cbpf_dbg_new(struct cbpf_dbg **out)
{
	struct cbpf_dbg *dbg = calloc(1, sizeof(*dbg));

	if (!dbg)
		return -ENOMEM;
	dbg->next_id = 1;
	dbg->kept.fd = -1;
	dbg->linktype = CBPF_DLT_EN10MB;
	update_base(dbg);
	cbpf_vm_state_init(&dbg->st);
	*out = dbg;
	return 0;
}

/* Closes the reader and forgets what it read; the capture stays, to be read again. */
static void close_reader(struct cbpf_dbg *dbg)
{
	cbpf_capture_close(dbg->cap);
	dbg->cap = NULL;
	dbg->have_ahead = false;
	dbg->count = 0;
	dbg->counted = false;
	cbpf_diags_free(&dbg->ahead_diags);
}

static void close_capture(struct cbpf_dbg *dbg)
{
	close_reader(dbg);
	free(dbg->path);
	dbg->path = NULL;
	if (dbg->kept.fd >= 0)
		close(dbg->kept.fd);
	memset(&dbg->kept, 0, sizeof(dbg->kept));
	dbg->kept.fd = -1;
	dbg->reported = 0;
}

/* What readers of the session's capture open: the kept copy, or the file itself. */
static const char *read_path(const struct cbpf_dbg *dbg)
{
	return dbg->kept.fd >= 0 ? dbg->kept.path : dbg->path;
}

void cbpf_dbg_free(struct cbpf_dbg *dbg)
{
	if (!dbg)
		return;
	close_capture(dbg);
	cbpf_prog_free(dbg->prog);
	cbpf_vm_free(dbg->vm);
	free(dbg->pkt);
	free(dbg->hist);
	for (size_t i = 0; i < dbg->npoints; i++)
		cbpf_dbg_expr_free(dbg->points[i].cond);
	free(dbg->points);
	free(dbg);
}

void cbpf_dbg_set_interrupt(struct cbpf_dbg *dbg, const volatile sig_atomic_t *flag)
{
	dbg->intr = flag;
}

static bool interrupted(const struct cbpf_dbg *dbg)
{
	return dbg->intr && *dbg->intr;
}

void cbpf_dbg_restart(struct cbpf_dbg *dbg)
{
	cbpf_vm_state_init(&dbg->st);
	dbg->nhist = 0;
}

/* ---------------------------------------------------------------- the program */

/*
 * Whether a run can look at struct cbpf_meta: an ancillary load, a load at a negative constant
 * offset, or an indirect load [x + k] whose offset can be negative. The largest X can hold is
 * followed along the jumps (forward only, so one pass in order): a constant, ldxb's 60, or
 * anything after tax, ldx M[k] and ldx #len. tcpdump's [x + k] after ldxb never needs it.
 */
static bool prog_needs_meta(const struct cbpf_insn *insns, size_t len)
{
	uint64_t *xmax = malloc((len + 1) * sizeof(*xmax));
	const uint64_t unreached = UINT64_MAX, any = UINT32_MAX;
	bool needs = false;

	if (!xmax)
		return true;
	for (size_t pc = 0; pc <= len; pc++)
		xmax[pc] = unreached;
	xmax[0] = 0;
	for (size_t pc = 0; pc < len && !needs; pc++) {
		const struct cbpf_insn *in = &insns[pc];
		unsigned cls = CBPF_CLASS(in->code), mode = CBPF_MODE(in->code);
		uint64_t x = xmax[pc], next[2];

		if (x == unreached)
			continue;
		if (cls == CBPF_LD || cls == CBPF_LDX) {
			if ((mode == CBPF_ABS || mode == CBPF_MSH) && (int32_t)in->k < 0)
				needs = true;
			if (mode == CBPF_IND && x + in->k > INT32_MAX)
				needs = true;
		}
		if (cls == CBPF_LDX)
			x = mode == CBPF_IMM ? in->k : mode == CBPF_MSH ? 60 : any;
		else if (cls == CBPF_MISC && CBPF_MISCOP(in->code) == CBPF_TAX)
			x = any;
		for (unsigned i = insn_successors(in, pc, next); i-- > 0;)
			if (next[i] < len && (xmax[next[i]] == unreached || xmax[next[i]] < x))
				xmax[next[i]] = x;
	}
	free(xmax);
	return needs;
}

int cbpf_dbg_load(struct cbpf_dbg *dbg, const struct cbpf_prog *prog, enum cbpf_vm_mode mode,
		  struct cbpf_diags *diags)
{
	struct cbpf_dbg_hist *hist;
	struct cbpf_prog *copy;
	struct cbpf_vm *vm;
	size_t len = cbpf_prog_len(prog);
	int err;

	err = cbpf_check(prog, mode == CBPF_VM_SECCOMP ? CBPF_CHECK_SECCOMP : CBPF_CHECK_SOCKET,
			 diags);
	if (err)
		return err;
	err = cbpf_vm_new(prog, mode, &vm, diags);
	if (err)
		return err;
	copy = cbpf_prog_dup(prog);
	/* No backward jumps: a run executes each instruction once at most. */
	hist = calloc(len + 1, sizeof(*hist));
	if (!copy || !hist) {
		cbpf_prog_free(copy);
		free(hist);
		cbpf_vm_free(vm);
		return -ENOMEM;
	}
	cbpf_prog_free(dbg->prog);
	cbpf_vm_free(dbg->vm);
	free(dbg->hist);
	dbg->prog = copy;
	dbg->vm = vm;
	dbg->mode = mode;
	dbg->len = (uint32_t)len;
	dbg->hist = hist;
	dbg->hist_cap = len + 1;
	dbg->needs_meta = prog_needs_meta(cbpf_prog_insns(copy), len);
	cbpf_dbg_delete_all(dbg, CBPF_DBG_BREAK);
	cbpf_dbg_restart(dbg);
	return 0;
}

const struct cbpf_prog *cbpf_dbg_prog(const struct cbpf_dbg *dbg)
{
	return dbg->prog;
}

enum cbpf_vm_mode cbpf_dbg_mode(const struct cbpf_dbg *dbg)
{
	return dbg->mode;
}

/* ---------------------------------------------------------------- inputs */

static int copy_diags(struct cbpf_diags *to, const struct cbpf_diags *from)
{
	for (size_t i = 0; i < from->n; i++) {
		const struct cbpf_diag *d = &from->v[i];

		if (cbpf_diags_add(to, d->severity, d->file, d->line, d->col, d->len, d->insn, "%s",
				   d->msg))
			return -ENOMEM;
	}
	return 0;
}

/* Makes a frame the current packet (copied); its run starts. */
static int take_frame(struct cbpf_dbg *dbg, const struct cbpf_frame *f, int linktype)
{
	if (f->caplen > dbg->pkt_size || !dbg->pkt) {
		size_t size = f->caplen > 64 ? f->caplen : 64;
		uint8_t *p = realloc(dbg->pkt, size);

		if (!p)
			return -ENOMEM;
		dbg->pkt = p;
		dbg->pkt_size = size;
	}
	if (f->caplen)
		memcpy(dbg->pkt, f->data, f->caplen);
	dbg->caplen = f->caplen;
	dbg->wirelen = f->wirelen;
	dbg->number = f->number;
	dbg->ts_sec = f->ts_sec;
	dbg->ts_nsec = f->ts_nsec;
	dbg->linktype = linktype;
	dbg->have_pkt = true;
	dbg->meta_ok = false;
	cbpf_dbg_restart(dbg);
	return 0;
}

/* Reads the packet after the current one into ahead. */
static void read_ahead(struct cbpf_dbg *dbg)
{
	int r;

	if (dbg->ahead_diags.n)
		cbpf_diags_free(&dbg->ahead_diags);
	r = cbpf_capture_next(dbg->cap, &dbg->ahead, &dbg->ahead_diags);
	dbg->have_ahead = r == 1;
	if (r == 1)
		dbg->last_read = dbg->ahead.number;
	else if (r == 0) {
		dbg->count = dbg->last_read;
		dbg->counted = true;
	}
}

/*
 * What reading packet number said, into to: errors always, warnings (a record cut to the
 * snapshot length) only the first time the packet is read since the capture was loaded, not
 * again on each pass that goes back (run's wrap-around, select, coverage, filter).
 */
static int report(uint64_t *reported, struct cbpf_diags *to, const struct cbpf_diags *from,
		  uint64_t number)
{
	for (size_t i = 0; i < from->n; i++) {
		const struct cbpf_diag *d = &from->v[i];

		if (d->severity != CBPF_SEV_ERROR && number <= *reported)
			continue;
		if (cbpf_diags_add(to, d->severity, d->file, d->line, d->col, d->len, d->insn, "%s",
				   d->msg))
			return -ENOMEM;
	}
	if (number > *reported)
		*reported = number;
	return 0;
}

/* The packet ahead becomes current; what reading it said (warnings) goes to diags. */
static int forward(struct cbpf_dbg *dbg, struct cbpf_diags *diags)
{
	uint64_t number = dbg->ahead.number;
	int err = take_frame(dbg, &dbg->ahead, dbg->linktype);

	if (err)
		return err;
	if (report(&dbg->reported, diags, &dbg->ahead_diags, number))
		return -ENOMEM;
	read_ahead(dbg);
	return 0;
}

/*
 * A reader of from (named name in messages) and its first read: *r as cbpf_capture_next()
 * returns it, the frame in *f. Warnings are given as report() gives them.
 */
static int open_reader(const char *from, const char *name, uint64_t *reported,
		       struct cbpf_capture **out, struct cbpf_frame *f, int *r,
		       struct cbpf_diags *diags)
{
	struct cbpf_diags first = { 0 };
	struct cbpf_capture *cap;
	int err;

	err = capture_open_as(from, name, &cap, diags);
	if (err)
		return err;
	*r = cbpf_capture_next(cap, f, &first);
	err = report(reported, diags, &first, *r == 1 ? f->number : 0);
	cbpf_diags_free(&first);
	if (err || *r < 0) {
		cbpf_capture_close(cap);
		return err ? err : -EINVAL;
	}
	*out = cap;
	return 0;
}

/* The reader cap (just opened; r and f its first read) becomes the session's, at its start. */
static int take_reader(struct cbpf_dbg *dbg, struct cbpf_capture *cap, int r,
		       const struct cbpf_frame *f)
{
	int err;

	dbg->cap = cap;
	dbg->snaplen = cbpf_capture_snaplen(cap);
	if (r == 0) {
		/* A header and no packets, as tcpdump -w writes when nothing matched. */
		dbg->have_pkt = false;
		dbg->caplen = dbg->wirelen = 0;
		dbg->number = 0;
		dbg->ts_sec = 0;
		dbg->ts_nsec = 0;
		dbg->linktype = cbpf_capture_linktype(cap);
		dbg->meta_ok = false;
		dbg->last_read = 0;
		dbg->count = 0;
		dbg->counted = true;
		cbpf_dbg_restart(dbg);
		return 0;
	}
	err = take_frame(dbg, f, cbpf_capture_linktype(cap));
	dbg->last_read = f->number;
	if (err)
		return err;
	read_ahead(dbg);
	return 0;
}

/*
 * Opens path at its first packet, which becomes current; a capture that cannot be read twice
 * (a pipe, a FIFO, standard input) is kept where it can first. The session's capture is replaced
 * only when this succeeds.
 */
int cbpf_dbg_open_capture(struct cbpf_dbg *dbg, const char *path, struct cbpf_diags *diags)
{
	const char *name = strcmp(path, "-") ? path : "<stdin>";
	struct capture_kept kept;
	struct cbpf_capture *cap;
	struct cbpf_frame f;
	uint64_t reported = 0;
	char *copy;
	int err, r;

	err = capture_keep(path, name, &kept, diags);
	if (err)
		return err;
	copy = strdup(name);
	err = copy ? open_reader(kept.fd >= 0 ? kept.path : path, name, &reported, &cap, &f, &r,
				 diags)
		   : -ENOMEM;
	if (err) {
		free(copy);
		if (kept.fd >= 0)
			close(kept.fd);
		return err;
	}
	if (kept.kind)
		cbpf_diags_add(diags, CBPF_SEV_NOTE, name, 0, 0, 0, -1,
			       "%s, which cannot be read twice: copied whole (%" PRIu64
			       " bytes) to an unnamed temporary file, gone at exit",
			       kept.kind, kept.size);
	close_capture(dbg);
	dbg->path = copy;
	dbg->kept = kept;
	dbg->reported = reported;
	return take_reader(dbg, cap, r, &f);
}

/* The same capture from its first packet; what is known of its length is kept. */
static int reopen(struct cbpf_dbg *dbg, struct cbpf_diags *diags)
{
	uint64_t count = dbg->count;
	bool counted = dbg->counted;
	struct cbpf_capture *cap;
	struct cbpf_frame f;
	int err, r;

	err = open_reader(read_path(dbg), dbg->path, &dbg->reported, &cap, &f, &r, diags);
	if (err)
		return err;
	close_reader(dbg);
	err = take_reader(dbg, cap, r, &f);
	if (!err && !dbg->counted && counted) {
		dbg->count = count;
		dbg->counted = true;
	}
	return err;
}

int cbpf_dbg_compile(struct cbpf_dbg *dbg, const char *expr, const struct cbpf_compile_opts *opts,
		     struct cbpf_prog **out, struct cbpf_diags *diags)
{
	if (dbg->cap)
		return cbpf_capture_compile(dbg->cap, expr, opts, out, diags);
	return cbpf_pcap_compile(expr, opts, out, diags);
}

/* Why there is no packet n: the file is damaged before it, or it has fewer packets. */
static int no_such_packet(struct cbpf_dbg *dbg, uint64_t n, struct cbpf_diags *diags)
{
	if (dbg->ahead_diags.errors) {
		copy_diags(diags, &dbg->ahead_diags);
		return -EINVAL;
	}
	cbpf_diags_add(diags, CBPF_SEV_ERROR, dbg->path, 0, 0, 0, -1,
		       "no packet %" PRIu64 ": the capture holds %" PRIu64 " packet%s", n,
		       dbg->count, dbg->count == 1 ? "" : "s");
	return -ENOENT;
}

/* Moves forward with the current reader up to packet n. */
static int forward_to(struct cbpf_dbg *dbg, uint64_t n, struct cbpf_diags *diags)
{
	int err;

	while (dbg->number < n) {
		if (!dbg->have_ahead)
			return no_such_packet(dbg, n, diags);
		err = forward(dbg, diags);
		if (err)
			return err;
	}
	return 0;
}

static int goto_packet(struct cbpf_dbg *dbg, uint64_t n, struct cbpf_diags *diags)
{
	if (n <= dbg->number) {
		int err = reopen(dbg, diags);

		if (err)
			return err;
	}
	return forward_to(dbg, n, diags);
}

int cbpf_dbg_select(struct cbpf_dbg *dbg, uint64_t n, struct cbpf_diags *diags)
{
	uint64_t orig = dbg->number;
	struct cbpf_diags scratch = { 0 };
	int err;

	if (!dbg->cap) {
		cbpf_diags_add(diags, CBPF_SEV_ERROR, NULL, 0, 0, 0, -1, "no capture loaded");
		return -EINVAL;
	}
	if (n == 0) {
		cbpf_diags_add(diags, CBPF_SEV_ERROR, dbg->path, 0, 0, 0, -1,
			       "no packet 0: packets are numbered from 1");
		return -ENOENT;
	}
	if (n == dbg->number) {
		cbpf_dbg_restart(dbg);
		return 0;
	}
	/* Packets past a known end need no reading. */
	if (dbg->counted && n > dbg->count && !dbg->ahead_diags.errors)
		return no_such_packet(dbg, n, diags);
	err = goto_packet(dbg, n, diags);
	if (err && err != -ENOMEM && dbg->cap)
		goto_packet(dbg, orig, &scratch); /* back where it was; it was read before */
	cbpf_diags_free(&scratch);
	return err;
}

int cbpf_dbg_next(struct cbpf_dbg *dbg, struct cbpf_diags *diags)
{
	int err;

	if (!dbg->cap) {
		cbpf_diags_add(diags, CBPF_SEV_ERROR, NULL, 0, 0, 0, -1, "no capture loaded");
		return -EINVAL;
	}
	if (dbg->have_ahead) {
		err = forward(dbg, diags);
		return err ? err : 1;
	}
	if (copy_diags(diags, &dbg->ahead_diags))
		return -ENOMEM;
	err = goto_packet(dbg, 1, diags);
	return err ? err : 0;
}

int cbpf_dbg_set_packet(struct cbpf_dbg *dbg, const uint8_t *data, uint32_t caplen,
			uint32_t wirelen, int linktype)
{
	struct cbpf_frame f = { data, caplen, wirelen, 0, 0, 0 };

	if (caplen > wirelen || caplen > CBPF_DEFAULT_SNAPLEN)
		return -EINVAL;
	close_capture(dbg);
	dbg->snaplen = CBPF_DEFAULT_SNAPLEN;
	return take_frame(dbg, &f, linktype);
}

void cbpf_dbg_set_seccomp(struct cbpf_dbg *dbg, const struct cbpf_seccomp_data *sd)
{
	dbg->sd = *sd;
	cbpf_dbg_restart(dbg);
}

void cbpf_dbg_input(const struct cbpf_dbg *dbg, struct cbpf_dbg_input *out)
{
	memset(out, 0, sizeof(*out));
	out->have_packet = dbg->have_pkt;
	out->data = dbg->pkt;
	out->caplen = dbg->caplen;
	out->wirelen = dbg->wirelen;
	out->number = dbg->number;
	out->ts_sec = dbg->ts_sec;
	out->ts_nsec = dbg->ts_nsec;
	out->have_next = dbg->have_ahead;
	out->linktype = dbg->linktype;
	out->sd = &dbg->sd;
	out->capture = dbg->path;
	out->snaplen = dbg->snaplen;
	out->count = dbg->count;
	out->counted = dbg->counted;
}

/* ---------------------------------------------------------------- stepping */

/* The input the program runs on; false when there is none. */
static bool make_input(struct cbpf_dbg *dbg, struct cbpf_input *in)
{
	if (dbg->mode == CBPF_VM_SECCOMP) {
		*in = cbpf_input_seccomp(&dbg->sd);
		return true;
	}
	if (!dbg->have_pkt)
		return false;
	if (dbg->needs_meta)
		ensure_meta(dbg);
	*in = cbpf_input_packet(dbg->pkt, dbg->caplen, dbg->wirelen,
				dbg->needs_meta ? &dbg->meta : NULL);
	return true;
}

const struct cbpf_vm_state *cbpf_dbg_state(const struct cbpf_dbg *dbg)
{
	return &dbg->st;
}

size_t cbpf_dbg_history(const struct cbpf_dbg *dbg, const struct cbpf_dbg_hist **out)
{
	*out = dbg->hist;
	return dbg->nhist;
}

/* One instruction, recorded. */
static int step_in(struct cbpf_dbg *dbg, const struct cbpf_input *in, struct cbpf_vm_step *rec)
{
	struct cbpf_dbg_hist *h;
	int err;

	if (dbg->nhist == dbg->hist_cap) {
		/* Not reached by a validated program; grow all the same rather than lose it. */
		size_t cap = dbg->hist_cap ? 2 * dbg->hist_cap : 16;
		struct cbpf_dbg_hist *nh = realloc(dbg->hist, cap * sizeof(*nh));

		if (!nh)
			return -ENOMEM;
		dbg->hist = nh;
		dbg->hist_cap = cap;
	}
	h = &dbg->hist[dbg->nhist];
	h->before = dbg->st;
	err = cbpf_vm_step(dbg->vm, &dbg->st, in, &h->step);
	if (err)
		return err;
	dbg->nhist++;
	if (rec)
		*rec = h->step;
	return 0;
}

int cbpf_dbg_step(struct cbpf_dbg *dbg, struct cbpf_vm_step *rec)
{
	struct cbpf_input in;

	if (!dbg->vm || !make_input(dbg, &in) || dbg->st.exit != CBPF_VM_RUNNING)
		return -EINVAL;
	return step_in(dbg, &in, rec);
}

int cbpf_dbg_back(struct cbpf_dbg *dbg, size_t n)
{
	if (n > dbg->nhist)
		return -EINVAL;
	if (n == 0)
		return 0;
	dbg->nhist -= n;
	dbg->st = dbg->hist[dbg->nhist].before;
	return 0;
}

/* ---------------------------------------------------------------- conditions */

static void make_ctx(struct cbpf_dbg *dbg, const struct cbpf_vm_state *st,
		     const struct cbpf_dbg_expr *expr, struct dbg_ctx *ctx)
{
	memset(ctx, 0, sizeof(*ctx));
	ctx->st = st;
	if (dbg->mode == CBPF_VM_SECCOMP && dbg->vm) {
		ctx->sd = &dbg->sd;
		return;
	}
	if (dbg->have_pkt) {
		ctx->data = dbg->pkt;
		ctx->caplen = dbg->caplen;
		ctx->wirelen = dbg->wirelen;
	}
	if (dbg_expr_uses_meta(expr)) {
		ensure_meta(dbg);
		ctx->meta = &dbg->meta;
	}
}

int cbpf_dbg_expr_eval(struct cbpf_dbg *dbg, const struct cbpf_dbg_expr *expr, uint64_t *value)
{
	struct dbg_ctx ctx;

	make_ctx(dbg, &dbg->st, expr, &ctx);
	return dbg_expr_eval_ctx(expr, &ctx, value);
}

/* A condition holds in state st: it evaluates, and to non-zero. */
static bool holds(struct cbpf_dbg *dbg, const struct cbpf_dbg_expr *cond,
		  const struct cbpf_vm_state *st)
{
	struct dbg_ctx ctx;
	uint64_t v;

	make_ctx(dbg, st, cond, &ctx);
	return !dbg_expr_eval_ctx(cond, &ctx, &v) && v;
}

/* ---------------------------------------------------------------- breakpoints and watches */

static int add_point(struct cbpf_dbg *dbg, const struct cbpf_dbg_point *p, unsigned *id)
{
	if (dbg->npoints == dbg->points_cap) {
		size_t cap = dbg->points_cap ? 2 * dbg->points_cap : 8;
		struct cbpf_dbg_point *np = realloc(dbg->points, cap * sizeof(*np));

		if (!np)
			return -ENOMEM;
		dbg->points = np;
		dbg->points_cap = cap;
	}
	dbg->points[dbg->npoints] = *p;
	dbg->points[dbg->npoints].id = dbg->next_id++;
	if (id)
		*id = dbg->points[dbg->npoints].id;
	dbg->npoints++;
	return 0;
}

int cbpf_dbg_break(struct cbpf_dbg *dbg, long pc, const char *cond, unsigned *id,
		   struct cbpf_diags *diags)
{
	struct cbpf_dbg_point p = { 0 };
	struct cbpf_dbg_expr *expr = NULL;
	int err;

	if (!dbg->prog) {
		cbpf_diags_add(diags, CBPF_SEV_ERROR, NULL, 0, 0, 0, -1, "no program loaded");
		return -EINVAL;
	}
	if (pc < -1 || pc >= (long)dbg->len || (pc < 0 && !cond)) {
		cbpf_diags_add(diags, CBPF_SEV_ERROR, NULL, 0, 0, 0, -1,
			       pc < 0 ? "a breakpoint needs an instruction or a condition"
				      : "no instruction %ld: the program has %u (l0 to l%u)",
			       pc, dbg->len, dbg->len - 1);
		return -EINVAL;
	}
	if (cond) {
		err = cbpf_dbg_expr_parse(cond, &expr, diags);
		if (err)
			return err;
	}
	p.kind = CBPF_DBG_BREAK;
	p.pc = pc;
	p.cond = expr;
	err = add_point(dbg, &p, id);
	if (err)
		cbpf_dbg_expr_free(expr);
	return err;
}

int cbpf_dbg_watch(struct cbpf_dbg *dbg, unsigned mem, unsigned *id)
{
	struct cbpf_dbg_point p = { 0 };

	if (mem >= CBPF_MEMWORDS)
		return -EINVAL;
	p.kind = CBPF_DBG_WATCH;
	p.pc = -1;
	p.mem = mem;
	return add_point(dbg, &p, id);
}

int cbpf_dbg_delete(struct cbpf_dbg *dbg, unsigned id)
{
	for (size_t i = 0; i < dbg->npoints; i++) {
		if (dbg->points[i].id != id)
			continue;
		cbpf_dbg_expr_free(dbg->points[i].cond);
		memmove(&dbg->points[i], &dbg->points[i + 1],
			(dbg->npoints - i - 1) * sizeof(dbg->points[0]));
		dbg->npoints--;
		return 0;
	}
	return -ENOENT;
}

void cbpf_dbg_delete_all(struct cbpf_dbg *dbg, int kind)
{
	size_t j = 0;

	for (size_t i = 0; i < dbg->npoints; i++) {
		if (kind < 0 || dbg->points[i].kind == (enum cbpf_dbg_point_kind)kind)
			cbpf_dbg_expr_free(dbg->points[i].cond);
		else
			dbg->points[j++] = dbg->points[i];
	}
	dbg->npoints = j;
}

size_t cbpf_dbg_points(const struct cbpf_dbg *dbg, const struct cbpf_dbg_point **out)
{
	*out = dbg->points;
	return dbg->npoints;
}

/* ---------------------------------------------------------------- running */

/* The breakpoint that stops the run before the current instruction, or NULL. */
static struct cbpf_dbg_point *break_here(struct cbpf_dbg *dbg)
{
	for (size_t i = 0; i < dbg->npoints; i++) {
		struct cbpf_dbg_point *p = &dbg->points[i];

		if (p->kind != CBPF_DBG_BREAK)
			continue;
		if (p->pc >= 0 && (uint32_t)p->pc != dbg->st.pc)
			continue;
		if (p->cond && !holds(dbg, p->cond, &dbg->st))
			continue;
		/* Anywhere: only where the condition starts to hold. */
		if (p->pc < 0 && dbg->nhist &&
		    holds(dbg, p->cond, &dbg->hist[dbg->nhist - 1].before))
			continue;
		return p;
	}
	return NULL;
}

/* The watch the last instruction triggered, or NULL. */
static struct cbpf_dbg_point *watch_hit(struct cbpf_dbg *dbg, struct cbpf_dbg_stop *stop)
{
	const struct cbpf_vm_state *before = &dbg->hist[dbg->nhist - 1].before;

	for (size_t i = 0; i < dbg->npoints; i++) {
		struct cbpf_dbg_point *p = &dbg->points[i];

		if (p->kind != CBPF_DBG_WATCH || before->M[p->mem] == dbg->st.M[p->mem])
			continue;
		stop->mem = p->mem;
		stop->old = before->M[p->mem];
		stop->now = dbg->st.M[p->mem];
		return p;
	}
	return NULL;
}

static int continue_in(struct cbpf_dbg *dbg, const struct cbpf_input *in, uint64_t max_steps,
		       struct cbpf_dbg_stop *stop)
{
	struct cbpf_dbg_point *p;
	uint64_t n = 0;
	int err;

	memset(stop, 0, sizeof(*stop));
	while (dbg->st.exit == CBPF_VM_RUNNING) {
		p = break_here(dbg);
		if (p) {
			p->hits++;
			stop->why = CBPF_DBG_HIT_BREAK;
			stop->id = p->id;
			return 0;
		}
		if (max_steps && n >= max_steps) {
			stop->why = CBPF_DBG_LIMIT;
			return 0;
		}
		err = step_in(dbg, in, NULL);
		if (err)
			return err;
		n++;
		p = watch_hit(dbg, stop);
		if (p) {
			p->hits++;
			stop->why = CBPF_DBG_HIT_WATCH;
			stop->id = p->id;
			return 0;
		}
	}
	stop->why = CBPF_DBG_END;
	return 0;
}

int cbpf_dbg_continue(struct cbpf_dbg *dbg, uint64_t max_steps, struct cbpf_dbg_stop *stop)
{
	struct cbpf_input in;

	if (!dbg->vm || !make_input(dbg, &in) || dbg->st.exit != CBPF_VM_RUNNING)
		return -EINVAL;
	return continue_in(dbg, &in, max_steps, stop);
}

void cbpf_dbg_set_jit(struct cbpf_dbg *dbg, bool on)
{
	dbg->no_jit = !on;
	if (!on && dbg->vm)
		cbpf_vm_set_jit(dbg->vm, false, NULL);
}

bool cbpf_dbg_jit(const struct cbpf_dbg *dbg)
{
	return !dbg->no_jit;
}

/*
 * Before a run over many packets: the program as native code, compiled once per program
 * (cbpf_vm_run then calls it; stepping still interprets). Where there is no JIT the
 * interpreter runs, with the same results: the error is not the run's.
 */
static void jit_for_long_run(struct cbpf_dbg *dbg)
{
	if (!dbg->no_jit)
		cbpf_vm_set_jit(dbg->vm, true, NULL);
}

static void count(struct cbpf_dbg_tally *tally, uint32_t ret)
{
	if (ret)
		tally->pass++;
	else
		tally->fail++;
}

/* The current packet's run to its end, stopping at points; counted when it ends. */
static int run_current(struct cbpf_dbg *dbg, struct cbpf_dbg_stop *stop,
		       struct cbpf_dbg_tally *tally)
{
	struct cbpf_input in;
	int err;

	make_input(dbg, &in);
	if (!dbg->npoints && !dbg->nhist) {
		count(tally, cbpf_vm_run(dbg->vm, &in));
		stop->why = CBPF_DBG_END;
		return 0;
	}
	err = continue_in(dbg, &in, 0, stop);
	if (!err && stop->why == CBPF_DBG_END)
		count(tally, dbg->st.ret);
	return err;
}

int cbpf_dbg_run(struct cbpf_dbg *dbg, uint64_t max_packets, struct cbpf_dbg_stop *stop,
		 struct cbpf_dbg_tally *tally, struct cbpf_diags *diags)
{
	struct cbpf_input in;
	struct cbpf_meta meta;
	uint64_t packets = 0;
	int err;

	memset(stop, 0, sizeof(*stop));
	if (dbg->vm && dbg->mode != CBPF_VM_SECCOMP && dbg->cap && !dbg->have_pkt) {
		stop->why = CBPF_DBG_END; /* a capture without packets: nothing to count */
		return 0;
	}
	if (!dbg->vm || !make_input(dbg, &in))
		return -EINVAL;
	if (dbg->mode == CBPF_VM_SECCOMP || !dbg->cap) {
		/* One input, recorded: its run is what the session shows afterwards. */
		if (dbg->st.exit != CBPF_VM_RUNNING)
			cbpf_dbg_restart(dbg);
		err = continue_in(dbg, &in, 0, stop);
		if (!err && stop->why == CBPF_DBG_END)
			count(tally, dbg->st.ret);
		return err;
	}
	if (dbg->st.exit != CBPF_VM_RUNNING) {
		err = cbpf_dbg_next(dbg, diags);
		if (err < 0)
			return err;
	}
	jit_for_long_run(dbg);
	for (;;) {
		if (interrupted(dbg)) {
			stop->why = CBPF_DBG_INTERRUPT;
			return 0;
		}
		err = run_current(dbg, stop, tally);
		if (err || stop->why != CBPF_DBG_END)
			return err;
		packets++;
		if (!dbg->have_ahead || (max_packets && packets >= max_packets))
			break;
		if (dbg->npoints) {
			err = forward(dbg, diags);
			if (err)
				return err;
			continue;
		}
		/*
		 * Without points the packets ahead run where the reader left them, uncopied,
		 * until the capture or max_packets ends; the session then starts again anyway.
		 */
		while (dbg->have_ahead && !(max_packets && packets >= max_packets)) {
			const struct cbpf_frame *f = &dbg->ahead;

			if ((packets & 1023) == 0 && interrupted(dbg))
				break;
			if (dbg->ahead_diags.n &&
			    report(&dbg->reported, diags, &dbg->ahead_diags, f->number))
				return -ENOMEM;
			in = cbpf_input_packet(f->data, f->caplen, f->wirelen, NULL);
			if (dbg->needs_meta) {
				meta_for(dbg, f->data, f->caplen, f->wirelen, dbg->linktype, &meta);
				in.meta = &meta;
			}
			count(tally, cbpf_vm_run(dbg->vm, &in));
			packets++;
			read_ahead(dbg);
		}
		if (dbg->have_ahead && !(max_packets && packets >= max_packets)) {
			/* Interrupted: the packet ahead, not run yet, becomes current. */
			err = forward(dbg, diags);
			if (err)
				return err;
			stop->why = CBPF_DBG_INTERRUPT;
			return 0;
		}
		break;
	}
	stop->why = CBPF_DBG_END;
	err = 0;
	if (!dbg->have_ahead && dbg->ahead_diags.errors &&
	    !(max_packets && packets >= max_packets)) {
		copy_diags(diags, &dbg->ahead_diags);
		err = -EINVAL;
	}
	/* As bpf_dbg, back to the first packet. */
	{
		int e = reopen(dbg, diags);

		if (e)
			return e;
	}
	return err;
}

int cbpf_dbg_trace(struct cbpf_dbg *dbg, struct cbpf_dbg_hist *steps, size_t *n,
		   struct cbpf_vm_state *final)
{
	struct cbpf_vm_state st;
	struct cbpf_input in;
	size_t i = 0;

	if (!dbg->vm || !make_input(dbg, &in))
		return -EINVAL;
	cbpf_vm_state_init(&st);
	while (st.exit == CBPF_VM_RUNNING && i < dbg->len) {
		steps[i].before = st;
		if (cbpf_vm_step(dbg->vm, &st, &in, &steps[i].step))
			break;
		i++;
	}
	*n = i;
	if (final)
		*final = st;
	return 0;
}

/* Whether two paths name one file (through links of either kind). */
static bool same_file(const char *a, const char *b)
{
	struct stat sa, sb;

	return !stat(a, &sa) && !stat(b, &sb) && sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

int cbpf_dbg_sweep(struct cbpf_dbg *dbg, const struct cbpf_dbg_sweep_opts *opts,
		   struct cbpf_dbg_tally *tally, struct cbpf_diags *diags)
{
	struct cbpf_capture_writer *w = NULL;
	struct cbpf_capture *cap = NULL;
	uint64_t written = 0;
	struct cbpf_frame f;
	struct cbpf_meta meta;
	int linktype, err, r, e;

	memset(tally, 0, sizeof(*tally));
	if (!dbg->vm || !dbg->path || dbg->mode == CBPF_VM_SECCOMP) {
		cbpf_diags_add(diags, CBPF_SEV_ERROR, NULL, 0, 0, 0, -1,
			       !dbg->vm ? "no program loaded"
			       : dbg->mode == CBPF_VM_SECCOMP
				       ? "a seccomp filter does not run over a capture"
				       : "no capture loaded");
		return -EINVAL;
	}
	if (opts->write && same_file(opts->write, read_path(dbg))) {
		/* It would be replaced under the reader, and the session's packets with it. */
		if (strcmp(opts->write, dbg->path))
			cbpf_diags_add(diags, CBPF_SEV_ERROR, opts->write, 0, 0, 0, -1,
				       "the same file as %s, the capture being read: write to "
				       "another one", dbg->path);
		else
			cbpf_diags_add(diags, CBPF_SEV_ERROR, opts->write, 0, 0, 0, -1,
				       "the capture being read: write to another file");
		return -EINVAL;
	}
	err = capture_open_as(read_path(dbg), dbg->path, &cap, diags);
	if (err)
		return err;
	linktype = cbpf_capture_linktype(cap);
	if (!opts->hits)
		jit_for_long_run(dbg);
	if (opts->write) {
		err = cbpf_capture_writer_new(opts->write,
					      linktype | (int)cbpf_capture_linktype_ext(cap),
					      cbpf_capture_snaplen(cap), &w, diags);
		if (err)
			goto out;
	}
	for (;;) {
		struct cbpf_diags said = { 0 };
		struct cbpf_input in;
		uint32_t ret;

		r = cbpf_capture_next(cap, &f, &said);
		e = report(&dbg->reported, diags, &said, r == 1 ? f.number : 0);
		cbpf_diags_free(&said);
		if (e) {
			err = e;
			goto out;
		}
		if (r != 1)
			break;
		in = cbpf_input_packet(f.data, f.caplen, f.wirelen, NULL);
		if ((f.number & 1023) == 0 && interrupted(dbg)) {
			tally->interrupted = true;
			break;
		}
		if (dbg->needs_meta) {
			meta_for(dbg, f.data, f.caplen, f.wirelen, linktype, &meta);
			in.meta = &meta;
		}
		if (opts->hits) {
			struct cbpf_vm_state st;
			struct cbpf_vm_step rec;

			cbpf_vm_state_init(&st);
			while (st.exit == CBPF_VM_RUNNING && !cbpf_vm_step(dbg->vm, &st, &in, &rec))
				opts->hits[rec.pc]++;
			ret = st.ret;
		} else {
			ret = cbpf_vm_run(dbg->vm, &in);
		}
		count(tally, ret);
		if (w && ret) {
			cbpf_capture_writer_add(w, &f);
			written++;
		}
	}
	if (r < 0 || tally->interrupted)
		err = r < 0 ? r : 0;
	if (w) {
		if (err || tally->interrupted) {
			cbpf_capture_writer_abort(w);
		} else {
			err = cbpf_capture_writer_commit(w, diags);
			if (err)
				err = -EINVAL;
		}
		w = NULL;
	}
	if (!err && opts->written)
		*opts->written = written;
out:
	cbpf_capture_writer_abort(w);
	cbpf_capture_close(cap);
	return err;
}
