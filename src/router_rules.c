/* router_rules: what sends a prompt to cheap whatever its score: lookups, how-tos, edits... */
#include "router_priv.h"

#include <math.h>
#include <string.h>
#include <strings.h>

#include "router_kw.h"
#include "util.h"

/* The length of the prompt without the blank lines and spaces it ends in. */
size_t
router_text_len(const struct route_input *in)
{
	size_t n = in->prompt != NULL ? in->len : 0;

	while (n > 0 && (in->prompt[n - 1] == '\n' || in->prompt[n - 1] == ' ' || in->prompt[n - 1] == '\r'))
		n--;
	return n;
}

/* Longest prompt read as a question of fact, in bytes. */
#define ROUTER_FACT_MAX 200

/*
 * How a question of fact opens: it asks for a value, a name, a count or a
 * yes or no ("what port does redis use for replicas", "which header declares
 * pthread_mutex_lock", "how many replicas should a kafka topic have", "is
 * signed overflow undefined behaviour in C"). "Can" is none: "can a reader see
 * a torn value", "can an attacker forge it" ask what a system allows, which
 * takes reasoning. Lowercase, plain apostrophes.
 */
static const char *const fact_openers[] = {
	"what ", "what's ", "whats ", "which ", "how many ", "how much ", "how big ", "how large ",
	"how long ", "is ", "are ", "does ", "do ", "did ", "was ", "were ",
};
/*
 * Words that make a short question one about the user's own case, a
 * diagnosis or a judgement of correctness: such a question is scored.
 */
static const char *const question_not[] = {
	"this", "these", "those", "my", "our", "here", "it", "wrong", "happen", "happens",
	"happening", "going", "cause", "causes", "causing", "caused", "why", "safe", "safely",
	"correct", "correctly", "enough", "sufficient", "guarantee", "guarantees", "guaranteed",
	"bug", "bugs", "broken", "fail", "fails", "failing", "hang", "hangs", "lose", "loses", "lost",
	"leak", "leaks",
};
/* Words that make it a judgement of a choice, a question for a mid model rather than a fact. */
static const char *const fact_not[] = {
	"that", "best", "better", "worse", "faster", "fastest", "slower", "way", "pros", "cons",
	"tradeoff", "tradeoffs", "trade", "implications", "risks", "pitfalls", "advantages",
	"disadvantages", "drawbacks", "benefits", "consequences",
};

/*
 * Whether prompt[0..len) asks a question of fact ("what memory order does
 * std::atomic use by default", "how many nodes does a raft cluster need to
 * tolerate 2 failures"): a documented value or rule, whatever its subject.
 * Only its opening and its words are read; the caller checks that it is
 * short, that nothing is pasted with it and that it asks for no work.
 */
bool
router_fact_ask(const char *prompt, size_t len)
{
	char low[ROUTER_FACT_MAX + 1];
	size_t i, n;
	bool open = false;

	if (prompt == NULL || len > ROUTER_FACT_MAX || memchr(prompt, '\n', len) != NULL)
		return false;
	n = router_fold(prompt, len, low, sizeof(low));
	for (i = 0; i < ARRAY_SIZE(fact_openers) && !open; i++)
		open = str_startswith(low, fact_openers[i]);
	return open && !router_any_word_in(low, n, "", question_not, ARRAY_SIZE(question_not)) &&
	    !router_any_word_in(low, n, "", fact_not, ARRAY_SIZE(fact_not));
}

/* How a question opens when it does not end in a question mark. */
static const char *const question_openers[] = {
	"what ", "what's ", "whats ", "which ", "how ", "is ", "are ", "does ", "do ", "can ",
	"should ", "would ", "when ", "where ",
};

/*
 * True for a one-line question of a few words that asks nothing hard of its
 * subject ("should I use raft or paxos for leader election in a new
 * service", "kafka or rabbitmq for an event log?"): no reasoning, proof,
 * review or work asked, no correctness judged, nothing diagnosed, nothing
 * pasted. A fact or a choice between known options is a mid model's at
 * most, whatever the subject; the frontier is for the proof, the pasted
 * deadlock, the review.
 */
bool
router_plain_question(const struct route_input *in, const double x[RF_COUNT])
{
	static const int quiet[] = { RF_CODE_FENCE, RF_CODE_LINES, RF_DIFF, RF_TRACE, RF_MATH_OPS,
		RF_KW_REASON, RF_ASK_WORK, RF_ASK_DEEP };
	char low[ROUTER_FACT_MAX + 1];
	size_t n = router_text_len(in), m, i;
	bool open;

	if (in->prompt == NULL || n == 0 || n > ROUTER_FACT_MAX || memchr(in->prompt, '\n', n) != NULL ||
	    x[RF_WORDS] >= log1p(ROUTER_FEW_WORDS) || x[RF_QUESTIONS] > log1p(1) ||
	    x[RF_SENTENCES] > log1p(1))
		return false;
	for (i = 0; i < ARRAY_SIZE(quiet); i++)
		if (x[quiet[i]] != 0)
			return false;
	m = router_fold(in->prompt, n, low, sizeof(low));
	open = m > 0 && low[m - 1] == '?';
	for (i = 0; i < ARRAY_SIZE(question_openers) && !open; i++)
		open = str_startswith(low, question_openers[i]);
	return open && !router_any_word_in(low, m, "", question_not, ARRAY_SIZE(question_not));
}

