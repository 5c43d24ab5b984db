#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# boot.sh ARCH VMLINUZ INITRD LOG [TIMEOUT_S]: boot a Debian kernel of ARCH (amd64, arm64) under
# QEMU TCG (KVM does not work on this project's machines, platform.md §3), serial console into
# LOG, always inside `timeout`.  arm64 runs on -cpu max with the IMPDEF pointer-authentication
# algorithm: the fastest setting with pointer authentication and BTI active.
# Exit status: QEMU's, or 124 when the guest ran out of time.
set -uo pipefail
. "$(dirname "$0")/../scripts/lib.sh"

usage="usage: boot.sh ARCH VMLINUZ INITRD LOG [TIMEOUT_S]"
arch=${1:?$usage}
vmlinuz=${2:?$usage}
initrd=${3:?$usage}
log=${4:?$usage}
limit=${5:-900}

# loglevel=1 keeps kernel messages off the console: scenarios read them with dmesg.
# MODVER_BOOT_APPEND adds to the command line (the debug kernel's panic_on_warn=1).
append="panic=-1 loglevel=1 ${MODVER_BOOT_APPEND:-}"
case $arch in
amd64)
	need_packages qemu-system-x86
	qemu=(qemu-system-x86_64 -accel tcg -cpu max -m 1024 -smp 1)
	append="console=ttyS0 $append"
	;;
arm64)
	need_packages qemu-system-arm
	qemu=(qemu-system-aarch64 -accel tcg -M virt -cpu max,pauth-impdef=on -m 1024 -smp 1)
	append="console=ttyAMA0 $append"
	;;
*) die "unknown architecture '$arch'" ;;
esac

# boot_once: one QEMU run into $log; its exit status.
boot_once() {
	timeout -k 10 "$limit" "${qemu[@]}" -nographic -no-reboot -kernel "$vmlinuz" -initrd "$initrd" \
		-append "$append" </dev/null >"$log" 2>&1 &
	qemu_pid=$!
	# A guest that has powered off is done; seen once (i915 loaded): QEMU kept running after it.
	while kill -0 "$qemu_pid" 2>/dev/null; do
		if grep -q 'reboot: Power down' "$log" 2>/dev/null; then
			sleep 10
			kill "$qemu_pid" 2>/dev/null && { wait "$qemu_pid"; return 0; }
			break
		fi
		sleep 2
	done
	wait "$qemu_pid"
}

boot_once
rc=$?
# The debug kernel (KASAN, panic_on_warn) has been seen to panic in early boot under TCG, in an
# interrupt during CPU setup, seconds before init.  Nothing of the guest's payload, modver's or
# the fixtures', has run before "@@BOOTED": such a boot is retried once, and the first log kept.
if ! grep -q '^@@BOOTED' "$log" && grep -q 'Kernel panic' "$log"; then
	mv "$log" "$log.early-panic"
	say "the kernel panicked before userspace started (nothing of the payload had run; see $log.early-panic): booting once more"
	boot_once
	rc=$?
fi
exit $rc
