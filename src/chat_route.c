/* chat_route: how a turn is routed: a pin, a tier, the router, the context window and the budget. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "chat.h"
#include "chat_priv.h"
#include "cache.h"
#include "cred.h"
#include "http.h"
#include "image.h"
#include "learn.h"
#include "ledger.h"
#include "pricing.h"
#include "router.h"
#include "util.h"

static const char *const mode_names[] = {
	[ROUTE_AUTO] = "auto",
	[ROUTE_TIER] = "tier",
	[ROUTE_PINNED] = "pinned",
};

const char *
route_mode_str(enum route_mode m)
{
	return mode_names[m];
}

/* Whether m's wire format takes the turn's images at their size; *why says its limit if not. */
static bool
chat_images_fit(const struct chat *c, const struct model *m, const char **why)
{
	const struct provider_conf *pc = config_provider(c->cfg, m->provider);
	const char *w;

	if (why == NULL)
		why = &w;
	*why = NULL;
	return pc == NULL || image_fits(pc->api, c->vision_img, c->vision_nimg, why);
}

/* A model could be used when its provider has (or needs no) key and it has not failed this turn. */
bool
chat_model_ready(void *arg, const struct model *m)
{
	struct chat *c = arg;
	const struct provider_conf *pc = config_provider(c->cfg, m->provider);
	size_t i;

	if (pc == NULL)
		return false;
	if (c->need_vision && (m->vision != MODEL_VISION_YES || !chat_images_fit(c, m, NULL)))
		return false;
	for (i = 0; i < c->nfailed; i++)
		if (c->failed[i] == m)
			return false;
	/* an account out of credit refuses every model of its provider alike */
	for (i = 0; i < c->nbroke; i++)
		if (strcmp(c->broke[i], m->provider) == 0)
			return false;
	return !pc->requires_key || cred_probe(pc) != CRED_NONE;
}

/*
 * Two providers share a server when their base URLs share an origin (scheme,
 * host, port): one that could not be reached stands for the other.
 */
bool
chat_unreached(const struct chat *c, const struct provider_conf *pc)
{
	char want[300], have[300];
	size_t i;

	if (c->nunreached == 0 || !http_url_origin(pc->base_url, want, sizeof want))
		return false;
	for (i = 0; i < c->nunreached; i++)
		if (c->unreached[i] == pc || (http_url_origin(c->unreached[i]->base_url, have,
		    sizeof have) && strcmp(want, have) == 0))
			return true;
	return false;
}

/* A model can be used when it could be and its server has not been found unreachable. */
bool
chat_model_usable(void *arg, const struct model *m)
{
	struct chat *c = arg;

	return chat_model_ready(arg, m) && !chat_unreached(c, config_provider(c->cfg, m->provider));
}

/*
 * The tokens of the conversation so far; by_script: counted by script alone
 * (pricing_estimate_script), as the router's context feature and its long
 * context threshold were set on, so that a conversation routes as it did.
 */
static int64_t
history_tokens(const struct chat *c, bool by_script)
{
	int64_t n = 0;
	size_t i, len;

	for (i = 0; i < c->nhist; i++) {
		len = strlen(c->hist_text[i]);
		n += (by_script ? pricing_estimate_script(c->hist_text[i], len) :
		    pricing_estimate_tokens(c->hist_text[i], len)) + 4;
	}
	return n;
}

static int64_t
estimate_input(const struct chat *c, const char *system, const char *prompt)
{
	int64_t n = pricing_estimate_tokens(prompt, strlen(prompt)) + history_tokens(c, false);

	if (system != NULL)
		n += pricing_estimate_tokens(system, strlen(system));
	return n + 8;
}

/* The reasoning an agent step's history holds, sent back to the models that want it. */
static int64_t
agent_reasoning(const struct chat_opts *o)
{
	int64_t n = 0;
	size_t i;

	for (i = 0; i < o->nmsgs; i++)
		if (o->msgs[i].reasoning != NULL)
			n += pricing_estimate_tokens(o->msgs[i].reasoning, strlen(o->msgs[i].reasoning));
	return n;
}

/* An agent step's own history and tools, beside the prompt that routes it (its reasoning apart). */
static int64_t
agent_tokens(const struct chat_opts *o)
{
	int64_t n = 0;
	size_t i, k;

	for (i = 0; i < o->nmsgs; i++) {
		const struct msg *m = &o->msgs[i];

		n += 4 + (m->text ? pricing_estimate_tokens(m->text, strlen(m->text)) : 0);
		for (k = 0; k < m->ncalls; k++)
			n += 8 + pricing_estimate_tokens(m->calls[k].args, strlen(m->calls[k].args));
	}
	for (i = 0; i < o->ntools; i++)
		n += 8 + pricing_estimate_tokens(o->tools[i].description, strlen(o->tools[i].description)) +
		    pricing_estimate_tokens(o->tools[i].schema, strlen(o->tools[i].schema));
	return n;
}

