/* catalog: the built-in models, imported price lists and config overrides, with tiers. */
#include "catalog.h"

#include <cjson/cJSON.h>
#include <ctype.h>
#include <errno.h>
#include <stddef.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "buf.h"
#include "config.h"
#include "util.h"
#include "visible.h"

/*
 * Facts from LiteLLM's model_prices_and_context_window.json (2026-07-24).
 * Prices are pico-dollars per token (= micro-dollars per million tokens).
 * Tiers are set by what each model is for: the blended-price rule used for
 * imports would put gpt-5-mini (0.69) in mid and gpt-5.4 / claude-sonnet-4-6
 * (5.6 / 6.0) in frontier, which is not how they are used.
 */
static const struct model catalog_builtin[] = {
	{ .name = "deepseek-v4-flash", .provider = "deepseek", .id = "deepseek-v4-flash",
	  .tier = TIER_CHEAP, .in_price = 140000, .out_price = 280000, .cached_price = 2800,
	  .cache_write_price = 0, .cache_write_1h_price = PRICE_UNKNOWN,
	  .context = 1000000, .max_output = 8192,
	  .vision = MODEL_VISION_NO },
	{ .name = "deepseek-v4-pro", .provider = "deepseek", .id = "deepseek-v4-pro",
	  .tier = TIER_MID, .in_price = 435000, .out_price = 870000, .cached_price = 3625,
	  .cache_write_price = 0, .cache_write_1h_price = PRICE_UNKNOWN,
	  .context = 1000000, .max_output = 8192,
	  .vision = MODEL_VISION_NO },
	{ .name = "gpt-5-nano", .provider = "openai", .id = "gpt-5-nano",
	  .tier = TIER_CHEAP, .in_price = 50000, .out_price = 400000, .cached_price = 5000,
	  .cache_write_price = PRICE_UNKNOWN, .cache_write_1h_price = PRICE_UNKNOWN,
	  .context = 272000, .max_output = 128000,
	  .vision = MODEL_VISION_YES },
	{ .name = "gpt-5-mini", .provider = "openai", .id = "gpt-5-mini",
	  .tier = TIER_CHEAP, .in_price = 250000, .out_price = 2000000, .cached_price = 25000,
	  .cache_write_price = PRICE_UNKNOWN, .cache_write_1h_price = PRICE_UNKNOWN,
	  .context = 272000, .max_output = 128000,
	  .vision = MODEL_VISION_YES },
	{ .name = "gpt-5.4", .provider = "openai", .id = "gpt-5.4",
	  .tier = TIER_MID, .in_price = 2500000, .out_price = 15000000, .cached_price = 250000,
	  .cache_write_price = PRICE_UNKNOWN, .cache_write_1h_price = PRICE_UNKNOWN,
	  .context = 1050000, .max_output = 128000,
	  .vision = MODEL_VISION_YES,
	  .lng = { .above = 272000, .in_price = 5000000, .out_price = 22500000,
	    .cached_price = 500000, .cache_write_price = PRICE_UNKNOWN,
	    .cache_write_1h_price = PRICE_UNKNOWN } },
	{ .name = "gpt-5.5", .provider = "openai", .id = "gpt-5.5",
	  .tier = TIER_FRONTIER, .in_price = 5000000, .out_price = 30000000, .cached_price = 500000,
	  .cache_write_price = PRICE_UNKNOWN, .cache_write_1h_price = PRICE_UNKNOWN,
	  .context = 1050000, .max_output = 128000,
	  .vision = MODEL_VISION_YES,
	  .lng = { .above = 272000, .in_price = 10000000, .out_price = 45000000,
	    .cached_price = 1000000, .cache_write_price = PRICE_UNKNOWN,
	    .cache_write_1h_price = PRICE_UNKNOWN } },
	{ .name = "claude-haiku-4-5", .provider = "anthropic", .id = "claude-haiku-4-5",
	  .tier = TIER_CHEAP, .in_price = 1000000, .out_price = 5000000, .cached_price = 100000,
	  .cache_write_price = 1250000, .cache_write_1h_price = 2000000,
	  .context = 200000, .max_output = 64000,
	  .vision = MODEL_VISION_YES },
	{ .name = "claude-sonnet-4-6", .provider = "anthropic", .id = "claude-sonnet-4-6",
	  .tier = TIER_MID, .in_price = 3000000, .out_price = 15000000, .cached_price = 300000,
	  .cache_write_price = 3750000, .cache_write_1h_price = 6000000,
	  .context = 1000000, .max_output = 64000,
	  .vision = MODEL_VISION_YES },
	{ .name = "claude-sonnet-5", .provider = "anthropic", .id = "claude-sonnet-5",
	  .tier = TIER_MID, .in_price = 2000000, .out_price = 10000000, .cached_price = 200000,
	  .cache_write_price = 2500000, .cache_write_1h_price = 4000000,
	  .context = 1000000, .max_output = 128000,
	  .vision = MODEL_VISION_YES },
	{ .name = "claude-opus-4-7", .provider = "anthropic", .id = "claude-opus-4-7",
	  .tier = TIER_FRONTIER, .in_price = 5000000, .out_price = 25000000, .cached_price = 500000,
	  .cache_write_price = 6250000, .cache_write_1h_price = 10000000,
	  .context = 1000000, .max_output = 128000,
	  .vision = MODEL_VISION_YES },
	{ .name = "claude-opus-5", .provider = "anthropic", .id = "claude-opus-5",
	  .tier = TIER_FRONTIER, .in_price = 5000000, .out_price = 25000000, .cached_price = 500000,
	  .cache_write_price = 6250000, .cache_write_1h_price = 10000000,
	  .context = 1000000, .max_output = 128000,
	  .vision = MODEL_VISION_YES },
	{ .name = "gemini-2.5-flash-lite", .provider = "gemini", .id = "gemini-2.5-flash-lite",
	  .tier = TIER_CHEAP, .in_price = 100000, .out_price = 400000, .cached_price = 10000,
	  .cache_write_price = PRICE_UNKNOWN, .cache_write_1h_price = PRICE_UNKNOWN,
	  .context = 1048576, .max_output = 65535,
	  .vision = MODEL_VISION_YES },
	{ .name = "gemini-2.5-flash", .provider = "gemini", .id = "gemini-2.5-flash",
	  .tier = TIER_CHEAP, .in_price = 300000, .out_price = 2500000, .cached_price = 30000,
	  .cache_write_price = PRICE_UNKNOWN, .cache_write_1h_price = PRICE_UNKNOWN,
	  .context = 1048576, .max_output = 65535,
	  .vision = MODEL_VISION_YES },
	{ .name = "gemini-2.5-pro", .provider = "gemini", .id = "gemini-2.5-pro",
	  .tier = TIER_MID, .in_price = 1250000, .out_price = 10000000, .cached_price = 125000,
	  .cache_write_price = PRICE_UNKNOWN, .cache_write_1h_price = PRICE_UNKNOWN,
	  .context = 1048576, .max_output = 65535,
	  .vision = MODEL_VISION_YES,
	  .lng = { .above = 200000, .in_price = 2500000, .out_price = 15000000,
	    .cached_price = 250000, .cache_write_price = PRICE_UNKNOWN,
	    .cache_write_1h_price = PRICE_UNKNOWN } },
	{ .name = "gemini-3.1-pro", .provider = "gemini", .id = "gemini-3.1-pro-preview",
	  .tier = TIER_FRONTIER, .in_price = 2000000, .out_price = 12000000, .cached_price = 200000,
	  .cache_write_price = PRICE_UNKNOWN, .cache_write_1h_price = PRICE_UNKNOWN,
	  .context = 1048576, .max_output = 65536,
	  .vision = MODEL_VISION_YES,
	  .lng = { .above = 200000, .in_price = 4000000, .out_price = 18000000,
	    .cached_price = 400000, .cache_write_price = PRICE_UNKNOWN,
	    .cache_write_1h_price = PRICE_UNKNOWN } },
	{ .name = "gemma-3-27b", .provider = "gemini", .id = "gemma-3-27b-it",
	  .tier = TIER_CHEAP, .in_price = 0, .out_price = 0, .cached_price = PRICE_UNKNOWN,
	  .cache_write_price = PRICE_UNKNOWN, .cache_write_1h_price = PRICE_UNKNOWN,
	  .context = 131072, .max_output = 8192,
	  .vision = MODEL_VISION_YES,
	  .lng = { .above = 128000, .in_price = 0, .out_price = 0,
	    .cached_price = PRICE_UNKNOWN, .cache_write_price = PRICE_UNKNOWN,
	    .cache_write_1h_price = PRICE_UNKNOWN } },
	{ .name = "mistral-small", .provider = "mistral", .id = "mistral-small-latest",
	  .tier = TIER_CHEAP, .in_price = 60000, .out_price = 180000, .cached_price = PRICE_UNKNOWN,
	  .cache_write_price = PRICE_UNKNOWN, .cache_write_1h_price = PRICE_UNKNOWN,
	  .context = 131072, .max_output = 131072,
	  .vision = MODEL_VISION_YES },
	{ .name = "qwen3.5-flash", .provider = "openrouter", .id = "qwen/qwen3.5-flash-02-23",
	  .tier = TIER_CHEAP, .in_price = 100000, .out_price = 400000, .cached_price = PRICE_UNKNOWN,
	  .cache_write_price = PRICE_UNKNOWN, .cache_write_1h_price = PRICE_UNKNOWN,
	  .context = 1000000, .max_output = 65536,
	  .vision = MODEL_VISION_YES },
	{ .name = "llama3.1", .provider = "ollama", .id = "llama3.1",
	  .tier = TIER_CHEAP, .in_price = 0, .out_price = 0, .cached_price = PRICE_UNKNOWN,
	  .cache_write_price = PRICE_UNKNOWN, .cache_write_1h_price = PRICE_UNKNOWN,
	  .context = 8192, .max_output = 8192,
	  .vision = MODEL_VISION_NO },
};

