// SPDX-License-Identifier: GPL-2.0
/*
 * The stock loader, modelled (see kernel_model.h).  Each function names the kernel function it
 * models; the kernel's pointer reads become reads of image offsets through km_byte(), which
 * records a read outside the image instead of making it.
 */
#include "kernel_model.h"

#define KM_SIG_MARKER	"~Module signature appended~\n"
#define KM_MS_LEN	12	/* sizeof(struct module_signature) */

struct km_info {
	const u8 *hdr;
	u64 len;
	struct elf64_hdr eh;
	struct elf64_shdr strhdr;	/* e_shstrndx's header, once validated */
	bool outside;			/* a read went outside the image */
};

static struct elf64_shdr km_shdr(const struct km_info *info, u32 i)
{
	struct elf64_shdr sh;

	memcpy(&sh, info->hdr + info->eh.e_shoff + (u64)i * sizeof(sh), sizeof(sh));
	return sh;
}

/* hdr[a + b]: -1 and info->outside when it lies outside the image (or the sum wraps). */
static int km_byte(struct km_info *info, u64 a, u64 b)
{
	if (a + b < a || a + b >= info->len) {
		info->outside = true;
		return -1;
	}
	return info->hdr[a + b];
}

/* strcmp(hdr + @at, @s) == 0, reading as strcmp() reads. */
static bool km_streq(struct km_info *info, u64 at, const char *s)
{
	u64 i;
	int c;

	for (i = 0;; i++) {
		c = km_byte(info, at, i);
		if (c < 0 || c != (u8)s[i])
			return false;
		if (!c)
			return true;
	}
}

/* strlen(hdr + @at), or -1 when it runs outside the image. */
static s64 km_strlen(struct km_info *info, u64 at)
{
	u64 i;
	int c;

	for (i = 0; (c = km_byte(info, at, i)) > 0; i++)
		;
	return c < 0 ? -1 : (s64)i;
}

/* validate_section_offset() */
static bool km_section_ok(const struct km_info *info, const struct elf64_shdr *sh)
{
	u64 secend = sh->sh_offset + sh->sh_size;

	return !(secend < sh->sh_offset || secend > info->len);
}

/* find_sec() */
static u32 km_find_sec(struct km_info *info, const char *name)
{
	struct elf64_shdr sh;
	u32 i;

	for (i = 1; i < info->eh.e_shnum; i++) {
		sh = km_shdr(info, i);
		if ((sh.sh_flags & SHF_ALLOC) &&
		    km_streq(info, info->strhdr.sh_offset + sh.sh_name, name))
			return i;
		if (info->outside)
			return 0;
	}
	return 0;
}

/* find_any_unique_sec(): the index, 0 for none, -count for several. */
static s64 km_find_any_unique_sec(struct km_info *info, const char *name)
{
	struct elf64_shdr sh;
	u32 i, idx = 0, count = 0;

	for (i = 1; i < info->eh.e_shnum && !info->outside; i++) {
		sh = km_shdr(info, i);
		if (km_streq(info, info->strhdr.sh_offset + sh.sh_name, name)) {
			count++;
			idx = i;
		}
	}
	return count == 1 ? idx : -(s64)count;
}

/* get_modinfo(info, "name"), through get_next_modinfo() and next_string(): only its reads. */
static void km_get_modinfo_name(struct km_info *info, u32 index)
{
	struct elf64_shdr sh = km_shdr(info, index);
	u64 size = sh.sh_size, p = sh.sh_offset;
	int c;

	for (;;) {
		/* strncmp(p, "name", 4) == 0 && p[4] == '=' */
		if (km_byte(info, p, 0) == 'n' && km_byte(info, p, 1) == 'a' &&
		    km_byte(info, p, 2) == 'm' && km_byte(info, p, 3) == 'e' &&
		    km_byte(info, p, 4) == '=')
			return;
		if (info->outside)
			return;
		/* next_string() */
		while ((c = km_byte(info, p, 0)) > 0) {
			p++;
			if (size-- <= 1)
				return;
		}
		while ((c = km_byte(info, p, 0)) == 0) {
			p++;
			if (size-- <= 1)
				return;
		}
		if (c < 0)
			return;
	}
}

