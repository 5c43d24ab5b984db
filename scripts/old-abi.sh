#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# old-abi.sh ENVFILE OUTDIR: real modules of an older ABI of the same Debian kernel line, for the
# load-time explanation scenario (qemu-test/guest-explain.sh, issue 14).
#
# For a Debian 6.12 kernel (amd64 or arm64; fetch-kernel.sh's ENVFILE), finds the newest older ABI
# of the line still in the archive whose module_layout CRC equals the current one (so the old
# modules reach the per-symbol checks), resolved at run time with apt-cache search; downloads its
# -unsigned image and its headers into the cache (never installed); takes the candidate modules
# below whose imports really mismatch the current kernel (and that depend on no other module);
# and writes for each, into OUTDIR/payload/old-abi/:
#   NAME.ko          the module as Debian shipped it (decompressed): unstamped
#   NAME-stamped.ko  the same with a .modver_stamp section from the OLD headers' BTF vmlinux
# plus OUTDIR/payload/old-abi/list (one "NAME MODNAME SYMBOL..." line per module: the mismatching
# imports) and OUTDIR/old-abi.env (OLD_KREL, OLD_BTF, OLD_SYMVERS, the modules) for the judge.
# Other kernels (6.1, 6.12-rt, 7.3-debug): nothing to do, exits 0 without a payload.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

envfile=${1:?usage: old-abi.sh ENVFILE OUTDIR}
out=${2:?usage: old-abi.sh ENVFILE OUTDIR}
. "$envfile"
arch=$DEB_ARCH
[[ $KREL =~ ^6\.12\.([0-9]+)\+deb12-(amd64|arm64)$ ]] || exit 0
cur_minor=${BASH_REMATCH[1]}
dir=$out/payload/old-abi
rm -rf "$dir" "$out/old-abi.env"
# Small modules with real mismatches between consecutive 6.12 ABIs (platform.md §8): functions
# of the crypto API (michael_mic; first: the scenario's log and refuse loads use it), a per-CPU
# variable (xor, x86), the watchdog API (softdog; a module on amd64, so arm64 only), and kernel
# parameter ops (hangcheck-timer, softdog): data without a BTF VAR, which no stamp can explain.
case $arch in
amd64) candidates=(michael_mic xor hangcheck-timer) ;;
arm64) candidates=(michael_mic softdog) ;;
esac
# unsign KO: cut a module signature (struct module_signature and its trailer) off KO.
unsign() {
	local size siglen magic='~Module signature appended~'
	size=$(stat -c %s "$1")
	[ "$(tail -c 28 "$1" | head -c 27)" = "$magic" ] || return 0
	siglen=$(tail -c 32 "$1" | head -c 4 | od -An -tu1 | awk '{ print $1 * 16777216 + $2 * 65536 + $3 * 256 + $4 }')
	truncate -s $((size - 28 - 12 - siglen)) "$1"
}
layout_of() { awk '$2 == "module_layout" { print $1 }' "$1"; }
cur_layout=$(layout_of "$KDIR/Module.symvers")

old=
for minor in $(apt_for "$arch" apt-cache search --names-only \
	"^linux-image-6\.12\.[0-9]+\+deb12-$arch-unsigned\$" | sed -n 's/^linux-image-6\.12\.\([0-9]*\)+deb12-.*/\1/p' |
	sort -rn); do
	[ "$minor" -lt "$cur_minor" ] || continue
	krel=6.12.$minor+deb12-$arch
	hdeb=$(fetch_debs "$arch" "linux-headers-$krel") || continue
	root=$MODVER_CACHE/old-abi/$krel
	if [ ! -s "$root/Module.symvers" ]; then
		mkdir -p "$root"
		dpkg-deb --fsys-tarfile "$hdeb" | tar -x -O --wildcards "*/linux-headers-$krel/Module.symvers" \
			>"$root/Module.symvers"
		dpkg-deb --fsys-tarfile "$hdeb" | tar -x -O --wildcards "*/linux-headers-$krel/vmlinux" \
			>"$root/vmlinux"
	fi
	if [ "$(layout_of "$root/Module.symvers")" = "$cur_layout" ]; then
		old=$krel
		break
	fi
	say "old ABI $krel: module_layout differs from $KREL's, trying an older one"
