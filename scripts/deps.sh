#!/bin/sh
# Install the workbook's dependencies from Debian packages, and nothing else.
#
#   deps.sh            install every group (what 'make deps' runs)
#   deps.sh --ensure   install only what is missing from the 'vm' group, quietly
#                      when nothing is (what 'make test' and 'make run-qemu' run)
#   deps.sh --ensure-docs   the same for the 'docs' group (what 'make docs' runs)
#   deps.sh --ensure-lint   the same for the 'lint' group (what 'make lint' runs)
#   deps.sh --ensure-selftest   the same for 'selftest' (make shell-selftest)
#   deps.sh --ensure-debug      the same for 'debug' (the debug kernel's build)
#   deps.sh --ensure-gdb        the same for 'gdb' (make gdb, make gdb-selftest)
#
# Idempotent: packages already installed are left alone. apt-get runs through
# sudo when we are not root.
set -eu

# tag::packages[]
# What each group is for, so a reader knows why a package is here.
#   vm:   boot the guest (qemu), build modules (gcc-12, the compiler Debian's
#         kernels are built with, and what the unpacked kbuild tools run
#         on) and static user tools, pack the initramfs, run the host-side
#         test runner (python3: every script names /usr/bin/python3, as
#         another one first on PATH, pyenv's say, may lack Debian's
#         python3-* packages, and took 0.3 s a start here), apply the
#         extension solutions (patch), fuzz the chapters' files (trinity,
#         for make stress). The kernels themselves are not installed:
#         scripts/fetch-kernel.sh downloads them as packages into the
#         workbook's cache.
#   docs: render the book and check it in a real browser; for the Chinese
#         edition, its font (fonts-noto-cjk), made into TrueType for the PDF
#         (python3-fonttools), and the PDF's check (poppler-utils).
#   lint: the kernel's own checkpatch.pl, from the kernel source package.
#   selftest: drive 'make run-qemu' in a terminal as a student would;
#         read the classroom CI templates (YAML) in reports-selftest.py.
#   debug: build the debug kernel (KERNEL=debug) from Debian's kernel source:
#         bc for the timeconst header, bison and flex for Kconfig, libelf
#         for objtool, libssl for the host tools that handle certificates.
#   gdb:  attach a debugger to the VM (make gdb); the kernel source for its
#         decode_stacktrace.sh, faddr2line and gen_compile_commands.py.
VM_PACKAGES="qemu-system-x86 busybox-static cpio kmod xz-utils make gcc gcc-12
libc6-dev libelf1 libssl3 python3 sparse patch trinity"
DOCS_PACKAGES="asciidoctor ruby-rouge graphviz ruby-asciidoctor-pdf chromium
fonts-noto-cjk python3-fonttools poppler-utils"
LINT_PACKAGES="linux-source-6.1"
SELFTEST_PACKAGES="tmux python3-yaml"
DEBUG_PACKAGES="linux-source-6.1 bc bison flex libelf-dev libssl-dev"
GDB_PACKAGES="gdb linux-source-6.1"
# end::packages[]

# One dpkg-query and one awk for all (make test runs this every time, and a
# process costs ~10 ms on a slow machine: keep it quick).
missing_from() {
	{
		dpkg-query -W -f='${Package} ${Status}\n' "$@" 2>/dev/null || true
		echo "--wanted-- $*"
	} | awk '$1 == "--wanted--" { for (i = 2; i <= NF; i++) if (!($i in ok)) print $i; next }
		$NF == "installed" { sub(/:.*/, "", $1); ok[$1] = 1 }'
}

as_root() {
	if [ "$(id -u)" = 0 ]; then
		"$@"
	elif command -v sudo >/dev/null 2>&1; then
		sudo "$@"
	else
		echo "deps.sh: not root and no sudo; as root, run:" >&2
		echo "  apt-get update && apt-get install -y --no-install-recommends $missing" >&2
		exit 1
	fi
}

install_missing() {
	# shellcheck disable=SC2086 # word splitting of the package lists is wanted
	missing=$(missing_from "$@" | tr '\n' ' ')
	if [ -z "${missing% }" ]; then
		return 0
	fi
	if ! command -v apt-get >/dev/null 2>&1; then
		echo "deps.sh: these Debian packages are missing and there is no apt-get: $missing" >&2
		exit 1
	fi
	echo "deps.sh: installing $missing"
	as_root apt-get update -qq
	# shellcheck disable=SC2086
	as_root env DEBIAN_FRONTEND=noninteractive \
		apt-get install -y -qq --no-install-recommends $missing
}

# fetch-kernel.sh needs package lists that know the kernels; a machine whose
# lists were never fetched has none.
ensure_kernel_lists() {
	# A kernel chosen before means the lists knew them (apt-cache takes 0.5 s).
	ls "$("$(dirname "$0")/cache-dir.sh")"/kernel-*.current >/dev/null 2>&1 && return 0
	apt-cache show linux-image-amd64 >/dev/null 2>&1 && return 0
	echo "deps.sh: refreshing the package lists (they do not know the kernels yet)"
	as_root apt-get update -qq
}

# make deps: ask apt again which kernels are today's (a new Debian point
# release brings a new 6.1.0-NN); fetched on their next use.
forget_kernel_choice() {
	rm -f "$("$(dirname "$0")/cache-dir.sh")"/kernel-*.current
}

case "${1:-all}" in
--ensure)
	# shellcheck disable=SC2086
	install_missing $VM_PACKAGES
	ensure_kernel_lists
	;;
--ensure-docs)
	# shellcheck disable=SC2086
	install_missing $DOCS_PACKAGES
	;;
--ensure-lint)
	# shellcheck disable=SC2086
	install_missing $VM_PACKAGES $LINT_PACKAGES
	;;
--ensure-debug)
	# shellcheck disable=SC2086
	install_missing $VM_PACKAGES $DEBUG_PACKAGES
	;;
--ensure-gdb)
	# shellcheck disable=SC2086
	install_missing $GDB_PACKAGES
	;;
--ensure-selftest)
	# shellcheck disable=SC2086
	install_missing $VM_PACKAGES $SELFTEST_PACKAGES
	;;
all)
	# shellcheck disable=SC2086
	install_missing $VM_PACKAGES $DOCS_PACKAGES $LINT_PACKAGES $SELFTEST_PACKAGES $DEBUG_PACKAGES $GDB_PACKAGES
	ensure_kernel_lists
	forget_kernel_choice
	echo "deps.sh: all dependencies are installed"
	;;
*)
	echo "usage: deps.sh [--ensure|--ensure-docs|--ensure-lint|--ensure-selftest|--ensure-debug|--ensure-gdb]" >&2
	exit 2
	;;
esac
