// SPDX-License-Identifier: GPL-2.0
/*
 * Streaming decompression (liblzma, libzstd; the gzip, bzip2 and lz4 commands), ar and tar for
 * modver-dump (see unpack.h).  A Debian package is read in place (ar), its data.tar.* is
 * decompressed as it is walked, and the walk stops as soon as the caller has what it wants: the
 * kernel image is the first file of a linux-image package, so its modules are never decompressed.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <lzma.h>
#include <zstd.h>

#include "unpack.h"

static const char *const format_names[] = {
	[UNPACK_NONE] = "none",
	[UNPACK_XZ] = "xz",
	[UNPACK_ZSTD] = "zstd",
	[UNPACK_GZIP] = "gzip",
	[UNPACK_LZMA] = "lzma",
	[UNPACK_BZIP2] = "bzip2",
	[UNPACK_LZ4] = "lz4",
};

const char *unpack_format_name(enum unpack_format f)
{
	return f < ARRAY_SIZE(format_names) ? format_names[f] : "unknown";
}

struct zstd_state {
	ZSTD_DStream *ds;
	ZSTD_inBuffer ib;
};

/* gzip (Essential in Debian), bzip2 and lz4: their commands, on a copy of the stream. */
struct command_state {
	FILE *pipe;
	char tmp[32];
};

static int open_command(struct unpack_stream *s, enum unpack_format f, const u8 *in, u64 len)
{
	struct command_state *cs = calloc(1, sizeof(*cs));
	char cmd[128];
	int fd;

	if (!cs)
		return -ENOMEM;
	snprintf(cs->tmp, sizeof(cs->tmp), "%s", "/tmp/modver-dump.XXXXXX");
	fd = mkstemp(cs->tmp);
	if (fd < 0) {
		free(cs);
		return -errno;
	}
	if (write(fd, in, len) != (ssize_t)len) {
		close(fd);
		unlink(cs->tmp);
		free(cs);
		return -EIO;
	}
	close(fd);
	snprintf(cmd, sizeof(cmd), "%s -dc < %s 2>/dev/null", unpack_format_name(f), cs->tmp);
	cs->pipe = popen(cmd, "r");
	if (!cs->pipe) {
		unlink(cs->tmp);
		free(cs);
		return -errno;
	}
	s->state = cs;
	return 0;
}

static long read_command(struct unpack_stream *s, u8 *buf, size_t n)
{
	struct command_state *cs = s->state;
	size_t got = fread(buf, 1, n, cs->pipe);

	if (got < n) {
		if (ferror(cs->pipe))
			s->failed = true;
		else
			s->done = true;
	}
	return got;
}

int unpack_stream_open(struct unpack_stream *s, enum unpack_format f, const u8 *in, u64 len)
{
	memset(s, 0, sizeof(*s));
	s->format = f;
	s->in = in;
	s->in_len = len;
	switch (f) {
	case UNPACK_NONE:
		return 0;
	case UNPACK_XZ:
	case UNPACK_LZMA: {
		lzma_stream *ls = calloc(1, sizeof(*ls));
		lzma_ret r;

		if (!ls)
			return -ENOMEM;
		*ls = (lzma_stream)LZMA_STREAM_INIT;
		r = f == UNPACK_XZ ? lzma_stream_decoder(ls, UINT64_MAX, 0) :
				     lzma_alone_decoder(ls, UINT64_MAX);
		if (r != LZMA_OK) {
			free(ls);
			return -ENOMEM;
		}
		ls->next_in = in;
		ls->avail_in = len;
		s->state = ls;
		return 0;
	}
	case UNPACK_ZSTD: {
		struct zstd_state *zs = calloc(1, sizeof(*zs));

		if (!zs)
			return -ENOMEM;
		zs->ds = ZSTD_createDStream();
		if (!zs->ds) {
			free(zs);
			return -ENOMEM;
		}
		zs->ib.src = in;
		zs->ib.size = len;
		s->state = zs;
		return 0;
	}
	case UNPACK_GZIP:
	case UNPACK_BZIP2:
	case UNPACK_LZ4:
		return open_command(s, f, in, len);
	default:
		return -EOPNOTSUPP;
	}
}

static long read_xz(struct unpack_stream *s, u8 *buf, size_t n)
{
	lzma_stream *ls = s->state;
	lzma_ret r;

	ls->next_out = buf;
	ls->avail_out = n;
	while (ls->avail_out) {
		r = lzma_code(ls, LZMA_FINISH);
		if (r == LZMA_STREAM_END) {
			s->done = true;
			break;
		}
		if (r != LZMA_OK) {
			s->failed = true;
			break;
		}
		if (!ls->avail_in)
			break;
	}
	return n - ls->avail_out;
}

