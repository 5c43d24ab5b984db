// SPDX-License-Identifier: GPL-2.0
/*
 * modver-dump --explain: what changed between two kernels' types, symbol by symbol, from their
 * BTF (kernel_source.c finds it), with the BTF core's fingerprints and root-change diff
 * (core/modver_closure.c: this file only chooses the symbols, counts and prints).
 *
 * Without a module every export of NEW's (else OLD's) Module.symvers exported by vmlinux is
 * compared: its CRC on both sides where both have CRCs, and the fingerprint of its type closure;
 * each one whose CRC or fingerprint changed is listed with its root changes.  With a module, each
 * import whose CRC the module and NEW disagree on is explained, its old side from the module's
 * .modver_stamp when it has one, else from OLD.
 *
 * --stamp writes that section; --show-stamp prints one.
 *
 * Exit status: 0 nothing changed (no import disagrees), 1 something changed, 2 error.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "explain.h"
#include "modver_decide.h"
#include "kernel_source.h"
#include "ko_image.h"
#include "modver_elf.h"
#include "modver_stamp.h"
#include "modver_table.h"
#include "symvers.h"

#define TEXT_MAX	1024

/* One side of the comparison: a kernel's BTF, or a module's stamp. */
struct side {
	const char *label;	/* "old" or "new" */
	struct kernel_source ks;
	struct mv_btf btf;
	struct mv_btf_names nx;
	struct mv_closure cl;
	struct mv_stamp st;
	bool stamp;
	struct mv_btf *b;	/* &btf or &st.btf */
	struct mv_closure *c;	/* &cl or &st.cl */
	void *mem[3];
	const char *btf_from;
};

enum category {
	CAT_NO_BTF,		/* neither side has a FUNC or VAR for it */
	CAT_MODULE_EXPORT,	/* exported by a module: its BTF is in that module */
	CAT_ONE_SIDE,		/* one side only */
	CAT_IDENTICAL,		/* closures identical despite the CRC change */
	CAT_DIFF_EMPTY,		/* fingerprints differ, no root change found */
	CAT_DIFF_FAILED,
	CAT_COUNT,
};

static const char *const category_names[CAT_COUNT] = {
	[CAT_NO_BTF] = "no BTF FUNC/VAR for the symbol (data, assembly or Rust)",
	[CAT_MODULE_EXPORT] = "exported by a module (its BTF is in that module, not compared)",
	[CAT_ONE_SIDE] = "BTF on one side only",
	[CAT_IDENTICAL] = "closure identical despite CRC change",
	[CAT_DIFF_EMPTY] = "fingerprint changed but no root change found",
	[CAT_DIFF_FAILED] = "the diff failed",
};

static const char *const category_keys[CAT_COUNT] = {
	[CAT_NO_BTF] = "no_btf", [CAT_MODULE_EXPORT] = "module_export",
	[CAT_ONE_SIDE] = "btf_one_side",
	[CAT_IDENTICAL] = "closure_identical", [CAT_DIFF_EMPTY] = "no_root_change_found",
	[CAT_DIFF_FAILED] = "diff_failed",
};

/* Distinct root changes (kind, type, item), with how many listed symbols reach each. */
struct root {
	char *key;		/* "kind|type|item" */
	char *type;
	char *item;
	enum mv_change_kind kind;
	enum mv_change_class cls;
	s64 old_value, new_value;
	u64 symbols;
	u64 last;		/* the symbol that last counted it */
};

struct roots {
	struct root *slots;
	u64 cap, used;
};

struct run {
	const struct explain_opts *o;
	struct side old, new;
	void *diff_mem;
	u64 diff_bytes;
	char text[TEXT_MAX];
	bool first;		/* the next JSON symbol is the first */
	bool first_change;
	unsigned int changes;	/* root changes of the current symbol */
	unsigned int max_changes;	/* printed per symbol; 0: all */
	u64 symbol_no;		/* the current symbol's number, from 1 */
	struct roots roots;
	/* the summary */
	u64 compared, crc_changed, fp_changed, listed, explained, unexplained;
	u64 cats[CAT_COUNT];
	u64 matrix[2][2];	/* [crc changed][fingerprint changed], BTF and CRCs on both sides */
	u64 crc_btf_both, crc_btf_both_explained;
	u64 added, removed, skipped_modules;
	u64 additive, layout;
};

static u64 hash_str(const char *s)
{
	u64 h = 1469598103934665603ULL;

	while (*s)
		h = (h ^ (u8)*s++) * 1099511628211ULL;
	return h;
}

static struct root *roots_slot(struct root *slots, u64 cap, const char *key)
{
	u64 i = hash_str(key) & (cap - 1);

	while (slots[i].key && strcmp(slots[i].key, key))
		i = (i + 1) & (cap - 1);
	return &slots[i];
}

