#!/bin/sh
# SPDX-License-Identifier: MIT
# Real confinement: policy-run compiles a policy, installs it with cbpf_seccomp_install and execs
# a command. A shell runs under Docker's default profile (or the committed stand-in when the
# corpus is absent); AF_VSOCK sockets are refused with EPERM; a syscall the profile leaves out
# fails with the profile's errno; x32 and i386 syscalls are killed under an x86_64-only filter;
# a minijail policy's "return" errno reaches the program.
set -u
B=${1:?usage: policy-confine.sh BUILD_DIR}
run=$B/tests/bin/policy-run
probe=$B/tests/bin/policy-probe
[ -x "$run" ] && [ -x "$probe" ] || { echo "policy-run is missing: run make test-tools first"; exit 1; }
case $(uname -m) in
x86_64) ;;
*) echo "skipped: the probes are written for x86_64"; exit 77 ;;
esac
top=$(pwd)
profile=
for d in "$top/../shared/corpus" "$top/../../shared/corpus"; do
	[ -f "$d/docker-default.json" ] && { profile=$d/docker-default.json; break; }
done
if [ -z "$profile" ]; then
	profile=tests/cases/policy/docker-like.json
	echo "Docker's default profile is absent: $profile stands in"
fi
"$run" tests/cases/policy/every-field.json true 2>/dev/null
if ! "$run" "$profile" true; then
	echo "skipped: cannot install a seccomp filter here"
	exit 77
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0 bad=0
check() { # check NAME EXPECTED ACTUAL
	n=$((n + 1))
	[ "$2" = "$3" ] || { bad=$((bad + 1)); echo "FAIL $1: expected '$2', got '$3'"; }
}

out=$("$run" "$profile" -- /bin/sh -c 'echo hello; ls / >/dev/null && echo listed' 2>&1)
check "a shell under the profile" "hello
listed" "$out"
check "AF_VSOCK refused" "errno 1 (Operation not permitted)" "$("$run" "$profile" "$probe" socket 40 1)"
check "AF_UNIX allowed" "ok" "$("$run" "$profile" "$probe" socket 1 1)"
check "AF_INET allowed" "ok" "$("$run" "$profile" "$probe" socket 2 2)"
check "without a filter, swapoff fails on its own" "errno 2 (No such file or directory)" \
	"$("$probe" swapoff /nonexistent)"
check "swapoff, left out, gets the default errno" "errno 1 (Operation not permitted)" \
	"$("$run" "$profile" "$probe" swapoff /nonexistent)"
sed 's/"defaultErrnoRet": 1/"defaultErrnoRet": 95/' "$profile" >"$tmp/profile95.json"
check "left out, with defaultErrnoRet 95" "errno 95 (Operation not supported)" \
	"$("$run" "$tmp/profile95.json" "$probe" swapoff /nonexistent)"
check "x32 getpid passes the profile (the kernel decides)" "x" \
	"$("$run" "$profile" "$probe" x32 getpid | sed -n 's/^ok$/x/p;s/^errno 38 .*/x/p')"
"$run" --arch x86_64 "$profile" "$probe" x32 getpid >/dev/null 2>&1
check "x32 getpid under an x86_64-only filter: killed by SIGSYS" 159 $?
# Some kernels run without i386 emulation (CONFIG_IA32_EMULATION off, or ia32_emulation=0):
# there int 0x80 raises SIGSEGV before seccomp sees a call, and the i386 checks cannot be made.
skipped=
if [ "$("$probe" i386 getpid 2>/dev/null)" = ok ]; then
	"$run" --arch x86_64 "$profile" "$probe" i386 getpid >/dev/null 2>&1
	check "i386 getpid under an x86_64-only filter: killed by SIGSYS" 159 $?
	check "i386 getpid under the profile" "ok" "$("$run" "$profile" "$probe" i386 getpid 2>&1)"
else
	skipped="; 2 i386 checks skipped: this kernel runs no i386 syscalls (int 0x80 fails without a filter)"
	echo "skipped 2 i386 checks: this kernel runs no i386 syscalls (int 0x80 fails without a filter)"
fi
printf '@default allow\nmkdir: return EACCES\nmkdirat: return 13\n' >"$tmp/nomkdir.policy"
check "minijail policy: mkdir gets EACCES" "errno 13 (Permission denied)" \
	"$("$run" "$tmp/nomkdir.policy" "$probe" mkdir "$tmp/d")"
check "minijail policy: nothing was made" "no" "$([ -e "$tmp/d" ] && echo yes || echo no)"
[ $bad -eq 0 ] || { echo "$bad of $n confinement checks failed"; exit 1; }
echo "$n confinement checks: programs run under the filters as the policies say$skipped"
