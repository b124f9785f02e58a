#!/bin/sh
# Print the directory holding the kernel's own helper scripts that the
# workbook uses from Debian's linux-source-6.1 (the packaged headers do not
# ship them), unpacked once into the cache:
#   decode_stacktrace.sh, faddr2line   a report's frames to file:line
#   clang-tools/gen_compile_commands.py   compile_commands.json for editors
#
#   kernel-scripts.sh        print $(scripts/cache-dir.sh)/kernel-scripts-VERSION
#
# On failure it says why on stderr and exits 1. The unpacking (about 10 s:
# the tarball is one xz stream) happens in a private name renamed into
# place when complete.
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
tarball=/usr/src/linux-source-6.1.tar.xz
if [ ! -f "$tarball" ]; then
	echo "kernel-scripts.sh: $tarball is missing; 'make deps' installs linux-source-6.1" >&2
	exit 1
fi
version=$(dpkg-query -W -f='${Version}' linux-source-6.1)
dir="$("$here/scripts/cache-dir.sh")/kernel-scripts-$version"
if [ ! -f "$dir/faddr2line" ]; then
	echo "kernel-scripts.sh: unpacking the kernel's scripts from $tarball (once, about 10 s)" >&2
	tmp="$dir.tmp.$$"
	trap 'rm -rf "$tmp"' EXIT
	mkdir -p "$tmp"
	tar -xJf "$tarball" -C "$tmp" --strip-components=2 \
		linux-source-6.1/scripts/decode_stacktrace.sh \
		linux-source-6.1/scripts/faddr2line \
		linux-source-6.1/scripts/clang-tools/gen_compile_commands.py
	rm -rf "$dir"
	mv "$tmp" "$dir"
fi
echo "$dir"
