// SPDX-License-Identifier: GPL-2.0
/*
 * A kernel's BTF and export CRCs from whatever the kernel is shipped as (see kernel_source.h).
 *
 * How the BTF is found: raw BTF is taken whole; an ELF's .BTF section is taken by name; anything
 * else is scanned for a BTF header (magic 0xeB9F, version 1, no flags) whose sections fit and
 * which the BTF reader (core/modver_btf.c) accepts whole, the largest such blob winning: an arm64
 * Image is the kernel's memory image, with .BTF somewhere in its read-only data.  A compressed
 * image (bzImage, vmlinuz, Image.gz) is searched for the magics of gzip, xz, zstd, lzma, bzip2
 * and lz4, earliest first, and each candidate is decompressed until one yields BTF, as
 * scripts/extract-vmlinux tries each format in turn.  Debian packages are read with unpack.c's ar
 * and tar readers (no dpkg-deb), their data.tar decompressed as it is walked.
 */
#define _GNU_SOURCE	/* memmem() */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kernel_source.h"
#include "modver_btf.h"
#include "unpack.h"

#define KS_MAX_CANDIDATES	24	/* compressed payload candidates tried per image */

static u32 get_u32(const u8 *p)
{
	u32 v;

	memcpy(&v, p, sizeof(v));
	return v;
}

/* The length of a plausible BTF blob whose header is at @p, or 0. */
static u64 btf_blob_len(const u8 *p, u64 avail)
{
	struct mv_btf btf;
	const char *why;
	u64 hdr, end_t, end_s, len;

	if (avail < MV_BTF_HDR_MIN || p[0] != 0x9f || p[1] != 0xeb || p[2] != 1 || p[3])
		return 0;
	hdr = get_u32(p + 4);
	if (hdr < MV_BTF_HDR_MIN || hdr > 256)
		return 0;
	end_t = (u64)get_u32(p + 8) + get_u32(p + 12);
	end_s = (u64)get_u32(p + 16) + get_u32(p + 20);
	len = hdr + (end_t > end_s ? end_t : end_s);
	if (len > avail || mv_btf_open(&btf, p, len, &why))
		return 0;
	return len;
}

/* ELF64 or ELF32, little-endian: the .BTF section's place, or -ENOENT. */
static int elf_btf(const u8 *d, u64 len, u64 *off, u64 *size)
{
	bool is64 = d[EI_CLASS] == ELFCLASS64;
	u64 shoff, shentsize, shnum, shstrndx, stroff = 0, strsize = 0, i;
	const u8 *sh;

	if (d[EI_DATA] != ELFDATA2LSB || (d[EI_CLASS] != ELFCLASS64 && d[EI_CLASS] != ELFCLASS32))
		return -ENOENT;
	if (is64) {
		struct elf64_hdr eh;

		if (len < sizeof(eh))
			return -ENOENT;
		memcpy(&eh, d, sizeof(eh));
		shoff = eh.e_shoff;
		shentsize = eh.e_shentsize;
		shnum = eh.e_shnum;
		shstrndx = eh.e_shstrndx;
		if (shentsize < sizeof(struct elf64_shdr))
			return -ENOENT;
	} else {
		struct elf32_hdr eh;

		if (len < sizeof(eh))
			return -ENOENT;
		memcpy(&eh, d, sizeof(eh));
		shoff = eh.e_shoff;
		shentsize = eh.e_shentsize;
		shnum = eh.e_shnum;
		shstrndx = eh.e_shstrndx;
		if (shentsize < sizeof(struct elf32_shdr))
			return -ENOENT;
	}
	if (!shoff || shoff > len || shnum > (len - shoff) / shentsize || shstrndx >= shnum)
		return -ENOENT;
	for (i = 0; i <= shnum; i++) {
		u64 name, s_off, s_size;

		/* First pass (i == 0): the name table; then every section. */
		sh = d + shoff + (i ? i - 1 : shstrndx) * shentsize;
		if (is64) {
			struct elf64_shdr s;

			memcpy(&s, sh, sizeof(s));
			name = s.sh_name;
			s_off = s.sh_offset;
			s_size = s.sh_size;
			if (s.sh_type == SHT_NOBITS)
				s_size = 0;
		} else {
			struct elf32_shdr s;

			memcpy(&s, sh, sizeof(s));
			name = s.sh_name;
			s_off = s.sh_offset;
			s_size = s.sh_size;
			if (s.sh_type == SHT_NOBITS)
				s_size = 0;
		}
		if (s_off > len || s_size > len - s_off)
			continue;
		if (!i) {
			stroff = s_off;
			strsize = s_size;
			continue;
		}
		if (name + 5 <= strsize && !memcmp(d + stroff + name, ".BTF", 5)) {
			*off = s_off;
			*size = s_size;
			return 0;
		}
		if (!strsize)
			return -ENOENT;
	}
	return -ENOENT;
}

