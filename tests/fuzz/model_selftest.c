// SPDX-License-Identifier: GPL-2.0
/*
 * model_selftest FIXTURE.ko [SEED_DIR]: the kernel model and modver's loader rules on the cases of
 * issue 12, made from a real module: what the stock loader does with each (written from the
 * kernel source, so these are the model's own checks), and the differential check of
 * differential.c on each.  One PASS/FAIL line per case; with SEED_DIR, the cases are written there
 * as seeds for the differential fuzzer.
 */
#include <stdio.h>
#include <stdlib.h>

#include "differential.h"
#include "modver_decide.h"
#include "modver_elf.h"

static int failures;
static const char *seed_dir;
static char last_finding[512];

struct img {
	u8 *b;
	u64 len;
};

static void finding(const char *what)
{
	snprintf(last_finding, sizeof(last_finding), "%s", what);
}

static void result(const char *name, bool ok, const char *detail)
{
	printf("%s host kernel-model/%s%s%s\n", ok ? "PASS" : "FAIL", name, ok ? "" : ": ",
	       ok ? "" : detail);
	failures += !ok;
}

static struct img img_copy(const struct img *from, u64 extra)
{
	struct img i = { .len = from->len };

	if (posix_memalign((void **)&i.b, 8, from->len + extra))
		exit(2);
	memcpy(i.b, from->b, from->len);
	memset(i.b + from->len, 0, extra);
	return i;
}

static struct elf64_hdr *ehdr(struct img *i)
{
	return (struct elf64_hdr *)i->b;
}

/* Section @name's header, in place (the fixture's table is aligned). */
static struct elf64_shdr *shdr(struct img *i, const char *name)
{
	return (struct elf64_shdr *)mv_section(i->b, i->len, name);
}

static u64 *entry_crc(struct img *i, const char *sym)
{
	struct elf64_shdr *v = shdr(i, MV_SEC_BASIC);
	u64 off;

	for (off = 0; v && off + 64 <= v->sh_size; off += 64)
		if (!strcmp((char *)i->b + v->sh_offset + off + 8, sym))
			return (u64 *)(i->b + v->sh_offset + off);
	fprintf(stderr, "model_selftest: the fixture has no __versions entry for %s\n", sym);
	exit(2);
}

/* Add __version_ext_crcs and __version_ext_names agreeing with __versions, as 6.14's modpost. */
static struct img add_extended(struct img *from)
{
	struct elf64_shdr *v = shdr(from, MV_SEC_BASIC), *names, *sh;
	static const char secnames[] = MV_SEC_EXT_CRCS "\0" MV_SEC_EXT_NAMES;
	u64 n = v->sh_size / 64, k, crcs_off, names_off, str_off, shoff, pos;
	struct img i = img_copy(from, 1 << 16);
	struct elf64_hdr *eh = ehdr(&i);
	u16 shnum = eh->e_shnum;
	u32 crc;

