#!/bin/sh
# Chapter 07 extension "keynames": the bottom half logs the letters, Enter,
# Space and the four arrows by name ("kbdirq: key A pressed"), tells the
# arrows (0xe0 0x48 ...) from the keypad keys with the same codes, and keeps
# the "scan code" line for every other key. Runs in the VM:
# make check CH=07 EXT=keynames. The reference solution is
# solutions/07-keyboard-irq/keynames.patch.
. /wb/testlib.sh
plan 8

# QEMU qcode, set-1 make code and the name to log, for the named keys.
NAMED="q:10:Q w:11:W e:12:E r:13:R t:14:T y:15:Y u:16:U i:17:I o:18:O p:19:P
a:1e:A s:1f:S d:20:D f:21:F g:22:G h:23:H j:24:J k:25:K l:26:L
z:2c:Z x:2d:X c:2e:C v:2f:V b:30:B n:31:N m:32:M
ret:1c:Enter spc:39:Space"

# press WAIT_FOR KEY...: the host presses the keys; wait until the log since
# the mark has WAIT_FOR (the line of the last release), then LOG holds
# kbdirq's lines.
press() {
	last=$1
	shift
	klog_mark
	host send-keys "$@"
	wait_klog "^kbdirq: $last\$"
	LOG=$(klog '^kbdirq: (key|scan code) ')
}

# both WHAT: the pressed and released lines of WHAT ("key A", "scan code 0x02").
both() {
	echo "kbdirq: $1 pressed"
	echo "kbdirq: $1 released"
}

klog_mark
run insmod kbdirq.ko
check_eq "kbdirq loads" "0" "$RC"

press "key A released" up a
check_eq "after an arrow, a plain key is plain again: Up, then A" \
	"$(both 'key Up'; both 'key A')" "$LOG"

qcodes=$(for k in $NAMED; do echo "${k%%:*}"; done)
press "key Space released" $qcodes
check_eq "the 26 letters, Enter and Space are logged by name" \
	"$(for k in $NAMED; do both "key ${k##*:}"; done)" "$LOG"

press "key Right released" up down left right
check_eq "the arrows (0xe0 then 0x48, 0x50, 0x4b, 0x4d) are Up, Down, Left, Right" \
	"$(both 'key Up'; both 'key Down'; both 'key Left'; both 'key Right')" "$LOG"

press "scan code 0x4d released" kp_8 kp_2 kp_4 kp_6
check_eq "the keypad's 8 2 4 6 (the same codes without 0xe0) keep their scan code lines" \
	"$(both 'scan code 0x48'; both 'scan code 0x50'; both 'scan code 0x4b'; both 'scan code 0x4d')" "$LOG"

press "scan code 0x02 released" ctrl_r kp_enter 1
check_eq "other keys keep their scan code lines: right Ctrl, keypad Enter (extended), 1" \
	"$(both 'scan code 0x1d' | sed 's/$/ (extended)/'
	both 'scan code 0x1c' | sed 's/$/ (extended)/'
	both 'scan code 0x02')" "$LOG"

check_eq "/proc/kbdirq still counts every press (2 + 28 + 4 + 4 + 3)" "41" \
	"$(awk '$1 == "presses:" { print $2 }' /proc/kbdirq)"

run rmmod kbdirq
check_eq "kbdirq unloads" "0" "$RC"
done_testing
