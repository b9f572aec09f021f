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
	bool allow_insecure; /* yes: a key may go over plain http:// to another host */
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
	enum model_vision vision; /* MODEL_VISION_UNKNOWN: not set */
	bool cache;          /* no: never ask for prompt caching on this model */
	int64_t cache_min;   /* tokens a prefix needs to be cached; 0: built-in */
	int line;
};

/* A [tier.NAME] models = list, in order of preference; n == 0: built-in list. */
struct tier_conf {
	char **models;
	size_t n;
	int line;            /* where models = was given, for errors */
};

/* [llm] warn_at: at most this many thresholds, each at most this percent of the budget. */
#define CONFIG_WARN_MAX 8
#define CONFIG_WARN_PCT_MAX 1000

struct config {
	char *dir;           /* LLM_CONFIG_DIR */
	char *path;          /* dir/config.ini, whether or not it exists */
	char *data_dir;      /* LLM_DATA_DIR */
	bool loaded;         /* the file existed */

	enum tier tier;              /* [llm] tier, TIER_AUTO by default */
	int64_t budget;              /* pico-dollars a month; 0 = no budget */
	enum budget_action budget_action;
	bool escalate;
	double quality;              /* [llm] quality: share of frontier quality the router aims at */
	char *theme;
	bool mouse;                  /* the wheel scrolls llm chat's transcript; default yes */
	long max_tokens;             /* default output cap; 0 = provider default */
	long timeout;                /* seconds without a byte before a request is given up; default 300 */
	long deadline;               /* seconds a request may take in all; default 600 */
	long max_reply;              /* MiB of reply a request may receive; default 64 */
	int warn_at[CONFIG_WARN_MAX]; /* percents of the budget warned of once a month, ascending */
	size_t nwarn_at;             /* default 50, 80, 100; an empty warn_at: none */
	bool learn;                  /* the router learns from re-asks, overrides and pins; default yes */
	bool cache;                  /* ask providers to cache the stable prefix; default yes */
	long cache_ttl;              /* seconds a cache breakpoint asks for: 300 (default) or 3600 */
	int64_t compact_at;          /* tokens of history that start compaction; 0: see compact_permille */
	long compact_permille;       /* or this fraction (1/1000) of the model's window; default 700 */

	struct provider_conf *providers;
	size_t nproviders;
	struct model_conf *models;
	size_t nmodels;
	struct tier_conf tiers[TIER_COUNT];

	/* [git] */
	enum tier git_tier;          /* default cheap */
	char *git_model;             /* NULL: route on git_tier */
	int git_model_line;          /* where model = was given, for errors */
	long git_timeout;            /* seconds, default 20 */
	long git_max_tokens;         /* diff budget in tokens, default 6000 */

	/* [agent]: NULL-terminated lists, NULL when not given */
	char **agent_deny;           /* more secret-file globs */
	char **agent_allow;          /* tools that need no approval: edit, write, run */
	char **agent_allow_run;      /* command prefixes run without a question */
	char **agent_allow_secret;   /* secret files the agent may read, by name */
	char **agent_writable;       /* more paths its commands may write: absolute, or ~/ */
	bool agent_unix_sockets;     /* its commands may open local (UNIX) sockets, default no */
	char *agent_advisor;         /* the model advise asks; NULL: the frontier tier's first usable */
	long agent_max_advice;       /* advise calls in one task, default 3 */
	long agent_max_steps;        /* model requests in one task, default 30 */
	long agent_run_timeout;      /* seconds a run command may take, default 120 */

	/* [keys] bindings for the TUI: name = key, kept as given */
	char **key_names;
	char **key_values;
	size_t nkeys;

	/* [ledger]: the team's ledger in PostgreSQL */
	char *ledger_database;       /* a libpq connection string; NULL: the local SQLite ledger */
	bool ledger_database_env;    /* it came from LLM_DATABASE (and may hold a password) */
	char *ledger_team;           /* default "default" */
	char *ledger_user;           /* default: the login name */
	char *ledger_timezone;       /* the team's months; default UTC */
	int64_t ledger_offline_allowance;   /* pico-dollars usable while unreachable; default $1 */
};

/*
 * Load the config: built-ins, then $LLM_CONFIG_DIR/config.ini if it exists.
 * Returns 0, or -1 with *cause "file:line: message" for every error found
 * (one per line). Without a home directory (HOME unset or relative and none
 * in the password database) and no LLM_CONFIG_DIR / LLM_DATA_DIR, cfg->dir,
 * cfg->path and cfg->data_dir are NULL and *cause says so.
 */
int config_load(struct config *cfg, char **cause);
void config_done(struct config *cfg);
/*
 * Check every [tier.*] models name and [git] model with known (true: the
 * catalog has it), once the catalog is complete: 0, or -1 with *cause
 * "file:line: unknown model 'x'" for each unknown name (one per line); cause
 * may be NULL. A provider/model-id [git] model needs only its provider.
 */
int config_check_models(const struct config *cfg, bool (*known)(void *arg, const char *name),
    void *arg, char **cause);
/* The [model.NAME] section called name, or NULL. */
const struct model_conf *config_model(const struct config *cfg, const char *name);
/* The provider section called name, or NULL. */
const struct provider_conf *config_provider(const struct config *cfg, const char *name);
/* Write the merged config as INI (for llm config show). */
void config_dump(const struct config *cfg, FILE *f);
const char *budget_action_str(enum budget_action a);
/* Whether a libpq connection string (URI or key = value form) holds a password. */
bool config_has_password(const char *s);

#endif
