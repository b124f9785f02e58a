#!/bin/sh
# Mount the host's build output of the chapter read-only at /host, when
# scripts/run-qemu.sh shares it (virtio 9p, tag given as wb.share=TAG).
# shell.sh runs it before the shell starts; 'reload' reads /host.
tag=$(sed -n 's/.*wb\.share=\([^ ]*\).*/\1/p' /proc/cmdline)
[ -n "$tag" ] || exit 0
# Debian's kernels build virtio-pci and 9p as modules (the initramfs has
# them: scripts/fetch-9p-modules.sh); the debug kernel has them built in.
for module in virtio_pci 9pnet_virtio 9p; do
	modprobe -q "$module" 2>/dev/null
done
mkdir -p /host
mount -t 9p -o trans=virtio,version=9p2000.L,ro "$tag" /host 2>/dev/null ||
	echo "    (the host's build output could not be mounted at /host: reload will not work)"
