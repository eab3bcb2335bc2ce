#!/bin/sh
# SPDX-License-Identifier: MIT
# Where the programs write: a regular file is replaced whole (never half-written, its mode
# kept); through a symbolic link, the file it names (the link stays a link); a FIFO, a
# character device or a terminal is written straight through and never replaced by a file.
# For cbpf-asm -o, cbpf-xlate -o, cbpf-dbg's `filter` and cbpf-pcapgen --large.
set -u
B=${1:?usage: outfiles.sh BUILD_DIR}
top=$(pwd)
A="$top/$B/bin/cbpf-asm" X="$top/$B/bin/cbpf-xlate" D="$top/$B/bin/cbpf-dbg"
G="$top/$B/bin/cbpf-pcapgen"
for p in "$A" "$X" "$D" "$G"; do [ -x "$p" ] || { echo "missing $p"; exit 1; }; done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp" || exit 1
n=0 bad=0
ok() { # description test...
	n=$((n + 1))
	what=$1
	shift
	"$@" || { echo "FAIL $what"; bad=$((bad + 1)); }
}
# Each writer as a command taking the output path last.
asm() { "$A" -e 'tcp port 80' -o "$1"; }
xlate() { "$X" -t socket -e 'tcp port 80' -o "$1"; }
dbg() {
	printf 'load bpf 1,6 0 0 65535\nload pcap %s\nfilter %s\nquit\n' \
		"$top/pcaps/eth-arp.pcap" "$1" | "$D" >/dev/null
}
gen() { "$G" --large "$1" --count 100 >/dev/null; }
# What each writes to stdout (for comparing with what went into a FIFO or through a link).
expected() {
	case $1 in
	asm) "$A" -e 'tcp port 80' ;;
	xlate) "$X" -t socket -e 'tcp port 80' ;;
	dbg) dbg ref.pcap && cat ref.pcap ;; # its stdout is the count; a new file is the reference
	gen) "$G" --large - --count 100 ;;
	esac
}
for w in asm xlate dbg gen; do
	expected $w >"$w.want" 2>/dev/null || { echo "FAIL $w: cannot write to stdout"; bad=$((bad + 1)); }
	# a regular file: replaced, with its mode kept
	echo old >"$w.file" && chmod 640 "$w.file"
	$w "$w.file" 2>/dev/null
	ok "$w: regular file written, exit 0" [ $? -eq 0 ]
	ok "$w: regular file holds the output" cmp -s "$w.want" "$w.file"
	ok "$w: regular file keeps its mode" [ "$(stat -c %a "$w.file")" = 640 ]
	# a symbolic link: the file it names is replaced, the link stays
	echo old >"$w.real" && ln -s "$w.real" "$w.link"
	$w "$w.link" 2>/dev/null
	ok "$w: link stays a link" [ -L "$w.link" ]
	ok "$w: link's target holds the output" cmp -s "$w.want" "$w.real"
	# a dangling link: the file it names is created
	ln -s "$w.new" "$w.dangling"
	$w "$w.dangling" 2>/dev/null
	ok "$w: dangling link stays a link" [ -L "$w.dangling" ]
	ok "$w: dangling link's target created" cmp -s "$w.want" "$w.new"
	# a FIFO: written through, still a FIFO
	mkfifo "$w.fifo"
	timeout 20 cat "$w.fifo" >"$w.fromfifo" &
	reader=$!
	$w "$w.fifo" 2>/dev/null
	wait $reader
	ok "$w: FIFO stays a FIFO" [ -p "$w.fifo" ]
	ok "$w: FIFO carried the output" cmp -s "$w.want" "$w.fromfifo"
	# a character device of our own (a null device), when we may make one
	if mknod "$w.null" c 1 3 2>/dev/null; then
		$w "$w.null" 2>/dev/null
		ok "$w: exit 0 writing to a null device" [ $? -eq 0 ]
		ok "$w: null device stays a device" [ -c "$w.null" ]
	else
		echo "note: $w: cannot mknod a null device here (not root): device case not run"
	fi
	# a directory: refused, untouched
	mkdir "$w.dir"
	$w "$w.dir" 2>"$w.err"
	ok "$w: directory refused with exit 1" [ $? -eq 1 ]
	ok "$w: directory refusal names it" grep -q "$w.dir" "$w.err"
	ok "$w: directory left empty" [ -z "$(ls -A "$w.dir")" ]
done
rm -f ref.pcap
ok "no temporary file left behind" [ -z "$(ls -A | grep '^\.')" ]
[ $n -gt 0 ] || { echo "no cases ran"; exit 1; }
echo "$((n - bad))/$n output-file checks"
[ $bad -eq 0 ]
