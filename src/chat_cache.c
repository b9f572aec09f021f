/* chat_cache: which prompt-cache fields a turn's request carries, per wire format. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cache.h"
#include "chat.h"
#include "chat_priv.h"
#include "ledger.h"
#include "pricing.h"
#include "store.h"
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

static int64_t
text_tokens(const char *s)
{
	return s != NULL ? pricing_estimate_tokens(s, strlen(s)) : 0;
}

/*
 * What comes before the messages: the tool declarations (first in every
 * format's prompt) and the system prompt.
 */
static int64_t
head_tokens(const struct request *req)
{
	int64_t sum = text_tokens(req->system);
	size_t i;

	for (i = 0; i < req->ntools; i++)
		sum += text_tokens(req->tools[i].name) + text_tokens(req->tools[i].description) +
		    text_tokens(req->tools[i].schema);
	return sum;
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
	int64_t min = chat_cache_min(c, c->model, API_ANTHROPIC), sum = head_tokens(req);
	size_t i;

	/* the system prompt's breakpoint caches the tools before it too */
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
	int64_t sum = head_tokens(req);
	size_t i;

	if (c->pc == NULL || !c->pc->builtin || (c->conv_id == 0 && c->opts.task_id == 0) ||
	    (strcmp(c->pc->name, "openai") != 0 && strcmp(c->pc->name, "deepseek") != 0))
		return;
	for (i = 0; i < n; i++)
		sum += msg_tokens(&msgs[i]);
	if (sum < chat_cache_min(c, c->model, API_OPENAI))
		return;
	/* an agent task's steps share its key, as a conversation's turns share theirs */
	if (c->conv_id != 0)
		snprintf(c->cache_key, sizeof c->cache_key, "llm-conv-%lld", (long long)c->conv_id);
	else
		snprintf(c->cache_key, sizeof c->cache_key, "llm-task-%lld",
		    (long long)c->opts.task_id);
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
	/*
	 * OpenAI's own caches write by themselves, asked or not, and GPT-5.6 and
	 * later bill the writes above input (cache_write_tokens, as OpenRouter
	 * reports its providers' writes): a listed write price bounds the prefix.
	 */
	if (pc != NULL && pc->api == API_OPENAI && m->cache_write_price >= 0)
		return cache_worst_case(m, input, max_out, 300, pico);
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
	} else if (model_api(c, m) == API_OPENAI && m->cache_write_price >= 0 &&
	    input >= chat_cache_min(c, m, API_OPENAI)) {
		/* written unasked, as chat_worst_case bounds it, where writes are billed */
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
	/* the warm part of a long prompt is read at the long prompt's prices, as billed */
	if (cache_part != NULL)
		*cache_part = pricing_cost_in(m, &u, input, &part) == PRICING_OK ? part : -1;
	if (chat_expect(c, m, input, k, reply, &pico) != PRICING_OK)
		return -1;
	return pico;
}

#define SUMMARY_LEAD "Summary of the earlier part of this conversation:\n\n"
#define SUMMARY_ACK "Understood; I will continue from this summary."

static const char compact_system[] =
    "You summarise a conversation so that it can go on without its full text. Keep every "
    "decision, fact, name, file, piece of code still relevant and open question; drop "
    "greetings and repetition. Write the summary only.";
static const char compact_ask[] =
    "Summarise the conversation so far, as instructed, for continuing it.";

bool
chat_compact_due(const struct chat *c, const struct model *m)
{
	int64_t at = c->cfg->compact_at, n = 0;
	size_t i;

	if (c->opts.draft || c->nhist < c->nsynth + CHAT_COMPACT_KEEP + 2)
		return false;
	if (at <= 0 && c->cfg->compact_permille > 0 && m != NULL && m->context > 0)
		at = m->context / 1000 * c->cfg->compact_permille;
	if (at <= 0)
		return false;
	for (i = 0; i < c->nhist; i++)
		n += msg_tokens(&c->hist[i]);
	return n >= at;
}

const char *
chat_compact_system(void)
{
	return compact_system;
}

struct msg *
chat_compact_msgs(const struct chat *c, size_t *n)
{
	struct msg *msgs = xreallocarray(NULL, c->compact_cut + 1, sizeof *msgs);

	memcpy(msgs, c->hist, c->compact_cut * sizeof *msgs);
	memset(&msgs[c->compact_cut], 0, sizeof *msgs);
	msgs[c->compact_cut].role = "user";
	msgs[c->compact_cut].text = compact_ask;
	*n = c->compact_cut + 1;
	return msgs;
}

/* Replace the first cut entries of the history with the summary's pair. */
static void
hist_replace(struct chat *c, const char *summary, size_t cut)
{
	size_t i, keep = c->nhist - cut;
	struct msg *hist = xreallocarray(NULL, keep + 2, sizeof *hist);
	char **text = xreallocarray(NULL, keep + 2, sizeof *text);

	memset(hist, 0, (keep + 2) * sizeof *hist);
	text[0] = xstrfmt("%s%s", SUMMARY_LEAD, summary);
	text[1] = xstrdup(SUMMARY_ACK);
	hist[0].role = "user";
	hist[1].role = "assistant";
	for (i = 0; i < keep; i++) {
		text[i + 2] = c->hist_text[cut + i];
		hist[i + 2].role = c->hist[cut + i].role;
	}
	for (i = 0; i < cut; i++)
		free(c->hist_text[i]);
	free(c->hist);
	free(c->hist_text);
	for (i = 0; i < keep + 2; i++)
		hist[i].text = text[i];
	c->hist = hist;
	c->hist_text = text;
	c->nhist = keep + 2;
	c->nsynth = 2;
}

void
chat_compact_apply(struct chat *c, const char *summary, size_t cut)
{
	/* the stored messages the old summary stood for, and the real ones cut now */
	c->summary_upto += (int64_t)(cut - c->nsynth);
	hist_replace(c, summary, cut);
	if (c->ledger != NULL && c->conv_id != 0)
		store_conv_set_summary(ledger_store(c->ledger), c->conv_id, summary, c->summary_upto);
}

void
chat_compact_load(struct chat *c)
{
	char *summary = NULL;
	int64_t upto = 0;

	c->nsynth = 0;
	c->summary_upto = 0;
	if (c->ledger == NULL || store_conv_summary(ledger_store(c->ledger), c->conv_id, &summary,
	    &upto) != 0 || summary == NULL || upto <= 0) {
		free(summary);
		return;
	}
	/* the history was read from after the messages the summary stands for */
	c->summary_upto = upto;
	hist_replace(c, summary, 0);
	free(summary);
}
