// SPDX-License-Identifier: GPL-2.0
/*
 * sleep: /proc/sleep can be open in only one process at a time. A second
 * opener is put to sleep on a wait queue until the holder closes the file,
 * unless it asked not to wait (O_NONBLOCK, -EAGAIN) or a signal arrives
 * first (-ERESTARTSYS). Reading the file gives the last message written to
 * it, so whoever gets the file next sees what the previous holder left.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/fs.h>
#include <linux/init.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/proc_fs.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/wait.h>

#define SLEEP_MSG_MAX 64

static struct proc_dir_entry *sleep_entry;

/* tag::gate[] */
/*
 * Who may open the file: busy is 1 while a process has it open, and the
 * processes waiting for it sleep on waitq.
 */
static struct {
	atomic_t busy;
	wait_queue_head_t waitq;
} sleep_gate = {
	.busy	= ATOMIC_INIT(0),
	.waitq	= __WAIT_QUEUE_HEAD_INITIALIZER(sleep_gate.waitq),
};

/* Only the holder uses the message, but it may share the file (fork). */
static DEFINE_MUTEX(sleep_lock);
static char sleep_msg[SLEEP_MSG_MAX] = "nobody has written here yet\n";
static size_t sleep_len = sizeof("nobody has written here yet\n") - 1;

/*
 * Take the file if it is free. As the condition of wait_event_*(), this is
 * tested again after every wake-up: a process that was woken but finds the
 * file taken (someone else got there first) goes back to sleep.
 */
static bool sleep_claim(void)
{
	return atomic_cmpxchg(&sleep_gate.busy, 0, 1) == 0;
}

/* end::gate[] */

/* tag::open[] */
static int sleep_open(struct inode *inode, struct file *file)
{
	int ret = 0;

	/*
	 * proc_ops has no .owner, so nothing pins the module while a process
	 * sleeps in here or holds the file: procfs would make rmmod wait in
	 * remove_proc_entry() instead. Take a reference ourselves, so that
	 * rmmod fails at once while anybody is inside; release drops it.
	 */
	/* TODO 3: hold a module reference while inside: take it here, drop it on failure */
	if (!try_module_get(THIS_MODULE))
		return -ENODEV;
	/* END TODO */

	if (file->f_flags & O_NONBLOCK) {
		/* The caller would rather fail than wait. */
		ret = sleep_claim() ? 0 : -EAGAIN;
	} else {
		/* TODO 1: wait on sleep_gate.waitq, interruptibly and exclusively */
		ret = wait_event_interruptible_exclusive(sleep_gate.waitq, sleep_claim());
		/* END TODO */
	}

	/* No file, so no release will come to drop the reference. */
	/* TODO 3: hold a module reference while inside: take it here, drop it on failure */
	if (ret)
		module_put(THIS_MODULE);
	/* END TODO */
	return ret;
}

static int sleep_release(struct inode *inode, struct file *file)
{
	atomic_set(&sleep_gate.busy, 0);
	/* TODO 2: wake up a process waiting for the file */
	wake_up(&sleep_gate.waitq);
	/* END TODO */
	/* TODO 3: the file is closed: drop the reference its open took */
	module_put(THIS_MODULE);
	/* END TODO */
	return 0;
}

/* end::open[] */

static ssize_t sleep_read(struct file *file, char __user *buf, size_t count,
			  loff_t *ppos)
{
	char kbuf[SLEEP_MSG_MAX];
	size_t len;

	/* Copy under the lock, fault in user memory outside it. */
	mutex_lock(&sleep_lock);
	len = sleep_len;
	memcpy(kbuf, sleep_msg, len);
	mutex_unlock(&sleep_lock);

	return simple_read_from_buffer(buf, count, ppos, kbuf, len);
}

/* A write replaces the message; one that does not fit is refused whole. */
static ssize_t sleep_write(struct file *file, const char __user *buf,
			   size_t count, loff_t *ppos)
{
	char kbuf[SLEEP_MSG_MAX];

	if (count > SLEEP_MSG_MAX)
		return -EMSGSIZE;
	if (copy_from_user(kbuf, buf, count))
		return -EFAULT;

	mutex_lock(&sleep_lock);
	memcpy(sleep_msg, kbuf, count);
	sleep_len = count;
	mutex_unlock(&sleep_lock);
	return count;
}

/* tag::proc_ops[] */
static const struct proc_ops sleep_proc_ops = {
	.proc_open	= sleep_open,
	.proc_release	= sleep_release,
	.proc_read	= sleep_read,
	.proc_write	= sleep_write,
	.proc_lseek	= default_llseek,
};

/* end::proc_ops[] */

static int __init sleep_init(void)
{
	sleep_entry = proc_create("sleep", 0644, NULL, &sleep_proc_ops);
	if (!sleep_entry)
		return -ENOMEM;
	pr_info("/proc/sleep created\n");
	return 0;
}

static void __exit sleep_exit(void)
{
	/*
	 * Nobody has the file open or sleeps in sleep_open(): they would hold
	 * a module reference. proc_remove() still waits for a call that is
	 * finishing, such as a release that has just dropped its reference.
	 */
	proc_remove(sleep_entry);
	pr_info("/proc/sleep removed\n");
}

module_init(sleep_init);
module_exit(sleep_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("A /proc file one process at a time: the others sleep on a wait queue");
