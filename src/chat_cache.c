/* chat_cache: which prompt-cache fields a turn's request carries, per wire format. */
#include <stdio.h>
#include <string.h>

#include "cache.h"
#include "chat.h"
#include "chat_priv.h"
#include "ledger.h"
#include "pricing.h"
#include "util.h"

/* Whether prompt caching may be asked for on model m: config and the kind of request. */
bool
chat_cache_on(const struct chat *c, const struct model *m)
{
	const struct model_conf *mc;

	if (!c->cfg->cache || c->opts.draft || m == NULL)
		return false;
	mc = config_model(c->cfg, m->name);
	return mc == NULL || mc->cache;
}

/* The minimum cacheable prefix on m: config's cache_min, else the published one. */
int64_t
chat_cache_min(const struct chat *c, const struct model *m, enum api api)
{
	const struct model_conf *mc = config_model(c->cfg, m->name);

	if (mc != NULL && mc->cache_min > 0)
		return mc->cache_min;
	return cache_min_tokens(api, m->id);
}

static int64_t
msg_tokens(const struct msg *m)
{
	return pricing_estimate_tokens(m->text, strlen(m->text)) + 4;
}

/*
 * Anthropic: breakpoints on the stable prefix, each only where the prefix up
 * to it reaches the model's minimum: the system prompt, the end of the
 * history, and the new message (so the next turn reads all of this one).
 * Three of the four the API allows; the next turn finds this turn's entries
 * within the 20 blocks it looks back.
 */
static void
cache_anthropic(const struct chat *c, struct request *req, struct msg *msgs, size_t n)
{
	int64_t min = chat_cache_min(c, c->model, API_ANTHROPIC), sum = 0;
	size_t i;

	if (req->system != NULL)
		sum = pricing_estimate_tokens(req->system, strlen(req->system));
	req->cache_system = req->system != NULL && sum >= min;
	for (i = 0; i < n; i++) {
		sum += msg_tokens(&msgs[i]);
		/* the history's last message and the new one */
		msgs[i].cache_mark = (i + 2 == n || i + 1 == n) && sum >= min;
	}
}

/*
 * OpenAI and DeepSeek cache by themselves from a minimum length;
 * prompt_cache_key keeps a conversation's requests on one cache. Only the
 * APIs known to accept the field get it: others may refuse unknown fields.
 */
static void
cache_openai(struct chat *c, struct request *req, const struct msg *msgs, size_t n)
{
	int64_t sum = 0;
	size_t i;

	if (c->pc == NULL || !c->pc->builtin || c->conv_id == 0 ||
	    (strcmp(c->pc->name, "openai") != 0 && strcmp(c->pc->name, "deepseek") != 0))
		return;
	if (req->system != NULL)
		sum = pricing_estimate_tokens(req->system, strlen(req->system));
	for (i = 0; i < n; i++)
		sum += msg_tokens(&msgs[i]);
	if (sum < chat_cache_min(c, c->model, API_OPENAI))
		return;
	snprintf(c->cache_key, sizeof c->cache_key, "llm-conv-%lld", (long long)c->conv_id);
	req->cache_key = c->cache_key;
}

/* Fill the request's cache fields for the running step; msgs are the n messages it sends. */
void
chat_cache_request(struct chat *c, struct request *req, struct msg *msgs, size_t n)
{
	if (!chat_cache_on(c, c->model))
		return;
	req->cache = true;
	req->cache_ttl = c->cfg->cache_ttl >= 3600 ? 3600 : 300;
	switch (c->pc->api) {
	case API_ANTHROPIC:
		cache_anthropic(c, req, msgs, n);
		break;
	case API_OPENAI:
		cache_openai(c, req, msgs, n);
		break;
	case API_GEMINI:   /* implicit: nothing to send, cachedContentTokenCount is read */
	case API_OLLAMA:   /* nothing to send; the server reports no cache */
		break;
	}
}

int
chat_worst_case(const struct chat *c, const struct model *m, int64_t input, long max_out,
    int64_t *pico)
{
	const struct provider_conf *pc = config_provider(c->cfg, m->provider);

	if (pc != NULL && pc->api == API_ANTHROPIC && chat_cache_on(c, m))
		return cache_worst_case(m, input, max_out, c->cfg->cache_ttl, pico);
	return pricing_worst_case(m, input, max_out, pico);
}