/*
 * True for a one-line textbook question ("what does SQL injection mean",
 * "difference between a process and a thread, briefly"): whatever its
 * subject, what it asks is what any model can say. Asks for review, design,
 * a proof or work, code and formulas are none.
 */
static bool
router_is_definition(const struct route_input *in, const double x[RF_COUNT])
{
	size_t n = router_text_len(in);

	if (n == 0 || memchr(in->prompt, '\n', n) != NULL || x[RF_ASK_DEEP] > 0 ||
	    x[RF_ASK_WORK] > 0 || x[RF_FORMAL] > 0 || x[RF_MATH_OPS] > 0 || x[RF_CODE_LINES] > 0 ||
	    x[RF_CODE_FENCE] > 0 || x[RF_KW_MATH] > 0)
		return false;
	return router_definition_ask(in->prompt, n);
}

/* True for a short greeting, lookup or textbook question with nothing that needs more. */
bool
router_is_lookup(const struct route_input *in, const double x[RF_COUNT])
{
	if (in->len < 200 && x[RF_KW_SIMPLE] > 0 && x[RF_KW_REASON] == 0 && x[RF_KW_MATH] == 0 &&
	    x[RF_KW_CODE] == 0 && x[RF_CODE_FENCE] == 0 && x[RF_TRACE] == 0 && x[RF_MATH_OPS] == 0)
		return true;
	return in->prompt != NULL && router_is_definition(in, x);
}

/* Bytes enough to hold any opening looked for at the start of a line. */
#define ROUTER_OPENER_MAX 32

/* Longest line read as the ask of a lookup in pasted data, in bytes. */
#define ROUTER_ASK_MAX 160

/*
 * How a lookup or a small reshaping of pasted data opens ("what port does
 * the db use?", "how many rows have status failed?", "is this valid YAML?",
 * "turn this into a markdown table:"). Lowercase, plain apostrophes.
 */
static const char *const lookup_openers[] = {
	"what ", "what's ", "whats ", "which ", "when ", "where ", "who ", "how many ", "how much ",
	"how long ", "list ", "count ", "extract ", "find ", "get ", "give me ", "show me ",
	"is this valid", "is it valid", "is there ", "are there ", "convert ", "turn this ",
	"format ", "pretty-print", "pretty print", "sort ",
};
/* Words that make the ask a diagnosis, a judgement or work, not a lookup. */
static const char *const lookup_not[] = {
	"why", "wrong", "bug", "bugs", "broken", "fix", "issue", "issues", "problem", "problems",
	"cause", "causes", "causing", "caused", "correct", "safe", "unsafe", "should", "better",
	"best", "worse", "improve", "review", "explain", "leak", "leaks", "slow", "slower", "faster",
	"race", "happen", "happens", "happening", "happened", "mean", "means", "expect", "expected",
	"instead", "work", "works", "working", "make", "makes", "diagnose", "debug", "root",
	"difference", "differ", "compare",
};

/*
 * Whether the line p[0..n) asks to look something up in, or reshape, what is
 * pasted with it: a lookup opening, few words, no code, and nothing that
 * makes it a diagnosis, a judgement or a hard subject.
 */
static bool
lookup_ask(const char *p, size_t n)
{
	/* A judgement, reasoning or a hard subject, plain words and all. */
	static const unsigned hard = 1u << KW_DEEP | 1u << KW_REASON | 1u << KW_CONC | 1u << KW_SEC |
	    1u << KW_DIST | 1u << KW_PERF | 1u << KW_FORMAL;
	char low[ROUTER_ASK_MAX + 1];
	size_t i, m, end;
	bool open = false;

	if (n == 0 || n > ROUTER_ASK_MAX)
		return false;
	/* The opening first: most first lines are no lookup. */
	router_fold(p, n < ROUTER_OPENER_MAX ? n : ROUTER_OPENER_MAX, low, sizeof(low));
	for (i = 0; i < ARRAY_SIZE(lookup_openers) && !open; i++)
		open = str_startswith(low, lookup_openers[i]);
	if (!open)
		return false;
	m = router_fold(p, n, low, sizeof(low));
	/* "what do I do", "what can I do now?": advice, not a lookup. */
	while (m > 0 && (low[m - 1] == '?' || low[m - 1] == ' ' || low[m - 1] == '.'))
		low[--m] = '\0';
	if (!open || strpbrk(low, "{}();=<>`") != NULL || (m >= 3 && strcmp(low + m - 3, " do") == 0) ||
	    (m >= 4 && strcmp(low + m - 4, " now") == 0))
		return false;
	for (i = 0; i < m; i = end) {
		while (i < m && !router_alpha((unsigned char)low[i]))
			i++;
		for (end = i; end < m && router_alpha((unsigned char)low[end]); end++)
			;
		if (router_word_in(low + i, end - i, lookup_not, ARRAY_SIZE(lookup_not)) ||
		    (router_kw_groups((const unsigned char *)low + i, end - i, NULL) & hard))
			return false;
	}
	return true;
}

/* Words that open a line of code the way a key opens a line of YAML ("else:"). */
static const char *const code_labels[] = {
	"else", "try", "finally", "except", "default", "public", "private", "protected",
};

/* Whether p[0..n) is a version: "1.22.4", "v5.0.12", "v0.0.0-20221227". */
static bool
is_version(const unsigned char *p, size_t n)
{
	size_t i = n > 0 && p[0] == 'v';

	if (i >= n || !router_digit(p[i]))
		return false;
	while (i < n && router_digit(p[i]))
		i++;
	return i + 1 < n && p[i] == '.' && router_digit(p[i + 1]);
}