/* The reply cap configured or asked for, within what m can write; see chat_reply_cap. */
static long
reply_cap_asked(const struct chat *c, const struct chat_opts *o, const struct model *m, bool *send)
{
	long cap = o->max_tokens > 0 ? o->max_tokens : c->cfg->max_tokens;

	*send = true;
	if (cap > 0) {
		/* providers refuse a cap above what the model can write (HTTP 400) */
		if (m != NULL && m->max_output > 0 && m->max_output < cap)
			cap = (long)m->max_output;
		return cap;
	}
	/* a budget is only a promise when the reply is capped at what was reserved */
	*send = c->cfg->budget > 0 && c->cfg->budget_action != BUDGET_WARN;
	if (m != NULL && m->max_output > 0 && m->max_output < DEFAULT_REPLY_CAP)
		return (long)m->max_output;
	return DEFAULT_REPLY_CAP;
}

/*
 * A prompt is estimated as the large published tokenizers (cl100k, o200k)
 * count it (pricing_estimate_tokens): English prose at about 4 characters a
 * token, code, JSON and logs by the pieces they are cut into (nearer 3),
 * other scripts, CJK and emoji at what those tokenizers spend on them,
 * rounded up; prices and budgets use that. Against a context window the
 * estimate is not enough: the tokenizers that are not published may spend
 * more (Anthropic's makes about 3.5 characters a token of English), and a
 * provider refuses outright a prompt and reply cap over the window. So a
 * window is filled at a fifth more than the estimate, plus
 * CHAT_WINDOW_FRAMING for what wraps the messages (role markers, the reply's
 * start). A fifth, not a third: near a large window every token of margin is
 * a token of reply not asked for, or a prompt moved to a dearer model with a
 * larger window.
 */
int64_t
chat_window_tokens(int64_t input)
{
	return input > 0 ? input + (input + 4) / 5 + CHAT_WINDOW_FRAMING : 0;
}

/*
 * The reply cap used for the worst case, and whether it must be sent: the one
 * asked for, within what m can write and what its context window leaves after
 * input tokens of prompt (with chat_window_tokens' margin). Providers refuse
 * a prompt and cap over the window (OpenAI "maximum context length",
 * Anthropic "prompt is too long"), so a cap the window lowers is always sent;
 * it is never below 1.
 */
long
chat_reply_cap(const struct chat *c, const struct chat_opts *o, const struct model *m,
    int64_t input, bool *send)
{
	long cap = reply_cap_asked(c, o, m, send);
	int64_t left = m != NULL ? m->context - chat_window_tokens(input) : 0;

	if (m != NULL && m->context > 0 && left < cap) {
		cap = left > 0 ? (long)left : 1;
		*send = true;
	}
	return cap;
}

/*
 * The least reply worth sending a prompt for: a window that leaves less holds
 * no useful answer, and the prompt goes to a larger one or is refused.
 */
long
chat_reply_floor(const struct chat *c, const struct chat_opts *o)
{
	bool send;
	long cap = reply_cap_asked(c, o, NULL, &send);

	return cap < CHAT_MIN_REPLY ? cap : CHAT_MIN_REPLY;
}

static void
model_names(const struct catalog *cat, struct buf *b)
{
	size_t i, n = catalog_count(cat);

	for (i = 0; i < n; i++)
		buf_addf(b, "%s%s", i ? ", " : "", catalog_at(cat, i)->name);
}

/* Resolve a pin: a catalog name, or provider/model-id. */
const struct model *
chat_pin(const struct config *cfg, struct catalog *cat, const char *name, char **cause)
{
	const struct model *m = catalog_find(cat, name);
	const char *slash;
	struct buf b;

	if (m != NULL)
		return m;
	slash = strchr(name, '/');
	buf_init(&b, 0);
	if (slash != NULL && slash != name && slash[1] != '\0') {
		char *prov = xstrndup(name, (size_t)(slash - name));
		size_t i;

		if (config_provider(cfg, prov) != NULL)
			m = catalog_adhoc(cat, prov, slash + 1);
		if (m != NULL) {
			free(prov);
			return m;
		}
		/* a misspelt provider: name it, not the whole pin, which no catalog holds */
		if (config_provider(cfg, prov) == NULL) {
			for (i = 0; i < cfg->nproviders; i++)
				buf_addf(&b, "%s%s", i ? ", " : "", cfg->providers[i].name);
			xasprintf(cause, "unknown provider '%s' in '%s'; providers: %s (or a catalog "
			    "name: llm models)", prov, name, buf_str(&b));
			free(prov);
			buf_done(&b);
			return NULL;
		}
		free(prov);
	}
	if (catalog_near(cat, name, &b)) {
		xasprintf(cause, "unknown model '%s'; did you mean %s? (llm models lists them all)", name,
		    buf_str(&b));
		buf_done(&b);
		return NULL;
	}
	model_names(cat, &b);
	xasprintf(cause, "unknown model '%s'; known models: %s (or provider/model-id)", name,
	    buf_str(&b));
	buf_done(&b);
	return NULL;
}

/* The input tokens of the turn's images on m, by its provider's rule; 0 with none. */
static int64_t
route_image_tokens(const struct chat *c, const struct chat_opts *o, const struct model *m)
{
	const struct provider_conf *pc;
	int64_t n = 0;
	size_t i;

	if (m == NULL || o->nimages == 0 || (pc = config_provider(c->cfg, m->provider)) == NULL)
		return 0;
	for (i = 0; i < o->nimages; i++)
		n += image_tokens(pc->api, &o->images[i]);
	return n;
}

