// SPDX-License-Identifier: GPL-2.0
/*
 * counters: one kernel thread on every online CPU, all incrementing shared
 * counters at the same time, four ways: a plain integer (which loses
 * updates: a data race, kept on purpose), an atomic, a spinlock-protected
 * integer and a per-CPU counter summed at the end. Writing a number N to
 * /proc/counters starts a run of N increments per thread and counter;
 * reading it shows each counter's value, the value it should have, and how
 * long the threads took over it. Unloading stops a run in progress.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/cpu.h>
#include <linux/init.h>
#include <linux/kthread.h>
#include <linux/ktime.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/percpu.h>
#include <linux/proc_fs.h>
#include <linux/sched/task.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/uaccess.h>
#include <linux/wait.h>

/*
 * Large enough that a run takes seconds even with KVM, so that a test can
 * unload the module in the middle of one; small enough that N times the
 * number of CPUs (at most 8192 on x86) fits a long on any 64-bit kernel.
 */
#define COUNTERS_MAX_LOOPS	100000000L

/* tag::state[] */
enum counters_kind { COUNT_PLAIN, COUNT_ATOMIC, COUNT_LOCKED, COUNT_PERCPU, COUNT_KINDS };

static const char * const counters_name[COUNT_KINDS] = {
	"plain", "atomic", "spinlock", "percpu",
};

struct counters_run {
	/* Set by the writer before it wakes the threads. */
	long loops;			/* increments per thread and counter */
	int nthreads;			/* one per online CPU */

	/* The four counters. */
	long plain;			/* no protection at all: a data race */
	atomic_long_t atomic;
	spinlock_t lock;		/* protects locked */
	long locked;
	/* the fourth, per CPU, is counters_percpu below */

	/*
	 * The threads meet at a gate before each counter and once at the
	 * end; the last one in stamps the time and opens the gate.
	 */
	atomic_t arrived[COUNT_KINDS + 1];
	u64 stamp_ns[COUNT_KINDS + 1];
	wait_queue_head_t gate;
	bool done;			/* every thread passed the last gate */
};

static DEFINE_PER_CPU(long, counters_percpu);

static struct counters_run run = {
	.lock = __SPIN_LOCK_UNLOCKED(run.lock),
	.gate = __WAIT_QUEUE_HEAD_INITIALIZER(run.gate),
};

/* Serialises the writer, the reader and unloading; the threads never take it. */
static DEFINE_MUTEX(counters_mutex);
static struct task_struct **counters_tasks;	/* nr_cpu_ids slots */
static int counters_ntasks;			/* threads not yet stopped */

/* end::state[] */

/* tag::gate[] */
/*
 * Wait until every thread has arrived at gate @g, so that all of them count
 * at the same time: a race needs company. Returns false when the thread is
 * told to stop instead. Kernel threads take no signals, so the interruptible
 * sleep only keeps the wait out of the load average.
 */
static bool counters_gate(struct counters_run *r, int g)
{
	/* atomic_inc_return() is a full barrier: our counting comes before it. */
	if (atomic_inc_return(&r->arrived[g]) == r->nthreads) {
		r->stamp_ns[g] = ktime_get_ns();
		if (g == COUNT_KINDS)
			/* Readers who see done see every count and stamp too. */
			smp_store_release(&r->done, true);
		wake_up_all(&r->gate);
		return true;
	}
	if (g == COUNT_KINDS)
		return true;		/* nobody to wait for after the last one */
	wait_event_interruptible(r->gate,
				 atomic_read(&r->arrived[g]) == r->nthreads ||
				 kthread_should_stop());
	return !kthread_should_stop();
}

/* end::gate[] */

/* tag::count[] */
/*
 * Go on counting? Not after r->loops steps, nor once the thread is told to
 * stop: asked at every step, so rmmod never waits for more than one
 * increment. cond_resched() lets another task have this CPU if it needs it:
 * a kernel that preempts only where it is allowed to (Debian's 6.1 boots in
 * "voluntary" mode) would otherwise let a long run starve the shell, and
 * the watchdog would call it a soft lockup.
 */
static bool counters_more(struct counters_run *r, long i)
{
	if (i >= r->loops || kthread_should_stop())
		return false;
	cond_resched();
	return true;
}

