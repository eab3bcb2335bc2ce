#!/bin/sh
# SPDX-License-Identifier: MIT
# The committed constants table against this machine's headers: a C file including the headers
# of libcbpf/data/constants-headers.txt, group by group as the generator reads them, prints each
# name the host architecture's column has, compiled with the host's cc and run; every value must
# be the table's. Names the host's headers lack (older kernel headers than the generator's) are
# counted and skipped, saying so.
set -u
B=${1:?usage: constants-host.sh BUILD_DIR}
CC=${CC:-cc}
csv=libcbpf/data/constants.csv
groups=libcbpf/data/constants-headers.txt
command -v "$CC" >/dev/null 2>&1 || { echo "no C compiler ($CC): cannot read this machine's headers"; exit 77; }
case $("$CC" -dumpmachine 2>/dev/null) in
x86_64-*gnux32) arch=x32 ;;
x86_64-*) arch=x86_64 ;;
i?86-*) arch=i386 ;;
aarch64-*) arch=aarch64 ;;
arm*) arch=arm ;;
riscv64-*) arch=riscv64 ;;
powerpc64le-*) arch=ppc64le ;;
s390x-*) arch=s390x ;;
loongarch64-*) arch=loongarch64 ;;
mips64el-*) arch=mips64el ;;
mips64-*) arch=mips64 ;;
mipsel-*) arch=mipsel ;;
mips-*) arch=mips ;;
*) echo "host $("$CC" -dumpmachine) has no column in $csv"; exit 77 ;;
esac
tmp=$(mktemp -d)
[ -n "${KEEP:-}" ] || trap 'rm -rf "$tmp"' EXIT

# NAME KIND VALUE for the host's column; KIND kernel or libc (extra: constants-extra.h, newer
# than any header, not checked).
awk -F, -v arch="$arch" '
	/^#/ { next }
	$1 == "name" { for (i = 1; i <= NF; i++) if ($i == arch) col = i; next }
	$col != "" && $2 != "extra" { print $1, ($2 ~ /^libc:/ ? "libc" : "kernel"), $col }
' "$csv" | sort >"$tmp/want"
[ -s "$tmp/want" ] || { echo "FAIL: no $arch column in $csv"; exit 1; }

