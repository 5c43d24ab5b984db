#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# run-tests.sh [--kernel LINE]... [--arch ARCH]...: modver's whole test suite.
#
# On the host: checkpatch --strict on every C file, the userspace unit tests of the pure core, and
# the packaging paths (make install, DKMS, modprobe.d in QEMU, the Debian package and lintian).
# Then for each kernel line (6.1, 6.12) and architecture (amd64, arm64; arm64 cross-built and run
# under qemu-system-aarch64), by default the whole matrix: fetch Debian's current kernel image and
# headers, build modver (W=1, sparse) and the fixtures against them, boot QEMU (TCG) with a
# busybox + kmod initramfs that runs the scenarios, and judge the guest's output on the host.
#
# Then modver-dump against each kernel's fixtures and its agreement with modver.ko, and a bounded
# fuzz run (MODVER_FUZZ_SECONDS, default 60) over the image parser seeded with the fixtures.
#
# Prints one PASS/FAIL line per scenario and ends with "N passed, N failed"; exits 1 on any failure.
# Run as root on Debian 12: missing packages are installed, kernels are cached in $MODVER_CACHE (default /var/cache/modver).
set -uo pipefail
. "$(dirname "$0")/../scripts/lib.sh"

lines=()
arches=()
while [ $# -gt 0 ]; do
	case $1 in
	--kernel) lines+=("${2:?--kernel needs 6.1, 6.12 or 7.3-debug}"); shift 2 ;;
	--kernel=*) lines+=("${1#--kernel=}"); shift ;;
	--arch) arches+=("${2:?--arch needs amd64 or arm64}"); shift 2 ;;
	--arch=*) arches+=("${1#--arch=}"); shift ;;
	-h | --help) sed -n '3,12p' "$0"; exit 0 ;;
	*) die "unknown option $1 (see --help)" ;;
	esac
