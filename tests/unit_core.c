// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of modver's pure core (modver_table.c, modver_decide.c), built in userspace with
 * ASan and UBSan from the same sources as modver.ko.  Prints "PASS name" or "FAIL name: why" per
 * test and "unit tests: ok" when all passed; exits 1 on any failure.
 */
#include <stdio.h>
#include <stdlib.h>

#include "../qemu-test/tools/fnv_collide.h"
#include "elf_image.h"
#include "modver_decide.h"
#include "modver_elf.h"
#include "modver_format.h"
#include "modver_rules.h"
#include "unit.h"

/* A formatted line must be exactly @want. */
#define CHECK_LINE(got, want) CHECK(!strcmp((got), (want)))

/* mv_tables_find() and mv_index_build(), as modver.ko prepares a table; free *mem after use. */
static void find_tables(const struct image *img, struct mv_tables *t, void **mem)
{
	u64 bytes;

	mv_tables_find(img->bytes, img->len, MV_KERNEL_EXTENDED, t);
	bytes = mv_index_bytes(t);
	*mem = bytes ? malloc(bytes) : NULL;
	mv_index_build(t, *mem, bytes);
}

static const char *const names5[] = { "_printk", "kmalloc_caches", "mv_exported_fn",
				      "a_symbol_whose_name_is_exactly_fifty_five_bytes_long_xx",
				      "module_layout" };
static const u64 crcs5[] = { 0x122c3a7e, 0x4c9d28b0, 0xc6454d19, 0x01020304, 0x2f9b2b9a };

/* An image with a basic table of names5/crcs5. */
static void basic_image(struct image *img)
{
	u64 size;
	u8 *t = basic_table(names5, crcs5, 5, &size);
	struct image_section s[] = { { ".text", "\x90", 1, 0 }, { MV_SEC_BASIC, t, size, 0 } };

	image_build(img, s, 2);
	free(t);
}

static void test_entry_layout(void)
{
	CHECK(MV_BASIC_ENTRY_SIZE == 64);
	CHECK(MV_BASIC_NAME_LEN == 56);
	CHECK(strlen(names5[3]) == 55);
}

static void test_basic_parse(void)
{
	struct image img;
	struct mv_tables t;

	basic_image(&img);
	mv_tables_find(img.bytes, img.len, MV_KERNEL_EXTENDED, &t);
	CHECK(t.kind == MV_TABLE_BASIC);
	CHECK(t.count == 5);
	image_free(&img);
}

/* Look every name up in @order; every lookup must find its own entry and CRC. */
static u64 lookups(struct mv_tables *t, const unsigned int *order, unsigned int n)
{
	struct mv_cursor c;
	struct mv_entry e;
	unsigned int i;

	mv_cursor_init(t, &c);
	for (i = 0; i < n; i++) {
		CHECK(mv_lookup(t, &c, names5[order[i]], &e));
		CHECK(e.index == order[i]);
		CHECK(e.crc == crcs5[order[i]]);
		CHECK(strcmp(e.name, names5[order[i]]) == 0);
	}
	return c.compares;
}

static void test_lookup_orders(void)
{
	static const unsigned int loader[] = { 4, 0, 1, 2, 3 };
	static const unsigned int reverse[] = { 4, 3, 2, 1, 0 };
	static const unsigned int shuffled[] = { 2, 4, 0, 3, 1 };
	struct mv_tables t;
	struct image img;
	void *mem;

	basic_image(&img);
	find_tables(&img, &t, &mem);
	/* The loader's order (module_layout first, then table order): one compare per symbol. */
	CHECK(lookups(&t, loader, 5) == 5);
	/* Any other order still finds every entry, at most one pass per lookup. */
	CHECK(lookups(&t, reverse, 5) <= 25);
	CHECK(lookups(&t, shuffled, 5) <= 25);
	CHECK(t.unique);
	free(mem);
	image_free(&img);
}

static void test_hint_never_trusted(void)
{
	struct mv_tables t;
	struct mv_cursor c = { .index = 1000, .name_off = 3 };
	struct mv_entry e;
	struct image img;
	void *mem;

	basic_image(&img);
	find_tables(&img, &t, &mem);
	CHECK(mv_lookup(&t, &c, "mv_exported_fn", &e) && e.index == 2);
	c.index = 3;	/* points at the wrong entry */
	CHECK(mv_lookup(&t, &c, "_printk", &e) && e.index == 0);
	CHECK(!mv_lookup(&t, &c, "not_there", &e));
	CHECK(!mv_lookup(&t, &c, "_print", &e));	/* prefixes do not match */
	free(mem);
	image_free(&img);
}

/* A basic table of n entries "sym<i>" with crc i; with @dup, the last is named "sym0" again. */
/* An image whose basic table holds @names (CRC i for the i-th). */
static void names_image(struct image *img, const char *const *names, unsigned int n)
{
	u64 *crcs = calloc(n, sizeof(*crcs)), size;
	struct image_section s = { MV_SEC_BASIC, NULL, 0, 0 };
	unsigned int i;
	u8 *table;

	for (i = 0; i < n; i++)
		crcs[i] = i;
	table = basic_table(names, crcs, n, &size);
	s.data = table;
	s.size = size;
	image_build(img, &s, 1);
	free(table);
	free(crcs);
}

/* A table of "sym0".."sym<n-1>" (CRC i); with @dup, the last entry names sym0 again. */
static void big_image(struct image *img, unsigned int n, bool dup)
{
	const char **names = calloc(n, sizeof(*names));
	char (*buf)[16] = calloc(n, sizeof(*buf));
	unsigned int i;

	for (i = 0; i < n; i++) {
		snprintf(buf[i], sizeof(buf[i]), "sym%u", i);
		names[i] = buf[i];
	}
	if (dup)
		names[n - 1] = "sym0";
	names_image(img, names, n);
	free(buf);
	free(names);
}

static void test_index(void)
{
	const unsigned int n = 1000;
	struct mv_tables t;
	struct mv_cursor c;
	struct mv_entry e;
	struct image img;
	char name[16];
	u64 bytes;
	void *mem;
	unsigned int i, k;

	big_image(&img, n, false);
	mv_tables_find(img.bytes, img.len, MV_KERNEL_EXTENDED, &t);
	bytes = mv_index_bytes(&t);
	CHECK(bytes >= 2 * n * sizeof(u32));
	mem = malloc(bytes);
	mv_index_build(&t, mem, bytes - 4);	/* wrong size: stays unindexed */
	CHECK(!t.index_slots);
	mv_index_build(&t, mem, bytes);
	CHECK(t.index_slots);
	mv_cursor_init(&t, &c);
	/* A scattered order: every lookup misses the hint, and the index answers. */
	for (k = 0; k < n - 1; k++) {
		i = (k * 7919) % (n - 1);
		snprintf(name, sizeof(name), "sym%u", i);
		CHECK(mv_lookup(&t, &c, name, &e) && e.index == i && e.crc == i);
	}
	CHECK(c.compares <= 3 * (n - 1));
	CHECK(!mv_lookup(&t, &c, "sym1000", &e));
	CHECK(!mv_lookup(&t, &c, "", &e));
	free(mem);
	image_free(&img);
}

/* The userspace SipHash-2-4 gives the reference vectors (key 00..0f, message 00..len-1). */
static void test_siphash_vectors(void)
{
	static const u64 want[16] = { [0] = 0x726fdb47dd0e0e31ULL, [8] = 0x93f5f5799a932462ULL,
				      [15] = 0xa129ca6149be45e5ULL };
	struct mv_hash_key key;
	char msg[16];
	unsigned int i;

	for (i = 0; i < 16; i++)
		msg[i] = (char)i;
	key.key[0] = 0x0706050403020100ULL;
	key.key[1] = 0x0f0e0d0c0b0a0908ULL;
	CHECK(mv_keyed_hash(msg, 0, &key) == want[0]);
	CHECK(mv_keyed_hash(msg, 8, &key) == want[8]);
	CHECK(mv_keyed_hash(msg, 15, &key) == want[15]);
}

