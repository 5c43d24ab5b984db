#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# boot.sh VMLINUZ INITRD LOG [TIMEOUT_S]: boot a kernel under QEMU TCG (KVM does not work on this
# project's machines, platform.md §3), serial console into LOG, always inside `timeout`.
# Exit status: QEMU's, or 124 when the guest ran out of time.
set -uo pipefail
. "$(dirname "$0")/../scripts/lib.sh"

vmlinuz=${1:?usage: boot.sh VMLINUZ INITRD LOG [TIMEOUT_S]}
initrd=${2:?usage: boot.sh VMLINUZ INITRD LOG [TIMEOUT_S]}
log=${3:?usage: boot.sh VMLINUZ INITRD LOG [TIMEOUT_S]}
limit=${4:-900}
need_packages qemu-system-x86

# loglevel=1 keeps kernel messages off the console: scenarios read them with dmesg.
timeout -k 10 "$limit" qemu-system-x86_64 -accel tcg -cpu max -m 1024 -smp 1 \
	-nographic -no-reboot -kernel "$vmlinuz" -initrd "$initrd" \
	-append "console=ttyS0 panic=-1 loglevel=1" </dev/null >"$log" 2>&1
