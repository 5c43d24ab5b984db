#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# build.sh ENVFILE OUTDIR: build modver.ko (W=1, and C=1 when sparse is there) and every test fixture
# against the kernel described by ENVFILE (from fetch-kernel.sh; arm64 is cross-built), into OUTDIR:
#   OUTDIR/payload/   modver.ko and the fixtures, ready for the initramfs
#   OUTDIR/expect.env the CRCs the scenarios must see in modver's log lines
#   OUTDIR/modver/build.log  the W=1 build output (the suite checks it has no warnings)
set -euo pipefail
. "$(dirname "$0")/lib.sh"

envfile=${1:?usage: build.sh ENVFILE OUTDIR}
out=${2:?usage: build.sh ENVFILE OUTDIR}
. "$envfile"
fixtures=$MODVER_ROOT/qemu-test/fixtures
need_packages gcc make binutils libelf1 dwarves sparse xz-utils
read -ra arch_flags <<<"$MAKE_ARCH_FLAGS"
CROSS_COMPILE=
[ "$DEB_ARCH" = arm64 ] && need_packages gcc-aarch64-linux-gnu libc6-dev-arm64-cross &&
	CROSS_COMPILE=aarch64-linux-gnu-

kmake() { make -C "$KDIR" -j"$(nproc)" "${arch_flags[@]}" "$@"; }

rm -rf "$out"
mkdir -p "$out/modver" "$out/payload" "$out/tools"

