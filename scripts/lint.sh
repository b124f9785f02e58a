#!/bin/sh
# Static checks of every chosen chapter, and of what students get from it.
#
#   lint.sh sparse CHAPTER...   build each chapter module, and each lab in
#                               $LABDIR (modules/), with sparse (C=2)
#   lint.sh lint CHAPTER...     the same, then checkpatch --strict on each
#                               chapter's sources and on its lab skeleton
#
# Each chapter, lab and skeleton is one check; the last line is the verdict,
# "N passed, N failed". A warning listed with its reason in
# scripts/lint-accepted.txt does not fail. checkpatch comes from Debian's
# linux-source-6.1 (the deps script installs it), unpacked once into the
# workbook's cache. KDIR is the kbuild tree (the Makefile sets it); the
# builds go to build/lint/.
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
what=$1
shift
out="$here/build/lint"
labdir="$here/${LABDIR:-modules}"
accepted="$here/scripts/lint-accepted.txt"
passed=0
failed=0

verdict() { # NAME LOG: count one check; show the log of a failed one
	if [ -s "$2" ]; then
		failed=$((failed + 1))
		echo "FAIL $1"
		sed 's/^/     /' "$2"
	else
		passed=$((passed + 1))
		echo "ok   $1"
	fi
}

# sparse_check NAME SOURCE-DIR: build a copy with C=2; every sparse or
# compiler warning is a finding.
sparse_check() {
	dir="$out/sparse/$1"
	rm -rf "$dir"
	mkdir -p "$dir"
	cp "$2"/*.[ch] "$2"/Kbuild "$dir/" 2>/dev/null || true
	env -u MAKEFLAGS -u MFLAGS make --no-print-directory -C "$KDIR" M="$dir" W=1 C=2 \
		CONFIG_DEBUG_INFO_BTF_MODULES= modules >"$dir.log" 2>&1 || echo "build failed" >>"$dir.log"
	grep -E 'warning:|error:|build failed' "$dir.log" >"$dir.findings" || true
	verdict "sparse $1" "$dir.findings"
}

# The checkpatch script and its data files, unpacked once per source version.
checkpatch() {
	tarball=/usr/src/linux-source-6.1.tar.xz
	if [ ! -f "$tarball" ]; then
		echo "lint.sh: $tarball is missing; 'make deps' installs linux-source-6.1" >&2
		exit 1
	fi
	version=$(dpkg-query -W -f='${Version}' linux-source-6.1 2>/dev/null || echo unknown)
	dir="$("$here/scripts/cache-dir.sh")/checkpatch-$version"
	if [ ! -x "$dir/checkpatch.pl" ]; then
		echo "lint.sh: unpacking checkpatch from $tarball (once, about 10 s)" >&2
		tmp="$dir.tmp.$$"
		mkdir -p "$tmp"
		tar -xJf "$tarball" -C "$tmp" --strip-components=2 \
			linux-source-6.1/scripts/checkpatch.pl \
			linux-source-6.1/scripts/spelling.txt \
			linux-source-6.1/scripts/const_structs.checkpatch
		rm -rf "$dir"
		mv "$tmp" "$dir"
	fi
	"$dir/checkpatch.pl" --no-tree --strict --terse --show-types --no-summary "$@" || true
}

# unaccepted FILE-AS-NAMED: drop the findings accepted for that file.
unaccepted() {
	while IFS= read -r line; do
		file=${line%%:*}
		type=$(echo "$line" | sed -n 's/^[^ ]* [A-Z]*:\([A-Z_]*\):.*/\1/p')
		ok=0
		while read -r glob acctype _; do
			case "$glob" in "#"* | "") continue ;; esac
			# shellcheck disable=SC2254 # the glob is a pattern on purpose
			case "$file" in $glob) [ "$acctype" = "$type" ] && ok=1 ;; esac
		done <"$accepted"
		[ "$ok" = 1 ] || echo "$line"
	done
}

# checkpatch_check NAME DIR PREFIX [skeleton]: checkpatch every .c/.h under
# DIR, naming files as PREFIX/relative-path (so the accepted list applies);
# a skeleton's findings say so, since its line numbers are its own.
checkpatch_check() {
	log="$out/checkpatch-$1.findings"
	mkdir -p "$out"
	(cd "$2" && find . -maxdepth 1 -name '*.[ch]' | sort | sed 's,^\./,,' | while read -r f; do
		checkpatch -f "$f" | sed "s,^$f:,$3/$f:,"
	done) | unaccepted | sed "s/^/${4:+the lab skeleton of }/" >"$log"
	verdict "checkpatch $1" "$log"
}

for chapter in "$@"; do
	sparse_check "$chapter" "$here/chapters/$chapter"
	if [ -d "$labdir/$chapter" ]; then
		sparse_check "lab-$chapter" "$labdir/$chapter"
	fi
	if [ "$what" = lint ]; then
		checkpatch_check "$chapter" "$here/chapters/$chapter" "chapters/$chapter"
		skel="$out/skeletons"
		rm -rf "$skel/$chapter"
		LABDIR=build/lint/skeletons "$here/scripts/lab.sh" new "$chapter" >/dev/null
		checkpatch_check "skeleton-$chapter" "$skel/$chapter" "chapters/$chapter" skeleton
	fi
done
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
