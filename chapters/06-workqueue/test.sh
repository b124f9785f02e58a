#!/bin/sh
# Chapter 06 tests: a self-requeueing delayed work item (sched.ko) and a
# self-re-arming timer (timer_ctx.ko): their rate, the context each callback
# runs in, and clean unloading. Runs in the VM; see initramfs/wb/testlib.sh.
. /wb/testlib.sh
plan 24

# field NAME FILE: the value of the "NAME: value" line of FILE.
field() {
	sed -n "s/^$1: //p" "$2" 2>/dev/null
}

# wait_run FILE: wait (at most 5 s) until FILE reports its first run.
wait_run() {
	wait_line "$1" '^runs: [1-9]'
}

# uptime_s: seconds since boot, from /proc/uptime (10 ms resolution).
uptime_s() {
	read -r up _ </proc/uptime
	echo "$up"
}

# check_rate DESC RUNS0 RUNS1 T0 T1: RUNS1-RUNS0 must be between 50% and
# 130% of what a 100 ms period gives in T1-T0 seconds. TCG on a busy host can
# delay a run, and each run starts its next period late, so the count tends
# to fall short; it can never run much faster than its period.
check_rate() {
	verdict=$(awk -v r0="$2" -v r1="$3" -v t0="$4" -v t1="$5" 'BEGIN {
		want = (t1 - t0) * 1000 / 100; got = r1 - r0
		ok = (want > 0 && got >= 0.5 * want && got <= 1.3 * want)
		printf "%s %d runs in %.2f s, expected %.1f (50%%-130%%: %.1f-%.1f)\n",
			ok ? "ok" : "bad", got, t1 - t0, want, 0.5 * want, 1.3 * want }')
	case $verdict in
	ok*) ok "$1" ;;
	*) not_ok "$1" "${verdict#bad }" ;;
	esac
}

# --- loading, the rate and the context ------------------------------------

klog_mark
insmod sched.ko dyndbg=+p
insmod timer_ctx.ko dyndbg=+p
check_eq "/proc/sched shows the default period of 100 ms" "100" "$(field period_ms /proc/sched)"
check_eq "/proc/timer_ctx shows the default period of 100 ms" "100" \
	"$(field period_ms /proc/timer_ctx)"

wait_run /proc/sched && wait_run /proc/timer_ctx
t0=$(uptime_s)
s0=$(field runs /proc/sched)
k0=$(field runs /proc/timer_ctx)
sleep 1
s1=$(field runs /proc/sched)
k1=$(field runs /proc/timer_ctx)
t1=$(uptime_s)
check_rate "the work item runs about 10 times a second (50%-130% of the expected count)" \
	"$s0" "$s1" "$t0" "$t1"
check_rate "the timer fires about 10 times a second (50%-130% of the expected count)" \
	"$k0" "$k1" "$t0" "$t1"

check_eq "the work item runs in process context (in_task, preemptible, not in interrupt)" \
	"context: process
in_task: 1
in_interrupt: 0
in_serving_softirq: 0
preemptible: 1" "$(grep -E '^(context|in_|preemptible)' /proc/sched)"
check_match "the work item is run by a kworker thread" "^kworker/" "$(field worker /proc/sched)"
# PREEMPT_RT runs softirqs in kernel threads, where a timer callback can be
# preempted: it is still softirq context, where nothing may sleep, but
# preemptible() says 1 there.
if uname -v | grep -q PREEMPT_RT; then
	check_eq "the timer callback runs in softirq context (not in_task), and on PREEMPT_RT it is preemptible" \
		"context: softirq
in_task: 0
in_interrupt: 1
in_serving_softirq: 1
preemptible: 1" "$(grep -E '^(context|in_|preemptible)' /proc/timer_ctx)"
else
	check_eq "the timer callback runs in atomic softirq context (not in_task, not preemptible)" \
		"context: softirq
in_task: 0
in_interrupt: 1
in_serving_softirq: 1
preemptible: 0" "$(grep -E '^(context|in_|preemptible)' /proc/timer_ctx)"
fi

# --- unloading while the callbacks are live --------------------------------