/*
 * 32,768 names that all start at one slot of the old unkeyed index (FNV-1a, low 16 bits): under
 * the keyed hash, for every one of several keys, no insert probes far and every name is found in
 * about one compare.  The old index needed n^2/2 compares to build.
 */
static void test_index_colliding_names(void)
{
	const unsigned int n = 32768;
	char (*buf)[FNV_COLLIDE_NAME_MAX] = calloc(n, sizeof(*buf));
	const char **names = calloc(n, sizeof(*names));
	unsigned int i, k, worst = 0;
	struct mv_tables t;
	struct mv_cursor c;
	struct mv_entry e;
	struct image img;
	void *mem;

	CHECK(fnv_collide_names(buf, n, "mv_collide_", 0x4d56) == n);
	for (i = 0; i < n; i++) {
		names[i] = buf[i];
		CHECK((fnv_collide_hash32(buf[i]) & 0xffff) == 0x4d56);
	}
	names_image(&img, names, n);
	for (k = 0; k < 8; k++) {
		mv_index_key.key[0] = 0x9e3779b97f4a7c15ULL * (k + 1);
		mv_index_key.key[1] = 0xbf58476d1ce4e5b9ULL ^ k;
		find_tables(&img, &t, &mem);
		/* Over MV_INDEX_EAGER_MAX: nothing is hashed until the scans cost as much. */
		CHECK(t.kind == MV_TABLE_BASIC && t.index_deferred && !t.index_slots);
		mv_cursor_init(&t, &c);
		for (i = 0; i < n; i++) {
			unsigned int j = (i * 7919) % n;

			CHECK(mv_lookup(&t, &c, names[j], &e) && e.index == j);
		}
		CHECK(!t.index_deferred && t.unique && t.index_slots &&
		      t.index_mask + 1 == 4 * n && !t.index_abandoned);
		if (t.index_probe_max > worst)
			worst = t.index_probe_max;
		CHECK(c.compares <= 5 * n);
		free(mem);
	}
	printf("note: 32768 FNV-colliding names, 8 keys: longest probe %u (bound %u)\n", worst,
	       MV_INDEX_MAX_PROBE);
	CHECK(worst < MV_INDEX_MAX_PROBE / 2);
	image_free(&img);
	free(names);
	free(buf);
}

/*
 * A table larger than MV_INDEX_EAGER_MAX is read only as the loader asks: a few lookups near its
 * start cost what the kernel's scan costs and build nothing; a second entry for a name is not an
 * offence there, and the index, once built, answers with the first entry, as the kernel does.
 */
static void test_index_deferred(void)
{
	const unsigned int n = MV_INDEX_EAGER_MAX + 100;
	struct mv_tables t;
	struct mv_cursor c;
	struct mv_entry e;
	struct image img;
	char name[16];
	unsigned int i;
	void *mem;

	big_image(&img, n, true);	/* the last entry names sym0 again */
	find_tables(&img, &t, &mem);
	CHECK(t.kind == MV_TABLE_BASIC && t.index_deferred && !t.unique);
	mv_cursor_init(&t, &c);
	CHECK(mv_lookup(&t, &c, "sym0", &e) && e.index == 0);
	CHECK(mv_lookup(&t, &c, "sym3", &e) && e.index == 3 && c.compares == 1 + 4);
	CHECK(t.index_deferred && !t.index_slots);
	for (i = n - 2; i > 0; i--) {
		snprintf(name, sizeof(name), "sym%u", i);
		CHECK(mv_lookup(&t, &c, name, &e) && e.index == i);
	}
	CHECK(!t.index_deferred && t.index_slots && !t.unique);
	CHECK(mv_lookup(&t, &c, "sym0", &e) && e.index == 0);
	CHECK(!mv_lookup(&t, &c, "sym99999", &e));
	CHECK(c.compares <= 4 * (u64)n);
	free(mem);
	image_free(&img);
}

/*
 * Someone who knows the key can make every name land in one slot: the build gives up at the probe
 * bound, and the table is scanned from the first entry like the kernel's (first entry wins, one
 * scan per lookup at most), never worse.
 */
static void test_index_probe_bound(void)
{
	const unsigned int n = 200;
	char (*buf)[16] = calloc(n, sizeof(*buf));
	const char **names = calloc(n, sizeof(*names));
	unsigned int i, found = 0, tries = 0;
	struct mv_tables t;
	struct mv_cursor c;
	struct mv_entry e;
	struct image img;
	u64 before;
	void *mem;

	mv_index_key.key[0] = 0x0123456789abcdefULL;
	mv_index_key.key[1] = 0xfedcba9876543210ULL;
	/* 200 entries get 1024 slots: names whose hash is 0 modulo 1024. */
	while (found < n) {
		snprintf(buf[found], sizeof(buf[found]), "b%u", tries++);
		if ((mv_keyed_hash(buf[found], strlen(buf[found]), &mv_index_key) & 1023) == 0)
			found++;
	}
	for (i = 0; i < n; i++)
		names[i] = buf[i];
	names_image(&img, names, n);
	find_tables(&img, &t, &mem);
	CHECK(t.kind == MV_TABLE_BASIC && t.index_abandoned && !t.index_slots && !t.unique);
	mv_cursor_init(&t, &c);
	for (i = 0; i < n; i++) {
		before = c.compares;
		CHECK(mv_lookup(&t, &c, names[i], &e) && e.index == i);
		CHECK(c.compares - before == i + 1);	/* the kernel's scan, from the first */
	}
	CHECK(!mv_lookup(&t, &c, "not-there", &e));
	free(mem);
	image_free(&img);
	free(names);
	free(buf);
}

/* Two entries for one name: malformed, found by the index or by the pairwise check. */
static void test_duplicates(void)
{
	struct mv_tables t;
	struct mv_cursor c;
	struct mv_entry e;
	struct image img;
	void *mem;
	u64 bytes;

	big_image(&img, 100, true);
	find_tables(&img, &t, &mem);
	CHECK(t.kind == MV_TABLE_MALFORMED);
	free(mem);
	image_free(&img);

	big_image(&img, 10, true);
	find_tables(&img, &t, &mem);
	CHECK(!mem && t.kind == MV_TABLE_MALFORMED);
	image_free(&img);

	/* Without memory for an index, a large table is scanned from the start, like the kernel. */
	big_image(&img, 100, true);
	mv_tables_find(img.bytes, img.len, MV_KERNEL_EXTENDED, &t);
	bytes = mv_index_bytes(&t);
	mv_index_build(&t, NULL, bytes);
	CHECK(t.kind == MV_TABLE_BASIC && !t.unique && !t.index_slots);
	mv_cursor_init(&t, &c);
	CHECK(mv_lookup(&t, &c, "sym0", &e) && e.index == 0);
	CHECK(mv_lookup(&t, &c, "sym0", &e) && e.index == 0);
	image_free(&img);
}

static void test_extended_index(void)
{
	char names[26 * 40], *p = names;
	u32 crcs[26];
	struct image_section s[] = { { MV_SEC_EXT_CRCS, crcs, sizeof(crcs), 0 },
				     { MV_SEC_EXT_NAMES, names, 0, 0 } };
	struct mv_tables t;
	struct mv_cursor c;
	struct mv_entry e;
	struct image img;
	char want[40];
	u64 bytes;
	void *mem;
	int i;

	for (i = 0; i < 26; i++) {
		p += sprintf(p, "%c_long_extended_symbol_name_%d", 'a' + i, i) + 1;
		crcs[i] = 0x1000 + i;
	}
	s[1].size = p - names;
	image_build(&img, s, 2);
	mv_tables_find(img.bytes, img.len, MV_KERNEL_EXTENDED, &t);
	CHECK(t.kind == MV_TABLE_EXTENDED && t.count == 26);
	bytes = mv_index_bytes(&t);
	mem = malloc(bytes);
	mv_index_build(&t, mem, bytes);
	mv_cursor_init(&t, &c);
	for (i = 25; i >= 0; i--) {
		snprintf(want, sizeof(want), "%c_long_extended_symbol_name_%d", 'a' + i, i);
		CHECK(mv_lookup(&t, &c, want, &e) && e.index == (u32)i && e.crc == 0x1000u + i);
	}
	CHECK(c.compares <= 3 * 26);
	free(mem);
	image_free(&img);
}