/* Longest key of a "key: value" line, in bytes, and most words in it ("Restart Count"). */
#define ROUTER_KEY_MAX 40
#define ROUTER_KEY_WORDS 3

/*
 * Whether the line p[0..n) (indentation skipped, n > 0) is data rather than
 * code or prose: a log's line, JSON, YAML, an INI or .env entry, an HTTP
 * header or a command's "Key: value" report, a CSV or Markdown table's row,
 * aligned columns, or a dependency with its version. A line that ends like
 * a statement or calls something is none.
 */
static bool
line_is_data(const unsigned char *p, size_t n)
{
	size_t i, j, commas = 0, k, spaces = 0;
	unsigned char last = p[n - 1];

	if (router_line_starts_log(p, n))
		return true;
	/* "web-1 2026-12-04 10:39:33 …", "update-alternatives 2026-09-22 04:38:15: …" */
	for (k = 0; k < n && k < 40 && p[k] != ' '; k++)
		;
	if (k + 1 < n && k < 40 && router_line_starts_log(p + k + 1, n - k - 1))
		return true;
	if (p[0] == '|' || p[0] == '"')
		return true;
	for (i = 0; i < n && strchr("{}[](),: \t", p[i]) != NULL; i++)
		;
	if (i == n)
		return true;
	if (memchr(p, '(', n) != NULL || last == ';' || last == '{' || router_starts(p, n, "//"))
		return false;
	if (router_starts(p, n, "- ") || (p[0] == '[' && last == ']'))
		return true;
	for (i = 0; i < n && i <= ROUTER_KEY_MAX; i++) {
		if (p[i] == ' ' && i + 1 < n && (router_alpha(p[i + 1]) || router_digit(p[i + 1])) && spaces < ROUTER_KEY_WORDS)
			spaces++;
		else if (!router_alpha(p[i]) && !router_digit(p[i]) && p[i] != '_' && p[i] != '-' && p[i] != '.' && p[i] != '/')
			break;
	}
	if (i > 0 && i <= ROUTER_KEY_MAX && !router_word_in((const char *)p, i, code_labels, ARRAY_SIZE(code_labels))) {
		for (j = i; j < n && p[j] == ' '; j++)
			;
		if (j < n && p[j] == ':' && (j + 1 == n || p[j + 1] == ' ' || p[j + 1] == '\t'))
			return true;
		if (j < n && p[j] == '=' && spaces == 0 && (j + 1 == n || p[j + 1] != '='))
			return true;
	}
	/* One look at the rest: a version, two commas, a tab or two spaces between fields. */
	for (i = 0; i < n; i++) {
		if (p[i] == ',' && ++commas >= 2)
			return true;
		if (p[i] == '\t' && i > 0)
			return true;
		if (p[i] == ' ' && i > 0 && p[i - 1] != ' ' && i + 2 < n && p[i + 1] == ' ' && p[i + 2] != ' ')
			return true;
		if ((i == 0 || p[i - 1] == ' ') && (router_digit(p[i]) || p[i] == 'v') && is_version(p + i, n - i))
			return true;
	}
	return false;
}

/* Fewest lines of data pasted for a lookup in them. */
#define ROUTER_DATA_LINES 1

/*
 * True when the prompt asks to look something up in, or reshape, data pasted
 * with it ("what port does the db use?" and a compose file, "how many rows
 * failed?" and a CSV, "is this valid YAML?"): the ask on its first or last
 * line, and at least three in four of the other lines data. Reading a value
 * out of a long config is a small model's work however long it is; code,
 * prose, diffs and traces are out.
 */
static bool
router_is_data_lookup(const struct route_input *in, const double x[RF_COUNT])
{
	const unsigned char *p = (const unsigned char *)in->prompt;
	const unsigned char *nl;
	size_t n = router_text_len(in), first = 0, first_end, last, i, end, lines = 0, data = 0;
	bool ask_first;

	if (p == NULL || n == 0 || x[RF_DIFF] > 0 || x[RF_TRACE] > 0 || x[RF_CODE_FENCE] > 0)
		return false;
	while (first < n && (p[first] == '\n' || p[first] == ' ' || p[first] == '\t' || p[first] == '\r'))
		first++;
	nl = memchr(p + first, '\n', n - first);
	if (nl == NULL)
		return false;
	first_end = (size_t)(nl - p);
	last = (size_t)((const unsigned char *)memrchr(p, '\n', n) - p) + 1;
	ask_first = lookup_ask((const char *)p + first, first_end - first);
	if (!ask_first && !lookup_ask((const char *)p + last, n - last))
		return false;
	for (i = ask_first ? first_end + 1 : first; i < (ask_first ? n : last); i = end + 1) {
		size_t e, b;

		nl = memchr(p + i, '\n', n - i);
		end = nl != NULL ? (size_t)(nl - p) : n;
		for (b = i; b < end && (p[b] == ' ' || p[b] == '\t'); b++)
			;
		for (e = end; e > b && (p[e - 1] == ' ' || p[e - 1] == '\r' || p[e - 1] == '\t'); e--)
			;
		if (e > b && p[b] != '#') {
			lines++;
			data += line_is_data(p + b, e - b);
		}
	}
	return lines >= ROUTER_DATA_LINES && data * 4 >= lines * 3;
}

/* Longest message read as thanks with nothing asked, in bytes. */
#define ROUTER_THANKS_MAX 300

