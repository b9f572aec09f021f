/* test_pricing: exact costs for each provider's usage shape, overflow, unknown prices, formatting. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cache.h"
#include "pricing.h"
#include "unit.h"
#include "util.h"

/* gpt-5-mini's list prices. */
static const struct model openai_m = {
	.name = "o", .provider = "openai", .id = "o", .tier = TIER_CHEAP,
	.in_price = 250000, .out_price = 2000000, .cached_price = 25000,
	.cache_write_price = PRICE_UNKNOWN, .cache_write_1h_price = PRICE_UNKNOWN,
};

/* claude-sonnet-4-6's list prices. */
static const struct model anthropic_m = {
	.name = "a", .provider = "anthropic", .id = "a", .tier = TIER_MID,
	.in_price = 3000000, .out_price = 15000000, .cached_price = 300000,
	.cache_write_price = 3750000, .cache_write_1h_price = 6000000,
};

static void
test_openai_cached_within_prompt(void)
{
	/* 10,000 prompt tokens of which 4,000 cached: the adapter split them. */
	struct usage u = { .input = 6000, .cached_input = 4000, .output = 1500, .reported = true };
	int64_t pico = 0;

	CHECK_INT(pricing_cost(&openai_m, &u, &pico), PRICING_OK);
	/* 6000*0.25 + 4000*0.025 + 1500*2.00 micro-dollars = 1500 + 100 + 3000 = $0.0046 */
	CHECK_INT(pico, 4600000000LL);
}

static void
test_anthropic_cache_buckets(void)
{
	struct usage u = { .input = 1200, .cached_input = 50000, .cache_write = 2000,
		.cache_write_1h = 1000, .output = 800, .reported = true };
	int64_t pico = 0;

	CHECK_INT(pricing_cost(&anthropic_m, &u, &pico), PRICING_OK);
	/* 3.6e9 + 1.5e10 + 7.5e9 + 6e9 + 1.2e10 */
	CHECK_INT(pico, 44100000000LL);
}

static void
test_reasoning_not_added_twice(void)
{
	struct usage u = { .input = 100, .output = 500, .reasoning = 400 };
	int64_t pico = 0;

	CHECK_INT(pricing_cost(&openai_m, &u, &pico), PRICING_OK);
	CHECK_INT(pico, 100LL * 250000 + 500LL * 2000000);
}

static void
test_unknown_write_prices_derived(void)
{
	struct model m = openai_m;
	struct usage u = { .cache_write = 10 };
	int64_t pico = 0;

	m.in_price = 140001;
	CHECK_INT(pricing_cost(&m, &u, &pico), PRICING_OK);
	/* 1.25 * 140001 = 175001.25, rounded up to 175002 */
	CHECK_INT(pico, 1750020);
	u.cache_write = 0;
	u.cache_write_1h = 10;
	CHECK_INT(pricing_cost(&m, &u, &pico), PRICING_OK);
	CHECK_INT(pico, 2800020);
	/* A cache read without its own price costs plain input. */
	m.cached_price = PRICE_UNKNOWN;
	u.cache_write_1h = 0;
	u.cached_input = 3;
	CHECK_INT(pricing_cost(&m, &u, &pico), PRICING_OK);
	CHECK_INT(pico, 420003);
}

static void
test_unknown_is_never_zero(void)
{
	struct model m = openai_m;
	struct usage u = { .input = 10, .output = 10 };
	int64_t pico = 0;

	m.in_price = PRICE_UNKNOWN;
	CHECK_INT(pricing_cost(&m, &u, &pico), PRICING_UNKNOWN);
	CHECK(pico != 0);
	CHECK_INT(pricing_worst_case(&m, 10, 10, &pico), PRICING_UNKNOWN);
	CHECK(pico != 0);
	m = openai_m;
	m.out_price = PRICE_UNKNOWN;
	CHECK_INT(pricing_cost(&m, &u, &pico), PRICING_UNKNOWN);
	/* Cache writes need the input price when they have none of their own. */
	m = anthropic_m;
	m.cache_write_price = PRICE_UNKNOWN;
	m.in_price = PRICE_UNKNOWN;
	u = (struct usage){ .cache_write = 1 };
	CHECK_INT(pricing_cost(&m, &u, &pico), PRICING_UNKNOWN);
	/* A price not needed by the usage does not matter. */
	u = (struct usage){ .output = 2 };
	CHECK_INT(pricing_cost(&m, &u, &pico), PRICING_OK);
	CHECK_INT(pico, 30000000);
}

