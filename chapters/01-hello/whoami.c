// SPDX-License-Identifier: GPL-2.0
/*
 * whoami: module code runs on behalf of some process. The init function
 * runs in the process that loaded the module (insmod or modprobe), and
 * "current" is that process, so its name and pid are the loader's.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/init.h>
#include <linux/module.h>
#include <linux/printk.h>
#include <linux/sched.h>

static int __init whoami_init(void)
{
	/* TODO 3: log the name and pid of the process running this code */
	/* comm may change under us (prctl), so read it the safe way. */
	char comm[TASK_COMM_LEN];

	get_task_comm(comm, current);
	pr_info("loaded by \"%s\" (pid %d)\n", comm, task_pid_nr(current));
	/* END TODO */
	return 0;
}

static void __exit whoami_exit(void)
{
	/* TODO 3: log the name and pid of the process running this code */
	char comm[TASK_COMM_LEN];

	get_task_comm(comm, current);
	pr_info("unloaded by \"%s\" (pid %d)\n", comm, task_pid_nr(current));
	/* END TODO */
}

module_init(whoami_init);
module_exit(whoami_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Process context: who is running the module's code");