/**
 * kernel_source_find_btf() - the kernel BTF blob inside an uncompressed file
 * @data: the bytes
 * @len: their number
 * @off: the blob's offset
 * @btf_len: its length
 * @how: set to how it was found ("raw BTF", ".BTF section", "BTF header scan")
 *
 * Return: 0, or -ENOENT.
 */
int kernel_source_find_btf(const u8 *data, u64 len, u64 *off, u64 *btf_len, const char **how)
{
	static const u8 magic[] = { 0x9f, 0xeb, 0x01, 0x00 };
	u64 best = 0, best_len = 0, n, pos = 0;
	const u8 *p;

	n = btf_blob_len(data, len);
	if (n) {
		*off = 0;
		*btf_len = n;
		*how = "raw BTF";
		return 0;
	}
	if (len >= SELFMAG && !memcmp(data, ELFMAG, SELFMAG) && !elf_btf(data, len, off, btf_len) &&
	    btf_blob_len(data + *off, *btf_len)) {
		*how = ".BTF section";
		return 0;
	}
	while (pos < len && (p = memmem(data + pos, len - pos, magic, sizeof(magic)))) {
		pos = p - data;
		n = btf_blob_len(p, len - pos);
		if (n > best_len) {
			best = pos;
			best_len = n;
		}
		pos += n ? n : 1;
	}
	if (!best_len)
		return -ENOENT;
	*off = best;
	*btf_len = best_len;
	*how = "BTF header scan";
	return 0;
}

/* --- compressed images --------------------------------------------------------------------- */

struct candidate {
	u64 off;
	enum unpack_format format;
};

static int by_offset(const void *a, const void *b)
{
	const struct candidate *x = a, *y = b;

	return x->off < y->off ? -1 : x->off > y->off;
}

static const struct {
	enum unpack_format format;
	const char *magic;
	size_t len;
	unsigned int most;	/* candidates of this format tried */
} magics[] = {
	{ UNPACK_GZIP, "\x1f\x8b\x08", 3, 4 },
	{ UNPACK_XZ, "\xfd\x37zXZ", 6, 4 },
	{ UNPACK_ZSTD, "\x28\xb5\x2f\xfd", 4, 4 },
	{ UNPACK_BZIP2, "BZh", 3, 2 },
	{ UNPACK_LZMA, "\x5d\x00\x00", 3, 2 },
	{ UNPACK_LZ4, "\x02\x21\x4c\x18", 4, 2 },
};

