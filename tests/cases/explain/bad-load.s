; reads past struct seccomp_data
ld [4]
jeq #0xc000003e, ok, kill
ok: ld [64]
jeq #1, kill, allow
allow: ret #0x7fff0000
kill: ret #0
