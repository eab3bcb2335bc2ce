// SPDX-License-Identifier: MIT
/*
 * Benchmark: cbpf's seccomp filters for the real policies of ../shared/corpus/seccomp against
 * the filters their own compilers made (minijail's Python compiler for minijail policies,
 * libseccomp 2.6.1's binary tree for OCI profiles as runc reads them): instructions, and
 * instructions executed per allowed syscall (mean and worst) over every syscall number of
 * every architecture of cbpf's filter that both filters allow with zero arguments. Both run
 * through the tests' own evaluator (tests/tools/seccomp-sim.h). Skipped when the corpus is
 * absent. A ratio is cbpf's over the peer's: below 1, cbpf is smaller or faster. Each line ends
 * in its verdict: "ok" when cbpf is no larger, no slower on the mean and none on the worst, else
 * what it loses on.
 *
 * Both sides mean the same: minijail's compiler made its filters with --use-kill-process, so
 * foreign architectures (and x32 numbers, which it gives the policy's default) kill the
 * process; cbpf builds minijail policies here with the same meaning, --bad-arch kill-process
 * (its own default is kill-thread, libseccomp's and runc's).
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cbpf.h"
#include "../tests/tools/seccomp-sim.h"

#define CORPUS "../shared/corpus/seccomp"

struct totals {
	size_t files, refused, larger, slower, worse_worst, ok;
	double size_ratio, mean_ratio, worst_ratio; /* sums, for the mean of ratios */
};

static struct ssim_insn *load_raw(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	struct ssim_insn *v = NULL;
	long size;

	if (!f)
		return NULL;
	if (!fseek(f, 0, SEEK_END) && (size = ftell(f)) > 0 && size % 8 == 0 &&
	    !fseek(f, 0, SEEK_SET)) {
		*len = (size_t)size / 8;
		v = calloc(*len, sizeof(*v));
		for (size_t i = 0; v && i < *len; i++) {
			unsigned char b[8];

			if (fread(b, 1, 8, f) != 8) {
				free(v);
				v = NULL;
				break;
			}
			memcpy(&v[i].code, b, 2);
			v[i].jt = b[2];
			v[i].jf = b[3];
			memcpy(&v[i].k, b + 4, 4);
		}
	}
	fclose(f);
	return v;
}

/* The verdict at the end of a line. */
static void verdict(struct totals *t, bool larger, bool slower, bool worse)
{
	if (!larger && !slower && !worse) {
		printf("  ok\n");
		t->ok++;
		return;
	}
	printf("  LOSES:%s%s%s\n", larger ? " size" : "", slower ? " mean" : "",
	       worse ? " worst" : "");
}

