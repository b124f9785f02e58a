#!/bin/sh
# Chapter 08 extension "follow": kbleds follows the foreground console. After
# chvt 2 it logs "kbleds: now blinking tty2" and the LEDs blink on tty2;
# back on tty1 the same; the console it left follows its keyboard again; on
# unload the LEDs are given back. The LED states are watched from the host,
# at QEMU's emulated keyboard. Runs in the VM: make check CH=08 EXT=follow.
# The reference solution is solutions/08-kbleds/follow.patch.
. /wb/testlib.sh
plan 11
. ./leds.sh
export PATH="$PWD:$PATH"

# check_blinks DESC REPLY: at least 5 LED changes in the reply, each of them
# toggling all three LEDs (the default pattern 7).
check_blinks() {
	n=$(led_states "$2" | grep -c .)
	bad=$(led_states "$2" | awk 'NR > 1 && xor($1, prev) != 7 { print prev " to " $1 } { prev = $1 }')
	if [ "$n" -ge 5 ] && [ -z "$bad" ]; then
		ok "$1"
	else
		not_ok "$1" "expected at least 5 changes, each toggling pattern 7" \
			"got $n changes: $2" "${bad:+changes that did not toggle 7: $bad}"
	fi
}

# blink_window: the LED changes during one second.
blink_window() {
	host led-log begin
	sleep 1
	host led-log end
}

# Both consoles held open, as a getty or a shell on each would.
hold_tty /dev/tty1
hold_tty /dev/tty2
check_eq "background processes hold tty1 and tty2 open" "open open" \
	"$(held /dev/tty1) $(held /dev/tty2)"
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
caps_flip /dev/tty2
caps=$(led_states "$CAPS" | tail -n 1)
check_eq "on tty2, which it left, Caps Lock flips its LED again" "flipped" \
	"$([ -n "$caps" ] && [ $(((CAPS_FROM ^ caps) & 4)) = 4 ] && echo flipped ||
		echo "LEDs $CAPS_FROM before the key, changes after it: ${CAPS:-none}")"
chvt 1

release_ttys
check_eq "tty1 is in front again at the end" "tty1" "$(cat /sys/class/tty/tty0/active)"
check_no_match "no kbleds module is left loaded" "^kbleds " "$(lsmod)"
done_testing
