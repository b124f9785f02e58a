// SPDX-License-Identifier: GPL-2.0
/*
 * cat_nonblock: print a file, but never wait for it. With O_NONBLOCK, a
 * driver that would have to put us to sleep to serve us fails instead, with
 * EAGAIN ("try again later"), and we print "error: EAGAIN".
 *
 *   cat_nonblock PATH
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static int fail(void)
{
	printf("error: %s\n", strerrorname_np(errno) ? strerrorname_np(errno) : "?");
	return 1;
}

int main(int argc, char **argv)
{
	char buf[4096];
	ssize_t n;
	int fd;

	if (argc != 2) {
		fprintf(stderr, "usage: cat_nonblock PATH\n");
		return 2;
	}
	fd = open(argv[1], O_RDONLY | O_NONBLOCK);
	if (fd < 0)
		return fail();
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		fwrite(buf, 1, n, stdout);
	if (n < 0)
		return fail();
	close(fd);
	return 0;
}