/*
 * Fit r's input tokens to model m, replacing the last model's part: its
 * images count by the rule of m's provider, and an agent's history's
 * reasoning counts where m is sent it back (DeepSeek V4).
 */
void
chat_route_fit(const struct chat *c, const struct chat_opts *o, struct chat_route *r,
    const struct model *m)
{
	const struct provider_conf *pc = m != NULL ? config_provider(c->cfg, m->provider) : NULL;
	const struct provider *p = pc != NULL ? provider_for(pc->api) : NULL;
	int64_t img = route_image_tokens(c, o, m), rs = 0;

	if (p != NULL && p->sends_reasoning != NULL && p->sends_reasoning(m->id))
		rs = r->reasoning_held;
	r->input_tokens += img - r->image_tokens + rs - r->reasoning_tokens;
	r->image_tokens = img;
	r->reasoning_tokens = rs;
}

/* The worst case and typical cost of sending route r's input to its model. */
static void
route_estimates(const struct chat *c, const struct chat_opts *o, struct chat_route *r)
{
	bool send;
	int64_t typical;
	long cap;

	chat_route_fit(c, o, r, r->model);
	cap = chat_reply_cap(c, o, r->model, r->input_tokens, &send);
	typical = cap < 500 ? cap : 500;
	r->reply_window = cap < chat_reply_cap(c, o, r->model, 0, &send);

	r->worst_case = r->estimate = -1;
	r->cached_tokens = r->cache_part = 0;
	r->reply_cap = cap;
	r->reply_typical = (long)typical;
	if (r->model == NULL)
		return;
	/* the budget's bound never counts on the cache; the estimate does */
	if (chat_worst_case(c, r->model, r->input_tokens, cap, &r->worst_case) != PRICING_OK)
		r->worst_case = -1;
	r->estimate = chat_estimate(c, r->model, r->input_tokens, (long)typical, &r->cached_tokens,
	    &r->cache_part);
}

/*
 * A prompt no window can hold, with room for a useful reply, is refused before
 * anything is sent: with a pin, the pinned model's window; otherwise the
 * largest window of the catalog (models whose window is unknown do not count).
 */
static enum chat_status
context_check(const struct chat *c, const struct chat_opts *o, const struct chat_route *r,
    const struct model *pin, char **cause)
{
	const struct model *big = pin;
	size_t i, n = catalog_count(c->cat);
	long floor = chat_reply_floor(c, o);
	int64_t need = chat_window_tokens(r->input_tokens);
	char room[112] = "";

	for (i = 0; pin == NULL && i < n; i++) {
		const struct model *m = catalog_at(c->cat, i);

		if (m->context > 0 && (big == NULL || m->context > big->context))
			big = m;
	}
	if (big == NULL || big->context <= 0 || need + floor <= big->context)
		return 0;
	if (need <= big->context)
		snprintf(room, sizeof room, "leaves room for only %lld tokens of reply (at least %ld "
		    "wanted) in", (long long)(big->context - need), floor);
	/* the figure the window is checked with, else "leaves room for" does not add up */
	if (pin != NULL)
		xasprintf(cause, "the prompt is about %lld tokens (%lld with the margin kept for "
		    "the estimate), %s %s's context window of %lld tokens; send less, or pin a "
		    "model with a larger window", (long long)r->input_tokens, (long long)need,
		    *room ? room : "more than", pin->name, (long long)pin->context);
	else
		xasprintf(cause, "the prompt is about %lld tokens (%lld with the margin kept for "
		    "the estimate), %s the largest context window (%lld tokens, %s); send less",
		    (long long)r->input_tokens, (long long)need, *room ? room : "more than",
		    (long long)big->context, big->name);
	return CHAT_USAGE;
}

/* The catalog's models that take images, ", "-separated, into b: those with a key, if any. */
static void
vision_names(struct chat *c, struct buf *b)
{
	size_t i, k = 0, n = catalog_count(c->cat);
	bool keyed = c->need_vision;
	int pass;

	c->need_vision = true;
	for (pass = 0; pass < 2 && k == 0; pass++) {
		for (i = 0; i < n; i++) {
			const struct model *m = catalog_at(c->cat, i);

			if (m->vision == MODEL_VISION_YES && (pass == 1 || chat_model_usable(c, m)))
				buf_addf(b, "%s%s", k++ ? ", " : "", m->name);
		}
		if (k > 0 && pass == 1)
			buf_adds(b, " (none has a key: see llm keys)");
	}
	c->need_vision = keyed;
	if (k == 0)
		buf_adds(b, "none (set vision = yes in a [model.NAME] section)");
}

/* A pinned model that takes no images cannot be sent one: say which can. */
static enum chat_status
vision_refuse(struct chat *c, const struct model *pin, char **cause)
{
	struct buf b;

	buf_init(&b, 0);
	vision_names(c, &b);
	xasprintf(cause, "%s does not take images; models that do: %s (pin one with -m, or "
	    "leave the choice to the router)", pin->name, buf_str(&b));
	buf_done(&b);
	return CHAT_USAGE;
}

