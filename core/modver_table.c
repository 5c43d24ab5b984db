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

/*
 * The ELF header and section headers, copied out: the section header table may sit at any offset
 * (the loader does not require it to be aligned), so it is never dereferenced in place.
 */
static void mv_ehdr(const void *image, struct elf64_hdr *eh)
{
	memcpy(eh, image, sizeof(*eh));
}

static void mv_shdr(const void *image, const struct elf64_hdr *eh, u32 i, struct elf64_shdr *sh)
{
	memcpy(sh, (const u8 *)image + eh->e_shoff + (u64)i * sizeof(*sh), sizeof(*sh));
}

/**
 * mv_image_check() - can the loader's image be walked at all?
 * @image: start of the ELF image (the loader's info->hdr)
 * @len: its length in bytes (info->len)
 * @why: set to a static reason when the image is rejected
 *
 * Checks exactly what makes finding sections by name safe, and nothing the loader does not check
 * itself (elf_validity_check() in 6.1, elf_validity_cache_sechdrs() and
 * elf_validity_cache_secstrings() from 6.12): the ELF header fits, the magic, the section header
 * size and table, the section name table's index, bounds, size and final NUL.  ELF class, data
 * encoding and alignment are not checked because the loader does not check them: an image it
 * accepts is read here the way it reads it, as native 64-bit ELF.  An image that fails here is
 * unreadable, and a caller decides it as malformed, never by handing it back.
 *
 * Return: 0 if the image can be walked, -1 otherwise.
 */
