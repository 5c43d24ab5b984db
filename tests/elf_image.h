/* SPDX-License-Identifier: GPL-2.0 */
/* Building small 64-bit ELF relocatable images in memory, for the unit tests. */
#ifndef ELF_IMAGE_H
#define ELF_IMAGE_H

#include "modver_types.h"

#define IMAGE_MAX_SECTIONS 8

struct image_section {
	const char *name;
	const void *data;
	u64 size;
	u32 type;		/* SHT_PROGBITS when 0; | IMAGE_NOT_ALLOC: without SHF_ALLOC */
};

/* Sections get SHF_ALLOC, as modpost's version sections have it, unless their type says this. */
#define IMAGE_NOT_ALLOC 0x80000000u

struct image {
	u8 *bytes;		/* 8-byte aligned, owned by the image */
	u64 len;
	struct elf64_hdr *ehdr;
	struct elf64_shdr *shdrs;
};

void image_build(struct image *img, const struct image_section *secs, unsigned int n);
void image_free(struct image *img);
struct elf64_shdr *image_section(struct image *img, const char *name);

/* A __versions blob of n entries named names[i] with crcs[i]. */
u8 *basic_table(const char *const *names, const u64 *crcs, unsigned int n, u64 *size);

#endif /* ELF_IMAGE_H */
