#!/bin/sh
# Chapter 04 tests: /dev/chardev appears and disappears with the module,
# read and write honour the file position, the ioctls work and fail safely,
# and only one process may hold the device. Runs in the VM as root.
. /wb/testlib.sh
plan 47

DEV=/dev/chardev
MAX=128		# CHARDEV_MSG_MAX in chardev.h

# stdout CMD...: like run, but OUT is only what CMD prints on stdout.
stdout() {
	OUT=$("$@" 2>/dev/null)
	RC=$?
}

check_eq "there is no $DEV before the module is loaded" "absent" \
	"$([ -e $DEV ] && echo present || echo absent)"

klog_mark
insmod chardev.ko
LINE=$(klog 'is device')
check_match "insmod logs the device number the kernel chose" \
	'^chardev: /dev/chardev is device [0-9]+:0$' "$LINE"
NUM=${LINE##* }
check_eq "the class device in sysfs has that number" "$NUM" \
	"$(cat /sys/class/chardev/chardev/dev 2>&1)"
check_eq "devtmpfs created $DEV as a character device with that number" \
	"character special file $NUM" \
	"$(stat -c '%F 0x%t 0x%T' $DEV 2>&1 | { read -r a b c maj min &&
		printf '%s %s %s %d:%d' "$a" "$b" "$c" "$maj" "$min"; })"

run wbio read $DEV
check_eq "reading gives the initial message" "Hello from /dev/chardev" "$OUT"

run wbio write $DEV "hello world"
check_eq "write(2) of 11 bytes returns 11" "11" "$OUT"
check_eq "... and reading gives them back" "hello world" "$(wbio read $DEV)"
run wbio read $DEV 3
check_eq "reading in 3-byte chunks advances the position (*ppos) and ends" \
	"hello world" "$(wbio read $DEV 3 | head -c 200)"
wbio write $DEV hi >/dev/null
check_eq "a write at offset 0 makes the message end where the write ends" \
	"hi" "$(wbio read $DEV)"
printf abcdef | dd of=$DEV bs=3 2>/dev/null
check_eq "two 3-byte writes on one open file land one after the other" \
	"abcdef" "$(wbio read $DEV)"

LONG=$(printf "%0$((MAX + 72))d" 0)
run wbio write $DEV "$LONG"
check_eq "a write longer than the $MAX-byte buffer is cut short to $MAX" "$MAX" "$OUT"
check_eq "... and the first $MAX bytes are kept" "$(printf "%0${MAX}d" 0)" \
	"$(wbio read $DEV)"
run sh -c "printf '%s' '$LONG' | dd of=$DEV bs=$((MAX + 72))"
check_match "writing on past the full buffer fails with ENOSPC" \
	"No space left on device" "$OUT"

stdout wbio badread $DEV
check_eq "read(2) into an unmapped buffer fails with EFAULT" "error: EFAULT" "$OUT"
stdout wbio badwrite $DEV
check_eq "write(2) from an unmapped buffer fails with EFAULT" "error: EFAULT" "$OUT"

run ./ioctl
check_eq "the ioctl program sets, gets and walks the message byte by byte" \
	'set: 23 bytes
get: "Message passed by ioctl" (23 bytes)
nth: Message passed by ioctl
nth 23: error: EINVAL' "$OUT"
check_eq "read(2) sees the message SET_MSG stored" "Message passed by ioctl" \
	"$(wbio read $DEV)"
run ./ioctl nth 8
check_eq "GET_NTH_BYTE 8 returns the 'p' of \"passed\"" "nth 8: 'p' (0x70)" "$OUT"
run ./ioctl nth 23
check_eq "GET_NTH_BYTE at the message length fails with EINVAL" "error: EINVAL" "$OUT"
run ./ioctl nth 4294967295
check_eq "GET_NTH_BYTE 2^32-1 fails with EINVAL" "error: EINVAL" "$OUT"
run ./ioctl unknown
check_eq "an ioctl number the driver does not know fails with ENOTTY" \
	"error: ENOTTY" "$OUT"

run ./ioctl get 22
check_eq "GET_MSG into a buffer one byte too small fails with ERANGE and the size needed" \
	"error: ERANGE (need 23 bytes)" "$OUT"
