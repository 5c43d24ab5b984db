/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the loader reads from a module image besides its version tables: a section by name, a
 * .modinfo tag, and the undefined symbols it resolves (and asks check_version() about).  Pure
 * code shared by modver.ko's dry run and modver-dump; every byte read is bounds-checked.
 */
#ifndef MODVER_ELF_H
#define MODVER_ELF_H

#include "modver_table.h"

typedef void (*mv_symbol_fn)(const char *name, bool weak, void *arg);

const char *mv_image_compression(const void *image, u64 len);
const struct elf64_shdr *mv_section(const void *image, u64 len, const char *name);
const char *mv_modinfo(const void *image, u64 len, const char *tag, char *buf, size_t size);
int mv_undefined_symbols(const void *image, u64 len, mv_symbol_fn fn, void *arg);

#endif /* MODVER_ELF_H */
