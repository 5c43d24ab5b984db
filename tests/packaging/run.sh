#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# tests/packaging/run.sh: checks, for real, every way modver is installed the way kernel users
# install modules (project issues #8 and #17), as root on a Debian 12 host that gets none of it:
#   in a throwaway root  make install, DKMS, the .debs (modver-dkms, modver-tools), lintian and the
#                        manual pages (tests/packaging/in-root.sh), in a bookworm root that
#                        mmdebstrap makes from the host's Debian archive with Debian's kernel
#                        headers, cached as a tarball, unpacked for each run and removed afterwards
#   in QEMU              modprobe.d/modver.conf, loaded by kmod's modprobe in a guest (TCG) of each
#                        line's kernel, with the module `make install` staged in the root
#   on the host          /boot, the installed kernel packages and /lib/modules as they were before
#                        the run; no dkms tree, module source, root or mount left behind
# One line per check on stdout: "PASS packaging <name> (<detail>)" or "FAIL packaging <name>: <why>";
# exit 0 only if all passed.  Long outputs go to $MODVER_CACHE/packaging/ (default /var/cache/modver).
#
# The host gets only what running this needs (apt-get, waiting for the dpkg lock): mmdebstrap and
# zstd (the root), cpio, gzip and binutils (the guests' initramfs) and qemu-system-x86; no kernel
# image, no headers, no dkms.  The root is $MODVER_CACHE/packaging-root/bookworm-<key>.tar.zst,
# <key> a hash of its package list and of how it is made: a new kernel ABI, or a change here, makes
# a new one.  The .debs it was made from stay in $MODVER_CACHE/packaging-root/debs for that rebuild
# (the kernel packages come from scripts/fetch-kernel.sh's downloads).
#
# Environment: PACKAGING_LINES (default "6.1 6.12"), the Debian kernel lines whose headers go into
# the root and whose kernels boot the guests (meta packages linux-headers-<arch> and
# linux-headers-6.12-<arch>; releases resolved at run time, as scripts/fetch-kernel.sh does).
set -uo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
# apt_get, need_packages, MODVER_CACHE.
. "$root/scripts/lib.sh"
logs=$MODVER_CACHE/packaging
. "$root/tests/packaging/lib.sh"
arch=$(dpkg --print-architecture)
read -ra lines <<<"${PACKAGING_LINES:-6.1 6.12}"
start=$(date +%s)

