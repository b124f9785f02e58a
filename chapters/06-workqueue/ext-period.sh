#!/bin/sh
# Chapter 06 extension "period": sched's period_ms becomes writable at run
# time (0644), checked on every write, and the next run uses it. Runs in
# the VM: make check CH=06 EXT=period. The reference solution is
# solutions/06-workqueue/period.patch.
. /wb/testlib.sh
plan 8

P=/sys/module/sched/parameters/period_ms

field() {
	sed -n "s/^$1: //p" /proc/sched 2>/dev/null
}

insmod sched.ko
check_eq "period_ms is writable by root (mode 644)" "644" "$(stat -c %a $P 2>&1)"
wbio write $P 50 >/dev/null 2>&1
check_eq "after writing 50, sysfs and /proc/sched show period_ms 50" "50 50" \
	"$(cat $P 2>&1) $(field period_ms)"
# Let one run at the old period go by, then count for about a second.
wait_line /proc/sched '^runs: [1-9]'
sleep 0.2
read -r t0 _ </proc/uptime
r0=$(field runs)
sleep 1
r1=$(field runs)
read -r t1 _ </proc/uptime
verdict=$(awk -v r0="$r0" -v r1="$r1" -v t0="$t0" -v t1="$t1" 'BEGIN {
	want = (t1 - t0) * 1000 / 50; got = r1 - r0
	ok = (want > 0 && got >= 0.5 * want && got <= 1.3 * want)
	printf "%s %d runs in %.2f s, expected %.1f (50%%-130%%)\n", ok ? "ok" : "bad", got, t1 - t0, want }')
case $verdict in
ok*) ok "with period_ms=50 the work runs about 20 times a second (50%-130%)" ;;
*) not_ok "with period_ms=50 the work runs about 20 times a second (50%-130%)" "${verdict#bad }" ;;
esac
check_eq "writing 5 fails with EINVAL" "error: EINVAL" "$(wbio write $P 5 2>/dev/null)"
check_eq "writing 20000 fails with EINVAL" "error: EINVAL" "$(wbio write $P 20000 2>/dev/null)"
check_eq "... and period_ms stays 50" "50 50" "$(cat $P 2>&1) $(field period_ms)"
rmmod sched

run insmod sched.ko period_ms=0
check_match "insmod sched.ko period_ms=0 is still refused with Invalid argument" \
	"Invalid argument" "$OUT"
rmmod sched 2>/dev/null
check_no_match "no chapter module is left loaded" "^(sched|timer_ctx) " "$(lsmod)"
done_testing
