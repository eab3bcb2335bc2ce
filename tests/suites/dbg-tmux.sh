#!/bin/sh
# SPDX-License-Identifier: MIT
# cbpf-dbg at a terminal, driven through tmux: the prompt, completion of a command and of a file
# name, history (up arrow, and the history file), stepping, breakpoints, Ctrl-C at the prompt,
# colour on the terminal and none with NO_COLOR; filter - refuses to write a capture there.
set -u
B=${1:?usage: dbg-tmux.sh BUILD_DIR}
dbg=$(cd "$(dirname "$B/bin/cbpf-dbg")" && pwd)/cbpf-dbg
[ -x "$dbg" ] || { echo "$dbg is missing: run make first"; exit 1; }
command -v tmux >/dev/null 2>&1 || { echo "skipped: tmux is not installed"; exit 77; }

tmp=$(mktemp -d)
sock=$tmp/sock0
tm() { tmux -S "$sock" -f /dev/null "$@"; }
trap 'tm kill-server 2>/dev/null; rm -rf "$tmp"' EXIT INT TERM
n=0 bad=0
ok() { n=$((n + 1)); }
fail() {
	n=$((n + 1))
	bad=$((bad + 1))
	echo "FAIL $*"
	tm capture-pane -p -t t 2>/dev/null | grep -v '^$' | tail -n 15 | sed 's/^/    | /'
}

# screen [-e]: what the pane shows (with -e, its colour escapes too).
screen() { tm capture-pane -p -J -S -200 "$@" -t t 2>/dev/null; }

