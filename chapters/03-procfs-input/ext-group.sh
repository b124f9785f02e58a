#!/bin/sh
# Chapter 03 extension "group": the parameter gid gives /proc/rw_test a
# group whose members may write (mode 0664). Runs in the VM:
# make check CH=03 EXT=group. The reference solution is
# solutions/03-procfs-input/group.patch.
. /wb/testlib.sh
plan 6

F=/proc/rw_test

run insmod rwtest.ko gid=1000
check_eq "insmod rwtest.ko gid=1000 loads" "0" "$RC"
check_eq "/proc/rw_test is mode 664, group 1000" "664 1000" "$(stat -c '%a %g' $F 2>&1)"
check_eq "a member of group 1000 may write (wbio -u 1000 prints 2)" "2" \
	"$(wbio -u 1000 write $F hi 2>/dev/null)"
check_eq "... and the message changes" "Last input:hi" "$(cat $F)"
check_eq "a user of another group still gets EACCES" "error: EACCES" \
	"$(wbio -u 1001 write $F no 2>/dev/null)"
rmmod rwtest 2>/dev/null

insmod rwtest.ko
check_eq "without gid, the group is root's and user 1000 gets EACCES" "0 error: EACCES" \
	"$(stat -c '%g' $F) $(wbio -u 1000 write $F no 2>/dev/null)"
rmmod rwtest
done_testing
