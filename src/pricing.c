/* pricing: exact integer costs in pico-dollars from token usage and catalog prices. */
#include "pricing.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#define PICO_PER_USD ((int64_t)1000000000000)

/* Add tokens * price to *sum; a price is needed only when tokens are non-zero. */
static int
pricing_add(int64_t *sum, int64_t tokens, int64_t price)
{
	int64_t part;

	if (tokens == 0)
		return PRICING_OK;
	if (tokens < 0)
		return PRICING_OVERFLOW;
	if (price < 0)
		return PRICING_UNKNOWN;
	if (__builtin_mul_overflow(tokens, price, &part) || __builtin_add_overflow(*sum, part, sum))
		return PRICING_OVERFLOW;
	return PRICING_OK;
}

/* The 5-minute cache write price: as listed, else 1.25x input rounded up. */
static int
pricing_write_price(const struct model *m, int64_t *price)
{
	int64_t x;

	if (m->cache_write_price >= 0) {
		*price = m->cache_write_price;
		return PRICING_OK;
	}
	if (m->in_price < 0)
		return PRICING_UNKNOWN;
	if (__builtin_mul_overflow(m->in_price, 5, &x))
		return PRICING_OVERFLOW;
	*price = x / 4 + (x % 4 != 0);
	return PRICING_OK;
}

/* The 1-hour cache write price: as listed, else 2x input. */
static int
pricing_write_1h_price(const struct model *m, int64_t *price)
{
	if (m->cache_write_1h_price >= 0) {
		*price = m->cache_write_1h_price;
		return PRICING_OK;
	}
	if (m->in_price < 0)
		return PRICING_UNKNOWN;
	if (__builtin_mul_overflow(m->in_price, 2, price))
		return PRICING_OVERFLOW;
	return PRICING_OK;
}

/*
 * A cache price the long tier does not list keeps its ratio to the input
 * price (Anthropic's reads and writes are 0.1x, 1.25x and 2x input at every
 * size), rounded up; unknown when the base price is.
 */
static int64_t
pricing_long_scaled(int64_t base, int64_t in, int64_t long_in)
{
	int64_t x;

	if (base < 0 || in <= 0 || long_in < 0 || __builtin_mul_overflow(base, long_in, &x))
		return base;
	return x / in + (x % in != 0);
}

/*
 * Fill out with m's prices for a prompt of prompt tokens: past the long
 * tier's threshold all of a request is billed at that tier's prices, output
 * included, as the providers bill it.
 */
void
pricing_at(const struct model *m, int64_t prompt, struct model *out)
{
	const struct model_long *l = &m->lng;

	*out = *m;
	if (l->above <= 0 || prompt <= l->above)
		return;
	if (l->in_price >= 0)
		out->in_price = l->in_price;
	if (l->out_price >= 0)
		out->out_price = l->out_price;
	out->cached_price = l->cached_price >= 0 ? l->cached_price :
	    pricing_long_scaled(m->cached_price, m->in_price, l->in_price);
	out->cache_write_price = l->cache_write_price >= 0 ? l->cache_write_price :
	    pricing_long_scaled(m->cache_write_price, m->in_price, l->in_price);
	out->cache_write_1h_price = l->cache_write_1h_price >= 0 ? l->cache_write_1h_price :
	    pricing_long_scaled(m->cache_write_1h_price, m->in_price, l->in_price);
}

/* Compute the exact cost in pico-dollars of usage on model m. */
int
pricing_cost(const struct model *mod, const struct usage *u, int64_t *pico)
{
	return pricing_cost_in(mod, u, 0, pico);
}

/* Compute the cost of usage's buckets within a request whose prompt is at least prompt tokens. */
int
pricing_cost_in(const struct model *mod, const struct usage *u, int64_t prompt, int64_t *pico)
{
	int64_t sum = 0, wp = 0, wp1h = 0, own = 0;
	struct model tier, *m = &tier;
	int rc;

	*pico = PRICE_UNKNOWN;
	if (__builtin_add_overflow(u->input, u->cached_input, &own) ||
	    __builtin_add_overflow(own, u->cache_write, &own) ||
	    __builtin_add_overflow(own, u->cache_write_1h, &own))
		return PRICING_OVERFLOW;
	/* the prices are the whole request's, whichever of its buckets are counted */
	pricing_at(mod, own > prompt ? own : prompt, &tier);
	if ((rc = pricing_add(&sum, u->input, m->in_price)) != PRICING_OK)
		return rc;
	/* Cache reads without their own price are charged as plain input. */
	rc = pricing_add(&sum, u->cached_input, m->cached_price >= 0 ? m->cached_price : m->in_price);
	if (rc != PRICING_OK)
		return rc;
	if (u->cache_write != 0 && (rc = pricing_write_price(m, &wp)) != PRICING_OK)
		return rc;
	if ((rc = pricing_add(&sum, u->cache_write, wp)) != PRICING_OK)
		return rc;
	if (u->cache_write_1h != 0 && (rc = pricing_write_1h_price(m, &wp1h)) != PRICING_OK)
		return rc;
	if ((rc = pricing_add(&sum, u->cache_write_1h, wp1h)) != PRICING_OK)
		return rc;
	/* Reasoning tokens are part of output: never charged twice. */
	if ((rc = pricing_add(&sum, u->output, m->out_price)) != PRICING_OK)
		return rc;
	*pico = sum;
	return PRICING_OK;
}

