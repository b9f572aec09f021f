/* config: config.ini (inih) merged over built-in providers, with XDG paths. */
#include "config.h"

#include <errno.h>
#include <ini.h>
#include <pwd.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "buf.h"
#include "config_priv.h"
#include "router.h"
#include "util.h"

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
	LLM_KEY("mouse", K_BOOL, mouse, "yes",
	    "the wheel scrolls llm chat; no leaves the mouse to the terminal"),
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
	LLM_KEY("unix_sockets", K_BOOL, agent_unix_sockets, "no",
	    "whether the agent's commands may open local (UNIX) sockets"),
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
	config_keys_default(cfg, provider_keys, ARRAY_SIZE(provider_keys), pc);
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
		config_perr(p, "[tier.%s]: unknown tier (use cheap, mid or frontier)", tname);
		return;
	}
	if (strcmp(name, "models") != 0) {
		config_perr(p, "[tier.%s]: unknown key '%s' (the key is models)", tname, name);
		return;
	}
	tc = &p->cfg->tiers[t];
	config_list_free(tc->models, tc->n);
	tc->n = config_list_parse(value, &tc->models);
	tc->line = p->line;
}

/* The table of section's keys, or NULL. */
const struct key *
config_section_keys(const char *section, size_t *n)
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
 * Why base_url cannot be where the API is, or NULL: libcurl would take
 * ftp:// or file:// too, and a user name and password in the URL would go
 * to the server with every request and show in every message that names it.
 * The reason never repeats the value: it may hold the password.
 */
static const char *
base_url_bad(const char *url)
{
	const char *a, *end;

	if (strncasecmp(url, "https://", 8) == 0)
		a = url + 8;
	else if (strncasecmp(url, "http://", 7) == 0)
		a = url + 7;
	else
		return "expected an http:// or https:// URL (https://api.example.com/v1)";
	end = a + strcspn(a, "/?#");
	if (memchr(a, '@', (size_t)(end - a)) != NULL)
		return "a user name or password does not belong in the URL (it would go with every "
		    "request and show in messages); give the API key with llm keys set, key_env or "
		    "key_command, and leave it out of base_url";
	if (end == a)
		return "the URL names no host (https://api.example.com/v1)";
	return NULL;
}