static void
test_overflow(void)
{
	struct usage u = { .input = INT64_MAX / 1000 };
	int64_t pico = 0;

	CHECK_INT(pricing_cost(&openai_m, &u, &pico), PRICING_OVERFLOW);
	/* Each part fits, the sum does not. */
	u = (struct usage){ .input = INT64_MAX / 250000 - 1, .output = INT64_MAX / 2000000 - 1 };
	CHECK_INT(pricing_cost(&openai_m, &u, &pico), PRICING_OVERFLOW);
	CHECK_INT(pricing_worst_case(&openai_m, INT64_MAX / 4, 1, &pico), PRICING_OVERFLOW);
}

static void
test_worst_case(void)
{
	int64_t pico = 0;

	CHECK_INT(pricing_worst_case(&anthropic_m, 2000, 4096, &pico), PRICING_OK);
	CHECK_INT(pico, 2000LL * 3000000 + 4096LL * 15000000);
}

/* gpt-5.4's prices, with its long-prompt ones past 272k tokens. */
static const struct model long_m = {
	.name = "l", .provider = "openai", .id = "l", .tier = TIER_MID,
	.in_price = 2500000, .out_price = 15000000, .cached_price = 250000,
	.cache_write_price = PRICE_UNKNOWN, .cache_write_1h_price = PRICE_UNKNOWN,
	.lng = { .above = 272000, .in_price = 5000000, .out_price = 22500000,
	    .cached_price = 500000, .cache_write_price = PRICE_UNKNOWN,
	    .cache_write_1h_price = PRICE_UNKNOWN },
};

/*
 * Past the threshold the whole request, output too, is billed at the long
 * prices; the threshold counts the prompt with its cached part.
 */
static void
test_long_prompt(void)
{
	struct usage at = { .input = 72000, .cached_input = 200000, .output = 1000 };
	struct usage over = { .input = 72001, .cached_input = 200000, .output = 1000 };
	int64_t pico = 0;

	CHECK_INT(pricing_cost(&long_m, &at, &pico), PRICING_OK);
	CHECK_INT(pico, 72000LL * 2500000 + 200000LL * 250000 + 1000LL * 15000000);
	CHECK_INT(pricing_cost(&long_m, &over, &pico), PRICING_OK);
	CHECK_INT(pico, 72001LL * 5000000 + 200000LL * 500000 + 1000LL * 22500000);
	CHECK_INT(pricing_worst_case(&long_m, 272000, 100, &pico), PRICING_OK);
	CHECK_INT(pico, 272000LL * 2500000 + 100LL * 15000000);
	CHECK_INT(pricing_worst_case(&long_m, 300000, 100, &pico), PRICING_OK);
	CHECK_INT(pico, 300000LL * 5000000 + 100LL * 22500000);
}

/*
 * A part of a long request is priced as the whole is billed: 270k warm tokens
 * of a 280k prompt read at the long cached price, and save at the long prices.
 */
static void
test_long_part(void)
{
	struct usage warm = { .cached_input = 270000 };
	int64_t pico = 0;

	CHECK_INT(pricing_cost_in(&long_m, &warm, 280000, &pico), PRICING_OK);
	CHECK_INT(pico, 270000LL * 500000);
	CHECK_INT(pricing_cost_in(&long_m, &warm, 0, &pico), PRICING_OK);
	CHECK_INT(pico, 270000LL * 250000);
	CHECK_INT(pricing_cost(&long_m, &warm, &pico), PRICING_OK);
	CHECK_INT(pico, 270000LL * 250000);
	CHECK_INT(cache_saving(&long_m, 270000, 280000), 270000LL * (5000000 - 500000));
	CHECK_INT(cache_saving(&long_m, 270000, 270000), 270000LL * (2500000 - 250000));
}

/*
 * Anthropic's cache prices are fixed ratios of input at every size: a long
 * tier listing only input and output (claude-sonnet-4-5: $6 and $22.50 past
 * 200k) reads at 0.1x and writes at 1.25x and 2x of the long input.
 */
