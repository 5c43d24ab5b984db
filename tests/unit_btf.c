// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of modver's BTF reader (modver_btf.c) and of the private-struct checks built on it
 * (modver_mirror.c), on hand-built BTF blobs, in userspace with ASan and UBSan from the same
 * sources as modver.ko.  Every blob is handed to the reader in a buffer of exactly its length, so
 * that a read past the end is an ASan error.  Prints "PASS name" or "FAIL name: why" per test and
 * "unit_btf: ok" when all passed; exits 1 on any failure.
 */
#include <stdio.h>
#include <stdlib.h>

#include "modver_btf.h"
#include "modver_mirror.h"
#include "unit.h"

/* A reason must be exactly @want. */
#define CHECK_MSG(got, want) CHECK(!strcmp((got), (want)))

/* A BTF blob being built: type records and strings, then a header in front of both. */
struct blob {
	u8 types[65536];
	u32 types_len;
	char strs[4096];
	u32 strs_len;
	u32 nr_types;
	u8 *bytes;		/* finish(): exactly @len bytes, malloc()ed */
	u32 len;
	u32 *index;
	struct mv_btf btf;
};

/* Start over; what an earlier blob in @b allocated is freed. */
static void blob_init(struct blob *b)
{
	free(b->bytes);
	free(b->index);
	memset(b, 0, sizeof(*b));
	b->strs_len = 1;	/* the empty name */
}

static u32 str(struct blob *b, const char *s)
{
	u32 off = b->strs_len;

	memcpy(b->strs + off, s, strlen(s) + 1);
	b->strs_len += strlen(s) + 1;
	return off;
}

static void put32(struct blob *b, u32 v)
{
	memcpy(b->types + b->types_len, &v, sizeof(v));
	b->types_len += sizeof(v);
}

/* A type record; what follows it (members, encoding...) is put32() by the caller. */
static u32 type(struct blob *b, const char *name, u32 kind, u32 vlen, bool kflag, u32 size_type)
{
	put32(b, name ? str(b, name) : 0);
	put32(b, (kflag ? 1U << 31 : 0) | kind << 24 | vlen);
	put32(b, size_type);
	return ++b->nr_types;
}

static u32 int_type(struct blob *b, const char *name, u32 size)
{
	u32 id = type(b, name, MV_BTF_KIND_INT, 0, false, size);

	put32(b, size * 8);
	return id;
}

static void member(struct blob *b, const char *name, u32 type_id, u32 offset)
{
	put32(b, name ? str(b, name) : 0);
	put32(b, type_id);
	put32(b, offset);
}

/* Lay the blob out: header (@hdr_len bytes), types, strings. */
static void finish_hdr(struct blob *b, u32 hdr_len)
{
	u32 v[5] = { hdr_len, 0, b->types_len, b->types_len, b->strs_len };

	free(b->bytes);
	free(b->index);
	b->index = NULL;
	b->len = hdr_len + b->types_len + b->strs_len;
	b->bytes = calloc(1, b->len);
	b->bytes[0] = 0x9f;
	b->bytes[1] = 0xeb;
	b->bytes[2] = MV_BTF_VERSION;
	memcpy(b->bytes + 4, v, sizeof(v));
	memcpy(b->bytes + hdr_len, b->types, b->types_len);
	memcpy(b->bytes + hdr_len + b->types_len, b->strs, b->strs_len);
}

static void finish(struct blob *b)
{
	finish_hdr(b, MV_BTF_HDR_MIN);
}

/* Open and index; 0 on success.  On failure *@why says why. */
static int load(struct blob *b, const char **why)
{
	u64 bytes;

	if (mv_btf_open(&b->btf, b->bytes, b->len, why))
		return -1;
	bytes = mv_btf_index_bytes(&b->btf);
	free(b->index);
	b->index = malloc(bytes);
	*why = "index";
	return mv_btf_index(&b->btf, b->index, bytes);
}

static void blob_free(struct blob *b)
{
	free(b->bytes);
	free(b->index);
	b->bytes = NULL;
	b->index = NULL;
}

/* Change the u32 at @off of the finished blob. */
static void poke32(struct blob *b, u32 off, u32 v)
{
	memcpy(b->bytes + off, &v, sizeof(v));
}

/*
 * struct load_info as 6.1-7.3 lay it out on 64-bit, the parts modver reads and index.vers behind
 * an anonymous struct: { const char *name; struct module *mod; Elf64_Ehdr *hdr;
 * unsigned long len; Elf64_Shdr *sechdrs;
 * struct { unsigned int sym, str, mod, vers, info; } index; }
 * with len through a typedef and a const, as modifiers may sit anywhere.  Returns its id.
 */
