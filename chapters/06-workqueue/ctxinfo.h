/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A snapshot of "what kind of context am I running in?", taken
 * inside a callback and printed later by a /proc file. sched.c and
 * timer_ctx.c both use it, so their /proc files can be compared line by line.
 */
#ifndef CTXINFO_H
#define CTXINFO_H

#include <linux/preempt.h>
#include <linux/seq_file.h>
#include <linux/types.h>

struct ctxinfo {
	bool in_task;		/* process context: may sleep */
	bool in_interrupt;	/* hard irq, softirq or NMI (or BHs disabled) */
	bool in_serving_softirq;	/* running a softirq handler right now */
	bool preemptible;	/* preempt count 0 and interrupts enabled */
};

/*
 * Take the snapshot before grabbing any lock: a spinlock raises the preempt
 * count, and we want to see the context the callback was given.
 */
static inline void ctxinfo_take(struct ctxinfo *c)
{
	c->in_task = in_task();
	c->in_interrupt = in_interrupt();
	c->in_serving_softirq = in_serving_softirq();
	c->preemptible = preemptible();
}

static inline const char *ctxinfo_name(const struct ctxinfo *c)
{
	if (c->in_task)
		return "process";
	if (c->in_serving_softirq)
		return "softirq";
	return "hardirq";
}

static inline void ctxinfo_show(struct seq_file *m, const struct ctxinfo *c)
{
	seq_printf(m, "context: %s\n", ctxinfo_name(c));
	seq_printf(m, "in_task: %d\n", c->in_task);
	seq_printf(m, "in_interrupt: %d\n", c->in_interrupt);
	seq_printf(m, "in_serving_softirq: %d\n", c->in_serving_softirq);
	seq_printf(m, "preemptible: %d\n", c->preemptible);
}

#endif /* CTXINFO_H */
