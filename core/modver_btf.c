// SPDX-License-Identifier: GPL-2.0
/*
 * A bounded BTF reader: header and section validation, a walk over every type record, an index
 * from type id to record, and member lookup by path through nested structs and unions.
 *
 * Pure code shared by modver.ko and the userspace tests.  The blob is untrusted: mv_btf_open()
 * checks every record against the type section's length and every name against the string
 * section before anything else reads them, so that the functions after it only need to check
 * type ids (which may point anywhere) against the number of types.  Following a type to another
 * (modifiers, arrays, anonymous members) is bounded by MV_BTF_MAX_DEPTH: BTF can describe cycles.
 */
#include "modver_btf.h"

#define MV_BTF_INFO_KIND(info)	(((info) >> 24) & 0x7f)
#define MV_BTF_INFO_VLEN(info)	((info) & 0xffffff)
#define MV_BTF_INFO_KFLAG(info)	((info) >> 31)
#define MV_BTF_MAX_NAME_OFFSET	0x00ffffff	/* BTF_MAX_NAME_OFFSET */
#define MV_BTF_MAX_SIZE		0xffffffffULL	/* a type's size is a u32 */

/* BTF is read in place, at any alignment: fields are copied out, never dereferenced. */
static u32 mv_btf_u32(const u8 *p)
{
	u32 v;

	memcpy(&v, p, sizeof(v));
	return v;
}

/* Is [off, off + size) inside @len bytes?  Written so that nothing can overflow. */
static bool mv_btf_range_ok(u64 len, u64 off, u64 size)
{
	return off <= len && size <= len - off;
}

static const char *const mv_btf_kind_names[MV_BTF_KIND_COUNT] = {
	[MV_BTF_KIND_UNKN] = "void",
	[MV_BTF_KIND_INT] = "int",
	[MV_BTF_KIND_PTR] = "pointer",
	[MV_BTF_KIND_ARRAY] = "array",
	[MV_BTF_KIND_STRUCT] = "struct",
	[MV_BTF_KIND_UNION] = "union",
	[MV_BTF_KIND_ENUM] = "enum",
	[MV_BTF_KIND_FWD] = "forward declaration",
	[MV_BTF_KIND_TYPEDEF] = "typedef",
	[MV_BTF_KIND_VOLATILE] = "volatile",
	[MV_BTF_KIND_CONST] = "const",
	[MV_BTF_KIND_RESTRICT] = "restrict",
	[MV_BTF_KIND_FUNC] = "function",
	[MV_BTF_KIND_FUNC_PROTO] = "function prototype",
	[MV_BTF_KIND_VAR] = "variable",
	[MV_BTF_KIND_DATASEC] = "data section",
	[MV_BTF_KIND_FLOAT] = "float",
	[MV_BTF_KIND_DECL_TAG] = "declaration tag",
	[MV_BTF_KIND_TYPE_TAG] = "type tag",
	[MV_BTF_KIND_ENUM64] = "enum64",
};

/**
 * mv_btf_kind_name() - a BTF kind in words, for messages
 * @kind: enum mv_btf_kind, or any other number
 *
 * Return: a static string; "unknown kind" for a kind this reader does not know.
 */
const char *mv_btf_kind_name(unsigned int kind)
{
	return kind < MV_BTF_KIND_COUNT ? mv_btf_kind_names[kind] : "unknown kind";
}

/* Kinds that only qualify or rename another type: followed through by mv_btf_resolve(). */
static bool mv_btf_is_modifier(u8 kind)
{
	return kind == MV_BTF_KIND_TYPEDEF || kind == MV_BTF_KIND_VOLATILE ||
	       kind == MV_BTF_KIND_CONST || kind == MV_BTF_KIND_RESTRICT ||
	       kind == MV_BTF_KIND_TYPE_TAG;
}

static bool mv_btf_is_composite(u8 kind)
{
	return kind == MV_BTF_KIND_STRUCT || kind == MV_BTF_KIND_UNION;
}

/*
 * What follows the 12-byte record of @kind, as a count of elements of @elem bytes, each starting
 * with a name offset when @named.  Unknown kinds are an error: their size cannot be known, so
 * nothing after them could be found.
 */
