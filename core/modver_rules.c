// SPDX-License-Identifier: GPL-2.0
/*
 * Rules refining the global policy (see modver_rules.h).  A list is parsed whole: any bad line
 * rejects it, so that a caller can swap lists atomically and keep the old one on error.
 */
#include "modver_rules.h"

static const char *const mv_rule_action_names[] = {
	[MV_RULE_REFUSE] = "refuse",
	[MV_RULE_WARN] = "warn",
	[MV_RULE_LOG] = "log",
	[MV_RULE_ALLOW] = "allow",
};

const char *mv_rule_action_name(enum mv_rule_action action)
{
	return (unsigned int)action <= MV_RULE_ALLOW ? mv_rule_action_names[action] : "?";
}

/**
 * mv_glob_match() - does @text match @pattern, where '*' matches any run and '?' any character?
 * @pattern: the glob
 * @text: the name
 *
 * Iterative, with one remembered star: linear in practice, never recursive.
 *
 * Return: true on a match of the whole of @text.
 */
bool mv_glob_match(const char *pattern, const char *text)
{
	const char *star = NULL, *resume = NULL;

	while (*text) {
		if (*pattern == '*') {
			star = ++pattern;
			resume = text;
		} else if (*pattern == '?' || *pattern == *text) {
			pattern++;
			text++;
		} else if (star) {
			pattern = star;
			text = ++resume;
		} else {
			return false;
		}
	}
	while (*pattern == '*')
		pattern++;
	return !*pattern;
}

static bool mv_is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

/* Parse one line (without its newline) into @r; blank lines and '#' comments set *skip. */
static const char *mv_rule_parse_line(const char *line, size_t len, struct mv_rule *r, bool *skip)
{
	const char *p = line, *end = line + len, *pat, *act;
	size_t plen, alen, prefix = strlen(MV_RULE_MODULE_PREFIX);
	unsigned int a;

	*skip = false;
	while (p < end && mv_is_space(*p))
		p++;
	if (p == end || *p == '#') {
		*skip = true;
		return NULL;
	}
	pat = p;
	while (p < end && !mv_is_space(*p))
		p++;
	plen = p - pat;
	while (p < end && mv_is_space(*p))
		p++;
	act = p;
	while (p < end && !mv_is_space(*p))
		p++;
	alen = p - act;
	while (p < end && mv_is_space(*p))
		p++;
	if (!alen)
		return "a rule needs a pattern and an action";
	if (p != end)
		return "a rule has exactly two fields: pattern and action";
	if (memchr(pat, '\0', plen) || memchr(act, '\0', alen))
		return "a rule contains a NUL byte";
	r->module = plen >= prefix && memcmp(pat, MV_RULE_MODULE_PREFIX, prefix) == 0;
	if (r->module) {
		pat += prefix;
		plen -= prefix;
	}
	if (!plen)
		return "empty pattern";
	if (plen >= MV_RULE_PATTERN_MAX)
		return "pattern too long";
	for (a = 0; a <= MV_RULE_ALLOW; a++)
		if (alen == strlen(mv_rule_action_names[a]) &&
		    memcmp(act, mv_rule_action_names[a], alen) == 0)
			break;
	if (a > MV_RULE_ALLOW)
		return "unknown action (expected refuse, warn, log or allow)";
	r->action = a;
	memcpy(r->pattern, pat, plen);
	r->pattern[plen] = '\0';
	return NULL;
}

/**
 * mv_rules_parse() - parse a whole rule list
 * @text: one rule per line, "<pattern> <action>"; ';' also ends a rule (a module parameter cannot
 *	hold a newline); blank lines and '#' comments are ignored
 * @len: its length (it need not be NUL-terminated)
 * @rules: filled in; on failure its contents are undefined: parse into a fresh list and publish
 *	it only when this succeeds, so that a bad list never replaces a good one
 * @err: the first bad line (or ';'-separated rule) and why
 *
 * Return: 0, or -1 with @err set.
 */
int mv_rules_parse(const char *text, size_t len, struct mv_rules *rules,
		   struct mv_rules_error *err)
{
	const char *p = text, *end = text + len, *nl, *semi;
	struct mv_rule scratch;
	unsigned int line = 0;
	bool skip;

	rules->count = 0;
	while (p < end) {
		nl = memchr(p, '\n', end - p);
		semi = memchr(p, ';', (nl ? nl : end) - p);
		if (semi)
			nl = semi;
		line++;
		err->line = line;
		err->text = p;
		err->text_len = (nl ? nl : end) - p;
		memset(&scratch, 0, sizeof(scratch));
		err->why = mv_rule_parse_line(p, (nl ? nl : end) - p, &scratch, &skip);
		if (err->why)
			return -1;
		if (!skip) {
			if (rules->count == MV_RULES_MAX) {
				err->why = "too many rules";
				return -1;
			}
			rules->rule[rules->count++] = scratch;
		}
		p = nl ? nl + 1 : end;
	}
	err->line = 0;
	err->why = NULL;
	err->text = NULL;
	err->text_len = 0;
	return 0;
}

/**
 * mv_rules_format() - the canonical text of a list: one "<pattern> <action>" line per rule
 * @rules: the list
 * @buf: output, NUL-terminated (truncated to @size)
 * @size: its size
 *
 * Return: the length the whole text needs, without the NUL.
 */
