/* router: pick the cheapest capable tier for a prompt from ~20 features and two logistic heads. */
#include "router.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "fmt.h"
#include "router_kw.h"
#include "util.h"

/* The shipped weights: router_default_model, written by bench/router_train.c. */
#include "router_weights.h"

/* Byte classes for the one pass. */
enum {
	CC_CODE = 1,     /* punctuation typical of code */
	CC_OP = 2,       /* an arithmetic or comparison operator */
	CC_SPACE = 4,
	CC_END = 8,      /* ends a sentence */
	CC_ALPHA = 16,   /* an ASCII letter */
	CC_DIGIT = 32,
	CC_HIGH = 64,    /* a byte of a non-ASCII UTF-8 character */
	CC_MARK = 128,   /* needs a look of its own: newline, backquote, question mark */
};

#define CC_L16(c) [c] = CC_ALPHA, [c + 1] = CC_ALPHA, [c + 2] = CC_ALPHA, [c + 3] = CC_ALPHA, \
	[c + 4] = CC_ALPHA, [c + 5] = CC_ALPHA, [c + 6] = CC_ALPHA, [c + 7] = CC_ALPHA, \
	[c + 8] = CC_ALPHA, [c + 9] = CC_ALPHA, [c + 10] = CC_ALPHA, [c + 11] = CC_ALPHA, \
	[c + 12] = CC_ALPHA
#define CC_H16(c) [c] = CC_HIGH, [c + 1] = CC_HIGH, [c + 2] = CC_HIGH, [c + 3] = CC_HIGH, \
	[c + 4] = CC_HIGH, [c + 5] = CC_HIGH, [c + 6] = CC_HIGH, [c + 7] = CC_HIGH, \
	[c + 8] = CC_HIGH, [c + 9] = CC_HIGH, [c + 10] = CC_HIGH, [c + 11] = CC_HIGH, \
	[c + 12] = CC_HIGH, [c + 13] = CC_HIGH, [c + 14] = CC_HIGH, [c + 15] = CC_HIGH

static const unsigned char router_class[256] = {
	['{'] = CC_CODE, ['}'] = CC_CODE, ['['] = CC_CODE, [']'] = CC_CODE,
	['('] = CC_CODE, [')'] = CC_CODE, [';'] = CC_CODE, ['='] = CC_CODE | CC_OP,
	['<'] = CC_CODE | CC_OP, ['>'] = CC_CODE | CC_OP, ['_'] = CC_CODE,
	['/'] = CC_CODE | CC_OP, ['\\'] = CC_CODE | CC_OP, ['|'] = CC_CODE, ['&'] = CC_CODE,
	['#'] = CC_CODE, ['`'] = CC_CODE | CC_MARK, ['+'] = CC_OP, ['-'] = CC_OP, ['*'] = CC_OP,
	['^'] = CC_OP, ['%'] = CC_OP,
	[' '] = CC_SPACE, ['\t'] = CC_SPACE, ['\n'] = CC_SPACE | CC_MARK, ['\r'] = CC_SPACE,
	['.'] = CC_END, ['!'] = CC_END, ['?'] = CC_END | CC_MARK,
	['0'] = CC_DIGIT, ['1'] = CC_DIGIT, ['2'] = CC_DIGIT, ['3'] = CC_DIGIT, ['4'] = CC_DIGIT,
	['5'] = CC_DIGIT, ['6'] = CC_DIGIT, ['7'] = CC_DIGIT, ['8'] = CC_DIGIT, ['9'] = CC_DIGIT,
	CC_L16('A'), CC_L16('N'), CC_L16('a'), CC_L16('n'),
	CC_H16(0x80), CC_H16(0x90), CC_H16(0xA0), CC_H16(0xB0), CC_H16(0xC0), CC_H16(0xD0),
	CC_H16(0xE0), CC_H16(0xF0),
};

/* Names of the features, as in the weights file. */
const char *const router_feature_names[RF_COUNT] = {
	[RF_LENGTH] = "length", [RF_WORDS] = "words", [RF_LINES] = "lines",
	[RF_CODE_FENCE] = "code_fence", [RF_CODE_CHARS] = "code_chars", [RF_DIFF] = "diff",
	[RF_TRACE] = "stack_trace", [RF_DIGITS] = "digits", [RF_NUMBERS] = "numbers",
	[RF_MATH_OPS] = "math_ops", [RF_QUESTIONS] = "questions", [RF_CHOICE] = "choice",
	[RF_SENTENCES] = "sentences", [RF_WORD_LEN] = "word_len", [RF_NON_ASCII] = "non_ascii",
	[RF_KW_REASON] = "kw_reason", [RF_KW_MATH] = "kw_math", [RF_KW_CODE] = "kw_code",
	[RF_KW_CREATIVE] = "kw_creative", [RF_KW_SIMPLE] = "kw_simple", [RF_KW_FORMAT] = "kw_format",
	[RF_TURN] = "turn", [RF_CONTEXT] = "context", [RF_PREV_TIER] = "prev_tier",
	[RF_CODE_LINES] = "code_lines", [RF_ASK_WORK] = "ask_work", [RF_ASK_DEEP] = "ask_deep",
	[RF_CONCURRENCY] = "concurrency", [RF_SECURITY] = "security", [RF_DISTRIBUTED] = "distributed",
	[RF_PERFORMANCE] = "performance", [RF_BUILD] = "build_tooling", [RF_DATA_FORMAT] = "data_format",
	[RF_FORMAL] = "formal", [RF_FEW_WORDS] = "few_words", [RF_ASK_SMALL] = "ask_small",
};

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

/* Counts gathered in the one pass. */
struct scan {
	size_t chars, bytes, words, letters, lines, code, digits, numbers, ops, questions;
	size_t choices, sentences, nonascii, cont, diff, trace, fence;
	size_t codelines;        /* lines shaped like code */
	bool line_code;          /* the current line starts like code */
	bool line_indent;        /* the current line is indented */
	bool line_log;           /* the current line opens like a log's: its numbers are data */
	size_t logwords;         /* words on such lines: what there is to read, not what is asked */
	size_t kw[KW_COUNT];
	size_t kw_plain[KW_COUNT]; /* plain keywords of KW_GATED_GROUPS, counted apart */
	size_t tech;             /* technical keywords: "mutex", "yaml", "kubectl" */
	size_t plain_tech;       /* different plain words of KW_PLAIN_SIGN_GROUPS: "thread", "java" */
	const unsigned char *plain_word; /* the first of them, in the prompt */
	size_t plain_len;
	size_t marks;            /* `inline code` and snake_case names */
	size_t hard;             /* subject words hard by themselves: "lock-free", "Raft", "AEAD" */
};

