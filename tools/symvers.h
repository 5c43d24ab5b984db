/* SPDX-License-Identifier: GPL-2.0 */
/* A kernel's exported CRCs, read from Module.symvers files, for modver-dump. */
#ifndef SYMVERS_H
#define SYMVERS_H

#include "modver_types.h"

struct symvers;

struct symvers *symvers_new(void);
int symvers_load(struct symvers *s, const char *path);
int symvers_load_mem(struct symvers *s, const char *data, u64 len);
u64 symvers_count(const struct symvers *s);

typedef void (*symvers_fn)(const char *name, u32 crc, bool in_vmlinux, void *arg);
void symvers_foreach(const struct symvers *s, symvers_fn fn, void *arg);
bool symvers_crc(const struct symvers *s, const char *name, u32 *crc);
bool symvers_in_vmlinux(const struct symvers *s, const char *name);
void symvers_free(struct symvers *s);

#endif /* SYMVERS_H */
