// SPDX-License-Identifier: GPL-2.0
/*
 * modver: a replacement for the module loader's symbol-version check (CONFIG_MODVERSIONS).
 *
 * Theory of operation
 *
 * The loader calls check_version(info, symbol, mod, crc) once for module_layout, early in
 * load_module() and without module_mutex, then once per imported symbol from resolve_symbol()
 * with module_mutex held.  modver puts a kprobe on check_version() whose pre-handler redirects
 * the call to modver_check_version(), which has the same prototype (modver_arch.h says why that
 * is sound), so the kernel's own check never runs.  The replacement runs in the loader's process
 * context and may sleep.
 *
 * The replacement reads the candidate's version table straight from the image the loader holds
 * (info->hdr, info->len: load_info fields whose offsets modver_layout.c verifies against the
 * kernel's BTF at init), classifies the symbol (match, mismatch, missing, no table, malformed,
 * unversioned export) and applies the policy (modver_policy.c).  Once the probe fires, modver
 * decides: an image it cannot walk is malformed, refused under refuse, and its module_layout is
 * unverifiable, so refused under every policy.  Only a load_info pointer that cannot be one is
 * left to the kernel's own check, and that is logged.
 *
 * The table is the one the kernel reads: the loader's own choice, load_info.index.vers (and from
 * 6.14 .vers_ext_crc/.vers_ext_name), read at the offsets BTF gave at init, so find_sec() and
 * MODULE_INIT_IGNORE_MODVERSIONS are honoured as the running kernel applies them, for every load.
 *
 * A kretprobe on load_module() brackets each load: its entry handler takes a per-load record from
 * a pool modver allocated at init (nothing is allocated in the handler, and nothing lives in the
 * kretprobe's instance but a pointer), links it on a list keyed by the loading task and leaves a
 * pointer to it in a slot chosen by a hash of the task; the replacement finds it through that
 * slot (verified: the record must name the calling task; only on a miss does it walk the list,
 * under its lock), and the return handler prints the load's one summary line, adds the load's
 * figures to the counters once, and retires the record.  What a record holds is freed by a work
 * item, in process context: on PREEMPT_RT the allocator's locks sleep, and kprobe handlers run
 * with preemption disabled.  A task is inside at most one load_module() at a time, and several
 * tasks can be inside at once, so the list has a lock and the slots are written with
 * WRITE_ONCE()/cmpxchg(); a record's other fields belong to its task alone.  A load the kretprobe
 * missed (out of records or instances) is decided call by call, the same way, without a summary.
 *
 * Fail closed: a module notifier sees every load at MODULE_STATE_COMING.  If kprobes have been
 * disarmed (debugfs kprobes/enabled) or this load's check_version() calls never reached modver,
 * the load is refused under every policy, with a line saying why: modver did not verify it.
 * Where kprobes sit on ftrace, an ftrace ops of modver's own is PERMANENT, so the ftrace_enabled
 * sysctl cannot switch the redirect off (as with a livepatch); it is attached to a function of
 * modver's that is never called, so check_version() keeps the probe's ops alone (modver_guard.c).

 * The loader may ask about one symbol more than once in a load (resolve_symbol_wait() retries
 * while the exporter is still coming): each time is decided, but counted, logged, reported and
 * traced once.
 *
 * Unload safety: the pre-handler takes a reference on modver before redirecting and the replacement
 * drops it as its last action, so rmmod cannot remove modver while a replacement call is pending.
 * Once rmmod has begun, try_module_get() fails and the kernel's own check runs again.  The records
 * are modver's: exit unregisters every probe, waits for the retire work, then frees what loads
 * still in flight hold, touching nothing the kprobe core frees.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bitops.h>
#include <linux/hash.h>
#include <linux/kprobes.h>
#include <linux/ktime.h>
#include <linux/llist.h>
#include <linux/math64.h>
#include <linux/module.h>
#include <linux/random.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/workqueue.h>

#include "modver.h"
#include "modver_arch.h"

#define MODVER_MAX_CONCURRENT_LOADS	64
/* Slots that point at a loading task's record, chosen by a hash of the task (modver_load_of()). */
#define MODVER_LOAD_HINT_BITS		6
/*
 * The check time is measured on a load's first call (which reads and indexes the tables) and on
 * every MODVER_TIME_EVERY-th call after it; the calls in between are estimated from those, so that
 * a check does not pay two clock reads.
 */
