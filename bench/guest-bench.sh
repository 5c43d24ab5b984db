#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Runs inside the guest: load each module RUNS times without modver and with it under each
# policy, timing load_module() and the version check with the function_graph tracer, and with
# modver also by its own clock (/sys/kernel/modver/check_time_ns, untraced).  Prints
#   @@BENCH <config> <module> <run> load_us <n> check_us <n> calls <n> self_us <n|->
# and the host (run.sh) computes medians and ratios.
P=/payload
T=/sys/kernel/tracing
RUNS=$(cat /bench/runs)
MODULES=$(cat /bench/modules)
insmod() { /sbin/insmod "$@"; }
rmmod() { /sbin/rmmod "$@"; }
modprobe() { /sbin/modprobe "$@"; }

# graph FUNCTION: trace FUNCTION only, one level deep, so each call costs the same two hooks.
graph() {
	echo nop >$T/current_tracer
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

# Dependencies first, once: only the measured module is loaded and removed in the runs.
for m in $MODULES; do
	modprobe "$m" || { echo "@@ERROR modprobe $m failed"; dmesg | tail -n 5 | sed 's/^/@@ERROR /'; }
	rmmod "$m"
done

measure() {
	config=$1
	check_fn=$2
	for m in $MODULES; do
		path=$(modprobe --show-depends "$m" | tail -n 1 | sed 's/^insmod //; s/ *$//')
		run=1
		while [ $run -le "$RUNS" ]; do
			graph load_module
			insmod "$path" || echo "@@ERROR insmod $m failed under $config"
			load=$(durations load_module)
			rmmod "$m"
			graph "$check_fn"
			insmod "$path"
			check=$(durations "$check_fn")
			rmmod "$m"
			# modver's own clock, untraced: the tracer's cost per call is the difference.
			self=-
			if [ -r /sys/kernel/modver/check_time_ns ]; then
				echo nop >$T/current_tracer
				before=$(cat /sys/kernel/modver/check_time_ns)
				insmod "$path"
				self=$((($(cat /sys/kernel/modver/check_time_ns) - before) / 1000))
				rmmod "$m"
			fi
			echo "@@BENCH $config $m $run load_us ${load% *} check_us ${check% *} calls ${check#* } self_us $self"
			run=$((run + 1))
		done
	done
	echo nop >$T/current_tracer
}

measure stock check_version
for policy in refuse warn log; do
	insmod $P/modver.ko policy=$policy
	measure "$policy" modver_check_version
	echo "@@MEM modver coresize $(cat /sys/module/modver/coresize) initsize $(cat /sys/module/modver/initsize)"
	rmmod modver
done
dmesg | grep -E "modver: (replacing|summary|totals)" | grep -v "summary" | sed 's/^/@@DMESG /'
dmesg | grep -E "BUG:|Oops|WARNING:|Call Trace" | sed 's/^/@@PROBLEM /'
