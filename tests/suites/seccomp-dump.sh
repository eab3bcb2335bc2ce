#!/bin/sh
# SPDX-License-Identifier: MIT
# cbpf-asm --pid: the filters of processes the suite starts, read back from the kernel and
# compared with what was installed: cbpf's own filter (cbpf-xlate --exec), libseccomp's
# (tests/tools/seccomp-sleep, as it exports it, with SECCOMP_FILTER_FLAG_LOG), two filters
# stacked (newest first, each labelled, --filter N), tcpdump's socket filter on a veth pair in
# a network namespace of its own (equal to tcpdump -ddd), and the refusals: no such process,
# no filter, CAP_SYS_ADMIN missing. Needs root (ptrace, CAP_SYS_ADMIN); 77 without.
set -u
B=${1:?usage: seccomp-dump.sh BUILD_DIR}
A=$B/bin/cbpf-asm
X=$B/bin/cbpf-xlate
S=$B/tests/bin/seccomp-sleep
[ -x "$S" ] || { echo "$S is missing: run make test-tools first"; exit 1; }
[ "$(id -u)" = 0 ] || { echo "skipped: reading filters back needs root (ptrace, CAP_SYS_ADMIN)"; exit 77; }
t=$(mktemp -d)
pids=
trap 'for p in $pids; do kill $p 2>/dev/null; done; rm -rf "$t"' EXIT
n=0 bad=0
fail() { echo "FAIL: $*"; bad=$((bad + 1)); }
ok() { n=$((n + 1)); }

# Waits until process $1 runs under $2 seccomp filters (/proc/PID/status).
wait_filters() {
	for _ in $(seq 50); do
		[ "$(sed -n 's/^Seccomp_filters:[[:space:]]*//p' "/proc/$1/status" 2>/dev/null)" = "$2" ] &&
			return 0
		sleep 0.1
	done
	return 1
}

printf '@default allow\nmkdir: return EPERM\nioctl: arg1 == TCGETS; return ENOTTY\n' >"$t/a.policy"
printf '@default allow\nrmdir: return EACCES\n' >"$t/b.policy"
"$A" --policy "$t/a.policy" --raw -o "$t/a.raw" || exit 1
"$A" --policy "$t/b.policy" --raw -o "$t/b.raw" || exit 1

# cbpf's own filter: read back, byte for byte what was compiled.
"$X" -t seccomp --policy "$t/a.policy" --exec -- sleep 60 &
p=$!
pids="$pids $p"
if ! wait_filters $p 1; then
	echo "skipped: cbpf-xlate --exec did not install its filter (seccomp refused here?)"
	exit 77
fi
"$A" --pid $p --raw -o "$t/d.raw" 2>"$t/err"
if grep -q 'CONFIG_CHECKPOINT_RESTORE\|cannot read seccomp filters' "$t/err"; then
	echo "skipped: $(cat "$t/err")"
	exit 77
fi
cmp -s "$t/d.raw" "$t/a.raw" && ok || fail "cbpf's filter read back differs from the one compiled"
"$A" --pid $p --explain >"$t/x" && grep -q 'mkdir  *errno(1)' "$t/x" &&
	grep -q 'ioctl .*allow .*if arg1 == 0x5401' "$t/x" && ok ||
	fail "--pid --explain: $(cat "$t/x")"

# Two stacked: the newest (b) first, both labelled; --filter picks one.
"$X" -t seccomp --policy "$t/a.policy" --exec -- "$X" -t seccomp --policy "$t/b.policy" \
	--exec -- sleep 60 &
p2=$!
pids="$pids $p2"
if wait_filters $p2 2; then
	"$A" --pid $p2 -d >"$t/two" 2>&1
	grep -q "^filter 0 of 2 of process $p2 (newest), flags: none:" "$t/two" &&
		grep -q "^filter 1 of 2 of process $p2 (oldest), flags: none:" "$t/two" && ok ||
		fail "two filters not labelled: $(head -3 "$t/two")"
	"$A" --pid $p2 --filter 0 --raw -o "$t/f0.raw" && cmp -s "$t/f0.raw" "$t/b.raw" && ok ||
		fail "--filter 0 is not the newest filter"
	"$A" --pid $p2 --filter 1 --raw -o "$t/f1.raw" && cmp -s "$t/f1.raw" "$t/a.raw" && ok ||
		fail "--filter 1 is not the oldest filter"
	"$A" --pid $p2 --filter 2 >/dev/null 2>"$t/err"
	[ $? = 1 ] && grep -q "has 2 seccomp filters: --filter 2 is not one" "$t/err" && ok ||
		fail "--filter 2 of 2: $(cat "$t/err")"
	"$A" --pid $p2 --raw -o "$t/x.raw" 2>"$t/err"
	[ $? = 1 ] && grep -q "pick one with --filter N" "$t/err" && ok ||
		fail "--raw of two filters: $(cat "$t/err")"
