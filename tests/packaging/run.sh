#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# tests/packaging/run.sh: checks, for real, every way modver is installed the way kernel users
# install modules (project issue #8), on this Debian 12 machine as root:
#   make install         the top-level Makefile's modules_install + depmod, into a staging root and
#                        into the system's /lib/modules, against Debian's installed headers
#   DKMS                 dkms add/build/install with dkms.conf, for each installed headers release,
#                        and the result compared with a plain `make KDIR=...` build
#   modprobe.d           modprobe.d/modver.conf, loaded by kmod's modprobe in a QEMU guest (TCG)
#   the .deb             debian/ built with dpkg-buildpackage from a copy of the tree, lintian,
#                        installed with apt (dkms builds it), purged
# One line per check on stdout: "PASS packaging <name> (<detail>)" or "FAIL packaging <name>: <why>";
# exit 0 only if all passed.  Long outputs go to $MODVER_CACHE/packaging/ (default /var/cache/modver).
#
# It installs what it needs with apt-get (dkms, headers, debhelper, ...): Debian's
# linux-headers-6.12-<arch> depends on its kernel image, so that image gets installed too.  Any
# modver installation found on the system (a modver-dkms package, dkms registrations, make install
# leftovers) is removed before and after the run, so that reruns start clean.
#
# Environment: PACKAGING_LINES (default "6.1 6.12"), the Debian kernel lines whose headers are used
# (meta packages linux-headers-<arch> and linux-headers-6.12-<arch>; releases resolved at run time).
set -uo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
# apt_get: apt-get that waits for the dpkg lock.
. "$root/scripts/lib.sh"
logs=${MODVER_CACHE:-/var/cache/modver}/packaging
arch=$(dpkg --print-architecture)
read -ra lines <<<"${PACKAGING_LINES:-6.1 6.12}"
start=$(date +%s)

