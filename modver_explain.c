// SPDX-License-Identifier: GPL-2.0
/*
 * Load-time explanations: what changed behind a CRC mismatch, from the module's stamp and the
 * running kernel's BTF.
 *
 * A module built with the stamping step carries a ".modver_stamp" section (core/modver_stamp.h):
 * per imported symbol, the fingerprint of its type closure and that closure itself, as a small
 * standalone BTF, taken from the build kernel.  When a load's import mismatches (the CRCs differ),
 * modver_explain() finds the stamp as the loader finds sections (first match, contents inside the
 * image), validates it (mv_stamp_open(): untrusted bytes, bounds-checked), and compares the
 * symbol's stamped closure with the live one: the BTF of vmlinux (/sys/kernel/btf/vmlinux) or,
 * when the exporter is a module, that module's split BTF (/sys/kernel/btf/<owner>) on the vmlinux
 * base.  The root changes (core/modver_closure.h: mv_diff()), each with its path and class, the
 * first MODVER_EXPLAIN_SHOWN of them and how many more, go to the kernel log (lines after the
 * verdict line, only when the verdict line itself was printed), to the load's report record
 * ("explain" lines) and to the modver:modver_explain trace event.  A module without a stamp gets
 * a report line saying "unstamped" that points to modver-dump --explain; it costs no BTF read.
 *
 * Explanations never decide anything: they run after the verdict is final and accounted, change
 * no verdict, count or taint, and any failure (an invalid stamp, no memory, no BTF) only says so.
 *
 * Cost.  Nothing here runs for a symbol that matches: modver_explain() is called for mismatches
 * only, and a load's explanation state is allocated at its first mismatch.  The live vmlinux BTF
 * is read and indexed lazily, at the first explanation that needs it, and cached; a delayed work
 * drops it MODVER_BTF_IDLE_SECONDS after its last use (and module exit does), so an idle system
 * holds nothing.  Memory held while cached: the BTF blob (Debian 6.12: about 6 MiB), its id index
 * (4 bytes per type), its FUNC/VAR name index and its closure workspace (mv_closure_bytes()); the
 * whole is bounded by MODVER_EXPLAIN_MAX_BYTES, beyond which explanations say so and nothing is
 * read.  A module exporter's split BTF is read for the one explanation that needs it and freed
 * after it.  Counters (/sys/kernel/modver/): explanations, explain_time_ns, btf_reads, btf_bytes.
 *
 * Context and locks.  modver_explain() runs in the replacement check_version(), in the loader's
 * process context, with module_mutex held (per-symbol checks come from resolve_symbol(); the
 * module_layout check, which runs without it, is never explained).  It may sleep and allocate.
 * modver_explain_lock (a mutex) serialises use of the cached BTF and its closure workspace, which
 * mv_closure_fingerprint() and mv_diff() write to; it nests inside module_mutex and nothing under
 * it takes module_mutex (sysfs reads of /sys/kernel/btf/ do not), so the order is fixed.  The
 * per-load state belongs to the loading task alone and is freed with the load's other state
 * (modver_load_release(), process context).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kallsyms.h>
#include <linux/ktime.h>
#include <linux/math64.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <linux/workqueue.h>

#include "modver.h"
#include "modver_elf.h"
#include "modver_stamp.h"
#include "modver_trace.h"

#define MODVER_BTF_PATH		"/sys/kernel/btf/vmlinux"
#define MODVER_BTF_DIR		"/sys/kernel/btf/"
/* Root changes named per symbol; the rest are counted ("and N more"). */
#define MODVER_EXPLAIN_SHOWN	3
/*
 * One root change's text, as mv_diff() writes it (a longer one is cut): with the line's prefix it
 * stays within one printk record (1024 bytes).  Debian 6.12's longest paths are about 550 bytes.
 */
#define MODVER_EXPLAIN_TEXT	768
/* The most the live BTF of one explanation may hold: blob, indexes and workspaces. */
#define MODVER_EXPLAIN_MAX_BYTES	(128ULL << 20)
/* The cached vmlinux BTF is dropped after this long without an explanation. */
#define MODVER_BTF_IDLE_SECONDS	60

/* One kernel BTF (vmlinux, or a module's split BTF on the cached vmlinux), ready to compare. */
struct modver_live_btf {
	void *data;		/* the blob, vmalloc()ed */
	size_t len;
	struct mv_btf btf;
	u32 *index;		/* mv_btf_index() */
	void *names_mem;	/* mv_btf_names_build() */
	struct mv_btf_names names;
	void *closure_mem;	/* mv_closure_init() */
	struct mv_closure cl;
	u64 bytes;		/* all of the above */
};

