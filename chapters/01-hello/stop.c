// SPDX-License-Identifier: GPL-2.0
/*
 * startstop, part two: the exit function, in a file of its own. Only one of
 * the files may carry MODULE_LICENSE() and friends; they describe the module,
 * not the file.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/init.h>
#include <linux/module.h>
#include <linux/printk.h>

static void __exit startstop_stop(void)
{
	/* TODO 4: say goodbye from this second source file */
	pr_info("Goodbye from stop.c\n");
	/* END TODO */
}

module_exit(startstop_stop);
