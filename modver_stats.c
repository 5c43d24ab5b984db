// SPDX-License-Identifier: GPL-2.0
/*
 * modver's cumulative counters, one read-only value per file under /sys/kernel/modver/, and the
 * totals line logged on unload.  Counters are atomic: they are bumped from the replacement
 * check_version() (process context), the kretprobe return handler and the check_version()
 * pre-handler (both kprobe context), and read from sysfs at any time.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/kobject.h>
#include <linux/sysfs.h>

#include "modver.h"

static atomic64_t modver_stats[MODVER_STAT_COUNT];

static const char *const modver_stat_names[MODVER_STAT_COUNT] = {
	[MODVER_STAT_MODULES] = "modules_checked",
	[MODVER_STAT_SYMBOLS] = "symbols_checked",
	[MODVER_STAT_MISMATCHED] = "mismatches",
	[MODVER_STAT_MISSING] = "missing",
	[MODVER_STAT_REFUSED] = "modules_refused",
	[MODVER_STAT_ADMITTED_OFFENCES] = "modules_admitted_with_offences",
	[MODVER_STAT_HANDED_BACK] = "handed_back",
	[MODVER_STAT_CHECK_NS] = "check_time_ns",
	[MODVER_STAT_EXPLAINED] = "explanations",
	[MODVER_STAT_EXPLAIN_NS] = "explain_time_ns",
	[MODVER_STAT_BTF_READS] = "btf_reads",
	[MODVER_STAT_BTF_BYTES] = "btf_bytes",
};

void modver_stat_add(enum modver_stat stat, u64 n)
{
	atomic64_add(n, &modver_stats[stat]);
}

void modver_stat_sub(enum modver_stat stat, u64 n)
{
	atomic64_sub(n, &modver_stats[stat]);
}

struct modver_stat_attribute {
	struct kobj_attribute attr;
	enum modver_stat stat;
};

static ssize_t modver_stat_show(struct kobject *kobj, struct kobj_attribute *attr, char *buf)
{
	const struct modver_stat_attribute *sa =
		container_of(attr, struct modver_stat_attribute, attr);

	return sysfs_emit(buf, "%lld\n", atomic64_read(&modver_stats[sa->stat]));
}

static struct modver_stat_attribute modver_stat_attrs[MODVER_STAT_COUNT];
static struct attribute *modver_stat_attr_list[MODVER_STAT_COUNT + 1];
static const struct attribute_group modver_stat_group = { .attrs = modver_stat_attr_list };
static struct kobject *modver_kobj;

/* /sys/kernel/modver, for the other files modver puts there; valid between init and exit. */
struct kobject *modver_sysfs_dir(void)
{
	return modver_kobj;
}

/* Called from module init: process context. */
int modver_stats_init(void)
{
	int i, err;

	for (i = 0; i < MODVER_STAT_COUNT; i++) {
		sysfs_attr_init(&modver_stat_attrs[i].attr.attr);
		modver_stat_attrs[i].attr.attr.name = modver_stat_names[i];
		modver_stat_attrs[i].attr.attr.mode = 0444;
		modver_stat_attrs[i].attr.show = modver_stat_show;
		modver_stat_attrs[i].stat = i;
		modver_stat_attr_list[i] = &modver_stat_attrs[i].attr.attr;
	}
	modver_kobj = kobject_create_and_add("modver", kernel_kobj);
	if (!modver_kobj)
		return -ENOMEM;
	err = sysfs_create_group(modver_kobj, &modver_stat_group);
	if (err)
		goto fail_put;
	return 0;

fail_put:
	kobject_put(modver_kobj);
	return err;
}

void modver_stats_exit(void)
{
	kobject_put(modver_kobj);
	pr_info("totals: %lld modules checked, %lld symbols, %lld mismatched, %lld missing, %lld modules refused, %lld admitted with offences, %lld checks handed back to the kernel\n",
		atomic64_read(&modver_stats[MODVER_STAT_MODULES]),
		atomic64_read(&modver_stats[MODVER_STAT_SYMBOLS]),
		atomic64_read(&modver_stats[MODVER_STAT_MISMATCHED]),
		atomic64_read(&modver_stats[MODVER_STAT_MISSING]),
		atomic64_read(&modver_stats[MODVER_STAT_REFUSED]),
		atomic64_read(&modver_stats[MODVER_STAT_ADMITTED_OFFENCES]),
		atomic64_read(&modver_stats[MODVER_STAT_HANDED_BACK]));
}
