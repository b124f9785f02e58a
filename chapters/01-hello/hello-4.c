// SPDX-License-Identifier: GPL-2.0
/*
 * hello-4: the module's own description. modinfo reads these MODULE_*()
 * strings from the .ko file without loading it. The license is more than a
 * label: a module that does not declare a GPL-compatible one taints the
 * kernel and cannot link against symbols exported with EXPORT_SYMBOL_GPL().
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/init.h>
#include <linux/module.h>
#include <linux/printk.h>

static int __init hello_init(void)
{
	pr_info("Hello, world 4\n");
	return 0;
}

static void __exit hello_exit(void)
{
	pr_info("Goodbye, world 4\n");
}

module_init(hello_init);
module_exit(hello_exit);

MODULE_LICENSE("GPL");
MODULE_AUTHOR("The Linux kernel module workbook");
MODULE_DESCRIPTION("A module that describes itself");
MODULE_VERSION("1.0");
