#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# run-tests.sh [--kernel LINE]... [--arch ARCH]... [--mutants N|full]: modver's whole test suite.
#
# On the host: checkpatch --strict on every C file, the userspace unit tests of the pure core,
# Debian's real BTF checked against modver's mirrors of the loader's private structs, and the
# packaging paths (make install, DKMS, modprobe.d in QEMU, the Debian package and lintian).
# Then for each kernel line (6.1, 6.12, 6.12-rt) and architecture (amd64, arm64; arm64 cross-built
# and run under qemu-system-aarch64), by default the whole matrix: fetch Debian's current kernel
# image and headers, build modver (W=1, sparse) and the fixtures against them, boot QEMU (TCG) with a
# busybox + kmod initramfs that runs the scenarios, and judge the guest's output on the host.
#
# 6.12-rt is Debian's PREEMPT_RT flavour of 6.12 (linux-image-6.12.N+deb12-rt-ARCH-unsigned), in
# the default matrix on amd64 only: RT is an arch-independent change and an arm64 RT boot would add
# minutes to a suite that must stay under an hour on a cold machine; `--kernel 6.12-rt --arch arm64`
# (an explicit --arch) runs it on arm64 too.  The whole suite runs there, and every kernel's log is
# judged for atomic-context splats (judge.sh kernel-log-clean).  Which checkers Debian's RT config has
# (6.12.117+deb12-rt-amd64, /boot/config-*): PREEMPT_RT=y, PREEMPT_COUNT=y, SCHED_DEBUG=y,
# DEBUG_LIST=y, BUG_ON_DATA_CORRUPTION=y, KFENCE=y, SOFTLOCKUP_DETECTOR=y, HARDLOCKUP_DETECTOR=y,
# DETECT_HUNG_TASK=y, RCU_CPU_STALL_TIMEOUT=21; NOT set: DEBUG_ATOMIC_SLEEP, DEBUG_PREEMPT,
# PROVE_LOCKING (so no LOCKDEP, PROVE_RAW_LOCK_NESTING or "Invalid wait context"), DEBUG_LOCK_ALLOC,
# DEBUG_SPINLOCK, DEBUG_RT_MUTEXES, DEBUG_OBJECTS, KASAN.  So on this kernel a sleeping lock taken
# with preemption disabled (on RT, kfree() takes SLUB's per-CPU local_lock or the node's list_lock,
# both rt_mutex-based) is caught only when it actually blocks, by __schedule()'s unconditional
# "BUG: scheduling while atomic"; uncontended, nothing reports it (might_sleep() and
# rtlock_might_resched() are empty without DEBUG_ATOMIC_SLEEP).  So on RT kernels the scenario
# rt-sleeping-locks traces RT's sleeping-lock entry points (function tracer, stack traces) during
# loads and fails on any reached from modver with interrupts or preemption off.  The 7.3 debug
# kernel has DEBUG_ATOMIC_SLEEP and PROVE_LOCKING but is not RT, where kfree() with preemption off
# is legal.
#
# On the host too (issue 14): modver-dump --stamp on real Debian modules (tests/stamp.sh: signed
# modules refused, nothing the kernel reads changed, the stamp read back) and --explain on real
# pairs of Debian kernel ABIs, 6.12 and 6.1 amd64 (tests/btf-pairs.sh: coverage and the confusion
# matrix per pair).
#
# Then modver-dump against each kernel's fixtures and its agreement with modver.ko, and a bounded
# fuzz run (MODVER_FUZZ_SECONDS, default 60) over the image parser seeded with the fixtures.
#
# After each kernel's scenarios, the differential test (issue 12): qemu-test/tools/mutate.c makes
# seeded mutants of that kernel's plain fixtures, a second boot loads each under the stock kernel
# and under modver's refuse, warn and log, and judge-differential.sh checks that modver is never
# weaker than the kernel.  Mutants per kernel: 500 on 6.12 amd64 and arm64, the first 100 of the
# same seeded set elsewhere (6.1, 6.12-rt, 7.3-debug); --mutants full (or MODVER_MUTANTS=full)
# runs 500 everywhere, a number N that many everywhere, 0 skips the test; MODVER_MUTANT_SEED
# (default 12) picks another set.
#
# Prints one PASS/FAIL line per scenario and ends with "N passed, N failed"; exits 1 on any failure.
# Run as root on Debian 12: missing packages are installed, kernels are cached in $MODVER_CACHE (default /var/cache/modver).
set -uo pipefail
. "$(dirname "$0")/../scripts/lib.sh"