/* No usable model takes images: say which would, given a key. */
static enum chat_status
vision_none(struct chat *c, enum tier t, char **cause)
{
	struct buf b;

	buf_init(&b, 0);
	vision_names(c, &b);
	xasprintf(cause, "no model of the %s tier or above with a key takes images; models "
	    "that do: %s", tier_str(t), buf_str(&b));
	buf_done(&b);
	return CHAT_USAGE;
}

/*
 * Say in r's reason which models the images passed over: those before r's
 * model, from the tier asked for up to its own, that would otherwise do.
 */
static void
vision_note(struct chat *c, enum tier from, struct chat_route *r)
{
	const struct model *list[64];
	size_t i, n, k = 0, len = strlen(r->reason);
	struct buf b;
	int t;

	buf_init(&b, 0);
	c->need_vision = false;
	for (t = from < 0 ? TIER_CHEAP : from; t <= (int)r->tier && t < TIER_COUNT; t++) {
		n = catalog_tier(c->cat, (enum tier)t, list, ARRAY_SIZE(list));
		for (i = 0; i < n && list[i] != r->model; i++) {
			if (!chat_model_usable(c, list[i]))
				continue;
			if (list[i]->vision != MODEL_VISION_YES)
				buf_addf(&b, "%s%s (text-only)", k++ ? ", " : "", list[i]->name);
			else if (!chat_images_fit(c, list[i], NULL))
				buf_addf(&b, "%s%s (image too large)", k++ ? ", " : "", list[i]->name);
		}
	}
	c->need_vision = true;
	if (k > 0) {
		r->vision_adjusted = true;
		snprintf(r->reason + len, sizeof r->reason - len, "%simage: passed over %s",
		    len ? "; " : "", buf_str(&b));
	}
	buf_done(&b);
}

/*
 * The providers of the models of tiers lo..hi, but skip (NULL: none), each
 * once and in the tiers' order, as "a, b or c" into b (nothing when none).
 */
static void
route_providers(const struct chat *c, enum tier lo, enum tier hi, const char *skip, struct buf *b)
{
	const struct model *list[64];
	const char *seen[64];
	size_t n, k = 0, i, j;
	int t;

	for (t = lo; t <= hi; t++) {
		n = catalog_tier(c->cat, (enum tier)t, list, ARRAY_SIZE(list));
		for (i = 0; i < n && k < ARRAY_SIZE(seen); i++) {
			for (j = 0; j < k && strcmp(seen[j], list[i]->provider) != 0; j++)
				;
			if (j == k && (skip == NULL || strcmp(list[i]->provider, skip) != 0))
				seen[k++] = list[i]->provider;
		}
	}
	for (i = 0; i < k; i++) {
		if (i > 0)
			buf_adds(b, i + 1 == k ? " or " : ", ");
		buf_adds(b, seen[i]);
	}
}

/*
 * When no model of any tier can be used for want of a key (a first start):
 * how to give one, naming the providers the tiers' models need; else NULL.
 */
char *
chat_keyless_hint(struct chat *c)
{
	struct buf b;
	char *hint;

	if (router_pick(c->cat, TIER_CHEAP, 0, chat_model_usable, c, NULL) != NULL)
		return NULL;
	buf_init(&b, 0);
	route_providers(c, TIER_CHEAP, TIER_FRONTIER, NULL, &b);
	hint = xstrfmt("No API key yet. In a shell, `llm keys set PROVIDER` (%s) keeps one in the "
	    "keyring, read without echo; or start llm with the provider's variable set, such as "
	    "OPENAI_API_KEY. `llm models` shows which models each key opens.",
	    b.len > 0 ? buf_str(&b) : "see llm models");
	buf_done(&b);
	return hint;
}

/*
 * No model of the tier has a key: say how to give one for the tier's first
 * model, whose estimate is shown, and which other providers would do.
 */
static enum chat_status
route_keyless(struct chat *c, const struct chat_opts *o, struct chat_route *r, char **cause)
{
	const struct model *first[1];
	const struct provider_conf *pc;

	r->keyless = true;
	if (catalog_tier(c->cat, r->tier, first, 1) == 1) {
		r->model = first[0];
		route_estimates(c, o, r);
	}
	if (cred_keyring_error() != NULL) {
		/* The keyring did not answer: that, not a missing key, is what to fix. */
		xasprintf(cause, "no model of the %s tier has a key: %s", tier_str(r->tier),
		    cred_keyring_error());
	} else if (r->model != NULL
	    && (pc = config_provider(c->cfg, r->model->provider)) != NULL) {
		char *msg = cred_missing_msg(pc);
		struct buf others;

		buf_init(&others, 0);
		route_providers(c, r->tier, r->tier, r->model->provider, &others);
		if (others.len > 0)
			xasprintf(cause, "no model of the %s tier has a key; %s; a key for %s does as well",
			    tier_str(r->tier), msg, buf_str(&others));
		else
			xasprintf(cause, "no model of the %s tier has a key; %s", tier_str(r->tier), msg);
		buf_done(&others);
		free(msg);
	} else {
		xasprintf(cause, "no model of the %s tier has a key (see llm models)",
		    tier_str(r->tier));
	}
	return CHAT_AUTH;
}