#define MODVER_TIME_EVERY		8

static LIST_HEAD(modver_loads);
/* Raw: taken from kprobe handlers, which run with preemption disabled (also on PREEMPT_RT). */
static DEFINE_RAW_SPINLOCK(modver_loads_lock);
static bool modver_loads_tracked;

/* The records loads are tracked in: modver's own memory, one bit per record in use. */
static struct modver_load *modver_load_pool;
static DECLARE_BITMAP(modver_load_busy, MODVER_MAX_CONCURRENT_LOADS);
/* Records whose load has returned, for modver_reap() to free what they hold. */
static LLIST_HEAD(modver_loads_retired);

/* The check_version() probe is registered and enabled: loads from now on must reach modver. */
static bool modver_redirect_armed;

/*
 * Hints, not an index: a slot holds the record last linked by a task that hashes there, or NULL.
 * Written by the kretprobe handlers with WRITE_ONCE()/cmpxchg(), read without a lock.  The
 * records are modver's own memory until exit, so a stale pointer is never a dangling one.
 */
static struct modver_load *modver_load_hint[1 << MODVER_LOAD_HINT_BITS];

/**
 * modver_load_of() - the record of the load the calling task is in
 * @task: current (nothing else: the check below relies on it)
 *
 * The hint is verified, not trusted: a record names its task from modver_load_enter() until
 * modver_load_leave(), both run by that task, and a task is inside one load_module() at a time,
 * so a record that names current is current's load, whoever the slot was last written for.  A
 * record that names another task (a collision, or one reused) sends the lookup to the list, under
 * its lock.  Process or kprobe context.
 *
 * Return: the record, or NULL if the load is not tracked.
 */
static struct modver_load *modver_load_of(struct task_struct *task)
{
	struct modver_load *load, *found = NULL;
	unsigned long flags;

	load = READ_ONCE(modver_load_hint[hash_ptr(task, MODVER_LOAD_HINT_BITS)]);
	if (load && READ_ONCE(load->task) == task)
		return load;

	raw_spin_lock_irqsave(&modver_loads_lock, flags);
	list_for_each_entry(load, &modver_loads, node) {
		if (load->task == task) {
			found = load;
			break;
		}
	}
	raw_spin_unlock_irqrestore(&modver_loads_lock, flags);
	/* Only @task unlinks its own record, so it stays valid for @task after the unlock. */
	return found;
}

/*
 * The load's check time: its first call as measured, the others estimated from the ones measured
 * (MODVER_TIME_EVERY).  Called when the load returns, by its task; any context.
 */
static u64 modver_load_check_ns(const struct modver_load *load)
{
	u64 ns = load->first_check_ns;

	if (load->calls > 1 && load->timed_calls)
		ns += div64_u64(load->timed_ns * (load->calls - 1), load->timed_calls);
	return ns;
}

/*
 * kretprobe entry handler of load_module(); kprobe context.  Takes a free record from the pool;
 * with none (more than MODVER_MAX_CONCURRENT_LOADS loads at once) the load goes untracked.
 */
