# SPDX-License-Identifier: GPL-2.0
# Shared shell helpers for modver's scripts: logging with elapsed time, the cache location, and
# installing host packages on demand.  Sourced, never run.

MODVER_ROOT=${MODVER_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
# Downloads, unpacked kernels and build outputs.  Outside the source tree on purpose: Kbuild's
# `make -C KDIR M=<tree> clean` deletes every *.ko below M, downloaded kernels' modules included.
MODVER_CACHE=${MODVER_CACHE:-/var/cache/modver}

say() { printf '[modver %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { say "error: $*"; exit 2; }

# timed DESCRIPTION CMD...: run CMD, report how long it took (long steps must show progress).
timed() {
	local what=$1 start rc depth=${MODVER_PHASE_DEPTH:-0}
	shift
	start=$(date +%s)
	say "$what ..."
	export MODVER_PHASE_DEPTH=$((depth + 1))
	"$@"
	rc=$?
	export MODVER_PHASE_DEPTH=$depth
	say "$what: $( ((rc == 0)) && echo done || echo "FAILED (exit $rc)") in $(($(date +%s) - start)) s"
	# Outermost phases only, for phase_report.
	[ "$depth" = 0 ] && [ -n "${MODVER_PHASES:-}" ] &&
		printf '%6d s  %-6s  %s\n' $(($(date +%s) - start)) \
			"$( ((rc == 0)) && echo ok || echo FAILED)" "$what" >>"$MODVER_PHASES"
	return $rc
}

# phase_start: record every outermost timed phase from here on (children inherit the file).
phase_start() {
	MODVER_PHASES=$(mktemp)
	export MODVER_PHASES
}

# phase_report TOTAL_START: how long each phase took, in the order they finished, and the total.
phase_report() {
	[ -n "${MODVER_PHASES:-}" ] || return 0
	echo "phases (wall time, in the order they finished; some ran side by side):"
	cat "$MODVER_PHASES"
	printf '%6d s  total\n' $(($(date +%s) - $1))
	rm -f "$MODVER_PHASES"
}

# apt_get ARGS...: apt-get that waits for another apt or dpkg (unattended-upgrades, a second
# job) to release its locks instead of failing: up to MODVER_APT_LOCK_WAIT seconds (default 900),
# saying once who holds the lock.
apt_get() {
	local holder=
	command -v fuser >/dev/null && holder=$(fuser /var/lib/dpkg/lock-frontend /var/lib/dpkg/lock /var/lib/apt/lists/lock \
		2>/dev/null | tr -s ' ' | sed 's/^ //')
	[ -n "$holder" ] && say "waiting for the apt/dpkg lock (held by pid $holder; up to ${MODVER_APT_LOCK_WAIT:-900} s)"
	apt-get -o DPkg::Lock::Timeout="${MODVER_APT_LOCK_WAIT:-900}" "$@"
}

apt_updated=
# need_packages PKG...: apt-get install whatever is not installed yet (root, fresh Debian 12).
need_packages() {
	local missing=() p
	for p in "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
	done
	((${#missing[@]})) || return 0
	if [ -z "$apt_updated" ]; then
		timed "apt-get update" apt_get update -q >/dev/null || die "apt-get update failed"
		apt_updated=1
	fi
	DEBIAN_FRONTEND=noninteractive timed "installing ${missing[*]}" \
		apt_get install -y -q --no-install-recommends "${missing[@]}" >/dev/null ||
		die "apt-get install ${missing[*]} failed"
}

# apt_ready: make sure the package lists exist before apt-cache look-ups.
apt_ready() {
	if [ -z "$apt_updated" ] && ! ls /var/lib/apt/lists/*_Packages* >/dev/null 2>&1; then
		timed "apt-get update" apt_get update -q >/dev/null || die "apt-get update failed"
		apt_updated=1
	fi
}

HOST_DEB_ARCH=$(dpkg --print-architecture)

# apt_for ARCH apt-get|apt-cache ARGS...: run apt for Debian architecture ARCH.  For a foreign
# architecture the package lists live in the cache (fetched by the first call), so arm64 packages
# can be looked up and downloaded without adding an architecture to the system's dpkg or apt.
apt_for() {
	local arch=$1 cmd=$2 d
	shift 2
	if [ "$arch" = "$HOST_DEB_ARCH" ]; then
		apt_ready
		"$cmd" -o APT::Sandbox::User=root "$@"
		return
	fi
	d=$MODVER_CACHE/apt-$arch
	local opts=(-o APT::Architecture="$arch" -o APT::Architectures::="$arch"
		-o Dir::State::Lists="$d/lists" -o Dir::Cache="$d/cache"
		-o Dir::State::status="$d/status" -o APT::Sandbox::User=root)
	if [ ! -f "$d/updated" ] || [ -n "$(find "$d/updated" -mmin +720)" ]; then
		mkdir -p "$d/lists/partial" "$d/cache/archives/partial"
		touch "$d/status"
		timed "apt-get update for $arch" apt-get "${opts[@]}" update -q >/dev/null &&
			touch "$d/updated"
	fi
	"$cmd" "${opts[@]}" "$@"
}

# fetch_debs ARCH PKG...: download packages of ARCH into the cache (once); prints each .deb's path.
fetch_debs() {
	local arch=$1 p deb
	shift
	mkdir -p "$MODVER_CACHE/debs"
	for p in "$@"; do
		deb=$(ls "$MODVER_CACHE/debs/${p}_"*"_${arch}.deb" "$MODVER_CACHE/debs/${p}_"*_all.deb \
			2>/dev/null | tail -n 1)
		if [ -z "$deb" ]; then
			(cd "$MODVER_CACHE/debs" && timed "downloading $p ($arch)" \
				apt_for "$arch" apt-get download -q "$p" >/dev/null) ||
				die "apt-get download $p:$arch failed"
			deb=$(ls "$MODVER_CACHE/debs/${p}_"*"_${arch}.deb" \
				"$MODVER_CACHE/debs/${p}_"*_all.deb 2>/dev/null | tail -n 1)
		fi
		[ -n "$deb" ] || die "no .deb for $p ($arch) after download"
		echo "$deb"
	done
}
