#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# bench/run.sh [--kernel LINE] [--arch ARCH] [--runs N]: what modver costs and saves per module
# load, against the stock check, on real Debian modules (default: 6.12 amd64, 5 runs).
#
# Boots QEMU (TCG) and loads i915, amdgpu, ext4, btrfs and dummy (a median-sized table) from
# Debian's image package, decompressed, dependencies first (modules.dep order, by modprobe), N
# times without modver and N times under each policy, timing load_module() and the version check
# (check_version, or modver_check_version, which the redirect enters) with the function_graph
# tracer.  Then a userspace replay of both checks on the same tables under callgrind.  Prints the
# table (medians with min-max) and judges the targets: check cost <= 1/100 of stock for i915, and
# whole-load time under log no slower than stock.  Exit 0 when both are met, 1 otherwise.
set -uo pipefail
. "$(dirname "$0")/../scripts/lib.sh"

line=6.12
arch=amd64
runs=5
modules=${MODVER_BENCH_MODULES:-"i915 amdgpu ext4 btrfs dummy"}
while [ $# -gt 0 ]; do
	case $1 in
	--kernel) line=${2:?}; shift 2 ;;
	--arch) arch=${2:?}; shift 2 ;;
	--runs) runs=${2:?}; shift 2 ;;
	-h | --help) sed -n '3,13p' "$0"; exit 0 ;;
	*) die "unknown option $1 (see --help)" ;;
	esac
done
need_packages valgrind xz-utils kmod liblzma-dev libzstd-dev make gcc

envfile=$(timed "fetching Debian's $line $arch kernel" bash "$MODVER_ROOT/scripts/fetch-kernel.sh" "$line" "$arch") ||
	die "cannot fetch the kernel"
. "$envfile"
out=$MODVER_CACHE/bench/$KREL
mkdir -p "$out"
timed "building modver for $KREL" bash "$MODVER_ROOT/scripts/build.sh" "$envfile" "$out/build" >/dev/null ||
	die "build failed"

# The measured modules and their dependencies, decompressed, with the kernel's own modules.dep.
image_deb=$(fetch_debs "$arch" "linux-image-$KREL-unsigned" | tail -n 1)
full=$out/image
if [ ! -f "$full/.complete" ]; then
	rm -rf "$full"
	timed "unpacking Debian's modules" dpkg-deb -x "$image_deb" "$full" || die "cannot unpack $image_deb"
	timed "depmod for the unpacked modules" depmod -b "$full" "$KREL" || die "depmod failed"
	touch "$full/.complete"
fi
moddir=$full/lib/modules/$KREL
payload=$out/payload
rm -rf "$payload"
mkdir -p "$payload/lib/modules/$KREL" "$payload/bench"
cp "$out/build/payload/modver.ko" "$payload/"
cp "$moddir"/modules.order "$moddir"/modules.builtin* "$payload/lib/modules/$KREL/"
needed=()
for m in $modules; do
	path=$(modinfo -b "$full" -k "$KREL" -n "$m") || die "no module $m in $KREL"
	needed+=("${path#"$moddir"/}")
	deps=$(grep "^${path#"$moddir"/}:" "$moddir/modules.dep" | cut -d: -f2)
	for d in $deps; do needed+=("$d"); done
done
for rel in $(printf '%s\n' "${needed[@]}" | sort -u); do
	mkdir -p "$payload/lib/modules/$KREL/$(dirname "$rel")"
	case $rel in
	*.xz) xz -dc "$moddir/$rel" >"$payload/lib/modules/$KREL/${rel%.xz}" ;;
	*.zst) zstd -qdc "$moddir/$rel" >"$payload/lib/modules/$KREL/${rel%.zst}" ;;
	*) cp "$moddir/$rel" "$payload/lib/modules/$KREL/$rel" ;;
	esac
done
sed -i 's/\.ko\.\(xz\|zst\)$/.ko/' "$payload/lib/modules/$KREL/modules.order"
depmod -b "$payload" "$KREL" || die "depmod of the benchmark tree failed"
echo "$runs" >"$payload/bench/runs"
echo "$modules" >"$payload/bench/modules"

# The initramfs puts the payload under /payload; the modules tree must be at /lib/modules.
guest=$out/guest.sh
{
	echo '#!/bin/sh'
	echo 'mkdir -p /lib/modules && cp -r /payload/lib/modules/* /lib/modules/ && cp -r /payload/bench /bench'
	sed '1d' "$MODVER_ROOT/bench/guest-bench.sh"
} >"$guest"
bash "$MODVER_ROOT/scripts/mkinitramfs.sh" "$arch" "$payload" "$guest" "$out/initrd.gz" || die "initramfs"
timed "booting $KREL and loading the modules $((4 * runs * 2)) times each" \
	bash "$MODVER_ROOT/qemu-test/boot.sh" "$arch" "$VMLINUZ" "$out/initrd.gz" "$out/boot.log" 3000
tr -d '\r' <"$out/boot.log" >"$out/boot.txt"
grep -aE '^@@(ERROR|PROBLEM)' "$out/boot.txt" && say "problems in the guest: see $out/boot.txt"

