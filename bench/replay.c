// SPDX-License-Identifier: GPL-2.0
/*
 * replay: the version checks of one module load, in userspace, for callgrind to count.
 *
 *   replay stock|modver MODULE.ko[.xz|.zst]
 *
 * Asks for module_layout and then every undefined symbol in symbol-table order, as the loader
 * does (with the module's own CRCs as the kernel's: what is measured is finding the entry), and
 * answers each either as the stock check_version() does (a strcmp scan of __versions
 * from its first entry) or as modver does (the same pure core as modver.ko: tables found and
 * indexed once, then the hint and the index).  Run it under
 * valgrind --tool=callgrind --toggle-collect=replay_stock (or replay_modver): instruction counts
 * are exact and repeatable.
 */
#include <stdio.h>
#include <stdlib.h>

#include "ko_image.h"
#include "modver_format.h"

#define MAX_SYMS 65536

static const char *syms[MAX_SYMS];
static u32 crcs[MAX_SYMS];
static unsigned int nsyms;

/* Untimed: the symbols the loader asks about, with the CRCs of their entries. */
static void collect(const char *name, bool weak, void *arg)
{
	struct mv_tables *t = arg;
	struct mv_cursor c = { 0 };
	struct mv_entry e;

	(void)weak;
	if (nsyms < MAX_SYMS && mv_lookup(t, &c, name, &e)) {
		syms[nsyms] = name;
		crcs[nsyms++] = e.crc;
	}
}

/* What kernel/module/version.c does per symbol, for every symbol of the load. */
static noinline unsigned int replay_stock(const struct ko_image *img)
{
	struct mv_tables t;
	unsigned int i, matched = 0;
	u64 j;

	mv_tables_find_format(img->bytes, img->len, MV_TABLE_BASIC, &t);
	for (i = 0; i < nsyms; i++) {
		for (j = 0; j < t.count; j++) {
			const u8 *e = t.basic + j * MV_BASIC_ENTRY_SIZE;
			u64 crc;

			if (strcmp((const char *)e + 8, syms[i]) != 0)
				continue;
			memcpy(&crc, e, sizeof(crc));
			matched += crc == crcs[i];
			break;
		}
	}
	return matched;
}

static noinline unsigned int replay_modver(const struct ko_image *img)
{
	struct mv_tables t;
	struct mv_cursor c;
	struct mv_verdict v;
	unsigned int i, matched = 0;
	u64 bytes;
	void *mem;

	mv_tables_find(img->bytes, img->len, MV_KERNEL_BASIC, &t);
	mv_cursor_init(&t, &c);
	bytes = mv_index_bytes(&t);
	mem = bytes ? malloc(bytes) : NULL;
	mv_index_build(&t, mem, bytes);
	for (i = 0; i < nsyms; i++) {
		mv_verify_symbol(&t, &c, syms[i], &crcs[i], MV_POLICY_LOG, false, &v);
		matched += v.outcome == MV_MATCH;
	}
	free(mem);
	return matched;
}

int main(int argc, char **argv)
{
	struct mv_tables t;
	struct mv_cursor c = { 0 };
	struct mv_entry e;
	struct ko_image img;
	char err[256];

	if (argc != 3) {
		fprintf(stderr, "%s\n", "usage: replay stock|modver MODULE");
		return 2;
	}
	if (ko_image_read(argv[2], &img, err, sizeof(err))) {
		fprintf(stderr, "replay: %s\n", err);
		return 2;
	}
	mv_tables_find_format(img.bytes, img.len, MV_TABLE_BASIC, &t);
	if (!mv_lookup(&t, &c, MV_LAYOUT_SYMBOL, &e) || ko_undefined_symbols(&img, collect, &t)) {
		fprintf(stderr, "replay: %s: no module_layout entry or no symbol table\n", argv[2]);
		return 2;
	}
	memmove(syms + 1, syms, nsyms * sizeof(*syms));
	memmove(crcs + 1, crcs, nsyms * sizeof(*crcs));
	syms[0] = MV_LAYOUT_SYMBOL;
	crcs[0] = e.crc;
	nsyms++;
	printf("%u symbols, %u matched\n", nsyms,
	       strcmp(argv[1], "stock") ? replay_modver(&img) : replay_stock(&img));
	return 0;
}