/* Refuse a draft whose tier has no usable model, saying how to draft on another. */
static enum chat_status
route_draft_keyless(struct chat *c, const struct chat_opts *o, struct chat_route *r, char **cause)
{
	enum chat_status rc;
	char *msg;

	r->model = NULL;
	rc = route_keyless(c, o, r, cause);
	msg = xstrfmt("%s; or choose another tier with %s", *cause,
	    o->tier_how != NULL ? o->tier_how : "-t");
	free(*cause);
	*cause = msg;
	return rc;
}

/* What the router sees of prompt as the conversation's next turn. */
static void
route_input_of(const struct chat *c, const char *prompt, struct route_input *in)
{
	memset(in, 0, sizeof *in);
	in->prompt = prompt;
	in->len = strlen(prompt);
	in->turn = (int)(c->nhist / 2);
	in->prev_tier = c->prev_tier;
	/* earlier turns only: the prompt's own length is a feature of its own */
	in->context_tokens = history_tokens(c, true);
	in->quality = c->cfg->quality;
}

/* The router's view of prompt, kept for reports whatever decides the tier. */
static void
route_score(struct chat *c, const char *prompt, struct chat_route *r)
{
	struct route_input in;

	route_input_of(c, prompt, &in);
	router_decide(&in, &r->decision);
	learn_apply(chat_learnt(c), &in, &r->decision);
}

void
chat_route_input(const struct chat *c, const char *prompt, struct route_input *in)
{
	route_input_of(c, prompt, in);
}

/* Read what was learnt now, if it is stale. */
static void
learn_read(struct chat *c)
{
	if (!c->learn_stale)
		return;
	c->learn_stale = false;
	if (c->ledger == NULL || !c->cfg->learn || learn_load(c->ledger, &c->learn, NULL) < 0)
		memset(&c->learn, 0, sizeof c->learn);
}

const struct learn *
chat_learnt(struct chat *c)
{
	learn_read(c);
	return c->cfg->learn ? &c->learn : NULL;
}

/*
 * Reading the labels scans them all: it waits until the router needs them, so
 * a request that records a label does not read them twice.
 */
void
chat_learn_load(struct chat *c)
{
	c->learn_stale = true;
}

/* Keep one label for the prompt being sent, then refit. */
static void
learn_label(struct chat *c, enum learn_kind k, enum tier wanted)
{
	struct route_input in;

	/*
	 * an agent's steps, the hook's drafts and llm cmd's or /cmd's requests (the
	 * cheap tier by design) choose no tier for a prompt of the user's
	 */
	if (c->ledger == NULL || !c->cfg->learn || c->opts.draft || c->opts.cmd ||
	    c->opts.cmd_turn || (c->retrying && !c->label_reask) ||
	    c->opts.msgs != NULL || c->prompt == NULL)
		return;
	route_input_of(c, c->prompt, &in);
	in.prev_tier = c->label_prev;
	/*
	 * one label a turn, the highest tier it was found to want: a re-ask one
	 * tier up or an escalation says the tier wanted before (a /tier override,
	 * an earlier re-ask) was not enough either, so it takes that label's place
	 */
	if (c->label_id > 0) {
		if (wanted <= c->label_wanted || learn_drop(c->ledger, c->label_id, NULL) != 0)
			return;
		c->label_id = 0;
		chat_learn_load(c);
	}
	if (learn_record(c->ledger, k, c->label_router, wanted, &in, c->ledger_id, &c->label_id,
	    NULL) == 0) {
		c->label_wanted = wanted;
		chat_learn_load(c);
	}
}

void
chat_learn_turn(struct chat *c)
{
	const struct chat_route *r = &c->turn.route;

	if (c->retrying)
		learn_label(c, LEARN_RETRY, c->opts.tier);
	else if (r->mode == ROUTE_PINNED && r->model != NULL)
		learn_label(c, LEARN_PIN, r->model->tier);
	/* a standing default from config is no judgement of this prompt */
	else if (r->mode == ROUTE_TIER && c->opts.tier != TIER_AUTO &&
	    c->opts.tier != r->decision.tier)
		learn_label(c, LEARN_OVERRIDE, c->opts.tier);
}

void
chat_learn_escalation(struct chat *c, enum tier up)
{
	learn_label(c, LEARN_ESCALATION, up);
}

/* The warm model that would save this turn the most, other than r's; NULL: none. */
static const struct model *
warm_elsewhere(struct chat *c, const struct chat_route *r, int64_t *saving)
{
	const struct model *best = NULL;
	size_t i;

	*saving = 0;
	for (i = 0; i < c->nwarm; i++) {
		const struct model *m = c->warm[i].model;
		int64_t k = chat_warm_tokens(c, m), s;

		if (m == r->model || k <= 0 || !chat_model_usable(c, m))
			continue;
		s = cache_saving(m, k < r->input_tokens ? k : r->input_tokens, r->input_tokens);
		if (s > *saving) {
			*saving = s;
			best = m;
		}
	}
	return best;
}

