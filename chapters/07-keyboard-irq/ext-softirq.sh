#!/bin/sh
# Chapter 07 extension "softirq": the bottom half runs in softirq context (a
# tasklet on 6.1; a BH workqueue, system_bh_wq, from 6.9) instead of a
# worker thread, says so in /proc/kbdirq (bh_softirq: 1), and still logs
# every key. Runs in the VM: make check CH=07 EXT=softirq. The reference
# solution is solutions/07-keyboard-irq/softirq.patch.
. /wb/testlib.sh
plan 5

counter() { awk -v k="$1:" '$1 == k { print $2 }' /proc/kbdirq; }

klog_mark
insmod kbdirq.ko
cat /dev/kmsg >/tmp/kbdirq-kmsg &
KMSG_CAT=$!
host send-keys a s
wait_line /tmp/kbdirq-kmsg 'kbdirq: scan code 0x1f released'
kill $KMSG_CAT
wait $KMSG_CAT 2>/dev/null
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
rm -f /tmp/ttyline.out
./ttyline /dev/tty1 5000 >/tmp/ttyline.out 2>&1 &
reader=$!
wait_line /tmp/ttyline.out '^(ready|error)'
host send-keys h i ret
wait $reader
check_eq "keys typed with the module loaded still reach tty1 (it reads \"hi\")" \
	"ready
line: hi" "$(cat /tmp/ttyline.out)"
run rmmod kbdirq
check_eq "rmmod kbdirq succeeds" "0" "$RC"
done_testing
