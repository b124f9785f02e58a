#!/bin/sh
# Chapter 07 extension "softirq": the bottom half runs in softirq context (a
# tasklet on 6.1; a BH workqueue, system_bh_wq, from 6.9) instead of a
# worker thread, says so in /proc/kbdirq (bh_softirq: 1), and still logs
# every key. Runs in the VM: make check CH=07 EXT=softirq. The reference
# solution is solutions/07-keyboard-irq/softirq.patch.
. /wb/testlib.sh
plan 5
. ./keys.sh

klog_mark
insmod kbdirq.ko
host send-keys a s
wait_klog '^kbdirq: scan code 0x1f released'
check_eq "the bottom half still logs each key pressed and released" \
	"kbdirq: scan code 0x1e pressed
kbdirq: scan code 0x1e released
kbdirq: scan code 0x1f pressed
kbdirq: scan code 0x1f released" "$(klog '^kbdirq: scan code ')"
check_eq "/proc/kbdirq says the bottom half ran in softirq context (bh_softirq: 1)" \
	"1" "$(counter bh_softirq)"
check_eq "... and still counts the presses and releases" "2 2" \
	"$(counter presses) $(counter releases)"

# The keys still reach the console: a reader on tty1 gets the line.
tty_type h i ret
check_eq "keys typed with the module loaded still reach tty1 (it reads \"hi\")" \
	"ready
line: hi" "$TTY_OUT"
run rmmod kbdirq
check_eq "rmmod kbdirq succeeds" "0" "$RC"
done_testing