/* The root of @key, added if new; NULL when out of memory. */
static struct root *roots_get(struct roots *r, const char *key)
{
	struct root *slot, *bigger;
	u64 i, cap;

	if ((r->used + 1) * 2 > r->cap) {
		cap = r->cap ? r->cap * 2 : 1024;
		bigger = calloc(cap, sizeof(*bigger));
		if (!bigger)
			return NULL;
		for (i = 0; i < r->cap; i++)
			if (r->slots[i].key)
				*roots_slot(bigger, cap, r->slots[i].key) = r->slots[i];
		free(r->slots);
		r->slots = bigger;
		r->cap = cap;
	}
	slot = roots_slot(r->slots, r->cap, key);
	if (!slot->key) {
		slot->key = strdup(key);
		if (!slot->key)
			return NULL;
		r->used++;
	}
	return slot;
}

static void roots_free(struct roots *r)
{
	u64 i;

	for (i = 0; i < r->cap; i++) {
		free(r->slots[i].key);
		free(r->slots[i].type);
		free(r->slots[i].item);
	}
	free(r->slots);
}

/* Most reached first, then by key. */
static int by_reach(const void *a, const void *b)
{
	const struct root *x = *(const struct root *const *)a, *y = *(const struct root *const *)b;

	if (x->symbols != y->symbols)
		return x->symbols > y->symbols ? -1 : 1;
	return strcmp(x->key, y->key);
}

static struct root **roots_sorted(const struct roots *r)
{
	struct root **v = malloc((r->used + 1) * sizeof(*v));
	u64 i, n = 0;

	if (!v)
		return NULL;
	for (i = 0; i < r->cap; i++)
		if (r->slots[i].key)
			v[n++] = &r->slots[i];
	qsort(v, n, sizeof(*v), by_reach);
	return v;
}

/* --- sides --------------------------------------------------------------------------------- */

static int index_btf(struct side *s, struct mv_btf *b, const char **why)
{
	u64 n;

	n = mv_btf_index_bytes(b);
	s->mem[0] = malloc(n ? n : 1);
	if (!s->mem[0] || mv_btf_index(b, s->mem[0], n)) {
		*why = "cannot index it";
		return -1;
	}
	n = mv_btf_names_bytes(b);
	s->mem[1] = malloc(n ? n : 1);
	if (!s->mem[1] || mv_btf_names_build(&s->nx, b, s->mem[1], n)) {
		*why = "cannot index its names";
		return -1;
	}
	n = mv_closure_bytes(b);
	s->mem[2] = malloc(n ? n : 1);
	if (!s->mem[2] || mv_closure_init(&s->cl, b, s->mem[2], n)) {
		*why = "cannot set up its closures";
		return -1;
	}
	return 0;
}

static int side_open(struct side *s, const char *spec)
{
	char err[1024];
	const char *why = NULL;

	if (kernel_source_open(spec, &s->ks, err, sizeof(err))) {
		fprintf(stderr, "modver-dump: %s\n", err);
		return -1;
	}
	if (mv_btf_open(&s->btf, s->ks.btf, s->ks.btf_len, &why) || index_btf(s, &s->btf, &why)) {
		fprintf(stderr, "modver-dump: %s: unreadable BTF: %s\n", s->ks.btf_from, why);
		return -1;
	}
	s->b = &s->btf;
	s->c = &s->cl;
	s->btf_from = s->ks.btf_from;
	return 0;
}

static int side_open_stamp(struct side *s, const struct ko_image *img, const char *path)
{
	const struct elf64_shdr *shp = mv_section(img->bytes, img->len, MV_STAMP_SECTION);
	struct elf64_shdr sh;
	const char *why = "";
	u64 n;

	if (!shp)
		return 1;
	memcpy(&sh, shp, sizeof(sh));
	n = mv_stamp_open_bytes(img->bytes + sh.sh_offset, sh.sh_size);
	s->mem[0] = malloc(n ? n : 1);
	if (!s->mem[0] || mv_stamp_open(&s->st, img->bytes + sh.sh_offset, sh.sh_size, s->mem[0],
					n, &why)) {
		fprintf(stderr, "modver-dump: %s: its %s section cannot be read: %s\n", path,
			MV_STAMP_SECTION, why);
		return -1;
	}
	s->stamp = true;
	s->b = &s->st.btf;
	s->c = &s->st.cl;
	s->btf_from = path;
	return 0;
}

static void side_close(struct side *s)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(s->mem); i++)
		free(s->mem[i]);
	kernel_source_free(&s->ks);
}

