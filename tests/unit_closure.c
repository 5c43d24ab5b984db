// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of split BTF, the symbol index, closure fingerprints, the root-change diff and its
 * classes (modver_closure.c), and stamps (modver_stamp.c), on hand-built BTF blobs, in userspace
 * with ASan and UBSan from the same sources as modver.ko.  Every blob and stamp is handed over in
 * a buffer of exactly its length.  Prints "PASS name" or "FAIL name: why" per test and
 * "unit_closure: ok" when all passed; exits 1 on any failure.
 */
#include <stdlib.h>

#include "modver_stamp.h"
#include "unit.h"

struct blob {
	u8 types[16384];
	u32 types_len;
	char strs[4096];
	u32 strs_len;
	u32 nr_types;
	u32 first_id;		/* 1, or a split blob's base->nr_types + 1 */
	u32 str_base;
	u8 *bytes;
	u32 len;
	void *index, *names, *clmem;
	struct mv_btf btf;
	struct mv_btf_names nx;
	struct mv_closure cl, cl2;
	void *clmem2;
};

static void blob_init(struct blob *b)
{
	free(b->bytes);
	free(b->index);
	free(b->names);
	free(b->clmem);
	free(b->clmem2);
	memset(b, 0, sizeof(*b));
	b->strs_len = 1;
	b->first_id = 1;
}

static u32 str(struct blob *b, const char *s)
{
	u32 off = b->strs_len;

	if (!s || !s[0])
		return 0;
	memcpy(b->strs + off, s, strlen(s) + 1);
	b->strs_len += strlen(s) + 1;
	return off + b->str_base;
}

static void put32(struct blob *b, u32 v)
{
	memcpy(b->types + b->types_len, &v, sizeof(v));
	b->types_len += sizeof(v);
}

static u32 type(struct blob *b, const char *name, u32 kind, u32 vlen, bool kflag, u32 size_type)
{
	put32(b, str(b, name));
	put32(b, (kflag ? 1U << 31 : 0) | kind << 24 | vlen);
	put32(b, size_type);
	return b->first_id + b->nr_types++;
}

static u32 int_type(struct blob *b, const char *name, u32 size)
{
	u32 id = type(b, name, MV_BTF_KIND_INT, 0, false, size);

	put32(b, size * 8);
	return id;
}

static void member(struct blob *b, const char *name, u32 type_id, u32 offset)
{
	put32(b, str(b, name));
	put32(b, type_id);
	put32(b, offset);
}

/* MODVER_SEED_DIR: keep every blob and stamp as seeds for tests/fuzz/fuzz_btf. */
static void seed(const char *kind, const void *p, u64 len)
{
	const char *dir = getenv("MODVER_SEED_DIR");
	static unsigned int n;
	char path[4096];
	FILE *f;

	if (!dir)
		return;
	snprintf(path, sizeof(path), "%s/%s-%u", dir, kind, n++);
	f = fopen(path, "wb");
	if (f) {
		fwrite(p, 1, len, f);
		fclose(f);
	}
}

static void finish(struct blob *b)
{
	u32 v[5] = { MV_BTF_HDR_MIN, 0, b->types_len, b->types_len, b->strs_len };

	free(b->bytes);
	b->len = MV_BTF_HDR_MIN + b->types_len + b->strs_len;
	b->bytes = calloc(1, b->len);
	b->bytes[0] = 0x9f;
	b->bytes[1] = 0xeb;
	b->bytes[2] = MV_BTF_VERSION;
	memcpy(b->bytes + 4, v, sizeof(v));
	memcpy(b->bytes + MV_BTF_HDR_MIN, b->types, b->types_len);
	memcpy(b->bytes + MV_BTF_HDR_MIN + b->types_len, b->strs, b->strs_len);
	seed(b->first_id > 1 ? "split" : "btf", b->bytes, b->len);
}

/* Open (on @base when split), index, name index, two closure workspaces. */
static int load(struct blob *b, const struct mv_btf *base)
{
	const char *why;
	u64 n;

	if (base ? mv_btf_open_split(&b->btf, base, b->bytes, b->len, &why) :
		   mv_btf_open(&b->btf, b->bytes, b->len, &why))
		return -1;
	n = mv_btf_index_bytes(&b->btf);
	b->index = malloc(n);
	if (mv_btf_index(&b->btf, b->index, n))
		return -1;
	n = mv_btf_names_bytes(&b->btf);
	b->names = malloc(n);
	if (mv_btf_names_build(&b->nx, &b->btf, b->names, n))
		return -1;
	n = mv_closure_bytes(&b->btf);
	b->clmem = malloc(n);
	b->clmem2 = malloc(n);
	return mv_closure_init(&b->cl, &b->btf, b->clmem, n) ||
	       mv_closure_init(&b->cl2, &b->btf, b->clmem2, n);
}

static void blob_free(struct blob *b)
{
	blob_init(b);
}

