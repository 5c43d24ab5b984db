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

/*
 * As the 6.14+ loader reads them (elf_validity_cache_index_versions()): one NUL-terminated name
 * per CRC, in order; what follows the last of them is not part of the table (modpost writes the
 * names as one string literal, so one NUL of padding always follows).  A name that runs past the
 * section means more CRCs than names.
 */
static const char *mv_parse_extended(const u8 *crcs, u64 crcs_size, const char *names,
				     u64 names_size, struct mv_tables *t)
{
	const char *end;
	u64 off = 0, i, count;

	if (crcs_size % sizeof(u32) != 0)
		return "__version_ext_crcs size is not a multiple of 4";
	count = crcs_size / sizeof(u32);
	if (count > MV_MAX_ENTRIES)
		return "__version_ext_crcs has an absurd number of entries";
	for (i = 0; i < count; i++) {
		end = memchr(names + off, '\0', names_size - off);
		if (!end)
			return MV_ERR_EXT_MORE_CRCS;
		off = end - names + 1;
	}
	t->kind = MV_TABLE_EXTENDED;
	t->ext_crcs = crcs;
	t->ext_names = names;
	t->ext_names_len = off;
	t->count = count;
	return NULL;
}

/**
 * mv_tables_find_format() - locate and validate one format's version table of a module image
 * @image: start of the ELF image
 * @len: its length in bytes
 * @format: MV_TABLE_BASIC or MV_TABLE_EXTENDED for that format alone; MV_TABLE_NONE for the one
 *	the kernel uses (see mv_tables_find())
 * @t: result; t->kind says which table is in use, or why none can be trusted
 *
 * Sections are found by name, never through the loader's private section indices.
 */
void mv_tables_find_format(const void *image, u64 len, enum mv_table_kind format,
			   struct mv_tables *t)
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
		why = "version section without contents (SHT_NOBITS)";
		if (sh->sh_type == SHT_NOBITS)
			goto malformed;
		why = "version section outside the image";
		if (!mv_range_ok(len, sh->sh_offset, sh->sh_size))
			goto malformed;
		found[w] = sh;
	}

	if (format == MV_TABLE_BASIC) {
		found[1] = NULL;
		found[2] = NULL;
	} else if (format == MV_TABLE_EXTENDED) {
		found[0] = NULL;
	}

	if (found[1] && found[2])
		why = mv_parse_extended(base + found[1]->sh_offset, found[1]->sh_size,
					(const char *)base + found[2]->sh_offset,
					found[2]->sh_size, t);
	else if (found[1] || found[2])
		why = MV_ERR_EXT_HALF;
	else if (found[0])
		why = mv_parse_basic(base + found[0]->sh_offset, found[0]->sh_size, t);
	else
		why = NULL;	/* t->kind stays MV_TABLE_NONE */
	if (!why)
		return;
malformed:
	mv_malformed(t, why);
}

/**
 * mv_tables_find() - the version table the kernel uses for a module image
 * @image: start of the ELF image
 * @len: its length in bytes
 * @t: result
 *
 * The extended tables take precedence over __versions when present, as in the kernel; having only
 * one of the two extended sections is malformed.
 */
