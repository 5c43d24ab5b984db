// SPDX-License-Identifier: GPL-2.0
/*
 * modver's policy: the global policy and the module_layout switch (module parameters, switchable at
 * run time through /sys/module/modver/parameters/ unless locked, see modver_lock.c), the accounting
 * of each verdict (tainting, counters, report lines) and every line modver logs about a load.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/moduleparam.h>
#include <linux/panic.h>
#include <linux/pid.h>
#include <linux/printk.h>
#include <linux/ratelimit.h>
#include <linux/sched.h>

#include "modver.h"
#include "modver_trace.h"

/* Per-symbol lines printed per load before the rest are only counted in the summary. */
#define MODVER_REPORT_MAX	32

static int modver_policy = MV_POLICY_REFUSE;
static bool modver_force_layout;
static bool modver_tables_all;

enum mv_policy modver_policy_now(void)
{
	return READ_ONCE(modver_policy);
}

bool modver_force_layout_now(void)
{
	return READ_ONCE(modver_force_layout);
}

bool modver_tables_all_now(void)
{
	return READ_ONCE(modver_tables_all);
}

/*
 * Parameter writes come from module load (parse_args) or from a sysfs write: process context, with
 * the kernel's param lock held, which serialises them.
 */
static int modver_policy_set(const char *val, const struct kernel_param *kp)
{
	int policy = mv_policy_parse(val);
	int old = modver_policy_now(), err;

	if (policy < 0) {
		pr_err("invalid policy '%.*s' (expected refuse, warn or log); policy stays %s\n",
		       (int)strcspn(val, "\n"), val, mv_policy_name(old));
		return -EINVAL;
	}
	/* The policies are ordered from strictest to most permissive. */
	err = modver_change_allowed("policy", policy > old);
	if (err)
		return err;
	old = xchg(&modver_policy, policy);
	if (old != policy)
		pr_notice("policy changed from %s to %s by pid %d (%s)\n", mv_policy_name(old),
			  mv_policy_name(policy), task_pid_nr(current), current->comm);
	return 0;
}

static int modver_policy_get(char *buf, const struct kernel_param *kp)
{
	return scnprintf(buf, PAGE_SIZE, "%s\n", mv_policy_name(modver_policy_now()));
}

static const struct kernel_param_ops modver_policy_ops = {
	.set = modver_policy_set,
	.get = modver_policy_get,
};
module_param_cb(policy, &modver_policy_ops, NULL, 0644);
MODULE_PARM_DESC(policy,
		 "What a symbol-version offence does: refuse (default: refuse the load), warn (admit, warn, taint F) or log (admit, record, taint F)");

static int modver_force_layout_set(const char *val, const struct kernel_param *kp)
{
	bool old = modver_force_layout_now(), set;
	int err = kstrtobool(val, &set);

	if (err)
		return err;
	err = modver_change_allowed("force_module_layout", set && !old);
	if (err || old == set)
		return err;
	WRITE_ONCE(modver_force_layout, set);
	if (modver_force_layout_now())
		pr_warn("force_module_layout set by pid %d (%s): warn and log now admit modules built for another struct module layout\n",
			task_pid_nr(current), current->comm);
	else
		pr_notice("force_module_layout cleared by pid %d (%s)\n", task_pid_nr(current),
			  current->comm);
	return 0;
}

static const struct kernel_param_ops modver_force_layout_ops = {
	.set = modver_force_layout_set,
	.get = param_get_bool,
};
module_param_cb(force_module_layout, &modver_force_layout_ops, &modver_force_layout, 0644);
MODULE_PARM_DESC(force_module_layout,
		 "Let warn and log admit a module_layout mismatch (unsafe: struct module differs; default N)");

/*
 * tables=kernel (default): check the table the running kernel reads, as it selects it.
 * tables=all: also every other version table the image carries; any disagreement is an offence.
 */
static int modver_tables_set(const char *val, const struct kernel_param *kp)
{
	size_t len = strcspn(val, "\n");
	bool all, old = modver_tables_all_now();
	int err;

	if (len == strlen("all") && !strncmp(val, "all", len)) {
		all = true;
	} else if (len == strlen("kernel") && !strncmp(val, "kernel", len)) {
		all = false;
	} else {
		pr_err("invalid tables '%.*s' (expected kernel or all); tables stays %s\n",
		       (int)len, val, old ? "all" : "kernel");
		return -EINVAL;
	}
	err = modver_change_allowed("tables", old && !all);
	if (err || old == all)
		return err;
	WRITE_ONCE(modver_tables_all, all);
	pr_notice("tables changed from %s to %s by pid %d (%s)\n", old ? "all" : "kernel",
		  all ? "all" : "kernel", task_pid_nr(current), current->comm);
	return 0;
}

static int modver_tables_get(char *buf, const struct kernel_param *kp)
{
	return scnprintf(buf, PAGE_SIZE, "%s\n", modver_tables_all_now() ? "all" : "kernel");
}

static const struct kernel_param_ops modver_tables_ops = {
	.set = modver_tables_set,
	.get = modver_tables_get,
};
module_param_cb(tables, &modver_tables_ops, NULL, 0644);
MODULE_PARM_DESC(tables,
		 "Which version tables to check: kernel (default: the one this kernel reads) or all (every table the module carries; a disagreement is an offence)");

/* Refusals are errors, offences admitted under warn are warnings, the rest is information. */
enum modver_severity { MODVER_INFO, MODVER_WARNING, MODVER_ERROR };

static __printf(2, 3) void modver_log(enum modver_severity severity, const char *fmt, ...)
{
	struct va_format vaf;
	va_list args;

	va_start(args, fmt);
	vaf.fmt = fmt;
	vaf.va = &args;
	switch (severity) {
	case MODVER_ERROR:
		pr_err("%pV", &vaf);
		break;
	case MODVER_WARNING:
		pr_warn("%pV", &vaf);
		break;
	case MODVER_INFO:
		pr_info("%pV", &vaf);
		break;
	}
	va_end(args);
}