static int modver_load_enter(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct modver_load *load;
	unsigned long flags;
	unsigned int slot;

	do {
		slot = find_first_zero_bit(modver_load_busy, MODVER_MAX_CONCURRENT_LOADS);
		if (slot >= MODVER_MAX_CONCURRENT_LOADS)
			return 1;	/* no return handler */
	} while (test_and_set_bit_lock(slot, modver_load_busy));
	load = &modver_load_pool[slot];
	memset(load, 0, sizeof(*load));
	load->tracked = true;
	load->redirect_armed = READ_ONCE(modver_redirect_armed);
	WRITE_ONCE(load->task, current);
	*(struct modver_load **)ri->data = load;
	raw_spin_lock_irqsave(&modver_loads_lock, flags);
	list_add(&load->node, &modver_loads);
	raw_spin_unlock_irqrestore(&modver_loads_lock, flags);
	WRITE_ONCE(modver_load_hint[hash_ptr(current, MODVER_LOAD_HINT_BITS)], load);
	return 0;
}

/* Drop what a load holds (indexes, rules, an unpublished record). Any context. */
static void modver_load_release(struct modver_load *load)
{
	unsigned int i;

	kfree(load->index_mem);
	load->index_mem = NULL;
	kfree(load->seen);
	load->seen = NULL;
	for (i = 0; i < ARRAY_SIZE(load->extra_index_mem); i++) {
		kfree(load->extra_index_mem[i]);
		load->extra_index_mem[i] = NULL;
	}
	load->extra_count = 0;
	modver_rules_put(load->rules);
	load->rules = NULL;
	modver_explain_release(load);
	modver_record_put(load->record);
	load->record = NULL;
}

/* Free what retired records hold and return them to the pool.  Process context. */
static void modver_reap(struct work_struct *work)
{
	struct llist_node *retired = llist_del_all(&modver_loads_retired);
	struct modver_load *load, *next;

	llist_for_each_entry_safe(load, next, retired, retired) {
		modver_load_release(load);
		clear_bit_unlock(load - modver_load_pool, modver_load_busy);
	}
}

static DECLARE_WORK(modver_reaper, modver_reap);

/*
 * kretprobe return handler of load_module(); kprobe context, must not sleep: the summary is
 * printed here, in the load's own place in the log, and the frees are left to modver_reap().
 */
static int modver_load_leave(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct modver_load *load = *(struct modver_load **)ri->data;
	unsigned long flags;

	/* No lookup finds the record from here on: it names no task, and no slot points at it. */
	WRITE_ONCE(load->task, NULL);
	cmpxchg(&modver_load_hint[hash_ptr(current, MODVER_LOAD_HINT_BITS)], load, NULL);
	raw_spin_lock_irqsave(&modver_loads_lock, flags);
	list_del(&load->node);
	raw_spin_unlock_irqrestore(&modver_loads_lock, flags);
	if (load->started) {
		modver_stat_add(MODVER_STAT_CHECK_NS, modver_load_check_ns(load));
		modver_report_summary(load, (int)regs_return_value(regs));
	}
	llist_add(&load->retired, &modver_loads_retired);
	queue_work(system_wq, &modver_reaper);
	return 0;
}

/*
 * On unload, after every probe is unregistered (no handler or replacement runs any more): finish
 * the retire work, then free what the records of loads still in flight hold.  Their kretprobe
 * instances are the kprobe core's to free; modver never looks at them again.  Process context.
 */
static void modver_loads_release(void)
{
	unsigned int slot;

	flush_work(&modver_reaper);
	for_each_set_bit(slot, modver_load_busy, MODVER_MAX_CONCURRENT_LOADS)
		modver_load_release(&modver_load_pool[slot]);
	INIT_LIST_HEAD(&modver_loads);
	memset(modver_load_hint, 0, sizeof(modver_load_hint));
	bitmap_zero(modver_load_busy, MODVER_MAX_CONCURRENT_LOADS);
}

static struct kretprobe modver_load_probe = {
	.kp.symbol_name = "load_module",
	.entry_handler = modver_load_enter,
	.handler = modver_load_leave,
	.data_size = sizeof(struct modver_load *),
	.maxactive = MODVER_MAX_CONCURRENT_LOADS,
};

