#!/bin/sh
# Guest side of 'make test' (the host side is scripts/run-tests.py): run each
# named chapter's test.sh and report to the host.
#
# Everything goes to the serial console, which the host runner reads. Lines
# starting with "@@" belong to the protocol between this script and
# scripts/run-tests.py; everything else is TAP from the chapter tests.
#   @@wb begin NAME          a chapter starts
#   @@wb stuck NAME SECS     it did not finish in time; @@stuck lines follow
#   @@kmsg LINE              the kernel log of the chapter, forwarded
#   @@wb taint BEFORE AFTER  /proc/sys/kernel/tainted around the chapter
#   @@module NAME SECTION ADDR   where insmod put a module (testlib)
#   @@transcript NAME LINE   a line of a transcript for the book (testlib)
#   @@wb end NAME            the chapter is over
#   @@wb kmemleak            the kernel has kmemleak (the debug kernel): the
#                            host judges the chapters after the leak scan
#   @@wb leaks N             the leak scan found N objects (after the last
#                            chapter); the first reports follow:
#   @@kmemleak LINE          the leak scan's report
#   @@wb done                all chapters are over
set -u

# Long enough for any honest chapter under TCG, short enough that a stuck one
# is reported by us (with its kernel stacks) before the host gives up on us.
# A kernel with lockdep (the debug kernel) runs the same tests several times
# slower: it gets three times as long. No check changes.
if [ -e /proc/lockdep ]; then
	CHAPTER_LIMIT=${WB_CHAPTER_LIMIT:-90}
else
	CHAPTER_LIMIT=${WB_CHAPTER_LIMIT:-30}
fi
# test.sh, or an extension exercise's ext-NAME.sh (make check EXT=NAME).
TEST=${WB_TEST:-test}

# Only emergencies go to the console live; the rest of the kernel log is
# forwarded between chapters, so it never splits a TAP line.
echo 1 >/proc/sys/kernel/printk
KMEMLEAK=/sys/kernel/debug/kmemleak
if [ -w "$KMEMLEAK" ]; then
	echo "@@wb kmemleak"
	# What the kernel left unreferenced while booting is not ours.
	echo clear >"$KMEMLEAK"
fi
# The console is also our input channel from the host: no echo, no editing.
stty -echo 2>/dev/null

# Report the processes of session $1 (the test) and their kernel stacks.
dump_session() {
	for stat in /proc/[0-9]*/stat; do
		pid=${stat#/proc/}
		pid=${pid%/stat}
		read -r _ comm state _ _ sid _ <"$stat" 2>/dev/null || continue
		[ "$sid" = "$1" ] || continue
		echo "@@stuck pid $pid $comm state $state"
		sed 's/^/@@stuck     /' "/proc/$pid/stack" 2>/dev/null
	done
}

# watchdog NAME PID TAINT: end the test in session PID if it runs too long,
# or soon after the kernel oopsed (taint flag D, 128): a process that oopsed
# inside the kernel may have left locks held that the rest of the test then
# waits on forever.
watchdog() {
	waited=0
	grace=$CHAPTER_LIMIT
	while [ "$waited" -lt "$grace" ]; do
		sleep 1
		waited=$((waited + 1))
		if [ "$grace" = "$CHAPTER_LIMIT" ] &&
			[ $(($(cat /proc/sys/kernel/tainted) & ~$3 & 128)) != 0 ]; then
			grace=$((waited + 3))
		fi
	done
	echo "@@wb stuck $1 $waited"
	dump_session "$2"
	kill -9 -- "-$2" 2>/dev/null
}

run_chapter() {
	dir=$1
	name=${dir##*/}
	echo "@@wb begin $name"
	dmesg -c >/dev/null
	taint_before=$(cat /proc/sys/kernel/tainted)

	# The test runs in a session of its own, so that it has no controlling
	# terminal (as under a service manager) and can be killed as a group.
	# make stress: the harness's stress script instead, the same for all.
	script=./$TEST.sh
	[ "$TEST" = stress ] && script=/wb/stress.sh
	(cd "$dir" && PATH="$dir:$PATH" exec setsid sh "$script") &
	test_pid=$!
	watchdog "$name" "$test_pid" "$taint_before" &
	watchdog_pid=$!
	wait "$test_pid"
	kill "$watchdog_pid" 2>/dev/null
	wait "$watchdog_pid" 2>/dev/null

	dmesg -c | sed 's/^/@@kmsg /'
	echo "@@wb taint $taint_before $(cat /proc/sys/kernel/tainted)"
	echo "@@wb end $name"
}

ran=""
for chapter in "$@"; do
	[ -f "/chapters/$chapter/$TEST.sh" ] || [ "$TEST" = stress ] || continue
	run_chapter "/chapters/$chapter"
	ran=yes
done
# uptime_cs: the uptime in centiseconds ("12.05" is 1205; the "1" keeps
# "05" from reading as octal).
uptime_cs() {
	read -r up _ </proc/uptime
	echo $((${up%.*} * 100 + 1${up#*.} - 100))
}

# kmemleak reports an object only once it was unreferenced, and unchanged,
# in two scans in a row, and at least 5 s old when the second began; so one
# pair of scans after the last chapter covers them all. The first scan only
# notes what each object holds, so it runs at once (it takes seconds under
# TCG), and the second 5 s after the last chapter ended. The host tells from
# each report's stack which chapter's module leaked. A boot that ran no
# chapter (make bench's empty boot) has nothing to charge a leak to, and
# skips the scan.
if [ -w "$KMEMLEAK" ] && [ -n "$ran" ]; then
	second_scan=$(($(uptime_cs) + 520))
	dmesg -c >/dev/null
	# A scan stops early when its process has a signal pending, so it runs
	# in a process of its own, with no children to signal it.
	sh -c "echo scan >$KMEMLEAK"
	while [ "$(uptime_cs)" -lt "$second_scan" ]; do
		sleep 0.1
	done
	sh -c "echo scan >$KMEMLEAK"
	# A module that leaks in a loop leaks thousands of objects, and reading
	# them all takes minutes: the count comes from the scans' log lines, and
	# only the first reports are shown.
	echo "@@wb leaks $(dmesg | sed -n 's/.*kmemleak: \([0-9]*\) new suspected.*/\1/p' |
		awk '{ n += $1 } END { print n + 0 }')"
	head -n 400 "$KMEMLEAK" | sed 's/^/@@kmemleak /'
fi
echo "@@wb done"
