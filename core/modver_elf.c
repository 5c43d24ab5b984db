// SPDX-License-Identifier: GPL-2.0
/*
 * The loader's own rules for what a module image is, its signature trailer, sections, .modinfo
 * tags and undefined symbols (see modver_elf.h).
 *
 * The rules are those of kernel/module/main.c, read from three trees: 6.1 (elf_validity_check(),
 * setup_load_info()), 6.12 (elf_validity_cache_copy() and the functions it calls) and 7.3
 * (which adds elf_validity_cache_index_versions() and elf_validity_cache_strtab(), both from
 * 6.14 on).  They are applied in the loader's order, so that the first rule an image breaks is
 * the one the loader would report, and no rule is added: an image the loader accepts is accepted
 * here.  The loader trusts a few offsets it never checks (a SHT_NOBITS section's, a name offset
 * of a section it does not validate, a symbol's name offset before 6.14); where following one
 * would take it outside the image, the answer is "undefined" rather than a guess.
 *
 * Headers are copied out, never dereferenced in place: the loader does not require the section
 * header table to be aligned.
 */
#include "modver_elf.h"

#define MV_SIG_MARKER		"~Module signature appended~\n"
#define MV_SIG_INFO_LEN		12	/* struct module_signature */
#define MV_SIG_TYPE_PKCS7	2	/* MODULE_SIGNATURE_TYPE_PKCS7 */
#define MV_U64_MAX		((u64)-1)

#define MV_THIS_MODULE		".gnu.linkonce.this_module"

static bool mv_elf_range_ok(u64 len, u64 off, u64 size)
{
	return off <= len && size <= len - off;
}

/* An image being judged: its ELF header and section name table header, copied out. */
struct mv_elf {
	const u8 *image;
	u64 len;
	struct elf64_hdr eh;
	struct elf64_shdr names;
	bool outside;		/* the loader would have read outside the image */
};

static void mv_elf_shdr(const struct mv_elf *e, u32 i, struct elf64_shdr *sh)
{
	memcpy(sh, e->image + e->eh.e_shoff + (u64)i * sizeof(*sh), sizeof(*sh));
}

/* The byte at image offset @base + @k, or -1 (and e->outside) when that is past the image. */
static int mv_elf_byte(struct mv_elf *e, u64 base, u64 k)
{
	if (k > MV_U64_MAX - base || base + k >= e->len) {
		e->outside = true;
		return -1;
	}
	return e->image[base + k];
}

/*
 * strcmp(image + @base + @off, @want) == 0, reading what the kernel's strcmp() reads: up to the
 * first difference or the terminator.
 */
static bool mv_elf_streq(struct mv_elf *e, u64 base, u64 off, const char *want)
{
	u64 k;
	int c;

	if (off > MV_U64_MAX - base) {
		e->outside = true;
		return false;
	}
	for (k = 0;; k++) {
		c = mv_elf_byte(e, base + off, k);
		if (c != (u8)want[k])
			return false;
		if (!c)
			return true;
	}
}

/* Is section @sh named @want, as the loader compares (secstrings + sh_name)? */
static bool mv_elf_named(struct mv_elf *e, const struct elf64_shdr *sh, const char *want)
{
	return mv_elf_streq(e, e->names.sh_offset, sh->sh_name, want);
}

/* find_sec(): the first SHF_ALLOC section named @want; 0 when none (or e->outside). */
static u32 mv_elf_find_sec(struct mv_elf *e, const char *want)
{
	struct elf64_shdr sh;
	u32 i;

	for (i = 1; i < e->eh.e_shnum && !e->outside; i++) {
		mv_elf_shdr(e, i, &sh);
		if ((sh.sh_flags & SHF_ALLOC) && mv_elf_named(e, &sh, want))
			return i;
	}
	return 0;
}

/* find_any_unique_sec() (6.12 on): how many sections are named @want; *@idx the last. */
static u32 mv_elf_count_sec(struct mv_elf *e, const char *want, u32 *idx)
{
	struct elf64_shdr sh;
	u32 i, count = 0;

	for (i = 1; i < e->eh.e_shnum && !e->outside; i++) {
		mv_elf_shdr(e, i, &sh);
		if (mv_elf_named(e, &sh, want)) {
			count++;
			*idx = i;
		}
	}
	return count;
}

/*
 * get_modinfo(info, "name") reads .modinfo before anything checks a SHT_NOBITS one: follow its
 * reads (strncmp() of each string with the tag, then next_string()) only to see whether they stay
 * inside the image.
 */
