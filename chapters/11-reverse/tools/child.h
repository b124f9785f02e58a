/* SPDX-License-Identifier: GPL-2.0 */
/*
 * child.h: what the chapter's tools share for watching a child process that
 * should block in /dev/reverse's read method: errno names, short sleeps,
 * "is it asleep in reverse_read yet?", and reaping it with a deadline.
 */
#ifndef REVERSE_TOOLS_CHILD_H
#define REVERSE_TOOLS_CHILD_H

#include <signal.h>
#include <stdio.h>
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

/*
 * Wait (5 s at most) until @pid sleeps in the driver's read method, as
 * /proc/PID/wchan names it. Returns 0 when it does; -1, saying why, when the
 * child exited or never got there.
 */
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
		if (waitpid(pid, &status, WNOHANG) == pid) {
			printf("the reader did not block (it finished at once)\n");
			return -1;
		}
		sleep_ms(1);
	}
	printf("the reader is not asleep in reverse_read after 5 s (wchan: %s)\n", wchan);
	return -1;
}

/* Wait (@seconds at most) for @pid to end; kill it if it does not. */
static void reap(pid_t pid, int seconds)
{
	int i, status;

	for (i = 0; i < seconds * 1000; i++) {
		if (waitpid(pid, &status, WNOHANG) == pid)
			return;
		sleep_ms(1);
	}
	printf("the reader had not finished %d s later; killed it\n", seconds);
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
}

#endif
