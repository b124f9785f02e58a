#!/bin/sh
# Check the edit -> rebuild -> reload loop of 'make run-qemu' end to end, and
# decoding a module's Oops with the kernel's own scripts (make
# reload-selftest [KERNEL=...]; CI runs it). Prints TAP and "N passed, N
# failed".
#
#   reload-selftest.sh
#
# It copies chapter 10 to a lab of its own (the reference is never
# touched), boots it with 'make run-qemu' and drives the shell as a student
# would (scripts/vm-shell.sh): insmod with nodes=5; on the host, change what
# the debugfs file prints and rebuild ('make CH=10'); 'reload numlist' in
# the guest must load the new build from /host with nodes=5 again; the
# add-symbol-file line the guest's gdbline prints must place the module's
# functions where /proc/kallsyms has them (what gdb on a kernel without
# debug info relies on). Then a
# module in use (its debugfs file held open) must not be replaced: rmmod's
# error shows, the old module keeps answering. Last, a NULL dereference is
# put into the copy, reloaded and triggered; decode_stacktrace.sh and
# faddr2line (from linux-source-6.1) must trace the Oops to its line.
#
# Writes build/reload-selftest/KERNEL/: lab/ (the copy), vm.log, the
# transcripts the book's "Debugging" page shows (reload.txt, busy.txt,
# oops.txt, decode.txt, faddr2line.txt) and seconds (how long the reload
# took in the guest; make bench prints it).
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
kernel=${KERNEL:-6.1}
out="$here/build/reload-selftest/$kernel"
# LABDIR relative to the workbook: shorter build paths in the transcripts.
lab="build/reload-selftest/$kernel/lab"
copy="$here/$lab/10-linked-list"
. "$here/scripts/vm-shell.sh"

# saved NAME CMD: the guest command and what it printed, for the book.
saved() {
	{
		echo "# $2"
		echo "$OUT" | grep -Ev '^(real|user|sys)[[:space:]]'
	} >"$out/$1.txt"
}
build() { make -C "$here" -s --no-print-directory rebuild CH=10 LABDIR="$lab" >"$out/build.log" 2>&1; }
edit() { # SED-EXPRESSION: change the copy's numlist.c, which must change
	cp "$copy/numlist.c" "$out/numlist.c.before"
	sed -i "$1" "$copy/numlist.c"
	! cmp -s "$copy/numlist.c" "$out/numlist.c.before" || {
		echo "reload-selftest.sh: '$1' changed nothing in numlist.c" >&2
		exit 1
	}
}

info=$(KERNEL=$kernel "$here/scripts/kernel.sh") || { echo "reload-selftest.sh: $info" >&2; exit 1; }
kver=${info%% *}
image=$(echo "$info" | cut -d' ' -f2)
scripts=$("$here/scripts/kernel-scripts.sh")

rm -rf "$out"
mkdir -p "$here/$lab"
cp -R "$here/chapters/10-linked-list" "$copy"
build
# Where make puts the lab's build (the Makefile's LAB_OUT).
ko_dir="$here/build/$kver/lab-$(echo "$lab" | tr / -)/10-linked-list"
[ -f "$ko_dir/numlist.ko" ] || { echo "reload-selftest.sh: no $ko_dir/numlist.ko after make" >&2; exit 1; }
trap vm_stop EXIT

export KERNEL=$kernel
vm_start "$out" CH=10 LABDIR="$lab"
vm_ready 120 || true
vm_run "ls /host/*.ko"
ok=1
[ "$RC" = 0 ] && echo "$OUT" | grep -qx '/host/numlist.ko' && ok=0
result $ok "the host's build output of the lab is mounted at /host in the guest" "$OUT$(tail -n 5 "$VM_LOG")"

vm_run "insmod numlist.ko nodes=5 && cat /sys/kernel/debug/numlist"
ok=1
[ "$(echo "$OUT" | tr '\n' ' ')" = "1 2 3 4 5 " ] && ok=0
result $ok "insmod numlist.ko nodes=5: the list holds 1 to 5" "$OUT"

# 1. A change in behaviour, rebuilt on the host, reloaded in the guest.
edit 's/seq_printf(m, "%d\\n", node->num);/seq_printf(m, "node %d\\n", node->num);/'
build
vm_run "time reload numlist 2>&1"
sed -n 's/^real[[:space:]]*0m \{0,1\}\([0-9.]*\)s$/\1/p' <<EOF >"$out/seconds"
$OUT
EOF
saved reload "reload numlist"
ok=1
[ "$RC" = 0 ] && echo "$OUT" | grep -q '^reload: numlist loaded from /host/numlist.ko (built .*) with nodes=5$' && ok=0
result $ok "after a rebuild on the host, 'reload numlist' loads /host/numlist.ko again, with nodes=5" "$OUT"
vm_run "cat /sys/kernel/debug/numlist"
ok=1
[ "$(echo "$OUT" | tr '\n' ' ')" = "node 1 node 2 node 3 node 4 node 5 " ] && ok=0
result $ok "the reloaded module behaves the new way, with the same parameters (node 1 to node 5)" "$OUT"

