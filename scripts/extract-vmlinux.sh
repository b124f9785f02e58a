#!/bin/sh
# Pull the uncompressed ELF kernel (vmlinux) out of a bzImage.
#
#   extract-vmlinux.sh BZIMAGE OUT
#
# QEMU boots an ELF vmlinux through its PVH entry point, skipping the
# firmware and the in-guest decompressor; under TCG that saves about 3 s per
# boot. A bzImage carries vmlinux as one compressed payload, so we find the
# payload's magic number and decompress from there. Exits non-zero (and
# leaves no OUT) when no payload decompresses to an ELF file.
set -eu

bzimage=$1
out=$2
tmp="$out.tmp.$$"
trap 'rm -f "$tmp"' EXIT

# Byte offset of the first occurrence of a binary magic string, or nothing.
offset_of() {
	LC_ALL=C grep -obUaP "$1" "$bzimage" 2>/dev/null | head -n 1 | cut -d: -f1
}

is_elf() {
	[ "$(head -c 4 "$1" | od -An -c | tr -d ' ')" = "177ELF" ]
}

try() {
	magic=$1
	shift
	off=$(offset_of "$magic")
	[ -n "$off" ] || return 1
	tail -c "+$((off + 1))" "$bzimage" | "$@" >"$tmp" 2>/dev/null || true
	[ -s "$tmp" ] && is_elf "$tmp"
}

if try '\xfd7zXZ\x00' xz -dc --single-stream ||
	try '\x28\xb5\x2f\xfd' zstd -dc ||
	try '\x1f\x8b\x08' gzip -dc; then
	mv "$tmp" "$out"
	exit 0
fi
echo "extract-vmlinux.sh: no known compressed vmlinux in $bzimage" >&2
exit 1
