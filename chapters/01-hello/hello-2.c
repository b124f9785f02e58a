// SPDX-License-Identifier: GPL-2.0
/*
 * hello-2: log levels and pr_fmt. Every pr_*() call in this file gets the
 * module's name as a prefix, and the pr_debug() line is compiled in but
 * silent until dynamic debug switches it on (insmod hello-2.ko dyndbg=+p).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/init.h>
#include <linux/module.h>
#include <linux/printk.h>

static int __init hello_init(void)
{
	pr_info("Hello, world 2\n");
	pr_debug("debug messages are on\n");
	return 0;
}

static void __exit hello_exit(void)
{
	pr_info("Goodbye, world 2\n");
}

module_init(hello_init);
module_exit(hello_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Log levels, pr_fmt and dynamic debug");
