/* router: pick the cheapest capable tier for a prompt from ~20 features and two logistic heads. */
#include "router_priv.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "fmt.h"
#include "util.h"

/* The shipped weights: router_default_model, written by bench/router_train.c. */
#include "router_weights.h"

/* What a feature is called in a reason when it is above its usual value, and when below. */
static const char *const router_labels[RF_COUNT][2] = {
	[RF_LENGTH] = { "long prompt", "short prompt" },
	[RF_WORDS] = { "many words", "few words" },
	[RF_LINES] = { "many lines", "one line" },
	[RF_CODE_FENCE] = { "code block", "no code block" },
	[RF_CODE_CHARS] = { "code characters", "plain prose" },
	[RF_DIFF] = { "diff", "no diff" },
	[RF_TRACE] = { "stack trace", "no stack trace" },
	[RF_DIGITS] = { "many digits", "few digits" },
	[RF_NUMBERS] = { "numbers", "no numbers" },
	[RF_MATH_OPS] = { "math", "no math" },
	[RF_QUESTIONS] = { "several questions", "single question" },
	[RF_CHOICE] = { "multiple choice", "open question" },
	[RF_SENTENCES] = { "many sentences", "few sentences" },
	[RF_WORD_LEN] = { "long words", "short words" },
	[RF_NON_ASCII] = { "non-ASCII text", "ASCII text" },
	[RF_KW_REASON] = { "reasoning words", "no reasoning words" },
	[RF_KW_MATH] = { "math words", "no math words" },
	[RF_KW_CODE] = { "code words", "no code words" },
	[RF_KW_CREATIVE] = { "creative writing", "not creative writing" },
	[RF_KW_SIMPLE] = { "greeting or lookup", "no greeting or lookup" },
	[RF_KW_FORMAT] = { "format constraints", "no format constraints" },
	[RF_TURN] = { "late turn", "first turn" },
	[RF_CONTEXT] = { "long context", "little context" },
	[RF_PREV_TIER] = { "previous tier", "previous tier" },
	[RF_CODE_LINES] = { "pasted code", "no pasted code" },
	[RF_ASK_WORK] = { "asks for work", "no work asked" },
	[RF_ASK_DEEP] = { "asks for review or design", "no review or design" },
	[RF_CONCURRENCY] = { "concurrency", "no concurrency" },
	[RF_SECURITY] = { "security", "no security" },
	[RF_DISTRIBUTED] = { "distributed systems", "not distributed" },
	[RF_PERFORMANCE] = { "performance", "no performance" },
	[RF_BUILD] = { "build tooling", "no build tooling" },
	[RF_DATA_FORMAT] = { "data formats", "no data formats" },
	[RF_FORMAL] = { "proof or undefined behaviour", "no proof" },
	[RF_FEW_WORDS] = { "a quick ask", "not a quick ask" },
	[RF_ASK_SMALL] = { "a how-to or small edit", "no how-to" },
};

/* From this much earlier context on, a conversation wants at least mid. */
#define ROUTER_LONG_CONTEXT 32000

/* Standardise feature i of x for model rm (clipped). */
double
router_z(const struct router_model *rm, const double x[RF_COUNT], int i)
{
	double z;

	if (rm->scale[i] <= 0)
		return 0;
	z = (x[i] - rm->mean[i]) / rm->scale[i];
	return z > ROUTER_Z_CLIP ? ROUTER_Z_CLIP : z < -ROUTER_Z_CLIP ? -ROUTER_Z_CLIP : z;
}

static void
router_terms(const struct router_model *rm, const double x[RF_COUNT], double c1[RF_COUNT],
    double c2[RF_COUNT], double *l1, double *l2)
{
	int i;

	*l1 = rm->b1;
	*l2 = rm->b2;
	for (i = 0; i < RF_COUNT; i++) {
		double z = router_z(rm, x, i);

		c1[i] = rm->w1[i] * z;
		c2[i] = rm->w2[i] * z;
		*l1 += c1[i];
		*l2 += c2[i];
	}
}