static long read_zstd(struct unpack_stream *s, u8 *buf, size_t n)
{
	struct zstd_state *zs = s->state;
	ZSTD_outBuffer ob = { buf, n, 0 };
	size_t r;

	while (ob.pos < ob.size) {
		r = ZSTD_decompressStream(zs->ds, &ob, &zs->ib);
		if (ZSTD_isError(r)) {
			s->failed = true;
			break;
		}
		if (r == 0) {		/* a frame ended: the stream is one frame */
			s->done = true;
			break;
		}
		if (zs->ib.pos == zs->ib.size && ob.pos < ob.size) {
			s->failed = true;	/* truncated */
			break;
		}
	}
	return ob.pos;
}

long unpack_stream_read(struct unpack_stream *s, u8 *buf, size_t n)
{
	long got;

	if (s->done || s->failed || !n)
		return s->failed ? -EINVAL : 0;
	switch (s->format) {
	case UNPACK_NONE:
		got = n < s->in_len - s->in_pos ? n : s->in_len - s->in_pos;
		memcpy(buf, s->in + s->in_pos, got);
		s->in_pos += got;
		s->done = s->in_pos == s->in_len;
		break;
	case UNPACK_XZ:
	case UNPACK_LZMA:
		got = read_xz(s, buf, n);
		break;
	case UNPACK_ZSTD:
		got = read_zstd(s, buf, n);
		break;
	case UNPACK_GZIP:
	case UNPACK_BZIP2:
	case UNPACK_LZ4:
		got = read_command(s, buf, n);
		break;
	default:
		return -EOPNOTSUPP;
	}
	s->out_total += got;
	if (!got && s->failed)
		return -EINVAL;
	return got;
}

void unpack_stream_close(struct unpack_stream *s)
{
	switch (s->format) {
	case UNPACK_XZ:
	case UNPACK_LZMA:
		if (s->state)
			lzma_end(s->state);
		break;
	case UNPACK_ZSTD:
		if (s->state)
			ZSTD_freeDStream(((struct zstd_state *)s->state)->ds);
		break;
	case UNPACK_GZIP:
	case UNPACK_BZIP2:
	case UNPACK_LZ4:
		if (s->state) {
			struct command_state *cs = s->state;

			/* A command that failed or stopped early: its output so far stands. */
			if (pclose(cs->pipe))
				s->failed = true;
			unlink(cs->tmp);
		}
		break;
	default:
		break;
	}
	free(s->state);
	s->state = NULL;
}

int unpack_buffer(enum unpack_format f, const u8 *in, u64 len, u64 max, u8 **out,
		  u64 *out_len, bool *truncated)
{
	struct unpack_stream s;
	u64 cap = len * 4 + (1 << 20), n = 0;
	u8 *buf, *grown;
	long got;
	int ret;

	*truncated = false;
	ret = unpack_stream_open(&s, f, in, len);
	if (ret)
		return ret;
	buf = malloc(cap);
	while (buf) {
		got = unpack_stream_read(&s, buf + n, cap - n);
		if (got <= 0)
			break;
		n += got;
		if (n == cap) {
			if (cap >= max)
				break;
			grown = realloc(buf, cap * 2);
			if (!grown)
				break;
			buf = grown;
			cap *= 2;
		}
	}
	*truncated = !s.done;
	unpack_stream_close(&s);
	if (!buf || !n) {
		free(buf);
		return -EINVAL;
	}
	*out = buf;
	*out_len = n;
	return 0;
}

/* ar: "!<arch>\n", then 60-byte headers (name 16, dates and modes, size 10 at 48, "`\n"). */
int ar_walk(const u8 *data, u64 len, int (*fn)(const struct ar_member *m, void *arg), void *arg)
{
	struct ar_member m;
	char size[11], *end;
	u64 pos = 8;
	int ret;

	if (len < 8 || memcmp(data, "!<arch>\n", 8))
		return -EINVAL;
	while (len - pos >= 60) {
		const u8 *h = data + pos;

		if (h[58] != '`' || h[59] != '\n')
			return -EINVAL;
		memcpy(m.name, h, 16);
		m.name[16] = '\0';
		m.name[strcspn(m.name, " /")] = '\0';
		memcpy(size, h + 48, 10);
		size[10] = '\0';
		errno = 0;
		m.size = strtoull(size, &end, 10);
		if (errno || end == size || m.size > len - pos - 60)
			return -EINVAL;
		m.data = h + 60;
		ret = fn(&m, arg);
		if (ret)
			return ret;
		pos += 60 + m.size + (m.size & 1);
		if (pos > len)
			break;
	}
	return 0;
}

