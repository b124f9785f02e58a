// SPDX-License-Identifier: GPL-2.0
/*
 * opensnoop: watch the files one user opens, without touching the system
 * call table. A kprobe on do_sys_openat2(), the function that open(),
 * openat() and openat2() all end up in, runs a small handler each time it
 * is called. For the user named by the "uid" parameter, the handler copies
 * the file name from user memory, logs it and counts it; /proc/opensnoop
 * shows the count and the last few names. "uid" can be changed at run time
 * through /sys/module/opensnoop/parameters/uid.
 *
 * The handler runs inside the opener's system call, before the open, with
 * preemption disabled: it must not sleep, and so must not fault a page in.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cred.h>
#include <linux/init.h>
#include <linux/kprobes.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/proc_fs.h>
#include <linux/ratelimit.h>
#include <linux/sched.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/uaccess.h>
#include <linux/uidgid.h>

/* How many names /proc/opensnoop keeps, and how much of each. */
#define OPENSNOOP_NAMES		8
#define OPENSNOOP_NAME_LEN	256

/* tag::state[] */
/*
 * What the handler records. A raw spinlock, because the handler runs with
 * preemption disabled: on a PREEMPT_RT kernel a plain spinlock_t is a
 * sleeping lock, which must not be taken there. (The probe is reached
 * through ftrace. Reached through an int3 breakpoint it would run like an
 * NMI, where no lock may be taken at all.)
 */
struct opensnoop_log {
	kuid_t uid;			/* whose opens are counted */
	unsigned long opens;		/* opens by uid since it was set */
	unsigned int next;		/* slot of the next name in names[] */
	char names[OPENSNOOP_NAMES][OPENSNOOP_NAME_LEN];
};

static DEFINE_RAW_SPINLOCK(opensnoop_lock);	/* protects opensnoop_log */
/* The default uid, 1000, is the first ordinary user on Debian and in the VM. */
static struct opensnoop_log opensnoop_log = { .uid = KUIDT_INIT(1000) };

/* At most 20 log lines every 5 s: the counter still counts every open. */
static DEFINE_RATELIMIT_STATE(opensnoop_ratelimit, 5 * HZ, 20);

/* end::state[] */

/* tag::param[] */
/*
 * The uid to watch, as root writes it: a number in the writer's user
 * namespace, turned into a kuid_t (the kernel's own view of a user). An
 * invalid uid (-1, 4294967295) or anything that is not a number is refused
 * with EINVAL, at insmod and through sysfs alike; a new uid starts a new
 * count.
 */
static int uid_set(const char *val, const struct kernel_param *kp)
{
	unsigned long flags;
	unsigned int n;
	kuid_t uid;

	if (kstrtouint(val, 10, &n))
		return -EINVAL;
	uid = make_kuid(current_user_ns(), n);
	if (!uid_valid(uid))
		return -EINVAL;

	raw_spin_lock_irqsave(&opensnoop_lock, flags);
	opensnoop_log.uid = uid;
	opensnoop_log.opens = 0;
	opensnoop_log.next = 0;
	memset(opensnoop_log.names, 0, sizeof(opensnoop_log.names));
	raw_spin_unlock_irqrestore(&opensnoop_lock, flags);
	return 0;
}

static int uid_get(char *buffer, const struct kernel_param *kp)
{
	kuid_t uid = READ_ONCE(opensnoop_log.uid);

	return sysfs_emit(buffer, "%u\n", from_kuid_munged(current_user_ns(), uid));
}

static const struct kernel_param_ops uid_ops = {
	.set = uid_set,
	.get = uid_get,
};

/* No variable of its own: the callbacks keep the uid in opensnoop_log. */
module_param_cb(uid, &uid_ops, NULL, 0644);

/* end::param[] */

/* tag::handler[] */
/*
 * Copy the NUL-terminated name at @ufilename into @name without sleeping.
 * A page that is not in memory is not read in (that would sleep): the
 * copy fails with -EFAULT instead. This is what the kernel's own
 * strncpy_from_user_nofault() does; it is not exported to modules.
 */
static long opensnoop_copy_name(char *name, const char __user *ufilename)
{
	long len;

	/* TODO 2: copy the name from user memory without sleeping */
	pagefault_disable();
	len = strncpy_from_user(name, ufilename, OPENSNOOP_NAME_LEN);
	pagefault_enable();
	if (len >= OPENSNOOP_NAME_LEN)		/* too long: keep its start */
		name[OPENSNOOP_NAME_LEN - 1] = '\0';
	/* END TODO */
	return len;
}

/*
 * Runs at the first instruction of
 *   long do_sys_openat2(int dfd, const char __user *filename,
 *                       struct open_how *how)
 * in the context of the process that opens, so current is the opener.
 * regs holds the arguments as the function received them.
 */
