// SPDX-License-Identifier: GPL-2.0
/*
 * modver against the kernel model (see differential.h).
 *
 * For each kernel generation (6.1, 6.12, 6.14+), and for a load without flags and one that
 * ignores modversions: the model says where the loader gets to; modver's loader rules must agree.
 * When the loader gets to check_version(), every name in any version table, module_layout and a
 * name in none are asked about, with CRCs taken from the tables (so that matches happen) and
 * altered ones, and without a CRC.  The invariants (docs/design.md, "Never weaker"):
 *  - under refuse, modver admits only what check_version() passes;
 *  - where the kernel would read outside the version tables, modver admits nothing under refuse
 *    and refuses module_layout under every policy;
 *  - under every policy, module_layout is refused where the kernel fails it;
 *  - an admission check_version() would fail, or admit only by forcing, is tainted F;
 *  - with CONFIG_MODULE_FORCE_LOAD=n nothing is admitted by forcing.
 * modver refusing what the kernel passes is allowed, and counted.
 */
#include <stdio.h>
#include <stdlib.h>

#include "differential.h"
#include "modver_format.h"
#include "modver_elf.h"

#define DIFF_MAX_NAMES	48
#define DIFF_ABSENT	"modver_fuzz_absent_symbol"

struct diff_name {
	char name[MV_BASIC_NAME_LEN + 1];
	u32 crc[2];
	unsigned int ncrc;
};

struct diff_names {
	struct diff_name n[DIFF_MAX_NAMES];
	unsigned int count;
};

static void diff_add(struct diff_names *names, const char *name, u64 crc, bool has_crc)
{
	struct diff_name *n = NULL;
	unsigned int i;

	for (i = 0; i < names->count; i++)
		if (!strcmp(names->n[i].name, name))
			n = &names->n[i];
	if (!n) {
		if (names->count == DIFF_MAX_NAMES || strlen(name) > MV_BASIC_NAME_LEN)
			return;
		n = &names->n[names->count++];
		memset(n, 0, sizeof(*n));
		memcpy(n->name, name, strlen(name) + 1);
	}
	if (has_crc && n->ncrc < 2)
		n->crc[n->ncrc++] = (u32)crc;
}

/* Every entry of every table the image carries, as modver lists them. */
static void diff_collect(const u8 *image, u64 len, struct diff_names *names)
{
	static const enum mv_table_kind formats[] = { MV_TABLE_BASIC, MV_TABLE_EXTENDED };
	struct mv_cursor c;
	struct mv_tables t;
	struct mv_entry e;
	const char *why;
	unsigned int f;

	names->count = 0;
	diff_add(names, MV_LAYOUT_SYMBOL, 0, false);
	if (mv_image_check(image, len, &why))
		goto absent;
	for (f = 0; f < ARRAY_SIZE(formats); f++) {
		mv_tables_find_format(image, len, formats[f], &t);
		memset(&c, 0, sizeof(c));
		while (mv_entry_at(&t, &c, &e))
			diff_add(names, e.name, e.crc, true);
	}
absent:
	diff_add(names, DIFF_ABSENT, 0, false);
}

/* The raw __versions entries the kernel may read, including those modver calls malformed. */
static void diff_collect_raw(const u8 *image, u64 len, const struct km_load *l,
			     struct diff_names *names)
{
	struct elf64_shdr sh;
	struct elf64_hdr eh;
	char name[MV_BASIC_NAME_LEN + 1];
	u64 i, crc;

	if (!l->vers)
		return;
	memcpy(&eh, image, sizeof(eh));
	memcpy(&sh, image + eh.e_shoff + (u64)l->vers * sizeof(sh), sizeof(sh));
	for (i = 0; i < sh.sh_size / 64 && i < DIFF_MAX_NAMES; i++) {
		if (sh.sh_offset + (i + 1) * 64 > len || sh.sh_offset + (i + 1) * 64 < sh.sh_offset)
			return;
		memcpy(&crc, image + sh.sh_offset + i * 64, sizeof(crc));
		memcpy(name, image + sh.sh_offset + i * 64 + 8, MV_BASIC_NAME_LEN);
		name[MV_BASIC_NAME_LEN] = '\0';
		diff_add(names, name, crc, true);
	}
}

