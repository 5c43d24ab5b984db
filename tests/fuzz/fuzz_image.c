// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: module image bytes -> verdicts.  Runs everything modver.ko and modver-dump do
 * with an untrusted image: the image check, both table formats, the index, lookups of every
 * entry and of absent names under every policy, the messages, and modver-dump's .modinfo and
 * symbol-table walks.  Built with ASan and UBSan; any report is a finding.
 */
#include <stdlib.h>

#include "ko_image.h"
#include "modver_format.h"

#define FUZZ_MAX_LOOKUPS 64

static void lookups(struct mv_tables *t, enum mv_policy policy)
{
	static const char *const absent[] = { MV_LAYOUT_SYMBOL, "_printk", "" };
	char line[MV_LINE_MAX], names[FUZZ_MAX_LOOKUPS][MV_BASIC_NAME_LEN];
	struct mv_cursor walk = { 0 }, c;
	struct mv_tally tally = { 0 };
	struct mv_verdict v;
	struct mv_entry e;
	static char record[MV_RECORD_LINE_MAX];
	unsigned int n = 0, i;
	u32 crc;

	while (n < FUZZ_MAX_LOOKUPS && mv_entry_at(t, &walk, &e))
		snprintf(names[n++], sizeof(names[0]), "%s", e.name);
	mv_cursor_init(t, &c);
	for (i = 0; i < n + 3; i++) {
		const char *sym = i < n ? names[i] : absent[i - n];

		crc = i * 0x9e3779b9u;
		mv_verify_symbol(t, &c, sym, i % 5 ? &crc : NULL, policy, i & 1, &v);
		mv_tally_add(&tally, &v);
		if (mv_verdict_is_table_level(&v))
			mv_format_table(line, sizeof(line), "fuzz", t, &v, policy);
		else
			mv_format_verdict(line, sizeof(line), "fuzz", sym, &v, policy);
		/* Report lines escape whatever bytes an untrusted table's names hold. */
		mv_format_record_symbol(record, sizeof(record), "symbol", sym, sym, &v);
	}
	mv_format_summary(line, sizeof(line), "fuzz", &tally, t->kind, policy, -22);
}

static void count_symbol(const char *name, bool weak, void *arg)
{
	*(u64 *)arg += strlen(name) + weak;
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size);

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	struct ko_image img;
	struct mv_tables t;
	const char *why;
	char name[64];
	u64 bytes, sum = 0;
	void *mem;
	int p;

	if (ko_image_from_memory(data, size, &img))
		return 0;
	if (mv_image_check(img.bytes, img.len, &why) == 0) {
		mv_tables_find_format(img.bytes, img.len, MV_TABLE_BASIC, &t);
		mv_tables_find_format(img.bytes, img.len, MV_TABLE_EXTENDED, &t);
		for (p = 0; p < MV_POLICY_COUNT; p++) {
			mv_tables_find(img.bytes, img.len, MV_KERNEL_EXTENDED, &t);
			bytes = mv_index_bytes(&t);
			/* Every other policy without the index, as when memory runs out. */
			mem = bytes && p != MV_POLICY_WARN ? malloc(bytes) : NULL;
			mv_index_build(&t, mem, bytes);
			lookups(&t, p);
			free(mem);
		}
		ko_modinfo(&img, "name", name, sizeof(name));
		ko_undefined_symbols(&img, count_symbol, &sum);
	}
	ko_image_free(&img);
	return 0;
}