done
[ ${#lines[@]} -gt 0 ] || lines=(6.1 6.12 7.3-debug)
[ ${#arches[@]} -gt 0 ] || arches=(amd64 arm64)

results=$(mktemp)
trap 'rm -f "$results"' EXIT
report() { echo "$*" | tee -a "$results"; }
suite_start=$(date +%s)

# checkpatch --strict on every C source and header of the project.
if checkpatch=$(bash "$MODVER_ROOT/scripts/fetch-checkpatch.sh"); then
	mapfile -t sources < <(cd "$MODVER_ROOT" && git ls-files '*.c' '*.h' 2>/dev/null ||
		find . -name '*.[ch]' -not -path './.cache/*')
	# External API names modver cannot rename: libzstd's (ZSTD_decompressStream, ...) and
	# libFuzzer's entry point (LLVMFuzzerTestOneInput).
	out=$(cd "$MODVER_ROOT" && perl "$checkpatch" --strict --no-tree --terse -f "${sources[@]}" 2>&1 |
		grep -E '(ERROR|WARNING|CHECK):' | grep -vE 'CHECK: Avoid CamelCase: <(ZSTD_|LLVMFuzzer)')
	if [ -z "$out" ]; then
		report "PASS host checkpatch --strict (${#sources[@]} files)"
	else
		report "FAIL host checkpatch --strict: $(head -n 3 <<<"$out" | tr '\n' ' ')"
	fi
else
	report "FAIL host checkpatch --strict: cannot fetch checkpatch.pl"
fi

# Userspace unit tests of the pure core.
if [ -f "$MODVER_ROOT/tests/Makefile" ]; then
	need_packages gcc make libc6-dev linux-libc-dev
	timed "building and running the userspace unit tests" \
		make -s -C "$MODVER_ROOT/tests" run >"$MODVER_CACHE/unit.log" 2>&1
	grep -E '^(PASS|FAIL) ' "$MODVER_CACHE/unit.log" | sed 's/^\(PASS\|FAIL\) /\1 host unit /' |
		tee -a "$results"
	grep -q '^unit tests: ok$' "$MODVER_CACHE/unit.log" ||
		report "FAIL host unit: the unit test run did not complete (see $MODVER_CACHE/unit.log)"
fi

# run_kernel LINE ARCH: every QEMU scenario on one kernel of the matrix.
run_kernel() {
	local line=$1 arch=$2 label=$1/$2 envfile out rc start warnings
	local boot_append=
	start=$(date +%s)
	if [ "$line" = 7.3-debug ]; then
		# The project's own kernel: extended modversions and the debug checkers (x86_64 only).
		[ "$arch" = amd64 ] || return 0
		if ! envfile=$(timed "building (or reusing) the 7.3 debug kernel" bash "$MODVER_ROOT/scripts/build-kernel-7.3.sh"); then
			report "FAIL $label kernel: the 7.3 debug kernel does not build"
			return
		fi
		envfile=$(tail -n 1 <<<"$envfile")
		boot_append="panic_on_warn=1"
	elif ! envfile=$(timed "fetching Debian's $line $arch kernel" bash "$MODVER_ROOT/scripts/fetch-kernel.sh" "$line" "$arch"); then
		report "FAIL $label fetch: cannot fetch the kernel"
		return
	fi
	. "$envfile"
	out=$MODVER_CACHE/runs/$KREL
	if ! timed "building modver and fixtures for $KREL" bash "$MODVER_ROOT/scripts/build.sh" "$envfile" "$out" >/dev/null; then
		report "FAIL $label build: modver or a fixture does not build (see above)"
		return
	fi
	warnings=$(grep -E 'warning:|error:' "$out/modver/build.log")
	if [ -z "$warnings" ]; then
		if grep -q 'sparse is not available or not up to date' "$out/modver/build.log"; then
			report "PASS $label build (modver.ko with W=1, no warnings; bookworm's sparse is too old for this kernel)"
		else
			report "PASS $label build (modver.ko with W=1 and sparse, no warnings)"
		fi
	else
		report "FAIL $label build: $(head -n 3 <<<"$warnings" | tr '\n' ' ')"
	fi
	if ! bash "$MODVER_ROOT/scripts/mkinitramfs.sh" "$arch" "$out/payload" \
		"$MODVER_ROOT/qemu-test/guest-scenarios.sh" "$out/initrd.gz"; then
		report "FAIL $label initramfs: cannot build it"
		return
	fi
	timed "booting $KREL under QEMU (TCG) and running the scenarios" \
		env MODVER_BOOT_APPEND="$boot_append" bash "$MODVER_ROOT/qemu-test/boot.sh" "$arch" "$VMLINUZ" "$out/initrd.gz" "$out/boot.log" 2400
	rc=$?
	[ $rc -eq 124 ] && report "FAIL $label boot: QEMU timed out (log: $out/boot.log)"
	cp "$out/boot.log" "$out/judged.log"
	# Lockdown made the main boot lock modver at run time; a short second boot locks at load time.
	if grep -q '^@@BEGIN lockdown' "$out/boot.log"; then
		timed "booting $KREL again for the load-time lock" \
			env MODVER_BOOT_APPEND="$boot_append modver_suite=lock-param" \
			bash "$MODVER_ROOT/qemu-test/boot.sh" "$arch" "$VMLINUZ" "$out/initrd.gz" "$out/boot-lock.log" 600
		[ $? -eq 124 ] && report "FAIL $label boot: QEMU timed out (log: $out/boot-lock.log)"
		cat "$out/boot-lock.log" >>"$out/judged.log"
	fi
	MODVER_DUMP=$modver_dump bash "$MODVER_ROOT/qemu-test/judge.sh" "$out/judged.log" \
		"$out/expect.env" "$label" | tee -a "$results"
	[ -n "$modver_dump" ] &&
		bash "$MODVER_ROOT/tests/modver-dump.sh" "$modver_dump" "$out/expect.env" "$label" |
		tee -a "$results"
	say "$label: $(grep -c "^PASS $label " "$results") passed, $(grep -c "^FAIL $label " "$results") failed in $(($(date +%s) - start)) s"
}

# Packaging the way kernel users install modules: make install, DKMS, modprobe.d, the .deb.
debian_lines=$(printf '%s\n' "${lines[@]}" | grep -vx '7.3-debug' | tr '\n' ' ')
[ -n "$debian_lines" ] && PACKAGING_LINES=$debian_lines bash "$MODVER_ROOT/tests/packaging/run.sh" | tee -a "$results"

# modver-dump, built from the same pure core as modver.ko.
need_packages gcc make liblzma-dev libzstd-dev xz-utils zstd jq
modver_dump=
if make -s -C "$MODVER_ROOT/tools" modver-dump >"$MODVER_CACHE/modver-dump.log" 2>&1; then
	modver_dump=$MODVER_ROOT/tools/modver-dump
else
	report "FAIL host modver-dump: does not build (see $MODVER_CACHE/modver-dump.log)"
fi

for line in "${lines[@]}"; do
	for arch in "${arches[@]}"; do
		run_kernel "$line" "$arch"
	done
done

seeds=()
for d in "$MODVER_CACHE"/runs/*/payload; do [ -d "$d" ] && seeds+=("$d"); done
bash "$MODVER_ROOT/tests/fuzz/run.sh" "${MODVER_FUZZ_SECONDS:-60}" "${seeds[@]}" | tee -a "$results"

passed=$(grep -c '^PASS ' "$results")
failed=$(grep -c '^FAIL ' "$results")
say "suite took $(($(date +%s) - suite_start)) s; logs under $MODVER_CACHE/runs/"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
