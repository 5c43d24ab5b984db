/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the loader reads from a module image besides its version tables, and what it requires of
 * one: its module signature trailer, its own ELF checks (the rules that decide whether an image is
 * a module at all), .modinfo tags, and the undefined symbols it resolves (and asks
 * check_version() about).  Pure code shared by modver.ko's dry run and modver-dump; every byte
 * read is bounds-checked, and where the loader itself would read outside the image this code says
 * so instead of guessing what the loader would then do.
 */
#ifndef MODVER_ELF_H
#define MODVER_ELF_H

#include "modver_table.h"

/*
 * Whose image rules: the loader's ELF checks as three trees have them.  Releases in between are
 * mapped to the latest of these not after them (mv_loader_gen_of()).
 */
enum mv_loader_gen {
	MV_LOADER_6_1,		/* elf_validity_check() and setup_load_info() */
	MV_LOADER_6_12,		/* elf_validity_cache_copy() */
	MV_LOADER_6_14,		/* + elf_validity_cache_index_versions(), _strtab() */
};

/* The kernel an image is judged for. */
struct mv_loader {
	enum mv_loader_gen gen;
	u16 machine;		/* the e_machine elf_check_arch() accepts; 0: not checked */
	u64 module_size;	/* sizeof(struct module) (6.12 on); 0: not checked */
};

enum mv_loader_verdict {
	MV_LOADER_LOADS,	/* the loader goes on to check_version() */
	MV_LOADER_REFUSES,	/* the loader refuses the image first, with the reason given */
	MV_LOADER_UNDEFINED,	/* the loader would read outside the image: no telling */
};

typedef void (*mv_symbol_fn)(const char *name, bool weak, void *arg);

enum mv_loader_gen mv_loader_gen_of(const char *release);
u64 mv_image_unsigned_len(const void *image, u64 len, const char **why);
enum mv_loader_verdict mv_loader_check(const void *image, u64 len, const struct mv_loader *ld,
				       const char **why);
int mv_loader_symbols(const void *image, u64 len, mv_symbol_fn fn, void *arg, const char **why);
const char *mv_image_compression(const void *image, u64 len);
const struct elf64_shdr *mv_section(const void *image, u64 len, const char *name);
const char *mv_modinfo(const void *image, u64 len, const char *tag, char *buf, size_t size);
int mv_undefined_symbols(const void *image, u64 len, mv_symbol_fn fn, void *arg);

#endif /* MODVER_ELF_H */
