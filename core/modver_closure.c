// SPDX-License-Identifier: GPL-2.0
/*
 * Type closures from BTF: fingerprints and the root-change diff (modver_closure.h).
 *
 * The fingerprint, version 1 (MV_FP_VERSION).  Every value hashed is an integer; strings are
 * folded byte by byte; nothing depends on the machine's byte order, word size or type ids:
 *   mix(h, v)    = h ^= v; h *= 0x9e3779b97f4a7c15; h ^= h >> 29 (all modulo 2^64)
 *   str(h, s)    = mix over each byte of s, then mix(h, length)
 *   final(h)     = MurmurHash3's fmix64
 *   ref(t)       how a definition refers to type t: void 1; a node (named struct, union, enum,
 *                enum64, typedef) or a forward declaration: str(mix(seed, kind), name) with a
 *                forward declaration counted as the struct or union it declares; anything else:
 *                def(t)
 *   def(t)       the type's own definition: its kind, then by kind: int (name, size, encoding),
 *                float (name, size), pointer/const/volatile/restrict (ref(target)), type tag and
 *                typedef (name, ref(target)), array (element count, ref(element)), struct and
 *                union (name, size, member count, then each member's name, bit offset, bitfield
 *                width and ref(type)), enum and enum64 (name, size, signedness, count, each
 *                enumerator's name and 64-bit value), function prototype (parameter count,
 *                ref(return), each ref(parameter); parameter names are not ABI and not hashed),
 *                function and variable (name, ref(type)); forward declaration (name, kflag)
 *   fp(symbol)   = final(mix(mix(mix(str(seed, "modver-fp-1"), def(symbol)), S), N)) with N the
 *                number of distinct nodes the symbol reaches through any chain of definitions and
 *                S the sum modulo 2^64 of final(def(node)) over them: a set, so neither the order
 *                of types in the blob nor the order in which they are reached matters, and each
 *                named type's definition counts once however often it is reached, cycles included.
 * Forward declarations contribute no definition of their own: a type known only by a declaration
 * on one side and defined on the other gives different fingerprints (the defined side has one
 * definition more), but no root change in the diff (below).
 *
 * Workspace: per type id a u64 definition hash, a state byte, a u32 walk mark, a u32 work-list
 * slot and a u32 edge start, and the edges: each node's, function's and variable's direct node
 * references (through anonymous types), deduplicated, computed once by mv_closure_init().
 */
#include "modver_closure.h"

#define MV_FP_SEED		0xcbf29ce484222325ULL
#define MV_FP_MUL		0x9e3779b97f4a7c15ULL
#define MV_FP_VOID		1
#define MV_FP_BAD		2
#define MV_CL_DONE		2
#define MV_CL_BAD		3
#define MV_CL_DEF_MASK		3
/*
 * How deep definitions, renderings and the diff's expressions nest through anonymous types (a
 * struct in a union in a struct, a pointer to a const pointer...): real kernels stay far below;
 * the bound keeps the recursion within a few KiB of the kernel's 16 KiB stack.
 */
#define MV_CL_NEST		16
#define MV_CL_FP_DONE		0x10	/* in state: fp[] holds the closure's fingerprint */

static u64 mv_fp_mix(u64 h, u64 v)
{
	h ^= v;
	h *= MV_FP_MUL;
	return h ^ (h >> 29);
}

static u64 mv_fp_str(u64 h, const char *s)
{
	u64 n = 0;

	while (s[n])
		h = mv_fp_mix(h, (u8)s[n++]);
	return mv_fp_mix(h, n);
}

static u64 mv_fp_final(u64 h)
{
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ULL;
	return h ^ (h >> 33);
}

static u32 mv_cl_u32(const u8 *p)
{
	u32 v;

	memcpy(&v, p, sizeof(v));
	return v;
}

/* A node: what the closure identifies by kind and name. */
static bool mv_cl_is_node(const struct mv_btf_type *t)
{
	switch (t->kind) {
	case MV_BTF_KIND_STRUCT:
	case MV_BTF_KIND_UNION:
	case MV_BTF_KIND_ENUM:
	case MV_BTF_KIND_ENUM64:
	case MV_BTF_KIND_TYPEDEF:
		return t->name[0];
	default:
		return false;
	}
}

/* The kind a reference to @t names: a forward declaration names a struct or a union. */
static u8 mv_cl_ref_kind(const struct mv_btf_type *t)
{
	if (t->kind == MV_BTF_KIND_FWD)
		return t->kflag ? MV_BTF_KIND_UNION : MV_BTF_KIND_STRUCT;
	return t->kind;
}

/* Has the walk a source: a node, or a symbol (function, variable)? */
static bool mv_cl_is_source(const struct mv_btf_type *t)
{
	return mv_cl_is_node(t) || t->kind == MV_BTF_KIND_FUNC || t->kind == MV_BTF_KIND_VAR;
}

/* How many types @t refers to (mv_cl_child()); @all: with an array's index type. */
static u32 mv_cl_nchildren(const struct mv_btf_type *t, bool all)
{
	switch (t->kind) {
	case MV_BTF_KIND_PTR:
	case MV_BTF_KIND_TYPEDEF:
	case MV_BTF_KIND_CONST:
	case MV_BTF_KIND_VOLATILE:
	case MV_BTF_KIND_RESTRICT:
	case MV_BTF_KIND_TYPE_TAG:
	case MV_BTF_KIND_FUNC:
	case MV_BTF_KIND_VAR:
		return 1;
	case MV_BTF_KIND_ARRAY:
		return all ? 2 : 1;
	case MV_BTF_KIND_STRUCT:
	case MV_BTF_KIND_UNION:
		return t->vlen;
	case MV_BTF_KIND_FUNC_PROTO:
		return t->vlen + 1;
	default:
		return 0;
	}
}

/* The @i-th type @t refers to (records validated by mv_btf_open(): in bounds). */
static u32 mv_cl_child(const struct mv_btf_type *t, u32 i)
{
	const u8 *x = t->rec + MV_BTF_TYPE_SIZE;

	switch (t->kind) {
	case MV_BTF_KIND_ARRAY:
		return mv_cl_u32(x + 4 * i);
	case MV_BTF_KIND_STRUCT:
	case MV_BTF_KIND_UNION:
		return mv_cl_u32(x + (u64)i * 12 + 4);
	case MV_BTF_KIND_FUNC_PROTO:
		return i ? mv_cl_u32(x + (u64)(i - 1) * 8 + 4) : t->size_type;
	default:
		return t->size_type;
	}
}

static int mv_cl_def(struct mv_closure *cl, u32 id, unsigned int depth, u64 *out);

/*
 * ref(@id), as the comment at the top defines it.  *@ht is raised to the height of the anonymous
 * types below (1 + @id's own when @id is anonymous), so that a definition's nesting is a
 * property of the type, never of the walk that first computed it.
 */
static int mv_cl_ref(struct mv_closure *cl, u32 id, unsigned int depth, u64 *out, u8 *ht)
{
	struct mv_btf_type t;

	if (!id) {
		*out = MV_FP_VOID;
		return 0;
	}
	if (mv_btf_type(cl->btf, id, &t))
		return -1;
	if (mv_cl_is_node(&t) || t.kind == MV_BTF_KIND_FWD) {
		*out = mv_fp_str(mv_fp_mix(MV_FP_SEED, mv_cl_ref_kind(&t)), t.name);
		return 0;
	}
	if (mv_cl_def(cl, id, depth, out))
		return -1;
	if (cl->height[id] + 1 > *ht)
		*ht = cl->height[id] + 1;
	return 0;
}

