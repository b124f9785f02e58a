// SPDX-License-Identifier: GPL-2.0
/*
 * getleds: print the LED state of a virtual console's keyboard (KDGETLED),
 * a number 0..7: 1 Scroll Lock, 2 Num Lock, 4 Caps Lock.
 *
 *   getleds TTY
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <errno.h>
#include <linux/kd.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	char leds;
	int fd;

	if (argc != 2) {
		fprintf(stderr, "usage: getleds TTY\n");
		return 2;
	}
	fd = open(argv[1], O_RDONLY | O_NOCTTY);
	if (fd < 0 || ioctl(fd, KDGETLED, &leds)) {
		printf("error: %s\n", strerrorname_np(errno));
		return 1;
	}
	printf("%d\n", leds);
	close(fd);
	return 0;
}
