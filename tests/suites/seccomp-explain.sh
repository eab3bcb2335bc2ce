#!/bin/sh
# SPDX-License-Identifier: MIT
# The meaning of seccomp filters, followed symbolically (cbpf-asm --explain, --diff,
# --to minijail|oci):
#   - the model against the interpreter (tests/tools/explain-model) on the filters of the
#     committed policies, every filter of ../shared/corpus/seccomp/peer-filters, and random
#     seccomp programs from a fixed seed;
#   - --explain on each of those filters (exit 0, a section per architecture);
#   - --diff on libseccomp's linear and binary-tree filters of one profile (equal, exit 0) and
#     on libseccomp 2.5.4's against 2.6.1's (what differs is listed, exit 1);
#   - --to minijail and --to oci: each policy written is compiled back with --policy and
#     compared with the filter by --diff (exit 0); a refusal says why (exit 1). cbpf's own
#     filters of the committed policies, libseccomp's for the OCI profiles (linear and binary
#     tree) and minijail's compiled filters (the corpus, when there).
set -u
B=${1:?usage: seccomp-explain.sh BUILD_DIR}
A=$B/bin/cbpf-asm
M=$B/tests/bin/explain-model
[ -x "$M" ] || { echo "$M is missing: run make test-tools first"; exit 1; }
top=$(pwd)
corpus=
for d in "$top/../shared/corpus/seccomp/peer-filters" "$top/../../shared/corpus/seccomp/peer-filters"; do
	[ -d "$d" ] && { corpus=$d; break; }
done
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
bad=0
fail() { echo "FAIL: $*"; bad=$((bad + 1)); }

# The filters of the committed policies (those that compile as they are).
i=0
for p in tests/cases/policy/*.json tests/cases/policy/*.policy; do
	case $p in */bad-* | */warn-*) continue ;; esac
	"$A" --policy "$p" --raw -o "$t/pol$i.raw" 2>/dev/null && i=$((i + 1))
done
echo "$i filters compiled from tests/cases/policy"
ours=$(ls "$t"/pol*.raw)
theirs=
[ -n "$corpus" ] && theirs=$(find "$corpus" -name '*.raw' | sort)
[ -n "$corpus" ] || echo "note: ../shared/corpus is absent: peers' filters are not tested"

# 1. The model against the interpreter.
# shellcheck disable=SC2086 # no spaces in these names
"$M" --random "${EXPLAIN_RANDOM:-5000}" --seed 1 $ours $theirs >"$t/model" 2>&1 || fail "$(tail -5 "$t/model")"
tail -n 1 "$t/model"

# 2. --explain on every filter.
n=0
for f in $ours $theirs; do
	n=$((n + 1))
	"$A" --seccomp --explain "$f" >"$t/x" 2>"$t/err" && grep -q '^arch \|^any architecture' "$t/x" ||
		fail "--explain $f: $(head -3 "$t/err")"
done
echo "$n filters explained"

# 3. --diff: libseccomp's linear and binary-tree filters mean the same.
if [ -n "$corpus" ]; then
	same=0 differ=0
	for d in "$corpus"/oci/*/*/; do
		for v in 254 261; do
			[ -f "$d/lsc$v.raw" ] && [ -f "$d/lsc${v}O.raw" ] || continue
			"$A" --seccomp --diff "$d/lsc$v.raw" "$d/lsc${v}O.raw" >"$t/d" 2>&1
			[ $? = 0 ] && [ ! -s "$t/d" ] && same=$((same + 1)) ||
				fail "lsc$v and lsc${v}O of $d differ: $(head -3 "$t/d")"
		done
		# 2.5.4 against 2.6.1: the same except where their syscall tables differ.
		"$A" --seccomp --diff "$d/lsc254.raw" "$d/lsc261.raw" >"$t/d" 2>&1
		rc=$?
		if [ $rc = 1 ]; then
			differ=$((differ + 1))
			grep -qv '^x32 \|: ' "$t/d" && fail "2.5.4 against 2.6.1 of $d: $(head -3 "$t/d")"
		elif [ $rc != 0 ]; then
			fail "--diff of $d: exit $rc: $(head -3 "$t/d")"
		fi
	done
	echo "libseccomp's linear and binary-tree filters equal: $same; 2.5.4 and 2.6.1 differ for $differ profiles"
	[ $same -gt 0 ] || fail "no pair of libseccomp filters compared"
