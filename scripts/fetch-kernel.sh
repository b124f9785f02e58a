#!/bin/sh
# Fetch one of the kernels Debian 12 offers, as Debian packages, and unpack
# it into the workbook's cache. Nothing is installed: no root is needed, and
# nothing under the host's /boot, /lib/modules or /usr/src changes.
#
#   fetch-kernel.sh FLAVOUR     FLAVOUR is 6.1, 6.12 or 6.12-rt
#
# Asking apt takes seconds, so the answer is remembered in the cache
# (kernel-FLAVOUR.current names the entry) until 'make deps' forgets it.
#
# It resolves the flavour's meta packages to today's kernel (for 6.1,
# linux-image-amd64 -> linux-image-6.1.0-NN-amd64), downloads the image, the
# headers and what the headers need (their -common parts and linux-kbuild)
# with 'apt-get download', and unpacks them with dpkg-deb. Prints the cache
# directory (or, on failure, one line saying why), which holds:
#   release        the kernel release, as uname -r says in the guest
#   vmlinuz        the kernel image (a bzImage)
#   modules/       modules.builtin and modules.builtin.modinfo of the image
#   root/          the unpacked headers; 'kdir' names the kbuild tree in it
#   kdir           the directory to build external modules against
# A complete entry is reused at once. The work happens in a private name
# that is renamed into place only when complete, so an interrupted or
# failed fetch leaves nothing that a later run would trust. The apt lists
# must be current ('make deps' refreshes them).
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
flavour=${1:-}
caches=$("$here/scripts/cache-dir.sh")
current="$caches/kernel-$flavour.current"
if [ -f "$current" ] && [ -f "$(cat "$current")/kdir" ]; then
	cat "$current"
	exit 0
fi

# A failure is one line on stdout, where the cache directory would be, so
# that scripts/kernel.sh can pass it on as the reason; progress goes to
# stderr.
die() {
	echo "fetch-kernel.sh: $*"
	exit 1
}

case "$flavour" in
6.1) image_meta=linux-image-amd64 headers_meta=linux-headers-amd64 ;;
6.12) image_meta=linux-image-6.12-amd64 headers_meta=linux-headers-6.12-amd64 ;;
6.12-rt) image_meta=linux-image-6.12-rt-amd64 headers_meta=linux-headers-6.12-rt-amd64 ;;
*) die "unknown kernel '$flavour'; the kernels are 6.1, 6.12, 6.12-rt" ;;
esac

# depends_on PACKAGE PREFIX: the packages PACKAGE depends on whose names
# start with PREFIX.
depends_on() {
	apt-cache depends "$1" 2>/dev/null | sed -n 's/^ *|\{0,1\}Depends: //p' | grep "^$2" || true
}

candidate_version() {
	apt-cache show --no-all-versions "$1" 2>/dev/null | sed -n 's/^Version: //p' | head -n 1
}

image=$(depends_on "$image_meta" linux-image- | grep -v -- '-unsigned$' | head -n 1)
headers=$(depends_on "$headers_meta" linux-headers- | head -n 1)
[ -n "$image" ] && [ -n "$headers" ] ||
	die "apt knows no $image_meta/$headers_meta; refresh the package lists first (as root: apt-get update, or make deps)"
version=$(candidate_version "$image")
cache="$caches/kernel-$image-$version"
if [ -f "$cache/kdir" ]; then
	echo "$cache" >"$current"
	echo "$cache"
	exit 0
fi

# The headers' closure: -common (and -common-rt), linux-kbuild. The RT
# headers' common part refers to the plain common part too.
packages="$headers"
todo="$headers"
while [ -n "$todo" ]; do
	next=""
	for pkg in $todo; do
		for dep in $(depends_on "$pkg" linux-headers-) $(depends_on "$pkg" linux-kbuild-); do
			case " $packages " in *" $dep "*) continue ;; esac
			packages="$packages $dep"
			next="$next $dep"
		done
		case "$pkg" in
		*-common-rt)
			plain=${pkg%-rt}
			case " $packages " in *" $plain "*) ;; *) packages="$packages $plain" next="$next $plain" ;; esac
			;;
		esac
	done
	todo=$next
done

echo "fetch-kernel.sh: fetching Debian's $flavour kernel ($image $version) into ${cache%/*}/ (once)" >&2
mkdir -p "${cache%/*}"
tmp="$cache.tmp.$$"
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/debs" "$tmp/root" "$tmp/image"
# shellcheck disable=SC2086 # one word per package
(cd "$tmp/debs" && apt-get download -q $image $packages >"$tmp/apt.log" 2>&1) ||
	die "cannot fetch $(grep -o 'Unable to locate package [^ ]*\|E: .*' "$tmp/apt.log" | head -n 1)"
for deb in "$tmp"/debs/linux-headers-*.deb "$tmp"/debs/linux-kbuild-*.deb; do
	dpkg-deb -x "$deb" "$tmp/root" || die "cannot unpack ${deb##*/} (disk full?)"
done
# From the image only the kernel and the list of built-in modules: the
# guest loads nothing else of Debian's.
dpkg-deb --fsys-tarfile "$tmp"/debs/linux-image-*.deb |
	tar -x -C "$tmp/image" --wildcards './boot/vmlinuz-*' './lib/modules/*/modules.builtin*' ||
	die "cannot unpack the image of $image (disk full?)"
release=$(cd "$tmp/image/boot" && ls vmlinuz-* | sed 's/^vmlinuz-//')
mv "$tmp/image/boot/vmlinuz-$release" "$tmp/vmlinuz"
mv "$tmp/image/lib/modules/$release" "$tmp/modules"
# The 9p modules (the guest's view of the host's build) come from this image
# too: taken now, the image is not downloaded a second time for them.
"$here/scripts/fetch-9p-modules.sh" "$release" "$tmp/modules" "$tmp"/debs/linux-image-*.deb >/dev/null ||
	echo "fetch-kernel.sh: going on without the 9p modules; the next build tries again" >&2
rm -rf "$tmp/debs" "$tmp/image" "$tmp/apt.log"

# The headers' Makefile includes the -common one by its absolute path under
# /usr/src; point it at our copy.
kdir="$tmp/root/usr/src/linux-headers-$release"
[ -f "$kdir/Makefile" ] || die "the headers of $release have no Makefile"
sed -i "s,^include /usr/src/,include $cache/root/usr/src/," "$kdir/Makefile"
echo "$release" >"$tmp/release"
echo "$cache/root/usr/src/linux-headers-$release" >"$tmp/kdir"
rm -rf "$cache"
mv "$tmp" "$cache"
trap - EXIT
echo "$cache" >"$current"
echo "$cache"