/* def(@id), memoised; recursion only through anonymous types, at most MV_CL_NEST deep. */
static int mv_cl_def(struct mv_closure *cl, u32 id, unsigned int depth, u64 *out)
{
	struct mv_btf_type t;
	const u8 *x;
	u64 h, r;
	u32 i, n;
	u8 ht = 0;

	if ((cl->state[id] & MV_CL_DEF_MASK) == MV_CL_DONE) {
		if (depth + cl->height[id] > MV_CL_NEST)
			return -1;
		*out = cl->def[id];
		return 0;
	}
	if ((cl->state[id] & MV_CL_DEF_MASK) == MV_CL_BAD)
		return -1;
	if ((cl->state[id] & MV_CL_DEF_MASK) || depth > MV_CL_NEST ||
	    mv_btf_type(cl->btf, id, &t))
		goto bad;
	cl->state[id] |= 1;
	x = t.rec + MV_BTF_TYPE_SIZE;
	h = mv_fp_mix(MV_FP_SEED, t.kind);
	switch (t.kind) {
	case MV_BTF_KIND_INT:
		h = mv_fp_mix(mv_fp_mix(mv_fp_str(h, t.name), t.size_type), mv_cl_u32(x));
		break;
	case MV_BTF_KIND_FLOAT:
		h = mv_fp_mix(mv_fp_str(h, t.name), t.size_type);
		break;
	case MV_BTF_KIND_FWD:
		h = mv_fp_mix(mv_fp_str(h, t.name), t.kflag);
		break;
	case MV_BTF_KIND_ENUM:
	case MV_BTF_KIND_ENUM64:
		h = mv_fp_mix(mv_fp_mix(mv_fp_mix(mv_fp_str(h, t.name), t.size_type), t.kflag),
			      t.vlen);
		for (i = 0; i < t.vlen; i++) {
			const u8 *e = x + (u64)i * (t.kind == MV_BTF_KIND_ENUM ? 8 : 12);
			u64 v = mv_cl_u32(e + 4);

			if (t.kind == MV_BTF_KIND_ENUM64)
				v |= (u64)mv_cl_u32(e + 8) << 32;
			h = mv_fp_mix(mv_fp_str(h, mv_btf_str(cl->btf, mv_cl_u32(e))), v);
		}
		break;
	case MV_BTF_KIND_STRUCT:
	case MV_BTF_KIND_UNION:
		h = mv_fp_mix(mv_fp_mix(mv_fp_str(h, t.name), t.size_type), t.vlen);
		for (i = 0; i < t.vlen; i++) {
			struct mv_btf_member m;

			if (mv_btf_member(cl->btf, &t, i, &m) ||
			    mv_cl_ref(cl, m.type, depth + 1, &r, &ht))
				goto bad;
			h = mv_fp_mix(mv_fp_mix(mv_fp_mix(mv_fp_str(h, m.name), m.bit_offset),
						m.bitfield_size), r);
		}
		break;
	case MV_BTF_KIND_ARRAY:
		if (mv_cl_ref(cl, mv_cl_u32(x), depth + 1, &r, &ht))
			goto bad;
		h = mv_fp_mix(mv_fp_mix(h, mv_cl_u32(x + 8)), r);
		break;
	case MV_BTF_KIND_FUNC_PROTO:
		h = mv_fp_mix(h, t.vlen);
		n = mv_cl_nchildren(&t, false);
		for (i = 0; i < n; i++) {
			if (mv_cl_ref(cl, mv_cl_child(&t, i), depth + 1, &r, &ht))
				goto bad;
			h = mv_fp_mix(h, r);
		}
		break;
	case MV_BTF_KIND_TYPEDEF:
	case MV_BTF_KIND_TYPE_TAG:
	case MV_BTF_KIND_FUNC:
	case MV_BTF_KIND_VAR:
		if (mv_cl_ref(cl, t.size_type, depth + 1, &r, &ht))
			goto bad;
		h = mv_fp_mix(mv_fp_str(h, t.name), r);
		break;
	case MV_BTF_KIND_PTR:
	case MV_BTF_KIND_CONST:
	case MV_BTF_KIND_VOLATILE:
	case MV_BTF_KIND_RESTRICT:
		if (mv_cl_ref(cl, t.size_type, depth + 1, &r, &ht))
			goto bad;
		h = mv_fp_mix(h, r);
		break;
	default:	/* a data section or declaration tag: never part of a closure */
		goto bad;
	}
	cl->def[id] = h;
	cl->height[id] = ht;
	cl->state[id] = (cl->state[id] & ~MV_CL_DEF_MASK) | MV_CL_DONE;
	*out = h;
	return 0;
bad:
	/*
	 * Only a failure of the outermost call is the type's own (malformed, a cycle of anonymous
	 * types, nested deeper than MV_CL_NEST); deeper, it may be the walk's depth: forget it.
	 */
	if (id <= cl->btf->nr_types)
		cl->state[id] = (cl->state[id] & ~MV_CL_DEF_MASK) | (depth ? 0 : MV_CL_BAD);
	return -1;
}

/*
 * Put on the work list every type @id refers to that this walk has not seen (@all: also array
 * index types).  Each id is put there at most once per walk, so the list cannot overflow.
 */
static int mv_cl_push_children(struct mv_closure *cl, u32 id, bool all, u32 *top)
{
	struct mv_btf_type t;
	u32 i, n, c;

	if (mv_btf_type(cl->btf, id, &t))
		return -1;
	n = mv_cl_nchildren(&t, all);
	for (i = 0; i < n; i++) {
		c = mv_cl_child(&t, i);
		if (c > cl->btf->nr_types)
			return -1;
		if (!c || cl->mark[c] == cl->gen)
			continue;
		cl->mark[c] = cl->gen;
		cl->stack[(*top)++] = c;
	}
	return 0;
}

static void mv_cl_new_walk(struct mv_closure *cl)
{
	if (!++cl->gen) {
		memset(cl->mark, 0, ((u64)cl->btf->nr_types + 1) * sizeof(u32));
		cl->gen = 1;
	}
}

/*
 * The nodes @src refers to directly, through anonymous types: into @edges from @at (when @edges
 * is not NULL; never past @cap).  Return: how many, or -1 for malformed BTF.
 */
static s64 mv_cl_direct(struct mv_closure *cl, u32 src, u32 *edges, u64 at, u64 cap)
{
	struct mv_btf_type t;
	u32 top = 0, id;
	u64 n = 0;

	mv_cl_new_walk(cl);
	cl->mark[src] = cl->gen;
	if (mv_cl_push_children(cl, src, false, &top))
		return -1;
	while (top) {
		id = cl->stack[--top];
		if (mv_btf_type(cl->btf, id, &t))
			return -1;
		if (mv_cl_is_node(&t)) {
			if (edges) {
				if (at + n >= cap)
					return -1;
				edges[at + n] = id;
			}
			n++;
			continue;
		}
		if (mv_cl_push_children(cl, id, false, &top))
			return -1;
	}
	return n;
}

/* Bytes of the per-type arrays, without the edges. */
static u64 mv_cl_fixed_bytes(const struct mv_btf *btf)
{
	u64 n = (u64)btf->nr_types + 2;

	return (n * (2 * sizeof(u64) + 4 * sizeof(u32) + 2) + 16 + 7) & ~(u64)7;
}

/*
 * The edges mv_closure_init() may store: every child slot of every type, and one per type (an
 * upper bound in BTF where no anonymous type is shared between two sources; real BTF shares only
 * small ones).
 */
static u64 mv_cl_edge_cap(const struct mv_btf *btf)
{
	struct mv_btf_type t;
	u64 n = 0;
	u32 id;

	for (id = 1; id <= btf->nr_types; id++)
		if (!mv_btf_type(btf, id, &t))
			n += mv_cl_nchildren(&t, false);
	return n + btf->nr_types + 64;
}

/**
 * mv_closure_bytes() - workspace mv_closure_init() wants for a BTF
 * @btf: indexed (split BTF: with its base's types)
 *
 * About 25 bytes per type plus 4 per reference: under 10 MiB for a distribution's vmlinux.
 *
 * Return: the size in bytes.
 */
u64 mv_closure_bytes(const struct mv_btf *btf)
{
	return mv_cl_fixed_bytes(btf) + mv_cl_edge_cap(btf) * sizeof(u32);
}