mkdir -p "$logs"
rm -rf "${logs:?}"/*
work=$(mktemp -d /tmp/modver-packaging.XXXXXX)
# The unpacked root, and in it the folder in-root.sh works in (seen from the host under $rootdir).
rootdir=$work/root
inwork=/build

# --- the host, before and after ---------------------------------------------------------------------
# host_state FILE: what the run must leave as it found it, one section per check.
host_state() {
	{
		echo "## boot"
		ls -la --time-style=full-iso /boot
		echo "## kernel-packages"
		dpkg-query -W 'linux-image-*' 'linux-headers-*' 2>/dev/null
		echo "## lib-modules"
		find /lib/modules/ -printf '%p %y %s %T@\n' 2>/dev/null | sort
		echo "## modver"
		ls -d /var/lib/dkms/modver /usr/src/modver-* 2>/dev/null
	} >"$1"
}
# section FILE NAME: one section of a host_state file.
section() {
	sed -n "/^## $2\$/,/^## /p" "$1" | sed '1d;/^## /d'
}
host_state "$work/host-before"

# --- the host's packages and the guests' kernels -----------------------------------------------------
host_needs=(mmdebstrap zstd cpio gzip binutils qemu-system-x86)
check_host_packages() {
	local missing=() p
	for p in "${host_needs[@]}"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
	done
	# need_packages exits on failure: a subshell keeps the run going to its report.
	(need_packages "${missing[@]}") 2>>"$logs/apt.log" ||
		{ why="apt-get install ${missing[*]} failed (see $logs/apt.log)"; return 1; }
	detail="${host_needs[*]}; installed now: ${missing[*]:-nothing}"
}

# Each line's current kernel: image and headers downloaded and unpacked into the cache (for the
# guests), never installed; the root gets the same release's headers.
declare -A krel kenv
check_kernels() {
	local l envf
	for l in "${lines[@]}"; do
		case $l in
		6.1 | 6.12) ;;
		*) why="unknown kernel line '$l' in PACKAGING_LINES (known: 6.1, 6.12)"; return 1 ;;
		esac
		envf=$("$root/scripts/fetch-kernel.sh" "$l" "$arch" 2>>"$logs/fetch-kernel.log") ||
			{ why="scripts/fetch-kernel.sh $l $arch failed (see $logs/fetch-kernel.log)"; return 1; }
		kenv[$l]=$envf
		krel[$l]=$(. "$envf" && echo "$KREL")
	done
	detail="${krel[*]} (in $MODVER_CACHE/kernels, not installed)"
}

# --- the throwaway root ---------------------------------------------------------------------------
rootcache=$MODVER_CACHE/packaging-root
# What in-root.sh runs: dkms, the package build (build-essential is dpkg-buildpackage's implicit
# build dependency), lintian, man-db for `man`, and pahole, which the 6.12 headers' BTF needs.
root_tools=(build-essential debhelper dh-dkms dkms lintian kmod pahole xz-utils man-db liblzma-dev
	libzstd-dev)
# The options the root is made with; they are part of its key.  apt waits for its lock as the
# host's apt_get does.  The one kernel image (6.12's headers depend on it) is unpacked without its
# modules, and without the initramfs hook: no initramfs is built, in the root or anywhere.  dpkg
# runs under eatmydata (mmdebstrap's own hook): a root that is thrown away needs no fsync.
root_options=(--variant=apt --hook-dir=/usr/share/mmdebstrap/hooks/eatmydata
	--aptopt="DPkg::Lock::Timeout \"${MODVER_APT_LOCK_WAIT:-900}\""
	--aptopt='Acquire::Languages "none"' --dpkgopt='path-exclude=/lib/modules/*/kernel/*'
	--dpkgopt='path-exclude=/usr/lib/modules/*/kernel/*'
	--dpkgopt='path-exclude=/etc/kernel/postinst.d/initramfs-tools')

# root_sources: the host's configured Debian archive for bookworm (its updates and security
# suites included), as sources.list lines: the root comes from where the host's packages come from.
root_sources() {
	apt-get indextargets --format '$(REPO_URI) $(RELEASE) $(COMPONENT)' 2>/dev/null |
		awk '$2 ~ /^bookworm(-updates|-security)?$/' | sort -u |
		awk '{ k = $1 " " $2; if (!(k in c)) o[++n] = k; c[k] = c[k] " " $3 }
			END { for (i = 1; i <= n; i++) print "deb " o[i] c[o[i]] }'
}

# The kernel packages of the root: each line's headers, the headers and kbuild they depend on, and
# the -unsigned kernel image where the headers depend on one (what fetch-kernel.sh downloaded).
root_kernel_packages() {
	local l rel deps
	for l in "${lines[@]}"; do
		rel=${krel[$l]}
		deps=$(apt-cache depends "linux-headers-$rel" 2>/dev/null)
		echo "linux-headers-$rel"
		awk '/ Depends: linux-(headers|kbuild)-/ { print $2 }' <<<"$deps"
		grep -q "Depends: linux-image-$rel-unsigned\$" <<<"$deps" && echo "linux-image-$rel-unsigned"
	done | sort -u
}

# make_root TARBALL SOURCES KERNEL_PACKAGES...: mmdebstrap the root into TARBALL.
make_root() {
	local tarball=$1 sources=$2 tmp=${1%.tar.zst}.tmp.tar.zst p
	shift 2
	# apt takes a .deb already in /var/cache/apt/archives when its checksum is the archive's: the
	# kernel packages fetch-kernel.sh downloaded and the previous root's packages are not fetched
	# again.  Afterwards those the kernel cache does not hold are kept for the next rebuild.
	mkdir -p "$rootcache/debs"
	rm -rf "$rootcache/debs.new"
	mkdir -p "$rootcache/debs.new"
	{
		for p in "$@"; do
			ls "$MODVER_CACHE/debs/${p}_"*"_$arch.deb" "$MODVER_CACHE/debs/${p}_"*_all.deb 2>/dev/null
		done
		ls "$rootcache/debs/"*.deb 2>/dev/null
	} >"$work/seed-debs"
	# The hooks run with the root being made as $1; links where the file system allows them.
	cat >"$work/seed-hook" <<-'EOT'
		#!/bin/sh
		mkdir -p "$1/var/cache/apt/archives"
		while read -r f; do
			ln -f "$f" "$1/var/cache/apt/archives/" 2>/dev/null || cp "$f" "$1/var/cache/apt/archives/"
		done <"$SEED_LIST"
	EOT
	cat >"$work/save-hook" <<-'EOT'
		#!/bin/sh
		for f in "$1"/var/cache/apt/archives/*.deb; do
			[ -e "$KERNEL_DEBS/${f##*/}" ] && continue
			ln -f "$f" "$SAVE_TO/" 2>/dev/null || cp "$f" "$SAVE_TO/"
		done
	EOT
	chmod +x "$work/seed-hook" "$work/save-hook"
	SEED_LIST=$work/seed-debs KERNEL_DEBS=$MODVER_CACHE/debs SAVE_TO=$rootcache/debs.new \
		timeout -k 10 3600 mmdebstrap "${root_options[@]}" --skip=essential/unlink \
		--setup-hook="$work/seed-hook" --customize-hook="$work/save-hook" \
		--include="$(printf '%s,' "${root_tools[@]}" "$@")" \
		bookworm "$tmp" "$sources" >>"$logs/root.log" 2>&1 || { rm -rf "$tmp"; return 1; }
	mv "$tmp" "$tarball"
	rm -rf "$rootcache/debs"
	mv "$rootcache/debs.new" "$rootcache/debs"
}

