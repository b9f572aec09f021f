/* config: config.ini (inih) merged over built-in providers, with XDG paths. */
#include "config.h"

#include <errno.h>
#include <ini.h>
#include <inttypes.h>
#include <pwd.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "router.h"
#include "util.h"
#include "visible.h"

static const struct {
	const char *name;
	enum api api;
	const char *base_url;
	const char *key_env;
	bool requires_key;
} builtin_providers[] = {
	{ .name = "openai", .api = API_OPENAI, .base_url = "https://api.openai.com/v1",
	  .key_env = "OPENAI_API_KEY", .requires_key = true },
	{ .name = "anthropic", .api = API_ANTHROPIC, .base_url = "https://api.anthropic.com/v1",
	  .key_env = "ANTHROPIC_API_KEY", .requires_key = true },
	{ .name = "gemini", .api = API_GEMINI,
	  .base_url = "https://generativelanguage.googleapis.com/v1beta",
	  .key_env = "GEMINI_API_KEY", .requires_key = true },
	{ .name = "deepseek", .api = API_OPENAI, .base_url = "https://api.deepseek.com",
	  .key_env = "DEEPSEEK_API_KEY", .requires_key = true },
	{ .name = "openrouter", .api = API_OPENAI, .base_url = "https://openrouter.ai/api/v1",
	  .key_env = "OPENROUTER_API_KEY", .requires_key = true },
	{ .name = "groq", .api = API_OPENAI, .base_url = "https://api.groq.com/openai/v1",
	  .key_env = "GROQ_API_KEY", .requires_key = true },
	{ .name = "mistral", .api = API_OPENAI, .base_url = "https://api.mistral.ai/v1",
	  .key_env = "MISTRAL_API_KEY", .requires_key = true },
	{ .name = "together", .api = API_OPENAI, .base_url = "https://api.together.xyz/v1",
	  .key_env = "TOGETHER_API_KEY", .requires_key = true },
	{ .name = "fireworks", .api = API_OPENAI, .base_url = "https://api.fireworks.ai/inference/v1",
	  .key_env = "FIREWORKS_API_KEY", .requires_key = true },
	{ .name = "ollama", .api = API_OLLAMA, .base_url = "http://localhost:11434",
	  .key_env = NULL, .requires_key = false },
};

enum ktype {
	K_STR,
	K_BOOL,
	K_LONG,     /* long */
	K_SECONDS,  /* long, a wait: 1 to 86400 (0 would be no wait at all, not no limit) */
	K_I64,      /* int64_t */
	K_TIER,     /* cheap, mid, frontier (auto where allowed) */
	K_TIER_OR_AUTO,
	K_USD,      /* dollars -> pico-dollars */
	K_PRICE,    /* dollars per million tokens -> pico-dollars per token */
	K_ACTION,
	K_API,
	K_LIST,     /* a, b, c: a NULL-terminated char ** */
	K_TOOLS,    /* a K_LIST of edit, write and run */
	K_PATHS,    /* a K_LIST of absolute paths, or ~/ ones */
	K_PERCENTS, /* "50, 80, 100": struct config's warn_at; empty: none */
	K_QUALITY,  /* a share above 0, at most 1 (three decimals) */
	K_TTL,      /* 5m or 1h -> seconds */
	K_COMPACT,  /* a token count, or a fraction of the window: 0.7 or 70% */
	K_VISION,   /* yes or no -> enum model_vision; unset: unknown */
};

/*
 * One key of a section: how its value is read, where it goes, its default
 * (as it would be written in the file; NULL: none) and one line of help.
 * config_load, config show, config check and the man-page test read these.
 */
struct key {
	const char *name;
	enum ktype type;
	size_t off;
	const char *def;
	const char *help;
};

#define LLM_KEY(n, t, f, d, h) \
	{ .name = n, .type = t, .off = offsetof(struct config, f), .def = d, .help = h }
static const struct key llm_keys[] = {
	LLM_KEY("tier", K_TIER_OR_AUTO, tier, "auto",
	    "the tier when none is given: auto, cheap, mid or frontier"),
	LLM_KEY("budget", K_USD, budget, "0", "dollars a calendar month; 0: no budget"),
	LLM_KEY("budget_action", K_ACTION, budget_action, "downgrade",
	    "over the budget: warn, downgrade or block"),
	LLM_KEY("escalate", K_BOOL, escalate, "yes",
	    "re-ask one tier up on a refusal, hedge, empty or cut answer"),
	LLM_KEY("quality", K_QUALITY, quality, "0.85",
	    "share of frontier quality the router aims at; higher costs more"),
	LLM_KEY("theme", K_STR, theme, "default", "the colours of llm chat"),
	LLM_KEY("max_tokens", K_LONG, max_tokens, "0", "the reply's cap; 0: the provider's"),
	LLM_KEY("timeout", K_LONG, timeout, "300",
	    "seconds without a byte before a request is given up"),
	LLM_KEY("deadline", K_LONG, deadline, "600", "seconds a request may take in all"),
	LLM_KEY("max_reply", K_LONG, max_reply, "64", "MiB of reply a request may receive"),
	LLM_KEY("warn_at", K_PERCENTS, warn_at, "50, 80, 100",
	    "say once a month when spend passes these % of the budget"),
	LLM_KEY("learn", K_BOOL, learn, "yes", "learn from re-asks and chosen tiers"),
	LLM_KEY("cache", K_BOOL, cache, "yes", "ask providers to cache the stable prefix"),
	LLM_KEY("cache_ttl", K_TTL, cache_ttl, "5m", "how long a cache breakpoint asks for: 5m or 1h"),
	LLM_KEY("compact_at", K_COMPACT, compact_at, "70%",
	    "history that starts compaction: tokens, or a share of the window; 0: never"),
};

