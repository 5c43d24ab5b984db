// SPDX-License-Identifier: GPL-2.0
/*
 * btf_closure_real OLD.btf NEW.btf Module.symvers [--show N]: the closure core on real kernels'
 * BTF.  Fingerprints every vmlinux export of Module.symvers in both BTFs (timed), diffs each
 * export between OLD and NEW (timed), and prints the figures: exports, with BTF, fingerprints
 * equal or different, root changes and their classes, workspace sizes.  With OLD == NEW it is
 * the self-diff sanity check: it fails (exit 1) when any export's diff finds a change or any
 * fingerprint differs.  --show N prints the first N root-change lines.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "modver_stamp.h"

struct side {
	void *data;
	struct mv_btf btf;
	struct mv_btf_names nx;
	struct mv_closure cl;
	u64 bytes;		/* index + names + closure workspace */
};

static double now(void);
struct tally {
	unsigned long changes, additive, shown, show;
};
static int on_change(void *arg, const struct mv_change *ch);

static int cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Stamp every export (the whole kernel: the largest stamp there can be), open it, and diff each
 * record's embedded closure against @s's: it must find nothing. */
static int stamp_check(struct side *s, char (*names)[128], unsigned long n, const char *rel)
{
	const char **v = malloc(n * sizeof(*v));
	u64 wb = mv_stamp_work_bytes(&s->btf), size, written, ob, db;
	void *work = malloc(wb), *out, *mem, *dmem;
	unsigned long i, k = 0, changes = 0;
	struct tally tl = { 0 };
	struct mv_closure live;
	struct mv_stamp st;
	struct mv_stamp_sym sym;
	const char *why;
	char buf[1024];
	double t0 = now(), t1, t2;

	for (i = 0; i < n; i++)
		if (!i || strcmp(names[i], names[i - 1]))
			v[k++] = names[i];
	qsort(v, k, sizeof(*v), cmp);
	for (i = 1, n = k, k = 1; i < n; i++)
		if (strcmp(v[i], v[k - 1]))
			v[k++] = v[i];
	if (mv_stamp_size(&s->nx, &s->cl, rel, v, k, work, wb, &size, &why)) {
		printf("stamp size: %s\n", why);
		return -1;
	}
	out = malloc(size);
	if (mv_stamp_build(&s->nx, &s->cl, rel, v, k, work, wb, out, size, &written, &why)) {
		printf("stamp build: %s\n", why);
		return -1;
	}
	t1 = now();
	ob = mv_stamp_open_bytes(out, written);
	mem = malloc(ob);
	if (mv_stamp_open(&st, out, written, mem, ob, &why)) {
		printf("stamp open: %s\n", why);
		return -1;
	}
	t2 = now();
	printf("stamp of %lu exports: %llu bytes (embedded BTF %u types), built in %.3f s, opened and every fingerprint verified in %.3f s (open workspace %.1f MiB)\n",
	       k, (unsigned long long)written, st.btf.nr_types, t1 - t0, t2 - t1, ob / 1048576.0);
	live = s->cl;	/* a second workspace over the live side */
	db = mv_closure_bytes(&s->btf);
	if (mv_closure_init(&live, &s->btf, malloc(db), db))
		return -1;
	db = mv_diff_bytes(&st.btf, &s->btf);
	dmem = malloc(db);
	for (i = 0; i < st.nr_syms; i++) {
		int r;

		mv_stamp_sym(&st, i, &sym);
		if (!sym.type_id)
			continue;
		r = mv_diff(&st.cl, sym.type_id, &live, mv_btf_symbol(&s->nx, sym.name), dmem, db,
			    buf, sizeof(buf), on_change, &tl, &why);
		if (r)
			changes++;
	}
	printf("stamp vs its own kernel: %lu of %u records with a change (must be 0)\n", changes,
	       st.nr_syms);
	return changes ? -1 : 0;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void *slurp(const char *path, u64 *len)
{
	FILE *f = fopen(path, "rb");
	void *p;
	long n;

	if (!f || fseek(f, 0, SEEK_END) || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET))
		return NULL;
	p = malloc(n ? n : 1);
	if (!p || fread(p, 1, n, f) != (size_t)n)
		return NULL;
	fclose(f);
	*len = n;
	return p;
}

