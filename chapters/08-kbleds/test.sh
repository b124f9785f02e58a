#!/bin/sh
# Chapter 08 tests: kbleds blinks the keyboard LEDs at its period, stops and
# restores them on unload, and refuses to load without a console tty. The
# LED states are watched from outside, at QEMU's emulated PS/2 keyboard.
. /wb/testlib.sh
plan 30
. ./leds.sh

TTY=/dev/tty1
# The chapter's tools sit next to this script (make run-qemu puts them on
# PATH too).
export PATH="$PWD:$PATH"

# check_blink DESC REPLY PERIOD_MS PATTERN MIN_CHANGES [WHOLE]: the LEDs
# changed at least MIN_CHANGES times, each change (of WHOLE, the window up to
# after rmmod, if given) flipped exactly the PATTERN bits (starting from the
# state before loading, $BEFORE), and the median time
# between changes is within 30% of PERIOD_MS (the host clock sees the
# guest's timer through a tasklet, a work item and the keyboard's command
# queue, under an emulator sharing its CPU: single intervals jitter).
check_blink() {
	changes=$(led_changes "$2")
	n=$(printf '%s\n' "$changes" | grep -c ':')
	if [ "$n" -ge "$5" ]; then
		ok "$1: the LEDs changed at least $5 times"
	else
		not_ok "$1: the LEDs changed at least $5 times" "got $n changes: $2"
	fi
	bad=$(led_changes "${6:-$2}" | awk -F: -v prev="$BEFORE" -v p="$4" '
		{ if (xor($2, prev) != p) print "from " prev " to " $2 " at " $1 "s"; prev = $2 }')
	check_eq "$1: each change toggles exactly the LEDs of pattern $4" "" "$bad"
	median=$(median_ms "$2")
	lo=$(($3 * 7 / 10))
	hi=$(($3 * 13 / 10))
	if [ -n "$median" ] && [ "$median" -ge $lo ] && [ "$median" -le $hi ]; then
		ok "$1: the LEDs change every $3 ms (median ${median} ms, allowed $lo..$hi)"
	else
		not_ok "$1: the LEDs change every $3 ms (median within $lo..$hi ms)" \
			"median: ${median:-none}" "changes: $2"
	fi
}

# --- the banner's commands, as make run-qemu shows them --------------------
# banner_cmd N: the command on line N of banner.txt, without the indent and
# the "(what you see)" remark after it.
banner_cmd() {
	sed -n "${1}p" banner.txt | sed -e 's/^ *//' -e 's/   *(.*)$//'
}

BEFORE=$(getleds $TTY)
transcript try-notty "$(banner_cmd 2)"
check_match "banner: 'insmod kbleds.ko' with nobody on the console fails (No such device)" \
	"No such device" "$OUT"
# Line 3 puts a holder in the background; run it in this shell, where it can
# be killed later. It holds the tty once its stdin is /dev/tty1 (a symlink
# in /proc, which wait_line cannot watch: at most 5 s of 0.05 s polls).
eval "$(banner_cmd 3)" >/dev/null 2>&1
banner_holder=$!
i=0
until [ "$(readlink /proc/$banner_holder/fd/0)" = $TTY ] || [ $i -ge 100 ]; do
	sleep 0.05
	i=$((i + 1))
done
transcript try-load "$(banner_cmd 4)"
check_match "banner: with the console held open, insmod kbleds.ko blinks all LEDs" \
	"kbleds: blinking LEDs 7 on tty1 every 200 ms$" "$OUT"
transcript try-getleds "$(banner_cmd 5)"
check_eq "banner: getleds, six times 0.15 s apart, reads 7 and 0 in turn" "0 7" \
	"$(printf '%s\n' "$OUT" | grep -E '^[0-9]+$' | sort -u | tr '\n' ' ' | sed 's/ $//')"
transcript try-param "$(banner_cmd 6)"
check_match "banner: period_ms=500 pattern=4 blinks Caps Lock every 500 ms" \
	"kbleds: blinking LEDs 4 on tty1 every 500 ms$" "$OUT"
transcript try-unload "$(banner_cmd 7)"
check_eq "banner: after rmmod, getleds reads the state before loading" "$BEFORE" "$OUT"
kill "$banner_holder"
wait "$banner_holder" 2>/dev/null

# --- without a console tty, and with bad parameters ----------------------
klog_mark
run insmod kbleds.ko
check_match "with nobody holding the console open, loading fails with ENODEV" \
	"No such device" "$OUT"
check_match "... and the log says to open the console first" \
	"^kbleds: no tty on the foreground console \(tty1\): open it first" "$(klog kbleds)"
check_no_match "... and the module is not loaded" "^kbleds " "$(lsmod)"
# For the book: the line the module logs (busybox insmod tries twice).
transcript notty-log "dmesg | grep kbleds: | tail -n 1"

hold_tty $TTY
check_eq "a background process holds $TTY open" "open" "$(held $TTY)"

run insmod kbleds.ko period_ms=10
check_match "a period below 50 ms is refused (EINVAL)" "Invalid argument" "$OUT"
run insmod kbleds.ko pattern=8
check_match "a pattern outside 1..7 is refused (EINVAL)" "Invalid argument" "$OUT"
run insmod kbleds.ko pattern=0
check_match "pattern 0 (nothing to blink) is refused (EINVAL)" "Invalid argument" "$OUT"
check_no_match "none of these loaded the module" "^kbleds " "$(lsmod)"

# --- blinking with the defaults: all LEDs every 200 ms --------------------
# One led-log window from before insmod to 0.5 s after rmmod. "end" does not
# close the window, so asking at three moments gives three growing lists:
# BLINK (loaded), UNLOADED (just after rmmod returned), ALL (0.5 s later).
BEFORE=$(./getleds $TTY)
check_match "KDGETLED reads the LED state before loading" "^[0-7]$" "$BEFORE"
klog_mark
host led-log begin
run insmod kbleds.ko
check_eq "with $TTY open, kbleds loads" "0" "$RC"
sleep 1.3
host led-log end
BLINK=$HOST_REPLY
check_eq "it says what it blinks" "kbleds: blinking LEDs 7 on tty1 every 200 ms" "$(klog kbleds)"
klog_mark
run rmmod kbleds
host led-log end
UNLOADED=$HOST_REPLY
sleep 0.5
host led-log end
ALL=$HOST_REPLY

check_blink "defaults" "$BLINK" 200 7 5 "$ALL"
check_eq "kbleds unloads" "0" "$RC"
check_eq "it says the LEDs are given back" \
	"kbleds: stopped; the LEDs follow the keyboard again" "$(klog kbleds)"
late=$(led_changes "$ALL" | tail -n "+$(($(led_changes "$UNLOADED" | grep -c :) + 1))")
check_eq "in the 0.5 s after rmmod the LEDs do not blink any more" "" \
	"$(printf '%s\n' "$late" | grep : | grep -v ":$BEFORE\$")"
last=$(led_changes "$ALL" | tail -n 1)
check_eq "after rmmod the LEDs are back to the state before loading" \
	"$BEFORE" "${last#*:}"
check_eq "KDGETLED agrees after rmmod" "$BEFORE" "$(./getleds $TTY)"

# KDSETLED 0xff gave the LEDs back to the keyboard: Caps Lock now lights its
# LED again (while kbleds held them, it would not). caps_lit REPLY: is the
# Caps Lock bit set in the last state of a led-log reply? (caps_flip presses
# it twice, so that the keyboard is left as we found it.)
caps_lit() {
	last=$(led_changes "$1" | tail -n 1)
	[ -n "$last" ] && [ $((${last#*:} & 4)) = 4 ]
}
caps_flip $TTY
if caps_lit "$CAPS"; then
	ok "after rmmod the LEDs follow the keyboard again (Caps Lock lights its LED)"
else
	not_ok "after rmmod the LEDs follow the keyboard again (Caps Lock lights its LED)" \
		"LED changes after pressing Caps Lock: ${CAPS:-none}"
fi

# --- the parameters: only Caps Lock, every 100 ms -------------------------
BEFORE=$(./getleds $TTY)
led_run 0.7 period_ms=100 pattern=4
check_eq "kbleds loads with period_ms=100 pattern=4" "0" "$LOADED"
check_blink "period_ms=100 pattern=4" "$LEDS" 100 4 5

release_ttys
check_no_match "no kbleds module is left loaded" "^kbleds " "$(lsmod)"

done_testing
