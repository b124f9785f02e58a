#!/bin/sh
# Print the workbook's speed figures, each the median of several runs (the
# make targets call it: make bench [KERNEL=...]):
#   - an empty test boot: QEMU start to power-off, running no chapter, and
#     the peak memory (resident set) of that QEMU;
#   - 'make test', everything already built (warm);
#   - a clean build of every module, tool and the initramfs;
#   - edit one source file, then 'make test CH=10';
#   - from 'make gdb' to a breakpoint hit, and a module's 'reload';
#   - KERNEL=debug: how long the debug kernel's one build took;
#   - with STUDENTS=N, a class of N students graded on chapter 10 (make
#     grade), and of N/2 (scripts/grade-bench.sh);
#   - with BASELINE=REV, a warm 'make test' here and in revision REV of the
#     workbook, in the same run, and their ratio (scripts/bench-baseline.sh).
# Timing belongs here, never in the tests. BOOTS, TESTS and BUILDS set the
# run counts.
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
boots=${BOOTS:-7}
tests=${TESTS:-3}
builds=${BUILDS:-3}

# The make that runs us exports the release it chose as KVER; passed on to
# the makes below, it would read as "KVER=, a kernel installed on the host"
# (it is not, for a kernel from the cache), so only a KVER the user gave
# goes on to them. Nor does our make's job server, which they cannot reach
# (they would build with -j1): each chooses its own -j, as from a shell.
# Nor WB_READY, which would make a 'make grade' below skip the outer make
# that chooses the kernel, and pass our KVER on as if a user had given it.
sub() { # COMMAND...: run a command that runs make
	if [ -n "${KVER_GIVEN:-}" ]; then
		env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL -u WB_READY "$@"
	else
		env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL -u WB_READY -u KVER "$@"
	fi
}

now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { print b - a }'; }

median() {
	sort -n | awk '{ v[NR] = $1 } END { m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; printf "%.2f s (min %.2f, max %.2f, n=%d)\n", m, v[1], v[NR], NR }'
}

# repeat N COMMAND...: run COMMAND N times, printing what each prints.
repeat() {
	count=$1
	shift
	i=0
	while [ "$i" -lt "$count" ]; do
		"$@"
		i=$((i + 1))
	done
}

time_empty_boot() {
	start=$(now)
	"$here/scripts/run-qemu.sh" test none </dev/null >/dev/null 2>&1
	since "$start"
}

# The peak resident memory of one QEMU running an empty boot, in MB.
peak_memory() {
	/usr/bin/python3 -c 'import resource, subprocess, sys
subprocess.run(sys.argv[1:], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024)' "$here/scripts/run-qemu.sh" test none
}

time_make() {
	start=$(now)
	sub make -C "$here" --no-print-directory "$@" >"$here/build/bench-make.log" 2>&1 ||
		echo "bench.sh: make $* failed: $(tail -n 1 "$here/build/bench-make.log")" >&2
	since "$start"
}

time_clean_build() {
	rm -rf "$here/build/$KVER"
	time_make all
}

time_edit_and_test() {
	touch "$here/chapters/10-linked-list/numlist.c"
	time_make test CH=10
}

accel=$("$here/scripts/run-qemu.sh" accel)
echo "accelerator: $accel; kernel: ${KERNEL:-6.1} ($KVER); $(nproc) CPUs"
# The debug kernel is built once, into the cache: its build time is the one
# that build measured (scripts/build-debug-kernel.sh), not rebuilt here.
if [ "${KERNEL:-}" = debug ]; then
	if read -r secs cores day <"$(dirname "$WB_IMAGE")/build-seconds" 2>/dev/null; then
		echo "debug kernel build from nothing: $secs s ($cores cores, $day, as that build measured it)"
	else
		echo "debug kernel build from nothing: not recorded (built before builds recorded it)"
	fi
fi
repeat "$boots" time_empty_boot | median | sed 's/^/empty boot to power-off:        /'
# run-qemu.sh boots with init_on_free=1 (a use after free reads zeros):
# what it costs.
(export WB_APPEND=init_on_free=0; repeat "$boots" time_empty_boot) | median |
	sed 's/^/  the same without init_on_free: /'
(export SMP=2; repeat "$boots" time_empty_boot) | median |
	sed 's/^/  the same with 2 vCPUs (SMP):  /'
echo "peak memory of one VM:          $(peak_memory) MB (resident, QEMU with ${WB_MEM:-128M} of guest RAM)"
repeat "$tests" time_make test | median | sed 's/^/make test (all chapters, warm): /'
repeat "$builds" time_clean_build | median | sed 's/^/clean build (make, -j'"$(nproc)"'):     /'
repeat "$tests" time_edit_and_test | median | sed 's/^/edit, then make test CH=10:     /'
# Debugging live: from 'make gdb' to the first breakpoint hit (the debug
# kernel's boot included: the VM waits for gdb before it boots), and a
# 'reload' of a rebuilt module, timed in the guest; one run of each
# self-test (DEBUG=0 skips them), which writes the figure it measured.
if [ "${DEBUG:-1}" != 0 ]; then
	sub "$here/scripts/gdb-selftest.sh" >/dev/null 2>&1 || echo "bench.sh: make gdb-selftest failed" >&2
	echo "make gdb to breakpoint hit:     $(cat "$here/build/gdb-selftest/seconds" 2>/dev/null || echo '?') s (KERNEL=debug, chapter 10, insmod typed at the prompt)"
	KERNEL= sub "$here/scripts/reload-selftest.sh" >/dev/null 2>&1 || echo "bench.sh: make reload-selftest failed" >&2
	echo "reload of a rebuilt module:     $(cat "$here/build/reload-selftest/6.1/seconds" 2>/dev/null || echo '?') s (in the guest, 6.1, chapter 10)"
fi
# BASELINE=REV: a warm make test here and in that revision (a release, or
# the commit before a change), taking turns, and the ratio of the medians.
if [ -n "${BASELINE:-}" ]; then
	times=$here/build/bench-baseline.times
	if sub "$here/scripts/bench-baseline.sh" "$BASELINE" "$tests" >"$times"; then
		this=$(sed -n 's/^this //p' "$times" | median)
		base=$(sed -n 's/^baseline //p' "$times" | median)
		echo "make test, this tree:           $this"
		echo "make test, BASELINE=$BASELINE: $base"
		echo "  ratio (this / baseline):      $(echo "${this%% *} ${base%% *}" | awk '{ printf "%.2f", $1 / $2 }')"
	fi
fi
# A class graded at once (make grade CH=10), STUDENTS=N students and half as
# many: only when asked, it takes a while.
[ "${STUDENTS:-0}" = 0 ] || sub "$here/scripts/grade-bench.sh" "$STUDENTS"