/*
 * The subjects whose plain keywords count only beside signs of developer
 * work: "a relaxed itinerary" is no memory ordering, "a thread on the sewing
 * machine" no concurrency, "build a shed" no build tooling, "social security"
 * or "a heart attack" no security, "my laptop is slow" no performance work. The signs: code shapes, `marks` or
 * snake_case names, a technical keyword ("mutex", "yaml", "kubectl"), or two
 * different plain ones ("Java", "locking"; a "race" named three times is one).
 * Plain asks for judgement ("review", "design") need such a sign only in a
 * quick ask ("review my cover letter"): a longer design question often names
 * no technical word at all. The other subjects count as they stand.
 */
#define KW_GATED_GROUPS (1u << KW_CONC | 1u << KW_BUILD | 1u << KW_DEEP | 1u << KW_SEC | \
	1u << KW_PERF)
/*
 * The asks for work or reasoning and the hard subjects: what a question of what
 * something is leaves out ("explain what", "difference between" are its own words).
 */
#define KW_SUBJECT_GROUPS (1u << KW_REASON | 1u << KW_WORK | 1u << KW_DEEP | 1u << KW_CONC | \
	1u << KW_SEC | 1u << KW_DIST | 1u << KW_PERF | 1u << KW_BUILD | 1u << KW_FORMAL)
/*
 * The groups whose keywords are such signs. A plain ask for work is none:
 * "write" or "tests" says nothing of the subject ("write a poem about a
 * race", "literacy tests"); "refactor" and "debug" do.
 */
#define KW_TECH_GROUPS (1u << KW_CODE | 1u << KW_WORK | 1u << KW_CONC | 1u << KW_SEC | \
	1u << KW_DIST | 1u << KW_PERF | 1u << KW_BUILD | 1u << KW_DATA | 1u << KW_TRACE)
#define KW_PLAIN_SIGN_GROUPS (KW_TECH_GROUPS & ~(1u << KW_WORK))
/*
 * The groups that say what the user asks for. On a log's line their words
 * are the log's ("DEBUG", "analyzer", "brief"), not an ask; the subjects
 * there still say what the log is about.
 */
#define KW_ASK_GROUPS (1u << KW_REASON | 1u << KW_CREATIVE | 1u << KW_SIMPLE | 1u << KW_FORMAT | \
	1u << KW_WORK | 1u << KW_DEEP)

static bool
is_alpha(unsigned char c)
{
	return (c | 0x20) >= 'a' && (c | 0x20) <= 'z';
}

static bool
is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

static bool
starts(const unsigned char *p, size_t n, const char *lit)
{
	size_t l = strlen(lit);

	return n >= l && memcmp(p, lit, l) == 0;
}

/* True when the rest of the line holds c within max bytes. */
static bool
line_has(const unsigned char *p, size_t n, unsigned char c, size_t max)
{
	size_t i;

	for (i = 0; i < n && i < max && p[i] != '\n'; i++)
		if (p[i] == c)
			return true;
	return false;
}

/* First bytes of the lines scan_line can find something in. */
static const bool line_first[256] = {
	['d'] = true, ['@'] = true, ['+'] = true, ['-'] = true,          /* diffs */
	[' '] = true, ['\t'] = true, ['T'] = true, ['F'] = true, ['g'] = true,
	['t'] = true, ['#'] = true,                                       /* stack frames */
	['A'] = true, ['B'] = true, ['C'] = true, ['D'] = true, ['E'] = true,
	['a'] = true, ['b'] = true, ['c'] = true, ['e'] = true, ['('] = true, /* choices */
	['f'] = true, ['i'] = true, ['p'] = true, ['s'] = true, ['l'] = true, ['v'] = true,
	['r'] = true, ['u'] = true, ['R'] = true, ['S'] = true, ['I'] = true, ['U'] = true,
	['W'] = true, ['k'] = true, ['}'] = true, ['m'] = true, ['P'] = true, /* code */
};

/* Openings of lines of code, shell, SQL and common files (after indentation). */
static const char *const code_starts[] = {
	"#!/", "#include", "#define", "@@ ", "}", "def ", "func ", "fn ", "fun ", "class ", "import ",
	"from ", "package ", "public ", "private ", "protected ", "static ", "const ", "let ", "var ",
	"val ", "return ", "if (", "if [", "for (", "while (", "struct ", "impl ", "pub ", "use ",
	"template", "async ", "await ", "int ", "void ", "char ", "try:", "except", "elif ", "else",
	"print(", "console.", "set -", "done", "fi", "echo ", "export ", "interface ", "module ",
	"FROM ", "RUN ", "COPY ", "WORKDIR ", "CMD ", "ENTRYPOINT ", "EXPOSE ", "SELECT ", "INSERT ",
	"UPDATE ", "DELETE ", "CREATE ", "ALTER ", "apiVersion:", "kind:", "stages:", "steps:",
	"runs-on:", "image:", "script:", "services:", "resources:", "data class", "PHONY", ".PHONY",
};

/* Tell whether the line p[0..n) (indentation skipped) opens like code. */
static bool
line_starts_code(const unsigned char *p, size_t n)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(code_starts); i++) {
		const char *lit = code_starts[i];
		size_t l;

		if (p[0] != (unsigned char)lit[0] || !starts(p, n, lit))
			continue;
		l = strlen(lit);
		/* A keyword is a whole word: "fi" and "done" are shell, "first" and "doneness" prose. */
		if (is_alpha((unsigned char)lit[l - 1]) && l < n && (is_alpha(p[l]) || is_digit(p[l]) || p[l] == '_'))
			continue;
		return true;
	}
	return false;
}

/* At the end of a line: count it as code when it opened like code or ends like code. */
static void
line_end(const unsigned char *p, size_t i, size_t line_start, struct scan *s)
{
	size_t j = i;
	unsigned char last = 0;

	while (j > line_start && j + 8 > i) {
		unsigned char c = p[j - 1];

		if (c != ' ' && c != '\t' && c != '\r') {
			last = c;
			break;
		}
		j--;
	}
	/* A log's line is no code, whatever it ends with ("... (core dumped)"). */
	if (!s->line_log && (s->line_code || last == '{' || last == '}' || last == ';' ||
	    (last == ')' && j - line_start > 2 && p[line_start] != '(') || (last == ':' && s->line_indent)))
		s->codelines++;
	s->line_code = false;
}

/* Where a run of min to max digits from p[i] ends, or 0 when there is none such. */
static size_t
digits_end(const unsigned char *p, size_t i, size_t n, size_t min, size_t max)
{
	size_t j = i;

	while (j < n && j - i < max && is_digit(p[j]))
		j++;
	return j - i >= min && (j == n || !is_digit(p[j])) ? j : 0;
}

/* Whether p[i..n) goes on with a time of day with seconds: "10:39:33". */
static bool
time_at(const unsigned char *p, size_t i, size_t n)
{
	size_t j = digits_end(p, i, n, 1, 2);

	if (j == 0 || j >= n || p[j] != ':' || (j = digits_end(p, j + 1, n, 2, 2)) == 0 || j >= n ||
	    p[j] != ':')
		return false;
	return digits_end(p, j + 1, n, 2, 2) != 0;
}

