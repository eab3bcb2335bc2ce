#!/bin/sh
# SPDX-License-Identifier: MIT
# libpcap's protochain (a loop: a backward jump) everywhere. tests/tools/protochain builds IPv6
# and IPv4 extension header chains, whole and cut short, and compares libpcap's bpf_filter,
# libcbpf's interpreter (runs, steps, the JIT's fallback) and the socket, tc and XDP
# translations in libcbpf's eBPF interpreter and in the kernel; the frames the loop budget stops
# must be those tcpdump spins on for ever. Then, on every capture of pcaps/ and
# ../shared/corpus/pcaps: cbpf-dbg's 'run' and 'filter' count the packets tcpdump prints, and
# cbpf-xlate --verify proves each translation in the kernel. cbpf-asm still refuses the loop,
# saying that cbpf-xlate runs it. Without root the kernel parts are left out, saying so; without
# tcpdump the suite is skipped.
set -u
B=${1:?usage: protochain.sh BUILD_DIR}
T=$B/tests/bin/protochain
DBG=$B/bin/cbpf-dbg
XL=$B/bin/cbpf-xlate
ASM=$B/bin/cbpf-asm
for f in "$T" "$DBG" "$XL" "$ASM"; do
	[ -x "$f" ] || { echo "$f is missing: run make and make test-tools first"; exit 1; }
done
command -v tcpdump >/dev/null || { echo "SKIP: no tcpdump"; exit 77; }
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM
n=0 bad=0
fail() { n=$((n + 1)) bad=$((bad + 1)); echo "FAIL $*"; }
ok() { n=$((n + 1)); }

kernel=yes
[ "$(id -u)" = 0 ] || { kernel=; echo "note: not root: no kernel test runs, no --verify"; }

# 1. The generated chains, through every runner.
if [ -n "$kernel" ]; then
	"$T" --budget-pcap "$tmp/budget.pcap" >"$tmp/t.out" 2>"$tmp/t.err"
else
	"$T" --no-kernel --budget-pcap "$tmp/budget.pcap" >"$tmp/t.out" 2>"$tmp/t.err"
fi
rc=$?
cat "$tmp/t.out"
if [ $rc = 77 ]; then
	echo "note: the kernel runs no translation: $(tail -n 1 "$tmp/t.err")"
	"$T" --no-kernel --budget-pcap "$tmp/budget.pcap" >"$tmp/t.out" 2>"$tmp/t.err"
	rc=$?
	cat "$tmp/t.out"
fi
if [ $rc = 0 ]; then ok; else fail "the generated chains differ:"; head -n 20 "$tmp/t.err"; fi

# tcpdump spins on the first frame the budget stopped (it ignores SIGTERM there: KILL).
timeout -s KILL 5 tcpdump -nr "$tmp/budget.pcap" -c 1 'ip6 protochain 6' >/dev/null 2>&1
case $? in
137) ok ;;
*) fail "tcpdump ends on a frame the loop budget stopped (cbpf says libpcap loops for ever)" ;;
esac

