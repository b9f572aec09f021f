/* config_value: a key's value read from config.ini's text into its struct, and written back. */
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "config_priv.h"
#include "router.h"
#include "util.h"

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

void
config_perr(struct parse *p, const char *fmt, ...)
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

void
config_list_free(char **v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

/* Split "a, b ,c" into a fresh array of trimmed words. */
size_t
config_list_parse(const char *v, char ***out)
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
	size_t n = config_list_parse(v, &list), i;

	list = xreallocarray(list, n + 1, sizeof(*list));
	list[n] = NULL;
	for (i = 0; k->type == K_TOOLS && i < n; i++)
		if (strcmp(list[i], "edit") != 0 && strcmp(list[i], "write") != 0 &&
		    strcmp(list[i], "run") != 0) {
			config_perr(p, "%s: unknown tool '%s' (use edit, write or run)", k->name, list[i]);
			strv_free(list);
			return;
		}
	for (i = 0; k->type == K_PATHS && i < n; i++)
		if (list[i][0] != '/' && strcmp(list[i], "~") != 0 && !str_startswith(list[i], "~/")) {
			config_perr(p, "%s: '%s' is not an absolute path (nor one under ~/)", k->name,
			    list[i]);
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
	size_t n = config_list_parse(v, &list), i;
	int64_t x;

	cfg->nwarn_at = 0;
	for (i = 0; i < n; i++) {
		if (!str_to_i64(list[i], &x) || x < 1 || x > CONFIG_WARN_PCT_MAX) {
			config_perr(p, "%s: expected percentages of the budget from 1 to %d such as 50, 80,"
			    " got '%s'", name, CONFIG_WARN_PCT_MAX, list[i]);
			continue;
		}
		if (cfg->nwarn_at == CONFIG_WARN_MAX) {
			config_perr(p, "%s: at most %d thresholds", name, CONFIG_WARN_MAX);
			break;
		}
		cfg->warn_at[cfg->nwarn_at++] = (int)x;
	}
	config_list_free(list, n);
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
	config_perr(p, "%s: expected a token count (60000), a fraction of the context window (0.7 or "
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
			config_perr(p, "%s: expected yes or no, got '%s'", k->name, v);
		return;
	case K_VISION: {
		bool yes;

		if (!parse_bool(v, &yes))
			config_perr(p, "%s: expected yes or no, got '%s'", k->name, v);
		else
			*(enum model_vision *)field = yes ? MODEL_VISION_YES : MODEL_VISION_NO;
		return;
	}
	case K_LONG:
	case K_I64:
		if (!str_to_i64(v, &n) || n < 0 || n > (int64_t)1 << 40)
			config_perr(p, "%s: expected a whole number, got '%s'", k->name, v);
		else if (k->type == K_I64)
			*(int64_t *)field = n;
		else
			*(long *)field = (long)n;
		return;
	case K_SECONDS:
		if (!str_to_i64(v, &n) || n < 1 || n > 86400)
			config_perr(p, "%s: expected a number of seconds from 1 to 86400, got '%s'",
			    k->name, v);
		else
			*(long *)field = (long)n;
		return;
	case K_TIER:
	case K_TIER_OR_AUTO:
		if (!tier_parse(v, &t) || (t == TIER_AUTO && k->type == K_TIER))
			config_perr(p, "%s: unknown tier '%s' (use %scheap, mid or frontier)", k->name, v,
			    k->type == K_TIER ? "" : "auto, ");
		else
			*(enum tier *)field = t;
		return;
	case K_USD:
	case K_PRICE:
		/* dollars to pico-dollars; per million tokens to per token */
		if (!str_to_fixed(v, k->type == K_USD ? 12 : 6, &n))
			config_perr(p, "%s: expected an amount in dollars such as 0.14, got '%s'",
			    k->name, v);
		else
			*(int64_t *)field = n;
		return;
	case K_ACTION:
		for (i = 0; i < ARRAY_SIZE(action_names); i++)
			if (strcmp(v, action_names[i]) == 0) {
				*(enum budget_action *)field = (enum budget_action)i;
				return;
			}
		config_perr(p, "%s: expected warn, downgrade or block, got '%s'", k->name, v);
		return;
	case K_API:
		if (!provider_api_parse(v, &api))
			config_perr(p, "%s: unknown wire format '%s' (use openai, anthropic, gemini or "
			    "ollama)", k->name, v);
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
			config_perr(p, "%s: expected a share above 0 and at most 1 such as 0.95, got '%s'",
			    k->name, v);
		else
			*(double *)field = (double)n / 1000;
		return;
	case K_TTL:
		if (strcmp(v, "5m") == 0 || strcmp(v, "300") == 0)
			*(long *)field = 300;
		else if (strcmp(v, "1h") == 0 || strcmp(v, "3600") == 0)
			*(long *)field = 3600;
		else
			config_perr(p, "%s: expected 5m or 1h, got '%s'", k->name, v);
		return;
	case K_COMPACT:
		set_compact(p, k, v);
		return;
	}
}

bool
config_set_from_table(struct parse *p, const struct key *keys, size_t n, void *base, const char *name,
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
void
config_keys_default(struct config *cfg, const struct key *keys, size_t n, void *base)
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
void
config_dump_keys(FILE *f, const struct key *keys, size_t n, const void *base, bool help)
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
