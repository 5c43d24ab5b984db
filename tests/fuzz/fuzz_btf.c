// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: untrusted BTF and stamps -> the closure core.  The input is
 * [u32 base length][base BTF][rest]: the base goes through mv_btf_open(), its index, name index
 * and closure workspace; up to 16 of its symbols are fingerprinted, rendered, visited and diffed
 * (against a second workspace over the same BTF: a diff of a BTF with itself must find nothing);
 * a stamp of them is built and must open again with the same fingerprints and diff to nothing.
 * The rest is read as split BTF on the base (the same walks) and as a stamp (mv_stamp_open(),
 * then each record diffed against the base).  Built with ASan and UBSan; any report, or a broken
 * invariant (abort()), is a finding.
 */
#include <stdlib.h>

#include "libfuzzer.h"
#include "modver_stamp.h"

#define FUZZ_SYMS 16

struct side {
	struct mv_btf btf;
	struct mv_btf_names nx;
	struct mv_closure cl, cl2;
	void *mem[4];
};

static void side_free(struct side *s)
{
	unsigned int i;

	for (i = 0; i < 4; i++)
		free(s->mem[i]);
	memset(s, 0, sizeof(*s));
}

static int side_load(struct side *s, const struct mv_btf *base, const u8 *p, u64 len)
{
	const char *why;
	u64 n;

	memset(s, 0, sizeof(*s));
	if (base ? mv_btf_open_split(&s->btf, base, p, len, &why) :
		   mv_btf_open(&s->btf, p, len, &why))
		return -1;
	n = mv_btf_index_bytes(&s->btf);
	s->mem[0] = malloc(n);
	if (mv_btf_index(&s->btf, s->mem[0], n))
		return -1;
	n = mv_btf_names_bytes(&s->btf);
	s->mem[1] = malloc(n);
	if (mv_btf_names_build(&s->nx, &s->btf, s->mem[1], n))
		return -1;
	n = mv_closure_bytes(&s->btf);
	s->mem[2] = malloc(n);
	s->mem[3] = malloc(n);
	if (mv_closure_init(&s->cl, &s->btf, s->mem[2], n) ||
	    mv_closure_init(&s->cl2, &s->btf, s->mem[3], n))
		return -1;
	return 0;
}

static int count_change(void *arg, const struct mv_change *ch)
{
	if (!ch->text || strlen(ch->text) >= 512)
		abort();
	++*(int *)arg;
	return 0;
}

/* A broken invariant: say which change, then abort(). */
static int print_change(void *arg, const struct mv_change *ch)
{
	(void)arg;
	fprintf(stderr, "fuzz_btf: change in a self-diff: %s (%s)\n", ch->text,
		mv_change_kind_name(ch->kind));
	return 0;
}

static int visit_id(void *arg, u32 id)
{
	(void)arg;
	(void)id;
	return 0;
}

static int cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The symbols' walks; returns how many names it put in @names (sorted, unique). */
static u32 walk(struct side *s, const char **names)
{
	u64 fp, fp2, bytes = mv_diff_bytes(&s->btf, &s->btf);
	void *mem = malloc(bytes);
	struct mv_btf_type t;
	u32 id, k = 0, i, j;
	const char *why;
	char buf[512];
	int n = 0;

	for (id = 1; id <= s->btf.nr_types && k < FUZZ_SYMS; id++) {
		if (mv_btf_type(&s->btf, id, &t) ||
		    (t.kind != MV_BTF_KIND_FUNC && t.kind != MV_BTF_KIND_VAR) || !t.name[0])
			continue;
		mv_type_name(&s->btf, id, buf, sizeof(buf));
		mv_closure_visit(&s->cl, id, visit_id, NULL);
		if (!mv_closure_fingerprint(&s->cl, id, &fp)) {
			if (mv_closure_fingerprint(&s->cl2, id, &fp2) || fp != fp2)
				abort();
			names[k++] = t.name;
		}
		n = 0;
		if (mv_diff(&s->cl, id, &s->cl2, id, mem, bytes, buf, sizeof(buf), count_change, &n,
			    &why) > 0) {
			mv_diff(&s->cl, id, &s->cl2, id, mem, bytes, buf, sizeof(buf), print_change,
				NULL, &why);
			abort();
		}
		if (id > 1)
			mv_diff(&s->cl, id, &s->cl2, id - 1, mem, bytes, buf, sizeof(buf),
				count_change, &n, &why);
	}
	free(mem);
	qsort(names, k, sizeof(*names), cmp);
	for (i = j = 0; i < k; i++)
		if (!j || strcmp(names[i], names[j - 1]))
			names[j++] = names[i];
	return j;
}

