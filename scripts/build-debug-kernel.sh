#!/bin/sh
# Build the workbook's debug kernel (KERNEL=debug) once, and cache it where
# every clone of the workbook on this machine finds it.
#
#   build-debug-kernel.sh      build it if it is not cached; either way print
#                              the cache entry's path as the last line on
#                              stdout (every message goes to stderr)
#
# The kernel is Debian's linux-source-6.1 (the same 6.1.x as the packaged
# kernel), configured as 'make tinyconfig' plus scripts/debug-kernel.config
# (merged with the kernel's own scripts/kconfig/merge_config.sh, then 'make
# olddefconfig'). The build stops if any option the fragment asks for did
# not survive, naming it. Missing packages are installed by scripts/deps.sh
# (its 'debug' group).
#
# The cache entry is
#   $(scripts/cache-dir.sh)/debug-6.1-VERSION-HASH/
# VERSION being the linux-source-6.1 package's version and HASH the first
# 12 hex digits of the sha256 of the fragment, the compiler's version line
# and this script's RECIPE number; so a new source package, a changed
# fragment, another gcc or a change in what is kept gives a new entry. It
# holds:
#   bzImage          the kernel to boot (with KASAN the vmlinux's PVH entry
#                    does not boot, so QEMU must be given the bzImage)
#   vmlinux          the kernel with its DWARF debug info, for gdb,
#                    faddr2line and decoding reports
#   vmlinux-gdb.py, scripts/gdb/
#                    the kernel's gdb helpers ('gdb vmlinux' loads them
#                    when auto-load allows it)
#   release          'make kernelrelease': 6.1.N-wbdebug-HASH, so that
#                    every entry has a release of its own
#   config           the final .config
#   build-seconds    "SECONDS CORES DATE": how long the build took (make
#                    bench KERNEL=debug prints it)
#   build/           the kbuild tree external modules build against:
#                    make -C .../build M=$PWD modules
#                    It is the source tree with the objects of the kernel
#                    itself deleted; sources, headers, .config,
#                    Module.symvers and the host tools (scripts/, objtool)
#                    stay, so gdb can list the source too. It also holds
#                    modules.builtin and modules.builtin.modinfo.
# The build happens in debug-...tmp.PID and is renamed into place only when
# complete; a failed or interrupted build removes it, and its log is left
# in the cache directory as debug-kernel-build.log. Two builds at once
# wait for each other (a lock file in the cache directory).
set -eu

here=$(cd "$(dirname "$0")/.." && pwd)
fragment="$here/scripts/debug-kernel.config"
tarball=/usr/src/linux-source-6.1.tar.xz
source_package=linux-source-6.1
# Bump when what the entry holds changes (what is built, kept or trimmed),
# so that an old entry is not trusted for a new layout.
RECIPE=1
# Free space the build needs in the cache directory: the tree peaks at
# 2.3 GB before the kernel's objects are deleted, and 1.6 GB are kept
# (measured with 6.1.192); 4 GB leaves room for the rest of the disk.
NEED_GB=4

say() { echo "build-debug-kernel.sh: $*" >&2; }
die() {
	say "$*"
	exit 1
}

# What the build needs (the source, and the kernel build's own tools) is
# the 'debug' group of scripts/deps.sh.
install_packages() {
	"$here/scripts/deps.sh" --ensure-debug >&2 ||
		die "the packages the build needs could not be installed (see above)"
}

version() {
	dpkg-query -W -f='${Version}' "$source_package" 2>/dev/null || true
}

cache=$("$here/scripts/cache-dir.sh")

# The entry's name. Without the source package we cannot know its version,
# so it is installed first.
entry_path() {
	ver=$(version)
	[ -n "$ver" ] || die "$source_package is not installed"
	[ -f "$fragment" ] || die "$fragment is missing"
	hash=$({
		cat "$fragment"
		gcc --version | head -n 1
		echo "recipe $RECIPE"
	} | sha256sum | cut -c1-12)
	echo "$cache/debug-6.1-$ver-$hash"
}

[ $# -eq 0 ] || die "usage: build-debug-kernel.sh"

if [ "$(version)" = "" ]; then
	install_packages
fi
dir=$(entry_path)
if [ -f "$dir/release" ]; then
	echo "$dir"
	exit 0
fi

install_packages
[ -r "$tarball" ] || die "$tarball is missing (package $source_package)"
mkdir -p "$cache"

# One build at a time: a second run waits, then finds the entry made.
exec 9>"$cache/debug-kernel.lock"
if ! flock -n 9; then
	say "another build of the debug kernel is running; waiting for it"
	flock 9
fi
if [ -f "$dir/release" ]; then
	echo "$dir"
	exit 0
fi

avail_kb=$(df -Pk "$cache" | awk 'NR == 2 { print $4 }')
if [ "$avail_kb" -lt $((NEED_GB * 1024 * 1024)) ]; then
	die "not enough free space in $cache: the build needs $NEED_GB GB, there are $((avail_kb / 1024 / 1024)) GB"
fi

tmp="$dir.tmp.$$"
log="$cache/debug-kernel-build.log"
# Leftovers of builds that were killed too hard to clean up after themselves
# (their PID is gone) are not trusted and not kept.
for old in "$cache"/debug-*.tmp.*; do
	[ -d "$old" ] || continue
	kill -0 "${old##*.tmp.}" 2>/dev/null || rm -rf "$old"
done
cleanup() {
	rc=$?
	rm -rf "$tmp"
	case $rc in
	0) ;;
	129 | 130 | 143) say "interrupted; nothing was cached" ;;
	*) say "failed; nothing was cached (log: $log)" ;;
	esac
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

