// SPDX-License-Identifier: GPL-2.0
/* Small ELF images for the unit tests: header, section data, section names, section headers. */
#include <stdio.h>
#include <stdlib.h>

#include "elf_image.h"
#include "modver_table.h"

static u64 align8(u64 v)
{
	return (v + 7) & ~7ULL;
}

void image_build(struct image *img, const struct image_section *secs, unsigned int n)
{
	u64 off, names_off, names_len = 1, shoff, len;
	unsigned int i, nshdr = n + 2;	/* null section, the sections, .shstrtab */
	u64 name_at[IMAGE_MAX_SECTIONS + 2];
	void *mem;

	if (n > IMAGE_MAX_SECTIONS)
		abort();
	for (i = 0; i < n; i++) {
		name_at[i] = names_len;
		names_len += strlen(secs[i].name) + 1;
	}
	name_at[n] = names_len;
	names_len += strlen(".shstrtab") + 1;

	off = sizeof(struct elf64_hdr);
	for (i = 0; i < n; i++)
		off = align8(off + secs[i].size);
	names_off = off;
	shoff = align8(names_off + names_len);
	len = shoff + nshdr * sizeof(struct elf64_shdr);
	if (posix_memalign(&mem, 8, len))
		abort();
	memset(mem, 0, len);
	img->bytes = mem;
	img->len = len;
	img->ehdr = mem;
	img->shdrs = (struct elf64_shdr *)(img->bytes + shoff);

	memcpy(img->ehdr->e_ident, ELFMAG, SELFMAG);
	img->ehdr->e_ident[EI_CLASS] = ELFCLASS64;
	img->ehdr->e_ident[EI_DATA] = ELFDATA2LSB;
	img->ehdr->e_ident[EI_VERSION] = EV_CURRENT;
	img->ehdr->e_type = ET_REL;
	img->ehdr->e_shoff = shoff;
	img->ehdr->e_ehsize = sizeof(struct elf64_hdr);
	img->ehdr->e_shentsize = sizeof(struct elf64_shdr);
	img->ehdr->e_shnum = nshdr;
	img->ehdr->e_shstrndx = nshdr - 1;

	off = sizeof(struct elf64_hdr);
	for (i = 0; i < n; i++) {
		struct elf64_shdr *sh = &img->shdrs[i + 1];

		sh->sh_name = name_at[i];
		sh->sh_type = secs[i].type & ~IMAGE_NOT_ALLOC;
		if (!sh->sh_type)
			sh->sh_type = SHT_PROGBITS;
		/* Allocated, as modpost's version sections are, unless asked otherwise. */
		sh->sh_flags = secs[i].type & IMAGE_NOT_ALLOC ? 0 : SHF_ALLOC;
		sh->sh_offset = off;
		sh->sh_size = secs[i].size;
		if (secs[i].size && secs[i].data)
			memcpy(img->bytes + off, secs[i].data, secs[i].size);
		off = align8(off + secs[i].size);
	}
	img->shdrs[nshdr - 1].sh_name = name_at[n];
	img->shdrs[nshdr - 1].sh_type = SHT_STRTAB;
	img->shdrs[nshdr - 1].sh_offset = names_off;
	img->shdrs[nshdr - 1].sh_size = names_len;
	for (i = 0; i < n; i++)
		memcpy(img->bytes + names_off + name_at[i], secs[i].name, strlen(secs[i].name) + 1);
	memcpy(img->bytes + names_off + name_at[n], ".shstrtab", sizeof(".shstrtab"));
}

void image_free(struct image *img)
{
	free(img->bytes);
	memset(img, 0, sizeof(*img));
}

struct elf64_shdr *image_section(struct image *img, const char *name)
{
	const char *names = (const char *)img->bytes +
			    img->shdrs[img->ehdr->e_shstrndx].sh_offset;
	unsigned int i;

	for (i = 1; i < img->ehdr->e_shnum; i++)
		if (strcmp(names + img->shdrs[i].sh_name, name) == 0)
			return &img->shdrs[i];
	abort();
}

u8 *basic_table(const char *const *names, const u64 *crcs, unsigned int n, u64 *size)
{
	u8 *t = calloc(n ? n : 1, MV_BASIC_ENTRY_SIZE);
	unsigned int i;

	if (!t)
		abort();
	for (i = 0; i < n; i++) {
		memcpy(t + i * MV_BASIC_ENTRY_SIZE, &crcs[i], sizeof(u64));
		snprintf((char *)t + i * MV_BASIC_ENTRY_SIZE + 8, MV_BASIC_NAME_LEN, "%s",
			 names[i]);
	}
	*size = (u64)n * MV_BASIC_ENTRY_SIZE;
	return t;
}
