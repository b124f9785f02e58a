// SPDX-License-Identifier: GPL-2.0
/*
 * wbstress: many users of a chapter's files at once, for 'make stress'.
 *
 * N processes call open, read, write, poll, ioctl, lseek, fork and close on
 * the given files at random, with and without O_NONBLOCK, and with a bad
 * pointer now and then, until the time is up. Meanwhile this process sends
 * signals to random workers, so that a worker asleep in the driver (a
 * blocking read, an open that waits) must come back with EINTR. A worker
 * still in the kernel ten seconds after the time is up is stuck: its kernel
 * stack is printed and wbstress fails.
 *
 *   wbstress [-s SEED] [-t SECONDS | -c CALLS] [-n PROCS] [-u UID]
 *            [-i IOCTL]... [-w TEXT]... FILE...
 *   wbstress -T    exit 0 if the kernel has interval timers (alarm()), which
 *                  a fuzzer needs to break off a call that sleeps forever;
 *                  else say so and exit 1
 *
 *   -s SEED    the random seed (default 1). Worker k draws its calls from
 *              SEED and k alone, never from what a call returned: the same
 *              SEED gives every worker the same sequence of calls (how the
 *              workers interleave is the scheduler's business).
 *   -t SECONDS how long (default 10)
 *   -c CALLS   instead, how many calls each worker makes (then the counts
 *              of each call are the same in every run with the same SEED)
 *   -n PROCS   how many workers (default 8)
 *   -u UID     the odd-numbered workers run as this user
 *   -i IOCTL   an ioctl command the driver knows (hex or decimal); random
 *              commands are tried too
 *   -w TEXT    something worth writing (say, a number the driver parses);
 *              random bytes are written too
 *
 * The last line is the summary, "calls N in S s (R/s); errors: ..." with
 * the errors counted by call and errno name. Exit status 0, or 1 when a
 * worker was stuck or could not run.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_FILES	16
#define MAX_IOCTLS	16
#define MAX_TEXTS	16
#define MAX_WORKERS	64
#define SLOTS		4	/* open files per worker */
#define MAX_ERRNO	134
#define MAX_CHILDREN	64	/* forked children of a worker alive at once */
#define STUCK_SECONDS	10

enum op { OP_OPEN, OP_CLOSE, OP_READ, OP_WRITE, OP_POLL, OP_IOCTL, OP_LSEEK,
	  OP_FORK, OP_COUNT };
static const char *const op_name[OP_COUNT] = {
	"open", "close", "read", "write", "poll", "ioctl", "lseek", "fork",
};

/* Shared with the workers (and their forked children): counts only. */
struct stats {
	unsigned long calls[OP_COUNT];
	unsigned long errors[OP_COUNT][MAX_ERRNO + 1];
	int doing[MAX_WORKERS];		/* the call a worker is in, or -1 */
};

static struct stats *stats;
static const char *files[MAX_FILES];
static unsigned long ioctls[MAX_IOCTLS];
static const char *texts[MAX_TEXTS];
static int nfiles, nioctls, ntexts;
static pid_t children[MAX_CHILDREN];	/* a worker's, still running */
static int nchildren;
static char *scratch;		/* a page the driver may read and write */
static void *unmapped;		/* a page it must refuse */

/* xorshift64*: small, and the same on every machine. */
static uint64_t next(uint64_t *state)
{
	uint64_t x = *state;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*state = x;
	return x * 0x2545F4914F6CDD1DULL;
}