/* Increment counter @kind r->loops times; false if told to stop first. */
static bool counters_count(struct counters_run *r, enum counters_kind kind)
{
	long i = 0;

	switch (kind) {
	case COUNT_PLAIN:
		/*
		 * Load, add one, store: three steps, and another CPU can
		 * store in between, so one of the two increments is lost.
		 * A data race on purpose (KCSAN would report it): the calls
		 * in counters_more() force a load and a store per step.
		 */
		for (; counters_more(r, i); i++)
			r->plain++;
		break;
	/* TODO 1: the three counters that lose nothing: atomic, spinlock, per-CPU */
	case COUNT_ATOMIC:
		/* One locked read-modify-write instruction on x86. */
		for (; counters_more(r, i); i++)
			atomic_long_inc(&r->atomic);
		break;
	case COUNT_LOCKED:
		/* Only these threads take the lock, all in process context. */
		for (; counters_more(r, i); i++) {
			spin_lock(&r->lock);
			r->locked++;
			spin_unlock(&r->lock);
		}
		break;
	case COUNT_PERCPU:
		/*
		 * Each CPU has its own copy, so nothing is shared while
		 * counting. this_cpu_inc() is safe against preemption and
		 * interrupts on this CPU; __this_cpu_inc() would not be.
		 */
		for (; counters_more(r, i); i++)
			this_cpu_inc(counters_percpu);
		break;
	/* END TODO */
	default:
		break;
	}
	return i == r->loops;
}

/* end::count[] */

/* tag::thread[] */
/* One thread per CPU: every counter in turn, all threads together. */
static int counters_thread(void *data)
{
	struct counters_run *r = data;
	int kind;

	for (kind = 0; kind < COUNT_KINDS; kind++) {
		if (!counters_gate(r, kind) || !counters_count(r, kind))
			return -EINTR;		/* stopped mid-run */
	}
	counters_gate(r, COUNT_KINDS);
	return 0;
}

/* end::thread[] */

/* tag::stop[] */
/*
 * Stop every thread of the last run and drop our reference to it. A thread
 * that has finished has exited already; kthread_stop() then only collects
 * its result, which is why we hold a reference: without it the task_struct
 * could be freed (and reused) before we ask. Returns how many threads were
 * stopped before they finished.
 */
static int counters_stop_threads(void)
{
	int i, stopped = 0;

	/* TODO 3: stop every thread, count those that had not finished, drop the references */
	for (i = 0; i < counters_ntasks; i++) {
		if (kthread_stop(counters_tasks[i]) == -EINTR)
			stopped++;
		put_task_struct(counters_tasks[i]);
		counters_tasks[i] = NULL;
	}
	/* END TODO */
	counters_ntasks = 0;
	return stopped;
}

/* end::stop[] */

/* tag::start[] */
/* Reset the counters and start one thread on each online CPU. */
static int counters_start(long loops)
{
	unsigned int cpu;
	int i, ret = 0;

	counters_stop_threads();	/* collect the last run's threads */

	run.loops = loops;
	run.plain = 0;
	atomic_long_set(&run.atomic, 0);
	run.locked = 0;
	for_each_possible_cpu(cpu)
		per_cpu(counters_percpu, cpu) = 0;
	for (i = 0; i <= COUNT_KINDS; i++)
		atomic_set(&run.arrived[i], 0);
	run.done = false;

	/* No CPU may come or go between counting them and starting the threads. */
	cpus_read_lock();
	run.nthreads = num_online_cpus();
	/* TODO 2: create a thread bound to each online CPU (and, below, wake them all) */
	for_each_online_cpu(cpu) {
		struct task_struct *t;

		/* Created asleep, and bound to @cpu: it never runs elsewhere. */
		t = kthread_create_on_cpu(counters_thread, &run, cpu, "counters/%u");
		if (IS_ERR(t)) {
			ret = PTR_ERR(t);
			break;
		}
		get_task_struct(t);
		counters_tasks[counters_ntasks++] = t;
	}
	/* END TODO */
	if (ret) {
		/* None of them has run: kthread_stop() makes each exit unstarted. */
		counters_stop_threads();
		run.nthreads = 0;
	} else {
		/* TODO 2: ... and wake every thread you created */
		for (i = 0; i < counters_ntasks; i++)
			wake_up_process(counters_tasks[i]);
		/* END TODO */
	}
	cpus_read_unlock();
	return ret;
}

