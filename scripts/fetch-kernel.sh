#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# fetch-kernel.sh LINE [ARCH]: download Debian's current kernel image and headers of LINE (6.1,
# 6.12, or 6.12-rt: bookworm-security's PREEMPT_RT flavour of 6.12) for ARCH (amd64 or arm64) into
# the cache, unpack them into a private prefix, and make the headers tree usable for out-of-tree
# builds there (for arm64 with the host's amd64 linux-kbuild of the same version: platform.md §2).
# Versions are resolved at run time, never hard-coded.
#
# Prints the path of an env file holding KREL (the kernel release), KDIR (headers tree), VMLINUZ,
# DEB_ARCH and MAKE_ARCH_FLAGS.  Nothing is installed into / (platform.md §1).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

line=${1:?usage: fetch-kernel.sh LINE [ARCH]}
arch=${2:-amd64}
case "$line" in
6.1) meta=linux-headers-$arch ;;
6.12) meta=linux-headers-6.12-$arch ;;
# linux-headers-6.12.N+deb12-rt-ARCH: depends on its -common-rt headers and the same
# linux-kbuild-6.12.N+deb12 as the 6.12 line; the image is linux-image-6.12.N+deb12-rt-ARCH-unsigned.
6.12-rt) meta=linux-headers-6.12-rt-$arch ;;
*) die "unknown kernel line '$line' (known: 6.1, 6.12, 6.12-rt)" ;;
esac
case "$arch" in
amd64) make_flags= ;;
arm64) make_flags="ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu-" ;;
*) die "unknown architecture '$arch' (known: amd64, arm64)" ;;
esac

envdir=$MODVER_CACHE/kernels/$line-$arch
mkdir -p "$envdir"

headers=$(apt_for "$arch" apt-cache depends "$meta" |
	awk '/Depends: linux-headers-/ { print $2; exit }' || true)
if [ -z "$headers" ]; then
	# The archive could not be asked: a previously unpacked kernel still serves.
	[ -s "$envdir/env" ] || die "cannot resolve $meta from the package archive"
	say "archive unreachable; reusing cached $(. "$envdir/env"; echo "$KREL")"
	echo "$envdir/env"
	exit 0
fi
krel=${headers#linux-headers-}
if [ -s "$envdir/env" ] && grep -qx "KREL=$krel" "$envdir/env"; then
	echo "$envdir/env"
	exit 0
fi

# The headers' own dependencies: the common headers (arch all) and linux-kbuild, which must be the
# host's build of it because its tools (fixdep, modpost, genksyms) run on the host.
deps=$(apt_for "$arch" apt-cache depends "$headers" | awk '/Depends: linux-headers-/ { print $2 }')
kbuild=$(apt_for "$arch" apt-cache depends "$headers" | awk '/Depends: linux-kbuild-/ { print $2 }')
debs=$(fetch_debs "$arch" "$headers" "linux-image-$krel-unsigned" $deps)
debs="$debs $(fetch_debs "$HOST_DEB_ARCH" $kbuild)"

root=$MODVER_CACHE/kernels/$krel
rm -rf "$root.tmp"
mkdir -p "$root.tmp"
for deb in $debs; do
	timed "unpacking $(basename "$deb")" dpkg-deb -x "$deb" "$root.tmp"
done
kdir=$root/usr/src/linux-headers-$krel
# The one absolute path in Debian's headers (platform.md §2): point it into the prefix.
sed -i "s|^include /usr/src/|include $root/usr/src/|" "$root.tmp/usr/src/linux-headers-$krel/Makefile"
rm -rf "$root"
mv "$root.tmp" "$root"

vmlinuz=$root/boot/vmlinuz-$krel
[ -f "$vmlinuz" ] || die "no kernel image in linux-image-$krel-unsigned"
cat >"$envdir/env" <<EOT
KREL=$krel
KDIR=$kdir
VMLINUZ=$vmlinuz
DEB_ARCH=$arch
MAKE_ARCH_FLAGS="$make_flags"
EOT
say "kernel $krel ready in $root"
echo "$envdir/env"