static const struct key git_keys[] = {
	LLM_KEY("tier", K_TIER, git_tier, "cheap", "the tier that drafts commit messages"),
	LLM_KEY("model", K_STR, git_model, NULL, "a model to draft with instead of the tier's"),
	LLM_KEY("timeout", K_SECONDS, git_timeout, "20",
	    "seconds the hook waits for a draft: 1 to 86400"),
	LLM_KEY("max_tokens", K_LONG, git_max_tokens, "6000", "tokens of the diff sent at most"),
};

static const struct key agent_keys[] = {
	LLM_KEY("deny", K_LIST, agent_deny, NULL, "more paths the agent may not read or write"),
	LLM_KEY("allow", K_TOOLS, agent_allow, NULL,
	    "tools that need no approval: edit, write, run"),
	LLM_KEY("allow_run", K_LIST, agent_allow_run, NULL,
	    "commands the agent may run without asking"),
	LLM_KEY("allow_secret", K_LIST, agent_allow_secret, NULL,
	    "secrets files the agent may read all the same"),
	LLM_KEY("advisor", K_STR, agent_advisor, NULL, "the model a stuck agent asks for advice"),
	LLM_KEY("max_advice", K_LONG, agent_max_advice, "3", "advisor calls a task may make"),
	LLM_KEY("max_steps", K_LONG, agent_max_steps, "30", "requests a task may make"),
	LLM_KEY("run_timeout", K_SECONDS, agent_run_timeout, "120",
	    "seconds a command the agent runs may take"),
	LLM_KEY("writable", K_PATHS, agent_writable, NULL,
	    "more paths the agent's commands may write to, besides the workspace and caches"),
};

static const struct key ledger_keys[] = {
	LLM_KEY("database", K_STR, ledger_database, NULL,
	    "the team's PostgreSQL (libpq string, no password); none: this machine's SQLite"),
	LLM_KEY("team", K_STR, ledger_team, "default", "the team the requests count against"),
	LLM_KEY("user", K_STR, ledger_user, NULL, "the user rows are labelled with; default: the login"),
	LLM_KEY("timezone", K_STR, ledger_timezone, NULL,
	    "the time zone the team's months start in; default: the team's, UTC for a new one"),
	LLM_KEY("offline_allowance", K_USD, ledger_offline_allowance, "1",
	    "dollars requests may reserve while the team's database is unreachable"),
};

#define PROV_KEY(n, t, f, d, h) \
	{ .name = n, .type = t, .off = offsetof(struct provider_conf, f), .def = d, .help = h }
static const struct key provider_keys[] = {
	PROV_KEY("api", K_API, api, "openai", "wire format: openai, anthropic, gemini or ollama"),
	PROV_KEY("base_url", K_STR, base_url, NULL, "where the API is"),
	PROV_KEY("key_env", K_STR, key_env, NULL, "the environment variable holding the key"),
	PROV_KEY("key_command", K_STR, key_command, NULL, "a command that prints the key"),
	PROV_KEY("requires_key", K_BOOL, requires_key, "yes", "whether requests need a key"),
	PROV_KEY("allow_insecure", K_BOOL, allow_insecure, "no",
	    "let a key go over plain http:// to another host"),
};

#define MODEL_KEY(n, t, f, d, h) \
	{ .name = n, .type = t, .off = offsetof(struct model_conf, f), .def = d, .help = h }
static const struct key model_keys[] = {
	MODEL_KEY("provider", K_STR, provider, NULL, "the [provider.NAME] it is sent through"),
	MODEL_KEY("id", K_STR, id, NULL, "the model's id at the provider"),
	MODEL_KEY("tier", K_TIER, tier, NULL, "cheap, mid or frontier"),
	MODEL_KEY("input_price", K_PRICE, in_price, NULL, "dollars per million input tokens"),
	MODEL_KEY("output_price", K_PRICE, out_price, NULL, "dollars per million output tokens"),
	MODEL_KEY("cached_input_price", K_PRICE, cached_price, NULL,
	    "dollars per million input tokens read from the cache"),
	MODEL_KEY("cache_write_price", K_PRICE, cache_write_price, NULL,
	    "dollars per million input tokens written to the cache"),
	MODEL_KEY("context", K_I64, context, NULL, "the context window in tokens"),
	MODEL_KEY("max_output", K_I64, max_output, NULL, "the longest reply in tokens"),
	MODEL_KEY("vision", K_VISION, vision, NULL,
	    "whether it takes images; default: the catalog's, unknown for a new model"),
	MODEL_KEY("cache", K_BOOL, cache, NULL, "whether requests to it ask for caching"),
	MODEL_KEY("cache_min", K_I64, cache_min, NULL, "the shortest prefix in tokens it caches"),
};

struct parse {
	struct config *cfg;
	struct buf errors;
	FILE *f;
	int line;
	int section_line;    /* the line of the last section header read */
	int unknown_said;    /* the header line of the last unknown section reported */
};

static const char *const action_names[] = {
	[BUDGET_WARN] = "warn",
	[BUDGET_DOWNGRADE] = "downgrade",
	[BUDGET_BLOCK] = "block",
};

const char *
budget_action_str(enum budget_action a)
{
	return action_names[a];
}

static void
perr(struct parse *p, const char *fmt, ...)
{
	va_list ap;

	buf_addf(&p->errors, "%s:%d: ", p->cfg->path, p->line);
	va_start(ap, fmt);
	buf_vaddf(&p->errors, fmt, ap);
	va_end(ap);
	buf_addc(&p->errors, '\n');
}

static bool
parse_bool(const char *v, bool *out)
{
	static const char *const yes[] = { "yes", "true", "on", "1" };
	static const char *const no[] = { "no", "false", "off", "0" };
	size_t i;

	for (i = 0; i < ARRAY_SIZE(yes); i++) {
		if (str_ieq(v, yes[i]))
			return *out = true, true;
		if (str_ieq(v, no[i]))
			return *out = false, true;
	}
	return false;
}

