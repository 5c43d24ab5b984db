// SPDX-License-Identifier: GPL-2.0
/*
 * mutate: the generator of the differential test (qemu-test/run-tests.sh, issue 12).  It makes
 * COUNT mutants of the plain fixtures (mv_clean, mv_altered, mv_badlayout, mv_missing,
 * mv_notable) that the guest loads under the stock kernel and under each modver policy; the host
 * then checks that modver is never weaker than the kernel on any of them.
 *
 *   mutate SEED_DIR OUT_DIR COUNT SEED
 *
 * writes OUT_DIR/m0001.ko ... and OUT_DIR/manifest, one line per mutant:
 *   <id> <seed module> <classes> <description of every mutation, "; "-separated>
 * Mutant i depends only on SEED, i and the seed modules, so the same SEED and inputs give
 * byte-identical mutants, and a smaller COUNT gives a prefix of a larger one.
 *
 * Classes, applied alone or two or three at a time:
 *   ehdr    ELF header: e_ident bytes, the section header table moved to an unaligned copy,
 *           e_shoff/e_shnum/e_shstrndx that lie
 *   shdr    one field of the header of __versions, an extended table, .modinfo or a harmless
 *           section: sh_offset, sh_size, sh_flags (SHF_ALLOC), sh_type (SHT_NOBITS), sh_name
 *   dupsec  a second version section with other CRCs, before or after the original
 *   vtable  the bytes of __versions: CRCs, names, padding, truncation, NULs, duplicates, order
 *   ext     __version_ext_crcs/__version_ext_names: consistent, contradicting, half, miscounted
 *
 * Every mutant must be safe for the STOCK loader, which is the reference: it reads a selected
 * version section at hdr + sh_offset even when the section is SHT_NOBITS or SHT_NULL (it
 * bounds-checks only sections with contents), so such a section is always kept inside the file;
 * section names only ever point at names the loader does not act on; code, relocations and
 * .gnu.linkonce.this_module are never touched, so every mutant keeps its seed's module name.
 *
 * 64-bit little-endian modules only (x86_64 and arm64).  Exit 0 on success, 2 on usage or I/O
 * errors.
 */
#include <stdint.h>
#include <stdlib.h>

#include "modver_types.h"	/* u32, u64 and the ELF structures of <linux/elf.h> */

#define ENTRY_SIZE	64	/* struct modversion_info on a 64-bit kernel */
#define CRC_SIZE	8	/* its unsigned long crc */
#define NAME_LEN	(ENTRY_SIZE - CRC_SIZE)
#define MAX_ENTRIES	4096
#define SHDR_SIZE	sizeof(struct elf64_shdr)

#define ELFCLASS_BOGUS	3
#define ELFDATA_BOGUS	3
#define OSABI_LINUX	3
#define OSABI_ARM	97
#define OSABI_STANDALONE	255
#define SHT_OS_SPECIFIC	0x60000001
#define ARRAY_LEN(a)	(sizeof(a) / sizeof((a)[0]))

enum seed_id { SEED_CLEAN, SEED_ALTERED, SEED_BADLAYOUT, SEED_MISSING, SEED_NOTABLE, NR_SEEDS };

static const char * const seed_names[NR_SEEDS] = {
	"mv_clean", "mv_altered", "mv_badlayout", "mv_missing", "mv_notable",
};

/* How often each seed is picked, in parts of 20: the seeds whose load stock refuses matter most. */
static const unsigned int seed_weights[NR_SEEDS] = { 5, 4, 4, 4, 3 };

enum mutation_class { CLASS_EHDR, CLASS_SHDR, CLASS_DUPSEC, CLASS_VTABLE, CLASS_EXT, NR_CLASSES };

static const char * const class_names[NR_CLASSES] = { "ehdr", "shdr", "dupsec", "vtable", "ext" };

/* Names a renamed section may take: the version sections and names the loader ignores. */
static const char * const harmless_names[] = {
	"__versions", "__version_ext_crcs", "__version_ext_names", ".modinfo", ".comment",
	".note.GNU-stack",
};

/* Sections whose header may be mutated besides the version sections and .modinfo. */
static const char * const other_sections[] = { ".comment", ".note.GNU-stack", ".note.Linux" };

/* A lie in the ELF header, written after the section header table is in place. */
enum header_lie { LIE_NONE, LIE_SHOFF_PAST_END, LIE_SHOFF_TABLE_OVERRUNS, LIE_SHNUM, LIE_SHSTRNDX };

struct image {
	unsigned char *data;		/* the file, blobs appended by mutations included */
	size_t len;
	size_t cap;
	struct elf64_shdr *sh;		/* working section headers, written at finalize() */
	unsigned int shnum;
	unsigned int orig_shnum;
	unsigned int shstrndx;
	bool *touched;			/* headers a mutation changed or added */
	bool move_shdrs;		/* write the table to the end of the file */
	size_t shdr_misalign;		/* and start it at 8n + this */
	enum header_lie lie;
	u64 lie_value;
	char classes[64];
	char desc[4096];
};

struct seed {
	const char *name;
	unsigned char *data;
	size_t len;
};

static struct seed seeds[NR_SEEDS];

static void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("mutate: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(2);
}

