/* test_estimate: the token estimate against true counts of code, structured text, prose and other scripts. */
#include <stdlib.h>

#include "pricing.h"
#include "unit.h"
#include "util.h"

/*
 * The bands, in hundredths of the true count. Code and English prose are held
 * to the larger of the cl100k and o200k counts: an estimate under it reserves
 * too little budget. Other scripts are held to cl100k's count, which stands
 * in for the tokenizers that are not published and spends twice as much on
 * Greek or Arabic as o200k does: an estimate under it lets a request past a
 * budget check it should fail.
 */
#define CODE_LOW 95
#define CODE_HIGH 120
#define SCRIPT_LOW_O200K 100
#define SCRIPT_LOW_CL100K 100
#define SCRIPT_HIGH_CL100K 140

/* The directory of the samples and their counts. */
static char *
samples_dir(void)
{
	const char *top = getenv("LLM_TOP");

	return xstrfmt("%s/tests/fixtures/tokens", top != NULL && *top ? top : ".");
}

/* Whether est is within [low, high] hundredths of want; says which sample if not. */
static void
check_band(const char *name, int64_t est, int64_t want, int low, int high, const char *of)
{
	if (est * 100 < want * low || est * 100 > want * high) {
		fprintf(stderr, "%s: estimate %lld is %.2f times the %s count %lld, want %.2f to %.2f\n",
		    name, (long long)est, (double)est / (double)want, of, (long long)want, low / 100.0,
		    high / 100.0);
		unit_bad = 1;
	}
}

/*
 * Grow text[0..len) by 1 to 13 bytes at a time, cutting characters, and check
 * that the estimate of what has come, read a piece at a time, is the estimate
 * of the whole: at every step of the first 2 KB, then every 64th and the last.
 */
static void
check_grow(const char *name, const char *text, size_t len)
{
	struct pricing_est *e = NULL;
	size_t off = 0, k;
	int64_t grown, whole;

	for (k = 0; off < len; k++) {
		off += 1 + (k * 7919) % 13;
		if (off > len)
			off = len;
		grown = pricing_est_grow(&e, text, off);
		if (off < 2048 || k % 64 == 0 || off == len) {
			whole = pricing_estimate_tokens(text, off);
			if (grown != whole) {
				fprintf(stderr, "%s: grown to %zu bytes, estimate %lld, of the whole %lld\n",
				    name, off, (long long)grown, (long long)whole);
				unit_bad = 1;
				break;
			}
		}
	}
	pricing_est_free(e);
}

/* Check one sample of kind against its true counts; print the ratios. */
static void
check_sample(const char *dir, const char *name, const char *kind, int64_t cl100k, int64_t o200k)
{
	char *path = xstrfmt("%s/%s", dir, name), *data = NULL, *cause = NULL;
	int64_t est, script, most = cl100k > o200k ? cl100k : o200k;
	size_t len;

	if (file_read(path, 1 << 20, &data, &len, &cause) != 0) {
		fprintf(stderr, "%s\n", cause);
		free(cause);
		free(path);
		unit_bad = 1;
		return;
	}
	est = pricing_estimate_tokens(data, len);
	check_grow(name, data, len);
	script = pricing_estimate_script(data, len);
	printf("# %-18s %-6s cl100k %5lld o200k %5lld  estimate %5lld %.2f  by script %5lld %.2f\n",
	    name, kind, (long long)cl100k, (long long)o200k, (long long)est,
	    (double)est / (double)most, (long long)script, (double)script / (double)most);
	/*
	 * the pieces only ever add to the count by script, but for runs of white
	 * space and of one symbol (padded tables, pasted screens, box drawing):
	 * the router's count takes them at their length, the tokenizers merge them
	 */
	CHECK(est >= script || strcmp(kind, "code") == 0);
	if (strcmp(kind, "script") == 0) {
		check_band(name, est, o200k, SCRIPT_LOW_O200K, 1000, "o200k");
		check_band(name, est, cl100k, SCRIPT_LOW_CL100K, SCRIPT_HIGH_CL100K, "cl100k");
	} else {
		CHECK(strcmp(kind, "code") == 0 || strcmp(kind, "prose") == 0);
		check_band(name, est, most, CODE_LOW, CODE_HIGH, "larger true");
	}
	free(data);
	free(path);
}

/* Every sample in tests/fixtures/tokens/counts is within its band. */
static void
test_samples(void)
{
	char *dir = samples_dir(), *path = xstrfmt("%s/counts", dir), *data = NULL, *cause = NULL;
	char name[64], kind[16], *line, *next;
	long long cl100k, o200k;
	size_t len;
	int n = 0, code = 0, prose = 0, script = 0;

	if (file_read(path, 1 << 16, &data, &len, &cause) != 0) {
		fprintf(stderr, "%s\n", cause);
		free(cause);
		unit_bad = 1;
		goto out;
	}
	for (line = data; line != NULL && *line != '\0'; line = next) {
		next = strchr(line, '\n');
		if (next != NULL)
			*next++ = '\0';
		if (*line == '#' || *line == '\0')
			continue;
		if (sscanf(line, "%63s %15s %lld %lld", name, kind, &cl100k, &o200k) != 4) {
			fprintf(stderr, "counts: a line that is not 'sample kind cl100k o200k': %s\n", line);
			unit_bad = 1;
			continue;
		}
		check_sample(dir, name, kind, cl100k, o200k);
		n++;
		code += strcmp(kind, "code") == 0;
		prose += strcmp(kind, "prose") == 0;
		script += strcmp(kind, "script") == 0;
	}
	/* the set itself: a counts file cut short would pass anything */
	CHECK(code >= 15);
	CHECK(prose >= 3);
	CHECK(script >= 14);
	CHECK_INT(n, code + prose + script);
out:
	free(data);
	free(path);
	free(dir);
}

