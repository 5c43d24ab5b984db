// SPDX-License-Identifier: GPL-2.0
/*
 * The dry run: "would this module load here, and what would modver say?", without loading it.
 *
 * Write a module image (uncompressed ELF, as the loader sees it after decompression) to
 * /sys/kernel/modver/dry_run, then read the same file: the answer is one report record
 * (docs/reference.md documents the format) with a "symbol" line for every check the loader would
 * make - module_layout first, then each undefined symbol in symbol-table order, as load_module()
 * asks - decided by the policy and rules in force now against the live kernel's CRCs
 * (modver_lookup.c), and an "entry" line for each table entry the loader would never ask about.
 * The decision is the one a real load of the image would get from modver.  What an image is follows
 * the loader of the kernel modver was built for (modver_elf.c): an image it would refuse before any
 * version check, or one it would read outside of, gets that answer and no record.  As a load does,
 * the dry run stops asking after a refused module_layout (check_modstruct_version() ends the load)
 * and asks about every undefined symbol otherwise (simplify_symbols() goes on after a refused one).
 * The loader's later checks (vermagic, relocations, signatures, license) are not made.
 *
 * A write at offset 0 starts a new image; further writes must follow on where the last ended.
 * There is one image at a time, serialised by modver_dry_run_mutex: callers that share the file
 * must take turns.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kobject.h>
#include <linux/ktime.h>
#include <linux/mutex.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/sysfs.h>
#include <linux/vmalloc.h>

#include <generated/utsrelease.h>

#include "modver.h"
#include "modver_elf.h"
#include "modver_rules.h"

#define MODVER_DRY_RUN_MAX	(256UL << 20)	/* larger than any module Debian ships */

/* The callbacks' attribute argument became const in Linux 6.16 (Kbuild detects which). */
#ifdef MODVER_BIN_ATTR_CONST
#define MODVER_BIN_ATTR const struct bin_attribute
#else
#define MODVER_BIN_ATTR struct bin_attribute
#endif

static DEFINE_MUTEX(modver_dry_run_mutex);
/* All below: under modver_dry_run_mutex. */
static u8 *modver_dry_image;		/* vmalloc'ed, 8-byte aligned like the loader's copy */
static size_t modver_dry_len, modver_dry_cap;
static char *modver_dry_answer;		/* kvmalloc'ed text, NULL until asked for */
static size_t modver_dry_answer_len;

/* One dry run in progress; process context. */
struct modver_dry_run {
	const u8 *image;
	size_t len;
	const char *name;
	struct mv_tables tables;
	struct mv_cursor cursor;
	int extra_count;		/* tables=all: the other tables */
	struct mv_tables extra[2];
	struct mv_cursor extra_cursor[2];
	void *extra_mem[2];
	unsigned long *asked;		/* table entries the loader would ask about */
	enum mv_policy policy;
	bool force_layout;
	struct modver_rule_set *rules;
	struct mv_tally tally;
	struct modver_record *rec;
	bool stopped;		/* module_layout refused: the load ends there */
	int err;
};

/*
 * Decide one symbol as a load would, against the live kernel: @asked, a check the loader makes
 * (a "symbol" line, counted); otherwise a table entry it never asks about (an "entry" line).
 */
static void modver_dry_check(struct modver_dry_run *d, const char *sym, bool asked, bool weak)
{
	struct mv_verdict v;
	struct mv_entry e;
	bool found, has_crc;
	u32 crc;
	int err;

	if (d->err || (asked && d->stopped))
		return;
	/* A hostile table can ask for millions of lookups: stay preemptible and killable. */
	cond_resched();
	if (fatal_signal_pending(current)) {
		d->err = -EINTR;
		return;
	}
	err = modver_lookup_crc(sym, &found, &has_crc, &crc);
	if (err) {
		d->err = err;
		return;
	}
	if (!found && weak)
		return;		/* the loader leaves an unresolved weak symbol at 0, unchecked */
	if (found) {
		mv_verify_symbol(&d->tables, &d->cursor, sym, has_crc ? &crc : NULL, d->policy,
				 d->force_layout, &v);
		mv_verify_more_tables(d->extra, d->extra_cursor, d->extra_count, sym, d->policy,
				      d->force_layout, &v);
		mv_rules_apply(d->rules ? &d->rules->rules : NULL, d->name, sym, d->force_layout,
			       &v);
	} else {
		/* As a load would: "Unknown symbol", before any version check. */
		memset(&v, 0, sizeof(v));
		v.outcome = MV_UNRESOLVED;
		v.action = mv_decide(MV_UNRESOLVED, d->policy, false, d->force_layout);
	}
	mv_forbid_forced_load(&v, IS_ENABLED(CONFIG_MODULE_FORCE_LOAD));
	/* Unresolved and unversioned verdicts looked nothing up: show the module's CRC anyway. */
	if (!v.has_module_crc && mv_lookup(&d->tables, &d->cursor, sym, &e)) {
		v.has_module_crc = true;
		v.has_entry = true;
		v.module_crc = e.crc;
		v.entry = e.index;
	}
	if (v.has_entry && d->asked)
		__set_bit(v.entry, d->asked);
	if (asked)
		mv_tally_add(&d->tally, &v);
	if (asked && v.layout && v.action == MV_REFUSE)
		d->stopped = true;
	modver_record_add(d->rec, asked ? "symbol" : "entry", d->name, sym, &v);
}