/* A stamp of @names from @s must open again, with the same fingerprints and no changes. */
static void stamp_round_trip(struct side *s, const char **names, u32 count)
{
	u64 wb = mv_stamp_work_bytes(&s->btf), size, written, ob, bytes, fp;
	void *work = malloc(wb), *mem, *dmem;
	struct mv_stamp_sym sym;
	struct mv_stamp st;
	const char *why;
	char buf[512];
	u8 *out;
	u32 i, id;
	int n = 0;

	if (mv_stamp_size(&s->nx, &s->cl, "fuzz", names, count, work, wb, &size, &why)) {
		free(work);
		return;
	}
	out = malloc(size);
	if (mv_stamp_build(&s->nx, &s->cl, "fuzz", names, count, work, wb, out, size, &written,
			   &why)) {
		fprintf(stderr, "stamp of %u names sized, then not built: %s\n", count, why);
		abort();
	}
	ob = mv_stamp_open_bytes(out, written);
	mem = malloc(ob);
	if (mv_stamp_open(&st, out, written, mem, ob, &why))
		abort();
	bytes = st.has_btf ? mv_diff_bytes(&st.btf, &s->btf) : 8;
	dmem = malloc(bytes);
	for (i = 0; i < st.nr_syms && st.has_btf; i++) {
		mv_stamp_sym(&st, i, &sym);
		id = mv_btf_symbol(&s->nx, sym.name);
		if (!sym.type_id || !id)
			continue;
		if (mv_closure_fingerprint(&s->cl, id, &fp) || fp != sym.fp)
			abort();
		if (mv_diff(&st.cl, sym.type_id, &s->cl2, id, dmem, bytes, buf, sizeof(buf),
			    count_change, &n, &why) > 0)
			abort();
	}
	free(dmem);
	free(mem);
	free(out);
	free(work);
}

/* The rest as a stamp: opened, each record diffed against the base. */
static void stamp_open(struct side *base, const u8 *p, u64 len)
{
	u8 *copy = malloc(len ? len : 1);
	u64 ob, bytes;
	struct mv_stamp_sym sym;
	struct mv_stamp st;
	void *mem, *dmem;
	const char *why;
	char buf[256];
	u32 i;
	int n = 0;

	memcpy(copy, p, len);
	ob = mv_stamp_open_bytes(copy, len);
	if (ob > (64 << 20)) {
		free(copy);
		return;
	}
	mem = malloc(ob);
	if (!mv_stamp_open(&st, copy, len, mem, ob, &why) && st.has_btf && base) {
		bytes = mv_diff_bytes(&st.btf, &base->btf);
		dmem = malloc(bytes);
		for (i = 0; i < st.nr_syms && i < FUZZ_SYMS; i++) {
			mv_stamp_sym(&st, i, &sym);
			mv_stamp_find(&st, sym.name, &sym);
			mv_diff(&st.cl, sym.type_id, &base->cl, mv_btf_symbol(&base->nx, sym.name),
				dmem, bytes, buf, sizeof(buf), count_change, &n, &why);
		}
		free(dmem);
	}
	free(mem);
	free(copy);
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	const char *names[FUZZ_SYMS];
	struct side base, split;
	u32 blen, count;
	u8 *b, *rest;
	u64 rlen;

	if (size < 4)
		return 0;
	memcpy(&blen, data, 4);
	blen = blen % (size - 3);
	/* Exact-length copies: a read past either is an ASan report. */
	b = malloc(blen ? blen : 1);
	memcpy(b, data + 4, blen);
	rlen = size - 4 - blen;
	rest = malloc(rlen ? rlen : 1);
	memcpy(rest, data + 4 + blen, rlen);
	if (!side_load(&base, NULL, b, blen)) {
		count = walk(&base, names);
		stamp_round_trip(&base, names, count);
		if (!side_load(&split, &base.btf, rest, rlen))
			walk(&split, names);
		side_free(&split);
		stamp_open(&base, rest, rlen);
	} else {
		stamp_open(NULL, data, size);
	}
	side_free(&base);
	free(rest);
	free(b);
	return 0;
}
