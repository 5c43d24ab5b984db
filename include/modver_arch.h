/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The architecture-specific part of the check_version() redirect, and why it is sound.
 *
 * The kprobe sits at the entry of check_version(), before its prologue has run, so the state at the
 * probe is exactly the state of a call into the function: the arguments are in the argument
 * registers, the return address is where the caller's call instruction put it, and the stack
 * pointer is the caller's. Setting the instruction pointer to a function with the same prototype
 * and returning 1 from the pre-handler (so no single-step is set up) makes the probed call a call
 * of that function: it runs its own prologue, reads the same arguments and returns straight to
 * check_version()'s caller. check_version() itself never runs.
 *
 * x86_64: arguments in rdi, rsi, rdx, rcx; the return address on the stack.  Debian's kernels have
 * CONFIG_KPROBES_ON_FTRACE, so the probe is the function's fentry call (after the 4-byte endbr64
 * when CONFIG_X86_KERNEL_IBT is set: the kprobe core moves the address past it). The ftrace
 * trampoline writes the saved regs->ip back into its return slot, so the redirect takes effect
 * through a "ret", which IBT does not check; the replacement still begins with endbr64 because its
 * address is taken.
 *
 * arm64: arguments in x0-x3, the return address in x30 (lr).  The probe is a BRK; the exception
 * returns to regs->pc.  An exception return is not a branch, so BTI does not apply; with pointer
 * authentication the replacement's own paciasp/autiasp sign and check lr against the same sp that
 * check_version() would have used, so the caller's return address verifies as usual.
 */
#ifndef MODVER_ARCH_H
#define MODVER_ARCH_H

#include <linux/ptrace.h>

#if !defined(CONFIG_X86_64) && !defined(CONFIG_ARM64)
#error "modver supports x86_64 and arm64 only"
#endif

/* The @n-th integer argument of the probed call (0-based), valid at function entry only. */
static inline unsigned long modver_arch_argument(struct pt_regs *regs, unsigned int n)
{
	return regs_get_kernel_argument(regs, n);
}

/*
 * The first argument of a system call, from the user registers its wrapper receives: rdi, or ebx
 * for the 32-bit entry (@compat) on x86_64; x0 on arm64, whose 32-bit tasks share the wrapper.
 */
static inline unsigned long modver_arch_syscall_arg0(const struct pt_regs *uregs, bool compat)
{
#ifdef CONFIG_X86_64
	return compat ? (u32)uregs->bx : uregs->di;
#else
	return uregs->regs[0];
#endif
}

/* The system call wrapper of delete_module(): long NAME(const struct pt_regs *uregs). */
#ifdef CONFIG_X86_64
#define MODVER_ARCH_SYS_DELETE_MODULE	"__x64_sys_delete_module"
/* 32-bit processes (CONFIG_IA32_EMULATION) enter through their own wrapper. */
#define MODVER_ARCH_SYS_DELETE_MODULE_COMPAT	"__ia32_sys_delete_module"
#else
#define MODVER_ARCH_SYS_DELETE_MODULE	"__arm64_sys_delete_module"
#endif

/* Make the probed call a call of @fn (same prototype) when the pre-handler returns 1. */
static inline void modver_arch_redirect(struct pt_regs *regs, const void *fn)
{
	instruction_pointer_set(regs, (unsigned long)fn);
}

#endif /* MODVER_ARCH_H */
