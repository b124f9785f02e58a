#!/bin/sh
# Prove that each class of bug the debug kernel is for is caught, and find
# out which of them the packaged kernel catches too (make debug-selftest;
# CI runs it).
#
#   debug-selftest.sh
#
# Each scripts/debug-selftest/NAME.patch breaks one reference chapter on
# purpose; its header names the chapter and the start of the diagnosis the
# runner must give ("# chapter: 10-linked-list", "# expect: KASAN: ...").
# For each, a copy of the chapter with the patch applied is checked like a
# lab (make check) on KERNEL=debug, which must fail with that diagnosis, and
# on the packaged 6.1 kernel, where whatever happens is recorded. Prints
# TAP and "N passed, N failed". Writes build/debug-selftest/:
#   NAME.debug.log, NAME.packaged.log   the two checks' output
#   NAME.txt, NAME.packaged.txt   the diagnosis and excerpt on each kernel
#                     (the book's "When your module is wrong" includes them)
#   caught.adoc       the table of what each kernel catches, for the book
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
out=build/debug-selftest
rm -rf "$out"
mkdir -p "$out"

field() { # FIELD PATCH: a "# FIELD: value" header line's value
	sed -n "s/^# $1: //p" "$2" | head -n 1
}

# check NAME KERNEL: make check of the broken copy; prints the log's path.
check() {
	log="$out/$1.$2.log"
	make --no-print-directory check CH="$chapter" LABDIR="$out/$1" \
		KERNEL="$([ "$2" = debug ] && echo debug || echo 6.1)" >"$log" 2>&1 || true
	echo "$log"
}

verdict() { # LOG: the diagnosis, or how the chapter scored
	what=$(sed -n 's/^ *what happened: //p' "$1" | head -n 1)
	if [ -n "$what" ]; then
		echo "$what"
	else
		echo "not seen: $(grep -o 'Score: .*' "$1" || echo 'no score')"
	fi
}

excerpt() { # VERDICT LOG: what the book shows of a check
	echo "what happened: $1"
	sed -n 's/^          | //p' "$2" | head -n 25
}

n=0
failed=0
{
	echo '[cols="2,3,3",options="header"]'
	echo '|==='
	echo '| the bug | KERNEL=debug says | the packaged 6.1 kernel says'
} >"$out/caught.adoc"
for patch in scripts/debug-selftest/*.patch; do
	name=$(basename "$patch" .patch)
	chapter=$(field chapter "$patch")
	expect=$(field expect "$patch")
	what=$(sed -n '1s/^# //p' "$patch")
	LABDIR="$out/$name" scripts/lab.sh new "$chapter" solved >/dev/null
	patch -s -d "$out/$name/$chapter" -p1 <"$patch"

	debug=$(verdict "$(check "$name" debug)")
	packaged=$(verdict "$(check "$name" packaged)")
	n=$((n + 1))
	case "$debug" in
	"$expect"*)
		echo "ok $n - $name: the debug kernel says \"$debug\""
		;;
	*)
		failed=$((failed + 1))
		echo "not ok $n - $name: the debug kernel must say \"$expect...\""
		echo "#   it said: $debug (see $out/$name.debug.log)"
		;;
	esac
	echo "#   the packaged kernel: $packaged"
	excerpt "$debug" "$out/$name.debug.log" >"$out/$name.txt"
	excerpt "$packaged" "$out/$name.packaged.log" >"$out/$name.packaged.txt"
	echo "| $what | $debug | $packaged" >>"$out/caught.adoc"
done
echo '|===' >>"$out/caught.adoc"
echo "1..$n"
echo "$((n - failed)) passed, $failed failed"
[ "$failed" = 0 ]
