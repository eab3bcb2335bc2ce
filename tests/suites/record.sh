#!/bin/sh
# SPDX-License-Identifier: MIT
# Recording policies from real runs (cbpf-xlate --record), from strace and audit logs, and
# --report / --learn. Each recorded program (a shell pipeline, python3, tar, a loopback server
# and its client) runs again under its recording with the same output and status; a syscall the
# run never made is not in the policy and is killed; --args keeps the constants; recordings
# merge; an interrupted recording leaves the file as it was; the recorded program keeps its exit
# status, stderr and signals; --report names each denied call with its rule and changes nothing;
# --learn lets them through and prints the lines the policy lacks.
set -u
B=${1:?usage: record.sh BUILD_DIR}
X=$B/bin/cbpf-xlate
probe=$B/tests/bin/policy-probe
server=$B/tests/bin/record-server
for f in "$X" "$probe" "$server"; do
	[ -x "$f" ] || { echo "$f is missing: run make all test-tools first"; exit 1; }
done
case $(uname -m) in
x86_64) ;;
*) echo "skipped: the probes are written for x86_64"; exit 77 ;;
esac
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# Under make SANITIZE=1 the test tools are sanitized too, and LeakSanitizer refuses to run under
# ptrace (it stops the world with a tracer of its own, from a CLONE_UNTRACED thread that no
# tracer follows): the traced tools run without it, plain and recorded alike.
mkdir "$tmp/bin"
for t in policy-probe record-server; do
	printf '#!/bin/sh\nASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" exec %s "$@"\n' \
		"$B/tests/bin/$t" >"$tmp/bin/$t"
	chmod +x "$tmp/bin/$t"
done
probe=$tmp/bin/policy-probe
server=$tmp/bin/record-server
if ! "$X" -t seccomp --record "$tmp/true.policy" -- true 2>"$tmp/err"; then
	echo "skipped: cannot trace a command here: $(cat "$tmp/err")"
	exit 77
fi
if ! "$X" -t seccomp --policy "$tmp/true.policy" --exec -- true 2>"$tmp/err"; then
	echo "skipped: cannot install a seccomp filter here: $(cat "$tmp/err")"
	exit 77
fi
n=0 bad=0 skipped=
check() { # check NAME EXPECTED ACTUAL
	n=$((n + 1))
	[ "$2" = "$3" ] || { bad=$((bad + 1)); printf 'FAIL %s:\n  expected: %s\n  got:      %s\n' "$1" "$2" "$3"; }
}
has() { # has NAME FILE PATTERN: the file holds a line matching the pattern
	n=$((n + 1))
	grep -q -- "$3" "$2" || { bad=$((bad + 1)); echo "FAIL $1: no line '$3' in $2:"; sed 's/^/  | /' "$2"; }
}
hasnt() {
	n=$((n + 1))
	! grep -q -- "$3" "$2" || { bad=$((bad + 1)); echo "FAIL $1: a line '$3' in $2"; }
}

# run NAME CMD...: out/err/rc of a plain run into $tmp/NAME.plain.*
run() {
	name=$1
	shift
	"$@" >"$tmp/$name.plain.out" 2>"$tmp/$name.plain.err"
	echo $? >"$tmp/$name.plain.rc"
}
# recorded NAME POLICY [OPTIONS] -- CMD...: a recording run, compared with the plain one; then a
# run under the recording (--policy POLICY --exec), compared too.
recorded() {
	name=$1 policy=$2
	shift 2
	timeout 300 "$X" -t seccomp --record "$policy" "$@" >"$tmp/$name.rec.out" 2>"$tmp/$name.rec.err"
	echo $? >"$tmp/$name.rec.rc"
	while [ "$1" != -- ]; do shift; done
	shift
	check "$name: recorded, the same stdout" "$(cat "$tmp/$name.plain.out")" "$(cat "$tmp/$name.rec.out")"
	check "$name: recorded, the same stderr" "$(cat "$tmp/$name.plain.err")" "$(cat "$tmp/$name.rec.err")"
	check "$name: recorded, the same status" "$(cat "$tmp/$name.plain.rc")" "$(cat "$tmp/$name.rec.rc")"
	timeout 300 "$X" -t seccomp --policy "$policy" --exec -- "$@" >"$tmp/$name.re.out" 2>"$tmp/$name.re.err"
	echo $? >"$tmp/$name.re.rc"
	check "$name: under the recording, the same stdout" "$(cat "$tmp/$name.plain.out")" "$(cat "$tmp/$name.re.out")"
	check "$name: under the recording, the same status" "$(cat "$tmp/$name.plain.rc")" "$(cat "$tmp/$name.re.rc")"
}