static u32 build_load_info(struct blob *b, u32 len_offset_bits, u32 len_type_size)
{
	u32 ulong = int_type(b, "long unsigned int", len_type_size);
	u32 chr = int_type(b, "char", 1);
	u32 cchr = type(b, NULL, MV_BTF_KIND_CONST, 0, false, chr);
	u32 pcchr = type(b, NULL, MV_BTF_KIND_PTR, 0, false, cchr);
	u32 mod = type(b, "module", MV_BTF_KIND_FWD, 0, false, 0);
	u32 pmod = type(b, NULL, MV_BTF_KIND_PTR, 0, false, mod);
	u32 ehdr = type(b, "elf64_hdr", MV_BTF_KIND_STRUCT, 0, false, 64);
	u32 tehdr = type(b, "Elf64_Ehdr", MV_BTF_KIND_TYPEDEF, 0, false, ehdr);
	u32 pehdr = type(b, NULL, MV_BTF_KIND_PTR, 0, false, tehdr);
	u32 tlen = type(b, "ulong", MV_BTF_KIND_TYPEDEF, 0, false, ulong);
	u32 clen = type(b, NULL, MV_BTF_KIND_CONST, 0, false, tlen);
	u32 uint = int_type(b, "unsigned int", 4);
	u32 idx = type(b, NULL, MV_BTF_KIND_STRUCT, 5, false, 20);
	u32 li;

	member(b, "sym", uint, 0);
	member(b, "str", uint, 32);
	member(b, "mod", uint, 64);
	member(b, "vers", uint, 96);
	member(b, "info", uint, 128);
	li = type(b, "load_info", MV_BTF_KIND_STRUCT, 6, false, 64);
	member(b, "name", pcchr, 0);
	member(b, "mod", pmod, 64);
	member(b, "hdr", pehdr, 128);
	member(b, "len", clen, len_offset_bits);
	member(b, "sechdrs", pehdr, 256);
	member(b, "index", idx, 320);
	return li;
}

/*
 * struct find_symbol_arg { const char *name; bool gplok; bool warn; struct module *owner;
 * const u32 *crc; const struct kernel_symbol *sym; enum mod_license license; }
 */
static u32 build_find_symbol_arg(struct blob *b)
{
	u32 chr = int_type(b, "char", 1);
	u32 pchr = type(b, NULL, MV_BTF_KIND_PTR, 0, false, chr);
	u32 bl = int_type(b, "_Bool", 1);
	u32 mod = type(b, "module", MV_BTF_KIND_STRUCT, 0, false, 1024);
	u32 pmod = type(b, NULL, MV_BTF_KIND_PTR, 0, false, mod);
	u32 u = int_type(b, "u32", 4);
	u32 cu = type(b, NULL, MV_BTF_KIND_CONST, 0, false, u);
	u32 pcu = type(b, NULL, MV_BTF_KIND_PTR, 0, false, cu);
	u32 lic = type(b, "mod_license", MV_BTF_KIND_ENUM, 0, false, 4);
	u32 fsa = type(b, "find_symbol_arg", MV_BTF_KIND_STRUCT, 7, false, 48);

	member(b, "name", pchr, 0);
	member(b, "gplok", bl, 64);
	member(b, "warn", bl, 72);
	member(b, "owner", pmod, 128);
	member(b, "crc", pcu, 192);
	member(b, "sym", pchr, 256);
	member(b, "license", lic, 320);
	return fsa;
}

static const struct mv_mirror *mirror(const char *name)
{
	unsigned int i;

	for (i = 0; i < mv_mirror_count; i++)
		if (!strcmp(mv_mirrors[i].name, name))
			return &mv_mirrors[i];
	return NULL;
}

static int check_mirror(struct blob *b, const char *name, char *why, size_t size)
{
	const struct mv_mirror *m = mirror(name);

	return mv_btf_check_struct(&b->btf, name, m->fields, m->count, why, size);
}

/* The mirrors hold the offsets platform.md §5 records for 6.1-7.3 on 64-bit. */
static void test_mirror_table(void)
{
	const struct mv_mirror *li = mirror("load_info"), *fsa = mirror("find_symbol_arg");
	const struct mv_mirror *mu = mirror("module_use");
	static const u32 li_offs[] = { 0, 8, 16, 24 }, fsa_offs[] = { 0, 8, 9, 16, 24 };
	static const u32 mu_offs[] = { 0, 8, 16, 24, 32, 40 };
	unsigned int i;

	CHECK(mv_mirror_count == 3);
	CHECK(li && li->count == 4 && fsa && fsa->count == 5 && mu && mu->count == 6);
	for (i = 0; mu && i < mu->count; i++)
		CHECK(mu->fields[i].offset == mu_offs[i] && mu->fields[i].kind == MV_BTF_KIND_PTR);
	for (i = 0; li && i < li->count; i++)
		CHECK(li->fields[i].offset == li_offs[i]);
	for (i = 0; fsa && i < fsa->count; i++)
		CHECK(fsa->fields[i].offset == fsa_offs[i]);
	CHECK(li && !strcmp(li->fields[3].path, "len") && li->fields[3].size == 8 &&
	      li->fields[3].kind == MV_BTF_KIND_INT);
	CHECK(fsa && fsa->fields[1].size == 1 && fsa->fields[4].kind == MV_BTF_KIND_PTR);
}

