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
	# What the kernel said between two scenarios (modver loaded or removed outside one) is dropped,
	# except what looks like kernel trouble: judge.sh's kernel-log-clean reads every @@DMESG line.
	if [ -n "${SCENARIO:-}" ]; then
		dmesg -c | grep -E "BUG:|Oops|WARNING:|Call Trace|UBSAN:|detected stall|blocked for more than" |
			sed 's/^/@@DMESG /'
	else
		dmesg -c >/dev/null
	fi
	SCENARIO=$1
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

# Once modver is locked: every change and rmmod must fail.
lock_checks() {
	try sh -c "echo log > $MODVER_PARAMS/policy"
	try sh -c "echo 'x* allow' > $MODVER_PARAMS/rules"
	try sh -c "echo 1 > $MODVER_PARAMS/force_module_layout"
	try sh -c "echo 0 > $MODVER_PARAMS/lock"
	try rmmod modver
	try test -d /sys/module/modver
	try cat $MODVER_PARAMS/lock $MODVER_PARAMS/policy
	try sh -c "echo all > $MODVER_PARAMS/tables"
	try sh -c "echo 0 > $MODVER_PARAMS/report_size"
}

# Once modver is locked, the ways around it root has (issue 13), where lockdown does not already
# forbid them (it refuses unsigned loads and debugfs writes): a forced unload; ftrace switched off
# (refused on x86_64, where the redirect is an ftrace ops; on arm64 kprobes are breakpoints the
# sysctl leaves alone, so enforcement must go on); every kprobe disarmed through debugfs, which
# cannot be refused: each load is then refused (fail closed), and so is every unload.
lock_bypass_checks() {
	try rmmod -f modver
	try test -d /sys/module/modver
	try sh -c "echo 0 > /proc/sys/kernel/ftrace_enabled"
	try cat /proc/sys/kernel/ftrace_enabled
	load_fixture mismatch
	load_fixture match
	echo 1 >/proc/sys/kernel/ftrace_enabled 2>/dev/null
	mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
	try sh -c "echo 0 > /sys/kernel/debug/kprobes/enabled"
	load_fixture match
	load_fixture mismatch
	try rmmod modver
	try rmmod -f modver
	try test -d /sys/module/modver
	try sh -c "echo 1 > /sys/kernel/debug/kprobes/enabled"
	load_fixture match
	load_fixture mismatch
	try grep -w modver /proc/modules
}

# An unload of modver under way when lock=1 is written (issue 13): once rmmod has made modver
# "going" (its exit then waits for an RCU-tasks grace period: a long window), the lock must be
# refused rather than claim "stays loaded" and then vanish.
lock_race() {
	insmod $P/modver.ko
	rmmod modver 2>/tmp/race-rmmod &
	while [ "$(cat /sys/module/modver/initstate 2>/dev/null)" = live ]; do :; done
	try sh -c "echo 1 > $MODVER_PARAMS/lock"
	wait
	try test -d /sys/module/modver
}

# A second, short boot (run-tests.sh adds modver_suite=lock-param to the command line) takes the
# lock at load time: on kernels with lockdown the main boot takes it at run time (see the end).
if grep -q 'modver_suite=lock-param' /proc/cmdline; then
	begin "lock-race"
	lock_race
	end
	begin "lock-param"
	try insmod $P/modver.ko lock=1
	lock_checks
	end
	begin "lock-bypass"
	lock_bypass_checks
	end
	exit 0
fi

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
# Issue 14: the stamped consumer loads on the stock kernel exactly as the plain one, matching
# (exporter v1) and mismatching (v2).
begin "stamp/stock"
for v in 1 2; do
	insmod $P/mv_exporter-v$v.ko
	for m in mv_consumer mv_consumer-stamped; do
		try insmod $P/$m.ko
		taint mv_consumer
		quiet_rmmod mv_consumer
	done
	quiet_rmmod mv_exporter
done
end
[ -f $P/guest-stress.sh ] && . $P/guest-stress.sh	# debug kernel only; here while nothing has tainted F

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

