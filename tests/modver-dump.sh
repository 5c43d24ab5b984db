#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# tests/modver-dump.sh MODVER_DUMP EXPECT_ENV LABEL: modver-dump on one kernel's fixtures (build.sh's
# expect.env says where they are): compressed modules, JSON, the extended tables, exit codes.
# Its agreement with modver.ko's verdicts is judged from the QEMU run (judge.sh).
set -uo pipefail

dump=${1:?usage: modver-dump.sh MODVER_DUMP EXPECT_ENV LABEL}
. "${2:?usage: modver-dump.sh MODVER_DUMP EXPECT_ENV LABEL}"
label=${3:?usage: modver-dump.sh MODVER_DUMP EXPECT_ENV LABEL}
# The kernel under test: its table format and release decide the table read and the image rules.
kernel=(--kernel-format "$TABLE_KIND" --kernel-release "$KREL")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

result() {	# NAME OK DETAIL
	if [ "$2" = 1 ]; then echo "PASS $label modver-dump/$1 ($3)"; else echo "FAIL $label modver-dump/$1: $3"; fi
}

# .ko.xz and .ko.zst read like the plain .ko (kmod's own compressions, by content).
cp "$PAYLOAD/mv_altered.ko" "$tmp/m.ko"
xz -k -c "$tmp/m.ko" >"$tmp/m.ko.xz"
zstd -q -c "$tmp/m.ko" >"$tmp/m.ko.zst"
plain=$("$dump" "${kernel[@]}" --symvers "$KSYMVERS" "$tmp/m.ko" | grep -v '^module:')
ok=1
for c in xz zst; do
	[ "$("$dump" "${kernel[@]}" --symvers "$KSYMVERS" "$tmp/m.ko.$c" | grep -v '^module:')" = "$plain" ] || ok=0
done
grep -q "log: mv_altered: _printk: mismatch, module crc $ALTERED_CRC, kernel crc $KCRC_PRINTK: refused (policy refuse)" <<<"$plain" || ok=0
result compressed $ok ".ko, .ko.xz and .ko.zst give the same verdicts"

# JSON: parseable, with both tables, the verdicts and the decision (for a kernel that reads the
# extended table, whichever kernel this is).
json=$("$dump" "${kernel[@]}" --kernel-format extended --json --symvers "$KSYMVERS" --policy warn \
	"$PAYLOAD/mv_ext_contra.ko")
rc=$?
ok=0
if jq -e --arg crc "$EXT_CONTRA_CRC" '
	.module == "mv_ext_contra" and .in_use == "extended" and
	(.basic.entries | length) == (.extended.entries | length) and
	([.verdicts[] | select(.outcome == "mismatch" and .symbol == "_printk" and .module_crc == $crc)] | length) == 1 and
	.would_load == true and .decision == "admitted, tainted F"' <<<"$json" >/dev/null && [ $rc -eq 0 ]; then
	ok=1
fi
result json $ok "extended table in use, the contradicting _printk CRC, admitted under warn"

# Exit codes: 1 would be refused, 2 errors.
"$dump" "${kernel[@]}" --symvers "$KSYMVERS" "$PAYLOAD/mv_missing.ko" >/dev/null
r1=$?
"$dump" "${kernel[@]}" --symvers "$KSYMVERS" "$PAYLOAD/mv_missing.ko" --policy log >/dev/null
r0=$?
head -c 100 /dev/urandom >"$tmp/garbage.ko"
"$dump" "$tmp/garbage.ko" >/dev/null 2>&1
r2=$?
"$dump" "$tmp/absent.ko" >/dev/null 2>&1
r2b=$?
"$dump" --policy lenient "$PAYLOAD/mv_clean.ko" >/dev/null 2>&1
r2c=$?
ok=0
[ "$r1 $r0 $r2 $r2b $r2c" = "1 0 2 2 2" ] && ok=1
result exit-codes $ok "refused 1, admitted 0, garbage/absent file/bad policy 2 (got $r1 $r0 $r2 $r2b $r2c)"

# The tables as text: every entry of both formats, with its CRC.
text=$("$dump" "$PAYLOAD/mv_ext_contra.ko")
ok=0
grep -q "^basic table: " <<<"$text" && grep -q "^extended table: " <<<"$text" &&
	grep -q "^  $EXT_CONTRA_CRC  _printk$" <<<"$text" && grep -q "^  $KCRC_PRINTK  _printk$" <<<"$text" && ok=1
result tables $ok "basic and extended tables listed with their CRCs"
