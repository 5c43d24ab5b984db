#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Runs inside the guest (busybox sh, kmod's insmod/rmmod).  Each scenario prints a block:
#   @@BEGIN <name>   @@CMD/@@OUT/@@RC per command   @@TAINT <module> <flags|absent>
#   @@DMESG <line>   (the kernel log of that scenario)   @@END <name>
# The host (judge.sh) decides PASS or FAIL; nothing is judged here.
P=/payload
MODVER_PARAMS=/sys/module/modver/parameters

# busybox's shell would run its own insmod applet (which retries a failed load and so logs twice):
# use kmod's, which tries once and reports the kernel's error.
insmod() { /sbin/insmod "$@"; }
rmmod() { /sbin/rmmod "$@"; }

begin() {
	SCENARIO=$1
	dmesg -c >/dev/null
	echo "@@BEGIN $SCENARIO"
}

end() {
	dmesg -c | sed 's/^/@@DMESG /'
	echo "@@END $SCENARIO"
}

# try CMD...: run a command, show its output and exit code.
try() {
	echo "@@CMD $*"
	"$@" >/tmp/out 2>&1
	rc=$?
	sed 's/^/@@OUT /' /tmp/out
	echo "@@RC $rc"
	return $rc
}

taint() {
	if [ -r "/sys/module/$1/taint" ]; then
		echo "@@TAINT $1 $(cat "/sys/module/$1/taint")"
	else
		echo "@@TAINT $1 absent"
	fi
}

quiet_rmmod() {
	for m in "$@"; do
		[ -d "/sys/module/$m" ] && rmmod "$m" >/dev/null 2>&1
	done
	return 0
}

# load_fixture NAME: the load scenarios share this: (exporter v2 first for the consumer) load, taint, clean up.
load_fixture() {
	case $1 in
	mismatch)
		insmod $P/mv_exporter-v2.ko
		try insmod $P/mv_consumer.ko
		taint mv_consumer
		quiet_rmmod mv_consumer mv_exporter
		;;
	match)
		insmod $P/mv_exporter-v1.ko
		try insmod $P/mv_consumer.ko
		taint mv_consumer
		quiet_rmmod mv_consumer mv_exporter
		;;
	*)
		try insmod "$P/mv_$1.ko"
		taint "mv_$1"
		quiet_rmmod "mv_$1"
		;;
	esac
}

FIXTURES="clean match mismatch altered missing notable badlayout"
# Hostile tables (build.sh says how each is made); all but vers_outside reach check_version.
MALFORMED="ext_ok ext_contra ext_count ext_half vers_odd vers_unterm vers_dup vers_nobits vers_outside"

# What the redirect runs under: the boot log's CPU features (pointer authentication, BTI, IBT).
echo "@@BEGIN platform"
echo "@@OUT $(uname -r) $(uname -m)"
dmesg | grep -iE "CPU features: detected|CET|Indirect Branch|kprobe" | sed 's/^/@@DMESG /'
echo "@@END platform"

# The forced load of notable taints the kernel F, which switches lockdep off on a debug kernel:
# it comes last, so that lockdep watches every other baseline and everything under refuse.
for f in $FIXTURES $MALFORMED; do
	[ "$f" = notable ] && continue
	begin "baseline/$f"
	load_fixture "$f"
	end
done

for policy in refuse warn log; do
	begin "modver-load/$policy"
	try insmod $P/modver.ko policy=$policy
	try cat $MODVER_PARAMS/policy
	end
	for f in $FIXTURES; do
		begin "policy/$policy/$f"
		load_fixture "$f"
		end
	done
	# Each hostile module, then an ordinary mismatch: the next load must still be checked.
	for f in $MALFORMED; do
		begin "malformed/$policy/$f"
		load_fixture "$f"
		try insmod $P/mv_altered.ko
		quiet_rmmod mv_altered
		end
	done
	begin "modver-unload/$policy"
	try rmmod modver
	end
done

begin "sysfs-switch"
insmod $P/modver.ko
insmod $P/mv_exporter-v2.ko
try cat $MODVER_PARAMS/policy
try insmod $P/mv_consumer.ko
try sh -c "echo warn > $MODVER_PARAMS/policy"
try cat $MODVER_PARAMS/policy
try insmod $P/mv_consumer.ko
taint mv_consumer
quiet_rmmod mv_consumer
try sh -c "echo log > $MODVER_PARAMS/policy"
try insmod $P/mv_consumer.ko
taint mv_consumer
quiet_rmmod mv_consumer
try sh -c "echo refuse > $MODVER_PARAMS/policy"
try insmod $P/mv_consumer.ko
quiet_rmmod mv_consumer mv_exporter
end