# 2. Captures: cbpf-dbg's counts are tcpdump's, and the kernel agrees with the interpreter.
exprs='ip6 protochain 6|ip6 protochain 17|ip6 protochain 58|ip protochain 6|ip6 protochain 44 or ip protochain 17'
files=$(ls pcaps/*.pcap ../shared/corpus/pcaps/*.pcap ../shared/corpus/pcaps/*.pcapng 2>/dev/null)
ncap=0 nver=0 hung=0
IFS='|'
for e in $exprs; do
	unset IFS
	for f in $files; do
		# tcpdump's own count (--count: packets, where some print several lines each); a
		# capture on which libpcap spins is counted apart; where libpcap refuses the
		# expression (protochain after variable-length headers) there is nothing to compare.
		timeout -s KILL 60 tcpdump --count -nr "$f" "$e" >"$tmp/td" 2>"$tmp/td.err"
		case $? in
		0) ;;
		137) hung=$((hung + 1)) && continue ;;
		*) continue ;;
		esac
		want=$(sed -n 's/^\([0-9]*\) packets*$/\1/p' "$tmp/td")
		"$DBG" -e "$e" -p "$f" -c run >"$tmp/run" 2>"$tmp/run.err"
		got=$(sed -n 's/^bpf passes:\([0-9]*\) fails:.*/\1/p' "$tmp/run")
		if [ "$got" != "$want" ]; then
			fail "$f '$e': cbpf-dbg run passes ${got:-nothing}, tcpdump prints $want"
			continue
		fi
		"$DBG" -e "$e" -p "$f" -c "filter $tmp/out.pcap" >/dev/null 2>&1
		got=$(tcpdump --count -nr "$tmp/out.pcap" 2>/dev/null | sed 's/ packets*$//')
		[ "$got" = "$want" ] || {
			fail "$f '$e': cbpf-dbg filter keeps $got, tcpdump prints $want"
			continue
		}
		ncap=$((ncap + 1))
		ok
		[ -n "$kernel" ] || continue
		case $e in *44*) ;; *) continue ;; esac
		for t in socket tc xdp; do
			"$XL" -t "$t" -e "$e" -y "$(tcpdump -r "$f" -c 1 2>&1 >/dev/null |
				sed -n 's/.*link-type \([^ ]*\) .*/\1/p')" --verify "$f" \
				-o "$tmp/x.o" >"$tmp/v.out" 2>"$tmp/v.err"
			rc=$?
			if grep -q 'differ' "$tmp/v.err" "$tmp/v.out" &&
				! grep -q ' 0 differ' "$tmp/v.err" "$tmp/v.out"; then
				fail "$f '$e' $t: $(grep differ "$tmp/v.err" "$tmp/v.out")"
			elif [ $rc = 0 ]; then
				nver=$((nver + 1))
				ok
			elif ! grep -q 'nothing was checked' "$tmp/v.err"; then
				fail "$f '$e' $t: cbpf-xlate --verify exit $rc: $(tail -n 1 "$tmp/v.err")"
			fi
		done
	done
	IFS='|'
done
unset IFS
echo "$ncap capture and expression pairs: cbpf-dbg's run and filter count what tcpdump prints" \
	"($hung on which tcpdump spins); $nver translations proved in the kernel on them"

# 3. cbpf-asm keeps refusing the loop for the kernel's classic loaders, naming cbpf-xlate.
"$ASM" -e 'ip6 protochain 6' -o "$tmp/p.bpf" 2>"$tmp/a.err"
if [ $? = 1 ] && [ ! -e "$tmp/p.bpf" ] && grep -q "cbpf-xlate -t socket|tc|xdp -e 'ip6 protochain 6'" "$tmp/a.err"; then
	ok
else
	fail "cbpf-asm does not refuse protochain, naming cbpf-xlate: $(cat "$tmp/a.err")"
fi

# 4. Where the loop translates, cbpf-xlate does not warn about it; -v says once what became of
# it. Seccomp, whose classic loader refuses loops, still says so.
for t in socket tc xdp func; do
	"$XL" -t "$t" -e 'ip6 protochain 6' -o "$tmp/q.o" 2>"$tmp/q.err"
	if [ $? = 0 ] && [ ! -s "$tmp/q.err" ]; then
		ok
	else
		fail "cbpf-xlate -t $t warns about a loop it translates: $(cat "$tmp/q.err")"
	fi
	"$XL" -v -t "$t" -e 'ip6 protochain 6 or ip protochain 17' -o "$tmp/q.o" 2>"$tmp/q.err"
	if [ "$(grep -c 'loop' "$tmp/q.err")" = 1 ] &&
		grep -q "^cbpf-xlate: $t: 2 loops translated as bounded, within a budget of [0-9]* jumps back" \
			"$tmp/q.err"; then
		ok
	else
		fail "cbpf-xlate -v -t $t does not say once that the loops became bounded: $(cat "$tmp/q.err")"
	fi
done
"$XL" -t seccomp - -o "$tmp/q.o" 2>"$tmp/q.err" <<'EOF'
ld [0]
l1: jeq #1, l2, l3
l2: ja l1
l3: ret #0
EOF
if [ $? = 1 ] && grep -q 'backward' "$tmp/q.err"; then
	ok
else
	fail "cbpf-xlate -t seccomp does not refuse a loop: $(cat "$tmp/q.err")"
fi

echo "$((n - bad))/$n protochain checks pass"
[ $bad = 0 ]
