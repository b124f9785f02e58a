#!/bin/sh
# Chapter 09 extension "winsize": the greeting ends in the terminal's name
# and window size, " (pts0, 80x24)" (tty_name(), then columns x rows of
# tty->winsize); the farewell does not change; the log counts every byte.
# Runs in the VM: make check CH=09 EXT=winsize. The reference solution is
# solutions/09-print-string/winsize.patch.
. /wb/testlib.sh
plan 8
. ./greeting.sh

# on_pty FILE CMDLINE: run the shell command line on a new pseudo-terminal
# after printing that terminal's name; FILE gets the name as tty_name()
# spells it (pts0 for /dev/pts/0), FILE.out what else reached the terminal.
on_pty() {
	ptyrun sh -c "tty; $2" >"$1.all"
	head -n 1 "$1.all" | tr -d '\r' | sed 's|^/dev/pts/|pts|' >"$1"
	tail -n +2 "$1.all" >"$1.out"
}

# stty sets the size the way a terminal emulator does (TIOCSWINSZ).
klog_mark
on_pty /tmp/ps-ws 'stty cols 80 rows 24 && insmod print_string.ko'
NAME=$(cat /tmp/ps-ws)
check_match "the test's pseudo-terminal has a name (tty printed /dev/pts/N)" \
	'^pts[0-9]+$' "$NAME"
LINE="$HELLO ($NAME, 80x24)"
check_eq "at 80 columns by 24 rows the greeting ends in ' ($NAME, 80x24)'" \
	"$(printf '%s\r\n' "$LINE" | bytes)" "$(bytes </tmp/ps-ws.out)"
n=$((${#LINE} + 2))
check_eq "... and the log counts all of it: wrote $n of $n bytes" \
	"print_string: wrote $n of $n bytes to $NAME" "$(klog '^print_string: wrote')"

on_pty /tmp/ps-bye 'stty cols 100 rows 30 && rmmod print_string'
check_eq "the farewell is unchanged: no name or size" \
	"$(printf '%s\r\n' "$BYE" | bytes)" "$(bytes </tmp/ps-bye.out)"

# Another size, so that no fixed text can pass.
on_pty /tmp/ps-ws 'stty rows 43 cols 132 && insmod print_string.ko'
rmmod print_string
NAME=$(cat /tmp/ps-ws)
check_eq "at 132 columns by 43 rows it says ' ($NAME, 132x43)'" \
	"$(printf '%s (%s, 132x43)\r\n' "$HELLO" "$NAME" | bytes)" "$(bytes </tmp/ps-ws.out)"

# A new pseudo-terminal has no size until somebody sets one.
on_pty /tmp/ps-ws "insmod print_string.ko 'message=\"Grüße, terminal\"'"
rmmod print_string
NAME=$(cat /tmp/ps-ws)
check_eq "a terminal whose size nobody set says 0x0; the message parameter still works" \
	"$(printf 'Grüße, terminal (%s, 0x0)\r\n' "$NAME" | bytes)" "$(bytes </tmp/ps-ws.out)"

# Without a controlling terminal there is still nothing to describe.
klog_mark
run insmod print_string.ko
check_eq "without a controlling terminal insmod still succeeds quietly" "0:" "$RC:$OUT"
rmmod print_string
rm -f /tmp/ps-ws /tmp/ps-ws.all /tmp/ps-ws.out /tmp/ps-bye /tmp/ps-bye.all /tmp/ps-bye.out
check_no_match "no print_string module is left loaded" "^print_string " "$(lsmod)"
done_testing