static int mv_btf_kind_layout(u8 kind, u32 vlen, u64 *count, u32 *elem, bool *named)
{
	*count = 1;
	*named = false;
	switch (kind) {
	case MV_BTF_KIND_PTR:
	case MV_BTF_KIND_FWD:
	case MV_BTF_KIND_TYPEDEF:
	case MV_BTF_KIND_VOLATILE:
	case MV_BTF_KIND_CONST:
	case MV_BTF_KIND_RESTRICT:
	case MV_BTF_KIND_FUNC:
	case MV_BTF_KIND_FLOAT:
	case MV_BTF_KIND_TYPE_TAG:
		*count = 0;
		*elem = 0;
		return 0;
	case MV_BTF_KIND_INT:		/* the encoding */
	case MV_BTF_KIND_VAR:		/* the linkage */
	case MV_BTF_KIND_DECL_TAG:	/* the component index */
		*elem = 4;
		return 0;
	case MV_BTF_KIND_ARRAY:		/* element type, index type, number of elements */
		*elem = 12;
		return 0;
	case MV_BTF_KIND_STRUCT:
	case MV_BTF_KIND_UNION:		/* members: name, type, offset */
	case MV_BTF_KIND_ENUM64:	/* enumerators: name, low and high 32 bits */
		*count = vlen;
		*elem = 12;
		*named = true;
		return 0;
	case MV_BTF_KIND_ENUM:		/* enumerators: name, value */
	case MV_BTF_KIND_FUNC_PROTO:	/* parameters: name, type */
		*count = vlen;
		*elem = 8;
		*named = true;
		return 0;
	case MV_BTF_KIND_DATASEC:	/* variables: type, offset, size */
		*count = vlen;
		*elem = 12;
		return 0;
	default:
		return -1;
	}
}

/* Validate the record at @off of the type section; set *@bytes to its length. */
static const char *mv_btf_check_record(const struct mv_btf *btf, u32 off, u32 *bytes)
{
	const u8 *rec = btf->types + off;
	u32 avail = btf->types_len - off, info, elem, i;
	u64 count, extra;
	bool named;

	if (avail < MV_BTF_TYPE_SIZE)
		return "type section ends inside a type record";
	info = mv_btf_u32(rec + 4);
	if (mv_btf_u32(rec) >= (u64)btf->str_base + btf->strs_len)
		return "type name outside the string section";
	if (MV_BTF_INFO_KIND(info) == MV_BTF_KIND_UNKN)
		return "type record of kind 0";
	if (mv_btf_kind_layout(MV_BTF_INFO_KIND(info), MV_BTF_INFO_VLEN(info), &count, &elem,
			       &named))
		return "type record of an unknown kind";
	extra = count * elem;	/* at most 0xffffff * 12: no overflow */
	if (extra > avail - MV_BTF_TYPE_SIZE)
		return "type record runs past the type section";
	for (i = 0; named && i < count; i++)
		if (mv_btf_u32(rec + MV_BTF_TYPE_SIZE + (u64)i * elem) >=
		    (u64)btf->str_base + btf->strs_len)
			return "member name outside the string section";
	*bytes = MV_BTF_TYPE_SIZE + (u32)extra;
	return NULL;
}