# stats CONFIG MODULE FIELD: "median min max" of a field over the runs.
stats() {
	awk -v c="$1" -v m="$2" -v f="$3" '$1 == "@@BENCH" && $0 !~ /[^ -~]/ && $2 == c && $3 == m {
		for (i = 5; i < NF; i += 2) if ($i == f) v[n++] = $(i + 1) }
		END { if (!n) { print "- - -"; exit }
		      asort(v); printf "%s %s %s\n", (n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2), v[1], v[n] }' \
		"$out/boot.txt"
}
need_packages gawk
make -s -C "$MODVER_ROOT/bench" replay >/dev/null || die "replay does not build"
make -s -C "$MODVER_ROOT/tools" modver-dump >/dev/null || die "modver-dump does not build"
instr() {	# MODE MODULE-PATH: callgrind instruction count of one load's checks
	valgrind --tool=callgrind --callgrind-out-file="$out/cg.out" "--toggle-collect=replay_$1*" \
		"$MODVER_ROOT/bench/replay" "$1" "$2" 2>&1 | sed -n 's/.*I *refs: *//p' | tr -d ,
}
ratio() { awk -v a="$1" -v b="$2" -v f="${3:-%.4f}" 'BEGIN { if (b > 0 && a != "-") printf f, a / b; else print "-" }'; }

pass=1
load_fail=
cat <<EOT

modver benchmark: $KREL, $runs runs per module and configuration, QEMU TCG on $(nproc) cores
times in microseconds, median (min-max); "traced" = function_graph on check_version (stock) or
modver_check_version (modver), which adds a fixed cost per call; "self" = modver's own clock
(/sys/kernel/modver/check_time_ns, untraced); stock "est." = traced minus that per-call cost,
measured in the same boot as (modver traced - modver self) / calls
EOT
printf '%-7s %5s %5s | %-24s %9s | %-22s %-9s | %7s | %-29s %6s | %-19s %6s | %s\n' \
	module N calls "stock check traced" "est." "modver check self (log)" "traced" "ratio" \
	"load_module stock / log" ratio "replay instr s/m" ratio "compares s/m"
for m in $modules; do
	path=$(find "$payload/lib/modules/$KREL" -name "$m.ko" | head -n 1)
	dump=$("$MODVER_ROOT/tools/modver-dump" "$path" 2>/dev/null)
	n=$(sed -n 's/^basic table: \([0-9]*\) entries/\1/p' <<<"$dump")
	compares=$("$MODVER_ROOT/tools/modver-dump" --symvers "$KDIR/Module.symvers" "$path" 2>/dev/null |
		sed -n 's/^lookup: \([0-9]*\) name compares.*/\1/p')
	read -r calls _ _ <<<"$(stats stock "$m" calls)"
	read -r st stmin stmax <<<"$(stats stock "$m" check_us)"
	read -r mt _ _ <<<"$(stats log "$m" check_us)"
	read -r ms msmin msmax <<<"$(stats log "$m" self_us)"
	read -r sl slmin slmax <<<"$(stats stock "$m" load_us)"
	read -r ll llmin llmax <<<"$(stats log "$m" load_us)"
	per_call=$(awk -v t="$mt" -v s="$ms" -v c="$calls" 'BEGIN { if (c > 0) printf "%.3f", (t - s) / c; else print 0 }')
	est=$(awk -v t="$st" -v o="$per_call" -v c="$calls" 'BEGIN { v = t - o * c; printf "%.1f", (v > 0 ? v : 0) }')
	crat=$(ratio "$ms" "$est")
	lrat=$(ratio "$ll" "$sl" "%.3f")
	is=$(instr stock "$path")
	im=$(instr modver "$path")
	printf '%-7s %5s %5s | %-24s %9s | %-22s %-9s | %7s | %-29s %6s | %-19s %6s | %s\n' "$m" "${n:-?}" \
		"$calls" "$st ($stmin-$stmax)" "$est" "$ms ($msmin-$msmax)" "$mt" "$crat" \
		"$sl / $ll" "$lrat" "$is/$im" "$(ratio "$im" "$is")" "$((n * (n + 1) / 2))/${compares:-?}"
	for p in refuse warn; do
		read -r ps _ _ <<<"$(stats "$p" "$m" self_us)"
		read -r pl _ _ <<<"$(stats "$p" "$m" load_us)"
		printf '%-7s %5s %5s | %-24s %9s | %-22s %-9s | %7s | %-29s %6s |\n' "" "" "" "" "" \
			"$p: $ps" "" "" "$p: $pl" "$(ratio "$pl" "$sl" "%.3f")"
	done
	if [ "$m" = i915 ]; then
		check_ratio=$crat
		instr_ratio=$(ratio "$im" "$is")
		awk -v r="$crat" 'BEGIN { exit !(r != "-" && r <= 0.01) }' || pass=0
	fi
	awk -v r="$lrat" 'BEGIN { exit !(r != "-" && r <= 1.0) }' || load_fail="$load_fail $m($lrat)"
done
grep -a '^@@MEM' "$out/boot.txt" | head -n 1 | sed 's/^@@MEM /memory: /; s/$/ bytes (modver.ko)/'
echo "memory: per load one record of a pool modver allocates at init (64 records), and a hash index of 4 bytes per slot, 4N rounded up to a power of two (i915: $(awk 'BEGIN { s = 1; while (s < 4 * 1231) s *= 2; print s * 4 }') bytes), freed after the load returns"
echo "target: i915 version-check cost <= 1/100 of stock: time ratio ${check_ratio:--}, instruction ratio ${instr_ratio:--}: $([ $pass = 1 ] && echo met || echo 'NOT met')"
if [ -z "$load_fail" ]; then
	echo "target: whole-load time under log <= stock (ratio <= 1.00): met for every module"
else
	echo "target: whole-load time under log <= stock (ratio <= 1.00): NOT met for$load_fail"
	pass=0
fi
echo "raw figures: $out/boot.txt"
[ $pass = 1 ]
