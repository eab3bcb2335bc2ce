#!/bin/sh
# SPDX-License-Identifier: MIT
# Benchmark: what recording costs (cbpf-xlate --record, ptrace at each syscall's entry and exit)
# against a plain run of the same command, beside strace -f writing its log to /dev/null (the
# same mechanism, a peer) and a run under the recorded policy: wall times, the best of 3 runs
# taking turns, their ratio to the plain run, and the cost per system call (the calls counted
# by strace).
# Usage: bench/record.sh BUILD_DIR [CAPTURE]   (the capture is not used)
set -u
B=${1:?usage: record.sh BUILD_DIR}
X=$B/bin/cbpf-xlate
[ -x "$X" ] || { echo "$X is missing: run make first"; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
if ! "$X" -t seccomp --record "$tmp/probe.policy" -- true 2>/dev/null; then
	echo "skipped: cannot trace a command here"
	exit 0
fi
have_strace=
command -v strace >/dev/null 2>&1 && strace -f -o /dev/null true 2>/dev/null && have_strace=1

# ms CMD...: one run's wall time in milliseconds (output discarded).
ms() {
	t0=$(date +%s%N)
	"$@" >/dev/null 2>&1
	t1=$(date +%s%N)
	echo $(((t1 - t0) / 1000000))
}
min() { [ "$1" -lt "$2" ] && echo "$1" || echo "$2"; }

mkdir -p "$tmp/tree"
for i in $(seq 200); do printf 'file %s\n' "$i" >"$tmp/tree/f$i"; done
row() { printf '%-30s %6s %8s %8s %6s %8s %6s %8s %6s %8s\n' "$@"; }
row command calls plain/ms record ratio strace ratio policy ratio "us/call"
id=0
while IFS='|' read -r name cmd; do
	[ -n "$name" ] || continue
	id=$((id + 1))
	"$X" -t seccomp --record "$tmp/$id.policy" -- sh -c "$cmd" >/dev/null 2>&1
	calls=-
	if [ -n "$have_strace" ]; then
		strace -f -o "$tmp/$id.log" sh -c "$cmd" >/dev/null 2>&1
		calls=$(grep -cv -e '^[0-9]* *+++' -e '^[0-9]* *---' -e 'resumed>' "$tmp/$id.log")
	fi
	p=999999 r=999999 s=999999 e=999999
	for round in 1 2 3; do
		p=$(min "$p" "$(ms sh -c "$cmd")")
		r=$(min "$r" "$(ms "$X" -t seccomp --record "$tmp/r.policy" -- sh -c "$cmd")")
		rm -f "$tmp/r.policy"
		[ -n "$have_strace" ] && s=$(min "$s" "$(ms strace -f -o /dev/null sh -c "$cmd")")
		e=$(min "$e" "$(ms "$X" -t seccomp --policy "$tmp/$id.policy" --exec -- sh -c "$cmd")")
	done
	[ -n "$have_strace" ] || s=-
	pp=$([ "$p" -gt 0 ] && echo "$p" || echo 1)
	per=-
	[ "$calls" != - ] && [ "$calls" -gt 0 ] && per=$(awk -v r="$r" -v p="$p" -v n="$calls" \
		'BEGIN { printf "%.1f", (r - p) * 1000 / n }')
	row "$name" "$calls" "$p" "$r" \
		"$(awk -v a="$r" -v b="$pp" 'BEGIN { printf "%.1fx", a / b }')" "$s" \
		"$([ "$s" = - ] && echo - || awk -v a="$s" -v b="$pp" 'BEGIN { printf "%.1fx", a / b }')" \
		"$e" "$(awk -v a="$e" -v b="$pp" 'BEGIN { printf "%.1fx", a / b }')" "$per"
done <<EOF
shell loop, 3000 redirections|i=0; while [ \$i -lt 3000 ]; do : >/dev/null; i=\$((i + 1)); done
tar of 200 files|tar -cf - -C $tmp tree | tar -tf - | wc -l
ls -lR /usr/include|ls -lR /usr/include >/dev/null
EOF