# One program per group: its headers, then a line per name of its kind that it defines.
awk -v dir="$tmp" '
	/^#/ { next }
	/^\[/ { kind = substr($0, 2, length($0) - 2); f = dir "/g" ++n ".c"
		print kind > (dir "/g" n ".kind")
		if (kind == "libc") print "#define _GNU_SOURCE 1" > f
		next }
	{ for (i = 1; i <= NF; i++) printf "#if __has_include(<%s>)\n#include <%s>\n#endif\n", $i, $i > f }
' "$groups"
# A group that does not compile here (older headers include each other differently) is split
# where it breaks, as few times as it takes.
for g in "$tmp"/g*.c; do
	"$CC" -fsyntax-only -w "$g" 2>/dev/null && continue
	kind=$(cat "${g%.c}.kind")
	part=$g
	: >"$part.try"
	[ "$kind" = libc ] && echo '#define _GNU_SOURCE 1' >"$part.try"
	cp "$part.try" "$tmp/prelude"
	sed -n 's/^#include <\(.*\)>$/\1/p' "$g" >"$tmp/hs"
	while read -r h; do
		{ cat "$part.try"; printf '#if __has_include(<%s>)\n#include <%s>\n#endif\n' "$h" "$h"; } \
			>"$tmp/one.c"
		if ! "$CC" -fsyntax-only -w "$tmp/one.c" 2>/dev/null; then
			{ cat "$tmp/prelude"; printf '#if __has_include(<%s>)\n#include <%s>\n#endif\n' \
				"$h" "$h"; } >"$tmp/one.c"
			if ! "$CC" -fsyntax-only -w "$tmp/one.c" 2>/dev/null; then
				echo "$h does not compile alone here: its names are skipped"
				continue
			fi
			part=$g-$(echo "$h" | tr / _).c
			echo "$kind" >"${part%.c}.kind"
		fi
		mv "$tmp/one.c" "$part.try"
	done <"$tmp/hs"
	for t in "$tmp"/*.try; do mv "$t" "${t%.try}"; done
done

for g in "$tmp"/g*.c; do
	kind=$(cat "${g%.c}.kind")
	mv "$g" "$g.head"
	{
		printf '#include <stdio.h>\nint main(void)\n{\n'
		awk -v kind="$kind" '$2 == kind {
			printf "#ifdef %s\n\tp(\"%s\", (long long)(%s), (%s) < 0);\n#endif\n", $1, $1, $1, $1 }' \
			"$tmp/want"
		printf '\treturn 0;\n}\n'
	} >"$g.body"
	# p(): the value as the table writes it (a negative value of a signed type or an unsigned
	# one, decimal up to 32 bits, hex past them).
	{
		cat "$g.head"
		cat <<'EOF'
#include <stdio.h>
static void p(const char *name, long long v, int neg)
{
	unsigned long long u = (unsigned long long)v;

	if (neg && 0 - u <= 0xffffffffULL)
		printf("%s -%llu\n", name, 0 - u);
	else if (neg)
		printf("%s -0x%llx\n", name, 0 - u);
	else if (u <= 0xffffffffULL)
		printf("%s %llu\n", name, u);
	else
		printf("%s 0x%llx\n", name, u);
}
EOF
	} >"$g.pre"
	head=$(wc -l <"$g.pre")
	cat "$g.pre" "$g.body" >"$g"
	# A name whose expansion needs another group's header fails here: drop its line and try
	# again (the generator read it in that other group).
	round=0
	while ! "$CC" -w -fno-diagnostics-show-caret -o "${g%.c}" "$g" 2>"$g.err"; do
		round=$((round + 1))
		if [ $round -gt 4 ] || ! grep -q "^$g:[0-9]*:[0-9]*: error" "$g.err"; then
			echo "FAIL: $g does not compile with $CC:"
			head -5 "$g.err"
			exit 1
		fi
		grep -o "^$g:[0-9]*" "$g.err" | sed 's/.*://' | sort -un >"$g.bad"
		awk -v head="$head" 'NR == FNR { bad[$1] = 1; next }
			!(FNR in bad) || FNR <= head' "$g.bad" "$g" >"$g.new"
		mv "$g.new" "$g"
	done
	"${g%.c}" >>"$tmp/got" || { echo "FAIL: ${g%.c} failed"; exit 1; }
done

# Headers older than the table's kernel lack what came later, and some values grow with the
# kernel: those differences are explained (each listed), only there.
printf '#include <linux/version.h>\n#include <stdio.h>\nint main(void) { printf("%%d\\n", (int)(LINUX_VERSION_CODE >> 8)); return 0; }\n' \
	>"$tmp/ver.c"
"$CC" -o "$tmp/ver" "$tmp/ver.c" && host=$("$tmp/ver") || host=0
table=$(sed -n 's/.* from Linux \([0-9]*\)\.\([0-9]*\).*/\1 \2/p' "$csv" | awk '{ print $1 * 256 + $2; exit }')
echo "this machine's kernel headers: Linux $((host / 256)).$((host % 256)); the table's: Linux $((table / 256)).$((table % 256))"

sort -u "$tmp/got" >"$tmp/got.u"
awk -v older=$((host < table)) 'NR == FNR { got[$1] = got[$1] " " $2; n[$1]++; next }
	# Why an older kernel gives another value.
	function why(name) {
		if (!older) return ""
		if (name ~ /(_MAX|MASK|_FEATURES|_END|SUPPORTED|_IOCTLS(_BASIC)?)$|^MAX_|^NSIG/)
			return "counts or collects other names: grows as the kernel adds them"
		if (name ~ /^DRM_IOCTL_SYNCOBJ_(TIMELINE_)?WAIT$/)
			return "struct drm_syncobj_wait grew deadline_nsec in Linux 6.5: its size is in the number"
		return ""
	}
	{
		total++
		if (!($1 in got)) { missing++; if (missing <= 10) m = m " " $1; next }
		if (n[$1] > 1 || got[$1] != " " $3) {
			if (n[$1] == 1 && why($1) != "") {
				explained++
				printf "EXPLAINED %s: table %s, this machine%s: %s\n", $1, $3, got[$1], why($1)
				next
			}
			bad++
			printf "FAIL %s: table %s, this machine%s\n", $1, $3, got[$1]
			next
		}
		ok++
	}
	END {
		printf "%d names: %d equal this machine'"'"'s headers", total, ok
		if (explained) printf ", %d differ as older headers do (listed)", explained
		if (missing) printf ", %d skipped (this machine'"'"'s headers lack them or need another group:%s ...)", missing, m
		print ""
		if (bad) { printf "%d differ\n", bad; exit 1 }
	}' "$tmp/got.u" "$tmp/want" >"$tmp/report"
rc=$?
grep -e '^FAIL' -e '^EXPLAINED' "$tmp/report" | head -60
grep -v -e '^FAIL' -e '^EXPLAINED' "$tmp/report" | sed "s/^/$arch: /"
exit $rc
