// SPDX-License-Identifier: GPL-2.0
/* Reading module files for modver-dump (see ko_image.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#ifndef KO_NO_COMPRESSION
#include <lzma.h>
#include <zstd.h>
#endif

#include "ko_image.h"
#include "modver_elf.h"

#define KO_MAX_SIZE	0x40000000ULL	/* 1 GiB */

int ko_image_from_memory(const void *data, u64 len, struct ko_image *img)
{
	void *mem;

	/* Aligned like the kernel's vmalloc'ed copy, so the ELF structures can be read in place. */
	if (posix_memalign(&mem, 8, len ? len : 1))
		return -ENOMEM;
	memcpy(mem, data, len);
	img->bytes = mem;
	img->len = len;
	return 0;
}

static int read_all(FILE *f, u8 **out, u64 *len)
{
	u64 cap = 1 << 16, n = 0;
	u8 *buf = malloc(cap), *grown;
	size_t got;

	while (buf && (got = fread(buf + n, 1, cap - n, f)) > 0) {
		n += got;
		if (n == cap) {
			if (cap >= KO_MAX_SIZE)
				break;
			grown = realloc(buf, cap * 2);
			if (!grown)
				break;
			buf = grown;
			cap *= 2;
		}
	}
	if (!buf || ferror(f) || n >= KO_MAX_SIZE) {
		free(buf);
		return -EIO;
	}
	*out = buf;
	*len = n;
	return 0;
}

#ifndef KO_NO_COMPRESSION
static int grow(u8 **buf, u64 *cap)
{
	u8 *grown;

	if (*cap >= KO_MAX_SIZE)
		return -EFBIG;
	grown = realloc(*buf, *cap * 2);
	if (!grown)
		return -ENOMEM;
	*buf = grown;
	*cap *= 2;
	return 0;
}

static int unxz(const u8 *in, u64 in_len, u8 **out, u64 *out_len)
{
	lzma_stream s = LZMA_STREAM_INIT;
	u64 cap = in_len * 4 + 4096;
	u8 *buf = malloc(cap);
	lzma_ret ret;

	if (!buf || lzma_stream_decoder(&s, UINT64_MAX, LZMA_CONCATENATED) != LZMA_OK) {
		free(buf);
		return -ENOMEM;
	}
	s.next_in = in;
	s.avail_in = in_len;
	s.next_out = buf;
	s.avail_out = cap;
	for (;;) {
		ret = lzma_code(&s, LZMA_FINISH);
		if (ret == LZMA_STREAM_END)
			break;
		if (ret != LZMA_OK || (s.avail_out == 0 && grow(&buf, &cap))) {
			lzma_end(&s);
			free(buf);
			return -EINVAL;
		}
		if (s.avail_out == 0) {
			s.next_out = buf + s.total_out;
			s.avail_out = cap - s.total_out;
		}
	}
	*out_len = s.total_out;
	*out = buf;
	lzma_end(&s);
	return 0;
}

static int unzstd(const u8 *in, u64 in_len, u8 **out, u64 *out_len)
{
	ZSTD_DStream *ds = ZSTD_createDStream();
	ZSTD_inBuffer ib = { in, in_len, 0 };
	u64 cap = in_len * 4 + 4096;
	u8 *buf = malloc(cap);
	size_t ret = 1;

	if (!ds || !buf) {
		ZSTD_freeDStream(ds);
		free(buf);
		return -ENOMEM;
	}
	while (ib.pos < ib.size || ret != 0) {
		ZSTD_outBuffer ob = { buf, cap, *out_len };

		ret = ZSTD_decompressStream(ds, &ob, &ib);
		*out_len = ob.pos;
		if (ZSTD_isError(ret) || (ib.pos == ib.size && ret != 0 && ob.pos < ob.size) ||
		    (ob.pos == ob.size && grow(&buf, &cap))) {
			ZSTD_freeDStream(ds);
			free(buf);
			return -EINVAL;
		}
	}
	ZSTD_freeDStream(ds);
	*out = buf;
	return 0;
}
#endif

/* .ko.xz or .ko.zst; the static guest build (for the QEMU tests) reads plain modules only. */
static int decompress(const char *format, const u8 *in, u64 in_len, u8 **out, u64 *out_len)
{
#ifdef KO_NO_COMPRESSION
	(void)format, (void)in, (void)in_len, (void)out, (void)out_len;
	return -EOPNOTSUPP;
#else
	return !strcmp(format, "xz") ? unxz(in, in_len, out, out_len) :
				       unzstd(in, in_len, out, out_len);
#endif
}

/**
 * ko_image_read() - read a module file, decompressing .ko.xz and .ko.zst (by content, not name)
 * @path: the file
 * @img: the image read
 * @err: a message on failure
 * @errlen: its size
 *
 * Return: 0, or a negative errno with @err set.
 */
