#!/bin/sh
# SPDX-License-Identifier: MIT
# cbpf-dbg over the project's captures: run counts what the generator's manifest says each
# tcpdump filter selects (pcaps.sh holds tcpdump to the same counts), and filter writes the
# very file tcpdump -w writes for the same expression; a file it cannot write never appears.
set -u
B=${1:?usage: dbg-filter.sh BUILD_DIR}
dbg=$B/bin/cbpf-dbg
gen=$B/bin/cbpf-pcapgen
for x in "$dbg" "$gen"; do
	[ -x "$x" ] || { echo "$x is missing: run make first"; exit 1; }
done
command -v tcpdump >/dev/null 2>&1 || { echo "skipped: tcpdump is not installed"; exit 77; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0 bad=0
ok() { n=$((n + 1)); }
fail() { n=$((n + 1)); bad=$((bad + 1)); echo "FAIL $*"; }

# ---------------------------------------------------------------- run against the manifest
"$gen" -m >"$tmp/manifest" || { echo "cbpf-pcapgen -m failed"; exit 1; }
awk '$1 == "count"' "$tmp/manifest" >"$tmp/counts"
for file in $(awk '{print $2}' "$tmp/counts" | sort -u); do
	# One session a file: each expression loaded after a program that drops everything, so
	# that one which does not compile cannot count with the one before.
	grep "^count $file " "$tmp/counts" >"$tmp/these"
	awk '{ $1 = $2 = $3 = ""; sub(/^ +/, ""); print "load bpf 1,6 0 0 0"; print "load expr " $0;
		print "run" }' "$tmp/these" >"$tmp/script"
	"$dbg" -p "pcaps/$file" <"$tmp/script" >"$tmp/out" 2>"$tmp/err"
	sed -n 's/^bpf passes:\([0-9]*\) fails:[0-9]*$/\1/p' "$tmp/out" >"$tmp/got"
	awk '{print $3}' "$tmp/these" >"$tmp/want"
	i=0
	while IFS= read -r line; do
		i=$((i + 1))
		want=$(echo "$line" | awk '{print $3}')
		expr=$(echo "$line" | cut -d' ' -f4-)
		got=$(sed -n "${i}p" "$tmp/got")
		if [ "$got" = "$want" ]; then
			ok
		else
			fail "$file '$expr': run passes ${got:-none}, the manifest says $want"
		fi
	done <"$tmp/these"
	[ -s "$tmp/err" ] && fail "$file: the session wrote to stderr: $(head -n 3 "$tmp/err")"
done

