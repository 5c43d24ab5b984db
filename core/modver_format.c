// SPDX-License-Identifier: GPL-2.0
/*
 * The text of modver's verdicts (see modver_format.h).  Pure code shared by modver.ko, modver-dump
 * and the userspace tests; every user-visible format is one unsplit string here, so it stays
 * grep-able.
 */
#include "modver_format.h"
#include "modver_rules.h"

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
	case MV_UNRESOLVED:
		t->unresolved++;
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

/* Each action's words: in log lines, and as the token of the report and the trace event. */
static const struct mv_words mv_action_words[] = {
	[MV_ADMIT] = { "admitted", "admit" },
	[MV_ADMIT_TAINT] = { "admitted, tainted F", "admit_taint" },
	[MV_REFUSE] = { "refused", "refuse" },
};

const char *mv_action_name(enum mv_action action)
{
	return (unsigned int)action < ARRAY_SIZE(mv_action_words) ?
	       mv_action_words[action].name : "?";
}

const char *mv_action_token(enum mv_action action)
{
	return (unsigned int)action < ARRAY_SIZE(mv_action_words) ?
	       mv_action_words[action].token : "?";
}

/* No table and a malformed table are reported once per module, not per symbol. */
bool mv_verdict_is_table_level(const struct mv_verdict *v)
{
	return v->outcome == MV_NO_TABLE || v->outcome == MV_MALFORMED;
}

/* Both CRCs as "0x%08x", or "none" where there is none; each buffer holds 24 bytes. */
static void mv_format_crcs(const struct mv_verdict *v, char *module_crc, char *kernel_crc,
			   size_t size)
{
	snprintf(module_crc, size, "none");
	snprintf(kernel_crc, size, "none");
	if (v->has_module_crc)
		snprintf(module_crc, size, "0x%08llx", (unsigned long long)v->module_crc);
	if (v->has_kernel_crc)
		snprintf(kernel_crc, size, "0x%08x", v->kernel_crc);
}

/* What decided a verdict: "policy refuse", or "rule 2 'drm_* warn', policy refuse". */
static void mv_format_why(char *buf, size_t size, const struct mv_verdict *v,
			  enum mv_policy policy)
{
	/* Why an offence was refused although the policy or rule admits offences. */
	bool admits = v->rule ? v->rule->action != MV_RULE_REFUSE : policy != MV_POLICY_REFUSE;
	const char *note = "";

	if (v->no_force_load)
		note = ", this kernel never force-loads (CONFIG_MODULE_FORCE_LOAD=n)";
	else if (v->action == MV_REFUSE && v->layout && admits)
		note = v->outcome == MV_MALFORMED ? ", module_layout cannot be verified" :
						    ", module_layout is structural";

	if (v->rule)
		snprintf(buf, size, "rule %u '%s%s %s', policy %s%s", v->rule_no,
			 v->rule->module ? MV_RULE_MODULE_PREFIX : "", v->rule->pattern,
			 mv_rule_action_name(v->rule->action), mv_policy_name(policy), note);
	else
		snprintf(buf, size, "policy %s%s", mv_policy_name(policy), note);
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
	char module_crc[24], kernel_crc[24], why[MV_RULE_PATTERN_MAX + 96];

	mv_format_crcs(v, module_crc, kernel_crc, sizeof(module_crc));
	mv_format_why(why, sizeof(why), v, policy);
	snprintf(buf, size, "%s: %s: %s, module crc %s, kernel crc %s: %s (%s)",
		 module, sym, mv_outcome_name(v->outcome), module_crc, kernel_crc,
		 mv_action_name(v->action), why);
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
	char why[MV_RULE_PATTERN_MAX + 96];

