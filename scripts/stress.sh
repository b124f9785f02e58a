#!/bin/sh
# Host side of 'make stress': hammer the chapters in the VM and judge them
# the way 'make test' does, then say how to replay the run.
#
#   stress.sh [--log FILE] [--times FILE] CHAPTER...
#
# The Makefile has set everything up (the same for 'make check STRESS=1',
# which goes through scripts/run-tests.py directly): WB_TEST=stress, so
# that each chapter runs initramfs/wb/stress.sh instead of its test.sh;
# WB_APPEND, which carries wb.seed, wb.seconds, wb.cycles and the chapter's
# longer time limit to the guest; WB_RUNNER_LIMIT, the runner's own limit;
# WB_SEED, to print here. What each chapter gets (its modules, their
# parameters, its files) is in chapters/NN-slug/stress.conf.
#
# scripts/run-tests.py boots, collects and judges: a failed check or any
# kernel report (Oops, KASAN, lockdep, kmemleak, hung task, soft lockup)
# fails the chapter, with the excerpt. Writes FILE (the console log) and
# the seconds each chapter took (--times, to split the chapters over VMs
# the next time). Exit status: run-tests.py's.
set -u
here=$(cd "$(dirname "$0")/.." && pwd)

if [ "${WB_TEST:-}" != stress ]; then
	echo "stress.sh: run me through make: make stress [CH=NN] [SEED=N] [SECONDS=N]" >&2
	exit 2
fi
seconds=$(echo "${WB_APPEND:-}" | sed -n 's/.*wb\.seconds=\([0-9]*\).*/\1/p')
# The chapters, as numbers, for the replay line.
chapters=""
for arg in "$@"; do
	case "$arg" in
	[0-9][0-9]-*) chapters="$chapters ${arg%%-*}" ;;
	esac
done
chapters=${chapters# }
echo "stress: SEED=$WB_SEED, ${seconds:-20} s of users and fuzzing a chapter, on the ${KERNEL:-6.1} kernel"
"$here/scripts/run-tests.py" "$@"
status=$?
echo "stress: SEED=$WB_SEED; the same run again: make stress CH=\"$chapters\" SEED=$WB_SEED${seconds:+ SECONDS=$seconds}${KERNEL:+ KERNEL=$KERNEL}"
exit $status