cores=$(nproc)
# Measured with 6.1.192: about 22 min of CPU time (KASAN and DWARF make it
# about twice the plain kernel's), 679-685 s of wall time on 2 cores,
# unpacking and trimming included.
say "building the debug kernel from $source_package $(version) (once; about $(((22 + cores - 1) / cores)) min on $cores cores); log: $log"
start=$(date +%s)

mkdir -p "$tmp"
tree="$tmp/build"
: >"$log"
step() { # step DESCRIPTION COMMAND...: run COMMAND in the tree, into the log
	what=$1
	shift
	echo "### $what: $*" >>"$log"
	if ! (cd "$tree" && "$@") >>"$log" 2>&1; then
		tail -n 20 "$log" >&2
		die "$what failed (last lines above; whole log: $log)"
	fi
}

mkdir -p "$tree"
echo "### unpack $tarball" >>"$log"
tar -xJf "$tarball" -C "$tree" --strip-components=1 ||
	die "could not unpack $tarball (disk full?)"

# Configure: tinyconfig, the fragment over it, then the defaults for
# everything the fragment did not decide.
step "make tinyconfig" make tinyconfig
step "merge_config.sh" ./scripts/kconfig/merge_config.sh -m .config "$fragment"
# The release names the entry (6.1.N-wbdebug-HASH), so that whatever is
# keyed by release (module build stamps, /lib/modules/RELEASE in the
# initramfs, vermagic) tells two debug kernels apart, and apart from Debian's.
step "set LOCALVERSION" ./scripts/config --file .config --set-str LOCALVERSION "-wbdebug-${dir##*-}"
step "make olddefconfig" make olddefconfig
# Every option the fragment switches on must still be on, and every option
# it switches off must still be off; merge_config.sh only warns.
while IFS= read -r line; do
	case "$line" in
	CONFIG_*=y)
		grep -qx "$line" "$tree/.config" ||
			die "$fragment asks for ${line%=y} but the kernel's Kconfig dropped it (a dependency is missing): add what ${line%=y} depends on"
		;;
	"# CONFIG_"*" is not set")
		opt=${line#\# }
		opt=${opt%% *}
		if grep -q "^$opt=" "$tree/.config"; then
			die "$fragment switches $opt off but something selects it"
		fi
		;;
	esac
done <"$fragment"

# Build. The debug info names the directory the kernel ends up in (after the
# rename), so that gdb and addr2line find the sources there.
jobs="-j$cores"
kcflags="-fdebug-prefix-map=$tree=$dir/build"
step "make bzImage modules_prepare scripts_gdb" \
	make "$jobs" KCFLAGS="$kcflags" KAFLAGS="$kcflags" bzImage modules_prepare scripts_gdb
# The kernel's own modules (few: the fragment builds everything in) also
# write Module.symvers, without which modpost finds every symbol undefined
# in an external module.
step "make modules" make "$jobs" KCFLAGS="$kcflags" KAFLAGS="$kcflags" modules
step "make kernelrelease" sh -c 'make -s kernelrelease >../release'
[ -s "$tree/Module.symvers" ] || die "make modules wrote no Module.symvers"

# The results, next to the tree.
mv "$tree/vmlinux" "$tmp/vmlinux"
cp "$tree/arch/x86/boot/bzImage" "$tmp/bzImage"
cp "$tree/.config" "$tmp/config"
cp -L "$tree/vmlinux-gdb.py" "$tmp/vmlinux-gdb.py"
mkdir -p "$tmp/scripts"
cp -RL "$tree/scripts/gdb" "$tmp/scripts/gdb"
rm "$tree/vmlinux-gdb.py"

# Trim: the kernel's own objects are most of the tree, and external modules
# do not need them. What external modules do need stays: the sources and
# headers, include/generated and arch/x86/include/generated, .config,
# Module.symvers, the Makefiles, and the host tools in scripts/ and
# tools/objtool (built objects included, so that make finds them up to
# date and never rebuilds inside the cache).
echo "### trim" >>"$log"
size_before=$(du -sm "$tree" | cut -f1)
find "$tree" \( -path "$tree/scripts" -o -path "$tree/tools" \) -prune -o \
	-type f \( -name '*.o' -o -name '*.a' -o -name '*.ko' -o -name '*.mod.c' \
	-o -name '*.mod' -o -name '.*.o.cmd' -o -name '.*.ko.cmd' -o -name '*.dwo' \) \
	-exec rm -f {} +
rm -f "$tree/vmlinux.o" "$tree/vmlinux.a" "$tree/.tmp_vmlinux"* "$tree/System.map.tmp" \
	"$tree/arch/x86/boot/compressed/vmlinux" "$tree/arch/x86/boot/compressed/vmlinux.bin"* \
	"$tree/arch/x86/boot/vmlinux.bin" "$tree/arch/x86/boot/setup.elf"
echo "trimmed the tree from $size_before MB to $(du -sm "$tree" | cut -f1) MB" >>"$log"

# How long this build took, from the unpacking on: make bench prints it.
echo "$(($(date +%s) - start)) $cores $(date +%F)" >"$tmp/build-seconds"
mv "$tmp" "$dir" || die "could not move $tmp to $dir"
say "built $(cat "$dir/release") in $(cut -d' ' -f1 "$dir/build-seconds") s; $(du -sh "$dir" | cut -f1) in $dir"
echo "$dir"
