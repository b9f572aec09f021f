/* cache: what each wire format's prompt cache needs: minimum lengths, lifetimes, what a prefix saves. */
#include "cache.h"

#include <stdio.h>
#include <string.h>

#include "fmt.h"
#include "pricing.h"
#include "util.h"

struct cache_min {
	const char *prefix;   /* of the model id */
	int64_t tokens;
};

/*
 * Anthropic's published minimums (prompt-caching docs; Opus 4.7 second-hand).
 * Shorter prefixes are silently not cached, so a breakpoint below them would
 * only make the request lie about what it asks for.
 */
static const struct cache_min anthropic_min[] = {
	{ "claude-opus-4-6", 4096 }, { "claude-opus-4-5", 4096 }, { "claude-haiku-4-5", 4096 },
	{ "claude-opus-4-7", 2048 }, { "claude-3-5-haiku", 2048 }, { "claude-3-haiku", 2048 },
	{ "claude-haiku-3", 2048 },
	{ "claude-opus-5", 512 }, { "claude-fable-5", 512 }, { "claude-mythos-5", 512 },
};

/* Gemini's implicit cache (docs of 2026-10): 2.5 Flash and Pro 2,048; 3.x and later 4,096. */
static const struct cache_min gemini_min[] = {
	{ "gemini-2.5-flash", 2048 }, { "gemini-2.5-pro", 2048 }, { "gemini-3", 4096 },
	{ "gemini-4", 4096 },
};

static int64_t
cache_lookup(const struct cache_min *t, size_t n, const char *id, int64_t dflt)
{
	size_t i;

	for (i = 0; id != NULL && i < n; i++)
		if (str_startswith(id, t[i].prefix))
			return t[i].tokens;
	return dflt;
}

int64_t
cache_min_tokens(enum api api, const char *model_id)
{
	switch (api) {
	case API_ANTHROPIC:
		return cache_lookup(anthropic_min, ARRAY_SIZE(anthropic_min), model_id, 1024);
	case API_OPENAI:
		/* OpenAI: 1,024; DeepSeek caches from its first 64-token unit */
		return model_id != NULL && str_startswith(model_id, "deepseek") ? 64 : 1024;
	case API_GEMINI:
		return cache_lookup(gemini_min, ARRAY_SIZE(gemini_min), model_id, 1024);
	case API_OLLAMA:
		return 0;
	}
	return 0;
}

int64_t
cache_saving(const struct model *m, int64_t n, int64_t prompt)
{
	int64_t full, cached;
	struct usage u;

	memset(&u, 0, sizeof u);
	u.input = n;
	if (n <= 0 || m->cached_price < 0 || pricing_cost_in(m, &u, prompt, &full) != PRICING_OK)
		return 0;
	u.input = 0;
	u.cached_input = n;
	if (pricing_cost_in(m, &u, prompt, &cached) != PRICING_OK)
		return 0;
	return full - cached;
}

/*
 * Each comparison keeps the prompt's size, and so the tier of its prices (a
 * long prompt saves at the long prices); output plays no part, and its price
 * need not be known.
 */
void
cache_effect(const struct model *m, const struct usage *u, int64_t *saved, int64_t *extra)
{
	struct usage as_is, unread, unwritten;
	int64_t c, cr, cw;

	*saved = *extra = 0;
	memset(&as_is, 0, sizeof as_is);
	as_is.input = u->input;
	as_is.cached_input = u->cached_input;
	as_is.cache_write = u->cache_write;
	as_is.cache_write_1h = u->cache_write_1h;
	unread = as_is;
	unread.input += unread.cached_input;
	unread.cached_input = 0;
	unwritten = as_is;
	unwritten.input += unwritten.cache_write + unwritten.cache_write_1h;
	unwritten.cache_write = unwritten.cache_write_1h = 0;
	if (pricing_cost(m, &as_is, &c) != PRICING_OK)
		return;
	if (u->cached_input > 0 && m->cached_price >= 0 && pricing_cost(m, &unread, &cr) == PRICING_OK)
		*saved = cr - c;
	if (unwritten.input > as_is.input && pricing_cost(m, &unwritten, &cw) == PRICING_OK)
		*extra = c - cw;
}

int
cache_worst_case(const struct model *m, int64_t input, int64_t max_output, long ttl,
    int64_t *pico)
{
	struct usage u;
	int64_t plain, written;
	int rc = pricing_worst_case(m, input, max_output, &plain);

	*pico = plain;
	if (rc != PRICING_OK)
		return rc;
	memset(&u, 0, sizeof u);
	if (ttl >= 3600)
		u.cache_write_1h = input;
	else
		u.cache_write = input;
	u.output = max_output;
	if (pricing_cost(m, &u, &written) != PRICING_OK)
		return PRICING_OK;   /* no write price: writes are charged as input */
	if (written > plain)
		*pico = written;
	return PRICING_OK;
}

void
cache_note(const struct usage *u, int64_t saved, int64_t extra, bool estimated, char *out,
    size_t n)
{
	char r[16], w[16], money[32];
	int64_t written = u->cache_write + u->cache_write_1h, net = saved - extra;
	size_t len;

	*out = '\0';
	if (u->cached_input <= 0 && written <= 0)
		return;
	fmt_tokens(u->cached_input, r, sizeof r);
	fmt_tokens(written, w, sizeof w);
	if (u->cached_input > 0 && written > 0)
		snprintf(out, n, "%s cached, %s written", r, w);
	else if (u->cached_input > 0)
		snprintf(out, n, "%s cached", r);
	else
		snprintf(out, n, "%s written", w);
	len = strlen(out);
	pricing_format(net >= 0 ? net : -net, estimated, money, sizeof money);
	snprintf(out + len, n - len, net >= 0 ? ", saved %s" : ", cache +%s", money);
}
