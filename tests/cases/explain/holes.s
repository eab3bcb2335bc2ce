; x86_64 only; x32 numbers fall into allow; arg0 of ioctl on its low half only;
; a default of allow; code no path reaches
ld [4]
jeq #0xc000003e, x86, kill
x86: ld [0]
jeq #16, ioctl, other
ioctl: ld [16]
jeq #0x5401, allow, errno
other: jeq #59, kill, allow
dead: ret #0x50000
errno: ret #0x50019
allow: ret #0x7fff0000
kill: ret #0
