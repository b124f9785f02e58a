#!/bin/sh
# Chapter 02 extension "verbose": a bool parameter that root may change at
# run time, and an exit function that logs its value. Runs in the VM:
# make check CH=02 EXT=verbose. The reference solution is
# solutions/02-params/verbose.patch.
. /wb/testlib.sh
plan 8

P=/sys/module/paramdemo/parameters

run insmod paramdemo.ko verbose=maybe
check_match "insmod paramdemo.ko verbose=maybe is refused with Invalid argument" \
	"Invalid argument" "$OUT"
rmmod paramdemo 2>/dev/null

insmod paramdemo.ko verbose=y
check_eq "verbose=y at load time: sysfs shows Y" "Y" "$(cat $P/verbose 2>&1)"
check_eq "the verbose file is mode 644 (root may change it)" "644" \
	"$(stat -c %a $P/verbose 2>&1)"
klog_mark
rmmod paramdemo
check_eq "the exit function logs verbose=Y" "paramdemo: verbose=Y" \
	"$(klog '^paramdemo: verbose=')"

insmod paramdemo.ko verbose=y
echo n >$P/verbose 2>/dev/null
check_eq "after echo n > verbose, sysfs shows N" "N" "$(cat $P/verbose 2>&1)"
klog_mark
rmmod paramdemo
check_eq "... and the exit function logs verbose=N" "paramdemo: verbose=N" \
	"$(klog '^paramdemo: verbose=')"

insmod paramdemo.ko
check_eq "verbose is off by default" "N" "$(cat $P/verbose 2>&1)"
rmmod paramdemo

check_no_match "no chapter module is left loaded" "^paramdemo " "$(lsmod)"
done_testing
