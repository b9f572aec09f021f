/* config: config.ini (inih) merged over built-in providers, with XDG paths. */
#include "config.h"

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
	K_I64,      /* int64_t */
	K_TIER,     /* cheap, mid, frontier (auto where allowed) */
	K_TIER_OR_AUTO,
	K_USD,      /* dollars -> pico-dollars */
	K_PRICE,    /* dollars per million tokens -> pico-dollars per token */
	K_ACTION,
	K_API,
	K_LIST,
};

struct key {
	const char *name;
	enum ktype type;
	size_t off;
};

#define LLM_KEY(n, t, f) { .name = n, .type = t, .off = offsetof(struct config, f) }
static const struct key llm_keys[] = {
	LLM_KEY("tier", K_TIER_OR_AUTO, tier),
	LLM_KEY("budget", K_USD, budget),
	LLM_KEY("budget_action", K_ACTION, budget_action),
	LLM_KEY("escalate", K_BOOL, escalate),
	LLM_KEY("theme", K_STR, theme),
	LLM_KEY("max_tokens", K_LONG, max_tokens),
	LLM_KEY("timeout", K_LONG, timeout),
	LLM_KEY("deadline", K_LONG, deadline),
	LLM_KEY("max_reply", K_LONG, max_reply),
};

static const struct key git_keys[] = {
	LLM_KEY("tier", K_TIER, git_tier),
	LLM_KEY("model", K_STR, git_model),
	LLM_KEY("timeout", K_LONG, git_timeout),
	LLM_KEY("max_tokens", K_LONG, git_max_tokens),
};

static const struct key ledger_keys[] = {
	LLM_KEY("database", K_STR, ledger_database),
	LLM_KEY("team", K_STR, ledger_team),
	LLM_KEY("user", K_STR, ledger_user),
	LLM_KEY("timezone", K_STR, ledger_timezone),
	LLM_KEY("offline_allowance", K_USD, ledger_offline_allowance),
};

#define PROV_KEY(n, t, f) { .name = n, .type = t, .off = offsetof(struct provider_conf, f) }
static const struct key provider_keys[] = {
	PROV_KEY("api", K_API, api),
	PROV_KEY("base_url", K_STR, base_url),
	PROV_KEY("key_env", K_STR, key_env),
	PROV_KEY("key_command", K_STR, key_command),
	PROV_KEY("requires_key", K_BOOL, requires_key),
	PROV_KEY("allow_insecure", K_BOOL, allow_insecure),
};

#define MODEL_KEY(n, t, f) { .name = n, .type = t, .off = offsetof(struct model_conf, f) }
static const struct key model_keys[] = {
	MODEL_KEY("provider", K_STR, provider),
	MODEL_KEY("id", K_STR, id),
	MODEL_KEY("tier", K_TIER, tier),
	MODEL_KEY("input_price", K_PRICE, in_price),
	MODEL_KEY("output_price", K_PRICE, out_price),
	MODEL_KEY("cached_input_price", K_PRICE, cached_price),
	MODEL_KEY("cache_write_price", K_PRICE, cache_write_price),
	MODEL_KEY("context", K_I64, context),
	MODEL_KEY("max_output", K_I64, max_output),
};

