#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# stamp.sh MODVER_DUMP: `modver-dump --stamp` on real modules of Debian's current 6.12 amd64
# kernel (scripts/fetch-kernel.sh's cache), stamped from that kernel's headers (BTF-only vmlinux):
#   - a signed module (as Debian ships it) is refused, and left as it was;
#   - the module with its signature cut off is stamped; tests/stamp_check then checks that
#     nothing the kernel reads changed (every old section's header, index and contents, the ELF
#     header but for the section table's place and count) and that the one section added is a
#     non-ALLOC PROGBITS .modver_stamp;
#   - round trip: --show-stamp (mv_stamp_open) lists exactly the module's imports (its __versions
#     entries and undefined symbols) and the build release; --explain with the stamp as the old
#     side and the same kernel as the new finds no change (exit 0);
#   - a second stamp is refused; `make stamp` (the top-level Makefile) stamps a copy the same way.
# One "PASS|FAIL host stamp/..." line per check, with the stamping wall time.
set -euo pipefail
. "$(dirname "$0")/../scripts/lib.sh"

dump=${1:?usage: stamp.sh MODVER_DUMP}
need_packages xz-utils binutils jq make gcc
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
result() {	# NAME OK DETAIL
	if [ "$2" = 1 ]; then echo "PASS host stamp/$1 ($3)"; else echo "FAIL host stamp/$1: $3"; fi
}

if ! make -s -C "$MODVER_ROOT/tests" stamp_check >"$work/build.log" 2>&1; then
	result build 0 "tests/stamp_check does not build: $(head -n 3 "$work/build.log" | tr '\n' ' ')"
	exit 0
fi
check=$MODVER_ROOT/tests/stamp_check
if ! envfile=$(bash "$MODVER_ROOT/scripts/fetch-kernel.sh" 6.12 amd64 | tail -n 1); then
	result fetch 0 "cannot fetch Debian's 6.12 amd64 kernel"
	exit 0
fi
# shellcheck source=/dev/null
. "$envfile"
moddir=$(dirname "$KDIR")/../../lib/modules/$KREL/kernel
moddir=$(cd "$moddir" && pwd)

# unsign IN OUT: the module without its appended signature (struct module_signature: sig_len is
# the big-endian u32 just before the 28-byte marker).
unsign() {
	local len siglen
	len=$(stat -c %s "$1")
	siglen=$(tail -c 32 "$1" | head -c 4 | od -An -tu1 | awk '{ print $1 * 16777216 + $2 * 65536 + $3 * 256 + $4 }')
	head -c $((len - 28 - 12 - siglen)) "$1" >"$2"
}

n=0
for rel in fs/fat/vfat.ko.xz net/ipv4/ip_gre.ko.xz drivers/net/virtio_net.ko.xz; do
	[ -f "$moddir/$rel" ] || continue
	m=$(basename "$rel" .ko.xz)
	n=$((n + 1))
	xz -dc "$moddir/$rel" >"$work/$m.signed.ko"
	cp "$work/$m.signed.ko" "$work/$m.orig.ko"

	# Signed: refused, unchanged.
	rc=0
	msg=$("$dump" --stamp --btf "$KDIR" "$work/$m.signed.ko" 2>&1) || rc=$?
	ok=0
	[ $rc = 2 ] && grep -q 'already signed: stamping must come before signing' <<<"$msg" &&
		cmp -s "$work/$m.signed.ko" "$work/$m.orig.ko" && ok=1
	result "$m/signed-refused" $ok "exit $rc: ${msg#modver-dump: }"

	# Unsigned: stamped; nothing the kernel reads changed.
	unsign "$work/$m.signed.ko" "$work/$m.ko"
	start=$(date +%s.%N)
	rc=0
	msg=$("$dump" --stamp --btf "$KDIR" --output "$work/$m.stamped.ko" "$work/$m.ko" 2>&1) || rc=$?
	secs=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }')
	if [ $rc != 0 ]; then
		result "$m/stamped" 0 "exit $rc: $msg"
		continue
	fi
	out=$("$check" "$work/$m.ko" "$work/$m.stamped.ko") && ok=1 || ok=0
	result "$m/unchanged" $ok "$out; stamped in $secs s: $msg"

	# Round trip: the stamp's records are the imports, in order, from the build release.
	{
		"$dump" --json "$work/$m.ko" | jq -r '.basic.entries[].symbol'
		nm -u "$work/$m.ko" | awk '{ print $2 }'
	} | LC_ALL=C sort -u >"$work/$m.imports"
	"$dump" --show-stamp --json "$work/$m.stamped.ko" >"$work/$m.stamp.json"
	jq -r '.symbols[].symbol' "$work/$m.stamp.json" | LC_ALL=C sort >"$work/$m.stamped"
	ok=0
	cmp -s "$work/$m.imports" "$work/$m.stamped" &&
		[ "$(jq -r .release "$work/$m.stamp.json")" = "$KREL" ] && ok=1
	result "$m/round-trip" $ok "$(wc -l <"$work/$m.stamped") records = the imports, release $(jq -r .release "$work/$m.stamp.json"), $(jq '[.symbols[] | select(.type_id == 0)] | length' "$work/$m.stamp.json") without BTF"
	rc=0
	text=$("$dump" --explain - "$KDIR" "$work/$m.stamped.ko" 2>&1) || rc=$?
	ok=0
	[ $rc = 0 ] && grep -q '^summary: [0-9]* imports compared, 0 CRC changed, 0 fingerprint changed, 0 listed' <<<"$text" && ok=1
	result "$m/explain-same-kernel" $ok "exit $rc: $(grep '^summary' <<<"$text")"

	# Twice: refused.
	rc=0
	msg=$("$dump" --stamp --btf "$KDIR" "$work/$m.stamped.ko" 2>&1) || rc=$?
	ok=0
	[ $rc = 2 ] && grep -q 'already has a .modver_stamp section' <<<"$msg" && ok=1
	result "$m/twice-refused" $ok "exit $rc"
done
[ $n -gt 0 ] || result modules 0 "none of the chosen modules in $moddir"

# The make target any out-of-tree module can use.
m=vfat
if [ -f "$work/$m.ko" ]; then
	cp "$work/$m.ko" "$work/make-$m.ko"
	rc=0
	msg=$(make -s -C "$MODVER_ROOT" stamp KDIR="$KDIR" MODVER_DUMP="$dump" \
		MODULES="$work/make-$m.ko" 2>&1) || rc=$?
	ok=0
	[ $rc = 0 ] && "$check" "$work/$m.ko" "$work/make-$m.ko" >/dev/null &&
		cmp -s "$work/make-$m.ko" "$work/$m.stamped.ko" && ok=1
	result make-stamp $ok "make -C <modver> stamp KDIR=... MODULES=...: exit $rc, identical to --stamp's output"
fi
