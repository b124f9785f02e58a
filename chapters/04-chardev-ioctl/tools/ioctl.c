// SPDX-License-Identifier: GPL-2.0
/*
 * ioctl: talk to /dev/chardev through its ioctls (chardev.h).
 *
 *   ioctl                  set a message, get it back, then read it byte by
 *                          byte with GET_NTH_BYTE until the driver says EINVAL
 *   ioctl set TEXT         SET_MSG
 *   ioctl get [SIZE]       GET_MSG into a SIZE-byte buffer (default 128)
 *   ioctl nth N            GET_NTH_BYTE
 *   ioctl unknown          an ioctl number the driver does not know
 *   ioctl bad WHAT         hand the driver an unmapped pointer: WHAT is set,
 *                          get or nth (the argument itself), or setbuf or
 *                          getbuf (the buffer the structure points to)
 *
 * Failures print "error: ENAME" and exit with status 1.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "chardev.h"

#define DEVICE "/dev/chardev"

static int fail(void)
{
	printf("error: %s\n", strerrorname_np(errno) ? strerrorname_np(errno) : "?");
	return 1;
}

/* A page that was mapped and unmapped again: the kernel must refuse it. */
static void *unmapped_page(void)
{
	void *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED || munmap(p, 4096)) {
		perror("mmap");
		exit(2);
	}
	return p;
}

static int set_msg(int fd, const char *text)
{
	struct chardev_msg m = { (uintptr_t)text, strlen(text) };

	if (ioctl(fd, CHARDEV_IOC_SET_MSG, &m))
		return fail();
	printf("set: %llu bytes\n", (unsigned long long)m.len);
	return 0;
}

static int get_msg(int fd, size_t size)
{
	char *buf = malloc(size ? size : 1);
	struct chardev_msg m = { (uintptr_t)buf, size };

	if (!buf)
		return fail();
	if (ioctl(fd, CHARDEV_IOC_GET_MSG, &m)) {
		int err = errno;

		printf("error: %s", strerrorname_np(err));
		if (err == ERANGE)
			printf(" (need %llu bytes)", (unsigned long long)m.len);
		printf("\n");
		return 1;
	}
	printf("get: \"%.*s\" (%llu bytes)\n", (int)m.len, buf, (unsigned long long)m.len);
	free(buf);
	return 0;
}

static int get_nth(int fd, __u32 n)
{
	__u32 arg = n;

	if (ioctl(fd, CHARDEV_IOC_GET_NTH_BYTE, &arg))
		return fail();
	printf("nth %u: '%c' (0x%02x)\n", n, arg >= 0x20 && arg < 0x7f ? (int)arg : '.', arg);
	return 0;
}

/* The demonstration: every ioctl once, the way the driver meant them. */
static int demo(int fd)
{
	__u32 n, arg;
	int err;

	if (set_msg(fd, "Message passed by ioctl") || get_msg(fd, CHARDEV_MSG_MAX))
		return 1;
	printf("nth: ");
	for (n = 0; n <= CHARDEV_MSG_MAX; n++) {
		arg = n;
		if (ioctl(fd, CHARDEV_IOC_GET_NTH_BYTE, &arg))
			break;
		putchar(arg);
	}
	if (n > CHARDEV_MSG_MAX) {
		printf("\nnth: no error even past %d bytes\n", CHARDEV_MSG_MAX);
		return 1;
	}
	/* The loop ends on an error: EINVAL at the end of the message. */
	err = errno;
	printf("\nnth %u: error: %s\n", n, strerrorname_np(err));
	return err == EINVAL ? 0 : 1;
}

static int bad(int fd, const char *what)
{
	void *page = unmapped_page();
	struct chardev_msg m = { (uintptr_t)page, 8 };
	unsigned long cmd;
	void *arg = page;

	if (!strcmp(what, "set")) {
		cmd = CHARDEV_IOC_SET_MSG;
	} else if (!strcmp(what, "setbuf")) {
		cmd = CHARDEV_IOC_SET_MSG;
		arg = &m;
	} else if (!strcmp(what, "get")) {
		cmd = CHARDEV_IOC_GET_MSG;
	} else if (!strcmp(what, "getbuf")) {
		cmd = CHARDEV_IOC_GET_MSG;
		m.len = CHARDEV_MSG_MAX;
		arg = &m;
	} else if (!strcmp(what, "nth")) {
		cmd = CHARDEV_IOC_GET_NTH_BYTE;
	} else {
		fprintf(stderr, "ioctl: bad set|setbuf|get|getbuf|nth\n");
		return 2;
	}
	if (ioctl(fd, cmd, arg))
		return fail();
	printf("ok\n");
	return 0;
}

int main(int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : "demo";
	int fd = open(DEVICE, O_RDWR);

	if (fd < 0)
		return fail();
	if (!strcmp(cmd, "demo"))
		return demo(fd);
	if (!strcmp(cmd, "set") && argc > 2)
		return set_msg(fd, argv[2]);
	if (!strcmp(cmd, "get"))
		return get_msg(fd, argc > 2 ? strtoul(argv[2], NULL, 0) : CHARDEV_MSG_MAX);
	if (!strcmp(cmd, "nth") && argc > 2)
		return get_nth(fd, strtoul(argv[2], NULL, 0));
	if (!strcmp(cmd, "unknown")) {
		if (ioctl(fd, _IO(CHARDEV_IOC_MAGIC, 42)))
			return fail();
		printf("ok\n");
		return 0;
	}
	if (!strcmp(cmd, "bad") && argc > 2)
		return bad(fd, argv[2]);
	fprintf(stderr, "usage: ioctl [set TEXT | get [SIZE] | nth N | unknown | bad WHAT]\n");
	return 2;
}
