#!/bin/sh
# SPDX-License-Identifier: MIT
# make install into a scratch prefix: programs, libraries, headers, libcbpf.pc and man pages land
# where they should; a program builds against the installed library through pkg-config and runs;
# the end-to-end cases pass against the installed programs.
set -u
B=${1:?usage: install.sh BUILD_DIR}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
prefix="$tmp/prefix"
fail() { echo "FAIL: $*"; exit 1; }

make --no-print-directory -s B="$B" install PREFIX="$prefix" >"$tmp/install.log" 2>&1 ||
	{ cat "$tmp/install.log"; fail "make install"; }
n=0
for f in bin/cbpf-asm lib/libcbpf.a lib/libcbpf.so lib/libcbpf.so.0 include/cbpf.h \
	include/cbpf/insn.h lib/pkgconfig/libcbpf.pc share/man/man1/cbpf-asm.1; do
	[ -e "$prefix/$f" ] || fail "$f was not installed"
	n=$((n + 1))
done
for m in "$prefix"/share/man/man1/*.1; do
	man -l --warnings "$m" >/dev/null 2>"$tmp/man.err" && [ ! -s "$tmp/man.err" ] ||
		{ cat "$tmp/man.err"; fail "$m does not format cleanly"; }
	n=$((n + 1))
done

# Both libraries export the public API and nothing else: no internal name (asm_link,
# check_report...) can clash with a user's own.
for lib in libcbpf.a libcbpf.so; do
	opt=-g
	[ $lib = libcbpf.so ] && opt=-D
	nm $opt --defined-only "$prefix/lib/$lib" | awk 'NF == 3 && $2 ~ /[TDBRV]/ { print $3 }' |
		sort -u >"$tmp/$lib.syms"
	others=$(grep -v '^cbpf_' "$tmp/$lib.syms" | head -5 | tr '\n' ' ')
	[ -z "$others" ] || fail "$lib exports names outside cbpf_: $others"
	n=$((n + 1))
done
cmp -s "$tmp/libcbpf.a.syms" "$tmp/libcbpf.so.syms" ||
	fail "libcbpf.a and libcbpf.so export different functions: $(diff "$tmp/libcbpf.a.syms" \
		"$tmp/libcbpf.so.syms" | grep '^[<>]' | head -5 | tr '\n' ' ')"
grep -q . "$tmp/libcbpf.a.syms" || fail "libcbpf.a exports nothing"
n=$((n + 1))

# A user's program, built with the installed headers and library only.
cat >"$tmp/user.c" <<'EOC'
#include <cbpf.h>
#include <stdio.h>

int main(void)
{
	struct cbpf_diags diags = { 0 };
	struct cbpf_prog *prog = NULL;
	int err = cbpf_pcap_compile("udp port 53", NULL, &prog, &diags);

	if (!err)
		err = cbpf_check(prog, CBPF_CHECK_SOCKET, &diags);
	if (!err)
		err = cbpf_prog_write(stdout, prog, CBPF_FORM_DDD, NULL);
	cbpf_diags_print(stderr, &diags, NULL, 0, NULL);
	cbpf_prog_free(prog);
	cbpf_diags_free(&diags);
	return err ? 1 : 0;
}
EOC
export PKG_CONFIG_PATH="$prefix/lib/pkgconfig"
# A sanitizer build's library needs the sanitizer runtimes in whatever links it.
san=
nm "$B/lib/libcbpf.a" 2>/dev/null | grep -q __asan_ && san="-fsanitize=address,undefined"
for link in shared static; do
	flags=$(pkg-config --cflags --libs libcbpf) || fail "pkg-config does not find libcbpf"
	# Static libcbpf, with its dependencies (libcbpf.pc's Requires.private) shared.
	[ $link = static ] &&
		flags="$(echo "$flags" | sed 's/-lcbpf/-l:libcbpf.a/') $(pkg-config --libs \
			$(pkg-config --print-requires-private libcbpf))"
	cc -std=c11 -Wall -Werror $san -o "$tmp/user-$link" "$tmp/user.c" $flags ||
		fail "a program does not build against the installed library ($link)"
	LD_LIBRARY_PATH="$prefix/lib" "$tmp/user-$link" >"$tmp/user.out" ||
		fail "the $link program fails"
	tcpdump -y EN10MB -ddd 'udp port 53' 2>/dev/null | cmp -s - "$tmp/user.out" ||
		fail "the $link program's output differs from tcpdump -ddd"
	n=$((n + 1))
done
# The shared library exports the API and nothing else.
if nm -D --defined-only "$prefix/lib/libcbpf.so" | awk '$2 == "T" && $3 !~ /^cbpf_/' |
	grep -q .; then
	nm -D --defined-only "$prefix/lib/libcbpf.so" | awk '$2 == "T" && $3 !~ /^cbpf_/' | head
	fail "libcbpf.so exports symbols outside the cbpf_ namespace"
fi
n=$((n + 1))

sh tests/suites/e2e.sh "$prefix" >"$tmp/e2e.log" 2>&1 || { cat "$tmp/e2e.log"; fail "e2e on the installed programs"; }
make --no-print-directory -s B="$B" uninstall PREFIX="$prefix" >/dev/null 2>&1
left=$(find "$prefix" -type f | wc -l)
[ "$left" -eq 0 ] || fail "make uninstall left $left files"
echo "$n install checks pass; $(tail -n 1 "$tmp/e2e.log") (installed); uninstall leaves nothing"
