#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# fetch-kernel.sh LINE [ARCH]: download Debian's current kernel image and headers of LINE (6.1 or 6.12)
# for ARCH (amd64) into the cache, unpack them into a private prefix, and make the headers tree usable
# for out-of-tree builds there.  Versions are resolved at run time from the archive, never hard-coded.
#
# Prints the path of an env file holding KREL (the kernel release), KDIR (headers tree), VMLINUZ and
# ARCH.  Nothing is installed into / (platform.md §1).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

line=${1:?usage: fetch-kernel.sh LINE [ARCH]}
arch=${2:-amd64}
case "$line" in
6.1) meta=linux-headers-$arch ;;
6.12) meta=linux-headers-6.12-$arch ;;
*) die "unknown kernel line '$line' (known: 6.1, 6.12)" ;;
esac
[ "$arch" = amd64 ] || die "architecture '$arch' is not supported yet (known: amd64)"

envdir=$MODVER_CACHE/kernels/$line-$arch
mkdir -p "$envdir"

resolve_headers() {
	apt_ready
	apt-cache depends "$meta" 2>/dev/null | awk '/Depends: linux-headers-/ { print $2; exit }'
}

headers=$(resolve_headers || true)
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

deps=$(apt-cache depends "$headers" | awk '/Depends: linux-(headers|kbuild)-/ { print $2 }' | sort -u)
pkgs="$headers linux-image-$krel-unsigned $deps"
debdir=$MODVER_CACHE/debs
mkdir -p "$debdir"
for p in $pkgs; do
	if ! ls "$debdir/${p}_"*.deb >/dev/null 2>&1; then
		(cd "$debdir" && timed "downloading $p" apt-get download -q -o APT::Sandbox::User=root "$p" >/dev/null) ||
			die "apt-get download $p failed"
	fi
done

root=$MODVER_CACHE/kernels/$krel
rm -rf "$root.tmp"
mkdir -p "$root.tmp"
for p in $pkgs; do
	timed "unpacking $p" dpkg-deb -x "$(ls "$debdir/${p}_"*.deb | tail -n 1)" "$root.tmp"
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
ARCH=$arch
MODDIR=$root/lib/modules/$krel
EOT
say "kernel $krel ready in $root"
echo "$envdir/env"