/* Variants of the test world, one change each. */
enum {
	F_ENUM_ADD = 1 << 0,	/* enum rpm_status gains RPM_BLOCKED=4 */
	F_ENUM_VAL = 1 << 1,	/* RPM_SUSPENDING 3 -> 5 */
	F_ENUM_DEL = 1 << 2,	/* RPM_RESUMING removed, the rest keep their values */
	F_PM_APPEND = 1 << 3,	/* struct dev_pm_info (embedded in device) gains a trailing int */
	F_DEV_APPEND = 1 << 4,	/* struct device (reached through a pointer) gains a trailing int */
	F_MOVE = 1 << 5,	/* struct device.id moves */
	F_RETYPE = 1 << 6,	/* struct device.id becomes unsigned */
	F_DEL = 1 << 7,		/* struct device.id removed */
	F_BITFIELD = 1 << 8,	/* struct dev_pm_info.flags 3 -> 4 bits */
	F_PARAM = 1 << 9,	/* device_add gains an int parameter */
	F_RET = 1 << 10,	/* device_add returns unsigned int */
	F_KIND = 1 << 11,	/* struct holder becomes a union */
	F_FWD = 1 << 12,	/* struct holder only declared */
	F_ENUM64 = 1 << 13,	/* enum rpm_status becomes an enum64 */
	F_PAD = 1 << 14,	/* unrelated types first: every id shifts */
};

/*
 * int device_add(struct device *dev);
 * enum rpm_status { RPM_ACTIVE, RPM_RESUMING, RPM_SUSPENDED, RPM_SUSPENDING };
 * struct dev_pm_info { enum rpm_status runtime_status; unsigned int flags:3; };
 * struct holder { enum rpm_status s; };
 * struct bus { struct holder *h; };
 * struct device { struct bus *bus; struct device *parent; struct dev_pm_info power; int id; };
 * The enum is reached by device.bus->h->s (first in member order) and by device.power
 * (shorter): the path reported must be the shorter one, and the change once.
 */
static u32 build_world(struct blob *b, unsigned int f)
{
	u32 in, un, en, pm, ho, hop, bus, busp, dev, devp, proto, fn, nmem;

	if (f & F_PAD) {
		int_type(b, "long int", 8);
		type(b, "unrelated", MV_BTF_KIND_STRUCT, 0, false, 0);
		type(b, NULL, MV_BTF_KIND_PTR, 0, false, 1);
	}
	in = int_type(b, "int", 4);
	un = int_type(b, "unsigned int", 4);
	nmem = 4 + !!(f & F_ENUM_ADD) - !!(f & F_ENUM_DEL);
	if (f & F_ENUM64) {
		en = type(b, "rpm_status", MV_BTF_KIND_ENUM64, nmem, false, 4);
		member(b, "RPM_ACTIVE", 0, 0);
		if (!(f & F_ENUM_DEL))
			member(b, "RPM_RESUMING", 1, 0);
		member(b, "RPM_SUSPENDED", 2, 0);
		member(b, "RPM_SUSPENDING", f & F_ENUM_VAL ? 5 : 3, 0);
	} else {
		en = type(b, "rpm_status", MV_BTF_KIND_ENUM, nmem, false, 4);
		put32(b, str(b, "RPM_ACTIVE"));
		put32(b, 0);
		if (!(f & F_ENUM_DEL)) {
			put32(b, str(b, "RPM_RESUMING"));
			put32(b, 1);
		}
		put32(b, str(b, "RPM_SUSPENDED"));
		put32(b, 2);
		put32(b, str(b, "RPM_SUSPENDING"));
		put32(b, f & F_ENUM_VAL ? 5 : 3);
		if (f & F_ENUM_ADD) {
			put32(b, str(b, "RPM_BLOCKED"));
			put32(b, 4);
		}
	}
	pm = type(b, "dev_pm_info", MV_BTF_KIND_STRUCT, f & F_PM_APPEND ? 3 : 2, true,
		  f & F_PM_APPEND ? 12 : 8);
	member(b, "runtime_status", en, 0);
	member(b, "flags", un, (f & F_BITFIELD ? 4U : 3U) << 24 | 32);
	if (f & F_PM_APPEND)
		member(b, "extra", in, 64);
	if (f & F_FWD) {
		ho = type(b, "holder", MV_BTF_KIND_FWD, 0, false, 0);
	} else {
		ho = type(b, "holder", f & F_KIND ? MV_BTF_KIND_UNION : MV_BTF_KIND_STRUCT, 1,
			  false, 4);
		member(b, "s", en, 0);
	}
	hop = type(b, NULL, MV_BTF_KIND_PTR, 0, false, ho);
	bus = type(b, "bus", MV_BTF_KIND_STRUCT, 1, false, 8);
	member(b, "h", hop, 0);
	busp = type(b, NULL, MV_BTF_KIND_PTR, 0, false, bus);
	devp = b->first_id + b->nr_types + 1;	/* the pointer after struct device */
	dev = type(b, "device", MV_BTF_KIND_STRUCT, f & F_DEL ? 3 : (f & F_DEV_APPEND ? 5 : 4),
		   false, f & F_DEV_APPEND ? 36 : 32);
	member(b, "bus", busp, 0);
	member(b, "parent", devp, 64);
	member(b, "power", pm, 128);
	if (!(f & F_DEL))
		member(b, "id", f & F_RETYPE ? un : in, f & F_MOVE ? 224 : 192);
	if (f & F_DEV_APPEND)
		member(b, "extra2", in, 256);
	CHECK(type(b, NULL, MV_BTF_KIND_PTR, 0, false, dev) == devp);
	proto = type(b, NULL, MV_BTF_KIND_FUNC_PROTO, f & F_PARAM ? 2 : 1, false,
		     f & F_RET ? un : in);
	put32(b, str(b, "dev"));
	put32(b, devp);
	if (f & F_PARAM) {
		put32(b, str(b, "flags"));
		put32(b, in);
	}
	fn = type(b, "device_add", MV_BTF_KIND_FUNC, 1, false, proto);
	finish(b);
	return fn;
}