/* Built-in preference per tier: the first with a usable key wins. */
static const char *const catalog_tier_cheap[] = {
	"deepseek-v4-flash", "gpt-5-mini", "gemini-2.5-flash-lite", "mistral-small",
	"qwen3.5-flash", "gpt-5-nano", "gemini-2.5-flash", "claude-haiku-4-5",
};
static const char *const catalog_tier_mid[] = {
	"claude-sonnet-4-6", "gpt-5.4", "gemini-2.5-pro", "claude-sonnet-5", "deepseek-v4-pro",
};
static const char *const catalog_tier_frontier[] = {
	"claude-opus-4-7", "gpt-5.5", "claude-opus-5", "gemini-3.1-pro",
};

static const struct {
	const char *const *names;
	size_t n;
} catalog_tier_builtin[TIER_COUNT] = {
	[TIER_CHEAP] = { catalog_tier_cheap, ARRAY_SIZE(catalog_tier_cheap) },
	[TIER_MID] = { catalog_tier_mid, ARRAY_SIZE(catalog_tier_mid) },
	[TIER_FRONTIER] = { catalog_tier_frontier, ARRAY_SIZE(catalog_tier_frontier) },
};

/* LiteLLM's litellm_provider values and the provider sections llm has for them. */
static const struct {
	const char *litellm;
	const char *llm;
} catalog_provider_map[] = {
	{ "openai", "openai" },
	{ "anthropic", "anthropic" },
	{ "gemini", "gemini" },
	{ "deepseek", "deepseek" },
	{ "openrouter", "openrouter" },
	{ "groq", "groq" },
	{ "mistral", "mistral" },
	{ "together_ai", "together" },
	{ "together", "together" },
	{ "fireworks_ai", "fireworks" },
	{ "fireworks", "fireworks" },
	{ "ollama", "ollama" },
	{ "ollama_chat", "ollama" },
};