static int load(struct side *s, const char *path)
{
	const char *why;
	u64 len, b;
	void *m;

	s->data = slurp(path, &len);
	if (!s->data || mv_btf_open(&s->btf, s->data, len, &why)) {
		fprintf(stderr, "%s: %s\n", path, s->data ? why : "cannot read");
		return -1;
	}
	b = mv_btf_index_bytes(&s->btf);
	s->bytes = b;
	if (mv_btf_index(&s->btf, malloc(b), b))
		return -1;
	b = mv_btf_names_bytes(&s->btf);
	s->bytes += b;
	if (mv_btf_names_build(&s->nx, &s->btf, malloc(b), b))
		return -1;
	b = mv_closure_bytes(&s->btf);
	s->bytes += b;
	m = malloc(b);
	if (mv_closure_init(&s->cl, &s->btf, m, b)) {
		fprintf(stderr, "%s: closure workspace\n", path);
		return -1;
	}
	return 0;
}


static int on_change(void *arg, const struct mv_change *ch)
{
	struct tally *t = arg;

	t->changes++;
	if (ch->cls == MV_CLASS_ADDITIVE)
		t->additive++;
	if (t->shown < t->show) {
		t->shown++;
		printf("  [%s] %s\n", mv_change_class_name(ch->cls), ch->text);
	}
	return 0;
}

int main(int argc, char **argv)
{
	static char names[40000][128], line[512];
	unsigned long n = 0, i, with = 0, both = 0, same = 0, diffed = 0, withchange = 0, bad = 0;
	struct side o, nw;
	struct tally tl = { 0 };
	double t0, t1, t2;
	u64 fo, fn, db;
	char buf[4096];
	const char *why;
	void *dmem;
	FILE *f;

	if (argc < 4)
		return 2;
	if (argc > 5 && !strcmp(argv[4], "--show"))
		tl.show = strtoul(argv[5], NULL, 0);
	t0 = now();
	if (load(&o, argv[1]) || load(&nw, argv[2]))
		return 1;
	t1 = now();
	printf("load+index+closure init: %.3f s for both; old %u types, %u FUNC/VAR names, %u edges, %.1f MiB workspace\n",
	       t1 - t0, o.btf.nr_types, o.nx.count, o.cl.nr_edges, o.bytes / 1048576.0);
	f = fopen(argv[3], "r");
	while (f && fgets(line, sizeof(line), f) && n < 40000) {
		char crc[32], sym[256], mod[256];

		if (sscanf(line, "%31s %255s %255s", crc, sym, mod) == 3 && !strcmp(mod, "vmlinux"))
			snprintf(names[n++], sizeof(names[0]), "%s", sym);
	}
	t0 = now();
	for (i = 0; i < n; i++) {
		u32 a = mv_btf_symbol(&o.nx, names[i]);

		if (a && !mv_closure_fingerprint(&o.cl, a, &fo))
			with++;
	}
	t1 = now();
	printf("fingerprint: %lu vmlinux exports, %lu with BTF, %.3f s (%.1f us each)\n", n, with,
	       t1 - t0, (t1 - t0) * 1e6 / (with ? with : 1));
	db = mv_diff_bytes(&o.btf, &nw.btf);
	dmem = malloc(db);
	t0 = now();
	for (i = 0; i < n; i++) {
		u32 a = mv_btf_symbol(&o.nx, names[i]), b = mv_btf_symbol(&nw.nx, names[i]);
		unsigned long before = tl.changes;
		int r;

		if (!a || !b)
			continue;
		both++;
		if (mv_closure_fingerprint(&o.cl, a, &fo) || mv_closure_fingerprint(&nw.cl, b, &fn)) {
			bad++;
			continue;
		}
		same += fo == fn;
		if (tl.shown < tl.show && fo != fn)
			printf("%s:\n", names[i]);
		r = mv_diff(&o.cl, a, &nw.cl, b, dmem, db, buf, sizeof(buf), on_change, &tl, &why);
		if (r < 0) {
			printf("diff %s: %s\n", names[i], why);
			bad++;
			continue;
		}
		diffed++;
		withchange += tl.changes != before;
		if ((fo != fn) != (tl.changes != before) && bad++ < 20)
			printf("MISMATCH %s: fingerprints %s, %lu root changes\n", names[i],
			       fo == fn ? "equal" : "differ", tl.changes - before);
	}
	t2 = now();
	printf("diff: %lu exports with BTF on both sides, %lu fingerprints equal, %lu diffed in %.3f s (fingerprints included), %lu with root changes, %lu root changes (%lu additive), %lu errors or mismatches; diff workspace %.1f MiB\n",
	       both, same, diffed, t2 - t0, withchange, tl.changes, tl.additive, bad,
	       db / 1048576.0);
	if (!strcmp(argv[1], argv[2]) && (same != both || tl.changes || bad))
		return 1;
	if (stamp_check(&nw, names, n, "test"))
		return 1;
	return 0;
}
