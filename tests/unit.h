/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The unit tests' harness, one per test binary: CHECK() records a test's first failure with its
 * line, run() prints "PASS name" or the failure and counts failed tests in @failures.
 */
#ifndef MODVER_UNIT_H
#define MODVER_UNIT_H

#include <stdio.h>

static int failures;
static const char *current_test;
static int current_failed;

#define CHECK(cond)							\
	do {								\
		if (!(cond) && !current_failed++)			\
			printf("FAIL %s: line %d: %s\n", current_test,	\
			       __LINE__, #cond);			\
	} while (0)

static void run(const char *name, void (*fn)(void))
{
	current_test = name;
	current_failed = 0;
	fn();
	if (current_failed)
		failures++;
	else
		printf("PASS %s\n", name);
}

#endif /* MODVER_UNIT_H */