fi

# 4. Decompiled, compiled back, compared.
# roundtrip FILE DIALECT: 0 verified, 1 refused with a reason, 2 wrong.
roundtrip() {
	out=$t/rt.$2
	[ "$2" = oci ] && out=$t/rt.json || out=$t/rt.policy
	"$A" --seccomp --to "$2" "$1" >"$out" 2>"$t/rt.err"
	case $? in
	0) ;;
	1) [ -s "$t/rt.err" ] && [ ! -s "$out" ] && return 1
	   echo "refusal without a reason, or output left: $1 $2"; return 2 ;;
	*) echo "exit $? on $1 $2"; return 2 ;;
	esac
	arch=
	[ "$2" = minijail ] && arch="--arch $(sed -n '1s/.*compile with --arch //p' "$out")"
	# A profile's filter holds the host's architecture too (as runc's): the profile's own list,
	# not this machine's, is what the filter was.
	[ "$2" = oci ] && arch="--arch $(sed -n 's/.*"architectures": \[ \(.*\) \],*$/\1/p' "$out" |
		tr -d '" ')"
	# shellcheck disable=SC2086
	if ! "$A" --seccomp --diff "$1" "$out" $arch >"$t/rt.diff" 2>&1; then
		echo "$1 as $2 does not compile back to the same filter: $(head -3 "$t/rt.diff")"
		return 2
	fi
	return 0
}
# cbpf's own filters: each in one dialect at least (minijail's has no word for trace(N) and
# no way to give one syscall three actions; an OCI profile none for 'some bit of a mask set' twice).
ok=0 refused=0
for f in $ours; do
	any=0
	for l in minijail oci; do
		roundtrip "$f" $l
		case $? in 0) ok=$((ok + 1)); any=1 ;; 1) refused=$((refused + 1)) ;; *) fail "round trip" ;; esac
	done
	[ $any = 1 ] || fail "cbpf's own $f: neither dialect: $(head -1 "$t/rt.err")"
done
echo "cbpf's filters of the committed policies: $ok policies written and verified, $refused refused"
if [ -n "$corpus" ]; then
	ok=0 refused=0 none=0
	# minijail's Python compiler (py.raw) gives other architectures kill_process: a minijail
	# policy says so on its first line (compile with --bad-arch kill-process); a profile cannot.
	for f in $(find "$corpus/oci" "$corpus/minijail" -name '*.raw' | sort); do
		any=0
		case $f in
		*/py.raw)
			roundtrip "$f" minijail
			case $? in 0) ok=$((ok + 1)) ;; *) fail "$f: $(head -1 "$t/rt.err")" ;; esac
			continue ;;
		esac
		for l in minijail oci; do
			roundtrip "$f" $l
			case $? in 0) ok=$((ok + 1)); any=1 ;; 1) refused=$((refused + 1)) ;; *) fail "round trip" ;; esac
		done
		[ $any = 1 ] || { none=$((none + 1)); fail "$f: neither dialect: $(head -1 "$t/rt.err")"; }
	done
	echo "libseccomp's and minijail's filters: $ok policies written and verified, $refused refused (the other dialect took them)"
	# crosvm's: minijail gives other architectures kill_process, which the policy's first line
	# names (--bad-arch kill-process).
	ok=0
	for f in $(find "$corpus" -path '*crosvm*' -name '*.raw' | sort); do
		roundtrip "$f" minijail
		case $? in
		0) ok=$((ok + 1)) ;;
		*) fail "$f: $(head -1 "$t/rt.err")" ;;
		esac
	done
	echo "crosvm's filters: $ok written and verified"
fi

[ $bad = 0 ] && echo "seccomp filters explained, compared and decompiled: all checks passed"
[ $bad = 0 ]