/* How thanks or an all-clear opens ("thanks, that fixed it!", "ok got it"). */
static const char *const thanks_openers[] = {
	"thanks", "thank you", "thx", "ty ", "ty!", "cheers", "great", "perfect", "awesome", "nice",
	"cool", "ok ", "ok,", "ok!", "okay", "got it", "nevermind", "never mind", "that worked",
	"it worked", "works now", "danke", "merci", "gracias", "bedankt",
};
/* Words that ask for more after the thanks ("thanks, now add tests", "ok but it fails"). */
static const char *const thanks_not[] = {
	"now", "also", "but", "still", "however", "can", "could", "would", "please", "pls", "next",
	"write", "add", "change", "update", "make", "do", "try", "show", "give", "explain", "fix",
	"error", "fails", "failed", "failing", "doesn", "didn", "isn", "not", "wrong", "issue",
	"problem", "why", "how", "what", "which", "where", "when", "one", "another", "quick",
	"implement", "refactor", "convert", "generate", "create", "review", "test", "tests",
};

/*
 * True for thanks or an all-clear that asks for nothing more ("thanks, that
 * worked! the migration ran fine on staging"): any model can reply to it.
 */
static bool
router_is_thanks(const struct route_input *in, const double x[RF_COUNT])
{
	char low[ROUTER_THANKS_MAX + 1];
	size_t i, n;
	bool open = false;

	if (in->prompt == NULL || in->len > ROUTER_THANKS_MAX || x[RF_CODE_LINES] > 0 ||
	    x[RF_CODE_FENCE] > 0 || x[RF_DIFF] > 0 || x[RF_TRACE] > 0 || x[RF_ASK_DEEP] > 0 ||
	    memchr(in->prompt, '?', in->len) != NULL)
		return false;
	n = router_fold(in->prompt, in->len, low, sizeof(low));
	for (i = 0; i < ARRAY_SIZE(thanks_openers) && !open; i++)
		open = str_startswith(low, thanks_openers[i]);
	return open && !router_any_word_in(low, n, "_0123456789", thanks_not, ARRAY_SIZE(thanks_not));
}

/* Longest one-line ask read as a lookup of a command or a syntax, in bytes. */
#define ROUTER_COMMAND_MAX 240

/* What asks for a command, a flag, a syntax, a regex, a one-liner or a version. */
static const char *const command_asks[] = {
	"command to ", "command for ", "the command ", "flag to ", "flag for ", "flag so ", "the flag ",
	"flag do", "option to ", "syntax", "regex to ", "regex for ", "regex that ", "one-liner",
	"one liner", "which version", "what version", "version added", "version introduced",
	"shortcut ", "shortcut?",
};

/*
 * True for a one-line ask for a command, a flag, a syntax, a regex or a
 * version ("kubectl command to see logs of the previous container", "regex
 * to match a semver like 1.24.3", "postgres: add a NOT NULL column with a
 * default. syntax?"): a known answer, however many words describe it. Asks
 * to write or explain, to review or design, and hard subjects are scored.
 */
static bool
router_is_command(const struct route_input *in, const double x[RF_COUNT])
{
	/* One line: a closing parenthesis may make it "code", not a paste. */
	static const int quiet[] = { RF_CODE_FENCE, RF_DIFF, RF_TRACE, RF_ASK_WORK, RF_ASK_DEEP,
		RF_CONCURRENCY, RF_SECURITY, RF_DISTRIBUTED, RF_PERFORMANCE, RF_FORMAL };
	char low[ROUTER_COMMAND_MAX + 1];
	size_t n = router_text_len(in), i;

	if (in->prompt == NULL || n == 0 || n > ROUTER_COMMAND_MAX || memchr(in->prompt, '\n', n) != NULL)
		return false;
	for (i = 0; i < ARRAY_SIZE(quiet); i++)
		if (x[quiet[i]] != 0)
			return false;
	router_fold(in->prompt, n, low, sizeof(low));
	return router_phrase_in(low, command_asks, ARRAY_SIZE(command_asks));
}

/* Longest one-line question read as a how-to, in bytes. */
#define ROUTER_HOWTO_MAX 320

/*
 * How a question of how to do something, or of what a thing does or how
 * two differ, opens or goes: "how do I rename a branch", "docker:
 * difference between CMD and ENTRYPOINT", "the yarn equivalent of npm ci",
 * "¿cómo listo los puertos…", "Wie ersetze ich in Vim…".
 */
static const char *const howto_asks[] = {
	"how do i ", "how do you ", "how can i ", "how to ", "difference between", "equivalent of",
	"what's the command", "whats the command", "what is the command", "what's the flag",
	"whats the flag", "what's the syntax", "whats the syntax", "what do i put", "unterschied",
	"was ist der unterschied", "diferencia entre", "diff\xc3\xa9rence entre", "quickest way to ",
	"easiest way to ", "simplest way to ", "c\xc3\xb3mo ",
};
/* Openings that ask how to in other languages, at the start of the prompt only. */
static const char *const howto_openers[] = {
	"como ", "wie ", "hoe ", "comment ", "come ", "\xd0\xba\xd0\xb0\xd0\xba ", "\xd0\x9a\xd0\xb0\xd0\xba ",
};
/* Words of a problem, a judgement or real work: such a question is scored. */
static const char *const howto_not[] = {
	"write", "implement", "create", "generate", "build", "design", "refactor", "optimise",
	"optimize", "review", "debug", "fix", "fixing", "recover", "migrate", "wrong", "broken", "lost",
	"why", "convert", "secure", "safe", "slow", "race", "deadlock", "scale", "production",
	"back", "cannot", "can't", "cant", "couldn't", "couldnt", "doesn't", "doesnt",
	"isn't", "isnt", "won't", "didn't", "didnt", "structure",
	"plan", "framework", "migration", "architecture", "strategy", "tradeoffs", "pros", "cons",
	"prove", "proof", "sound", "unsound", "correct", "correctly", "bug", "bugs",
};
/* Beginnings of such words: "failing", "errors", "crashed", "faster", "leaks". */
static const char *const howto_not_starts[] = { "fail", "error", "fast", "leak" };

