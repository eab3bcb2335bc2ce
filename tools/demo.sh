#!/bin/sh
# SPDX-License-Identifier: MIT
# make demo: the main job on the project's own captures — assemble a hand-written filter,
# compile a pcap expression, show the results in every form, check them against tcpdump and the
# kernel's rules, run them through the captures in the debugger, compile and step a seccomp
# policy.
# Usage: tools/demo.sh BUILD_DIR
set -u
B=${1:?usage: demo.sh BUILD_DIR}
asm="$B/bin/cbpf-asm"
step() { printf '\n\033[1m== %s\033[0m\n' "$*" | { [ -t 1 ] && [ -z "${NO_COLOR:-}" ] && cat || sed 's/\x1b\[[0-9;]*m//g'; }; }
# Prints the command as a user would type it (arguments with spaces quoted), then runs it.
show() {
	printf '$'
	for a in "$@"; do case $a in *[\ \&\|\(\)\[]*) printf " '%s'" "$a" ;; *) printf ' %s' "$a" ;; esac; done
	printf '\n'
	"$@"
}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

step "A hand-written filter (examples/http-syn.bpf), in bpf_asm's language"
grep -v '^;' examples/http-syn.bpf

step "Assembled: bpf_asm's comma form, as tc and iptables -m bpf take it"
show "$asm" examples/http-syn.bpf

step "The same program as tcpdump -d would list it"
show "$asm" -d examples/http-syn.bpf

step "As a C array (tcpdump -dd), and bpf_asm -c"
show "$asm" -dd examples/http-syn.bpf | head -n 4
echo "..."
show "$asm" -c examples/http-syn.bpf | head -n 4
echo "..."

step "As tcpdump -ddd decimals, raw bytes, and a control-flow graph for Graphviz"
show "$asm" -ddd examples/http-syn.bpf | head -n 3
echo "..."
echo "\$ $asm --raw examples/http-syn.bpf | od -A d -t x1 | head -n 2"
"$asm" --raw examples/http-syn.bpf | od -A d -t x1 | head -n 2
show "$asm" --dot examples/http-syn.bpf | head -n 4
echo "..."

step "Disassembled back to bpf_asm source with labels: it reassembles to the same bytes"
show "$asm" -S examples/http-syn.bpf
"$asm" examples/http-syn.bpf >"$tmp/direct"
"$asm" -S examples/http-syn.bpf | "$asm" - | cmp -s - "$tmp/direct" && echo "round trip: identical"

expr='tcp[tcpflags] & tcp-syn != 0 and dst port 80'
step "A libpcap expression, compiled exactly as tcpdump compiles it"
show "$asm" -e "$expr" -d
if command -v tcpdump >/dev/null 2>&1; then
	for f in -d -dd -ddd; do
		tcpdump -y EN10MB $f "$expr" >"$tmp/tcpdump" 2>/dev/null
		if "$asm" -e "$expr" $f | cmp -s - "$tmp/tcpdump"; then
			echo "cbpf-asm $f is byte for byte tcpdump $f"
		else
			echo "cbpf-asm $f DIFFERS from tcpdump $f" && exit 1
		fi
	done
fi

step "Other link types: the same expression on Linux cooked captures"
show "$asm" -e "$expr" -y LINUX_SLL -d | head -n 5
echo "..."

dbg="$B/bin/cbpf-dbg"
step "Run the hand-written filter over the project's captures, as bpf_dbg's 'run' does"
same='ip and tcp and ip[6:2] & 0x1fff == 0 and tcp dst port 80 and tcp[tcpflags] & (tcp-syn|tcp-ack) == tcp-syn'
for f in pcaps/mixed.pcap pcaps/eth-ipv4-tcp.pcap pcaps/eth-snap64.pcap; do
	show "$dbg" -b examples/http-syn.bpf -p "$f" -c run
	if command -v tcpdump >/dev/null 2>&1; then
		echo "tcpdump -r $f with the same filter as an expression: $(tcpdump -r "$f" "$same" 2>/dev/null | wc -l) packets"
	fi
done

step "Why was packet 3 dropped? Each instruction, each decision, the values compared"
show "$dbg" -b examples/http-syn.bpf -p pcaps/eth-ipv4-tcp.pcap -c 'select 3' -c why

step "Stop where the port is 80, step back, look at the registers"
show "$dbg" -b examples/http-syn.bpf -p pcaps/eth-ipv4-tcp.pcap -c 'break if A == 80' \
	-c continue -c 'back 2' -c regs

step "Coverage over a whole capture: instructions no packet reaches are dead code"
show "$dbg" -e 'tcp port 80 or udp port 53' -p pcaps/mixed.pcap -c coverage

step "Write the packets a filter accepts to a new capture, as tcpdump -w would"
show "$dbg" -b examples/http-syn.bpf -p pcaps/mixed.pcap -c "filter $tmp/syn.pcap"
tcpdump -nn -r "$tmp/syn.pcap" 2>/dev/null

step "A seccomp policy compiled, then stepped with system calls"
show "$asm" --policy examples/server.policy -d
show "$dbg" -c 'load seccomp examples/server.policy' -c 'syscall socket 2 1 0' \
	-c 'syscall socket 40 1 0' -c 'syscall openat 0 0 0' -c 'arch i386' -c 'syscall read'

step "Mistakes are reported all at once, located, with the source line (exit status 1)"
show "$asm" examples/broken.bpf
echo "exit status $?"
printf 'ldh [12]\ndiv #0\n' >"$tmp/div.bpf"
show "$asm" "$tmp/div.bpf"
echo "exit status $?"
exit 0
