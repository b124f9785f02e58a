// SPDX-License-Identifier: GPL-2.0
/*
 * reverse: drive /dev/reverse and say what happened, errnos by name.
 *
 *   reverse [-u UID] PHRASE  write PHRASE, read the answer, print "[answer]"
 *   reverse consume          short reads take the phrase piece by piece
 *   reverse two              two opens have two buffers
 *   reverse wake             a blocked reader is woken by a write
 *   reverse eintr            a signal interrupts a blocked read (EINTR)
 *   reverse restart          ... or restarts it, with SA_RESTART
 *   reverse badread|badwrite a bad buffer pointer gets EFAULT
 *   reverse seek             lseek() on the stream fails (ESPIPE)
 *   reverse race [N]         fork race: a writer and a reader share one fd
 *
 * The single-phrase mode opens with O_NONBLOCK: once write() has returned,
 * the answer must be there, and a read that would block says EAGAIN.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "child.h"

#define DEV	"/dev/reverse"

static void die(const char *what)
{
	printf("error: %s %s\n", what, ename(errno));
	exit(1);
}

static int open_dev(int flags)
{
	int fd = open(DEV, O_RDWR | flags);

	if (fd < 0)
		die("open");
	return fd;
}

/* Read once and print "[data]" or the errno; returns the read's result. */
static ssize_t show_read(const char *label, int fd, size_t size)
{
	char buf[4096];
	ssize_t n = read(fd, buf, size < sizeof(buf) ? size : sizeof(buf));

	if (n < 0)
		printf("%sread: %s\n", label, ename(errno));
	else
		printf("%s[%.*s]\n", label, (int)n, buf);
	fflush(stdout);
	return n;
}

static void must_write(int fd, const char *text)
{
	if (write(fd, text, strlen(text)) != (ssize_t)strlen(text))
		die("write");
}

static int pipefd[2];

static void on_signal(int sig)
{
	char c = (char)sig;

	/* write() is async-signal-safe: tell the parent we ran. */
	if (write(pipefd[1], &c, 1) != 1)
		_exit(3);
}

/* A blocked reader, then a write, a signal or both, on one shared fd. */
static int blocked_reader(const char *how)
{
	int fd = open_dev(0), sa_flags = -1;
	struct sigaction sa;
	pid_t pid;
	char c;

	if (!strcmp(how, "eintr"))
		sa_flags = 0;
	else if (!strcmp(how, "restart"))
		sa_flags = SA_RESTART;
	if (pipe(pipefd))
		die("pipe");

	fflush(stdout);
	pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0) {
		if (sa_flags >= 0) {
			memset(&sa, 0, sizeof(sa));
			sa.sa_handler = on_signal;
			sa.sa_flags = sa_flags;
			sigaction(SIGUSR1, &sa, NULL);
		}
		show_read("reader: ", fd, 4096);
		_exit(0);
	}

	if (wait_blocked(pid))
		return 1;
	printf("the reader is blocked in reverse_read\n");
	fflush(stdout);
	if (sa_flags >= 0) {
		kill(pid, SIGUSR1);
		if (read(pipefd[0], &c, 1) != 1)
			die("pipe read");
		/*
		 * Without SA_RESTART the reader prints its EINTR as soon as the
		 * handler returns: let it finish first, so that the two
		 * processes' lines always come in the same order.
		 */
		if (sa_flags != SA_RESTART)
			reap(pid, 5);
		printf("signal delivered\n");
		fflush(stdout);
		if (sa_flags == SA_RESTART) {
			/* The read must be asleep again, not returned. */
			if (wait_blocked(pid))
				return 1;
			printf("the reader is blocked again\n");
			fflush(stdout);
		} else {
			/* The device must still work for this open file. */
			must_write(fd, "still works");
			show_read("then: ", fd, 4096);
			return 0;
		}
	}
	must_write(fd, "woken by a write");
	reap(pid, 5);
	return 0;
}

/* Split @s on spaces (keeping runs of spaces as tokens) into reverse order. */
static void user_reverse(const char *s, char *out)
{
	size_t len = strlen(s), end = len, start;

	*out = 0;
	while (end > 0) {
		start = end;
		if (s[end - 1] == ' ')
			while (start > 0 && s[start - 1] == ' ')
				start--;
		else
			while (start > 0 && s[start - 1] != ' ')
				start--;
		strncat(out, s + start, end - start);
		end = start;
	}
}

/*
 * The fork race: parent and child share one open file, so one buffer. The
 * parent writes @rounds phrases, then a last one; the child reads until it
 * gets that last one back and counts every answer that is not exactly the
 * reverse of a phrase written: a torn answer.
 */