static void
list_free(char **v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

/* Split "a, b ,c" into a fresh array of trimmed words. */
static size_t
list_parse(const char *v, char ***out)
{
	char *copy = xstrdup(v), *p = copy, *comma, **list = NULL;
	size_t n = 0;

	for (;;) {
		comma = strchr(p, ',');
		if (comma != NULL)
			*comma = '\0';
		p = str_trim(p);
		if (*p != '\0') {
			list = xreallocarray(list, n + 1, sizeof *list);
			list[n++] = xstrdup(p);
		}
		if (comma == NULL)
			break;
		p = comma + 1;
	}
	free(copy);
	*out = list;
	return n;
}

/* Set the NULL-terminated list at field from "a, b, c"; an error names a tool not known. */
static void
set_list(struct parse *p, const struct key *k, char ***field, const char *v)
{
	char **list = NULL;
	size_t n = list_parse(v, &list), i;

	list = xreallocarray(list, n + 1, sizeof(*list));
	list[n] = NULL;
	for (i = 0; k->type == K_TOOLS && i < n; i++)
		if (strcmp(list[i], "edit") != 0 && strcmp(list[i], "write") != 0 &&
		    strcmp(list[i], "run") != 0) {
			perr(p, "%s: unknown tool '%s' (use edit, write or run)", k->name, list[i]);
			strv_free(list);
			return;
		}
	for (i = 0; k->type == K_PATHS && i < n; i++)
		if (list[i][0] != '/' && strcmp(list[i], "~") != 0 && !str_startswith(list[i], "~/")) {
			perr(p, "%s: '%s' is not an absolute path (nor one under ~/)", k->name, list[i]);
			strv_free(list);
			return;
		}
	strv_free(*field);
	*field = list;
}

static int
cmp_int(const void *a, const void *b)
{
	return (*(const int *)a > *(const int *)b) - (*(const int *)a < *(const int *)b);
}

/* Parse "50, 80, 100" into cfg->warn_at, ascending and without repeats; "" is none. */
static void
set_percents(struct parse *p, const char *name, const char *v)
{
	struct config *cfg = p->cfg;
	char **list;
	size_t n = list_parse(v, &list), i;
	int64_t x;

	cfg->nwarn_at = 0;
	for (i = 0; i < n; i++) {
		if (!str_to_i64(list[i], &x) || x < 1 || x > CONFIG_WARN_PCT_MAX) {
			perr(p, "%s: expected percentages of the budget from 1 to %d such as 50, 80,"
			    " got '%s'", name, CONFIG_WARN_PCT_MAX, list[i]);
			continue;
		}
		if (cfg->nwarn_at == CONFIG_WARN_MAX) {
			perr(p, "%s: at most %d thresholds", name, CONFIG_WARN_MAX);
			break;
		}
		cfg->warn_at[cfg->nwarn_at++] = (int)x;
	}
	list_free(list, n);
	qsort(cfg->warn_at, cfg->nwarn_at, sizeof *cfg->warn_at, cmp_int);
	for (i = n = 0; i < cfg->nwarn_at; i++)
		if (n == 0 || cfg->warn_at[n - 1] != cfg->warn_at[i])
			cfg->warn_at[n++] = cfg->warn_at[i];
	cfg->nwarn_at = n;
}

/*
 * compact_at: a whole number is tokens; a fraction (0.7) or a percentage
 * (70%) is that much of the model's context window; 0 turns it off.
 */
static void
set_compact(struct parse *p, const struct key *k, const char *v)
{
	struct config *cfg = p->cfg;
	size_t n = strlen(v);
	int64_t x;

	if (n > 1 && v[n - 1] == '%') {
		char *num = xstrndup(v, n - 1);
		bool ok = str_to_fixed(num, 1, &x) && x >= 0 && x <= 1000;

		free(num);
		if (ok) {
			cfg->compact_at = 0;
			cfg->compact_permille = (long)x;
			return;
		}
	} else if (strchr(v, '.') != NULL) {
		if (str_to_fixed(v, 3, &x) && x >= 0 && x <= 1000) {
			cfg->compact_at = 0;
			cfg->compact_permille = (long)x;
			return;
		}
	} else if (str_to_i64(v, &x) && x >= 0 && x <= (int64_t)1 << 40) {
		cfg->compact_at = x;
		cfg->compact_permille = 0;
		return;
	}
	perr(p, "%s: expected a token count (60000), a fraction of the context window (0.7 or "
	    "70%%) or 0 for never, got '%s'", k->name, v);
}

/* Store value v for key k into the struct at base. */
static void
set_key(struct parse *p, const struct key *k, void *base, const char *v)
{
	void *field = (char *)base + k->off;
	enum tier t;
	enum api api;
	int64_t n;
	size_t i;

	switch (k->type) {
	case K_STR:
		free(*(char **)field);
		*(char **)field = *v ? xstrdup(v) : NULL;
		return;
	case K_BOOL:
		if (!parse_bool(v, (bool *)field))
			perr(p, "%s: expected yes or no, got '%s'", k->name, v);
		return;
	case K_VISION: {
		bool yes;

		if (!parse_bool(v, &yes))
			perr(p, "%s: expected yes or no, got '%s'", k->name, v);
		else
			*(enum model_vision *)field = yes ? MODEL_VISION_YES : MODEL_VISION_NO;
		return;
	}
	case K_LONG:
	case K_I64:
		if (!str_to_i64(v, &n) || n < 0 || n > (int64_t)1 << 40)
			perr(p, "%s: expected a whole number, got '%s'", k->name, v);
		else if (k->type == K_I64)
			*(int64_t *)field = n;
		else
			*(long *)field = (long)n;
		return;
	case K_SECONDS:
		if (!str_to_i64(v, &n) || n < 1 || n > 86400)
			perr(p, "%s: expected a number of seconds from 1 to 86400, got '%s'", k->name, v);
		else
			*(long *)field = (long)n;
		return;
	case K_TIER:
	case K_TIER_OR_AUTO:
		if (!tier_parse(v, &t) || (t == TIER_AUTO && k->type == K_TIER))
			perr(p, "%s: unknown tier '%s' (use %scheap, mid or frontier)", k->name, v,
			    k->type == K_TIER ? "" : "auto, ");
		else
			*(enum tier *)field = t;
		return;
	case K_USD:
	case K_PRICE:
		/* dollars to pico-dollars; per million tokens to per token */
		if (!str_to_fixed(v, k->type == K_USD ? 12 : 6, &n))
			perr(p, "%s: expected an amount in dollars such as 0.14, got '%s'", k->name, v);
		else
			*(int64_t *)field = n;
		return;
	case K_ACTION:
		for (i = 0; i < ARRAY_SIZE(action_names); i++)
			if (strcmp(v, action_names[i]) == 0) {
				*(enum budget_action *)field = (enum budget_action)i;
				return;
			}
		perr(p, "%s: expected warn, downgrade or block, got '%s'", k->name, v);
		return;
	case K_API:
		if (!provider_api_parse(v, &api))
			perr(p, "%s: unknown wire format '%s' (use openai, anthropic, gemini or ollama)",
			    k->name, v);
		else
			*(enum api *)field = api;
		return;
	case K_LIST:
	case K_TOOLS:
	case K_PATHS:
		set_list(p, k, (char ***)field, v);
		return;
	case K_PERCENTS:
		set_percents(p, k->name, v);
		return;
	case K_QUALITY:
		if (!str_to_fixed(v, 3, &n) || n <= 0 || n > 1000)
			perr(p, "%s: expected a share above 0 and at most 1 such as 0.95, got '%s'", k->name, v);
		else
			*(double *)field = (double)n / 1000;
		return;
	case K_TTL:
		if (strcmp(v, "5m") == 0 || strcmp(v, "300") == 0)
			*(long *)field = 300;
		else if (strcmp(v, "1h") == 0 || strcmp(v, "3600") == 0)
			*(long *)field = 3600;
		else
			perr(p, "%s: expected 5m or 1h, got '%s'", k->name, v);
		return;
	case K_COMPACT:
		set_compact(p, k, v);
		return;
	}
}

static bool
set_from_table(struct parse *p, const struct key *keys, size_t n, void *base, const char *name,
    const char *value)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(keys[i].name, name) == 0) {
			set_key(p, &keys[i], base, value);
			return true;
		}
	return false;
}