struct got {
	int n;
	char text[8][512];
	enum mv_change_kind kind[8];
	enum mv_change_class cls[8];
};

static int collect(void *arg, const struct mv_change *ch)
{
	struct got *g = arg;

	if (g->n < 8) {
		snprintf(g->text[g->n], sizeof(g->text[0]), "%s", ch->text);
		g->kind[g->n] = ch->kind;
		g->cls[g->n] = ch->cls;
	}
	g->n++;
	return 0;
}

static void text_is(const struct got *g, int i, const char *want)
{
	CHECK(i < g->n && !strcmp(g->text[i], want));
}

/* Diff world(0) against world(@f); @g gets the changes.  Return: mv_diff()'s value. */
static int diff_worlds(unsigned int fo, unsigned int fn, struct got *g)
{
	static struct blob o, n;
	u32 so, sn;
	const char *why;
	char buf[512];
	void *mem;
	u64 bytes;
	int r;

	blob_init(&o);
	blob_init(&n);
	so = build_world(&o, fo);
	sn = build_world(&n, fn);
	memset(g, 0, sizeof(*g));
	if (load(&o, NULL) || load(&n, NULL))
		return -2;
	CHECK(mv_btf_symbol(&o.nx, "device_add") == so && mv_btf_symbol(&n.nx, "device_add") == sn);
	bytes = mv_diff_bytes(&o.btf, &n.btf);
	mem = malloc(bytes);
	r = mv_diff(&o.cl, so, &n.cl, sn, mem, bytes, buf, sizeof(buf), collect, g, &why);
	free(mem);
	blob_free(&o);
	blob_free(&n);
	return r;
}

#define PATH "device_add(struct device *)"

/* One change: its exact line, kind and class. */
static void expect_one(unsigned int f, const char *text, enum mv_change_kind kind,
		       enum mv_change_class cls)
{
	struct got g;
	int r = diff_worlds(0, f, &g);

	CHECK(r == 1 && g.n == 1);
	if (g.n >= 1) {
		if (strcmp(g.text[0], text))
			printf("  got: %s\n want: %s\n", g.text[0], text);
		CHECK(!strcmp(g.text[0], text));
		CHECK(g.kind[0] == kind);
		CHECK(g.cls[0] == cls);
	}
}

static void test_enum_gained(void)
{
	expect_one(F_ENUM_ADD,
		   "device_add(struct device *) -> struct device.power -> struct dev_pm_info.runtime_status: enum rpm_status gained RPM_BLOCKED=4",
		   MV_CHANGE_ENUM_ADDED, MV_CLASS_ADDITIVE);
}

static void test_enum_value_removed(void)
{
	expect_one(F_ENUM_VAL,
		   "device_add(struct device *) -> struct device.power -> struct dev_pm_info.runtime_status: enum rpm_status: RPM_SUSPENDING changed from 3 to 5",
		   MV_CHANGE_ENUM_VALUE, MV_CLASS_LAYOUT);
	expect_one(F_ENUM_DEL,
		   "device_add(struct device *) -> struct device.power -> struct dev_pm_info.runtime_status: enum rpm_status lost RPM_RESUMING=1",
		   MV_CHANGE_ENUM_REMOVED, MV_CLASS_LAYOUT);
	expect_one(F_ENUM64,
		   "device_add(struct device *) -> struct device.power -> struct dev_pm_info.runtime_status: enum rpm_status became enum rpm_status",
		   MV_CHANGE_KIND, MV_CLASS_LAYOUT);
}

/* Appended to a struct reached through a pointer: additive; embedded by value: layout. */
static void test_trailing_member(void)
{
	struct got g;

	CHECK(diff_worlds(0, F_DEV_APPEND, &g) == 2 && g.n == 2);
	CHECK(!strcmp(g.text[0], PATH ": struct device grew from 32 to 36 bytes"));
	CHECK(!strcmp(g.text[1], PATH ": struct device gained member extra2 (int) at byte 32"));
	CHECK(g.kind[0] == MV_CHANGE_SIZE && g.kind[1] == MV_CHANGE_MEMBER_ADDED);
	CHECK(g.cls[0] == MV_CLASS_ADDITIVE && g.cls[1] == MV_CLASS_ADDITIVE);

	/*
	 * dev_pm_info is embedded in device: its members keep their offsets, but it is reached
	 * by value, so the claim cannot be made.
	 */
	CHECK(diff_worlds(0, F_PM_APPEND, &g) == 2 && g.n == 2);
	text_is(&g, 0,
		"device_add(struct device *) -> struct device.power: struct dev_pm_info grew from 8 to 12 bytes");
	text_is(&g, 1,
		"device_add(struct device *) -> struct device.power: struct dev_pm_info gained member extra (int) at byte 8");
	CHECK(g.cls[0] == MV_CLASS_LAYOUT && g.cls[1] == MV_CLASS_LAYOUT);
}

static void test_members(void)
{
	expect_one(F_MOVE, PATH ": struct device.id moved from byte 24 to byte 28",
		   MV_CHANGE_MEMBER_MOVED, MV_CLASS_LAYOUT);
	expect_one(F_RETYPE, PATH ": struct device.id retyped: int -> unsigned int",
		   MV_CHANGE_MEMBER_RETYPED, MV_CLASS_LAYOUT);
	expect_one(F_DEL, PATH ": struct device lost member id", MV_CHANGE_MEMBER_REMOVED,
		   MV_CLASS_LAYOUT);
	expect_one(F_BITFIELD,
		   "device_add(struct device *) -> struct device.power: struct dev_pm_info.flags bitfield width 3 -> 4",
		   MV_CHANGE_BITFIELD, MV_CLASS_LAYOUT);
}

