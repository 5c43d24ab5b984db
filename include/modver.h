/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What modver_core.c (the hook and the per-load state) and modver_policy.c (policy state,
 * parameters, verdict accounting and logging) share. Kernel-only.
 */
#ifndef MODVER_H
#define MODVER_H

#include <linux/kprobes.h>
#include <linux/kref.h>
#include <linux/list.h>
#include <linux/llist.h>
#include <linux/rcupdate.h>
#include <linux/module.h>
#include <linux/sched.h>

#include "modver_format.h"
#include "modver_mirror.h"
#include "modver_rules.h"

struct modver_record;
struct modver_explain_load;

/* A published rule list (modver_ruleset.c); immutable, freed by its last reference. */
struct modver_rule_set {
	struct kref ref;
	struct rcu_head rcu;
	struct mv_rules rules;
};

/*
 * How this kernel's check_version() reads version tables (modver_table.h): from 6.14 the loader
 * reads the extended pair whenever a module carries it, whether or not the kernel itself was built
 * with CONFIG_EXTENDED_MODVERSIONS (which only decides what modpost writes).  Kbuild says which.
 */
#ifdef MODVER_LOADER_READS_EXTENDED
#define MODVER_KERNEL_FORMAT	MV_KERNEL_EXTENDED
#else
#define MODVER_KERNEL_FORMAT	MV_KERNEL_BASIC
#endif

/*
 * One module load in progress.  Tracked loads use a record of modver_core.c's pool, linked on a
 * list while load_module() runs; only the loading task touches the fields below @task.
 */
struct modver_load {
	struct list_head node;
	struct llist_node retired;	/* load_module() has returned: queued for modver_reap() */
	struct task_struct *task;
	bool tracked;		/* false: a one-call record on the stack, no summary */
	bool redirect_armed;	/* the check_version() redirect was armed when the load began */
	bool started;		/* first check_version call seen: tables parsed, policy fixed */
	bool table_reported;
	bool force_layout;
	bool tables_all;	/* tables=all, fixed at a load's first check */
	u8 last_code;		/* the previous call's verdict (modver_repeated()), 0: none */
	enum mv_policy policy;	/* fixed at a load's first check: a load is decided as one */
	struct modver_rule_set *rules;	/* likewise; a reference, NULL when there are none */
	struct modver_record *record;	/* its report record, being built; NULL: none */
	u64 start_time_ns;	/* wall clock at the first check */
	u32 calls;		/* check_version() calls of this load so far */
	u32 timed_calls;	/* calls after the first that were timed (MODVER_TIME_EVERY) */
	u64 timed_ns;		/* their time */
	u64 first_check_ns;	/* the first call's time (it reads and indexes the tables) */
	const void *image;
	void *index_mem;	/* the table's hash index (kmalloc), tracked loads only */
	struct mv_tables tables;	/* the table the kernel would read */
	struct mv_cursor cursor;
	u8 *seen;		/* per entry of @tables: its first verdict's code, 0: not asked */
	unsigned int extra_count;	/* tables=all: the other tables the image carries */
	struct mv_tables extra[2];
	struct mv_cursor extra_cursor[2];
	void *extra_index_mem[2];
	struct mv_tally tally;
	struct modver_explain_load *explain;	/* modver_explain.c, from the first mismatch on */
	bool last_logged;	/* the last verdict's line was printed (modver_account()) */
	u8 last_severity;	/* and at this severity: explanations follow it at the same */
	u32 reported;		/* per-symbol lines printed for this load */
	u32 unreported;		/* per-symbol lines left out once MODVER_REPORT_MAX were printed */
	u64 last_hash;		/* the previous call's symbol name, hashed */
	char name[MODULE_NAME_LEN];
};

