#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# build-kernel-7.3.sh: build the project's own debug kernel (platform.md §7) from Debian's
# linux-source-7.3 (trixie-backports): tinyconfig plus what the QEMU scenarios need, the extended
# module versions (__version_ext_crcs/__version_ext_names, which no Debian kernel has) and the
# kernel's debug checkers (KASAN, UBSAN, lockdep, kmemleak, debugobjects), built for x86_64 with
# the host's gcc 12.  If trixie-backports no longer carries 7.3, the newest linux-source-7.x is
# taken instead, and the script says so.
#
# The built tree is kept in $MODVER_CACHE/kernels/<line>-debug-<hash>/ (the hash covers the source
# package's version, the configuration asked for below and the compiler), so a second run reuses
# it.  Prints, as the last line on stdout, the path of an env file in fetch-kernel.sh's format
# (KREL, KDIR = the built tree, VMLINUZ = its bzImage, DEB_ARCH, MAKE_ARCH_FLAGS); all progress
# goes to stderr.  Nothing is installed from the newer suite and /etc/apt is not touched
# (platform.md §1): apt gets a private sources file and private state under the cache.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

want_line=7.3

# What the guest needs to boot the initramfs and run the scenarios (serial console, initrd,
# devtmpfs, ELF and #! binaries, /proc, /sys, debugfs and tracefs, ACPI to power off), the module
# loader with everything modver hooks, and the debug checkers.  PRINTK_TIME: judge.sh matches
# the "[   1.234567] " prefix of dmesg lines.  BUG and DEBUG_BUGVERBOSE: tinyconfig compiles
# WARN_ON() and BUG() out, and the checkers' reports must not be lost.  UNWINDER_ORC replaces
# tinyconfig's guessing unwinder, whose stack traces are unreliable.  SLUB_TINY is off because
# KASAN depends on it being off.  KPROBES_ON_FTRACE and TASKS_RCU follow from FUNCTION_TRACER,
# DYNAMIC_FTRACE and the PREEMPT_LAZY default; they are checked below, not set.
# DEBUG_INFO_BTF: modver verifies the loader's private layouts against /sys/kernel/btf/vmlinux at
# init and refuses to load without it; BTF needs BPF_SYSCALL, DWARF (the toolchain's default,
# DWARF 5 with gcc 12) and pahole >= 1.22 at configuration time (bookworm's dwarves is 1.24).
enable=(
	64BIT SMP PRINTK PRINTK_TIME BUG TTY SERIAL_8250 SERIAL_8250_CONSOLE BLK_DEV_INITRD RD_GZIP
	DEVTMPFS PROC_FS SYSFS BINFMT_ELF BINFMT_SCRIPT PCI ACPI FUTEX EPOLL SHMEM TMPFS MULTIUSER
	POSIX_TIMERS
	MODULES MODULE_UNLOAD MODULE_FORCE_LOAD MODVERSIONS GENKSYMS ASM_MODVERSIONS
	BASIC_MODVERSIONS EXTENDED_MODVERSIONS
	KALLSYMS KALLSYMS_ALL KPROBES KRETPROBES DEBUG_FS TRACEPOINTS FTRACE FUNCTION_TRACER
	DYNAMIC_FTRACE
	DEBUG_KERNEL DEBUG_BUGVERBOSE STACKTRACE UNWINDER_ORC
	KASAN KASAN_GENERIC KASAN_INLINE UBSAN PROVE_LOCKING DEBUG_ATOMIC_SLEEP DEBUG_KMEMLEAK
	DEBUG_OBJECTS DEBUG_OBJECTS_FREE DEBUG_OBJECTS_TIMERS DEBUG_OBJECTS_WORK
	DEBUG_OBJECTS_RCU_HEAD DEBUG_LIST
	BPF_SYSCALL DEBUG_INFO DEBUG_INFO_DWARF_TOOLCHAIN_DEFAULT DEBUG_INFO_BTF
)
# MODULE_SIG: unsigned test modules must load without a key.  DEBUG_KMEMLEAK_DEFAULT_OFF: kmemleak
# must be on from boot (a later scan must see the modules' allocations).  The automatic scan is off
# so that leak reports only come from the scans the scenarios ask for.
disable=(
	MODULE_SIG DEBUG_KMEMLEAK_DEFAULT_OFF DEBUG_KMEMLEAK_AUTO_SCAN SLUB_TINY UNWINDER_GUESS
	UNWINDER_FRAME_POINTER GENDWARFKSYMS KASAN_SW_TAGS KASAN_HW_TAGS KASAN_OUTLINE
	DEBUG_INFO_NONE DEBUG_INFO_REDUCED DEBUG_INFO_SPLIT
)
# Options that follow from the ones above and are reported when missing, without being set.
implied=(KPROBES_ON_FTRACE TASKS_RCU)
# Without these the kernel is of no use to the project.
required=(MODULES MODVERSIONS EXTENDED_MODVERSIONS KPROBES KRETPROBES KASAN PROVE_LOCKING
	DEBUG_KMEMLEAK DEBUG_INFO_BTF)
