#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# btf-pairs.sh MODVER_DUMP: `modver-dump --explain` on real pairs of Debian kernel ABIs of the same
# line (issue 14, item 5), amd64, resolved at run time from the package archive (old ABIs vanish
# over time) and downloaded into $MODVER_CACHE/debs (never installed):
#   6.12: the oldest and newest linux-headers-6.12.N+deb12-amd64 (BTF-only vmlinux and
#         Module.symvers, both in the headers package);
#   6.1:  the oldest and newest linux-headers-6.1.0-N-amd64 (Module.symvers) with their
#         linux-image-6.1.0-N-amd64-unsigned (BTF in the compressed vmlinuz).
# For each pair, every vmlinux export is compared (--json) and two numbers are printed:
#   coverage: of the exports whose CRC changed and that have BTF on both sides, the fraction
#     with at least one root change (must be >= 99%; every unexplained one is listed by category
#     in $MODVER_CACHE/btf-pairs/<pair>.unexplained);
#   the confusion matrix CRC changed/unchanged x fingerprint changed/unchanged.
# Then, per pair, the text output of --symbol for one explained export, and the pair's images
# alone (no CRCs: "types only").  One "PASS|FAIL host btf-pairs/..." line per check, with the
# wall time of each whole-kernel --explain.
set -euo pipefail
. "$(dirname "$0")/../scripts/lib.sh"

dump=${1:?usage: btf-pairs.sh MODVER_DUMP}
out=$MODVER_CACHE/btf-pairs
mkdir -p "$out"

# oldest_newest REGEX: the oldest and newest package names matching REGEX, by version.
oldest_newest() {
	apt_for amd64 apt-cache search --names-only "$1" | awk '{ print $1 }' | sort -V |
		sed -n '1p;$p'
}

