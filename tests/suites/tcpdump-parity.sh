#!/bin/sh
# SPDX-License-Identifier: MIT
# cbpf-asm -e against tcpdump: for every expression, link type and option below, -d, -dd and -ddd
# must be byte for byte what tcpdump prints; expressions tcpdump rejects must be rejected with
# exit 1 and libpcap's message.
set -u
B=${1:?usage: tcpdump-parity.sh BUILD_DIR}
asm=$B/bin/cbpf-asm
command -v tcpdump >/dev/null 2>&1 || { echo "skipped: tcpdump is not installed"; exit 77; }
tcpdump -y EN10MB -d ip >/dev/null 2>&1 ||
	{ echo "skipped: tcpdump -d does not work without an interface here"; exit 77; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
n=0 agree=0 rejected=0 bad=0 refused=0

fail() {
	bad=$((bad + 1))
	[ $bad -le 20 ] && echo "DIFFER [$*] '$expr': $why"
}

# One comparison: the tcpdump options are "$@"; the expression is $expr.
compare() {
	n=$((n + 1))
	tcpdump "$@" -- "$expr" >"$tmp/t.out" 2>"$tmp/t.err"
	trc=$?
	"$asm" -e "$expr" "$@" >"$tmp/c.out" 2>"$tmp/c.err"
	crc=$?
	case $expr in *protochain*)
		# libpcap's protochain loops backwards: the kernel, and so cbpf, refuse it.
		if [ $trc = 0 ] && [ $crc = 1 ] &&
			grep -q "note: libpcap's protochain emits a backward jump" "$tmp/c.err"; then
			refused=$((refused + 1)) agree=$((agree + 1))
			return
		fi ;;
	esac
	if [ $trc = 0 ] && [ $crc = 0 ]; then
		if cmp -s "$tmp/t.out" "$tmp/c.out"; then
			agree=$((agree + 1))
		else
			why="output differs: $(diff "$tmp/t.out" "$tmp/c.out" | sed -n 2p)"
			fail "$@"
		fi
	elif [ $trc != 0 ] && [ $crc = 1 ]; then
		tmsg=$(sed -n '1s/^tcpdump: //p' "$tmp/t.err")
		cmsg=$(sed -n '1s/^<expression>: error: //p' "$tmp/c.err")
		if [ "$tmsg" = "$cmsg" ]; then
			agree=$((agree + 1)) rejected=$((rejected + 1))
		else
			why="tcpdump says '$tmsg', cbpf-asm says '$(head -n 1 "$tmp/c.err")'"
			fail "$@"
		fi
	else
		why="tcpdump exits $trc, cbpf-asm $crc: $(head -n 1 "$tmp/c.err")"
		fail "$@"
	fi
}

# Link types every expression is compiled for, with -d; the first two get every form and -O.
linktypes="EN10MB LINUX_SLL LINUX_SLL2 RAW NULL LOOP PPP IEEE802_11_RADIO IPV4 IPV6"

while IFS= read -r expr; do
	for lt in $linktypes; do
		compare -y "$lt" -d
	done
	for lt in EN10MB LINUX_SLL; do
		compare -y "$lt" -dd
		compare -y "$lt" -ddd
		compare -y "$lt" -O -d
		compare -y "$lt" -O -ddd
	done
done <<'EXPRESSIONS'

