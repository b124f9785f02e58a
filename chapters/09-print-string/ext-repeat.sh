#!/bin/sh
# Chapter 09 extension "repeat": the parameter repeat=N (1 to 10, default 1)
# writes the message N times on load, each time ending in \r\n, none cut
# short; the log counts all the bytes; the farewell still comes once; other
# values are refused with EINVAL and a log line. Runs in the VM:
# make check CH=09 EXT=repeat. The reference solution is
# solutions/09-print-string/repeat.patch.
. /wb/testlib.sh
plan 12
. ./greeting.sh

# ntimes N TEXT: TEXT and \r\n, N times.
ntimes() {
	i=0
	while [ $i -lt "$1" ]; do
		printf '%s\r\n' "$2"
		i=$((i + 1))
	done
}

klog_mark
ptyrun insmod print_string.ko repeat=3 >/tmp/ps-rep
check_eq "repeat=3 writes the greeting three times, each ending in \\r\\n" \
	"$(ntimes 3 "$HELLO" | bytes)" "$(bytes </tmp/ps-rep)"
n=$(((${#HELLO} + 2) * 3))
check_match "... and the log counts all the bytes: wrote $n of $n" \
	"^print_string: wrote $n of $n bytes to pts[0-9]+$" "$(klog '^print_string: ')"
check_eq "the parameter is visible, read-only, in sysfs" "-r--r--r-- 3" \
	"$(ls -l /sys/module/print_string/parameters/repeat 2>&1 | cut -c1-10) $(cat /sys/module/print_string/parameters/repeat 2>&1)"
ptyrun rmmod print_string >/tmp/ps-rep
check_eq "the farewell still comes once" "$(ntimes 1 "$BYE" | bytes)" "$(bytes </tmp/ps-rep)"

ptyrun insmod print_string.ko >/tmp/ps-rep
rmmod print_string
check_eq "without repeat, the greeting comes once" "$(ntimes 1 "$HELLO" | bytes)" "$(bytes </tmp/ps-rep)"

long=$(printf '%0160d' 7)
klog_mark
ptyrun insmod print_string.ko repeat=10 "message=$long" >/tmp/ps-rep
rmmod print_string
check_eq "repeat=10 with a 160-byte message: ten whole lines, nothing cut short" \
	"$(ntimes 10 "$long" | bytes)" "$(bytes </tmp/ps-rep)"
check_match "... and the log says wrote 1620 of 1620 bytes" \
	"^print_string: wrote 1620 of 1620 bytes to pts[0-9]+$" "$(klog '^print_string: wrote')"

for bad in 0 11; do
	klog_mark
	run ptyrun insmod print_string.ko repeat=$bad
	check_match "repeat=$bad is refused at load (EINVAL)" "Invalid argument" "$OUT"
	check_eq "... and the log says repeat must be 1 to 10" \
		"print_string: repeat must be 1 to 10, not $bad" "$(klog '^print_string: ' | sort -u)"
done

check_no_match "no print_string module is left loaded" "^print_string " "$(lsmod)"
done_testing