/* end::start[] */

/* tag::write[] */
static ssize_t counters_write(struct file *file, const char __user *ubuf,
			      size_t count, loff_t *ppos)
{
	long loops;
	int ret;

	ret = kstrtol_from_user(ubuf, count, 10, &loops);
	if (ret == -ERANGE || (!ret && (loops < 1 || loops > COUNTERS_MAX_LOOPS)))
		ret = -EINVAL;
	if (ret)
		return ret;

	if (mutex_lock_interruptible(&counters_mutex))
		return -ERESTARTSYS;
	/* Pairs with the release in counters_gate(). */
	if (run.nthreads && !smp_load_acquire(&run.done))
		ret = -EBUSY;		/* one run at a time */
	else
		ret = counters_start(loops);
	mutex_unlock(&counters_mutex);
	return ret ? ret : count;
}

/* end::write[] */

/* tag::show[] */
static int counters_show(struct seq_file *m, void *v)
{
	long value[COUNT_KINDS], expected;
	unsigned int cpu;
	int kind;

	if (mutex_lock_interruptible(&counters_mutex))
		return -ERESTARTSYS;
	if (!run.nthreads) {
		seq_printf(m, "state: idle (write 1 to %ld to start a run)\n",
			   COUNTERS_MAX_LOOPS);
		goto out;
	}
	/* Pairs with the release in counters_gate(): all counting is done. */
	if (!smp_load_acquire(&run.done)) {
		seq_printf(m, "state: running\nthreads: %d\nloops: %ld\n",
			   run.nthreads, run.loops);
		goto out;
	}

	value[COUNT_PLAIN] = run.plain;
	value[COUNT_ATOMIC] = atomic_long_read(&run.atomic);
	value[COUNT_LOCKED] = run.locked;
	value[COUNT_PERCPU] = 0;
	for_each_possible_cpu(cpu)
		value[COUNT_PERCPU] += per_cpu(counters_percpu, cpu);
	expected = run.loops * run.nthreads;

	seq_printf(m, "state: done\nthreads: %d\nloops: %ld\n", run.nthreads, run.loops);
	seq_printf(m, "%-9s %11s %11s %11s %9s\n",
		   "counter", "value", "expected", "lost", "time_us");
	for (kind = 0; kind < COUNT_KINDS; kind++)
		seq_printf(m, "%-9s %11ld %11ld %11ld %9llu\n", counters_name[kind],
			   value[kind], expected, expected - value[kind],
			   (run.stamp_ns[kind + 1] - run.stamp_ns[kind]) / NSEC_PER_USEC);
out:
	mutex_unlock(&counters_mutex);
	return 0;
}

/* end::show[] */

static int counters_open(struct inode *inode, struct file *file)
{
	return single_open(file, counters_show, NULL);
}

static const struct proc_ops counters_proc_ops = {
	.proc_open	= counters_open,
	.proc_read	= seq_read,
	.proc_write	= counters_write,
	.proc_lseek	= seq_lseek,
	.proc_release	= single_release,
};

static int __init counters_init(void)
{
	counters_tasks = kcalloc(nr_cpu_ids, sizeof(*counters_tasks), GFP_KERNEL);
	if (!counters_tasks)
		return -ENOMEM;
	if (!proc_create("counters", 0644, NULL, &counters_proc_ops)) {
		kfree(counters_tasks);
		return -ENOMEM;
	}
	pr_info("ready on %u CPUs: echo N > /proc/counters\n", num_online_cpus());
	return 0;
}

/* tag::exit[] */
static void __exit counters_exit(void)
{
	int n, stopped;

	/* Waits for a reader or writer inside the file; no new one can come. */
	remove_proc_entry("counters", NULL);

	n = counters_ntasks;
	stopped = counters_stop_threads();
	if (stopped)
		pr_info("rmmod stopped %d of %d threads mid-run\n", stopped, n);
	kfree(counters_tasks);
}

/* end::exit[] */

module_init(counters_init);
module_exit(counters_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Threads on every CPU count four ways: racy, atomic, spinlock, per-CPU");
