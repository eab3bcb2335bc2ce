; no architecture check: nr is another syscall on each architecture
ld [0]
jeq #59, kill, allow
kill: ret #0
allow: ret #0x7fff0000