# On a kernel without debug info, gdbline prints the add-symbol-file
# command for the module; given it, gdb must put a function where the
# kernel says it is.
vm_run "gdbline numlist; grep ' numlist_seq_show' /proc/kallsyms"
gdbline=$(echo "$OUT" | grep '^add-symbol-file ' || true)
real=$(echo "$OUT" | sed -n 's/^\([0-9a-f]*\) t numlist_seq_show.*/\1/p')
placed=$(cd "$ko_dir" && gdb -q -batch -ex "$gdbline" -ex 'info address numlist_seq_show' 2>&1 |
	sed -n 's/.*is a function at address 0x\([0-9a-f]*\)\./\1/p')
ok=1
[ -n "$real" ] && [ "$(echo "$real" | sed 's/^0*//')" = "$(echo "$placed" | sed 's/^0*//')" ] && ok=0
result $ok "gdb, given gdbline's add-symbol-file, puts numlist_seq_show where /proc/kallsyms says (${placed:-nothing} vs ${real:-nothing})" "$OUT"

# 2. A module in use is not replaced: the shell holds the file open.
edit 's/"node %d\\n"/"item %d\\n"/'
build
vm_run "exec 5</sys/kernel/debug/numlist; reload numlist"
saved busy "reload numlist    # while the shell holds /sys/kernel/debug/numlist open"
ok=1
[ "$RC" != 0 ] && echo "$OUT" | grep -q "^rmmod: .*numlist" && echo "$OUT" | grep -q "numlist stays loaded" && ok=0
result $ok "reload of a module in use fails, showing rmmod's error" "$OUT"
vm_run "cat /sys/kernel/debug/numlist | head -n 1"
ok=1
[ "$OUT" = "node 1" ] && ok=0
result $ok "the old module keeps running (node 1, not item 1)" "$OUT"
vm_run "exec 5<&-; reload numlist >/dev/null && cat /sys/kernel/debug/numlist | head -n 1"
ok=1
[ "$OUT" = "item 1" ] && ok=0
result $ok "once the file is closed, reload succeeds (item 1)" "$OUT"

# 3. An Oops: the show function dereferences m->private, which seq_open
# leaves NULL. The bug's line is the one decoding must name.
edit 's/seq_printf(m, "item %d\\n", node->num);/seq_printf(m, "item %d\\n", node->num + *(int *)m->private);/'
bug_line=$(grep -n '(int \*)m->private' "$copy/numlist.c" | cut -d: -f1)
build
vm_run "reload numlist >/dev/null && cat /sys/kernel/debug/numlist"
ok=1
[ "$RC" != 0 ] && ok=0
result $ok "the broken build, reloaded, oopses when its file is read (cat dies)" "$OUT"
# The report: a "BUG: kernel NULL pointer dereference", or with KASAN a
# "general protection fault" (KASAN checks the address before the load).
vm_run "dmesg | sed -n '/BUG: kernel NULL pointer\\|general protection fault/,/end trace/p'"
echo "$OUT" >"$out/oops.txt"
(cd "$here" && "$scripts/decode_stacktrace.sh" "$(dirname "$image")/vmlinux" "$here/" "$ko_dir" \
	<"$out/oops.txt" >"$out/decode.raw" 2>&1) || true
{
	echo "# scripts/decode_stacktrace.sh vmlinux \$PWD/ ${ko_dir#"$here"/} < oops.txt"
	# What changed: the lines the script could decode.
	grep -E '\([^)]*:[0-9]+\)' "$out/decode.raw" || cat "$out/decode.raw"
} | sed "s,$here/,,g" >"$out/decode.txt"
ok=1
grep -Eq "numlist_seq_show \(.*numlist\.c:$bug_line\) numlist" "$out/decode.raw" && ok=0
result $ok "decode_stacktrace.sh traces the Oops to numlist.c:$bug_line, the line with the bug" "$(cat "$out/oops.txt" "$out/decode.raw" | head -n 40)"
frame=$(sed -n 's/.*RIP: [0-9]*:\(numlist_seq_show+0x[0-9a-f]*\/0x[0-9a-f]*\).*/\1/p' "$out/oops.txt" | head -n 1)
(cd "$ko_dir" && "$scripts/faddr2line" numlist.ko "$frame" >"$out/faddr2line.raw" 2>&1) || true
{
	echo "# scripts/faddr2line numlist.ko $frame"
	sed "s,$here/,,g" "$out/faddr2line.raw"
} >"$out/faddr2line.txt"
ok=1
grep -Eq "numlist\.c:$bug_line\$" "$out/faddr2line.raw" && ok=0
result $ok "faddr2line numlist.ko ${frame:-(no RIP line)} names numlist.c:$bug_line" "$(cat "$out/faddr2line.raw")"
vm_stop
trap - EXIT

tap_end
