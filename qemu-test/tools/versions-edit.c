// SPDX-License-Identifier: GPL-2.0
/*
 * versions-edit: make the test fixtures' version tables from a raw __versions section (as dumped
 * by objcopy --dump-section).  Entries are struct modversion_info of a 64-bit kernel: u64 crc,
 * char name[56].
 *
 *   versions-edit IN OUT xor SYMBOL MASK      flip bits of SYMBOL's CRC
 *   versions-edit IN OUT drop SYMBOL          remove SYMBOL's entry
 *   versions-edit IN OUT dup SYMBOL MASK      append a second entry for SYMBOL, CRC ^ MASK
 *   versions-edit IN OUT unterminate SYMBOL   fill SYMBOL's 56-byte name field with no NUL
 *   versions-edit IN OUT pad N                append N zero bytes (no multiple of 64 then)
 *   versions-edit IN OUT collide-to TOTAL     append entries until there are TOTAL (at most
 *                                             32768), named to collide in modver's old unkeyed
 *                                             index (fnv_collide.h); their CRCs are arbitrary
 *   versions-edit IN CRCS NAMES ext [SYMBOL MASK [DROP]]
 *                                             the extended tables of the same entries as modpost
 *                                             writes them (u32 CRCs; NUL-terminated names and one
 *                                             more NUL); SYMBOL's CRC ^ MASK there; and the last
 *                                             DROP names and the padding NUL left out (more CRCs
 *                                             than names)
 *   versions-edit IN crc SYMBOL               print SYMBOL's CRC as 0x%08llx
 * Exit 0 on success, 1 if SYMBOL has no entry, 2 on usage or I/O errors.
 */
#include <stdio.h>
#include <stdlib.h>

#include "modver_types.h"
#include "fnv_collide.h"

#define ENTRY_SIZE	64
#define NAME_LEN	(ENTRY_SIZE - 8)

static unsigned char buf[1 << 22];
static size_t len;

static int find(const char *sym)
{
	size_t i;

	for (i = 0; i < len; i += ENTRY_SIZE)
		if (strncmp((char *)buf + i + 8, sym, NAME_LEN) == 0)
			return i;
	fprintf(stderr, "versions-edit: no entry for %s\n", sym);
	exit(1);
}

static void write_file(const char *path, const void *data, size_t n)
{
	FILE *f = fopen(path, "wb");

	if (!f || fwrite(data, 1, n, f) != n || fclose(f)) {
		perror(path);
		exit(2);
	}
}

static void extended(const char *crcs_path, const char *names_path, const char *sym,
		     u64 mask, size_t drop)
{
	static unsigned char crcs[1 << 20];
	static char names[1 << 22];
	size_t i, n = 0, nlen = 0;
	u64 crc;
	u32 c32;

	for (i = 0; i < len; i += ENTRY_SIZE, n++) {
		memcpy(&crc, buf + i, sizeof(crc));
		c32 = crc;
		if (sym && strncmp((char *)buf + i + 8, sym, NAME_LEN) == 0)
			c32 ^= mask;
		memcpy(crcs + n * 4, &c32, 4);
		if (i / ENTRY_SIZE + drop < len / ENTRY_SIZE)
			nlen += snprintf(names + nlen, sizeof(names) - nlen, "%s", buf + i + 8) + 1;
	}
	if (!drop)
		names[nlen++] = '\0';	/* modpost's string literal ends in one more NUL */
	write_file(crcs_path, crcs, n * 4);
	write_file(names_path, names, nlen);
}

int main(int argc, char **argv)
{
	const char *op;
	u64 crc;
	FILE *f;
	int i;

	if (argc < 4)
		goto usage;
	f = fopen(argv[1], "rb");
	if (!f) {
		perror(argv[1]);
		return 2;
	}
	len = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	if (len % ENTRY_SIZE) {
		fprintf(stderr, "%s: size %zu is not a multiple of %d\n", argv[1], len, ENTRY_SIZE);
		return 2;
	}
	if (strcmp(argv[2], "crc") == 0) {
		memcpy(&crc, buf + find(argv[3]), sizeof(crc));
		printf("0x%08llx\n", (unsigned long long)crc);
		return 0;
	}
	if (argc >= 5 && strcmp(argv[4], "ext") == 0) {
		extended(argv[2], argv[3], argc > 6 ? argv[5] : NULL,
			 argc > 6 ? strtoull(argv[6], NULL, 0) : 0, argc > 7 ? atoi(argv[7]) : 0);
		return 0;
	}
	op = argv[3];
	if (strcmp(op, "xor") == 0 && argc == 6) {
		i = find(argv[4]);
		memcpy(&crc, buf + i, sizeof(crc));
		crc ^= strtoull(argv[5], NULL, 0);
		memcpy(buf + i, &crc, sizeof(crc));
	} else if (strcmp(op, "drop") == 0 && argc == 5) {
		i = find(argv[4]);
		memmove(buf + i, buf + i + ENTRY_SIZE, len - i - ENTRY_SIZE);
		len -= ENTRY_SIZE;
	} else if (strcmp(op, "dup") == 0 && argc == 6) {
		i = find(argv[4]);
		memcpy(buf + len, buf + i, ENTRY_SIZE);
		memcpy(&crc, buf + len, sizeof(crc));
		crc ^= strtoull(argv[5], NULL, 0);
		memcpy(buf + len, &crc, sizeof(crc));
		len += ENTRY_SIZE;
	} else if (strcmp(op, "unterminate") == 0 && argc == 5) {
		memset(buf + find(argv[4]) + 8, 'x', NAME_LEN);
	} else if (strcmp(op, "collide-to") == 0 && argc == 5) {
		static char names[32768][FNV_COLLIDE_NAME_MAX];
		size_t want = strtoul(argv[4], NULL, 0), n;

		if (want > ARRAY_SIZE(names) || want < len / ENTRY_SIZE)
			goto usage;
		n = want - len / ENTRY_SIZE;
		if (fnv_collide_names(names, n, "mv_collide_", 0x4d56) != n)
			return 2;
		for (i = 0; i < (int)n; i++, len += ENTRY_SIZE) {
			crc = 0x6d760000 + i;
			memcpy(buf + len, &crc, sizeof(crc));
			memset(buf + len + 8, 0, NAME_LEN);
			memcpy(buf + len + 8, names[i], strlen(names[i]));
		}
	} else if (strcmp(op, "pad") == 0 && argc == 5) {
		len += strtoul(argv[4], NULL, 0);
	} else {
		goto usage;
	}
	write_file(argv[2], buf, len);
	return 0;
usage:
	fprintf(stderr, "%s\n", "usage: see the comment at the top of the source");
	return 2;
}
