#!/bin/sh
# Attach gdb to a workbook VM that waits for it (make gdb CH=NN).
#
#   gdb.sh [NN|NN-slug] [GDB ARGS...]
#
# 'make run-qemu CH=NN GDB=1' starts the VM stopped, with QEMU's gdbstub on
# a free local port, and writes what gdb needs to build/gdb/NN-slug.vm
# (scripts/run-qemu.sh). This script reads that file, writes the gdb
# commands that attach to build/gdb/NN-slug.gdb, and runs gdb on them, in
# the chapter's build directory (where the unstripped .ko files are). With
# no chapter it takes the only VM waiting; with none waiting it says, in one
# line, what to run first. GDB ARGS go to gdb after the attaching commands
# (scripts/gdb-selftest.sh passes -batch -x FILE).
#
# On the debug kernel (KERNEL=debug), which has DWARF and the kernel's gdb
# scripts, gdb loads vmlinux and vmlinux-gdb.py, lets the kernel run to
# start_kernel (if it has not started yet), and runs lx-symbols on the
# chapter's build directory, so that each module's symbols load when it is
# inserted (with scripts/gdb-workbook.py's fix for __init functions).
# Debian's packaged kernels have no debug info: gdb attaches and sees
# registers and memory, but no kernel symbol; a module's symbols can be
# added by hand with the line the guest's 'gdbline NAME' prints.
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
dir="$here/build/gdb"
want=""
case "${1:-}" in
[0-9][0-9] | [0-9][0-9]-*)
	want=$1
	shift
	;;
esac

field() { sed -n "s/^$1=//p" "$2"; }
waiting() { # STATE: is its QEMU still there?
	pid=$(field pid "$1")
	[ -n "$pid" ] && grep -q qemu "/proc/$pid/cmdline" 2>/dev/null
}

found=""
for state in "$dir"/*.vm; do
	[ -f "$state" ] || continue
	name=$(basename "$state" .vm)
	case "$name" in "$want" | "$want"-*) ;; *) [ -z "$want" ] || continue ;; esac
	waiting "$state" && found="$found $state"
done
set -- $found "$@"
if [ -z "$found" ]; then
	echo "make gdb: no VM is waiting for gdb${want:+ in chapter $want}: first run 'make run-qemu CH=${want:-NN} GDB=1' in another terminal" >&2
	exit 1
fi
if [ "$(echo $found | wc -w)" -gt 1 ]; then
	echo "make gdb: VMs of several chapters wait for gdb ($(for s in $found; do basename "$s" .vm; done | tr '\n' ' ')); say which: make gdb CH=NN" >&2
	exit 1
fi
state=$1
shift
chapter=$(basename "$state" .vm)
port=$(field port "$state")
image=$(field image "$state")
ko_dirs=$(field ko_dirs "$state")

# The kernel's symbols: the debug kernel keeps its DWARF vmlinux and gdb
# scripts next to its bzImage (scripts/build-debug-kernel.sh).
kdir=$(dirname "$image")
symbols=""
if [ -f "$kdir/vmlinux-gdb.py" ] && [ -f "$kdir/vmlinux" ]; then
	symbols=$kdir/vmlinux
fi

script="$dir/$chapter.gdb"
{
	echo "set confirm off"
	echo "set breakpoint pending on"
	if [ -n "$symbols" ]; then
		echo "file $symbols"
		echo "source $kdir/vmlinux-gdb.py"
		echo "source $here/scripts/gdb-workbook.py"
	fi
	echo "target remote 127.0.0.1:$port"
	if [ -n "$symbols" ]; then
		# Stopped before the kernel runs (QEMU -S): the kernel's data, the
		# module list that lx-symbols reads among them, is not there yet.
		cat <<-EOF
			if (unsigned long)\$pc < 0xffffffff80000000
			  thbreak start_kernel
			  continue
			end
			lx-symbols $ko_dirs
			echo \\nmake gdb: the kernel's symbols are loaded, and each module's load as it is inserted\\n
			echo (lx-symbols, from $ko_dirs).\\n
			echo Try: break numlist_init, continue, then insmod in the VM; lx-dmesg; lx-ps; bt.\\n\\n
		EOF
	else
		cat <<-EOF
			echo \\nmake gdb: this kernel has no debug info: no kernel symbols, no lx-symbols (KERNEL=debug has both).\\n
			echo A module's own symbols work: after insmod, run 'gdbline NAME' in the VM and paste\\n
			echo the add-symbol-file line it prints here (press Ctrl-C first to stop the VM).\\n\\n
		EOF
	fi
} >"$script"

# lx-symbols also searches the current directory for .ko files: start where
# the chapter's are (and where gdbline's relative names resolve).
cd "${ko_dirs%% *}" 2>/dev/null || cd "$dir"
exec gdb -q -iex "set auto-load python-scripts off" -iex "set index-cache enabled on" \
	-x "$script" "$@"