static void test_valid(void)
{
	static struct blob b;
	struct mv_btf_field f;
	struct mv_btf_type t;
	const char *why;
	char msg[256];
	u32 li, fsa;

	blob_init(&b);
	li = build_load_info(&b, 192, 8);
	fsa = build_find_symbol_arg(&b);
	finish(&b);
	CHECK(!load(&b, &why));
	CHECK(b.btf.nr_types == fsa && b.btf.ptr_size == sizeof(void *));
	CHECK(mv_btf_find(&b.btf, MV_BTF_KIND_STRUCT, "load_info", 0) == li);
	CHECK(!mv_btf_find(&b.btf, MV_BTF_KIND_STRUCT, "load_info", li));
	CHECK(!mv_btf_find(&b.btf, MV_BTF_KIND_UNION, "load_info", 0));
	CHECK(!mv_btf_type(&b.btf, li, &t) && t.kind == MV_BTF_KIND_STRUCT && t.vlen == 6 &&
	      t.size_type == 64 && !strcmp(t.name, "load_info"));
	CHECK(!mv_btf_field(&b.btf, li, "len", &f, &why));
	CHECK(f.bit_offset == 192 && f.kind == MV_BTF_KIND_INT && f.size == 8 && !f.bitfield_size);
	CHECK(f.resolved == 1 && f.type != f.resolved);
	CHECK(!mv_btf_field(&b.btf, li, "hdr", &f, &why));
	CHECK(f.bit_offset == 128 && f.kind == MV_BTF_KIND_PTR && f.size == sizeof(void *));
	CHECK(!mv_btf_field(&b.btf, li, "index.vers", &f, &why));
	CHECK(f.bit_offset == 320 + 96 && f.kind == MV_BTF_KIND_INT && f.size == 4);
	CHECK(!mv_btf_field(&b.btf, li, "index", &f, &why));
	CHECK(f.kind == MV_BTF_KIND_STRUCT && f.size == 20);
	/* index is named: its members are not load_info's own. */
	CHECK(mv_btf_field(&b.btf, li, "vers", &f, &why) && !strcmp(why, "no such member"));
	CHECK(mv_btf_field(&b.btf, li, "index.", &f, &why));
	CHECK(mv_btf_field(&b.btf, li, ".index", &f, &why));
	CHECK(mv_btf_field(&b.btf, li, "len.x", &f, &why));
	CHECK(mv_btf_field(&b.btf, li, "index.vers.x", &f, &why));
	CHECK(mv_btf_field(&b.btf, 1, "len", &f, &why));	/* an int is no struct */
	CHECK(!check_mirror(&b, "load_info", msg, sizeof(msg)));
	CHECK(!check_mirror(&b, "find_symbol_arg", msg, sizeof(msg)));
	blob_free(&b);
}

/* A field that moved, or changed size or kind, fails with a line naming it. */
static void test_mismatch(void)
{
	static struct blob b;
	const char *why;
	char msg[256];

	blob_init(&b);
	build_load_info(&b, 256, 8);
	finish(&b);
	CHECK(!load(&b, &why));
	CHECK(check_mirror(&b, "load_info", msg, sizeof(msg)));
	CHECK_MSG(msg,
		  "struct load_info.len: BTF has int (8 bytes) at byte 32, modver reads int (8 bytes) at byte 24");
	CHECK(check_mirror(&b, "find_symbol_arg", msg, sizeof(msg)));
	CHECK_MSG(msg,
		  "no struct find_symbol_arg in BTF");

	blob_init(&b);
	build_load_info(&b, 192, 4);
	finish(&b);
	CHECK(!load(&b, &why));
	CHECK(check_mirror(&b, "load_info", msg, sizeof(msg)));
	CHECK_MSG(msg,
		  "struct load_info.len: BTF has int (4 bytes) at byte 24, modver reads int (8 bytes) at byte 24");
	blob_free(&b);
}

/* A second struct of the same name that disagrees makes the check fail: doubt refuses. */
static void test_duplicate_struct(void)
{
	static struct blob b;
	const char *why;
	char msg[256];
	u32 p;

	blob_init(&b);
	build_load_info(&b, 192, 8);
	p = type(&b, NULL, MV_BTF_KIND_PTR, 0, false, 0);
	type(&b, "load_info", MV_BTF_KIND_STRUCT, 4, false, 32);
	member(&b, "name", p, 0);
	member(&b, "mod", p, 64);
	member(&b, "len", p, 128);	/* a pointer where modver reads hdr's neighbour */
	member(&b, "hdr", p, 192);
	finish(&b);
	CHECK(!load(&b, &why));
	CHECK(check_mirror(&b, "load_info", msg, sizeof(msg)));
	CHECK_MSG(msg,
		  "struct load_info.hdr: BTF has pointer (8 bytes) at byte 24, modver reads pointer (8 bytes) at byte 16");
	blob_free(&b);
}

