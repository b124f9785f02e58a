// SPDX-License-Identifier: GPL-2.0
/*
 * rseek: a script of system calls on one open file of /dev/reverse, for the
 * "seekable" exercise. Each step prints one line, errnos by name:
 *
 *   write TEXT        write(2) TEXT; prints nothing unless it fails
 *   read N            read(2) up to N bytes; prints "[data]"
 *   seek OFF WHENCE   lseek(2), WHENCE set, cur, end or a number; prints the
 *                     new offset
 *   pread N OFF       pread(2) N bytes at OFF; prints "[data]"
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

static const char *ename(int err)
{
	return strerrorname_np(err) ? strerrorname_np(err) : "?";
}

static void sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

static void show(const char *what, const char *buf, ssize_t n)
{
	if (n < 0)
		printf("%s: %s\n", what, ename(errno));
	else
		printf("[%.*s]\n", (int)n, buf);
	fflush(stdout);
}

/* Wait (5 s at most) until @pid sleeps in reverse_read; 0 if it does. */
static int wait_blocked(pid_t pid)
{
	char path[64], wchan[128];
	int i, status;

	snprintf(path, sizeof(path), "/proc/%d/wchan", pid);
	for (i = 0; i < 5000; i++) {
		FILE *f = fopen(path, "r");

		wchan[0] = 0;
		if (f) {
			if (!fgets(wchan, sizeof(wchan), f))
				wchan[0] = 0;
			fclose(f);
		}
		if (!strcmp(wchan, "reverse_read"))
			return 0;
		if (waitpid(pid, &status, WNOHANG) == pid)
			return -1;
		sleep_ms(1);
	}
	return -1;
}

/* Wait (3 s at most) for @pid to end; kill it if it does not. */
static void reap(pid_t pid)
{
	int i, status;

	for (i = 0; i < 3000; i++) {
		if (waitpid(pid, &status, WNOHANG) == pid)
			return;
		sleep_ms(1);
	}
	printf("the reader still sleeps 3 s later; killed it\n");
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
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
			reap(reader);
			reader = 0;
			if (fcntl(fd, F_SETFL, O_NONBLOCK))
				printf("fcntl: %s\n", ename(errno));
		} else {
			return usage();
		}
		fflush(stdout);
	}
	if (reader)
		reap(reader);
	return 0;
}
