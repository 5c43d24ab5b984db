# SPDX-License-Identifier: GPL-2.0
# Sourced by guest-scenarios.sh (busybox sh; its begin, end and quiet_rmmod) where
# scripts/build.sh put it into the payload: on the debug kernel (KASAN, lockdep, kmemleak,
# panic_on_warn=1) only.  One scenario, judged by judge.sh:
#
# unload/load stress: four loaders load and unload renamed fixtures in parallel (a clean module,
# admitted; one with an altered _printk CRC, refused; a consumer that finds its exporter absent,
# coming or live, and so often waits in resolve_symbol_wait(); that exporter, v1 or v2, with a slow
# init), while the foreground loads modver (policy cycling refuse, warn, log) and removes it again,
# for at least STRESS_SECONDS of guest wall time.  rmmod modver then meets loads in flight: their
# per-load records live in kretprobe instances that unregister_kretprobe() gives back.
#
# A module rule refuses the stress modules' offences under every policy: an admission would taint
# the kernel F and switch lockdep off (LOCKDEP_NOW_UNRELIABLE), and lockdep must watch it all.
# The kernel log is drained every cycle; only splat lines (with some context) and counts are
# printed.  Should a report panic the guest (panic_on_warn), panic_console_replay puts the whole
# log on the console, so the report is in the boot log even then.
#
# At least 60 s; a longer hunt: modver_stress_seconds=N on the kernel command line.
STRESS_SECONDS=$(sed -n 's/.*modver_stress_seconds=\([0-9][0-9]*\).*/\1/p' /proc/cmdline)
[ "${STRESS_SECONDS:-0}" -ge 60 ] || STRESS_SECONDS=60
STRESS_SPLAT='BUG:|Oops|WARNING:|kernel BUG|KASAN|UBSAN|Call Trace|general protection|possible recursive locking|circular locking dependency|inconsistent lock state|suspicious RCU usage|Invalid wait context|Kernel panic'
STRESS_MODULES="mvs_clean1 mvs_altered2 mvs_consumer3 mvs_exporter1 mvs_exporter2"
KMEMLEAK=/sys/kernel/debug/kmemleak

# Static loaders: an exec of kmod (dynamic, libcrypto) costs about a second under TCG with KASAN,
# more than the load itself.  finit-module FILE FLAGS [PARAMS]; busybox's rmmod.
stress_insmod() {	# FILE [PARAMS]
	$P/finit-module "$1" 0 "${2:-}" 2>/dev/null
}
stress_rmmod() {
	busybox rmmod "$@" 2>/dev/null
}

# stress_loader N: loader N's loop until /tmp/stress.stop; its rounds and admitted loads are
# written to /tmp/stress.count.N at the end.  Results are ignored: they depend on the race.
stress_loader() {
	rounds=0
	loaded=0
	while [ ! -e /tmp/stress.stop ]; do
		case $1 in
		1) stress_insmod $P/mvs_clean1.ko && loaded=$((loaded + 1))
		   stress_rmmod mvs_clean1 ;;
		2) stress_insmod $P/mvs_altered2.ko && loaded=$((loaded + 1))
		   stress_rmmod mvs_altered2 ;;
		3) stress_insmod $P/mvs_consumer3.ko && loaded=$((loaded + 1))
		   stress_rmmod mvs_consumer3 ;;
		4) # v1 (the consumer matches) and v2 (it mismatches) in turn, COMING for 100-499 ms,
		   # then absent for a while: loads that wait, and windows where none does.
		   v=$((rounds % 2 + 1))
		   stress_insmod $P/mvs_exporter$v.ko init_delay_ms=$((100 + rounds * 53 % 400)) &&
			loaded=$((loaded + 1))
		   stress_rmmod mvs_exporter1
		   stress_rmmod mvs_exporter2
		   sleep 1 ;;
		esac
		rounds=$((rounds + 1))
	done
	echo "$rounds $loaded" >/tmp/stress.count.$1
}

# kmemleak_entries: the objects kmemleak reports now, whole entries, one "unreferenced object"
# line each followed by its details.
kmemleak_entries() {
	echo scan >$KMEMLEAK
	cat $KMEMLEAK
}

begin "stress-unload-load"
rm -f /tmp/stress.stop /tmp/stress.count.* /tmp/stress.log
replay=/sys/module/kernel/parameters/panic_console_replay
replay_was=$(cat $replay 2>/dev/null)
[ -w $replay ] && echo 1 >$replay
echo "@@OUT start: debug_locks $(sed -n 's/^ *debug_locks: *//p' /proc/lockdep_stats 2>/dev/null), tainted $(cat /proc/sys/kernel/tainted)"
# What kmemleak reports before the stress is not the stress's.
[ -w $KMEMLEAK ] && kmemleak_entries | sed -n 's/^unreferenced object \(0x[0-9a-f]*\).*/\1/p' >/tmp/kmemleak.before

