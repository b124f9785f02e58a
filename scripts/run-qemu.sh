#!/bin/sh
# Start the workbook VM. Every way of booting it (make run-qemu, make test,
# make bench, the KVM probe) comes through here, so the QEMU command line
# exists once.
#
#   run-qemu.sh shell NN-slug         root shell on the serial console, in that
#                                     chapter
#   run-qemu.sh test NN-slug[,...]    run those chapters' tests; stdio carries
#                                     the test protocol (scripts/run-tests.py
#                                     reads it)
#   run-qemu.sh accel                 print the accelerator auto would choose
#
# A chapter that needs more of the VM says so in chapters/NN-slug/vm.conf
# (or a lab in its own modules/NN-slug/vm.conf; the Makefile passes the
# files in use as WB_VMCONF), one "key=value" a line:
#   smp=N        vCPUs (default 1); a test run gets the most any of its
#                chapters asks for. SMP=N in the environment overrides it.
#   shell=vt     'make run-qemu' puts the shell on the VM's screen (the VGA
#                text console, drawn in this terminal by QEMU's curses
#                display) instead of the serial port, so that what the
#                student types reaches the emulated PS/2 keyboard and raises
#                its interrupt. It boots the bzImage: the PVH entry passes
#                no screen to the kernel, so the VGA console would stay dark.
#
# Environment:
#   ACCEL=auto|kvm|tcg   auto uses KVM only if a guest really boots under it
#   KVER, WB_IMAGE, WB_VMLINUX, WB_MEM   the kernel: its release, its
#                        bzImage, the uncompressed one, the guest memory it
#                        wants (the Makefile sets them from scripts/kernel.sh;
#                        run by hand, kernel.sh is asked)
#   WB_QMP=PATH          also open a QMP socket there (host-side test steps)
#   WB_TEST=NAME         the test script each chapter runs (default: test)
#   WB_INITRAMFS=PATH    initramfs to boot (the Makefile sets it)
#   WB_APPEND=PARAMS     more kernel parameters
#   WB_GDB=1             shell mode: start the VM stopped, waiting for gdb
#                        (QEMU's gdbstub on a free local port, the kernel
#                        booted with nokaslr); the port, QEMU's PID, the
#                        kernel and the chapter's module directories go to
#                        build/gdb/NN-slug.vm, where scripts/gdb.sh (make
#                        gdb) reads them. One such VM per chapter: a second
#                        one for the same chapter is refused.
#   WB_KO_DIRS=DIR       shell mode: the host's build output of the chapter
#                        (the Makefile sets it), shared read-only with the
#                        guest over virtio 9p; the guest mounts it at /host,
#                        where 'reload' finds freshly built modules
set -eu

here=$(cd "$(dirname "$0")/.." && pwd)
build="$here/build"
mode=${1:-shell}
chapters=${2:-01-hello}
accel_cache="$build/accel"  # "RELEASE kvm|tcg", a line per kernel

# The kernel: the Makefile says which (KVER; WB_IMAGE, the bzImage;
# WB_VMLINUX, where it extracted the uncompressed one). Run by hand, ask
# kernel.sh.
if [ -z "${WB_IMAGE:-}" ]; then
	info=$("$here/scripts/kernel.sh") || { echo "run-qemu.sh: $info" >&2; exit 1; }
	KVER=${info%% *}
	WB_IMAGE=$(echo "$info" | cut -d' ' -f2)
fi
kver=$KVER
initramfs=${WB_INITRAMFS:-}

# The uncompressed kernel boots through QEMU's PVH entry, about 3 s faster
# under TCG than the bzImage. The Makefile extracts it; without it we fall
# back to the bzImage.
kernel_image() {
	if [ -f "${WB_VMLINUX:-}" ]; then
		echo "$WB_VMLINUX"
	else
		echo "$WB_IMAGE"
	fi
}

# vm_conf KEY: the values of KEY in the chosen chapters' vm.conf files.
vm_conf() {
	if [ -z "${WB_VMCONF+set}" ]; then
		for chapter in $(echo "$chapters" | tr ',' ' '); do
			WB_VMCONF="${WB_VMCONF:-} $here/chapters/$chapter/vm.conf"
		done
	fi
	for conf in $WB_VMCONF; do
		# only the chapters of this VM
		case ",$chapters," in *",$(basename "$(dirname "$conf")"),"*) ;; *) continue ;; esac
		[ ! -f "$conf" ] || sed -n "s/^$1=//p" "$conf"
	done
}