/**
 * mv_closure_init() - set up closure walks over a BTF
 * @cl: the workspace's handle
 * @btf: indexed by mv_btf_index(); kept, unchanged, while @cl is used
 * @mem: mv_closure_bytes(@btf) bytes, 8-byte aligned; kept while @cl is used
 * @bytes: their size
 *
 * Computes every node's and symbol's direct node references once (two walks over the types).
 *
 * Return: 0, or -1 for too little memory or BTF whose references cannot be followed.
 */
int mv_closure_init(struct mv_closure *cl, const struct mv_btf *btf, void *mem, u64 bytes)
{
	u64 n = (u64)btf->nr_types + 2, cap, at = 0;
	struct mv_btf_type t;
	u8 *p = mem;
	s64 got;
	u32 id;

	memset(cl, 0, sizeof(*cl));
	if (!mem || ((unsigned long)mem & 7) || bytes < mv_cl_fixed_bytes(btf))
		return -1;
	cap = (bytes - mv_cl_fixed_bytes(btf)) / sizeof(u32);
	cl->btf = btf;
	cl->def = (u64 *)p;
	cl->fp = cl->def + n;
	cl->mark = (u32 *)(cl->fp + n);
	cl->stack = cl->mark + n;
	cl->edge_start = cl->stack + n;
	cl->fmark = cl->edge_start + n;
	cl->state = (u8 *)(cl->fmark + n);
	cl->height = cl->state + n;
	cl->edges = (u32 *)(p + mv_cl_fixed_bytes(btf));
	memset(cl->mark, 0, n * sizeof(u32));
	memset(cl->fmark, 0, n * sizeof(u32));
	memset(cl->state, 0, n);
	for (id = 1; id <= btf->nr_types; id++) {
		cl->edge_start[id] = at;
		if (mv_btf_type(btf, id, &t))
			return -1;
		if (!mv_cl_is_source(&t))
			continue;
		got = mv_cl_direct(cl, id, cl->edges, at, cap);
		if (got < 0)
			return -1;
		at += got;
		if (!(id & 0xfff))
			mv_resched();
	}
	cl->edge_start[btf->nr_types + 1] = at;
	cl->edge_start[0] = 0;
	cl->nr_edges = at;
	return 0;
}

/**
 * mv_closure_fingerprint() - the canonical fingerprint of a symbol's type closure
 * @cl: set up by mv_closure_init()
 * @sym_id: the symbol's FUNC or VAR (or a node: a named struct, union, enum or typedef)
 * @fp: the fingerprint (MV_FP_VERSION; defined at the top of this file)
 *
 * Return: 0, or -1 for a bad id or malformed BTF on the way.
 */
int mv_closure_fingerprint(struct mv_closure *cl, u32 sym_id, u64 *fp)
{
	u64 h, d, sum = 0, count = 0;
	struct mv_btf_type t;
	u32 top = 0, id, e;

	if (mv_btf_type(cl->btf, sym_id, &t) || !mv_cl_is_source(&t) ||
	    mv_cl_def(cl, sym_id, 0, &h))
		return -1;
	if (cl->state[sym_id] & MV_CL_FP_DONE) {
		*fp = cl->fp[sym_id];
		return 0;
	}
	h = mv_fp_mix(mv_fp_str(MV_FP_SEED, "modver-fp-1"), h);
	if (!++cl->fgen) {
		memset(cl->fmark, 0, ((u64)cl->btf->nr_types + 1) * sizeof(u32));
		cl->fgen = 1;
	}
	cl->fmark[sym_id] = cl->fgen;
	cl->stack[top++] = sym_id;
	while (top) {
		id = cl->stack[--top];
		if (mv_btf_type(cl->btf, id, &t))
			return -1;
		if (mv_cl_is_node(&t)) {
			if (mv_cl_def(cl, id, 0, &d))
				return -1;
			sum += mv_fp_final(d);
			count++;
		}
		for (e = cl->edge_start[id]; e < cl->edge_start[id + 1]; e++) {
			u32 c = cl->edges[e];

			if (cl->fmark[c] != cl->fgen) {
				cl->fmark[c] = cl->fgen;
				cl->stack[top++] = c;
			}
		}
	}
	*fp = mv_fp_final(mv_fp_mix(mv_fp_mix(h, sum), count));
	cl->fp[sym_id] = *fp;
	cl->state[sym_id] |= MV_CL_FP_DONE;
	return 0;
}

/**
 * mv_closure_visit() - every type id of a symbol's closure, for copying it (stamps)
 * @cl: set up by mv_closure_init()
 * @sym_id: the symbol's FUNC or VAR
 * @fn: called once per type id reached (the symbol's own, anonymous types, forward declarations
 *	and array index types included); a non-zero return stops the walk and is returned
 * @arg: for @fn
 *
 * Return: 0, what @fn returned, or -1 for a bad id or malformed BTF.
 */
int mv_closure_visit(struct mv_closure *cl, u32 sym_id, int (*fn)(void *arg, u32 id), void *arg)
{
	u32 top = 0, id;
	int r;

	if (!sym_id || sym_id > cl->btf->nr_types)
		return -1;
	mv_cl_new_walk(cl);
	cl->mark[sym_id] = cl->gen;
	cl->stack[top++] = sym_id;
	while (top) {
		id = cl->stack[--top];
		r = fn(arg, id);
		if (r)
			return r;
		if (mv_cl_push_children(cl, id, true, &top))
			return -1;
	}
	return 0;
}

/* Rendering into a caller's buffer: always NUL-terminated, silently truncated. */
struct mv_out {
	char *buf;
	size_t size;
	size_t len;
};

static __printf(2, 3) void mv_out(struct mv_out *o, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (!o->size || o->len >= o->size - 1)
		return;
	va_start(ap, fmt);
	n = vsnprintf(o->buf + o->len, o->size - o->len, fmt, ap);
	va_end(ap);
	if (n > 0)
		o->len = o->len + n < o->size - 1 ? o->len + n : o->size - 1;
}

static bool mv_out_full(const struct mv_out *o)
{
	return !o->size || o->len >= o->size - 1;
}

static const char *mv_cl_tag(u8 kind)
{
	switch (kind) {
	case MV_BTF_KIND_STRUCT:
		return "struct ";
	case MV_BTF_KIND_UNION:
		return "union ";
	case MV_BTF_KIND_ENUM:
	case MV_BTF_KIND_ENUM64:
		return "enum ";
	default:
		return "";
	}
}

static void mv_render(const struct mv_btf *btf, u32 id, struct mv_out *o, unsigned int depth);

/* "(int, struct device *)" */
static void mv_render_params(const struct mv_btf *btf, const struct mv_btf_type *p,
			     struct mv_out *o, unsigned int depth)
{
	u32 i, ty;

	mv_out(o, "(");
	if (!p->vlen)
		mv_out(o, "void");
	for (i = 0; i < p->vlen && !mv_out_full(o); i++) {
		ty = mv_cl_child(p, i + 1);
		if (i)
			mv_out(o, ", ");
		if (!ty && i == p->vlen - 1)
			mv_out(o, "...");
		else
			mv_render(btf, ty, o, depth + 1);
	}
	mv_out(o, ")");
}

