#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# btf-real.sh "LINES" "ARCHES": check Debian's real kernels' BTF against modver's mirrors of the
# loader's private structs (struct load_info, struct find_symbol_arg), with the reader and checks
# modver.ko runs at init (tests/btf_layout.c).  For each kernel line (6.1, 6.12) and architecture
# (amd64, arm64), default all: the BTF is the .BTF section of the BTF-only vmlinux that 6.12+
# headers ship (objcopy), or, for 6.1, whose headers have none, the blob inside the image
# (arm64's vmlinuz is a plain Image; amd64's bzImage is decompressed first, as extract-vmlinux
# does).  Prints one "PASS|FAIL host btf LINE/ARCH: ..." line per kernel; exits 1 on any FAIL.  Where
# the headers ship a vmlinux (6.12+), also one "host btf-closure" line: tests/btf_closure_real on
# every vmlinux export (closure_check below).
set -uo pipefail
. "$(dirname "$0")/../scripts/lib.sh"

read -ra lines <<<"${1:-6.1 6.12}"
read -ra arches <<<"${2:-amd64 arm64}"
need_packages gcc make binutils xz-utils gzip zstd libc6-dev linux-libc-dev
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
tool=$MODVER_ROOT/tests/btf_layout
if ! make -s -C "$MODVER_ROOT/tests" btf_layout >"$work/build.log" 2>&1; then
	echo "FAIL host btf: btf_layout does not build: $(head -n 3 "$work/build.log" | tr '\n' ' ')"
	exit 1
fi

# decompress_image VMLINUZ OUT: the first payload in VMLINUZ that xz, zstd or gzip unpacks.
decompress_image() {
	local img=$1 out=$2 magic tool off
	for magic in '\xfd7zXZ\x00:xz' '\x28\xb5\x2f\xfd:zstd' '\x1f\x8b\x08:gzip'; do
		tool=${magic##*:}
		for off in $(LC_ALL=C grep -obUaP "${magic%:*}" "$img" | cut -d: -f1 | head -n 4); do
			tail -c +$((off + 1)) "$img" | "$tool" -dc >"$out" 2>/dev/null
			[ -s "$out" ] && return 0
		done
	done
	return 1
}

# closure_check BLOB SYMVERS LABEL: the closure core on a real kernel (tests/btf_closure_real):
# every vmlinux export fingerprinted, diffed against the same BTF (must find nothing), stamped
# and the stamp opened (every fingerprint recomputed) and diffed (must find nothing); with the
# timings.  Where the closure tool does not build, the mirror check still runs.
closure_check() {
	local out
	[ -x "$MODVER_ROOT/tests/btf_closure_real" ] || return 0
	if out=$("$MODVER_ROOT/tests/btf_closure_real" "$1" "$1" "$2" 2>&1); then
		echo "PASS host btf-closure $3: $(grep -E '^(fingerprint|diff|stamp of)' <<<"$out" |
			sed 's/ (fingerprints included)//' | tr '\n' ';' | sed 's/;$//')"
	else
		echo "FAIL host btf-closure $3: $(tr '\n' ' ' <<<"$out" | cut -c1-400)"
		return 1
	fi
}

make -s -C "$MODVER_ROOT/tests" btf_closure_real >>"$work/build.log" 2>&1

rc=0
for line in "${lines[@]}"; do
	for arch in "${arches[@]}"; do
		label=$line/$arch
		if ! envfile=$(bash "$MODVER_ROOT/scripts/fetch-kernel.sh" "$line" "$arch" | tail -n 1); then
			echo "FAIL host btf $label: cannot fetch the kernel"
			rc=1
			continue
		fi
		(
			. "$envfile"
			blob=$work/$line-$arch.btf
			if [ -f "$KDIR/vmlinux" ]; then
				# Generic ELF: the host's objcopy reads arm64's vmlinux too.
				if objcopy -I elf64-little -O binary --only-section=.BTF "$KDIR/vmlinux" \
					"$blob"; then
					closure_check "$blob" "$KDIR/Module.symvers" "$label ($KREL)"
					exec "$tool" "$blob" "$label (.BTF of $KREL headers' vmlinux)"
				fi
				echo "FAIL host btf $label: no .BTF section in $KDIR/vmlinux"
				exit 1
			fi
			image=$VMLINUZ
			if [ "$arch" = amd64 ]; then
				image=$work/$line-$arch.vmlinux
				decompress_image "$VMLINUZ" "$image" ||
					{ echo "FAIL host btf $label: cannot decompress $VMLINUZ"; exit 1; }
			fi
			exec "$tool" --scan "$image" "$label (BTF in $KREL's image)"
		) || rc=1
	done
done
exit $rc