/*
 * Tell whether a line opens like a log's: with a time stamp ("2026-12-04
 * 10:39:33", "[04/Dec/2026:10:59:49", "Dec  3 10:00:01", "10:00:03") or a
 * client's address ("10.0.5.243 - -"). Its numbers are data to read, not
 * quantities to work with.
 */
static bool
line_starts_log(const unsigned char *p, size_t n)
{
	static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
	size_t i = n > 0 && p[0] == '[', j, k;

	if (i + 4 < n && is_alpha(p[i])) {
		for (k = 0; k < sizeof(months) - 1; k += 3)
			if (memcmp(p + i, months + k, 3) == 0)
				break;
		if (k == sizeof(months) - 1 || p[i + 3] != ' ')
			return false;
		for (i += 4; i < n && p[i] == ' ';)
			i++;
		j = digits_end(p, i, n, 1, 2);
		return j != 0 && j < n && p[j] == ' ' && time_at(p, j + 1, n);
	}
	j = digits_end(p, i, n, 1, 4);
	if (j == 0 || j >= n)
		return false;
	if (j - i == 4 && p[j] == '-')
		return (j = digits_end(p, j + 1, n, 2, 2)) != 0 && j < n && p[j] == '-' &&
		    digits_end(p, j + 1, n, 2, 2) != 0;
	if (j - i <= 2 && p[j] == ':')
		return time_at(p, i, n);
	if (j - i <= 2 && p[j] == '/')
		return j + 10 < n && is_alpha(p[j + 1]) && p[j + 4] == '/' &&
		    digits_end(p, j + 5, n, 4, 4) != 0 && p[j + 9] == ':';
	if (j - i <= 3 && p[j] == '.') {
		for (k = 0; k < 3; k++) {
			if (j >= n || p[j] != '.' || (j = digits_end(p, j + 1, n, 1, 3)) == 0)
				return false;
		}
		return j < n && (p[j] == ' ' || p[j] == ':');
	}
	return false;
}

/* Look at the start of a line: diff markers, stack frames, answer choices. */
static void
scan_line(const unsigned char *p, size_t n, struct scan *s)
{
	size_t ind = 0;

	s->line_indent = p[0] == ' ' || p[0] == '\t';
	/* A log's line opens with a digit, a bracket or a month's capital. */
	s->line_log = (is_digit(p[0]) || p[0] == '[' || (p[0] >= 'A' && p[0] <= 'S')) &&
	    line_starts_log(p, n);
	/* Most lines start with none of them: one look sends those away. */
	if (!line_first[p[0]])
		return;
	if (starts(p, n, "diff --git") || starts(p, n, "@@ -") || starts(p, n, "+++ ") ||
	    starts(p, n, "--- a/"))
		s->diff++;
	while (ind < n && ind < 16 && (p[ind] == ' ' || p[ind] == '\t'))
		ind++;
	p += ind;
	n -= ind;
	if (n > 0 && line_starts_code(p, n))
		s->line_code = true;
	if (starts(p, n, "Traceback") || starts(p, n, "File \"") || starts(p, n, "goroutine ") ||
	    starts(p, n, "thread '") || (n >= 3 && p[0] == '#' && is_digit(p[1]) && (p[2] == ' ' || is_digit(p[2]))) ||
	    (ind > 0 && starts(p, n, "at ") && (line_has(p, n, '(', 200) || line_has(p, n, ':', 200))))
		s->trace++;
	/* "A. text", "b) text", "(C) text" */
	if (n >= 3 && (p[0] | 0x20) >= 'a' && (p[0] | 0x20) <= 'e' && (p[1] == '.' || p[1] == ')') && p[2] == ' ')
		s->choices++;
	else if (n >= 4 && p[0] == '(' && (p[1] | 0x20) >= 'a' && (p[1] | 0x20) <= 'e' && p[2] == ')')
		s->choices++;
}

/* True when the letters w[0..wlen) spell the lowercase lit, in any case. */
static inline bool
word_is(const unsigned char *w, size_t wlen, const char *lit)
{
	size_t i;

	/* Most words differ at once: look at the first letter before measuring lit. */
	if (wlen == 0 || (w[0] | 0x20) != (unsigned char)lit[0] || strlen(lit) != wlen)
		return false;
	for (i = 0; i < wlen; i++)
		if ((w[i] | 0x20) != (unsigned char)lit[i])
			return false;
	return true;
}

/* Whether p[end..n) goes on with a space or hyphen and then the lowercase lit: " fault", "-off". */
static bool
followed_by(const unsigned char *p, size_t end, size_t n, const char *lit)
{
	size_t len = strlen(lit);

	return n - end > len && (p[end] == ' ' || p[end] == '-') && word_is(p + end + 1, len, lit);
}

/*
 * Tell whether a crash word at p[start..end) reads as a crash report rather
 * than prose: "panic: ..." not "panic disorder", "(core dumped)" not "dumped
 * the toys", "thread 'main' panicked" not "she panicked", "segmentation
 * fault" not "market segmentation". The other crash words are never prose.
 */
static bool
trace_word_ok(const unsigned char *p, size_t start, size_t end, size_t n)
{
	const unsigned char *w = p + start;
	size_t wlen = end - start;
	unsigned char next = end < n ? p[end] : 0;

	if (word_is(w, wlen, "panic"))
		return next == ':' || next == '(' || next == '!';
	if (word_is(w, wlen, "panicked"))
		return start >= 2 && p[start - 1] == ' ' && p[start - 2] == '\'';
	if (word_is(w, wlen, "dumped"))
		return next == ')';
	if (word_is(w, wlen, "segmentation"))
		return followed_by(p, end, n, "fault");
	return true;
}

/*
 * Tell whether an ask for judgement at p[start..end) is one: "trade-offs"
 * and "threat model" ask for it, "free trade" and "a threat to peace" do
 * not. The other such words always do.
 */
static bool
deep_word_ok(const unsigned char *p, size_t start, size_t end, size_t n)
{
	static const char *const failed[] = { "failed to ", "unable to ", "could not ", "cannot " };
	const unsigned char *w = p + start;
	size_t wlen = end - start, k, len;

	/* "x509: failed to verify certificate" reports an error; it asks for nothing */
	for (k = 0; k < ARRAY_SIZE(failed); k++) {
		len = strlen(failed[k]);
		if (start >= len && word_is(p + start - len, len, failed[k]))
			return false;
	}

	if (word_is(w, wlen, "trade") || word_is(w, wlen, "trades"))
		return followed_by(p, end, n, "off");
	if (wlen >= 6 && word_is(w, 6, "threat"))
		return followed_by(p, end, n, "model");
	return true;
}

/*
 * Whether words a and b are one word, whatever its case or ending ("Race",
 * "races"; "lock", "locking"): the shorter, of 4 letters or more, starts the
 * longer, or they are equal. No word is the same as b NULL.
 */