static void expect_malformed(const struct image_section *s, unsigned int n)
{
	struct mv_tables t;
	struct image img;

	image_build(&img, s, n);
	mv_tables_find(img.bytes, img.len, MV_KERNEL_EXTENDED, &t);
	CHECK(t.kind == MV_TABLE_MALFORMED);
	CHECK(t.error && *t.error);
	image_free(&img);
}

static void test_basic_malformed(void)
{
	u8 entry[MV_BASIC_ENTRY_SIZE * 2];
	struct image_section s = { MV_SEC_BASIC, entry, sizeof(entry) - 1, 0 };

	memset(entry, 0, sizeof(entry));
	memcpy(entry + 8, "_printk", sizeof("_printk"));
	memcpy(entry + 72, "module_layout", sizeof("module_layout"));
	expect_malformed(&s, 1);		/* size not a multiple of 64 */
	s.size = sizeof(entry);
	memset(entry + 72, 'x', MV_BASIC_NAME_LEN);
	expect_malformed(&s, 1);		/* unterminated name */
}

static void test_empty_tables(void)
{
	struct image_section basic = { MV_SEC_BASIC, NULL, 0, 0 };
	struct image_section ext[] = { { MV_SEC_EXT_CRCS, NULL, 0, 0 },
				       { MV_SEC_EXT_NAMES, NULL, 0, 0 } };
	struct mv_cursor c;
	struct mv_tables t;
	struct mv_entry e;
	struct image img;

	image_build(&img, &basic, 1);
	mv_tables_find(img.bytes, img.len, MV_KERNEL_EXTENDED, &t);
	CHECK(t.kind == MV_TABLE_BASIC && t.count == 0);
	mv_cursor_init(&t, &c);
	CHECK(!mv_lookup(&t, &c, "module_layout", &e));
	image_free(&img);

	image_build(&img, ext, 2);
	mv_tables_find(img.bytes, img.len, MV_KERNEL_EXTENDED, &t);
	CHECK(t.kind == MV_TABLE_EXTENDED && t.count == 0);
	image_free(&img);
}

static const char ext_names[] =
	"_printk\0"
	"a_symbol_name_longer_than_the_fifty_five_bytes_of_a_basic_entry_name\0"
	"module_layout";
static const u32 ext_crcs[] = { 0x122c3a7e, 0xdeadbeef, 0x2f9b2b9a };

static void test_extended(void)
{
	static const char *const basic_names[] = { "_printk", "module_layout" };
	static const u64 basic_crcs[] = { 0x11111111, 0x22222222 };
	u64 bsize;
	u8 *basic = basic_table(basic_names, basic_crcs, 2, &bsize);
	struct image_section s[] = {
		{ MV_SEC_BASIC, basic, bsize, 0 },
		{ MV_SEC_EXT_CRCS, ext_crcs, sizeof(ext_crcs), 0 },
		{ MV_SEC_EXT_NAMES, ext_names, sizeof(ext_names), 0 },
	};
	struct mv_cursor c;
	struct mv_tables t;
	struct mv_entry e;
	struct image img;

	image_build(&img, s, 3);
	mv_tables_find(img.bytes, img.len, MV_KERNEL_EXTENDED, &t);
	CHECK(t.kind == MV_TABLE_EXTENDED);	/* extended wins over basic */
	CHECK(t.count == 3);
	mv_index_build(&t, NULL, 0);
	CHECK(t.unique);
	mv_cursor_init(&t, &c);
	CHECK(mv_lookup(&t, &c, "module_layout", &e) && e.crc == 0x2f9b2b9a && e.index == 2);
	CHECK(mv_lookup(&t, &c, "_printk", &e) && e.crc == 0x122c3a7e);
	CHECK(mv_lookup(&t, &c, ext_names + 8, &e) && e.crc == 0xdeadbeef);
	CHECK(c.compares == 3);
	CHECK(mv_lookup(&t, &c, "_printk", &e) && e.index == 0);
	image_free(&img);
	free(basic);
}

static void test_extended_malformed(void)
{
	static const char unterminated[] = { 'a', 0, 'b' };
	static const u32 four[4];
	struct image_section s[] = {
		{ MV_SEC_EXT_CRCS, ext_crcs, sizeof(ext_crcs), 0 },
		{ MV_SEC_EXT_NAMES, ext_names, sizeof(ext_names) - 1, 0 },
	};

	expect_malformed(&s[0], 1);		/* CRCs without names */
	expect_malformed(&s[1], 1);		/* names without CRCs */
	s[0].size = sizeof(ext_crcs) - 1;
	expect_malformed(s, 2);			/* CRC array not a multiple of 4 */
	s[0].data = four;
	s[0].size = sizeof(four);
	s[1].size = sizeof(ext_names);
	expect_malformed(s, 2);			/* more CRCs than names */
	s[0].size = sizeof(u32) * 2;
	s[1].data = unterminated;
	s[1].size = sizeof(unterminated);
	expect_malformed(s, 2);			/* the second name runs past the section */
}

/* What modpost writes: the names as one string literal, so one more NUL ends the section. */
static void test_extended_padding(void)
{
	static const char padded[] = "_printk\0module_layout\0\0\0";
	static const char extra[] = "_printk\0module_layout\0ignored_name";
	static const u32 two[] = { 0x122c3a7e, 0x2f9b2b9a };
	struct image_section s[] = {
		{ MV_SEC_EXT_CRCS, two, sizeof(two), 0 },
		{ MV_SEC_EXT_NAMES, padded, sizeof(padded), 0 },
	};
	struct mv_tables t;
	struct mv_cursor c;
	struct mv_entry e;
	struct image img;
	unsigned int k;

	for (k = 0; k < 2; k++) {
		s[1].data = k ? extra : padded;
		s[1].size = k ? sizeof(extra) : sizeof(padded);
		image_build(&img, s, 2);
		mv_tables_find(img.bytes, img.len, MV_KERNEL_EXTENDED, &t);
		CHECK(t.kind == MV_TABLE_EXTENDED && t.count == 2);
		mv_index_build(&t, NULL, 0);
		CHECK(t.unique);
		mv_cursor_init(&t, &c);
		CHECK(mv_lookup(&t, &c, "module_layout", &e) && e.index == 1 && c.compares == 1);
		CHECK(mv_lookup(&t, &c, "_printk", &e) && e.index == 0 && c.compares == 2);
		CHECK(!mv_lookup(&t, &c, "ignored_name", &e));
		image_free(&img);
	}
}