/* Index @t in memory of its own (kmalloc into *@mem), if it is large enough to want one. */
static void modver_index(struct mv_tables *t, void **mem)
{
	u64 bytes = mv_index_bytes(t);

	if (bytes)
		*mem = kmalloc(bytes, GFP_KERNEL | __GFP_NOWARN);
	mv_index_build(t, *mem, bytes);
}

/**
 * modver_others_prepare() - the other tables an image carries, ready to check (tables=all)
 * @image: the image; mv_image_check() must have accepted it
 * @len: its length
 * @kernel: the table the kernel reads; made malformed when another table is in doubt
 * @extra: the other tables, indexed
 * @cursors: a lookup hint for each
 * @mem: each one's index memory (kmalloc()ed; the caller kfree()s both, whatever the result)
 *
 * Shared by loads and the dry run, so that both decide alike.  A table whose names cannot be
 * proven distinct (no memory for the index that proves it) is in doubt: a second entry for one
 * name could hide a disagreement.  Process context.
 *
 * Return: how many of @extra to check.
 */
int modver_others_prepare(const void *image, u64 len, struct mv_tables *kernel,
			  struct mv_tables extra[2], struct mv_cursor cursors[2], void *mem[2])
{
	int i, n = mv_tables_others(image, len, kernel, extra);

	if (n < 0) {
		*kernel = extra[0];	/* any table in doubt puts the load in doubt */
		return 0;
	}
	for (i = 0; i < n; i++) {
		modver_index(&extra[i], &mem[i]);
		mv_index_complete(&extra[i]);	/* the names must be known distinct now */
		if (extra[i].kind == MV_TABLE_MALFORMED) {
			*kernel = extra[i];
			return 0;
		}
		if (!extra[i].unique) {
			kernel->kind = MV_TABLE_MALFORMED;
			kernel->error = "no memory to check the names of a version table";
			return 0;
		}
		mv_cursor_init(&extra[i], &cursors[i]);
	}
	return n;
}

/* The module's name as the loader found it, if it lies inside the image; else a placeholder. */
static void modver_load_name(struct modver_load *load, const struct modver_load_info *info)
{
	const char *base = info->hdr, *name = info->name;

	if (name && name >= base && name < base + info->len &&
	    memchr(name, '\0', base + info->len - name))
		strscpy(load->name, name, sizeof(load->name));
	else
		strscpy(load->name, "(unnamed)", sizeof(load->name));
}

/*
 * The table the kernel reads for this load, and for tables=all every other table the image
 * carries.  @mod: check_version()'s argument; at a load's first check (module_layout) it is the
 * loader's info->mod, which confirms that load_info is laid out as modver reads it.
 */
static void modver_load_tables(struct modver_load *load, const struct modver_load_info *info,
			       const struct module *mod, bool layout)
{
	struct mv_selection selection;
	const char *why;

	memset(&load->tables, 0, sizeof(load->tables));
	if (mv_image_check(info->hdr, info->len, &why) != 0)
		goto malformed;
	why = "load_info is not laid out as modver reads it";
	if (layout && info->mod != mod)
		goto malformed;
	modver_loader_selection(info, &selection);
	/* Nothing selected although a version section is there: the load ignores modversions. */
	if (!selection.vers && !selection.ext_crcs && !selection.ext_names)
		selection.forced = mv_versions_ignored(info->hdr, MODVER_KERNEL_FORMAT);
	mv_tables_read(info->hdr, info->len, MODVER_KERNEL_FORMAT, &selection, &load->tables);
	if (!load->tables_all || load->tables.kind == MV_TABLE_MALFORMED || selection.forced)
		return;
	load->extra_count = modver_others_prepare(info->hdr, info->len, &load->tables, load->extra,
						  load->extra_cursor, load->extra_index_mem);
	return;
malformed:
	load->tables.kind = MV_TABLE_MALFORMED;
	load->tables.error = why;
}

