// SPDX-License-Identifier: GPL-2.0
/*
 * The one-way lock and the lockdown guard on every change of policy, rules and the module_layout
 * switch.
 *
 * The "lock" parameter (at load time, or Y written to /sys/module/modver/parameters/lock) fixes
 * policy, rules and force_module_layout and keeps modver loaded until reboot; it cannot be cleared.
 * Refused attempts fail with -EPERM and are logged with the caller's pid and comm.
 *
 * Keeping modver loaded takes two things.  A module reference held from the moment of locking makes
 * the kernel's delete_module() fail whatever happens.  To fail with -EPERM and say who tried, a
 * kprobe on the delete_module system call redirects a call naming "modver" (the same redirect as for
 * check_version(), modver_arch.h) to modver_delete_refused().  The name is read in the pre-handler
 * without faulting; if it cannot be, the call goes on and meets the reference (-EWOULDBLOCK).
 *
 * Independently of the lock, a kernel in lockdown (integrity or confidentiality) refuses any change
 * that would make modver admit more: a weaker policy, rules more permissive than the policy, or
 * setting force_module_layout.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kprobes.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/pid.h>
#include <linux/sched.h>
#include <linux/security.h>
#include <linux/uaccess.h>

#include "modver.h"
#include "modver_arch.h"

static bool modver_locked;
static bool modver_live;	/* init has finished: parameter writes are run-time changes */
static bool modver_lock_ref;	/* the reference that keeps a locked modver loaded */

bool modver_is_locked(void)
{
	return READ_ONCE(modver_locked);
}

/**
 * modver_change_allowed() - may @what change now?
 * @what: the parameter ("policy", "rules", "force_module_layout", "lock")
 * @weaker: the change would make modver admit more than it does
 *
 * Called from parameter writes (process context, the kernel's param lock held).  Changes given at
 * load time are checked against lockdown only: the lock applies once modver is running.
 *
 * Return: 0, or -EPERM after logging why and who asked.
 */
int modver_change_allowed(const char *what, bool weaker)
{
	if (READ_ONCE(modver_live) && modver_is_locked()) {
		pr_warn("%s change refused: modver is locked until reboot (pid %d, %s)\n", what,
			task_pid_nr(current), current->comm);
		return -EPERM;
	}
	if (weaker && security_locked_down(LOCKDOWN_INTEGRITY_MAX)) {
		pr_warn("%s change refused: the kernel is locked down and the change would weaken enforcement (pid %d, %s)\n",
			what, task_pid_nr(current), current->comm);
		return -EPERM;
	}
	return 0;
}

/* Take the reference that keeps modver loaded; once. Process context. */
static void modver_lock_engage(void)
{
	if (modver_lock_ref)
		return;
	__module_get(THIS_MODULE);
	modver_lock_ref = true;
}

static int modver_lock_set(const char *val, const struct kernel_param *kp)
{
	bool lock;
	int err = kstrtobool(val, &lock);

	if (err)
		return err;
	if (!lock) {
		if (!modver_is_locked())
			return 0;
		pr_warn("lock change refused: modver is locked until reboot (pid %d, %s)\n",
			task_pid_nr(current), current->comm);
		return -EPERM;
	}
	if (modver_is_locked())
		return 0;
	WRITE_ONCE(modver_locked, true);
	if (READ_ONCE(modver_live))
		modver_lock_engage();
	pr_notice("locked by pid %d (%s): policy, rules and force_module_layout are fixed and modver stays loaded until reboot\n",
		  task_pid_nr(current), current->comm);
	return 0;
}

static const struct kernel_param_ops modver_lock_ops = {
	.set = modver_lock_set,
	.get = param_get_bool,
};
module_param_cb(lock, &modver_lock_ops, &modver_locked, 0644);
MODULE_PARM_DESC(lock,
		 "One-way: once Y, policy, rules and force_module_layout cannot change and modver cannot be unloaded until reboot");

/* The redirected delete_module("modver") system call: process context, may sleep. */
static noinline long modver_delete_refused(const struct pt_regs *uregs)
{
	pr_warn("unload refused: modver is locked until reboot (pid %d, %s)\n",
		task_pid_nr(current), current->comm);
	module_put(THIS_MODULE);
	return -EPERM;
}

/* kprobe pre-handler on the delete_module system call; kprobe context, must not fault. */
static int modver_delete_probe(struct kprobe *p, struct pt_regs *regs)
{
	const struct pt_regs *uregs = (const void *)modver_arch_argument(regs, 0);
	char name[sizeof(KBUILD_MODNAME)];
	const char __user *uname;

	if (!modver_is_locked() || !uregs)
		return 0;
	uname = (const char __user *)modver_arch_syscall_arg0(uregs);
	if (copy_from_user_nofault(name, uname, sizeof(name)) ||
	    memcmp(name, KBUILD_MODNAME, sizeof(name)) != 0)
		return 0;
	if (!try_module_get(THIS_MODULE))
		return 0;
	modver_arch_redirect(regs, modver_delete_refused);
	return 1;
}

static struct kprobe modver_delete_kprobe = {
	.symbol_name = MODVER_ARCH_SYS_DELETE_MODULE,
	.pre_handler = modver_delete_probe,
};
static bool modver_delete_probed;

/* Module init, after the parameters are parsed: process context. */
void modver_lock_init(void)
{
	int err = register_kprobe(&modver_delete_kprobe);

	if (err)
		pr_warn("cannot probe %s (%pe): a locked modver still stays loaded, but rmmod fails with EAGAIN, not EPERM, and is not logged\n",
			MODVER_ARCH_SYS_DELETE_MODULE, ERR_PTR(err));
	modver_delete_probed = !err;
	WRITE_ONCE(modver_live, true);
	if (modver_is_locked())
		modver_lock_engage();
}

/* Module exit (never while locked: the lock's reference prevents it). */
void modver_lock_exit(void)
{
	if (modver_delete_probed)
		unregister_kprobe(&modver_delete_kprobe);
}
