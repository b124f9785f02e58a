#!/bin/sh
# Chapter 03 extension "stats": /proc/rw_stats counts the stored and the
# refused writes and shows the message's length. Runs in the VM:
# make check CH=03 EXT=stats. The reference solution is
# solutions/03-procfs-input/stats.patch.
. /wb/testlib.sh
plan 6

F=/proc/rw_test
S=/proc/rw_stats

insmod rwtest.ko
check_eq "/proc/rw_stats exists, mode 444" "444" "$(stat -c %a $S 2>&1)"
check_eq "right after loading, every count is 0" "writes: 0
too long: 0
length: 0" "$(cat $S 2>&1)"
echo hello >$F
check_eq "after echo hello: 1 write, none too long, length 5" "writes: 1
too long: 0
length: 5" "$(cat $S 2>&1)"
wbio write $F "$(head -c 100 /dev/zero | tr '\0' x)" >/dev/null 2>&1
check_eq "after a refused 100-byte write: too long 1, the rest unchanged" "writes: 1
too long: 1
length: 5" "$(cat $S 2>&1)"
check_eq "a one-byte-per-read dd gives the same three lines" "$(cat $S 2>&1)" \
	"$(dd if=$S bs=1 2>/dev/null)"
rmmod rwtest
check_eq "rw_stats goes with the module" "gone" "$([ -e $S ] || echo gone)"
done_testing
