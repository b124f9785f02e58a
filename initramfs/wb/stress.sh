#!/bin/sh
# stress.sh: hammer one chapter's modules and files ('make stress', 'make
# check STRESS=1'). run-chapters.sh runs it in the chapter's directory in
# place of test.sh, so the host runner judges it like a test: the TAP checks
# below, plus its own "the kernel stayed healthy" (an Oops, KASAN, lockdep,
# kmemleak, hung-task or soft-lockup report fails the chapter, with the
# excerpt).
#
# What to hammer comes from the chapter's stress.conf, one item a line:
#   module FILE.ko [PARAM=VALUE...]   load and unload it CYCLES times with
#                                     these parameters (a module may have
#                                     several lines)
#   use FILE.ko [PARAM=VALUE...]      load it for the many-users and fuzzing
#                                     phases
#   file PATH                         a file the modules make: many users
#                                     (wbstress) and trinity hammer it
#   ioctl CMD                         an ioctl command the files know
#   text TEXT                         something worth writing to them
#   hold PATH                         keep PATH open the whole time (a
#                                     module that needs a tty in use, as
#                                     a getty would hold it)
# A chapter without stress.conf gets load/unload cycles of each of its .ko.
#
# The kernel command line says how: wb.seed=N (the seed of every random
# choice; default 1), wb.seconds=N (the many-users and fuzzing time of the
# chapter; default 20), wb.cycles=N (default 100).
#
# The phases:
#  1. cycles: every insmod and rmmod works; afterwards no /dev, /proc,
#     sysfs, debugfs or kprobe entry is left over, and no kmalloc cache grew by
#     one object a cycle or more (SLUB's own counts, after a shrink; on a
#     kernel with kmemleak, its scan after the last chapter judges instead)
#  2. rmmod while a file is held open: refused (the module stays whole), or
#     the file is gone
#  3. many users: wbstress, 8 processes, half of the time; meanwhile rmmod
#     is tried again and again (and the modules loaded back when it worked)
#  4. trinity, as the user "student", on the files, the other half
#  5. the modules unload, and nothing is left over
. /wb/testlib.sh

cmdline_value() {
	for word in $(cat /proc/cmdline); do
		case "$word" in
		"$1"=*) echo "${word#*=}" ;;
		esac
	done
}

