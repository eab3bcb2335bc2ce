#!/bin/sh
# SPDX-License-Identifier: MIT
# Generates libcbpf/data/constants.csv: the named constants seccomp policies compare arguments
# with (open/fcntl, mmap/madvise, prctl, clone, futex, socket, ioctl, mount, rlimit, signal,
# errno...), with each architecture's value. Run it again after changing the header lists below
# or the kernel version; the output is deterministic (sorted, same inputs, same bytes).
#
# Usage: tools/deps.sh gen      (as root: the kernel source, clang-19, glibc's cross headers)
#        libcbpf/data/gen-constants.sh [OUT]      (default libcbpf/data/constants.csv)
# Environment: KVER (6.12), CLANG (clang-19), CBPF_GEN_CACHE (a cache directory: the unpacked
# kernel source and its headers, 1.5 GB, kept between runs).
#
# Where a value comes from, first found wins:
#  1. linux: the kernel's uapi headers for the architecture (`make headers` from
#     linux-source-$KVER), the headers constants-headers.txt lists and what they include. The
#     value the kernel itself compares with, which is what a seccomp filter sees.
#  2. extra: libcbpf/data/constants-extra.h, names newer than the newest kernel source Debian
#     ships (each with the kernel version it comes from), and minijail's MINIJAIL_ARCH_*.
#  3. libc: glibc's headers for the architecture (libc6-dev-*-cross), for names only libc
#     defines (AF_*, SOCK_*, MSG_*, SHUT_*, R_OK, POSIX_MADV_*, RLIM_SAVED_*...).
# Every value is computed by clang for the architecture's target (gen-lib.sh says how).
set -eu
cd "$(dirname "$0")/../.."
. libcbpf/data/gen-lib.sh
OUT=${1:-libcbpf/data/constants.csv}

