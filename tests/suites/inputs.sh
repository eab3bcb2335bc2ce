#!/bin/sh
# SPDX-License-Identifier: MIT
# How the programs read: every input (a program, a policy, an @include, standard input, a
# debugger script or command line) through one reader with a hard size limit (64 MiB, or
# --max-input-size), refused with a message naming the file and the limit; FIFOs and /dev/stdin
# read to their end, /dev/zero stopped at the limit at once, a directory refused as one. And how
# they quote what they read: a 12 MB line gives a few hundred bytes of diagnostics, the source
# line clipped around the column with the caret still under it.
set -u
B=${1:?usage: inputs.sh BUILD_DIR}
top=$(pwd)
A="$top/$B/bin/cbpf-asm" X="$top/$B/bin/cbpf-xlate" D="$top/$B/bin/cbpf-dbg"
for p in "$A" "$X" "$D"; do [ -x "$p" ] || { echo "missing $p"; exit 1; }; done
command -v python3 >/dev/null || { echo "python3 is missing: cannot generate the inputs"; exit 77; }
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
# A program gets a minute and, unless built with ASan (which maps terabytes), 2 GiB of address
# space: a reader without a limit fails here instead of taking the machine's memory.
if ldd "$A" 2>/dev/null | grep -q asan; then
	limit_as=unlimited
else
	limit_as=2097152
fi
run() { # out err command... -> exit status
	o=$1 e=$2
	shift 2
	(ulimit -v $limit_as && exec timeout 60 "$@") >"$o" 2>"$e"
}
has() { grep -qF -- "$1" "$2"; }
no() { ! grep -qF -- "$1" "$2"; }
small() { [ "$(wc -c <"$1")" -lt "$2" ]; }

echo 'ret #0' >prog.s
lim="larger than the input limit of 64 MiB (--max-input-size raises it)"

# ---- the limit: /dev/zero, as each kind of input, stops at it
run out err "$A" --policy /dev/zero
ok "asm --policy /dev/zero: exit 1" [ $? -eq 1 ]
ok "asm --policy /dev/zero: names the file and the limit" has "cbpf-asm: error: /dev/zero: $lim" err
run out err "$A" /dev/zero
ok "asm /dev/zero: exit 1" [ $? -eq 1 ]
ok "asm /dev/zero: names the file and the limit" has "cbpf-asm: error: /dev/zero: $lim" err
run out err "$A" - </dev/zero
ok "asm < /dev/zero: exit 1" [ $? -eq 1 ]
ok "asm < /dev/zero: names stdin and the limit" has "cbpf-asm: error: <stdin>: $lim" err
run out err "$X" -t socket /dev/zero
ok "xlate /dev/zero: exit 1" [ $? -eq 1 ]
ok "xlate /dev/zero: names the file and the limit" has "cbpf-xlate: error: /dev/zero: $lim" err
run out err "$X" -t seccomp --policy - </dev/zero
ok "xlate --policy - < /dev/zero: exit 1" [ $? -eq 1 ]
ok "xlate --policy - < /dev/zero: names stdin" has "cbpf-xlate: error: <stdin>: $lim" err
run out err "$D" -b /dev/zero -c quit
ok "dbg -b /dev/zero: exit 1" [ $? -eq 1 ]
ok "dbg -b /dev/zero: names the file and the limit" has "/dev/zero: $lim" err
run out err "$D" -c 'load seccomp /dev/zero'
ok "dbg load seccomp /dev/zero: exit 1" [ $? -eq 1 ]
ok "dbg load seccomp /dev/zero: names the file" has "-c:1: error: /dev/zero: $lim" err
run out err "$D" </dev/zero
ok "dbg < /dev/zero: exit 1" [ $? -eq 1 ]
ok "dbg < /dev/zero: the command line is refused" has "<stdin>:1: error: the line is $lim" err
run out err "$D" /dev/zero
ok "dbg SCRIPT /dev/zero: exit 1" [ $? -eq 1 ]
ok "dbg SCRIPT /dev/zero: the line is refused" has "/dev/zero:1: error: the line is $lim" err

# ---- --max-input-size: lowered and raised, for each reader
python3 -c 'print("ld #1\n" * 500 + "ret a")' >k3.s # 3 KiB
printf 'read: 1\nwrite: 1\n' >small.policy
python3 -c 'print("# padding " * 300)' >>small.policy
printf '@include small.policy\n' >top.policy
lim2="larger than the input limit of 2 KiB (--max-input-size raises it)"
run out err "$A" --max-input-size 2K k3.s
ok "asm --max-input-size 2K: a 3 KiB file refused" has "cbpf-asm: error: k3.s: $lim2" err
run out err "$A" --max-input-size 4K k3.s
ok "asm --max-input-size 4K: a 3 KiB file read" [ $? -eq 0 ]
run out err "$X" -t socket --max-input-size 2K - <k3.s
ok "xlate --max-input-size 2K: stdin refused" has "cbpf-xlate: error: <stdin>: $lim2" err
run out err "$A" --max-input-size 2K --policy top.policy
ok "asm --max-input-size 2K: an @include over it: exit 1" [ $? -eq 1 ]
ok "asm --max-input-size 2K: an @include over it, located" \
	has "top.policy:1:10: error: cannot @include 'small.policy': larger than the input limit of 2 KiB" err
