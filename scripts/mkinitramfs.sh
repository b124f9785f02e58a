#!/bin/sh
# Pack the guest's root file system into an initramfs, without root.
#
#   mkinitramfs.sh OUT KVER KMODDIR TOOLS_DIR SOURCE:BUILD:ORIGIN...
#
# KMODDIR holds the kernel's modules.builtin (scripts/kernel.sh says where).
#
# The archive holds busybox (and a link per applet), initramfs/ (/init and
# the test harness under /wb), the harness tools from TOOLS_DIR, and for each
# chapter a directory /chapters/NAME with its test files (from SOURCE), its
# modules and tools (from BUILD), and a file ORIGIN naming where the modules
# came from (the reference chapter or the student's lab). With WB_EXTDIR set,
# a teacher's extension tests (WB_EXTDIR/NAME/ext-*.sh) join each chapter.
# The modules are also installed under /lib/modules/KVER/extra, with depmod
# run, so that modprobe works in the guest. The kernel's 9p modules, which
# the shell needs to mount the host's build output (run-qemu.sh shares it),
# come from scripts/fetch-9p-modules.sh. Nothing is done when no input
# changed since the last run (the inputs' names, sizes and times are kept in
# OUT.inputs).
set -eu

out=$1
kver=$2
kmoddir=$3
tools=$4
shift 4
here=$(cd "$(dirname "$0")/.." && pwd)
# Private names while we work, so that two makes of the same selection at
# once cannot trip over each other; the results are renamed into place.
stage="$out.d.$$"
trap 'rm -rf "$stage" "$out.inputs.$$" "$out.tmp.$$"' EXIT
# Empty when the kernel has 9p built in; without them (no network the first
# time) the VM works, without the share.
share_modules=$("$here/scripts/fetch-9p-modules.sh" "$kver" "$kmoddir") ||
	echo "mkinitramfs.sh: without the 9p modules, the guest cannot see the host's build output (reload)" >&2

