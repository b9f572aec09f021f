/* catalog: the models llm knows, their tiers, prices and context windows. */
#ifndef LLM_CATALOG_H
#define LLM_CATALOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct config;

enum tier {
	TIER_AUTO = -1,
	TIER_CHEAP = 0,
	TIER_MID = 1,
	TIER_FRONTIER = 2,
};
#define TIER_COUNT 3

/* Whether a model accepts images (LiteLLM's supports_vision, or config's vision =). */
enum model_vision {
	MODEL_VISION_UNKNOWN = 0,  /* nobody said: never chosen for an image, a pin may try */
	MODEL_VISION_NO,
	MODEL_VISION_YES,
};

/* A price that is not known; never treated as zero. */
#define PRICE_UNKNOWN ((int64_t)-1)

/*
 * Prices are whole pico-dollars per token, which is the same number as
 * micro-dollars per million tokens: $0.14/M is 140000.
 */
/*
 * Prices of a request whose prompt (input, cache reads and writes) is over
 * above tokens (LiteLLM's *_above_272k_tokens): the whole request is billed at
 * them. A price left PRICE_UNKNOWN is the base one, as listed for every size.
 */
struct model_long {
	int64_t above;               /* tokens; 0: one price for every size */
	int64_t in_price;
	int64_t out_price;
	int64_t cached_price;
	int64_t cache_write_price;
	int64_t cache_write_1h_price;
};

struct model {
	const char *name;       /* catalog name: "deepseek-v4-flash" */
	const char *provider;   /* provider section name: "deepseek" */
	const char *id;         /* id on the wire */
	enum tier tier;
	int64_t in_price;
	int64_t out_price;
	int64_t cached_price;        /* cache reads; PRICE_UNKNOWN: charged as input */
	int64_t cache_write_price;   /* 5-minute writes */
	int64_t cache_write_1h_price;
	int64_t context;             /* tokens; 0 unknown */
	int64_t max_output;          /* tokens; 0 unknown */
	enum model_vision vision;    /* whether it takes images */
	struct model_long lng;       /* long-prompt prices, if any */
};

const char *tier_str(enum tier t);
/* Parse "auto", "cheap", "mid" or "frontier". */
bool tier_parse(const char *s, enum tier *out);

struct catalog;

/* Build the catalog: built-ins, then imported models ($LLM_DATA_DIR/models.json), then cfg's [model.*] and [tier.*]; cfg may be NULL. */
struct catalog *catalog_new(const struct config *cfg, char **cause);
void catalog_free(struct catalog *cat);
size_t catalog_count(const struct catalog *cat);
const struct model *catalog_at(const struct catalog *cat, size_t i);
/* Find a catalog name, a "provider/id" of a known model, or a unique wire id; NULL if unknown. */
const struct model *catalog_find(const struct catalog *cat, const char *name);
struct buf;
/* Add to b the catalog's names that name may mean (cut short, or a letter off) as "a, b or c"; whether any. */
bool catalog_near(const struct catalog *cat, const char *name, struct buf *b);
/* Fill out with the tier's models in order of preference (config [tier.X] models= if given, else built-in); return how many. */
size_t catalog_tier(const struct catalog *cat, enum tier t, const struct model **out, size_t max);
/* Return a model for "provider/model-id" not in the catalog: prices unknown, tier mid; owned by cat. */
const struct model *catalog_adhoc(struct catalog *cat, const char *provider, const char *id);
/*
 * Merge a price list in LiteLLM's model_prices_and_context_window.json format:
 * chat models of providers llm knows; *imported counts them. 0, or -1 with *cause.
 */
int catalog_import(struct catalog *cat, const char *json, size_t len, size_t *imported, char **cause);
/* Return how many entries the last catalog_import skipped (not chat, or a provider llm does not know). */
size_t catalog_import_skipped(const struct catalog *cat);
/*
 * Return how many entries the last catalog_import refused because their model
 * id has white space, controls or bytes that are not UTF-8; *first is the
 * first such id made visible (borrowed), NULL when none was.
 */
size_t catalog_import_refused(const struct catalog *cat, const char **first);
/* Write the imported models to $LLM_DATA_DIR/models.json so later runs load them; 0 or -1 with *cause. */
int catalog_save(const struct catalog *cat, char **cause);
/* Return the path imported models persist in (borrowed; NULL without a data dir). */
const char *catalog_path(const struct catalog *cat);
/* "yes", "no" or "unknown". */
const char *model_vision_str(enum model_vision v);
/* Classify by blended price (3*in + out)/4: under $0.50/M cheap, up to $5/M mid, above frontier; unknown: mid. */
enum tier catalog_tier_for_price(int64_t in_price, int64_t out_price);

#endif
