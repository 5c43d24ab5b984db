#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# judge-differential.sh LOG MANIFEST LABEL KEEP_DIR: judge the differential test (issue 12) on the
# host.  LOG is the guest's console (qemu-test/guest-differential.sh), MANIFEST the generator's
# (qemu-test/tools/mutate.c), whose mutants lie next to it.  For every mutant it compares the
# stock kernel's load with modver's under refuse, warn and log, and checks the invariants of
# "never weaker than the kernel" (docs/design.md):
#   refuse-admits-only-verified  under refuse, modver admits only what stock admits, and only with
#                                a summary of mismatched 0, missing 0 and a basic/extended table
#   layout-refused               a module_layout stock refuses is refused under every policy
#   kernel-clean                 no oops/BUG/WARNING/soft lockup/KASAN/UBSAN/hang in any phase
#   offence-tainted-F            an admission under warn/log that stock refuses is tainted F
#   forced-keeps-F               an admission of what stock force-loaded (taint F) keeps F
# plus the mutants per class and the stock baseline (the test is not vacuous).  Prints one
# "PASS|FAIL LABEL differential/NAME (...)" line per check.  Failing mutants are named with their
# class and description, listed in KEEP_DIR/failures.txt and copied to KEEP_DIR for reproduction.
set -uo pipefail

