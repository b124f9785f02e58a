#!/bin/sh
# Chapter 10 extension "edit": writing "add N" to /sys/kernel/debug/numlist
# inserts a node numbered N before the first larger one, so the list stays
# sorted; "del N" removes the first node numbered N (ENOENT if none); any
# other command is EINVAL. Runs in the VM: make check CH=10 EXT=edit. The
# reference solution is solutions/10-linked-list/edit.patch.
. /wb/testlib.sh
plan 26

VIEW=/sys/kernel/debug/numlist
MINE='^numlist: (allocated|sum|freed|cannot) '

# edit CMD: one write(2) of CMD to the view; prints the count or the errno.
edit() {
	wbio write "$VIEW" "$1" 2>/dev/null
}

# view: the list on one line, e.g. "1 2 3".
view() {
	echo $(cat "$VIEW")
}

klog_mark
insmod numlist.ko nodes=5
check_match "root may write the view (mode 0644)" "^-rw-r--r-- " "$(ls -l "$VIEW")"
check_eq "'add 3' is accepted whole: write returns 5" "5" "$(edit 'add 3')"
check_eq "... and lands in order: 1 2 3 3 4 5" "1 2 3 3 4 5" "$(view)"
check_eq "'add 0' goes first, 'add 99' last, 'add -7' before 0" \
	"5 6 6 -7 0 1 2 3 3 4 5 99" "$(edit 'add 0') $(edit 'add 99') $(edit 'add -7') $(view)"
echo "add 42" >"$VIEW"
check_eq "a trailing newline is fine: echo 'add 42' inserts 42 before 99" \
	"-7 0 1 2 3 3 4 5 42 99" "$(view)"
check_eq "'del 3' removes one of the two 3s" "5 -7 0 1 2 3 4 5 42 99" \
	"$(edit 'del 3') $(view)"
check_eq "'del 99' removes the last node, 'del -7' the first" "6 6 0 1 2 3 4 5 42" \
	"$(edit 'del 99') $(edit 'del -7') $(view)"
check_eq "'del 1000' (no such node) fails with ENOENT" "error: ENOENT" "$(edit 'del 1000')"

BEFORE=$(view)
for cmd in add 'add ' 'add x' 'add 3 4' 'add 3x' 'add  3' 'mul 3' 'ADD 3' \
	'add 2147483648' 'del'; do
	check_eq "'$cmd' is not a command: EINVAL" "error: EINVAL" "$(edit "$cmd")"
done
check_eq "a command of 40 bytes (too long) gets EINVAL" "error: EINVAL" \
	"$(edit "add $(printf '%036d' 7)")"
check_eq "a write from an unmapped buffer gets EFAULT" "error: EFAULT" \
	"$(wbio badwrite "$VIEW" 2>/dev/null)"
check_eq "... and none of the refused commands changed the list" "$BEFORE" "$(view)"

# 300 numbers from -1000 to 999, in a fixed pseudo-random order, from two
# writers at once; the list must hold all of them, sorted, with the rest.
NUMS=$(awk 'BEGIN { srand(10); for (i = 0; i < 300; i++) print int(rand() * 2000) - 1000 }')
printf '%s\n' "$NUMS" | awk 'NR % 2' >/tmp/numlist-a
printf '%s\n' "$NUMS" | awk '!(NR % 2)' >/tmp/numlist-b
for half in a b; do
	while read -r n; do
		echo "add $n" >"$VIEW"
	done </tmp/numlist-$half 2>/dev/null &
done
wait
EXPECT=$( (echo "$BEFORE" | tr ' ' '\n'; printf '%s\n' "$NUMS") | sort -n)
check_eq "300 adds from two writers at once: every number is there, in sorted order" \
	"$EXPECT" "$(cat "$VIEW")"
rm -f /tmp/numlist-a /tmp/numlist-b

rmmod numlist
check_eq "unload frees every node, the added ones too (7 + 300)" \
	"numlist: freed 307 nodes" "$(klog '^numlist: freed')"

insmod numlist.ko nodes=0
check_eq "an empty list: 'add 5' makes it [5], 'del 5' empties it again" \
	"5 [5] 5 []" "$(edit 'add 5') [$(view)] $(edit 'del 5') [$(view)]"
check_eq "... and 'del 5' on the empty list gets ENOENT" "error: ENOENT" "$(edit 'del 5')"
rmmod numlist

check_no_match "no chapter module is left loaded" "^numlist " "$(lsmod)"
done_testing