/* Set each key of keys that has a default to it, in the struct at base. */
static void
keys_default(struct config *cfg, const struct key *keys, size_t n, void *base)
{
	struct parse p = { .cfg = cfg };
	size_t i;

	buf_init(&p.errors, 0);
	for (i = 0; i < n; i++)
		if (keys[i].def != NULL)
			set_key(&p, &keys[i], base, keys[i].def);
	if (p.errors.len > 0)
		die("a built-in default is wrong: %s", buf_str(&p.errors));
	buf_done(&p.errors);
}

static struct provider_conf *
provider_get(struct config *cfg, const char *name)
{
	struct provider_conf *pc;
	size_t i;

	for (i = 0; i < cfg->nproviders; i++)
		if (strcmp(cfg->providers[i].name, name) == 0)
			return &cfg->providers[i];
	cfg->providers = xreallocarray(cfg->providers, cfg->nproviders + 1, sizeof *cfg->providers);
	pc = &cfg->providers[cfg->nproviders++];
	memset(pc, 0, sizeof *pc);
	pc->name = xstrdup(name);
	keys_default(cfg, provider_keys, ARRAY_SIZE(provider_keys), pc);
	return pc;
}

static struct model_conf *
model_get(struct config *cfg, const char *name, int line)
{
	struct model_conf *mc;
	size_t i;

	for (i = 0; i < cfg->nmodels; i++)
		if (strcmp(cfg->models[i].name, name) == 0)
			return &cfg->models[i];
	cfg->models = xreallocarray(cfg->models, cfg->nmodels + 1, sizeof *cfg->models);
	mc = &cfg->models[cfg->nmodels++];
	memset(mc, 0, sizeof *mc);
	mc->name = xstrdup(name);
	mc->tier = TIER_AUTO;
	mc->in_price = mc->out_price = PRICE_UNKNOWN;
	mc->cached_price = mc->cache_write_price = PRICE_UNKNOWN;
	mc->cache = true;
	mc->line = line;
	return mc;
}

static void
keys_add(struct config *cfg, const char *name, const char *value)
{
	size_t i;

	for (i = 0; i < cfg->nkeys; i++)
		if (strcmp(cfg->key_names[i], name) == 0) {
			free(cfg->key_values[i]);
			cfg->key_values[i] = xstrdup(value);
			return;
		}
	cfg->key_names = xreallocarray(cfg->key_names, cfg->nkeys + 1, sizeof(char *));
	cfg->key_values = xreallocarray(cfg->key_values, cfg->nkeys + 1, sizeof(char *));
	cfg->key_names[cfg->nkeys] = xstrdup(name);
	cfg->key_values[cfg->nkeys++] = xstrdup(value);
}

static void
tier_section(struct parse *p, const char *tname, const char *name, const char *value)
{
	struct tier_conf *tc;
	enum tier t;

	if (!tier_parse(tname, &t) || t == TIER_AUTO) {
		perr(p, "[tier.%s]: unknown tier (use cheap, mid or frontier)", tname);
		return;
	}
	if (strcmp(name, "models") != 0) {
		perr(p, "[tier.%s]: unknown key '%s' (the key is models)", tname, name);
		return;
	}
	tc = &p->cfg->tiers[t];
	list_free(tc->models, tc->n);
	tc->n = list_parse(value, &tc->models);
	tc->line = p->line;
}

/* The table of section's keys, or NULL. */
static const struct key *
section_keys(const char *section, size_t *n)
{
	if (strcmp(section, "llm") == 0)
		return *n = ARRAY_SIZE(llm_keys), llm_keys;
	if (strcmp(section, "git") == 0)
		return *n = ARRAY_SIZE(git_keys), git_keys;
	if (strcmp(section, "agent") == 0)
		return *n = ARRAY_SIZE(agent_keys), agent_keys;
	if (strcmp(section, "ledger") == 0)
		return *n = ARRAY_SIZE(ledger_keys), ledger_keys;
	if (str_startswith(section, "provider."))
		return *n = ARRAY_SIZE(provider_keys), provider_keys;
	if (str_startswith(section, "model."))
		return *n = ARRAY_SIZE(model_keys), model_keys;
	return *n = 0, NULL;
}

