#!/bin/sh
# Chapter 11 tests: /dev/reverse turns phrases around, gives each open its
# own buffer, blocks readers until a write arrives, and fails safely. Runs in
# the VM; see initramfs/wb/testlib.sh.
. /wb/testlib.sh
plan 41
# The chapter's tools sit next to this script (make run-qemu puts them on
# PATH too).
export PATH="$PWD:$PATH"

# --- the banner's commands, as make run-qemu shows them --------------------
# banner_cmd N: the command on line N of banner.txt, without the indent and
# the "(what you see)" remark after it.
banner_cmd() {
	sed -n "${1}p" banner.txt | sed -e 's/^ *//' -e 's/   *(.*)$//'
}

transcript try-load "$(banner_cmd 2)"
check_match "banner: 'insmod reverse.ko; ls -l /dev/reverse' shows the node, mode 0666" \
	"^crw-rw-rw- .* /dev/reverse$" "$OUT"
transcript try-fox "$(banner_cmd 3)"
check_eq "banner: reverse 'A quick brown fox ...' turns it around" \
	"[dog lazy the over jumped fox brown quick A]" "$OUT"
transcript try-wake "$(banner_cmd 4)"
check_eq "banner: 'reverse wake; reverse eintr' shows a woken and an interrupted reader" \
	"the reader is blocked in reverse_read
reader: [write a by woken]
the reader is blocked in reverse_read
reader: read: EINTR
signal delivered
then: [works still]" "$OUT"
transcript try-race "$(banner_cmd 5)"
check_match "banner: 'reverse race 2000' reads phrases, none torn" \
	"^read [1-9][0-9]* phrases of 2001 written, 0 torn$" "$OUT"
transcript try-small "$(banner_cmd 6)"
check_eq "banner: with buffer_size=16, a longer phrase gets EMSGSIZE" \
	"write: EMSGSIZE" "$OUT"
rmmod reverse

# --- the device at work -----------------------------------------------------
klog_mark
insmod reverse.ko
check_eq "loading logs the device and its buffer size" \
	"reverse: /dev/reverse ready, 8192-byte buffer per open" "$(klog "reverse: .*ready")"
check_match "/dev/reverse is a character device with mode 0666 (no udev)" \
	"^crw-rw-rw- " "$(ls -l /dev/reverse 2>&1)"
check_match "it is a misc device: major 10, a minor chosen at load" \
	"^10:[0-9]+$" "$(cat /sys/class/misc/reverse/dev 2>&1)"

check_eq "the words of a phrase come back in reverse order" \
	"[dog lazy the over jumped fox brown quick A]" \
	"$(reverse 'A quick brown fox jumped over the lazy dog')"
check_eq "a single word comes back unchanged" "[kernel]" "$(reverse kernel)"
check_eq "a one-letter phrase comes back unchanged" "[x]" "$(reverse x)"
check_eq "multi-byte UTF-8 words come back intact" \
	"[你好 wörld héllo]" "$(reverse 'héllo wörld 你好')"
check_eq "spaces are mirrored: leading become trailing, runs are kept" \
	"[ world big   hello  ]" "$(reverse '  hello   big world ')"
check_eq "only spaces separate words (a tab is part of a word)" \
	"[c a	b]" "$(reverse "$(printf 'a\tb c')")"
check_eq "the empty string: the write does nothing, so a read has nothing (EAGAIN)" \
	"read: EAGAIN" "$(reverse '')"
check_eq "a read consumes the phrase; a short read leaves the rest for the next" \
	"[three ]
[two one]
read: EAGAIN" "$(reverse consume)"
check_eq "two opens have separate buffers" \
	"first: [open first]
second: [open second]" "$(reverse two)"
check_eq "a new open starts empty: a non-blocking read gets EAGAIN" \
	"error: EAGAIN" "$(wbio -n read /dev/reverse 2>/dev/null)"
check_eq "a non-root user can use the device (uid 1000)" \
	"[root no]" "$(reverse -u 1000 'no root')"
check_eq "lseek fails with ESPIPE and moves nothing (a stream: stream_open)" \
	"lseek: ESPIPE
then: [cd ab]" "$(reverse seek)"
check_eq "pread and pwrite, which bring an offset of their own, fail with ESPIPE" \
	"pread: ESPIPE
pwrite: ESPIPE
[cd ab]" "$(rseek write 'ab cd' pread 100 0 pwrite 'xy' 0 read 100)"

check_eq "a blocked reader is woken by a write on the shared fd" \
	"the reader is blocked in reverse_read
reader: [write a by woken]" "$(reverse wake)"
check_eq "a signal interrupts a blocked read with EINTR; the device still works" \
	"the reader is blocked in reverse_read
reader: read: EINTR
signal delivered
then: [works still]" "$(reverse eintr)"
check_eq "with SA_RESTART the interrupted read sleeps again until a write" \
	"the reader is blocked in reverse_read
signal delivered
the reader is blocked again
reader: [write a by woken]" "$(reverse restart)"

check_eq "a read into a bad pointer gets EFAULT and consumes nothing" \
	"bad read: EFAULT
then: [cd ab]" "$(reverse badread)"
check_eq "a write from a bad pointer gets EFAULT and leaves no phrase" \
	"bad write: EFAULT
then: read: EAGAIN" "$(reverse badwrite)"
check_eq "wbio badwrite: EFAULT" "error: EFAULT" "$(wbio badwrite /dev/reverse 2>/dev/null)"

# Every answer is checked; at least 10 of them, so the check means something.
# How many the reader gets depends on the scheduler (the writer yields after
# each write; about 1300 are read under TCG on a quiet host, under 100 on a
# busy one), so the floor is low: a timing, not a behaviour.
run reverse race 2000
check_match "the fork race: 2000 phrases through one shared fd, none torn" \
	"^read [1-9][0-9]+ phrases of 2001 written, 0 torn$" "$OUT"

# A held-open file keeps the module in use.
wbio hold /dev/reverse >/tmp/rev-hold 2>&1 &
holder=$!
wait_line /tmp/rev-hold '^(open|error)'
run rmmod reverse
check_match "rmmod fails while the device is open (.owner)" "in use|busy|temporarily unavailable" "$OUT"
kill "$holder"
wait "$holder" 2>/dev/null
rmmod reverse

# buffer_size: a 16-byte buffer takes 16 bytes and refuses 17.
insmod reverse.ko buffer_size=16
check_eq "a phrase that fills the buffer exactly is accepted" \
	"[pqrstuvw abcdefg]" "$(reverse 'abcdefg pqrstuvw')"
check_eq "a phrase longer than the buffer gets EMSGSIZE" \
	"write: EMSGSIZE" "$(reverse 'abcdefg pqrstuvwx')"
rmmod reverse

for size in 0 1048577 99999999999; do
	klog_mark
	run insmod reverse.ko buffer_size=$size
	check_match "buffer_size=$size is refused at load (EINVAL)" "Invalid argument" "$OUT"
	check_eq "... and the log says what is allowed" \
		"reverse: buffer_size must be 1 to 1048576 bytes, not $size" \
		"$(klog reverse | sort -u)"
done
run insmod reverse.ko buffer_size=1048576
check_eq "buffer_size=1048576 (1 MiB) is accepted" "0" "$RC"
check_eq "... and a 1 MiB-buffer open works" "[b a]" "$(reverse 'a b')"
rmmod reverse

check_eq "the device node is gone after rmmod" "no" \
	"$([ -e /dev/reverse ] && echo yes || echo no)"
check_no_match "no reverse module is left loaded" "^reverse " "$(lsmod)"
done_testing