# modver itself, from a copy so that builds for several kernels do not share objects.
cp -r "$MODVER_ROOT/Kbuild" "$MODVER_ROOT/include" "$MODVER_ROOT/core" "$MODVER_ROOT"/*.c "$out/modver/"
sparse_flag=
command -v sparse >/dev/null && sparse_flag=C=1
kmake M="$out/modver" W=1 $sparse_flag modules >"$out/modver/build.log" 2>&1 ||
	{ cat "$out/modver/build.log" >&2; die "modver build failed for $KREL"; }
cp "$out/modver/modver.ko" "$out/payload/"

# modver-dump for the guest (its --live mode asks the guest's modver.ko): static, plain .ko only.
cp -r "$MODVER_ROOT/tools" "$out/dump-src"
make -s -C "$out/dump-src" CC="${CROSS_COMPILE}gcc" MODVER_INCLUDE="$MODVER_ROOT/include" \
	MODVER_CORE="$MODVER_ROOT/core" modver-dump-static >"$out/dump-src/build.log" 2>&1 ||
	{ cat "$out/dump-src/build.log" >&2; die "modver-dump (static) build failed for $DEB_ARCH"; }
cp "$out/dump-src/modver-dump-static" "$out/payload/modver-dump"

# The exporter in two versions, and a consumer built against v1.
for v in 1 2; do
	d=$out/exporter-v$v
	cp -r "$fixtures/exporter" "$d"
	v2=
	[ $v = 2 ] && v2=y
	kmake M="$d" MV_EXPORTER_V2=$v2 modules >"$d/build.log" 2>&1 ||
		{ cat "$d/build.log" >&2; die "exporter v$v build failed"; }
	cp "$d/mv_exporter.ko" "$out/payload/mv_exporter-v$v.ko"
done
cp -r "$fixtures/consumer" "$out/consumer"
cp "$fixtures/exporter/mv_exporter.h" "$out/consumer/"
sed -i 's|-I$(src)/../exporter|-I$(src)|' "$out/consumer/Kbuild"
kmake M="$out/consumer" KBUILD_EXTRA_SYMBOLS="$out/exporter-v1/Module.symvers" modules \
	>"$out/consumer/build.log" 2>&1 || { cat "$out/consumer/build.log" >&2; die "consumer build failed"; }
cp "$out/consumer/mv_consumer.ko" "$out/payload/"

# Issue 14: a stamped copy of the consumer, which must load on the stock kernel exactly as the
# plain one (guest-scenarios.sh stamp/stock), stamped from the build kernel's BTF (6.1's headers
# have no vmlinux: its image then) by the host's modver-dump.
need_packages liblzma-dev libzstd-dev
make -s -C "$out/dump-src" MODVER_INCLUDE="$MODVER_ROOT/include" MODVER_CORE="$MODVER_ROOT/core" \
	modver-dump >>"$out/dump-src/build.log" 2>&1 ||
	{ cat "$out/dump-src/build.log" >&2; die "modver-dump (host) build failed"; }
stamp_btf=$KDIR
[ -f "$KDIR/vmlinux" ] || stamp_btf=$VMLINUZ,$KDIR
"$out/dump-src/modver-dump" --stamp --btf "$stamp_btf" --output "$out/payload/mv_consumer-stamped.ko" \
	"$out/consumer/mv_consumer.ko" >/dev/null || die "cannot stamp mv_consumer from $stamp_btf"

# Many offences in one load (the per-load line budget): mv_many exports 40 functions whose
# argument type differs between its v1 and v2 builds, and mv_many_user, built against v1, calls
# them all.  Generated here: the functions differ only in their number.
many=$out/many
mkdir -p "$many/v1" "$many/v2" "$many/user"
{
	echo '// SPDX-License-Identifier: GPL-2.0'
	echo '#include <linux/module.h>'
	echo '#include "mv_many.h"'
	for i in $(seq 0 39); do
		echo "mv_many_arg mv_many_$i(mv_many_arg v) { return v + $i; }"
		echo "EXPORT_SYMBOL_GPL(mv_many_$i);"
	done
	echo 'MODULE_DESCRIPTION("modver test fixture: forty exports whose argument type differs between versions");'
	echo 'MODULE_LICENSE("GPL");'
} >"$many/v1/mv_many.c"
{
	echo '#ifdef MV_MANY_V2'
	echo 'typedef long mv_many_arg;'
	echo '#else'
	echo 'typedef int mv_many_arg;'
	echo '#endif'
	for i in $(seq 0 39); do echo "mv_many_arg mv_many_$i(mv_many_arg v);"; done
} >"$many/v1/mv_many.h"
cp "$many/v1/mv_many.c" "$many/v1/mv_many.h" "$many/v2/"
echo 'obj-m := mv_many.o' >"$many/v1/Kbuild"
printf 'obj-m := mv_many.o\nccflags-y := -DMV_MANY_V2\n' >"$many/v2/Kbuild"
{
	echo '// SPDX-License-Identifier: GPL-2.0'
	echo '#include <linux/module.h>'
	echo '#include "mv_many.h"'
	echo 'static int __init mv_many_user_init(void)'
	echo '{'
	echo '	long sum = 0;'
	for i in $(seq 0 39); do echo "	sum += mv_many_$i($i);"; done
	echo '	return sum < 0;'
	echo '}'
	echo 'static void __exit mv_many_user_exit(void) { }'
	echo 'module_init(mv_many_user_init);'
	echo 'module_exit(mv_many_user_exit);'
	echo 'MODULE_DESCRIPTION("modver test fixture: imports forty functions from mv_many");'
	echo 'MODULE_LICENSE("GPL");'
} >"$many/user/mv_many_user.c"
cp "$many/v1/mv_many.h" "$many/user/"
echo 'obj-m := mv_many_user.o' >"$many/user/Kbuild"
for v in v1 v2; do
	kmake M="$many/$v" modules >"$many/$v/build.log" 2>&1 ||
		{ cat "$many/$v/build.log" >&2; die "mv_many $v build failed"; }
	cp "$many/$v/mv_many.ko" "$out/payload/mv_many-$v.ko"
done
kmake M="$many/user" KBUILD_EXTRA_SYMBOLS="$many/v1/Module.symvers" modules \
	>"$many/user/build.log" 2>&1 || { cat "$many/user/build.log" >&2; die "mv_many_user build failed"; }
cp "$many/user/mv_many_user.ko" "$out/payload/"

# Plain modules under several names; their version tables are edited below.
# The malformed ones (mv_ext_*, mv_vers_*) test modver's handling of hostile tables in the kernel.
plain=(mv_clean mv_altered mv_missing mv_notable mv_badlayout
	mv_ext_ok mv_ext_contra mv_ext_count mv_ext_half
	mv_vers_odd mv_vers_unterm mv_vers_dup mv_vers_nobits mv_vers_outside
	mv_notable_class32 mv_clean_class32 mv_clean_data2 mv_clean_shdrs4 mv_clean_strnobits
	mv_vers_stale mv_badlayout_odd mv_collide)
# The debug kernel's unload/load stress (qemu-test/guest-stress.sh, in the payload only there):
# renamed copies, so that loads running in parallel never collide on a module name.
stress=
grep -q '^CONFIG_KASAN=y' "$KDIR/.config" 2>/dev/null && stress=y
[ -n "$stress" ] && plain+=(mvs_clean1 mvs_altered2)
mkdir -p "$out/plain"
for m in "${plain[@]}"; do cp "$fixtures/plain/plain.c" "$out/plain/$m.c"; done
echo "obj-m := ${plain[*]/%/.o}" >"$out/plain/Kbuild"
kmake M="$out/plain" modules >"$out/plain/build.log" 2>&1 ||
	{ cat "$out/plain/build.log" >&2; die "plain fixtures build failed"; }

edit=$out/tools/versions-edit
shdr_edit=$out/tools/elf-shdr-edit
gcc -O2 -Wall -Wextra -I"$MODVER_ROOT/include" -I"$MODVER_ROOT/core" -o "$edit" "$MODVER_ROOT/qemu-test/tools/versions-edit.c"
gcc -O2 -Wall -Wextra -I"$MODVER_ROOT/include" -I"$MODVER_ROOT/core" -o "$shdr_edit" \
	"$MODVER_ROOT/qemu-test/tools/elf-shdr-edit.c"
objcopy=${CROSS_COMPILE}objcopy
# Kernels with CONFIG_EXTENDED_MODVERSIONS (6.14+) give every module extended tables too, and
# check those alone when present.
extended_kernel=
grep -q '^CONFIG_EXTENDED_MODVERSIONS=y' "$KDIR/.config" 2>/dev/null && extended_kernel=y

# edit_versions MODULE EDIT-ARGS...: rewrite MODULE's __versions through versions-edit (and, on an
# extended kernel, its extended tables to match, so that the kernel and modver see the edit).
edit_versions() {
	local ko=$out/plain/$1.ko
	shift
	"$objcopy" --dump-section __versions="$ko.versions" "$ko"
	"$edit" "$ko.versions" "$ko.versions.new" "$@"
	"$objcopy" --update-section __versions="$ko.versions.new" "$ko"
	[ -n "$extended_kernel" ] || return 0
	"$edit" "$ko.versions.new" "$ko.crcs" "$ko.names" ext
	"$objcopy" --update-section __version_ext_crcs="$ko.crcs" \
		--update-section __version_ext_names="$ko.names" "$ko"
}
# basic_only MODULE: drop the extended tables, so that a malformed __versions is what is read.
basic_only() {
	"$objcopy" --remove-section __version_ext_crcs --remove-section __version_ext_names \
		"$out/plain/$1.ko"
}
xor_mask=0x5a5a5a5a
# Debug info refers to __versions; the fixtures do not need it.
for m in "${plain[@]}"; do "$objcopy" --strip-debug "$out/plain/$m.ko"; done
edit_versions mv_altered xor _printk $xor_mask
edit_versions mv_missing drop _printk
edit_versions mv_badlayout xor module_layout $xor_mask
# 32,768 entries, all but the plain module's own named to collide in modver's old unkeyed index
# (issue 13): with the keyed one it loads in about the stock time.
edit_versions mv_collide collide-to 32768
"$objcopy" --remove-section __versions --remove-section __version_ext_crcs \
	--remove-section __version_ext_names "$out/plain/mv_notable.ko"

# Extended tables, as 6.14+ kernels write them (allocated sections, like modpost's, which such
# kernels require), added to a module Debian's kernels check by __versions alone (replacing any
# the kernel's modpost wrote): consistent, contradicting __versions for _printk, one CRC more than
# names, and only the CRC half.
add_extended() {	# MODULE [SYMBOL MASK [DROP_NAMES]]
	local ko=$out/plain/$1.ko s
	shift
	"$objcopy" --dump-section __versions="$ko.versions" "$ko"
	"$edit" "$ko.versions" "$ko.crcs" "$ko.names" ext "$@"
	"$objcopy" --remove-section __version_ext_crcs --remove-section __version_ext_names "$ko"
	"$objcopy" --add-section __version_ext_crcs="$ko.crcs" \
		--add-section __version_ext_names="$ko.names" "$ko"
	for s in __version_ext_crcs __version_ext_names; do
		"$objcopy" --set-section-flags "$s=alloc,readonly" "$ko"
	done
}
ext_mask=0x0f0f0f0f
add_extended mv_ext_ok
add_extended mv_ext_contra _printk $ext_mask
add_extended mv_ext_count "" 0 1
add_extended mv_ext_half
"$objcopy" --remove-section __version_ext_names "$out/plain/mv_ext_half.ko"
# Malformed __versions: a size that is no multiple of 64, a name without NUL, _printk twice (a
# wrong CRC second), a table without contents (SHT_NOBITS), a table outside the file.
for m in mv_vers_odd mv_vers_unterm mv_vers_dup mv_vers_nobits mv_vers_outside; do basic_only $m; done
extended_kernel_saved=$extended_kernel
extended_kernel=
edit_versions mv_vers_odd pad 8
edit_versions mv_vers_unterm unterminate _printk
edit_versions mv_vers_dup dup _printk $xor_mask
extended_kernel=$extended_kernel_saved
"$shdr_edit" "$out/plain/mv_vers_nobits.ko" __versions type 8
"$shdr_edit" "$out/plain/mv_vers_outside.ko" __versions offset \
	$(($(stat -c %s "$out/plain/mv_vers_outside.ko") + 4096))
# Images the loader reads although modver once could not (issue 12): ELF class and data bytes it
# never checks, a section header table at an offset of 8n+4, a SHT_NOBITS section name table (6.1
# accepts it; 6.12 wants SHT_STRTAB); a __versions that disagrees with consistent extended tables
# (only 6.14+ kernels read those); a bad module_layout in a __versions padded by 8 bytes.
"$objcopy" --remove-section __versions --remove-section __version_ext_crcs \
	--remove-section __version_ext_names "$out/plain/mv_notable_class32.ko"
"$shdr_edit" "$out/plain/mv_notable_class32.ko" --ident 4 1
"$shdr_edit" "$out/plain/mv_clean_class32.ko" --ident 4 1
"$shdr_edit" "$out/plain/mv_clean_data2.ko" --ident 5 2
"$shdr_edit" "$out/plain/mv_clean_shdrs4.ko" --move-shdrs 4
"$shdr_edit" "$out/plain/mv_clean_strnobits.ko" .shstrtab type 8
add_extended mv_vers_stale
basic_only mv_badlayout_odd
extended_kernel=
edit_versions mv_vers_stale xor _printk $xor_mask
edit_versions mv_badlayout_odd xor module_layout $xor_mask
edit_versions mv_badlayout_odd pad 8
extended_kernel=$extended_kernel_saved
[ -n "$stress" ] && edit_versions mvs_altered2 xor _printk $xor_mask
for m in "${plain[@]}"; do cp "$out/plain/$m.ko" "$out/payload/"; done
# The stress's exporter (v1, v2) and a consumer built against v1, each under a name of its own.
stress_build() {	# NAME SOURCE CCFLAGS [MAKE-ARGS...]
	local name=$1 src=$2 d=$out/stress/$1
	mkdir -p "$d"
	cp "$src" "$d/$name.c"
	cp "$fixtures/exporter/mv_exporter.h" "$d/"
	printf 'obj-m := %s.o\nccflags-y := %s\n' "$name" "$3" >"$d/Kbuild"
	shift 3
	kmake M="$d" "$@" modules >"$d/build.log" 2>&1 || { cat "$d/build.log" >&2; die "$name build failed"; }
	cp "$d/$name.ko" "$out/payload/"
}
if [ -n "$stress" ]; then
	stress_build mvs_exporter1 "$fixtures/exporter/mv_exporter.c" ""
	stress_build mvs_exporter2 "$fixtures/exporter/mv_exporter.c" -DMV_EXPORTER_V2
	stress_build mvs_consumer3 "$fixtures/consumer/mv_consumer.c" "" \
		KBUILD_EXTRA_SYMBOLS="$out/stress/mvs_exporter1/Module.symvers"
	cp "$MODVER_ROOT/qemu-test/guest-stress.sh" "$out/payload/"
fi
# The guest's finit_module(2) caller, for loads that ignore modversions (--force-modversion).
"${CROSS_COMPILE}gcc" -O2 -Wall -Wextra -static -o "$out/payload/finit-module" \
	"$MODVER_ROOT/qemu-test/tools/finit-module.c"
# The guest's load timer (the colliding-names fixture, stock against modver).
"${CROSS_COMPILE}gcc" -O2 -Wall -Wextra -static -o "$out/payload/load-time" \
	"$MODVER_ROOT/qemu-test/tools/load-time.c"
# A compressed module, as Debian ships them, for the dry run (which wants the plain image).
xz -c "$out/payload/mv_clean.ko" >"$out/payload/mv_clean.ko.xz"

# Real modules of an older ABI, stamped and not, for the load-time explanation scenario (Debian
# 6.12 only; issue 14): scripts/old-abi.sh, qemu-test/guest-explain.sh, qemu-test/judge-explain.sh.
bash "$MODVER_ROOT/scripts/old-abi.sh" "$envfile" "$out" >&2 ||
	say "no old-ABI modules for $KREL: the explain scenario will be missing"
# What the scenarios must find in the log: the CRCs on both sides of each offence.
symvers_crc() { awk -v s="$2" '$2 == s { print $1; exit }' "$1"; }
ko_crc() {
	"$objcopy" --dump-section __versions="$out/tools/v.bin" "$1"
	"$edit" "$out/tools/v.bin" crc "$2"
}
cat >"$out/expect.env" <<EOT
KREL=$KREL
KCRC_PRINTK=$(symvers_crc "$KDIR/Module.symvers" _printk)
KCRC_LAYOUT=$(symvers_crc "$KDIR/Module.symvers" module_layout)
ALTERED_CRC=$(ko_crc "$out/plain/mv_altered.ko" _printk)
BADLAYOUT_CRC=$(ko_crc "$out/plain/mv_badlayout.ko" module_layout)
V1_CRC=$(symvers_crc "$out/exporter-v1/Module.symvers" mv_exported_fn)
V2_CRC=$(symvers_crc "$out/exporter-v2/Module.symvers" mv_exported_fn)
CONSUMER_CRC=$(ko_crc "$out/consumer/mv_consumer.ko" mv_exported_fn)
EXT_CONTRA_CRC=$(printf '0x%08x' $(($(symvers_crc "$KDIR/Module.symvers" _printk) ^ ext_mask)))
KSYMVERS=$KDIR/Module.symvers
V1_SYMVERS=$out/exporter-v1/Module.symvers
V2_SYMVERS=$out/exporter-v2/Module.symvers
PAYLOAD=$out/payload
TABLE_KIND=$([ -n "$extended_kernel" ] && echo extended || echo basic)
EOT
echo "$out"