# The root: the cached tarball whose key matches, made first when there is none; then unpacked.
check_root() {
	local kpkgs list key tarball lock t0 made p
	requires host-packages kernels || return 1
	mkdir -p "$rootcache"
	root_sources >"$work/sources.list"
	[ -s "$work/sources.list" ] || { why="no bookworm suite of Debian's archive in the host's apt sources"; return 1; }
	mapfile -t kpkgs < <(root_kernel_packages)
	list=$work/root-list
	{
		echo "mmdebstrap ${root_options[*]}"
		cat "$work/sources.list"
		printf '%s\n' "${root_tools[@]}"
		for p in "${kpkgs[@]}"; do
			echo "$p $(apt-cache policy "$p" 2>/dev/null | awk '/Candidate:/ { print $2 }')"
		done
	} >"$list"
	key=$(sha256sum <"$list" | cut -c1-12)
	tarball=$rootcache/bookworm-$key.tar.zst
	# One maker at a time; a second run waits and then reuses what the first made.
	exec {lock}>"$rootcache/lock"
	flock -w 3600 "$lock" || { why="$rootcache/lock still held after an hour"; return 1; }
	made="reused $tarball"
	if [ ! -s "$tarball" ]; then
		t0=$(date +%s)
		note "making the root (${kpkgs[*]}): minutes"
		if ! make_root "$tarball" "$work/sources.list" "${kpkgs[@]}"; then
			flock -u "$lock"
			why="mmdebstrap failed (see $logs/root.log)"
			return 1
		fi
		cp "$list" "${tarball%.tar.zst}.list"
		# Older roots are of no further use.
		for p in "$rootcache"/bookworm-*.tar.zst; do
			[ "$p" = "$tarball" ] || rm -f "$p" "${p%.tar.zst}.list"
		done
		made="made $tarball in $(($(date +%s) - t0)) s"
	fi
	t0=$(date +%s)
	mkdir -p "$rootdir"
	tar --zstd -x --numeric-owner -p -f "$tarball" -C "$rootdir" 2>>"$logs/root.log" ||
		{ flock -u "$lock"; why="cannot unpack $tarball (see $logs/root.log)"; return 1; }
	flock -u "$lock"
	detail="$made ($(du -sh "$tarball" | cut -f1), $(grep -c '' "$list") list lines); unpacked in $(($(date +%s) - t0)) s, $(du -sh "$rootdir" | cut -f1)"
}