/**
 * diff_kernel_for() - the kernel an image is judged on
 * @image: the image
 * @len: its length
 * @gen: the loader generation
 * @k: result: the image's own architecture (x86_64 or arm64), its own this_module size (as a
 *	module built for that kernel has), CONFIG_MODULE_FORCE_LOAD
 */
void diff_kernel_for(const u8 *image, u64 len, enum km_gen gen, struct km_kernel *k)
{
	const struct elf64_shdr *mod;
	struct elf64_shdr sh;
	struct elf64_hdr eh;
	const char *why;

	memset(k, 0, sizeof(*k));
	k->gen = gen;
	k->force_load = true;
	k->machine = EM_X86_64;
	k->module_size = 0x500;
	if (len < sizeof(eh))
		return;
	memcpy(&eh, image, sizeof(eh));
	if (eh.e_machine == EM_AARCH64)
		k->machine = EM_AARCH64;
	if (mv_image_check(image, len, &why))
		return;
	mod = mv_section(image, len, ".gnu.linkonce.this_module");
	if (!mod)
		return;
	memcpy(&sh, mod, sizeof(sh));
	if (sh.sh_size)
		k->module_size = sh.sh_size;
}

static __printf(3, 4) void diff_fail(diff_finding_fn finding, struct diff_stats *st,
				     const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	st->findings++;
	finding(buf);
}

static const char *const gen_names[] = { "6.1", "6.12", "6.14+" };

/* modver's loader rules (the dry run's) must say what the model's loader says. */
static void diff_rules(const u8 *image, u64 len, const struct km_kernel *k,
		       const struct km_load *l, struct diff_stats *st, diff_finding_fn finding)
{
	static const enum km_stage as_stage[] = {
		[MV_LOADER_LOADS] = KM_LOADS,
		[MV_LOADER_REFUSES] = KM_REFUSED,
		[MV_LOADER_UNDEFINED] = KM_UNDEFINED,
	};
	const struct mv_loader ld = {
		.gen = k->gen == KM_6_1 ? MV_LOADER_6_1 :
		       k->gen == KM_6_12 ? MV_LOADER_6_12 : MV_LOADER_6_14,
		.machine = k->machine,
		.module_size = k->module_size,
	};
	enum mv_loader_verdict v;
	const char *why;
	u64 ulen;

	ulen = mv_image_unsigned_len(image, len, &why);
	v = why ? MV_LOADER_REFUSES : mv_loader_check(image, ulen, &ld, &why);
	if (as_stage[v] != l->stage || (v == MV_LOADER_LOADS && ulen != l->len))
		diff_fail(finding, st,
			  "%s: modver's loader rules say %d (%s), the model's loader %d (%s)",
			  gen_names[k->gen], v, why ?: "-", l->stage, l->why ?: "-");
}

/* One symbol query under every policy, against what check_version() answers. */
static void diff_query(const struct km_kernel *k, const struct km_load *l, bool forced,
		       struct mv_tables *t, struct mv_cursor *cursors, const char *sym,
		       const u32 *crc, enum km_answer ka, struct diff_stats *st,
		       diff_finding_fn finding)
{
	bool kernel_fails = ka == KM_FAIL || ka == KM_UNDEF;
	bool stricter = false;
	struct mv_verdict v;
	int p;

	st->queries++;
	for (p = 0; p < MV_POLICY_COUNT; p++) {
		mv_verify_symbol(t, &cursors[p], sym, crc, p, false, &v);
		mv_forbid_forced_load(&v, k->force_load);
#define DIFF_FAIL(what) diff_fail(finding, st, \
	"%s%s: %s under %s: modver %s (%s, table %s%s%s), kernel %s", gen_names[k->gen], \
	forced ? " (ignore modversions)" : "", sym, mv_policy_name(p), \
	mv_action_name(v.action), mv_outcome_name(v.outcome), mv_table_kind_name(t->kind), \
	t->error ? ": " : "", t->error ?: "", what)
		if (p == MV_POLICY_REFUSE && v.action != MV_REFUSE && kernel_fails)
			DIFF_FAIL(km_answer_name(ka));
		else if (v.layout && v.action != MV_REFUSE && kernel_fails)
			DIFF_FAIL(km_answer_name(ka));
		else if (v.action == MV_ADMIT && (kernel_fails || ka == KM_PASS_TAINT))
			DIFF_FAIL(km_answer_name(ka));
		else if (!k->force_load && v.action == MV_ADMIT_TAINT)
			DIFF_FAIL("without CONFIG_MODULE_FORCE_LOAD");
		else if (l->table_undefined && crc && (p == MV_POLICY_REFUSE || v.layout) &&
			 v.action != MV_REFUSE)
			DIFF_FAIL("reads outside the image for its version tables");
#undef DIFF_FAIL
		if (p == MV_POLICY_REFUSE && v.action == MV_REFUSE && !kernel_fails)
			stricter = true;
	}
	st->stricter += stricter;
}

