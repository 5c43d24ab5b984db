#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# demo.sh [--kernel LINE] [--arch ARCH]: modver's main job, end to end on a fresh Debian 12 machine:
# fetch Debian's kernel (6.12 amd64 by default; --kernel 6.1, --arch arm64 for the others), build
# modver and the fixtures (arm64: cross-built), boot QEMU, and show one real symbol-version mismatch
# under the stock kernel, then under refuse, warn and log; a rule, the report, a dry run, the lock.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

line=6.12
arch=amd64
while [ $# -gt 0 ]; do
	case $1 in
	--kernel) line=${2:?--kernel needs 6.1 or 6.12}; shift 2 ;;
	--kernel=*) line=${1#--kernel=}; shift ;;
	--arch) arch=${2:?--arch needs amd64 or arm64}; shift 2 ;;
	--arch=*) arch=${1#--arch=}; shift ;;
	-h | --help) sed -n '3,6p' "$0"; exit 0 ;;
	*) die "unknown option $1 (see --help)" ;;
	esac
done

demo_start=$(date +%s)
phase_start
envfile=$(timed "fetching Debian's $line $arch kernel" bash "$MODVER_ROOT/scripts/fetch-kernel.sh" "$line" "$arch")
. "$envfile"
out=$MODVER_CACHE/demo/$KREL
timed "building modver and the fixtures for $KREL" bash "$MODVER_ROOT/scripts/build.sh" "$envfile" "$out" >/dev/null
timed "making the initramfs" bash "$MODVER_ROOT/scripts/mkinitramfs.sh" "$arch" "$out/payload" \
	"$MODVER_ROOT/qemu-test/guest-demo.sh" "$out/initrd.gz"
timed "booting $KREL under QEMU (TCG)" bash "$MODVER_ROOT/qemu-test/boot.sh" "$arch" "$VMLINUZ" "$out/initrd.gz" "$out/boot.log" 600 ||
	die "QEMU failed; see $out/boot.log"
echo
tr -d '\r' <"$out/boot.log" | sed -n '/^@@BOOTED/,/^@@EXIT/p' | sed 's/^@@BOOTED /=== booted Linux /; /^@@EXIT/d'
echo
phase_report "$demo_start"
echo "logs: $out/boot.log (the guest's serial console), $out/modver/build.log (the build)"