/* A judgement asked for in a how-to; in an ask for a command or a query, part of the spec. */
static const char *const howto_judge[] = { "should" };

/*
 * Whether the folded text low[0..n) names no problem, judgement or work;
 * with spec, a "should" is taken for part of what is asked ("if there are
 * ties it should still return the 2nd value"), not a judgement asked for.
 */
static bool
plain_ask(const char *low, size_t n, bool spec)
{
	return !router_any_word_in(low, n, "'", howto_not, ARRAY_SIZE(howto_not)) &&
	    (spec || !router_any_word_in(low, n, "'", howto_judge, ARRAY_SIZE(howto_judge))) &&
	    !router_phrase_in(low, howto_not_starts, ARRAY_SIZE(howto_not_starts));
}

/*
 * True for a one-line question of how to do something, of what a command or
 * a keyword does, or of how two things differ ("hey how do i rename a branch
 * both locally and on origin?", "whats the yarn equivalent of `npm ci`?"):
 * a known answer, however chatty. A problem ("…and now it fails", "how do I
 * get my commits back?"), a judgement ("how should I structure…") or work to
 * write is none.
 */
bool
router_howto_ask(const struct route_input *in)
{
	char low[ROUTER_HOWTO_MAX + 1];
	const char *does;
	size_t n = router_text_len(in), m, i;
	bool open = false;

	if (in->prompt == NULL || n == 0 || n > ROUTER_HOWTO_MAX || memchr(in->prompt, '\n', n) != NULL)
		return false;
	m = router_fold(in->prompt, n, low, sizeof(low));
	for (i = 0; i < ARRAY_SIZE(howto_openers) && !open; i++)
		open = str_startswith(low, howto_openers[i]);
	open = open || router_phrase_in(low, howto_asks, ARRAY_SIZE(howto_asks));
	/* "what does `chmod 755` do", "what does -h do in sort", "what does exit code 137 mean" */
	if (!open && (does = strstr(low, "what does ")) != NULL) {
		const char *d;

		for (d = does + strlen("what does"); !open && (d = strstr(d, " do")) != NULL; d++)
			open = !router_alpha((unsigned char)d[3]);
		for (d = does + strlen("what does"); !open && (d = strstr(d, " mean")) != NULL; d++)
			open = !router_alpha((unsigned char)d[5]);
	}
	return open && plain_ask(low, m, false);
}

/* A how-to question that names no hard subject: a small model's. */
static bool
router_is_howto(const struct route_input *in, const double x[RF_COUNT])
{
	static const int quiet[] = { RF_CODE_FENCE, RF_DIFF, RF_TRACE, RF_ASK_DEEP, RF_CONCURRENCY,
		RF_SECURITY, RF_DISTRIBUTED, RF_PERFORMANCE, RF_FORMAL };
	size_t i;

	for (i = 0; i < ARRAY_SIZE(quiet); i++)
		if (x[quiet[i]] != 0)
			return false;
	return router_howto_ask(in);
}

/*
 * Tools and languages a one-line ask may open with ("awk sum the 3rd
 * column", "sql to count orders per status", "kubectl: list pods sorted by
 * restarts"). Names that are also everyday verbs ("make", "sort", "go") are
 * left out.
 */
static const char *const tool_names[] = {
	"ansible", "apt", "awk", "aws", "az", "bash", "brew", "cargo", "chmod", "chown", "cmake",
	"cron", "crontab", "curl", "docker", "dockerfile", "emacs", "ffmpeg", "find", "gcloud", "git",
	"golang", "gradle", "grep", "helm", "iptables", "java", "javascript", "journalctl", "jq", "js",
	"kotlin", "kubectl", "lsof", "makefile", "maven", "mvn", "mysql", "nginx", "node", "npm",
	"nvim", "openssl", "pandas", "perl", "php", "pip", "pnpm", "postgres", "postgresql",
	"powershell", "psql", "python", "python3", "redis", "rsync", "ruby", "rust", "rustup", "scp",
	"sed", "sh", "shell", "sql", "sqlite", "sqlite3", "ssh", "swift", "systemctl", "systemd",
	"tar", "terraform", "tmux", "ts", "typescript", "vim", "wget", "xargs", "yarn", "yq", "zsh",
	"numpy", "scipy", "matplotlib", "matlab", "julia", "fortran", "excel", "vba", "dart", "lua",
	"scala", "haskell", "elixir", "zig",
};
/* What tells of a symptom rather than an ask ("postgres query takes 30 s even with an index"). */
static const char *const tool_symptoms[] = {
	"says", "takes", "hangs", "hung", "stuck", "forever", "loops", "keeps", "throws", "complains",
	"went", "stopped",
};