static void diff_load(const u8 *image, u64 len, const struct km_kernel *k, bool forced,
		      const struct diff_names *names, struct diff_stats *st,
		      diff_finding_fn finding)
{
	enum mv_kernel_format kf = k->gen == KM_6_14 ? MV_KERNEL_EXTENDED : MV_KERNEL_BASIC;
	struct mv_cursor cursors[MV_POLICY_COUNT];
	struct diff_names raw = *names;
	struct mv_selection sel;
	struct mv_tables t;
	struct km_load l;
	enum km_answer ka;
	unsigned int i, j, p;
	const char *why;
	void *mem;
	u64 bytes;
	u32 crc;

	km_load_image(image, len, k, forced, &l);
	if (!forced)
		diff_rules(image, len, k, &l, st, finding);
	if (l.stage == KM_REFUSED) {
		st->refused++;
		return;
	}
	if (l.stage == KM_UNDEFINED && !l.table_undefined) {
		st->undefined++;
		return;
	}
	st->table_undefined += l.table_undefined;
	/* As modver.ko reads it: selected as the loader selects, at the loader's info->len. */
	if (mv_image_check(image, l.len, &why) == 0) {
		mv_select_loader(image, l.len, kf, forced, &sel);
		mv_tables_read(image, l.len, kf, &sel, &t);
	} else {
		memset(&t, 0, sizeof(t));
		t.kind = MV_TABLE_MALFORMED;
		t.error = why;
	}
	bytes = mv_index_bytes(&t);
	mem = bytes ? malloc(bytes) : NULL;
	mv_index_build(&t, mem, bytes);
	for (p = 0; p < MV_POLICY_COUNT; p++)
		mv_cursor_init(&t, &cursors[p]);
	diff_collect_raw(image, l.len, &l, &raw);
	/* module_layout first, as the loader asks. */
	for (i = 0; i < raw.count; i++) {
		const struct diff_name *n = &raw.n[i];

		for (j = 0; j <= n->ncrc + 1; j++) {
			crc = j < n->ncrc ? n->crc[j] : j == n->ncrc ? n->crc[0] ^ 0x5a5a0001u : 0;
			/* Without a CRC, check_version() passes before it looks at any table. */
			ka = j > n->ncrc ? KM_PASS : l.stage == KM_UNDEFINED ? KM_UNDEF :
			     km_check_version(image, k, &l, n->name, &crc);
			diff_query(k, &l, forced, &t, cursors, n->name, j <= n->ncrc ? &crc : NULL,
				   ka, st, finding);
		}
	}
	free(mem);
}

/**
 * diff_image() - compare modver with the kernel model on one image
 * @image: the image (8-byte aligned, as the loader's copy is)
 * @len: its length
 * @st: counters to add to
 * @finding: called for each case where modver is more lenient or its loader rules disagree
 */
void diff_image(const u8 *image, u64 len, struct diff_stats *st, diff_finding_fn finding)
{
	struct diff_names names;
	struct km_kernel k;
	int gen, forced, force_load;

	st->images++;
	diff_collect(image, len, &names);
	for (gen = KM_6_1; gen <= KM_6_14; gen++) {
		for (force_load = 1; force_load >= 0; force_load--) {
			diff_kernel_for(image, len, gen, &k);
			k.force_load = force_load;
			for (forced = 0; forced < 2; forced++)
				diff_load(image, len, &k, forced, &names, st, finding);
		}
	}
}