/* Every length short of the whole blob is refused, and nothing is read past it (ASan). */
static void test_truncated(void)
{
	static struct blob b;
	struct mv_btf btf;
	const char *why;
	u8 *copy;
	u32 len;

	blob_init(&b);
	build_load_info(&b, 192, 8);
	build_find_symbol_arg(&b);
	finish(&b);
	for (len = 0; len < b.len; len++) {
		copy = malloc(len ? len : 1);
		memcpy(copy, b.bytes, len);
		CHECK(mv_btf_open(&btf, copy, len, &why) == -1);
		free(copy);
	}
	copy = malloc(b.len);
	memcpy(copy, b.bytes, b.len);
	CHECK(!mv_btf_open(&btf, copy, b.len, &why));
	free(copy);
	CHECK(mv_btf_open(&btf, NULL, 100, &why) == -1);

	/* The type section's length cuts the last record's members, or a record's head. */
	poke32(&b, 12, b.types_len - 4);
	CHECK(load(&b, &why) && !strcmp(why, "type record runs past the type section"));
	blob_init(&b);
	int_type(&b, "int", 4);
	type(&b, NULL, MV_BTF_KIND_PTR, 0, false, 1);
	finish(&b);
	CHECK(!load(&b, &why));
	poke32(&b, 12, b.types_len - 4);
	CHECK(load(&b, &why) && !strcmp(why, "type section ends inside a type record"));
	blob_free(&b);
}

static void test_header(void)
{
	static struct blob b;
	const char *why;

	blob_init(&b);
	int_type(&b, "int", 4);
	finish(&b);
	CHECK(!load(&b, &why));
	b.bytes[0] = 0x9e;
	CHECK(load(&b, &why) && !strcmp(why, "no BTF magic"));
	b.bytes[0] = 0xeb;
	b.bytes[1] = 0x9f;
	CHECK(load(&b, &why) && !strcmp(why, "BTF of the other byte order"));
	finish(&b);
	b.bytes[2] = 2;
	CHECK(load(&b, &why) && !strcmp(why, "unsupported BTF version"));
	finish(&b);
	b.bytes[3] = 1;
	CHECK(load(&b, &why) && !strcmp(why, "unsupported BTF header flags"));
	finish(&b);
	poke32(&b, 4, 20);
	CHECK(load(&b, &why) && !strcmp(why, "BTF header length out of range"));
	poke32(&b, 4, b.len + 1);
	CHECK(load(&b, &why) && !strcmp(why, "BTF header length out of range"));
	finish(&b);
	poke32(&b, 8, 2);			/* type_off misaligned */
	CHECK(load(&b, &why) && !strcmp(why, "type section outside the blob or misaligned"));
	poke32(&b, 8, 0xfffffffc);		/* type_off + type_len would wrap */
	CHECK(load(&b, &why) && !strcmp(why, "type section outside the blob or misaligned"));
	finish(&b);
	poke32(&b, 16, b.types_len + 1);	/* strings one byte past the end */
	CHECK(load(&b, &why) && !strcmp(why, "string section outside the blob"));
	poke32(&b, 16, 0xffffffff);
	CHECK(load(&b, &why) && !strcmp(why, "string section outside the blob"));
	finish(&b);
	poke32(&b, 16, 4);			/* strings inside the types */
	poke32(&b, 20, 4);
	CHECK(load(&b, &why) && !strcmp(why, "type and string sections overlap"));
	finish(&b);
	poke32(&b, 12, 0);			/* no types */
	CHECK(load(&b, &why) && !strcmp(why, "no BTF types"));
	/* 7.x headers are 32 bytes long (a layout section): still read. */
	finish_hdr(&b, 32);
	CHECK(!load(&b, &why) && b.btf.nr_types == 1);
	blob_free(&b);
}