# The vCPUs: SMP, else the most any chosen chapter asks for, else 1.
smp() {
	echo "${SMP:-$( (echo 1; vm_conf smp) | sort -n | tail -n 1)}"
}

# The -accel option. TCG's translated-code cache gets 32 MB instead of its
# default of up to 1 GB: these guests run little code, and one VM's peak
# memory stays under 300 MB (make bench measures it; 16 MB costs CPU time).
accel_options() {
	case "$1" in
	tcg) echo "tcg,tb-size=32" ;;
	*) echo "$1" ;;
	esac
}

# qemu ACCEL APPEND [EXTRA QEMU ARGS...]: the one QEMU command line.
#  - pc machine: chapters 07 and 08 need its i8042 PS/2 controller.
#  - no disk, no network, no reboot: a panic (panic=-1) ends QEMU.
#  - soft lockups panic, so a module spinning forever ends the VM with a
#    report instead of hanging it.
#  - init_on_free=1: freed memory is zeroed, so a use after free reads
#    zeros (and a NULL pointer crashes at once) instead of stale data that
#    happens to work, even on a kernel without KASAN; it costs little in a
#    VM this small (make bench measures it).
#  - cryptomgr.notests skips the crypto self-tests, and pty.legacy_count=0
#    the 256 BSD pseudo-terminal pairs (the debug kernel has them; /dev/pts
#    serves the shell): under TCG they cost about 0.5 s and 1 s of every
#    boot, and no chapter uses either (make bench measures the boot).
#  - no ACPI PCI hotplug: QEMU's ACPI tables then describe no hotplug
#    slots, which every kernel would otherwise parse and scan at boot; no
#    device here is plugged in after the start. Measured: about 0.3 s of
#    each 6.1 boot under TCG, and 1.4 s of the debug kernel's (its ACPI
#    interpreter runs with KASAN and lockdep).
#  - WB_APPEND adds kernel parameters (make bench uses it to compare).
qemu() {
	accel=$1
	append=$2
	shift 2
	exec qemu-system-x86_64 -M pc -accel "$(accel_options "$accel")" -m "${WB_MEM:-128M}" -smp "$(smp)" \
		-nodefaults -no-user-config -nic none -no-reboot \
		-global PIIX4_PM.acpi-root-pci-hotplug=off -global PIIX4_PM.acpi-pci-hotplug-with-bridge-support=off \
		-kernel "${image:-$(kernel_image)}" -initrd "$initramfs" \
		-append "console=ttyS0 quiet panic=-1 softlockup_panic=1 watchdog_thresh=5 init_on_free=1 cryptomgr.notests pty.legacy_count=0 $append ${WB_APPEND:-}" \
		"$@"
}

# Does a guest boot under KVM? On some hosts /dev/kvm exists but cannot run
# a stock kernel, and the guest hangs silently; a deadline tells us.
kvm_boots() {
	[ -r /dev/kvm ] && [ -w /dev/kvm ] || return 1
	timeout 5 "$0" probe </dev/null 2>/dev/null | grep -q "wb: probe ok"
}

choose_accel() {
	case "${ACCEL:-auto}" in
	kvm | tcg)
		echo "$ACCEL"
		return
		;;
	auto) ;;
	*)
		echo "run-qemu.sh: ACCEL must be auto, kvm or tcg" >&2
		exit 2
		;;
	esac
	verdict=$(sed -n "s/^$kver //p" "$accel_cache" 2>/dev/null | head -n 1 || true)
	if [ -n "$verdict" ]; then
		echo "$verdict"
		return
	fi
	mkdir -p "$build"
	if kvm_boots; then
		verdict=kvm
	else
		verdict=tcg
		[ -e /dev/kvm ] && echo "run-qemu.sh: KVM did not boot a guest within 5 s; using TCG (verdict cached in build/accel)" >&2
	fi
	echo "$kver $verdict" >>"$accel_cache"
	echo "$verdict"
}

