#!/bin/sh
# Say which kernel the workbook builds against and boots. This is the one
# place that decides it.
#
#   kernel.sh        print "RELEASE IMAGE KDIR MODDIR" on one line:
#                    the kernel release, its bzImage, the kbuild tree to
#                    build modules against, and the directory holding its
#                    modules.builtin
#
# Environment:
#   KERNEL=6.1|6.12|6.12-rt   one of the kernels Debian 12 offers (default
#                    6.1), fetched and unpacked into the workbook's cache by
#                    scripts/fetch-kernel.sh; never installed on the host
#   KVER=R           advanced: a kernel installed on this host instead, with
#                    /boot/vmlinuz-R and /lib/modules/R/build
#
# On bad input it prints one line starting with "error:" on stdout (the
# Makefile shows it as the reason it stops) and exits 1; what the fetch says
# while it works goes to stderr.
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
KERNELS="6.1 6.12 6.12-rt"

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
	echo "$KVER /boot/vmlinuz-$KVER /lib/modules/$KVER/build /lib/modules/$KVER"
	exit 0
fi

kernel=${KERNEL:-6.1}
case " $KERNELS " in
*" $kernel "*) ;;
*) fail "KERNEL=$kernel is not a kernel the workbook knows; the kernels are: $KERNELS" ;;
esac
cache=$("$here/scripts/fetch-kernel.sh" "$kernel") || fail "$cache"
echo "$(cat "$cache/release") $cache/vmlinuz $(cat "$cache/kdir") $cache/modules"
