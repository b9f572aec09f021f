/* chat_route: how a turn is routed: a pin, a tier, the router, the context window and the budget. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "chat.h"
#include "chat_priv.h"
#include "cli.h"
#include "cred.h"
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

/* A model can be used when its provider has (or needs no) key and it has not failed this turn. */
bool
chat_model_usable(void *arg, const struct model *m)
{
	struct chat *c = arg;
	const struct provider_conf *pc = config_provider(c->cfg, m->provider);
	size_t i;

	if (pc == NULL)
		return false;
	for (i = 0; i < c->nfailed; i++)
		if (c->failed[i] == m)
			return false;
	return !pc->requires_key || cred_probe(pc) != CRED_NONE;
}

static int64_t
history_tokens(const struct chat *c)
{
	int64_t n = 0;
	size_t i;

	for (i = 0; i < c->nhist; i++)
		n += pricing_estimate_tokens(c->hist_text[i], strlen(c->hist_text[i])) + 4;
	return n;
}

static int64_t
estimate_input(const struct chat *c, const char *system, const char *prompt)
{
	int64_t n = pricing_estimate_tokens(prompt, strlen(prompt)) + history_tokens(c);

	if (system != NULL)
		n += pricing_estimate_tokens(system, strlen(system));
	return n + 8;
}

/* The reply cap used for the worst case, and whether it must be sent. */
long
chat_reply_cap(const struct chat *c, const struct chat_opts *o, const struct model *m, bool *send)
{
	*send = true;
	if (o->max_tokens > 0)
		return o->max_tokens;
	if (c->cfg->max_tokens > 0)
		return c->cfg->max_tokens;
	/* a budget is only a promise when the reply is capped at what was reserved */
	*send = c->cfg->budget > 0 && c->cfg->budget_action != BUDGET_WARN;
	if (m != NULL && m->max_output > 0 && m->max_output < DEFAULT_REPLY_CAP)
		return (long)m->max_output;
	return DEFAULT_REPLY_CAP;
}

static void
model_names(const struct catalog *cat, struct buf *b)
{
	size_t i, n = catalog_count(cat);

	for (i = 0; i < n; i++)
		buf_addf(b, "%s%s", i ? ", " : "", catalog_at(cat, i)->name);
}

/* Resolve a pin: a catalog name, or provider/model-id. */
static const struct model *
resolve_pin(struct chat *c, const char *name, char **cause)
{
	const struct model *m = catalog_find(c->cat, name);
	const char *slash;
	struct buf b;

	if (m != NULL)
		return m;
	slash = strchr(name, '/');
	if (slash != NULL && slash != name && slash[1] != '\0') {
		char *prov = xstrndup(name, (size_t)(slash - name));
		bool known = config_provider(c->cfg, prov) != NULL;

		if (known)
			m = catalog_adhoc(c->cat, prov, slash + 1);
		free(prov);
		if (m != NULL)
			return m;
	}
	buf_init(&b, 0);
	model_names(c->cat, &b);
	xasprintf(cause, "unknown model '%s'; known models: %s (or provider/model-id)", name,
	    buf_str(&b));
	buf_done(&b);
	return NULL;
}

static void
route_estimates(struct chat *c, const struct chat_opts *o, struct chat_route *r)
{
	bool send;
	long cap = chat_reply_cap(c, o, r->model, &send);
	int64_t typical = cap < 500 ? cap : 500;

	r->worst_case = r->estimate = -1;
	if (r->model == NULL)
		return;
	if (pricing_worst_case(r->model, r->input_tokens, cap, &r->worst_case) != PRICING_OK)
		r->worst_case = -1;
	if (pricing_worst_case(r->model, r->input_tokens, typical, &r->estimate) != PRICING_OK)
		r->estimate = -1;
}

/*
 * Decide tier and model for prompt. Returns 0, or an EXIT_* code with *cause.
 */
