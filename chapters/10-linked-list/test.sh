#!/bin/sh
# Chapter 10 tests: numlist builds a list of nodes 1..N on struct list_head,
# shows it in debugfs, frees every node on unload, and refuses bad N. Runs in
# the VM; see initramfs/wb/testlib.sh.
. /wb/testlib.sh
plan 30

VIEW=/sys/kernel/debug/numlist
# numlist's own log lines (the kernel adds others, such as taint notices).
MINE='^numlist: (allocated|sum|freed|cannot) '

# try_n N: load numlist with nodes=N, keep the view in SEEN, unload; LOG
# holds the module's log lines.
try_n() {
	klog_mark
	insmod numlist.ko nodes="$1"
	SEEN=$(cat "$VIEW")
	rmmod numlist
	LOG=$(klog "$MINE")
}

# expect_log N: the log lines of a load and unload of N nodes, with the sum
# 1 + 2 + ... + N worked out here.
expect_log() {
	echo "numlist: allocated $1 nodes"
	echo "numlist: sum of $1 nodes is $(($1 * ($1 + 1) / 2))"
	echo "numlist: freed $1 nodes"
}

# --- a small list -----------------------------------------------------------

klog_mark
insmod numlist.ko
check_eq "without a parameter the list has 10 nodes" "10" \
	"$(cat /sys/module/numlist/parameters/nodes)"
check_eq "the view lists the nodes 1..10 in the order they were added" \
	"$(seq 1 10)" "$(cat "$VIEW")"
check_eq "the view reads the same in 3-byte reads (seq_file restarts correctly)" \
	"$(seq 1 10)" "$(wbio read "$VIEW" 3)"
rmmod numlist
check_eq "load logs the count and the sum (55), unload frees all 10 nodes" \
	"$(expect_log 10)" "$(klog "$MINE")"
check_eq "the view disappears on unload" "no" "$([ -e "$VIEW" ] && echo yes || echo no)"

try_n 7
check_eq "nodes=7: the view lists 1..7" "$(seq 1 7)" "$SEEN"
check_eq "nodes=7: sum 28, and all 7 nodes freed" "$(expect_log 7)" "$LOG"

# --- edge sizes ---------------------------------------------------------------

try_n 0
check_eq "nodes=0: the view is empty" "" "$SEEN"
check_eq "nodes=0: loads and unloads, logging 0 nodes, sum 0, 0 freed" \
	"$(expect_log 0)" "$LOG"

try_n 10000
check_eq "nodes=10000: the view has 10000 lines" "10000" "$(printf '%s\n' "$SEEN" | wc -l)"
check_eq "nodes=10000: the first line is 1 and the last 10000" "1 10000" \
	"$(printf '%s\n' "$SEEN" | sed -n '1p;$p' | tr '\n' ' ' | sed 's/ $//')"
check_eq "nodes=10000: the view is exactly 1..10000" "$(seq 1 10000)" "$SEEN"
check_eq "nodes=10000: sum 50005000, and all 10000 nodes freed" "$(expect_log 10000)" "$LOG"

klog_mark
insmod numlist.ko nodes=100000 && rmmod numlist
check_eq "nodes=100000 (the cap) is accepted, and all its nodes are freed" \
	"$(expect_log 100000)" "$(klog "$MINE")"

# --- bad parameters -------------------------------------------------------------

for bad in -1 abc 100001 12x; do
	klog_mark
	run insmod numlist.ko nodes="$bad"
	check_match "nodes=$bad is refused with EINVAL" "Invalid argument" "$OUT"
	check_match "... and the log says nodes must be a number from 0 to 100000" \
		"^numlist: nodes=$bad is not a whole number from 0 to 100000$" "$(klog '^numlist: ')"
done
check_no_match "no refused load left the module behind" "^numlist " "$(lsmod)"

# --- an allocation failure half-way -------------------------------------------

klog_mark
run insmod numlist.ko nodes=10 fail_after=4
check_match "when node 5 cannot be allocated, the load fails with ENOMEM" \
	"Cannot allocate memory" "$OUT"
# busybox insmod tries finit_module(), then init_module(), so the failed init
# may run twice: compare distinct lines.
check_eq "... and the 4 nodes already added are freed" \
	"numlist: cannot allocate node 5
numlist: freed 4 nodes" "$(klog "$MINE" | awk '!seen[$0]++')"
check_eq "... and no view is left behind" "no" "$([ -e "$VIEW" ] && echo yes || echo no)"

# --- the banner's commands, as make run-qemu shows them --------------------
# banner_cmd N: the command on line N of banner.txt, without the indent and
# the "(what you see)" remark after it.
banner_cmd() {
	sed -n "${1}p" banner.txt | sed -e 's/^ *//' -e 's/   *(.*)$//'
}

transcript try-load "$(banner_cmd 2)"
check_eq "banner: 'insmod numlist.ko nodes=5; ...' logs the count and sum, and lists 1..5" \
	"$(expect_log 5 | head -n 2)
$(seq 1 5)" "$(printf '%s\n' "$OUT" | sed 's/^\[[ 0-9.]*\] //')"
transcript try-unload "$(banner_cmd 3)"
check_eq "banner: 'rmmod numlist; dmesg | tail -1' says all 5 nodes were freed" \
	"numlist: freed 5 nodes" "$(printf '%s\n' "$OUT" | sed 's/^\[[ 0-9.]*\] //')"
transcript try-refused "$(banner_cmd 4)"
check_match "banner: 'insmod numlist.ko nodes=abc' is refused" "Invalid argument" "$OUT"

check_no_match "no chapter module is left loaded" "^numlist " "$(lsmod)"

done_testing
