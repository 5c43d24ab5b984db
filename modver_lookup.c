// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel's CRC for a symbol by name, for the dry run.
 *
 * A real load gets the CRC from the loader: resolve_symbol() calls find_symbol(), which searches
 * vmlinux's export tables and then every loaded module's, and hands the exporter's __kcrctab entry
 * to check_version().  find_symbol() is not exported, and its CRC never leaves the loader, so the
 * dry run asks the very same function through the one exported caller, __symbol_get(), with a
 * kretprobe on find_symbol():
 *
 *  - the entry handler picks out our own call (our task, our name pointer) and ignores every other
 *    caller (real loads run find_symbol() at the same time);
 *  - the return handler copies whether the symbol was found and its CRC (the caller still holds
 *    the RCU or preempt-disabled section that keeps the exporter alive), then makes find_symbol()
 *    report "not found", so that __symbol_get() takes no module reference and prints nothing.
 *
 * What this sees is what a load started now would see: vmlinux and every module that is loaded
 * (not one still being loaded).  It cannot see the exports of modules not loaded yet (a dependency
 * modprobe would load first), nor the candidate's own.  It does not apply the loader's license
 * check: a GPL-only export is found for any module.
 *
 * The kretprobe is registered disabled and only armed while a lookup runs, so loads pay nothing.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kprobes.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/sched.h>

#include "modver.h"
#include "modver_arch.h"

/* The one lookup in flight; written by its task, read by the handlers running in that task. */
static struct {
	struct task_struct *task;
	const char *name;
	bool seen;
	bool found;
	bool has_crc;
	u32 crc;
} modver_lookup_call;
static DEFINE_MUTEX(modver_lookup_mutex);
static bool modver_lookup_ready;

/* kretprobe entry handler of find_symbol(); kprobe context. Non-zero: not ours, no return probe. */
static int modver_find_symbol_enter(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	const struct modver_find_symbol_arg *fsa = (void *)modver_arch_argument(regs, 0);

	if (current != READ_ONCE(modver_lookup_call.task) || !fsa ||
	    fsa->name != READ_ONCE(modver_lookup_call.name))
		return 1;
	*(const struct modver_find_symbol_arg **)ri->data = fsa;
	return 0;
}

/* kretprobe return handler of find_symbol(); kprobe context, inside the caller's RCU section. */
static int modver_find_symbol_leave(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	const struct modver_find_symbol_arg **slot = (void *)ri->data;
	const struct modver_find_symbol_arg *fsa = *slot;

	modver_lookup_call.seen = true;
	modver_lookup_call.found = regs_return_value(regs) & 0xff;	/* bool */
	if (modver_lookup_call.found && fsa->crc) {
		modver_lookup_call.has_crc = true;
		modver_lookup_call.crc = *fsa->crc;
	}
	regs_set_return_value(regs, 0);
	return 0;
}

static struct kretprobe modver_find_symbol_probe = {
	.kp.symbol_name = "find_symbol",
	.kp.flags = KPROBE_FLAG_DISABLED,
	.entry_handler = modver_find_symbol_enter,
	.handler = modver_find_symbol_leave,
	.data_size = sizeof(struct modver_find_symbol_arg *),
};

/**
 * modver_lookup_begin() - arm the probe for a series of lookups by the calling task
 *
 * Process context, may sleep.  Lookups are serialised: one series at a time.
 *
 * Return: 0, -EOPNOTSUPP when the probe is unavailable, or enable_kprobe()'s error.
 */
int modver_lookup_begin(void)
{
	int ret;

	if (!modver_lookup_ready)
		return -EOPNOTSUPP;
	mutex_lock(&modver_lookup_mutex);
	WRITE_ONCE(modver_lookup_call.task, current);
	ret = enable_kretprobe(&modver_find_symbol_probe);
	if (ret) {
		WRITE_ONCE(modver_lookup_call.task, NULL);
		mutex_unlock(&modver_lookup_mutex);
	}
	return ret;
}

/* Disarm the probe after a successful modver_lookup_begin(). */
void modver_lookup_end(void)
{
	disable_kretprobe(&modver_find_symbol_probe);
	WRITE_ONCE(modver_lookup_call.task, NULL);
	mutex_unlock(&modver_lookup_mutex);
}

/**
 * modver_lookup_crc() - the CRC a load started now would be checked against
 * @name: the symbol; the pointer identifies the call, so it must stay put until this returns
 * @found: set when vmlinux or a loaded module exports it
 * @has_crc: set when that export has a CRC
 * @crc: the CRC
 *
 * Between modver_lookup_begin() and modver_lookup_end(), in the task that began; may sleep.
 *
 * Return: 0, or -EAGAIN when the probe missed the call (no free kretprobe instance).
 */
int modver_lookup_crc(const char *name, bool *found, bool *has_crc, u32 *crc)
{
	void *got;
	int ret = 0;

	modver_lookup_call.seen = false;
	modver_lookup_call.found = false;
	modver_lookup_call.has_crc = false;
	modver_lookup_call.crc = 0;
	WRITE_ONCE(modver_lookup_call.name, name);
	got = __symbol_get(name);
	/* Before any __symbol_put(): its find_symbol() must not be taken for ours and fail. */
	WRITE_ONCE(modver_lookup_call.name, NULL);
	if (got) {
		/* The return handler did not run: undo the reference __symbol_get() took. */
		__symbol_put(name);
		ret = -EAGAIN;
	} else if (!modver_lookup_call.seen) {
		ret = -EAGAIN;
	}
	*found = modver_lookup_call.found;
	*has_crc = modver_lookup_call.has_crc;
	*crc = modver_lookup_call.crc;
	return ret;
}

/* Module init: process context.  Without the probe, modver works but has no dry run. */
void modver_lookup_init(void)
{
	int err = register_kretprobe(&modver_find_symbol_probe);

	if (err)
		pr_warn("no dry run: cannot probe find_symbol (%pe)\n", ERR_PTR(err));
	modver_lookup_ready = !err;
}

void modver_lookup_exit(void)
{
	if (modver_lookup_ready)
		unregister_kretprobe(&modver_find_symbol_probe);
}