ip
ip6
arp
rarp
tcp
udp
icmp
icmp6
sctp
igmp
tcp port 80
udp port 53
port 53
tcp dst port 443
tcp src port 22
src port 1024
dst port 8080
tcp port http
port domain
tcp portrange 8000-8100
udp portrange 1-1024
portrange 6000-6010
src portrange 1000-2000
tcp dst portrange 1-1023
portrange 100-50
host 192.168.1.1
src host 10.0.0.1
dst host 10.0.0.2
host 10.1.2.3 and port 80
net 10.0.0.0/8
net 192.168.0.0/16
src net 172.16.0.0/12
dst net 10.10.0.0 mask 255.255.0.0
net 10
ip host 1.2.3.4
ip src net 192.168.1.0/24
ip dst 8.8.8.8
ip6 host ::1
ip6 host fe80::1
ip6 net 2001:db8::/32
src host 2001:db8::1
ip6 src 2001:db8::1
ip6 dst net ff00::/8
arp host 10.0.0.1
ether host 00:11:22:33:44:55
ether src 00:11:22:33:44:55
ether dst ff:ff:ff:ff:ff:ff
ether src 00:11:22:33:44:55 and ip
ether broadcast
ether multicast
ip multicast
ip broadcast
ip6 multicast
ether proto 0x88cc
ether proto 0x86dd
ether proto \ip
ether[0] & 1 != 0
ether[12:2] = 0x0800
ether[6:4] == 0x00112233
link[0] == 0xff
vlan
vlan 100
vlan and ip
vlan 10 and tcp port 80
vlan and vlan 20
mpls
mpls 100
mpls and ip
mpls 100 and mpls 200
pppoed
pppoes
pppoes 0x27
pppoes and ip
geneve
icmp[icmptype] == icmp-echo
icmp[icmptype] != icmp-echoreply
icmp[0] = 8
icmp and icmp[icmptype] == icmp-unreach
icmp[icmptype] == icmp-timxceed
icmp6[icmp6type] == icmp6-echo
icmp6 and ip6[40] == 135
tcp[tcpflags] & tcp-syn != 0
tcp[tcpflags] & (tcp-syn|tcp-fin) != 0
tcp[tcpflags] == tcp-syn
tcp[tcpflags] & tcp-rst != 0
tcp[tcpflags] & tcp-urg != 0
tcp[tcpflags] & tcp-ece != 0
tcp[tcpflags] & tcp-cwr != 0
tcp[13] & 2 != 0
tcp[tcpflags] & (tcp-syn|tcp-ack) == tcp-syn
tcp[tcpflags] & tcp-ack != 0 and tcp[tcpflags] & tcp-syn != 0
ip and (tcp[tcpflags] & tcp-push != 0)
tcp[12] & 0xf0 > 0x50
tcp[((tcp[12:1] & 0xf0) >> 2):4] = 0x47455420
tcp[0:2] > 1023 and tcp[2:2] > 1023
ip[2:2] > 100
ip[2:2] < 576
ip[2:2] >= 1500
ip[2:2] >= 1500 or ip[2:2] < 20
ip[8] < 64
ip[6] & 0x20 != 0
ip[6:2] & 0x1fff != 0
ip[0] & 0xf != 5
ip[1] & 0xfc == 0xb8
ip[1] & 3 == 3
ip[0] >> 4 == 4
ip[12:4] = ip[16:4]
ip[16:4] == 0x0a000001
ip[16] >= 224
ip and ip[16] == 224
ip[2:2] * 2 > 3000
ip[2:2] / 4 > 100
ip[2:2] % 7 == 3
ip[2:2] ^ 0xff == 0
ip[1] | 3 == 3
ip[2:2] + 10 > 100
ip[2:2] - 10 < 50
ip[2:2] - ((ip[0]&0xf)<<2) - ((tcp[12]&0xf0)>>2) != 0
ip and ((ip[0] & 0xf) > 5)
ip[9] == 6 and ip[6:2] & 0x1fff == 0
ip and ip[8] == 1
udp[8:2] == 0x1234
udp and (udp[4:2] > 512)
udp and udp[8] & 0x08 != 0
udp dst port 4789
udp src port 67 and udp dst port 68
udp port 67 or udp port 68
ip and udp and port 123
ip6[6] == 17
ip6[40] == 128
ip6[0:4] & 0x0ff00000 != 0
len > 100
len <= 64
len >= 100 and len <= 200
greater 1000
less 128
len - 14 > 1000
tcp and len > 1000
udp and len < 100
ip proto 47
ip proto \tcp
ip6 proto 58
proto 17
ip and not tcp
not arp
not ip and not ip6
ip6 and not icmp6
tcp or udp
(tcp or udp) and port 53
tcp and (port 80 or port 443)
port 80 or port 8080 or port 8000
host 1.2.3.4 and not port 22
src host 1.1.1.1 or dst host 2.2.2.2
host 10.0.0.1 or host 10.0.0.2 or host 10.0.0.3
net 10.0.0.0/24 and not host 10.0.0.1
ip6 and tcp
ip6 and udp port 53
stp
llc
ipx
netbeui
atalk
aarp
iso
esis
isis
clnp
decnet host 1.2
inbound
outbound
ifindex 2
wlan host 00:11:22:33:44:55
type mgt
ip6 protochain 6
ip protochain 17
vxlan
ip proto tcp
tcp port
port 99999
ip[2:3] > 1
net 10.0.0.1/8
vlan 5000
mpls 1048576
tcp[tcpflags] & tcp-foo != 0
ip6 net ::1/200
ip and
(
len >
ip[2:2] / 0 > 1
EXPRESSIONS

# Snapshot lengths change the accept value; tcpdump takes 0 as the maximum.
while IFS= read -r expr; do
	for s in 0 1 68 65535 262144; do
		compare -y EN10MB -s "$s" -d
		compare -y LINUX_SLL -s "$s" -ddd
	done
done <<'EXPRESSIONS'
ip
tcp port 80
ip6 and udp
vlan and ip
len > 100
EXPRESSIONS

echo "refused protochain (a backward jump) with the note: $refused; rejected alike: $rejected"
echo "$agree/$n programs agree with tcpdump byte for byte"
[ $bad -eq 0 ]
