#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# judge.sh LOG EXPECT_ENV LABEL: judge the guest's scenario output (guest-scenarios.sh) on the host.
# Prints one "PASS|FAIL LABEL SCENARIO detail" line per scenario.  The expected CRCs come from the
# build (build.sh's expect.env), so every log line is checked against the values genksyms produced.
set -uo pipefail

# With MODVER_DUMP set to a modver-dump binary, also checks that it agrees with modver.ko.
log=${1:?usage: judge.sh LOG EXPECT_ENV LABEL}
TABLE_KIND=basic	# expect.env says "extended" for a CONFIG_EXTENDED_MODVERSIONS kernel
. "${2:?usage: judge.sh LOG EXPECT_ENV LABEL}"
label=${3:?usage: judge.sh LOG EXPECT_ENV LABEL}

B=		# the scenario's block
problems=()	# what failed in the scenario being judged
checks=0

# The serial console ends lines with CR LF.
clean_log=$(tr -d '\r' <"$log")
block() {
	awk -v s="$1" '$0 == "@@BEGIN " s { on = 1 } on { print } $0 == "@@END " s { on = 0 }' <<<"$clean_log"
}
fail() { problems+=("$*"); }

# has TEXT / lacks TEXT: a fixed string in the scenario's kernel log or command output.
has() {
	checks=$((checks + 1))
	grep -qF -- "$1" <<<"$B" || fail "missing line: $1"
}
lacks() {
	checks=$((checks + 1))
	! grep -qF -- "$1" <<<"$B" || fail "unexpected line: $(grep -F -m1 -- "$1" <<<"$B")"
}
# lines_are N REGEX WHY: exactly N lines of the scenario match the extended REGEX.
lines_are() {
	checks=$((checks + 1))
	[ "$(grep -cE -- "$2" <<<"$B")" = "$1" ] || fail "$3"
}
# rcs EXPECTED...: the exit codes of the scenario's commands, in order; "!0" means any failure.
rcs() {
	local got want i
	checks=$((checks + 1))
	got=$(sed -n 's/^@@RC //p' <<<"$B" | tr '\n' ' ')
	read -ra got_a <<<"$got"
	want=("$@")
	if [ ${#got_a[@]} -ne ${#want[@]} ]; then
		fail "exit codes [${got% }], expected [${want[*]}]"
		return
	fi
	for i in "${!want[@]}"; do
		if [ "${want[$i]}" = "!0" ] && [ "${got_a[$i]}" != 0 ]; then continue; fi
		[ "${want[$i]}" = "${got_a[$i]}" ] && continue
		fail "exit codes [${got% }], expected [${want[*]}]"
		return
	done
}
# tainted MODULE yes|no|absent: the module's own taint flags (F = TAINT_FORCED_MODULE).
tainted() {
	local t
	checks=$((checks + 1))
	t=$(sed -n "s/^@@TAINT $1 //p" <<<"$B" | head -n 1)
	case $2 in
	yes) [[ $t != absent && $t == *F* ]] || fail "$1 taint '$t', expected F" ;;
	no) [[ $t != absent && $t != *F* ]] || fail "$1 taint '$t', expected loaded without F" ;;
	absent) [ "$t" = absent ] || fail "$1 is loaded (taint '$t'), expected refused" ;;
	esac
}
# summary MODULE POLICY TABLE MISMATCHED MISSING DECISION: modver's one summary line for the load.
summary() {
	has "modver: $1: summary: checked "
	checks=$((checks + 1))
	grep -qE "^@@DMESG \[ *[0-9.]+\] modver: $1: summary: checked [0-9]+, matched [0-9]+, mismatched $4, missing $5, unversioned [0-9]+, table $3, policy $2: $6\$" <<<"$B" ||
		fail "summary of $1 is not 'mismatched $4, missing $5, table $3, policy $2: $6'"
}

verdict() {
	local scenario=$1 detail=${2:-}
	if [ -z "$B" ]; then
		problems=("no output: the guest did not reach this scenario")
	fi
	if [ ${#problems[@]} -eq 0 ]; then
		echo "PASS $label $scenario ($checks checks${detail:+; $detail})"
	else
		echo "FAIL $label $scenario: $(printf '%s; ' "${problems[@]}")"
	fi
	problems=()
	checks=0
}

# The stock kernel's own messages: they must not appear while modver owns the check.
no_stock_messages() {
	lacks "disagrees about version of symbol"
	lacks "no symbol version for"
	lacks "kernel tainted."
}

# Why modver calls each hostile table malformed; empty for those it reads as valid.
malformed_reason() {
	case $1 in
	ext_count) echo "more __version_ext_crcs than __version_ext_names" ;;
	ext_half) echo "only one of __version_ext_crcs and __version_ext_names present" ;;
	vers_odd) echo "__versions size is not a multiple of the entry size" ;;
	vers_unterm) echo "__versions entry name not NUL-terminated" ;;
	vers_dup) echo "a name appears twice in the version table" ;;
	vers_nobits) echo "version section without contents (SHT_NOBITS)" ;;
	esac
}
# Which hostile modules the loader itself refuses before any version check: a section outside the
# file everywhere; on 6.14+ kernels also extended tables with a half missing or more CRCs than names.
kernel_refuses_first() {
	case $1 in
	vers_outside) return 0 ;;
	ext_count | ext_half) [ "$TABLE_KIND" = extended ] ;;
	*) return 1 ;;
	esac
}
# The test name says whether the kernel's own checks let the module through to check_version.
malformed_name() {
	if kernel_refuses_first "$1"; then
		echo "$1-kernel-refuses-first"
	elif extended_unread "$1"; then
		echo "$1-unread-by-this-kernel"
	else
		echo "$1-reaches-check_version"
	fi
}

