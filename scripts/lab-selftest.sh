#!/bin/sh
# Check the labs end to end, as a teacher would before a course (CI runs it):
# for every chapter, a fresh skeleton (make lab) must fail the chapter's
# tests (make check-all), and the same skeleton with the reference lines put
# back must pass them all. Prints TAP; works in build/labtest, never in
# modules/, so a student's work is safe.
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
labdir=build/labtest
cd "$here"

# The chapters named (make lab-selftest CH=...), or all of them.
chapters=${*:-$(cd chapters && ls -d [0-9][0-9]-*)}
rm -rf "$labdir"
for chapter in $chapters; do
	make -s lab CH="${chapter%%-*}" LABDIR="$labdir" >/dev/null
done

# check_all EXPECTED: run every lab once and report each chapter's status.
n=0
check_all() {
	make --no-print-directory check-all LABDIR="$labdir" CH="$chapters" >"$labdir.log" 2>&1 || true
	for chapter in $chapters; do
		n=$((n + 1))
		row=$(grep -E "^$chapter +[0-9]+/[0-9]+ +(PASS|FAIL)$" "$labdir.log" || true)
		score=$(echo "$row" | awk '{ print $2 }')
		if [ "$(echo "$row" | awk '{ print $3 }')" = "$1" ]; then
			echo "ok $n - $chapter: $2 (${score:-no score})"
		else
			echo "not ok $n - $chapter: $2 (${score:-no score}; see $labdir.log)"
		fi
	done
}

check_all FAIL "the fresh skeleton fails its tests"
cp "$labdir.log" "$labdir-skeleton.log"

for chapter in $chapters; do
	(cd "chapters/$chapter" && find . -maxdepth 2 \( -name '*.[ch]' -o -name Kbuild \) -type f) |
		while read -r file; do
			cp "chapters/$chapter/$file" "$labdir/$chapter/$file"
		done
done
check_all PASS "the skeleton with the reference lines put back passes"

# Fair scores: however a lab fails (cleanly, or by crashing half-way), it is
# scored out of every check the chapter plans, the same total as the
# reference's.
total() { # LOG CHAPTER: the score's total in a check-all log
	grep -E "^$2 +[0-9]+/[0-9]+ " "$1" | awk '{ split($2, s, "/"); print s[2] }'
}
for chapter in $chapters; do
	n=$((n + 1))
	want=$(total "$labdir.log" "$chapter")
	got=$(total "$labdir-skeleton.log" "$chapter")
	if [ -n "$want" ] && [ "$got" = "$want" ]; then
		echo "ok $n - $chapter: the skeleton is scored out of the full plan ($want)"
	else
		echo "not ok $n - $chapter: the skeleton is scored out of the full plan"
		echo "#   the reference's total: ${want:-none}; the skeleton's: ${got:-none}"
	fi
done

# A module that crashes half-way through its tests (chapter 11's, when
# loaded with buffer_size=0) scores less than the full plan, out of it.
case " $chapters " in
*" 11-reverse "*)
	crash=build/labtest-crash
	rm -rf "$crash"
	make -s lab CH=11 SOLVED=1 LABDIR="$crash" >/dev/null
	sed -i 's/^\(\tif (!buffer_size || buffer_size > REVERSE_MAX_BUFFER) {\)$/\tif (!buffer_size)\n\t\t*(volatile int *)0 = 1;\n\1/' \
		"$crash/11-reverse/reverse.c"
	make --no-print-directory check CH=11 LABDIR="$crash" >"$crash.log" 2>&1 || true
	n=$((n + 1))
	want=$(total "$labdir.log" 11-reverse)
	score=$(grep -E "^11-reverse +[0-9]+/[0-9]+ " "$crash.log" | awk '{ print $2 }')
	if grep -q "NULL pointer dereference" "$crash.log" && [ "${score#*/}" = "$want" ] &&
		[ "${score%/*}" -lt "$want" ]; then
		echo "ok $n - a lab that crashes half-way scores $score, out of the full plan"
	else
		echo "not ok $n - a lab that crashes half-way scores out of the full plan ($want)"
		echo "#   got: ${score:-no score} (see $crash.log)"
	fi
	;;
esac
echo "1..$n"
