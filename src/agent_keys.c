/* agent_keys: the keys a task's models need (worker, fallback, advisor), checked at its start. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "agent_priv.h"
#include "buf.h"
#include "chat.h"
#include "cred.h"
#include "router.h"
#include "util.h"

/* Which models agent_keys passes over: those of no provider, or with no key to look up. */
struct keys_pick {
	const struct config *cfg;
	const struct model *skip;   /* the worker's, when its fallback is picked */
};

static bool
keys_usable(void *arg, const struct model *m)
{
	const struct keys_pick *k = arg;
	const struct provider_conf *pc = config_provider(k->cfg, m->provider);

	return m != k->skip && pc != NULL && (!pc->requires_key || cred_probe(pc) != CRED_NONE);
}

/*
 * The key of m's provider, as its request would get it: 0, or -1 with
 * *cause. The provider of got, whose key was got already, is not asked again
 * (a key_command may ask its user).
 */
static int
model_key(const struct config *cfg, const struct model *m, const struct model *got,
    char **cause)
{
	const struct provider_conf *pc = config_provider(cfg, m->provider);

	if (got != NULL && strcmp(got->provider, m->provider) == 0)
		return 0;
	return pc != NULL ? cred_check(pc, cause) : 0;
}

/*
 * The worker's first model, pinned or routed like the first step (*tier the
 * tier it was picked from); NULL, with *rc and *cause when that is for want
 * of a key or an unknown pin.
 */
static const struct model *
keys_worker(const struct config *cfg, struct catalog *cat, const struct agent_opts *o,
    enum tier *tier, enum chat_status *rc, char **cause)
{
	struct chat_opts co = { .tier = agent_start_tier(o) };
	struct chat_route r;
	struct chat *c;

	if (o->model != NULL) {
		*rc = CHAT_USAGE;
		return chat_pin(cfg, cat, o->model, cause);
	}
	c = chat_new(cfg, cat, NULL);
	*rc = chat_preview(c, &co, o->task != NULL ? o->task : "", &r, cause);
	chat_free(c);
	if (*rc == CHAT_AUTH)
		return NULL;
	/* another failure is the first step's to say, as it says it */
	free(*cause);
	*cause = NULL;
	*tier = r.tier;
	return *rc == CHAT_OK ? r.model : NULL;
}

/* Warn that the tier's next model, the fallback of a failed request, has no key it can get. */
static void
keys_fallback(const struct config *cfg, struct catalog *cat, const struct model *first,
    enum tier tier, struct buf *warn)
{
	struct keys_pick k = { .cfg = cfg, .skip = first };
	const struct model *next;
	enum tier got;
	char *why = NULL;

	next = router_pick(cat, tier, 0, keys_usable, &k, &got);
	if (next == NULL || got != tier || model_key(cfg, next, first, &why) == 0)
		return;
	buf_addf(warn, "the fallback %s cannot be used: %s; a request to %s that fails stops "
	    "its step\n", next->name, why, first->name);
	free(why);
}

/*
 * The advisor's key: one named in [agent] must be there; the default, the
 * frontier tier's first model with a key, may not be, and the task then goes
 * on without the advise tool (o->no_advisor), said in warn.
 */
static enum chat_status
keys_advisor(const struct config *cfg, struct catalog *cat, struct agent_opts *o,
    const struct model *worker, struct buf *warn, char **cause)
{
	struct keys_pick k = { .cfg = cfg };
	const struct model *m;
	enum chat_status rc = CHAT_OK;
	enum tier got;
	char *why = NULL;

	if (cfg->agent_advisor != NULL) {
		if ((m = chat_pin(cfg, cat, cfg->agent_advisor, &why)) == NULL) {
			xasprintf(cause, "[agent] advisor: %s", why);
			rc = CHAT_USAGE;
		} else if (model_key(cfg, m, worker, &why) != 0) {
			xasprintf(cause, "the advisor %s ([agent] advisor): %s", m->name, why);
			rc = CHAT_AUTH;
		}
		free(why);
		return rc;
	}
	m = router_pick(cat, TIER_FRONTIER, 0, keys_usable, &k, &got);
	if (m == NULL)
		buf_adds(warn, "no model of the frontier tier has a key, so this task has no advisor "
		    "(the advise tool): set a key for one, or name a model as advisor under [agent]\n");
	else if (model_key(cfg, m, worker, &why) != 0)
		buf_addf(warn, "the advisor %s cannot be used, so this task has no advisor (the advise "
		    "tool): %s\n", m->name, why);
	else
		return CHAT_OK;
	free(why);
	o->no_advisor = true;
	return CHAT_OK;
}

int
agent_keys(const struct config *cfg, struct catalog *cat, struct agent_opts *o, char **warn,
    char **cause)
{
	const struct model *m;
	enum chat_status rc;
	enum tier tier = TIER_AUTO;
	struct buf w;

	*warn = NULL;
	o->no_advisor = false;
	if ((m = keys_worker(cfg, cat, o, &tier, &rc, cause)) == NULL)
		return *cause != NULL ? rc : CHAT_OK;
	if (model_key(cfg, m, NULL, cause) != 0)
		return CHAT_AUTH;
	buf_init(&w, 0);
	if (o->model == NULL)
		keys_fallback(cfg, cat, m, tier, &w);
	rc = keys_advisor(cfg, cat, o, m, &w, cause);
	if (rc == CHAT_OK && w.len > 0)
		*warn = buf_detach(&w);
	buf_done(&w);
	return rc;
}
