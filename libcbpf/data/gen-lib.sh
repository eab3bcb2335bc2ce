# SPDX-License-Identifier: MIT
# What gen-constants.sh and gen-syscalls.sh share: the architectures, each one's kernel headers
# made from the kernel source (make headers), and macros evaluated by clang for the target.
# Sourced, not run. Not part of the build: the build reads only the committed CSV files.
#
# Method (exact, no arithmetic of our own): for each architecture, clang compiles a file that
# includes the headers and initialises one global per macro, for that architecture's target
# (--target=TRIPLE: its sizeof, alignment, _IOC layout, predefined macros select the same
# branches the headers take there), and the values are read back from the LLVM IR it emits.
# Headers: the kernel's uapi headers as `make ARCH=... headers` installs them from the source
# package (the same step that makes Debian's linux-libc-dev), then glibc's headers for that
# architecture from libc6-dev-*-cross for the names only libc defines.

# One collation for sort, comm and join.
export LC_ALL=C
KVER=${KVER:-6.12}
CLANG=${CLANG:-clang-19}
CACHE=${CBPF_GEN_CACHE:-${TMPDIR:-/tmp}/cbpf-gen-$KVER}

# arch  kernel ARCH  clang triple  glibc include directories (libc6-dev-*-cross)
# loongarch64: bookworm has no glibc for it; its libc names come from aarch64's glibc headers,
# from the files that are the same for aarch64 and riscv64 (generic-ABI, arch-independent).
# s390 (31-bit): clang has no 31-bit SystemZ target; it is evaluated for 32-bit big-endian armeb,
# whose ILP32 sizes and alignments (8-byte long long) are the s390 ELF ABI's, with armeb's own
# predefined macros undefined and s390's defined, over s390's headers (see ARCH_CFLAGS).
ALL_ARCHES="x86_64 i386 x32 aarch64 arm riscv64 ppc64le s390x loongarch64 mips mipsel mips64 \
mips64el mipsn32 mipsn32el ppc s390"
# ARCHES: a subset, for trying a change quickly (the output then has only those columns and
# is not a table the build accepts).
ARCHES=${ARCHES:-$ALL_ARCHES}

# On a machine of that architecture, its own libc6-dev (libc6-dev-amd64-cross there would come
# before /usr/include in gcc's own search path).
native_or_cross() {
	if [ "$(dpkg --print-architecture 2>/dev/null)" = "$2" ]; then
		echo "/usr/include/$1 /usr/include"
	else
		echo "/usr/$1/include"
	fi
}

arch_info() {
	case $1 in
	x86_64) set -- x86 x86_64-linux-gnu "$(native_or_cross x86_64-linux-gnu amd64)" ;;
	i386) set -- x86 i686-linux-gnu /usr/i686-linux-gnu/include ;;
	x32) set -- x86 x86_64-linux-gnux32 /usr/x86_64-linux-gnux32/include ;;
	aarch64) set -- arm64 aarch64-linux-gnu /usr/aarch64-linux-gnu/include ;;
	arm) set -- arm arm-linux-gnueabihf /usr/arm-linux-gnueabihf/include ;;
	riscv64) set -- riscv riscv64-linux-gnu /usr/riscv64-linux-gnu/include ;;
	ppc64le) set -- powerpc powerpc64le-linux-gnu /usr/powerpc64le-linux-gnu/include ;;
	s390x) set -- s390 s390x-linux-gnu /usr/s390x-linux-gnu/include ;;
	loongarch64) set -- loongarch loongarch64-linux-gnu /usr/aarch64-linux-gnu/include ;;
	mips) set -- mips mips-linux-gnu /usr/mips-linux-gnu/include ;;
	mipsel) set -- mips mipsel-linux-gnu /usr/mipsel-linux-gnu/include ;;
	mips64) set -- mips mips64-linux-gnuabi64 /usr/mips64-linux-gnuabi64/include ;;
	mips64el) set -- mips mips64el-linux-gnuabi64 /usr/mips64el-linux-gnuabi64/include ;;
	mipsn32) set -- mips mips64-linux-gnuabin32 /usr/mips64-linux-gnuabin32/include ;;
	mipsn32el) set -- mips mips64el-linux-gnuabin32 /usr/mips64el-linux-gnuabin32/include ;;
	ppc) set -- powerpc powerpc-linux-gnu /usr/powerpc-linux-gnu/include ;;
	s390) set -- s390 armeb-linux-gnueabi /usr/s390x-linux-gnu/include ;;
	*) echo "gen: unknown architecture $1" >&2; exit 1 ;;
	esac
	KARCH=$1 TRIPLE=$2 LIBC=$3 ARCH_CFLAGS=
	if [ "$1" = s390 ] && [ "$2" = armeb-linux-gnueabi ]; then
		# every macro armeb predefines that names arm, undefined; s390's (31-bit: no __s390x__)
		ARCH_CFLAGS="-D__s390__=1 -D__zarch__=1 $("$CLANG" --target="$2" -dM -E -x c /dev/null |
			awk '$2 ~ /^_*(arm|ARM|thumb|THUMB|APCS|VFP|SOFTFP)/ && $2 !~ /\(/ { printf " -U%s", $2 }')"
	fi
	KINC=$CACHE/hdr-$KARCH/usr/include
}

