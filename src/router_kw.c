/* router_kw: the keywords the router counts, by group, in one sorted table. */
#include "router_kw.h"

#include <stdbool.h>
#include <string.h>

#include "util.h"

/* Keywords by group, sorted by word (strcmp); a word may stand twice, in two groups. */
static const struct kw {
	const char *word;
	unsigned char len;
	unsigned char group;
	bool prefix;             /* a stem of three letters or more: matches any word it starts */
} router_kw[] = {
	{ "adventure", 9, KW_CREATIVE, true },
	{ "advert", 6, KW_CREATIVE, true },
	{ "algebra", 7, KW_MATH, true },
	{ "algorithm", 9, KW_CODE, true },
	{ "analy", 5, KW_REASON, true },
	{ "angle", 5, KW_MATH, true },
	{ "api", 3, KW_CODE, false },
	{ "apis", 4, KW_CODE, false },
	{ "architect", 9, KW_REASON, true },
	{ "area", 4, KW_MATH, false },
	{ "argu", 4, KW_REASON, true },
	{ "arithmetic", 10, KW_MATH, true },
	{ "array", 5, KW_CODE, true },
	{ "assum", 5, KW_REASON, true },
	{ "async", 5, KW_CODE, true },
	{ "average", 7, KW_MATH, true },
	{ "backtrace", 9, KW_TRACE, true },
	{ "bash", 4, KW_CODE, false },
	{ "binary", 6, KW_CODE, false },
	{ "blog", 4, KW_CREATIVE, true },
	{ "brainstorm", 10, KW_CREATIVE, true },
	{ "brief", 5, KW_SIMPLE, true },
	{ "bug", 3, KW_CODE, false },
	{ "bugs", 4, KW_CODE, false },
	{ "bullet", 6, KW_FORMAT, true },
	{ "calculat", 8, KW_MATH, true },
	{ "capital", 7, KW_SIMPLE, false },
	{ "catchy", 6, KW_CREATIVE, false },
	{ "character", 9, KW_CREATIVE, true },
	{ "circle", 6, KW_MATH, true },
	{ "class", 5, KW_CODE, false },
	{ "classes", 7, KW_CODE, false },
	{ "code", 4, KW_CODE, false },
	{ "coding", 6, KW_CODE, false },
	{ "compar", 6, KW_REASON, true },
	{ "compil", 6, KW_CODE, true },
	{ "compiler", 8, KW_CODE, true },
	{ "comput", 6, KW_MATH, true },
	{ "concise", 7, KW_FORMAT, true },
	{ "conclu", 6, KW_REASON, true },
	{ "cons", 4, KW_REASON, false },
	{ "consequen", 9, KW_REASON, true },
	{ "consider", 8, KW_REASON, true },
	{ "const", 5, KW_CODE, false },
	{ "contradict", 10, KW_REASON, true },
	{ "converg", 7, KW_MATH, true },
	{ "coredump", 8, KW_TRACE, false },
	{ "counterexample", 14, KW_REASON, true },
	{ "cpp", 3, KW_CODE, false },
	{ "creative", 8, KW_CREATIVE, true },
	{ "critic", 6, KW_REASON, true },
	{ "critiq", 6, KW_REASON, true },
	{ "css", 3, KW_CODE, false },
	{ "csv", 3, KW_FORMAT, false },
	{ "database", 8, KW_CODE, true },
	{ "debug", 5, KW_CODE, true },
	{ "deduc", 5, KW_REASON, true },
	{ "def", 3, KW_CODE, false },
	{ "define", 6, KW_SIMPLE, false },
	{ "definition", 10, KW_SIMPLE, true },
	{ "derivative", 10, KW_MATH, true },
	{ "derive", 6, KW_REASON, false },
	{ "deriving", 8, KW_REASON, false },
	{ "design", 6, KW_REASON, true },
	{ "dialog", 6, KW_CREATIVE, true },
	{ "differen", 8, KW_REASON, true },
	{ "digit", 5, KW_MATH, true },
	{ "divided", 7, KW_MATH, false },
	{ "divisib", 7, KW_MATH, true },
	{ "docker", 6, KW_CODE, true },
	{ "dumped", 6, KW_TRACE, false },
	{ "email", 5, KW_CREATIVE, true },
	{ "equation", 8, KW_MATH, true },
	{ "error", 5, KW_CODE, false },
	{ "errors", 6, KW_CODE, false },
	{ "essay", 5, KW_CREATIVE, true },
	{ "evaluat", 7, KW_REASON, true },
	{ "exactly", 7, KW_FORMAT, false },
	{ "exception", 9, KW_CODE, true },
	{ "explain", 7, KW_REASON, true },
	{ "exponent", 8, KW_MATH, true },
	{ "factor", 6, KW_MATH, true },
	{ "fantasy", 7, KW_CREATIVE, false },
	{ "fiction", 7, KW_CREATIVE, true },
	{ "format", 6, KW_FORMAT, true },
	{ "fraction", 8, KW_MATH, true },
	{ "function", 8, KW_CODE, true },
	{ "funny", 5, KW_CREATIVE, false },
	{ "generali", 8, KW_REASON, true },
	{ "geometr", 7, KW_MATH, true },
	{ "git", 3, KW_CODE, false },
	{ "golang", 6, KW_CODE, false },
	{ "good", 4, KW_SIMPLE, false },
	{ "haiku", 5, KW_CREATIVE, true },
	{ "hash", 4, KW_CODE, true },
	{ "heading", 7, KW_FORMAT, true },
	{ "headline", 8, KW_CREATIVE, true },
	{ "hello", 5, KW_SIMPLE, false },
	{ "hey", 3, KW_SIMPLE, false },
	{ "hi", 2, KW_SIMPLE, false },
	{ "html", 4, KW_CODE, false },
	{ "http", 4, KW_CODE, true },
	{ "humor", 5, KW_CREATIVE, true },
	{ "hypothe", 7, KW_REASON, true },
	{ "imagin", 6, KW_CREATIVE, true },
	{ "implement", 9, KW_CODE, true },
	{ "implication", 11, KW_REASON, true },
	{ "induct", 6, KW_REASON, true },
	{ "inequalit", 9, KW_MATH, true },
	{ "infer", 5, KW_REASON, true },
	{ "infinite", 8, KW_MATH, true },
	{ "infinitely", 10, KW_MATH, false },
	{ "int", 3, KW_CODE, false },
	{ "integer", 7, KW_MATH, true },
	{ "integral", 8, KW_MATH, true },
	{ "java", 4, KW_CODE, false },
	{ "javascript", 10, KW_CODE, true },
	{ "joke", 4, KW_CREATIVE, true },
	{ "json", 4, KW_CODE, false },
	{ "json", 4, KW_FORMAT, false },
	{ "justif", 6, KW_REASON, true },
	{ "kubernetes", 10, KW_CODE, false },
	{ "lambda", 6, KW_CODE, true },
	{ "lemma", 5, KW_MATH, true },
	{ "letter", 6, KW_CREATIVE, true },
	{ "libraries", 9, KW_CODE, false },
	{ "library", 7, KW_CODE, false },
	{ "limerick", 8, KW_CREATIVE, true },
	{ "limit", 5, KW_FORMAT, true },
	{ "linux", 5, KW_CODE, false },
	{ "list", 4, KW_FORMAT, true },
	{ "logarithm", 9, KW_MATH, true },
	{ "logic", 5, KW_REASON, true },
	{ "loop", 4, KW_CODE, true },
	{ "lyric", 5, KW_CREATIVE, true },
	{ "malloc", 6, KW_CODE, false },
	{ "markdown", 8, KW_FORMAT, false },
	{ "math", 4, KW_MATH, true },
	{ "matri", 5, KW_MATH, true },
	{ "maximum", 7, KW_FORMAT, false },
	{ "mean", 4, KW_SIMPLE, false },
	{ "meaning", 7, KW_SIMPLE, false },
	{ "median", 6, KW_MATH, false },
	{ "memory", 6, KW_CODE, false },
	{ "metaphor", 8, KW_CREATIVE, true },
	{ "minimum", 7, KW_FORMAT, false },
	{ "module", 6, KW_CODE, true },
	{ "modulo", 6, KW_MATH, false },
	{ "morning", 7, KW_SIMPLE, false },
	{ "multipl", 7, KW_MATH, true },
	{ "must", 4, KW_FORMAT, false },
	{ "name", 4, KW_SIMPLE, false },
	{ "narrat", 6, KW_CREATIVE, true },
	{ "node", 4, KW_CODE, true },
	{ "novel", 5, KW_CREATIVE, true },
	{ "null", 4, KW_CODE, false },
	{ "numbered", 8, KW_FORMAT, false },
	{ "only", 4, KW_FORMAT, false },
	{ "optimi", 6, KW_REASON, true },
	{ "outline", 7, KW_FORMAT, true },
	{ "output", 6, KW_FORMAT, true },
	{ "panic", 5, KW_TRACE, false },
	{ "panicked", 8, KW_TRACE, false },
	{ "paradox", 7, KW_REASON, true },
	{ "paragraph", 9, KW_FORMAT, true },
	{ "percent", 7, KW_MATH, true },
	{ "perimeter", 9, KW_MATH, true },
	{ "persona", 7, KW_CREATIVE, true },
	{ "persuasive", 10, KW_CREATIVE, true },
	{ "pitch", 5, KW_CREATIVE, false },
	{ "poem", 4, KW_CREATIVE, true },
	{ "poetry", 6, KW_CREATIVE, false },
	{ "pointer", 7, KW_CODE, true },
	{ "polynom", 7, KW_MATH, true },
	{ "pretend", 7, KW_CREATIVE, true },
	{ "prime", 5, KW_MATH, true },
	{ "printf", 6, KW_CODE, false },
	{ "probabilit", 10, KW_MATH, true },
	{ "product", 7, KW_MATH, true },
	{ "program", 7, KW_CODE, true },
	{ "proof", 5, KW_REASON, true },
	{ "pros", 4, KW_REASON, false },
	{ "prove", 5, KW_REASON, false },
	{ "proves", 6, KW_REASON, false },
	{ "proving", 7, KW_REASON, false },
	{ "puzzle", 6, KW_REASON, true },
	{ "python", 6, KW_CODE, true },
	{ "query", 5, KW_CODE, true },
	{ "queue", 5, KW_CODE, true },
	{ "quick", 5, KW_SIMPLE, true },
	{ "radius", 6, KW_MATH, false },
	{ "ratio", 5, KW_MATH, true },
	{ "reason", 6, KW_REASON, true },
	{ "recursi", 7, KW_CODE, true },
	{ "refactor", 8, KW_CODE, true },
	{ "regex", 5, KW_CODE, true },
	{ "remainder", 9, KW_MATH, true },
	{ "rephras", 7, KW_FORMAT, true },
	{ "respond", 7, KW_FORMAT, true },
	{ "response", 8, KW_FORMAT, true },
	{ "return", 6, KW_CODE, false },
	{ "rewrite", 7, KW_FORMAT, true },
	{ "rhym", 4, KW_CREATIVE, true },
	{ "riddle", 6, KW_REASON, true },
	{ "rigor", 5, KW_REASON, true },
	{ "role", 4, KW_CREATIVE, false },
	{ "roleplay", 8, KW_CREATIVE, true },
	{ "runtime", 7, KW_CODE, true },
	{ "rust", 4, KW_CODE, false },
	{ "scenario", 8, KW_REASON, true },
	{ "script", 6, KW_CODE, true },
	{ "segfault", 8, KW_CODE, true },
	{ "segfault", 8, KW_TRACE, true },
	{ "segmentation", 12, KW_TRACE, false },
	{ "sentence", 8, KW_FORMAT, true },
	{ "server", 6, KW_CODE, true },
	{ "shell", 5, KW_CODE, false },
	{ "short", 5, KW_SIMPLE, false },
	{ "sigabrt", 7, KW_TRACE, false },
	{ "sigsegv", 7, KW_TRACE, false },
	{ "simple", 6, KW_SIMPLE, false },
	{ "slogan", 6, KW_CREATIVE, true },
	{ "solve", 5, KW_MATH, true },
	{ "solving", 7, KW_MATH, false },
	{ "song", 4, KW_CREATIVE, true },
	{ "speech", 6, KW_CREATIVE, true },
	{ "spell", 5, KW_SIMPLE, true },
	{ "sql", 3, KW_CODE, false },
	{ "sqrt", 4, KW_MATH, false },
	{ "square", 6, KW_MATH, true },
	{ "stack", 5, KW_CODE, false },
	{ "stacktrace", 10, KW_TRACE, true },
	{ "statistic", 9, KW_MATH, true },
	{ "step", 4, KW_REASON, true },
	{ "stories", 7, KW_CREATIVE, false },
	{ "story", 5, KW_CREATIVE, false },
	{ "strateg", 7, KW_REASON, true },
	{ "string", 6, KW_CODE, true },
	{ "struct", 6, KW_CODE, true },
	{ "style", 5, KW_FORMAT, true },
	{ "subtract", 8, KW_MATH, true },
	{ "sum", 3, KW_MATH, false },
	{ "summar", 6, KW_FORMAT, true },
	{ "sums", 4, KW_MATH, false },
	{ "synonym", 7, KW_SIMPLE, true },
	{ "syntax", 6, KW_CODE, true },
	{ "table", 5, KW_FORMAT, true },
	{ "tale", 4, KW_CREATIVE, true },
	{ "tell", 4, KW_SIMPLE, false },
	{ "thank", 5, KW_SIMPLE, false },
	{ "thanks", 6, KW_SIMPLE, false },
	{ "theorem", 7, KW_MATH, true },
	{ "thorough", 8, KW_REASON, true },
	{ "thread", 6, KW_CODE, true },
	{ "title", 5, KW_FORMAT, true },
	{ "tone", 4, KW_FORMAT, true },
	{ "total", 5, KW_MATH, false },
	{ "traceback", 9, KW_TRACE, false },
	{ "tradeoff", 8, KW_REASON, true },
	{ "translat", 8, KW_SIMPLE, true },
	{ "triangle", 8, KW_MATH, true },
	{ "tweet", 5, KW_CREATIVE, true },
	{ "typescript", 10, KW_CODE, true },
	{ "unittest", 8, KW_CODE, true },
	{ "url", 3, KW_CODE, false },
	{ "variable", 8, KW_CODE, true },
	{ "variance", 8, KW_MATH, false },
	{ "vector", 6, KW_MATH, true },
	{ "vivid", 5, KW_CREATIVE, true },
	{ "void", 4, KW_CODE, false },
	{ "volume", 6, KW_MATH, true },
	{ "weather", 7, KW_SIMPLE, false },
	{ "what", 4, KW_SIMPLE, false },
	{ "when", 4, KW_SIMPLE, false },
	{ "where", 5, KW_SIMPLE, false },
	{ "whether", 7, KW_REASON, false },
	{ "who", 3, KW_SIMPLE, false },
	{ "why", 3, KW_REASON, false },
	{ "words", 5, KW_FORMAT, false },
	{ "write", 5, KW_CREATIVE, false },
	{ "writing", 7, KW_CREATIVE, false },
	{ "xml", 3, KW_FORMAT, false },
	{ "yaml", 4, KW_FORMAT, false },
};

