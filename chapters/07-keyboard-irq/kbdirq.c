// SPDX-License-Identifier: GPL-2.0
/*
 * kbdirq: watch the PS/2 keyboard without taking it away from its driver.
 * A handler shares IRQ 1 with i8042 (it shows up in /proc/interrupts and
 * counts interrupts), an i8042 filter sees each byte the driver reads from
 * the controller and queues it in a kfifo (the top half), and a work item
 * logs the queued scancodes in process context (the bottom half).
 * /proc/kbdirq shows the counters.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/i8042.h>
#include <linux/init.h>
#include <linux/interrupt.h>
#include <linux/kfifo.h>
#include <linux/module.h>
#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include <linux/serio.h>
#include <linux/version.h>
#include <linux/workqueue.h>

/*
 * Since 6.14 an i8042 filter gets a context pointer, given to
 * i8042_install_filter() ("Input: i8042 - Add support for platform filter
 * contexts", posted to linux-input in January 2025 and merged for 6.14).
 * The filter below has the new signature; older kernels, 6.1 among them,
 * call a filter without a context, so hand them one that passes NULL.
 */
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 14, 0)
static bool kbdirq_filter(unsigned char data, unsigned char str,
			  struct serio *serio, void *context);

static bool kbdirq_filter_nocontext(unsigned char data, unsigned char str,
				    struct serio *serio)
{
	return kbdirq_filter(data, str, serio, NULL);
}

#define i8042_install_filter(filter, context)	i8042_install_filter(filter##_nocontext)
#define i8042_remove_filter(filter)		i8042_remove_filter(filter##_nocontext)
#endif

/* The keyboard's interrupt line on every PC since the IBM PC/AT. */
#define KBD_IRQ		1

/* Bytes the keyboard sends that are replies, not keys. */
#define KBD_ACK		0xfa
#define KBD_RESEND	0xfe
#define KBD_ECHO	0xee
#define KBD_OVERRUN0	0x00
#define KBD_OVERRUN	0xff
/* Prefix of the extended keys (arrows, right Ctrl, ...) in set 1. */
#define KBD_EXTENDED	0xe0

/* A power of two, as kfifo wants; far more than one burst of keys. */
static DEFINE_KFIFO(scancodes, u8, 64);

static atomic_long_t irqs_seen;	/* calls of our shared handler */
static atomic_long_t bytes_seen;	/* keyboard bytes the filter saw */
static atomic_long_t bytes_dropped;	/* ... that did not fit in the fifo */
static atomic_long_t presses;
static atomic_long_t releases;

/*
 * Only its address matters: free_irq() uses it to find our handler among
 * the others on the shared line, so it must be unique and not NULL.
 */
static int kbdirq_cookie;

static struct proc_dir_entry *proc_entry;

/* tag::bottom[] */
/*
 * The bottom half runs in a kernel worker thread: it may take its time,
 * print, even sleep, while the keyboard keeps interrupting. It is the only
 * reader of the fifo, and the filter the only writer, so the fifo needs no
 * lock (kfifo is safe for one reader and one writer).
 */
static void kbdirq_work_fn(struct work_struct *work)
{
	/* TODO 3: log each queued scancode as "scan code 0x.. pressed" or "released" */
	static bool extended;	/* the last byte was the 0xe0 prefix */
	u8 code;

	while (kfifo_get(&scancodes, &code)) {
		bool released = code & 0x80;

		if (code == KBD_EXTENDED) {
			extended = true;
			continue;
		}
		if (released)
			atomic_long_inc(&releases);
		else
			atomic_long_inc(&presses);
		pr_info("scan code 0x%02x %s%s\n", code & 0x7f,
			released ? "released" : "pressed",
			extended ? " (extended)" : "");
		extended = false;
	}
	/* END TODO */
}

static DECLARE_WORK(kbdirq_work, kbdirq_work_fn);

/* end::bottom[] */

/* tag::filter[] */
/*
 * i8042 calls this from its own interrupt handler for every byte it reads
 * from the controller, with its spinlock held and interrupts off: hard-IRQ
 * context. So: no sleeping, no waiting, just take the byte, queue it and
 * ask for the bottom half. Returning false lets the byte go on to the
 * keyboard driver as if we were not here.
 */