judge_baseline() {
	local f=$1
	B=$(block "baseline/$f")
	lacks "modver:"
	case $f in
	clean) rcs 0; tainted mv_clean no ;;
	match) rcs 0; tainted mv_consumer no ;;
	mismatch)
		rcs '!0'; tainted mv_consumer absent
		has "mv_consumer: disagrees about version of symbol mv_exported_fn"
		checks=$((checks + 1))
		[ "$V1_CRC" != "$V2_CRC" ] && [ "$CONSUMER_CRC" = "$V1_CRC" ] ||
			fail "genksyms gave v1 $V1_CRC, v2 $V2_CRC, consumer table $CONSUMER_CRC"
		;;
	altered) rcs '!0'; has "mv_altered: disagrees about version of symbol _printk" ;;
	missing)
		if [ "$TABLE_KIND" = extended ]; then
			# 6.14+: a symbol missing from the extended tables passes, with a one-time warning.
			rcs 0; tainted mv_missing no
			has "mv_missing: no extended symbol version for _printk"
		else
			rcs '!0'; has "mv_missing: no symbol version for _printk"
		fi
		;;
	notable) rcs 0; tainted mv_notable yes ;;
	badlayout) rcs '!0'; has "mv_badlayout: disagrees about version of symbol module_layout" ;;
	ext_contra)
		if [ "$TABLE_KIND" = extended ]; then
			rcs '!0'; has "mv_ext_contra: disagrees about version of symbol _printk"
		else
			rcs 0; tainted mv_ext_contra no	# Debian's kernels read __versions alone
		fi
		;;
	ext_count | ext_half)
		if kernel_refuses_first "$f"; then rcs '!0'; tainted "mv_$f" absent; else rcs 0; tainted "mv_$f" no; fi
		;;
	ext_ok | vers_odd | vers_dup | vers_nobits)
		# The kernel reads only as many whole entries as fit, and the first of two.
		rcs 0; tainted "mv_$f" no ;;
	vers_unterm) rcs '!0'; has "mv_vers_unterm: no symbol version for _printk" ;;
	vers_outside) rcs '!0'; tainted mv_vers_outside absent ;;
	esac
	case $f in
	ext_* | vers_*) verdict "baseline/$(malformed_name "$f")" "stock kernel" ;;
	*) verdict "baseline/$f" "stock kernel" ;;
	esac
}

# Which hostile modules carry extended tables that this kernel never reads (no
# CONFIG_EXTENDED_MODVERSIONS): modver, like the kernel, reads their __versions, which is sound.
extended_unread() {
	[ "$TABLE_KIND" = basic ] && case $1 in ext_*) true ;; *) false ;; esac
}

judge_malformed() {
	local p=$1 f=$2 mod=mv_$2 reason note=""
	reason=$(malformed_reason "$f")
	B=$(block "malformed/$p/$f")
	no_stock_messages
	if kernel_refuses_first "$f"; then
		rcs '!0' "$([ "$p" = refuse ] && echo '!0' || echo 0)"
		lacks "modver: $mod:"
	elif extended_unread "$f" || [ "$f" = ext_ok ]; then
		rcs 0 "$([ "$p" = refuse ] && echo '!0' || echo 0)"
		tainted $mod no
		lacks "modver: $mod: _printk:"
		summary $mod "$p" "$TABLE_KIND" 0 0 admitted
	elif [ "$f" = ext_contra ]; then
		if [ "$p" = refuse ]; then rcs '!0' '!0'; tainted $mod absent; else rcs 0 0; tainted $mod yes; fi
		has "$(offence_line $mod _printk mismatch "$EXT_CONTRA_CRC" "$KCRC_PRINTK" "$p")"
		summary $mod "$p" extended 1 0 "$([ "$p" = refuse ] && echo refused || echo 'admitted, tainted F')"
	else
		# A table in doubt leaves module_layout unverified: refused under every policy.
		[ "$p" != refuse ] && note=", module_layout cannot be verified"
		rcs '!0' "$([ "$p" = refuse ] && echo '!0' || echo 0)"; tainted $mod absent
		has "modver: $mod: malformed version table ($reason): refused (policy $p$note)"
		summary $mod "$p" malformed 0 0 refused
	fi
	# The next load after it is checked as usual.
	has "$(offence_line mv_altered _printk mismatch "$ALTERED_CRC" "$KCRC_PRINTK" "$p")"
	verdict "malformed/$p/$(malformed_name "$f")" "policy $p"
}

# dump_equivalence POLICY FIXTURE: modver-dump, given this kernel's Module.symvers, prints the
# very lines modver.ko logged for the fixture in the guest, and the same decision.
dump_equivalence() {
	local p=$1 f=$2 scenario=$3 mod=mv_$2 ko symvers=() want got rc dump_rc
	ko=$PAYLOAD/mv_$f.ko
	case $f in
	mismatch) mod=mv_consumer ko=$PAYLOAD/mv_consumer.ko symvers=(--symvers "$V2_SYMVERS") ;;
	match) mod=mv_consumer ko=$PAYLOAD/mv_consumer.ko symvers=(--symvers "$V1_SYMVERS") ;;
	esac
	B=$(block "$scenario")
	checks=$((checks + 2))
	got=$("$MODVER_DUMP" --kernel-format "$TABLE_KIND" --symvers "$KSYMVERS" "${symvers[@]}" \
		--policy "$p" "$ko" 2>&1)
	dump_rc=$?
	rc=$(sed -n 's/^@@RC //p' <<<"$B" | head -n 1)
	if kernel_refuses_first "$f"; then
		# The kernel refuses it before any version check; modver-dump can only agree on refusal.
		[ "$dump_rc" = 1 ] && [ "$rc" != 0 ] || fail "modver-dump exit $dump_rc, insmod exit $rc"
	else
		[ "$dump_rc" = "$([ "$rc" = 0 ] && echo 0 || echo 1)" ] ||
			fail "modver-dump exit $dump_rc, insmod exit $rc"
		want=$(sed -n "s/^@@DMESG \[ *[0-9.]*\] modver: \($mod: .*\)/\1/p" <<<"$B" | sort)
		got=$(sed -n 's/^log: //p' <<<"$got" | sort)
		[ "$want" = "$got" ] || fail "modver.ko logged [$(tr '\n' '|' <<<"$want")] but modver-dump printed [$(tr '\n' '|' <<<"$got")]"
	fi
	verdict "dump-equivalence/$p/$f" "modver-dump agrees with modver.ko"
}

# The symbol line modver prints for an offence, exactly.
offence_line() {	# MODULE SYMBOL OUTCOME MODULE_CRC KERNEL_CRC POLICY
	local action="admitted, tainted F (policy $6)"
	[ "$6" = refuse ] && action="refused (policy refuse)"
	echo "modver: $1: $2: $3, module crc $4, kernel crc $5: $action"
}

