// SPDX-License-Identifier: GPL-2.0
/*
 * Finding, validating and searching a module image's version tables.
 *
 * Pure code shared by modver.ko and the userspace tests: the image is untrusted, so every offset
 * and size is checked against the image length before it is used, and nothing is allocated.
 */
#include "modver_table.h"

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
#define MV_ELFDATA_NATIVE	ELFDATA2MSB
#else
#define MV_ELFDATA_NATIVE	ELFDATA2LSB
#endif

#define MV_MAX_ENTRIES		0xffffffffULL

/* Is [off, off + size) inside an image of @len bytes?  Written so that nothing can overflow. */
static bool mv_range_ok(u64 len, u64 off, u64 size)
{
	return off <= len && size <= len - off;
}

static const struct elf64_shdr *mv_shdrs(const void *image)
{
	const struct elf64_hdr *eh = image;

	return (const struct elf64_shdr *)((const u8 *)image + eh->e_shoff);
}

/**
 * mv_image_check() - can the loader's image be walked at all?
 * @image: start of the ELF image (the loader's info->hdr)
 * @len: its length in bytes (info->len)
 * @why: set to a static reason when the image is rejected
 *
 * Checks only what is needed to find sections by name: the ELF header, the section header table and
 * the section name table. A failure here means modver cannot read this image, not that the module
 * is bad (the kernel has validated the image before it asks for symbol versions): callers hand the
 * decision back to the kernel's own check instead of guessing.
 *
 * Return: 0 if the image can be walked, -1 otherwise.
 */
int mv_image_check(const void *image, u64 len, const char **why)
{
	const struct elf64_hdr *eh = image;
	const struct elf64_shdr *strsec;

	if (!image || len < sizeof(*eh)) {
		*why = "image shorter than an ELF header";
		return -1;
	}
	if (memcmp(eh->e_ident, ELFMAG, SELFMAG) != 0) {
		*why = "no ELF magic";
		return -1;
	}
	if (eh->e_ident[EI_CLASS] != ELFCLASS64 || eh->e_ident[EI_DATA] != MV_ELFDATA_NATIVE) {
		*why = "not a native 64-bit ELF image";
		return -1;
	}
	if (eh->e_shentsize != sizeof(struct elf64_shdr) || eh->e_shnum == 0 ||
	    eh->e_shoff % 8 != 0 ||
	    !mv_range_ok(len, eh->e_shoff, (u64)eh->e_shnum * sizeof(struct elf64_shdr))) {
		*why = "section header table outside the image";
		return -1;
	}
	if (eh->e_shstrndx == SHN_UNDEF || eh->e_shstrndx >= eh->e_shnum) {
		*why = "no section name table";
		return -1;
	}
	strsec = &mv_shdrs(image)[eh->e_shstrndx];
	if (strsec->sh_type == SHT_NOBITS ||
	    !mv_range_ok(len, strsec->sh_offset, strsec->sh_size)) {
		*why = "section name table outside the image";
		return -1;
	}
	return 0;
}

/* Is the name at @off of the section name table exactly @want (terminator included)? */
static bool mv_section_is(const char *names, u64 names_len, u64 off, const char *want)
{
	u64 n = strlen(want) + 1;

	return mv_range_ok(names_len, off, n) && memcmp(names + off, want, n) == 0;
}

static void mv_malformed(struct mv_tables *t, const char *why)
{
	memset(t, 0, sizeof(*t));
	t->kind = MV_TABLE_MALFORMED;
	t->error = why;
}