# Rules (issue 5): per symbol, per module, never relaxing module_layout, bad lists rejected whole.
begin "rules/symbol"
try insmod $P/modver.ko 'rules="mv_exported_fn warn"'
try cat $MODVER_PARAMS/rules
insmod $P/mv_exporter-v2.ko
try insmod $P/mv_consumer.ko
taint mv_consumer
try insmod $P/mv_altered.ko
quiet_rmmod mv_consumer mv_altered mv_exporter modver
end

begin "rules/module"
insmod $P/modver.ko policy=warn
try sh -c "printf 'module:mv_alt* allow\nmodule:mv_consumer refuse\n' > $MODVER_PARAMS/rules"
try cat $MODVER_PARAMS/rules
try insmod $P/mv_altered.ko
taint mv_altered
insmod $P/mv_exporter-v2.ko
try insmod $P/mv_consumer.ko
quiet_rmmod mv_altered mv_consumer mv_exporter modver
end

begin "rules/layout"
insmod $P/modver.ko 'rules="* allow"'
try insmod $P/mv_badlayout.ko
quiet_rmmod mv_badlayout modver
end

begin "rules/reject"
insmod $P/modver.ko
try sh -c "printf 'drm_* warn\nmodule:nvidia* log\n' > $MODVER_PARAMS/rules"
try sh -c "printf 'mv_* allow\nfoo explode\n' > $MODVER_PARAMS/rules"
try sh -c "printf 'one two three\n' > $MODVER_PARAMS/rules"
try cat $MODVER_PARAMS/rules
quiet_rmmod modver
try insmod $P/modver.ko 'rules="a warn;b"'
quiet_rmmod modver
end

# The report and the counters of one modver instance, after a known series of loads.
begin "report"
insmod $P/modver.ko policy=warn 'rules="module:mv_missing refuse"'
load_fixture mismatch
load_fixture clean
load_fixture missing
load_fixture notable
echo refuse >$MODVER_PARAMS/policy
load_fixture altered
load_fixture badlayout
for c in modules_checked symbols_checked mismatches missing modules_refused modules_admitted_with_offences handed_back; do
	echo "@@COUNTER $c $(cat /sys/kernel/modver/$c)"
done
sed 's/^/@@REPORT /' /sys/kernel/debug/modver/report
try sh -c "echo 2 > $MODVER_PARAMS/report_size"
sed 's/^/@@REPORT2 /' /sys/kernel/debug/modver/report
quiet_rmmod modver
end

# The dry run of each fixture, then a real load of it: the judge compares the two.
begin "dry-run"
insmod $P/modver.ko policy=warn 'rules="module:mv_missing refuse"'
dry_run() {
	echo "@@DRYRUN $1"
	cat "$P/$1.ko" >/sys/kernel/modver/dry_run &&
		sed 's/^/@@DRY /' /sys/kernel/modver/dry_run
	echo "@@DRYRC $?"
}
dry_run mv_consumer
insmod $P/mv_exporter-v2.ko
for f in consumer clean altered missing notable badlayout ext_ok ext_contra vers_odd vers_unterm vers_dup vers_nobits; do
	dry_run "mv_$f"
	insmod "$P/mv_$f.ko" 2>/dev/null
	quiet_rmmod "mv_$f"
done
if [ -x $P/modver-dump ]; then
	try $P/modver-dump --live $P/mv_consumer.ko
	try $P/modver-dump --live $P/mv_clean.ko
fi
quiet_rmmod mv_exporter
sed 's/^/@@REPORT /' /sys/kernel/debug/modver/report
try sh -c "cat $P/mv_clean.ko | head -c 100 > /sys/kernel/modver/dry_run && cat /sys/kernel/modver/dry_run"
try sh -c "cat $P/mv_clean.ko.xz > /sys/kernel/modver/dry_run && cat /sys/kernel/modver/dry_run"
quiet_rmmod modver
end

# Issue 12: images the loader reads as it does, whatever modver once made of them; each under the
# stock kernel first, then under every policy.
begin "forced/stock"
try $P/finit-module $P/mv_clean.ko 1
taint mv_clean
quiet_rmmod mv_clean
end