/*
 * Whether name is one given to an API key. Keys are kept out of this file:
 * the error names where they go and never repeats the value.
 */
static bool
secret_name(const char *name)
{
	static const char *const names[] = { "key", "api_key", "apikey", "api-key", "api_token",
	    "token", "secret", "secret_key" };
	size_t i;

	for (i = 0; i < ARRAY_SIZE(names); i++)
		if (str_ieq(name, names[i]))
			return true;
	return false;
}

/* An API key written into the file: say where it belongs. */
static void
secret_key(struct parse *p, const char *section, const char *name)
{
	const char *prov = section != NULL && str_startswith(section, "provider.") ?
	    section + 9 : NULL;

	if (prov != NULL)
		perr(p, "[%s]: '%s': an API key does not belong in config.ini; store it in the OS"
		    " keyring with llm keys set %s, or name where it is with key_env or key_command"
		    " under [%s]", section, name, prov, section);
	else
		perr(p, "%s%s%s'%s': an API key does not belong in config.ini; store it in the OS"
		    " keyring with llm keys set PROVIDER, or name where it is with key_env or"
		    " key_command under [provider.NAME]", section != NULL ? "[" : "",
		    section != NULL ? section : "", section != NULL ? "]: " : "", name);
}

/* An unknown key, with the keys section does have. */
static void
unknown_key(struct parse *p, const char *section, const char *name)
{
	struct buf known;
	size_t i, n;
	const struct key *keys = section_keys(section, &n);

	if (secret_name(name)) {
		secret_key(p, section, name);
		return;
	}
	buf_init(&known, 0);
	for (i = 0; i < n; i++)
		buf_addf(&known, "%s%s", i ? ", " : "", keys[i].name);
	perr(p, "[%s]: unknown key '%s' (known: %s)", section, name, buf_str(&known));
	buf_done(&known);
}

/* Whether a libpq connection string (URI or key = value form) holds a password. */
bool
config_has_password(const char *s)
{
	const char *a, *end, *at, *q;

	if (str_startswith(s, "postgresql://") || str_startswith(s, "postgres://")) {
		a = strstr(s, "://") + 3;
		end = a + strcspn(a, "/?");
		for (at = NULL, q = a; q < end; q++)
			if (*q == '@')
				at = q;
		if (at != NULL && memchr(a, ':', (size_t)(at - a)) != NULL)
			return true;
		for (q = strchr(end, '?'); q != NULL; q = strchr(q + 1, '&'))
			if (str_startswith(q + 1, "password="))
				return true;
		return false;
	}
	for (q = s; (q = strstr(q, "password")) != NULL; q += 8) {
		a = q + 8;
		while (*a == ' ' || *a == '\t')
			a++;
		if (*a == '=' && (q == s || q[-1] == ' ' || q[-1] == '\t'))
			return true;
	}
	return false;
}

/* A key above the first [section] is read by nothing: say where it belongs. */
static void
sectionless_key(struct parse *p, const char *name)
{
	static const char *const sections[] = { "llm", "git", "agent", "ledger" };
	const struct key *keys;
	size_t i, j, n;

	if (secret_name(name)) {
		secret_key(p, NULL, name);
		return;
	}
	for (i = 0; i < ARRAY_SIZE(sections); i++) {
		keys = section_keys(sections[i], &n);
		for (j = 0; j < n; j++) {
			if (strcmp(keys[j].name, name) == 0) {
				perr(p, "'%s' is above every [section], where nothing reads it: put it "
				    "under [%s]", name, sections[i]);
				return;
			}
		}
	}
	perr(p, "'%s' is above every [section], where nothing reads it: put it under the "
	    "section it belongs to (man llm-config)", name);
}

static int
on_key(void *user, const char *section, const char *name, const char *value)
{
	struct parse *p = user;
	struct config *cfg = p->cfg;
	bool known;

	if (*section == '\0') {
		sectionless_key(p, name);
		return 1;
	}
	if (strcmp(section, "llm") == 0)
		known = set_from_table(p, llm_keys, ARRAY_SIZE(llm_keys), cfg, name, value);
	else if (strcmp(section, "git") == 0)
		known = set_from_table(p, git_keys, ARRAY_SIZE(git_keys), cfg, name, value);
	else if (strcmp(section, "agent") == 0)
		known = set_from_table(p, agent_keys, ARRAY_SIZE(agent_keys), cfg, name, value);
	else if (strcmp(section, "ledger") == 0) {
		known = set_from_table(p, ledger_keys, ARRAY_SIZE(ledger_keys), cfg, name, value);
		if (strcmp(name, "database") == 0 && config_has_password(value))
			perr(p, "[ledger]: database: a password does not belong in config.ini; put it"
			    " in ~/.pgpass (or the file PGPASSFILE names), in PGPASSWORD, or in the"
			    " keyring (llm keys set ledger), and leave it out of the URL");
	}
	else if (str_startswith(section, "provider.") && section[9] != '\0')
		known = set_from_table(p, provider_keys, ARRAY_SIZE(provider_keys),
		    provider_get(cfg, section + 9), name, value);
	else if (str_startswith(section, "model.") && section[6] != '\0')
		known = set_from_table(p, model_keys, ARRAY_SIZE(model_keys),
		    model_get(cfg, section + 6, p->line), name, value);
	else if (str_startswith(section, "tier.")) {
		if (secret_name(name))
			secret_key(p, section, name);
		else
			tier_section(p, section + 5, name, value);
		return 1;
	} else if (strcmp(section, "keys") == 0) {
		keys_add(cfg, name, value);
		return 1;
	} else {
		/* once for the section, not once for each of its keys */
		if (p->unknown_said != p->section_line)
			perr(p, "unknown section [%s] (known: llm, tier.*, provider.*, model.*, git, "
			    "agent, ledger, keys)", section);
		p->unknown_said = p->section_line;
		return 1;
	}
	if (!known)
		unknown_key(p, section, name);
	return 1;
}

