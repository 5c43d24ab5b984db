// SPDX-License-Identifier: GPL-2.0
/*
 * Sections, .modinfo tags and undefined symbols of a module image (see modver_elf.h).  The image
 * must have passed mv_image_check(); everything else in it is untrusted and bounds-checked here.
 */
#include "modver_elf.h"

static bool mv_elf_range_ok(u64 len, u64 off, u64 size)
{
	return off <= len && size <= len - off;
}

/**
 * mv_image_compression() - is @image a compressed module file (.ko.xz, .ko.zst)?
 * @image: the file's bytes
 * @len: their number
 *
 * The loader decompresses such files itself (CONFIG_MODULE_DECOMPRESS); they are told by content.
 *
 * Return: "xz" or "zstd", or NULL for anything else.
 */
const char *mv_image_compression(const void *image, u64 len)
{
	static const u8 xz_magic[] = { 0xfd, '7', 'z', 'X', 'Z', 0 };
	static const u8 zstd_magic[] = { 0x28, 0xb5, 0x2f, 0xfd };

	if (len >= sizeof(xz_magic) && !memcmp(image, xz_magic, sizeof(xz_magic)))
		return "xz";
	if (len >= sizeof(zstd_magic) && !memcmp(image, zstd_magic, sizeof(zstd_magic)))
		return "zstd";
	return NULL;
}

/**
 * mv_section() - the first section called @name whose contents lie inside the image
 * @image: the image; mv_image_check() must have accepted it
 * @len: its length
 * @name: the section name
 *
 * Return: its header, or NULL.
 */
const struct elf64_shdr *mv_section(const void *image, u64 len, const char *name)
{
	const struct elf64_hdr *eh = image;
	const struct elf64_shdr *sh = (const void *)((const u8 *)image + eh->e_shoff);
	const struct elf64_shdr *strsec = &sh[eh->e_shstrndx];
	const char *names = (const char *)image + strsec->sh_offset;
	u64 n = strlen(name) + 1;
	unsigned int i;

	for (i = 1; i < eh->e_shnum; i++)
		if (mv_elf_range_ok(strsec->sh_size, sh[i].sh_name, n) &&
		    !memcmp(names + sh[i].sh_name, name, n) && sh[i].sh_type != SHT_NOBITS &&
		    mv_elf_range_ok(len, sh[i].sh_offset, sh[i].sh_size))
			return &sh[i];
	return NULL;
}

/**
 * mv_modinfo() - the value of a .modinfo tag ("name", "vermagic", ...)
 * @image: the image; mv_image_check() must have accepted it
 * @len: its length
 * @tag: the tag
 * @buf: where the value is copied (NUL-terminated, truncated to @size)
 * @size: its size
 *
 * Return: @buf, or NULL when the tag is absent.
 */
const char *mv_modinfo(const void *image, u64 len, const char *tag, char *buf, size_t size)
{
	const struct elf64_shdr *sh = mv_section(image, len, ".modinfo");
	const char *p, *end;
	size_t tlen = strlen(tag), n;

	if (!sh || !size)
		return NULL;
	p = (const char *)image + sh->sh_offset;
	end = p + sh->sh_size;
	while (p < end) {
		const char *nul = memchr(p, '\0', end - p);

		n = nul ? (size_t)(nul - p) : (size_t)(end - p);
		if (n > tlen && !memcmp(p, tag, tlen) && p[tlen] == '=') {
			n -= tlen + 1;
			if (n >= size)
				n = size - 1;
			memcpy(buf, p + tlen + 1, n);
			buf[n] = '\0';
			return buf;
		}
		p += n + 1;
	}
	return NULL;
}

/**
 * mv_undefined_symbols() - call @fn for each undefined symbol, in symbol-table order
 * @image: the image; mv_image_check() must have accepted it
 * @len: its length
 * @fn: called with each name and whether the symbol is weak
 * @arg: passed to @fn
 *
 * This is the order in which the loader (simplify_symbols()) resolves them and asks
 * check_version() about each.
 *
 * Return: 0, or -1 when the symbol table is unusable.
 */
int mv_undefined_symbols(const void *image, u64 len, mv_symbol_fn fn, void *arg)
{
	const struct elf64_hdr *eh = image;
	const struct elf64_shdr *shdrs = (const void *)((const u8 *)image + eh->e_shoff);
	const struct elf64_shdr *symsec = mv_section(image, len, ".symtab"), *strsec;
	const struct elf64_sym *syms;
	const char *strtab;
	u64 i, n;

	if (!symsec || symsec->sh_link >= eh->e_shnum || symsec->sh_offset % 8)
		return -1;
	strsec = &shdrs[symsec->sh_link];
	if (strsec->sh_type == SHT_NOBITS ||
	    !mv_elf_range_ok(len, strsec->sh_offset, strsec->sh_size) || !strsec->sh_size ||
	    ((const char *)image)[strsec->sh_offset + strsec->sh_size - 1] != '\0')
		return -1;
	syms = (const void *)((const u8 *)image + symsec->sh_offset);
	strtab = (const char *)image + strsec->sh_offset;
	n = symsec->sh_size / sizeof(*syms);
	for (i = 1; i < n; i++) {
		if (syms[i].st_shndx != SHN_UNDEF || syms[i].st_name >= strsec->sh_size ||
		    !strtab[syms[i].st_name])
			continue;
		fn(strtab + syms[i].st_name, ELF64_ST_BIND(syms[i].st_info) == STB_WEAK, arg);
	}
	return 0;
}