LOADER_LIKE="notable_class32 clean_class32 clean_data2 clean_shdrs4 clean_strnobits vers_stale badlayout_odd"
for f in $LOADER_LIKE; do
	begin "loader-like/stock/$f"
	load_fixture "$f"
	end
done
for policy in refuse warn log; do
	insmod $P/modver.ko policy=$policy
	for f in $LOADER_LIKE; do
		begin "loader-like/$policy/$f"
		load_fixture "$f"
		end
	done
	# A load that ignores modversions (modprobe --force-modversion: MODULE_INIT_IGNORE_MODVERSIONS).
	begin "forced/$policy"
	try $P/finit-module $P/mv_clean.ko 1
	taint mv_clean
	quiet_rmmod mv_clean
	end
	quiet_rmmod modver
done

# PREEMPT_RT: spinlock_t, local_lock_t, rwlock_t and mutexes sleep, so none may be taken with
# preemption or interrupts disabled (kprobe handlers).  Debian's RT kernel has no DEBUG_ATOMIC_SLEEP
# to say so unless the lock is contended: the function tracer records every entry to RT's sleeping
# locks during three loads, with the context flags of the call.  Printed: each call with a modver
# frame in its stack, as "@@RTLOCK <flags> <function> <- <callers>" (flags as in the trace:
# irqs-off, need-resched, hardirq/softirq, preempt-depth, migrate-disable).
T=/sys/kernel/tracing
if [ "$(cat /sys/kernel/realtime 2>/dev/null)" = 1 ] && [ -w $T/set_ftrace_filter ]; then
	begin "rt-sleeping-locks"
	insmod $P/modver.ko policy=warn
	insmod $P/mv_exporter-v2.ko
	for f in rt_spin_lock rt_read_lock rt_write_lock rt_mutex_lock mutex_lock \
		mutex_lock_interruptible mutex_lock_killable down down_read down_write; do
		echo $f >>$T/set_ftrace_filter 2>/dev/null
	done
	echo 1 >$T/options/func_stack_trace
	echo function >$T/current_tracer
	echo >$T/trace
	try insmod $P/mv_consumer.ko
	try insmod $P/mv_altered.ko
	try insmod $P/mv_clean.ko
	echo 0 >$T/tracing_on
	# Read before the tracer is switched off: setting current_tracer empties the buffer.
	awk 'function flush() { if (mv) print "@@RTLOCK " flags " " chain; chain = ""; mv = 0; n = 0 }
		/^ => / { if ($2 ~ /^modver_/) mv = 1
			if ($2 != "[FTRACE" && n++ < 8) chain = chain (chain == "" ? "" : " <- ") $2; next }
		/^ *[^#].*\] / { l = $0; sub(/^.*\] /, "", l); split(l, a, " "); if (a[3] == "<stack") next
			flush(); flags = a[1] }
		END { flush() }' $T/trace
	echo nop >$T/current_tracer
	echo 0 >$T/options/func_stack_trace
	echo >$T/set_ftrace_filter
	echo >$T/trace
	echo 1 >$T/tracing_on
	quiet_rmmod mv_clean mv_altered mv_consumer mv_exporter modver
	end
fi

# The loader's private structs are verified against BTF at init; BTF that cannot be read (here a
# file bound over /sys/kernel/btf/vmlinux) makes modver refuse to load.
begin "private-layout"
try insmod $P/modver.ko
quiet_rmmod modver
echo "not BTF" >/tmp/fake-btf
mount -o bind /tmp/fake-btf /sys/kernel/btf/vmlinux
try insmod $P/modver.ko
try test -d /sys/module/modver
umount /sys/kernel/btf/vmlinux
quiet_rmmod modver
end