/* mv_btf_open() and mv_btf_open_split(): @base NULL or an opened, indexed, non-split BTF. */
static int mv_btf_open_on(struct mv_btf *btf, const struct mv_btf *base, const void *data, u64 len,
			  const char **why)
{
	const u8 *p = data;
	u32 hdr_len, type_off, type_len, str_off, str_len, off, bytes;
	u16 magic;
	u64 body;

	memset(btf, 0, sizeof(*btf));
	if (!data || len < MV_BTF_HDR_MIN) {
		*why = "shorter than a BTF header";
		return -1;
	}
	memcpy(&magic, p, sizeof(magic));
	if (magic != MV_BTF_MAGIC) {
		*why = magic == 0x9feb ? "BTF of the other byte order" : "no BTF magic";
		return -1;
	}
	if (p[2] != MV_BTF_VERSION) {
		*why = "unsupported BTF version";
		return -1;
	}
	if (p[3]) {
		*why = "unsupported BTF header flags";
		return -1;
	}
	hdr_len = mv_btf_u32(p + 4);
	type_off = mv_btf_u32(p + 8);
	type_len = mv_btf_u32(p + 12);
	str_off = mv_btf_u32(p + 16);
	str_len = mv_btf_u32(p + 20);
	/* A longer header (7.x: a layout section) describes sections this reader does not use. */
	if (hdr_len < MV_BTF_HDR_MIN || hdr_len > len) {
		*why = "BTF header length out of range";
		return -1;
	}
	body = len - hdr_len;
	if (!mv_btf_range_ok(body, type_off, type_len) || (type_off & 3)) {
		*why = "type section outside the blob or misaligned";
		return -1;
	}
	if (!mv_btf_range_ok(body, str_off, str_len)) {
		*why = "string section outside the blob";
		return -1;
	}
	if ((u64)type_off + type_len > str_off && (u64)str_off + str_len > type_off &&
	    type_len && str_len) {
		*why = "type and string sections overlap";
		return -1;
	}
	btf->types = p + hdr_len + type_off;
	btf->types_len = type_len;
	btf->strs = (const char *)p + hdr_len + str_off;
	btf->strs_len = str_len;
	btf->ptr_size = sizeof(void *);
	btf->first_id = 1;
	if (base) {
		/* As btf_parse_str_sec(): a split blob may have no strings of its own. */
		btf->base = base;
		btf->first_id = base->nr_types + 1;
		btf->str_base = base->str_base + base->strs_len;
		btf->ptr_size = base->ptr_size;
		if ((u64)btf->str_base + str_len - 1 > MV_BTF_MAX_NAME_OFFSET && str_len) {
			*why = "split string section too long";
			return -1;
		}
		if (str_len && btf->strs[str_len - 1]) {
			*why = "split string section unterminated";
			return -1;
		}
	} else if (!str_len || str_len - 1 > MV_BTF_MAX_NAME_OFFSET || btf->strs[str_len - 1] ||
		   btf->strs[0]) {
		*why = "string section empty, too long, unterminated or not starting with \"\"";
		return -1;
	}
	btf->nr_types = btf->first_id - 1;
	for (off = 0; off < type_len; off += bytes) {
		*why = mv_btf_check_record(btf, off, &bytes);
		if (*why)
			return -1;
		if (btf->nr_types >= MV_BTF_MAX_TYPES) {
			*why = "more BTF types than ids";
			return -1;
		}
		btf->nr_types++;
	}
	if (!base && !btf->nr_types) {
		*why = "no BTF types";
		return -1;
	}
	*why = NULL;
	return 0;
}

/**
 * mv_btf_open() - validate a BTF blob and count its types
 * @btf: set up to read @data; the index is not built yet (mv_btf_index())
 * @data: the blob (any alignment); must stay put while @btf is used
 * @len: its length in bytes
 * @why: set to a static reason when the blob is rejected
 *
 * Checks the header (magic, version, flags, header length), that the type and string sections
 * lie inside the blob without overlapping, that the string section starts with the empty name and
 * is NUL-terminated, and walks every type record: a known kind, its trailing data inside the type
 * section, every name offset inside the string section.  What it does not check (type ids) the
 * other functions check on use.
 *
 * Return: 0 when the blob can be read, -1 otherwise.
 */
int mv_btf_open(struct mv_btf *btf, const void *data, u64 len, const char **why)
{
	return mv_btf_open_on(btf, NULL, data, len, why);
}

/**
 * mv_btf_open_split() - validate split BTF (a module's) on its base (vmlinux's)
 * @btf: set up to read @data on @base; then mv_btf_index() it
 * @base: opened and indexed by mv_btf_open() and mv_btf_index(); not itself split; kept
 *	unchanged while @btf is used
 * @data: the split blob, as /sys/kernel/btf/<module> holds it
 * @len: its length in bytes
 * @why: set to a static reason when the blob is rejected
 *
 * As libbpf and the kernel read split BTF: type ids go on at @base->nr_types + 1, string offsets
 * below the base's string length are the base's, the split string section may be empty and need
 * not start with "", and a split blob may have no types.  Every accessor then reads @btf as base
 * and split together.
 *
 * Return: 0 when the blob can be read, -1 otherwise.
 */
int mv_btf_open_split(struct mv_btf *btf, const struct mv_btf *base, const void *data, u64 len,
		      const char **why)
{
	if (!base || base->base || !base->offs) {
		memset(btf, 0, sizeof(*btf));
		*why = "the base BTF is missing, split itself or not indexed";
		return -1;
	}
	return mv_btf_open_on(btf, base, data, len, why);
}

/**
 * mv_btf_str() - the string at a name offset
 * @btf: opened BTF; split BTF reads offsets below its own strings in its base
 * @off: a name offset from a type record (checked by mv_btf_open())
 *
 * Return: the NUL-terminated string, or "" for an offset outside every string section.
 */
const char *mv_btf_str(const struct mv_btf *btf, u32 off)
{
	if (off < btf->str_base)
		return btf->base ? mv_btf_str(btf->base, off) : "";
	off -= btf->str_base;
	return off < btf->strs_len ? btf->strs + off : "";
}