/* Compute both heads' logits for features x. */
void
router_logits(const struct router_model *rm, const double x[RF_COUNT], double *l1, double *l2)
{
	double c1[RF_COUNT], c2[RF_COUNT];

	router_terms(rm, x, c1, c2, l1, l2);
}

static double
sigmoid(double z)
{
	return 1.0 / (1.0 + exp(-z));
}

/* A count in words as every token count is shown. */
static void
fmt_count(double v, char *out, size_t n)
{
	fmt_tokens(v < 0 ? 0 : v > 9e18 ? INT64_MAX : llround(v), out, n);
}

/*
 * What feature f is called, above its usual value (high) or below it, true
 * to the prompt: fewer lines than usual are not always one, a prompt below
 * the usual count of questions may ask none or one, and one whose digits
 * are dates or versions has digits but no quantities.
 */
static const char *
router_label(int f, const double x[RF_COUNT], bool high)
{
	if (f == RF_LINES && !high && x[f] > 0)
		return "few lines";
	if (f == RF_QUESTIONS && (x[f] == 0 || lround(expm1(x[f])) == 1))
		return x[f] == 0 ? "no question" : "single question";
	if (f == RF_NUMBERS && !high && x[f] == 0 && x[RF_DIGITS] > 0)
		return "no quantities";
	return router_labels[f][high ? 0 : 1];
}

/* How many lines of p[0..n) open like a log's. */
static size_t
log_lines(const char *prompt, size_t n)
{
	const unsigned char *p = (const unsigned char *)prompt, *nl;
	size_t i = 0, count = 0;

	while (i < n) {
		count += router_line_starts_log(p + i, n - i);
		nl = memchr(p + i, '\n', n - i);
		if (nl == NULL)
			break;
		i = (size_t)(nl - p) + 1;
	}
	return count;
}

/* One feature in words (high: above its usual value), with its number where one helps. */
static void
router_phrase(const struct route_input *in, int f, const double x[RF_COUNT], bool high, char *out, size_t n)
{
	char num[16];

	switch (f) {
	case RF_LENGTH:
	case RF_WORDS:
		fmt_count(((double)in->len + 3) / 4, num, sizeof(num));
		if (!high && f == RF_WORDS && in->len > 400 &&
		    2 * log_lines(in->prompt, in->len) >= (size_t)lround(expm1(x[RF_LINES])) + 1)
			snprintf(out, n, "mostly a pasted log");
		else if (high || in->len > 400)
			snprintf(out, n, "%s tokens", num);
		else
			snprintf(out, n, "short prompt");
		return;
	case RF_LINES:
		if (high) {
			fmt_count(expm1(x[f]) + 1, num, sizeof(num));
			snprintf(out, n, "%s lines", num);
			return;
		}
		break;
	case RF_QUESTIONS:
		if (high && lround(expm1(x[f])) > 1) {
			snprintf(out, n, "%.0f questions", expm1(x[f]));
			return;
		}
		break;
	case RF_CONTEXT:
		if (high) {
			fmt_count((double)in->context_tokens, num, sizeof(num));
			snprintf(out, n, "%s tokens of context", num);
			return;
		}
		break;
	case RF_TURN:
		if (high) {
			snprintf(out, n, "turn %d", in->turn + 1);
			return;
		}
		break;
	default:
		break;
	}
	str_copy(out, n, router_label(f, x, high));
}

/* Append s to the reason, separated by sep; silently stop when full (plain copies: no format to parse). */
static void
reason_add(char *r, size_t n, const char *sep, const char *s)
{
	size_t len = strlen(r);

	if (len > 0) {
		str_copy(r + len, n - len, sep);
		len += strlen(r + len);
	}
	str_copy(r + len, n - len, s);
}

/*
 * Choose the top three terms pushing towards the decision (up: past cheap);
 * forced (>= 0) goes first. Each is named by where its value lies, so a
 * weight that pushes up on a low value reads "short prompt", not "long".
 */