/* module_sig_check() for a kernel that does not enforce signatures; the PKCS#7 check passes. */
static const char *km_module_sig_check(struct km_info *info, bool mangled)
{
	const u64 markerlen = sizeof(KM_SIG_MARKER) - 1;
	const u8 *ms;
	u32 sig_len;

	if (mangled || info->len <= markerlen ||
	    memcmp(info->hdr + info->len - markerlen, KM_SIG_MARKER, markerlen))
		return NULL;
	info->len -= markerlen;
	/* mod_verify_sig() and mod_check_sig() */
	if (info->len <= KM_MS_LEN)
		return "mod_verify_sig: -EBADMSG";
	ms = info->hdr + info->len - KM_MS_LEN;
	sig_len = (u32)ms[8] << 24 | (u32)ms[9] << 16 | (u32)ms[10] << 8 | ms[11];
	if (sig_len >= info->len - KM_MS_LEN)
		return "mod_check_sig: -EBADMSG";
	if (ms[2] != 2)
		return NULL;	/* -ENOPKG: "module with unsupported crypto", not enforced */
	if (ms[0] || ms[1] || ms[3] || ms[4] || ms[5] || ms[6] || ms[7])
		return "PKCS#7 signature info has unexpected non-zero params";
	info->len -= sig_len + KM_MS_LEN;
	return NULL;
}

/* elf_validity_ehdr() and the section header checks both generations make first. */
static const char *km_ehdr(struct km_info *info, const struct km_kernel *k)
{
	if (info->len < sizeof(info->eh))
		return "Invalid ELF header len";
	memcpy(&info->eh, info->hdr, sizeof(info->eh));
	if (memcmp(info->eh.e_ident, ELFMAG, SELFMAG) != 0)
		return "Invalid ELF header magic";
	if (info->eh.e_type != ET_REL)
		return "Invalid ELF header type";
	if (info->eh.e_machine != k->machine)
		return "Invalid architecture in ELF header";
	if (info->eh.e_shentsize != sizeof(struct elf64_shdr))
		return "Invalid ELF section header size";
	if (info->eh.e_shoff >= info->len ||
	    info->eh.e_shnum * sizeof(struct elf64_shdr) > info->len - info->eh.e_shoff)
		return "Invalid ELF section header overflow";
	return NULL;
}

/* sechdrs[0] must be SHT_NULL, size and address 0; read even when e_shnum is 0. */
static const char *km_section0(struct km_info *info)
{
	struct elf64_shdr sh;

	if (info->eh.e_shoff + sizeof(sh) > info->len) {
		info->outside = true;
		return NULL;
	}
	sh = km_shdr(info, 0);
	if (sh.sh_type != SHT_NULL || sh.sh_size != 0 || sh.sh_addr != 0)
		return "ELF Spec violation: section 0";
	return NULL;
}

/* elf_validity_check() and setup_load_info(), 6.1. */
static const char *km_load_6_1(struct km_info *info, const struct km_kernel *k, bool ignore,
			       struct km_load *l)
{
	struct elf64_shdr sh;
	u32 i, sym = 0, mod;