judge_policy() {
	local p=$1 f=$2 admits=yes decision="admitted, tainted F"
	[ "$p" = refuse ] && admits=no && decision=refused
	B=$(block "policy/$p/$f")
	no_stock_messages
	case $f in
	clean) rcs 0; tainted mv_clean no; summary mv_clean "$p" "$TABLE_KIND" 0 0 admitted ;;
	match) rcs 0; tainted mv_consumer no; summary mv_consumer "$p" "$TABLE_KIND" 0 0 admitted ;;
	mismatch | altered | missing)
		local mod=mv_$f sym=_printk mcrc=$ALTERED_CRC kcrc=$KCRC_PRINTK outcome=mismatch mm=1 mi=0
		[ $f = mismatch ] && mod=mv_consumer sym=mv_exported_fn mcrc=$CONSUMER_CRC kcrc=$V2_CRC
		[ $f = missing ] && mcrc=none outcome=missing mm=0 mi=1
		if [ $admits = yes ]; then rcs 0; tainted $mod yes; else rcs '!0'; tainted $mod absent; fi
		has "$(offence_line $mod $sym $outcome "$mcrc" "$kcrc" "$p")"
		summary $mod "$p" "$TABLE_KIND" $mm $mi "$decision"
		;;
	notable)
		if [ $admits = yes ]; then
			rcs 0; tainted mv_notable yes
			has "modver: mv_notable: no version table: admitted, tainted F (policy $p)"
		else
			rcs '!0'; tainted mv_notable absent
			has "modver: mv_notable: no version table: refused (policy refuse)"
		fi
		summary mv_notable "$p" none 0 0 "$decision"
		;;
	badlayout)
		local note=""
		[ "$p" != refuse ] && note=", module_layout is structural"
		rcs '!0'; tainted mv_badlayout absent
		has "modver: mv_badlayout: module_layout: mismatch, module crc $BADLAYOUT_CRC, kernel crc $KCRC_LAYOUT: refused (policy $p$note)"
		summary mv_badlayout "$p" "$TABLE_KIND" 1 0 refused
		;;
	esac
	verdict "policy/$p/$f" "policy $p"
}

B=$(block platform)
case $label in
*/arm64)
	has " aarch64"
	# The redirect must be exercised with pointer authentication and BTI active.
	has "CPU features: detected: Address authentication"
	has "CPU features: detected: Branch Target Identification"
	verdict platform "pointer authentication and BTI active"
	;;
*)
	has " x86_64"
	verdict platform
	;;
esac

MALFORMED="ext_ok ext_contra ext_count ext_half vers_odd vers_unterm vers_dup vers_nobits vers_outside"
for f in clean match mismatch altered missing notable badlayout $MALFORMED; do judge_baseline $f; done

# Issue 14: the stamped consumer, on the stock kernel, exactly as the plain one.
B=$(block stamp/stock)
lacks "modver:"
rcs 0 0 '!0' '!0'
lines_are 2 'mv_consumer: disagrees about version of symbol mv_exported_fn' "each v2 load refused"
checks=$((checks + 1))
taints=$(sed -n 's/^@@TAINT mv_consumer //p' <<<"$B" | tr '\n' ' ')
[ "$taints" = "$(sed -n 's/^@@TAINT mv_consumer //p' <<<"$B" | sed -n '1p;1p;3p;3p' | tr '\n' ' ')" ] ||
	fail "stamped and plain loads differ in taint: $taints"
verdict stamp/stock "stamped mv_consumer loads and is refused as the plain one, same taint"

for p in refuse warn log; do
	B=$(block "modver-load/$p")
	rcs 0 0
	has "@@OUT $p"
	has "modver: replacing check_version, policy $p"
	verdict "modver-load/$p"
	for f in clean match mismatch altered missing notable badlayout; do judge_policy $p $f; done
	for f in $MALFORMED; do judge_malformed $p $f; done
	if [ -n "${MODVER_DUMP:-}" ]; then
		for f in clean match mismatch altered missing notable badlayout; do
			dump_equivalence $p $f "policy/$p/$f"
		done
		for f in $MALFORMED; do dump_equivalence $p $f "malformed/$p/$f"; done
	fi
	B=$(block "modver-unload/$p")
	rcs 0
	has "modver: check_version restored"
	verdict "modver-unload/$p"
done

B=$(block sysfs-switch)
rcs 0 '!0' 0 0 0 0 0 0 '!0'
has "@@OUT refuse"
has "@@OUT warn"
has "modver: policy changed from refuse to warn by pid"
has "modver: policy changed from warn to log by pid"
has "modver: policy changed from log to refuse by pid"
has "$(offence_line mv_consumer mv_exported_fn mismatch "$CONSUMER_CRC" "$V2_CRC" refuse)"
has "$(offence_line mv_consumer mv_exported_fn mismatch "$CONSUMER_CRC" "$V2_CRC" warn)"
has "$(offence_line mv_consumer mv_exported_fn mismatch "$CONSUMER_CRC" "$V2_CRC" log)"
tainted mv_consumer yes
verdict sysfs-switch "refuse -> warn -> log -> refuse between loads"

B=$(block invalid-policy-write)
rcs 0 '!0' 0
has "@@OUT warn"
has "modver: invalid policy 'lenient' (expected refuse, warn or log); policy stays warn"
verdict invalid-policy-write "-EINVAL, policy unchanged"

B=$(block invalid-policy-param)
rcs '!0' '!0'
has "modver: invalid policy 'lenient' (expected refuse, warn or log); policy stays refuse"
verdict invalid-policy-param "insmod policy=lenient refused"

B=$(block layout-forced)
rcs 0 0 0 '!0'
tainted mv_badlayout yes
has "modver: force_module_layout set by pid"
has "modver: mv_badlayout: module_layout: mismatch, module crc $BADLAYOUT_CRC, kernel crc $KCRC_LAYOUT: admitted, tainted F (policy warn)"
has "modver: mv_badlayout: module_layout: mismatch, module crc $BADLAYOUT_CRC, kernel crc $KCRC_LAYOUT: refused (policy warn, module_layout is structural)"
verdict layout-forced "force_module_layout=1 admits, =0 refuses again"

B=$(block rmmod-restores-stock)
rcs 0 '!0' 0
has "mv_consumer: disagrees about version of symbol mv_exported_fn"
lacks "modver: mv_consumer"
tainted mv_notable yes
verdict rmmod-restores-stock "stock messages and force-load after rmmod"

