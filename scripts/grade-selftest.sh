#!/bin/sh
# Check 'make grade' as a teacher relies on it (CI runs it: make
# grade-selftest): students who tamper with their own copy of the workbook
# score what their modules earn, not what their copy claims. Prints TAP.
#
# It builds a small class in build/grade-selftest/class, each student a
# 'git clone' of this workbook with labs made by 'make lab':
#   honest      chapters 01 and 10 finished (make lab SOLVED=1): full marks
#   skeleton    chapter 10's lab as handed out, TODOs cut: some score S
#   fake-test   the skeleton, with chapter 10's test.sh (in chapters/ and in
#               modules/) rewritten to print only "ok": must score S
#   fake-lib    the skeleton, with the test library's not_ok printing "ok":
#               must score S
#   fake-make   the skeleton, with a Makefile whose check prints a full
#               score and runs nothing: must score S
#   broken      chapter 10 with a syntax error: "does not build", 0, and the
#               compiler's error in the detail
#   crash       chapter 10 finished, but its init dereferences NULL: it
#               fails, with the kernel's report, and costs no one else
#   not-a-clone a folder with no workbook in it: named and skipped
# and grades it on chapters 01 and 10 (everyone but honest has not started
# 01). Then it checks the gradebook (CSV rows, the HTML page in headless
# Chromium) and every student's JUnit report.
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
work=$here/build/grade-selftest
class=$work/class
out=$work/out
cd "$here"

rm -rf "$work"
mkdir -p "$class"

student() { # NAME [make lab arguments]: a clone with chapter 10's lab
	git clone -q "$here" "$class/$1"
	make -s -C "$class/$1" lab CH=10 ${2:-} >/dev/null
}
student honest SOLVED=1
make -s -C "$class/honest" lab CH=01 SOLVED=1 >/dev/null
student skeleton
student fake-test
for t in "$class/fake-test/chapters/10-linked-list/test.sh" "$class/fake-test/modules/10-linked-list/test.sh"; do
	printf '#!/bin/sh\necho 1..1\necho "ok 1 - everything works"\n' >"$t"
	chmod +x "$t"
done
student fake-lib
cat >>"$class/fake-lib/initramfs/wb/testlib.sh" <<'EOF'
# every check passes
not_ok() { ok "$1"; }
EOF
student fake-make
printf 'check check-all:\n\t@echo "10-linked-list 31/31 PASS"; echo "Score: 31/31 tests passed"\n%%:\n\t@:\n' \
	>"$class/fake-make/Makefile"
student broken SOLVED=1
sed -i 's/^\tunsigned int count = 0;$/\tunsigned int count = 0 oops;/' "$class/broken/modules/10-linked-list/numlist.c"
student crash SOLVED=1
sed -i 's/^\tmutex_lock(&numlist_lock);$/\t*(volatile int *)0 = 1;\n&/' "$class/crash/modules/10-linked-list/numlist.c"
mkdir -p "$class/not-a-clone"
echo "my homework" >"$class/not-a-clone/notes.txt"

set +e
n=0
result() { # STATUS DESCRIPTION [DIAGNOSTIC...]
	n=$((n + 1))
	if [ "$1" = 0 ]; then
		echo "ok $n - $2"
	else
		echo "not ok $n - $2"
		shift 2
		for line in "$@"; do echo "#   $line"; done
	fi
}

# The fakes really are fakes: in their own copy, make check says full marks.
make -s -C "$class/fake-make" check CH=10 >"$work/fake-make.log" 2>&1 || true
grep -q "Score: 31/31" "$work/fake-make.log"
result $? "the fake Makefile claims full marks in the student's own copy"

make --no-print-directory grade CLASS="$class" CH="01 10" OUT="$out" >"$work/grade.log" 2>&1
result $? "make grade runs (see build/grade-selftest/grade.log)" "$(tail -n 5 "$work/grade.log")"

csv=$out/gradebook.csv
row() { # STUDENT CHAPTER: "passed total status" from the CSV
	/usr/bin/python3 -c 'import csv, sys
for r in csv.DictReader(open(sys.argv[1])):
    if r["student"] == sys.argv[2] and r["chapter"].startswith(sys.argv[3]):
        print(r["passed"], r["total"], r["status"].replace(" ", "-"))' "$csv" "$1" "$2"
}
cell() { row "$1" "$2" | cut -d' ' -f"$3"; }

full=$(cell honest 10 2)
skel=$(cell skeleton 10 1)
[ "$(row honest 10)" = "$full $full PASS" ] && [ "$(cell honest 01 3)" = PASS ] &&
	[ "$(cell honest 01 1)" = "$(cell honest 01 2)" ]
result $? "honest: full marks on 01 and 10 ($(row honest 01); $(row honest 10))"
[ -n "$skel" ] && [ "$skel" -lt "$full" ] && [ "$(cell skeleton 10 3)" = FAIL ]
result $? "skeleton: fails, $skel of $full"
for fake in fake-test fake-lib fake-make; do
	[ "$(row $fake 10)" = "$skel $full FAIL" ]
	result $? "$fake scores what its modules earn, the skeleton's $skel/$full (got: $(row $fake 10))"
done
[ "$(row broken 10)" = "0 $full does-not-build" ] &&
	grep -q '^broken,10-linked-list,.*numlist.c:[0-9]*:[0-9]*: error:' "$csv"
result $? "broken: 'does not build', 0 points, the compiler's error in the gradebook (got: $(row broken 10))"
grep -q "error:" "$out/gradebook.html" && grep -q "The compiler's first errors" "$out/gradebook.html"
result $? "broken: the detail quotes the compiler"
[ "$(cell crash 10 3)" = FAIL ] && [ "$(cell crash 10 1)" -lt "$full" ] &&
	grep -q "NULL pointer dereference" "$out/crash/reports/results.json"
result $? "crash: FAIL with the kernel's words ($(row crash 10)), and everyone else is graded as above"
[ "$(row skeleton 01)" = "0 $(cell honest 01 2) not-started" ]
result $? "a chapter with no lab is 'not started', out of the chapter's total (got: $(row skeleton 01))"
! grep -q '^not-a-clone,' "$csv" && grep -q "skipped $class/not-a-clone: not a workbook clone" "$work/grade.log"
result $? "a folder that is not a workbook clone is named, skipped and reported at the end"
[ "$(grep -c , "$csv")" = $((1 + 7 * 2)) ]
result $? "the CSV has a header and a row per student and chapter"
grep -q "student-chapters per minute" "$work/grade.log"
result $? "the grade run prints its throughput: $(sed -n 's/^grade: \(.* graded in .*\)/\1/p' "$work/grade.log")"

bad=""
for s in honest skeleton fake-test fake-lib fake-make crash; do
	scripts/reports.py --validate "$out/$s/reports/junit.xml" 2>>"$work/validate.log" || bad="$bad $s"
done
[ -z "$bad" ]
result $? "every graded student's JUnit report is valid${bad:+ (not:$bad)}"

# The page, in headless Chromium: the table sorts and each student has a
# detail.
if ! command -v chromium >/dev/null; then
	n=$((n + 1))
	echo "ok $n - gradebook.html in headless Chromium # SKIP chromium is not installed (make deps)"
elif scripts/gradebook-check.py "$out/gradebook.html" 7 >"$work/browser.log" 2>&1; then
	result 0 "gradebook.html in headless Chromium: $(tail -n 1 "$work/browser.log")"
else
	result 1 "gradebook.html in headless Chromium" "$(cat "$work/browser.log")"
fi
echo "1..$n"