static const char *mv_parse_basic(const u8 *data, u64 size, struct mv_tables *t)
{
	u64 i, count;

	if (size % MV_BASIC_ENTRY_SIZE != 0)
		return "__versions size is not a multiple of the entry size";
	count = size / MV_BASIC_ENTRY_SIZE;
	if (count > MV_MAX_ENTRIES)
		return "__versions has an absurd number of entries";
	for (i = 0; i < count; i++) {
		const u8 *name = data + i * MV_BASIC_ENTRY_SIZE + sizeof(u64);

		if (!memchr(name, '\0', MV_BASIC_NAME_LEN))
			return "__versions entry name not NUL-terminated";
	}
	t->kind = MV_TABLE_BASIC;
	t->basic = data;
	t->count = count;
	return NULL;
}

static const char *mv_parse_extended(const u8 *crcs, u64 crcs_size, const char *names,
				     u64 names_size, struct mv_tables *t)
{
	u64 off, count, nnames = 0;

	if (crcs_size % sizeof(u32) != 0)
		return "__version_ext_crcs size is not a multiple of 4";
	count = crcs_size / sizeof(u32);
	if (count > MV_MAX_ENTRIES)
		return "__version_ext_crcs has an absurd number of entries";
	if (names_size && names[names_size - 1] != '\0')
		return "__version_ext_names not NUL-terminated";
	for (off = 0; off < names_size; off += strlen(names + off) + 1) {
		if (names[off] == '\0')
			return "__version_ext_names has an empty name";
		nnames++;
	}
	if (nnames != count)
		return "__version_ext_names and __version_ext_crcs differ in entry count";
	t->kind = MV_TABLE_EXTENDED;
	t->ext_crcs = crcs;
	t->ext_names = names;
	t->ext_names_len = names_size;
	t->count = count;
	return NULL;
}

/**
 * mv_tables_find() - locate and validate the version tables of a module image
 * @image: start of the ELF image
 * @len: its length in bytes
 * @t: result; t->kind says which table is in use, or why none can be trusted
 *
 * Sections are found by name, never through the loader's private section indices.  The extended
 * tables take precedence over __versions when present, as in the kernel; having only one of the two
 * extended sections is malformed.
 */
void mv_tables_find(const void *image, u64 len, struct mv_tables *t)
{
	static const char *const wanted[] = { MV_SEC_BASIC, MV_SEC_EXT_CRCS, MV_SEC_EXT_NAMES };
	const struct elf64_shdr *found[3] = { NULL, NULL, NULL };
	const struct elf64_hdr *eh = image;
	const struct elf64_shdr *shdrs, *strsec;
	const u8 *base = image;
	const char *names, *why;
	unsigned int i, w;

	memset(t, 0, sizeof(*t));
	if (mv_image_check(image, len, &why) != 0)
		goto malformed;
	shdrs = mv_shdrs(image);
	strsec = &shdrs[eh->e_shstrndx];
	names = (const char *)base + strsec->sh_offset;

	for (i = 1; i < eh->e_shnum; i++) {
		const struct elf64_shdr *sh = &shdrs[i];

		for (w = 0; w < 3; w++)
			if (mv_section_is(names, strsec->sh_size, sh->sh_name, wanted[w]))
				break;
		if (w == 3)
			continue;
		why = "duplicate version section";
		if (found[w])
			goto malformed;
		why = "version section outside the image";
		if (sh->sh_type == SHT_NOBITS || !mv_range_ok(len, sh->sh_offset, sh->sh_size))
			goto malformed;
		found[w] = sh;
	}

	if (found[1] && found[2])
		why = mv_parse_extended(base + found[1]->sh_offset, found[1]->sh_size,
					(const char *)base + found[2]->sh_offset,
					found[2]->sh_size, t);
	else if (found[1] || found[2])
		why = "only one of __version_ext_crcs and __version_ext_names present";
	else if (found[0])
		why = mv_parse_basic(base + found[0]->sh_offset, found[0]->sh_size, t);
	else
		why = NULL;	/* t->kind stays MV_TABLE_NONE */
	if (!why)
		return;
malformed:
	mv_malformed(t, why);
}

