#!/bin/sh
# SPDX-License-Identifier: MIT
# Installs the Debian packages cbpf needs when run as root, or prints the exact apt-get line.
# Usage: tools/deps.sh [--quiet] [build|test|all]
set -u
quiet=0
if [ "${1:-}" = --quiet ]; then quiet=1; shift; fi
group=${1:-all}

build="gcc make pkg-config libc6-dev linux-libc-dev libpcap-dev libreadline-dev libbpf-dev check"
# Peers and oracles the tests and benchmarks compare against, and the fuzzing toolchain.
test="tcpdump netsniff-ng libseccomp-dev llvm clang libclang-rt-dev tmux iproute2 bpftool graphviz"
case $group in
build) want=$build ;;
test | all) want="$build $test" ;;
*) echo "usage: $0 [--quiet] [build|test|all]" >&2; exit 2 ;;
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
for p in $missing; do
	case " $build " in *" $p "*) exit 1 ;; esac
done
exit 0
