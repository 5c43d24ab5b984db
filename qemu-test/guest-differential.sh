#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Runs inside the guest (busybox sh, kmod's insmod/rmmod): the differential test of issue 12.
# Loads every mutant of /payload/mutants (qemu-test/tools/mutate.c; its manifest lists them)
# under the stock kernel, then under modver with each policy, and prints per load
#   @@MUT <id> <phase> rc=<insmod exit code> taint=<module taint flags|-|absent>
# on the console at once, so that a hang is pinned to the mutant being loaded.  The kernel lines
# of each load are collected from the log a batch at a time (one dmesg per batch, not per load:
# every process started costs dearly under TCG) and printed as
#   @@K @@LOAD <id> <phase>      (a marker this script writes into the kernel log before the load)
#   @@K <kernel line>            (what the kernel and modver said during that load)
# Nothing is judged here: qemu-test/judge-differential.sh does that on the host.
P=/payload
MUTANTS=$P/mutants
BATCH=8

# Markers written to /dev/kmsg must not be rate-limited away (10 lines per 5 s by default).
echo on >/proc/sys/kernel/printk_devkmsg

# flush_log: the kernel lines since the last flush, without timestamps and without the
# fixtures' own "NAME: loaded" line (rc says so), prefixed for the host.
flush_log() {
	dmesg -c | sed -n -e 's/^\[ *[0-9.]*\] //' -e '/^mv_[a-z]*: loaded$/d' -e 's/^/@@K /p'
}

# run_phase PHASE: load, record and unload every mutant once.
run_phase() {
	phase=$1
	n=0
	read -r up _ </proc/uptime
	echo "@@PHASE $phase begin $up"
	while read -r id module rest; do
		case $id in '#'*) continue ;; esac
		echo "@@LOAD $id $phase" >/dev/kmsg
		/sbin/insmod "$MUTANTS/$id.ko" 2>/dev/null
		rc=$?
		taint=absent
		if [ -d "/sys/module/$module" ]; then
			read -r taint <"/sys/module/$module/taint"
			taint=${taint:--}
			# A module left loaded would make every later load of its name fail.  busybox's
			# rmmod is the same delete_module() call as kmod's, without loading kmod's libraries.
			busybox rmmod "$module" 2>/dev/null || echo "@@STUCK $id $phase $module"
		fi
		echo "@@MUT $id $phase rc=$rc taint=$taint"
		n=$((n + 1))
		[ $((n % BATCH)) -eq 0 ] && flush_log
	done <"$MUTANTS/manifest"
	flush_log
	read -r up _ </proc/uptime
	echo "@@PHASE $phase end $up $n"
}

dmesg -c >/dev/null
run_phase stock
for policy in refuse warn log; do
	echo "@@MODVER load $policy"
	/sbin/insmod $P/modver.ko policy=$policy
	echo "@@MODVER rc=$? policy=$(cat /sys/module/modver/parameters/policy 2>/dev/null)"
	flush_log
	run_phase "$policy"
	/sbin/rmmod modver
	echo "@@MODVER unload rc=$?"
	flush_log
done
echo "@@DIFFERENTIAL done"
