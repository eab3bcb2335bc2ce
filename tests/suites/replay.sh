#!/bin/sh
# SPDX-License-Identifier: MIT
# Replaying traces through filters and policies (cbpf-asm --replay, cbpf-dbg's replay) and
# cbpf-dbg's load pid. An strace -f log of a real command replayed through that command's own
# recording denies nothing (exit 0); the recording less one syscall denies exactly that
# syscall's calls (counted as the log has them), a rule turned into errno names its action
# and its file:line; arguments reach the filter (socket's family); a line that is no strace
# output and a syscall x86_64 lacks are named with their line numbers and the rest is still
# replayed. Audit records from a --log-mode run (read back from the kernel's log, or
# hand-written where it cannot be read) all replay as denied through the same policy without
# --log-mode. A recording replays as its calls. cbpf-dbg loads the filter of a process this
# suite starts (the newest of two, with a note) and the socket filter of a process's
# descriptor, and replays a trace through a process's filter.
set -u
B=${1:?usage: replay.sh BUILD_DIR}
A=$B/bin/cbpf-asm
X=$B/bin/cbpf-xlate
D=$B/bin/cbpf-dbg
for f in "$A" "$X" "$D"; do
	[ -x "$f" ] || { echo "$f is missing: run make first"; exit 1; }
done
case $(uname -m) in
x86_64) ;;
*) echo "skipped: the traces are written for x86_64"; exit 77 ;;
esac
t=$(mktemp -d)
pids=
trap 'for p in $pids; do kill $p 2>/dev/null; done; rm -rf "$t"' EXIT
n=0 bad=0
check() { # check NAME EXPECTED ACTUAL
	n=$((n + 1))
	[ "$2" = "$3" ] || { bad=$((bad + 1)); printf 'FAIL %s:\n  expected: %s\n  got:      %s\n' "$1" "$2" "$3"; }
}
has() { # has NAME FILE PATTERN
	n=$((n + 1))
	grep -q -- "$3" "$2" || { bad=$((bad + 1)); echo "FAIL $1: no line '$3' in $2:"; sed 's/^/  | /' "$2"; }
}
hasnt() {
	n=$((n + 1))
	! grep -q -- "$3" "$2" || { bad=$((bad + 1)); echo "FAIL $1: a line '$3' in $2"; }
}
# The "N calls replayed: A allowed, D denied" figures of a report, as "N A D".
figures() {
	sed -n 's/^\([0-9]*\) calls\{0,1\} replayed: \([0-9]*\) allowed, \([0-9]*\) denied$/\1 \2 \3/p' "$1"
}
# The count of denied group $2 (a syscall name) in report $1.
denied() {
	awk -v s="$2" '$2 == s { print $1; exit }' "$1"
}

# ---- strace: a real command, its own recording, the recording less one syscall
cmd="cat /etc/hostname"
if ! command -v strace >/dev/null; then
	echo "note: strace is missing: the strace logs are hand-written only"
elif ! strace -f -o "$t/cat.log" $cmd >/dev/null 2>"$t/err"; then
	echo "note: strace cannot trace here ($(head -1 "$t/err")): hand-written logs only"
elif ! "$X" -t seccomp --record "$t/cat.policy" -- $cmd >/dev/null 2>"$t/err"; then
	echo "note: cbpf-xlate --record cannot trace here ($(head -1 "$t/err")): no recording"
