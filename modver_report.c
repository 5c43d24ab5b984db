// SPDX-License-Identifier: GPL-2.0
/*
 * The report: a record of each of the last report_size checked modules (module, time, policy,
 * decision, counts, and every verdict other than a match, with both CRCs and the rule that decided
 * it), read as text from /sys/kernel/debug/modver/report.  The line format is documented in
 * docs/reference.md and produced by pure code (mv_format_record_*()); the dry run renders its
 * answer as a record too.
 *
 * Why debugfs: a record can be far longer than the one page a sysfs attribute may return, and a
 * reader must never see a record torn by a load finishing mid-read.  A debugfs file has an open()
 * hook, so each open takes a snapshot and every read() of that file description serves it; a
 * sysfs binary attribute has no open hook and would re-render at every offset.  The file is
 * read-only, so it stays readable in lockdown (debugfs only refuses writable files then).
 *
 * A record is built by its load in process context (the replacement check_version()), published
 * from the kretprobe return handler of load_module() (kprobe context, must not sleep), and is
 * immutable once published; a reference count lets a snapshot keep a record an eviction drops.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/moduleparam.h>
#include <linux/refcount.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/vmalloc.h>
#include <linux/workqueue.h>

#include "modver.h"

#define MODVER_REPORT_SIZE_MAX	4096
/* Symbol text kept per record; a record cut short says how many lines it left out. */
#define MODVER_RECORD_TEXT_MAX	(64 * 1024)

struct modver_record {
	struct list_head node;
	refcount_t ref;
	size_t len;			/* bytes used in @text */
	size_t cap;
	u32 omitted;
	char *text;			/* the symbol lines, each ending in '\n' */
	char head[MV_RECORD_LINE_MAX];	/* the first line, without its '\n' */
};

static unsigned int modver_report_size = 64;
static LIST_HEAD(modver_records);		/* oldest first */
static unsigned int modver_record_count;
static u64 modver_record_seq;
/* Raw: publishing happens in a kretprobe handler, with preemption disabled. */
static DEFINE_RAW_SPINLOCK(modver_records_lock);
/*
 * Records evicted where they cannot be freed (modver_record_publish(), preemption disabled: on
 * PREEMPT_RT kfree() may sleep there), for modver_records_reap(); under modver_records_lock.
 */
static LIST_HEAD(modver_records_evicted);
static struct dentry *modver_debugfs_dir;

/* Process context. Return: a new, empty record, or NULL without memory. */
struct modver_record *modver_record_alloc(void)
{
	struct modver_record *rec = kzalloc(sizeof(*rec), GFP_KERNEL | __GFP_NOWARN);

	if (rec)
		refcount_set(&rec->ref, 1);
	return rec;
}

/* Process context. Return: a record for a load, or NULL when the report is off (or no memory). */
struct modver_record *modver_record_new(void)
{
	return READ_ONCE(modver_report_size) ? modver_record_alloc() : NULL;
}

/* Any context. */
void modver_record_put(struct modver_record *rec)
{
	if (rec && refcount_dec_and_test(&rec->ref)) {
		kfree(rec->text);
		kfree(rec);
	}
}

/*
 * Make room for one more line (MV_RECORD_LINE_MAX bytes and its '\n') in a record being built.
 * Process context, may sleep.  Return: false past MODVER_RECORD_TEXT_MAX or without memory (the
 * line is then counted as omitted).
 */
static bool modver_record_room(struct modver_record *rec)
{
	size_t need = rec->len + MV_RECORD_LINE_MAX + 1, cap;
	char *grown;

	if (need <= rec->cap)
		return true;
	cap = max_t(size_t, rec->cap * 2, 2 * MV_RECORD_LINE_MAX);
	while (cap < need)
		cap *= 2;
	if (cap > MODVER_RECORD_TEXT_MAX)
		goto omit;
	grown = krealloc(rec->text, cap, GFP_KERNEL | __GFP_NOWARN);
	if (!grown)
		goto omit;
	rec->text = grown;
	rec->cap = cap;
	return true;
omit:
	rec->omitted++;
	return false;
}

/* The line just formatted at the end of @rec's text becomes part of it. */
static void modver_record_commit(struct modver_record *rec)
{
	size_t n = strlen(rec->text + rec->len);

	rec->text[rec->len + n] = '\n';
	rec->len += n + 1;
}

