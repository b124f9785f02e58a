#!/bin/sh
# Check 'make run-qemu GDB=1' and 'make gdb' end to end on the debug kernel
# (make gdb-selftest; CI runs it). Prints TAP and "N passed, N failed".
#
#   gdb-selftest.sh
#
# It boots chapter 10 on KERNEL=debug waiting for gdb, attaches a batch-mode
# gdb through 'make gdb' with breakpoints in numlist_init (the module's init
# function) and on the line of numlist_sum that adds a node, and types
# 'insmod numlist.ko nodes=5' into the VM's shell. Then it checks that
# lx-symbols loaded the module's symbols as insmod ran (both breakpoints
# hit), that bt names numlist_sum at numlist.c:LINE called from
# numlist_init, that a local variable prints its value, that lx-dmesg and
# lx-ps see the guest, and that after 'continue' the module finishes
# loading and the guest powers off normally. It also checks the bad input:
# 'make gdb' with no VM waiting says what to run first, in one line; a
# second VM of the same chapter waiting for gdb is refused, one of another
# chapter gets a port of its own.
#
# Writes build/gdb-selftest/: vm.log, gdb.log (the whole runs), session.txt
# (the gdb session, for the book's "Debugging" page), seconds (from
# 'make gdb' to the first breakpoint hit; make bench prints it).
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
out="$here/build/gdb-selftest"
export KERNEL=debug
chapter=10-linked-list
src="$here/chapters/$chapter/numlist.c"
. "$here/scripts/vm-shell.sh"

matches() { # ERE FILE: 0 if FILE has a matching line
	grep -Eq -- "$1" "$2" && echo 0 || echo 1
}
now() { date +%s.%N; }

rm -rf "$out"
mkdir -p "$out"
GDB_PID=""
other=""
cleanup() {
	[ -z "$GDB_PID" ] || kill "$GDB_PID" 2>/dev/null || true
	[ -z "$other" ] || kill -- "-$other" 2>/dev/null || true
	vm_stop
}
trap cleanup EXIT

make -C "$here" -s --no-print-directory CH=10 >/dev/null
make -C "$here" -s --no-print-directory CH=01 >/dev/null

# --- make gdb with no VM waiting: one line, naming what to run first --------
rm -f "$here/build/gdb/$chapter.vm"
rc=0
make -C "$here" -s --no-print-directory gdb CH=10 >"$out/no-vm.txt" 2>&1 || rc=$?
ok=1
[ "$rc" != 0 ] && [ "$(grep -v '^make.*Error' "$out/no-vm.txt" | grep -c .)" = 1 ] &&
	grep -q "make run-qemu CH=10 GDB=1" "$out/no-vm.txt" && ok=0
result $ok "make gdb with no VM waiting fails with one line saying what to run first" "$(cat "$out/no-vm.txt")"

# --- the session -------------------------------------------------------------
# The line of numlist_sum that adds a node's number up.
line=$(grep -n 'sum += node->num;' "$src" | cut -d: -f1)
cat >"$out/commands.gdb" <<EOF
set pagination off
set trace-commands on
tbreak numlist_init
break numlist.c:$line
continue
bt
continue
bt
print node->num
print *count
pipe lx-dmesg | tail -n 2
pipe lx-ps | grep -E 'PID|insmod'
delete
continue
EOF

vm_start "$out" CH=10 GDB=1
vm_wait "waits for gdb on port" 60 || true
state="$here/build/gdb/$chapter.vm"
port=$(sed -n 's/^port=//p' "$state" 2>/dev/null || true)

# A second VM of the same chapter is refused; one of another chapter gets
# another port (it is stopped at once, before it boots).
rc=0
make -C "$here" -s --no-print-directory run-qemu CH=10 GDB=1 </dev/null >"$out/second.txt" 2>&1 || rc=$?
ok=1
[ "$rc" != 0 ] && grep -q "already waits for gdb (port $port" "$out/second.txt" && ok=0
result $ok "a second VM of chapter 10 waiting for gdb is refused, naming the first one's port ($port)" "$(cat "$out/second.txt")"
(exec setsid make -C "$here" -s --no-print-directory run-qemu CH=01 GDB=1 </dev/null >"$out/other.txt" 2>&1) &
other=$!
tries=100
until grep -q "waits for gdb on port" "$out/other.txt" || [ "$tries" = 0 ]; do
	tries=$((tries - 1))
	sleep 0.1
