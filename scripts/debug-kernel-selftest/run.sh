#!/bin/sh
# Prove that the debug kernel catches what Debian's kernel lets through:
# chapter 10's numlist, broken the two ways a student breaks it, must be
# reported (KASAN: use-after-free; kmemleak: a leak), and the reference
# must pass its own test.sh with no report at all.
#
#   scripts/debug-kernel-selftest/run.sh     builds the debug kernel if it is
#                                            not cached, then boots one VM
#
# It boots the VM, so on a shared machine run it under the VM lock:
#   flock /tmp/wb-vm.lock scripts/debug-kernel-selftest/run.sh
# In build/debug-selftest/ it builds, against the debug kernel's kbuild
# tree: ref/ (the reference numlist), leak/ and uaf/ (the reference with
# leak.patch, uaf.patch), the harness tools, and an initramfs whose
# "chapters" are
#   10-linked-list   the reference with the chapter's own test.sh
#   10-scan          two kmemleak scans right after it: must find nothing
#   10-leak, 10-uaf  the broken copies, loaded and unloaded once
# The guest's console goes to build/debug-selftest/console.txt; the result
# is one line per case and the exit status (0: every case as expected).
# The checks near the end are called through expect, which shellcheck
# cannot see.
# shellcheck disable=SC2317
set -eu

here=$(cd "$(dirname "$0")/../.." && pwd)
sel="$here/scripts/debug-kernel-selftest"
work="$here/build/debug-selftest"
chapter="$here/chapters/10-linked-list"

dir=$("$here/scripts/build-debug-kernel.sh")
kver=$(cat "$dir/release")
rm -rf "$work"
mkdir -p "$work/tools" "$work/t"

# The modules, built as 'make' builds a chapter (W=1, warnings are errors).
for case in ref leak uaf; do
	mkdir -p "$work/$case"
	cp "$chapter/numlist.c" "$chapter/Kbuild" "$work/$case/"
	if [ "$case" != ref ]; then
		patch -s -d "$work/$case" -p1 <"$sel/$case.patch"
	fi
	make -s -C "$dir/build" M="$work/$case" W=1 KCFLAGS=-Werror \
		CONFIG_DEBUG_INFO_BTF_MODULES= modules >&2
done
for src in "$here"/initramfs/tools/*.c; do
	name=${src##*/}
	${CC:-cc} -static -O2 -s -Wall -Wextra -Werror -o "$work/tools/${name%.c}" "$src"
done
for t in 10-scan 10-leak 10-uaf; do
	mkdir -p "$work/t/$t"
	cp "$sel/$t/test.sh" "$sel/kmemleak-scan.sh" "$work/t/$t/"
done

"$here/scripts/mkinitramfs.sh" "$work/initramfs.cpio" "$kver" "$dir/build" "$work/tools" \
	"$chapter:$work/ref:chapters/10-linked-list" \
	"$work/t/10-scan:$work/ref:ref" \
	"$work/t/10-leak:$work/leak:leak.patch" \
	"$work/t/10-uaf:$work/uaf:uaf.patch" >&2

echo "debug-kernel-selftest: booting $kver (KASAN: the bzImage, under TCG about 40 s)" >&2
start=$(date +%s)
KVER=$kver WB_IMAGE="$dir/bzImage" WB_VMLINUX="" WB_INITRAMFS="$work/initramfs.cpio" \
	timeout 300 "$here/scripts/run-qemu.sh" test 10-linked-list,10-scan,10-leak,10-uaf \
	</dev/null >"$work/console.txt" 2>&1 || true
echo "debug-kernel-selftest: the VM ran $(($(date +%s) - start)) s; console in $work/console.txt" >&2

# section NAME: the console lines of chapter NAME.
section() {
	tr -d '\r' <"$work/console.txt" | sed -n "/^@@wb begin $1\$/,/^@@wb end $1\$/p"
}
# The kernel's report headlines (what the runner also looks for).
REPORTS='BUG:|WARNING:|INFO: |UBSAN:|general protection fault|new suspected memory leak|unreferenced object'

failed=0
expect() { # expect CASE DESCRIPTION COMMAND...: COMMAND must succeed
	what=$1
	shift
	if "$@"; then
		echo "ok   $what"
	else
		echo "FAIL $what"
		failed=1
	fi
}
ref_passes() {
	section 10-linked-list | grep -q '^1\.\.30' &&
		[ "$(section 10-linked-list | grep -c '^ok ')" = 30 ] &&
		! section 10-linked-list | grep -Eq "$REPORTS"
}
scan_is_clean() {
	section 10-scan | grep -q '^# kmemleak after two scans:' &&
		! section 10-scan | grep -Eq "$REPORTS"
}
leak_reported() {
	section 10-leak | grep -q 'kmemleak: 10 new suspected memory leaks'
}
uaf_reported() {
	section 10-uaf | grep -q 'BUG: KASAN: use-after-free in numlist_free'
}
expect "reference: 30/30 checks, no kernel report" ref_passes
expect "reference: kmemleak finds nothing after it" scan_is_clean
expect "leak.patch: 'kmemleak: 10 new suspected memory leaks'" leak_reported
expect "uaf.patch: 'BUG: KASAN: use-after-free in numlist_free'" uaf_reported
exit "$failed"