# Which names a header contributes when not all of them: the big ioctl headers give only
# their ioctl requests; syscall numbers live in syscalls.csv.
filter_awk='
function keep(file, name) {
	if (name !~ /^[A-Z][A-Z0-9_]*$/) return 0
	if (file == "linux/videodev2.h") return name ~ /^VIDIOC_/
	if (file ~ /^linux\/v4l2-/) return 0
	if (file ~ /^drm\//) return name ~ /^DRM_IOCTL_/
	if (file == "linux/input.h") return name ~ /^EVIOC/
	if (file == "linux/input-event-codes.h") return 0
	if (file ~ /^(asm\/unistd|bits\/syscall\.h|sys\/syscall\.h)/) return 0
	return 1
}'

# names_of OUTDIR KIND: the object-like macros the preprocessed OUTDIR/tu.i defines, with the
# file defining each (the last definition wins, #undef removes), kept when KIND's files define
# them: kernel (the uapi directory), extra (constants-extra.h), libc (glibc's own files, not its
# copies of kernel headers; for loongarch64 only those LIBC_SAME lists).
names_of() {
	awk -v kinc="$KINC/" -v libcs="$LIBC" -v kind="$2" -v same="${LIBC_SAME:-}" "$filter_awk"'
		BEGIN { if (same != "") while ((getline l < same) > 0) ok[l] = 1
			nl = split(libcs, libc, " ") }
		function in_libc(file,   i) { for (i = 1; i <= nl; i++)
			if (index(file, libc[i] "/") == 1) return i; return 0 }
		/^# [0-9]+ "/ { f = $3; gsub(/"/, "", f); next }
		$1 == "#undef" { delete def[$2]; next }
		$1 == "#define" {
			name = $2
			if (name ~ /\(/) next
			if (index(f, kinc) == 1) { k = "kernel"; rel = substr(f, length(kinc) + 1) }
			else if (f ~ /constants-extra\.h$/) { k = "extra"; rel = "extra" }
			else if ((li = in_libc(f)) > 0) {
				rel = substr(f, length(libc[li]) + 2)
				k = rel ~ /^(linux|asm|asm-generic)\// ? "old" : "libc"
				if (same != "" && !(rel in ok)) k = "old"
			} else next
			if (k == kind && keep(rel, name)) def[name] = (k == "libc" ? "libc:" : "") rel
			else delete def[name]
		}
		END { for (n in def) print n, def[n] }' "$1/tu.i" | LC_ALL=C sort
}

# units KIND DIR: DIR/tu-N.c for the groups of KIND in constants-headers.txt, each header
# guarded by __has_include. A header that does not compile alone on this architecture is left
# out (listed in DIR/skipped); a group that still fails is an error: the list needs another
# group there.
units() {
	kind=$1 ud=$2
	prelude=
	[ "$kind" = libc ] && prelude='#define _GNU_SOURCE 1'
	: >"$ud/skipped"
	awk -v kind="$kind" -v dir="$ud" -v prelude="$prelude" '
		/^#/ { next }
		/^\[/ { if (f) close(f); f = ""; if ($0 == "[" kind "]") { f = dir "/tu-" ++n ".c"
			if (prelude != "") print prelude > f }; next }
		f != "" { for (i = 1; i <= NF; i++)
			printf "#if __has_include(<%s>)\n#include <%s>\n#endif\n", $i, $i > f }
	' libcbpf/data/constants-headers.txt
	for tu in "$ud"/tu-*.c; do
		cc_arch -fsyntax-only "$tu" 2>/dev/null && continue
		for h in $(sed -n 's/^#include <\(.*\)>$/\1/p' "$tu"); do
			{ [ -n "$prelude" ] && echo "$prelude"; echo "#include <$h>"; } >"$ud/one.c"
			found=$([ -f "$KINC/$h" ] && echo y)
			for libc_dir in $LIBC; do [ -f "$libc_dir/$h" ] && found=y; done
			if [ -n "$found" ]; then
				cc_arch -fsyntax-only "$ud/one.c" 2>/dev/null && continue
				echo "$h" >>"$ud/skipped"
				awk -v h="$h" '$0 == "#include <" h ">" { next } { print }' "$tu" \
					>"$tu.new" && mv "$tu.new" "$tu"
			fi
		done
		cc_arch -fsyntax-only "$tu" 2>"$ud/err" ||
			die "$TRIPLE: $tu does not compile: split its group in constants-headers.txt" \
				"($(grep -m1 error: "$ud/err"))"
	done
}

# run_kind DIR KIND HAVE: evaluates the names KIND's files define in each group of DIR that
# HAVE (a sorted list) does not hold yet; DIR/values gets "NAME VALUE" lines, the first
# group's value for a name defined in several.
run_kind() {
	rd=$1 kind=$2 have=$3
	: >"$rd/values"
	i=1
	while [ -f "$rd/tu-$i.c" ]; do
		g=$rd/g$i
		mkdir -p "$g"
		cp "$rd/tu-$i.c" "$g/tu.c"
		cc_arch -E -dD "$g/tu.c" >"$g/tu.i"
		LC_ALL=C sort -u "$have" "$rd/values" | cut -d' ' -f1 | LC_ALL=C sort -u >"$g/have"
		names_of "$g" "$kind" | awk -v have="$g/have" '
			BEGIN { while ((getline l < have) > 0) h[l] = 1 } !($1 in h)' >"$g/names"
		if [ -s "$g/names" ]; then
			eval_macros "$g" tu.c
			# NAME VALUE FILE
			LC_ALL=C join "$g/values" "$g/names" >>"$rd/values"
		fi
		i=$((i + 1))
	done
	LC_ALL=C sort -o "$rd/values" "$rd/values"
}

kernel_headers $(for a in $ARCHES; do arch_info "$a"; echo "$KARCH"; done | sort -u)

work=$CACHE/constants
rm -rf "$work"
for arch in $ARCHES; do
	arch_info "$arch"
	echo "gen: $arch ($TRIPLE)" >&2
	LIBC_SAME=
	if [ "$arch" = loongarch64 ]; then
		LIBC_SAME=$work/libc-same
		(cd "$LIBC" && find . -type f | sed 's|^\./||' | LC_ALL=C sort) | while read -r f; do
			cmp -s "$LIBC/$f" "/usr/riscv64-linux-gnu/include/$f" && echo "$f"
		done >"$LIBC_SAME"
	fi
	d=$work/$arch
	mkdir -p "$d/kernel" "$d/extra" "$d/libc"
	# 1. kernel
	: >"$d/none"
	units kernel "$d/kernel"
	run_kind "$d/kernel" kernel "$d/none"
	# 2. extra, after the kernel's (those it needs: linux/audit.h)
	printf '#include <linux/audit.h>\n#include "%s/libcbpf/data/constants-extra.h"\n' "$PWD" \
		>"$d/extra/tu-1.c"
	run_kind "$d/extra" extra "$d/kernel/values"
	# 3. libc, for names neither has
	sort "$d/kernel/values" "$d/extra/values" >"$d/have"
	units libc "$d/libc"
	run_kind "$d/libc" libc "$d/have"
	sort "$d/kernel/values" "$d/extra/values" "$d/libc/values" >"$d/all"
	echo "gen: $arch: $(wc -l <"$d/all") names ($(wc -l <"$d/kernel/values") linux," \
		"$(wc -l <"$d/libc/values") libc); headers skipped:" \
		"$(cat "$d/kernel/skipped" "$d/libc/skipped" | tr '\n' ' ')" >&2
done

# One row per name, a column per architecture (empty: not defined there).
tmp=$OUT.tmp
{
	echo "# SPDX-License-Identifier: MIT"
	echo "# Named constants and their value on each architecture (empty: not defined there)."
	echo "# Generated by libcbpf/data/gen-constants.sh from Linux $KVER's uapi headers, then"
	glibc=$(dpkg-query -W -f='${Version}' libc6-dev-arm64-cross 2>/dev/null | sed 's/-.*//')
	echo "# libcbpf/data/constants-extra.h, then glibc $glibc's headers"
	echo "# from: the header defining it on the first architecture that has it (libc: glibc's;"
	echo "# extra: constants-extra.h; else the kernel's uapi). Do not edit: run the script."
	printf 'name,from'
	for a in $ARCHES; do printf ',%s' "$a"; done
	echo
	for a in $ARCHES; do sed "s/^/$a /" "$work/$a/all"; done | awk -v arches="$ARCHES" '
		BEGIN { na = split(arches, an, " ") }
		{ v[$2, $1] = $3; names[$2] = 1; if (!($2 in from)) from[$2] = $4 }
		END {
			for (n in names) {
				line = n "," from[n]
				for (i = 1; i <= na; i++) line = line "," ((n, an[i]) in v ? v[n, an[i]] : "")
				print line
			}
		}' | sort -t, -k1,1
} >"$tmp"
mv "$tmp" "$OUT"
echo "gen: wrote $OUT: $(grep -vc '^#' "$OUT") rows" >&2