static void test_sections_outside(void)
{
	struct mv_tables t;
	struct image img;
	const char *why;

	basic_image(&img);
	image_section(&img, MV_SEC_BASIC)->sh_offset = img.len - 32;
	mv_tables_find(img.bytes, img.len, MV_KERNEL_EXTENDED, &t);
	CHECK(t.kind == MV_TABLE_MALFORMED);	/* table runs past the end */
	image_section(&img, MV_SEC_BASIC)->sh_offset = ~0ULL - 8;
	mv_tables_find(img.bytes, img.len, MV_KERNEL_EXTENDED, &t);
	CHECK(t.kind == MV_TABLE_MALFORMED);	/* offset + size overflows */
	image_section(&img, MV_SEC_BASIC)->sh_offset = 64;
	image_section(&img, MV_SEC_BASIC)->sh_size = ~0ULL & ~63ULL;
	mv_tables_find(img.bytes, img.len, MV_KERNEL_EXTENDED, &t);
	CHECK(t.kind == MV_TABLE_MALFORMED);	/* absurd size */
	image_section(&img, MV_SEC_BASIC)->sh_size = 64;
	image_section(&img, MV_SEC_BASIC)->sh_type = SHT_NOBITS;
	mv_tables_find(img.bytes, img.len, MV_KERNEL_EXTENDED, &t);
	CHECK(t.kind == MV_TABLE_MALFORMED);	/* no bytes in the file */
	image_free(&img);

	basic_image(&img);
	/* Overlapping the section header table is readable, and so parsed (and here malformed). */
	image_section(&img, MV_SEC_BASIC)->sh_offset = img.ehdr->e_shoff;
	image_section(&img, MV_SEC_BASIC)->sh_size = 64;
	mv_tables_find(img.bytes, img.len, MV_KERNEL_EXTENDED, &t);
	CHECK(t.kind == MV_TABLE_BASIC || t.kind == MV_TABLE_MALFORMED);
	image_free(&img);

	basic_image(&img);
	img.ehdr->e_shoff = img.len;
	CHECK(mv_image_check(img.bytes, img.len, &why) != 0);
	img.ehdr->e_shoff = 4;
	CHECK(mv_image_check(img.bytes, img.len, &why) != 0);
	img.ehdr->e_shoff = (u64)(img.shdrs) - (u64)img.bytes;
	img.ehdr->e_shstrndx = img.ehdr->e_shnum;
	CHECK(mv_image_check(img.bytes, img.len, &why) != 0);
	img.ehdr->e_shstrndx = img.ehdr->e_shnum - 1;
	CHECK(mv_image_check(img.bytes, img.len, &why) == 0);
	img.shdrs[img.ehdr->e_shstrndx].sh_size = img.len;
	CHECK(mv_image_check(img.bytes, img.len, &why) != 0);
	img.shdrs[img.ehdr->e_shstrndx].sh_size = 8;
	img.ehdr->e_ident[EI_CLASS] = ELFCLASS32;
	CHECK(mv_image_check(img.bytes, img.len, &why) != 0);
	img.ehdr->e_ident[EI_CLASS] = ELFCLASS64;
	img.bytes[0] = 0;
	CHECK(mv_image_check(img.bytes, img.len, &why) != 0);
	CHECK(mv_image_check(img.bytes, 10, &why) != 0);
	CHECK(mv_image_check(NULL, 0, &why) != 0);
	image_free(&img);
}

static void test_duplicate_and_none(void)
{
	struct image_section dup[] = { { MV_SEC_BASIC, NULL, 0, 0 }, { MV_SEC_BASIC, NULL, 0, 0 } };
	struct image_section none = { ".text", "\x90", 1, 0 };
	struct mv_tables t;
	struct image img;

	image_build(&img, dup, 2);
	mv_tables_find_format(img.bytes, img.len, MV_TABLE_BASIC, &t);
	CHECK(t.kind == MV_TABLE_MALFORMED);
	image_free(&img);
	image_build(&img, &none, 1);
	mv_tables_find(img.bytes, img.len, MV_KERNEL_EXTENDED, &t);
	CHECK(t.kind == MV_TABLE_NONE);
	image_free(&img);
}

/* The decision table of docs/design.md, row by row. */
static void test_decision_table(void)
{
	static const struct {
		enum mv_outcome outcome;
		bool layout;
		enum mv_action refuse, warn, log;
	} rows[] = {
		{ MV_MATCH, false, MV_ADMIT, MV_ADMIT, MV_ADMIT },
		{ MV_MISMATCH, false, MV_REFUSE, MV_ADMIT_TAINT, MV_ADMIT_TAINT },
		{ MV_MISSING, false, MV_REFUSE, MV_ADMIT_TAINT, MV_ADMIT_TAINT },
		{ MV_NO_TABLE, false, MV_REFUSE, MV_ADMIT_TAINT, MV_ADMIT_TAINT },
		{ MV_MALFORMED, false, MV_REFUSE, MV_ADMIT_TAINT, MV_ADMIT_TAINT },
		{ MV_UNVERSIONED, false, MV_ADMIT, MV_ADMIT, MV_ADMIT },
		{ MV_MATCH, true, MV_ADMIT, MV_ADMIT, MV_ADMIT },
		{ MV_MISMATCH, true, MV_REFUSE, MV_REFUSE, MV_REFUSE },
		{ MV_MISSING, true, MV_REFUSE, MV_REFUSE, MV_REFUSE },
		{ MV_NO_TABLE, true, MV_REFUSE, MV_ADMIT_TAINT, MV_ADMIT_TAINT },
		/* A table in doubt leaves module_layout unverified: refused under every policy. */
		{ MV_MALFORMED, true, MV_REFUSE, MV_REFUSE, MV_REFUSE },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(rows); i++) {
		CHECK(mv_decide(rows[i].outcome, MV_POLICY_REFUSE, rows[i].layout, false) ==
		      rows[i].refuse);
		CHECK(mv_decide(rows[i].outcome, MV_POLICY_WARN, rows[i].layout, false) ==
		      rows[i].warn);
		CHECK(mv_decide(rows[i].outcome, MV_POLICY_LOG, rows[i].layout, false) ==
		      rows[i].log);
	}
	/* The explicit switch lets warn and log admit a bad module_layout; refuse still refuses. */
	CHECK(mv_decide(MV_MISMATCH, MV_POLICY_WARN, true, true) == MV_ADMIT_TAINT);
	CHECK(mv_decide(MV_MISMATCH, MV_POLICY_LOG, true, true) == MV_ADMIT_TAINT);
	CHECK(mv_decide(MV_MISMATCH, MV_POLICY_REFUSE, true, true) == MV_REFUSE);
	CHECK(mv_decide(MV_MALFORMED, MV_POLICY_WARN, true, true) == MV_ADMIT_TAINT);
	CHECK(mv_decide(MV_MALFORMED, MV_POLICY_REFUSE, true, true) == MV_REFUSE);
}

/* Without CONFIG_MODULE_FORCE_LOAD every admission despite an offence becomes a refusal. */
static void test_no_forced_load(void)
{
	struct mv_verdict v = { .outcome = MV_MISMATCH, .action = MV_ADMIT_TAINT };
	char line[MV_LINE_MAX];

	mv_forbid_forced_load(&v, true);
	CHECK(v.action == MV_ADMIT_TAINT && !v.no_force_load);
	mv_forbid_forced_load(&v, false);
	CHECK(v.action == MV_REFUSE && v.no_force_load);
	mv_format_verdict(line, sizeof(line), "m", "s", &v, MV_POLICY_WARN);
	CHECK_LINE(line,
		   "m: s: mismatch, module crc none, kernel crc none: refused (policy warn, this kernel never force-loads (CONFIG_MODULE_FORCE_LOAD=n))");
	v.action = MV_ADMIT;
	v.no_force_load = false;
	mv_forbid_forced_load(&v, false);
	CHECK(v.action == MV_ADMIT && !v.no_force_load);
}

