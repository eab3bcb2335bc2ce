#!/bin/sh
# SPDX-License-Identifier: MIT
# Scaling: every reader and compiler but the policy compiler (policy-scale.sh has that) fed
# generated inputs 10, 100 and 1,000 times larger than real ones (tests/tools/scale-gen.c makes
# them): bpf_asm sources with many labels, long chains, far jumps and cascades of them, many
# errors and long lines; each bytecode form and tcpdump listings; the validator, the interpreter,
# the --dot writer and every translator target on programs of the kernel's 4096 instructions;
# cbpf-dbg scripts that are long, have huge lines, many breakpoints and long step histories.
# Each input must give a program or a located refusal (exit 1, FILE:LINE:COL or "insn N"), never
# a crash, within a time limit and an address-space limit; and from one size to the next, ten
# times larger, CPU time and peak memory may grow at most SCALE_RATIO (4) times more than the
# input did: n log n passes, a quadratic loop or anything worse does not. Small times count as
# SCALE_FLOOR_US (20 ms) so that start-up costs and the noise of a busy machine do not decide.
# It prints the time per input unit at each size (make bench shows the same table).
# Diagnostics stay bounded however long the line they point into (excerpts are clipped), and an
# endless input is refused at the input size limit.
# Usage: scaling.sh BUILD_DIR
set -u
B=${1:?usage: scaling.sh BUILD_DIR}
gen=$B/tests/bin/scale-gen
asm=$B/bin/cbpf-asm
dbg=$B/bin/cbpf-dbg
xlate=$B/bin/cbpf-xlate
pcap=pcaps/mixed.pcap
for f in "$gen" "$asm" "$dbg" "$xlate" "$pcap"; do
	[ -e "$f" ] || { echo "FAIL: $f is missing: run make all test-tools"; exit 1; }
done
ratio=${SCALE_RATIO:-4}
floor_us=${SCALE_FLOOR_US:-20000}
floor_kb=32768
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

# A sanitizer build reserves terabytes of address space: no ulimit -v, its own RSS limit instead,
# and more time.
san=
nm "$B/lib/libcbpf.a" 2>/dev/null | grep -q __asan_ && san=1
if [ -n "$san" ]; then
	tlimit=300 floor_us=$((floor_us * 5))
	export ASAN_OPTIONS="hard_rss_limit_mb=2048${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
else
	tlimit=60
fi

cases=0 runs=0 bad=0 total_us=0
fail() {
	bad=$((bad + 1))
	echo "FAIL $*"
}

# A located error: FILE:LINE[:COL]: error: or FILE: insn N: error:.
located() { grep -qE '^[^ ]*(:[0-9]+(:[0-9]+)?|: insn [0-9]+): error: ' "$1"; }

# scale NAME UNIT "SIZES" "EXPECTS" ERRMAX KIND -- CMD...
#   Writes `scale-gen KIND SIZE` to a file for each size and runs CMD, where @IN@ stands for
#   that file. EXPECTS has a word per size: ok (exit 0 with output), refuse (exit 1 with a
#   located error) or any (either). ERRMAX bounds standard error in bytes (0: no bound).
scale() {
	name=$1 unit=$2 sizes=$3 expects=$4 errmax=$5 kind=$6
	shift 7
	cases=$((cases + 1))
	row=$(printf '%-16s %-6s' "$name" "$unit")
	prev_n= prev_t= prev_m=
	for n in $sizes; do
		expect=${expects%% *}
		expects=${expects#* }
		in=$tmp/$name.$n
		if ! "$gen" "$kind" "$n" >"$in"; then
			fail "$name: scale-gen $kind $n"
			return
		fi
		# The command with @IN@ replaced (each word shifted out and put back at the end).
		for a; do
			shift
			[ "$a" = @IN@ ] && a=$in
			set -- "$@" "$a"
		done
		rm -f "$tmp/res"
		(
			ulimit -s 8192
			[ -n "$san" ] || ulimit -v 2097152
			exec timeout "$tlimit" "$gen" run "$tmp/res" "$@"
		) </dev/null >"$tmp/out" 2>"$tmp/err"
		rc=$?
		runs=$((runs + 1))
		rm -f "$in"
		for a; do
			shift
			[ "$a" = "$in" ] && a=@IN@
			set -- "$@" "$a"
		done
		what="$name at $n $unit"
		if [ ! -s "$tmp/res" ]; then
			fail "$what: no result (timeout's exit $rc after ${tlimit}s?)"
			return
		fi
		read -r st us kb <"$tmp/res"
		total_us=$((total_us + us))
		if [ "$st" -ge 126 ] || grep -qE 'Sanitizer|runtime error:' "$tmp/err"; then
			fail "$what: crashed (status $st)"
			head -c 2000 "$tmp/err" | sed 's/^/    | /' | head -n 20
			return
		fi
		case $expect:$st in
		ok:0 | any:0)
			[ -s "$tmp/out" ] || fail "$what: exit 0 without output"
			;;
		refuse:1 | any:1)
			located "$tmp/err" ||
				fail "$what: exit 1 without a located error: $(head -c 200 "$tmp/err")"
			;;
		*)
			fail "$what: exit $st, expected $expect: $(head -c 300 "$tmp/err")"
			;;
		esac
		errsize=$(wc -c <"$tmp/err")
		[ "$errmax" -eq 0 ] || [ "$errsize" -le "$errmax" ] ||
			fail "$what: $errsize bytes of diagnostics (at most $errmax)"
		row="$row $(awk -v n="$n" -v us="$us" -v kb="$kb" 'BEGIN {
			printf "%8d: %9.3f us %6.1f MB", n, us / n, kb / 1024 }')"
		if [ -n "$prev_n" ]; then
			growth=$((n / prev_n))
			t0=$prev_t m0=$prev_m
			[ "$t0" -ge "$floor_us" ] || t0=$floor_us
			[ "$m0" -ge "$floor_kb" ] || m0=$floor_kb
			[ "$us" -le $((ratio * growth * t0)) ] ||
				fail "$what: ${us} us of CPU, ${prev_t} us at $prev_n:" \
					"more than $ratio x $growth"
			[ "$kb" -le $((ratio * growth * m0)) ] ||
				fail "$what: ${kb} KB peak, ${prev_m} KB at $prev_n:" \
					"more than $ratio x $growth"
		fi
		prev_n=$n prev_t=$us prev_m=$kb
	done
	echo "$row"
}