/* One model and the strings it owns. */
struct centry {
	struct model m;
	char *name;
	char *provider;
	char *id;
	bool imported;   /* came from a price list: persisted by catalog_save */
};

struct catalog {
	struct centry **e;
	size_t n;
	size_t cap;
	struct centry **adhoc;
	size_t nadhoc;
	char **tier_names[TIER_COUNT];   /* from config; NULL: built-in */
	size_t ntier[TIER_COUNT];
	char *path;                      /* data_dir/models.json, or NULL */
	size_t skipped;
	size_t refused;                  /* entries whose id does not print as itself */
	char *refused_first;             /* the first of them, made visible */
};

#define CATALOG_MAX_JSON (32u * 1024 * 1024)

static const char *const tier_names[TIER_COUNT] = {
	[TIER_CHEAP] = "cheap",
	[TIER_MID] = "mid",
	[TIER_FRONTIER] = "frontier",
};

/* Name a tier: "auto", "cheap", "mid" or "frontier". */
const char *
tier_str(enum tier t)
{
	if (t >= 0 && t < TIER_COUNT)
		return tier_names[t];
	return "auto";
}

/* Parse "auto", "cheap", "mid" or "frontier". */
bool
tier_parse(const char *s, enum tier *out)
{
	int t;

	if (s == NULL)
		return false;
	if (str_ieq(s, "auto")) {
		*out = TIER_AUTO;
		return true;
	}
	for (t = 0; t < TIER_COUNT; t++) {
		if (str_ieq(s, tier_names[t])) {
			*out = (enum tier)t;
			return true;
		}
	}
	return false;
}

/* Say whether a model takes images: "yes", "no" or "unknown". */
const char *
model_vision_str(enum model_vision v)
{
	return v == MODEL_VISION_YES ? "yes" : v == MODEL_VISION_NO ? "no" : "unknown";
}

/* Classify by blended price (3*in + out)/4: under $0.50/M cheap, up to $5/M mid, above frontier. */
enum tier
catalog_tier_for_price(int64_t in_price, int64_t out_price)
{
	int64_t sum;

	if (in_price < 0 || out_price < 0)
		return TIER_MID;
	/* Compare 3*in + out against 4 * threshold so no division rounds. */
	if (__builtin_mul_overflow(in_price, 3, &sum) || __builtin_add_overflow(sum, out_price, &sum))
		return TIER_FRONTIER;
	if (sum < 4 * (int64_t)500000)
		return TIER_CHEAP;
	if (sum <= 4 * (int64_t)5000000)
		return TIER_MID;
	return TIER_FRONTIER;
}

static void
centry_sync(struct centry *c)
{
	c->m.name = c->name;
	c->m.provider = c->provider;
	c->m.id = c->id;
}

static void
centry_free(struct centry *c)
{
	if (c == NULL)
		return;
	free(c->name);
	free(c->provider);
	free(c->id);
	free(c);
}