	mv_format_why(why, sizeof(why), v, policy);
	if (v->outcome == MV_MALFORMED)
		snprintf(buf, size, "%s: malformed version table (%s): %s (%s)", module, t->error,
			 mv_action_name(v->action), why);
	else if (t->forced)
		snprintf(buf, size,
			 "%s: version table ignored (MODULE_INIT_IGNORE_MODVERSIONS, modprobe --force-modversion): %s (%s)",
			 module, mv_action_name(v->action), why);
	else
		snprintf(buf, size, "%s: no version table: %s (%s)", module,
			 mv_action_name(v->action), why);
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
 * Every offence gets a line, except one admitted by an allow rule (the user declared it known and
 * safe: it is still counted, reported and traced); a table-level one (no or malformed table) only
 * once per module.
 *
 * Return: true if @buf holds a line.
 */
bool mv_format_logged(char *buf, size_t size, const char *module, const char *sym,
		      const struct mv_tables *t, const struct mv_verdict *v, enum mv_policy policy,
		      bool *table_reported)
{
	if (v->action == MV_ADMIT ||
	    (v->action == MV_ADMIT_TAINT && v->rule && v->rule->action == MV_RULE_ALLOW))
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

/* Append to a line being built in @buf (@size bytes, @*n used); output past the end is dropped. */
static __printf(4, 5) void mv_append(char *buf, size_t size, size_t *n, const char *fmt, ...)
{
	va_list args;
	int w;

	if (*n >= size)
		return;
	va_start(args, fmt);
	w = vsnprintf(buf + *n, size - *n, fmt, args);
	va_end(args);
	if (w > 0)
		*n = *n + w < size ? *n + w : size - 1;
}

/*
 * Append a report value: names come from untrusted images, so every byte that could break a line
 * or a field (whitespace, control and non-ASCII bytes, '\\') is written as \xNN.  Values are cut
 * to MV_RECORD_NAME_MAX bytes of input.
 */
static void mv_append_escaped(char *buf, size_t size, size_t *n, const char *s)
{
	size_t i;
	unsigned char c;

	for (i = 0; s[i] && i < MV_RECORD_NAME_MAX; i++) {
		c = (unsigned char)s[i];
		if (c > ' ' && c < 0x7f && c != '\\')
			mv_append(buf, size, n, "%c", c);
		else
			mv_append(buf, size, n, "\\x%02x", c);
	}
}

/**
 * mv_format_record_symbol() - one verdict as a report line
 * @buf: output
 * @size: its size (MV_RECORD_LINE_MAX is always enough)
 * @kind: "symbol" for a check the loader makes, "entry" for a table entry it never asks about
 * @module: the module's name
 * @sym: the symbol
 * @v: the verdict (for an "entry" line: what the loader would decide if it asked)
 *
 * "<kind> module=M name=S outcome=O module_crc=C kernel_crc=C action=A rule=R", where R is "none"
 * or "<position>:<pattern>:<action>".  Documented in docs/reference.md; keep it stable.
 */
void mv_format_record_symbol(char *buf, size_t size, const char *kind, const char *module,
			     const char *sym, const struct mv_verdict *v)
{
	char module_crc[24], kernel_crc[24];
	size_t n = 0;

	if (size)
		buf[0] = '\0';
	mv_format_crcs(v, module_crc, kernel_crc, sizeof(module_crc));
	mv_append(buf, size, &n, "%s module=", kind);
	mv_append_escaped(buf, size, &n, module);
	mv_append(buf, size, &n, " name=");
	mv_append_escaped(buf, size, &n, sym);
	mv_append(buf, size, &n, " outcome=%s module_crc=%s kernel_crc=%s action=%s rule=",
		  mv_outcome_token(v->outcome), module_crc, kernel_crc,
		  mv_action_token(v->action));
	if (!v->rule) {
		mv_append(buf, size, &n, "none");
		return;
	}
	mv_append(buf, size, &n, "%u:%s", v->rule_no, v->rule->module ? MV_RULE_MODULE_PREFIX : "");
	mv_append_escaped(buf, size, &n, v->rule->pattern);
	mv_append(buf, size, &n, ":%s", mv_rule_action_name(v->rule->action));
}

/**
 * mv_format_record_head() - the first line of a report record
 * @buf: output
 * @size: its size (MV_RECORD_LINE_MAX is always enough)
 * @h: what the record is about
 *
 * "module name=M source=load|dry_run seq=N time=S.U policy=P decision=D table=T checked=N
 * matched=N mismatched=N missing=N unversioned=N unresolved=N omitted=N result=R" (one line).
 */
void mv_format_record_head(char *buf, size_t size, const struct mv_record_head *h)
{
	size_t n = 0;

	if (size)
		buf[0] = '\0';
	mv_append(buf, size, &n, "module name=");
	mv_append_escaped(buf, size, &n, h->module);
	mv_append(buf, size, &n,
		  " source=%s seq=%llu time=%llu.%06u policy=%s decision=%s table=%s checked=%u matched=%u mismatched=%u missing=%u unversioned=%u unresolved=%u omitted=%u result=",
		  h->dry_run ? "dry_run" : "load", (unsigned long long)h->seq,
		  (unsigned long long)(h->time_ns / 1000000000ULL),
		  (unsigned int)(h->time_ns % 1000000000ULL / 1000), mv_policy_name(h->policy),
		  mv_action_token(mv_tally_decision(h->tally)), mv_table_kind_name(h->kind),
		  h->tally->checked, h->tally->matched, h->tally->mismatched, h->tally->missing,
		  h->tally->unversioned, h->tally->unresolved, h->omitted);
	if (h->dry_run)
		mv_append(buf, size, &n, "none");
	else
		mv_append(buf, size, &n, "%d", h->result);
}

/*
 * Append free text (the last field of a line): spaces are kept, every other byte that could break
 * the line (control and non-ASCII bytes, '\\') is written as \xNN.  Cut at MV_RECORD_LINE_MAX.
 */
static void mv_append_text(char *buf, size_t size, size_t *n, const char *s)
{
	size_t i;
	unsigned char c;

	for (i = 0; s[i] && i < MV_RECORD_LINE_MAX; i++) {
		c = (unsigned char)s[i];
		if (c >= ' ' && c < 0x7f && c != '\\')
			mv_append(buf, size, n, "%c", c);
		else
			mv_append(buf, size, n, "\\x%02x", c);
	}
}

/**
 * mv_format_record_explain() - one explanation of a mismatch as a report line
 * @buf: output
 * @size: its size (MV_RECORD_LINE_MAX is always enough)
 * @module: the module's name
 * @sym: the mismatching symbol
 * @stamp: "valid", "unstamped" or "invalid" (the module's .modver_stamp section)
 * @root: which root change this line names (1-based), 0 for a line that names none
 * @roots: how many root changes were found
 * @class: the change's class ("additive", "layout"), or "none"
 * @text: what changed, free text (spaces kept)
 *
 * "explain module=M name=S stamp=T root=I/N class=C text=...", where text= is the last field and
 * runs to the end of the line.  Documented in docs/reference.md; keep it stable.
 */
void mv_format_record_explain(char *buf, size_t size, const char *module, const char *sym,
			      const char *stamp, u32 root, u32 roots, const char *class,
			      const char *text)
{
	size_t n = 0;

	if (size)
		buf[0] = '\0';
	mv_append(buf, size, &n, "explain module=");
	mv_append_escaped(buf, size, &n, module);
	mv_append(buf, size, &n, " name=");
	mv_append_escaped(buf, size, &n, sym);
	mv_append(buf, size, &n, " stamp=%s root=%u/%u class=%s text=", stamp, root, roots, class);
	mv_append_text(buf, size, &n, text);
}