/*
 * Leaving a model whose cache is warm gives up what it would have saved. The
 * router weighs that: when the warm model is at least the tier it wanted and
 * its expected cost with the cache is lower, the turn stays there; otherwise
 * the reason says what the switch costs. A user's tier or pin is never
 * changed, only explained.
 */
static void
route_cache(struct chat *c, const struct chat_opts *o, struct chat_route *r)
{
	const struct model *w = r->model ? warm_elsewhere(c, r, &r->cache_loss) : NULL;
	struct chat_route stay;
	char a[32], b[32];
	size_t n = strlen(r->reason);

	if (w == NULL)
		return;
	stay = *r;
	stay.model = w;
	stay.tier = w->tier;
	route_estimates(c, o, &stay);
	if (r->mode == ROUTE_AUTO && w->tier >= r->tier && stay.estimate >= 0 &&
	    (r->estimate < 0 || stay.estimate < r->estimate)) {
		pricing_format(stay.estimate, true, a, sizeof a);
		pricing_format(r->estimate, true, b, sizeof b);
		/* of the same tier, the model is named: "stays on mid" would not tell it from r's */
		snprintf(stay.reason + n, sizeof stay.reason - n, "%sstays on %s: its warm cache "
		    "makes it %s against %s on %s", n ? "; " : "",
		    w->tier == r->tier ? w->name : tier_str(w->tier), a, b, r->model->name);
		stay.cache_loss = 0;
		*r = stay;
		return;
	}
	pricing_format(r->cache_loss, false, a, sizeof a);
	snprintf(r->reason + n, sizeof r->reason - n, "%s%s would lose %s of cache", n ? "; " : "",
	    w->tier == r->tier ? w->name : tier_str(w->tier), a);
}

/* Whether a model of tier t itself can take requests (a key, not failed here). */
static bool
tier_usable(struct chat *c, enum tier t)
{
	enum tier g = TIER_COUNT;

	return router_pick(c->cat, t, 0, chat_model_usable, c, &g) != NULL && g == t;
}

/* Whether a model of tier t can take requests, whatever the turn's images ask of it. */
static bool
tier_keyed(struct chat *c, enum tier t)
{
	bool vision = c->need_vision, ok;

	c->need_vision = false;
	ok = tier_usable(c, t);
	c->need_vision = vision;
	return ok;
}

/* Why no model of tier t took the request: its context window, or no usable model. */
static void
route_moved_why(struct chat *c, enum tier t, char *out, size_t n)
{
	if (tier_usable(c, t))
		snprintf(out, n, "too long for a %s model's context window", tier_str(t));
	else if (c->need_vision)
		snprintf(out, n, "no %s model with a key takes these images", tier_str(t));
	else if (c->nfailed > 0)
		snprintf(out, n, "no other %s model has a key", tier_str(t));
	else
		snprintf(out, n, "no %s model has a key", tier_str(t));
}

/*
 * Refuse route r: no usable model of its tier or above has a window that holds
 * the prompt and the least useful reply (a larger one of the catalog is in no
 * tier, or has no key).
 */
static enum chat_status
route_too_long(struct chat *c, const struct chat_route *r, long floor, char **cause)
{
	const struct model *list[64], *big = r->model;
	size_t n, i;
	int t;

	for (t = (int)r->tier; t < TIER_COUNT; t++) {
		n = catalog_tier(c->cat, (enum tier)t, list, ARRAY_SIZE(list));
		for (i = 0; i < n; i++)
			if (chat_model_usable(c, list[i]) && list[i]->context > big->context)
				big = list[i];
	}
	if (chat_window_tokens(r->input_tokens) > big->context)
		xasprintf(cause, "the prompt is about %lld tokens, more than the context window of "
		    "any model of the %s tier or above (the largest: %s, %lld tokens); send less, or "
		    "pin a model with a larger window (llm models lists them)",
		    (long long)r->input_tokens, tier_str(r->tier), big->name, (long long)big->context);
	else
		xasprintf(cause, "the prompt is about %lld tokens: no model of the %s tier or above "
		    "leaves room for %ld tokens of reply (the largest window: %s, %lld tokens); send "
		    "less, or pin a model with a larger window (llm models lists them)",
		    (long long)r->input_tokens, tier_str(r->tier), floor, big->name,
		    (long long)big->context);
	return CHAT_USAGE;
}

/* Say in r's reason when the context window lowered the reply cap. */
static void
reply_note(struct chat_route *r)
{
	size_t n = strlen(r->reason);

	if (r->reply_window)
		snprintf(r->reason + n, sizeof r->reason - n, "%sreply capped at %ld tokens by %s's "
		    "context window", n ? "; " : "", r->reply_cap, r->model->name);
}

/*
 * Decide tier and model for prompt. Returns 0, or a chat_status with *cause.
 */
