#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Runs inside the guest: load each module RUNS times without modver and with it under each
# policy, timing load_module() and the version check with the function_graph tracer, and with
# modver also by its own clock (/sys/kernel/modver/check_time_ns, untraced).  Then the boot-time
# pattern: the many small modules of /bench/many loaded in one go, stock and under log.  Prints
#   @@BENCH <config> <module> <run> load_us <n> check_us <n> calls <n> self_us <n|-> [loaded <n>]
# as soon as each run is measured, all configurations of a module before the next module, and
#   @@TIME <config> <module> <seconds>
# for each block, so that a guest that runs out of time loses the last modules, never a whole
# configuration, and says where the time went.  The host (run.sh) computes medians and ratios.
P=/payload
T=/sys/kernel/tracing
RUNS=$(cat /bench/runs)
MODULES=$(cat /bench/modules)
MANY=$(cat /bench/many 2>/dev/null)
insmod() { /sbin/insmod "$@"; }
rmmod() { /sbin/rmmod "$@"; }
modprobe() { /sbin/modprobe "$@"; }
uptime_cs() { sed 's/^\([0-9]*\)\.\([0-9]*\) .*/\1\2/' /proc/uptime; }

# graph FUNCTION: trace FUNCTION only (set_ftrace_filter: no other function is hooked, so each
# call costs the same two hooks), one level deep.
graph() {
	echo nop >$T/current_tracer
	echo "$1" >$T/set_ftrace_filter || echo "@@ERROR cannot filter on $1"
	echo "$1" >$T/set_graph_function || echo "@@ERROR cannot trace $1"
	echo 1 >$T/max_graph_depth
	echo function_graph >$T/current_tracer
	echo >$T/trace
}

# durations FUNCTION: "<sum of microseconds> <calls>" of FUNCTION in the trace (a module's
# functions appear as "name [module]()"; long ones with a "!", "#", "*", "@" or "$" mark).
durations() {
	grep -E "[0-9.]+ us +\| +$1( \[[a-z_]+\])?\(\);" $T/trace |
		sed -E 's/^[^|]*[^0-9.]([0-9]+(\.[0-9]+)?) us.*/\1/' |
		awk '{ s += $1; n++ } END { printf "%.1f %d\n", s, n }'
}

self_ns() { cat /sys/kernel/modver/check_time_ns 2>/dev/null || echo -; }

# Dependencies first, once: only the measured module is loaded and removed in the runs.  A
# module whose load takes over 2 s is large enough that the first load after a tracer switch
# (TCG translates the patched code again) is lost in it; smaller ones get a warm-up load.
big=
for m in $MODULES; do
	t0=$(uptime_cs)
	modprobe "$m" || { echo "@@ERROR modprobe $m failed"; dmesg | tail -n 5 | sed 's/^/@@ERROR /'; }
	[ $(($(uptime_cs) - t0)) -gt 200 ] && big="$big $m "
	rmmod "$m"
done
for p in $MANY; do
	n=${p##*/}
	modprobe "${n%.ko}" 2>/dev/null && rmmod "${n%.ko}"
done

# once PATH...: load each module, then remove them all (the boot-time pattern: many in one go).
once() {
	loaded=$(grep -c . /proc/modules)
	if [ $# = 1 ]; then
		insmod "$1" || echo "@@ERROR insmod $1 failed under $config"
	else
		for p in "$@"; do insmod "$p" 2>/dev/null; done
	fi
	loaded=$(($(grep -c . /proc/modules) - loaded))
	for p in "$@"; do
		n=${p##*/}
		rmmod "${n%.ko}" 2>/dev/null
	done
}

# measure CONFIG CHECK_FUNCTION NAME PATH...: RUNS loads of PATH... traced on the check, then
# RUNS traced on load_module() (modver's own clock read around those), one line per run.
measure() {
	config=$1
	check_fn=$2
	name=$3
	shift 3
	t0=$(uptime_cs)
	warm=1
	case "$big" in *" $name "*) warm=0 ;; esac
	graph "$check_fn"
	[ $warm = 1 ] && once "$@"
	run=1
	while [ $run -le "$RUNS" ]; do
		echo >$T/trace
		once "$@"
		eval "check_$run=\"\$(durations \"\$check_fn\")\""
		run=$((run + 1))
	done
	graph load_module
	[ $warm = 1 ] && once "$@"
	run=1
	while [ $run -le "$RUNS" ]; do
		echo >$T/trace
		before=$(self_ns)
		once "$@"
		after=$(self_ns)
		self=-
		[ "$before" != - ] && self=$(((after - before) / 1000))
		load=$(durations load_module)
		eval "check=\$check_$run"
		extra=
		[ $# -gt 1 ] && extra=" loaded $loaded"
		echo "@@BENCH $config $name $run load_us ${load% *} check_us ${check% *} calls ${check#* } self_us $self$extra"
		run=$((run + 1))
	done
	echo nop >$T/current_tracer
	echo "@@TIME $config $name $((($(uptime_cs) - t0) / 100))"
}

# every_config NAME PATH...: stock, then modver under each policy (switched through sysfs).
every_config() {
	name=$1
	measure stock check_version "$@"
	insmod $P/modver.ko policy=refuse || { echo "@@ERROR modver does not load"; return; }
	for policy in refuse warn log; do
		echo $policy >/sys/module/modver/parameters/policy ||
			echo "@@ERROR cannot switch to $policy"
		measure "$policy" modver_check_version "$@"
	done
	[ -n "$mem" ] || mem="modver coresize $(cat /sys/module/modver/coresize) initsize $(cat /sys/module/modver/initsize)"
	rmmod modver
}

mem=
for m in $MODULES; do
	every_config "$m" "$(modprobe --show-depends "$m" | tail -n 1 | sed 's/^insmod //; s/ *$//')"
done
echo "@@MEM $mem"
if [ -n "$MANY" ]; then
	# Only stock and log: the pattern is the same under every policy, and each block is 100 loads.
	name=many$(echo $MANY | wc -w)
	measure stock check_version "$name" $MANY
	insmod $P/modver.ko policy=log
	measure log modver_check_version "$name" $MANY
	rmmod modver
fi
dmesg | grep -E "modver: (replacing|summary|totals)" | grep -v "summary" | sed 's/^/@@DMESG /'
dmesg | grep -E "BUG:|Oops|WARNING:|Call Trace" | sed 's/^/@@PROBLEM /'
echo "@@DONE"
