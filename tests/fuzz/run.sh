#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# tests/fuzz/run.sh SECONDS [SEED_DIR...]: build the libFuzzer target (clang, ASan, UBSan) and fuzz
# "module image bytes -> verdicts" for SECONDS, seeded with the modules in SEED_DIRs (the suite's
# fixtures) and the corpus kept in $MODVER_CACHE/fuzz/.  Prints one PASS/FAIL line with executions per
# second and coverage; a crash, leak or sanitizer report is a FAIL, its input kept in $MODVER_CACHE/fuzz/.
set -uo pipefail
. "$(dirname "$0")/../../scripts/lib.sh"

seconds=${1:?usage: run.sh SECONDS [SEED_DIR...]}
shift
need_packages clang libclang-rt-14-dev liblzma-dev libzstd-dev make
dir=$MODVER_CACHE/fuzz
mkdir -p "$dir/corpus" "$dir/seeds" "$dir/artifacts"
if ! make -s -C "$MODVER_ROOT/tests/fuzz" fuzz_image >"$dir/build.log" 2>&1; then
	echo "FAIL host fuzz: the fuzz target does not build (see $dir/build.log)"
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
	exit 1
fi
