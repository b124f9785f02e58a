// SPDX-License-Identifier: GPL-2.0
/*
 * ptyrun: run a command with a terminal of its own and show what reached it.
 *
 *   ptyrun [-r] CMD [ARG...]    run CMD on a new pseudo-terminal; copy every
 *                               byte written to that terminal to stdout
 *   ptyrun -c DEV CMD [ARG...]  run CMD with DEV (a serial port, say) as its
 *                               controlling terminal; stdio stays as it is
 *
 * -r turns off the terminal's output processing (ONLCR, which makes the line
 * discipline send "\r\n" for "\n") before CMD starts. The exit status is
 * CMD's. A test shell has no controlling terminal, so this is how it can
 * give insmod one and see what a module writes there.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

static void die(const char *what)
{
	fprintf(stderr, "ptyrun: %s: %s\n", what, strerror(errno));
	exit(127);
}

static int exit_status(pid_t pid)
{
	int status;

	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			die("waitpid");
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	return 128 + WTERMSIG(status);
}

/*
 * Start a new session whose controlling terminal is @path; with @stdio, it
 * also becomes stdin, stdout and stderr. Returns a descriptor of it.
 */
static int become_session_on(const char *path, int stdio)
{
	int fd;

	if (setsid() < 0)
		die("setsid");
	fd = open(path, O_RDWR | O_NOCTTY);
	if (fd < 0)
		die(path);
	if (ioctl(fd, TIOCSCTTY, 0) < 0)
		die("TIOCSCTTY");
	if (stdio) {
		if (dup2(fd, 0) < 0 || dup2(fd, 1) < 0 || dup2(fd, 2) < 0)
			die("dup2");
		if (fd > 2)
			close(fd);
		fd = 0;
	}
	return fd;
}

static int run_on_pty(int raw, char **argv)
{
	char slave[64], buf[4096];
	struct termios tio;
	int master;
	pid_t pid;
	ssize_t n;

	master = posix_openpt(O_RDWR | O_NOCTTY);
	if (master < 0)
		die("/dev/ptmx");
	if (unlockpt(master) || ptsname_r(master, slave, sizeof(slave)))
		die("unlockpt");
	if (raw) {
		/* The master and the slave share one termios. */
		if (tcgetattr(master, &tio))
			die("tcgetattr");
		tio.c_oflag &= ~ONLCR;
		if (tcsetattr(master, TCSANOW, &tio))
			die("tcsetattr");
	}

	fflush(stdout);
	pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0) {
		close(master);
		become_session_on(slave, 1);
		execvp(argv[0], argv);
		die(argv[0]);
	}

	/*
	 * Once every process has closed the slave, read() on the master
	 * returns what is left and then fails with EIO: that is the end.
	 */
	for (;;) {
		n = read(master, buf, sizeof(buf));
		if (n > 0) {
			if (fwrite(buf, 1, n, stdout) != (size_t)n)
				die("stdout");
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno != EIO)
			die("read");
		break;
	}
	fflush(stdout);
	close(master);
	return exit_status(pid);
}

static int run_on_tty(const char *dev, char **argv)
{
	int status, fd;
	pid_t pid;

	/* Only a process that leads no process group may start a session. */
	if (getpgrp() == getpid()) {
		pid = fork();
		if (pid < 0)
			die("fork");
		if (pid > 0)
			return exit_status(pid);
	}
	fd = become_session_on(dev, 0);

	pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0) {
		close(fd);
		execvp(argv[0], argv);
		die(argv[0]);
	}
	status = exit_status(pid);

	/*
	 * A session leader that exits while it still has a controlling
	 * terminal hangs that terminal up (for a serial port, the driver
	 * shuts the port down). Give it back first; TIOCNOTTY sends us a
	 * SIGHUP on the way, which we do not want to die of.
	 */
	signal(SIGHUP, SIG_IGN);
	if (ioctl(fd, TIOCNOTTY) < 0)
		die("TIOCNOTTY");
	close(fd);
	return status;
}

int main(int argc, char **argv)
{
	const char *dev = NULL;
	int raw = 0, opt;

	while ((opt = getopt(argc, argv, "+rc:")) != -1) {
		switch (opt) {
		case 'r':
			raw = 1;
			break;
		case 'c':
			dev = optarg;
			break;
		default:
			return 2;
		}
	}
	if (optind >= argc) {
		fprintf(stderr, "usage: ptyrun [-r] CMD [ARG...] | ptyrun -c DEV CMD [ARG...]\n");
		return 2;
	}
	if (dev)
		return run_on_tty(dev, argv + optind);
	return run_on_pty(raw, argv + optind);
}