static void mv_elf_modinfo_reads(struct mv_elf *e, const struct elf64_shdr *sh)
{
	static const char tag[] = "name";
	u64 p = sh->sh_offset, size = sh->sh_size, k;
	int c;

	for (;;) {
		for (k = 0; k < sizeof(tag); k++) {
			c = mv_elf_byte(e, p, k);
			if (c < 0 || (k == sizeof(tag) - 1 && c == '='))
				return;
			if (k < sizeof(tag) - 1 && c != tag[k])
				break;
		}
		while ((c = mv_elf_byte(e, p, 0)) > 0) {
			p++;
			if (size-- <= 1)
				return;
		}
		while ((c = mv_elf_byte(e, p, 0)) == 0) {
			p++;
			if (size-- <= 1)
				return;
		}
		if (c < 0)
			return;
	}
}

static const char *mv_elf_header(struct mv_elf *e, const struct mv_loader *ld)
{
	if (e->len < sizeof(e->eh))
		return "Invalid ELF header len";
	memcpy(&e->eh, e->image, sizeof(e->eh));
	if (memcmp(e->eh.e_ident, ELFMAG, SELFMAG) != 0)
		return "Invalid ELF header magic";
	if (e->eh.e_type != ET_REL)
		return "Invalid ELF header type";
	if (ld->machine && e->eh.e_machine != ld->machine)
		return "Invalid architecture in ELF header";
	if (e->eh.e_shentsize != sizeof(struct elf64_shdr))
		return "Invalid ELF section header size";
	if (e->eh.e_shoff >= e->len ||
	    (u64)e->eh.e_shnum * sizeof(struct elf64_shdr) > e->len - e->eh.e_shoff)
		return "Invalid ELF section header overflow";
	return NULL;
}

static const char *mv_elf_section0(struct mv_elf *e)
{
	struct elf64_shdr sh;

	/* With no sections at all, 6.12 still reads section 0: it may lie past the image. */
	if (!mv_elf_range_ok(e->len, e->eh.e_shoff, sizeof(sh))) {
		e->outside = true;
		return NULL;
	}
	mv_elf_shdr(e, 0, &sh);
	if (sh.sh_type != SHT_NULL || sh.sh_size != 0 || sh.sh_addr != 0)
		return "ELF Spec violation: section 0 type!=SH_NULL or non-zero len or addr";
	return NULL;
}

/* The section name table: present, inside the image, not empty, NUL-terminated. */
static const char *mv_elf_names(struct mv_elf *e, bool need_strtab)
{
	if (e->eh.e_shstrndx == SHN_UNDEF || e->eh.e_shstrndx >= e->eh.e_shnum)
		return "Invalid ELF section name index";
	mv_elf_shdr(e, e->eh.e_shstrndx, &e->names);
	if (need_strtab && e->names.sh_type != SHT_STRTAB)
		return "Invalid ELF section name table type";
	/* 6.1 checks the bounds here; 6.12 has checked every SHT_STRTAB section's already. */
	if (!mv_elf_range_ok(e->len, e->names.sh_offset, e->names.sh_size))
		return "Invalid ELF section hdr";
	if (e->names.sh_size == 0)
		return "empty section name table";
	if (e->image[e->names.sh_offset + e->names.sh_size - 1] != '\0')
		return "ELF Spec violation: section name table isn't null terminated";
	return NULL;
}

/* elf_validity_check(): 6.1. */
static const char *mv_elf_validity_6_1(struct mv_elf *e)
{
	struct elf64_shdr sh;
	const char *why;
	u32 i;

	why = mv_elf_names(e, false);
	if (!why)
		why = mv_elf_section0(e);
	for (i = 1; !why && i < e->eh.e_shnum; i++) {
		mv_elf_shdr(e, i, &sh);
		if (sh.sh_type == SHT_NULL || sh.sh_type == SHT_NOBITS)
			continue;
		if (sh.sh_type == SHT_SYMTAB &&
		    (sh.sh_link == SHN_UNDEF || sh.sh_link >= e->eh.e_shnum))
			return "Invalid ELF sh_link!=SHN_UNDEF or sh_link >= hdr->e_shnum";
		if (!mv_elf_range_ok(e->len, sh.sh_offset, sh.sh_size))
			return "Invalid ELF section in module";
		if ((sh.sh_flags & SHF_ALLOC) && sh.sh_name >= e->names.sh_size)
			return "Invalid ELF section name in module";
	}
	return why;
}

