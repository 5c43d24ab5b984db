#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The demo, inside the guest: one real genksyms mismatch (mv_consumer built against mv_exporter v1,
# loaded over v2) under refuse, warn and log, switching the policy through sysfs.
P=/payload
insmod() { /sbin/insmod "$@"; }
rmmod() { /sbin/rmmod "$@"; }
# show 'COMMAND': print it as typed, then run it.
show() {
	echo "\$ $1"
	eval "$1" 2>&1
}
kernel_log() {
	dmesg -c | grep -E 'modver|mv_consumer|mv_exporter' | grep -vE 'out-of-tree|verification failed'
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
rmmod mv_exporter
rmmod modver
