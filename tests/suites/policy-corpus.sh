#!/bin/sh
# SPDX-License-Identifier: MIT
# Real seccomp policies (../shared/corpus/seccomp) compiled by cbpf as shipped, wherever their
# own compilers compiled them, against those compilers' filters: minijail's (crosvm x86_64 and
# aarch64, minijail's examples; its Python compiler and its C runtime) and libseccomp's (OCI
# profiles as runc reads them: Docker's default capabilities or all of them, amd64 and arm64
# hosts). tests/tools/policy-corpus runs every filter through the tests' own seccomp evaluator
# and through libcbpf's interpreter, for every syscall number of every architecture,
# x32 numbers, foreign architectures and argument values around every constant compared; a
# difference passes only as one of its documented ones, named in the output.
set -u
B=${1:?usage: policy-corpus.sh BUILD_DIR}
tool=$B/tests/bin/policy-corpus
asm=$B/bin/cbpf-asm
for t in "$tool" "$asm"; do
	[ -x "$t" ] || { echo "$t is missing: run make all test-tools first"; exit 1; }
done
S=
for d in ../shared/corpus ../../shared/corpus; do
	[ -d "$d/seccomp/policies" ] && [ -d "$d/seccomp/peer-filters" ] && { S=$d/seccomp; break; }
done
[ -n "$S" ] || { echo "the policy corpus is absent (../shared/corpus/seccomp)"; exit 77; }

# Expected failures: what cbpf cannot compile, or compiles otherwise than the policy's own
# runtime, one line per policy (and OCI configuration) with the reason; empty today.
# The suite fails when one of them passes: then take it off this list.
EXPECTED_FAILURES=$(cat <<'EOF'
EOF
)

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 known=0 xfail=0 fail=0 refused=0

refusal() { # ERR_FILE: cbpf's first error, or its first line (a usage error)
	e=$(grep -m 1 'error: ' "$1") || e=$(head -n 1 "$1")
	printf 'cbpf refuses it: %s\n' "$e"
}

expected() { # KEY: its reason, or nothing (a line ending in a backslash goes on)
	printf '%s\n' "$EXPECTED_FAILURES" | sed -e ':a' -e '/\\$/{N;s/\\\n//;ba' -e '}' |
		awk -F '\t' -v k="$1" '$1 == k { print $2; exit }'
}

# verdict KEY STATUS OUTPUT_FILE: one policy's outcome, against the list above.
verdict() {
	why=$(expected "$1")
	if [ "$2" -ne 0 ] && [ -n "$why" ]; then
		xfail=$((xfail + 1))
		echo "FAIL $1 (expected: $why)"
		sed 's/^/    /' "$3" | head -n 8
	elif [ "$2" -ne 0 ]; then
		fail=$((fail + 1))
		echo "FAIL $1"
		sed 's/^/    /' "$3"
	elif [ -n "$why" ]; then
		fail=$((fail + 1))
		echo "XPASS $1: listed as an expected failure ($why) but passes: take it off the list"
	elif grep -q '^known' "$3"; then
		known=$((known + 1))
		echo "known $1"
		grep -v -e '^agree' -e '^coverage' "$3" | sed 's/^/    /'
	else
		pass=$((pass + 1))
		echo "agree $1"
		grep -v -e '^agree' -e '^coverage' "$3" | sed 's/^/    /'
	fi
	grep '^coverage' "$3" >>"$tmp/coverage"
}