# ---- real programs
mkdir -p "$tmp/src/sub"
printf 'one\n' >"$tmp/src/a.txt"
printf 'two\n' >"$tmp/src/sub/b.txt"
pipeline='printf "pear\napple\nfig\n" | sort | tr a-z A-Z; ls / | wc -l >/dev/null; echo done'
run sh sh -c "$pipeline"
recorded sh "$tmp/sh.policy" -- sh -c "$pipeline"
tarcmd="tar -cf '$tmp/a.tar' -C '$tmp/src' . && tar -tvf '$tmp/a.tar' | awk '{print \$6}' | sort"
run tar sh -c "$tarcmd"
recorded tar "$tmp/tar.policy" -- sh -c "$tarcmd"
run server "$server"
recorded server "$tmp/server.policy" --args -- "$server"
has "server: socket's family and type kept" "$tmp/server.policy" \
	'^socket: arg0 == AF_INET && arg1 == SOCK_STREAM$'
has "server: accept recorded" "$tmp/server.policy" '^accept: 1$'
run server-oci "$server"
recorded server-oci "$tmp/server.json" --args -- "$server"
has "server, OCI: socket's family and type kept" "$tmp/server.json" \
	'{"names": \["socket"\], "action": "SCMP_ACT_ALLOW", "args": \[{"index": 0, "value": 2, "valueTwo": 0, "op": "SCMP_CMP_EQ"}, {"index": 1, "value": 1, "valueTwo": 0, "op": "SCMP_CMP_EQ"}\]}'
py='import json, socket, sys, threading; s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM); t = threading.Thread(target=print, args=("from a thread",)); t.start(); t.join(); print(json.dumps({"ok": [1, 2]})); sys.stderr.write("to stderr\n"); sys.exit(4)'
if command -v python3 >/dev/null 2>&1 && python3 -c 'print(1)' >/dev/null 2>&1; then
	run python3 python3 -c "$py"
	recorded python3 "$tmp/python3.policy" --args -- python3 -c "$py"
	has "python3: its AF_UNIX socket kept" "$tmp/python3.policy" '^socket:.*arg0 == AF_UNIX && arg1 == SOCK_DGRAM|SOCK_CLOEXEC'
	check "python3: an AF_INET socket is not in its recording: killed" 159 \
		"$("$X" -t seccomp --policy "$tmp/python3.policy" --exec -- python3 -c 'import socket; socket.socket()' >/dev/null 2>&1; echo $?)"
	"$X" -t seccomp --record "$tmp/nr999.policy" -- python3 -c \
		'import ctypes; ctypes.CDLL(None).syscall(999)' 2>"$tmp/nr999.err"
	has "a number no table names: said" "$tmp/nr999.err" \
		'syscall number 999 on x86_64 has no name in cbpf.s tables: the policy cannot allow it'
else
	skipped="$skipped; python3 skipped: not installed"
	echo "skipped the python3 case: python3 is not installed"
fi

# ---- nothing more than was made
hasnt "sh: no socket in a shell's recording" "$tmp/sh.policy" '^socket'
hasnt "sh: no swapoff" "$tmp/sh.policy" '^swapoff'
"$X" -t seccomp --record "$tmp/swapoff.policy" -- "$probe" swapoff /nonexistent >/dev/null
has "swapoff recorded" "$tmp/swapoff.policy" '^swapoff: 1$'
hasnt "mkdir never made" "$tmp/swapoff.policy" '^mkdir'
check "under it, swapoff runs" "errno 2 (No such file or directory)" \
	"$("$X" -t seccomp --policy "$tmp/swapoff.policy" --exec -- "$probe" swapoff /nonexistent)"
