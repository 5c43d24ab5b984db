// SPDX-License-Identifier: GPL-2.0
/*
 * stamp_check BEFORE.ko AFTER.ko: does AFTER differ from BEFORE only by an added .modver_stamp
 * section that nothing the kernel reads depends on?  Checked: the ELF header is the same but for
 * e_shoff and e_shnum (one more section); every section of BEFORE is at the same index in AFTER
 * with the same name, type, flags, address, offset, size, link, info, alignment, entry size and
 * contents (so the symbol table, the relocations, .modinfo and __versions are byte-identical),
 * except that the section-name table may move and grow by the new name; the added section is the
 * last, named .modver_stamp, PROGBITS and not SHF_ALLOC (the loader never lays it out); the bytes
 * of BEFORE after its ELF header are a prefix of AFTER's (nothing was rewritten in place).
 *
 * Prints one line: "ok: ..." or "FAIL: ...", and exits 0 or 1 (2 on unreadable input).
 */
#include <stdio.h>
#include <stdlib.h>

#include "modver_types.h"

struct file {
	u8 *d;
	u64 len;
	struct elf64_hdr eh;
};

static int load(const char *path, struct file *f)
{
	FILE *fp = fopen(path, "rb");
	long n = -1;

	if (fp && !fseek(fp, 0, SEEK_END))
		n = ftell(fp);
	if (!fp || n < (long)sizeof(f->eh) || fseek(fp, 0, SEEK_SET)) {
		if (fp)
			fclose(fp);
		return -1;
	}
	f->len = n;
	f->d = malloc(n);
	if (!f->d || fread(f->d, 1, n, fp) != (size_t)n) {
		fclose(fp);
		return -1;
	}
	fclose(fp);
	memcpy(&f->eh, f->d, sizeof(f->eh));
	if (memcmp(f->eh.e_ident, ELFMAG, SELFMAG) || f->eh.e_ident[EI_CLASS] != ELFCLASS64 ||
	    f->eh.e_shentsize != sizeof(struct elf64_shdr) || f->eh.e_shoff > f->len ||
	    (u64)f->eh.e_shnum * sizeof(struct elf64_shdr) > f->len - f->eh.e_shoff ||
	    f->eh.e_shstrndx >= f->eh.e_shnum)
		return -1;
	return 0;
}

static struct elf64_shdr shdr(const struct file *f, u32 i)
{
	struct elf64_shdr s;

	memcpy(&s, f->d + f->eh.e_shoff + (u64)i * sizeof(s), sizeof(s));
	return s;
}

static const char *name(const struct file *f, u32 off)
{
	struct elf64_shdr s = shdr(f, f->eh.e_shstrndx);

	if (s.sh_offset > f->len || s.sh_size > f->len - s.sh_offset || off >= s.sh_size ||
	    !memchr(f->d + s.sh_offset + off, 0, s.sh_size - off))
		return "?";
	return (const char *)f->d + s.sh_offset + off;
}

static bool in_file(const struct file *f, const struct elf64_shdr *s)
{
	return s->sh_type == SHT_NOBITS ||
	       (s->sh_offset <= f->len && s->sh_size <= f->len - s->sh_offset);
}

static int fail(const char *what, u32 i, const char *sec)
{
	printf("FAIL: %s (section %u, %s)\n", what, i, sec);
	exit(1);	/* the files' memory goes with the process */
}

int main(int argc, char **argv)
{
	struct file a, b;
	struct elf64_hdr ha, hb;
	struct elf64_shdr sa, sb;
	u32 i;

	if (argc != 3 || load(argv[1], &a) || load(argv[2], &b)) {
		fprintf(stderr, "usage: stamp_check BEFORE.ko AFTER.ko (64-bit ELF files)\n");
		return 2;
	}
	ha = a.eh;
	hb = b.eh;
	if (hb.e_shnum != ha.e_shnum + 1)
		return fail("not exactly one section added", hb.e_shnum, "");
	hb.e_shoff = ha.e_shoff;
	hb.e_shnum = ha.e_shnum;
	if (memcmp(&ha, &hb, sizeof(ha)))
		return fail("ELF header differs beyond e_shoff and e_shnum", 0, "");
	if (b.len < a.len || memcmp(a.d + sizeof(ha), b.d + sizeof(hb), a.len - sizeof(ha)))
		return fail("old bytes after the ELF header not a prefix of the new", 0, "");
	for (i = 0; i < ha.e_shnum; i++) {
		sa = shdr(&a, i);
		sb = shdr(&b, i);
		if (strcmp(name(&a, sa.sh_name), name(&b, sb.sh_name)))
			return fail("name differs", i, name(&a, sa.sh_name));
		if (!in_file(&a, &sa) || !in_file(&b, &sb))
			return fail("contents outside the file", i, name(&a, sa.sh_name));
		if (i == ha.e_shstrndx) {
			/* Moved and grown by the new name; its old contents a prefix of the new. */
			if (sb.sh_size <= sa.sh_size ||
			    memcmp(a.d + sa.sh_offset, b.d + sb.sh_offset, sa.sh_size))
				return fail("section-name table not extended", i, "");
			sb.sh_offset = sa.sh_offset;
			sb.sh_size = sa.sh_size;
		}
		if (memcmp(&sa, &sb, sizeof(sa)) && i != ha.e_shstrndx)
			return fail("section header differs", i, name(&a, sa.sh_name));
		if (sa.sh_type != SHT_NOBITS &&
		    memcmp(a.d + sa.sh_offset, b.d + sb.sh_offset, sa.sh_size))
			return fail("contents differ", i, name(&a, sa.sh_name));
	}
	sb = shdr(&b, ha.e_shnum);
	if (strcmp(name(&b, sb.sh_name), ".modver_stamp") || sb.sh_type != SHT_PROGBITS ||
	    (sb.sh_flags & SHF_ALLOC) || !in_file(&b, &sb) || !sb.sh_size)
		return fail("the added section is not a non-ALLOC PROGBITS .modver_stamp", i,
			    name(&b, sb.sh_name));
	printf("ok: %u sections unchanged (headers, contents, indices), ", ha.e_shnum);
	printf(".modver_stamp of %llu bytes added at index %u, not SHF_ALLOC\n",
	       (unsigned long long)sb.sh_size, ha.e_shnum);
	free(a.d);
	free(b.d);
	return 0;
}