die() {
	echo "gen: $*" >&2
	exit 1
}

# The kernel source, unpacked once into the cache, and its uapi headers per kernel ARCH.
kernel_headers() {
	tarball=/usr/src/linux-source-$KVER.tar.xz
	[ -r "$tarball" ] || die "$tarball missing: run tools/deps.sh gen"
	command -v "$CLANG" >/dev/null || die "$CLANG missing: run tools/deps.sh gen"
	mkdir -p "$CACHE"
	if [ ! -f "$CACHE/src.stamp" ]; then
		echo "gen: unpacking $tarball into $CACHE" >&2
		rm -rf "$CACHE/src"
		mkdir -p "$CACHE/src"
		# GNU tar matches a member against the first pattern only: '*/include/*' also
		# takes tools/include/, which a pattern of its own would then report as missing.
		tar -xJf "$tarball" -C "$CACHE/src" --strip-components=1 --wildcards \
			'*/Makefile' '*/Kbuild' '*/Kconfig' '*/scripts/*' '*/include/*' '*/arch/*' \
			'*/usr/*' || die "cannot unpack $tarball"
		touch "$CACHE/src.stamp"
	fi
	for karch in "$@"; do
		[ -f "$CACHE/hdr-$karch.stamp" ] && continue
		echo "gen: make ARCH=$karch headers (a few minutes)" >&2
		make -s -C "$CACHE/src" ARCH="$karch" O="$CACHE/hdr-$karch" -j2 headers \
			>"$CACHE/hdr-$karch.log" 2>&1 || die "make headers for $karch failed: see $CACHE/hdr-$karch.log"
		touch "$CACHE/hdr-$karch.stamp"
	done
}

# clang for the architecture set by arch_info: kernel headers first, then clang's own, then
# glibc's (whose copies of older kernel headers the first directory shadows).
cc_arch() {
	[ -n "${CLANG_RES:-}" ] || CLANG_RES=$("$CLANG" -print-resource-dir)
	libc_inc=
	for libc_dir in $LIBC; do libc_inc="$libc_inc -isystem $libc_dir"; done
	# shellcheck disable=SC2086 # directories and options without spaces, one word each
	"$CLANG" --target="$TRIPLE" $ARCH_CFLAGS -nostdinc -isystem "$KINC" -isystem "$CLANG_RES/include" \
		$libc_inc -w \
		-fno-caret-diagnostics -ferror-limit=0 "$@"
}