/* The symbol's FUNC or VAR id (0: none) and the fingerprint of its closure. */
static u32 side_symbol(struct side *s, const char *name, u64 *fp)
{
	struct mv_stamp_sym ss;
	u32 id;

	*fp = 0;
	if (s->stamp) {
		if (mv_stamp_find(&s->st, name, &ss) < 0 || !ss.type_id)
			return 0;
		*fp = ss.fp;
		return ss.type_id;
	}
	id = mv_btf_symbol(&s->nx, name);
	if (id && mv_closure_fingerprint(s->c, id, fp))
		return 0;
	return id;
}

static bool side_crc(const struct side *s, const char *name, u32 *crc)
{
	return s->ks.symvers && symvers_crc(s->ks.symvers, name, crc);
}

/* --- one symbol ---------------------------------------------------------------------------- */

static int on_change(void *arg, const struct mv_change *ch)
{
	struct run *r = arg;
	char key[TEXT_MAX], type[256] = "";
	struct root *root;

	mv_type_name(r->new.b, ch->new_type, type, sizeof(type));
	if (!type[0])
		mv_type_name(r->old.b, ch->old_type, type, sizeof(type));
	snprintf(key, sizeof(key), "%s|%s|%s", mv_change_kind_name(ch->kind), type, ch->item);
	root = roots_get(&r->roots, key);
	if (root && root->last != r->symbol_no) {
		if (!root->symbols) {
			root->type = strdup(type);
			root->item = strdup(ch->item);
			root->kind = ch->kind;
			root->cls = ch->cls;
			root->old_value = ch->old_value;
			root->new_value = ch->new_value;
		}
		root->symbols++;
		root->last = r->symbol_no;
	}
	r->changes++;
	if (ch->cls == MV_CLASS_ADDITIVE)
		r->additive++;
	else
		r->layout++;
	if (r->max_changes && r->changes > r->max_changes)
		return 0;
	if (!r->o->json) {
		printf("  %s: %s\n", mv_change_class_name(ch->cls), ch->text);
		return 0;
	}
	printf("%s{\"kind\":", r->first_change ? "" : ",");
	r->first_change = false;
	json_string(mv_change_kind_name(ch->kind));
	printf(",\"class\":");
	json_string(mv_change_class_name(ch->cls));
	printf(",\"type\":");
	json_string(type);
	printf(",\"item\":");
	json_string(ch->item);
	printf(",\"old\":%lld,\"new\":%lld,\"hops\":%u,\"text\":", (long long)ch->old_value,
	       (long long)ch->new_value, ch->hops);
	json_string(ch->text);
	printf("}");
	return 0;
}

static void print_crc_json(const char *key, bool has, u32 crc)
{
	if (has)
		printf(",\"%s\":\"0x%08x\"", key, crc);
	else
		printf(",\"%s\":null", key);
}

/*
 * Compare one symbol: @module_crc (with @has_module_crc) stands for the old CRC in module mode.
 * Returns whether it was listed.
 */
