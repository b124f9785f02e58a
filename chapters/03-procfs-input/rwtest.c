// SPDX-License-Identifier: GPL-2.0
/*
 * rwtest: a /proc file that takes input. Writing to /proc/rw_test stores a
 * line of text; reading it back gives "Last input:<text>". Only root may
 * write, because the file's mode says so and the VFS checks it at open.
 * /proc/rw_history lists the last few inputs through the seq_file helpers,
 * which take care of offsets and buffer sizes for files of several lines.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/delay.h>
#include <linux/fs.h>
#include <linux/init.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#define RW_NAME		"rw_test"
#define HIST_NAME	"rw_history"
#define RW_MAX		80	/* longest write accepted, in bytes */
#define RW_HISTORY	8	/* inputs kept for /proc/rw_history */
#define RW_PREFIX	"Last input:"

/* tag::state[] */
struct rw_entry {
	unsigned long seq;		/* 1 for the first input, and so on */
	char text[RW_MAX + 1];
};

/*
 * One mutex guards everything below. Writers hold it while they store a
 * message, readers while they copy one out, so nobody ever sees half of a
 * message. A mutex rather than a spinlock, because the store may sleep
 * (see race_delay_us).
 */
static DEFINE_MUTEX(rw_lock);
static char rw_msg[RW_MAX];	/* the last input, not NUL-terminated */
static size_t rw_len;
static struct rw_entry rw_hist[RW_HISTORY];
static unsigned long rw_count;	/* inputs stored since load */

/* end::state[] */

/*
 * A testing aid: pause this long between storing a message's bytes and its
 * length. On a single CPU a writer is otherwise never interrupted between
 * the two, so a missing lock would go unnoticed; with the pause, the test's
 * concurrent writers tear each other's messages unless the lock is there.
 */
static unsigned int race_delay_us;

/* Like param_set_uint_minmax() (5.15+), which older kernels lack. */
static int race_delay_set(const char *val, const struct kernel_param *kp)
{
	unsigned int us;

	if (kstrtouint(val, 0, &us) || us > 100000)
		return -EINVAL;
	*(unsigned int *)kp->arg = us;
	return 0;
}

static const struct kernel_param_ops race_delay_ops = {
	.set = race_delay_set,
	.get = param_get_uint,
};
module_param_cb(race_delay_us, &race_delay_ops, &race_delay_us, 0644);

/* tag::store[] */
/* Add a message to the history; the caller holds rw_lock. */
static void rw_remember(const char *text, size_t len)
{
	/* TODO 4: copy text into the next rw_hist slot (the oldest one), numbered ++rw_count */
	struct rw_entry *e = &rw_hist[rw_count % RW_HISTORY];

	e->seq = ++rw_count;
	memcpy(e->text, text, len);
	e->text[len] = '\0';
	/* END TODO */
}

/* Store one message; the caller holds rw_lock. */
static void rw_store(const char *text, size_t len)
{
	memcpy(rw_msg, text, len);
	if (race_delay_us)
		fsleep(race_delay_us);
	rw_len = len;
	rw_remember(text, len);
}

/* end::store[] */

/* tag::write[] */
/*
 * Each write() is one whole message: up to RW_MAX bytes, one trailing
 * newline dropped (so "echo hi" and "printf hi" store the same text).
 * Longer input is refused with EINVAL rather than cut, so a writer never
 * stores less than it meant to. The file offset plays no part.
 */
static ssize_t rw_write(struct file *file, const char __user *buf,
			size_t count, loff_t *ppos)
{
	char text[RW_MAX] = "";
	size_t len = count;

	/* An empty write changes nothing, like one to a regular file. */
	if (!count)
		return 0;
	if (count > RW_MAX)
		return -EINVAL;

	/* TODO 3: copy count bytes from buf into text (else -EFAULT); drop a trailing newline */
	/* Copy before taking the lock: a fault on buf may sleep. */
	if (copy_from_user(text, buf, count))
		return -EFAULT;
	if (text[len - 1] == '\n')
		len--;
	/* END TODO */

	mutex_lock(&rw_lock);
	rw_store(text, len);
	mutex_unlock(&rw_lock);
	return count;
}

/* end::write[] */

/* tag::read[] */
/* What one open of /proc/rw_test reads: a copy taken at open time. */
struct rw_snapshot {
	size_t len;
	char buf[sizeof(RW_PREFIX) + RW_MAX + 1];
};