B=$(block load-twice)
rcs 0 '!0' 0 '!0' 0
has "File exists"
has "@@OUT refuse"
has "$(offence_line mv_consumer mv_exported_fn mismatch "$CONSUMER_CRC" "$V2_CRC" refuse)"
verdict load-twice "second insmod fails with EEXIST, the first instance keeps working"

B=$(block trace-event)
rcs 0 0
has "@@TRACE module=mv_consumer symbol=mv_exported_fn module_crc=$CONSUMER_CRC kernel_crc=$V2_CRC outcome=mismatch action=admit_taint"
has "@@TRACE module=mv_consumer symbol=_printk module_crc=$KCRC_PRINTK kernel_crc=$KCRC_PRINTK outcome=match action=admit"
has "@@TRACE module=mv_consumer symbol=module_layout module_crc=$KCRC_LAYOUT kernel_crc=$KCRC_LAYOUT outcome=match action=admit"
verdict trace-event "modver:modver_verdict read from tracefs, both CRCs"

B=$(block stress-50-cycles)
has "@@STRESS ok=50 bad=0"
has "@@STRESS summaries=50"
rcs 0
verdict stress-50-cycles "50 insmod/rmmod cycles, policy switched each cycle"

# --- unload/load stress on the debug kernel (qemu-test/guest-stress.sh) --------------------------
# Floors from measurement under TCG on the shared 2-core host, beside two other guests: 8 modver
# cycles and 6-14 rounds per loader in 63 s (15 cycles a minute over 600 s on a quieter host).
# Half of that: a loaded host still passes, a hang or a stuck loader does not.
STRESS_MIN_CYCLES=4
STRESS_MIN_ROUNDS=3
case $label in
7.3-debug/*)
	B=$(block stress-unload-load)
	stress_out() { sed -n "s/^@@OUT $1/p" <<<"$B" | head -n 1; }
	checks=$((checks + 1))
	duration=$(stress_out 'duration \([0-9]*\) s$/\1')
	[ "${duration:-0}" -ge 60 ] || fail "ran ${duration:-?} s, not at least 60"
	checks=$((checks + 1))
	cycles=$(stress_out 'modver cycles \([0-9]*\),.*/\1')
	[ "${cycles:-0}" -ge $STRESS_MIN_CYCLES ] || fail "modver cycled ${cycles:-?} times, fewer than $STRESS_MIN_CYCLES"
	has "@@OUT log: ${cycles:-?} loaded, ${cycles:-?} restored, "
	rounds=
	for n in 1 2 3 4; do
		checks=$((checks + 1))
		read -r r l <<<"$(stress_out "loader $n rounds \\([0-9]*\\) loaded \\([0-9]*\\)$/\\1 \\2")"
		rounds=$rounds${rounds:+/}${r:-?}
		[ "${r:-0}" -ge $STRESS_MIN_ROUNDS ] || fail "loader $n: ${r:-no} rounds, fewer than $STRESS_MIN_ROUNDS"
		# mvs_altered2 (loader 2) is refused by the kernel and by modver's rule alike; the others load.
		if [ $n = 2 ]; then
			[ "${l:-x}" = 0 ] || fail "mvs_altered2 was admitted ${l:-?} times"
		else
			[ "${l:-0}" -ge 1 ] || fail "loader $n never loaded its module"
		fi
	done
	has "@@OUT modules left: ."
	# Lockdep watched throughout: nothing switched it off (an F taint would).
	has "@@OUT start: debug_locks 1,"
	has "@@OUT end: debug_locks 1,"
	for bad in "BUG: KASAN" "possible recursive locking" "circular locking dependency" \
		"inconsistent lock state" "suspicious RCU usage" "Invalid wait context" "BUG:" "Oops" \
		"WARNING:" "kernel BUG" "UBSAN:" "general protection fault" "Call Trace" "Kernel panic"; do
		lacks "$bad"
	done
	# Leaks: objects that kmemleak did not report before the stress.
	has "@@OUT kmemleak scanned: "
	lacks "@@KMEMLEAK unreferenced object"
	# No panic: the boot went on to the next scenario.
	checks=$((checks + 1))
	awk '$0 == "@@END stress-unload-load" { e = 1; next } e && /^@@BEGIN / { ok = 1 } END { exit !ok }' <<<"$clean_log" ||
		fail "the guest did not reach the scenario after the stress"
	verdict stress-unload-load "${duration:-?} s, ${cycles:-?} modver cycles (refuse/warn/log), loader rounds $rounds, lockdep on, no report, no leak"
	;;
esac

# --- Issue 5: rules, report, dry run, lock -------------------------------------------------------

# rule_line MODULE SYMBOL OUTCOME MODULE_CRC KERNEL_CRC ACTION RULE_NO RULE POLICY [NOTE]
rule_line() {
	echo "modver: $1: $2: $3, module crc $4, kernel crc $5: $6 (rule $7 '$8', policy $9${10:-})"
}

B=$(block rules/symbol)
rcs 0 0 0 '!0'
has "@@OUT mv_exported_fn warn"
has "$(rule_line mv_consumer mv_exported_fn mismatch "$CONSUMER_CRC" "$V2_CRC" "admitted, tainted F" 1 'mv_exported_fn warn' refuse)"
tainted mv_consumer yes
has "$(offence_line mv_altered _printk mismatch "$ALTERED_CRC" "$KCRC_PRINTK" refuse)"
verdict rules/symbol "a symbol rule admits one mismatch under refuse, the rest stays refused"

B=$(block rules/module)
rcs 0 0 0 '!0'
has "@@OUT module:mv_alt* allow"
has "@@OUT module:mv_consumer refuse"
has "modver: rules replaced by pid"
tainted mv_altered yes
lacks "modver: mv_altered: _printk:"
summary mv_altered warn "$TABLE_KIND" 1 0 "admitted, tainted F"
has "$(rule_line mv_consumer mv_exported_fn mismatch "$CONSUMER_CRC" "$V2_CRC" refused 2 'module:mv_consumer refuse' warn)"
verdict rules/module "module rules: allow (quiet, still tainted) and refuse under warn"

B=$(block rules/layout)
rcs '!0'
has "$(rule_line mv_badlayout module_layout mismatch "$BADLAYOUT_CRC" "$KCRC_LAYOUT" refused 1 '* allow' refuse ', module_layout is structural')"
verdict rules/layout "'* allow' does not relax module_layout"

