#!/bin/sh
# Chapter 08 extension "jiffies": /proc/kbleds shows the period in jiffies
# (msecs_to_jiffies(period_ms), which rounds up) and HZ. Runs in the VM:
# make check CH=08 EXT=jiffies. The reference solution is
# solutions/08-kbleds/jiffies.patch.
. /wb/testlib.sh
plan 5
. ./leds.sh

TTY=/dev/tty1
P=/proc/kbleds

field() { sed -n "s/^$1: //p" $P 2>/dev/null; }

# jiffies_now: the kernel's jiffies counter, as /proc/timer_list shows it.
jiffies_now() { sed -n 's/^jiffies: //p' /proc/timer_list | head -n 1; }

# ceil_jiffies MS HZ: what msecs_to_jiffies(MS) must give at HZ.
ceil_jiffies() { echo $(( ($1 * $2 + 999) / 1000 )); }

hold_tty $TTY

insmod kbleds.ko
HZ=$(field HZ)
# HZ is what the jiffies counter really does: measure it over about 1 s,
# against the uptime clock, and accept 20% either way (TCG can be slow).
read -r u0 _ </proc/uptime
j0=$(jiffies_now)
sleep 1
read -r u1 _ </proc/uptime
j1=$(jiffies_now)
check_eq "/proc/kbleds shows HZ, the rate of the jiffies counter (within 20%)" "ok" \
	"$(awk -v hz="$HZ" -v j0="$j0" -v j1="$j1" -v u0="$u0" -v u1="$u1" 'BEGIN {
		rate = (j1 - j0) / (u1 - u0)
		if (hz > 0 && rate >= 0.8 * hz && rate <= 1.2 * hz) print "ok"
		else printf "HZ: \"%s\", but jiffies went up %.0f a second\n", hz, rate }')"
check_eq "with the default period_ms=200 it shows period_jiffies: 200 ms in jiffies" \
	"$(ceil_jiffies 200 "${HZ:-0}")" "$(field period_jiffies)"
rmmod kbleds
check_eq "/proc/kbleds goes away with the module" "absent" \
	"$([ -e $P ] && echo present || echo absent)"

insmod kbleds.ko period_ms=210
check_eq "with period_ms=210 it shows period_jiffies, rounded up" \
	"$(ceil_jiffies 210 "${HZ:-0}")" "$(field period_jiffies)"
check_match "... and the shown HZ is one the kernel can have" \
	'^(100|250|300|1000)$' "$HZ"
rmmod kbleds
release_ttys
done_testing