# ---------------------------------------------------------------- fixed inputs
"$gen" prog-ddd 400 >"$tmp/p400.ddd" && "$gen" prog-ddd 4096 >"$tmp/p4096.ddd" &&
	"$gen" line-ddd 4096 >"$tmp/line4096.ddd" || { echo "FAIL: scale-gen"; exit 1; }

# ---------------------------------------------------------------- readers
echo "== readers (unit: instructions, lines or characters; per-unit CPU time and peak memory)"
# The comma form is one line: its error echoes a clipped excerpt of it.
for form in asm listing comma c dd ddd raw; do
	scale "read-$form" insn "400 4000 40000" "ok ok refuse" 16384 "prog-$form" -- \
		"$asm" -ddd @IN@
done
scale comma-lines insn "400 4000 40000" "ok ok refuse" 16384 comma-lines -- "$asm" -ddd @IN@
scale asm-labels insn "400 4000 40000" "ok ok refuse" 16384 asm-labels -- "$asm" -ddd @IN@
scale asm-chain insn "400 4000 40000" "ok ok refuse" 16384 asm-chain -- "$asm" -ddd @IN@
scale asm-stacked label "40 400 4000" "ok ok refuse" 16384 asm-stacked -- "$asm" -ddd @IN@
scale asm-far jump "40 400 4000" "ok ok refuse" 16384 asm-far -- "$asm" -ddd @IN@
scale asm-cascade jump "40 400 4000" "refuse refuse refuse" 16384 asm-cascade -- \
	"$asm" -ddd @IN@
scale asm-errors line "400 4000 40000" "refuse refuse refuse" 16384 asm-errors -- \
	"$asm" -ddd @IN@
scale asm-undef label "400 4000 40000" "refuse refuse refuse" 16384 asm-undef -- \
	"$asm" -ddd @IN@
scale asm-longcomment char "3000 30000 300000" "ok ok ok" 16384 asm-longcomment -- \
	"$asm" -ddd @IN@
scale asm-longlabel char "3000 30000 300000" "ok ok ok" 16384 asm-longlabel -- \
	"$asm" -ddd @IN@
scale asm-longnum char "3000 30000 300000" "ok ok ok" 16384 asm-longnum -- "$asm" -ddd @IN@
scale asm-longbad char "3000 30000 300000" "refuse refuse refuse" 8192 asm-longbad -- \
	"$asm" -ddd @IN@
scale listing-longnum char "3000 30000 300000" "ok ok ok" 16384 listing-longnum -- \
	"$asm" -ddd @IN@
scale bad-listing line "400 4000 40000" "refuse refuse refuse" 16384 bad-listing -- \
	"$asm" -ddd @IN@
scale bad-comma insn "400 4000 40000" "refuse refuse refuse" 16384 bad-comma -- \
	"$asm" -ddd @IN@
