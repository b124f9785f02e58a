// SPDX-License-Identifier: GPL-2.0
/*
 * numlist: a doubly linked list of "nodes" numbered 1..nodes, built on the
 * kernel's struct list_head. On load it allocates the nodes, appends each at
 * the tail and walks the list to sum them; /sys/kernel/debug/numlist shows
 * the list in order; on unload every node is unlinked and freed. The list
 * head lives inside each node, and container_of() (as list_entry()) gets
 * from that embedded head back to the node around it.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/debugfs.h>
#include <linux/init.h>
#include <linux/list.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/seq_file.h>
#include <linux/slab.h>

#define NUMLIST_MAX	100000

/* tag::node[] */
struct numnode {
	int num;
	struct list_head list;	/* links this node into numlist_head */
};

static LIST_HEAD(numlist_head);
static DEFINE_MUTEX(numlist_lock);	/* protects numlist_head and the nodes */

/* end::node[] */

/* tag::param[] */
static unsigned int nodes = 10;

/* Runs when insmod passes nodes=...; an error here makes the load fail. */
static int nodes_set(const char *val, const struct kernel_param *kp)
{
	unsigned int n;

	if (kstrtouint(val, 0, &n) || n > NUMLIST_MAX) {
		pr_err("nodes=%s is not a whole number from 0 to %u\n", val, NUMLIST_MAX);
		return -EINVAL;
	}
	*(unsigned int *)kp->arg = n;
	return 0;
}

static const struct kernel_param_ops nodes_ops = {
	.set = nodes_set,
	.get = param_get_uint,
};
module_param_cb(nodes, &nodes_ops, &nodes, 0444);

/* end::param[] */

/* For the tests: pretend kzalloc() fails for node fail_after + 1. */
static int fail_after = -1;
module_param(fail_after, int, 0444);

static struct dentry *numlist_dentry;

/* tag::build[] */
/* Appends nodes 1..n; on failure the caller frees what was added. */
static int __init numlist_build(unsigned int n)
{
	/* TODO 1: allocate n nodes numbered 1..n and add each at the tail */
	struct numnode *node;
	unsigned int i;

	for (i = 1; i <= n; i++) {
		if (fail_after >= 0 && i > (unsigned int)fail_after)
			node = NULL;
		else
			node = kzalloc(sizeof(*node), GFP_KERNEL);
		if (!node) {
			pr_err("cannot allocate node %u\n", i);
			return -ENOMEM;
		}
		node->num = i;
		list_add_tail(&node->list, &numlist_head);
	}
	/* END TODO */
	return 0;
}

/* end::build[] */

/* tag::sum[] */
/* Adds the numbers up; *count (zeroed by the caller) counts the nodes. */
static u64 __init numlist_sum(unsigned int *count)
{
	u64 sum = 0;
	/* TODO 2: walk the list in order, adding up the numbers and counting the nodes */
	struct numnode *node;

	list_for_each_entry(node, &numlist_head, list) {
		pr_debug("node %u holds %d\n", *count + 1, node->num);
		sum += node->num;
		(*count)++;
	}
	/* END TODO */
	return sum;
}

/* end::sum[] */

/* tag::free[] */
/* Unlinks and frees every node; returns how many there were. */
static unsigned int numlist_free(void)
{
	unsigned int freed = 0;
	/* TODO 3: unlink and free every node, counting them */
	struct numnode *node, *next;

	/* _safe: "next" is read before kfree(node) makes node->list garbage. */
	list_for_each_entry_safe(node, next, &numlist_head, list) {
		list_del(&node->list);
		kfree(node);
		freed++;
	}
	/* END TODO */
	return freed;
}

/* end::free[] */

/* tag::seq[] */
static void *numlist_seq_start(struct seq_file *m, loff_t *pos)
{
	mutex_lock(&numlist_lock);
	return seq_list_start(&numlist_head, *pos);
}

static void *numlist_seq_next(struct seq_file *m, void *v, loff_t *pos)
{
	return seq_list_next(v, &numlist_head, pos);
}

static void numlist_seq_stop(struct seq_file *m, void *v)
{
	mutex_unlock(&numlist_lock);
}

/* v is the struct list_head inside a node, as seq_list_*() hand it over. */
static int numlist_seq_show(struct seq_file *m, void *v)
{
	/* TODO 4: get from the list_head v to its node and print the node's number */
	const struct numnode *node = list_entry(v, struct numnode, list);

	seq_printf(m, "%d\n", node->num);
	/* END TODO */
	return 0;
}

/* end::seq[] */

static const struct seq_operations numlist_seq_ops = {
	.start	= numlist_seq_start,
	.next	= numlist_seq_next,
	.stop	= numlist_seq_stop,
	.show	= numlist_seq_show,
};

static int numlist_open(struct inode *inode, struct file *file)
{
	return seq_open(file, &numlist_seq_ops);
}

static const struct file_operations numlist_fops = {
	.owner		= THIS_MODULE,
	.open		= numlist_open,
	.read		= seq_read,
	.llseek		= seq_lseek,
	.release	= seq_release,
};

/* tag::init[] */
static int __init numlist_init(void)
{
	unsigned int count = 0;
	u64 sum;
	int ret;

	mutex_lock(&numlist_lock);
	ret = numlist_build(nodes);
	if (ret)
		goto err_free;
	pr_info("allocated %u nodes\n", nodes);
	sum = numlist_sum(&count);
	mutex_unlock(&numlist_lock);
	pr_info("sum of %u nodes is %llu\n", count, sum);

	/* debugfs failures are not fatal, and its calls accept error pointers. */
	numlist_dentry = debugfs_create_file("numlist", 0444, NULL, NULL, &numlist_fops);
	return 0;

err_free:
	pr_info("freed %u nodes\n", numlist_free());
	mutex_unlock(&numlist_lock);
	return ret;
}

/* end::init[] */

/* tag::exit[] */
static void __exit numlist_exit(void)
{
	unsigned int freed;

	/* Waits for readers that are inside the file's operations. */
	debugfs_remove(numlist_dentry);

	mutex_lock(&numlist_lock);
	freed = numlist_free();
	mutex_unlock(&numlist_lock);
	pr_info("freed %u nodes\n", freed);
}

/* end::exit[] */

module_init(numlist_init);
module_exit(numlist_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("A linked list of numbered nodes on struct list_head");
MODULE_PARM_DESC(nodes, "How many nodes to build (0..100000, default 10)");
MODULE_PARM_DESC(fail_after, "Testing: fail the allocation after this many nodes (-1: never)");
