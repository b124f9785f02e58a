#!/bin/sh
# Chapter 07 extension "capslock": the i8042 filter swallows Caps Lock (set-1
# codes 0x3a and 0xba) after queueing it, so the keyboard driver never sees
# it while the module is loaded; after rmmod, Caps Lock works again. Runs in
# the VM: make check CH=07 EXT=capslock. The reference solution is
# solutions/07-keyboard-irq/capslock.patch.
. /wb/testlib.sh
plan 5
. ./keys.sh

klog_mark
insmod kbdirq.ko
tty_type caps_lock a ret
check_eq "with the module loaded, Caps Lock then a gives a lowercase a" "a" "$LINE"
check_eq "... yet the bottom half still logs the Caps Lock it swallowed" \
	"kbdirq: scan code 0x3a pressed
kbdirq: scan code 0x3a released" "$(klog '^kbdirq: scan code 0x3a ')"
check_eq "... and the keys after it are logged as before" \
	"kbdirq: scan code 0x1e pressed
kbdirq: scan code 0x1e released" "$(klog '^kbdirq: scan code 0x1e ')"
rmmod kbdirq

tty_type caps_lock a ret
check_eq "after rmmod kbdirq, Caps Lock then a gives an uppercase A" "A" "$LINE"
# Caps Lock is on now: press it once more, and the console is as it was.
tty_type caps_lock a ret
check_eq "... and Caps Lock pressed again turns it off (a)" "a" "$LINE"
done_testing
