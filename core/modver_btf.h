/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A bounded reader of BTF (the kernel's compact type information: /sys/kernel/btf/vmlinux, the
 * .BTF section of a vmlinux).  Pure code shared by modver.ko and the userspace tests: no
 * allocation, no locking, no kernel-only API.  The blob is untrusted: mv_btf_open() checks the
 * header, the sections and every type record against the blob's length before anything else
 * reads them, as the kernel's own verifier (kernel/bpf/btf.c) does, and every walk from type to
 * type is bounded (MV_BTF_MAX_DEPTH), so cycles and absurd chains end in an error.
 *
 * Use: mv_btf_open(), then mv_btf_index() into mv_btf_index_bytes() of caller memory (an id ->
 * record table: every lookup by id is then O(1)); then mv_btf_find(), mv_btf_field() and the rest.
 * Only native-endian BTF is read.
 *
 * Split BTF (a module's, /sys/kernel/btf/<module>): mv_btf_open_split() on an opened and indexed
 * base.  As libbpf and the kernel lay it out, the split blob's type ids continue at
 * base->nr_types + 1 and its string offsets at the base's total string length; every accessor
 * (mv_btf_type(), mv_btf_str(), mv_btf_find()...) then reads base and split as one, ids
 * 1..nr_types.  The base must stay put, unchanged, while the split BTF is used.
 *
 * Symbols: mv_btf_names_build() indexes the FUNC and VAR names (of base and split alike) into
 * caller memory; mv_btf_symbol() then finds an exported symbol's FUNC, else its VAR, in O(1).
 */
#ifndef MODVER_BTF_H
#define MODVER_BTF_H

#include "modver_types.h"

#define MV_BTF_MAGIC		0xeB9F
#define MV_BTF_VERSION		1
/* struct btf_header up to str_len; later kernels append fields (layout_off, layout_len). */
#define MV_BTF_HDR_MIN		24
#define MV_BTF_TYPE_SIZE	12	/* struct btf_type: name_off, info, size/type */
#define MV_BTF_MAX_TYPES	0x000fffff	/* BTF_MAX_TYPE */
/* Longest chain of modifiers, arrays or anonymous members followed (kernel: MAX_RESOLVE_DEPTH). */
#define MV_BTF_MAX_DEPTH	32

/* BTF_KIND_*, as <uapi/linux/btf.h> numbers them (the userspace build may have an older one). */
enum mv_btf_kind {
	MV_BTF_KIND_UNKN,
	MV_BTF_KIND_INT,
	MV_BTF_KIND_PTR,
	MV_BTF_KIND_ARRAY,
	MV_BTF_KIND_STRUCT,
	MV_BTF_KIND_UNION,
	MV_BTF_KIND_ENUM,
	MV_BTF_KIND_FWD,
	MV_BTF_KIND_TYPEDEF,
	MV_BTF_KIND_VOLATILE,
	MV_BTF_KIND_CONST,
	MV_BTF_KIND_RESTRICT,
	MV_BTF_KIND_FUNC,
	MV_BTF_KIND_FUNC_PROTO,
	MV_BTF_KIND_VAR,
	MV_BTF_KIND_DATASEC,
	MV_BTF_KIND_FLOAT,
	MV_BTF_KIND_DECL_TAG,
	MV_BTF_KIND_TYPE_TAG,
	MV_BTF_KIND_ENUM64,
	MV_BTF_KIND_COUNT,
};

/* A validated blob.  Fields are read-only for callers. */
struct mv_btf {
	const u8 *types;	/* this blob's type section */
	const char *strs;	/* this blob's string section, NUL-terminated */
	u32 types_len;
	u32 strs_len;		/* its length (offsets below str_base: the base's) */
	u32 nr_types;		/* type ids are 1..nr_types (base's included); 0 is void */
	u32 ptr_size;		/* BTF does not say; the reader's own (64-bit kernels: 8) */
	const u32 *offs;	/* mv_btf_index(): offs[id - first_id] = record offset; else NULL */
	const struct mv_btf *base;	/* split BTF: the base (indexed); else NULL */
	u32 first_id;		/* this blob's first type id: 1, or base->nr_types + 1 */
	u32 str_base;		/* this blob's first string offset: 0, or the base's end */
};

/* Names of FUNC and VAR types, hashed (mv_btf_names_build()); read-only for callers. */
struct mv_btf_names {
	const struct mv_btf *btf;
	u32 *slots;		/* type ids, 0 empty; a power of two of them */
	u32 mask;
	u32 count;		/* FUNC and VAR types indexed */
};

/* One type record, decoded. */
struct mv_btf_type {
	u32 id;
	u8 kind;		/* enum mv_btf_kind */
	bool kflag;
	u32 vlen;		/* members, enumerators, parameters or variables */
	u32 size_type;		/* a size (int, enum, struct, union, float, datasec) or a type id */
	const char *name;	/* "" when anonymous */
	const u8 *rec;		/* the record; what follows it depends on @kind */
};

/* One member of a struct or union. */
struct mv_btf_member {
	const char *name;	/* "" for an anonymous struct or union member */
	u32 type;
	u32 bit_offset;		/* from the start of the containing struct or union */
	u32 bitfield_size;	/* 0 unless a bitfield */
};

/* A member found by path (mv_btf_field()). */
struct mv_btf_field {
	u64 bit_offset;		/* from the start of the outermost struct */
	u32 bitfield_size;	/* 0 unless a bitfield */
	u32 type;		/* the member's type id, as declared */
	u32 resolved;		/* after typedefs, qualifiers and type tags; 0: void */
	u8 kind;		/* @resolved's kind */
	u64 size;		/* @resolved's size in bytes (a pointer: ptr_size) */
};

/* What modver expects of one member of a private struct (mv_btf_check_struct()). */
struct mv_btf_expect {
	const char *path;	/* member path, "index.vers" */
	u32 offset;		/* bytes from the start of the struct */
	u8 kind;		/* MV_BTF_KIND_PTR or MV_BTF_KIND_INT */
	u32 size;		/* bytes */
};

const char *mv_btf_kind_name(unsigned int kind);
int mv_btf_open(struct mv_btf *btf, const void *data, u64 len, const char **why);
int mv_btf_open_split(struct mv_btf *btf, const struct mv_btf *base, const void *data, u64 len,
		      const char **why);
const char *mv_btf_str(const struct mv_btf *btf, u32 off);
u32 mv_btf_own_types(const struct mv_btf *btf);
u32 mv_btf_record_len(const struct mv_btf_type *t);
u64 mv_btf_index_bytes(const struct mv_btf *btf);
int mv_btf_index(struct mv_btf *btf, u32 *mem, u64 bytes);
int mv_btf_type(const struct mv_btf *btf, u32 id, struct mv_btf_type *t);
int mv_btf_member(const struct mv_btf *btf, const struct mv_btf_type *t, u32 i,
		  struct mv_btf_member *m);
int mv_btf_resolve(const struct mv_btf *btf, u32 id, struct mv_btf_type *t);
int mv_btf_size(const struct mv_btf *btf, u32 id, u64 *size);
u32 mv_btf_find(const struct mv_btf *btf, unsigned int kind, const char *name, u32 after);
int mv_btf_field(const struct mv_btf *btf, u32 struct_id, const char *path,
		 struct mv_btf_field *f, const char **why);
int mv_btf_int_offset(const struct mv_btf *btf, const char *name, const char *path, u32 size,
		      u32 *offset, char *why, size_t why_size);
int mv_btf_check_struct(const struct mv_btf *btf, const char *name,
			const struct mv_btf_expect *want, unsigned int count,
			char *why, size_t why_size);

u64 mv_btf_names_bytes(const struct mv_btf *btf);
int mv_btf_names_build(struct mv_btf_names *nx, const struct mv_btf *btf, void *mem, u64 bytes);
u32 mv_btf_symbol(const struct mv_btf_names *nx, const char *name);
u32 mv_btf_symbol_kind(const struct mv_btf_names *nx, const char *name, unsigned int kind);

#endif /* MODVER_BTF_H */
