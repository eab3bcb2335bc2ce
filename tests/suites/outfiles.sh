#!/bin/sh
# SPDX-License-Identifier: MIT
# Where the programs write: a regular file is replaced whole (never half-written, its mode
# kept); through a symbolic link, the file it names (the link stays a link); a FIFO, a
# character device or a terminal is written straight through and never replaced by a file.
# A write that fails says why (a full disk, a closed stdout), not "Input/output error"; a
# 250-byte file name is written; a signal (TERM, INT, HUP, PIPE) removes the temporary file,
# leaves the target as it was and kills the program as the signal would.
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

# ---- a failed write says why: more than a stdio buffer of output, to a full disk and to a
# closed stdout (stdio itself only knows that a write failed)
awk 'BEGIN { for (i = 0; i < 3000; i++) print "ld #1"; print "ret a" }' >big.s
big_asm() { "$A" -d big.s ${1:+-o "$1"}; }
big_xlate() { "$X" -t socket -f asm big.s ${1:+-o "$1"}; }
big_dbg() { "$D" -p "$top/pcaps/mixed.pcap" -e '' -c "filter ${1:--}" >/dev/null; }
big_gen() { "$G" --large "${1:--}" --count 1000; }
for w in asm xlate dbg gen; do
	big_$w /dev/full 2>"$w.full"
	ok "$w: /dev/full: exit 1" [ $? -eq 1 ]
	ok "$w: /dev/full: No space left on device" grep -q "No space left on device" "$w.full"
	ok "$w: /dev/full: not Input/output error" [ -z "$(grep "Input/output error" "$w.full")" ]
	[ $w = dbg ] && continue # its stdout is its own (filter - is another question)
	(big_$w >&-) 2>"$w.closed"
	ok "$w: closed stdout: exit 1" [ $? -eq 1 ]
	ok "$w: closed stdout: Bad file descriptor" grep -q "Bad file descriptor" "$w.closed"
done

# ---- a valid 250-byte name: its temporary name must fit the directory's limit too
long=$(awk 'BEGIN { while (n++ < 250) printf "n" }')
for w in asm xlate dbg gen; do
	rm -f "$long"
	$w "$long" 2>"$w.long"
	ok "$w: 250-byte name: exit 0" [ $? -eq 0 ]
	ok "$w: 250-byte name: written" [ -s "$long" ]
done
rm -f "$long"

# ---- a signal while writing: sent once the temporary file exists, the program stopped so
# that it cannot finish first. Background jobs of a script ignore SIGINT, and a run under nohup
# ignores SIGHUP (which the programs then rightly keep ignoring); env --default-signal gives
# them back where env knows it.
"$G" --large slow.pcap --count 100000 >/dev/null
awk 'BEGIN { for (i = 0; i < 4000; i++) print "add #1"; print "ret #1" }' >slow.s
interruptible=
env --default-signal=INT true 2>/dev/null && interruptible="env --default-signal=HUP,INT,PIPE,TERM"
# Started in the background, the program itself (env execs it), with SIGINT back.
long_gen() { $interruptible "$G" --large target --count 400000 >/dev/null 2>&1 & }
long_dbg() { $interruptible "$D" -p slow.pcap -b slow.s -c 'filter target' >/dev/null 2>&1 & }
for w in gen dbg; do
	for sig in TERM:15 INT:2 HUP:1 PIPE:13; do
		num=${sig#*:} sig=${sig%:*}
		if [ $sig = INT ] && [ -z "$interruptible" ]; then
			echo "note: env --default-signal is missing: SIGINT not sent"
			continue
		fi
		echo old >target
		long_$w
		pid=$!
		i=0
		while [ $i -lt 500 ] && ! ls -A | grep -q '^\.target\.'; do
			sleep 0.02
			i=$((i + 1))
		done
		kill -STOP $pid 2>/dev/null
		ok "$w $sig: the temporary file exists while it writes" ls -A | grep -q '^\.target\.'
		kill -$sig $pid 2>/dev/null
		kill -CONT $pid 2>/dev/null
		wait $pid 2>/dev/null
		rc=$?
		ok "$w $sig: killed by the signal (exit $rc)" [ $rc -eq $((128 + num)) ]
		ok "$w $sig: no temporary file left" [ -z "$(ls -A | grep '^\.target\.')" ]
		ok "$w $sig: the target untouched" [ "$(cat target)" = old ]
	done
done
rm -f slow.pcap target

# ---- the file is on disk before it replaces the old one, and the rename is synced too
if command -v strace >/dev/null && strace -o /dev/null true 2>/dev/null; then
	strace -o trace -e trace=fsync,rename,renameat,renameat2 "$A" -e tcp -o synced 2>/dev/null
	ok "fsync of the file, then rename, then fsync of the directory" \
		[ "$(grep -o '^[a-z0-9]*' trace | tr '\n' ' ')" = "fsync rename fsync " ]
else
	echo "note: strace cannot run here: the order of fsync and rename not checked"
fi
[ $n -gt 0 ] || { echo "no cases ran"; exit 1; }
echo "$((n - bad))/$n output-file checks"
[ $bad -eq 0 ]
