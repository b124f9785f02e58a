#!/bin/sh
# The kernel modules the guest needs to mount the host's build output over
# virtio 9p (make run-qemu shares it; the guest's 'reload' reads it), for
# kernels that build them as modules (Debian's do; the debug kernel has them
# built in).
#
#   fetch-9p-modules.sh KVER KMODDIR [IMAGE.deb]
#
# Prints a directory holding 9p.ko, 9pnet_virtio.ko, virtio_pci.ko and
# every module they depend on (as files ready for insmod), or nothing when
# KMODDIR's modules.builtin says 9p is built in. On failure it says why on
# stderr and exits 1. mkinitramfs.sh puts them into every initramfs.
#
# The modules come from KMODDIR/kernel when it has them (a kernel installed
# on this host, KVER=), else from Debian's image package linux-image-KVER:
# IMAGE.deb when given (scripts/fetch-kernel.sh, which keeps only the kernel
# of it, passes the one it downloaded), else downloaded with 'apt-get
# download' (70 MB for 6.1). Either way they are cached once per release
# in $(scripts/cache-dir.sh)/modules-9p-KVER/; it is made under a private
# name and renamed into place when complete.
set -eu
kver=$1
kmoddir=$2
deb=${3:-}
here=$(cd "$(dirname "$0")/.." && pwd)
WANT="9p 9pnet_virtio virtio_pci"
# Where they and their dependencies live in the kernel's tree (not every
# kernel has each: 6.12-rt has no fs/fscache), and the folders unpacked from
# the package to find them (tar fails on a pattern that matches nothing).
DIRS="fs/9p net/9p fs/netfs fs/fscache drivers/virtio"
UNPACK="fs net/9p drivers/virtio"

if grep -q '/9p\.ko$' "$kmoddir/modules.builtin" 2>/dev/null; then
	exit 0
fi
cache="$("$here/scripts/cache-dir.sh")/modules-9p-$kver"
if [ -f "$cache/modules" ]; then
	echo "$cache"
	exit 0
fi

die() {
	echo "fetch-9p-modules.sh: $*" >&2
	exit 1
}
tmp="$cache.tmp.$$"
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/tree"
if [ -d "$kmoddir/kernel/fs/9p" ]; then
	tree="$kmoddir/kernel"
else
	if [ -z "$deb" ]; then
		echo "fetch-9p-modules.sh: fetching the 9p modules of $kver from Debian's linux-image-$kver (once)" >&2
		(cd "$tmp" && apt-get download -q "linux-image-$kver" >apt.log 2>&1) ||
			die "cannot download linux-image-$kver: $(grep -m1 'E: ' "$tmp/apt.log" || echo 'apt-get download failed')"
		deb=$(ls "$tmp"/linux-image-*.deb)
	fi
	patterns=""
	for d in $UNPACK; do
		patterns="$patterns ./lib/modules/$kver/kernel/$d/*"
	done
	# shellcheck disable=SC2086 # one pattern a word
	dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$tmp/tree" --wildcards $patterns ||
		die "cannot unpack the modules of linux-image-$kver"
	tree="$tmp/tree/lib/modules/$kver/kernel"
fi

# The modules wanted and their dependencies (modinfo's depends=), found by
# name in DIRS; those built into the kernel (6.12 has virtio_pci) are left
# out. 6.12's modules are xz-compressed, and busybox's insmod takes only
# plain ones, so they are unpacked here.
find_ko() { # NAME: its file in the tree
	for d in $DIRS; do
		for n in "$1" "$(echo "$1" | tr _ -)"; do
			for f in "$tree/$d/$n.ko" "$tree/$d/$n.ko.xz"; do
				[ -f "$f" ] && echo "$f" && return 0
			done
		done
	done
	return 1
}
builtin() { # NAME: is it built into the kernel?
	grep -q "/$1\.ko\$" "$kmoddir/modules.builtin" 2>/dev/null
}
mkdir -p "$tmp/out"
todo=$WANT
done_list=""
while [ -n "$todo" ]; do
	next=""
	for name in $todo; do
		case " $done_list " in *" $name "*) continue ;; esac
		builtin "$name" && continue
		done_list="$done_list $name"
		ko=$(find_ko "$name") || die "$kver has no module $name.ko under $DIRS"
		case $ko in
		*.xz) xz -dc "$ko" >"$tmp/out/$(basename "$ko" .xz)" ;;
		*) cp "$ko" "$tmp/out/" ;;
		esac
		next="$next $(modinfo -F depends "$ko" | tr ',' ' ')"
	done
	todo=$next
done
echo "$done_list" >"$tmp/out/modules"
rm -rf "$cache"
mv "$tmp/out" "$cache"
echo "$cache"