static bool
same_word(const unsigned char *a, size_t alen, const unsigned char *b, size_t blen)
{
	size_t i, n = alen < blen ? alen : blen;

	if (b == NULL || (n < 4 && alen != blen))
		return false;
	for (i = 0; i < n && (a[i] | 0x20) == (b[i] | 0x20); i++)
		;
	return i == n;
}

/*
 * Count the keyword groups the word of ASCII letters p[start..end) belongs
 * to, once per group; a crash word counts only in a crash message's context,
 * and "trade" or "threat" as an ask for judgement only in one's.
 */
static void
scan_word(const unsigned char *p, size_t start, size_t end, size_t n, struct scan *s)
{
	const unsigned char *w = p + start;
	size_t wlen = end - start;
	unsigned plain, groups = router_kw_groups(w, wlen, &plain);
	int g;

	if (s->line_log)
		groups &= ~KW_ASK_GROUPS;
	/* Acronyms that are words too ("le cas où", French for "the case where") count in capitals. */
	if (groups != 0 && wlen <= 3 && (word_is(w, wlen, "cas") || word_is(w, wlen, "ub")) &&
	    !(w[0] >= 'A' && w[0] <= 'Z' && w[wlen - 1] >= 'A' && w[wlen - 1] <= 'Z'))
		groups = 0;
	/* A cloud's security group ("aws_security_group.node") is networking, not security work. */
	if ((groups >> KW_SEC & 1) && wlen >= 5 && word_is(w, 5, "secur") && end + 6 <= n &&
	    (p[end] == '_' || p[end] == ' ' || p[end] == '-') && word_is(p + end + 1, 5, "group") &&
	    (end + 6 == n || !is_alpha(p[end + 6]) || (p[end + 6] | 0x20) == 's'))
		groups &= ~(1u << KW_SEC);
	/* Java's ConcurrentModificationException: an iterator's check in one thread. */
	if ((groups >> KW_CONC & 1) && wlen >= 22 && word_is(w, 22, "concurrentmodification"))
		groups &= ~(1u << KW_CONC);
	if ((groups >> KW_TRACE & 1) && trace_word_ok(p, start, end, n))
		s->kw[KW_TRACE]++;
	if ((groups >> KW_DEEP & 1) && !deep_word_ok(p, start, end, n))
		groups &= ~(1u << KW_DEEP);
	for (g = 0; g < KW_COUNT; g++) {
		if (g == KW_TRACE || !(groups >> g & 1))
			continue;
		if ((plain & KW_GATED_GROUPS) >> g & 1)
			s->kw_plain[g]++;
		else
			s->kw[g]++;
	}
	if (groups & ~plain & KW_TECH_GROUPS) {
		s->tech++;
	} else if (groups & KW_PLAIN_SIGN_GROUPS && !same_word(w, wlen, s->plain_word, s->plain_len)) {
		if (s->plain_tech++ == 0) {
			s->plain_word = w;
			s->plain_len = wlen;
		}
	}
	/*
	 * The language lawyer's phrases: "undefined behaviour", "ill-formed",
	 * "sequence point" ("well-defined" is as often a goal's or a process's).
	 */
	if ((word_is(w, wlen, "undefined") &&
	    (followed_by(p, end, n, "behavior") || followed_by(p, end, n, "behaviour"))) ||
	    (word_is(w, wlen, "ill") && followed_by(p, end, n, "formed")) ||
	    (word_is(w, wlen, "sequence") && followed_by(p, end, n, "point")))
		s->kw[KW_FORMAL]++;
	/* Hard by themselves: the table's hard words, "lock-free", "wait-free", "memory order(ing)". */
	if ((groups & KW_HARD_WORD) || (wlen == 4 && (word_is(w, wlen, "lock") ||
	    word_is(w, wlen, "wait")) && followed_by(p, end, n, "free")) ||
	    (wlen == 6 && word_is(w, wlen, "memory") && (followed_by(p, end, n, "order") ||
	    followed_by(p, end, n, "ordering") || (n - end > 6 && p[end] == '_' &&
	    word_is(p + end + 1, 5, "order")))))
		s->hard++;
	/* "error: ...", "fatal: ...": a compiler or runtime message. */
	if (end < n && p[end] == ':' &&
	    (word_is(w, wlen, "error") || word_is(w, wlen, "fatal") || word_is(w, wlen, "exception")))
		s->trace++;
}

/*
 * Tell whether the number starting at p[i] reads as a quantity rather than a
 * date, a time, a version, an address or a position: "2024-03-11",
 * "09:45", "1.2.3", "0x7f", "main.c:12:15" are none; "3.50" and "12" are.
 */
static bool
number_is_quantity(const unsigned char *p, size_t i, size_t n)
{
	size_t j, dots = 0;

	if (i > 1 && (p[i - 1] == ':' || p[i - 1] == '-' || p[i - 1] == '/') && is_digit(p[i - 2]))
		return false;
	if (i > 0 && p[i - 1] == ':')
		return false;
	for (j = i; j < n && j < i + 40; j++) {
		unsigned char c = p[j];

		if (is_digit(c))
			continue;
		if ((c == ':' || c == '-') && j + 1 < n && is_digit(p[j + 1]))
			return false;
		if (c == '.' && j + 1 < n && is_digit(p[j + 1])) {
			if (++dots >= 2)
				return false;
			continue;
		}
		return !(c == 'x' && j == i + 1 && p[i] == '0');
	}
	return true;
}

/*
 * Tell whether the '-' or '/' at p[i] joins the parts of a date or a version
 * ("2024-03-11", "1/2/2024"): digits on both sides with no space, and the
 * same separator once more right after the digits before or after it.
 */
static bool
in_date(const unsigned char *p, size_t i, size_t n)
{
	unsigned char c = p[i];
	size_t j;

	if (i == 0 || i + 1 >= n || !is_digit(p[i - 1]) || !is_digit(p[i + 1]))
		return false;
	for (j = i + 1; j < n && j < i + 8 && is_digit(p[j]); j++)
		;
	if (j + 1 < n && p[j] == c && is_digit(p[j + 1]))
		return true;
	for (j = i; j > 0 && j + 8 > i && is_digit(p[j - 1]); j--)
		;
	return j > 1 && p[j - 1] == c && is_digit(p[j - 2]);
}

/* Where the number that ends at p[end - 1] starts: its digits and the dots between them. */
static size_t
number_start(const unsigned char *p, size_t end)
{
	while (end > 0 && (is_digit(p[end - 1]) || (p[end - 1] == '.' && end > 1 && is_digit(p[end - 2]))))
		end--;
	return end;
}

