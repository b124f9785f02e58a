#!/bin/sh
# Chapter 05 tests: /proc/sleep lets one process in at a time; O_NONBLOCK
# openers get EAGAIN, the others sleep until the holder closes, signals
# interrupt the sleep, and the module cannot go while anybody is inside.
# Runs in the VM as root.
. /wb/testlib.sh
plan 32

F=/proc/sleep
MSG_MAX=64	# SLEEP_MSG_MAX in sleep.c

# wchan PID: the kernel function process PID sleeps in.
wchan() {
	cat "/proc/$1/wchan" 2>/dev/null
}

# wait_asleep PID: wait (5 s at most) until PID sleeps in sleep_open().
wait_asleep() {
	wait_line "/proc/$1/wchan" '^sleep_open$'
}

# state PID: the scheduler state letter of PID (S: interruptible sleep).
state() {
	sed 's/.*) \(.\).*/\1/' "/proc/$1/stat" 2>/dev/null
}

refcnt() {
	cat /sys/module/sleep/refcnt
}

# bg_hold NAME: a background "wbio hold $F" writing to /tmp/NAME.out; PID=its pid.
bg_hold() {
	wbio hold $F >"/tmp/$1.out" 2>&1 &
	PID=$!
}

klog_mark
insmod sleep.ko
check_eq "insmod creates $F" "sleep: /proc/sleep created" "$(klog '^sleep: /proc')"
check_eq "reading gives the initial message" "nobody has written here yet" \
	"$(wbio read $F)"
run wbio write $F "from the test"
check_eq "a write of 13 bytes returns 13" "13" "$OUT"
check_eq "... and the next reader gets the message" "from the test" "$(wbio read $F)"
OUT=$(wbio write $F "$(printf "%0$((MSG_MAX + 1))d" 0)" 2>/dev/null)
check_eq "a message longer than $MSG_MAX bytes is refused with EMSGSIZE" \
	"error: EMSGSIZE" "$OUT"
check_eq "... and the old message stays" "from the test" "$(wbio read $F)"
check_eq "a read into an unmapped buffer fails with EFAULT" "error: EFAULT" \
	"$(wbio badread $F 2>/dev/null)"
check_eq "a write from an unmapped buffer fails with EFAULT" "error: EFAULT" \
	"$(wbio badwrite $F 2>/dev/null)"
check_eq "cat_nonblock reads the file when nobody holds it" "from the test" \
	"$(./cat_nonblock $F)"
check_eq "nobody holds the file: no module reference is left" "0" "$(refcnt)"

# A holds the file.
bg_hold a
A=$PID
wait_line /tmp/a.out '^open$'
check_eq "process A opens and holds $F" "open" "$(cat /tmp/a.out)"
check_eq "A's open file holds one module reference" "1" "$(refcnt)"
check_eq "B, opening with O_NONBLOCK while A holds it, gets EAGAIN" \
	"error: EAGAIN" "$(./cat_nonblock $F)"

# C blocks in open until A closes. This is "cat $F &" from the banner.
cat $F >/tmp/c.out 2>&1 &
C=$!
wait_asleep $C
check_eq "C, opening normally, sleeps in sleep_open()" "sleep_open" "$(wchan $C)"
check_eq "... in an interruptible sleep (state S)" "S" "$(state $C)"
check_eq "... and holds a module reference while it sleeps" "2" "$(refcnt)"

# D sleeps too, and is interrupted by SIGINT.
./sleeper $F >/tmp/d.out 2>&1 &
D=$!
wait_asleep $D
kill -INT $D
wait $D
check_eq "D, asleep in open, is interrupted by SIGINT: open fails with EINTR" \
	"error: EINTR" "$(cat /tmp/d.out)"
check_eq "... and its module reference is given back" "2" "$(refcnt)"

# E sleeps and is killed: a fatal signal ends the sleep too.
cat $F >/dev/null 2>&1 &
E=$!
wait_asleep $E
kill $E
wait $E
check_eq "E, asleep in open, dies of SIGTERM (exit status 143)" "143" "$?"
check_eq "... and its module reference is given back" "2" "$(refcnt)"

run rmmod sleep
check_eq "rmmod fails while A holds the file and C sleeps in it" "1" \
	"$([ "$RC" != 0 ] && echo 1)"
check_match "... saying the module is busy (EAGAIN)" \
	"can't unload module 'sleep': Resource temporarily unavailable" "$OUT"
check_eq "... and $F is still there" "present" "$([ -e $F ] && echo present)"

# Give C time to (wrongly) get through; it must still be waiting.
sleep 0.3
check_eq "0.3 s later C still sleeps in sleep_open() and has printed nothing" \
	"sleep_open " "$(wchan $C) $(cat /tmp/c.out)"

kill $A
wait $A
wait_line /tmp/c.out '^from the test$'
check_eq "once A has closed the file, C wakes up, opens it and reads it" \
	"from the test" "$(cat /tmp/c.out)"
kill $C 2>/dev/null
wait $C
check_eq "everybody has closed: no module reference is left" "0" "$(refcnt)"

# Several sleepers: each close lets exactly one of them in.
bg_hold h0
CUR=$PID
wait_line /tmp/h0.out '^open$'
WAITERS=
for n in 1 2 3; do
	bg_hold "w$n"
	eval "W$n=$PID"
	wait_asleep $PID
	WAITERS="$WAITERS $n"
done
for round in 1 2 3; do
	kill $CUR
	wait $CUR
	# Wait for one waiter to get the file, then give the others a chance
	# to (wrongly) get it as well.
	i=0
	while :; do
		GOT=
		for n in $WAITERS; do
			grep -qx open "/tmp/w$n.out" && GOT="$GOT $n"
		done
		[ -n "$GOT" ] || [ "$i" -gt 40 ] && break
		i=$((i + 1))
		sleep 0.05
	done
	sleep 0.1
	GOT=
	ASLEEP=0
	for n in $WAITERS; do
		if grep -qx open "/tmp/w$n.out"; then
			GOT="$GOT $n"
		else
			[ "$(eval wchan \$W$n)" = sleep_open ] && ASLEEP=$((ASLEEP + 1))
		fi
	done
	check_eq "close number $round lets exactly one waiter in ($((3 - round)) still asleep)" \
		"1 $((3 - round))" "$(echo $GOT | wc -w) $ASLEEP"
	[ -n "$GOT" ] || break
	n=${GOT# }
	n=${n%% *}
	eval "CUR=\$W$n"
	WAITERS=$(echo " $WAITERS " | sed "s/ $n / /")
done
kill $CUR $(for n in $WAITERS; do eval echo \$W$n; done) 2>/dev/null
wait

klog_mark
run rmmod sleep
check_eq "rmmod succeeds once everybody has closed the file" "0" "$RC"
check_eq "... and $F is gone" "absent" "$([ -e $F ] || echo absent)"
check_eq "... as the module logs" "sleep: /proc/sleep removed" "$(klog '^sleep: /proc')"
rm -f /tmp/a.out /tmp/c.out /tmp/d.out /tmp/h0.out /tmp/w[123].out

done_testing
