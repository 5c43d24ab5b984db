// SPDX-License-Identifier: GPL-2.0
/*
 * What keeps the redirect in place, and what fails closed when it is not.
 *
 * - Where kprobes sit on ftrace (x86_64), the check_version() probe is an ftrace ops, and writing
 *   0 to the ftrace_enabled sysctl would silently turn it into a no-op.  An ftrace ops of modver's
 *   own is PERMANENT, as livepatch's are: the kernel then refuses that write (EBUSY) for as long
 *   as modver is loaded.  The kernel refuses it while any PERMANENT ops is registered, wherever it
 *   is attached, so the pin sits on a function of modver's own that is never called, not on
 *   check_version(): a second ops there would make every check_version() call go through
 *   ftrace's list function, which tests each registered ops in turn, instead of the probe's ops
 *   alone.  On arm64 kprobes are breakpoints, which the sysctl does not touch.
 * - Nothing can stop root from disarming every kprobe through debugfs (kprobes/enabled).  A
 *   canary kprobe on a function of modver's own tells, at each load, whether kprobes are armed;
 *   a module notifier at MODULE_STATE_COMING refuses, under every policy and with a line saying
 *   why, any load that reached it while they were not, or whose check_version() calls never came
 *   to modver.  A module_layout modver did not verify is refused under every policy.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/ftrace.h>
#include <linux/kprobes.h>
#include <linux/module.h>
#include <linux/notifier.h>
#include <linux/percpu.h>
#include <linux/sched.h>

#include "modver.h"

static DEFINE_PER_CPU(unsigned long, modver_canary_hits);
static unsigned long modver_canary_calls;

/* The canary: called only to see whether its kprobe fires.  The write keeps the call. */
static noinline void modver_canary(void)
{
	WRITE_ONCE(modver_canary_calls, modver_canary_calls + 1);
}

/* kprobe pre-handler of the canary; kprobe context, on the CPU that made the call. */
static int modver_canary_hit(struct kprobe *p, struct pt_regs *regs)
{
	__this_cpu_inc(modver_canary_hits);
	return 0;
}

static struct kprobe modver_canary_kprobe = {
	.pre_handler = modver_canary_hit,
};

/* Are kprobes armed right now?  Any context. */
static bool modver_kprobes_armed(void)
{
	unsigned long before;
	bool armed;

	preempt_disable();
	before = __this_cpu_read(modver_canary_hits);
	modver_canary();
	armed = __this_cpu_read(modver_canary_hits) != before;
	preempt_enable();
	return armed;
}

/*
 * Every load that gets this far (its symbols resolved, its check_version() calls made) passes
 * here, in the loading task: process context.  A load modver did not verify is refused.
 */
static int modver_coming(struct notifier_block *nb, unsigned long state, void *data)
{
	struct module *mod = data;
	const char *why;

	/* Being removed: the kernel's own check has been running again since rmmod began. */
	if (state != MODULE_STATE_COMING || !module_is_live(THIS_MODULE))
		return NOTIFY_DONE;
	if (!modver_kprobes_armed())
		why = "kprobes are disarmed (debugfs kprobes/enabled is 0)";
	else if (modver_load_unverified(current))
		why = "its check_version() calls did not reach modver";
	else
		return NOTIFY_DONE;
	pr_err("%s: refused: %s, so modver verified none of its symbol versions\n", mod->name, why);
	return notifier_from_errno(-EPERM);
}

static struct notifier_block modver_coming_nb = {
	.notifier_call = modver_coming,
	/* Before other COMING notifiers do work the refusal would undo. */
	.priority = INT_MAX,
};

#ifdef CONFIG_KPROBES_ON_FTRACE
/*
 * Where the pin is attached: never called, so the pin costs nothing at run time.  Its address is
 * taken, so it is emitted, with its ftrace call site.
 */
static noinline void modver_pin_site(void)
{
	WRITE_ONCE(modver_canary_calls, modver_canary_calls);
}

/* Never does anything: what matters is that it is registered, and PERMANENT. */
static void modver_ftrace_pin(unsigned long ip, unsigned long parent_ip, struct ftrace_ops *op,
			      struct ftrace_regs *fregs)
{
}

static struct ftrace_ops modver_pin_ops = {
	.func = modver_ftrace_pin,
	.flags = FTRACE_OPS_FL_PERMANENT,
};

static bool modver_ftrace_pinned;

/*
 * Pin the redirect where it is an ftrace ops.  @redirect: registered, not yet enabled.  Module
 * init, process context.
 */
static int modver_pin_ftrace(struct kprobe *redirect)
{
	int err;

	if (!(redirect->flags & KPROBE_FLAG_FTRACE))
		return 0;
	err = ftrace_set_filter_ip(&modver_pin_ops, (unsigned long)modver_pin_site, 0, 0);
	if (!err)
		err = register_ftrace_function(&modver_pin_ops);
	if (err) {
		ftrace_free_filter(&modver_pin_ops);
		pr_err("cannot pin the check_version redirect on ftrace (%pe): is ftrace disabled (sysctl kernel.ftrace_enabled = 0)?\n",
		       ERR_PTR(err));
		return err;
	}
	modver_ftrace_pinned = true;
	return 0;
}

static void modver_unpin_ftrace(void)
{
	if (!modver_ftrace_pinned)
		return;
	unregister_ftrace_function(&modver_pin_ops);
	ftrace_free_filter(&modver_pin_ops);
	modver_ftrace_pinned = false;
}
#else
static int modver_pin_ftrace(struct kprobe *redirect)
{
	return 0;
}

static void modver_unpin_ftrace(void)
{
}
#endif

/**
 * modver_guard_init() - pin the redirect, arm the canary, watch every load
 * @redirect: the check_version() probe, registered disabled; enabled here on success
 *
 * Module init: process context.  Return: 0, or an error after logging it (nothing left armed).
 */
int modver_guard_init(struct kprobe *redirect)
{
	int err;

	/*
	 * Never optimised into a jump (which would ignore the redirect): a probe with a
	 * post-handler is not optimised.  Checked rather than assumed.
	 */
	if (redirect->flags & KPROBE_FLAG_OPTIMIZED || !redirect->post_handler) {
		pr_err("the check_version probe would be optimised, which ignores the redirect\n");
		return -EINVAL;
	}
	err = modver_pin_ftrace(redirect);
	if (err)
		return err;
	modver_canary_kprobe.addr = (kprobe_opcode_t *)modver_canary;
	err = register_kprobe(&modver_canary_kprobe);
	if (err) {
		pr_err("cannot probe modver's own canary (%pe): disarmed kprobes would go unnoticed\n",
		       ERR_PTR(err));
		goto fail_unpin;
	}
	if (!modver_kprobes_armed()) {
		pr_err("kprobes are disarmed (debugfs kprobes/enabled is 0): the redirect would not run\n");
		err = -EPERM;
		goto fail_canary;
	}
	err = register_module_notifier(&modver_coming_nb);
	if (err)
		goto fail_canary;
	err = enable_kprobe(redirect);
	if (err) {
		pr_err("cannot enable the check_version probe: %pe\n", ERR_PTR(err));
		goto fail_notifier;
	}
	return 0;

fail_notifier:
	unregister_module_notifier(&modver_coming_nb);
fail_canary:
	unregister_kprobe(&modver_canary_kprobe);
fail_unpin:
	modver_unpin_ftrace();
	return err;
}

/* Module exit, before the redirect is unregistered: process context. */
void modver_guard_exit(void)
{
	unregister_module_notifier(&modver_coming_nb);
	unregister_kprobe(&modver_canary_kprobe);
	modver_unpin_ftrace();
}