# minijail policies: for the folder's architecture, as cbpf-asm compiles them.
for dir in crosvm-x86_64 crosvm-aarch64 minijail crosvm-riscv64; do
	case $dir in
	*-aarch64) arch=aarch64 ;;
	*-riscv64) arch=riscv64 ;;
	*) arch=x86_64 ;;
	esac
	for p in "$S/policies/$dir"/*.policy; do
		[ -e "$p" ] || continue
		name=$(basename "$p" .policy)
		key=$dir/$name.policy
		peers=
		[ -f "$S/peer-filters/$dir/$name/py.raw" ] && peers="py:$S/peer-filters/$dir/$name/py.raw"
		[ -f "$S/peer-filters/$dir/$name/c.raw" ] && peers="$peers c:$S/peer-filters/$dir/$name/c.raw"
		case $name in
		invalid_* | nested)
			# meant to be refused: a located error, no filter
			if "$asm" --policy "$p" --arch "$arch" --raw -o "$tmp/f.raw" 2>"$tmp/err"; then
				fail=$((fail + 1))
				echo "FAIL $key: compiles, but it is meant to be refused"
			elif grep -q ':[0-9]*:[0-9]*: error: ' "$tmp/err"; then
				refused=$((refused + 1))
				echo "refused $key: $(grep -m 1 'error: ' "$tmp/err")"
			else
				fail=$((fail + 1))
				echo "FAIL $key: refused without a located error"
				sed 's/^/    /' "$tmp/err"
			fi
			continue
			;;
		esac
		if ! "$asm" --policy "$p" --arch "$arch" --raw -o "$tmp/f.raw" 2>"$tmp/err"; then
			refusal "$tmp/err" >"$tmp/out"
			verdict "$key" 1 "$tmp/out"
			continue
		fi
		if [ -z "$peers" ]; then
			# no peer filter: compiling is all that can be checked
			echo "compiles $key (no peer filter)" >"$tmp/out"
			verdict "$key" 0 "$tmp/out"
			continue
		fi
		# shellcheck disable=SC2086 # peers are words without spaces
		"$tool" --cbpf "$tmp/f.raw" --policy "$p" --arch "$arch" $peers >"$tmp/out" 2>&1
		verdict "$key" $? "$tmp/out"
	done
done

# OCI profiles, as runc reads them on each configuration the peer filters were made for:
# cbpf-asm --host says which machine the container runs on (its architecture always in the
# filter, its archMap entry and "arches" decided for it).
for p in "$S/policies/oci"/*.json; do
	name=$(basename "$p" .json)
	for cfg in amd64-default amd64-allcaps arm64-default; do
		d=$S/peer-filters/oci/$name/$cfg
		[ -d "$d" ] || continue
		key=oci/$name.json@$cfg
		case $cfg in
		amd64-default) host=x86_64 caps= ;;
		amd64-allcaps) host=x86_64 caps=ALL ;;
		arm64-default) host=aarch64 caps= ;;
		esac
		set -- "$asm" --policy "$p" --host "$host" --raw -o "$tmp/f.raw"
		[ -n "$caps" ] && set -- "$@" --caps "$caps"
		peers=
		for r in "$d"/lsc*.raw; do
			[ -e "$r" ] && peers="$peers lsc:$r"
		done
		if ! "$@" --kernel 6.12 2>"$tmp/err"; then
			refusal "$tmp/err" >"$tmp/out"
			verdict "$key" 1 "$tmp/out"
			continue
		fi
		# shellcheck disable=SC2086 # peers are words without spaces
		"$tool" --cbpf "$tmp/f.raw" $peers >"$tmp/out" 2>&1
		verdict "$key" $? "$tmp/out"
	done
done

# The comparison can fail: cbpf's filter for one policy against minijail's for another.
if "$asm" --policy "$S/policies/minijail/cat.policy" --arch x86_64 --raw -o "$tmp/f.raw" &&
	[ -f "$S/peer-filters/minijail/seccomp/py.raw" ]; then
	if "$tool" --cbpf "$tmp/f.raw" "py:$S/peer-filters/minijail/seccomp/py.raw" >"$tmp/out" 2>&1; then
		fail=$((fail + 1))
		echo "FAIL self-check: cat.policy's filter agrees with seccomp.policy's"
	else
		echo "self-check: cat.policy's filter differs from seccomp.policy's, as it should"
		grep -m 1 '^FAIL' "$tmp/out" | sed 's/^/    /'
	fi
fi

[ -f "$tmp/coverage" ] && awk '{ split($0, w, ": "); split(w[2], n, " "); t += n[1]; a += n[3] }
	END { printf "inputs took %d of the %d directions of reachable jumps in the filters compared" \
		" (policy-corpus --verbose lists the others; some no input can take)\n", t, a }' \
	"$tmp/coverage"

total=$((pass + known + xfail + fail))
echo "$total policy builds (OCI: one per configuration): $pass agree, $known agree but for" \
	"documented differences, $xfail expected failures, $fail failed;" \
	"$refused invalid ones refused"
[ $fail -eq 0 ]
