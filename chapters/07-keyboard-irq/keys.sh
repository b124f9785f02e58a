# keys.sh: helpers for chapter 07's tests, sourced (". ./keys.sh") by
# test.sh, ext-capslock.sh and ext-softirq.sh after /wb/testlib.sh. Not a
# test itself: it only defines functions.
#
#   counter NAME        the value of "NAME:" in /proc/kbdirq
#   tty_type KEY...     the host presses the keys (QEMU qcodes) while a reader
#                       waits for one line on tty1, the foreground console;
#                       TTY_OUT is all the reader printed ("ready", then
#                       "line: TEXT" or an error), LINE the line's TEXT (all
#                       of TTY_OUT when no line came)

counter() { awk -v k="$1:" '$1 == k { print $2 }' /proc/kbdirq; }

tty_type() {
	rm -f /tmp/ttyline.out
	./ttyline /dev/tty1 5000 >/tmp/ttyline.out 2>&1 &
	tt_reader=$!
	wait_line /tmp/ttyline.out '^(ready|error)'
	host send-keys "$@"
	wait $tt_reader
	TTY_OUT=$(cat /tmp/ttyline.out)
	LINE=$(sed -n 's/^line: //p' /tmp/ttyline.out)
	[ -n "$LINE" ] || LINE=$TTY_OUT
}