static struct centry *
catalog_add(struct catalog *cat, const struct model *m)
{
	struct centry *c = xcalloc(1, sizeof(*c));

	c->m = *m;
	c->name = xstrdup(m->name);
	c->provider = xstrdup(m->provider);
	c->id = xstrdup(m->id);
	centry_sync(c);
	if (cat->n == cat->cap) {
		cat->cap = cat->cap ? cat->cap * 2 : 64;
		cat->e = xreallocarray(cat->e, cat->cap, sizeof(*cat->e));
	}
	cat->e[cat->n++] = c;
	return c;
}

static struct centry *
catalog_entry(const struct catalog *cat, const char *name)
{
	size_t i;

	for (i = 0; i < cat->n; i++)
		if (strcmp(cat->e[i]->name, name) == 0)
			return cat->e[i];
	return NULL;
}

static struct centry *
catalog_entry_pid(const struct catalog *cat, const char *provider, const char *id)
{
	size_t i;

	for (i = 0; i < cat->n; i++)
		if (strcmp(cat->e[i]->provider, provider) == 0 && strcmp(cat->e[i]->id, id) == 0)
			return cat->e[i];
	return NULL;
}

/* Apply one [model.NAME] section: override what it sets, or add a model. */
static void
catalog_apply_conf(struct catalog *cat, const struct model_conf *mc)
{
	struct centry *c = catalog_entry(cat, mc->name);
	struct model m = {
		.name = mc->name, .provider = mc->provider ? mc->provider : "",
		.id = mc->id ? mc->id : mc->name, .tier = TIER_AUTO,
		.in_price = PRICE_UNKNOWN, .out_price = PRICE_UNKNOWN,
		.cached_price = PRICE_UNKNOWN, .cache_write_price = PRICE_UNKNOWN,
		.cache_write_1h_price = PRICE_UNKNOWN,
	};

	if (c == NULL)
		c = catalog_add(cat, &m);
	if (mc->provider) {
		free(c->provider);
		c->provider = xstrdup(mc->provider);
	}
	if (mc->id) {
		free(c->id);
		c->id = xstrdup(mc->id);
	}
	centry_sync(c);
	if (mc->in_price != PRICE_UNKNOWN)
		c->m.in_price = mc->in_price;
	if (mc->out_price != PRICE_UNKNOWN)
		c->m.out_price = mc->out_price;
	if (mc->cached_price != PRICE_UNKNOWN)
		c->m.cached_price = mc->cached_price;
	if (mc->cache_write_price != PRICE_UNKNOWN)
		c->m.cache_write_price = mc->cache_write_price;
	if (mc->context > 0)
		c->m.context = mc->context;
	if (mc->max_output > 0)
		c->m.max_output = mc->max_output;
	if (mc->vision != MODEL_VISION_UNKNOWN)
		c->m.vision = mc->vision;
	if (mc->tier != TIER_AUTO)
		c->m.tier = mc->tier;
	else if (c->m.tier == TIER_AUTO)
		c->m.tier = catalog_tier_for_price(c->m.in_price, c->m.out_price);
}

static void
catalog_apply_tiers(struct catalog *cat, const struct config *cfg)
{
	size_t i;
	int t;

	for (t = 0; t < TIER_COUNT; t++) {
		const struct tier_conf *tc = &cfg->tiers[t];

		if (tc->n == 0)
			continue;
		cat->tier_names[t] = xcalloc(tc->n, sizeof(char *));
		for (i = 0; i < tc->n; i++)
			cat->tier_names[t][i] = xstrdup(tc->models[i]);
		cat->ntier[t] = tc->n;
	}
}

/* Load models.json if it exists; a broken file is an error, a missing one is not. */
static int
catalog_load_saved(struct catalog *cat, char **cause)
{
	struct stat st;
	char *json = NULL, *why = NULL;
	size_t len, n;
	int rc;

	if (cat->path == NULL || stat(cat->path, &st) != 0)
		return 0;
	if (file_read(cat->path, CATALOG_MAX_JSON, &json, &len, cause) != 0)
		return -1;
	rc = catalog_import(cat, json, len, &n, &why);
	if (rc != 0) {
		xasprintf(cause, "%s: %s", cat->path, why);
		free(why);
	}
	free(json);
	return rc;
}

/* Whether a [tier.*] name resolves; arg is the catalog. */
static bool
catalog_knows(void *arg, const char *name)
{
	return catalog_find(arg, name) != NULL;
}

/* Build the catalog: built-ins, then imported models, then cfg's [model.*] and [tier.*]. */
struct catalog *
catalog_new(const struct config *cfg, char **cause)
{
	struct catalog *cat = xcalloc(1, sizeof(*cat));
	size_t i;

	for (i = 0; i < ARRAY_SIZE(catalog_builtin); i++)
		catalog_add(cat, &catalog_builtin[i]);
	if (cfg != NULL && cfg->data_dir != NULL && *cfg->data_dir != '\0')
		cat->path = xstrfmt("%s/models.json", cfg->data_dir);
	if (catalog_load_saved(cat, cause) != 0) {
		catalog_free(cat);
		return NULL;
	}
	if (cfg == NULL)
		return cat;
	for (i = 0; i < cfg->nmodels; i++)
		catalog_apply_conf(cat, &cfg->models[i]);
	catalog_apply_tiers(cat, cfg);
	/* only now is every model known: built-in, imported and [model.*] */
	if (config_check_models(cfg, catalog_knows, cat, cause) != 0) {
		catalog_free(cat);
		return NULL;
	}
	return cat;
}