	v = shdr(&i, MV_SEC_BASIC);
	names = (struct elf64_shdr *)(i.b + eh->e_shoff) + eh->e_shstrndx;
	crcs_off = (i.len + 7) & ~7ULL;
	for (k = 0; k < n; k++) {
		crc = *(u64 *)(i.b + v->sh_offset + k * 64);
		memcpy(i.b + crcs_off + 4 * k, &crc, 4);
	}
	names_off = crcs_off + 4 * n;
	pos = names_off;
	for (k = 0; k < n; k++) {
		const char *name = (char *)i.b + v->sh_offset + k * 64 + 8;

		memcpy(i.b + pos, name, strlen(name) + 1);
		pos += strlen(name) + 1;
	}
	i.b[pos++] = '\0';
	str_off = pos;
	memcpy(i.b + str_off, i.b + names->sh_offset, names->sh_size);
	memcpy(i.b + str_off + names->sh_size, secnames, sizeof(secnames));
	shoff = (str_off + names->sh_size + sizeof(secnames) + 7) & ~7ULL;
	memcpy(i.b + shoff, i.b + eh->e_shoff, shnum * sizeof(*sh));
	sh = (struct elf64_shdr *)(i.b + shoff);
	memset(&sh[shnum], 0, 2 * sizeof(*sh));
	sh[shnum].sh_name = names->sh_size;
	sh[shnum].sh_type = SHT_PROGBITS;
	sh[shnum].sh_flags = SHF_ALLOC;
	sh[shnum].sh_offset = crcs_off;
	sh[shnum].sh_size = 4 * n;
	sh[shnum + 1] = sh[shnum];
	sh[shnum + 1].sh_name = names->sh_size + sizeof(MV_SEC_EXT_CRCS);
	sh[shnum + 1].sh_offset = names_off;
	sh[shnum + 1].sh_size = pos - names_off;
	sh[eh->e_shstrndx].sh_offset = str_off;
	sh[eh->e_shstrndx].sh_size = names->sh_size + sizeof(secnames);
	eh->e_shoff = shoff;
	eh->e_shnum = shnum + 2;
	i.len = shoff + (shnum + 2) * sizeof(*sh);
	return i;
}

static void write_seed(const char *name, const struct img *i)
{
	char path[4096];
	FILE *f;

	if (!seed_dir)
		return;
	snprintf(path, sizeof(path), "%s/issue12-%s.ko", seed_dir, name);
	f = fopen(path, "wb");
	if (!f || fwrite(i->b, 1, i->len, f) != i->len || fclose(f)) {
		fprintf(stderr, "model_selftest: cannot write %s\n", path);
		exit(2);
	}
}

/* What the model's loader does with @sym at kernel @gen: how far it gets, and the answer. */
static enum km_answer ask(struct img *i, enum km_gen gen, const char *sym, u32 crc,
			  enum km_stage *stage)
{
	struct km_kernel k;
	struct km_load l;

	diff_kernel_for(i->b, i->len, gen, &k);
	km_load_image(i->b, i->len, &k, false, &l);
	*stage = l.stage;
	return l.stage == KM_LOADS ? km_check_version(i->b, &k, &l, sym, &crc) : KM_UNDEF;
}

/* A case: the model's expectation holds, and modver is never more lenient on it. */
static void check(const char *name, struct img *i, bool expected, const char *why)
{
	struct diff_stats st = { 0 };
	char detail[700];

	last_finding[0] = '\0';
	diff_image(i->b, i->len, &st, finding);
	snprintf(detail, sizeof(detail), "%s%s%s", expected ? "" : why,
		 !expected && st.findings ? "; " : "", st.findings ? last_finding : "");
	result(name, expected && !st.findings, detail);
	write_seed(name, i);
}

static void loader_rules(struct img *orig, const struct mv_loader *ld)
{
	struct img i = img_copy(orig, 4096);
	static const char marker[] = "~Module signature appended~\n";
	const struct mv_loader old = { MV_LOADER_6_1, ld->machine, ld->module_size };
	enum mv_loader_verdict v;
	const char *why, *sig_why;
	u64 len;
	bool ok;

	ehdr(&i)->e_type = ET_EXEC;
	v = mv_loader_check(i.b, i.len, ld, &why);
	result("rules-et-rel", v == MV_LOADER_REFUSES && !strcmp(why, "Invalid ELF header type"),
	       "an ET_EXEC image is not refused for its type");
	ehdr(&i)->e_type = ET_REL;
	ehdr(&i)->e_machine = EM_AARCH64 + EM_X86_64 - ld->machine;
	v = mv_loader_check(i.b, i.len, ld, &why);
	result("rules-machine", v == MV_LOADER_REFUSES, "another arch's module is not refused");
	ehdr(&i)->e_machine = ld->machine;
	shdr(&i, ".gnu.linkonce.this_module")->sh_size += 64;
	v = mv_loader_check(i.b, i.len, ld, &why);
	ok = v == MV_LOADER_REFUSES;
	v = mv_loader_check(i.b, i.len, &old, &why);
	result("rules-this-module-size", ok && v == MV_LOADER_LOADS,
	       "this_module's size is checked on 6.12, not on 6.1");
	shdr(&i, ".gnu.linkonce.this_module")->sh_size -= 64;
	/* A PKCS#7 trailer (id_type 2, sig_len 16) is cut off; an overlong one refuses the load. */
	memset(i.b + i.len, 0xa5, 16);
	memcpy(i.b + i.len + 16, "\0\0\2\0\0\0\0\0\0\0\0\x10", 12);
	memcpy(i.b + i.len + 28, marker, sizeof(marker) - 1);
	len = mv_image_unsigned_len(i.b, i.len + 28 + sizeof(marker) - 1, &sig_why);
	ok = len == i.len && !sig_why;
	i.b[i.len + 16 + 8] = 0x7f;
	mv_image_unsigned_len(i.b, i.len + 28 + sizeof(marker) - 1, &sig_why);
	result("rules-signature-trailer", ok && sig_why,
	       "the signature is not cut off as the loader does");
	free(i.b);
}

