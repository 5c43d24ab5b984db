/* SPDX-License-Identifier: GPL-2.0 */
/* Declarations of kstring.c's functions, included ahead of every replay source. */
#ifndef KSTRING_H
#define KSTRING_H

#include <stddef.h>

int kstrcmp(const char *cs, const char *ct);
size_t kstrlen(const char *s);
void *kmemchr(const void *s, int c, size_t n);
int kmemcmp(const void *cs, const void *ct, size_t count);

#endif /* KSTRING_H */