B=$(block rules/reject)
rcs 0 '!0' '!0' 0 '!0'
has "modver: rules rejected, line 2 'foo explode': unknown action (expected refuse, warn, log or allow); the previous rules stay in force"
has "modver: rules rejected, line 1 'one two three': a rule has exactly two fields: pattern and action; the previous rules stay in force"
has "modver: rules rejected, line 2 'b': a rule needs a pattern and an action; the previous rules stay in force"
has "@@OUT drm_* warn"
has "@@OUT module:nvidia* log"
lacks "@@OUT mv_* allow"
lines_are 2 '^@@OUT [^ ]+ (refuse|warn|log|allow)$' "the read-back list is not exactly the two good rules"
verdict rules/reject "bad lists rejected whole with -EINVAL, naming the line; the old list stays"

# field LINE KEY: the value of KEY= in a report line.
field() { tr ' ' '\n' <<<"$1" | sed -n "s/^$2=//p" | head -n 1; }
# record_head TAG MODULE: the first line of MODULE's last record among the @@TAG lines.
record_head() { sed -n "s/^@@$1 \(module name=$2 .*\)/\1/p" <<<"$B" | tail -n 1; }
# expect_head TAG MODULE KEY=VALUE...: fields of MODULE's record head.
expect_head() {
	local tag=$1 mod=$2 head kv
	shift 2
	head=$(record_head "$tag" "$mod")
	checks=$((checks + 1))
	[ -n "$head" ] || { fail "no $tag record for $mod"; return; }
	for kv in "$@"; do
		[ "$(field "$head" "${kv%%=*}")" = "${kv#*=}" ] || fail "$mod record has ${kv%%=*}=$(field "$head" "${kv%%=*}"), expected ${kv#*=}"
	done
}

B=$(block report)
for mod in mv_exporter mv_consumer mv_clean mv_missing mv_notable mv_altered mv_badlayout; do
	expect_head REPORT $mod source=load
done
expect_head REPORT mv_exporter policy=warn decision=admit result=0
expect_head REPORT mv_consumer policy=warn decision=admit_taint "table=$TABLE_KIND" mismatched=1 missing=0 result=0 omitted=0
has "@@REPORT symbol module=mv_consumer name=mv_exported_fn outcome=mismatch module_crc=$CONSUMER_CRC kernel_crc=$V2_CRC action=admit_taint rule=none"
expect_head REPORT mv_clean policy=warn decision=admit mismatched=0 missing=0 result=0
lacks "@@REPORT symbol module=mv_clean "
expect_head REPORT mv_missing policy=warn decision=refuse missing=1
has "@@REPORT symbol module=mv_missing name=_printk outcome=missing module_crc=none kernel_crc=$KCRC_PRINTK action=refuse rule=1:module:mv_missing:refuse"
expect_head REPORT mv_notable policy=warn decision=admit_taint table=none result=0
has "@@REPORT symbol module=mv_notable name=module_layout outcome=no_table module_crc=none kernel_crc=$KCRC_LAYOUT action=admit_taint rule=none"
expect_head REPORT mv_altered policy=refuse decision=refuse mismatched=1
has "@@REPORT symbol module=mv_altered name=_printk outcome=mismatch module_crc=$ALTERED_CRC kernel_crc=$KCRC_PRINTK action=refuse rule=none"
expect_head REPORT mv_badlayout policy=refuse decision=refuse mismatched=1 result=-8
has "@@REPORT symbol module=mv_badlayout name=module_layout outcome=mismatch module_crc=$BADLAYOUT_CRC kernel_crc=$KCRC_LAYOUT action=refuse rule=none"
checks=$((checks + 2))
for mod in mv_missing mv_altered; do
	[ "$(field "$(record_head REPORT $mod)" result)" != 0 ] || fail "$mod record says result=0 for a refused load"
done
# Times and sequence numbers: wall-clock seconds since 2020, strictly increasing sequence.
heads=$(sed -n 's/^@@REPORT \(module .*\)/\1/p' <<<"$B")
prev=0
while read -r h; do
	checks=$((checks + 1))
	seq=$(field "$h" seq) t=$(field "$h" time)
	[ "$seq" -gt "$prev" ] && [ "${t%.*}" -gt 1577836800 ] || fail "record '$h': bad seq or time"
	prev=$seq
done <<<"$heads"
# The counters agree with the records they count.
sum() { local s=0 h; while read -r h; do s=$((s + $(field "$h" "$1"))); done <<<"$heads"; echo $s; }
counter() { sed -n "s/^@@COUNTER $1 //p" <<<"$B"; }
checks=$((checks + 7))
[ "$(counter modules_checked)" = 7 ] || fail "modules_checked $(counter modules_checked), expected 7"
[ "$(counter modules_refused)" = 3 ] || fail "modules_refused $(counter modules_refused), expected 3"
[ "$(counter modules_admitted_with_offences)" = 2 ] || fail "modules_admitted_with_offences $(counter modules_admitted_with_offences), expected 2"
[ "$(counter mismatches)" = 3 ] && [ "$(sum mismatched)" = 3 ] || fail "mismatches $(counter mismatches), records $(sum mismatched), expected 3"
[ "$(counter missing)" = 1 ] || fail "missing $(counter missing), expected 1"
[ "$(counter symbols_checked)" = "$(sum checked)" ] || fail "symbols_checked $(counter symbols_checked), records $(sum checked)"
[ "$(counter handed_back)" = 0 ] || fail "handed_back $(counter handed_back)"
rcs 0 0 '!0' 0 '!0' '!0' 0
checks=$((checks + 1))
[ "$(sed -n 's/^@@REPORT2 module name=\([^ ]*\) .*/\1/p' <<<"$B" | tr '\n' ' ')" = "mv_altered mv_badlayout " ] ||
	fail "report_size=2 keeps [$(sed -n 's/^@@REPORT2 module name=\([^ ]*\) .*/\1/p' <<<"$B" | tr '\n' ' ')], expected the last two"
verdict report "7 records field by field against the fixtures' CRCs, counters, report_size"

B=$(block dry-run)
# dry_block MODULE N: the Nth dry run of MODULE (its @@DRY lines).
dry_block() {
	awk -v m="$1" -v n="$2" '$0 == "@@DRYRUN " m { k++; on = (k == n); next } /^@@DRYRC/ { on = 0 } on' <<<"$B" |
		sed -n 's/^@@DRY //p'
}
d=$(dry_block mv_consumer 1)
checks=$((checks + 2))
grep -q "^module name=mv_consumer source=dry_run .* decision=refuse .* mismatched=0 .* unresolved=2 " <<<"$d" ||
	fail "dry run without the exporter: $(head -n 1 <<<"$d")"