/* A type as C would mostly write it: "struct device *", "void (*)(int)", "char[16]". */
static void mv_render(const struct mv_btf *btf, u32 id, struct mv_out *o, unsigned int depth)
{
	struct mv_btf_type t, p;

	if (!id) {
		mv_out(o, "void");
		return;
	}
	if (depth > MV_CL_NEST || mv_out_full(o) || mv_btf_type(btf, id, &t)) {
		mv_out(o, "?");
		return;
	}
	switch (t.kind) {
	case MV_BTF_KIND_PTR:
		if (!mv_btf_type(btf, t.size_type, &p) && p.kind == MV_BTF_KIND_FUNC_PROTO) {
			mv_render(btf, p.size_type, o, depth + 1);
			mv_out(o, " (*)");
			mv_render_params(btf, &p, o, depth);
			return;
		}
		mv_render(btf, t.size_type, o, depth + 1);
		mv_out(o, o->len && o->buf[o->len - 1] == '*' ? "*" : " *");
		return;
	case MV_BTF_KIND_CONST:
	case MV_BTF_KIND_VOLATILE:
		if (!mv_btf_type(btf, t.size_type, &p) && p.kind == MV_BTF_KIND_PTR) {
			mv_render(btf, t.size_type, o, depth + 1);
			mv_out(o, t.kind == MV_BTF_KIND_CONST ? " const" : " volatile");
			return;
		}
		mv_out(o, t.kind == MV_BTF_KIND_CONST ? "const " : "volatile ");
		mv_render(btf, t.size_type, o, depth + 1);
		return;
	case MV_BTF_KIND_RESTRICT:
	case MV_BTF_KIND_TYPE_TAG:
		mv_render(btf, t.size_type, o, depth + 1);
		return;
	case MV_BTF_KIND_ARRAY:
		mv_render(btf, mv_cl_child(&t, 0), o, depth + 1);
		mv_out(o, "[%u]", mv_cl_u32(t.rec + MV_BTF_TYPE_SIZE + 8));
		return;
	case MV_BTF_KIND_FUNC_PROTO:
		mv_render(btf, t.size_type, o, depth + 1);
		mv_out(o, " ");
		mv_render_params(btf, &t, o, depth);
		return;
	case MV_BTF_KIND_FUNC:
		if (!mv_btf_type(btf, t.size_type, &p) && p.kind == MV_BTF_KIND_FUNC_PROTO) {
			mv_out(o, "%s", t.name);
			mv_render_params(btf, &p, o, depth);
			return;
		}
		mv_out(o, "%s", t.name);
		return;
	case MV_BTF_KIND_VAR:
		mv_out(o, "%s (", t.name);
		mv_render(btf, t.size_type, o, depth + 1);
		mv_out(o, ")");
		return;
	case MV_BTF_KIND_FWD:
		mv_out(o, "%s%s", t.kflag ? "union " : "struct ", t.name);
		return;
	case MV_BTF_KIND_STRUCT:
	case MV_BTF_KIND_UNION:
	case MV_BTF_KIND_ENUM:
	case MV_BTF_KIND_ENUM64:
		mv_out(o, "%s%s", mv_cl_tag(t.kind), t.name[0] ? t.name : "{...}");
		return;
	default:
		mv_out(o, "%s", t.name);
		return;
	}
}

/**
 * mv_type_name() - a type rendered as C mostly writes it, for messages
 * @btf: indexed BTF
 * @id: the type
 * @buf: gets the text, NUL-terminated, truncated to @size
 * @size: its size
 *
 * Return: the length written.
 */
int mv_type_name(const struct mv_btf *btf, u32 id, char *buf, size_t size)
{
	struct mv_out o = { buf, size, 0 };

	if (size)
		buf[0] = '\0';
	mv_render(btf, id, &o, 0);
	return o.len;
}

static const char *const mv_change_kind_names[MV_CHANGE_COUNT] = {
	[MV_CHANGE_MEMBER_ADDED] = "member-added",
	[MV_CHANGE_MEMBER_REMOVED] = "member-removed",
	[MV_CHANGE_MEMBER_RETYPED] = "member-retyped",
	[MV_CHANGE_MEMBER_MOVED] = "member-moved",
	[MV_CHANGE_BITFIELD] = "bitfield",
	[MV_CHANGE_SIZE] = "size",
	[MV_CHANGE_ENUM_ADDED] = "enumerator-added",
	[MV_CHANGE_ENUM_REMOVED] = "enumerator-removed",
	[MV_CHANGE_ENUM_VALUE] = "enumerator-value",
	[MV_CHANGE_PARAM_ADDED] = "parameter-added",
	[MV_CHANGE_PARAM_REMOVED] = "parameter-removed",
	[MV_CHANGE_PARAM_RETYPED] = "parameter-retyped",
	[MV_CHANGE_RETURN] = "return-type",
	[MV_CHANGE_KIND] = "kind",
	[MV_CHANGE_TYPEDEF] = "type",
	[MV_CHANGE_ENCODING] = "encoding",
	[MV_CHANGE_NO_BTF] = "no-btf",
};

/**
 * mv_change_kind_name() - a change kind in one word, for messages and JSON
 * @kind: enum mv_change_kind
 *
 * Return: a static string.
 */
const char *mv_change_kind_name(enum mv_change_kind kind)
{
	return (unsigned int)kind < MV_CHANGE_COUNT ? mv_change_kind_names[kind] : "unknown";
}

/**
 * mv_change_class_name() - "additive" or "layout-changing"
 * @cls: enum mv_change_class
 *
 * Return: a static string.
 */
const char *mv_change_class_name(enum mv_change_class cls)
{
	return cls == MV_CLASS_ADDITIVE ? "additive" : "layout-changing";
}

/*
 * The diff.  Both closures are walked together, breadth first from the symbol, as pairs of nodes
 * matched by kind and name (a struct and a union of one name, or an enum and an enum64, are still
 * a pair: their root change is the kind).  Each pair is compared once: its own definition only,
 * anonymous types inline, named types referred to by name; the pairs that definition reaches are
 * queued.  Breadth first, the first time a pair is reached is by a shortest path, which each queue
 * entry keeps as its parent and the member names of the last hop.
 *
 * Declarations: a forward declaration on either side matches a struct or union of its name and is
 * never a change; the walk does not go through it (there is no definition to compare).
 */
#define MV_DIFF_LABELS		3	/* member names kept per hop (anonymous members skipped) */
#define MV_DIFF_PATH_MAX	32	/* hops rendered; longer paths lose hops in the middle */

struct mv_dq {
	u32 o, n;
	u32 parent;
	u8 nlabel;
	u8 via_ptr;
	const char *label[MV_DIFF_LABELS];
};

struct mv_diff_ctx {
	struct mv_closure *oc, *nc;
	const struct mv_btf *ob, *nb;
	struct mv_dq *q;
	u32 cap, tail, cur;
	const char *label[MV_DIFF_LABELS];
	unsigned int nlabel;
	bool by_ptr;		/* the expression walked is behind a pointer */
	bool additive;		/* the current definition's changes have the additive shape */
	bool cur_typedef;
	char *buf;
	size_t size;
	/*
	 * Scratch for a report's pieces (subject, old and new type), filled while its arguments
	 * are evaluated and read at once: never held across the recursion, which keeps the
	 * recursive frames small (the kernel's stack is 16 KiB).
	 */
	char s[192], a[192], b[192];
	mv_change_fn fn;
	void *arg;
	int stop;
	int count;
	bool bad;
};

/*
 * The class of a root change (also in docs/internals.md, "Explaining a mismatch").  A change is
 * ADDITIVE when, and only when, one of these holds; everything else is LAYOUT-changing:
 *  - an enumerator added to an enum (or enum64) whose old enumerators are all still there, in
 *    the same order, first, with the same values, and whose size and signedness did not change;
 *  - a member added to a named struct (not a union, not an anonymous struct inside another type)
 *    whose old members all keep their name, order, offset, bitfield width and type, every added
 *    member lying at or after the struct's old end, the struct not shrinking; and the struct is
 *    reached on the reported (shortest) path through a pointer (a typedef of it counts as the
 *    struct): code built against the old definition that only holds pointers to it sees every
 *    old member where it was.  The struct's growth in size is then additive too.
 * Not claimed: that no user allocates, embeds or copies the type by value elsewhere (an
 * embedding named type then changes its own layout and is reported as a layout change itself),
 * nor that the new member or enumerator is harmless to old code.  It is a claim about layout,
 * never a promise of safety.
 */