/* An operator between operands ("3*4", "x = 2"), or a TeX command ("\frac"). */
static bool
scan_op(const unsigned char *p, size_t i, size_t n)
{
	unsigned char c = p[i], prev, next, left, right;
	bool strict, num_left, num_right;

	if (c == '\\')
		return i + 3 < n && is_alpha(p[i + 1]) && is_alpha(p[i + 2]) && is_alpha(p[i + 3]);
	/* One space may stand between operator and operand; a space left over is no operand. */
	prev = i > 0 ? p[i - 1] : 0;
	if (prev == ' ' && i > 1)
		prev = p[i - 2];
	next = i + 1 < n ? p[i + 1] : 0;
	if (next == ' ' && i + 2 < n)
		next = p[i + 2];
	left = router_class[prev];
	right = router_class[next];
	/*
	 * Minus, slash and percent count only between numbers ("well-known" and
	 * "and/or" are prose). Bitwise, not short-circuit: which operand is there
	 * is data, so branching on each test mispredicts more than it saves.
	 */
	strict = (c == '-') | (c == '/') | (c == '%');
	/*
	 * Only a quantity is an operand: a log's time stamp, a version, a zip code
	 * is not ("10:42:31 +0000", "1.5.13-2", "12345-6789").
	 */
	num_left = (left & CC_DIGIT) != 0 &&
	    number_is_quantity(p, number_start(p, p[i - 1] == ' ' ? i - 1 : i), n);
	num_right = ((right & CC_DIGIT) != 0) | (next == '(');
	if (strict)
		return num_left & num_right && !in_date(p, i, n);
	return (num_left | ((left & CC_ALPHA) != 0) | (prev == ')')) &
	    (num_right | ((right & CC_ALPHA) != 0) | (next == '-'));
}

/* Read a run of letters (ASCII or not) starting at i; return where it ends. */
static size_t
scan_run(const unsigned char *p, size_t i, size_t n, struct scan *s)
{
	size_t start = i, letters;

	s->words++;
	s->logwords += s->line_log;
	/* Most runs are plain ASCII words: the tightest loop, then a lookup in place. */
	while (i < n && (router_class[p[i]] & CC_ALPHA))
		i++;
	letters = i - start;
	if (i == n || !(router_class[p[i]] & CC_HIGH)) {
		s->letters += letters;
		if (letters >= 2 && letters < KW_WORD_MAX)
			scan_word(p, start, i, n, s);
		/* snake_case: a name from code */
		if (i + 1 < n && p[i] == '_' && is_alpha(p[i + 1]))
			s->marks++;
		return i;
	}
	/* A run with non-ASCII bytes is counted but never looked up. */
	for (; i < n; i++) {
		unsigned char c = p[i], cls = router_class[c];

		if (cls & CC_ALPHA) {
			letters++;
		} else if (cls & CC_HIGH) {
			s->nonascii++;
			s->cont += (c & 0xC0) == 0x80;
		} else {
			break;
		}
	}
	s->letters += letters;
	return i;
}

/*
 * Whether the '-' at p[i] starts a compiler's optimisation level named in a
 * sentence ("crashes only at -O2", "compiled with -O3", "-O0 and -O2", "13.2, -O0"):
 * code that behaves apart at two levels is undefined behaviour more often
 * than not. A build line's flags ("gcc -O2", "CFLAGS = -O2") are not that.
 */
static bool
opt_level(const unsigned char *p, size_t i, size_t n)
{
	static const char *const before[] = { "at", "with", "under", "on", "and", "or", "vs", "but",
		"from", "to", "without" };
	size_t j, k;

	if (i < 3 || i + 2 >= n || p[i - 1] != ' ' || p[i + 1] != 'O' || p[i + 2] == '\0' ||
	    !strchr("0123sgz", p[i + 2]) || (i + 3 < n && (router_class[p[i + 3]] & (CC_ALPHA | CC_DIGIT))))
		return false;
	/* One of a list: "gcc 13.2, -O0 prints 31, -O2 hangs". */
	if (p[i - 2] == ',')
		return true;
	for (j = i - 1; j > 0 && is_alpha(p[j - 1]); j--)
		;
	for (k = 0; k < ARRAY_SIZE(before); k++)
		if (word_is(p + j, i - 1 - j, before[k]))
			return true;
	return false;
}

static void
scan_text(const unsigned char *p, size_t n, struct scan *s)
{
	size_t i = 0, start, line_start = 0;
	bool in_fence = false;

	if (n > 0)
		scan_line(p, n, s);
	while (i < n) {
		unsigned char c = p[i], cls = router_class[c];

		if (cls & (CC_ALPHA | CC_HIGH)) {
			i = scan_run(p, i, n, s);
			/* The byte after a run is no part of one: go on with it here. */
			if (i == n)
				break;
			c = p[i];
			cls = router_class[c];
		}
		/* Spaces and most punctuation only count as code or not: one test, no branch on which. */
		if (!(cls & (CC_DIGIT | CC_MARK | CC_OP | CC_END))) {
			s->code += (cls & CC_CODE) != 0 && !s->line_log;
			i++;
			continue;
		}
		if (cls & CC_DIGIT) {
			if (i == 0 || !(router_class[p[i - 1]] & (CC_DIGIT | CC_ALPHA) || p[i - 1] == '.' || p[i - 1] == ','))
				s->numbers += !s->line_log && number_is_quantity(p, i, n);
			start = i;
			while (i < n && (router_class[p[i]] & CC_DIGIT))
				i++;
			s->digits += i - start;
			continue;
		}
		if (cls & CC_MARK) {
			if (c == '\n') {
				s->lines++;
				line_end(p, i, line_start, s);
				line_start = i + 1;
				if (i + 1 < n)
					scan_line(p + i + 1, n - i - 1, s);
			} else if (c == '?') {
				s->questions++;
			} else if (c == '`' && i + 2 < n && p[i + 1] == '`' && p[i + 2] == '`') {
				in_fence = !in_fence;
				s->fence++;
				s->code += 3;
				i += 3;
				continue;
			} else if (c == '`') {
				s->marks++;
			}
		}
		s->code += (cls & CC_CODE) != 0 && !s->line_log;
		/* "hangs at -O2": undefined behaviour's subject, counted as its words are. */
		if (c == '-' && opt_level(p, i, n))
			s->kw[KW_FORMAL]++;
		/* Operators inside a code block are code, not math. */
		if ((cls & CC_OP) && !in_fence && !s->line_log)
			s->ops += scan_op(p, i, n);
		if (cls & CC_END)
			s->sentences += i > 0 && (i + 1 == n || (router_class[p[i + 1]] & CC_SPACE));
		i++;
	}
	if (n > line_start)
		line_end(p, n, line_start, s);
	s->chars = n - s->cont;
}

/*
 * Fold s[0..len) into low (at most cap - 1 bytes, NUL-terminated) for
 * matching: leading blanks dropped, ASCII lowercased, a typographic
 * apostrophe (U+2019) made a plain one. The folded length.
 */
static size_t
router_fold(const char *s, size_t len, char *low, size_t cap)
{
	size_t i, n = 0;

	for (i = 0; i < len && n < cap - 1; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == 0xE2 && i + 2 < len && (unsigned char)s[i + 1] == 0x80 && (unsigned char)s[i + 2] == 0x99) {
			low[n++] = '\'';
			i += 2;
			continue;
		}
		if (n == 0 && (router_class[c] & CC_SPACE))
			continue;
		low[n++] = (char)(c >= 'A' && c <= 'Z' ? c | 0x20 : c);
	}
	low[n] = '\0';
	return n;
}

