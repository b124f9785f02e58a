#!/bin/sh
# Print the workbook's speed figures: the medians of several runs of
#   - an empty test boot: QEMU start to power-off, running no chapter;
#   - 'make test' for the selected chapters (everything already built).
# Timing belongs here, never in the tests. BOOTS and TESTS set the run counts.
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
boots=${BOOTS:-7}
tests=${TESTS:-3}

now() { date +%s.%N; }

median() {
	sort -n | awk '{ v[NR] = $1 } END { m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; printf "%.2f s (min %.2f, max %.2f, n=%d)\n", m, v[1], v[NR], NR }'
}

time_empty_boot() {
	start=$(now)
	"$here/scripts/run-qemu.sh" test none </dev/null >/dev/null 2>&1
	awk -v a="$start" -v b="$(now)" 'BEGIN { print b - a }'
}

time_make_test() {
	start=$(now)
	make -C "$here" --no-print-directory test >/dev/null 2>&1 || echo "bench.sh: make test failed" >&2
	awk -v a="$start" -v b="$(now)" 'BEGIN { print b - a }'
}

accel=$("$here/scripts/run-qemu.sh" accel)
echo "accelerator: $accel; kernel: $KVER"
i=0
while [ "$i" -lt "$boots" ]; do
	time_empty_boot
	i=$((i + 1))
done | median | sed 's/^/empty boot to power-off: /'
i=0
while [ "$i" -lt "$tests" ]; do
	time_make_test
	i=$((i + 1))
done | median | sed 's/^/make test ('"${CH:-all chapters}"'): /'
