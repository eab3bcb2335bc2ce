#!/bin/sh
# SPDX-License-Identifier: MIT
# cbpf-dbg against the kernel's bpf_dbg itself, when one is at hand: the same scripted session
# (load bpf, load pcap, run, step, step back, breakpoints, disassemble, dump) must print the
# same standard output. Debian packages no bpf_dbg: build it from a kernel tree
# (make -C tools/bpf bpf_dbg) and name it with BPF_DBG=PATH, or put it on PATH.
# The differences the man page lists (DIFFERENCES FROM BPF_DBG) are allowed for, and only
# those: bpf_dbg's "select N" is cbpf-dbg's "select N+1"; bpf_dbg's complaints, which cbpf-dbg
# writes to standard error, are left out; a stop's "(step at packet 3)" or "(breakpoint at
# packet 3)" is bpf_dbg's "(breakpoint)"; stops dump the packet only after "set hexdump on"
# (every other session runs with it, compared with bpf_dbg's dump; the others without, bpf_dbg's
# dump left out); "step -N" is "back N", which says "(back)" where bpf_dbg's step says
# "(breakpoint)", and where bpf_dbg refuses it (going back to the start of the packet, or into a
# packet whose end was said) the session is compared up to that command.
set -u
B=${1:?usage: bpf-dbg.sh BUILD_DIR}
dbg=$B/bin/cbpf-dbg
asm=$B/bin/cbpf-asm
for x in "$dbg" "$asm"; do
	[ -x "$x" ] || { echo "$x is missing: run make first"; exit 1; }
done
peer=${BPF_DBG:-$(command -v bpf_dbg 2>/dev/null)}
if [ -z "$peer" ] || [ ! -x "$peer" ]; then
	echo "skipped: no bpf_dbg to compare with (build it from a kernel tree's tools/bpf, then" \
		"BPF_DBG=PATH)"
	exit 77
fi
command -v tcpdump >/dev/null 2>&1 || { echo "skipped: tcpdump is not installed"; exit 77; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# bpf_dbg keeps its history in $HOME; keep the user's out of it.
export HOME="$tmp"

# bpf_dbg attaches each program to a socket first: without the privilege it loads nothing.
probe=$(printf 'load bpf 1,6 0 0 0\ndump\nquit\n' | "$peer" 2>&1)
case $probe in
*"not allowed to run"* | *"cannot open socket"*)
	echo "skipped: bpf_dbg cannot attach a filter to a socket here (no privilege)"
	exit 77 ;;
esac

# Expressions with no ancillary loads, which bpf_dbg refuses.
cat >"$tmp/exprs" <<'EOF'
tcp port 80
ip
udp
icmp
arp
ip6
tcp[13] & 2 != 0
ip[2:2] > 60
host 10.0.0.1
not tcp
port 53
ip and len > 100
tcp and tcp[((tcp[12:1] & 0xf0) >> 2):4] = 0x47455420
ip[6:2] & 0x1fff != 0
ether broadcast
udp and udp[8] = 0
EOF

# Sessions, separated by blank lines. @LAST@ is the program's last instruction (tcpdump's
# ret #0), @ACCEPT@ the one before (its ret #262144): breakpoints on a return.
cat >"$tmp/sessions" <<'EOF'
run

run 3

disassemble

disassemble 1

dump

breakpoint 2
breakpoint 4
breakpoint
run
run
breakpoint reset
run

select 2
step
step
step -1
step
step 3

select 3
step 5
step
step
step
step

select 1
breakpoint 0
run 2
step
step -2

breakpoint @LAST@
run
step
step
step -1
step
run

breakpoint @ACCEPT@
breakpoint @LAST@
run
step -1
step
step 2
run 2
step 3
run

step 100
step -1
step
step 100
step -1
step -3
step
select 2
step 100
step -1
step 2
EOF

# bpf_dbg's words for errors (cbpf-dbg says them on standard error).
complaints='^(reached bottom of register history stack!|no packet #[0-9]+ available!|no bpf program loaded!|no pcap file loaded!)$'