static bool explain_symbol(struct run *r, const char *name, bool has_old_crc, u32 old_crc,
			   bool force)
{
	u32 new_crc = 0, old_id, new_id;
	u64 old_fp, new_fp;
	bool has_new_crc = side_crc(&r->new, name, &new_crc);
	bool crc_changed = has_old_crc && has_new_crc && old_crc != new_crc;
	bool fp_changed, both;
	const char *why = "";
	int cat = -1, ret = 0;

	old_id = side_symbol(&r->old, name, &old_fp);
	new_id = side_symbol(&r->new, name, &new_fp);
	both = old_id && new_id;
	fp_changed = both && old_fp != new_fp;
	r->compared++;
	r->crc_changed += crc_changed;
	r->fp_changed += fp_changed;
	if (both && has_old_crc && has_new_crc)
		r->matrix[crc_changed][fp_changed]++;
	if (!crc_changed && !fp_changed && !force)
		return false;
	r->listed++;
	r->symbol_no++;
	r->changes = 0;
	r->first_change = true;
	if (r->o->json) {
		printf("%s{\"symbol\":", r->first ? "" : ",");
		r->first = false;
		json_string(name);
		print_crc_json(r->old.stamp ? "module_crc" : "old_crc", has_old_crc, old_crc);
		print_crc_json("new_crc", has_new_crc, new_crc);
		printf(",\"crc_changed\":%s,\"btf\":\"%s\"", crc_changed ? "true" : "false",
		       both ? "both" : old_id ? "old" : new_id ? "new" : "none");
		if (both)
			printf(",\"old_fp\":\"0x%016llx\",\"new_fp\":\"0x%016llx\"",
			       (unsigned long long)old_fp, (unsigned long long)new_fp);
		printf(",\"fp_changed\":%s,\"changes\":[", fp_changed ? "true" : "false");
	} else {
		printf("%s:", name);
		if (has_old_crc && has_new_crc)
			printf(" crc 0x%08x -> 0x%08x%s", old_crc, new_crc,
			       crc_changed ? "" : " (unchanged)");
		else if (has_new_crc)
			printf(" crc 0x%08x (no old CRC)", new_crc);
		else
			printf(" (no CRCs: types only)");
		printf(", types %s\n", !both ? "not comparable" :
		       fp_changed ? "changed" : "identical");
	}
	if (both && fp_changed) {
		ret = mv_diff(&r->old.c[0], old_id, &r->new.c[0], new_id, r->diff_mem,
			      r->diff_bytes, r->text, sizeof(r->text), on_change, r, &why);
		if (ret)
			cat = CAT_DIFF_FAILED;
		else if (!r->changes)
			cat = CAT_DIFF_EMPTY;
	} else if (both) {
		cat = CAT_IDENTICAL;
	} else if (old_id || new_id) {
		cat = CAT_ONE_SIDE;
	} else {
		cat = r->new.ks.symvers && !symvers_in_vmlinux(r->new.ks.symvers, name) &&
		      has_new_crc ? CAT_MODULE_EXPORT : CAT_NO_BTF;
	}
	if (both && crc_changed) {
		r->crc_btf_both++;
		r->crc_btf_both_explained += r->changes > 0;
	}
	if (r->changes) {
		r->explained++;
	} else if (cat >= 0) {
		r->cats[cat]++;
		r->unexplained++;
	}
	if (r->o->json) {
		printf("],\"root_changes\":%u,\"explained\":%s,\"category\":", r->changes,
		       r->changes ? "true" : "false");
		if (r->changes || cat < 0)
			printf("null");
		else
			json_string(category_names[cat]);
		if (cat == CAT_DIFF_FAILED) {
			printf(",\"error\":");
			json_string(why ?: "unknown");
		}
		printf("}");
	} else if (r->max_changes && r->changes > r->max_changes) {
		printf("  ... and %u more root changes (%s%s lists them all)\n",
		       r->changes - r->max_changes,
		       r->o->nr_symbols ? "--max-changes 0" : "--symbol ",
		       r->o->nr_symbols ? "" : name);
	} else if (!r->changes && cat >= 0) {
		printf("  unexplained: %s%s%s\n", category_names[cat],
		       cat == CAT_DIFF_FAILED ? ": " : "",
		       cat == CAT_DIFF_FAILED && why ? why : "");
	}
	return true;
}

/* --- without a module: every export -------------------------------------------------------- */

static bool wanted(const struct run *r, const char *name)
{
	unsigned int i;

	if (!r->o->nr_symbols)
		return true;
	for (i = 0; i < r->o->nr_symbols; i++)
		if (!strcmp(r->o->symbols[i], name))
			return true;
	return false;
}

struct name_list {
	const char **names;
	u32 *crcs;
	u64 count, cap;
};