static void
test_long_prompt_cache_ratios(void)
{
	struct model m = anthropic_m;
	struct usage u = { .input = 1000, .cached_input = 150000, .cache_write = 40000,
		.cache_write_1h = 10000, .output = 2000 };
	int64_t pico = 0;

	m.lng.above = 200000;
	m.lng.in_price = 6000000;
	m.lng.out_price = 22500000;
	m.lng.cached_price = m.lng.cache_write_price = m.lng.cache_write_1h_price = PRICE_UNKNOWN;
	CHECK_INT(pricing_cost(&m, &u, &pico), PRICING_OK);
	CHECK_INT(pico, 1000LL * 6000000 + 150000LL * 600000 + 40000LL * 7500000 +
	    10000LL * 12000000 + 2000LL * 22500000);
}

/* What the cache saved or cost extra is at the prices the request paid: long ones past the threshold. */
static void
test_cache_effect_long(void)
{
	struct usage small = { .input = 6000, .cached_input = 4000, .output = 1500 };
	struct usage big = { .input = 100000, .cached_input = 200000, .output = 1000 };
	struct usage wrote = { .input = 1000, .cached_input = 150000, .cache_write = 40000,
		.cache_write_1h = 10000, .output = 2000 };
	struct model m = anthropic_m;
	int64_t saved = -1, extra = -1;

	cache_effect(&openai_m, &small, &saved, &extra);
	CHECK_INT(saved, 4000LL * (250000 - 25000));
	CHECK_INT(extra, 0);
	cache_effect(&long_m, &big, &saved, &extra);
	CHECK_INT(saved, 200000LL * (5000000 - 500000));
	CHECK_INT(extra, 0);
	m.lng.above = 200000;
	m.lng.in_price = 6000000;
	m.lng.out_price = 22500000;
	m.lng.cached_price = m.lng.cache_write_price = m.lng.cache_write_1h_price = PRICE_UNKNOWN;
	cache_effect(&m, &wrote, &saved, &extra);
	CHECK_INT(saved, 150000LL * (6000000 - 600000));
	CHECK_INT(extra, 40000LL * 1500000 + 10000LL * 6000000);
	/* an unknown output price does not hide what the cache did */
	m.out_price = m.lng.out_price = PRICE_UNKNOWN;
	cache_effect(&m, &wrote, &saved, &extra);
	CHECK_INT(saved, 150000LL * (6000000 - 600000));
}

static void
test_format(void)
{
	char s[32];

	pricing_format(260000000, false, s, sizeof(s));
	CHECK_STR(s, "$0.00026");
	pricing_format(12400000000000LL, false, s, sizeof(s));
	CHECK_STR(s, "$12.40");
	pricing_format(1200000000, true, s, sizeof(s));
	CHECK_STR(s, "~$0.0012");
	pricing_format(15500000000LL, false, s, sizeof(s));
	CHECK_STR(s, "$0.0155");
	pricing_format(9000000000LL, true, s, sizeof(s));
	CHECK_STR(s, "~$0.009");
	pricing_format(500000000000LL, false, s, sizeof(s));
	CHECK_STR(s, "$0.50");
	pricing_format(999999999999LL, false, s, sizeof(s));
	CHECK_STR(s, "$1.00");
	pricing_format(0, false, s, sizeof(s));
	CHECK_STR(s, "$0.00");
	pricing_format(5, false, s, sizeof(s));
	CHECK_STR(s, "$0.000000000005");
	pricing_format(PRICE_UNKNOWN, false, s, sizeof(s));
	CHECK_STR(s, "$?");
	pricing_format(31204999999999LL, false, s, sizeof(s));
	CHECK_STR(s, "$31.20");
	pricing_format(31205000000000LL, false, s, sizeof(s));
	CHECK_STR(s, "$31.21");
}

/* A budget reads back as it was set, however many decimals it has. */
static void
test_format_exact(void)
{
	char s[32];

	pricing_format_exact(50000000000000LL, s, sizeof(s));
	CHECK_STR(s, "$50.00");
	pricing_format_exact(12345000000000LL, s, sizeof(s));
	CHECK_STR(s, "$12.345");
	pricing_format_exact(1004000000000LL, s, sizeof(s));
	CHECK_STR(s, "$1.004");
	pricing_format_exact(4000000000LL, s, sizeof(s));
	CHECK_STR(s, "$0.004");
	pricing_format_exact(123450000000LL, s, sizeof(s));
	CHECK_STR(s, "$0.12345");
	pricing_format_exact(999999999999LL, s, sizeof(s));
	CHECK_STR(s, "$0.999999999999");
	pricing_format_exact(1, s, sizeof(s));
	CHECK_STR(s, "$0.000000000001");
	pricing_format_exact(0, s, sizeof(s));
	CHECK_STR(s, "$0.00");
	pricing_format_exact(PRICE_UNKNOWN, s, sizeof(s));
	CHECK_STR(s, "$?");
}