# cbpf-dbg's output in bpf_dbg's words: the stop's tags as bpf_dbg's, and "@@CUT@@" where a
# "step -N" goes where bpf_dbg's does not (the lines of that block left out).
cat >"$tmp/ours.awk" <<'EOF'
function flush() { printf "%s", block; block = "" }
/^\(back at the start/ { flush(); print "@@CUT@@"; exit }
/^\(back\)$/ {
	if (ended) { block = ""; print "@@CUT@@"; exit }
	flush(); print "(breakpoint)"; next
}
/^\((step|breakpoint)( at packet [0-9]+)?\)$/ { flush(); print "(breakpoint)"; ended = 0; next }
/^\((next packet|going back to first packet)\)$/ || /^bpf passes:/ {
	flush(); print; ended = 1; next
}
/^-- register dump --$/ { flush() }
{ block = block $0 "\n" }
END { flush() }
EOF

n=0 bad=0
for cap in pcaps/*.pcap; do
	# bpf_dbg reads only microsecond captures in the host's byte order.
	[ "$(od -A n -t x4 -N 4 "$cap" | tr -d ' ')" = a1b2c3d4 ] || continue
	lt=$(tcpdump -r "$cap" -c 1 2>&1 >/dev/null | sed -n 's/.*link-type \([^ ]*\) .*/\1/p')
	while IFS= read -r e; do
		prog=$("$asm" -y "$lt" -e "$e" 2>/dev/null | tr -d '\n')
		[ -n "$prog" ] || continue
		len=${prog%%,*}
		awk -v RS= -v dir="$tmp" '{ print > (dir "/s" NR) }' "$tmp/sessions"
		for s in "$tmp"/s[0-9]*; do
			# bpf_dbg's ld [x+k] (code 64) past the captured bytes goes on with A as it
			# was instead of returning 0 (a bug the man page lists): a breakpoint on a
			# return then stops where the kernel's program never gets.
			if grep -q @ "$s"; then
				case $prog in *,64\ *) continue ;; esac
			fi
			n=$((n + 1))
			hexdump=$((n % 2))
			{
				echo "load bpf $prog"
				echo "load pcap $cap"
				sed "s/@LAST@/$((len - 1))/; s/@ACCEPT@/$((len - 2))/" "$s"
				echo quit
			} >"$tmp/session"
			# select 1 is where a loaded capture starts; select N is bpf_dbg's N-1.
			awk '/^select 1$/ { next }
				/^select [0-9]+$/ { print "select " $2 - 1; next } { print }' \
				"$tmp/session" >"$tmp/theirs"
			{
				[ $hexdump = 1 ] && echo "set hexdump on"
				cat "$tmp/session"
			} >"$tmp/ours"
			"$peer" <"$tmp/theirs" 2>&1 | grep -v '^> ' | grep -Ev "$complaints" |
				awk -v keep=$hexdump '/^-- packet dump --$/ && !keep { skip = 1 }
					/^\(breakpoint\)$/ { skip = 0 } !skip' >"$tmp/want"
			"$dbg" <"$tmp/ours" 2>/dev/null | awk -f "$tmp/ours.awk" >"$tmp/got"
			if grep -q '^@@CUT@@$' "$tmp/got"; then
				sed -i "/^@@CUT@@$/d" "$tmp/got"
				head -n "$(wc -l <"$tmp/got")" "$tmp/want" >"$tmp/want.cut"
				mv "$tmp/want.cut" "$tmp/want"
			fi
			if ! cmp -s "$tmp/want" "$tmp/got"; then
				bad=$((bad + 1))
				if [ $bad -le 5 ]; then
					echo "FAIL $cap '$e': $(tr '\n' ';' <"$s")"
					diff "$tmp/want" "$tmp/got" | head -n 10
				fi
			fi
		done
		rm -f "$tmp"/s[0-9]*
	done <"$tmp/exprs"
done
[ $n -gt 0 ] || { echo "no session ran"; exit 1; }
echo "$((n - bad))/$n scripted sessions print what bpf_dbg prints ($peer)"
[ $bad -eq 0 ]
