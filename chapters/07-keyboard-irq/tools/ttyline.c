// SPDX-License-Identifier: GPL-2.0
/*
 * ttyline: read one line typed on a virtual terminal, to show that the
 * keyboard still reaches the console while a module watches it.
 *
 *   ttyline TTY TIMEOUT_MS
 *
 * Opens TTY (without making it our controlling terminal), turns echo off,
 * prints "ready", then waits at most TIMEOUT_MS for a line and prints
 * "line: TEXT". On a timeout it prints "timeout" and exits 1; on an error,
 * "error: ENAME".
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

static int fail(const char *what)
{
	printf("error: %s (%s)\n", strerrorname_np(errno), what);
	return 1;
}

int main(int argc, char **argv)
{
	struct termios t;
	struct pollfd p;
	char buf[256];
	ssize_t n;
	int fd, r;

	if (argc != 3) {
		fprintf(stderr, "usage: ttyline TTY TIMEOUT_MS\n");
		return 2;
	}
	fd = open(argv[1], O_RDONLY | O_NOCTTY);
	if (fd < 0)
		return fail("open");
	/* Canonical mode (one line per read), but no echo on the console. */
	if (tcgetattr(fd, &t))
		return fail("tcgetattr");
	t.c_lflag |= ICANON;
	t.c_lflag &= ~(ECHO | ECHONL);
	if (tcsetattr(fd, TCSANOW, &t))
		return fail("tcsetattr");
	/* Drop anything typed before we were ready. */
	tcflush(fd, TCIFLUSH);
	printf("ready\n");
	fflush(stdout);

	p.fd = fd;
	p.events = POLLIN;
	r = poll(&p, 1, atoi(argv[2]));
	if (r < 0)
		return fail("poll");
	if (r == 0) {
		printf("timeout\n");
		return 1;
	}
	n = read(fd, buf, sizeof(buf) - 1);
	if (n < 0)
		return fail("read");
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	printf("line: %s\n", buf);
	return 0;
}
