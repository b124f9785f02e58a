#!/bin/sh
# Chapter 03 extension "newline": the limit is 80 characters, so a write
# of 81 bytes is accepted when its last byte is a newline. Runs in the VM:
# make check CH=03 EXT=newline. The reference solution is
# solutions/03-procfs-input/newline.patch.
. /wb/testlib.sh
plan 7

F=/proc/rw_test
NL='
'

# x N: N x's.
x() {
	head -c "$1" /dev/zero | tr '\0' x
}

insmod rwtest.ko
OUT=$(wbio write $F "$(x 80)$NL" 2>/dev/null)
check_eq "a write of 80 characters and a newline (81 bytes) returns 81" "81" "$OUT"
check_eq "... and stores the 80 characters" "Last input:$(x 80)" "$(cat $F)"
echo "$(x 80 | tr x y)" >$F 2>/dev/null
check_eq "echo of an 80-character line succeeds" "0" "$?"
check_eq "... and stores it" "Last input:$(x 80 | tr x y)" "$(cat $F)"
OUT=$(wbio write $F "$(x 81)" 2>/dev/null)
check_eq "81 characters without a newline are refused with EINVAL" "error: EINVAL" "$OUT"
OUT=$(wbio write $F "$(x 81)$NL" 2>/dev/null)
check_eq "81 characters with a newline (82 bytes) are refused with EINVAL" \
	"error: EINVAL" "$OUT"
check_eq "... and the last good message is kept" "Last input:$(x 80 | tr x y)" "$(cat $F)"
rmmod rwtest
done_testing
