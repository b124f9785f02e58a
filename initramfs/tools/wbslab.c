// SPDX-License-Identifier: GPL-2.0
/*
 * wbslab: the objects in use in each kmalloc cache, counted again and again
 * without the counting moving the counts, for 'make stress'.
 *
 * SLUB counts a slab that a CPU keeps for its next allocations as full, so
 * each count first makes every kmalloc cache give those back (a write to
 * its /sys/kernel/slab/NAME/shrink). Opening those files anew for each count
 * (a shell's 'echo 1 >FILE') moved the counts it read: with every cache's
 * file, kmalloc-96 swung by six slabs between two counts of an idle guest;
 * with the kmalloc caches' only, by one to three slabs under make stress
 * (measured). So wbslab opens them, and /proc/slabinfo, once, and keeps
 * them open: a count is a write to each, then /proc/slabinfo read again
 * from its start.
 *
 *   wbslab     for each line on stdin, count, and print "NAME ACTIVE" for
 *              each kmalloc cache, then a line "."
 *
 * Exit status 1 when the files cannot be opened (no /proc/slabinfo, or no
 * /sys/kernel/slab), with the reason on stderr.
 */
#include <fcntl.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char info[1 << 20];	/* /proc/slabinfo: 260 caches take ~40 KB */

/* Read all of FD from its start into info[]; its length, or -1. */
static ssize_t read_from_start(int fd)
{
	ssize_t got, len = 0;

	if (lseek(fd, 0, SEEK_SET) < 0)
		return -1;
	while ((got = read(fd, info + len, sizeof(info) - 1 - len)) > 0)
		len += got;
	if (got < 0)
		return -1;
	info[len] = '\0';
	return len;
}

int main(void)
{
	glob_t shrink;
	int *fds, slabinfo;
	char request[64];
	size_t i;

	slabinfo = open("/proc/slabinfo", O_RDONLY);
	if (slabinfo < 0) {
		perror("wbslab: /proc/slabinfo");
		return 1;
	}
	if (glob("/sys/kernel/slab/kmalloc-*/shrink", 0, NULL, &shrink) != 0) {
		fprintf(stderr, "wbslab: no /sys/kernel/slab/kmalloc-*/shrink\n");
		return 1;
	}
	fds = calloc(shrink.gl_pathc, sizeof(*fds));
	if (!fds)
		return 1;
	for (i = 0; i < shrink.gl_pathc; i++) {
		fds[i] = open(shrink.gl_pathv[i], O_WRONLY);
		if (fds[i] < 0) {
			perror(shrink.gl_pathv[i]);
			return 1;
		}
	}

	while (fgets(request, sizeof(request), stdin)) {
		char *line, *next;

		for (i = 0; i < shrink.gl_pathc; i++)
			if (pwrite(fds[i], "1", 1, 0) != 1)
				perror(shrink.gl_pathv[i]);
		if (read_from_start(slabinfo) < 0) {
			perror("wbslab: /proc/slabinfo");
			return 1;
		}
		/* "name <active_objs> <num_objs> ...", a line a cache */
		for (line = info; *line; line = next) {
			char name[64];
			unsigned long active;

			next = strchr(line, '\n');
			next = next ? next + 1 : line + strlen(line);
			if (strncmp(line, "kmalloc-", 8) == 0 &&
			    sscanf(line, "%63s %lu", name, &active) == 2)
				printf("%s %lu\n", name, active);
		}
		printf(".\n");
		fflush(stdout);
	}
	return 0;
}
