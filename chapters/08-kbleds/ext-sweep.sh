#!/bin/sh
# Chapter 08 extension "sweep": with sweep=1, kbleds runs a light to and fro
# across the LEDs, Scroll Lock, Num Lock, Caps Lock, Num Lock, Scroll Lock,
# ... (the states 1 2 4 2 1 2 4 ...), one step per period; without it, it
# still blinks the pattern; on unload the LEDs are given back. The LED states
# are watched from the host, at QEMU's emulated keyboard. Runs in the VM:
# make check CH=08 EXT=sweep. The reference solution is
# solutions/08-kbleds/sweep.patch.
. /wb/testlib.sh
plan 9
. ./leds.sh
export PATH="$PWD:$PATH"

TTY=/dev/tty1

# states REPLY: the LED states of a led-log reply, in order, on one line.
states() { led_states "$1" | tr '\n' ' ' | sed 's/ $//'; }

hold_tty $TTY
BEFORE=$(getleds $TTY)

# --- sweep=1, every 100 ms ----------------------------------------------------
led_run 1.3 sweep=1 period_ms=100
SWEEP=$LEDS
check_eq "kbleds loads with sweep=1 period_ms=100" "0" "$LOADED"
seen=$(states "$SWEEP")
n=$(echo $seen | wc -w)
if [ "$n" -ge 9 ]; then
	ok "sweep=1: the LEDs changed at least 9 times in 1.3 s"
else
	not_ok "sweep=1: the LEDs changed at least 9 times in 1.3 s" "states: $seen"
fi
# The first n states of the endless sweep 1 2 4 2 1 2 4 2 ...
expect=$(awk -v n="$n" 'BEGIN { split("1 2 4 2", s); for (i = 0; i < n; i++) printf "%s%s", (i ? " " : ""), s[i % 4 + 1] }')
check_eq "sweep=1: the light runs Scroll, Num, Caps, Num, Scroll, ... (1 2 4 2 1 ...)" \
	"$expect" "$seen"
median=$(median_ms "$SWEEP")
if [ -n "$median" ] && [ "$median" -ge 70 ] && [ "$median" -le 130 ]; then
	ok "sweep=1: one step every 100 ms (median $median ms, allowed 70..130)"
else
	not_ok "sweep=1: one step every 100 ms (median within 70..130 ms)" \
		"median: ${median:-none}" "changes: $SWEEP"
fi
check_eq "kbleds unloads" "0" "$UNLOADED"
check_eq "after rmmod the LEDs are back to the state before loading" \
	"$BEFORE" "$(getleds $TTY)"

# --- without sweep, the pattern still blinks ----------------------------------
led_run 0.7 period_ms=100 pattern=2
BLINK=$LEDS
check_eq "without sweep, kbleds loads with period_ms=100 pattern=2" "0" "$LOADED"
seen=$(states "$BLINK")
n=$(echo $seen | wc -w)
expect=$(awk -v n="$n" 'BEGIN { if (n < 4) n = 4; for (i = 0; i < n; i++) printf "%s%s", (i ? " " : ""), (i % 2 ? 0 : 2) }')
check_eq "... and toggles Num Lock alone, at least 4 times: 2 0 2 0 ..." "$expect" "$seen"

release_ttys
check_no_match "no kbleds module is left loaded" "^kbleds " "$(lsmod)"
done_testing
