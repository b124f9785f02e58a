#!/bin/sh
# Chapter 10 extension "reverse": the list is built in reverse, so the view
# lists nodes..1; the sum, the freeing and the failure path are unchanged.
# Runs in the VM: make check CH=10 EXT=reverse. The reference solution is
# solutions/10-linked-list/reverse.patch.
. /wb/testlib.sh
plan 6

VIEW=/sys/kernel/debug/numlist
MINE='^numlist: (allocated|sum|freed|cannot) '

klog_mark
insmod numlist.ko nodes=5
check_eq "nodes=5: the view lists 5 4 3 2 1, one number per line" "$(seq 5 -1 1)" "$(cat "$VIEW")"
rmmod numlist
check_eq "... the sum is still 15, and all 5 nodes are freed" \
	"numlist: allocated 5 nodes
numlist: sum of 5 nodes is 15
numlist: freed 5 nodes" "$(klog "$MINE")"

insmod numlist.ko nodes=10000
check_eq "nodes=10000: the view is exactly 10000..1" "$(seq 10000 -1 1)" "$(cat "$VIEW")"
check_eq "... and reads the same in 3-byte reads" "$(seq 10000 -1 1)" "$(wbio read "$VIEW" 3)"
rmmod numlist

klog_mark
run insmod numlist.ko nodes=10 fail_after=4
check_eq "when node 5 cannot be allocated, the 4 nodes already added are freed" \
	"numlist: cannot allocate node 5
numlist: freed 4 nodes" "$(klog "$MINE" | awk '!seen[$0]++')"

check_no_match "no chapter module is left loaded" "^numlist " "$(lsmod)"
done_testing