# gdb_port CHAPTER: a free local port for QEMU's gdbstub, recorded in
# build/gdb/CHAPTER.vm for make gdb; refuses a second VM for the chapter.
gdb_port() {
	state="$build/gdb/$1.vm"
	old_pid=$(sed -n 's/^pid=//p' "$state" 2>/dev/null || true)
	if [ -n "$old_pid" ] && grep -q qemu "/proc/$old_pid/cmdline" 2>/dev/null; then
		echo "run-qemu.sh: a VM of chapter $1 already waits for gdb (port $(sed -n 's/^port=//p' "$state"), pid $old_pid); quit it first (one per chapter)" >&2
		exit 1
	fi
	port=$(/usr/bin/python3 -c 'import socket
for port in range(1234, 1300):
    try:
        socket.create_server(("127.0.0.1", port)).close()
        print(port)
        break
    except OSError:
        pass')
	[ -n "$port" ] || { echo "run-qemu.sh: no free port for gdb in 1234-1299" >&2; exit 1; }
	mkdir -p "$build/gdb"
	# exec keeps our PID for QEMU.
	printf 'port=%s\npid=%s\nkver=%s\nimage=%s\nvmlinux=%s\nko_dirs=%s\n' "$port" $$ "$kver" \
		"$WB_IMAGE" "${WB_VMLINUX:-}" "${WB_KO_DIRS:-}" >"$state"
	echo "$port"
}

if [ ! -f "$initramfs" ]; then
	echo "run-qemu.sh: no initramfs (${initramfs:-WB_INITRAMFS is not set}); boot through make: make run-qemu CH=NN" >&2
	exit 1
fi

case "$mode" in
accel)
	choose_accel
	;;
probe)
	qemu kvm "wb.mode=probe" -display none -serial stdio -monitor none
	;;
test)
	set -- -display none -serial stdio -monitor none -msg timestamp=on \
		-trace ps2_set_ledstate
	if [ -n "${WB_QMP:-}" ]; then
		set -- "$@" -qmp "unix:$WB_QMP,server=on,wait=off"
	fi
	qemu "$(choose_accel)" "wb.mode=test wb.ch=$chapters wb.test=${WB_TEST:-test}" "$@"
	;;
shell)
	accel=$(choose_accel)
	# gdb, and the share for reload: options of the same command line.
	set --
	debug_append=""
	if [ "${WB_GDB:-}" = 1 ]; then
		port=$(gdb_port "$chapters") || exit 1
		set -- -S -gdb "tcp:127.0.0.1:$port"
		debug_append=nokaslr
		echo "run-qemu.sh: the VM waits for gdb on port $port: in another terminal, make gdb CH=${chapters%%-*}"
	fi
	if [ -d "${WB_KO_DIRS:-}" ]; then
		# acpi=noirq: the share is a PCI device, and routing its interrupt
		# through ACPI's link objects took the debug kernel (lockdep, KASAN)
		# 20 s of its boot; the BIOS's PCI routing table does it at once.
		set -- "$@" -virtfs "local,path=$WB_KO_DIRS,mount_tag=wbhost,security_model=none,readonly=on"
		debug_append="$debug_append wb.share=wbhost acpi=noirq"
	fi
	if [ "$(vm_conf shell)" = vt ]; then
		echo "run-qemu.sh: booting chapter $chapters ($kver, $accel) on the VM's screen: what you type goes to its PS/2 keyboard; quit with poweroff"
		image=$WB_IMAGE
		qemu "$accel" "console=tty0 wb.mode=shell wb.ch=$chapters $debug_append" \
			-vga std -display curses -monitor none "$@"
	fi
	size=""
	if [ -t 0 ] && size=$(stty size 2>/dev/null); then
		size="wb.rows=${size% *} wb.cols=${size#* }"
	fi
	echo "run-qemu.sh: booting chapter $chapters ($kver, $accel); quit with Ctrl-A X"
	qemu "$accel" "wb.mode=shell wb.ch=$chapters $size $debug_append" \
		-display none -serial mon:stdio "$@"
	;;
*)
	echo "usage: run-qemu.sh shell NN-slug | test NN-slug[,...] | accel" >&2
	exit 2
	;;
esac
