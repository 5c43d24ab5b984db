// SPDX-License-Identifier: GPL-2.0
/*
 * The string functions of the kernel's lib/string.c (generic C, which x86_64 and arm64 modules
 * use for these), so that the replay counts the instructions the kernel would execute rather than
 * glibc's vectorised ones.  The replay is built with -Dstrcmp=kstrcmp and so on.
 */
#include "kstring.h"

int kstrcmp(const char *cs, const char *ct)
{
	unsigned char c1, c2;

	while (1) {
		c1 = *cs++;
		c2 = *ct++;
		if (c1 != c2)
			return c1 < c2 ? -1 : 1;
		if (!c1)
			break;
	}
	return 0;
}

size_t kstrlen(const char *s)
{
	const char *sc;

	for (sc = s; *sc != '\0'; ++sc)
		;
	return sc - s;
}

void *kmemchr(const void *s, int c, size_t n)
{
	const unsigned char *p = s;

	while (n-- != 0) {
		if ((unsigned char)c == *p++)
			return (void *)(p - 1);
	}
	return NULL;
}

int kmemcmp(const void *cs, const void *ct, size_t count)
{
	const unsigned char *su1, *su2;
	int res = 0;

	for (su1 = cs, su2 = ct; count > 0; ++su1, ++su2, count--) {
		res = *su1 - *su2;
		if (res != 0)
			break;
	}
	return res;
}