/* elf_validity_cache_sechdrs() and elf_validity_cache_secstrings(): 6.12 on. */
static const char *mv_elf_validity_6_12(struct mv_elf *e)
{
	struct elf64_shdr sh;
	const char *why;
	u32 i;

	why = mv_elf_section0(e);
	if (why || e->outside)
		return why;
	for (i = 1; i < e->eh.e_shnum; i++) {
		mv_elf_shdr(e, i, &sh);
		if (sh.sh_type != SHT_NULL && sh.sh_type != SHT_NOBITS &&
		    !mv_elf_range_ok(e->len, sh.sh_offset, sh.sh_size))
			return "Invalid ELF section in module";
	}
	why = mv_elf_names(e, true);
	for (i = 0; !why && i < e->eh.e_shnum; i++) {
		mv_elf_shdr(e, i, &sh);
		if (sh.sh_type != SHT_NULL && sh.sh_name >= e->names.sh_size)
			return "Invalid ELF section name in module";
	}
	return why;
}

/* Where the loader reads a section it never bounds-checked (SHT_NULL or SHT_NOBITS). */
static void mv_elf_unchecked_read(struct mv_elf *e, const struct elf64_shdr *sh, u64 size)
{
	if ((sh->sh_type == SHT_NULL || sh->sh_type == SHT_NOBITS) &&
	    !mv_elf_range_ok(e->len, sh->sh_offset, size))
		e->outside = true;
}

/* setup_load_info(): 6.1. */
static const char *mv_elf_setup_6_1(struct mv_elf *e, const struct mv_loader *ld)
{
	struct elf64_shdr sh;
	u32 i, idx;

	idx = mv_elf_find_sec(e, ".modinfo");
	if (idx) {
		mv_elf_shdr(e, idx, &sh);
		mv_elf_modinfo_reads(e, &sh);
	}
	if (e->outside)
		return NULL;
	for (i = 1; i < e->eh.e_shnum; i++) {
		mv_elf_shdr(e, i, &sh);
		if (sh.sh_type == SHT_SYMTAB)
			break;
	}
	if (i >= e->eh.e_shnum)
		return "module has no symbols (stripped?)";
	idx = mv_elf_find_sec(e, MV_THIS_MODULE);
	if (e->outside)
		return NULL;
	if (!idx)
		return "No module found in object";
	mv_elf_shdr(e, idx, &sh);
	/*
	 * info->mod points at it, and the loader reads and writes a whole struct module there:
	 * 6.1 checks neither its type nor its size.
	 */
	if (!mv_elf_range_ok(e->len, sh.sh_offset, ld->module_size ?: 1))
		e->outside = true;
	if (!e->outside)
		mv_elf_find_sec(e, MV_SEC_BASIC);
	return NULL;
}

/* elf_validity_cache_index_versions() (6.14 on), for a load without flags. */
static const char *mv_elf_index_versions(struct mv_elf *e)
{
	struct elf64_shdr crcs, names;
	u32 crc_idx, name_idx;
	u64 count, off, remaining, k;
	int c;

	crc_idx = mv_elf_find_sec(e, MV_SEC_EXT_CRCS);
	name_idx = e->outside ? 0 : mv_elf_find_sec(e, MV_SEC_EXT_NAMES);
	if (e->outside)
		return NULL;
	if (!crc_idx != !name_idx)
		return "extended version crc+name presence does not match";
	if (crc_idx) {
		mv_elf_shdr(e, crc_idx, &crcs);
		mv_elf_shdr(e, name_idx, &names);
		count = crcs.sh_size / sizeof(u32);
		off = names.sh_offset;
		remaining = names.sh_size;
		/* strnlen(name, remaining) + 1 > remaining: a name missing or unterminated. */
		while (count--) {
			for (k = 0; k < remaining; k++) {
				c = mv_elf_byte(e, off, k);
				if (c <= 0)
					break;
			}
			if (e->outside)
				return NULL;
			if (k + 1 > remaining)
				return "more extended version crcs than names";
			remaining -= k + 1;
			off += k + 1;
		}
	}
	mv_elf_find_sec(e, MV_SEC_BASIC);
	return NULL;
}

