// SPDX-License-Identifier: GPL-2.0
/*
 * Stamps (modver_stamp.h has the layout): built from a kernel's BTF and a module's imports by a
 * build step, read back from untrusted module bytes by modver.ko.  No allocation: the caller
 * passes the workspace (mv_stamp_work_bytes(), mv_stamp_open_bytes()) and the output.
 */
#include "modver_stamp.h"

#define MV_STAMP_ALIGN(x)	(((x) + 7) & ~(u64)7)

static u32 mv_st_get32(const u8 *p)
{
	return p[0] | (u32)p[1] << 8 | (u32)p[2] << 16 | (u32)p[3] << 24;
}

static u16 mv_st_get16(const u8 *p)
{
	return p[0] | (u16)(p[1] << 8);
}

static u64 mv_st_get64(const u8 *p)
{
	return mv_st_get32(p) | (u64)mv_st_get32(p + 4) << 32;
}

static void mv_st_put32(u8 *p, u32 v)
{
	p[0] = v;
	p[1] = v >> 8;
	p[2] = v >> 16;
	p[3] = v >> 24;
}

static void mv_st_put64(u8 *p, u64 v)
{
	mv_st_put32(p, (u32)v);
	mv_st_put32(p + 4, (u32)(v >> 32));
}

/* Native-endian fields of the embedded BTF (as the reader reads them). */
static u32 mv_st_n32(const u8 *p)
{
	u32 v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static void mv_st_setn32(u8 *p, u32 v)
{
	memcpy(p, &v, sizeof(v));
}

static bool mv_st_range_ok(u64 len, u64 off, u64 size)
{
	return off <= len && size <= len - off;
}

/**
 * mv_stamp_work_bytes() - workspace mv_stamp_size() and mv_stamp_build() want
 * @btf: the build kernel's BTF
 *
 * Return: the size in bytes (a renumbering map: 4 per type).
 */
u64 mv_stamp_work_bytes(const struct mv_btf *btf)
{
	return ((u64)btf->nr_types + 1) * sizeof(u32);
}

struct mv_st_build {
	const struct mv_btf *btf;
	u32 *map;		/* old id -> new id; 1 while only marked */
	u64 types_len;
	u64 strs_len;
	u32 nr;
	u8 *types;		/* NULL: only count */
	u8 *strs;
};

static int mv_st_mark(void *arg, u32 id)
{
	struct mv_st_build *b = arg;

	b->map[id] = 1;
	return 0;
}

/* Append @s to the embedded strings ("" is offset 0); return its offset. */
static u32 mv_st_str(struct mv_st_build *b, const char *s)
{
	u64 off = b->strs_len, n = strlen(s) + 1;

	if (!s[0])
		return 0;
	if (b->strs)
		memcpy(b->strs + off, s, n);
	b->strs_len += n;
	return (u32)off;
}

static u32 mv_st_remap(const struct mv_st_build *b, u32 id)
{
	return id && id <= b->btf->nr_types ? b->map[id] : 0;
}

/* Copy type @id's record, renumbered and with its names moved; or only count it. */
static int mv_st_copy(struct mv_st_build *b, u32 id)
{
	struct mv_btf_type t;
	u32 len = 0, i, nm, elem = 0;
	u8 *r = NULL;
	const u8 *x;

	if (mv_btf_type(b->btf, id, &t))
		return -1;
	len = mv_btf_record_len(&t);
	if (!len)
		return -1;
	if (b->types) {
		r = b->types + b->types_len;
		memcpy(r, t.rec, len);
	}
	b->types_len += len;
	nm = mv_st_str(b, t.name);
	if (r)
		mv_st_setn32(r, nm);
	x = t.rec + MV_BTF_TYPE_SIZE;
	switch (t.kind) {
	case MV_BTF_KIND_PTR:
	case MV_BTF_KIND_TYPEDEF:
	case MV_BTF_KIND_VOLATILE:
	case MV_BTF_KIND_CONST:
	case MV_BTF_KIND_RESTRICT:
	case MV_BTF_KIND_TYPE_TAG:
	case MV_BTF_KIND_FUNC:
	case MV_BTF_KIND_VAR:
		if (r)
			mv_st_setn32(r + 8, mv_st_remap(b, t.size_type));
		return 0;
	case MV_BTF_KIND_ARRAY:
		if (r) {
			mv_st_setn32(r + 12, mv_st_remap(b, mv_st_n32(x)));
			mv_st_setn32(r + 16, mv_st_remap(b, mv_st_n32(x + 4)));
		}
		return 0;
	case MV_BTF_KIND_STRUCT:
	case MV_BTF_KIND_UNION:
		elem = 12;
		break;
	case MV_BTF_KIND_ENUM:
		elem = 8;
		break;
	case MV_BTF_KIND_ENUM64:
		elem = 12;
		break;
	case MV_BTF_KIND_FUNC_PROTO:
		elem = 8;
		if (r)
			mv_st_setn32(r + 8, mv_st_remap(b, t.size_type));
		break;
	case MV_BTF_KIND_INT:
	case MV_BTF_KIND_FWD:
	case MV_BTF_KIND_FLOAT:
		return 0;
	default:
		return -1;
	}
	for (i = 0; i < t.vlen; i++) {
		const u8 *e = x + (u64)i * elem;

		nm = mv_st_str(b, mv_btf_str(b->btf, mv_st_n32(e)));
		if (!r)
			continue;
		mv_st_setn32(r + MV_BTF_TYPE_SIZE + (u64)i * elem, nm);
		if (t.kind != MV_BTF_KIND_ENUM && t.kind != MV_BTF_KIND_ENUM64)
			mv_st_setn32(r + MV_BTF_TYPE_SIZE + (u64)i * elem + 4,
				     mv_st_remap(b, mv_st_n32(e + 4)));
	}
	return 0;
}

/* Check the arguments; mark every stamped symbol's closure and number the types it holds. */
static int mv_st_prepare(struct mv_st_build *b, const struct mv_btf_names *nx,
			 struct mv_closure *cl, const char *release, const char *const *names,
			 u32 count, void *work, u64 work_bytes, const char **why)
{
	u32 i, id, k = 0;
	u64 fp;

	memset(b, 0, sizeof(*b));
	b->btf = cl->btf;
	b->map = work;
	if (!work || ((unsigned long)work & 3) || work_bytes < mv_stamp_work_bytes(cl->btf) ||
	    nx->btf != cl->btf) {
		*why = "bad workspace, or the name index and closure are of different BTF";
		return -1;
	}
	if (strlen(release) >= MV_STAMP_MAX_RELEASE || count > MV_STAMP_MAX_SYMS) {
		*why = "release string too long or too many symbols";
		return -1;
	}
	for (i = 0; i < count; i++)
		if (!names[i][0] || (i && strcmp(names[i - 1], names[i]) >= 0)) {
			*why = "symbol names empty, unsorted or repeated";
			return -1;
		}
	memset(b->map, 0, mv_stamp_work_bytes(cl->btf));
	/*
	 * Fingerprinted here as well as in mv_stamp_build(), so that BTF the fingerprint finds
	 * malformed fails mv_stamp_size() too: a size given means a stamp built (memoised, so
	 * the second time costs nothing).
	 */
	for (i = 0; i < count; i++) {
		id = mv_btf_symbol(nx, names[i]);
		if (id && (mv_closure_visit(cl, id, mv_st_mark, b) ||
			   mv_closure_fingerprint(cl, id, &fp))) {
			*why = "malformed BTF in a symbol's closure";
			return -1;
		}
	}
	for (id = 1; id <= cl->btf->nr_types; id++)
		if (b->map[id])
			b->map[id] = ++k;
	b->nr = k;
	b->strs_len = 1;
	for (id = 1; id <= cl->btf->nr_types; id++)
		if (b->map[id] && mv_st_copy(b, id)) {
			*why = "malformed BTF in a symbol's closure";
			return -1;
		}
	if (b->types_len + b->strs_len + MV_BTF_HDR_MIN > 0x7fffffff) {
		*why = "closure too large for a stamp";
		return -1;
	}
	return 0;
}

struct mv_st_layout {
	u64 recs, names, names_len, release, btf, btf_len, total;
};

static void mv_st_layout(const struct mv_st_build *b, const char *release,
			 const char *const *names, u32 count, struct mv_st_layout *l)
{
	u32 i;

	l->recs = MV_STAMP_HDR_LEN;
	l->names = l->recs + (u64)count * MV_STAMP_REC_LEN;
	l->names_len = 0;
	for (i = 0; i < count; i++)
		l->names_len += strlen(names[i]) + 1;
	if (!l->names_len)
		l->names_len = 1;
	l->release = l->names + l->names_len;
	l->btf = MV_STAMP_ALIGN(l->release + strlen(release) + 1);
	l->btf_len = b->nr ? MV_BTF_HDR_MIN + b->types_len + b->strs_len : 0;
	l->total = MV_STAMP_ALIGN(l->btf + l->btf_len);
}

/**
 * mv_stamp_size() - the length of the stamp mv_stamp_build() would write
 * @nx: the build kernel's FUNC/VAR name index
 * @cl: a closure workspace over the same BTF
 * @release: the build kernel's release ("6.12.117+deb12-amd64")
 * @names: the imported symbols, sorted by strcmp(), unique
 * @count: how many
 * @work: mv_stamp_work_bytes() bytes, 4-byte aligned
 * @work_bytes: their size
 * @size: the stamp's length
 * @why: set to a static reason on error
 *
 * Return: 0, or -1.
 */
int mv_stamp_size(const struct mv_btf_names *nx, struct mv_closure *cl, const char *release,
		  const char *const *names, u32 count, void *work, u64 work_bytes, u64 *size,
		  const char **why)
{
	struct mv_st_build b;
	struct mv_st_layout l;

	if (mv_st_prepare(&b, nx, cl, release, names, count, work, work_bytes, why))
		return -1;
	mv_st_layout(&b, release, names, count, &l);
	*size = l.total;
	*why = NULL;
	return 0;
}

/**
 * mv_stamp_build() - write a stamp: header, records, names, release, the closures' BTF
 * @nx: the build kernel's FUNC/VAR name index
 * @cl: a closure workspace over the same BTF
 * @release: the build kernel's release
 * @names: the imported symbols, sorted by strcmp(), unique
 * @count: how many
 * @work: mv_stamp_work_bytes() bytes, 4-byte aligned
 * @work_bytes: their size
 * @out: where to write
 * @out_size: its size: at least mv_stamp_size()'s
 * @written: the stamp's length
 * @why: set to a static reason on error
 *
 * A symbol the BTF has no FUNC or VAR for gets type id 0 and fingerprint 0.
 *
 * Return: 0, or -1.
 */
int mv_stamp_build(const struct mv_btf_names *nx, struct mv_closure *cl, const char *release,
		   const char *const *names, u32 count, void *work, u64 work_bytes,
		   void *out, u64 out_size, u64 *written, const char **why)
{
	struct mv_st_build b;
	struct mv_st_layout l;
	u8 *p = out, *bt;
	u64 name_off = 0, fp;
	u32 i, id, v[5];

	if (mv_st_prepare(&b, nx, cl, release, names, count, work, work_bytes, why))
		return -1;
	mv_st_layout(&b, release, names, count, &l);
	if (!out || out_size < l.total) {
		*why = "output buffer too small";
		return -1;
	}
	memset(p, 0, l.total);
	mv_st_put32(p, MV_STAMP_MAGIC);
	p[4] = MV_STAMP_VERSION;
	p[6] = MV_STAMP_HDR_LEN;
	mv_st_put32(p + 8, (u32)l.total);
	mv_st_put32(p + 12, MV_FP_VERSION);
	mv_st_put32(p + 16, (u32)l.release);
	mv_st_put32(p + 20, (u32)strlen(release));
	mv_st_put32(p + 24, (u32)l.recs);
	mv_st_put32(p + 28, count);
	mv_st_put32(p + 32, (u32)l.names);
	mv_st_put32(p + 36, (u32)l.names_len);
	mv_st_put32(p + 40, (u32)l.btf);
	mv_st_put32(p + 44, (u32)l.btf_len);
	memcpy(p + l.release, release, strlen(release) + 1);
	for (i = 0; i < count; i++) {
		u8 *r = p + l.recs + (u64)i * MV_STAMP_REC_LEN;

		id = mv_btf_symbol(nx, names[i]);
		fp = 0;
		if (id && mv_closure_fingerprint(cl, id, &fp)) {
			*why = "malformed BTF in a symbol's closure";
			return -1;
		}
		mv_st_put32(r, (u32)name_off);
		mv_st_put32(r + 4, id ? b.map[id] : 0);
		mv_st_put64(r + 8, fp);
		memcpy(p + l.names + name_off, names[i], strlen(names[i]) + 1);
		name_off += strlen(names[i]) + 1;
	}
	if (l.btf_len) {
		u16 magic = MV_BTF_MAGIC;	/* native order, as the BTF it came from */

		bt = p + l.btf;
		memcpy(bt, &magic, sizeof(magic));
		bt[2] = MV_BTF_VERSION;
		v[0] = MV_BTF_HDR_MIN;
		v[1] = 0;
		v[2] = (u32)b.types_len;
		v[3] = (u32)b.types_len;
		v[4] = (u32)b.strs_len;
		memcpy(bt + 4, v, sizeof(v));
		/* Second pass, writing: the same order, so the same offsets and ids. */
		b.types = bt + MV_BTF_HDR_MIN;
		b.strs = b.types + v[2];
		b.types_len = 0;
		b.strs_len = 1;
		b.strs[0] = '\0';
		for (id = 1; id <= cl->btf->nr_types; id++)
			if (b.map[id] && mv_st_copy(&b, id)) {
				*why = "malformed BTF in a symbol's closure";
				return -1;
			}
	}
	*written = l.total;
	*why = NULL;
	return 0;
}

/* Header fields read by mv_stamp_open() and mv_stamp_open_bytes(). */
struct mv_st_hdr {
	u32 total, fpv, rel, rel_len, recs, nr, names, names_len, btf, btf_len;
};

static void mv_st_read_hdr(const u8 *p, struct mv_st_hdr *h)
{
	h->total = mv_st_get32(p + 8);
	h->fpv = mv_st_get32(p + 12);
	h->rel = mv_st_get32(p + 16);
	h->rel_len = mv_st_get32(p + 20);
	h->recs = mv_st_get32(p + 24);
	h->nr = mv_st_get32(p + 28);
	h->names = mv_st_get32(p + 32);
	h->names_len = mv_st_get32(p + 36);
	h->btf = mv_st_get32(p + 40);
	h->btf_len = mv_st_get32(p + 44);
}

/* Index and closure workspace for embedded BTF of @btf_len bytes, whatever it holds. */
static u64 mv_st_btf_bytes(u64 btf_len, u64 *index_bytes)
{
	u64 n = btf_len / MV_BTF_TYPE_SIZE + 2;

	*index_bytes = MV_STAMP_ALIGN((n + 1) * sizeof(u32));
	return *index_bytes + n * (2 * sizeof(u64) + 4 * sizeof(u32) + 2) + 24 +
	       (btf_len / 4 + n + 64) * sizeof(u32) + 8;
}

/**
 * mv_stamp_open_bytes() - workspace mv_stamp_open() wants for a stamp
 * @data: the stamp (the section's bytes, untrusted)
 * @len: its length
 *
 * Bounded by the embedded BTF's length alone, so that it can be asked before anything else is
 * validated.
 *
 * Return: the size in bytes (8 when the stamp has no header to read).
 */
u64 mv_stamp_open_bytes(const void *data, u64 len)
{
	struct mv_st_hdr h;
	u64 ib;

	if (!data || len < MV_STAMP_HDR_LEN)
		return 8;
	mv_st_read_hdr(data, &h);
	if (!mv_st_range_ok(len, h.btf, h.btf_len))
		return 8;
	return mv_st_btf_bytes(h.btf_len, &ib);
}

/**
 * mv_stamp_open() - validate a stamp, its embedded BTF and every record's fingerprint
 * @st: the opened stamp
 * @data: the stamp's bytes (untrusted, any alignment); kept while @st is used
 * @len: their length
 * @mem: mv_stamp_open_bytes(@data, @len) bytes, 8-byte aligned; kept while @st is used
 * @bytes: their size
 * @why: set to a static reason when the stamp is rejected
 *
 * Every offset and length is checked against the stamp, the names must be sorted and unique, the
 * embedded BTF goes through mv_btf_open(), each record's type must be a FUNC or VAR of the
 * record's name, and the fingerprint recomputed from the embedded BTF must equal the recorded one.
 *
 * Return: 0, or -1 when the stamp is rejected.
 */
int mv_stamp_open(struct mv_stamp *st, const void *data, u64 len, void *mem, u64 bytes,
		  const char **why)
{
	const u8 *p = data;
	struct mv_stamp_sym s, prev;
	struct mv_btf_type t;
	struct mv_st_hdr h;
	u64 need, ib, fp;
	u32 i;

	memset(st, 0, sizeof(*st));
	if (!data || len < MV_STAMP_HDR_LEN) {
		*why = "shorter than a stamp header";
		return -1;
	}
	if (mv_st_get32(p) != MV_STAMP_MAGIC) {
		*why = "no stamp magic";
		return -1;
	}
	if (mv_st_get16(p + 4) != MV_STAMP_VERSION || mv_st_get16(p + 6) < MV_STAMP_HDR_LEN) {
		*why = "unsupported stamp version or header length";
		return -1;
	}
	mv_st_read_hdr(p, &h);
	if (h.total < MV_STAMP_HDR_LEN || h.total > len || mv_st_get16(p + 6) > h.total) {
		*why = "stamp length out of range";
		return -1;
	}
	len = h.total;
	if (h.fpv != MV_FP_VERSION) {
		*why = "stamp of another fingerprint version";
		return -1;
	}
	if (h.rel_len >= MV_STAMP_MAX_RELEASE || !mv_st_range_ok(len, h.rel, (u64)h.rel_len + 1) ||
	    p[h.rel + h.rel_len] || memchr(p + h.rel, 0, h.rel_len)) {
		*why = "release string out of range or not terminated";
		return -1;
	}
	if (h.nr > MV_STAMP_MAX_SYMS ||
	    !mv_st_range_ok(len, h.recs, (u64)h.nr * MV_STAMP_REC_LEN)) {
		*why = "records out of range";
		return -1;
	}
	if (!h.names_len || !mv_st_range_ok(len, h.names, h.names_len) ||
	    p[h.names + h.names_len - 1]) {
		*why = "names out of range or not terminated";
		return -1;
	}
	if (!mv_st_range_ok(len, h.btf, h.btf_len)) {
		*why = "embedded BTF out of range";
		return -1;
	}
	st->data = p;
	st->len = len;
	st->release = (const char *)p + h.rel;
	st->nr_syms = h.nr;
	st->recs = p + h.recs;
	st->names = (const char *)p + h.names;
	st->names_len = h.names_len;
	for (i = 0; i < h.nr; i++) {
		if (mv_stamp_sym(st, i, &s)) {
			*why = "record name out of range";
			return -1;
		}
		if (i && strcmp(prev.name, s.name) >= 0) {
			*why = "records not sorted by name, or a name repeated";
			return -1;
		}
		if (!s.type_id && s.fp) {
			*why = "record without a type has a fingerprint";
			return -1;
		}
		if (s.type_id && !h.btf_len) {
			*why = "record with a type but no embedded BTF";
			return -1;
		}
		prev = s;
	}
	if (!h.btf_len) {
		*why = NULL;
		return 0;
	}
	need = mv_st_btf_bytes(h.btf_len, &ib);
	if (!mem || ((unsigned long)mem & 7) || bytes < need) {
		*why = "too little workspace for the embedded BTF";
		return -1;
	}
	if (mv_btf_open(&st->btf, p + h.btf, h.btf_len, why))
		return -1;
	if (mv_btf_index(&st->btf, mem, ib) ||
	    mv_closure_init(&st->cl, &st->btf, (u8 *)mem + ib, bytes - ib)) {
		*why = "embedded BTF cannot be indexed";
		return -1;
	}
	st->has_btf = true;
	for (i = 0; i < h.nr; i++) {
		mv_stamp_sym(st, i, &s);
		if (!s.type_id)
			continue;
		if (mv_btf_type(&st->btf, s.type_id, &t) ||
		    (t.kind != MV_BTF_KIND_FUNC && t.kind != MV_BTF_KIND_VAR) ||
		    strcmp(t.name, s.name)) {
			*why = "record's type is no function or variable of its name";
			return -1;
		}
		if (mv_closure_fingerprint(&st->cl, s.type_id, &fp) || fp != s.fp) {
			*why = "a record's fingerprint does not match the embedded BTF";
			return -1;
		}
		if (!(i & 0xff))
			mv_resched();
	}
	*why = NULL;
	return 0;
}

/**
 * mv_stamp_sym() - one record of an opened stamp
 * @st: opened by mv_stamp_open() (or while it validates)
 * @i: below @st->nr_syms
 * @s: the record
 *
 * Return: 0, or -1 for @i out of range or a name offset outside the names.
 */
int mv_stamp_sym(const struct mv_stamp *st, u32 i, struct mv_stamp_sym *s)
{
	const u8 *r;
	u32 off;

	if (i >= st->nr_syms)
		return -1;
	r = st->recs + (u64)i * MV_STAMP_REC_LEN;
	off = mv_st_get32(r);
	if (off >= st->names_len)
		return -1;
	s->name = st->names + off;
	s->type_id = mv_st_get32(r + 4);
	s->fp = mv_st_get64(r + 8);
	return 0;
}

/**
 * mv_stamp_find() - the record of a symbol (binary search: records are sorted)
 * @st: opened by mv_stamp_open()
 * @name: the symbol
 * @s: its record
 *
 * Return: the record's index, or -1 when the stamp has none for @name.
 */
int mv_stamp_find(const struct mv_stamp *st, const char *name, struct mv_stamp_sym *s)
{
	u32 lo = 0, hi = st->nr_syms, mid;
	int c;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (mv_stamp_sym(st, mid, s))
			return -1;
		c = strcmp(name, s->name);
		if (!c)
			return mid;
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return -1;
}