run out err "$A" --max-input-size 1M --policy top.policy
ok "asm --max-input-size 1M: the @include read" [ $? -eq 0 ]
run out err "$D" --max-input-size 2K -b k3.s -c quit
ok "dbg --max-input-size 2K: the program refused" has "k3.s: $lim2" err
printf 'load prog %s\nquit\n' k3.s >script
run out err "$D" --max-input-size 4K script
ok "dbg --max-input-size 4K: the program loaded" [ $? -eq 0 ]
for bad_size in 0 1x -1 '' 99999999999999999999 1T; do
	run out err "$A" --max-input-size "$bad_size" prog.s
	ok "asm --max-input-size '$bad_size': usage error" [ $? -eq 2 ]
	ok "asm --max-input-size '$bad_size': says why" has "invalid size '$bad_size' for --max-input-size" err
done
run out err "$D" --max-input-size 1x -c quit
ok "dbg --max-input-size 1x: usage error" [ $? -eq 2 ]

# ---- streams are read to their end
mkfifo fifo
(cat prog.s >fifo &)
run out err "$A" fifo
ok "asm FIFO: read" [ $? -eq 0 ]
ok "asm FIFO: the program" has "1,6 0 0 0," out
(cat small.policy >fifo &)
run out err "$A" --policy fifo
ok "asm --policy FIFO: read" [ $? -eq 0 ]
run out err "$A" /dev/stdin <prog.s
ok "asm /dev/stdin: read" [ $? -eq 0 ]
cat prog.s | run out err "$X" -t socket -f asm /dev/stdin
ok "xlate /dev/stdin from a pipe: read" [ $? -eq 0 ]
(cat prog.s >fifo &)
run out err "$D" -b fifo -c 'info'
ok "dbg -b FIFO: loaded" [ $? -eq 0 ]

# ---- a directory is one
mkdir dir
printf '@include dir\n' >incdir.policy
run out err "$A" dir
ok "asm DIR: Is a directory" has "cbpf-asm: error: dir: Is a directory" err
run out err "$A" - <dir
ok "asm < DIR: Is a directory" has "cbpf-asm: error: <stdin>: Is a directory" err
run out err "$A" --policy dir
ok "asm --policy DIR: Is a directory" has "cbpf-asm: error: dir: Is a directory" err
run out err "$A" --policy incdir.policy
ok "asm @include DIR: Is a directory" \
	has "incdir.policy:1:10: error: cannot @include 'dir': Is a directory" err
run out err "$D" -c 'load prog dir'
ok "dbg load prog DIR: Is a directory" has "-c:1: error: dir: Is a directory" err
run out err "$D" dir
ok "dbg SCRIPT DIR: exit 1" [ $? -eq 1 ]
ok "dbg SCRIPT DIR: Is a directory" has "Is a directory" err

# ---- a 12 MB line: diagnostics of a few hundred bytes, the caret under the column
python3 - <<'EOF'
x = "x" * 12000000
open("long-token.s", "w").write("ld " + x + "\nret a\n")
open("long-k.txt", "w").write("1,6 0 0 " + "9" * 12000000 + "\n")
open("long-name.policy", "w").write(x + ": 1\n")
open("long-late.policy", "w").write("read: " + " " * 13000000 + "arg9 == 1\n")
open("long-name.json", "w").write('{"defaultAction":"SCMP_ACT_ERRNO","syscalls":'
                                  '[{"names":["' + x + '"],"action":"SCMP_ACT_ALLOW"}]}')
open("long-command", "w").write("y" * 10000000 + "\n")
open("long-bpf", "w").write("load bpf 1,6 0 0 " + "1" * 10000000 + "\n")
EOF
run out err "$A" long-token.s
ok "asm 12 MB token: exit 1" [ $? -eq 1 ]
ok "asm 12 MB token: a few hundred bytes of diagnostics" small err 1000
ok "asm 12 MB token: the token cut, with '...'" has "'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx...'" err
run out err "$A" long-k.txt
ok "asm 12 MB value (comma form): exit 1" [ $? -eq 1 ]
ok "asm 12 MB value (comma form): a few hundred bytes" small err 1000
run out err "$A" --policy long-name.policy
ok "asm --policy 12 MB name: exit 1" [ $? -eq 1 ]
ok "asm --policy 12 MB name: a few hundred bytes" small err 1000
run out err "$A" --policy long-name.json
ok "asm --policy 12 MB JSON name: exit 1" [ $? -eq 1 ]
ok "asm --policy 12 MB JSON name: a few hundred bytes" small err 1000
run out err "$A" --policy long-late.policy
ok "asm --policy error at column 13000007: exit 1" [ $? -eq 1 ]
ok "asm --policy error at column 13000007: located" has "long-late.policy:1:13000007: error:" err
ok "asm --policy error at column 13000007: a few hundred bytes" small err 1000
# The excerpt starts with "...", and the caret stands under the 'a' of arg9.
sed -n 2,3p err >excerpt
ok "asm --policy error at column 13000007: the caret under the column" \
	[ "$(awk 'NR == 1 { i = index($0, "arg9") } NR == 2 { print (index($0, "^") == i) }' excerpt)" = 1 ]
ok "asm --policy error at column 13000007: the line cut on the left" has "...    " excerpt
run out err "$D" long-command
ok "dbg 10 MB unknown command: exit 1" [ $? -eq 1 ]
ok "dbg 10 MB unknown command: quoted cut, with its length" \
	has "long-command:1: error: unknown command 'yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy...' (10000000 bytes)" err
ok "dbg 10 MB unknown command: one short line" small err 300
run out err "$D" long-bpf
ok "dbg 10 MB load bpf: exit 1" [ $? -eq 1 ]
ok "dbg 10 MB load bpf: a few hundred bytes" small err 1000
ok "dbg 10 MB load bpf: the command line cut on the right" has "load bpf 1,6 0 0 111" err

[ $n -gt 0 ] || { echo "no cases ran"; exit 1; }
echo "$((n - bad))/$n input checks"
[ $bad -eq 0 ]
