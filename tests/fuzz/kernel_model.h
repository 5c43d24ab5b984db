/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A userspace model of what the stock module loader decides for an image, up to and including
 * check_version(), written from kernel/module/{main,version,signing}.c of 6.1, 6.12 and 7.3
 * (the 6.14+ rules: extended modversions).  It is the reference the fuzzer holds modver's pure
 * core and its loader rules (modver_elf.c) against, so it is written from the kernel source, not
 * from modver's code: it follows the kernel's reads byte by byte, bounded to the image, and where
 * the kernel would read outside the image it answers "undefined" instead of guessing.
 */
#ifndef KERNEL_MODEL_H
#define KERNEL_MODEL_H

#include "modver_types.h"

typedef __s64 s64;

enum km_gen {
	KM_6_1,
	KM_6_12,
	KM_6_14,	/* 6.14 on: __version_ext_crcs/__version_ext_names, read when present */
};

struct km_kernel {
	enum km_gen gen;
	u16 machine;		/* elf_check_arch() */
	u64 module_size;	/* sizeof(struct module) */
	bool force_load;	/* CONFIG_MODULE_FORCE_LOAD */
};

enum km_stage {
	KM_LOADS,		/* the loader calls check_version() (module_layout first) */
	KM_REFUSED,		/* refused before any check_version() */
	KM_UNDEFINED,		/* the loader reads outside the image first */
};

struct km_load {
	enum km_stage stage;
	const char *why;	/* the kernel's message, or what it read outside the image */
	bool table_undefined;	/* KM_UNDEFINED while selecting or reading the version tables */
	u64 len;		/* info->len: the image without its signature */
	u32 vers, ext_crc, ext_name;	/* info->index */
};

enum km_answer {
	KM_PASS,		/* check_version() returns 1 */
	KM_PASS_WARN,		/* 1, with "no extended symbol version" (6.14 on) */
	KM_PASS_TAINT,		/* 1 after try_to_force_load(): taint F */
	KM_FAIL,		/* 0: the load fails */
	KM_UNDEF,		/* check_version() reads outside the image */
};

void km_load_image(const u8 *image, u64 len, const struct km_kernel *k, bool ignore_modversions,
		   struct km_load *l);
enum km_answer km_check_version(const u8 *image, const struct km_kernel *k,
				const struct km_load *l, const char *sym, const u32 *crc);
const char *km_answer_name(enum km_answer a);

#endif /* KERNEL_MODEL_H */
