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
export PATH="$PWD:$PATH"

TTY=/dev/tty1

# states REPLY: the LED states of a led-log reply, in order, on one line.
states() { printf '%s\n' $1 | grep ':' | sed 's/.*://' | tr '\n' ' ' | sed 's/ $//'; }

# median_ms REPLY: the median time between two changes, in ms.
median_ms() {
	printf '%s\n' $1 | grep ':' | awk -F: 'NR > 1 { printf "%d\n", ($1 - t) * 1000 } { t = $1 }' |
		sort -n | awk '{ v[NR] = $1 } END { if (NR) print v[int((NR + 1) / 2)] }'
}

wbio hold $TTY >/tmp/holder.out 2>&1 &
holder=$!
wait_line /tmp/holder.out '^(open|error)'
BEFORE=$(getleds $TTY)

# --- sweep=1, every 100 ms ----------------------------------------------------
host led-log begin
run insmod kbleds.ko sweep=1 period_ms=100
LOADED=$RC
sleep 1.3
host led-log end
SWEEP=$HOST_REPLY
run rmmod kbleds
UNLOADED=$RC
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
host led-log begin
run insmod kbleds.ko period_ms=100 pattern=2
LOADED=$RC
sleep 0.7
host led-log end
BLINK=$HOST_REPLY
rmmod kbleds
check_eq "without sweep, kbleds loads with period_ms=100 pattern=2" "0" "$LOADED"
seen=$(states "$BLINK")
n=$(echo $seen | wc -w)
expect=$(awk -v n="$n" 'BEGIN { if (n < 4) n = 4; for (i = 0; i < n; i++) printf "%s%s", (i ? " " : ""), (i % 2 ? 0 : 2) }')
check_eq "... and toggles Num Lock alone, at least 4 times: 2 0 2 0 ..." "$expect" "$seen"

kill "$holder"
wait "$holder" 2>/dev/null
check_no_match "no kbleds module is left loaded" "^kbleds " "$(lsmod)"
done_testing
