// SPDX-License-Identifier: GPL-2.0
/*
 * timer_ctx: the job of sched.c done by a kernel timer instead of a work
 * item. The callback runs from the timer softirq, in atomic context: it may
 * not sleep, so it guards its counters with a spinlock, and the /proc reader
 * must take that lock with bottom halves disabled. /proc/timer_ctx prints the
 * same context report as /proc/sched, to compare the two.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/init.h>
#include <linux/jiffies.h>
#include <linux/module.h>
#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include <linux/spinlock.h>
#include <linux/timer.h>
#include <linux/version.h>

#include "ctxinfo.h"

/* tag::compat[] */
/* pde_data() was called PDE_DATA() before 5.17. */
#if LINUX_VERSION_CODE < KERNEL_VERSION(5, 17, 0)
#define pde_data PDE_DATA
#endif
/*
 * del_timer_sync() was renamed timer_delete_sync() in 6.2 (6.1.y stable
 * releases have the new name too, as Debian's 6.1 headers show).
 */
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 2, 0)
#define timer_delete_sync del_timer_sync
#endif
/* from_timer() was renamed timer_container_of() in 6.16. */
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 16, 0)
#define timer_container_of from_timer
#endif

/* end::compat[] */

#define TIMER_PERIOD_MIN	10
#define TIMER_PERIOD_MAX	10000

static unsigned int period_ms = 100;
module_param(period_ms, uint, 0444);

struct timer_state {
	struct timer_list timer;
	spinlock_t lock;		/* protects the fields below */
	unsigned long runs;
	struct ctxinfo ctx;		/* what the last run saw */
};

static struct timer_state tstate = {
	.lock = __SPIN_LOCK_UNLOCKED(tstate.lock),
};

/* tag::callback[] */
static void timer_ctx_fn(struct timer_list *t)
{
	/* TODO 4: count the run, record the context under the lock, re-arm the timer */
	struct timer_state *s = timer_container_of(s, t, timer);
	struct ctxinfo ctx;
	unsigned long runs;

	ctxinfo_take(&ctx);

	/* Softirq context: bottom halves are already off on this CPU. */
	spin_lock(&s->lock);
	runs = ++s->runs;
	s->ctx = ctx;
	spin_unlock(&s->lock);

	pr_debug("run %lu\n", runs);
	mod_timer(&s->timer, jiffies + msecs_to_jiffies(period_ms));
	/* END TODO */
}

/* end::callback[] */

/* tag::show[] */
static int timer_ctx_show(struct seq_file *m, void *v)
{
	struct timer_state *s = m->private;
	struct ctxinfo ctx;
	unsigned long runs;

	/*
	 * _bh: if the timer softirq ran on this CPU while we held the plain
	 * lock, it would spin on it forever. Copy out, print after unlocking.
	 */
	spin_lock_bh(&s->lock);
	runs = s->runs;
	ctx = s->ctx;
	spin_unlock_bh(&s->lock);

	seq_printf(m, "runs: %lu\n", runs);
	seq_printf(m, "period_ms: %u\n", period_ms);
	if (runs)
		ctxinfo_show(m, &ctx);
	return 0;
}

/* end::show[] */

static int timer_ctx_open(struct inode *inode, struct file *file)
{
	return single_open(file, timer_ctx_show, pde_data(inode));
}

static const struct proc_ops timer_ctx_proc_ops = {
	.proc_open	= timer_ctx_open,
	.proc_read	= seq_read,
	.proc_lseek	= seq_lseek,
	.proc_release	= single_release,
};

/* tag::init[] */
static int __init timer_ctx_init(void)
{
	if (period_ms < TIMER_PERIOD_MIN || period_ms > TIMER_PERIOD_MAX) {
		pr_err("period_ms=%u is out of range (%u..%u)\n",
		       period_ms, TIMER_PERIOD_MIN, TIMER_PERIOD_MAX);
		return -EINVAL;
	}

	timer_setup(&tstate.timer, timer_ctx_fn, 0);
	if (!proc_create_data("timer_ctx", 0444, NULL, &timer_ctx_proc_ops, &tstate))
		return -ENOMEM;

	/* TODO 5: arm the timer to fire period_ms from now */
	mod_timer(&tstate.timer, jiffies + msecs_to_jiffies(period_ms));
	/* END TODO */
	pr_info("firing every %u ms\n", period_ms);
	return 0;
}

/* end::init[] */

/* tag::exit[] */
static void __exit timer_ctx_exit(void)
{
	remove_proc_entry("timer_ctx", NULL);

	/*
	 * Only the callback re-arms the timer, so once the callback is not
	 * running and the pending timer is deleted, nothing can bring it back:
	 * timer_delete_sync() waits for the first and does the second.
	 */
	/* TODO 6: delete the timer and wait for a running callback to finish */
	timer_delete_sync(&tstate.timer);
	/* END TODO */
	pr_info("stopped after %lu runs\n", tstate.runs);
}

/* end::exit[] */

module_init(timer_ctx_init);
module_exit(timer_ctx_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("A self-re-arming kernel timer that reports its (atomic) context");
MODULE_PARM_DESC(period_ms, "Milliseconds between runs (10..10000, default 100)");