static void modver_dry_undefined(const char *name, bool weak, void *arg)
{
	modver_dry_check(arg, name, true, weak);
}

/*
 * Would this kernel's loader get as far as check_version() with the image?  Its own rules, for
 * the release, architecture and struct module modver was built with.  Sets d->len to the length
 * the loader checks the image against (its signature cut off).
 */
static int modver_dry_loader_check(struct modver_dry_run *d)
{
	/* Built for the release it runs on (vermagic says so). */
	const struct mv_loader ld = {
		.gen = mv_loader_gen_of(UTS_RELEASE),
		.machine = ELF_ARCH,
		.module_size = sizeof(struct module),
	};
	enum mv_loader_verdict verdict;
	const char *why;

	if (mv_image_compression(d->image, d->len)) {
		pr_info("dry run: not a module image (compressed: decompress it first, as modver-dump --live does)\n");
		return -ENOEXEC;
	}
	d->len = mv_image_unsigned_len(d->image, d->len, &why);
	verdict = why ? MV_LOADER_REFUSES : mv_loader_check(d->image, d->len, &ld, &why);
	if (verdict == MV_LOADER_LOADS)
		return 0;
	if (verdict == MV_LOADER_REFUSES)
		pr_info("dry run: the loader would refuse it: %s\n", why);
	else
		pr_info("dry run: the loader would read outside the image (%s): refused\n", why);
	return -ENOEXEC;
}

/* Render the answer for the image written so far; called with modver_dry_run_mutex held. */
static int modver_dry_answer_build(void)
{
	struct modver_dry_run d = { .image = modver_dry_image, .len = modver_dry_len };
	struct mv_record_head h = { .dry_run = true };
	char name[MODVER_MODULE_NAME_LEN];
	void *index_mem = NULL;
	struct mv_cursor walk;
	u64 index_bytes;
	struct mv_entry e;
	const char *why;
	u32 i;
	int ret;

	ret = modver_dry_loader_check(&d);
	if (ret)
		return ret;
	d.name = mv_modinfo(d.image, d.len, "name", name, sizeof(name)) ?: "(unnamed)";
	d.rec = modver_record_alloc();
	if (!d.rec)
		return -ENOMEM;
	mv_tables_find(d.image, d.len, MODVER_KERNEL_FORMAT, &d.tables);
	index_bytes = mv_index_bytes(&d.tables);
	if (index_bytes)
		index_mem = kvmalloc(index_bytes, GFP_KERNEL);
	mv_index_build(&d.tables, index_mem, index_bytes);
	mv_cursor_init(&d.tables, &d.cursor);
	/* tables=all, as a load decides it (modver_core.c): the other tables, or the doubt. */
	if (modver_tables_all_now() && d.tables.kind != MV_TABLE_MALFORMED)
		d.extra_count = modver_others_prepare(d.image, d.len, &d.tables, d.extra,
						      d.extra_cursor, d.extra_mem);
	if (d.tables.count)
		d.asked = bitmap_zalloc(d.tables.count, GFP_KERNEL);
	d.policy = modver_policy_now();
	d.force_layout = modver_force_layout_now();
	d.rules = modver_rules_get();

	ret = modver_lookup_begin();
	if (ret)
		goto free;
	modver_dry_check(&d, MV_LAYOUT_SYMBOL, true, false);
	if (!d.stopped && !d.err &&
	    mv_loader_symbols(d.image, d.len, modver_dry_undefined, &d, &why)) {
		pr_info("dry run: %s: %s: refused\n", d.name, why);
		d.err = -ENOEXEC;
	}
	/* Entries the loader never asks about; without the bitmap every entry is listed. */
	memset(&walk, 0, sizeof(walk));
	for (i = 0; !d.err && i < d.tables.count && mv_entry_at(&d.tables, &walk, &e); i++)
		if (!d.asked || !test_bit(e.index, d.asked))
			modver_dry_check(&d, e.name, false, false);
	modver_lookup_end();
	ret = d.err;
	if (ret)
		goto free;

	h.module = d.name;
	h.time_ns = ktime_get_real_ns();
	h.policy = d.policy;
	h.tally = &d.tally;
	h.kind = d.tables.kind;
	modver_record_finish(d.rec, &h);
	modver_dry_answer_len = modver_record_length(d.rec);
	modver_dry_answer = kvmalloc(modver_dry_answer_len, GFP_KERNEL);
	if (!modver_dry_answer) {
		ret = -ENOMEM;
		goto free;
	}
	modver_record_render(d.rec, modver_dry_answer);
free:
	modver_rules_put(d.rules);
	bitmap_free(d.asked);
	kvfree(index_mem);
	kfree(d.extra_mem[0]);
	kfree(d.extra_mem[1]);
	modver_record_put(d.rec);
	return ret;
}

