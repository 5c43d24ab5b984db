// SPDX-License-Identifier: GPL-2.0
/*
 * The one-way lock and the lockdown guard on every change of policy, rules and the module_layout
 * switch.
 *
 * The "lock" parameter (at load time, or Y written to /sys/module/modver/parameters/lock) fixes
 * policy, rules and force_module_layout and keeps modver loaded until reboot; it cannot be cleared.
 * Refused attempts fail with -EPERM and are logged with the caller's pid and comm.
 *
 * Keeping modver loaded: a kretprobe on the delete_module system call gives each call that names
 * "modver" while locked a module reference for its duration, so the kernel's own delete_module()
 * fails (its refcount check), and the return handler turns that failure into -EPERM and logs who
 * tried.  The name is read without faulting (kprobe context); a call whose name cannot be read is
 * given the reference too, and fails with the kernel's EAGAIN if it was for modver.  (A standing
 * reference would do without the probe, and is the fallback, but kmod's rmmod reads the refcount
 * and gives up before the system call, so nothing would be refused with EPERM or logged.)
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
static bool modver_delete_probed;
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

/*
 * Without the delete_module probe, keep a locked modver loaded with a reference of its own; once.
 * (With the probe, a standing reference would make kmod's rmmod give up before the system call,
 * saying "in use", so nothing would be refused with EPERM or logged.)  Process context.
 */
static void modver_lock_engage(void)
{
	if (modver_lock_ref || modver_delete_probed)
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

/*
 * kretprobe entry handler of the delete_module system call; kprobe context, must not fault.
 * While locked, a call naming modver, or one whose name cannot be read without faulting, runs
 * with an extra reference on modver, which makes the kernel's delete_module() fail.
 */
static int modver_delete_enter(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	const struct pt_regs *uregs = (const void *)modver_arch_argument(regs, 0);
	bool *ours = (bool *)ri->data;
	char name[sizeof(KBUILD_MODNAME)];

	if (!modver_is_locked() || !uregs)
		return 1;	/* no return handler */
	*ours = !copy_from_user_nofault(name, (const char __user *)modver_arch_syscall_arg0(uregs),
					sizeof(name)) &&
		!memcmp(name, KBUILD_MODNAME, sizeof(name));
	__module_get(THIS_MODULE);
	return 0;
}

/* kretprobe return handler of the delete_module system call; kprobe context. */
static int modver_delete_leave(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	if (*(bool *)ri->data) {
		pr_warn("unload refused: modver is locked until reboot (pid %d, %s)\n",
			task_pid_nr(current), current->comm);
		regs_set_return_value(regs, -EPERM);
	}
	module_put(THIS_MODULE);
	return 0;
}

static struct kretprobe modver_delete_probe = {
	.kp.symbol_name = MODVER_ARCH_SYS_DELETE_MODULE,
	.entry_handler = modver_delete_enter,
	.handler = modver_delete_leave,
	.data_size = sizeof(bool),
	/*
	 * One instance per delete_module() call in flight: a call that finds none runs unprobed,
	 * without the reference.  The calls serialise on module_mutex, so this many never wait at
	 * once in practice; each instance costs a few dozen bytes.
	 */
	.maxactive = 1024,
};

/* Module init, after the parameters are parsed: process context. */
void modver_lock_init(void)
{
	int err = register_kretprobe(&modver_delete_probe);

	if (err)
		pr_warn("cannot probe %s (%pe): a locked modver stays loaded by holding a reference, and rmmod reports it in use\n",
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
		unregister_kretprobe(&modver_delete_probe);
}
