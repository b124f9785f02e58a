#!/bin/sh
# Chapter 06 extension "halves": timer_ctx's timer (the top half, a softirq)
# queues a work item (the bottom half, process context) on every run, and
# /proc/timer_ctx reports the work's runs and context next to the timer's.
# Runs in the VM: make check CH=06 EXT=halves. The reference solution is
# solutions/06-workqueue/halves.patch.
. /wb/testlib.sh
plan 7

P=/proc/timer_ctx

# field NAME: the value of the "NAME: value" line of /proc/timer_ctx.
field() {
	sed -n "s/^$1: //p" $P 2>/dev/null
}

insmod timer_ctx.ko
# The work runs after the timer's first run, 100 ms after loading.
wait_line $P '^work_runs: [1-9]'
check_match "/proc/timer_ctx counts the runs of the work (work_runs: N, N > 0)" \
	'^work_runs: [1-9][0-9]*$' "$(cat $P 2>&1)"
check_eq "the timer still runs in softirq context" "softirq" "$(field context)"
check_eq "the work it queued runs in process context" "process" \
	"$(field work_context)"
# Each timer run queues the work; it runs once for every queuing, or once
# for several when it was still pending: never more often than the timer.
W0=$(field work_runs)
wait_line $P "^work_runs: ([0-9]{$((${#W0} + 1)),}|$((W0 + 1))|$((W0 + 2))|$((W0 + 3)))\$"
W1=$(field work_runs)
R1=$(field runs)
check_eq "the work keeps running: work_runs grows" "yes" \
	"$([ "${W1:-0}" -gt "${W0:-0}" ] && echo yes || echo "no ($W0, then $W1)")"
check_eq "... and never runs more often than the timer (work_runs <= runs)" "yes" \
	"$([ -n "$W1" ] && [ "$W1" -le "${R1:-0}" ] && echo yes ||
		echo "no (work_runs $W1, runs $R1)")"
rmmod timer_ctx

# A 10 ms period keeps the work queued most of the time. Every other cycle
# waits for the first work run; the others unload while it may be pending.
# A work item that outlives the module crashes the VM only when it is still
# pending as the module's memory goes, so a missing or misplaced
# cancel_work_sync() usually passes here on one CPU (it did when tried).
klog_mark
i=0
while [ "$i" -lt 20 ]; do
	insmod timer_ctx.ko period_ms=10 || break
	if [ $((i % 2)) = 1 ]; then
		wait_line $P '^work_runs: [1-9]' || break
	fi
	rmmod timer_ctx || break
	i=$((i + 1))
done
rmmod timer_ctx 2>/dev/null
check_eq "20 load/unload cycles complete" "20" "$i"
check_eq "each of the 20 unloads logs its stop line" "20" \
	"$(klog '^timer_ctx: stopped after [0-9]+ runs$' | wc -l)"
done_testing