static void
test_estimate_tokens(void)
{
	CHECK_INT(pricing_estimate_tokens("", 0), 0);
	CHECK_INT(pricing_estimate_tokens("abcd efgh", 9), 3);
	/* Two characters, four bytes. */
	CHECK_INT(pricing_estimate_tokens("\xc3\xa9\xc3\xa9", 4), 1);
}

/*
 * The count by script of s, in a buffer of exactly its n bytes (ASan sees an
 * over-read); the whole estimate is made there too, and is never less. What
 * the pieces add for code is in test_estimate.c.
 */
static int64_t
estimate_exact(const char *s, size_t n)
{
	char *p = xmalloc(n ? n : 1);
	int64_t t;

	memcpy(p, s, n);
	t = pricing_estimate_script(p, n);
	CHECK(pricing_estimate_tokens(p, n) >= t);
	free(p);
	return t;
}

static int64_t
estimate(const char *s)
{
	return estimate_exact(s, strlen(s));
}

/* By script, English, code and Latin-script text are (characters + 3) / 4. */
static void
test_estimate_latin_by_script(void)
{
	char ascii[128];
	size_t n;

	/* 44 characters */
	CHECK_INT(estimate("The quick brown fox jumps over the lazy dog."), 11);
	/* 29 characters, tab and newlines included */
	CHECK_INT(estimate("int\nmain(void)\n{\n\treturn 0;\n}"), 8);
	/* 26 characters with é, ç, ü and a curly apostrophe */
	CHECK_INT(
	    estimate("Voil\xc3\xa0 le gar\xc3\xa7on \xe2\x80\x94 s\xc3\xbc\xc3\x9f, it\xe2\x80\x99s"), 7);
	/* Vietnamese keeps the Latin rate: "Tiếng Việt" is 10 characters */
	CHECK_INT(estimate("Ti\xe1\xba\xbfng Vi\xe1\xbb\x87t"), 3);
	for (n = 0; n < 95; n++)
		ascii[n] = (char)(' ' + n);
	for (n = 0; n <= 95; n++)
		CHECK_INT(estimate_exact(ascii, n), (int64_t)(n + 3) / 4);
}

/* CJK counts a token and a quarter a character (5 quarters), not a quarter token. */
static void
test_estimate_cjk(void)
{
	/* 今天天气很好。: 6 ideographs and an ideographic full stop, 7 * 5 = 35 quarters */
	CHECK_INT(
	    estimate("\xe4\xbb\x8a\xe5\xa4\xa9\xe5\xa4\xa9\xe6\xb0\x94\xe5\xbe\x88\xe5\xa5\xbd\xe3\x80\x82"),
	    9);
	/* これは日本語のテストです。: kana and kanji, 13 * 5 = 65 quarters */
	CHECK_INT(
	    estimate("\xe3\x81\x93\xe3\x82\x8c\xe3\x81\xaf\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e\xe3\x81\xae"
	             "\xe3\x83\x86\xe3\x82\xb9\xe3\x83\x88\xe3\x81\xa7\xe3\x81\x99\xe3\x80\x82"),
	    17);
	/* 안녕하세요, 세계!: 7 hangul syllables (35) and 3 ASCII characters (3) */
	CHECK_INT(
	    estimate(
	        "\xec\x95\x88\xeb\x85\x95\xed\x95\x98\xec\x84\xb8\xec\x9a\x94, \xec\x84\xb8\xea\xb3\x84!"),
	    10);
	/* ＡＢＣ１２３: fullwidth forms, 6 * 5 = 30 quarters */
	CHECK_INT(estimate("\xef\xbc\xa1\xef\xbc\xa2\xef\xbc\xa3\xef\xbc\x91\xef\xbc\x92\xef\xbc\x93"), 8);
}

