// SPDX-License-Identifier: GPL-2.0
/*
 * load-time: how long finit_module(2) takes for one module, for the guest.  Loads and removes it
 * RUNS times and prints the median and the fastest load, in microseconds of CLOCK_MONOTONIC:
 *
 *   load-time FILE NAME RUNS   ->   "load-time NAME median_us=N min_us=N runs=N"
 * Exit 0 when every load and removal succeeded, 1 otherwise (with the error), 2 on usage errors.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/syscall.h>

static int cmp(const void *a, const void *b)
{
	long x = *(const long *)a, y = *(const long *)b;

	return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
	struct timespec t0, t1;
	long us[101];
	int runs, i, fd;

	runs = argc == 4 ? atoi(argv[3]) : 0;
	if (runs < 1 || runs > 101) {
		fprintf(stderr, "usage: load-time FILE NAME RUNS (1 to 101)\n");
		return 2;
	}
	for (i = 0; i < runs; i++) {
		fd = open(argv[1], O_RDONLY | O_CLOEXEC);
		if (fd < 0) {
			perror(argv[1]);
			return 2;
		}
		clock_gettime(CLOCK_MONOTONIC, &t0);
		if (syscall(SYS_finit_module, fd, "", 0) != 0) {
			fprintf(stderr, "finit_module %s: %s\n", argv[1], strerror(errno));
			return 1;
		}
		clock_gettime(CLOCK_MONOTONIC, &t1);
		close(fd);
		us[i] = (t1.tv_sec - t0.tv_sec) * 1000000L + (t1.tv_nsec - t0.tv_nsec) / 1000;
		if (syscall(SYS_delete_module, argv[2], O_NONBLOCK) != 0) {
			fprintf(stderr, "delete_module %s: %s\n", argv[2], strerror(errno));
			return 1;
		}
	}
	qsort(us, runs, sizeof(us[0]), cmp);
	printf("load-time %s median_us=%ld min_us=%ld runs=%d\n", argv[2], us[runs / 2], us[0],
	       runs);
	return 0;
}
