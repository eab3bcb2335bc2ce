#!/bin/sh
# SPDX-License-Identifier: MIT
# cbpf-dbg's captures that cannot be read twice: from a pipe (-p -, /dev/stdin) and a FIFO, they
# are copied to an unnamed temporary file, so that run's wrap-around, select backwards, coverage
# and filter read them again as they read a file: the same output as from the file itself, a
# note saying so, and nothing left in $TMPDIR, even when killed. Standard input cannot be the
# capture when it carries the commands; load FILE does not guess what a FIFO holds.
set -u
B=${1:?usage: dbg-pipes.sh BUILD_DIR}
dbg=$B/bin/cbpf-dbg
[ -x "$dbg" ] || { echo "$dbg is missing: run make first"; exit 1; }
command -v timeout >/dev/null 2>&1 || { echo "skipped: timeout(1) is not installed"; exit 77; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
n=0 bad=0
ok() { n=$((n + 1)); }
fail() { n=$((n + 1)); bad=$((bad + 1)); echo "FAIL $*"; }

cap=pcaps/mixed.pcap
mkdir "$tmp/t"
export TMPDIR="$tmp/t"
# Every command that goes back to the start of the capture, and filter to a file.
set -- -e tcp -c run -c run -c 'select 140' -c 'select 3' -c 'step 3' -c 'back' -c 'select 1' -c info \
	-c coverage
# Each session filters to f.pcap; the file's own is kept as want.pcap.
"$dbg" -p "$cap" "$@" -c "filter $tmp/f.pcap" >"$tmp/want" 2>"$tmp/want.err"
[ $? -eq 0 ] && [ ! -s "$tmp/want.err" ] && mv "$tmp/f.pcap" "$tmp/want.pcap" ||
	fail "from the file itself: $(cat "$tmp/want.err")"

# same HOW NAME: the session's output ($tmp/got, $tmp/got.err) is the file's, the capture named
# NAME, with the note on stderr and the filtered capture identical.
same() {
	sed "s|^capture: [^,]*,|capture: $2,|" "$tmp/want" >"$tmp/want.named"
	: >"$tmp/diff"
	if [ "$rc" -eq 0 ] && diff -u "$tmp/want.named" "$tmp/got" >"$tmp/diff" &&
		[ "$(cat "$tmp/got.err")" = "note: $2: a pipe, which cannot be read twice: copied whole ($(wc -c <"$cap") bytes) to an unnamed temporary file, gone at exit" ] &&
		cmp -s "$tmp/want.pcap" "$tmp/f.pcap"; then
		ok
	else
		fail "$1: exit $rc: $(head -n 5 "$tmp/diff" "$tmp/got.err")"
	fi
	[ -z "$(ls -A "$tmp/t")" ] || fail "$1 left $(ls -A "$tmp/t") in TMPDIR"
	rm -f "$tmp/f.pcap"
}

# A pipe, as -, as /dev/stdin.
cat "$cap" | timeout 60 "$dbg" -p - "$@" -c "filter $tmp/f.pcap" >"$tmp/got" 2>"$tmp/got.err"
rc=$?
same "-p - from a pipe" "<stdin>"
cat "$cap" | timeout 60 "$dbg" -p /dev/stdin "$@" -c "filter $tmp/f.pcap" >"$tmp/got" \
	2>"$tmp/got.err"
rc=$?
same "-p /dev/stdin from a pipe" /dev/stdin

# A FIFO (it hung for ever, reopened for the second run with no writer left).
mkfifo "$tmp/fifo"
cat "$cap" >"$tmp/fifo" &
timeout 60 "$dbg" -p "$tmp/fifo" "$@" -c "filter $tmp/f.pcap" >"$tmp/got" 2>"$tmp/got.err"
rc=$?
same "-p FIFO" "$tmp/fifo"
wait
# load pcap FIFO from a script, and filter - from it into a pipe.
cat "$cap" >"$tmp/fifo" &
timeout 60 "$dbg" -e tcp -c "load pcap $tmp/fifo" -c run -c 'filter -' >"$tmp/got" 2>/dev/null
rc=$?
wait
tail -c "$(wc -c <"$tmp/want.pcap")" "$tmp/got" | cmp -s - "$tmp/want.pcap" && [ $rc -eq 0 ] &&
	ok || fail "load pcap FIFO, then run and filter -: exit $rc"

# Standard input on a file needs no copy, and says nothing.
timeout 60 "$dbg" -p - "$@" -c "filter $tmp/f.pcap" <"$cap" >"$tmp/got" 2>"$tmp/got.err"
rc=$?
sed "s|^capture: [^,]*,|capture: <stdin>,|" "$tmp/want" | diff -u - "$tmp/got" >"$tmp/diff" &&
	[ $rc -eq 0 ] && [ ! -s "$tmp/got.err" ] && cmp -s "$tmp/want.pcap" "$tmp/f.pcap" && ok ||
	fail "-p - from a file: exit $rc: $(head -n 5 "$tmp/diff" "$tmp/got.err")"

# Killed while copying: the temporary file has no name from the start.
exec 3<>"$tmp/fifo"
head -c 24 "$cap" >&3
"$dbg" -p "$tmp/fifo" -c info >/dev/null 2>&1 &
pid=$!
sleep 1
[ -z "$(ls -A "$tmp/t")" ] && ok || fail "a named temporary file while copying: $(ls -A "$tmp/t")"
kill -9 $pid 2>/dev/null
wait $pid 2>/dev/null
exec 3>&-
[ -z "$(ls -A "$tmp/t")" ] && ok || fail "killed while copying, left $(ls -A "$tmp/t")"

# A damaged capture through a pipe: located as from the file, named <stdin>.
cat pcaps/bad/truncated-in-packet-data.pcap |
	timeout 60 "$dbg" -p - -e tcp -c run >/dev/null 2>"$tmp/err"
rc=$?
[ $rc -eq 1 ] && grep -q '^-c:1: error: <stdin>: packet 4: truncated dump file' "$tmp/err" &&
	ok || fail "damaged capture through a pipe: exit $rc: $(cat "$tmp/err")"
# Not a capture at all, endless: refused without reading it to its end.
timeout 20 "$dbg" -p /dev/zero -c info >/dev/null 2>"$tmp/err"
rc=$?
[ $rc -eq 1 ] && grep -q 'error: /dev/zero: not a pcap or pcapng capture' "$tmp/err" && ok ||
	fail "-p /dev/zero: exit $rc: $(cat "$tmp/err")"

# A terminal is no capture: refused, not read until a Ctrl-D.
if command -v script >/dev/null 2>&1; then
	timeout 20 script -qc "'$dbg' -p - -c info" /dev/null </dev/null >"$tmp/err" 2>&1
	grep -q 'error: <stdin>: a terminal, not a capture' "$tmp/err" && ok ||
		fail "-p - on a terminal: $(cat "$tmp/err")"
else
	echo "note: script(1) is not installed; -p - on a terminal unchecked"
fi

# Standard input carries either the commands or the capture.
cat "$cap" | "$dbg" -p - >/dev/null 2>"$tmp/err"
rc=$?
[ $rc -eq 2 ] && grep -q 'which then cannot carry the commands: give them with -c' "$tmp/err" &&
	ok || fail "-p - with commands on stdin: exit $rc: $(cat "$tmp/err")"
printf 'load pcap /dev/stdin\n' | "$dbg" >/dev/null 2>"$tmp/err"
rc=$?
[ $rc -eq 1 ] && grep -q '^<stdin>:1: error: /dev/stdin is standard input, which carries' \
	"$tmp/err" && ok || fail "load pcap /dev/stdin from stdin: exit $rc: $(cat "$tmp/err")"
# load FILE looks into a file to tell a capture from a program; a FIFO would lose those bytes.
cat "$cap" >"$tmp/fifo" &
writer=$!
timeout 20 "$dbg" -c "load $tmp/fifo" >/dev/null 2>"$tmp/err"
rc=$?
kill $writer 2>/dev/null
wait $writer 2>/dev/null
[ $rc -eq 1 ] && grep -q 'is not a file, which cannot be looked into without reading it' \
	"$tmp/err" && ok || fail "load FIFO: exit $rc: $(cat "$tmp/err")"

echo "$((n - bad))/$n captures from pipes, FIFOs and standard input read as from files"
[ $bad -eq 0 ]