/*
 * First check of a load (or any check of an untracked one): fix the policy and the rules, start
 * the report record, read the tables and, for a tracked load, index the kernel's table so that
 * lookups stay O(1) whatever order the loader asks in.  Process context, may sleep.  Without
 * memory for the index, lookups scan from the first entry, as the kernel's check does.
 */
static void modver_load_start(struct modver_load *load, const struct modver_load_info *info,
			      const struct module *mod, bool layout)
{
	modver_load_release(load);
	modver_load_name(load, info);
	load->policy = modver_policy_now();
	load->force_layout = modver_force_layout_now();
	load->tables_all = modver_tables_all_now();
	load->rules = modver_rules_get();
	load->start_time_ns = ktime_get_real_ns();
	if (load->tracked)
		load->record = modver_record_new();
	load->image = info->hdr;
	modver_load_tables(load, info, mod, layout);
	if (load->tracked)
		modver_index(&load->tables, &load->index_mem);
	else
		mv_index_build(&load->tables, NULL, 0);
	mv_cursor_init(&load->tables, &load->cursor);
	if (load->tracked && load->tables.count)
		load->seen = kcalloc(load->tables.count, sizeof(*load->seen),
				     GFP_KERNEL | __GFP_NOWARN);
	load->started = true;
}

/* A verdict as the dedupe compares it: outcome and final action, never 0. */
static u8 modver_verdict_code(const struct mv_verdict *v)
{
	return 1 + v->outcome * 4 + v->action;
}

/*
 * Has this load decided @sym before, the same way?  The loader asks again for a symbol whose
 * exporter is still coming (resolve_symbol_wait()), and a hostile symbol table may name one
 * symbol twice.  Only the same verdict (outcome and action) counts as a repeat: one that differs
 * (the exporter was replaced between the retries) is accounted again.  Entries of the kernel's
 * table remember their last verdict; other verdicts are compared with the previous call's.
 */
static bool modver_repeated(struct modver_load *load, const char *sym, const struct mv_verdict *v)
{
	u8 code = modver_verdict_code(v);
	bool repeat;
	u64 hash;

	if (v->has_entry && load->seen) {
		repeat = load->seen[v->entry] == code;
		load->seen[v->entry] = code;
		/*
		 * A name found in the table is never also a verdict without an entry: the memo
		 * below is forgotten rather than fed, so only those verdicts hash their name.
		 */
		load->last_code = 0;
		return repeat;
	}
	/* Keyed, so that no image can choose two names that pass for one. */
	hash = mv_keyed_hash(sym, strlen(sym), &mv_index_key);
	repeat = load->last_code == code && load->last_hash == hash;
	load->last_code = code;
	load->last_hash = hash;
	return repeat;
}

/*
 * The replacement for check_version(), entered through the redirect with the caller's arguments and
 * a reference on modver held for us by the pre-handler.  Process context; for module_layout called
 * without module_mutex, for every other symbol with module_mutex held.  @crc is the exporter's
 * __kcrctab entry (const s32 * before 6.15, const u32 * after: the same bits), NULL if it has none.
 * Returns 1 to admit the symbol, 0 to refuse it, as check_version() does.
 */
static noinline int modver_check_version(const struct modver_load_info *info, const char *symname,
					 struct module *mod, const u32 *crc)
{
	struct modver_load *load = modver_load_of(current);
	struct modver_load untracked;
	struct mv_verdict verdict;
	bool first = false;
	u64 start = 0, elapsed = 0;
	bool repeat;

	if (!load) {
		/* Not bracketed by the kretprobe (out of instances): decide this call alone. */
		memset(&untracked, 0, sizeof(untracked));
		load = &untracked;
		start = ktime_get_ns();
	} else if (!load->started) {
		first = true;
		start = ktime_get_ns();
	} else if (load->calls % MODVER_TIME_EVERY == 0) {
		start = ktime_get_ns();
	}
	/* The image does not move during a load; re-read the tables if it ever does. */
	if (!load->started || load->image != info->hdr)
		modver_load_start(load, info, mod, !strcmp(symname, MV_LAYOUT_SYMBOL));