split() { # SOURCE:BUILD:ORIGIN
	source=${1%%:*}
	built=${1#*:}
	origin=${built#*:}
	built=${built%%:*}
}

# make stress (WB_TEST=stress): the trinity fuzzer and the libraries it
# needs (ldd), about 13 MB the other initramfs do without. Without the
# package, stress.sh fails each chapter's fuzzing check and says why.
trinity_files() {
	command -v trinity >/dev/null 2>&1 || return 0
	command -v trinity
	ldd "$(command -v trinity)" | grep -o '/[^ ]*' | xargs readlink -f
}

# Every file that goes into the archive, with its size and time.
list_inputs() {
	echo "$kver ${WB_EXTDIR:-} ${WB_TEST:-} $*"
	{
		find /bin/busybox "$here/initramfs" "$tools" $share_modules -type f
		[ "${WB_TEST:-}" != stress ] || trinity_files
		# Globs, not a find per folder: a make that changed nothing runs
		# this, and a process costs ~10 ms on a slow machine.
		for chapter in "$@"; do
			split "$chapter"
			extdir=${WB_EXTDIR:+$WB_EXTDIR/${source##*/}}
			for f in "$source"/*.sh "$source"/*.txt "$source"/stress.conf \
				${extdir:+"$extdir"/ext-*.sh} "$built"/*.ko "$built"/tools/*; do
				[ ! -f "$f" ] || echo "$f"
			done
		done
	} | LC_ALL=C sort | xargs stat -c '%n %s %Y'
}

list_inputs "$@" >"$out.inputs.$$"
if [ -f "$out" ] && cmp -s "$out.inputs.$$" "$out.inputs"; then
	exit 0
fi
echo "  CPIO    $out"

rm -rf "$stage"
mkdir -p "$stage"/bin "$stage"/sbin "$stage"/usr/bin "$stage"/usr/sbin \
	"$stage"/proc "$stage"/sys "$stage"/dev "$stage"/tmp "$stage"/root \
	"$stage"/etc/modprobe.d "$stage"/chapters "$stage/lib/modules/$kver/extra"

# A link per applet: one process makes them all (ln once per applet, some
# 270 processes, took a second of a small initramfs's build).
install_busybox() {
	cp /bin/busybox "$stage/bin/busybox"
	/bin/busybox --list-full | /usr/bin/python3 -c 'import os, sys
for applet in sys.stdin.read().split():
    path = os.path.join(sys.argv[1], applet)
    if not os.path.lexists(path):
        os.symlink("/bin/busybox", path)' "$stage"
}

install_base() {
	cp -R "$here/initramfs/init" "$here/initramfs/wb" "$stage/"
	cp "$tools"/* "$stage/bin/"
	echo "root:x:0:0:root:/root:/bin/sh" >"$stage/etc/passwd"
	echo "student:x:1000:1000:student:/tmp:/bin/sh" >>"$stage/etc/passwd"
	printf 'root:x:0:\nstudent:x:1000:\n' >"$stage/etc/group"
}

# install_chapter SOURCE BUILD ORIGIN: the chapter's test files from SOURCE,
# its modules and tools from BUILD (debug info stripped: it is most of a
# .ko's size).
install_chapter() {
	dest="$stage/chapters/$(basename "$1")"
	mkdir -p "$dest"
	for f in "$1"/*.sh "$1"/*.txt "$1"/stress.conf; do
		[ -f "$f" ] && cp "$f" "$dest/"
	done
	if [ -n "${WB_EXTDIR:-}" ]; then
		for f in "$WB_EXTDIR/$(basename "$1")"/ext-*.sh; do
			[ -f "$f" ] && cp "$f" "$dest/"
		done
	fi
	echo "$3" >"$dest/ORIGIN"
	for ko in "$2"/*.ko; do
		[ -f "$ko" ] || continue
		strip --strip-debug -o "$dest/${ko##*/}" "$ko"
		cp "$dest/${ko##*/}" "$stage/lib/modules/$kver/extra/"
	done
	if [ -d "$2/tools" ]; then
		cp "$2"/tools/* "$dest/"
	fi
}

install_trinity() {
	command -v trinity >/dev/null 2>&1 || return 0
	cp "$(command -v trinity)" "$stage/usr/bin/trinity"
	for lib in $(ldd "$(command -v trinity)" | grep -o '/[^ ]*'); do
		mkdir -p "$stage$(dirname "$lib")"
		cp -L "$lib" "$stage$lib"
	done
}

install_share_modules() {
	[ -n "$share_modules" ] || return 0
	mkdir -p "$stage/lib/modules/$kver/kernel"
	cp "$share_modules"/*.ko "$stage/lib/modules/$kver/kernel/"
}

install_modules_index() {
	for f in modules.builtin modules.builtin.modinfo; do
		[ -f "$kmoddir/$f" ] && cp "$kmoddir/$f" "$stage/lib/modules/$kver/"
	done
	: >"$stage/lib/modules/$kver/modules.order"
	depmod -b "$stage" "$kver"
}

# The kernel opens /dev/console for /init before anything is mounted, so the
# node must be in the archive; creating it needs root, but writing its cpio
# header does not.
newc_entry() { # NAME MODE RDEVMAJOR RDEVMINOR
	namesize=$((${#1} + 1))
	printf '070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X' \
		"${5:-1}" "$2" 0 0 1 0 0 0 0 "$3" "$4" "$namesize" 0
	printf '%s\0' "$1"
	pad=$(((4 - (110 + namesize) % 4) % 4))
	head -c "$pad" /dev/zero
}

pack() {
	(cd "$stage" && find . -mindepth 1 | sed 's,^\./,,' | LC_ALL=C sort |
		cpio --quiet -o -H newc -R 0:0) >"$out.tmp.$$"
	{
		newc_entry dev/console $((0020600)) 5 1 424242
		newc_entry TRAILER!!! 0 0 0 0
	} >>"$out.tmp.$$"
	mv "$out.tmp.$$" "$out"
}

install_busybox
install_base
for chapter in "$@"; do
	split "$chapter"
	install_chapter "$source" "$built" "$origin"
done
[ "${WB_TEST:-}" != stress ] || install_trinity
install_share_modules
install_modules_index
pack
mv "$out.inputs.$$" "$out.inputs"