/* Longest prompt read as a question of what something is, in bytes. */
#define ROUTER_DEFINITION_MAX 200

/*
 * What a question of what something is opens with: "what is a mutex?",
 * "explain what Raft is in two sentences", "difference between let and
 * const", "¿qué es un deadlock?". Lowercase, plain apostrophes. "what does"
 * counts only to ask what a word means or stands for, or what a thing does.
 */
static const char *const define_openers[] = {
	"what is ", "what's ", "whats ", "what are ", "explain what ", "define ", "meaning of ",
	"difference between ", "\xc2\xbfqu\xc3\xa9 es ", "qu\xc3\xa9 es ", "was ist ",
	"qu'est-ce qu", "o que \xc3\xa9 ",
};
static const char *const define_does_words[] = { "mean", "means", "stand" };
static const char *const define_does_ends[] = { " do", " return" };
/*
 * Words that make it a question about the user's own case, a how-to or an
 * ask for judgement (pros and cons, trade-offs, risks), not a definition.
 */
static const char *const define_not[] = {
	"this", "these", "that", "my", "our", "here", "it", "wrong", "happening", "going", "best",
	"better", "faster", "fastest", "causing", "way", "why", "how", "when", "should", "pros",
	"cons", "tradeoff", "tradeoffs", "trade", "implications", "risks", "pitfalls", "advantages",
	"disadvantages", "drawbacks", "benefits", "consequences",
};

/* Whether the word w[0..n) is one of the n_list words of list. */
static bool
word_in(const char *w, size_t n, const char *const *list, size_t n_list)
{
	size_t i;

	for (i = 0; i < n_list; i++)
		if (strlen(list[i]) == n && memcmp(w, list[i], n) == 0)
			return true;
	return false;
}

/*
 * Whether a word of the folded text low[0..n) is one of the n_list words of
 * list. A word is a run of letters and of the bytes in also ("'" reads
 * "doesn't" whole, "_" and digits read "0041_add_tenant_id" whole).
 */
static bool
any_word_in(const char *low, size_t n, const char *also, const char *const *list, size_t n_list)
{
	size_t i, end;

	for (i = 0; i < n; i = end) {
		while (i < n && !is_alpha((unsigned char)low[i]))
			i++;
		for (end = i; end < n && (is_alpha((unsigned char)low[end]) ||
		    (low[end] != '\0' && strchr(also, low[end]) != NULL)); end++)
			;
		if (word_in(low + i, end - i, list, n_list))
			return true;
	}
	return false;
}

/*
 * Whether prompt[0..len) asks what something is ("what is a spinlock?",
 * "what does CAS stand for"): whatever its subject, any model can say. Only
 * its opening and its words are read; the callers check there is nothing
 * pasted with it.
 */
static bool
definition_ask(const char *prompt, size_t len)
{
	char low[ROUTER_DEFINITION_MAX + 1];
	size_t i, n, end;
	bool open = false, does;

	if (prompt == NULL || len > ROUTER_DEFINITION_MAX)
		return false;
	n = router_fold(prompt, len, low, sizeof(low));
	while (n > 0 && (router_class[(unsigned char)low[n - 1]] & (CC_SPACE | CC_END)))
		low[--n] = '\0';
	for (i = 0; i < ARRAY_SIZE(define_openers) && !open; i++)
		open = str_startswith(low, define_openers[i]) && n > strlen(define_openers[i]);
	does = !open && str_startswith(low, "what does ");
	for (i = 0; does && i < ARRAY_SIZE(define_does_ends) && !open; i++)
		open = n > strlen(define_does_ends[i]) &&
		    strcmp(low + n - strlen(define_does_ends[i]), define_does_ends[i]) == 0;
	if (!open && !does)
		return false;
	for (i = 0; i < n; i = end) {
		while (i < n && !is_alpha((unsigned char)low[i]))
			i++;
		for (end = i; end < n && is_alpha((unsigned char)low[end]); end++)
			;
		if (word_in(low + i, end - i, define_not, ARRAY_SIZE(define_not)))
			return false;
		open |= does && word_in(low + i, end - i, define_does_words,
		    ARRAY_SIZE(define_does_words));
	}
	return open;
}

/* Longest stretch of a line read for a small ask, in bytes. */
#define ROUTER_SMALL_MAX 200

/*
 * What asks how to do something, for a command, a flag or a syntax, or for a
 * small mechanical edit: a known answer, not work. Lowercase, plain
 * apostrophes, matched at the start of a word.
 */
static const char *const small_asks[] = {
	"how do i ", "how do you ", "how can i ", "how to ", "how would i ", "command to ",
	"command for ", "the command ", "flag to ", "flag for ", "the flag ", "option to ",
	"the syntax", "syntax for", "syntax?", "one-liner", "one liner", "regex for ", "regex to ",
	"regex that ", "which version", "what version", "is there a way ", "rename ", "typo",
	"shorten ", "reword ", "rephrase ", "add a comment", "add comments", "add a docstring",
	"wie installiere", "wie kann ich", "wie mache ich", "was bedeutet", "hoe maak", "hoe kan ik",
	"c\xc3\xb3mo ", "comment faire", "comment puis-je", "come faccio",
	"como fa\xc3\xa7o", "qu\xc3\xa9 significa",
};

/* Whether one of the n_list phrases of list starts a word of the string low. */
static bool
phrase_in(const char *low, const char *const *list, size_t n_list)
{
	size_t i;

	for (i = 0; i < n_list; i++) {
		const char *at = low;

		while ((at = strstr(at, list[i])) != NULL) {
			if (at == low || !is_alpha((unsigned char)at[-1]))
				return true;
			at++;
		}
	}
	return false;
}

/* Whether the first or the last line of prompt[0..len) is a small ask. */
static bool
small_ask(const char *prompt, size_t len)
{
	char low[ROUTER_SMALL_MAX + 1];
	const char *nl;
	size_t last;

	if (prompt == NULL || len == 0)
		return false;
	nl = memchr(prompt, '\n', len);
	router_fold(prompt, nl != NULL ? (size_t)(nl - prompt) : len, low, sizeof(low));
	if (phrase_in(low, small_asks, ARRAY_SIZE(small_asks)))
		return true;
	if (nl == NULL)
		return false;
	while (len > 0 && (prompt[len - 1] == '\n' || prompt[len - 1] == ' ' || prompt[len - 1] == '\r'))
		len--;
	for (last = len; last > 0 && prompt[last - 1] != '\n'; last--)
		;
	if (len - last > ROUTER_SMALL_MAX)
		return false;
	router_fold(prompt + last, len - last, low, sizeof(low));
	return phrase_in(low, small_asks, ARRAY_SIZE(small_asks));
}

