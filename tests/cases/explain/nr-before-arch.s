; nr is decided on before arch is checked
ld [0]
jeq #59, kill, check
check: ld [4]
jeq #0xc000003e, allow, kill
allow: ret #0x7fff0000
kill: ret #0
