/* chat_cache: which prompt-cache fields a turn's request carries, per wire format. */
#include <stdio.h>
#include <string.h>

#include "cache.h"
#include "chat.h"
#include "chat_priv.h"
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