# ---------------------------------------------------------------- filter against tcpdump -w
exprs='ip
tcp port 80
udp port 53 or arp
ip6 and icmp6
vlan and ip
tcp[tcpflags] & tcp-syn != 0
ip[6:2] & 0x1fff != 0
not ip'
for f in pcaps/*.pcap; do
	echo "$exprs" | while IFS= read -r e; do
		rm -f "$tmp/a.pcap" "$tmp/b.pcap"
		tcpdump -r "$f" -w "$tmp/b.pcap" "$e" 2>/dev/null
		trc=$?
		"$dbg" -p "$f" -e "$e" -c "filter $tmp/a.pcap" >"$tmp/out" 2>"$tmp/err"
		drc=$?
		if [ $trc -ne 0 ]; then
			# tcpdump refuses the expression for this link type: so must cbpf-dbg.
			[ $drc -ne 0 ] && [ ! -e "$tmp/a.pcap" ] && echo ok ||
				echo "FAIL $f '$e': tcpdump refuses it, cbpf-dbg exits $drc"
		elif [ $drc -ne 0 ]; then
			echo "FAIL $f '$e': cbpf-dbg exits $drc: $(head -n 2 "$tmp/err")"
		elif cmp -s "$tmp/a.pcap" "$tmp/b.pcap"; then
			echo ok
		else
			echo "FAIL $f '$e': filter writes another file than tcpdump -w"
		fi
	done
done >"$tmp/verdicts"
while IFS= read -r v; do
	case $v in
	ok) ok ;;
	*) fail "${v#FAIL }" ;;
	esac
done <"$tmp/verdicts"

# filter - writes the capture alone to standard output, for a pipe: tcpdump -r - reads every
# packet, the very bytes tcpdump -w writes; the count goes to standard error.
for f in pcaps/mixed.pcap pcaps/sll2.pcap pcaps/eth-snap64.pcap; do
	tcpdump -r "$f" -w "$tmp/b.pcap" tcp 2>/dev/null
	want=$(tcpdump -r "$f" tcp 2>/dev/null | wc -l)
	"$dbg" -p "$f" -e tcp -c 'filter -' 2>"$tmp/err" | tee "$tmp/a.pcap" |
		tcpdump -r - >"$tmp/read" 2>"$tmp/tcpdump.err"
	got=$(wc -l <"$tmp/read")
	if cmp -s "$tmp/a.pcap" "$tmp/b.pcap" && [ "$got" = "$want" ] &&
		! grep -q 'invalid' "$tmp/tcpdump.err" &&
		grep -q "^$want of [0-9]* packets accepted, written to standard output" "$tmp/err"
	then
		ok
	else
		fail "filter - of $f: tcpdump -r - reads $got packets of $want: $(cat "$tmp/tcpdump.err" "$tmp/err")"
	fi
done
# A damaged capture writes nothing there, not the packets before the damage.
"$dbg" -e tcp -p pcaps/bad/truncated-in-packet-data.pcap -c 'filter -' >"$tmp/a.pcap" \
	2>"$tmp/err"
rc=$?
[ $rc -eq 1 ] && [ ! -s "$tmp/a.pcap" ] && grep -q 'packet 4: truncated' "$tmp/err" && ok ||
	fail "filter - of a damaged capture: exit $rc, $(wc -c <"$tmp/a.pcap") bytes written"

# The file appears only once complete: not when the capture is damaged, nor when it cannot
# be created; and its place is not left with a temporary file.
"$dbg" -e tcp -p pcaps/bad/truncated-in-packet-data.pcap -c "filter $tmp/c.pcap" \
	>/dev/null 2>"$tmp/err"
rc=$?
[ $rc -eq 1 ] && [ ! -e "$tmp/c.pcap" ] && grep -q 'packet 4: truncated' "$tmp/err" && ok ||
	fail "filter of a damaged capture: exit $rc, or a file was left"
ls -A "$tmp" | grep -q 'c\.pcap\.' && fail "filter left a temporary file" || ok
"$dbg" -e tcp -p pcaps/eth-ipv4-tcp.pcap -c "filter $tmp/no/such/dir.pcap" >/dev/null 2>&1
[ $? -eq 1 ] && ok || fail "filter into a missing directory does not fail"
# A filter that accepts nothing writes a valid empty capture, as tcpdump does.
"$dbg" -e arp -p pcaps/eth-ipv4-tcp.pcap -c "filter $tmp/d.pcap" >"$tmp/out" 2>&1
tcpdump -r pcaps/eth-ipv4-tcp.pcap -w "$tmp/e.pcap" arp 2>/dev/null
cmp -s "$tmp/d.pcap" "$tmp/e.pcap" && grep -q '^0 of 32 packets accepted' "$tmp/out" && ok ||
	fail "an empty result differs from tcpdump's"
# The link-type field's upper bits (here an FCS of 4 bytes, LT_FCS_DATALINK_EXT) stay, as
# tcpdump -w keeps them.
{ head -c 20 pcaps/eth-ipv4-tcp.pcap && printf '\001\000\000\044' &&
	tail -c +25 pcaps/eth-ipv4-tcp.pcap; } >"$tmp/fcs.pcap"
"$dbg" -e tcp -p "$tmp/fcs.pcap" -c "filter $tmp/f.pcap" >/dev/null 2>&1
tcpdump -r "$tmp/fcs.pcap" -w "$tmp/g.pcap" tcp 2>/dev/null
cmp -s "$tmp/f.pcap" "$tmp/g.pcap" && [ "$(od -An -tx1 -j20 -N4 "$tmp/f.pcap")" = " 01 00 00 24" ] &&
	ok || fail "filter drops the link type's FCS bits that tcpdump -w keeps"

echo "$((n - bad))/$n cbpf-dbg runs and filters agree with the manifest and tcpdump -w"
[ $bad -eq 0 ]
