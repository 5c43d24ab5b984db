#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The demo, inside the guest: one real genksyms mismatch (mv_consumer built against mv_exporter v1,
# loaded over v2) under refuse, warn and log, switching the policy through sysfs; then a rule, the
# report, a dry run and the lock.
P=/payload
insmod() { /sbin/insmod "$@"; }
rmmod() { /sbin/rmmod "$@"; }
# show 'COMMAND': print it as typed, then run it.
show() {
	echo "\$ $1"
	eval "$1" 2>&1
}
kernel_log() {
	dmesg -c | grep -E 'modver|mv_consumer|mv_exporter|mv_altered' |
		grep -vE 'out-of-tree|verification failed'
}

dmesg -c >/dev/null
echo "=== the stock kernel: mv_consumer (built against mv_exporter v1) over mv_exporter v2"
insmod $P/mv_exporter-v2.ko
show "insmod $P/mv_consumer.ko"
kernel_log
echo
echo "=== modver loaded (policy refuse, the default)"
show "insmod $P/modver.ko"
show "cat /sys/module/modver/parameters/policy"
show "insmod $P/mv_consumer.ko"
kernel_log
for policy in warn log; do
	echo
	echo "=== policy $policy"
	show "echo $policy > /sys/module/modver/parameters/policy"
	show "insmod $P/mv_consumer.ko"
	show "cat /sys/module/mv_consumer/taint"
	rmmod mv_consumer
	kernel_log
done
echo
echo "=== an invalid policy is rejected and the policy stays"
show "echo lenient > /sys/module/modver/parameters/policy"
show "cat /sys/module/modver/parameters/policy"
kernel_log
echo
echo "=== a rule: tolerate this one known mismatch under refuse, nothing else"
show "echo refuse > /sys/module/modver/parameters/policy"
show "echo 'mv_exported_fn warn' > /sys/module/modver/parameters/rules"
show "insmod $P/mv_consumer.ko"
show "insmod $P/mv_altered.ko"
rmmod mv_consumer
kernel_log
echo
echo "=== the report of the last checked modules"
show "tail -n 6 /sys/kernel/debug/modver/report"
echo
echo "=== a dry run: would mv_altered load here? (nothing is loaded)"
show "$P/modver-dump --live $P/mv_altered.ko; echo exit \$?"
echo
echo "=== the lock: nothing changes and modver stays until reboot"
show "echo 1 > /sys/module/modver/parameters/lock"
show "echo warn > /sys/module/modver/parameters/policy"
show "rmmod modver"
kernel_log
rmmod mv_exporter