/* The undefined symbols, as the loader asks: one with an empty name included. */
static void count_empty(const char *name, bool weak, void *arg)
{
	(void)weak;
	*(int *)arg += !*name;
}

static void empty_symbol_name(struct img *orig)
{
	struct img i = img_copy(orig, 0);
	struct elf64_hdr *eh = ehdr(&i);
	struct elf64_shdr *sh = (struct elf64_shdr *)(i.b + eh->e_shoff);
	struct elf64_sym *s;
	const char *why;
	int empty = 0;
	u64 n, k;
	u32 j;

	for (j = 1; j < eh->e_shnum && sh[j].sh_type != SHT_SYMTAB; j++)
		;
	s = (struct elf64_sym *)(i.b + sh[j].sh_offset);
	n = sh[j].sh_size / sizeof(*s);
	for (k = 1; k < n && (s[k].st_shndx != SHN_UNDEF || !s[k].st_name); k++)
		;
	if (k < n)
		s[k].st_name = 0;
	mv_loader_symbols(i.b, i.len, count_empty, &empty, &why);
	result("symbols-empty-name-asked", k < n && empty == 1,
	       "an undefined symbol with an empty name is not asked about");
	free(i.b);
}

int main(int argc, char **argv)
{
	struct img orig, i;
	struct mv_loader ld;
	enum km_stage st61, st612;
	struct km_kernel k;
	u32 layout, printk;
	FILE *f;
	long size;

	if (argc < 2 || argc > 3) {
		fprintf(stderr, "usage: model_selftest FIXTURE.ko [SEED_DIR]\n");
		return 2;
	}
	seed_dir = argc == 3 ? argv[2] : NULL;
	f = fopen(argv[1], "rb");
	size = f && !fseek(f, 0, SEEK_END) ? ftell(f) : -1;
	if (size <= 0 || fseek(f, 0, SEEK_SET) || posix_memalign((void **)&orig.b, 8, size) ||
	    fread(orig.b, 1, size, f) != (size_t)size) {
		fprintf(stderr, "model_selftest: cannot read %s\n", argv[1]);
		return 2;
	}
	fclose(f);
	orig.len = size;
	layout = *entry_crc(&orig, MV_LAYOUT_SYMBOL);
	printk = *entry_crc(&orig, "_printk");
	diff_kernel_for(orig.b, orig.len, KM_6_12, &k);
	ld = (struct mv_loader){ MV_LOADER_6_12, k.machine, k.module_size };

	check("fixture-loads", &orig,
	      ask(&orig, KM_6_1, MV_LAYOUT_SYMBOL, layout, &st61) == KM_PASS &&
	      ask(&orig, KM_6_14, MV_LAYOUT_SYMBOL, layout, &st612) == KM_PASS,
	      "the fixture's own module_layout does not pass");
	/* Defect 1: what elf_validity_*() does not check, the loader accepts. */
	i = img_copy(&orig, 0);
	i.b[EI_CLASS] = ELFCLASS32;
	check("class32-loads", &i, ask(&i, KM_6_12, MV_LAYOUT_SYMBOL, layout, &st612) == KM_PASS,
	      "EI_CLASS 1 is refused");
	i.b[EI_CLASS] = ELFCLASS64;
	i.b[EI_DATA] = ELFDATA2MSB;
	check("data2-loads", &i, ask(&i, KM_6_12, MV_LAYOUT_SYMBOL, layout, &st612) == KM_PASS,
	      "EI_DATA 2 is refused");
	free(i.b);
	/* Room for the table moved past the end, 4 bytes off an 8-byte boundary. */
	i = img_copy(&orig, ehdr(&orig)->e_shnum * sizeof(struct elf64_shdr) + 16);
	memmove(i.b + ((i.len + 7) & ~7ULL) + 4, i.b + ehdr(&i)->e_shoff,
		ehdr(&i)->e_shnum * sizeof(struct elf64_shdr));
	ehdr(&i)->e_shoff = ((i.len + 7) & ~7ULL) + 4;
	i.len = ehdr(&i)->e_shoff + ehdr(&i)->e_shnum * sizeof(struct elf64_shdr);
	check("shdrs-8n+4-loads", &i, ask(&i, KM_6_12, MV_LAYOUT_SYMBOL, layout, &st612) == KM_PASS,
	      "a section header table at 8n+4 is refused");
	free(i.b);
	/* A SHT_NOBITS name table: 6.1 reads it as any other; 6.12 wants SHT_STRTAB. */
	i = img_copy(&orig, 0);
	shdr(&i, ".shstrtab")->sh_type = SHT_NOBITS;
	ask(&i, KM_6_1, MV_LAYOUT_SYMBOL, layout, &st61);
	ask(&i, KM_6_12, MV_LAYOUT_SYMBOL, layout, &st612);
	check("strnobits-6.1-loads-6.12-refuses", &i, st61 == KM_LOADS && st612 == KM_REFUSED,
	      "a SHT_NOBITS name table: wrong stage");
	free(i.b);
	/* Defect 2: find_sec() wants SHF_ALLOC; without it, no table: a forced load. */
	i = img_copy(&orig, 0);
	shdr(&i, MV_SEC_BASIC)->sh_flags &= ~(u64)SHF_ALLOC;
	check("vers-noalloc-forced", &i,
	      ask(&i, KM_6_12, MV_LAYOUT_SYMBOL, layout, &st612) == KM_PASS_TAINT,
	      "a non-ALLOC __versions is read");
	free(i.b);
	/* Defect 2: a stale __versions under consistent extended tables. */
	i = add_extended(&orig);
	*entry_crc(&i, "_printk") ^= 0x10101;
	check("stale-vers-ext-ok", &i,
	      ask(&i, KM_6_12, "_printk", printk, &st612) == KM_FAIL &&
	      ask(&i, KM_6_14, "_printk", printk, &st612) == KM_PASS,
	      "6.12 must read __versions, 6.14 the extended tables");
	free(i.b);
	/* Defect 3: a bad module_layout in a __versions padded by 8 bytes. */
	i = img_copy(&orig, 0);
	*entry_crc(&i, MV_LAYOUT_SYMBOL) ^= 0x10101;
	shdr(&i, MV_SEC_BASIC)->sh_size += 8;
	check("badlayout-padded-refused", &i,
	      ask(&i, KM_6_12, MV_LAYOUT_SYMBOL, layout, &st612) == KM_FAIL,
	      "a padded table's bad module_layout passes");
	free(i.b);
	loader_rules(&orig, &ld);
	empty_symbol_name(&orig);
	free(orig.b);
	return failures ? 1 : 0;
}