/* An offence admitted under warn, or by a warn rule, is a warning. */
static enum modver_severity modver_severity(enum mv_policy policy, const struct mv_rule *rule,
					    enum mv_action action)
{
	if (action == MV_REFUSE)
		return MODVER_ERROR;
	if (action == MV_ADMIT_TAINT &&
	    (rule ? rule->action == MV_RULE_WARN : policy == MV_POLICY_WARN))
		return MODVER_WARNING;
	return MODVER_INFO;
}

static void modver_taint(struct module *mod)
{
	/* What the kernel's try_to_force_load() does: taint the kernel and the module, F. */
	add_taint(TAINT_FORCED_MODULE, LOCKDEP_NOW_UNRELIABLE);
	set_bit(TAINT_FORCED_MODULE, &mod->taints);
}

/**
 * modver_account() - count, log and act on one verdict of a load
 * @load: the load; owned by the calling task
 * @mod: the loader's module (the temporary copy for module_layout, the final one after)
 * @sym: the symbol
 * @v: its verdict
 * @repeat: the load decided this symbol before: act on it, but count, report and log it once
 *
 * Called from the replacement check_version(), process context, with or without module_mutex.
 * A load logs each offending symbol up to MODVER_REPORT_MAX lines (lines an allow rule silences do
 * not count) and a table-level offence (no or malformed table) once; a load that modver could not
 * track is rate-limited instead.
 */
void modver_account(struct modver_load *load, struct module *mod, const char *sym,
		    const struct mv_verdict *v, bool repeat)
{
	static DEFINE_RATELIMIT_STATE(untracked_rs, 5 * HZ, 20);
	char line[MV_LINE_MAX];

	if (v->action == MV_ADMIT_TAINT)
		modver_taint(mod);
	load->last_logged = false;
	if (repeat)
		return;
	mv_tally_add(&load->tally, v);
	trace_modver_verdict(load->name, sym, v);
	if (load->record && v->outcome != MV_MATCH)
		modver_record_add(load->record, "symbol", load->name, sym, v);
	if (!load->tracked)
		modver_count_symbols(&load->tally);	/* no summary will count them */
	if (!mv_format_logged(line, sizeof(line), load->name, sym, &load->tables, v, load->policy,
			      &load->table_reported))
		return;
	if (!mv_verdict_is_table_level(v)) {
		if (load->tracked ? load->reported >= MODVER_REPORT_MAX :
				    !__ratelimit(&untracked_rs)) {
			load->unreported++;
			return;
		}
		load->reported++;
	}
	load->last_severity = modver_severity(load->policy, v->rule, v->action);
	load->last_logged = true;
	modver_log(load->last_severity, "%s\n", line);
}

/**
 * modver_log_explanation() - a line of a mismatch's explanation (modver_explain.c)
 * @load: the load whose last verdict line (modver_account()) it follows, at the same severity
 * @fmt: the line, with its newline
 *
 * Process context.
 */
void modver_log_explanation(const struct modver_load *load, const char *fmt, ...)
{
	struct va_format vaf;
	va_list args;

	va_start(args, fmt);
	vaf.fmt = fmt;
	vaf.va = &args;
	modver_log(load->last_severity, "%pV", &vaf);
	va_end(args);
}

/* Add a load's symbol verdicts to the cumulative counters, once per load rather than per call. */
void modver_count_symbols(const struct mv_tally *t)
{
	modver_stat_add(MODVER_STAT_SYMBOLS, t->checked);
	modver_stat_add(MODVER_STAT_MISMATCHED, t->mismatched);
	modver_stat_add(MODVER_STAT_MISSING, t->missing);
}

/**
 * modver_report_summary() - the one summary line of a checked load
 * @load: the load, no longer reachable by any other path; its record passes to the report
 * @load_ret: what load_module() returned
 *
 * Called from the kretprobe return handler of load_module(): kprobe context, must not sleep.
 */
void modver_report_summary(struct modver_load *load, int load_ret)
{
	enum mv_action decision = mv_tally_decision(&load->tally);
	enum modver_severity severity = modver_severity(load->policy, NULL, decision);
	struct mv_record_head head = {
		.module = load->name,
		.time_ns = load->start_time_ns,
		.policy = load->policy,
		.tally = &load->tally,
		.kind = load->tables.kind,
		.result = load_ret,
	};
	u32 unreported = load->unreported;
	char line[MV_LINE_MAX];

	modver_stat_add(MODVER_STAT_MODULES, 1);
	modver_count_symbols(&load->tally);
	if (decision == MV_REFUSE)
		modver_stat_add(MODVER_STAT_REFUSED, 1);
	else if (decision == MV_ADMIT_TAINT)
		modver_stat_add(MODVER_STAT_ADMITTED_OFFENCES, 1);

	mv_format_summary(line, sizeof(line), load->name, &load->tally, load->tables.kind,
			  load->policy, load_ret);
	modver_log(severity, "%s\n", line);
	if (unreported)
		modver_log(severity, "%s: %u more offending symbols not shown\n", load->name,
			   unreported);
	if (load->record) {
		modver_record_publish(load->record, &head);
		load->record = NULL;	/* the report owns it now */
	}
}

/* Called from the check_version() pre-handler: kprobe context. */
void modver_count_handed_back(const void *info)
{
	modver_stat_add(MODVER_STAT_HANDED_BACK, 1);
	pr_warn_ratelimited("check_version called with an implausible load_info pointer %p: decision left to the kernel's check_version\n",
			    info);
}
