#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# mkinitramfs.sh PAYLOAD_DIR SCRIPT OUTPUT: a busybox + kmod initramfs (gzip cpio newc) whose /init
# mounts proc, sys, devtmpfs, debugfs and tracefs, runs SCRIPT with PAYLOAD_DIR's files under /payload,
# prints "@@EXIT <code>" and powers off.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

payload=${1:?usage: mkinitramfs.sh PAYLOAD_DIR SCRIPT OUTPUT}
script=${2:?usage: mkinitramfs.sh PAYLOAD_DIR SCRIPT OUTPUT}
output=${3:?usage: mkinitramfs.sh PAYLOAD_DIR SCRIPT OUTPUT}
need_packages kmod cpio gzip

# A static busybox, downloaded (never installed into the host) and cached.
bbdir=$MODVER_CACHE/busybox-amd64
if [ ! -x "$bbdir/bin/busybox" ]; then
	mkdir -p "$MODVER_CACHE/debs" "$bbdir"
	(cd "$MODVER_CACHE/debs" && timed "downloading busybox-static" \
		apt-get download -q -o APT::Sandbox::User=root busybox-static >/dev/null) ||
		die "apt-get download busybox-static failed"
	dpkg-deb -x "$(ls "$MODVER_CACHE"/debs/busybox-static_*.deb | tail -n 1)" "$bbdir"
fi

root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
mkdir -p "$root"/{bin,sbin,proc,sys,dev,tmp,payload}
cp "$bbdir/bin/busybox" "$root/bin/busybox"
# kmod's insmod tries once and reports the kernel's error (busybox's retries and logs twice).
kmod=$(command -v kmod)
cp "$kmod" "$root/bin/kmod"
for lib in $(ldd "$kmod" | grep -o '/[^ ]*'); do
	mkdir -p "$root$(dirname "$lib")"
	cp -L "$lib" "$root$lib"
done
for tool in insmod rmmod lsmod modinfo modprobe depmod; do ln -s /bin/kmod "$root/sbin/$tool"; done
cp -r "$payload"/. "$root/payload/"
cp "$script" "$root/run.sh"
cat >"$root/init" <<'EOT'
#!/bin/busybox sh
/bin/busybox --install -s /bin
export PATH=/sbin:/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
mount -t tracefs tracefs /sys/kernel/tracing 2>/dev/null
echo
echo "@@BOOTED $(uname -r)"
sh /run.sh
echo "@@EXIT $?"
sync
poweroff -f
EOT
chmod +x "$root/init" "$root/run.sh"
(cd "$root" && find . | cpio -o -H newc --quiet | gzip -1) >"$output"
