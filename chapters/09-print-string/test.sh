#!/bin/sh
# Chapter 09 tests: print_string writes its line on the terminal of the
# process that loads it (a pseudo-terminal, the serial console) and says so
# in the log when there is none. Runs in the VM; see initramfs/wb/testlib.sh.
. /wb/testlib.sh
plan 28
. ./greeting.sh

# ptyrun prints what reached the terminal; a fresh file per run.
klog_mark
ptyrun insmod print_string.ko >/tmp/ps-load
RC=$?
check_eq "insmod on a pseudo-terminal succeeds" 0 "$RC"
check_eq "loading writes the greeting on the loader's terminal, ending in \\r\\n" \
	"$(printf '%s\r\n' "$HELLO" | bytes)" "$(bytes </tmp/ps-load)"
check_match "the log names the terminal it wrote to (a pts)" \
	"^print_string: wrote $((${#HELLO} + 2)) of $((${#HELLO} + 2)) bytes to pts[0-9]+$" \
	"$(klog print_string)"
check_eq "the module holds no reference on itself once loaded" 0 \
	"$(cat /sys/module/print_string/refcnt 2>&1)"

ptyrun rmmod print_string >/tmp/ps-unload
check_eq "unloading writes the farewell on rmmod's terminal" \
	"$(printf '%s\r\n' "$BYE" | bytes)" "$(bytes </tmp/ps-unload)"
check_no_match "rmmod removed the module" "^print_string " "$(lsmod)"

# With ONLCR off the line discipline no longer adds \r to echo's "\n"; the
# module's \r is its own, since its write bypasses the line discipline.
ptyrun -r sh -c 'echo echo; insmod print_string.ko' >/tmp/ps-raw
rmmod print_string
check_eq "without ONLCR the module's line still ends in \\r\\n (echo's in \\n)" \
	"$(printf 'echo\n%s\r\n' "$HELLO" | bytes)" "$(bytes </tmp/ps-raw)"

ptyrun insmod print_string.ko 'message="Grüße, terminal"' >/tmp/ps-param
rmmod print_string
check_eq "the message parameter replaces the greeting (UTF-8 is fine)" \
	"$(printf 'Grüße, terminal\r\n' | bytes)" "$(bytes </tmp/ps-param)"

# test.sh runs in a session of its own, without a controlling terminal.
klog_mark
run insmod print_string.ko
check_eq "insmod without a controlling terminal succeeds quietly" "0:" "$RC:$OUT"
run rmmod print_string
check_eq "both load and unload log that there was no terminal" \
	"print_string: no controlling terminal; nothing printed
print_string: no controlling terminal; nothing printed" "$(klog print_string)"

long=$(printf '%0161d' 0)
for bad in 'message=' "message=$long" "message=$(printf 'a\033[2Jb')"; do
	klog_mark
	run ptyrun insmod print_string.ko "$bad"
	case "$bad" in
	message=) what="an empty message" ;;
	message=0*) what="a 161-byte message" ;;
	*) what="a message with an escape sequence" ;;
	esac
	check_match "$what is refused at load (EINVAL), printing nothing" \
		"Invalid argument" "$OUT"
	# busybox insmod tries finit_module and then init_module: two lines.
	check_eq "... and the log says what a message may be" \
		"print_string: message must be 1 to 160 bytes without control characters" \
		"$(klog print_string | sort -u)"
done
run ptyrun insmod print_string.ko "message=$(printf '%0160d' 0)"
check_eq "a 160-byte message is accepted" 0 "$RC"
rmmod print_string

# make run-qemu: the user's shell has the serial port as its terminal. Give
# insmod the same, then ask the host what came out of the serial port.
line="print_string on the serial console, test $$"
host console-mark
klog_mark
ptyrun -c /dev/ttyS0 insmod print_string.ko "message=\"$line\""
host console-seen "$line"
check_eq "with the serial port as its terminal, the line appears on the console" \
	yes "$HOST_REPLY"
check_match "... and the log names ttyS0" "bytes to ttyS0$" "$(klog print_string)"
host console-mark
ptyrun -c /dev/ttyS0 rmmod print_string
host console-seen "$BYE"
check_eq "the farewell appears on the serial console too" yes "$HOST_REPLY"

host console-mark
insmod print_string.ko && rmmod print_string
host console-seen "$HELLO"
check_eq "without a terminal nothing reaches the console" no "$HOST_REPLY"

# --- the banner's commands, as make run-qemu shows them --------------------
# banner_cmd N: the command on line N of banner.txt, without the indent and
# the "(what you see)" remark after it. In make run-qemu the shell has a
# terminal; here ptyrun gives each command one, and shows what reached it.
banner_cmd() {
	sed -n "${1}p" banner.txt | sed -e 's/^ *//' -e 's/   *(.*)$//'
}
# The pseudo-terminal's carriage returns, gone for comparing lines.
nocr() { printf '%s\n' "$1" | tr -d '\r'; }

klog_mark
transcript try-hello "ptyrun $(banner_cmd 2)"
check_eq "banner: 'insmod print_string.ko' writes the greeting on the terminal" \
	"$HELLO" "$(nocr "$OUT")"
check_no_match "... and not in the kernel log" "$HELLO" "$(klog)"
transcript try-bye "ptyrun $(banner_cmd 3)"
check_eq "banner: 'rmmod print_string' writes the farewell" "$BYE" "$(nocr "$OUT")"
transcript try-hi "ptyrun $(banner_cmd 4)"
check_eq "banner: 'message=\"Hi there\"' writes the whole message, space and all" \
	"Hi there" "$(nocr "$OUT")"
transcript try-bye2 "ptyrun $(banner_cmd 5)"
check_eq "banner: and 'rmmod print_string' says goodbye again" "$BYE" "$(nocr "$OUT")"
transcript try-od "$(banner_cmd 6)"
check_match "banner: 'ptyrun -r insmod ... | od -c' shows the line ending in \\r \\n" \
	'a   l  \\r  \\n$' "$OUT"
check_no_match "no print_string module is left loaded" "^print_string " "$(lsmod)"
done_testing
