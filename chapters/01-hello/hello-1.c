// SPDX-License-Identifier: GPL-2.0
/*
 * hello-1: the smallest useful module. One function runs when the module is
 * loaded and one when it is unloaded; module_init() and module_exit() tell
 * the kernel which ones they are.
 */
#include <linux/init.h>
#include <linux/module.h>
#include <linux/printk.h>

static int __init hello_init(void)
{
	/* TODO 1: log "Hello, world 1" at the info level */
	pr_info("Hello, world 1\n");
	/* END TODO */

	/* Non-zero would make insmod fail and the module be thrown away. */
	return 0;
}

static void __exit hello_exit(void)
{
	/* TODO 2: log "Goodbye, world 1" at the info level */
	pr_info("Goodbye, world 1\n");
	/* END TODO */
}

module_init(hello_init);
module_exit(hello_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("The smallest module: log a line on load and on unload");
