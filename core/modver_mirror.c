// SPDX-License-Identifier: GPL-2.0
/*
 * What the running kernel's BTF must say about the loader's private structs for modver's mirrors
 * (modver_mirror.h) to be right.  Offsets and sizes come from the mirrors themselves, so the check
 * and the code that reads the fields cannot drift apart.  Pure code: also built into the tests.
 */
#include "modver_mirror.h"

/* Null pointers to the mirrors, for sizeof (which does not evaluate them). */
#define MV_LI	((struct modver_load_info *)NULL)
#define MV_FSA	((struct modver_find_symbol_arg *)NULL)
#define MV_MU	((struct modver_module_use *)NULL)

/* Pointers of any pointee type (Elf_Ehdr *, const s32 * or const u32 *) are read as pointers. */
static const struct mv_btf_expect mv_load_info_fields[] = {
	{ "name", offsetof(struct modver_load_info, name), MV_BTF_KIND_PTR, sizeof(MV_LI->name) },
	{ "mod", offsetof(struct modver_load_info, mod), MV_BTF_KIND_PTR, sizeof(MV_LI->mod) },
	{ "hdr", offsetof(struct modver_load_info, hdr), MV_BTF_KIND_PTR, sizeof(MV_LI->hdr) },
	{ "len", offsetof(struct modver_load_info, len), MV_BTF_KIND_INT, sizeof(MV_LI->len) },
};

/* bool is an int of size 1 in BTF. */
static const struct mv_btf_expect mv_find_symbol_arg_fields[] = {
	{ "name", offsetof(struct modver_find_symbol_arg, name), MV_BTF_KIND_PTR,
	  sizeof(MV_FSA->name) },
	{ "gplok", offsetof(struct modver_find_symbol_arg, gplok), MV_BTF_KIND_INT,
	  sizeof(MV_FSA->gplok) },
	{ "warn", offsetof(struct modver_find_symbol_arg, warn), MV_BTF_KIND_INT,
	  sizeof(MV_FSA->warn) },
	{ "owner", offsetof(struct modver_find_symbol_arg, owner), MV_BTF_KIND_PTR,
	  sizeof(MV_FSA->owner) },
	{ "crc", offsetof(struct modver_find_symbol_arg, crc), MV_BTF_KIND_PTR,
	  sizeof(MV_FSA->crc) },
};

/* Written, not only read: every member, so that the loader reads back what modver wrote. */
static const struct mv_btf_expect mv_module_use_fields[] = {
	{ "source_list.next", offsetof(struct modver_module_use, source_list.next),
	  MV_BTF_KIND_PTR, sizeof(MV_MU->source_list.next) },
	{ "source_list.prev", offsetof(struct modver_module_use, source_list.prev),
	  MV_BTF_KIND_PTR, sizeof(MV_MU->source_list.prev) },
	{ "target_list.next", offsetof(struct modver_module_use, target_list.next),
	  MV_BTF_KIND_PTR, sizeof(MV_MU->target_list.next) },
	{ "target_list.prev", offsetof(struct modver_module_use, target_list.prev),
	  MV_BTF_KIND_PTR, sizeof(MV_MU->target_list.prev) },
	{ "source", offsetof(struct modver_module_use, source), MV_BTF_KIND_PTR,
	  sizeof(MV_MU->source) },
	{ "target", offsetof(struct modver_module_use, target), MV_BTF_KIND_PTR,
	  sizeof(MV_MU->target) },
};

const struct mv_mirror mv_mirrors[] = {
	{ "load_info", mv_load_info_fields, ARRAY_SIZE(mv_load_info_fields) },
	{ "find_symbol_arg", mv_find_symbol_arg_fields, ARRAY_SIZE(mv_find_symbol_arg_fields) },
	{ "module_use", mv_module_use_fields, ARRAY_SIZE(mv_module_use_fields) },
};

const unsigned int mv_mirror_count = ARRAY_SIZE(mv_mirrors);