usage="usage: judge-differential.sh LOG MANIFEST LABEL KEEP_DIR"
log=${1:?$usage}
manifest=${2:?$usage}
label=${3:?$usage}
keep=${4:?$usage}
mkdir -p "$keep"
rm -f "$keep"/*.ko "$keep/failures.txt" "$keep/manifest"

tr -d '\r' <"$log" | awk -v label="$label" -v manifest="$manifest" -v failures="$keep/failures.txt" '
BEGIN {
	nphases = split("stock refuse warn log", phase_list, " ")
	nclasses = split("ehdr shdr dupsec vtable ext", class_list, " ")
	ninv = split("refuse-admits-only-verified layout-refused kernel-clean offence-tainted-F forced-keeps-F", inv_list, " ")
	while ((getline line < manifest) > 0) {
		if (line ~ /^#/)
			continue
		split(line, f, " ")
		id = f[1]
		order[++n] = id
		module[id] = f[2]
		classes[id] = f[3]
		desc[id] = line
		sub(/^[^ ]+ [^ ]+ [^ ]+ /, "", desc[id])
	}
	# The kernel reporting trouble: oops, BUG, WARNING, lockups, stalls, sanitizers, panics.
	bad = "(BUG:|kernel BUG|Oops|WARNING:|soft lockup|hard LOCKUP|hung task|self-detected stall|rcu_.*stall|KASAN|UBSAN|Kernel panic|general protection fault|Unable to handle kernel|Internal error:|stack-protector)"
}
/^@@PHASE / {
	cur = ""
	# "@@PHASE <phase> begin|end <uptime>": how long each phase took in the guest.
	if ($3 == "begin") phase_start[$2] = $4
	if ($3 == "end") phase_secs[$2] = sprintf("%s %d s", $2, $4 - phase_start[$2])
	next
}
/^@@MODVER / {
	cur = ""
	if ($2 ~ /^rc=/ && $3 ~ /^policy=/) {
		pol = $3
		sub(/^policy=/, "", pol)
		modver_rc[pol] = $2
	}
	next
}
/^@@MUT / {
	sub(/^rc=/, "", $4); sub(/^taint=/, "", $5)
	rc[$2, $3] = $4; taint[$2, $3] = $5; seen[$2, $3] = 1
	last_mut = $2 " " $3
	next
}
/^@@STUCK / { stuck[$2, $3] = 1; next }
/^@@K @@LOAD / { cur = $3 SUBSEP $4; next }
/^@@K / {
	text = substr($0, 5)
	if (cur != "")
		klog[cur] = klog[cur] text "\n"
	if (text ~ bad) {
		if (cur != "")
			trouble[cur] = trouble[cur] ? trouble[cur] : text
		else
			global_trouble = global_trouble ? global_trouble : text
	}
	next
}
/^@@DIFFERENTIAL done/ { done = 1; next }
# The console itself: the kernel prints emergencies there (loglevel=1), e.g. a soft lockup.
$0 ~ bad { console_trouble = console_trouble ? console_trouble : $0 " (after " last_mut ")" }

function has_f(t) { return t != "absent" && t ~ /F/ }
function summary_line(id, p,    lines, k, i, s) {
	k = split(klog[id, p], lines, "\n")
	s = ""
	for (i = 1; i <= k; i++)
		if (index(lines[i], "modver: " module[id] ": summary: ") == 1)
			s = lines[i]
	return s
}
function stock_reason(id,    lines, k, i, s) {
	k = split(klog[id, "stock"], lines, "\n")
	s = ""
	for (i = 1; i <= k && length(s) < 300; i++)
		if (lines[i] != "")
			s = s (s ? " | " : "") lines[i]
	return s ? s : "(no kernel line)"
}
function fail(inv, id, why,    cl, c, k, msg) {
	nfail[inv]++
	failed_mutant[id] = 1
	k = split(classes[id], cl, "+")
	for (c = 1; c <= k; c++)
		fail_class[inv, cl[c]]++
	msg = id " " module[id] " [" classes[id] "] " desc[id] " => " why
	print inv ": " msg > failures
	if (nfail[inv] <= 5)
		first[inv] = first[inv] "\n  " inv ": " msg
}
END {
	stock_admitted = stock_refused = stock_layout = 0
	for (i = 1; i <= n; i++) {
		id = order[i]
		n_ids = split(classes[id], cl, "+")
		for (c = 1; c <= n_ids; c++) {
			per_class[cl[c]]++
			if (n_ids == 1) alone[cl[c]]++; else combined[cl[c]]++
		}
		complete = 1
		for (p = 1; p <= nphases; p++)
			if (!((id, phase_list[p]) in seen))
				complete = 0
		if (seen[id, "stock"] && rc[id, "stock"] == 0)
			stock_admitted++
		else if (seen[id, "stock"])
			stock_refused++

		# (c) kernel-clean: every phase recorded, nothing stuck, no kernel trouble.
		checked["kernel-clean"]++
		why = ""
		for (p = 1; p <= nphases; p++) {
			ph = phase_list[p]
			if (!((id, ph) in seen))
				why = why "no record in phase " ph " (hang or crash); "
			if ((id, ph) in stuck)
				why = why "could not be unloaded after phase " ph "; "
			if ((id, ph) in trouble)
				why = why "phase " ph ": " trouble[id, ph] "; "
		}
		if (why != "") fail("kernel-clean", id, why); else held["kernel-clean"]++
		if (!seen[id, "stock"])
			continue

		stock_ok = rc[id, "stock"] == 0
		layout_refused = klog[id, "stock"] ~ /: disagrees about version of symbol module_layout\n/ ||
				 klog[id, "stock"] ~ /: no symbol version for module_layout\n/
		if (layout_refused) stock_layout++

		# (a) under refuse, admitted only if stock admits and every verdict is a match.
		if (seen[id, "refuse"]) {
			checked["refuse-admits-only-verified"]++
			s = summary_line(id, "refuse")
			why = ""
			if (rc[id, "refuse"] == 0) {
				if (!stock_ok)
					why = "stock refuses (" stock_reason(id) "), refuse admits (taint " taint[id, "refuse"] ")"
				else if (s == "")
					why = "refuse admits with no modver summary line"
				else if (s !~ /mismatched 0, missing 0, unversioned [0-9]+, table (basic|extended),/)
					why = "refuse admits: " s
			}
			if (why != "") fail("refuse-admits-only-verified", id, why); else held["refuse-admits-only-verified"]++
		}

		# (b) a module_layout stock refuses is refused under every policy.
		if (layout_refused) {
			checked["layout-refused"]++
			why = ""
			for (p = 2; p <= nphases; p++)
				if (seen[id, phase_list[p]] && rc[id, phase_list[p]] == 0)
					why = why phase_list[p] " admits (taint " taint[id, phase_list[p]] "); "
			if (why != "") fail("layout-refused", id, "stock refuses module_layout (" stock_reason(id) "); " why); else held["layout-refused"]++
		}

		# (d) what stock refuses and warn/log admit is tainted F.
		why = ""; counted = 0
		for (p = 3; p <= nphases; p++) {
			ph = phase_list[p]
			if (!seen[id, ph] || rc[id, ph] != 0 || stock_ok)
				continue
			counted = 1
			if (!has_f(taint[id, ph]))
				why = why ph " admits with taint " taint[id, ph] "; "
		}
		if (counted) {
			checked["offence-tainted-F"]++
			if (why != "") fail("offence-tainted-F", id, "stock refuses (" stock_reason(id) "); " why); else held["offence-tainted-F"]++
		}

		# (e) a forced load (stock taint F) admitted by modver keeps F, whatever the policy.
		why = ""; counted = 0
		for (p = 2; p <= nphases; p++) {
			ph = phase_list[p]
			if (!stock_ok || !has_f(taint[id, "stock"]) || !seen[id, ph] || rc[id, ph] != 0)
				continue
			counted = 1
			if (!has_f(taint[id, ph]))
				why = why ph " admits with taint " taint[id, ph] "; "
		}
		if (counted) {
			checked["forced-keeps-F"]++
			if (why != "") fail("forced-keeps-F", id, "stock force-loads with taint " taint[id, "stock"] "; " why); else held["forced-keeps-F"]++
		}
	}

	# The mutants per class: every class alone and in combination, else the set is too small.
	line = ""; ok = n > 0
	for (c = 1; c <= nclasses; c++) {
		k = class_list[c]
		line = line sprintf("%s%s %d (%d alone)", c > 1 ? ", " : "", k, per_class[k], alone[k])
		if (!alone[k] || !combined[k]) ok = 0
	}
	printf "%s %s differential/classes (%d mutants: %s)\n", ok ? "PASS" : "FAIL", label, n, line

	# The test means something only if stock admits some, refuses some, and some at module_layout.
	ok = stock_admitted && stock_refused && stock_layout
	printf "%s %s differential/stock-baseline (stock admits %d, refuses %d, %d of them at module_layout)\n",
		ok ? "PASS" : "FAIL", label, stock_admitted, stock_refused, stock_layout

	# Every phase ran to the end with modver loaded under its policy.
	why = ""
	for (p = 2; p <= nphases; p++)
		if (modver_rc[phase_list[p]] != "rc=0")
			why = why "modver did not load with policy " phase_list[p] "; "
	if (!done) why = why "the guest did not finish (see kernel-clean for the mutant it stopped at); "
	if (global_trouble) why = why "kernel trouble outside any load: " global_trouble "; "
	if (console_trouble) why = why "kernel trouble on the console: " console_trouble "; "
	took = ""
	for (p = 1; p <= nphases; p++)
		took = took (p > 1 ? ", " : "") (phase_list[p] in phase_secs ? phase_secs[phase_list[p]] : phase_list[p] " unfinished")
	if (why == "")
		printf "PASS %s differential/phases (%d loads each: %s)\n", label, n, took
	else
		printf "FAIL %s differential/phases: %s\n", label, why

	for (v = 1; v <= ninv; v++) {
		inv = inv_list[v]
		if (!checked[inv]) {
			# Each invariant has mutants to hold it on: none means a broken set or run.
			printf "FAIL %s differential/%s: no mutant to check it on\n", label, inv
			continue
		}
		if (!nfail[inv]) {
			printf "PASS %s differential/%s (held %d of %d checked)\n", label, inv, held[inv], checked[inv]
			continue
		}
		by = ""
		for (c = 1; c <= nclasses; c++)
			if (fail_class[inv, class_list[c]])
				by = by (by ? ", " : "") class_list[c] " " fail_class[inv, class_list[c]]
		printf "FAIL %s differential/%s: %d of %d checked mutants fail (by class: %s); first ones:%s\n",
			label, inv, nfail[inv], checked[inv], by, first[inv]
	}
	for (i = 1; i <= n; i++)
		if (failed_mutant[order[i]])
			print order[i] > (failures ".ids")
}'
# Keep the failing mutants where the next run does not delete them, with the manifest lines.
if [ -s "$keep/failures.txt.ids" ]; then
	mutants=$(dirname "$manifest")
	sed "s|.*|$mutants/&.ko|" "$keep/failures.txt.ids" | xargs cp -t "$keep/"
	awk 'NR == FNR { failing[$1] = 1; next } $1 in failing' "$keep/failures.txt.ids" "$manifest" \
		>"$keep/manifest"
	echo "  failing mutants kept in $keep ($(wc -l <"$keep/failures.txt.ids") mutants; reasons in failures.txt)"
fi
rm -f "$keep/failures.txt.ids"