static const char *mv_entry_name(const struct mv_tables *t, u32 index, u64 name_off)
{
	if (t->kind == MV_TABLE_EXTENDED)
		return t->ext_names + name_off;
	return (const char *)t->basic + (u64)index * MV_BASIC_ENTRY_SIZE + sizeof(u64);
}

static u64 mv_entry_crc(const struct mv_tables *t, u32 index)
{
	u64 crc;
	u32 crc32;

	if (t->kind == MV_TABLE_EXTENDED) {
		memcpy(&crc32, t->ext_crcs + (u64)index * sizeof(u32), sizeof(crc32));
		return crc32;
	}
	/* The image need not be aligned: copy rather than dereference. */
	memcpy(&crc, t->basic + (u64)index * MV_BASIC_ENTRY_SIZE, sizeof(crc));
	return crc;
}

/* Step (@index, @name_off) to the next entry, wrapping to the first after the last. */
static void mv_advance(const struct mv_tables *t, u32 *index, u64 *name_off)
{
	if (*index + 1 >= t->count) {
		*index = 0;
		*name_off = 0;
		return;
	}
	if (t->kind == MV_TABLE_EXTENDED)
		*name_off += strlen(t->ext_names + *name_off) + 1;
	*index += 1;
}

/**
 * mv_cursor_init() - point a cursor at the last entry, where module_layout is
 * @t: a table found by mv_tables_find()
 * @c: the cursor to set
 */
void mv_cursor_init(const struct mv_tables *t, struct mv_cursor *c)
{
	u64 off;

	memset(c, 0, sizeof(*c));
	if (t->count == 0 || (t->kind != MV_TABLE_BASIC && t->kind != MV_TABLE_EXTENDED))
		return;
	c->index = t->count - 1;
	if (t->kind == MV_TABLE_EXTENDED) {
		/* The names end in NUL: the last name starts after the NUL before that one. */
		off = t->ext_names_len - 1;
		while (off > 0 && t->ext_names[off - 1] != '\0')
			off--;
		c->name_off = off;
	}
}

/**
 * mv_lookup() - find @sym in a version table, starting where @c points
 * @t: a table found by mv_tables_find()
 * @c: the hint; moved just past the entry found
 * @sym: the symbol name
 * @e: the entry found
 *
 * The hint is verified, never trusted: if it does not point at the start of an entry the scan
 * starts at entry 0, and a hint that points at the wrong entry only costs further compares. At most
 * one pass over the table is made, so a lookup is O(1) when the loader asks in table order and O(N)
 * otherwise; a whole load is O(N) either way for in-order requests.
 *
 * Return: true if @sym has an entry.
 */
bool mv_lookup(const struct mv_tables *t, struct mv_cursor *c, const char *sym, struct mv_entry *e)
{
	u32 index = c->index, i;
	u64 off = c->name_off;

	if (t->count == 0 || (t->kind != MV_TABLE_BASIC && t->kind != MV_TABLE_EXTENDED))
		return false;
	if (index >= t->count ||
	    (t->kind == MV_TABLE_EXTENDED &&
	     (off >= t->ext_names_len || (off > 0 && t->ext_names[off - 1] != '\0')))) {
		index = 0;
		off = 0;
	}
	for (i = 0; i < t->count; i++) {
		const char *name = mv_entry_name(t, index, off);

		c->compares++;
		if (strcmp(name, sym) == 0) {
			e->name = name;
			e->crc = mv_entry_crc(t, index);
			e->index = index;
			mv_advance(t, &index, &off);
			c->index = index;
			c->name_off = off;
			return true;
		}
		mv_advance(t, &index, &off);
	}
	return false;
}

const char *mv_table_kind_name(enum mv_table_kind kind)
{
	switch (kind) {
	case MV_TABLE_NONE:
		return "none";
	case MV_TABLE_BASIC:
		return "basic";
	case MV_TABLE_EXTENDED:
		return "extended";
	case MV_TABLE_MALFORMED:
		return "malformed";
	}
	return "?";
}