"$X" -t seccomp --policy "$tmp/swapoff.policy" --exec -- "$probe" mkdir "$tmp/d" >/dev/null 2>&1
check "under it, mkdir (never made) is killed" 159 $?
check "and made nothing" no "$([ -e "$tmp/d" ] && echo yes || echo no)"
"$X" -t seccomp --record "$tmp/inet.policy" --args -- "$probe" socket 2 1 >/dev/null
has "--args: socket(AF_INET, SOCK_STREAM)" "$tmp/inet.policy" '^socket: arg0 == AF_INET && arg1 == SOCK_STREAM$'
check "--args: AF_INET allowed" ok "$("$X" -t seccomp --policy "$tmp/inet.policy" --exec -- "$probe" socket 2 1)"
"$X" -t seccomp --policy "$tmp/inet.policy" --exec -- "$probe" socket 10 1 >/dev/null 2>&1
check "--args: AF_INET6 (never made) killed" 159 $?
"$X" -t seccomp --policy "$tmp/inet.policy" --exec -- "$probe" socket 2 2 >/dev/null 2>&1
check "--args: SOCK_DGRAM (never made) killed" 159 $?

# ---- merging: two commands into one file, each format
for f in merged.policy merged.json; do
	"$X" -t seccomp --record "$tmp/$f" -- "$probe" swapoff /nonexistent >/dev/null
	"$X" -t seccomp --record "$tmp/$f" -- "$probe" mkdir "$tmp/m-$f" >/dev/null
	check "$f: the first command runs under the merge" "errno 2 (No such file or directory)" \
		"$("$X" -t seccomp --policy "$tmp/$f" --exec -- "$probe" swapoff /nonexistent 2>&1)"
	rmdir "$tmp/m-$f"
	check "$f: the second too" ok \
		"$("$X" -t seccomp --policy "$tmp/$f" --exec -- "$probe" mkdir "$tmp/m-$f" 2>&1)"
done
cp "$tmp/inet.policy" "$tmp/inet2.policy"
"$X" -t seccomp --record "$tmp/inet2.policy" --args -- "$probe" socket 10 2 >/dev/null
has "--args merged: both sockets" "$tmp/inet2.policy" \
	'^socket: arg0 == AF_INET && arg1 == SOCK_STREAM || arg0 == AF_INET6 && arg1 == SOCK_DGRAM$'
check "--args merged: AF_INET6 datagrams allowed" ok \
	"$("$X" -t seccomp --policy "$tmp/inet2.policy" --exec -- "$probe" socket 10 2)"
check "--args merged: a third socket still killed" 159 \
	"$("$X" -t seccomp --policy "$tmp/inet2.policy" --exec -- "$probe" socket 10 1 >/dev/null 2>&1; echo $?)"
printf 'read: 1\nwrite: arg0 ==\n' >"$tmp/broken.policy"
cp "$tmp/broken.policy" "$tmp/broken.orig"
"$X" -t seccomp --record "$tmp/broken.policy" -- true 2>"$tmp/broken.err"
check "merging into a broken policy: exit 1" 1 $?
has "merging into a broken policy: located" "$tmp/broken.err" 'broken.policy:2:'
check "merging into a broken policy: left as it was" "" "$(cmp "$tmp/broken.policy" "$tmp/broken.orig")"

# ---- the recorded program's status and signals
run exit7 sh -c 'echo out; echo err >&2; exit 7'
recorded exit7 "$tmp/exit7.policy" -- sh -c 'echo out; echo err >&2; exit 7'
"$X" -t seccomp --record "$tmp/segv.policy" -- sh -c 'kill -SEGV $$' 2>/dev/null
check "a command killed by SIGSEGV: 128 + 11" 139 $?
has "and its recording is written" "$tmp/segv.policy" '^kill: 1$'
"$X" -t seccomp --record "$tmp/nosuch.policy" -- "$tmp/no-such-command" 2>"$tmp/nosuch.err"
check "a command that does not exist: 127" 127 $?
has "named" "$tmp/nosuch.err" 'no-such-command: No such file or directory'
check "and nothing written" no "$([ -e "$tmp/nosuch.policy" ] && echo yes || echo no)"
trapper='trap "echo got USR1" USR1; kill -USR1 $$; echo after'
run trap sh -c "$trapper"
recorded trap "$tmp/trap.policy" -- sh -c "$trapper"
# a stop (SIGSTOP) stays a stop until SIGCONT, as without a tracer
"$X" -t seccomp --record "$tmp/stop.policy" -- sh -c 'kill -STOP $$; echo resumed' \
	>"$tmp/stop.out" 2>&1 &
pid=$!
i=0 state=
while [ $i -lt 100 ]; do
	child=$(cat /proc/$pid/task/$pid/children 2>/dev/null | tr -d ' ')
	state=$( [ -n "$child" ] && sed 's/.*) \(.\).*/\1/' /proc/$child/stat 2>/dev/null)
	[ "$state" = T ] || [ "$state" = t ] && break
	sleep 0.1
	i=$((i + 1))