static enum mv_change_class mv_diff_classify(const struct mv_diff_ctx *c, enum mv_change_kind kind)
{
	switch (kind) {
	case MV_CHANGE_ENUM_ADDED:
	case MV_CHANGE_MEMBER_ADDED:
	case MV_CHANGE_SIZE:
		return c->additive ? MV_CLASS_ADDITIVE : MV_CLASS_LAYOUT;
	default:
		return MV_CLASS_LAYOUT;
	}
}

/*
 * The path to the current entry: "sym(args) -> struct a.m -> struct b.n" (without the changed
 * type, which the change's own text names).
 */
static void mv_diff_path(struct mv_diff_ctx *c, struct mv_out *o)
{
	u32 chain[MV_DIFF_PATH_MAX], n = 0, e = c->cur, i, k;
	const struct mv_dq *d;
	bool cut = false;

	while (e) {
		if (n == MV_DIFF_PATH_MAX) {
			cut = true;
			n--;	/* keep the hops nearest the change, and the first */
		}
		chain[n++] = e;
		e = c->q[e].parent;
	}
	mv_render(c->ob, c->q[0].o, o, 0);
	/* chain[n - 1] is the first hop after the symbol, chain[0] the changed type. */
	for (i = n; i-- > 1;) {
		if (cut && i == n - 2)
			mv_out(o, " -> ...");
		d = &c->q[chain[i]];
		mv_out(o, " -> ");
		mv_render(c->ob, d->o, o, 0);
		d = &c->q[chain[i - 1]];
		for (k = 0; k < d->nlabel && k < MV_DIFF_LABELS; k++)
			mv_out(o, ".%s", d->label[k]);
		if (d->nlabel > MV_DIFF_LABELS)
			mv_out(o, "...");
	}
}

/* "struct foo.a.b" for the current entry and labels; the symbol alone has no subject. */
static void mv_diff_subject(struct mv_diff_ctx *c, struct mv_out *o, const char *member)
{
	unsigned int k;

	if (c->cur)
		mv_render(c->ob, c->q[c->cur].o, o, 0);
	for (k = 0; k < c->nlabel && k < MV_DIFF_LABELS; k++)
		mv_out(o, "%s%s", c->cur || k ? "." : "", c->label[k]);
	if (member && member[0])
		mv_out(o, "%s%s", c->cur || c->nlabel ? "." : "", member);
}

static __printf(6, 7) void mv_diff_report(struct mv_diff_ctx *c, enum mv_change_kind kind,
					  const char *item, s64 oldv, s64 newv,
					  const char *fmt, ...)
{
	struct mv_out o = { c->buf, c->size, 0 };
	struct mv_change ch;
	va_list ap;
	u32 e;
	int n;

	if (c->stop)
		return;
	if (c->size)
		c->buf[0] = '\0';
	mv_diff_path(c, &o);
	mv_out(&o, ": ");
	if (!mv_out_full(&o)) {
		va_start(ap, fmt);
		n = vsnprintf(o.buf + o.len, o.size - o.len, fmt, ap);
		va_end(ap);
		if (n > 0)
			o.len = o.len + n < o.size - 1 ? o.len + n : o.size - 1;
	}
	memset(&ch, 0, sizeof(ch));
	ch.kind = kind;
	ch.cls = mv_diff_classify(c, kind);
	ch.old_type = c->q[c->cur].o;
	ch.new_type = c->q[c->cur].n;
	ch.item = item ? item : "";
	ch.old_value = oldv;
	ch.new_value = newv;
	for (e = c->cur; e; e = c->q[e].parent)
		ch.hops++;
	ch.text = c->buf;
	c->count++;
	c->stop = c->fn(c->arg, &ch);
}

/* Render the subject into a small buffer for the report's format. */
static const char *mv_diff_subj(struct mv_diff_ctx *c, const char *member, char *buf, size_t size)
{
	struct mv_out o = { buf, size, 0 };

	buf[0] = '\0';
	mv_diff_subject(c, &o, member);
	return buf;
}

static const char *mv_diff_tname(const struct mv_btf *btf, u32 id, char *buf, size_t size)
{
	mv_type_name(btf, id, buf, size);
	return buf;
}

static void mv_diff_enqueue(struct mv_diff_ctx *c, u32 o, u32 n)
{
	struct mv_dq *d;
	unsigned int k;

	u64 fo, fn;

	if (c->oc->mark[o] == c->oc->gen || c->nc->mark[n] == c->nc->gen)
		return;
	/* Equal closures hold no root change: nothing to walk there. */
	if (!mv_closure_fingerprint(c->oc, o, &fo) && !mv_closure_fingerprint(c->nc, n, &fn) &&
	    fo == fn)
		return;
	if (c->tail >= c->cap) {
		c->bad = true;
		return;
	}
	c->oc->mark[o] = c->oc->gen;
	c->nc->mark[n] = c->nc->gen;
	d = &c->q[c->tail++];
	d->o = o;
	d->n = n;
	d->parent = c->cur;
	d->nlabel = c->nlabel < 255 ? c->nlabel : 255;
	for (k = 0; k < MV_DIFF_LABELS; k++)
		d->label[k] = k < c->nlabel ? c->label[k] : "";
	d->via_ptr = c->by_ptr || (c->cur_typedef && c->q[c->cur].via_ptr);
}

static void mv_diff_push(struct mv_diff_ctx *c, const char *name)
{
	if (c->nlabel < MV_DIFF_LABELS)
		c->label[c->nlabel] = name;
	c->nlabel++;
}

static bool mv_diff_expr(struct mv_diff_ctx *c, u32 o, u32 n, unsigned int depth);
static void mv_diff_composite(struct mv_diff_ctx *c, const struct mv_btf_type *to,
			      const struct mv_btf_type *tn, unsigned int depth);
static void mv_diff_enum(struct mv_diff_ctx *c, const struct mv_btf_type *to,
			 const struct mv_btf_type *tn, unsigned int depth);

/* ref() of both sides equal: the same expression, named types by name. */
static bool mv_diff_same_ref(struct mv_diff_ctx *c, u32 o, u32 n)
{
	u64 a, b;

	u8 ha = 0, hb = 0;

	if (mv_cl_ref(c->oc, o, 0, &a, &ha) || mv_cl_ref(c->nc, n, 0, &b, &hb)) {
		c->bad = true;
		return false;
	}
	return a == b;
}

/* def() of both sides equal: the same own definition (a fast path; no change to report). */
static bool mv_diff_same_def(struct mv_diff_ctx *c, u32 o, u32 n)
{
	u64 a, b;

	return !mv_cl_def(c->oc, o, 0, &a) && !mv_cl_def(c->nc, n, 0, &b) && a == b;
}