scale bad-c insn "400 4000 40000" "refuse refuse refuse" 16384 bad-c -- "$asm" -ddd @IN@
scale bad-ddd insn "400 4000 40000" "refuse refuse refuse" 16384 bad-ddd -- "$asm" -ddd @IN@

# ---------------------------------------------------------------- programs of 4096 instructions
echo "== validator, interpreter, --dot, translator (unit: instructions)"
scale check-seccomp insn "40 400 4096" "ok ok ok" 16384 seccomp-raw -- \
	"$asm" --seccomp -ddd @IN@
scale dot insn "40 400 4096" "ok ok ok" 16384 prog-ddd -- "$asm" --dot @IN@
for t in socket tc xdp; do
	scale "xlate-$t" insn "40 400 4096" "ok ok ok" 16384 prog-ddd -- \
		"$xlate" -t "$t" -f asm @IN@
	scale "xlate-$t-line" insn "40 400 4096" "ok ok ok" 16384 line-ddd -- \
		"$xlate" -t "$t" -f asm @IN@
done
scale xlate-seccomp insn "40 400 4096" "ok ok ok" 16384 seccomp-ddd -- \
	"$xlate" -t seccomp -f asm @IN@
scale xlate-verify insn "40 400 4096" "ok ok ok" 16384 prog-ddd -- \
	"$xlate" -t tc --verify "$pcap" --interpreter @IN@
scale dbg-run insn "40 400 4096" "ok ok ok" 16384 prog-ddd -- \
	"$dbg" -b @IN@ -p "$pcap" -c run -c coverage -c why -c 'step 4096' -c 'back 10' -c dump
scale dbg-run-line insn "40 400 4096" "ok ok ok" 16384 line-ddd -- \
	"$dbg" -b @IN@ -p "$pcap" -c run -c coverage -c why -c 'step 4096' -c disassemble

# ---------------------------------------------------------------- debugger scripts
echo "== cbpf-dbg scripts (unit: lines, commands or characters)"
scale dbg-lines line "100 1000 10000" "ok ok ok" 16384 dbg-lines -- \
	"$dbg" -b "$tmp/p400.ddd" -p "$pcap" @IN@
scale dbg-steps step "40 400 4000" "ok ok ok" 16384 dbg-steps -- \
	"$dbg" -b "$tmp/line4096.ddd" -p "$pcap" @IN@
scale dbg-break break "40 400 4000" "ok ok ok" 16384 dbg-break -- \
	"$dbg" -b "$tmp/p4096.ddd" -p "$pcap" @IN@
scale dbg-cond break "10 100 1000" "ok ok ok" 16384 dbg-cond -- \
	"$dbg" -b "$tmp/p400.ddd" -p "$pcap" @IN@
scale dbg-longexpr term "100 1000 10000" "ok refuse refuse" 8192 dbg-longexpr -- \
	"$dbg" -b "$tmp/p400.ddd" -p "$pcap" @IN@
scale dbg-nest depth "100 1000 10000" "refuse refuse refuse" 8192 dbg-nest -- \
	"$dbg" -b "$tmp/p400.ddd" -p "$pcap" @IN@
scale dbg-longbad char "1000 10000 100000" "refuse refuse refuse" 8192 dbg-longbad -- \
	"$dbg" -b "$tmp/p400.ddd" -p "$pcap" @IN@

# ---------------------------------------------------------------- endless input
# An input far larger than any real one (here without end) is refused at the size limit, in
# bounded memory and time, not read until memory runs out.
cases=$((cases + 1))
(
	ulimit -s 8192
	[ -n "$san" ] || ulimit -v 2097152
	exec timeout "$tlimit" "$gen" run "$tmp/res" "$asm" /dev/zero
) </dev/null >"$tmp/out" 2>"$tmp/err"
read -r st us kb <"$tmp/res" 2>/dev/null || st=timeout
if [ "$st" != 1 ] || [ "$(wc -c <"$tmp/err")" -gt 4096 ] || [ "${kb:-0}" -gt 1048576 ] ||
	! head -n 1 "$tmp/err" | grep -q '/dev/zero: larger than'; then
	fail "/dev/zero: exit $st, ${kb:-?} KB: $(head -c 200 "$tmp/err")"
fi

secs=$(awk -v us="$total_us" 'BEGIN { printf "%.1f", us / 1e6 }')
if [ $bad -gt 0 ]; then
	echo "scaling: $bad of $runs runs failed ($cases cases, ${secs}s of CPU)"
	exit 1
fi
echo "scaling: $cases cases, $runs runs within bounds, ${secs}s of CPU"
