// SPDX-License-Identifier: GPL-2.0
/*
 * Verdicts and the policy decision (docs/design.md, "Policies").  Pure code shared by modver.ko and
 * the userspace tests.
 */
#include "modver_decide.h"

/**
 * mv_decide() - what to do with one imported symbol
 * @outcome: what the verifier found
 * @policy: the policy in force for this load
 * @layout: the symbol is module_layout, the struct-module layout CRC
 * @force_layout: the explicit switch that lets policies other than refuse admit a bad module_layout
 *
 * module_layout is structural: a module whose idea of struct module differs from the kernel's
 * cannot be admitted safely, so a mismatch or missing entry there, or a malformed table that makes
 * it unverifiable, is refused under every policy unless @force_layout says otherwise.  "No table"
 * (none, or the load ignores modversions) is refused under refuse (stricter than the stock kernel,
 * which force-loads), admitted and tainted otherwise, as the kernel's own forced load is.
 * An unresolved symbol (dry run only) is refused: the loader fails the load with "Unknown symbol".
 *
 * Return: the action for this symbol.
 */
enum mv_action mv_decide(enum mv_outcome outcome, enum mv_policy policy, bool layout,
			 bool force_layout)
{
	switch (outcome) {
	case MV_MATCH:
	case MV_UNVERSIONED:
		return MV_ADMIT;
	case MV_MISMATCH:
	case MV_MISSING:
	case MV_MALFORMED:
		if (layout && !force_layout)
			return MV_REFUSE;
		break;
	case MV_NO_TABLE:
		break;
	case MV_UNRESOLVED:
		return MV_REFUSE;	/* the loader refuses it before any version check */
	}
	return policy == MV_POLICY_WARN || policy == MV_POLICY_LOG ? MV_ADMIT_TAINT : MV_REFUSE;
}

/**
 * mv_verify_symbol() - classify one symbol of a load and decide on it
 * @t: the module's version tables
 * @c: lookup hint for this load
 * @sym: the symbol the loader asks about
 * @kernel_crc: the exporter's CRC, or NULL when the exporter has none
 * @policy: the policy in force for this load
 * @force_layout: see mv_decide()
 * @v: the verdict
 */
void mv_verify_symbol(struct mv_tables *t, struct mv_cursor *c, const char *sym,
		      const u32 *kernel_crc, enum mv_policy policy, bool force_layout,
		      struct mv_verdict *v)
{
	struct mv_entry e;

	memset(v, 0, sizeof(*v));
	v->layout = strcmp(sym, MV_LAYOUT_SYMBOL) == 0;
	if (kernel_crc) {
		v->has_kernel_crc = true;
		v->kernel_crc = *kernel_crc;
	}

	if (!kernel_crc) {
		v->outcome = MV_UNVERSIONED;
	} else if (t->kind == MV_TABLE_NONE) {
		v->outcome = MV_NO_TABLE;
	} else if (t->kind == MV_TABLE_MALFORMED) {
		v->outcome = MV_MALFORMED;
	} else if (!mv_lookup(t, c, sym, &e)) {
		v->outcome = MV_MISSING;
	} else {
		v->has_module_crc = true;
		v->has_entry = true;
		v->module_crc = e.crc;
		v->entry = e.index;
		/* As the kernel compares: the full entry against the zero-extended 32-bit CRC. */
		v->outcome = e.crc == (u64)v->kernel_crc ? MV_MATCH : MV_MISMATCH;
	}
	v->action = mv_decide(v->outcome, policy, v->layout, force_layout);
}

/**
 * mv_verify_more_tables() - check a verdict against the other tables an image carries
 * @extra: tables other than the kernel's (tables=all); none malformed
 * @cursors: a lookup hint for each
 * @n: how many
 * @sym: the symbol
 * @policy: the policy in force for this load
 * @force_layout: see mv_decide()
 * @v: the verdict mv_verify_symbol() gave against the kernel's table; made an offence when
 *	another table disagrees with the kernel's CRC
 *
 * Every table must agree with the running kernel: a CRC that differs in any of them is a mismatch,
 * an entry missing from one a table has is missing.  One table never overrides another.
 */