/* What an explanation found, collected from mv_diff()'s callback. */
struct modver_explanation {
	u32 roots;
	u8 cls[MODVER_EXPLAIN_SHOWN];
	char text[MODVER_EXPLAIN_SHOWN][MODVER_EXPLAIN_TEXT];
	char diff_buf[MODVER_EXPLAIN_TEXT];
	char owner_sym[KSYM_SYMBOL_LEN];
	char line[MODVER_EXPLAIN_TEXT + 64];
};

enum modver_stamp_state { MODVER_STAMP_UNREAD, MODVER_STAMP_NONE, MODVER_STAMP_INVALID,
			  MODVER_STAMP_VALID };

/* A load's explanation state, allocated at its first mismatch; the loading task's alone. */
struct modver_explain_load {
	enum modver_stamp_state state;
	const char *why;	/* MODVER_STAMP_INVALID: why (a constant string) */
	void *stamp_mem;	/* mv_stamp_open()'s workspace, kvmalloc()ed */
	struct mv_stamp stamp;
	struct modver_explanation ex;	/* scratch for one symbol's explanation */
};

static DEFINE_MUTEX(modver_explain_lock);
/* The cached vmlinux BTF, NULL when none; under modver_explain_lock. */
static struct modver_live_btf *modver_vmlinux_btf;

static void modver_live_free(struct modver_live_btf *live)
{
	if (!live)
		return;
	kvfree(live->closure_mem);
	kvfree(live->names_mem);
	kvfree(live->index);
	vfree(live->data);
	modver_stat_sub(MODVER_STAT_BTF_BYTES, live->bytes);
	kfree(live);
}

static void modver_btf_drop(struct work_struct *work)
{
	mutex_lock(&modver_explain_lock);
	modver_live_free(modver_vmlinux_btf);
	modver_vmlinux_btf = NULL;
	mutex_unlock(&modver_explain_lock);
}

static DECLARE_DELAYED_WORK(modver_btf_dropper, modver_btf_drop);

/* Allocate @bytes more for @live, within MODVER_EXPLAIN_MAX_BYTES; NULL and @why otherwise. */
static void *modver_live_alloc(struct modver_live_btf *live, u64 bytes, u64 base_bytes,
			       const char **why)
{
	void *mem;

	if (live->bytes + base_bytes + bytes > MODVER_EXPLAIN_MAX_BYTES) {
		*why = "the live BTF would need more than the 128 MiB an explanation may hold";
		return NULL;
	}
	mem = kvmalloc(bytes ? bytes : 1, GFP_KERNEL | __GFP_NOWARN);
	if (!mem) {
		*why = "no memory to index the live BTF";
		return NULL;
	}
	live->bytes += bytes;
	return mem;
}

/*
 * Read and index the BTF at @path, split on @base when @base is not NULL.  Process context, under
 * modver_explain_lock.  Return: the BTF, or NULL with @why set.
 */
static struct modver_live_btf *modver_live_read(const char *path, struct modver_live_btf *base,
						char *why, size_t why_size)
{
	u64 base_bytes = base ? base->bytes : 0;
	struct modver_live_btf *live;
	const char *what = NULL;
	u64 bytes;
	int err;

	live = kzalloc(sizeof(*live), GFP_KERNEL | __GFP_NOWARN);
	if (!live) {
		strscpy(why, "no memory", why_size);
		return NULL;
	}
	err = modver_read_file(path, &live->data, &live->len, why, why_size);
	if (err)
		goto fail;
	live->bytes = live->len;
	err = base ? mv_btf_open_split(&live->btf, &base->btf, live->data, live->len, &what) :
		     mv_btf_open(&live->btf, live->data, live->len, &what);
	if (err)
		goto fail_what;
	bytes = mv_btf_index_bytes(&live->btf);
	live->index = modver_live_alloc(live, bytes, base_bytes, &what);
	if (!live->index || mv_btf_index(&live->btf, live->index, bytes))
		goto fail_what;
	bytes = mv_btf_names_bytes(&live->btf);
	live->names_mem = modver_live_alloc(live, bytes, base_bytes, &what);
	if (!live->names_mem ||
	    mv_btf_names_build(&live->names, &live->btf, live->names_mem, bytes))
		goto fail_what;
	bytes = mv_closure_bytes(&live->btf);
	live->closure_mem = modver_live_alloc(live, bytes, base_bytes, &what);
	if (!live->closure_mem ||
	    mv_closure_init(&live->cl, &live->btf, live->closure_mem, bytes))
		goto fail_what;
	modver_stat_add(MODVER_STAT_BTF_BYTES, live->bytes);
	modver_stat_add(MODVER_STAT_BTF_READS, 1);
	return live;

fail_what:
	snprintf(why, why_size, "cannot index %s: %s", path, what ? what : "malformed");
fail:
	live->bytes = 0;	/* nothing was added to the btf_bytes counter yet */
	modver_live_free(live);
	return NULL;
}