static int
on_key(void *user, const char *section, const char *name, const char *value)
{
	struct parse *p = user;
	struct config *cfg = p->cfg;
	const char *why;
	bool known;

	if (*section == '\0') {
		config_sectionless_key(p, name);
		return 1;
	}
	if (strcmp(section, "llm") == 0)
		known = config_set_from_table(p, llm_keys, ARRAY_SIZE(llm_keys), cfg, name, value);
	else if (strcmp(section, "git") == 0) {
		known = config_set_from_table(p, git_keys, ARRAY_SIZE(git_keys), cfg, name, value);
		if (strcmp(name, "model") == 0)
			cfg->git_model_line = p->line;
	}
	else if (strcmp(section, "agent") == 0)
		known = config_set_from_table(p, agent_keys, ARRAY_SIZE(agent_keys), cfg, name, value);
	else if (strcmp(section, "ledger") == 0) {
		known = config_set_from_table(p, ledger_keys, ARRAY_SIZE(ledger_keys), cfg, name, value);
		if (strcmp(name, "database") == 0 && config_has_password(value))
			config_perr(p, "[ledger]: database: a password does not belong in config.ini; put it"
			    " in ~/.pgpass (or the file PGPASSFILE names), in PGPASSWORD, or in the"
			    " keyring (llm keys set ledger), and leave it out of the URL");
	}
	else if (str_startswith(section, "provider.") && section[9] != '\0') {
		/* the value is not repeated: it may be the key itself, pasted in the wrong place */
		if (strcmp(name, "key_env") == 0 && !config_env_name(value)) {
			config_perr(p, "[%s]: key_env: not the name of an environment variable (letters,"
			    " digits and _, such as WORK_API_KEY); a key itself does not belong in"
			    " config.ini: store it with llm keys set %s", section, section + 9);
			return 1;
		}
		if (strcmp(name, "base_url") == 0 && (why = base_url_bad(value)) != NULL) {
			config_perr(p, "[%s]: base_url: %s", section, why);
			return 1;
		}
		known = config_set_from_table(p, provider_keys, ARRAY_SIZE(provider_keys),
		    provider_get(cfg, section + 9), name, value);
	}
	else if (str_startswith(section, "model.") && section[6] != '\0')
		known = config_set_from_table(p, model_keys, ARRAY_SIZE(model_keys),
		    model_get(cfg, section + 6, p->line), name, value);
	else if (str_startswith(section, "tier.")) {
		if (config_secret_name(name))
			config_secret_key(p, section, name);
		else
			tier_section(p, section + 5, name, value);
		return 1;
	} else if (strcmp(section, "keys") == 0) {
		keys_add(cfg, name, value);
		return 1;
	} else {
		/* once for the section, not once for each of its keys */
		if (p->unknown_said != p->section_line)
			config_perr(p, "unknown section [%s] (known: llm, tier.*, provider.*, model.*, git, "
			    "agent, ledger, keys)", section);
		p->unknown_said = p->section_line;
		return 1;
	}
	if (!known)
		config_unknown_key(p, section, name);
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
	config_keys_default(cfg, llm_keys, ARRAY_SIZE(llm_keys), cfg);
	config_keys_default(cfg, git_keys, ARRAY_SIZE(git_keys), cfg);
	config_keys_default(cfg, agent_keys, ARRAY_SIZE(agent_keys), cfg);
	config_keys_default(cfg, ledger_keys, ARRAY_SIZE(ledger_keys), cfg);
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
			config_syntax_error(&p, rc);
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
	config_check_model_words(&p);
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
		config_list_free(cfg->tiers[i].models, cfg->tiers[i].n);
	strv_free(cfg->agent_deny);
	strv_free(cfg->agent_allow);
	strv_free(cfg->agent_allow_run);
	strv_free(cfg->agent_writable);
	strv_free(cfg->agent_allow_secret);
	free(cfg->agent_advisor);
	config_list_free(cfg->key_names, cfg->nkeys);
	config_list_free(cfg->key_values, cfg->nkeys);
	free(cfg->dir);
	free(cfg->path);
	free(cfg->data_dir);
	free(cfg->theme);
	free(cfg->git_model);
	memset(cfg, 0, sizeof *cfg);
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

void
config_dump(const struct config *cfg, FILE *f)
{
	size_t i, j;

	fprintf(f, "; %s%s\n[llm]\n", cfg->path, cfg->loaded ? "" : " (not present: defaults)");
	config_dump_keys(f, llm_keys, ARRAY_SIZE(llm_keys), cfg, true);
	fputs("\n[ledger]\n", f);
	if (cfg->ledger_database == NULL)
		fputs("; database: none, the ledger is this machine's SQLite; the keys below count"
		    " once it names a team's PostgreSQL\n", f);
	else /* from the environment it may hold a password: not shown */
		fprintf(f, "database = %s\n",
		    cfg->ledger_database_env ? "(from LLM_DATABASE)" : cfg->ledger_database);
	config_dump_keys(f, ledger_keys + 1, ARRAY_SIZE(ledger_keys) - 1, cfg, true);
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
		config_dump_keys(f, provider_keys, ARRAY_SIZE(provider_keys), &cfg->providers[i], false);
	}
	for (i = 0; i < cfg->nmodels; i++) {
		fprintf(f, "\n[model.%s]\n", cfg->models[i].name);
		config_dump_keys(f, model_keys, ARRAY_SIZE(model_keys), &cfg->models[i], false);
	}
	fprintf(f, "\n[git]\n");
	config_dump_keys(f, git_keys, ARRAY_SIZE(git_keys), cfg, true);
	fprintf(f, "\n[agent]\n");
	config_dump_keys(f, agent_keys, ARRAY_SIZE(agent_keys), cfg, true);
	if (cfg->nkeys > 0) {
		fprintf(f, "\n[keys]\n");
		for (i = 0; i < cfg->nkeys; i++)
			fprintf(f, "%s = %s\n", cfg->key_names[i], cfg->key_values[i]);
	}
}