static int race(int rounds)
{
	static const char *const phrases[] = {
		"A quick brown fox jumped over the lazy dog",
		"the rain in Spain stays mainly in the plain",
		"to be or not to be",
		"one two three four five six seven eight nine ten eleven twelve",
	};
	const int nphrases = sizeof(phrases) / sizeof(phrases[0]);
	char expect[8][256], got[256];
	int fd = open_dev(0), i, j, reads = 0, torn = 0;
	pid_t pid;
	ssize_t n;

	for (i = 0; i < nphrases; i++)
		user_reverse(phrases[i], expect[i]);
	user_reverse("the end of the race", expect[nphrases]);

	fflush(stdout);
	pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0) {
		for (;;) {
			n = read(fd, got, sizeof(got) - 1);
			if (n < 0)
				die("read");
			got[n] = 0;
			reads++;
			for (j = 0; j <= nphrases; j++)
				if (!strcmp(got, expect[j]))
					break;
			if (j > nphrases && torn++ < 3)
				printf("torn: [%s]\n", got);
			if (j > nphrases)
				fflush(stdout);
			if (j == nphrases)
				break;
		}
		printf("read %d phrases of %d written, %d torn\n", reads, rounds + 1, torn);
		fflush(stdout);
		_exit(0);
	}
	/*
	 * On one CPU the writer could run all its rounds before the reader
	 * is scheduled: yield so the two take turns. On several CPUs they
	 * also run at the same time, which is where a missing lock shows.
	 */
	for (i = 0; i < rounds; i++) {
		must_write(fd, phrases[i % nphrases]);
		sched_yield();
	}
	must_write(fd, "the end of the race");
	reap(pid, 5);
	return 0;
}

int main(int argc, char **argv)
{
	const char *cmd;
	int opt, fd, fd2;
	void *bad;

	while ((opt = getopt(argc, argv, "+u:")) != -1) {
		if (opt != 'u')
			return 2;
		if (setgid(atoi(optarg)) || setuid(atoi(optarg)))
			die("setuid");
	}
	if (optind >= argc) {
		fprintf(stderr, "usage: see the comment at the top of reverse.c\n");
		return 2;
	}
	cmd = argv[optind];

	if (!strcmp(cmd, "wake") || !strcmp(cmd, "eintr") || !strcmp(cmd, "restart"))
		return blocked_reader(cmd);
	if (!strcmp(cmd, "race"))
		return race(optind + 1 < argc ? atoi(argv[optind + 1]) : 2000);

	if (!strcmp(cmd, "consume")) {
		fd = open_dev(O_NONBLOCK);
		must_write(fd, "one two three");
		show_read("", fd, 6);
		show_read("", fd, 100);
		show_read("", fd, 100);
		return 0;
	}
	if (!strcmp(cmd, "two")) {
		fd = open_dev(O_NONBLOCK);
		fd2 = open_dev(O_NONBLOCK);
		must_write(fd, "first open");
		must_write(fd2, "second open");
		show_read("first: ", fd, 100);
		show_read("second: ", fd2, 100);
		return 0;
	}
	if (!strcmp(cmd, "badread") || !strcmp(cmd, "badwrite")) {
		bad = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (bad == MAP_FAILED || munmap(bad, 4096))
			die("mmap");
		fd = open_dev(O_NONBLOCK);
		must_write(fd, "ab cd");
		if (!strcmp(cmd, "badread")) {
			if (read(fd, bad, 16) < 0)
				printf("bad read: %s\n", ename(errno));
			else
				printf("bad read: succeeded\n");
		} else {
			if (write(fd, bad, 16) < 0)
				printf("bad write: %s\n", ename(errno));
			else
				printf("bad write: succeeded\n");
		}
		show_read("then: ", fd, 100);
		return 0;
	}
	if (!strcmp(cmd, "seek")) {
		off_t off;

		fd = open_dev(O_NONBLOCK);
		must_write(fd, "ab cd");
		off = lseek(fd, 3, SEEK_SET);
		if (off < 0)
			printf("lseek: %s\n", ename(errno));
		else
			printf("lseek: %lld\n", (long long)off);
		show_read("then: ", fd, 100);
		return 0;
	}

	/* One phrase: write it, read the answer. */
	fd = open_dev(O_NONBLOCK);
	if (write(fd, cmd, strlen(cmd)) < 0) {
		printf("write: %s\n", ename(errno));
		return 1;
	}
	return show_read("", fd, 4096) < 0;
}