/* The cached vmlinux BTF, read now if need be.  Under modver_explain_lock. */
static struct modver_live_btf *modver_vmlinux_get(char *why, size_t why_size)
{
	u64 start;

	if (modver_vmlinux_btf)
		return modver_vmlinux_btf;
	start = ktime_get_ns();
	modver_vmlinux_btf = modver_live_read(MODVER_BTF_PATH, NULL, why, why_size);
	if (modver_vmlinux_btf)
		pr_info("explain: read and indexed %s (%zu bytes, %u types) in %llu us; holding %llu KiB until %u s without use\n",
			MODVER_BTF_PATH, modver_vmlinux_btf->len, modver_vmlinux_btf->btf.nr_types,
			div_u64(ktime_get_ns() - start, NSEC_PER_USEC),
			modver_vmlinux_btf->bytes >> 10, MODVER_BTF_IDLE_SECONDS);
	return modver_vmlinux_btf;
}

/*
 * The exporter of the symbol whose __kcrctab entry is @crc: a module's name, or "" for vmlinux.
 * kallsyms names the module an address lies in ("__crc_foo+0x0/0x4 [owner]"); the exporter cannot
 * go away meanwhile, as the caller holds module_mutex.
 */
static void modver_owner_of(const u32 *crc, char *buf, size_t size, char *owner,
			    size_t owner_size)
{
	char *open, *close;

	owner[0] = '\0';
	snprintf(buf, size, "%pS", crc);
	open = strrchr(buf, '[');
	close = open ? strchr(open, ']') : NULL;
	if (!close || close == open + 1)
		return;
	*close = '\0';
	open++;
	close = strchr(open, ' ');	/* "[owner buildid]" */
	if (close)
		*close = '\0';
	strscpy(owner, open, owner_size);
}

/* Find, open and validate the image's stamp, once per load. */
static void modver_stamp_read(struct modver_explain_load *el, const void *image, u64 len)
{
	const struct elf64_shdr *shp;
	struct elf64_shdr sh;
	const char *why;
	u64 bytes;

	el->state = MODVER_STAMP_INVALID;
	if (mv_image_check(image, len, &why)) {
		el->why = why;
		return;
	}
	shp = mv_section(image, len, MV_STAMP_SECTION);
	if (!shp) {
		el->state = MODVER_STAMP_NONE;
		return;
	}
	memcpy(&sh, shp, sizeof(sh));
	if (sh.sh_type == SHT_NOBITS || sh.sh_offset > len || sh.sh_size > len - sh.sh_offset) {
		el->why = "the section's contents are not in the image";
		return;
	}
	bytes = mv_stamp_open_bytes((const u8 *)image + sh.sh_offset, sh.sh_size);
	el->stamp_mem = kvmalloc(bytes ? bytes : 1, GFP_KERNEL | __GFP_NOWARN);
	if (!el->stamp_mem) {
		el->why = "no memory to open it";
		return;
	}
	if (mv_stamp_open(&el->stamp, (const u8 *)image + sh.sh_offset, sh.sh_size,
			  el->stamp_mem, bytes, &why)) {
		el->why = why;
		return;
	}
	el->state = MODVER_STAMP_VALID;
}

static const char *const modver_stamp_token[] = {
	[MODVER_STAMP_UNREAD] = "unread",
	[MODVER_STAMP_NONE] = "unstamped",
	[MODVER_STAMP_INVALID] = "invalid",
	[MODVER_STAMP_VALID] = "valid",
};