/* Other scripts count three quarters of a token a letter; the Brahmic scripts as CJK. */
static void
test_estimate_other_scripts(void)
{
	/* Привет, мир!: 9 Cyrillic letters (27) and 3 ASCII characters (3) */
	CHECK_INT(estimate("\xd0\x9f\xd1\x80\xd0\xb8\xd0\xb2\xd0\xb5\xd1\x82, \xd0\xbc\xd0\xb8\xd1\x80!"), 8);
	/* Καλημέρα: 8 Greek letters, 24 quarters */
	CHECK_INT(estimate("\xce\x9a\xce\xb1\xce\xbb\xce\xb7\xce\xbc\xce\xad\xcf\x81\xce\xb1"), 6);
	/* שלום: 4 Hebrew letters, 12 quarters */
	CHECK_INT(estimate("\xd7\xa9\xd7\x9c\xd7\x95\xd7\x9d"), 3);
	/* नमस्ते: 6 Devanagari code points (4 letters, a virama, a vowel sign), 30 quarters */
	CHECK_INT(estimate("\xe0\xa4\xa8\xe0\xa4\xae\xe0\xa4\xb8\xe0\xa5\x8d\xe0\xa4\xa4\xe0\xa5\x87"), 8);
	/* สวัสดี: 6 Thai code points, 30 quarters */
	CHECK_INT(estimate("\xe0\xb8\xaa\xe0\xb8\xa7\xe0\xb8\xb1\xe0\xb8\xaa\xe0\xb8\x94\xe0\xb8\xb5"), 8);
}

/* A code point past the BMP (emoji) counts three tokens. */
static void
test_estimate_emoji_and_mixed(void)
{
	/* 👍🎉 */
	CHECK_INT(estimate("\xf0\x9f\x91\x8d\xf0\x9f\x8e\x89"), 6);
	/* "Fix 修复 🐛 now": 8 ASCII (8), 2 ideographs (10), an emoji (12) */
	CHECK_INT(estimate("Fix \xe4\xbf\xae\xe5\xa4\x8d \xf0\x9f\x90\x9b now"), 8);
	/* 为什么 printf("%d", x); 崩溃？: 5 ideographs and a fullwidth ? (30), 18 ASCII (18) */
	CHECK_INT(estimate("\xe4\xb8\xba\xe4\xbb\x80\xe4\xb9\x88 printf(\"%d\", x); "
	                   "\xe5\xb4\xa9\xe6\xba\x83\xef\xbc\x9f"),
	    12);
}

/* Bytes that are not UTF-8 cost a token each and are never read past len. */
static void
test_estimate_broken_utf8(void)
{
	/* "ab" and 中 cut after two of its three bytes: 2 + 4 + 4 quarters */
	CHECK_INT(estimate_exact("ab\xe4\xb8\xad", 4), 3);
	/* a lone lead byte at the very end */
	CHECK_INT(estimate_exact("ab\xf0", 3), 2);
	CHECK_INT(estimate_exact("\xf0\x9f\x91", 3), 3);
	/* stray continuation bytes and bytes that never start UTF-8 */
	CHECK_INT(estimate_exact("\x80\xbf\xff\xfe", 4), 4);
	/* a lead byte whose sequence is broken by ASCII: the ASCII still counts */
	CHECK_INT(estimate_exact("\xe4"
	                         "abc",
	              4),
	    2);
	/* Latin-1 text, not UTF-8: café */
	CHECK_INT(estimate_exact("caf\xe9", 4), 2);
	/* the whole character, for contrast with the first */
	CHECK_INT(estimate_exact("ab\xe4\xb8\xad", 5), 2);
}

int
main(void)
{
	RUN(test_openai_cached_within_prompt);
	RUN(test_anthropic_cache_buckets);
	RUN(test_reasoning_not_added_twice);
	RUN(test_unknown_write_prices_derived);
	RUN(test_unknown_is_never_zero);
	RUN(test_overflow);
	RUN(test_worst_case);
	RUN(test_long_prompt);
	RUN(test_long_part);
	RUN(test_long_prompt_cache_ratios);
	RUN(test_cache_effect_long);
	RUN(test_format);
	RUN(test_format_exact);
	RUN(test_estimate_tokens);
	RUN(test_estimate_latin_by_script);
	RUN(test_estimate_cjk);
	RUN(test_estimate_other_scripts);
	RUN(test_estimate_emoji_and_mixed);
	RUN(test_estimate_broken_utf8);
	UNIT_EXIT();
}