	if (info->eh.e_shstrndx == SHN_UNDEF || info->eh.e_shstrndx >= info->eh.e_shnum)
		return "Invalid ELF section name index";
	info->strhdr = km_shdr(info, info->eh.e_shstrndx);
	if (!km_section_ok(info, &info->strhdr))
		return "Invalid ELF section hdr";
	if (info->strhdr.sh_size == 0)
		return "empty section name table";
	if (info->hdr[info->strhdr.sh_offset + info->strhdr.sh_size - 1] != '\0')
		return "section name table isn't null terminated";
	sh = km_shdr(info, 0);
	if (sh.sh_type != SHT_NULL || sh.sh_size != 0 || sh.sh_addr != 0)
		return "ELF Spec violation: section 0";
	for (i = 1; i < info->eh.e_shnum; i++) {
		sh = km_shdr(info, i);
		switch (sh.sh_type) {
		case SHT_NULL:
		case SHT_NOBITS:
			continue;
		case SHT_SYMTAB:
			if (sh.sh_link == SHN_UNDEF || sh.sh_link >= info->eh.e_shnum)
				return "Invalid ELF sh_link";
			__attribute__((fallthrough));
		default:
			if (!km_section_ok(info, &sh))
				return "Invalid ELF section in module";
			if ((sh.sh_flags & SHF_ALLOC) && sh.sh_name >= info->strhdr.sh_size)
				return "Invalid ELF section name in module";
		}
	}
	/* setup_load_info() */
	i = km_find_sec(info, ".modinfo");
	if (i)
		km_get_modinfo_name(info, i);
	if (info->outside)
		return NULL;
	for (i = 1; i < info->eh.e_shnum; i++) {
		if (km_shdr(info, i).sh_type == SHT_SYMTAB) {
			sym = i;
			break;
		}
	}
	if (!sym)
		return "module has no symbols (stripped?)";
	mod = km_find_sec(info, ".gnu.linkonce.this_module");
	if (info->outside)
		return NULL;
	if (!mod)
		return "No module found in object";
	/* info->mod = hdr + sh_offset: struct module is read and written there. */
	sh = km_shdr(info, mod);
	if (sh.sh_offset + k->module_size < sh.sh_offset ||
	    sh.sh_offset + k->module_size > info->len) {
		info->outside = true;
		return NULL;
	}
	l->vers = ignore ? 0 : km_find_sec(info, "__versions");
	l->table_undefined = info->outside;
	return NULL;
}

/* elf_validity_cache_index_versions() (6.14 on) */
static const char *km_index_versions(struct km_info *info, bool ignore, struct km_load *l)
{
	u32 crc, name;
	u64 crc_count, remaining, at, name_size;
	s64 n;

	if (ignore)
		return NULL;
	crc = km_find_sec(info, "__version_ext_crcs");
	name = info->outside ? 0 : km_find_sec(info, "__version_ext_names");
	if (info->outside)
		goto undefined;
	if (!!crc != !!name)
		return "extended version crc+name presence does not match";
	if (crc) {
		crc_count = km_shdr(info, crc).sh_size / sizeof(u32);
		at = km_shdr(info, name).sh_offset;
		remaining = km_shdr(info, name).sh_size;
		while (crc_count--) {
			/* strnlen(name, remaining) + 1 */
			for (n = 0; (u64)n < remaining; n++) {
				int c = km_byte(info, at, n);

				if (c <= 0)
					break;
			}
			if (info->outside)
				goto undefined;
			name_size = n + 1;
			if (name_size > remaining)
				return "more extended version crcs than names";
			remaining -= name_size;
			at += name_size;
		}
	}
	l->vers = km_find_sec(info, "__versions");
	l->ext_crc = crc;
	l->ext_name = name;
	if (info->outside)
		goto undefined;
	return NULL;
undefined:
	l->table_undefined = true;
	return NULL;
}

/* elf_validity_cache_copy(): 6.12, and 6.14 on with index_versions and strtab. */
static const char *km_load_6_12(struct km_info *info, const struct km_kernel *k, bool ignore,
				struct km_load *l)
{
	struct elf64_shdr sh, symsh, strsh;
	u32 i, count = 0, sym = 0, str;
	const char *why;
	s64 idx;

