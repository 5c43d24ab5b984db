/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The few kernel types the pure core (version-table parsing, lookup, decision) uses, so that
 * the same source compiles into modver.ko and into the userspace unit tests and fuzzer.
 * Nothing here may pull in kernel-only APIs; the ELF structures come from the kernel's UAPI
 * <linux/elf.h> on both sides.
 */
#ifndef MODVER_TYPES_H
#define MODVER_TYPES_H

#ifdef __KERNEL__
#include <linux/types.h>
#include <linux/elf.h>
#include <linux/kernel.h>
#include <linux/string.h>
#include <linux/sched.h>
#include <linux/siphash.h>

/* The index's keyed hash: the kernel's SipHash-2-4 (lib/siphash.c). */
struct mv_hash_key {
	u64 key[2];
};

static inline u64 mv_keyed_hash(const char *s, size_t len, const struct mv_hash_key *key)
{
	const siphash_key_t k = { { key->key[0], key->key[1] } };

	return siphash(s, len, &k);
}

/* Long loops of the pure core yield: every caller is in process context and may sleep. */
#define mv_resched()	cond_resched()
#else
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <linux/types.h>
#include <linux/elf.h>

typedef __u8 u8;
typedef __u16 u16;
typedef __u32 u32;
typedef __u64 u64;
typedef __s64 s64;

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Format strings are checked by the kernel build (W=1); userspace drops the annotation. */
#define __printf(...)

/* The same SipHash-2-4 as the kernel's, in modver_siphash.c (userspace builds only). */
struct mv_hash_key {
	u64 key[2];
};

u64 mv_keyed_hash(const char *s, size_t len, const struct mv_hash_key *key);

#define mv_resched()	do { } while (0)
#endif

#endif /* MODVER_TYPES_H */