/* A compressed kernel inside @data: the decompressed image holding BTF, or -ENOENT. */
static int decompress_image(const u8 *data, u64 len, u8 **out, u64 *out_len, char *how,
			    size_t how_size)
{
	struct candidate c[KS_MAX_CANDIDATES];
	unsigned int nr = 0, i, k, found;
	u64 pos, boff, blen;
	const u8 *p;
	const char *btf_how;
	bool truncated;
	u8 *plain;
	u64 plain_len;

	for (i = 0; i < ARRAY_SIZE(magics); i++) {
		for (pos = 0, found = 0; found < magics[i].most && nr < KS_MAX_CANDIDATES &&
		     pos < len; found++) {
			p = memmem(data + pos, len - pos, magics[i].magic, magics[i].len);
			if (!p)
				break;
			c[nr].off = p - data;
			c[nr++].format = magics[i].format;
			pos = p - data + 1;
		}
	}
	qsort(c, nr, sizeof(c[0]), by_offset);
	for (k = 0; k < nr; k++) {
		if (unpack_buffer(c[k].format, data + c[k].off, len - c[k].off, UNPACK_MAX, &plain,
				  &plain_len, &truncated))
			continue;
		if (kernel_source_find_btf(plain, plain_len, &boff, &blen, &btf_how)) {
			free(plain);
			continue;
		}
		snprintf(how, how_size, "%s payload at offset %llu, %s at offset %llu of it%s",
			 unpack_format_name(c[k].format), (unsigned long long)c[k].off, btf_how,
			 (unsigned long long)boff, truncated ? " (stream cut short)" : "");
		*out = plain;
		*out_len = plain_len;
		return 0;
	}
	return -ENOENT;
}

/* --- one file, any kind -------------------------------------------------------------------- */

static bool looks_like_symvers(const u8 *d, u64 len)
{
	return len > 11 && d[0] == '0' && d[1] == 'x' && memchr(d, '\t', len < 12 ? len : 12);
}

static int take_btf(struct kernel_source *ks, const u8 *blob, u64 len, const char *from)
{
	ks->btf = malloc(len ? len : 1);
	if (!ks->btf)
		return -ENOMEM;
	memcpy(ks->btf, blob, len);
	ks->btf_len = len;
	snprintf(ks->btf_from, sizeof(ks->btf_from), "%s", from);
	return 0;
}

static int take_symvers(struct kernel_source *ks, const u8 *d, u64 len, const char *from)
{
	ks->symvers = symvers_new();
	if (!ks->symvers || symvers_load_mem(ks->symvers, (const char *)d, len)) {
		symvers_free(ks->symvers);
		ks->symvers = NULL;
		return -EINVAL;
	}
	snprintf(ks->crc_from, sizeof(ks->crc_from), "%s", from);
	return 0;
}

/* BTF from an uncompressed or compressed kernel file in memory; @what names it. */
static int btf_from_memory(struct kernel_source *ks, const u8 *d, u64 len, const char *what)
{
	char from[1024], how[256];
	const char *found;
	u64 off, blen, plain_len;
	u8 *plain;
	int ret;

	if (!kernel_source_find_btf(d, len, &off, &blen, &found)) {
		if (off)
			snprintf(from, sizeof(from), "%s (%s, offset %llu)", what, found,
				 (unsigned long long)off);
		else
			snprintf(from, sizeof(from), "%s (%s)", what, found);
		return take_btf(ks, d + off, blen, from);
	}
	if (decompress_image(d, len, &plain, &plain_len, how, sizeof(how)))
		return -ENOENT;
	ret = kernel_source_find_btf(plain, plain_len, &off, &blen, &found);
	snprintf(from, sizeof(from), "%s (%s)", what, how);
	if (!ret)
		ret = take_btf(ks, plain + off, blen, from);
	free(plain);
	return ret;
}

/* --- Debian packages ----------------------------------------------------------------------- */

struct deb_walk {
	struct kernel_source *ks;
	const char *path;
	bool btf_from_boot;	/* an image package: it has no Module.symvers */
	int error;
	char err[1200];
};

static bool match_dir(const char *name, const char *prefix, const char *file)
{
	size_t pl = strlen(prefix);
	const char *rest;

	if (strncmp(name, prefix, pl))
		return false;
	rest = strchr(name + pl, '/');
	return rest && !strcmp(rest + 1, file);
}

static bool is_boot_image(const char *name)
{
	return !strncmp(name, "boot/vmlinuz-", 13) || !strncmp(name, "boot/vmlinux-", 13) ||
	       !strncmp(name, "boot/Image-", 11);
}

