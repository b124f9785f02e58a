#!/bin/sh
# Chapter 13 extension "timer": while a run lasts, a timer adds one to the
# spinlock counter at every tick, from the timer softirq, so the threads
# must take that lock with bottom halves off. /proc/counters shows the ticks
# in a line "timer: T ticks, spinlock total V". Runs in the VM:
# make check CH=13 EXT=timer. The reference solution is
# solutions/13-smp/timer.patch.
. /wb/testlib.sh
plan 9

P=/proc/counters
N=1000000
CPUS=$(nproc)
WANT=$((N * CPUS))

# A thread that holds the lock with spin_lock() alone can be interrupted by
# the timer softirq on its own CPU, which then spins on the lock for ever:
# the watchdog reports a soft lockup, and the runner names it.
insmod counters.ko
check_eq "writing $N starts a run" "$(printf '%s' "$N" | wc -c)" "$(wbio write $P $N 2>&1)"
wait_line $P '^state: done' 20
cat $P >/tmp/counters.out 2>&1
check_eq "the run ends" "state: done" "$(grep '^state:' /tmp/counters.out)"
timer=$(sed -n 's/^timer: \([0-9]*\) ticks, spinlock total \([0-9]*\)$/\1 \2/p' /tmp/counters.out)
check_match "/proc/counters has a line 'timer: T ticks, spinlock total V'" \
	"^[0-9]+ [0-9]+$" "$timer"
ticks=${timer% *}
total=${timer#* }
check_match "the timer ticked during the run (T > 0)" "^[1-9][0-9]*$" "$ticks"
check_eq "the spinlock total is the threads' increments plus the ticks" \
	"$((WANT + ${ticks:-0}))" "$total"
check_eq "the table's spinlock row (the threads' share) is still exact" "$WANT" \
	"$(awk '$1 == "spinlock" { print $2 }' /tmp/counters.out)"
check_eq "the atomic and per-CPU counters are still exact" "$WANT $WANT" \
	"$(awk '$1 == "atomic" { a = $2 } $1 == "percpu" { p = $2 } END { print a, p }' /tmp/counters.out)"

# A second run starts from zero ticks, and rmmod mid-run stops the timer
# too: a timer left armed would fire into the unloaded module.
wbio write $P 100000000 >/dev/null 2>&1
run rmmod counters
check_eq "rmmod in the middle of a run succeeds" "0" "$RC"
sleep 0.1
check_no_match "no counters module or thread is left" "counters" \
	"$(lsmod; cat /proc/[0-9]*/comm 2>/dev/null)"
done_testing