/**
 * mv_btf_record_len() - the length of a decoded type's record, what follows it included
 * @t: from mv_btf_type() (so of a kind mv_btf_open() accepted)
 *
 * Return: the length in bytes; 0 for a kind this reader does not know.
 */
u32 mv_btf_record_len(const struct mv_btf_type *t)
{
	u64 count;
	u32 elem;
	bool named;

	if (mv_btf_kind_layout(t->kind, t->vlen, &count, &elem, &named))
		return 0;
	return MV_BTF_TYPE_SIZE + (u32)(count * elem);
}

/**
 * mv_btf_own_types() - how many types this blob holds itself (split BTF: not the base's)
 * @btf: opened BTF
 *
 * Return: the count; ids first_id..nr_types.
 */
u32 mv_btf_own_types(const struct mv_btf *btf)
{
	return btf->nr_types - (btf->first_id - 1);
}

/**
 * mv_btf_index_bytes() - memory mv_btf_index() wants
 * @btf: opened by mv_btf_open()
 *
 * Return: the size in bytes (4 per type, and one for void).
 */
u64 mv_btf_index_bytes(const struct mv_btf *btf)
{
	return ((u64)mv_btf_own_types(btf) + 1) * sizeof(u32);
}

/**
 * mv_btf_index() - index the records by type id, so that lookups by id are O(1)
 * @btf: opened by mv_btf_open(); gets the index
 * @mem: mv_btf_index_bytes(@btf) bytes, kept while @btf is used
 * @bytes: their size
 *
 * Type iteration for every later user (mv_btf_type() for ids 1..nr_types) goes through this index.
 *
 * Return: 0, or -1 when @mem is missing or too small (@btf is then left without an index).
 */
int mv_btf_index(struct mv_btf *btf, u32 *mem, u64 bytes)
{
	u32 off = 0, id, own = mv_btf_own_types(btf);
	const char *why;
	u32 len;

	if (!mem || !btf->types || bytes < mv_btf_index_bytes(btf))
		return -1;
	mem[0] = 0;
	for (id = 1; id <= own; id++) {
		/* Validated by mv_btf_open(); asked again only for the length. */
		why = mv_btf_check_record(btf, off, &len);
		if (why)
			return -1;
		mem[id] = off;
		off += len;
	}
	btf->offs = mem;
	return 0;
}

/**
 * mv_btf_type() - decode the record of a type id
 * @btf: indexed by mv_btf_index()
 * @id: the type id, 1..nr_types (0, void, has no record)
 * @t: the decoded record
 *
 * Return: 0, or -1 for an id out of range or an unindexed @btf.
 */
int mv_btf_type(const struct mv_btf *btf, u32 id, struct mv_btf_type *t)
{
	u32 info;

	if (!btf->offs || !id || id > btf->nr_types)
		return -1;
	if (id < btf->first_id)
		return btf->base ? mv_btf_type(btf->base, id, t) : -1;
	t->rec = btf->types + btf->offs[id - btf->first_id + 1];
	info = mv_btf_u32(t->rec + 4);
	t->id = id;
	t->kind = MV_BTF_INFO_KIND(info);
	t->kflag = MV_BTF_INFO_KFLAG(info);
	t->vlen = MV_BTF_INFO_VLEN(info);
	t->size_type = mv_btf_u32(t->rec + 8);
	t->name = mv_btf_str(btf, mv_btf_u32(t->rec));
	return 0;
}

/**
 * mv_btf_member() - one member of a struct or union
 * @btf: indexed by mv_btf_index()
 * @t: a struct or union from mv_btf_type()
 * @i: the member's index, below @t->vlen
 * @m: the member; its bit offset and bitfield size decoded by the record's kind_flag
 *
 * Return: 0, or -1 when @t is no struct or union or @i is out of range.
 */
int mv_btf_member(const struct mv_btf *btf, const struct mv_btf_type *t, u32 i,
		  struct mv_btf_member *m)
{
	const u8 *p;
	u32 offset;

	if (!mv_btf_is_composite(t->kind) || i >= t->vlen)
		return -1;
	p = t->rec + MV_BTF_TYPE_SIZE + (u64)i * 12;
	m->name = mv_btf_str(btf, mv_btf_u32(p));
	m->type = mv_btf_u32(p + 4);
	offset = mv_btf_u32(p + 8);
	/* kind_flag: bits 0-23 are the offset, 24-31 the bitfield size (0: not a bitfield). */
	m->bit_offset = t->kflag ? offset & 0xffffff : offset;
	m->bitfield_size = t->kflag ? offset >> 24 : 0;
	return 0;
}

