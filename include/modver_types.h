/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The few kernel types the pure core (version-table parsing, lookup, decision) uses, so that the same
 * source compiles into modver.ko and into the userspace unit tests and fuzzer.  Nothing here may pull
 * in kernel-only APIs.
 */
#ifndef MODVER_TYPES_H
#define MODVER_TYPES_H

#ifdef __KERNEL__
#include <linux/types.h>
#include <linux/elf.h>
#include <linux/string.h>
#else
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <elf.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
#endif

#endif /* MODVER_TYPES_H */