	/* elf_validity_cache_sechdrs() */
	why = km_section0(info);
	if (why || info->outside)
		return why;
	for (i = 1; i < info->eh.e_shnum; i++) {
		sh = km_shdr(info, i);
		if (sh.sh_type != SHT_NULL && sh.sh_type != SHT_NOBITS && !km_section_ok(info, &sh))
			return "Invalid ELF section in module";
	}
	/* elf_validity_cache_secstrings() */
	if (info->eh.e_shstrndx == SHN_UNDEF || info->eh.e_shstrndx >= info->eh.e_shnum)
		return "Invalid ELF section name index";
	info->strhdr = km_shdr(info, info->eh.e_shstrndx);
	if (info->strhdr.sh_type != SHT_STRTAB)
		return "Invalid ELF section name table type";
	if (info->strhdr.sh_size == 0)
		return "empty section name table";
	if (info->hdr[info->strhdr.sh_offset + info->strhdr.sh_size - 1] != '\0')
		return "section name table isn't null terminated";
	for (i = 0; i < info->eh.e_shnum; i++) {
		sh = km_shdr(info, i);
		if (sh.sh_type != SHT_NULL && sh.sh_name >= info->strhdr.sh_size)
			return "Invalid ELF section name in module";
	}
	/* elf_validity_cache_index_info() */
	idx = km_find_any_unique_sec(info, ".modinfo");
	if (info->outside)
		return NULL;
	if (idx < 0)
		return "Only one .modinfo section must exist.";
	if (idx > 0)
		km_get_modinfo_name(info, idx);
	if (info->outside)
		return NULL;
	/* elf_validity_cache_index_mod() */
	idx = km_find_any_unique_sec(info, ".gnu.linkonce.this_module");
	if (info->outside)
		return NULL;
	if (idx <= 0)
		return "Exactly one .gnu.linkonce.this_module section must exist.";
	sh = km_shdr(info, idx);
	if (sh.sh_type == SHT_NOBITS)
		return ".gnu.linkonce.this_module section must have a size set";
	if (!(sh.sh_flags & SHF_ALLOC))
		return ".gnu.linkonce.this_module must occupy memory during process execution";
	if (sh.sh_size != k->module_size)
		return ".gnu.linkonce.this_module section size must match";
	if (sh.sh_type == SHT_NULL && !km_section_ok(info, &sh)) {
		info->outside = true;	/* never checked: info->mod points there */
		return NULL;
	}
	/* elf_validity_cache_index_sym() */
	for (i = 1; i < info->eh.e_shnum; i++) {
		if (km_shdr(info, i).sh_type == SHT_SYMTAB) {
			count++;
			sym = i;
		}
	}
	if (count != 1)
		return "module has no symbols (stripped?)";
	/* elf_validity_cache_index_str() */
	symsh = km_shdr(info, sym);
	str = symsh.sh_link;
	if (str == SHN_UNDEF || str >= info->eh.e_shnum)
		return "Invalid ELF sh_link";
	strsh = km_shdr(info, str);
	if (strsh.sh_type != SHT_STRTAB)
		return "Invalid ELF symbol string table type";
	if (k->gen == KM_6_12) {
		l->vers = ignore ? 0 : km_find_sec(info, "__versions");
		l->table_undefined = info->outside;
		return NULL;
	}
	why = km_index_versions(info, ignore, l);
	if (why || info->outside)
		return why;
	/* elf_validity_cache_strtab() */
	if (strsh.sh_size == 0)
		return "empty symbol string table";
	if (info->hdr[strsh.sh_offset] != '\0')
		return "symbol string table missing leading NUL";
	if (info->hdr[strsh.sh_offset + strsh.sh_size - 1] != '\0')
		return "symbol string table isn't NUL terminated";
	for (i = 0; i < symsh.sh_size / sizeof(struct elf64_sym); i++) {
		struct elf64_sym s;

		memcpy(&s, info->hdr + symsh.sh_offset + (u64)i * sizeof(s), sizeof(s));
		if (s.st_name >= strsh.sh_size)
			return "symbol name out of bounds in string table";
	}
	return NULL;
}