static bool deb_want(const char *name, u64 size, void *arg)
{
	struct deb_walk *w = arg;

	(void)size;
	if (!w->ks->btf && (is_boot_image(name) ||
			    match_dir(name, "usr/src/linux-headers-", "vmlinux")))
		return true;
	return !w->ks->symvers && match_dir(name, "usr/src/linux-headers-", "Module.symvers");
}

static int deb_got(const char *name, u8 *data, u64 size, void *arg)
{
	struct deb_walk *w = arg;
	char what[1024];

	snprintf(what, sizeof(what), "%s in %s", name, w->path);
	if (match_dir(name, "usr/src/linux-headers-", "Module.symvers")) {
		if (take_symvers(w->ks, data, size, what)) {
			snprintf(w->err, sizeof(w->err), "%s: not a readable Module.symvers", what);
			w->error = -EINVAL;
		}
	} else if (!btf_from_memory(w->ks, data, size, what)) {
		w->btf_from_boot = is_boot_image(name);
	}
	free(data);
	if (w->error)
		return w->error;
	/* Stop once there is nothing more to find. */
	return w->ks->btf && (w->ks->symvers || w->btf_from_boot) ? 1 : 0;
}

static int deb_member(const struct ar_member *m, void *arg)
{
	static const struct {
		const char *name;
		enum unpack_format format;
	} data_tars[] = {
		{ "data.tar.xz", UNPACK_XZ }, { "data.tar.zst", UNPACK_ZSTD },
		{ "data.tar.gz", UNPACK_GZIP }, { "data.tar", UNPACK_NONE },
	};
	struct deb_walk *w = arg;
	struct tar_walk tw = { deb_want, deb_got, w, UNPACK_MAX };
	struct unpack_stream s;
	unsigned int i;
	int ret;

	for (i = 0; i < ARRAY_SIZE(data_tars); i++)
		if (!strcmp(m->name, data_tars[i].name))
			break;
	if (i == ARRAY_SIZE(data_tars))
		return 0;
	if (unpack_stream_open(&s, data_tars[i].format, m->data, m->size))
		return -ENOMEM;
	ret = tar_walk_stream(&s, &tw);
	unpack_stream_close(&s);
	if (ret < 0 && !w->error) {
		snprintf(w->err, sizeof(w->err), "%s: %s is corrupt", w->path, m->name);
		w->error = ret;
	}
	return ret < 0 ? ret : 1;
}

/* --- sources ------------------------------------------------------------------------------- */

static int map_file(const char *path, const u8 **data, u64 *len, char *err, size_t errlen)
{
	struct stat st;
	void *p;
	int fd = open(path, O_RDONLY);

	if (fd < 0 || fstat(fd, &st)) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -errno;
	}
	if (S_ISREG(st.st_mode) && st.st_size > 0) {
		p = mmap(NULL, st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
		close(fd);
		if (p == MAP_FAILED) {
			snprintf(err, errlen, "%s: %s", path, strerror(errno));
			return -errno;
		}
		*data = p;
		*len = st.st_size;
		return 0;
	}
	/* sysfs (/sys/kernel/btf/vmlinux says size 0 or the real size) and pipes: read it all. */
	{
		u64 cap = 1 << 20, n = 0;
		u8 *buf = malloc(cap), *grown;
		ssize_t got;

		while (buf && (got = read(fd, buf + n, cap - n)) > 0) {
			n += got;
			if (n == cap) {
				grown = cap < UNPACK_MAX ? realloc(buf, cap * 2) : NULL;
				if (!grown) {
					free(buf);
					buf = NULL;
					break;
				}
				buf = grown;
				cap *= 2;
			}
		}
		close(fd);
		if (!buf) {
			snprintf(err, errlen, "%s: cannot read it", path);
			return -EIO;
		}
		*data = buf;
		*len = n;
		return 1;	/* malloc'ed */
	}
}

