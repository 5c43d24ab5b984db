# SPDX-License-Identifier: GPL-2.0
# tests/packaging/lib.sh: check bookkeeping shared by run.sh (on the host) and in-root.sh (inside
# the throwaway root).  Sourced, never run.  Expects $logs, the folder for long outputs.

# Progress goes to stderr, so that stdout has the check lines only.
note() { printf '[packaging %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

# check NAME FUNCTION ARGS...: FUNCTION sets $detail (on success) or $why (on failure) and returns
# its verdict; one line is printed here: "PASS packaging NAME (DETAIL)" or "FAIL packaging NAME: WHY".
declare -A result
passed=0
failed=0
check() {
	local name=$1
	shift
	detail=
	why=
	note "$name ..."
	if "$@"; then
		record "$name" pass
		echo "PASS packaging $name ($detail)"
	else
		record "$name" fail
		echo "FAIL packaging $name: ${why:-no reason given}"
	fi
}
# record NAME pass|fail: count a check's verdict (also for lines another script printed).
record() {
	result[$1]=$2
	if [ "$2" = pass ]; then passed=$((passed + 1)); else failed=$((failed + 1)); fi
}
# requires CHECK...: a check that builds on others does not run when one of them failed.
requires() {
	local c
	for c in "$@"; do
		[ "${result[$c]:-}" = pass ] || { why="not run: $c did not pass"; return 1; }
	done
}
# run LOG CMD...: run CMD with its output appended to $logs/LOG.
run() {
	local log=$logs/$1
	shift
	echo "+ $*" >>"$log"
	"$@" >>"$log" 2>&1
}
