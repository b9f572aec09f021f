/* pricing: exact integer costs in pico-dollars from token usage and catalog prices. */
#ifndef LLM_PRICING_H
#define LLM_PRICING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "catalog.h"
#include "provider.h"

enum pricing_rc {
	PRICING_OK = 0,
	PRICING_UNKNOWN = -1,   /* a price the usage needs is not known */
	PRICING_OVERFLOW = -2,  /* the cost does not fit in 64 bits */
};

/*
 * Compute the exact cost in pico-dollars of usage (disjoint buckets, see
 * struct usage) on model m, at its long-prompt prices when the prompt is over
 * their threshold.
 */
int pricing_cost(const struct model *m, const struct usage *u, int64_t *pico);
/*
 * Compute the cost of some of a request's buckets (usage) at the prices of the
 * whole request, whose prompt is prompt tokens (or usage's own, if more): the
 * part a cache read or a saving is of a prompt past the long threshold.
 */
int pricing_cost_in(const struct model *m, const struct usage *u, int64_t prompt, int64_t *pico);
/*
 * Whether the cost of usage on m rests on a price m does not list: cache
 * reads charged as input, or cache writes at 1.25x and 2x input where that
 * is not the rule the provider bills by (rule: Anthropic's API, where it is).
 * Such a cost is an estimate, to be marked as one.
 */
bool pricing_guessed(const struct model *m, const struct usage *u, bool rule);
/* Fill out with m's prices for a request whose prompt (input, cache reads and writes) is prompt tokens. */
void pricing_at(const struct model *m, int64_t prompt, struct model *out);
/* Compute the worst case before a request: input_tokens * in + max_output * out, long prices past the threshold. */
int pricing_worst_case(const struct model *m, int64_t input_tokens, int64_t max_output, int64_t *pico);
/* Format pico-dollars for people: "$0.00026", "$12.40"; estimated adds "~"; negative (unknown) -> "$?". */
void pricing_format(int64_t pico, bool estimated, char *out, size_t n);
/* Format a budget exactly as it is set: "$50.00", "$12.345", "$0.004"; negative -> "$?". */
void pricing_format_exact(int64_t pico, char *out, size_t n);
/*
 * Estimate the tokens of text, for prices, budgets and context windows: by
 * script (Latin 4 characters a token, Georgian, Armenian, Telugu and Kannada
 * 9/4, Malayalam 2, Tamil 7/4,
 * Chinese, Korean and Bengali 3/2, kana, Greek, Hebrew and Devanagari 5/4,
 * Arabic 1, Cyrillic 3/4, emoji 3), or by the pieces a
 * tokenizer cuts it into where they are more (code, JSON, logs).
 */
int64_t pricing_estimate_tokens(const char *text, size_t len);
/*
 * The estimate of a text that grows at its end, as a reply streams in:
 * pricing_estimate_tokens(text, len), reading only the bytes after those
 * the last call read (a character cut at the end is read again). *e is made
 * at the first call; a text shorter than the last starts over, and one
 * changed otherwise needs a new *e. Free it with pricing_est_free.
 */
struct pricing_est;
int64_t pricing_est_grow(struct pricing_est **e, const char *text, size_t len);
void pricing_est_free(struct pricing_est *e);
/* Estimate the tokens of text by script alone, code as prose, at the rates the router's context feature was set on. */
int64_t pricing_estimate_script(const char *text, size_t len);
/* Name a pricing_rc: "ok", "unknown price", "overflow". */
const char *pricing_rc_str(int rc);

#endif