lines=()
arches=()
while [ $# -gt 0 ]; do
	case $1 in
	--kernel) lines+=("${2:?--kernel needs 6.1, 6.12, 6.12-rt or 7.3-debug}"); shift 2 ;;
	--kernel=*) lines+=("${1#--kernel=}"); shift ;;
	--arch) arches+=("${2:?--arch needs amd64 or arm64}"); shift 2 ;;
	--arch=*) arches+=("${1#--arch=}"); shift ;;
	--mutants) MODVER_MUTANTS=${2:?--mutants needs a number or full}; shift 2 ;;
	--mutants=*) MODVER_MUTANTS=${1#--mutants=}; shift ;;
	-h | --help) sed -n '3,/^set -uo/p' "$0" | sed '$d'; exit 0 ;;
	*) die "unknown option $1 (see --help)" ;;
	esac
done
[ ${#lines[@]} -gt 0 ] || lines=(6.1 6.12 6.12-rt 7.3-debug)
# 6.12-rt runs on the architectures asked for with --arch, else on amd64 alone.
rt_arches=("${arches[@]}")
[ ${#rt_arches[@]} -gt 0 ] || rt_arches=(amd64)
[ ${#arches[@]} -gt 0 ] || arches=(amd64 arm64)
MODVER_MUTANTS=${MODVER_MUTANTS:-}
[[ -z $MODVER_MUTANTS || $MODVER_MUTANTS == full || $MODVER_MUTANTS =~ ^[0-9]+$ ]] ||
	die "--mutants needs a number or full, not '$MODVER_MUTANTS'"

results=$(mktemp)
kernel73_out=$(mktemp)
kernel73_pid=
trap 'rm -f "$results" "$kernel73_out"; [ -n "$kernel73_pid" ] && kill "$kernel73_pid" 2>/dev/null' EXIT
report() { echo "$*" | tee -a "$results"; }
suite_start=$(date +%s)
phase_start

# On a fresh machine the 7.3 debug kernel is the longest thing to make (DEBUG_INFO, BTF and KASAN:
# about half an hour on 2 cores).  It starts now, niced, beside the host checks, the packaging and
# the Debian kernels, whose downloads and single-CPU guests leave a core idle much of the time;
# run_kernel waits for it.  With the kernel in the cache this ends at once.
if printf '%s\n' "${lines[@]}" | grep -qx 7.3-debug && printf '%s\n' "${arches[@]}" | grep -qx amd64; then
	say "building (or reusing) the 7.3 debug kernel in the background (log: $MODVER_CACHE/kernel-7.3.log)"
	mkdir -p "$MODVER_CACHE"
	MODVER_PHASE_DEPTH=1 nice -n 10 bash "$MODVER_ROOT/scripts/build-kernel-7.3.sh" >"$kernel73_out" \
		2>"$MODVER_CACHE/kernel-7.3.log" &
	kernel73_pid=$!
fi

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

# Debian's real BTF against modver's mirrors of the loader's private structs, checked by the
# reader and checks modver.ko runs at init (which refuses to load where they disagree).
# 6.12-rt is checked too, on the architectures it runs on: its own build and configuration.
btf_lines=$(printf '%s\n' "${lines[@]}" | grep -vxE '7.3-debug|6.12-rt' | tr '\n' ' ')
[ -n "$btf_lines" ] && timed "checking Debian's BTF against modver's private-struct mirrors" \
	bash "$MODVER_ROOT/tests/btf-real.sh" "$btf_lines" "${arches[*]}" | tee -a "$results"
printf '%s\n' "${lines[@]}" | grep -qx '6.12-rt' &&
	timed "checking Debian's 6.12-rt BTF against modver's private-struct mirrors" \
		bash "$MODVER_ROOT/tests/btf-real.sh" 6.12-rt "${rt_arches[*]}" | tee -a "$results"

# --- differential test (issue 12) ---------------------------------------------------------------
# run_differential LABEL OUT BOOT_APPEND: mutants of the kernel's fixtures (OUT/payload) loaded
# under the stock kernel and under each modver policy, judged on the host.  Uses KREL, VMLINUZ.
run_differential() {
	local label=$1 out=$2 boot_append=$3 count dir rc start
	local line=${label%/*} arch=${label#*/}
	case $MODVER_MUTANTS in
	full) count=500 ;;
	'') count=100; [ "$line" = 6.12 ] && count=500 ;;	# 6.12-rt: 100
	*) count=$MODVER_MUTANTS ;;
	esac
	[ "$count" -gt 0 ] || return 0
	start=$(date +%s)
	dir=$out/differential
	rm -rf "$dir"
	mkdir -p "$dir/payload/mutants"
	if ! gcc -O2 -Wall -Wextra -Werror -I"$MODVER_ROOT/include" -I"$MODVER_ROOT/core" -o "$dir/mutate" \
		"$MODVER_ROOT/qemu-test/tools/mutate.c" 2>"$dir/mutate-build.log" ||
		! "$dir/mutate" "$out/payload" "$dir/payload/mutants" "$count" \
			"${MODVER_MUTANT_SEED:-12}" 2>>"$dir/mutate-build.log"; then
		report "FAIL $label differential/generate: $(head -n 3 "$dir/mutate-build.log" | tr '\n' ' ')"
		return
	fi
	cp "$out/payload/modver.ko" "$dir/payload/"
	if ! bash "$MODVER_ROOT/scripts/mkinitramfs.sh" "$arch" "$dir/payload" \
		"$MODVER_ROOT/qemu-test/guest-differential.sh" "$dir/initrd.gz"; then
		report "FAIL $label differential/initramfs: cannot build it"
		return
	fi
	# About 0.3 s per load under TCG on a busy host; four loads per mutant, generous margin.
	timed "booting $KREL for the differential test ($count mutants x 4 phases)" \
		env MODVER_BOOT_APPEND="$boot_append" bash "$MODVER_ROOT/qemu-test/boot.sh" "$arch" \
		"$VMLINUZ" "$dir/initrd.gz" "$dir/boot.log" $((300 + count * 4))
	rc=$?
	[ $rc -eq 124 ] && report "FAIL $label differential/boot: QEMU timed out (log: $dir/boot.log)"
	bash "$MODVER_ROOT/qemu-test/judge-differential.sh" "$dir/boot.log" \
		"$dir/payload/mutants/manifest" "$label" "$MODVER_CACHE/differential-failures/$KREL" |
		tee -a "$results"
	say "$label: differential test of $count mutants took $(($(date +%s) - start)) s"
}
# --- end of the differential test ----------------------------------------------------------------

# run_kernel LINE ARCH: every QEMU scenario on one kernel of the matrix.
run_kernel() {
	local line=$1 arch=$2 label=$1/$2 envfile out rc start warnings
	local boot_append=
	start=$(date +%s)
	# Debian's RT kernel: amd64 unless --arch asked for others (see the top of this file).
	[ "$line" = 6.12-rt ] && ! printf '%s\n' "${rt_arches[@]}" | grep -qx "$arch" && return 0
	if [ "$line" = 7.3-debug ]; then
		# The project's own kernel: extended modversions and the debug checkers (x86_64 only).
		[ "$arch" = amd64 ] || return 0
		# Started in the background at the top of this file.
		if ! timed "waiting for the 7.3 debug kernel (started with the suite)" wait "$kernel73_pid"; then
			kernel73_pid=
			tail -n 20 "$MODVER_CACHE/kernel-7.3.log" >&2
			report "FAIL $label kernel: the 7.3 debug kernel does not build (log: $MODVER_CACHE/kernel-7.3.log)"
			return
		fi
		kernel73_pid=
		envfile=$(tail -n 1 "$kernel73_out")
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
	say "$label: $(grep -c "^PASS $label " "$results") passed, $(grep -c "^FAIL $label " "$results") failed in $(($(date +%s) - start)) s (the differential test follows)"
	# One TCG guest uses one of the host's cores: the differential boot runs beside the next
	# kernel's build and boot instead of after it.
	run_differential "$label" "$out" "$boot_append" &
	differential_pids+=($!)
}
differential_pids=()

# Packaging the way kernel users install modules: make install, DKMS, modprobe.d, the .deb.
# Not 6.12-rt: packaging installs each line's headers meta package on the host, which for RT would
# install an RT kernel image on the host, and tests nothing the 6.12 line does not (same Kbuild,
# dkms, modprobe.d and .deb paths); the RT module itself is built and run in QEMU below.
debian_lines=$(printf '%s\n' "${lines[@]}" | grep -vxE '7.3-debug|6.12-rt' | tr '\n' ' ')
[ -n "$debian_lines" ] && PACKAGING_LINES=$debian_lines timed "the packaging tests" \
	bash "$MODVER_ROOT/tests/packaging/run.sh" | tee -a "$results"

# modver-dump, built from the same pure core as modver.ko.
need_packages gcc make liblzma-dev libzstd-dev xz-utils zstd jq
modver_dump=
if make -s -C "$MODVER_ROOT/tools" modver-dump >"$MODVER_CACHE/modver-dump.log" 2>&1; then
	modver_dump=$MODVER_ROOT/tools/modver-dump
else
	report "FAIL host modver-dump: does not build (see $MODVER_CACHE/modver-dump.log)"
fi

# Issue 14 on the host: stamps on real modules, and --explain on real pairs of Debian kernel ABIs.
if [ -n "$modver_dump" ] && [ -n "$debian_lines" ]; then
	timed "stamping real modules" bash "$MODVER_ROOT/tests/stamp.sh" "$modver_dump" |
		tee -a "$results"
	timed "explaining real Debian kernel pairs" bash "$MODVER_ROOT/tests/btf-pairs.sh" \
		"$modver_dump" | tee -a "$results"
fi

# The benchmark's userspace replay links the pure core too: it must keep building with it.
if make -s -C "$MODVER_ROOT/bench" replay >"$MODVER_CACHE/bench-replay.log" 2>&1; then
	report "PASS host bench-replay builds against the pure core"
else
	report "FAIL host bench-replay: does not build (see $MODVER_CACHE/bench-replay.log)"
fi

for line in "${lines[@]}"; do
	for arch in "${arches[@]}"; do
		run_kernel "$line" "$arch"
	done
done

seeds=()
for d in "$MODVER_CACHE"/runs/*/payload; do [ -d "$d" ] && seeds+=("$d"); done
timed "fuzzing (image parser, kernel model, BTF core and stamps)" bash "$MODVER_ROOT/tests/fuzz/run.sh" \
	"${MODVER_FUZZ_SECONDS:-60}" "${seeds[@]}" | tee -a "$results"
for pid in "${differential_pids[@]}"; do wait "$pid"; done

passed=$(grep -c '^PASS ' "$results")
failed=$(grep -c '^FAIL ' "$results")
phase_report "$suite_start"
echo "logs: $MODVER_CACHE/runs/<release>/ (boot.log, boot-lock.log, judged.log, differential/boot.log"
echo "      for each kernel), $MODVER_CACHE/unit.log, $MODVER_CACHE/modver-dump.log,"
echo "      $MODVER_CACHE/differential-failures/ (failing mutants, if any)"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