static void collect(const char *name, u32 crc, bool in_vmlinux, void *arg)
{
	struct run *r = ((void **)arg)[0];
	struct name_list *l = ((void **)arg)[1];

	if (!in_vmlinux) {
		r->skipped_modules++;
		return;
	}
	if (l->count == l->cap) {
		u64 cap = l->cap ? l->cap * 2 : 4096;
		const char **n = realloc(l->names, cap * sizeof(*n));
		u32 *c;

		if (!n)
			return;
		l->names = n;
		c = realloc(l->crcs, cap * sizeof(*c));
		if (!c)
			return;
		l->crcs = c;
		l->cap = cap;
	}
	l->names[l->count] = name;
	l->crcs[l->count++] = crc;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int explain_exports(struct run *r)
{
	struct symvers *from = r->new.ks.symvers ?: r->old.ks.symvers;
	struct name_list l = { 0 };
	void *arg[2] = { r, &l };
	unsigned int i;
	u32 crc;
	u64 k;

	if (!from) {
		/* No CRCs on either side: the symbols asked for, by their types alone. */
		if (!r->o->nr_symbols) {
			fprintf(stderr, "%s\n",
				"modver-dump: neither side has CRCs (Module.symvers): name the exports to compare with --symbol");
			return -1;
		}
		for (i = 0; i < r->o->nr_symbols; i++)
			explain_symbol(r, r->o->symbols[i], false, 0, true);
		return 0;
	}
	symvers_foreach(from, collect, arg);
	qsort(l.names, l.count, sizeof(*l.names), by_name);
	for (k = 0; k < l.count; k++) {
		const char *name = l.names[k];
		bool has_old;

		if (!wanted(r, name))
			continue;
		has_old = side_crc(&r->old, name, &crc);
		if (r->old.ks.symvers && r->new.ks.symvers && !has_old) {
			r->added++;
			continue;
		}
		explain_symbol(r, name, has_old, crc, r->o->nr_symbols > 0);
	}
	if (r->o->nr_symbols)
		r->skipped_modules = 0;	/* only the symbols named were looked at */
	else if (r->old.ks.symvers && r->new.ks.symvers) {
		struct name_list gone = { 0 };
		void *garg[2] = { r, &gone };
		u64 skipped = r->skipped_modules;

		symvers_foreach(r->old.ks.symvers, collect, garg);
		r->skipped_modules = skipped;
		for (k = 0; k < gone.count; k++)
			r->removed += !symvers_crc(r->new.ks.symvers, gone.names[k], &crc);
		free(gone.names);
		free(gone.crcs);
	}
	free(l.names);
	free(l.crcs);
	return 0;
}

/* --- with a module: its imports ------------------------------------------------------------ */

struct imports {
	struct run *r;
	const struct mv_tables *t;
	u64 mismatched;
};

static void on_import(const char *name, bool weak, void *arg)
{
	struct imports *im = arg;
	struct mv_cursor c = { 0 };
	struct mv_entry e;
	u32 new_crc;
	bool has_crc = false;
	u32 crc = 0;

	(void)weak;
	if (!wanted(im->r, name))
		return;
	while (mv_entry_at(im->t, &c, &e))
		if (!strcmp(e.name, name)) {
			has_crc = true;
			crc = e.crc;
			break;
		}
	if (has_crc && side_crc(&im->r->new, name, &new_crc) && new_crc != crc)
		im->mismatched++;
	explain_symbol(im->r, name, has_crc, crc, false);
}

static int explain_module(struct run *r, const struct ko_image *img, struct imports *im)
{
	struct mv_tables t, ext;
	const char *why;

	mv_tables_find_format(img->bytes, img->len, MV_TABLE_EXTENDED, &ext);
	mv_tables_find(img->bytes, img->len, ext.kind == MV_TABLE_NONE ? MV_KERNEL_BASIC :
		       MV_KERNEL_EXTENDED, &t);
	im->r = r;
	im->t = &t;
	/* module_layout first, as the loader checks it first; then every undefined symbol. */
	on_import(MV_LAYOUT_SYMBOL, false, im);
	if (mv_undefined_symbols(img->bytes, img->len, on_import, im)) {
		fprintf(stderr, "modver-dump: %s: cannot read its symbols\n", r->o->module);
		return -1;
	}
	(void)why;
	return 0;
}

/* --- the run ------------------------------------------------------------------------------- */

static void print_source(const char *key, const struct side *s)
{
	if (s->stamp) {
		printf("\"%s\":{\"btf\":\"stamp\",\"stamp_release\":", key);
		json_string(s->st.release);
		printf(",\"crcs\":null}");
		return;
	}
	printf("\"%s\":{\"btf\":", key);
	json_string(s->btf_from);
	printf(",\"crcs\":");
	if (s->ks.symvers)
		json_string(s->ks.crc_from);
	else
		printf("null");
	printf("}");
}

static void json_count(const char *key, u64 v, bool comma)
{
	printf("%s\"%s\":%llu", comma ? "," : "", key, (unsigned long long)v);
}

/* Every distinct root change, the most reached first. */
static void print_roots_json(const struct run *r)
{
	struct root **v = roots_sorted(&r->roots);
	u64 i;

	printf(",\"roots\":[");
	for (i = 0; v && i < r->roots.used; i++) {
		printf("%s{\"kind\":", i ? "," : "");
		json_string(mv_change_kind_name(v[i]->kind));
		printf(",\"class\":");
		json_string(mv_change_class_name(v[i]->cls));
		printf(",\"type\":");
		json_string(v[i]->type ?: "");
		printf(",\"item\":");
		json_string(v[i]->item ?: "");
		printf(",\"old\":%lld,\"new\":%lld,\"symbols\":%llu}",
		       (long long)v[i]->old_value, (long long)v[i]->new_value,
		       (unsigned long long)v[i]->symbols);
	}
	printf("]");
	free(v);
}

/* The most reached root changes, in text. */
static void print_roots_text(const struct run *r, unsigned int most)
{
	struct root **v = roots_sorted(&r->roots);
	u64 i;

	for (i = 0; v && i < r->roots.used && i < most; i++) {
		printf("  %6llu %s  %s: %s", (unsigned long long)v[i]->symbols,
		       v[i]->cls == MV_CLASS_ADDITIVE ? "additive" : "layout  ",
		       v[i]->type ?: "", mv_change_kind_name(v[i]->kind));
		if (v[i]->item && v[i]->item[0])
			printf(" %s", v[i]->item);
		printf(" (%lld -> %lld)\n", (long long)v[i]->old_value,
		       (long long)v[i]->new_value);
	}
	if (r->roots.used > most)
		printf("  ... and %llu more (--json lists them all)\n",
		       (unsigned long long)(r->roots.used - most));
	free(v);
}

static void print_summary_json(const struct run *r, const struct imports *im)
{
	unsigned int i;
	bool first = true;

	printf("],\"summary\":{");
	json_count("compared", r->compared, false);
	json_count("crc_changed", r->crc_changed, true);
	json_count("fp_changed", r->fp_changed, true);
	json_count("listed", r->listed, true);
	json_count("explained", r->explained, true);
	json_count("unexplained", r->unexplained, true);
	printf(",\"categories\":{");
	for (i = 0; i < CAT_COUNT; i++) {
		if (!r->cats[i])
			continue;
		json_count(category_keys[i], r->cats[i], !first);
		first = false;
	}
	printf("},\"matrix\":{");
	json_count("crc_changed_fp_changed", r->matrix[1][1], false);
	json_count("crc_changed_fp_same", r->matrix[1][0], true);
	json_count("crc_same_fp_changed", r->matrix[0][1], true);
	json_count("crc_same_fp_same", r->matrix[0][0], true);
	printf("}");
	json_count("crc_changed_with_btf", r->crc_btf_both, true);
	json_count("crc_changed_with_btf_explained", r->crc_btf_both_explained, true);
	json_count("root_changes", r->roots.used, true);
	json_count("additive", r->additive, true);
	json_count("layout_changing", r->layout, true);
	json_count("exports_added", r->added, true);
	json_count("exports_removed", r->removed, true);
	json_count("module_exports_skipped", r->skipped_modules, true);
	if (im)
		json_count("imports_mismatched", im->mismatched, true);
	printf("}");
	print_roots_json(r);
}

static void print_summary(const struct run *r, const struct imports *im)
{
	unsigned int i;
	bool first = true;

	if (r->o->json) {
		print_summary_json(r, im);
		return;
	}
	printf("summary: %llu %s compared, %llu CRC changed, %llu fingerprint changed, ",
	       (unsigned long long)r->compared, im ? "imports" : "exports",
	       (unsigned long long)r->crc_changed, (unsigned long long)r->fp_changed);
	printf("%llu listed: %llu explained, %llu unexplained", (unsigned long long)r->listed,
	       (unsigned long long)r->explained, (unsigned long long)r->unexplained);
	for (i = 0; i < CAT_COUNT; i++) {
		if (!r->cats[i])
			continue;
		printf("%s%llu %s", first ? " (" : ", ", (unsigned long long)r->cats[i],
		       category_names[i]);
		first = false;
	}
	printf("%s\n", first ? "" : ")");
	printf("root changes: %llu distinct (kind, type, member)",
	       (unsigned long long)r->roots.used);
	if (r->listed > 1 && r->roots.used) {
		printf(", the most reached first (symbols reaching it, class, change):\n");
		print_roots_text(r, 20);
	} else {
		printf("\n");
	}
	if (r->crc_btf_both)
		printf("coverage: %llu of %llu %s\n",
		       (unsigned long long)r->crc_btf_both_explained,
		       (unsigned long long)r->crc_btf_both,
		       "CRC changes with BTF on both sides have a root change");
	if (r->added || r->removed || r->skipped_modules) {
		printf("exports: %llu added, %llu removed, ", (unsigned long long)r->added,
		       (unsigned long long)r->removed);
		printf("%llu exported by modules not compared (their BTF is in the modules)\n",
		       (unsigned long long)r->skipped_modules);
	}
	if (im)
		printf("imports whose CRC disagrees with NEW: %llu\n",
		       (unsigned long long)im->mismatched);
}

int explain_run(const struct explain_opts *o)
{
	struct run *r = calloc(1, sizeof(*r));
	struct ko_image img = { 0 };
	struct imports im = { 0 };
	char err[512];
	const char *why;
	int ret = 2, stamp = 1;

	if (!r)
		return 2;
	r->o = o;
	r->first = true;
	/* A whole kernel: a few root changes per export (the summary counts them all). */
	r->max_changes = o->max_changes >= 0 ? o->max_changes :
			 o->module || o->nr_symbols ? 0 : 5;
	if (o->module) {
		if (ko_image_read(o->module, &img, err, sizeof(err))) {
			fprintf(stderr, "modver-dump: %s\n", err);
			goto out;
		}
		if (mv_image_check(img.bytes, img.len, &why)) {
			fprintf(stderr, "modver-dump: %s: not a readable module image: %s\n",
				o->module, why);
			goto out;
		}
		stamp = side_open_stamp(&r->old, &img, o->module);
		if (stamp < 0)
			goto out;
	}
	if (stamp && !strcmp(o->old_spec, "-")) {
		fprintf(stderr, "modver-dump: OLD is '-' (the stamp) but %s has no %s section\n",
			o->module ?: "no module was given: nothing", MV_STAMP_SECTION);
		goto out;
	}
	if ((stamp && side_open(&r->old, o->old_spec)) || side_open(&r->new, o->new_spec))
		goto out;
	r->diff_bytes = mv_diff_bytes(r->old.b, r->new.b);
	r->diff_mem = malloc(r->diff_bytes ? r->diff_bytes : 1);
	if (!r->diff_mem)
		goto out;
	if (o->json) {
		printf("{");
		print_source("old", &r->old);
		printf(",");
		print_source("new", &r->new);
		printf(",\"module\":");
		if (o->module)
			json_string(o->module);
		else
			printf("null");
		printf(",\"symbols\":[");
	} else {
		if (r->old.stamp)
			printf("old: the stamp of %s (built for %s)\n", o->module,
			       r->old.st.release);
		else
			printf("old: %s; CRCs: %s\n", r->old.btf_from,
			       r->old.ks.symvers ? r->old.ks.crc_from : "none (types only)");
		printf("new: %s; CRCs: %s\n", r->new.btf_from,
		       r->new.ks.symvers ? r->new.ks.crc_from : "none (types only)");
	}
	if (o->module ? explain_module(r, &img, &im) : explain_exports(r))
		goto out;
	print_summary(r, o->module ? &im : NULL);
	ret = o->module ? im.mismatched > 0 || (!r->new.ks.symvers && r->fp_changed) :
			  r->listed > 0;
	if (o->json)
		printf(",\"exit\":%d}\n", ret);
out:
	free(r->diff_mem);
	side_close(&r->old);
	side_close(&r->new);
	roots_free(&r->roots);
	ko_image_free(&img);
	free(r);
	return ret;
}

/* --- stamps -------------------------------------------------------------------------------- */

struct import_names {
	const char **names;
	u32 count, cap;
};

static void add_import(const char *name, bool weak, void *arg)
{
	struct import_names *n = arg;

	(void)weak;
	if (n->count == n->cap) {
		u32 cap = n->cap ? n->cap * 2 : 256;
		const char **grown = realloc(n->names, cap * sizeof(*grown));

		if (!grown)
			return;
		n->names = grown;
		n->cap = cap;
	}
	n->names[n->count++] = name;
}

static int write_file(const char *path, const struct ko_image *img)
{
	char tmp[4096];
	FILE *f;

	snprintf(tmp, sizeof(tmp), "%s.stamp-tmp", path);
	f = fopen(tmp, "wb");
	if (!f || fwrite(img->bytes, 1, img->len, f) != img->len || fclose(f)) {
		fprintf(stderr, "modver-dump: %s: %s\n", tmp, strerror(errno));
		unlink(tmp);
		return -1;
	}
	if (rename(tmp, path)) {
		fprintf(stderr, "modver-dump: %s: %s\n", path, strerror(errno));
		unlink(tmp);
		return -1;
	}
	return 0;
}

/**
 * stamp_run() - record in a module what it expects of its build kernel's types
 * @btf_spec: the build kernel (a kernel source, kernel_source.h)
 * @module: the module, plain .ko, unsigned
 * @out: where to write the stamped module (NULL: in place)
 * @json: print the result as JSON
 *
 * Return: 0, or 2 on error.
 */
int stamp_run(const char *btf_spec, const char *module, const char *out, bool json)
{
	static const char sig[] = "~Module signature appended~\n";
	struct import_names n = { 0 };
	struct ko_image img = { 0 }, stamped = { 0 };
	struct side s = { 0 };
	struct mv_tables t;
	struct mv_cursor c = { 0 };
	struct mv_entry e;
	char release[MV_STAMP_MAX_RELEASE] = "", err[512];
	const char *why = "";
	void *work = NULL, *buf = NULL;
	u64 work_bytes, size = 0, written = 0;
	u32 i, k;
	int ret = 2;
	FILE *f;

	f = fopen(module, "rb");
	if (f) {
		u8 head[6];

		if (fread(head, 1, sizeof(head), f) == sizeof(head) &&
		    mv_image_compression(head, sizeof(head))) {
			fprintf(stderr, "modver-dump: %s: %s\n", module,
				"compressed: stamp the plain .ko, before it is compressed and signed");
			fclose(f);
			return 2;
		}
		fclose(f);
	}
	if (ko_image_read(module, &img, err, sizeof(err))) {
		fprintf(stderr, "modver-dump: %s\n", err);
		return 2;
	}
	if (img.len >= sizeof(sig) - 1 &&
	    !memcmp(img.bytes + img.len - (sizeof(sig) - 1), sig, sizeof(sig) - 1)) {
		fprintf(stderr, "modver-dump: %s: %s\n", module,
			"already signed: stamping must come before signing (a stamp added now would break the signature)");
		goto out;
	}
	if (mv_image_check(img.bytes, img.len, &why)) {
		fprintf(stderr, "modver-dump: %s: not a readable module image: %s\n", module, why);
		goto out;
	}
	if (mv_section(img.bytes, img.len, MV_STAMP_SECTION)) {
		fprintf(stderr, "modver-dump: %s: already has a %s section\n", module,
			MV_STAMP_SECTION);
		goto out;
	}
	/* The imports: every __versions entry (module_layout too) and every undefined symbol. */
	mv_tables_find(img.bytes, img.len, MV_KERNEL_BASIC, &t);
	while (mv_entry_at(&t, &c, &e))
		add_import(e.name, false, &n);
	if (mv_undefined_symbols(img.bytes, img.len, add_import, &n)) {
		fprintf(stderr, "modver-dump: %s: cannot read its symbols\n", module);
		goto out;
	}
	qsort(n.names, n.count, sizeof(*n.names), by_name);
	for (i = 0, k = 0; i < n.count; i++)
		if (!k || strcmp(n.names[k - 1], n.names[i]))
			n.names[k++] = n.names[i];
	n.count = k;
	if (ko_modinfo(&img, "vermagic", release, sizeof(release)))
		release[strcspn(release, " ")] = '\0';
	if (side_open(&s, btf_spec))
		goto out;
	work_bytes = mv_stamp_work_bytes(s.b);
	work = malloc(work_bytes ? work_bytes : 1);
	if (!work || mv_stamp_size(&s.nx, s.c, release, n.names, n.count, work, work_bytes,
				   &size, &why)) {
		fprintf(stderr, "modver-dump: %s: cannot size the stamp: %s\n", module, why);
		goto out;
	}
	buf = calloc(1, size ? size : 1);
	if (!buf || mv_stamp_build(&s.nx, s.c, release, n.names, n.count, work, work_bytes, buf,
				   size, &written, &why)) {
		fprintf(stderr, "modver-dump: %s: cannot build the stamp: %s\n", module, why);
		goto out;
	}
	if (ko_add_section(&img, MV_STAMP_SECTION, buf, written, &stamped, &why)) {
		fprintf(stderr, "modver-dump: %s: cannot add the section: %s\n", module, why);
		goto out;
	}
	if (write_file(out ?: module, &stamped))
		goto out;
	if (json) {
		printf("{\"module\":");
		json_string(out ?: module);
		printf(",\"btf\":");
		json_string(s.btf_from);
		printf(",\"release\":");
		json_string(release);
		printf(",\"symbols\":%u,\"stamp_bytes\":%llu}\n", n.count,
		       (unsigned long long)written);
	} else {
		printf("stamped %s: %u imports, %llu bytes of %s, from %s\n", out ?: module,
		       n.count, (unsigned long long)written, MV_STAMP_SECTION, s.btf_from);
	}
	ret = 0;
out:
	free(buf);
	free(work);
	free(n.names);
	side_close(&s);
	ko_image_free(&stamped);
	ko_image_free(&img);
	return ret;
}

/* --show-stamp: the records of a module's stamp.  Exit 0, 1 if it has none, 2 on error. */
int stamp_show(const char *module, bool json)
{
	struct ko_image img = { 0 };
	struct mv_stamp_sym ss;
	struct side s = { 0 };
	char err[512];
	const char *why;
	int ret = 2;
	u32 i;

	if (ko_image_read(module, &img, err, sizeof(err))) {
		fprintf(stderr, "modver-dump: %s\n", err);
		return 2;
	}
	if (mv_image_check(img.bytes, img.len, &why)) {
		fprintf(stderr, "modver-dump: %s: not a readable module image: %s\n", module, why);
		goto out;
	}
	ret = side_open_stamp(&s, &img, module);
	if (ret) {
		if (ret > 0)
			fprintf(stderr, "modver-dump: %s: no %s section\n", module,
				MV_STAMP_SECTION);
		ret = ret > 0 ? 1 : 2;
		goto out;
	}
	if (json) {
		printf("{\"module\":");
		json_string(module);
		printf(",\"release\":");
		json_string(s.st.release);
		printf(",\"btf_types\":%u,\"symbols\":[", s.st.has_btf ? s.st.btf.nr_types : 0);
	} else {
		printf("stamp of %s: built for %s, %u symbols, %u BTF types\n", module,
		       s.st.release, s.st.nr_syms, s.st.has_btf ? s.st.btf.nr_types : 0);
	}
	for (i = 0; i < s.st.nr_syms; i++) {
		if (mv_stamp_sym(&s.st, i, &ss))
			break;
		if (json) {
			printf("%s{\"symbol\":", i ? "," : "");
			json_string(ss.name);
			printf(",\"type_id\":%u,\"fp\":\"0x%016llx\"}", ss.type_id,
			       (unsigned long long)ss.fp);
		} else {
			printf("  0x%016llx  %s%s\n", (unsigned long long)ss.fp, ss.name,
			       ss.type_id ? "" : " (no BTF)");
		}
	}
	if (json)
		printf("]}\n");
	ret = 0;
out:
	side_close(&s);
	ko_image_free(&img);
	return ret;
}