	mv_verify_symbol(&load->tables, &load->cursor, symname, crc, load->policy,
			 load->force_layout, &verdict);
	mv_verify_more_tables(load->extra, load->extra_cursor, load->extra_count, symname,
			      load->policy, load->force_layout, &verdict);
	mv_rules_apply(load->rules ? &load->rules->rules : NULL, load->name, symname,
		       load->force_layout, &verdict);
	mv_forbid_forced_load(&verdict, IS_ENABLED(CONFIG_MODULE_FORCE_LOAD));
	repeat = modver_repeated(load, symname, &verdict);
	modver_account(load, mod, symname, &verdict, repeat);
	/* The check's own time, before any explanation (modver_explain() counts its own). */
	if (start)
		elapsed = ktime_get_ns() - start;
	/*
	 * After the verdict is final and accounted: an explanation decides nothing.  Mismatches
	 * only (never module_layout), once per symbol per load; matches never get here.
	 */
	if (!repeat && verdict.outcome == MV_MISMATCH && crc && strcmp(symname, MV_LAYOUT_SYMBOL))
		modver_explain(load, info->hdr, info->len, symname, crc, load->last_logged);
	if (load == &untracked) {
		modver_load_release(load);
		modver_stat_add(MODVER_STAT_CHECK_NS, elapsed);
	} else {
		/* Added to the counters once, when the load returns (modver_load_leave()). */
		if (first) {
			load->first_check_ns += elapsed;
		} else if (start) {
			load->timed_ns += elapsed;
			load->timed_calls++;
		}
		load->calls++;
	}

	module_put(THIS_MODULE);
	return verdict.action != MV_REFUSE;
}

/*
 * kprobe pre-handler on check_version(); kprobe context, preemption disabled.  Every call is
 * redirected to modver's check, which decides even an unreadable image; only a load_info pointer
 * that cannot be one (NULL or misaligned: nothing of it can be read) is left to the kernel.
 */
static int modver_check_version_probe(struct kprobe *p, struct pt_regs *regs)
{
	const struct modver_load_info *info = (void *)modver_arch_argument(regs, 0);

	if (!info || !IS_ALIGNED((unsigned long)info, sizeof(void *))) {
		modver_count_handed_back(info);
		return 0;	/* the kernel's own check_version() runs */
	}
	if (!try_module_get(THIS_MODULE))
		return 0;	/* modver is being removed: stock behaviour */
	modver_arch_redirect(regs, modver_check_version);
	return 1;
}

/*
 * Never runs: the pre-handler redirects every call, so nothing is single-stepped after it.  Its
 * presence makes the kprobe core arm the probe as kernel/fail_function.c arms its own IP-changing
 * probe: where kprobes sit on ftrace, through the ftrace ops with FTRACE_OPS_FL_IPMODIFY (so a
 * livepatch of check_version(), which also changes the IP, fails to register instead of silently
 * sharing the function), and never optimised into a jump, which would ignore the redirect.
 */
static void modver_check_version_post(struct kprobe *p, struct pt_regs *regs,
				      unsigned long flags)
{
}

static struct kprobe modver_check_version_kprobe = {
	.symbol_name = "check_version",
	.pre_handler = modver_check_version_probe,
	.post_handler = modver_check_version_post,
	.flags = KPROBE_FLAG_DISABLED,	/* enabled by modver_guard_init(), once pinned */
};

/**
 * modver_load_unverified() - did @task's load bypass modver?
 * @task: the loading task, asking about its own load (MODULE_STATE_COMING notifier)
 *
 * Every load on a MODVERSIONS kernel calls check_version() at least once (module_layout) before
 * MODULE_STATE_COMING.  Return: true if @task's load began with the redirect armed and yet no
 * call reached modver_check_version().
 */
