#!/bin/sh
# Print the kernel release the workbook builds against and boots.
#
# This is the one place that decides which kernel is used. The default is the
# newest release R that has both a bootable image (/boot/vmlinuz-R) and kbuild
# headers (/lib/modules/R/build); KVER=R in the environment picks another one.
set -eu

usable() {
	[ -r "/boot/vmlinuz-$1" ] && [ -d "/lib/modules/$1/build" ]
}

# The usable releases, newest first.
releases() {
	for image in $(ls /boot/vmlinuz-* 2>/dev/null | sort -rV); do
		release=${image#/boot/vmlinuz-}
		if usable "$release"; then
			echo "$release"
		fi
	done
}

if [ -n "${KVER:-}" ]; then
	if usable "$KVER"; then
		echo "$KVER"
		exit 0
	fi
	echo "kernel.sh: KVER=$KVER is not a kernel with both /boot/vmlinuz-$KVER and /lib/modules/$KVER/build; there are: $(releases | tr '\n' ' ')" >&2
	exit 1
fi

newest=$(releases | head -n 1)
if [ -n "$newest" ]; then
	echo "$newest"
	exit 0
fi
echo "kernel.sh: no kernel with both /boot/vmlinuz-R and /lib/modules/R/build; run 'make deps'" >&2
exit 1