mkdir -p "$logs"
rm -rf "${logs:?}"/*
work=$(mktemp -d /tmp/modver-packaging.XXXXXX)

# Progress goes to stderr, so that stdout has the check lines only.
note() { printf '[packaging %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

# --- check bookkeeping ----------------------------------------------------------------------------
# check NAME FUNCTION ARGS...: FUNCTION sets $detail (on success) or $why (on failure) and returns
# its verdict; the line is printed here, once.
declare -A result
passed=0
failed=0
check() {
	local name=$1
	shift
	detail=
	why=
	note "$name ..."
	if "$@"; then
		result[$name]=pass
		passed=$((passed + 1))
		echo "PASS packaging $name ($detail)"
	else
		result[$name]=fail
		failed=$((failed + 1))
		echo "FAIL packaging $name: ${why:-no reason given}"
	fi
}
# requires CHECK...: a check that builds on others does not run when one of them failed.
requires() {
	local c
	for c in "$@"; do
		[ "${result[$c]:-}" = pass ] || { why="not run: $c did not pass"; return 1; }
	done
}
# run LOG CMD...: run CMD with its output appended to .cache/packaging/LOG.
run() {
	local log=$logs/$1
	shift
	echo "+ $*" >>"$log"
	"$@" >>"$log" 2>&1
}

# --- system state ---------------------------------------------------------------------------------
# module_files [RELEASE]: every modver.ko* under /lib/modules/*/updates (make install, dkms).
module_files() {
	find /lib/modules/"${1:-*}"/updates -name 'modver.ko*' 2>/dev/null | sort
}
# dkms_versions: the modver versions dkms knows about.
dkms_versions() {
	dkms status -m modver 2>/dev/null | sed -n 's|^modver/\([^,:]*\)[,:].*|\1|p' | sort -u
}
# clean_system: remove every trace of modver from the system's module tree and from dkms.
clean_system() {
	local v d f rel
	if dpkg-query -W -f='${Status}' modver-dkms 2>/dev/null | grep -qv 'not-installed'; then
		DEBIAN_FRONTEND=noninteractive run cleanup.log apt_get purge -y modver-dkms
	fi
	for v in $(dkms_versions); do
		run cleanup.log dkms remove "modver/$v" --all
	done
	# dkms remove leaves the source it copied for `dkms add`; a package's copy went with the purge.
	for d in /usr/src/modver-*; do
		[ -d "$d" ] && ! dpkg -S "$d" >/dev/null 2>&1 && rm -rf "$d"
	done
	for f in $(module_files); do
		rel=${f#/lib/modules/}
		rel=${rel%%/*}
		rm -f "$f"
		run cleanup.log depmod "$rel"
	done
}

# --- the checks -----------------------------------------------------------------------------------
declare -A release # kernel line -> headers release installed here
installed_now=

check_packages() {
	local want=(dkms dpkg-dev debhelper lintian fakeroot build-essential pahole xz-utils kmod git
		cpio gzip qemu-system-x86) missing=() p l meta rel
	# dh_dkms is its own package from bookworm on; older dkms carried it.
	if apt-cache show dh-dkms >/dev/null 2>&1; then want+=(dh-dkms); fi
	for l in "${lines[@]}"; do
		case $l in
		6.1) want+=("linux-headers-$arch") ;;
		6.12) want+=("linux-headers-6.12-$arch") ;;
		*) why="unknown kernel line '$l' in PACKAGING_LINES (known: 6.1, 6.12)"; return 1 ;;
		esac
	done
	for p in "${want[@]}"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
	done
	if ((${#missing[@]})); then
		note "installing ${missing[*]} (a kernel image comes with the 6.12 headers: minutes)"
		run apt.log apt_get update -q || { why="apt-get update failed (see $logs/apt.log)"; return 1; }
		DEBIAN_FRONTEND=noninteractive run apt.log apt_get install -y -q \
			--no-install-recommends "${missing[@]}" ||
			{ why="apt-get install ${missing[*]} failed (see $logs/apt.log)"; return 1; }
		installed_now=" (installed now: ${missing[*]})"
	fi
	# The release each meta package stands for, as installed: never a hard-coded ABI number.
	for l in "${lines[@]}"; do
		case $l in
		6.1) meta=linux-headers-$arch ;;
		6.12) meta=linux-headers-6.12-$arch ;;
		esac
		rel=$(dpkg-query -W -f='${Depends}' "$meta" | grep -o 'linux-headers-[^ ,]*' | head -n 1)
		rel=${rel#linux-headers-}
		if [ -z "$rel" ] || [ ! -e "/lib/modules/$rel/build/include" ]; then
			why="$meta does not lead to an installed headers tree (release '$rel')"
			return 1
		fi
		release[$l]=$rel
	done
	detail="headers ${release[*]}$installed_now"
}

# A snapshot of the tree as git sees it (tracked files and new, not ignored ones), so that every
# build below uses the same sources and the repository itself stays clean.
src=$work/src
snapshot() {
	mkdir -p "$src"
	if git -C "$root" rev-parse --git-dir >/dev/null 2>&1; then
		# --cached also lists files deleted in the work tree: only existing ones are copied.
		(cd "$root" && git ls-files -z --cached --others --exclude-standard |
			while IFS= read -r -d '' f; do [ -e "$f" ] && printf '%s\0' "$f"; done |
			cpio -0 -pdm --quiet "$src") || return 1
	else
		(cd "$root" && tar -c --exclude=./.cache --exclude=./.git . | tar -x -C "$src") || return 1
	fi
	version=$(cat "$src/VERSION")
}

check_version() {
	local from_dkms name_dkms from_deb
	snapshot || { why="cannot copy the tree"; return 1; }
	# dkms sources dkms.conf with bash from wherever it is: do the same, from another directory.
	from_dkms=$(cd / && bash -c '. "$1" && echo "$PACKAGE_VERSION"' _ "$src/dkms.conf")
	name_dkms=$(cd / && bash -c '. "$1" && echo "$PACKAGE_NAME"' _ "$src/dkms.conf")
	from_deb=$(dpkg-parsechangelog -l "$src/debian/changelog" -S Version)
	if [ -z "$version" ] || [ "$from_dkms" != "$version" ] || [ "$from_deb" != "$version" ] ||
		[ "$name_dkms" != modver ]; then
		why="VERSION '$version', dkms.conf $name_dkms '$from_dkms', debian/changelog '$from_deb'"
		return 1
	fi
	detail="$version in VERSION, dkms.conf (read from VERSION) and debian/changelog"
}

# make install into a staging root, given as a relative path (the Makefile makes it absolute).
check_make_install_staged() {
	local rel=$1 b=$work/make-$1 log=make-install-staged-$1.log ko vm
	requires packages version || return 1
	cp -a "$src" "$b"
	(cd "$b" && run "$log" make install KDIR="/usr/src/linux-headers-$rel" INSTALL_MOD_PATH=../stage-"$rel") ||
		{ why="make install failed (see $logs/$log)"; return 1; }
	ko=$(ls "$work/stage-$rel/lib/modules/$rel/updates/"modver.ko* 2>/dev/null)
	[ -n "$ko" ] || { why="no modver.ko* in stage-$rel/lib/modules/$rel/updates (see $logs/$log)"; return 1; }
	grep -q "^updates/modver.ko[.a-z]*:" "$work/stage-$rel/lib/modules/$rel/modules.dep" ||
		{ why="depmod -b did not list updates/modver.ko in the staged modules.dep"; return 1; }
	vm=$(modinfo -F vermagic "$ko")
	[ "${vm%% *}" = "$rel" ] || { why="vermagic '$vm' is not for $rel"; return 1; }
	[ -z "$(module_files "$rel")" ] || { why="the system tree got a modver.ko: $(module_files "$rel")"; return 1; }
	detail="$(basename "$ko") in <stage>/lib/modules/$rel/updates, listed in modules.dep, vermagic $rel, system tree untouched"
}

# make install into the system's tree (no INSTALL_MOD_PATH), then undone.
check_make_install_system() {
	local rel=$1 b=$work/make-$1 log=make-install-system-$1.log f resolved
	requires "make-install-staged/$rel" || return 1
	(cd "$b" && run "$log" make install KDIR="/usr/src/linux-headers-$rel") ||
		{ why="make install failed (see $logs/$log)"; return 1; }
	f=$(module_files "$rel")
	[ -n "$f" ] || { why="no modver.ko* under /lib/modules/$rel/updates (see $logs/$log)"; return 1; }
	# modinfo by name goes through modules.dep.bin, which only depmod writes.
	resolved=$(modinfo -k "$rel" -n modver 2>>"$logs/$log")
	[ "$resolved" = "$f" ] || { why="modinfo -k $rel modver finds '$resolved', not $f"; return 1; }
	rm -f "$f"
	run "$log" depmod "$rel"
	if modinfo -k "$rel" -n modver >/dev/null 2>&1; then
		why="still resolvable after removing $f and depmod"
		return 1
	fi
	detail="$f, found by name through depmod's index; removed again"
}

dkms_src=$work/dkms-src
check_dkms_add() {
	requires version || return 1
	cp -a "$src" "$dkms_src"
	run dkms.log dkms add "$dkms_src" || { why="dkms add failed (see $logs/dkms.log)"; return 1; }
	dkms status -m modver -v "$version" 2>/dev/null | grep -q "^modver/$version: added" ||
		{ why="dkms status does not show modver/$version added"; return 1; }
	[ -f "/usr/src/modver-$version/dkms.conf" ] || { why="no /usr/src/modver-$version/dkms.conf"; return 1; }
	detail="modver/$version added, source in /usr/src/modver-$version"
}

# BUILD_EXCLUSIVE_CONFIG: a kernel without CONFIG_MODVERSIONS is skipped (dkms exit 77).  A tree
# whose only content is a .config is enough: dkms decides before it looks at anything else.
check_dkms_exclusive() {
	local rel fake=$work/fake-kernel rc
	requires packages dkms-add || return 1
	rel=${release[${lines[0]}]}
	mkdir -p "$fake"
	grep -v '^CONFIG_MODVERSIONS=' "/usr/src/linux-headers-$rel/.config" >"$fake/.config"
	run dkms-exclusive.log dkms build -m modver -v "$version" -k "$rel" --kernelsourcedir "$fake"
	rc=$?
	[ $rc = 77 ] || { why="dkms build without CONFIG_MODVERSIONS exited $rc, not 77 (see $logs/dkms-exclusive.log)"; return 1; }
	# The control: the same tree with the option set gets past the check (and fails on no headers).
	cp "/usr/src/linux-headers-$rel/.config" "$fake/.config"
	run dkms-exclusive.log dkms build -m modver -v "$version" -k "$rel" --kernelsourcedir "$fake"
	rc=$?
	if [ $rc = 77 ] || [ $rc = 0 ]; then
		why="the control (CONFIG_MODVERSIONS=y) exited $rc (see $logs/dkms-exclusive.log)"
		return 1
	fi
	detail="skipped (77) without CONFIG_MODVERSIONS, not skipped with it"
}

check_dkms_build() {
	local rel=$1 log=dkms-build-$1.log
	requires dkms-add || return 1
	run "$log" dkms build -m modver -v "$version" -k "$rel" ||
		{ why="dkms build failed (see $logs/$log and /var/lib/dkms/modver/$version/build/make.log)"; return 1; }
	dkms status -m modver -v "$version" -k "$rel" 2>/dev/null | grep -q ": built" ||
		{ why="dkms status does not show built for $rel"; return 1; }
	detail="modver/$version built for $rel"
}

check_dkms_install() {
	local rel=$1 log=dkms-install-$1.log f
	requires "dkms-build/$rel" || return 1
	run "$log" dkms install -m modver -v "$version" -k "$rel" ||
		{ why="dkms install failed (see $logs/$log)"; return 1; }
	dkms status -m modver -v "$version" -k "$rel" 2>/dev/null | grep -q ": installed" ||
		{ why="dkms status does not show installed for $rel"; return 1; }
	f=$(module_files "$rel")
	case $f in
	/lib/modules/"$rel"/updates/dkms/modver.ko*) ;;
	*) why="expected one modver.ko* in /lib/modules/$rel/updates/dkms, found '$f'"; return 1 ;;
	esac
	[ "$(modinfo -k "$rel" -n modver 2>/dev/null)" = "$f" ] || { why="modinfo -k $rel modver does not find $f"; return 1; }
	detail="$(dkms status -m modver -v "$version" -k "$rel" 2>/dev/null); $f"
}

# normalize KO OUT: the module without what differs between two builds of the same source in two
# directories (debug info, the build-id derived from it, BTF) or what dkms adds (its signature is
# appended after the ELF image, which objcopy does not copy); decompressed first if .xz.
normalize() {
	local in=$1
	case $in in
	*.xz) xz -dc "$in" >"$2.raw" && in=$2.raw ;;
	esac
	objcopy --strip-debug -R .BTF -R .note.gnu.build-id "$in" "$2"
}
check_dkms_vs_make() {
	local rel=$1 f made=$work/make-$1/modver.ko field a b
	requires "dkms-install/$rel" "make-install-staged/$rel" || return 1
	f=$(module_files "$rel")
	for field in parm vermagic name license description depends; do
		a=$(modinfo -F "$field" "$f")
		b=$(modinfo -F "$field" "$made")
		[ "$a" = "$b" ] || { why="modinfo $field differs: dkms '$a', make '$b'"; return 1; }
	done
	a=$(modinfo -F parm "$f" | cut -d: -f1 | sort | tr '\n' ' ')
	[ "$a" = "force_module_layout lock policy report_size rules tables " ] ||
		{ why="unexpected parameters '$a'"; return 1; }
	if ! normalize "$f" "$work/dkms-$rel.ko" || ! normalize "$made" "$work/make-$rel.ko"; then
		why="objcopy failed"
		return 1
	fi
	cmp -s "$work/dkms-$rel.ko" "$work/make-$rel.ko" ||
		{ why="code or data differ between the dkms and the make KDIR=/usr/src/linux-headers-$rel build"; return 1; }
	detail="same parameters (policy, force_module_layout), vermagic '$(modinfo -F vermagic "$f" | sed 's/ *$//')' and modinfo; sections byte-identical apart from debug info, BTF, build-id and dkms's signature"
}

check_dkms_remove() {
	requires dkms-add || return 1
	run dkms.log dkms remove "modver/$version" --all || { why="dkms remove failed (see $logs/dkms.log)"; return 1; }
	[ -z "$(dkms_versions)" ] || { why="dkms still lists modver: $(dkms_versions)"; return 1; }
	[ -z "$(module_files)" ] || { why="left behind: $(module_files)"; return 1; }
	rm -rf "/usr/src/modver-$version"
	detail="dkms status empty, no modver.ko left under /lib/modules"
}

deb_dir=$work/deb
check_deb_build() {
	local tree=$deb_dir/modver-$version log=deb-build.log debs contents c want deps
	requires version || return 1
	mkdir -p "$deb_dir"
	cp -a "$src" "$tree"
	(cd "$tree" && run "$log" dpkg-buildpackage -us -uc) ||
		{ why="dpkg-buildpackage failed (see $logs/$log)"; return 1; }
	mkdir -p "$logs/deb" && cp "$deb_dir"/*.* "$logs/deb/" 2>/dev/null
	debs=$(cd "$deb_dir" && printf '%s ' *.deb)
	[ "$debs" = "modver-dkms_${version}_all.deb " ] ||
		{ why="expected exactly modver-dkms_${version}_all.deb, got '$debs'"; return 1; }
	contents=$(dpkg-deb -c "$deb_dir/modver-dkms_${version}_all.deb" | awk '{ print $6 }')
	echo "$contents" >"$logs/deb-contents.txt"
	want="usr/src/modver-$version/dkms.conf usr/src/modver-$version/Kbuild usr/src/modver-$version/Makefile
		usr/src/modver-$version/VERSION usr/share/doc/modver-dkms/examples/modver.conf"
	for c in $(cd "$src" && ls modver_*.c include/*.h); do want="$want usr/src/modver-$version/$c"; done
	for c in $want; do
		grep -qx "\./$c" <<<"$contents" || { why="$c missing from the .deb (see $logs/deb-contents.txt)"; return 1; }
	done
	deps=$(dpkg-deb -f "$deb_dir/modver-dkms_${version}_all.deb" Depends)
	grep -q 'dkms' <<<"$deps" || { why="Depends has no dkms: $deps"; return 1; }
	detail="$(cd "$deb_dir" && printf '%s, ' *.dsc *.changes *.deb)Depends: $deps"
}

check_lintian() {
	local log=$logs/lintian.log errors warnings others
	requires deb-build || return 1
	lintian -I --pedantic --tag-display-limit 0 "$deb_dir"/*.changes >"$log" 2>&1
	errors=$(grep -c '^E: ' "$log")
	warnings=$(sed -n 's/^W: [^ ]* \([^ ]*: \)\{0,1\}\([a-z0-9-]*\).*/\2/p' "$log" | sort -u | tr '\n' ' ')
	others=$(grep -c '^[IPX]: ' "$log")
	if [ "$errors" != 0 ] || grep -q '^internal error\|^Unknown' "$log"; then
		why="$errors errors (see $log)"
		return 1
	fi
	detail="0 errors; warnings: ${warnings:-none}; $others info/pedantic/experimental tags (see $log)"
}

check_deb_install() {
	local log=deb-install.log rel l f
	requires deb-build || return 1
	DEBIAN_FRONTEND=noninteractive run "$log" apt_get install -y --no-install-recommends \
		"$deb_dir/modver-dkms_${version}_all.deb" || { why="apt-get install failed (see $logs/$log)"; return 1; }
	for l in "${lines[@]}"; do
		rel=${release[$l]}
		dkms status -m modver -v "$version" -k "$rel" 2>/dev/null | grep -q ": installed" ||
			{ why="the package's dkms did not install modver for $rel (see $logs/$log)"; return 1; }
		f=$(module_files "$rel")
		[ "$(modinfo -F vermagic "$f" 2>/dev/null | cut -d' ' -f1)" = "$rel" ] ||
			{ why="no module for $rel in /lib/modules/$rel/updates/dkms ('$f')"; return 1; }
	done
	detail="modver-dkms $version installed; dkms built and installed modver for ${release[*]}"
}

check_deb_purge() {
	local log=deb-purge.log status
	requires deb-build || return 1
	DEBIAN_FRONTEND=noninteractive run "$log" apt_get purge -y modver-dkms ||
		{ why="apt-get purge failed (see $logs/$log)"; return 1; }
	status=$(dpkg-query -W -f='${Status}' modver-dkms 2>/dev/null)
	case $status in
	'' | *not-installed) ;;
	*) why="dpkg still has modver-dkms: $status"; return 1 ;;
	esac
	[ -z "$(dkms_versions)" ] || { why="dkms still lists modver after the purge"; return 1; }
	[ ! -e "/usr/src/modver-$version" ] || { why="/usr/src/modver-$version left behind"; return 1; }
	[ -z "$(module_files)" ] || { why="left behind: $(module_files)"; return 1; }
	detail="purged; dkms status empty, /usr/src/modver-$version and every modver.ko gone"
}