static enum api
model_api(const struct chat *c, const struct model *m)
{
	const struct provider_conf *pc = config_provider(c->cfg, m->provider);

	return pc != NULL ? pc->api : API_OLLAMA;
}

/*
 * Anthropic keeps what the breakpoints wrote or read, for their lifetime;
 * the automatic caches keep a prompt past their minimum for about five
 * minutes; Ollama reports nothing to go on.
 */
void
chat_warm_note(struct chat *c, const struct model *m, const struct usage *u, int64_t when)
{
	enum api api = model_api(c, m);
	int64_t prompt = u->input + u->cached_input + u->cache_write + u->cache_write_1h;
	struct chat_warm w = { .model = m, .time = when, .ttl = CACHE_IMPLICIT_TTL };
	size_t i;

	if (api == API_ANTHROPIC) {
		w.tokens = u->cached_input + u->cache_write + u->cache_write_1h;
		w.ttl = u->cache_write_1h > 0 ? 3600 : 300;
	} else if (api != API_OLLAMA && prompt >= chat_cache_min(c, m, api)) {
		w.tokens = prompt;
	}
	for (i = 0; i < c->nwarm && c->warm[i].model != m; i++)
		;
	if (i == c->nwarm) {
		if (w.tokens == 0)
			return;
		if (c->nwarm == CHAT_WARM_MAX)
			memmove(&c->warm[0], &c->warm[1], --c->nwarm * sizeof c->warm[0]);
		i = c->nwarm++;
	}
	c->warm[i] = w;
}

static void
warm_from_ledger(void *arg, const struct ledger_last *last)
{
	struct chat *c = arg;
	const struct model *m = catalog_find(c->cat, last->model);

	if (m != NULL)
		chat_warm_note(c, m, &last->usage, last->time);
}

void
chat_warm_load(struct chat *c)
{
	c->nwarm = 0;
	if (c->ledger != NULL && c->conv_id != 0)
		ledger_conv_last(c->ledger, c->conv_id, warm_from_ledger, c);
}

int64_t
chat_warm_tokens(const struct chat *c, const struct model *m)
{
	int64_t now = clock_now();
	size_t i;

	if (m == NULL)
		return 0;
	for (i = 0; i < c->nwarm; i++) {
		const struct chat_warm *w = &c->warm[i];

		if (w->model != m || now - w->time >= w->ttl)
			continue;
		/* a breakpoint is only read where llm asks for one */
		if (model_api(c, m) == API_ANTHROPIC && !chat_cache_on(c, m))
			return 0;
		return w->tokens;
	}
	return 0;
}

int
chat_expect(const struct chat *c, const struct model *m, int64_t input, int64_t cached,
    long reply, int64_t *pico)
{
	struct usage u;
	int64_t rest;

	memset(&u, 0, sizeof u);
	if (cached > input)
		cached = input;
	rest = input - cached;
	u.cached_input = cached;
	u.output = reply;
	if (model_api(c, m) == API_ANTHROPIC && chat_cache_on(c, m) &&
	    input >= chat_cache_min(c, m, API_ANTHROPIC)) {
		if (c->cfg->cache_ttl >= 3600)
			u.cache_write_1h = rest;
		else
			u.cache_write = rest;
	} else {
		u.input = rest;
	}
	if (m->in_price < 0 || m->out_price < 0)
		return PRICING_UNKNOWN;
	return pricing_cost(m, &u, pico);
}

int64_t
chat_estimate(const struct chat *c, const struct model *m, int64_t input, long reply,
    int64_t *cached, int64_t *cache_part)
{
	int64_t k = chat_warm_tokens(c, m), pico, part;
	struct usage u;

	if (k > input)
		k = input;
	if (cached != NULL)
		*cached = k;
	memset(&u, 0, sizeof u);
	u.cached_input = k;
	if (cache_part != NULL)
		*cache_part = pricing_cost(m, &u, &part) == PRICING_OK ? part : -1;
	if (chat_expect(c, m, input, k, reply, &pico) != PRICING_OK)
		return -1;
	return pico;
}