# in_root CMD...: CMD in the root as its root user, in private mount, PID, network, UTS and IPC
# namespaces: its /proc and the bind mount of $logs vanish with it, and so does any process it
# leaves.  The environment is the root's own, not the host's.
in_root() {
	mkdir -p "$rootdir$logs"
	# shellcheck disable=SC2016
	timeout -k 10 3600 unshare --mount --pid --net --uts --ipc --fork --kill-child \
		--mount-proc="$rootdir/proc" -- /bin/sh -c \
		'r=$1 l=$2; shift 2; mount --bind "$l" "$r$l" && exec chroot "$r" "$@"' _ "$rootdir" "$logs" \
		/usr/bin/env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root \
		LANG=C.UTF-8 DEBIAN_FRONTEND=noninteractive MODVER_APT_LOCK_WAIT="${MODVER_APT_LOCK_WAIT:-900}" \
		"$@"
}

# A snapshot of the tree as git sees it (tracked files and new, not ignored ones), into the root,
# so that every build there uses the same sources and the repository itself stays clean.
snapshot() {
	local dst=$1
	mkdir -p "$dst"
	if git -C "$root" rev-parse --git-dir >/dev/null 2>&1; then
		# --cached also lists files deleted in the work tree: only existing ones are copied.
		(cd "$root" && git ls-files -z --cached --others --exclude-standard |
			while IFS= read -r -d '' f; do [ -e "$f" ] && printf '%s\0' "$f"; done |
			cpio -0 -pdm --quiet "$dst")
	else
		(cd "$root" && tar -c --exclude=./.cache --exclude=./.git . | tar -x -C "$dst")
	fi
}

# in-root.sh's lines are this run's lines: printed as they come, and counted.
run_in_root() {
	local rels=() l line name done=
	for l in "${lines[@]}"; do rels+=("$l=${krel[$l]}"); done
	if [ "${result[root]:-}" != pass ] || ! snapshot "$rootdir$inwork/src"; then
		check in-root false_because "not run: root did not pass, or the tree could not be copied into it"
		return
	fi
	while IFS= read -r line; do
		name=${line#* packaging }
		case $line in
		'PASS packaging '*) echo "$line" && record "${name%% (*}" pass ;;
		'FAIL packaging '*) echo "$line" && record "${name%%: *}" fail ;;
		@@DONE) done=1 ;;
		esac
	done < <(in_root env PACKAGING_RELEASES="${rels[*]}" PACKAGING_SRC="$inwork/src" \
		PACKAGING_WORK="$inwork" PACKAGING_LOGS="$logs" bash "$inwork/src/tests/packaging/in-root.sh")
	[ -n "$done" ] || check in-root false_because "in-root.sh stopped before its last check (see the messages above and $logs)"
}
# false_because WHY: a check that fails with WHY.
false_because() {
	why=$1
	return 1
}

# remove_root: the unpacked root goes; --one-file-system would leave a mount point (there should
# be none: every mount was in in_root's own namespace) rather than follow it into the host.
remove_root() {
	[ -d "$rootdir" ] && rm -rf --one-file-system "$rootdir"
}