static bool kbdirq_filter(unsigned char data, unsigned char str,
			  struct serio *serio, void *context)
{
	/* TODO 2: queue keyboard bytes that are keys and schedule the bottom half */
	/* The mouse talks through the same controller. */
	if (str & I8042_STR_AUXDATA)
		return false;
	atomic_long_inc(&bytes_seen);
	/* Replies to LED and other commands are not keys. */
	if (data == KBD_ACK || data == KBD_RESEND || data == KBD_ECHO ||
	    data == KBD_OVERRUN0 || data == KBD_OVERRUN)
		return false;

	if (!kfifo_put(&scancodes, data))
		atomic_long_inc(&bytes_dropped);
	/* Several bytes may come before the work runs: it empties the fifo. */
	schedule_work(&kbdirq_work);
	/* END TODO */
	return false;
}

/* end::filter[] */

/* tag::handler[] */
/*
 * Our handler on the shared line. Every handler of IRQ 1 is called for
 * every interrupt, in registration order, so this runs right after
 * i8042's. The device is not ours: we must not read its data port (that
 * would steal the byte from i8042), and we say IRQ_NONE, "not mine".
 */
static irqreturn_t kbdirq_handler(int irq, void *dev_id)
{
	atomic_long_inc(&irqs_seen);
	return IRQ_NONE;
}

/* end::handler[] */

static int kbdirq_show(struct seq_file *m, void *v)
{
	seq_printf(m, "interrupts: %ld\n", atomic_long_read(&irqs_seen));
	seq_printf(m, "bytes: %ld\n", atomic_long_read(&bytes_seen));
	seq_printf(m, "dropped: %ld\n", atomic_long_read(&bytes_dropped));
	seq_printf(m, "presses: %ld\n", atomic_long_read(&presses));
	seq_printf(m, "releases: %ld\n", atomic_long_read(&releases));
	return 0;
}

/* tag::hook[] */
static int kbdirq_hook_irq(irq_handler_t handler, void *dev_id)
{
	int ret = 0;

	/* TODO 1: share IRQ 1 with i8042 (IRQF_SHARED, dev_id); give it back on unload */
	ret = request_irq(KBD_IRQ, handler, IRQF_SHARED, KBUILD_MODNAME, dev_id);
	/* END TODO */
	return ret;
}

static void kbdirq_unhook_irq(void *dev_id)
{
	/* TODO 1: share IRQ 1 with i8042 (IRQF_SHARED, dev_id); give it back on unload */
	/* Only our handler: dev_id says which one of the line's handlers. */
	free_irq(KBD_IRQ, dev_id);
	/* END TODO */
}

/* end::hook[] */

/* tag::init[] */
static int __init kbdirq_init(void)
{
	int ret;

	proc_entry = proc_create_single(KBUILD_MODNAME, 0444, NULL, kbdirq_show);
	if (!proc_entry)
		return -ENOMEM;

	ret = kbdirq_hook_irq(kbdirq_handler, &kbdirq_cookie);
	if (ret) {
		pr_err("cannot share IRQ %d: %d\n", KBD_IRQ, ret);
		goto err_proc;
	}

	/* Only one filter may be installed at a time (some laptop drivers use it). */
	ret = i8042_install_filter(kbdirq_filter, NULL);
	if (ret) {
		pr_err("cannot install the i8042 filter: %d%s\n", ret,
		       ret == -EBUSY ? " (another driver has one)" : "");
		goto err_irq;
	}

	pr_info("watching the keyboard on IRQ %d\n", KBD_IRQ);
	return 0;

err_irq:
	kbdirq_unhook_irq(&kbdirq_cookie);
err_proc:
	proc_remove(proc_entry);
	return ret;
}

/* end::init[] */

/* tag::exit[] */
static void __exit kbdirq_exit(void)
{
	/*
	 * Producers first: once i8042_remove_filter() has returned (it takes
	 * i8042's lock), the filter is not running anywhere and never will be
	 * again, so nothing can schedule the work after we cancel it.
	 */
	i8042_remove_filter(kbdirq_filter);
	kbdirq_unhook_irq(&kbdirq_cookie);
	cancel_work_sync(&kbdirq_work);
	proc_remove(proc_entry);
	pr_info("stopped watching the keyboard\n");
}

/* end::exit[] */

module_init(kbdirq_init);
module_exit(kbdirq_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Share the keyboard IRQ and log scancodes from a bottom half");