static void test_strings(void)
{
	static struct blob b;
	const char *why;
	u32 i, s;

	/* The int's record is 16 bytes: the struct's is at 16, its member's name at 28. */
	blob_init(&b);
	i = int_type(&b, "int", 4);
	s = type(&b, "s", MV_BTF_KIND_STRUCT, 1, false, 4);
	member(&b, "m", i, 0);
	finish(&b);
	CHECK(!load(&b, &why) && s == 2);
	poke32(&b, MV_BTF_HDR_MIN + 16, b.strs_len);
	CHECK(load(&b, &why) && !strcmp(why, "type name outside the string section"));
	finish(&b);
	poke32(&b, MV_BTF_HDR_MIN + 16, b.strs_len - 1);	/* the final NUL: "" */
	CHECK(!load(&b, &why));
	poke32(&b, MV_BTF_HDR_MIN + 28, 0x7fffffff);
	CHECK(load(&b, &why) && !strcmp(why, "member name outside the string section"));
	finish(&b);
	b.bytes[b.len - 1] = 'x';
	CHECK(load(&b, &why) && strstr(why, "unterminated"));
	finish(&b);
	b.bytes[MV_BTF_HDR_MIN + b.types_len] = 'x';
	CHECK(load(&b, &why) && strstr(why, "not starting with"));
	finish(&b);
	poke32(&b, 20, 0);
	CHECK(load(&b, &why) && strstr(why, "string section empty"));
	blob_free(&b);
}

/* Record sizes by kind: a blob with one record of each kind, then an int that must be found. */
static void test_every_kind(void)
{
	static struct blob b;
	struct mv_btf_type t;
	const char *why;
	u64 size;
	u32 i, last, id;

	blob_init(&b);
	id = int_type(&b, "int", 4);					/* 1 */
	type(&b, NULL, MV_BTF_KIND_PTR, 0, false, id);			/* 2 */
	type(&b, NULL, MV_BTF_KIND_ARRAY, 0, false, 0);			/* 3 */
	put32(&b, id);
	put32(&b, id);
	put32(&b, 10);
	type(&b, "st", MV_BTF_KIND_STRUCT, 2, false, 8);		/* 4 */
	member(&b, "a", id, 0);
	member(&b, "b", id, 32);
	type(&b, "un", MV_BTF_KIND_UNION, 1, false, 4);			/* 5 */
	member(&b, "a", id, 0);
	type(&b, "en", MV_BTF_KIND_ENUM, 2, false, 4);			/* 6 */
	put32(&b, str(&b, "A"));
	put32(&b, 0);
	put32(&b, str(&b, "B"));
	put32(&b, 1);
	type(&b, "fw", MV_BTF_KIND_FWD, 0, false, 0);			/* 7 */
	type(&b, "td", MV_BTF_KIND_TYPEDEF, 0, false, id);		/* 8 */
	type(&b, NULL, MV_BTF_KIND_VOLATILE, 0, false, id);		/* 9 */
	type(&b, NULL, MV_BTF_KIND_CONST, 0, false, id);		/* 10 */
	type(&b, NULL, MV_BTF_KIND_RESTRICT, 0, false, 2);		/* 11 */
	type(&b, "fn", MV_BTF_KIND_FUNC, 1, false, 13);			/* 12 */
	type(&b, NULL, MV_BTF_KIND_FUNC_PROTO, 2, false, id);		/* 13 */
	put32(&b, str(&b, "x"));
	put32(&b, id);
	put32(&b, 0);
	put32(&b, id);
	type(&b, "var", MV_BTF_KIND_VAR, 0, false, id);			/* 14 */
	put32(&b, 1);
	type(&b, ".data", MV_BTF_KIND_DATASEC, 1, false, 4);		/* 15 */
	put32(&b, 14);
	put32(&b, 0);
	put32(&b, 4);
	type(&b, "double", MV_BTF_KIND_FLOAT, 0, false, 8);		/* 16 */
	type(&b, "tag", MV_BTF_KIND_DECL_TAG, 0, false, 4);		/* 17 */
	put32(&b, 0xffffffff);
	type(&b, "user", MV_BTF_KIND_TYPE_TAG, 0, false, 2);		/* 18 */
	type(&b, "e64", MV_BTF_KIND_ENUM64, 1, true, 8);		/* 19 */
	put32(&b, str(&b, "BIG"));
	put32(&b, 1);
	put32(&b, 2);
	last = int_type(&b, "last", 2);					/* 20 */
	finish(&b);
	CHECK(!load(&b, &why) && b.btf.nr_types == 20);
	CHECK(!mv_btf_type(&b.btf, last, &t) && t.kind == MV_BTF_KIND_INT &&
	      !strcmp(t.name, "last"));
	for (i = 1; i <= last; i++)
		CHECK(!mv_btf_type(&b.btf, i, &t) && t.kind == (i < last ? i : MV_BTF_KIND_INT));
	CHECK(!mv_btf_size(&b.btf, 3, &size) && size == 40);
	CHECK(!mv_btf_size(&b.btf, 4, &size) && size == 8);
	CHECK(!mv_btf_size(&b.btf, 2, &size) && size == sizeof(void *));
	CHECK(!mv_btf_size(&b.btf, 18, &size) && size == sizeof(void *));	/* tag -> ptr */
	CHECK(!mv_btf_size(&b.btf, 11, &size) && size == sizeof(void *));
	CHECK(!mv_btf_size(&b.btf, 19, &size) && size == 8);
	CHECK(mv_btf_size(&b.btf, 7, &size));		/* forward declaration */
	CHECK(mv_btf_size(&b.btf, 12, &size));		/* function */
	CHECK(mv_btf_size(&b.btf, 0, &size));		/* void */
	CHECK(mv_btf_size(&b.btf, 21, &size));		/* no such id */
	CHECK(!strcmp(mv_btf_kind_name(MV_BTF_KIND_ENUM64), "enum64"));
	CHECK(!strcmp(mv_btf_kind_name(99), "unknown kind"));

	/* Kind 0 and kinds after ENUM64 cannot be sized: the blob is refused. */
	poke32(&b, MV_BTF_HDR_MIN + 4, 0);
	CHECK(load(&b, &why) && !strcmp(why, "type record of kind 0"));
	poke32(&b, MV_BTF_HDR_MIN + 4, MV_BTF_KIND_COUNT << 24);
	CHECK(load(&b, &why) && !strcmp(why, "type record of an unknown kind"));
	poke32(&b, MV_BTF_HDR_MIN + 4, 0x7fU << 24);
	CHECK(load(&b, &why) && !strcmp(why, "type record of an unknown kind"));
	blob_free(&b);
}

