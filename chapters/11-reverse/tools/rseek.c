// SPDX-License-Identifier: GPL-2.0
/*
 * rseek: a script of system calls on one open file of /dev/reverse, for the
 * chapter's tests of positions and for the "seekable" exercise. Each step prints one line, errnos by name:
 *
 *   write TEXT        write(2) TEXT; prints nothing unless it fails
 *   read N            read(2) up to N bytes; prints "[data]"
 *   seek OFF WHENCE   lseek(2), WHENCE set, cur, end or a number; prints the
 *                     new offset
 *   pread N OFF       pread(2) N bytes at OFF; prints "[data]"
 *   pwrite TEXT OFF   pwrite(2) TEXT at OFF; prints nothing unless it fails
 *   bgread            fork a reader that blocks on this same open file;
 *                     returns once it sleeps in reverse_read
 *   reap              wait (3 s at most) for that reader to print its line
 *
 * e.g. rseek write 'A quick brown fox' seek 4 set read 100
 *
 * The file is opened O_NONBLOCK, so a read with nothing to give says EAGAIN
 * instead of hanging; bgread turns O_NONBLOCK off until reap.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "child.h"

static void show(const char *what, const char *buf, ssize_t n)
{
	if (n < 0)
		printf("%s: %s\n", what, ename(errno));
	else
		printf("[%.*s]\n", (int)n, buf);
	fflush(stdout);
}

static int whence_of(const char *s)
{
	if (!strcmp(s, "set"))
		return SEEK_SET;
	if (!strcmp(s, "cur"))
		return SEEK_CUR;
	if (!strcmp(s, "end"))
		return SEEK_END;
	return atoi(s);
}

/* A byte count for read or pread, at most the size of our buffer. */
static size_t count_of(const char *s, size_t max)
{
	unsigned long n = strtoul(s, NULL, 0);

	return n < max ? n : max;
}

static int usage(void)
{
	fprintf(stderr, "usage: see the comment at the top of rseek.c\n");
	return 2;
}

int main(int argc, char **argv)
{
	char buf[4096];
	pid_t reader = 0;
	ssize_t n;
	off_t off;
	int fd, i;

	fd = open("/dev/reverse", O_RDWR | O_NONBLOCK);
	if (fd < 0) {
		printf("open: %s\n", ename(errno));
		return 1;
	}
	for (i = 1; i < argc; i++) {
		const char *op = argv[i];

		if (!strcmp(op, "write") && i + 1 < argc) {
			n = write(fd, argv[i + 1], strlen(argv[i + 1]));
			if (n < 0)
				printf("write: %s\n", ename(errno));
			i++;
		} else if (!strcmp(op, "read") && i + 1 < argc) {
			n = read(fd, buf, count_of(argv[++i], sizeof(buf)));
			show("read", buf, n);
		} else if (!strcmp(op, "seek") && i + 2 < argc) {
			off = lseek(fd, strtoll(argv[i + 1], NULL, 0), whence_of(argv[i + 2]));
			if (off < 0)
				printf("seek: %s\n", ename(errno));
			else
				printf("%lld\n", (long long)off);
			i += 2;
		} else if (!strcmp(op, "pread") && i + 2 < argc) {
			n = pread(fd, buf, count_of(argv[i + 1], sizeof(buf)),
				  strtoll(argv[i + 2], NULL, 0));
			show("pread", buf, n);
			i += 2;
		} else if (!strcmp(op, "pwrite") && i + 2 < argc) {
			n = pwrite(fd, argv[i + 1], strlen(argv[i + 1]),
				   strtoll(argv[i + 2], NULL, 0));
			if (n < 0)
				printf("pwrite: %s\n", ename(errno));
			i += 2;
		} else if (!strcmp(op, "bgread") && !reader) {
			if (fcntl(fd, F_SETFL, 0))
				printf("fcntl: %s\n", ename(errno));
			fflush(stdout);
			reader = fork();
			if (reader < 0) {
				printf("fork: %s\n", ename(errno));
				return 1;
			}
			if (!reader) {
				n = read(fd, buf, sizeof(buf));
				printf("reader: ");
				show("read", buf, n);
				_exit(0);
			}
			if (wait_blocked(reader))
				printf("the reader did not sleep in reverse_read\n");
			else
				printf("the reader sleeps in reverse_read\n");
		} else if (!strcmp(op, "reap") && reader) {
			reap(reader, 3);
			reader = 0;
			if (fcntl(fd, F_SETFL, O_NONBLOCK))
				printf("fcntl: %s\n", ename(errno));
		} else {
			return usage();
		}
		fflush(stdout);
	}
	if (reader)
		reap(reader, 3);
	return 0;
}
