/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Unpacking what kernels are shipped in, for modver-dump: streaming decompression (xz, zstd and
 * legacy lzma with their libraries; gzip, bzip2, lz4 with their commands), the ar archive of a
 * Debian package and the tar archive inside it.  Every input is untrusted: sizes and offsets are
 * checked, and output is bounded (UNPACK_MAX).
 */
#ifndef UNPACK_H
#define UNPACK_H

#include "modver_types.h"

#define UNPACK_MAX	0x80000000ULL	/* 2 GiB: no kernel image or member is larger */

enum unpack_format {
	UNPACK_NONE,
	UNPACK_XZ,
	UNPACK_ZSTD,
	UNPACK_GZIP,
	UNPACK_LZMA,
	UNPACK_BZIP2,
	UNPACK_LZ4,
};

const char *unpack_format_name(enum unpack_format f);

/* A decompressing reader over bytes in memory. */
struct unpack_stream {
	enum unpack_format format;
	const u8 *in;
	u64 in_len;
	u64 in_pos;		/* UNPACK_NONE only */
	void *state;		/* the library's stream */
	bool done;
	bool failed;
	u64 out_total;
};

int unpack_stream_open(struct unpack_stream *s, enum unpack_format f, const u8 *in, u64 len);
/* Up to @n bytes; 0 at the end of the stream; negative on corrupt input. */
long unpack_stream_read(struct unpack_stream *s, u8 *buf, size_t n);
void unpack_stream_close(struct unpack_stream *s);

/*
 * Decompress one stream starting at @in, up to @max bytes of output.  Trailing bytes after the
 * stream (a kernel image's size word, padding) are ignored; output before corrupt input is kept
 * and reported (*truncated), as extract-vmlinux keeps it.  gzip (Essential in Debian), bzip2
 * and lz4 are handed to their commands, when installed, through a temporary file.
 */
int unpack_buffer(enum unpack_format f, const u8 *in, u64 len, u64 max, u8 **out,
		  u64 *out_len, bool *truncated);

/* One ar member (a Debian package: debian-binary, control.tar.*, data.tar.*). */
struct ar_member {
	char name[17];
	const u8 *data;
	u64 size;
};

/* Calls @fn for each member until it returns non-zero; -EINVAL if @data is not an ar archive. */
int ar_walk(const u8 *data, u64 len, int (*fn)(const struct ar_member *m, void *arg), void *arg);

/*
 * tar: calls @want with each regular file's name ("./" stripped); if it returns true the file's
 * contents are read (bounded by @max) and handed to @got, which returns non-zero to stop the walk
 * (1) or to fail it (negative).  Returns 0 at the end of the archive, 1 if stopped, else -errno.
 */
struct tar_walk {
	bool (*want)(const char *name, u64 size, void *arg);
	int (*got)(const char *name, u8 *data, u64 size, void *arg);	/* takes @data */
	void *arg;
	u64 max;
};

int tar_walk_stream(struct unpack_stream *s, const struct tar_walk *w);

#endif /* UNPACK_H */
