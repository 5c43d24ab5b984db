#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# tests/fuzz/run.sh SECONDS [SEED_DIR...]: build the libFuzzer targets (clang, ASan, UBSan) and fuzz
# "module image bytes -> verdicts" for SECONDS, seeded with the modules in SEED_DIRs (the suite's
# fixtures) and the corpus kept in $MODVER_CACHE/fuzz/.  Prints one PASS/FAIL line with executions per
# second and coverage; a crash, leak or sanitizer report is a FAIL, its input kept in $MODVER_CACHE/fuzz/.
# Then the kernel model: its self-test on the cases of issue 12 (made from a fixture, and kept as
# seeds), and SECONDS of the differential target, modver against the model of the stock loader
# (6.1, 6.12, 6.14+): a case where modver is more lenient than the kernel is a FAIL.  Then SECONDS of
# fuzz_btf: BTF (base and split), closure fingerprints, diffs and stamps.
set -uo pipefail
. "$(dirname "$0")/../../scripts/lib.sh"

seconds=${1:?usage: run.sh SECONDS [SEED_DIR...]}
shift
need_packages clang libclang-rt-14-dev liblzma-dev libzstd-dev make
dir=$MODVER_CACHE/fuzz
mkdir -p "$dir/corpus" "$dir/seeds" "$dir/artifacts"
if ! make -s -C "$MODVER_ROOT/tests/fuzz" all >"$dir/build.log" 2>&1; then
	echo "FAIL host fuzz: the fuzz targets do not build (see $dir/build.log)"
	exit 1