static void test_prototype(void)
{
	expect_one(F_PARAM, PATH ": gained parameter 2: int", MV_CHANGE_PARAM_ADDED,
		   MV_CLASS_LAYOUT);
	expect_one(F_RET, PATH ": return type int -> unsigned int", MV_CHANGE_RETURN,
		   MV_CLASS_LAYOUT);
}

/* struct -> union is the kind's change; a declaration on one side is none. */
static void test_kind_and_declarations(void)
{
	struct got g;

	expect_one(F_KIND,
		   "device_add(struct device *) -> struct device.bus -> struct bus.h: struct holder became union holder",
		   MV_CHANGE_KIND, MV_CLASS_LAYOUT);
	CHECK(diff_worlds(0, F_FWD, &g) == 0 && g.n == 0);
	CHECK(diff_worlds(F_FWD, 0, &g) == 0 && g.n == 0);
}

/* Several changes at once: each once, every one on its shortest path. */
static void test_dedupe_and_many(void)
{
	struct got g;

	CHECK(diff_worlds(0, F_ENUM_ADD | F_MOVE | F_PARAM, &g) == 3 && g.n == 3);
	CHECK(!strcmp(g.text[0], PATH ": gained parameter 2: int"));
	CHECK(!strcmp(g.text[1], PATH ": struct device.id moved from byte 24 to byte 28"));
	text_is(&g, 2,
		"device_add(struct device *) -> struct device.power -> struct dev_pm_info.runtime_status: enum rpm_status gained RPM_BLOCKED=4");
	CHECK(diff_worlds(F_PAD, F_PAD, &g) == 0 && g.n == 0);
}

static int stop_at_first(void *arg, const struct mv_change *ch)
{
	(void)ch;
	++*(int *)arg;
	return 7;
}

/* The type id at @r + @off, through @map. */
static void remap(u8 *r, u32 off, const u32 *map)
{
	u32 v;

	memcpy(&v, r + off, 4);
	v = map[v];
	memcpy(r + off, &v, 4);
}

/* Permute a finished blob's types (reverse order, after @pad unrelated ints), remapping ids. */
static void permute(const struct blob *src, struct blob *dst, u32 pad)
{
	struct mv_btf btf;
	struct mv_btf_type t;
	const char *why;
	u32 *index, map[256], id, i, n, len;
	u8 *r;

	CHECK(!mv_btf_open(&btf, src->bytes, src->len, &why));
	index = malloc(mv_btf_index_bytes(&btf));
	CHECK(!mv_btf_index(&btf, index, mv_btf_index_bytes(&btf)));
	blob_init(dst);
	memcpy(dst->strs, src->strs, src->strs_len);
	dst->strs_len = src->strs_len;
	n = btf.nr_types;
	map[0] = 0;
	for (id = 1; id <= n; id++)
		map[id] = pad + (n - id) + 1;
	for (i = 0; i < pad; i++)
		int_type(dst, "int", 4);
	for (id = n; id >= 1; id--) {
		CHECK(!mv_btf_type(&btf, id, &t));
		len = mv_btf_record_len(&t);
		r = dst->types + dst->types_len;
		memcpy(r, t.rec, len);
		dst->types_len += len;
		dst->nr_types++;
		switch (t.kind) {
		case MV_BTF_KIND_PTR:
		case MV_BTF_KIND_FUNC:
		case MV_BTF_KIND_TYPEDEF:
		case MV_BTF_KIND_CONST:
		case MV_BTF_KIND_VAR:
			remap(r, 8, map);
			break;
		case MV_BTF_KIND_STRUCT:
		case MV_BTF_KIND_UNION:
			for (i = 0; i < t.vlen; i++)
				remap(r, 12 + i * 12 + 4, map);
			break;
		case MV_BTF_KIND_FUNC_PROTO:
			remap(r, 8, map);
			for (i = 0; i < t.vlen; i++)
				remap(r, 12 + i * 8 + 4, map);
			break;
		case MV_BTF_KIND_ARRAY:
			remap(r, 12, map);
			remap(r, 16, map);
			break;
		}
	}
	finish(dst);
	free(index);
}