/* One policy: compiles it, measures both filters, prints a line. */
static void one(struct totals *t, const char *title, const char *policy,
		const struct cbpf_policy_opts *opts, const char *peer_path)
{
	struct cbpf_diags diags = { 0 };
	struct cbpf_policy *pol = NULL;
	struct cbpf_prog *prog = NULL;
	struct ssim_insn *peer, *ours;
	const enum cbpf_arch *arches;
	size_t plen, olen, na, n = 0, worst[2] = { 0, 0 };
	double sum[2] = { 0, 0 };

	peer = load_raw(peer_path, &plen);
	if (!peer)
		return;
	t->files++;
	if (cbpf_policy_parse_file(policy, opts, &pol, &diags) ||
	    cbpf_policy_gen(pol, opts, &prog, &diags)) {
		const struct cbpf_diag *d = diags.n ? &diags.v[0] : NULL;

		for (size_t i = 0; i < diags.n; i++)
			if (diags.v[i].severity == CBPF_SEV_ERROR) {
				d = &diags.v[i];
				break;
			}
		printf("%-50s refused: %.50s\n", title, d ? d->msg : "?");
		t->refused++;
		goto out;
	}
	olen = cbpf_prog_len(prog);
	ours = malloc(olen * sizeof(*ours));
	if (!ours)
		goto out;
	memcpy(ours, cbpf_prog_insns(prog), olen * sizeof(*ours));
	na = cbpf_policy_arches(pol, &arches);
	for (size_t a = 0; a < na; a++) {
		for (size_t i = 0; i < cbpf_syscall_count(); i++) {
			struct ssim_data d = { .arch = cbpf_arch_audit(arches[a]) };
			struct ssim_trace tr[2] = { { 0 }, { 0 } };
			uint32_t nr;

			if (cbpf_syscall_nr(arches[a], cbpf_syscall_at(i), &nr))
				continue;
			d.nr = (int32_t)nr;
			if (ssim_meaning(ssim_run(ours, olen, &d, &tr[0])) != SSIM_RET_ALLOW ||
			    ssim_meaning(ssim_run(peer, plen, &d, &tr[1])) != SSIM_RET_ALLOW)
				continue;
			n++;
			for (int k = 0; k < 2; k++) {
				sum[k] += (double)tr[k].steps;
				if (tr[k].steps > worst[k])
					worst[k] = tr[k].steps;
			}
		}
	}
	if (n) {
		double m0 = sum[0] / (double)n, m1 = sum[1] / (double)n;

		printf("%-50s %5zu %5zu %5.2f  %6.2f %6.2f %5.2f  %4zu %4zu %5.2f", title, olen,
		       plen, (double)olen / (double)plen, m0, m1, m0 / m1, worst[0], worst[1],
		       (double)worst[0] / (double)worst[1]);
		t->size_ratio += (double)olen / (double)plen;
		t->mean_ratio += m0 / m1;
		t->worst_ratio += (double)worst[0] / (double)worst[1];
		t->larger += olen > plen;
		t->slower += sum[0] > sum[1];
		t->worse_worst += worst[0] > worst[1];
		verdict(t, olen > plen, sum[0] > sum[1], worst[0] > worst[1]);
	} else {
		printf("%-50s %5zu %5zu %5.2f  %-34s", title, olen, plen,
		       (double)olen / (double)plen, "(no syscall both allow)");
		t->size_ratio += (double)olen / (double)plen;
		t->larger += olen > plen;
		verdict(t, olen > plen, false, false);
	}
	free(ours);
out:
	cbpf_diags_free(&diags);
	cbpf_prog_free(prog);
	cbpf_policy_free(pol);
	free(peer);
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

/* Every NAME.EXT of policies/DIR, in order, with fn called for each. */
static void each(const char *dir, const char *ext, void (*fn)(struct totals *, const char *),
		 struct totals *t)
{
	char path[512];
	struct dirent **names;
	int n;

	snprintf(path, sizeof(path), CORPUS "/policies/%s", dir);
	n = scandir(path, &names, NULL, by_name);
	for (int i = 0; i < n; i++) {
		size_t len = strlen(names[i]->d_name);

		if (len > strlen(ext) && !strcmp(names[i]->d_name + len - strlen(ext), ext)) {
			snprintf(path, sizeof(path), "%s/%s", dir, names[i]->d_name);
			fn(t, path);
		}
		free(names[i]);
	}
	if (n >= 0)
		free(names);
}

/* A minijail policy DIR/NAME.policy against minijail's compiler's filter. */
static void minijail(struct totals *t, const char *rel)
{
	struct cbpf_policy_opts opts = { .lang = CBPF_POLICY_TEXT };
	enum cbpf_arch arch = strstr(rel, "aarch64") ? CBPF_ARCH_AARCH64 : CBPF_ARCH_X86_64;
	char policy[512], peer[512], name[128];
	const char *base = strchr(rel, '/') + 1;

	snprintf(name, sizeof(name), "%.*s", (int)(strlen(base) - strlen(".policy")), base);
	snprintf(policy, sizeof(policy), CORPUS "/policies/%s", rel);
	snprintf(peer, sizeof(peer), CORPUS "/peer-filters/%.*s/%s/py.raw", (int)(base - rel - 1),
		 rel, name);
	opts.arches = &arch;
	opts.n_arches = 1;
	opts.host = arch;
	opts.has_badarch_action = true; /* the peer's --use-kill-process */
	opts.badarch_action = CBPF_SECCOMP_RET_KILL_PROCESS;
	one(t, rel, policy, &opts, peer);
}

/* An OCI profile against libseccomp 2.6.1's binary tree, on each configuration. */
static void oci(struct totals *t, const char *rel)
{
	static const char *const all[] = { "ALL", NULL };
	static const struct {
		const char *cfg;
		enum cbpf_arch host;
		bool allcaps;
	} cfgs[] = { { "amd64-default", CBPF_ARCH_X86_64, false },
		     { "amd64-allcaps", CBPF_ARCH_X86_64, true },
		     { "arm64-default", CBPF_ARCH_AARCH64, false } };
	const char *base = strchr(rel, '/') + 1;
	char policy[512], peer[512], title[160];

	snprintf(policy, sizeof(policy), CORPUS "/policies/%s", rel);
	for (size_t i = 0; i < sizeof(cfgs) / sizeof(cfgs[0]); i++) {
		struct cbpf_policy_opts opts = { .lang = CBPF_POLICY_JSON,
						 .host = cfgs[i].host,
						 .kernel = "6.12",
						 .caps = cfgs[i].allcaps ? all : NULL };

		snprintf(peer, sizeof(peer), CORPUS "/peer-filters/oci/%.*s/%s/lsc261O.raw",
			 (int)(strlen(base) - strlen(".json")), base, cfgs[i].cfg);
		snprintf(title, sizeof(title), "%.*s@%s", (int)(strlen(base) - strlen(".json")),
			 base, cfgs[i].cfg);
		one(t, title, policy, &opts, peer);
	}
}

int main(void)
{
	struct totals t = { 0 };
	size_t measured;

	if (access(CORPUS "/policies", R_OK)) {
		printf("skipped: the policy corpus is absent (" CORPUS ")\n");
		return 0;
	}
	printf("real policies (" CORPUS "): cbpf against minijail's compiler (py) or "
	       "libseccomp 2.6.1's binary tree (lsc, OCI as runc reads it);\n"
	       "executed instructions per syscall allowed by both with zero arguments, every "
	       "architecture of cbpf's filter\n\n");
	printf("%-50s %5s %5s %5s  %6s %6s %5s  %4s %4s %5s  %s\n", "", "insns", "peer", "ratio",
	       "mean", "peer", "ratio", "worst", "peer", "ratio", "verdict");
	each("crosvm-x86_64", ".policy", minijail, &t);
	each("crosvm-aarch64", ".policy", minijail, &t);
	each("minijail", ".policy", minijail, &t);
	each("oci", ".json", oci, &t);
	measured = t.files - t.refused;
	if (!measured)
		return 0;
	printf("\n%zu policy builds, %zu refused by cbpf; mean ratios %.2f (size) %.2f (mean) %.2f "
	       "(worst)\n",
	       t.files, t.refused, t.size_ratio / (double)measured, t.mean_ratio / (double)measured,
	       t.worst_ratio / (double)measured);
	printf("cbpf is larger on %zu, slower on the mean on %zu, on the worst on %zu of %zu; "
	       "no larger and no slower on %zu of %zu\n",
	       t.larger, t.slower, t.worse_worst, measured, t.ok, measured);
	return 0;
}