grep -qxF "symbol module=mv_consumer name=mv_exported_fn outcome=unresolved module_crc=$CONSUMER_CRC kernel_crc=none action=refuse rule=none" <<<"$d" ||
	fail "dry run without the exporter does not call mv_exported_fn unresolved"
d=$(dry_block mv_consumer 2)
for want in "symbol module=mv_consumer name=module_layout outcome=match module_crc=$KCRC_LAYOUT kernel_crc=$KCRC_LAYOUT action=admit rule=none" \
	"symbol module=mv_consumer name=mv_exported_fn outcome=mismatch module_crc=$CONSUMER_CRC kernel_crc=$V2_CRC action=admit_taint rule=none" \
	"symbol module=mv_consumer name=_printk outcome=match module_crc=$KCRC_PRINTK kernel_crc=$KCRC_PRINTK action=admit rule=none"; do
	checks=$((checks + 1))
	grep -qxF "$want" <<<"$d" || fail "dry run of mv_consumer lacks '$want'"
done
compared=0
for f in consumer clean altered missing notable badlayout ext_ok ext_contra vers_odd vers_unterm vers_dup vers_nobits; do
	mod=mv_$f n=1
	[ $f = consumer ] && n=2
	d=$(dry_block $mod $n)
	real_head=$(record_head REPORT $mod)
	dry_head=$(head -n 1 <<<"$d")
	checks=$((checks + 2))
	if [ -z "$real_head" ] || [ -z "$dry_head" ]; then
		fail "$mod: no real-load record or no dry run"
		continue
	fi
	# A refused module_layout ends a real load before the other symbols are asked, and the dry
	# run stops there too.
	keys="policy decision table checked matched mismatched missing unversioned"
	for k in $keys; do
		[ "$(field "$dry_head" $k)" = "$(field "$real_head" $k)" ] ||
			fail "$mod: dry run $k=$(field "$dry_head" $k), real load $k=$(field "$real_head" $k)"
	done
	want=$(sed -n "s/^@@REPORT \(symbol module=$mod .*\)/\1/p" <<<"$B")
	got=$(grep "^symbol " <<<"$d" | grep -v " outcome=match ")
	[ "$want" = "$got" ] || fail "$mod: real load [$(tr '\n' '|' <<<"$want")], dry run [$(tr '\n' '|' <<<"$got")]"
	compared=$((compared + 1))
done
if grep -q "^@@CMD /payload/modver-dump --live" <<<"$B"; then
	rcs 0 0 '!0' '!0'
	has "@@OUT symbol module=mv_consumer name=mv_exported_fn outcome=mismatch module_crc=$CONSUMER_CRC kernel_crc=$V2_CRC action=admit_taint rule=none"
	has "@@OUT module name=mv_clean source=dry_run "
else
	rcs '!0' '!0'
fi
has "modver: dry run: the loader would refuse it: Invalid ELF section header overflow"
has "modver: dry run: not a module image (compressed: decompress it first, as modver-dump --live does)"
verdict dry-run "$compared fixtures: dry-run verdicts equal the real loads' report lines; modver-dump --live"

# --- Issue 12: never weaker than the kernel --------------------------------------------------------

# stock_rc FIXTURE: the stock kernel's exit code for a loader-like fixture.
stock_rc() { block "loader-like/stock/$1" | sed -n 's/^@@RC //p' | head -n 1; }

# Images the loader reads whatever their ELF class or data byte, table offset or name table type:
# modver decides every one of them itself (a summary line), as the loader reads it.
for p in refuse warn log; do
	for f in clean_class32 clean_data2 clean_shdrs4 clean_strnobits; do
		B=$(block "loader-like/$p/$f")
		if [ "$(stock_rc $f)" = 0 ]; then
			rcs 0; tainted mv_$f no
			summary mv_$f "$p" "$TABLE_KIND" 0 0 admitted
			lacks "decision handed back"
		else
			# The loader refuses it before any version check (6.12+: a name table not SHT_STRTAB).
			rcs '!0'; tainted mv_$f absent
			lacks "modver: mv_$f:"
		fi
		verdict "loader-like/$p/$f" "stock rc $(stock_rc $f)"
	done

	B=$(block "loader-like/$p/notable_class32")
	if [ $p = refuse ]; then
		rcs '!0'; tainted mv_notable_class32 absent
		has "modver: mv_notable_class32: no version table: refused (policy refuse)"
		summary mv_notable_class32 refuse none 0 0 refused
	else
		rcs 0; tainted mv_notable_class32 yes
		summary mv_notable_class32 "$p" none 0 0 "admitted, tainted F"
	fi
	verdict "loader-like/$p/notable_class32" "ELF class byte 1: decided by modver, not handed back"

	# __versions disagrees with consistent extended tables: only a 6.14+ kernel reads the latter.
	B=$(block "loader-like/$p/vers_stale")
	if [ "$TABLE_KIND" = extended ]; then
		rcs 0; tainted mv_vers_stale no
		summary mv_vers_stale "$p" extended 0 0 admitted
	else
		has "$(offence_line mv_vers_stale _printk mismatch "$ALTERED_CRC" "$KCRC_PRINTK" "$p")"
		if [ $p = refuse ]; then
			rcs '!0'; tainted mv_vers_stale absent
			summary mv_vers_stale refuse basic 1 0 refused
		else
			rcs 0; tainted mv_vers_stale yes
			summary mv_vers_stale "$p" basic 1 0 "admitted, tainted F"
		fi
	fi
	verdict "loader-like/$p/vers_stale" "the table the kernel reads ($TABLE_KIND)"

	B=$(block "loader-like/$p/badlayout_odd")
	rcs '!0'; tainted mv_badlayout_odd absent
	note=""
	[ $p != refuse ] && note=", module_layout cannot be verified"
	has "modver: mv_badlayout_odd: malformed version table (__versions size is not a multiple of the entry size): refused (policy $p$note)"
	verdict "loader-like/$p/badlayout_odd" "a padded table with a bad module_layout stays refused"

	B=$(block "forced/$p")
	if [ $p = refuse ]; then
		rcs '!0'; tainted mv_clean absent
		has "modver: mv_clean: version table ignored (MODULE_INIT_IGNORE_MODVERSIONS, modprobe --force-modversion): refused (policy refuse)"
	else
		rcs 0; tainted mv_clean yes
		has "modver: mv_clean: version table ignored (MODULE_INIT_IGNORE_MODVERSIONS, modprobe --force-modversion): admitted, tainted F (policy $p)"
	fi
	summary mv_clean "$p" none 0 0 "$([ $p = refuse ] && echo refused || echo 'admitted, tainted F')"
	verdict "forced/$p" "finit_module with MODULE_INIT_IGNORE_MODVERSIONS keeps its taint F"