static void
router_explain(const struct router_model *rm, const struct route_input *in, const double x[RF_COUNT],
    const double c[RF_COUNT], bool up, int forced, struct route_decision *out)
{
	bool used[RF_COUNT] = { false };
	int pick[3];
	char phrase[48];
	size_t k;
	int i;

	out->ntop = 0;
	used[RF_PREV_TIER] = true;
	if (forced >= 0) {
		pick[out->ntop++] = forced;
		used[forced] = true;
	}
	while (out->ntop < 3) {
		int best = -1;

		for (i = 0; i < RF_COUNT; i++) {
			double v = up ? c[i] : -c[i];

			if (!used[i] && v > 0.05 && (best < 0 || v > (up ? c[best] : -c[best])))
				best = i;
		}
		if (best < 0)
			break;
		used[best] = true;
		/* Length and words say the same thing: show one. */
		if (best == RF_LENGTH || best == RF_WORDS)
			used[RF_LENGTH] = used[RF_WORDS] = true;
		pick[out->ntop++] = best;
	}
	for (k = 0; k < out->ntop; k++) {
		bool dir = k == 0 && forced >= 0 ? true : router_z(rm, x, pick[k]) > 0;

		i = pick[k];
		out->top[k] = (struct route_feature){ router_label(i, x, dir), x[i], c[i] };
		router_phrase(in, i, x, dir, phrase, sizeof(phrase));
		reason_add(out->reason, sizeof(out->reason), ", ", phrase);
	}
	if (out->ntop == 0)
		reason_add(out->reason, sizeof(out->reason), ", ", up ? "harder than average" : "typical prompt");
}

/* The thresholds of rm for the quality aimed at (0: ROUTER_QUALITY_DEFAULT). */
void
router_thresholds(const struct router_model *rm, double quality, double *t1, double *t2)
{
	double q = quality > 0 && quality <= 1 ? quality : ROUTER_QUALITY_DEFAULT;

	*t1 = rm->t1;
	*t2 = rm->t2;
	if (rm->loss1 > 0 && rm->loss2 > 0) {
		*t1 = (1 - q) / rm->loss1;
		*t2 = (1 - q) / rm->loss2;
	}
}