/* elf_validity_cache_strtab() (6.14 on): the symbol string table and every name offset. */
static const char *mv_elf_strtab(struct mv_elf *e, const struct elf64_shdr *sym,
				 const struct elf64_shdr *str)
{
	struct elf64_sym s;
	u64 i;

	if (str->sh_size == 0)
		return "empty symbol string table";
	if (e->image[str->sh_offset] != '\0')
		return "symbol string table missing leading NUL";
	if (e->image[str->sh_offset + str->sh_size - 1] != '\0')
		return "symbol string table isn't NUL terminated";
	for (i = 0; i < sym->sh_size / sizeof(s); i++) {
		memcpy(&s, e->image + sym->sh_offset + i * sizeof(s), sizeof(s));
		if (s.st_name >= str->sh_size)
			return "symbol name out of bounds in string table";
	}
	return NULL;
}

/* elf_validity_cache_index() and elf_validity_cache_strtab(), or their 6.12 forms. */
static const char *mv_elf_index(struct mv_elf *e, const struct mv_loader *ld)
{
	struct elf64_shdr sh, sym, str;
	u32 i, idx = 0, count, sym_idx = 0;
	const char *why;

	count = mv_elf_count_sec(e, ".modinfo", &idx);
	if (e->outside)
		return NULL;
	if (count > 1)
		return "Only one .modinfo section must exist.";
	if (count == 1) {
		mv_elf_shdr(e, idx, &sh);
		mv_elf_modinfo_reads(e, &sh);
	}
	if (!e->outside)
		count = mv_elf_count_sec(e, MV_THIS_MODULE, &idx);
	if (e->outside)
		return NULL;
	if (count != 1)
		return "Exactly one .gnu.linkonce.this_module section must exist.";
	mv_elf_shdr(e, idx, &sh);
	if (sh.sh_type == SHT_NOBITS)
		return ".gnu.linkonce.this_module section must have a size set";
	if (!(sh.sh_flags & SHF_ALLOC))
		return ".gnu.linkonce.this_module must occupy memory during process execution";
	if (ld->module_size && sh.sh_size != ld->module_size)
		return ".gnu.linkonce.this_module section size is not the kernel's struct module's";
	/* A SHT_NULL one was never bounds-checked: the loader reads struct module there. */
	mv_elf_unchecked_read(e, &sh, ld->module_size ?: 1);
	if (e->outside)
		return NULL;
	for (i = 1, count = 0; i < e->eh.e_shnum; i++) {
		mv_elf_shdr(e, i, &sh);
		if (sh.sh_type == SHT_SYMTAB) {
			count++;
			sym_idx = i;
		}
	}
	if (count != 1)
		return "module has no symbols (stripped?)";
	mv_elf_shdr(e, sym_idx, &sym);
	if (sym.sh_link == SHN_UNDEF || sym.sh_link >= e->eh.e_shnum)
		return "Invalid ELF sh_link!=SHN_UNDEF or sh_link >= hdr->e_shnum";
	mv_elf_shdr(e, sym.sh_link, &str);
	if (str.sh_type != SHT_STRTAB)
		return "Invalid ELF symbol string table type";
	if (ld->gen == MV_LOADER_6_12) {
		mv_elf_find_sec(e, MV_SEC_BASIC);
		return NULL;
	}
	why = mv_elf_index_versions(e);
	if (why || e->outside)
		return why;
	return mv_elf_strtab(e, &sym, &str);
}

/**
 * mv_loader_gen_of() - whose image rules a kernel release has
 * @release: a release as uname -r or vermagic give it, "6.12.117+deb12-amd64"
 *
 * Return: the generation of the loader's ELF checks for that release (6.1's for anything that
 * does not start with a major and minor number).
 */
enum mv_loader_gen mv_loader_gen_of(const char *release)
{
	unsigned int v[2] = { 0, 0 }, i = 0;

	for (; *release >= '0' && *release <= '9'; release++) {
		if (v[i] < 100000)
			v[i] = v[i] * 10 + (*release - '0');
		if (i == 0 && release[1] == '.') {
			i = 1;
			release++;
		}
	}
	if (v[0] * 1000 + v[1] < 6012)
		return MV_LOADER_6_1;
	return v[0] * 1000 + v[1] < 6014 ? MV_LOADER_6_12 : MV_LOADER_6_14;
}