/* Compute the worst case before a request: input_tokens * in + max_output * out. */
int
pricing_worst_case(const struct model *mod, int64_t input_tokens, int64_t max_output, int64_t *pico)
{
	int64_t sum = 0;
	struct model tier, *m = &tier;
	int rc;

	*pico = PRICE_UNKNOWN;
	pricing_at(mod, input_tokens, &tier);
	if (m->in_price < 0 || m->out_price < 0)
		return PRICING_UNKNOWN;
	if ((rc = pricing_add(&sum, input_tokens, m->in_price)) != PRICING_OK)
		return rc;
	if ((rc = pricing_add(&sum, max_output, m->out_price)) != PRICING_OK)
		return rc;
	*pico = sum;
	return PRICING_OK;
}

static int64_t
pricing_pow10(int n)
{
	int64_t p = 1;

	while (n-- > 0)
		p *= 10;
	return p;
}

/*
 * Dollars and cents from $1 up; below, three significant digits with
 * trailing zeros dropped, but never fewer than two decimals ("$0.50",
 * "$0.0155", "$0.00026"). Rounds half up, in integers.
 */
void
pricing_format(int64_t pico, bool estimated, char *out, size_t n)
{
	const char *tilde = estimated ? "~" : "";
	int decimals = 2, d;
	int64_t unit, q, whole, frac;
	char fs[32];

	if (pico < 0) {
		snprintf(out, n, "%s$?", tilde);
		return;
	}
	if (pico > 0 && pico < PICO_PER_USD) {
		/* d: the decimal place of the first significant digit. */
		for (d = 1; d < 12 && pico < PICO_PER_USD / pricing_pow10(d); d++)
			;
		decimals = d + 2 > 12 ? 12 : d + 2;
	}
	unit = pricing_pow10(12 - decimals);
	q = pico / unit + (pico % unit >= (unit + 1) / 2 && unit > 1 ? 1 : 0);
	whole = q / pricing_pow10(decimals);
	frac = q % pricing_pow10(decimals);
	snprintf(fs, sizeof(fs), "%0*" PRId64, decimals, frac);
	/* A rounding up to $1.00 or more keeps only cents. */
	if (whole > 0 && decimals > 2) {
		pricing_format(whole * PICO_PER_USD + frac * unit, estimated, out, n);
		return;
	}
	for (d = decimals; d > 2 && fs[d - 1] == '0'; d--)
		fs[d - 1] = '\0';
	snprintf(out, n, "%s$%" PRId64 ".%s", tilde, whole, fs);
}

/*
 * Every digit there is, never fewer than two decimals: a budget the user set
 * reads back as set, where pricing_format would round $12.345 to $12.35.
 */
void
pricing_format_exact(int64_t pico, char *out, size_t n)
{
	char fs[16];
	int d;

	if (pico < 0) {
		snprintf(out, n, "$?");
		return;
	}
	snprintf(fs, sizeof(fs), "%012" PRId64, pico % PICO_PER_USD);
	for (d = 12; d > 2 && fs[d - 1] == '0'; d--)
		fs[d - 1] = '\0';
	snprintf(out, n, "$%" PRId64 ".%s", pico / PICO_PER_USD, fs);
}

/* Estimate the tokens of text, about one per four characters (UTF-8 code points). */
int64_t
pricing_estimate_tokens(const char *text, size_t len)
{
	int64_t chars = 0;
	size_t i;

	for (i = 0; i < len; i++)
		if (((unsigned char)text[i] & 0xC0) != 0x80)
			chars++;
	return (chars + 3) / 4;
}

/* Name a pricing_rc. */
const char *
pricing_rc_str(int rc)
{
	switch (rc) {
	case PRICING_OK:
		return "ok";
	case PRICING_UNKNOWN:
		return "unknown price";
	case PRICING_OVERFLOW:
		return "overflow";
	}
	return "?";
}
