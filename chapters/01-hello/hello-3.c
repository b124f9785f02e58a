// SPDX-License-Identifier: GPL-2.0
/*
 * hello-3: __init, __initdata and __exit. The kernel frees a module's init
 * code and init data once the init function has returned, so nothing may
 * keep a pointer into them; exit code is dropped altogether when the code is
 * built into the kernel, which can never unload it.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/init.h>
#include <linux/module.h>
#include <linux/printk.h>

static int hello3_data __initdata = 3;

static int __init hello_init(void)
{
	pr_info("Hello, world %d\n", hello3_data);
	return 0;
}

static void __exit hello_exit(void)
{
	/* hello3_data is gone by now: using it here would read freed memory. */
	pr_info("Goodbye, world 3\n");
}

module_init(hello_init);
module_exit(hello_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Init-only code and data");