# eval_macros DIR TU: evaluates the names listed in DIR/names (one a line) after the includes in
# DIR/TU with cc_arch, writing "NAME VALUE" lines to DIR/values. VALUE is what C gives when
# the macro is converted to a 64-bit integer: a negative value of a signed type stays negative
# (-100), others are unsigned (a 32-bit ~0UL is 4294967295). A name that is not an integer
# constant expression on this architecture (a string, a pointer, a struct it cannot size, a
# function-like use) is dropped.
eval_macros() {
	ed=$1 tu=$2
	cp "$ed/names" "$ed/try"
	round=0
	while :; do
		{
			cat "$ed/$tu"
			awk '{
				printf "const int n_%s = (%s) < 0; const unsigned short ", $1, $1
				for (i = 0; i < 4; i++)
					printf "%sp%d_%s = (unsigned short)((unsigned long long)(%s) >> %d) + 0 * ((%s) %% 1)",
						i ? ", " : "", i, $1, $1, 16 * i, $1
				print ";"
			}' "$ed/try"
		} >"$ed/eval.c"
		head=$(wc -l <"$ed/$tu")
		if cc_arch -S -emit-llvm -O0 -o "$ed/eval.ll" "$ed/eval.c" 2>"$ed/eval.err"; then
			break
		fi
		round=$((round + 1))
		[ $round -le 4 ] || die "$TRIPLE: $ed/eval.c still fails after 4 rounds: see $ed/eval.err"
		# Drop the names whose line has an error; an error in a header is fatal.
		awk -v head="$head" -v f="$ed/eval.c" '
			$0 ~ /: error:/ {
				if (index($0, f ":") != 1) { print "HEADER " $0; exit 1 }
				split(substr($0, length(f) + 2), p, ":")
				if (p[1] + 0 <= head) { print "HEADER " $0; exit 1 }
				print p[1] - head
			}' "$ed/eval.err" >"$ed/bad" ||
			die "$TRIPLE: error in the headers: $(grep HEADER "$ed/bad" | head -3)"
		awk -v badf="$ed/bad" 'BEGIN { while ((getline l < badf) > 0) bad[l + 0] = 1 }
			!(FNR in bad)' "$ed/try" >"$ed/try.new"
		mv "$ed/try.new" "$ed/try"
	done
	# @n_NAME = dso_local constant i32 0, align 4
	# @p0_NAME = dso_local constant i16 -23, align 2   (16-bit pieces, printed signed)
	awk '
		function hex4(v) { v += 0; if (v < 0) v += 65536; return sprintf("%04x", v) }
		$1 ~ /^@(n|p[0-3])_/ && $3 == "dso_local" && $4 == "constant" {
			name = substr($1, 2); sub(/,$/, "", $6)
			kind = substr(name, 1, index(name, "_") - 1); name = substr(name, index(name, "_") + 1)
			if (kind == "n") neg[name] = $6 + 0; else part[name, substr(kind, 2)] = hex4($6)
			seen[name] = 1
		}
		END {
			for (name in seen) {
				h = part[name, 3] part[name, 2] part[name, 1] part[name, 0]
				print name, h, neg[name]
			}
		}' "$ed/eval.ll" | sort | awk '
		# decimal up to 32 bits, hex past them; a negative value of a signed type as -N.
		function dec(h,   i, v) { v = 0; for (i = 1; i <= length(h); i++)
			v = v * 16 + index("0123456789abcdef", substr(h, i, 1)) - 1; return v }
		{
			h = $2
			if ($3 == 1) {
				# negative: its magnitude is 2^64 - x
				c = ""; borrow = 1
				for (i = 16; i >= 1; i--) {
					d = 15 - (index("0123456789abcdef", substr(h, i, 1)) - 1) + borrow
					borrow = d > 15; if (d > 15) d -= 16
					c = substr("0123456789abcdef", d + 1, 1) c
				}
				sub(/^0+/, "", c)
				if (length(c) <= 8) printf "%s -%.0f\n", $1, dec(c)
				else printf "%s -0x%s\n", $1, c
			} else {
				t = h; sub(/^0+/, "", t)
				if (length(t) <= 8) printf "%s %.0f\n", $1, dec(t)
				else printf "%s 0x%s\n", $1, t
			}
		}' >"$ed/values"
}