/*
 * True for a one-line ask that opens with the tool or language it is about
 * ("find files bigger than 100MB under current dir, sorted by size",
 * "postgres: count signups per day for the last 30 days"): a command, a
 * query or a few lines a small model writes. A problem, a judgement, a
 * hard subject (as in a how-to) or a symptom told is scored.
 */
static bool
router_is_tool_ask(const struct route_input *in, const double x[RF_COUNT])
{
	static const int quiet[] = { RF_CODE_FENCE, RF_DIFF, RF_TRACE, RF_ASK_DEEP, RF_CONCURRENCY,
		RF_SECURITY, RF_DISTRIBUTED, RF_PERFORMANCE, RF_FORMAL };
	char low[ROUTER_COMMAND_MAX + 1];
	size_t n = router_text_len(in), m, i, end;

	if (in->prompt == NULL || n == 0 || n > ROUTER_COMMAND_MAX || memchr(in->prompt, '\n', n) != NULL)
		return false;
	for (i = 0; i < ARRAY_SIZE(quiet); i++)
		if (x[quiet[i]] != 0)
			return false;
	m = router_fold(in->prompt, n, low, sizeof(low));
	for (i = 0; i < m && low[i] == ' '; i++)
		;
	for (end = i; end < m && (router_alpha((unsigned char)low[end]) || router_digit((unsigned char)low[end])); end++)
		;
	return router_word_in(low + i, end - i, tool_names, ARRAY_SIZE(tool_names)) && plain_ask(low, m, true) &&
	    !router_any_word_in(low, m, "'", tool_symptoms, ARRAY_SIZE(tool_symptoms));
}

/* What a request to write or build something opens with, after a "please" or "can you". */
static const char *const build_openers[] = {
	"write ", "implement ", "create ", "generate ", "build ", "make me ", "give me ", "i need ",
	"need ", "set up ",
};
static const char *const build_polite[] = {
	"please ", "pls ", "can you ", "could you ", "hey, ", "hey ",
};

/*
 * Whether the prompt opens by asking to write or build something ("write a
 * Go package that retries…", "need a GitHub Actions workflow for…"): work to
 * a specification, which a mid model does well even when it names a hard
 * subject; only a clearly hard one (a lock-free queue, a proof) needs more.
 */
bool
router_is_build(const struct route_input *in)
{
	char low[64];
	size_t i, skip = 0;

	if (in->prompt == NULL || in->len == 0)
		return false;
	router_fold(in->prompt, in->len < sizeof(low) - 1 ? in->len : sizeof(low) - 1, low, sizeof(low));
	for (i = 0; i < ARRAY_SIZE(build_polite); i++)
		if (str_startswith(low, build_polite[i])) {
			skip = strlen(build_polite[i]);
			break;
		}
	for (i = 0; i < ARRAY_SIZE(build_openers); i++)
		if (str_startswith(low + skip, build_openers[i]))
			return true;
	return false;
}

/* Most lines of a text or code given a mechanical edit on the cheap tier. */
#define ROUTER_EDIT_LINES 80

/* What asks for a mechanical edit: the result is fixed by the ask, nothing to work out. */
static const char *const edit_asks[] = {
	"rename ", "fix the typo", "fix typo", "fix the spelling", "add comments", "add a comment",
	"add a docstring", "add docstrings", "add a header", "add a license header", "sort the imports",
	"reindent", "re-indent", "reformat",
};
/* Words that make more of it than the edit: a judgement, a diagnosis or further work. */
static const char *const edit_not[] = {
	"why", "wrong", "bug", "bugs", "race", "safe", "leak", "slow", "review", "explain", "refactor",
	"optimise", "optimize", "also", "test", "tests", "then", "improve", "better",
};

/*
 * Whether the first or the last line of p[0..n) asks for what a small model
 * does however much is pasted with it: it opens with one of open[] or holds
 * one of also[], and has no word that asks for more (not[]).
 */
static bool
end_line_asks(const char *p, size_t n, const char *const *open, size_t n_open,
    const char *const *also, size_t n_also, const char *const *not, size_t n_not)
{
	const char *line[2], *nl;
	size_t len[2], k, i, m;
	char low[ROUTER_SMALL_MAX + 1];

	nl = memchr(p, '\n', n);
	line[0] = p;
	len[0] = nl != NULL ? (size_t)(nl - p) : n;
	nl = memrchr(p, '\n', n);
	k = nl != NULL ? (size_t)(nl - p) + 1 : 0;
	line[1] = p + k;
	len[1] = n - k;
	for (k = 0; k < 2; k++) {
		bool asks = false;

		if (len[k] == 0 || len[k] > ROUTER_SMALL_MAX)
			continue;
		/* The opening first: most lines are no such ask. */
		router_fold(line[k], len[k] < ROUTER_OPENER_MAX ? len[k] : ROUTER_OPENER_MAX, low, sizeof(low));
		for (i = 0; i < n_open && !asks; i++)
			asks = str_startswith(low, open[i]);
		if (!asks && n_also == 0)
			continue;
		m = router_fold(line[k], len[k], low, sizeof(low));
		asks = asks || router_phrase_in(low, also, n_also);
		if (asks && !router_any_word_in(low, m, "", not, n_not))
			return true;
	}
	return false;
}

/*
 * True when the first or last line asks for a mechanical edit of the rest
 * ("rename cnt to count in this", "fix the typo", "add comments"): a small
 * model does it as well as any, however much code it touches, up to
 * ROUTER_EDIT_LINES lines.
 */