static void modver_dry_answer_drop(void)
{
	kvfree(modver_dry_answer);
	modver_dry_answer = NULL;
	modver_dry_answer_len = 0;
}

/* Make room for @need bytes of image; called with modver_dry_run_mutex held. */
static int modver_dry_reserve(size_t need)
{
	size_t cap = max_t(size_t, modver_dry_cap, 1UL << 20);
	u8 *grown;

	if (need <= modver_dry_cap)
		return 0;
	if (need > MODVER_DRY_RUN_MAX)
		return -EFBIG;
	while (cap < need)
		cap *= 2;
	grown = vmalloc(min(cap, MODVER_DRY_RUN_MAX));
	if (!grown)
		return -ENOMEM;
	if (modver_dry_len)
		memcpy(grown, modver_dry_image, modver_dry_len);
	vfree(modver_dry_image);
	modver_dry_image = grown;
	modver_dry_cap = min(cap, MODVER_DRY_RUN_MAX);
	return 0;
}

/* sysfs write: process context. */
static ssize_t modver_dry_run_write(struct file *file, struct kobject *kobj,
				    MODVER_BIN_ATTR *attr, char *buf, loff_t off, size_t count)
{
	ssize_t ret;

	mutex_lock(&modver_dry_run_mutex);
	modver_dry_answer_drop();
	if (off == 0)
		modver_dry_len = 0;
	if (off != modver_dry_len) {
		ret = -ESPIPE;	/* an image is written front to back, in one go */
		goto unlock;
	}
	ret = modver_dry_reserve(modver_dry_len + count);
	if (ret)
		goto unlock;
	memcpy(modver_dry_image + modver_dry_len, buf, count);
	modver_dry_len += count;
	ret = count;
unlock:
	mutex_unlock(&modver_dry_run_mutex);
	return ret;
}

/* sysfs read: process context. The answer is built at the first read after a write. */
static ssize_t modver_dry_run_read(struct file *file, struct kobject *kobj,
				   MODVER_BIN_ATTR *attr, char *buf, loff_t off, size_t count)
{
	ssize_t ret;

	mutex_lock(&modver_dry_run_mutex);
	if (!modver_dry_len) {
		ret = -ENODATA;
		goto unlock;
	}
	if (!modver_dry_answer) {
		ret = modver_dry_answer_build();
		if (ret)
			goto unlock;
	}
	ret = 0;
	if (off < modver_dry_answer_len) {
		ret = min_t(size_t, count, modver_dry_answer_len - off);
		memcpy(buf, modver_dry_answer + off, ret);
	}
unlock:
	mutex_unlock(&modver_dry_run_mutex);
	return ret;
}

static struct bin_attribute modver_dry_run_attr = {
	.attr = { .name = "dry_run", .mode = 0600 },
	.read = modver_dry_run_read,
	.write = modver_dry_run_write,
};

/* Module init: process context. */
int modver_dry_run_init(void)
{
	return sysfs_create_bin_file(modver_sysfs_dir(), &modver_dry_run_attr);
}

void modver_dry_run_exit(void)
{
	sysfs_remove_bin_file(modver_sysfs_dir(), &modver_dry_run_attr);
	modver_dry_answer_drop();
	vfree(modver_dry_image);
}