/**
 * modver_record_add() - append one verdict line to a record being built
 * @rec: the record; owned by the caller, not yet published
 * @kind: the line's kind ("symbol" or "entry", see mv_format_record_symbol())
 * @module: the module's name
 * @sym: the symbol
 * @v: its verdict
 *
 * Process context, may sleep.  The line is formatted in place, so the caller's stack (the loader's,
 * deep inside load_module()) holds no line buffer.  Past MODVER_RECORD_TEXT_MAX (or without memory)
 * the line is only counted as omitted.
 */
void modver_record_add(struct modver_record *rec, const char *kind, const char *module,
		       const char *sym, const struct mv_verdict *v)
{
	if (!modver_record_room(rec))
		return;
	mv_format_record_symbol(rec->text + rec->len, MV_RECORD_LINE_MAX, kind, module, sym, v);
	modver_record_commit(rec);
}

/**
 * modver_record_add_explain() - append one explanation line (mv_format_record_explain())
 * @rec: the record; owned by the caller, not yet published
 * @module: the module's name
 * @sym: the mismatching symbol
 * @stamp: "valid", "unstamped" or "invalid"
 * @root: which root change the line names (1-based), 0: none
 * @roots: how many were found
 * @class: the change's class, or "none"
 * @text: free text
 *
 * Process context, may sleep; formatted in place, as modver_record_add() does.
 */
void modver_record_add_explain(struct modver_record *rec, const char *module, const char *sym,
			       const char *stamp, u32 root, u32 roots, const char *class,
			       const char *text)
{
	if (!modver_record_room(rec))
		return;
	mv_format_record_explain(rec->text + rec->len, MV_RECORD_LINE_MAX, module, sym, stamp,
				 root, roots, class, text);
	modver_record_commit(rec);
}

/* Fill in a record's first line; @h->omitted is taken from the record. Any context. */
void modver_record_finish(struct modver_record *rec, struct mv_record_head *h)
{
	h->omitted = rec->omitted;
	mv_format_record_head(rec->head, sizeof(rec->head), h);
}

/* The record as text: its first line, then its symbol lines. */
size_t modver_record_length(const struct modver_record *rec)
{
	return strlen(rec->head) + 1 + rec->len;
}

/* Copy the text of @rec to @buf, which has room for modver_record_length(); returns the length. */
size_t modver_record_render(const struct modver_record *rec, char *buf)
{
	size_t head = strlen(rec->head);

	memcpy(buf, rec->head, head);
	buf[head] = '\n';
	if (rec->len)
		memcpy(buf + head + 1, rec->text, rec->len);
	return head + 1 + rec->len;
}

/* Drop the oldest records beyond @keep onto @evicted; called with modver_records_lock held. */
static void modver_records_trim(unsigned int keep, struct list_head *evicted)
{
	struct modver_record *rec;

	while (modver_record_count > keep) {
		rec = list_first_entry(&modver_records, struct modver_record, node);
		list_move_tail(&rec->node, evicted);
		modver_record_count--;
	}
}

static void modver_records_free(struct list_head *evicted)
{
	struct modver_record *rec, *next;

	list_for_each_entry_safe(rec, next, evicted, node) {
		list_del(&rec->node);
		modver_record_put(rec);
	}
}

/* Free the records modver_record_publish() evicted.  Process context. */
static void modver_records_reap(struct work_struct *work)
{
	LIST_HEAD(evicted);
	unsigned long flags;

	raw_spin_lock_irqsave(&modver_records_lock, flags);
	list_splice_init(&modver_records_evicted, &evicted);
	raw_spin_unlock_irqrestore(&modver_records_lock, flags);
	modver_records_free(&evicted);
}

static DECLARE_WORK(modver_records_reaper, modver_records_reap);

/**
 * modver_record_publish() - add a finished load's record to the report
 * @rec: the record; the caller's reference passes to the report
 * @h: its first line, without seq (assigned here)
 *
 * Called from the kretprobe return handler of load_module(): kprobe context, must not sleep, and
 * frees nothing itself: the records it evicts are freed by modver_records_reap().
 */
void modver_record_publish(struct modver_record *rec, struct mv_record_head *h)
{
	unsigned long flags;
	bool evicted;

	raw_spin_lock_irqsave(&modver_records_lock, flags);
	h->seq = ++modver_record_seq;
	modver_record_finish(rec, h);
	list_add_tail(&rec->node, &modver_records);
	modver_record_count++;
	modver_records_trim(READ_ONCE(modver_report_size), &modver_records_evicted);
	evicted = !list_empty(&modver_records_evicted);
	raw_spin_unlock_irqrestore(&modver_records_lock, flags);
	if (evicted)
		queue_work(system_wq, &modver_records_reaper);
}

