# SPDX-License-Identifier: GPL-2.0
# Sourced by guest-scenarios.sh when the payload has real modules of an older ABI (scripts/old-abi.sh,
# Debian 6.12 only): issue 14's load-time explanations.  Each module is loaded stamped (a
# .modver_stamp from the old headers' BTF) and unstamped, under warn, then log and refuse; the
# kernel log, the report, the modver_explain trace event and the counters are printed for
# judge-explain.sh.  Loads whose imports all match come first: they must not read any BTF.
X=$P/old-abi

explain_counters() {
	for c in explanations explain_time_ns btf_reads btf_bytes mismatches; do
		echo "@@XCOUNTER $1 $c $(cat /sys/kernel/modver/$c)"
	done
}

# explain_load TAG FILE MODNAME: one load of FILE, its taint, its kernel log, then unload.
explain_load() {
	echo "@@XLOAD $1 $2"
	try insmod "$2"
	taint "$3"
	dmesg -c | sed 's/^/@@DMESG /'
	quiet_rmmod "$3"
}

begin "explain"
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
T=/sys/kernel/tracing
insmod $P/modver.ko policy=warn
explain_counters start
load_fixture clean
load_fixture match
explain_counters clean
echo 1 >$T/events/modver/modver_explain/enable
echo >$T/trace
while read -r file name syms; do
	[ -f "$X/$file-stamped.ko" ] && explain_load "warn-stamped" "$X/$file-stamped.ko" "$name"
	explain_counters "warn-stamped-$file"
	explain_load "warn-unstamped" "$X/$file.ko" "$name"
done <"$X/list"
read -r file name syms <"$X/list"
explain_counters before-log
echo log >$MODVER_PARAMS/policy
[ -f "$X/$file-stamped.ko" ] && explain_load "log-stamped" "$X/$file-stamped.ko" "$name"
explain_counters "log-stamped-$file"
echo refuse >$MODVER_PARAMS/policy
[ -f "$X/$file-stamped.ko" ] && explain_load "refuse-stamped" "$X/$file-stamped.ko" "$name"
explain_load "refuse-unstamped" "$X/$file.ko" "$name"
explain_counters end
grep 'modver_explain:' $T/trace | sed 's/^.*modver_explain: /@@XTRACE /'
echo 0 >$T/events/modver/modver_explain/enable
sed 's/^/@@XREPORT /' /sys/kernel/debug/modver/report
quiet_rmmod modver
end