/*
 * A growing estimate across characters cut in two, bytes that never make one,
 * and a text that starts over shorter: each the estimate of the whole.
 */
static void
test_grow(void)
{
	static const char *const steps[] = {
		"x = \xe2", "x = \xe2\x94", "x = \xe2\x94\x80\xe2\x94\x80", "x = \xe2\x94\x80\xe2\x94\x80\xf0\x9f",
		"x = \xe2\x94\x80\xe2\x94\x80\xf0\x9f\x98\x80 ok", "x = \xe2\x94\x80\xe2\x94\x80\xf0\x9f\x98\x80 ok\xe2\x94",
		"x = \xe2\x94\x80\xe2\x94\x80\xf0\x9f\x98\x80 ok\xe2\x94" "A", "y", "y\x80\x80\x80\x80", "y\x80\x80\x80\x80\xc3",
		"y\x80\x80\x80\x80\xc3\xa9 caf\xc3\xa9", "",
	};
	struct pricing_est *e = NULL;
	size_t i;

	for (i = 0; i < sizeof(steps) / sizeof(steps[0]); i++)
		CHECK_INT(pricing_est_grow(&e, steps[i], strlen(steps[i])),
		    pricing_estimate_tokens(steps[i], strlen(steps[i])));
	pricing_est_free(e);
}

/* Small shapes, each at its count in cl100k and o200k (which agree on them). */
static void
test_shapes(void)
{
	const char *row = "|                                                                      |";
	char rule[3 * 32 + 1];
	size_t i;

	for (i = 0; i < 32; i++)
		memcpy(rule + 3 * i, "\xe2\x94\x80", 3);
	rule[3 * 32] = '\0';

	/* int, \n, main, (, void, )\n, {\n, \treturn, " ", 0, ;\n, }: 11 tokens */
	CHECK_INT(pricing_estimate_tokens("int\nmain(void)\n{\n\treturn 0;\n}", 29), 12);
	/* digits go three to a piece: 123 456 789 0 */
	CHECK_INT(pricing_estimate_tokens("1234567890", 10), 4);
	/* {" a ": 1 ," b ":[ 2 , 3 ]}: 11 */
	CHECK_INT(pricing_estimate_tokens("{\"a\":1,\"b\":[2,3]}", 17), 11);
	/* a timestamp and an address: 21, where four characters a token made 8 */
	CHECK_INT(pricing_estimate_tokens("2026-12-06T07:46:38Z 10.0.0.1", 29), 21);
	/* indentation is one piece, its last space joins the name: "       ", " x", " =", " y", ";" */
	CHECK_INT(pricing_estimate_tokens("        x = y;", 14), 5);
	/* 16 */
	CHECK_INT(pricing_estimate_tokens("if (n > 0 && p != NULL)\n\t\treturn -1;\n", 37), 16);
	/* prose keeps four characters a token: 10 tokens, 44 characters */
	CHECK_INT(pricing_estimate_tokens("The quick brown fox jumps over the lazy dog.", 44), 11);
	/* a run of many different marks is a token every two or so (6 here), of one mark fewer */
	CHECK(pricing_estimate_tokens("%%|*}\"#~", 8) > pricing_estimate_script("%%|*}\"#~", 8));
	/* a mark glued to a name of a letter or two is one token with it: x =a .b (c ,d ); 6, not 10 */
	CHECK_INT(pricing_estimate_tokens("x=a.b(c,d);", 11), 6);
	/* [^, *, ]*, \\, *, +(, ?: are 7 tokens: 8, where half a token a mark made 5 */
	CHECK_INT(pricing_estimate_tokens("[^*]*\\*+(?:", 11), 8);
	/* a padded row is |, a run of spaces and " |": 3, where the router counts 18 */
	CHECK_INT(pricing_estimate_tokens(row, strlen(row)), 3);
	CHECK_INT(pricing_estimate_script(row, strlen(row)), 18);
	/* a rule of 32 box-drawing ─ is 4 tokens: 10, where three quarters each made 24 */
	CHECK_INT(pricing_estimate_tokens(rule, sizeof(rule) - 1), 10);
	/* white space at the end is a piece, and so is each newline of a blank line */
	CHECK_INT(pricing_estimate_tokens("x\n\n", 3), 2);
	CHECK_INT(pricing_estimate_tokens("x  ", 3), 2);
}

/* The router's count stays at four characters a token for code, and at its rates for other scripts. */
static void
test_script_count(void)
{
	/* 今天今天: 20 quarters for the router, 24 for the budget */
	const char *zh = "\xe4\xbb\x8a\xe5\xa4\xa9\xe4\xbb\x8a\xe5\xa4\xa9";
	/* αβγδ: 12 quarters for the router, 20 for the budget */
	const char *el = "\xce\xb1\xce\xb2\xce\xb3\xce\xb4";

	CHECK_INT(pricing_estimate_script("int\nmain(void)\n{\n\treturn 0;\n}", 29), 8);
	CHECK_INT(pricing_estimate_script("2026-12-06T07:46:38Z 10.0.0.1", 29), 8);
	CHECK_INT(pricing_estimate_script(zh, 12), 5);
	CHECK_INT(pricing_estimate_tokens(zh, 12), 6);
	CHECK_INT(pricing_estimate_script(el, 8), 3);
	CHECK_INT(pricing_estimate_tokens(el, 8), 5);
}

int
main(void)
{
	RUN(test_samples);
	RUN(test_shapes);
	RUN(test_script_count);
	RUN(test_grow);
	UNIT_EXIT();
}