# --- modprobe.d in a guest ------------------------------------------------------------------------
# The payload is what `make install` staged in the root for the guest's kernel (in-root.sh's
# make-install-staged check), plus the kernel's own modules.builtin files and the example
# configuration.
check_modprobe_conf() {
	local line=$1 log=modprobe-qemu-$1.log g=$work/guest-$1 rel kroot v k
	rel=${krel[$line]:-}
	requires "make-install-staged/$rel" || return 1
	# The env file is fetch-kernel.sh's interface (KREL, KDIR, VMLINUZ): read in a subshell, kept local.
	local VMLINUZ
	VMLINUZ=$(. "${kenv[$line]}" && echo "$VMLINUZ")
	echo "guest kernel $rel, image $VMLINUZ" >>"$logs/$log"
	mkdir -p "$g"
	cp -a "$rootdir$inwork/stage-$rel" "$g/payload" ||
		{ why="no staged module for $rel in the root"; return 1; }
	kroot=${VMLINUZ%/boot/*}/lib/modules/$rel
	for f in modules.builtin modules.builtin.modinfo; do
		[ -f "$kroot/$f" ] && cp "$kroot/$f" "$g/payload/lib/modules/$rel/"
	done
	cp "$root/modprobe.d/modver.conf" "$g/payload/modver.conf"
	run "$log" "$root/scripts/mkinitramfs.sh" "$arch" "$g/payload" "$root/tests/packaging/guest-modprobe.sh" \
		"$g/initrd.gz" || { why="scripts/mkinitramfs.sh failed (see $logs/$log)"; return 1; }
	timeout -k 10 420 "$root/qemu-test/boot.sh" "$arch" "$VMLINUZ" "$g/initrd.gz" "$logs/guest-$line.log" 360
	echo "boot.sh exit $?" >>"$logs/$log"
	v() { sed -n "s/^@@PKG $1 //p" "$logs/guest-$line.log" | tr -d '\r' | head -n 1; }
	grep -q '^@@EXIT 0' <(tr -d '\r' <"$logs/guest-$line.log") ||
		{ why="the guest did not finish (see $logs/guest-$line.log)"; return 1; }
	for k in "depmod 0" "modprobe 0" "policy warn" "layout N" "modprobe-r 0" "after-r unloaded" \
		"insmod 0" "insmod-policy refuse" "rmmod 0" "modprobe2 0" "policy2 warn" "layout2 Y" \
		"modprobe-r2 0" "bad 0"; do
		[ "$(v "${k% *}")" = "${k#* }" ] ||
			{ why="guest ${k% *} is '$(v "${k% *}")', expected '${k#* }' (see $logs/guest-$line.log)"; return 1; }
	done
	case $(v dep) in
	updates/modver.ko*:*) ;;
	*) why="guest modules.dep has '$(v dep)' (see $logs/guest-$line.log)"; return 1 ;;
	esac
	detail="$rel guest: depmod lists $(v dep | cut -d: -f1); modprobe modver gives policy warn, force_module_layout N; modprobe -r unloads; insmod (no modprobe.d) gives refuse; the commented force_module_layout=Y line, enabled, gives Y"
}

# --- the host checks ------------------------------------------------------------------------------
# check_host_same SECTION WHAT: a section of the host's state is as it was before the run.
check_host_same() {
	local a b
	a=$(section "$work/host-before" "$1")
	b=$(section "$work/host-after" "$1")
	if [ "$a" != "$b" ]; then
		diff <(echo "$a") <(echo "$b") >"$logs/host-$1.diff"
		why="$2 changed during the run (see $logs/host-$1.diff)"
		return 1
	fi
	detail="$2 as before the run: $(grep -c '' <<<"$a") lines, sha256 $(sha256sum <<<"$a" | cut -c1-12)"
}
check_host_modver() {
	local left
	left=$(section "$work/host-after" modver)
	[ -z "$left" ] || { why="on the host: $(echo "$left" | tr '\n' ' ')"; return 1; }
	detail="no /var/lib/dkms/modver, no /usr/src/modver-*"
}
check_host_clean() {
	[ ! -e "$rootdir" ] || { why="$rootdir is still there"; return 1; }
	! grep -q " $work/" /proc/mounts || { why="mounts left under $work: $(grep " $work/" /proc/mounts)"; return 1; }
	detail="root removed, no mount left under $work"
}

# --- the run --------------------------------------------------------------------------------------
cleanup() {
	remove_root
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

check host-packages check_host_packages
check kernels check_kernels
check root check_root
run_in_root
for l in "${lines[@]}"; do
	check "modprobe.d-qemu/$l-$arch" check_modprobe_conf "$l"
done
remove_root
host_state "$work/host-after"
check host/boot check_host_same boot "ls -la /boot"
check host/kernel-packages check_host_same kernel-packages "dpkg-query -W 'linux-image-*' 'linux-headers-*'"
check host/lib-modules check_host_same lib-modules "every file under /lib/modules"
check host/no-modver check_host_modver
check host/clean check_host_clean

note "$passed passed, $failed failed in $(($(date +%s) - start)) s (logs in $logs)"
[ "$failed" = 0 ]
