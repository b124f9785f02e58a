// SPDX-License-Identifier: GPL-2.0
/*
 * chardev: a character device, /dev/chardev, that keeps one short message.
 * read(2) and write(2) move bytes of the message at the file position, and
 * three ioctls set it, get it and pick single bytes out of it. The node
 * appears by itself: the module asks for a device number, adds a cdev and
 * announces a device in a class, and devtmpfs creates /dev/chardev.
 * Only one process may have the device open at a time.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/cdev.h>
#include <linux/device.h>
#include <linux/fs.h>
#include <linux/init.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/version.h>

#include "chardev.h"

/* class_create() lost its first argument, the owner module, in 6.4. */
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 4, 0)
#define chardev_class_create(name) class_create(THIS_MODULE, name)
#else
#define chardev_class_create(name) class_create(name)
#endif

/*
 * One name for everything: the module (chardev.ko), the device number
 * region in /proc/devices, the class (/sys/class/chardev), the device in it
 * and the node devtmpfs makes for it (/dev/chardev).
 */
#define CHARDEV_NAME "chardev"

static dev_t chardev_devt;
static struct cdev chardev_cdev;
static struct class *chardev_class;

/* 1 while somebody has the device open. */
static atomic_t chardev_busy = ATOMIC_INIT(0);

/*
 * Exclusive open is not enough to do without a lock: a process that has the
 * device open can share the file with its threads and children.
 */
static DEFINE_MUTEX(chardev_lock);
static char chardev_msg[CHARDEV_MSG_MAX] = "Hello from /dev/chardev\n";
static size_t chardev_len = sizeof("Hello from /dev/chardev\n") - 1;

/*
 * Copy the message into buf (CHARDEV_MSG_MAX bytes) and return its length.
 * Callers copy to user space from their own copy, so the lock is never held
 * while a page fault may put them to sleep.
 */
static size_t chardev_snapshot(char *buf)
{
	size_t len;

	mutex_lock(&chardev_lock);
	len = chardev_len;
	memcpy(buf, chardev_msg, len);
	mutex_unlock(&chardev_lock);
	return len;
}

/* tag::open[] */
static int chardev_open(struct inode *inode, struct file *file)
{
	/* TODO 1: one opener at a time: claim chardev_busy atomically, or -EBUSY */
	if (atomic_cmpxchg(&chardev_busy, 0, 1))
		return -EBUSY;
	/* END TODO */
	return 0;
}

static int chardev_release(struct inode *inode, struct file *file)
{
	/* Give the device back, so that the next open succeeds. */
	atomic_set(&chardev_busy, 0);
	return 0;
}

/* end::open[] */

/* tag::read[] */
static ssize_t chardev_read(struct file *file, char __user *buf, size_t count,
			    loff_t *ppos)
{
	ssize_t ret = 0;
	/* TODO 2: copy up to count bytes of the message from *ppos on to buf; advance *ppos */
	char kbuf[CHARDEV_MSG_MAX];
	size_t len = chardev_snapshot(kbuf);

	if (*ppos >= len)
		return 0;	/* end of file */
	ret = min_t(size_t, count, len - *ppos);
	if (copy_to_user(buf, kbuf + *ppos, ret))
		return -EFAULT;
	*ppos += ret;
	/* END TODO */
	return ret;
}

/* end::read[] */

/*
 * A write puts its bytes at the file position, and the message ends where
 * the write ends: writing "hi" at offset 0 makes the message "hi". A write
 * that does not fit is cut short; once the buffer is full, -ENOSPC.
 */
/* tag::write[] */
static ssize_t chardev_write(struct file *file, const char __user *buf,
			     size_t count, loff_t *ppos)
{
	char kbuf[CHARDEV_MSG_MAX];
	loff_t pos = *ppos;
	size_t n;

	if (!count)
		return 0;
	if (pos >= CHARDEV_MSG_MAX)
		return -ENOSPC;
	n = min_t(size_t, count, CHARDEV_MSG_MAX - pos);
	/* Fault in user memory before taking the lock, not under it. */
	if (copy_from_user(kbuf, buf, n))
		return -EFAULT;

	mutex_lock(&chardev_lock);
	if (pos > chardev_len)	/* after an lseek past the end: no stale bytes */
		memset(chardev_msg + chardev_len, 0, pos - chardev_len);
	memcpy(chardev_msg + pos, kbuf, n);
	chardev_len = pos + n;
	mutex_unlock(&chardev_lock);

	*ppos = pos + n;
	return n;
}

/* end::write[] */