enum chat_status
chat_decide(struct chat *c, const struct chat_opts *o, const char *prompt, struct chat_route *r,
    char **cause)
{
	const struct route_decision *d = &r->decision;
	const struct model *pin = NULL;
	enum tier want, got, asked;
	const char *why;
	bool send;
	int64_t need;
	long floor = chat_reply_floor(c, o);

	memset(r, 0, sizeof *r);
	c->need_vision = o->nimages > 0;
	c->vision_img = o->images;
	c->vision_nimg = o->nimages;
	r->input_tokens = o->msgs != NULL ? agent_tokens(o) + 8 : estimate_input(c, o->system, prompt);
	r->reasoning_held = o->msgs != NULL ? agent_reasoning(o) : 0;
	if (o->msgs != NULL && o->system != NULL)
		r->input_tokens += pricing_estimate_tokens(o->system, strlen(o->system));
	route_score(c, prompt, r);
	/* a pin refused below is still what was asked: the route says so, with no model */
	if (o->model != NULL) {
		r->mode = ROUTE_PINNED;
		str_copy(r->reason, sizeof r->reason, "pinned");
	}
	if (o->model != NULL && (pin = chat_pin(c->cfg, c->cat, o->model, cause)) == NULL)
		return CHAT_USAGE;
	if (context_check(c, o, r, pin, cause) != 0)
		return CHAT_USAGE;
	if (pin != NULL && o->nimages > 0 && pin->vision == MODEL_VISION_NO)
		return vision_refuse(c, pin, cause);
	if (pin != NULL && o->nimages > 0 && !chat_images_fit(c, pin, &why)) {
		xasprintf(cause, "%s: %s; scale the image down, or leave the choice to the router",
		    pin->name, why);
		return CHAT_USAGE;
	}
	if (pin != NULL) {
		r->mode = ROUTE_PINNED;
		r->model = pin;
		r->tier = r->model->tier;
		/* a model nobody described may take images: the pin is the user's word */
		str_copy(r->reason, sizeof r->reason, o->nimages > 0 &&
		    pin->vision == MODEL_VISION_UNKNOWN ? "pinned; whether it takes images is not "
		    "known (set vision in its [model.NAME] section)" : "pinned");
		route_estimates(c, o, r);
		route_cache(c, o, r);
		reply_note(r);
		return 0;
	}
	want = o->tier != TIER_AUTO ? o->tier : c->cfg->tier;
	if (want != TIER_AUTO) {
		r->mode = ROUTE_TIER;
		r->tier = want;
		snprintf(r->reason, sizeof r->reason, "%s", o->tier == TIER_AUTO ?
		    "default tier from config" : o->tier_why != NULL ? o->tier_why :
		    "tier chosen by the user");
	} else {
		r->mode = ROUTE_AUTO;
		r->tier = d->tier;
		r->score = d->p_cheap_fail;
		str_copy(r->reason, sizeof r->reason, d->reason);
	}
	/*
	 * A window that holds the prompt and its reply, else the prompt and the
	 * least useful reply (the cap is then what the window leaves).
	 */
	need = chat_window_tokens(r->input_tokens) + chat_reply_cap(c, o, NULL, 0, &send);
	r->model = router_pick(c->cat, r->tier, need, chat_model_usable, c, &got);
	if (r->model == NULL)
		r->model = router_pick(c->cat, r->tier, chat_window_tokens(r->input_tokens) + floor,
		    chat_model_usable, c, &got);
	if (r->model == NULL)
		r->model = router_pick(c->cat, r->tier, 0, chat_model_usable, c, &got);
	if (r->model == NULL && c->need_vision)
		return vision_none(c, r->tier, cause);
	if (r->model == NULL)
		return route_keyless(c, o, r, cause);
	if (r->model->context > 0 && chat_window_tokens(r->input_tokens) + floor > r->model->context)
		return route_too_long(c, r, floor, cause);
	/*
	 * A tier the user chose, and a commit-message draft's (the hook drafts on
	 * the cheap one), is kept: a dearer tier is for the user to choose, not
	 * for a missing key. The router's own choice moves up and says why, as
	 * does a chosen tier whose models cannot take the prompt or its images.
	 */
	if (got != r->tier && ((o->draft && !tier_usable(c, r->tier)) ||
	    (r->mode == ROUTE_TIER && !tier_keyed(c, r->tier))))
		return route_draft_keyless(c, o, r, cause);
	asked = r->tier;
	if (got != r->tier) {
		size_t n = strlen(r->reason);

		snprintf(r->reason + n, sizeof r->reason - n, "%s%s: ", n ? "; " : "",
		    tier_str(got));
		n = strlen(r->reason);
		route_moved_why(c, r->tier, r->reason + n, sizeof r->reason - n);
		r->context_adjusted = true;
		r->tier = got;
	}
	if (c->need_vision)
		vision_note(c, asked, r);
	route_estimates(c, o, r);
	route_cache(c, o, r);
	reply_note(r);
	return 0;
}

/*
 * Under downgrade, route r did not fit: take the first model that does, the
 * other models of r's tier first, then each tier below in its order, so a
 * cheaper or free model of the tier is used before a weaker tier. A model
 * whose context window cannot hold the prompt is no choice. 0 with *r that
 * model's route, or the last refusal.
 */