struct parse {
	struct config *cfg;
	struct buf errors;
	FILE *f;
	int line;
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
	case K_LONG:
	case K_I64:
		if (!str_to_i64(v, &n) || n < 0 || n > (int64_t)1 << 40)
			perr(p, "%s: expected a whole number, got '%s'", k->name, v);
		else if (k->type == K_I64)
			*(int64_t *)field = n;
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
	pc->api = API_OPENAI;
	pc->requires_key = true;
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

/* Whether a libpq connection string (URI or key = value form) holds a password. */
static bool
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

static int
on_key(void *user, const char *section, const char *name, const char *value)
{
	struct parse *p = user;
	struct config *cfg = p->cfg;
	bool known;

	if (strcmp(section, "llm") == 0)
		known = set_from_table(p, llm_keys, ARRAY_SIZE(llm_keys), cfg, name, value);
	else if (strcmp(section, "git") == 0)
		known = set_from_table(p, git_keys, ARRAY_SIZE(git_keys), cfg, name, value);
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
		tier_section(p, section + 5, name, value);
		return 1;
	} else if (strcmp(section, "keys") == 0) {
		keys_add(cfg, name, value);
		return 1;
	} else {
		perr(p, "unknown section [%s] (known: llm, tier.*, provider.*, model.*, git, keys,"
		    " ledger)",
		    section);
		return 1;
	}
	if (!known)
		perr(p, "[%s]: unknown key '%s'", section, name);
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
	cfg->tier = TIER_AUTO;
	cfg->budget_action = BUDGET_DOWNGRADE;
	cfg->escalate = true;
	cfg->theme = xstrdup("default");
	cfg->timeout = 300;
	cfg->deadline = 600;
	cfg->max_reply = 64;
	cfg->git_tier = TIER_CHEAP;
	cfg->git_timeout = 20;
	cfg->git_max_tokens = 6000;
	cfg->ledger_team = xstrdup("default");
	cfg->ledger_timezone = xstrdup("UTC");
	cfg->ledger_offline_allowance = 1000000000000;     /* $1 */
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
		fclose(p.f);
		if (rc > 0 && p.errors.len == 0)
			buf_addf(&p.errors, "%s:%d: syntax error\n", cfg->path, rc);
		else if (rc < 0)
			buf_addf(&p.errors, "%s: cannot read\n", cfg->path);
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

const struct provider_conf *
config_provider(const struct config *cfg, const char *name)
{
	size_t i;

	for (i = 0; i < cfg->nproviders; i++)
		if (strcmp(cfg->providers[i].name, name) == 0)
			return &cfg->providers[i];
	return NULL;
}

static void
dump_price(FILE *f, const char *key, int64_t v)
{
	if (v == PRICE_UNKNOWN)
		return;
	fprintf(f, "%s = %" PRId64 ".%06" PRId64 "\n", key, v / 1000000, v % 1000000);
}

void
config_dump(const struct config *cfg, FILE *f)
{
	size_t i, j;

	fprintf(f, "; %s%s\n[llm]\n", cfg->path, cfg->loaded ? "" : " (not present: defaults)");
	fprintf(f, "tier = %s\n", tier_str(cfg->tier));
	fprintf(f, "budget = %" PRId64 ".%02" PRId64 "\n", cfg->budget / 1000000000000,
	    cfg->budget / 10000000000 % 100);
	fprintf(f, "budget_action = %s\nescalate = %s\ntheme = %s\n",
	    budget_action_str(cfg->budget_action), cfg->escalate ? "yes" : "no", cfg->theme);
	fprintf(f, "max_tokens = %ld\ntimeout = %ld\ndeadline = %ld\nmax_reply = %ld\n",
	    cfg->max_tokens, cfg->timeout, cfg->deadline, cfg->max_reply);
	if (cfg->ledger_database != NULL) {
		/* From the environment it may hold a password: not shown. */
		fprintf(f, "\n[ledger]\ndatabase = %s\nteam = %s\nuser = %s\ntimezone = %s\n",
		    cfg->ledger_database_env ? "(from LLM_DATABASE)" : cfg->ledger_database,
		    cfg->ledger_team ? cfg->ledger_team : "", cfg->ledger_user ? cfg->ledger_user : "",
		    cfg->ledger_timezone ? cfg->ledger_timezone : "");
		fprintf(f, "offline_allowance = %" PRId64 ".%02" PRId64 "\n",
		    cfg->ledger_offline_allowance / 1000000000000,
		    cfg->ledger_offline_allowance / 10000000000 % 100);
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
		const struct provider_conf *pc = &cfg->providers[i];

		fprintf(f, "\n[provider.%s]\napi = %s\nbase_url = %s\n", pc->name,
		    provider_api_str(pc->api), pc->base_url ? pc->base_url : "");
		if (pc->key_env != NULL)
			fprintf(f, "key_env = %s\n", pc->key_env);
		if (pc->key_command != NULL)
			fprintf(f, "key_command = %s\n", pc->key_command);
		fprintf(f, "requires_key = %s\n", pc->requires_key ? "yes" : "no");
		if (pc->allow_insecure)
			fprintf(f, "allow_insecure = yes\n");
	}
	for (i = 0; i < cfg->nmodels; i++) {
		const struct model_conf *mc = &cfg->models[i];

		fprintf(f, "\n[model.%s]\nprovider = %s\nid = %s\n", mc->name,
		    mc->provider ? mc->provider : "", mc->id ? mc->id : "");
		if (mc->tier != TIER_AUTO)
			fprintf(f, "tier = %s\n", tier_str(mc->tier));
		dump_price(f, "input_price", mc->in_price);
		dump_price(f, "output_price", mc->out_price);
		dump_price(f, "cached_input_price", mc->cached_price);
		dump_price(f, "cache_write_price", mc->cache_write_price);
		if (mc->context)
			fprintf(f, "context = %" PRId64 "\n", mc->context);
		if (mc->max_output)
			fprintf(f, "max_output = %" PRId64 "\n", mc->max_output);
	}
	fprintf(f, "\n[git]\ntier = %s\n", tier_str(cfg->git_tier));
	if (cfg->git_model != NULL)
		fprintf(f, "model = %s\n", cfg->git_model);
	fprintf(f, "timeout = %ld\nmax_tokens = %ld\n", cfg->git_timeout, cfg->git_max_tokens);
	if (cfg->nkeys > 0) {
		fprintf(f, "\n[keys]\n");
		for (i = 0; i < cfg->nkeys; i++)
			fprintf(f, "%s = %s\n", cfg->key_names[i], cfg->key_values[i]);
	}
}
