/* router_scan: the features of a prompt, counted in one pass over its bytes. */
#include "router_priv.h"

#include <math.h>
#include <string.h>

#include "router_kw.h"
#include "util.h"

/* Runs of letters (thirteen) and of non-ASCII bytes (sixteen) in the class table. */
#define CC_L16(c) [c] = CC_ALPHA, [c + 1] = CC_ALPHA, [c + 2] = CC_ALPHA, [c + 3] = CC_ALPHA, \
	[c + 4] = CC_ALPHA, [c + 5] = CC_ALPHA, [c + 6] = CC_ALPHA, [c + 7] = CC_ALPHA, \
	[c + 8] = CC_ALPHA, [c + 9] = CC_ALPHA, [c + 10] = CC_ALPHA, [c + 11] = CC_ALPHA, \
	[c + 12] = CC_ALPHA
#define CC_H16(c) [c] = CC_HIGH, [c + 1] = CC_HIGH, [c + 2] = CC_HIGH, [c + 3] = CC_HIGH, \
	[c + 4] = CC_HIGH, [c + 5] = CC_HIGH, [c + 6] = CC_HIGH, [c + 7] = CC_HIGH, \
	[c + 8] = CC_HIGH, [c + 9] = CC_HIGH, [c + 10] = CC_HIGH, [c + 11] = CC_HIGH, \
	[c + 12] = CC_HIGH, [c + 13] = CC_HIGH, [c + 14] = CC_HIGH, [c + 15] = CC_HIGH