/* A prototype's return and parameters; parameters aligned by their common prefix and suffix. */
static void mv_diff_proto(struct mv_diff_ctx *c, const struct mv_btf_type *po,
			  const struct mv_btf_type *pn, unsigned int depth)
{
	u32 vo = po->vlen, vn = pn->vlen, pre = 0, suf = 0, i, mo, mn;
	bool saved = c->by_ptr;

	c->by_ptr = false;
	if (!mv_diff_expr(c, po->size_type, pn->size_type, depth + 1))
		mv_diff_report(c, MV_CHANGE_RETURN, "", 0, 0, "%s%sreturn type %s -> %s",
			       mv_diff_subj(c, NULL, c->s, sizeof(c->s)),
			       c->cur || c->nlabel ? ": " : "",
			       mv_diff_tname(c->ob, po->size_type, c->a, sizeof(c->a)),
			       mv_diff_tname(c->nb, pn->size_type, c->b, sizeof(c->b)));
	while (pre < vo && pre < vn && mv_diff_same_ref(c, mv_cl_child(po, pre + 1),
							mv_cl_child(pn, pre + 1)))
		pre++;
	while (suf < vo - pre && suf < vn - pre &&
	       mv_diff_same_ref(c, mv_cl_child(po, vo - suf), mv_cl_child(pn, vn - suf)))
		suf++;
	for (i = 0; i < pre && !c->stop; i++)
		mv_diff_expr(c, mv_cl_child(po, i + 1), mv_cl_child(pn, i + 1), depth + 1);
	for (i = 0; i < suf && !c->stop; i++)
		mv_diff_expr(c, mv_cl_child(po, vo - i), mv_cl_child(pn, vn - i), depth + 1);
	mo = vo - pre - suf;
	mn = vn - pre - suf;
	for (i = 0; i < mo || i < mn; i++) {
		u32 to = mv_cl_child(po, pre + i + 1), tn = mv_cl_child(pn, pre + i + 1);

		if (c->stop || c->bad)
			break;
		if (i < mo && i < mn && mv_diff_expr(c, to, tn, depth + 1))
			continue;
		mv_diff_subj(c, NULL, c->s, sizeof(c->s));
		if (i < mo && i < mn)
			mv_diff_report(c, MV_CHANGE_PARAM_RETYPED, "", pre + i + 1, pre + i + 1,
				       "%s%sparameter %u retyped: %s -> %s", c->s,
				       c->s[0] ? ": " : "", pre + i + 1,
				       mv_diff_tname(c->ob, to, c->a, sizeof(c->a)),
				       mv_diff_tname(c->nb, tn, c->b, sizeof(c->b)));
		else if (i < mo)
			mv_diff_report(c, MV_CHANGE_PARAM_REMOVED, "", pre + i + 1, 0,
				       "%s%slost parameter %u: %s", c->s, c->s[0] ? ": " : "",
				       pre + i + 1, mv_diff_tname(c->ob, to, c->a, sizeof(c->a)));
		else
			mv_diff_report(c, MV_CHANGE_PARAM_ADDED, "", 0, pre + i + 1,
				       "%s%sgained parameter %u: %s", c->s, c->s[0] ? ": " : "",
				       pre + i + 1, mv_diff_tname(c->nb, tn, c->b, sizeof(c->b)));
	}
	c->by_ptr = saved;
}

/* Is @t a reference by name: a node, or a forward declaration? */
static bool mv_diff_is_ref(const struct mv_btf_type *t)
{
	return mv_cl_is_node(t) || t->kind == MV_BTF_KIND_FWD;
}

/* Same kind family for matching by name: tags (struct, union, enum, declarations) or typedefs. */
static bool mv_diff_same_space(const struct mv_btf_type *a, const struct mv_btf_type *b)
{
	return (a->kind == MV_BTF_KIND_TYPEDEF) == (b->kind == MV_BTF_KIND_TYPEDEF);
}

/*
 * Compare two type expressions (a member's, a parameter's...).  Named types on both sides with
 * one name are queued as a pair; anonymous structs, unions, enums and prototypes are compared in
 * place, their changes reported under the current labels.  Return: false when the expression
 * itself differs (the caller reports a retype).
 */
static bool mv_diff_expr(struct mv_diff_ctx *c, u32 o, u32 n, unsigned int depth)
{
	struct mv_btf_type to, tn;
	bool saved, r;

	if (!o || !n)
		return !o && !n;
	if (depth > MV_CL_NEST || mv_btf_type(c->ob, o, &to) || mv_btf_type(c->nb, n, &tn)) {
		c->bad = true;
		return false;
	}
	if (mv_diff_is_ref(&to) || mv_diff_is_ref(&tn)) {
		if (!mv_diff_is_ref(&to) || !mv_diff_is_ref(&tn) || strcmp(to.name, tn.name) ||
		    !mv_diff_same_space(&to, &tn))
			return false;
		if (to.kind == MV_BTF_KIND_FWD || tn.kind == MV_BTF_KIND_FWD)
			return to.kind != MV_BTF_KIND_FWD || tn.kind != MV_BTF_KIND_FWD ||
			       to.kflag == tn.kflag;
		mv_diff_enqueue(c, o, n);
		return true;
	}
	if (to.kind != tn.kind)
		return false;
	switch (to.kind) {
	case MV_BTF_KIND_INT:
		return !strcmp(to.name, tn.name) && to.size_type == tn.size_type &&
		       mv_cl_u32(to.rec + MV_BTF_TYPE_SIZE) == mv_cl_u32(tn.rec + MV_BTF_TYPE_SIZE);
	case MV_BTF_KIND_FLOAT:
		return !strcmp(to.name, tn.name) && to.size_type == tn.size_type;
	case MV_BTF_KIND_PTR:
		saved = c->by_ptr;
		c->by_ptr = true;
		r = mv_diff_expr(c, to.size_type, tn.size_type, depth + 1);
		c->by_ptr = saved;
		return r;
	case MV_BTF_KIND_TYPE_TAG:
		r = mv_diff_expr(c, to.size_type, tn.size_type, depth + 1);
		return r && !strcmp(to.name, tn.name);
	case MV_BTF_KIND_CONST:
	case MV_BTF_KIND_VOLATILE:
	case MV_BTF_KIND_RESTRICT:
		return mv_diff_expr(c, to.size_type, tn.size_type, depth + 1);
	case MV_BTF_KIND_ARRAY:
		r = mv_diff_expr(c, mv_cl_child(&to, 0), mv_cl_child(&tn, 0), depth + 1);
		return r && mv_cl_u32(to.rec + MV_BTF_TYPE_SIZE + 8) ==
			    mv_cl_u32(tn.rec + MV_BTF_TYPE_SIZE + 8);
	case MV_BTF_KIND_FUNC_PROTO:
		mv_diff_proto(c, &to, &tn, depth + 1);
		return true;
	case MV_BTF_KIND_STRUCT:
	case MV_BTF_KIND_UNION:
		mv_diff_composite(c, &to, &tn, depth + 1);
		return true;
	case MV_BTF_KIND_ENUM:
	case MV_BTF_KIND_ENUM64:
		mv_diff_enum(c, &to, &tn, depth + 1);
		return true;
	default:	/* a function, variable, data section or tag is no C type: malformed */
		c->bad = true;
		return false;
	}
}

/* The member of @t named @name, looked for first at @hint: its index, or @t->vlen. */
static u32 mv_diff_find_member(const struct mv_btf *btf, const struct mv_btf_type *t,
			       const char *name, u32 hint, struct mv_btf_member *m)
{
	u32 i;

	if (hint < t->vlen && !mv_btf_member(btf, t, hint, m) && !strcmp(m->name, name))
		return hint;
	for (i = 0; i < t->vlen; i++)
		if (!mv_btf_member(btf, t, i, m) && !strcmp(m->name, name))
			return i;
	return t->vlen;
}

/* The @k-th anonymous member of @t: its index, or @t->vlen. */
static u32 mv_diff_find_anon(const struct mv_btf *btf, const struct mv_btf_type *t, u32 k,
			     struct mv_btf_member *m)
{
	u32 i;

	for (i = 0; i < t->vlen; i++)
		if (!mv_btf_member(btf, t, i, m) && !m->name[0] && !k--)
			return i;
	return t->vlen;
}

/* Are the changes of struct @to -> @tn only members appended after its old end? */
static bool mv_diff_appended(struct mv_diff_ctx *c, const struct mv_btf_type *to,
			     const struct mv_btf_type *tn)
{
	struct mv_btf_member a, b;
	u32 i;

	if (to->kind != MV_BTF_KIND_STRUCT || tn->vlen < to->vlen || tn->size_type < to->size_type)
		return false;
	for (i = 0; i < tn->vlen; i++) {
		if (mv_btf_member(c->nb, tn, i, &b))
			return false;
		if (i >= to->vlen) {
			if (b.bit_offset < (u64)to->size_type * 8)
				return false;
			continue;
		}
		if (mv_btf_member(c->ob, to, i, &a) || strcmp(a.name, b.name) ||
		    a.bit_offset != b.bit_offset || a.bitfield_size != b.bitfield_size ||
		    !mv_diff_same_ref(c, a.type, b.type))
			return false;
	}
	return true;
}

static void mv_diff_where(char *buf, size_t size, u32 bits)
{
	if (bits % 8)
		snprintf(buf, size, "bit %u", bits);
	else
		snprintf(buf, size, "byte %u", bits / 8);
}

