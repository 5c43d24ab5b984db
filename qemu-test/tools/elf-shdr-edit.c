// SPDX-License-Identifier: GPL-2.0
/*
 * elf-shdr-edit: set one field of a named section's header in a 64-bit little-endian ELF file,
 * in place, to make the malformed-module fixtures.
 *
 *   elf-shdr-edit FILE SECTION type|offset|size VALUE
 * Exit 0 on success, 1 if there is no such section, 2 on usage or I/O errors.
 */
#include <stdio.h>
#include <stdlib.h>

#include "modver_types.h"

int main(int argc, char **argv)
{
	struct elf64_shdr *sh, *strsec;
	struct elf64_hdr *eh;
	unsigned long long value;
	unsigned char *img;
	long len;
	FILE *f;
	int i;

	if (argc != 5) {
		fprintf(stderr, "%s\n", "usage: elf-shdr-edit FILE SECTION type|offset|size VALUE");
		return 2;
	}
	f = fopen(argv[1], "r+b");
	if (!f || fseek(f, 0, SEEK_END)) {
		perror(argv[1]);
		return 2;
	}
	len = ftell(f);
	if (len < (long)sizeof(*eh)) {
		fprintf(stderr, "elf-shdr-edit: %s: too short\n", argv[1]);
		return 2;
	}
	img = malloc(len);
	rewind(f);
	if (!img || fread(img, 1, len, f) != (size_t)len) {
		perror(argv[1]);
		return 2;
	}
	eh = (struct elf64_hdr *)img;
	sh = (struct elf64_shdr *)(img + eh->e_shoff);
	strsec = &sh[eh->e_shstrndx];
	value = strtoull(argv[4], NULL, 0);
	for (i = 1; i < eh->e_shnum; i++) {
		if (strcmp((char *)img + strsec->sh_offset + sh[i].sh_name, argv[2]))
			continue;
		if (!strcmp(argv[3], "type"))
			sh[i].sh_type = value;
		else if (!strcmp(argv[3], "offset"))
			sh[i].sh_offset = value;
		else if (!strcmp(argv[3], "size"))
			sh[i].sh_size = value;
		else
			return 2;
		rewind(f);
		if (fwrite(img, 1, len, f) != (size_t)len || fclose(f)) {
			perror(argv[1]);
			return 2;
		}
		return 0;
	}
	fprintf(stderr, "elf-shdr-edit: %s: no section %s\n", argv[1], argv[2]);
	return 1;
}