done
check "SIGSTOP: the command stays stopped" "stopped:" "stopped:$(sleep 0.3; cat "$tmp/stop.out")"
kill -CONT "$child" 2>/dev/null
wait $pid
check "SIGCONT: it goes on" "0:resumed" "$?:$(cat "$tmp/stop.out")"
cp "$tmp/sh.policy" "$tmp/keep.policy"
# (a background job starts with SIGINT ignored, and a program keeps ignoring what it was given
# ignored, as would the command: give it back its default)
env --default-signal=INT "$X" -t seccomp --record "$tmp/keep.policy" -- \
	sh -c 'echo started; sleep 5; echo never' >"$tmp/int.out" 2>"$tmp/int.err" &
pid=$!
i=0
while [ ! -s "$tmp/int.out" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
kill -INT $pid
wait $pid
check "interrupted by SIGINT: 130" 130 $?
check "interrupted: the file is left as it was" "" "$(cmp "$tmp/sh.policy" "$tmp/keep.policy")"
has "interrupted: said" "$tmp/int.err" 'interrupted by SIGINT: .*keep.policy is left as it was'
check "interrupted: no temporary file left" "" "$(ls -a "$tmp" | grep '^\.keep' || true)"
# SIGINT ignored at the start (a background job's) stays ignored: it interrupts nothing
"$X" -t seccomp --record "$tmp/ign.policy" -- sh -c 'echo started; sleep 1; echo finished' \
	>"$tmp/ign.out" 2>&1 &
pid=$!
i=0
while [ ! -s "$tmp/ign.out" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
kill -INT $pid
wait $pid
check "SIGINT ignored from the start: the command runs on, the recording is written" \
	"0:started finished:yes" \
	"$?:$(echo $(cat "$tmp/ign.out")):$([ -s "$tmp/ign.policy" ] && echo yes || echo no)"

# ---- architectures: x32 numbers are recorded as x32 (this kernel answers them ENOSYS); the
# probe itself, not its wrapper, which would make an x86_64 getpid too
rawprobe=$B/tests/bin/policy-probe
saved_asan=${ASAN_OPTIONS-}
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
run x32 "$rawprobe" x32 getpid
"$X" -t seccomp --record "$tmp/x32.policy" -- "$rawprobe" x32 getpid >/dev/null
# (getpid without [arch=] when the program makes an x86_64 one too: a sanitized probe does)
has "x32: recorded as x32" "$tmp/x32.policy" '^getpid\(\[arch=x32\]\)*: 1$'
has "x32: both architectures named" "$tmp/x32.policy" '^# architectures: x86_64 x32$'
check "x32: under the recording (--arch x86_64,x32), the same answer" "$(cat "$tmp/x32.plain.out")" \
	"$("$X" -t seccomp --arch x86_64,x32 --policy "$tmp/x32.policy" --exec -- "$rawprobe" x32 getpid 2>&1)"
"$X" -t seccomp --arch x86_64 --record "$tmp/x32only.policy" -- "$rawprobe" x32 getpid >/dev/null 2>"$tmp/x32only.err"
has "x32 left out by --arch x86_64: said" "$tmp/x32only.err" 'the x32 calls are left out'
hasnt "x32 left out by --arch x86_64" "$tmp/x32only.policy" 'x32'
# An i386 program is recorded as i386 where this kernel runs i386 code at all.
if [ "$("$rawprobe" i386 getpid 2>/dev/null)" = ok ]; then
	"$X" -t seccomp --record "$tmp/i386.policy" -- "$rawprobe" i386 getpid >/dev/null
	# untagged when the x86_64 side calls getpid too (ASan's runtime does): both architectures
	has "i386: recorded as i386" "$tmp/i386.policy" '^getpid\(\[arch=i386\]\)\{0,1\}: 1$'
	check "i386: under the recording" ok \
		"$("$X" -t seccomp --arch x86_64,i386 --policy "$tmp/i386.policy" --exec -- "$rawprobe" i386 getpid 2>&1)"
else
	skipped="$skipped; i386 skipped: this kernel runs no i386 syscalls"
	echo "skipped the i386 recording: this kernel runs no i386 syscalls (int 0x80 fails without a filter)"
fi
if [ -n "$saved_asan" ]; then ASAN_OPTIONS=$saved_asan; else unset ASAN_OPTIONS; fi

# ---- audit records (made up, as auditd and dmesg write them)
cat >"$tmp/audit.log" <<'EOF'
type=SECCOMP msg=audit(1700000000.123:456): auid=4294967295 uid=0 gid=0 ses=4294967295 subj=unconfined pid=1234 comm="probe" exe="/usr/bin/probe" sig=31 arch=c000003e syscall=168 compat=0 ip=0x7f0000001000 code=0x80000000
type=SYSCALL msg=audit(1700000000.123:457): arch=c000003e syscall=59 success=yes exit=0 a0=1 a1=2
[  123.456789] audit: type=1326 audit(1700000001.000:458): auid=4294967295 uid=0 gid=0 ses=4294967295 pid=1235 comm="old" exe="/old" sig=0 arch=40000003 syscall=20 compat=1 ip=0x8048000 code=0x7ffc0000
this line is no record
type=1326 audit(1700000002.000:459): pid=1 arch=c000003e syscall=99999 code=0x0
type=1326 audit(1700000002.000:460): pid=1 syscall=39 code=0x0
EOF
"$X" -t seccomp --record "$tmp/audit.policy" --from-audit "$tmp/audit.log" 2>"$tmp/audit.err"
check "audit: read with warnings, exit 0" 0 $?
has "audit: swapoff (168 on x86_64)" "$tmp/audit.policy" '^swapoff\[arch=x86_64\]: 1$'
has "audit: getpid (20 on i386)" "$tmp/audit.policy" '^getpid\[arch=i386\]: 1$'
hasnt "audit: the SYSCALL record is not a seccomp one" "$tmp/audit.policy" '^execve'
has "audit: line 4 named" "$tmp/audit.err" 'audit.log:4:1: warning: cannot read this line as an audit record'
has "audit: line 5 named" "$tmp/audit.err" 'audit.log:5:1: warning: no syscall has number 99999 on x86_64'
has "audit: line 6 named" "$tmp/audit.err" 'audit.log:6:1: warning: cannot read this line'
printf 'nothing here\n' >"$tmp/empty.log"
"$X" -t seccomp --record "$tmp/empty.policy" --from-audit "$tmp/empty.log" 2>"$tmp/empty.err"
check "audit: a log without one record: exit 1" 1 $?
check "audit: and nothing written" no "$([ -e "$tmp/empty.policy" ] && echo yes || echo no)"

# ---- strace logs
if command -v strace >/dev/null 2>&1 && strace -f -o "$tmp/t.log" true 2>/dev/null; then
	strace -f -o "$tmp/sh.log" sh -c "$pipeline" >/dev/null 2>&1
	printf 'garbage in the middle\n' >>"$tmp/sh.log"
	strace -f -o "$tmp/sh2.log" "$server" >/dev/null 2>&1
	cat "$tmp/sh2.log" >>"$tmp/sh.log"
	bad_line=$(grep -n '^garbage' "$tmp/sh.log" | cut -d: -f1)
	"$X" -t seccomp --record "$tmp/strace.policy" --args --from-strace "$tmp/sh.log" 2>"$tmp/strace.err"
	check "strace: read, exit 0" 0 $?
	has "strace: the bad line named by number" "$tmp/strace.err" \
		"sh.log:$bad_line:1: warning: cannot read this line as strace output"
	has "strace: the lines after it read (the server's socket)" "$tmp/strace.policy" \
		'^socket: arg0 == AF_INET && arg1 == SOCK_STREAM$'
	"$X" -t seccomp --policy "$tmp/strace.policy" --exec -- sh -c "$pipeline" >"$tmp/strace.out" 2>&1
	check "strace: the pipeline runs under the log's policy" "$(cat "$tmp/sh.plain.out")" "$(cat "$tmp/strace.out")"
	check "strace: the server too" "$(cat "$tmp/server.plain.out")" \
		"$("$X" -t seccomp --policy "$tmp/strace.policy" --exec -- "$server" 2>&1)"
	# strace -f to a terminal's stderr: [pid N] prefixes, and -tt times
	strace -f -tt sh -c "$pipeline" 2>"$tmp/pid.log" >/dev/null
	"$X" -t seccomp --record "$tmp/pid.policy" --from-strace "$tmp/pid.log" 2>"$tmp/pid.err"
	check "strace -tt with [pid N]: read without a warning" "0:" "$?:$(cat "$tmp/pid.err")"
	check "strace -tt with [pid N]: the pipeline runs under it" "$(cat "$tmp/sh.plain.out")" \
		"$("$X" -t seccomp --policy "$tmp/pid.policy" --exec -- sh -c "$pipeline" 2>&1)"
else
	skipped="$skipped; strace cases skipped: strace is not installed (Debian package strace) or cannot trace here"
	echo "skipped the strace cases: strace is not installed (Debian package strace) or cannot trace here"
fi

# ---- --report: the filter acts as it would; each denied call is named with its rule
printf '@default allow\nmkdir: return EACCES\nmkdirat: return 13\n' >"$tmp/nomkdir.policy"
out=$("$X" -t seccomp --policy "$tmp/nomkdir.policy" --report --exec -- "$probe" mkdir "$tmp/r" 2>"$tmp/r.err")
check "--report: errno still returned" "errno 13 (Permission denied)" "$out"
has "--report: named, with the rule" "$tmp/r.err" \
	"^cbpf-xlate: pid [0-9]*: mkdir(0x[0-9a-f]*, 0x1c0) on x86_64: errno(13) (EACCES), by the rule at $tmp/nomkdir.policy:2$"
"$X" -t seccomp --policy "$tmp/swapoff.policy" --report --exec -- "$probe" mkdir "$tmp/r" >/dev/null 2>"$tmp/k.err"
check "--report: a killed program still dies of SIGSYS" 159 $?
has "--report: the kill named, by the default action" "$tmp/k.err" \
	'mkdir(0x[0-9a-f]*, 0x1c0) on x86_64: kill_process, by the default action$'
"$X" -t seccomp --policy "$tmp/inet.policy" --report --exec -- "$probe" socket 10 1 >/dev/null 2>"$tmp/s.err"
check "--report: socket(AF_INET6) killed" 159 $?
has "--report: arguments by name" "$tmp/s.err" 'socket(AF_INET6, SOCK_STREAM, 0) on x86_64: kill_process'
"$X" -t seccomp --policy "$tmp/server.json" --report --exec -- "$probe" socket 10 1 >"$tmp/j.out" 2>"$tmp/j.err"
check "--report, OCI: the profile's errno, status kept" "0:errno 1 (Operation not permitted)" "$?:$(cat "$tmp/j.out")"
has "--report, OCI: by the default action" "$tmp/j.err" 'socket(AF_INET6, SOCK_STREAM, 0) on x86_64: errno(1) (EPERM), by the default action$'
"$X" -t seccomp --policy "$tmp/sh.policy" --report --exec -- sh -c "$pipeline" >"$tmp/q.out" 2>"$tmp/q.err"
check "--report: nothing denied, nothing said" "0::$(cat "$tmp/sh.plain.out")" "$?:$(cat "$tmp/q.err"):$(cat "$tmp/q.out")"

# ---- --learn: let through, reported, and the missing lines at the end
cp "$tmp/swapoff.policy" "$tmp/learn.policy"
out=$("$X" -t seccomp --policy "$tmp/learn.policy" --learn --exec -- "$probe" mkdir "$tmp/l" 2>"$tmp/l.err")
check "--learn: mkdir let through" "0:ok" "$?:$out"
has "--learn: reported" "$tmp/l.err" 'mkdir(0x[0-9a-f]*, 0x1c0) on x86_64: kill_process, by the default action'
has "--learn: the missing line" "$tmp/l.err" '^mkdir: 1$'
sed -n '/the policy lacks:/,$p' "$tmp/l.err" | sed 1d >>"$tmp/learn.policy"
rmdir "$tmp/l"
check "--learn: with the lines added, the command runs under the filter" ok \
	"$("$X" -t seccomp --policy "$tmp/learn.policy" --exec -- "$probe" mkdir "$tmp/l" 2>&1)"
"$X" -t seccomp --policy "$tmp/inet.policy" --learn --args --exec -- "$probe" socket 10 2 >/dev/null 2>"$tmp/la.err"
has "--learn --args: the line with its constants" "$tmp/la.err" '^socket: arg0 == AF_INET6 && arg1 == SOCK_DGRAM$'
"$X" -t seccomp --policy "$tmp/server.json" --learn --exec -- "$probe" swapoff /nonexistent >/dev/null 2>"$tmp/lj.err"
has "--learn, OCI: the entry in the profile's dialect" "$tmp/lj.err" '"swapoff"'

[ $bad -eq 0 ] || { echo "$bad of $n recording checks failed"; exit 1; }
echo "$n recording checks: recorded programs run as before and again under their policies$skipped"
