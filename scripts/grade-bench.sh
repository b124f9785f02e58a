#!/bin/sh
# Time 'make grade' on a class (make bench runs it when STUDENTS=N is set):
#
#   grade-bench.sh N [CHAPTERS]
#
# builds classes of N/2 and N students in build/grade-bench/, each student a
# 'git clone' of this workbook with the labs of CHAPTERS (default: 10)
# finished (make lab SOLVED=1), grades each class with make grade, and prints
# the grade run's figures for both (time, students x chapters per minute,
# peak memory of one VM): the time should grow linearly with the students.
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
students=${1:?usage: grade-bench.sh N [CHAPTERS]}
chapters=${2:-10}
work=$here/build/grade-bench

# class N: a class of N finished students, graded; prints the figures.
class() {
	dir=$work/class-$1
	rm -rf "$dir" "$dir.out"
	mkdir -p "$dir"
	i=0
	while [ "$i" -lt "$1" ]; do
		i=$((i + 1))
		git clone -q "$here" "$dir/student-$i"
		for ch in $chapters; do
			make -s -C "$dir/student-$i" lab CH="$ch" SOLVED=1 >/dev/null
		done
	done
	make -C "$here" --no-print-directory grade CLASS="$dir" CH="$chapters" OUT="$dir.out" \
		>"$dir.log" 2>&1 || echo "grade-bench.sh: make grade failed; see $dir.log" >&2
	passed=$(grep -c ',PASS,' "$dir.out/gradebook.csv" || true)
	echo "class of $1: $(sed -n 's/^grade: \(.* graded in .*\)/\1/p' "$dir.log"); $passed of $(($1 * $(echo "$chapters" | wc -w))) PASS"
}

[ "$students" -lt 2 ] || class $((students / 2))
class "$students"
