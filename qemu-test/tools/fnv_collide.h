/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Symbol names chosen to collide in modver's old, unkeyed index (issue 13): it hashed names with
 * 32-bit FNV-1a and took the low bits as the slot, so names that agree in the low 16 bits of
 * their hash all start at one slot of any table of up to 2^16 slots, and every insert scans the
 * whole run before it.  The low 16 bits of FNV-1a depend only on the low 16 bits of its state, so
 * two free characters and a third solved for reach any target cheaply.  Shared by the unit test
 * (which checks that the keyed index does not care) and versions-edit (which makes the fixture).
 */
#ifndef FNV_COLLIDE_H
#define FNV_COLLIDE_H

#include <stdio.h>
#include <string.h>

#define FNV_COLLIDE_NAME_MAX	32

static const char fnv_collide_chars[] =
	"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_";

static inline unsigned int fnv_collide_step(unsigned int h, unsigned char c)
{
	return ((h ^ c) * 16777619u) & 0xffff;
}

/* The 32-bit FNV-1a the old index used. */
static inline unsigned int fnv_collide_hash32(const char *s)
{
	unsigned int h = 2166136261u;

	while (*s)
		h = (h ^ (unsigned char)*s++) * 16777619u;
	return h;
}

/*
 * Fill @names with @n distinct names "<prefix (12 at most)><6 digits><3 chars>" whose FNV-1a
 * hash is @target in its low 16 bits.  Return: @n.
 */
static inline unsigned int fnv_collide_names(char (*names)[FNV_COLLIDE_NAME_MAX],
					     unsigned int n, const char *prefix,
					     unsigned int target)
{
	unsigned int inv = 16777619u, want, done = 0, k, h, x, b3, i;
	const char *c1, *c2;
	char stem[20];

	for (i = 0; i < 5; i++)		/* Newton: the inverse of the FNV prime mod 2^16 */
		inv *= 2 - 16777619u * inv;
	want = (target * inv) & 0xffff;
	for (k = 0; done < n && k < 1000000; k++) {
		snprintf(stem, sizeof(stem), "%.12s%06u", prefix, k);
		h = fnv_collide_hash32(stem) & 0xffff;
		for (c1 = fnv_collide_chars; *c1 && done < n; c1++) {
			for (c2 = fnv_collide_chars; *c2 && done < n; c2++) {
				x = fnv_collide_step(fnv_collide_step(h, *c1), *c2);
				b3 = want ^ x;
				if (b3 > 0xff || !b3 || !strchr(fnv_collide_chars, (int)b3))
					continue;
				snprintf(names[done++], FNV_COLLIDE_NAME_MAX, "%s%c%c%c", stem, *c1,
					 *c2, (int)b3);
			}
		}
	}
	return done;
}

#endif /* FNV_COLLIDE_H */
