// SPDX-License-Identifier: GPL-2.0
/*
 * wbio: the system calls a chapter test needs, with errno made visible.
 *
 * Shell redirections hide which system call failed and how, but a test must
 * tell EACCES from EFAULT. wbio makes one call per command and prints the
 * errno by name ("error: EAGAIN") so a test can compare it.
 *
 *   wbio [-u UID] [-n] read PATH [CHUNK]   read to end of file in CHUNK-byte
 *                                          reads (default 4096), print data
 *   wbio [-u UID] [-n] write PATH TEXT     one write(2) of TEXT, print count
 *   wbio [-u UID] [-n] hold PATH           open, print "open", keep the file
 *                                          open until a signal ends us
 *   wbio [-u UID] [-n] open PATH...        open and close each PATH in turn
 *                                          (one process: quick even on a slow
 *                                          kernel), print "open" or the error
 *                                          for each; fails if any failed
 *   wbio [-u UID] badread PATH             read(2) into an unmapped buffer
 *   wbio [-u UID] badwrite PATH            write(2) from an unmapped buffer
 *
 * -u UID drops to that user and group before the call; -n opens O_NONBLOCK.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static int fail(const char *what)
{
	int err = errno;

	printf("error: %s\n", strerrorname_np(err) ? strerrorname_np(err) : "?");
	fprintf(stderr, "wbio: %s: %s\n", what, strerror(err));
	return 1;
}

/* A page that is mapped and then unmapped: a pointer the kernel must refuse. */
static void *unmapped_page(void)
{
	void *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED || munmap(p, 4096))
		exit(fail("mmap"));
	return p;
}

static int do_open(char **paths, int count, int flags)
{
	int i, fd, rc = 0;

	for (i = 0; i < count; i++) {
		fd = open(paths[i], O_RDONLY | flags);
		if (fd < 0) {
			rc = fail("open");
			continue;
		}
		printf("open\n");
		close(fd);
	}
	return rc;
}

static int do_read(int fd, size_t chunk)
{
	char *buf = malloc(chunk);
	ssize_t n;

	if (!buf)
		return fail("malloc");
	while ((n = read(fd, buf, chunk)) > 0)
		fwrite(buf, 1, n, stdout);
	free(buf);
	return n < 0 ? fail("read") : 0;
}

int main(int argc, char **argv)
{
	int flags = 0, opt, fd, mode;
	const char *cmd, *path;
	ssize_t n;

	while ((opt = getopt(argc, argv, "+u:n")) != -1) {
		switch (opt) {
		case 'u':
			if (setgid(atoi(optarg)) || setuid(atoi(optarg)))
				return fail("setuid");
			break;
		case 'n':
			flags |= O_NONBLOCK;
			break;
		default:
			return 2;
		}
	}
	if (argc - optind < 2) {
		fprintf(stderr, "usage: wbio [-u UID] [-n] read|write|hold|open|badread|badwrite PATH [ARG]\n");
		return 2;
	}
	cmd = argv[optind];
	path = argv[optind + 1];
	if (!strcmp(cmd, "open"))
		return do_open(argv + optind + 1, argc - optind - 1, flags);
	mode = (!strcmp(cmd, "write") || !strcmp(cmd, "badwrite")) ? O_WRONLY : O_RDONLY;

	fd = open(path, mode | flags);
	if (fd < 0)
		return fail("open");

	if (!strcmp(cmd, "read"))
		return do_read(fd, argc - optind > 2 ? strtoul(argv[optind + 2], NULL, 0) : 4096);
	if (!strcmp(cmd, "write")) {
		const char *text = argc - optind > 2 ? argv[optind + 2] : "";

		n = write(fd, text, strlen(text));
		if (n < 0)
			return fail("write");
		printf("%zd\n", n);
		return 0;
	}
	if (!strcmp(cmd, "badread") || !strcmp(cmd, "badwrite")) {
		void *bad = unmapped_page();

		n = mode == O_WRONLY ? write(fd, bad, 16) : read(fd, bad, 16);
		if (n < 0)
			return fail(cmd);
		printf("%zd\n", n);
		return 0;
	}
	printf("open\n");
	fflush(stdout);
	if (!strcmp(cmd, "hold"))
		pause();
	close(fd);
	return 0;
}
