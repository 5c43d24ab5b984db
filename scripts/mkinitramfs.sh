#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# mkinitramfs.sh ARCH PAYLOAD_DIR SCRIPT OUTPUT: a busybox + kmod initramfs (gzip cpio newc) for
# Debian architecture ARCH (amd64, arm64) whose /init mounts proc, sys, devtmpfs, debugfs and
# tracefs, runs SCRIPT with PAYLOAD_DIR's files under /payload, prints "@@EXIT <code>" and powers
# off.  busybox-static, kmod and kmod's libraries are Debian's packages of ARCH, downloaded into
# the cache and unpacked there: nothing is installed into the host.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

usage="usage: mkinitramfs.sh ARCH PAYLOAD_DIR SCRIPT OUTPUT"
arch=${1:?$usage}
payload=${2:?$usage}
script=${3:?$usage}
output=${4:?$usage}
need_packages cpio gzip binutils

guest=$MODVER_CACHE/guest-$arch
if [ ! -f "$guest/.complete" ]; then
	rm -rf "$guest"
	mkdir -p "$guest"
	for deb in $(fetch_debs "$arch" busybox-static kmod libc6 libzstd1 liblzma5 libssl3); do
		dpkg-deb -x "$deb" "$guest"
	done
	touch "$guest/.complete"
fi

root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
mkdir -p "$root"/{bin,sbin,proc,sys,dev,tmp,payload}

# in_guest PATH: PATH inside the unpacked packages, following symlinks (absolute ones included)
# within them rather than into the host.
in_guest() {
	local path=$1 target n
	for n in 1 2 3 4 5 6 7 8; do
		[ -L "$guest$path" ] || break
		target=$(readlink "$guest$path")
		case $target in
		/*) path=$target ;;
		*) path=$(dirname "$path")/$target ;;
		esac
	done
	echo "$guest$path"
}
# copy_lib NAME: copy a shared library kmod needs from the unpacked packages, and what it needs.
copy_lib() {
	local lib=$1 found
	found=$(find "$guest/lib" "$guest/usr/lib" -name "$lib" 2>/dev/null | head -n 1)
	[ -n "$found" ] || die "$lib (needed by kmod) is not in the downloaded packages"
	found=${found#"$guest"}
	[ -e "$root$found" ] && return 0
	mkdir -p "$root$(dirname "$found")"
	cp "$(in_guest "$found")" "$root$found"
	for dep in $(readelf -d "$root$found" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'); do
		copy_lib "$dep"
	done
}

cp "$guest/bin/busybox" "$root/bin/busybox"
# kmod's insmod tries once and reports the kernel's error (busybox's retries and logs twice).
cp "$guest/bin/kmod" "$root/bin/kmod"
for lib in $(readelf -d "$guest/bin/kmod" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'); do
	copy_lib "$lib"
done
interp=$(readelf -l "$guest/bin/kmod" | sed -n 's/.*interpreter: \(.*\)\]/\1/p')
mkdir -p "$root$(dirname "$interp")"
cp "$(in_guest "$interp")" "$root$interp"
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
echo "@@BOOTED $(uname -r) $(uname -m)"
sh /run.sh
echo "@@EXIT $?"
sync
poweroff -f
EOT
chmod +x "$root/init" "$root/run.sh"
(cd "$root" && find . | cpio -o -H newc --quiet | gzip -1) >"$output"