else
	# every call a line naming it, whether or not it finished on that line
	calls=$(grep -cE '^([0-9]+ +)?[a-z_0-9]+\(' "$t/cat.log")
	"$A" --replay "$t/cat.log" --policy "$t/cat.policy" >"$t/r1" 2>"$t/e1"
	check "strace through its recording: exit 0" 0 $?
	check "strace through its recording: all $calls allowed" "$calls $calls 0" "$(figures "$t/r1")"
	check "strace through its recording: no warning" "" "$(cat "$t/e1")"
	has "strace through its recording: every rule reached" "$t/r1" '^every rule reached'

	grep -v '^openat:' "$t/cat.policy" >"$t/noopen.policy"
	opens=$(grep -cE '^([0-9]+ +)?openat\(' "$t/cat.log")
	"$A" --replay "$t/cat.log" --policy "$t/noopen.policy" >"$t/r2" 2>"$t/e2"
	check "openat missing: exit 1" 1 $?
	check "openat missing: $opens calls denied" "$calls $((calls - opens)) $opens" \
		"$(figures "$t/r2")"
	check "openat missing: one group" "$opens" "$(denied "$t/r2" openat)"
	has "openat missing: the default action decides" "$t/r2" \
		"^ *$opens  openat  *kill_process  *default action"

	# a rule that refuses: its action by errno name, its file:line
	sed 's/^close: 1$/close: return EBADF/' "$t/cat.policy" >"$t/ebadf.policy"
	line=$(grep -n '^close:' "$t/ebadf.policy" | cut -d: -f1)
	closes=$(grep -cE '^([0-9]+ +)?close\(' "$t/cat.log")
	"$A" --replay "$t/cat.log" --policy "$t/ebadf.policy" >"$t/r3" 2>&1
	check "close refused: exit 1" 1 $?
	has "close refused: errno(EBADF) at its rule" "$t/r3" \
		"^ *$closes  close  *errno(EBADF)  *$t/ebadf.policy:$line "

	# bad lines: named with their line number, the rest replayed
	{ cat "$t/cat.log"; echo "garbage here"; echo "4242 frobnicate(1) = 0"; } >"$t/bad.log"
	total=$(wc -l <"$t/bad.log")
	"$A" --replay "$t/bad.log" --policy "$t/cat.policy" >"$t/r4" 2>"$t/e4"
	check "bad lines: still exit 0" 0 $?
	check "bad lines: the rest replayed" "$calls $calls 0" "$(figures "$t/r4")"
	has "bad lines: the garbage named" "$t/e4" \
		"bad.log:$((total - 1)):1: warning: cannot read this line as strace output"
	has "bad lines: the unknown syscall named" "$t/e4" \
		"bad.log:$total:1: warning: unknown syscall 'frobnicate'"

	# the recording itself, as a trace: one call per syscall, all allowed
	rules=$(grep -c '^[a-z_0-9]*: ' "$t/cat.policy")
	"$A" --replay "$t/cat.policy" --policy "$t/cat.policy" >"$t/r5" 2>&1
	check "recording replayed: exit 0" 0 $?
	check "recording replayed: one call per syscall" "$rules $rules 0" "$(figures "$t/r5")"
	"$A" --replay "$t/cat.policy" --policy "$t/noopen.policy" >"$t/r6" 2>&1
	check "recording less openat: exit 1" 1 $?
	check "recording less openat: openat once" 1 "$(denied "$t/r6" openat)"

	# the compiled filter instead of the policy: the same figures, no rules
	"$A" --policy "$t/noopen.policy" --raw -o "$t/noopen.raw"
	"$A" --replay "$t/cat.log" "$t/noopen.raw" >"$t/r7" 2>&1
	check "raw filter: exit 1" 1 $?
	check "raw filter: the same figures" "$(figures "$t/r2")" "$(figures "$t/r7")"
	hasnt "raw filter: no rule named" "$t/r7" "default action"
fi

# ---- arguments: socket's family reaches the filter
cat >"$t/sock.policy" <<'EOF'
socket: arg0 == AF_UNIX
close: 1
EOF
cat >"$t/sock.log" <<'EOF'
100 socket(AF_UNIX, SOCK_STREAM|SOCK_CLOEXEC, 0) = 3
100 close(3)                          = 0
100 socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP) = -1 EPERM (Operation not permitted)
[pid   101] socket(AF_INET6, SOCK_STREAM, 0 <unfinished ...>
[pid   100] close(4)                          = 0
[pid   101] <... socket resumed>)             = 5
EOF
"$A" --replay "$t/sock.log" --policy "$t/sock.policy" >"$t/r8" 2>"$t/e8"
check "socket families: exit 1" 1 $?
check "socket families: 5 calls, 2 denied" "5 3 2" "$(figures "$t/r8")"
check "socket families: AF_INET and AF_INET6 denied" 2 "$(denied "$t/r8" socket)"
check "socket families: no warning" "" "$(cat "$t/e8")"

# ---- audit records of a --log-mode run, read back from the kernel's log
printf 'read: 1\nwrite: 1\nclose: 1\nexit_group: 1\n' >"$t/small.policy"
"$X" -t seccomp --policy "$t/small.policy" --log-mode --exec -- sh -c 'mkdir "$1"' sh \
	"$t/made" >/dev/null 2>&1 &
p=$!
wait $p
if dmesg >/dev/null 2>&1 && dmesg | grep "type=1326" | grep " pid=$p " >"$t/audit.log" &&
	[ -s "$t/audit.log" ]; then
	src="the kernel's log"
else
	src="hand-written records"
	cat >"$t/audit.log" <<'EOF'
type=SECCOMP msg=audit(1700000000.101:41): auid=0 uid=0 gid=0 ses=1 pid=4242 comm="sh" exe="/bin/sh" sig=0 arch=c000003e syscall=59 compat=0 ip=0x7f0000001234 code=0x7ffc0000
type=SECCOMP msg=audit(1700000000.102:42): auid=0 uid=0 gid=0 ses=1 pid=4242 comm="mkdir" exe="/bin/mkdir" sig=0 arch=c000003e syscall=83 compat=0 ip=0x7f0000001234 code=0x7ffc0000
type=SECCOMP msg=audit(1700000000.103:43): auid=0 uid=0 gid=0 ses=1 pid=4242 comm="mkdir" exe="/bin/mkdir" sig=0 arch=c000003e syscall=83 compat=0 ip=0x7f0000001234 code=0x7ffc0000
EOF
fi
records=$(wc -l <"$t/audit.log")
"$A" --replay "$t/audit.log" --policy "$t/small.policy" >"$t/r9" 2>"$t/e9"
check "audit ($src): exit 1" 1 $?
check "audit ($src): every record denied" "$records 0 $records" "$(figures "$t/r9")"
"$A" --replay "$t/audit.log" --policy "$t/small.policy" --log-mode >"$t/r10" 2>&1
check "audit ($src), --log-mode: log is no allow" 1 $?
has "audit ($src), --log-mode: the action is log" "$t/r10" '  log  '
printf 'type=1326 audit(1.0:1): pid=1 arch=c000003e syscall=999999 code=0x0\n' >"$t/none.log"
"$A" --replay "$t/none.log" --policy "$t/small.policy" >/dev/null 2>"$t/e11"
check "audit without one known call: exit 1" 1 $?
has "audit without one known call: the line named" "$t/e11" \
	"none.log:1:1: warning: no syscall has number 999999 on x86_64"
