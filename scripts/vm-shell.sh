# shellcheck shell=sh
# Drive the VM's interactive shell ('make run-qemu') from a script, through
# a pipe: what the shell prints goes to a log file, commands go in through
# a FIFO; and print TAP. Sourced by scripts/gdb-selftest.sh,
# scripts/reload-selftest.sh and
# (through them) scripts/bench.sh.
#
#   vm_start DIR MAKE-ARGS...   start 'make run-qemu MAKE-ARGS' in the
#                               background; its output goes to DIR/vm.log
#   vm_ready [SECONDS]          wait for the shell's first prompt, and widen
#                               the terminal (long command lines stay whole)
#   vm_wait ERE [SECONDS]       wait until vm.log has a line matching ERE
#                               (default 60 s); 1 if it did not come
#   vm_type LINE                type LINE and Enter into the shell
#   vm_run CMD [SECONDS]        type CMD, wait for it to finish; OUT is what
#                               it printed, RC its exit status (or 124 when it
#                               did not finish in time)
#   vm_stop                     type poweroff and wait for QEMU to end; kill
#                               it (by PID) if it does not
#   result, tap_end             TAP, from scripts/tap.sh
#
# busybox's shell asks the terminal where its cursor is (ESC [ 6 n) at each
# prompt, and takes the next characters typed as the answer; a terminal
# answers, a pipe does not. So every line typed starts with the answer.
VM_LOG=""
VM_PID=""
VM_N=0

vm_start() {
	vm_dir=$1
	shift
	VM_LOG="$vm_dir/vm.log"
	rm -f "$vm_dir/vm.in"
	mkfifo "$vm_dir/vm.in"
	: >"$VM_LOG"
	# The FIFO is held open read-write by the background job, so that QEMU
	# never sees the end of its input between two commands.
	# setsid: make, run-qemu.sh and QEMU form a process group of their own,
	# which vm_stop can end as a whole.
	(exec 3<>"$vm_dir/vm.in"; exec setsid make -C "$here" --no-print-directory run-qemu "$@" \
		<"$vm_dir/vm.in" >>"$VM_LOG" 2>&1) &
	VM_PID=$!
	exec 4>"$vm_dir/vm.in"
}

vm_wait() {
	tries=$((${2:-60} * 10))
	until grep -Eq -- "$1" "$VM_LOG" 2>/dev/null; do
		tries=$((tries - 1))
		[ "$tries" -gt 0 ] || return 1
		sleep 0.1
	done
}

vm_ready() {
	vm_wait '^/chapters/.* # ' "${1:-60}" || return 1
	vm_run 'stty cols 500'
}

vm_type() {
	printf '\033[1;1R%s\n' "$1" >&4
}

vm_run() {
	VM_N=$((VM_N + 1))
	mark="@@$VM_N-$$"
	vm_line=$(wc -l <"$VM_LOG")
	vm_type "$1; echo $mark-\$?"
	if vm_wait "^$mark-[0-9]+" "${2:-30}"; then
		RC=$(sed -n "s/^$mark-\([0-9]*\).*/\1/p" "$VM_LOG" | tail -n 1)
	else
		RC=124
	fi
	# What the command printed: after the echoed command line, before the
	# mark; without the carriage returns of the serial console.
	OUT=$(tail -n +"$((vm_line + 1))" "$VM_LOG" | tr -d '\r' |
		sed -n "/$mark-\\\$?/,/^$mark-/p" | sed '1d;$d')
}

vm_stop() {
	[ -n "$VM_PID" ] || return 0
	vm_type poweroff 2>/dev/null || true
	tries=200
	while kill -0 "$VM_PID" 2>/dev/null && [ "$tries" -gt 0 ]; do
		tries=$((tries - 1))
		sleep 0.1
	done
	kill -0 "$VM_PID" 2>/dev/null && kill -- "-$VM_PID" 2>/dev/null
	wait "$VM_PID" 2>/dev/null || true
	exec 4>&-
	VM_PID=""
}

. "$here/scripts/tap.sh"
