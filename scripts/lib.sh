# SPDX-License-Identifier: GPL-2.0
# Shared shell helpers for modver's scripts: logging with elapsed time, the cache location, and
# installing host packages on demand.  Sourced, never run.

MODVER_ROOT=${MODVER_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
MODVER_CACHE=${MODVER_CACHE:-$MODVER_ROOT/.cache}

say() { printf '[modver %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { say "error: $*"; exit 2; }

# timed DESCRIPTION CMD...: run CMD, report how long it took (long steps must show progress).
timed() {
	local what=$1 start rc
	shift
	start=$(date +%s)
	say "$what ..."
	"$@"
	rc=$?
	say "$what: $( ((rc == 0)) && echo done || echo "FAILED (exit $rc)") in $(($(date +%s) - start)) s"
	return $rc
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
		timed "apt-get update" apt-get update -q >/dev/null || die "apt-get update failed"
		apt_updated=1
	fi
	timed "installing ${missing[*]}" env DEBIAN_FRONTEND=noninteractive \
		apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null ||
		die "apt-get install ${missing[*]} failed"
}

# apt_ready: make sure the package lists exist before apt-cache look-ups.
apt_ready() {
	if [ -z "$apt_updated" ] && ! ls /var/lib/apt/lists/*_Packages* >/dev/null 2>&1; then
		timed "apt-get update" apt-get update -q >/dev/null || die "apt-get update failed"
		apt_updated=1
	fi
}