static void test_huge_vlen(void)
{
	static struct blob b;
	const char *why;
	u32 kinds[] = { MV_BTF_KIND_STRUCT, MV_BTF_KIND_UNION, MV_BTF_KIND_ENUM,
			MV_BTF_KIND_ENUM64, MV_BTF_KIND_FUNC_PROTO, MV_BTF_KIND_DATASEC };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(kinds); i++) {
		blob_init(&b);
		type(&b, "big", kinds[i], 0xffffff, false, 4);
		member(&b, "m", 0, 0);
		finish(&b);
		CHECK(load(&b, &why) && !strcmp(why, "type record runs past the type section"));
	}
	blob_free(&b);
}

/* The index needs its memory; lookups by id need the index and an id in range. */
static void test_index(void)
{
	static struct blob b;
	struct mv_btf_type t;
	const char *why;
	u32 mem[2];

	blob_init(&b);
	int_type(&b, "int", 4);
	int_type(&b, "long", 8);
	finish(&b);
	CHECK(!mv_btf_open(&b.btf, b.bytes, b.len, &why));
	CHECK(mv_btf_index_bytes(&b.btf) == 12);
	CHECK(mv_btf_type(&b.btf, 1, &t));		/* not indexed yet */
	CHECK(!mv_btf_find(&b.btf, MV_BTF_KIND_INT, "int", 0));
	CHECK(mv_btf_index(&b.btf, mem, sizeof(mem)));
	CHECK(mv_btf_index(&b.btf, NULL, 12));
	CHECK(!load(&b, &why));
	CHECK(mv_btf_type(&b.btf, 0, &t) && mv_btf_type(&b.btf, 3, &t));
	CHECK(!mv_btf_type(&b.btf, 2, &t) && !strcmp(t.name, "long") && t.size_type == 8);
	CHECK(mv_btf_find(&b.btf, MV_BTF_KIND_INT, "long", 0) == 2);
	CHECK(!mv_btf_find(&b.btf, MV_BTF_KIND_INT, "long", 0xffffffff));
	blob_free(&b);
}

/* Cycles through typedefs, arrays and anonymous members end in errors, not in a hang. */
static void test_cycles(void)
{
	static struct blob b;
	struct mv_btf_field f;
	struct mv_btf_type t;
	const char *why;
	u64 size;
	u32 a, s, anon, arr;

	blob_init(&b);
	a = type(&b, "a", MV_BTF_KIND_TYPEDEF, 0, false, 2);		/* 1 -> 2 */
	type(&b, "b", MV_BTF_KIND_CONST, 0, false, 3);			/* 2 -> 3 */
	type(&b, "c", MV_BTF_KIND_TYPEDEF, 0, false, 1);		/* 3 -> 1 */
	s = type(&b, "s", MV_BTF_KIND_STRUCT, 2, false, 16);		/* 4 */
	member(&b, "loop", a, 0);
	member(&b, "arr", 6, 64);
	anon = type(&b, NULL, MV_BTF_KIND_STRUCT, 1, false, 8);	/* 5: contains itself */
	member(&b, NULL, 5, 0);
	arr = type(&b, NULL, MV_BTF_KIND_ARRAY, 0, false, 0);		/* 6: array of itself */
	put32(&b, 6);
	put32(&b, 6);
	put32(&b, 2);
	type(&b, "t", MV_BTF_KIND_STRUCT, 1, false, 8);		/* 7: through the loop */
	member(&b, NULL, anon, 0);
	type(&b, "self", MV_BTF_KIND_TYPEDEF, 0, false, 8);		/* 8 -> 8 */
	type(&b, "far", MV_BTF_KIND_TYPEDEF, 0, false, 1000);		/* 9 -> no such id */
	finish(&b);
	CHECK(!load(&b, &why));
	CHECK(mv_btf_resolve(&b.btf, a, &t) == -1);
	CHECK(mv_btf_resolve(&b.btf, 8, &t) == -1);
	CHECK(mv_btf_resolve(&b.btf, 9, &t) == -1);
	CHECK(mv_btf_size(&b.btf, a, &size) == -1);
	CHECK(mv_btf_size(&b.btf, arr, &size) == -1);
	CHECK(mv_btf_field(&b.btf, s, "loop", &f, &why) && strstr(why, "no size"));
	CHECK(mv_btf_field(&b.btf, s, "arr", &f, &why) && strstr(why, "no size"));
	CHECK(mv_btf_field(&b.btf, 7, "x", &f, &why) && strstr(why, "nested too deep"));
	CHECK(mv_btf_field(&b.btf, 8, "x", &f, &why) && !strcmp(why, "not a struct or union"));
	blob_free(&b);
}

