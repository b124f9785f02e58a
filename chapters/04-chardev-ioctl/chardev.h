/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * The ioctl interface of /dev/chardev, shared by the module
 * (chardev.c) and the programs that call it (tools/ioctl.c).
 *
 * Only fixed-size types appear here, and user pointers travel as __u64, so
 * that a 32-bit program on a 64-bit kernel passes the same bytes as a 64-bit
 * one and the driver needs no conversion code for it.
 */
#ifndef CHARDEV_H
#define CHARDEV_H

#include <linux/ioctl.h>
#include <linux/types.h>

/* The longest message the device keeps, in bytes. */
#define CHARDEV_MSG_MAX 128

/*
 * A message buffer in the caller's memory. For SET_MSG, len is the number of
 * bytes at buf. For GET_MSG, len is the size of the buffer at buf on the way
 * in and the length of the message on the way out.
 */
struct chardev_msg {
	__u64 buf;	/* a user pointer, cast with (__u64)(uintptr_t) */
	__u64 len;
};

/*
 * The "type" byte of our ioctl numbers. A driver merged into the kernel
 * would reserve its own in Documentation/userspace-api/ioctl/ioctl-number.rst.
 */
#define CHARDEV_IOC_MAGIC 0xB7

/* tag::numbers[] */
/* The caller writes a message to the driver: _IOW. */
#define CHARDEV_IOC_SET_MSG	 _IOW(CHARDEV_IOC_MAGIC, 0, struct chardev_msg)
/* The driver reads len and buf, then writes the message and len back: _IOWR. */
#define CHARDEV_IOC_GET_MSG	 _IOWR(CHARDEV_IOC_MAGIC, 1, struct chardev_msg)
/* The caller writes n, the driver writes back byte n of the message: _IOWR. */
#define CHARDEV_IOC_GET_NTH_BYTE _IOWR(CHARDEV_IOC_MAGIC, 2, __u32)

/* end::numbers[] */

#endif /* CHARDEV_H */
