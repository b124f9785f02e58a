#!/bin/sh
# Chapter 10 extension "random": with random=1 the nodes are numbered at
# random from 0 to 999 and built with the sorted insert of the "edit"
# extension, so the view is sorted from the start; the logged sum is the sum
# of the view; random=1 takes at most 10000 nodes. Runs in the VM:
# make check CH=10 EXT=random. The reference solution is
# solutions/10-linked-list/random.patch (it includes the "edit" solution).
. /wb/testlib.sh
plan 14

VIEW=/sys/kernel/debug/numlist

# numbers_ok: every line of stdin is a whole number from 0 to 999; prints
# the lines that are not.
numbers_ok() { grep -Evx '0|[1-9][0-9]{0,2}'; }

# sum: the sum of the numbers on stdin.
sum() { awk '{ s += $1 } END { print s + 0 }'; }

klog_mark
run insmod numlist.ko nodes=1000 random=1
check_eq "insmod numlist.ko nodes=1000 random=1 loads, and sysfs shows random=Y" \
	"0 Y" "$RC $(cat /sys/module/numlist/parameters/random 2>&1)"
cat "$VIEW" >/tmp/numlist-1 2>&1
check_eq "the view has 1000 lines, one per node" "1000" "$(wc -l </tmp/numlist-1)"
check_eq "each is a whole number from 0 to 999" "" "$(numbers_ok </tmp/numlist-1)"
run sort -n -c /tmp/numlist-1
check_eq "the view is already sorted (sort -n -c says nothing)" "0:" "$RC:$OUT"
check_eq "the log's sum is the sum of the numbers in the view" \
	"numlist: sum of 1000 nodes is $(sum </tmp/numlist-1)" "$(klog '^numlist: sum')"
# 1000 draws from 1000 values give about 632 different ones (1 - 1/e), with
# a standard deviation of about 10: 550..720 is more than 8 of them either
# way. Numbers in order, or all the same, are far outside.
distinct=$(sort -u /tmp/numlist-1 | wc -l)
if [ "$distinct" -ge 550 ] && [ "$distinct" -le 720 ]; then
	ok "the numbers look drawn at random: $distinct different values (550..720 expected)"
else
	not_ok "the numbers look drawn at random: 550..720 different values expected" \
		"got $distinct different values"
fi

echo "add 500" >"$VIEW" 2>/dev/null
check_eq "'add 500' lands in order too: 1001 sorted lines" "1001 sorted" \
	"$(wc -l <"$VIEW") $(sort -n -c "$VIEW" 2>/dev/null && echo sorted)"
klog_mark
rmmod numlist
check_eq "unload frees all of them" "numlist: freed 1001 nodes" "$(klog '^numlist: freed')"

insmod numlist.ko nodes=1000 random=1
check_eq "a second load draws other numbers" "different" \
	"$(cat "$VIEW" | cmp -s - /tmp/numlist-1 && echo same || echo different)"
rmmod numlist

klog_mark
insmod numlist.ko nodes=5
check_eq "without random the nodes are still 1..5, sum 15" "1 2 3 4 5 | numlist: sum of 5 nodes is 15" \
	"$(echo $(cat "$VIEW")) | $(klog '^numlist: sum')"
rmmod numlist

klog_mark
run insmod numlist.ko nodes=10 random=1 fail_after=4
check_match "random=1 with the 5th allocation failing: insmod fails with ENOMEM" \
	"Cannot allocate memory" "$OUT"
check_eq "... and the 4 nodes already in the list are freed" "numlist: freed 4 nodes" \
	"$(klog '^numlist: freed' | sort -u)"

klog_mark
run insmod numlist.ko nodes=10001 random=1
check_eq "random=1 with nodes=10001 is refused (EINVAL), and the log says why" \
	"Invalid argument
numlist: random=1 takes at most 10000 nodes, not 10001" \
	"$(printf '%s\n' "$OUT" | grep -o 'Invalid argument' | head -n 1)
$(klog '^numlist: random' | sort -u)"
[ "$RC" != 0 ] || rmmod numlist

check_no_match "no chapter module is left loaded" "^numlist " "$(lsmod)"
rm -f /tmp/numlist-1
done_testing
