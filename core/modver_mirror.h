/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The loader's private structs, as far as modver reads them: mirrors of their leading fields, and
 * what the running kernel's BTF must say about those fields for the mirrors to be right
 * (modver_mirror.c; checked at init by modver_layout.c, and on real Debian BTF by the tests).
 * Pure: the same definitions compile into modver.ko and the userspace tests, so the offsets
 * checked are the offsets modver reads.
 */
#ifndef MODVER_MIRROR_H
#define MODVER_MIRROR_H

#include "modver_types.h"
#include "modver_btf.h"

struct module;

/*
 * The leading fields of the loader's private struct load_info (kernel/module/internal.h).  Their
 * offsets have not changed from 6.1 to 7.3; nothing after them is stable, so nothing after them is
 * read.  hdr/len are validated before use (mv_image_check()); name is used only when it lies
 * inside the image; mod is checked against check_version()'s own argument for module_layout.
 */
struct modver_load_info {
	const char *name;
	struct module *mod;
	const void *hdr;
	unsigned long len;
};

/* The leading fields of the loader's struct find_symbol_arg (kernel/module/internal.h), 6.1-7.3. */
struct modver_find_symbol_arg {
	const char *name;
	bool gplok;
	bool warn;
	struct module *owner;
	const u32 *crc;		/* const s32 * before 6.15: the same bits */
};

/* A struct list_head, as the mirror below spells it (the pure code has no <linux/list.h>). */
struct modver_list_node {
	struct modver_list_node *next;
	struct modver_list_node *prev;
};

/*
 * The loader's struct module_use: one module using another's exports.  Public in
 * <linux/module.h> up to 6.x, private (kernel/module/internal.h) since: modver writes one, the
 * lock's pin (modver_lock.c), so it mirrors all of it.
 */
struct modver_module_use {
	struct modver_list_node source_list;
	struct modver_list_node target_list;
	struct module *source;
	struct module *target;
};

/* One private struct and the members of it modver reads. */
struct mv_mirror {
	const char *name;		/* the kernel's struct tag */
	const struct mv_btf_expect *fields;
	unsigned int count;
};

extern const struct mv_mirror mv_mirrors[];
extern const unsigned int mv_mirror_count;

#endif /* MODVER_MIRROR_H */
