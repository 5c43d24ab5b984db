// SPDX-License-Identifier: GPL-2.0
/*
 * The rule list in force: the "rules" module parameter, set at load time and replaced at run time
 * by writing the whole list to /sys/module/modver/parameters/rules.  Reading it gives the canonical
 * list.  Parsing and matching are pure code (modver_rules.c); this file publishes lists.
 *
 * A list is immutable once published.  A writer parses the new text into a fresh set and publishes
 * it with one pointer store, so a load sees the old list or the new one, never a mix, and a list
 * with a bad line never replaces the good one.  Each load takes a reference to the set in force at
 * its first check and decides all its symbols with it, as it does with the policy; the last
 * reference frees the set after an RCU grace period (a reader may hold the pointer while the count
 * drops to zero, before its kref_get_unless_zero() fails).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kref.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/rcupdate.h>
#include <linux/pid.h>
#include <linux/sched.h>
#include <linux/slab.h>

#include "modver.h"

static struct modver_rule_set __rcu *modver_rules_current;
/* Serialises writers; parameter writes also hold the kernel's param lock, not across modules. */
static DEFINE_MUTEX(modver_rules_mutex);

static void modver_rule_set_free(struct kref *ref)
{
	struct modver_rule_set *set = container_of(ref, struct modver_rule_set, ref);

	kfree_rcu(set, rcu);
}

/**
 * modver_rules_get() - a reference to the rule list in force
 *
 * Any context.
 *
 * Return: the set, or NULL when no rules are set.  Release it with modver_rules_put().
 */
struct modver_rule_set *modver_rules_get(void)
{
	struct modver_rule_set *set;

	rcu_read_lock();
	do {
		set = rcu_dereference(modver_rules_current);
	} while (set && !kref_get_unless_zero(&set->ref));
	rcu_read_unlock();
	return set;
}

/* Any context: the last put frees through kfree_rcu(). */
void modver_rules_put(struct modver_rule_set *set)
{
	if (set)
		kref_put(&set->ref, modver_rule_set_free);
}

/* Parameter writes come from module load (parse_args) or from a sysfs write: process context. */
static int modver_rules_set(const char *val, const struct kernel_param *kp)
{
	struct modver_rule_set *set, *old;
	struct mv_rules_error err;
	bool weaker;
	size_t len = strlen(val);
	int ret;

	set = kzalloc(sizeof(*set), GFP_KERNEL);
	if (!set)
		return -ENOMEM;
	kref_init(&set->ref);
	if (mv_rules_parse(val, len, &set->rules, &err)) {
		pr_err("rules rejected, line %u '%.*s': %s; the previous rules stay in force\n",
		       err.line, (int)min_t(size_t, err.text_len, 2 * MV_RULE_PATTERN_MAX),
		       err.text, err.why);
		ret = -EINVAL;
		goto free_set;
	}
	if (mv_rules_format(&set->rules, NULL, 0) >= PAGE_SIZE) {
		pr_err("rules rejected: the list is longer than a page once written out; the previous rules stay in force\n");
		ret = -EINVAL;
		goto free_set;
	}

	mutex_lock(&modver_rules_mutex);
	old = rcu_dereference_protected(modver_rules_current,
					lockdep_is_held(&modver_rules_mutex));
	/* Weaker: a rule more permissive than the policy, or a rule in force dropped or moved. */
	weaker = mv_rules_relax(&set->rules, modver_policy_now()) ||
		 !mv_rules_extends(old ? &old->rules : NULL, &set->rules);
	ret = modver_change_allowed("rules", weaker);
	if (ret)
		goto unlock;
	if (!set->rules.count) {
		kfree(set);
		set = NULL;
	}
	rcu_assign_pointer(modver_rules_current, set);
	mutex_unlock(&modver_rules_mutex);

	pr_notice("rules replaced by pid %d (%s): %u rules, was %u\n", task_pid_nr(current),
		  current->comm, set ? set->rules.count : 0, old ? old->rules.count : 0);
	modver_rules_put(old);
	return 0;

unlock:
	mutex_unlock(&modver_rules_mutex);
free_set:
	kfree(set);
	return ret;
}

/* The canonical list, one "<pattern> <action>" line per rule; it always fits (checked on set). */
static int modver_rules_show(char *buf, const struct kernel_param *kp)
{
	struct modver_rule_set *set = modver_rules_get();
	size_t n = 0;

	if (set)
		n = mv_rules_format(&set->rules, buf, PAGE_SIZE);
	modver_rules_put(set);
	return min_t(size_t, n, PAGE_SIZE - 1);
}

/*
 * Called by the kernel when the parameter goes away: on unload, and also when a load fails after
 * the parameters were parsed (modver_init() and modver_exit() then never run).
 */
static void modver_rules_free(void *arg)
{
	modver_rules_exit();
}

static const struct kernel_param_ops modver_rules_ops = {
	.set = modver_rules_set,
	.get = modver_rules_show,
	.free = modver_rules_free,
};
module_param_cb(rules, &modver_rules_ops, NULL, 0644);
MODULE_PARM_DESC(rules,
		 "Ordered first-match rules refining the policy, one \"<pattern> <action>\" per line or ';'-separated: pattern a symbol glob or module:<glob>, action refuse, warn, log or allow");

/* Module exit, or the parameter's .free: unpublish the list in force and drop its reference. */
void modver_rules_exit(void)
{
	struct modver_rule_set *set;

	mutex_lock(&modver_rules_mutex);
	set = rcu_dereference_protected(modver_rules_current,
					lockdep_is_held(&modver_rules_mutex));
	RCU_INIT_POINTER(modver_rules_current, NULL);
	mutex_unlock(&modver_rules_mutex);
	modver_rules_put(set);
}
