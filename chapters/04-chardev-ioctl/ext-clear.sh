#!/bin/sh
# Chapter 04 extension "clear": a fourth ioctl, CHARDEV_IOC_CLEAR, empties
# the message, and "ioctl clear" calls it. Runs in the VM:
# make check CH=04 EXT=clear. The reference solution is
# solutions/04-chardev-ioctl/clear.patch.
. /wb/testlib.sh
plan 7

DEV=/dev/chardev

insmod chardev.ko
./ioctl set "some message" >/dev/null
run ./ioctl clear
check_eq "ioctl clear succeeds and prints clear: ok" "0 clear: ok" "$RC $OUT"
run ./ioctl get
check_eq "... after it, GET_MSG returns an empty message" 'get: "" (0 bytes)' "$OUT"
run ./ioctl nth 0
check_eq "... GET_NTH_BYTE 0 fails with EINVAL" "error: EINVAL" "$OUT"
check_eq "... and a read returns nothing" "0" "$(wbio read $DEV | wc -c | tr -d ' ')"
run ./ioctl set again
check_eq "SET_MSG works after a clear" "set: 5 bytes" "$OUT"
run ./ioctl bad set
check_eq "an unmapped pointer still gets EFAULT" "error: EFAULT" "$OUT"
run ./ioctl unknown
check_eq "an unknown ioctl number still gets ENOTTY" "error: ENOTTY" "$OUT"
rmmod chardev
done_testing