# check_stop MODULE: after rmmod, the module's last log line says it stopped
# after N runs, N is the number of its "run" lines, the last of which is
# "run N", and nothing ran after the stop line.
check_stop() {
	log=$(klog "^$1: (run|stopped) ")
	n=$(printf '%s\n' "$log" | grep -c "^$1: run ")
	check_eq "$1: rmmod stops it mid-flight: the stop line counts every run and comes last" \
		"$1: run $n
$1: stopped after $n runs" "$(printf '%s\n' "$log" | tail -n 2)"
}
rmmod sched
rmmod timer_ctx
check_stop sched
check_stop timer_ctx
# Three periods: a leftover work item or timer would have logged by now.
klog_mark
sleep 0.3
check_no_match "nothing runs any more after rmmod (no new log lines)" \
	"^(sched|timer_ctx): " "$(klog "^(sched|timer_ctx): ")"
check_eq "/proc/sched and /proc/timer_ctx disappear on unload" "" \
	"$(ls /proc/sched /proc/timer_ctx 2>/dev/null)"

# An open /proc file does not hold the module: procfs cuts it off at removal,
# and a later read fails instead of calling into the unloaded module.
insmod sched.ko
exec 3</proc/sched
run rmmod sched
check_eq "rmmod succeeds while /proc/sched is held open" "0" "$RC"
OUT=$(cat <&3 2>&1)
exec 3<&-
check_match "reading that file after unload fails with an I/O error" \
	"Input/output error" "$OUT"

# --- parameters -------------------------------------------------------------

klog_mark
run insmod sched.ko period_ms=0
check_match "a period of 0 ms is refused with EINVAL" "Invalid argument" "$OUT"
run insmod timer_ctx.ko period_ms=20000
check_match "a period of 20 s is refused with EINVAL" "Invalid argument" "$OUT"
# busybox insmod tries finit_module(), then init_module(): each refusal can be
# logged twice, so compare distinct lines.
check_eq "the log says why the periods were refused" \
	"sched: period_ms=0 is out of range (10..10000)
timer_ctx: period_ms=20000 is out of range (10..10000)" "$(klog 'period_ms=' | awk '!seen[$0]++')"

# --- 20 load/unload cycles --------------------------------------------------

# A 10 ms period makes the callbacks busy. Every other cycle waits for the
# first run; the others unload while the first run is still pending.
klog_mark
i=0
while [ "$i" -lt 20 ]; do
	insmod sched.ko period_ms=10 || break
	insmod timer_ctx.ko period_ms=10 || break
	if [ $((i % 2)) = 1 ]; then
		wait_run /proc/sched && wait_run /proc/timer_ctx || break
	fi
	rmmod sched && rmmod timer_ctx || break
	i=$((i + 1))
done
# If a cycle failed, leave nothing loaded for the checks below.
rmmod sched 2>/dev/null
rmmod timer_ctx 2>/dev/null
check_eq "20 load/unload cycles of both modules complete" "20" "$i"
check_eq "each of the 20 unloads of sched logs its stop line" "20" \
	"$(klog '^sched: stopped after [0-9]+ runs$' | wc -l)"
check_eq "each of the 20 unloads of timer_ctx logs its stop line" "20" \
	"$(klog '^timer_ctx: stopped after [0-9]+ runs$' | wc -l)"
# --- the banner's commands, as the student types them --------------------
transcript banner-1 'insmod sched.ko; sleep 1; cat /proc/sched; rmmod sched'
check_eq "banner: after a second, /proc/sched shows runs, a kworker and process context" \
	"runs: yes
worker: kworker
context: process" "$(printf '%s\n' "$OUT" |
	sed -n 's/^runs: [1-9][0-9]*$/runs: yes/p; s|^worker: kworker/.*|worker: kworker|p; /^context:/p')"
transcript banner-2 'insmod timer_ctx.ko; sleep 1; cat /proc/timer_ctx; rmmod timer_ctx'
check_eq "banner: after a second, /proc/timer_ctx shows runs and softirq context" \
	"yes
context: softirq" "$(printf '%s\n' "$OUT" | sed -n 's/^runs: [1-9][0-9]*$/yes/p; /^context:/p')"
transcript banner-3 'insmod sched.ko period_ms=0'
check_match "banner: insmod sched.ko period_ms=0 is refused" "Invalid argument" "$OUT"

check_no_match "no chapter module is left loaded" "^(sched|timer_ctx) " "$(lsmod)"
check_eq "no /proc file is left behind" "" "$(ls /proc/sched /proc/timer_ctx 2>/dev/null)"

done_testing