void mv_tables_find(const void *image, u64 len, struct mv_tables *t)
{
	mv_tables_find_format(image, len, MV_TABLE_NONE, t);
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

/* FNV-1a: cheap, and good enough for symbol names. */
static u32 mv_hash(const char *s)
{
	u32 h = 2166136261u;

	while (*s)
		h = (h ^ (u8)*s++) * 16777619u;
	return h;
}

/* Tables this small are scanned: an index would cost more than it saves. */
#define MV_INDEX_MIN_ENTRIES	16

/**
 * mv_index_bytes() - memory mv_index_build() wants for a table
 * @t: a table found by mv_tables_find()
 *
 * Return: the size in bytes, or 0 when the table is better scanned than indexed.
 */
u64 mv_index_bytes(const struct mv_tables *t)
{
	u64 slots = 1;

	if ((t->kind != MV_TABLE_BASIC && t->kind != MV_TABLE_EXTENDED) ||
	    t->count < MV_INDEX_MIN_ENTRIES || t->count > (1U << 24) ||
	    t->ext_names_len > 0xffffffffULL)
		return 0;
	while (slots < 2ULL * t->count)
		slots <<= 1;
	return (slots + (t->kind == MV_TABLE_EXTENDED ? t->count : 0)) * sizeof(u32);
}

static const char *mv_indexed_name(const struct mv_tables *t, u32 index)
{
	return mv_entry_name(t, index, t->index_name_offs ? t->index_name_offs[index] : 0);
}

/**
 * mv_index_build() - check a table's names are distinct, and index large tables by name
 * @t: a table found by mv_tables_find(); gets the index, or becomes malformed
 * @mem: mv_index_bytes(@t) bytes, 4-byte aligned, kept until @t is no longer used; may be NULL
 * @bytes: their size; the table stays unindexed unless it is what mv_index_bytes() asked for
 *
 * modpost never writes a name twice, and with two entries for one symbol a verifier that looked
 * at the second could admit what the kernel (which takes the first) refuses: such a table is
 * malformed.  Once names are known distinct, lookups may start at the hint; a large table gets a
 * hash index, so that a lookup that misses the hint costs one hash and about one compare instead
 * of a scan, whatever order the loader asks in.  A large table without memory for the index
 * (@mem NULL), or too large to index at all, is neither checked nor indexed: lookups then scan
 * from the first entry, as the kernel does.
 */
void mv_index_build(struct mv_tables *t, void *mem, u64 bytes)
{
	u64 want = mv_index_bytes(t), off = 0, off2;
	u32 nslots, i, j, slot;

	if (t->kind != MV_TABLE_BASIC && t->kind != MV_TABLE_EXTENDED)
		return;
	if (!want) {
		/* Too large to index (over 2^24 entries): unchecked, scanned as the kernel does. */
		if (t->count >= MV_INDEX_MIN_ENTRIES)
			return;
		/* Small enough to check pairwise. */
		for (i = 0; i < t->count; i++) {
			off2 = off;
			for (j = i + 1; j < t->count; j++) {
				if (t->kind == MV_TABLE_EXTENDED)
					off2 += strlen(t->ext_names + off2) + 1;
				if (!strcmp(mv_entry_name(t, i, off), mv_entry_name(t, j, off2)))
					goto duplicate;
			}
			if (t->kind == MV_TABLE_EXTENDED)
				off += strlen(t->ext_names + off) + 1;
		}
		t->unique = true;
		return;
	}
	if (!mem || bytes != want)
		return;
	nslots = want / sizeof(u32) - (t->kind == MV_TABLE_EXTENDED ? t->count : 0);
	memset(mem, 0, want);
	t->index_slots = mem;
	t->index_name_offs = t->kind == MV_TABLE_EXTENDED ? t->index_slots + nslots : NULL;
	t->index_mask = nslots - 1;
	for (i = 0; i < t->count; i++) {
		const char *name = mv_entry_name(t, i, off);

		if (t->index_name_offs)
			t->index_name_offs[i] = off;
		for (slot = mv_hash(name) & t->index_mask; t->index_slots[slot];
		     slot = (slot + 1) & t->index_mask)
			if (!strcmp(mv_indexed_name(t, t->index_slots[slot] - 1), name))
				goto duplicate;
		t->index_slots[slot] = i + 1;
		if (t->kind == MV_TABLE_EXTENDED)
			off += strlen(name) + 1;
	}
	t->unique = true;
	return;
duplicate:
	mv_malformed(t, "a name appears twice in the version table");
}

/* @index/@off is @sym's entry: report it and move the hint just past it. */
static bool mv_found(const struct mv_tables *t, struct mv_cursor *c, u32 index, u64 off,
		     struct mv_entry *e)
{
	e->name = mv_entry_name(t, index, off);
	e->crc = mv_entry_crc(t, index);
	e->index = index;
	mv_advance(t, &index, &off);
	c->index = index;
	c->name_off = off;
	return true;
}

/**
 * mv_lookup() - find @sym in a version table, starting where @c points
 * @t: a table found by mv_tables_find(), indexed or not
 * @c: the hint; moved just past the entry found
 * @sym: the symbol name
 * @e: the entry found
 *
 * The hint is verified, never trusted: it is ignored unless mv_index_build() found the names
 * distinct and it points at the start of an entry, and a hint that points at the wrong entry
 * costs one compare.  Then the index answers
 * in about one compare; a table without one is scanned once, starting at the hint.  A load is
 * O(N) with an index whatever the order of requests; without one, O(N) for in-order requests.
 *
 * Return: true if @sym has an entry.
 */
bool mv_lookup(const struct mv_tables *t, struct mv_cursor *c, const char *sym, struct mv_entry *e)
{
	u32 index = c->index, i, slot;
	u64 off = c->name_off;

	if (t->count == 0 || (t->kind != MV_TABLE_BASIC && t->kind != MV_TABLE_EXTENDED))
		return false;
	if (!t->unique || index >= t->count ||
	    (t->kind == MV_TABLE_EXTENDED &&
	     (off >= t->ext_names_len || (off > 0 && t->ext_names[off - 1] != '\0')))) {
		/* Unchecked names: start where the kernel starts, so the first entry wins. */
		index = 0;
		off = 0;
	}
	c->compares++;
	if (strcmp(mv_entry_name(t, index, off), sym) == 0)
		return mv_found(t, c, index, off, e);

	if (t->index_slots) {
		for (slot = mv_hash(sym) & t->index_mask; t->index_slots[slot];
		     slot = (slot + 1) & t->index_mask) {
			index = t->index_slots[slot] - 1;
			c->compares++;
			if (strcmp(mv_indexed_name(t, index), sym) == 0)
				return mv_found(t, c, index, t->index_name_offs ?
						t->index_name_offs[index] : 0, e);
		}
		return false;
	}

	for (i = 1; i < t->count; i++) {
		mv_advance(t, &index, &off);
		c->compares++;
		if (strcmp(mv_entry_name(t, index, off), sym) == 0)
			return mv_found(t, c, index, off, e);
	}
	return false;
}

/**
 * mv_entry_at() - the entry a cursor points at, then step the cursor to the next one
 * @t: a table found by mv_tables_find()
 * @c: the cursor; start from a zeroed one to walk the table in order
 * @e: the entry
 *
 * Return: false once the walk has wrapped past the last entry (c->index back at 0 after the
 * first call) or the table has no entries.
 */
bool mv_entry_at(const struct mv_tables *t, struct mv_cursor *c, struct mv_entry *e)
{
	if (c->compares >= t->count ||
	    (t->kind != MV_TABLE_BASIC && t->kind != MV_TABLE_EXTENDED))
		return false;
	e->name = mv_entry_name(t, c->index, c->name_off);
	e->crc = mv_entry_crc(t, c->index);
	e->index = c->index;
	mv_advance(t, &c->index, &c->name_off);
	c->compares++;		/* here: entries visited */
	return true;
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
