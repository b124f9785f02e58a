#!/bin/sh
# Time 'make test' in this tree and in another revision of the workbook, in
# the same run, taking turns (make bench runs it when BASELINE=REV is set):
# a busy or slow machine slows both alike, so their ratio means more than
# either figure.
#
#   bench-baseline.sh REV [RUNS]
#
# checks REV out into build/bench-baseline/ (a clone of this repository,
# kept while it is at REV), runs 'make test' once in each tree, untimed, for
# the same kernel (KERNEL=): it builds what is missing, and leaves each
# tree's record of how long its chapters take, which shares them out over
# the VMs. Then it times a warm 'make test' in each, RUNS times (default 3),
# and prints one line per run: "this SECONDS" or "baseline SECONDS".
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
rev=${1:?usage: bench-baseline.sh REV [RUNS]}
runs=${2:-3}
base=$here/build/bench-baseline

commit=$(git -C "$here" rev-parse --verify --quiet "$rev^{commit}") || {
	echo "bench-baseline.sh: BASELINE=$rev is not a commit of this repository" >&2
	exit 1
}
if [ "$(git -C "$base" rev-parse HEAD 2>/dev/null)" != "$commit" ]; then
	rm -rf "$base"
	git clone -q --no-checkout "$here" "$base"
	git -C "$base" checkout -q --detach "$commit"
fi

# timed_test DIR NAME: a warm 'make test' in DIR; prints "NAME SECONDS".
timed_test() {
	start=$(date +%s.%N)
	make -C "$1" --no-print-directory test >"$1/build/bench-test.log" 2>&1 ||
		echo "bench-baseline.sh: make test failed in $1 (see $1/build/bench-test.log)" >&2
	awk -v a="$start" -v b="$(date +%s.%N)" -v n="$2" 'BEGIN { print n, b - a }'
}

for dir in "$here" "$base"; do
	mkdir -p "$dir/build"
	timed_test "$dir" warm-up >/dev/null
done
i=0
while [ "$i" -lt "$runs" ]; do
	timed_test "$here" this
	timed_test "$base" baseline
	i=$((i + 1))
done
