#!/bin/sh
# Chapter 05 extension "timeout": with the parameter timeout_ms (0 to 60000,
# writable at run time), an opener that waits for /proc/sleep longer than
# that gives up with ETIMEDOUT; 0 keeps the unlimited wait. Runs in the VM:
# make check CH=05 EXT=timeout. The reference solution is
# solutions/05-sleep/timeout.patch.
. /wb/testlib.sh
plan 24

F=/proc/sleep
P=/sys/module/sleep/parameters/timeout_ms

# wait_asleep PID: wait (5 s at most) until PID sleeps in sleep_open().
wait_asleep() {
	wait_line "/proc/$1/wchan" '^sleep_open$'
}

# centis: the uptime in hundredths of a second.
centis() {
	read -r up _ </proc/uptime
	echo "${up%.*}${up#*.}" | sed 's/^0*//;s/^$/0/'
}

# bg_hold NAME: a background "wbio hold $F" writing to /tmp/NAME.out; PID=its pid.
bg_hold() {
	wbio hold $F >"/tmp/$1.out" 2>&1 &
	PID=$!
	PIDS="$PIDS $PID"
}

PIDS=
klog_mark
insmod sleep.ko timeout_ms=300
check_eq "insmod sleep.ko timeout_ms=300 sets the parameter" "300" "$(cat $P 2>&1)"
check_match "... which root may change at run time (mode 0644)" "^-rw-r--r-- " \
	"$(ls -l $P 2>&1)"

bg_hold a
A=$PID
wait_line /tmp/a.out '^open$'
# B waits for the file that A holds, and must give up after 0.3 s.
START=$(centis)
wbio open $F >/tmp/b.out 2>/dev/null &
B=$!
PIDS="$PIDS $B"
wait_line /tmp/b.out . 4
END=$(centis)
check_eq "an opener that waits 0.3 s for a held file gives up with ETIMEDOUT" \
	"error: ETIMEDOUT" "$(cat /tmp/b.out)$([ -s /tmp/b.out ] || echo 'still waiting 4 s later')"
ELAPSED=$((END - START))
check_eq "... after 0.3 s: not sooner, and not much later (0.28 to 3 s)" "yes" \
	"$([ $ELAPSED -ge 28 ] && [ $ELAPSED -le 300 ] && echo yes || echo "no: $ELAPSED hundredths")"
check_eq "... and gives its module reference back (only A's is left)" "1" \
	"$(cat /sys/module/sleep/refcnt)"
check_eq "O_NONBLOCK still fails at once with EAGAIN" "error: EAGAIN" "$(./cat_nonblock $F)"

# The next opener uses a new value at once: 5 s is plenty for A to close.
wbio write $P 5000 >/dev/null 2>&1
check_eq "writing 5000 to the parameter changes it" "5000" "$(cat $P 2>&1)"
bg_hold c
C=$PID
wait_asleep $C
kill $A
wait_line /tmp/c.out '^open$'
check_eq "a waiter whose time has not run out gets the file when A closes" \
	"open" "$(cat /tmp/c.out)"

./sleeper $F >/tmp/d.out 2>&1 &
D=$!
PIDS="$PIDS $D"
wait_asleep $D
kill -INT $D
wait_line /tmp/d.out '^error: EINTR$'
check_eq "a signal still interrupts a timed wait: EINTR" "error: EINTR" "$(cat /tmp/d.out)"

# Three timed waiters; one close must let exactly one of them in.
for n in 1 2 3; do
	bg_hold "w$n"
	eval "W$n=$PID"
	wait_asleep $PID
done
kill $C
i=0
until [ "$(cat /tmp/w[123].out | grep -c open)" -ge 1 ] || [ $i -ge 100 ]; do
	i=$((i + 1))
	sleep 0.05
done
sleep 0.1
ASLEEP=0
for n in 1 2 3; do
	[ "$(eval cat /proc/\$W$n/wchan 2>/dev/null)" = sleep_open ] && ASLEEP=$((ASLEEP + 1))
done
check_eq "one close lets exactly one of three timed waiters in; two sleep on" \
	"1 2" "$(cat /tmp/w[123].out | grep -c open) $ASLEEP"

wbio write $P 0 >/dev/null 2>&1
check_eq "writing 0 sets the parameter back to no limit" "0" "$(cat $P 2>&1)"
# Whoever holds the file, E has to wait; give it time to (wrongly) give up.
bg_hold e
E=$PID
wait_asleep $E
sleep 0.5
check_eq "with timeout_ms=0, a waiter still sleeps 0.5 s later (no limit)" \
	"sleep_open" "$(cat /proc/$E/wchan 2>/dev/null)$(cat /tmp/e.out)"

klog_mark
check_eq "writing 60001 to the parameter fails with EINVAL" "error: EINVAL" \
	"$(wbio write $P 60001 2>/dev/null)"
check_eq "... and the log says what is allowed" \
	"sleep: timeout_ms must be 0 (no limit) to 60000 milliseconds" "$(klog '^sleep: timeout')"
check_eq "... and the value stays 0" "0" "$(cat $P 2>&1)"
check_eq "60000 is accepted" "5 60000" "$(wbio write $P 60000 2>&1) $(cat $P 2>&1)"

# shellcheck disable=SC2086 # $PIDS is a list
kill $PIDS 2>/dev/null
wait
rm -f /tmp/[abcde].out /tmp/w[123].out
run rmmod sleep
check_eq "rmmod succeeds once every holder and waiter is gone" "0" "$RC"

for bad in 60001 -1 abc; do
	klog_mark
	run insmod sleep.ko timeout_ms=$bad
	check_match "insmod sleep.ko timeout_ms=$bad is refused with EINVAL" \
		"Invalid argument" "$OUT"
	check_eq "... and the log says what is allowed" \
		"sleep: timeout_ms must be 0 (no limit) to 60000 milliseconds" \
		"$(klog '^sleep: timeout' | sort -u)"
	rmmod sleep 2>/dev/null
done
check_no_match "no sleep module is left loaded" "^sleep " "$(lsmod)"
done_testing