/* Fingerprints do not depend on type ids or their order; they change with a definition. */
static void test_renumbering(void)
{
	static struct blob a, p, c;
	u64 fa, fp, fc;
	u32 sa, sp, sc;

	blob_init(&a);
	sa = build_world(&a, 0);
	permute(&a, &p, 5);
	CHECK(!load(&a, NULL) && !load(&p, NULL));
	sp = mv_btf_symbol(&p.nx, "device_add");
	CHECK(sp && sp != sa);
	CHECK(!mv_closure_fingerprint(&a.cl, sa, &fa) && !mv_closure_fingerprint(&p.cl, sp, &fp));
	CHECK(fa == fp);
	/* Memoised: the same again. */
	CHECK(!mv_closure_fingerprint(&p.cl, sp, &fp) && fa == fp);
	blob_init(&c);
	sc = build_world(&c, F_PAD);
	CHECK(!load(&c, NULL) && sc != sa);
	CHECK(!mv_closure_fingerprint(&c.cl, sc, &fc) && fc == fa);
	blob_free(&c);
	sc = build_world(&c, F_ENUM_ADD);
	CHECK(!load(&c, NULL));
	CHECK(!mv_closure_fingerprint(&c.cl, sc, &fc) && fc != fa);
	blob_free(&c);
	/*
	 * A declaration-only side differs in the fingerprint (one definition fewer), not in
	 * the diff (test_kind_and_declarations).
	 */
	sc = build_world(&c, F_FWD);
	CHECK(!load(&c, NULL));
	CHECK(!mv_closure_fingerprint(&c.cl, sc, &fc) && fc != fa);
	/* Diff across renumbered BTF: nothing. */
	{
		u64 bytes = mv_diff_bytes(&a.btf, &p.btf);
		void *mem = malloc(bytes);
		const char *why;
		char buf[256];
		struct got g = { 0 };
		int stops = 0;

		CHECK(mv_diff(&a.cl, sa, &p.cl, sp, mem, bytes, buf, sizeof(buf), collect, &g,
			      &why) == 0 && !g.n);
		/* Same closure on both sides is refused; a stop is returned as is. */
		CHECK(mv_diff(&a.cl, sa, &a.cl, sa, mem, bytes, buf, sizeof(buf), collect, &g,
			      &why) == -1 && why);
		CHECK(mv_diff(&a.cl, sa, &c.cl, sc, mem, bytes, buf, sizeof(buf), collect, &g,
			      &why) == 0);
		CHECK(mv_diff(&a.cl, sa, &p.cl, 0, mem, bytes, buf, sizeof(buf), collect, &g,
			      &why) == 1 && g.n == 1 &&
		      !strcmp(g.text[0], PATH ": no BTF on the new side"));
		CHECK(mv_diff(&a.cl, sa, &a.cl2, sa, mem, bytes, buf, sizeof(buf), collect, &g,
			      &why) == 0);
		CHECK(mv_diff(&a.cl, sa, &a.cl2, sa, mem, bytes - 1, buf, sizeof(buf), collect,
			      &g, &why) == -1);
		free(mem);
		(void)stops;
	}
	blob_free(&a);
	blob_free(&p);
	blob_free(&c);
}

static void test_stop(void)
{
	static struct blob o, n;
	const char *why;
	char buf[32];
	int count = 0;
	u32 so, sn;
	void *mem;
	u64 bytes;

	blob_init(&o);
	blob_init(&n);
	so = build_world(&o, 0);
	sn = build_world(&n, F_ENUM_ADD | F_MOVE | F_PARAM);
	CHECK(!load(&o, NULL) && !load(&n, NULL));
	bytes = mv_diff_bytes(&o.btf, &n.btf);
	mem = malloc(bytes);
	/* A short buffer cuts the line, NUL-terminated. */
	CHECK(mv_diff(&o.cl, so, &n.cl, sn, mem, bytes, buf, sizeof(buf), stop_at_first, &count,
		      &why) == 7 && count == 1 && strlen(buf) == sizeof(buf) - 1);
	free(mem);
	blob_free(&o);
	blob_free(&n);
}

/* Cycles: a self-referencing struct and two mutually referencing ones. */
static void test_cycles(void)
{
	static struct blob b, c;
	u32 in, a, bb, pa, pb, proto, fn, fn2;
	u64 f1, f2;
	struct got g = { 0 };
	const char *why;
	char buf[256];
	void *mem;
	u64 bytes;
	int v;

	for (v = 0; v < 2; v++) {
		struct blob *x = v ? &c : &b;

		blob_init(x);
		in = int_type(x, "int", 4);
		pa = x->nr_types + 2;
		pb = x->nr_types + 4;
		a = type(x, "a", MV_BTF_KIND_STRUCT, 2, false, 16);
		member(x, "b", pb, 0);
		member(x, "self", pa, 64);
		CHECK(type(x, NULL, MV_BTF_KIND_PTR, 0, false, a) == pa);
		bb = type(x, "b", MV_BTF_KIND_STRUCT, 2, false, 16);
		member(x, "a", pa, 0);
		member(x, v ? "y" : "x", in, 64);
		CHECK(type(x, NULL, MV_BTF_KIND_PTR, 0, false, bb) == pb);
		proto = type(x, NULL, MV_BTF_KIND_FUNC_PROTO, 1, false, 0);
		put32(x, 0);
		put32(x, pa);
		fn = type(x, "f", MV_BTF_KIND_FUNC, 1, false, proto);
		fn2 = type(x, "g", MV_BTF_KIND_VAR, 1, false, bb);
		put32(x, 1);
		finish(x);
		CHECK(!load(x, NULL));
		CHECK(mv_btf_symbol(&x->nx, "f") == fn && mv_btf_symbol(&x->nx, "g") == fn2);
		CHECK(mv_btf_symbol_kind(&x->nx, "g", MV_BTF_KIND_FUNC) == 0);
		CHECK(!mv_btf_symbol(&x->nx, "h"));
	}
	CHECK(!mv_closure_fingerprint(&b.cl, fn, &f1) && !mv_closure_fingerprint(&c.cl, fn, &f2));
	CHECK(f1 != f2);
	/* Reached from a or from b, the cycle holds the same two definitions. */
	CHECK(!mv_closure_fingerprint(&b.cl, fn2, &f2));
	bytes = mv_diff_bytes(&b.btf, &c.btf);
	mem = malloc(bytes);
	CHECK(mv_diff(&b.cl, fn, &c.cl, fn, mem, bytes, buf, sizeof(buf), collect, &g, &why) == 2);
	CHECK(!strcmp(g.text[0], "f(struct a *) -> struct a.b: struct b lost member x"));
	text_is(&g, 1,
		"f(struct a *) -> struct a.b: struct b gained member y (int) at byte 8");
	memset(&g, 0, sizeof(g));
	CHECK(mv_diff(&b.cl, fn2, &c.cl, fn2, mem, bytes, buf, sizeof(buf), collect, &g,
		      &why) == 2);
	CHECK(!strcmp(g.text[0], "g (struct b): struct b lost member x"));
	free(mem);
	blob_free(&b);
	blob_free(&c);
}

