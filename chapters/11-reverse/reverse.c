// SPDX-License-Identifier: GPL-2.0
/*
 * reverse: /dev/reverse, a misc device that turns a phrase around. Write "A
 * quick brown fox" and read back "fox brown quick A". Each open file has a
 * buffer of its own; a read sleeps until a write has put a phrase there, and
 * a mutex keeps a reader from seeing a phrase that is half reversed.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/fs.h>
#include <linux/init.h>
#include <linux/miscdevice.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/overflow.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/wait.h>

/* A phrase is a line of text, not a file: a megabyte is plenty. */
#define REVERSE_MAX_BUFFER	(1024UL * 1024)

static unsigned long buffer_size = 8192;
/* Read-only in sysfs: open files have buffers of the size at load time. */
module_param(buffer_size, ulong, 0444);

/* tag::state[] */
/* Everything one open file owns. */
struct reverse_buf {
	struct mutex lock;		/* protects len, pos and data */
	wait_queue_head_t readq;	/* readers waiting for a phrase */
	size_t len;			/* bytes of the phrase, 0: none */
	size_t pos;			/* how much of it has been read */
	size_t size;			/* room in data[] */
	char data[];
};

/* end::state[] */

/* tag::algorithm[] */
static void reverse_word(char *start, char *end)
{
	char tmp;

	/* end points at the last byte, not past it. */
	while (start < end) {
		tmp = *start;
		*start++ = *end;
		*end-- = tmp;
	}
}

/*
 * Reverse the whole phrase byte by byte, then each word back again: the
 * words come out in reverse order, each spelled as before, with no second
 * buffer. Only ASCII spaces separate words. A UTF-8 sequence never contains
 * the byte 0x20, so its bytes stay inside one word and the second step puts
 * them back in order. A run of spaces is a separator that gets mirrored
 * like a word: "  a b" becomes "b a  ".
 */
static void reverse_phrase(char *phrase, size_t len)
{
	char *end = phrase + len;

	if (!len)
		return;
	/* Step one: the whole phrase, byte by byte. */
	reverse_word(phrase, end - 1);

	/* TODO 2: step two: reverse each word (each run of non-spaces) back */
	while (phrase < end) {
		char *word;

		while (phrase < end && *phrase == ' ')
			phrase++;
		word = phrase;
		while (phrase < end && *phrase != ' ')
			phrase++;
		reverse_word(word, phrase - 1);
	}
	/* END TODO */
}

/* end::algorithm[] */

/* tag::open[] */
static struct reverse_buf *reverse_buf_alloc(size_t size)
{
	struct reverse_buf *buf = NULL;

	/* TODO 1: allocate a buffer of @size bytes; set up its lock and wait queue */
	/*
	 * kvzalloc: a large buffer need not be physically contiguous.
	 * _ACCOUNT: any user may open the device as often as they like, and
	 * each open costs up to a megabyte of kernel memory, so charge it to
	 * the opener's memory cgroup; its limit then stops a greedy user, not
	 * the whole machine.
	 */
	buf = kvzalloc(struct_size(buf, data, size), GFP_KERNEL_ACCOUNT);
	if (!buf)
		return NULL;
	mutex_init(&buf->lock);
	init_waitqueue_head(&buf->readq);
	buf->size = size;
	/* END TODO */
	return buf;
}

/*
 * Every open() makes a new struct file, and so a new buffer. The file is a
 * stream: it has no positions, so stream_open() makes lseek(), pread() and
 * pwrite() fail with ESPIPE rather than pretend to honour an offset.
 */
static int reverse_open(struct inode *inode, struct file *file)
{
	struct reverse_buf *buf = reverse_buf_alloc(buffer_size);

	if (!buf)
		return -ENOMEM;
	file->private_data = buf;
	return stream_open(inode, file);
}

/* Called once, when the last descriptor sharing this open file is closed. */
static int reverse_release(struct inode *inode, struct file *file)
{
	struct reverse_buf *buf = file->private_data;

	mutex_destroy(&buf->lock);
	kvfree(buf);
	return 0;
}

/* end::open[] */

/* tag::write[] */
/*
 * A write replaces whatever phrase the buffer held, read or not. A phrase
 * that does not fit is refused whole with EMSGSIZE and changes nothing; a
 * bad pointer gives EFAULT and leaves no phrase (part of the new one may
 * already have overwritten the old). A zero-length write does nothing.
 */
