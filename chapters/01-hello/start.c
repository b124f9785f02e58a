// SPDX-License-Identifier: GPL-2.0
/*
 * startstop, part one: the init function. The Kbuild line
 * "startstop-y := start.o stop.o" links this file and stop.c into one
 * module, startstop.ko.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/init.h>
#include <linux/module.h>
#include <linux/printk.h>

static int __init startstop_start(void)
{
	pr_info("Hello from start.c\n");
	return 0;
}

module_init(startstop_start);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("One module from two source files");