/* Malformed closures end in errors, never in a crash or an endless walk. */
static void test_malformed(void)
{
	static struct blob b;
	u32 p1, fn;
	u64 fp;

	blob_init(&b);
	/* A pointer cycle without a name, and a member pointing past the last type. */
	p1 = type(&b, NULL, MV_BTF_KIND_PTR, 0, false, 2);
	CHECK(type(&b, NULL, MV_BTF_KIND_CONST, 0, false, p1) == 2);
	fn = type(&b, "f", MV_BTF_KIND_VAR, 0, false, p1);
	put32(&b, 1);
	type(&b, "s", MV_BTF_KIND_STRUCT, 1, false, 4);
	member(&b, "m", 99, 0);
	type(&b, "v", MV_BTF_KIND_VAR, 0, false, 4);
	put32(&b, 1);
	finish(&b);
	CHECK(load(&b, NULL));	/* the edge walk meets id 99 */
	blob_free(&b);
	p1 = type(&b, NULL, MV_BTF_KIND_PTR, 0, false, 2);
	CHECK(type(&b, NULL, MV_BTF_KIND_CONST, 0, false, p1) == 2);
	fn = type(&b, "f", MV_BTF_KIND_VAR, 0, false, p1);
	put32(&b, 1);
	finish(&b);
	CHECK(!load(&b, NULL));
	CHECK(mv_closure_fingerprint(&b.cl, fn, &fp));
	CHECK(mv_closure_fingerprint(&b.cl, 0, &fp) && mv_closure_fingerprint(&b.cl, 99, &fp));
	CHECK(mv_closure_fingerprint(&b.cl, p1, &fp));	/* no symbol */
	blob_free(&b);
}

/*
 * Nesting deeper than the bound fails the same way whatever was computed first (a fuzz finding:
 * a failure deep in one walk was remembered as the type's own).
 */
static void test_nesting_order(void)
{
	static struct blob b;
	u32 i, prev, deep, shallow = 0, v1, v2;
	u64 fa, fb, f;

	blob_init(&b);
	prev = int_type(&b, "int", 4);
	for (i = 0; i < 24; i++) {
		prev = type(&b, NULL, MV_BTF_KIND_CONST, 0, false, prev);
		if (i == 6)
			shallow = prev;
	}
	deep = prev;
	v1 = type(&b, "deep", MV_BTF_KIND_VAR, 0, false, deep);
	put32(&b, 1);
	v2 = type(&b, "shallow", MV_BTF_KIND_VAR, 0, false, shallow);
	put32(&b, 1);
	finish(&b);
	CHECK(!load(&b, NULL));
	CHECK(mv_closure_fingerprint(&b.cl, v1, &f));
	CHECK(!mv_closure_fingerprint(&b.cl, v2, &fa));
	CHECK(!mv_closure_fingerprint(&b.cl2, v2, &fb) && fa == fb);
	CHECK(mv_closure_fingerprint(&b.cl2, v1, &f));
	CHECK(mv_closure_fingerprint(&b.cl, v1, &f));
	blob_free(&b);
}