# wait_for TEXT [-e]: until the pane shows TEXT (a fixed string), for 10 seconds at most.
wait_for() {
	i=0
	while [ $i -lt 100 ]; do
		screen ${2:-} | grep -qF -- "$1" && return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

# The last line that holds a prompt.
prompt_line() { screen | grep '^> ' | tail -n 1; }

start() {
	# A new server for each session: the old one gone first.
	tm kill-server 2>/dev/null
	i=0
	while tm has-session 2>/dev/null && [ $i -lt 50 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	sock=$tmp/sock$n
	# A fixed size and TERM; HOME for the history file; NO_COLOR as the caller says.
	tm new-session -d -s t -x 150 -y 50 \
		"cd '$PWD' && env $1 HOME='$tmp' TERM=xterm-256color '$dbg' $2; sleep 30"
	tm set-option -t t remain-on-exit on >/dev/null 2>&1
}

# ---------------------------------------------------------------- a session with colour
start "-u NO_COLOR" "-e 'tcp port 80' -p pcaps/eth-ipv4-tcp.pcap"
wait_for '> ' && ok || fail "no prompt"
# What the program writes, as it writes it (capture-pane -e shows a colour reset only at the
# next cell, so a colour looks open across the end of a line there).
tm pipe-pane -t t "cat >'$tmp/raw'"

# Completion of a command name.
tm send-keys -t t 'disa' Tab
wait_for '> disassemble' && ok || fail "tab does not complete 'disa' to 'disassemble'"
tm send-keys -t t Enter
wait_for 'ret #0x40000' && ok || fail "disassemble shows no program"

# Completion of a file name after 'load pcap'.
tm send-keys -t t 'load pcap pcaps/eth-ar' Tab
wait_for '> load pcap pcaps/eth-arp.pcap' && ok || fail "tab does not complete a file name"
tm send-keys -t t C-u
# And of load's own words.
tm send-keys -t t 'load exp' Tab
wait_for '> load expr' && ok || fail "tab does not complete 'load exp'"
tm send-keys -t t C-u

# And of system call and architecture names.
tm send-keys -t t 'syscall opena' Tab
wait_for '> syscall openat' && ok || fail "tab does not complete a system call name"
tm send-keys -t t C-u 'arch aarc' Tab
wait_for '> arch aarch64' && ok || fail "tab does not complete an architecture"
tm send-keys -t t C-u

# Stepping: bpf_dbg's register dump, in colour on a terminal.
tm send-keys -t t 'step' Enter
wait_for '(step at packet 1)' && wait_for 'curr:     ' && ok || fail "step shows no register dump"
screen -e | grep -q "$(printf '\033')\[" && ok || fail "no colour on the terminal"

# History: the up arrow brings back the last command.
tm send-keys -t t Up
sleep 0.3
[ "$(prompt_line)" = "> step" ] && ok || fail "up arrow does not recall 'step' ($(prompt_line))"
tm send-keys -t t C-u

# Breakpoints: a condition, then run stops there.
tm send-keys -t t 'break at 16 if X == 20' Enter
wait_for 'breakpoint 1 at l16 if X == 20' && ok || fail "break does not answer"
tm send-keys -t t 'run' Enter
wait_for 'curr:     l16:' && ok || fail "run does not stop at the breakpoint"

# Ctrl-C at the prompt drops the line and prompts again.
tm send-keys -t t 'some half-typed' C-c
sleep 0.3
[ "$(prompt_line)" = "> " ] && ok || fail "Ctrl-C leaves '$(prompt_line)'"

# An error, in colour on the terminal, and the session goes on.
tm send-keys -t t 'stpe' Enter
wait_for "did you mean 'step'?" && ok || fail "no suggestion for 'stpe'"

# Every colour is closed before the end of its line: the register dump, why, the packet's
# marks, an error.
tm send-keys -t t 'why' Enter 'packet' Enter 'coverage' Enter
wait_for 'instructions reached' && ok || fail "coverage shows nothing"
sleep 0.3
open=$(awk -v e="$(printf '\033')" '{
		line = $0; last = ""
		while (match(line, e "\\[[0-9;]*m")) {
			last = substr(line, RSTART + 2, RLENGTH - 3)
			line = substr(line, RSTART + RLENGTH)
		}
		if (last != "" && last != "0") n++
	} END { print n + 0 }' "$tmp/raw")
grep -q "$(printf '\033')\[3" "$tmp/raw" && [ "$open" = 0 ] && ok ||
	fail "$open lines end with a colour open (or no colour written)"
tm send-keys -t t 'quit' Enter
i=0
while [ $i -lt 50 ] && [ ! -s "$tmp/.cbpf_dbg_history" ]; do
	sleep 0.1
	i=$((i + 1))
done
grep -qx 'break at 16 if X == 20' "$tmp/.cbpf_dbg_history" && ok ||
	fail "the history file does not hold the commands"

# ---------------------------------------------------------------- NO_COLOR
start "NO_COLOR=1" "-e 'tcp port 80' -p pcaps/eth-ipv4-tcp.pcap"
wait_for '> ' && ok || fail "no prompt with NO_COLOR"
tm send-keys -t t 'step' Enter
wait_for '(step at packet 1)' && ok || fail "step shows nothing with NO_COLOR"
tm send-keys -t t 'stpe' Enter 'why' Enter
wait_for 'returns 0x40000' && ok || fail "why shows nothing with NO_COLOR"
screen -e | grep -q "$(printf '\033')\[[0-9;]*m" && fail "colour despite NO_COLOR" || ok
# History is kept across sessions: past this one's three commands, the first one's last.
tm send-keys -t t Up Up Up Up
sleep 0.3
[ "$(prompt_line)" = "> quit" ] && ok || fail "the history of the last session is not read"
tm send-keys -t t C-u 'quit' Enter

# ---------------------------------------------------------------- filter - on a terminal
# A binary capture is not written to a terminal: refused from -c, and at the prompt.
start "NO_COLOR=1" "-e tcp -p pcaps/eth-ipv4-tcp.pcap -c 'filter -'"
wait_for 'which is a terminal: redirect it' && ok || fail "filter - writes to a terminal (-c)"
screen | grep -q 'packets accepted' && fail "filter - wrote a capture to a terminal (-c)" || ok
start "NO_COLOR=1" "-e tcp -p pcaps/eth-ipv4-tcp.pcap"
wait_for '> ' && tm send-keys -t t 'filter -' Enter
wait_for 'give a file' && ok || fail "filter - at the prompt is not refused"
tm send-keys -t t 'quit' Enter

echo "$((n - bad))/$n terminal checks pass (tmux $(tmux -V | cut -d' ' -f2))"
[ $bad -eq 0 ]
