#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# bench/run.sh [--kernel LINE] [--arch ARCH] [--runs N]: what modver costs and saves per module
# load, against the stock check, on real Debian modules (default: 6.12 amd64, 5 runs).
#
# Boots QEMU (TCG) and loads i915, amdgpu, ext4, btrfs and dummy (a median-sized table) from
# Debian's image package, decompressed, dependencies first (modules.dep order, by modprobe), N
# times without modver and N times under each policy, timing load_module() and the version check
# (check_version, or modver_check_version, which the redirect enters) with the function_graph
# tracer; then 100 small modules (28-30 entries, the median) loaded in one go, the boot-time
# pattern, N times stock and N times under log.  Then a userspace replay of both checks on the
# same tables under callgrind.  Prints the table (medians with min-max) and judges the targets:
# every module's check no slower than stock's, i915's <= 1/10 of stock's, and whole-load time
# under log no slower than stock.  Exit 0 when all are met, 1 otherwise.
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
# modver.ko alone (the suite's scripts/build.sh also builds every test fixture, which the
# benchmark does not load), from a copy, as build.sh builds it.
build_modver() {
	local flags
	read -ra flags <<<"$MAKE_ARCH_FLAGS"
	rm -rf "$out/build"
	mkdir -p "$out/build/modver"
	cp -r "$MODVER_ROOT/Kbuild" "$MODVER_ROOT/include" "$MODVER_ROOT/core" "$MODVER_ROOT"/*.c \
		"$out/build/modver/"
	make -C "$KDIR" -j"$(nproc)" "${flags[@]}" M="$out/build/modver" CONFIG_DEBUG_INFO_BTF_MODULES= \
		modules >"$out/build/modver/build.log" 2>&1
}
[ "$arch" = arm64 ] && need_packages gcc-aarch64-linux-gnu
timed "building modver for $KREL" build_modver || die "build failed (see $out/build/modver/build.log)"

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
cp "$out/build/modver/modver.ko" "$payload/"
cp "$moddir"/modules.order "$moddir"/modules.builtin* "$payload/lib/modules/$KREL/"
# A module and what modprobe loads before it: its dependencies and its soft dependencies (btrfs
# needs a crc32c implementation for libcrc32c's init; without it the load fails with "Unknown
# symbol in module").  The host's modprobe.d is not the guest's: -C /dev/null.
with_deps() {
	modprobe -C /dev/null -d "$full" -S "$KREL" --show-depends "$1" |
		sed -n "s|^insmod $moddir/\([^ ]*\).*|\1|p"
}
needed=()
for m in $modules; do
	modinfo -b "$full" -k "$KREL" -n "$m" >/dev/null || die "no module $m in $KREL"
	while read -r rel; do needed+=("$rel"); done < <(with_deps "$m")
done
# The many-small-modules case: modules whose tables have 28-30 entries (Debian's median is 28),
# none a dependency of another; drivers do nothing without their hardware; test, benchmark and
# watchdog modules, which act at init, and KVM are left out.  100 spread evenly over the
# candidates in path order.  Their dependencies are loaded once, before the runs, as the measured modules' are.
many_list=$out/many.list
[ "${MODVER_BENCH_MANY:-100}" = 0 ] && : >"$many_list.none" && many_list=$many_list.none
if [ ! -s "$many_list" ] && [ "${MODVER_BENCH_MANY:-100}" != 0 ]; then
	[ -f "$many_list.all.done" ] ||
		cut -d: -f1 "$moddir/modules.dep" | grep -vE 'test|bench|torture|tcrypt|watchdog|wdt|kvm|/arch/' |
		while read -r rel; do
			n=$(modprobe --dump-modversions "$moddir/$rel" 2>/dev/null | wc -l)
			[ "$n" -ge 28 ] && [ "$n" -le 30 ] && echo "$rel $n"
		done >"$many_list.all" && touch "$many_list.all.done"
	# Drop candidates other candidates depend on, and the measured modules and what they need:
	# only the 100 themselves are loaded and removed (removing drm_suballoc_helper once left
	# amdgpu with unknown symbols for the rest of the boot).
	for m in $modules; do with_deps "$m"; done | sort -u | sed 's/$/ measured/' >"$many_list.measured"
	awk 'NR == FNR { skip[$1] = 1; next } !($1 in skip)' "$many_list.measured" "$many_list.all" \
		>"$many_list.free"
	mv "$many_list.free" "$many_list.all"
	awk 'NR == FNR { want[$1] = 1; next }
	     { sub(":", ""); if ($1 in want) for (i = 2; i <= NF; i++) dep[$i] = 1 }
	     END { for (m in want) if (!(m in dep)) print m }' "$many_list.all" "$moddir/modules.dep" |
		sort >"$many_list.keep"
	awk 'NR == FNR { keep[$1] = 1; next } $1 in keep' "$many_list.keep" "$many_list.all" |
		sort >"$many_list.tmp"
	awk -v n="${MODVER_BENCH_MANY:-100}" -v t="$(wc -l <"$many_list.tmp")" \
		'int((NR - 1) * n / t) != int(NR * n / t)' "$many_list.tmp" >"$many_list"
fi
many_paths=
while read -r rel _; do
	name=${rel##*/}
	while read -r dep; do needed+=("$dep"); done < <(with_deps "${name%%.ko*}")
	rel=${rel%.xz}
	many_paths="$many_paths /lib/modules/$KREL/${rel%.zst}"