done

B=$(block "loader-like/stock/vers_stale")
if [ "$TABLE_KIND" = extended ]; then rcs 0; else rcs '!0'; has "mv_vers_stale: disagrees about version of symbol _printk"; fi
verdict "loader-like/stock/vers_stale" "stock kernel reads the $TABLE_KIND table"
B=$(block "loader-like/stock/badlayout_odd")
rcs '!0'; has "mv_badlayout_odd: disagrees about version of symbol module_layout"
verdict "loader-like/stock/badlayout_odd" "stock kernel"
B=$(block "loader-like/stock/notable_class32")
rcs 0; tainted mv_notable_class32 yes
verdict "loader-like/stock/notable_class32" "stock kernel force-loads it"
B=$(block "forced/stock")
rcs 0; tainted mv_clean yes
verdict "forced/stock" "stock kernel: forced load, taint F"

B=$(block private-layout)
rcs 0 '!0' '!0'
has "modver: private struct layouts verified against /sys/kernel/btf/vmlinux ("
has "modver: cannot verify the loader's private structs (load_info, find_symbol_arg, module_use) against BTF: /sys/kernel/btf/vmlinux is malformed: "
has "; refusing to load"
verdict private-layout "load_info and find_symbol_arg verified against BTF; unreadable BTF refuses the load"

B=$(block line-budget)
rcs 0 0 0
lines_are 2 "modver: mv_many_user: summary: checked [0-9]+, matched [0-9]+, mismatched 40, missing 0, " \
	"two loads of mv_many_user, each with 40 mismatches, expected"
lines_are 32 "modver: mv_many_user: mv_many_[0-9]+: mismatch, .*: admitted, tainted F \\(policy warn\\)" \
	"the second load should print exactly 32 per-symbol lines"
lines_are 1 "modver: mv_many_user: 8 more offending symbols not shown" \
	"only the second load holds lines back, exactly 8"
verdict line-budget "allow-silenced verdicts use none of the 32-line budget; warn holds back the rest"

B=$(block tables-all)
# The extended table contradicts __versions: refused wherever some table disagrees; with
# tables=kernel only a kernel that reads the extended table (6.14+) refuses it.
rcs 0 0 '!0' '!0' 0 0 "$([ "$TABLE_KIND" = extended ] && echo '!0' || echo 0)" '!0'
has "@@OUT all"
has "$(offence_line mv_ext_contra _printk mismatch "$EXT_CONTRA_CRC" "$KCRC_PRINTK" refuse)"
has "$(offence_line mv_vers_stale _printk mismatch "$ALTERED_CRC" "$KCRC_PRINTK" refuse)"
summary mv_clean refuse "$TABLE_KIND" 0 0 admitted
has "modver: tables changed from all to kernel by pid"
has "modver: invalid tables 'some' (expected kernel or all); tables stays kernel"
verdict tables-all "every table checked: a disagreement in any is an offence; switched back at run time"

B=$(block retry-once)
rcs 0
tainted mv_consumer yes
checks=$((checks + 3))
[ "$(sed -n 's/^@@ELAPSED //p' <<<"$B")" -ge 2 ] 2>/dev/null ||
	fail "the consumer did not wait for its exporter (elapsed $(sed -n 's/^@@ELAPSED //p' <<<"$B") s): no retry to count"
lines_are 1 "modver: mv_consumer: mv_exported_fn: mismatch, module crc $CONSUMER_CRC, kernel crc $V2_CRC: admitted, tainted F \\(policy warn\\)" \
	"the retried mismatch is not logged exactly once"
traced=$(sed -n 's/^@@TRACE module=mv_consumer symbol=\([^ ]*\) .*/\1/p' <<<"$B")
[ -n "$traced" ] && [ -z "$(sort <<<"$traced" | uniq -d)" ] ||
	fail "trace events per symbol: $(sort <<<"$traced" | uniq -c | tr '\n' ' ')"
checked=$(sed -n 's/.*modver: mv_consumer: summary: checked \([0-9]*\),.*/\1/p' <<<"$B")
[ "$checked" = "$(wc -l <<<"$traced")" ] ||
	fail "summary says checked $checked, $(wc -l <<<"$traced") symbols traced"
verdict retry-once "resolve_symbol_wait() retries decided, counted, logged and traced once"

B=$(block lockdown)
if [ -n "$B" ]; then
	rcs 0 '!0' '!0' 0 '!0' 0 '!0' 0 0 0 '!0' '!0' '!0' 0
	has "modver: unload refused: the kernel is locked down and unloading modver would restore the weaker stock check (pid"
	has "modver: tables change refused: the kernel is locked down and the change would weaken enforcement (pid"
	has "modver: policy change refused: the kernel is locked down and the change would weaken enforcement (pid"
	has "modver: rules change refused: the kernel is locked down and the change would weaken enforcement (pid"
	has "modver: force_module_layout change refused: the kernel is locked down and the change would weaken enforcement (pid"
	has "@@OUT refuse"
	has "@@OUT mv_* refuse"
	has "@@OUT x* refuse"
	lines_are 2 'rules change refused: the kernel is locked down' \
		"expected two refused rule lists (a relaxing rule, a rule in force dropped)"
	verdict lockdown "under lockdown=integrity: weaker policy, relaxing or dropped rules, force_module_layout and rmmod (-f) refused; stricter changes pass"
fi