for n in 1 2 3 4; do stress_loader $n & done
# The foreground ahead of the loaders while it loads modver (BTF checked at init: seconds of TCG
# time; at equal priority a cycle took about 10 s), level with them while it removes modver.
renice -n -10 -p $$ >/dev/null
start=$(date +%s)
cycles=0
busy=0
stuck=
while [ $(($(date +%s) - start)) -lt $STRESS_SECONDS ]; do
	case $((cycles % 3)) in
	0) policy=refuse ;;
	1) policy=warn ;;
	2) policy=log ;;
	esac
	stress_insmod $P/modver.ko "policy=$policy rules=\"module:mvs_* refuse\"" ||
		echo "@@OUT cycle $cycles: loading modver.ko policy=$policy failed"
	sleep 0.0$((cycles % 10))
	# rmmod at the loaders' priority: loads in flight go on while modver unregisters its probes.
	renice 0 -p $$ >/dev/null
	# rmmod fails (EAGAIN) while a replacement call holds modver: try again, a bounded time.
	tries=0
	while ! stress_rmmod modver; do
		busy=$((busy + 1))
		tries=$((tries + 1))
		if [ $tries -ge 200 ] || [ ! -d /sys/module/modver ]; then
			break
		fi
		sleep 0.05
	done
	renice -n -10 -p $$ >/dev/null
	dmesg -c >>/tmp/stress.log
	cycles=$((cycles + 1))
	if [ -d /sys/module/modver ]; then
		stuck=y
		echo "@@OUT cycle $cycles: modver still loaded after $tries rmmod attempts"
		break
	fi
done
elapsed=$(($(date +%s) - start))
renice 0 -p $$ >/dev/null
touch /tmp/stress.stop
# A loader stuck in the kernel must not hang the suite: wait a bounded time.
waited=0
while [ $waited -lt 120 ]; do
	[ "$(ls /tmp/stress.count.* 2>/dev/null | wc -l)" -eq 4 ] && break
	sleep 1
	waited=$((waited + 1))
done
[ -n "$stuck" ] || quiet_rmmod modver
quiet_rmmod mvs_consumer3 $STRESS_MODULES
dmesg -c >>/tmp/stress.log

echo "@@OUT duration $elapsed s"
echo "@@OUT modver cycles $cycles, rmmod retries $busy"
for n in 1 2 3 4; do
	if [ -r /tmp/stress.count.$n ]; then
		read -r rounds loaded </tmp/stress.count.$n
		echo "@@OUT loader $n rounds $rounds loaded $loaded"
	else
		echo "@@OUT loader $n did not stop within 120 s"
	fi
done
echo "@@OUT modules left: $(grep -oE '^(modver|mvs_[a-z0-9]+) ' /proc/modules | tr -d '\n')."
echo "@@OUT end: debug_locks $(sed -n 's/^ *debug_locks: *//p' /proc/lockdep_stats 2>/dev/null), tainted $(cat /proc/sys/kernel/tainted)"
echo "@@OUT log: $(grep -c 'modver: replacing check_version' /tmp/stress.log) loaded, $(grep -c 'modver: check_version restored' /tmp/stress.log) restored, $(grep -c ': summary: .*: admitted$' /tmp/stress.log) summaries admitted, $(grep -c ': summary: .*: refused$' /tmp/stress.log) refused, $(grep -c 'loads were not tracked' /tmp/stress.log) untracked-load notes, $(wc -l </tmp/stress.log) lines"
# Each splat line and the 40 after it, 400 lines at most.
awk -v re="$STRESS_SPLAT" '$0 ~ re { ctx = 41 } ctx > 0 && n < 400 { print "@@DMESG " $0; ctx--; n++ }' /tmp/stress.log

if [ -w $KMEMLEAK ]; then
	# kmemleak reports only objects older than 5 s.
	sleep 6
	kmemleak_entries >/tmp/kmemleak.after
	awk 'FILENAME == ARGV[1] { before[$1] = 1; next }
	     /^unreferenced object / { show = !($3 in before); if (show) n++ }
	     show && lines < 200 { print "@@KMEMLEAK " $0; lines++ }' /tmp/kmemleak.before /tmp/kmemleak.after
	echo "@@OUT kmemleak scanned: $(grep -c '^unreferenced object' /tmp/kmemleak.after) unreferenced objects, $(wc -l </tmp/kmemleak.before) of them reported before the stress"
fi
[ -w $replay ] && echo "${replay_was:-N}" >$replay
end