static bool
router_is_edit(const struct route_input *in, const double x[RF_COUNT])
{
	size_t n = router_text_len(in);

	if (in->prompt == NULL || n == 0 || x[RF_DIFF] > 0 || x[RF_TRACE] > 0 ||
	    x[RF_LINES] > log1p(ROUTER_EDIT_LINES))
		return false;
	return end_line_asks(in->prompt, n, edit_asks, ARRAY_SIZE(edit_asks), NULL, 0, edit_not,
	    ARRAY_SIZE(edit_not));
}

/* What asks to convert what is pasted ("convert to python requests:", "turn this into httpie"). */
static const char *const convert_asks[] = {
	"convert ", "turn this ", "turn it ", "translate ", "rewrite ",
};
/* Commands a conversion of one is asked of, by their first word. */
static const char *const convert_commands[] = { "curl", "wget", "http", "https" };

/* Most lines of a command given to convert, its ask included. */
#define ROUTER_CONVERT_LINES 24

/*
 * Whether the lines line[0..n) are one command a conversion is asked of: it
 * opens with one of convert_commands and goes on only by backslash
 * continuations ("curl -X POST … \\" and the lines that follow).
 */
static bool
one_command(const char *const *line, const size_t *len, size_t n)
{
	size_t i, w;

	if (n == 0)
		return false;
	for (w = 0; w < len[0] && router_alpha((unsigned char)line[0][w]); w++)
		;
	if (w == len[0] || line[0][w] != ' ' ||
	    !router_word_in(line[0], w, convert_commands, ARRAY_SIZE(convert_commands)))
		return false;
	for (i = 0; i + 1 < n; i++)
		if (line[i][len[i] - 1] != '\\')
			return false;
	return line[n - 1][len[n - 1] - 1] != '\\';
}

/*
 * True for a one-line ask to convert a single pasted command, above or below
 * it ("convert to python requests:" over a curl call, continuations and
 * all): the command fixes the result, and a small model writes it. More
 * than one command, code or further work is scored.
 */
static bool
router_is_command_convert(const struct route_input *in)
{
	const char *p = in->prompt, *line[ROUTER_CONVERT_LINES], *nl;
	size_t n = router_text_len(in), len[ROUTER_CONVERT_LINES], lines = 0, i, end, k, m;
	char low[ROUTER_SMALL_MAX + 1];

	if (p == NULL || n == 0)
		return false;
	for (i = 0; i < n; i = end + 1) {
		size_t b = i, e;

		nl = memchr(p + i, '\n', n - i);
		end = nl != NULL ? (size_t)(nl - p) : n;
		while (b < end && (p[b] == ' ' || p[b] == '\t'))
			b++;
		for (e = end; e > b && (p[e - 1] == ' ' || p[e - 1] == '\r' || p[e - 1] == '\t'); e--)
			;
		if (e == b)
			continue;
		if (lines == ROUTER_CONVERT_LINES)
			return false;
		line[lines] = p + b;
		len[lines++] = e - b;
	}
	if (lines < 2)
		return false;
	/* The ask first and the command after it, or the other way round. */
	if (one_command(line + 1, len + 1, lines - 1))
		k = 0;
	else if (one_command(line, len, lines - 1))
		k = lines - 1;
	else
		return false;
	if (len[k] > ROUTER_SMALL_MAX)
		return false;
	m = router_fold(line[k], len[k], low, sizeof(low));
	for (i = 0; i < ARRAY_SIZE(convert_asks); i++)
		if (str_startswith(low, convert_asks[i]))
			return !router_any_word_in(low, m, "", edit_not, ARRAY_SIZE(edit_not));
	return false;
}

/* How an ask for a summary of what is pasted opens, in a few languages... */
static const char *const summary_openers[] = {
	"summar", "tl;dr", "tldr", "sum up", "sum this up", "please summar", "pls summar",
	"can you summar", "could you summar", "r\xc3\xa9sum", "resum", "zusammenfass", "fasse ",
	"\xe6\x80\xbb\xe7\xbb\x93", "\xe8\xa6\x81\xe7\xb4\x84",
};
/* ...or what it says further on ("give me a 5 bullet summary of this"). */
static const char *const summary_asks[] = {
	"summary of this", "summary of the", "summary of it", "summarise this", "summarize this",
	"summarise it", "summarize it",
};

/* Fewest pasted lines a summary is asked of. */
#define ROUTER_SUMMARY_LINES 5

/*
 * True when the first or last line asks for a summary of the text pasted
 * with it ("give me a 5 bullet summary of this" above a README, "summarise
 * this log in three bullets"): whatever the text is about, a small model
 * sums it up. Mostly code, a diff or a trace, or an ask for more than the
 * summary (why, review, explain), is scored.
 */
static bool
router_is_summary(const struct route_input *in, const double x[RF_COUNT])
{
	size_t n = router_text_len(in);

	if (in->prompt == NULL || n == 0 || x[RF_DIFF] > 0 || x[RF_TRACE] > 0 ||
	    x[RF_LINES] < log1p(ROUTER_SUMMARY_LINES) || expm1(x[RF_CODE_LINES]) * 2 > expm1(x[RF_LINES]))
		return false;
	return end_line_asks(in->prompt, n, summary_openers, ARRAY_SIZE(summary_openers), summary_asks,
	    ARRAY_SIZE(summary_asks), edit_not, ARRAY_SIZE(edit_not));
}

