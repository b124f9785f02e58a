#!/bin/sh
# Chapter 07 tests: kbdirq shares IRQ 1 with i8042, sees every key the host
# presses on the emulated PS/2 keyboard, logs them from its bottom half, and
# leaves the keyboard working for the console. Runs in the VM.
. /wb/testlib.sh
plan 21
. ./keys.sh

# Set-1 make codes of the QEMU qcodes we press (i8042 translates the
# keyboard's set 2 into set 1); a release is the same code with bit 7 set.
make_code() {
	case $1 in
	a) echo 1e ;; s) echo 1f ;; d) echo 20 ;; f) echo 21 ;;
	h) echo 23 ;; i) echo 17 ;; ret) echo 1c ;;
	*) echo "make_code: no code for $1" >&2 ;;
	esac
}

# What kbdirq should log for these keys, each pressed then released.
expected_log() {
	for k in "$@"; do
		echo "kbdirq: scan code 0x$(make_code "$k") pressed"
		echo "kbdirq: scan code 0x$(make_code "$k") released"
	done
}

irq1_line() { grep -E '^ *1:' /proc/interrupts; }
irq1_count() { irq1_line | awk '{ print $2 }'; }

# type_line WHEN: the host types "h i ret"; a reader on tty1 (the
# foreground console) must get the line "hi".
type_line() {
	tty_type h i ret
	check_eq "keys typed $1 still reach the console (tty1 reads \"hi\")" \
		"ready
line: hi" "$TTY_OUT"
}

check_no_match "before loading, IRQ 1 belongs to i8042 alone" "kbdirq" "$(irq1_line)"

# --- the banner's commands, as make run-qemu shows them --------------------
# banner_cmd N: the command on line N of banner.txt, without the indent and
# the "(what you see)" remark after it.
banner_cmd() {
	sed -n "${1}p" banner.txt | sed -e 's/^ *//' -e 's/   *(.*)$//'
}

klog_mark
transcript try-load "$(banner_cmd 2)"
check_match "banner: 'insmod kbdirq.ko; grep ...' shows i8042, kbdirq on IRQ 1" \
	"^ *1: .*i8042, kbdirq$" "$OUT"
host send-keys a
wait_klog "kbdirq: scan code 0x$(make_code a) released"
transcript try-keys "$(banner_cmd 4)"
check_eq "banner: 'dmesg | grep kbdirq; cat /proc/kbdirq' shows the key a and counts it" \
	"kbdirq: watching the keyboard on IRQ 1
$(expected_log a)
presses: 1
releases: 1" "$(printf '%s\n' "$OUT" | sed 's/^\[[ 0-9.]*\] //' | grep -E '^kbdirq: (watching|scan code)|^(presses|releases):')"
transcript try-unload "$(banner_cmd 5)"
check_match "banner: 'rmmod kbdirq; grep ...' shows i8042 alone on IRQ 1" \
	"^ *1: .*[0-9] +IO-APIC +1-edge +i8042$" "$OUT"

# --- the module at work ------------------------------------------------------

klog_mark
run insmod kbdirq.ko
check_eq "kbdirq loads" "0" "$RC"
check_match "/proc/interrupts lists kbdirq on IRQ 1 beside i8042" \
	"i8042, kbdirq$" "$(irq1_line)"

irqs0=$(irq1_count)
KEYS="a s d f"
host send-keys $KEYS
check_eq "the host pressed the keys" "ok" "$HOST_REPLY"
# The bottom half logs later: wait for the release of the last key.
wait_klog "kbdirq: scan code 0x$(make_code f) released"
check_eq "the bottom half logs each key of '$KEYS': press then release, in order" \
	"$(expected_log $KEYS)" "$(klog 'kbdirq: scan code')"

check_eq "/proc/kbdirq counts 4 presses" "4" "$(counter presses)"
check_eq "/proc/kbdirq counts 4 releases" "4" "$(counter releases)"
check_eq "the filter saw 8 keyboard bytes, one per press or release" "8" "$(counter bytes)"
check_eq "no byte was dropped from the fifo" "0" "$(counter dropped)"
check_eq "the shared handler ran once for every IRQ 1 interrupt (its count = /proc/interrupts)" \
	"$(($(irq1_count) - irqs0))" "$(counter interrupts)"

type_line "while kbdirq is loaded"

klog_mark
run rmmod kbdirq
check_eq "kbdirq unloads" "0" "$RC"
check_eq "it says goodbye" "kbdirq: stopped watching the keyboard" "$(klog kbdirq)"
check_no_match "after rmmod, IRQ 1 no longer lists kbdirq" "kbdirq" "$(irq1_line)"
check_match "... and i8042 still has it" "i8042$" "$(irq1_line)"
check_eq "/proc/kbdirq is gone" "no" "$([ -e /proc/kbdirq ] && echo yes || echo no)"

type_line "after rmmod"
check_no_match "nothing logs scancodes after rmmod" "scan code" "$(klog kbdirq)"

done_testing