done
[ -n "$old" ] || die "no older 6.12 ABI with $KREL's module_layout in the archive"
root=$MODVER_CACHE/old-abi/$old
ideb=$(fetch_debs "$arch" "linux-image-$old-unsigned")
if [ ! -f "$root/modules.done" ]; then
	globs=()
	for c in "${candidates[@]}"; do globs+=("*/$c.ko*"); done
	mkdir -p "$root/image"
	dpkg-deb --fsys-tarfile "$ideb" | tar -x -C "$root/image" --wildcards "${globs[@]}" 2>/dev/null || true
	touch "$root/modules.done"
fi

# The stamping step (modver-dump --stamp) and the host's own explanation of each mismatch
# (modver-dump --explain, from the stamp against the new kernel's BTF, the same pure core as
# modver.ko): the judge holds the kernel's lines to it.
dump=${MODVER_DUMP:-$MODVER_ROOT/tools/modver-dump}
[ -x "$dump" ] || make -s -C "$MODVER_ROOT/tools" modver-dump >&2 || die "modver-dump does not build"
mkdir -p "$dir"
: >"$dir/list"
names=()
for c in "${candidates[@]}"; do
	ko=$(find "$root/image" -name "$c.ko*" | head -n 1)
	[ -n "$ko" ] || continue
	case $ko in
	*.xz) xz -dc "$ko" >"$dir/$c.ko" ;;
	*.zst) zstd -qdc "$ko" >"$dir/$c.ko" ;;
	*) cp "$ko" "$dir/$c.ko" ;;
	esac
	[ -z "$(modinfo -F depends "$dir/$c.ko")" ] || { rm -f "$dir/$c.ko"; continue; }
	# Debian signed it with its build's key, which the current kernel does not trust either (the
	# load is tainted E, signed or not): drop the signature, so that it can be stamped (a stamp
	# comes before signing).  Both copies are the same bytes but for the stamp.
	unsign "$dir/$c.ko"
	# The imports whose CRC differs between the module and the current kernel.
	bad=
	while read -r crc sym; do
		[ "$sym" = module_layout ] && continue
		k=$(awk -v s="$sym" '$2 == s { print $1; exit }' "$KDIR/Module.symvers")
		[ -n "$k" ] && [ $((crc)) != $((k)) ] && bad+="$sym "
	done < <(modprobe --dump-modversions "$dir/$c.ko")
	if [ -z "$bad" ]; then
		rm -f "$dir/$c.ko"
		continue
	fi
	if "$dump" --stamp --btf "$root/vmlinux" --output "$dir/$c-stamped.ko" "$dir/$c.ko" \
		>"$out/old-abi-$c.stamp.log" 2>&1; then
		"$dump" --explain - "$KDIR/vmlinux" "$dir/$c-stamped.ko" >"$out/old-abi-$c.explain" 2>&1 || true
	else
		say "cannot stamp $c.ko: $(head -n 1 "$out/old-abi-$c.stamp.log")"
		rm -f "$dir/$c-stamped.ko"
	fi
	echo "$c $(modinfo -F name "$dir/$c.ko") ${bad% }" >>"$dir/list"
	names+=("$c")
done
[ ${#names[@]} -gt 0 ] || die "none of ${candidates[*]} from $old mismatches $KREL"
cp "$MODVER_ROOT/qemu-test/guest-explain.sh" "$out/payload/"
cat >"$out/old-abi.env" <<EOT
OLD_KREL=$old
OLD_BTF=$root/vmlinux
OLD_SYMVERS=$root/Module.symvers
OLD_MODULES="${names[*]}"
OLD_DIR=$dir
EOT
say "old ABI $old: ${names[*]} mismatch $KREL"