done <"$many_list"
echo "$many_paths" >"$payload/bench/many"
many_n=$(wc -l <"$many_list")
many_entries=$(awk '{ print $2 }' "$many_list" | sort -n | awk '{ v[NR] = $1 } END { print (NR ? v[int((NR + 1) / 2)] : 0) }')
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
# The guest's time grows with the runs (amdgpu alone takes about 16 s a load under TCG, and each
# configuration loads it 2N times): a fixed limit once cut the last configuration short.
limit=$((1800 + 1500 * runs))
timed "booting $KREL and loading the modules $((4 * runs * 2)) times each" \
	bash "$MODVER_ROOT/qemu-test/boot.sh" "$arch" "$VMLINUZ" "$out/initrd.gz" "$out/boot.log" "$limit"
boot_rc=$?
tr -d '\r' <"$out/boot.log" >"$out/boot.txt"
grep -aE '^@@(ERROR|PROBLEM)' "$out/boot.txt" && say "problems in the guest: see $out/boot.txt"
grep -aq '^@@DONE' "$out/boot.txt" ||
	say "the guest did not finish (boot.sh exit $boot_rc$([ $boot_rc = 124 ] && echo ": out of time after $limit s")): rows are missing, see $out/boot.txt"

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
check_fail=
missing=
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
	for c in stock refuse warn log; do
		[ "$(stats "$c" "$m" load_us)" = "- - -" ] && missing="$missing $c/$m"
	done
	if [ "$m" = i915 ]; then
		check_ratio=$crat
		instr_ratio=$(ratio "$im" "$is")
		awk -v r="$crat" 'BEGIN { exit !(r != "-" && r <= 0.1) }' || pass=0
	fi
	awk -v r="$crat" 'BEGIN { exit !(r != "-" && r <= 1.0) }' || check_fail="$check_fail $m($crat)"
	awk -v r="$lrat" 'BEGIN { exit !(r != "-" && r <= 1.0) }' || load_fail="$load_fail $m($lrat)"