/* Split BTF: ids and strings go on after the base's; every accessor reads both. */
static void test_split(void)
{
	static struct blob base, mod, whole;
	struct mv_btf_type t;
	struct mv_btf_member m;
	u32 dev, devp, proto, fn, s, in;
	u64 f1, f2;
	const char *why;

	blob_init(&base);
	build_world(&base, 0);
	CHECK(!load(&base, NULL));
	dev = mv_btf_find(&base.btf, MV_BTF_KIND_STRUCT, "device", 0);
	devp = dev + 1;
	in = mv_btf_find(&base.btf, MV_BTF_KIND_INT, "int", 0);
	blob_init(&mod);
	mod.first_id = base.btf.nr_types + 1;
	mod.str_base = base.btf.strs_len;
	mod.strs_len = 0;	/* as pahole writes it: no "" of its own is needed */
	s = type(&mod, "mod_state", MV_BTF_KIND_STRUCT, 2, false, 16);
	member(&mod, "dev", devp, 0);
	member(&mod, "id", in, 64);
	proto = type(&mod, NULL, MV_BTF_KIND_FUNC_PROTO, 1, false, in);
	put32(&mod, str(&mod, "st"));
	put32(&mod, s + 3);
	fn = type(&mod, "mod_fn", MV_BTF_KIND_FUNC, 1, false, proto);
	CHECK(type(&mod, NULL, MV_BTF_KIND_PTR, 0, false, s) == s + 3);
	finish(&mod);
	CHECK(mv_btf_open(&mod.btf, mod.bytes, mod.len, &why));	/* not alone */
	CHECK(!load(&mod, &base.btf));
	CHECK(mod.btf.first_id == base.btf.nr_types + 1 && mod.btf.nr_types == fn + 1);
	CHECK(mv_btf_own_types(&mod.btf) == 4);
	CHECK(!mv_btf_type(&mod.btf, dev, &t) && !strcmp(t.name, "device"));
	CHECK(!mv_btf_type(&mod.btf, s, &t) && !strcmp(t.name, "mod_state"));
	CHECK(!mv_btf_member(&mod.btf, &t, 1, &m) && !strcmp(m.name, "id") && m.type == in);
	CHECK(mv_btf_find(&mod.btf, MV_BTF_KIND_STRUCT, "device", 0) == dev);
	CHECK(mv_btf_find(&mod.btf, MV_BTF_KIND_STRUCT, "mod_state", 0) == s);
	CHECK(mv_btf_symbol(&mod.nx, "mod_fn") == fn && mv_btf_symbol(&mod.nx, "device_add"));
	CHECK(mv_btf_type(&mod.btf, fn + 2, &t));
	/* The same types in one blob fingerprint the same. */
	blob_init(&whole);
	build_world(&whole, 0);
	whole.types_len = 0;
	memcpy(whole.types, base.types, base.types_len);
	memcpy(whole.types + base.types_len, mod.types, mod.types_len);
	whole.types_len = base.types_len + mod.types_len;
	memcpy(whole.strs + base.strs_len, mod.strs, mod.strs_len);
	whole.strs_len = base.strs_len + mod.strs_len;
	finish(&whole);
	CHECK(!load(&whole, NULL));
	CHECK(!mv_closure_fingerprint(&mod.cl, fn, &f1) &&
	      !mv_closure_fingerprint(&whole.cl, fn, &f2) && f1 == f2);
	/* Names past the split strings, a split base, an unindexed base. */
	CHECK(mv_btf_open_split(&whole.btf, &mod.btf, mod.bytes, mod.len, &why));
	{
		u32 bad = base.btf.strs_len + mod.strs_len;

		memcpy(mod.bytes + MV_BTF_HDR_MIN, &bad, 4);
		CHECK(mv_btf_open_split(&whole.btf, &base.btf, mod.bytes, mod.len, &why) &&
		      !strcmp(why, "type name outside the string section"));
	}
	blob_free(&base);
	blob_free(&mod);
	blob_free(&whole);
}

/* Build a stamp of @names from @b into a malloc()ed buffer of exactly its length. */
static u8 *stamp_of(struct blob *b, const char *const *names, u32 count, u64 *len)
{
	u64 wb = mv_stamp_work_bytes(&b->btf), size = 0, written = 0;
	void *work = malloc(wb);
	const char *why;
	u8 *out;

	CHECK(!mv_stamp_size(&b->nx, &b->cl, "6.12.117+deb12-amd64", names, count, work, wb,
			     &size, &why));
	out = malloc(size);
	CHECK(!mv_stamp_build(&b->nx, &b->cl, "6.12.117+deb12-amd64", names, count, work, wb,
			      out, size, &written, &why));
	CHECK(written == size);
	seed("stamp", out, size);
	CHECK(mv_stamp_build(&b->nx, &b->cl, "r", names, count, work, wb, out, 8, &written,
			     &why));
	free(work);
	*len = size;
	return out;
}

static int open_copy(const u8 *st, u64 len, const char **why);

/* The stamp in @bad must be refused for @reason. */
static void rejected(const u8 *bad, u64 len, const char *reason)
{
	const char *why = NULL;

	CHECK(open_copy(bad, len, &why) && why && !strcmp(why, reason));
}

static int open_copy(const u8 *st, u64 len, const char **why)
{
	u8 *copy = malloc(len ? len : 1);
	struct mv_stamp s;
	u64 ob;
	void *mem;
	int r;

	memcpy(copy, st, len);
	ob = mv_stamp_open_bytes(copy, len);
	mem = malloc(ob);
	r = mv_stamp_open(&s, copy, len, mem, ob, why);
	free(mem);
	free(copy);
	return r;
}

static void poke32(u8 *p, u32 v)
{
	p[0] = v;
	p[1] = v >> 8;
	p[2] = v >> 16;
	p[3] = v >> 24;
}