/* Members of anonymous structs and unions are their container's own, at their summed offsets. */
static void test_nested_anonymous(void)
{
	static struct blob b;
	struct mv_btf_field f;
	const char *why;
	u32 i4, i8, in, un, outer, wrap, cu;

	/*
	 * struct outer { int a; union { struct { int b; int c; }; long d; }; struct wrap w; }
	 * with struct wrap { const union { int e; } ; } behind a const.
	 */
	blob_init(&b);
	i4 = int_type(&b, "int", 4);
	i8 = int_type(&b, "long", 8);
	in = type(&b, NULL, MV_BTF_KIND_STRUCT, 2, false, 8);
	member(&b, "b", i4, 0);
	member(&b, "c", i4, 32);
	un = type(&b, NULL, MV_BTF_KIND_UNION, 2, false, 8);
	member(&b, NULL, in, 0);
	member(&b, "d", i8, 0);
	cu = type(&b, NULL, MV_BTF_KIND_UNION, 1, false, 4);
	member(&b, "e", i4, 0);
	cu = type(&b, NULL, MV_BTF_KIND_CONST, 0, false, cu);
	wrap = type(&b, "wrap", MV_BTF_KIND_STRUCT, 1, false, 8);
	member(&b, NULL, cu, 32);
	outer = type(&b, "outer", MV_BTF_KIND_STRUCT, 3, false, 24);
	member(&b, "a", i4, 0);
	member(&b, NULL, un, 64);
	member(&b, "w", wrap, 128);
	finish(&b);
	CHECK(!load(&b, &why));
	CHECK(!mv_btf_field(&b.btf, outer, "c", &f, &why) && f.bit_offset == 64 + 32 &&
	      f.size == 4);
	CHECK(!mv_btf_field(&b.btf, outer, "b", &f, &why) && f.bit_offset == 64);
	CHECK(!mv_btf_field(&b.btf, outer, "d", &f, &why) && f.bit_offset == 64 && f.size == 8);
	CHECK(!mv_btf_field(&b.btf, outer, "w.e", &f, &why) && f.bit_offset == 128 + 32);
	CHECK(mv_btf_field(&b.btf, outer, "e", &f, &why));
	CHECK(mv_btf_field(&b.btf, outer, "w.c", &f, &why));
	blob_free(&b);
}

/* Bitfields (kind_flag offsets and the older int encoding) are found, reported, and refused. */
static void test_bitfields(void)
{
	static struct blob b;
	struct mv_btf_expect want = { "len", 0, MV_BTF_KIND_INT, 8 };
	struct mv_btf_field f;
	const char *why;
	char msg[256];
	u32 ul, s, old, bits3;

	blob_init(&b);
	ul = int_type(&b, "long unsigned int", 8);
	s = type(&b, "bf", MV_BTF_KIND_STRUCT, 2, true, 16);
	member(&b, "flag", ul, 3U << 24 | 5);		/* unsigned long flag:3 at bit 5 */
	member(&b, "len", ul, 64);
	bits3 = type(&b, "u3", MV_BTF_KIND_INT, 0, false, 8);
	put32(&b, 2U << 16 | 3);			/* 3 bits at bit 2 of the int */
	old = type(&b, "oldbf", MV_BTF_KIND_STRUCT, 1, false, 8);
	member(&b, "len", bits3, 0);
	type(&b, "out", MV_BTF_KIND_STRUCT, 1, false, 4);
	member(&b, "len", ul, 0);			/* 8 bytes in a 4-byte struct */
	type(&b, "far", MV_BTF_KIND_STRUCT, 1, true, 8);
	member(&b, "len", ul, 1U << 24 | 64);		/* a bit just past the end */
	finish(&b);
	CHECK(!load(&b, &why));
	CHECK(!mv_btf_field(&b.btf, s, "flag", &f, &why) && f.bit_offset == 5 &&
	      f.bitfield_size == 3 && f.size == 8);
	CHECK(!mv_btf_field(&b.btf, s, "len", &f, &why) && f.bit_offset == 64 && !f.bitfield_size);
	CHECK(mv_btf_field(&b.btf, s, "flag.x", &f, &why));
	CHECK(!mv_btf_field(&b.btf, old, "len", &f, &why) && f.bit_offset == 2 &&
	      f.bitfield_size == 3);
	CHECK(mv_btf_check_struct(&b.btf, "oldbf", &want, 1, msg, sizeof(msg)));
	CHECK_MSG(msg,
		  "struct oldbf.len: BTF has int (3 bits) at bit 2, modver reads int (8 bytes) at byte 0");
	want.offset = 8;
	CHECK(!mv_btf_check_struct(&b.btf, "bf", &want, 1, msg, sizeof(msg)));
	want.path = "flag";
	want.offset = 0;
	CHECK(mv_btf_check_struct(&b.btf, "bf", &want, 1, msg, sizeof(msg)));
	CHECK_MSG(msg,
		  "struct bf.flag: BTF has int (3 bits) at bit 5, modver reads int (8 bytes) at byte 0");
	CHECK(mv_btf_field(&b.btf, 5, "len", &f, &why) &&
	      !strcmp(why, "the member lies outside its struct"));
	CHECK(mv_btf_field(&b.btf, 6, "len", &f, &why) &&
	      !strcmp(why, "the member lies outside its struct"));
	blob_free(&b);
}

