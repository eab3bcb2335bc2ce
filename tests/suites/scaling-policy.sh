#!/bin/sh
# SPDX-License-Identifier: MIT
# Seccomp policies far larger than real ones, under a 256 KB stack and a timeout, so that a
# regression fails instead of hanging. First issue 11's reproductions: the exponential memo (88
# minijail rules of "arg0 != i && arg1 == i", 90 such JSON entries, 4,500 rules of one syscall:
# each must finish, the last refused as too long with a located error), the recursion a frame
# per rule (5,000 rules of one syscall in cbpf-asm, cbpf-dbg and cbpf-xlate; 3,000 JSON
# entries), the 20,000-rule policy within a second; then policy-scale's shapes at 10 to 20,000
# rules, both dialects, every operator: a filter or a located refusal, never a crash or a hang,
# and time and memory that grow no faster than n log n allows.
set -u
B=${1:?usage: scaling-policy.sh BUILD_DIR}
compile=$B/tests/bin/policy-compile
scale=$B/tests/bin/policy-scale
for t in "$compile" "$scale"; do
	[ -x "$t" ] || { echo "$t is missing: run make test-tools first"; exit 1; }
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0 bad=0
fail() {
	bad=$((bad + 1))
	echo "FAIL $1"
	[ -s "$tmp/err" ] && head -c 2000 "$tmp/err" | sed 's/^/    /'
}
# run NAME TIMEOUT COMMAND...: under a 256 KB stack; $rc, $tmp/out, $tmp/err
run() {
	name=$1 secs=$2
	shift 2
	n=$((n + 1))
	(ulimit -s 256 && exec timeout "$secs" "$@") >"$tmp/out" 2>"$tmp/err"
	rc=$?
	case $rc in
	124) fail "$name: no result in $secs s (a hang)"; return 1 ;;
	0 | 1) return 0 ;;
	*) fail "$name: exit $rc (a crash?)"; return 1 ;;
	esac
}
# expect_ok NAME: compiled, and says how long
expect_ok() {
	[ "$rc" -eq 0 ] && grep -q 'instructions' "$tmp/out" && return 0
	fail "$1: exit $rc, expected a filter"
}
# expect_too_long NAME FILE: refused as too long, at the first rule
expect_too_long() {
	if [ "$rc" -ne 1 ] ||
		! grep -q "^$2:1:1: error: the filter needs .*more than the kernel's 4096.*the checks of 'read'" "$tmp/err"; then
		fail "$1: exit $rc, expected a located 'too long' error"
	fi
}

awk 'BEGIN { for (i = 0; i < 88; i++) printf "read: arg0 != %d && arg1 == %d\n", i, i }' \
	>"$tmp/ne-eq-88.policy"
run "88 rules of 'arg0 != i && arg1 == i'" 20 "$compile" --quiet --arch x86_64 \
	"$tmp/ne-eq-88.policy" && expect_ok "88 rules of 'arg0 != i && arg1 == i'"

awk 'BEGIN {
	printf "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": [\n"
	for (i = 0; i < 90; i++)
		printf "{\"names\": [\"read\"], \"action\": \"SCMP_ACT_ALLOW\", \"args\": [" \
			"{\"index\": 0, \"value\": %d, \"op\": \"SCMP_CMP_NE\"}, " \
			"{\"index\": 1, \"value\": %d, \"op\": \"SCMP_CMP_EQ\"}]}%s\n", i, i, \
			i < 89 ? "," : ""
	printf "]}\n"
}' >"$tmp/ne-eq-90.json"
run "90 JSON entries of NE arg0, EQ arg1" 20 "$compile" --quiet --arch x86_64 \
	"$tmp/ne-eq-90.json" && expect_ok "90 JSON entries of NE arg0, EQ arg1"

awk 'BEGIN { for (i = 0; i < 4500; i++) printf "read: arg0 == %d\n", i }' >"$tmp/eq-4500.policy"
run "4,500 rules of 'arg0 == i'" 20 "$compile" --quiet --arch x86_64 "$tmp/eq-4500.policy" &&
	expect_too_long "4,500 rules of 'arg0 == i'" "$tmp/eq-4500.policy"

# 5,000 rules of one syscall: the same rule (a filter of a few instructions, the checks go
# through all of them) and 5,000 different ones (too long)
awk 'BEGIN { for (i = 0; i < 5000; i++) print "read: arg0 == 1" }' >"$tmp/same-5000.policy"
awk 'BEGIN { for (i = 0; i < 5000; i++) printf "read: arg0 != %d && arg1 == %d\n", i, i }' \
	>"$tmp/ne-eq-5000.policy"
run "cbpf-asm, 5,000 rules" 20 "$B/bin/cbpf-asm" --arch x86_64 --policy "$tmp/same-5000.policy" &&
	{ [ "$rc" -eq 0 ] && [ -s "$tmp/out" ] || fail "cbpf-asm, 5,000 rules: exit $rc"; }
run "cbpf-asm, 5,000 different rules" 20 "$B/bin/cbpf-asm" --arch x86_64 \
	--policy "$tmp/ne-eq-5000.policy" &&
	expect_too_long "cbpf-asm, 5,000 different rules" "$tmp/ne-eq-5000.policy"
run "cbpf-dbg, 5,000 rules" 20 "$B/bin/cbpf-dbg" -b "$tmp/same-5000.policy" \
	-c 'syscall read 1' -c run &&
	{ grep -q 'allow' "$tmp/out" || fail "cbpf-dbg, 5,000 rules: exit $rc, no verdict"; }
run "cbpf-xlate, 5,000 rules" 20 "$B/bin/cbpf-xlate" -t seccomp -f asm \
	--policy "$tmp/same-5000.policy" &&
	{ [ "$rc" -eq 0 ] && grep -q exit "$tmp/out" || fail "cbpf-xlate, 5,000 rules: exit $rc"; }

awk 'BEGIN {
	printf "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": [\n"
	for (i = 0; i < 3000; i++)
		printf "{\"names\": [\"read\"], \"action\": \"SCMP_ACT_ALLOW\", \"args\": [" \
			"{\"index\": 0, \"value\": 7, \"op\": \"SCMP_CMP_NE\"}, " \
			"{\"index\": 1, \"value\": 1, \"op\": \"SCMP_CMP_EQ\"}]}%s\n", \
			i < 2999 ? "," : ""
	printf "]}\n"
}' >"$tmp/same-3000.json"
run "3,000 JSON entries" 20 "$compile" --quiet --arch x86_64 "$tmp/same-3000.json" &&
	expect_ok "3,000 JSON entries"

# issue 11's limit: 20,000 rules of one syscall within a second, compiled or refused
awk 'BEGIN { for (i = 0; i < 20000; i++) printf "read: arg0 != %d && arg1 == %d\n", i, i }' \
	>"$tmp/ne-eq-20000.policy"
run "20,000 rules" 20 "$compile" --quiet --arch x86_64 "$tmp/ne-eq-20000.policy" &&
	expect_too_long "20,000 rules" "$tmp/ne-eq-20000.policy"

[ $bad -eq 0 ] && echo "$n reproductions of issue 11 finish under a 256 KB stack"
(ulimit -s 256 && exec timeout 600 "$scale") || bad=$((bad + 1))
[ $bad -eq 0 ] || { echo "$bad failures"; exit 1; }