# modprobe.d in a guest: the payload is what `make install` puts in a staging root for the guest's
# kernel (Debian's, fetched into .cache/ by scripts/fetch-kernel.sh), plus the kernel's own
# modules.builtin files and the example configuration.
check_modprobe_conf() {
	local line=$1 log=modprobe-qemu-$1.log envf g=$work/guest-$1 kroot v k
	requires version || return 1
	envf=$("$root/scripts/fetch-kernel.sh" "$line" amd64 2>>"$logs/$log") ||
		{ why="scripts/fetch-kernel.sh $line amd64 failed (see $logs/$log)"; return 1; }
	# The env file is the helper's interface (KREL, KDIR, VMLINUZ): read in a subshell, kept local.
	local KREL KDIR VMLINUZ
	# shellcheck disable=SC1090
	eval "$(. "$envf" && printf 'KREL=%q KDIR=%q VMLINUZ=%q' "$KREL" "$KDIR" "$VMLINUZ")"
	echo "guest kernel $KREL, headers $KDIR, image $VMLINUZ" >>"$logs/$log"
	cp -a "$src" "$g"
	(cd "$g" && run "$log" make install KDIR="$KDIR" INSTALL_MOD_PATH="$g/payload") ||
		{ why="make install for the guest failed (see $logs/$log)"; return 1; }
	kroot=${VMLINUZ%/boot/*}/lib/modules/$KREL
	for f in modules.builtin modules.builtin.modinfo; do
		[ -f "$kroot/$f" ] && cp "$kroot/$f" "$g/payload/lib/modules/$KREL/"
	done
	cp "$src/modprobe.d/modver.conf" "$g/payload/modver.conf"
	run "$log" "$root/scripts/mkinitramfs.sh" amd64 "$g/payload" "$src/tests/packaging/guest-modprobe.sh" \
		"$g/initrd.gz" || { why="scripts/mkinitramfs.sh failed (see $logs/$log)"; return 1; }
	timeout -k 10 420 "$root/qemu-test/boot.sh" amd64 "$VMLINUZ" "$g/initrd.gz" "$logs/guest-$line.log" 360
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
	detail="$KREL guest: depmod lists $(v dep | cut -d: -f1); modprobe modver gives policy warn, force_module_layout N; modprobe -r unloads; insmod (no modprobe.d) gives refuse; the commented force_module_layout=Y line, enabled, gives Y"
}

# --- the run --------------------------------------------------------------------------------------
cleanup() {
	clean_system
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

clean_system
check packages check_packages
check version check_version
for l in "${lines[@]}"; do
	rel=${release[$l]:-line-$l}
	check "make-install-staged/$rel" check_make_install_staged "$rel"
	check "make-install-system/$rel" check_make_install_system "$rel"
done
check dkms-add check_dkms_add
check dkms-build-exclusive check_dkms_exclusive
for l in "${lines[@]}"; do
	rel=${release[$l]:-line-$l}
	check "dkms-build/$rel" check_dkms_build "$rel"
	check "dkms-install/$rel" check_dkms_install "$rel"
	check "dkms-vs-make/$rel" check_dkms_vs_make "$rel"
done
check dkms-remove check_dkms_remove
check deb-build check_deb_build
check lintian check_lintian
check deb-install check_deb_install
check deb-purge check_deb_purge
for l in "${lines[@]}"; do
	check "modprobe.d-qemu/$l-$arch" check_modprobe_conf "$l"
done

note "$passed passed, $failed failed in $(($(date +%s) - start)) s (logs in $logs)"
[ "$failed" = 0 ]