SEED=$(cmdline_value wb.seed)
SEED=${SEED:-1}
SECONDS_TOTAL=$(cmdline_value wb.seconds)
SECONDS_TOTAL=${SECONDS_TOTAL:-20}
CYCLES=$(cmdline_value wb.cycles)
CYCLES=${CYCLES:-100}
USERS=8
STUDENT=1000
CONF=./stress.conf
chapter=${PWD##*/}

# --- the chapter's declaration -------------------------------------------
conf() { # KEY: the rest of each KEY line
	if [ -f "$CONF" ]; then
		sed -n "s/^$1[[:space:]]\{1,\}//p" "$CONF"
	elif [ "$1" = module ]; then
		ls ./*.ko 2>/dev/null | sed 's,^\./,,'
	fi
}

FILES=$(conf file)
USES=$(conf use)
NMODULES=$(conf module | grep -c .)
NFILES=$(echo "$FILES" | grep -c .)
HOLDERS=""
for f in $(conf hold); do
	wbio hold "$f" >/dev/null 2>&1 &
	HOLDERS="$HOLDERS $!"
done
trap 'kill $HOLDERS 2>/dev/null' EXIT
# A deliberately small hung-task limit: a task stuck in D for this long
# under stress is a bug. The soft-lockup detector already panics
# (run-qemu.sh: softlockup_panic=1 watchdog_thresh=5).
[ -w /proc/sys/kernel/hung_task_timeout_secs ] &&
	echo 20 >/proc/sys/kernel/hung_task_timeout_secs

if [ -n "$USES" ]; then
	plan $((NMODULES * 3 + 1 + NFILES + 4))
else
	plan $((NMODULES * 3))
fi
echo "# stress $chapter: SEED=$SEED SECONDS=$SECONDS_TOTAL CYCLES=$CYCLES"

# The kernel log goes to the host now and then, not only at the end: a
# hundred loads log a lot, and the ring must not lose a report.
forward_klog() {
	dmesg -c | sed 's/^/@@kmsg /'
}

modname() { # FILE.ko -> the module's name
	basename "$1" .ko | tr - _
}

# Everything a module could leave behind, as one listing.
entries() {
	ls /dev /sys/module /sys/class/* /sys/kernel/debug 2>/dev/null
	ls /proc | grep -v '^[0-9]'
	cat /sys/kernel/debug/kprobes/list 2>/dev/null
}

# Active objects per kmalloc cache, after each cache gave back what it
# holds for later (its per-CPU slabs), so that the counts are the objects
# in use. A module's kmalloc()s land there; a cache of its own is destroyed
# on unload, and SLUB complains then if it still holds objects. The other
# caches follow processes (anon_vma_chain grew by 128 in 100 cycles on two
# CPUs, measured), not modules. wbslab counts: it keeps the files it reads
# and writes open, as opening them for each count moved the counts.

# slab_start: start wbslab, and say whether it counts.
slab_start() {
	rm -f /tmp/wbslab.in /tmp/wbslab.out
	mkfifo /tmp/wbslab.in /tmp/wbslab.out
	wbslab </tmp/wbslab.in >/tmp/wbslab.out &
	exec 8>/tmp/wbslab.in 9</tmp/wbslab.out
	[ -n "$(slab_counts)" ]
}

slab_counts() {
	# What waits for an RCU grace period (the last cycle's) is freed first.
	sleep 1
	# (in a subshell: were wbslab gone, the write's SIGPIPE ends only that)
	(echo count >&8) 2>/dev/null
	while read -r t_line <&9 && [ "$t_line" != . ]; do
		echo "$t_line"
	done | sort
}

# --- 1. load and unload ----------------------------------------------------
t_seconds() { # centiseconds since boot, as seconds with two decimals
	t=$(t_uptime_cs)
	echo "$((t / 100)).$(printf '%02d' $((t % 100)))"
}

conf module >/tmp/stress-modules
SLAB=""
if [ -r /proc/slabinfo ] && [ ! -w /sys/kernel/debug/kmemleak ] && slab_start; then
	SLAB=yes
fi
while read -r ko params; do
	mod=$(modname "$ko")
	before=$(entries)
	rm -f /tmp/stress-slab.*
	slab=$SLAB
	# Start from a quiet kernel: what the chapter before left running (a
	# fuzzer's processes ending, their files closing) moves the counts for
	# a while, by hundreds of objects (measured). Wait until two samples
	# a second apart differ by less than a quarter of the cycles, at most
	# ten times; a kernel that never quiets gets no slab verdict.
	unquiet=""
	if [ -n "$slab" ]; then
		slab_counts >/tmp/stress-slab.0
		tries=10
		while [ "$tries" -gt 0 ]; do
			slab_counts >/tmp/stress-slab.q
			unquiet=$(awk -v n="$CYCLES" 'NR == FNR { c[$1] = $2; next }
				$2 - c[$1] >= n / 4 || c[$1] - $2 >= n / 4 { printf "%s %+d ", $1, $2 - c[$1] }' \
				/tmp/stress-slab.0 /tmp/stress-slab.q)
			mv /tmp/stress-slab.q /tmp/stress-slab.0
			[ -n "$unquiet" ] || break
			tries=$((tries - 1))
		done
	fi
	start=$(t_uptime_cs)
	done=0
	why=""
	# testlib's insmod tells the host where the module is, for the first
	# load; the others are plain (a cycle then costs half as much), except
	# under kmemleak: a leak found after rmmod has only raw addresses, and
	# each load may put the module somewhere else.
	load=insmod
	[ -w /sys/kernel/debug/kmemleak ] && keep=insmod || keep="command insmod"
	while [ "$done" -lt "$CYCLES" ]; do
		# shellcheck disable=SC2086 # the parameters are words
		if ! $load "$ko" $params 2>/tmp/stress-err; then
			why="insmod $ko $params failed in cycle $((done + 1)): $(cat /tmp/stress-err)"
			break
		fi
		load=$keep
		if ! rmmod "$mod" 2>/tmp/stress-err; then
			why="rmmod $mod failed in cycle $((done + 1)): $(cat /tmp/stress-err)"
			break
		fi
		done=$((done + 1))
		[ -z "$slab" ] || [ "$done" != $((CYCLES / 2)) ] || slab_counts >/tmp/stress-slab.1
	done
	cs=$(($(t_uptime_cs) - start + 1))
	desc="load and unload $ko${params:+ $params} $CYCLES times"
	if [ -z "$why" ]; then
		ok "$desc ($done in $((cs / 100)).$((cs / 10 % 10)) s, $((done * 100 / cs))/s)"
	else
		not_ok "$desc" "$why"
		rmmod "$mod" 2>/dev/null
	fi
	forward_klog

	after=$(entries)
	left=$(printf '%s\n' "$after" | grep -vxF -- "$before")
	check_eq "after unloading $mod, no /dev, /proc, sysfs, debugfs or kprobe entry is left" "" "$left"

	if [ -w /sys/kernel/debug/kmemleak ]; then
		skip "no kmalloc cache grew with the cycles of $mod" "kmemleak judges leaks on this kernel, after the last chapter"
		continue
	elif [ -z "$slab" ]; then
		skip "no kmalloc cache grew with the cycles of $mod" \
			"this kernel has no /proc/slabinfo, or wbslab could not count"
		continue
	elif [ -n "$unquiet" ]; then
		skip "no kmalloc cache grew with the cycles of $mod" \
			"the kernel's own use did not settle before the cycles (in 1 s: $unquiet)"
		continue
	fi
	# A module that keeps one object a load makes its cache grow by one
	# object a cycle or more; and steadily, in both halves of the cycles
	# (a quarter of that at least), where the kernel's own changes of a
	# few dozen objects come and go.
	slab_counts >/tmp/stress-slab.2
	grown=$(awk -v n="$CYCLES" '
		FILENAME ~ /0$/ { c0[$1] = $2; next }
		FILENAME ~ /1$/ { c1[$1] = $2; next }
		$2 - c0[$1] >= n && c1[$1] - c0[$1] >= n / 4 && $2 - c1[$1] >= n / 4 {
			printf "%s %+d then %+d\n", $1, c1[$1] - c0[$1], $2 - c1[$1] }' \
		/tmp/stress-slab.0 /tmp/stress-slab.1 /tmp/stress-slab.2)
	check_eq "no kmalloc cache grew by an object a cycle with the cycles of $mod" "" "$grown"
done </tmp/stress-modules
# wbslab ends (end of file on its input) before the users and trinity come,
# who must not inherit its pipes.
[ -z "$SLAB" ] || exec 8>&- 9<&-

[ -n "$USES" ] || { forward_klog; done_testing; exit; }

# --- the modules for the users ---------------------------------------------
load_uses() {
	echo "$USES" | while read -r ko params; do
		[ -d "/sys/module/$(modname "$ko")" ] && continue
		# shellcheck disable=SC2086
		insmod "$ko" $params || return 1
	done
}

unload_uses() {
	echo "$USES" | while read -r ko _; do
		rmmod "$(modname "$ko")" 2>&1
	done
}

before=$(entries)
run load_uses
if [ "$RC" != 0 ]; then
	not_ok "the modules for the users load" "$OUT"
	bail_out "cannot load the modules to stress"
fi
missing=""
for f in $FILES; do
	[ -e "$f" ] || missing="$missing $f"
done
check_eq "the modules for the users load and make their files ($(echo $FILES))" "" "$missing"

# --- 2. rmmod with a file held open ------------------------------------------
# rmmod must answer whole: a module it removed is gone, one it refused
# stays, and while every module stays, so does the file. (Which outcome is
# right is the chapter's business: a chardev with .owner refuses, a /proc
# file without one lets the module go and cuts the open file off.)
for f in $FILES; do
	wbio -n hold "$f" >/tmp/stress-hold 2>&1 &
	holder=$!
	if ! wait_line /tmp/stress-hold '^(open|error)'; then
		not_ok "rmmod with $f open fails cleanly" "the holder never opened $f"
		kill "$holder" 2>/dev/null
		continue
	fi
	result=""
	said=""
	for ko in $(echo "$USES" | cut -d' ' -f1); do
		mod=$(modname "$ko")
		if rmmod "$mod" 2>/dev/null; then
			[ ! -d "/sys/module/$mod" ] || result="$result $mod: rmmod said yes, but /sys/module/$mod stayed;"
			said="$said $mod unloaded"
		else
			[ -d "/sys/module/$mod" ] || result="$result $mod: rmmod failed, but /sys/module/$mod is gone;"
			said="$said $mod refused"
		fi
	done
	case "$said" in
	*unloaded*) ;;
	*) [ -e "$f" ] || result="$result every rmmod was refused, but $f is gone;" ;;
	esac
	kill "$holder" 2>/dev/null
	wait "$holder" 2>/dev/null
	check_eq "rmmod with $f open answers whole ($(echo $said))" "" "$result"
	run load_uses
done
forward_klog

# --- 3. many users -------------------------------------------------------------
half=$((SECONDS_TOTAL / 2))
[ "$half" -gt 0 ] || half=1
users_time=$half
# Without interval timers trinity cannot fuzz (below): the users get its time.
timers=$(wbstress -T)
[ -z "$timers" ] || users_time=$SECONDS_TOTAL
set --
for c in $(conf ioctl); do
	set -- "$@" -i "$c"
done
conf text >/tmp/stress-texts
while IFS= read -r text; do
	set -- "$@" -w "$text"
done </tmp/stress-texts
# shellcheck disable=SC2086 # the files are words
wbstress -s "$SEED" -t "$users_time" -n "$USERS" -u "$STUDENT" "$@" $FILES >/tmp/stress-users 2>&1 &
users=$!
# Meanwhile, rmmod: refused while a file is open, or the files go (and the
# modules are loaded back). Either way the answer must be whole.
refused=0
unloaded=0
odd=""
while kill -0 "$users" 2>/dev/null; do
	for ko in $(echo "$USES" | cut -d' ' -f1); do
		mod=$(modname "$ko")
		if rmmod "$mod" 2>/dev/null; then
			unloaded=$((unloaded + 1))
			[ -d "/sys/module/$mod" ] && odd="$odd $mod stayed after rmmod;"
		else
			refused=$((refused + 1))
			[ -d "/sys/module/$mod" ] || odd="$odd $mod vanished after a refused rmmod;"
		fi
	done
	load_uses >/dev/null 2>&1 || odd="$odd the modules did not load again;"
	sleep 0.3
done
wait "$users"
users_rc=$?
summary=$(tail -n 1 /tmp/stress-users)
if [ "$users_rc" = 0 ]; then
	ok "$USERS users on $(echo $FILES) for $users_time s, SEED=$SEED: $summary"
else
	not_ok "$USERS users on $(echo $FILES) for $users_time s, SEED=$SEED: none stuck, all ran" \
		"$(cat /tmp/stress-users)"
fi
check_eq "rmmod during use, tried $((refused + unloaded)) times (refused $refused, unloaded $unloaded), left every module whole" "" "$odd"
forward_klog

# --- 4. trinity ------------------------------------------------------------------
# As "student": trinity will not run as root without --dangerous, and the
# VM would not survive what root may do. Only the file system calls (-g
# vfs), and no taint but a real one stops it (the modules are out of tree).
# Not fanotify: Debian's kernel taints itself (X) when it is used.
#
# Its fds and file names come from the chapter's files, through its fd
# provider that trinity calls "pseudo" (the one that walks -V); the other
# providers are off. -V takes one path, and its walk stays on one file
# system (a bind mount or a symbolic link under it is skipped, and with no
# file trinity gives up), so trinity runs once per file, each for its share
# of the time, on the file bind-mounted where the student can reach it
# (debugfs is root's alone).
trinities() { # the trinity processes of this VM
	grep -ls '^trinity' /proc/[0-9]*/comm | sed 's,^/proc/,,; s,/comm$,,'
}
run load_uses
victims=/tmp/victims
mkdir -p "$victims"
for f in $FILES; do
	chmod o+rw "$f" 2>/dev/null
done
nfiles=$(echo $FILES | wc -w)
each=$((half / nfiles))
[ "$each" -ge 3 ] || each=3
work=/tmp/trinity-$SEED
# trinity makes 32-bit calls (int 0x80) as well as 64-bit ones; a kernel
# without IA32 emulation (the debug kernel) kills the child that makes one:
# there, only the 64-bit calls.
arch=""
grep -qE ' (entry_INT80_compat|int80_emulation)$' /proc/kallsyms || arch="-a 64"
mkdir -p "$work" && chown "$STUDENT:$STUDENT" "$work"
: >/tmp/stress-trinity
calls=0
unused=""
if ! command -v trinity >/dev/null 2>&1; then
	echo "trinity is not in this initramfs: is the Debian package trinity installed on the host? (make deps)" >/tmp/stress-trinity
elif [ -z "$timers" ]; then
	n=0
	for f in $FILES; do
		n=$((n + 1))
		victim=$victims/$n
		: >"$victim"
		mount --bind "$f" "$victim"
		(cd "$work" && exec timeout -s INT "$each" su -s /bin/sh student -c \
			"exec trinity -q -l off -s $SEED -C 2 $arch -g vfs -V $victim -T DIE,WARN,BAD_PAGE,USER \
				-x fanotify_init -x fanotify_mark \
				--disable-fds=sockets,pipes,perf,epoll,eventfd,timerfd,testfile,memfd,drm" \
			) >/tmp/stress-trinity-one 2>&1
		# Its children may outlive it, under any user id (setuid is among
		# the calls): end every trinity process of this VM, and wait until
		# they are gone (they hold the file open, and would go on into the
		# next run).
		t_tries=100
		while [ "$t_tries" -gt 0 ] && [ -n "$(trinities)" ]; do
			kill -9 $(trinities) 2>/dev/null
			t_tries=$((t_tries - 1))
			sleep 0.1
		done
		umount "$victim" 2>/dev/null
		# Its last words: "[main] Ran N syscalls. Successes: S  Failures: F",
		# or when it is cut short, its last count, "[main] N iterations.".
		ran=$(sed -n 's/.*Ran \([0-9]*\) syscalls.*/\1/p; s/.*\] \([0-9]*\) iterations\..*/\1/p' \
			/tmp/stress-trinity-one | sort -n | tail -n 1)
		# It must have taken the file ("Added 1 filenames from FILE") and
		# made calls; a file it cannot use ends it at once.
		grep -q "Added [1-9][0-9]* filenames from $victim\$" /tmp/stress-trinity-one &&
			[ "${ran:-0}" -gt 0 ] || unused="$unused $f"
		calls=$((calls + ${ran:-0}))
		{
			echo "== $f"
			cat /tmp/stress-trinity-one
		} >>/tmp/stress-trinity
	done
fi
if [ -n "$timers" ]; then
	# Each child of trinity arms alarm() before a call, to break off one
	# that would sleep forever; without it the first such call ends its
	# fuzzing (two calls a minute on such a kernel, measured).
	skip "trinity fuzzed $(echo $FILES)" "this kernel lacks CONFIG_POSIX_TIMERS ($timers), which trinity needs"
elif [ -z "$unused" ] && [ "$calls" -gt 0 ]; then
	ok "trinity fuzzed $(echo $FILES) for $each s each, seed $SEED: $calls calls"
else
	not_ok "trinity fuzzed $(echo $FILES) for $each s each, seed $SEED" \
		"it made no call on:$unused; its last words:" "$(tail -n 8 /tmp/stress-trinity)"
fi
forward_klog

# --- 5. unload -------------------------------------------------------------------
run unload_uses
after=$(entries)
left=$(printf '%s\n' "$after" | grep -vxF -- "$before")
check_eq "after stress the modules unload and nothing is left over" "" "$OUT$left"
forward_klog
done_testing