/* tables=all: every other table must agree with the kernel's CRC too. */
static void test_more_tables(void)
{
	static const char *const names[] = { "_printk", "module_layout" };
	static const u64 agree[] = { 0x1111, 0x2222 }, differ[] = { 0x9999, 0x2222 };
	static const u32 printk_crc = 0x1111, layout_crc = 0x2222;
	struct image_section s = { MV_SEC_BASIC, NULL, 0, 0 };
	struct mv_tables kernel, other[2];
	struct mv_cursor kc, oc[2];
	struct mv_verdict v;
	struct image ki, oi, one;
	u64 size;
	u8 *a, *b;

	a = basic_table(names, agree, 2, &size);
	b = basic_table(names, differ, 2, &size);
	s.data = a;
	s.size = size;
	image_build(&ki, &s, 1);
	s.data = b;
	image_build(&oi, &s, 1);
	s.size = MV_BASIC_ENTRY_SIZE;	/* module_layout is not in this one */
	image_build(&one, &s, 1);
	mv_tables_find(ki.bytes, ki.len, MV_KERNEL_BASIC, &kernel);
	mv_tables_find(oi.bytes, oi.len, MV_KERNEL_BASIC, &other[0]);
	mv_tables_find(one.bytes, one.len, MV_KERNEL_BASIC, &other[1]);
	mv_index_build(&kernel, NULL, 0);
	mv_index_build(&other[0], NULL, 0);
	mv_index_build(&other[1], NULL, 0);
	mv_cursor_init(&kernel, &kc);
	mv_cursor_init(&other[0], &oc[0]);
	mv_cursor_init(&other[1], &oc[1]);

	mv_verify_symbol(&kernel, &kc, "_printk", &printk_crc, MV_POLICY_REFUSE, false, &v);
	CHECK(v.outcome == MV_MATCH);
	mv_verify_more_tables(other, oc, 1, "_printk", MV_POLICY_REFUSE, false, &v);
	CHECK(v.outcome == MV_MISMATCH && v.module_crc == 0x9999 && v.action == MV_REFUSE);
	/* The kernel's table agrees, another one lacks the entry: missing; layout stays refused. */
	mv_verify_symbol(&kernel, &kc, "module_layout", &layout_crc, MV_POLICY_WARN, false, &v);
	mv_verify_more_tables(&other[1], &oc[1], 1, "module_layout", MV_POLICY_WARN, false, &v);
	CHECK(v.outcome == MV_MISSING && v.action == MV_REFUSE);
	/* An unversioned export has nothing to disagree with. */
	mv_verify_symbol(&kernel, &kc, "_printk", NULL, MV_POLICY_REFUSE, false, &v);
	mv_verify_more_tables(other, oc, 2, "_printk", MV_POLICY_REFUSE, false, &v);
	CHECK(v.outcome == MV_UNVERSIONED && v.action == MV_ADMIT);
	image_free(&ki);
	image_free(&oi);
	image_free(&one);
	free(a);
	free(b);
}

/* Two one-entry tables for _printk, with different CRCs. */
static void printk_tables(u8 **a, u8 **b, u64 *size)
{
	static const char *const name[] = { "_printk" };
	static const u64 crc_a[] = { 0xaaaa }, crc_b[] = { 0xbbbb };

	*a = basic_table(name, crc_a, 1, size);
	*b = basic_table(name, crc_b, 1, size);
}

static u64 printk_crc_in(const struct image *img, enum mv_kernel_format kf, bool forced,
			 enum mv_table_kind *kind)
{
	struct mv_selection sel;
	struct mv_cursor c;
	struct mv_tables t;
	struct mv_entry e;

	mv_select_loader(img->bytes, img->len, kf, forced, &sel);
	mv_tables_read(img->bytes, img->len, kf, &sel, &t);
	*kind = t.kind;
	mv_cursor_init(&t, &c);
	return mv_lookup(&t, &c, "_printk", &e) ? e.crc : 0;
}

/* The loader's choice (find_sec()): the first SHF_ALLOC section of the name, none when forced. */
static void test_loader_selection(void)
{
	enum mv_table_kind kind;
	struct mv_tables t;
	struct image img;
	u8 *a, *b;
	u64 size;

	printk_tables(&a, &b, &size);
	{
		struct image_section two[] = { { MV_SEC_BASIC, a, size, 0 },
					       { MV_SEC_BASIC, b, size, 0 } };
		struct image_section unalloc_first[] = {
			{ MV_SEC_BASIC, a, size, IMAGE_NOT_ALLOC }, { MV_SEC_BASIC, b, size, 0 } };
		struct image_section unalloc[] = { { MV_SEC_BASIC, a, size, IMAGE_NOT_ALLOC } };

		image_build(&img, two, 2);
		CHECK(printk_crc_in(&img, MV_KERNEL_BASIC, false, &kind) == 0xaaaa);
		CHECK(kind == MV_TABLE_BASIC);
		CHECK(printk_crc_in(&img, MV_KERNEL_BASIC, true, &kind) == 0);
		CHECK(kind == MV_TABLE_NONE);
		/* By name alone, two tables of one name are in doubt. */
		mv_tables_find_format(img.bytes, img.len, MV_TABLE_BASIC, &t);
		CHECK(t.kind == MV_TABLE_MALFORMED);
		image_free(&img);

		image_build(&img, unalloc_first, 2);
		CHECK(printk_crc_in(&img, MV_KERNEL_BASIC, false, &kind) == 0xbbbb);
		image_free(&img);

		image_build(&img, unalloc, 1);
		CHECK(printk_crc_in(&img, MV_KERNEL_BASIC, false, &kind) == 0);
		CHECK(kind == MV_TABLE_NONE);
		mv_tables_find_format(img.bytes, img.len, MV_TABLE_BASIC, &t);
		CHECK(t.kind == MV_TABLE_BASIC);
		image_free(&img);
	}
	free(a);
	free(b);
}

/* A name the loader would read outside the section name table makes its choice undefined. */
static void test_selection_undefined(void)
{
	struct image_section s[] = { { ".bss", NULL, 0, SHT_NOBITS },
				     { MV_SEC_BASIC, NULL, 0, IMAGE_NOT_ALLOC } };
	struct mv_selection sel;
	struct mv_tables t;
	struct image img;

	image_build(&img, s, 2);
	img.shdrs[1].sh_name = 0xeabee7a4;	/* .bss: SHF_ALLOC, before any __versions */
	mv_select_loader(img.bytes, img.len, MV_KERNEL_BASIC, false, &sel);
	CHECK(sel.undefined);
	mv_tables_read(img.bytes, img.len, MV_KERNEL_BASIC, &sel, &t);
	CHECK(t.kind == MV_TABLE_MALFORMED);
	/* Past the name table but inside the image: the loader compares image bytes, defined. */
	img.shdrs[1].sh_name = img.shdrs[img.ehdr->e_shstrndx].sh_size + 8;
	mv_select_loader(img.bytes, img.len, MV_KERNEL_BASIC, false, &sel);
	CHECK(!sel.undefined && !sel.vers);
	/* A forced load selects nothing and reads no name. */
	img.shdrs[1].sh_name = 0xeabee7a4;
	mv_select_loader(img.bytes, img.len, MV_KERNEL_BASIC, true, &sel);
	CHECK(!sel.undefined);
	image_free(&img);
}

/* Extended tables are read only by kernels whose loader reads them (6.14+). */
static void test_extended_only_where_read(void)
{
	static const u8 crcs[] = { 0xcc, 0xcc, 0, 0 };
	static const char names[] = "_printk";
	struct image_section s[] = { { MV_SEC_BASIC, NULL, 0, 0 },
				     { MV_SEC_EXT_CRCS, crcs, sizeof(crcs), 0 },
				     { MV_SEC_EXT_NAMES, names, sizeof(names), 0 } };
	enum mv_table_kind kind;
	struct image img;
	u8 *a, *b;
	u64 size;

	printk_tables(&a, &b, &size);
	s[0].data = a;
	s[0].size = size;
	image_build(&img, s, 3);
	CHECK(printk_crc_in(&img, MV_KERNEL_BASIC, false, &kind) == 0xaaaa);
	CHECK(kind == MV_TABLE_BASIC);
	CHECK(printk_crc_in(&img, MV_KERNEL_EXTENDED, false, &kind) == 0xcccc);
	CHECK(kind == MV_TABLE_EXTENDED);
	image_free(&img);
	/* Half a pair: the 6.14+ loader refuses; a basic kernel never looks. */
	image_build(&img, s, 2);
	CHECK(printk_crc_in(&img, MV_KERNEL_BASIC, false, &kind) == 0xaaaa);
	printk_crc_in(&img, MV_KERNEL_EXTENDED, false, &kind);
	CHECK(kind == MV_TABLE_MALFORMED);
	image_free(&img);
	free(a);
	free(b);
}

