// SPDX-License-Identifier: GPL-2.0
/*
 * paramdemo: module parameters. Values come from the insmod/modprobe command
 * line (or the kernel command line when built in), the kernel parses them
 * before the init function runs, and each parameter with a non-zero mode
 * also becomes a file in /sys/module/paramdemo/parameters/. One parameter
 * has its own setter, so bad values are refused at load time and on a
 * runtime write alike.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/init.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/printk.h>
#include <linux/string.h>

/* tag::plain[] */
/* Read-only in sysfs: the value is fixed once the module is loaded. */
static short retries = 3;
module_param(retries, short, 0444);

/* Root may change it at run time by writing to the sysfs file. */
static int level = 5;
module_param(level, int, 0644);

/* Mode 0: settable at load time, but there is no sysfs file at all. */
static long cookie = 24301;
module_param(cookie, long, 0);

/*
 * The kernel owns a charp's string: it allocates a copy of the command-line
 * value and frees it when the module goes away. Read-only keeps the pointer
 * stable; a writable charp would free the old string on every write.
 */
static char *name = "world";
module_param(name, charp, 0444);

/* end::plain[] */

/* tag::array[] */
#define MAX_PORTS 4
/* Two defaults; "ports=1,2,3" replaces them and sets nports to 3. */
static int ports[MAX_PORTS] = { 80, 443 };
static unsigned int nports = 2;
/* TODO 1: make ports an int array parameter (mode 0444) that counts its elements in nports */
module_param_array(ports, int, &nports, 0444);
/* END TODO */

/* end::array[] */

#define INTERVAL_MIN 10
#define INTERVAL_MAX 10000
static int interval_ms = 100;

/* tag::setter[] */
/*
 * Called for "interval_ms=..." at load time, before paramdemo_init(), and
 * for every write to /sys/module/paramdemo/parameters/interval_ms. The
 * kernel holds kernel_param_lock(THIS_MODULE) around every call, so setters
 * never run at once, and a setter must not take that lock itself (it would
 * wait for itself forever). An error return leaves the old value in place.
 */
static int interval_set(const char *val, const struct kernel_param *kp)
{
	/* A sysfs write usually ends in a newline; keep it out of the log. */
	int len = strcspn(val, "\n");
	int n;

	if (kstrtoint(val, 0, &n)) {
		pr_err("interval_ms: '%.*s' is not a number\n", len, val);
		return -EINVAL;
	}
	/* TODO 2: refuse values outside INTERVAL_MIN..INTERVAL_MAX: log why, return -EINVAL */
	if (n < INTERVAL_MIN || n > INTERVAL_MAX) {
		pr_err("interval_ms: %d is out of range (%d..%d)\n",
		       n, INTERVAL_MIN, INTERVAL_MAX);
		return -EINVAL;
	}
	/* END TODO */

	/* TODO 3: store the new value where kp->arg points (interval_ms) */
	*(int *)kp->arg = n;
	/* END TODO */
	return 0;
}

static const struct kernel_param_ops interval_ops = {
	.set = interval_set,
	.get = param_get_int,
};
module_param_cb(interval_ms, &interval_ops, &interval_ms, 0644);

/* end::setter[] */

/* tag::init[] */
static int __init paramdemo_init(void)
{
	char list[MAX_PORTS * 12 + 1] = "";
	unsigned int i;
	int len = 0;

	for (i = 0; i < nports; i++)
		len += scnprintf(list + len, sizeof(list) - len, "%s%d",
				 i ? "," : "", ports[i]);

	pr_info("retries=%d level=%d cookie=%ld name=%s interval_ms=%d\n",
		retries, level, cookie, name, interval_ms);
	pr_info("ports=%s (nports=%u)\n", list, nports);
	return 0;
}

/* end::init[] */

static void __exit paramdemo_exit(void)
{
	/* level and interval_ms may have been changed through sysfs since. */
	pr_info("unloading: level=%d interval_ms=%d\n", level, interval_ms);
}

module_init(paramdemo_init);
module_exit(paramdemo_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Module parameters: types, sysfs modes, arrays, a validating setter");
MODULE_PARM_DESC(retries, "How many times to retry (short, read-only)");
MODULE_PARM_DESC(level, "Verbosity level (int, root may change it in sysfs)");
MODULE_PARM_DESC(cookie, "A value with no sysfs file (long)");
MODULE_PARM_DESC(name, "Who to greet (string)");
MODULE_PARM_DESC(ports, "Up to 4 port numbers, comma-separated");
MODULE_PARM_DESC(interval_ms, "Poll interval in ms, 10..10000 (checked on every write)");
