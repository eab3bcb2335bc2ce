#!/bin/sh
# SPDX-License-Identifier: MIT
# Round trips through every form: each compiled program of tcpdump-expressions.txt is written in
# form X, read back (detected, and forced with --from X) and written again (as -ddd), which must
# be identical; so must the comma form as tc and iptables print it, read back. Also: dot output is valid Graphviz, and a failed run leaves an
# existing -o file as it was.
set -u
B=${1:?usage: forms.sh BUILD_DIR}
asm=$B/bin/cbpf-asm
exprs=tests/suites/tcpdump-expressions.txt
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
n=0 ok=0 bad=0 pending=0 dots=0

fail() {
	bad=$((bad + 1))
	[ $bad -le 20 ] && echo "FAIL $*"
}

# bpf_asm source and listings do not spell the fields an opcode does not use (libpcap leaves a
# register number in tax's k): those read back as 0. This is the -ddd text with them cleared.
normalize() {
	awk 'NR == 1 { print; next }
	{
		c = $1; class = c % 8; op = int(c / 16) % 16; x = int(c / 8) % 2
		if (!(class == 5 && op != 0)) { $2 = 0; $3 = 0 }
		if (c == 7 || c == 135 || c == 132 || c == 22 || c == 128 || c == 129 ||
		    ((class == 4 || class == 5) && x)) $4 = 0
		print
	}' "$1"
}

# Reads $tmp/prog.$1 back (detected, then forced) and compares with the reference.
read_back() {
	form=$1
	shift
	want=$tmp/ref
	case $form in listing | asm) normalize "$tmp/ref" >"$tmp/ref.norm"; want=$tmp/ref.norm ;; esac
	# Forcing the form (--from) is checked on the first set of options only.
	hows=detected
	[ "$*" = "-y EN10MB" ] && hows="detected forced"
	for how in $hows; do
		n=$((n + 1))
		if [ $how = forced ]; then
			"$asm" -ddd --from "$form" "$tmp/prog.$form" >"$tmp/back" 2>"$tmp/err"
		else
			"$asm" -ddd "$tmp/prog.$form" >"$tmp/back" 2>"$tmp/err"
		fi
		rc=$?
		if [ $rc = 0 ] && cmp -s "$want" "$tmp/back"; then
			ok=$((ok + 1))
		elif [ $rc = 1 ] && grep -q 'not implemented' "$tmp/err"; then
			# The bpf_asm and listing parsers are another piece; until they land, say so.
			pending=$((pending + 1)) n=$((n - 1))
		else
			fail "$form ($how) [$*] '$expr': exit $rc: $(head -n 1 "$tmp/err")"
		fi
	done
}

# CBPF_TEST_SAMPLE=N (make SANITIZE=1 check sets 3): every Nth expression only, the same
# code paths without most of the repetition (the plain make check runs them all)
sample=${CBPF_TEST_SAMPLE:-1} nth=0
sampled() {
	nth=$((nth + 1))
	[ $(((nth - 1) % sample)) -eq 0 ]
}

