#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# tests/packaging/in-root.sh: the packaging checks that install something.  run.sh runs this
# inside a throwaway Debian 12 root (chroot, private mount, PID and network namespaces) that holds
# dkms, Debian's kernel headers and the build tools; it never runs on the host itself.
#   make install   the top-level Makefile's modules_install + depmod, into a staging root and into
#                  the root's /lib/modules, against the root's Debian headers
#   DKMS           dkms add/build/install/remove with dkms.conf, for each headers release, and the
#                  result compared with a plain `make KDIR=...` build
#   the .debs      debian/ built with dpkg-buildpackage (modver-dkms, modver-tools), lintian (no
#                  errors, no warnings), installed with apt-get (dkms builds the module), modver-dump
#                  and both manual pages used, purged
# One line per check on stdout, as run.sh prints them; exit 0 only if all passed.
#
# Environment (set by run.sh): PACKAGING_RELEASES "LINE=RELEASE ..." (the headers releases
# installed in the root, e.g. "6.1=6.1.0-57-amd64"), PACKAGING_SRC (a snapshot of the tree),
# PACKAGING_WORK (an empty scratch folder; run.sh takes the staged modules for its QEMU guests
# from there), PACKAGING_LOGS (long outputs).
set -uo pipefail

src=${PACKAGING_SRC:?}
work=${PACKAGING_WORK:?}
logs=${PACKAGING_LOGS:?}
# apt_get: apt-get that waits for the dpkg lock, with the host's options.
. "$src/scripts/lib.sh"
. "$src/tests/packaging/lib.sh"
arch=$(dpkg --print-architecture)
declare -A release # kernel line -> headers release installed in the root
lines=()
for lr in ${PACKAGING_RELEASES:?}; do
	lines+=("${lr%%=*}")
	release[${lr%%=*}]=${lr#*=}
done

# --- system state ---------------------------------------------------------------------------------
# module_files [RELEASE]: every modver.ko* under /lib/modules/*/updates (make install, dkms).
module_files() {
	find /lib/modules/"${1:-*}"/updates -name 'modver.ko*' 2>/dev/null | sort
}
# dkms_versions: the modver versions dkms knows about.
dkms_versions() {
	dkms status -m modver 2>/dev/null | sed -n 's|^modver/\([^,:]*\)[,:].*|\1|p' | sort -u
}
# --- the checks ---------------------------------------------------------------------------------
check_version() {
	local from_dkms name_dkms from_deb
	version=$(cat "$src/VERSION")
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
	requires version || return 1
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
	detail="$(basename "$ko") in <stage>/lib/modules/$rel/updates, listed in modules.dep, vermagic $rel, the root's own tree untouched"
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
	requires dkms-add || return 1
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
# deb_has DEB PATH...: each PATH (without the leading ./) is in DEB; else $why names the first missing.
deb_has() {
	local deb=$1 contents c
	shift
	contents=$(dpkg-deb -c "$deb_dir/$deb" | awk '{ print $6 }')
	echo "$contents" >"$logs/contents-${deb%%_*}.txt"
	for c in "$@"; do
		grep -qx "\./$c" <<<"$contents" ||
			{ why="$c missing from $deb (see $logs/contents-${deb%%_*}.txt)"; return 1; }
	done
}
check_deb_build() {
	local tree=$deb_dir/modver-$version log=deb-build.log debs want c deps tools
	requires version || return 1
	mkdir -p "$deb_dir"
	cp -a "$src" "$tree"
	(cd "$tree" && run "$log" dpkg-buildpackage -us -uc) ||
		{ why="dpkg-buildpackage failed (see $logs/$log)"; return 1; }
	mkdir -p "$logs/deb" && cp "$deb_dir"/*.* "$logs/deb/" 2>/dev/null
	# debhelper adds the detached debug symbols of modver-dump as a package of their own.
	debs=$(cd "$deb_dir" && printf '%s ' *.deb)
	want="modver-dkms_${version}_all.deb modver-tools-dbgsym_${version}_$arch.deb modver-tools_${version}_$arch.deb "
	[ "$debs" = "$want" ] || { why="expected exactly '$want', got '$debs'"; return 1; }
	want="usr/src/modver-$version/dkms.conf usr/src/modver-$version/Kbuild usr/src/modver-$version/Makefile
		usr/src/modver-$version/VERSION usr/share/doc/modver-dkms/examples/modver.conf
		usr/share/man/man4/modver.4.gz"
	for c in $(cd "$src" && ls modver_*.c include/*.h core/*.[ch]); do want="$want usr/src/modver-$version/$c"; done
	# shellcheck disable=SC2086
	deb_has "modver-dkms_${version}_all.deb" $want || return 1
	deb_has "modver-tools_${version}_$arch.deb" usr/bin/modver-dump usr/share/man/man1/modver-dump.1.gz ||
		return 1
	deps=$(dpkg-deb -f "$deb_dir/modver-dkms_${version}_all.deb" Depends)
	grep -q 'dkms' <<<"$deps" || { why="modver-dkms Depends has no dkms: $deps"; return 1; }
	tools=$(dpkg-deb -f "$deb_dir/modver-tools_${version}_$arch.deb" Depends)
	grep -q 'liblzma5' <<<"$tools" && grep -q 'libzstd1' <<<"$tools" ||
		{ why="modver-tools Depends lacks liblzma5 or libzstd1: $tools"; return 1; }
	detail="$(cd "$deb_dir" && printf '%s, ' *.dsc *.changes *.deb)modver-dkms Depends: $deps; modver-tools Depends: $tools"
}

# No errors and no warnings; info, pedantic and experimental tags are listed in the log only.
check_lintian() {
	local log=$logs/lintian.log errors warnings others
	requires deb-build || return 1
	lintian -I --pedantic --tag-display-limit 0 "$deb_dir"/*.changes >"$log" 2>&1
	errors=$(grep -c '^E: ' "$log")
	warnings=$(sed -n 's/^W: [^ ]* \([^ ]*: \)\{0,1\}\([a-z0-9-]*\).*/\2/p' "$log" | sort -u | tr '\n' ' ')
	others=$(grep -c '^[IPX]: ' "$log")
	if [ "$errors" != 0 ] || [ -n "$warnings" ] || grep -q '^internal error\|^Unknown' "$log"; then
		why="$errors errors, warnings: ${warnings:-none} (see $log)"
		return 1
	fi
	detail="0 errors, 0 warnings; $others info/pedantic/experimental tags (see $log)"
}

check_deb_install() {
	local log=deb-install.log rel l f
	requires deb-build || return 1
	DEBIAN_FRONTEND=noninteractive run "$log" apt_get install -y --no-install-recommends \
		"$deb_dir/modver-dkms_${version}_all.deb" "$deb_dir/modver-tools_${version}_$arch.deb" ||
		{ why="apt-get install failed (see $logs/$log)"; return 1; }
	for l in "${lines[@]}"; do
		rel=${release[$l]}
		dkms status -m modver -v "$version" -k "$rel" 2>/dev/null | grep -q ": installed" ||
			{ why="the package's dkms did not install modver for $rel (see $logs/$log)"; return 1; }
		f=$(module_files "$rel")
		[ "$(modinfo -F vermagic "$f" 2>/dev/null | cut -d' ' -f1)" = "$rel" ] ||
			{ why="no module for $rel in /lib/modules/$rel/updates/dkms ('$f')"; return 1; }
	done
	[ -x /usr/bin/modver-dump ] || { why="modver-tools installed no /usr/bin/modver-dump"; return 1; }
	detail="modver-dkms and modver-tools $version installed; dkms built and installed modver for ${release[*]}"
}

# The installed modver-dump, on the module the package's dkms built, against the same headers'
# Module.symvers: every symbol matches, so it would load.
check_tools() {
	local log=$logs/modver-dump.log rel l f out rc
	requires deb-install || return 1
	for l in "${lines[@]}"; do
		rel=${release[$l]}
		f=$(module_files "$rel")
		out=$(modver-dump --symvers "/usr/src/linux-headers-$rel/Module.symvers" "$f" 2>&1)
		rc=$?
		printf '+ modver-dump ... %s\n%s\nexit %s\n' "$f" "$out" "$rc" >>"$log"
		[ $rc = 0 ] && grep -q '^decision: would load$' <<<"$out" ||
			{ why="modver-dump on $f exited $rc (see $log)"; return 1; }
	done
	detail="/usr/bin/modver-dump --symvers <headers>/Module.symvers on the dkms-built modver.ko* of ${release[*]}: would load"
}

# man PAGE: the page as man-db renders it for a reader (no pager, fixed width), warnings included.
man_render() {
	MANPAGER=cat MANWIDTH=80 man --warnings "$@" 2>&1
}
check_man() {
	local out
	requires deb-install || return 1
	out=$(man_render modver-dump)
	echo "$out" >"$logs/man-modver-dump.txt"
	grep -Eq '^ +modver-dump +- ' <<<"$out" && grep -q -- '--live' <<<"$out" ||
		{ why="man modver-dump does not render the page (see $logs/man-modver-dump.txt)"; return 1; }
	out=$(man_render 4 modver)
	echo "$out" >"$logs/man-modver.txt"
	grep -Eq '^ +modver +- ' <<<"$out" && grep -q 'modver_verdict' <<<"$out" ||
		{ why="man 4 modver does not render the page (see $logs/man-modver.txt)"; return 1; }
	if grep -q '^<standard input>:\|troff:' "$logs/man-modver-dump.txt" "$logs/man-modver.txt"; then
		why="groff warnings (see $logs/man-modver-dump.txt, $logs/man-modver.txt)"
		return 1
	fi
	detail="man modver-dump ($(wc -l <"$logs/man-modver-dump.txt") lines) and man 4 modver ($(wc -l <"$logs/man-modver.txt") lines) render without groff warnings"
}

check_deb_purge() {
	local log=deb-purge.log status p
	requires deb-install || return 1
	DEBIAN_FRONTEND=noninteractive run "$log" apt_get purge -y modver-dkms modver-tools ||
		{ why="apt-get purge failed (see $logs/$log)"; return 1; }
	for p in modver-dkms modver-tools; do
		status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null)
		case $status in
		'' | *not-installed) ;;
		*) why="dpkg still has $p: $status"; return 1 ;;
		esac
	done
	[ -z "$(dkms_versions)" ] || { why="dkms still lists modver after the purge"; return 1; }
	[ ! -e "/usr/src/modver-$version" ] || { why="/usr/src/modver-$version left behind"; return 1; }
	[ -z "$(module_files)" ] || { why="left behind: $(module_files)"; return 1; }
	[ ! -e /usr/bin/modver-dump ] || { why="/usr/bin/modver-dump left behind"; return 1; }
	detail="purged; dkms status empty, /usr/src/modver-$version, every modver.ko and modver-dump gone"
}

# --- the run --------------------------------------------------------------------------------------
check version check_version
for l in "${lines[@]}"; do
	rel=${release[$l]}
	check "make-install-staged/$rel" check_make_install_staged "$rel"
	check "make-install-system/$rel" check_make_install_system "$rel"
done
check dkms-add check_dkms_add
check dkms-build-exclusive check_dkms_exclusive
for l in "${lines[@]}"; do
	rel=${release[$l]}
	check "dkms-build/$rel" check_dkms_build "$rel"
	check "dkms-install/$rel" check_dkms_install "$rel"
	check "dkms-vs-make/$rel" check_dkms_vs_make "$rel"
done
check dkms-remove check_dkms_remove
check deb-build check_deb_build
check lintian check_lintian
check deb-install check_deb_install
check modver-tools check_tools
check man-pages check_man
check deb-purge check_deb_purge
# run.sh knows from this line that no check was lost to a crash.
echo @@DONE
[ "$failed" = 0 ]