static int opensnoop_pre(struct kprobe *p, struct pt_regs *regs)
{
	const char __user *ufilename;
	char name[OPENSNOOP_NAME_LEN];
	unsigned long flags;
	kuid_t who;

	/* TODO 1: ignore every open but those of the watched uid */
	who = READ_ONCE(opensnoop_log.uid);
	if (!uid_eq(current_uid(), who))
		return 0;
	/* END TODO */

	ufilename = (const char __user *)regs_get_kernel_argument(regs, 1);
	if (opensnoop_copy_name(name, ufilename) < 0)
		strscpy(name, "(name not in memory)", sizeof(name));

	raw_spin_lock_irqsave(&opensnoop_lock, flags);
	/* uid may have changed since it was read: count only a match. */
	if (uid_eq(opensnoop_log.uid, who)) {
		opensnoop_log.opens++;
		strscpy(opensnoop_log.names[opensnoop_log.next], name,
			OPENSNOOP_NAME_LEN);
		opensnoop_log.next = (opensnoop_log.next + 1) % OPENSNOOP_NAMES;
	}
	raw_spin_unlock_irqrestore(&opensnoop_lock, flags);

	if (__ratelimit(&opensnoop_ratelimit))
		pr_info("uid %u: %s[%d] opens %s\n",
			from_kuid_munged(&init_user_ns, who), current->comm,
			task_pid_nr(current), name);
	/* 0: let the probed instruction run, and the function go on. */
	return 0;
}

static struct kprobe opensnoop_kprobe = {
	.symbol_name = "do_sys_openat2",
	.pre_handler = opensnoop_pre,
};

/* end::handler[] */

/* tag::proc[] */
/* /proc/opensnoop: the uid, its count of opens, and its last names. */
static int opensnoop_show(struct seq_file *m, void *v)
{
	struct opensnoop_log *snap;
	unsigned long flags;
	unsigned int i;

	/* Copy under the lock, print outside it: the handler waits for it. */
	snap = kmalloc(sizeof(*snap), GFP_KERNEL);
	if (!snap)
		return -ENOMEM;
	raw_spin_lock_irqsave(&opensnoop_lock, flags);
	*snap = opensnoop_log;
	raw_spin_unlock_irqrestore(&opensnoop_lock, flags);

	seq_printf(m, "uid %u\nopens %lu\n",
		   from_kuid_munged(seq_user_ns(m), snap->uid), snap->opens);
	/* Oldest first: start at the slot the next name would overwrite. */
	for (i = 0; i < OPENSNOOP_NAMES; i++) {
		const char *name = snap->names[(snap->next + i) % OPENSNOOP_NAMES];

		if (name[0])
			seq_printf(m, "%s\n", name);
	}
	kfree(snap);
	return 0;
}

/* end::proc[] */

/* tag::init[] */
static int __init opensnoop_init(void)
{
	int ret;

	if (!proc_create_single("opensnoop", 0444, NULL, opensnoop_show))
		return -ENOMEM;

	/* TODO 3: register the kprobe at load, and unregister it at unload */
	ret = register_kprobe(&opensnoop_kprobe);
	/* END TODO */
	if (ret) {
		pr_err("cannot probe %s: %d\n", opensnoop_kprobe.symbol_name, ret);
		goto err_proc;
	}
	pr_info("watching uid %u through a kprobe on %s\n",
		from_kuid_munged(&init_user_ns, READ_ONCE(opensnoop_log.uid)),
		opensnoop_kprobe.symbol_name);
	return 0;

err_proc:
	remove_proc_entry("opensnoop", NULL);
	return ret;
}

static void __exit opensnoop_exit(void)
{
	unsigned long flags, opens;
	kuid_t who;

	/*
	 * Returns only when no CPU is still inside opensnoop_pre(): after
	 * that, nothing in the kernel points into this module's code.
	 */
	/* TODO 3: register the kprobe at load, and unregister it at unload */
	unregister_kprobe(&opensnoop_kprobe);
	/* END TODO */
	remove_proc_entry("opensnoop", NULL);

	raw_spin_lock_irqsave(&opensnoop_lock, flags);
	opens = opensnoop_log.opens;
	who = opensnoop_log.uid;
	raw_spin_unlock_irqrestore(&opensnoop_lock, flags);
	pr_info("stopped: %lu opens by uid %u\n", opens,
		from_kuid_munged(&init_user_ns, who));
}

/* end::init[] */

module_init(opensnoop_init);
module_exit(opensnoop_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Log and count the files one user opens, through a kprobe");
MODULE_PARM_DESC(uid, "The user whose opens are logged and counted (default 1000); writable in sysfs");
