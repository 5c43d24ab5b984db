// SPDX-License-Identifier: GPL-2.0
/*
 * The text of modver's verdicts (see modver_format.h).  Pure code shared by modver.ko, modver-dump
 * and the userspace tests; every user-visible format is one unsplit string here, so it stays
 * grep-able.
 */
#include "modver_format.h"

void mv_tally_add(struct mv_tally *t, const struct mv_verdict *v)
{
	t->checked++;
	switch (v->outcome) {
	case MV_MATCH:
		t->matched++;
		break;
	case MV_UNVERSIONED:
		t->unversioned++;
		break;
	case MV_MISMATCH:
		t->mismatched++;
		break;
	case MV_MISSING:
		t->missing++;
		break;
	case MV_NO_TABLE:
	case MV_MALFORMED:
		break;
	}
	if (v->action == MV_REFUSE)
		t->refused++;
	else if (v->action == MV_ADMIT_TAINT)
		t->admitted_offences++;
}

/* A load is refused if any symbol was, and tainted if any offence was admitted. */
enum mv_action mv_tally_decision(const struct mv_tally *t)
{
	if (t->refused)
		return MV_REFUSE;
	return t->admitted_offences ? MV_ADMIT_TAINT : MV_ADMIT;
}

const char *mv_action_name(enum mv_action action)
{
	switch (action) {
	case MV_REFUSE:
		return "refused";
	case MV_ADMIT_TAINT:
		return "admitted, tainted F";
	case MV_ADMIT:
		break;
	}
	return "admitted";
}

/* No table and a malformed table are reported once per module, not per symbol. */
bool mv_verdict_is_table_level(const struct mv_verdict *v)
{
	return v->outcome == MV_NO_TABLE || v->outcome == MV_MALFORMED;
}

/**
 * mv_format_verdict() - the line for one offending symbol
 * @buf: output
 * @size: its size (MV_LINE_MAX is always enough)
 * @module: the module's name
 * @sym: the symbol
 * @v: its verdict
 * @policy: the policy it was decided under
 */
void mv_format_verdict(char *buf, size_t size, const char *module, const char *sym,
		       const struct mv_verdict *v, enum mv_policy policy)
{
	char module_crc[24] = "none", kernel_crc[24] = "none";
	/* Why an offence was refused although the policy admits offences. */
	const char *note = v->action == MV_REFUSE && v->layout && policy != MV_POLICY_REFUSE ?
			   ", module_layout is structural" : "";

	if (v->has_module_crc)
		snprintf(module_crc, sizeof(module_crc), "0x%08llx",
			 (unsigned long long)v->module_crc);
	if (v->has_kernel_crc)
		snprintf(kernel_crc, sizeof(kernel_crc), "0x%08x", v->kernel_crc);
	snprintf(buf, size, "%s: %s: %s, module crc %s, kernel crc %s: %s (policy %s%s)",
		 module, sym, mv_outcome_name(v->outcome), module_crc, kernel_crc,
		 mv_action_name(v->action), mv_policy_name(policy), note);
}

/**
 * mv_format_table() - the line for a module without a usable table
 * @buf: output
 * @size: its size
 * @module: the module's name
 * @t: its tables (for the reason a table is malformed)
 * @v: the verdict of the first symbol checked
 * @policy: the policy it was decided under
 */
void mv_format_table(char *buf, size_t size, const char *module, const struct mv_tables *t,
		     const struct mv_verdict *v, enum mv_policy policy)
{
	if (v->outcome == MV_MALFORMED)
		snprintf(buf, size, "%s: malformed version table (%s): %s (policy %s)", module,
			 t->error, mv_action_name(v->action), mv_policy_name(policy));
	else
		snprintf(buf, size, "%s: no version table: %s (policy %s)", module,
			 mv_action_name(v->action), mv_policy_name(policy));
}

/**
 * mv_format_logged() - the log line a verdict gets, if any
 * @buf: output
 * @size: its size
 * @module: the module's name
 * @sym: the symbol
 * @t: the module's tables (for the reason a table is malformed)
 * @v: the verdict
 * @policy: the policy it was decided under
 * @table_reported: per module: set once the table-level line has been given
 *
 * Every offence gets a line; a table-level one (no or malformed table) only once per module.
 *
 * Return: true if @buf holds a line.
 */
bool mv_format_logged(char *buf, size_t size, const char *module, const char *sym,
		      const struct mv_tables *t, const struct mv_verdict *v, enum mv_policy policy,
		      bool *table_reported)
{
	if (v->action == MV_ADMIT)
		return false;
	if (!mv_verdict_is_table_level(v)) {
		mv_format_verdict(buf, size, module, sym, v, policy);
		return true;
	}
	if (*table_reported)
		return false;
	*table_reported = true;
	mv_format_table(buf, size, module, t, v, policy);
	return true;
}

/**
 * mv_format_summary() - the one summary line of a checked module
 * @buf: output
 * @size: its size
 * @module: the module's name
 * @t: what its verdicts added up to
 * @kind: which table was used
 * @policy: the policy the load was decided under
 * @load_ret: what the load returned (0 when unknown); noted when modver admitted it but it failed
 */
void mv_format_summary(char *buf, size_t size, const char *module, const struct mv_tally *t,
		       enum mv_table_kind kind, enum mv_policy policy, int load_ret)
{
	enum mv_action decision = mv_tally_decision(t);
	char later[48] = "";

	if (decision != MV_REFUSE && load_ret < 0)
		snprintf(later, sizeof(later), " (the load failed later: %d)", load_ret);
	snprintf(buf, size,
		 "%s: summary: checked %u, matched %u, mismatched %u, missing %u, unversioned %u, table %s, policy %s: %s%s",
		 module, t->checked, t->matched, t->mismatched, t->missing, t->unversioned,
		 mv_table_kind_name(kind), mv_policy_name(policy), mv_action_name(decision), later);
}