has "audit without one known call: why nothing was done" "$t/e11" \
	"error: no system call could be read"

# ---- cbpf-dbg: a running process's filters, and a trace through them
if [ "$(id -u)" != 0 ]; then
	echo "note: not root: cbpf-dbg's load pid is not tested (ptrace, CAP_SYS_ADMIN)"
else
	printf '@default allow\nmkdir: return EPERM\n' >"$t/a.policy"
	printf '@default allow\nrmdir: return EACCES\n' >"$t/b.policy"
	"$X" -t seccomp --policy "$t/a.policy" --exec -- "$X" -t seccomp --policy "$t/b.policy" \
		--exec -- sleep 60 &
	p=$!
	pids="$pids $p"
	for _ in $(seq 50); do
		grep -q '^Seccomp_filters:[[:space:]]*2' "/proc/$p/status" 2>/dev/null && break
		sleep 0.1
	done
	printf '9 mkdir("/x", 0755) = 0\n9 rmdir("/x") = 0\n9 read(0, "", 1) = 0\n' >"$t/dirs.log"
	"$D" -c "load pid $p" -c "info" -c "replay $t/dirs.log" -c "load pid $p filter 1" \
		-c "replay $t/dirs.log" -c "load pid $p filter 2" >"$t/d1" 2>"$t/de1"
	check "load pid: the bad filter number fails the session" 1 $?
	if grep -q 'cannot read seccomp filters\|CONFIG_CHECKPOINT_RESTORE' "$t/de1"; then
		echo "note: the kernel cannot read filters back: load pid not tested"
	else
		has "load pid: several filters, a note" "$t/de1" \
			"note: process $p has 2 seccomp filters: this is the newest"
		has "load pid: the newest loaded" "$t/d1" \
			"^program: seccomp filter 0 of 2 of process $p, "
		has "load pid: rmdir denied by the newest" "$t/d1" '^ *1  rmdir  *errno(EACCES)'
		has "load pid filter 1: mkdir denied by the oldest" "$t/d1" \
			'^ *1  mkdir  *errno(EPERM)'
		has "load pid filter 2: not one" "$t/de1" \
			"process $p has 2 seccomp filters: filter 2 is not one"
	fi
	"$D" -c "load pid $p 0" >/dev/null 2>"$t/de2"
	check "load pid with a descriptor that is no socket: exit 1" 1 $?
	has "load pid, no socket: said" "$t/de2" "not a socket"
	sleep 60 &
	q=$!
	pids="$pids $q"
	"$D" -c "load pid $q" >/dev/null 2>"$t/de3"
	check "load pid of a process without a filter: exit 1" 1 $?
	has "load pid, no filter: said" "$t/de3" "process $q has no seccomp filter"

	# a socket filter: ret #65535 attached by python3 on a UDP socket
	if command -v python3 >/dev/null; then
		python3 -c '
import socket, struct, ctypes, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
code = ctypes.create_string_buffer(struct.pack("HBBI", 6, 0, 0, 65535))
prog = struct.pack("HL", 1, ctypes.addressof(code))
s.setsockopt(socket.SOL_SOCKET, 26, prog)  # SO_ATTACH_FILTER
print(s.fileno(), flush=True)
time.sleep(60)
' >"$t/fd" &
		q=$!
		pids="$pids $q"
		for _ in $(seq 50); do [ -s "$t/fd" ] && break; sleep 0.1; done
		"$D" -c "load pid $q $(cat "$t/fd")" -c dump -c info >"$t/d4" 2>"$t/de4"
		rc=$?
		if grep -q 'pidfd_getfd' "$t/de4"; then
			echo "note: no pidfd_getfd here: the socket filter is not tested"
		else
			check "load pid PID FD: exit 0" 0 $rc
			has "load pid PID FD: the filter attached" "$t/d4" '{ 0x06,  0,  0, 0x0000ffff },'
			has "load pid PID FD: a socket filter" "$t/d4" "socket filter of process $q"
		fi
	fi
fi

echo "$((n - bad))/$n replay checks pass"
[ $bad -eq 0 ]
