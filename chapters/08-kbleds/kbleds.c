// SPDX-License-Identifier: GPL-2.0
/*
 * kbleds: blink the keyboard LEDs from a kernel timer until the module is
 * unloaded. The LEDs are set the way a program would set them, with the
 * KDSETLED ioctl of the foreground virtual console; because that ioctl may
 * sleep and checks the caller's credentials, the timer (softirq context)
 * only flips the state and hands the ioctl to a work item (process
 * context). On unload the LEDs go back to showing the keyboard's state.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/console.h>
#include <linux/init.h>
#include <linux/jiffies.h>
#include <linux/kd.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/timer.h>
#include <linux/tty.h>
#include <linux/version.h>
#include <linux/vt_kern.h>
#include <linux/workqueue.h>

/* The timer API was renamed in 6.2 (delete) and 6.16 (container_of). */
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 2, 0)
#define timer_delete_sync(t)	del_timer_sync(t)
#endif
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 16, 0)
#define timer_container_of(var, t, field)	from_timer(var, t, field)
#endif

/* KDSETLED with a value outside 0..7: the LEDs follow the keyboard again. */
#define LEDS_FOLLOW_KEYBOARD	0xff

/* tag::params[] */
static unsigned int period_ms = 200;
module_param(period_ms, uint, 0444);
MODULE_PARM_DESC(period_ms, "time between two LED changes, in ms (50..5000, default 200)");

static unsigned int pattern = LED_SCR | LED_NUM | LED_CAP;
module_param(pattern, uint, 0444);
MODULE_PARM_DESC(pattern, "LEDs that blink: 1 Scroll Lock, 2 Num Lock, 4 Caps Lock, or a sum (1..7, default 7)");

struct kbleds {
	struct timer_list timer;
	struct work_struct work;
	struct tty_struct *tty;		/* counted reference (tty_kref_get) */
	unsigned int leds;		/* what the next ioctl sets */
};

static struct kbleds blinker;

/* end::params[] */

/* tag::tty[] */
/*
 * The foreground console's tty exists only while some process has that VT
 * open; until then vc->port.tty is NULL (the 2.6 code dereferenced it
 * anyway, and oopsed). console_lock keeps fg_console and vc_cons[] still
 * while we look, and tty_port_tty_get() hands us a counted reference, so
 * the tty cannot be freed under us even if its last user closes it.
 */
static struct tty_struct *kbleds_get_tty(void)
{
	struct tty_struct *tty = NULL;

	/* TODO 1: find the foreground console's tty and take a reference on it */
	console_lock();
	if (vc_cons[fg_console].d)
		tty = tty_port_tty_get(&vc_cons[fg_console].d->port);
	console_unlock();
	/* END TODO */
	return tty;
}

/* end::tty[] */

/* tag::work[] */
/*
 * Set the LEDs the way a program would, through the tty driver's ioctl
 * method. That method is written for the ioctl system call, so for process
 * context: the VT's takes console_lock and copies user memory for other
 * commands, and it allows KDSETLED only to the tty's owner or to a caller
 * with CAP_SYS_TTY_CONFIG, judged from `current`. So we call it only from
 * our work item (a kernel worker has all capabilities) and from rmmod,
 * never from the timer, where `current` is whatever task the softirq
 * happened to interrupt and sleeping is forbidden.
 */
static int kbleds_set(struct tty_struct *tty, unsigned int leds)
{
	int ret = 0;

	/* TODO 3: set the LEDs with the tty driver's KDSETLED ioctl */
	ret = tty->ops->ioctl(tty, KDSETLED, leds);
	/* END TODO */
	return ret;
}

static void kbleds_work_fn(struct work_struct *work)
{
	struct kbleds *b = container_of(work, struct kbleds, work);
	int ret;

	ret = kbleds_set(b->tty, READ_ONCE(b->leds));
	if (ret)
		pr_warn_once("KDSETLED failed: %d\n", ret);
}

/* end::work[] */

/* tag::timer[] */
/*
 * Softirq context: no sleeping, and no business with the tty. Flip the
 * LEDs in the pattern, ask for the work, and come back one period later.
 * Re-arming from the handler is fine: timer_delete_sync() copes with it.
 */
static void kbleds_timer_fn(struct timer_list *t)
{
	/* TODO 2: toggle the pattern's LEDs, schedule the work and re-arm the timer */
	struct kbleds *b = timer_container_of(b, t, timer);

	WRITE_ONCE(b->leds, b->leds ^ pattern);
	schedule_work(&b->work);
	mod_timer(&b->timer, jiffies + msecs_to_jiffies(period_ms));
	/* END TODO */
}

/* end::timer[] */

/* tag::init[] */
static int __init kbleds_init(void)
{
	if (period_ms < 50 || period_ms > 5000) {
		pr_err("period_ms=%u: must be 50..5000\n", period_ms);
		return -EINVAL;
	}
	if (pattern < 1 || pattern > 7) {
		pr_err("pattern=%u: must be 1..7 (1 Scroll, 2 Num, 4 Caps Lock)\n",
		       pattern);
		return -EINVAL;
	}

	blinker.tty = kbleds_get_tty();
	if (!blinker.tty) {
		pr_err("no tty on the foreground console (tty%d): open it first, e.g. 'sleep 600 </dev/tty%d &'\n",
		       fg_console + 1, fg_console + 1);
		return -ENODEV;
	}
	if (!blinker.tty->ops->ioctl) {
		pr_err("tty %s has no ioctl\n", tty_name(blinker.tty));
		tty_kref_put(blinker.tty);
		return -ENODEV;
	}

	INIT_WORK(&blinker.work, kbleds_work_fn);
	timer_setup(&blinker.timer, kbleds_timer_fn, 0);
	/* Light the pattern now, then toggle it every period. */
	blinker.leds = pattern;
	schedule_work(&blinker.work);
	mod_timer(&blinker.timer, jiffies + msecs_to_jiffies(period_ms));

	pr_info("blinking LEDs %u on %s every %u ms\n", pattern,
		tty_name(blinker.tty), period_ms);
	return 0;
}

/* end::init[] */

/* tag::exit[] */
static void __exit kbleds_exit(void)
{
	int ret = 0;

	/* TODO 4: stop the timer, then the work, both synchronously; then give the LEDs back */
	/* The timer first: it is what schedules the work. */
	timer_delete_sync(&blinker.timer);
	cancel_work_sync(&blinker.work);
	ret = kbleds_set(blinker.tty, LEDS_FOLLOW_KEYBOARD);
	/* END TODO */
	tty_kref_put(blinker.tty);
	/* Unloading cannot fail; the least we can do is not claim success. */
	if (ret)
		pr_warn("stopped, but could not give the LEDs back to the keyboard: %d\n", ret);
	else
		pr_info("stopped; the LEDs follow the keyboard again\n");
}

/* end::exit[] */

module_init(kbleds_init);
module_exit(kbleds_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Blink the keyboard LEDs from a timer through the console's KDSETLED");