static void test_stamp(void)
{
	static const char *const names[] = { "device_add", "missing_sym" };
	static const char *const unsorted[] = { "missing_sym", "device_add" };
	static struct blob b, n;
	struct mv_stamp st;
	struct mv_stamp_sym s;
	u64 len, ob, fp, bytes, wb, size;
	const char *why;
	u8 *raw, *bad;
	void *mem, *dmem;
	struct got g = { 0 };
	char buf[512];
	u32 i, sn;

	blob_init(&b);
	build_world(&b, F_PAD);
	CHECK(!load(&b, NULL));
	raw = stamp_of(&b, names, 2, &len);
	ob = mv_stamp_open_bytes(raw, len);
	mem = malloc(ob);
	CHECK(!mv_stamp_open(&st, raw, len, mem, ob, &why));
	CHECK(!strcmp(st.release, "6.12.117+deb12-amd64") && st.nr_syms == 2 && st.has_btf);
	CHECK(mv_stamp_find(&st, "device_add", &s) == 0 && s.type_id && s.fp);
	CHECK(!mv_closure_fingerprint(&b.cl, mv_btf_symbol(&b.nx, "device_add"), &fp) &&
	      fp == s.fp);
	/* The embedded BTF holds the closure only, renumbered: fewer types than the original. */
	CHECK(st.btf.nr_types < b.btf.nr_types && st.btf.nr_types == 12);
	CHECK(mv_stamp_find(&st, "missing_sym", &s) == 1 && !s.type_id && !s.fp);
	CHECK(mv_stamp_find(&st, "nope", &s) == -1 && mv_stamp_sym(&st, 2, &s));
	/* The stamp's BTF diffs against a kernel's with the same function. */
	blob_init(&n);
	sn = build_world(&n, F_ENUM_ADD);
	CHECK(!load(&n, NULL));
	mv_stamp_find(&st, "device_add", &s);
	bytes = mv_diff_bytes(&st.btf, &n.btf);
	dmem = malloc(bytes);
	CHECK(mv_diff(&st.cl, s.type_id, &n.cl, sn, dmem, bytes, buf, sizeof(buf), collect, &g,
		      &why) == 1);
	text_is(&g, 0,
		"device_add(struct device *) -> struct device.power -> struct dev_pm_info.runtime_status: enum rpm_status gained RPM_BLOCKED=4");
	free(dmem);
	free(mem);

	/* Bad arguments to the builder. */
	wb = mv_stamp_work_bytes(&b.btf);
	mem = malloc(wb);
	CHECK(mv_stamp_size(&b.nx, &b.cl, "r", unsorted, 2, mem, wb, &size, &why) &&
	      !strcmp(why, "symbol names empty, unsorted or repeated"));
	CHECK(mv_stamp_size(&b.nx, &b.cl, "r", names, 2, mem, wb - 4, &size, &why));
	CHECK(!mv_stamp_size(&b.nx, &b.cl, "r", names, 0, mem, wb, &size, &why));
	free(mem);

	/* Every truncation is refused, and nothing is read past the end (ASan). */
	for (i = 0; i < len; i++)
		CHECK(open_copy(raw, i, &why));
	bad = malloc(len);
	memcpy(bad, raw, len);
	bad[0] ^= 1;
	rejected(bad, len,
		 "no stamp magic");
	memcpy(bad, raw, len);
	bad[4] = 2;
	rejected(bad, len,
		 "unsupported stamp version or header length");
	memcpy(bad, raw, len);
	poke32(bad + 8, len + 8);
	rejected(bad, len,
		 "stamp length out of range");
	memcpy(bad, raw, len);
	poke32(bad + 12, 2);
	rejected(bad, len,
		 "stamp of another fingerprint version");
	memcpy(bad, raw, len);
	poke32(bad + 20, 300);
	rejected(bad, len,
		 "release string out of range or not terminated");
	memcpy(bad, raw, len);
	bad[raw[16] + raw[20]] = 'x';
	rejected(bad, len,
		 "release string out of range or not terminated");
	memcpy(bad, raw, len);
	poke32(bad + 28, 1000);
	rejected(bad, len,
		 "records out of range");
	memcpy(bad, raw, len);
	poke32(bad + 36, 0);
	rejected(bad, len,
		 "names out of range or not terminated");
	memcpy(bad, raw, len);
	poke32(bad + 44, len);
	rejected(bad, len,
		 "embedded BTF out of range");
	memcpy(bad, raw, len);
	poke32(bad + 48, 9999);
	rejected(bad, len,
		 "record name out of range");
	memcpy(bad, raw, len);
	poke32(bad + 64, 0);
	rejected(bad, len,
		 "records not sorted by name, or a name repeated");
	memcpy(bad, raw, len);
	bad[48 + 16 + 8] = 1;
	rejected(bad, len,
		 "record without a type has a fingerprint");
	memcpy(bad, raw, len);
	bad[48 + 8] ^= 1;
	rejected(bad, len,
		 "a record's fingerprint does not match the embedded BTF");
	memcpy(bad, raw, len);
	poke32(bad + 48 + 4, 1);
	rejected(bad, len,
		 "record's type is no function or variable of its name");
	memcpy(bad, raw, len);
	poke32(bad + 40, raw[40] + 4);
	rejected(bad, len,
		 "no BTF magic");
	memcpy(bad, raw, len);
	poke32(bad + 44, 0);
	rejected(bad, len,
		 "record with a type but no embedded BTF");
	free(bad);
	free(raw);
	blob_free(&b);
	blob_free(&n);
}

int main(void)
{
	run("closure-enum-gained-additive", test_enum_gained);
	run("closure-enum-value-removed-kind", test_enum_value_removed);
	run("closure-trailing-member-class", test_trailing_member);
	run("closure-member-moved-retyped-removed-bitfield", test_members);
	run("closure-prototype-parameter-return", test_prototype);
	run("closure-kind-change-declarations", test_kind_and_declarations);
	run("closure-shortest-path-dedupe", test_dedupe_and_many);
	run("closure-renumbering-stable", test_renumbering);
	run("closure-callback-stops-buffer-cut", test_stop);
	run("closure-cycles", test_cycles);
	run("closure-malformed", test_malformed);
	run("closure-nesting-bound-order-independent", test_nesting_order);
	run("closure-split-btf", test_split);
	run("closure-stamp-round-trip-rejections", test_stamp);
	if (failures) {
		printf("unit_closure: %d failed\n", failures);
		return 1;
	}
	printf("unit_closure: ok\n");
	return 0;
}