/* inih reads through this so that errors can carry line numbers. */
static char *
read_line(char *str, int num, void *stream)
{
	struct parse *p = stream;
	char *r = fgets(str, num, p->f);

	if (r != NULL)
		p->line++;
	if (r != NULL && str[strspn(str, " \t")] == '[')
		p->section_line = p->line;
	return r;
}

/*
 * The home directory: $HOME when it is absolute, else the password database's
 * (cron, systemd units and env -i may leave HOME unset); NULL when neither
 * gives one. Never a relative path: files would follow the current directory.
 */
static const char *
home_dir(void)
{
	const char *home = getenv("HOME");
	const struct passwd *pw;

	if (home != NULL && *home == '/')
		return home;
	pw = getpwuid(getuid());
	if (pw != NULL && pw->pw_dir != NULL && pw->pw_dir[0] == '/')
		return pw->pw_dir;
	return NULL;
}

/* own if set, else $xdg/llm (ignored when relative, as the XDG spec says), else ~/fallback/llm; NULL without a home. */
static char *
xdg_dir(const char *own, const char *xdg, const char *fallback)
{
	const char *v = getenv(own), *home;

	if (v != NULL && *v != '\0')
		return xstrdup(v);
	v = getenv(xdg);
	if (v != NULL && *v == '/')
		return xstrfmt("%s/llm", v);
	if ((home = home_dir()) == NULL)
		return NULL;
	return xstrfmt("%s/%s/llm", strcmp(home, "/") == 0 ? "" : home, fallback);
}

/* The login name, labelling the team ledger's rows unless [ledger] user says otherwise. */
static void
config_default_user(struct config *cfg)
{
	const struct passwd *pw = getpwuid(getuid());
	const char *u = getenv("LOGNAME");

	if (u == NULL || *u == '\0')
		u = getenv("USER");
	if ((u == NULL || *u == '\0') && pw != NULL)
		u = pw->pw_name;
	cfg->ledger_user = xstrdup(u != NULL && *u != '\0' ? u : "unknown");
}

static void
config_defaults(struct config *cfg)
{
	size_t i;

	memset(cfg, 0, sizeof *cfg);
	cfg->dir = xdg_dir("LLM_CONFIG_DIR", "XDG_CONFIG_HOME", ".config");
	cfg->data_dir = xdg_dir("LLM_DATA_DIR", "XDG_DATA_HOME", ".local/share");
	if (cfg->dir != NULL)
		cfg->path = xstrfmt("%s/config.ini", cfg->dir);
	keys_default(cfg, llm_keys, ARRAY_SIZE(llm_keys), cfg);
	keys_default(cfg, git_keys, ARRAY_SIZE(git_keys), cfg);
	keys_default(cfg, agent_keys, ARRAY_SIZE(agent_keys), cfg);
	keys_default(cfg, ledger_keys, ARRAY_SIZE(ledger_keys), cfg);
	config_default_user(cfg);
	for (i = 0; i < ARRAY_SIZE(builtin_providers); i++) {
		struct provider_conf *pc = provider_get(cfg, builtin_providers[i].name);

		pc->api = builtin_providers[i].api;
		pc->base_url = xstrdup(builtin_providers[i].base_url);
		pc->key_env = builtin_providers[i].key_env ? xstrdup(builtin_providers[i].key_env) : NULL;
		pc->requires_key = builtin_providers[i].requires_key;
		pc->builtin = true;
	}
}

/* Check what only makes sense once the whole file is read. */
static void
config_validate(struct parse *p)
{
	struct config *cfg = p->cfg;
	size_t i;

	if (cfg->max_reply < 1 || cfg->max_reply > 4096)
		buf_addf(&p->errors, "%s: [llm]: max_reply: expected 1 to 4096 (MiB), got %ld\n",
		    cfg->path, cfg->max_reply);
	for (i = 0; i < cfg->nproviders; i++) {
		struct provider_conf *pc = &cfg->providers[i];

		if (pc->base_url == NULL) {
			p->line = 0;
			buf_addf(&p->errors, "%s: [provider.%s]: base_url is required\n", cfg->path,
			    pc->name);
		}
	}
	for (i = 0; i < cfg->nmodels; i++) {
		struct model_conf *mc = &cfg->models[i];

		if (mc->provider == NULL)
			buf_addf(&p->errors, "%s:%d: [model.%s]: provider is required\n", cfg->path,
			    mc->line, mc->name);
		else if (config_provider(cfg, mc->provider) == NULL)
			buf_addf(&p->errors, "%s:%d: [model.%s]: unknown provider '%s'\n", cfg->path,
			    mc->line, mc->name, mc->provider);
		if (mc->id == NULL)
			mc->id = xstrdup(mc->name);
	}
}

/*
 * Model names and ids are printed by `llm models`, the route line and the TUI:
 * each must be one word that prints as itself (no controls, escapes, bidi
 * controls, white space or bytes that are not UTF-8).
 */
static void
check_model_words(struct parse *p)
{
	struct config *cfg = p->cfg;
	const char *why = "must be one word of printable UTF-8 (no white space or controls)";
	size_t i;

	for (i = 0; i < cfg->nmodels; i++) {
		const struct model_conf *mc = &cfg->models[i];
		char *name = visible_str(mc->name, strlen(mc->name)), *id;

		if (!visible_word(mc->name))
			buf_addf(&p->errors, "%s:%d: [model.%s]: the model name %s\n", cfg->path,
			    mc->line, name, why);
		if (mc->id != NULL && strcmp(mc->id, mc->name) != 0 && !visible_word(mc->id)) {
			id = visible_str(mc->id, strlen(mc->id));
			buf_addf(&p->errors, "%s:%d: [model.%s]: id '%s' %s\n", cfg->path, mc->line,
			    name, id, why);
			free(id);
		}
		free(name);
	}
}