done
# The many-small-modules case: totals over one pass of all of them (sums of the traced calls).
if [ "$many_n" -gt 0 ]; then
	m=many$many_n
	read -r calls _ _ <<<"$(stats stock "$m" calls)"
	read -r st stmin stmax <<<"$(stats stock "$m" check_us)"
	read -r mt _ _ <<<"$(stats log "$m" check_us)"
	read -r ms msmin msmax <<<"$(stats log "$m" self_us)"
	read -r mcalls _ _ <<<"$(stats log "$m" calls)"
	read -r sl slmin slmax <<<"$(stats stock "$m" load_us)"
	read -r ll llmin llmax <<<"$(stats log "$m" load_us)"
	read -r nl _ _ <<<"$(stats stock "$m" loaded)"
	read -r nm _ _ <<<"$(stats log "$m" loaded)"
	per_call=$(awk -v t="$mt" -v s="$ms" -v c="$mcalls" 'BEGIN { if (c > 0) printf "%.3f", (t - s) / c; else print 0 }')
	est=$(awk -v t="$st" -v o="$per_call" -v c="$calls" 'BEGIN { v = t - o * c; printf "%.1f", (v > 0 ? v : 0) }')
	crat=$(ratio "$ms" "$est")
	lrat=$(ratio "$ll" "$sl" "%.3f")
	printf '%-7s %5s %5s | %-24s %9s | %-22s %-9s | %7s | %-29s %6s |\n' "$m" "${many_entries}" \
		"$calls" "$st ($stmin-$stmax)" "$est" "$ms ($msmin-$msmax)" "$mt" "$crat" \
		"$sl / $ll" "$lrat"
	echo "many: $many_n modules of $many_entries entries (median) loaded in one go ($nl stock, $nm under log stayed loaded: the others failed their init without hardware, after the check); totals per pass"
	for c in stock log; do
		[ "$(stats "$c" "$m" load_us)" = "- - -" ] && missing="$missing $c/$m"
	done
	awk -v r="$crat" 'BEGIN { exit !(r != "-" && r <= 1.0) }' || check_fail="$check_fail $m($crat)"
	awk -v r="$lrat" 'BEGIN { exit !(r != "-" && r <= 1.0) }' || load_fail="$load_fail $m($lrat)"
fi
grep -a '^@@TIME' "$out/boot.txt" | awk '{ t[$3] += $4 } END { printf "guest time per module (all configurations):"; for (m in t) printf " %s %d s", m, t[m]; print "" }'
grep -a '^@@MEM' "$out/boot.txt" | head -n 1 | sed 's/^@@MEM /memory: /; s/$/ bytes (modver.ko)/'
echo "load: $(cut -d' ' -f1-3 /proc/loadavg) (host load average when the run ended; figures are ratios within one boot)"
echo "memory: per load one record of a pool modver allocates at init (64 records), and a hash index of 4 bytes per slot, 4N rounded up to a power of two (i915: $(awk 'BEGIN { s = 1; while (s < 4 * 1231) s *= 2; print s * 4 }') bytes), freed after the load returns"
if [ -z "${check_ratio:-}" ]; then
	echo "target: i915 version-check cost <= 1/10 of stock: not measured (no i915 in this run)"
else
	echo "target: i915 version-check cost <= 1/10 of stock: time ratio $check_ratio, instruction ratio ${instr_ratio:--}: $([ $pass = 1 ] && echo met || echo 'NOT met')"
fi
if [ -z "$check_fail" ]; then
	echo "target: every module's check time (self, log) <= stock's (est.): met for every module"
else
	echo "target: every module's check time (self, log) <= stock's (est.): NOT met for$check_fail"
	pass=0
fi
if [ -n "$missing" ]; then
	echo "rows missing from the serial log:$missing"
	pass=0
else
	echo "rows: every module in every configuration"
fi
if [ -z "$load_fail" ]; then
	echo "target: whole-load time under log <= stock (ratio <= 1.00): met for every module"
else
	echo "target: whole-load time under log <= stock (ratio <= 1.00): NOT met for$load_fail"
	pass=0
fi
echo "raw figures: $out/boot.txt"
[ $pass = 1 ]
