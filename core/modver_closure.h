/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Type closures of exported symbols, from BTF: a canonical fingerprint of what a symbol's
 * prototype (or a variable's type) reaches, and a structural diff that names the root changes
 * between two kernels' BTF, each with the shortest path from the symbol and a class.
 *
 * Pure code shared by modver.ko and the userspace tools: no allocation (callers pass workspace,
 * sized by the *_bytes() functions), no recursion deeper than 16 levels through anonymous
 * types (named types are walked through explicit work lists in that workspace), untrusted BTF
 * read through modver_btf.c's bounded accessors only.
 *
 * Nodes and identity.  A named struct, union, enum, enum64 or typedef is a node, identified by its
 * kind and name; a forward declaration names a struct or union (by its kind_flag) and is only a
 * reference.  Anonymous types (pointers, arrays, qualifiers, type tags, prototypes, anonymous
 * structs, unions and enums) are part of the definition of the node (or symbol) that uses them.
 * Ints and floats are leaves, compared by name, size and encoding.
 *
 * The fingerprint (MV_FP_VERSION 1) is defined in modver_closure.c and docs/internals.md: a
 * 64-bit hash over integers (never memory bytes), the same on every machine.
 */
#ifndef MODVER_CLOSURE_H
#define MODVER_CLOSURE_H

#include "modver_btf.h"

#define MV_FP_VERSION	1

/* Workspace over one indexed BTF (base + split as one).  Fields are private. */
struct mv_closure {
	const struct mv_btf *btf;
	u64 *def;		/* per type id: the hash of its own definition, once computed */
	u8 *state;		/* per type id: 0 not computed, 1 computing, 2 done, 3 malformed */
	u8 *height;		/* per type id: how deep its anonymous types nest */
	u32 *mark;		/* per type id: the walk that last visited it */
	u32 gen;
	u32 *stack;		/* the walk's work list, nr_types + 1 entries */
	u32 *edge_start;	/* per type id: its direct node references in @edges */
	u32 *edges;
	u32 nr_edges;
	u64 *fp;		/* per type id: its closure's fingerprint, once computed */
	u32 *fmark;		/* per type id: the fingerprint walk that last visited it */
	u32 fgen;
};

u64 mv_closure_bytes(const struct mv_btf *btf);
int mv_closure_init(struct mv_closure *cl, const struct mv_btf *btf, void *mem, u64 bytes);
int mv_closure_fingerprint(struct mv_closure *cl, u32 sym_id, u64 *fp);
/* Call @fn on every type id of @sym_id's closure (named and anonymous, the symbol's own too). */
int mv_closure_visit(struct mv_closure *cl, u32 sym_id, int (*fn)(void *arg, u32 id), void *arg);

/* What changed in a root change's own definition. */
enum mv_change_kind {
	MV_CHANGE_MEMBER_ADDED,
	MV_CHANGE_MEMBER_REMOVED,
	MV_CHANGE_MEMBER_RETYPED,
	MV_CHANGE_MEMBER_MOVED,		/* its bit offset */
	MV_CHANGE_BITFIELD,		/* its bitfield width */
	MV_CHANGE_SIZE,			/* a struct's, union's, enum's or int's size */
	MV_CHANGE_ENUM_ADDED,
	MV_CHANGE_ENUM_REMOVED,
	MV_CHANGE_ENUM_VALUE,
	MV_CHANGE_PARAM_ADDED,
	MV_CHANGE_PARAM_REMOVED,
	MV_CHANGE_PARAM_RETYPED,
	MV_CHANGE_RETURN,
	MV_CHANGE_KIND,			/* struct <-> union, enum <-> enum64, ... */
	MV_CHANGE_TYPEDEF,		/* what a typedef or a variable names */
	MV_CHANGE_ENCODING,		/* an int's signedness or width */
	MV_CHANGE_NO_BTF,		/* the symbol has BTF on one side only */
	MV_CHANGE_COUNT,
};

/*
 * The class of a root change: a documented, checkable claim about layout, never a promise of
 * safety.  The rule is in modver_closure.c (mv_change_classify()) and docs/internals.md.
 */
enum mv_change_class {
	MV_CLASS_ADDITIVE,
	MV_CLASS_LAYOUT,
};

/* One root change, as mv_diff() reports it; the strings live until the callback returns. */
struct mv_change {
	enum mv_change_kind kind;
	enum mv_change_class cls;
	u32 old_type;		/* the named type (or the symbol) whose own definition changed */
	u32 new_type;
	const char *item;	/* the member, enumerator or parameter ("" when none) */
	s64 old_value;		/* bit offset, size, enumerator value, bitfield width... */
	s64 new_value;
	u32 hops;		/* named types on the path before the changed one */
	const char *text;	/* the whole line: path and change */
};

/* Return 0 to go on, anything else to stop mv_diff(), which then returns it. */
typedef int (*mv_change_fn)(void *arg, const struct mv_change *ch);

const char *mv_change_kind_name(enum mv_change_kind kind);
const char *mv_change_class_name(enum mv_change_class cls);
u64 mv_diff_bytes(const struct mv_btf *old_btf, const struct mv_btf *new_btf);
int mv_diff(struct mv_closure *old_cl, u32 old_sym, struct mv_closure *new_cl, u32 new_sym,
	    void *mem, u64 bytes, char *buf, size_t buf_size, mv_change_fn fn, void *arg,
	    const char **why);
int mv_type_name(const struct mv_btf *btf, u32 id, char *buf, size_t size);

#endif /* MODVER_CLOSURE_H */