/*
 * inih gives the line of its first syntax error (on_key never fails), even
 * when keys have failed too: say it first, since the keys after an unclosed
 * section header fall into the section before it and fail for that reason.
 */
static void
syntax_error(struct parse *p, int line)
{
	const char *why = "expected key = value, a [section] or a ; comment";
	char text[64];
	struct buf all;
	FILE *f = fopen(p->cfg->path, "r");
	bool start = true;
	int n = 0;

	/* only the line's start matters; a longer line is read on in pieces */
	while (f != NULL && fgets(text, sizeof text, f) != NULL) {
		if (start && n + 1 == line && text[strspn(text, " \t")] == '[') {
			why = "a section header needs its closing ]";
			break;
		}
		start = strchr(text, '\n') != NULL;
		if (start && ++n == line)
			break;
	}
	if (f != NULL)
		fclose(f);
	buf_init(&all, 0);
	buf_addf(&all, "%s:%d: syntax error: %s\n", p->cfg->path, line, why);
	if (p->errors.len > 0)
		buf_add(&all, p->errors.data, p->errors.len);
	buf_done(&p->errors);
	p->errors = all;
}

int
config_load(struct config *cfg, char **cause)
{
	struct parse p = { .cfg = cfg, .line = 0 };
	const char *env;
	int rc;

	config_defaults(cfg);
	if (cfg->dir == NULL || cfg->data_dir == NULL) {
		xasprintf(cause, "cannot find a home directory: HOME is not set (or not an absolute "
		    "path) and the password database has none for uid %ld; set HOME, or "
		    "LLM_CONFIG_DIR and LLM_DATA_DIR", (long)getuid());
		return -1;
	}
	buf_init(&p.errors, 0);
	p.f = fopen(cfg->path, "r");
	if (p.f != NULL) {
		cfg->loaded = true;
		rc = ini_parse_stream(read_line, &p, on_key, &p);
		/* a read that failed (a directory there) reads as an empty file to inih */
		if (rc == 0 && ferror(p.f))
			buf_addf(&p.errors, "%s: %s\n", cfg->path, strerror(errno));
		fclose(p.f);
		if (rc > 0)
			syntax_error(&p, rc);
		else if (rc < 0)
			buf_addf(&p.errors, "%s: cannot read\n", cfg->path);
	} else if (errno != ENOENT) {
		/* unreadable is not absent: its budget and providers would be dropped unsaid */
		buf_addf(&p.errors, "%s: %s\n", cfg->path, strerror(errno));
	}
	/* The environment may hold a password: it is no file. */
	if ((env = getenv("LLM_DATABASE")) != NULL && *env != '\0') {
		free(cfg->ledger_database);
		cfg->ledger_database = xstrdup(env);
		cfg->ledger_database_env = true;
	}
	config_validate(&p);
	check_model_words(&p);
	if (p.errors.len == 0) {
		buf_done(&p.errors);
		return 0;
	}
	if (p.errors.data[p.errors.len - 1] == '\n')
		p.errors.data[--p.errors.len] = '\0';
	*cause = buf_detach(&p.errors);
	return -1;
}

void
config_done(struct config *cfg)
{
	size_t i;

	free(cfg->ledger_database);
	free(cfg->ledger_team);
	free(cfg->ledger_user);
	free(cfg->ledger_timezone);

	for (i = 0; i < cfg->nproviders; i++) {
		free(cfg->providers[i].name);
		free(cfg->providers[i].base_url);
		free(cfg->providers[i].key_env);
		free(cfg->providers[i].key_command);
	}
	free(cfg->providers);
	for (i = 0; i < cfg->nmodels; i++) {
		free(cfg->models[i].name);
		free(cfg->models[i].provider);
		free(cfg->models[i].id);
	}
	free(cfg->models);
	for (i = 0; i < TIER_COUNT; i++)
		list_free(cfg->tiers[i].models, cfg->tiers[i].n);
	strv_free(cfg->agent_deny);
	strv_free(cfg->agent_allow);
	strv_free(cfg->agent_allow_run);
	strv_free(cfg->agent_writable);
	strv_free(cfg->agent_allow_secret);
	free(cfg->agent_advisor);
	list_free(cfg->key_names, cfg->nkeys);
	list_free(cfg->key_values, cfg->nkeys);
	free(cfg->dir);
	free(cfg->path);
	free(cfg->data_dir);
	free(cfg->theme);
	free(cfg->git_model);
	memset(cfg, 0, sizeof *cfg);
}

int
config_check_models(const struct config *cfg, bool (*known)(void *arg, const char *name),
    void *arg, char **cause)
{
	struct buf errors;
	size_t i, j;

	buf_init(&errors, 0);
	for (i = 0; i < TIER_COUNT; i++)
		for (j = 0; j < cfg->tiers[i].n; j++)
			if (!known(arg, cfg->tiers[i].models[j]))
				buf_addf(&errors, "%s%s:%d: unknown model '%s' in [tier.%s] (see llm models)",
				    errors.len ? "\n" : "", cfg->path, cfg->tiers[i].line,
				    cfg->tiers[i].models[j], tier_str((enum tier)i));
	if (errors.len == 0) {
		buf_done(&errors);
		return 0;
	}
	if (cause != NULL)
		*cause = buf_detach(&errors);
	else
		buf_done(&errors);
	return -1;
}

const struct model_conf *
config_model(const struct config *cfg, const char *name)
{
	size_t i;

	for (i = 0; i < cfg->nmodels; i++)
		if (strcmp(cfg->models[i].name, name) == 0)
			return &cfg->models[i];
	return NULL;
}

const struct provider_conf *
config_provider(const struct config *cfg, const char *name)
{
	size_t i;

	for (i = 0; i < cfg->nproviders; i++)
		if (strcmp(cfg->providers[i].name, name) == 0)
			return &cfg->providers[i];
	return NULL;
}

