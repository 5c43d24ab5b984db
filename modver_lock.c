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
 * Keeping modver loaded, in two layers:
 *  - The loader's own rule: a module other modules use cannot be removed, not even by a forced
 *    unload (rmmod -f, on kernels with CONFIG_MODULE_FORCE_UNLOAD such as Debian's).  The lock
 *    records modver as a user of itself on its source_list (shown in /proc/modules), so every
 *    delete_module() naming modver fails with EWOULDBLOCK, whatever its flags, and whether or not
 *    any probe of modver's still runs.
 *  - kretprobes on the delete_module system call (the native entry and, on x86_64, the 32-bit
 *    one) turn that refusal into EPERM and log who tried.  The name is read without faulting
 *    (kprobe context).  Every call naming modver is counted while it runs, so that a lock cannot
 *    be taken while an unload that began before it is still under way: lock=1 then fails with
 *    EBUSY instead of promising what that unload would break.
 *
 * Lockdown (integrity or confidentiality) does not imply the lock, but refuses every change that
 * would make modver admit more: a weaker policy, rules more permissive than the policy, setting
 * force_module_layout, tables=all back to kernel, and unloading modver (which restores the stock
 * check and drops every rule).  Changes that make modver stricter stay allowed.  A lockdown raised
 * after modver was loaded takes effect at the first rmmod that names modver: the self-reference is
 * taken then.  Without the probes, an rmmod under lockdown alone is not refused.
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
#include "modver_mirror.h"

static bool modver_locked;
static bool modver_live;	/* init has finished: parameter writes are run-time changes */
static bool modver_pinned;	/* modver is a user of itself: never removable again */
/* delete_module() calls naming modver under way (seen by the probes), locked or not. */
static atomic_t modver_unloads_inflight = ATOMIC_INIT(0);

bool modver_is_locked(void)
{
	return READ_ONCE(modver_locked);
}

/*
 * The kernel is locked down (integrity or confidentiality).  Asked only for a weakening or an
 * unload of modver: when it is, the lockdown LSM logs a notice.
 */
static bool modver_locked_down(void)
{
	return security_locked_down(LOCKDOWN_INTEGRITY_MAX) != 0;
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
	if (weaker && modver_locked_down()) {
		pr_warn("%s change refused: the kernel is locked down and the change would weaken enforcement (pid %d, %s)\n",
			what, task_pid_nr(current), current->comm);
		return -EPERM;
	}
	return 0;
}

#ifdef CONFIG_MODULE_UNLOAD
/* The loader's struct module_use, mirrored (private since 7.x) and checked against BTF at init. */
static struct modver_module_use modver_self_use;

/*
 * Make modver a user of itself, once, so that the loader refuses every unload of it, forced or
 * not (delete_module(): "Other modules depend on us").  Any context.  Nothing else ever writes
 * modver's source_list (modver exports no symbol, so no module can use it); the loader reads it
 * with module_mutex held, which is not modver's to take, so the entry is published whole with
 * list_add_rcu().  The mirror's list nodes are struct list_head's two pointers, in order.
 */
static void modver_lock_pin(void)
{
	if (xchg(&modver_pinned, true))
		return;
	modver_self_use.source = THIS_MODULE;
	modver_self_use.target = THIS_MODULE;
	INIT_LIST_HEAD((struct list_head *)&modver_self_use.target_list);
	list_add_rcu((struct list_head *)&modver_self_use.source_list,
		     &THIS_MODULE->source_list);
}
#else
/* Without CONFIG_MODULE_UNLOAD no module is ever removed. */
static void modver_lock_pin(void)
{
}
#endif

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
	if (READ_ONCE(modver_live)) {
		/*
		 * Pairs with the barrier in modver_delete_guard(): either that unload sees the
		 * lock and is refused, or this sees the unload and backs out (or both).
		 */
		smp_mb();
		if (atomic_read(&modver_unloads_inflight)) {
			WRITE_ONCE(modver_locked, false);
			pr_warn("lock refused: an unload of modver is under way (pid %d, %s)\n",
				task_pid_nr(current), current->comm);
			return -EBUSY;
		}
		modver_lock_pin();
	}
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
 * One instance per delete_module() call naming modver in flight.  The calls serialise on
 * module_mutex, so this many never wait at once in practice; each instance costs a few dozen
 * bytes.
 */
#define MODVER_DELETE_MAXACTIVE	64

/*
 * kretprobe entry of a delete_module system call wrapper; kprobe context, must not fault.  Calls
 * naming modver are counted, and refused (ri->data) while locked or locked down: the pin makes
 * the loader refuse them before any of its force logic, and the return handler says why.  A name
 * that cannot be read without faulting is left alone: if it named a locked modver, the pin
 * refuses it all the same.  @compat: the 32-bit entry.
 *
 * Return: 0 to run the return handler; non-zero (not modver) for none.
 */
static int modver_delete_guard(struct kretprobe_instance *ri, struct pt_regs *regs, bool compat)
{
	const struct pt_regs *uregs = (const void *)modver_arch_argument(regs, 0);
	char name[sizeof(KBUILD_MODNAME)];
	const char __user *uname;
	bool refuse;

	if (!uregs)
		return 1;
	uname = (const char __user *)modver_arch_syscall_arg0(uregs, compat);
	if (copy_from_user_nofault(name, uname, sizeof(name)) ||
	    memcmp(name, KBUILD_MODNAME, sizeof(name)))
		return 1;
	atomic_inc(&modver_unloads_inflight);
	smp_mb__after_atomic();		/* pairs with modver_lock_set() */
	refuse = modver_is_locked() || modver_locked_down();
	if (refuse)
		modver_lock_pin();
	*(bool *)ri->data = refuse;
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
		pr_warn("unload refused: %s (pid %d, %s)\n",
			modver_is_locked() ? "modver is locked until reboot" :
			"the kernel is locked down and unloading modver would restore the weaker stock check",
			task_pid_nr(current), current->comm);
		regs_set_return_value(regs, -EPERM);
	}
	atomic_dec(&modver_unloads_inflight);
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
 * lacks (-ENOENT: no 32-bit emulation) needs no probe; without the others a locked modver still
 * cannot be removed (the pin is the loader's own rule), but refusals are neither logged nor EPERM.
 */
void modver_lock_init(void)
{
	unsigned int i;
	int err;

	/* The mirror's list nodes stand for struct list_head (modver_lock_pin()). */
	BUILD_BUG_ON(sizeof(struct modver_list_node) != sizeof(struct list_head) ||
		     offsetof(struct modver_list_node, next) != offsetof(struct list_head, next) ||
		     offsetof(struct modver_list_node, prev) != offsetof(struct list_head, prev));
	for (i = 0; i < ARRAY_SIZE(modver_delete_probes); i++) {
		err = register_kretprobe(&modver_delete_probes[i]);
		if (!err) {
			modver_delete_registered |= 1U << i;
			continue;
		}
		if (i > 0 && err == -ENOENT)
			continue;
		pr_warn("cannot probe %s (%pe): a locked modver stays loaded, but refused unloads fail with EWOULDBLOCK and are not logged\n",
			modver_delete_probes[i].kp.symbol_name, ERR_PTR(err));
	}
	WRITE_ONCE(modver_live, true);
	if (modver_is_locked())
		modver_lock_pin();
}

/* Module exit (never while locked: a locked modver refuses every unload). */
void modver_lock_exit(void)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(modver_delete_probes); i++)
		if (modver_delete_registered & (1U << i))
			unregister_kretprobe(&modver_delete_probes[i]);
}