done
port01=$(sed -n 's/.*waits for gdb on port \([0-9]*\).*/\1/p' "$out/other.txt")
kill -- "-$other" 2>/dev/null || true
wait "$other" 2>/dev/null || true
other=""
ok=1
[ -n "$port01" ] && [ -n "$port" ] && [ "$port01" != "$port" ] && ok=0
result $ok "a VM of another chapter (01) waiting for gdb at the same time gets its own port ($port01, not $port)" "$(cat "$out/other.txt")"

start=$(now)
timeout 300 make -C "$here" -s --no-print-directory gdb CH=10 \
	GDBFLAGS="-batch -x $out/commands.gdb" >"$out/gdb.log" 2>&1 &
GDB_PID=$!
if vm_ready 120; then
	vm_type "insmod numlist.ko nodes=5"
fi
hit=1
tries=1200
while [ "$tries" -gt 0 ]; do
	if grep -Eq '^(Temporary breakpoint|Breakpoint) [0-9]+, numlist_init' "$out/gdb.log"; then
		hit=0
		break
	fi
	kill -0 "$GDB_PID" 2>/dev/null || break
	tries=$((tries - 1))
	sleep 0.1
done
[ "$hit" != 0 ] || awk -v a="$start" -v b="$(now)" 'BEGIN { printf "%.1f\n", b - a }' >"$out/seconds"
result $hit "gdb stops at the breakpoint in numlist_init when insmod runs in the VM (lx-symbols loaded the module's symbols)" \
	"$(tail -n 15 "$out/gdb.log")"
# The rest of the session runs by itself; once gdb has let the kernel go
# on, insmod finishes and the shell runs the next command.
vm_run "dmesg | grep numlist:" 120
dmesg=$OUT
vm_stop
wait "$GDB_PID" 2>/dev/null || true
GDB_PID=""

result "$(matches "^Breakpoint [0-9]*, numlist_sum .* at .*numlist\.c:$line\$" "$out/gdb.log")" \
	"the breakpoint on numlist.c:$line (in numlist_sum, an __init function) is hit" "$(tail -n 20 "$out/gdb.log")"
result "$(matches "^#0 +numlist_sum .* at .*numlist\.c:$line\$" "$out/gdb.log")" \
	"bt shows numlist_sum at numlist.c:$line" "$(grep '^#' "$out/gdb.log")"
result "$(matches "^#1 .*numlist_init .* at .*numlist\.c:[0-9]+\$" "$out/gdb.log")" \
	"bt shows numlist_init, with its line, as numlist_sum's caller" "$(grep '^#' "$out/gdb.log")"
result "$(matches '^\$1 = 1$' "$out/gdb.log")" "print node->num shows the first node's number, 1" "$(grep '^\$' "$out/gdb.log")"
result "$(matches '^\$2 = 0$' "$out/gdb.log")" "print *count shows no node counted yet, 0" "$(grep '^\$' "$out/gdb.log")"
result "$(matches 'numlist: allocated 5 nodes' "$out/gdb.log")" "lx-dmesg shows the module's message from before the breakpoint"
result "$(matches '^0x[0-9a-f]+ +[0-9]+ +insmod$' "$out/gdb.log")" "lx-ps lists the insmod process" "$(grep -A3 'lx-ps' "$out/gdb.log")"
ok=1
echo "$dmesg" | grep -q "sum of 5 nodes is 15" && ok=0
result $ok "after continue, the module finishes loading (sum of 5 nodes is 15)" "$dmesg"
result "$(matches '^\[Inferior 1 \(process 1\) exited normally\]' "$out/gdb.log")" \
	"the guest powers off normally, and gdb sees it end" "$(tail -n 5 "$out/gdb.log")"

# The book's transcript: the session, each command after a "(gdb)" prompt
# (trace-commands marks them with "+"; lx-symbols' own "set pagination" is
# left out), paths relative to the workbook.
sed -n '/^+tbreak numlist_init/,$p' "$out/gdb.log" | grep -v '^++' |
	sed "s/^+/(gdb) /; s,$here/,,g" >"$out/session.txt"

tap_end