/* Free the catalog and every model it owns; accepts NULL. */
void
catalog_free(struct catalog *cat)
{
	size_t i;
	int t;

	if (cat == NULL)
		return;
	for (i = 0; i < cat->n; i++)
		centry_free(cat->e[i]);
	for (i = 0; i < cat->nadhoc; i++)
		centry_free(cat->adhoc[i]);
	for (t = 0; t < TIER_COUNT; t++) {
		for (i = 0; i < cat->ntier[t]; i++)
			free(cat->tier_names[t][i]);
		free(cat->tier_names[t]);
	}
	free(cat->e);
	free(cat->adhoc);
	free(cat->path);
	free(cat->refused_first);
	free(cat);
}

/* Return how many models the catalog holds (ad-hoc models not counted). */
size_t
catalog_count(const struct catalog *cat)
{
	return cat->n;
}

/* Return the i-th model, in catalog order. */
const struct model *
catalog_at(const struct catalog *cat, size_t i)
{
	return i < cat->n ? &cat->e[i]->m : NULL;
}

/* Whether the catalog's name m is likely what name meant: it starts so ("gpt-5"), or one letter away. */
static bool
near_name(const char *m, const char *name)
{
	return (strlen(name) >= 3 && str_startswith(m, name)) || str_one_edit(m, name);
}

/* Add to b the catalog's names that name may mean (cut short, or a letter off) as "a, b or c"; whether any. */
bool
catalog_near(const struct catalog *cat, const char *name, struct buf *b)
{
	size_t i, k = 0, n = catalog_count(cat), want = 0;

	for (i = 0; i < n; i++)
		want += near_name(catalog_at(cat, i)->name, name);
	for (i = 0; i < n; i++) {
		if (!near_name(catalog_at(cat, i)->name, name))
			continue;
		buf_addf(b, "%s%s", k == 0 ? "" : k + 1 == want ? " or " : ", ", catalog_at(cat, i)->name);
		k++;
	}
	return k > 0;
}

/* Find a catalog name, a "provider/id" of a known model, or a unique wire id; NULL if unknown. */
const struct model *
catalog_find(const struct catalog *cat, const char *name)
{
	const struct centry *c, *found = NULL;
	const char *slash;
	size_t i, nfound = 0;

	if (name == NULL || *name == '\0')
		return NULL;
	if ((c = catalog_entry(cat, name)) != NULL)
		return &c->m;
	if ((slash = strchr(name, '/')) != NULL) {
		char *prov = xstrndup(name, (size_t)(slash - name));

		c = catalog_entry_pid(cat, prov, slash + 1);
		free(prov);
		if (c != NULL)
			return &c->m;
	}
	for (i = 0; i < cat->n; i++) {
		if (strcmp(cat->e[i]->id, name) == 0) {
			found = cat->e[i];
			nfound++;
		}
	}
	return nfound == 1 ? &found->m : NULL;
}

/* Fill out with the tier's models in order of preference; return how many. */
size_t
catalog_tier(const struct catalog *cat, enum tier t, const struct model **out, size_t max)
{
	const char *const *names;
	size_t n, i, got = 0;

	if (t < 0 || t >= TIER_COUNT)
		return 0;
	if (cat->tier_names[t] != NULL) {
		names = (const char *const *)cat->tier_names[t];
		n = cat->ntier[t];
	} else {
		names = catalog_tier_builtin[t].names;
		n = catalog_tier_builtin[t].n;
	}
	for (i = 0; i < n && got < max; i++) {
		const struct model *m = catalog_find(cat, names[i]);

		if (m != NULL)
			out[got++] = m;
	}
	return got;
}

/* Return a model for "provider/model-id" not in the catalog: prices unknown, tier mid; owned by cat. */
const struct model *
catalog_adhoc(struct catalog *cat, const char *provider, const char *id)
{
	struct centry *c;
	size_t i;

	for (i = 0; i < cat->nadhoc; i++) {
		c = cat->adhoc[i];
		if (strcmp(c->provider, provider) == 0 && strcmp(c->id, id) == 0)
			return &c->m;
	}
	c = xcalloc(1, sizeof(*c));
	c->name = xstrfmt("%s/%s", provider, id);
	c->provider = xstrdup(provider);
	c->id = xstrdup(id);
	c->m.tier = TIER_MID;
	c->m.in_price = c->m.out_price = c->m.cached_price = PRICE_UNKNOWN;
	c->m.cache_write_price = c->m.cache_write_1h_price = PRICE_UNKNOWN;
	centry_sync(c);
	cat->adhoc = xreallocarray(cat->adhoc, cat->nadhoc + 1, sizeof(*cat->adhoc));
	cat->adhoc[cat->nadhoc++] = c;
	return &c->m;
}