run ./ioctl get 23
check_eq "GET_MSG into a buffer of exactly the message length works" \
	'get: "Message passed by ioctl" (23 bytes)' "$OUT"

run ./ioctl set "$(printf "%0${MAX}d" 7)"
check_eq "SET_MSG takes a message of exactly $MAX bytes" "set: $MAX bytes" "$OUT"
run ./ioctl set "$(printf "%0$((MAX + 1))d" 8)"
check_eq "SET_MSG refuses a message of $((MAX + 1)) bytes with EMSGSIZE" \
	"error: EMSGSIZE" "$OUT"
check_eq "... and the message stays as it was" "$(printf "%0${MAX}d" 7)" \
	"$(wbio read $DEV)"

for what in set setbuf get getbuf nth; do
	run ./ioctl bad $what
	check_eq "ioctl 'bad $what': an unmapped user pointer gets EFAULT" \
		"error: EFAULT" "$OUT"
done

wbio hold $DEV >/tmp/holder &
HOLDER=$!
wait_line /tmp/holder '^open$'
check_eq "a process holds $DEV open" "open" "$(cat /tmp/holder)"
stdout wbio open $DEV
check_eq "a second open while it is held fails with EBUSY" "error: EBUSY" "$OUT"
REFS=$(cat /sys/module/chardev/refcnt)
check_eq "the open file holds references to the module (cdev and fops .owner)" \
	"yes ($REFS)" "$([ "$REFS" -gt 0 ] && echo yes) ($REFS)"
run rmmod chardev
check_eq "rmmod fails while the device is open" "1" "$([ "$RC" != 0 ] && echo 1)"
# delete_module(2) answers EWOULDBLOCK (= EAGAIN) for a module in use.
check_match "... saying the module is busy (EAGAIN)" \
	"can't unload module 'chardev': Resource temporarily unavailable" "$OUT"
check_match "... and the module stays loaded" "^chardev " "$(lsmod)"
kill $HOLDER
wait $HOLDER 2>/dev/null
run wbio open $DEV
check_eq "once the holder has closed it, the device opens again" "open" "$OUT"

run rmmod chardev
check_eq "rmmod succeeds when nobody has the device open" "0" "$RC"
check_eq "$DEV disappears with the module" "absent" \
	"$([ -e $DEV ] && echo present || echo absent)"
check_eq "the class is gone too" "absent" \
	"$([ -e /sys/class/chardev ] && echo present || echo absent)"
rm -f /tmp/holder

# --- the banner's commands, as the student types them --------------------
transcript banner-1 'insmod chardev.ko; dmesg | tail -1; ls -l /dev/chardev'
check_match "banner: insmod logs the number, and ls -l shows a character device" \
	"^c.* /dev/chardev$" "$(printf '%s\n' "$OUT" | grep -A1 'chardev: /dev/chardev is device [0-9]*:0$')"
transcript banner-2 'cat /dev/chardev; echo hello >/dev/chardev; cat /dev/chardev'
check_eq "banner: cat, echo hello, cat: the first message, then hello" \
	"Hello from /dev/chardev
hello" "$OUT"
transcript banner-3 'ioctl'
check_eq "banner: ioctl sets, gets and walks the message" \
	'set: 23 bytes
get: "Message passed by ioctl" (23 bytes)
nth: Message passed by ioctl
nth 23: error: EINVAL' "$OUT"
transcript banner-4 'ioctl get 4; ioctl nth 99; ioctl unknown'
check_eq "banner: the three failing ioctls print ERANGE, EINVAL and ENOTTY" \
	"error: ERANGE (need 23 bytes)
error: EINVAL
error: ENOTTY" "$OUT"
# The banner's "wbio hold /dev/chardev &" is job 1 of the student's shell.
wbio hold $DEV >/tmp/holder &
HOLDER=$!
wait_line /tmp/holder '^open$'
transcript banner-5 'wbio open /dev/chardev'
check_match "banner: while job 1 holds it, wbio open fails with EBUSY" "^error: EBUSY" "$OUT"
kill $HOLDER
wait $HOLDER 2>/dev/null
rm -f /tmp/holder
transcript banner-6 'rmmod chardev; ls /dev/chardev'
check_match "banner: after rmmod, ls finds no /dev/chardev" "No such file" "$OUT"

done_testing