/* After the rewrite: a version section that kept SHF_ALLOC was passed over on purpose. */
static void test_versions_ignored(void)
{
	struct image_section one[] = { { MV_SEC_BASIC, NULL, 0, 0 } };
	struct image_section ext[] = { { MV_SEC_EXT_CRCS, NULL, 0, 0 } };
	struct image img;

	image_build(&img, one, 1);
	CHECK(mv_versions_ignored(img.bytes, MV_KERNEL_BASIC));
	img.shdrs[1].sh_flags = 0;	/* cleared by the loader: it was selected */
	CHECK(!mv_versions_ignored(img.bytes, MV_KERNEL_BASIC));
	image_free(&img);
	image_build(&img, ext, 1);
	CHECK(!mv_versions_ignored(img.bytes, MV_KERNEL_BASIC));	/* never looked for */
	CHECK(mv_versions_ignored(img.bytes, MV_KERNEL_EXTENDED));
	image_free(&img);
}

/* Not checked, as the loader does not check them: class, data byte, alignment, name table type. */
static void test_image_check_like_loader(void)
{
	struct image_section s[] = { { ".text", "\x90", 1, 0 } };
	enum mv_table_kind kind;
	struct image img, moved;
	const char *why;
	u8 *a, *b;
	u64 size, shoff;

	image_build(&img, s, 1);
	img.ehdr->e_ident[EI_CLASS] = ELFCLASS32;
	img.ehdr->e_ident[EI_DATA] = ELFDATA2MSB;
	CHECK(mv_image_check(img.bytes, img.len, &why) == 0);
	img.shdrs[img.ehdr->e_shstrndx].sh_type = SHT_NOBITS;	/* 6.1 accepts it */
	CHECK(mv_image_check(img.bytes, img.len, &why) == 0);
	img.ehdr->e_shoff = img.len;
	CHECK(mv_image_check(img.bytes, img.len, &why) == -1);
	image_free(&img);

	/* The section header table at an offset of 8n+4, read in place. */
	printk_tables(&a, &b, &size);
	s[0].name = MV_SEC_BASIC;
	s[0].data = a;
	s[0].size = size;
	image_build(&img, s, 1);
	shoff = img.ehdr->e_shoff;
	moved.len = img.len + 4;
	moved.bytes = calloc(1, moved.len);
	memcpy(moved.bytes, img.bytes, shoff);
	memcpy(moved.bytes + shoff + 4, img.bytes + shoff, img.len - shoff);
	((struct elf64_hdr *)moved.bytes)->e_shoff = shoff + 4;
	CHECK(mv_image_check(moved.bytes, moved.len, &why) == 0);
	CHECK(printk_crc_in(&moved, MV_KERNEL_BASIC, false, &kind) == 0xaaaa);
	free(moved.bytes);
	/* The name table must end in NUL, as the loader requires. */
	img.bytes[img.shdrs[img.ehdr->e_shstrndx].sh_offset +
		  img.shdrs[img.ehdr->e_shstrndx].sh_size - 1] = 'x';
	CHECK(mv_image_check(img.bytes, img.len, &why) == -1);
	image_free(&img);
	free(a);
	free(b);
}

static void test_verify_symbol(void)
{
	static const u32 printk_crc = 0x122c3a7e, other = 0x99999999, layout = 0x2f9b2b9a;
	struct mv_verdict v;
	struct mv_cursor c;
	struct mv_tables t;
	struct image img;

	basic_image(&img);
	mv_tables_find(img.bytes, img.len, MV_KERNEL_EXTENDED, &t);
	mv_cursor_init(&t, &c);
	mv_verify_symbol(&t, &c, "module_layout", &layout, MV_POLICY_WARN, false, &v);
	CHECK(v.outcome == MV_MATCH && v.layout && v.action == MV_ADMIT);
	mv_verify_symbol(&t, &c, "_printk", &printk_crc, MV_POLICY_REFUSE, false, &v);
	CHECK(v.outcome == MV_MATCH && v.module_crc == printk_crc);
	mv_verify_symbol(&t, &c, "kmalloc_caches", &other, MV_POLICY_REFUSE, false, &v);
	CHECK(v.outcome == MV_MISMATCH && v.action == MV_REFUSE);
	CHECK(v.has_module_crc && v.module_crc == 0x4c9d28b0 && v.kernel_crc == other);
	mv_verify_symbol(&t, &c, "not_in_table", &other, MV_POLICY_LOG, false, &v);
	CHECK(v.outcome == MV_MISSING && !v.has_module_crc && v.action == MV_ADMIT_TAINT);
	mv_verify_symbol(&t, &c, "not_in_table", NULL, MV_POLICY_REFUSE, false, &v);
	CHECK(v.outcome == MV_UNVERSIONED && v.action == MV_ADMIT);
	image_free(&img);
}

static void test_crc_upper_bits(void)
{
	static const char *const n[] = { "sym" };
	static const u64 crc[] = { 0x100000000ULL | 0x1234 };
	static const u32 kcrc = 0x1234;
	u64 size;
	u8 *tab = basic_table(n, crc, 1, &size);
	struct image_section s = { MV_SEC_BASIC, tab, size, 0 };
	struct mv_verdict v;
	struct mv_cursor c;
	struct mv_tables t;
	struct image img;

	/* As the kernel compares: the whole entry against the zero-extended CRC. */
	image_build(&img, &s, 1);
	mv_tables_find(img.bytes, img.len, MV_KERNEL_EXTENDED, &t);
	mv_cursor_init(&t, &c);
	mv_verify_symbol(&t, &c, "sym", &kcrc, MV_POLICY_REFUSE, false, &v);
	CHECK(v.outcome == MV_MISMATCH);
	image_free(&img);
	free(tab);
}

static void test_policy_parse(void)
{
	CHECK(mv_policy_parse("refuse") == MV_POLICY_REFUSE);
	CHECK(mv_policy_parse("warn\n") == MV_POLICY_WARN);
	CHECK(mv_policy_parse("log") == MV_POLICY_LOG);
	CHECK(mv_policy_parse("log-only\n") == MV_POLICY_LOG);
	CHECK(mv_policy_parse("") < 0);
	CHECK(mv_policy_parse("\n") < 0);
	CHECK(mv_policy_parse("warn\n\n") < 0);
	CHECK(mv_policy_parse("refused") < 0);
	CHECK(mv_policy_parse("WARN") < 0);
	CHECK(strcmp(mv_policy_name(MV_POLICY_LOG), "log") == 0);
}

static void test_glob(void)
{
	CHECK(mv_glob_match("drm_*", "drm_gem_object_free"));
	CHECK(!mv_glob_match("drm_*", "i915_drm"));
	CHECK(mv_glob_match("*", ""));
	CHECK(mv_glob_match("*_fn", "mv_exported_fn"));
	CHECK(mv_glob_match("mv_?xported_*", "mv_exported_fn"));
	CHECK(!mv_glob_match("mv_exported", "mv_exported_fn"));
	CHECK(mv_glob_match("a*b*c", "axxbyyc"));
	CHECK(!mv_glob_match("a*b*c", "axxbyy"));
	CHECK(mv_glob_match("**x", "x"));
	CHECK(!mv_glob_match("", "x"));
}

