/* config: config.ini (inih) merged over built-in providers, with XDG paths. */
#ifndef LLM_CONFIG_H
#define LLM_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "catalog.h"
#include "provider.h"

enum budget_action {
	BUDGET_WARN,
	BUDGET_DOWNGRADE,
	BUDGET_BLOCK,
};

struct provider_conf {
	char *name;
	enum api api;
	char *base_url;
	char *key_env;       /* NULL: none */
	char *key_command;   /* NULL: none */
	bool requires_key;
	bool builtin;
};

/* A [model.NAME] section; unset prices are PRICE_UNKNOWN, unset numbers 0. */
struct model_conf {
	char *name;
	char *provider;
	char *id;
	enum tier tier;      /* TIER_AUTO: not set */
	int64_t in_price;    /* pico-dollars per token, as in struct model */
	int64_t out_price;
	int64_t cached_price;
	int64_t cache_write_price;
	int64_t context;
	int64_t max_output;
	int line;
};

/* A [tier.NAME] models = list, in order of preference; n == 0: built-in list. */
struct tier_conf {
	char **models;
	size_t n;
};

struct config {
	char *dir;           /* LLM_CONFIG_DIR */
	char *path;          /* dir/config.ini, whether or not it exists */
	char *data_dir;      /* LLM_DATA_DIR */
	bool loaded;         /* the file existed */

	enum tier tier;              /* [llm] tier, TIER_AUTO by default */
	int64_t budget;              /* pico-dollars a month; 0 = no budget */
	enum budget_action budget_action;
	bool escalate;
	char *theme;
	long max_tokens;             /* default output cap; 0 = provider default */
	long timeout;                /* seconds a request may take in all; default 300 */

	struct provider_conf *providers;
	size_t nproviders;
	struct model_conf *models;
	size_t nmodels;
	struct tier_conf tiers[TIER_COUNT];

	/* [git] */
	enum tier git_tier;          /* default cheap */
	char *git_model;             /* NULL: route on git_tier */
	long git_timeout;            /* seconds, default 20 */
	long git_max_tokens;         /* diff budget in tokens, default 6000 */

	/* [keys] bindings for the TUI: name = key, kept as given */
	char **key_names;
	char **key_values;
	size_t nkeys;
};

/*
 * Load the config: built-ins, then $LLM_CONFIG_DIR/config.ini if it exists.
 * Returns 0, or -1 with *cause "file:line: message" for every error found
 * (one per line).
 */
int config_load(struct config *cfg, char **cause);
void config_done(struct config *cfg);
/* The provider section called name, or NULL. */
const struct provider_conf *config_provider(const struct config *cfg, const char *name);
/* Write the merged config as INI (for llm config show). */
void config_dump(const struct config *cfg, FILE *f);
const char *budget_action_str(enum budget_action a);

#endif