size_t mv_rules_format(const struct mv_rules *rules, char *buf, size_t size)
{
	size_t n = 0;
	unsigned int i;
	int w;

	if (size)
		buf[0] = '\0';
	for (i = 0; i < rules->count; i++) {
		w = snprintf(n < size ? buf + n : NULL, n < size ? size - n : 0, "%s%s %s\n",
			     rules->rule[i].module ? MV_RULE_MODULE_PREFIX : "",
			     rules->rule[i].pattern, mv_rule_action_name(rules->rule[i].action));
		if (w > 0)
			n += w;
	}
	return n;
}

/**
 * mv_rules_match() - the first rule that matches a module's symbol
 * @rules: the list
 * @module: the module's name
 * @symbol: the symbol's name
 *
 * Return: the rule, or NULL when none matches (the global policy decides).
 */
const struct mv_rule *mv_rules_match(const struct mv_rules *rules, const char *module,
				     const char *symbol)
{
	unsigned int i;

	for (i = 0; i < rules->count; i++)
		if (mv_glob_match(rules->rule[i].pattern, rules->rule[i].module ? module : symbol))
			return &rules->rule[i];
	return NULL;
}

/* How permissive an action is: higher admits more. */
static int mv_rule_leniency(enum mv_rule_action action)
{
	switch (action) {
	case MV_RULE_REFUSE:
		return 0;
	case MV_RULE_WARN:
		return 1;
	case MV_RULE_LOG:
		return 2;
	case MV_RULE_ALLOW:
		break;
	}
	return 3;
}

/**
 * mv_rules_relax() - does any rule admit more than @policy does?
 * @rules: the list
 * @policy: the global policy
 *
 * Return: the first such rule, or NULL.  A locked-down kernel accepts only lists for which this is
 * NULL: rules may make modver stricter there, never weaker.
 */
const struct mv_rule *mv_rules_relax(const struct mv_rules *rules, enum mv_policy policy)
{
	int limit = policy == MV_POLICY_REFUSE ? 0 : policy == MV_POLICY_WARN ? 1 : 2;
	unsigned int i;

	for (i = 0; i < rules->count; i++)
		if (mv_rule_leniency(rules->rule[i].action) > limit)
			return &rules->rule[i];
	return NULL;
}

/**
 * mv_rules_extends() - is @next @prev with rules appended, if any?
 * @prev: the list in force (NULL: none)
 * @next: the candidate
 *
 * Appending rules that are no more permissive than the policy can only make modver stricter: a
 * symbol an old rule matched still meets that rule first.  Dropping or reordering rules in force
 * can make it admit more, so a locked-down kernel accepts only lists that extend the one in force.
 *
 * Return: true if the first rules of @next are exactly those of @prev, in order.
 */
bool mv_rules_extends(const struct mv_rules *prev, const struct mv_rules *next)
{
	unsigned int i;

	if (!prev)
		return true;
	if (next->count < prev->count)
		return false;
	for (i = 0; i < prev->count; i++)
		if (prev->rule[i].module != next->rule[i].module ||
		    prev->rule[i].action != next->rule[i].action ||
		    strcmp(prev->rule[i].pattern, next->rule[i].pattern))
			return false;
	return true;
}

/**
 * mv_rules_apply() - let the first matching rule decide an offending symbol
 * @rules: the list (NULL: none)
 * @module: the module's name
 * @sym: the symbol
 * @force_layout: see mv_decide()
 * @v: the verdict of mv_verify_symbol() under the global policy; its action (and rule) are
 *	updated
 *
 * Rules refine the policy for version disagreements only: a mismatch, a missing entry or a missing
 * table.  A rule acts as a policy for that symbol (allow decides as log does; it only differs in
 * what is logged), so module_layout stays refused unless @force_layout is set, whatever the rule.
 * A malformed table is bad input, not a disagreement: a rule may refuse it, never admit more than
 * the global policy does.  Matches, unversioned exports and unresolved symbols are not offences a
 * rule could change.
 */
void mv_rules_apply(const struct mv_rules *rules, const char *module, const char *sym,
		    bool force_layout, struct mv_verdict *v)
{
	static const enum mv_policy as_policy[] = {
		[MV_RULE_REFUSE] = MV_POLICY_REFUSE,
		[MV_RULE_WARN] = MV_POLICY_WARN,
		[MV_RULE_LOG] = MV_POLICY_LOG,
		[MV_RULE_ALLOW] = MV_POLICY_LOG,
	};
	const struct mv_rule *r;
	enum mv_action action;

	if (!rules || !rules->count)
		return;
	switch (v->outcome) {
	case MV_MISMATCH:
	case MV_MISSING:
	case MV_NO_TABLE:
	case MV_MALFORMED:
		break;
	default:
		return;
	}
	r = mv_rules_match(rules, module, sym);
	if (!r)
		return;
	action = mv_decide(v->outcome, as_policy[r->action], v->layout, force_layout);
	if (v->outcome == MV_MALFORMED && action < v->action)
		action = v->action;
	v->action = action;
	v->rule = r;
	v->rule_no = (unsigned int)(r - rules->rule) + 1;
}