/**
 * mv_image_unsigned_len() - the image length the loader works with, its signature cut off
 * @image: the module file's bytes
 * @len: their number
 * @why: set when the loader refuses the image for its signature trailer, else NULL
 *
 * module_sig_check() cuts an appended signature ("~Module signature appended~\n" after a struct
 * module_signature and the signature) off info->len before any ELF check, so that a section
 * reaching into the signature is outside the image.  A trailer mod_check_sig() cannot parse
 * refuses the load whether or not signatures are enforced; one not of PKCS#7 type only loses its
 * marker.  The signature itself is not verified here.
 *
 * Return: the length the loader checks the image against; 0 with @why set when it refuses it.
 */
u64 mv_image_unsigned_len(const void *image, u64 len, const char **why)
{
	const u64 markerlen = sizeof(MV_SIG_MARKER) - 1;
	const u8 *p = image;
	u8 ms[MV_SIG_INFO_LEN];
	u64 sig_len;

	*why = NULL;
	if (len <= markerlen || memcmp(p + len - markerlen, MV_SIG_MARKER, markerlen) != 0)
		return len;
	len -= markerlen;
	*why = "module signature trailer too short (EBADMSG)";
	if (len <= sizeof(ms))
		return 0;
	memcpy(ms, p + len - sizeof(ms), sizeof(ms));
	/* algo, hash, id_type, signer_len, key_id_len, __pad[3], __be32 sig_len */
	sig_len = (u64)ms[8] << 24 | (u64)ms[9] << 16 | (u64)ms[10] << 8 | ms[11];
	*why = "module signature longer than the module (EBADMSG)";
	if (sig_len >= len - sizeof(ms))
		return 0;
	*why = NULL;
	if (ms[2] != MV_SIG_TYPE_PKCS7)
		return len;	/* -ENOPKG: refused only where signatures are enforced */
	*why = "PKCS#7 signature info has unexpected non-zero params";
	if (ms[0] || ms[1] || ms[3] || ms[4] || ms[5] || ms[6] || ms[7])
		return 0;
	*why = NULL;
	return len - sig_len - sizeof(ms);
}

/**
 * mv_loader_check() - would the loader go on to check_version() for this image?
 * @image: the image, its signature cut off (mv_image_unsigned_len())
 * @len: its length
 * @ld: the kernel it is judged for
 * @why: the loader's own reason when it refuses the image, or what it would read outside it
 *
 * The loader's checks from the ELF header to the selection of the version tables, in its order,
 * for a load without flags; the checks it makes later (vermagic, relocations, signatures) are not
 * made.
 *
 * Return: MV_LOADER_LOADS, MV_LOADER_REFUSES, or MV_LOADER_UNDEFINED when the loader would read
 * outside the image before it decided.
 */
enum mv_loader_verdict mv_loader_check(const void *image, u64 len, const struct mv_loader *ld,
				       const char **why)
{
	struct mv_elf e = { .image = image, .len = len };

	bool v6_1 = ld->gen == MV_LOADER_6_1;

	*why = mv_elf_header(&e, ld);
	if (!*why)
		*why = v6_1 ? mv_elf_validity_6_1(&e) : mv_elf_validity_6_12(&e);
	if (!*why && !e.outside)
		*why = v6_1 ? mv_elf_setup_6_1(&e, ld) : mv_elf_index(&e, ld);
	if (*why)
		return MV_LOADER_REFUSES;
	if (e.outside) {
		*why = "a section or name offset it never checks points outside the image";
		return MV_LOADER_UNDEFINED;
	}
	return MV_LOADER_LOADS;
}

/* ignore_undef_symbol(): an unresolved symbol the loader lets pass, like a weak one. */
static bool mv_elf_ignore_undef(u16 machine, const char *name)
{
	return (machine == EM_386 || machine == EM_X86_64) &&
	       !strcmp(name, "_GLOBAL_OFFSET_TABLE_");
}

/**
 * mv_loader_symbols() - call @fn for each undefined symbol, as simplify_symbols() resolves them
 * @image: the image; mv_image_check() must have accepted it
 * @len: its length
 * @fn: called with each name, in symbol-table order, and whether the loader lets it stay
 *	unresolved (a weak symbol, or one ignore_undef_symbol() names); may be NULL
 * @arg: passed to @fn
 * @why: set when -1 is returned
 *
 * The symbol table is the loader's: the first SHT_SYMTAB section, its sh_link the string table.
 * Every undefined symbol is asked about, one with an empty name too (find_symbol("") fails:
 * "Unknown symbol" unless weak), and the loader goes on after a refused one: simplify_symbols()
 * only breaks out of its switch.  The loader reads names at st_name without checking it before
 * 6.14: a name that runs outside the image makes the image unusable here, before @fn is called.
 *
 * Return: 0, or -1 when there is no symbol table or a name cannot be read.
 */
