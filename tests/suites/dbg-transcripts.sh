#!/bin/sh
# SPDX-License-Identifier: MIT
# cbpf-dbg's end-to-end sessions as transcripts a reader can open, tests/e2e/cbpf-dbg/*.session:
# the command line first ("$ cbpf-dbg ARGS"), then each command read from standard input ("> ")
# or given with -c ("-c CMD", after ARGS in this order) followed by what it printed, standard output as it is and standard error after "! ", and the
# exit status last ("[exit N]"). A command's output is what running the commands up to it adds
# to running those before it (cbpf-dbg runs them in order and flushes after each); what the
# options print comes before the first command. The transcript is made again from its command
# line and commands and compared whole. GOLDEN=1 rewrites them (make golden), to be reviewed in
# the diff. Sessions whose input is not lines of text (NUL bytes) stay in tests/e2e as .args/.in.
set -u
B=${1:?usage: dbg-transcripts.sh BUILD_DIR}
dbg=$B/bin/cbpf-dbg
[ -x "$dbg" ] || { echo "$dbg is missing: run make first"; exit 1; }
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT

# Whether file $1 starts with file $2's whole content.
starts() {
	cmp -s -n "$(wc -c <"$2")" "$1" "$2"
}

n=0 bad=0
for t in tests/e2e/cbpf-dbg/*.session; do
	[ -e "$t" ] || continue
	n=$((n + 1))
	args=$(sed -n '1s/^\$ cbpf-dbg//p' "$t")
	sed -n 's/^> //p' "$t" >"$tmp/cmds"
	sed -n 's/^-c //p' "$t" >"$tmp/copts"
	mark='> '
	if [ -s "$tmp/copts" ]; then
		if [ -s "$tmp/cmds" ]; then
			echo "FAIL $t: commands both on standard input and with -c"
			bad=$((bad + 1))
			continue
		fi
		mv "$tmp/copts" "$tmp/cmds"
		mark='-c '
	fi
	k=$(wc -l <"$tmp/cmds")
	: >"$tmp/out.prev"
	: >"$tmp/err.prev"
	ok=1
	{
		printf '$ cbpf-dbg%s\n' "$args"
		i=0
		while [ "$i" -le "$k" ]; do
			head -n "$i" "$tmp/cmds" >"$tmp/in"
			# Arguments are shell words, as in tests/e2e/*/*.args; then the -c commands.
			eval "set -- $args"
			if [ "$mark" = '-c ' ]; then
				while IFS= read -r c; do set -- "$@" -c "$c"; done <"$tmp/in"
				: >"$tmp/in"
			fi
			NO_COLOR=1 "$dbg" "$@" <"$tmp/in" >"$tmp/out" 2>"$tmp/err"
			rc=$?
			[ "$i" -gt 0 ] && printf '%s%s\n' "$mark" "$(sed -n "${i}p" "$tmp/cmds")"
			starts "$tmp/out" "$tmp/out.prev" && starts "$tmp/err" "$tmp/err.prev" || ok=0
			tail -c +$(($(wc -c <"$tmp/out.prev") + 1)) "$tmp/out"
			tail -c +$(($(wc -c <"$tmp/err.prev") + 1)) "$tmp/err" | sed 's/^/! /'
			mv "$tmp/out" "$tmp/out.prev"
			mv "$tmp/err" "$tmp/err.prev"
			i=$((i + 1))
		done
		echo "[exit $rc]"
	} >"$tmp/got"
	# An output line that reads as a command would not survive the next reading.
	if [ "$(grep -c "^$mark" "$tmp/got")" -ne "$k" ] || [ $ok = 0 ]; then
		echo "FAIL $t: its output cannot be written as a transcript"
		bad=$((bad + 1))
	elif [ "${GOLDEN:-0}" = 1 ]; then
		cp "$tmp/got" "$t"
	elif ! diff -u "$t" "$tmp/got"; then
		echo "FAIL $t"
		bad=$((bad + 1))
	fi
done
[ $n -gt 0 ] || { echo "no transcripts found"; exit 1; }
echo "$((n - bad))/$n cbpf-dbg transcripts match, command by command"
[ $bad -eq 0 ]