# judge_lock SCENARIO: a locked modver refuses every change and rmmod, logging who asked.
judge_lock() {
	B=$(block "$1")
	rcs 0 '!0' '!0' '!0' '!0' '!0' 0 0 '!0' '!0'
	has "modver: tables change refused: modver is locked until reboot (pid"
	has "modver: report_size change refused: modver is locked until reboot (pid"
	has "modver: locked by pid"
	has "modver: policy change refused: modver is locked until reboot (pid"
	has "modver: rules change refused: modver is locked until reboot (pid"
	has "modver: force_module_layout change refused: modver is locked until reboot (pid"
	has "modver: lock change refused: modver is locked until reboot (pid"
	has "modver: unload refused: modver is locked until reboot (pid"
	has "Operation not permitted"
	has "@@OUT Y"
	has "@@OUT refuse"
	verdict "$1" "$(grep -q 'modver.ko lock=1' <<<"$B" && echo 'taken at load time' || echo 'taken at run time'): policy, rules, force_module_layout, lock and rmmod refused with EPERM and logged"
}
judge_lock lock
# Where the main boot locked at run time (after lockdown), a second boot locked at load time.
[ -n "$(block lockdown)" ] && judge_lock lock-param

# The ways around a locked modver (issue 13): each refused, or detected and failed closed.
B=$(block lock-bypass)
disarmed="refused: kprobes are disarmed (debugfs kprobes/enabled is 0), so modver verified none of its symbol versions"
case $label in
*/amd64)	# the redirect is an ftrace ops there: switching ftrace off is refused (EBUSY for the
	# PERMANENT ops; 7.x refuses the write to 0 altogether, EOPNOTSUPP)
	ftrace_rc='!0' ftrace_now=1
	ftrace_detail="ftrace_enabled=0 refused ($(sed -n 's/^@@OUT sh: write error: //p' <<<"$B" | head -n 1))" ;;
*)		# kprobes are breakpoints: the sysctl does not touch them, enforcement goes on
	ftrace_rc=0 ftrace_now=0 ftrace_detail="ftrace_enabled=0 leaves the breakpoint redirect alone" ;;
esac
rcs '!0' 0 "$ftrace_rc" 0 '!0' 0 0 '!0' '!0' '!0' '!0' 0 0 0 '!0' 0
has "@@OUT $ftrace_now"
has "modver: unload refused: modver is locked until reboot (pid"
has "modver: mv_exporter: $disarmed"
lines_are 2 "modver: mv_consumer: mv_exported_fn: mismatch, module crc $CONSUMER_CRC, kernel crc $V2_CRC: refused \\(policy refuse\\)" \
	"the mismatch before disarming and the one after re-arming: expected one refusal by modver each"
has "modver,"
lacks "check_version restored"
verdict lock-bypass "rmmod -f refused; $ftrace_detail; kprobes disarmed: every load refused (fail closed), rmmod and rmmod -f refused; re-armed: enforcing again"

B=$(block lock-race)
if [ -n "$B" ]; then
	rcs '!0' '!0'
	lacks "modver: locked by pid"
	verdict lock-race "lock=1 during an unload of modver: $(grep -q 'lock refused: an unload of modver is under way' <<<"$B" && echo 'refused (EBUSY)' || echo 'too late: modver already gone'), never 'stays loaded' and then gone"
fi

B=$(block collide-time)
rcs 0 0
stock_us=$(sed -n 's/^@@OUT load-time mv_collide median_us=\([0-9]*\).*/\1/p' <<<"$B" | sed -n 1p)
modver_us=$(sed -n 's/^@@OUT load-time mv_collide median_us=\([0-9]*\).*/\1/p' <<<"$B" | sed -n 2p)
checks=$((checks + 1))
[ -n "$stock_us" ] && [ -n "$modver_us" ] && [ "$modver_us" -le $((2 * stock_us)) ] ||
	fail "32,768 colliding names: modver ${modver_us:-?} us against stock ${stock_us:-?} us (limit 2x)"
verdict collide-time "32,768 FNV-colliding names: stock ${stock_us:-?} us, modver ${modver_us:-?} us (medians of 9)"

# Issue 14: load-time explanations (Debian 6.12 only; the scenario's own file).
. "$(dirname "$0")/judge-explain.sh"

B=$clean_log
has "@@EXIT 0"
# BUG: and WARNING: cover KASAN, lockdep and sleep-in-atomic reports; UBSAN has its own.  The
# atomic-context reports (PREEMPT_RT: a sleeping lock with preemption off) are named as well, so
# the failure says which; RCU stalls and hung tasks have no BUG:/WARNING: prefix.
for bad in "BUG:" "Oops" "WARNING:" "Call Trace" "UBSAN:" "KASAN" \
	"sleeping function called from invalid context" "scheduling while atomic" \
	"using smp_processor_id() in preemptible" "Invalid wait context" \
	"possible recursive locking" "inconsistent lock state" "detected stall" "blocked for more than"; do
	checks=$((checks + 1))
	! grep -q "^@@DMESG.*$bad" <<<"$B" || fail "kernel log has '$bad': $(grep -m1 "^@@DMESG.*$bad" <<<"$B")"
done
verdict kernel-log-clean "no BUG/Oops/WARNING/Call Trace/UBSAN/KASAN, atomic-context or lockdep report, RCU stall or hung task in any scenario"

# PREEMPT_RT kernels only: RT's sleeping locks entered from modver code, as the function tracer saw
# them (flags: irqs-off, need-resched, hardirq/softirq, preempt-depth, migrate-disable).  Those in
# process context prove the tracer saw modver's calls; any with interrupts or preemption off fail.
B=$(block rt-sleeping-locks)
if [ -n "$B" ]; then
	rcs 0 0 0
	checks=$((checks + 2))
	grep -qE '^@@RTLOCK [.b].\.\.. ' <<<"$B" ||
		fail "no sleeping lock traced from modver in process context: the tracer saw nothing"
	bad=$(grep '^@@RTLOCK ' <<<"$B" | grep -vE '^@@RTLOCK [.b].\.\.. ' | sed 's/^@@RTLOCK //' | sort | uniq -c |
		sed 's/^ *\([0-9]*\) /\1x /')
	[ -z "$bad" ] || fail "sleeping lock with interrupts or preemption disabled: $(head -n 3 <<<"$bad" | paste -sd '|' | sed 's/|/, /g')"
	verdict rt-sleeping-locks "$(grep -c '^@@RTLOCK ' <<<"$B") sleeping-lock calls from modver traced, none with interrupts or preemption off"
fi

B=$(block kmemleak)
if [ -n "$B" ]; then
	lacks "unreferenced object"
	has "@@OUT kmemleak scanned"
	verdict kmemleak-clean "kmemleak scan after every scenario"
fi