static enum chat_status
downgrade(struct chat *c, const struct chat_opts *o, struct chat_route *r, chat_fits_fn fits,
    char **cause)
{
	const struct model *list[64];
	struct chat_route cand;
	enum chat_status rc;
	bool too_long = false;
	size_t n, i;
	char *why;
	int t;

	for (t = (int)r->tier; t >= TIER_CHEAP; t--) {
		n = catalog_tier(c->cat, (enum tier)t, list, ARRAY_SIZE(list));
		for (i = 0; i < n; i++) {
			if (list[i] == r->model || !chat_model_usable(c, list[i]))
				continue;
			if (list[i]->context > 0 && chat_window_tokens(r->input_tokens) > list[i]->context) {
				too_long = true;
				continue;
			}
			/* the reason and the estimates are the model's that takes the request */
			cand = *r;
			cand.tier = (enum tier)t;
			cand.model = list[i];
			cand.budget_adjusted = true;
			if (cand.tier == r->tier)
				snprintf(cand.reason, sizeof cand.reason, "moved by the budget from %s",
				    r->model->name);
			else
				snprintf(cand.reason, sizeof cand.reason, "downgraded by the budget from %s",
				    tier_str(r->tier));
			route_estimates(c, o, &cand);
			free(*cause);
			*cause = NULL;
			rc = fits(c, &cand, cause);
			if (rc == CHAT_BUDGET)
				continue;
			if (rc == 0)
				*r = cand;
			return rc;
		}
	}
	/* the refusal's own words may be in *cause (a preview) or said already (a request) */
	if (too_long) {
		why = *cause;
		xasprintf(cause, "%s%sno cheaper model's context window holds the prompt",
		    why != NULL ? why : "", why != NULL ? "; " : "");
		free(why);
	}
	return CHAT_BUDGET;
}

/* Apply --max-cost and the budget to route r, walking down the tiers under downgrade. */
enum chat_status
chat_admit_route(struct chat *c, const struct chat_opts *o, struct chat_route *r,
    chat_fits_fn fits, char **cause)
{
	enum chat_status rc;

	if (o->max_cost > 0 && (r->worst_case < 0 || r->worst_case > o->max_cost)) {
		char a[32], b[32], reply[48] = "";

		pricing_format(r->worst_case, false, a, sizeof a);
		pricing_format_exact(o->max_cost, b, sizeof b);
		/* the reply cap is most of a worst case: say it, and how to lower it */
		if (r->reply_cap > 0)
			snprintf(reply, sizeof reply, " with a %ld-token reply", r->reply_cap);
		xasprintf(cause, "max-cost: worst case %s on %s%s is above --max-cost %s%s; %s", a,
		    r->model->name, reply, b, r->worst_case < 0 ? " (unknown price)" : "",
		    r->worst_case < 0 ? "pin a model whose price is known (-m), or drop --max-cost" :
		    "raise --max-cost, or lower the reply cap with --max-tokens");
		return CHAT_BUDGET;
	}
	rc = fits(c, r, cause);
	if (rc == CHAT_BUDGET && c->cfg->budget_action == BUDGET_DOWNGRADE && r->mode != ROUTE_PINNED)
		rc = downgrade(c, o, r, fits, cause);
	return rc;
}

/*
 * Whether route r's worst case fits the budget, read from the meter without
 * reserving: the test ledger_reserve makes in its transaction.
 */
static enum chat_status
preview_fits(struct chat *c, const struct chat_route *r, char **cause)
{
	struct meter m;
	int64_t worst = r->worst_case;

	if (c->ledger == NULL || c->cfg->budget <= 0 || c->cfg->budget_action == BUDGET_WARN ||
	    worst == 0 || ledger_meter(c->ledger, c->cfg->budget, &m, NULL) != 0)
		return 0;
	/* the team's ledger refuses a worst case past the user's own budget too */
	if (worst > 0 && chat_over_own_budget(&m, worst)) {
		*cause = chat_own_budget_refusal(r->model, worst, &m);
		return CHAT_BUDGET;
	}
	/* no budget to pass: the team's ledger takes even a worst case it cannot price */
	if (m.limit <= 0 && !(m.team && m.user_limit > 0))
		return 0;
	/* m.limit: the configured budget, or the team's from its ledger */
	if (worst > 0 && (m.limit <= 0 || m.spent + m.reserved + worst <= m.limit))
		return 0;
	if (worst > 0) {
		*cause = chat_budget_refusal(r->model, worst, &m, c->budget_how);
		return CHAT_BUDGET;
	}
	*cause = chat_unknown_price_refusal(r->model, &m);
	return CHAT_BUDGET;
}

/* Route prompt as chat_send would, budget included, without sending or reserving. */
enum chat_status
chat_preview(struct chat *c, const struct chat_opts *o, const char *prompt, struct chat_route *r,
    char **cause)
{
	char *why = NULL;
	enum chat_status rc = chat_decide(c, o, prompt, r, cause);

	if (rc != 0)
		return rc;
	if (chat_admit_route(c, o, r, preview_fits, &why) != 0) {
		r->refused = true;
		str_copy(r->refusal, sizeof r->refusal, why ? why : "refused");
	}
	free(why);
	return 0;
}
