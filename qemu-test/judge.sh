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
	if kernel_refuses_first "$1"; then echo "$1-kernel-refuses-first"; else echo "$1-reaches-check_version"; fi
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

judge_malformed() {
	local p=$1 f=$2 mod=mv_$2 reason
	reason=$(malformed_reason "$f")
	B=$(block "malformed/$p/$f")
	no_stock_messages
	if kernel_refuses_first "$f"; then
		rcs '!0' "$([ "$p" = refuse ] && echo '!0' || echo 0)"
		lacks "modver: $mod:"
	elif [ "$f" = ext_ok ]; then
		rcs 0 "$([ "$p" = refuse ] && echo '!0' || echo 0)"
		tainted $mod no
		summary $mod "$p" extended 0 0 admitted
	elif [ "$f" = ext_contra ]; then
		if [ "$p" = refuse ]; then rcs '!0' '!0'; tainted $mod absent; else rcs 0 0; tainted $mod yes; fi
		has "$(offence_line $mod _printk mismatch "$EXT_CONTRA_CRC" "$KCRC_PRINTK" "$p")"
		summary $mod "$p" extended 1 0 "$([ "$p" = refuse ] && echo refused || echo 'admitted, tainted F')"
	elif [ "$p" = refuse ]; then
		rcs '!0' '!0'; tainted $mod absent
		has "modver: $mod: malformed version table ($reason): refused (policy refuse)"
		summary $mod "$p" malformed 0 0 refused
	else
		rcs 0 0; tainted $mod yes
		has "modver: $mod: malformed version table ($reason): admitted, tainted F (policy $p)"
		summary $mod "$p" malformed 0 0 "admitted, tainted F"
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
	got=$("$MODVER_DUMP" --symvers "$KSYMVERS" "${symvers[@]}" --policy "$p" "$ko" 2>&1)
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

B=$clean_log
has "@@EXIT 0"
# BUG: and WARNING: cover KASAN, lockdep and sleep-in-atomic reports; UBSAN has its own.
for bad in "BUG:" "Oops" "WARNING:" "Call Trace" "UBSAN:" "KASAN"; do
	checks=$((checks + 1))
	! grep -q "^@@DMESG.*$bad" <<<"$B" || fail "kernel log has '$bad': $(grep -m1 "^@@DMESG.*$bad" <<<"$B")"
done
verdict kernel-log-clean "no BUG/Oops/WARNING/Call Trace/UBSAN/KASAN in any scenario"

B=$(block kmemleak)
if [ -n "$B" ]; then
	lacks "unreferenced object"
	has "@@OUT kmemleak scanned"
	verdict kmemleak-clean "kmemleak scan after every scenario"
fi