int ko_image_read(const char *path, struct ko_image *img, char *err, size_t errlen)
{
	u8 *raw = NULL, *plain = NULL;
	const char *format;
	u64 raw_len = 0, plain_len = 0;
	FILE *f = fopen(path, "rb");
	int ret;

	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -errno;
	}
	ret = read_all(f, &raw, &raw_len);
	fclose(f);
	if (ret) {
		snprintf(err, errlen, "%s: cannot read it (or larger than 1 GiB)", path);
		return ret;
	}
	format = mv_image_compression(raw, raw_len);
	if (format) {
		ret = decompress(format, raw, raw_len, &plain, &plain_len);
	} else {
		plain = raw;
		plain_len = raw_len;
		raw = NULL;
	}
	free(raw);
	if (ret) {
		snprintf(err, errlen, "%s: cannot decompress it", path);
		return ret;
	}
	ret = ko_image_from_memory(plain, plain_len, img);
	free(plain);
	if (ret)
		snprintf(err, errlen, "%s: out of memory", path);
	return ret;
}

void ko_image_free(struct ko_image *img)
{
	free(img->bytes);
	img->bytes = NULL;
	img->len = 0;
}

const char *ko_modinfo(const struct ko_image *img, const char *tag, char *buf, size_t size)
{
	return mv_modinfo(img->bytes, img->len, tag, buf, size);
}

int ko_undefined_symbols(const struct ko_image *img, ko_symbol_fn fn, void *arg)
{
	return mv_undefined_symbols(img->bytes, img->len, fn, arg) ? -EINVAL : 0;
}

/**
 * ko_add_section() - a copy of a module image with one non-allocated section appended
 * @img: the module (ELF64, little-endian, unsigned)
 * @name: the new section's name
 * @data: its contents
 * @len: their length
 * @out: the new image (ko_image_free() it)
 * @why: a static reason on failure
 *
 * Nothing the kernel reads moves: the old bytes are kept as they are, and the section's contents,
 * a copy of the section-name table with @name appended and a copy of the section header table with
 * one more entry (SHT_PROGBITS, no flags: never allocated, never loaded) are appended after them.
 * Every existing section keeps its index, offset, flags and contents; only the ELF header's
 * e_shoff and e_shnum and the name table's header (offset, size) change.
 *
 * Return: 0, or -EINVAL with @why set.
 */
int ko_add_section(const struct ko_image *img, const char *name, const void *data, u64 len,
		   struct ko_image *out, const char **why)
{
	struct elf64_hdr eh;
	struct elf64_shdr sh, strsh;
	u64 data_off, str_off, sh_off, total, name_len = strlen(name) + 1;
	u8 *p;

	if (mv_image_check(img->bytes, img->len, why))
		return -EINVAL;
	memcpy(&eh, img->bytes, sizeof(eh));
	if (eh.e_ident[EI_CLASS] != ELFCLASS64 || eh.e_ident[EI_DATA] != ELFDATA2LSB ||
	    eh.e_shentsize != sizeof(sh) || !eh.e_shstrndx || eh.e_shstrndx >= eh.e_shnum ||
	    eh.e_shnum >= 0xff00) {
		*why = "not a 64-bit little-endian module with a section-name table";
		return -EINVAL;
	}
	memcpy(&strsh, img->bytes + eh.e_shoff + (u64)eh.e_shstrndx * sizeof(sh), sizeof(sh));
	if (strsh.sh_offset > img->len || strsh.sh_size > img->len - strsh.sh_offset ||
	    !strsh.sh_size || img->bytes[strsh.sh_offset + strsh.sh_size - 1]) {
		*why = "section-name table outside the image or not NUL-terminated";
		return -EINVAL;
	}
	data_off = (img->len + 7) & ~7ULL;
	str_off = data_off + len;
	sh_off = (str_off + strsh.sh_size + name_len + 7) & ~7ULL;
	total = sh_off + ((u64)eh.e_shnum + 1) * sizeof(sh);
	if (posix_memalign((void **)&p, 8, total)) {
		*why = "out of memory";
		return -EINVAL;
	}
	memset(p, 0, total);
	memcpy(p, img->bytes, img->len);
	memcpy(p + data_off, data, len);
	memcpy(p + str_off, img->bytes + strsh.sh_offset, strsh.sh_size);
	memcpy(p + str_off + strsh.sh_size, name, name_len);
	memcpy(p + sh_off, img->bytes + eh.e_shoff, (u64)eh.e_shnum * sizeof(sh));
	memset(&sh, 0, sizeof(sh));
	sh.sh_name = strsh.sh_size;
	sh.sh_type = SHT_PROGBITS;
	sh.sh_offset = data_off;
	sh.sh_size = len;
	sh.sh_addralign = 8;
	memcpy(p + sh_off + (u64)eh.e_shnum * sizeof(sh), &sh, sizeof(sh));
	strsh.sh_offset = str_off;
	strsh.sh_size += name_len;
	memcpy(p + sh_off + (u64)eh.e_shstrndx * sizeof(sh), &strsh, sizeof(sh));
	eh.e_shoff = sh_off;
	eh.e_shnum++;
	memcpy(p, &eh, sizeof(eh));
	out->bytes = p;
	out->len = total;
	return 0;
}