/*
 * Convert a USD-per-token double to pico-dollars per token without floating
 * point arithmetic: "%.15g" gives back the decimal the JSON text held (any
 * decimal of up to 15 significant digits survives the trip through a double),
 * and that string is scaled by 10^12 with integers. A digit below a
 * pico-dollar rounds half up. False for negative, non-finite or huge values.
 */
static bool
catalog_usd_to_pico(double usd, int64_t *pico)
{
	char s[64], *p;
	int64_t mant = 0;
	int exp10 = 12, ndig = 0, e = 0;
	bool frac = false, round_up = false;

	if (!(usd >= 0) || usd > 1e6)
		return false;
	snprintf(s, sizeof(s), "%.15g", usd);
	for (p = s; *p && *p != 'e' && *p != 'E'; p++) {
		if (*p == '.') {
			frac = true;
			continue;
		}
		if (*p < '0' || *p > '9')
			return false;
		if (ndig >= 17)
			return false;
		mant = mant * 10 + (*p - '0');
		ndig++;
		if (frac)
			exp10--;
	}
	if (*p == 'e' || *p == 'E') {
		int64_t ev;

		if (!str_to_i64(p[1] == '+' ? p + 2 : p + 1, &ev) || ev < -40 || ev > 40)
			return false;
		e = (int)ev;
	}
	exp10 += e;
	for (; exp10 > 0; exp10--)
		if (__builtin_mul_overflow(mant, 10, &mant))
			return false;
	for (; exp10 < 0; exp10++) {
		round_up = mant % 10 >= 5;
		mant /= 10;
	}
	*pico = mant + (round_up ? 1 : 0);
	return true;
}

static int64_t
catalog_json_price(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	int64_t p;

	if (!cJSON_IsNumber(v) || !catalog_usd_to_pico(v->valuedouble, &p))
		return PRICE_UNKNOWN;
	return p;
}

static int64_t
catalog_json_tokens(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	if (!cJSON_IsNumber(v) || !(v->valuedouble >= 0) || v->valuedouble > 1e12)
		return 0;
	return (int64_t)v->valuedouble;
}

/* The price under LiteLLM's name fmt with the threshold in thousands filled in. */
static int64_t
catalog_json_long_price(const cJSON *o, const char *fmt, long k)
{
	char key[96];

	snprintf(key, sizeof(key), fmt, k);
	return catalog_json_price(o, key);
}

/*
 * LiteLLM's long-prompt prices: the *_above_<N>k_tokens keys (the
 * *_priority ones are another service tier, not taken). One threshold per
 * entry; none leaves l->above 0.
 */
static void
catalog_json_long(const cJSON *o, struct model_long *l)
{
	static const char pre[] = "input_cost_per_token_above_";
	const cJSON *f;
	char *end;
	long k = 0;

	memset(l, 0, sizeof(*l));
	cJSON_ArrayForEach(f, o) {
		if (f->string == NULL || strncmp(f->string, pre, sizeof(pre) - 1) != 0 ||
		    !isdigit((unsigned char)f->string[sizeof(pre) - 1]))
			continue;
		k = strtol(f->string + sizeof(pre) - 1, &end, 10);
		if (strcmp(end, "k_tokens") == 0 && k > 0 && k < 1000000)
			break;
		k = 0;
	}
	if (k == 0)
		return;
	l->above = (int64_t)k * 1000;
	l->in_price = catalog_json_long_price(o, "input_cost_per_token_above_%ldk_tokens", k);
	l->out_price = catalog_json_long_price(o, "output_cost_per_token_above_%ldk_tokens", k);
	l->cached_price = catalog_json_long_price(o, "cache_read_input_token_cost_above_%ldk_tokens", k);
	l->cache_write_price = catalog_json_long_price(o,
	    "cache_creation_input_token_cost_above_%ldk_tokens", k);
	l->cache_write_1h_price = catalog_json_long_price(o,
	    "cache_creation_input_token_cost_above_1hr_above_%ldk_tokens", k);
}

/* LiteLLM's supports_vision: true or false, unknown when absent. */
static enum model_vision
catalog_json_vision(const cJSON *o)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, "supports_vision");

	if (!cJSON_IsBool(v))
		return MODEL_VISION_UNKNOWN;
	return cJSON_IsTrue(v) ? MODEL_VISION_YES : MODEL_VISION_NO;
}

static const char *
catalog_map_provider(const char *litellm)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(catalog_provider_map); i++)
		if (strcmp(catalog_provider_map[i].litellm, litellm) == 0)
			return catalog_provider_map[i].llm;
	return NULL;
}

/*
 * Refuse an id that would not print as itself: `llm models` and the route line
 * show it, and an escape in it (a clipboard write, a screen clear) would reach
 * the terminal. Counted apart from the skipped entries.
 */