/**
 * mv_btf_resolve() - follow typedefs, const, volatile, restrict and type tags to a real type
 * @btf: indexed by mv_btf_index()
 * @id: where to start
 * @t: the type reached; for void, kind MV_BTF_KIND_UNKN, id 0, name "" and no record
 *
 * Return: 0, or -1 for a bad id or a chain longer than MV_BTF_MAX_DEPTH (a cycle).
 */
int mv_btf_resolve(const struct mv_btf *btf, u32 id, struct mv_btf_type *t)
{
	unsigned int depth;

	for (depth = 0; depth <= MV_BTF_MAX_DEPTH; depth++) {
		if (!id) {
			memset(t, 0, sizeof(*t));
			t->name = "";
			return 0;
		}
		if (mv_btf_type(btf, id, t))
			return -1;
		if (!mv_btf_is_modifier(t->kind))
			return 0;
		id = t->size_type;
	}
	return -1;
}

/**
 * mv_btf_size() - the size in bytes of an object of a type
 * @btf: indexed by mv_btf_index()
 * @id: the type
 * @size: its size; a pointer's is @btf->ptr_size, an array's its elements' times their number
 *
 * Return: 0, or -1 for a type without a size (void, a function, a forward declaration), a bad
 * id, a chain longer than MV_BTF_MAX_DEPTH, or a size above 4 GiB (BTF sizes are 32-bit).
 */
int mv_btf_size(const struct mv_btf *btf, u32 id, u64 *size)
{
	struct mv_btf_type t;
	unsigned int depth;
	u64 elems = 1, one;
	u32 nelems;

	for (depth = 0; depth <= MV_BTF_MAX_DEPTH; depth++) {
		if (mv_btf_resolve(btf, id, &t))
			return -1;
		switch (t.kind) {
		case MV_BTF_KIND_INT:
		case MV_BTF_KIND_ENUM:
		case MV_BTF_KIND_ENUM64:
		case MV_BTF_KIND_STRUCT:
		case MV_BTF_KIND_UNION:
		case MV_BTF_KIND_FLOAT:
		case MV_BTF_KIND_DATASEC:
			one = t.size_type;
			break;
		case MV_BTF_KIND_PTR:
			one = btf->ptr_size;
			break;
		case MV_BTF_KIND_ARRAY:
			nelems = mv_btf_u32(t.rec + MV_BTF_TYPE_SIZE + 8);
			/* elems stays <= 4 GiB, so the product cannot overflow. */
			elems *= nelems;
			if (elems > MV_BTF_MAX_SIZE)
				return -1;
			id = mv_btf_u32(t.rec + MV_BTF_TYPE_SIZE);
			continue;
		default:
			return -1;
		}
		if (one && elems > MV_BTF_MAX_SIZE / one)
			return -1;
		*size = elems * one;
		return 0;
	}
	return -1;
}

/**
 * mv_btf_find() - the next type of a kind and name
 * @btf: indexed by mv_btf_index()
 * @kind: enum mv_btf_kind
 * @name: the name ("" for anonymous types)
 * @after: 0 to start, or the id found last, to find every one
 *
 * Return: the lowest matching id above @after, or 0 when there is none.
 */
u32 mv_btf_find(const struct mv_btf *btf, unsigned int kind, const char *name, u32 after)
{
	struct mv_btf_type t;
	u32 id;

	for (id = after + 1; id > after && !mv_btf_type(btf, id, &t); id++)
		if (t.kind == kind && !strcmp(t.name, name))
			return id;
	return 0;
}

/*
 * Find the member named by the @len bytes at @name in the struct or union @c, also inside its
 * anonymous struct and union members, whose members C makes its own.  Adds the member's bit
 * offset (anonymous containers' included) to *@bit_offset.  Recursion is bounded by @depth.
 * Return: 1 found, 0 not found, -1 malformed.
 */
static int mv_btf_lookup(const struct mv_btf *btf, const struct mv_btf_type *c,
			 const char *name, size_t len, unsigned int depth, u64 *bit_offset,
			 struct mv_btf_member *found)
{
	struct mv_btf_member m;
	struct mv_btf_type inner;
	u64 sub;
	u32 i;
	int r;