static int modver_report_size_set(const char *val, const struct kernel_param *kp)
{
	LIST_HEAD(evicted);
	unsigned long flags;
	unsigned int size;
	int err = kstrtouint(val, 0, &size);

	if (err)
		return err;
	if (size > MODVER_REPORT_SIZE_MAX)
		return -ERANGE;
	/*
	 * The report is the audit trail: the lock fixes its size too (lockdown does not: a smaller
	 * report admits nothing more).
	 */
	err = modver_change_allowed("report_size", false);
	if (err)
		return err;
	raw_spin_lock_irqsave(&modver_records_lock, flags);
	WRITE_ONCE(modver_report_size, size);
	modver_records_trim(size, &evicted);
	raw_spin_unlock_irqrestore(&modver_records_lock, flags);
	modver_records_free(&evicted);
	return 0;
}

static const struct kernel_param_ops modver_report_size_ops = {
	.set = modver_report_size_set,
	.get = param_get_uint,
};
module_param_cb(report_size, &modver_report_size_ops, &modver_report_size, 0644);
MODULE_PARM_DESC(report_size,
		 "How many of the last checked modules /sys/kernel/debug/modver/report keeps (default 64, 0: none, at most 4096)");

struct modver_report_snapshot {
	size_t len;
	char text[];
};

/* open(): render every record into one buffer, so that later reads see one consistent report. */
static int modver_report_open(struct inode *inode, struct file *file)
{
	struct modver_report_snapshot *snap;
	struct modver_record **recs, *rec;
	unsigned int n = 0, i, max;
	unsigned long flags;
	size_t len = 0;
	int ret = 0;

	max = READ_ONCE(modver_report_size);
	recs = kvcalloc(max ? max : 1, sizeof(*recs), GFP_KERNEL);
	if (!recs)
		return -ENOMEM;
	raw_spin_lock_irqsave(&modver_records_lock, flags);
	list_for_each_entry(rec, &modver_records, node) {
		if (n == max)
			break;
		refcount_inc(&rec->ref);
		recs[n++] = rec;
	}
	raw_spin_unlock_irqrestore(&modver_records_lock, flags);

	for (i = 0; i < n; i++)
		len += modver_record_length(recs[i]);
	snap = kvmalloc(struct_size(snap, text, len ? len : 1), GFP_KERNEL);
	if (!snap) {
		ret = -ENOMEM;
		goto put;
	}
	snap->len = 0;
	for (i = 0; i < n; i++)
		snap->len += modver_record_render(recs[i], snap->text + snap->len);
	file->private_data = snap;
put:
	for (i = 0; i < n; i++)
		modver_record_put(recs[i]);
	kvfree(recs);
	return ret;
}

static ssize_t modver_report_read(struct file *file, char __user *buf, size_t count, loff_t *ppos)
{
	const struct modver_report_snapshot *snap = file->private_data;

	return simple_read_from_buffer(buf, count, ppos, snap->text, snap->len);
}

static int modver_report_release(struct inode *inode, struct file *file)
{
	kvfree(file->private_data);
	return 0;
}

static const struct file_operations modver_report_fops = {
	.owner = THIS_MODULE,
	.open = modver_report_open,
	.read = modver_report_read,
	.release = modver_report_release,
	.llseek = default_llseek,
};

/* Module init: process context.  Without debugfs modver works; only the report is unreadable. */
void modver_report_init(void)
{
	modver_debugfs_dir = debugfs_create_dir(KBUILD_MODNAME, NULL);
	debugfs_create_file("report", 0444, modver_debugfs_dir, NULL, &modver_report_fops);
}

/* Module exit: no load can publish any more (both probes are gone). */
void modver_report_exit(void)
{
	LIST_HEAD(evicted);
	unsigned long flags;

	debugfs_remove_recursive(modver_debugfs_dir);
	/* After the load probe is gone: nothing publishes or queues the reaper any more. */
	flush_work(&modver_records_reaper);
	raw_spin_lock_irqsave(&modver_records_lock, flags);
	modver_records_trim(0, &evicted);
	raw_spin_unlock_irqrestore(&modver_records_lock, flags);
	modver_records_free(&evicted);
}