static ssize_t reverse_write(struct file *file, const char __user *ubuf,
			     size_t count, loff_t *ppos)
{
	struct reverse_buf *buf = file->private_data;
	ssize_t ret = count;

	if (count > buf->size)
		return -EMSGSIZE;
	if (!count)
		return 0;

	if (mutex_lock_interruptible(&buf->lock))
		return -ERESTARTSYS;
	/*
	 * copy_from_user() may sleep on a page fault. That is fine under a
	 * mutex; what must not happen is waiting for another task (as read
	 * does) while holding it.
	 */
	if (copy_from_user(buf->data, ubuf, count)) {
		WRITE_ONCE(buf->len, 0);
		WRITE_ONCE(buf->pos, 0);
		ret = -EFAULT;
		goto out_unlock;
	}
	reverse_phrase(buf->data, count);
	/* TODO 3: make the phrase readable from its start, and wake the readers */
	WRITE_ONCE(buf->pos, 0);
	WRITE_ONCE(buf->len, count);
	wake_up_interruptible(&buf->readq);
	/* END TODO */
out_unlock:
	mutex_unlock(&buf->lock);
	return ret;
}

/* end::write[] */

/* tag::read[] */
/*
 * A read returns as much of the phrase as fits and consumes it; the next
 * read continues where this one stopped. When all of it has been read, the
 * next read waits for the next write.
 */
static ssize_t reverse_read(struct file *file, char __user *ubuf,
			    size_t count, loff_t *ppos)
{
	ssize_t ret = 0;
	/* TODO 4: wait for a phrase without holding the mutex, then copy it out */
	struct reverse_buf *buf = file->private_data;

	if (!count)
		return 0;
	if (mutex_lock_interruptible(&buf->lock))
		return -ERESTARTSYS;
	while (buf->pos == buf->len) {
		/* Never sleep holding the lock: the writer needs it to wake us. */
		mutex_unlock(&buf->lock);
		if (file->f_flags & O_NONBLOCK)
			return -EAGAIN;
		/*
		 * The condition is read without the lock, so it is only a
		 * hint (READ_ONCE: no torn or cached loads); the loop checks
		 * again under the lock.
		 */
		if (wait_event_interruptible(buf->readq,
					     READ_ONCE(buf->pos) != READ_ONCE(buf->len)))
			return -ERESTARTSYS;
		if (mutex_lock_interruptible(&buf->lock))
			return -ERESTARTSYS;
		/* Another reader of this file may have been first: loop. */
	}

	count = min(count, buf->len - buf->pos);
	/* Copy all or nothing: a fault consumes none of the phrase. */
	if (copy_to_user(ubuf, buf->data + buf->pos, count)) {
		ret = -EFAULT;
		goto out_unlock;
	}
	WRITE_ONCE(buf->pos, buf->pos + count);
	ret = count;
out_unlock:
	mutex_unlock(&buf->lock);
	/* END TODO */
	return ret;
}

/* end::read[] */

/* tag::device[] */
static const struct file_operations reverse_fops = {
	.owner = THIS_MODULE,
	.open = reverse_open,
	.release = reverse_release,
	.read = reverse_read,
	.write = reverse_write,
	/* No .llseek: stream_open() at open says there is nothing to seek. */
};

static struct miscdevice reverse_misc = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "reverse",
	.fops = &reverse_fops,
	/* devtmpfs creates /dev/reverse with this mode; no udev rule needed. */
	.mode = 0666,
};

/* end::device[] */

static int __init reverse_init(void)
{
	int ret = -ENODEV;	/* until the device is registered */

	if (!buffer_size || buffer_size > REVERSE_MAX_BUFFER) {
		pr_err("buffer_size must be 1 to %lu bytes, not %lu\n",
		       REVERSE_MAX_BUFFER, buffer_size);
		return -EINVAL;
	}

	/* TODO 5: register the misc device, and deregister it on unload */
	ret = misc_register(&reverse_misc);
	/* END TODO */
	if (ret) {
		pr_err("cannot register /dev/reverse: %d\n", ret);
		return ret;
	}
	pr_info("/dev/reverse ready, %lu-byte buffer per open\n", buffer_size);
	return 0;
}

static void __exit reverse_exit(void)
{
	/* TODO 5: register the misc device, and deregister it on unload */
	misc_deregister(&reverse_misc);
	/* END TODO */
}

module_init(reverse_init);
module_exit(reverse_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("/dev/reverse: reverse the order of the words of a phrase");
MODULE_PARM_DESC(buffer_size, "Bytes of buffer per open file, 1 to 1048576 (default 8192)");