	for (i = 0; i < c->vlen; i++) {
		if (mv_btf_member(btf, c, i, &m))
			return -1;
		if (m.name[0]) {
			if (!strncmp(m.name, name, len) && !m.name[len]) {
				*found = m;
				*bit_offset += m.bit_offset;
				return 1;
			}
			continue;
		}
		if (mv_btf_resolve(btf, m.type, &inner))
			return -1;
		if (!mv_btf_is_composite(inner.kind))
			continue;
		if (depth >= MV_BTF_MAX_DEPTH)
			return -1;
		sub = 0;
		r = mv_btf_lookup(btf, &inner, name, len, depth + 1, &sub, found);
		if (r > 0)
			*bit_offset += m.bit_offset + sub;
		if (r)
			return r;
	}
	return 0;
}

/* An int member that is a bitfield the old way (no kind_flag): offset and bits in the int. */
static void mv_btf_int_bitfield(const struct mv_btf_type *t, struct mv_btf_field *f)
{
	u32 enc = mv_btf_u32(t->rec + MV_BTF_TYPE_SIZE);
	u32 bits = enc & 0xff, off = (enc >> 16) & 0xff;

	if (off || bits != f->size * 8) {
		f->bit_offset += off;
		f->bitfield_size = bits;
	}
}

/**
 * mv_btf_field() - find a member by path and describe it
 * @btf: indexed by mv_btf_index()
 * @struct_id: the outermost struct or union (modifiers are followed)
 * @path: member names separated by dots ("index.vers"); the members of anonymous structs and
 *	unions are found as the container's own, as in C
 * @f: the member: its bit offset from the start of @struct_id, bitfield size, type, the type
 *	its modifiers resolve to, that type's kind and size
 * @why: set to a static reason on failure
 *
 * Return: 0, or -1 when the path names no member or the BTF on the way is malformed, or the member
 * does not lie inside the outermost struct.
 */
int mv_btf_field(const struct mv_btf *btf, u32 struct_id, const char *path,
		 struct mv_btf_field *f, const char **why)
{
	const char *comp = path, *dot;
	struct mv_btf_member m;
	struct mv_btf_type t;
	u64 bit_offset = 0, outer_bits, bits;
	size_t len;
	int r;

	memset(f, 0, sizeof(*f));
	if (mv_btf_resolve(btf, struct_id, &t) || !mv_btf_is_composite(t.kind)) {
		*why = "not a struct or union";
		return -1;
	}
	outer_bits = (u64)t.size_type * 8;
	for (;;) {
		dot = strchr(comp, '.');
		len = dot ? (size_t)(dot - comp) : strlen(comp);
		if (!len) {
			*why = "empty member name in the path";
			return -1;
		}
		r = mv_btf_lookup(btf, &t, comp, len, 0, &bit_offset, &m);
		if (r < 0) {
			*why = "malformed member, or anonymous members nested too deep";
			return -1;
		}
		if (!r) {
			*why = "no such member";
			return -1;
		}
		if (!dot)
			break;
		if (m.bitfield_size || mv_btf_resolve(btf, m.type, &t) ||
		    !mv_btf_is_composite(t.kind)) {
			*why = "the path goes through a member that is no struct or union";
			return -1;
		}
		comp = dot + 1;
	}
	f->bit_offset = bit_offset;
	f->bitfield_size = m.bitfield_size;
	f->type = m.type;
	if (mv_btf_resolve(btf, m.type, &t) || mv_btf_size(btf, m.type, &f->size)) {
		*why = "the member's type is malformed or has no size";
		return -1;
	}
	f->resolved = t.id;
	f->kind = t.kind;
	if (t.kind == MV_BTF_KIND_INT && !f->bitfield_size)
		mv_btf_int_bitfield(&t, f);
	bits = f->bitfield_size ? f->bitfield_size : f->size * 8;
	if (f->bit_offset > outer_bits || bits > outer_bits - f->bit_offset) {
		*why = "the member lies outside its struct";
		return -1;
	}
	*why = NULL;
	return 0;
}

/**
 * mv_btf_int_offset() - where every struct @name keeps an integer member of @size bytes
 * @btf: indexed by mv_btf_index()
 * @name: the struct's tag
 * @path: the member's path, "index.vers"
 * @size: the integer's size in bytes
 * @offset: set to the member's byte offset
 * @why: a reason when it fails
 * @why_size: its size
 *
 * For members whose offset differs between configurations (load_info.index): found, not
 * checked against a mirror.  Every struct of the name must agree, as mv_btf_check_struct() wants.
 *
 * Return: 0, or -1 with @why set.
 */
