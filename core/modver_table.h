/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Version tables of a module image: finding them in the ELF image the loader holds, validating
 * them, and looking a symbol up in them. Pure code: no allocation, no locking, no kernel-only API;
 * every byte read is bounds-checked against the image length first, because the image is untrusted.
 *
 * Two formats exist:
 *  - basic: "__versions", an array of struct modversion_info { unsigned long crc; char name[56]; }
 *    (64 bytes per entry on 64-bit kernels);
 *  - extended (Linux 6.14+; modpost writes it with CONFIG_EXTENDED_MODVERSIONS):
 *    "__version_ext_crcs" (u32 array) and "__version_ext_names" (NUL-separated names, same
 *    order).  Only 6.14+ loaders read it, and there it takes precedence.
 *
 * Which table is read is the loader's choice, made before check_version() runs: the first section
 * of each name that has SHF_ALLOC (find_sec()), none under MODULE_INIT_IGNORE_MODVERSIONS.  During
 * a load modver reads that choice from the loader (load_info.index); for an image not being
 * loaded it makes the same choice (mv_select_loader()); either way it reads only what was chosen
 * (mv_tables_read()).
 */
#ifndef MODVER_TABLE_H
#define MODVER_TABLE_H

#include "modver_types.h"

#define MV_BASIC_ENTRY_SIZE	64
#define MV_BASIC_NAME_LEN	(MV_BASIC_ENTRY_SIZE - sizeof(u64))

#define MV_SEC_BASIC		"__versions"
#define MV_SEC_EXT_CRCS		"__version_ext_crcs"
#define MV_SEC_EXT_NAMES	"__version_ext_names"

/* Malformations the 6.14+ loader itself refuses before any version check (modver-dump asks). */
#define MV_ERR_EXT_HALF		"only one of __version_ext_crcs and __version_ext_names present"
#define MV_ERR_EXT_MORE_CRCS	"more __version_ext_crcs than __version_ext_names"

/* How the running kernel's check_version() reads version tables; known when modver is built. */
enum mv_kernel_format {
	MV_KERNEL_BASIC,	/* __versions only: loaders up to 6.13 */
	MV_KERNEL_EXTENDED,	/* 6.14+: the extended pair when selected, else __versions */
};

/* The sections the loader selected, as its load_info.index holds them: 0 = none. */
struct mv_selection {
	u32 vers;
	u32 ext_crcs;
	u32 ext_names;
	bool forced;		/* MODULE_INIT_IGNORE_MODVERSIONS: none selected on purpose */
	bool undefined;		/* the loader's find_sec() would read outside the image */
};

enum mv_table_kind {
	MV_TABLE_NONE,		/* the module carries no version table at all */
	MV_TABLE_BASIC,
	MV_TABLE_EXTENDED,
	MV_TABLE_MALFORMED,	/* a table is present but cannot be trusted: see ->error */
};

struct mv_tables {
	enum mv_table_kind kind;
	const char *error;		/* static reason, set when kind == MV_TABLE_MALFORMED */
	bool forced;			/* MV_TABLE_NONE because the load ignores modversions */
	u32 section;			/* the section read (extended: the CRCs), 0 = none */
	u32 count;			/* entries of the table in use */
	const u8 *basic;		/* MV_TABLE_BASIC: count entries of MV_BASIC_ENTRY_SIZE */
	const u8 *ext_crcs;		/* MV_TABLE_EXTENDED: count little-endian u32 */
	const char *ext_names;		/* MV_TABLE_EXTENDED: count NUL-terminated names */
	u64 ext_names_len;
	/* Optional hash index (mv_index_build()), in memory the caller owns; NULL: none. */
	u32 *index_slots;		/* index_mask + 1 slots: entry index + 1, 0 = empty */
	u32 *index_name_offs;		/* extended tables: each entry's name offset */
	u32 index_mask;
	void *index_mem;		/* the memory given to mv_index_build() */
	u64 index_bytes;
	u32 index_probe_max;		/* the longest probe an insert made */
	bool index_abandoned;		/* an insert needed MV_INDEX_MAX_PROBE slots: unindexed */
	bool index_deferred;		/* a large table: indexed once scans cost as much */
	bool unique;			/* names checked distinct: the hint may be used */
};

/*
 * No insert into the index, and so no lookup, probes more slots than this.  With a random key and
 * at most a quarter of the slots used, runs this long are vanishingly rare (the unit test prints
 * the longest for 32,768 names under eight keys: 12), and names chosen to collide cannot aim
 * without the key.
 */
#define MV_INDEX_MAX_PROBE	64
/* Larger tables are indexed only once lookups have scanned as many names (mv_index_build()). */
#define MV_INDEX_EAGER_MAX	4096

extern struct mv_hash_key mv_index_key;

/*
 * Where the next lookup should look first.  The loader asks for module_layout (the last entry)
 * first, and then largely in table order, so pointing the hint just past the last hit makes most
 * lookups succeed on their first compare.  It is only ever a hint: each use is verified by a name
 * compare, and a miss goes to the hash index (or, without one, scans the table once), so a wrong
 * hint costs time, never correctness.
 */
struct mv_cursor {
	u32 index;
	u64 name_off;			/* extended tables: offset of entry @index's name */
	u64 compares;			/* name compares made through this cursor */
};

struct mv_entry {
	const char *name;
	u64 crc;
	u32 index;
};

int mv_image_check(const void *image, u64 len, const char **why);
void mv_select_loader(const void *image, u64 len, enum mv_kernel_format kf,
		      bool ignore_modversions, struct mv_selection *sel);
bool mv_versions_ignored(const void *image, enum mv_kernel_format kf);
void mv_tables_read(const void *image, u64 len, enum mv_kernel_format kf,
		    const struct mv_selection *sel, struct mv_tables *t);
void mv_tables_find(const void *image, u64 len, enum mv_kernel_format kf, struct mv_tables *t);
void mv_tables_find_format(const void *image, u64 len, enum mv_table_kind format,
			   struct mv_tables *t);
int mv_tables_others(const void *image, u64 len, const struct mv_tables *kernel,
		     struct mv_tables extra[2]);
bool mv_entry_at(const struct mv_tables *t, struct mv_cursor *c, struct mv_entry *e);
u64 mv_index_bytes(const struct mv_tables *t);
void mv_index_build(struct mv_tables *t, void *mem, u64 bytes);
void mv_index_complete(struct mv_tables *t);
void mv_cursor_init(const struct mv_tables *t, struct mv_cursor *c);
bool mv_lookup(struct mv_tables *t, struct mv_cursor *c, const char *sym, struct mv_entry *e);
const char *mv_table_kind_name(enum mv_table_kind kind);

#endif /* MODVER_TABLE_H */