int
chat_decide(struct chat *c, const struct chat_opts *o, const char *prompt, struct chat_route *r,
    char **cause)
{
	struct route_decision d;
	struct route_input in;
	enum tier want, got;
	bool send;
	int64_t need;

	memset(r, 0, sizeof *r);
	r->input_tokens = estimate_input(c, o->system, prompt);
	if (o->model != NULL) {
		r->mode = ROUTE_PINNED;
		if ((r->model = resolve_pin(c, o->model, cause)) == NULL)
			return EXIT_USAGE;
		r->tier = r->model->tier;
		str_copy(r->reason, sizeof r->reason, "pinned");
		route_estimates(c, o, r);
		return 0;
	}
	want = o->tier != TIER_AUTO ? o->tier : c->cfg->tier;
	if (want != TIER_AUTO) {
		r->mode = ROUTE_TIER;
		r->tier = want;
		snprintf(r->reason, sizeof r->reason, "%s",
		    o->tier != TIER_AUTO ? "tier chosen by the user" : "default tier from config");
	} else {
		memset(&in, 0, sizeof in);
		in.prompt = prompt;
		in.len = strlen(prompt);
		in.turn = (int)(c->nhist / 2);
		in.prev_tier = c->prev_tier;
		/* earlier turns only: the prompt's own length is a feature of its own */
		in.context_tokens = history_tokens(c);
		router_decide(&in, &d);
		r->mode = ROUTE_AUTO;
		r->tier = d.tier;
		r->score = d.p_cheap_fail;
		str_copy(r->reason, sizeof r->reason, d.reason);
	}
	need = r->input_tokens + chat_reply_cap(c, o, NULL, &send);
	r->model = router_pick(c->cat, r->tier, need, chat_model_usable, c, &got);
	if (r->model == NULL)
		r->model = router_pick(c->cat, r->tier, 0, chat_model_usable, c, &got);
	if (r->model == NULL) {
		const struct model *first[1];
		const struct provider_conf *pc;

		if (catalog_tier(c->cat, r->tier, first, 1) == 1 &&
		    (pc = config_provider(c->cfg, first[0]->provider)) != NULL) {
			char *msg = cred_missing_msg(pc);

			xasprintf(cause, "no model of the %s tier has a key; %s", tier_str(r->tier), msg);
			free(msg);
		} else {
			xasprintf(cause, "no model of the %s tier has a key (see llm models)",
			    tier_str(r->tier));
		}
		return EXIT_AUTH;
	}
	if (got != r->tier) {
		size_t n = strlen(r->reason);

		snprintf(r->reason + n, sizeof r->reason - n, "%s%s: context window or keys",
		    n ? "; " : "", tier_str(got));
		r->context_adjusted = true;
		r->tier = got;
	}
	route_estimates(c, o, r);
	return 0;
}

/* Append ", text" to the route's reason. */
static void
reason_add(struct chat_route *r, const char *text)
{
	size_t n = strlen(r->reason);

	snprintf(r->reason + n, sizeof r->reason - n, "%s%s", n ? "; " : "", text);
}

/*
 * Say what the budget would do to route r, reading the meter without
 * reserving: downgrade to the best tier whose worst case fits, or refuse.
 */
static void
preview_budget(struct chat *c, const struct chat_opts *o, struct chat_route *r)
{
	struct meter m;
	const struct model *lower;
	enum tier t = r->tier, got;
	int64_t room, w;
	bool send;
	char line[96];

	if (c->ledger == NULL || c->cfg->budget <= 0 || c->cfg->budget_action == BUDGET_WARN ||
	    r->model == NULL || r->worst_case == 0 ||
	    ledger_meter(c->ledger, c->cfg->budget, &m, NULL) != 0)
		return;
	room = c->cfg->budget - m.spent - m.reserved;
	if (r->worst_case > 0 && r->worst_case <= room)
		return;
	while (c->cfg->budget_action == BUDGET_DOWNGRADE && r->mode != ROUTE_PINNED &&
	    t > TIER_CHEAP) {
		lower = router_pick(c->cat, t - 1, 0, chat_model_usable, c, &got);
		if (lower == NULL || got >= t)
			break;
		t = got;
		if (pricing_worst_case(lower, r->input_tokens, chat_reply_cap(c, o, lower, &send), &w) !=
		    PRICING_OK || w > room)
			continue;
		snprintf(line, sizeof line, "budget: %s instead of %s", tier_str(t), tier_str(r->tier));
		reason_add(r, line);
		r->tier = t;
		r->model = lower;
		r->budget_adjusted = true;
		route_estimates(c, o, r);
		return;
	}
	reason_add(r, "over the budget: would be refused");
}

int
chat_preview(struct chat *c, const struct chat_opts *o, const char *prompt, struct chat_route *r,
    char **cause)
{
	int rc = chat_decide(c, o, prompt, r, cause);

	if (rc == 0)
		preview_budget(c, o, r);
	return rc;
}