int mv_btf_int_offset(const struct mv_btf *btf, const char *name, const char *path, u32 size,
		      u32 *offset, char *why, size_t why_size)
{
	struct mv_btf_field f;
	const char *reason;
	bool found = false;
	u32 id = 0;

	while ((id = mv_btf_find(btf, MV_BTF_KIND_STRUCT, name, id))) {
		if (mv_btf_field(btf, id, path, &f, &reason)) {
			snprintf(why, why_size, "struct %s.%s: %s", name, path, reason);
			return -1;
		}
		if (f.bitfield_size || f.bit_offset % 8 || f.kind != MV_BTF_KIND_INT ||
		    f.size != size || (found && *offset != f.bit_offset / 8)) {
			snprintf(why, why_size,
				 "struct %s.%s: BTF has %s (%llu bytes) at bit %llu, modver reads a %u-byte integer",
				 name, path, mv_btf_kind_name(f.kind), (unsigned long long)f.size,
				 (unsigned long long)f.bit_offset, size);
			return -1;
		}
		*offset = f.bit_offset / 8;
		found = true;
	}
	if (!found) {
		snprintf(why, why_size, "no struct %s in BTF", name);
		return -1;
	}
	return 0;
}

/**
 * mv_btf_check_struct() - does every struct of a name have the members modver expects?
 * @btf: indexed by mv_btf_index()
 * @name: the struct's name ("load_info")
 * @want: each member modver reads: path, byte offset, kind (after modifiers) and size
 * @count: entries of @want
 * @why: gets a one-line reason on failure, naming the struct and member
 * @why_size: size of @why
 *
 * BTF may hold several structs of one name (different definitions in different files): every one
 * must agree, and at least one must exist, because any doubt resolves toward refusing.  A member
 * that is a bitfield does not match.
 *
 * Return: 0 when every struct named @name matches @want, -1 otherwise.
 */
int mv_btf_check_struct(const struct mv_btf *btf, const char *name,
			const struct mv_btf_expect *want, unsigned int count,
			char *why, size_t why_size)
{
	const struct mv_btf_expect *w;
	struct mv_btf_field f;
	const char *reason;
	unsigned int i;
	u32 id = 0;
	bool found = false;

	while ((id = mv_btf_find(btf, MV_BTF_KIND_STRUCT, name, id))) {
		found = true;
		for (i = 0; i < count; i++) {
			w = &want[i];
			if (mv_btf_field(btf, id, w->path, &f, &reason)) {
				snprintf(why, why_size, "struct %s.%s: %s", name, w->path, reason);
				return -1;
			}
			if (!f.bitfield_size && f.bit_offset == (u64)w->offset * 8 &&
			    f.kind == w->kind && f.size == w->size)
				continue;
			if (f.bitfield_size || f.bit_offset % 8)
				snprintf(why, why_size,
					 "struct %s.%s: BTF has %s (%u bits) at bit %llu, modver reads %s (%u bytes) at byte %u",
					 name, w->path, mv_btf_kind_name(f.kind),
					 f.bitfield_size ? f.bitfield_size :
					 (unsigned int)f.size * 8,
					 (unsigned long long)f.bit_offset,
					 mv_btf_kind_name(w->kind), w->size, w->offset);
			else
				snprintf(why, why_size,
					 "struct %s.%s: BTF has %s (%llu bytes) at byte %llu, modver reads %s (%u bytes) at byte %u",
					 name, w->path, mv_btf_kind_name(f.kind),
					 (unsigned long long)f.size,
					 (unsigned long long)f.bit_offset / 8,
					 mv_btf_kind_name(w->kind), w->size, w->offset);
			return -1;
		}
	}
	if (!found) {
		snprintf(why, why_size, "no struct %s in BTF", name);
		return -1;
	}
	return 0;
}

/* The name index's hash: FNV-1a, 32 bits. */
static u32 mv_btf_name_hash(const char *s)
{
	u32 h = 0x811c9dc5;

	while (*s)
		h = (h ^ (u8)*s++) * 0x01000193;
	return h;
}

static bool mv_btf_is_symbol(const struct mv_btf_type *t)
{
	return (t->kind == MV_BTF_KIND_FUNC || t->kind == MV_BTF_KIND_VAR) && t->name[0];
}

/* Slots for @count names: a power of two at least twice as many, at least 2. */
static u64 mv_btf_names_slots(u32 count)
{
	u64 slots = 2;

	while (slots < (u64)count * 2)
		slots <<= 1;
	return slots;
}