static void test_rules(void)
{
	static const char list[] = "# known-safe\n"
				   "drm_* allow\n"
				   "\n"
				   "module:nvidia*   warn\n"
				   "  mv_exported_fn\tlog\n"
				   "* refuse \t";
	struct mv_rules rules, other;
	struct mv_rules_error err;
	const struct mv_rule *r;
	char text[512];
	size_t n;

	CHECK(mv_rules_parse(list, sizeof(list) - 1, &rules, &err) == 0 && rules.count == 4);
	r = mv_rules_match(&rules, "i915", "drm_vblank_init");
	CHECK(r && r->action == MV_RULE_ALLOW && !r->module);
	r = mv_rules_match(&rules, "nvidia_drm", "drm_vblank_init");
	CHECK(r && r->action == MV_RULE_ALLOW);		/* first match wins */
	r = mv_rules_match(&rules, "nvidia_uvm", "printk");
	CHECK(r && r->action == MV_RULE_WARN && r->module);
	r = mv_rules_match(&rules, "x", "mv_exported_fn");
	CHECK(r && r->action == MV_RULE_LOG);
	r = mv_rules_match(&rules, "x", "other");
	CHECK(r && r->action == MV_RULE_REFUSE);
	n = mv_rules_format(&rules, text, sizeof(text));
	CHECK(n == strlen(text));
	CHECK(!strcmp(text, "drm_* allow\nmodule:nvidia* warn\nmv_exported_fn log\n* refuse\n"));
	/* The canonical text parses back to the same list. */
	CHECK(mv_rules_parse(text, n, &other, &err) == 0 && other.count == rules.count &&
	      !memcmp(other.rule, rules.rule, rules.count * sizeof(rules.rule[0])));
	mv_rules_format(&other, text + 256, 256);
	CHECK(!strcmp(text, text + 256));
	CHECK(mv_rules_format(&rules, text, 8) == n && strlen(text) == 7);
	CHECK(mv_rules_parse("", 0, &other, &err) == 0 && other.count == 0 &&
	      !mv_rules_match(&other, "m", "s"));

	CHECK(mv_rules_parse("a warn\nb lenient\n", 17, &other, &err) == -1 && err.line == 2);
	CHECK(mv_rules_parse("a\n", 2, &other, &err) == -1 && err.line == 1);
	CHECK(mv_rules_parse("a warn extra\n", 13, &other, &err) == -1 && err.line == 1);
	CHECK(mv_rules_parse("module: warn", 12, &other, &err) == -1 && err.line == 1);
	CHECK(mv_rules_parse("a\0b warn", 8, &other, &err) == -1);
}

static void test_rules_limits(void)
{
	static char text[(MV_RULES_MAX + 1) * 16];
	struct mv_rules rules;
	struct mv_rules_error err;
	char pattern[MV_RULE_PATTERN_MAX + 8];
	size_t n = 0;
	int i;

	for (i = 0; i < MV_RULES_MAX; i++)
		n += sprintf(text + n, "s%d log\n", i);
	CHECK(mv_rules_parse(text, n, &rules, &err) == 0 && rules.count == MV_RULES_MAX);
	n += sprintf(text + n, "one_more log\n");
	CHECK(mv_rules_parse(text, n, &rules, &err) == -1 && err.line == MV_RULES_MAX + 1);
	memset(pattern, 'p', sizeof(pattern));
	memcpy(pattern + MV_RULE_PATTERN_MAX, " log", 4);
	CHECK(mv_rules_parse(pattern, MV_RULE_PATTERN_MAX + 4, &rules, &err) == -1);
	CHECK(mv_rules_parse(pattern + 1, MV_RULE_PATTERN_MAX + 3, &rules, &err) == 0);
}

/* Rules decide offences only, act as a policy for the symbol, never relax layout or malformed. */
static void test_rules_apply(void)
{
	static const char list[] = "mv_exported_fn warn\nmodule:mv_alt* allow;"
				   "module:strict refuse\nmodule_layout allow\n";
	static const u32 printk_crc = 0x122c3a7e, other = 0x99999999, layout = 0x2f9b2b9a;
	struct mv_rules rules;
	struct mv_rules_error err;
	struct mv_verdict v;
	struct mv_cursor c;
	struct mv_tables t, bad = { .kind = MV_TABLE_MALFORMED, .error = "x" };
	struct image img;
	char line[MV_LINE_MAX];
	bool reported = false;

	CHECK(mv_rules_parse(list, sizeof(list) - 1, &rules, &err) == 0 && rules.count == 4);
	basic_image(&img);
	mv_tables_find(img.bytes, img.len, MV_KERNEL_EXTENDED, &t);
	mv_cursor_init(&t, &c);
	/* A symbol rule admits one mismatch under refuse, as warn would. */
	mv_verify_symbol(&t, &c, "not_in_table", &other, MV_POLICY_REFUSE, false, &v);
	v.outcome = MV_MISMATCH;
	mv_rules_apply(&rules, "consumer", "mv_exported_fn", false, &v);
	CHECK(v.action == MV_ADMIT_TAINT && v.rule == &rules.rule[0] && v.rule_no == 1);
	mv_format_verdict(line, sizeof(line), "consumer", "mv_exported_fn", &v, MV_POLICY_REFUSE);
	CHECK(strstr(line, "admitted, tainted F (rule 1 'mv_exported_fn warn', policy refuse)"));
	/* Matches are not offences: no rule touches them. */
	mv_verify_symbol(&t, &c, "_printk", &printk_crc, MV_POLICY_REFUSE, false, &v);
	mv_rules_apply(&rules, "mv_altered", "_printk", false, &v);
	CHECK(v.outcome == MV_MATCH && v.action == MV_ADMIT && !v.rule);
	/* A module rule; allow is quiet in the log but still taints. */
	mv_verify_symbol(&t, &c, "kmalloc_caches", &other, MV_POLICY_REFUSE, false, &v);
	mv_rules_apply(&rules, "mv_altered", "kmalloc_caches", false, &v);
	CHECK(v.action == MV_ADMIT_TAINT && v.rule_no == 2);
	CHECK(!mv_format_logged(line, sizeof(line), "mv_altered", "kmalloc_caches", &t, &v,
				MV_POLICY_REFUSE, &reported));
	/* ';' separates rules too; refuse tightens warn. */
	mv_verify_symbol(&t, &c, "kmalloc_caches", &other, MV_POLICY_WARN, false, &v);
	mv_rules_apply(&rules, "strict", "kmalloc_caches", false, &v);
	CHECK(v.action == MV_REFUSE && v.rule_no == 3);
	/* module_layout: no rule relaxes it without the switch; with it, the rule decides. */
	mv_verify_symbol(&t, &c, "module_layout", &other, MV_POLICY_REFUSE, false, &v);
	mv_rules_apply(&rules, "m", "module_layout", false, &v);
	CHECK(v.outcome == MV_MISMATCH && v.action == MV_REFUSE && v.rule_no == 4);
	mv_format_verdict(line, sizeof(line), "m", "module_layout", &v, MV_POLICY_REFUSE);
	CHECK(strstr(line, "refused (rule 4 'module_layout allow', policy refuse, ") &&
	      strstr(line, ", module_layout is structural)"));
	mv_verify_symbol(&t, &c, "module_layout", &other, MV_POLICY_REFUSE, true, &v);
	mv_rules_apply(&rules, "m", "module_layout", true, &v);
	CHECK(v.action == MV_ADMIT_TAINT);
	CHECK(layout == 0x2f9b2b9a);
	/* A malformed table: a rule can refuse it, never admit more than the policy. */
	mv_cursor_init(&bad, &c);
	mv_verify_symbol(&bad, &c, "mv_exported_fn", &other, MV_POLICY_REFUSE, false, &v);
	mv_rules_apply(&rules, "x", "mv_exported_fn", false, &v);
	CHECK(v.outcome == MV_MALFORMED && v.action == MV_REFUSE);
	mv_verify_symbol(&bad, &c, "kmalloc_caches", &other, MV_POLICY_WARN, false, &v);
	mv_rules_apply(&rules, "strict", "kmalloc_caches", false, &v);
	CHECK(v.action == MV_REFUSE);
	/* No rules at all: nothing changes. */
	mv_verify_symbol(&t, &c, "kmalloc_caches", &other, MV_POLICY_REFUSE, false, &v);
	mv_rules_apply(NULL, "x", "kmalloc_caches", false, &v);
	CHECK(v.action == MV_REFUSE && !v.rule);
	/* Lockdown's test: which lists admit more than the policy. */
	CHECK(mv_rules_relax(&rules, MV_POLICY_REFUSE) == &rules.rule[0]);
	CHECK(mv_rules_relax(&rules, MV_POLICY_LOG) == &rules.rule[1]);
	CHECK(mv_rules_parse("a refuse;module:b warn", 22, &rules, &err) == 0 &&
	      !mv_rules_relax(&rules, MV_POLICY_WARN) && mv_rules_relax(&rules, MV_POLICY_REFUSE));
	/* Lockdown's other test: a new list may only append to the list in force. */
	{
		struct mv_rules prev, next;

		CHECK(mv_rules_parse("a refuse;module:b warn", 22, &prev, &err) == 0);
		CHECK(mv_rules_extends(NULL, &prev) && mv_rules_extends(&prev, &prev));
		CHECK(mv_rules_parse("a refuse;module:b warn;c log", 28, &next, &err) == 0 &&
		      mv_rules_extends(&prev, &next) && !mv_rules_extends(&next, &prev));
		CHECK(mv_rules_parse("module:b warn;a refuse", 22, &next, &err) == 0 &&
		      !mv_rules_extends(&prev, &next));
		CHECK(mv_rules_parse("a refuse;b warn", 15, &next, &err) == 0 &&
		      !mv_rules_extends(&prev, &next));
	}
	/* The bad line is named with its text. */
	CHECK(mv_rules_parse("a warn;b\n", 9, &rules, &err) == -1 && err.line == 2 &&
	      err.text_len == 1 && err.text[0] == 'b');
	image_free(&img);
}

