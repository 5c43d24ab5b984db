// SPDX-License-Identifier: GPL-2.0
/*
 * elf-shdr-edit: set one field of a named section's header in a 64-bit little-endian ELF file,
 * in place, to make the malformed-module fixtures; or edit the ELF header itself.
 *
 *   elf-shdr-edit FILE SECTION type|offset|size|flags VALUE
 *   elf-shdr-edit FILE --ident INDEX VALUE     set byte INDEX of e_ident
 *   elf-shdr-edit FILE --move-shdrs PAD        move the section header table to the end of the
 *                                              file after PAD bytes (PAD 4: an offset of 8n+4)
 * Exit 0 on success, 1 if there is no such section, 2 on usage or I/O errors.
 */
#include <stdio.h>
#include <stdlib.h>

#include "modver_types.h"

static int write_back(FILE *f, const char *path, const unsigned char *img, long len)
{
	rewind(f);
	if (fwrite(img, 1, len, f) != (size_t)len || fclose(f)) {
		perror(path);
		return 2;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct elf64_shdr *sh, *strsec;
	struct elf64_hdr *eh;
	unsigned long long value;
	unsigned char *img;
	long len;
	FILE *f;
	int i;

	if (argc != 5 && !(argc == 4 && !strcmp(argv[2], "--move-shdrs"))) {
		fprintf(stderr, "%s\n",
			"usage: elf-shdr-edit FILE SECTION type|offset|size|flags VALUE | FILE --ident INDEX VALUE | FILE --move-shdrs PAD");
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
	if (!strcmp(argv[2], "--ident")) {
		i = atoi(argv[3]);
		if (i < 0 || i >= EI_NIDENT)
			return 2;
		eh->e_ident[i] = strtoul(argv[4], NULL, 0);
		return write_back(f, argv[1], img, len);
	}
	if (!strcmp(argv[2], "--move-shdrs")) {
		long pad = atol(argv[3]), table = eh->e_shnum * (long)sizeof(*sh);
		unsigned char *moved = calloc(1, len + pad + table);

		if (!moved || pad < 0)
			return 2;
		memcpy(moved, img, len);
		memcpy(moved + len + pad, img + eh->e_shoff, table);
		((struct elf64_hdr *)moved)->e_shoff = len + pad;
		return write_back(f, argv[1], moved, len + pad + table);
	}
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
		else if (!strcmp(argv[3], "flags"))
			sh[i].sh_flags = value;
		else
			return 2;
		return write_back(f, argv[1], img, len);
	}
	fprintf(stderr, "elf-shdr-edit: %s: no section %s\n", argv[1], argv[2]);
	return 1;
}