# Shows up in `uname -r` and vermagic, so this kernel is never mistaken for Debian's.
localversion=-debug

need_packages gcc make bc flex bison libelf-dev libssl-dev xz-utils dwarves
# Kconfig hides DEBUG_INFO_BTF below pahole 1.22 (PAHOLE_VERSION): say so rather than fail later.
pahole_version=$(pahole --version 2>/dev/null || true)
case $pahole_version in
v1.2[2-9]* | v1.[3-9][0-9]* | v[2-9]*) ;;
*) die "pahole ${pahole_version:-(none)} is too old for DEBUG_INFO_BTF (needs v1.22 or later)" ;;
esac

# Private apt state for trixie and trixie-backports, reusing the system's mirror and keyring.
aptdir=$MODVER_CACHE/apt-trixie
mkdir -p "$aptdir/lists/partial" "$aptdir/cache/archives/partial" "$aptdir/debs"
touch "$aptdir/status"
src=/etc/apt/sources.list.d/debian.sources
mirror=$(awk '/^URIs:/ && $2 ~ /\/debian\/?$/ { print $2; exit }' "$src" 2>/dev/null || true)
keyring=$(awk '/^Signed-By:/ { print $2; exit }' "$src" 2>/dev/null || true)
mirror=${mirror:-http://deb.debian.org/debian}
keyring=${keyring:-/usr/share/keyrings/debian-archive-keyring.gpg}
cat >"$aptdir/sources.list.new" <<EOT
deb [signed-by=$keyring] $mirror trixie-backports main
deb [signed-by=$keyring] $mirror trixie main
EOT
mv "$aptdir/sources.list.new" "$aptdir/sources.list"
# Preferences are emptied too: a pin of the host's must not pick the version for us.
apt_opts=(-o Dir::Etc::SourceList="$aptdir/sources.list" -o Dir::Etc::SourceParts=/dev/null
	-o Dir::Etc::Preferences=/dev/null -o Dir::Etc::PreferencesParts=/dev/null
	-o Dir::State::Lists="$aptdir/lists" -o Dir::Cache="$aptdir/cache"
	-o Dir::State::status="$aptdir/status" -o Acquire::Check-Valid-Until=false
	-o APT::Sandbox::User=root)
# The lists are refreshed at most twice a day; an unreachable archive leaves the old ones in use.
if [ ! -f "$aptdir/updated" ] || [ -n "$(find "$aptdir/updated" -mmin +720)" ]; then
	if timed "apt-get update (trixie, trixie-backports; private lists)" \
		apt-get "${apt_opts[@]}" update -q >/dev/null; then
		touch "$aptdir/updated"
	else
		say "archive unreachable; using the package lists already in $aptdir"
	fi
fi

candidate() { apt-cache "${apt_opts[@]}" policy "$1" 2>/dev/null | awk '/Candidate:/ { print $2 }'; }
line=$want_line
version=$(candidate "linux-source-$line")
if [ -z "$version" ] || [ "$version" = "(none)" ]; then
	line=$(apt-cache "${apt_opts[@]}" pkgnames linux-source-7. 2>/dev/null |
		sed -n 's/^linux-source-\(7\.[0-9]*\)$/\1/p' | sort -V | tail -n 1)
	if [ -n "$line" ]; then
		version=$(candidate "linux-source-$line")
		say "linux-source-$want_line is not in trixie-backports or trixie; using linux-source-$line $version instead"
	fi
fi
kernels=$MODVER_CACHE/kernels
if [ -z "$version" ] || [ "$version" = "(none)" ]; then
	# Nothing known about the archive: a kernel built before still serves.
	env=$(find "$kernels" -mindepth 2 -maxdepth 2 -path '*-debug-*/.complete' -printf '%T@ %h/env\n' \
		2>/dev/null | sort -n | tail -n 1 | cut -d' ' -f2- || true)
	[ -n "$env" ] || die "no linux-source-7.x in the package lists and no kernel built before"
	say "archive unknown; reusing the kernel built before, $(sed -n 's/^KREL=//p' "$env")"
	echo "$env"
	exit 0
fi

# The hash covers everything the build depends on that this script chooses or finds.
cc_version=$(gcc --version | head -n 1)
hash=$(printf '%s\n' "linux-source-$line=$version" "$cc_version" "pahole $pahole_version" \
	"+${enable[*]}" "-${disable[*]}" "localversion=$localversion" | sha256sum | cut -c1-12)
dir=$kernels/$line-debug-$hash
tree=$dir/linux-source-$line
env=$dir/env

mkdir -p "$kernels"
# One builder per cache: a second run waits rather than building the same tree alongside.
exec 9>"$kernels/.build-debug.lock"
flock 9

if [ -f "$dir/.complete" ] && [ -s "$env" ]; then
	say "reusing $(sed -n 's/^KREL=//p' "$env") built before in $dir (linux-source-$line $version)"
	echo "$env"
	exit 0
fi

# A directory without .complete is what an interrupted run left: start it again.
rm -rf "$dir"
mkdir -p "$dir"

# apt-get download names the file PACKAGE_VERSION_all.deb, with an epoch's ':' written as %3a.
deb=$aptdir/debs/linux-source-${line}_${version//:/%3a}_all.deb
if [ ! -f "$deb" ]; then
	(cd "$aptdir/debs" && timed "downloading linux-source-$line $version" \
		apt-get "${apt_opts[@]}" download -q "linux-source-$line=$version" >/dev/null) ||
		die "apt-get download linux-source-$line=$version failed"
	[ -f "$deb" ] || die "no $deb after download"
fi
# Only the source tarball is taken out of the package, straight into the cache (never into /).
unpack() {
	dpkg-deb --fsys-tarfile "$deb" | tar -xO "./usr/src/linux-source-$line.tar.xz" | tar -xJ -C "$dir"
}
timed "unpacking linux-source-$line.tar.xz" unpack || die "unpacking $deb failed"
[ -f "$tree/Makefile" ] || die "no linux-source-$line/ in $deb"

kmake() { make -C "$tree" "$@"; }
# configure and build write their output to logs of their own, so that timed's lines reach stderr.
configure() {
	local cfg=(--file "$tree/.config" --set-str LOCALVERSION "$localversion") o
	for o in "${enable[@]}"; do cfg+=(--enable "$o"); done
	for o in "${disable[@]}"; do cfg+=(--disable "$o"); done
	# Twice: options that only become visible once the first pass enabled their parents (the
	# KASAN and MODVERSIONS sub-options) get their value from the second pass.
	{
		kmake -s tinyconfig &&
			"$tree/scripts/config" "${cfg[@]}" && kmake -s olddefconfig &&
			"$tree/scripts/config" "${cfg[@]}" && kmake -s olddefconfig
	} >"$dir/config.log" 2>&1
}
timed "configuring (tinyconfig + debug options)" configure ||
	{ cat "$dir/config.log" >&2; die "configuration failed"; }

missing=()
for o in "${enable[@]}" "${implied[@]}"; do
	grep -qx "CONFIG_$o=y" "$tree/.config" || missing+=("$o")
done
for o in "${disable[@]}"; do
	if grep -qx "CONFIG_$o=y" "$tree/.config"; then die "CONFIG_$o is still enabled"; fi
done
if ((${#missing[@]})); then
	say "not enabled after olddefconfig: ${missing[*]}"
fi
for o in "${required[@]}"; do
	grep -qx "CONFIG_$o=y" "$tree/.config" || die "required CONFIG_$o could not be enabled"
done
cp "$tree/.config" "$dir/config"

# bzImage and modules also run modules_prepare's steps: the tree then serves as KDIR for M= builds
# (Module.symvers, scripts/mod/modpost, scripts/genksyms).
build() { kmake -j"$(nproc)" bzImage modules >"$dir/build.log" 2>&1; }
say "build log: $dir/build.log"
start=$(date +%s)
timed "building linux $line $version (bzImage modules, -j$(nproc))" build ||
	{ tail -n 40 "$dir/build.log" >&2; die "kernel build failed (see $dir/build.log)"; }
build_s=$(($(date +%s) - start))

krel=$(kmake -s kernelrelease)
vmlinuz=$tree/arch/x86/boot/bzImage
if [ ! -f "$vmlinuz" ] || [ ! -f "$tree/Module.symvers" ]; then
	die "the build left no bzImage or Module.symvers"
fi
cat >"$env" <<EOT
KREL=$krel
KDIR=$tree
VMLINUZ=$vmlinuz
DEB_ARCH=amd64
MAKE_ARCH_FLAGS=""
EOT
touch "$dir/.complete"
say "kernel $krel (linux-source-$line $version) built in $((build_s / 60)) min $((build_s % 60)) s, in $dir"
echo "$env"