int mv_loader_symbols(const void *image, u64 len, mv_symbol_fn fn, void *arg, const char **why)
{
	struct mv_elf e = { .image = image, .len = len };
	struct elf64_shdr symsec, strsec;
	struct elf64_sym s;
	int pass, c;
	u64 i, n, k;
	bool weak;

	memcpy(&e.eh, image, sizeof(e.eh));
	for (k = 1; k < e.eh.e_shnum; k++) {
		mv_elf_shdr(&e, k, &symsec);
		if (symsec.sh_type == SHT_SYMTAB)
			break;
	}
	*why = "no symbol table";
	if (k >= e.eh.e_shnum || symsec.sh_link >= e.eh.e_shnum ||
	    !mv_elf_range_ok(len, symsec.sh_offset, symsec.sh_size))
		return -1;
	mv_elf_shdr(&e, symsec.sh_link, &strsec);
	n = symsec.sh_size / sizeof(s);
	*why = "the loader would read a symbol name outside the image";
	/* Pass 0 checks every name the loader reads; pass 1 reports them. */
	for (pass = 0; pass < 2; pass++) {
		for (i = 1; i < n; i++) {
			memcpy(&s, e.image + symsec.sh_offset + i * sizeof(s), sizeof(s));
			if (s.st_shndx != SHN_UNDEF)
				continue;
			if (pass == 0) {
				k = s.st_name;
				while ((c = mv_elf_byte(&e, strsec.sh_offset, k)) > 0)
					k++;
				if (c < 0)
					return -1;
				continue;
			}
			weak = ELF64_ST_BIND(s.st_info) == STB_WEAK;
			weak |= mv_elf_ignore_undef(e.eh.e_machine, (const char *)image +
						    strsec.sh_offset + s.st_name);
			if (fn)
				fn((const char *)image + strsec.sh_offset + s.st_name, weak, arg);
		}
	}
	*why = NULL;
	return 0;
}

/* The first section called @name with contents inside the image; its header copied to @sh. */
static u32 mv_elf_section(const void *image, u64 len, const char *name, struct elf64_shdr *sh)
{
	struct mv_elf e = { .image = image, .len = len };
	u64 n = strlen(name) + 1;
	u32 i;

	memcpy(&e.eh, image, sizeof(e.eh));
	mv_elf_shdr(&e, e.eh.e_shstrndx, &e.names);
	for (i = 1; i < e.eh.e_shnum; i++) {
		mv_elf_shdr(&e, i, sh);
		if (mv_elf_range_ok(e.names.sh_size, sh->sh_name, n) &&
		    !memcmp(e.image + e.names.sh_offset + sh->sh_name, name, n) &&
		    sh->sh_type != SHT_NOBITS && mv_elf_range_ok(len, sh->sh_offset, sh->sh_size))
			return i;
	}
	return 0;
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
 * Return: its header in the image, or NULL.  The header table need not be aligned: read the
 * header through memcpy().
 */
const struct elf64_shdr *mv_section(const void *image, u64 len, const char *name)
{
	struct elf64_shdr sh;
	struct elf64_hdr eh;
	u32 i = mv_elf_section(image, len, name, &sh);

	if (!i)
		return NULL;
	memcpy(&eh, image, sizeof(eh));
	return (const void *)((const u8 *)image + eh.e_shoff + (u64)i * sizeof(sh));
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
	struct elf64_shdr sh;
	const char *p, *end;
	size_t tlen = strlen(tag), n;

	if (!mv_elf_section(image, len, ".modinfo", &sh) || !size)
		return NULL;
	p = (const char *)image + sh.sh_offset;
	end = p + sh.sh_size;
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
 * mv_undefined_symbols() - mv_loader_symbols() without the reason
 * @image: the image; mv_image_check() must have accepted it
 * @len: its length
 * @fn: see mv_loader_symbols()
 * @arg: passed to @fn
 *
 * Return: 0, or -1 when the symbol table is unusable.
 */
int mv_undefined_symbols(const void *image, u64 len, mv_symbol_fn fn, void *arg)
{
	const char *why;

	return mv_loader_symbols(image, len, fn, arg, &why);
}