/* One explanation line: the report record, the trace event and (if @log) the kernel log. */
static void modver_explain_emit(struct modver_load *load, struct modver_explain_load *el,
				const char *sym, bool log, u32 root, u32 roots,
				const char *cls, const char *text)
{
	const char *stamp = modver_stamp_token[el->state];

	if (load->record)
		modver_record_add_explain(load->record, load->name, sym, stamp, root, roots, cls,
					  text);
	trace_modver_explain(load->name, sym, stamp, root, roots, cls, text);
	if (log)
		modver_log_explanation(load, "%s: %s: %s\n", load->name, sym, text);
}

struct modver_diff_arg {
	struct modver_explanation *ex;
};

/* mv_diff()'s callback: keep the first root changes, count them all. */
static int modver_explain_change(void *arg, const struct mv_change *ch)
{
	struct modver_explanation *ex = ((struct modver_diff_arg *)arg)->ex;

	if (ex->roots < MODVER_EXPLAIN_SHOWN) {
		ex->cls[ex->roots] = ch->cls;
		strscpy(ex->text[ex->roots], ch->text, MODVER_EXPLAIN_TEXT);
	}
	ex->roots++;
	return 0;
}

/*
 * Compare @sym's stamped closure with the live one.  Under modver_explain_lock.  Return: 0 with
 * @ex filled in (ex->roots == 0: the closures agree), or -1 with @why set.
 */
static int modver_explain_diff(struct modver_explain_load *el, const struct mv_stamp_sym *s,
			       const char *sym, const u32 *crc, char *why, size_t why_size)
{
	struct modver_explanation *ex = &el->ex;
	struct modver_diff_arg arg = { .ex = ex };
	struct modver_live_btf *vmlinux, *live, *split = NULL;
	char owner[MODULE_NAME_LEN], path[sizeof(MODVER_BTF_DIR) + MODULE_NAME_LEN];
	const char *what = NULL;
	void *diff_mem = NULL;
	u64 fp, bytes;
	u32 id;
	int ret = -1;

	vmlinux = modver_vmlinux_get(why, why_size);
	if (!vmlinux)
		return -1;
	live = vmlinux;
	modver_owner_of(crc, ex->owner_sym, sizeof(ex->owner_sym), owner, sizeof(owner));
	if (owner[0]) {
		snprintf(path, sizeof(path), MODVER_BTF_DIR "%s", owner);
		split = modver_live_read(path, vmlinux, why, why_size);
		if (!split)
			return -1;
		live = split;
	}
	id = mv_btf_symbol(&live->names, sym);
	if (!id) {
		snprintf(why, why_size, "the BTF of %s has no function or variable %s",
			 owner[0] ? owner : "vmlinux", sym);
		goto out;
	}
	if (mv_closure_fingerprint(&live->cl, id, &fp)) {
		snprintf(why, why_size, "cannot walk the running kernel's BTF of %s", sym);
		goto out;
	}
	ex->roots = 0;
	if (fp == s->fp) {
		ret = 0;
		goto out;
	}
	bytes = mv_diff_bytes(&el->stamp.btf, &live->btf);
	if (bytes > MODVER_EXPLAIN_MAX_BYTES) {
		strscpy(why, "the comparison would need more memory than modver allows (128 MiB)",
			why_size);
		goto out;
	}
	diff_mem = kvmalloc(bytes ? bytes : 1, GFP_KERNEL | __GFP_NOWARN);
	if (!diff_mem) {
		strscpy(why, "no memory to compare the types", why_size);
		goto out;
	}
	if (mv_diff(&el->stamp.cl, s->type_id, &live->cl, id, diff_mem, bytes, ex->diff_buf,
		    sizeof(ex->diff_buf), modver_explain_change, &arg, &what) < 0) {
		snprintf(why, why_size, "cannot compare the types: %s", what ? what : "malformed");
		goto out;
	}
	if (!ex->roots)
		strscpy(why, "the type closures differ, but no root change was found", why_size);
	else
		ret = 0;
out:
	kvfree(diff_mem);
	modver_live_free(split);
	return ret;
}

/**
 * modver_explain() - explain one mismatch, after its verdict is final and accounted
 * @load: the load; owned by the calling task
 * @image: the image the loader holds (info->hdr)
 * @len: its length (info->len)
 * @sym: the mismatching symbol
 * @crc: the exporter's __kcrctab entry (never NULL for a mismatch)
 * @logged: the verdict's line was printed: the explanation's lines follow it in the log
 *
 * Called from the replacement check_version() for a mismatch (never module_layout), once per
 * symbol per load: process context, module_mutex held, may sleep.  Changes no verdict.
 */