static unsigned int pick(uint64_t *state, unsigned int n)
{
	return (unsigned int)(next(state) >> 33) % n;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void count(enum op op, long ret)
{
	int err = errno;

	__atomic_fetch_add(&stats->calls[op], 1, __ATOMIC_RELAXED);
	if (ret < 0)
		__atomic_fetch_add(&stats->errors[op][err > 0 && err <= MAX_ERRNO ? err : 0],
				   1, __ATOMIC_RELAXED);
}

/* A buffer for a call: mostly good memory, now and then a bad pointer. */
static void *buffer(uint64_t *rng)
{
	switch (pick(rng, 32)) {
	case 0:
		return NULL;
	case 1:
		return unmapped;
	default:
		return scratch;
	}
}

static size_t length(uint64_t *rng)
{
	static const size_t sizes[] = { 0, 1, 2, 7, 16, 63, 64, 65, 128, 129,
					4095, 4096 };

	return sizes[pick(rng, sizeof(sizes) / sizeof(sizes[0]))];
}

/* Fill the scratch page with something to write; returns its length. */
static size_t some_text(uint64_t *rng)
{
	size_t i, len;

	if (ntexts && pick(rng, 2)) {
		const char *text = texts[pick(rng, ntexts)];

		len = strlen(text);
		memcpy(scratch, text, len);
		return len;
	}
	len = length(rng);
	for (i = 0; i < len; i++)
		scratch[i] = pick(rng, 4) ? "abc xyz 0123456789\n"[pick(rng, 19)]
					  : (char)next(rng);
	return len;
}

/*
 * An ioctl argument: a {pointer, length} pair at the start of the scratch
 * page (the shape of many drivers' structures), small numbers, or a bad
 * pointer.
 */
static unsigned long ioctl_arg(uint64_t *rng)
{
	uint64_t pair[2] = { (uintptr_t)(scratch + 1024), pick(rng, 300) };

	switch (pick(rng, 8)) {
	case 0:
		return 0;
	case 1:
		return (uintptr_t)unmapped;
	case 2:
		return pick(rng, 300);
	case 3:
		pair[0] = (uintptr_t)unmapped;
		break;
	case 4:
		pair[0] = pick(rng, 300);	/* as a __u32 n, say */
		pair[1] = 0;
		break;
	}
	memcpy(scratch, pair, sizeof(pair));
	return (uintptr_t)scratch;
}

static unsigned long ioctl_cmd(uint64_t *rng)
{
	if (nioctls && pick(rng, 4))
		return ioctls[pick(rng, nioctls)];
	/* The driver's type byte with a number it does not know, or noise. */
	if (nioctls && pick(rng, 2))
		return (ioctls[0] & ~0xffUL) | pick(rng, 256);
	return (unsigned long)next(rng);
}

/* Reap the children that have ended; with @all, end the others first. */
static void reap_children(int all)
{
	int i = 0;

	while (i < nchildren) {
		if (all)
			kill(children[i], SIGKILL);
		if (waitpid(children[i], NULL, all ? 0 : WNOHANG) == children[i])
			children[i] = children[--nchildren];
		else
			i++;
	}
}

static void end_children(void)
{
	reap_children(1);
}

/* One call, chosen from the random state alone. */
static void one_call(int me, int *fds, uint64_t *rng, int may_fork)
{
	enum op op = pick(rng, may_fork ? OP_COUNT : OP_FORK);
	int slot = pick(rng, SLOTS);
	struct pollfd pfd;
	long ret = 0;
	pid_t pid;
	size_t len;
	int flags;

	if (me >= 0)
		stats->doing[me] = op;
	switch (op) {
	case OP_OPEN:
		flags = (int[]){ O_RDONLY, O_WRONLY, O_RDWR }[pick(rng, 3)];
		if (pick(rng, 2))
			flags |= O_NONBLOCK;
		if (fds[slot] >= 0) {
			count(OP_CLOSE, close(fds[slot]));
			fds[slot] = -1;
		}
		ret = fds[slot] = open(files[pick(rng, nfiles)], flags | O_CLOEXEC);
		break;
	case OP_CLOSE:
		ret = close(fds[slot]);
		fds[slot] = -1;
		break;
	case OP_READ:
		len = length(rng);
		ret = read(fds[slot], buffer(rng), len);
		break;
	case OP_WRITE:
		len = some_text(rng);
		ret = write(fds[slot], pick(rng, 16) ? scratch : buffer(rng), len);
		break;
	case OP_POLL:
		pfd.fd = fds[slot];
		pfd.events = POLLIN | POLLOUT;
		ret = poll(&pfd, 1, pick(rng, 20));
		break;
	case OP_IOCTL:
		ret = ioctl(fds[slot], ioctl_cmd(rng), ioctl_arg(rng));
		break;
	case OP_LSEEK:
		ret = lseek(fds[slot], (off_t[]){ 0, 1, -1, 100, 1LL << 40 }[pick(rng, 5)],
			    (int[]){ SEEK_SET, SEEK_CUR, SEEK_END }[pick(rng, 3)]);
		break;
	case OP_FORK:
		/*
		 * The child shares the open files and makes a few calls of
		 * its own. Its alarm ends it if it sleeps in the driver; on a
		 * kernel without POSIX timers (alarm() fails), the worker
		 * ends it at the latest when it is done itself.
		 */
		if (nchildren == MAX_CHILDREN)
			end_children();
		ret = pid = fork();
		if (pid == 0) {
			uint64_t child = next(rng) | 1;
			int i, n = 1 + pick(&child, 8);

			signal(SIGALRM, SIG_DFL);
			alarm(1);
			for (i = 0; i < n; i++)
				one_call(-1, fds, &child, 0);
			_exit(0);
		}
		if (pid > 0)
			children[nchildren++] = pid;
		break;
	case OP_COUNT:
		break;
	}
	count(op, ret);
	if (me >= 0)
		stats->doing[me] = -1;
}

static void nothing(int sig)
{
	(void)sig;	/* only to interrupt a sleeping call */
}

static void worker(int me, uint64_t seed, double until, long calls, int uid)
{
	uint64_t rng = seed * 0x9E3779B97F4A7C15ULL + (uint64_t)me * 0xBF58476D1CE4E5B9ULL + 1;
	struct sigaction sa = { .sa_handler = nothing };	/* no SA_RESTART */
	int fds[SLOTS], i;
	long made;

	sigaction(SIGUSR1, &sa, NULL);
	if (uid >= 0 && (me & 1) && (setgid(uid) || setuid(uid))) {
		perror("wbstress: setuid");
		_exit(1);
	}
	for (i = 0; i < SLOTS; i++)
		fds[i] = -1;
	for (made = 0; calls ? made < calls : now() < until; made++) {
		one_call(me, fds, &rng, 1);
		reap_children(0);
	}
	for (i = 0; i < SLOTS; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	end_children();
	_exit(0);
}

static void show_stack(int me, pid_t pid)
{
	char path[64], line[256];
	FILE *f;

	printf("# worker %d (pid %d) is stuck in %s; its kernel stack:\n", me, pid,
	       stats->doing[me] >= 0 ? op_name[stats->doing[me]] : "?");
	snprintf(path, sizeof(path), "/proc/%d/stack", pid);
	f = fopen(path, "r");
	while (f && fgets(line, sizeof(line), f))
		printf("#   %s", line);
	if (f)
		fclose(f);
}

static void summary(double seconds, int stuck)
{
	unsigned long total = 0;
	int op, err;

	for (op = 0; op < OP_COUNT; op++)
		total += stats->calls[op];
	printf("calls %lu in %.1f s (%.0f/s)", total, seconds, total / seconds);
	for (op = 0; op < OP_COUNT; op++)
		printf(" %s %lu", op_name[op], stats->calls[op]);
	printf("; errors:");
	for (op = 0; op < OP_COUNT; op++)
		for (err = 0; err <= MAX_ERRNO; err++)
			if (stats->errors[op][err])
				printf(" %s %s %lu", op_name[op],
				       strerrorname_np(err) ? strerrorname_np(err) : "?",
				       stats->errors[op][err]);
	printf("%s\n", stuck ? "; STUCK" : "");
}

int main(int argc, char **argv)
{
	pid_t pids[MAX_WORKERS];
	int nworkers = 8, uid = -1, opt, i, left, stuck = 0, failed = 0;
	double seconds = 10, start, until;
	unsigned long long seed = 1;
	long calls = 0;
	uint64_t rng;

	while ((opt = getopt(argc, argv, "s:t:c:n:u:i:w:T")) != -1) {
		switch (opt) {
		case 'T': {
			struct itimerval off = { 0 };

			if (!setitimer(ITIMER_REAL, &off, NULL))
				return 0;
			printf("no interval timers: %s\n", strerrorname_np(errno));
			return 1;
		}
		case 's':
			seed = strtoull(optarg, NULL, 0);
			break;
		case 't':
			seconds = atof(optarg);
			break;
		case 'c':
			calls = atol(optarg);
			seconds = 3600;
			break;
		case 'n':
			nworkers = atoi(optarg);
			break;
		case 'u':
			uid = atoi(optarg);
			break;
		case 'i':
			if (nioctls < MAX_IOCTLS)
				ioctls[nioctls++] = strtoul(optarg, NULL, 0);
			break;
		case 'w':
			if (ntexts < MAX_TEXTS)
				texts[ntexts++] = optarg;
			break;
		default:
			return 2;
		}
	}
	for (; optind < argc && nfiles < MAX_FILES; optind++)
		files[nfiles++] = argv[optind];
	if (!nfiles || nworkers < 1 || nworkers > MAX_WORKERS || seconds <= 0) {
		fprintf(stderr, "usage: wbstress [-s SEED] [-t SECONDS | -c CALLS] [-n PROCS] [-u UID] [-i IOCTL]... [-w TEXT]... FILE...\n");
		return 2;
	}

	stats = mmap(NULL, sizeof(*stats), PROT_READ | PROT_WRITE,
		     MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	scratch = mmap(NULL, 8192, PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	unmapped = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (stats == MAP_FAILED || scratch == MAP_FAILED || unmapped == MAP_FAILED ||
	    munmap(unmapped, 4096)) {
		perror("wbstress: mmap");
		return 1;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	signal(SIGUSR1, SIG_IGN);
	start = now();
	until = start + seconds;
	for (i = 0; i < nworkers; i++) {
		stats->doing[i] = -1;
		pids[i] = fork();
		if (pids[i] < 0) {
			perror("wbstress: fork");
			nworkers = i;
			failed = 1;
			break;
		}
		if (pids[i] == 0)
			worker(i, seed, until, calls, uid);
	}

	/* Wake a random worker every few milliseconds, from the seed too. */
	rng = seed ^ 0xD1B54A32D192ED03ULL;
	left = nworkers;
	while (left) {
		struct timespec pause = { 0, (1 + pick(&rng, 20)) * 1000000L };
		int status;
		pid_t pid;

		nanosleep(&pause, NULL);
		/* (kill(0) would signal our whole process group) */
		i = nworkers ? pick(&rng, nworkers) : 0;
		if (nworkers && pids[i] > 0)
			kill(pids[i], SIGUSR1);
		while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
			left--;
			if (!WIFEXITED(status) || WEXITSTATUS(status))
				failed = 1;
			for (i = 0; i < nworkers; i++)
				if (pids[i] == pid)
					pids[i] = 0;
		}
		if (left && now() > until + STUCK_SECONDS) {
			for (i = 0; i < nworkers; i++) {
				if (pids[i] <= 0)
					continue;
				show_stack(i, pids[i]);
				kill(pids[i], SIGKILL);
			}
			stuck = 1;
			/* One in an uninterruptible sleep cannot even be killed. */
			for (i = 0; i < 20 && waitpid(-1, NULL, WNOHANG) >= 0; i++)
				usleep(100000);
			break;
		}
		/* After the end, wake everybody so that sleepers notice. */
		for (i = 0; now() > until && i < nworkers; i++)
			if (pids[i] > 0)
				kill(pids[i], SIGUSR1);
	}
	summary(now() - start, stuck);
	return stuck || failed;
}