/* The shortest stem: a shorter keyword matches only a word equal to it. */
#define KW_STEM_MIN 3

/* How many leading letters the lowercase word w[0..n) shares with keyword k. */
static size_t
kw_common(const unsigned char *w, size_t n, const struct kw *k)
{
	size_t i;

	for (i = 0; i < n && i < k->len && w[i] == (unsigned char)k->word[i]; i++)
		;
	return i;
}

/* Order the lowercase word w[0..n) against keyword k, as strcmp would. */
static int
kw_cmp(const unsigned char *w, size_t n, const struct kw *k)
{
	size_t l = kw_common(w, n, k);

	if (l < n && l < k->len)
		return w[l] < (unsigned char)k->word[l] ? -1 : 1;
	return (n > k->len) - (n < k->len);
}

/*
 * The keywords that match a word all sort at or before it, and the common
 * prefix of the word and a keyword only shrinks going back from there. So the
 * search finds where the word would go, then walks back while keywords share
 * at least a stem's length with it.
 */
unsigned
router_kw_groups(const unsigned char *w, size_t n)
{
	unsigned char low[KW_WORD_MAX];
	size_t lo = 0, hi = ARRAY_SIZE(router_kw), mid, l, i;
	unsigned groups = 0;
	const struct kw *k;

	if (n < 2 || n >= sizeof(low))
		return 0;
	for (i = 0; i < n; i++)
		low[i] = w[i] | 0x20;
	while (lo < hi) { /* the first keyword after the word */
		mid = lo + (hi - lo) / 2;
		if (kw_cmp(low, n, &router_kw[mid]) < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	while (lo-- > 0) {
		k = &router_kw[lo];
		l = kw_common(low, n, k);
		if (l == k->len && (l == n || k->prefix))
			groups |= 1u << k->group;
		else if (l < KW_STEM_MIN)
			break;
	}
	return groups;
}

/* Whether the table is in the order and shape router_kw_groups relies on. */
bool
router_kw_valid(void)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(router_kw); i++) {
		const struct kw *k = &router_kw[i];

		if (strlen(k->word) != k->len || k->len < 2 || k->len >= KW_WORD_MAX ||
		    (k->prefix && k->len < KW_STEM_MIN) || k->group >= KW_COUNT)
			return false;
		if (i > 0 && strcmp(router_kw[i - 1].word, k->word) > 0)
			return false;
	}
	return true;
}