bool modver_load_unverified(struct task_struct *task)
{
	struct modver_load *load = modver_load_of(task);

	return load && load->redirect_armed && !load->started;
}

static int __init modver_init(void)
{
	int err;

	if (!IS_ENABLED(CONFIG_KPROBES)) {
		pr_err("this kernel has no kprobes (CONFIG_KPROBES=n): cannot replace check_version\n");
		return -EOPNOTSUPP;
	}
	err = modver_layout_verify();
	if (err)
		return err;
	modver_load_pool = kcalloc(MODVER_MAX_CONCURRENT_LOADS, sizeof(*modver_load_pool),
				   GFP_KERNEL);
	if (!modver_load_pool)
		return -ENOMEM;
	get_random_bytes(&mv_index_key, sizeof(mv_index_key));
	err = modver_stats_init();
	if (err)
		goto fail_pool;
	err = modver_dry_run_init();
	if (err)
		goto fail_stats;
	modver_report_init();
	modver_lookup_init();
	modver_lock_init();

	err = register_kretprobe(&modver_load_probe);
	if (err)
		pr_warn("cannot track loads (kretprobe on load_module: %pe): verdicts are enforced, per-module summaries are not printed\n",
			ERR_PTR(err));
	modver_loads_tracked = !err;

	err = register_kprobe(&modver_check_version_kprobe);
	if (err == -ENOENT || err == -EINVAL) {
		pr_err("this kernel has no check_version (built without CONFIG_MODVERSIONS?): nothing to replace\n");
		goto fail_untrack;
	}
	if (err == -EBUSY) {
		pr_err("cannot probe check_version (%pe): a livepatch or another probe already changes where it returns\n",
		       ERR_PTR(err));
		goto fail_untrack;
	}
	if (err) {
		pr_err("cannot probe check_version: %pe\n", ERR_PTR(err));
		goto fail_untrack;
	}
	err = modver_guard_init(&modver_check_version_kprobe);
	if (err)
		goto fail_unprobe;
	WRITE_ONCE(modver_redirect_armed, true);

	pr_info("replacing check_version, policy %s%s\n", mv_policy_name(modver_policy_now()),
		modver_force_layout_now() ? ", force_module_layout set" : "");
	return 0;

fail_unprobe:
	unregister_kprobe(&modver_check_version_kprobe);
fail_untrack:
	if (modver_loads_tracked) {
		unregister_kretprobe(&modver_load_probe);
		modver_loads_release();
	}
	modver_lock_exit();
	modver_dry_run_exit();
	modver_lookup_exit();
	modver_report_exit();
fail_stats:
	modver_stats_exit();
	modver_rules_exit();
fail_pool:
	kfree(modver_load_pool);
	return err;
}

static void __exit modver_exit(void)
{
	modver_guard_exit();
	unregister_kprobe(&modver_check_version_kprobe);
	if (modver_loads_tracked) {
		unregister_kretprobe(&modver_load_probe);
		modver_loads_release();
		if (modver_load_probe.nmissed)
			pr_info("%d loads were not tracked (more than %d at once)\n",
				modver_load_probe.nmissed, MODVER_MAX_CONCURRENT_LOADS);
	}
	/*
	 * A replacement call drops its module reference just before it returns, so a task can
	 * still be on its last instructions, even preempted there.  Tasks RCU waits until every
	 * task has passed a voluntary context switch, which such a task does only after leaving
	 * modver's text.
	 */
	synchronize_rcu_tasks();
	modver_explain_exit();
	modver_lock_exit();
	modver_dry_run_exit();
	modver_lookup_exit();
	modver_report_exit();
	modver_stats_exit();
	modver_rules_exit();
	kfree(modver_load_pool);
	pr_info("check_version restored\n");
}

module_init(modver_init);
module_exit(modver_exit);

MODULE_DESCRIPTION("Replaces the module loader's symbol-version check with a verifier and policy");
MODULE_LICENSE("GPL");