static void test_array_sizes(void)
{
	static struct blob b;
	const char *why;
	u64 size;
	u32 i4, a4, a34, big, huge;

	blob_init(&b);
	i4 = int_type(&b, "int", 4);
	a4 = type(&b, NULL, MV_BTF_KIND_ARRAY, 0, false, 0);
	put32(&b, i4);
	put32(&b, i4);
	put32(&b, 4);
	a34 = type(&b, NULL, MV_BTF_KIND_ARRAY, 0, false, 0);
	put32(&b, a4);
	put32(&b, i4);
	put32(&b, 3);
	big = type(&b, NULL, MV_BTF_KIND_ARRAY, 0, false, 0);
	put32(&b, i4);
	put32(&b, i4);
	put32(&b, 0x40000000);			/* exactly 4 GiB */
	huge = type(&b, NULL, MV_BTF_KIND_ARRAY, 0, false, 0);
	put32(&b, big);
	put32(&b, i4);
	put32(&b, 0xffffffff);
	finish(&b);
	CHECK(!load(&b, &why));
	CHECK(!mv_btf_size(&b.btf, a34, &size) && size == 48);
	CHECK(mv_btf_size(&b.btf, big, &size) == -1);
	CHECK(mv_btf_size(&b.btf, huge, &size) == -1);
	blob_free(&b);
}

/* Every byte of a valid blob changed to a few values: the reader never reads out of bounds. */
static void test_mutations(void)
{
	static const u8 values[] = { 0x00, 0x01, 0x7f, 0x80, 0xff };
	static struct blob b;
	struct mv_btf_field f;
	const char *why;
	char msg[256];
	u32 i, v, li;
	u8 saved;

	blob_init(&b);
	li = build_load_info(&b, 192, 8);
	build_find_symbol_arg(&b);
	finish(&b);
	for (i = 0; i < b.len; i++) {
		saved = b.bytes[i];
		for (v = 0; v < ARRAY_SIZE(values); v++) {
			b.bytes[i] = values[v];
			if (load(&b, &why))
				continue;
			check_mirror(&b, "load_info", msg, sizeof(msg));
			check_mirror(&b, "find_symbol_arg", msg, sizeof(msg));
			mv_btf_field(&b.btf, li, "index.vers", &f, &why);
		}
		b.bytes[i] = saved;
	}
	CHECK(!load(&b, &why));
	blob_free(&b);
}

int main(void)
{
	run("btf-mirror-table-offsets", test_mirror_table);
	run("btf-valid-load-info-find-symbol-arg", test_valid);
	run("btf-layout-mismatch-named", test_mismatch);
	run("btf-duplicate-struct-disagrees", test_duplicate_struct);
	run("btf-truncated-every-length", test_truncated);
	run("btf-header-magic-version-sections", test_header);
	run("btf-string-offsets", test_strings);
	run("btf-every-kind-sized", test_every_kind);
	run("btf-huge-vlen", test_huge_vlen);
	run("btf-index-and-ids", test_index);
	run("btf-cycles-bounded", test_cycles);
	run("btf-nested-anonymous-members", test_nested_anonymous);
	run("btf-bitfields", test_bitfields);
	run("btf-array-sizes", test_array_sizes);
	run("btf-byte-mutations", test_mutations);
	if (failures) {
		printf("unit_btf: %d failed\n", failures);
		return 1;
	}
	printf("unit_btf: ok\n");
	return 0;
}
