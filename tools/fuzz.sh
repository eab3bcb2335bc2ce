#!/bin/sh
# SPDX-License-Identifier: MIT
# Runs every fuzz target built in $1/fuzz/bin for $2 seconds each, starting from its committed
# seeds (fuzz/seeds/NAME/) and the corpus earlier runs grew ($1/corpus/NAME/).
# Usage: tools/fuzz.sh BUILD_DIR SECONDS
set -u
B=${1:?usage: fuzz.sh BUILD_DIR SECONDS}
secs=${2:-10}
status=0 n=0
for bin in "$B"/fuzz/bin/*; do
	[ -x "$bin" ] || continue
	name=$(basename "$bin")
	corpus="$B/corpus/$name"
	mkdir -p "$corpus" "$B/artifacts/$name"
	seeds=
	[ -d "fuzz/seeds/$name" ] && seeds="fuzz/seeds/$name"
	# Inputs long enough for the paths that only size reaches (far-jump relaxation, programs of
	# 4096 instructions, long debugger scripts and lines); libFuzzer's own guess is 4096 bytes.
	case $name in
	asm | listing | fmt_read | dbg_cmd | replay) max_len=131072 ;;
	check) max_len=33608 ;; # 4200 instructions, past the kernel's 4096
	vm | xlate | jit) max_len=65536 ;; # 4096 instructions (32 KB) and a packet
	policy_gen) max_len=65536 ;; # policies of many thousands of rules
	*) max_len= ;;
	esac
	printf '  FUZZ    %s (%ss%s)\n' "$name" "$secs" "${max_len:+, inputs up to $max_len bytes}"
	n=$((n + 1))
	if ! "$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -print_final_stats=0 \
		${max_len:+-max_len=$max_len} -artifact_prefix="$B/artifacts/$name/" "$corpus" \
		$seeds >"$B/$name.log" 2>&1; then
		echo "FAIL $name: see $B/$name.log and $B/artifacts/$name/"
		tail -n 30 "$B/$name.log"
		status=1
	else
		printf '          %s\n' "$(grep -E '^#[0-9]+.*(DONE|pulse|NEW|REDUCE)' "$B/$name.log" |
			tail -n 1)"
	fi
done
[ $n -gt 0 ] || { echo "no fuzz targets built"; exit 1; }
exit $status