static int read_full(struct unpack_stream *s, u8 *buf, u64 n)
{
	long got;

	while (n) {
		got = unpack_stream_read(s, buf, n > (1 << 30) ? (1 << 30) : n);
		if (got <= 0)
			return -EINVAL;
		buf += got;
		n -= got;
	}
	return 0;
}

static int skip(struct unpack_stream *s, u64 n)
{
	static u8 sink[1 << 16];

	while (n) {
		u64 chunk = n < sizeof(sink) ? n : sizeof(sink);

		if (read_full(s, sink, chunk))
			return -EINVAL;
		n -= chunk;
	}
	return 0;
}

/* A tar number: octal, or base-256 when the first byte's top bit is set. */
static int tar_number(const u8 *field, size_t len, u64 *v)
{
	size_t i = 0;

	*v = 0;
	if (field[0] & 0x80) {
		for (i = 1; i < len; i++) {
			if (*v >> 56)
				return -EINVAL;
			*v = *v << 8 | field[i];
		}
		return 0;
	}
	while (i < len && field[i] == ' ')
		i++;
	for (; i < len && field[i] >= '0' && field[i] <= '7'; i++) {
		if (*v >> 60)
			return -EINVAL;
		*v = *v << 3 | (field[i] - '0');
	}
	return 0;
}

/* A pax extended header's "path=" record, if any, into @name. */
static void pax_path(const u8 *data, u64 len, char *name, size_t size)
{
	u64 pos = 0, rec;
	char *end;

	while (pos < len) {
		const char *r = (const char *)data + pos;

		errno = 0;
		rec = strtoull(r, &end, 10);
		if (errno || *end != ' ' || !rec || rec > len - pos)
			return;
		if ((u64)(end + 1 - r) + 5 < rec && !strncmp(end + 1, "path=", 5)) {
			u64 vlen = rec - (end + 6 - r) - 1;

			if (vlen < size) {
				memcpy(name, end + 6, vlen);
				name[vlen] = '\0';
			}
		}
		pos += rec;
	}
}

int tar_walk_stream(struct unpack_stream *s, const struct tar_walk *w)
{
	char name[4096] = "", *n;
	bool have_long = false;
	u8 h[512], *data;
	u64 size, padded;
	int ret;

	for (;;) {
		if (read_full(s, h, sizeof(h)))
			return s->done && !s->failed ? 0 : -EINVAL;
		if (!h[0])
			return 0;	/* the end-of-archive blocks */
		if (tar_number(h + 124, 12, &size) || size > UNPACK_MAX)
			return -EINVAL;
		padded = (size + 511) & ~511ULL;
		if (h[156] == 'L' || h[156] == 'x') {	/* GNU long name, pax header */
			if (size >= sizeof(name))
				return -EINVAL;
			data = malloc(padded ? padded : 1);
			if (!data || read_full(s, data, padded)) {
				free(data);
				return -EINVAL;
			}
			if (h[156] == 'L') {
				memcpy(name, data, size);
				name[size] = '\0';
				have_long = true;
			} else {
				name[0] = '\0';
				pax_path(data, size, name, sizeof(name));
				have_long = name[0];
			}
			free(data);
			continue;
		}
		if (!have_long) {
			/* ustar: prefix (155 at 345) "/" name (100) */
			if (!memcmp(h + 257, "ustar", 5) && h[345])
				snprintf(name, sizeof(name), "%.155s/%.100s", (char *)h + 345,
					 (char *)h);
			else
				snprintf(name, sizeof(name), "%.100s", (char *)h);
		}
		have_long = false;
		n = name;
		while (n[0] == '.' && n[1] == '/')
			n += 2;
		if ((h[156] == '0' || h[156] == '\0') && w->want(n, size, w->arg)) {
			if (size > w->max)
				return -EFBIG;
			data = malloc(size ? size : 1);
			if (!data || read_full(s, data, size) || skip(s, padded - size)) {
				free(data);
				return -EINVAL;
			}
			ret = w->got(n, data, size, w->arg);
			if (ret)
				return ret;
			continue;
		}
		if (skip(s, padded))
			return -EINVAL;
	}
}
