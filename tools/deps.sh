#!/bin/sh
# SPDX-License-Identifier: MIT
# Installs the Debian packages cbpf needs when run as root, or prints the exact apt-get line.
# Usage: tools/deps.sh [--quiet] [build|test|all|gen]
# gen (opt-in, not part of all): what libcbpf/data/gen-constants.sh and gen-syscalls.sh need to
# make the committed tables again: the kernel source, clang-19 for every target, glibc's headers
# for each architecture.
set -u
quiet=0
if [ "${1:-}" = --quiet ]; then quiet=1; shift; fi
group=${1:-all}

build="gcc make pkg-config libc6-dev linux-libc-dev libpcap-dev libreadline-dev libbpf-dev libcapstone-dev check"
# Peers and oracles the tests and benchmarks compare against, and the fuzzing toolchain.
test="tcpdump netsniff-ng libseccomp-dev llvm clang libclang-rt-dev tmux iproute2 iptables bpftool graphviz clang-format"
# An amd64 machine uses its own libc6-dev: libc6-dev-amd64-cross would come before /usr/include
# in its gcc's search path.
gen="make gcc xz-utils linux-source-6.12 clang-19"
for a in amd64 i386 x32 arm64 armhf riscv64 ppc64el s390x mips mipsel mips64 mips64el mipsn32 \
	mipsn32el powerpc s390-s390x; do
	[ "$a" = "$(dpkg --print-architecture 2>/dev/null)" ] || gen="$gen libc6-dev-$a-cross"
done
case $group in
build) want=$build ;;
test | all) want="$build $test" ;;
gen) want=$gen ;;
*) echo "usage: $0 [--quiet] [build|test|all|gen]" >&2; exit 2 ;;
esac

if ! command -v dpkg-query >/dev/null 2>&1; then
	[ $quiet = 1 ] || echo "deps: not a Debian system; install the equivalents of: $want" >&2
	exit 0
fi

missing=
for p in $want; do
	case $(dpkg-query -W -f='${Status}' "$p" 2>/dev/null) in
	*" installed") ;;
	*) missing="$missing $p" ;;
	esac
done

if [ -z "$missing" ]; then
	[ $quiet = 1 ] || echo "deps: all packages present"
	exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
	echo "deps: installing$missing"
	export DEBIAN_FRONTEND=noninteractive
	# An old package index cannot find current versions: refresh it once if the first try fails.
	if ! apt-get install -y --no-install-recommends $missing; then
		apt-get update && apt-get install -y --no-install-recommends $missing || exit 1
	fi
	exit 0
fi

echo "deps: missing Debian packages; run:" >&2
echo "  sudo apt-get install -y$missing" >&2
# Without the build packages nothing compiles; without the test peers, tests skip loudly.
[ "$group" = gen ] && exit 1
for p in $missing; do
	case " $build " in *" $p "*) exit 1 ;; esac
done
exit 0