begin "invalid-policy-write"
try sh -c "echo warn > $MODVER_PARAMS/policy"
try sh -c "echo lenient > $MODVER_PARAMS/policy"
try cat $MODVER_PARAMS/policy
end
quiet_rmmod modver

begin "invalid-policy-param"
try insmod $P/modver.ko policy=lenient
try test -d /sys/module/modver
end
quiet_rmmod modver

begin "layout-forced"
insmod $P/modver.ko policy=warn
try sh -c "echo 1 > $MODVER_PARAMS/force_module_layout"
try insmod $P/mv_badlayout.ko
taint mv_badlayout
quiet_rmmod mv_badlayout
try sh -c "echo 0 > $MODVER_PARAMS/force_module_layout"
try insmod $P/mv_badlayout.ko
quiet_rmmod mv_badlayout modver
end

begin "rmmod-restores-stock"
insmod $P/modver.ko policy=warn
try rmmod modver
insmod $P/mv_exporter-v2.ko
try insmod $P/mv_consumer.ko
try insmod $P/mv_notable.ko
taint mv_notable
quiet_rmmod mv_consumer mv_notable mv_exporter
end

begin "load-twice"
try insmod $P/modver.ko
try insmod $P/modver.ko policy=warn
try cat $MODVER_PARAMS/policy
insmod $P/mv_exporter-v2.ko
try insmod $P/mv_consumer.ko
quiet_rmmod mv_consumer mv_exporter
try rmmod modver
end

begin "stress-50-cycles"
insmod $P/modver.ko policy=warn
insmod $P/mv_exporter-v2.ko
ok=0
bad=0
i=1
while [ $i -le 50 ]; do
	case $((i % 3)) in
	0) policy=refuse ;;
	1) policy=warn ;;
	2) policy=log ;;
	esac
	echo $policy >$MODVER_PARAMS/policy
	if insmod $P/mv_consumer.ko 2>/dev/null; then
		got=admitted
		rmmod mv_consumer || bad=$((bad + 1))
	else
		got=refused
	fi
	want=admitted
	[ $policy = refuse ] && want=refused
	if [ $got = $want ]; then
		ok=$((ok + 1))
	else
		bad=$((bad + 1))
		echo "@@OUT cycle $i: policy $policy but $got"
	fi
	dmesg -c >>/tmp/stress.log
	i=$((i + 1))
done
# 50 cycles log a lot: keep the summaries' count and anything that looks like a kernel problem.
grep -E "BUG:|Oops|WARNING:|Call Trace" /tmp/stress.log | sed 's/^/@@DMESG /'
echo "@@STRESS summaries=$(grep -c 'mv_consumer: summary:' /tmp/stress.log)"
echo "@@STRESS ok=$ok bad=$bad"
quiet_rmmod mv_exporter
try rmmod modver
end

# The modver:modver_verdict trace event, read from tracefs.
begin "trace-event"
insmod $P/modver.ko policy=warn
insmod $P/mv_exporter-v2.ko
event=/sys/kernel/tracing/events/modver/modver_verdict
try sh -c "echo 1 > $event/enable"
echo >/sys/kernel/tracing/trace
try insmod $P/mv_consumer.ko
grep 'modver_verdict:' /sys/kernel/tracing/trace | sed 's/^.*modver_verdict: /@@TRACE /'
echo 0 >$event/enable
quiet_rmmod mv_consumer mv_exporter modver
end

begin "baseline/notable"
load_fixture notable
end

# On a kernel with kmemleak, a scan after everything: any leak is reported here.
if [ -w /sys/kernel/debug/kmemleak ]; then
	echo "@@BEGIN kmemleak"
	echo scan >/sys/kernel/debug/kmemleak
	sleep 6
	echo scan >/sys/kernel/debug/kmemleak
	sed 's/^/@@KMEMLEAK /' /sys/kernel/debug/kmemleak
	echo "@@OUT kmemleak scanned"
	echo "@@END kmemleak"
fi