void modver_explain(struct modver_load *load, const void *image, u64 len, const char *sym,
		    const u32 *crc, bool logged)
{
	struct modver_explain_load *el = load->explain;
	struct modver_explanation *ex;
	struct mv_stamp_sym s;
	u64 start = ktime_get_ns();
	char why[160];
	int ret;
	u32 i;

	if (!el) {
		el = kzalloc(sizeof(*el), GFP_KERNEL | __GFP_NOWARN);
		if (!el)
			return;
		load->explain = el;
	}
	ex = &el->ex;
	if (el->state == MODVER_STAMP_UNREAD)
		modver_stamp_read(el, image, len);
	switch (el->state) {
	case MODVER_STAMP_NONE:
		modver_explain_emit(load, el, sym, false, 0, 0, "none",
				    "no .modver_stamp section: modver-dump --explain OLD NEW module.ko explains it offline");
		return;
	case MODVER_STAMP_INVALID:
		snprintf(ex->line, sizeof(ex->line), "cannot explain: stamp invalid: %s", el->why);
		modver_explain_emit(load, el, sym, logged, 0, 0, "none", ex->line);
		return;
	default:
		break;
	}
	if (mv_stamp_find(&el->stamp, sym, &s) < 0) {
		snprintf(why, sizeof(why), "the stamp (built on %s) has no record of %s",
			 el->stamp.release, sym);
		goto unexplained;
	}
	if (!s.type_id) {
		snprintf(why, sizeof(why), "the build kernel (%s) had no BTF for %s",
			 el->stamp.release, sym);
		goto unexplained;
	}
	mutex_lock(&modver_explain_lock);
	ret = modver_explain_diff(el, &s, sym, crc, why, sizeof(why));
	mutex_unlock(&modver_explain_lock);
	mod_delayed_work(system_wq, &modver_btf_dropper, MODVER_BTF_IDLE_SECONDS * HZ);
	if (ret)
		goto unexplained;
	modver_stat_add(MODVER_STAT_EXPLAINED, 1);
	modver_stat_add(MODVER_STAT_EXPLAIN_NS, ktime_get_ns() - start);
	if (!ex->roots) {
		snprintf(ex->line, sizeof(ex->line),
			 "type closure unchanged since %s: the CRC differs for a reason BTF does not show",
			 el->stamp.release);
		modver_explain_emit(load, el, sym, logged, 0, 0, "none", ex->line);
		return;
	}
	snprintf(ex->line, sizeof(ex->line), "changed since %s: %u root change%s",
		 el->stamp.release, ex->roots, ex->roots == 1 ? "" : "s");
	if (logged)
		modver_log_explanation(load, "%s: %s: %s\n", load->name, sym, ex->line);
	for (i = 0; i < ex->roots && i < MODVER_EXPLAIN_SHOWN; i++) {
		const char *cls = mv_change_class_name(ex->cls[i]);

		snprintf(ex->line, sizeof(ex->line), "root change %u/%u (%s): %s", i + 1,
			 ex->roots, cls, ex->text[i]);
		if (logged)
			modver_log_explanation(load, "%s: %s: %s\n", load->name, sym, ex->line);
		if (load->record)
			modver_record_add_explain(load->record, load->name, sym, "valid", i + 1,
						  ex->roots, cls, ex->text[i]);
		trace_modver_explain(load->name, sym, "valid", i + 1, ex->roots, cls, ex->text[i]);
	}
	if (ex->roots > MODVER_EXPLAIN_SHOWN) {
		snprintf(ex->line, sizeof(ex->line),
			 "and %u more root changes (modver-dump --explain lists them all)",
			 ex->roots - MODVER_EXPLAIN_SHOWN);
		modver_explain_emit(load, el, sym, logged, 0, ex->roots, "none", ex->line);
	}
	return;

unexplained:
	snprintf(ex->line, sizeof(ex->line), "cannot explain: %s", why);
	modver_explain_emit(load, el, sym, logged, 0, 0, "none", ex->line);
}

/* Free a load's explanation state.  Process context (modver_load_release()). */
void modver_explain_release(struct modver_load *load)
{
	struct modver_explain_load *el = load->explain;

	if (!el)
		return;
	kvfree(el->stamp_mem);
	kfree(el);
	load->explain = NULL;
}

/* Module exit, after every probe is gone: no explanation runs any more. */
void modver_explain_exit(void)
{
	cancel_delayed_work_sync(&modver_btf_dropper);
	modver_btf_drop(NULL);
}