void mv_verify_more_tables(struct mv_tables *extra, struct mv_cursor *cursors,
			   unsigned int n, const char *sym, enum mv_policy policy,
			   bool force_layout, struct mv_verdict *v)
{
	struct mv_entry e;
	unsigned int i;

	if (!v->has_kernel_crc)
		return;		/* an unversioned export: no table can disagree */
	for (i = 0; i < n; i++) {
		if (extra[i].kind != MV_TABLE_BASIC && extra[i].kind != MV_TABLE_EXTENDED)
			continue;
		if (!mv_lookup(&extra[i], &cursors[i], sym, &e)) {
			if (v->outcome == MV_MATCH)
				v->outcome = MV_MISSING;
			continue;
		}
		if (e.crc == (u64)v->kernel_crc || v->outcome == MV_MISMATCH)
			continue;
		/* The disagreeing CRC is shown; @entry stays the kernel table's. */
		v->outcome = MV_MISMATCH;
		v->has_module_crc = true;
		v->module_crc = e.crc;
	}
	v->action = mv_decide(v->outcome, policy, v->layout, force_layout);
}

/**
 * mv_forbid_forced_load() - what a kernel that never force-loads makes of a verdict
 * @v: a decided verdict (policy and rules applied); an admission despite an offence becomes a
 *	refusal, marked so that its line says why
 * @kernel_force_loads: the kernel has CONFIG_MODULE_FORCE_LOAD
 *
 * warn and log admit an offence as the kernel's own forced load does (try_to_force_load(): taint
 * F).  A kernel built without CONFIG_MODULE_FORCE_LOAD refuses every forced load, so there modver
 * admits none either.
 */
void mv_forbid_forced_load(struct mv_verdict *v, bool kernel_force_loads)
{
	if (kernel_force_loads || v->action != MV_ADMIT_TAINT)
		return;
	v->action = MV_REFUSE;
	v->no_force_load = true;
}

static const char *const mv_policy_names[MV_POLICY_COUNT] = {
	[MV_POLICY_REFUSE] = "refuse",
	[MV_POLICY_WARN] = "warn",
	[MV_POLICY_LOG] = "log",
};

/**
 * mv_policy_parse() - a policy from its name, as written to sysfs or given as a parameter
 * @s: "refuse", "warn" or "log" ("log-only" is accepted for log), one trailing newline allowed
 *
 * Return: the policy, or -1 if @s names none.
 */
int mv_policy_parse(const char *s)
{
	size_t len = strlen(s);
	int p;

	if (len && s[len - 1] == '\n')
		len--;
	if (len == strlen("log-only") && memcmp(s, "log-only", len) == 0)
		return MV_POLICY_LOG;
	for (p = 0; p < MV_POLICY_COUNT; p++)
		if (len == strlen(mv_policy_names[p]) && memcmp(s, mv_policy_names[p], len) == 0)
			return p;
	return -1;
}

const char *mv_policy_name(enum mv_policy policy)
{
	return (unsigned int)policy < MV_POLICY_COUNT ? mv_policy_names[policy] : "?";
}

/* Each outcome's words: in log lines, and as the token of the report and the trace event. */
static const struct mv_words mv_outcome_words[] = {
	[MV_MATCH] = { "match", "match" },
	[MV_MISMATCH] = { "mismatch", "mismatch" },
	[MV_MISSING] = { "missing", "missing" },
	[MV_NO_TABLE] = { "no table", "no_table" },
	[MV_MALFORMED] = { "malformed table", "malformed" },
	[MV_UNVERSIONED] = { "unversioned export", "unversioned" },
	[MV_UNRESOLVED] = { "unresolved", "unresolved" },
};

static bool mv_outcome_known(enum mv_outcome outcome)
{
	return (unsigned int)outcome < ARRAY_SIZE(mv_outcome_words);
}

const char *mv_outcome_name(enum mv_outcome outcome)
{
	return mv_outcome_known(outcome) ? mv_outcome_words[outcome].name : "?";
}

const char *mv_outcome_token(enum mv_outcome outcome)
{
	return mv_outcome_known(outcome) ? mv_outcome_words[outcome].token : "?";
}