/* log1p of a count. */
static double
log1p_count(size_t v)
{
	return log1p((double)v);
}

/* The features that are the log1p of one keyword group's hits, and their group. */
static const struct {
	enum router_feat feat;
	enum kw_group group;
} kw_features[] = {
	{ RF_KW_REASON, KW_REASON },
	{ RF_KW_MATH, KW_MATH },
	{ RF_KW_CODE, KW_CODE },
	{ RF_KW_CREATIVE, KW_CREATIVE },
	{ RF_KW_SIMPLE, KW_SIMPLE },
	{ RF_KW_FORMAT, KW_FORMAT },
	{ RF_ASK_WORK, KW_WORK },
	{ RF_ASK_DEEP, KW_DEEP },
	{ RF_CONCURRENCY, KW_CONC },
	{ RF_SECURITY, KW_SEC },
	{ RF_DISTRIBUTED, KW_DIST },
	{ RF_PERFORMANCE, KW_PERF },
	{ RF_BUILD, KW_BUILD },
	{ RF_DATA_FORMAT, KW_DATA },
	{ RF_FORMAL, KW_FORMAL },
};

/*
 * Compute the features of a turn into x[RF_COUNT], in one pass over the
 * prompt; *hard (if not NULL) gets the count of subject words hard by
 * themselves.
 */
static void
features_of(const struct route_input *in, double x[RF_COUNT], size_t *hard)
{
	struct scan s;
	double chars;
	size_t i, len = in->prompt ? in->len : 0;

	/* "echo PROMPT | llm" ends in a newline the same prompt typed has not */
	while (len > 0 && (router_class[(unsigned char)in->prompt[len - 1]] & CC_SPACE))
		len--;
	memset(&s, 0, sizeof(s));
	scan_text((const unsigned char *)in->prompt, len, &s);
	chars = s.chars ? (double)s.chars : 1.0;
	x[RF_LENGTH] = log1p_count(s.chars);
	x[RF_WORDS] = log1p_count(s.words - s.logwords);
	x[RF_LINES] = log1p_count(s.lines);
	x[RF_CODE_FENCE] = s.fence > 0;
	x[RF_CODE_CHARS] = (double)s.code / chars;
	x[RF_DIFF] = log1p_count(s.diff);
	x[RF_DIGITS] = (double)s.digits / chars;
	x[RF_NUMBERS] = log1p_count(s.numbers < ROUTER_NUMBERS_CAP ? s.numbers : ROUTER_NUMBERS_CAP);
	x[RF_MATH_OPS] = log1p_count(s.ops);
	x[RF_QUESTIONS] = log1p_count(s.questions);
	x[RF_CHOICE] = s.choices >= 2;
	x[RF_SENTENCES] = log1p_count(s.sentences);
	x[RF_WORD_LEN] = s.words ? fmax((double)s.letters / (double)s.words, ROUTER_WORD_LEN_FLOOR) :
	    ROUTER_WORD_LEN_FLOOR;
	x[RF_NON_ASCII] = len ? (double)s.nonascii / (double)len : 0;
	x[RF_TRACE] = log1p_count(s.trace + s.kw[KW_TRACE]);
	x[RF_TURN] = log1p_count(in->turn > 0 ? (size_t)in->turn : 0);
	x[RF_CONTEXT] = log1p(in->context_tokens > 0 ? (double)in->context_tokens / 1000.0 : 0);
	x[RF_PREV_TIER] = in->prev_tier > 0 && in->prev_tier < TIER_COUNT ? (double)in->prev_tier : 0;
	x[RF_CODE_LINES] = log1p_count(s.codelines);
	/* A short question of what something is: a lookup, not work in its subject. */
	if (s.words < ROUTER_FEW_WORDS && s.codelines == 0 && s.fence == 0 && s.diff == 0 &&
	    s.trace == 0 && s.ops == 0 && s.numbers == 0 && s.questions <= 1 && s.sentences <= 1 &&
	    definition_ask(in->prompt, in->prompt ? in->len : 0)) {
		for (i = 0; i < KW_COUNT; i++)
			if (KW_SUBJECT_GROUPS & 1u << i)
				s.kw[i] = s.kw_plain[i] = 0;
		x[RF_TRACE] = 0;    /* "what does 'panic: …' mean": a crash word asked about */
	}
	if (s.codelines > 0 || s.fence > 0 || s.diff > 0 || s.trace > 0 || s.tech > 0 || s.marks > 0 ||
	    s.plain_tech >= 2)
		for (i = 0; i < KW_COUNT; i++)
			s.kw[i] += s.kw_plain[i];
	else if (s.words >= ROUTER_FEW_WORDS)
		s.kw[KW_DEEP] += s.kw_plain[KW_DEEP];
	for (i = 0; i < ARRAY_SIZE(kw_features); i++)
		x[kw_features[i].feat] = log1p_count(s.kw[kw_features[i].group]);
	/*
	 * A quick ask: few words and nothing that makes work of them. A formula
	 * ("x+y = 4z, express x-y in z"), a request for work ("write a Go CSV
	 * parser") or a hard subject ("is double-checked locking safe?") is
	 * none however short.
	 */
	x[RF_FEW_WORDS] = s.words < ROUTER_FEW_WORDS && s.ops == 0 && s.codelines == 0 &&
	    s.kw[KW_WORK] + s.kw[KW_DEEP] + s.kw[KW_CONC] + s.kw[KW_SEC] + s.kw[KW_DIST] + s.kw[KW_PERF] +
	    s.kw[KW_FORMAL] + s.kw[KW_REASON] == 0 ? log1p(ROUTER_FEW_WORDS) - x[RF_WORDS] : 0;
	x[RF_ASK_SMALL] = small_ask(in->prompt, in->prompt ? in->len : 0);
	if (hard != NULL)
		*hard = s.hard;
}

/* Compute the features of a turn into x[RF_COUNT], in one pass over the prompt. */
void
router_features(const struct route_input *in, double x[RF_COUNT])
{
	features_of(in, x, NULL);
}

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
		count += line_starts_log(p + i, n - i);
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

/* The length of the prompt without the blank lines and spaces it ends in. */
static size_t
router_text_len(const struct route_input *in)
{
	size_t n = in->prompt != NULL ? in->len : 0;

	while (n > 0 && (in->prompt[n - 1] == '\n' || in->prompt[n - 1] == ' ' || in->prompt[n - 1] == '\r'))
		n--;
	return n;
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
	return definition_ask(in->prompt, n);
}