/* Decide with the given model (the trainer and evaluator use their own fits). */
void
router_decide_with(const struct router_model *rm, const struct route_input *in, struct route_decision *out)
{
	double x[RF_COUNT], c1[RF_COUNT], c2[RF_COUNT], l1, l2, t1, t2;
	const double *c;
	enum tier t;
	int forced = -1;
	enum router_rule rule;
	bool rules, howto_cap = false, question_cap = false, build, trace;
	size_t hard;

	memset(out, 0, sizeof(*out));
	router_scan(in, x, &hard);
	router_terms(rm, x, c1, c2, &l1, &l2);
	out->p_mid_fail = sigmoid(l2);
	/* Where mid is not enough, cheap is not either, whatever head 1 says. */
	out->p_cheap_fail = fmax(sigmoid(l1), out->p_mid_fail);
	router_thresholds(rm, in->quality, &t1, &t2);
	/*
	 * The rules below judge by what is asked, for the default share or less;
	 * asked for more quality, the score alone decides.
	 */
	rules = !(in->quality > ROUTER_QUALITY_DEFAULT + 1e-9 && in->quality <= 1);
	/* Writing to a specification loses less on mid: the frontier needs a clearer case. */
	build = rules && out->p_mid_fail >= t2 && out->p_mid_fail < t2 / ROUTER_BUILD_LOSS && hard == 0 &&
	    router_is_build(in);
	if (build)
		t2 /= ROUTER_BUILD_LOSS;
	t = out->p_cheap_fail < t1 ? TIER_CHEAP : out->p_mid_fail < t2 ? TIER_MID : TIER_FRONTIER;
	/*
	 * Plain arithmetic, a lookup in pasted data, a how-to and the like are a
	 * small model's work, however long...
	 */
	rule = rules && t != TIER_CHEAP ? router_cheap_rule(in, x) : RULE_NONE;
	if (rule != RULE_NONE)
		t = TIER_CHEAP;
	/*
	 * ...while code, diffs and pasted stack traces want at least mid. A crash
	 * word in a one-line question ("what is a segfault", "what does 'fatal:
	 * not a git repository' mean") is no trace: the score decides it.
	 */
	trace = x[RF_TRACE] > 0 && memchr(in->prompt, '\n', router_text_len(in)) != NULL;
	if (rule != RULE_COMMIT && (trace || x[RF_DIFF] > 0 ||
	    (rule != RULE_EDIT && rule != RULE_SUMMARY && x[RF_CODE_FENCE] > 0) ||
	    (rule != RULE_LOOKUP && rule != RULE_EDIT && rule != RULE_CONVERT && rule != RULE_SUMMARY &&
	    x[RF_CODE_LINES] >= log1p(ROUTER_CODE_LINES)))) {
		/*
		 * Named first in the reason: it is what the user will recognise. Lines
		 * shaped like code are named only when they moved the tier.
		 */
		if (trace || x[RF_DIFF] > 0 || x[RF_CODE_FENCE] > 0)
			forced = trace ? RF_TRACE : x[RF_DIFF] > 0 ? RF_DIFF : RF_CODE_FENCE;
		else if (t == TIER_CHEAP)
			forced = RF_CODE_LINES;
		if (t == TIER_CHEAP)
			t = TIER_MID;
	}
	/* ...so does a long conversation... */
	if (in->context_tokens >= ROUTER_LONG_CONTEXT && t == TIER_CHEAP) {
		t = TIER_MID;
		forced = RF_CONTEXT;
	}
	/* ...and short greetings, lookups and how-tos never need the frontier. */
	if (t == TIER_FRONTIER && router_is_lookup(in, x)) {
		t = TIER_MID;
		forced = RF_KW_SIMPLE;
	} else if (rules && t == TIER_FRONTIER && hard == 0 && router_howto_ask(in)) {
		t = TIER_MID;
		howto_cap = true;
	} else if (rules && t == TIER_FRONTIER && router_plain_question(in, x)) {
		t = TIER_MID;
		question_cap = true;
	}
	if (in->prev_tier > t && in->prev_tier < TIER_COUNT) {
		snprintf(out->reason, sizeof(out->reason), "sticky: previous turn %s; ", tier_str(in->prev_tier));
		t = in->prev_tier;
		out->sticky = true;
	}
	out->tier = t;
	c = t == TIER_FRONTIER ? c2 : c1;
	if (out->sticky) {
		/* The reason so far ends in "; ": explain the score after it. */
		size_t len = strlen(out->reason);
		struct route_decision tmp;

		memset(&tmp, 0, sizeof(tmp));
		router_explain(rm, in, x, c, out->p_cheap_fail >= t1, forced, &tmp);
		snprintf(out->reason + len, sizeof(out->reason) - len, "%s", tmp.reason);
		memcpy(out->top, tmp.top, sizeof(out->top));
		out->ntop = tmp.ntop;
		return;
	}
	/* The rule decided, not the score: say so first. */
	if (rule == RULE_ARITH && t == TIER_CHEAP)
		str_copy(out->reason, sizeof(out->reason),
		    x[RF_MATH_OPS] > 0 ? "plain arithmetic" : "a few words with numbers");
	else if (rule != RULE_NONE && (t == TIER_CHEAP || rule == RULE_HOWTO))
		str_copy(out->reason, sizeof(out->reason), router_rule_names[rule]);
	else if (howto_cap)
		str_copy(out->reason, sizeof(out->reason), router_rule_names[RULE_HOWTO]);
	else if (question_cap)
		str_copy(out->reason, sizeof(out->reason), "a short plain question");
	else if (build && t == TIER_MID)
		str_copy(out->reason, sizeof(out->reason), "a request to write or build");
	router_explain(rm, in, x, c, t != TIER_CHEAP, forced, out);
	/* A share other than the default moved the thresholds: say so. */
	if (in->quality > 0 && in->quality <= 1 && fabs(in->quality - ROUTER_QUALITY_DEFAULT) > 1e-9) {
		char q[32];

		snprintf(q, sizeof(q), "quality %.2g", in->quality);
		reason_add(out->reason, sizeof(out->reason), ", ", q);
	}
}

