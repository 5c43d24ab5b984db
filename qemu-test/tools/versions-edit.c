// SPDX-License-Identifier: GPL-2.0
/*
 * versions-edit: edit a raw __versions section (as dumped by objcopy --dump-section) to make the
 * test fixtures.  Entries are struct modversion_info of a 64-bit kernel: u64 crc, char name[56].
 *
 *   versions-edit IN OUT xor SYMBOL MASK   flip bits of SYMBOL's CRC
 *   versions-edit IN OUT drop SYMBOL       remove SYMBOL's entry
 *   versions-edit IN crc SYMBOL            print SYMBOL's CRC as 0x%08llx
 * Exit 0 on success, 1 if SYMBOL has no entry, 2 on usage or I/O errors.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ENTRY_SIZE 64

static unsigned char buf[1 << 22];

int main(int argc, char **argv)
{
	const char *sym;
	size_t len, i;
	uint64_t crc;
	FILE *f;

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
	sym = strcmp(argv[2], "crc") == 0 ? argv[3] : argc > 4 ? argv[4] : NULL;
	if (!sym)
		goto usage;
	for (i = 0; i < len; i += ENTRY_SIZE)
		if (strncmp((char *)buf + i + 8, sym, ENTRY_SIZE - 8) == 0)
			break;
	if (i == len) {
		fprintf(stderr, "%s: no entry for %s\n", argv[1], sym);
		return 1;
	}
	memcpy(&crc, buf + i, sizeof(crc));
	if (strcmp(argv[2], "crc") == 0) {
		printf("0x%08llx\n", (unsigned long long)crc);
		return 0;
	}
	if (strcmp(argv[3], "xor") == 0 && argc == 6) {
		crc ^= strtoull(argv[5], NULL, 0);
		memcpy(buf + i, &crc, sizeof(crc));
	} else if (strcmp(argv[3], "drop") == 0 && argc == 5) {
		memmove(buf + i, buf + i + ENTRY_SIZE, len - i - ENTRY_SIZE);
		len -= ENTRY_SIZE;
	} else {
		goto usage;
	}
	f = fopen(argv[2], "wb");
	if (!f || fwrite(buf, 1, len, f) != len || fclose(f)) {
		perror(argv[2]);
		return 2;
	}
	return 0;
usage:
	fputs("usage: versions-edit IN OUT xor SYMBOL MASK | IN OUT drop SYMBOL | IN crc SYMBOL\n",
	      stderr);
	return 2;
}