/* True for a short greeting, lookup or textbook question with nothing that needs more. */
static bool
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
		while (i < m && !is_alpha((unsigned char)low[i]))
			i++;
		for (end = i; end < m && is_alpha((unsigned char)low[end]); end++)
			;
		if (word_in(low + i, end - i, lookup_not, ARRAY_SIZE(lookup_not)) ||
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

	if (i >= n || !is_digit(p[i]))
		return false;
	while (i < n && is_digit(p[i]))
		i++;
	return i + 1 < n && p[i] == '.' && is_digit(p[i + 1]);
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

	if (line_starts_log(p, n))
		return true;
	/* "web-1 2026-12-04 10:39:33 …", "update-alternatives 2026-09-22 04:38:15: …" */
	for (k = 0; k < n && k < 40 && p[k] != ' '; k++)
		;
	if (k + 1 < n && k < 40 && line_starts_log(p + k + 1, n - k - 1))
		return true;
	if (p[0] == '|' || p[0] == '"')
		return true;
	for (i = 0; i < n && strchr("{}[](),: \t", p[i]) != NULL; i++)
		;
	if (i == n)
		return true;
	if (memchr(p, '(', n) != NULL || last == ';' || last == '{' || starts(p, n, "//"))
		return false;
	if (starts(p, n, "- ") || (p[0] == '[' && last == ']'))
		return true;
	for (i = 0; i < n && i <= ROUTER_KEY_MAX; i++) {
		if (p[i] == ' ' && i + 1 < n && (is_alpha(p[i + 1]) || is_digit(p[i + 1])) && spaces < ROUTER_KEY_WORDS)
			spaces++;
		else if (!is_alpha(p[i]) && !is_digit(p[i]) && p[i] != '_' && p[i] != '-' && p[i] != '.' && p[i] != '/')
			break;
	}
	if (i > 0 && i <= ROUTER_KEY_MAX && !word_in((const char *)p, i, code_labels, ARRAY_SIZE(code_labels))) {
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
		if ((i == 0 || p[i - 1] == ' ') && (is_digit(p[i]) || p[i] == 'v') && is_version(p + i, n - i))
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
	for (last = n; last > 0 && p[last - 1] != '\n'; last--)
		;
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
	return open && !any_word_in(low, n, "_0123456789", thanks_not, ARRAY_SIZE(thanks_not));
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
	return phrase_in(low, command_asks, ARRAY_SIZE(command_asks));
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
	return !any_word_in(low, n, "'", howto_not, ARRAY_SIZE(howto_not)) &&
	    (spec || !any_word_in(low, n, "'", howto_judge, ARRAY_SIZE(howto_judge))) &&
	    !phrase_in(low, howto_not_starts, ARRAY_SIZE(howto_not_starts));
}

/*
 * True for a one-line question of how to do something, of what a command or
 * a keyword does, or of how two things differ ("hey how do i rename a branch
 * both locally and on origin?", "whats the yarn equivalent of `npm ci`?"):
 * a known answer, however chatty. A problem ("…and now it fails", "how do I
 * get my commits back?"), a judgement ("how should I structure…") or work to
 * write is none.
 */
static bool
howto_ask(const struct route_input *in)
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
	open = open || phrase_in(low, howto_asks, ARRAY_SIZE(howto_asks));
	/* "what does `chmod 755` do", "what does -h do in sort", "what does exit code 137 mean" */
	if (!open && (does = strstr(low, "what does ")) != NULL) {
		const char *d;

		for (d = does + strlen("what does"); !open && (d = strstr(d, " do")) != NULL; d++)
			open = !is_alpha((unsigned char)d[3]);
		for (d = does + strlen("what does"); !open && (d = strstr(d, " mean")) != NULL; d++)
			open = !is_alpha((unsigned char)d[5]);
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
	return howto_ask(in);
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
	for (end = i; end < m && (is_alpha((unsigned char)low[end]) || is_digit((unsigned char)low[end])); end++)
		;
	return word_in(low + i, end - i, tool_names, ARRAY_SIZE(tool_names)) && plain_ask(low, m, true) &&
	    !any_word_in(low, m, "'", tool_symptoms, ARRAY_SIZE(tool_symptoms));
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
static bool
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

/* A request to write or build counts a mid answer's shortfall at this share of the usual. */
#define ROUTER_BUILD_LOSS 0.33

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
		asks = asks || phrase_in(low, also, n_also);
		if (asks && !any_word_in(low, m, "", not, n_not))
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
	for (w = 0; w < len[0] && is_alpha((unsigned char)line[0][w]); w++)
		;
	if (w == len[0] || line[0][w] != ' ' ||
	    !word_in(line[0], w, convert_commands, ARRAY_SIZE(convert_commands)))
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
			return !any_word_in(low, m, "", edit_not, ARRAY_SIZE(edit_not));
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

		if (c == '\\' || (c == '(' && i > 0 && is_alpha(p[i - 1])))
			return true;
		if ((router_class[c] & CC_OP) && ((i > 0 && is_alpha(p[i - 1])) || is_alpha(next)))
			return true;
		if (is_digit(c) && is_alpha(next) && (i + 2 >= n || !is_alpha(p[i + 2])))
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

/* The rules that send a prompt to cheap whatever the score, in the order they are tried. */
enum cheap_rule {
	RULE_NONE,
	RULE_ARITH,
	RULE_COMMIT,
	RULE_CONVERT,
	RULE_SUMMARY,
	RULE_LOOKUP,
	RULE_THANKS,
	RULE_EDIT,
	RULE_COMMAND,
	RULE_HOWTO,
	RULE_TOOL,
};

/* What the reason calls each rule (arithmetic has two names, see router_decide_with). */
static const char *const cheap_rule_names[] = {
	[RULE_COMMIT] = "a commit message", [RULE_CONVERT] = "a command to convert",
	[RULE_SUMMARY] = "a summary of pasted text",
	[RULE_LOOKUP] = "a lookup in pasted data",
	[RULE_THANKS] = "thanks, nothing asked", [RULE_EDIT] = "a mechanical edit",
	[RULE_COMMAND] = "a command or syntax lookup", [RULE_HOWTO] = "a how-to question",
	[RULE_TOOL] = "a short ask of one tool",
};

/* The first rule that holds for the prompt: plain arithmetic, a lookup, thanks... */
static enum cheap_rule
cheap_rule(const struct route_input *in, const double x[RF_COUNT])
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

/* Decide with the given model (the trainer and evaluator use their own fits). */
void
router_decide_with(const struct router_model *rm, const struct route_input *in, struct route_decision *out)
{
	double x[RF_COUNT], c1[RF_COUNT], c2[RF_COUNT], l1, l2, t1, t2;
	const double *c;
	enum tier t;
	int forced = -1;
	enum cheap_rule rule;
	bool rules, howto_cap = false, build, trace;
	size_t hard;

	memset(out, 0, sizeof(*out));
	features_of(in, x, &hard);
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
	rule = rules && t != TIER_CHEAP ? cheap_rule(in, x) : RULE_NONE;
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
	} else if (rules && t == TIER_FRONTIER && hard == 0 && howto_ask(in)) {
		t = TIER_MID;
		howto_cap = true;
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
		str_copy(out->reason, sizeof(out->reason), cheap_rule_names[rule]);
	else if (howto_cap)
		str_copy(out->reason, sizeof(out->reason), cheap_rule_names[RULE_HOWTO]);
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