else
	fail "the stacked filters were not installed"
fi

# libseccomp's filter, with SECCOMP_FILTER_FLAG_LOG, under cbpf's (two filters: flags each).
"$X" -t seccomp --policy "$t/b.policy" --exec -- "$S" --log "$t/lsc.bpf" sleep 60 &
p3=$!
pids="$pids $p3"
if wait_filters $p3 2; then
	"$A" --pid $p3 --filter 0 --raw -o "$t/l.raw" && cmp -s "$t/l.raw" "$t/lsc.bpf" && ok ||
		fail "libseccomp's filter read back differs from what it exported"
	"$A" --pid $p3 --explain >"$t/lx" 2>&1
	grep -q "^filter 0 of 2 of process $p3 (newest), flags: log:" "$t/lx" &&
		grep -q "^filter 1 of 2 of process $p3 (oldest), flags: none:" "$t/lx" &&
		grep -q 'ioctl .*errno(25) .*if arg0 == 0 && arg1 == 0x5401' "$t/lx" && ok ||
		fail "libseccomp's filter explained: $(cat "$t/lx")"
else
	fail "libseccomp's filter was not installed"
fi

# Refusals: each names what is wrong; exit 1.
sleep 60 &
p4=$!
pids="$pids $p4"
"$A" --pid $p4 >/dev/null 2>"$t/err"
[ $? = 1 ] && grep -q "process $p4 has no seccomp filter" "$t/err" && ok ||
	fail "no filter: $(cat "$t/err")"
sh -c 'exit 0' &
gone=$!
wait $gone
"$A" --pid $gone >/dev/null 2>"$t/err"
[ $? = 1 ] && grep -q "no process $gone" "$t/err" && ok || fail "no process: $(cat "$t/err")"
if command -v setpriv >/dev/null; then
	setpriv --bounding-set=-sys_admin "$A" --pid $p >/dev/null 2>"$t/err"
	[ $? = 1 ] && grep -q "needs CAP_SYS_ADMIN, which the caller lacks" "$t/err" && ok ||
		fail "without CAP_SYS_ADMIN: $(cat "$t/err")"
else
	echo "note: setpriv is missing: the CAP_SYS_ADMIN refusal is not tested"
fi

# tcpdump's socket filter on a veth in a namespace of its own: tcpdump -ddd's.
if command -v tcpdump >/dev/null && command -v unshare >/dev/null && command -v ip >/dev/null; then
	cat >"$t/tcp.sh" <<'EOF'
set -u
A=$1 t=$2 expr='tcp port 80 or icmp'
ip link add v0 type veth peer name v1 2>/dev/null || { echo "skip: no veth"; exit 0; }
ip link set v0 up && ip link set v1 up
tcpdump -i v0 -n -w /dev/null "$expr" 2>"$t/tcp.err" &
p=$!
for _ in $(seq 50); do grep -q listening "$t/tcp.err" && break; sleep 0.1; done
tcpdump -ddd -i v0 "$expr" >"$t/want" 2>/dev/null
found=no
for fd in $(ls "/proc/$p/fd"); do
	case $(readlink "/proc/$p/fd/$fd") in
	socket:*) "$A" --pid $p --fd $fd -ddd >"$t/got" 2>/dev/null && found=fd$fd && break ;;
	esac
done
kill $p
echo "$found"
EOF
	r=$(unshare -n sh "$t/tcp.sh" "$A" "$t" 2>&1)
	case $r in
	skip:*) echo "note: tcpdump's filter not tested: ${r#skip: }" ;;
	fd*) cmp -s "$t/got" "$t/want" && ok || fail "tcpdump's socket filter differs from tcpdump -ddd: $(diff "$t/want" "$t/got" | head)" ;;
	*) fail "no socket of tcpdump has a filter: $r" ;;
	esac
	"$A" --pid $p --fd 0 >/dev/null 2>"$t/err"
	[ $? = 1 ] && grep -q "descriptor 0" "$t/err" && ok || fail "--fd of a non-socket: $(cat "$t/err")"
else
	echo "note: tcpdump, unshare or ip is missing: socket filters are not tested"
fi

echo "$n checks of filters read from processes passed, $bad failed"
[ $bad = 0 ]