static bool
catalog_id_ok(struct catalog *cat, const char *id)
{
	if (visible_word(id))
		return true;
	if (cat->refused++ == 0)
		cat->refused_first = visible_str(id, strlen(id));
	return false;
}

/*
 * LiteLLM lists Ollama's *-cloud models at $0 like the local ones, but they
 * run on Ollama's paid service: a price not known, never free.
 */
static void
catalog_cloud_unpriced(const char *llmprov, const char *id, struct model *m)
{
	size_t n = strlen(id);

	if (strcmp(llmprov, "ollama") != 0 || n < 6 || strcmp(id + n - 6, "-cloud") != 0)
		return;
	if (m->in_price == 0)
		m->in_price = PRICE_UNKNOWN;
	if (m->out_price == 0)
		m->out_price = PRICE_UNKNOWN;
	if (m->cached_price == 0)
		m->cached_price = PRICE_UNKNOWN;
}

/* What became of one entry of a price list. */
enum import_result {
	IMPORT_SKIPPED,   /* not a chat model, or a provider llm does not know */
	IMPORT_TAKEN,
	IMPORT_REFUSED,   /* an id that does not print as itself */
};

/* Import one entry. */
static enum import_result
catalog_import_one(struct catalog *cat, const cJSON *item)
{
	const cJSON *prov = cJSON_GetObjectItemCaseSensitive(item, "litellm_provider");
	const cJSON *mode = cJSON_GetObjectItemCaseSensitive(item, "mode");
	const char *llmprov, *key = item->string, *id;
	struct centry *c;
	struct model m = { 0 };
	size_t plen;

	if (!cJSON_IsObject(item) || key == NULL || !cJSON_IsString(prov) || !cJSON_IsString(mode))
		return IMPORT_SKIPPED;
	if (strcmp(mode->valuestring, "chat") != 0)
		return IMPORT_SKIPPED;
	if ((llmprov = catalog_map_provider(prov->valuestring)) == NULL)
		return IMPORT_SKIPPED;
	/* Keys are "provider/id" or a bare id: strip either spelling of the provider. */
	id = key;
	plen = strlen(prov->valuestring);
	if (strncmp(key, prov->valuestring, plen) == 0 && key[plen] == '/')
		id = key + plen + 1;
	else if (strncmp(key, llmprov, strlen(llmprov)) == 0 && key[strlen(llmprov)] == '/')
		id = key + strlen(llmprov) + 1;
	if (*id == '\0')
		return IMPORT_SKIPPED;
	if (!catalog_id_ok(cat, id))
		return IMPORT_REFUSED;
	m.in_price = catalog_json_price(item, "input_cost_per_token");
	m.out_price = catalog_json_price(item, "output_cost_per_token");
	m.cached_price = catalog_json_price(item, "cache_read_input_token_cost");
	m.cache_write_price = catalog_json_price(item, "cache_creation_input_token_cost");
	m.cache_write_1h_price = catalog_json_price(item, "cache_creation_input_token_cost_above_1hr");
	catalog_json_long(item, &m.lng);
	catalog_cloud_unpriced(llmprov, id, &m);
	m.context = catalog_json_tokens(item, "max_input_tokens");
	if (m.context == 0)
		m.context = catalog_json_tokens(item, "max_tokens");
	m.max_output = catalog_json_tokens(item, "max_output_tokens");
	m.vision = catalog_json_vision(item);
	if ((c = catalog_entry_pid(cat, llmprov, id)) != NULL) {
		/* A known model: the list refreshes its prices, the tier stays. */
		m.tier = c->m.tier;
		if (m.vision == MODEL_VISION_UNKNOWN)
			m.vision = c->m.vision;
	} else {
		char *name = xstrfmt("%s/%s", llmprov, id);

		m.name = name;
		m.provider = llmprov;
		m.id = id;
		m.tier = catalog_tier_for_price(m.in_price, m.out_price);
		c = catalog_add(cat, &m);
		free(name);
	}
	m.name = c->name;
	m.provider = c->provider;
	m.id = c->id;
	c->m = m;
	c->imported = true;
	return IMPORT_TAKEN;
}

/* Merge a price list in LiteLLM's format; *imported counts the chat models taken. */
int
catalog_import(struct catalog *cat, const char *json, size_t len, size_t *imported, char **cause)
{
	cJSON *root = cJSON_ParseWithLength(json, len);
	const cJSON *item;
	size_t n = 0;

	cat->skipped = cat->refused = 0;
	free(cat->refused_first);
	cat->refused_first = NULL;
	if (root == NULL || !cJSON_IsObject(root)) {
		xasprintf(cause, "not a JSON object in LiteLLM's price list format");
		cJSON_Delete(root);
		return -1;
	}
	cJSON_ArrayForEach(item, root) {
		/* sample_spec documents the schema; last_updated is a string. */
		if (!cJSON_IsObject(item) || strcmp(item->string, "sample_spec") == 0)
			continue;
		switch (catalog_import_one(cat, item)) {
		case IMPORT_TAKEN:
			n++;
			break;
		case IMPORT_SKIPPED:
			cat->skipped++;
			break;
		case IMPORT_REFUSED:
			break;   /* counted by catalog_id_ok */
		}
	}
	cJSON_Delete(root);
	*imported = n;
	return 0;
}

