#!/bin/sh
# Chapter 04 extension "mode": the class's devnode callback makes
# /dev/chardev mode 0666, so any user may use it. Runs in the VM:
# make check CH=04 EXT=mode. The reference solution is
# solutions/04-chardev-ioctl/mode.patch.
. /wb/testlib.sh
plan 4

DEV=/dev/chardev

insmod chardev.ko
check_eq "/dev/chardev is a character device with mode 0666 (crw-rw-rw-)" \
	"crw-rw-rw-" "$(ls -l $DEV 2>&1 | cut -c1-10)"
check_eq "the student user (uid 1000) can read the message" \
	"Hello from /dev/chardev" "$(wbio -u 1000 read $DEV 2>&1)"
check_eq "... and write a new one" "2 hi" \
	"$(wbio -u 1000 write $DEV hi 2>&1) $(wbio read $DEV 2>&1)"
rmmod chardev
check_eq "the node goes with the module" "gone" "$([ -e $DEV ] || echo gone)"
done_testing