/* Decide the tier for a turn with the shipped weights; no heap allocation. */
void
router_decide(const struct route_input *in, struct route_decision *out)
{
	router_decide_with(&router_default_model, in, out);
}

/* Pick the first usable model of tier t, then of higher tiers, whose window fits need_tokens. */
const struct model *
router_pick(const struct catalog *cat, enum tier t, int64_t need_tokens,
    bool (*usable)(void *arg, const struct model *m), void *arg, enum tier *got)
{
	const struct model *list[64];
	size_t n, i;
	int tt;

	for (tt = t < 0 ? TIER_CHEAP : t; tt < TIER_COUNT; tt++) {
		n = catalog_tier(cat, (enum tier)tt, list, ARRAY_SIZE(list));
		for (i = 0; i < n; i++) {
			const struct model *m = list[i];

			if (m->context > 0 && need_tokens > m->context)
				continue;
			if (usable != NULL && !usable(arg, m))
				continue;
			if (got != NULL)
				*got = (enum tier)tt;
			return m;
		}
	}
	return NULL;
}

/* Openings of refusals and hedges, lowercase, with plain apostrophes. */
static const char *const router_refusals[] = {
	"i can't help", "i cannot help", "i can't assist", "i cannot assist", "i can't provide",
	"i cannot provide", "i can't do that", "i cannot do that", "i won't be able", "i will not be able",
	"i'm unable to", "i am unable to", "i'm not able to", "i am not able to", "i'm sorry, but i can",
	"i am sorry, but i can", "sorry, i can't", "sorry, but i can't", "as an ai", "i'm not sure",
	"i am not sure", "i don't know", "i do not know", "i'm not certain", "i am not certain",
	"i must decline", "i can't comply", "i cannot comply",
};

/* Tell whether an answer is a refusal, a hedge or empty (for escalation). */
bool
router_is_refusal(const char *text, size_t len)
{
	char low[240];
	size_t i;

	if (router_fold(text, len, low, sizeof(low)) == 0)
		return true;
	/* A long answer that opens with a hedge still answers. */
	if (len > 2000)
		return false;
	for (i = 0; i < ARRAY_SIZE(router_refusals); i++) {
		const char *hit = strstr(low, router_refusals[i]);

		if (hit != NULL && hit - low < 200)
			return true;
	}
	return false;
}

/* Whether a line's rest after a fence's marks holds only blanks, as a closing fence's does. */
static bool
router_blank(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t' || *p == '\r'))
		p++;
	return p == end;
}

/*
 * Tell whether text ends inside a fenced code block (for escalation). Fences
 * are read as Markdown reads them: a line of three or more ` or ~ opens one
 * (a ` fence's info string holds no backtick, else it is inline code), and
 * only a line of at least as many of the same mark and nothing else closes
 * it. Indentation and quote marks before a fence are passed over, as inside
 * list items and quotes.
 */
bool
router_fence_open(const char *text, size_t len)
{
	const char *p = text, *end = text + len;
	char open = 0;
	size_t open_n = 0;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p)), *le = nl ? nl : end, *q = p;
		size_t n = 0;
		char ch;

		while (q < le && (*q == ' ' || *q == '\t' || *q == '>'))
			q++;
		ch = q < le ? *q : '\0';
		while (q + n < le && q[n] == ch)
			n++;
		if ((ch == '`' || ch == '~') && n >= 3) {
			if (open == 0 && (ch == '~' || memchr(q + n, '`', (size_t)(le - q - n)) == NULL)) {
				open = ch;
				open_n = n;
			} else if (ch == open && n >= open_n && router_blank(q + n, le)) {
				open = 0;
			}
		}
		p = nl ? nl + 1 : end;
	}
	return open != 0;
}
