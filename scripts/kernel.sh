#!/bin/sh
# Say which kernel the workbook builds against and boots. This is the one
# place that decides it.
#
#   kernel.sh        print "RELEASE IMAGE KDIR MODDIR BOOT MEM" on one line:
#                    the kernel release, its bzImage, the kbuild tree to
#                    build modules against, the directory holding its
#                    modules.builtin, and how QEMU boots it: "pvh" (the
#                    uncompressed vmlinux, pulled out of the bzImage) or
#                    "bzimage" (a KASAN kernel's PVH entry does not boot),
#                    and the guest's memory: 128M (all the chapters need,
#                    and it keeps a VM under 300 MB), or 512M for the debug
#                    kernel (KASAN's shadow, kmemleak's records of every
#                    allocation)
#
# Environment:
#   KERNEL=6.1|6.12|6.12-rt   one of the kernels Debian 12 offers (default
#                    6.1), fetched and unpacked into the workbook's cache by
#                    scripts/fetch-kernel.sh; never installed on the host
#   KERNEL=debug     6.1 built from Debian's linux-source-6.1 with KASAN,
#                    kmemleak, lockdep and more (scripts/build-debug-kernel.sh,
#                    once, into the same cache)
#   KVER=R           advanced: a kernel installed on this host instead, with
#                    /boot/vmlinuz-R and /lib/modules/R/build
#
# On bad input it prints one line starting with "error:" on stdout (the
# Makefile shows it as the reason it stops) and exits 1; what the fetch says
# while it works goes to stderr.
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
KERNELS="6.1 6.12 6.12-rt debug"

fail() {
	echo "error: $*"
	exit 1
}

host_releases() {
	for image in $(ls /boot/vmlinuz-* 2>/dev/null | sort -rV); do
		release=${image#/boot/vmlinuz-}
		[ -d "/lib/modules/$release/build" ] && echo "$release"
	done
}

if [ -n "${KVER:-}" ]; then
	[ -r "/boot/vmlinuz-$KVER" ] && [ -d "/lib/modules/$KVER/build" ] ||
		fail "KVER=$KVER is not a kernel installed here (with /boot/vmlinuz-$KVER and /lib/modules/$KVER/build); installed: $(host_releases | tr '\n' ' ')or use KERNEL=$(echo $KERNELS | sed 's/ /|/g')"
	echo "$KVER /boot/vmlinuz-$KVER /lib/modules/$KVER/build /lib/modules/$KVER pvh 128M"
	exit 0
fi

kernel=${KERNEL:-6.1}
case " $KERNELS " in
*" $kernel "*) ;;
*) fail "KERNEL=$kernel is not a kernel the workbook knows; the kernels are: $KERNELS" ;;
esac
if [ "$kernel" = debug ]; then
	cache=$("$here/scripts/build-debug-kernel.sh" | tail -n 1) ||
		fail "the debug kernel could not be built (see above, and debug-kernel-build.log in $("$here/scripts/cache-dir.sh"))"
	echo "$(cat "$cache/release") $cache/bzImage $cache/build $cache/build bzimage 512M"
	exit 0
fi
cache=$("$here/scripts/fetch-kernel.sh" "$kernel") || fail "$cache"
echo "$(cat "$cache/release") $cache/vmlinuz $(cat "$cache/kdir") $cache/modules pvh 128M"