/* A struct's or union's own definition (@depth > 0: an anonymous one inside it). */
static void mv_diff_composite(struct mv_diff_ctx *c, const struct mv_btf_type *to,
			      const struct mv_btf_type *tn, unsigned int depth)
{
	char w1[16], w2[16];
	bool saved_add = c->additive, saved_ptr = c->by_ptr;
	unsigned int nlabel = c->nlabel;
	struct mv_btf_member mo, mn;
	u32 i, j, k, anon = 0, delta;
	bool additive;

	if (depth > MV_CL_NEST) {
		c->bad = true;
		return;
	}
	if (mv_diff_same_def(c, to->id, tn->id)) {
		/* Nothing of its own changed: only queue the pairs its members reach. */
		for (i = 0; i < to->vlen && i < tn->vlen && !c->stop && !c->bad; i++) {
			if (mv_btf_member(c->ob, to, i, &mo) || mv_btf_member(c->nb, tn, i, &mn)) {
				c->bad = true;
				break;
			}
			if (mo.name[0])
				mv_diff_push(c, mo.name);
			c->by_ptr = false;
			mv_diff_expr(c, mo.type, mn.type, depth + 1);
			c->nlabel = nlabel;
		}
		c->by_ptr = saved_ptr;
		return;
	}
	additive = !depth && c->q[c->cur].via_ptr && mv_diff_appended(c, to, tn);
	c->additive = additive;
	c->by_ptr = false;
	if (to->size_type != tn->size_type)
		mv_diff_report(c, MV_CHANGE_SIZE, "", to->size_type, tn->size_type,
			       "%s %s from %u to %u bytes",
			       mv_diff_subj(c, NULL, c->s, sizeof(c->s)),
			       tn->size_type > to->size_type ? "grew" : "shrank",
			       to->size_type, tn->size_type);
	delta = tn->vlen - to->vlen;
	for (i = 0; i < to->vlen && !c->stop && !c->bad; i++) {
		if (mv_btf_member(c->ob, to, i, &mo)) {
			c->bad = true;
			break;
		}
		if (mo.name[0])
			j = mv_diff_find_member(c->nb, tn, mo.name, i + delta < tn->vlen ?
						i + delta : i, &mn);
		else
			j = mv_diff_find_anon(c->nb, tn, anon++, &mn);
		if (j >= tn->vlen) {
			mv_diff_report(c, MV_CHANGE_MEMBER_REMOVED, mo.name, mo.bit_offset, 0,
				       "%s lost member %s",
				       mv_diff_subj(c, NULL, c->s, sizeof(c->s)),
				       mo.name[0] ? mo.name : "(anonymous)");
			continue;
		}
		if (mo.bit_offset != mn.bit_offset) {
			mv_diff_where(w1, sizeof(w1), mo.bit_offset);
			mv_diff_where(w2, sizeof(w2), mn.bit_offset);
			mv_diff_report(c, MV_CHANGE_MEMBER_MOVED, mo.name, mo.bit_offset,
				       mn.bit_offset, "%s moved from %s to %s",
				       mv_diff_subj(c, mo.name[0] ? mo.name : "(anonymous)", c->s,
						    sizeof(c->s)), w1, w2);
		}
		if (mo.bitfield_size != mn.bitfield_size)
			mv_diff_report(c, MV_CHANGE_BITFIELD, mo.name, mo.bitfield_size,
				       mn.bitfield_size, "%s bitfield width %u -> %u",
				       mv_diff_subj(c, mo.name, c->s, sizeof(c->s)),
				       mo.bitfield_size,
				       mn.bitfield_size);
		if (mo.name[0])
			mv_diff_push(c, mo.name);
		c->additive = false;	/* what is found inside a member is not this struct's */
		if (!mv_diff_expr(c, mo.type, mn.type, depth + 1)) {
			c->nlabel = nlabel;
			mv_diff_report(c, MV_CHANGE_MEMBER_RETYPED, mo.name, 0, 0,
				       "%s retyped: %s -> %s",
				       mv_diff_subj(c, mo.name[0] ? mo.name : "(anonymous)", c->s,
						    sizeof(c->s)),
				       mv_diff_tname(c->ob, mo.type, c->a, sizeof(c->a)),
				       mv_diff_tname(c->nb, mn.type, c->b, sizeof(c->b)));
		}
		c->nlabel = nlabel;
		c->additive = additive;
	}
	anon = 0;
	for (j = 0; j < tn->vlen && !c->stop && !c->bad; j++) {
		if (mv_btf_member(c->nb, tn, j, &mn)) {
			c->bad = true;
			break;
		}
		if (mn.name[0])
			k = mv_diff_find_member(c->ob, to, mn.name, j - delta < to->vlen ?
						j - delta : j, &mo);
		else
			k = mv_diff_find_anon(c->ob, to, anon++, &mo);
		if (k < to->vlen)
			continue;
		mv_diff_where(w1, sizeof(w1), mn.bit_offset);
		mv_diff_report(c, MV_CHANGE_MEMBER_ADDED, mn.name, 0, mn.bit_offset,
			       "%s gained member %s (%s) at %s",
			       mv_diff_subj(c, NULL, c->s, sizeof(c->s)),
			       mn.name[0] ? mn.name : "(anonymous)",
			       mv_diff_tname(c->nb, mn.type, c->b, sizeof(c->b)), w1);
	}
	c->additive = saved_add;
	c->by_ptr = saved_ptr;
}

/* Enumerator @i of an enum or enum64: its name and value (sign-extended when signed). */
static void mv_diff_enumerator(const struct mv_btf *btf, const struct mv_btf_type *t, u32 i,
			       const char **name, s64 *val)
{
	const u8 *e = t->rec + MV_BTF_TYPE_SIZE + (u64)i * (t->kind == MV_BTF_KIND_ENUM ? 8 : 12);
	u64 v = mv_cl_u32(e + 4);

	*name = mv_btf_str(btf, mv_cl_u32(e));
	if (t->kind == MV_BTF_KIND_ENUM64)
		v |= (u64)mv_cl_u32(e + 8) << 32;
	else if (t->kflag && (v & 0x80000000U))
		v |= 0xffffffff00000000ULL;
	*val = (s64)v;
}

static u32 mv_diff_find_enumerator(const struct mv_btf *btf, const struct mv_btf_type *t,
				   const char *name, u32 hint, s64 *val)
{
	const char *nm;
	u32 i;

	if (hint < t->vlen) {
		mv_diff_enumerator(btf, t, hint, &nm, val);
		if (!strcmp(nm, name))
			return hint;
	}
	for (i = 0; i < t->vlen; i++) {
		mv_diff_enumerator(btf, t, i, &nm, val);
		if (!strcmp(nm, name))
			return i;
	}
	return t->vlen;
}