/* Report lines: exact format, escaped names, rule field, head fields. */
static void test_record_format(void)
{
	struct mv_rules rules;
	struct mv_rules_error err;
	struct mv_verdict v = { .outcome = MV_MISMATCH, .action = MV_ADMIT_TAINT,
				.has_module_crc = true, .module_crc = 0xc6454d19,
				.has_kernel_crc = true, .kernel_crc = 0x8477842a };
	struct mv_tally t = { .checked = 6, .matched = 5, .mismatched = 1, .admitted_offences = 1 };
	struct mv_record_head h = { .module = "mv_consumer", .seq = 2,
				    .time_ns = 1795579109971425123ULL, .policy = MV_POLICY_WARN,
				    .tally = &t, .kind = MV_TABLE_BASIC, .result = 0 };
	char line[MV_RECORD_LINE_MAX], longname[400];

	mv_format_record_symbol(line, sizeof(line), "symbol", "mv_consumer", "mv_exported_fn", &v);
	CHECK_LINE(line,
		   "symbol module=mv_consumer name=mv_exported_fn outcome=mismatch module_crc=0xc6454d19 kernel_crc=0x8477842a action=admit_taint rule=none");
	CHECK(mv_rules_parse("module:mv_c* allow", 18, &rules, &err) == 0);
	v.rule = &rules.rule[0];
	v.rule_no = 1;
	v.has_kernel_crc = false;
	mv_format_record_symbol(line, sizeof(line), "entry", "mv consumer", "a\nb\\", &v);
	CHECK_LINE(line,
		   "entry module=mv\\x20consumer name=a\\x0ab\\x5c outcome=mismatch module_crc=0xc6454d19 kernel_crc=none action=admit_taint rule=1:module:mv_c*:allow");
	memset(longname, '\xff', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	mv_format_record_symbol(line, sizeof(line), "symbol", longname, longname, &v);
	CHECK(strlen(line) < sizeof(line) && strstr(line, " outcome=mismatch "));
	mv_format_record_head(line, sizeof(line), &h);
	CHECK_LINE(line,
		   "module name=mv_consumer source=load seq=2 time=1795579109.971425 policy=warn decision=admit_taint table=basic checked=6 matched=5 mismatched=1 missing=0 unversioned=0 unresolved=0 omitted=0 result=0");
	h.dry_run = true;
	mv_format_record_head(line, sizeof(line), &h);
	CHECK(strstr(line, " source=dry_run ") && strstr(line, " result=none"));
}

/* The report's explanation line: text= is last and keeps its spaces; the rest is escaped. */
static void test_explain_format(void)
{
	char line[MV_RECORD_LINE_MAX], longtext[3 * MV_RECORD_LINE_MAX];

	mv_format_record_explain(line, sizeof(line), "hangcheck_timer", "param_ops_int", "valid", 1,
				 2, "layout", "struct bus_type: member need_parent_lock removed");
	CHECK_LINE(line,
		   "explain module=hangcheck_timer name=param_ops_int stamp=valid root=1/2 class=layout text=struct bus_type: member need_parent_lock removed");
	mv_format_record_explain(line, sizeof(line), "a b", "c", "unstamped", 0, 0, "none",
				 "tab\there\\ \x7f");
	CHECK_LINE(line,
		   "explain module=a\\x20b name=c stamp=unstamped root=0/0 class=none text=tab\\x09here\\x5c \\x7f");
	memset(longtext, 'x', sizeof(longtext) - 1);
	longtext[sizeof(longtext) - 1] = '\0';
	mv_format_record_explain(line, sizeof(line), "m", "s", "valid", 1, 1, "additive", longtext);
	CHECK(strlen(line) == sizeof(line) - 1);
}

/* The loader's order of checks: undefined symbols in symbol-table order; .modinfo tags. */
static void test_elf_symbols(void)
{
	struct image img;
	char name[64];

	basic_image(&img);
	CHECK(!mv_modinfo(img.bytes, img.len, "name", name, sizeof(name)));
	CHECK(mv_undefined_symbols(img.bytes, img.len, NULL, NULL) == -1);	/* no .symtab */
	CHECK(mv_section(img.bytes, img.len, "__versions"));
	CHECK(!mv_section(img.bytes, img.len, ".nothere"));
	image_free(&img);
}

int main(void)
{
	run("entry-layout-56-byte-names", test_entry_layout);
	run("basic-table-parse", test_basic_parse);
	run("lookup-table-reverse-random-order", test_lookup_orders);
	run("lookup-hint-never-trusted", test_hint_never_trusted);
	run("lookup-hash-index-any-order", test_index);
	run("lookup-hash-index-extended", test_extended_index);
	run("siphash-reference-vectors", test_siphash_vectors);
	run("index-keyed-fnv-colliding-names", test_index_colliding_names);
	run("index-probe-bound-falls-back-to-scan", test_index_probe_bound);
	run("index-deferred-for-large-tables", test_index_deferred);
	run("duplicate-names-malformed", test_duplicates);
	run("basic-table-malformed", test_basic_malformed);
	run("empty-tables", test_empty_tables);
	run("extended-table-wins-long-names", test_extended);
	run("extended-table-malformed", test_extended_malformed);
	run("extended-table-modpost-padding", test_extended_padding);
	run("sections-outside-overflowing-absurd", test_sections_outside);
	run("duplicate-section-and-no-table", test_duplicate_and_none);
	run("decision-table", test_decision_table);
	run("no-forced-load-without-module-force-load", test_no_forced_load);
	run("loader-selection-first-alloc-section", test_loader_selection);
	run("tables-all-every-table-agrees", test_more_tables);
	run("selection-undefined-name-outside-table", test_selection_undefined);
	run("extended-tables-only-where-the-kernel-reads-them", test_extended_only_where_read);
	run("versions-ignored-after-rewrite", test_versions_ignored);
	run("image-check-no-stricter-than-loader", test_image_check_like_loader);
	run("verify-symbol-outcomes", test_verify_symbol);
	run("crc-compare-like-the-kernel", test_crc_upper_bits);
	run("policy-parse", test_policy_parse);
	run("rules-glob", test_glob);
	run("rules-parse-match-canonical", test_rules);
	run("rules-limits", test_rules_limits);
	run("rules-apply-offences-layout-malformed", test_rules_apply);
	run("report-line-format-escaping", test_record_format);
	run("report-explain-line-format", test_explain_format);
	run("elf-sections-modinfo-symtab", test_elf_symbols);
	if (failures) {
		printf("unit tests: %d failed\n", failures);
		return 1;
	}
	printf("unit tests: ok\n");
	return 0;
}