int mv_image_check(const void *image, u64 len, const char **why)
{
	struct elf64_shdr strsec;
	struct elf64_hdr eh;

	if (!image || len < sizeof(eh)) {
		*why = "image shorter than an ELF header";
		return -1;
	}
	mv_ehdr(image, &eh);
	if (memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0) {
		*why = "no ELF magic";
		return -1;
	}
	if (eh.e_shentsize != sizeof(struct elf64_shdr) || eh.e_shoff >= len ||
	    (u64)eh.e_shnum * sizeof(struct elf64_shdr) > len - eh.e_shoff) {
		*why = "section header table outside the image";
		return -1;
	}
	if (eh.e_shstrndx == SHN_UNDEF || eh.e_shstrndx >= eh.e_shnum) {
		*why = "no section name table";
		return -1;
	}
	mv_shdr(image, &eh, eh.e_shstrndx, &strsec);
	if (!mv_range_ok(len, strsec.sh_offset, strsec.sh_size)) {
		*why = "section name table outside the image";
		return -1;
	}
	if (strsec.sh_size == 0 ||
	    ((const char *)image)[strsec.sh_offset + strsec.sh_size - 1] != '\0') {
		*why = "section name table empty or not NUL-terminated";
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

/* Is section @sh named exactly @want?  @eh/@strsec: an image mv_image_check() accepted. */
static bool mv_section_named(const void *image, const struct elf64_shdr *strsec,
			     const struct elf64_shdr *sh, const char *want)
{
	return mv_section_is((const char *)image + strsec->sh_offset, strsec->sh_size, sh->sh_name,
			     want);
}

/*
 * find_sec()'s strcmp(secstrings + sh_name, want), on the image as it lies: 1 equal, 0 different,
 * -1 when the compare would run past the end of the image.  The loader does not bound sh_name
 * everywhere (6.1 not on SHT_NOBITS sections, 6.12 not on SHT_NULL ones), so the name may lie
 * beyond the name table, yet inside the image.
 */
static int mv_loader_name_is(const void *image, u64 len, const struct elf64_shdr *strsec,
			     u32 sh_name, const char *want)
{
	u64 at = strsec->sh_offset + sh_name, n = strlen(want) + 1, i;
	const u8 *name = (const u8 *)image + at;

	for (i = 0; i < n; i++) {
		if (at + i >= len)
			return -1;
		if (name[i] != (u8)want[i])
			return 0;
	}
	return 1;
}

/*
 * The loader's find_sec(): the first section after the null one that has SHF_ALLOC and the name
 * @want; 0 when there is none.  On an image the loader has not rewritten yet.  Sets *@undefined
 * when the loader would read past the image on the way: what it then selects is undefined.
 */
static u32 mv_find_sec(const void *image, u64 len, const struct elf64_hdr *eh,
		       const struct elf64_shdr *strsec, const char *want, bool *undefined)
{
	struct elf64_shdr sh;
	u32 i;
	int is;

	for (i = 1; i < eh->e_shnum; i++) {
		mv_shdr(image, eh, i, &sh);
		if (!(sh.sh_flags & SHF_ALLOC))
			continue;
		is = mv_loader_name_is(image, len, strsec, sh.sh_name, want);
		if (is < 0) {
			*undefined = true;
			return 0;
		}
		if (is)
			return i;
	}
	return 0;
}

/**
 * mv_select_loader() - the version sections the loader will select for an image
 * @image: the image as it is before load_module() rewrites its section headers; mv_image_check()
 *	must have accepted it
 * @len: its length
 * @kf: how the running kernel reads version tables
 * @ignore_modversions: the load's MODULE_INIT_IGNORE_MODVERSIONS flag (modprobe
 *	--force-modversion): the loader then selects none
 * @sel: result, in the loader's terms (load_info.index.vers, .vers_ext_crc, .vers_ext_name)
 *
 * As setup_load_info() (6.1) and elf_validity_cache_copy() (6.12) or
 * elf_validity_cache_index_versions() (6.14+) select them: find_sec(), the first SHF_ALLOC section
 * of each name.  Loaders before 6.14 never look for the extended pair.
 */
void mv_select_loader(const void *image, u64 len, enum mv_kernel_format kf,
		      bool ignore_modversions, struct mv_selection *sel)
{
	struct elf64_shdr strsec;
	struct elf64_hdr eh;

	memset(sel, 0, sizeof(*sel));
	sel->forced = ignore_modversions;
	if (ignore_modversions)
		return;
	mv_ehdr(image, &eh);
	mv_shdr(image, &eh, eh.e_shstrndx, &strsec);
	sel->vers = mv_find_sec(image, len, &eh, &strsec, MV_SEC_BASIC, &sel->undefined);
	if (kf != MV_KERNEL_EXTENDED)
		return;
	sel->ext_crcs = mv_find_sec(image, len, &eh, &strsec, MV_SEC_EXT_CRCS, &sel->undefined);
	sel->ext_names = mv_find_sec(image, len, &eh, &strsec, MV_SEC_EXT_NAMES, &sel->undefined);
}

/**
 * mv_versions_ignored() - did the loader select no version table on purpose?
 * @image: the image during a load, after rewrite_section_headers(); mv_image_check() must have
 *	accepted it
 * @kf: how the running kernel reads version tables
 *
 * For a load whose loader selected no version section: the loader clears SHF_ALLOC on what it
 * selects, so a version section that still has it was seen and passed over, which only
 * MODULE_INIT_IGNORE_MODVERSIONS (modprobe --force-modversion) does.
 *
 * Return: true if the load ignores modversions.
 */
bool mv_versions_ignored(const void *image, enum mv_kernel_format kf)
{
	struct elf64_shdr sh, strsec;
	struct elf64_hdr eh;
	u32 i;

	mv_ehdr(image, &eh);
	mv_shdr(image, &eh, eh.e_shstrndx, &strsec);
	for (i = 1; i < eh.e_shnum; i++) {
		mv_shdr(image, &eh, i, &sh);
		if (!(sh.sh_flags & SHF_ALLOC))
			continue;
		if (mv_section_named(image, &strsec, &sh, MV_SEC_BASIC) ||
		    (kf == MV_KERNEL_EXTENDED &&
		     (mv_section_named(image, &strsec, &sh, MV_SEC_EXT_CRCS) ||
		      mv_section_named(image, &strsec, &sh, MV_SEC_EXT_NAMES))))
			return true;
	}
	return false;
}

/* The contents of section @index, if it has any inside the image; else a reason. */
static const char *mv_section_data(const void *image, u64 len, const struct elf64_hdr *eh,
				   u32 index, const u8 **data, u64 *size)
{
	struct elf64_shdr sh;

	if (index >= eh->e_shnum)
		return "version section index beyond the section table";
	mv_shdr(image, eh, index, &sh);
	if (sh.sh_type == SHT_NOBITS)
		return "version section without contents (SHT_NOBITS)";
	if (!mv_range_ok(len, sh.sh_offset, sh.sh_size))
		return "version section outside the image";
	*data = (const u8 *)image + sh.sh_offset;
	*size = sh.sh_size;
	return NULL;
}

/**
 * mv_tables_read() - read the version table the loader selected
 * @image: start of the ELF image; mv_image_check() must have accepted it
 * @len: its length in bytes
 * @kf: how the running kernel reads version tables
 * @sel: the loader's selection (mv_select_loader() or mv_select_rewritten())
 * @t: result; t->kind says which table is in use, or why none can be trusted
 *
 * The table check_version() reads: from 6.14 (MV_KERNEL_EXTENDED) the extended pair
 * when the loader selected it, else __versions; no selected section means no table.  Bytes the
 * loader would read without checking (a SHT_NOBITS section, one outside the image) and anything
 * modpost never writes (a size that is not a whole number of entries, an unterminated name, a name
 * twice: see mv_index_build()) make the table malformed: doubt is decided toward refusing.
 */
void mv_tables_read(const void *image, u64 len, enum mv_kernel_format kf,
		    const struct mv_selection *sel, struct mv_tables *t)
{
	const u8 *crcs, *names, *basic;
	u64 crcs_size, names_size, basic_size;
	struct elf64_hdr eh;
	const char *why;

	memset(t, 0, sizeof(*t));
	mv_ehdr(image, &eh);
	why = "the loader would read a section name outside the section name table";
	if (sel->undefined)
		goto malformed;
	if (kf == MV_KERNEL_EXTENDED && (sel->ext_crcs || sel->ext_names)) {
		why = MV_ERR_EXT_HALF;
		if (!sel->ext_crcs || !sel->ext_names)
			goto malformed;
		why = mv_section_data(image, len, &eh, sel->ext_crcs, &crcs, &crcs_size);
		if (!why)
			why = mv_section_data(image, len, &eh, sel->ext_names, &names, &names_size);
		if (!why)
			why = mv_parse_extended(crcs, crcs_size, (const char *)names, names_size,
						t);
		t->section = sel->ext_crcs;
	} else if (sel->vers) {
		why = mv_section_data(image, len, &eh, sel->vers, &basic, &basic_size);
		if (!why)
			why = mv_parse_basic(basic, basic_size, t);
		t->section = sel->vers;
	} else {
		t->forced = sel->forced;	/* t->kind stays MV_TABLE_NONE */
		return;
	}
	if (!why)
		return;
malformed:
	mv_malformed(t, why);
}

/**
 * mv_tables_find() - the version table the loader would use for a module image
 * @image: start of the ELF image, as a file holds it
 * @len: its length in bytes
 * @kf: how the kernel in question reads version tables
 * @t: result
 *
 * For an image that is not being loaded (the dry run, modver-dump): selected as a load without
 * flags would select it, then read as check_version() reads it.
 */
void mv_tables_find(const void *image, u64 len, enum mv_kernel_format kf, struct mv_tables *t)
{
	struct mv_selection sel;
	const char *why;

	if (mv_image_check(image, len, &why) != 0) {
		mv_malformed(t, why);
		return;
	}
	mv_select_loader(image, len, kf, false, &sel);
	mv_tables_read(image, len, kf, &sel, t);
}

/**
 * mv_tables_find_format() - one format's version table, found by name alone
 * @image: start of the ELF image
 * @len: its length in bytes
 * @format: MV_TABLE_BASIC or MV_TABLE_EXTENDED
 * @t: result; t->kind says what was found, or why it cannot be trusted
 *
 * What the image carries, whatever the loader selects: the section of that name with or without
 * SHF_ALLOC, a second section of the same name making it malformed.  For listings (modver-dump)
 * and for tables=all, which checks every table an image carries.
 */
void mv_tables_find_format(const void *image, u64 len, enum mv_table_kind format,
			   struct mv_tables *t)
{
	static const char *const wanted[] = { MV_SEC_BASIC, MV_SEC_EXT_CRCS, MV_SEC_EXT_NAMES };
	u32 found[3] = { 0, 0, 0 };
	struct elf64_shdr sh, strsec;
	struct mv_selection sel = { 0 };
	struct elf64_hdr eh;
	const char *why;
	unsigned int w;
	u32 i;

	memset(t, 0, sizeof(*t));
	if (mv_image_check(image, len, &why) != 0)
		goto malformed;
	mv_ehdr(image, &eh);
	mv_shdr(image, &eh, eh.e_shstrndx, &strsec);
	for (i = 1; i < eh.e_shnum; i++) {
		mv_shdr(image, &eh, i, &sh);
		for (w = 0; w < ARRAY_SIZE(wanted); w++)
			if (mv_section_named(image, &strsec, &sh, wanted[w]))
				break;
		if (w == ARRAY_SIZE(wanted))
			continue;
		why = "duplicate version section";
		if (found[w])
			goto malformed;
		found[w] = i;
	}
	if (format == MV_TABLE_BASIC) {
		sel.vers = found[0];
		mv_tables_read(image, len, MV_KERNEL_BASIC, &sel, t);
	} else {
		sel.ext_crcs = found[1];
		sel.ext_names = found[2];
		mv_tables_read(image, len, MV_KERNEL_EXTENDED, &sel, t);
	}
	return;
malformed:
	mv_malformed(t, why);
}

/**
 * mv_tables_others() - every other version table an image carries (tables=all)
 * @image: start of the ELF image; mv_image_check() must have accepted it
 * @len: its length in bytes
 * @kernel: the table the kernel reads (mv_tables_read())
 * @extra: up to two more tables: the basic and the extended one, found by name, unless they are
 *	@kernel's own section
 *
 * Return: how many of @extra are filled in, or -1 when one of them is malformed: @extra[0] then
 * holds it, and the load is in doubt.
 */
int mv_tables_others(const void *image, u64 len, const struct mv_tables *kernel,
		     struct mv_tables extra[2])
{
	static const enum mv_table_kind formats[] = { MV_TABLE_BASIC, MV_TABLE_EXTENDED };
	unsigned int i;
	int n = 0;

	for (i = 0; i < ARRAY_SIZE(formats); i++) {
		mv_tables_find_format(image, len, formats[i], &extra[n]);
		if (extra[n].kind == MV_TABLE_MALFORMED) {
			extra[0] = extra[n];
			return -1;
		}
		if (extra[n].kind != MV_TABLE_NONE && extra[n].section != kernel->section)
			n++;
	}
	return n;
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

/*
 * The index's key, random per instance (modver.ko: at init; the tools: at start).  A hash an
 * image's author can predict lets them choose names that all land in one run of slots and turn
 * every insert into a scan of that run: with a secret key they cannot aim, and the probe bound
 * below caps what bad luck can cost.
 */
struct mv_hash_key mv_index_key;

/*
 * Tables up to this size are indexed with FNV-1a, unkeyed, which costs a few instructions a byte
 * where SipHash costs hundreds a name (for a median module of 28 entries, SipHash alone cost more
 * than the kernel's whole scan).  Names chosen to collide can then all land in one run of slots,
 * but a run that long is still shorter than MV_INDEX_MAX_PROBE: indexing and looking up such a
 * table costs at most about n^2 compares (4,096), the order of the kernel's own scan of it.
 */
#define MV_INDEX_UNKEYED_MAX	64

static u32 mv_hash(const struct mv_tables *t, const char *s)
{
	u32 h = 2166136261U;

	if (t->count > MV_INDEX_UNKEYED_MAX)
		return (u32)mv_keyed_hash(s, strlen(s), &mv_index_key);
	while (*s) {
		h ^= (unsigned char)*s++;
		h *= 16777619U;
	}
	return h;
}

/* Tables this small are scanned: an index would cost more than it saves. */
#define MV_INDEX_MIN_ENTRIES	16
/* Entries indexed between two yields of the CPU. */
#define MV_INDEX_YIELD_EVERY	4096

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
	while (slots < 4ULL * t->count)
		slots <<= 1;
	return (slots + (t->kind == MV_TABLE_EXTENDED ? t->count : 0)) * sizeof(u32);
}

static const char *mv_indexed_name(const struct mv_tables *t, u32 index)
{
	return mv_entry_name(t, index, t->index_name_offs ? t->index_name_offs[index] : 0);
}

enum mv_index_fill {
	MV_INDEX_FILLED,
	MV_INDEX_DUPLICATE,	/* a name appears twice (and @tolerate was false) */
	MV_INDEX_ABANDONED,	/* an insert needed MV_INDEX_MAX_PROBE slots */
};

/*
 * Hash every name of @t into @t's index memory.  With @tolerate, a later entry for a name already
 * in the index is left out, so that the index answers with the first entry, as the kernel's scan
 * does, and t->unique says whether there was one.  Process context (it yields).
 */
static enum mv_index_fill mv_index_fill(struct mv_tables *t, bool tolerate)
{
	u32 nslots, i, slot, probe;
	bool unique = true;
	u64 off = 0;

	nslots = t->index_bytes / sizeof(u32) - (t->kind == MV_TABLE_EXTENDED ? t->count : 0);
	memset(t->index_mem, 0, t->index_bytes);
	t->index_slots = t->index_mem;
	t->index_name_offs = t->kind == MV_TABLE_EXTENDED ? t->index_slots + nslots : NULL;
	t->index_mask = nslots - 1;
	t->index_probe_max = 0;
	for (i = 0; i < t->count; i++) {
		const char *name = mv_entry_name(t, i, off);

		if (i % MV_INDEX_YIELD_EVERY == MV_INDEX_YIELD_EVERY - 1)
			mv_resched();
		if (t->index_name_offs)
			t->index_name_offs[i] = off;
		if (t->kind == MV_TABLE_EXTENDED)
			off += strlen(name) + 1;
		probe = 0;
		for (slot = mv_hash(t, name) & t->index_mask; t->index_slots[slot];
		     slot = (slot + 1) & t->index_mask) {
			if (!strcmp(mv_indexed_name(t, t->index_slots[slot] - 1), name))
				break;
			if (++probe >= MV_INDEX_MAX_PROBE) {
				t->index_slots = NULL;
				t->index_name_offs = NULL;
				t->index_mask = 0;
				t->index_abandoned = true;
				return MV_INDEX_ABANDONED;
			}
		}
		if (t->index_slots[slot]) {		/* the same name again */
			if (!tolerate)
				return MV_INDEX_DUPLICATE;
			unique = false;
			continue;
		}
		if (probe > t->index_probe_max)
			t->index_probe_max = probe;
		t->index_slots[slot] = i + 1;
	}
	t->unique = unique;
	return MV_INDEX_FILLED;
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
 * of a scan, whatever order the loader asks in.
 *
 * A table of more than MV_INDEX_EAGER_MAX entries (no real module has one: i915 has 1,231) is not
 * read up front: hashing every name of a table the loader may never search would cost more than
 * the stock check does.  Its lookups scan from the first entry, as the kernel's do, until they
 * have compared as many names as the table holds; then the index is built (mv_index_complete()),
 * answering with a name's first entry as the kernel's scan does.
 *
 * The hash is keyed (mv_index_key) and no insert probes more than MV_INDEX_MAX_PROBE slots: a
 * table that needs more is left unindexed and unchecked, exactly as a large table without memory
 * for the index (@mem NULL) or too large to index at all.  Lookups then scan from the first
 * entry, as the kernel does: never more than the stock cost.  Process context (it yields).
 */
void mv_index_build(struct mv_tables *t, void *mem, u64 bytes)
{
	u64 want = mv_index_bytes(t), off = 0, off2;
	u32 i, j;

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
	t->index_mem = mem;
	t->index_bytes = bytes;
	if (t->count > MV_INDEX_EAGER_MAX) {
		t->index_deferred = true;
		return;
	}
	if (mv_index_fill(t, false) == MV_INDEX_DUPLICATE)
		goto duplicate;
	return;
duplicate:
	mv_malformed(t, "a name appears twice in the version table");
}

/**
 * mv_index_complete() - build a deferred index now (see mv_index_build())
 * @t: the table; t->unique says afterwards whether its names are distinct
 *
 * Process context (it yields).
 */
void mv_index_complete(struct mv_tables *t)
{
	if (!t->index_deferred)
		return;
	t->index_deferred = false;
	mv_index_fill(t, true);
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
bool mv_lookup(struct mv_tables *t, struct mv_cursor *c, const char *sym, struct mv_entry *e)
{
	u32 index = c->index, i, slot, probe;
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

	/* A deferred index is built once the scans have read as many names as the table has. */
	if (t->index_deferred && c->compares >= t->count)
		mv_index_complete(t);
	if (t->index_slots) {
		/* mv_index_build() put every name within MV_INDEX_MAX_PROBE of its slot. */
		for (slot = mv_hash(t, sym) & t->index_mask, probe = 0;
		     t->index_slots[slot] && probe < MV_INDEX_MAX_PROBE;
		     slot = (slot + 1) & t->index_mask, probe++) {
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