static void mv_diff_enum(struct mv_diff_ctx *c, const struct mv_btf_type *to,
			 const struct mv_btf_type *tn, unsigned int depth)
{
	bool saved = c->additive, shape;
	const char *nm, *nm2;
	const char *s = c->s;
	s64 vo, vn;
	u32 i, j;

	if (mv_diff_same_def(c, to->id, tn->id))
		return;
	shape = !depth && to->size_type == tn->size_type && to->kflag == tn->kflag &&
		tn->vlen >= to->vlen;
	for (i = 0; shape && i < to->vlen; i++) {
		mv_diff_enumerator(c->ob, to, i, &nm, &vo);
		mv_diff_enumerator(c->nb, tn, i, &nm2, &vn);
		shape = !strcmp(nm, nm2) && vo == vn;
	}
	c->additive = shape;
	mv_diff_subj(c, NULL, c->s, sizeof(c->s));
	if (to->size_type != tn->size_type)
		mv_diff_report(c, MV_CHANGE_SIZE, "", to->size_type, tn->size_type,
			       "%s %s from %u to %u bytes", s,
			       tn->size_type > to->size_type ? "grew" : "shrank",
			       to->size_type, tn->size_type);
	if (to->kflag != tn->kflag)
		mv_diff_report(c, MV_CHANGE_ENCODING, "", to->kflag, tn->kflag,
			       "%s became %s", s, tn->kflag ? "signed" : "unsigned");
	for (i = 0; i < to->vlen && !c->stop; i++) {
		mv_diff_enumerator(c->ob, to, i, &nm, &vo);
		j = mv_diff_find_enumerator(c->nb, tn, nm, i, &vn);
		if (j >= tn->vlen)
			mv_diff_report(c, MV_CHANGE_ENUM_REMOVED, nm, vo, 0, "%s lost %s=%lld", s,
				       nm, (long long)vo);
		else if (vo != vn)
			mv_diff_report(c, MV_CHANGE_ENUM_VALUE, nm, vo, vn,
				       "%s: %s changed from %lld to %lld", s, nm, (long long)vo,
				       (long long)vn);
	}
	for (j = 0; j < tn->vlen && !c->stop; j++) {
		mv_diff_enumerator(c->nb, tn, j, &nm, &vn);
		if (mv_diff_find_enumerator(c->ob, to, nm, j, &vo) >= to->vlen)
			mv_diff_report(c, MV_CHANGE_ENUM_ADDED, nm, 0, vn, "%s gained %s=%lld", s,
				       nm, (long long)vn);
	}
	c->additive = saved;
}

/* One queued pair: compare its own definition. */
static void mv_diff_entry(struct mv_diff_ctx *c)
{
	struct mv_btf_type to, tn;

	if (mv_btf_type(c->ob, c->q[c->cur].o, &to) || mv_btf_type(c->nb, c->q[c->cur].n, &tn)) {
		c->bad = true;
		return;
	}
	c->nlabel = 0;
	c->by_ptr = false;
	c->additive = false;
	c->cur_typedef = to.kind == MV_BTF_KIND_TYPEDEF;
	if (to.kind != tn.kind) {
		mv_diff_report(c, MV_CHANGE_KIND, "", to.kind, tn.kind, "%s became %s",
			       mv_diff_tname(c->ob, to.id, c->a, sizeof(c->a)),
			       mv_diff_tname(c->nb, tn.id, c->b, sizeof(c->b)));
		return;
	}
	switch (to.kind) {
	case MV_BTF_KIND_FUNC:
		if (!mv_btf_type(c->ob, to.size_type, &to) &&
		    !mv_btf_type(c->nb, tn.size_type, &tn) &&
		    to.kind == MV_BTF_KIND_FUNC_PROTO && tn.kind == MV_BTF_KIND_FUNC_PROTO)
			mv_diff_proto(c, &to, &tn, 0);
		else
			c->bad = true;
		return;
	case MV_BTF_KIND_VAR:
	case MV_BTF_KIND_TYPEDEF:
		if (!mv_diff_expr(c, to.size_type, tn.size_type, 0))
			mv_diff_report(c, MV_CHANGE_TYPEDEF, "", 0, 0, "%s%snow %s (was %s)",
				       c->cur ? to.name : "", c->cur ? " " : "",
				       mv_diff_tname(c->nb, tn.size_type, c->b, sizeof(c->b)),
				       mv_diff_tname(c->ob, to.size_type, c->a, sizeof(c->a)));
		return;
	case MV_BTF_KIND_STRUCT:
	case MV_BTF_KIND_UNION:
		mv_diff_composite(c, &to, &tn, 0);
		return;
	case MV_BTF_KIND_ENUM:
	case MV_BTF_KIND_ENUM64:
		mv_diff_enum(c, &to, &tn, 0);
		return;
	default:
		c->bad = true;
	}
}

/**
 * mv_diff_bytes() - workspace mv_diff() wants
 * @old_btf: the old side's BTF
 * @new_btf: the new side's
 *
 * Return: the size in bytes (one queue entry per pair of types: at most the smaller count).
 */
u64 mv_diff_bytes(const struct mv_btf *old_btf, const struct mv_btf *new_btf)
{
	u64 n = old_btf->nr_types < new_btf->nr_types ? old_btf->nr_types : new_btf->nr_types;

	return (n + 2) * sizeof(struct mv_dq);
}

/**
 * mv_diff() - the root changes between two kernels' closures of one symbol
 * @old_cl: the old kernel's (or the stamp's) closure workspace
 * @old_sym: the symbol's FUNC or VAR there; 0 when that side has no BTF for it
 * @new_cl: the new kernel's; a workspace of its own even over the same BTF
 * @new_sym: the symbol there; 0 when none
 * @mem: mv_diff_bytes() bytes, 8-byte aligned
 * @bytes: their size
 * @buf: where each change's line is rendered (the path and the change, NUL-terminated)
 * @buf_size: its size; a longer line is cut
 * @fn: called once per root change, with @buf's line in the change
 * @arg: for @fn
 * @why: set to a static reason on error
 *
 * Each named type whose own definition changed is reported once per change of it (its first,
 * shortest path), however many ways the symbol reaches it; a type that only reaches a changed
 * type is not reported.  Return: the number of root changes reported (0: none), what @fn returned
 * when it stopped the walk (non-zero), or -1 for malformed BTF or too little workspace.
 */
int mv_diff(struct mv_closure *old_cl, u32 old_sym, struct mv_closure *new_cl, u32 new_sym,
	    void *mem, u64 bytes, char *buf, size_t buf_size, mv_change_fn fn, void *arg,
	    const char **why)
{
	struct mv_diff_ctx c;
	struct mv_change ch;
	u64 fo, fnew;

	*why = NULL;
	if (old_cl == new_cl || !mem || ((unsigned long)mem & 7) ||
	    bytes < mv_diff_bytes(old_cl->btf, new_cl->btf) || !fn) {
		*why = "bad arguments: one closure workspace per side, mv_diff_bytes() aligned";
		return -1;
	}
	if (buf_size)
		buf[0] = '\0';
	if (!old_sym || !new_sym) {
		if (!old_sym && !new_sym)
			return 0;
		memset(&ch, 0, sizeof(ch));
		ch.kind = MV_CHANGE_NO_BTF;
		ch.cls = MV_CLASS_LAYOUT;
		ch.old_type = old_sym;
		ch.new_type = new_sym;
		ch.item = "";
		{
			struct mv_out o = { buf, buf_size, 0 };

			mv_render(old_sym ? old_cl->btf : new_cl->btf, old_sym ? old_sym : new_sym,
				  &o, 0);
			mv_out(&o, ": no BTF on the %s side", old_sym ? "new" : "old");
		}
		ch.text = buf;
		return fn(arg, &ch) ?: 1;
	}
	memset(&c, 0, sizeof(c));
	c.oc = old_cl;
	c.nc = new_cl;
	c.ob = old_cl->btf;
	c.nb = new_cl->btf;
	c.q = mem;
	c.cap = bytes / sizeof(struct mv_dq);
	c.buf = buf;
	c.size = buf_size;
	c.fn = fn;
	c.arg = arg;
	if (old_sym > c.ob->nr_types || new_sym > c.nb->nr_types) {
		*why = "symbol type id out of range";
		return -1;
	}
	if (!mv_closure_fingerprint(old_cl, old_sym, &fo) &&
	    !mv_closure_fingerprint(new_cl, new_sym, &fnew) && fo == fnew)
		return 0;
	mv_cl_new_walk(old_cl);
	mv_cl_new_walk(new_cl);
	old_cl->mark[old_sym] = old_cl->gen;
	new_cl->mark[new_sym] = new_cl->gen;
	c.q[0].o = old_sym;
	c.q[0].n = new_sym;
	c.tail = 1;
	for (c.cur = 0; c.cur < c.tail && !c.stop && !c.bad; c.cur++) {
		mv_diff_entry(&c);
		if (!(c.cur & 0xff))
			mv_resched();
	}
	if (c.stop)
		return c.stop;
	if (c.bad) {
		*why = "malformed BTF on the way, or too little workspace";
		return -1;
	}
	return c.count;
}