/* What asks for a commit message, anywhere in the first or last line... */
static const char *const commit_asks[] = { "commit message", "commit msg" };
/* ...and what asks for more than the message: a judgement or a diagnosis. */
static const char *const commit_not[] = { "review", "explain", "why", "wrong", "design", "policy", "enforce" };

/*
 * True when the first or last line asks for a commit message ("write a
 * commit message for this" above a diff, "commit message for: renamed
 * config.yml to config.yaml"): llm's own git hook drafts one on the cheap
 * tier, whatever the diff. A review, an explanation or a diagnosis asked
 * with it, or a pasted trace, is scored.
 */
static bool
router_is_commit_message(const struct route_input *in, const double x[RF_COUNT])
{
	size_t n = router_text_len(in);

	if (in->prompt == NULL || n == 0 || x[RF_TRACE] > 0)
		return false;
	return end_line_asks(in->prompt, n, NULL, 0, commit_asks, ARRAY_SIZE(commit_asks), commit_not,
	    ARRAY_SIZE(commit_not));
}

/* Longest prompt that can be plain arithmetic or a few words with numbers. */
#define ROUTER_ARITH_MAX 64
/* At most this many words around the numbers ("what is", "how much is"). */
#define ROUTER_ARITH_WORDS 6

/*
 * True when p[0..n) has a variable or a function: a letter right next to an
 * operator ("x^2", "n-1"), a number with a letter on it ("2x"), a call
 * ("f(3)") or a TeX command. "is 2+2" and "15% of 80" are arithmetic.
 */
static bool
router_has_variable(const unsigned char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned char c = p[i], next = i + 1 < n ? p[i + 1] : ' ';

		if (c == '\\' || (c == '(' && i > 0 && router_alpha(p[i - 1])))
			return true;
		if ((router_class[c] & CC_OP) && ((i > 0 && router_alpha(p[i - 1])) || router_alpha(next)))
			return true;
		if (router_digit(c) && router_alpha(next) && (i + 2 >= n || !router_alpha(p[i + 2])))
			return true;
	}
	return false;
}

/*
 * True for a short one-line prompt whose only signal is numbers: plain
 * arithmetic ("what is 2+2", "17*23") or a few words with a number. The
 * benchmarks teach that numbers mean word problems; these are not, and a
 * small model answers them. Variables, code, proofs and subjects are out.
 */
static bool
router_is_arithmetic(const struct route_input *in, const double x[RF_COUNT])
{
	static const int quiet[] = { RF_CODE_FENCE, RF_DIFF, RF_TRACE, RF_KW_REASON, RF_KW_CODE,
		RF_KW_CREATIVE, RF_KW_FORMAT, RF_CODE_LINES, RF_ASK_WORK, RF_ASK_DEEP, RF_CONCURRENCY,
		RF_SECURITY, RF_DISTRIBUTED, RF_PERFORMANCE, RF_BUILD, RF_DATA_FORMAT, RF_FORMAL };
	size_t i;
	bool convert;

	if (in->prompt == NULL || in->len == 0 || in->len > ROUTER_ARITH_MAX || x[RF_NUMBERS] == 0 ||
	    x[RF_LINES] > log1p(1) || x[RF_WORDS] > log1p(ROUTER_ARITH_WORDS))
		return false;
	if (x[RF_LINES] > 0 && in->prompt[in->len - 1] != '\n')
		return false;
	/* "convert 1536 MiB to GiB" asks for no more work than "1536 MiB in GiB". */
	convert = x[RF_ASK_WORK] == log1p(1) && in->len > 8 && strncasecmp(in->prompt, "convert ", 8) == 0;
	for (i = 0; i < ARRAY_SIZE(quiet); i++)
		if (x[quiet[i]] != 0 && !(quiet[i] == RF_ASK_WORK && convert))
			return false;
	return !router_has_variable((const unsigned char *)in->prompt, in->len);
}

/* What the reason calls each rule (arithmetic has two names, see router_decide_with). */
const char *const router_rule_names[] = {
	[RULE_COMMIT] = "a commit message", [RULE_CONVERT] = "a command to convert",
	[RULE_SUMMARY] = "a summary of pasted text",
	[RULE_LOOKUP] = "a lookup in pasted data",
	[RULE_THANKS] = "thanks, nothing asked", [RULE_EDIT] = "a mechanical edit",
	[RULE_COMMAND] = "a command or syntax lookup", [RULE_HOWTO] = "a how-to question",
	[RULE_TOOL] = "a short ask of one tool",
};

/* The first rule that holds for the prompt: plain arithmetic, a lookup, thanks... */
enum router_rule
router_cheap_rule(const struct route_input *in, const double x[RF_COUNT])
{
	if (router_is_arithmetic(in, x))
		return RULE_ARITH;
	if (router_is_commit_message(in, x))
		return RULE_COMMIT;
	if (x[RF_TRACE] == 0 && router_is_command_convert(in))
		return RULE_CONVERT;
	if (router_is_summary(in, x))
		return RULE_SUMMARY;
	if (router_is_data_lookup(in, x))
		return RULE_LOOKUP;
	if (router_is_thanks(in, x))
		return RULE_THANKS;
	if (router_is_edit(in, x))
		return RULE_EDIT;
	if (router_is_command(in, x))
		return RULE_COMMAND;
	if (router_is_howto(in, x))
		return RULE_HOWTO;
	if (router_is_tool_ask(in, x))
		return RULE_TOOL;
	return RULE_NONE;
}