# explain_pair NAME OLD NEW: the whole-kernel --explain, judged.
explain_pair() {
	local name=$1 old=$2 new=$3 json=$out/$1.json secs rc=0 line TIMEFORMAT='%R %U %S'
	# Wall time, and CPU time (user + system): the suite runs this beside QEMU guests.
	{ time timeout 900 nice -n 10 "$dump" --explain --json "$old" "$new" >"$json" \
		2>"$out/$name.err"; } 2>"$out/$name.time" || rc=$?
	secs=$(awk '{ printf "%.1f s wall, %.1f s CPU", $1, $2 + $3 }' "$out/$name.time")
	if [ $rc -gt 1 ] || ! jq -e .summary "$json" >/dev/null 2>&1; then
		echo "FAIL host btf-pairs/$name: modver-dump --explain exited $rc ($secs): $(head -c 300 "$out/$name.err")"
		return
	fi
	jq -r '[.symbols[] | select(.crc_changed and .btf == "both" and (.explained | not))] |
		.[] | "\(.symbol)\t\(.category)"' "$json" >"$out/$name.unexplained"
	line=$(jq -r --arg secs "$secs" '.summary as $s |
		($s.crc_changed_with_btf_explained / ([$s.crc_changed_with_btf, 1] | max) * 100) as $cov |
		"\(if $cov >= 99 then "PASS" else "FAIL" end) host btf-pairs/'"$name"': coverage " +
		"\($s.crc_changed_with_btf_explained)/\($s.crc_changed_with_btf) " +
		"(\($cov * 100 | floor / 100)%) of CRC changes with BTF on both sides have a root change; " +
		"matrix [CRC changed: fp changed \($s.matrix.crc_changed_fp_changed), fp same " +
		"\($s.matrix.crc_changed_fp_same); CRC same: fp changed " +
		"\($s.matrix.crc_same_fp_changed), fp same \($s.matrix.crc_same_fp_same)]; " +
		"\($s.compared) exports, \($s.root_changes) distinct root changes, " +
		"unexplained: \($s.unexplained) \($s.categories | tostring); \($secs)"' "$json")
	echo "$line"
	if [ -s "$out/$name.unexplained" ]; then
		echo "  unexplained CRC changes with BTF on both sides ($out/$name.unexplained):"
		cut -f2 "$out/$name.unexplained" | sort | uniq -c | sed 's/^/   /'
	fi
}

# symbol_text NAME OLD NEW: one explained export, in text, alone (--symbol).
symbol_text() {
	local name=$1 old=$2 new=$3 sym text want
	sym=$(jq -r '[.symbols[] | select(.explained and .crc_changed)][0].symbol // empty' "$out/$name.json" 2>/dev/null || true)
	want=$(jq -r --arg s "$sym" '.symbols[] | select(.symbol == $s) | .changes[0].text' "$out/$name.json" 2>/dev/null || true)
	[ -n "$sym" ] || { echo "FAIL host btf-pairs/$name/symbol: no explained export to ask about"; return; }
	text=$(nice -n 10 "$dump" --explain --symbol "$sym" "$old" "$new" 2>&1) || true
	if grep -q "^$sym: crc 0x" <<<"$text" && grep -qF -- "$want" <<<"$text" &&
		grep -q '^summary: 1 exports compared' <<<"$text"; then
		echo "PASS host btf-pairs/$name/symbol (--symbol $sym: text, only it, with its root change)"
	else
		echo "FAIL host btf-pairs/$name/symbol: --symbol $sym: $(head -n 5 <<<"$text" | tr '\n' ' ')"
	fi
}

# types_only NAME OLD NEW: sources without CRCs are explained by their types, and say so.
types_only() {
	local name=$1 old=$2 new=$3 sym text
	sym=$(jq -r '[.symbols[] | select(.explained and .crc_changed)][0].symbol // empty' "$out/$name.json" 2>/dev/null || true)
	text=$(nice -n 10 "$dump" --explain --symbol "$sym" "$old" "$new" 2>&1) || true
	if grep -q '^old: .*; CRCs: none (types only)$' <<<"$text" &&
		grep -q "^$sym: (no CRCs: types only), types changed" <<<"$text"; then
		echo "PASS host btf-pairs/$name/types-only (images alone: no CRCs, $sym explained by its types)"
	else
		echo "FAIL host btf-pairs/$name/types-only: $(head -n 4 <<<"$text" | tr '\n' ' ')"
	fi
}

need_packages jq

# 6.12: headers only.
mapfile -t h12 < <(oldest_newest '^linux-headers-6\.12\.[0-9]+\+deb12-amd64$')
if [ ${#h12[@]} -lt 2 ] || [ "${h12[0]}" = "${h12[1]}" ]; then
	echo "FAIL host btf-pairs/6.12: fewer than two 6.12 ABIs in the archive (${h12[*]:-none})"
else
	old=$(fetch_debs amd64 "${h12[0]}")
	new=$(fetch_debs amd64 "${h12[1]}")
	name="${h12[0]#linux-headers-}..${h12[1]#linux-headers-}"
	explain_pair "$name" "$old" "$new"
	symbol_text "$name" "$old" "$new"
fi

# 6.1: image (BTF) and headers (CRCs) on each side.
mapfile -t h61 < <(oldest_newest '^linux-headers-6\.1\.0-[0-9]+-amd64$')
if [ ${#h61[@]} -lt 2 ] || [ "${h61[0]}" = "${h61[1]}" ]; then
	echo "FAIL host btf-pairs/6.1: fewer than two 6.1 ABIs in the archive (${h61[*]:-none})"
else
	oh=$(fetch_debs amd64 "${h61[0]}")
	nh=$(fetch_debs amd64 "${h61[1]}")
	oi=$(fetch_debs amd64 "linux-image-${h61[0]#linux-headers-}-unsigned")
	ni=$(fetch_debs amd64 "linux-image-${h61[1]#linux-headers-}-unsigned")
	name="${h61[0]#linux-headers-}..${h61[1]#linux-headers-}"
	explain_pair "$name" "$oi,$oh" "$ni,$nh"
	types_only "$name" "$oi" "$ni"
fi