/* modver_stats.c */
enum modver_stat {
	MODVER_STAT_MODULES,
	MODVER_STAT_SYMBOLS,
	MODVER_STAT_MISMATCHED,
	MODVER_STAT_MISSING,
	MODVER_STAT_REFUSED,
	MODVER_STAT_ADMITTED_OFFENCES,
	MODVER_STAT_HANDED_BACK,
	MODVER_STAT_CHECK_NS,	/* time in the replacement check_version(), partly estimated */
	MODVER_STAT_EXPLAINED,	/* mismatches explained from a stamp (modver_explain.c) */
	MODVER_STAT_EXPLAIN_NS,	/* time spent on them, live BTF reads included */
	MODVER_STAT_BTF_READS,	/* live BTF blobs read and indexed for explanations */
	MODVER_STAT_BTF_BYTES,	/* memory explanations hold now (a gauge, not a total) */
	MODVER_STAT_COUNT,
};

void modver_stat_add(enum modver_stat stat, u64 n);
void modver_stat_sub(enum modver_stat stat, u64 n);
int modver_stats_init(void);
void modver_stats_exit(void);
struct kobject *modver_sysfs_dir(void);

/* modver_ruleset.c */
struct modver_rule_set *modver_rules_get(void);
void modver_rules_put(struct modver_rule_set *set);
void modver_rules_exit(void);

/* modver_lock.c */
bool modver_is_locked(void);
int modver_change_allowed(const char *what, bool weaker);
void modver_lock_init(void);
void modver_lock_exit(void);

/* modver_report.c */
struct modver_record *modver_record_new(void);
struct modver_record *modver_record_alloc(void);
void modver_record_put(struct modver_record *rec);
void modver_record_add(struct modver_record *rec, const char *kind, const char *module,
		       const char *sym, const struct mv_verdict *v);
void modver_record_add_explain(struct modver_record *rec, const char *module, const char *sym,
			       const char *stamp, u32 root, u32 roots, const char *class,
			       const char *text);
void modver_record_finish(struct modver_record *rec, struct mv_record_head *h);
void modver_record_publish(struct modver_record *rec, struct mv_record_head *h);
size_t modver_record_length(const struct modver_record *rec);
size_t modver_record_render(const struct modver_record *rec, char *buf);
void modver_report_init(void);
void modver_report_exit(void);

/* modver_lookup.c */
int modver_lookup_begin(void);
void modver_lookup_end(void);
int modver_lookup_crc(const char *name, bool *found, bool *has_crc, u32 *crc);
void modver_lookup_init(void);
void modver_lookup_exit(void);

/* modver_dryrun.c */
int modver_dry_run_init(void);
void modver_dry_run_exit(void);

/* modver_guard.c */
int modver_guard_init(struct kprobe *redirect);
void modver_guard_exit(void);

/* modver_core.c */
bool modver_load_unverified(struct task_struct *task);
int modver_others_prepare(const void *image, u64 len, struct mv_tables *kernel,
			  struct mv_tables extra[2], struct mv_cursor cursors[2], void *mem[2]);

/* modver_explain.c */
void modver_explain(struct modver_load *load, const void *image, u64 len, const char *sym,
		    const u32 *crc, bool logged);
void modver_explain_release(struct modver_load *load);
void modver_explain_exit(void);

/* modver_layout.c */
int modver_read_file(const char *path, void **data, size_t *len, char *why, size_t size);
int modver_layout_verify(void);
void modver_loader_selection(const struct modver_load_info *info, struct mv_selection *sel);

/* modver_policy.c */
enum mv_policy modver_policy_now(void);
bool modver_force_layout_now(void);
bool modver_tables_all_now(void);
void modver_account(struct modver_load *load, struct module *mod, const char *sym,
		    const struct mv_verdict *v, bool repeat);
__printf(2, 3) void modver_log_explanation(const struct modver_load *load, const char *fmt, ...);
void modver_report_summary(struct modver_load *load, int load_ret);
void modver_count_symbols(const struct mv_tally *t);
void modver_count_handed_back(const void *info);

#endif /* MODVER_H */
