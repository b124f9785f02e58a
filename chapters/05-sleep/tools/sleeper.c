// SPDX-License-Identifier: GPL-2.0
/*
 * sleeper: open a file, waiting as long as the driver makes us, and show
 * what a signal does to that wait. SIGINT gets a handler installed without
 * SA_RESTART, so an open(2) that the signal interrupts fails with EINTR
 * (the driver said -ERESTARTSYS) instead of being restarted by the kernel,
 * and we live to print "error: EINTR". With the default action, SIGINT
 * would simply kill us.
 *
 *   sleeper PATH     open PATH, print "open" and its content, close it
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static void on_sigint(int sig)
{
	(void)sig;	/* being here is all it takes to interrupt open(2) */
}

static int fail(void)
{
	printf("error: %s\n", strerrorname_np(errno) ? strerrorname_np(errno) : "?");
	return 1;
}

int main(int argc, char **argv)
{
	struct sigaction sa;
	char buf[4096];
	ssize_t n;
	int fd;

	if (argc != 2) {
		fprintf(stderr, "usage: sleeper PATH\n");
		return 2;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_sigint;
	sa.sa_flags = 0;	/* no SA_RESTART: see the comment at the top */
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGINT, &sa, NULL))
		return fail();

	fd = open(argv[1], O_RDONLY);
	if (fd < 0)
		return fail();
	printf("open\n");
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		fwrite(buf, 1, n, stdout);
	if (n < 0)
		return fail();
	close(fd);
	return 0;
}