fi
for d in "$@"; do
	cp -f "$d"/*.ko "$dir/seeds/" 2>/dev/null
done
timed "fuzzing modver's image parsing for $seconds s" \
	"$MODVER_ROOT/tests/fuzz/fuzz_image" -max_total_time="$seconds" -max_len=262144 -timeout=10 \
	-rss_limit_mb=2048 -artifact_prefix="$dir/artifacts/" -print_final_stats=1 \
	"$dir/corpus" "$dir/seeds" >"$dir/fuzz.log" 2>&1
rc=$?
done_line=$(grep -E '^#[0-9]+[[:space:]]+DONE' "$dir/fuzz.log" | tail -n 1)
runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$dir/fuzz.log")
speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$dir/fuzz.log")
cov=$(grep -o 'cov: [0-9]*' <<<"$done_line" | tail -n 1)
ft=$(grep -o 'ft: [0-9]*' <<<"$done_line" | tail -n 1)
corpus=$(ls "$dir/corpus" | wc -l)
if [ $rc -eq 0 ] && [ -n "$done_line" ]; then
	echo "PASS host fuzz ($seconds s, ${runs:-?} executions, ${speed:-?} exec/s, ${cov:-cov ?} edges, ${ft:-ft ?} features, corpus $corpus)"
else
	echo "FAIL host fuzz: finding after ${runs:-?} executions (exit $rc): $(grep -m1 -E 'ERROR:|runtime error' "$dir/fuzz.log"); input in $dir/artifacts/"
	failed=1
fi

# The kernel model: self-test on issue 12's cases, made from a plain fixture, which become seeds.
mkdir -p "$dir/model-corpus" "$dir/model-seeds" "$dir/model-artifacts"
fixture=$(ls "$dir/seeds"/mv_clean.ko "$dir/seeds"/*.ko 2>/dev/null | head -n 1)
if [ -n "$fixture" ]; then
	"$MODVER_ROOT/tests/fuzz/model_selftest" "$fixture" "$dir/model-seeds" || failed=1
else
	echo "FAIL host kernel-model: no fixture module to make issue 12's cases from"
	failed=1
fi
timed "fuzzing modver against the kernel model for $seconds s" \
	"$MODVER_ROOT/tests/fuzz/fuzz_kernel_model" -max_total_time="$seconds" -max_len=262144 \
	-timeout=10 -rss_limit_mb=2048 -artifact_prefix="$dir/model-artifacts/" -print_final_stats=1 \
	"$dir/model-corpus" "$dir/model-seeds" "$dir/seeds" >"$dir/model.log" 2>&1
rc=$?
runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$dir/model.log")
speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$dir/model.log")
stats=$(sed -n 's/^kernel-model: //p' "$dir/model.log" | tail -n 1)
if [ $rc -eq 0 ] && grep -qE '^#[0-9]+[[:space:]]+DONE' "$dir/model.log"; then
	echo "PASS host fuzz-kernel-model ($seconds s, ${runs:-?} executions, ${speed:-?} exec/s; $stats)"
else
	echo "FAIL host fuzz-kernel-model: after ${runs:-?} executions (exit $rc): $(grep -m1 -E 'kernel-model finding:|ERROR:|runtime error' "$dir/model.log"); input in $dir/model-artifacts/"
	failed=1
fi

# BTF, split BTF and stamps: the closure core (fuzz_btf).  Seeds: the unit tests' blobs and stamps
# (tests/unit_closure with MODVER_SEED_DIR), each BTF alone and followed by each split blob and
# stamp, as [u32 base length][base][rest].  Every input the fuzzer ever failed on is kept in
# tests/fuzz/regressions/btf/ and replayed first, as part of the corpus.
mkdir -p "$dir/btf-corpus" "$dir/btf-seeds" "$dir/btf-artifacts" "$dir/btf-raw"
rm -f "$dir/btf-raw"/*
if make -s -C "$MODVER_ROOT/tests" unit_closure >>"$dir/build.log" 2>&1 &&
	MODVER_SEED_DIR="$dir/btf-raw" "$MODVER_ROOT/tests/unit_closure" >/dev/null; then
	for b in "$dir/btf-raw"/btf-*; do
		len=$(stat -c %s "$b")
		for r in /dev/null "$dir/btf-raw"/split-* "$dir/btf-raw"/stamp-*; do
			out=$dir/btf-seeds/$(basename "$b")-$(basename "$r")
			{
				printf "$(printf '\\x%02x\\x%02x\\x%02x\\x%02x' $((len & 255)) \
					$((len >> 8 & 255)) $((len >> 16 & 255)) $((len >> 24 & 255)))"
				cat "$b" "$r"
			} >"$out"
		done
	done
else
	echo "FAIL host fuzz-btf: unit_closure does not build or pass (see $dir/build.log)"
	failed=1
fi
timed "fuzzing the BTF closure core and stamps for $seconds s" \
	"$MODVER_ROOT/tests/fuzz/fuzz_btf" -max_total_time="$seconds" -max_len=65536 -timeout=10 \
	-rss_limit_mb=2048 -artifact_prefix="$dir/btf-artifacts/" -print_final_stats=1 \
	"$dir/btf-corpus" "$dir/btf-seeds" "$MODVER_ROOT/tests/fuzz/regressions/btf" \
	>"$dir/btf.log" 2>&1
rc=$?
runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$dir/btf.log")
speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$dir/btf.log")
done_line=$(grep -E '^#[0-9]+[[:space:]]+DONE' "$dir/btf.log" | tail -n 1)
cov=$(grep -o 'cov: [0-9]*' <<<"$done_line" | tail -n 1)
if [ $rc -eq 0 ] && [ -n "$done_line" ]; then
	echo "PASS host fuzz-btf ($seconds s, ${runs:-?} executions, ${speed:-?} exec/s, ${cov:-cov ?} edges, corpus $(ls "$dir/btf-corpus" | wc -l))"
else
	echo "FAIL host fuzz-btf: finding after ${runs:-?} executions (exit $rc): $(grep -m1 -E 'ERROR:|runtime error|deadly signal' "$dir/btf.log"); input in $dir/btf-artifacts/"
	failed=1
fi
exit "${failed:-0}"
