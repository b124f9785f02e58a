// SPDX-License-Identifier: GPL-2.0
/*
 * print_string: write a line on the terminal of whoever loads or unloads the
 * module. The init and exit functions run in the process of insmod and
 * rmmod, so "the current process's controlling terminal" is the terminal the
 * user typed the command on, whatever it is: a console, a serial port, an
 * ssh or xterm pseudo-terminal.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/init.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/printk.h>
#include <linux/string.h>
#include <linux/tty.h>
#include <linux/tty_driver.h>

/* Long enough for a sentence, short enough for one line of a terminal. */
#define PS_MAX_MESSAGE	160

static char *message = "Hello from print_string, on your terminal";
module_param(message, charp, 0444);

static const char goodbye[] = "Goodbye from print_string";

/* tag::write[] */
/*
 * One call of the driver's write op. In 6.6 its count became a size_t and
 * its result an ssize_t; before, both were int. The same call builds
 * against both without a version test: we never offer more than a message
 * and its "\r\n", far below INT_MAX, and an int result fits an ssize_t.
 */
static ssize_t ps_tty_write(struct tty_struct *tty, const char *buf, size_t len)
{
	return tty->ops->write(tty, (const u8 *)buf, len);
}

/*
 * A driver may take fewer bytes than offered when its transmit buffer is
 * nearly full. Offer the rest until it takes nothing more; we cannot wait
 * for room here without holding up insmod indefinitely.
 */
static size_t ps_write_all(struct tty_struct *tty, const char *buf, size_t len)
{
	size_t done = 0;

	/* TODO 3: offer the rest to the driver (ps_tty_write) until it takes nothing */
	while (done < len) {
		ssize_t n = ps_tty_write(tty, buf + done, len - done);

		if (n <= 0)
			break;
		done += n;
	}
	/* END TODO */
	return done;
}

/* end::write[] */

/* tag::print[] */
static void print_string(const char *text)
{
	struct tty_struct *tty = NULL;
	size_t len = strlen(text), done;

	/* TODO 2: take a reference to the current process's controlling tty */
	tty = get_current_tty();
	/* END TODO */
	if (!tty) {
		/* A daemon, a service or a test script: nobody to tell. */
		pr_info("no controlling terminal; nothing printed\n");
		return;
	}

	/*
	 * The driver's write op sits below the line discipline, which is
	 * what turns "\n" into "\r\n" (the ONLCR flag). Bypassing it, we must
	 * return the carriage ourselves.
	 */
	done = ps_write_all(tty, text, len);
	done += ps_write_all(tty, "\r\n", 2);
	pr_info("wrote %zu of %zu bytes to %s\n", done, len + 2, tty_name(tty));
	tty_kref_put(tty);
}

/* end::print[] */

/* tag::check[] */
/*
 * The text goes to the terminal raw, so control characters in it would be
 * obeyed: an escape sequence could clear the screen or retitle the window.
 */
static bool ps_message_ok(const char *text)
{
	/* TODO 1: accept 1..PS_MAX_MESSAGE bytes with no control characters */
	size_t len = strnlen(text, PS_MAX_MESSAGE + 1);
	size_t i;

	if (len == 0 || len > PS_MAX_MESSAGE)
		return false;
	for (i = 0; i < len; i++)
		if ((unsigned char)text[i] < 0x20 || text[i] == 0x7f)
			return false;
	/* END TODO */
	return true;
}

/* end::check[] */

static int __init print_string_init(void)
{
	if (!ps_message_ok(message)) {
		pr_err("message must be 1 to %d bytes without control characters\n",
		       PS_MAX_MESSAGE);
		return -EINVAL;
	}
	print_string(message);
	return 0;
}

static void __exit print_string_exit(void)
{
	print_string(goodbye);
}

module_init(print_string_init);
module_exit(print_string_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Write a line on the terminal of the process that loads the module");
MODULE_PARM_DESC(message, "The line to write on load (1 to 160 bytes, no control characters)");
