# SPDX-License-Identifier: GPL-2.0
# Sourced by judge.sh (its helpers, $label and its arguments): the "explain" scenario of
# qemu-test/guest-explain.sh (issue 14).  Real modules of an older Debian 6.12 ABI
# (scripts/old-abi.sh: old-abi.env beside expect.env) loaded into the current 6.12 kernel:
#  - stamped, every mismatching import gets its root changes in the kernel log (after the verdict
#    line), in the report ("explain" lines) and in the modver_explain trace event, and they are
#    the ones modver-dump --explain finds on the host from the same stamp and the same kernel's BTF;
#  - unstamped, the report says "unstamped" and points to modver-dump --explain, the log says nothing
#    more and no BTF is read;
#  - the verdicts, summaries and taints of stamped and unstamped loads are the same (explanations
#    decide nothing), under warn, log and refuse;
#  - loads whose imports all match read no BTF and spend no time explaining (the counters).
explain_env=$(dirname "$2")/old-abi.env
B=$(block explain)
if [ -s "$explain_env" ] && [ -z "$B" ]; then
	verdict explain		# the guest did not reach it: "no output"
elif [ -s "$explain_env" ]; then
	. "$explain_env"
	# xseg TAG FILE: the lines of one load (guest-explain.sh's explain_load()).
	xseg() {
		awk -v t="@@XLOAD $1 $2" '$0 == t { on = 1; next } /^@@XLOAD |^@@XCOUNTER / { on = 0 } on' <<<"$B"
	}
	xcounter() { sed -n "s/^@@XCOUNTER $1 $2 //p" <<<"$B" | head -n 1; }
	# xexpect FILE SYM: the root changes modver-dump --explain found on the host for SYM, in its
	# order ("SYM: crc ..., types changed" then one "  CLASS: TEXT" line per root change).
	xexpect() {
		awk -v s="$2:" '$1 == s { on = 1; next } /^[^ ]/ { on = 0 } on && sub(/^  (additive|layout-changing): /, "")' \
			"$(dirname "$explain_env")/old-abi-$1.explain" 2>/dev/null
	}
	stamped_syms=0 explained_syms=0 roots_seen=0 first=
	while read -r file name syms; do
		S=$OLD_DIR/$file-stamped.ko
		U=$OLD_DIR/$file.ko
		[ -f "$S" ] || { fail "$file: no stamped copy (see old-abi-$file.stamp.log)"; continue; }
		[ -n "$first" ] || first=$file
		segs=$(xseg warn-stamped "/payload/old-abi/$file-stamped.ko")
		segu=$(xseg warn-unstamped "/payload/old-abi/$file.ko")
		checks=$((checks + 4))
		grep -qx '@@RC 0' <<<"$segs" || fail "$file stamped: not admitted under warn"
		grep -qx '@@RC 0' <<<"$segu" || fail "$file unstamped: not admitted under warn"
		grep -q "^@@TAINT $name .*F" <<<"$segs" || fail "$file stamped: not tainted F"
		# The same verdicts and summary, stamped or not: an explanation decides nothing.
		[ "$(grep -E "modver: $name: ([^ ]+: mismatch|summary)" <<<"$segs" | sed 's/^@@DMESG \[[^]]*\] //')" = \
			"$(grep -E "modver: $name: ([^ ]+: mismatch|summary)" <<<"$segu" | sed 's/^@@DMESG \[[^]]*\] //')" ] ||
			fail "$file: verdict or summary lines differ between the stamped and the unstamped load"
		for sym in $syms; do
			stamped_syms=$((stamped_syms + 1))
			checks=$((checks + 5))
			grep -q "modver: $name: $sym: mismatch, module crc " <<<"$segs" ||
				fail "$file: no verdict line for $sym"
			got=$(sed -n "s/^@@DMESG \[[^]]*\] modver: $name: $sym: root change [0-9]*\/[0-9]* ([a-z-]*): //p" <<<"$segs")
			roots_seen=$((roots_seen + $(grep -c . <<<"$got")))
			# The kernel's lines are the first ones the host finds for the symbol, in order,
			# and it counts as many.  A symbol the host cannot explain (data without a BTF
			# VAR: the stamp has no types for it) must say so in the kernel too.
			want=$(xexpect "$file" "$sym")
			n=$(grep -c . <<<"$want")
			if [ "$n" -gt 0 ]; then
				explained_syms=$((explained_syms + 1))
				[ -n "$got" ] || fail "$file: no root change in the log for $sym: $(grep -m1 "modver: $name: $sym: cannot" <<<"$segs")"
				[ "$got" = "$(head -n "$(grep -c . <<<"$got")" <<<"$want")" ] ||
					fail "$file $sym: kernel [$(tr '\n' '|' <<<"$got")], modver-dump --explain [$(head -n 3 <<<"$want" | tr '\n' '|')]"
				grep -q "modver: $name: $sym: changed since $OLD_KREL: $n root change" <<<"$segs" ||
					fail "$file $sym: the kernel does not count the $n root changes modver-dump --explain finds"
				grep -q "^@@XREPORT explain module=$name name=$sym stamp=valid root=1/$n class=\(additive\|layout-changing\) text=" <<<"$B" ||
					fail "$file: no report line explaining $sym"
				grep -q "^@@XTRACE module=$name symbol=$sym stamp=valid root=1/$n class=" <<<"$B" ||
					fail "$file: no modver_explain trace event for $sym"
			else
				grep -q "modver: $name: $sym: cannot explain: " <<<"$segs" ||
					fail "$file: $sym, which the host cannot explain, has no 'cannot explain' line"
				grep -q "^@@XREPORT explain module=$name name=$sym stamp=valid root=0/0 class=none text=cannot explain: " <<<"$B" ||
					fail "$file: no report line saying why $sym cannot be explained"
			fi
			grep -qF "@@XREPORT explain module=$name name=$sym stamp=unstamped root=0/0 class=none text=no .modver_stamp section: modver-dump --explain" <<<"$B" ||
				fail "$file: the report does not say that the unstamped $sym is unstamped"
		done
		checks=$((checks + 1))
		! grep -qE "modver: $name: [^ ]+: (changed since|root change|cannot explain)" <<<"$segu" ||
			fail "$file: the unstamped load has explanation lines in the log"
	done <"$OLD_DIR/list"
	# log and refuse, with the first module.
	read -r file name syms <"$OLD_DIR/list"
	sym=${syms%% *}
	segl=$(xseg log-stamped "/payload/old-abi/$file-stamped.ko")
	segr=$(xseg refuse-stamped "/payload/old-abi/$file-stamped.ko")
	segru=$(xseg refuse-unstamped "/payload/old-abi/$file.ko")
	checks=$((checks + 7))
	grep -qx '@@RC 0' <<<"$segl" || fail "$file stamped: not admitted under log"
	grep -q "modver: $name: $sym: root change 1/" <<<"$segl" || fail "$file: no explanation under log"
	grep -qx '@@RC 0' <<<"$segr" && fail "$file stamped: admitted under refuse"
	grep -qx "@@TAINT $name absent" <<<"$segr" || fail "$file stamped: loaded under refuse"
	grep -q "modver: $name: $sym: mismatch, module crc .*: refused" <<<"$segr" || fail "$file: no refusal line under refuse"
	grep -q "modver: $name: $sym: root change 1/" <<<"$segr" || fail "$file: no explanation under refuse"
	[ "$(grep -c '^@@RC 0' <<<"$segru")" = 0 ] || fail "$file unstamped: admitted under refuse"
	# Cost: matching loads read nothing; the first explanation reads vmlinux's BTF once.
	checks=$((checks + 4))
	for c in btf_reads explanations explain_time_ns btf_bytes; do
		[ "$(xcounter clean $c)" = 0 ] || fail "after loads whose imports all match: $c=$(xcounter clean $c), expected 0"
	done
	checks=$((checks + 2))
	[ "$(xcounter "warn-stamped-$first" btf_reads)" = 1 ] ||
		fail "after the first stamped load: btf_reads=$(xcounter "warn-stamped-$first" btf_reads), expected 1"
	[ "$(xcounter end explanations)" -ge "$stamped_syms" ] 2>/dev/null ||
		fail "explanations=$(xcounter end explanations), expected at least $stamped_syms"
	t1=$(xcounter "warn-stamped-$first" explain_time_ns)
	n1=$(xcounter "warn-stamped-$first" explanations)
	# Later: the same module again under log, with the BTF cached (a load's stamp is opened
	# and checked at its first mismatch, so the first symbol of each load costs more).
	t0=$(xcounter before-log explain_time_ns)
	n0=$(xcounter before-log explanations)
	tl=$(xcounter "log-stamped-$first" explain_time_ns)
	nl=$(xcounter "log-stamped-$first" explanations)
	first_us=$(( ${t1:-0} / 1000 ))
	later_us=$(( (${tl:-0} - ${t0:-0}) / 1000 ))
	verdict explain "$OLD_KREL modules ($OLD_MODULES) on $KREL: $stamped_syms mismatching imports, $explained_syms explained with $roots_seen root changes shown; first load's explanations ${first_us} us for $n1 (BTF read included), the same load later ${later_us} us for $(( ${nl:-0} - ${n0:-0} )); $(xcounter end btf_reads) BTF reads, $(( $(xcounter "warn-stamped-$first" btf_bytes || true) + 0 )) bytes held"
elif [[ $label == 6.12/* ]]; then
	fail "no old-ABI modules were built for this kernel (scripts/old-abi.sh)"
	verdict explain
fi