static void unmap_file(const u8 *data, u64 len, int how)
{
	if (how == 1)
		free((void *)data);
	else
		munmap((void *)data, len);
}

static int open_one(const char *path, struct kernel_source *ks, char *err, size_t errlen);

static int open_dir(const char *path, struct kernel_source *ks, char *err, size_t errlen)
{
	static const char *const files[] = { "vmlinux", "Module.symvers" };
	char sub[4096];
	unsigned int i;
	int ret;

	for (i = 0; i < ARRAY_SIZE(files); i++) {
		snprintf(sub, sizeof(sub), "%s/%s", path, files[i]);
		if (access(sub, R_OK))
			continue;
		ret = open_one(sub, ks, err, errlen);
		if (ret)
			return ret;
	}
	if (!ks->btf && !ks->symvers) {
		snprintf(err, errlen, "%s: a directory without vmlinux or Module.symvers", path);
		return -ENOENT;
	}
	return 0;
}

static int open_one(const char *path, struct kernel_source *ks, char *err, size_t errlen)
{
	struct deb_walk w = { .ks = ks, .path = path };
	struct stat st;
	const u8 *d = NULL;
	u64 len = 0;
	int how, ret = 0;

	if (!stat(path, &st) && S_ISDIR(st.st_mode))
		return open_dir(path, ks, err, errlen);
	how = map_file(path, &d, &len, err, errlen);
	if (how < 0)
		return how;
	if (len >= 8 && !memcmp(d, "!<arch>\n", 8)) {
		ret = ar_walk(d, len, deb_member, &w);
		if (ret < 0 && w.err[0])
			snprintf(err, errlen, "%s", w.err);
		else if (ret < 0)
			snprintf(err, errlen, "%s: %s", path,
				 "not a readable Debian package (ar archive)");
		else if (!ks->btf && !ks->symvers)
			snprintf(err, errlen, "%s: %s", path,
				 "a package with neither a kernel image, a vmlinux nor a Module.symvers");
		ret = ret < 0 ? ret : (!ks->btf && !ks->symvers) ? -ENOENT : 0;
	} else if (looks_like_symvers(d, len)) {
		if (ks->symvers)
			goto out;
		ret = take_symvers(ks, d, len, path);
		if (ret)
			snprintf(err, errlen, "%s: not a readable Module.symvers", path);
	} else if (!ks->btf) {
		ret = btf_from_memory(ks, d, len, path);
		if (ret)
			snprintf(err, errlen, "%s: %s", path,
				 "no BTF found (not raw BTF, a vmlinux with .BTF, or a kernel image carrying BTF)");
	}
out:
	unmap_file(d, len, how);
	return ret;
}

/**
 * kernel_source_open() - a kernel's BTF and export CRCs
 * @spec: a path, or several separated by commas
 * @ks: filled in; kernel_source_free() it
 * @err: a message on failure
 * @errlen: its size
 *
 * Return: 0 if BTF was found (CRCs may be missing: @ks->symvers NULL), else a negative errno.
 */
int kernel_source_open(const char *spec, struct kernel_source *ks, char *err, size_t errlen)
{
	char *copy = strdup(spec), *path, *save = NULL;
	int ret = 0;

	memset(ks, 0, sizeof(*ks));
	if (!copy)
		return -ENOMEM;
	for (path = strtok_r(copy, ",", &save); path && !ret; path = strtok_r(NULL, ",", &save))
		ret = open_one(path, ks, err, errlen);
	free(copy);
	if (!ret && !ks->btf) {
		snprintf(err, errlen, "%s: %s", spec,
			 "no BTF found (give a vmlinux, a kernel image or a linux-image package too)");
		ret = -ENOENT;
	}
	if (ret)
		kernel_source_free(ks);
	return ret;
}

void kernel_source_free(struct kernel_source *ks)
{
	free(ks->btf);
	symvers_free(ks->symvers);
	memset(ks, 0, sizeof(*ks));
}