/* tag::ioctls[] */
/* SET_MSG: a message longer than the buffer is refused, not cut. */
static long chardev_set_msg(struct chardev_msg __user *uarg)
{
	struct chardev_msg m;
	char kbuf[CHARDEV_MSG_MAX];

	if (copy_from_user(&m, uarg, sizeof(m)))
		return -EFAULT;
	if (m.len > CHARDEV_MSG_MAX)
		return -EMSGSIZE;
	if (copy_from_user(kbuf, u64_to_user_ptr(m.buf), m.len))
		return -EFAULT;

	mutex_lock(&chardev_lock);
	memcpy(chardev_msg, kbuf, m.len);
	chardev_len = m.len;
	mutex_unlock(&chardev_lock);
	return 0;
}

/*
 * GET_MSG never writes more than the caller said its buffer holds. When the
 * message does not fit, nothing is copied, len is set to the size needed
 * and the call fails with -ERANGE, so the caller can retry with a bigger
 * buffer.
 */
static long chardev_get_msg(struct chardev_msg __user *uarg)
{
	struct chardev_msg m;
	char kbuf[CHARDEV_MSG_MAX];
	size_t len;

	if (copy_from_user(&m, uarg, sizeof(m)))
		return -EFAULT;
	len = chardev_snapshot(kbuf);
	if (m.len < len) {
		m.len = len;
		return copy_to_user(uarg, &m, sizeof(m)) ? -EFAULT : -ERANGE;
	}
	if (copy_to_user(u64_to_user_ptr(m.buf), kbuf, len))
		return -EFAULT;
	m.len = len;
	if (copy_to_user(uarg, &m, sizeof(m)))
		return -EFAULT;
	return 0;
}

/* GET_NTH_BYTE: *uarg holds n on the way in and byte n on the way out. */
static long chardev_get_nth(u32 __user *uarg)
{
	long ret = 0;
	/* TODO 3: read n from uarg; -EINVAL unless n < chardev_len; put byte n back */
	u32 n;
	u8 byte = 0;

	if (get_user(n, uarg))
		return -EFAULT;
	mutex_lock(&chardev_lock);
	if (n < chardev_len)
		byte = chardev_msg[n];
	else
		ret = -EINVAL;
	mutex_unlock(&chardev_lock);
	if (!ret && put_user(byte, uarg))
		ret = -EFAULT;
	/* END TODO */
	return ret;
}

static long chardev_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	void __user *argp = (void __user *)arg;

	switch (cmd) {
	case CHARDEV_IOC_SET_MSG:
		return chardev_set_msg(argp);
	case CHARDEV_IOC_GET_MSG:
		return chardev_get_msg(argp);
	case CHARDEV_IOC_GET_NTH_BYTE:
		return chardev_get_nth(argp);
	default:
		/* "Inappropriate ioctl for device": the number is not ours. */
		return -ENOTTY;
	}
}

/* end::ioctls[] */

/* tag::fops[] */
static const struct file_operations chardev_fops = {
	.owner		= THIS_MODULE,	/* an open file pins the module */
	.open		= chardev_open,
	.release	= chardev_release,
	.read		= chardev_read,
	.write		= chardev_write,
	.llseek		= default_llseek,
	.unlocked_ioctl	= chardev_ioctl,
	/* Our argument is always a pointer, and our structures are the same
	 * size for 32-bit callers: converting the pointer is all they need.
	 */
	.compat_ioctl	= compat_ptr_ioctl,
};

/* end::fops[] */

/* tag::init[] */
static int __init chardev_init(void)
{
	struct device *dev;
	int ret;

	/* A free major number, chosen by the kernel, with one minor. */
	ret = alloc_chrdev_region(&chardev_devt, 0, 1, CHARDEV_NAME);
	if (ret)
		return ret;

	cdev_init(&chardev_cdev, &chardev_fops);
	chardev_cdev.owner = THIS_MODULE;
	ret = cdev_add(&chardev_cdev, chardev_devt, 1);
	if (ret)
		goto err_region;

	chardev_class = chardev_class_create(CHARDEV_NAME);
	if (IS_ERR(chardev_class)) {
		ret = PTR_ERR(chardev_class);
		goto err_cdev;
	}

	/* The uevent of this device makes devtmpfs create /dev/chardev. */
	dev = device_create(chardev_class, NULL, chardev_devt, NULL, CHARDEV_NAME);
	if (IS_ERR(dev)) {
		ret = PTR_ERR(dev);
		goto err_class;
	}

	pr_info("/dev/%s is device %d:%d\n", CHARDEV_NAME,
		MAJOR(chardev_devt), MINOR(chardev_devt));
	return 0;

err_class:
	class_destroy(chardev_class);
err_cdev:
	cdev_del(&chardev_cdev);
err_region:
	unregister_chrdev_region(chardev_devt, 1);
	return ret;
}

static void __exit chardev_exit(void)
{
	device_destroy(chardev_class, chardev_devt);
	class_destroy(chardev_class);
	cdev_del(&chardev_cdev);
	unregister_chrdev_region(chardev_devt, 1);
}

/* end::init[] */

module_init(chardev_init);
module_exit(chardev_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("A character device with read, write and ioctl, created in /dev by devtmpfs");