/* splitmix64: small, seedable and the same on every host. */
static u64 next_random(u64 *state)
{
	u64 z = (*state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static unsigned int pick(u64 *rng, unsigned int n)
{
	return next_random(rng) % n;
}

/* A CRC change: mostly in the low 32 bits, sometimes only above (the kernel compares all 64). */
static u64 crc_mask(u64 *rng)
{
	if (pick(rng, 5) == 0)
		return 1ULL << (32 + pick(rng, 32));
	return (next_random(rng) & 0xffffffffULL) | 1;
}

static void describe(struct image *img, const char *fmt, ...)
{
	size_t used = strlen(img->desc);
	va_list ap;

	if (used && used + 2 < sizeof(img->desc)) {
		memcpy(img->desc + used, "; ", 3);
		used += 2;
	}
	va_start(ap, fmt);
	vsnprintf(img->desc + used, sizeof(img->desc) - used, fmt, ap);
	va_end(ap);
}

static void add_class(struct image *img, enum mutation_class class)
{
	if (img->classes[0])
		strcat(img->classes, "+");
	strcat(img->classes, class_names[class]);
}

static void *xmalloc(size_t n)
{
	void *p = calloc(1, n ? n : 1);

	if (!p)
		die("out of memory");
	return p;
}

static struct elf64_hdr *ehdr(struct image *img)
{
	return (struct elf64_hdr *)img->data;
}

static bool range_in_file(const struct image *img, u64 offset, u64 size)
{
	return offset <= img->len && size <= img->len - offset;
}

/* append(): copy N bytes to the end of the file at an 8n + MISALIGN offset; returns it. */
static size_t append(struct image *img, const void *bytes, size_t n, size_t misalign)
{
	size_t offset = ((img->len + 7) & ~(size_t)7) + misalign;

	if (offset + n > img->cap) {
		img->cap = (offset + n) * 2;
		img->data = realloc(img->data, img->cap);
		if (!img->data)
			die("out of memory");
	}
	memset(img->data + img->len, 0, offset - img->len);
	memcpy(img->data + offset, bytes, n);
	img->len = offset + n;
	return offset;
}

static const char *shstrtab(const struct image *img, size_t *size)
{
	const struct elf64_shdr *s = &img->sh[img->shstrndx];

	*size = range_in_file(img, s->sh_offset, s->sh_size) ? s->sh_size : 0;
	return (const char *)img->data + s->sh_offset;
}

static const char *section_name(const struct image *img, unsigned int idx)
{
	size_t size;
	const char *strings = shstrtab(img, &size);

	if (img->sh[idx].sh_name >= size || !memchr(strings + img->sh[idx].sh_name, 0,
						    size - img->sh[idx].sh_name))
		return "";
	return strings + img->sh[idx].sh_name;
}

/* The first section called NAME, whatever its flags; 0 when there is none. */
static unsigned int find_section(const struct image *img, const char *name)
{
	unsigned int i;

	for (i = 1; i < img->shnum; i++)
		if (strcmp(section_name(img, i), name) == 0)
			return i;
	return 0;
}

/*
 * The offset of NAME in the section name table.  A name the table lacks is added to a copy of
 * the table at the end of the file (the old copy stays, unused).
 */
static u32 name_offset(struct image *img, const char *name)
{
	size_t size, i, n = strlen(name) + 1;
	const char *strings = shstrtab(img, &size);
	struct elf64_shdr *s = &img->sh[img->shstrndx];
	unsigned char *copy;

	for (i = 0; i + n <= size; i++)
		if ((i == 0 || strings[i - 1] == '\0') && memcmp(strings + i, name, n) == 0)
			return i;
	copy = xmalloc(size + n);
	memcpy(copy, strings, size);
	memcpy(copy + size, name, n);
	s->sh_offset = append(img, copy, size + n, 0);
	s->sh_size = size + n;
	img->touched[img->shstrndx] = true;
	free(copy);
	return size;
}

static unsigned int add_section(struct image *img, const char *name, u32 type,
				u64 flags, u64 offset, u64 size, u64 align)
{
	struct elf64_shdr *s;
	u32 name_off = name_offset(img, name);

	img->sh = realloc(img->sh, (img->shnum + 1) * SHDR_SIZE);
	img->touched = realloc(img->touched, (img->shnum + 1) * sizeof(*img->touched));
	if (!img->sh || !img->touched)
		die("out of memory");
	s = &img->sh[img->shnum];
	memset(s, 0, SHDR_SIZE);
	s->sh_name = name_off;
	s->sh_type = type;
	s->sh_flags = flags;
	s->sh_offset = offset;
	s->sh_size = size;
	s->sh_addralign = align;
	img->touched[img->shnum] = true;
	img->move_shdrs = true;
	return img->shnum++;
}

/* Point section IDX at a copy of BYTES at the end of the file. */
static void set_contents(struct image *img, unsigned int idx, const void *bytes, size_t n)
{
	img->sh[idx].sh_offset = append(img, bytes, n, 0);
	img->sh[idx].sh_size = n;
	img->touched[idx] = true;
}

/* A version table being edited: whole 64-byte entries plus any trailing bytes. */
struct table {
	unsigned char bytes[MAX_ENTRIES * ENTRY_SIZE + ENTRY_SIZE];
	size_t len;
};

static size_t entries(const struct table *t)
{
	return t->len / ENTRY_SIZE;
}

static const char *entry_name(const struct table *t, size_t i)
{
	return (const char *)t->bytes + i * ENTRY_SIZE + CRC_SIZE;
}

static size_t entry_index(const struct table *t, const char *name)
{
	size_t i;

	for (i = 0; i < entries(t); i++)
		if (strncmp(entry_name(t, i), name, NAME_LEN) == 0)
			return i;
	return SIZE_MAX;
}

static void xor_crc(struct table *t, size_t i, u64 mask)
{
	u64 crc;

	memcpy(&crc, t->bytes + i * ENTRY_SIZE, CRC_SIZE);
	crc ^= mask;
	memcpy(t->bytes + i * ENTRY_SIZE, &crc, CRC_SIZE);
}

/* A printable name for entry I (names may have lost their NUL). */
static const char *label(const struct table *t, size_t i)
{
	static char buf[NAME_LEN + 1];

	memcpy(buf, entry_name(t, i), NAME_LEN);
	buf[NAME_LEN] = '\0';
	return buf;
}

/* The seed's own __versions as the kernel would read it (whole entries, inside the file). */
static bool seed_table(const struct seed *seed, struct table *t)
{
	const struct elf64_hdr *eh = (const struct elf64_hdr *)seed->data;
	const struct elf64_shdr *sh = (const void *)(seed->data + eh->e_shoff);
	const char *strings = (const char *)seed->data + sh[eh->e_shstrndx].sh_offset;
	unsigned int i;

	for (i = 1; i < eh->e_shnum; i++) {
		if (strcmp(strings + sh[i].sh_name, "__versions"))
			continue;
		t->len = sh[i].sh_size - sh[i].sh_size % ENTRY_SIZE;
		if (t->len > MAX_ENTRIES * ENTRY_SIZE)
			die("%s: __versions has more than %d entries", seed->name, MAX_ENTRIES);
		memcpy(t->bytes, seed->data + sh[i].sh_offset, t->len);
		return true;
	}
	return false;
}

/*
 * The version table mutations start from: the module's first __versions when it lies in the
 * file, else (moved away or absent) the seed's own, else mv_clean's (mv_notable has none; it
 * imports the same symbols).
 */
static void current_table(const struct image *img, const struct seed *seed, struct table *t)
{
	unsigned int idx = find_section(img, "__versions");
	const struct elf64_shdr *s = &img->sh[idx];

	if (idx && range_in_file(img, s->sh_offset, s->sh_size) &&
	    s->sh_size >= ENTRY_SIZE && s->sh_size <= MAX_ENTRIES * ENTRY_SIZE) {
		t->len = s->sh_size - s->sh_size % ENTRY_SIZE;
		memcpy(t->bytes, img->data + s->sh_offset, t->len);
		return;
	}
	if (seed_table(seed, t) || seed_table(&seeds[SEED_CLEAN], t))
		return;
	die("no seed has a __versions table to start from");
}

/* An entry to change: module_layout, _printk (when the table has it) or another one. */
static size_t pick_entry(const struct table *t, u64 *rng)
{
	size_t i;

	switch (pick(rng, 3)) {
	case 0:
		i = entry_index(t, "module_layout");
		break;
	case 1:
		i = entry_index(t, "_printk");
		break;
	default:
		i = SIZE_MAX;
		break;
	}
	return i != SIZE_MAX ? i : pick(rng, entries(t));
}

/* Edit T in one of the ways a version table can be wrong; describes it. */
static void mutate_table_bytes(struct image *img, struct table *t, u64 *rng)
{
	size_t i = pick_entry(t, rng), n = entries(t), j, name_len;
	unsigned char entry[ENTRY_SIZE];
	u64 mask = crc_mask(rng);
	bool before;

	switch (pick(rng, 10)) {
	case 0:
		xor_crc(t, i, mask);
		describe(img, "__versions: CRC of %s ^= 0x%llx", label(t, i),
			 (unsigned long long)mask);
		break;
	case 1:
		snprintf((char *)entry, sizeof(entry), "%s", label(t, i));
		if (pick(rng, 2) && n > 1) {
			j = (i + 1) % n;
			memcpy(t->bytes + i * ENTRY_SIZE + CRC_SIZE, entry_name(t, j), NAME_LEN);
			describe(img, "__versions: entry %s renamed %s (a name twice)", entry,
				 label(t, j));
		} else {
			/* '_' becomes 'X', a letter changes case: nothing exports the name. */
			j = i * ENTRY_SIZE + CRC_SIZE;
			t->bytes[j] = t->bytes[j] == '_' ? 'X' : t->bytes[j] ^ 0x20;
			describe(img, "__versions: entry %s renamed %s", entry, label(t, i));
		}
		break;
	case 2:
		j = pick(rng, 2) ? 8 : 32;
		memset(t->bytes + t->len, 0, j);
		t->len += j;
		describe(img, "__versions padded by %zu zero bytes (size no multiple of 64)", j);
		break;
	case 3:
		j = pick(rng, 2) ? n - 1 : 0;
		describe(img, "__versions truncated: entry %zu (%s) of %zu removed", j, label(t, j),
			 n);
		memmove(t->bytes + j * ENTRY_SIZE, t->bytes + (j + 1) * ENTRY_SIZE,
			t->len - (j + 1) * ENTRY_SIZE);
		t->len -= ENTRY_SIZE;
		break;
	case 4:
		name_len = strnlen(entry_name(t, i), NAME_LEN);
		describe(img, "__versions: NUL after %s replaced, name field filled to 56 bytes",
			 label(t, i));
		memset(t->bytes + i * ENTRY_SIZE + CRC_SIZE + name_len, '_', NAME_LEN - name_len);
		break;
	case 5:
		before = pick(rng, 2);
		memcpy(entry, t->bytes + i * ENTRY_SIZE, ENTRY_SIZE);
		j = before ? i : i + 1;
		memmove(t->bytes + (j + 1) * ENTRY_SIZE, t->bytes + j * ENTRY_SIZE,
			t->len - j * ENTRY_SIZE);
		memcpy(t->bytes + j * ENTRY_SIZE, entry, ENTRY_SIZE);
		t->len += ENTRY_SIZE;
		xor_crc(t, j, mask);
		describe(img, "__versions: %s duplicated %s the original with CRC ^= 0x%llx",
			 label(t, j), before ? "before" : "after", (unsigned long long)mask);
		break;
	case 6:
		if (pick(rng, 2)) {
			for (j = 0; j < n / 2; j++) {
				memcpy(entry, t->bytes + j * ENTRY_SIZE, ENTRY_SIZE);
				memcpy(t->bytes + j * ENTRY_SIZE,
				       t->bytes + (n - 1 - j) * ENTRY_SIZE, ENTRY_SIZE);
				memcpy(t->bytes + (n - 1 - j) * ENTRY_SIZE, entry, ENTRY_SIZE);
			}
			describe(img, "__versions: %zu entries reversed", n);
		} else {
			memcpy(entry, t->bytes + (n - 1) * ENTRY_SIZE, ENTRY_SIZE);
			memmove(t->bytes + ENTRY_SIZE, t->bytes, (n - 1) * ENTRY_SIZE);
			memcpy(t->bytes, entry, ENTRY_SIZE);
			describe(img, "__versions: last entry (%s) moved first", label(t, 0));
		}
		break;
	case 7:
		memset(t->bytes, 0, t->len);
		describe(img, "__versions zeroed (%zu bytes)", t->len);
		break;
	case 8:
		for (j = 0; j < n; j++)
			xor_crc(t, j, mask);
		describe(img, "__versions: every CRC ^= 0x%llx", (unsigned long long)mask);
		break;
	default:
		describe(img, "__versions: every CRC except %s's ^= 0x%llx", label(t, i),
			 (unsigned long long)mask);
		for (j = 0; j < n; j++)
			if (j != i)
				xor_crc(t, j, mask);
		break;
	}
}

static void mutate_vtable(struct image *img, const struct seed *seed, u64 *rng)
{
	unsigned int idx = find_section(img, "__versions");
	struct table *t = xmalloc(sizeof(*t));

	current_table(img, seed, t);
	if (!idx) {
		/* mv_notable: give it a table first (mv_clean's, matching this kernel). */
		idx = add_section(img, "__versions", SHT_PROGBITS, SHF_ALLOC, 0, 0, 32);
		describe(img, "__versions (mv_clean's, all CRCs matching) added as section %u",
			 idx);
		if (pick(rng, 2))
			mutate_table_bytes(img, t, rng);
	} else {
		mutate_table_bytes(img, t, rng);
	}
	set_contents(img, idx, t->bytes, t->len);
	free(t);
}

/* The extended tables of T's entries as modpost writes them, then changed as VARIANT says. */
static void mutate_ext(struct image *img, const struct seed *seed, u64 *rng)
{
	static const char * const variants[] = {
		"consistent with __versions", "contradicting __versions", "crcs only", "names only",
		"one CRC more than names", "one name more than CRCs", "names unterminated",
		"in reverse order of __versions",
	};
	struct table *t = xmalloc(sizeof(*t));
	unsigned int variant = pick(rng, ARRAY_LEN(variants));
	unsigned int crc_idx = find_section(img, "__version_ext_crcs");
	unsigned int name_idx = find_section(img, "__version_ext_names");
	size_t n, i, k, name_len = 0, crc_count, name_count;
	u32 *crcs;
	char *names;
	bool alloc = pick(rng, 4) != 0;
	size_t changed = 0;
	u32 mask = (u32)crc_mask(rng) | 1;
	u64 crc;

	current_table(img, seed, t);
	n = entries(t);
	crcs = xmalloc((n + 1) * sizeof(*crcs));
	names = xmalloc((n + 1) * (NAME_LEN + 1) + 1);
	if (variant == 1)
		changed = pick_entry(t, rng);
	for (k = 0; k < n; k++) {
		i = variant == 7 ? n - 1 - k : k;
		memcpy(&crc, t->bytes + i * ENTRY_SIZE, CRC_SIZE);
		crcs[k] = (u32)crc ^ (variant == 1 && i == changed ? mask : 0);
		name_len += snprintf(names + name_len, NAME_LEN + 1, "%s", label(t, i)) + 1;
	}
	crc_count = n;
	name_count = n;
	if (variant == 4) {
		name_len -= strlen(label(t, n - 1)) + 1;
		name_count--;
	}
	if (variant == 5) {
		name_len += snprintf(names + name_len, NAME_LEN + 1, "%s", "mv_no_such_symbol") + 1;
		name_count++;
	}
	if (variant == 6)
		name_len--;	/* the last name's NUL */
	else if (variant != 4)
		names[name_len++] = '\0';	/* modpost's string literal ends in one more NUL */

	if (crc_idx && variant != 3)
		set_contents(img, crc_idx, crcs, crc_count * sizeof(*crcs));
	else if (variant != 3)
		crc_idx = add_section(img, "__version_ext_crcs", SHT_PROGBITS, 0,
				      append(img, crcs, crc_count * sizeof(*crcs), 0),
				      crc_count * sizeof(*crcs), 4);
	if (name_idx && variant != 2)
		set_contents(img, name_idx, names, name_len);
	else if (variant != 2)
		name_idx = add_section(img, "__version_ext_names", SHT_PROGBITS, 0,
				       append(img, names, name_len, 0), name_len, 1);
	/* A half that existed already is made invisible the way the loader ignores sections. */
	for (i = 0; i < 2; i++) {
		unsigned int idx = i ? name_idx : crc_idx;
		bool wanted = i ? variant != 2 : variant != 3;

		if (!idx)
			continue;
		img->touched[idx] = true;
		if (wanted && alloc)
			img->sh[idx].sh_flags |= SHF_ALLOC;
		else
			img->sh[idx].sh_flags &= ~(u64)SHF_ALLOC;
	}
	describe(img, "extended tables %s (%zu CRCs, %zu names%s%s), %s", variants[variant],
		 variant == 3 ? 0 : crc_count, variant == 2 ? 0 : name_count,
		 variant == 1 ? ", CRC of " : "", variant == 1 ? label(t, changed) : "",
		 alloc ? "SHF_ALLOC" : "not SHF_ALLOC (ignored by the loader)");
	if (variant == 1)
		describe(img, "its CRC ^= 0x%x in __version_ext_crcs only", mask);
	free(crcs);
	free(names);
	free(t);
}

/*
 * A second version section with other CRCs, before or after the original in section order:
 * the new header goes last; "before" swaps the contents, so the changed copy keeps the
 * original's (lower) index and the original contents move to the new header.
 */
static void mutate_dupsec(struct image *img, const struct seed *seed, u64 *rng)
{
	unsigned int idx = find_section(img, "__version_ext_crcs");
	unsigned int dup;
	struct table *t = xmalloc(sizeof(*t));
	bool before = pick(rng, 2), alloc = pick(rng, 4) != 0;
	u64 mask = crc_mask(rng);
	struct elf64_shdr copy;
	size_t i, offset, size;
	char name[NAME_LEN + 1];
	u32 c32;

	if (idx && pick(rng, 3) == 0 &&
	    range_in_file(img, img->sh[idx].sh_offset, img->sh[idx].sh_size)) {
		/* Extended kernels: a second __version_ext_crcs, every CRC changed. */
		unsigned char *crcs = xmalloc(img->sh[idx].sh_size);

		memcpy(crcs, img->data + img->sh[idx].sh_offset, img->sh[idx].sh_size);
		for (i = 0; i + 4 <= img->sh[idx].sh_size; i += 4) {
			memcpy(&c32, crcs + i, 4);
			c32 ^= (u32)mask | 1;
			memcpy(crcs + i, &c32, 4);
		}
		offset = append(img, crcs, img->sh[idx].sh_size, 0);
		describe(img, "second __version_ext_crcs, every CRC ^= 0x%x",
			 (u32)mask | 1);
		free(crcs);
	} else {
		idx = find_section(img, "__versions");
		current_table(img, seed, t);
		if (!idx) {
			idx = add_section(img, "__versions", SHT_PROGBITS, SHF_ALLOC, 0, 0, 32);
			set_contents(img, idx, t->bytes, t->len);
			describe(img, "__versions (mv_clean's, all CRCs matching) added");
		}
		if (pick(rng, 2)) {
			i = pick_entry(t, rng);
			xor_crc(t, i, mask);
			describe(img, "second __versions, CRC of %s ^= 0x%llx", label(t, i),
				 (unsigned long long)mask);
		} else {
			for (i = 0; i < entries(t); i++)
				xor_crc(t, i, mask);
			describe(img, "second __versions, every CRC ^= 0x%llx",
				 (unsigned long long)mask);
		}
		offset = append(img, t->bytes, t->len, 0);
	}
	size = img->len - offset;
	copy = img->sh[idx];
	/* name_offset() may move the name table: the name is copied first. */
	snprintf(name, sizeof(name), "%s", section_name(img, idx));
	dup = add_section(img, name, copy.sh_type,
			  alloc ? copy.sh_flags | SHF_ALLOC : copy.sh_flags & ~(u64)SHF_ALLOC,
			  offset, size, copy.sh_addralign);
	if (before) {
		img->sh[dup].sh_offset = copy.sh_offset;
		img->sh[dup].sh_size = copy.sh_size;
		img->sh[dup].sh_flags = copy.sh_flags;
		img->sh[idx].sh_offset = offset;
		img->sh[idx].sh_size = size;
		img->sh[idx].sh_flags = alloc ? copy.sh_flags | SHF_ALLOC :
						copy.sh_flags & ~(u64)SHF_ALLOC;
		img->touched[idx] = true;
	}
	describe(img, "the changed copy is section %u, %s the original (section %u), %s",
		 before ? idx : dup, before ? "before" : "after", before ? dup : idx,
		 alloc ? "SHF_ALLOC" : "not SHF_ALLOC");
	free(t);
}

/* One field of one section header. */
static void mutate_shdr(struct image *img, u64 *rng)
{
	unsigned int candidates[8], n = 0, idx, i, other;
	struct elf64_shdr *s;
	const char *new_name;
	char name[NAME_LEN + 1];
	unsigned int variant;
	u64 old;

	idx = find_section(img, "__versions");
	if (idx) {
		candidates[n++] = idx;	/* the table that matters most, three times as likely */
		candidates[n++] = idx;
		candidates[n++] = idx;
	}
	idx = find_section(img, "__version_ext_crcs");
	if (idx)
		candidates[n++] = idx;
	idx = find_section(img, "__version_ext_names");
	if (idx)
		candidates[n++] = idx;
	idx = find_section(img, ".modinfo");
	if (idx)
		candidates[n++] = idx;
	idx = find_section(img, other_sections[pick(rng, ARRAY_LEN(other_sections))]);
	if (idx)
		candidates[n++] = idx;
	if (!n)
		die("no section to mutate");
	idx = candidates[pick(rng, n)];
	s = &img->sh[idx];
	/* append() may move the image: the name is copied first. */
	snprintf(name, sizeof(name), "%s", section_name(img, idx));
	img->touched[idx] = true;

	switch (pick(rng, 5)) {
	case 0:		/* sh_offset */
		old = s->sh_offset;
		variant = pick(rng, 5);
		/* A section already outside the file has nothing to copy: move it further out. */
		if (variant == 0 && !range_in_file(img, s->sh_offset, s->sh_size))
			variant = 3;
		switch (variant) {
		case 0:
			s->sh_offset = append(img, img->data + s->sh_offset, s->sh_size, 4);
			describe(img, "%s moved to an unaligned copy (sh_offset 0x%llx -> 0x%llx)",
				 name, (unsigned long long)old, (unsigned long long)s->sh_offset);
			return;
		case 1:
			other = find_section(img, ".modinfo");
			if (other == idx || !other)
				other = find_section(img, ".strtab");
			s->sh_offset = img->sh[other].sh_offset;
			describe(img, "%s sh_offset 0x%llx -> 0x%llx (%s's bytes)", name,
				 (unsigned long long)old, (unsigned long long)s->sh_offset,
				 section_name(img, other));
			return;
		case 2:
			s->sh_offset += 8;
			describe(img, "%s sh_offset 0x%llx -> 0x%llx (8 bytes later)", name,
				 (unsigned long long)old, (unsigned long long)s->sh_offset);
			return;
		case 3:
			s->sh_offset = (1ULL << 32) + pick(rng, 4096);
			describe(img, "%s sh_offset 0x%llx -> 0x%llx (outside the file)", name,
				 (unsigned long long)old, (unsigned long long)s->sh_offset);
			return;
		default:
			s->sh_offset = ~0ULL - 0x10;
			describe(img, "%s sh_offset 0x%llx -> 0x%llx (offset + size wraps)", name,
				 (unsigned long long)old, (unsigned long long)s->sh_offset);
			return;
		}
	case 1:		/* sh_size */
		old = s->sh_size;
		switch (pick(rng, 6)) {
		case 0:
			s->sh_size = 0;
			break;
		case 1:
			s->sh_size = old ? old - 1 : 1;
			break;
		case 2:
			s->sh_size = old + 8;
			break;
		case 3:
			s->sh_size = old + ENTRY_SIZE;
			break;
		case 4:
			s->sh_size = old / 2;
			break;
		default:
			s->sh_size = 1ULL << 40;
			break;
		}
		if (s->sh_size == old)	/* an empty section stays empty when halved */
			s->sh_size = old + 8;
		describe(img, "%s sh_size 0x%llx -> 0x%llx", name, (unsigned long long)old,
			 (unsigned long long)s->sh_size);
		return;
	case 2:		/* sh_flags */
		old = s->sh_flags;
		switch (pick(rng, 3)) {
		case 0:
			s->sh_flags ^= SHF_ALLOC;
			break;
		case 1:
			s->sh_flags |= SHF_WRITE | SHF_EXECINSTR;
			break;
		default:
			s->sh_flags = 0;
			break;
		}
		describe(img, "%s sh_flags 0x%llx -> 0x%llx (SHF_ALLOC %s)", name,
			 (unsigned long long)old, (unsigned long long)s->sh_flags,
			 s->sh_flags & SHF_ALLOC ? "set" : "clear");
		return;
	case 3:		/* sh_type */
		old = s->sh_type;
		switch (pick(rng, 5)) {
		case 0:
		case 1:
			s->sh_type = SHT_NOBITS;
			break;
		case 2:
			s->sh_type = SHT_NULL;
			break;
		case 3:
			s->sh_type = SHT_NOTE;
			break;
		default:
			s->sh_type = SHT_OS_SPECIFIC;
			break;
		}
		describe(img, "%s sh_type %llu -> 0x%x", name, (unsigned long long)old, s->sh_type);
		return;
	default:	/* sh_name */
		i = pick(rng, ARRAY_LEN(harmless_names));
		if (strcmp(harmless_names[i], name) == 0)
			i = (i + 1) % ARRAY_LEN(harmless_names);
		new_name = harmless_names[i];
		s->sh_name = name_offset(img, new_name);
		describe(img, "section %u sh_name %s -> %s", idx, name, new_name);
		return;
	}
}

static void mutate_ehdr(struct image *img, u64 *rng)
{
	static const unsigned char classes[] = { ELFCLASS32, ELFCLASSNONE, ELFCLASS_BOGUS };
	static const unsigned char encodings[] = { ELFDATA2MSB, ELFDATANONE, ELFDATA_BOGUS };
	static const unsigned char versions[] = { EV_NONE, 2, 0xff };
	static const unsigned char abis[] = { OSABI_LINUX, OSABI_ARM, OSABI_STANDALONE };
	struct elf64_hdr *eh = ehdr(img);
	unsigned int idx;

	switch (pick(rng, 8)) {
	case 0:
		eh->e_ident[EI_CLASS] = classes[pick(rng, sizeof(classes))];
		describe(img, "e_ident[EI_CLASS] 2 -> %u", eh->e_ident[EI_CLASS]);
		return;
	case 1:
		eh->e_ident[EI_DATA] = encodings[pick(rng, sizeof(encodings))];
		describe(img, "e_ident[EI_DATA] 1 -> %u", eh->e_ident[EI_DATA]);
		return;
	case 2:
		eh->e_ident[EI_VERSION] = versions[pick(rng, sizeof(versions))];
		describe(img, "e_ident[EI_VERSION] 1 -> %u", eh->e_ident[EI_VERSION]);
		return;
	case 3:
		eh->e_ident[EI_OSABI] = abis[pick(rng, sizeof(abis))];
		describe(img, "e_ident[EI_OSABI] 0 -> %u", eh->e_ident[EI_OSABI]);
		return;
	case 4:
		img->move_shdrs = true;
		img->shdr_misalign = 4;
		describe(img, "section header table copied to an unaligned offset (8n+4)");
		return;
	case 5:
		img->lie = pick(rng, 2) ? LIE_SHOFF_PAST_END : LIE_SHOFF_TABLE_OVERRUNS;
		img->lie_value = 8 * (1 + pick(rng, 7));
		return;		/* described by finalize(), which knows the final length */
	case 6:
		img->lie = LIE_SHSTRNDX;
		switch (pick(rng, 4)) {
		case 0:
			img->lie_value = SHN_UNDEF;
			break;
		case 1:
			img->lie_value = img->shnum;
			break;
		case 2:
			idx = find_section(img, ".strtab");
			img->lie_value = idx ? idx : img->shnum;
			break;
		default:
			idx = find_section(img, "__versions");
			img->lie_value = idx ? idx : img->shnum + 1;
			break;
		}
		describe(img, "e_shstrndx %u -> %llu (%s)", img->shstrndx,
			 (unsigned long long)img->lie_value,
			 img->lie_value && img->lie_value < img->shnum ?
			 section_name(img, img->lie_value) : "no such section");
		return;
	default:
		img->lie = LIE_SHNUM;
		switch (pick(rng, 3)) {
		case 0:
			img->lie_value = img->shnum - 1;
			break;
		case 1:
			/* At the end of the file: the extra header is outside it, never garbage. */
			img->lie_value = img->shnum + 1;
			img->move_shdrs = true;
			break;
		default:
			idx = find_section(img, "__versions");
			img->lie_value = idx ? idx : img->shnum - 1;
			break;
		}
		describe(img, "e_shnum %u -> %llu", img->shnum, (unsigned long long)img->lie_value);
		return;
	}
}

static void load_seed(struct seed *seed, const char *dir, const char *name)
{
	char path[4096];
	const struct elf64_hdr *eh;
	FILE *f;
	long len;

	snprintf(path, sizeof(path), "%s/%s.ko", dir, name);
	seed->name = name;
	f = fopen(path, "rb");
	if (!f)
		return;		/* the caller checks that enough seeds exist */
	if (fseek(f, 0, SEEK_END))
		die("%s: cannot read", path);
	len = ftell(f);
	if (len < (long)sizeof(*eh))
		die("%s: cannot read", path);
	rewind(f);
	seed->data = xmalloc(len);
	if (fread(seed->data, 1, len, f) != (size_t)len)
		die("%s: cannot read", path);
	fclose(f);
	seed->len = len;
	eh = (const struct elf64_hdr *)seed->data;
	if (memcmp(eh->e_ident, ELFMAG, SELFMAG) || eh->e_ident[EI_CLASS] != ELFCLASS64 ||
	    eh->e_ident[EI_DATA] != ELFDATA2LSB || eh->e_shentsize != SHDR_SIZE ||
	    eh->e_shoff > seed->len || eh->e_shnum * SHDR_SIZE > seed->len - eh->e_shoff ||
	    !eh->e_shstrndx || eh->e_shstrndx >= eh->e_shnum)
		die("%s: not a 64-bit little-endian module", path);
}

static void start_image(struct image *img, const struct seed *seed)
{
	const struct elf64_hdr *eh = (const struct elf64_hdr *)seed->data;

	memset(img, 0, sizeof(*img));
	img->cap = seed->len * 4;
	img->data = xmalloc(img->cap);
	memcpy(img->data, seed->data, seed->len);
	img->len = seed->len;
	img->shnum = eh->e_shnum;
	img->orig_shnum = eh->e_shnum;
	img->shstrndx = eh->e_shstrndx;
	img->sh = xmalloc(img->shnum * SHDR_SIZE);
	memcpy(img->sh, seed->data + eh->e_shoff, img->shnum * SHDR_SIZE);
	img->touched = xmalloc(img->shnum * sizeof(*img->touched));
}

/* Write the section headers and the header lies; keep unchecked sections inside the file. */
static void finalize(struct image *img)
{
	unsigned int i;
	struct elf64_shdr *s;
	struct elf64_hdr *eh;
	size_t table = img->shnum * SHDR_SIZE;

	for (i = 1; i < img->shnum; i++) {
		s = &img->sh[i];
		if (!img->touched[i] || (s->sh_type != SHT_NOBITS && s->sh_type != SHT_NULL) ||
		    range_in_file(img, s->sh_offset, s->sh_size))
			continue;
		/* The stock loader would read it out of bounds: keep the test about modver. */
		s->sh_offset = sizeof(*eh);
		if (s->sh_size > img->len - sizeof(*eh))
			s->sh_size = (img->len - sizeof(*eh)) & ~(u64)(ENTRY_SIZE - 1);
		describe(img, "(section %u kept in the file at 0x%llx, size 0x%llx)",
			 i, (unsigned long long)s->sh_offset, (unsigned long long)s->sh_size);
	}
	if (img->move_shdrs) {
		ehdr(img)->e_shoff = append(img, img->sh, table, img->shdr_misalign);
		ehdr(img)->e_shnum = img->shnum;
	} else {
		memcpy(img->data + ehdr(img)->e_shoff, img->sh, table);
	}
	eh = ehdr(img);
	switch (img->lie) {
	case LIE_SHOFF_PAST_END:
		describe(img, "e_shoff 0x%llx -> 0x%llx (past the end of the file)",
			 (unsigned long long)eh->e_shoff,
			 (unsigned long long)(img->len + img->lie_value));
		eh->e_shoff = img->len + img->lie_value;
		break;
	case LIE_SHOFF_TABLE_OVERRUNS:
		describe(img, "e_shoff 0x%llx -> 0x%llx (the table overruns the end by %llu bytes)",
			 (unsigned long long)eh->e_shoff,
			 (unsigned long long)(img->len - table + img->lie_value),
			 (unsigned long long)img->lie_value);
		eh->e_shoff = img->len - table + img->lie_value;
		break;
	case LIE_SHNUM:
		eh->e_shnum = img->lie_value;
		break;
	case LIE_SHSTRNDX:
		eh->e_shstrndx = img->lie_value;
		break;
	default:
		break;
	}
}

static void write_file(const char *path, const void *data, size_t n)
{
	FILE *f = fopen(path, "wb");

	if (!f || fwrite(data, 1, n, f) != n || fclose(f))
		die("cannot write %s", path);
}

/* The classes of one mutant: one (half of them), or two or three different ones. */
static unsigned int pick_classes(u64 *rng, enum mutation_class *out)
{
	unsigned int roll = pick(rng, 10), n = roll < 5 ? 1 : roll < 8 ? 2 : 3, i, j;
	bool used[NR_CLASSES] = { false };
	enum mutation_class c;

	for (i = 0; i < n; i++) {
		do
			c = pick(rng, NR_CLASSES);
		while (used[c]);
		used[c] = true;
		out[i] = c;
	}
	/* ehdr lies and the moved table describe the final layout: apply them last. */
	for (i = 0; i + 1 < n; i++) {
		if (out[i] != CLASS_EHDR)
			continue;
		for (j = i; j + 1 < n; j++)
			out[j] = out[j + 1];
		out[n - 1] = CLASS_EHDR;
		break;
	}
	return n;
}

static const struct seed *pick_seed(u64 *rng)
{
	unsigned int total = 0, roll, i;

	for (i = 0; i < NR_SEEDS; i++)
		if (seeds[i].data)
			total += seed_weights[i];
	roll = pick(rng, total);
	for (i = 0; i < NR_SEEDS; i++) {
		if (!seeds[i].data)
			continue;
		if (roll < seed_weights[i])
			return &seeds[i];
		roll -= seed_weights[i];
	}
	return NULL;
}

int main(int argc, char **argv)
{
	enum mutation_class chosen[3];
	unsigned long count, id, seed_value;
	const struct seed *seed;
	char path[4096];
	struct image img;
	unsigned int n, i;
	u64 rng;
	FILE *manifest;

	if (argc != 5) {
		fprintf(stderr, "%s\n", "usage: mutate SEED_DIR OUT_DIR COUNT SEED");
		return 2;
	}
	count = strtoul(argv[3], NULL, 0);
	seed_value = strtoul(argv[4], NULL, 0);
	for (i = 0; i < NR_SEEDS; i++)
		load_seed(&seeds[i], argv[1], seed_names[i]);
	if (!seeds[SEED_CLEAN].data)
		die("%s/mv_clean.ko is needed (mv_notable's mutants get its table)", argv[1]);
	snprintf(path, sizeof(path), "%s/manifest", argv[2]);
	manifest = fopen(path, "w");
	if (!manifest)
		die("cannot write %s", path);
	fprintf(manifest, "# mutate seed %lu count %lu: id seed-module classes description\n",
		seed_value, count);

	for (id = 1; id <= count; id++) {
		/* Each mutant from its own stream: a prefix of the set does not depend on COUNT. */
		rng = seed_value * 0x100000001b3ULL ^ id * 0x9e3779b97f4a7c15ULL;
		next_random(&rng);
		seed = pick_seed(&rng);
		start_image(&img, seed);
		n = pick_classes(&rng, chosen);
		for (i = 0; i < n; i++) {
			add_class(&img, chosen[i]);
			switch (chosen[i]) {
			case CLASS_EHDR:
				mutate_ehdr(&img, &rng);
				break;
			case CLASS_SHDR:
				mutate_shdr(&img, &rng);
				break;
			case CLASS_DUPSEC:
				mutate_dupsec(&img, seed, &rng);
				break;
			case CLASS_VTABLE:
				mutate_vtable(&img, seed, &rng);
				break;
			default:
				mutate_ext(&img, seed, &rng);
				break;
			}
		}
		finalize(&img);
		snprintf(path, sizeof(path), "%s/m%04lu.ko", argv[2], id);
		write_file(path, img.data, img.len);
		fprintf(manifest, "m%04lu %s %s %s\n", id, seed->name, img.classes, img.desc);
		free(img.data);
		free(img.sh);
		free(img.touched);
	}
	if (fclose(manifest))
		die("cannot write the manifest");
	return 0;
}
