// SPDX-License-Identifier: GPL-2.0
/*
 * sched: a delayed work item that queues itself again every period_ms
 * milliseconds and counts its runs; /proc/sched shows the count and the
 * context the last run saw. Work items run in a kernel thread (a kworker),
 * in process context, so this one may sleep: it takes a mutex. Unloading
 * stops it with cancel_delayed_work_sync(), which copes with a work item
 * that keeps requeueing itself.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/init.h>
#include <linux/jiffies.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/proc_fs.h>
#include <linux/sched.h>
#include <linux/seq_file.h>
#include <linux/version.h>
#include <linux/workqueue.h>

#include "ctxinfo.h"

/* pde_data() was called PDE_DATA() before 5.17. */
#if LINUX_VERSION_CODE < KERNEL_VERSION(5, 17, 0)
#define pde_data PDE_DATA
#endif

#define SCHED_PERIOD_MIN	10
#define SCHED_PERIOD_MAX	10000

static unsigned int period_ms = 100;
module_param(period_ms, uint, 0444);

/* tag::state[] */
struct sched_state {
	struct workqueue_struct *wq;
	struct delayed_work dwork;
	struct mutex lock;		/* protects the fields below */
	unsigned long runs;
	struct ctxinfo ctx;		/* what the last run saw */
	char worker[TASK_COMM_LEN];	/* the thread that ran it */
};

static struct sched_state sched = {
	.lock = __MUTEX_INITIALIZER(sched.lock),
};

/* end::state[] */

/* tag::work[] */
static void sched_work_fn(struct work_struct *work)
{
	/* TODO 1: count the run, record context and worker, queue the next run */
	struct sched_state *s = container_of(to_delayed_work(work),
					     struct sched_state, dwork);
	struct ctxinfo ctx;
	unsigned long runs;

	ctxinfo_take(&ctx);

	/* A mutex may sleep: fine here, since a work item is process context. */
	mutex_lock(&s->lock);
	runs = ++s->runs;
	s->ctx = ctx;
	get_task_comm(s->worker, current);
	mutex_unlock(&s->lock);

	pr_debug("run %lu\n", runs);
	queue_delayed_work(s->wq, &s->dwork, msecs_to_jiffies(period_ms));
	/* END TODO */
}

/* end::work[] */

/* tag::proc[] */
static int sched_show(struct seq_file *m, void *v)
{
	struct sched_state *s = m->private;
	int ret;

	ret = mutex_lock_interruptible(&s->lock);
	if (ret)
		return ret;
	seq_printf(m, "runs: %lu\n", s->runs);
	seq_printf(m, "period_ms: %u\n", period_ms);
	if (s->runs) {
		seq_printf(m, "worker: %s\n", s->worker);
		ctxinfo_show(m, &s->ctx);
	}
	mutex_unlock(&s->lock);
	return 0;
}

static int sched_open(struct inode *inode, struct file *file)
{
	return single_open(file, sched_show, pde_data(inode));
}

static const struct proc_ops sched_proc_ops = {
	.proc_open	= sched_open,
	.proc_read	= seq_read,
	.proc_lseek	= seq_lseek,
	.proc_release	= single_release,
};

/* end::proc[] */

/* tag::init[] */
static int __init sched_init(void)
{
	int ret;

	if (period_ms < SCHED_PERIOD_MIN || period_ms > SCHED_PERIOD_MAX) {
		pr_err("period_ms=%u is out of range (%u..%u)\n",
		       period_ms, SCHED_PERIOD_MIN, SCHED_PERIOD_MAX);
		return -EINVAL;
	}

	sched.wq = alloc_workqueue("sched", 0, 0);
	if (!sched.wq)
		return -ENOMEM;
	INIT_DELAYED_WORK(&sched.dwork, sched_work_fn);

	if (!proc_create_data("sched", 0444, NULL, &sched_proc_ops, &sched)) {
		ret = -ENOMEM;
		goto err_wq;
	}

	/* TODO 2: queue the first run, period_ms from now */
	queue_delayed_work(sched.wq, &sched.dwork, msecs_to_jiffies(period_ms));
	/* END TODO */
	pr_info("running every %u ms\n", period_ms);
	return 0;

err_wq:
	destroy_workqueue(sched.wq);
	return ret;
}

/* end::init[] */

/* tag::exit[] */
static void __exit sched_exit(void)
{
	/* No reader can reach the state once the file is gone. */
	remove_proc_entry("sched", NULL);

	/* TODO 3: stop the work item and wait until it is neither queued nor running */
	cancel_delayed_work_sync(&sched.dwork);
	/* END TODO */
	destroy_workqueue(sched.wq);
	pr_info("stopped after %lu runs\n", sched.runs);
}

/* end::exit[] */

module_init(sched_init);
module_exit(sched_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("A delayed work item that requeues itself and counts its runs");
MODULE_PARM_DESC(period_ms, "Milliseconds between runs (10..10000, default 100)");