/* The class of each byte (router_priv.h names them). */
const unsigned char router_class[256] = {
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

/*
 * Openings of lines of code, shell, SQL and common files (after
 * indentation), filed by their first byte.
 */
static const char *const code_starts[128][8] = {
	['A'] = { "ALTER " },
	['a'] = { "async ", "await ", "apiVersion:" },
	['C'] = { "COPY ", "CMD ", "CREATE " },
	['c'] = { "class ", "const ", "char ", "console." },
	['D'] = { "DELETE " },
	['d'] = { "def ", "done", "data class" },
	['E'] = { "ENTRYPOINT ", "EXPOSE " },
	['e'] = { "except", "elif ", "else", "echo ", "export " },
	['F'] = { "FROM " },
	['f'] = { "func ", "fn ", "fun ", "from ", "for (", "fi" },
	['I'] = { "INSERT " },
	['i'] = { "import ", "if (", "if [", "impl ", "int ", "interface ", "image:" },
	['k'] = { "kind:" },
	['l'] = { "let " },
	['m'] = { "module " },
	['P'] = { "PHONY" },
	['p'] = { "package ", "public ", "private ", "protected ", "pub ", "print(" },
	['R'] = { "RUN " },
	['r'] = { "return ", "runs-on:", "resources:" },
	['S'] = { "SELECT " },
	['s'] = { "static ", "struct ", "set -", "stages:", "steps:", "script:", "services:" },
	['t'] = { "template", "try:" },
	['U'] = { "UPDATE " },
	['u'] = { "use " },
	['v'] = { "var ", "val ", "void " },
	['W'] = { "WORKDIR " },
	['w'] = { "while (" },
	['#'] = { "#!/", "#include", "#define" },
	['.'] = { ".PHONY" },
	['@'] = { "@@ " },
	['}'] = { "}" },
};

/* Tell whether the line p[0..n) (indentation skipped) opens like code. */
static bool
line_starts_code(const unsigned char *p, size_t n)
{
	const char *const *row;
	size_t i, l;

	if (p[0] >= ARRAY_SIZE(code_starts))
		return false;
	row = code_starts[p[0]];
	for (i = 0; i < ARRAY_SIZE(code_starts[0]) && row[i] != NULL; i++) {
		if (!router_starts(p, n, row[i]))
			continue;
		l = strlen(row[i]);
		/* A keyword is a whole word: "fi" and "done" are shell, "first" and "doneness" prose. */
		if (router_alpha((unsigned char)row[i][l - 1]) && l < n && (router_alpha(p[l]) || router_digit(p[l]) || p[l] == '_'))
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

	while (j < n && j - i < max && router_digit(p[j]))
		j++;
	return j - i >= min && (j == n || !router_digit(p[j])) ? j : 0;
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
bool
router_line_starts_log(const unsigned char *p, size_t n)
{
	static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
	size_t i = n > 0 && p[0] == '[', j, k;

	if (i + 4 < n && router_alpha(p[i])) {
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
		return j + 10 < n && router_alpha(p[j + 1]) && p[j + 4] == '/' &&
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
	s->line_log = (router_digit(p[0]) || p[0] == '[' || (p[0] >= 'A' && p[0] <= 'S')) &&
	    router_line_starts_log(p, n);
	/* Most lines start with none of them: one look sends those away. */
	if (!line_first[p[0]])
		return;
	if (router_starts(p, n, "diff --git") || router_starts(p, n, "@@ -") || router_starts(p, n, "+++ ") ||
	    router_starts(p, n, "--- a/"))
		s->diff++;
	while (ind < n && ind < 16 && (p[ind] == ' ' || p[ind] == '\t'))
		ind++;
	p += ind;
	n -= ind;
	if (n > 0 && line_starts_code(p, n))
		s->line_code = true;
	if (router_starts(p, n, "Traceback") || router_starts(p, n, "File \"") || router_starts(p, n, "goroutine ") ||
	    router_starts(p, n, "thread '") || (n >= 3 && p[0] == '#' && router_digit(p[1]) && (p[2] == ' ' || router_digit(p[2]))) ||
	    (ind > 0 && router_starts(p, n, "at ") && (line_has(p, n, '(', 200) || line_has(p, n, ':', 200))))
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

	/* lit's length is a constant where it is a literal: most words differ in it, the rest at once. */
	if (strlen(lit) != wlen || (w[0] | 0x20) != (unsigned char)lit[0])
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
 * Count the keyword groups (not 0; plain: those it is a plain keyword of) of
 * the word of ASCII letters p[start..end), once per group; a crash word
 * counts only in a crash message's context, and "trade" or "threat" as an
 * ask for judgement only in one's. The groups that count, KW_HARD_WORD kept.
 */
static unsigned
scan_keyword(const unsigned char *p, size_t start, size_t end, size_t n, unsigned groups,
    unsigned plain, struct scan *s)
{
	const unsigned char *w = p + start;
	size_t wlen = end - start;
	unsigned m;
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
	    (end + 6 == n || !router_alpha(p[end + 6]) || (p[end + 6] | 0x20) == 's'))
		groups &= ~(1u << KW_SEC);
	/* Java's ConcurrentModificationException: an iterator's check in one thread. */
	if ((groups >> KW_CONC & 1) && wlen >= 22 && word_is(w, 22, "concurrentmodification"))
		groups &= ~(1u << KW_CONC);
	if ((groups >> KW_TRACE & 1) && trace_word_ok(p, start, end, n))
		s->kw[KW_TRACE]++;
	if ((groups >> KW_DEEP & 1) && !deep_word_ok(p, start, end, n))
		groups &= ~(1u << KW_DEEP);
	m = groups & ((1u << KW_COUNT) - 1) & ~(1u << KW_TRACE);
	for (g = 0; m != 0; g++, m >>= 1) {
		if (!(m & 1))
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
	return groups;
}

/*
 * Count what the word of ASCII letters p[start..end) says: its keyword
 * groups, and the phrases it opens.
 */
static void
scan_word(const unsigned char *p, size_t start, size_t end, size_t n, struct scan *s)
{
	const unsigned char *w = p + start;
	size_t wlen = end - start;
	unsigned plain, groups = router_kw_groups(w, wlen, &plain);

	/* Most words are no keyword: the checks of one are apart. */
	if (groups != 0)
		groups = scan_keyword(p, start, end, n, groups, plain, s);
	/*
	 * The language lawyer's phrases: "undefined behaviour", "ill-formed",
	 * "sequence point" ("well-defined" is as often a goal's or a process's).
	 * The last two are the standard's own terms, hard by themselves: what
	 * is ill-formed or sequenced is read in the standard's fine print.
	 */
	if (word_is(w, wlen, "undefined") &&
	    (followed_by(p, end, n, "behavior") || followed_by(p, end, n, "behaviour")))
		s->kw[KW_FORMAL]++;
	if ((word_is(w, wlen, "ill") && followed_by(p, end, n, "formed")) ||
	    (word_is(w, wlen, "sequence") && followed_by(p, end, n, "point"))) {
		s->kw[KW_FORMAL]++;
		s->hard++;
	}
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

	if (i > 1 && (p[i - 1] == ':' || p[i - 1] == '-' || p[i - 1] == '/') && router_digit(p[i - 2]))
		return false;
	if (i > 0 && p[i - 1] == ':')
		return false;
	for (j = i; j < n && j < i + 40; j++) {
		unsigned char c = p[j];

		if (router_digit(c))
			continue;
		if ((c == ':' || c == '-') && j + 1 < n && router_digit(p[j + 1]))
			return false;
		if (c == '.' && j + 1 < n && router_digit(p[j + 1])) {
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

	if (i == 0 || i + 1 >= n || !router_digit(p[i - 1]) || !router_digit(p[i + 1]))
		return false;
	for (j = i + 1; j < n && j < i + 8 && router_digit(p[j]); j++)
		;
	if (j + 1 < n && p[j] == c && router_digit(p[j + 1]))
		return true;
	for (j = i; j > 0 && j + 8 > i && router_digit(p[j - 1]); j--)
		;
	return j > 1 && p[j - 1] == c && router_digit(p[j - 2]);
}

/* Where the number that ends at p[end - 1] starts: its digits and the dots between them. */
static size_t
number_start(const unsigned char *p, size_t end)
{
	while (end > 0 && (router_digit(p[end - 1]) || (p[end - 1] == '.' && end > 1 && router_digit(p[end - 2]))))
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
		return i + 3 < n && router_alpha(p[i + 1]) && router_alpha(p[i + 2]) && router_alpha(p[i + 3]);
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
		if (i + 1 < n && p[i] == '_' && router_alpha(p[i + 1]))
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
	for (j = i - 1; j > 0 && router_alpha(p[j - 1]); j--)
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
				/* backticks only: ~~~ frames an attached prose file (input_fence) */
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
size_t
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
bool
router_word_in(const char *w, size_t n, const char *const *list, size_t n_list)
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
bool
router_any_word_in(const char *low, size_t n, const char *also, const char *const *list, size_t n_list)
{
	size_t i, end;

	for (i = 0; i < n; i = end) {
		while (i < n && !router_alpha((unsigned char)low[i]))
			i++;
		for (end = i; end < n && (router_alpha((unsigned char)low[end]) ||
		    (low[end] != '\0' && strchr(also, low[end]) != NULL)); end++)
			;
		if (router_word_in(low + i, end - i, list, n_list))
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
bool
router_definition_ask(const char *prompt, size_t len)
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
		while (i < n && !router_alpha((unsigned char)low[i]))
			i++;
		for (end = i; end < n && router_alpha((unsigned char)low[end]); end++)
			;
		if (router_word_in(low + i, end - i, define_not, ARRAY_SIZE(define_not)))
			return false;
		open |= does && router_word_in(low + i, end - i, define_does_words,
		    ARRAY_SIZE(define_does_words));
	}
	return open;
}


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
bool
router_phrase_in(const char *low, const char *const *list, size_t n_list)
{
	size_t i;

	for (i = 0; i < n_list; i++) {
		const char *at = low;

		while ((at = strstr(at, list[i])) != NULL) {
			if (at == low || !router_alpha((unsigned char)at[-1]))
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
	if (router_phrase_in(low, small_asks, ARRAY_SIZE(small_asks)))
		return true;
	if (nl == NULL)
		return false;
	while (len > 0 && (prompt[len - 1] == '\n' || prompt[len - 1] == ' ' || prompt[len - 1] == '\r'))
		len--;
	nl = memrchr(prompt, '\n', len);
	last = nl != NULL ? (size_t)(nl - prompt) + 1 : 0;
	if (len - last > ROUTER_SMALL_MAX)
		return false;
	router_fold(prompt + last, len - last, low, sizeof(low));
	return router_phrase_in(low, small_asks, ARRAY_SIZE(small_asks));
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
void
router_scan(const struct route_input *in, double x[RF_COUNT], size_t *hard)
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
	/*
	 * A short question of what something is, or of a fact that asks for no
	 * reasoning, judgement or work and names no subject hard by itself ("what
	 * port does redis use for replicas", not "is a seqlock linearizable"): a
	 * lookup, not work in its subject.
	 */
	if (s.words < ROUTER_FEW_WORDS && s.codelines == 0 && s.fence == 0 && s.diff == 0 &&
	    s.trace == 0 && s.ops == 0 && s.questions <= 1 && s.sentences <= 1 &&
	    ((s.numbers == 0 && router_definition_ask(in->prompt, in->prompt ? in->len : 0)) ||
	    (s.hard == 0 && s.kw[KW_REASON] + s.kw[KW_WORK] + s.kw[KW_DEEP] + s.kw_plain[KW_DEEP] == 0 &&
	    router_fact_ask(in->prompt, len)))) {
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
	router_scan(in, x, NULL);
}
