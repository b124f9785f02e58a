#!/bin/sh
# Chapter 08 extension "follow": kbleds follows the foreground console. After
# chvt 2 it logs "kbleds: now blinking tty2" and the LEDs blink on tty2;
# back on tty1 the same; the console it left follows its keyboard again; on
# unload the LEDs are given back. The LED states are watched from the host,
# at QEMU's emulated keyboard. Runs in the VM: make check CH=08 EXT=follow.
# The reference solution is solutions/08-kbleds/follow.patch.
. /wb/testlib.sh
plan 11
export PATH="$PWD:$PATH"

# states REPLY: the LED states of a led-log reply, in order, one a line.
states() { printf '%s\n' $1 | grep ':' | sed 's/.*://'; }

# check_blinks DESC REPLY: at least 5 LED changes in the reply, each of them
# toggling all three LEDs (the default pattern 7).
check_blinks() {
	n=$(states "$2" | grep -c .)
	bad=$(states "$2" | awk 'NR > 1 && xor($1, prev) != 7 { print prev " to " $1 } { prev = $1 }')
	if [ "$n" -ge 5 ] && [ -z "$bad" ]; then
		ok "$1"
	else
		not_ok "$1" "expected at least 5 changes, each toggling pattern 7" \
			"got $n changes: $2" "${bad:+changes that did not toggle 7: $bad}"
	fi
}

# wait_klog ERE: wait (5 s at most) for a kernel log line since the mark.
wait_klog() {
	i=0
	until klog "$1" >/dev/null || [ $i -ge 100 ]; do
		sleep 0.05
		i=$((i + 1))
	done
}

# blink_window: the LED changes during one second.
blink_window() {
	host led-log begin
	sleep 1
	host led-log end
}

# Both consoles held open, as a getty or a shell on each would.
for n in 1 2; do
	wbio hold /dev/tty$n >/tmp/holder$n.out 2>&1 &
	eval "holder$n=\$!"
	wait_line /tmp/holder$n.out '^(open|error)'
done
check_eq "background processes hold tty1 and tty2 open" "open open" \
	"$(cat /tmp/holder1.out) $(cat /tmp/holder2.out)"
BEFORE=$(getleds /dev/tty1)

klog_mark
run insmod kbleds.ko period_ms=100
check_eq "kbleds loads on tty1, the console in front" \
	"0 kbleds: blinking LEDs 7 on tty1 every 100 ms" "$RC $(klog '^kbleds: blinking')"

klog_mark
chvt 2
wait_klog '^kbleds: now blinking tty2$'
check_eq "after chvt 2 it logs 'kbleds: now blinking tty2' (within 5 s)" \
	"kbleds: now blinking tty2" "$(klog '^kbleds: now')"
blink_window
check_blinks "... and the LEDs blink on tty2: at least 5 changes in 1 s, each of all three" \
	"$HOST_REPLY"

klog_mark
chvt 1
wait_klog '^kbleds: now blinking tty1$'
check_eq "after chvt 1 it logs 'kbleds: now blinking tty1'" \
	"kbleds: now blinking tty1" "$(klog '^kbleds: now')"
blink_window
check_blinks "... and the LEDs blink on tty1 again" "$HOST_REPLY"

klog_mark
run rmmod kbleds
check_eq "rmmod succeeds and logs only that the LEDs are given back" \
	"0 kbleds: stopped; the LEDs follow the keyboard again" "$RC $(klog '^kbleds')"
check_eq "after rmmod the LEDs show tty1's state from before loading" \
	"$BEFORE" "$(getleds /dev/tty1)"

# tty2, which kbleds left for tty1, must show its own keyboard's state
# again: there, Caps Lock flips its LED. (A console left at KDSETLED's state
# keeps showing that state, whatever the keys do.)
chvt 2
sleep 0.2
S0=$(getleds /dev/tty2)
host led-log begin
host send-keys caps_lock
i=0
host led-log end
until [ -n "$(states "$HOST_REPLY")" ] || [ $i -ge 20 ]; do
	sleep 0.05
	i=$((i + 1))
	host led-log end
done
CAPS=$HOST_REPLY
host send-keys caps_lock
sleep 0.2
caps=$(states "$CAPS" | tail -n 1)
check_eq "on tty2, which it left, Caps Lock flips its LED again" "flipped" \
	"$([ -n "$caps" ] && [ $(((S0 ^ caps) & 4)) = 4 ] && echo flipped ||
		echo "LEDs $S0 before the key, changes after it: ${CAPS:-none}")"
chvt 1

for n in 1 2; do
	eval "kill \$holder$n; wait \$holder$n" 2>/dev/null
	rm -f /tmp/holder$n.out
done
check_eq "tty1 is in front again at the end" "tty1" "$(cat /sys/class/tty/tty0/active)"
check_no_match "no kbleds module is left loaded" "^kbleds " "$(lsmod)"
done_testing
