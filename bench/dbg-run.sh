#!/bin/sh
# SPDX-License-Identifier: MIT
# Benchmark: cbpf-dbg's run over a large capture against tcpdump -r FILE -w /dev/null with the
# same filter, in the same run: one line per expression with both times (the best of the runs,
# hyperfine's minimum when it is installed, else the best of 5 rounds taking turns), their
# ratio (above 1: cbpf-dbg is slower; the goal is 0.5 at most), run's time as a multiple of
# reading the file once (`cat FILE >/dev/null`, timed the same way first), and cbpf-dbg's
# largest resident set (GNU time's %M, when /usr/bin/time is there: it stays flat, under 64 MB,
# whatever the capture's size). The counts are checked to agree first.
# tcpdump runs with -Z root: as root it would otherwise hand its -w file (/dev/null!) to the
# tcpdump user before dropping privileges.
# Usage: bench/dbg-run.sh BUILD_DIR CAPTURE   (tools/bench.sh makes one with cbpf-pcapgen --large)
set -u
B=${1:?usage: dbg-run.sh BUILD_DIR CAPTURE}
cap=${2:?usage: dbg-run.sh BUILD_DIR CAPTURE}
dbg=$B/bin/cbpf-dbg
[ -x "$dbg" ] || { echo "$dbg is missing: run make first"; exit 1; }
[ -s "$cap" ] || { echo "$cap is missing or empty"; exit 1; }
command -v tcpdump >/dev/null 2>&1 || { echo "skipped: tcpdump is not installed"; exit 0; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

exprs='ip
tcp port 80
vlan and udp
tcp[tcpflags] & tcp-syn != 0
ip6 and (udp or icmp6)
udp port 53 or arp or icmp
not (tcp or udp)'

# ms CMD...: one run's wall time in milliseconds.
ms() {
	s=$(date +%s%N)
	"$@" >/dev/null 2>&1
	e=$(date +%s%N)
	echo $(((e - s) / 1000000))
}

# secs MS: milliseconds as seconds with three decimals.
secs() { printf '%d.%03d' $(($1 / 1000)) $(($1 % 1000)); }

# hyper CMD...: hyperfine's fastest run, in seconds.
hyper() {
	hyperfine -N -w 1 -r 5 --export-json "$tmp/h.json" "$1" >/dev/null 2>&1 || return 1
	sed -n 's/.*"min": *\([0-9.eE+-]*\).*/\1/p' "$tmp/h.json" | head -n 1 |
		awk '{ printf "%.3f", $1 }'
}

# rss CMD...: the command's largest resident set in MB, or - without GNU time.
rss() {
	[ -x /usr/bin/time ] || { echo -; return; }
	/usr/bin/time -f '%M' -o "$tmp/rss" "$@" >/dev/null 2>&1
	awk '{ printf "%.0f", $1 / 1024 }' "$tmp/rss"
}

# Reading the file once, the floor: page cache warm, as for the runs after it.
cat "$cap" >/dev/null
if command -v hyperfine >/dev/null 2>&1; then
	c=$(hyperfine -N -w 1 -r 5 --export-json "$tmp/h.json" "cat $cap" >/dev/null 2>&1 &&
		sed -n 's/.*"min": *\([0-9.eE+-]*\).*/\1/p' "$tmp/h.json" | head -n 1 |
		awk '{ printf "%.3f", $1 }')
else
	bc=
	for _ in 1 2 3 4 5; do
		x=$(ms sh -c "cat '$cap' >/dev/null")
		[ -z "$bc" ] || [ "$x" -lt "$bc" ] && bc=$x
	done
	c=$(secs "$bc")
fi
echo "$(basename "$cap"): $(wc -c <"$cap") bytes; cat FILE >/dev/null: ${c}s; $(uptime | \
	sed 's/.*load average/load average/')"

status=0
printf '%-30s %10s %10s %7s %7s %7s\n' expression cbpf-dbg tcpdump ratio "x cat" "RSS MB"
echo "$exprs" | while IFS= read -r e; do
	# Same packets selected, or the times mean nothing.
	got=$("$dbg" -e "$e" -p "$cap" -c run 2>&1 | sed -n 's/^bpf passes:\([0-9]*\) .*/\1/p')
	want=$(tcpdump -tt -nn -q -r "$cap" "$e" 2>/dev/null | grep -cE '^[0-9]+\.[0-9]+ ')
	if [ "$got" != "$want" ]; then
		echo "FAIL '$e': cbpf-dbg passes ${got:-nothing}, tcpdump selects $want"
		exit 1
	fi
	q=$(printf '%s' "$e" | sed "s/'/'\\\\''/g")
	if command -v hyperfine >/dev/null 2>&1; then
		d=$(hyper "$dbg -e '$q' -p $cap -c run")
		t=$(hyper "tcpdump -Z root -r $cap -w /dev/null '$q'")
	else
		# Five rounds, the two programs taking turns, so that a busy moment of the machine
		# falls on both; the fastest run of each counts.
		bd= bt=
		for _ in 1 2 3 4 5; do
			x=$(ms "$dbg" -e "$e" -p "$cap" -c run)
			y=$(ms tcpdump -Z root -r "$cap" -w /dev/null "$e")
			[ -z "$bd" ] || [ "$x" -lt "$bd" ] && bd=$x
			[ -z "$bt" ] || [ "$y" -lt "$bt" ] && bt=$y
		done
		d=$(secs "$bd") t=$(secs "$bt")
	fi
	printf '%-30s %9ss %9ss %7s %7s %7s\n' "$e" "$d" "$t" "$(awk -v d="$d" -v t="$t" \
		'BEGIN { if (t > 0) printf "%.2f", d / t; else print "-" }')" "$(awk -v d="$d" \
		-v c="$c" 'BEGIN { if (c > 0) printf "%.2f", d / c; else print "-" }')" \
		"$(rss "$dbg" -e "$e" -p "$cap" -c run)"
done || status=1
exit $status