/**
 * mv_btf_names_bytes() - memory mv_btf_names_build() wants
 * @btf: indexed by mv_btf_index() (split BTF: its base's names are indexed too)
 *
 * Walks every type once, counting named FUNC and VAR types.
 *
 * Return: the size in bytes.
 */
u64 mv_btf_names_bytes(const struct mv_btf *btf)
{
	struct mv_btf_type t;
	u32 id, count = 0;

	for (id = 1; id <= btf->nr_types; id++)
		if (!mv_btf_type(btf, id, &t) && mv_btf_is_symbol(&t))
			count++;
	return mv_btf_names_slots(count) * sizeof(u32);
}

/**
 * mv_btf_names_build() - hash the names of every FUNC and VAR type, for mv_btf_symbol()
 * @nx: the index
 * @btf: indexed by mv_btf_index(); kept while @nx is used
 * @mem: mv_btf_names_bytes(@btf) bytes, kept while @nx is used
 * @bytes: their size
 *
 * Open addressing with linear probing, at most half full: a lookup is O(1) on average.
 *
 * Return: 0, or -1 when @mem is too small.
 */
int mv_btf_names_build(struct mv_btf_names *nx, const struct mv_btf *btf, void *mem, u64 bytes)
{
	u64 slots = mv_btf_names_bytes(btf) / sizeof(u32);
	struct mv_btf_type t;
	u32 id, i;

	memset(nx, 0, sizeof(*nx));
	if (!mem || bytes < slots * sizeof(u32))
		return -1;
	nx->btf = btf;
	nx->slots = mem;
	nx->mask = (u32)slots - 1;
	memset(mem, 0, slots * sizeof(u32));
	for (id = 1; id <= btf->nr_types; id++) {
		if (mv_btf_type(btf, id, &t) || !mv_btf_is_symbol(&t))
			continue;
		if ((u64)nx->count * 2 >= slots)
			return -1;
		for (i = mv_btf_name_hash(t.name) & nx->mask; nx->slots[i]; i = (i + 1) & nx->mask)
			;
		nx->slots[i] = id;
		nx->count++;
	}
	return 0;
}

/* How well @t answers for an exported symbol: global FUNC, other FUNC, global VAR, other VAR. */
static unsigned int mv_btf_symbol_rank(const struct mv_btf_type *t)
{
	bool global = t->vlen == 1;	/* BTF_FUNC_GLOBAL, BTF_VAR_GLOBAL_ALLOCATED */

	if (t->kind == MV_BTF_KIND_FUNC)
		return global ? 4 : 3;
	return global ? 2 : 1;
}

/**
 * mv_btf_symbol_kind() - the type of an exported symbol, of one kind
 * @nx: built by mv_btf_names_build()
 * @name: the symbol
 * @kind: MV_BTF_KIND_FUNC, MV_BTF_KIND_VAR, or MV_BTF_KIND_UNKN for either
 *
 * Several types may share a name (static functions in different files): a global one is preferred,
 * then a FUNC over a VAR, then the lowest id.
 *
 * Return: the type id, or 0 when BTF has none.
 */
u32 mv_btf_symbol_kind(const struct mv_btf_names *nx, const char *name, unsigned int kind)
{
	struct mv_btf_type t;
	unsigned int rank, best_rank = 0;
	u32 i, n, best = 0;

	if (!nx->slots)
		return 0;
	i = mv_btf_name_hash(name) & nx->mask;
	for (n = 0; n <= nx->mask && nx->slots[i]; n++, i = (i + 1) & nx->mask) {
		if (mv_btf_type(nx->btf, nx->slots[i], &t) || strcmp(t.name, name))
			continue;
		if (kind != MV_BTF_KIND_UNKN && t.kind != kind)
			continue;
		rank = mv_btf_symbol_rank(&t);
		if (rank > best_rank || (rank == best_rank && t.id < best)) {
			best = t.id;
			best_rank = rank;
		}
	}
	return best;
}

/**
 * mv_btf_symbol() - the BTF of an exported symbol: its FUNC, else its VAR
 * @nx: built by mv_btf_names_build()
 * @name: the symbol
 *
 * Return: the type id, or 0 when BTF has neither.
 */
u32 mv_btf_symbol(const struct mv_btf_names *nx, const char *name)
{
	return mv_btf_symbol_kind(nx, name, MV_BTF_KIND_UNKN);
}
