#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# fetch-checkpatch.sh: the kernel's scripts/checkpatch.pl (and the data files it reads), taken from
# Debian's linux-source-6.12 package into the cache.  Prints the path of checkpatch.pl.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

dir=$MODVER_CACHE/checkpatch
if [ ! -f "$dir/scripts/checkpatch.pl" ]; then
	need_packages perl xz-utils
	mkdir -p "$MODVER_CACHE/debs" "$dir"
	if ! ls "$MODVER_CACHE"/debs/linux-source-6.12_*.deb >/dev/null 2>&1; then
		(cd "$MODVER_CACHE/debs" && timed "downloading linux-source-6.12 (for checkpatch.pl)" \
			apt-get download -q -o APT::Sandbox::User=root linux-source-6.12 >/dev/null) ||
			die "apt-get download linux-source-6.12 failed"
	fi
	deb=$(ls "$MODVER_CACHE"/debs/linux-source-6.12_*.deb | tail -n 1)
	extract() {
		dpkg-deb --fsys-tarfile "$deb" | tar -xO ./usr/src/linux-source-6.12.tar.xz |
			tar -xJ -C "$dir" --strip-components=1 --wildcards \
				'*/scripts/checkpatch.pl' '*/scripts/spelling.txt' '*/scripts/const_structs.checkpatch'
	}
	timed "extracting checkpatch.pl" extract || die "cannot extract checkpatch.pl"
fi
echo "$dir/scripts/checkpatch.pl"