# The loader asks again while the exporter is still coming (resolve_symbol_wait()): counted once.
begin "retry-once"
insmod $P/modver.ko policy=warn
event=/sys/kernel/tracing/events/modver/modver_verdict
echo 1 >$event/enable
echo >/sys/kernel/tracing/trace
insmod $P/mv_exporter-v2.ko init_delay_ms=4000 &
sleep 1
start=$(date +%s)
try insmod $P/mv_consumer.ko
echo "@@ELAPSED $(($(date +%s) - start))"
wait
taint mv_consumer
grep 'modver_verdict: module=mv_consumer ' /sys/kernel/tracing/trace | sed 's/^.*modver_verdict: /@@TRACE /'
echo 0 >$event/enable
quiet_rmmod mv_consumer mv_exporter modver
end

# Forty mismatches in one load, all admitted by an allow rule: they print nothing, so none of them
# is "not shown"; then the same forty under warn, where the line budget (32) holds back eight.
begin "line-budget"
insmod $P/modver.ko policy=warn 'rules="module:mv_many_user allow"'
insmod $P/mv_many-v2.ko
try insmod $P/mv_many_user.ko
quiet_rmmod mv_many_user
try sh -c "echo > $MODVER_PARAMS/rules"
try insmod $P/mv_many_user.ko
quiet_rmmod mv_many_user mv_many modver
end

# tables=all: every table the module carries must agree with the kernel; back to kernel after.
begin "tables-all"
try insmod $P/modver.ko tables=all
try cat $MODVER_PARAMS/tables
load_fixture ext_contra
load_fixture vers_stale
load_fixture clean
try sh -c "echo kernel > $MODVER_PARAMS/tables"
load_fixture ext_contra
try sh -c "echo some > $MODVER_PARAMS/tables"
quiet_rmmod modver
end

begin "baseline/notable"
load_fixture notable
end

# 32,768 version entries named to collide in modver's old unkeyed index: the load under modver
# takes no more than twice the stock time (medians of nine).
begin "collide-time"
try $P/load-time $P/mv_collide.ko mv_collide 9
insmod $P/modver.ko
try $P/load-time $P/mv_collide.ko mv_collide 9
quiet_rmmod modver
end

# Issue 14: load-time explanations for real modules of an older ABI (Debian 6.12 payloads only).
[ -f $P/guest-explain.sh ] && [ -f $P/old-abi/list ] && . $P/guest-explain.sh

# The lock, last: a locked modver stays loaded until reboot.  Where the kernel has lockdown, first
# lockdown's refusals of weaker settings, then a lock taken at run time; without it, the lock
# given as a load-time parameter.  (Lockdown also refuses every later unsigned insmod.)
mount -t securityfs securityfs /sys/kernel/security 2>/dev/null
if [ -w /sys/kernel/security/lockdown ]; then
	begin "lockdown"
	insmod $P/modver.ko
	try sh -c "echo integrity > /sys/kernel/security/lockdown"
	try sh -c "echo warn > $MODVER_PARAMS/policy"
	try sh -c "echo 'mv_* allow' > $MODVER_PARAMS/rules"
	try sh -c "echo 'mv_* refuse' > $MODVER_PARAMS/rules"
	try sh -c "echo 'x* refuse' > $MODVER_PARAMS/rules"
	try sh -c "printf 'mv_* refuse\nx* refuse\n' > $MODVER_PARAMS/rules"
	try sh -c "echo 1 > $MODVER_PARAMS/force_module_layout"
	try sh -c "echo refuse > $MODVER_PARAMS/policy"
	try cat $MODVER_PARAMS/policy $MODVER_PARAMS/rules
	try sh -c "echo all > $MODVER_PARAMS/tables"
	try sh -c "echo kernel > $MODVER_PARAMS/tables"
	try rmmod modver
	try rmmod -f modver
	try test -d /sys/module/modver
	end
	begin "lock"
	try sh -c "echo 1 > $MODVER_PARAMS/lock"
else
	begin "lock"
	try insmod $P/modver.ko lock=1
fi
lock_checks
end
# Without lockdown nothing forbids the bypasses: try them here (with it, the second boot does).
if [ ! -w /sys/kernel/security/lockdown ]; then
	begin "lock-bypass"
	lock_bypass_checks
	end
fi

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
