#!/bin/sh
# Check the student's interactive path as a person would use it: boot
# 'make run-qemu CH=NN' in a terminal (tmux), type the banner's commands,
# read the screen, quit. Prints TAP; CI runs it (make shell-selftest).
#
#   - chapter 01, serial console: insmod hello-1 and see its greeting in
#     dmesg; Ctrl-A X ends QEMU.
#   - chapter 07, the VM's screen (vm.conf shell=vt): keys typed in the
#     terminal reach the emulated PS/2 keyboard, so /proc/kbdirq counts
#     their presses; poweroff ends QEMU.
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
. "$here/scripts/tap.sh"
session=wb-shell-$$

tm() { tmux -L "$session" "$@"; }
trap 'tm kill-server 2>/dev/null || true' EXIT


screen() { tm capture-pane -p -t "$session" -S -200 2>/dev/null || true; }

# wait_screen ERE SECONDS: until the terminal shows a line matching ERE.
wait_screen() {
	tries=$(($2 * 4))
	until screen | grep -Eq -- "$1"; do
		tries=$((tries - 1))
		[ "$tries" -gt 0 ] || return 1
		sleep 0.25
	done
}

# boot CH: start 'make run-qemu CH=CH' in a fresh 100x32 terminal, and wait
# for the shell prompt.
boot() {
	tm kill-server 2>/dev/null || true
	make -C "$here" -s CH="$1" >/dev/null
	tm new-session -d -s "$session" -x 100 -y 32 \
		"make -C '$here' -s run-qemu CH=$1; echo QEMU-EXITED; sleep 60"
	wait_screen "^ */chapters/$1-[a-z-]* # *$" 60
}

type_line() { tm send-keys -t "$session" "$1" Enter; }

# --- chapter 01 on the serial console ---------------------------------------
if boot 01; then
	result 0 "make run-qemu CH=01 boots to a shell in the chapter"
	type_line "insmod hello-1.ko; dmesg | tail -n 1"
	rc=0; wait_screen "Hello, world 1" 30 || rc=1
	result $rc "typing 'insmod hello-1.ko; dmesg | tail -n 1' shows the greeting" "$(screen | tail -n 5)"
	tm send-keys -t "$session" C-a x
	rc=0; wait_screen "QEMU-EXITED" 30 || rc=1
	result $rc "Ctrl-A X ends QEMU" "$(screen | tail -n 5)"
else
	result 1 "make run-qemu CH=01 boots to a shell in the chapter" "$(screen | tail -n 10)"
fi

# --- chapter 07 on the VM's screen -------------------------------------------
if boot 07; then
	result 0 "make run-qemu CH=07 boots to a shell on the VM's screen"
	# Keys typed before the module's handler is in place are not counted:
	# wait for the load to finish.
	type_line "insmod kbdirq.ko && echo kbdirq-loaded"
	wait_screen "^ *kbdirq-loaded" 30 || true
	type_line "echo typed"
	type_line "cat /proc/kbdirq"
	wait_screen "^ *presses: [0-9]+" 30 || true
	presses=$(screen | sed -n 's/^ *presses: \([0-9]*\).*/\1/p' | tail -n 1)
	# "echo typed", Enter and "cat /proc/kbdirq", Enter: 28 key presses at
	# the least (a shifted key adds the shift).
	rc=0; [ "${presses:-0}" -ge 28 ] || rc=1
	result $rc "keys typed in the terminal reach the PS/2 keyboard (/proc/kbdirq: ${presses:-none} presses, 28 or more expected)" "$(screen | tail -n 8)"
	type_line "poweroff"
	rc=0; wait_screen "QEMU-EXITED" 60 || rc=1
	result $rc "poweroff ends QEMU" "$(screen | tail -n 5)"
else
	result 1 "make run-qemu CH=07 boots to a shell on the VM's screen" "$(screen | tail -n 10)"
fi

tap_end