/**
 * km_load_image() - the loader, from the system call to the first check_version()
 * @image: the module file as user space passes it
 * @len: its length
 * @k: the kernel
 * @ignore_modversions: MODULE_INIT_IGNORE_MODVERSIONS
 * @l: where the loader got to, and the version sections it selected
 */
void km_load_image(const u8 *image, u64 len, const struct km_kernel *k, bool ignore_modversions,
		   struct km_load *l)
{
	struct km_info info = { .hdr = image, .len = len };

	memset(l, 0, sizeof(*l));
	l->why = km_module_sig_check(&info, ignore_modversions);
	if (!l->why)
		l->why = km_ehdr(&info, k);
	if (!l->why)
		l->why = k->gen == KM_6_1 ? km_load_6_1(&info, k, ignore_modversions, l) :
					    km_load_6_12(&info, k, ignore_modversions, l);
	l->len = info.len;
	if (l->why) {
		l->stage = KM_REFUSED;
	} else if (info.outside) {
		l->stage = KM_UNDEFINED;
		l->why = "read outside the image";
	}
	if (l->stage != KM_LOADS) {
		l->vers = 0;
		l->ext_crc = 0;
		l->ext_name = 0;
	}
}

/* check_version(), for a load that got to it (km_load_image() said KM_LOADS). */
enum km_answer km_check_version(const u8 *image, const struct km_kernel *k,
				const struct km_load *l, const char *sym, const u32 *crc)
{
	struct km_info info = { .hdr = image, .len = l->len };
	struct elf64_shdr vs, names;
	u64 remaining, crcs, name, i, crcval = 0;
	u32 num_versions, ext;
	s64 n;
	int c;

	memcpy(&info.eh, image, sizeof(info.eh));
	/* Exporting module didn't supply crcs?  OK, we're already tainted. */
	if (!crc)
		return KM_PASS;
	if (l->ext_crc) {
		/* for_each_modversion_info_ext() */
		vs = km_shdr(&info, l->ext_crc);
		names = km_shdr(&info, l->ext_name);
		crcs = vs.sh_offset;
		name = names.sh_offset;
		for (remaining = vs.sh_size / sizeof(u32); remaining > 0; remaining--) {
			if (km_streq(&info, name, sym)) {
				for (i = 0, ext = 0; i < sizeof(u32); i++) {
					c = km_byte(&info, crcs, i);
					ext |= (u32)(c & 0xff) << (8 * i);
				}
				if (info.outside)
					return KM_UNDEF;
				return ext == *crc ? KM_PASS : KM_FAIL;
			}
			if (info.outside)
				return KM_UNDEF;
			crcs += sizeof(u32);
			n = km_strlen(&info, name);
			if (n < 0)
				return KM_UNDEF;
			name += n + 1;
		}
		return KM_PASS_WARN;	/* "no extended symbol version for": pr_warn_once */
	}
	/* No versions at all?  modprobe --force does this. */
	if (l->vers == 0)
		return k->force_load ? KM_PASS_TAINT : KM_FAIL;
	vs = km_shdr(&info, l->vers);
	num_versions = vs.sh_size / 64;		/* unsigned int in the kernel */
	for (i = 0; i < num_versions; i++) {
		u64 entry = vs.sh_offset + i * 64;

		if (!km_streq(&info, entry + sizeof(u64), sym)) {
			if (info.outside)
				return KM_UNDEF;
			continue;
		}
		for (n = 0; n < 8; n++) {
			c = km_byte(&info, entry, n);
			crcval |= (u64)(c & 0xff) << (8 * n);
		}
		if (info.outside)
			return KM_UNDEF;
		return crcval == *crc ? KM_PASS : KM_FAIL;	/* "disagrees about version" */
	}
	return KM_FAIL;		/* "no symbol version for" */
}

const char *km_answer_name(enum km_answer a)
{
	static const char *const names[] = { "pass", "pass (warned)", "pass, taint F", "fail",
					     "undefined" };

	return a < ARRAY_SIZE(names) ? names[a] : "?";
}
