// SPDX-License-Identifier: GPL-2.0
/*
 * The one-way lock and the lockdown guard on every change of policy, rules and the module_layout
 * switch.
 *
 * The "lock" parameter (at load time, or Y written to /sys/module/modver/parameters/lock) fixes
 * policy, rules, force_module_layout, tables and report_size and keeps modver loaded until reboot;
 * it cannot be cleared.
 * Refused attempts fail with -EPERM and are logged with the caller's pid and comm.
 *
 * Keeping modver loaded: kretprobes on the delete_module system call (the native entry and, on
 * x86_64, the 32-bit one) give every call made while locked a module reference for its duration,
 * so the kernel's own delete_module() fails (its refcount check) if it names modver; the return
 * handler turns that failure into -EPERM and logs who tried.  The name is read without faulting
 * (kprobe context); a call whose name cannot be read fails with the kernel's EAGAIN if it was for
 * modver.  Should the probes not vouch for every call (one missing, or their instances close to
 * running out), a standing reference keeps modver loaded instead; kmod's rmmod then gives up
 * before the system call ("in use"), so nothing is refused with EPERM or logged.
 *
 * Independently of the lock, a kernel in lockdown (integrity or confidentiality) refuses any change
 * that would make modver admit more: a weaker policy, rules more permissive than the policy,
 * setting force_module_layout, or tables=all back to kernel.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
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
static bool modver_lock_ref;	/* the standing reference has been taken */

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
 * Keep a locked modver loaded with a standing reference of its own; once.  Any context.  Taken
 * only when the probes cannot vouch for every delete_module() call: a standing reference makes
 * kmod's rmmod give up before the system call, saying "in use", with nothing refused with EPERM
 * or logged.
 */
static void modver_lock_pin(void)
{
	if (!xchg(&modver_lock_ref, true))
		__module_get(THIS_MODULE);
}

/* Locking: without every delete_module probe in place, pin at once.  Process context. */
static void modver_lock_engage(void)
{
	if (!modver_delete_probed)
		modver_lock_pin();
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
	pr_notice("locked by pid %d (%s): policy, rules, force_module_layout, tables and report_size are fixed and modver stays loaded until reboot\n",
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
 * One instance per locked delete_module() call in flight.  The calls serialise on module_mutex,
 * so this many never wait at once in practice; each instance costs a few dozen bytes.
 */
#define MODVER_DELETE_MAXACTIVE	1024

/* delete_module() calls in flight while locked, each holding a kretprobe instance. */
static atomic_t modver_delete_inflight = ATOMIC_INIT(0);

/*
 * kretprobe entry of a delete_module system call wrapper; kprobe context, must not fault.  While
 * locked, every call runs with an extra reference on modver, which makes the kernel's
 * delete_module() fail if the call names modver; ri->data says whether it does (a name that
 * cannot be read without faulting is not taken for ours).  @compat: the 32-bit entry.
 *
 * Return: 0 to run the return handler; non-zero (not locked) for none.
 */
static int modver_delete_guard(struct kretprobe_instance *ri, struct pt_regs *regs, bool compat)
{
	const struct pt_regs *uregs = (const void *)modver_arch_argument(regs, 0);
	char name[sizeof(KBUILD_MODNAME)];
	const char __user *uname;

	if (!modver_is_locked() || !uregs)
		return 1;
	/*
	 * A call that finds no free instance runs unprobed: before that can happen, fall back to
	 * the standing reference.
	 */
	if (atomic_inc_return(&modver_delete_inflight) >= MODVER_DELETE_MAXACTIVE - 1)
		modver_lock_pin();
	__module_get(THIS_MODULE);
	uname = (const char __user *)modver_arch_syscall_arg0(uregs, compat);
	*(bool *)ri->data = !copy_from_user_nofault(name, uname, sizeof(name)) &&
			    !memcmp(name, KBUILD_MODNAME, sizeof(name));
	return 0;
}

static int modver_delete_enter(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	return modver_delete_guard(ri, regs, false);
}

#ifdef MODVER_ARCH_SYS_DELETE_MODULE_COMPAT
static int modver_delete_compat_enter(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	return modver_delete_guard(ri, regs, true);
}
#endif

/* kretprobe return handler of the system call wrappers; kprobe context. */
static int modver_delete_leave(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	if (*(bool *)ri->data) {
		pr_warn("unload refused: modver is locked until reboot (pid %d, %s)\n",
			task_pid_nr(current), current->comm);
		regs_set_return_value(regs, -EPERM);
	}
	module_put(THIS_MODULE);
	atomic_dec(&modver_delete_inflight);
	return 0;
}

static struct kretprobe modver_delete_probes[] = {
	{
		.kp.symbol_name = MODVER_ARCH_SYS_DELETE_MODULE,
		.entry_handler = modver_delete_enter,
		.handler = modver_delete_leave,
		.data_size = sizeof(bool),
		.maxactive = MODVER_DELETE_MAXACTIVE,
	},
#ifdef MODVER_ARCH_SYS_DELETE_MODULE_COMPAT
	{
		.kp.symbol_name = MODVER_ARCH_SYS_DELETE_MODULE_COMPAT,
		.entry_handler = modver_delete_compat_enter,
		.handler = modver_delete_leave,
		.data_size = sizeof(bool),
		.maxactive = MODVER_DELETE_MAXACTIVE,
	},
#endif
};

static unsigned int modver_delete_registered;	/* bit i: modver_delete_probes[i] */

/*
 * Module init, after the parameters are parsed: process context.  A compat entry point the kernel
 * lacks (-ENOENT: no 32-bit emulation) needs no probe; any other failure leaves a way around the
 * probes, so a lock then pins modver with a standing reference instead.
 */
void modver_lock_init(void)
{
	unsigned int i;
	int err;

	modver_delete_probed = true;
	for (i = 0; i < ARRAY_SIZE(modver_delete_probes); i++) {
		err = register_kretprobe(&modver_delete_probes[i]);
		if (!err) {
			modver_delete_registered |= 1U << i;
			continue;
		}
		if (i > 0 && err == -ENOENT)
			continue;
		pr_warn("cannot probe %s (%pe): a locked modver stays loaded by holding a reference, and rmmod reports it in use\n",
			modver_delete_probes[i].kp.symbol_name, ERR_PTR(err));
		modver_delete_probed = false;
	}
	WRITE_ONCE(modver_live, true);
	if (modver_is_locked())
		modver_lock_engage();
}

/* Module exit (never while locked: a locked modver refuses every unload). */
void modver_lock_exit(void)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(modver_delete_probes); i++)
		if (modver_delete_registered & (1U << i))
			unregister_kretprobe(&modver_delete_probes[i]);
}
