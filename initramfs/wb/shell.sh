#!/bin/sh
# The interactive side of the VM: a banner, then a root shell in the chapter's
# directory. cttyhack gives the shell the serial port as its controlling
# terminal, so Ctrl-C and job control (&, fg, jobs) work.
set -u
chapter=${1:-}
[ -n "${2:-}" ] && stty cols "$2" rows "${3:-24}" 2>/dev/null

dir=/chapters/$chapter
# The host's build output at /host, for reload (when run-qemu.sh shares it).
/wb/share.sh
[ -d "$dir" ] || dir=/chapters
name=${dir##*/}

echo
echo "=== Linux kernel module workbook: chapter $name ($(uname -r))"
if [ "$(cat "$dir/ORIGIN" 2>/dev/null)" = "modules/$name" ]; then
	echo "    These are YOUR modules, from modules/$name (make lab)."
else
	echo "    These are the reference modules, from chapters/$name."
fi
if [ -f "$dir/banner.txt" ]; then
	sed 's/^/    /' "$dir/banner.txt"
fi
echo "    Kernel messages: dmesg (this console shows only errors)."
if grep -q ' /host 9p ' /proc/mounts; then
	echo "    Rebuilt on the host (make CH=NN there)? 'reload MODULE' loads the new one from /host."
fi
# On the VM's screen (vm.conf shell=vt) the keys go to the VM's keyboard, so
# QEMU's Ctrl-A X does not reach QEMU there.
if grep -qw tty0 /sys/class/tty/console/active 2>/dev/null; then
	echo "    You are on the VM's screen: your keys go to its PS/2 keyboard."
	echo "    Quit: type poweroff."
else
	echo "    Quit: type poweroff, or press Ctrl-A then X."
fi
echo

cd "$dir" || cd /
export PATH="$dir:$PATH:/wb/bin" PS1='\w # ' ENV=/wb/profile
setsid cttyhack sh -l