/* Pico-dollars as the shortest exact decimal: 0, 50, 0.000001. */
static void
dump_usd(FILE *f, int64_t v)
{
	char frac[16];
	int len;

	len = snprintf(frac, sizeof frac, "%012" PRId64, v % 1000000000000);
	while (len > 0 && frac[len - 1] == '0')
		frac[--len] = '\0';
	fprintf(f, "%" PRId64 "%s%s", v / 1000000000000, len ? "." : "", frac);
}

/* Key k of the struct at base as "name = value"; false when it is not set. */
static bool
dump_key(FILE *f, const struct key *k, const void *base)
{
	const void *field = (const char *)base + k->off;
	int64_t v;
	size_t i;

	switch (k->type) {
	case K_STR:
		if (*(char *const *)field == NULL)
			return false;
		fprintf(f, "%s = %s", k->name, *(char *const *)field);
		return true;
	case K_BOOL:
		fprintf(f, "%s = %s", k->name, *(const bool *)field ? "yes" : "no");
		return true;
	case K_VISION:
		if (*(const enum model_vision *)field == MODEL_VISION_UNKNOWN)
			return false;
		fprintf(f, "%s = %s", k->name, model_vision_str(*(const enum model_vision *)field));
		return true;
	case K_LONG:
	case K_SECONDS:
		fprintf(f, "%s = %ld", k->name, *(const long *)field);
		return true;
	case K_I64:
		if ((v = *(const int64_t *)field) == 0 && k->def == NULL)
			return false;
		fprintf(f, "%s = %" PRId64, k->name, v);
		return true;
	case K_TIER:
	case K_TIER_OR_AUTO:
		if (*(const enum tier *)field == TIER_AUTO && k->type == K_TIER)
			return false;
		fprintf(f, "%s = %s", k->name, tier_str(*(const enum tier *)field));
		return true;
	case K_USD:
		fprintf(f, "%s = ", k->name);
		dump_usd(f, *(const int64_t *)field);
		return true;
	case K_PRICE:
		if ((v = *(const int64_t *)field) == PRICE_UNKNOWN)
			return false;
		fprintf(f, "%s = %" PRId64 ".%06" PRId64, k->name, v / 1000000, v % 1000000);
		return true;
	case K_ACTION:
		fprintf(f, "%s = %s", k->name, budget_action_str(*(const enum budget_action *)field));
		return true;
	case K_API:
		fprintf(f, "%s = %s", k->name, provider_api_str(*(const enum api *)field));
		return true;
	case K_PERCENTS:
		fprintf(f, "%s =", k->name);
		for (i = 0; i < ((const struct config *)base)->nwarn_at; i++)
			fprintf(f, "%s %d", i ? "," : "", ((const int *)field)[i]);
		return true;
	case K_QUALITY:
		fprintf(f, "%s = %.3g", k->name, *(const double *)field);
		return true;
	case K_TTL:
		fprintf(f, "%s = %s", k->name, *(const long *)field >= 3600 ? "1h" : "5m");
		return true;
	case K_COMPACT: {
		const struct config *cfg = base;

		if (cfg->compact_at > 0 || cfg->compact_permille == 0)
			fprintf(f, "%s = %" PRId64, k->name, cfg->compact_at);
		else
			fprintf(f, "%s = %ld%%", k->name, cfg->compact_permille / 10);
		return true;
	}
	case K_LIST:
	case K_TOOLS:
	case K_PATHS: {
		char *const *list = *(char **const *)field;

		if (list == NULL)
			return false;
		fprintf(f, "%s =", k->name);
		for (i = 0; list[i] != NULL; i++)
			fprintf(f, "%s %s", i ? "," : "", list[i]);
		return true;
	}
	}
	return false;
}

/* Every key of a table that is set, one a line; with help, each says what it is. */
static void
dump_keys(FILE *f, const struct key *keys, size_t n, const void *base, bool help)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (!dump_key(f, &keys[i], base))
			continue;
		if (help)
			fprintf(f, "  ; %s", keys[i].help);
		fputc('\n', f);
	}
}

void
config_dump(const struct config *cfg, FILE *f)
{
	size_t i, j;

	fprintf(f, "; %s%s\n[llm]\n", cfg->path, cfg->loaded ? "" : " (not present: defaults)");
	dump_keys(f, llm_keys, ARRAY_SIZE(llm_keys), cfg, true);
	if (cfg->ledger_database != NULL) {
		/* From the environment it may hold a password: not shown. */
		fprintf(f, "\n[ledger]\ndatabase = %s\n",
		    cfg->ledger_database_env ? "(from LLM_DATABASE)" : cfg->ledger_database);
		dump_keys(f, ledger_keys + 1, ARRAY_SIZE(ledger_keys) - 1, cfg, false);
	}
	for (i = 0; i < TIER_COUNT; i++) {
		if (cfg->tiers[i].n == 0)
			continue;
		fprintf(f, "\n[tier.%s]\nmodels = ", tier_str((enum tier)i));
		for (j = 0; j < cfg->tiers[i].n; j++)
			fprintf(f, "%s%s", j ? ", " : "", cfg->tiers[i].models[j]);
		fputc('\n', f);
	}
	for (i = 0; i < cfg->nproviders; i++) {
		fprintf(f, "\n[provider.%s]\n", cfg->providers[i].name);
		dump_keys(f, provider_keys, ARRAY_SIZE(provider_keys), &cfg->providers[i], false);
	}
	for (i = 0; i < cfg->nmodels; i++) {
		fprintf(f, "\n[model.%s]\n", cfg->models[i].name);
		dump_keys(f, model_keys, ARRAY_SIZE(model_keys), &cfg->models[i], false);
	}
	fprintf(f, "\n[git]\n");
	dump_keys(f, git_keys, ARRAY_SIZE(git_keys), cfg, true);
	fprintf(f, "\n[agent]\n");
	dump_keys(f, agent_keys, ARRAY_SIZE(agent_keys), cfg, true);
	if (cfg->nkeys > 0) {
		fprintf(f, "\n[keys]\n");
		for (i = 0; i < cfg->nkeys; i++)
			fprintf(f, "%s = %s\n", cfg->key_names[i], cfg->key_values[i]);
	}
}