/* Return how many entries the last catalog_import skipped. */
size_t
catalog_import_skipped(const struct catalog *cat)
{
	return cat->skipped;
}

/* Return how many entries the last catalog_import refused, *first the first id made visible. */
size_t
catalog_import_refused(const struct catalog *cat, const char **first)
{
	*first = cat->refused_first;
	return cat->refused;
}

/* Return the path imported models persist in, or NULL. */
const char *
catalog_path(const struct catalog *cat)
{
	return cat->path;
}

/* Write a pico-dollar price as an exact USD decimal, as raw JSON number text. */
static void
catalog_json_add_price(cJSON *o, const char *key, int64_t pico)
{
	char s[48];

	if (pico < 0)
		return;
	snprintf(s, sizeof(s), "%" PRId64 ".%012" PRId64, pico / 1000000000000, pico % 1000000000000);
	cJSON_AddItemToObject(o, key, cJSON_CreateRaw(s));
}

/* Write the long-prompt prices under LiteLLM's names for their threshold. */
static void
catalog_json_add_long(cJSON *o, const struct model_long *l)
{
	static const struct {
		const char *fmt;
		size_t off;
	} keys[] = {
		{ "input_cost_per_token_above_%ldk_tokens", offsetof(struct model_long, in_price) },
		{ "output_cost_per_token_above_%ldk_tokens", offsetof(struct model_long, out_price) },
		{ "cache_read_input_token_cost_above_%ldk_tokens",
		  offsetof(struct model_long, cached_price) },
		{ "cache_creation_input_token_cost_above_%ldk_tokens",
		  offsetof(struct model_long, cache_write_price) },
		{ "cache_creation_input_token_cost_above_1hr_above_%ldk_tokens",
		  offsetof(struct model_long, cache_write_1h_price) },
	};
	char key[96];
	size_t i;

	/* import reads thresholds in thousands; only such a one can be written back */
	if (l->above <= 0 || l->above % 1000 != 0)
		return;
	for (i = 0; i < ARRAY_SIZE(keys); i++) {
		snprintf(key, sizeof(key), keys[i].fmt, (long)(l->above / 1000));
		catalog_json_add_price(o, key, *(const int64_t *)((const char *)l + keys[i].off));
	}
}

static cJSON *
catalog_json_entry(const struct model *m)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddStringToObject(o, "litellm_provider", m->provider);
	cJSON_AddStringToObject(o, "mode", "chat");
	catalog_json_add_price(o, "input_cost_per_token", m->in_price);
	catalog_json_add_price(o, "output_cost_per_token", m->out_price);
	catalog_json_add_price(o, "cache_read_input_token_cost", m->cached_price);
	catalog_json_add_price(o, "cache_creation_input_token_cost", m->cache_write_price);
	catalog_json_add_price(o, "cache_creation_input_token_cost_above_1hr", m->cache_write_1h_price);
	catalog_json_add_long(o, &m->lng);
	if (m->context > 0)
		cJSON_AddNumberToObject(o, "max_input_tokens", (double)m->context);
	if (m->max_output > 0)
		cJSON_AddNumberToObject(o, "max_output_tokens", (double)m->max_output);
	if (m->vision != MODEL_VISION_UNKNOWN)
		cJSON_AddBoolToObject(o, "supports_vision", m->vision == MODEL_VISION_YES);
	return o;
}

/* Write the imported models to models.json (atomically) so later runs load them. */
int
catalog_save(const struct catalog *cat, char **cause)
{
	cJSON *root;
	char *text = NULL, *full = NULL, *dir = NULL, *slash;
	size_t i;
	int rc = -1;

	if (cat->path == NULL) {
		xasprintf(cause, "no data directory to keep imported models in");
		return -1;
	}
	root = cJSON_CreateObject();
	for (i = 0; i < cat->n; i++) {
		const struct centry *c = cat->e[i];
		char *key;

		if (!c->imported)
			continue;
		key = xstrfmt("%s/%s", c->provider, c->id);
		cJSON_AddItemToObject(root, key, catalog_json_entry(&c->m));
		free(key);
	}
	text = cJSON_Print(root);
	dir = xstrdup(cat->path);
	if ((slash = strrchr(dir, '/')) != NULL)
		*slash = '\0';
	if (slash != NULL && mkdir_p(dir) != 0) {
		xasprintf(cause, "%s: %s", dir, strerror(errno));
		goto out;
	}
	if (text == NULL) {
		xasprintf(cause, "%s: out of memory", cat->path);
		goto out;
	}
	/* Like the ledger, private to the user, whatever the umask. */
	full = xstrfmt("%s\n", text);
	rc = file_write_atomic(cat->path, full, strlen(full), 0600, cause);
out:
	cJSON_Delete(root);
	free(text);
	free(full);
	free(dir);
	return rc;
}