static int rw_open(struct inode *inode, struct file *file)
{
	struct rw_snapshot *snap;

	if (!(file->f_mode & FMODE_READ))
		return 0;

	/* Zeroed, so that a snapshot never exposes old kernel memory. */
	snap = kzalloc(sizeof(*snap), GFP_KERNEL);
	if (!snap)
		return -ENOMEM;

	/* TODO 1: under rw_lock, format RW_PREFIX, the message and a newline into snap */
	mutex_lock(&rw_lock);
	snap->len = scnprintf(snap->buf, sizeof(snap->buf), RW_PREFIX "%.*s\n",
			      (int)rw_len, rw_msg);
	mutex_unlock(&rw_lock);
	/* END TODO */

	file->private_data = snap;
	return 0;
}

/*
 * Called again and again until it returns 0 (end of file). *ppos says how
 * much of the snapshot this open file has had; simple_read_from_buffer()
 * does the same job in one call.
 */
static ssize_t rw_read(struct file *file, char __user *buf, size_t count,
		       loff_t *ppos)
{
	const struct rw_snapshot *snap = file->private_data;
	size_t n = 0;

	/* TODO 2: n = how many bytes are left after *ppos, at most count (0 at the end) */
	if (*ppos < snap->len)
		n = min_t(size_t, count, snap->len - *ppos);
	/* END TODO */

	if (!n)
		return 0;
	if (copy_to_user(buf, snap->buf + *ppos, n))
		return -EFAULT;
	*ppos += n;
	return n;
}

static int rw_release(struct inode *inode, struct file *file)
{
	kfree(file->private_data);
	return 0;
}

static const struct proc_ops rw_ops = {
	.proc_open	= rw_open,
	.proc_read	= rw_read,
	.proc_write	= rw_write,
	.proc_lseek	= default_llseek,
	.proc_release	= rw_release,
};

/* end::read[] */

/* tag::seq[] */
/* Entry i of the history, oldest first, or NULL past the newest. */
static struct rw_entry *hist_entry(loff_t i)
{
	unsigned long kept = min_t(unsigned long, rw_count, RW_HISTORY);

	if (i >= kept)
		return NULL;
	return &rw_hist[(rw_count - kept + i) % RW_HISTORY];
}

/*
 * seq_read() calls start, then show and next for each record until its
 * buffer is full, then stop; and again from *pos on the next read(). The
 * lock is held from start to stop, never across the copy to user space.
 */
static void *hist_start(struct seq_file *m, loff_t *pos)
{
	mutex_lock(&rw_lock);
	return *pos ? hist_entry(*pos - 1) : SEQ_START_TOKEN;
}

static void *hist_next(struct seq_file *m, void *v, loff_t *pos)
{
	++*pos;
	return hist_entry(*pos - 1);
}

static void hist_stop(struct seq_file *m, void *v)
{
	mutex_unlock(&rw_lock);
}

static int hist_show(struct seq_file *m, void *v)
{
	/* TODO 5: print a header for SEQ_START_TOKEN, else entry v as "<seq>  <text>" */
	const struct rw_entry *e = v;

	if (v == SEQ_START_TOKEN)
		seq_puts(m, "  seq  input\n");
	else
		seq_printf(m, "%5lu  %s\n", e->seq, e->text);
	/* END TODO */
	return 0;
}

static const struct seq_operations hist_seq_ops = {
	.start	= hist_start,
	.next	= hist_next,
	.stop	= hist_stop,
	.show	= hist_show,
};

static int hist_open(struct inode *inode, struct file *file)
{
	return seq_open(file, &hist_seq_ops);
}

static const struct proc_ops hist_ops = {
	.proc_open	= hist_open,
	.proc_read	= seq_read,
	.proc_lseek	= seq_lseek,
	.proc_release	= seq_release,
};

/* end::seq[] */

/* tag::init[] */
static int __init rwtest_init(void)
{
	/* 0644 and owned by root: the VFS lets only root open it to write. */
	if (!proc_create(RW_NAME, 0644, NULL, &rw_ops))
		return -ENOMEM;
	if (!proc_create(HIST_NAME, 0444, NULL, &hist_ops))
		goto err_rw;

	pr_info("/proc/%s and /proc/%s created\n", RW_NAME, HIST_NAME);
	return 0;

err_rw:
	remove_proc_entry(RW_NAME, NULL);
	return -ENOMEM;
}

static void __exit rwtest_exit(void)
{
	/* Waits for running calls; files still open get EIO from now on. */
	remove_proc_entry(HIST_NAME, NULL);
	remove_proc_entry(RW_NAME, NULL);
	pr_info("removed\n");
}

/* end::init[] */

module_init(rwtest_init);
module_exit(rwtest_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("A /proc file that takes input, and a seq_file history");
MODULE_PARM_DESC(race_delay_us,
		 "Testing aid: pause (us, 0..100000) in the middle of every store");