while IFS= read -r expr; do
	sampled || continue
	# protochain compiles to a backward jump, which the kernel, the validator and so the
	# bpf_asm and listing readers refuse; tcpdump-parity.sh covers it.
	case $expr in '#'* | *protochain*) continue ;; esac
	for opts in "-y EN10MB" "-y EN10MB -O" "-y LINUX_SLL2"; do
		# shellcheck disable=SC2086 # the options are words
		"$asm" -e "$expr" $opts -ddd >"$tmp/ref" 2>/dev/null || continue
		for form in comma c dd ddd raw listing asm; do
			# shellcheck disable=SC2086
			if ! "$asm" -e "$expr" $opts --to $form -o "$tmp/prog.$form" 2>"$tmp/err"; then
				n=$((n + 1))
				fail "write $form [$opts] '$expr': $(head -n 1 "$tmp/err")"
				continue
			fi
			read_back $form $opts
		done
		# The comma form as tc filter show ('...'), iptables -S ("...") and iptables -L
		# (no count, a NUL byte after the last value) print it, without the last comma and ending with a newline; and with
		# a newline between any two values. Each is read back as the comma form.
		if [ "$opts" = "-y EN10MB" ]; then
			c=$(sed 's/,$//' "$tmp/prog.comma")
			printf "'%s'\n" "$c" >"$tmp/prog.tc"
			printf '"%s"' "$c" >"$tmp/prog.iptables-S"
			printf '%s\0\n' "${c#*,}" >"$tmp/prog.iptables-L"
			printf '%s\n' "$c" | tr ' ' '\n' | sed 's/,/,\n/g' >"$tmp/prog.lines"
			for form in tc iptables-S iptables-L lines; do
				n=$((n + 1))
				if "$asm" -ddd "$tmp/prog.$form" >"$tmp/back" 2>"$tmp/err" &&
					cmp -s "$tmp/ref" "$tmp/back"; then
					ok=$((ok + 1))
				else
					fail "$form [$opts] '$expr': $(head -n 1 "$tmp/err")"
				fi
			done
		fi
		if command -v dot >/dev/null 2>&1; then
			n=$((n + 1))
			# shellcheck disable=SC2086
			if "$asm" -e "$expr" $opts --dot | dot -Tsvg >/dev/null 2>"$tmp/err"; then
				ok=$((ok + 1)) dots=$((dots + 1))
			else
				fail "dot [$opts] '$expr': $(head -n 1 "$tmp/err")"
			fi
		fi
	done
done <"$exprs"

# -o is replaced only when everything worked: a failed run leaves it, and no temporary file.
check_kept() {
	n=$((n + 1))
	if [ "$(cat "$tmp/out/keep")" = KEEP ] && [ "$(ls -A "$tmp/out")" = keep ]; then
		ok=$((ok + 1))
	else
		fail "-o after a failed run ($*): $(ls -A "$tmp/out" | tr '\n' ' ')"
	fi
}
mkdir "$tmp/out"
echo KEEP >"$tmp/out/keep"
printf '3,6 0 0 0,' >"$tmp/bad.comma"
head -c 13 /dev/urandom >"$tmp/bad.raw"
"$asm" -o "$tmp/out/keep" "$tmp/bad.comma" 2>/dev/null
check_kept "comma count mismatch"
"$asm" -o "$tmp/out/keep" --raw "$tmp/bad.raw" 2>/dev/null
check_kept "truncated raw"
"$asm" -o "$tmp/out/keep" -e 'ip and' 2>/dev/null
check_kept "bad expression"
"$asm" -o "$tmp/out/keep" -e ip -y NOSUCH 2>/dev/null
check_kept "unknown link type"
"$asm" -o "$tmp/out/keep" "$tmp/missing" 2>/dev/null
check_kept "missing input"
"$asm" -o "$tmp/out/keep" -c -d -e ip 2>/dev/null
check_kept "usage error"

# A successful run replaces the file and keeps its mode.
n=$((n + 1))
chmod 640 "$tmp/out/keep"
if "$asm" -o "$tmp/out/keep" -e ip && [ "$(cat "$tmp/out/keep")" = \
	"4,40 0 0 12,21 0 1 2048,6 0 0 262144,6 0 0 0," ] &&
	[ "$(stat -c %a "$tmp/out/keep")" = 640 ] && [ "$(ls -A "$tmp/out")" = keep ]; then
	ok=$((ok + 1))
else
	fail "-o on success"
fi

# A write error is an error, not a silent truncation.
if [ -w /dev/full ]; then
	n=$((n + 1))
	if "$asm" -e ip >/dev/full 2>"$tmp/err"; then
		fail "writing to /dev/full succeeded"
	elif grep -q 'No space left on device' "$tmp/err"; then
		ok=$((ok + 1))
	else
		fail "writing to /dev/full: $(cat "$tmp/err")"
	fi
fi

command -v dot >/dev/null 2>&1 || echo "note: Graphviz dot is not installed; dot output unchecked"
wait=
[ $pending -gt 0 ] && wait="; $pending read-backs of listing and bpf_asm text wait for their parsers"
[ "$sample" -gt 1 ] && wait="$wait; 1 expression in $sample: CBPF_TEST_SAMPLE"
echo "$ok/$n round trips and output checks pass ($dots dot graphs valid$wait)"
[ $bad -eq 0 ]
